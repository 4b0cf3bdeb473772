"""Remove delivered cases…: what goes, what stays, one plain confirmation, and the policy.

The dialog lists the cases a receipt says an importer holds as they are
here (they go) and the delivered cases edited since (they stay, and say
why). Its button says how many go; Close is the default. The removal runs
as a job on its own connection (services/purge.py): only the listed cases
go, and only if they are still delivered when it runs. The automatic
removal after N days is a setting of the vault, changed here at once.
"""

from __future__ import annotations

from ...core.errors import IntakeError
from ...core.i18n import _, ngettext
from ..jobs.job import Job
from ..qt import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)
from ..services.purge import MAX_DAYS, MIN_DAYS, PurgeResult
from ..services.session import VaultSession
from ..widgets.bidi import isolate
from ..widgets.disabled_reason import DisabledReason

DEFAULT_DAYS = 30
LIST_ROWS = 5


def _label(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    return label


class PurgeDialog(QDialog):
    purged = Signal(list)  # the ids of the cases removed

    def __init__(self, session: VaultSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.job: Job | None = None
        self.planned: list[str] = []  # what the button removes: what the person saw
        self.setWindowTitle(_("Remove delivered cases"))
        self.setMinimumWidth(520)
        self.summary = _label()
        self.to_remove = QListWidget()
        self.to_remove.setAccessibleName(_("Cases to remove"))
        self.stays_label = _label()
        self.stays = QListWidget()
        self.stays.setAccessibleName(_("Delivered cases that stay"))
        self.warning = _label(
            _(
                "The importer keeps its copies; nothing is sent to anyone. This cannot be"
                " undone on this laptop: the cases, their files and their search entries are"
                " removed from it for good."
            )
        )
        self.warning.setObjectName("purge-warning")
        self.outcome = _label()
        self.outcome.hide()

        policy = QGroupBox(_("Automatic removal"))
        self.auto = QCheckBox(_("Also remove delivered cases automatically"))
        self.days = QSpinBox()
        self.days.setRange(MIN_DAYS, MAX_DAYS)
        self.days.setValue(DEFAULT_DAYS)
        self.days.setAccessibleName(_("Days after delivery"))
        self.policy_note = _label(
            _("Off by default. When on, the app removes them each time the vault is unlocked.")
        )
        self.policy_reason = DisabledReason(None)
        self.policy_reason.hide()
        days_label = QLabel(_("Days after delivery:"))
        days_label.setBuddy(self.days)
        row = QHBoxLayout()
        row.addSpacing(24)  # under the check box's text: the days belong to it
        row.addWidget(days_label)
        row.addWidget(self.days)
        row.addStretch(1)
        box = QVBoxLayout(policy)
        box.addWidget(self.auto)
        box.addLayout(row)
        box.addWidget(self.policy_note)
        box.addWidget(self.policy_reason)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.close_button = self.buttons.button(QDialogButtonBox.StandardButton.Close)
        self.remove_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.DestructiveRole)
        self.remove_button.setAutoDefault(False)
        self.close_button.setDefault(True)
        self.buttons.rejected.connect(self.reject)
        self.remove_button.clicked.connect(self.remove)

        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.to_remove)
        layout.addWidget(self.stays_label)
        layout.addWidget(self.stays)
        layout.addWidget(self.warning)
        layout.addWidget(self.outcome)
        layout.addWidget(policy)
        layout.addStretch(1)  # a wrapped line's spare height goes here, not between the lists
        layout.addWidget(self.buttons)
        self._show_plan()
        self._show_policy()
        self.auto.toggled.connect(self._policy_changed)
        self.days.valueChanged.connect(self._policy_changed)
        session.locked.connect(self.reject)

    # What goes and what stays

    def _show_plan(self) -> None:
        service = self.session.purge
        if service is None:
            return
        planned = service.plan()
        self.planned = list(planned.cases)
        titles = service.titles(planned.cases + planned.kept)
        self._fill(self.to_remove, planned.cases, titles)
        self._fill(self.stays, planned.kept, titles)
        count = len(planned.cases)
        if count:
            self.summary.setText(
                ngettext(
                    "{count} case ({records} records) will be removed from this laptop: an"
                    " importer's receipt says it holds it exactly as it is here.",
                    "{count} cases ({records} records) will be removed from this laptop: an"
                    " importer's receipt says it holds them exactly as they are here.",
                    count,
                ).format(count=count, records=planned.records)
            )
        else:
            self.summary.setText(
                _("No case can be removed: no receipt says an importer holds a case as it is here.")
            )
        self.to_remove.setVisible(bool(count))
        self.warning.setVisible(bool(count))
        kept = len(planned.kept)
        self.stays_label.setText(
            ngettext(
                "{count} delivered case stays: it was changed after it was delivered.",
                "{count} delivered cases stay: they were changed after they were delivered.",
                kept,
            ).format(count=kept)
        )
        self.stays_label.setVisible(bool(kept))
        self.stays.setVisible(bool(kept))
        self.remove_button.setText(
            ngettext("Remove {count} case", "Remove {count} cases", count).format(count=count)
        )
        self.remove_button.setVisible(bool(count))

    def _fill(self, listing: QListWidget, case_ids: list[str], titles: dict[str, str]) -> None:
        listing.clear()
        for case_id in case_ids:
            item = QListWidgetItem(isolate(titles.get(case_id, "") or case_id))
            item.setData(Qt.ItemDataRole.UserRole, case_id)
            item.setToolTip(case_id)
            listing.addItem(item)
        rows = min(max(len(case_ids), 1), LIST_ROWS)
        listing.setFixedHeight(listing.sizeHintForRow(0) * rows + 2 * listing.frameWidth() + 4)

    def remove(self) -> None:
        service = self.session.purge
        if service is None or self.job is not None or not self.planned:
            return
        self.job = job = service.purge(self.planned).bind(self)
        job.finished.connect(self._removed)
        job.failed.connect(self._failed)
        self.remove_button.setEnabled(False)
        self._say(_("Removing…"))
        job.start()

    def _removed(self, result: PurgeResult) -> None:
        self.job = None
        self.remove_button.hide()
        self.to_remove.clear()
        self.to_remove.hide()
        self.warning.hide()
        self.summary.setText(
            ngettext(
                "Removed {count} delivered case ({records} records, {attachments} attachments).",
                "Removed {count} delivered cases ({records} records, {attachments} attachments).",
                len(result.cases),
            ).format(
                count=len(result.cases), records=result.records, attachments=result.attachments
            )
        )
        missed = len(self.planned) - len(result.cases)
        self.planned = []
        if missed:
            self._say(
                ngettext(
                    "{count} listed case stayed: it changed before the removal ran.",
                    "{count} listed cases stayed: they changed before the removal ran.",
                    missed,
                ).format(count=missed)
            )
        else:
            self.outcome.hide()
        self.purged.emit(list(result.cases))

    def _failed(self, message: str) -> None:
        self.job = None
        self.remove_button.setEnabled(True)
        self._say(_("Nothing was removed: {reason}").format(reason=message))

    def _say(self, text: str) -> None:
        self.outcome.setText(text)
        self.outcome.show()

    # The policy

    def _show_policy(self) -> None:
        service = self.session.purge
        if service is None:
            return
        days = service.policy_days
        self.auto.setChecked(days is not None)
        if days is not None:
            self.days.setValue(days)
        allowed = service.may_set_policy
        self.auto.setEnabled(allowed)
        self.days.setEnabled(allowed and days is not None)
        if not allowed:
            reason = _("Only a caseworker, a coordinator or the recovery code can change this.")
            self.policy_reason.setText(reason)
            self.auto.setAccessibleDescription(reason)
            self.policy_reason.show()

    def _policy_changed(self, *_args: object) -> None:
        service = self.session.purge
        if service is None:
            return
        days = self.days.value() if self.auto.isChecked() else None
        self.days.setEnabled(days is not None)
        try:
            service.set_policy_days(days)
        except IntakeError as exc:
            self._say(str(exc))
            self._show_policy_quietly()

    def _show_policy_quietly(self) -> None:
        self.auto.blockSignals(True)
        self.days.blockSignals(True)
        try:
            self._show_policy()
        finally:
            self.auto.blockSignals(False)
            self.days.blockSignals(False)
