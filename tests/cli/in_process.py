"""The command line in this process: ``python -m intake_desktop ARGS`` without a new Python.

``run_in_process`` calls the entry point, ``intake_desktop.cli.main``, with
what a fresh process would have (environment, stdin, argv, folder, language,
logging, warning filters) and puts the test process back afterwards. See
docs/testing.md for what it rebuilds and the one thing it leaves out
(``harden_process``).
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import io
import logging
import os
import subprocess
import sys
import tempfile
import threading
import traceback
import warnings
from collections.abc import Iterator, Mapping
from typing import IO, Any

from intake_desktop import cli
from intake_desktop.core import hardening, i18n
from tests.helpers import REPO

MAIN = REPO / "intake_desktop" / "__main__.py"  # sys.argv[0] under ``python -m intake_desktop``
# Python's own warning filters in a fresh process (no -W, no PYTHONWARNINGS).
FRESH_WARNING_FILTERS = (
    ("default", DeprecationWarning, "__main__"),
    ("ignore", DeprecationWarning, None),
    ("ignore", PendingDeprecationWarning, None),
    ("ignore", ImportWarning, None),
    ("ignore", ResourceWarning, None),
)
_PR_GET_DUMPABLE = 3


def _hardening_state() -> tuple[object, int]:
    """The core-dump limit and the "dumpable" flag: what ``harden_process`` changes for good."""
    try:
        import resource

        limit: object = resource.getrlimit(resource.RLIMIT_CORE)
    except ImportError:
        limit = None
    dumpable = -1
    if sys.platform.startswith("linux"):
        dumpable = ctypes.CDLL(None).prctl(_PR_GET_DUMPABLE, 0, 0, 0, 0)
    return limit, dumpable


def _not_hardened() -> None:
    """Stands in for ``harden_process`` in this process.

    The hard core-dump limit cannot be raised again, and every later test
    in this worker (and each process it starts) would inherit it: the
    hardening tests would pass without the code they check.
    tests/security/test_no_plaintext.py checks it in real processes.
    """


@contextlib.contextmanager
def _swapped(owner: object, name: str, value: object) -> Iterator[None]:
    old = getattr(owner, name)
    setattr(owner, name, value)
    try:
        yield
    finally:
        setattr(owner, name, old)


@contextlib.contextmanager
def _fresh_logging() -> Iterator[None]:
    """The root logger as a new process has it; pytest's handlers and any filter come back after.

    ``main`` calls ``logging.basicConfig`` (which only acts on a root logger
    without handlers) and installs the redacting filter and record factory.
    """
    root = logging.getLogger()
    handlers, level, filters = root.handlers[:], root.level, root.filters[:]
    factory = logging.getLogRecordFactory()
    root.handlers[:] = []
    root.filters[:] = []
    root.setLevel(logging.WARNING)
    try:
        yield
    finally:
        for handler in root.handlers:
            handler.close()
        root.handlers[:] = handlers
        root.filters[:] = filters
        root.setLevel(level)
        logging.setLogRecordFactory(factory)


@contextlib.contextmanager
def _fresh_warnings() -> Iterator[None]:
    """Warnings go to the command's stderr under a new process's filters, as they would there."""

    def show(message: Any, category: Any, filename: str, lineno: int, *_: Any) -> None:
        sys.stderr.write(warnings.formatwarning(message, category, filename, lineno))

    with warnings.catch_warnings():
        warnings.resetwarnings()
        for action, category, module in reversed(FRESH_WARNING_FILTERS):
            if module is None:
                warnings.filterwarnings(action, category=category)
            else:
                warnings.filterwarnings(action, category=category, module=module)
        warnings.showwarning = show
        yield


@contextlib.contextmanager
def _file_descriptors(out: IO[bytes], err: IO[bytes]) -> Iterator[None]:
    """Descriptors 1 and 2 into ``out`` and ``err``: what C code (SQLCipher) writes there.

    Also makes stdout no terminal, as a pipe is, so help text wraps at the
    width a script gets.
    """
    saved = os.dup(1), os.dup(2)
    os.dup2(out.fileno(), 1)
    os.dup2(err.fileno(), 2)
    try:
        yield
    finally:
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        os.close(saved[0])
        os.close(saved[1])


@contextlib.contextmanager
def _fresh_process(env: Mapping[str, str], args: list[str]) -> Iterator[None]:
    """Environment, folder, umask, argv, temp folder, language and hooks of a new process."""
    environ, cwd, umask = dict(os.environ), os.getcwd(), os.umask(0o077)
    os.umask(umask)
    argv, tempdir = sys.argv, tempfile.tempdir
    language = i18n._active, i18n._active_code
    hooks = sys.excepthook, threading.excepthook
    os.environ.clear()
    os.environ.update(env)
    os.chdir(REPO)
    sys.argv = [str(MAIN), *args]
    tempfile.tempdir = None  # gettempdir() reads $TMPDIR again
    i18n.set_translations(i18n.translations_for(i18n.ENGLISH))
    i18n._active_code = i18n.ENGLISH
    sys.excepthook, threading.excepthook = sys.__excepthook__, threading.__excepthook__
    try:
        yield
    finally:
        sys.excepthook, threading.excepthook = hooks
        i18n._active, i18n._active_code = language
        tempfile.tempdir = tempdir
        sys.argv = argv
        os.umask(umask)
        os.chdir(cwd)
        os.environ.clear()
        os.environ.update(environ)


def _atexit_callbacks() -> int:
    return int(atexit._ncallbacks())  # type: ignore[attr-defined]


def _exit_code(code: object, stderr: IO[str]) -> int:
    """``sys.exit(code)``'s status, as the process's parent would see it."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=stderr)
    return 1


def run_in_process(
    *args: str, env: Mapping[str, str], input: bytes | None = None
) -> subprocess.CompletedProcess[bytes]:
    """``python -m intake_desktop ARGS`` with ``env`` and ``input`` on stdin, in this process.

    The command reads passphrases, the vault and the language from
    ``os.environ`` (replaced by ``env`` for the call), documents and answers
    from ``sys.stdin`` (``input``, no terminal), and writes to ``sys.stdout``
    and ``sys.stderr`` (captured, with descriptors 1 and 2). Its exit code is
    ``main``'s return value or ``SystemExit``'s; an exception escaping
    ``main`` prints its traceback and gives 1, as Python does. Afterwards,
    what it set for the whole process (environment, folder, umask, language,
    logging, temp folder, hooks) is as before, and threads it started have
    ended, as they would before a process exits.
    """
    out, err = io.BytesIO(), io.BytesIO()
    stdin = io.TextIOWrapper(io.BytesIO(input or b""), encoding="utf-8", newline=None)
    stdout = io.TextIOWrapper(out, encoding="utf-8", newline="\n", write_through=True)
    stderr = io.TextIOWrapper(
        err, encoding="utf-8", errors="backslashreplace", newline="\n", write_through=True
    )
    hardened = _hardening_state()
    threads = set(threading.enumerate())
    callbacks = _atexit_callbacks()
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    with (
        tempfile.TemporaryFile() as fd_out,
        tempfile.TemporaryFile() as fd_err,
        _fresh_process(env, list(args)),
        _fresh_logging(),
        _swapped(cli, "harden_process", _not_hardened),
        _swapped(hardening, "harden_process", _not_hardened),
        _swapped(sys, "stdin", stdin),
        _swapped(sys, "stdout", stdout),
        _swapped(sys, "stderr", stderr),
        _file_descriptors(fd_out, fd_err),
        _fresh_warnings(),
    ):
        try:
            code = _exit_code(cli.main(list(args)), stderr)
        except SystemExit as exc:
            code = _exit_code(exc.code, stderr)
        except Exception:  # not BaseException: a test's timeout or Ctrl+C must get through
            traceback.print_exc(file=stderr)
            code = 1
        finally:
            for thread in set(threading.enumerate()) - threads:
                if not thread.daemon:
                    thread.join(60)
        stdout.flush()
        stderr.flush()
        fd_out.seek(0)
        fd_err.seek(0)
        written = out.getvalue() + fd_out.read(), err.getvalue() + fd_err.read()
    assert _hardening_state() == hardened, "the command hardened the test process itself"
    assert _atexit_callbacks() == callbacks, "an exit handler only a real process would run"
    return subprocess.CompletedProcess(["intake-desktop", *args], code, *written)
