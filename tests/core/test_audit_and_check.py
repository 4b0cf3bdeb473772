"""The hash-chained audit log and ``vault check``."""

from __future__ import annotations

import copy
import io

import pytest
from sqlcipher3 import dbapi2

from intake_desktop.core import audit
from intake_desktop.core.attachments import BlobStore
from intake_desktop.core.cases import CaseStore
from intake_desktop.core.check import check_vault
from intake_desktop.core.evidence import add_attachment
from intake_desktop.core.vault import Vault
from tests.helpers import MINIMAL_CASE


def failed(vault: Vault) -> set[str]:
    return {r.name for r in check_vault(vault) if not r.ok}


def test_every_change_is_audited_without_content(vault: Vault) -> None:
    case_id = CaseStore(vault).add_case(copy.deepcopy(MINIMAL_CASE))
    events = audit.events(vault.conn)
    actions = [e.action for e in reversed(events)]
    assert actions[:1] == ["vault.create"]
    assert {"case.create", "person.create", "statement.create"} <= set(actions)
    assert all(e.user == "farida" for e in events)
    assert case_id in {e.record_id for e in events}
    rows = vault.conn.execute("SELECT * FROM audit_log").fetchall()
    assert "احمدزی" not in repr(rows) and "Kabul" not in repr(rows)


def test_the_log_is_append_only(vault: Vault) -> None:
    with pytest.raises(dbapi2.DatabaseError, match="append-only"):
        vault.conn.execute("DELETE FROM audit_log WHERE seq = 1")
    with pytest.raises(dbapi2.DatabaseError, match="append-only"):
        vault.conn.execute("UPDATE audit_log SET user = 'x'")


def _drop_guards(vault: Vault) -> None:
    vault.conn.execute("DROP TRIGGER audit_log_no_update")
    vault.conn.execute("DROP TRIGGER audit_log_no_delete")


def test_a_healthy_vault_passes_every_check(vault: Vault) -> None:
    case_id = CaseStore(vault).add_case(copy.deepcopy(MINIMAL_CASE))
    add_attachment(vault, case_id, io.BytesIO(b"%PDF-1.4" * 100), "a.pdf")
    results = check_vault(vault)
    assert [r.name for r in results if not r.ok] == []
    assert len(results) == 11


def test_a_removed_audit_entry_is_detected(vault: Vault) -> None:
    CaseStore(vault).add_case(copy.deepcopy(MINIMAL_CASE))
    _drop_guards(vault)
    vault.conn.execute("DELETE FROM audit_log WHERE seq = 3")
    report = audit.verify(vault.conn)
    assert report.first_broken == 4
    assert failed(vault) == {"audit chain"}


def test_an_edited_audit_entry_is_detected(vault: Vault) -> None:
    CaseStore(vault).add_case(copy.deepcopy(MINIMAL_CASE))
    _drop_guards(vault)
    vault.conn.execute("UPDATE audit_log SET user = 'someone else' WHERE seq = 2")
    assert audit.verify(vault.conn).first_broken == 2
    assert failed(vault) == {"audit chain"}


def test_a_record_edited_outside_the_app_is_detected(vault: Vault) -> None:
    CaseStore(vault).add_case(copy.deepcopy(MINIMAL_CASE))
    vault.conn.execute(
        "UPDATE records SET body = json_set(body, '$.title', 'forged') WHERE kind = 'case'"
    )
    assert failed(vault) == {"records"}


def test_altered_attachment_content_is_detected(vault: Vault) -> None:
    with vault.transaction():
        BlobStore(vault).put(io.BytesIO(b"original scan" * 100), "a.pdf")
    (name,) = vault.files.names()
    blob = vault.files.folder / name
    blob.write_bytes(blob.read_bytes()[:20] + b"\0" * (blob.stat().st_size - 20))
    assert failed(vault) == {"attachments"}


def test_a_key_slot_without_a_user_is_detected(vault: Vault) -> None:
    vault.conn.execute("DELETE FROM users")
    assert failed(vault) == {"key slots"}
