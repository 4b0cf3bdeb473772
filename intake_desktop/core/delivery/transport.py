"""What every transport (SFTP, S3) offers the outbox, and how it fails.

A transport moves whole files to and from one destination. Remote names are
relative to the destination's folder or prefix and chosen by the caller
(``<device fingerprint>/<sequence>-<bundle id>.intake``): the same name is
the same bundle, so a retry never makes a second copy. An upload is
resumable and ends only when the server holds the whole file under its
final name, checked by size; until then the final name does not exist on
the server.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from ..errors import IntakeError

Progress = Callable[[int, int], None]  # bytes done, bytes in all
Cancelled = Callable[[], bool]


class NotDelivered(IntakeError):
    """The server could not be reached or refused for now: the outbox tries again.

    Exit 14, shared with the local disk refusing: in both, nothing is lost,
    and the same command later does what this one could not.
    """

    exit_code = 14


class DestinationRefused(IntakeError):
    """Retrying will not help until a person acts: a wrong host key, wrong credentials,
    no permission, a remote file that is not ours. Exit 8, like a rejected bundle."""

    exit_code = 8


@dataclass(frozen=True)
class Uploaded:
    size: int  # bytes the server holds under the final name (checked)
    resent: int  # bytes sent again because an earlier try had sent them already
    already_there: bool  # the final name held the whole file before this call
    resumed_from: int = 0  # bytes an earlier try had delivered that were not sent again


@dataclass(frozen=True)
class RemoteFile:
    name: str  # relative to the destination's folder or prefix
    size: int


class Transport(Protocol):
    def upload(
        self,
        local: Path,
        remote_name: str,
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
    ) -> Uploaded:
        """Send ``local`` as ``remote_name``, resuming an earlier partial upload."""
        ...

    def list(self, prefix: str = "") -> list[RemoteFile]:
        """Finished files under ``prefix`` (never partial uploads)."""
        ...

    def download(
        self,
        remote_name: str,
        local: Path,
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
    ) -> int:
        """Fetch ``remote_name`` into ``local`` (0600), resuming a partial ``local``; its size."""
        ...

    def close(self) -> None: ...
