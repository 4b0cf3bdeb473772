"""What an export wrote, said plainly: where, what, its fingerprint, for whom.

The fingerprint is the SHA-256 of the bundle's signed manifest (which binds
every file inside), in groups of four, as ``sha256sum manifest.json`` prints
it for counsel who open the bundle with standard tools.
"""

from __future__ import annotations

from ..core.bundle.export import ExportResult
from ..core.i18n import _
from .bundle_text import grouped_sha256, human_size
from .qt import QFontDatabase, QFormLayout, QGroupBox, QLabel, Qt, QVBoxLayout, QWidget


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
        self.path = plain_label(selectable=True, wrap=False)
        self.path.setAccessibleName(_("Bundle file"))
        self.contents = plain_label(wrap=False)
        self.number = plain_label(wrap=False)
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
        form.addRow(_("Number"), self.number)
        form.addRow(_("Fingerprint"), self.fingerprint)
        form.addRow(_("Encrypted for"), self.recipients)
        column = QVBoxLayout(self)
        column.addLayout(form)
        column.addWidget(self.note)
        column.addStretch()

    def show_result(self, result: ExportResult) -> None:
        self.path.setText(str(result.path))
        self.contents.setText(
            _("{cases} case(s), {records} record(s), {attachments} attachment(s); {size}").format(
                cases=result.cases,
                records=result.records,
                attachments=result.attachments,
                size=human_size(result.size),
            )
        )
        self.number.setText(_("Bundle {sequence} from this vault").format(sequence=result.sequence))
        self.fingerprint.setText(grouped_sha256(result.manifest_sha256))
        self.recipients.setText(
            "\n".join(f"{r.name}    {r.fingerprint}" for r in result.recipients)
        )
