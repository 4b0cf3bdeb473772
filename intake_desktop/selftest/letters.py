"""The characters a bundled font must cover for Dari and Pashto text (no Qt here)."""

from __future__ import annotations

from pathlib import Path

# The 32 letters of the Dari (Persian) alphabet, and the hamza forms and
# heh-with-yeh (ezafe) that Dari spelling uses.
DARI = "ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی" + "آءأؤئۀ"
# The letters Pashto adds to them.
PASHTO = "ټځڅډړږښګڼېۍ"
# Arabic yeh and kaf: typed on Arabic keyboards, stored exactly as typed.
ARABIC_FORMS = "يك"
PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
# Comma, semicolon, question mark, and the decimal and thousands separators
# Qt's Persian locale uses to print numbers.
PUNCTUATION = "،؛؟٫٬"
ZWNJ = "\u200c"

REQUIRED = DARI + PASHTO + ARABIC_FORMS + PERSIAN_DIGITS + PUNCTUATION + ZWNJ

FONT_SUFFIXES = (".ttf", ".otf")


def font_files(folder: Path) -> list[Path]:
    """Every .ttf/.otf file under ``folder``, recursively (none if it does not exist)."""
    if not folder.is_dir():
        return []
    return sorted(
        path
        for path in folder.rglob("*")
        if path.suffix.lower() in FONT_SUFFIXES and path.is_file()
    )


def describe(char: str) -> str:
    """``ټ (U+067C)``; ZWNJ by name, since it has no visible shape."""
    if char == ZWNJ:
        return "ZWNJ (U+200C)"
    return f"{char} (U+{ord(char):04X})"
