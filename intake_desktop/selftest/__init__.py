"""``intake-desktop --self-test``: is this installation fit to hold case files?

Checks in a few seconds, from source or in the packaged app, that SQLCipher
encrypts with a raw key, Argon2id derives, age and minisign round-trip (age
also through the app's own age layer for bundles, against pyrage), a bundled
font covers every Dari and Pashto letter, Qt starts (offscreen) and, with a
display, that Qt's X11 plugin can load. One line per check; exit status 1 if
any check failed.

It needs no vault, and writes only inside a private temporary folder that it
removes (Qt's children get their config, cache and runtime folders there).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from ..core.i18n import _
from ..resources import resource_path
from . import xcb

PROBE_TIMEOUT = 90


class Status(StrEnum):
    """A check's result, as its line starts (FAILED in capitals, to stand out)."""

    OK = "ok"
    FAILED = "FAILED"
    SKIPPED = "skip"


OK, FAILED, SKIPPED = Status.OK, Status.FAILED, Status.SKIPPED


@dataclass(frozen=True)
class Outcome:
    label: str
    status: Status
    detail: str = ""

    def line(self) -> str:
        """``ok    label (detail)``, ``FAILED label: reason``, ``skip  label: reason``."""
        status = f"{self.status} ".ljust(6)
        if self.status == OK:
            return f"{status}{self.label}" + (f" ({self.detail})" if self.detail else "")
        return f"{status}{self.label}: {self.detail}"


def command() -> list[str]:
    """How to start the self-test in a child process, from source or frozen."""
    if getattr(sys, "frozen", False):
        return [sys.executable, "--self-test"]
    return [sys.executable, "-m", "intake_desktop", "--self-test"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="intake-desktop --self-test",
        description=_("Check that this installation can keep case files safe; changes nothing."),
    )
    parser.add_argument(
        "--fonts",
        metavar="DIR",
        type=Path,
        help=_("check the fonts in DIR instead of the bundled ones"),
    )
    parser.add_argument("--probe", choices=("qt", "xcb"), help=argparse.SUPPRESS)
    return parser


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    fonts: Path = args.fonts or resource_path("fonts")
    if args.probe:
        from . import qt_probe

        return qt_probe.main(args.probe, fonts)
    started = time.perf_counter()
    outcomes: list[Outcome] = []
    with _private_folder() as work:
        for outcome in _all_checks(work, fonts):
            print(outcome.line(), flush=True)
            outcomes.append(outcome)
    failed = sum(outcome.status == FAILED for outcome in outcomes)
    seconds = time.perf_counter() - started
    if failed:
        print(
            _("self-test: {failed} of {total} checks FAILED ({seconds:.1f} s)").format(
                failed=failed, total=len(outcomes), seconds=seconds
            )
        )
        return 1
    print(
        _("self-test: all {total} checks passed ({seconds:.1f} s)").format(
            total=sum(outcome.status == OK for outcome in outcomes), seconds=seconds
        )
    )
    return 0


@contextlib.contextmanager
def _private_folder() -> Iterator[Path]:
    work = Path(tempfile.mkdtemp(prefix="intake-selftest-"))  # 0700
    try:
        yield work
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _all_checks(work: Path, fonts: Path) -> Iterator[Outcome]:
    from . import crypto

    checks: list[tuple[str, Callable[[Path], str]]] = [
        (_("sqlcipher raw key"), crypto.sqlcipher_raw_key),
        (_("argon2id"), crypto.argon2id),
        (_("age round trip"), crypto.age_round_trip),
        (_("age bundle layer"), crypto.age_bundle_layer),
        (_("minisign sign/verify"), crypto.minisign_round_trip),
    ]
    for label, check in checks:
        yield _run(label, check, work, crypto.CheckFailed)
    yield from _qt_checks(work, fonts)
    yield _xcb_check(work)


def _run(
    label: str, check: Callable[[Path], str], work: Path, expected: type[Exception]
) -> Outcome:
    folder = Path(tempfile.mkdtemp(dir=work))
    try:
        return Outcome(label, OK, check(folder))
    except expected as exc:
        return Outcome(label, FAILED, str(exc))
    except Exception as exc:
        # No case data exists here: the message is about the library itself.
        return Outcome(label, FAILED, f"{type(exc).__name__}: {_one_line(str(exc))}")


def _qt_checks(work: Path, fonts: Path) -> Iterator[Outcome]:
    labels = {"qt": _("qt offscreen"), "fonts": _("font covers Dari and Pashto")}
    reports, died = _probe("qt", work, fonts)
    for check, label in labels.items():
        if check in reports:
            ok, detail = reports[check]
            yield Outcome(label, OK if ok else FAILED, detail)
        elif "qt" in reports and not reports["qt"][0]:
            yield Outcome(label, FAILED, _("not checked: Qt did not start"))
        else:
            yield Outcome(label, FAILED, died)


def _xcb_check(work: Path) -> Outcome:
    label = _("xcb")
    if not sys.platform.startswith("linux"):
        return Outcome(label, SKIPPED, _("not checked (not Linux)"))
    missing = xcb.missing_libraries()
    if not os.environ.get("DISPLAY"):
        detail = _("not checked (no display)")
        if missing:
            detail += "; " + _("the desktop app on X11 would fail: {reason}").format(
                reason=xcb.explain(missing)
            )
        return Outcome(label, SKIPPED, detail)
    if missing:
        return Outcome(label, FAILED, xcb.explain(missing))
    reports, died = _probe("xcb", work, None)
    if "xcb" in reports:
        ok, detail = reports["xcb"]
        if ok:
            detail = _("display {display}").format(display=os.environ.get("DISPLAY", ""))
        return Outcome(label, OK if ok else FAILED, detail)
    return Outcome(label, FAILED, died)


def _probe(kind: str, work: Path, fonts: Path | None) -> tuple[dict[str, tuple[bool, str]], str]:
    """Run a Qt probe; its reports by check, and why it died if it did."""
    args = [*command(), "--probe", kind]
    if fonts is not None:
        args += ["--fonts", str(fonts)]
    try:
        result = subprocess.run(
            args,
            env=_probe_environment(work, kind),
            cwd=work,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=PROBE_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return {}, _("Qt did not answer within {seconds} s").format(seconds=PROBE_TIMEOUT)
    reports: dict[str, tuple[bool, str]] = {}
    for line in result.stdout.decode("utf-8", "replace").splitlines():
        with contextlib.suppress(ValueError, KeyError, TypeError):
            report = json.loads(line)
            reports[str(report["check"])] = (bool(report["ok"]), str(report["detail"]))
    return reports, _why_it_died(kind, result)


def _why_it_died(kind: str, result: subprocess.CompletedProcess[bytes]) -> str:
    stderr = result.stderr.decode("utf-8", "replace")
    missing = xcb.libraries_named_in(stderr)
    if missing:
        return xcb.explain(missing)
    if "could not connect to display" in stderr:
        return _("cannot connect to the display {display}").format(
            display=os.environ.get("DISPLAY", "")
        )
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    status = (
        _("killed by signal {signal}").format(signal=-result.returncode)
        if result.returncode < 0
        else _("exit status {status}").format(status=result.returncode)
    )
    last = f": {_one_line(lines[-1])}" if lines else ""
    return _("the Qt probe ({kind}) stopped, {status}").format(kind=kind, status=status) + last


def _probe_environment(work: Path, kind: str) -> dict[str, str]:
    """The child's environment: Qt's and fontconfig's files go to the private folder."""
    # No passphrase or vault path for the child, and none of the caller's Qt settings.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INTAKE_", "QT_"))}
    home = work / "home"
    for name in ("config", "cache", "data", "runtime", "tmp"):
        (home / name).mkdir(mode=0o700, parents=True, exist_ok=True)
    if kind == "xcb":
        # The X server's cookie is found through HOME unless named outright.
        env.setdefault("XAUTHORITY", str(Path.home() / ".Xauthority"))
        env.update(QT_QPA_PLATFORM="xcb", QT_DEBUG_PLUGINS="1")
    else:
        env["QT_QPA_PLATFORM"] = "offscreen"
    if not getattr(sys, "frozen", False):
        # From source the child runs `python -m intake_desktop` in the private
        # folder: it must find this very package, installed or not.
        source = str(Path(__file__).resolve().parents[2])
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [source, env.get("PYTHONPATH")]))
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_CACHE_HOME=str(home / "cache"),
        XDG_DATA_HOME=str(home / "data"),
        XDG_RUNTIME_DIR=str(home / "runtime"),
        TMPDIR=str(home / "tmp"),
    )
    return env


def _one_line(text: str, limit: int = 300) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
