"""Running a check in a process whose one screen has a given size.

Qt's offscreen platform reads its screens from a JSON file named in the
platform string (``offscreen:configfile=screen.json``), once, when the
application starts: so each screen size needs a process of its own. The
module run there prints its findings as one JSON line, last.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.helpers import REPO

SCREENS = {"1366x768": (1366, 768), "1280x720": (1280, 720)}
LANGUAGES = ("en", "fa_AF", "ps")


def run_on_screen(module: str, width: int, height: int, root: Path) -> dict[str, Any]:
    """``python -m module LANGUAGES…`` on a ``width``×``height`` screen; its last JSON line."""
    config = root / "screen.json"
    config.write_text(
        json.dumps({"screens": [{"name": "laptop", "width": width, "height": height}]}),
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INTAKE_", "QT_"))}
    env.update(
        QT_QPA_PLATFORM=f"offscreen:configfile={config}",
        INTAKE_KDF_TARGET_MS="0",
        HOME=str(root),
        XDG_CONFIG_HOME=str(root / "config"),
        TMPDIR=str(root),
    )
    run = subprocess.run(
        [sys.executable, "-m", module, *LANGUAGES],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    lines = [line for line in run.stdout.splitlines() if line.startswith("{")]
    assert run.returncode == 0 and lines, run.stderr[-4000:]
    result: dict[str, Any] = json.loads(lines[-1])
    assert result["screen"] == [width, height]
    return result
