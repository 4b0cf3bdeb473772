"""What an export wrote, said plainly: where, what, its fingerprint, for whom.

The fingerprint is the SHA-256 of the bundle's signed manifest (which binds
every file inside), in groups of four, as ``sha256sum manifest.json`` prints
it for counsel who open the bundle with standard tools. How many counsel
packets (a PDF per case) it carries shows only when a recipient asked for
them. Below, what core says it left out (names marked as withheld, for
recipients not cleared to receive them) and which cases went despite their
consent.
"""

from __future__ import annotations

from ...core.i18n import _, ngettext
from ..qt import (
    QFontDatabase,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    Qt,
    QVBoxLayout,
    QWidget,
)
from ..services.vocabulary import ExportResult
from ..widgets.bidi import isolate, join_parts
from .bundle_text import grouped_sha256, human_size


def plain_label(text: str = "", selectable: bool = False, wrap: bool = True) -> QLabel:
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(wrap)
    label.setText(text)
    if selectable:
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class ExportResultView(QGroupBox):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(_("Bundle written"), parent)
        # Short facts do not wrap: a wrapped label in a form row can get one
        # line's height and be cut (the fingerprint's second line was).
        # A path has no spaces to wrap at: a read-only line scrolls instead of
        # being cut at the dialog's edge, and copies exactly what was written.
        self.path = QLineEdit()
        self.path.setReadOnly(True)
        self.path.setFrame(False)
        self.path.setLayoutDirection(Qt.LayoutDirection.LeftToRight)  # a path reads left to right
        self.path.setAccessibleName(_("Bundle file"))
        self.contents = plain_label(wrap=False)
        self.number = plain_label(wrap=False)
        self.packets = plain_label(wrap=False)
        self.packets.setObjectName("exportPackets")
        self.packets.setAccessibleName(_("Counsel packets"))
        self.fingerprint = plain_label(selectable=True, wrap=False)
        self.fingerprint.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.fingerprint.setAccessibleName(_("Bundle fingerprint"))
        self.fingerprint.setToolTip(
            _("The SHA-256 of the bundle's signed manifest, which binds every file inside.")
        )
        self.recipients = plain_label(selectable=True, wrap=False)
        self.recipients.setAccessibleName(_("Encrypted for"))
        self.note = plain_label(
            _(
                "Only these recipients can open the file, so it may travel by any channel. "
                "Keep this vault's copy of the cases until the coordinator confirms that "
                "the bundle arrived."
            )
        )
        form = QFormLayout()
        form.addRow(_("File"), self.path)
        form.addRow(_("Contents"), self.contents)
        form.addRow(_("Packets"), self.packets)
        self.form = form
        form.addRow(_("Number"), self.number)
        form.addRow(_("Fingerprint"), self.fingerprint)
        form.addRow(_("Encrypted for"), self.recipients)
        # What was left out or overridden: shown only when there is something to say.
        self.privacy = plain_label()
        self.privacy.setObjectName("exportPrivacy")
        self.privacy.setAccessibleName(_("Left out or overridden"))
        self.privacy.setStyleSheet("font-weight: bold;")
        self.privacy.hide()
        column = QVBoxLayout(self)
        column.addLayout(form)
        column.addWidget(self.privacy)
        column.addWidget(self.note)
        column.addStretch()

    def show_result(self, result: ExportResult) -> None:
        self.path.setText(str(result.path))
        self.path.setCursorPosition(len(self.path.text()))  # the file's name in view
        self.path.setToolTip(str(result.path))
        self.contents.setText(
            _("{cases} case(s), {records} record(s), {attachments} attachment(s); {size}").format(
                cases=result.cases,
                records=result.records,
                attachments=result.attachments,
                size=human_size(result.size),
            )
        )
        self.packets.setText(
            ngettext(
                "{count} counsel packet (PDF)", "{count} counsel packets (PDF)", result.packets
            ).format(count=result.packets)
        )
        self.form.setRowVisible(self.packets, result.packets > 0)
        self.number.setText(_("Bundle {sequence} from this vault").format(sequence=result.sequence))
        self.fingerprint.setText(grouped_sha256(result.manifest_sha256))
        # Isolated: beside a Dari name, a fingerprint's first group of digits moved to its end.
        self.recipients.setText(
            "\n".join(join_parts([r.name, r.fingerprint], "    ") for r in result.recipients)
        )
        lines = privacy_lines(result)
        self.privacy.setText("\n".join(lines))
        self.privacy.setVisible(bool(lines))


def privacy_lines(result: ExportResult) -> list[str]:
    """What core left out of the bundle, and the consent it was told to override."""
    lines = []
    if result.withheld:
        if result.not_cleared:
            lines.append(
                _(
                    "Withheld names were left out of {count} person record(s). Not cleared "
                    "to receive them: {names}."
                ).format(
                    count=result.withheld,
                    names=", ".join(isolate(n) for n in result.not_cleared),
                )
            )
        else:
            lines.append(
                _(
                    "{count} person record(s) were sent without the names withheld from this vault."
                ).format(count=result.withheld)
            )
    if result.consent_overridden:
        lines.append(
            _(
                "Exported {count} case(s) despite their recorded consent (override written"
                " to the audit log)."
            ).format(count=len(result.consent_overridden))
        )
    return lines
