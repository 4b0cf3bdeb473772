"""The SFTP transport against a real OpenSSH server on 127.0.0.1."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from intake_desktop.core.delivery.sftp import (
    CHUNK,
    SftpTransport,
    generate_ssh_key,
    host_key_fingerprint,
    load_private_key,
)
from intake_desktop.core.delivery.transport import DestinationRefused, NotDelivered
from intake_desktop.core.errors import Cancelled
from tests.delivery.sshd import SshServer

NAME = "A1B2C3D4/7-bundle.intake"
MiB = 1024 * 1024


def _file(tmp_path: Path, size: int, name: str = "bundle.intake") -> Path:
    path = tmp_path / name
    path.write_bytes(os.urandom(size))
    return path


def _served(sshd: SshServer) -> list[str]:
    return sorted(str(p.relative_to(sshd.folder)) for p in sshd.folder.rglob("*") if p.is_file())


def _transport(sshd: SshServer, **overrides: object) -> SftpTransport:
    options: dict[str, object] = {"private_key": sshd.private_key}
    options.update(overrides)
    pin = str(options.pop("host_key", sshd.fingerprint))
    return SftpTransport("127.0.0.1", sshd.port, sshd.user, str(sshd.folder), pin, **options)  # type: ignore[arg-type]


@pytest.mark.parametrize("size", [0, 1, 300 * 1024, 3 * MiB])
def test_round_trip(sftp: SftpTransport, sshd: SshServer, tmp_path: Path, size: int) -> None:
    local = _file(tmp_path, size)
    done = sftp.upload(local, NAME)
    assert (done.size, done.resent, done.already_there) == (size, 0, False)
    assert _served(sshd) == [NAME]
    assert (sshd.folder / NAME).read_bytes() == local.read_bytes()

    assert [(f.name, f.size) for f in sftp.list()] == [(NAME, size)]
    fetched = tmp_path / "fetched.intake"
    assert sftp.download(NAME, fetched) == size
    assert fetched.read_bytes() == local.read_bytes()
    assert stat.S_IMODE(fetched.stat().st_mode) == 0o600

    again = sftp.upload(local, NAME)
    assert again.already_there and again.size == size


def test_wrong_host_key_refused_before_login(sshd: SshServer, tmp_path: Path) -> None:
    other = host_key_fingerprint(load_private_key(generate_ssh_key()[0]))
    transport = _transport(sshd, host_key=other)
    with pytest.raises(DestinationRefused) as refused:
        transport.upload(_file(tmp_path, 1000), NAME)
    assert other in str(refused.value) and sshd.fingerprint in str(refused.value)
    assert _served(sshd) == [] and list(sshd.folder.iterdir()) == []
    # Refused before authenticating: the server never saw a login.
    assert "Accepted" not in sshd.log.read_text() and "Failed" not in sshd.log.read_text()


def test_wrong_key_refused(sshd: SshServer, tmp_path: Path) -> None:
    transport = _transport(sshd, private_key=generate_ssh_key()[0])
    with pytest.raises(DestinationRefused) as refused:
        transport.upload(_file(tmp_path, 1000), NAME)
    assert "refused the login" in str(refused.value)
    assert list(sshd.folder.iterdir()) == []


def test_server_down_not_delivered(sshd: SshServer, tmp_path: Path) -> None:
    sshd.stop()
    transport = _transport(sshd)
    with pytest.raises(NotDelivered) as failed:
        transport.upload(_file(tmp_path, 1000), NAME)
    assert f"127.0.0.1:{sshd.port}" in str(failed.value) and "Traceback" not in str(failed.value)


def test_cancelled_upload_resumes_resending_at_most_one_chunk(
    sftp: SftpTransport, sshd: SshServer, tmp_path: Path
) -> None:
    local = _file(tmp_path, 3 * MiB + 1234)
    sent: list[int] = []
    with pytest.raises(Cancelled):
        sftp.upload(
            local,
            NAME,
            progress=lambda done, _all: sent.append(done),
            cancelled=lambda: len(sent) > 5,
        )
    assert _served(sshd) == [NAME + ".partial"]
    held = (sshd.folder / (NAME + ".partial")).stat().st_size
    assert 0 < held < local.stat().st_size

    resumed: list[int] = []
    done = sftp.upload(local, NAME, progress=lambda d, _all: resumed.append(d))
    assert resumed[0] > 0 and held - resumed[0] == done.resent <= CHUNK
    assert _served(sshd) == [NAME]
    assert (sshd.folder / NAME).read_bytes() == local.read_bytes()


def test_server_killed_mid_transfer_then_resumed(sshd: SshServer, tmp_path: Path) -> None:
    local = _file(tmp_path, 3 * MiB)
    partial = sshd.folder / (NAME + ".partial")

    def kill_when_half_there(done: int, _all: int) -> None:
        if done >= MiB + CHUNK and sshd.running():
            sshd.wait_for(lambda: partial.exists() and partial.stat().st_size >= MiB)
            sshd.kill()

    transport = _transport(sshd)
    with pytest.raises(NotDelivered):
        transport.upload(local, NAME, progress=kill_when_half_there)
    assert not (sshd.folder / NAME).exists()
    held = partial.stat().st_size

    sshd.start()
    resumed: list[int] = []
    done = transport.upload(local, NAME, progress=lambda d, _all: resumed.append(d))
    assert resumed[0] >= MiB and held - resumed[0] == done.resent <= CHUNK
    assert (sshd.folder / NAME).read_bytes() == local.read_bytes()
    assert _served(sshd) == [NAME]
    transport.close()


def test_existing_file_of_another_size_refused_and_untouched(
    sftp: SftpTransport, sshd: SshServer, tmp_path: Path
) -> None:
    theirs = sshd.folder / NAME
    theirs.parent.mkdir()
    theirs.write_bytes(b"not ours")
    with pytest.raises(DestinationRefused):
        sftp.upload(_file(tmp_path, 5000), NAME)
    assert theirs.read_bytes() == b"not ours"
    assert _served(sshd) == [NAME]


def test_list_skips_partial_uploads(sftp: SftpTransport, sshd: SshServer) -> None:
    for name, size in [
        ("a/1.intake", 10),
        ("a/2.intake.partial", 20),
        ("b/3.intake", 30),
        ("top.intake", 1),
    ]:
        (sshd.folder / name).parent.mkdir(exist_ok=True)
        (sshd.folder / name).write_bytes(b"x" * size)
    assert [(f.name, f.size) for f in sftp.list()] == [
        ("a/1.intake", 10),
        ("b/3.intake", 30),
        ("top.intake", 1),
    ]
    assert [f.name for f in sftp.list("a/")] == ["a/1.intake"]
    assert sftp.list("missing/") == []


def test_download_resumes_a_torn_local_copy(
    sftp: SftpTransport, sshd: SshServer, tmp_path: Path
) -> None:
    content = os.urandom(3 * MiB)
    (sshd.folder / "in.intake").write_bytes(content)
    local = tmp_path / "in.intake"
    # Two whole chunks and a torn third: the torn part is fetched again.
    local.write_bytes(content[: 2 * CHUNK] + b"\0" * 1000)
    seen: list[int] = []
    assert sftp.download("in.intake", local, progress=lambda d, _all: seen.append(d)) == len(
        content
    )
    assert seen[0] == 3 * CHUNK  # the first report after one chunk from the boundary
    assert local.read_bytes() == content
    assert stat.S_IMODE(local.stat().st_mode) == 0o600


def test_generated_key_public_line() -> None:
    private, public = generate_ssh_key()
    kind, blob, comment = public.split()
    assert (kind, comment) == ("ssh-ed25519", "intake-desktop") and blob.startswith("AAAA")
    assert load_private_key(private).get_base64() == blob


def test_torn_remote_partial_is_resent_from_a_chunk_boundary(
    sftp: SftpTransport, sshd: SshServer, tmp_path: Path
) -> None:
    local = _file(tmp_path, 3 * MiB)
    partial = sshd.folder / (NAME + ".partial")
    partial.parent.mkdir()
    # An earlier try's last chunk arrived torn: its tail is not what we sent.
    partial.write_bytes(local.read_bytes()[: 2 * CHUNK] + b"\0" * 1000)
    done = sftp.upload(local, NAME)
    assert done.resent == 1000 and not done.already_there
    assert (sshd.folder / NAME).read_bytes() == local.read_bytes()
    assert not partial.exists()
