"""Message catalogs: extract the messages, update the translations, compile them.

    python packaging/i18n.py           # or: make i18n
    python packaging/i18n.py --check   # exit 1 if a catalog is out of date (tests run it)

1. Extracts every message marked in ``intake_desktop/`` (``_``, ``N_``,
   ``ngettext``) with Babel's Python extractor into
   ``resources/locale/intake_desktop.pot``, sorted by message, with file
   names but no line numbers and no dates, so the file changes only when a
   message does.
2. Updates ``resources/locale/<code>/LC_MESSAGES/intake_desktop.po`` for every
   interface language (``core/i18n.py``: fa_AF, ps): new messages come in
   untranslated, translations are kept (a changed message keeps its old
   translation marked fuzzy, which is not used until a translator checks it
   and removes the mark),
   removed messages that had a translation stay at the end as ``#~`` comments.
3. Compiles each ``.po`` into the ``.mo`` beside it (stdlib gettext reads it
   at run time). Only translated, non-fuzzy entries go in; the rest stays
   English. The ``.mo`` files are kept in the tree so that a source checkout
   and the PyInstaller package (which bundles ``resources/``) need no build step.

Babel is only needed here (``pip install -e '.[dev]'``), never at run time.
The workflow for translators is ``docs/translating.md``.
"""

from __future__ import annotations

import argparse
import ast
import io
import struct
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from babel.messages.catalog import Catalog, Message  # noqa: E402
from babel.messages.extract import extract_from_file  # noqa: E402
from babel.messages.pofile import read_po, write_po  # noqa: E402

from intake_desktop.core.i18n import DOMAIN, ENGLISH, LANGUAGES  # noqa: E402

SOURCE = REPO / "intake_desktop"
LOCALE = REPO / "resources" / "locale"
POT = LOCALE / f"{DOMAIN}.pot"
TRANSLATED = tuple(code for code in LANGUAGES if code != ENGLISH)
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
COMMENT_TAGS = ("Translators:",)
PLURAL_FORMS = "nplurals=2; plural=(n != 1);"
WIDTH = 76
PROJECT = "intake-desktop"
LANGUAGE_NAMES = {"fa_AF": "Dari (Afghanistan)", "ps": "Pashto"}
# Header fields this script writes; any other field in a .po (Last-Translator,
# Language-Team, PO-Revision-Date, X-Generator ...) is kept as the translator left it.
OWN_FIELDS = (
    "Project-Id-Version",
    "Language",
    "MIME-Version",
    "Content-Type",
    "Content-Transfer-Encoding",
    "Plural-Forms",
)
DROPPED_FIELDS = ("POT-Creation-Date", "Generated-By")


def po_path(code: str) -> Path:
    return LOCALE / code / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(code: str) -> Path:
    return po_path(code).with_suffix(".mo")


def relative(path: Path) -> str:
    return path.relative_to(REPO).as_posix()


# Extraction


def source_files() -> list[Path]:
    return sorted(p for p in SOURCE.rglob("*.py") if "__pycache__" not in p.parts)


def extract() -> Catalog:
    """Every marked message in the code, with the files it is in."""
    catalog = Catalog(domain=DOMAIN, project=PROJECT, charset="utf-8", fuzzy=False)
    for path in source_files():
        name = relative(path)
        found = extract_from_file(
            "python", path, keywords=KEYWORDS, comment_tags=COMMENT_TAGS, strip_comment_tags=True
        )
        for lineno, message, comments, context in found:
            text = message[0] if isinstance(message, tuple) else message
            flags = ("python-brace-format",) if "{" in text else ()
            catalog.add(
                message,
                None,
                locations=[(name, lineno)],
                auto_comments=comments,
                flags=flags,
                context=context,
            )
    return catalog


# Writing .pot and .po files


def _quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def header_entry(comments: Iterable[str], fields: Iterable[tuple[str, str]]) -> str:
    lines = [*comments, 'msgid ""', 'msgstr ""']
    lines += [_quote(f"{key}: {value}\n") for key, value in fields]
    return "\n".join(lines) + "\n\n"


def body(catalog: Catalog) -> str:
    buffer = io.BytesIO()
    write_po(
        buffer,
        catalog,
        width=WIDTH,
        omit_header=True,
        sort_output=True,
        include_lineno=False,
        include_previous=False,  # Babel would read "#|" lines back as comments
    )
    return buffer.getvalue().decode("utf-8").rstrip("\n") + "\n"


BASE_FIELDS = (
    ("Project-Id-Version", PROJECT),
    ("MIME-Version", "1.0"),
    ("Content-Type", "text/plain; charset=UTF-8"),
    ("Content-Transfer-Encoding", "8bit"),
)


def render_pot(template: Catalog) -> str:
    comments = (
        f"# Messages of {PROJECT}, extracted from intake_desktop/ by packaging/i18n.py.",
        "# Generated: run `make i18n` instead of editing. Translations go into",
        f"# <language>/LC_MESSAGES/{DOMAIN}.po (docs/translating.md).",
    )
    return header_entry(comments, BASE_FIELDS) + body(template)


def parse_header(text: str) -> tuple[list[str], list[tuple[str, str]]]:
    """The comment lines before the header entry of a .po file, and its fields in order."""
    comments: list[str] = []
    lines = iter(text.splitlines())
    line = ""
    for line in lines:
        if not line.startswith("#"):
            break
        if not line.startswith("#,"):  # a "#, fuzzy" header flag is not kept
            comments.append(line)
    if line.strip() != 'msgid ""':
        return comments, []
    header = ""
    for line in lines:
        stripped = line.strip()
        if stripped.startswith("msgstr"):
            stripped = stripped[len("msgstr") :].strip()
        if not stripped.startswith('"'):
            break
        header += ast.literal_eval(stripped)
    fields = []
    for field in header.split("\n"):
        key, sep, value = field.partition(":")
        if sep:
            fields.append((key.strip(), value.strip()))
    return comments, fields


def po_fields(code: str, existing: list[tuple[str, str]]) -> list[tuple[str, str]]:
    kept = [(k, v) for k, v in existing if k not in OWN_FIELDS and k not in DROPPED_FIELDS]
    return [
        BASE_FIELDS[0],
        ("Language", code),
        *BASE_FIELDS[1:],
        ("Plural-Forms", PLURAL_FORMS),
        *kept,
    ]


def _translated(message: Message) -> bool:
    strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
    return any(strings)


def render_po(code: str, template: Catalog, existing_text: str | None) -> str:
    """The .po of a language brought up to date with the template, keeping its translations."""
    if existing_text is None:
        comments = [
            f"# {LANGUAGE_NAMES.get(code, code)} translation of {PROJECT}.",
            "# Fill in the msgstr lines; keep every {placeholder} (docs/translating.md).",
        ]
        fields: list[tuple[str, str]] = []
        catalog = Catalog(locale=code, domain=DOMAIN, project=PROJECT, fuzzy=False)
    else:
        comments, fields = parse_header(existing_text)
        catalog = read_po(io.StringIO(existing_text), locale=code, domain=DOMAIN)
    catalog.mime_headers = [("Plural-Forms", PLURAL_FORMS)]
    catalog.update(template, update_creation_date=False)
    for message in catalog:
        if message.id and message.fuzzy and not _translated(message):
            message.flags.discard("fuzzy")  # nothing to check: it is simply untranslated
    for key in [k for k, m in catalog.obsolete.items() if not _translated(m)]:
        del catalog.obsolete[key]
    return header_entry(comments, po_fields(code, fields)) + body(catalog)


# Compiling .mo files


def mo_entries(po_text: str, code: str) -> dict[str, str]:
    """What a .po puts into its .mo: the header and every complete, checked translation."""
    _comments, fields = parse_header(po_text)
    entries = {"": "".join(f"{key}: {value}\n" for key, value in fields)}
    catalog = read_po(io.StringIO(po_text), locale=code, domain=DOMAIN)
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        if isinstance(message.id, tuple | list):
            strings = tuple(message.string or ())
            if len(strings) < 2 or not all(strings):
                continue
            key, value = "\0".join(message.id), "\0".join(strings)
        elif message.string:
            key, value = message.id, message.string
        else:
            continue
        if message.context:
            key = f"{message.context}\x04{key}"
        entries[key] = value
    return entries


def mo_bytes(entries: dict[str, str]) -> bytes:
    """A GNU .mo file (little-endian, no hash table), entries sorted.

    The same entries always give the same bytes, so --check can compare them.
    """
    encoded = sorted((k.encode("utf-8"), v.encode("utf-8")) for k, v in entries.items())
    count = len(encoded)
    ids_start = 7 * 4 + 16 * count
    ids = b"".join(k + b"\0" for k, _v in encoded)
    strs_start = ids_start + len(ids)
    table_ids, table_strs = [], []
    id_offset = str_offset = 0
    for key, value in encoded:
        table_ids += [len(key), ids_start + id_offset]
        table_strs += [len(value), strs_start + str_offset]
        id_offset += len(key) + 1
        str_offset += len(value) + 1
    header = struct.pack("<7I", 0x950412DE, 0, count, 7 * 4, 7 * 4 + 8 * count, 0, 0)
    tables = struct.pack(f"<{4 * count}I", *table_ids, *table_strs)
    return header + tables + ids + b"".join(v + b"\0" for _k, v in encoded)


# Putting it together


def expected_files() -> Iterator[tuple[Path, bytes]]:
    """Every catalog file as the code and the translations make it, in order."""
    template = extract()
    yield POT, render_pot(template).encode("utf-8")
    for code in TRANSLATED:
        path = po_path(code)
        existing = path.read_text(encoding="utf-8") if path.is_file() else None
        po_text = render_po(code, template, existing)
        yield path, po_text.encode("utf-8")
        yield mo_path(code), mo_bytes(mo_entries(po_text, code))


def _msgids(text: str) -> set[str]:
    return {str(m.id) for m in read_po(io.StringIO(text)) if m.id}


def stale_reason(path: Path, wanted: bytes) -> str | None:
    if not path.is_file():
        return "missing"
    current = path.read_bytes()
    if current == wanted:
        return None
    if path.suffix == ".mo":
        return "not compiled from the current .po"
    if path.suffix == ".pot":
        old, new = _msgids(current.decode("utf-8")), _msgids(wanted.decode("utf-8"))
        added, removed = sorted(new - old), sorted(old - new)
        if added or removed:
            shown = [f"+ {m!r}" for m in added[:10]] + [f"- {m!r}" for m in removed[:10]]
            return "out of date with the code:\n    " + "\n    ".join(shown)
        return "out of date with the code (files or comments)"
    return "out of date with the .pot"


def check() -> int:
    stale = []
    for path, wanted in expected_files():
        reason = stale_reason(path, wanted)
        if reason:
            stale.append(f"{relative(path)}: {reason}")
    for line in stale:
        print(line, file=sys.stderr)
    if stale:
        print("Run `make i18n` (python packaging/i18n.py) and commit the result.", file=sys.stderr)
        return 1
    return 0


def update() -> int:
    for path, wanted in expected_files():
        if path.is_file() and path.read_bytes() == wanted:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(wanted)
        print(f"wrote {relative(path)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="change nothing; exit 1 if the .pot, a .po or a .mo is out of date",
    )
    args = parser.parse_args(argv)
    return check() if args.check else update()


if __name__ == "__main__":
    sys.exit(main())
