"""Pages drawn with Qt: text documents, divider sheets, scanned images, footers.

Everything is painted on a QPdfWriter over a QBuffer: the pages never touch
the disk. Case text goes in through QTextCursor.insertText, never as HTML,
so nothing typed can become markup. Only QImage is used (never QPixmap), so
this runs on a worker thread as well as on the GUI thread.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QIODevice,
    QMarginsF,
    QRectF,
    QSize,
    QSizeF,
    Qt,
)
from PySide6.QtGui import (
    QFont,
    QFontDatabase,
    QGuiApplication,
    QImage,
    QImageIOHandler,
    QImageReader,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
    QTextLength,
    QTextTableFormat,
)

from ..core.i18n import starts_right_to_left
from ..resources import resource_path

DPI = 300
IMAGE_DPI = 200  # scans are drawn at most this sharp: legible, and a 50-page case stays small
INCH = DPI
PAGE_W, PAGE_H = int(8.5 * INCH), 11 * INCH  # US Letter: what USCIS takes
MARGIN = int(0.75 * INCH)
FOOTER_BAND = int(0.5 * INCH)  # kept clear at the bottom of every page drawn here
TEXT_W = PAGE_W - 2 * MARGIN
TEXT_H = PAGE_H - 2 * MARGIN - FOOTER_BAND

LATIN = ["Noto Sans", "DejaVu Sans", "Liberation Sans", "Arial", "Helvetica"]
ARABIC = ["Noto Naskh Arabic", *LATIN]  # bundled: every Dari and Pashto letter
# English lines with names in Dari or Pashto: Latin first, the bundled Naskh for Arabic script.
MIXED = ["Noto Sans", "Noto Naskh Arabic", *LATIN[1:]]
MONO = ["DejaVu Sans Mono", "Liberation Mono", "Courier New", "Courier"]

# A number with separators (a tazkira number, a Latin date) inside right-to-left
# text: isolated left to right for display, so "1-0123-4567" is not shown as
# "4567-0123-1". Only what is drawn changes; the stored text is attached as is.
_NUMBER_RUN = re.compile(r"[0-9۰-۹٠-٩]+(?:[-–/.:][0-9۰-۹٠-٩]+)+")
LRI, PDI = "\u2066", "\u2069"


def load_fonts() -> None:
    """The bundled Arabic-script fonts, once (Qt keeps them for the process)."""
    if "Noto Naskh Arabic" in QFontDatabase.families():
        return
    folder = resource_path("fonts")
    for path in sorted(folder.glob("*.[ot]tf")) if folder.is_dir() else []:
        QFontDatabase.addApplicationFont(str(path))


def has_gui() -> bool:
    return QGuiApplication.instance() is not None


class CaseText(str):
    """Text as typed (a statement, a description): laid out in its own direction.

    Everything else the packet writes (labels, names put into English
    sentences) is a left-to-right English line in which Dari or Pashto runs
    sit as they are.
    """


def font(families: list[str], points: float, bold: bool = False) -> QFont:
    chosen = QFont()
    chosen.setFamilies(families)
    chosen.setPointSizeF(points)
    chosen.setBold(bold)
    # No optional ligatures ("fi"): English must come out of the text layer letter
    # for letter. Arabic script keeps its required ones (rlig: lam-alef).
    for tag in ("liga", "clig", "dlig"):
        chosen.setFeature(QFont.Tag(tag), 0)
    return chosen


def _rtl(text: str) -> bool:
    return isinstance(text, CaseText) and starts_right_to_left(text)


def isolate_numbers(text: str) -> str:
    return _NUMBER_RUN.sub(lambda m: LRI + m.group(0) + PDI, text)


class Document:
    """A QTextDocument built paragraph by paragraph, laid out for a Letter page at 300 dpi."""

    def __init__(self, writer: QPdfWriter) -> None:
        self.doc = QTextDocument()
        self.doc.documentLayout().setPaintDevice(writer)  # else text is laid out at 96 dpi
        self.doc.setDocumentMargin(0)
        self.doc.setPageSize(QSizeF(TEXT_W, TEXT_H))
        self.cursor = QTextCursor(self.doc)
        self._first = True

    def _block(
        self, rtl: bool, top: float = 0, bottom: float = 6, page_break: bool = False
    ) -> None:
        block = QTextBlockFormat()
        block.setLayoutDirection(
            Qt.LayoutDirection.RightToLeft if rtl else Qt.LayoutDirection.LeftToRight
        )
        align = Qt.AlignmentFlag.AlignRight if rtl else Qt.AlignmentFlag.AlignLeft
        block.setAlignment(align | Qt.AlignmentFlag.AlignAbsolute)
        block.setTopMargin(top * DPI / 72)
        block.setBottomMargin(bottom * DPI / 72)
        if page_break:
            block.setPageBreakPolicy(QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
        if self._first:
            self.cursor.setBlockFormat(block)
            self._first = False
        else:
            self.cursor.insertBlock(block)

    def text(
        self,
        text: str,
        points: float = 10.5,
        bold: bool = False,
        families: list[str] | None = None,
        top: float = 0,
        bottom: float = 6,
        page_break: bool = False,
    ) -> None:
        """Plain text, one paragraph per line, each in the direction of its first strong letter."""
        lines = text.split("\n") or [""]
        for index, line in enumerate(lines):
            rtl = _rtl(CaseText(line)) if isinstance(text, CaseText) else False
            chosen = families or (ARABIC if rtl else MIXED if _has_arabic(line) else LATIN)
            last = index == len(lines) - 1
            self._block(
                rtl, top if index == 0 else 0, bottom if last else 1, page_break and index == 0
            )
            fmt = QTextCharFormat()
            fmt.setFont(font(chosen, points, bold))
            self.cursor.insertText(isolate_numbers(line) if rtl else line, fmt)

    def heading(self, text: str, points: float = 15, page_break: bool = False) -> None:
        self.text(text, points, bold=True, top=8, bottom=8, page_break=page_break)

    def table(
        self, rows: Sequence[tuple[str, ...]], widths: list[float], header: bool = False
    ) -> None:
        """A table of plain text cells (widths in percent)."""
        if not rows:
            return
        self._block(False, 0, 0)
        fmt = QTextTableFormat()
        fmt.setCellPadding(8)
        fmt.setCellSpacing(0)
        fmt.setBorder(1)
        fmt.setBorderCollapse(True)
        fmt.setWidth(QTextLength(QTextLength.Type.PercentageLength, 100))
        fmt.setColumnWidthConstraints(
            [QTextLength(QTextLength.Type.PercentageLength, w) for w in widths]
        )
        if header:
            fmt.setHeaderRowCount(1)
        table = self.cursor.insertTable(len(rows), len(widths), fmt)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                cell = table.cellAt(r, c).firstCursorPosition()
                rtl = _rtl(value)
                block = QTextBlockFormat()
                block.setLayoutDirection(
                    Qt.LayoutDirection.RightToLeft if rtl else Qt.LayoutDirection.LeftToRight
                )
                block.setAlignment(
                    (Qt.AlignmentFlag.AlignRight if rtl else Qt.AlignmentFlag.AlignLeft)
                    | Qt.AlignmentFlag.AlignAbsolute
                )
                cell.setBlockFormat(block)
                char = QTextCharFormat()
                chosen = ARABIC if rtl else MIXED if _has_arabic(value) else LATIN
                if c == len(row) - 1 and re.fullmatch(r"[0-9a-f]{64}", value):
                    chosen = MONO
                char.setFont(font(chosen, 9.5, bold=header and r == 0))
                cell.insertText(isolate_numbers(value) if rtl else value, char)
        self.cursor.movePosition(QTextCursor.MoveOperation.End)
        self._first = False

    def page_count(self) -> int:
        return int(self.doc.pageCount())


def _has_arabic(text: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" or "\ufb50" <= ch <= "\ufeff" for ch in text)


@dataclass
class Image:
    """A scan or photo decoded at most at IMAGE_DPI for the page, turned as its EXIF says."""

    image: QImage | None
    problem: str = ""  # why it could not be drawn (English, for the packet)


def decode_image(data: bytes) -> Image:
    """Decode only as large as the page needs: a 2480x3508 scan is never held whole."""
    array = QByteArray(data)
    buffer = QBuffer(array)
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer)
    reader.setAutoTransform(True)
    size = reader.size()
    if not reader.canRead() or not size.isValid() or size.isEmpty():
        return Image(None, "not a readable image")
    turned = bool(reader.transformation() & QImageIOHandler.Transformation.TransformationRotate90)
    shown_w, shown_h = (size.height(), size.width()) if turned else (size.width(), size.height())
    box_w = TEXT_W * IMAGE_DPI / DPI
    box_h = (TEXT_H - 0.4 * INCH) * IMAGE_DPI / DPI
    scale = min(1.0, box_w / shown_w, box_h / shown_h)
    if scale < 1.0:
        reader.setScaledSize(
            QSize(max(1, round(size.width() * scale)), max(1, round(size.height() * scale)))
        )
    image = reader.read()
    buffer.close()
    if image.isNull():
        return Image(None, "the image could not be decoded")
    return Image(image)


class PageWriter:
    """Letter pages painted into a PDF in memory; ``finish()`` gives its bytes."""

    def __init__(self) -> None:
        self._data = QByteArray()
        self._buffer = QBuffer(self._data)
        self._buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        self.writer = QPdfWriter(self._buffer)
        self.writer.setCreator("intake-desktop")
        self.writer.setPageSize(QPageSize(QPageSize.PageSizeId.Letter))
        self.writer.setPageMargins(QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Point)
        self.writer.setResolution(DPI)
        self._painter: QPainter | None = None
        self.pages = 0

    def _page(self) -> QPainter:
        if self._painter is None:
            self._painter = QPainter(self.writer)
            self._painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        else:
            self.writer.newPage()
        self.pages += 1
        return self._painter

    def document(self, document: Document) -> int:
        """Every page of ``document``; how many."""
        count = document.page_count()
        for index in range(count):
            painter = self._page()
            painter.save()
            painter.translate(MARGIN, MARGIN - index * TEXT_H)
            document.doc.drawContents(painter, QRectF(0, index * TEXT_H, TEXT_W, TEXT_H))
            painter.restore()
        return count

    def divider(self, label: str, title: str) -> None:
        """A plain divider sheet: USCIS asks for these rather than tabs."""
        painter = self._page()
        painter.setFont(font(LATIN, 54, bold=True))
        painter.drawText(
            QRectF(MARGIN, PAGE_H * 0.3, TEXT_W, 1.5 * INCH),
            int(Qt.AlignmentFlag.AlignCenter),
            label,
        )
        painter.setFont(font(MIXED if _has_arabic(title) else LATIN, 13))
        painter.drawText(
            QRectF(MARGIN, PAGE_H * 0.3 + 1.7 * INCH, TEXT_W, 2 * INCH),
            int(
                Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap
            ),
            title,
        )

    def image(self, image: QImage, caption: str) -> None:
        """One scan or photo on its own page, as large as fits, with a caption above it."""
        painter = self._page()
        painter.setFont(font(MIXED if _has_arabic(caption) else LATIN, 9))
        caption_h = 0.4 * INCH
        painter.drawText(
            QRectF(MARGIN, MARGIN, TEXT_W, caption_h),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop),
            caption,
        )
        box = QRectF(MARGIN, MARGIN + caption_h, TEXT_W, TEXT_H - caption_h)
        scale = min(box.width() / image.width(), box.height() / image.height())
        w, h = image.width() * scale, image.height() * scale
        target = QRectF(box.x() + (box.width() - w) / 2, box.y(), w, h)
        painter.drawImage(target, image)

    def finish(self) -> bytes:
        if self._painter is None:
            self._page()  # a PDF needs a page; callers never ask for an empty one
        if self._painter is not None:
            self._painter.end()
        self._buffer.close()
        return bytes(self._data.data())


def footers(sizes: list[tuple[float, float]], texts: list[str]) -> bytes:
    """One page per packet page, each of that page's size in points, with its footer line."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(72)
    writer.setPageMargins(QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Point)
    painter: QPainter | None = None
    for (width, height), text in zip(sizes, texts, strict=True):
        writer.setPageSize(
            QPageSize(
                QSizeF(width, height),
                QPageSize.Unit.Point,
                "",
                QPageSize.SizeMatchPolicy.ExactMatch,
            )
        )
        if painter is None:
            painter = QPainter(writer)
            painter.setFont(font(LATIN, 8))
        else:
            writer.newPage()
        painter.drawText(
            QRectF(0, height - 0.45 * 72, width, 0.3 * 72),
            int(Qt.AlignmentFlag.AlignCenter),
            text,
        )
    if painter is not None:
        painter.end()
    buffer.close()
    return bytes(data.data())
