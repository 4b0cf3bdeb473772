"""What every benchmark shares: the passphrase, timing, percentiles, peak memory."""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable

PASSPHRASE = "benchmark passphrase"


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20, method="inclusive")[18]


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000


def peak_rss_mib(command: list[str], env: dict[str, str]) -> float:
    """Peak resident memory of ``command`` and its children, as the kernel counted it."""
    import subprocess

    probe = (
        "import resource, subprocess, sys\n"
        "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, *command],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return int(result.stdout.strip()) / 1024


def cpu_seconds() -> float:
    """CPU time of this process (all its threads) and its waited-for children so far.

    Robust to a busy machine where wall time is not: what the work costs, not
    how long it waited for a core.
    """
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
