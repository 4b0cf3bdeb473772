"""One writer at a time for ``keyslots.json``: an exclusive lock on the vault folder.

The desktop app and the command line may hold the same vault open at once.
Each key-slot change (a passphrase, the recovery code, a user added or
removed) takes this lock, re-reads the header from disk inside it, applies
its one change and writes the result atomically, so no program ever writes
back an old copy of the slots it read at unlock.

The lock is an OS file lock (``flock`` on Linux and macOS, ``msvcrt.locking``
on Windows) on ``.keyslots.lock`` in the vault folder: an empty 0600 file,
created when first needed and never deleted (deleting a lock file another
program is waiting on would let two writers in). The OS drops the lock when
its holder exits or crashes, so a killed program never leaves the vault
locked. Waiting is bounded: after ``timeout`` seconds the change is refused
with VaultBusy and nothing is written.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from .errors import IntakeError, VaultBusy
from .files import PRIVATE_FILE_MODE
from .i18n import N_

LOCK_NAME = ".keyslots.lock"
DEFAULT_TIMEOUT = 10.0
_POLL_SECONDS = 0.05


def try_lock(fd: int) -> bool:
    """Take the lock without waiting; False if another program holds it."""
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)  # msvcrt locks bytes from the current position
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def unlock(fd: int) -> None:
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_UN)


def _open_lock_file(folder: Path) -> int:
    # O_NOFOLLOW: a symlink planted under the lock's name must not redirect the open.
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    try:
        return os.open(folder / LOCK_NAME, flags, PRIVATE_FILE_MODE)
    except OSError:
        raise IntakeError(
            N_("The vault folder could not be written (disk error or read-only); nothing changed.")
        ) from None


@contextlib.contextmanager
def keyslots_lock(folder: Path, timeout: float | None = None) -> Iterator[None]:
    """Hold the vault folder's key-slot lock for the ``with`` block.

    Two holders exclude each other whether they are two programs, or two
    threads or ``Vault`` objects of one program (each opens the file anew).
    ``timeout`` defaults to ``DEFAULT_TIMEOUT``, read at each call.
    """
    wait = DEFAULT_TIMEOUT if timeout is None else timeout
    fd = _open_lock_file(Path(folder))
    try:
        deadline = time.monotonic() + max(0.0, wait)
        while not try_lock(fd):
            if time.monotonic() >= deadline:
                raise VaultBusy(
                    N_(
                        "Another program is changing who can unlock this vault; try again in "
                        "a moment. Nothing was changed."
                    )
                )
            time.sleep(_POLL_SECONDS)
        try:
            yield
        finally:
            with contextlib.suppress(OSError):
                unlock(fd)
    finally:
        os.close(fd)
