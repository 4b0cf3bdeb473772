"""What other accounts can read of the crypto worker: its command line names no file, no recipient.

``/proc/<pid>/cmdline`` is readable by every account on the machine. A
bundle is often named after the family it carries, and its recipients say
where the case goes, so both travel to the worker over its stdin. The
worker is caught while it runs (blocked on a pipe, mid-bundle), from inside
the export's progress report and the import's cancel check.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pyrage
import pytest

from intake_desktop.core import identity
from intake_desktop.core.bundle.export import Progress, export_bundle
from intake_desktop.core.bundle.importer import import_bundle
from intake_desktop.core.bundle.worker import clean_environment, command
from intake_desktop.core.cases import CaseStore
from intake_desktop.core.vault import Vault
from tests.bundle_forge import RICH_CASE, add_attachment, introduce, recipient_ref
from tests.helpers import make_vault

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")

# Several MiB: more than the 1 MiB pipes hold, so the worker is still at work
# while the parent streams (and reports progress).
ATTACHMENT = os.urandom(6 << 20)
WORKER = b"intake_desktop.core.bundle.worker"


def worker_command_lines() -> list[bytes]:
    """The command lines of this process's crypto workers, as any account reads them."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:  # gone meanwhile
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == os.getpid() and WORKER in cmdline:
            found.append(cmdline)
    return found


def assert_nothing_named(lines: list[bytes], *secrets: str) -> None:
    assert lines, "no live worker was seen"
    for line in lines:
        for secret in secrets:
            assert secret.encode() not in line, (line, secret)
        # Only the interpreter, the module and the action.
        assert line.split(b"\0")[-2] in (b"encrypt", b"decrypt"), line


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[tuple[Vault, Vault, Path]]:
    """A field vault with a case to send, the office vault it goes to, a bundle's path."""
    field, _ = make_vault(tmp_path / "field")
    coord, _ = make_vault(tmp_path / "coord", role="coordinator")
    try:
        introduce(field, coord, "field laptop", "office")
        case_id = CaseStore(field).add_case(RICH_CASE)  # consent to share: it may leave
        add_attachment(field, case_id, ATTACHMENT)
        folder = tmp_path / "Ahmadzai-Kabul"
        folder.mkdir()
        yield field, coord, folder / "Ahmadzai family.intake"
    finally:
        field.close()
        coord.close()


def export(field: Vault, coord: Vault, out: Path, progress: Progress | None = None) -> None:
    recipient = identity.load(coord.conn).age_recipient
    export_bundle(field, [recipient_ref("office", recipient)], out, progress=progress)


def test_the_export_worker_shows_no_file_name_or_recipient(
    pair: tuple[Vault, Vault, Path],
) -> None:
    field, coord, out = pair
    seen: list[bytes] = []

    def during_export(done: int, total: int) -> None:
        if not seen and done > 1 << 20:
            seen.extend(worker_command_lines())

    export(field, coord, out, during_export)
    recipient = identity.load(coord.conn).age_recipient
    assert_nothing_named(seen, "Ahmadzai", str(out.parent), recipient)


def test_the_import_worker_shows_no_file_name(pair: tuple[Vault, Vault, Path]) -> None:
    field, coord, bundle = pair
    export(field, coord, bundle)
    seen: list[bytes] = []

    def during_import() -> bool:
        if not seen:
            seen.extend(worker_command_lines())
        return False

    assert import_bundle(coord, bundle, cancelled=during_import).bundle_id
    assert_nothing_named(seen, "Ahmadzai", str(bundle.parent))


def test_where_no_descriptor_can_be_handed_down_the_path_goes_over_stdin(tmp_path: Path) -> None:
    """The Windows way, run here: the worker opens the file the header names, argv stays bare."""
    identity_ = pyrage.x25519.Identity.generate()
    out = tmp_path / "Ahmadzai family.intake"
    os.close(os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    plaintext = os.urandom(300_000)  # several age chunks
    header = {"path": str(out), "recipients": [str(identity_.to_public())]}
    encrypted = subprocess.run(
        [*command(), "encrypt"],
        input=json.dumps(header).encode() + b"\n" + plaintext,
        capture_output=True,
        env=clean_environment(),
        timeout=60,
        check=False,
    )
    assert encrypted.returncode == 0, encrypted.stderr
    assert json.loads(encrypted.stdout) == {"size": out.stat().st_size}
    assert pyrage.decrypt(out.read_bytes(), [identity_]) == plaintext
    decrypted = subprocess.run(
        [*command(), "decrypt"],
        input=json.dumps({"path": str(out)}).encode() + b"\n" + str(identity_).encode() + b"\n",
        capture_output=True,
        env=clean_environment(),
        timeout=60,
        check=False,
    )
    assert decrypted.returncode == 0, decrypted.stderr
    assert decrypted.stdout == plaintext
