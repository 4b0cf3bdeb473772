"""The one message catalog (gettext) used by core, the command line and the UI.

Core code marks user-visible text with ``N_`` (for templates stored and
formatted later, e.g. in errors) or translates with ``_`` at the point of use.
Placeholders are always named (``{case_id}``) so translators can reorder them,
and a message is formatted only after it is translated:
``_("Saved {count} cases").format(count=n)``. ``docs/translating.md`` is the
workflow (extract, translate, compile: ``make i18n``).

The catalogs are stdlib gettext ``.mo`` files under
``resources/locale/<code>/LC_MESSAGES/intake_desktop.mo`` (compiled from the
``.po`` files beside them and kept in the tree). A message a catalog lacks
stays in English. ``pseudo`` is no file: it shows every translated message
visibly changed (``⟦Ŝààvééd {count} ćààšéš⟧``) so that text which never went
through the catalog stands out in a screenshot.
"""

from __future__ import annotations

import gettext
import logging
import re
from typing import Final

from ..resources import resource_path

log = logging.getLogger(__name__)

DOMAIN: Final = "intake_desktop"
ENGLISH: Final = "en"
PSEUDO: Final = "pseudo"
# Interface languages, each by its own name (how people find theirs in a list).
LANGUAGES: Final = {
    ENGLISH: "English",
    "fa_AF": "دری",
    "ps": "پښتو",
}
_RTL_LANGUAGES: Final = frozenset({"fa", "ps", "ar", "ur", "he", "ckb", "sd", "ug"})

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


# Choosing the interface language


def available_languages() -> dict[str, str]:
    """The interface languages, code -> native name (English, دری, پښتو)."""
    return dict(LANGUAGES)


def is_rtl(code: str) -> bool:
    """Whether the language is written right to left (Dari, Pashto)."""
    return code.replace("-", "_").split("_")[0].lower() in _RTL_LANGUAGES


def catalog_path(code: str) -> str:
    """Where the compiled catalog of a language is (it may be missing in a bare install)."""
    return str(resource_path("locale", code, "LC_MESSAGES", f"{DOMAIN}.mo"))


def translations_for(code: str) -> gettext.NullTranslations:
    """The catalog for ``code`` ("en", "fa_AF", "ps" or "pseudo"); English where it lacks one."""
    code = code.replace("-", "_")
    if code == PSEUDO:
        return PseudoTranslations()
    if code not in LANGUAGES:
        raise ValueError(f"unknown interface language {code!r}")
    if code == ENGLISH:
        return gettext.NullTranslations()
    try:
        with open(catalog_path(code), "rb") as file:
            translations = gettext.GNUTranslations(file)
    except OSError:
        log.warning("no compiled catalog for %s: the interface stays in English", code)
        return gettext.NullTranslations()
    translations.add_fallback(gettext.NullTranslations())
    return translations


def load_language(code: str) -> None:
    """Install the interface language for everything that calls ``_`` from now on.

    Text already shown is not changed: choose the language before building
    windows (or rebuild them). ValueError for a code not in ``available_languages()``
    (or "pseudo").
    """
    set_translations(translations_for(code))


# The pseudo-locale

# Kept exactly: {placeholder}, {placeholder:spec}, and the escaped braces {{ and }}.
PLACEHOLDER: Final = re.compile(r"\{\{|\}\}|\{[^{}]*\}")
_ACCENTED: Final = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "àƀćďéƒĝĥíĵķĺɱñóƥʠŕšťúʋŵẋýžÀƁĆĎÉƑĜĤÍĴĶĹṀÑÓƤɊŔŠŤÚṾŴẊÝŽ",
)
_VOWELS: Final = re.compile(r"([aeiouAEIOU])")


def pseudo(message: str) -> str:
    """A message visibly "translated": accented, at least 30% longer, in ⟦brackets⟧.

    Placeholders are kept exactly, so a message that was formatted before it
    was translated (its values already filled in) shows its values changed.
    The extra length (doubled vowels, then "·" if that is not enough) shows
    where a longer translation would be cut off.
    """
    if not message:
        return message
    out, last, text_length = [], 0, 0
    for match in PLACEHOLDER.finditer(message):
        out.append(_pseudo_text(message[last : match.start()]))
        out.append(match.group())
        text_length += match.start() - last
        last = match.end()
    out.append(_pseudo_text(message[last:]))
    text_length += len(message) - last
    shown = "".join(out)
    missing = -(-3 * text_length // 10) - (len(shown) + 2 - len(message))
    return "⟦" + shown + "·" * max(missing, 0) + "⟧"


def _pseudo_text(text: str) -> str:
    return _VOWELS.sub(r"\1\1", text).translate(_ACCENTED)


class PseudoTranslations(gettext.NullTranslations):
    """Every message through ``pseudo()``: for screenshots that show what is not translated."""

    def gettext(self, message: str) -> str:
        return pseudo(message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return pseudo(msgid1 if n == 1 else msgid2)
