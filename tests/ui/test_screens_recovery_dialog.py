"""The forgotten-passphrase dialog opens at its content's height, its fields in one column.

It opened about 250 px taller than what it showed (room kept empty for a
hint, an error and a message that might come), and its two passphrase
fields started further right than the recovery code and User fields (two
forms, two label widths). Now nothing is kept empty: the dialog grows when
a hint or an error appears, and every field starts at the same place.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from intake_desktop.core.i18n import ENGLISH
from intake_desktop.ui.access.recovery_dialog import RecoveryDialog
from intake_desktop.ui.jobs.job import Jobs
from intake_desktop.ui.qt import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QProgressBar,
    QSettings,
    QWidget,
)
from intake_desktop.ui.services.session import VaultSession
from intake_desktop.ui.widgets.language import InterfaceLanguage
from tests.helpers import make_vault

LANGUAGES = pytest.mark.parametrize("code", [ENGLISH, "fa_AF"])
NEW = "mountain kettle ninety willow"


@pytest.fixture
def interface(qapp: QApplication) -> Iterator[InterfaceLanguage]:
    live = InterfaceLanguage(qapp)
    yield live
    live.apply(ENGLISH)


@pytest.fixture
def recovery(
    qtbot, tmp_path: Path, settings: QSettings, interface: InterfaceLanguage
) -> Iterator[tuple[VaultSession, str]]:
    vault, code = make_vault(tmp_path / "vault")
    vault.add_user("tamana", "translator", "tamana's old passphrase")
    vault.close()
    session = VaultSession(tmp_path / "vault", settings)
    yield session, code
    qtbot.waitUntil(lambda: not Jobs.of_app().running, timeout=60_000)


@pytest.fixture
def host(qtbot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


def opened(qtbot, session: VaultSession, host: QWidget) -> RecoveryDialog:
    dialog = RecoveryDialog(session, host)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def shown_bottom(dialog: RecoveryDialog) -> int:
    """Where what the body shows ends: its last field, or its last label that says
    something (an empty label shows nothing), in the dialog's coordinates."""
    bottom = 0
    for widget in dialog.body.content.findChildren(QWidget):
        if not widget.isVisible() or widget.parentWidget() is None:
            continue
        if isinstance(widget, QLabel) and not widget.text():
            continue
        if isinstance(widget, QLabel | QLineEdit | QComboBox | QProgressBar):
            corner = widget.mapTo(dialog, widget.rect().bottomLeft())
            bottom = max(bottom, corner.y())
    return bottom


def buttons_top(dialog: RecoveryDialog) -> int:
    tops = [
        b.mapTo(dialog, b.rect().topLeft()).y()
        for b in dialog.buttons.findChildren(QAbstractButton)
    ]
    return min([*tops, dialog.reason.mapTo(dialog, dialog.reason.rect().topLeft()).y()])


@LANGUAGES
def test_it_opens_at_its_contents_height_with_one_column_of_fields(
    qtbot,
    recovery: tuple[VaultSession, str],
    host: QWidget,
    interface: InterfaceLanguage,
    code: str,
) -> None:
    interface.apply(code)
    session, recovery_code = recovery
    dialog = opened(qtbot, session, host)
    fields = (dialog.code, dialog.user, dialog.entry.first, dialog.entry.second)
    rtl = dialog.isRightToLeft()
    starts = {
        f.mapTo(dialog, f.rect().topRight() if rtl else f.rect().topLeft()).x() for f in fields
    }
    assert len(starts) == 1, starts  # every field starts where the others do
    line = dialog.fontMetrics().lineSpacing()
    # Below the last thing shown, only the line kept for a message ("Checking…").
    band = 2 * line + 16
    assert buttons_top(dialog) - shown_bottom(dialog) <= band, "an empty band"

    # As the screenshot has it: the code typed, a user chosen, a good passphrase twice.
    dialog.code.setText(recovery_code)
    qtbot.waitUntil(lambda: dialog.user.count() == 2, timeout=60_000)
    dialog.user.setCurrentIndex(0)
    dialog.entry.first.setText(NEW)
    dialog.entry.second.setText(NEW)
    assert "48" in dialog.entry.verdict.text()  # "Strength: Good (about 48 bits)."
    qtbot.waitUntil(lambda: buttons_top(dialog) - shown_bottom(dialog) <= band)


def test_a_refusal_that_appears_is_shown_whole(
    qtbot, recovery: tuple[VaultSession, str], host: QWidget
) -> None:
    session, _code = recovery
    dialog = opened(qtbot, session, host)
    before = dialog.height()
    dialog.entry.first.setText("aaaaaaaaaaaa")  # weak: advice appears under the meter
    dialog.entry.second.setText("b")
    assert dialog.entry.take() is None  # not the same: the error appears
    error, advice = dialog.entry.error, dialog.entry.advice
    viewport = dialog.body.viewport()

    def in_sight(widget: QWidget) -> bool:
        box = widget.rect()
        top, bottom = (
            widget.mapTo(viewport, box.topLeft()),
            widget.mapTo(viewport, box.bottomRight()),
        )
        return (
            widget.isVisible()
            and viewport.rect().contains(top)
            and viewport.rect().contains(bottom)
        )

    assert error.text() and advice.text()
    # It grows to show them, rather than scroll them out of sight.
    qtbot.waitUntil(lambda: dialog.height() > before)
    qtbot.waitUntil(lambda: in_sight(error) and in_sight(advice))
    assert error.height() >= error.heightForWidth(error.width())  # whole, not squeezed
