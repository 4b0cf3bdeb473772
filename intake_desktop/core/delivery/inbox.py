"""The coordinator's side of delivery: fetch bundles from a destination and import them.

``inbox fetch DEST`` lists the destination, picks the bundles this vault has
not imported yet (named ``<device fingerprint>/<sequence>-<bundle id>.intake``
as the outbox writes them), downloads each into the vault's private
``inbox/`` folder (resuming a download cut earlier), checks its size against
the listing, and imports it exactly as ``import`` does: signature against the
trust store, quarantine for an unknown signer, conflicts kept for a person.
A download is only ever ciphertext on disk, and it is deleted once imported
or kept in quarantine.

Bundles are taken per device in sequence order. A file that can never be
imported (not addressed to this vault, damaged) is remembered with its size
and not downloaded again until it changes.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import identity, receipts
from ..bundle import importer
from ..errors import BundleRejected, IntakeError, NotFound, error_json
from ..files import make_private_dir
from ..fingerprint import signing_key_fingerprint
from ..i18n import N_
from .destinations import DestinationStore
from .transport import NotDelivered, RemoteFile, Transport

if TYPE_CHECKING:
    from ..vault import Vault

INBOX_DIR = "inbox"
REMOTE_NAME = re.compile(
    r"(?P<device>[0-9A-Z]{4}(?:-[0-9A-Z]{4}){5})/(?P<sequence>[0-9]{1,12})-"
    r"(?P<bundle>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.intake"
)
REFUSED = "refused"  # the status of a file that could not be imported, beside importer's

Progress = Callable[[int, int], None]
# remote name, its bundle id and the file's place in this fetch (1-based, of all)
Starting = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Waiting:
    name: str
    size: int
    device: str  # the sender's fingerprint, as the name claims it (the signature decides)
    sequence: int
    bundle_id: str


@dataclass
class Fetched:
    name: str
    size: int
    status: str  # importer's statuses, or REFUSED
    result: importer.ImportResult | None = None
    error: str | None = None  # why it was refused, in plain words
    exit_code: int = 0

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"remote_name": self.name, "size": self.size, "status": self.status}
        if self.result is not None:
            out["import"] = self.result.as_json()
        if self.error is not None:
            out["error"] = self.error
        return out


def _imported(vault: Vault) -> set[tuple[str, str]]:
    """(signer fingerprint, bundle id) of every bundle imported or held in quarantine."""
    seen: set[tuple[str, str]] = set()
    fingerprints: dict[str, str] = {}
    rows = vault.conn.execute(
        "SELECT signing_key, bundle_id FROM bundles_in"
        " UNION SELECT signing_key, bundle_id FROM quarantine"
    )
    for key, bundle_id in rows:
        if key not in fingerprints:
            try:
                fingerprints[key] = signing_key_fingerprint(key)
            except IntakeError:
                continue
        seen.add((fingerprints[key], str(bundle_id)))
    return seen


def waiting(vault: Vault, destination: str, listed: list[RemoteFile]) -> list[Waiting]:
    """The listed bundles to fetch: not ours, not imported, not refused at this size."""
    own = signing_key_fingerprint(identity.load(vault.conn).signing_key)
    seen = _imported(vault)
    refused = {
        (str(name), int(size))
        for name, size in vault.conn.execute(
            "SELECT remote_name, size FROM inbox_refused WHERE destination = ?", (destination,)
        )
    }
    found: list[Waiting] = []
    for remote in listed:
        match = REMOTE_NAME.fullmatch(remote.name)
        if match is None or match["device"] == own:
            continue
        if (match["device"], match["bundle"]) in seen or (remote.name, remote.size) in refused:
            continue
        found.append(
            Waiting(
                remote.name, remote.size, match["device"], int(match["sequence"]), match["bundle"]
            )
        )
    return sorted(found, key=lambda w: (w.device, w.sequence))


def fetch(
    vault: Vault,
    destination: str,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
    starting: Starting | None = None,
) -> list[Fetched]:
    """Download and import every bundle waiting at ``destination``.

    Stops with NotDelivered (exit 14) when the server cannot be reached or
    a download is cut; what was imported stays imported and a partial
    download resumes next time.
    """
    store = DestinationStore(vault)
    store.get(destination)
    transport = store.transport(destination)
    results: list[Fetched] = []
    try:
        listed = transport.list("")
        todo = waiting(vault, destination, listed)
        folder = vault.path / INBOX_DIR
        make_private_dir(folder)
        for number, item in enumerate(todo, start=1):
            if starting is not None:
                starting(item.name, number, len(todo))
            results.append(
                _fetch_one(vault, destination, transport, folder, item, progress, cancelled)
            )
        _upload_receipts(vault, transport, folder, listed)
    except NotDelivered:
        # The transport's words are for the outbox, which retries by itself;
        # a fetch is tried again by whoever started it.
        raise NotDelivered(
            N_(
                "Could not reach {destination}, or a download was cut; {count} bundle(s)"
                " were imported before that. Fetch again later to go on."
            ),
            destination=destination,
            count=len(results),
        ) from None
    finally:
        transport.close()
    return results


def _upload_receipts(
    vault: Vault, transport: Transport, folder: Path, listed: list[RemoteFile]
) -> None:
    """Put the receipt of every bundle imported from here beside it, once.

    ``receipts/<this vault's fingerprint>/<bundle id>.json`` and its
    ``.minisig``, the signature first: the laptop that sent the bundle takes
    a receipt only once both are there.
    """
    own = signing_key_fingerprint(identity.load(vault.conn).signing_key)
    present = {f.name for f in listed}
    seen = _imported(vault)
    for remote in listed:
        match = REMOTE_NAME.fullmatch(remote.name)
        if match is None or (match["device"], match["bundle"]) not in seen:
            continue
        name = f"{receipts.REMOTE_FOLDER}/{own}/{match['bundle']}.json"
        if name in present:
            continue
        try:
            signed = receipts.issued(vault, match["bundle"])
        except NotFound:
            continue  # in quarantine, or imported before receipts existed
        local = folder / f"{match['bundle']}.receipt"
        try:
            document, signature = signed.write(local)
            transport.upload(signature, name + receipts.SIGNATURE_SUFFIX)
            transport.upload(document, name)
        finally:
            for path in (local, receipts.signature_path_of(local)):
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()


def _fetch_one(
    vault: Vault,
    destination: str,
    transport: Transport,
    folder: Path,
    item: Waiting,
    progress: Progress | None,
    cancelled: Callable[[], bool] | None,
) -> Fetched:
    # Named by destination and remote name, so a cut download resumes into the same file.
    local = folder / (
        hashlib.sha256(f"{destination}\0{item.name}".encode()).hexdigest()[:32] + ".part"
    )
    size = transport.download(item.name, local, progress, cancelled)
    if size != item.size:
        # Replaced on the server since it was listed: the next fetch takes the new one.
        with contextlib.suppress(FileNotFoundError):
            local.unlink()
        raise NotDelivered(
            N_("{name} changed on the server while it was fetched."),
            name=item.name,
        )
    try:
        result = importer.import_bundle(vault, local, None, cancelled)
    except BundleRejected as exc:
        with vault.transaction() as conn:
            conn.execute(
                "INSERT INTO inbox_refused (destination, remote_name, size, error, at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (destination, remote_name) DO UPDATE"
                " SET size = excluded.size, error = excluded.error, at = excluded.at",
                (destination, item.name, item.size, error_json(exc), vault.now()),
            )
        with contextlib.suppress(FileNotFoundError):
            local.unlink()
        return Fetched(item.name, item.size, REFUSED, error=str(exc), exit_code=exc.exit_code)
    with contextlib.suppress(FileNotFoundError):
        local.unlink()
    return Fetched(item.name, item.size, str(result.status), result=result)
