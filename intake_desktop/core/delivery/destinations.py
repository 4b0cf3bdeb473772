"""Where bundles are delivered: destinations and their credentials, kept in the vault.

A destination is an SFTP folder (``sftp://USER@HOST[:PORT]/ABSOLUTE/PATH``,
its host key pinned by fingerprint) or an S3-compatible bucket
(``s3://BUCKET[/PREFIX]`` at an endpoint). Its credentials (an SSH private
key, a password, an S3 key id and secret) live only in the encrypted
database: never in Qt settings, plain files or logs, and never in this
module's ``Destination`` objects, which may be shown and printed. When no
key or password is given for SFTP the vault makes an SSH key of its own,
whose public line the user gives counsel's administrator.

Adding and removing destinations is for the roles that manage the trust
store (a caseworker, a coordinator, the recovery code).
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from .. import permissions
from ..errors import InvalidInput, NotFound
from ..i18n import N_
from ..trust import check_name
from .s3 import S3Transport
from .sftp import SftpTransport, generate_ssh_key, load_private_key
from .transport import Transport

if TYPE_CHECKING:
    from ..vault import Vault

SFTP = "sftp"
S3 = "s3"
HOST_KEY = re.compile(r"SHA256:[A-Za-z0-9+/]{43}")
BUCKET = re.compile(r"[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9]")
MAX_SECRET_CHARS = 16384


@dataclass(frozen=True)
class Destination:
    name: str
    kind: str  # SFTP or S3
    url: str  # canonical
    host_key: str | None  # SFTP: the pinned "SHA256:…" fingerprint
    endpoint: str | None  # S3: the service's URL
    public_key: str | None  # SFTP with a key the vault made: the line to give counsel
    added_at: str
    added_by: str

    def as_json(self) -> dict[str, str | None]:
        return asdict(self)


@dataclass(frozen=True)
class SftpAddress:
    user: str
    host: str
    port: int
    path: str


def parse_sftp(url: str) -> SftpAddress:
    parts = urlsplit(url)
    bad = N_("{url} is not sftp://USER@HOST[:PORT]/ABSOLUTE/PATH.")
    try:
        port = parts.port or 22
    except ValueError:
        raise InvalidInput(bad, url=url) from None
    if (
        parts.scheme != SFTP
        or not parts.username
        or not parts.hostname
        or not parts.path.startswith("/")
        or parts.query
        or parts.fragment
        or parts.password is not None
    ):
        raise InvalidInput(bad, url=url)
    return SftpAddress(unquote(parts.username), parts.hostname, port, unquote(parts.path))


def parse_s3(url: str) -> tuple[str, str]:
    """(bucket, prefix) of ``s3://BUCKET[/PREFIX]``; the prefix without slashes at its ends."""
    parts = urlsplit(url)
    if parts.scheme != S3 or not BUCKET.fullmatch(parts.netloc) or parts.query or parts.fragment:
        raise InvalidInput(N_("{url} is not s3://BUCKET[/PREFIX]."), url=url)
    return parts.netloc, unquote(parts.path).strip("/")


def _check_endpoint(endpoint: str) -> str:
    parts = urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/"):
        raise InvalidInput(N_("{url} is not an http(s) endpoint URL."), url=endpoint)
    return f"{parts.scheme}://{parts.netloc}"


class DestinationStore:
    def __init__(self, vault: Vault) -> None:
        self.vault = vault
        self.conn = vault.conn

    def add_sftp(
        self,
        name: str,
        url: str,
        host_key: str,
        *,
        ssh_key: str | None = None,
        password: str | None = None,
    ) -> Destination:
        """Store an SFTP destination; with neither key nor password the vault makes a key."""
        name = check_name(name)
        address = parse_sftp(url)
        if not HOST_KEY.fullmatch(host_key):
            raise InvalidInput(
                N_("{key} is not a host key fingerprint (SHA256: and 43 characters)."),
                key=host_key,
            )
        if ssh_key is not None and password is not None:
            raise InvalidInput(N_("Give an SSH key or a password, not both."))
        public: str | None = None
        if password is not None:
            secret: dict[str, str] = {"password": _secret_text(password)}
        elif ssh_key is not None:
            load_private_key(_secret_text(ssh_key))  # refused now, not at the first send
            secret = {"ssh_key": ssh_key}
        else:
            private, public = generate_ssh_key()
            secret = {"ssh_key": private}
        canonical = f"sftp://{address.user}@{address.host}:{address.port}{address.path}"
        return self._add(name, SFTP, canonical, host_key, None, public, secret)

    def add_s3(self, name: str, url: str, endpoint: str, key_id: str, secret: str) -> Destination:
        name = check_name(name)
        bucket, prefix = parse_s3(url)
        canonical = f"s3://{bucket}/{prefix}" if prefix else f"s3://{bucket}"
        credentials = {"key_id": _secret_text(key_id), "secret": _secret_text(secret)}
        return self._add(name, S3, canonical, None, _check_endpoint(endpoint), None, credentials)

    def _add(
        self,
        name: str,
        kind: str,
        url: str,
        host_key: str | None,
        endpoint: str | None,
        public_key: str | None,
        secret: dict[str, str],
    ) -> Destination:
        permissions.require(self.vault.user, permissions.ADD_TRUST)
        with self.vault.transaction() as conn:
            if conn.execute("SELECT 1 FROM destinations WHERE name = ?", (name,)).fetchone():
                raise InvalidInput(N_("There is already a destination named {name}."), name=name)
            now, who = self.vault.now(), self.vault.user.name
            conn.execute(
                "INSERT INTO destinations (name, kind, url, host_key, endpoint, public_key,"
                " secret, added_at, added_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (name, kind, url, host_key, endpoint, public_key, json.dumps(secret), now, who),
            )
            # The name is a label people chose: the audit keeps the kind only.
            self.vault.audit("destination.add", kind)
        return self.get(name)

    def list(self) -> list[Destination]:
        rows = self.conn.execute(
            "SELECT name, kind, url, host_key, endpoint, public_key, added_at, added_by"
            " FROM destinations ORDER BY name"
        )
        return [Destination(*row) for row in rows]

    def get(self, name: str) -> Destination:
        row = self.conn.execute(
            "SELECT name, kind, url, host_key, endpoint, public_key, added_at, added_by"
            " FROM destinations WHERE name = ?",
            (name,),
        ).fetchone()
        if row is None:
            raise NotFound(N_("There is no destination named {name}."), name=name)
        return Destination(*row)

    def remove(self, name: str) -> Destination:
        permissions.require(self.vault.user, permissions.REMOVE_TRUST)
        found = self.get(name)
        with self.vault.transaction() as conn:
            conn.execute("DELETE FROM destinations WHERE name = ?", (name,))
            self.vault.audit("destination.remove", found.kind)
        return found

    def transport(self, name: str) -> Transport:
        """A connection to the destination, with its credentials from the vault."""
        found = self.get(name)
        (text,) = self.conn.execute(
            "SELECT secret FROM destinations WHERE name = ?", (name,)
        ).fetchone()
        secret: dict[str, Any] = json.loads(text)
        if found.kind == SFTP:
            address = parse_sftp(found.url)
            return SftpTransport(
                address.host,
                address.port,
                address.user,
                address.path,
                found.host_key or "",
                private_key=secret.get("ssh_key"),
                password=secret.get("password"),
            )
        bucket, prefix = parse_s3(found.url)
        return S3Transport(found.endpoint or "", bucket, prefix, secret["key_id"], secret["secret"])


def _secret_text(text: str) -> str:
    if not text or len(text) > MAX_SECRET_CHARS:
        raise InvalidInput(N_("A credential is empty or too long."))
    return text
