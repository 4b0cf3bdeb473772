"""The vault folder: creation, unlocking, permissions, pragmas, users and failures."""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path

import pytest

from intake_desktop.core.errors import (
    InvalidInput,
    NotAVault,
    NotFound,
    VaultDamaged,
    WrongPassphrase,
)
from intake_desktop.core.keyslots import KeySlotHeader
from intake_desktop.core.vault import DB_NAME, HEADER_NAME, Vault
from tests.helpers import PASSPHRASE, make_vault


def snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    """Every file under ``folder`` with its content hash and mtime."""
    return {
        str(p.relative_to(folder)): (
            hashlib.sha256(p.read_bytes()).hexdigest(),
            p.stat().st_mtime_ns,
        )
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_create_makes_a_private_folder_with_private_files(vault: Vault) -> None:
    assert stat.S_IMODE(vault.path.stat().st_mode) == 0o700
    for item in vault.path.iterdir():
        assert stat.S_IMODE(item.stat().st_mode) == 0o600, item.name
    assert {DB_NAME, HEADER_NAME} <= {p.name for p in vault.path.iterdir()}


def test_the_database_is_encrypted_and_the_header_holds_nothing_personal(vault_path: Path) -> None:
    vault, _ = make_vault(vault_path, name="Kabul field laptop", user_name="Farida Ahmadi")
    vault.close()
    assert not (vault_path / DB_NAME).read_bytes().startswith(b"SQLite format 3")
    header = (vault_path / HEADER_NAME).read_bytes()
    for secret in (b"Farida", b"Kabul", b"caseworker", PASSPHRASE.encode()):
        assert secret not in header
        for path in vault_path.iterdir():
            assert secret not in path.read_bytes(), path.name


def test_open_with_the_right_passphrase_gives_the_user_and_role(vault_path: Path) -> None:
    make_vault(vault_path, user_name="Farida", role="translator")[0].close()
    with Vault.open(vault_path, PASSPHRASE) as vault:
        assert (vault.user.name, vault.user.role) == ("Farida", "translator")


def test_a_wrong_passphrase_is_one_clear_error_and_changes_nothing(vault_path: Path) -> None:
    make_vault(vault_path)[0].close()
    before = snapshot(vault_path)
    with pytest.raises(WrongPassphrase) as caught:
        Vault.open(vault_path, "not the passphrase")
    assert str(caught.value) == "Wrong passphrase."
    assert snapshot(vault_path) == before


@pytest.mark.parametrize("kind", ["missing", "empty", "file", "other-files", "db-without-header"])
def test_a_folder_that_is_not_a_vault_is_refused_and_left_alone(tmp_path: Path, kind: str) -> None:
    target = tmp_path / "target"
    if kind == "empty":
        target.mkdir()
    elif kind == "file":
        target.write_bytes(b"hello")
    elif kind == "other-files":
        target.mkdir()
        (target / "notes.txt").write_text("x")
    elif kind == "db-without-header":
        target.mkdir()
        (target / DB_NAME).write_bytes(os.urandom(4096))
    before = snapshot(tmp_path)
    with pytest.raises(NotAVault):
        Vault.open(target, PASSPHRASE)
    assert snapshot(tmp_path) == before
    assert target.exists() == (kind != "missing")


def test_create_refuses_an_existing_vault_and_a_folder_with_other_files(tmp_path: Path) -> None:
    existing = tmp_path / "existing"
    make_vault(existing)[0].close()
    before = snapshot(existing)
    with pytest.raises(NotAVault):
        make_vault(existing)
    assert snapshot(existing) == before
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "family-photos.jpg").write_bytes(b"x")
    with pytest.raises(NotAVault):
        make_vault(busy)
    assert [p.name for p in busy.iterdir()] == ["family-photos.jpg"]


def test_create_clears_a_database_left_by_an_interrupted_create(vault_path: Path) -> None:
    vault_path.mkdir()
    (vault_path / DB_NAME).write_bytes(os.urandom(8192))
    vault, _ = make_vault(vault_path)
    assert vault.conn.execute("SELECT count(*) FROM users").fetchone() == (1,)
    vault.close()


@pytest.mark.parametrize("passphrase", ["", "short", "1234567"])
def test_too_short_passphrases_are_refused(vault_path: Path, passphrase: str) -> None:
    with pytest.raises(InvalidInput):
        make_vault(vault_path, passphrase)
    assert not vault_path.exists()


def test_pragmas_are_as_decided(vault: Vault) -> None:
    def value(pragma: str) -> object:
        return vault.conn.execute(f"PRAGMA {pragma}").fetchone()[0]

    assert value("journal_mode") == "wal"
    assert value("synchronous") == 2  # FULL
    assert value("temp_store") == 2  # MEMORY
    assert value("foreign_keys") == 1
    assert value("secure_delete") == 1
    assert str(value("cipher_memory_security")) == "0"
    assert value("cipher_version").startswith("4.")
    # The database really is keyed with a raw key: its header is not plaintext.
    assert not (vault.path / DB_NAME).read_bytes()[:16].startswith(b"SQLite format")


def test_changing_a_passphrase_rewraps_one_slot_and_keeps_the_master_key(vault_path: Path) -> None:
    vault, _ = make_vault(vault_path)
    old_header = KeySlotHeader.from_bytes((vault_path / HEADER_NAME).read_bytes())
    old_slot = next(s for s in old_header.slots if s.id == vault.user.slot_id)
    master = old_header.open(old_slot, PASSPHRASE)
    vault.change_passphrase("a brand new passphrase")
    vault.close()
    new_header = KeySlotHeader.from_bytes((vault_path / HEADER_NAME).read_bytes())
    new_slot = new_header.slot(old_slot.id)
    assert new_slot is not None and new_slot.kdf.salt != old_slot.kdf.salt
    assert new_header.open(new_slot, "a brand new passphrase") == master
    # The other slot (recovery) is byte-for-byte the same.
    assert [s for s in new_header.slots if s.id != old_slot.id] == [
        s for s in old_header.slots if s.id != old_slot.id
    ]
    with pytest.raises(WrongPassphrase):
        Vault.open(vault_path, PASSPHRASE)
    Vault.open(vault_path, "a brand new passphrase").close()


def test_the_recovery_code_resets_a_forgotten_passphrase(vault_path: Path) -> None:
    _vault, code = make_vault(vault_path, user_name="farida")
    _vault.close()
    with pytest.raises(WrongPassphrase):
        Vault.open_with_recovery(vault_path, "AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA")
    with Vault.open_with_recovery(vault_path, code.lower().replace("-", "")) as vault:
        assert vault.user.role == "recovery"
        vault.change_passphrase("reset by recovery", "farida")
    Vault.open(vault_path, "reset by recovery").close()


def test_a_new_recovery_code_replaces_the_old_one(vault_path: Path) -> None:
    vault, old_code = make_vault(vault_path)
    new_code = vault.new_recovery_code()
    vault.close()
    with pytest.raises(WrongPassphrase):
        Vault.open_with_recovery(vault_path, old_code)
    Vault.open_with_recovery(vault_path, new_code).close()


def test_users_each_unlock_with_their_own_passphrase(vault_path: Path) -> None:
    vault, _ = make_vault(vault_path, user_name="farida")
    vault.add_user("Zarghuna", "coordinator", "coordinator passphrase")
    with pytest.raises(InvalidInput):
        vault.add_user("Zarghuna", "translator", "another passphrase")
    with pytest.raises(InvalidInput):
        vault.add_user("x", "administrator", "another passphrase")
    vault.close()
    with Vault.open(vault_path, "coordinator passphrase") as coordinator:
        assert (coordinator.user.name, coordinator.user.role) == ("Zarghuna", "coordinator")
        assert {u.name for u in coordinator.users()} == {"farida", "Zarghuna"}
        with pytest.raises(InvalidInput):
            coordinator.remove_user("Zarghuna")  # not yourself
        coordinator.remove_user("farida")
        with pytest.raises(NotFound):
            coordinator.remove_user("farida")
    with pytest.raises(WrongPassphrase):
        Vault.open(vault_path, PASSPHRASE)


def test_the_last_user_cannot_be_removed(vault_path: Path) -> None:
    make_vault(vault_path)[0].close()
    with (
        Vault.open_with_recovery(vault_path, _recovery(vault_path)) as vault,
        pytest.raises(InvalidInput),
    ):
        vault.remove_user("farida")


def _recovery(vault_path: Path) -> str:
    vault = Vault.open(vault_path, PASSPHRASE)
    code = vault.new_recovery_code()
    vault.close()
    return code


def test_a_damaged_database_is_reported_not_silently_opened(vault_path: Path) -> None:
    vault, _ = make_vault(vault_path)
    vault.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    vault.close()
    db = vault_path / DB_NAME
    data = bytearray(db.read_bytes())
    data[100:4000] = os.urandom(3900)  # inside the first page, which holds the schema
    db.write_bytes(bytes(data))
    with pytest.raises(VaultDamaged):
        Vault.open(vault_path, PASSPHRASE)


def test_a_database_swapped_from_another_vault_is_refused(tmp_path: Path) -> None:
    make_vault(tmp_path / "a", name="a")[0].close()
    make_vault(tmp_path / "b", name="b")[0].close()  # another name: another master key
    (tmp_path / "a" / HEADER_NAME).write_bytes((tmp_path / "b" / HEADER_NAME).read_bytes())
    with pytest.raises(VaultDamaged):
        Vault.open(tmp_path / "a", PASSPHRASE)


def test_a_vault_from_a_newer_app_is_refused_with_a_clear_message(vault_path: Path) -> None:
    vault, _ = make_vault(vault_path)
    vault.conn.execute("PRAGMA user_version = 999")
    vault.close()
    with pytest.raises(VaultDamaged, match="newer version"):
        Vault.open(vault_path, PASSPHRASE)


def test_an_edited_header_slot_does_not_open(vault_path: Path) -> None:
    make_vault(vault_path)[0].close()
    header_path = vault_path / HEADER_NAME
    doc = json.loads(header_path.read_bytes())
    for slot in doc["slots"]:
        slot["kdf"]["iterations"] = 4
    header_path.write_text(json.dumps(doc))
    with pytest.raises(WrongPassphrase):
        Vault.open(vault_path, PASSPHRASE)


def test_closing_forgets_the_master_key(vault: Vault) -> None:
    assert vault.is_open
    vault.close()
    assert not vault.is_open
