"""Whether what is typed into the case editor is stored: one value, said in plain words.

``Autosave`` sets it; the editor's header and the main window's status bar
show it. A state is an enum member, never a string to compare, so a new
state cannot be missed by a listener without a type checker noticing.
"""

from __future__ import annotations

import enum

from ...core.i18n import _


class SaveState(enum.Enum):
    SAVED = "saved"  # everything typed is in the records
    UNSAVED = "unsaved"  # typed, not stored yet (it will be within a second)
    SAVING = "saving"
    # Stored, but part of it only in the record's encrypted draft: a field not
    # finished yet (a date half typed, a required choice not made). Nothing is
    # said about it until the field or the record is left.
    DRAFT = "draft"
    # A problem is shown: a field kept as a draft after it was left, a clash
    # with someone else's save waiting for a choice, or a write refused.
    ERROR = "error"

    def words(self) -> str:
        """The state as the header and the status bar say it."""
        if self is SaveState.SAVED:
            return _("All changes saved")
        if self is SaveState.UNSAVED:
            return _("Unsaved changes")
        if self is SaveState.SAVING:
            return _("Saving…")
        if self is SaveState.DRAFT:
            return _("Kept as a draft until it is complete")
        return _("Not everything was saved as typed: see the message above the form")
