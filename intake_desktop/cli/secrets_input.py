"""Where the command line gets passphrases and recovery codes.

The restic/borg convention: ``--passphrase-file`` (first line), else an
environment variable, else a prompt without echo on a terminal. A script
with none of these gets a clear error instead of a hang on stdin.

A passphrase file is read as an editor saves it: Notepad's UTF-8 byte order
mark and Windows line ends are not part of the passphrase.
"""

from __future__ import annotations

import getpass
import os
import sys

from ..core.errors import InvalidInput
from ..core.i18n import N_, _
from .text import read_small_text

PASSPHRASE_ENV = "INTAKE_PASSPHRASE"  # noqa: S105 - a variable name, not a secret
NEW_PASSPHRASE_ENV = "INTAKE_NEW_PASSPHRASE"  # noqa: S105
RECOVERY_ENV = "INTAKE_RECOVERY_CODE"
MAX_SECRET_FILE = 4096
BOM = "\ufeff"
PASSPHRASE_OPTION = "--passphrase-file"  # noqa: S105 - an option name, not a secret
NEW_PASSPHRASE_OPTION = "--new-passphrase-file"  # noqa: S105


def interactive() -> bool:
    return sys.stdin.isatty()


def _from_file(path: str) -> str:
    text = read_small_text(
        path,
        MAX_SECRET_FILE,
        unreadable=N_("The passphrase file {path} cannot be read."),
        too_large=N_("The passphrase file {path} is too large."),
        not_utf8=N_("The passphrase file {path} is not UTF-8 text."),
    )
    # One leading BOM only: a second one would be a character someone typed.
    return text.removeprefix(BOM).split("\n", 1)[0].removesuffix("\r")


def _prompt(label: str) -> str:
    return getpass.getpass(label)


def _missing(env: str, option: str) -> InvalidInput:
    return InvalidInput(
        N_("No passphrase given: set {env}, use {option}, or run in a terminal."),
        env=env,
        option=option,
    )


def existing_passphrase(file: str | None) -> str:
    if file:
        return _from_file(file)
    if PASSPHRASE_ENV in os.environ:
        return os.environ[PASSPHRASE_ENV]
    if interactive():
        return _prompt(_("Passphrase:") + " ")
    raise _missing(PASSPHRASE_ENV, PASSPHRASE_OPTION)


def new_passphrase(file: str | None, env: str, option: str = NEW_PASSPHRASE_OPTION) -> str:
    """A passphrase being set: from a file (``option``) or ``env``, else typed twice."""
    if file:
        return _from_file(file)
    if env in os.environ:
        return os.environ[env]
    if not interactive():
        raise _missing(env, option)
    while True:
        first = _prompt(_("New passphrase:") + " ")
        if first == _prompt(_("Repeat the new passphrase:") + " "):
            return first
        print(_("The two passphrases differ; try again."), file=sys.stderr)


def recovery_code() -> str:
    if RECOVERY_ENV in os.environ:
        return os.environ[RECOVERY_ENV]
    if interactive():
        return _prompt(_("Recovery code:") + " ")
    raise InvalidInput(
        N_("No recovery code given: set {env} or run in a terminal."), env=RECOVERY_ENV
    )
