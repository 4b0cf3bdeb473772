"""The automatic removal of delivered cases after unlock, and its line in the status bar.

When the vault's policy is on (core/purge.py ``auto_purge``), each unlock
removes the cases delivered at least N days ago, as a job on its own
connection once the session has opened. The status bar says how many went,
or nothing when none did; a failure says that nothing was removed.
"""

from __future__ import annotations

from collections.abc import Callable

from ...core.i18n import _, ngettext
from ..jobs.job import Job
from ..qt import QObject
from ..services.purge import PurgeResult
from ..services.session import VaultSession

MESSAGE_MS = 30_000


class AutoPurge(QObject):
    def __init__(
        self,
        session: VaultSession,
        show_message: Callable[[str, int], None],
        on_purged: Callable[[], None],
    ) -> None:
        super().__init__()
        self.session = session
        self._show_message = show_message
        self._on_purged = on_purged
        self.job: Job | None = None
        self._days = 0
        session.unlocked.connect(self.start)
        session.about_to_lock.connect(self.stop)

    def start(self) -> None:
        service = self.session.purge
        if service is None or self.job is not None:
            return
        job = service.auto_purge()
        if job is None:  # the policy is off
            return
        self._days = service.policy_days or 0
        self.job = job
        job.finished.connect(self._finished)
        job.failed.connect(self._failed)
        job.start()

    def stop(self) -> None:
        """Locking: the removal runs to its end on its own connection, unheard."""
        if self.job is not None:
            self.job.detach()
            self.job = None

    def _finished(self, result: PurgeResult | None) -> None:
        self.job = None
        if result is None or not result.cases:
            return
        count = len(result.cases)
        self._show_message(
            ngettext(
                "Removed {count} delivered case (older than {days} days).",
                "Removed {count} delivered cases (older than {days} days).",
                count,
            ).format(count=count, days=self._days),
            MESSAGE_MS,
        )
        self._on_purged()

    def _failed(self, message: str) -> None:
        self.job = None
        self._show_message(
            _("Delivered cases were not removed automatically: {reason}").format(reason=message),
            MESSAGE_MS,
        )
