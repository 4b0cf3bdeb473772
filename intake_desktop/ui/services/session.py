"""The unlocked vault as the app sees it: unlock, lock, idle lock, and the services.

The session is the one door from the screens to the core. It owns the
services (cases, bundles, keys, users): it makes them when the vault
unlocks and drops them when it locks, so a screen that still holds one
after a lock gets a clear refusal, never a closed connection. Widgets never
hold a ``Vault``; they ask the session for a service and listen for
``locked`` to clear everything that shows case data. Work that takes longer
than a keystroke runs as a ``Job`` (``ui/jobs``), kept by ``jobs``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from ...core.errors import IntakeError, InvalidInput, WrongPassphrase
from ...core.i18n import N_, _
from ...core.keyslots import HEADER_NAME, normalise_recovery_code
from ...core.throttle import UnlockThrottle
from ...core.vault import Vault
from ..jobs.job import Job, Jobs
from ..qt import QApplication, QEvent, QObject, QSettings, QTimer, Signal
from .bundles import BundleService
from .cases import CaseService
from .delivery import DeliveryService
from .keys import KeyService
from .outbox import OutboxService
from .purge import PurgeService
from .statements import StatementService
from .storage import StorageService
from .users import UserService

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
        self.vault: Vault | None = None  # for services and tests; widgets use the services
        self.jobs = Jobs.of_app()
        self.cases: CaseService | None = None
        self.bundles: BundleService | None = None
        self.keys: KeyService | None = None
        self.users: UserService | None = None
        self.statements: StatementService | None = None
        self.storage: StorageService | None = None
        self.outbox: OutboxService | None = None
        self.delivery: DeliveryService | None = None
        self.purge: PurgeService | None = None
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
        on_error: Callable[[str], None],
        kdf_target_seconds: float = 1.0,
    ) -> None:
        """Make the vault; ``on_done`` gets the recovery code (shown once)."""

        def work(_none: None, _progress: object, _cancelled: object) -> tuple[Vault, str]:
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

        def failed(message: str) -> None:
            self.busy.emit(False)
            on_error(message)

        job = Job(
            self.jobs,
            "create",
            work,
            unexpected=N_("The vault could not be created ({kind})."),
        )
        job.finished.connect(done)
        job.failed.connect(failed)
        self.busy.emit(True)
        job.start()

    def unlock(self, passphrase: str) -> None:
        if self.throttle.remaining() > 0:
            self.unlock_failed.emit(
                _("Wait a moment before trying again."), self.throttle.remaining()
            )
            return
        job = Job(
            self.jobs,
            "unlock",
            lambda _none, _progress, _cancelled: Vault.open(self.path, passphrase),
            unexpected=N_("The vault could not be opened ({kind})."),
        )
        job.finished.connect(self._unlock_done)
        job.failed.connect(lambda _message: self._unlock_error(job.error))
        self.busy.emit(True)
        job.start()

    @staticmethod
    def recovery_code_form(text: str) -> str | None:
        """``text`` as a complete recovery code (checksum right), or None while it is not."""
        return normalise_recovery_code(text)

    def recovery_users(self, code: str) -> Job:
        """A job opening the vault with the recovery code; result: its users' names.

        The names live inside the encrypted database, never in the key-slot
        header (a seized laptop must not say who uses it), so only the code
        can list them before anyone has unlocked. The vault closes again at
        once; its audit log records that the recovery code opened it.
        """

        def work(_none: None, _progress: object, _cancelled: object) -> list[str]:
            with Vault.open_with_recovery(self.path, code) as vault:
                return [user.name for user in vault.users()]

        return Job(
            self.jobs,
            "recovery-users",
            work,
            unexpected=N_("The recovery code could not be checked ({kind})."),
        )

    def reset_with_recovery_code(self, code: str, user: str, passphrase: str) -> Job:
        """A job setting ``user``'s passphrase (the only user's when empty); result: whose."""

        def work(_none: None, _progress: object, _cancelled: object) -> str:
            vault = Vault.open_with_recovery(self.path, code)
            try:
                users = vault.users()
                name = user.strip() or (users[0].name if len(users) == 1 else "")
                if not name:
                    raise InvalidInput(
                        N_("Several people use this vault: choose whose passphrase to set.")
                    )
                vault.change_passphrase(passphrase, name)
                return name
            finally:
                vault.close()

        return Job(
            self.jobs,
            "recovery",
            work,
            unexpected=N_("The passphrase could not be set ({kind})."),
        )

    def _unlock_done(self, vault: Vault) -> None:
        self.busy.emit(False)
        self.throttle.succeeded()
        self._opened(vault)

    def _unlock_error(self, exc: BaseException | None) -> None:
        self.busy.emit(False)
        if isinstance(exc, WrongPassphrase):
            delay = self.throttle.failed()
            self.unlock_failed.emit(str(exc), delay)
        elif isinstance(exc, IntakeError):
            self.unlock_failed.emit(str(exc), 0.0)
        else:  # logged by the job
            self.unlock_failed.emit(_("The vault could not be opened."), 0.0)

    def _opened(self, vault: Vault) -> None:
        self.vault = vault
        self.cases = CaseService(vault, self.jobs)
        self.bundles = BundleService(vault, self.jobs)
        self.keys = KeyService(vault, self.jobs)
        self.users = UserService(vault, self.jobs)
        self.statements = StatementService(vault, self.cases)
        self.storage = StorageService(vault, self.jobs)
        self.outbox = OutboxService(vault, self.jobs)
        self.delivery = DeliveryService(vault, self.jobs)
        self.purge = PurgeService(vault, self.jobs, self.cases)
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
        if self.outbox is not None:
            self.outbox.stop()
        self.cases = self.bundles = self.keys = self.users = self.statements = None
        self.storage = self.outbox = self.delivery = self.purge = None
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
