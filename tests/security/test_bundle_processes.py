"""What other accounts can see of a bundle's encryption: no process, so no command line.

``/proc/<pid>/cmdline`` is readable by every account on the machine, and a
bundle is often named after the family it carries while its recipients say
where the case goes. Export and import do the age work in a helper thread
of this process (core/bundle/channel.py): nothing is started that could
show a file name, a recipient or a key. Both are caught mid-bundle, from
inside the export's progress report and the import's cancel check, with
the age thread at work.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from intake_desktop.core import identity
from intake_desktop.core.bundle.export import Progress, export_bundle
from intake_desktop.core.bundle.importer import import_bundle
from intake_desktop.core.cases import CaseStore
from intake_desktop.core.vault import Vault
from tests.bundle_forge import RICH_CASE, add_attachment, introduce, recipient_ref
from tests.helpers import make_vault

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")

# Several MiB: many 256 KiB hand-overs, so the age thread is at work while
# the tar is streamed (and progress reported).
ATTACHMENT = os.urandom(6 << 20)


def children() -> list[bytes]:
    """The command lines of this process's children, as any account reads them."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:  # gone meanwhile
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == os.getpid():
            found.append(cmdline)
    return found


def age_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("age-")]


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


def test_an_export_starts_no_process(pair: tuple[Vault, Vault, Path]) -> None:
    field, coord, out = pair
    # Servers other tests in this process started (SFTP, S3) are not the export's.
    before = children()
    seen: list[tuple[list[bytes], list[str]]] = []

    def during_export(done: int, total: int) -> None:
        if not seen and done > 1 << 20:
            seen.append((children(), age_threads()))

    export(field, coord, out, during_export)
    assert seen == [(before, ["age-encrypt"])]
    assert age_threads() == []  # and it is gone once the bundle is written


def test_an_import_starts_no_process(pair: tuple[Vault, Vault, Path]) -> None:
    field, coord, bundle = pair
    export(field, coord, bundle)
    before = children()
    seen: list[tuple[list[bytes], list[str]]] = []

    def during_import() -> bool:
        if not seen:
            seen.append((children(), age_threads()))
        return False

    assert import_bundle(coord, bundle, cancelled=during_import).bundle_id
    assert seen == [(before, ["age-decrypt"])]
    assert age_threads() == []
