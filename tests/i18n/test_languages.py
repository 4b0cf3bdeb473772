"""Choosing the interface language: the catalogs, English fallback, right to left, pseudo."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from intake_desktop.core import i18n
from intake_desktop.core.errors import InvalidInput
from intake_desktop.core.i18n import N_, _, ngettext
from tests.i18n.support import POT, placeholders, read_entries, tool

LETTER = re.compile(r"[A-Za-z]")


def test_the_languages_each_by_its_own_name() -> None:
    assert i18n.available_languages() == {"en": "English", "fa_AF": "دری", "ps": "پښتو"}


@pytest.mark.parametrize(
    ("code", "rtl"),
    [("en", False), ("fa_AF", True), ("fa-AF", True), ("ps", True), ("pseudo", False)],
)
def test_dari_and_pashto_are_right_to_left(code: str, rtl: bool) -> None:
    assert i18n.is_rtl(code) is rtl


@pytest.mark.parametrize("code", ["en", "fa_AF", "fa-AF", "ps"])
def test_every_language_loads_and_an_untranslated_message_stays_english(code: str) -> None:
    i18n.load_language(code)
    assert _("Lock")  # translated or, until then, English
    assert _("not a message of the app") == "not a message of the app"
    assert ngettext("{n} byte", "{n} bytes", 3).format(n=3)


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="de"):
        i18n.load_language("de")


def test_a_language_whose_catalog_is_missing_stays_english(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(i18n, "resource_path", lambda *parts: tmp_path.joinpath(*parts))
    i18n.load_language("ps")
    assert _("Lock") == "Lock"
    assert "no compiled catalog for ps" in caplog.text


def test_a_translation_is_used_once_its_catalog_is_compiled(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    catalogs = tool()
    po_text = (
        'msgid ""\nmsgstr ""\n"Language: ps\\n"\n'
        '"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
        'msgid "Lock"\nmsgstr "قلف"\n\n'
        'msgid "No {kind} with id {id}."\nmsgstr "د {id} پېژند سره {kind} نشته."\n'
    )
    folder = tmp_path / "locale" / "ps" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "intake_desktop.mo").write_bytes(
        catalogs.mo_bytes(catalogs.mo_entries(po_text, "ps"))
    )
    monkeypatch.setattr(i18n, "resource_path", lambda *parts: tmp_path.joinpath(*parts))
    i18n.load_language("ps")
    assert _("Lock") == "قلف"
    assert _("Users") == "Users"
    # Core's errors are rendered in the interface language when shown.
    error = InvalidInput(N_("No {kind} with id {id}."), kind="case", id="x1")
    assert str(error) == "د x1 پېژند سره case نشته."
    i18n.load_language("en")
    assert _("Lock") == "Lock" and str(error) == "No case with id x1."


# The pseudo-locale


def test_pseudo_changes_every_letter_keeps_placeholders_and_is_longer() -> None:
    shown = i18n.pseudo("Saved {count} cases in {seconds:.1f} s {{literal}}")
    assert shown.startswith("⟦") and shown.endswith("⟧")
    assert "{count}" in shown and "{seconds:.1f}" in shown and "{{" in shown
    assert not LETTER.search(i18n.PLACEHOLDER.sub("", shown))
    for message in ("Saved {count} cases", "Hut", "xcb", "{a} {b}", "A very long sentence."):
        text_length = len(i18n.PLACEHOLDER.sub("", message))
        assert len(i18n.pseudo(message)) >= len(message) + 0.3 * text_length, message
    assert shown.format(count=3, seconds=1.25).count("3") == 1


def test_pseudo_is_what_the_catalog_functions_return_once_chosen() -> None:
    i18n.load_language(i18n.PSEUDO)
    assert _("Lock") == i18n.pseudo("Lock")
    assert ngettext("{n} byte", "{n} bytes", 1) == i18n.pseudo("{n} byte")
    assert ngettext("{n} byte", "{n} bytes", 2) == i18n.pseudo("{n} bytes")
    assert _("") == ""
    # A message formatted before translation has its values changed: that shows it up.
    assert "Karimi" not in _("Saved the case {name}".format(name="Karimi"))
    assert "Karimi" in _("Saved the case {name}").format(name="Karimi")


def test_pseudo_keeps_the_placeholders_of_every_message_of_the_app() -> None:
    entries = read_entries(POT.read_text(encoding="utf-8"))
    assert len(entries) > 500
    for entry in entries:
        for message in entry.ids:
            shown = i18n.pseudo(message)
            assert placeholders(shown) == placeholders(message), message
            outside = i18n.PLACEHOLDER.sub("", shown)
            assert not LETTER.search(outside), (message, shown)
            assert len(shown) >= len(message) + 0.3 * len(i18n.PLACEHOLDER.sub("", message))
            values = {name.split(":")[0].split("!")[0]: 1 for name in placeholders(message)}
            assert shown.format(**values)
