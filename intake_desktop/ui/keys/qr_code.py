"""A QR code of a public key, drawn module by module for another device's camera.

segno builds the symbol (error correction level M: a phone camera reading a
laptop screen copes with glare and moiré); we draw its module matrix with
QPainter as crisp black squares on white, inside the four-module quiet zone
the QR standard asks for. Only public keys are ever encoded.
"""

from __future__ import annotations

from ..qt import QColor, QImage, QPainter, QPixmap, QRect, Qt

QUIET_ZONE = 4  # modules of white around the symbol (ISO/IEC 18004)
# At 96 dpi a version 4 code (age recipients) is 164 px square: about 4 cm on a
# 14-inch 1366x768 screen, which phone cameras read, and the Keys dialog fits.
MODULE_PX = 4


def qr_modules(text: str) -> list[list[bool]]:
    """Dark (True) or light per module, quiet zone included, rows top to bottom."""
    # Imported here, not at the top: segno costs ~60 ms, and the main window
    # imports this module at start, long before anyone opens Keys.
    import segno

    symbol = segno.make_qr(text, error="m")
    return [[bool(dark) for dark in row] for row in symbol.matrix_iter(scale=1, border=QUIET_ZONE)]


def qr_image(text: str, module_px: int = MODULE_PX) -> QImage:
    modules = qr_modules(text)
    size = len(modules) * module_px
    image = QImage(size, size, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    dark = [
        QRect(x * module_px, y * module_px, module_px, module_px)
        for y, row in enumerate(modules)
        for x, is_dark in enumerate(row)
        if is_dark
    ]
    painter = QPainter(image)
    try:
        # One call for all modules; no antialiasing, so every edge is a pixel edge.
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("black"))
        painter.drawRects(dark)
    finally:
        painter.end()
    return image


def qr_pixmap(text: str, module_px: int = MODULE_PX, device_pixel_ratio: float = 1.0) -> QPixmap:
    """A pixmap drawn at the screen's real resolution, so module edges stay sharp."""
    scale = max(1, round(module_px * device_pixel_ratio))
    pixmap = QPixmap.fromImage(qr_image(text, scale))
    pixmap.setDevicePixelRatio(scale / module_px)
    return pixmap
