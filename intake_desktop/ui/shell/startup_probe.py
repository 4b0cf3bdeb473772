"""Reporting when the lock screen is first on screen (for ``benchmarks/gui_cold_start.py``).

Off unless ``INTAKE_REPORT_SHOWN=1``. Then, the first time the unlock screen
is painted, one line goes to stderr::

    shown <milliseconds since the process started>

and the app quits. "Since the process started" is measured against the
launcher's ``time.monotonic_ns()`` in ``INTAKE_REPORT_SHOWN_T0`` when given
(the same system-wide clock, so fork, exec and interpreter start are
counted), else against the process start time from ``/proc`` (Linux, 10 ms
ticks), else against this module's import. Nothing else is printed: no
path, no vault name.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from ..qt import QApplication, QEvent, QObject, QTimer

ENV = "INTAKE_REPORT_SHOWN"
ENV_T0 = "INTAKE_REPORT_SHOWN_T0"
_IMPORTED_NS = time.monotonic_ns()


def _process_age_ms() -> float:
    t0 = os.environ.get(ENV_T0, "")
    if t0.isdigit():
        return (time.monotonic_ns() - int(t0)) / 1e6
    try:
        stat = Path("/proc/self/stat").read_text()
        start_ticks = int(stat.rsplit(")", 1)[1].split()[19])  # field 22: starttime
        since_boot = time.clock_gettime(time.CLOCK_BOOTTIME)
        return (since_boot - start_ticks / os.sysconf("SC_CLK_TCK")) * 1000.0
    except (OSError, ValueError, IndexError, AttributeError):
        return (time.monotonic_ns() - _IMPORTED_NS) / 1e6


class _FirstPaint(QObject):
    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self.app = app
        self.done = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not self.done and event.type() == QEvent.Type.Paint:
            from ..access.unlock import UnlockScreen

            if isinstance(watched, UnlockScreen):
                self.done = True
                # After this paint has finished, not before it.
                QTimer.singleShot(0, self.app, self.report)
        return False

    def report(self) -> None:
        self.app.removeEventFilter(self)
        print(f"shown {_process_age_ms():.1f}", file=sys.stderr, flush=True)
        self.app.quit()


def install_if_requested(app: QApplication) -> None:
    """Call once, right after the QApplication exists; does nothing unless asked."""
    if os.environ.get(ENV) == "1" and not app.property("intake_startup_probe"):
        app.setProperty("intake_startup_probe", True)  # once, however often called
        app.installEventFilter(_FirstPaint(app))
