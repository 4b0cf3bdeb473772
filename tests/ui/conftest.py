"""GUI tests: real widgets on Qt's offscreen platform, a real vault per test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from intake_desktop.ui.qt import QSettings
from intake_desktop.ui.session import VaultSession
from tests.helpers import make_vault


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
