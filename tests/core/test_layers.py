"""core/ never imports Qt: it must run headless, in the CLI and in workers."""

from __future__ import annotations

import subprocess
import sys

from tests.helpers import REPO

PROBE = """
import importlib, pkgutil, sys
import intake_desktop.core as core
for module in pkgutil.walk_packages(core.__path__, "intake_desktop.core."):
    importlib.import_module(module.name)
import intake_desktop.cli, intake_desktop.demo
print(sorted(m for m in sys.modules if m.split(".")[0] == "PySide6" or m == "shiboken6"))
"""


def test_core_and_the_command_line_load_no_qt_module() -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, cwd=REPO, check=True
    )
    assert result.stdout.strip() == "[]"


def test_the_probe_would_see_qt_if_it_were_loaded() -> None:
    """Guard against a probe that can never fail."""
    probe = PROBE.replace("import intake_desktop.cli", "import PySide6.QtCore, intake_desktop.cli")
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=REPO, check=True
    )
    assert "PySide6.QtCore" in result.stdout
