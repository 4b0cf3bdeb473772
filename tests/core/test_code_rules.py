"""Rules of the code that the linters do not check, read from the source (AST)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.helpers import REPO

PACKAGE = REPO / "intake_desktop"
# One area a test, so that a rule broken in one place does not hide the others.
AREAS = ("core", "cli", "packet", "selftest", "ui", "top level")


def python_files(area: str) -> list[Path]:
    if area == "top level":
        return sorted(PACKAGE.glob("*.py"))
    return sorted((PACKAGE / area).rglob("*.py"))


def asserts_in(source: str) -> list[int]:
    return [node.lineno for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Assert)]


def imports_inside_functions(source: str) -> list[int]:
    """Lines of relative imports (the package's own modules) made inside a function."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            lines += [
                inner.lineno
                for inner in ast.walk(node)
                if isinstance(inner, ast.ImportFrom) and inner.level > 0
            ]
    return lines


@pytest.mark.parametrize("area", AREAS)
def test_production_code_has_no_assert(area: str) -> None:
    """``python -O`` strips asserts: a check the app relies on raises a real error."""
    files = python_files(area)
    assert files, area
    found = [
        f"{path.relative_to(REPO)}:{line}"
        for path in files
        for line in asserts_in(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_core_modules_import_each_other_at_the_top() -> None:
    """An import inside a function hides a cycle between modules instead of removing it."""
    found = [
        f"{path.relative_to(REPO)}:{line}"
        for path in python_files("core")
        for line in imports_inside_functions(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_the_rules_see_what_they_look_for() -> None:
    source = (
        "import json\n"
        "def check(value):\n"
        "    from .records import search_text\n"
        "    import sys\n"
        "    assert value is not None\n"
    )
    assert asserts_in(source) == [5]
    assert imports_inside_functions(source) == [3]
