"""The parent's side of the crypto worker: start it, talk to it, read its verdict."""

from __future__ import annotations

import contextlib
import json
import subprocess
from typing import IO

from ..errors import BundleRejected, IntakeError
from ..i18n import N_
from .worker import clean_environment, command

PIPE_BYTES = 1 << 20
_F_SETPIPE_SZ = 1031  # Linux; elsewhere the default pipe size stays


def _widen(pipe: IO[bytes] | None) -> None:
    """A 1 MiB pipe lets the producer hand over a whole chunk and go on working
    while the other process consumes it: the two overlap instead of taking turns."""
    try:
        import fcntl
    except ImportError:  # not on Windows
        return
    if pipe is not None:
        with contextlib.suppress(OSError):
            fcntl.fcntl(pipe.fileno(), _F_SETPIPE_SZ, PIPE_BYTES)


class WorkerChannel:
    def __init__(self, args: list[str]) -> None:
        self.proc = subprocess.Popen(
            [*command(), *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=clean_environment(),
        )
        for pipe in (self.proc.stdin, self.proc.stdout):
            _widen(pipe)

    @property
    def stdin(self) -> IO[bytes]:
        assert self.proc.stdin is not None
        return self.proc.stdin

    @property
    def stdout(self) -> IO[bytes]:
        assert self.proc.stdout is not None
        return self.proc.stdout

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
        assert self.proc.stderr is not None
        text = self.proc.stderr.read(65536).decode("utf-8", "replace").strip().splitlines()
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
        for pipe in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            with contextlib.suppress(Exception):
                if pipe is not None:
                    pipe.close()
