"""A statement's language is named in the outline and the record heading ("Dari").

They read "Mohd Sediqi · fa-AF · 2022-06-01" while the form offers the
language by name: the outline label (which the heading repeats) now names
it as the form does, in the interface's language.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from intake_desktop.core.cases import CaseStore
from intake_desktop.core.i18n import ENGLISH, _
from intake_desktop.ui.editor.case_editor import CaseEditor
from intake_desktop.ui.qt import QApplication
from intake_desktop.ui.services.session import VaultSession
from intake_desktop.ui.widgets.bidi import COPY_ROLE
from intake_desktop.ui.widgets.language import InterfaceLanguage
from tests.ui.case_editor_support import family_document, select
from tests.ui.rendering import ink, label_shows

NAMES = {"fa-AF": "Dari", "ps": "Pashto", "en": "English"}


@pytest.fixture
def interface(qapp: QApplication) -> Iterator[InterfaceLanguage]:
    live = InterfaceLanguage(qapp)
    yield live
    live.apply(ENGLISH)


@pytest.mark.parametrize("code", [ENGLISH, "fa_AF", "ps"])
def test_the_outline_and_heading_name_the_statement_language(
    qtbot, session: VaultSession, interface: InterfaceLanguage, code: str
) -> None:
    interface.apply(code)
    document = family_document(people=2)
    document["statements"][1]["language"] = "ps"
    document["statements"][1]["translation"]["language"] = "en"
    assert session.vault is not None
    case_id = CaseStore(session.vault).add_case(document)
    editor = CaseEditor(session)
    qtbot.addWidget(editor)
    editor.resize(1100, 760)
    editor.show()
    qtbot.waitExposed(editor)
    editor.open_case(case_id)
    section = editor.outline.sections["statement"]
    for index, tag in enumerate(("fa-AF", "ps")):
        item = section.child(index)
        label = item.text(0)
        name = _(NAMES[tag])
        assert name in label and tag not in label, label
        assert name in item.data(0, COPY_ROLE)  # Ctrl+C copies the same words
        select(editor, "statement", index)
        heading = editor.record_heading.text()
        assert heading == label and tag not in heading
        assert ink(name)[:: -1 if code != ENGLISH else 1] in label_shows(editor.record_heading)
    editor.flush()
