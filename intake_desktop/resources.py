"""Where the app's resources (fonts, translations, icons, styles) are, however it was installed.

The one way to find a resource file: ``resource_path("fonts", "X.ttf")``.
The repository keeps them in its top-level ``resources/`` folder, which a
source checkout and an editable install (``pip install -e .``) use as it
is. A wheel (``pip install .``) carries the same folder inside the package
as ``intake_desktop/_resources/`` (pyproject.toml maps it there). In the
PyInstaller package (``packaging/intake-desktop.spec``) it is bundled as
``resources/`` inside the package's data folder (``sys._MEIPASS``).
No Qt here: the command line and the self-test use it too.
"""

from __future__ import annotations

import sys
from pathlib import Path

FOLDER = "resources"
INSTALLED = "_resources"  # the folder's name inside the installed package


def resource_root() -> Path:
    """The folder holding every resource (it may not exist in a bare install)."""
    bundle = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and bundle:
        return Path(bundle) / FOLDER
    package = Path(__file__).resolve().parent
    installed = package / INSTALLED
    if installed.is_dir():
        return installed
    return package.parent / FOLDER


def resource_path(*parts: str) -> Path:
    """A file or folder under the resources folder, e.g. ``resource_path("icons")``."""
    return resource_root().joinpath(*parts)
