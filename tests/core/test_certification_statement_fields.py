"""A statement's language tag, the translator it names, and event dates in any calendar."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from intake_desktop.core.cases import CaseStore
from intake_desktop.core.certification import (
    LANGUAGE_CHOICES,
    is_language_tag,
    language_name,
    names_differ,
)
from intake_desktop.core.errors import InvalidInput
from intake_desktop.core.model import KINDS, describe_date, validate
from tests.helpers import MINIMAL_CASE, make_vault

AQRAB_12_1405: dict[str, Any] = {"calendar": "solar_hijri", "year": 1405, "month": 8, "day": 12}


@pytest.mark.parametrize(
    "tag", ["fa-AF", "ps", "en", "prs", "uz-Arab", "uz-Arab-AF", "zh-cmn-Hans-CN", "x-dari"]
)
def test_well_formed_language_tags(tag: str) -> None:
    assert is_language_tag(tag)


@pytest.mark.parametrize(
    "tag", ["", "fa_AF", "Dari", "Pashto", "fa-", "f", "fa AF", "دری", "a" * 36]
)
def test_what_is_not_a_language_tag(tag: str) -> None:
    assert not is_language_tag(tag)


def test_every_offered_language_is_a_tag_with_a_name() -> None:
    assert LANGUAGE_CHOICES[:3] == ("fa-AF", "ps", "en")  # Dari, Pashto, English first
    for tag in LANGUAGE_CHOICES:
        assert is_language_tag(tag) and language_name(tag) != tag


@pytest.mark.parametrize(
    ("named", "certifier", "differ"),
    [
        ("Zarghuna Safi", "Zarghuna Safi", False),
        ("zarghuna  SAFI", "Zarghuna Safi", False),  # case and spaces
        ("Zarghuna", "Zarghuna Safi", False),  # one name's words in the other's
        ("زرغونه صافي", "زرغونه صافی", False),  # Arabic and Persian yeh
        ("", "Zarghuna Safi", False),  # nobody named: nothing to warn about
        ("Ahmad Karimi", "Zarghuna Safi", True),
        ("Zarghuna Ahmadi", "Zarghuna Safi", True),
    ],
)
def test_names_differ(named: str, certifier: str, differ: bool) -> None:
    assert names_differ(named, certifier) is differ


def test_event_dates_take_a_gregorian_day_or_a_hijri_day() -> None:
    interview = validate(KINDS["interview"], {"date": "2026-11-02"})
    assert interview["date"] == "2026-11-02"  # as before: records made earlier stay valid
    consent = validate(KINDS["consent"], {"given_on": AQRAB_12_1405, "withdrawn_on": None})
    assert consent["given_on"] == {
        **AQRAB_12_1405,
        "precision": "day",
        "original_text": "",
        "gregorian": "2026-11-03",
    }
    assert describe_date(consent["given_on"]) == "12 Aqrab 1405 (Solar Hijri) = 2026-11-03"
    assert describe_date("2026-11-02") == "2026-11-02" and describe_date(None) == ""
    statement = {"language": "fa-AF", "text": "ما از کابل آمدیم"}
    lunar = {"calendar": "lunar_hijri", "year": 1448, "month": 5, "day": 21}
    assert validate(KINDS["statement"], {**statement, "date": lunar})["date"]["gregorian"]


@pytest.mark.parametrize(
    ("date", "path"),
    [
        ({**AQRAB_12_1405, "day": 31}, "statement.date.day"),  # Aqrab has 30 days
        ({**AQRAB_12_1405, "precision": "month"}, "statement.date.precision"),
        ({**AQRAB_12_1405, "gregorian": "2026-11-04"}, "statement.date.gregorian"),
        ({**AQRAB_12_1405, "calendar": "julian"}, "statement.date.calendar"),
        ("12/8/1405", "statement.date"),
    ],
)
def test_a_wrong_event_date_is_refused_with_its_path(date: Any, path: str) -> None:
    body = {"language": "fa-AF", "text": "ما از کابل آمدیم", "date": date}
    with pytest.raises(InvalidInput) as refused:
        validate(KINDS["statement"], body, "statement")
    assert refused.value.params["path"] == path


def test_a_case_with_hijri_dates_is_stored_and_read_back(tmp_path: Path) -> None:
    vault, _code = make_vault(tmp_path / "vault")
    try:
        store = CaseStore(vault)
        document = {
            **MINIMAL_CASE,
            "interviews": [{"id": "i1", "date": AQRAB_12_1405, "place": "Kabul"}],
            "statements": [{**MINIMAL_CASE["statements"][0], "interview": "i1"}],
            "consents": [{**MINIMAL_CASE["consents"][0], "given_on": AQRAB_12_1405}],
        }
        case_id = store.add_case(document)
        back = store.document(case_id)
        assert back["interviews"][0]["date"]["gregorian"] == "2026-11-03"
        assert back["consents"][0]["given_on"]["calendar"] == "solar_hijri"
        old = store.document(store.add_case(MINIMAL_CASE))
        assert old["consents"][0]["given_on"] == "2026-11-01"  # stored as it came
    finally:
        vault.close()
