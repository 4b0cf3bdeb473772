"""The Outbox: bundles written for counsel, waiting to be sent or sent.

Everything goes through the session's ``OutboxService``; the table follows
its ``changed`` and ``progress`` signals, so a pass the timer started shows
here as it runs. Send now sends whatever waits, due or not; Pause holds a
bundle back until resumed; Remove asks first, then deletes only the local
copy of the encrypted bundle (the cases stay in the vault). The dialog
closes itself when the session locks.
"""

from __future__ import annotations

from ...core.errors import IntakeError
from ...core.i18n import _
from ..qt import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLayout,
    QMessageBox,
    QPushButton,
    Qt,
    QWidget,
)
from ..services.outbox import OutboxEntry, OutboxService
from ..services.session import VaultSession
from ..widgets.bidi import isolate, select_row
from ..widgets.confirm import confirm_destructive
from ..widgets.disabled_reason import DisabledReason
from ..widgets.screen_fit import fit_to_screen, scrolling_dialog, tab_chain
from .outbox_table import OutboxTable


def _plain(text: str = "", name: str = "") -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    if name:
        label.setAccessibleName(name)
    return label


class OutboxDialog(QDialog):
    def __init__(self, session: VaultSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        if session.outbox is None:  # not an assert: python -O would drop it
            raise RuntimeError("the outbox needs an unlocked vault")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(_("Outbox"))
        self.session = session
        self.service: OutboxService = session.outbox
        self.confirmation: QMessageBox | None = None

        self.intro = _plain(
            _(
                "Bundles exported with Send to wait here, encrypted, until they are on the "
                "destination's server whole. Sending runs in the background and tries again "
                "by itself; nothing here is deleted because a bundle was sent."
            )
        )
        self.table = OutboxTable()
        self.details = _plain(name=_("The chosen bundle"))
        self.details.setObjectName("outboxDetails")
        self.unmetered = QCheckBox(_("Send only on &unmetered connections"))
        self.unmetered_note = _plain()
        self.unmetered_note.setStyleSheet("font-style: italic;")
        self.message = _plain(name=_("Outbox status"))
        self.message.setObjectName("outboxMessage")
        self.send_button = QPushButton(_("&Send now"))
        self.send_button.setAccessibleName(_("Send every waiting bundle now"))
        self.pause_button = QPushButton(_("&Pause"))
        self.remove_button = QPushButton(_("&Remove…"))
        self.remove_button.setAccessibleName(_("Remove the chosen bundle from the outbox"))
        actions = QHBoxLayout()
        for button in (self.send_button, self.pause_button):
            actions.addWidget(button)
        actions.addStretch()
        actions.addWidget(self.remove_button)
        self.reason = DisabledReason(None)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.close_button = self.buttons.button(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        parts: list[QWidget | QLayout] = [self.intro, self.table, self.details, actions]
        parts += [self.unmetered, self.unmetered_note, self.message]
        scrolling_dialog(self, parts, self.reason, self.buttons)
        tab_chain(
            [
                self.table,
                self.send_button,
                self.pause_button,
                self.remove_button,
                self.unmetered,
                self.close_button,
            ]
        )
        self.setMinimumWidth(900)

        self.send_button.clicked.connect(self.send_now)
        self.pause_button.clicked.connect(self.toggle_pause)
        self.remove_button.clicked.connect(self.ask_remove)
        self.unmetered.toggled.connect(self._set_unmetered)
        self.table.itemSelectionChanged.connect(self._update)
        self.service.changed.connect(self.reload)
        self.service.progress.connect(self.table.show_progress)
        self.service.note.connect(self.message.setText)
        session.locked.connect(self._on_locked)
        self.reload()
        self.table.setFocus()
        fit_to_screen(self)

    # Contents

    def reload(self) -> None:
        if self.session.outbox is not self.service:  # locked meanwhile
            return
        chosen = self.table.current()
        entries = self.service.entries()
        self.table.show_entries(entries, self.service.sending)
        again = next((i for i, e in enumerate(entries) if chosen and e.id == chosen.id), 0)
        if entries:
            select_row(self.table, again)
        blocker = self.unmetered.blockSignals(True)
        self.unmetered.setChecked(self.service.unmetered_only)
        self.unmetered.blockSignals(blocker)
        self.unmetered_note.setText(
            ""
            if self.service.can_tell_metered()
            else _(
                "This computer does not say which connections are metered: bundles are "
                "sent on any connection."
            )
        )
        self.unmetered_note.setVisible(not self.service.can_tell_metered())
        self._update()

    def _update(self) -> None:
        entry = self.table.current()
        waiting = [e for e in self.table.entries if e.waiting and not e.paused]
        self.details.setText(self._describe(entry) if entry is not None else "")
        busy = self.service.busy
        paused = entry is not None and entry.paused
        send_reason = pause_reason = remove_reason = None
        if busy:
            send_reason = _("Bundles are being sent now.")
            remove_reason = _("Wait until the bundles being sent now are done, then remove.")
        elif not waiting:
            send_reason = _("No bundle is waiting to be sent (paused ones wait until resumed).")
        if entry is None or not entry.waiting:
            pause_reason = _("Choose a bundle that waits: a sent one cannot be paused.")
        if entry is None and not busy:
            remove_reason = _("Choose a bundle to remove.")
        reasons = {
            self.send_button: send_reason,
            self.pause_button: pause_reason,
            self.remove_button: remove_reason,
        }
        self.pause_button.setText(_("Res&ume") if paused else _("&Pause"))
        self.pause_button.setAccessibleName(
            _("Resume the chosen bundle") if paused else _("Pause the chosen bundle")
        )
        for button, reason in reasons.items():
            button.setEnabled(reason is None)
            button.setAccessibleDescription(reason or "")
        said = list(dict.fromkeys(r for r in reasons.values() if r is not None))
        self.reason.show_reason(" ".join(said) or None)

    @staticmethod
    def _describe(entry: OutboxEntry) -> str:
        lines = [
            _(
                "Bundle {sequence} for {destination}; {sent} of {size} bytes sent, {tries} try(s)."
            ).format(
                sequence=entry.sequence,
                destination=isolate(entry.destination),
                sent=entry.sent_bytes,
                size=entry.size,
                tries=entry.attempts,
            )
        ]
        if entry.waiting and entry.refused:
            lines.append(
                _(
                    "The server refused it: trying again will not help until the destination "
                    "is put right (with counsel's administrator), then Send now."
                )
            )
        if entry.waiting and entry.last_error:
            lines.append(_("Last error: {error}").format(error=isolate(entry.last_error)))
        return "\n".join(lines)

    # Actions

    def send_now(self) -> None:
        self.message.setText(self.service.send_now())
        self._update()

    def toggle_pause(self) -> None:
        entry = self.table.current()
        if entry is None:
            return
        try:
            self.service.pause(entry.id, not entry.paused)
        except IntakeError as exc:
            self.message.setText(str(exc))
            return
        self.message.setText(
            _("Resumed: it is sent with the next try.")
            if entry.paused
            else _("Paused: it is not sent until you resume it.")
        )

    def ask_remove(self) -> None:
        entry = self.table.current()
        if entry is None:
            return
        self.confirmation = confirm_destructive(
            self,
            _("Remove this bundle from the outbox?"),
            _(
                "Bundle {sequence} for {destination} will not be sent. Only this laptop's copy "
                "of the encrypted bundle is deleted; the cases stay in the vault, and you can "
                "export them again."
            ).format(sequence=entry.sequence, destination=isolate(entry.destination))
            + (
                ""
                if entry.waiting
                else "\n\n" + _("It was sent already: the copy on the server stays there.")
            ),
            _("Remove"),
            lambda: self.remove(entry.id),
            QMessageBox.Icon.Warning,
        )

    def remove(self, entry_id: int) -> None:
        try:
            gone = self.service.remove(entry_id)
        except IntakeError as exc:
            self.message.setText(str(exc) + " " + _("Nothing was removed."))
            return
        self.message.setText(
            _("Removed bundle {sequence} from the outbox; the cases stay in the vault.").format(
                sequence=gone.sequence
            )
        )

    def _set_unmetered(self, value: bool) -> None:
        try:
            self.service.set_unmetered_only(value)
        except IntakeError as exc:
            self.message.setText(str(exc))

    def _on_locked(self) -> None:
        if self.confirmation is not None:
            self.confirmation.done(QMessageBox.StandardButton.Cancel.value)
        self.reject()
