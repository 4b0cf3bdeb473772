"""Delivery to counsel: SFTP and S3 uploads over loopback, and a send killed at half.

    python benchmarks/delivery.py [--quick] [--only sftp s3 kill]

Against real servers on 127.0.0.1, the ones the tests use (tests/delivery:
OpenSSH's sshd with internal-sftp, SeaweedFS's ``weed``):

* ``sftp``: the SFTP transport uploading a file (1 GiB; 128 MiB with
  --quick) against OpenSSH's own ``sftp -b`` putting the same file to the
  same server, runs taking turns, the median of each. Also paramiko with
  its defaults (2 MiB window, its own cipher order), for the record.
* ``s3``: the S3 transport's multipart upload of the same file to SeaweedFS
  against boto3's ``upload_file`` (its default: 8 MiB parts, 10 threads).
* ``kill``: ``Outbox(vault).send()`` in a child process on a bundle of 256
  MiB (64 with --quick), SIGKILLed once the server holds half of it, then
  the same send again: where it resumed and how many bytes went twice.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from intake_desktop.core.delivery import sftp as sftp_module
from intake_desktop.core.delivery.outbox import Outbox
from intake_desktop.core.delivery.sftp import SftpTransport
from intake_desktop.core.vault import Vault
from tests.delivery.seaweed import ADMIN, Seaweed, start_seaweed, weed_binary
from tests.delivery.sshd import SshServer, sshd_missing

ROOT = Path(__file__).resolve().parent.parent
MiB = 1 << 20

# A send in its own process, as `outbox send` runs it; the parent kills it.
CHILD = """
import os, sys
sys.path.insert(0, sys.argv[2])
import intake_desktop.core.delivery.destinations
from intake_desktop.core.delivery.outbox import Outbox
from intake_desktop.core.vault import Vault
vault = Vault.open(sys.argv[1], os.environ["BENCH_PASSPHRASE"])
Outbox(vault).send(force=True)
"""


def write_source(path: Path, size: int) -> None:
    """Incompressible, a block at a time (never whole in memory)."""
    block = os.urandom(MiB)
    with path.open("wb") as out:
        for i in range(size // MiB):
            out.write(i.to_bytes(8, "big") + block[8:])


def wall(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


@contextlib.contextmanager
def ssh_server(work: Path) -> Iterator[SshServer]:
    work.mkdir()
    server = SshServer(work)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@contextlib.contextmanager
def s3_server(work: Path) -> Iterator[Seaweed]:
    work.mkdir()
    server = start_seaweed(work)
    try:
        yield server
    finally:
        server.stop()


def transport(sshd: SshServer) -> SftpTransport:
    return SftpTransport(
        "127.0.0.1",
        sshd.port,
        sshd.user,
        str(sshd.folder),
        sshd.fingerprint,
        private_key=sshd.private_key,
    )


def openssh_put(sshd: SshServer, work: Path) -> Callable[[Path, str], None]:
    """``sftp -b`` as a person would run it: key file, pinned host key, its own defaults."""
    key = work / "client_key"
    key.write_text(sshd.private_key)
    key.chmod(0o600)
    host_line = (sshd.base / "host_ed25519.pub").read_text().split()[:2]
    known = work / "known_hosts"
    known.write_text(f"[127.0.0.1]:{sshd.port} {' '.join(host_line)}\n")

    def put(local: Path, name: str) -> None:
        batch = work / "batch"
        batch.write_text(f"put {local} {name}\n")
        subprocess.run(
            [
                "sftp",
                "-q",
                "-b",
                str(batch),
                "-i",
                str(key),
                "-o",
                f"UserKnownHostsFile={known}",
                "-o",
                "StrictHostKeyChecking=yes",
                "-o",
                "BatchMode=yes",
                "-P",
                str(sshd.port),
                f"{sshd.user}@127.0.0.1",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )

    return put


@contextlib.contextmanager
def paramiko_defaults() -> Iterator[None]:
    """The transport as paramiko would run it untuned: 2 MiB window, paramiko's cipher order."""
    import paramiko

    saved = sftp_module.WINDOW, sftp_module._FAST_FIRST
    sftp_module.WINDOW, sftp_module._FAST_FIRST = paramiko.common.DEFAULT_WINDOW_SIZE, ()  # type: ignore[assignment]
    try:
        yield
    finally:
        sftp_module.WINDOW, sftp_module._FAST_FIRST = saved


def sftp_figures(work: Path, quick: bool) -> dict[str, float]:
    size = (128 if quick else 1024) * MiB
    runs = 2 if quick else 3
    source = work / "upload.bin"
    write_source(source, size)
    ours: list[float] = []
    theirs: list[float] = []
    untuned: list[float] = []
    with ssh_server(work / "sftp") as sshd:
        put = openssh_put(sshd, work / "sftp")
        for n in range(runs):
            # Taking turns: the shared machine's noise hits each alike.
            theirs.append(wall(lambda n=n: put(source, f"openssh-{n}.bin")))
            (sshd.folder / f"openssh-{n}.bin").unlink()
            client = transport(sshd)
            ours.append(wall(lambda n=n: client.upload(source, f"ours-{n}.bin")))
            client.close()
            (sshd.folder / f"ours-{n}.bin").unlink()
            with paramiko_defaults():
                client = transport(sshd)
                untuned.append(wall(lambda n=n: client.upload(source, f"untuned-{n}.bin")))
                client.close()
            (sshd.folder / f"untuned-{n}.bin").unlink()
    source.unlink()
    mib = size / MiB
    return {
        "sftp_vs_openssh_sftp": statistics.median(theirs) / statistics.median(ours),
        "sftp_upload_mib_s": round(mib / statistics.median(ours), 1),
        "sftp_openssh_mib_s": round(mib / statistics.median(theirs), 1),
        "sftp_paramiko_defaults_mib_s": round(mib / statistics.median(untuned), 1),
        "sftp_paramiko_defaults_vs_openssh": round(
            statistics.median(theirs) / statistics.median(untuned), 2
        ),
        "sftp_upload_mib": mib,
    }


def s3_figures(work: Path, quick: bool) -> dict[str, float]:
    size = (128 if quick else 1024) * MiB
    runs = 2
    source = work / "upload.bin"
    write_source(source, size)
    ours: list[float] = []
    theirs: list[float] = []
    with s3_server(work / "s3") as seaweed:
        bucket = seaweed.new_bucket()
        admin = seaweed.client()
        for n in range(runs):
            theirs.append(
                wall(lambda n=n: admin.upload_file(str(source), bucket, f"boto3/{n}.bin"))
            )
            admin.delete_object(Bucket=bucket, Key=f"boto3/{n}.bin")
            client = seaweed.transport(bucket, prefix="ours")
            ours.append(wall(lambda n=n, c=client: c.upload(source, f"{n}.bin")))
            client.close()
            admin.delete_object(Bucket=bucket, Key=f"ours/{n}.bin")
    source.unlink()
    mib = size / MiB
    return {
        "s3_upload_mib_s": mib / statistics.median(ours),
        "s3_vs_boto3_upload_file": statistics.median(theirs) / statistics.median(ours),
        "s3_boto3_upload_file_mib_s": round(mib / statistics.median(theirs), 1),
        "s3_upload_mib": mib,
    }


# -- a send killed at half -------------------------------------------------------------


def vault_with_recording(work: Path, size: int) -> Vault:
    """A vault holding one case with an attachment of ``size`` random bytes."""
    from intake_desktop.core.cases import CaseStore
    from intake_desktop.core.evidence import add_attachment
    from tests.helpers import MINIMAL_CASE, make_vault

    vault, _ = make_vault(work / "vault")
    case_id = CaseStore(vault).add_case(MINIMAL_CASE)
    source = work / "recording.bin"
    write_source(source, size)
    with source.open("rb") as stream:
        add_attachment(vault, case_id, stream, "recording.bin")
    source.unlink()
    return vault


def killed_at_half(
    work: Path, size: int, add_destination: Callable[[Vault], None], held: Callable[[str], int]
) -> dict[str, float]:
    """Export into the outbox, send in a child, SIGKILL it at half, send again here."""
    import pyrage

    from tests.bundle_forge import recipient_ref
    from tests.helpers import PASSPHRASE

    vault = vault_with_recording(work, size)
    add_destination(vault)
    counsel = pyrage.x25519.Identity.generate()
    box = Outbox(vault)
    entry, _ = box.export("counsel", [recipient_ref("Counsel", str(counsel.to_public()))], None)
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(vault.path), str(ROOT)],
        env=os.environ | {"BENCH_PASSPHRASE": PASSPHRASE},
    )
    try:
        while held(entry.remote_name) < entry.size // 2:
            if child.poll() is not None:
                raise RuntimeError("the send ended before it was half done")
            time.sleep(0.02)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    # The server may still write what was on the wire: wait until it settles.
    at_kill, settled = -1, held(entry.remote_name)
    while at_kill != settled:
        time.sleep(0.3)
        at_kill, settled = settled, held(entry.remote_name)
    start = time.perf_counter()
    (result,) = box.send(force=True)
    again = time.perf_counter() - start
    sent = box.get(entry.id)
    vault.close()
    if sent.state != "sent":
        raise RuntimeError("the resumed send did not finish: " + str(sent.last_error))
    return {
        "bundle_mib": round(entry.size / MiB, 1),
        "held_at_kill_mib": round(at_kill / MiB, 2),
        "resumed_from_mib": round(result.resumed_from / MiB, 2),
        "resent_kib": result.resent / 1024,
        "second_send_s": round(again, 2),
    }


def kill_figures(work: Path, quick: bool) -> dict[str, float]:
    from intake_desktop.core.delivery.destinations import DestinationStore

    size = (64 if quick else 256) * MiB
    figures: dict[str, float] = {}
    with ssh_server(work / "kill-sftp") as sshd:

        def partial_size(name: str) -> int:
            try:
                return (sshd.folder / (name + ".partial")).stat().st_size
            except FileNotFoundError:
                return 0

        (work / "kill-sftp-vault").mkdir()
        sftp = killed_at_half(work / "kill-sftp-vault", size, sshd.add_to, partial_size)
    figures.update({f"kill_sftp_{k}": v for k, v in sftp.items()})
    if weed_binary() is not None:
        with s3_server(work / "kill-s3") as seaweed:
            bucket = seaweed.new_bucket()
            admin = seaweed.client()

            def add_s3(vault: Vault) -> None:
                DestinationStore(vault).add_s3(
                    "counsel", f"s3://{bucket}/outbox", seaweed.endpoint, *ADMIN
                )

            def parts_held(name: str) -> int:
                key = "outbox/" + name
                uploads = admin.list_multipart_uploads(Bucket=bucket, Prefix=key).get("Uploads", [])
                return sum(
                    int(part["Size"])
                    for upload in uploads
                    for part in admin.list_parts(
                        Bucket=bucket, Key=key, UploadId=upload["UploadId"]
                    ).get("Parts", [])
                )

            (work / "kill-s3-vault").mkdir()
            s3 = killed_at_half(work / "kill-s3-vault", size, add_s3, parts_held)
        figures.update({f"kill_s3_{k}": v for k, v in s3.items()})
    return figures


PARTS = {"sftp": sftp_figures, "s3": s3_figures, "kill": kill_figures}


def measure(work: Path, quick: bool, only: list[str] | None = None) -> dict[str, float]:
    """Every figure, or those of ``only``; a server that is not installed gives none."""
    figures: dict[str, float] = {}
    for name in only or list(PARTS):
        if name in ("sftp", "kill") and sshd_missing():
            continue
        if name == "s3" and weed_binary() is None:
            continue
        part = work / name
        part.mkdir()
        figures.update(PARTS[name](part, quick))
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", nargs="*", choices=list(PARTS))
    args = parser.parse_args()
    os.umask(0o077)
    with tempfile.TemporaryDirectory(prefix="intake-delivery-") as tmp:
        for key, value in measure(Path(tmp), args.quick, args.only).items():
            print(f"{key}: {value:.3f}" if isinstance(value, float) else f"{key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
