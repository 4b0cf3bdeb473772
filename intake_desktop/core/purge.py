"""Purge after delivery: remove from this laptop the cases an importer holds as they are.

What is not on a field laptop cannot be seized with it. ``purge --delivered``
removes every case whose current version a receipt says was received
(core/receipts.py: some importer holds every record of the case at its
current version), and nothing else: a case edited since it was delivered
stays, and says why.

Removal is thorough and local:

* the records themselves (not tombstones: a purge never travels as a
  deletion, and a later export does not delete the coordinator's copies),
  their search rows, case-list row, conflict copies, drafts, redaction
  marks, sources, duplicate dismissals and delivery rows;
* attachment content no remaining record names: its row holds the blob
  file's key, so the file is unreadable once the row is gone, and is then
  unlinked (vault.py);
* then the full-text index is merged (``optimize``), so no segment keeps the
  removed words, and the write-ahead log is emptied; ``secure_delete`` zeroes
  freed pages;
* the local copies of receipted bundles in the outbox (the importer has
  them) are deleted too.

The audit log keeps the case ids and counts, never content.

An optional policy (``set_policy_days``, kept in the vault's ``meta`` table)
removes delivered cases automatically once they have been delivered for N
days (``auto_purge``, which the app runs after unlock). The age of a
delivery is the importer's ``imported_at`` from its signed receipt (the
``at`` of ``delivered``), the latest over the case's records: that is when
the copy the importer holds was made, the same date the case list shows. A
receipt dated ahead of this laptop's clock simply waits.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlcipher3 import dbapi2

from . import permissions, receipts
from .check import OUTBOX_DIR
from .clock import parse_stamp
from .errors import InvalidInput
from .i18n import N_
from .records import attachment_hashes, release_attachments
from .search import update as update_search

if TYPE_CHECKING:
    from .vault import Vault


@dataclass
class PurgeResult:
    cases: list[str] = field(default_factory=list)  # removed (or, in a dry run, to remove)
    kept: list[str] = field(default_factory=list)  # delivered once, changed since
    records: int = 0
    attachments: int = 0
    bundle_files: int = 0  # receipted bundles' local copies deleted
    dry_run: bool = False

    def as_json(self) -> dict[str, object]:
        return {
            "purged": self.cases,
            "kept": [{"id": c, "reason": "changed since delivery"} for c in self.kept],
            "records": self.records,
            "attachments": self.attachments,
            "bundle_files": self.bundle_files,
            "dry_run": self.dry_run,
        }


def plan(vault: Vault) -> PurgeResult:
    """What ``purge --delivered`` would remove, and which delivered cases stay."""
    case_ids = [str(r[0]) for r in vault.conn.execute("SELECT id FROM case_list ORDER BY id")]
    found = PurgeResult(dry_run=True)
    for case_id, (state, _listed) in receipts.deliveries(vault, case_ids).items():
        if state is receipts.Delivery.DELIVERED:
            found.cases.append(case_id)
        elif state is receipts.Delivery.CHANGED:
            found.kept.append(case_id)
    for case_id in found.cases:
        (count,) = vault.conn.execute(
            "SELECT count(*) FROM records WHERE case_id = ?", (case_id,)
        ).fetchone()
        found.records += int(count)
    return found


def purge_delivered(vault: Vault) -> PurgeResult:
    """Remove the delivered cases (see the module's docstring); what was removed.

    Planned inside the removal's transaction: a case edited, or a receipt
    taken, by another program meanwhile is judged as it is then.
    """
    return _purge_chosen(vault, lambda delivered: delivered)


def _blob_count(vault: Vault) -> int:
    return int(vault.conn.execute("SELECT count(*) FROM blobs").fetchone()[0])


def _remove_case(vault: Vault, case_id: str) -> None:
    conn = vault.conn
    rows = conn.execute(
        "SELECT rowid, id, kind, body FROM records WHERE case_id = ?", (case_id,)
    ).fetchall()
    ids = [str(r[1]) for r in rows]
    hashes: set[str] = set()
    for rowid, _id, kind, body in rows:
        update_search(conn, int(rowid), case_id, "")
        if kind == "evidence":
            hashes |= attachment_hashes(json.loads(body))
    for (body,) in conn.execute(
        "SELECT body FROM conflicts WHERE case_id = ? AND kind = 'evidence'", (case_id,)
    ).fetchall():
        hashes |= attachment_hashes(json.loads(body))
    conn.execute("DELETE FROM conflicts WHERE case_id = ?", (case_id,))
    conn.execute("DELETE FROM drafts WHERE case_id = ?", (case_id,))
    conn.execute("DELETE FROM delivered WHERE case_id = ?", (case_id,))
    conn.executemany("DELETE FROM redactions WHERE record_id = ?", [(i,) for i in ids])
    conn.executemany("DELETE FROM record_sources WHERE record_id = ?", [(i,) for i in ids])
    conn.executemany(
        "DELETE FROM duplicate_dismissals WHERE person_a = ?1 OR person_b = ?1",
        [(i,) for i in ids],
    )
    conn.execute("DELETE FROM case_list WHERE id = ?", (case_id,))
    conn.execute("DELETE FROM records WHERE case_id = ?", (case_id,))
    release_attachments(conn, hashes)  # content the same scan in another case still names stays
    vault.audit("case.purge", "case", case_id)


def _drop_receipted_bundles(vault: Vault) -> int:
    """Delete the local copies of bundles the importer confirmed (their rows stay)."""
    folder = vault.path / OUTBOX_DIR
    names = [
        str(r[0]) for r in vault.conn.execute("SELECT file FROM outbox WHERE state = 'receipted'")
    ]
    present = [n for n in names if (folder / n).exists()]

    def unlink() -> None:
        for name in present:
            with contextlib.suppress(FileNotFoundError):
                (folder / name).unlink()

    vault.after_transaction(unlink, lambda: None)
    return len(present)


# -- removing some of the delivered cases, and the policy -------------------------------

POLICY_KEY = "purge.after_days"
MIN_DAYS, MAX_DAYS = 1, 3650


def purge_cases(vault: Vault, case_ids: Collection[str]) -> PurgeResult:
    """Remove those of ``case_ids`` that are delivered as they are now; nothing else.

    What the app listed and a person confirmed: the plan is made again inside
    the removal's transaction, so a case edited (or newly receipted) since it
    was listed is not removed unless it was listed and is still delivered.
    """
    wanted = set(case_ids)
    return _purge_chosen(vault, lambda delivered: [c for c in delivered if c in wanted])


def policy_days(vault: Vault) -> int | None:
    """After how many days delivered cases are removed automatically; None: never."""
    row = vault.conn.execute("SELECT value FROM meta WHERE key = ?", (POLICY_KEY,)).fetchone()
    if row is None:
        return None
    try:
        days = int(str(row[0]))
    except ValueError:
        return None  # unreadable: off, the safe reading for a removal
    return days if MIN_DAYS <= days <= MAX_DAYS else None


def set_policy_days(vault: Vault, days: int | None) -> None:
    """Turn the automatic removal on (after ``days`` days) or off (None).

    Kept for the users who may stop trusting a device: the policy decides
    what leaves the laptop without anyone asking each time.
    """
    permissions.require(vault.user, permissions.REMOVE_TRUST)
    if days is not None and (
        isinstance(days, bool) or not isinstance(days, int) or not MIN_DAYS <= days <= MAX_DAYS
    ):
        raise InvalidInput(
            N_(
                "{value} is not a number of days from {low} to {high}; the automatic"
                " removal was not changed."
            ),
            value=str(days),
            low=MIN_DAYS,
            high=MAX_DAYS,
        )
    with vault.transaction() as conn:
        if days is None:
            conn.execute("DELETE FROM meta WHERE key = ?", (POLICY_KEY,))
        else:
            conn.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (POLICY_KEY, str(days)),
            )
        vault.audit("purge.policy", "days", str(days) if days is not None else "off")


def auto_purge(vault: Vault) -> PurgeResult | None:
    """Remove the cases delivered at least the policy's days ago; None when the policy is off."""
    days = policy_days(vault)
    if days is None:
        return None
    cutoff = vault.clock() - timedelta(days=days)

    def old_enough(delivered: list[str]) -> list[str]:
        latest = _latest_delivery(vault, delivered)
        return [c for c in delivered if c in latest and parse_stamp(latest[c]) <= cutoff]

    return _purge_chosen(vault, old_enough)


def _latest_delivery(vault: Vault, case_ids: list[str]) -> dict[str, str]:
    """Each case's latest importer ``imported_at``; a case whose date is unreadable is left out."""
    found: dict[str, str] = {}
    for case_id, at in vault.conn.execute(
        "SELECT case_id, max(at) FROM delivered"
        " WHERE case_id IN (SELECT value FROM json_each(?)) GROUP BY case_id",
        (json.dumps(case_ids),),
    ):
        with contextlib.suppress(TypeError, ValueError):
            parse_stamp(str(at))
            found[str(case_id)] = str(at)
    return found


def _purge_chosen(vault: Vault, choose: Callable[[list[str]], list[str]]) -> PurgeResult:
    """``purge_delivered`` for the delivered cases ``choose`` keeps, planned in its transaction."""
    conn = vault.conn
    with vault.transaction():
        result = plan(vault)
        result.dry_run = False
        result.cases = choose(result.cases)
        result.records = 0
        if not result.cases:
            return result
        for case_id in result.cases:
            (count,) = conn.execute(
                "SELECT count(*) FROM records WHERE case_id = ?", (case_id,)
            ).fetchone()
            result.records += int(count)
        before = _blob_count(vault)
        for case_id in result.cases:
            _remove_case(vault, case_id)
        result.attachments = before - _blob_count(vault)
        result.bundle_files = _drop_receipted_bundles(vault)
    with contextlib.suppress(dbapi2.DatabaseError):
        with vault.transaction():
            conn.execute("INSERT INTO search (search) VALUES ('optimize')")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return result
