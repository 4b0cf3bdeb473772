"""Text at the terminal: untrusted text printed safely, errors, a yes-or-no question,
and the small text files a command is given (a passphrase file, a key file)."""

from __future__ import annotations

import sys
import unicodedata

from ..core.files import read_small_text as read_small_text  # the commands read files with it
from ..core.i18n import _

PROGRAM = "intake-desktop"


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


def complain(message: str) -> None:
    """One line on stderr, named by the program (``message`` already translated)."""
    print(f"{PROGRAM}: {message}", file=sys.stderr)


def ask(question: str) -> bool:
    """Ask ``question`` (ending in "[y/N]") at the terminal; True only for a yes.

    No answer (end of input) is a no: a script that did not say ``--yes``
    never gets a destructive or trusting default.
    """
    try:
        answer = input(question + " ")
    except EOFError:
        return False
    # Translators: the short and the long answer "yes" to a [y/N] question, as typed.
    accepted = {"y", "yes", _("y").casefold(), _("yes").casefold()}
    return answer.strip().casefold() in accepted
