"""A growing pause between failed unlock attempts in one session.

Nothing is written to disk on a failure (a wrong passphrase must change
nothing), so the pause lives in memory: it slows someone guessing at the
keyboard of a seized laptop. Offline guessing against a copied folder is
bounded by Argon2id alone; docs/vault-format.md says so.
"""

from __future__ import annotations

import time
from collections.abc import Callable


class UnlockThrottle:
    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        first_delay: float = 1.0,
        max_delay: float = 60.0,
    ) -> None:
        self._clock = clock
        self._first = first_delay
        self._max = max_delay
        self.failures = 0
        self._not_before = 0.0

    def delay_after(self, failures: int) -> float:
        """1 s, 2 s, 4 s ... capped: the pause after the n-th failure in a row."""
        if failures <= 0:
            return 0.0
        return float(min(self._first * 2 ** (failures - 1), self._max))

    def failed(self) -> float:
        """Record a failure; returns how long until the next attempt is allowed."""
        self.failures += 1
        delay = self.delay_after(self.failures)
        self._not_before = self._clock() + delay
        return delay

    def succeeded(self) -> None:
        self.failures = 0
        self._not_before = 0.0

    def remaining(self) -> float:
        return max(0.0, self._not_before - self._clock())

    def wait(self, sleep: Callable[[float], None] = time.sleep) -> None:
        pause = self.remaining()
        if pause > 0:
            sleep(pause)
