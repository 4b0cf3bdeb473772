"""``vault check``: every integrity check the vault can make of itself.

Each check reports separately so one failure does not hide another; the
vault is sound only when all pass. Details are counts and ids, never content.
A result keeps its name and detail in English (what ``vault check --json``
prints, for scripts) and as message templates translated when shown.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from sqlcipher3 import dbapi2

from . import audit, search
from .attachments import BlobStore
from .files import file_sha256
from .i18n import N_, _
from .keyslots import USER
from .model import KINDS, references
from .records import compute_rev, record_from_row
from .vault import Vault

OUTBOX_DIR = "outbox"  # as core/delivery/outbox.py, which loads the SSH and S3 libraries


@dataclass(frozen=True)
class CheckResult:
    name: str  # in English; a template marked for translation (label() shows it)
    ok: bool
    detail: str  # in English, the template filled in (text() shows it translated)
    template: str = ""
    params: Mapping[str, object] = field(default_factory=dict)
    seconds: float = 0.0  # how long it took (benchmarks/storage.py)

    def label(self) -> str:
        return _(self.name)

    def text(self) -> str:
        if not self.template:
            return self.detail
        for template in (_(self.template), self.template):
            try:
                return template.format(**self.params)
            except (KeyError, IndexError, ValueError):
                continue
        return self.detail


Outcome = tuple[bool, str, dict[str, object]]  # ok, detail template, its parameters


OK = N_("ok")
# Every attachment a live evidence record or an open conflict names.
_NAMED_ATTACHMENTS = (
    "SELECT json_extract(item.value, '$.sha256') FROM records,"
    " json_each(records.body, '$.attachments') AS item"
    " WHERE records.kind = 'evidence' AND records.deleted = 0"
    " UNION SELECT json_extract(item.value, '$.sha256') FROM conflicts,"
    " json_each(conflicts.body, '$.attachments') AS item"
    " WHERE conflicts.kind = 'evidence' AND conflicts.resolved = 0"
)


def _rows(vault: Vault, pragma: str) -> list[tuple[object, ...]]:
    return list(vault.conn.execute(pragma).fetchall())


def check_vault(vault: Vault) -> list[CheckResult]:
    results: list[CheckResult] = []

    def run(name: str, check: Callable[[], Outcome]) -> None:
        start = time.perf_counter()
        try:
            ok, template, params = check()
            detail = template.format(**params)
        except dbapi2.DatabaseError as exc:
            ok, detail, template, params = False, type(exc).__name__, "", {}
        seconds = time.perf_counter() - start
        results.append(CheckResult(name, ok, detail, template, params, seconds))

    def page_hmacs() -> Outcome:
        # Move WAL pages into the main file so every page is checked.
        vault.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        bad = _rows(vault, "PRAGMA cipher_integrity_check")
        if bad:
            return False, N_("{count} page(s) failed"), {"count": len(bad)}
        return True, N_("every page authenticates"), {}

    def sqlite_integrity() -> Outcome:
        rows = _rows(vault, "PRAGMA integrity_check")
        if rows == [("ok",)]:
            return True, OK, {}
        return False, N_("{count} problem(s)"), {"count": len(rows)}

    def foreign_keys() -> Outcome:
        rows = _rows(vault, "PRAGMA foreign_key_check")
        if rows:
            return False, N_("{count} dangling reference(s)"), {"count": len(rows)}
        return True, OK, {}

    def key_slots() -> Outcome:
        # From disk: another program may have changed the slots since unlock.
        slots = {s.id for s in vault.reload_header().of_kind(USER)}
        users = {r[0] for r in vault.conn.execute("SELECT slot_id FROM users")}
        if slots == users:
            return True, N_("{count} user slot(s)"), {"count": len(slots)}
        return False, N_("users and key slots differ"), {}

    def audit_chain() -> Outcome:
        report = audit.verify(vault.conn)
        if report.ok:
            return (
                True,
                N_("{count} entries, head {head}"),
                {"count": report.entries, "head": report.head[:16]},
            )
        return False, N_("broken at entry {entry}"), {"entry": report.first_broken}

    def search_index() -> Outcome:
        stray = search.stray_rows(vault.conn)
        if stray:
            return False, N_("{count} search rows without their case"), {"count": stray}
        return True, OK, {}

    def records() -> Outcome:
        count, bad = 0, []
        rows = vault.conn.execute(
            "SELECT id, case_id, kind, version, rev, history, body, created_at, updated_at,"
            " updated_by, deleted FROM records"
        )
        redacted = {r[0]: r[1] for r in vault.conn.execute("SELECT record_id, rev FROM redactions")}
        for row in rows:
            count += 1
            record = record_from_row(row)
            if redacted.get(record.id) == record.rev:
                continue  # received without its withheld fields: its hash covers them
            parent = record.history[-1] if record.history else None
            if compute_rev(record, parent) != record.rev:
                bad.append(record.id)
        if bad:
            return (
                False,
                N_("{count} record(s) edited outside the app, first {first}"),
                {"count": len(bad), "first": bad[0]},
            )
        return True, N_("{count} record(s)"), {"count": count}

    def references_() -> Outcome:
        """Every record belongs to a case, and every reference names a record of its case."""
        cases = {r[0] for r in vault.conn.execute("SELECT id FROM records WHERE kind = 'case'")}
        orphans, dangling = 0, 0
        rows = vault.conn.execute("SELECT case_id, kind, body FROM records WHERE deleted = 0")
        targets = vault.conn.cursor()
        for case_id, kind, body in rows:
            if case_id not in cases:
                orphans += 1
                continue
            spec = KINDS.get(kind)
            for _field, target, ref in references(spec, json.loads(body)) if spec else ():
                found = targets.execute(
                    "SELECT kind, case_id FROM records WHERE id = ?", (ref,)
                ).fetchone()
                if found is None or found[0] != target or found[1] != case_id:
                    dangling += 1
        if orphans or dangling:
            return (
                False,
                N_("{orphans} record(s) outside any case, {dangling} dangling reference(s)"),
                {"orphans": orphans, "dangling": dangling},
            )
        return True, OK, {}

    def attachments() -> Outcome:
        store = BlobStore(vault)
        hashes = store.all_hashes()
        # Each one read whole: every segment's tag, then the SHA-256 it was stored under.
        bad = [h for h in hashes if not store.verify(h)]
        if bad:
            return (
                False,
                N_("{count} attachment(s) missing, damaged or not matching their SHA-256"),
                {"count": len(bad)},
            )
        # Content nothing names is content someone deleted: it must not stay.
        named = {row[0] for row in vault.conn.execute(_NAMED_ATTACHMENTS)}
        unreferenced, missing = set(hashes) - named, named - set(hashes)
        if unreferenced or missing:
            return (
                False,
                N_(
                    "{unreferenced} unreferenced attachment(s) (content left after deletion),"
                    " {missing} named but missing"
                ),
                {"unreferenced": len(unreferenced), "missing": len(missing)},
            )
        return True, N_("{count} attachment(s)"), {"count": len(hashes)}

    def file_store() -> Outcome:
        named = BlobStore(vault).file_names()
        present = vault.files.names()
        missing = named - present
        if missing:
            return (
                False,
                N_(
                    "{count} attachment file(s) missing: the vault folder may have been"
                    " restored from an older copy"
                ),
                {"count": len(missing)},
            )
        orphans = vault.files.orphans(named)
        if orphans:
            return (
                False,
                N_("{count} file(s) no attachment names (removed at the next unlock): {names}"),
                {"count": len(orphans), "names": ", ".join(orphans)},
            )
        (in_database,) = vault.conn.execute(
            "SELECT count(*) FROM blobs WHERE file IS NULL AND complete = 1"
        ).fetchone()
        if in_database:
            return (
                True,
                N_(
                    "{count} file(s); {moving} attachment(s) still inside the database"
                    " (vault upgrade moves them)"
                ),
                {"count": len(named), "moving": in_database},
            )
        return True, N_("{count} file(s)"), {"count": len(named)}

    def outbox() -> Outcome:
        # The bundles still to be delivered must be there whole: a sent one
        # is on its destination, so its local copy is not checked.
        rows = vault.conn.execute(
            "SELECT file, size, sha256 FROM outbox WHERE state IN ('queued', 'sending')"
        ).fetchall()
        damaged = 0
        for name, size, sha256 in rows:
            path = vault.path / OUTBOX_DIR / name
            try:
                if path.stat().st_size != size or file_sha256(path) != sha256:
                    damaged += 1
            except OSError:
                damaged += 1
        if damaged:
            return (
                False,
                N_(
                    "{count} bundle(s) waiting to be sent are missing or damaged: remove"
                    " them from the outbox and export again"
                ),
                {"count": damaged},
            )
        return True, N_("{count} bundle(s) waiting"), {"count": len(rows)}

    run(N_("sqlcipher page authentication"), page_hmacs)
    run(N_("sqlite integrity"), sqlite_integrity)
    run(N_("foreign keys"), foreign_keys)
    run(N_("key slots"), key_slots)
    run(N_("audit chain"), audit_chain)
    run(N_("search index"), search_index)
    run(N_("records"), records)
    run(N_("references"), references_)
    run(N_("attachments"), attachments)
    run(N_("attachment files"), file_store)
    run(N_("outbox"), outbox)
    return results
