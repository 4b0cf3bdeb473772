"""Destinations (where bundles go) and fetching bundles from one, as the app sees them.

Credentials pass through here into the vault and never come back out:
the screens get ``Destination`` objects, which hold none. Anything that
talks to a server (testing a destination, asking a server for its host
key, fetching bundles) runs as a ``Job``; the rest is one quick row.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from ...core import permissions
from ...core.delivery import inbox
from ...core.delivery.destinations import (
    HOST_KEY,
    MAX_SECRET_CHARS,
    S3,
    SFTP,
    Destination,
    DestinationStore,
)
from ...core.delivery.inbox import REFUSED, Fetched
from ...core.delivery.sftp import presented_host_key
from ...core.files import read_small_text
from ...core.i18n import N_
from ...core.vault import Vault
from ..jobs.job import Cancelled, Job, Jobs, Progress

__all__ = [
    "REFUSED",
    "S3",
    "SFTP",
    "DeliveryService",
    "Destination",
    "FetchNews",
    "Fetched",
    "TestResult",
    "normal_host_key",
    "sftp_url",
]

SERVER_KEY_TIMEOUT_S = 20.0


def normal_host_key(text: str) -> str | None:
    """A typed or pasted fingerprint as ``SHA256:…`` (spaces and line breaks dropped;
    a missing ``SHA256:`` added), or None when it is not one."""
    joined = "".join(text.split())
    if joined and not joined.startswith("SHA256:"):
        joined = "SHA256:" + joined
    return joined if HOST_KEY.fullmatch(joined) else None


def sftp_url(user: str, host: str, port: int, folder: str) -> str:
    """``sftp://USER@HOST:PORT/FOLDER`` from the Add dialog's fields, each quoted as a URL
    needs it (core parses and checks the result)."""
    host = host.strip()
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"  # an IPv6 address
    return "sftp://{user}@{host}:{port}{folder}".format(
        user=quote(user.strip(), safe=""),
        host=host,
        port=port,
        folder=quote(folder.strip(), safe="/"),
    )


@dataclass(frozen=True)
class TestResult:
    name: str
    files: int


@dataclass
class FetchNews:
    """Which bundle a fetch is on, written by its job, read when its progress arrives."""

    number: int = 0
    total: int = 0
    name: str = ""

    def __post_init__(self) -> None:
        self._lock = threading.Lock()

    def starting(self, name: str, number: int, total: int) -> None:
        with self._lock:
            self.name, self.number, self.total = name, number, total

    def now(self) -> tuple[str, int, int]:
        with self._lock:
            return self.name, self.number, self.total


class DeliveryService:
    def __init__(self, vault: Vault, jobs: Jobs) -> None:
        self.vault = vault
        self.jobs = jobs
        self.destinations = DestinationStore(vault)

    # Who may change destinations (core refuses the others anyway)

    @property
    def may_manage(self) -> bool:
        """Add and remove destinations: the roles that manage the trust store."""
        user = self.vault.user
        return permissions.may(user, permissions.ADD_TRUST) and permissions.may(
            user, permissions.REMOVE_TRUST
        )

    # The list

    def list(self) -> list[Destination]:
        return self.destinations.list()

    def get(self, name: str) -> Destination:
        return self.destinations.get(name)

    def add_sftp(
        self,
        name: str,
        url: str,
        host_key: str,
        *,
        ssh_key: str | None = None,
        password: str | None = None,
    ) -> Destination:
        return self.destinations.add_sftp(name, url, host_key, ssh_key=ssh_key, password=password)

    def add_s3(self, name: str, url: str, endpoint: str, key_id: str, secret: str) -> Destination:
        return self.destinations.add_s3(name, url, endpoint, key_id, secret)

    def remove(self, name: str) -> Destination:
        return self.destinations.remove(name)

    @staticmethod
    def read_key_file(path: Path) -> str:
        """A private SSH key file's text, read once to be stored in the vault (never kept here)."""
        return read_small_text(
            path,
            MAX_SECRET_CHARS,
            unreadable=N_("The key file {path} cannot be read; nothing was stored."),
            too_large=N_("The key file {path} is too large for an SSH key; nothing was stored."),
            not_utf8=N_("The key file {path} is not an SSH key (not text); nothing was stored."),
        )

    # Jobs: anything that talks to a server

    def test(self, name: str) -> Job:
        """Connect, check the host key and credentials, list; result: a ``TestResult``."""

        def work(vault: Vault, _progress: Progress, _cancelled: Cancelled) -> TestResult:
            transport = DestinationStore(vault).transport(name)
            try:
                files = transport.list("")
            finally:
                transport.close()
            return TestResult(name, len(files))

        return Job(
            self.jobs,
            "destination-test",
            work,
            connect=self.vault.clone,
            unexpected=N_("The test stopped unexpectedly ({kind}); nothing was changed."),
        )

    def server_key(self, host: str, port: int) -> Job:
        """The fingerprint an SSH server presents (no login, nothing stored); result: a str."""
        host = host.strip()

        def work(_none: None, _progress: Progress, _cancelled: Cancelled) -> str:
            return presented_host_key(host, port, SERVER_KEY_TIMEOUT_S)

        return Job(
            self.jobs,
            "server-key",
            work,
            unexpected=N_("Asking the server for its key stopped unexpectedly ({kind})."),
        )

    def fetch(self, name: str, news: FetchNews) -> Job:
        """Download and import every bundle waiting at ``name``; result: ``list[Fetched]``."""

        def work(vault: Vault, progress: Progress, cancelled: Cancelled) -> list[Fetched]:
            return inbox.fetch(vault, name, progress, cancelled, news.starting)

        return Job(
            self.jobs,
            "inbox-fetch",
            work,
            connect=self.vault.clone,
            unexpected=N_(
                "Fetching stopped unexpectedly ({kind}); bundles imported before it stay imported."
            ),
        )
