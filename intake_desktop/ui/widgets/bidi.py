"""Text of unknown direction (names, titles, anything typed) in its natural direction.

A Latin name in a Dari window, or a Dari name in an English one, is laid
out by its own first strong letter, as the Unicode bidi algorithm's "first
strong" rule does, so "Karimi (2)" never turns into "(Karimi (2" and
"محمد (احمدزی)" keeps its brackets. The place it sits in (alignment,
columns, margins) still follows the interface's direction. Line edits,
combo boxes and plain-text labels do this by themselves in Qt; item views
and multi-line editors need the help below.

A value put into a translated sentence ("Certified by {name} on {date}") is
wrapped in ``isolate()``: Unicode's first-strong isolate, so a Latin name or
a date cannot reorder a Dari sentence around it (without it, "میلادی:
1975-09-18" shows its date as 18-09-1975), and the sentence's own direction
is that of its words, not of the name it starts with.

A label made of several values side by side (a document's kind, number and
holder; a person and a date) is made by ``join_parts``: each value isolated,
so a number never takes the direction of the Dari name beside it
("1-0123-4567-8901" shown as "8901-4567-0123-1"), the parts in the
interface's reading order. Ctrl+C in a list or tree copies the values as
stored (``COPY_ROLE``), without the invisible marks.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from ...core.i18n import RLM
from ..qt import (
    QAbstractItemView,
    QEvent,
    QGuiApplication,
    QItemSelectionModel,
    QKeyEvent,
    QKeySequence,
    QLabel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPlainTextEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    Qt,
    QTextOption,
)

LTR, RTL = Qt.LayoutDirection.LeftToRight, Qt.LayoutDirection.RightToLeft
_STRONG = {"L": LTR, "R": RTL, "AL": RTL}
FSI, PDI = "\u2068", "\u2069"  # first-strong isolate ... pop directional isolate
_OPENS_ISOLATE = {"LRI", "RLI", "FSI"}
SEPARATOR = " · "
# An item's values as stored, without the marks of its shown text: what Ctrl+C copies.
COPY_ROLE = Qt.ItemDataRole.UserRole + 0x100
_HORIZONTAL = (
    Qt.AlignmentFlag.AlignLeft
    | Qt.AlignmentFlag.AlignRight
    | Qt.AlignmentFlag.AlignHCenter
    | Qt.AlignmentFlag.AlignJustify
    | Qt.AlignmentFlag.AlignAbsolute
)


def isolate(value: object) -> str:
    """A value inside a translated sentence, laid out on its own (empty stays empty)."""
    text = str(value)
    return FSI + text + PDI if text else text


def join_parts(parts: Iterable[object], separator: str = SEPARATOR) -> str:
    """Values side by side in one label, each in its own direction (empty ones left out).

    One value is shown as it is. Two or more are each isolated, so a number or
    a date keeps its order beside a name in the other direction, and the label
    reads in the interface's direction: it starts with a RIGHT-TO-LEFT MARK in
    a Dari or Pashto window, where a label of isolates alone would be laid out
    left to right. ``join_stored`` is the same label without the marks.
    """
    texts = [str(part) for part in parts if part is not None and str(part)]
    if len(texts) < 2:
        return "".join(texts)
    start = RLM if QGuiApplication.layoutDirection() == RTL else ""
    return start + separator.join(isolate(text) for text in texts)


def join_stored(parts: Iterable[object], separator: str = SEPARATOR) -> str:
    """The values of ``join_parts`` as stored, without direction marks: what is copied."""
    return separator.join(str(part) for part in parts if part is not None and str(part))


def natural_direction(text: str) -> Qt.LayoutDirection | None:
    """The direction of the first strong letter outside isolates (None: no letters)."""
    depth = 0
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in _OPENS_ISOLATE:
            depth += 1
        elif kind == "PDI":
            depth = max(depth - 1, 0)
        elif depth == 0 and kind in _STRONG:
            return _STRONG[kind]
    return None


def align_to_interface(label: QLabel) -> None:
    """A label of data (a case title) on the interface's leading side, whatever its text's
    own direction: a Latin title in a Dari window starts at the right, as the window does."""
    right = QGuiApplication.layoutDirection() == RTL
    side = Qt.AlignmentFlag.AlignRight if right else Qt.AlignmentFlag.AlignLeft
    label.setAlignment(side | Qt.AlignmentFlag.AlignAbsolute | Qt.AlignmentFlag.AlignVCenter)


def set_text_direction(edit: QPlainTextEdit, direction: Qt.LayoutDirection) -> None:
    """Lay the whole text out in ``direction``, starting at that side.

    Only the text: the editor's frame and scroll bar stay where the interface puts them.
    """
    option = QTextOption(edit.document().defaultTextOption())
    if option.textDirection() == direction and option.alignment() & _aligned(direction):
        return
    option.setTextDirection(direction)
    option.setAlignment(_aligned(direction))
    edit.document().setDefaultTextOption(option)


def _aligned(direction: Qt.LayoutDirection) -> Qt.AlignmentFlag:
    right = direction == RTL
    return Qt.AlignmentFlag.AlignRight if right else Qt.AlignmentFlag.AlignLeft


class NaturalDirection(QObject):
    """Keeps a multi-line editor's text in the direction of its first strong letter.

    With no letter yet (empty, or digits only) it follows the interface.
    """

    def __init__(self, edit: QPlainTextEdit) -> None:
        super().__init__(edit)
        self.edit = edit
        edit.textChanged.connect(self.update)
        self.update()

    def update(self) -> None:
        found = natural_direction(self.edit.toPlainText()[:4000])
        set_text_direction(self.edit, found or QGuiApplication.layoutDirection())


class NaturalDirectionDelegate(QStyledItemDelegate):
    """Each cell's text in its own direction, aligned as the view's direction says."""

    def initStyleOption(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        super().initStyleOption(option, index)
        found = natural_direction(option.text) if option.text else None
        features = QStyleOptionViewItem.ViewItemFeature
        if (
            found is None
            or found == option.direction
            or option.features & (features.HasCheckIndicator | features.HasDecoration)
        ):
            return  # a check box or an icon stays on the interface's side
        alignment = Qt.AlignmentFlag(option.displayAlignment)
        horizontal = alignment & _HORIZONTAL
        if not horizontal & (Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignAbsolute):
            # Leading (the default) means the view's side; say which side, absolutely.
            trailing = bool(horizontal & Qt.AlignmentFlag.AlignRight)
            right = (option.direction == RTL) != trailing
            side = Qt.AlignmentFlag.AlignRight if right else Qt.AlignmentFlag.AlignLeft
            option.displayAlignment = (
                (alignment & ~_HORIZONTAL) | side | Qt.AlignmentFlag.AlignAbsolute
            )
        option.direction = found


class CopyAsStored(QObject):
    """Ctrl+C in a view copies the current item's ``COPY_ROLE`` (else its text, as Qt does).

    The marks that keep a number in order on screen are invisible: pasted
    into a form or a search box elsewhere, an id carrying them would not
    match the same id typed by hand.
    """

    def __init__(self, view: QAbstractItemView) -> None:
        super().__init__(view)
        self.view = view
        view.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind not in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride):
            return False
        if not isinstance(event, QKeyEvent) or not event.matches(QKeySequence.StandardKey.Copy):
            return False
        if kind == QEvent.Type.ShortcutOverride:
            event.accept()  # the view's own copy, not a window shortcut
            return True
        index = self.view.currentIndex()
        text = index.data(COPY_ROLE) if index.isValid() else None
        if text is None and index.isValid():
            text = index.data(Qt.ItemDataRole.DisplayRole)
        if text is not None:
            QGuiApplication.clipboard().setText(str(text))
        return True


def select_row(view: QAbstractItemView, row: int) -> None:
    """Select a whole row and make it current, in either direction.

    Not ``selectRow()``: right to left it picks its column at the viewport's far
    edge, past the last column when the columns do not fill the width, and then
    selects nothing (a Dari window showed no conflict until one was clicked).
    """
    model, selection = view.model(), view.selectionModel()
    if model is not None and selection is not None and 0 <= row < model.rowCount():
        flags = QItemSelectionModel.SelectionFlag
        selection.setCurrentIndex(model.index(row, 0), flags.ClearAndSelect | flags.Rows)


def show_in_natural_direction(view: QAbstractItemView) -> None:
    """Every cell of the view (names, titles) in its own text's direction; Ctrl+C copies
    the values as stored."""
    view.setItemDelegate(NaturalDirectionDelegate(view))
    CopyAsStored(view)
