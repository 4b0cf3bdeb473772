"""Damaged vault files: found and named, never silently taken for a sound vault.

Flipped bytes anywhere in ``vault.db``, a truncated or emptied database, an
edited key-slot header and a removed audit entry are each reported: as
``VaultDamaged`` when the vault is opened, as a wrong passphrase when an
edit breaks a slot's authentication, or by ``vault check`` (exit 7).

Two things SQLite repairs by itself, documented here as tests because they
bound what "acknowledged" means (docs/threat-model.md): a write-ahead log
cut short or damaged loses every commit from the damaged frame on, and the
audit chain cannot show its newest entries cut off, nor a chain rewritten
by someone holding the master key. ``vault check`` passes in both; only an
audit head noted earlier, somewhere else, shows the loss.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import random
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlcipher3 import dbapi2

from intake_desktop.core import audit
from intake_desktop.core.cases import CaseStore
from intake_desktop.core.check import check_vault
from intake_desktop.core.errors import VaultDamaged, WrongPassphrase
from intake_desktop.core.keyslots import USER, KeySlotHeader
from intake_desktop.core.vault import DB_NAME, HEADER_NAME, Vault
from tests.bundle_forge import RICH_CASE, add_attachment
from tests.cli.in_process import run_in_process
from tests.helpers import MINIMAL_CASE, PASSPHRASE, make_vault

PAGE = 16384  # cipher_page_size (docs/vault-format.md)


def folder_state(folder: Path) -> dict[str, tuple[str, int]]:
    return {
        p.name: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
        for p in sorted(folder.iterdir())
        if p.is_file()
    }


def cli_env(path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTAKE_")}
    env.update(INTAKE_VAULT=str(path), INTAKE_PASSPHRASE=PASSPHRASE, INTAKE_KDF_TARGET_MS="0")
    return env


def failed_checks(vault: Vault) -> list[str]:
    return [r.name for r in check_vault(vault) if not r.ok]


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A vault with cases and an attachment, checkpointed and closed: vault.db and one blob file."""
    path = tmp_path_factory.mktemp("pristine") / "vault"
    vault, _ = make_vault(path)
    case_id = CaseStore(vault).add_case(copy.deepcopy(RICH_CASE))
    CaseStore(vault).add_case(copy.deepcopy(MINIMAL_CASE))
    add_attachment(vault, case_id, random.Random(7).randbytes(300_000))
    vault.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    vault.close()
    assert sorted(p.name for p in path.iterdir()) == ["blobs", HEADER_NAME, DB_NAME]
    return path


@pytest.fixture
def copy_of(pristine: Path, tmp_path: Path) -> Iterator[Path]:
    yield Path(shutil.copytree(pristine, tmp_path / "vault"))


def flip(path: Path, position: int, mask: int = 0x20) -> None:
    data = bytearray(path.read_bytes())
    data[position] ^= mask
    path.write_bytes(bytes(data))


def flip_positions(size: int) -> list[int]:
    """The first page (salt, schema) at its edges, page boundaries, and random places."""
    rng = random.Random(20261127)
    fixed = [0, 15, 16, 100, PAGE - 1, PAGE, PAGE + 7000, size - 1]
    return sorted(set(fixed + [rng.randrange(2 * PAGE, size) for _ in range(6)]))


# Flipped bytes in vault.db


def test_a_flipped_byte_anywhere_in_the_database_is_found(pristine: Path, tmp_path: Path) -> None:
    size = (pristine / DB_NAME).stat().st_size
    assert size >= 20 * PAGE
    how = {}
    for position in flip_positions(size):
        target = Path(shutil.copytree(pristine, tmp_path / f"flip-{position}"))
        flip(target / DB_NAME, position)
        try:
            vault = Vault.open(target, PASSPHRASE)
        except VaultDamaged as exc:
            assert str(exc) == "The vault database is damaged or was replaced."
            how[position] = "refused at open"
            continue
        with vault:
            # Opened (the damaged page is not one unlocking reads): vault check
            # authenticates every page and names the failure.
            failed = failed_checks(vault)
        assert "sqlcipher page authentication" in failed, position
        how[position] = "vault check"
    assert how[0] == how[16] == how[PAGE] == "refused at open"  # salt, page 1, page 2
    assert "vault check" in how.values()


def test_the_command_line_reports_a_flipped_byte_with_exit_7(copy_of: Path) -> None:
    flip(copy_of / DB_NAME, (copy_of / DB_NAME).stat().st_size - 5000)
    result = run_in_process("vault", "check", "--json", env=cli_env(copy_of))
    assert result.returncode == 7
    report = json.loads(result.stdout)
    assert not report["ok"]
    failed = {c["name"]: c["detail"] for c in report["checks"] if not c["ok"]}
    assert failed["sqlcipher page authentication"] == "1 page(s) failed"

    flip(copy_of / DB_NAME, 100)
    result = run_in_process("case", "list", env=cli_env(copy_of))
    assert result.returncode == 7
    assert result.stderr.decode() == (
        "intake-desktop: The vault database is damaged or was replaced.\n"
    )


@pytest.mark.parametrize("keep", [0, 100, PAGE, -PAGE], ids=["empty", "100", "1-page", "-1-page"])
def test_a_truncated_database_is_refused_and_left_as_it_was(copy_of: Path, keep: int) -> None:
    db = copy_of / DB_NAME
    size = db.stat().st_size
    os.truncate(db, keep if keep >= 0 else size + keep)
    before = folder_state(copy_of)
    with pytest.raises(VaultDamaged) as caught:
        Vault.open(copy_of, PASSPHRASE)
    # An empty file would read as a new database: it must not be migrated
    # into one (with new keys) before being refused.
    assert folder_state(copy_of) == before
    if keep == 0:
        assert str(caught.value) == "The vault database is empty; restore it from a backup."


# The write-ahead log: SQLite recovers, losing every commit from the damage on


@pytest.fixture
def crash_image(tmp_path: Path) -> tuple[Path, list[int], list[str]]:
    """A copy of a vault taken while open, with four commits only in its WAL.

    Returns the image, the WAL's size after each commit, and the case ids.
    """
    path = tmp_path / "live"
    vault, _ = make_vault(path)
    vault.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    vault.conn.execute("PRAGMA wal_autocheckpoint = 0")  # keep them in the WAL
    sizes, ids = [], []
    for i in range(4):
        ids.append(CaseStore(vault).add_case({"title": f"acknowledged {i}", "route": "other"}))
        sizes.append((path / f"{DB_NAME}-wal").stat().st_size)
    image = Path(shutil.copytree(path, tmp_path / "image"))  # as a power cut would leave it
    vault.close()
    return image, sizes, ids


def surviving(path: Path) -> tuple[list[str], audit.ChainReport, list[str]]:
    with Vault.open(path, PASSPHRASE) as vault:
        rows = vault.conn.execute("SELECT id FROM records WHERE kind = 'case' ORDER BY rowid")
        ids = [r[0] for r in rows]
        report = audit.verify(vault.conn)
        return ids, report, failed_checks(vault)


def test_an_intact_wal_replays_every_acknowledged_commit(crash_image: Any) -> None:
    image, sizes, ids = crash_image
    assert sizes[0] > 0 and sizes == sorted(sizes)  # the commits live in the WAL
    assert surviving(image)[0] == ids


@pytest.mark.parametrize(
    "damage,kept",
    [
        ("cut inside the last commit", 3),
        ("cut at the last commit's first frame", 3),
        ("cut to the WAL header", 0),
        ("flip a byte in the second commit", 1),
        ("flip a byte in the WAL header", 0),
    ],
)
def test_a_damaged_wal_loses_the_commits_from_the_damage_on(
    crash_image: Any, damage: str, kept: int
) -> None:
    """Documented, not desired: acknowledged commits after the damage vanish, silently.

    SQLite treats the first frame that is missing or fails its checksum as
    the end of the log. What survives is a prefix of whole commits (never a
    torn one) and ``vault check`` passes; the audit head (count and hash)
    is shorter than one noted before the damage, which is the only trace.
    """
    image, sizes, ids = crash_image
    _, intact_report, _ = surviving(Path(shutil.copytree(image, image.parent / "control")))
    wal = image / f"{DB_NAME}-wal"
    if damage == "cut inside the last commit":
        os.truncate(wal, (sizes[2] + sizes[3]) // 2)
    elif damage == "cut at the last commit's first frame":
        os.truncate(wal, sizes[2])
    elif damage == "cut to the WAL header":
        os.truncate(wal, 32)
    elif damage == "flip a byte in the second commit":
        flip(wal, sizes[0] + 100)
    else:
        flip(wal, 10)
    found, report, failed = surviving(image)
    assert found == ids[:kept]
    assert failed == []
    assert report.ok and report.entries < intact_report.entries
    assert report.head != intact_report.head


# The key-slot header, edited


def edit_header(path: Path, change: Any) -> None:
    doc = json.loads((path / HEADER_NAME).read_bytes())
    change(doc, next(s for s in doc["slots"] if s["kind"] == USER))
    (path / HEADER_NAME).write_text(json.dumps(doc, indent=2))


def _flip_b64(text: str) -> str:
    return ("B" if text[0] == "A" else "A") + text[1:]


HEADER_EDITS: dict[str, tuple[Any, type[Exception], str]] = {
    "wrapped key": (
        lambda d, s: s["wrap"].update(ciphertext=_flip_b64(s["wrap"]["ciphertext"])),
        WrongPassphrase,
        "Wrong passphrase.",
    ),
    "nonce": (
        lambda d, s: s["wrap"].update(nonce=_flip_b64(s["wrap"]["nonce"])),
        WrongPassphrase,
        "Wrong passphrase.",
    ),
    "salt": (
        lambda d, s: s["kdf"].update(salt=_flip_b64(s["kdf"]["salt"])),
        WrongPassphrase,
        "Wrong passphrase.",
    ),
    "vault id": (
        lambda d, s: d.update(vault_id="11111111-2222-4333-8444-555555555555"),
        WrongPassphrase,
        "Wrong passphrase.",
    ),
    "slot made the recovery slot": (
        lambda d, s: s.update(kind="recovery"),
        WrongPassphrase,
        "Wrong passphrase.",
    ),
    "user slot removed": (
        lambda d, s: d["slots"].remove(s),
        WrongPassphrase,
        "Wrong passphrase.",
    ),
    "work factor beyond the limit": (
        lambda d, s: s["kdf"].update(memory_kib=1 << 30),
        VaultDamaged,
        "The key-slot header is damaged (memory).",
    ),
    "another version": (
        lambda d, s: d.update(version=2),
        VaultDamaged,
        "The key-slot header has version 2, which this app cannot read.",
    ),
    "a slot's kdf replaced": (
        lambda d, s: s.update(kdf={"name": "pbkdf2"}),
        VaultDamaged,
        "The key-slot header is damaged (slots[0].kdf).",
    ),
}


@pytest.mark.parametrize("edit", list(HEADER_EDITS))
def test_an_edited_key_slot_header_never_opens_the_vault(copy_of: Path, edit: str) -> None:
    """An AEAD cannot tell an edited slot from a wrong passphrase; either way nothing opens."""
    change, error, message = HEADER_EDITS[edit]
    edit_header(copy_of, change)
    before = folder_state(copy_of)
    with pytest.raises(error) as caught:
        Vault.open(copy_of, PASSPHRASE)
    assert str(caught.value).replace("slots[1]", "slots[0]") == message
    assert folder_state(copy_of) == before


def test_a_cut_header_is_reported_by_the_command_line(copy_of: Path) -> None:
    header = copy_of / HEADER_NAME
    header.write_bytes(header.read_bytes()[:200])
    result = run_in_process("vault", "check", env=cli_env(copy_of))
    assert result.returncode == 7
    assert result.stderr.decode() == "intake-desktop: The key-slot header is damaged (json).\n"


def test_edits_that_change_no_authenticated_field_still_open(copy_of: Path) -> None:
    """Reformatting, reordering slots or an unknown extra field are not tampering."""
    original = KeySlotHeader.from_bytes((copy_of / HEADER_NAME).read_bytes())

    def change(doc: dict[str, Any], slot: dict[str, Any]) -> None:
        doc["slots"].reverse()
        slot["note"] = "added by someone"

    edit_header(copy_of, change)
    edited = KeySlotHeader.from_bytes((copy_of / HEADER_NAME).read_bytes())
    assert set(edited.slots) == set(original.slots)
    Vault.open(copy_of, PASSPHRASE).close()


# The audit log, changed behind the app's back


def raw_connection(path: Path) -> dbapi2.Connection:
    """What someone holding the master key could do: SQLCipher, no app code."""
    header = KeySlotHeader.from_bytes((path / HEADER_NAME).read_bytes())
    master = header.open(header.of_kind(USER)[0], PASSPHRASE)
    assert master is not None
    conn = dbapi2.connect(str(path / DB_NAME), isolation_level=None)
    conn.execute(f"PRAGMA key = \"x'{master.hex()}'\"")
    conn.execute("PRAGMA cipher_compatibility = 4")
    conn.execute("PRAGMA cipher_page_size = 16384")
    conn.execute("PRAGMA journal_mode = WAL")
    return conn


def audit_rows(conn: dbapi2.Connection) -> list[tuple[Any, ...]]:
    return list(conn.execute("SELECT seq, hash FROM audit_log ORDER BY seq"))


def test_a_removed_audit_entry_is_named_by_vault_check(copy_of: Path) -> None:
    conn = raw_connection(copy_of)
    rows = audit_rows(conn)
    assert len(rows) >= 10
    with pytest.raises(dbapi2.DatabaseError, match="append-only"):
        conn.execute("DELETE FROM audit_log WHERE seq = 5")
    conn.execute("DROP TRIGGER audit_log_no_delete")
    conn.execute("DELETE FROM audit_log WHERE seq = 5")
    conn.close()
    result = run_in_process("vault", "check", env=cli_env(copy_of))
    assert result.returncode == 7
    lines = result.stdout.decode().splitlines()
    assert [line for line in lines if not line.startswith("ok")] == [
        "FAILED  audit chain: broken at entry 6"
    ], lines


def test_the_audit_chain_cannot_show_its_tail_cut_off_or_rewritten(copy_of: Path) -> None:
    """Documented limits: the chain is unkeyed, so a key holder can cut or recompute it.

    ``vault check`` passes; the head it prints (entry count, hash) differs
    from the one noted before, which is how such a change is caught.
    """
    with Vault.open(copy_of, PASSPHRASE) as vault:
        noted = audit.verify(vault.conn)
    conn = raw_connection(copy_of)
    conn.execute("DROP TRIGGER audit_log_no_delete")
    conn.execute("DROP TRIGGER audit_log_no_update")
    last = audit_rows(conn)[-1][0]
    conn.execute("DELETE FROM audit_log WHERE seq > ?", (last - 3,))
    # Rewrite entry 2's user and recompute every hash after it.
    conn.execute("UPDATE audit_log SET user = 'someone else' WHERE seq = 2")
    prev = audit.GENESIS
    for seq, at, user, action, kind, record_id in list(
        conn.execute(
            "SELECT seq, at, user, action, record_kind, record_id FROM audit_log ORDER BY seq"
        )
    ):
        digest = audit._entry_hash(seq, at, user, action, kind, record_id, prev)
        conn.execute(
            "UPDATE audit_log SET prev_hash = ?, hash = ? WHERE seq = ?", (prev, digest, seq)
        )
        prev = digest
    conn.close()
    with Vault.open(copy_of, PASSPHRASE) as vault:
        # (opening appends a vault.unlock entry, chained to the forged head)
        assert failed_checks(vault) == []
        after = audit.verify(vault.conn)
    assert after.ok and after.entries == noted.entries - 3 + 1
    assert after.head != noted.head
