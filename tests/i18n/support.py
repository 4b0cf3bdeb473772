"""What the catalog tests share: the catalog tool, the .po files, placeholder rules."""

from __future__ import annotations

import importlib.util
import io
import re
import string
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest

from tests.helpers import REPO

TOOL_PATH = REPO / "packaging" / "i18n.py"
LOCALE = REPO / "resources" / "locale"
POT = LOCALE / "intake_desktop.pot"
LANGUAGES = ("fa_AF", "ps")
# %s, %d, %(name)s, %5.1f ... (a lone "%" as in "100 %" is not a conversion)
PRINTF = re.compile(r"%(\([^)]*\))?[-#0 +]*(\d+|\*)?(\.(\d+|\*))?[sdifreEgGxXoc]")


def babel_pofile() -> ModuleType:
    return pytest.importorskip("babel.messages.pofile", reason="babel (the dev extra) reads .po")


def tool() -> ModuleType:
    """packaging/i18n.py, imported as a module."""
    babel_pofile()
    spec = importlib.util.spec_from_file_location("intake_i18n_tool", TOOL_PATH)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def po_path(code: str) -> Path:
    return LOCALE / code / "LC_MESSAGES" / "intake_desktop.po"


@dataclass(frozen=True)
class Entry:
    """One message of a .po file: msgid (and msgid_plural), its translations, fuzzy or not."""

    ids: tuple[str, ...]
    strings: tuple[str, ...]
    fuzzy: bool

    @property
    def msgid(self) -> str:
        return self.ids[0]

    @property
    def translated(self) -> bool:
        return bool(self.strings) and all(self.strings) and not self.fuzzy


def read_entries(text: str) -> list[Entry]:
    catalog = babel_pofile().read_po(io.StringIO(text))
    entries = []
    for message in catalog:
        if not message.id:
            continue
        ids = tuple(message.id) if isinstance(message.id, tuple | list) else (message.id,)
        raw = message.string
        strings = tuple(raw) if isinstance(raw, tuple | list) else ((raw,) if raw else ())
        entries.append(Entry(ids, tuple(s or "" for s in strings), message.fuzzy))
    return entries


def placeholders(text: str) -> list[str]:
    """The ``{name}`` fields of a template, as written (``{seconds:.1f}`` -> ``seconds:.1f``)."""
    found = []
    for _literal, field, spec, conversion in string.Formatter().parse(text):
        if field is not None:
            found.append(
                field + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "")
            )
    return sorted(found)


def placeholder_problems(entry: Entry) -> list[str]:
    """Why a translated entry would break when formatted (empty when it is sound)."""
    problems = []
    if not entry.strings:
        return problems
    # msgstr[0] is the form for n == 1 (plural=(n != 1)): it follows msgid, or may
    # name the count as msgid_plural does (the caller formats every form alike);
    # the other forms follow msgid_plural.
    for index, translation in enumerate(entry.strings):
        if not translation:
            continue
        sources = entry.ids if index == 0 else entry.ids[-1:]
        where = f"msgstr[{index}]" if len(entry.ids) > 1 else "msgstr"
        try:
            theirs = placeholders(translation)
        except ValueError as exc:
            problems.append(f"{entry.msgid!r}: {where} is not a valid template ({exc})")
            continue
        expected = [placeholders(source) for source in sources]
        if theirs not in expected:
            problems.append(f"{entry.msgid!r}: {where} has {theirs}, the original {expected[0]}")
        if PRINTF.search(translation):
            problems.append(f"{entry.msgid!r}: {where} uses printf-style %: use {{name}}")
    return problems
