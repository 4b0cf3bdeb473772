"""Bundle export and import on a QThread, with progress and cancel.

A job opens its own connection (``vault.clone()``, about a millisecond, on
the GUI thread so the session cannot lock half-way through it), runs the
core function on a QThread with that connection only, and closes it there:
SQLite connections never cross threads. The age crypto already runs in a
separate worker process (core does that); this thread only streams the tar
between the vault and that process, and nearly all of its time is spent in
calls that release the GIL (SQLCipher, pipe writes), so the GUI thread keeps
painting. ``benchmarks/gui_stall.py`` measures that.

Signals are emitted from the worker thread on an object that lives in the
GUI thread, so Qt queues them: slots always run on the GUI thread. Progress
is throttled to about twenty updates a second.

Cancel sets a ``threading.Event`` that core's ``cancelled`` callback reads
between chunks (export) or members (import); core then raises ``Cancelled``,
leaves no bundle with the final name and changes nothing, and the job
reports it through ``failed`` with ``cancel_requested`` set.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ...core.bundle import importer
from ...core.bundle.export import export_bundle
from ...core.bundle.format import RecipientRef
from ...core.errors import Cancelled, IntakeError
from ...core.i18n import N_, _
from ...core.vault import Vault
from ..qt import QApplication, QObject, QThread, Signal

log = logging.getLogger(__name__)

PROGRESS_INTERVAL_S = 0.05
Progress = Callable[[int, int], None]

# A running job must outlive the dialog that started it (closing the dialog
# cancels it, but the thread needs a moment to notice): the jobs keep
# themselves here until their thread has ended.
_running: set[BundleJob] = set()


class _Runner(QThread):
    def __init__(self, work: Callable[[], None]) -> None:
        super().__init__()
        self._work = work

    def run(self) -> None:
        self._work()


class BundleJob(QObject):
    """One export or import; start it once, listen to its signals."""

    # Bytes done and in all; qint64 because a bundle may exceed 2 GiB (int is 32-bit).
    progress = Signal("qint64", "qint64")  # type: ignore[arg-type]  # C++ type names
    finished = Signal(object)  # ExportResult or ImportResult
    failed = Signal(str)  # a message for people (core's error text), plain text

    unexpected = N_("The work stopped unexpectedly ({kind}).")

    def __init__(self, vault: Vault) -> None:
        super().__init__()
        self._vault = vault
        self._cancel = threading.Event()
        self._thread: _Runner | None = None
        self._last_progress = 0.0
        self.result: Any = None
        self.error: BaseException | None = None

    # Control (GUI thread)

    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError("a bundle job runs once")
        clone = self._vault.clone()
        self._thread = _Runner(lambda: self._run(clone))
        self._thread.finished.connect(self._thread_ended)
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self._stop_for_quit)
        _running.add(self)
        self._thread.start()

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancel_requested(self) -> bool:
        return self._cancel.is_set()

    @property
    def is_running(self) -> bool:
        return self in _running

    def detach(self) -> None:
        """Disconnect every listener (a closing dialog); the job runs on to its end."""
        for signal in (self.progress, self.finished, self.failed):
            with contextlib.suppress(RuntimeError, TypeError):  # nothing connected
                signal.disconnect()

    def _stop_for_quit(self) -> None:
        """The app is quitting: stop, and let the thread end before Qt goes away."""
        self.cancel()
        if self._thread is not None:
            self._thread.wait(30_000)

    def _thread_ended(self) -> None:
        if self._thread is not None:
            self._thread.wait()  # returns at once: run() has returned
        _running.discard(self)

    # The work (worker thread)

    def work(self, vault: Vault, progress: Progress, cancelled: Callable[[], bool]) -> Any:
        raise NotImplementedError

    def _run(self, clone: Vault) -> None:
        try:
            result = self.work(clone, self._report, self._cancel.is_set)
        except IntakeError as exc:
            self.error = exc
        except BaseException as exc:  # a bug: say what kind, never what data
            log.error("bundle job failed: %s", type(exc).__name__)
            self.error = exc
        else:
            self.result = result
        finally:
            # Core stops its own reader threads before returning (export's
            # ParallelChunks), so the clone can close at once.
            self._drop_tracebacks()
            clone.close()
        if self.error is None:
            self.finished.emit(self.result)
        elif isinstance(self.error, IntakeError):
            self.failed.emit(str(self.error))
        else:
            self.failed.emit(_(self.unexpected).format(kind=type(self.error).__name__))

    def _drop_tracebacks(self) -> None:
        """A kept error must not keep frames alive: they hold case data."""
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


class ExportJob(BundleJob):
    """``export_bundle`` of ``case_ids`` (None: every case) to ``out``.

    Core refuses cases whose recorded consent does not allow sharing them
    (``ConsentRefused``, kept in ``error`` with each case and reason); only a
    person's explicit choice sets ``override_consent``, which core audits.
    """

    unexpected = N_("The export stopped unexpectedly ({kind}); no bundle was written.")

    def __init__(
        self,
        vault: Vault,
        recipients: list[RecipientRef],
        out: Path,
        case_ids: list[str] | None,
        override_consent: bool = False,
    ) -> None:
        super().__init__(vault)
        self.recipients = list(recipients)
        self.out = Path(out)
        self.case_ids = None if case_ids is None else list(case_ids)
        self.override_consent = override_consent

    def work(self, vault: Vault, progress: Progress, cancelled: Callable[[], bool]) -> Any:
        return export_bundle(
            vault,
            self.recipients,
            self.out,
            self.case_ids,
            progress,
            cancelled,
            override_consent=self.override_consent,
        )


class ImportJob(BundleJob):
    """``import_bundle`` of a file, or ``import_quarantined`` of a waiting bundle."""

    unexpected = N_("The import stopped unexpectedly ({kind}); nothing was changed.")

    def __init__(
        self, vault: Vault, path: Path | None = None, quarantine_id: int | None = None
    ) -> None:
        super().__init__(vault)
        if (path is None) == (quarantine_id is None):
            raise ValueError("give a path or a quarantine id")
        self.path = None if path is None else Path(path)
        self.quarantine_id = quarantine_id

    def work(self, vault: Vault, progress: Progress, cancelled: Callable[[], bool]) -> Any:
        if self.path is not None:
            return importer.import_bundle(vault, self.path, progress, cancelled)

        # import_quarantined takes no cancel callback; its progress callback
        # runs inside the import's transaction, so raising there rolls it back.
        def progress_or_stop(done: int, total: int) -> None:
            if cancelled():
                raise Cancelled(N_("The import was cancelled; nothing was changed."))
            progress(done, total)

        assert self.quarantine_id is not None
        return importer.import_quarantined(vault, self.quarantine_id, progress_or_stop)
