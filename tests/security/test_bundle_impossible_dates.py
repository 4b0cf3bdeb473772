"""A bundle carrying a day its calendar lacks is refused whole, as a malformed record.

The record is signed by a trusted device and its revision hash is right, so
only validation stands between the impossible date and the coordinator's
vault (exit 8, nothing merged).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from intake_desktop.core.bundle.format import records_member
from tests.bundle_forge import edit_records, rehash
from tests.security.conftest import Reject, World

IMPOSSIBLE = [
    pytest.param("gregorian", 2023, 2, 30, id="30-february-2023"),
    pytest.param("solar_hijri", 1402, 7, 31, id="31-mizan-1402"),
    pytest.param("solar_hijri", 1402, 12, 30, id="30-hut-1402"),
]


@pytest.mark.parametrize(("calendar", "year", "month", "day"), IMPOSSIBLE)
def test_a_bundle_with_an_impossible_date_is_refused(
    world: World, reject: Reject, calendar: str, year: int, month: int, day: int
) -> None:
    manifest, members = world.parts.fresh()
    case_id = world.cases[1]  # the rich case: people with dates of birth

    def edit(doc: dict[str, Any]) -> None:
        person = next(r for r in doc["records"] if r["kind"] == "person")
        person["body"]["date_of_birth"] = {
            "calendar": calendar,
            "precision": "day",
            "year": year,
            "month": month,
            "day": day,
            "original_text": "",
            "gregorian": None,
        }
        rehash(person)

    hostile = edit_records(members, case_id, edit)
    revs = {
        r["id"]: r["rev"] for r in json.loads(dict(hostile)[records_member(case_id)])["records"]
    }
    manifest["records"] = [{**r, "rev": revs.get(r["id"], r["rev"])} for r in manifest["records"]]
    reject(world.consistent(manifest, hostile), "malformed (body)")
