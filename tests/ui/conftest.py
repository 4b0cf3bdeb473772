"""GUI tests: real widgets on Qt's offscreen platform, a real vault per test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from intake_desktop.core.cases import CaseStore
from intake_desktop.ui.editor.case_editor import CaseEditor
from intake_desktop.ui.jobs.job import Jobs
from intake_desktop.ui.qt import QSettings
from intake_desktop.ui.services.session import VaultSession
from tests.helpers import make_vault
from tests.ui.case_editor_support import family_document


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    """Preferences in a file under tmp_path: tests never touch the user's settings."""
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def session(qapp: object, tmp_path: Path, settings: QSettings) -> Iterator[VaultSession]:
    """An unlocked session on a fresh vault (created directly: the wizard has its own tests)."""
    path = tmp_path / "vault"
    vault, _code = make_vault(path)
    live = VaultSession(path, settings)
    live._opened(vault)
    yield live
    live.lock()


@pytest.fixture
def locked_session(qapp: object, tmp_path: Path, settings: QSettings) -> Iterator[VaultSession]:
    path = tmp_path / "vault"
    make_vault(path)[0].close()
    live = VaultSession(path, settings)
    yield live
    live.lock()


# The case editor on a family case (tests/ui/test_case_editor*.py).


@pytest.fixture
def case_id(session: VaultSession) -> str:
    assert session.vault is not None
    return CaseStore(session.vault).add_case(family_document())


@pytest.fixture
def editor(qtbot: Any, session: VaultSession, case_id: str) -> Iterator[CaseEditor]:
    widget = CaseEditor(session)
    qtbot.addWidget(widget)
    widget.resize(1100, 760)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow)
    widget.open_case(case_id)
    yield widget
    widget.flush()


# The export and import dialogs (tests/ui/test_bundle_dialogs*.py).


@pytest.fixture
def coord(qapp: object, tmp_path: Path, settings: QSettings) -> Iterator[VaultSession]:
    """The coordinator's vault, a second session beside the ``session`` fixture's."""
    path = tmp_path / "coord"
    vault, _code = make_vault(path, user_name="cora", role="coordinator", name="Office")
    live = VaultSession(path, settings)
    live._opened(vault)
    yield live
    live.lock()


@pytest.fixture
def jobs_end(qtbot: object) -> Iterator[None]:
    """No test leaves a bundle thread running into the next one (or into tmp_path cleanup)."""
    yield
    qtbot.waitUntil(lambda: not Jobs.of_app().running, timeout=120_000)
