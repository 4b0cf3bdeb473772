"""Drafts in the case editor: their problems in plain words, and asking before one goes.

A draft (``core/drafts.py``) keeps what was typed into a record but could
not be stored in it. Its problems are message templates with parameters,
never text typed, so they are rendered here in the interface language of
the moment, with each field's readable name.
"""

from __future__ import annotations

import re
from typing import Any

from ...core.i18n import N_, _
from ..qt import QWidget
from ..services.vocabulary import Problem
from ..widgets.confirm import confirmed
from .field_labels import field_label
from .record_form import RecordForm

# A field both this form and someone else changed, kept as typed until one is chosen.
CLASH = N_("{path}: also changed elsewhere; your version is kept in this draft.")
_CHOICE_TEMPLATE = "{path}: must be one of {options}."


def render(template: str, params: dict[str, Any], field: str) -> str:
    """One problem as a sentence: the field's readable name, then what is wrong."""
    if template == _CHOICE_TEMPLATE:
        return _("{field}: choose one of the options.").format(field=field)
    wrapped = "{path}" not in template  # the form's own checks: "Write the date as YYYY-MM-DD…"
    values = {**params, "path": field}
    said = _(template)
    for text in (said, template):
        try:
            said = text.format(**values)
            break
        except (KeyError, IndexError, ValueError):
            continue
    return _("{field}: {problem}").format(field=field, problem=said) if wrapped else said


def field_name(form: RecordForm, problem: Problem) -> str:
    """The readable name of a problem's field ("Original language", "Names, row 2")."""
    editor = form.by_key.get(problem.field) if problem.field else None
    if editor is None:
        return form.describe(None)
    label = editor.label if len(editor.keys) == 1 else field_label(form.kind.name, problem.field)
    row = re.search(r"\[(\d+)\]", problem.path)
    if row and not editor.full_width:
        return _("{field}, item {number}").format(field=label, number=int(row.group(1)) + 1)
    if row:
        return _("{field}, row {number}").format(field=label, number=int(row.group(1)) + 1)
    return label


def problem_text(form: RecordForm, problem: Problem) -> str:
    return render(problem.template, problem.params, field_name(form, problem))


def problems_text(form: RecordForm, problems: list[Problem] | tuple[Problem, ...]) -> str:
    return " ".join(problem_text(form, p) for p in problems)


def confirm_discard(parent: QWidget, new: bool) -> bool:
    """True if the caseworker chose Discard (Cancel is the default button)."""
    if new:
        text = _(
            "Discard this draft? Everything typed into this new record is deleted from the vault."
        )
    else:
        text = _(
            "Discard this draft? What was typed into the marked fields is deleted from the vault;"
            " the saved record stays as it is."
        )
    return confirmed(parent, _("Discard draft"), text, _("Discard draft"))
