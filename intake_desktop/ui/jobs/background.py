"""Running work off the GUI thread and hearing back on it.

``run_in_background`` hands a function to Qt's thread pool; its result or its
error comes back as a signal, delivered on the GUI thread. Argon2id (unlock,
vault creation) releases the GIL, so the window keeps painting meanwhile.
Bundle export and import have their own job (``bundle_jobs.py``) because
they also report progress and can be cancelled.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from ..qt import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)


class _Relay(QObject):
    done = Signal(object)
    failed = Signal(object)


class _Call(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self.fn = fn
        self.relay = relay
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            result = self.fn()
        except BaseException as exc:
            self.relay.failed.emit(exc)
        else:
            self.relay.done.emit(result)


_alive: set[_Relay] = set()  # relays must outlive their runnable


def run_in_background(
    fn: Callable[[], Any],
    on_done: Callable[[Any], None],
    on_error: Callable[[BaseException], None],
) -> None:
    relay = _Relay()
    _alive.add(relay)

    def finish(callback: Callable[[Any], None], value: Any) -> None:
        _alive.discard(relay)
        callback(value)

    relay.done.connect(lambda value: finish(on_done, value))
    relay.failed.connect(lambda exc: finish(on_error, exc))
    QThreadPool.globalInstance().start(_Call(fn, relay))
