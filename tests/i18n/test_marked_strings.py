"""Static checks on the code: messages are literals, and the UI sets no bare English text.

* ``_()``, ``N_()`` and ``ngettext()`` take their messages as string literals
  (Babel extracts only those). ``_()`` may also translate a message kept
  elsewhere (``_(ROUTE_LABELS[value])``: a name, an attribute, an item, a
  ``.get()``), marked with ``N_`` where it is defined. Never a message built
  before translation: no f-string, no ``+``/``%``, no ``.format()`` inside.
* A heuristic over ``intake_desktop/ui``: a Qt call that puts text on the
  screen (``setText``, ``QLabel(`` ...) must not be given a bare string
  literal with letters in it; wrap it in ``_()``.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import REPO

PACKAGE = REPO / "intake_desktop"
MARKERS = {"_", "N_", "ngettext"}
LETTER = re.compile(r"[^\W\d_]")

# Calls that put their (string) arguments on the screen.
TEXT_SETTERS = {
    "setText",
    "setWindowTitle",
    "setToolTip",
    "setPlaceholderText",
    "setAccessibleName",
    "setAccessibleDescription",
    "setStatusTip",
    "setWhatsThis",
    "setTitle",
    "setSubTitle",
    "setLabelText",
    "setButtonText",
    "setInformativeText",
    "setDetailedText",
    "setPlainText",
    "setHtml",
    "setMarkdown",
    "setTabText",
    "setTabToolTip",
    "setItemText",
    "setSpecialValueText",
    "setPrefix",
    "setSuffix",
    "setFormat",
    "setCancelButtonText",
    "showMessage",
    "addAction",
    "addMenu",
    "addSection",
    "addTab",
    "addRow",
    "addToolBar",
    "setHeaderLabels",
    "setHorizontalHeaderLabels",
    "setVerticalHeaderLabels",
    "getText",
    "getItem",
    "QLabel",
    "QPushButton",
    "QToolButton",
    "QCheckBox",
    "QRadioButton",
    "QGroupBox",
    "QAction",
    "QMenu",
    "QMessageBox",
    "QProgressDialog",
    "QTableWidgetItem",
    "QTreeWidgetItem",
    "QListWidgetItem",
    "QWizardPage",
}
# QMessageBox's static functions (log.warning() is not one).
MESSAGE_BOX = {"information", "warning", "critical", "question", "about"}
# Only the first argument is text (the second is the item's data, often a stored value).
FIRST_ARGUMENT_ONLY = {"addItem", "insertItem"}
# Text that is the same in every language. Keep this short: wrap anything readable.
ALLOWED = {
    "intake-desktop",  # the program's name (main window title)
    "XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX",  # the shape of a recovery code
}


def python_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.py") if "__pycache__" not in p.parts)


def _called_name(call: ast.Call) -> str:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return ""


# 1. What the catalog functions are given


def _is_literal(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _is_stored_message(node: ast.expr) -> bool:
    """A reference to a message marked elsewhere (never one built here)."""
    if isinstance(node, ast.Name | ast.Attribute | ast.Subscript):
        return True
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return node.func.attr == "get" and not any(
            isinstance(n, ast.JoinedStr | ast.BinOp) for a in node.args for n in ast.walk(a)
        )
    if isinstance(node, ast.IfExp):
        return all(_is_literal(b) or _is_stored_message(b) for b in (node.body, node.orelse))
    return False


def marker_problems(source: str, name: str = "<test>") -> Iterator[str]:
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
            continue
        marker = node.func.id
        if marker not in MARKERS:
            continue
        wanted = 2 if marker == "ngettext" else 1
        where = f"{name}:{node.lineno}: {marker}()"
        if len(node.args) < wanted or node.keywords:
            yield f"{where} takes {wanted} positional message argument(s)"
            continue
        for arg in node.args[:wanted]:
            if _is_literal(arg):
                continue
            if isinstance(arg, ast.JoinedStr):
                yield f"{where} is given an f-string: use {{name}} and .format() after it"
            elif marker == "_" and _is_stored_message(arg):
                continue
            else:
                yield f"{where} is given {ast.unparse(arg)!r}: give it a string literal"


def test_messages_are_literals_and_never_formatted_before_translation() -> None:
    problems = [
        problem
        for path in python_files(PACKAGE)
        for problem in marker_problems(
            path.read_text(encoding="utf-8"), path.relative_to(REPO).as_posix()
        )
    ]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    "source",
    [
        '_(f"Saved {count} cases")',
        '_("Saved " + str(count))',
        '_("Saved {count} cases".format(count=n))',
        '_("Saved %d cases" % n)',
        "N_(TEMPLATE)",
        'ngettext("one case", f"{n} cases", n)',
        'ngettext(SINGULAR, "{n} cases", n)',
        '_(message="Saved")',
        '_(LABELS.get(f"{kind}"))',
    ],
)
def test_the_marker_check_catches_a_message_built_before_translation(source: str) -> None:
    assert list(marker_problems(source))


@pytest.mark.parametrize(
    "source",
    [
        '_("Saved {count} cases").format(count=n)',
        '_("Saved {count} " "cases")',
        "_(ROUTE_LABELS[value])",
        "_(ROUTE_LABELS.get(value, value))",
        "_(self.unexpected)",
        "_(template)",
        '_(TEXT if done else "Working…")',
        'ngettext("{n} case", "{n} cases", n)',
        'N_("Saved")',
    ],
)
def test_the_marker_check_accepts_literals_and_stored_messages(source: str) -> None:
    assert list(marker_problems(source)) == []


# 2. Text given to Qt as a bare literal


def _bare_texts(node: ast.expr) -> Iterator[str]:
    """Literal text with letters in an argument (not inside a call such as _())."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        if LETTER.search(node.value) and node.value not in ALLOWED:
            yield node.value
    elif isinstance(node, ast.JoinedStr):
        for part in node.values:
            yield from _bare_texts(part)
    elif isinstance(node, ast.BinOp):
        yield from _bare_texts(node.left)
        yield from _bare_texts(node.right)
    elif isinstance(node, ast.List | ast.Tuple):
        for element in node.elts:
            yield from _bare_texts(element)
    elif isinstance(node, ast.IfExp):
        yield from _bare_texts(node.body)
        yield from _bare_texts(node.orelse)


def untranslated_ui_text(source: str, name: str = "<test>") -> Iterator[str]:
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        called = _called_name(node)
        receiver = node.func.value if isinstance(node.func, ast.Attribute) else None
        on_message_box = isinstance(receiver, ast.Name) and receiver.id == "QMessageBox"
        if called in FIRST_ARGUMENT_ONLY:
            arguments = node.args[:1]
        elif called in TEXT_SETTERS or (called in MESSAGE_BOX and on_message_box):
            arguments = [*node.args, *(k.value for k in node.keywords)]
        else:
            continue
        for argument in arguments:
            for text in _bare_texts(argument):
                yield f"{name}:{node.lineno}: {called}({text!r}): wrap it in _()"


def test_the_interface_sets_no_untranslated_text() -> None:
    problems = [
        problem
        for path in python_files(PACKAGE / "ui")
        for problem in untranslated_ui_text(
            path.read_text(encoding="utf-8"), path.relative_to(REPO).as_posix()
        )
    ]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    "source",
    [
        'label.setText("Saved")',
        'self.setWindowTitle("New case")',
        'QLabel("Name")',
        'QPushButton("&Add", self)',
        'QAction(icon, "Export…", self)',
        'table.setHorizontalHeaderLabels([_("Name"), "Role"])',
        'tabs.addTab(page, "Keys")',
        'combo.addItem("Gregorian", "gregorian")',
        'form.addRow("Title", self.title)',
        'QMessageBox.warning(self, _("Title"), "Something failed")',
        'bar.showMessage(f"Saved {count} cases")',
        'label.setText(_("Saved") + " at noon")',
        'edit.setPlaceholderText("حمل")',
        'box.setToolTip(text="Tip")',
    ],
)
def test_the_interface_check_catches_bare_text(source: str) -> None:
    assert list(untranslated_ui_text(source))


@pytest.mark.parametrize(
    "source",
    [
        'label.setText(_("Saved"))',
        'label.setText("…")',
        'label.setText("")',
        'label.setText(" · ".join(parts))',
        'label.setText(f"{number} {name}")',
        'combo.addItem(_("Gregorian"), "gregorian")',
        'label.setObjectName("recoveryCode")',
        'label.setStyleSheet("color: red;")',
        'act.setShortcut(QKeySequence("Ctrl+N"))',
        'label.setText(ngettext("{n} case", "{n} cases", n).format(n=n))',
        'log.warning("a font could not be loaded")',
        'self.setWindowTitle("intake-desktop")',
    ],
)
def test_the_interface_check_accepts_translated_text_and_symbols(source: str) -> None:
    assert list(untranslated_ui_text(source)) == []
