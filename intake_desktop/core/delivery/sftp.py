"""SFTP transport: counsel's own server or a hosted SFTP service.

The server's host key is pinned by its SHA-256 fingerprint (as ``ssh-keygen
-lf`` prints it) and compared right after key exchange, before we
authenticate or send a byte: paramiko's known_hosts and auto-add policies
are never used. An upload goes to ``<name>.partial``, resumes at the size the
server already holds, is checked by size, then renamed atomically with the
``posix-rename@openssh.com`` extension, so the final name exists only whole.
Before resuming, the partial file is read back and compared with the local
file chunk by chunk; the upload continues after the last chunk that matches.
"""

from __future__ import annotations

import base64
import errno
import hashlib
import io
import logging
import os
import posixpath
import socket
import stat
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import paramiko
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ..errors import Cancelled as CancelledError
from ..errors import InvalidInput
from ..i18n import N_
from .transport import Cancelled, DestinationRefused, NotDelivered, Progress, RemoteFile, Uploaded

log = logging.getLogger(__name__)

CHUNK = 256 * 1024
PARTIAL = ".partial"
KEY_COMMENT = "intake-desktop"
WINDOW = 16 * 1024 * 1024
_FAST_FIRST = ("aes128-gcm@openssh.com", "aes256-gcm@openssh.com")
_KEY_TYPES = (paramiko.Ed25519Key, paramiko.ECDSAKey, paramiko.RSAKey)


def generate_ssh_key() -> tuple[str, str]:
    """A new Ed25519 key: (private key in OpenSSH format, public line for counsel's admin)."""
    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.OpenSSH,
        serialization.NoEncryption(),
    ).decode("ascii")
    public = key.public_key().public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
    )
    return private, f"{public.decode('ascii')} {KEY_COMMENT}"


def host_key_fingerprint(key: paramiko.PKey) -> str:
    """``SHA256:<base64 without padding>``, the form ``ssh-keygen -lf`` prints."""
    digest = hashlib.sha256(key.asbytes()).digest()
    return "SHA256:" + base64.b64encode(digest).decode("ascii").rstrip("=")


def presented_host_key(host: str, port: int, timeout: float = 20.0) -> str:
    """The fingerprint of the host key the server presents: key exchange only, no login.

    For a person to read aloud with counsel's administrator before pinning
    it; nothing is trusted because of this call.
    """
    where = {"host": host, "port": port}
    unreachable = N_("Could not reach an SSH server at {host}:{port}; nothing was stored.")
    try:
        sock = socket.create_connection((host, port), timeout=timeout)
    except OSError:
        raise NotDelivered(unreachable, **where) from None
    transport = paramiko.Transport(sock)
    try:
        transport.banner_timeout = timeout
        transport.start_client(timeout=timeout)
        return host_key_fingerprint(transport.get_remote_server_key())
    except (OSError, EOFError, paramiko.SSHException):
        raise NotDelivered(unreachable, **where) from None
    finally:
        transport.close()


def load_private_key(text: str) -> paramiko.PKey:
    """A private key from its OpenSSH or PEM text, never from a file on disk."""
    for kind in _KEY_TYPES:
        try:
            return kind.from_private_key(io.StringIO(text))
        except (paramiko.SSHException, ValueError, TypeError):
            continue
    raise InvalidInput(N_("The SSH private key could not be read (not an unencrypted key)."))


def _remote_path(folder: str, name: str) -> str:
    parts = name.split("/")
    if not name or name.startswith("/") or any(p in ("", ".", "..") for p in parts):
        raise InvalidInput(N_("Not a valid remote name: {name}"), name=name)
    return posixpath.join(folder, name)


class SftpTransport:
    """One SFTP destination; connects on first use and again after a failure."""

    def __init__(
        self,
        host: str,
        port: int,
        user: str,
        folder: str,
        host_key: str,
        *,
        private_key: str | None = None,
        password: str | None = None,
        timeout: float = 20.0,
        chunk: int = CHUNK,
    ) -> None:
        if not folder.startswith("/"):
            raise InvalidInput(
                N_("The remote folder must be an absolute path: {folder}"), folder=folder
            )
        if (private_key is None) == (password is None):
            raise InvalidInput(N_("Give either an SSH key or a password for the destination."))
        self.host, self.port, self.user = host, port, user
        self.folder = folder.rstrip("/") or "/"
        self.host_key = host_key.strip()
        self._pkey = load_private_key(private_key) if private_key is not None else None
        self._password = password
        self.timeout = timeout
        self.chunk = chunk
        self._transport: paramiko.Transport | None = None
        self._sftp: paramiko.SFTPClient | None = None

    # -- connection ---------------------------------------------------------

    def _connect(self) -> paramiko.SFTPClient:
        if self._sftp is not None:
            return self._sftp
        sock = socket.create_connection((self.host, self.port), timeout=self.timeout)
        # A wider window and AES-GCM first (one pass, no separate MAC): measured
        # over loopback, paramiko's defaults reach about two thirds of OpenSSH's sftp.
        transport = paramiko.Transport(sock, default_window_size=WINDOW)
        try:
            options = transport.get_security_options()
            rest = tuple(c for c in options.ciphers if c not in _FAST_FIRST)
            options.ciphers = _FAST_FIRST + rest
            transport.banner_timeout = self.timeout
            transport.auth_timeout = self.timeout
            transport.start_client(timeout=self.timeout)
            presented = host_key_fingerprint(transport.get_remote_server_key())
            if presented != self.host_key:
                raise DestinationRefused(
                    N_(
                        "The server's host key does not match: expected {expected}, "
                        "the server presented {presented}. Nothing was sent."
                    ),
                    expected=self.host_key,
                    presented=presented,
                )
            if self._pkey is not None:
                transport.auth_publickey(self.user, self._pkey)
            else:
                transport.auth_password(self.user, self._password or "")
            if not transport.is_authenticated():
                raise paramiko.AuthenticationException()
            sftp = paramiko.SFTPClient.from_transport(transport)
            if sftp is None:
                raise paramiko.SSHException()
            sftp.get_channel().settimeout(self.timeout)  # type: ignore[union-attr]
        except BaseException:
            transport.close()
            raise
        self._transport, self._sftp = transport, sftp
        return sftp

    def close(self) -> None:
        sftp, transport = self._sftp, self._transport
        self._sftp = self._transport = None
        if sftp is not None:
            with suppress(OSError, EOFError, paramiko.SSHException):
                sftp.close()
        if transport is not None:
            transport.close()

    @contextmanager
    def _session(self) -> Iterator[paramiko.SFTPClient]:
        """The connection, with every remote failure turned into the outbox's two errors."""
        where = {"host": self.host, "port": self.port}
        try:
            yield self._connect()
        except (DestinationRefused, CancelledError, InvalidInput):
            raise
        except paramiko.AuthenticationException:
            self.close()
            raise DestinationRefused(
                N_("The server at {host}:{port} refused the login (wrong key, password or user)."),
                **where,
            ) from None
        except PermissionError:
            self.close()
            raise DestinationRefused(
                N_("The server at {host}:{port} refused permission to write to the folder."),
                **where,
            ) from None
        except (OSError, EOFError, paramiko.SSHException) as exc:
            # Refused, unreachable, timed out, cut, a full disk: the outbox tries again.
            log.info("SFTP to %s:%s failed: %s", self.host, self.port, type(exc).__name__)
            self.close()
            raise NotDelivered(
                N_(
                    "Could not reach the server at {host}:{port}, or the transfer was cut; "
                    "it will be tried again."
                ),
                **where,
            ) from None

    # -- upload -------------------------------------------------------------

    def upload(
        self,
        local: Path,
        remote_name: str,
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
    ) -> Uploaded:
        final = _remote_path(self.folder, remote_name)
        partial = final + PARTIAL
        with open(local, "rb") as source:
            size = os.fstat(source.fileno()).st_size
            with self._session() as sftp:
                existing = _size_or_none(sftp, final)
                if existing is not None:
                    if existing == size:
                        return Uploaded(size=size, resent=0, already_there=True)
                    raise DestinationRefused(
                        N_(
                            "The server already holds a different file named {name}; "
                            "it was left as it is and nothing was sent."
                        ),
                        name=remote_name,
                    )
                self._make_folders(sftp, posixpath.dirname(final))
                held = _size_or_none(sftp, partial)
                offset = resent = 0
                if held is not None and 0 < held <= size:
                    offset = self._ours(sftp, source, partial, held)
                    resent = held - offset
                self._send(sftp, source, partial, offset, size, progress, cancelled)
                if _size_or_none(sftp, partial) != size:
                    raise EOFError  # the server lost or cut bytes: try again
                sftp.posix_rename(partial, final)
                if _size_or_none(sftp, final) != size:
                    raise EOFError
        return Uploaded(size=size, resent=resent, already_there=False, resumed_from=offset)

    def _ours(
        self, sftp: paramiko.SFTPClient, source: io.BufferedReader, partial: str, held: int
    ) -> int:
        """How much of an earlier try's partial file is this file's, in whole chunks.

        The size alone is no proof: a torn last chunk, a crash that left zeros
        behind a file's new length, or other bytes written in its place would
        all be kept and renamed as whole. So what the server holds is read back
        and compared before resuming: on field links downloads outpace uploads,
        so this costs less than sending it all again (docs/performance.md).
        """
        whole = held - held % self.chunk
        done = 0
        source.seek(0)
        with sftp.open(partial, "rb") as remote:
            remote.prefetch(whole)
            while done < whole:
                theirs = remote.read(self.chunk)
                if not theirs or theirs != source.read(self.chunk):
                    break
                done += len(theirs)
        return done

    def _send(
        self,
        sftp: paramiko.SFTPClient,
        source: io.BufferedReader,
        partial: str,
        offset: int,
        size: int,
        progress: Progress | None,
        cancelled: Cancelled | None,
    ) -> None:
        with sftp.open(partial, "r+b" if offset else "wb") as remote:
            if offset:
                remote.truncate(offset)
                remote.seek(offset)
            remote.set_pipelined(True)
            source.seek(offset)
            done = offset
            if progress is not None:
                progress(done, size)
            while done < size:
                if cancelled is not None and cancelled():
                    raise CancelledError(
                        N_("Sending was cancelled; the server keeps what it received.")
                    )
                data = source.read(min(self.chunk, size - done))
                if not data:
                    raise InvalidInput(N_("The file to send changed while it was being sent."))
                remote.write(data)
                done += len(data)
                if progress is not None:
                    progress(done, size)
            # Closing waits for every pipelined write to be acknowledged.

    def _make_folders(self, sftp: paramiko.SFTPClient, folder: str) -> None:
        missing: list[str] = []
        while folder not in ("", "/") and _size_or_none(sftp, folder, dirs=True) is None:
            missing.append(folder)
            folder = posixpath.dirname(folder)
        for path in reversed(missing):
            try:
                sftp.mkdir(path, 0o700)
            except OSError:
                if _size_or_none(sftp, path, dirs=True) is None:
                    raise

    # -- list and download ----------------------------------------------------

    def list(self, prefix: str = "") -> list[RemoteFile]:
        found: list[RemoteFile] = []
        start = posixpath.dirname(prefix)
        with self._session() as sftp:
            pending = [start]
            while pending:
                relative = pending.pop()
                try:
                    entries = sftp.listdir_attr(posixpath.join(self.folder, relative))
                except FileNotFoundError:
                    continue
                for entry in entries:
                    name = posixpath.join(relative, entry.filename) if relative else entry.filename
                    mode = entry.st_mode or 0
                    if stat.S_ISDIR(mode):
                        if (name + "/").startswith(prefix) or prefix.startswith(name + "/"):
                            pending.append(name)
                    elif (
                        stat.S_ISREG(mode)
                        and not name.endswith(PARTIAL)
                        and name.startswith(prefix)
                    ):
                        found.append(RemoteFile(name=name, size=entry.st_size or 0))
        return sorted(found, key=lambda f: f.name)

    def download(
        self,
        remote_name: str,
        local: Path,
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
    ) -> int:
        path = _remote_path(self.folder, remote_name)
        fd = os.open(local, os.O_RDWR | os.O_CREAT, 0o600)
        os.fchmod(fd, 0o600)
        with open(fd, "r+b") as target, self._session() as sftp:
            size = _size_or_none(sftp, path)
            if size is None:
                raise DestinationRefused(
                    N_("The server has no file named {name}."), name=remote_name
                )
            held = os.fstat(target.fileno()).st_size
            offset = 0 if held > size else held - held % self.chunk
            target.truncate(offset)
            target.seek(offset)
            with sftp.open(path, "rb") as remote:
                remote.seek(offset)
                remote.prefetch(size)
                done = offset
                while done < size:
                    if cancelled is not None and cancelled():
                        raise CancelledError(
                            N_("Fetching was cancelled; what arrived is kept to resume.")
                        )
                    data = remote.read(min(self.chunk, size - done))
                    if not data:
                        raise EOFError  # the file shrank on the server: try again
                    target.write(data)
                    done += len(data)
                    if progress is not None:
                        progress(done, size)
            target.flush()
            os.fsync(target.fileno())
            if os.fstat(target.fileno()).st_size != size:
                raise EOFError
        return size


def _size_or_none(sftp: paramiko.SFTPClient, path: str, *, dirs: bool = False) -> int | None:
    """The size of a regular file (or 0 for a folder when ``dirs``), None when absent."""
    try:
        attrs = sftp.stat(path)
    except OSError as exc:
        if isinstance(exc, FileNotFoundError) or exc.errno == errno.ENOENT:
            return None
        raise
    mode = attrs.st_mode or 0
    if dirs:
        return 0 if stat.S_ISDIR(mode) else None
    if not stat.S_ISREG(mode):
        raise DestinationRefused(
            N_("The server holds something other than a file at {path}."), path=path
        )
    return attrs.st_size or 0
