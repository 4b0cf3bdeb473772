"""The one message catalog (gettext) used by core, the command line and the UI.

Core code marks user-visible text with ``N_`` (for templates stored and
formatted later, e.g. in errors) or translates with ``_`` at the point of use.
Placeholders are always named (``{case_id}``) so translators can reorder them.
"""

from __future__ import annotations

import gettext

_active: gettext.NullTranslations = gettext.NullTranslations()


def set_translations(translations: gettext.NullTranslations) -> None:
    """Install the catalog for the chosen interface language (process-wide, like Qt's)."""
    global _active
    _active = translations


def _(message: str) -> str:
    return _active.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _active.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark a string for extraction without translating it yet."""
    return message
