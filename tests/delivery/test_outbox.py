"""The outbox against a real OpenSSH server: queue, send, retry, resume, never lose a bundle."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyrage
import pytest

import intake_desktop.core.delivery.destinations  # noqa: F401  (exit handlers, see test_destination_cli)
from intake_desktop.core import identity
from intake_desktop.core.bundle import importer
from intake_desktop.core.cases import CaseStore
from intake_desktop.core.delivery import outbox as outbox_module
from intake_desktop.core.delivery.destinations import DestinationStore
from intake_desktop.core.delivery.entries import (
    FIRST_RETRY,
    LAST_RETRY,
    QUEUED,
    SENT,
    SendBusy,
    retry_delay,
)
from intake_desktop.core.delivery.outbox import Outbox
from intake_desktop.core.errors import Cancelled, NotFound
from intake_desktop.core.fingerprint import signing_key_fingerprint
from intake_desktop.core.vault import Vault
from tests.bundle_forge import add_attachment, recipient_ref
from tests.delivery.sshd import SshServer
from tests.helpers import MINIMAL_CASE, make_vault

COUNSEL = pyrage.x25519.Identity.generate()
TO = [recipient_ref("Counsel", str(COUNSEL.to_public()))]


@pytest.fixture
def field(tmp_path: Path) -> Iterator[Vault]:
    vault, _ = make_vault(tmp_path / "field")
    vault.case_id = CaseStore(vault).add_case(MINIMAL_CASE)  # type: ignore[attr-defined]
    yield vault
    vault.close()


def device(vault: Vault) -> str:
    return signing_key_fingerprint(identity.load(vault.conn).signing_key)


def test_a_queued_bundle_is_sent_whole_under_its_idempotent_name(
    field: Vault, sshd: SshServer
) -> None:
    sshd.add_to(field)
    box = Outbox(field)
    entry, result = box.export("counsel", TO, None)
    assert entry.state == QUEUED and entry.size == result.size
    local = box.path_of(entry)
    assert local.parent.stat().st_mode & 0o777 == 0o700
    assert local.stat().st_mode & 0o777 == 0o600
    assert entry.remote_name == f"{device(field)}/{result.sequence}-{result.bundle_id}.intake"

    (sent,) = box.send()
    assert sent.entry.state == SENT and sent.entry.sent_bytes == entry.size
    assert sent.resumed_from == 0 and sent.entry.last_error is None
    remote = sshd.folder / entry.remote_name
    assert hashlib.sha256(remote.read_bytes()).hexdigest() == entry.sha256
    assert local.exists()  # nothing local is deleted because of a send
    assert box.waiting_count() == 0
    # Sending again changes nothing and makes no copy.
    assert box.send(force=True) == []
    assert sorted(p.name for p in remote.parent.iterdir()) == [remote.name]


def test_a_server_that_is_down_leaves_the_entry_queued_with_a_backoff(
    field: Vault, sshd: SshServer
) -> None:
    sshd.add_to(field)
    box = Outbox(field, rng=lambda: 0.5)
    box.export("counsel", TO, None)
    sshd.stop()
    (failed,) = box.send()
    assert failed.entry.state == QUEUED and failed.entry.attempts == 1
    assert "will be tried again" in (failed.entry.last_error or "")
    due = datetime.strptime(failed.entry.next_try or "", "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert timedelta(seconds=25) <= due - datetime.now(UTC) <= timedelta(seconds=35)
    assert box.send() == []  # not due yet
    sshd.start()
    (sent,) = box.send(force=True)
    assert sent.entry.state == SENT and sent.entry.attempts == 2 and sent.entry.error is None


def test_a_wrong_host_key_is_refused_before_any_byte_and_waits_an_hour(
    field: Vault, sshd: SshServer
) -> None:
    sshd.add_to(field, host_key="SHA256:" + "A" * 43)
    box = Outbox(field)
    box.export("counsel", TO, None)
    (failed,) = box.send()
    assert failed.entry.refused and failed.entry.state == QUEUED
    assert sshd.fingerprint in (failed.entry.last_error or "")
    assert list(sshd.folder.iterdir()) == []
    assert box.seconds_to_next_try() == pytest.approx(LAST_RETRY, abs=5)


def test_paused_entries_are_not_sent_and_removing_deletes_only_the_local_copy(
    field: Vault, sshd: SshServer
) -> None:
    sshd.add_to(field)
    box = Outbox(field)
    first, _ = box.export("counsel", TO, None)
    second, _ = box.export("counsel", TO, None)
    box.pause(first.id)
    (sent,) = box.send()
    assert sent.entry.id == second.id
    assert box.get(first.id).state == QUEUED and box.waiting_count() == 1
    box.pause(first.id, paused=False)
    removed = box.remove(first.id)
    assert not box.path_of(removed).exists()
    with pytest.raises(NotFound):
        box.get(first.id)
    assert CaseStore(field).count() == 1  # the cases stay


def test_a_send_killed_mid_upload_resumes_from_what_the_server_holds(
    field: Vault, sshd: SshServer
) -> None:
    add_attachment(field, field.case_id, os.urandom(3 << 20))  # type: ignore[attr-defined]
    sshd.add_to(field)
    box = Outbox(field)
    entry, _ = box.export("counsel", TO, None)
    half = entry.size // 2

    done = [0]

    def seen(_id: int, sent: int, _total: int) -> None:
        done[0] = sent

    with pytest.raises(Cancelled):
        box.send(progress=seen, cancelled=lambda: done[0] >= half)
    assert box.get(entry.id).state == QUEUED
    (sent,) = box.send()
    assert sent.entry.state == SENT
    assert sent.resumed_from >= half - 256 * 1024 and sent.resent <= 256 * 1024
    remote = sshd.folder / entry.remote_name
    assert hashlib.sha256(remote.read_bytes()).hexdigest() == entry.sha256
    # The bundle arrived whole: counsel's side opens it.
    assert remote.read_bytes() == box.path_of(entry).read_bytes()


def test_one_pass_at_a_time(field: Vault, sshd: SshServer) -> None:
    sshd.add_to(field)
    box = Outbox(field)
    box.export("counsel", TO, None)
    with box._send_lock(), pytest.raises(SendBusy) as info:
        box.send()
    assert info.value.exit_code == 14


def test_an_entry_left_sending_by_a_killed_program_is_queued_again(
    field: Vault, sshd: SshServer
) -> None:
    sshd.add_to(field)
    box = Outbox(field)
    entry, _ = box.export("counsel", TO, None)
    with field.transaction() as conn:
        conn.execute("UPDATE outbox SET state = 'sending' WHERE id = ?", (entry.id,))
    assert box.entries()[0].state == QUEUED
    (sent,) = box.send()
    assert sent.entry.state == SENT


def test_an_unknown_destination_is_refused_before_any_work(field: Vault) -> None:
    box = Outbox(field)
    with pytest.raises(NotFound):
        box.export("nowhere", TO, None)
    assert not field.conn.execute("SELECT 1 FROM bundles_out").fetchone()
    assert not box.folder.exists() or list(box.folder.iterdir()) == []


def test_the_backoff_doubles_from_30_seconds_to_an_hour_with_jitter() -> None:
    assert retry_delay(1, lambda: 0.5) == FIRST_RETRY
    assert retry_delay(2, lambda: 0.5) == 2 * FIRST_RETRY
    assert retry_delay(30, lambda: 0.99) == LAST_RETRY
    assert retry_delay(1, lambda: 0.0) < retry_delay(1, lambda: 0.99)


def test_an_orphan_bundle_file_is_swept_only_when_old(field: Vault, sshd: SshServer) -> None:
    sshd.add_to(field)
    box = Outbox(field)
    entry, _ = box.export("counsel", TO, None)
    fresh, old = box.folder / "fresh.intake", box.folder / "old.intake"
    fresh.write_bytes(b"x")
    old.write_bytes(b"x")
    past = datetime.now(UTC).timestamp() - outbox_module.ORPHAN_AGE - 60
    os.utime(old, (past, past))
    box.send()
    assert fresh.exists() and not old.exists() and box.path_of(entry).exists()


def test_counsel_can_import_what_was_sent(field: Vault, sshd: SshServer, tmp_path: Path) -> None:
    sshd.add_to(field)
    coordinator, _ = make_vault(tmp_path / "coordinator", name="Coordinator")
    try:
        them = identity.load(coordinator.conn)
        to = [recipient_ref("Office", them.age_recipient)]
        entry, _ = Outbox(field).export("counsel", to, None)
        Outbox(field).send()
        result = importer.import_bundle(coordinator, sshd.folder / entry.remote_name)
        assert result.status == importer.QUARANTINED  # delivered whole; trust is counsel's step
    finally:
        coordinator.close()


def test_a_backup_carries_the_bundles_still_waiting_and_sends_them(
    field: Vault, sshd: SshServer, tmp_path: Path
) -> None:
    from intake_desktop.core.backup import backup
    from tests.helpers import PASSPHRASE

    sshd.add_to(field)
    box = Outbox(field)
    box.export("counsel", TO, None)
    box.send()
    waiting, _ = box.export("counsel", TO, None)
    backup(field, tmp_path / "copy")
    assert sorted(p.name for p in (tmp_path / "copy" / "outbox").iterdir()) == [waiting.file]
    restored = Vault.open(tmp_path / "copy", PASSPHRASE)
    try:
        (result,) = Outbox(restored).send()
        assert result.entry.id == waiting.id and result.entry.state == SENT
        assert (sshd.folder / waiting.remote_name).read_bytes() == box.path_of(waiting).read_bytes()
    finally:
        restored.close()


def test_vault_check_finds_a_waiting_bundle_missing_or_damaged(
    field: Vault, sshd: SshServer
) -> None:
    from intake_desktop.core.check import check_vault

    def outbox_check() -> tuple[bool, str]:
        (found,) = [r for r in check_vault(field) if r.name == "outbox"]
        return found.ok, found.detail

    sshd.add_to(field)
    box = Outbox(field)
    entry, _ = box.export("counsel", TO, None)
    assert outbox_check() == (True, "1 bundle(s) waiting")
    path = box.path_of(entry)
    data = bytearray(path.read_bytes())
    data[-1] ^= 1
    path.write_bytes(bytes(data))
    assert outbox_check()[0] is False
    path.unlink()
    assert "missing or damaged" in outbox_check()[1]


def test_a_destination_removed_after_queueing_is_a_refusal_not_a_crash(
    field: Vault, sshd: SshServer
) -> None:
    sshd.add_to(field)
    box = Outbox(field)
    entry, _ = box.export("counsel", TO, None)
    DestinationStore(field).remove("counsel")
    (failed,) = box.send()
    assert failed.entry.refused and failed.entry.state == QUEUED
    assert "no destination named counsel" in (failed.entry.last_error or "")
    assert box.path_of(entry).exists()


def test_an_entry_paused_or_removed_while_a_pass_runs_is_left_alone(
    field: Vault, sshd: SshServer
) -> None:
    sshd.add_to(field)
    box = Outbox(field)
    first, _ = box.export("counsel", TO, None)
    second, _ = box.export("counsel", TO, None)
    third, _ = box.export("counsel", TO, None)

    def meanwhile(entry_id: int, _done: int, _total: int) -> None:
        # A person acts in the Outbox while the first bundle uploads.
        if entry_id == first.id and box.get(second.id).waiting and not box.get(second.id).paused:
            box.pause(second.id)
            box.remove(third.id)

    (sent,) = box.send(progress=meanwhile)
    assert sent.entry.id == first.id and sent.entry.state == SENT
    held = box.get(second.id)
    assert held.state == QUEUED and held.paused and held.attempts == 0
    assert not (sshd.folder / second.remote_name).exists()
    assert not (sshd.folder / third.remote_name).exists()
