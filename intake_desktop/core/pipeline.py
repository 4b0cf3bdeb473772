"""Overlapping I/O-bound steps on a helper thread.

SQLCipher (inside sqlite3_step), hashlib (for buffers over 2 KiB) and pipe
writes all release the GIL, so a producer on a helper thread really runs in
parallel with the consumer: reading the next attachment chunk from the
database while the previous one goes down the pipe roughly halves the time.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Generator, Iterator
from typing import TypeVar

T = TypeVar("T")
_DONE = object()


def prefetched(items: Iterator[T], depth: int = 2) -> Generator[T, None, None]:
    """Yield ``items``, computing up to ``depth`` ahead on a helper thread.

    The helper thread is the only user of whatever ``items`` reads from
    until it is exhausted; errors are re-raised in the consumer. Stopping
    early (an exception in the consumer) stops the helper too.
    """
    box: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in items:
                while not stop.is_set():
                    try:
                        box.put(item, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            box.put(_DONE)
        except BaseException as exc:  # handed to the consumer
            box.put(exc)

    thread = threading.Thread(target=produce, name="prefetch", daemon=True)
    thread.start()
    try:
        while True:
            item = box.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        thread.join()
