"""Certified translations and read-backs on real vaults: who may, what voids them, signatures."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from intake_desktop.core import attestations, certification, user_keys
from intake_desktop.core.attestations import CERTIFICATION, READ_BACK, UNVERIFIED, VALID, VOID
from intake_desktop.core.cases import CaseStore, prepare_case
from intake_desktop.core.certification import TranslatorDetails
from intake_desktop.core.errors import InvalidInput, NotPermitted, StaleEdit
from intake_desktop.core.model import KINDS, validate
from intake_desktop.core.records import RecordStore
from intake_desktop.core.trust import TrustStore
from intake_desktop.core.vault import Vault
from tests.helpers import MINIMAL_CASE, PASSPHRASE, make_vault

ZARGHUNA = TranslatorDetails("Zarghuna Safi", "House 12, Karte Char\nKabul", "+93 700 123 456")
CASEWORKER_PASSPHRASE = "caseworker passphrase for tests"


@pytest.fixture
def translator(tmp_path: Path) -> Iterator[Vault]:
    vault, code = make_vault(tmp_path / "vault", user_name="zarghuna", role="translator")
    # A translator may not add users (docs/roles.md); the recovery code may.
    with Vault.open_with_recovery(vault.path, code) as recovery:
        recovery.add_user("farida", "caseworker", CASEWORKER_PASSPHRASE)
    yield vault
    vault.close()


@pytest.fixture
def caseworker(translator: Vault) -> Iterator[Vault]:
    vault = Vault.open(translator.path, CASEWORKER_PASSPHRASE)
    yield vault
    vault.close()


def statement_of(vault: Vault, case_id: str) -> str:
    return CaseStore(vault).children(case_id, "statement")[0].id


@pytest.fixture
def statement(translator: Vault) -> str:
    return statement_of(translator, CaseStore(translator).add_case(MINIMAL_CASE))


def status(vault: Vault, record_id: str, kind: str = CERTIFICATION) -> attestations.Status:
    body = RecordStore(vault).require(record_id).body
    return attestations.status(body, kind, attestations.trusted_keys(vault))


def edit(vault: Vault, record_id: str, **changes: Any) -> None:
    store = RecordStore(vault)
    record = store.require(record_id)
    body = validate(KINDS["statement"], {**record.body, **changes}, "statement")
    with vault.transaction():
        store.update(record_id, body, record.version)


def test_a_translator_certifies_and_it_holds(translator: Vault, statement: str) -> None:
    record = certification.certify(translator, statement, ZARGHUNA)
    cert = record.body["certification"]
    assert cert["format"] == "translation-certification-v1"
    assert cert["text"] == (
        "I, Zarghuna Safi, certify that I am competent to translate from Dari into English,"
        " and that the English translation above is a full, complete and accurate translation"
        " of the statement in Dari."
    )
    assert cert["translator"] == {
        "name": "Zarghuna Safi",
        "address": "House 12, Karte Char\nKabul",
        "phone": "+93 700 123 456",
        "user": "zarghuna",
    }
    assert cert["original_sha256"] == attestations.text_sha256("ما از کابل آمدیم")
    assert cert["translation_sha256"] == attestations.text_sha256("We came from Kabul")
    assert (cert["original_language"], cert["translation_language"]) == ("fa-AF", "en")
    # Signed with the translator's own key, which the laptop's device key endorses.
    mine = user_keys.current(translator, translator.user.slot_id)
    assert mine is not None and cert["signing_key"] == mine.signing_key
    device = attestations.identity.load(translator.conn).signing_key
    assert cert["endorsement"]["device_key"] == device != mine.signing_key
    assert cert["endorsement"]["user_key"] == mine.signing_key
    found = status(translator, statement)
    assert (found.state, found.by, found.language) == (VALID, "Zarghuna Safi", "fa-AF")
    assert certification.describe(found) == f"Certified by Zarghuna Safi on {cert['date']} (valid)"
    assert (found.fingerprint, found.user, found.personal) == (mine.fingerprint, "zarghuna", True)
    # The details are kept for the next certificate, in the vault.
    assert certification.translator_profile(translator) == ZARGHUNA
    actions = [r[0] for r in translator.conn.execute("SELECT action FROM audit_log")]
    assert "statement.certify" in actions


@pytest.mark.parametrize(
    "change",
    [
        {"text": "ما از کابل آمدیم."},  # one full stop added
        {"translation": {"language": "en", "text": "We came from Kabul.", "translator": ""}},
        {"language": "ps"},
        {"translation": {"language": "en-US", "text": "We came from Kabul", "translator": ""}},
    ],
)
def test_editing_a_text_or_a_language_voids_it(
    translator: Vault, statement: str, change: dict[str, Any]
) -> None:
    certification.certify(translator, statement, ZARGHUNA)
    edit(translator, statement, **change)
    found = status(translator, statement)
    assert found.state == VOID
    assert certification.describe(found).startswith(
        "Certification void: the text changed after it was certified"
    )
    # Certifying again makes it hold for the new texts.
    certification.certify(translator, statement, ZARGHUNA)
    assert status(translator, statement).state == VALID


def test_other_edits_leave_it_valid(translator: Vault, statement: str) -> None:
    certification.certify(translator, statement, ZARGHUNA)
    edit(translator, statement, place="Islamabad", interpreter="Zarghuna Safi")
    assert status(translator, statement).state == VALID


def test_only_a_translator_certifies(caseworker: Vault, statement: str) -> None:
    with pytest.raises(NotPermitted) as info:
        certification.certify(caseworker, statement, ZARGHUNA)
    assert info.value.exit_code == 13
    assert "Only a translator" in str(info.value)
    assert status(caseworker, statement).state == attestations.NONE


def test_what_cannot_be_certified(translator: Vault) -> None:
    store = CaseStore(translator)
    untranslated = {**MINIMAL_CASE, "statements": [{"language": "ps", "text": "زه راغلم"}]}
    english = {
        **MINIMAL_CASE,
        "statements": [
            {"language": "en", "text": "I came", "translation": {"language": "en", "text": "x"}}
        ],
    }
    into_french = copy.deepcopy(MINIMAL_CASE)
    into_french["statements"][0]["translation"]["language"] = "fr"
    for document, fragment in (
        (untranslated, "both the original and its English translation"),
        (english, "already in English"),
        (into_french, "into English"),
    ):
        record_id = statement_of(translator, store.add_case(document))
        with pytest.raises(InvalidInput, match=fragment):
            certification.certify(translator, record_id, ZARGHUNA)
    with pytest.raises(InvalidInput):
        certification.certify(translator, statement_of(translator, store.add_case(MINIMAL_CASE)),
                              TranslatorDetails(""))  # fmt: skip


def test_an_empty_translation_language_is_english(translator: Vault) -> None:
    document = copy.deepcopy(MINIMAL_CASE)
    document["statements"][0]["translation"]["language"] = ""
    record_id = statement_of(translator, CaseStore(translator).add_case(document))
    record = certification.certify(translator, record_id, ZARGHUNA)
    assert record.body["translation"]["language"] == "en"
    assert status(translator, record_id).state == VALID


def test_a_stale_version_is_refused(translator: Vault, statement: str) -> None:
    edit(translator, statement, place="Kabul")
    with pytest.raises(StaleEdit):
        certification.certify(translator, statement, ZARGHUNA, expected_version=1)
    assert status(translator, statement).state == attestations.NONE


def test_read_back_by_a_caseworker(caseworker: Vault, statement: str) -> None:
    record = certification.record_read_back(
        caseworker, statement, read_by="Farida Rahimi", notes="Read in Dari; no corrections."
    )
    read_back = record.body["read_back"]
    assert (read_back["read_by"], read_back["language"], read_back["confirmed"]) == (
        "Farida Rahimi",
        "fa-AF",
        True,
    )
    found = status(caseworker, statement, READ_BACK)
    assert found.state == VALID
    assert certification.describe(found).startswith("Read back in Dari by Farida Rahimi on ")
    edit(caseworker, statement, text="ما از کابل آمدیم و")
    found = status(caseworker, statement, READ_BACK)
    assert found.state == VOID
    assert certification.describe(found).startswith("Read-back void: the text changed")


def test_only_a_caseworker_records_a_read_back(translator: Vault, statement: str) -> None:
    with pytest.raises(NotPermitted, match="Only a caseworker"):
        certification.record_read_back(translator, statement, read_by="Zarghuna")


def test_an_altered_certification_is_never_stored(translator: Vault, statement: str) -> None:
    """A signature covers every field: change one and the write is refused."""
    record = certification.certify(translator, statement, ZARGHUNA)
    for path, value in (
        (("translator", "name"), "Someone Else"),
        (("original_sha256",), "0" * 64),
        (("date",), "2020-01-01"),
    ):
        body = copy.deepcopy(record.body)
        target = body["certification"]
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
        with pytest.raises(InvalidInput, match="signature does not verify"):
            edit(translator, statement, certification=body["certification"])
    assert status(translator, statement).state == VALID


def test_a_case_document_carries_a_certification_only_if_it_verifies(
    translator: Vault, statement: str, tmp_path: Path
) -> None:
    certification.certify(translator, statement, ZARGHUNA)
    case_id = RecordStore(translator).require(statement).case_id
    shown = json.loads(json.dumps(CaseStore(translator).document(case_id)))
    assert shown["statements"][0]["checks"]["certification"]["state"] == VALID
    # case show --json -> case add: same vault, its own key: kept, and valid.
    again = CaseStore(translator).add_case(copy.deepcopy(shown))
    assert status(translator, statement_of(translator, again)).state == VALID
    # Another vault refuses it until it trusts the translator's device.
    other, _ = make_vault(tmp_path / "other")
    try:
        before = CaseStore(other).count()
        with pytest.raises(InvalidInput, match="signature does not verify"):
            CaseStore(other).add_case(copy.deepcopy(shown))
        assert CaseStore(other).count() == before
        key = attestations.identity.load(translator.conn).signing_key
        TrustStore(other).add_device("Zarghuna's laptop", key)
        copied = CaseStore(other).add_case(copy.deepcopy(shown))
        assert status(other, statement_of(other, copied)).state == VALID
        # Trust withdrawn: shown, but no longer verified.
        TrustStore(other).remove("Zarghuna's laptop")
        found = status(other, statement_of(other, copied))
        assert (found.state, found.problem) == (UNVERIFIED, "untrusted")
        assert "cannot be verified" in certification.describe(found)
    finally:
        other.close()


def test_a_document_with_a_malformed_certification_is_refused_before_the_vault() -> None:
    document = copy.deepcopy(MINIMAL_CASE)
    document["statements"][0]["certification"] = {
        "format": "translation-certification-v1",
        "text": "I certify",
        "translator": {"name": "X"},
        "original_sha256": "not a hash",
        "translation_sha256": "0" * 64,
        "signing_key": "RW" + "A" * 54,
        "signature": "untrusted comment: x\nAAAA\ntrusted comment: y\nAAAA",
    }
    with pytest.raises(InvalidInput) as info:
        prepare_case(document)
    assert info.value.params["path"] == "statements[0].certification.original_sha256"


def test_the_signed_bytes_are_canonical_json(translator: Vault, statement: str) -> None:
    cert = certification.certify(translator, statement, ZARGHUNA).body["certification"]
    signed = attestations.signed_bytes(cert).decode("utf-8")
    assert signed == json.dumps(
        {k: v for k, v in cert.items() if k not in ("signature", "endorsement")},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    assert "كابل" not in signed and "Zarghuna Safi" in signed  # texts only by hash
    assert PASSPHRASE not in signed


def test_language_names() -> None:
    assert certification.language_name("fa-AF") == "Dari"
    assert certification.language_name("ps") == "Pashto"
    assert certification.language_name("fa") == "Persian (Farsi)"
    assert certification.language_name("ar-SA") == "Arabic"
    assert certification.language_name("xx-YY") == "xx-YY"
