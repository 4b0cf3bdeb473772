"""Where an export writes its bundle: the path as typed, checked as it is typed.

A path is read the way a person means it. A folder (``/media/usb/``, or a
folder that exists, typed without the slash) means "a new bundle file in
it", named ``field-YYYY-MM-DD.intake``; it never becomes a file beside the
folder (``/media/usb.intake``). A file name gets ``.intake`` if it lacks
it. Anything that cannot be written (no such folder, a file already there,
a folder this account may not write to, half a path) is said in one
sentence under the box, in a line whose height never changes, and Export
waits until it is fixed.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from ...core.i18n import _
from ..qt import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)
from ..widgets.bidi import isolate
from ..widgets.file_dialogs import save_file

SUFFIX = ".intake"


def default_bundle_path(folder: Path, today: dt.date) -> Path:
    """``field-YYYY-MM-DD.intake`` in ``folder``, numbered if that name is taken."""
    stem = f"field-{today.isoformat()}"
    path, n = folder / f"{stem}{SUFFIX}", 2
    while path.exists():
        path, n = folder / f"{stem}-{n}{SUFFIX}", n + 1
    return path


@dataclass(frozen=True)
class SaveTarget:
    """The file a typed path stands for, or why nothing can be written there."""

    path: Path | None
    problem: str = ""
    into_folder: bool = False  # the text named a folder: ``path`` is a new file in it


def save_target(text: str, today: dt.date) -> SaveTarget:
    """Read ``text`` as typed into "Save to" (never raises: every keystroke lands here)."""
    typed = text.strip()
    if not typed:
        return SaveTarget(None, _("Type where to save the bundle, or use Choose…."))
    try:
        return _target(typed, today)
    except (OSError, ValueError, RuntimeError):
        # A NUL byte, a name too long for the disk, no home folder for "~".
        return SaveTarget(None, _("This is not a path this laptop can save to."))


def _target(typed: str, today: dt.date) -> SaveTarget:
    path = Path(typed).expanduser()
    if not path.is_absolute():
        return SaveTarget(
            None,
            _("Type the whole path, starting with {root}, or use Choose….").format(
                root=isolate(Path.home().anchor or os.sep)
            ),
        )
    folder_meant = typed.endswith(("/", os.sep)) or path.is_dir()
    if folder_meant:
        if not path.is_dir():
            return SaveTarget(None, _("There is no folder {path}.").format(path=isolate(path)))
        target, into = default_bundle_path(path, today), True
    else:
        target = path if path.suffix == SUFFIX else path.with_name(path.name + SUFFIX)
        into = False
    if not target.parent.is_dir():
        return SaveTarget(None, _("There is no folder {path}.").format(path=isolate(target.parent)))
    if target.exists():
        return SaveTarget(
            None,
            _(
                "{name} is already there, and a bundle never replaces a file: type another name."
            ).format(name=isolate(target.name)),
        )
    if not os.access(target.parent, os.W_OK):
        return SaveTarget(
            None,
            _("This account may not write to the folder {path}.").format(
                path=isolate(target.parent)
            ),
        )
    return SaveTarget(target, into_folder=into)


class SaveToBox(QGroupBox):
    """The "Save to" box: the path, Choose…, and one line saying what will happen."""

    changed = Signal()  # the typed path changed: ask ``target()`` again

    def __init__(self, folder: Path, parent: QWidget | None = None) -> None:
        super().__init__(_("Save to"), parent)
        self.output = QLineEdit()
        self.output.setAccessibleName(_("Bundle file"))
        self.output.setText(str(default_bundle_path(folder, dt.date.today())))
        self.choose_button = QPushButton(_("Choose…"))
        self.choose_button.setAccessibleName(_("Choose the bundle file"))
        self.note = QLabel()
        self.note.setObjectName("saveToNote")
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.note.setWordWrap(True)
        self.note.setAccessibleName(_("Where the bundle will be saved"))
        # Two lines kept for it whether it says something or not: a message
        # appearing as someone types must not push the buttons away.
        self.note.setFixedHeight(2 * self.note.fontMetrics().lineSpacing() + 2)
        self.note.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.note.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeading)
        row = QHBoxLayout()
        row.addWidget(self.output, 1)
        row.addWidget(self.choose_button)
        column = QVBoxLayout(self)
        column.addLayout(row)
        column.addWidget(self.note)
        self.output.textChanged.connect(self._typed)
        self.choose_button.clicked.connect(self.choose)
        self._typed()

    def target(self) -> SaveTarget:
        return save_target(self.output.text(), dt.date.today())

    def set_path(self, path: Path) -> None:
        self.output.setText(str(path))

    def _typed(self) -> None:
        target = self.target()
        if target.path is None:
            self.note.setText(target.problem)
        elif target.into_folder:
            self.note.setText(
                _("A folder: the bundle will be a new file in it, {name}.").format(
                    name=isolate(target.path.name)
                )
            )
        else:
            self.note.clear()
        self.changed.emit()

    def choose(self) -> None:
        current = self.target().path or Path(self.output.text().strip() or Path.home())
        name = save_file(self, _("Save the bundle as"), str(current), _("Bundles (*.intake)"))
        if name:
            self.output.setText(name)
