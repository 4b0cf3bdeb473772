"""A failed or cancelled export leaves nothing behind but one audit entry.

No file with the final name, no temporary file beside it, no sequence number
used up, and in the vault only a ``bundle.export_failed`` audit entry.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pyrage
import pytest

from intake_desktop.core import identity
from intake_desktop.core.bundle import importer
from intake_desktop.core.bundle.export import export_bundle
from intake_desktop.core.bundle.format import RecipientRef
from intake_desktop.core.cases import CaseStore
from intake_desktop.core.errors import Cancelled, IntakeError, InvalidInput, VaultDamaged
from intake_desktop.core.filestore import SEGMENT
from intake_desktop.core.vault import Vault
from tests.bundle_forge import add_attachment, recipient_ref, snapshot
from tests.helpers import MINIMAL_CASE, make_vault

COORDINATOR = pyrage.x25519.Identity.generate()
TO = [recipient_ref("Office", str(COORDINATOR.to_public()))]
ATTACHMENT = bytes(range(256)) * 5000  # 1.25 MB: five segments in the vault


@pytest.fixture(scope="module")
def field(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Vault]:
    vault, _ = make_vault(tmp_path_factory.mktemp("export") / "vault")
    case_id = CaseStore(vault).add_case(MINIMAL_CASE)
    add_attachment(vault, case_id, ATTACHMENT)
    yield vault
    vault.close()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    out.mkdir()
    return out


def audit_actions_since(vault: Vault, before: int) -> list[str]:
    rows = vault.conn.execute("SELECT action FROM audit_log WHERE seq > ? ORDER BY seq", (before,))
    return [row[0] for row in rows]


def last_audit(vault: Vault) -> int:
    return int(vault.conn.execute("SELECT max(seq) FROM audit_log").fetchone()[0])


def assert_failed_cleanly(
    vault: Vault, folder: Path, error: type[Exception], run: Callable[[Path], object]
) -> Exception:
    before, seq = snapshot(vault), last_audit(vault)
    with pytest.raises(error) as info:
        run(folder / "bundle.intake")
    assert list(folder.iterdir()) == []  # neither the final name nor a temporary file
    after = snapshot(vault)
    assert {k for k in before if before[k] != after[k]} == {"audit_log"}
    assert audit_actions_since(vault, seq) == ["bundle.export_failed"]
    assert not vault.conn.in_transaction
    return info.value


def test_a_cancelled_export_leaves_nothing(field: Vault, folder: Path) -> None:
    assert_failed_cleanly(
        field, folder, Cancelled, lambda out: export_bundle(field, TO, out, cancelled=lambda: True)
    )


def test_an_export_cancelled_halfway_leaves_nothing(field: Vault, folder: Path) -> None:
    """Cancelled while the attachment streams: the temporary file already holds data."""
    progress: list[int] = []

    def cancelled() -> bool:
        return len(progress) >= 2

    error = assert_failed_cleanly(
        field,
        folder,
        Cancelled,
        lambda out: export_bundle(
            field, TO, out, progress=lambda done, total: progress.append(done), cancelled=cancelled
        ),
    )
    assert len(progress) == 2 and "cancelled" in str(error)


def test_a_worker_that_fails_leaves_nothing(field: Vault, folder: Path) -> None:
    bad = [RecipientRef("Office", "age1notarecipient", TO[0].fingerprint)]
    assert_failed_cleanly(field, folder, IntakeError, lambda out: export_bundle(field, bad, out))


def test_an_existing_file_is_never_replaced(field: Vault, folder: Path) -> None:
    (folder / "bundle.intake").write_bytes(b"keep me")
    before = snapshot(field)
    with pytest.raises(InvalidInput, match="already exists"):
        export_bundle(field, TO, folder / "bundle.intake")
    assert [p.name for p in folder.iterdir()] == ["bundle.intake"]
    assert (folder / "bundle.intake").read_bytes() == b"keep me"
    assert snapshot(field) == before


def _cut_last_segment(blob: Path) -> None:
    os.truncate(blob, blob.stat().st_size - 1000)


def _one_byte_more(blob: Path) -> None:
    with blob.open("ab") as out:
        out.write(b"\0")


def _flip_a_bit(blob: Path) -> None:
    data = bytearray(blob.read_bytes())
    data[SEGMENT + 40] ^= 0x10
    blob.write_bytes(bytes(data))


@pytest.mark.parametrize("damage", [_cut_last_segment, _one_byte_more, _flip_a_bit, Path.unlink])
def test_a_damaged_attachment_file_fails_the_export_cleanly(
    tmp_path: Path, damage: Callable[[Path], object]
) -> None:
    vault, _ = make_vault(tmp_path / "vault")
    try:
        case_id = CaseStore(vault).add_case(MINIMAL_CASE)
        add_attachment(vault, case_id, ATTACHMENT)
        other_case = CaseStore(vault).add_case(MINIMAL_CASE)
        (name,) = vault.files.names()
        damage(vault.files.folder / name)
        folder = tmp_path / "out"
        folder.mkdir()
        error = assert_failed_cleanly(
            vault, folder, VaultDamaged, lambda out: export_bundle(vault, TO, out)
        )
        assert error.exit_code == 7
        # The failure used no sequence number: the next good bundle is still number 1.
        good = export_bundle(vault, TO, folder / "good.intake", [other_case])
        assert good.sequence == 1
        assert [p.name for p in folder.iterdir()] == ["good.intake"]
    finally:
        vault.close()


def test_exports_are_numbered_and_chained(field: Vault, tmp_path: Path) -> None:
    first = export_bundle(field, TO, tmp_path / "1.intake")
    second = export_bundle(field, TO, tmp_path / "2.intake")
    assert second.sequence == first.sequence + 1
    data = bytes(pyrage.decrypt((tmp_path / "2.intake").read_bytes(), [COORDINATOR]))
    manifest = importer.parse_manifest(data[512 : 512 + int(data[124:135], 8)])
    assert manifest.previous_manifest_sha256 == first.manifest_sha256
    assert manifest.producer.signing_key == identity.load(field.conn).signing_key


def test_the_age_layer_never_writes_through_a_link_put_in_place_of_its_file(
    tmp_path: Path,
) -> None:
    """Someone with access to the output folder swaps the temporary file for a link."""
    from intake_desktop.core.bundle.channel import EncryptChannel

    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"keep me")
    link = tmp_path / "bundle.intake.tmp"
    link.symlink_to(victim)
    with pytest.raises(InvalidInput):
        EncryptChannel.open(link, [TO[0].recipient])
    assert victim.read_bytes() == b"keep me"


def test_a_bundle_decrypts_to_exactly_what_was_streamed(field: Vault, tmp_path: Path) -> None:
    result = export_bundle(field, TO, tmp_path / "b.intake")
    data = bytes(pyrage.decrypt((tmp_path / "b.intake").read_bytes(), [COORDINATOR]))
    assert result.size == (tmp_path / "b.intake").stat().st_size
    assert ATTACHMENT in data  # the two chunks, read by two threads, in order
    assert oct((tmp_path / "b.intake").stat().st_mode & 0o777) == "0o600"
