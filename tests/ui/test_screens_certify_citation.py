"""The regulation cited in the certify dialog reads "(8 CFR 1003.33)" in Dari and Pashto.

The note under the translator's details split "(8 CFR 1003.33)" across two
lines, with its parts and parentheses reordered by the right-to-left
sentence around it. The citation is now one isolated unit with no-break
spaces. The certificate that is signed is English and never cites it: it
is unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtGui import QTextLayout  # only the tests lay text out by hand

from intake_desktop.core.i18n import ENGLISH
from intake_desktop.ui.editor.certify_dialog import CertifyDialog
from intake_desktop.ui.qt import QApplication, QLabel, Qt, QTextOption
from intake_desktop.ui.services.vocabulary import certificate_text
from intake_desktop.ui.widgets.language import InterfaceLanguage
from tests.ui.rendering import label_shows

STATEMENT = {
    "language": "fa-AF",
    "text": "من از سال ۲۰۱۶ تا ۲۰۲۱ خبرنگار بودم.",
    "translation": {"language": "en", "text": "From 2016 until 2021 I worked as a journalist."},
}


@pytest.fixture
def interface(qapp: QApplication) -> Iterator[InterfaceLanguage]:
    live = InterfaceLanguage(qapp)
    yield live
    live.apply(ENGLISH)


def the_note(dialog: CertifyDialog) -> QLabel:
    return next(label for label in dialog.findChildren(QLabel) if "CFR" in label.text())


def lines_at(label: QLabel, width: int) -> list[str]:
    """The label's text wrapped at ``width``, line by line, as Qt breaks it."""
    layout = QTextLayout(label.text(), label.font())
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WordWrap)
    layout.setTextOption(option)
    lines = []
    layout.beginLayout()
    while (line := layout.createLine()).isValid():
        line.setLineWidth(width)
        lines.append(label.text()[line.textStart() : line.textStart() + line.textLength()])
    layout.endLayout()
    return lines


@pytest.mark.parametrize("code", ["fa_AF", "ps", ENGLISH])
def test_the_citation_reads_in_order_and_stays_on_one_line(
    qtbot, interface: InterfaceLanguage, code: str
) -> None:
    interface.apply(code)
    dialog = CertifyDialog(STATEMENT, None, "Jamshid Karimi")
    qtbot.addWidget(dialog)
    note = the_note(dialog)
    shown = label_shows(note)
    # Its letters and digits in stored order, whatever the sentence's direction.
    assert "8CFR1003.33" in shown, shown
    for width in range(120, 700, 7):
        pieces = [line for line in lines_at(note, width) if "CFR" in line or "1003" in line]
        assert len(pieces) == 1 and "8" in pieces[0].split("CFR")[0], (width, pieces)


def test_the_signed_certificate_is_unchanged(qtbot, interface: InterfaceLanguage) -> None:
    interface.apply("fa_AF")
    dialog = CertifyDialog(STATEMENT, None, "Jamshid Karimi")
    qtbot.addWidget(dialog)
    assert dialog.certificate.toPlainText() == (
        "I, Jamshid Karimi, certify that I am competent to translate from Dari into English, "
        "and that the English translation above is a full, complete and accurate translation "
        "of the statement in Dari."
    )
    assert dialog.certificate.toPlainText() == certificate_text("Jamshid Karimi", "fa-AF")
    assert dialog.layoutDirection() == Qt.LayoutDirection.RightToLeft
