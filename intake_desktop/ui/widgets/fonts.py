"""The fonts shipped in resources/fonts, loaded before the first window.

A fresh Windows or a minimal Linux may have no font with every Pashto
letter (ټ ځ څ ډ ړ ږ ښ ګ ڼ ې ۍ); Qt would draw boxes. So the app registers
its own Noto Sans Arabic (interface) and Noto Naskh Arabic (statements) and
makes the interface font fall back to Noto Sans Arabic for Arabic script.
"""

from __future__ import annotations

import logging

from ...resources import resource_path
from ..qt import QApplication, QFont, QFontDatabase

log = logging.getLogger(__name__)

UI_ARABIC = "Noto Sans Arabic"
DOCUMENT_ARABIC = "Noto Naskh Arabic"


def load_bundled_fonts(app: QApplication) -> list[str]:
    """Register every bundled font; returns the families now available."""
    families: list[str] = []
    folder = resource_path("fonts")
    for path in sorted(folder.glob("*.[ot]tf")) if folder.is_dir() else []:
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id < 0:
            log.warning("a bundled font could not be loaded")
            continue
        families.extend(QFontDatabase.applicationFontFamilies(font_id))
    if UI_ARABIC in families:
        base = app.font().family()
        QFont.insertSubstitutions(base, [UI_ARABIC, *QFont.substitutes(base)])
    return sorted(set(families))
