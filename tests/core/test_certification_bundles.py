"""Certifications and read-backs travel in bundles and are verified on import.

A field laptop (a translator certifies, a caseworker records a read-back)
exports to a coordinator. Genuine ones arrive valid; a void one arrives void;
a forged bundle, consistent in every other way (revision hashes, manifest,
checksums, signed with the field laptop's real key), whose certification was
altered or signed by an unknown key, is refused with nothing changed.
"""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from intake_desktop.core import attestations, certification, identity, user_keys
from intake_desktop.core.bundle import importer
from intake_desktop.core.cases import CaseStore
from intake_desktop.core.certification import TranslatorDetails, describe
from intake_desktop.core.errors import BundleRejected
from intake_desktop.core.model import KINDS, validate
from intake_desktop.core.records import RecordStore
from intake_desktop.core.trust import TrustStore
from intake_desktop.core.vault import Vault
from tests.bundle_forge import (
    Parts,
    edit_records,
    export_to,
    forge,
    introduce,
    new_signing_key,
    rehash,
    relist,
    snapshot,
    take_apart,
)
from tests.helpers import MINIMAL_CASE, make_vault

CASEWORKER_PASSPHRASE = "caseworker passphrase for tests"
ZARGHUNA = TranslatorDetails("Zarghuna Safi", "Kabul", "+93 700 123 456")


@dataclass
class Field:
    root: Path
    vault: Vault  # the translator's session
    certified: str  # case ids
    voided: str
    statements: dict[str, str]  # case id -> statement id


@pytest.fixture(scope="module")
def field(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Field]:
    root = tmp_path_factory.mktemp("certified")
    vault, code = make_vault(root / "field", user_name="zarghuna", role="translator", name="Field")
    # A translator may not add users or trust keys (docs/roles.md); the recovery code may.
    with Vault.open_with_recovery(vault.path, code) as recovery:
        recovery.add_user("farida", "caseworker", CASEWORKER_PASSPHRASE)
    store = CaseStore(vault)
    certified, voided = store.add_case(MINIMAL_CASE), store.add_case(MINIMAL_CASE)
    statements = {c: store.children(c, "statement")[0].id for c in (certified, voided)}
    for case_id in (certified, voided):
        certification.certify(vault, statements[case_id], ZARGHUNA)
    with Vault.open(vault.path, CASEWORKER_PASSPHRASE) as caseworker:
        certification.record_read_back(caseworker, statements[certified], read_by="Farida")
    records = RecordStore(vault)
    record = records.require(statements[voided])
    body = validate(KINDS["statement"], {**record.body, "text": "ما از هرات آمدیم"}, "statement")
    with vault.transaction():
        records.update(record.id, body, record.version)
    yield Field(root, vault, certified, voided, statements)
    vault.close()


@pytest.fixture
def coordinator(field: Field, tmp_path: Path) -> Iterator[Vault]:
    vault, _ = make_vault(tmp_path / "coord", user_name="cora", role="coordinator")
    # The field laptop's name for it must be new: the field vault lives for the module.
    with Vault.open(field.vault.path, CASEWORKER_PASSPHRASE) as caseworker:
        introduce(caseworker, vault, "Field laptop", f"Office {uuid.uuid4().hex[:8]}")
    yield vault
    vault.close()


def states(vault: Vault, statement_id: str) -> dict[str, str]:
    body = RecordStore(vault).require(statement_id).body
    found = attestations.statuses(body, attestations.trusted_keys(vault))
    return {kind: status.state for kind, status in found.items()}


def test_genuine_ones_arrive_valid_and_a_void_one_void(
    field: Field, coordinator: Vault, tmp_path: Path
) -> None:
    bundle = tmp_path / "field.intake"
    export_to(field.vault, coordinator, bundle)
    result = importer.import_bundle(coordinator, bundle)
    assert result.status == importer.MERGED
    assert states(coordinator, field.statements[field.certified]) == {
        "certification": "valid",
        "read_back": "valid",
    }
    assert states(coordinator, field.statements[field.voided])["certification"] == "void"
    shown = CaseStore(coordinator).document(field.certified)
    assert shown["statements"][0]["checks"]["certification"]["by"] == "Zarghuna Safi"


# Forgeries: the field laptop's real key signs the manifest; only the attestation lies.


def forged(
    field: Field, coordinator: Vault, edit: Callable[[dict[str, Any]], None], tmp_path: Path
) -> Path:
    """A bundle to ``coordinator`` with the certified statement's body edited, else consistent."""
    bundle = tmp_path / "genuine.intake"
    export_to(field.vault, coordinator, bundle)
    parts: Parts = take_apart(bundle, identity.load(coordinator.conn).age_secret)
    manifest, members = parts.fresh()
    statement_id = field.statements[field.certified]
    new_rev: dict[str, str] = {}

    def change(doc: dict[str, Any]) -> None:
        raw = next(r for r in doc["records"] if r["id"] == statement_id)
        edit(raw["body"])
        rehash(raw)
        new_rev[raw["id"]] = raw["rev"]

    members = edit_records(members, field.certified, change)
    manifest["records"] = [
        {**r, "rev": new_rev.get(r["id"], r["rev"])} for r in manifest["records"]
    ]
    secret = identity.load(field.vault.conn).minisign_secret()
    manifest, members = relist(manifest, members, secret)
    data = forge(secret, manifest, members, identity.load(coordinator.conn).age_recipient)
    path = tmp_path / "forged.intake"
    path.write_bytes(data)
    return path


def _resign_with(secret: Any, public: str) -> Callable[[dict[str, Any]], None]:
    def edit(body: dict[str, Any]) -> None:
        cert = body["certification"]
        cert["signing_key"] = public
        cert["endorsement"] = None  # as made before users had keys, by an unknown device
        signature = secret.sign(attestations.signed_bytes(cert), prehash=True)
        cert["signature"] = bytes(signature).decode()

    return edit


def _set(kind: str, key: str, value: str) -> Callable[[dict[str, Any]], None]:
    def edit(body: dict[str, Any]) -> None:
        body[kind][key] = value

    return edit


def _flip_signature(kind: str) -> Callable[[dict[str, Any]], None]:
    def edit(body: dict[str, Any]) -> None:
        lines = body[kind]["signature"].split("\n")
        first = lines[1]
        lines[1] = first[:10] + ("A" if first[10] != "A" else "B") + first[11:]
        body[kind]["signature"] = "\n".join(lines)

    return edit


def _endorsement(key: str, value: str) -> Callable[[dict[str, Any]], None]:
    def edit(body: dict[str, Any]) -> None:
        body["certification"]["endorsement"][key] = value

    return edit


def _flip_endorsement(body: dict[str, Any]) -> None:
    endorsement = body["certification"]["endorsement"]
    _flip_signature("x")({"x": endorsement})


stranger_secret, stranger_key = new_signing_key()
FORGERIES: dict[str, tuple[Callable[[dict[str, Any]], None], str]] = {
    "endorsement signature altered": (_flip_endorsement, "certification that does not verify"),
    "endorsement names another user": (
        _endorsement("user", "farida"),
        "certification that does not verify",
    ),
    "endorsement of another key": (
        _endorsement("user_key", stranger_key),
        "certification that does not verify",
    ),
    "signature altered": (_flip_signature("certification"), "does not verify"),
    "original text hash altered": (
        _set("certification", "original_sha256", "0" * 64),
        "certification that does not verify",
    ),
    "translation hash altered": (
        _set("certification", "translation_sha256", "1" * 64),
        "certification that does not verify",
    ),
    "certificate date altered": (_set("certification", "date", "2020-01-01"), "does not verify"),
    "read-back signature altered": (_flip_signature("read_back"), "read-back that does not"),
}


@pytest.mark.parametrize("name", sorted(FORGERIES))
def test_a_forged_attestation_is_refused_and_nothing_changes(
    field: Field, coordinator: Vault, tmp_path: Path, name: str
) -> None:
    edit, fragment = FORGERIES[name]
    path = forged(field, coordinator, edit, tmp_path)
    before = snapshot(coordinator)
    with pytest.raises(BundleRejected) as info:
        importer.import_bundle(coordinator, path)
    assert fragment in str(info.value)
    assert info.value.exit_code == 8
    assert snapshot(coordinator) == before


def test_a_text_changed_on_the_way_arrives_void_not_valid(
    field: Field, coordinator: Vault, tmp_path: Path
) -> None:
    """Editing the statement (with a consistent revision hash) cannot keep it certified."""

    def edit(body: dict[str, Any]) -> None:
        body["translation"] = {**body["translation"], "text": "We came from Herat"}

    result = importer.import_bundle(coordinator, forged(field, coordinator, edit, tmp_path))
    assert result.status == importer.MERGED
    assert states(coordinator, field.statements[field.certified]) == {
        "certification": "void",
        "read_back": "void",
    }


def test_a_certification_by_a_key_nobody_trusts_arrives_unverified_not_dropped(
    field: Field, coordinator: Vault, tmp_path: Path
) -> None:
    path = forged(field, coordinator, _resign_with(stranger_secret, stranger_key), tmp_path)
    assert importer.import_bundle(coordinator, path).status == importer.MERGED
    body = RecordStore(coordinator).require(field.statements[field.certified]).body
    status = attestations.status(
        body, attestations.CERTIFICATION, attestations.trusted_keys(coordinator)
    )
    assert status.state == "unverified" and status.problem == "untrusted"
    assert "cannot be verified" in describe(status)


def test_a_translator_key_endorsed_by_a_stranger_device_arrives_unverified(
    field: Field, coordinator: Vault, tmp_path: Path
) -> None:
    """A well-formed endorsement by a device nobody here trusts vouches for nothing."""
    translator_secret, translator_key = new_signing_key()

    def edit(body: dict[str, Any]) -> None:
        cert = body["certification"]
        endorsement = {
            **cert["endorsement"],
            "user_key": translator_key,
            "device_key": stranger_key,
        }
        endorsement["signature"] = bytes(
            stranger_secret.sign(user_keys.endorsed_bytes(endorsement), prehash=True)
        ).decode()
        cert["endorsement"], cert["signing_key"] = endorsement, translator_key
        signature = translator_secret.sign(attestations.signed_bytes(cert), prehash=True)
        cert["signature"] = bytes(signature).decode()

    path = forged(field, coordinator, edit, tmp_path)
    assert importer.import_bundle(coordinator, path).status == importer.MERGED
    body = RecordStore(coordinator).require(field.statements[field.certified]).body
    status = attestations.status(
        body, attestations.CERTIFICATION, attestations.trusted_keys(coordinator)
    )
    assert status.state == "unverified" and status.problem == "untrusted"


def test_passed_on_by_a_coordinator_counsel_verifies_it_via_the_coordinator(
    field: Field, coordinator: Vault, tmp_path: Path
) -> None:
    """Counsel who trusts the coordinator verifies the field's certification through it."""
    first = tmp_path / "to-coordinator.intake"
    export_to(field.vault, coordinator, first, [field.certified])
    importer.import_bundle(coordinator, first)
    counsel, _ = make_vault(tmp_path / "counsel", user_name="nadia", role="coordinator")
    statement = field.statements[field.certified]
    try:
        introduce(coordinator, counsel, "Office", "Counsel")
        relayed = tmp_path / "to-counsel.intake"
        export_to(coordinator, counsel, relayed, [field.certified])
        assert importer.import_bundle(counsel, relayed).status == importer.MERGED
        body = RecordStore(counsel).require(statement).body
        found = attestations.statuses(body, attestations.trusted_keys(counsel))
        assert {k: s.state for k, s in found.items()} == {
            "certification": "valid",
            "read_back": "valid",
        }
        assert found["certification"].via == "Office"
        # Counsel sees whose key signed: the translator's own, not the laptop's.
        (translator_key,) = [k for k in user_keys.keys(field.vault) if k.user_name == "zarghuna"]
        assert found["certification"].fingerprint == translator_key.fingerprint
        assert found["certification"].as_json()["signer"] == "user"
        assert found["read_back"].user == "farida"
        assert found["read_back"].fingerprint != translator_key.fingerprint
        assert "verified via Office" in describe(found["certification"])
        # Once counsel pins the field laptop itself, the check is direct.
        TrustStore(counsel).add_device("Field laptop", identity.load(field.vault.conn).signing_key)
        direct = attestations.status(
            body, attestations.CERTIFICATION, attestations.trusted_keys(counsel)
        )
        assert direct.state == "valid" and direct.via == ""
        # A coordinator counsel stops trusting vouches for nothing any more.
        TrustStore(counsel).remove("Field laptop")
        TrustStore(counsel).remove("Office")
        gone = attestations.status(
            body, attestations.CERTIFICATION, attestations.trusted_keys(counsel)
        )
        assert gone.state == "unverified"
    finally:
        counsel.close()


def test_a_coordinator_that_no_longer_trusts_the_field_vouches_for_nothing(
    field: Field, coordinator: Vault, tmp_path: Path
) -> None:
    """Relayed without a vouch, the certification arrives unverified: the case still arrives."""
    first = tmp_path / "to-coordinator.intake"
    export_to(field.vault, coordinator, first, [field.certified])
    importer.import_bundle(coordinator, first)
    TrustStore(coordinator).remove("Field laptop")
    counsel, _ = make_vault(tmp_path / "counsel", user_name="nadia", role="coordinator")
    try:
        introduce(coordinator, counsel, "Office", "Counsel")
        relayed = tmp_path / "to-counsel.intake"
        export_to(coordinator, counsel, relayed, [field.certified])
        assert importer.import_bundle(counsel, relayed).status == importer.MERGED
        body = RecordStore(counsel).require(field.statements[field.certified]).body
        status = attestations.status(
            body, attestations.CERTIFICATION, attestations.trusted_keys(counsel)
        )
        assert status.state == "unverified" and status.via == ""
    finally:
        counsel.close()


def test_the_json_a_counsel_checks_is_what_was_signed(field: Field) -> None:
    body = RecordStore(field.vault).require(field.statements[field.certified]).body
    cert = copy.deepcopy(body["certification"])
    canonical = json.dumps(
        {k: v for k, v in cert.items() if k not in ("signature", "endorsement")},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    ).encode()
    assert canonical == attestations.signed_bytes(cert)
