"""The one door: screens reach the core only through ``ui/services``.

Layers, from the bottom: ``core`` (no Qt), then ``ui/jobs`` (threads, may
know core's error and translation vocabulary only), then ``ui/services``
(the session and its services: the only ui code that imports the rest of
core), then every screen and widget. A widget that imports ``core`` for
anything but translation (``core.i18n``) and error types (``core.errors``)
fails here; the pure names screens need come from ``ui/services/vocabulary``.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.helpers import REPO

UI = REPO / "intake_desktop" / "ui"
SHARED = {"intake_desktop.core.i18n", "intake_desktop.core.errors"}
# Pure modules the vocabulary may re-export from (no vault, no SQL, no keys).
NEVER_IN_VOCABULARY = re.compile(r"(Store|Vault|Service)$")

# Screens that still reach around the door, with what they import. Empty when
# the door is whole; a new entry here needs a reason in review.
KNOWN: dict[str, set[str]] = {}


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(REPO).with_suffix("").parts)


def imports(path: Path, module: str | None = None) -> list[tuple[str, list[str], int]]:
    """(absolute module, names, line) of every import in ``path``."""
    package = (module or module_name(path)).rsplit(".", 1)[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - (node.level - 1)]
                target = ".".join(parts + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.append((target, [a.name for a in node.names], node.lineno))
        elif isinstance(node, ast.Import):
            found.extend((a.name, [], node.lineno) for a in node.names)
    return found


def room(path: Path) -> str:
    parts = path.relative_to(UI).parts
    return parts[0] if len(parts) > 1 else ""


def core_reaches(path: Path, module: str | None = None) -> set[str]:
    """The core modules (beyond translation and errors) a ui module imports."""
    reached = set()
    for target, names, _line in imports(path, module):
        if target == "intake_desktop.core":
            reached.update(f"intake_desktop.core.{n}" for n in names)
        elif target.startswith("intake_desktop.core.") and target not in SHARED:
            reached.add(target)
    return reached - SHARED


def widget_modules() -> list[Path]:
    return [p for p in sorted(UI.rglob("*.py")) if room(p) not in {"services", "jobs"}]


@pytest.mark.parametrize("path", widget_modules(), ids=lambda p: p.relative_to(UI).as_posix())
def test_a_screen_reaches_the_core_only_through_the_services(path: Path) -> None:
    rel = path.relative_to(UI).as_posix()
    assert core_reaches(path) <= KNOWN.get(rel, set())
    text = path.read_text(encoding="utf-8")
    # Holding the session's connection is reaching around the door too.
    assert "session.vault" not in text
    # A service announces its own changes; a widget never speaks for it.
    assert not re.search(r"\b(cases|bundles|keys|users|service)\.\w+\.emit\(", text)


def test_the_known_exceptions_are_still_needed() -> None:
    """An entry nobody needs any more must go, so the list only shrinks."""
    for rel, modules in KNOWN.items():
        assert modules & core_reaches(UI / rel), rel


@pytest.mark.parametrize("path", sorted((UI / "jobs").rglob("*.py")), ids=lambda p: p.name)
def test_jobs_know_nothing_of_the_vault(path: Path) -> None:
    assert core_reaches(path) == set()
    assert not any(t.startswith("intake_desktop.ui.services") for t, _n, _l in imports(path))


def test_the_vocabulary_is_pure() -> None:
    path = UI / "services" / "vocabulary.py"
    for target, names, line in imports(path):
        if target.startswith("intake_desktop.ui"):
            pytest.fail(f"vocabulary.py:{line} imports {target}")
        bad = [n for n in names if NEVER_IN_VOCABULARY.search(n)]
        assert not bad, f"vocabulary.py:{line} re-exports {bad}"


def test_the_check_would_see_a_widget_importing_the_vault(tmp_path: Path) -> None:
    """Guard against a check that can never fail."""
    source = (UI / "editor" / "case_editor.py").read_text(encoding="utf-8")
    probe = tmp_path / "probe.py"
    probe.write_text(source + "\nfrom ...core.vault import Vault\nfrom ...core import trust\n")
    reached = core_reaches(probe, "intake_desktop.ui.editor.probe")
    assert {"intake_desktop.core.vault", "intake_desktop.core.trust"} <= reached
