"""``--language CODE`` and ``INTAKE_LANGUAGE``: the interface language of commands and the app."""

from __future__ import annotations

import pytest

from intake_desktop.cli import build_parser, choose_language, language_option
from intake_desktop.core import i18n
from tests.cli.support import fails, ok, run

DESCRIPTION = "Secure, offline-first field intake: encrypted vault and bundles."


@pytest.mark.parametrize("where", ["before", "after", "env"])
def test_an_unknown_language_is_one_line_and_exit_2(cli_env: dict[str, str], where: str) -> None:
    args = {
        "before": ["--language", "xx", "case", "list"],
        "after": ["case", "list", "--language=xx"],
    }
    env = dict(cli_env)
    if where == "env":
        env["INTAKE_LANGUAGE"] = "xx"
    line = fails(*args.get(where, ["case", "list"]), env=env, code=2)
    assert '"xx"' in line and "en, fa_AF, ps, pseudo" in line
    assert ("INTAKE_LANGUAGE" if where == "env" else "--language") in line


def test_the_help_is_translated_since_the_language_is_chosen_first(
    cli_env: dict[str, str],
) -> None:
    shown = ok("--language", "pseudo", "--help", env=cli_env)
    assert i18n.pseudo(DESCRIPTION) in " ".join(shown.split())  # argparse wraps it
    assert i18n.pseudo("vault folder") in shown
    env = dict(cli_env, INTAKE_LANGUAGE="pseudo")
    assert i18n.pseudo("vault folder") in ok("--help", env=env)
    # --language wins over the environment.
    assert "vault folder" in ok("--language", "en", "--help", env=env)


def test_messages_come_in_the_chosen_language(cli_env: dict[str, str]) -> None:
    cli_env["INTAKE_VAULT"] = cli_env["INTAKE_VAULT"] + "-missing"
    result = run("case", "list", "--language", "pseudo", env=cli_env)
    assert result.returncode == 5
    assert "⟦" in result.stderr.decode("utf-8")


def test_read_back_keeps_its_own_language_option() -> None:
    """After ``statement read-back``, --language is the language it was read in."""
    args = ["statement", "read-back", "S1", "--read-by", "Farida", "--language", "prs"]
    assert language_option(args) is None
    assert choose_language(args) == (None, None)
    assert language_option(["--language", "ps", *args]) == "ps"
    parsed = build_parser().parse_args(["--language", "ps", *args])
    assert parsed.language == "prs" and parsed.interface_language == "ps"
    assert language_option(["case", "list", "--language", "fa-AF"]) == "fa-AF"
    assert choose_language(["case", "list", "--language", "fa-AF"]) == ("fa_AF", None)
