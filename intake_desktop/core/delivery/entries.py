"""What the outbox keeps per bundle, and when it tries again (core/delivery/outbox.py).

An entry's states are ``queued`` → ``sending`` → ``sent`` (→ ``receipted``
with receipts); ``paused`` and ``refused`` are flags beside the state. A
failure is kept as a message template with its parameters
(``errors.error_json``), shown in the reader's language.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..clock import parse_stamp
from ..errors import error_text
from .transport import NotDelivered

QUEUED, SENDING, SENT, RECEIPTED = "queued", "sending", "sent", "receipted"
UNSENT = (QUEUED, SENDING)
FIRST_RETRY = 30.0  # seconds
LAST_RETRY = 3600.0

SELECT_ALL = (
    "SELECT id, bundle_id, sequence, destination, state, paused, size, sha256, sent_bytes,"
    " attempts, next_try, error, refused, created_at, created_by, sent_at, remote_name, file"
    " FROM outbox"
)
SELECT_ONE = SELECT_ALL + " WHERE id = ?"
SELECT_ALL += " ORDER BY id DESC"


def retry_delay(attempts: int, rng: Callable[[], float] = random.random) -> float:
    """Seconds before the next try after ``attempts`` failed ones: 30 s doubling, at most 1 h."""
    base = min(LAST_RETRY, FIRST_RETRY * 2.0 ** max(0, attempts - 1))
    return float(min(LAST_RETRY, base * (0.75 + rng() / 2)))


@dataclass(frozen=True)
class OutboxEntry:
    id: int
    bundle_id: str
    sequence: int
    destination: str
    state: str
    paused: bool
    size: int
    sha256: str  # of the encrypted file, as it is on the server once sent
    sent_bytes: int
    attempts: int
    next_try: str | None
    error: str | None  # errors.error_json of the last failure
    refused: bool  # the last try was refused: retrying will not help until a person acts
    created_at: str
    created_by: str
    sent_at: str | None
    remote_name: str
    file: str

    @classmethod
    def from_row(cls, row: tuple[Any, ...]) -> OutboxEntry:
        values = list(row)
        values[5], values[12] = bool(values[5]), bool(values[12])
        return cls(*values)

    @property
    def last_error(self) -> str | None:
        """The last failure in plain words, in the interface's language."""
        return None if self.error is None else error_text(self.error)

    @property
    def due_at(self) -> datetime | None:
        """When the next try is due (UTC); None: at once."""
        return None if self.next_try is None else parse_stamp(self.next_try)

    @property
    def waiting(self) -> bool:
        return self.state in UNSENT

    def queued_again(self) -> OutboxEntry:
        """As the next pass sees an entry a killed program left ``sending``."""
        return dataclasses.replace(self, state=QUEUED) if self.state == SENDING else self

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "bundle_id": self.bundle_id,
            "sequence": self.sequence,
            "destination": self.destination,
            "state": self.state,
            "paused": self.paused,
            "size": self.size,
            "sha256": self.sha256,
            "sent_bytes": self.sent_bytes,
            "attempts": self.attempts,
            "next_try": self.next_try,
            "last_error": self.last_error,
            "refused": self.refused,
            "remote_name": self.remote_name,
            "created_at": self.created_at,
            "sent_at": self.sent_at,
        }


@dataclass(frozen=True)
class SendResult:
    """One entry's outcome in a send pass."""

    entry: OutboxEntry  # as it is after the try
    resumed_from: int = 0  # where a resumed upload continued, else 0
    resent: int = 0  # bytes sent again (at most one chunk after an interruption)
    already_there: bool = False

    def as_json(self) -> dict[str, Any]:
        return self.entry.as_json() | {
            "resumed_from": self.resumed_from,
            "resent": self.resent,
            "already_there": self.already_there,
        }


class SendBusy(NotDelivered):
    """Another program is sending from this vault's outbox right now."""
