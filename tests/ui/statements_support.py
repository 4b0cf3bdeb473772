"""The statement tests' shared pieces: a translator's vault with a Dari statement, its editor."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from intake_desktop.core import attestations
from intake_desktop.core.cases import CaseStore
from intake_desktop.core.vault import Vault
from intake_desktop.ui.editor.case_editor import CaseEditor
from intake_desktop.ui.editor.certify_dialog import CertifyDialog
from intake_desktop.ui.editor.statement_editor import CertificationPanel
from intake_desktop.ui.editor.statement_text import StatementText
from intake_desktop.ui.qt import QSettings, Qt
from intake_desktop.ui.services.session import VaultSession
from tests.helpers import make_vault
from tests.ui.case_editor_support import select, stored, type_text

CASEWORKER_PASSPHRASE = "caseworker passphrase for tests"
DARI = (
    "ما از کابل آمدیم. پدرم در وزارت دفاع کار می‌کرد و بعد از سقوط کابل،"
    " طالبان دو بار به خانهٔ ما آمدند."
)
ENGLISH = (
    "We came from Kabul. My father worked at the Ministry of Defence, and after the fall of"
    " Kabul the Taliban came to our house twice."
)
DOCUMENT: dict[str, Any] = {
    "title": "Ahmadzai family",
    "route": "humanitarian_parole",
    "people": [
        {
            "id": "p1",
            "full_name": "محمد نور احمدزی",
            "names": [{"text": "Mohammad Noor Ahmadzai", "script": "latin", "source": "passport"}],
        }
    ],
    "interviews": [{"id": "i1", "date": "2026-11-02", "place": "Islamabad"}],
    "statements": [
        {
            "speaker": "p1",
            "interview": "i1",
            "language": "fa-AF",
            "date": "2026-11-02",
            "place": "Islamabad",
            "text": DARI,
            "translation": {"language": "en", "text": ENGLISH, "translator": "Zarghuna Safi"},
        }
    ],
}


def open_session(vault: Vault, tmp_path: Path) -> VaultSession:
    settings = QSettings(str(tmp_path / f"{vault.user.name}.ini"), QSettings.Format.IniFormat)
    live = VaultSession(vault.path, settings)
    live._opened(vault)
    return live


def translator_session(tmp_path: Path, document: dict[str, Any]) -> VaultSession:
    """A translator (zarghuna) signed in; the vault also has a caseworker (farida)."""
    vault, code = make_vault(tmp_path / "vault", user_name="zarghuna", role="translator")
    # A translator may not add users (docs/roles.md); the recovery code may.
    with Vault.open_with_recovery(vault.path, code) as recovery:
        recovery.add_user("farida", "caseworker", CASEWORKER_PASSPHRASE)
    CaseStore(vault).add_case(document)
    return open_session(vault, tmp_path)


@pytest.fixture
def translator(qapp: object, tmp_path: Path) -> Iterator[VaultSession]:
    live = translator_session(tmp_path, DOCUMENT)
    yield live
    live.lock()


def make_editor(qtbot: Any, session: VaultSession, size: tuple[int, int] = (1200, 820)) -> Any:
    assert session.vault is not None
    case_id = CaseStore(session.vault).list()[0].id
    widget = CaseEditor(session)
    qtbot.addWidget(widget)
    widget.resize(*size)
    widget.show()
    qtbot.waitExposed(widget)
    widget.open_case(case_id)
    select(widget, "statement", 0)
    return widget


def panel_of(editor: CaseEditor) -> CertificationPanel:
    panel = editor.forms["statement"].editor("certification")
    assert isinstance(panel, CertificationPanel)
    return panel


def pair_of(editor: CaseEditor) -> StatementText:
    pair = editor.forms["statement"].editor("text").pair  # type: ignore[attr-defined]
    assert isinstance(pair, StatementText)
    return pair


def state(session: VaultSession, record_id: str, kind: str = "certification") -> str:
    assert session.vault is not None
    body = stored(session, record_id).body
    return str(attestations.status(body, kind, attestations.trusted_keys(session.vault)).state)


def certify_through_the_dialog(qtbot: Any, editor: CaseEditor, name: str = "") -> CertifyDialog:
    panel = panel_of(editor)
    assert panel.certify_button.isEnabled()
    qtbot.mouseClick(panel.certify_button, Qt.MouseButton.LeftButton)
    dialog = editor.statement_actions.dialog
    assert isinstance(dialog, CertifyDialog) and dialog.isVisible()
    if name:
        dialog.name.clear()
        assert not dialog.ok.isEnabled()  # no name: nothing to sign
        type_text(dialog.name, name)
    return dialog
