"""The S3 transport against a real SeaweedFS server on 127.0.0.1 (tests/delivery/seaweed.py)."""

from __future__ import annotations

import base64
import hashlib
import os
import stat
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from intake_desktop.core.delivery.s3 import PART_SIZE, S3Transport
from intake_desktop.core.delivery.transport import DestinationRefused, NotDelivered
from intake_desktop.core.errors import Cancelled
from tests.delivery.seaweed import ADMIN, WRITER, Seaweed, free_port

NAME = "device-fp/000001-bundle.intake"


def _file(tmp_path: Path, size: int, name: str = "bundle.intake") -> Path:
    path = tmp_path / name
    path.write_bytes(os.urandom(size))
    return path


def _server_bytes(seaweed: Seaweed, bucket: str, key: str) -> bytes:
    return bytes(seaweed.client().get_object(Bucket=bucket, Key=key)["Body"].read())


def _count_part_bytes(transport: S3Transport) -> list[int]:
    """Bytes of every part body actually sent, seen at botocore's send hook."""
    sent: list[int] = []

    def seen(request: Any, **_: Any) -> None:
        sent.append(int(request.headers["Content-Length"]))

    transport._client.meta.events.register("before-send.s3.UploadPart", seen)
    return sent


@pytest.mark.parametrize("size", [0, 1, 300 * 1024, 20 * 1024 * 1024 + 5])
def test_round_trip(seaweed: Seaweed, s3_bucket: str, tmp_path: Path, size: int) -> None:
    source = _file(tmp_path, size)
    transport = seaweed.transport(s3_bucket)
    done: list[tuple[int, int]] = []
    result = transport.upload(source, NAME, progress=lambda d, t: done.append((d, t)))
    assert (result.size, result.resent, result.already_there) == (size, 0, False)
    assert done[-1] == (size, size)
    assert _server_bytes(seaweed, s3_bucket, "outbox/" + NAME) == source.read_bytes()
    assert [(f.name, f.size) for f in transport.list()] == [(NAME, size)]

    target = tmp_path / "fetched.intake"
    assert transport.download(NAME, target) == size
    assert target.read_bytes() == source.read_bytes()
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    # Sent again: recognised, not a second copy.
    again = transport.upload(source, NAME)
    assert again.already_there and again.size == size
    transport.close()


def test_write_only_credentials_upload(seaweed: Seaweed, s3_bucket: str, tmp_path: Path) -> None:
    writer = seaweed.transport(s3_bucket, key=WRITER)
    with pytest.raises(ClientError):  # the identity really cannot read
        seaweed.client(WRITER).head_object(Bucket=s3_bucket, Key="ready")
    small, large = _file(tmp_path, 4096, "small"), _file(tmp_path, PART_SIZE + 10, "large")
    assert not writer.upload(small, "a/small.intake").already_there
    assert not writer.upload(large, "a/large.intake").already_there
    assert _server_bytes(seaweed, s3_bucket, "outbox/a/large.intake") == large.read_bytes()
    # HEAD refused: the listing tells the size, so a repeat is recognised.
    assert writer.upload(small, "a/small.intake").already_there
    with pytest.raises(DestinationRefused):
        writer.upload(large, "a/small.intake")
    assert _server_bytes(seaweed, s3_bucket, "outbox/a/small.intake") == small.read_bytes()


def test_wrong_secret_is_refused(seaweed: Seaweed, s3_bucket: str, tmp_path: Path) -> None:
    transport = S3Transport(seaweed.endpoint, s3_bucket, "outbox", ADMIN[0], "not-the-secret")
    with pytest.raises(DestinationRefused) as caught:
        transport.upload(_file(tmp_path, 10), NAME)
    assert "not-the-secret" not in str(caught.value)
    assert seaweed.client().list_objects_v2(Bucket=s3_bucket).get("KeyCount", 0) == 0


def test_missing_bucket_is_refused(seaweed: Seaweed, tmp_path: Path) -> None:
    # SeaweedFS creates a missing bucket for an administrator's PUT; a writer may not.
    with pytest.raises(DestinationRefused):
        seaweed.transport("no-such-bucket-here", key=WRITER).upload(_file(tmp_path, 10), NAME)
    with pytest.raises(DestinationRefused):
        seaweed.transport("no-such-bucket-either").list()


def test_server_down_is_not_delivered(tmp_path: Path) -> None:
    transport = S3Transport(f"http://127.0.0.1:{free_port()}", "bucket", "p", *ADMIN)
    with pytest.raises(NotDelivered) as caught:
        transport.upload(_file(tmp_path, 10), NAME)
    assert ADMIN[1] not in str(caught.value)
    with pytest.raises(NotDelivered):
        transport.list()


def test_cancelled_upload_resumes_with_only_the_missing_part(
    seaweed: Seaweed, s3_bucket: str, tmp_path: Path
) -> None:
    source = _file(tmp_path, 2 * PART_SIZE + 1234)  # three parts
    first = seaweed.transport(s3_bucket)
    sent_first = _count_part_bytes(first)
    parts_done: list[int] = []
    with pytest.raises(Cancelled):
        first.upload(
            source,
            NAME,
            progress=lambda d, t: parts_done.append(d),
            cancelled=lambda: len(parts_done) >= 2,
        )
    assert sent_first == [PART_SIZE, PART_SIZE]
    assert first.list() == []  # the final name does not exist yet

    second = seaweed.transport(s3_bucket)
    sent_second = _count_part_bytes(second)
    progress: list[int] = []
    result = second.upload(source, NAME, progress=lambda d, t: progress.append(d))
    assert sent_second == [1234]
    assert result.resent == 0 and not result.already_there
    assert progress == [PART_SIZE, 2 * PART_SIZE, 2 * PART_SIZE + 1234]
    assert _server_bytes(seaweed, s3_bucket, "outbox/" + NAME) == source.read_bytes()


def test_a_listed_part_that_differs_is_sent_again(
    seaweed: Seaweed, s3_bucket: str, tmp_path: Path
) -> None:
    source = _file(tmp_path, PART_SIZE + 100)
    key = "outbox/" + NAME
    admin = seaweed.client()
    upload_id = admin.create_multipart_upload(
        Bucket=s3_bucket, Key=key, ChecksumAlgorithm="SHA256"
    )["UploadId"]
    # An earlier try left a first part that is not this file's.
    admin.upload_part(
        Bucket=s3_bucket,
        Key=key,
        UploadId=upload_id,
        PartNumber=1,
        Body=b"x" * PART_SIZE,
        ChecksumAlgorithm="SHA256",
    )
    transport = seaweed.transport(s3_bucket)
    sent = _count_part_bytes(transport)
    result = transport.upload(source, NAME)
    assert sent == [PART_SIZE, 100]
    assert result.resent == PART_SIZE
    assert _server_bytes(seaweed, s3_bucket, key) == source.read_bytes()


def test_existing_name_of_another_size_is_refused_and_untouched(
    seaweed: Seaweed, s3_bucket: str, tmp_path: Path
) -> None:
    seaweed.client().put_object(Bucket=s3_bucket, Key="outbox/" + NAME, Body=b"theirs")
    transport = seaweed.transport(s3_bucket)
    for size in (10, PART_SIZE + 1):
        with pytest.raises(DestinationRefused):
            transport.upload(_file(tmp_path, size), NAME)
    assert _server_bytes(seaweed, s3_bucket, "outbox/" + NAME) == b"theirs"


def test_server_refuses_a_part_with_a_wrong_checksum(seaweed: Seaweed, s3_bucket: str) -> None:
    """The per-part SHA-256 is checked by the server, so sending it protects the bytes."""
    client = seaweed.client()
    key = "outbox/" + NAME
    upload_id = client.create_multipart_upload(
        Bucket=s3_bucket, Key=key, ChecksumAlgorithm="SHA256"
    )["UploadId"]
    data = os.urandom(1024)
    wrong = base64.b64encode(hashlib.sha256(data + b"!").digest()).decode()
    with pytest.raises(ClientError) as caught:
        client.upload_part(
            Bucket=s3_bucket,
            Key=key,
            UploadId=upload_id,
            PartNumber=1,
            Body=data,
            ChecksumSHA256=wrong,
        )
    assert caught.value.response["Error"]["Code"] == "BadDigest"
    assert client.list_parts(Bucket=s3_bucket, Key=key, UploadId=upload_id).get("Parts", []) == []


def test_list_skips_unfinished_uploads(seaweed: Seaweed, s3_bucket: str, tmp_path: Path) -> None:
    transport = seaweed.transport(s3_bucket)
    transport.upload(_file(tmp_path, 10, "done"), "a/done.intake")
    parts: list[int] = []
    with pytest.raises(Cancelled):
        transport.upload(
            _file(tmp_path, PART_SIZE + 1, "half"),
            "a/half.intake",
            progress=lambda d, t: parts.append(d),
            cancelled=lambda: bool(parts),
        )
    assert [f.name for f in transport.list()] == ["a/done.intake"]
    assert [f.name for f in transport.list("a/")] == ["a/done.intake"]
    assert transport.list("b/") == []


def test_download_resumes_a_partial_file(seaweed: Seaweed, s3_bucket: str, tmp_path: Path) -> None:
    source = _file(tmp_path, 3 * 1024 * 1024 + 7)
    transport = seaweed.transport(s3_bucket)
    transport.upload(source, NAME)
    target = tmp_path / "fetched.intake"
    seen: list[int] = []
    with pytest.raises(Cancelled):
        transport.download(
            NAME, target, progress=lambda d, t: seen.append(d), cancelled=lambda: bool(seen)
        )
    partial = target.stat().st_size
    assert 0 < partial < source.stat().st_size
    assert target.read_bytes() == source.read_bytes()[:partial]

    progress: list[int] = []
    assert (
        transport.download(NAME, target, progress=lambda d, t: progress.append(d))
        == source.stat().st_size
    )
    assert progress[0] > partial  # continued from the partial file, not from zero
    assert progress[0] - partial <= 1024 * 1024
    assert target.read_bytes() == source.read_bytes()


@pytest.mark.parametrize("size", [10, PART_SIZE + 1])
def test_a_file_appearing_during_the_upload_is_not_overwritten(
    seaweed: Seaweed, s3_bucket: str, tmp_path: Path, size: int
) -> None:
    """If-None-Match on the PUT or the completion: the name was free when checked,
    someone else's file lands before the last request, and it wins."""
    transport = seaweed.transport(s3_bucket)
    key = "outbox/" + NAME

    def theirs_first(**_: Any) -> None:
        seaweed.client().put_object(Bucket=s3_bucket, Key=key, Body=b"theirs")

    for operation in ("PutObject", "CompleteMultipartUpload"):
        transport._client.meta.events.register(f"before-send.s3.{operation}", theirs_first)
    with pytest.raises(DestinationRefused):
        transport.upload(_file(tmp_path, size), NAME)
    assert _server_bytes(seaweed, s3_bucket, key) == b"theirs"
