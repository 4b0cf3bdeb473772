"""Attachments by name: the original file name travels in bundles, and a file saves back out.

``core/attachment_export.py`` (``attach export``, the app's "Save as…"):
byte-exact, 0600, under the original name made safe, never over an existing
file, and nothing left behind by any refusal or failure.
"""

from __future__ import annotations

import hashlib
import io
import os
import stat
from pathlib import Path

import pytest

from intake_desktop.core import audit
from intake_desktop.core.attachment_export import (
    MAX_NAME_BYTES,
    export_attachment,
    safe_file_name,
    save_attachment,
    target_path,
)
from intake_desktop.core.attachments import BlobStore
from intake_desktop.core.cases import CaseStore
from intake_desktop.core.errors import Cancelled, InvalidInput, NotFound, VaultDamaged
from intake_desktop.core.evidence import add_attachment
from intake_desktop.core.model import KINDS, validate
from intake_desktop.core.records import RecordStore
from intake_desktop.core.vault import Vault
from tests.core.conftest import Pair
from tests.helpers import MINIMAL_CASE

DARI_NAME = "تذکره\u200cی پدر ۱۴۰۲.pdf"  # ZWNJ and Persian digits are part of the name
CONTENT = b"%PDF-1.4\n" + os.urandom(700_000)


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """An empty folder to save into (the vault fixture lives in ``tmp_path``)."""
    folder = tmp_path / "saved"
    folder.mkdir()
    return folder


def _evidence(vault: Vault, data: bytes = CONTENT, name: str = DARI_NAME) -> tuple[str, str]:
    case_id = CaseStore(vault).add_case(MINIMAL_CASE)
    record = add_attachment(vault, case_id, io.BytesIO(data), name)
    return case_id, record.id


def _listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def _audit_actions(vault: Vault) -> list[str]:
    return [event.action for event in reversed(audit.events(vault.conn))]


def test_the_name_and_type_travel_in_a_bundle_and_save_back_out(pair: Pair, tmp_path: Path) -> None:
    case_id, evidence_id = _evidence(pair.field)
    sent = RecordStore(pair.field).require(evidence_id).body["attachments"]
    pair.ship(pair.field, pair.coord, case_id)
    (item,) = RecordStore(pair.coord).require(evidence_id, "evidence").body["attachments"]
    assert item == sent[0]
    assert item["filename"] == DARI_NAME
    assert item["media_type"] == "application/pdf"
    saved = export_attachment(pair.coord, evidence_id, str(tmp_path) + os.sep)
    assert saved.path == tmp_path / DARI_NAME
    assert saved.path.read_bytes() == CONTENT
    assert stat.S_IMODE(saved.path.stat().st_mode) == 0o600
    assert (saved.filename, saved.media_type, saved.size) == (
        DARI_NAME,
        "application/pdf",
        len(CONTENT),
    )
    assert saved.sha256 == hashlib.sha256(CONTENT).hexdigest()
    assert _listing(tmp_path) == [DARI_NAME]  # no temporary file left beside it
    assert _audit_actions(pair.coord)[-1] == "attachment.export"


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("../../etc/passwd", "_.._etc_passwd"),
        ("..\\..\\boot.ini", "_.._boot.ini"),
        (".bashrc", "bashrc"),
        ("scan\u202egpj.exe", "scangpj.exe"),  # a right-to-left override hid the real type
        ("line\nbreak\x1b[31m.pdf", "linebreak[31m.pdf"),
        ("a:b*c?.png", "a_b_c_.png"),
        ("report. ", "report"),
        ("CON.txt", "_CON.txt"),
        ("nul", "_nul"),
        (DARI_NAME, DARI_NAME),
    ],
)
def test_file_names_are_made_safe(name: str, safe: str) -> None:
    assert safe_file_name(name) == safe


def test_a_name_with_nothing_left_falls_back_to_the_hash() -> None:
    sha = "ab" * 32
    assert safe_file_name("...", sha, "application/pdf") == f"attachment-{sha[:12]}.pdf"
    assert safe_file_name("", sha) == f"attachment-{sha[:12]}"


def test_a_long_name_is_cut_keeping_its_extension() -> None:
    cut = safe_file_name("ن" * 300 + ".jpeg")
    assert len(cut.encode("utf-8")) <= MAX_NAME_BYTES
    assert cut.endswith("ن.jpeg")


def test_where_out_points(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    item = {"sha256": "0" * 64, "filename": "../scan.pdf"}
    assert target_path(str(tmp_path), item) == tmp_path / "_scan.pdf"  # an existing folder
    assert target_path(str(tmp_path / "new") + "/", item) == tmp_path / "new" / "_scan.pdf"
    assert target_path(str(tmp_path / "mine.pdf"), item) == tmp_path / "mine.pdf"
    monkeypatch.chdir(tmp_path)
    assert target_path(None, item) == tmp_path / "_scan.pdf"


def test_several_files_need_a_choice(vault: Vault, out: Path) -> None:
    case_id, evidence_id = _evidence(vault)
    second = b"GIF89a" + os.urandom(1000)
    add_attachment(vault, case_id, io.BytesIO(second), "photo.gif", evidence_id)
    with pytest.raises(InvalidInput, match="holds 2 files"):
        export_attachment(vault, evidence_id, str(out))
    by_name = export_attachment(vault, evidence_id, str(out), "photo.gif")
    assert by_name.path.read_bytes() == second
    by_hash = export_attachment(
        vault, evidence_id, str(out / "x.pdf"), hashlib.sha256(CONTENT).hexdigest()[:10]
    )
    assert by_hash.path.read_bytes() == CONTENT
    with pytest.raises(NotFound):
        export_attachment(vault, evidence_id, str(out), "other.pdf")
    assert _listing(out) == ["photo.gif", "x.pdf"]


def test_an_existing_file_is_never_replaced(vault: Vault, out: Path) -> None:
    _, evidence_id = _evidence(vault)
    (out / DARI_NAME).write_bytes(b"mine")
    before = _audit_actions(vault)
    with pytest.raises(InvalidInput, match="already exists"):
        export_attachment(vault, evidence_id, str(out))
    assert (out / DARI_NAME).read_bytes() == b"mine"
    assert _listing(out) == [DARI_NAME]
    assert _audit_actions(vault) == before


def test_refusals_write_nothing(vault: Vault, out: Path) -> None:
    case_id, evidence_id = _evidence(vault)
    empty = validate(KINDS["evidence"], {"kind": "letter", "description": "no file"})
    with vault.transaction():
        bare = RecordStore(vault).create(case_id, KINDS["evidence"], empty)
    with pytest.raises(NotFound):
        export_attachment(vault, "no-such-id", str(out))
    with pytest.raises(NotFound):
        export_attachment(vault, case_id, str(out))  # a case is not an evidence record
    with pytest.raises(InvalidInput, match="no file attached"):
        export_attachment(vault, bare.id, str(out))
    with pytest.raises(InvalidInput, match="does not exist"):
        export_attachment(vault, evidence_id, str(out / "missing" / "x.pdf"))
    assert _listing(out) == []
    assert not (out / "missing").exists()


def test_content_missing_from_the_file_store_writes_nothing(vault: Vault, out: Path) -> None:
    _, evidence_id = _evidence(vault)
    for blob in (vault.path / "blobs").iterdir():
        blob.unlink()
    with pytest.raises(VaultDamaged, match="missing or damaged"):
        export_attachment(vault, evidence_id, str(out))
    assert _listing(out) == []
    # A record whose content row is gone (records refuse to name content never stored).
    with vault.transaction():
        vault.conn.execute("DELETE FROM blobs")
    with pytest.raises(NotFound, match="not in this vault"):
        export_attachment(vault, evidence_id, str(out))
    assert _listing(out) == []


def test_damaged_content_writes_nothing(vault: Vault, out: Path) -> None:
    _, evidence_id = _evidence(vault)
    (blob,) = (vault.path / "blobs").iterdir()
    data = bytearray(blob.read_bytes())
    data[-100] ^= 1
    blob.write_bytes(bytes(data))
    with pytest.raises(VaultDamaged):
        export_attachment(vault, evidence_id, str(out))
    assert _listing(out) == []


def test_a_cancel_writes_nothing_and_progress_reaches_the_end(vault: Vault, out: Path) -> None:
    _, evidence_id = _evidence(vault, CONTENT * 3)
    sha = BlobStore(vault).all_hashes()[0]
    with pytest.raises(Cancelled):
        save_attachment(vault, evidence_id, sha, out / "a.pdf", cancelled=lambda: True)
    assert _listing(out) == []
    seen: list[tuple[int, int]] = []
    saved = save_attachment(
        vault, evidence_id, sha, out / "a.pdf", progress=lambda d, t: seen.append((d, t))
    )
    assert seen[-1] == (saved.size, saved.size) == (len(CONTENT) * 3,) * 2
    with pytest.raises(NotFound):  # a file of another record is not this one's
        save_attachment(vault, "no-such-id", sha, out / "b.pdf")
