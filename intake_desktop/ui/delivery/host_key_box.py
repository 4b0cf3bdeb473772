"""The SFTP server's host key: typed from counsel's word, or asked of the server, then compared.

The fingerprint to pin comes from counsel's administrator (typed or
pasted), or from the server itself ("Get the server's key": key exchange
only, no login). Either way it is shown in large groups to read aloud with
the administrator, and nothing is pinned until the person ticks that the
fingerprints match; a different fingerprint unticks it. A key the server
presents that differs from the one typed is said, both shown, never
silently replaced.
"""

from __future__ import annotations

from collections.abc import Callable

from ...core.i18n import _
from ..jobs.job import Job
from ..qt import (
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)
from ..services.delivery import DeliveryService, normal_host_key
from ..widgets.bidi import isolate
from .delivery_text import grouped_host_key, host_key_label

ERROR_STYLE = "color: #b71c1c; font-weight: bold;"

Address = Callable[[], "tuple[str, int] | None"]  # host and port, once typed


class HostKeyBox(QGroupBox):
    changed = Signal()  # the fingerprint, the tick or the work under way changed

    def __init__(
        self,
        service: Callable[[], DeliveryService | None],
        address: Address,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(_("The server's host key"), parent)
        self._service = service
        self._address = address
        self.job: Job | None = None
        self.presented: str | None = None  # what the server showed, when asked
        about = QLabel(
            _(
                "Counsel's administrator can read you the fingerprint of their server's host "
                "key (ssh-keygen -lf prints it). Type or paste it here, or get it from the "
                "server; then read it aloud together."
            )
        )
        about.setWordWrap(True)
        self.field = QLineEdit()
        self.field.setObjectName("hostKeyField")
        self.field.setPlaceholderText(_("SHA256:…"))
        self.field.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.field.setAccessibleName(_("Host key fingerprint"))
        self.get_key = QPushButton(_("&Get the server's key"))
        self.get_key.setObjectName("hostKeyGet")
        self.get_key.setAccessibleName(_("Get the key the server presents"))
        field_label = QLabel(_("&Fingerprint:"))
        field_label.setBuddy(self.field)
        row = QHBoxLayout()
        row.addWidget(field_label)
        row.addWidget(self.field, 1)
        row.addWidget(self.get_key)
        self.grouped = host_key_label()
        self.grouped.setObjectName("hostKeyGrouped")
        self.grouped.setAccessibleName(_("Host key fingerprint, in groups to read aloud"))
        self.instruction = QLabel(
            _(
                "Read these groups aloud with counsel's administrator, by phone or in person, "
                "letter by letter (capitals matter). Tick the box only if every group matches "
                "what their server shows."
            )
        )
        self.instruction.setWordWrap(True)
        self.note = QLabel()
        self.note.setObjectName("hostKeyNote")
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.note.setWordWrap(True)
        self.matches = QCheckBox(_("The fingerprints &match"))
        self.matches.setObjectName("hostKeyMatches")
        self.matches.setAccessibleName(
            _("The fingerprints match: I compared them with counsel's administrator")
        )
        layout = QVBoxLayout(self)
        layout.addWidget(about)
        layout.addLayout(row)
        # The groups beside what to do with them: short enough for a small screen.
        compare = QVBoxLayout()
        compare.addWidget(self.instruction)
        compare.addWidget(self.matches)
        compare.addStretch()
        beside = QHBoxLayout()
        beside.addWidget(self.grouped)
        beside.addLayout(compare, 1)
        layout.addLayout(beside)
        layout.addWidget(self.note)

        self.field.textChanged.connect(self._field_changed)
        self.get_key.clicked.connect(self.ask_server)
        self.matches.toggled.connect(lambda _on: self.changed.emit())
        self._field_changed()

    def focus_chain(self) -> list[QWidget]:
        return [self.field, self.get_key, self.grouped, self.matches]

    # What the dialog reads

    def fingerprint(self) -> str | None:
        return normal_host_key(self.field.text())

    def confirmed(self) -> bool:
        return self.fingerprint() is not None and self.matches.isChecked()

    @property
    def busy(self) -> bool:
        return self.job is not None

    def address_changed(self) -> None:
        """Another host or port: what a server said before is about another server."""
        self.presented = None
        self._update()

    # Typing

    def _field_changed(self) -> None:
        # A different fingerprint: a comparison made for the one before does not count.
        self.matches.setChecked(False)
        self._update()

    def _update(self) -> None:
        fingerprint = self.fingerprint()
        text = self.field.text().strip()
        self.grouped.setText(grouped_host_key(fingerprint) if fingerprint else "")
        self.grouped.setVisible(fingerprint is not None)
        self.instruction.setVisible(fingerprint is not None)
        self.matches.setEnabled(fingerprint is not None)
        if fingerprint is not None and self.presented is not None and fingerprint != self.presented:
            self._note(
                _(
                    "The server presents {presented}, not the fingerprint typed here. Do not "
                    "add it until counsel's administrator has found out why."
                ).format(presented=isolate(self.presented)),
                error=True,
            )
        elif fingerprint is not None and self.presented == fingerprint:
            self._note(_("This is the key the server presents. Now compare it aloud."))
        elif text and fingerprint is None:
            self._note(
                _("This is not a host key fingerprint (SHA256: and 43 characters)."), error=True
            )
        elif not self.busy:
            self._note("")
        has_address = self._address() is not None
        self.get_key.setEnabled(has_address and not self.busy)
        self.get_key.setAccessibleDescription(
            "" if has_address else _("Type the server's host and port first.")
        )
        self.changed.emit()

    def _note(self, text: str, error: bool = False) -> None:
        self.note.setStyleSheet(ERROR_STYLE if error else "")
        self.note.setText(text)
        self.note.setVisible(bool(text))

    # Asking the server

    def ask_server(self) -> None:
        address, service = self._address(), self._service()
        if address is None or service is None or self.job is not None:
            return
        host, port = address
        self.presented = None
        self._note(
            _("Asking {host}:{port} for its host key…").format(host=isolate(host), port=port)
        )
        self.job = service.server_key(host, port).bind(self)
        self.job.finished.connect(self._presented)
        self.job.failed.connect(self._failed)
        self.get_key.setEnabled(False)
        self.changed.emit()
        self.job.start()

    def _presented(self, fingerprint: str) -> None:
        self.job = None
        self.presented = fingerprint
        if not self.field.text().strip():
            self.field.setText(fingerprint)  # _field_changed updates the rest
        else:
            self._update()

    def _failed(self, message: str) -> None:
        self.job = None
        self._update()
        self._note(message, error=True)

    def stop(self) -> None:
        if self.job is not None:
            self.job.detach()  # nothing is stored by it: it ends unheard
            self.job = None
