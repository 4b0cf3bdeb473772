"""How long the GUI thread stops while work runs elsewhere."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from typing import Any

from intake_desktop.ui.qt import Qt, QTimer


def gaps_while(
    qtbot: Any, until: Callable[[], bool], start: Callable[[], None], timeout_ms: int = 120_000
) -> float:
    """Longest pause (ms) between 5 ms ticks of a GUI-thread timer while work runs."""
    ticks: list[float] = []
    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(5)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    ticks.append(time.perf_counter())
    start()
    qtbot.waitUntil(until, timeout=timeout_ms)
    ticks.append(time.perf_counter())
    timer.stop()
    return max(b - a for a, b in itertools.pairwise(ticks)) * 1000
