"""The package ships only the Qt modules the app imports: keep the spec and the code in step."""

from __future__ import annotations

import ast
import re

from tests.helpers import REPO

SPEC = REPO / "packaging" / "intake-desktop.spec"


def _qt_modules_imported() -> set[str]:
    used: set[str] = set()
    for path in (REPO / "intake_desktop").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            used.update(n.split(".")[1] for n in names if n.startswith("PySide6."))
    return used


def test_the_app_imports_only_the_qt_modules_the_package_keeps() -> None:
    match = re.search(r"QT_USED = \{([^}]*)\}", SPEC.read_text(encoding="utf-8"))
    assert match
    kept = set(re.findall(r'"(Qt\w+)"', match.group(1)))
    assert kept == {"QtCore", "QtGui", "QtWidgets", "QtNetwork"}
    assert _qt_modules_imported() <= kept, "add the module to QT_USED in the spec"
