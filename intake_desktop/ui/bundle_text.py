"""How the bundle dialogs write facts for people: sizes, times, hashes, outcomes.

Everything returned here is shown as plain text. Text that came from a
bundle (a claimed sender name, core's sequence note) is passed through as
a value, never as part of a template or markup.
"""

from __future__ import annotations

from ..core.bundle import importer
from ..core.i18n import N_, _, ngettext

SIZE_UNITS = ((N_("{amount} GiB"), 30), (N_("{amount} MiB"), 20), (N_("{amount} KiB"), 10))


def human_size(size: int) -> str:
    if size < 1024:
        return ngettext("{n} byte", "{n} bytes", size).format(n=size)
    for template, shift in SIZE_UNITS:
        if size >= 1 << shift:
            return _(template).format(amount=f"{size / (1 << shift):.1f}")
    return str(size)  # unreachable


def when(stamp: str) -> str:
    """``2024-06-01T12:00:05Z`` as ``2024-06-01 12:00 UTC`` (vault times are UTC)."""
    if len(stamp) >= 16 and stamp[10] == "T":
        return _("{date} {time} UTC").format(date=stamp[:10], time=stamp[11:16])
    return stamp


def grouped_sha256(hex_digest: str, per_line: int = 8) -> str:
    """A SHA-256 in groups of four, two lines, lower case as ``sha256sum`` prints it."""
    groups = [hex_digest[i : i + 4] for i in range(0, len(hex_digest), 4)]
    lines = [" ".join(groups[i : i + per_line]) for i in range(0, len(groups), per_line)]
    return "\n".join(lines)


def merge_counts(result: importer.ImportResult) -> str:
    c = result.counts
    return _(
        "{new} new, {updated} updated, {unchanged} unchanged, {older} older, "
        "{conflict} in conflict; {attachments} attachment(s)."
    ).format(
        new=c.get("new", 0),
        updated=c.get("updated", 0),
        unchanged=c.get("unchanged", 0),
        older=c.get("older", 0),
        conflict=c.get("conflict", 0),
        attachments=result.attachments,
    )


def outcome(result: importer.ImportResult, sender: str | None) -> tuple[str, str]:
    """(what happened, details) for one imported bundle.

    ``sender`` is the name this vault trusts the signer under (None: this
    vault's own key, or not trusted); a quarantined bundle's claimed name is
    not used here: only its fingerprint means anything.
    """
    who = sender if sender is not None else _("this vault")
    if result.status == importer.ALREADY_IMPORTED:
        return _("Already imported"), _(
            "Bundle {number} from {sender} was imported before; nothing changed."
        ).format(number=result.sequence, sender=who)
    if result.status == importer.QUARANTINED:
        return _("Quarantined"), _(
            "Signed by a key this vault does not trust, fingerprint {fingerprint}. "
            "Nothing was merged: compare the fingerprint with the sender in the "
            "Quarantine tab."
        ).format(fingerprint=result.fingerprint)
    details = [
        merge_counts(result),
        _("Bundle {number} from {sender}: {note}.").format(
            number=result.sequence, sender=who, note=result.sequence_text()
        ),
    ]
    if result.counts.get("conflict"):
        details.append(_("Review the records edited on both sides in the Conflicts tab."))
    return _("Merged"), "\n".join(details)
