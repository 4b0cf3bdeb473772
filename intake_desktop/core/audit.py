"""The append-only audit log: who did what to which record, when.

Each entry's hash covers its own fields and the previous entry's hash, so
editing, removing or reordering an entry breaks the chain from that point
on; ``verify`` names the first broken entry. Entries never hold case
content: only the user's name, an action name, a record kind and a UUID.

What a chain cannot show on its own: the newest entries being cut off the
end. The head (count and last hash) is reported by ``vault check`` so it
can be compared with one written down or carried in a bundle.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from .schema import Connection

GENESIS = "0" * 64


def _entry_hash(
    seq: int,
    at: str,
    user: str,
    action: str,
    kind: str | None,
    record_id: str | None,
    prev_hash: str,
) -> str:
    fields = [seq, at, user, action, kind, record_id, prev_hash]
    data = json.dumps(fields, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(b"intake-desktop audit v1\n" + data).hexdigest()


def append(
    conn: Connection,
    at: str,
    user: str,
    action: str,
    kind: str | None = None,
    record_id: str | None = None,
) -> None:
    """Add an entry; call inside the transaction that made the change."""
    last = conn.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
    digest = _entry_hash(seq, at, user, action, kind, record_id, prev)
    conn.execute(
        "INSERT INTO audit_log (seq, at, user, action, record_kind, record_id, prev_hash, hash)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (seq, at, user, action, kind, record_id, prev, digest),
    )


@dataclass(frozen=True)
class ChainReport:
    entries: int
    head: str
    first_broken: int | None  # seq of the first entry that does not verify

    @property
    def ok(self) -> bool:
        return self.first_broken is None


def verify(conn: Connection) -> ChainReport:
    prev, expected_seq, count = GENESIS, 1, 0
    rows = conn.execute(
        "SELECT seq, at, user, action, record_kind, record_id, prev_hash, hash"
        " FROM audit_log ORDER BY seq"
    )
    for seq, at, user, action, kind, record_id, prev_hash, digest in rows:
        count += 1
        recomputed = _entry_hash(seq, at, user, action, kind, record_id, prev)
        if seq != expected_seq or prev_hash != prev or digest != recomputed:
            return ChainReport(entries=count, head=prev, first_broken=seq)
        prev, expected_seq = digest, seq + 1
    return ChainReport(entries=count, head=prev, first_broken=None)


@dataclass(frozen=True)
class AuditEvent:
    seq: int
    at: str
    user: str
    action: str
    record_kind: str | None
    record_id: str | None


def events(conn: Connection, record_id: str | None = None, limit: int = 200) -> list[AuditEvent]:
    if record_id is None:
        rows = conn.execute(
            "SELECT seq, at, user, action, record_kind, record_id FROM audit_log"
            " ORDER BY seq DESC LIMIT ?",
            (limit,),
        )
    else:
        rows = conn.execute(
            "SELECT seq, at, user, action, record_kind, record_id FROM audit_log"
            " WHERE record_id = ? ORDER BY seq DESC LIMIT ?",
            (record_id, limit),
        )
    return [AuditEvent(*row) for row in rows]
