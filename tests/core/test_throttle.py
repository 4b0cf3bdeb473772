"""Failed unlocks: a growing pause, kept in memory only."""

from __future__ import annotations

from intake_desktop.core.throttle import UnlockThrottle


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_each_failure_doubles_the_pause_up_to_a_cap() -> None:
    clock = FakeClock()
    throttle = UnlockThrottle(clock=clock, first_delay=1.0, max_delay=8.0)
    assert throttle.remaining() == 0
    assert [throttle.failed() for _ in range(6)] == [1.0, 2.0, 4.0, 8.0, 8.0, 8.0]
    assert throttle.remaining() == 8.0
    clock.now += 5
    assert throttle.remaining() == 3.0


def test_success_resets_and_wait_sleeps_only_what_remains() -> None:
    clock = FakeClock()
    throttle = UnlockThrottle(clock=clock)
    throttle.failed()
    throttle.failed()
    slept: list[float] = []
    clock.now += 0.5
    throttle.wait(sleep=slept.append)
    assert slept == [1.5]
    throttle.succeeded()
    throttle.wait(sleep=slept.append)
    assert slept == [1.5] and throttle.failures == 0
