"""Users: who can unlock this vault, my passphrase, the recovery code, the idle lock.

Everything goes through the session's ``UserService``. Slow changes
(adding a user, a new passphrase, a new recovery code: Argon2id) run in
their own dialogs as jobs; removing a user is quick and runs here after a
confirmation. The dialog closes itself when the session locks.

Who may do what is the core's rule (``core/permissions.py``, asked through
the service): the buttons a role may not use are disabled with the reason
in a tooltip and in a line of text, and a refusal the core still makes
(another program changed the vault meanwhile) is shown here, in the dialog.
"""

from __future__ import annotations

from ...core.errors import IntakeError
from ...core.i18n import _
from ..qt import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from ..services.session import VaultSession
from ..services.users import UserService
from ..services.vocabulary import User
from ..widgets.bidi import isolate, select_row, show_in_natural_direction
from ..widgets.confirm import confirm_destructive
from ..widgets.labels import role_label
from ..widgets.screen_fit import ScrollingBody, WholeRows, fit_to_screen
from .add_user_dialog import AddUserDialog
from .change_passphrase_dialog import ChangePassphraseDialog
from .recovery_code_dialog import RecoveryCodeDialog

MAX_IDLE_MINUTES = 240


class UsersDialog(QDialog):
    def __init__(self, session: VaultSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.session = session
        self.add_dialog: AddUserDialog | None = None
        self.passphrase_dialog: ChangePassphraseDialog | None = None
        self.recovery_dialog: RecoveryCodeDialog | None = None
        self.confirmation: QMessageBox | None = None
        self.setWindowTitle(_("Users"))
        if session.users is None:
            raise RuntimeError("UsersDialog needs an unlocked vault")

        self.table = QTableWidget(0, 4)
        show_in_natural_direction(self.table)
        self.table.setAccessibleName(_("Users who can unlock this vault"))
        self.table.setHorizontalHeaderLabels([_("Name"), _("Role"), "", _("Own signing key")])
        key_header = self.table.horizontalHeaderItem(3)
        if key_header is not None:
            key_header.setToolTip(
                _(
                    "The fingerprint of the key each person signs certifications and read-backs"
                    " with, made at their first one; counsel sees it on what they signed"
                )
            )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setSizeAdjustPolicy(QTableWidget.SizeAdjustPolicy.AdjustToContents)
        self.whole_rows = WholeRows(self.table, fewest=2, most=6)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.add = QPushButton(_("&Add user…"))
        self.remove = QPushButton(_("Re&move user…"))
        self.change = QPushButton(_("&Change my passphrase…"))
        row = QHBoxLayout()
        for button in (self.add, self.remove, self.change):
            row.addWidget(button)
        row.addStretch()
        people = QGroupBox(_("People who can unlock this vault"))
        people_layout = QVBoxLayout(people)
        people_about = QLabel(
            _(
                "Each person has their own passphrase; removing someone takes their key away, "
                "and their past work stays."
            )
        )
        people_about.setWordWrap(True)
        # Shown to a role that may not manage users: why some buttons are off.
        self.role_note = QLabel(
            _(
                "As a translator you can change only your own passphrase. A caseworker or a "
                "coordinator adds and removes users and replaces the recovery code."
            )
        )
        self.role_note.setObjectName("usersRoleNote")
        self.role_note.setTextFormat(Qt.TextFormat.PlainText)
        self.role_note.setWordWrap(True)
        self.role_note.setStyleSheet("font-style: italic;")
        people_layout.addWidget(people_about)
        people_layout.addWidget(self.role_note)
        people_layout.addWidget(self.table)
        people_layout.addLayout(row)

        recovery = QGroupBox(_("Recovery code"))
        recovery_about = QLabel(
            _(
                "The recovery code on paper opens the vault if every passphrase is forgotten. "
                "Replace it if it may have been seen or lost."
            )
        )
        recovery_about.setWordWrap(True)
        self.replace_code = QPushButton(_("Replace the &recovery code…"))
        recovery_layout = QVBoxLayout(recovery)
        recovery_layout.addWidget(recovery_about)
        recovery_row = QHBoxLayout()
        recovery_row.addWidget(self.replace_code)
        recovery_row.addStretch()
        recovery_layout.addLayout(recovery_row)

        settings = QGroupBox(_("Settings"))
        self.idle = QSpinBox()
        self.idle.setRange(1, MAX_IDLE_MINUTES)
        self.idle.setValue(session.idle_minutes)
        self.idle.setAccessibleName(_("Lock after this many minutes without use"))
        idle_label = QLabel(_("&Lock the vault after"))
        idle_label.setBuddy(self.idle)
        idle_row = QHBoxLayout(settings)
        idle_row.addWidget(idle_label)
        idle_row.addWidget(self.idle)
        idle_row.addWidget(QLabel(_("minutes without use")))
        idle_row.addStretch()

        self.message = QLabel()
        self.message.setObjectName("usersMessage")
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        # Two lines reserved: a wrapped label growing after layout would overlap.
        self.message.setMinimumHeight(self.message.fontMetrics().lineSpacing() * 2)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        self.close_button = close.button(QDialogButtonBox.StandardButton.Close)
        content = QWidget()
        body = QVBoxLayout(content)
        body.setContentsMargins(0, 0, 0, 0)
        body.addWidget(people)
        body.addWidget(recovery)
        body.addWidget(settings)
        body.addWidget(self.message)
        body.addStretch()
        # Scrolls on a small screen; Close stays in sight.
        self.body = ScrollingBody(content)
        layout = QVBoxLayout(self)
        layout.addWidget(self.body, 1)
        layout.addWidget(close)
        for first, second in (
            (self.table, self.add),
            (self.add, self.remove),
            (self.remove, self.change),
            (self.change, self.replace_code),
            (self.replace_code, self.idle),
            (self.idle, self.close_button),
        ):
            QWidget.setTabOrder(first, second)
        self.setMinimumWidth(560)

        self.add.clicked.connect(self._open_add)
        self.remove.clicked.connect(self._ask_remove)
        self.change.clicked.connect(self._open_change)
        self.replace_code.clicked.connect(self._open_recovery)
        self.idle.valueChanged.connect(session.set_idle_minutes)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        session.locked.connect(self._on_locked)
        self.reload()
        fit_to_screen(self)

    # The list

    @property
    def service(self) -> UserService | None:
        return self.session.users  # None once the vault has locked

    def me(self) -> User | None:
        return self.service.me if self.service is not None else None

    def users(self) -> list[User]:
        return self.service.users() if self.service is not None else []

    def reload(self, select: str | None = None) -> None:
        me = self.me()
        users = self.users()
        keys = self.service.signing_fingerprints() if self.service is not None else {}
        self.table.setRowCount(0)
        for row, user in enumerate(users):
            self.table.insertRow(row)
            is_me = me is not None and user.slot_id == me.slot_id
            key = keys.get(user.slot_id, "—")
            values = (user.name, role_label(user.role), _("you") if is_me else "", key)
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)  # always plain text: names are user-typed
                item.setData(Qt.ItemDataRole.UserRole, user.name)
                self.table.setItem(row, column, item)
            if user.name == select:
                select_row(self.table, row)  # selectRow() selects nothing right to left
        self.whole_rows.measure()
        self._update_buttons()

    def selected_name(self) -> str | None:
        items = self.table.selectedItems()
        return str(items[0].data(Qt.ItemDataRole.UserRole)) if items else None

    def _update_buttons(self) -> None:
        service = self.service
        me = self.me()
        users = self.users()
        selected = self.selected_name()
        may_add = service is not None and service.may_add_users
        may_remove = service is not None and service.may_remove_users
        self.role_note.setVisible(me is not None and not may_add)
        self.add.setEnabled(may_add)
        self.add.setToolTip("" if may_add else _("Only a caseworker or a coordinator can do this."))
        if not may_remove:
            reason = _("Only a caseworker or a coordinator can do this.")
        elif selected is not None and me is not None and selected == me.name:
            reason = _("You cannot remove yourself.")
        elif len(users) <= 1:
            reason = _("The last user cannot be removed.")
        else:
            reason = ""
        self.remove.setEnabled(selected is not None and not reason)
        self.remove.setToolTip(reason)
        may_replace = service is not None and service.may_replace_recovery_code
        self.replace_code.setEnabled(may_replace)
        self.replace_code.setToolTip(
            "" if may_replace else _("Only a caseworker or a coordinator can do this.")
        )
        opened_with_code = service is not None and service.opened_with_recovery_code
        self.change.setEnabled(me is not None and not opened_with_code)
        self.change.setToolTip(
            _("The vault was opened with the recovery code, not a passphrase.")
            if opened_with_code
            else ""
        )

    # Actions

    def _open_add(self) -> None:
        self.message.clear()
        self.add_dialog = AddUserDialog(self.session, self)
        self.add_dialog.accepted.connect(self._added)
        self.add_dialog.open()

    def _added(self) -> None:
        user = self.add_dialog.user if self.add_dialog is not None else None
        if user is not None:
            self.reload(select=user.name)
            self.message.setText(
                _("{name} can now unlock this vault as {role}.").format(
                    name=isolate(user.name), role=role_label(user.role)
                )
            )

    def _open_change(self) -> None:
        self.message.clear()
        self.passphrase_dialog = ChangePassphraseDialog(self.session, self)
        self.passphrase_dialog.accepted.connect(
            lambda: self.message.setText(_("Your passphrase was changed."))
        )
        self.passphrase_dialog.open()

    def _open_recovery(self) -> None:
        self.message.clear()
        self.recovery_dialog = RecoveryCodeDialog(self.session, self)
        self.recovery_dialog.open()

    def _ask_remove(self) -> None:
        name = self.selected_name()
        if name is None:
            return
        self.confirmation = confirm_destructive(
            self,
            _("Remove user"),
            _(
                "Remove {name}? Their passphrase will no longer unlock this vault. Their past "
                "work stays in the cases and the audit log."
            ).format(name=isolate(name)),
            _("Remove"),
            lambda: self._remove(name),
        )

    def _remove(self, name: str) -> None:
        service = self.service
        if service is None:
            return
        try:
            service.remove_user(name)
        except IntakeError as exc:
            # The list may be stale (another program changed the users): show it as it is.
            self.reload(select=name)
            self.message.setText(str(exc))
            return
        self.reload()
        self.message.setText(
            _("{name} can no longer unlock this vault.").format(name=isolate(name))
        )

    def _on_locked(self) -> None:
        self.table.setRowCount(0)
        self.reject()
