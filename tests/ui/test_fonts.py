"""The bundled fonts draw every Dari and Pashto letter."""

from __future__ import annotations

from intake_desktop.ui.qt import QApplication, QFont, QFontDatabase
from intake_desktop.ui.widgets.fonts import DOCUMENT_ARABIC, UI_ARABIC, load_bundled_fonts

PASHTO = "ټځڅډړږښګڼېۍ"
DARI = "ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی"
EXTRA = "آأؤئءةۀ۰۱۲۳۴۵۶۷۸۹\u200c"  # hamza forms, Persian digits, ZWNJ


def test_the_bundled_fonts_cover_every_letter(qapp: QApplication) -> None:
    families = load_bundled_fonts(qapp)
    assert {UI_ARABIC, DOCUMENT_ARABIC} <= set(families)
    from intake_desktop.ui.qt import QRawFont

    for family in (UI_ARABIC, DOCUMENT_ARABIC):
        raw = QRawFont.fromFont(QFont(family, 14))
        assert raw.isValid() and raw.familyName() == family
        missing = [ch for ch in PASHTO + DARI + EXTRA if not raw.supportsCharacter(ord(ch))]
        assert missing == [], (family, missing)
    assert UI_ARABIC.lower() in [f.lower() for f in QFont.substitutes(qapp.font().family())]
    assert QFontDatabase.hasFamily(UI_ARABIC)
