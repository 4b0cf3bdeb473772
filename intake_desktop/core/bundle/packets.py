"""Counsel packets in bundles: a PDF per case for the recipients who asked for them.

The core never imports Qt, so the PDF is made by a renderer the caller
passes in (``intake_desktop.packet.bundle_renderer``): the command line and
the app both do. Each packet travels as ``packet/<case id>.pdf``, listed and
hashed in the signed manifest like every member (docs/bundle-format.md).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ..errors import Cancelled
from ..i18n import N_
from ..trust import RECIPIENT, TrustStore
from ..vault import Vault
from .format import RecipientRef, packet_member


@dataclass(frozen=True)
class PacketRequest:
    """One case's counsel packet for a bundle (rendered outside the core: it needs Qt)."""

    case_id: str
    bundle_id: str  # named on its cover
    withhold_names: bool  # pseudonyms, as the bundle's records leave the names out


# Makes the PDF in memory (intake_desktop.packet.bundle_renderer).
PacketRenderer = Callable[[Vault, PacketRequest], bytes]


def wanting_packets(vault: Vault, recipients: list[RecipientRef]) -> list[str]:
    """Names of the recipients who asked for counsel packets in their bundles."""
    wanted = {e.key for e in TrustStore(vault).entries() if e.kind == RECIPIENT and e.packets}
    return [r.name for r in recipients if r.recipient in wanted]


def packet_members(
    vault: Vault,
    case_ids: list[str],
    bundle_id: str,
    withhold_names: bool,
    render: PacketRenderer,
    cancelled: Callable[[], bool] | None,
) -> Iterator[tuple[str, bytes]]:
    """Each case's packet member (path, PDF), in the bundle's order; none for a deleted case."""
    live = {
        str(row[0])
        for row in vault.conn.execute(
            "SELECT id FROM records WHERE kind = 'case' AND deleted = 0"
            " AND id IN (SELECT value FROM json_each(?))",
            (json.dumps(case_ids),),
        )
    }
    for case_id in case_ids:
        if cancelled is not None and cancelled():
            raise Cancelled(N_("The export was cancelled; no bundle was written."))
        if case_id in live:
            yield (
                packet_member(case_id),
                render(vault, PacketRequest(case_id, bundle_id, withhold_names)),
            )
