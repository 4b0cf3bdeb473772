"""What may leave the laptop: withheld names, and the consent recorded in a case.

A field laptop holds a family whose principal's name is withheld (shown by
pseudonym). The office is a recipient not cleared for withheld names;
counsel is. Export leaves the real name out for the office (the record
arrives read-only there, and is filled in if the office is cleared later),
and refuses cases whose consent does not allow sharing unless overridden.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from intake_desktop.core import audit, consent, identity
from intake_desktop.core.bundle import importer, merge
from intake_desktop.core.bundle.export import ExportResult, export_bundle
from intake_desktop.core.cases import CaseQuery, CaseStore
from intake_desktop.core.check import check_vault
from intake_desktop.core.errors import NotPermitted
from intake_desktop.core.records import RecordStore
from intake_desktop.core.trust import TrustStore
from intake_desktop.core.vault import Vault
from tests.bundle_forge import cli_env, decrypt, recipient_ref
from tests.cli.in_process import run_in_process
from tests.helpers import make_vault

SECRET_NAME = "Gulalai Withheldzai"
SECRET_SCRIPT = "ګلالۍ پټه‌زۍ"


def family(title: str, **consent_fields: Any) -> dict[str, Any]:
    return {
        "title": title,
        "route": "humanitarian_parole",
        "people": [
            {
                "id": "p1",
                "full_name": SECRET_NAME,
                "names": [{"text": SECRET_SCRIPT, "script": "arabic"}],
                "name_withheld": True,
                "pseudonym": "Applicant K-12",
                "role": "principal",
            },
            {"id": "p2", "full_name": "Named Child", "role": "family_member"},
        ],
        "relationships": [{"person": "p1", "relative": "p2", "kind": "child"}],
        "consents": [
            {
                "person": "p1",
                "scope": ["share_with_counsel"],
                "given_on": "2026-11-02",
                **consent_fields,
            }
        ],
    }


@dataclass
class Sites:
    field: Vault
    office: Vault
    counsel: Vault
    folder: Path
    count: int = 0

    def export(
        self, to: Vault, name: str, *case_ids: str, override: bool = False
    ) -> tuple[Path, ExportResult]:
        self.count += 1
        path = self.folder / f"{self.count}.intake"
        recipient = identity.load(to.conn).age_recipient
        result = export_bundle(
            self.field,
            [recipient_ref(name, recipient)],
            path,
            list(case_ids),
            override_consent=override,
        )
        return path, result


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sites]:
    root = tmp_path_factory.mktemp("sharing")
    field, _ = make_vault(root / "field", name="Field")
    office, _ = make_vault(root / "office", user_name="cora", role="coordinator")
    counsel, _ = make_vault(root / "counsel", user_name="lee", role="coordinator")
    store = TrustStore(field)
    store.add_recipient("Office", identity.load(office.conn).age_recipient)
    store.add_recipient("Counsel", identity.load(counsel.conn).age_recipient, withheld_names=True)
    signing = identity.load(field.conn).signing_key
    TrustStore(office).add_device("Field", signing)
    TrustStore(counsel).add_device("Field", signing)
    (root / "bundles").mkdir()
    yield Sites(field, office, counsel, root / "bundles")
    for vault in (field, office, counsel):
        vault.close()


def plaintext(path: Path, to: Vault) -> bytes:
    return decrypt(path.read_bytes(), identity.load(to.conn).age_secret)


def principal(vault: Vault, case_id: str) -> Any:
    return next(
        r for r in CaseStore(vault).children(case_id, "person") if r.body["role"] == "principal"
    )


# Item 13: withheld names


def test_a_withheld_name_does_not_travel_to_a_recipient_not_cleared_for_it(sites: Sites) -> None:
    case_id = CaseStore(sites.field).add_case(family("Family K"))
    path, result = sites.export(sites.office, "Office", case_id)
    assert result.withheld == 1 and result.not_cleared == ("Office",)
    data = plaintext(path, sites.office)
    assert SECRET_NAME.encode() not in data and SECRET_SCRIPT.encode() not in data
    assert b"Applicant K-12" in data and b"Named Child" in data
    assert importer.import_bundle(sites.office, path).status == importer.MERGED
    held = principal(sites.office, case_id)
    assert held.body["full_name"] == "" and held.body["names"] == []
    assert held.body["pseudonym"] == "Applicant K-12"
    # The same revision as the field's, read-only here: an edit would send the
    # blanks back and erase the name where it was recorded.
    assert held.rev == principal(sites.field, case_id).rev
    with pytest.raises(NotPermitted), sites.office.transaction():
        RecordStore(sites.office).update(held.id, {**held.body, "notes": "x"})
    assert CaseStore(sites.office).list(CaseQuery(search="Withheldzai")) == []
    assert [r.name for r in check_vault(sites.office) if not r.ok] == []


def test_a_recipient_cleared_for_withheld_names_receives_them(sites: Sites) -> None:
    case_id = CaseStore(sites.field).add_case(family("Family L"))
    path, result = sites.export(sites.counsel, "Counsel", case_id)
    assert result.withheld == 0
    assert SECRET_NAME.encode() in plaintext(path, sites.counsel)
    importer.import_bundle(sites.counsel, path)
    held = principal(sites.counsel, case_id)
    assert held.body["full_name"] == SECRET_NAME
    with sites.counsel.transaction():  # whole, so editable
        RecordStore(sites.counsel).update(held.id, {**held.body, "notes": "met"})


def test_a_redacted_copy_is_filled_in_or_replaced_by_later_bundles(sites: Sites) -> None:
    case_id = CaseStore(sites.field).add_case(family("Family M"))
    importer.import_bundle(sites.office, sites.export(sites.office, "Office", case_id)[0])
    # A newer revision, still not cleared: replaced, still redacted, still read-only.
    person = principal(sites.field, case_id)
    with sites.field.transaction():
        RecordStore(sites.field).update(person.id, {**person.body, "notes": "moved"})
    newer = importer.import_bundle(sites.office, sites.export(sites.office, "Office", case_id)[0])
    assert newer.counts["updated"] == 1
    held = principal(sites.office, case_id)
    assert held.body["notes"] == "moved" and held.body["full_name"] == ""
    assert RecordStore(sites.office).is_redacted(held)
    # The office is cleared: the same revision arrives whole and fills the name in.
    TrustStore(sites.field).set_withheld_names("Office", True)
    try:
        path, result = sites.export(sites.office, "Office", case_id)
        assert result.withheld == 0
        filled = importer.import_bundle(sites.office, path)
        assert filled.counts["updated"] == 1
        held = principal(sites.office, case_id)
        assert held.body["full_name"] == SECRET_NAME
        assert not RecordStore(sites.office).is_redacted(held)
    finally:
        TrustStore(sites.field).set_withheld_names("Office", False)


def test_a_redacted_copy_passed_on_stays_redacted(sites: Sites, tmp_path: Path) -> None:
    """The office forwards what it holds: the blanks are marked as such, so the next
    vault accepts the record (its hash covers the name) and keeps it read-only."""
    case_id = CaseStore(sites.field).add_case(family("Family N"))
    importer.import_bundle(sites.office, sites.export(sites.office, "Office", case_id)[0])
    onward, _ = make_vault(tmp_path / "onward", user_name="ola", role="coordinator")
    try:
        TrustStore(sites.office).add_recipient("Onward", identity.load(onward.conn).age_recipient)
        TrustStore(onward).add_device("Office", identity.load(sites.office.conn).signing_key)
        path = tmp_path / "onward.intake"
        recipient = identity.load(onward.conn).age_recipient
        export_bundle(sites.office, [recipient_ref("Onward", recipient)], path, [case_id])
        assert SECRET_NAME.encode() not in plaintext(path, onward)
        assert importer.import_bundle(onward, path).status == importer.MERGED
        assert RecordStore(onward).is_redacted(principal(onward, case_id))
    finally:
        onward.close()


def test_resolving_a_conflict_keeps_a_redacted_side_read_only(sites: Sites) -> None:
    case_id = CaseStore(sites.field).add_case(family("Family O"))
    importer.import_bundle(sites.office, sites.export(sites.office, "Office", case_id)[0])
    held = principal(sites.office, case_id)
    with sites.office.transaction():
        RecordStore(sites.office).delete(held.id)  # deleting is allowed
    person = principal(sites.field, case_id)
    with sites.field.transaction():
        RecordStore(sites.field).update(person.id, {**person.body, "notes": "still here"})
    result = importer.import_bundle(sites.office, sites.export(sites.office, "Office", case_id)[0])
    assert result.counts["conflict"] == 1
    (conflict,) = [c for c in merge.conflicts(sites.office) if c.record_id == person.id]
    assert conflict.redacted == ("full_name", "names")
    kept = merge.resolve(sites.office, conflict.id, "incoming")
    assert kept.body["full_name"] == "" and RecordStore(sites.office).is_redacted(kept)


def test_the_command_line_says_which_names_were_left_out_and_why(sites: Sites) -> None:
    case_id = CaseStore(sites.field).add_case(family("Family P"))
    out = sites.folder / "cli-withheld.intake"
    env = cli_env(sites.field.path)
    done = run_in_process("export", "--to", "Office", "--case", case_id, "--out", str(out), env=env)
    assert done.returncode == 0, done.stderr
    assert "Withheld names were left out of 1 person record(s)" in done.stdout.decode()
    assert "Office" in done.stdout.decode()
    listed = run_in_process("trust", "list", "--json", env=env)
    cleared = {e["name"]: e["withheld_names"] for e in json.loads(listed.stdout)}
    assert cleared["Counsel"] is True and cleared["Office"] is False


# Item 14: consent


@pytest.mark.parametrize(
    ("case", "reason"),
    [
        ({"consents": []}, consent.NONE_RECORDED),
        ({"consents": [{"scope": ["share_with_counsel"], "withdrawn_on": "2026-11-20"}]},
         consent.WITHDRAWN),
        ({"consents": [{"scope": ["contact", "photographs"]}]}, consent.NOT_COUNSEL),
    ],
)  # fmt: skip
def test_export_refuses_a_case_whose_consent_does_not_allow_sharing(
    sites: Sites, case: dict[str, Any], reason: str
) -> None:
    case_id = CaseStore(sites.field).add_case({"title": "Family Q", "route": "other", **case})
    fine = CaseStore(sites.field).add_case(family("Family R"))
    before = sites.field.conn.execute("SELECT count(*) FROM bundles_out").fetchone()
    with pytest.raises(consent.ConsentRefused) as refused:
        sites.export(sites.office, "Office", fine, case_id)
    assert [(p.case_id, p.reason) for p in refused.value.problems] == [(case_id, reason)]
    assert refused.value.exit_code == 13
    assert not (sites.folder / f"{sites.count}.intake").exists()
    assert sites.field.conn.execute("SELECT count(*) FROM bundles_out").fetchone() == before
    # Overridden on purpose: exported, and the override is in the audit log.
    path, result = sites.export(sites.office, "Office", fine, case_id, override=True)
    assert path.exists() and result.consent_overridden == (case_id,)
    logged = [
        e for e in audit.events(sites.field.conn, record_id=case_id)
        if e.action == "bundle.export_consent_override"
    ]  # fmt: skip
    assert len(logged) == 1


def test_the_command_line_refuses_with_a_reason_per_case_and_exit_13(sites: Sites) -> None:
    case_id = CaseStore(sites.field).add_case({"title": "No consent", "route": "other"})
    env = cli_env(sites.field.path)
    out = sites.folder / "cli-consent.intake"
    done = run_in_process("export", "--to", "Office", "--case", case_id, "--out", str(out), env=env)
    assert done.returncode == 13
    err = done.stderr.decode()
    assert f"case {case_id}: no consent is recorded in this case" in err
    assert "--override-consent" in err and not out.exists()
    forced = run_in_process(
        "export", "--to", "Office", "--case", case_id, "--out", str(out),
        "--override-consent", "--json", env=env,
    )  # fmt: skip
    assert forced.returncode == 0, forced.stderr
    assert json.loads(forced.stdout)["consent_overridden"] == [case_id]
