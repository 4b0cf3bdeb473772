"""A real OpenSSH server for the delivery dialogs' tests (tests/ui/test_destinations_*.py,
test_inbox_fetch*.py), as tests/delivery/conftest.py starts it for the core's."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import intake_desktop.core.delivery.destinations  # noqa: F401  (exit handlers, see test_destination_cli)
from tests.delivery.sshd import SshServer, running


@pytest.fixture
def sshd(tmp_path: Path) -> Iterator[SshServer]:
    yield from running(tmp_path)


def allow(sshd: SshServer, public_line: str) -> None:
    """What counsel's administrator does with the public line: let it log in."""
    keys = sshd.base / "authorized_keys"
    keys.write_text(keys.read_text() + public_line + "\n")
