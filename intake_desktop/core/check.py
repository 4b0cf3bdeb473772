"""``vault check``: every integrity check the vault can make of itself.

Each check reports separately so one failure does not hide another; the
vault is sound only when all pass. Details are counts and ids, never content.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlcipher3 import dbapi2

from . import audit
from .attachments import BlobStore
from .keyslots import USER
from .records import Record, compute_rev
from .vault import Vault


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    detail: str


def _rows(vault: Vault, pragma: str) -> list[tuple[object, ...]]:
    return list(vault.conn.execute(pragma).fetchall())


def check_vault(vault: Vault) -> list[CheckResult]:
    results: list[CheckResult] = []

    def run(name: str, check: object) -> None:
        try:
            ok, detail = check()  # type: ignore[operator]
        except dbapi2.DatabaseError as exc:
            ok, detail = False, type(exc).__name__
        results.append(CheckResult(name, ok, detail))

    def page_hmacs() -> tuple[bool, str]:
        # Move WAL pages into the main file so every page is checked.
        vault.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        bad = _rows(vault, "PRAGMA cipher_integrity_check")
        return not bad, f"{len(bad)} page(s) failed" if bad else "every page authenticates"

    def sqlite_integrity() -> tuple[bool, str]:
        rows = _rows(vault, "PRAGMA integrity_check")
        ok = rows == [("ok",)]
        return ok, "ok" if ok else f"{len(rows)} problem(s)"

    def foreign_keys() -> tuple[bool, str]:
        rows = _rows(vault, "PRAGMA foreign_key_check")
        return not rows, f"{len(rows)} dangling reference(s)" if rows else "ok"

    def key_slots() -> tuple[bool, str]:
        slots = {s.id for s in vault.header.of_kind(USER)}
        users = {r[0] for r in vault.conn.execute("SELECT slot_id FROM users")}
        ok = slots == users
        detail = f"{len(slots)} user slot(s)" if ok else "users and key slots differ"
        return ok, detail

    def audit_chain() -> tuple[bool, str]:
        report = audit.verify(vault.conn)
        if report.ok:
            return True, f"{report.entries} entries, head {report.head[:16]}"
        return False, f"broken at entry {report.first_broken}"

    def search_index() -> tuple[bool, str]:
        vault.conn.execute("INSERT INTO search (search) VALUES ('integrity-check')")
        return True, "ok"

    def records() -> tuple[bool, str]:
        count, bad = 0, []
        rows = vault.conn.execute(
            "SELECT id, case_id, kind, version, rev, history, body, created_at, updated_at,"
            " updated_by, deleted FROM records"
        )
        for rid, case_id, kind, version, rev, history, body, created, updated, by, deleted in rows:
            count += 1
            parents = json.loads(history)
            record = Record(
                rid,
                case_id,
                kind,
                version,
                rev,
                tuple(parents),
                json.loads(body),
                created,
                updated,
                by,
                bool(deleted),
            )
            if compute_rev(record, parents[-1] if parents else None) != rev:
                bad.append(rid)
        if bad:
            return False, f"{len(bad)} record(s) edited outside the app, first {bad[0]}"
        return True, f"{count} record(s)"

    def attachments() -> tuple[bool, str]:
        store = BlobStore(vault)
        hashes = store.all_hashes()
        bad = [h for h in hashes if not store.verify(h)]
        if bad:
            return False, f"{len(bad)} attachment(s) do not match their SHA-256"
        return True, f"{len(hashes)} attachment(s)"

    run("sqlcipher page authentication", page_hmacs)
    run("sqlite integrity", sqlite_integrity)
    run("foreign keys", foreign_keys)
    run("key slots", key_slots)
    run("audit chain", audit_chain)
    run("search index", search_index)
    run("records", records)
    run("attachments", attachments)
    return results
