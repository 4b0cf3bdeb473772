"""GUI cold start: process start -> the lock screen painted, median of N runs.

    python benchmarks/gui_cold_start.py [--runs 5] [--vault DIR] [--json FILE]

Makes a locked vault in a temporary folder (or uses --vault), then starts
the desktop app N times as a fresh process on Qt's offscreen platform, with
``INTAKE_REPORT_SHOWN=1``: the app prints ``shown <ms>`` on stderr when the
unlock screen is first painted, and quits (``ui/shell/startup_probe.py``). The
figure is the app's own count from the launcher's clock (passed in
``INTAKE_REPORT_SHOWN_T0``), so it includes fork, exec, the interpreter,
imports and Qt's start; the launcher's wall clock up to reading the line is
shown beside it on stderr.

The app is started exactly as a person starts it:
``python -m intake_desktop --vault DIR``, with its bytecode compiled, as
installed (pip compiles at install, the PyInstaller package ships it): the
runs share a private ``PYTHONPYCACHEPREFIX`` filled by one untimed warm-up
run. An environment with ``PYTHONDONTWRITEBYTECODE`` (some sandboxes set it)
would otherwise compile every module from source on every start: about 500
ms more here, a cost no installed app pays.

Prints JSON: {"gui_cold_start_ms": <median>}.
"""

from __future__ import annotations

import argparse
import json
import os
import selectors
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from intake_desktop.core.files import restrict_umask  # noqa: E402
from intake_desktop.core.vault import Vault  # noqa: E402

PASSPHRASE = "benchmark passphrase"
TIMEOUT_S = 60.0


def make_vault(folder: Path) -> Path:
    path = folder / "vault"
    vault, _code = Vault.create(
        path, PASSPHRASE, user_name="bench", role="caseworker", kdf_target_seconds=0
    )
    vault.close()
    return path


def environment(home: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("INTAKE_") and k != "PYTHONDONTWRITEBYTECODE"
    }
    env.update(
        PYTHONPYCACHEPREFIX=str(home / "pycache"),
        QT_QPA_PLATFORM="offscreen",
        INTAKE_REPORT_SHOWN="1",
        HOME=str(home),  # Qt settings go here, never to the user's
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_DATA_HOME=str(home / "data"),
        PYTHONPATH=str(REPO),
    )
    return env


def one_run(command: list[str], env: dict[str, str], timeout: float) -> tuple[float, float] | None:
    """(app-reported ms, launcher wall ms to reading the line), or None if it never reported.

    A process that does not report within ``timeout`` is killed (it is our own
    child, killed by its handle).
    """
    start = time.monotonic_ns()
    process = subprocess.Popen(
        command,
        env=dict(env, INTAKE_REPORT_SHOWN_T0=str(start)),
        cwd=REPO,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    assert process.stderr is not None
    deadline = time.monotonic() + timeout
    buffer = b""
    outcome: tuple[float, float] | None = None
    with selectors.DefaultSelector() as selector:
        selector.register(process.stderr, selectors.EVENT_READ)
        while outcome is None and (left := deadline - time.monotonic()) > 0:
            if not selector.select(left):
                continue
            chunk = os.read(process.stderr.fileno(), 4096)
            if not chunk:  # ended without reporting
                break
            buffer += chunk
            for line in buffer.decode("utf-8", "replace").splitlines():
                if line.startswith("shown "):
                    outcome = float(line.split()[1]), (time.monotonic_ns() - start) / 1e6
    killed = False
    try:
        process.wait(timeout=10 if outcome else 0.1)
    except subprocess.TimeoutExpired:
        killed = True
        process.kill()
        process.wait()
    process.stderr.close()
    if outcome is None and not killed and buffer:  # it crashed: say why
        tail = buffer.decode("utf-8", "replace").strip().splitlines()[-5:]
        print("gui_cold_start: the app said:\n  " + "\n  ".join(tail), file=sys.stderr)
    return outcome


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--vault", type=Path, help="an existing vault (default: a new one)")
    parser.add_argument("--json", type=Path, help="also write the JSON result here")
    args = parser.parse_args()
    restrict_umask()

    with tempfile.TemporaryDirectory(prefix="intake-bench-") as tmp:
        folder = Path(tmp)
        vault = args.vault or make_vault(folder)
        env = environment(folder / "home")
        command = [sys.executable, "-m", "intake_desktop", "--vault", str(vault)]
        # Untimed: compiles the bytecode into the private cache.
        if one_run(command, env, TIMEOUT_S) is None:
            raise SystemExit("gui_cold_start: the app exited without showing the lock screen")
        results: list[tuple[float, float]] = []
        while len(results) < args.runs:
            outcome = one_run(command, env, TIMEOUT_S)
            if outcome is None:
                raise SystemExit("gui_cold_start: the app exited without showing the lock screen")
            results.append(outcome)

    for i, (app_ms, wall_ms) in enumerate(results, 1):
        print(f"run {i}: {app_ms:.1f} ms (launcher wall clock {wall_ms:.1f} ms)", file=sys.stderr)
    median = round(statistics.median(app_ms for app_ms, _wall in results), 1)
    output = {"gui_cold_start_ms": median}
    print(json.dumps(output))
    if args.json:
        args.json.write_text(json.dumps(output) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
