"""Helpers for the Outbox screen's tests (tests/ui/test_outbox_*.py) and its screenshots.

``fill_outbox`` gives a vault entries in every state a caseworker meets:
sent, waiting after a failed try (a real send to a port nobody listens on),
refused (the host key did not match: recorded as core records it) and paused.
"""

from __future__ import annotations

import json
import socket
from datetime import timedelta

import pyrage

import intake_desktop.core.delivery.destinations  # noqa: F401  (exit handlers, see test_destination_cli)
from intake_desktop.core.cases import CaseStore
from intake_desktop.core.clock import stamp
from intake_desktop.core.delivery.destinations import DestinationStore
from intake_desktop.core.delivery.outbox import Outbox
from intake_desktop.core.delivery.sftp import generate_ssh_key
from intake_desktop.core.trust import TrustStore
from intake_desktop.core.vault import Vault
from tests.bundle_forge import recipient_ref
from tests.delivery.sshd import SshServer
from tests.helpers import MINIMAL_CASE

COUNSEL = "Counsel (Smith & Rahimi LLP)"
TIMEOUT_MS = 120_000


def prepare(vault: Vault, sshd: SshServer | None = None, name: str = "counsel") -> str:
    """A case, a trusted recipient for counsel, and an SFTP destination; the case's id."""
    case_id = CaseStore(vault).add_case(MINIMAL_CASE)
    TrustStore(vault).add_recipient(COUNSEL, str(pyrage.x25519.Identity.generate().to_public()))
    if sshd is not None:
        sshd.add_to(vault, name)
    return case_id


def recipients() -> list:
    return [recipient_ref("Counsel", str(pyrage.x25519.Identity.generate().to_public()))]


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fill_outbox(vault: Vault) -> None:
    """Four entries: sent, waiting after a failed try, refused, paused."""
    CaseStore(vault).add_case(MINIMAL_CASE)
    key, _public = generate_ssh_key()
    DestinationStore(vault).add_sftp(
        "counsel-sftp",
        f"sftp://intake@127.0.0.1:{closed_port()}/incoming",
        "SHA256:" + "q" * 43,
        ssh_key=key,
    )
    box = Outbox(vault)
    sent, _ = box.export("counsel-sftp", recipients(), None)
    refused, _ = box.export("counsel-sftp", recipients(), None)
    waiting, _ = box.export("counsel-sftp", recipients(), None)
    paused, _ = box.export("counsel-sftp", recipients(), None)
    box.send([waiting.id])  # nobody listens there: a real failure, tried again later
    box.pause(paused.id)
    error = {
        "template": (
            "The server's host key does not match: expected {expected}, "
            "the server presented {presented}. Nothing was sent."
        ),
        "params": {"expected": "SHA256:" + "q" * 43, "presented": "SHA256:" + "Z" * 43},
    }
    with vault.transaction() as conn:
        conn.execute(
            "UPDATE outbox SET state = 'sent', sent_bytes = size, sent_at = ? WHERE id = ?",
            (vault.now(), sent.id),
        )
        conn.execute(
            "UPDATE outbox SET refused = 1, attempts = 1, error = ?, next_try = ? WHERE id = ?",
            (json.dumps(error), stamp(vault.clock() + timedelta(hours=1)), refused.id),
        )
