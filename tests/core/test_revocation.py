"""Revoking a trusted device (a lost or seized laptop): its later bundles and signatures.

Real vaults, real bundles: a field laptop exports to a coordinator; the field
laptop's clock decides the ``created_at`` and ``certified_at`` it writes, so
a bundle or a certification lands before or after the revocation.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest

from intake_desktop.core import attestations, certification, identity
from intake_desktop.core.bundle import importer
from intake_desktop.core.cases import CaseStore
from intake_desktop.core.certification import TranslatorDetails
from intake_desktop.core.clock import parse_stamp, stamp, utc_now
from intake_desktop.core.errors import BundleRejected, InvalidInput, NotFound, NotPermitted
from intake_desktop.core.records import RecordStore
from intake_desktop.core.trust import TrustStore
from intake_desktop.core.vault import Vault
from tests.bundle_forge import export_to, introduce, snapshot
from tests.helpers import MINIMAL_CASE, make_vault

LAPTOP = "Kabul laptop"
# An hour ago, so that "after" is still in the past (a revocation is never in the future).
REVOKED = stamp(utc_now() - timedelta(hours=1))
CASEWORKER_PASSPHRASE = "caseworker passphrase for revocation tests"
TRANSLATOR_PASSPHRASE = "translator passphrase for revocation tests"


@dataclass
class Pair:
    field: Vault  # a caseworker's session on the field laptop
    office: Vault  # the coordinator's
    tmp: Path


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[Pair]:
    field, _ = make_vault(tmp_path / "field")
    office, _ = make_vault(tmp_path / "office", user_name="cora", role="coordinator")
    introduce(field, office, LAPTOP, "Office")
    yield Pair(field, office, tmp_path)
    field.close()
    office.close()


def bundle_made(pair: Pair, offset: timedelta) -> Path:
    """A bundle the field laptop made ``offset`` after the revocation time."""
    pair.field.clock = lambda: parse_stamp(REVOKED) + offset
    CaseStore(pair.field).add_case(MINIMAL_CASE)
    out = pair.tmp / f"field-{offset.total_seconds():+.0f}.intake"
    export_to(pair.field, pair.office, out)
    return out


@pytest.mark.parametrize("offset", [timedelta(0), timedelta(seconds=1), timedelta(minutes=30)])
def test_a_bundle_made_at_or_after_the_revocation_is_refused_and_nothing_changes(
    pair: Pair, offset: timedelta
) -> None:
    bundle = bundle_made(pair, offset)
    TrustStore(pair.office).revoke(LAPTOP, REVOKED)
    before = snapshot(pair.office)
    with pytest.raises(BundleRejected) as info:
        importer.import_bundle(pair.office, bundle)
    message = str(info.value)
    assert LAPTOP in message and REVOKED in message and "revoked" in message
    assert info.value.exit_code == 8
    # Nothing merged, nothing quarantined, no audit entry: every table and file as it was.
    assert snapshot(pair.office) == before


def test_a_bundle_made_before_the_revocation_still_imports(pair: Pair) -> None:
    bundle = bundle_made(pair, -timedelta(seconds=1))
    TrustStore(pair.office).revoke(LAPTOP, REVOKED)
    result = importer.import_bundle(pair.office, bundle)
    assert result.status == importer.MERGED
    assert result.producer_name == LAPTOP


def test_a_revoked_device_stays_listed_with_its_date_and_is_not_plainly_trusted(
    pair: Pair,
) -> None:
    store = TrustStore(pair.office)
    key = identity.load(pair.field.conn).signing_key
    assert store.device_for_key(key) is not None
    entry = store.revoke(LAPTOP, REVOKED)
    assert entry.revoked_at == REVOKED
    listed = {e.name: e for e in store.entries()}
    assert listed[LAPTOP].revoked_at == REVOKED
    assert listed[LAPTOP].as_json()["revoked_at"] == REVOKED
    assert store.device_for_key(key) is None
    assert store.device_for_key(key, revoked_too=True) == listed[LAPTOP]
    action, kind, record = pair.office.conn.execute(
        "SELECT action, record_kind, record_id FROM audit_log ORDER BY seq DESC LIMIT 1"
    ).fetchone()
    assert (action, kind, record) == ("trust.revoke", "trust", entry.fingerprint)
    # The same key cannot come back under another name while revoked.
    with pytest.raises(InvalidInput, match="revoked"):
        store.add_device("Kabul laptop again", key)


def test_a_revoked_device_is_removed_only_when_forgetting_the_revocation_is_asked_for(
    pair: Pair,
) -> None:
    """Its entry keeps its later bundles refused (not quarantined) and its key out."""
    store = TrustStore(pair.office)
    store.revoke(LAPTOP, REVOKED)
    later = bundle_made(pair, timedelta(minutes=5))
    before = snapshot(pair.office)
    with pytest.raises(InvalidInput, match=f"revoked on {REVOKED}; removing it would forget"):
        store.remove(LAPTOP)
    assert snapshot(pair.office) == before
    with pytest.raises(BundleRejected, match="revoked"):
        importer.import_bundle(pair.office, later)
    store.remove(LAPTOP, forget_revocation=True)
    assert store.get(LAPTOP) is None
    # Forgotten: what it signs later is merely held in quarantine, as a stranger's.
    assert importer.import_bundle(pair.office, later).status == importer.QUARANTINED


def test_a_recipient_is_not_revoked_and_nothing_changes(pair: Pair) -> None:
    TrustStore(pair.office).add_recipient("Counsel", identity.load(pair.field.conn).age_recipient)
    before = snapshot(pair.office)
    with pytest.raises(InvalidInput, match=r"recipient.*remove it instead"):
        TrustStore(pair.office).revoke("Counsel")
    with pytest.raises(NotFound):
        TrustStore(pair.office).revoke("Nobody")
    assert snapshot(pair.office) == before


def test_a_translator_may_not_revoke(pair: Pair) -> None:
    pair.office.add_user("tamana", "translator", TRANSLATOR_PASSPHRASE)
    before = TrustStore(pair.office).entries()
    with (
        Vault.open(pair.office.path, TRANSLATOR_PASSPHRASE) as translator,
        pytest.raises(NotPermitted) as info,
    ):
        TrustStore(translator).revoke(LAPTOP)
    assert info.value.exit_code == 13
    assert TrustStore(pair.office).entries() == before  # (unlocking as tamana is audited)


def test_revoking_twice_is_refused_but_a_revocation_can_move_earlier(pair: Pair) -> None:
    store = TrustStore(pair.office)
    store.revoke(LAPTOP, REVOKED)
    later = stamp(parse_stamp(REVOKED) + timedelta(minutes=5))
    for again in (REVOKED, later, None):
        with pytest.raises(InvalidInput, match=f"already revoked on {REVOKED}"):
            store.revoke(LAPTOP, again)
    earlier = stamp(parse_stamp(REVOKED) - timedelta(days=1))
    assert store.revoke(LAPTOP, earlier).revoked_at == earlier
    assert store.get(LAPTOP) is not None and store.get(LAPTOP).revoked_at == earlier  # type: ignore[union-attr]


# The future time is made when the test runs: in a parameter's id it would
# differ between pytest-xdist's workers, which then refuse to run at all.
@pytest.mark.parametrize(
    ("when", "fragment"),
    [
        ("2026-11-27 22:21", "UTC time like"),
        ("yesterday", "UTC time like"),
        ("tomorrow", "cannot be in the future"),
    ],
)
def test_a_bad_or_future_revocation_time_is_refused(pair: Pair, when: str, fragment: str) -> None:
    if when == "tomorrow":
        when = stamp(utc_now() + timedelta(days=1))
    with pytest.raises(InvalidInput, match=fragment):
        TrustStore(pair.office).revoke(LAPTOP, when)
    assert TrustStore(pair.office).get(LAPTOP).revoked_at is None  # type: ignore[union-attr]


# Certifications and read-backs


def test_certifications_signed_before_say_so_and_those_after_are_not_verified(
    tmp_path: Path,
) -> None:
    field, code = make_vault(tmp_path / "field", user_name="zarghuna", role="translator")
    with Vault.open_with_recovery(field.path, code) as recovery:
        recovery.add_user("farida", "caseworker", CASEWORKER_PASSPHRASE)
    office, _ = make_vault(tmp_path / "office", user_name="cora", role="coordinator")
    store = CaseStore(field)
    before_case, after_case = store.add_case(MINIMAL_CASE), store.add_case(MINIMAL_CASE)
    statements = {c: store.children(c, "statement")[0].id for c in (before_case, after_case)}
    details = TranslatorDetails("Zarghuna Safi", "Kabul", "+93 700 123 456")
    for case_id, offset in ((before_case, -timedelta(minutes=1)), (after_case, timedelta(0))):
        field.clock = lambda offset=offset: parse_stamp(REVOKED) + offset  # type: ignore[misc]
        certification.certify(field, statements[case_id], details)
    field.clock = utc_now
    with Vault.open(field.path, CASEWORKER_PASSPHRASE) as caseworker:
        introduce(caseworker, office, LAPTOP, "Office")
        export_to(caseworker, office, tmp_path / "certified.intake")
    # Imported while the laptop was trusted; revoked afterwards.
    importer.import_bundle(office, tmp_path / "certified.intake")
    TrustStore(office).revoke(LAPTOP, REVOKED)

    trusted = attestations.trusted_keys(office)

    def status_of(case_id: str) -> attestations.Status:
        body = RecordStore(office).require(statements[case_id]).body
        return attestations.status(body, attestations.CERTIFICATION, trusted)

    early, late = status_of(before_case), status_of(after_case)
    assert (early.state, early.revoked_at) == (attestations.VALID, REVOKED)
    assert certification.describe(early) == (
        f"Certified by Zarghuna Safi on {early.date}, signed before revocation on {REVOKED} (valid)"
    )
    assert (late.state, late.problem) == (
        attestations.UNVERIFIED,
        attestations.SignatureProblem.REVOKED,
    )
    assert certification.describe(late) == (
        "Certification by Zarghuna Safi is not verified: signed after its device was revoked"
        f" on {REVOKED}"
    )
    shown = CaseStore(office).document(before_case)["statements"][0]["checks"]["certification"]
    assert shown["state"] == "valid" and shown["revoked_at"] == REVOKED
    # Not revoked: the same certification reads as before.
    plain = attestations.status(
        RecordStore(office).require(statements[before_case]).body,
        attestations.CERTIFICATION,
        frozenset(trusted),
    )
    assert certification.describe(plain) == f"Certified by Zarghuna Safi on {plain.date} (valid)"
    field.close()
    office.close()


def test_a_certification_dated_after_a_revocation_refuses_a_bundle_a_third_device_forwards(
    tmp_path: Path,
) -> None:
    """Counsel revoked the field laptop; a coordinator who still trusts it forwards a case
    certified on it after that date: counsel refuses the bundle (nothing changes), and a
    case certified before the date arrives, marked so."""
    field, code = make_vault(tmp_path / "field", user_name="zarghuna", role="translator")
    with Vault.open_with_recovery(field.path, code) as recovery:
        recovery.add_user("farida", "caseworker", CASEWORKER_PASSPHRASE)
    office, _ = make_vault(tmp_path / "office", user_name="cora", role="coordinator")
    counsel, _ = make_vault(tmp_path / "counsel", user_name="nadia", role="coordinator")
    store = CaseStore(field)
    early_case, late_case = store.add_case(MINIMAL_CASE), store.add_case(MINIMAL_CASE)
    details = TranslatorDetails("Zarghuna Safi", "Kabul", "+93 700 123 456")
    for case_id, offset in ((early_case, -timedelta(minutes=1)), (late_case, timedelta(0))):
        field.clock = lambda offset=offset: parse_stamp(REVOKED) + offset  # type: ignore[misc]
        certification.certify(field, store.children(case_id, "statement")[0].id, details)
    field.clock = utc_now
    with Vault.open(field.path, CASEWORKER_PASSPHRASE) as caseworker:
        introduce(caseworker, office, LAPTOP, "Office")
        export_to(caseworker, office, tmp_path / "to-office.intake")
    importer.import_bundle(office, tmp_path / "to-office.intake")
    introduce(office, counsel, "Office", "Counsel")
    TrustStore(counsel).add_device(LAPTOP, identity.load(field.conn).signing_key)
    TrustStore(counsel).revoke(LAPTOP, REVOKED)
    try:
        late = tmp_path / "late.intake"
        export_to(office, counsel, late, [late_case])
        before = snapshot(counsel)
        with pytest.raises(BundleRejected, match=f"revoked on {REVOKED}") as refused:
            importer.import_bundle(counsel, late)
        assert refused.value.exit_code == 8 and snapshot(counsel) == before
        early = tmp_path / "early.intake"
        export_to(office, counsel, early, [early_case])
        assert importer.import_bundle(counsel, early).status == importer.MERGED
        body = RecordStore(counsel).require(store.children(early_case, "statement")[0].id).body
        status = attestations.status(
            body, attestations.CERTIFICATION, attestations.trusted_keys(counsel)
        )
        assert (status.state, status.revoked_at, status.personal) == ("valid", REVOKED, True)
    finally:
        field.close()
        office.close()
        counsel.close()
