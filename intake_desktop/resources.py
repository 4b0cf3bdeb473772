"""Where the app's resources (fonts, translations, icons, styles) are, from source or frozen.

The one way to find a resource file: ``resource_path("fonts", "X.ttf")``.
From source it points into the repository's ``resources/`` folder; in the
PyInstaller package (``packaging/intake-desktop.spec``) the same folder is
bundled as ``resources/`` inside the package's data folder (``sys._MEIPASS``).
No Qt here: the command line and the self-test use it too.
"""

from __future__ import annotations

import sys
from pathlib import Path

FOLDER = "resources"


def resource_root() -> Path:
    """The folder holding every resource (it may not exist in a bare install)."""
    bundle = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and bundle:
        return Path(bundle) / FOLDER
    return Path(__file__).resolve().parent.parent / FOLDER


def resource_path(*parts: str) -> Path:
    """A file or folder under the resources folder, e.g. ``resource_path("icons")``."""
    return resource_root().joinpath(*parts)
