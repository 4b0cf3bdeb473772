"""The catalogs are in step with the code, complete, and keep every placeholder.

``packaging/i18n.py`` (``make i18n``) writes them; docs/translating.md is the workflow.
"""

from __future__ import annotations

import gettext
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import REPO
from tests.i18n.support import (
    LANGUAGES,
    POT,
    TOOL_PATH,
    Entry,
    placeholder_problems,
    po_path,
    read_entries,
    tool,
)


def test_the_catalogs_are_up_to_date_with_the_code() -> None:
    """The .pot has every message of the code, each .po every message of the .pot.

    And each .mo is compiled from its .po.
    """
    pytest.importorskip("babel", reason="babel (the dev extra) extracts the messages")
    result = subprocess.run(
        [sys.executable, str(TOOL_PATH), "--check"],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_the_check_notices_a_message_the_catalog_lacks(tmp_path: Path) -> None:
    """Guard against a check that can never fail."""
    catalogs = tool()
    pot = catalogs.render_pot(catalogs.extract())
    stale = tmp_path / "stale.pot"
    stale.write_text(pot.replace('msgid "Lock"\n', 'msgid "Lock it"\n'), encoding="utf-8")
    reason = catalogs.stale_reason(stale, pot.encode("utf-8"))
    assert reason and "+ 'Lock'" in reason and "- 'Lock it'" in reason


@pytest.mark.parametrize("code", LANGUAGES)
def test_each_po_file_declares_its_language_and_plural_forms(code: str) -> None:
    header = po_path(code).read_text(encoding="utf-8").split("\n\n", 1)[0]
    assert f'"Language: {code}\\n"' in header
    assert '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"' in header
    assert '"Content-Type: text/plain; charset=UTF-8\\n"' in header


@pytest.mark.parametrize("code", LANGUAGES)
def test_each_po_file_has_every_message_of_the_template(code: str) -> None:
    template = {e.ids for e in read_entries(POT.read_text(encoding="utf-8"))}
    translated = {e.ids for e in read_entries(po_path(code).read_text(encoding="utf-8"))}
    assert template == translated


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_message_is_translated(code: str) -> None:
    missing = [
        e.msgid for e in read_entries(po_path(code).read_text(encoding="utf-8")) if not e.translated
    ]
    assert not missing, f"{len(missing)} message(s) untranslated or fuzzy in {code}:\n" + "\n".join(
        missing
    )


@pytest.mark.parametrize("code", LANGUAGES)
def test_translations_keep_the_placeholders_and_use_no_printf_style(code: str) -> None:
    problems = [
        problem
        for entry in read_entries(po_path(code).read_text(encoding="utf-8"))
        for problem in placeholder_problems(entry)
    ]
    assert not problems, "\n".join(problems)


def test_no_message_uses_printf_style_placeholders() -> None:
    problems = [
        problem
        for entry in read_entries(POT.read_text(encoding="utf-8"))
        for problem in placeholder_problems(Entry(entry.ids, entry.ids, False))
    ]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    ("ids", "strings", "wanted"),
    [
        (("Saved {count} cases",), ("{count} ذخیره شد",), None),
        (("Saved {count} cases",), ("ذخیره شد",), "has [], the original ['count']"),
        (("Saved {count} cases",), ("{number} ذخیره شد",), "has ['number']"),
        (("Saved {count} cases",), ("%s ذخیره شد {count}",), "printf-style"),
        (("Saved {count} cases",), ("{count ذخیره شد",), "not a valid template"),
        (("{seconds:.1f} s",), ("{seconds} ثانیه",), "has ['seconds']"),
        (("One case", "{count} cases"), ("یک دوسیه", "{count} دوسیه"), None),
        (("One case", "{count} cases"), ("{count} دوسیه", "{count} دوسیه"), None),
        (("One case", "{count} cases"), ("یک دوسیه", "دوسیه‌ها"), "msgstr[1] has []"),
    ],
)
def test_the_placeholder_check_catches_a_broken_translation(
    ids: tuple[str, ...], strings: tuple[str, ...], wanted: str | None
) -> None:
    """Guard against a placeholder check that can never fail."""
    problems = placeholder_problems(Entry(ids, strings, False))
    if wanted is None:
        assert problems == []
    else:
        assert any(wanted in problem for problem in problems), problems


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_compiled_catalog_loads_and_falls_back_to_english(code: str) -> None:
    with (REPO / "resources" / "locale" / code / "LC_MESSAGES" / "intake_desktop.mo").open(
        "rb"
    ) as file:
        catalog = gettext.GNUTranslations(file)
    assert catalog.info()["language"] == code
    # Plural forms survive compilation (translated or not), placeholder and all.
    assert all("{n}" in catalog.ngettext("{n} byte", "{n} bytes", n) for n in (1, 2))
    assert catalog.gettext("not a message of the app") == "not a message of the app"


def test_translated_entries_reach_the_mo_and_untranslated_or_fuzzy_ones_do_not(
    tmp_path: Path,
) -> None:
    catalogs = tool()
    po_text = "\n".join(
        [
            'msgid ""',
            'msgstr ""',
            '"Language: fa_AF\\n"',
            '"Content-Type: text/plain; charset=UTF-8\\n"',
            '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"',
            "",
            'msgid "Lock"',
            'msgstr "قفل"',
            "",
            'msgid "Users"',
            'msgstr ""',
            "",
            "#, fuzzy",
            'msgid "Keys"',
            'msgstr "کلیدها"',
            "",
            'msgid "{n} byte"',
            'msgid_plural "{n} bytes"',
            'msgstr[0] "{n} بایت"',
            'msgstr[1] "{n} بایت‌ها"',
            "",
        ]
    )
    mo = tmp_path / "test.mo"
    mo.write_bytes(catalogs.mo_bytes(catalogs.mo_entries(po_text, "fa_AF")))
    with mo.open("rb") as file:
        catalog = gettext.GNUTranslations(file)
    assert catalog.gettext("Lock") == "قفل"
    assert catalog.gettext("Users") == "Users"  # untranslated: English
    assert catalog.gettext("Keys") == "Keys"  # fuzzy: not used until checked
    assert catalog.ngettext("{n} byte", "{n} bytes", 1) == "{n} بایت"
    assert catalog.ngettext("{n} byte", "{n} bytes", 5) == "{n} بایت‌ها"
    # The same .po gives the same bytes: the check can compare them.
    assert mo.read_bytes() == catalogs.mo_bytes(catalogs.mo_entries(po_text, "fa_AF"))


def test_updating_a_po_file_keeps_its_translations_and_translator_headers() -> None:
    catalogs = tool()
    template = catalogs.extract()
    first = catalogs.render_po("ps", template, None)
    translated = first.replace('msgid "Lock"\nmsgstr ""', 'msgid "Lock"\nmsgstr "قلف"').replace(
        '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"',
        '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n"Last-Translator: A. Translator\\n"',
    )
    assert translated != first
    again = catalogs.render_po("ps", template, translated)
    assert again == translated
    assert 'msgid "Lock"\nmsgstr "قلف"' in again
    assert '"Last-Translator: A. Translator\\n"' in again


@pytest.mark.parametrize("code", LANGUAGES)
def test_a_record_kind_in_a_message_is_a_word_of_the_language(code: str) -> None:
    """ "No {kind} with id …" names the kind in the reader's language, not as stored."""
    from intake_desktop.core import i18n
    from intake_desktop.core.errors import RECORD_NOUNS, NotFound
    from intake_desktop.core.i18n import N_
    from intake_desktop.core.model import KINDS

    assert set(KINDS) <= set(RECORD_NOUNS)
    try:
        i18n.load_language(code)
        text = str(NotFound(N_("No {kind} with id {id}."), kind="identity_document", id="x1"))
        assert "identity_document" not in text and "x1" in text
        assert i18n._(RECORD_NOUNS["identity_document"]) in text
    finally:
        i18n.load_language("en")
    assert str(NotFound(N_("No {kind} with id {id}."), kind="evidence", id="x")) == (
        "No evidence record with id x."
    )
