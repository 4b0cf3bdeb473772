"""The command line for certified translations, read-backs, dates and duplicate people.

``statement certify`` (translators), ``statement read-back`` (caseworkers),
what ``case show`` says about them and about birth dates, ``duplicates``.
"""

from __future__ import annotations

import copy
import time
from typing import Any

import pytest

from intake_desktop.core.clock import stamp, utc_now
from tests.cli.support import RECOVERY_CODE, add_case, fails, ok, ok_json, show
from tests.helpers import MINIMAL_CASE

CASEWORKER_PASSPHRASE = "caseworker passphrase for tests"

DOCUMENT: dict[str, Any] = {
    **copy.deepcopy(MINIMAL_CASE),
    "people": [
        {
            "id": "p1",
            "full_name": "Mohammed Noor Ahmedzai",
            "date_of_birth": {
                "calendar": "solar_hijri",
                "precision": "day",
                "year": 1365,
                "month": 1,
                "day": 1,
                "original_text": "۱ حمل ۱۳۶۵",
            },
        }
    ],
}


@pytest.fixture
def translator_env(cli_env: dict[str, str]) -> dict[str, str]:
    out = ok("vault", "init", "--role", "translator", "--user", "zarghuna", env=cli_env)
    # A translator may not add users (docs/roles.md): the tests that need a
    # caseworker add one with the recovery code.
    (code,) = RECOVERY_CODE.findall(out)
    return {**cli_env, "INTAKE_RECOVERY_CODE": code}


def statement_id(env: dict[str, str], case_id: str) -> str:
    return str(show(env, case_id)["statements"][0]["id"])


def test_a_translator_certifies_and_case_show_says_so(translator_env: dict[str, str]) -> None:
    env = translator_env
    case_id = add_case(env, DOCUMENT)
    sid = statement_id(env, case_id)
    out = ok(
        "statement", "certify", sid, "--name", "Zarghuna Safi", "--address", "Kabul",
        "--phone", "+93 700 123 456", env=env,
    )  # fmt: skip
    said, signer = out.splitlines()
    assert said.startswith("Certified by Zarghuna Safi on ") and said.endswith("(valid)")
    # Signed with the translator's own key, whose fingerprint user list shows.
    (me,) = [
        u for u in ok_json("vault", "user", "list", "--json", env=env) if u["role"] == "translator"
    ]
    assert signer == f"Signed with {me['name']}'s own key {me['fingerprint']}"
    doc = show(env, case_id)
    checks = doc["statements"][0]["checks"]
    assert checks["certification"]["state"] == "valid"
    assert checks["certification"]["by"] == "Zarghuna Safi"
    assert checks["certification"]["signer"] == "user"
    assert checks["certification"]["fingerprint"] == me["fingerprint"]
    assert checks["read_back"] == {"state": "none"}
    assert doc["statements"][0]["certification"]["translator"]["phone"] == "+93 700 123 456"
    assert doc["people"][0]["checks"] == {"date_of_birth_placeholder": True}
    human = ok("case", "show", case_id, env=env)
    assert "Certified by Zarghuna Safi" in human and "Not read back to the speaker yet" in human
    assert f"own key {me['fingerprint']}" in human
    assert "born 1 Hamal 1365 (Solar Hijri) = 1986-03-21" in human
    assert "possibly a placeholder" in human
    # The next certificate starts from the last details: no options needed. It
    # is stamped to the second, and the same certificate again is no new
    # version: wait for the next second (the command runs in well under one).
    first_at = doc["statements"][0]["certification"]["certified_at"]
    while stamp(utc_now()) <= first_at:
        time.sleep(0.02)
    again = ok_json("statement", "certify", sid, "--json", env=env)
    assert again["certification"]["state"] == "valid"
    assert again["version"] == 3
    # case show --json can be added again, certification and all (same vault).
    copied = add_case(env, doc)
    assert show(env, copied)["statements"][0]["checks"]["certification"]["state"] == "valid"


def test_roles_are_enforced(translator_env: dict[str, str]) -> None:
    env = translator_env
    sid = statement_id(env, add_case(env, DOCUMENT))
    line = fails("statement", "read-back", sid, "--read-by", "Z", env=env, code=13)
    assert "Only a caseworker" in line
    adding = {**env, "INTAKE_NEW_PASSPHRASE": CASEWORKER_PASSPHRASE}
    fails("vault", "user", "add", "farida", "--role", "caseworker", env=adding, code=13)
    ok("vault", "user", "add", "farida", "--role", "caseworker", "--recovery", env=adding)
    caseworker = {**env, "INTAKE_PASSPHRASE": CASEWORKER_PASSPHRASE}
    line = fails("statement", "certify", sid, "--name", "Farida", env=caseworker, code=13)
    assert "Only a translator" in line
    out = ok_json(
        "statement", "read-back", sid, "--read-by", "Farida Rahimi", "--json", env=caseworker
    )
    assert out["read_back"]["state"] == "valid" and out["read_back"]["language"] == "fa-AF"


def test_certify_needs_a_name_the_first_time(translator_env: dict[str, str]) -> None:
    sid = statement_id(translator_env, add_case(translator_env, DOCUMENT))
    line = fails("statement", "certify", sid, env=translator_env, code=6)
    assert "--name" in line
    fails("statement", "certify", "no-such-id", "--name", "Z", env=translator_env, code=10)


def test_search_by_another_latin_spelling(translator_env: dict[str, str]) -> None:
    case_id = add_case(translator_env, DOCUMENT)
    found = ok_json("case", "list", "--json", "--search", "Muhammad Nur", env=translator_env)
    assert [row["id"] for row in found] == [case_id]


def test_duplicates_listed_and_dismissed(vault_env: dict[str, str]) -> None:
    first = add_case(vault_env, DOCUMENT)
    second = copy.deepcopy(DOCUMENT)
    second["people"][0]["full_name"] = "Muhammad Nur Ahmadzay"
    other = add_case(vault_env, second)
    (pair,) = ok_json("duplicates", "--json", env=vault_env)
    assert {pair["a"]["case_id"], pair["b"]["case_id"]} == {first, other}
    assert [r["code"] for r in pair["reasons"]] == ["name", "birth_year"]
    human = ok("duplicates", env=vault_env)
    assert "Same name:" in human and "Mohammed Noor Ahmedzai" in human
    a, b = pair["a"]["person_id"], pair["b"]["person_id"]
    assert ok("duplicates", "dismiss", a, b, env=vault_env) == ""
    assert ok_json("duplicates", "--json", env=vault_env) == []
    fails("duplicates", "dismiss", pair["a"]["person_id"], first, env=vault_env, code=10)
