"""The documents that describe formats and commands list every field and command the code knows."""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator

from intake_desktop.cli import build_parser
from intake_desktop.core.model import CASE, CHILD_KINDS
from tests.helpers import REPO


def test_case_format_documents_every_field_and_choice() -> None:
    text = (REPO / "docs" / "case-format.md").read_text(encoding="utf-8")
    for kind in (CASE, *CHILD_KINDS):
        if kind.plural:
            assert f"`{kind.plural}`" in text, kind.plural
        for name, spec in kind.spec.fields.items():
            assert f"`{name}`" in text, f"{kind.name}.{name}"
            for option in getattr(spec, "options", ()):
                assert f"`{option}`" in text, f"{kind.name}.{name}: {option}"


def _commands(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[str, argparse.ArgumentParser]]:
    """Every command a script can run ("vault user add", "import"), with its parser."""
    if path and parser.get_default("handler") is not None:
        yield " ".join(path), parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _commands(sub, (*path, name))


def test_cli_docs_have_a_heading_for_every_command_and_name_its_options() -> None:
    """docs/cli.md is the contract: a command or option the parser knows is documented."""
    text = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    sections = re.split(r"^### ", text, flags=re.MULTILINE)[1:]
    shared = {"-h", "--help", "--vault", "--passphrase-file", "--debug", "--language"}
    commands = dict(_commands(build_parser()))
    assert {"identity", "trust add-device", "export", "import", "conflicts resolve"} <= set(
        commands
    )
    for command, parser in commands.items():
        heading = re.compile(rf"`{re.escape(command)}(?=[ `])")
        mine = [s for s in sections if heading.search(s.split("\n", 1)[0])]
        assert mine, f"docs/cli.md has no ### heading for `{command}`"
        for action in parser._actions:
            for option in action.option_strings:
                if option.startswith("--") and option not in shared:
                    assert any(option in s for s in mine), f"`{command}`: {option} undocumented"
