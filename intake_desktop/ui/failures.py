"""Unexpected errors: logged by kind, shown as one plain sentence, never only on stderr.

A bug must not pass silently (a dialog that closes and drops what was
typed), and must not leak what it was working on: an exception's message
may quote a name or a title. So an unexpected error is logged through the
redacting logger (frames kept, message withheld) and the person sees its
kind only, with what is still true: what was saved stays saved.

``install()`` puts ``report`` under every Python error Qt would otherwise
print (slots, event handlers) and under threads; jobs call ``log_unexpected``
for errors in their work, then say so in their own dialog.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable
from types import TracebackType

from ..core.i18n import _
from .qt import QApplication, QMessageBox, QTimer, QWidget

log = logging.getLogger(__name__)

Shower = Callable[[str], None]
_shower: Shower | None = None
_showing = False


def log_unexpected(exc: BaseException, where: str) -> None:
    # where: a constant naming the place (a job's kind), never data
    log.error("unexpected %s in %s", type(exc).__name__, where, exc_info=exc)


def message_for(kind: str) -> str:
    return _(
        "Something went wrong ({kind}), and the last action did not finish."
        " What was saved before it stays saved."
    ).format(kind=kind)


def report(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
    """``sys.excepthook``: log it, then say so in the app (on the GUI thread)."""
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, value, tb)
        return
    log.error("unexpected %s", kind.__name__, exc_info=(kind, value, tb))
    text = message_for(kind.__name__)
    app = QApplication.instance()
    if app is None:
        return
    # Queued: the hook may run inside a slot, or on another thread.
    QTimer.singleShot(0, app, lambda: _show(text))


def _thread_hook(args: threading.ExceptHookArgs) -> None:
    if args.exc_value is not None:
        report(args.exc_type, args.exc_value, args.exc_traceback)


def _show(text: str) -> None:
    global _showing
    if _showing:  # one message at a time: a failing paint event must not stack dialogs
        return
    _showing = True
    try:
        if _shower is not None:
            _shower(text)
        else:
            box = QMessageBox(QMessageBox.Icon.Warning, _("Something went wrong"), text)
            box.setTextFormat(box.textFormat().PlainText)
            parent = QApplication.activeWindow()
            if isinstance(parent, QWidget):
                box.setParent(parent, box.windowFlags())
            box.exec()
    finally:
        _showing = False


def install(shower: Shower | None = None) -> None:
    """Route unexpected errors here; ``shower`` replaces the message box (tests)."""
    global _shower
    _shower = shower
    sys.excepthook = report
    threading.excepthook = _thread_hook
