"""When and how the case editor saves: a debounce timer, version checks, merges.

* Every user edit marks the shown record dirty and restarts a one-second
  single-shot timer; the timer, focus leaving a field, opening another
  record or case, and ``flush()`` all end in one synchronous ``save()``.
* A save sends the version the form was loaded from. ``StaleEdit`` (someone
  saved in between) is settled field by field against the version the form
  was loaded from: changes to different fields are merged and saved; where
  both sides changed the same field, the newer version is shown and the
  caseworker chooses ("Use my changes" / "Keep theirs").
* Refused input (``InvalidInput``, or a half-typed date) stays in its widget,
  which is marked; the state is "error" and ``flush()`` returns False.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ..core.errors import IntakeError, InvalidInput, NotFound, StaleEdit
from ..core.i18n import _
from .case_outline import CaseOutline, Loaded
from .field_labels import field_label
from .qt import QObject, QTimer, Signal

if TYPE_CHECKING:
    from .case_editor import CaseEditor

DELAY_MS = 1000
_CHOICE_TEMPLATE = "{path}: must be one of {options}."


def deleted_elsewhere() -> str:
    return _("This record was deleted elsewhere. Your text is still shown: copy what you need.")


def error_text(exc: IntakeError, field: str) -> str:
    """The error with the field's readable name in place of its path."""
    if exc.template == _CHOICE_TEMPLATE:
        return _("{field}: choose one of the options.").format(field=field)
    params = {**exc.params, "path": field}
    for template in (_(exc.template), exc.template):
        try:
            return template.format(**params)
        except (KeyError, IndexError, ValueError):
            continue
    return str(exc)


class Autosave(QObject):
    state_changed = Signal(str)

    def __init__(self, editor: CaseEditor) -> None:
        super().__init__(editor)
        self.editor = editor
        self.dirty = False
        self.state = "saved"
        self.conflict: dict[str, Any] | None = None  # my values for fields both sides changed
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DELAY_MS)
        self.timer.timeout.connect(self.save)

    def set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
        self.state_changed.emit(state)

    def reset(self, emit: bool = True) -> None:
        self.timer.stop()
        self.dirty, self.conflict = False, None
        self.state = "saved"
        if emit:
            self.set_state("saved")

    # Triggers

    def edited(self) -> None:
        if self.editor.form is None:
            return
        self.dirty = True
        if self.state != "unsaved":
            self.set_state("unsaved")
        self.timer.start()

    def focus_left(self) -> None:
        if self.dirty:
            self.timer.stop()
            self.save()

    def flush(self) -> bool:
        self.timer.stop()
        saved = self.save()
        return saved and self.conflict is None

    # Saving

    def _target(self) -> tuple[str, str | None] | None:
        editor = self.editor
        if editor.current is None or editor.form is None or editor.case_id is None:
            return None
        kind, record_id, _section = CaseOutline.position(editor.current)
        return kind, record_id

    def save(self) -> bool:
        """Save the shown record if it changed; True when nothing is left unsaved."""
        self.timer.stop()
        target, form, service = self._target(), self.editor.form, self.editor.session.cases
        if form is not None:
            form.commit_pending()  # text still open in a table cell counts as typed
        if not self.dirty:
            return True
        if target is None or form is None or service is None or self.editor.case_id is None:
            return False
        kind, record_id = target
        form.clear_marks()
        problems = form.local_errors()
        if problems:
            for field_editor, message in problems:
                field_editor.mark(message, "*")
            first, message = problems[0]
            return self._fail(_("{field}: {problem}").format(field=first.label, problem=message))
        body = form.body()
        loaded = self.editor.records.get(record_id or "")
        if loaded is not None and body == loaded.body:
            return self._done()
        self.set_state("saving")
        try:
            record = service.save(
                self.editor.case_id, kind, record_id, body, loaded.version if loaded else None
            )
        except StaleEdit:  # only an existing record can be stale
            return self._stale(kind, record_id or "", body)
        except InvalidInput as exc:
            return self._refused(exc)
        except NotFound:
            return self._fail(deleted_elsewhere())
        except IntakeError as exc:
            return self._fail(str(exc))
        self.editor.stored(record)
        return self._done()

    def save_new_now(self) -> str | None:
        """The shown record's id, saving it first if it is new (to attach files to it)."""
        target, service = self._target(), self.editor.session.cases
        if target is None or service is None or self.editor.form is None:
            return None
        kind, record_id = target
        if record_id is not None:
            return record_id
        try:
            record = service.save(
                self.editor.case_id or "", kind, None, self.editor.form.body(), None
            )
        except InvalidInput as exc:
            self._refused(exc)
            return None
        except IntakeError as exc:
            self._fail(str(exc))
            return None
        self.editor.stored(record)
        self._done()
        return record.id

    def _done(self) -> bool:
        self.dirty = False
        if self.editor.message.level == "error":
            self.editor.message.hide_message()
        self.set_state("error" if self.conflict is not None else "saved")
        return True

    def _fail(self, message: str) -> bool:
        self.editor.message.show_message(message, "error")
        self.set_state("error")
        return False

    def _refused(self, exc: InvalidInput) -> bool:
        form = self.editor.form
        if form is None:
            return self._fail(str(exc))
        path = str(exc.params.get("path", ""))
        field_editor, rest = form.editor_for_path(path)
        label = field_editor.label if field_editor is not None else form.describe(None)
        row = re.search(r"\[(\d+)\]", rest)
        if row and field_editor is not None and not field_editor.full_width:
            label = _("{field}, item {number}").format(field=label, number=int(row.group(1)) + 1)
        elif row:
            label = _("{field}, row {number}").format(field=label, number=int(row.group(1)) + 1)
        message = error_text(exc, label)
        form.mark(path, message)
        return self._fail(message)

    # Someone else saved first

    def _stale(self, kind: str, record_id: str, mine: dict[str, Any], depth: int = 0) -> bool:
        editor, service = self.editor, self.editor.session.cases
        if service is None or editor.form is None or record_id not in editor.records:
            return self._fail(deleted_elsewhere())
        base = editor.records[record_id].body
        try:
            fresh = service.record(record_id)
        except NotFound:
            return self._fail(deleted_elsewhere())
        editor.records[record_id] = Loaded(fresh.kind, fresh.version, fresh.body)
        mine_changed = {k: v for k, v in mine.items() if v != base.get(k)}
        theirs = {k for k in set(fresh.body) | set(base) if fresh.body.get(k) != base.get(k)}
        clash = [k for k in mine_changed if k in theirs and fresh.body.get(k) != mine_changed[k]]
        if clash:
            editor.form.load(fresh.body, editor.options())
            self.dirty, self.conflict = False, mine_changed
            fields = ", ".join(field_label(kind, k) for k in clash)
            editor.message.show_message(
                _(
                    "Someone else saved this record while you were editing, so it was reloaded."
                    " Both of you changed: {fields}. Their version is shown now."
                ).format(fields=fields),
                "warning",
                [(_("Use my changes"), self.use_mine), (_("Keep theirs"), self.keep_theirs)],
            )
            self.set_state("error")
            return False
        merged = {**fresh.body, **mine_changed}
        try:
            record = service.save(editor.case_id or "", kind, record_id, merged, fresh.version)
        except StaleEdit:
            if depth < 3:
                return self._stale(kind, record_id, merged, depth + 1)
            return self._fail(_("This record keeps changing elsewhere; try again in a moment."))
        except InvalidInput as exc:
            return self._refused(exc)
        except IntakeError as exc:
            return self._fail(str(exc))
        editor.stored(record, reload=True)
        self._done()
        editor.message.show_message(
            _("This record was also changed elsewhere; your changes and theirs are both kept."),
            "info",
        )
        return True

    def use_mine(self) -> None:
        target, form = self._target(), self.editor.form
        mine, self.conflict = self.conflict or {}, None
        self.editor.message.hide_message()
        if target is None or form is None or target[1] is None:
            return
        body = {**form.body(), **mine}
        loaded = self.editor.records[target[1]]
        form.load(body, self.editor.options())
        form.rebase(loaded.body)
        self.dirty = True
        self.save()

    def keep_theirs(self) -> None:
        self.conflict = None
        self.editor.message.hide_message()
        self.set_state("unsaved" if self.dirty else "saved")

    def reload_current(self) -> None:
        target, service, form = self._target(), self.editor.session.cases, self.editor.form
        if target is None or target[1] is None or service is None or form is None:
            return
        try:
            fresh = service.record(target[1])
        except IntakeError:
            return
        self.editor.records[fresh.id] = Loaded(fresh.kind, fresh.version, fresh.body)
        form.load(fresh.body, self.editor.options())
        self.editor.stored(fresh)
        self.reset()
