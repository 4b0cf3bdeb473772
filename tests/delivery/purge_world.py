"""A field laptop whose cases an office imported at chosen times, real receipts taken.

As in test_purge.py: two real vaults that trust each other, real bundles
really imported, real signed receipts taken by the field. The office has a
clock of its own, so a receipt can say it was imported long ago.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from intake_desktop.core import receipts
from intake_desktop.core.bundle import importer
from intake_desktop.core.cases import CaseStore
from intake_desktop.core.vault import Vault
from tests.bundle_forge import export_to, introduce
from tests.helpers import MINIMAL_CASE, make_vault

OLD_DAYS = 40  # the office imported "old" this many days ago
RECENT_DAYS = 2


class OfficeClock:
    def __init__(self) -> None:
        self.at = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.at


@dataclass
class Delivered:
    field: Vault
    old: str  # delivered OLD_DAYS ago, unchanged since
    recent: str  # delivered RECENT_DAYS ago, unchanged since
    changed: str  # delivered OLD_DAYS ago, edited since
    never: str  # never sent


def case_titled(title: str) -> dict[str, object]:
    case = copy.deepcopy(MINIMAL_CASE)
    case["title"] = title
    return case


def deliver(
    tmp_path: Path,
    field_vault: Vault | None = None,
    *,
    recent_too: bool = True,
    **field_options: object,
) -> Delivered:
    """Four cases on a field laptop (``field_vault``, or a new one), three receipted.

    Without ``recent_too`` the recent case is never sent: one case to remove, one that stays.
    """
    field = field_vault or make_vault(tmp_path / "field", name="Field", **field_options)[0]
    clock = OfficeClock()
    office, _ = make_vault(tmp_path / "office", name="Office", clock=clock)
    introduce(field, office, "Field laptop", "Office")
    introduce(office, field, "Office device", "Field")
    store = CaseStore(field)
    old = store.add_case(case_titled("Amiri family"))
    recent = store.add_case(case_titled("Barakzai family"))
    changed = store.add_case(case_titled("Daudzai family"))
    never = store.add_case(case_titled("Haidari family"))
    now = datetime.now(UTC)
    taken: set[str] = set()
    sent: list[tuple[list[str], int]] = [([old, changed], OLD_DAYS), ([recent], RECENT_DAYS)]
    for number, (case_ids, days) in enumerate(sent if recent_too else sent[:1]):
        bundle = tmp_path / f"b{number}.intake"
        export_to(field, office, bundle, case_ids)
        clock.at = now - timedelta(days=days)
        assert importer.import_bundle(office, bundle).status == "merged"
        (bundle_id,) = {
            r[0] for r in office.conn.execute("SELECT bundle_id FROM bundles_in")
        } - taken
        taken.add(bundle_id)
        receipts.take(field, receipts.issued(office, bundle_id))
    office.close()
    store.update_case(changed, {"title": "Daudzai family (edited)"})
    return Delivered(field, old, recent, changed, never)


def case_ids(vault: Vault) -> set[str]:
    return {str(r[0]) for r in vault.conn.execute("SELECT id FROM case_list")}
