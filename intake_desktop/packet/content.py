"""What a packet says about a case, read from the vault (no Qt, no PDF).

The cover, the completeness checklist per beneficiary and the exhibits in
their order, each with its letter. The packet's own words are English (what
counsel files with USCIS); case text is carried exactly as stored. With
``withhold`` a person whose name is withheld is named by their pseudonym
only, as a bundle names them for a recipient not cleared for withheld names.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from typing import Any

from ..core import attestations, names
from ..core.cases import CaseStore
from ..core.certification import language_name
from ..core.vault import Vault

IDENTITY_KINDS = ("passport", "tazkira", "e_tazkira")
BENEFICIARY_ROLES = ("beneficiary", "principal")
ROUTE_NAMES = {
    "humanitarian_parole": "Humanitarian parole (Form I-131)",
    "siv": "Special Immigrant Visa",
    "refugee_referral": "Refugee referral",
    "family_petition": "Family petition",
    "other": "Other",
}
CALENDAR_NAMES = {
    "gregorian": "Gregorian",
    "solar_hijri": "Solar Hijri",
    "lunar_hijri": "Lunar Hijri",
}
STATE_WORDS = {
    attestations.VALID: "VALID",
    attestations.VOID: "VOID",
    attestations.UNVERIFIED: "NOT VERIFIED",
    attestations.NONE: "NOT CERTIFIED",
}
WITHHELD = "(name withheld)"


def person_name(person: dict[str, Any] | None, withhold: bool) -> str:
    """A person as the packet names them: the pseudonym alone when their name is withheld."""
    if person is None:
        return "(not recorded)"
    pseudonym = str(person.get("pseudonym") or "")
    if person.get("name_withheld") and withhold:
        return pseudonym or WITHHELD
    listed = person.get("names") or []
    real = str(person.get("full_name") or (listed[0]["text"] if listed else ""))
    if real and pseudonym:
        return f"{real} (pseudonym: {pseudonym})"
    return real or pseudonym or "(unnamed)"


def withheld_texts(people: list[dict[str, Any]]) -> list[str]:
    """Every spelling of every withheld name in the case (what must never be printed)."""
    found = []
    for person in people:
        if person.get("name_withheld"):
            found.append(str(person.get("full_name") or ""))
            found.extend(str(n.get("text") or "") for n in person.get("names") or [])
    return [text for text in found if text.strip()]


def describe_date(value: Any) -> str:
    """A stored date in English: ``1986-04-04 (15/1/1365 Solar Hijri; written "...")``."""
    if not value:
        return ""
    if not isinstance(value, dict):
        return str(value)
    calendar = value.get("calendar") or "gregorian"
    parts = [value.get(k) for k in ("day", "month", "year") if value.get(k)]
    own = "/".join(str(p) for p in parts)
    text = value.get("gregorian") or ""
    if calendar != "gregorian" and own:
        text = f"{text} ({own} {CALENDAR_NAMES.get(calendar, calendar)})".strip()
    elif not text:
        text = own or "unknown"
    if value.get("precision") not in (None, "day"):
        text += f", precision: {value['precision']}"
    if value.get("original_text"):
        text += f"; written: {value['original_text']}"
    return text


@dataclass(frozen=True)
class Exhibit:
    letter: str
    kind: str  # "statement" or "evidence"
    title: str  # one line for the index and the bookmark
    body: dict[str, Any]
    status: attestations.Status | None = None  # a statement's certification


@dataclass(frozen=True)
class CheckItem:
    label: str
    present: bool
    detail: str


@dataclass(frozen=True)
class Checklist:
    beneficiary: str
    facts: str  # date of birth, nationality
    items: tuple[CheckItem, ...]


@dataclass(frozen=True)
class PacketContent:
    case_id: str
    title: str
    route: str
    status: str
    priority: tuple[str, ...]
    beneficiaries: tuple[str, ...]
    prepared_by: str
    prepared_at: str
    vault_name: str
    checklists: tuple[Checklist, ...]
    exhibits: tuple[Exhibit, ...]
    forbidden: tuple[str, ...] = field(default=())  # withheld names, for the tests and checks


def _letters() -> list[str]:
    single = list(string.ascii_uppercase)
    return single + [a + b for a in single for b in single]


def read(vault: Vault, case_id: str, withhold: bool) -> PacketContent:
    doc = CaseStore(vault).document(case_id, checks=False)
    trusted = attestations.trusted_keys(vault)
    people = {p["id"]: p for p in doc["people"]}
    name = {pid: person_name(p, withhold) for pid, p in people.items()}
    letters = iter(_letters())
    exhibits: list[Exhibit] = []
    for statement in doc["statements"]:
        status = attestations.status(statement, attestations.CERTIFICATION, trusted)
        speaker = name.get(statement.get("speaker") or "", "speaker not recorded")
        tag = statement.get("language") or "?"
        title = f"Statement of {speaker} ({language(tag)})"
        if status.state != attestations.NONE:
            title += f", translation certification {STATE_WORDS[status.state].lower()}"
        exhibits.append(Exhibit(next(letters), "statement", title, statement, status))
    by_evidence: dict[str, str] = {}
    for evidence in doc["evidence"]:
        files = evidence.get("attachments") or []
        summary = (evidence.get("description") or "").strip().splitlines()
        first = summary[0] if summary else ""
        title = f"Evidence ({evidence.get('kind') or 'document'}): {first}".rstrip(": ")
        if len(title) > 120:
            title = title[:117] + "..."
        title += f" [{len(files)} file{'s' if len(files) != 1 else ''}]"
        exhibit = Exhibit(next(letters), "evidence", title, evidence)
        by_evidence[evidence["id"]] = exhibit.letter
        exhibits.append(exhibit)
    beneficiaries = [p for p in doc["people"] if p.get("role") in BENEFICIARY_ROLES]
    checklists = tuple(
        _checklist(doc, p, name, exhibits, by_evidence, withhold) for p in beneficiaries
    )
    title = str(doc["title"])
    forbidden = withheld_texts(doc["people"]) if withhold else []
    if withhold and any(names.search_key(t) in names.search_key(title) for t in forbidden):
        pseudonyms = [name[p["id"]] for p in beneficiaries if p.get("name_withheld")]
        title = f"Case of {pseudonyms[0]}" if pseudonyms else f"Case {case_id[:8]}"
    return PacketContent(
        case_id=case_id,
        title=title,
        route=ROUTE_NAMES.get(doc.get("route") or "", "Not recorded"),
        status=str(doc.get("status") or ""),
        priority=tuple(doc.get("priority") or ()),
        beneficiaries=tuple(name[p["id"]] for p in beneficiaries),
        prepared_by=vault.user.name,
        prepared_at=vault.now(),
        vault_name=vault.name,
        checklists=checklists,
        exhibits=tuple(exhibits),
        forbidden=tuple(forbidden),
    )


def language(tag: str) -> str:
    """ "Dari", "Pashto" ... in English (the packet is filed in English)."""
    return language_name(tag)


def _refs(letters: list[str]) -> str:
    return "Exhibit " + ", ".join(letters) if letters else ""


def _checklist(
    doc: dict[str, Any],
    person: dict[str, Any],
    name: dict[str, str],
    exhibits: list[Exhibit],
    by_evidence: dict[str, str],
    withhold: bool,
) -> Checklist:
    pid = person["id"]
    items: list[CheckItem] = []

    documents = [
        d
        for d in doc["identity_documents"]
        if d.get("person") == pid and d.get("kind") in IDENTITY_KINDS
    ]
    scans = [by_evidence[e] for d in documents for e in d.get("evidence") or [] if e in by_evidence]
    kinds = ", ".join(sorted({str(d["kind"]).replace("_", "-") for d in documents}))
    detail = kinds + (f"; scan: {_refs(scans)}" if scans else "; no scan attached" if kinds else "")
    items.append(CheckItem("Identity document (passport or tazkira)", bool(documents), detail))

    claims = [
        c
        for c in doc["claims"]
        if (pid in (c.get("people") or []) or not c.get("people")) and c.get("evidence")
    ]
    urgent = [by_evidence[e] for c in claims for e in c["evidence"] if e in by_evidence]
    claim_kinds = ", ".join(sorted({str(c.get("kind") or "claim") for c in claims}))
    items.append(
        CheckItem(
            "Evidence of the urgent reason (a claim with evidence attached)",
            bool(urgent),
            f"{claim_kinds}: {_refs(sorted(set(urgent)))}" if urgent else "",
        )
    )

    theirs = [
        e for e in exhibits if e.kind == "statement" and e.body.get("speaker") in (pid, None, "")
    ]
    valid = [e.letter for e in theirs if e.status and e.status.state == attestations.VALID]
    other = [
        f"Exhibit {e.letter}: certification {STATE_WORDS[e.status.state].lower()}"
        for e in theirs
        if e.status and e.status.state != attestations.VALID
    ]
    detail = "; ".join(([_refs(valid)] if valid else []) + other)
    items.append(CheckItem("A statement with a valid certified translation", bool(valid), detail))

    consents = [c for c in doc["consents"] if c.get("person") in (pid, None, "")]
    covering = [
        c
        for c in consents
        if "share_with_counsel" in (c.get("scope") or ()) and not c.get("withdrawn_on")
    ]
    withdrawn = [c for c in consents if c.get("withdrawn_on")]
    if covering:
        given = covering[0]
        detail = f"{given.get('form') or ''} consent given {describe_date(given.get('given_on'))}"
    elif withdrawn:
        detail = f"withdrawn {describe_date(withdrawn[0].get('withdrawn_on'))}"
    else:
        detail = ""
    items.append(CheckItem("Consent covering counsel", bool(covering), detail.strip()))

    supporters = [p for p in doc["people"] if p.get("role") == "supporter"]
    items.append(
        CheckItem(
            "A US supporter named for Form I-134",
            bool(supporters),
            ", ".join(name[p["id"]] for p in supporters),
        )
    )
    facts = []
    if person.get("date_of_birth"):
        facts.append(f"born {describe_date(person['date_of_birth'])}")
    if person.get("nationality"):
        facts.append(str(person["nationality"]))
    facts.append(str(person.get("role") or ""))
    return Checklist(name[pid], ", ".join(f for f in facts if f), tuple(items))
