"""Possible duplicate people across cases: found with reasons, dismissed for good, never merged."""

from __future__ import annotations

from typing import Any

import pytest

from intake_desktop.core import duplicates
from intake_desktop.core.cases import CaseStore
from intake_desktop.core.errors import InvalidInput, NotFound
from intake_desktop.core.vault import Vault


def person(full_name: str, **extra: Any) -> dict[str, Any]:
    return {"id": "p", "full_name": full_name, **extra}


def case(*people: dict[str, Any], documents: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    for i, p in enumerate(people):
        p["id"] = f"p{i}"
    return {
        "title": "Case",
        "route": "humanitarian_parole",
        "people": list(people),
        "identity_documents": documents or [],
    }


def father(text: str) -> dict[str, str]:
    return {"text": text, "kind": "father", "script": "other"}


SOLAR_1365 = {"calendar": "solar_hijri", "precision": "year", "year": 1365}


def pairs(vault: Vault) -> list[tuple[str, str, int, list[str]]]:
    return [
        (c.a.label, c.b.label, c.score, [r.code for r in c.reasons])
        for c in duplicates.find_candidates(vault)
    ]


def test_the_same_family_registered_twice(vault: Vault) -> None:
    store = CaseStore(vault)
    store.add_case(
        case(
            person(
                "Mohammad Noor Ahmadzai",
                names=[father("Abdul Rahman")],
                date_of_birth=SOLAR_1365,
                sex="male",
            )
        )
    )
    store.add_case(
        case(
            person(
                "Muhammad Nur Ahmadzay",
                names=[father("Abdurrahman")],
                date_of_birth={"calendar": "gregorian", "precision": "year", "year": 1987},
                sex="male",
            )
        )
    )
    (found,) = duplicates.find_candidates(vault)
    assert {found.a.label, found.b.label} == {"Mohammad Noor Ahmadzai", "Muhammad Nur Ahmadzay"}
    assert [r.code for r in found.reasons] == ["name", "father", "birth_year"]
    assert found.score == 40 + 20 + 15
    texts = [r.text() for r in found.reasons]
    assert texts[2] in (
        "Born 1986 / 1987 (within two years)",
        "Born 1987 / 1986 (within two years)",
    )
    assert found.a.id < found.b.id and found.a.case_id != found.b.case_id


def test_a_document_number_written_differently(vault: Vault) -> None:
    store = CaseStore(vault)
    paper = {"person": "p0", "kind": "tazkira", "number": "1400-0101-12345"}
    electronic = {"person": "p0", "kind": "e_tazkira", "number": "۱۴۰۰ ۰۱۰۱ ۱۲۳۴۵"}
    store.add_case(case(person("گل احمد"), documents=[paper]))
    store.add_case(case(person("Gul Ahmad"), documents=[electronic]))
    assert pairs(vault) == [("گل احمد", "Gul Ahmad", 60, ["document"])] or pairs(vault) == [
        ("Gul Ahmad", "گل احمد", 60, ["document"])
    ]


@pytest.mark.parametrize(
    ("other", "why"),
    [
        ({"date_of_birth": {"calendar": "gregorian", "precision": "year", "year": 1996}},
         "10 years"),
        ({"sex": "female"}, "another sex"),
        ({"names": [father("Ghulam Sakhi")]}, "another father, born unknown"),
    ],
)  # fmt: skip
def test_a_name_alone_is_outweighed(vault: Vault, other: dict[str, Any], why: str) -> None:
    store = CaseStore(vault)
    base = {"date_of_birth": SOLAR_1365, "sex": "male", "names": [father("Abdul Rahman")]}
    store.add_case(case(person("Mohammad Noor Ahmadzai", **base)))
    second = {**base, **other}
    if "names" in other:
        second.pop("date_of_birth")
    store.add_case(case(person("Mohammad Noor Ahmadzai", **second)))
    assert pairs(vault) == [], why


def test_one_word_names_need_more_than_the_name(vault: Vault) -> None:
    store = CaseStore(vault)
    store.add_case(case(person("Mohammad")))
    store.add_case(case(person("Muhammad")))
    assert pairs(vault) == []
    store.add_case(case(person("Mohammed", names=[father("Noor")])))
    store.add_case(case(person("Mohammad", names=[father("Nur")])))
    assert [p[3] for p in pairs(vault)] == [["name", "father"]]


def test_people_in_one_case_are_not_proposed(vault: Vault) -> None:
    CaseStore(vault).add_case(case(person("Zarmina Rahimi"), person("Zarmina Rahimi")))
    assert pairs(vault) == []


def test_a_withheld_name_is_not_shown_in_the_reasons(vault: Vault) -> None:
    store = CaseStore(vault)
    store.add_case(case(person("Zarmina Rahimi", name_withheld=True, pseudonym="Witness A")))
    store.add_case(case(person("Zarmina Raheemi")))
    (found,) = duplicates.find_candidates(vault)
    assert {found.a.label, found.b.label} == {"Witness A", "Zarmina Raheemi"}
    text = found.reasons[0].text()
    assert "(withheld)" in text and "Zarmina Rahimi" not in text


def test_dismissed_pairs_are_not_proposed_again_and_nothing_is_merged(vault: Vault) -> None:
    store = CaseStore(vault)
    store.add_case(case(person("Farid Ahmadi")))
    store.add_case(case(person("Fareed Ahmadi")))
    records = vault.conn.execute("SELECT count(*), max(rowid) FROM records").fetchone()
    (found,) = duplicates.find_candidates(vault)
    assert vault.conn.execute("SELECT count(*), max(rowid) FROM records").fetchone() == records
    duplicates.dismiss(vault, found.b.id, found.a.id)  # either order
    assert duplicates.find_candidates(vault) == []
    assert duplicates.dismissed(vault) == {(found.a.id, found.b.id)}
    duplicates.dismiss(vault, found.a.id, found.b.id)  # again: no error, no second row
    assert len(duplicates.dismissed(vault)) == 1
    actions = [r[0] for r in vault.conn.execute("SELECT action FROM audit_log")]
    assert actions.count("duplicate.dismiss") == 2
    # A third spelling in a third case is a new pair, proposed with both.
    store.add_case(case(person("Fareed Ahmady")))
    assert len(duplicates.find_candidates(vault)) == 2


def test_dismissing_needs_two_people(vault: Vault) -> None:
    case_id = CaseStore(vault).add_case(case(person("Farid")))
    person_id = CaseStore(vault).children(case_id, "person")[0].id
    with pytest.raises(InvalidInput):
        duplicates.dismiss(vault, person_id, person_id)
    with pytest.raises(InvalidInput):
        duplicates.dismiss(vault, person_id, "not-an-id")
    with pytest.raises(NotFound):
        duplicates.dismiss(vault, person_id, case_id)  # a case is not a person


def test_as_json(vault: Vault) -> None:
    store = CaseStore(vault)
    store.add_case(case(person("Nasir Ahmad Popal")))
    store.add_case(case(person("Naseer Ahmad Popal")))
    (found,) = duplicates.find_candidates(vault)
    shown = found.as_json()
    assert set(shown) == {"a", "b", "score", "reasons"}
    assert set(shown["a"]) == {"person_id", "case_id", "case", "name"}
    assert shown["reasons"][0]["code"] == "name"
