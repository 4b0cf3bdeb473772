"""A real OpenSSH server for the delivery dialogs' tests (tests/ui/test_destinations_*.py,
test_inbox_fetch*.py), as tests/delivery/conftest.py starts it for the core's."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import intake_desktop.core.delivery.destinations  # noqa: F401  (exit handlers, see test_destination_cli)
from intake_desktop.core.vault import Vault
from tests.delivery.sshd import SshServer, sshd_missing


@pytest.fixture
def sshd(tmp_path: Path) -> Iterator[SshServer]:
    reason = sshd_missing()
    if reason:
        pytest.skip(reason)
    server = SshServer(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def sftp_url(sshd: SshServer) -> str:
    return f"sftp://{sshd.user}@127.0.0.1:{sshd.port}{sshd.folder}"


def allow(sshd: SshServer, public_line: str) -> None:
    """What counsel's administrator does with the public line: let it log in."""
    keys = sshd.base / "authorized_keys"
    keys.write_text(keys.read_text() + public_line + "\n")


def add_sftp(vault: Vault, sshd: SshServer, name: str = "counsel", host_key: str = "") -> None:
    from intake_desktop.core.delivery.destinations import DestinationStore

    DestinationStore(vault).add_sftp(
        name, sftp_url(sshd), host_key or sshd.fingerprint, ssh_key=sshd.private_key
    )
