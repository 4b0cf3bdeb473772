"""One job type for all work off the GUI thread: its own connection, progress, cancel.

Unlocking (Argon2id), key-slot changes, export, import, storing files and
the duplicate search all run as a ``Job``; services make them, widgets
connect to their signals and start them.

* **Its own connection.** ``connect`` runs on the GUI thread when the job
  starts (``vault.clone()``, about a millisecond, so the session cannot lock
  half-way through it); the work gets that connection and it is closed on
  the worker thread when the work returns. SQLite connections never cross
  threads, and the GUI thread may save a case meanwhile.
* **Progress** is throttled to about twenty reports a second; bytes are
  qint64 because a bundle may exceed 2 GiB.
* **Cancel** sets an event the work reads between chunks or members; core
  then raises ``Cancelled`` and changes nothing.
* **Errors.** A refusal (``IntakeError``) is a message for people, emitted
  as ``failed``. Anything else is a bug: logged through ``failures`` (kind
  and frames, never the message), and ``failed`` says only its kind.
  Tracebacks are dropped before the error is kept: frames hold case data.
* **Settling.** ``settle(connection)`` runs on the GUI thread after the
  work, success or not, before any listener hears of it (a key-slot change
  hands the header it wrote back to the session's connection).

A job outlives the dialog that started it (closing a dialog cancels or
detaches, but the thread needs a moment): the app's ``Jobs`` (a child of
the QApplication, ``Jobs.of_app()``) keeps each one until its thread has
ended, and stops them all when the app quits.
"""

from __future__ import annotations

import contextlib
import threading
import time
import warnings
from collections.abc import Callable
from typing import Any, Protocol

from ...core.errors import IntakeError
from ...core.i18n import N_, _
from ..failures import log_unexpected
from ..qt import QApplication, QObject, QThread, QTimer, Signal

PROGRESS_INTERVAL_S = 0.05
Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]


class Closable(Protocol):
    def close(self) -> None: ...


Work = Callable[[Any, Progress, Cancelled], Any]


class _Thread(QThread):
    def __init__(self, work: Callable[[], None]) -> None:
        super().__init__()
        self._work = work

    def run(self) -> None:
        self._work()


class Jobs(QObject):
    """The jobs of the app that have not ended yet."""

    idle = Signal()  # the last running job has ended

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._running: set[Job] = set()
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.stop_all)

    @classmethod
    def of_app(cls) -> Jobs:
        """The app's registry, made on first use as a child of the QApplication."""
        app = QApplication.instance()
        if app is None:
            raise RuntimeError("jobs need a QApplication")
        found = app.findChild(cls)
        return found if isinstance(found, cls) else cls(app)

    @property
    def running(self) -> tuple[Job, ...]:
        return tuple(self._running)

    def stop_all(self, wait_ms: int = 30_000) -> None:
        """Cancel every job and let its thread end before Qt goes away."""
        for job in self.running:
            job.cancel()
            job.wait(wait_ms)

    def _add(self, job: Job) -> None:
        self._running.add(job)

    def _remove(self, job: Job) -> None:
        self._running.discard(job)
        if not self._running:
            self.idle.emit()


class Job(QObject):
    """One piece of work; make it through a service, connect, ``start()`` once."""

    progress = Signal("qint64", "qint64")  # type: ignore[arg-type]  # C++ type names
    finished = Signal(object)  # the work's result
    failed = Signal(str)  # a message for people, plain text
    _ended = Signal()  # worker -> GUI thread

    def __init__(
        self,
        jobs: Jobs,
        kind: str,
        work: Work,
        *,
        connect: Callable[[], Closable] | None = None,
        settle: Callable[[Any], None] | None = None,
        unexpected: str = N_("The work stopped unexpectedly ({kind})."),
    ) -> None:
        # Owned by the registry, not by its Python wrapper: Python's cycle
        # collector may run on any thread (a worker's), and a QObject (with
        # its QThread) destroyed there crashes Qt. A job is deleted on the GUI
        # thread once it has ended (``_thread_ended``).
        super().__init__(jobs)
        self.kind = kind  # a constant for logs ("export"), never data
        self._jobs = jobs
        self._work = work
        self._connect = connect
        self._settle = settle
        self._unexpected = unexpected
        self._cancel = threading.Event()
        self._thread: _Thread | None = None
        self._started = False
        self._connection: Closable | None = None
        self._last_progress = 0.0
        self._ended.connect(self._settled)
        self.result: Any = None
        self.error: BaseException | None = None

    # Control (GUI thread)

    def start(self) -> None:
        if self._started:
            raise RuntimeError("a job runs once")
        self._started = True
        try:
            connection = self._connect() if self._connect is not None else None
        except IntakeError as exc:  # busy or locked: said like any other refusal
            self.error = exc

            def refused() -> None:
                self._settled()
                self.deleteLater()

            QTimer.singleShot(0, self, refused)  # listeners hear it after start()
            return
        self._connection = connection
        self._thread = _Thread(lambda: self._run(connection))
        self._thread.setParent(self)
        self._thread.finished.connect(self._thread_ended)
        self._jobs._add(self)
        self._thread.start()

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancel_requested(self) -> bool:
        return self._cancel.is_set()

    @property
    def is_running(self) -> bool:
        return self in self._jobs.running

    def wait(self, ms: int) -> bool:
        if self._thread is None or not self.is_running:
            return True
        return self._thread.wait(ms)

    def bind(self, owner: QObject) -> Job:
        """Stop telling anyone once ``owner`` (a dialog) is gone; the work runs to its end."""
        owner.destroyed.connect(lambda *_args: self.detach())
        return self

    def detach(self) -> None:
        """Disconnect every listener; the job runs on to its end."""
        with warnings.catch_warnings():  # PySide warns when nothing was connected
            warnings.simplefilter("ignore", RuntimeWarning)
            for signal in (self.progress, self.finished, self.failed):
                with contextlib.suppress(RuntimeError, TypeError):
                    signal.disconnect()

    def _thread_ended(self) -> None:
        if self._thread is not None:
            self._thread.wait()  # returns at once: run() has returned
        self._jobs._remove(self)
        # Settled already (its signal was queued before the thread's end):
        # the Python attributes (result, error) stay readable, Qt's part goes.
        self.deleteLater()

    # The work (worker thread)

    def _run(self, connection: Closable | None) -> None:
        try:
            self.result = self._work(connection, self._report, self._cancel.is_set)
        except IntakeError as exc:
            self.error = exc
        except BaseException as exc:  # a bug: its kind, never its data
            log_unexpected(exc, self.kind)
            self.error = exc
        finally:
            self._drop_tracebacks()
            if connection is not None:
                connection.close()
        self._ended.emit()

    def _drop_tracebacks(self) -> None:
        error, seen = self.error, set()
        while error is not None and id(error) not in seen:
            seen.add(id(error))
            error.__traceback__ = None
            error = error.__cause__ or error.__context__

    def _report(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done >= total or now - self._last_progress >= PROGRESS_INTERVAL_S:
            self._last_progress = now
            self.progress.emit(done, total)

    # Back on the GUI thread

    def _settled(self) -> None:
        if self._settle is not None and self._connection is not None:
            self._settle(self._connection)
        self._connection = None
        if self.error is None:
            self.finished.emit(self.result)
        elif isinstance(self.error, IntakeError):
            self.failed.emit(str(self.error))
        else:
            self.failed.emit(_(self._unexpected).format(kind=type(self.error).__name__))
