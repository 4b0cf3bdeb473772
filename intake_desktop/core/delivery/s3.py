"""The S3 transport: bundles to and from an S3-compatible bucket (boto3).

Uploads never overwrite: a single PUT or the completion of a multipart upload
carries ``If-None-Match: *``. Each part carries its SHA-256, which the server
checks before it keeps the part, so a part damaged on the way is refused
rather than stored. A multipart upload left by an interrupted try is found
again (ListMultipartUploads), its parts are checked against the local file
(ListParts: size, and SHA-256 or MD5 ETag) and only what is missing is sent.

Write-only credentials suffice for uploading: a refused HEAD or listing is
read as "unknown" and the conditional write does the rest. Without the
right to list multipart uploads an interrupted upload starts over.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from ..errors import Cancelled as CancelledError
from ..errors import InvalidInput
from ..i18n import N_
from .transport import (
    Cancelled,
    DestinationRefused,
    NotDelivered,
    Progress,
    RemoteFile,
    Uploaded,
)

# Credentials are always passed explicitly; this keeps botocore from ever
# asking a cloud metadata service for others.
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"

PART_SIZE = 8 * 1024 * 1024
READ_CHUNK = 1024 * 1024

# Codes that mean a person must act (credentials, permissions, the bucket).
_REFUSED = {
    "AccessDenied",
    "AllAccessDisabled",
    "InvalidAccessKeyId",
    "InvalidBucketName",
    "NoSuchBucket",
    "SignatureDoesNotMatch",
    "AuthorizationHeaderMalformed",
    "InvalidToken",
    "ExpiredToken",
    "403",
    "Forbidden",
}


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def _status(error: ClientError) -> int:
    return int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)


def _sha256_b64(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode("ascii")


def _same_part(listed: dict[str, Any], data: bytes, checksum: str) -> bool:
    """Whether a part the server lists holds ``data``: its SHA-256 where the server
    lists one, else its ETag, which for a plain part is the MD5 of its bytes."""
    if int(listed["Size"]) != len(data):
        return False
    if listed.get("ChecksumSHA256"):
        return bool(listed["ChecksumSHA256"] == checksum)
    md5 = hashlib.md5(data, usedforsecurity=False).hexdigest()
    return bool(str(listed.get("ETag", "")).strip('"') == md5)


class S3Transport:
    def __init__(
        self,
        endpoint: str,
        bucket: str,
        prefix: str,
        access_key_id: str,
        secret: str,
        region: str = "us-east-1",
        *,
        part_size: int = PART_SIZE,
        connect_timeout: float = 3.0,
        read_timeout: float = 60.0,
    ) -> None:
        self.endpoint = endpoint
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.part_size = part_size
        config = Config(
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            # One quick retry: the outbox's own backoff handles longer outages.
            retries={"max_attempts": 2, "mode": "standard"},
            s3={"addressing_style": "path"},
            # Checksums are chosen here (SHA-256 per part), not botocore's default.
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
        )
        try:
            self._client: Any = boto3.session.Session().client(
                "s3",
                endpoint_url=endpoint,
                aws_access_key_id=access_key_id,
                aws_secret_access_key=secret,
                region_name=region,
                config=config,
            )
        except (BotoCoreError, ValueError) as e:
            raise InvalidInput(
                N_("The S3 address {endpoint} is not usable; nothing was sent."),
                endpoint=endpoint,
            ) from e

    # -- failures ---------------------------------------------------------

    def _failure(self, error: Exception) -> Exception:
        """The error a user sees for a failed request: never the secret, never a retry storm."""
        if isinstance(error, ClientError):
            code, status = _code(error), _status(error)
            if code in _REFUSED or status in (401, 403):
                return DestinationRefused(
                    N_(
                        "The S3 server at {endpoint} refused access to bucket {bucket} "
                        "({code}); check the credentials and the bucket, nothing was sent."
                    ),
                    endpoint=self.endpoint,
                    bucket=self.bucket,
                    code=code or status,
                )
            return NotDelivered(
                N_("The S3 server at {endpoint} answered {code}; the bundle will be sent later."),
                endpoint=self.endpoint,
                code=code or status,
            )
        return NotDelivered(
            N_("The S3 server at {endpoint} could not be reached; the bundle will be sent later."),
            endpoint=self.endpoint,
        )

    def _call(self, operation: str, **params: Any) -> Any:
        try:
            return getattr(self._client, operation)(Bucket=self.bucket, **params)
        except (ClientError, BotoCoreError) as e:
            raise self._failure(e) from None

    def _key(self, remote_name: str) -> str:
        name = remote_name.strip("/")
        if not name or any(part in ("", ".", "..") for part in name.split("/")):
            raise InvalidInput(N_("{name} is not a usable remote file name."), name=remote_name)
        return self.prefix + name

    # -- what the server holds ---------------------------------------------

    def _remote_size(self, key: str) -> int | None:
        """Size under ``key``; None if absent or if these credentials may not tell."""
        try:
            return int(self._client.head_object(Bucket=self.bucket, Key=key)["ContentLength"])
        except ClientError as e:
            if _status(e) == 404 or _code(e) in ("404", "NoSuchKey", "NotFound"):
                return None
            if _status(e) != 403:
                raise self._failure(e) from None
        except BotoCoreError as e:
            raise self._failure(e) from None
        # HEAD needs read rights; a write-only identity may still list.
        try:
            page = self._client.list_objects_v2(Bucket=self.bucket, Prefix=key, MaxKeys=10)
        except ClientError as e:
            if _status(e) == 403:
                return None
            raise self._failure(e) from None
        except BotoCoreError as e:
            raise self._failure(e) from None
        for item in page.get("Contents", []):
            if item["Key"] == key:
                return int(item["Size"])
        return None

    def _settle_existing(self, key: str, size: int, existing: int | None) -> Uploaded:
        if existing == size:
            return Uploaded(size=size, resent=0, already_there=True)
        raise DestinationRefused(
            N_(
                "The S3 bucket {bucket} already holds a different file named {name}; "
                "it was left untouched and nothing was sent."
            ),
            bucket=self.bucket,
            name=key,
        )

    # -- upload -------------------------------------------------------------

    def upload(
        self,
        local: Path,
        remote_name: str,
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
    ) -> Uploaded:
        key = self._key(remote_name)
        size = local.stat().st_size
        existing = self._remote_size(key)
        if existing is not None:
            return self._settle_existing(key, size, existing)
        if size < self.part_size:
            return self._put_whole(local, key, size, progress, cancelled)
        return self._put_parts(local, key, size, progress, cancelled)

    def _stop_if_cancelled(self, cancelled: Cancelled | None) -> None:
        if cancelled is not None and cancelled():
            raise CancelledError(
                N_("Sending was stopped; what reached the server is kept for the next try.")
            )

    def _precondition_failed(self, e: ClientError) -> bool:
        return _code(e) == "PreconditionFailed" or _status(e) == 412

    def _put_whole(
        self,
        local: Path,
        key: str,
        size: int,
        progress: Progress | None,
        cancelled: Cancelled | None,
    ) -> Uploaded:
        self._stop_if_cancelled(cancelled)
        data = local.read_bytes()
        try:
            self._client.put_object(
                Bucket=self.bucket,
                Key=key,
                Body=data,
                IfNoneMatch="*",
                ChecksumSHA256=_sha256_b64(data),
            )
        except ClientError as e:
            if self._precondition_failed(e):
                return self._settle_existing(key, size, self._remote_size(key))
            raise self._failure(e) from None
        except BotoCoreError as e:
            raise self._failure(e) from None
        if progress is not None:
            progress(size, size)
        return self._verified(key, size, resent=0)

    def _pending_upload(self, key: str) -> str | None:
        """The newest unfinished multipart upload of ``key``, if these credentials may see it."""
        uploads: list[dict[str, Any]] = []
        try:
            for page in self._client.get_paginator("list_multipart_uploads").paginate(
                Bucket=self.bucket, Prefix=key
            ):
                uploads += [u for u in page.get("Uploads", []) if u["Key"] == key]
        except ClientError as e:
            if _status(e) == 403:
                return None
            raise self._failure(e) from None
        except BotoCoreError as e:
            raise self._failure(e) from None
        if not uploads:
            return None
        return str(max(uploads, key=lambda u: u["Initiated"])["UploadId"])

    def _listed_parts(self, key: str, upload_id: str) -> dict[int, dict[str, Any]]:
        parts: dict[int, dict[str, Any]] = {}
        try:
            for page in self._client.get_paginator("list_parts").paginate(
                Bucket=self.bucket, Key=key, UploadId=upload_id
            ):
                for part in page.get("Parts", []):
                    parts[int(part["PartNumber"])] = part
        except ClientError as e:
            if _status(e) in (403, 404) or _code(e) == "NoSuchUpload":
                return {}
            raise self._failure(e) from None
        except BotoCoreError as e:
            raise self._failure(e) from None
        return parts

    def _chunks(self, local: Path) -> Iterator[tuple[int, bytes]]:
        with local.open("rb") as f:
            number = 1
            while True:
                data = f.read(self.part_size)
                if not data:
                    return
                yield number, data
                number += 1

    def _put_parts(
        self,
        local: Path,
        key: str,
        size: int,
        progress: Progress | None,
        cancelled: Cancelled | None,
    ) -> Uploaded:
        upload_id = self._pending_upload(key)
        listed = self._listed_parts(key, upload_id) if upload_id else {}
        if upload_id is None:
            created = self._call("create_multipart_upload", Key=key, ChecksumAlgorithm="SHA256")
            upload_id = str(created["UploadId"])
        done, resent, reused = 0, 0, 0
        completed: list[dict[str, Any]] = []
        for number, data in self._chunks(local):
            checksum = _sha256_b64(data)
            have = listed.get(number)
            if have is not None and _same_part(have, data, checksum):
                etag = have["ETag"]
                reused += len(data)
            else:
                self._stop_if_cancelled(cancelled)
                if have is not None:
                    resent += len(data)  # a part the server holds wrong: replace it
                answer = self._call(
                    "upload_part",
                    Key=key,
                    UploadId=upload_id,
                    PartNumber=number,
                    Body=data,
                    ChecksumSHA256=checksum,
                )
                etag = answer["ETag"]
            completed.append({"PartNumber": number, "ETag": etag, "ChecksumSHA256": checksum})
            done += len(data)
            if progress is not None:
                progress(done, size)
        self._stop_if_cancelled(cancelled)
        try:
            self._client.complete_multipart_upload(
                Bucket=self.bucket,
                Key=key,
                UploadId=upload_id,
                IfNoneMatch="*",
                MultipartUpload={"Parts": completed},
            )
        except ClientError as e:
            if self._precondition_failed(e):
                self._abandon(key, upload_id)
                return self._settle_existing(key, size, self._remote_size(key))
            raise self._failure(e) from None
        except BotoCoreError as e:
            raise self._failure(e) from None
        return self._verified(key, size, resent=resent, resumed_from=reused)

    def _abandon(self, key: str, upload_id: str) -> None:
        # Only tidiness: an abort the credentials may not do leaves parts the
        # bucket's lifecycle rules remove.
        with contextlib.suppress(ClientError, BotoCoreError):
            self._client.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload_id)

    def _verified(self, key: str, size: int, resent: int, resumed_from: int = 0) -> Uploaded:
        held = self._remote_size(key)
        if held is not None and held != size:
            raise DestinationRefused(
                N_(
                    "The S3 server holds {held} bytes of {name} instead of {size}; "
                    "the bundle is not counted as sent."
                ),
                held=held,
                name=key,
                size=size,
            )
        return Uploaded(size=size, resent=resent, already_there=False, resumed_from=resumed_from)

    # -- list and download -----------------------------------------------------

    def list(self, prefix: str = "") -> list[RemoteFile]:
        found: list[RemoteFile] = []
        try:
            for page in self._client.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, Prefix=self.prefix + prefix.lstrip("/")
            ):
                for item in page.get("Contents", []):
                    found.append(
                        RemoteFile(name=item["Key"][len(self.prefix) :], size=int(item["Size"]))
                    )
        except (ClientError, BotoCoreError) as e:
            raise self._failure(e) from None
        return found

    def download(
        self,
        remote_name: str,
        local: Path,
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
    ) -> int:
        key = self._key(remote_name)
        head = self._call("head_object", Key=key)
        size, etag = int(head["ContentLength"]), head["ETag"]
        have = local.stat().st_size if local.exists() else 0
        fd = os.open(local, os.O_RDWR | os.O_CREAT, 0o600)
        with os.fdopen(fd, "r+b") as out:
            os.fchmod(out.fileno(), 0o600)
            if have > size:
                have = 0  # not a beginning of this file: start over
            out.truncate(have)
            out.seek(have)
            if have < size:
                extra: dict[str, Any] = {"Range": f"bytes={have}-"} if have else {}
                # IfMatch: a file replaced on the server must not be spliced onto the old one.
                body = self._call("get_object", Key=key, IfMatch=etag, **extra)["Body"]
                try:
                    while chunk := body.read(READ_CHUNK):
                        out.write(chunk)
                        have += len(chunk)
                        if progress is not None:
                            progress(have, size)
                        self._stop_if_cancelled(cancelled)
                except (ClientError, BotoCoreError) as e:
                    raise self._failure(e) from None
                finally:
                    body.close()
            out.flush()
            os.fsync(out.fileno())
        if have != size:
            raise NotDelivered(
                N_("The download of {name} stopped at {have} of {size} bytes; it will resume."),
                name=key,
                have=have,
                size=size,
            )
        return size

    def close(self) -> None:
        self._client.close()
