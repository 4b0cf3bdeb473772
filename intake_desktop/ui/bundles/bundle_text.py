"""How the bundle dialogs write facts for people: sizes, times, hashes, outcomes.

Everything returned here is shown as plain text. Text that came from a
bundle (a claimed sender name, core's sequence note) is passed through as
a value, never as part of a template or markup.
"""

from __future__ import annotations

from ...core.i18n import N_, _, ngettext
from ..services.vocabulary import (
    CaseChanges,
    Change,
    ImportResult,
    ImportStatus,
    Origin,
    Outcome,
)
from ..widgets.bidi import isolate

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


def short_hash(hex_digest: str, groups: int = 3) -> str:
    """The start of a SHA-256 as ``sha256sum`` prints it, in groups of four: enough to tell
    two files apart at a glance (the whole hash is shown beside it when chosen)."""
    return " ".join(hex_digest[i : i + 4] for i in range(0, 4 * groups, 4)).strip()


def merge_counts(result: ImportResult) -> str:
    c = result.counts
    return _(
        "{new} new, {updated} updated, {unchanged} unchanged, {older} older, "
        "{conflict} in conflict; {attachments} attachment(s)."
    ).format(
        new=c.get(Outcome.NEW, 0),
        updated=c.get(Outcome.UPDATED, 0),
        unchanged=c.get(Outcome.UNCHANGED, 0),
        older=c.get(Outcome.OLDER, 0),
        conflict=c.get(Outcome.CONFLICT, 0),
        attachments=result.attachments,
    )


def claimed_name(name: str) -> str:
    """What a bundle claims as its sender's name, never shown empty (it may claim none)."""
    return name if name.strip() else _("(no name given)")


def outcome(result: ImportResult, sender: str | None) -> tuple[str, str]:
    """(what happened, details) for one imported bundle.

    ``sender`` is the name this vault trusts the signer under (None: this
    vault's own key, or not trusted). A quarantined bundle's own name for its
    sender is shown only as a claim, beside the fingerprint that counts.
    """
    who = isolate(sender) if sender is not None else _("this vault")
    if result.status == ImportStatus.ALREADY_IMPORTED:
        return _("Already imported"), _(
            "Bundle {number} from {sender} was imported before; nothing changed."
        ).format(number=result.sequence, sender=who)
    if result.status == ImportStatus.QUARANTINED:
        return _("Quarantined"), _(
            "Claims to come from {claimed} (not verified). Signed by a key this vault does "
            "not trust, fingerprint {fingerprint}. Nothing was merged: compare the "
            "fingerprint with the sender in the Quarantine tab."
        ).format(
            claimed=isolate(claimed_name(result.claimed_name)),
            fingerprint=isolate(result.fingerprint),
        )
    details = [
        merge_counts(result),
        _("Bundle {number} from {sender}: {note}.").format(
            number=result.sequence, sender=who, note=result.sequence_text()
        ),
    ]
    if result.changes:
        cases = len(result.changes)
        details.append(
            ngettext(
                "It changed {count} case: see below.", "It changed {count} cases: see below.", cases
            ).format(count=cases)
        )
    if result.counts.get(Outcome.CONFLICT):
        details.append(_("Review the records edited on both sides in the Conflicts tab."))
    return _("Merged"), "\n".join(details)


# What a bundle changed, case by case (the import report's lower half)

CHANGE_WORDS: dict[str, str] = {
    # "New", not "Added": the keys table's "Added" is a date column.
    Change.ADDED: N_("New"),
    Change.CHANGED: N_("Changed"),
    Change.DELETED: N_("Deleted"),
    Change.PROPOSED: N_("Kept as a conflict"),
}


def change_word(change: str) -> str:
    return _(CHANGE_WORDS[change]) if change in CHANGE_WORDS else change


def case_title(case: CaseChanges) -> str:
    return case.title if case.title.strip() else _("(deleted case)")


def origin_note(case: CaseChanges) -> tuple[str, bool]:
    """(a sentence about who created the case, whether it needs a person's attention).

    Names are the trust store's (this vault's own for its own key), never a
    bundle's claim; a device no longer trusted is said to be so, not left blank.
    """
    if case.other_device:
        if case.origin == Origin.THIS_VAULT:
            return _("Created in this vault; another device wrote into it."), True
        name = case.origin_name.strip() and case.origin_name
        return _("Created by {name} ({fingerprint}); another device wrote into it.").format(
            name=isolate(name) if name else _("a device you no longer trust"),
            fingerprint=isolate(case.origin_fingerprint),
        ), True
    if case.origin == Origin.UNKNOWN:
        return _("Who created this case is not known (received before this was recorded)."), False
    return "", False
