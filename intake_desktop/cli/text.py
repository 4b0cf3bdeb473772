"""Printing untrusted text to a terminal."""

from __future__ import annotations

import unicodedata


def safe(text: str) -> str:
    """Text with control characters (ESC, C1, bidi overrides) made visible.

    Case text can come from a bundle someone else wrote; an escape sequence
    printed raw could rewrite the terminal or hide what is shown.
    """
    out = []
    for ch in text:
        category = unicodedata.category(ch)
        if ch == "\u200c":  # ZWNJ is part of Dari spelling
            out.append(ch)
        elif category in ("Cc", "Cf") or ch in "\u2028\u2029":
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "".join(out)
