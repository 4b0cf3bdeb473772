"""The main window: lock screen or workspace (case list beside the case editor).

The workspace by keyboard is ``keyboard.py``; where the window opens,
``window_geometry.py``. The open case is remembered in memory across a lock
(never in Qt settings) and opened again when the same person unlocks.
"""

from __future__ import annotations

from collections.abc import Callable

from ... import __version__
from ...core.errors import IntakeError
from ...core.i18n import _
from ..access.unlock import UnlockScreen
from ..access.users_dialog import UsersDialog
from ..access.wizard import CreateVaultWizard
from ..bundles.export_dialog import ExportDialog
from ..bundles.import_dialog import ImportDialog
from ..bundles.receipt_files import take_receipts
from ..cases.case_list import CaseListView
from ..cases.duplicates_view import add_duplicates_action
from ..delivery.destinations_dialog import DestinationsDialog
from ..delivery.fetch_dialog import FetchDialog
from ..editor.case_editor import CaseEditor
from ..editor.save_state import SaveState
from ..keys.keys_view import KeysDialog
from ..outbox.outbox_dialog import OutboxDialog
from ..outbox.waiting_button import WaitingButton
from ..packet import add_packet_action
from ..qt import (
    QAction,
    QCloseEvent,
    QDialog,
    QKeySequence,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSignalBlocker,
    QSplitter,
    QStackedWidget,
    Qt,
    QTimer,
    QToolBar,
    QToolButton,
    QWidget,
    Signal,
)
from ..services.session import VaultSession
from ..widgets.bidi import isolate
from ..widgets.delete_dialog import ask_delete_case
from ..widgets.labels import role_label
from ..widgets.language import LanguageMenuButton
from . import window_geometry
from .auto_purge import AutoPurge
from .keyboard import PaneKeys
from .new_case_dialog import NewCaseDialog
from .purge_dialog import PurgeDialog
from .storage_move import StorageMove

__all__ = ["MainWindow", "NewCaseDialog"]


class MainWindow(QMainWindow):
    # The user chose another interface language (app.DesktopApp rebuilds the window).
    language_requested = Signal(str)

    def __init__(self, session: VaultSession) -> None:
        super().__init__()
        self.session = session
        self._wizard: CreateVaultWizard | None = None
        # What was typed in a wizard closed by a language switch: its next one starts from it.
        self.wizard_prefill: dict[str, str] | None = None
        self._first_shown = False
        self.delete_box: QMessageBox | None = None  # asking before a case is deleted
        self.receipt_box: QMessageBox | None = None  # what receipts just taken said
        self.new_case_dialog: NewCaseDialog | None = None
        # The case open when the vault locked, and whose it was: opened again when
        # the same person unlocks. In memory only; a new window (language) starts afresh.
        self._reopen: tuple[str, str] | None = None
        self.setWindowTitle("intake-desktop")

        self.unlock_screen = UnlockScreen(session)
        self.cases = CaseListView()
        self.editor = CaseEditor(session)
        self.workspace = QSplitter()
        self.workspace.addWidget(self.cases)
        self.workspace.addWidget(self.editor)
        self.workspace.setStretchFactor(0, 2)
        self.workspace.setStretchFactor(1, 3)
        self.workspace.setSizes([520, 880])
        self.workspace.setChildrenCollapsible(False)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.unlock_screen)
        self.pages.addWidget(self.workspace)
        self.setCentralWidget(self.pages)

        self.save_state = QLabel()
        self.who = QLabel()
        self.statusBar().addPermanentWidget(self.who)
        self.statusBar().addPermanentWidget(self.save_state)
        self.storage_move = StorageMove(session, self.statusBar().showMessage)
        self.statusBar().addPermanentWidget(self.storage_move)
        self.outbox_waiting = WaitingButton(session, self.show_outbox)
        self.statusBar().addPermanentWidget(self.outbox_waiting)
        self.auto_purge = AutoPurge(session, self.statusBar().showMessage, self.editor.refresh)
        self._build_actions()

        session.unlocked.connect(self.show_workspace)
        # Locking stores what is typed first: the editor listens for about_to_lock itself.
        session.about_to_lock.connect(self._remember_open_case)
        session.locked.connect(self.show_lock_screen)
        self.cases.case_selected.connect(self._open_case)
        self.cases.delete_requested.connect(self.delete_case)
        self.unlock_screen.create_button.clicked.connect(self.first_run)
        self.unlock_screen.language.chosen.connect(self.language_requested)
        self.editor.save_state_changed.connect(self._show_save_state)
        self.editor.title_changed.connect(lambda _case_id: self.cases.refresh())
        self.keys = PaneKeys(self)
        self.show_lock_screen()

    def _build_actions(self) -> None:
        toolbar = self.addToolBar(_("Main"))
        toolbar.setObjectName("main-toolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)

        def action(text: str, slot: Callable[[], object], shortcut: str | None = None) -> QAction:
            act = QAction(text, self)
            act.triggered.connect(slot)
            if shortcut:
                act.setShortcut(QKeySequence(shortcut))
                act.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
            self.addAction(act)
            return act

        self.new_case_action = action(_("New case"), self.new_case, "Ctrl+N")
        self.export_action = action(_("Export…"), self.export_bundle, "Ctrl+E")
        self.import_action = action(_("Import…"), self.import_bundle, "Ctrl+I")
        self.outbox_action = action(_("Outbox"), self.show_outbox, "Ctrl+Shift+O")
        self.outbox_action.setToolTip(_("Bundles waiting to be sent to counsel (Ctrl+Shift+O)"))
        self.keys_action = action(_("Keys"), self.show_keys)
        self.users_action = action(_("Users"), self.show_users)
        self.destinations_action = action(_("Destinations…"), self.show_destinations)
        self.fetch_action = action(_("Fetch bundles…"), self.fetch_bundles)
        self.take_receipt_action = action(_("Take a receipt…"), self.take_receipt)
        self.lock_action = action(_("Lock"), self.session.lock, "Ctrl+L")
        self.lock_action.setToolTip(_("Lock now (Ctrl+L)"))
        self.about_action = action(_("About"), self.about)
        for act in (self.new_case_action, self.export_action, self.import_action):
            toolbar.addAction(act)
        # The case menu: under New case's arrow, so a destructive action is never one click.
        self.delete_case_action = action(_("Delete case…"), lambda: self.delete_case())
        self.delete_case_action.setToolTip(
            _("Delete the case chosen in the list (Delete key in the list)")
        )
        case_menu = QMenu(self)
        case_menu.addAction(self.new_case_action)
        case_menu.addAction(self.delete_case_action)
        self.purge_action = action(_("Remove delivered cases…"), self.remove_delivered)
        case_menu.addAction(self.purge_action)
        new_case_button = toolbar.widgetForAction(self.new_case_action)
        if isinstance(new_case_button, QToolButton):
            new_case_button.setMenu(case_menu)
            new_case_button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        self.case_menu = case_menu
        toolbar.addSeparator()
        for act in (self.keys_action, self.users_action):
            toolbar.addAction(act)
        # Delivery under the arrows of Import… and Keys: the toolbar stays short.
        self.fetch_menu = self._menu_under(toolbar, self.import_action, self.fetch_action)
        self.fetch_menu.addAction(self.take_receipt_action)
        self.outbox_menu = self._menu_under(toolbar, self.export_action, self.outbox_action)
        self.destinations_menu = self._menu_under(
            toolbar, self.keys_action, self.destinations_action
        )
        self.duplicates_action = add_duplicates_action(self, toolbar, self.session, self.go_to_case)
        spacer = QWidget()
        spacer.setSizePolicy(
            spacer.sizePolicy().horizontalPolicy().Expanding, spacer.sizePolicy().verticalPolicy()
        )
        toolbar.addWidget(spacer)
        self.language_button = LanguageMenuButton()
        self.language_button.chosen.connect(self.language_requested)
        self.language_actions = self.language_button.actions_by_code
        toolbar.addWidget(self.language_button)
        toolbar.addAction(self.about_action)
        toolbar.addAction(self.lock_action)
        self.vault_actions = [
            self.new_case_action,
            self.delete_case_action,
            self.purge_action,
            self.export_action,
            self.import_action,
            self.outbox_action,
            self.keys_action,
            self.users_action,
            self.destinations_action,
            self.fetch_action,
            self.take_receipt_action,
            self.lock_action,
        ]
        self.packet_action = add_packet_action(self, self.outbox_menu)  # ui/packet
        self.vault_actions.append(self.packet_action)

    # Rebuilding in another language (app.DesktopApp)

    def ready_to_rebuild(self) -> bool:
        """Save what is typed; False (and say why) if something could not be saved."""
        if self.editor.flush():
            return True
        self.editor.message.show_message(
            _("The language was not changed: correct the marked field first, then choose again."),
            "warning",
        )
        return False

    def wizard_draft(self) -> dict[str, str] | None:
        """The names and role typed into an open wizard (never the passphrase)."""
        if self._wizard is None:
            return None
        details = self._wizard.details
        return {
            "vault_name": details.vault_name.text(),
            "user_name": details.user_name.text(),
            "role": details.role(),
        }

    def retire(self) -> None:
        """Close for good without locking again (the new window has taken over)."""
        if self._wizard is not None:
            self._wizard.done(QDialog.DialogCode.Rejected.value)
        self.hide()
        self.deleteLater()

    # Screens

    def show_lock_screen(self) -> None:
        if self.delete_box is not None:
            self.delete_box.done(QMessageBox.StandardButton.Cancel.value)  # a question about a case
            self.delete_box = None
        if self.receipt_box is not None:
            self.receipt_box.done(QMessageBox.StandardButton.Ok.value)
            self.receipt_box = None
        if self.new_case_dialog is not None:  # a title typed, not yet a case
            self.new_case_dialog.reject()
            self.new_case_dialog = None
        self.editor.clear()
        self.cases.clear()
        self.unlock_screen.reset()
        self.who.clear()
        self.save_state.clear()
        for act in self.vault_actions:
            act.setEnabled(False)
        self.pages.setCurrentWidget(self.unlock_screen)
        self.unlock_screen.refresh()

    def show_workspace(self) -> None:
        cases = self.session.cases
        if cases is None:  # unlocked and locked again before this ran
            return
        for act in self.vault_actions:
            act.setEnabled(True)
        self.who.setText(
            _("{user} ({role}) · {vault}").format(
                user=isolate(cases.user),
                role=role_label(cases.role),
                vault=isolate(cases.vault_name),
            )
        )
        self.cases.attach(cases)
        cases.cases_changed.connect(self.cases.model.reload)
        # People counts, titles and dates in the list follow every save.
        cases.case_changed.connect(self.cases.case_changed)
        self.pages.setCurrentWidget(self.workspace)
        self.cases.search.setFocus()
        self._reopen_case(cases.user)

    def _remember_open_case(self) -> None:
        cases = self.session.cases
        case_id = self.editor.case_id
        self._reopen = (cases.user, case_id) if cases is not None and case_id else None

    def _reopen_case(self, user: str) -> None:
        remembered, self._reopen = self._reopen, None
        service = self.session.cases
        if remembered is None or service is None or remembered[0] != user:
            return
        case_id = remembered[1]
        try:
            service.record(case_id)
        except IntakeError:  # deleted meanwhile (an import, another user): nothing to reopen
            return
        self.go_to_case(case_id)

    def first_run(self) -> None:
        if self._wizard is not None or self.session.exists():
            return
        self._wizard = CreateVaultWizard(self.session, self)
        self._wizard.finished.connect(self._wizard_closed)
        self._wizard.welcome.language.chosen.connect(self.language_requested)
        if self.wizard_prefill:
            self._wizard.details.restore(self.wizard_prefill)
            self.wizard_prefill = None
        self._wizard.open()

    def _wizard_closed(self, _result: int) -> None:
        self._wizard = None
        self.unlock_screen.refresh()

    def showEvent(self, event: object) -> None:
        super().showEvent(event)  # type: ignore[arg-type]
        if not self._first_shown:
            self._first_shown = True
            if not self.session.exists():
                QTimer.singleShot(0, self.first_run)

    # Actions

    def new_case(self) -> None:
        """Ask for a title and route; the dialog makes the case, or says why not and stays."""
        if self.session.cases is None:
            return
        if self.new_case_dialog is not None:
            self.new_case_dialog.raise_()
            self.new_case_dialog.activateWindow()
            return
        dialog = NewCaseDialog(self, self.session.cases)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.created.connect(self._case_created)
        dialog.finished.connect(lambda _result: self._new_case_closed(dialog))
        self.new_case_dialog = dialog
        dialog.open()

    def _new_case_closed(self, dialog: NewCaseDialog) -> None:
        if self.new_case_dialog is dialog:
            self.new_case_dialog = None

    def _case_created(self, case_id: str) -> None:
        self.cases.model.reload()
        self.cases.select(case_id)
        if self.editor.case_id != case_id:
            self._open_case(case_id)

    def delete_case(self, case_id: str | None = None) -> None:
        """Ask, naming the case, then delete it and everything in it (core/cases.py)."""
        service = self.session.cases
        if service is None:
            return
        case_id = case_id or self.cases.current_case() or self.editor.case_id
        if case_id is None:
            self.statusBar().showMessage(_("Choose a case in the list first."), 5000)
            return
        if self.editor.case_id == case_id:
            self.editor.flush()  # what is typed is saved (or drafted): the version asked is current
        try:
            case = service.record(case_id)
        except IntakeError as exc:
            self._deletion_refused(str(exc))
            return
        title = str(case.body.get("title", ""))
        self.delete_box = ask_delete_case(
            self, title, case_id, lambda: self._delete_case(case_id, title, case.version)
        )

    def _delete_case(self, case_id: str, title: str, version: int) -> None:
        service = self.session.cases
        if service is None:
            return
        try:
            count = service.delete_case(case_id, version)
        except IntakeError as exc:
            self._deletion_refused(str(exc))
            return
        if self.editor.case_id == case_id:
            self.editor.clear()
        self.statusBar().showMessage(
            _("Deleted the case {title} ({count} record(s)).").format(
                title=isolate(title), count=count
            ),
            10_000,
        )

    def _deletion_refused(self, reason: str) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            _("Case not deleted"),
            reason + "\n\n" + _("Nothing was deleted."),
            QMessageBox.StandardButton.Ok,
            self,
        )
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.open()
        self.delete_box = box

    def remove_delivered(self) -> None:
        if self.session.purge is not None:
            self.editor.flush()  # a case just edited is changed since delivery: it stays
            dialog = PurgeDialog(self.session, self)
            dialog.purged.connect(lambda _ids: self.editor.refresh())  # cleared if it went
            dialog.open()

    def export_bundle(self) -> None:
        ExportDialog(self.session, self.cases.selected_ids(), self).open()

    def import_bundle(self) -> None:
        dialog = ImportDialog(self.session, self)
        dialog.finished.connect(lambda _result: self.cases.model.reload())
        dialog.finished.connect(lambda _result: self.editor.refresh())  # merged into it?
        dialog.open_case_requested.connect(self.go_to_case)
        dialog.open()

    def show_outbox(self) -> None:
        if self.session.outbox is not None:
            OutboxDialog(self.session, self).open()

    def show_keys(self) -> None:
        KeysDialog(self.session, self).open()

    def _menu_under(self, toolbar: QToolBar, main: QAction, extra: QAction) -> QMenu:
        """``main``'s tool button with an arrow holding ``main`` and ``extra``."""
        menu = QMenu(self)
        menu.addAction(main)
        menu.addAction(extra)
        button = toolbar.widgetForAction(main)
        if isinstance(button, QToolButton):
            button.setMenu(menu)
            button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        return menu

    def show_destinations(self) -> None:
        DestinationsDialog(self.session, self).open()

    def fetch_bundles(self) -> None:
        dialog = FetchDialog(self.session, self)
        dialog.imported.connect(self.cases.model.reload)
        dialog.finished.connect(lambda _result: self.cases.model.reload())
        dialog.finished.connect(lambda _result: self.editor.refresh())  # merged into it?
        dialog.open_case_requested.connect(self.go_to_case)
        dialog.open()

    def take_receipt(self) -> None:
        if self.session.bundles is not None:
            self.receipt_box = take_receipts(self, self.session.bundles)
            self.cases.refresh()  # the Delivered column

    def show_users(self) -> None:
        UsersDialog(self.session, self).open()

    def about(self) -> None:
        QMessageBox.about(
            self,
            _("About intake-desktop"),
            _("intake-desktop {version}\nSecure, offline-first field intake.").format(
                version=__version__
            ),
        )

    def go_to_case(self, case_id: str) -> None:
        """Open a case named elsewhere (a duplicate pair): selected in the list too."""
        self.cases.select(case_id)  # opens it, unless filtered out of the list
        if self.editor.case_id != case_id:
            self._open_case(case_id)

    def _open_case(self, case_id: str) -> None:
        if self.editor.flush():
            self.editor.open_case(case_id)
            return
        # Something could not be saved: stay on that case, and say so in the list too.
        if self.editor.case_id is not None:
            blocker = QSignalBlocker(self.cases.table.selectionModel())
            self.cases.select(self.editor.case_id)
            del blocker

    def _show_save_state(self, state: object) -> None:
        self.save_state.setText(state.words() if isinstance(state, SaveState) else "")

    def show_fitted(self) -> None:
        """Show the window as it was left, fitted to the screen it opens on."""
        window_geometry.show_fitted(self, self.session.settings)

    def closeEvent(self, event: QCloseEvent) -> None:
        # Save first (what cannot be saved whole is kept as a draft), then lock:
        # nothing typed is lost, nothing stays open.
        self.editor.flush()
        self.session.lock()
        self._reopen = None  # quitting: the next start opens no case by itself
        if self.isVisible():
            window_geometry.remember(self, self.session.settings)
        event.accept()
