"""The outbox as the app sees it: entries, Send now, Pause, Remove, and the background sender.

Sending never runs on the GUI thread: each pass is a ``Job`` on its own
connection (core/delivery/outbox.py does the work and its bookkeeping).
One pass at a time in the app; the command line sending at the same moment
is not an error, the app just tries again later.

What starts a pass:

* **The timer**, single-shot, set from the outbox's next due entry (at
  least a second, at most an hour, so a clock that jumped, a suspended
  laptop, is noticed within the hour). When it fires it looks again and
  sends only what is due.
* **Send now**: whatever waits, due or not (paused entries never).
* **The network** coming online (``QNetworkInformation``), a hint only: a
  machine on a captive portal or a LAN without internet says "online" too,
  so the hint may start a pass but the lack of one never skips a pass.

"Send only on unmetered connections" (kept in the vault) skips timer and
hint passes while the platform says the connection is metered; Send now
still sends, and says so. ``stop()`` (on lock) cancels a running pass: core
queues its entry again, so the next unlock resumes where it stopped.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from ...core.bundle.export import ExportResult
from ...core.bundle.format import RecipientRef
from ...core.delivery.destinations import DestinationStore
from ...core.delivery.outbox import Outbox, OutboxEntry, SendBusy, SendResult
from ...core.errors import Cancelled as CancelledError
from ...core.i18n import N_, _
from ...core.vault import Vault
from ..jobs.job import Cancelled, Job, Jobs, Progress
from ..qt import QElapsedTimer, QNetworkInformation, QObject, QTimer, Signal
from .bundles import packet_renderer

__all__ = ["OutboxEntry", "OutboxService"]

MIN_WAIT_S = 1.0  # the timer never fires sooner: no tight loop when something is due at once
MAX_WAIT_S = 3600.0  # nor later: a clock that jumped is noticed within the hour
BUSY_WAIT_S = 30.0  # the command line is sending: look again after this
METERED_WAIT_S = 300.0  # sending waits for an unmetered connection: look again after this
HINT_EVERY_S = 30.0  # a network that comes and goes starts at most one pass in this time
PROGRESS_EVERY_S = 0.05


def _network() -> Any | None:
    """The platform's network information, where Qt has a backend for it (else None)."""
    if QNetworkInformation is None:
        return None
    if QNetworkInformation.instance() is None and not QNetworkInformation.loadDefaultBackend():
        return None
    return QNetworkInformation.instance()


class OutboxService(QObject):
    changed = Signal()  # entries or the waiting count may have changed
    progress = Signal(int, "qint64", "qint64")  # type: ignore[arg-type]  # entry id, done, total
    note = Signal(str)  # something a person should know about sending (plain text)
    _moved = Signal(int, "qint64", "qint64")  # type: ignore[arg-type]  # worker -> GUI thread

    def __init__(self, vault: Vault, jobs: Jobs) -> None:
        super().__init__()
        self.vault = vault
        self.jobs = jobs
        self.outbox = Outbox(vault)
        self.job: Job | None = None  # the pass running, if any
        self.sending: int | None = None  # the entry that pass is uploading
        self._stopped = False
        self._again = False  # a Send now asked during a pass: another pass after it
        self._again_ids: list[int] | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._tick)
        self._last_hint = QElapsedTimer()
        self._moved.connect(self._entry_moved)
        self.network = _network()
        if self.network is not None:
            self.network.reachabilityChanged.connect(self._reachability)
            self.network.isMeteredChanged.connect(lambda _metered: self._hint())
        # After unlock: the session finishes opening before the first look.
        QTimer.singleShot(0, self, self.schedule)

    # Reading (short queries on the session's connection)

    def entries(self) -> list[OutboxEntry]:
        return [] if self._stopped else self.outbox.entries()

    def waiting_count(self) -> int:
        return 0 if self._stopped else self.outbox.waiting_count()

    def destinations(self) -> list[str]:
        """The names of the destinations bundles can be sent to."""
        return [] if self._stopped else [d.name for d in DestinationStore(self.vault).list()]

    @property
    def busy(self) -> bool:
        """A pass is running (the table's states are moving)."""
        return self.job is not None

    @property
    def unmetered_only(self) -> bool:
        return not self._stopped and self.outbox.unmetered_only

    def set_unmetered_only(self, value: bool) -> None:
        self.outbox.set_unmetered_only(value)
        self.changed.emit()

    def can_tell_metered(self) -> bool:
        """Whether this platform says which connections are metered."""
        return self.network is not None and bool(
            self.network.supports(QNetworkInformation.Feature.Metered)
        )

    def metered(self) -> bool:
        network = self.network
        return network is not None and self.can_tell_metered() and bool(network.isMetered())

    # A person's actions

    def send_now(self, ids: list[int] | None = None) -> str:
        """Send whatever waits (or ``ids``), due or not; what to tell the person."""
        if self._stopped:
            return ""
        said = ""
        if self.unmetered_only and self.metered():
            said = _("This connection is metered; sending anyway, as you asked.") + " "
        if self.job is not None:
            self._again, self._again_ids = True, list(ids) if ids else None
            return said + _("Sending now; the rest follows when this pass ends.")
        self._start_pass(force=True, ids=ids)
        return said + _("Sending…")

    def pause(self, entry_id: int, paused: bool = True) -> OutboxEntry:
        entry = self.outbox.pause(entry_id, paused)
        self.changed.emit()
        self.schedule()
        return entry

    def remove(self, entry_id: int) -> OutboxEntry:
        """Forget the entry and delete its encrypted bundle file; the cases stay in the vault."""
        entry = self.outbox.remove(entry_id)
        self.changed.emit()
        self.schedule()
        return entry

    def export(
        self,
        destination: str,
        recipients: list[RecipientRef],
        case_ids: list[str] | None,
        override_consent: bool = False,
    ) -> Job:
        """A job writing a bundle into the outbox for ``destination``; result: ExportResult.

        Refusals are export's own (consent, recipients), kept in the job's ``error``.
        """
        recipients = list(recipients)
        ids = None if case_ids is None else list(case_ids)
        packets = packet_renderer(self.vault, recipients)

        def work(vault: Vault, progress: Progress, cancelled: Cancelled) -> ExportResult:
            _entry, result = Outbox(vault).export(
                destination,
                recipients,
                ids,
                progress,
                cancelled,
                override_consent,
                packets=packets(cancelled) if packets else None,
            )
            return result

        job = Job(
            self.jobs,
            "outbox-export",
            work,
            connect=self.vault.clone,
            unexpected=N_("The export stopped unexpectedly ({kind}); nothing was queued."),
        )
        job.finished.connect(lambda _result: self._queued())
        return job

    def stop(self) -> None:
        """Called by the session before it locks: no pass may start or go on."""
        self._stopped = True
        self._timer.stop()
        if self.job is not None:
            self.job.cancel()  # core queues the entry again before the job ends
            self.job.detach()
            self.job = None
        self.sending = None

    # The sender

    @property
    def next_look_ms(self) -> int | None:
        """When the timer looks again (milliseconds), None when it is not set."""
        return self._timer.remainingTime() if self._timer.isActive() else None

    def schedule(self, at_least: float = MIN_WAIT_S) -> None:
        """Set the timer for the next due entry (nothing waits: no timer)."""
        if self._stopped or self.job is not None:
            return
        wait = self.outbox.seconds_to_next_try()
        if wait is None:
            self._timer.stop()
            return
        self._timer.start(int(1000 * min(MAX_WAIT_S, max(at_least, wait))))

    def _tick(self) -> None:
        if self._stopped or self.job is not None:
            return
        wait = self.outbox.seconds_to_next_try()
        if wait is None:
            return
        if wait > 0:  # not due yet (the clock moved, an entry was paused)
            self.schedule()
        elif self.unmetered_only and self.metered():
            self.schedule(at_least=METERED_WAIT_S)
        else:
            self._start_pass(force=False)

    def _reachability(self, reachability: object) -> None:
        if reachability == QNetworkInformation.Reachability.Online:
            self._hint()

    def _hint(self) -> None:
        """The network changed: try what waits now rather than at its backoff (a hint only)."""
        if self._stopped or self.job is not None or self.outbox.seconds_to_next_try() is None:
            return
        if self.unmetered_only and self.metered():
            return
        if self._last_hint.isValid() and self._last_hint.elapsed() < HINT_EVERY_S * 1000:
            return
        self._last_hint.start()
        self._start_pass(force=True)

    def _start_pass(self, *, force: bool, ids: list[int] | None = None) -> None:
        self._timer.stop()
        chosen = list(ids) if ids else None
        moved: Callable[[int, int, int], None] = self._relay()

        def work(vault: Vault, _progress: Progress, cancelled: Cancelled) -> list[SendResult]:
            box = Outbox(vault)
            results = box.send(chosen, force=force, progress=moved, cancelled=cancelled)
            box.collect_receipts()  # what importers left beside what was sent
            return results

        job = Job(
            self.jobs,
            "outbox-send",
            work,
            connect=self.vault.clone,
            unexpected=N_(
                "Sending stopped unexpectedly ({kind}); the bundles wait in the outbox "
                "and will be tried again."
            ),
        )
        job.finished.connect(lambda _results: self._pass_ended(job, None))
        job.failed.connect(lambda message: self._pass_ended(job, message))
        self.job = job
        self.changed.emit()
        job.start()

    def _relay(self) -> Callable[[int, int, int], None]:
        """Per-entry progress from the worker thread, throttled, queued to the GUI thread."""
        last = [0.0, -1]

        def moved(entry_id: int, done: int, total: int) -> None:
            now = time.monotonic()
            if entry_id != last[1] or done >= total or now - last[0] >= PROGRESS_EVERY_S:
                last[0], last[1] = now, entry_id
                self._moved.emit(entry_id, done, total)

        return moved

    def _entry_moved(self, entry_id: int, done: int, total: int) -> None:
        if self._stopped or self.job is None:
            return
        if entry_id != self.sending:  # the one before has ended: its row changed
            self.sending = entry_id
            self.changed.emit()
        self.progress.emit(entry_id, done, total)

    def _pass_ended(self, job: Job, message: str | None) -> None:
        if self._stopped or job is not self.job:
            return
        self.job, self.sending = None, None
        error = job.error
        again, self._again = self._again, False
        self.changed.emit()
        if isinstance(error, SendBusy):  # the command line is sending: quietly, later
            self._timer.start(int(BUSY_WAIT_S * 1000))
            return
        if message is not None and not isinstance(error, CancelledError):
            self.note.emit(message)
        if again:
            self._start_pass(force=True, ids=self._again_ids)
            return
        self.schedule()

    def _queued(self) -> None:
        if not self._stopped:
            self.changed.emit()
            self.schedule()
