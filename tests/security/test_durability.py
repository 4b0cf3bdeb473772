"""Kill -9 at random moments: what was acknowledged survives, and nothing is half done.

A driver process (``tests/security/crash_driver.py``) works on a real vault
through the core API and prints a line after each durable commit; the test
kills it with SIGKILL after a random delay (a seeded RNG, so a failure can
be replayed), then opens the vault and checks it.

What these tests prove and what they do not: SIGKILL ends the process but
not the kernel, so data the process handed to the OS survives. They prove
the app never acknowledges before its commit returned and that SQLite's
journal leaves every transaction whole or absent. Losing power (the OS page
cache lost too) is what ``synchronous = FULL`` and the fsyncs are for; that
needs a VM or a fault-injecting block device to test and is argued, not
tested (docs/threat-model.md).
"""

from __future__ import annotations

import contextlib
import copy
import os
import random
import re
import select
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from intake_desktop.core import identity
from intake_desktop.core.attachments import BlobStore
from intake_desktop.core.bundle import importer
from intake_desktop.core.cases import CaseStore
from intake_desktop.core.check import check_vault
from intake_desktop.core.errors import BundleRejected
from intake_desktop.core.records import RecordStore
from intake_desktop.core.vault import Vault
from tests.bundle_forge import RICH_CASE, add_attachment, export_to, introduce, snapshot
from tests.helpers import PASSPHRASE, REPO, make_vault

pytestmark = pytest.mark.slow

SEED = 20261127
EDIT_ROUNDS = 16
IMPORT_ROUNDS = 12
EXPORT_ROUNDS = 12
BUNDLE_ATTACHMENT = 4 << 20  # a few MiB of incompressible data: kills land mid-stream


# Running and killing the driver


def driver_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTAKE_")}
    env["INTAKE_KDF_TARGET_MS"] = "0"
    return env


def live_members(group: int) -> list[int]:
    """Processes of a process group that are still running (zombies do not count)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == group and fields[0] != "Z":
                found.append(int(entry.name))
    return found


def wait_for_group(group: int, timeout: float = 20.0) -> None:
    """Any children of the driver may outlive it briefly: wait for them."""
    deadline = time.monotonic() + timeout
    while live_members(group):
        if time.monotonic() > deadline:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(group, signal.SIGKILL)
            pytest.fail(f"the driver's process group {group} did not end")
        time.sleep(0.02)


@dataclass
class Run:
    lines: list[str]  # complete lines the driver printed (each one a promise)
    killed: bool  # False: it finished before the kill
    stderr: str
    working: float  # seconds from "ready" to the end of the process

    @property
    def done(self) -> bool:
        return any(line.startswith("done") for line in self.lines)


def read_line(proc: subprocess.Popen[bytes], timeout: float) -> str:
    assert proc.stdout is not None
    ready, _, _ = select.select([proc.stdout], [], [], timeout)
    if not ready:
        proc.kill()
        pytest.fail("the driver did not start in time")
    return proc.stdout.readline().decode()


def run_and_kill(args: list[str], delay: float | None) -> Run:
    """Start the driver; ``delay`` seconds after it is ready, SIGKILL it (None: let it finish)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.security.crash_driver", *args],
        cwd=REPO,
        env=driver_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group, so its children can be waited for
    )
    try:
        first = read_line(proc, 60)
        assert first == "ready\n", first + (proc.stderr.read().decode() if proc.stderr else "")
        ready_at = time.monotonic()
        if delay is not None:
            time.sleep(delay)
            with contextlib.suppress(ProcessLookupError):
                os.kill(proc.pid, signal.SIGKILL)
        out, err = proc.communicate(timeout=120)
        working = time.monotonic() - ready_at
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        wait_for_group(proc.pid)
    stderr = err.decode("utf-8", "replace")
    killed = proc.returncode == -signal.SIGKILL
    assert killed or proc.returncode == 0, f"driver failed ({proc.returncode}):\n{stderr}"
    text = first + out.decode()
    complete = text[: text.rfind("\n") + 1]
    return Run(lines=complete.splitlines(), killed=killed, stderr=stderr, working=working)


def assert_sound(vault: Vault) -> None:
    failed = [(r.name, r.detail) for r in check_vault(vault) if not r.ok]
    assert failed == []


@contextlib.contextmanager
def opened(path: Path) -> Iterator[Vault]:
    vault = Vault.open(path, PASSPHRASE)
    try:
        yield vault
    finally:
        vault.close()


# Edits


def test_every_acknowledged_edit_survives_a_kill(tmp_path: Path) -> None:
    path = tmp_path / "vault"
    vault, _ = make_vault(path)
    case_id = CaseStore(vault).add_case({"title": "v1", "route": "other"})
    vault.close()
    rng = random.Random(SEED)
    acks: list[list[str]] = []
    rounds_with_acks = 0
    for round_number in range(EDIT_ROUNDS):
        run = run_and_kill(["edits", str(path), str(round_number)], rng.uniform(0.02, 0.4))
        assert run.killed, "the edit loop never ends by itself"
        new = [line.split()[1:] for line in run.lines[1:]]  # after "ready"
        assert all(line.startswith("ack ") for line in run.lines[1:]), run.lines
        acks += new
        rounds_with_acks += bool(new)
        with opened(path) as vault:
            assert_sound(vault)
            records, blobs = RecordStore(vault), BlobStore(vault)
            for kind, record_id, version, *extra in acks:
                record = records.get(record_id)
                assert record is not None and not record.deleted, (round_number, kind, record_id)
                assert record.kind == kind and record.version >= int(version)
                if kind == "case":
                    # Whole, never torn between two versions.
                    assert record.body["title"] == f"v{record.version}"
                if kind == "evidence":
                    names = [a["sha256"] for a in record.body["attachments"]]
                    # check_vault above re-hashed every attachment's content.
                    assert extra[0] in names and blobs.exists(extra[0])
            # The edit in flight at the kill is whole or absent: no evidence
            # names content that is not (completely) in the vault.
            for record in records.of_case(case_id):
                for item in record.body.get("attachments", []):
                    assert blobs.exists(item["sha256"])
            leftovers = vault.conn.execute("SELECT count(*) FROM blobs WHERE complete = 0")
            assert leftovers.fetchone() == (0,)
    assert len(acks) > 3 * EDIT_ROUNDS, len(acks)
    assert rounds_with_acks >= EDIT_ROUNDS * 3 // 4
    assert {a[0] for a in acks} == {"case", "person", "evidence"}


# Import: all or nothing


@dataclass
class Shipment:
    path: Path
    bundle_id: str
    record_ids: list[str]
    sha256: str


def field_and_coordinator(root: Path) -> tuple[Vault, Vault]:
    field, _ = make_vault(root / "field", name="field")
    coord, _ = make_vault(root / "coord", user_name="cora", role="coordinator", name="office")
    introduce(field, coord, "field", "office")
    return field, coord


def test_a_killed_import_leaves_the_whole_bundle_or_none_of_it(tmp_path: Path) -> None:
    field, coord = field_and_coordinator(tmp_path)
    rng = random.Random(SEED + 1)
    shipments = []
    (tmp_path / "bundles").mkdir()
    for i in range(IMPORT_ROUNDS + 1):
        case_id = CaseStore(field).add_case({**copy.deepcopy(RICH_CASE), "title": f"shipment {i}"})
        data = rng.randbytes(BUNDLE_ATTACHMENT)
        add_attachment(field, case_id, data, f"scan-{i}.pdf")
        out = tmp_path / "bundles" / f"b{i}.intake"
        result = export_to(field, coord, out, [case_id])
        ids = [r.id for r in RecordStore(field).of_case(case_id, include_deleted=True)]
        sha = next(
            a["sha256"]
            for r in RecordStore(field).of_case(case_id)
            for a in r.body.get("attachments", [])
        )
        shipments.append(Shipment(out, result.bundle_id, ids, sha))
    field.close()
    coord.close()
    coord_path = tmp_path / "coord"

    # One import to its end tells how long an import takes here.
    calibration = run_and_kill(["import", str(coord_path), str(shipments[0].path)], None)
    duration = calibration.working
    assert calibration.lines == ["ready", "done merged"]

    outcomes = []
    for shipment in shipments[1:]:
        run = run_and_kill(
            ["import", str(coord_path), str(shipment.path)], rng.uniform(0, duration)
        )
        with opened(coord_path) as vault:
            assert_sound(vault)
            arrived = vault.conn.execute(
                "SELECT count(*) FROM bundles_in WHERE bundle_id = ?", (shipment.bundle_id,)
            ).fetchone() == (1,)
            records = RecordStore(vault)
            present = [records.get(rid) is not None for rid in shipment.record_ids]
            has_blob = BlobStore(vault).exists(shipment.sha256)
            if arrived:
                assert all(present) and has_blob
            else:
                assert not any(present) and not has_blob
                assert not run.done  # acknowledged, so it must have arrived
            outcomes.append("whole" if arrived else "none")
            assert vault.conn.execute(
                "SELECT count(*) FROM blobs WHERE complete = 0"
            ).fetchone() == (0,)
    # Most kills landed mid-import; the test is only worth something if they did.
    assert outcomes.count("none") >= IMPORT_ROUNDS // 3, outcomes


# Export: never a half-written file under the final name


def test_a_killed_export_never_leaves_a_partial_file_under_the_final_name(tmp_path: Path) -> None:
    field, coord = field_and_coordinator(tmp_path)
    rng = random.Random(SEED + 2)
    case_id = CaseStore(field).add_case(copy.deepcopy(RICH_CASE))
    add_attachment(field, case_id, rng.randbytes(BUNDLE_ATTACHMENT), "scan.pdf")
    recipient = identity.load(coord.conn).age_recipient
    field.close()
    field_path = tmp_path / "field"
    outbox = tmp_path / "outbox"
    outbox.mkdir()

    calibration = run_and_kill(
        ["export", str(field_path), str(outbox / "b0.intake"), recipient], None
    )
    duration = calibration.working
    assert calibration.done
    assert importer.import_bundle(coord, outbox / "b0.intake").status == "merged"

    outcomes = []
    for i in range(1, EXPORT_ROUNDS + 1):
        final = outbox / f"b{i}.intake"
        run = run_and_kill(
            ["export", str(field_path), str(final), recipient], rng.uniform(0, duration * 1.1)
        )
        names = {p.name for p in outbox.iterdir()} - {f"b{j}.intake" for j in range(i)}
        partial = re.compile(rf"^\.b{i}\.intake\.[0-9a-f]{{12}}\.partial$")
        strays = [n for n in names if n != final.name and not partial.match(n)]
        assert strays == [], strays
        if final.exists():
            # Under its final name a bundle is complete: it imports.
            assert importer.import_bundle(coord, final).status == "merged"
            outcomes.append("complete")
            if not run.killed:
                # It ended on its own, so its time is the export's. A calibration
                # slowed by a busy machine puts later kills after the end: aim at
                # the quickest export seen.
                duration = min(duration, run.working)
        else:
            assert not run.done
            outcomes.append("no file")
        for name in names - {final.name}:
            # A hidden leftover, even renamed by someone, is never half-imported.
            renamed = outbox / f"renamed-{i}.intake"
            shutil.move(outbox / name, renamed)
            before = snapshot(coord)
            try:
                importer.import_bundle(coord, renamed)
            except BundleRejected:
                assert snapshot(coord) == before
            renamed.unlink()
        with opened(field_path) as vault:
            assert_sound(vault)
    coord.close()
    assert outcomes.count("no file") >= EXPORT_ROUNDS // 3, outcomes
