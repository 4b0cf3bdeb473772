"""A person received without the name withheld from this vault is shown read-only.

The office is not cleared for withheld names, so the field laptop's bundle
brings the principal with the name left out (core: docs/bundle-format.md).
The editor says why and lets nobody type there; the next person is editable.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from intake_desktop.core import identity
from intake_desktop.core.bundle import importer
from intake_desktop.core.cases import CaseStore
from intake_desktop.core.trust import TrustStore
from intake_desktop.ui.editor.case_editor import CaseEditor
from intake_desktop.ui.services.session import VaultSession
from tests.bundle_forge import export_to
from tests.helpers import make_vault

CASE = {
    "title": "Family K",
    "route": "humanitarian_parole",
    "people": [
        {"full_name": "Hidden Name", "name_withheld": True, "pseudonym": "Applicant K-12"},
        {"full_name": "Named Child"},
    ],
    "consents": [{"scope": ["share_with_counsel"]}],
}


def test_a_redacted_person_opens_read_only_with_the_reason(
    qtbot: Any, session: VaultSession, tmp_path: Path
) -> None:
    office = session.vault
    assert office is not None
    field, _ = make_vault(tmp_path / "field")
    try:
        TrustStore(office).add_device("Field", identity.load(field.conn).signing_key)
        case_id = CaseStore(field).add_case(CASE)
        bundle = tmp_path / "k.intake"
        export_to(field, office, bundle)  # "target": not cleared for withheld names
    finally:
        field.close()
    assert importer.import_bundle(office, bundle).status == importer.MERGED
    editor = CaseEditor(session)
    qtbot.addWidget(editor)
    editor.resize(1100, 760)
    editor.show()
    editor.open_case(case_id)
    hidden, child = CaseStore(office).children(case_id, "person")
    editor._select(editor.outline.item_for(hidden.id))
    assert editor.form is not None and not editor.form.isEnabled()
    assert editor.message.isVisible() and "withheld" in editor.message.label.text()
    assert editor.delete_button.isEnabled()
    editor._select(editor.outline.item_for(child.id))
    assert editor.form is not None and editor.form.isEnabled()
