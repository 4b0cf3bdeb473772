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
import unicodedata
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
_active_code: str = ENGLISH


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


def language_code(code: str) -> str | None:
    """``code`` as the app spells it ("fa-AF" -> "fa_AF"), or None if it is no interface language.

    The interface languages and "pseudo" are accepted (the command line's
    ``--language`` and ``INTAKE_LANGUAGE``).
    """
    code = code.strip().replace("-", "_")
    return code if code in LANGUAGES or code == PSEUDO else None


def current_language() -> str:
    """The code last given to ``load_language`` ("en" until then)."""
    return _active_code


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


def load_language(code: str, *, rtl_marks: bool = False) -> None:
    """Install the interface language for everything that calls ``_`` from now on.

    Text already shown is not changed: choose the language before building
    windows (or rebuild them). ValueError for a code not in ``available_languages()``
    (or "pseudo"). ``rtl_marks`` (the desktop app): see ``RightToLeftStart``.
    """
    global _active_code
    translations = translations_for(code)
    if rtl_marks and is_rtl(code):
        translations = RightToLeftStart(translations)
    set_translations(translations)
    _active_code = code.replace("-", "_")


# Right-to-left sentences that start with a Latin word

RLM: Final = "\u200f"  # RIGHT-TO-LEFT MARK: a strong right-to-left character, invisible
_RIGHT_TO_LEFT: Final = frozenset({"R", "AL"})


def starts_right_to_left(text: str) -> bool:
    """Whether a translated template is laid out right to left by its first letter.

    A placeholder counts as a letter of unknown direction (a name may be Latin).
    """
    position = 0
    for match in PLACEHOLDER.finditer(text):
        for char in text[position : match.start()]:
            kind = unicodedata.bidirectional(char)
            if kind in ("L", "R", "AL"):
                return kind in _RIGHT_TO_LEFT
        if match.group() not in ("{{", "}}"):
            return False
        position = match.end()
    for char in text[position:]:
        kind = unicodedata.bidirectional(char)
        if kind in ("L", "R", "AL"):
            return kind in _RIGHT_TO_LEFT
    return False


class RightToLeftStart(gettext.NullTranslations):
    """A Dari or Pashto message that begins with a Latin word or a placeholder starts
    with U+200F (RIGHT-TO-LEFT MARK).

    Qt lays a label out in the direction of its first letter, so "intake-desktop
    پرونده‌ها را ..." or "{name} اضافه شد" would otherwise be shown left to
    right, its words in the wrong order. Only translated messages that hold
    right-to-left letters are marked; English ones (not translated yet) stay as
    they are. The command line never gets the mark (``load_language`` default).
    """

    def __init__(self, inner: gettext.NullTranslations) -> None:
        super().__init__()
        self.inner = inner

    def gettext(self, message: str) -> str:
        return self._marked(self.inner.gettext(message), (message,))

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return self._marked(self.inner.ngettext(msgid1, msgid2, n), (msgid1, msgid2))

    @staticmethod
    def _marked(text: str, originals: tuple[str, ...]) -> str:
        if text in originals or text.startswith(RLM) or starts_right_to_left(text):
            return text
        if not any(unicodedata.bidirectional(char) in _RIGHT_TO_LEFT for char in text):
            return text
        return RLM + text


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
