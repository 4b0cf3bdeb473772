"""The case editor tests' shared pieces: a family case, the editor fixture, save helpers."""

from __future__ import annotations

from typing import Any

from intake_desktop.core.records import RecordStore
from intake_desktop.ui.editor.case_editor import CaseEditor
from intake_desktop.ui.editor.save_state import SaveState
from intake_desktop.ui.qt import (
    QApplication,
    QEvent,
    QKeyEvent,
    Qt,
    QWidget,
)
from intake_desktop.ui.services.session import VaultSession

SAVE_TIMEOUT = 5000  # ms: the debounce is one second


def family_document(people: int = 8, sentinel: str = "") -> dict[str, Any]:
    """A case with ``people`` people and about 30 records in all."""
    tag = f" {sentinel}" if sentinel else ""
    persons = [
        {
            "id": f"p{i}",
            "full_name": f"Person {i}{tag}",
            "role": "principal" if i == 0 else "family_member",
            "names": [
                {"text": f"نام {i}{tag}", "script": "arabic", "language": "fa-AF"},
                {
                    "text": f"Name {i}{tag}",
                    "script": "latin",
                    "kind": "alias",
                    "source": "passport",
                },
            ],
        }
        for i in range(people)
    ]
    return {
        "title": f"Haidari family{tag}",
        "route": "humanitarian_parole",
        "external_ref": f"REF-1{tag}",
        "notes": f"Case notes{tag}",
        "people": persons,
        "relationships": [
            {"person": "p0", "relative": f"p{i}", "kind": "child", "notes": f"rel{tag}"}
            for i in range(1, people)
        ],
        "identity_documents": [
            {"person": f"p{i}", "kind": "tazkira", "number": f"12/34/{i}{tag}"}
            for i in range(min(5, people))
        ],
        "claims": [
            {"kind": "targeted_harm", "summary": f"Threatened{tag}", "people": ["p0"]},
            {"kind": "medical", "summary": f"Needs care{tag}", "people": ["p1"]},
        ],
        "evidence": [
            {"id": f"e{i}", "kind": "letter", "description": f"Letter {i}{tag}"} for i in range(3)
        ],
        "interviews": [
            {"id": f"i{i}", "date": "2024-05-0" + str(i + 1), "place": f"Doha{tag}"}
            for i in range(2)
        ],
        "statements": [
            {
                "speaker": "p0",
                "interview": "i0",
                "language": "fa-AF",
                "text": f"ما از کابل آمدیم{tag}",
                "translation": {"language": "en", "text": f"We came from Kabul{tag}"},
            }
            for _ in range(2)
        ],
        "consents": [
            {"person": "p0", "scope": ["share_with_counsel"], "recipients": [f"Counsel{tag}"]}
        ],
    }


def stored(session: VaultSession, record_id: str) -> Any:
    """A record as a second connection sees it: committed, not just in this one."""
    assert session.vault is not None
    other = session.vault.clone()
    try:
        return RecordStore(other).get(record_id)
    finally:
        other.close()


def select(editor: CaseEditor, kind: str, index: int = 0) -> str:
    item = editor.outline.sections[kind].child(index)
    editor.outline.setCurrentItem(item)
    assert editor.form is editor.forms[kind]
    return str(item.data(0, Qt.ItemDataRole.UserRole + 1))


def line(editor: CaseEditor, kind: str, key: str) -> Any:
    return editor.forms[kind].editor(key).focus_widget()


def type_text(widget: QWidget, text: str) -> None:
    """Key presses carrying any text (QTest's keyClicks only knows Latin-1)."""
    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, char)
            QApplication.sendEvent(widget, event)


def wait_saved(qtbot: Any, editor: CaseEditor) -> Any:
    return qtbot.waitSignal(
        editor.save_state_changed,
        timeout=SAVE_TIMEOUT,
        check_params_cb=lambda s: s == SaveState.SAVED,
    )


# Opening
