"""Which cases an export takes: every case, or those changed since the last bundle.

These were SQL in the app's bundle service; they belong to the core, beside
``export_bundle`` whose order and count they must match.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyrage

from intake_desktop.core.bundle import export
from intake_desktop.core.cases import CaseStore
from intake_desktop.core.records import RecordStore
from tests.bundle_forge import export_to
from tests.helpers import MINIMAL_CASE, make_vault


def test_every_case_changed_since_the_last_export_and_when_that_was(tmp_path: Path) -> None:
    now = [dt.datetime(2024, 6, 1, 8, 0, tzinfo=dt.UTC)]
    vault, _ = make_vault(tmp_path / "field", clock=lambda: now[0])
    try:
        store = CaseStore(vault)
        ids = [store.add_case({**MINIMAL_CASE, "title": f"Case {n}"}) for n in range(4)]
        with vault.transaction():
            RecordStore(vault).delete(ids[3])  # a deletion travels too
        assert export.every_case(vault) == ids
        assert export.last_export_at(vault) is None

        now[0] += dt.timedelta(hours=1)
        recipient = str(pyrage.x25519.Identity.generate().to_public())
        written = export_to(vault, recipient, tmp_path / "first.intake")
        assert written.cases == len(export.every_case(vault)) == 4  # the same choice
        assert export.last_export_at(vault) == "2024-06-01T09:00:00Z"
        # Saved in the very second asked about: counted (sent twice, never missed).
        assert export.cases_changed_since(vault, "2024-06-01T08:00:00Z") == ids
        assert export.cases_changed_since(vault, "2024-06-01T08:00:01Z") == []

        now[0] += dt.timedelta(hours=1)
        person = store.children(ids[2], "person")[0]
        with vault.transaction():
            RecordStore(vault).update(person.id, {**person.body, "notes": "seen again"})
        store.update_case(ids[0], {"title": "Renamed"})
        # A change to any record of a case counts, in export order.
        assert export.cases_changed_since(vault, "2024-06-01T09:00:00Z") == [ids[0], ids[2]]
    finally:
        vault.close()
