"""Receipts as files, for a USB stick: saving the one this vault signed, taking one back.

An importer saves the receipt it signed for a bundle (the Import dialog's
"Save receipt…"); the sender takes it ("Take a receipt…" under Import's
arrow) and its case list shows those cases as delivered. A receipt is a
file and its ``.minisig`` beside it, both written or read together.

Names in a receipt (the importer's) are shown as plain text.
"""

from __future__ import annotations

from pathlib import Path

from ...core.errors import BundleRejected, IntakeError
from ...core.i18n import _
from ..qt import QMessageBox, Qt, QWidget
from ..services.bundles import BundleService, ReceiptTaken
from ..widgets.bidi import isolate
from ..widgets.file_dialogs import open_files, save_file


def _folder(service: BundleService) -> Path:
    last = service.last_folder
    return last if last is not None and last.is_dir() else Path.home()


def save_receipt(parent: QWidget, service: BundleService, bundle_id: str) -> str | None:
    """Ask where, then write the receipt and its .minisig; a line saying what happened
    (None: the person chose no file)."""
    name = save_file(
        parent,
        _("Save the receipt"),
        str(_folder(service) / f"receipt-{bundle_id[:8]}.json"),
        _("Receipts (*.json);;All files (*)"),
    )
    if not name:
        return None
    try:
        path, signature = service.save_receipt(bundle_id, Path(name))
    except IntakeError as exc:
        return _("{reason} No receipt was written.").format(reason=str(exc))
    return _("Saved {path} and {signature}: give both to the sender.").format(
        path=isolate(path.name), signature=isolate(signature.name)
    )


def taken_text(taken: ReceiptTaken) -> str:
    if not taken.new:
        return _("This receipt was taken before; nothing changed.")
    return _(
        "{importer} ({fingerprint}) holds bundle {id}: {held} of {records} record(s) as sent;"
        " imported {at}."
    ).format(
        importer=isolate(taken.importer),
        fingerprint=isolate(taken.fingerprint),
        id=isolate(taken.bundle_id),
        held=taken.held,
        records=taken.records,
        at=isolate(taken.imported_at[:16].replace("T", " ")),
    )


def take_receipts(parent: QWidget, service: BundleService) -> QMessageBox | None:
    """Ask for receipt files, take each, and say in a box what each one did.

    Returns the box (keep it referenced until it closes), or None when no file
    was chosen. A refused receipt changes nothing; the others are still taken.
    """
    names = open_files(
        parent,
        _("Choose receipts to take"),
        str(_folder(service)),
        _("Receipts (*.json);;All files (*)"),
    )
    if not names:
        return None
    lines, refused = [], 0
    for name in names:
        path = Path(name)
        try:
            text = taken_text(service.take_receipt(path))
        except IntakeError as exc:
            refused += 1
            text = str(exc)
            if not isinstance(exc, BundleRejected):  # a refusal says so itself
                text = _("{reason} Nothing was changed.").format(reason=text)
        lines.append(text if len(names) == 1 else f"{isolate(path.name)}: {text}")
    icon = QMessageBox.Icon.Warning if refused else QMessageBox.Icon.Information
    if refused == len(names):
        title = _("Receipt refused")
    else:
        title = _("Receipt taken") if len(names) == 1 else _("Receipts taken")
    box = QMessageBox(icon, title, "\n\n".join(lines), QMessageBox.StandardButton.Ok, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.open()
    return box
