"""An evidence record's files: a list, "Add files…", "Save as…", and a preview.

Files are streamed into the vault by ``CaseService.attach`` (never read whole
here). A preview decodes an image in memory from the vault's bytes; nothing
decrypted is written anywhere, so there is no "open with" and no temp file.
Other types show their details: name, type, size and SHA-256. "Save as…" is
the one way out, after a warning (save_attachment.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...core.i18n import N_, _, ngettext
from ..qt import (
    QAbstractItemView,
    QFontDatabase,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QImage,
    QLabel,
    QPixmap,
    QPushButton,
    QSize,
    QSizePolicy,
    QSplitter,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)
from ..widgets.bidi import isolate, show_in_natural_direction
from .field_editors import FieldEditor, plain_label, plain_tooltip

PREVIEW_MAX = 1600  # px: a preview keeps a scaled copy, not the full decoded photo


def human_size(size: int) -> str:
    if size < 1024:
        return ngettext("{number} byte", "{number} bytes", size).format(number=size)
    value = size / 1024
    for template in (N_("{number} KB"), N_("{number} MB")):
        if value < 1024:
            return _(template).format(number=f"{value:.1f}")
        value /= 1024
    return _("{number} GB").format(number=f"{value:.1f}")


def grouped(sha256: str) -> str:
    """The hash in groups of eight, four lines: fits the preview pane, easy to compare."""
    groups = [sha256[i : i + 8] for i in range(0, len(sha256), 8)]
    return "\n".join(" ".join(groups[i : i + 2]) for i in range(0, len(groups), 2))


class ImagePreview(QLabel):
    """An image scaled to fit, kept only as long as it is shown."""

    def __init__(self) -> None:
        super().__init__()
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setMinimumSize(160, 120)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.image = QImage()

    def show_image(self, image: QImage) -> None:
        if image.width() > PREVIEW_MAX or image.height() > PREVIEW_MAX:
            image = image.scaled(
                QSize(PREVIEW_MAX, PREVIEW_MAX),
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        self.image = image
        self._rescale()
        # Once the layout has settled: the first scaling may use a stale size,
        # and a pixmap larger than the label paints over the details below.
        QTimer.singleShot(0, self._rescale)

    def forget(self) -> None:
        self.image = QImage()
        self.clear()

    def _rescale(self) -> None:
        if self.image.isNull():
            return
        room = self.contentsRect().size()
        size = self.image.size().scaled(room, Qt.AspectRatioMode.KeepAspectRatio)
        if size.width() > self.image.width() * 4:  # a thumbnail-sized scan: don't blow it up
            size = self.image.size() * 4
        scaled = self.image.scaled(
            size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
        )
        self.setPixmap(QPixmap.fromImage(scaled))

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._rescale()


class AttachmentsView(QWidget):
    add_requested = Signal()
    save_requested = Signal(object)  # the file's item (sha256, filename, media_type, size)
    removed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.fetch: Callable[[str], bytes | None] | None = None  # sha256 -> content
        self.items: list[dict[str, Any]] = []
        self.table = QTableWidget(0, 3)
        show_in_natural_direction(self.table)
        self.table.setAccessibleName(_("Files of this evidence"))
        self.table.setHorizontalHeaderLabels([_("File"), _("Type"), _("Size")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.add_button = QPushButton(_("Add files…"))
        self.add_button.setAccessibleName(_("Add files to this evidence"))
        self.save_button = QPushButton(_("Save as…"))
        self.save_button.setAccessibleName(_("Save a copy of the selected file outside the vault"))
        self.save_button.setToolTip(
            _("Save a copy of the selected file on this computer; the copy is not encrypted.")
        )
        self.save_button.clicked.connect(self._save)
        self.save_button.setEnabled(False)
        self.remove_button = QPushButton(_("Remove from evidence"))
        self.remove_button.setAccessibleName(_("Remove the selected file from this evidence"))
        self.remove_button.setToolTip(_("The file stays in the vault; only this link is removed."))
        self.add_button.clicked.connect(lambda: self.add_requested.emit())
        self.remove_button.clicked.connect(self._remove)

        self.image = ImagePreview()
        self.image.setAccessibleName(_("Preview"))
        self.details = plain_label()
        self.details.setTextFormat(Qt.TextFormat.PlainText)
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.hash = plain_label()
        self.hash.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.hash.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hash.setAccessibleName(_("SHA-256 of the file"))
        self.note = plain_label()
        self.note.setWordWrap(True)
        preview = QFrame()
        preview.setFrameShape(QFrame.Shape.StyledPanel)
        inner = QVBoxLayout(preview)
        inner.addWidget(self.image, 1)
        inner.addWidget(self.details)
        inner.addWidget(self.hash)
        inner.addWidget(self.note)

        left = QWidget()
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.table, 1)
        column.addLayout(buttons)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(left)
        splitter.addWidget(preview)
        splitter.setSizes([3, 2])
        expanding = QSizePolicy.Policy.Expanding
        splitter.setSizePolicy(expanding, expanding)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self.setMinimumHeight(420)
        self.table.currentCellChanged.connect(lambda row, *_rest: self.show_preview(row))

    def set_items(self, items: list[dict[str, Any]]) -> None:
        self.items = [dict(item) for item in items]
        self.table.blockSignals(True)
        self.table.setRowCount(0)
        for item in self.items:
            row = self.table.rowCount()
            self.table.insertRow(row)
            cells = (item.get("filename") or _("(no name)"), item.get("media_type") or "")
            for column, text in enumerate((*cells, human_size(int(item.get("size") or 0)))):
                cell = QTableWidgetItem(text)
                cell.setToolTip(plain_tooltip(text))
                self.table.setItem(row, column, cell)
        self.table.blockSignals(False)
        self.remove_button.setEnabled(bool(self.items))
        self.save_button.setEnabled(bool(self.items) and self.fetch is not None)
        if self.items:
            self.table.setCurrentCell(len(self.items) - 1, 0)
            self.show_preview(len(self.items) - 1)
        else:
            self.show_preview(-1)

    def show_preview(self, row: int) -> None:
        self.image.forget()
        self.hash.clear()
        self.note.clear()
        if not 0 <= row < len(self.items):
            self.details.setText(
                _("No files yet. Use “Add files…” to store scans or photos in the vault.")
                if self.fetch
                else ""
            )
            return
        item = self.items[row]
        media_type = item.get("media_type") or ""
        note = ""
        if media_type.startswith("image/") and self.fetch is not None:
            data = self.fetch(item["sha256"])
            image = QImage.fromData(data) if data is not None else QImage()
            del data
            if not image.isNull():
                self.image.show_image(image)
            else:
                note = _("This image is too large or cannot be shown here.")
        elif not media_type.startswith("image/"):
            note = _("No preview for this type of file.")
        lines = [
            # Isolated: "2026-11-20.jpg" after a Dari word was shown as "jpg.20-11-2026".
            _("Name: {name}").format(name=isolate(item.get("filename") or "")),
            _("Type: {type}").format(type=isolate(media_type) or _("unknown")),
            _("Size: {size}").format(size=human_size(int(item.get("size") or 0))),
            _("SHA-256:"),
        ]
        if note:
            lines.insert(0, note)
        self.details.setText("\n".join(lines))
        self.hash.setText(grouped(item.get("sha256") or ""))
        self.note.setText(_("Stored encrypted in this vault; never written to disk unencrypted."))

    def _save(self) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self.items):
            self.save_requested.emit(dict(self.items[row]))

    def _remove(self) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self.items):
            del self.items[row]
            self.set_items(self.items)
            self.removed.emit()

    def forget(self) -> None:
        self.items = []
        self.table.setRowCount(0)
        self.save_button.setEnabled(False)
        self.image.forget()
        for label in (self.details, self.hash, self.note):
            label.clear()


class AttachmentsEditor(FieldEditor):
    def __init__(self, key: str, label: str) -> None:
        self.view = AttachmentsView()
        super().__init__((key,), label, self.view)
        self.full_width = True
        self.view.removed.connect(self.touch)

    def focus_widget(self) -> QWidget:
        return self.view.table

    def set_value(self, value: Any) -> None:
        if value is None:
            self.view.forget()
        else:
            self.view.set_items(list(value))

    def value(self) -> Any:
        return [dict(item) for item in self.view.items]
