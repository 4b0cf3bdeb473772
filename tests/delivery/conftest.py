"""Real servers for the delivery tests (OpenSSH here; see sshd.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from intake_desktop.core.delivery.sftp import SftpTransport
from tests.delivery.seaweed import s3_bucket, seaweed  # noqa: F401
from tests.delivery.sshd import SshServer, running


@pytest.fixture
def sshd(tmp_path: Path) -> Iterator[SshServer]:
    yield from running(tmp_path)


@pytest.fixture
def sftp(sshd: SshServer) -> Iterator[SftpTransport]:
    transport = SftpTransport(
        "127.0.0.1",
        sshd.port,
        sshd.user,
        str(sshd.folder),
        sshd.fingerprint,
        private_key=sshd.private_key,
    )
    yield transport
    transport.close()
