"""Can Qt's X11 (xcb) platform plugin load? Name the missing system library if not.

Without ``libxcb-cursor0`` and friends, Qt aborts with "Could not load the Qt
platform plugin xcb" and a list of plugins that says nothing about the cause.
Here the plugin file is handed to ``ldd``, which resolves its libraries the
way the loader will (same environment, same run paths), and every library
reported "not found" is named with the Debian/Ubuntu package that has it.
No Qt is imported: the command line calls this before the app starts.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from ..core.i18n import _, ngettext

# Library file name -> the Debian/Ubuntu package holding it.
DEBIAN_PACKAGES = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-xinerama.so.0": "libxcb-xinerama0",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb.so.1": "libxcb1",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libX11.so.6": "libx11-6",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libGLX.so.0": "libglx0",
    "libOpenGL.so.0": "libopengl0",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libdbus-1.so.3": "libdbus-1-3",
}

_NOT_FOUND = re.compile(r"^\s*(\S+)\s+=>\s+not found\s*$", re.MULTILINE)
# What the loader says through Qt (QT_DEBUG_PLUGINS=1) or an ImportError.
_CANNOT_OPEN = re.compile(r"([\w.+-]+\.so(?:\.\d+)*): cannot open shared object file")


def plugin_file() -> Path | None:
    """The xcb platform plugin of the PySide6 in use (from source or frozen)."""
    try:
        spec = importlib.util.find_spec("PySide6")
    except (ImportError, ValueError):
        return None
    for folder in (spec.submodule_search_locations or []) if spec else []:
        candidate = Path(folder) / "Qt" / "plugins" / "platforms" / "libqxcb.so"
        if candidate.is_file():
            return candidate
    return None


def missing_libraries(plugin: Path | None = None) -> list[str] | None:
    """Libraries the xcb plugin needs and the system lacks; None when this cannot be told."""
    if not sys.platform.startswith("linux"):
        return None
    plugin = plugin or plugin_file()
    ldd = shutil.which("ldd")
    if plugin is None or ldd is None:
        return None
    try:
        result = subprocess.run(
            [ldd, str(plugin)], capture_output=True, text=True, timeout=20, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return sorted(set(_NOT_FOUND.findall(result.stdout)))


def libraries_named_in(text: str) -> list[str]:
    """Libraries the loader could not open, as Qt or Python report it."""
    return sorted(set(_CANNOT_OPEN.findall(text)))


def packages_for(libraries: list[str]) -> list[str]:
    return sorted({DEBIAN_PACKAGES[name] for name in libraries if name in DEBIAN_PACKAGES})


def explain(libraries: list[str]) -> str:
    """One sentence naming the missing libraries and the command that installs them."""
    packages = packages_for(libraries)
    text = ngettext(
        "missing system library: {libraries}",
        "missing system libraries: {libraries}",
        len(libraries),
    ).format(libraries=", ".join(libraries))
    if packages:
        text += "; " + _("on Debian or Ubuntu install with: {command}").format(
            command="sudo apt-get install " + " ".join(packages)
        )
    return text


def will_use_xcb(environ: dict[str, str] | None = None) -> bool:
    """Will Qt start on X11? Only then can the xcb libraries stop the app."""
    env = os.environ if environ is None else environ
    if not sys.platform.startswith("linux") or not env.get("DISPLAY"):
        return False
    platform = env.get("QT_QPA_PLATFORM", "")
    if platform:
        return platform.split(";")[0].split(":")[0] == "xcb"
    # Unset: Qt prefers Wayland on a Wayland session when it has the plugin;
    # the packaged app ships only xcb, so it always uses X11 (XWayland).
    return bool(getattr(sys, "frozen", False)) or not env.get("WAYLAND_DISPLAY")


def startup_hint() -> str | None:
    """Before the desktop app starts: one line naming what would make Qt abort, or None."""
    if not will_use_xcb():
        return None
    missing = missing_libraries()
    if not missing:
        return None
    return _("The desktop app cannot start on X11 ({reason}).").format(reason=explain(missing))
