"""End-to-end run of the packaged app, as a field laptop and a coordinator use it.

    python3 e2e.py APP_FOLDER VERSION

Run by .ci/package.sh from a copy of dist/intake-desktop outside the source
tree (and, where it can, with the source tree hidden). Uses only the standard
library and the packaged program; everything happens in a temporary folder
that is removed afterwards. Prints one line per step; exits 1 on the first
failure with what the program said.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PASSPHRASE = "a long field passphrase for the e2e run"  # noqa: S105 - throwaway vaults
CASE = {
    "title": "Ahmadzai family",
    "route": "humanitarian_parole",
    "people": [
        {"id": "p1", "full_name": "محمد نور احمدزی", "role": "beneficiary"},
        {"full_name": "ښکلې ځدراڼ", "role": "family_member"},
    ],
    # Export refuses a case whose recorded consent does not cover sharing it.
    "consents": [{"person": "p1", "scope": ["share_with_counsel"], "given_on": "2026-11-20"}],
    "statements": [
        {
            "language": "ps",
            "text": "موږ له کابل څخه راغلو",
            "translation": {"language": "en", "text": "We came from Kabul"},
        }
    ],
}
# A tiny valid PNG (1x1), standing in for a scan.
SCAN = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e5270de40000000049454e44ae426082"
)


class Failed(Exception):
    pass


class Device:
    """One vault and the environment its commands run in."""

    def __init__(self, app: Path, root: Path, name: str) -> None:
        self.app = app
        self.name = name
        home = root / f"{name}-home"
        (home / "tmp").mkdir(parents=True)
        self.vault = root / f"{name}-vault"
        base = {
            k: v
            for k, v in os.environ.items()
            if k in ("PATH", "LANG", "LC_ALL", "DISPLAY", "XAUTHORITY")
        }
        self.env = {
            **base,
            "HOME": str(home),
            "XDG_DATA_HOME": str(home / "data"),
            "XDG_CONFIG_HOME": str(home / "config"),
            "XDG_CACHE_HOME": str(home / "cache"),
            "TMPDIR": str(home / "tmp"),
            "INTAKE_VAULT": str(self.vault),
            "INTAKE_PASSPHRASE": PASSPHRASE,
            # Argon2id at its floor (64 MiB, 3 passes): every command unlocks.
            "INTAKE_KDF_TARGET_MS": "0",
        }

    def run(self, *args: str, stdin: bytes = b"") -> str:
        result = subprocess.run(
            [str(self.app), *args],
            env=self.env,
            cwd=self.env["HOME"],
            input=stdin,
            capture_output=True,
            timeout=120,
            check=False,
        )
        if result.returncode != 0:
            raise Failed(
                f"{self.name}: intake-desktop {' '.join(args)} exited {result.returncode}\n"
                + result.stderr.decode("utf-8", "replace")[-3000:]
            )
        return result.stdout.decode("utf-8")

    def json(self, *args: str, stdin: bytes = b"") -> object:
        return json.loads(self.run(*args, stdin=stdin))


def step(text: str) -> None:
    print(f"e2e: {text}", flush=True)


def scenario(app: Path, version: str, root: Path) -> None:
    field, office = Device(app, root, "field"), Device(app, root, "office")

    shown = field.run("--version").strip()
    if shown != f"intake-desktop {version}":
        raise Failed(f"--version says {shown!r}, expected {version}")
    step(f"--version: {shown}")

    field.run("vault", "init", "--name", "Field laptop 1", "--user", "farida")
    office.run("vault", "init", "--role", "coordinator", "--name", "Office", "--user", "omar")
    step("two vaults created (caseworker, coordinator)")

    field_keys = field.json("identity", "--json")
    office_keys = office.json("identity", "--json")
    assert isinstance(field_keys, dict) and isinstance(office_keys, dict)
    field.run("trust", "add-recipient", "Office", office_keys["recipient"], "--yes")
    office.run("trust", "add-device", "Field laptop 1", field_keys["signing_key"], "--yes")
    step("keys exchanged: field trusts the office's recipient, office trusts the field's key")

    case_id = field.run("case", "add", "--json", "-", stdin=json.dumps(CASE).encode()).strip()
    scan = root / "tazkira-scan.png"
    scan.write_bytes(SCAN)
    evidence_id = field.run("attach", case_id, str(scan)).strip()
    step(f"case {case_id} added with attachment {evidence_id}")

    bundle = root / "field-1.intake"
    exported = field.json("export", "--to", "Office", "--all", "--out", str(bundle), "--json")
    assert isinstance(exported, dict)
    if exported.get("cases") != 1 or exported.get("attachments") != 1:
        raise Failed(f"export summary: {exported}")
    if not bundle.read_bytes().startswith(b"age-encryption.org/v1\n"):
        raise Failed("the bundle is not an age file")
    step(f"exported {bundle.name} ({bundle.stat().st_size} bytes)")

    imported = office.json("import", str(bundle), "--json")
    assert isinstance(imported, dict)
    if imported.get("status") != "merged" or imported.get("attachments") != 1:
        raise Failed(f"import: {imported}")
    step(f"imported by the coordinator: {imported['status']}, records {imported['records']}")
    cases = office.json("case", "list", "--json")
    assert isinstance(cases, list)
    if [c["id"] for c in cases] != [case_id]:
        raise Failed(f"the coordinator's case list: {cases}")
    document = office.json("case", "show", case_id, "--json")
    text = json.dumps(document, ensure_ascii=False)
    for expected in ("محمد نور احمدزی", "ښکلې ځدراڼ", "موږ له کابل څخه راغلو", evidence_id):
        if expected not in text:
            raise Failed(f"the imported case lacks {expected!r}")
    step("the coordinator sees the case, its Pashto statement and its evidence")

    again = office.json("import", str(bundle), "--json")
    assert isinstance(again, dict)
    if again.get("status") != "already_imported":
        raise Failed(f"importing the same bundle again: {again}")
    step("the same bundle imported again changes nothing")

    # Counsel's packet: Qt's PDF output and pikepdf, as packaged.
    packet = root / "packet.pdf"
    made = office.json("case", "packet", case_id, "--out", str(packet), "--json")
    assert isinstance(made, dict)
    if made.get("files") != [str(packet)] or not packet.read_bytes().startswith(b"%PDF-"):
        raise Failed(f"case packet: {made}")
    if packet.stat().st_mode & 0o777 != 0o600:
        raise Failed("the packet is not private (0600)")
    step(f"counsel's packet: {made['pages']} pages, {made['exhibits']} exhibits")

    for device in (field, office):
        checks = device.json("vault", "check", "--json")
        assert isinstance(checks, dict)
        if not checks.get("ok"):
            raise Failed(f"{device.name}: vault check: {checks}")
        step(f"vault check {device.name}: {len(checks['checks'])} checks ok")

    if os.environ.get("DISPLAY"):
        gui_stays_up(field)


def gui_stays_up(device: Device, seconds: float = 6.0) -> None:
    """The desktop app opens on the display (its lock screen) and keeps running."""
    env = {k: v for k, v in device.env.items() if k != "INTAKE_PASSPHRASE"}
    proc = subprocess.Popen(
        [str(device.app)],
        env=env,
        cwd=env["HOME"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.2)
    if proc.poll() is not None:
        _, err = proc.communicate()
        raise Failed(
            f"the desktop app stopped after start (exit {proc.returncode}):\n"
            + err.decode("utf-8", "replace")[-3000:]
        )
    proc.terminate()
    try:
        proc.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
    step(f"the desktop app ran {seconds:.0f} s on display {os.environ['DISPLAY']}")


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    app = Path(sys.argv[1]).resolve() / "intake-desktop"
    root = Path(tempfile.mkdtemp(prefix="intake-e2e-"))
    started = time.monotonic()
    try:
        scenario(app, sys.argv[2], root)
    except (Failed, AssertionError, KeyError, ValueError) as exc:
        print(f"e2e: FAILED: {exc}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print(f"e2e: passed in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
