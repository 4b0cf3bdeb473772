"""The case editor's left side: the case, then each kind of record with its records.

Sections stay in the tree even when empty, so "Statements (0)" tells the
caseworker what is still missing. Labels are plain text made from the
records (a withheld name shows its pseudonym). A label longer than the pane
wraps onto a second line rather than being cut: in Pashto the relation word
comes last ("… د احمد زوی"), where cutting would lose it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...core.i18n import _
from ..qt import (
    QAbstractItemView,
    QFont,
    QIcon,
    QModelIndex,
    QPainter,
    QPalette,
    QPersistentModelIndex,
    QPointF,
    QRect,
    QSize,
    QStyle,
    QStyleOptionViewItem,
    Qt,
    QTextLayout,
    QTextOption,
    QTreeWidget,
    QTreeWidgetItem,
)
from ..services.vocabulary import (
    CASE,
    CHILD_KINDS,
    KINDS,
    describe_date,
    display_name,
    language_name,
    references,
)
from ..widgets.bidi import (
    COPY_ROLE,
    NaturalDirectionDelegate,
    isolate,
    join_parts,
    join_stored,
    show_in_natural_direction,
)
from .field_editors import plain_tooltip
from .field_labels import choice_label, kind_text

KIND_ROLE = Qt.ItemDataRole.UserRole
ID_ROLE = Qt.ItemDataRole.UserRole + 1
DRAFT_ROLE = Qt.ItemDataRole.UserRole + 2  # the id of the item's draft (core/drafts.py)
SECTIONS = ("case", *(k.name for k in CHILD_KINDS))


@dataclass
class Loaded:
    """A record as last read from or written to the vault."""

    kind: str
    version: int
    body: dict[str, Any]


def _first_line(text: str, limit: int = 60) -> str:
    line = (text or "").strip().splitlines()[0] if (text or "").strip() else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"


def record_label(
    kind: str, body: dict[str, Any], records: dict[str, Loaded], *, stored: bool = False
) -> str:
    """A short name for one record, made from its fields and the people it names.

    Values side by side are isolated from each other (``bidi.join_parts``), so a
    number keeps its order beside a Dari name; ``stored`` gives the same label
    without the marks, as the values are stored (what Ctrl+C copies).
    """
    join, value = (join_stored, str) if stored else (join_parts, isolate)

    def person(record_id: str | None) -> str:
        found = records.get(record_id or "")
        return (display_name(found.body) or _("(no name)")) if found else "?"

    if kind == "person":
        name = display_name(body) or _("(no name)")
        if body.get("head_of_household"):
            return _("{name} (head of household)").format(name=value(name))
        return name
    if kind == "relationship":
        what = choice_label(body.get("kind") or "") if body.get("kind") else "…"
        return _("{relative}: {kind} of {person}").format(
            relative=value(person(body.get("relative"))),
            kind=what,
            person=value(person(body.get("person"))),
        )
    if kind == "identity_document":
        what = choice_label(body["kind"]) if body.get("kind") else _("Document")
        parts = [what, body.get("number") or "", person(body.get("person"))]
        return join(p for p in parts if p != "?")
    if kind == "claim":
        what = choice_label(body["kind"]) if body.get("kind") else _("Claim")
        return _("{kind} ({urgency})").format(
            kind=what, urgency=choice_label(body.get("urgency") or "medium")
        )
    if kind == "evidence":
        files = body.get("attachments") or []
        text = _first_line(body.get("description") or "") or (files[0]["filename"] if files else "")
        return text or choice_label(body.get("kind") or "document")
    if kind == "interview":
        return join([describe_date(body.get("date")), body.get("place")]) or _("Interview")
    if kind == "statement":
        speaker = person(body.get("speaker")) if body.get("speaker") else ""
        when = describe_date(body.get("date"))
        # The language by name, as the form offers it ("Dari", not "fa-AF").
        code = str(body.get("language") or "")
        language = language_name(code, translate=True) if code.strip() else ""
        return join([speaker, language, when]) or _("Statement")
    if kind == "consent":
        holder = person(body.get("person")) if body.get("person") else ""
        return join([holder, describe_date(body.get("given_on"))]) or _("Consent")
    return kind


def records_of(document: dict[str, Any]) -> dict[str, Loaded]:
    """Every record of a case document (``CaseService.document``), case first."""
    case = {name: document[name] for name in CASE.spec.fields if name in document}
    records = {document["id"]: Loaded("case", document["version"], case)}
    for kind in CHILD_KINDS:
        for item in document[kind.plural]:
            body = {name: item[name] for name in kind.spec.fields if name in item}
            records[item["id"]] = Loaded(kind.name, item["version"], body)
    return records


def references_to(records: dict[str, Loaded], record_id: str) -> int:
    """How many records name ``record_id`` (a person, evidence, an interview)."""
    return sum(
        1
        for other in records.values()
        for _field, _target, ref in references(KINDS[other.kind], other.body)
        if ref == record_id
    )


def reference_options(records: dict[str, Loaded]) -> dict[str, list[tuple[str, str]]]:
    """The case's people, evidence and interviews, named, for reference fields."""
    out: dict[str, list[tuple[str, str]]] = {"person": [], "evidence": [], "interview": []}
    for record_id, loaded in records.items():
        if loaded.kind in out:
            out[loaded.kind].append((record_id, record_label(loaded.kind, loaded.body, records)))
    return out


class _Wrapping(NaturalDirectionDelegate):
    """Rows as tall as their label wrapped to the room it has, and the label drawn
    whole. A tree view asks for a row's height with no width at all (one line,
    however long the label): the width is the column less the row's indentation.
    Qt's own drawing of a wrapped label breaks on a name isolated from the words
    around it (``bidi.isolate``) in a right-to-left line, and cuts the rest:
    the label's lines are laid out and drawn here."""

    def __init__(self, view: QTreeWidget) -> None:
        super().__init__(view)
        self.view = view

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        depth, parent = 1, index.parent()  # top-level rows are indented once too
        while parent.isValid():
            depth, parent = depth + 1, parent.parent()
        room = self.view.columnWidth(index.column()) - self.view.indentation() * depth
        sized = QStyleOptionViewItem(option)
        sized.rect = QRect(0, 0, max(room, 40), 1 << 20)
        hint = super().sizeHint(sized, index)
        # The text is drawn inside the focus frame's margins, which the hint leaves out.
        margin = self.view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameVMargin)
        return QSize(hint.width(), hint.height() + 2 * margin)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        item = QStyleOptionViewItem(option)
        self.initStyleOption(item, index)
        style = self.view.style()
        area = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, item, self.view)
        text = item.text
        item.text = ""  # the row, its selection, icon and focus frame: Qt's
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, item, painter, self.view)
        margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) + 1
        area = area.adjusted(margin, 0, -margin, 0)
        layout = QTextLayout(text, item.font)
        wrap = QTextOption()
        wrap.setWrapMode(QTextOption.WrapMode.WordWrap)
        wrap.setTextDirection(item.direction)
        wrap.setAlignment(QStyle.visualAlignment(item.direction, item.displayAlignment))
        layout.setTextOption(wrap)
        layout.beginLayout()
        height = 0.0
        while (line := layout.createLine()).isValid():
            line.setLineWidth(area.width())
            line.setPosition(QPointF(0, height))
            height += line.height()
        layout.endLayout()
        selected = bool(item.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        painter.save()
        painter.setPen(item.palette.color(role))
        top = area.top() + max(0.0, (area.height() - height) / 2)
        layout.draw(painter, QPointF(area.left(), top))
        painter.restore()


class CaseOutline(QTreeWidget):
    def __init__(self) -> None:
        super().__init__()
        self.setHeaderHidden(True)
        show_in_natural_direction(self)
        self.setItemDelegate(_Wrapping(self))
        self.setAccessibleName(_("Sections and records of the case"))
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setWordWrap(True)  # with rows as tall as their label, nothing is cut
        self.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setIndentation(14)
        self.setMinimumWidth(200)
        self.sections: dict[str, QTreeWidgetItem] = {}
        bold = QFont(self.font())
        bold.setBold(True)
        for kind in SECTIONS:
            item = QTreeWidgetItem([kind_text(kind, 0)])
            item.setData(0, KIND_ROLE, kind)
            item.setData(0, ID_ROLE, None)
            item.setFont(0, bold)
            self.addTopLevelItem(item)
            self.sections[kind] = item
        self._count_text()

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.scheduleDelayedItemsLayout()  # rows as tall as their labels at this width

    def populate(self, case_id: str, records: dict[str, Loaded]) -> None:
        self.setUpdatesEnabled(False)
        self.sections["case"].setData(0, ID_ROLE, case_id)
        for kind, section in self.sections.items():
            if kind != "case":
                section.takeChildren()
        for record_id, loaded in records.items():
            if loaded.kind != "case":
                self.add_record(loaded.kind, record_id, loaded.body, records, count=False)
        self._count_text()
        self.expandAll()
        self.setUpdatesEnabled(True)

    def add_record(
        self,
        kind: str,
        record_id: str | None,
        body: dict[str, Any],
        records: dict[str, Loaded],
        count: bool = True,
    ) -> QTreeWidgetItem:
        label = record_label(kind, body, records) if record_id else kind_text(kind, 3)
        item = QTreeWidgetItem([label])
        item.setToolTip(0, plain_tooltip(label))
        if record_id:
            item.setData(0, COPY_ROLE, record_label(kind, body, records, stored=True))
        item.setData(0, KIND_ROLE, kind)
        item.setData(0, ID_ROLE, record_id)
        if record_id is None:
            font = QFont(self.font())
            font.setItalic(True)
            item.setFont(0, font)
        self.sections[kind].addChild(item)
        if count:
            self._count_text()
        return item

    def relabel(self, item: QTreeWidgetItem, record_id: str, records: dict[str, Loaded]) -> None:
        loaded = records[record_id]
        item.setData(0, ID_ROLE, record_id)
        item.setFont(0, self.font())
        label = record_label(loaded.kind, loaded.body, records)
        item.setText(0, label)
        item.setToolTip(0, plain_tooltip(label))
        item.setData(0, COPY_ROLE, record_label(loaded.kind, loaded.body, records, stored=True))

    def record_items(self) -> list[QTreeWidgetItem]:
        """Every record's item (drafts too), section by section."""
        sections = [s for kind, s in self.sections.items() if kind != "case"]
        return [c for s in sections for i in range(s.childCount()) if (c := s.child(i))]

    def relabel_all(self, records: dict[str, Loaded]) -> None:
        """After a person is renamed: relationships, statements... name them too."""
        for child in self.record_items():
            record_id = child.data(0, ID_ROLE)
            if record_id in records:
                self.relabel(child, record_id, records)

    # Drafts: typing kept in the vault that is not (all) in a record yet (ui/editor/drafts.py)

    def add_draft(self, kind: str, draft_id: str) -> QTreeWidgetItem:
        """A record never saved, kept as a draft: listed in its section to finish or discard."""
        item = self.add_record(kind, None, {}, {})
        self.mark_draft(item, draft_id)
        return item

    def mark_draft(self, item: QTreeWidgetItem, draft_id: str | None) -> None:
        """Show (or stop showing) that an item has a draft; relabelling keeps the mark."""
        item.setData(0, DRAFT_ROLE, draft_id)
        icon = QStyle.StandardPixmap.SP_MessageBoxWarning
        item.setIcon(0, self.style().standardIcon(icon) if draft_id else QIcon())
        item.setData(0, Qt.ItemDataRole.AccessibleDescriptionRole, _("Draft") if draft_id else None)
        if item.data(0, ID_ROLE) is None and item.parent() is not None:  # never saved
            kind = item.data(0, KIND_ROLE)
            new = kind_text(kind, 3)
            label = _("{record} (draft)").format(record=new) if draft_id else new
            item.setText(0, label)
            item.setToolTip(0, plain_tooltip(label))

    def remove(self, item: QTreeWidgetItem) -> None:
        parent = item.parent()
        if parent is not None:
            parent.removeChild(item)
        self._count_text()

    def item_for(self, record_id: str) -> QTreeWidgetItem | None:
        if self.sections["case"].data(0, ID_ROLE) == record_id:
            return self.sections["case"]
        return next((c for c in self.record_items() if c.data(0, ID_ROLE) == record_id), None)

    def forget(self) -> None:
        for section in self.sections.values():
            section.takeChildren()
            section.setData(0, ID_ROLE, None)
        self._count_text()

    def _count_text(self) -> None:
        for kind, section in self.sections.items():
            if kind == "case":
                continue
            section.setText(
                0,
                _("{section} ({count})").format(
                    section=kind_text(kind, 0), count=section.childCount()
                ),
            )

    @staticmethod
    def position(item: QTreeWidgetItem) -> tuple[str, str | None, bool]:
        """(kind, record id or None, is a section heading) of an item."""
        kind = item.data(0, KIND_ROLE)
        is_section = item.parent() is None and kind != "case"
        return kind, item.data(0, ID_ROLE), is_section
