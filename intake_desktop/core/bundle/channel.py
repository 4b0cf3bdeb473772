"""The parent's side of the crypto worker: start it, talk to it, read its verdict.

The worker's command line names only the action: the file and the
recipients go over its stdin (see worker.py), because any account on the
machine can read a process's command line.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from ..errors import BundleRejected, IntakeError, InvalidInput
from ..i18n import N_
from .worker import NOFOLLOW, clean_environment, command

PIPE_BYTES = 1 << 20
_F_SETPIPE_SZ = 1031  # Linux; elsewhere the default pipe size stays


def _pipes(proc: subprocess.Popen[bytes]) -> tuple[IO[bytes], IO[bytes], IO[bytes]]:
    """The worker's stdin, stdout and stderr (all three are pipes)."""
    if proc.stdin is None or proc.stdout is None or proc.stderr is None:
        proc.kill()
        raise RuntimeError("the bundle worker was started without its pipes")
    return proc.stdin, proc.stdout, proc.stderr


def _widen(pipe: IO[bytes]) -> None:
    """A 1 MiB pipe lets the producer hand over a whole chunk and go on working
    while the other process consumes it: the two overlap instead of taking turns."""
    try:
        import fcntl
    except ImportError:  # not on Windows
        return
    with contextlib.suppress(OSError):
        fcntl.fcntl(pipe.fileno(), _F_SETPIPE_SZ, PIPE_BYTES)


# A child inherits a descriptor by number on POSIX only (subprocess's pass_fds).
INHERIT_FILE = os.name == "posix"


class WorkerChannel:
    """One worker process: ``WorkerChannel.encrypt(...)`` or ``WorkerChannel.decrypt(...)``."""

    @classmethod
    def encrypt(cls, out: Path, recipients: Sequence[str]) -> WorkerChannel:
        """Encrypt what is written to ``stdin`` into ``out``, a 0600 file made with O_EXCL."""
        header: dict[str, Any] = {"recipients": list(recipients)}
        return cls("encrypt", out, os.O_RDWR | NOFOLLOW, header)

    @classmethod
    def decrypt(cls, bundle: Path) -> WorkerChannel:
        """Decrypt ``bundle`` to ``stdout``, once the identity's line is written to ``stdin``."""
        return cls("decrypt", bundle, os.O_RDONLY, {})

    def __init__(self, action: str, file: Path, flags: int, header: dict[str, Any]) -> None:
        fd = -1
        if INHERIT_FILE:
            try:
                # Opened here and handed down: the worker never opens a path by
                # name, and for export never follows a link put in place of the
                # temporary file.
                fd = os.open(file, flags)
            except OSError:
                if action == "encrypt":
                    raise InvalidInput(
                        N_("The bundle's temporary file could not be opened; nothing was written.")
                    ) from None
                raise InvalidInput(N_("The file {path} cannot be read."), path=str(file)) from None
            header = {**header, "fd": fd}
        else:
            header = {**header, "path": str(file)}
        try:
            self.proc = subprocess.Popen(
                [*command(), action],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=clean_environment(),
                pass_fds=(fd,) if fd >= 0 else (),
            )
        finally:
            if fd >= 0:
                os.close(fd)  # the worker holds its own copy now
        self.stdin, self.stdout, self._stderr = _pipes(self.proc)
        for pipe in (self.stdin, self.stdout):
            _widen(pipe)
        # A worker that died at once says why when the caller next reads or waits.
        with contextlib.suppress(BrokenPipeError, OSError):
            self.stdin.write(json.dumps(header).encode("utf-8") + b"\n")
            self.stdin.flush()

    def finish(self, timeout: float | None = None) -> bytes:
        """Wait for a clean exit and return what it printed; raise its error otherwise."""
        with contextlib.suppress(BrokenPipeError, OSError):
            self.stdin.close()
        out = self.stdout.read()
        self.proc.wait(timeout)
        error = self.error()
        if error is not None:
            raise error
        return out

    def error(self) -> IntakeError | None:
        """The worker's failure, once it has exited (None while running or on success)."""
        if self.proc.poll() is None or self.proc.returncode == 0:
            return None
        text = self._stderr.read(65536).decode("utf-8", "replace").strip().splitlines()
        try:
            report = json.loads(text[-1]) if text else {}
            template, params = str(report["error"]), dict(report.get("params") or {})
        except (ValueError, KeyError, TypeError):
            template, params = "", {}
        if template and template != "worker failure":
            return BundleRejected(template, **params)
        return IntakeError(
            N_("The bundle worker failed ({kind})."),
            kind=params.get("kind", f"exit {self.proc.returncode}"),
        )

    def kill(self) -> None:
        with contextlib.suppress(OSError):
            self.proc.kill()
        with contextlib.suppress(Exception):
            self.proc.wait(10)
        for pipe in (self.stdin, self.stdout, self._stderr):
            with contextlib.suppress(Exception):
                pipe.close()
