"""Time as the vault records it: UTC, ISO 8601, second precision."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


STAMP = "%Y-%m-%dT%H:%M:%SZ"


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(STAMP)


def parse_stamp(text: str) -> datetime:
    """The moment a ``stamp`` names (UTC)."""
    return datetime.strptime(text, STAMP).replace(tzinfo=UTC)
