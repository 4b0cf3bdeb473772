"""The coordinator's view of each sender's chain of bundles: last one, gaps, last seen.

Senders number their bundles per recipient (core/bundle/export.py), so what
a device sent to this vault is one chain 1, 2, 3, … with no room for bundles
sent to others. A number below the latest that never arrived is a gap: a
bundle lost, withheld by a server, or still on a USB stick. Bundles made
before chains per recipient carry the sender's shared numbers, so an older
device's chain may show gaps that were bundles for someone else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..fingerprint import signing_key_fingerprint
from ..trust import TrustStore

if TYPE_CHECKING:
    from ..vault import Vault

GAPS_SHOWN = 50  # the first ones; ``missing`` counts them all


@dataclass(frozen=True)
class Chain:
    name: str  # the trust store's name (the sender's own claim if no longer trusted)
    fingerprint: str
    last: int
    received: int
    missing: int
    gaps: tuple[int, ...]  # the first GAPS_SHOWN numbers not received
    last_seen: str

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "fingerprint": self.fingerprint,
            "last": self.last,
            "received": self.received,
            "missing": self.missing,
            "gaps": list(self.gaps),
            "last_seen": self.last_seen,
        }


def chains(vault: Vault) -> list[Chain]:
    """One chain per device that sent this vault bundles, by name."""
    names = {e.key: e.name for e in TrustStore(vault).entries() if e.kind == "device"}
    rows = vault.conn.execute(
        "SELECT signing_key, max(producer_name), group_concat(device_seq), max(imported_at)"
        " FROM bundles_in GROUP BY signing_key"
    ).fetchall()
    found = []
    for key, claimed, numbers_text, last_seen in rows:
        numbers = {int(n) for n in str(numbers_text).split(",")}
        last = max(numbers)
        missing = last - len(numbers)
        gaps: list[int] = []
        for n in range(1, last + 1):
            if len(gaps) == GAPS_SHOWN:
                break
            if n not in numbers:
                gaps.append(n)
        found.append(
            Chain(
                name=names.get(key, str(claimed)),
                fingerprint=signing_key_fingerprint(key),
                last=last,
                received=len(numbers),
                missing=missing,
                gaps=tuple(gaps),
                last_seen=str(last_seen),
            )
        )
    return sorted(found, key=lambda c: (c.name.casefold(), c.fingerprint))
