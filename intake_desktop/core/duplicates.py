"""People who may be the same person in two cases, for a person to confirm or dismiss.

A family registered twice (by two caseworkers, or once in Dari and once from
a passport) splits its evidence and can get one member forgotten. This finds
candidate pairs across cases from what the records say:

* names: any name of one matches any name of the other under
  ``names.name_match_keys`` (Dari/Pashto letter variants, Latin spellings);
* father's name (names of kind ``father``), the same way;
* year of birth (from the Gregorian estimate) within two years;
* an identity document number, compared as letters and digits only.

Each pair gets a score and the reasons for it. Nothing is ever merged: the
app shows both people, and "not the same person" is remembered
(``duplicate_dismissals``) so the pair is not proposed again.
"""

from __future__ import annotations

import itertools
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Final

from . import calendars
from .errors import InvalidInput, NotFound
from .fields import is_uuid
from .i18n import N_, _
from .model import display_name
from .names import name_match_keys, search_key
from .vault import Vault

THRESHOLD: Final = 40
BLOCK_LIMIT: Final = 200  # a key shared by more people than this says nothing
YEAR_WINDOW: Final = 2
_IDENTITY_KINDS: Final = frozenset(("full", "alias"))

REASONS: Final = {
    "name": N_("Same name: {a} / {b}"),
    "father": N_("Same father's name: {a} / {b}"),
    "father_differs": N_("Different father's names: {a} / {b}"),
    "birth_year": N_("Born {a} / {b} (within two years)"),
    "birth_year_far": N_("Born {a} / {b} (more than two years apart)"),
    "document": N_("Same document number: {a} / {b}"),
    "sex_differs": N_("Recorded with a different sex"),
}


@dataclass(frozen=True)
class Reason:
    code: str
    a: str = ""
    b: str = ""

    def text(self) -> str:
        return _(REASONS[self.code]).format(a=self.a, b=self.b)

    def as_json(self) -> dict[str, str]:
        return {"code": self.code, "a": self.a, "b": self.b, "text": self.text()}


@dataclass
class Person:
    id: str
    case_id: str
    case_title: str
    label: str  # as screens show it (a pseudonym for a withheld name)
    withheld: bool
    sex: str
    birth_year: int | None
    names: dict[str, str] = field(default_factory=dict)  # match key -> the name as written
    fathers: dict[str, str] = field(default_factory=dict)
    documents: dict[str, str] = field(default_factory=dict)  # normalised number -> as written

    def shown(self, text: str) -> str:
        return _("(withheld)") if self.withheld else text


@dataclass(frozen=True)
class Candidate:
    a: Person
    b: Person
    score: int
    reasons: tuple[Reason, ...]

    def as_json(self) -> dict[str, Any]:
        def side(p: Person) -> dict[str, Any]:
            return {"person_id": p.id, "case_id": p.case_id, "case": p.case_title, "name": p.label}

        return {
            "a": side(self.a),
            "b": side(self.b),
            "score": self.score,
            "reasons": [r.as_json() for r in self.reasons],
        }


def _document_key(number: str) -> str:
    return re.sub(r"[\W_]", "", search_key(number))


def _people(vault: Vault) -> list[Person]:
    titles = dict(vault.conn.execute("SELECT id, title FROM case_list"))
    people: dict[str, Person] = {}
    documents: list[dict[str, Any]] = []
    rows = vault.conn.execute(
        "SELECT id, case_id, kind, body FROM records WHERE deleted = 0"
        " AND kind IN ('person', 'identity_document')"
    )
    for record_id, case_id, kind, body_text in rows:
        body = json.loads(body_text)
        if kind == "identity_document":
            documents.append(body)
            continue
        dob = body.get("date_of_birth") or {}
        estimate = dob.get("gregorian") or calendars.gregorian_estimate(
            dob.get("calendar") or "gregorian",
            dob.get("precision") or "unknown",
            dob.get("year"),
            dob.get("month"),
            dob.get("day"),
        )
        person = Person(
            record_id,
            case_id,
            titles.get(case_id, ""),
            display_name(body),
            bool(body.get("name_withheld")),
            body.get("sex") or "unknown",
            int(estimate[:4]) if estimate else None,
        )
        written = [body.get("full_name") or ""]
        parts: dict[str, str] = {}
        for name in body.get("names") or []:
            if name.get("kind") in _IDENTITY_KINDS:
                written.append(name["text"])
            elif name.get("kind") == "father":
                for key in name_match_keys(name["text"]):
                    person.fathers.setdefault(key, name["text"])
            elif name.get("kind") in ("given", "family"):
                parts.setdefault(name["kind"], name["text"])
        if len(parts) == 2:
            written.append(f"{parts['given']} {parts['family']}")
        for text in written:
            for key in name_match_keys(text) if text.strip() else ():
                person.names.setdefault(key, text)
        people[record_id] = person
    for body in documents:
        owner = people.get(body.get("person") or "")
        number = body.get("number") or ""
        if owner is not None and len(_document_key(number)) >= 4:
            owner.documents.setdefault(_document_key(number), number)
    return list(people.values())


def _score(a: Person, b: Person) -> tuple[int, list[Reason]]:
    score, reasons = 0, []
    shared_docs = sorted(set(a.documents) & set(b.documents))
    if shared_docs:
        score += 60
        key = shared_docs[0]
        reasons.append(Reason("document", a.shown(a.documents[key]), b.shown(b.documents[key])))
    shared = sorted(set(a.names) & set(b.names))
    if shared:
        key = shared[0]
        multiword = len(a.names[key].split()) > 1 or len(b.names[key].split()) > 1
        score += 40 if multiword else 25
        reasons.append(Reason("name", a.shown(a.names[key]), b.shown(b.names[key])))
    if a.fathers and b.fathers:
        same = sorted(set(a.fathers) & set(b.fathers))
        if same:
            score += 20
            key = same[0]
            reasons.append(Reason("father", a.shown(a.fathers[key]), b.shown(b.fathers[key])))
        else:
            score -= 15
            first_a, first_b = next(iter(a.fathers.values())), next(iter(b.fathers.values()))
            reasons.append(Reason("father_differs", a.shown(first_a), b.shown(first_b)))
    if a.birth_year is not None and b.birth_year is not None:
        years = (str(a.birth_year), str(b.birth_year))
        if abs(a.birth_year - b.birth_year) <= YEAR_WINDOW:
            score += 20 if a.birth_year == b.birth_year else 15
            reasons.append(Reason("birth_year", *years))
        else:
            score -= 40
            reasons.append(Reason("birth_year_far", *years))
    if "unknown" not in (a.sex, b.sex) and a.sex != b.sex:
        score -= 50
        reasons.append(Reason("sex_differs"))
    return score, reasons


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


def dismissed(vault: Vault) -> set[tuple[str, str]]:
    return {
        (a, b) for a, b in vault.conn.execute("SELECT person_a, person_b FROM duplicate_dismissals")
    }


def find_candidates(vault: Vault, limit: int = 1000) -> list[Candidate]:
    """Pairs of people in different cases who may be the same, best first."""
    people = _people(vault)
    blocks: dict[str, list[int]] = defaultdict(list)
    for index, person in enumerate(people):
        for key in {*person.names, *("doc:" + d for d in person.documents)}:
            blocks[key].append(index)
    pairs: set[tuple[int, int]] = set()
    for members in blocks.values():
        if len(members) <= BLOCK_LIMIT:
            pairs.update(itertools.combinations(sorted(members), 2))
    skip = dismissed(vault)
    found = []
    for i, j in pairs:
        a, b = sorted((people[i], people[j]), key=lambda p: p.id)
        if a.case_id == b.case_id or (a.id, b.id) in skip:
            continue
        score, reasons = _score(a, b)
        if score >= THRESHOLD:
            found.append(Candidate(a, b, score, tuple(reasons)))
    found.sort(key=lambda c: (-c.score, c.a.label, c.b.label, c.a.id, c.b.id))
    return found[:limit]


def dismiss(vault: Vault, person_a: str, person_b: str) -> None:
    """Remember that these two are not the same person (both must be people)."""
    if person_a == person_b or not (is_uuid(person_a) and is_uuid(person_b)):
        raise InvalidInput(N_("Name two different people."))
    for person in (person_a, person_b):
        row = vault.conn.execute(
            "SELECT 1 FROM records WHERE id = ? AND kind = 'person' AND deleted = 0", (person,)
        ).fetchone()
        if row is None:
            raise NotFound(N_("No {kind} with id {id}."), kind="person", id=person)
    first, second = _pair(person_a, person_b)
    with vault.transaction():
        vault.conn.execute(
            "INSERT INTO duplicate_dismissals (person_a, person_b, dismissed_at, dismissed_by)"
            " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (first, second, vault.now(), vault.user.name),
        )
        vault.audit("duplicate.dismiss", "person", first)
