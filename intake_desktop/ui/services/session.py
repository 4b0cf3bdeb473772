"""The unlocked vault as the app sees it: unlock, lock, idle lock, services.

Widgets never hold a ``Vault``; they ask the session for its services and
listen for ``locked`` to clear everything that shows case data.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from ...core.errors import IntakeError, WrongPassphrase
from ...core.i18n import _
from ...core.throttle import UnlockThrottle
from ...core.vault import HEADER_NAME, Vault
from ..jobs.background import run_in_background
from ..qt import QApplication, QEvent, QObject, QSettings, QTimer, Signal
from .cases import CaseService

log = logging.getLogger(__name__)

DEFAULT_IDLE_MINUTES = 10
_INPUT_EVENTS = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
}


class VaultSession(QObject):
    unlocked = Signal()
    unlock_failed = Signal(str, float)  # message, seconds before the next try
    about_to_lock = Signal()  # last chance to save: handlers run before the vault closes
    locked = Signal()
    busy = Signal(bool)

    def __init__(self, path: Path, settings: QSettings | None = None) -> None:
        super().__init__()
        self.path = Path(path)
        self.settings = settings or QSettings()
        self.vault: Vault | None = None
        self.cases: CaseService | None = None
        self.throttle = UnlockThrottle()
        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.timeout.connect(self.lock)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    # State

    def exists(self) -> bool:
        return (self.path / HEADER_NAME).is_file()

    @property
    def is_unlocked(self) -> bool:
        return self.vault is not None

    # Creating and unlocking (Argon2id runs on a pool thread)

    def create(
        self,
        passphrase: str,
        *,
        name: str,
        user_name: str,
        role: str,
        on_done: Callable[[str], None],
        on_error: Callable[[BaseException], None],
        kdf_target_seconds: float = 1.0,
    ) -> None:
        """Make the vault; ``on_done`` gets the recovery code (shown once)."""

        def work() -> tuple[Vault, str]:
            return Vault.create(
                self.path,
                passphrase,
                user_name=user_name,
                role=role,
                name=name,
                kdf_target_seconds=kdf_target_seconds,
            )

        def done(result: tuple[Vault, str]) -> None:
            self.busy.emit(False)
            vault, code = result
            self._opened(vault)
            on_done(code)

        def failed(exc: BaseException) -> None:
            self.busy.emit(False)
            on_error(exc)

        self.busy.emit(True)
        run_in_background(work, done, failed)

    def unlock(self, passphrase: str) -> None:
        if self.throttle.remaining() > 0:
            self.unlock_failed.emit(
                _("Wait a moment before trying again."), self.throttle.remaining()
            )
            return
        self.busy.emit(True)
        run_in_background(
            lambda: Vault.open(self.path, passphrase), self._unlock_done, self._unlock_error
        )

    def _unlock_done(self, vault: Vault) -> None:
        self.busy.emit(False)
        self.throttle.succeeded()
        self._opened(vault)

    def _unlock_error(self, exc: BaseException) -> None:
        self.busy.emit(False)
        if isinstance(exc, WrongPassphrase):
            delay = self.throttle.failed()
            self.unlock_failed.emit(str(exc), delay)
        elif isinstance(exc, IntakeError):
            self.unlock_failed.emit(str(exc), 0.0)
        else:
            log.error("unlock failed: %s", type(exc).__name__)
            self.unlock_failed.emit(_("The vault could not be opened."), 0.0)

    def _opened(self, vault: Vault) -> None:
        self.vault = vault
        self.cases = CaseService(vault)
        self._restart_idle()
        self.unlocked.emit()

    # Locking

    def lock(self) -> None:
        """Save what is pending, close the database, forget the key, show the lock screen.

        ``about_to_lock`` handlers store what is typed (the case editor keeps
        what cannot be saved whole as an encrypted draft) before the vault
        closes. Locking never waits on them: a lock is a safety action.
        """
        if self.vault is None:
            return
        self.about_to_lock.emit()
        self._idle.stop()
        self.cases = None
        vault, self.vault = self.vault, None
        vault.close()
        self.locked.emit()

    @property
    def idle_minutes(self) -> int:
        value = self.settings.value("lock/idle_minutes", DEFAULT_IDLE_MINUTES)
        try:
            return max(1, int(str(value)))
        except ValueError:
            return DEFAULT_IDLE_MINUTES

    def set_idle_minutes(self, minutes: int) -> None:
        self.settings.setValue("lock/idle_minutes", max(1, int(minutes)))
        self._restart_idle()

    def _restart_idle(self) -> None:
        if self.vault is not None:
            self._idle.start(self.idle_minutes * 60_000)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _INPUT_EVENTS and self.vault is not None:
            self._restart_idle()
        return False
