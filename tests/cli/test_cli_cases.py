"""The command line as a contract, part 2: cases (DESIGN.md "The command line").

``case add | list | show`` and ``attach``: what they print, the round trip
through ``case show --json``, search in Dari and Latin script, refusing bad
input without changing the vault, and keeping case content off the disk.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import uuid
from pathlib import Path
from typing import Any

import pytest

from intake_desktop.core.names import search_key
from tests.cli.support import (
    NEW_PASSPHRASE,
    add_case,
    assert_unchanged,
    case_list,
    describe,
    fails,
    ok,
    ok_json,
    run,
    show,
    state,
)
from tests.helpers import MINIMAL_CASE, PASSPHRASE

SYSTEM = ("id", "version", "created_at", "updated_at", "updated_by")
CHILD_LISTS = (
    "people",
    "relationships",
    "identity_documents",
    "claims",
    "evidence",
    "interviews",
    "statements",
    "consents",
)

# case add / show


def test_add_minimal_case_prints_only_its_id(vault_env: dict[str, str]) -> None:
    case_id = add_case(vault_env, MINIMAL_CASE)
    doc = show(vault_env, case_id)
    assert doc["id"] == case_id
    assert doc["version"] == 1
    assert doc["title"] == MINIMAL_CASE["title"]
    assert doc["route"] == "humanitarian_parole"
    assert doc["status"] == "intake"
    assert [p["full_name"] for p in doc["people"]] == ["محمد نور احمدزی"]
    assert doc["people"][0]["role"] == "beneficiary"
    (statement,) = doc["statements"]
    assert (statement["language"], statement["text"]) == ("fa-AF", "ما از کابل آمدیم")
    assert statement["translation"]["text"] == "We came from Kabul"
    for plural in CHILD_LISTS:
        assert isinstance(doc[plural], list), plural


def test_add_from_a_file(vault_env: dict[str, str], tmp_path: Path) -> None:
    source = tmp_path / "case.json"
    source.write_text(json.dumps(MINIMAL_CASE, ensure_ascii=False), encoding="utf-8")
    out = ok("case", "add", "--json", str(source), env=vault_env)
    assert out.count("\n") == 1
    case_id = out.strip()
    assert str(uuid.UUID(case_id)) == case_id
    assert [c["id"] for c in case_list(vault_env)] == [case_id]


def test_case_show_text(vault_env: dict[str, str]) -> None:
    case_id = add_case(vault_env, MINIMAL_CASE)
    out = ok("case", "show", case_id, env=vault_env)
    assert MINIMAL_CASE["title"] in out
    assert case_id in out
    assert "محمد نور احمدزی" in out


@pytest.mark.parametrize("case_id", ["uuid", "not-a-uuid", ""])
def test_show_unknown_case(vault_env: dict[str, str], case_id: str) -> None:
    add_case(vault_env, MINIMAL_CASE)
    wanted = str(uuid.uuid4()) if case_id == "uuid" else case_id
    fails("case", "show", wanted, env=vault_env, code=10)
    fails("case", "show", wanted, "--json", env=vault_env, code=10)


FULL_CASE: dict[str, Any] = {
    "title": "Karimi family, Herat",
    "route": "siv",
    "status": "in_review",
    "priority": ["medical", "targeted_harm"],
    "external_ref": "SIV-2023-0042",
    "notes": "Two lines\nof notes",
    "people": [
        {
            "id": "11111111-1111-4111-8111-111111111111",
            "full_name": "احمد کریمی",
            "role": "principal",
            "names": [
                {"text": "احمد کریمی", "script": "arabic", "kind": "full", "language": "fa"},
                {"text": "Ahmad Karimi", "script": "latin", "kind": "full"},
            ],
            "sex": "male",
            "date_of_birth": {
                "calendar": "solar_hijri",
                "precision": "year",
                "year": 1360,
                "original_text": "۱۳۶۰",
            },
            "languages": ["fa-AF", "ps"],
        },
        {
            "id": "22222222-2222-4222-8222-222222222222",
            "name_withheld": True,
            "pseudonym": "Witness A",
            "role": "witness",
        },
    ],
    "relationships": [
        {
            "person": "11111111-1111-4111-8111-111111111111",
            "relative": "22222222-2222-4222-8222-222222222222",
            "kind": "sibling",
        }
    ],
    "identity_documents": [
        {"person": "11111111-1111-4111-8111-111111111111", "kind": "tazkira", "number": "1399-0101"}
    ],
    "claims": [
        {
            "kind": "targeted_harm",
            "summary": "Threat letter",
            "urgency": "high",
            "people": ["11111111-1111-4111-8111-111111111111"],
        }
    ],
    "interviews": [
        {
            "id": "33333333-3333-4333-8333-333333333333",
            "date": "2024-03-01",
            "place": "Herat",
            "people": ["22222222-2222-4222-8222-222222222222"],
        }
    ],
    "statements": [
        {
            "speaker": "22222222-2222-4222-8222-222222222222",
            "interview": "33333333-3333-4333-8333-333333333333",
            "language": "fa-AF",
            "text": "او را تهدید کردند",
            "translation": {"language": "en", "text": "They threatened him", "translator": "T."},
        }
    ],
    "consents": [
        {
            "person": "11111111-1111-4111-8111-111111111111",
            "scope": ["share_with_counsel"],
            "form": "written",
            "given_on": "2024-03-01",
        }
    ],
}


def _without_ids(doc: dict[str, Any], mapping: dict[str, str]) -> dict[str, Any]:
    """The document with system fields dropped and record ids translated by ``mapping``."""

    def walk(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items() if k not in SYSTEM}
        if isinstance(value, list):
            return [walk(v) for v in value]
        return mapping.get(value, value) if isinstance(value, str) else value

    return dict(walk(doc))


def test_round_trip_through_case_show(vault_env: dict[str, str], tmp_path: Path) -> None:
    first_id = add_case(vault_env, FULL_CASE)
    scan = tmp_path / "letter.pdf"
    scan.write_bytes(b"%PDF-1.7\n" + os.urandom(5000))
    ok("attach", first_id, str(scan), "--description", "threat letter", env=vault_env)
    first = show(vault_env, first_id)
    assert len(first["evidence"]) == 1

    second_id = add_case(vault_env, first)  # exactly what `case show --json` printed
    assert second_id != first_id
    second = show(vault_env, second_id)

    # Every record got a new id; references follow them to the new case's own records.
    mapping = {first_id: second_id}
    for plural in CHILD_LISTS:
        assert len(second[plural]) == len(first[plural]), plural
        for old, new in zip(first[plural], second[plural], strict=True):
            assert old["id"] != new["id"]
            mapping[old["id"]] = new["id"]
    assert _without_ids(first, mapping) == _without_ids(second, {})

    people = [p["id"] for p in second["people"]]
    assert second["statements"][0]["speaker"] == people[1]
    assert second["statements"][0]["interview"] == second["interviews"][0]["id"]
    assert second["relationships"][0]["person"] == people[0]
    assert second["claims"][0]["people"] == [people[0]]
    assert set(people).isdisjoint(p["id"] for p in first["people"])
    assert second["version"] == 1
    # Spot checks against the input itself (the comparison above is only old vs new).
    assert second["people"][0]["date_of_birth"]["original_text"] == "۱۳۶۰"
    assert second["priority"] == ["targeted_harm", "medical"]  # normalised order
    assert second["evidence"][0]["attachments"] == first["evidence"][0]["attachments"]
    assert sorted(c["id"] for c in case_list(vault_env)) == sorted([first_id, second_id])


def test_dari_text_round_trips_exactly(vault_env: dict[str, str]) -> None:
    title = "پرونده\u200cی خانوادهٔ مُحَمَّد — ۱۴۰۲"  # ZWNJ, hamza above, harakat, digits
    people = [
        {"full_name": "علي كريمي", "role": "beneficiary"},  # Arabic yeh and kaf, kept as typed
        {"full_name": "ګلالۍ ځدراڼ", "role": "family_member"},  # Pashto letters
        {"full_name": "\u200fزرغونه\u200f", "role": "witness"},  # RLM marks
    ]
    text = "ما از کابل آمدیم.\nسپس به هرات رفتیم.\tپایان"
    doc = {"title": title, "route": "other", "people": people, "statements": []}
    doc["statements"] = [{"language": "fa-AF", "text": text}]
    case_id = add_case(vault_env, doc)
    for env in (vault_env, {**vault_env, "LC_ALL": "C", "LANG": "C"}):
        shown = show(env, case_id)
        assert shown["title"] == title
        assert [p["full_name"] for p in shown["people"]] == [p["full_name"] for p in people]
        assert shown["statements"][0]["text"] == text
        (listed,) = case_list(env)
        assert listed["title"] == title
    out = ok("case", "show", case_id, env=vault_env)
    assert out.splitlines()[0] == title  # the text view keeps ZWNJ and harakat too


def test_text_output_escapes_terminal_controls(vault_env: dict[str, str]) -> None:
    title = "Karimi \u202efamily\u202c \u2066x\u2069"  # bidi override and isolate
    case_id = add_case(vault_env, {**MINIMAL_CASE, "title": title})
    for out in (ok("case", "list", env=vault_env), ok("case", "show", case_id, env=vault_env)):
        assert "\u202e" not in out and "\u2066" not in out
        assert "\\u202e" in out and "\\u2066" in out
    assert show(vault_env, case_id)["title"] == title  # JSON keeps the text exactly
    # C0 and C1 controls (ESC, the one-byte CSI) are refused outright.
    for control in ("\x1b[2J", "\x9b2J"):
        doc = json.dumps({**MINIMAL_CASE, "title": f"Karimi {control}"}).encode()
        assert "title" in fails("case", "add", "--json", "-", env=vault_env, code=6, input=doc)


# case list and search


def test_case_list_json_and_text(vault_env: dict[str, str]) -> None:
    assert case_list(vault_env) == []
    assert ok("case", "list", env=vault_env) == ""
    ids = {add_case(vault_env, {**MINIMAL_CASE, "title": f"Case {n}"}) for n in range(3)}
    rows = case_list(vault_env)
    assert {r["id"] for r in rows} == ids
    assert {r["title"] for r in rows} == {"Case 0", "Case 1", "Case 2"}
    lines = ok("case", "list", env=vault_env).splitlines()
    assert len(lines) == 3
    assert {line.split()[0] for line in lines} == ids


@pytest.fixture
def people_env(vault_env: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """Three cases: Persian letters, Arabic letters, and Latin script only."""
    ids = {
        "persian": add_case(
            vault_env,
            {
                "title": "Karimi family",
                "route": "siv",
                "status": "ready",
                "people": [{"full_name": "علی کریمی", "role": "principal"}],
            },
        ),
        "arabic": add_case(
            vault_env,
            {
                "title": "Case two",
                "route": "humanitarian_parole",
                "people": [{"full_name": "علي مكي", "role": "beneficiary"}],
            },
        ),
        "latin": add_case(
            vault_env,
            {
                "title": "Nazari household",
                "route": "humanitarian_parole",
                "status": "ready",
                "external_ref": "REF-7781",
                "people": [{"full_name": "Fawad Rahimi", "role": "beneficiary"}],
            },
        ),
    }
    return vault_env, ids


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("علي", {"persian", "arabic"}),  # Arabic yeh finds the Persian spelling too
        ("علی", {"persian", "arabic"}),  # and the other way round
        ("كريمي", {"persian"}),  # Arabic kaf and yeh
        ("مکی", {"arabic"}),  # Persian kaf and yeh find the Arabic spelling
        ("RAHIMI", {"latin"}),  # Latin, case-insensitively
        ("rahimi", {"latin"}),
        ("Fawad rah", {"latin"}),  # every word, the last one a prefix
        ("Zzyzx", set()),
        ("KARIMI", {"persian"}),  # the case title
        ("nazari", {"latin"}),
        ("Naz", {"latin"}),  # a prefix of the title
        ("REF-7781", {"latin"}),  # the external reference
    ],
)
def test_search(
    people_env: tuple[dict[str, str], dict[str, str]], query: str, expected: set[str]
) -> None:
    env, ids = people_env
    found = {r["id"] for r in case_list(env, "--search", query)}
    assert found == {ids[name] for name in expected}


def test_list_filters(people_env: tuple[dict[str, str], dict[str, str]]) -> None:
    env, ids = people_env
    ready = {r["id"] for r in case_list(env, "--status", "ready")}
    assert ready == {ids["persian"], ids["latin"]}
    parole = {r["id"] for r in case_list(env, "--route", "humanitarian_parole")}
    assert parole == {ids["arabic"], ids["latin"]}
    both = case_list(env, "--status", "ready", "--route", "humanitarian_parole")
    assert [r["id"] for r in both] == [ids["latin"]]
    assert case_list(env, "--status", "closed") == []
    searched = case_list(env, "--search", "علي", "--route", "siv")
    assert [r["id"] for r in searched] == [ids["persian"]]
    for row in case_list(env, "--status", "ready"):
        assert row["status"] == "ready"


# attach


@pytest.mark.parametrize(
    ("name", "head", "media_type", "kind"),
    [
        ("scan.dat", b"\x89PNG\r\n\x1a\n", "image/png", "photo"),
        ("letter.jpg", b"%PDF-1.5\n", "application/pdf", "document"),  # content beats name
    ],
)
def test_attach(
    vault_env: dict[str, str], tmp_path: Path, name: str, head: bytes, media_type: str, kind: str
) -> None:
    case_id = add_case(vault_env, MINIMAL_CASE)
    data = head + os.urandom(3 * 1024 * 1024 + 17)  # more than one storage chunk
    path = tmp_path / name
    path.write_bytes(data)
    out = ok("attach", case_id, str(path), env=vault_env)
    evidence_id = out.removesuffix("\n")
    assert out == evidence_id + "\n" and str(uuid.UUID(evidence_id)) == evidence_id
    (evidence,) = show(vault_env, case_id)["evidence"]
    assert evidence["id"] == evidence_id
    assert evidence["kind"] == kind
    assert evidence["attachments"] == [
        {
            "sha256": hashlib.sha256(data).hexdigest(),
            "filename": name,
            "media_type": media_type,
            "size": len(data),
        }
    ]
    report = ok_json("vault", "check", "--json", env=vault_env)
    assert report["ok"] is True


def test_attach_a_missing_file(vault_env: dict[str, str], tmp_path: Path) -> None:
    case_id = add_case(vault_env, MINIMAL_CASE)
    before = state(vault_env)
    fails("attach", case_id, str(tmp_path / "nope.pdf"), env=vault_env, code=6)
    fails("attach", case_id, str(tmp_path), env=vault_env, code=6)  # a folder
    assert_unchanged(vault_env, before)


@pytest.mark.parametrize("case_id", ["uuid", "not-a-uuid"])
def test_attach_to_an_unknown_case(vault_env: dict[str, str], tmp_path: Path, case_id: str) -> None:
    add_case(vault_env, MINIMAL_CASE)
    path = tmp_path / "scan.pdf"
    path.write_bytes(b"%PDF-1.4\n" + os.urandom(100))
    before = state(vault_env)
    wanted = str(uuid.uuid4()) if case_id == "uuid" else case_id
    fails("attach", wanted, str(path), env=vault_env, code=10)
    assert_unchanged(vault_env, before, unlock_allowed=True)
    assert "0 attachment(s)" in ok("vault", "check", env=vault_env)


# Bad documents


def _doc(**changes: Any) -> bytes:
    doc = copy.deepcopy(MINIMAL_CASE)
    for key, value in changes.items():
        if value is None:
            del doc[key]
        else:
            doc[key] = value
    return json.dumps(doc).encode()


def _person(**changes: Any) -> dict[str, Any]:
    return {"full_name": "محمد نور احمدزی", "role": "beneficiary", **changes}


def _statement(**changes: Any) -> dict[str, Any]:
    return {"language": "fa-AF", "text": "ما از کابل آمدیم", **changes}


# (id, document bytes, a word the message must hold, refused before unlocking: True,
# False while the bug below lasts, None when only the vault can tell)
BAD_DOCUMENTS = [
    ("malformed", b'{"title": "x", "route": ', "JSON", True),
    ("empty", b"", "JSON", True),
    ("not-utf8", b'{"title": "\xff\xfe", "route": "siv"}', "JSON", True),
    ("array", json.dumps([MINIMAL_CASE]).encode(), "object", False),
    ("string", b'"a case"', "object", False),
    ("unknown-field", _doc(colour="blue"), "colour", False),
    ("unknown-nested", _doc(people=[_person(eye_colour="brown")]), "eye_colour", False),
    ("wrong-type", _doc(title=["Ahmadzai"]), "title", False),
    ("wrong-type-nested", _doc(people=[_person(full_name=42)]), "people[0].full_name", False),
    ("list-not-list", _doc(people={"full_name": "x"}), "people", False),
    ("bad-enum", _doc(route="asylum"), "route", False),
    ("bad-enum-nested", _doc(people=[_person(role="uncle")]), "people[0].role", False),
    ("missing-title", _doc(title=None), "title", False),
    ("blank-title", _doc(title="   "), "title", False),
    ("bad-date", _doc(statements=[_statement(date="2024-02-30")]), "statements[0].date", False),
    (
        "unknown-speaker",
        _doc(statements=[_statement(speaker=str(uuid.uuid4()))]),
        "statements[0].speaker",
        False,
    ),
    (
        "speaker-is-a-statement",
        _doc(
            statements=[
                _statement(id="44444444-4444-4444-8444-444444444444"),
                _statement(speaker="44444444-4444-4444-8444-444444444444"),
            ]
        ),
        "speaker",
        False,
    ),
    (
        "attachment-not-in-vault",
        _doc(evidence=[{"attachments": [{"sha256": "ab" * 32}]}]),
        "attachments",
        None,  # needs the vault: only it knows which attachments it holds
    ),
]


@pytest.fixture(scope="module")
def shared_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """One vault holding one case, shared by the bad-document tests (like ``cli_env``).

    Sharing is safe: each test compares the vault before and after its own command.
    """
    root = tmp_path_factory.mktemp("shared")
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTAKE_")}
    env.update(
        INTAKE_VAULT=str(root / "vault"),
        INTAKE_PASSPHRASE=PASSPHRASE,
        INTAKE_KDF_TARGET_MS="0",
        HOME=str(root / "home"),
        XDG_DATA_HOME=str(root / "home" / "data"),
        TMPDIR=str(root / "tmp"),
    )
    (root / "tmp").mkdir()
    ok("vault", "init", env=env)
    add_case(env, MINIMAL_CASE)
    return env


@pytest.mark.parametrize(
    ("document", "names"),
    [pytest.param(doc, word, id=name) for name, doc, word, _early in BAD_DOCUMENTS],
)
def test_bad_document_is_refused(shared_env: dict[str, str], document: bytes, names: str) -> None:
    before = state(shared_env)
    line = fails("case", "add", "--json", "-", env=shared_env, code=6, input=document)
    assert names in line
    assert_unchanged(shared_env, before, unlock_allowed=True)


@pytest.mark.parametrize(
    "document",
    [pytest.param(doc, id=name) for name, doc, _word, early in BAD_DOCUMENTS if early is not None],
)
def test_bad_document_is_refused_before_unlocking(
    shared_env: dict[str, str], document: bytes
) -> None:
    before = state(shared_env)
    fails("case", "add", "--json", "-", env=shared_env, code=6, input=document)
    assert_unchanged(shared_env, before)


def test_missing_json_file(vault_env: dict[str, str], tmp_path: Path) -> None:
    before = state(vault_env)
    missing = tmp_path / "missing.json"
    line = fails("case", "add", "--json", str(missing), env=vault_env, code=6)
    assert str(missing) in line
    fails("case", "add", "--json", str(tmp_path), env=vault_env, code=6)  # a folder
    assert_unchanged(vault_env, before)


def test_error_line_stays_one_line_with_controls_in_the_input(
    vault_env: dict[str, str], tmp_path: Path
) -> None:
    # A field name or a path is echoed in the message; a newline or an escape
    # sequence in it must not split the line or reach the terminal raw.
    for key in ("a\nb", "\x1b[2J\x1b[31mred", "x\u202egnp.exe"):
        doc = json.dumps({**MINIMAL_CASE, key: 1}).encode()
        line = fails("case", "add", "--json", "-", env=vault_env, code=6, input=doc)
        assert "\x1b" not in line and "\u202e" not in line
    odd = tmp_path / "new\nline.json"
    line = fails("case", "add", "--json", str(odd), env=vault_env, code=6)
    assert "\\u000a" in line


# Privacy


def test_case_content_and_passphrase_never_reach_disk_or_stderr(
    vault_env: dict[str, str], vault_path: Path, tmp_path: Path
) -> None:
    sentinels = ["SentinelTitle7Q", "SentinelName3XZ", "SentinelStatementK9", "زرغونهٔسنتینل"]
    title, name, said, dari = sentinels
    stderr: list[bytes] = []

    def step(*args: str, code: int = 0, input: bytes | None = None, env: Any = None) -> str:
        result = run(*args, env=env or vault_env, input=input)
        assert result.returncode == code, describe(result)
        stderr.append(result.stderr)
        return result.stdout.decode()

    document = {
        "title": f"{title} {dari}",
        "route": "siv",
        "people": [
            {"full_name": f"{name} {dari}", "role": "principal", "contact": f"{name} phone"},
            {"names": [{"text": dari, "script": "arabic"}], "role": "family_member"},
        ],
        "statements": [
            {
                "language": "fa-AF",
                "text": f"{said} {dari} ما از کابل آمدیم",
                "translation": {"language": "en", "text": f"{said} translated"},
            }
        ],
    }
    case_id = step("case", "add", "--json", "-", input=json.dumps(document).encode()).strip()
    attachment = tmp_path / "inputs" / "scan.png"
    attachment.parent.mkdir()
    attachment.write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(2000))
    step("attach", case_id, str(attachment), "--description", f"{said} description")
    assert title in step("case", "list")
    assert case_id in step("case", "list", "--search", dari, "--json")
    assert case_id in step("case", "list", "--search", name)
    assert dari in step("case", "show", case_id, "--json")
    step("case", "show", case_id)
    step("vault", "check")
    step("vault", "audit", "--json")
    # Failures with case content in the input: messages name fields, never values.
    for bad in (
        {**document, "route": title},
        {**document, "status": dari},
        {**document, "people": [{"full_name": name, "role": "principal", "sex": said}]},
        {**document, "statements": [{"language": "fa-AF", "text": said, "speaker": dari}]},
    ):
        step("case", "add", "--json", "-", code=6, input=json.dumps(bad).encode())
        step("--debug", "case", "add", "--json", "-", code=6, input=json.dumps(bad).encode())
    step("case", "add", "--json", "-", code=6, input=f'{{"title": "{title}", '.encode())
    step("case", "list", code=4, env={**vault_env, "INTAKE_PASSPHRASE": f"{title} wrong"})
    step("vault", "passwd", env={**vault_env, "INTAKE_NEW_PASSPHRASE": NEW_PASSPHRASE})
    step("case", "list", env={**vault_env, "INTAKE_PASSPHRASE": NEW_PASSPHRASE})

    secrets = [*sentinels, PASSPHRASE, NEW_PASSPHRASE]
    needles = set()
    for secret in secrets:
        for form in (secret, secret.lower(), search_key(secret)):
            needles |= {form.encode("utf-8"), form.encode("utf-16-le"), form.encode("utf-16-be")}
    for err in stderr:
        for needle in needles:
            assert needle not in err, (needle, err)
    scanned = [p for p in (vault_path, tmp_path / "tmp", tmp_path / "home") if p.exists()]
    vault_files = [p for p in vault_path.rglob("*") if p.is_file()]
    assert {p.name for p in vault_files} >= {"vault.db", "keyslots.json"}
    for root in scanned:
        for path in [root, *root.rglob("*")]:
            if path.is_file():
                content = path.read_bytes()
                for needle in needles:
                    assert needle not in content, (needle, path)
    assert not list((tmp_path / "tmp").iterdir())  # no temporary copies left behind
    assert vault_path.stat().st_mode & 0o777 == 0o700
    for path in vault_path.rglob("*"):
        expected = 0o700 if path.is_dir() else 0o600
        assert path.stat().st_mode & 0o777 == expected, path
