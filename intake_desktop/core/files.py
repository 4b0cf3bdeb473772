"""Private files and folders: 0700 folders, 0600 files, atomic replacement.

Everything the app writes goes through here so permissions are set when the
file is created, never fixed up afterwards (a window in which another local
user could open it).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from .errors import InvalidInput
from .i18n import N_

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file, read in 1 MiB pieces (hex)."""
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while chunk := source.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def read_small_text(
    path: str | Path, max_bytes: int, *, unreadable: str, too_large: str, not_utf8: str
) -> str:
    """The UTF-8 text of the file at ``path``, read only up to ``max_bytes``.

    Each failure is InvalidInput with its template (``{path}`` in each).
    """
    try:
        with Path(path).open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError:
        raise InvalidInput(unreadable, path=str(path)) from None
    if len(data) > max_bytes:
        raise InvalidInput(too_large, path=str(path))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidInput(not_utf8, path=str(path)) from None


def require_file(path: Path, shown: str | None = None) -> None:
    """Refuse a missing path, a folder or a device, each saying which it is."""
    shown = str(path) if shown is None else shown
    if path.is_dir():
        raise InvalidInput(N_("{path} is a folder, not a file."), path=shown)
    if path.exists() and not path.is_file():
        raise InvalidInput(N_("{path} is not a regular file."), path=shown)
    if not path.is_file():
        raise InvalidInput(N_("There is no file {path}."), path=shown)


def restrict_umask() -> None:
    """New files and folders are private to this user, whatever the caller forgot."""
    os.umask(0o077)


def make_private_dir(path: Path) -> None:
    path.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
    # mkdir's mode is filtered by the umask and ignored for existing folders.
    os.chmod(path, PRIVATE_DIR_MODE)


def fsync_dir(path: Path) -> None:
    """Make a rename or a new file in ``path`` survive a power cut."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def temp_name(final: Path) -> Path:
    """A hidden name beside ``final``: same filesystem, so the rename is atomic."""
    return final.with_name(f".{final.name}.{secrets.token_hex(6)}.partial")


@contextlib.contextmanager
def private_atomic_writer(final: Path) -> Iterator[BinaryIO]:
    """Write to a 0600 temporary file and rename it onto ``final`` only on success.

    A failure or an exception leaves no file with the final name and removes
    the temporary one, so readers never see a half-written file.
    """
    tmp = temp_name(final)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    try:
        with os.fdopen(fd, "wb") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, final)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    fsync_dir(final.parent)


def write_private_atomic(final: Path, data: bytes) -> None:
    with private_atomic_writer(final) as out:
        out.write(data)


class EarlyWriteback:
    """Flush a growing file to the disk as it grows, from a helper thread.

    A large write (a 1 GiB bundle, an attachment's pages in the WAL) would
    otherwise sit in the page cache until the final fsync, which then waits
    for all of it at once (about 2 s per GiB here). Flushing every
    ``step`` bytes on the side lets the disk work while the CPU encrypts.
    The final fsync, still done by whoever wrote the file, is what makes it
    durable; this only makes it short. Use as a context manager.
    """

    def __init__(self, *paths: Path, step: int = 64 << 20, interval: float = 0.05) -> None:
        import threading

        self._paths = paths
        self._step = step
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="writeback", daemon=True)

    def __enter__(self) -> EarlyWriteback:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        flushed = dict.fromkeys(self._paths, 0)
        fds: dict[Path, int] = {}
        try:
            while not self._stop.wait(self._interval):
                for path in self._paths:
                    try:
                        size = path.stat().st_size
                    except OSError:
                        continue
                    if size < flushed[path]:
                        flushed[path] = 0  # truncated or restarted (a WAL after a checkpoint)
                    if size - flushed[path] < self._step:
                        continue
                    with contextlib.suppress(OSError):
                        if path not in fds:
                            fds[path] = os.open(path, os.O_RDONLY)
                        os.fsync(fds[path])
                        flushed[path] = size
        finally:
            for fd in fds.values():
                os.close(fd)
