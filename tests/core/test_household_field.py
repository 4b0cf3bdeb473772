"""A person's ``head_of_household`` (issue 14, 12): validated, stored, carried by bundles."""

from __future__ import annotations

import json

from intake_desktop.core.cases import CaseStore
from intake_desktop.core.model import KINDS, validate
from intake_desktop.core.records import RecordStore
from tests.core.conftest import Pair

FAMILY = {
    "title": "Noori family",
    "route": "humanitarian_parole",
    "people": [
        {"id": "h", "full_name": "Wahid Noori", "head_of_household": True},
        {"id": "s", "full_name": "Maryam Noori"},
    ],
    "relationships": [{"person": "h", "relative": "s", "kind": "spouse"}],
    # Export refuses a case whose consent does not cover sharing with counsel.
    "consents": [{"scope": ["share_with_counsel"], "given_on": "2026-11-01", "form": "written"}],
}


def test_a_body_from_before_the_field_reads_as_not_the_head() -> None:
    body = validate(KINDS["person"], {"full_name": "Wahid Noori"})
    assert body["head_of_household"] is False


def test_the_head_travels_in_a_bundle(pair: Pair) -> None:
    case_id = CaseStore(pair.field).add_case(json.loads(json.dumps(FAMILY)))
    pair.ship(pair.field, pair.coord, case_id)
    people = {
        r.body["full_name"]: r.body["head_of_household"]
        for r in RecordStore(pair.coord).of_case(case_id)
        if r.kind == "person"
    }
    assert people == {"Wahid Noori": True, "Maryam Noori": False}
    shown = CaseStore(pair.coord).document(case_id)
    assert [p["head_of_household"] for p in shown["people"]] == [True, False]
