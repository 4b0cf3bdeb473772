"""When and how the case editor saves: timers, version checks, merges, drafts.

* Every user edit marks the shown record dirty and restarts a one-second
  single-shot timer. A second timer, started by the first edit after a save
  and never pushed back, stores the typing one second after it, so nothing
  typed lives only in the widgets for longer than ``DELAY_MS``, even while
  the typing goes on. The timers, focus leaving a field, opening another
  record or case, and ``flush()`` (before locking and closing) all end in
  ``save()``.
* The timers store quietly: a problem found then is kept in the draft and
  not said yet, since the caseworker has not finished (the year of a date
  typed, the month not chosen yet). A field's problems are shown once focus
  leaves that field editor (Tab from Year to Month stays inside the date;
  opening a choice's list stays inside the choice), and all of them once the
  record is left or ``flush()`` is called. A quiet save may take a mark
  away (the field was corrected), never add one.
* A save sends the version the form was loaded from. ``StaleEdit`` (someone
  saved in between) is settled field by field against the version the form
  was loaded from: changes to different fields are merged and saved; where
  both sides changed the same field, the newer version is shown and the
  caseworker chooses ("Use my changes" / "Keep theirs").
* What cannot be stored (a half-typed date, a field the model refuses) is
  kept as typed in a draft in the vault (``core/drafts.py``), in the same
  transaction that stores every valid field: a stored record gets its body
  with each valid field taken from the form; a new record is made once its
  valid fields make one, otherwise everything typed lives in the draft. The
  fields are marked, a message says what is wrong, and ``flush()`` returns
  False so the editor stays on the record; locking and closing go on, the
  draft kept. A clean save removes the draft.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...core.errors import IntakeError, InvalidInput, NotFound, StaleEdit
from ...core.i18n import _
from ..qt import QObject, QTimer, Signal
from ..services.cases import DraftContent
from ..services.vocabulary import KINDS, Draft, Problem, Record
from .case_outline import DRAFT_ROLE, CaseOutline
from .drafts import CLASH, field_name, problem_text, problems_text, render
from .save_state import SaveState
from .stale_edit import SettlesStaleEdits, deleted_elsewhere

if TYPE_CHECKING:
    from .case_editor import CaseEditor
    from .record_form import RecordForm

DELAY_MS = 1000


def error_text(exc: IntakeError, field: str) -> str:
    """The error with the field's readable name in place of its path."""
    return render(exc.template, {k: v for k, v in exc.params.items() if k != "path"}, field)


def _problem(form: RecordForm, exc: InvalidInput) -> Problem:
    """A refusal from the core as a draft's problem: the field, the template, no value."""
    path = str(exc.params.get("path", ""))
    params = {k: v for k, v in exc.params.items() if k != "path" and isinstance(v, int | str)}
    return Problem(form.key_of_path(path) or "", exc.template, params, path)


class Autosave(SettlesStaleEdits, QObject):
    state_changed = Signal(object)  # SaveState

    def __init__(self, editor: CaseEditor) -> None:
        super().__init__(editor)
        self.editor = editor
        self.dirty = False
        self.state = SaveState.SAVED
        self.conflict: dict[str, Any] | None = None  # my fields both sides changed, as typed
        self.clash: tuple[Problem, ...] = ()  # which fields those are (kept in the draft)
        self.draft: Draft | None = None  # the shown record's draft in the vault
        self.problems: list[Problem] = []  # why the last save here kept a draft
        self.whole = False  # ... and whether nothing of it could become a record
        self.shown: list[Problem] = []  # the problems marked and said now
        self.left: set[str] = set()  # fields (an editor's first key) left since shown
        self.record_left = False  # the record is being left: every problem is said
        self.showing_draft = False  # the message bar speaks of the draft
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DELAY_MS)
        self.timer.timeout.connect(self.keep)
        self.deadline = QTimer(self)
        self.deadline.setSingleShot(True)
        self.deadline.setInterval(DELAY_MS)
        self.deadline.timeout.connect(self.keep)

    def set_state(self, state: SaveState) -> None:
        self.state = state
        self.state_changed.emit(state)

    def reset(self, emit: bool = True) -> None:
        self.timer.stop()
        self.deadline.stop()
        self.dirty, self.conflict, self.clash, self.draft = False, None, (), None
        self.problems, self.whole, self.shown, self.showing_draft = [], False, [], False
        self.left, self.record_left = set(), False
        self.state = SaveState.SAVED
        if emit:
            self.set_state(SaveState.SAVED)

    # Triggers

    def edited(self) -> None:
        if self.editor.form is None:
            return
        self.dirty = True
        if self.state is not SaveState.UNSAVED:
            self.set_state(SaveState.UNSAVED)
        self.timer.start()
        if not self.deadline.isActive():
            self.deadline.start()

    def keep(self) -> None:
        """A pause, or typing that went on for a whole delay: store it, say nothing new."""
        if self.dirty:
            self.save(show=False)

    def field_left(self, key: str | None) -> None:
        """Focus left a field editor (``key``: its first key; None: the form itself):
        store now, and say what is wrong with the fields left so far."""
        if key is not None:
            self.left.add(key)
        self.timer.stop()
        if self.dirty:
            self.save()
        elif self.problems:
            self._present(show=True)

    def focus_lost(self) -> None:
        """The window lost focus (another program, a dialog): store, say nothing new."""
        self.timer.stop()
        self.keep()

    def flush(self) -> bool:
        self.timer.stop()
        self.record_left = True
        saved = self.save()
        return saved and self.conflict is None

    # Saving

    def _target(self) -> tuple[str, str | None] | None:
        editor = self.editor
        if editor.current is None or editor.form is None or editor.case_id is None:
            return None
        kind, record_id, _section = CaseOutline.position(editor.current)
        return kind, record_id

    def save(self, show: bool = True) -> bool:
        """Store the shown record; True when everything typed is in the record.

        ``show`` False (typing goes on): store the same way, but leave marks
        and messages for the next save, so none flashes up mid-word.
        """
        if show:
            self.timer.stop()
        target, form, service = self._target(), self.editor.form, self.editor.session.cases
        if form is not None:
            form.commit_pending()  # text still open in a table cell counts as typed
        if not self.dirty:
            if show and self.problems:
                self._present(show=True)
            return not self.problems
        if target is None or form is None or service is None or self.editor.case_id is None:
            return False
        self.deadline.stop()
        kind, record_id = target
        loaded = self.editor.records.get(record_id or "")
        version = loaded.version if loaded else None
        base = loaded.body if loaded else KINDS[kind].spec.default()
        typed = form.body()
        held: set[str] = set()  # fields kept back from the record (their stored value stays)
        problems: list[Problem] = []
        for field_editor, template, params in form.local_problems():
            held.update(field_editor.keys)
            problems.append(Problem(field_editor.keys[0], template, params))
        whole = False  # nothing typed makes a record: all of it goes to the draft
        if show:
            self.set_state(SaveState.SAVING)
        for _attempt in range(len(form.editors) + 2):
            body: dict[str, Any] | None = None
            if not whole:
                body = {k: base.get(k) if k in held else v for k, v in typed.items()}
                if loaded is not None and body == loaded.body:
                    body = None
            content = self._content(form, held, problems, whole)
            if body is None and content is None and self.draft is None:
                return self._done()
            try:
                record, kept = service.save_or_keep(
                    self.editor.case_id, kind, record_id, body, version, content, self._draft_id()
                )
            except InvalidInput as exc:
                problem = _problem(form, exc)
                if whole:  # the draft itself was refused (far too long)
                    return self._fail(str(exc))
                if not problem.field or problem.field in held:
                    # What stays when a field is kept back is refused too (a required
                    # field still empty): no record can be made of this yet.
                    whole = True
                    if problem.field not in held:
                        problems.append(problem)
                    continue
                held.add(problem.field)
                problems.append(problem)
                continue
            except StaleEdit:  # only an existing record can be stale
                return self._stale(kind, record_id or "", typed, held, problems, show)
            except NotFound:
                return self._fail(deleted_elsewhere())
            except IntakeError as exc:
                return self._fail(str(exc))
            return self._stored(record, kept, problems, whole, show)
        return self._fail(_("This record could not be saved; try again in a moment."))

    def _content(
        self, form: RecordForm, held: set[str], problems: list[Problem], whole: bool
    ) -> DraftContent | None:
        """What the draft is to hold: fields kept back, and my side of a clash not settled."""
        mine = self.conflict or {}
        if not problems and not whole and not mine:
            return None
        editors = [e for e in form.editors if whole or held.intersection(e.keys)]
        clash = self.clash if mine else ()
        return DraftContent({**form.raw(editors), **mine}, (*problems, *clash))

    def _draft_id(self) -> str | None:
        """The id of the shown item's draft (``new:…`` for a record never saved), if any."""
        current = self.editor.current
        found = current.data(0, DRAFT_ROLE) if current is not None else None
        return str(found) if found else None

    def _stored(
        self,
        record: Record | None,
        kept: Draft | None,
        problems: list[Problem],
        whole: bool,
        show: bool,
    ) -> bool:
        if record is not None:
            self.editor.stored(record)
        self.editor.draft_kept(kept)
        self.draft = kept
        self.problems, self.whole = problems, whole
        if not problems:  # clean, or only my side of a clash waiting for a choice
            return self._done()
        self.dirty = False
        self._present(show)
        return False

    def save_new_now(self) -> str | None:
        """The shown record's id, saving it first if it is new (to attach files to it)."""
        target, service = self._target(), self.editor.session.cases
        if target is None or service is None or self.editor.form is None:
            return None
        kind, record_id = target
        if record_id is not None:
            return record_id
        try:
            record, _kept = service.save_or_keep(
                self.editor.case_id or "",
                kind,
                None,
                self.editor.form.body(),
                None,
                None,
                self._draft_id(),
            )
        except InvalidInput as exc:
            self._refused(exc)
            return None
        except IntakeError as exc:
            self._fail(str(exc))
            return None
        if record is None:  # a body and no draft always make a record; says so if not
            self._fail(deleted_elsewhere())
            return None
        self.editor.stored(record)
        self.editor.draft_kept(None)
        self.draft = None
        self._done()
        return record.id

    def _done(self) -> bool:
        self.dirty = False
        self.shown = []
        if self.editor.form is not None and self.conflict is None:
            self.editor.form.clear_marks()
        if self.editor.message.level == "error" or self.showing_draft:
            self.editor.message.hide_message()
            self.showing_draft = False
        self.set_state(SaveState.ERROR if self.conflict is not None else SaveState.SAVED)
        return True

    def _fail(self, message: str) -> bool:
        self.editor.message.show_message(message, "error")
        self.set_state(SaveState.ERROR)
        return False

    def _refused(self, exc: InvalidInput) -> bool:
        form = self.editor.form
        if form is None:
            return self._fail(str(exc))
        problem = _problem(form, exc)
        message = problem_text(form, problem)
        form.mark(problem.path, message)
        return self._fail(message)

    # What could not be stored: marked, and said

    def mark(self, problems: list[Problem] | tuple[Problem, ...]) -> None:
        form = self.editor.form
        if form is None:
            return
        for problem in problems:
            message = problem_text(form, problem)
            field_editor = form.by_key.get(problem.field)
            if problem.path:
                form.mark(problem.path, message)
            elif field_editor is not None:
                field_editor.mark(message, "*")

    def _may_show(self, form: RecordForm, problem: Problem) -> bool:
        """Whether a problem may be said: its field was left, or the record is being left."""
        if self.record_left:
            return True
        field_editor = form.by_key.get(problem.field)
        return field_editor is not None and field_editor.keys[0] in self.left

    def _present(self, show: bool) -> None:
        """Mark and say the problems kept in the draft that may be said now.

        ``show`` False (a quiet save): only those already shown that are still
        problems stay; a field corrected loses its mark, none gains one.
        """
        form = self.editor.form
        if form is None:
            return
        if show:
            visible = [p for p in self.problems if self._may_show(form, p)]
        else:
            before = {p.field for p in self.shown}
            visible = [p for p in self.problems if p.field in before]
        self.shown = visible
        form.clear_marks()
        self.mark(visible)
        if self.conflict is not None:  # the message bar asks about the clash: left alone
            self.set_state(SaveState.ERROR)
            return
        if not visible:
            if self.showing_draft:
                self.editor.message.hide_message()
                self.showing_draft = False
            self.set_state(SaveState.DRAFT)
            return
        listed = problems_text(form, visible)
        if self.whole:
            text = _(
                "{problems} Nothing is saved as a record yet: everything typed here is kept"
                " as an encrypted draft until it is corrected."
            ).format(problems=listed)
        else:
            text = _(
                "{problems} The other fields are saved; what was typed here is kept as an"
                " encrypted draft until it is corrected."
            ).format(problems=listed)
        self.editor.message.show_message(
            text, "warning", [(_("Discard draft…"), self.editor.discard_draft)]
        )
        self.showing_draft = True
        self.set_state(SaveState.ERROR)

    def show_draft(self, draft: Draft) -> None:
        """A record opened with a draft: its fields as typed over the stored ones, marked."""
        form, editor = self.editor.form, self.editor
        if form is None:
            return
        clashes = [p for p in draft.problems if p.template == CLASH]
        keys = {form.by_key[p.field].keys[0] for p in clashes if p.field in form.by_key}
        form.restore({k: v for k, v in draft.fields.items() if k not in keys})
        self.draft = draft
        invalid = [p for p in draft.problems if p.template != CLASH]
        self.mark(invalid)
        self.shown = invalid  # from a try that ended: said at once
        parts = [
            _("This is a draft: it could not be saved whole.")
            if invalid
            else _("This is a draft of changes not saved yet.")
        ]
        parts += [problem_text(form, p) for p in invalid]
        loaded = editor.records.get(draft.record_id or "")
        if loaded is not None and draft.base_version not in (None, loaded.version):
            parts.append(
                _(
                    "The record was changed elsewhere after this draft was kept: check the"
                    " marked fields."
                )
            )
        actions = [(_("Discard draft…"), editor.discard_draft)]
        if clashes:
            self.conflict = {k: v for k, v in draft.fields.items() if k in keys}
            self.clash = tuple(clashes)
            fields = ", ".join(field_name(form, p) for p in clashes)
            parts.append(
                _(
                    "Both you and someone else changed: {fields}. Their version is shown now."
                ).format(fields=fields)
            )
            actions = [(_("Use my changes"), self.use_mine), (_("Keep theirs"), self.keep_theirs)]
        elif invalid:
            parts.append(_("Correct the marked fields to save it, or discard the draft."))
        editor.message.show_message(" ".join(parts), "warning", actions)
        self.showing_draft = not clashes
        self.set_state(SaveState.ERROR)
