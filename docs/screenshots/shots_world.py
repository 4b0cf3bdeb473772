"""The invented world the screenshots show (take.py): vaults, demo cases, bundles.

A field laptop ("Kabul field 1") used by Farida, a caseworker, and Jamshid,
a translator, with 60 demo cases; a coordinator's office ("Islamabad
office", Omar) that trusts it; a second laptop ("Herat field 2") that got
two of Kabul's cases from the office and wrote into one of them while the
office edited it too (a conflict); and a laptop nobody trusts. The bundles
the office imports in the shots are written here, beforehand. Every name,
number and key is invented or made for this run.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyrage

from intake_desktop import demo
from intake_desktop.core.bundle.export import export_bundle
from intake_desktop.core.bundle.format import RecipientRef
from intake_desktop.core.bundle.importer import import_bundle
from intake_desktop.core.cases import CaseStore
from intake_desktop.core.identity import load
from intake_desktop.core.records import RecordStore
from intake_desktop.core.trust import TrustStore
from intake_desktop.core.vault import Vault

PASSPHRASE = "screenshots only, never real"
TRANSLATOR_PASSPHRASE = "translator screenshots only"
TRANSLATOR = "Jamshid Karimi"


@dataclass
class World:
    root: Path
    field: Path  # Farida (caseworker, PASSPHRASE) and Jamshid (TRANSLATOR_PASSPHRASE)
    field_code: str  # the field laptop's recovery code
    ids: list[str]
    chosen: str  # a case that shows a lot: a picture, a Dari statement, documents, a family
    refused: list[str]  # two cases whose consent does not allow sharing them
    office: Path  # Omar (coordinator, PASSPHRASE)
    office_signing_key: str  # for the field laptop's "Trust a device"
    bundles: list[Path]  # for the office to import: Kabul's, Herat's, a stranger's

    @classmethod
    def make(cls, root: Path) -> World:
        field, code = Vault.create(
            root / "field-laptop",
            PASSPHRASE,
            user_name="Farida",
            role="caseworker",
            name="Kabul field 1",
            kdf_target_seconds=0,
        )
        field.add_user("Jamshid", "translator", TRANSLATOR_PASSPHRASE)
        ids = demo.fill(field, 60, seed=7)
        chosen = best_case(field, ids)
        name_the_translator(field, chosen)
        refused = [i for i in ids[50:] if i != chosen][:2]
        refuse_consent(field, refused)
        office, _code = Vault.create(
            root / "office",
            PASSPHRASE,
            user_name="Omar",
            role="coordinator",
            name="Islamabad office",
            kdf_target_seconds=0,
        )
        field_keys, office_keys = load(field.conn), load(office.conn)
        TrustStore(field).add_recipient("Islamabad office", office_keys.age_recipient)
        counsel = str(pyrage.x25519.Identity.generate().to_public())
        TrustStore(field).add_recipient(
            "Counsel (Smith & Rahimi LLP)", counsel, withheld_names=True
        )
        TrustStore(office).add_device("Kabul field 1", field_keys.signing_key)
        bundles = exchange(root, field, office, ids)
        field.close()
        office.close()
        return cls(
            root=root,
            field=root / "field-laptop",
            field_code=code,
            ids=ids,
            chosen=chosen,
            refused=refused,
            office=root / "office",
            office_signing_key=office_keys.signing_key,
            bundles=bundles,
        )


def best_case(vault: Vault, ids: list[str]) -> str:
    """A case that shows a lot: an image, a Dari statement, documents, a family."""
    store = CaseStore(vault)

    def score(case_id: str) -> tuple[bool, bool, bool, int]:
        doc = store.document(case_id)
        files = [a for e in doc["evidence"] for a in e["attachments"]]
        return (
            any(a["media_type"].startswith("image/") for a in files),
            any(s["language"] == "fa-AF" for s in doc["statements"]),
            bool(doc["identity_documents"]),
            len(doc["people"]),
        )

    return max(ids, key=score)


def dari_statement(vault: Vault, case_id: str) -> Any:
    statements = CaseStore(vault).children(case_id, "statement")
    return next((s for s in statements if s.body.get("language") == "fa-AF"), statements[0])


def name_the_translator(vault: Vault, case_id: str) -> None:
    """The Dari statement names Jamshid as its translator: he certifies it in the shots."""
    statement = dari_statement(vault, case_id)
    translation = {**statement.body["translation"], "translator": TRANSLATOR}
    with vault.transaction():
        RecordStore(vault).update(statement.id, {**statement.body, "translation": translation})


def refuse_consent(vault: Vault, case_ids: list[str]) -> None:
    """The first case's consent withdrawn, the other's never recorded: export refuses both."""
    records = RecordStore(vault)
    with vault.transaction():
        for n, case_id in enumerate(case_ids):
            for consent in CaseStore(vault).children(case_id, "consent"):
                if n == 0:
                    records.update(consent.id, {**consent.body, "withdrawn_on": "2026-11-20"})
                else:
                    records.delete(consent.id)


def edit_person(vault: Vault, case_id: str, **changes: str) -> None:
    person = CaseStore(vault).children(case_id, "person")[0]
    with vault.transaction():
        RecordStore(vault).update(person.id, {**person.body, **changes})


def exchange(root: Path, field: Vault, office: Vault, ids: list[str]) -> list[Path]:
    """Bundles for the office: Kabul's, Herat's (a conflict in it), a stranger's."""
    to_office = [RecipientRef("Islamabad office", load(office.conn).age_recipient, "")]
    shared = ids[20:22]  # Kabul's cases that also went to Herat
    export_bundle(field, to_office, root / "kabul-1-earlier.intake", shared)
    import_bundle(office, root / "kabul-1-earlier.intake")
    export_bundle(field, to_office, root / "kabul-1.intake", ids[:20])

    herat, _code = Vault.create(
        root / "herat",
        PASSPHRASE,
        user_name="Bashir",
        role="caseworker",
        name="Herat field 2",
        kdf_target_seconds=0,
    )
    herat_keys = load(herat.conn)
    TrustStore(office).add_recipient("Herat field 2 recipient", herat_keys.age_recipient)
    TrustStore(herat).add_device("Islamabad office", load(office.conn).signing_key)
    to_herat = [RecipientRef("Herat field 2 recipient", herat_keys.age_recipient, "")]
    export_bundle(office, to_herat, root / "office-to-herat.intake", shared)
    import_bundle(herat, root / "office-to-herat.intake")
    # Both sides change the same person since: a conflict, two fields apart.
    edit_person(herat, shared[0], notes="Seen again in Herat.", contact="+93 799 000 111 (cousin)")
    edit_person(herat, shared[1], notes="Moved to a relative's house in Herat.")
    edit_person(office, shared[0], notes="Called back from Islamabad on 2026-11-24.")
    export_bundle(herat, to_office, root / "herat-2.intake", shared)
    TrustStore(office).add_device("Herat field 2", herat_keys.signing_key)
    herat.close()

    stranger, _code = Vault.create(
        root / "stranger",
        PASSPHRASE,
        user_name="X",
        role="caseworker",
        name="Herat laptop 3",
        kdf_target_seconds=0,
    )
    demo.fill(stranger, 3, seed=11)
    export_bundle(stranger, to_office, root / "herat-3.intake")
    stranger.close()
    return [root / "kabul-1.intake", root / "herat-2.intake", root / "herat-3.intake"]
