"""The self-test's Qt half, run in a child process (``--self-test --probe qt|xcb``).

Qt aborts the whole process when a platform plugin cannot load, so the
parent never starts Qt itself: it runs this probe and reads one JSON line
per check from its stdout (or, if it died, what it said on stderr).
"""

from __future__ import annotations

import json
from pathlib import Path

from ..core.i18n import _
from .letters import REQUIRED, describe, font_files
from .xcb import explain, libraries_named_in

SAMPLE_TEXT = "ټ ځ څ ډ ړ ږ ښ ګ ڼ ې ۍ — نام\u200cها ۱۲۳"


def _report(check: str, ok: bool, detail: str) -> None:
    print(json.dumps({"check": check, "ok": ok, "detail": detail}), flush=True)


def main(probe: str, fonts: Path) -> int:
    try:
        # The app's own Qt import (every name it uses), so a Qt lacking one fails here.
        from ..ui import qt
    except ImportError as exc:
        missing = libraries_named_in(str(exc))
        reason = explain(missing) if missing else type(exc).__name__
        _report(probe, False, _("Qt cannot be loaded ({reason})").format(reason=reason))
        return 1
    if probe == "xcb":
        app = qt.QGuiApplication(["intake-desktop"])
        _report("xcb", True, app.platformName())
        return 0
    app = qt.QApplication(["intake-desktop"])
    ok = _widgets()
    ok = _fonts(fonts) and ok
    app.quit()
    return 0 if ok else 1


def _widgets() -> bool:
    """A right-to-left label with Pashto text is laid out and painted offscreen."""
    from ..ui.qt import (
        QApplication,
        QGuiApplication,
        QLabel,
        Qt,
        qVersion,  # for the report line only
    )

    platform = QGuiApplication.platformName()
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
    label.setText(SAMPLE_TEXT)
    label.resize(400, 60)
    label.show()
    QApplication.processEvents()
    painted = not label.grab().isNull()
    label.close()
    if platform != "offscreen" or not painted:
        _report(
            "qt",
            False,
            _("platform {platform}, painting {painted}").format(
                platform=platform or "-", painted=_("ok") if painted else _("failed")
            ),
        )
        return False
    unreadable = _unreadable_photo_formats()
    if unreadable:
        _report(
            "qt",
            False,
            _("photos in {formats} cannot be shown (image plugin missing)").format(
                formats=", ".join(unreadable)
            ),
        )
        return False
    from ..ui.widgets.language import qt_catalog

    catalog = qt_catalog("fa_AF")  # Qt's buttons in Dari (and Pashto): packaging keeps it
    if catalog is None:
        _report("qt", False, _("Qt's own Persian translation (qtbase_fa.qm) is missing"))
        return False
    _report("qt", True, f"Qt {qVersion()}; JPEG, TIFF, WebP; {catalog.name}")
    return True


def _unreadable_photo_formats() -> list[str]:
    """Scans and photos are previewed through Qt's image plugins: write and read each."""
    from ..ui.qt import QBuffer, QByteArray, QColor, QImage, QIODevice

    image = QImage(8, 8, QImage.Format.Format_RGB32)
    image.fill(QColor("#2c6e8c"))
    unreadable = []
    for name in ("JPEG", "TIFF", "WEBP"):
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        written = image.save(buffer, name)  # type: ignore[call-overload]  # stub says bytes; str works
        buffer.close()
        if not written or QImage.fromData(data).isNull():
            unreadable.append(name)
    return unreadable


def _fonts(folder: Path) -> bool:
    """Some bundled font covers every Dari and Pashto letter, Persian digits and ZWNJ."""
    # QRawFont answers "has this font file a glyph for this character" with no
    # fallback to other fonts. Only the self-test needs it, so it is imported
    # here rather than re-exported by ui/qt.py for the whole app.
    from ..ui.qt import QFontDatabase, QRawFont

    files = font_files(folder)
    if not files:
        _report(
            "fonts",
            False,
            _("no font is bundled: no .ttf or .otf file under {folder}").format(folder=folder),
        )
        return False
    covering: list[str] = []
    shortfalls: list[str] = []
    for path in files:
        registered = QFontDatabase.addApplicationFont(str(path))
        raw = QRawFont(str(path), 16.0)
        if registered < 0 or not raw.isValid():
            shortfalls.append(_("{font} cannot be loaded").format(font=path.name))
            continue
        # supportsCharacter(str) goes through QChar and answers wrongly for
        # Arabic letters: always ask by code point.
        lacking = [char for char in REQUIRED if not raw.supportsCharacter(ord(char))]
        if lacking:
            shown = ", ".join(describe(char) for char in lacking[:12])
            if len(lacking) > 12:
                shown += " " + _("and {count} more").format(count=len(lacking) - 12)
            shortfalls.append(_("{font} lacks {letters}").format(font=path.name, letters=shown))
        else:
            covering.append(path.name)
    if covering:
        _report("fonts", True, ", ".join(covering))
        return True
    _report(
        "fonts",
        False,
        _("no bundled font covers every Dari and Pashto letter: {details}").format(
            details="; ".join(shortfalls)
        ),
    )
    return False
