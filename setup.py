"""Ship the repository's top-level ``resources/`` inside the wheel.

pyproject.toml holds everything else. ``resources/`` (fonts, translations,
icons, the desktop entry) stays at the top of the repository, where the
PyInstaller spec and a source checkout read it; a wheel (``pip install .``)
carries a copy inside the package as ``intake_desktop/_resources/``, which
``intake_desktop/resources.py`` looks for first. An editable install
(``pip install -e .``) reads ``resources/`` in place.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

RESOURCES = Path(__file__).resolve().parent / "resources"
INSTALLED = Path("intake_desktop") / "_resources"


class BuildWithResources(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        target = Path(self.build_lib) / INSTALLED
        # Replaced whole: a file removed from resources/ must not linger in a rebuild.
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(RESOURCES, target, ignore=shutil.ignore_patterns("*.po", "*.pot"))


setup(cmdclass={"build_py": BuildWithResources})
