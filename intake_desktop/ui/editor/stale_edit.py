"""Someone else saved the record first: settled field by field, or the caseworker chooses.

A save sends the version the form was loaded from; ``StaleEdit`` means another
window or program saved in between. Changes to different fields are merged
and saved; where both sides changed the same field, the newer version is
shown and the caseworker chooses ("Use my changes" / "Keep theirs"). Part of
``Autosave`` (``autosave.py``), whose state it shares.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...core.errors import IntakeError, InvalidInput, NotFound, StaleEdit
from ...core.i18n import _
from ..services.cases import DraftContent
from ..services.vocabulary import Problem
from .case_outline import Loaded
from .drafts import CLASH
from .field_labels import field_label
from .save_state import SaveState

if TYPE_CHECKING:
    from ..services.vocabulary import Draft, Record
    from .case_editor import CaseEditor
    from .record_form import RecordForm


def deleted_elsewhere() -> str:
    return _("This record was deleted elsewhere. Your text is still shown: copy what you need.")


class SettlesStaleEdits:
    """The stale-edit half of ``Autosave``."""

    editor: CaseEditor
    conflict: dict[str, Any] | None

    if TYPE_CHECKING:  # what it uses of Autosave, for the type checker

        def set_state(self, state: SaveState) -> None: ...
        def reset(self, emit: bool = True) -> None: ...
        def save(self, show: bool = True) -> bool: ...
        def _target(self) -> tuple[str, str | None] | None: ...
        def _fail(self, message: str) -> bool: ...
        def _refused(self, exc: InvalidInput) -> bool: ...
        def _present(self, show: bool) -> None: ...
        def _content(
            self, form: RecordForm, held: set[str], problems: list[Problem], whole: bool
        ) -> DraftContent | None: ...
        def _stored(
            self,
            record: Record | None,
            kept: Draft | None,
            problems: list[Problem],
            whole: bool,
            show: bool,
        ) -> bool: ...

    def _stale(
        self,
        kind: str,
        record_id: str,
        typed: dict[str, Any],
        held: set[str],
        problems: list[Problem],
        show: bool,
        depth: int = 0,
    ) -> bool:
        editor, service, form = self.editor, self.editor.session.cases, self.editor.form
        if service is None or form is None or record_id not in editor.records:
            return self._fail(deleted_elsewhere())
        if not show:
            # Typing goes on: keep my changes as a draft now, with no reload under the
            # typist's cursor; the next save settles them with what was saved elsewhere.
            loaded = editor.records[record_id]
            changed = [k for k, v in typed.items() if k not in held and v != loaded.body.get(k)]
            editors = [e for e in form.editors if held.union(changed).intersection(e.keys)]
            if not editors:
                return False
            unsettled = [Problem(k, CLASH) for k in changed]
            typing = DraftContent(form.raw(editors), (*problems, *unsettled))
            return self._keep_only(kind, record_id, loaded.version, typing)
        base = editor.records[record_id].body
        try:
            fresh = service.record(record_id)
        except NotFound:
            return self._fail(deleted_elsewhere())
        editor.records[record_id] = Loaded(fresh.kind, fresh.version, fresh.body)
        mine_changed = {k: v for k, v in typed.items() if k not in held and v != base.get(k)}
        theirs = {k for k in set(fresh.body) | set(base) if fresh.body.get(k) != base.get(k)}
        clash = [k for k in mine_changed if k in theirs and fresh.body.get(k) != mine_changed[k]]
        kept_back = [e for e in form.editors if held.intersection(e.keys)]
        clashes = tuple(Problem(k, CLASH) for k in clash)
        if clash:
            clashing = [e for e in form.editors if set(clash).intersection(e.keys)]
            mine = form.raw(clashing)
            typed_back = form.raw(kept_back)
            form.load(fresh.body, editor.options())
            form.restore(typed_back)
            self.dirty, self.conflict, self.clash = False, mine, clashes
            both = DraftContent({**typed_back, **mine}, (*problems, *clashes))
            self._keep_only(kind, record_id, fresh.version, both)
            self.problems, self.whole = problems, False
            self._present(show=True)  # the fields left so far: marked, the clash is said below
            fields = ", ".join(field_label(kind, k) for k in clash)
            editor.message.show_message(
                _(
                    "Someone else saved this record while you were editing, so it was reloaded."
                    " Both of you changed: {fields}. Their version is shown now."
                ).format(fields=fields),
                "warning",
                [(_("Use my changes"), self.use_mine), (_("Keep theirs"), self.keep_theirs)],
            )
            self.showing_draft = False
            self.set_state(SaveState.ERROR)
            return False
        merged = {**fresh.body, **mine_changed}
        content = self._content(form, held, problems, False)
        typed_back = form.raw(kept_back)
        try:
            record, kept = service.save_or_keep(
                editor.case_id or "", kind, record_id, merged, fresh.version, content, None
            )
        except StaleEdit:
            if depth < 3:
                return self._stale(kind, record_id, typed, held, problems, show, depth + 1)
            return self._fail(_("This record keeps changing elsewhere; try again in a moment."))
        except InvalidInput as exc:
            return self._refused(exc)
        except IntakeError as exc:
            return self._fail(str(exc))
        if record is None:  # an existing record is always stored; never kept whole
            return self._fail(deleted_elsewhere())
        editor.stored(record, reload=True)
        form.restore(typed_back)
        if kept is not None:
            return self._stored(None, kept, problems, False, show)
        self._stored(None, None, [], False, show)
        editor.message.show_message(
            _("This record was also changed elsewhere; your changes and theirs are both kept."),
            "info",
        )
        return True

    def _keep_only(self, kind: str, record_id: str, version: int, content: DraftContent) -> bool:
        """Keep what is shown as the record's draft, the record untouched (settled later)."""
        service = self.editor.session.cases
        if service is None:
            return False
        try:
            _record, kept = service.save_or_keep(
                self.editor.case_id or "", kind, record_id, None, version, content, None
            )
        except IntakeError as exc:
            return self._fail(str(exc))
        self.editor.draft_kept(kept)
        self.draft = kept
        return False

    def use_mine(self) -> None:
        target, form = self._target(), self.editor.form
        mine, self.conflict, self.clash = self.conflict or {}, None, ()
        self.editor.message.hide_message()
        if target is None or form is None or target[1] is None:
            return
        form.restore(mine)
        form.rebase(self.editor.records[target[1]].body)
        self.dirty = True
        self.save()

    def keep_theirs(self) -> None:
        self.conflict, self.clash = None, ()
        self.editor.message.hide_message()
        # What is shown is theirs (and any field still being corrected): saving it
        # drops my side of the clash from the draft.
        self.dirty = True
        self.save()

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
