"""The outbox: bundles written for a destination, sent when a connection appears.

``export --send DEST`` writes the bundle (still encrypted, as it travels)
into the vault's ``outbox/`` folder and queues it in the same transaction
that gives the bundle its number, so a number is never taken by a bundle
that is neither sent nor waiting. A send pass uploads what is due:

* ``queued`` → ``sending`` → ``sent`` once the destination holds the whole
  file under its final name, checked by size (``receipted`` comes with
  receipts). Nothing local is deleted because of a send.
* An upload that fails stays ``queued`` with the reason in plain words and
  a next try after a backoff of about 30 s doubling up to an hour, with
  jitter so many laptops coming online together do not retry in step.
  A refusal a person must settle (host key, login, permission) waits the
  full hour and is flagged ``refused``.
* One pass at a time per vault (an OS lock on ``outbox/.send.lock``): the
  app and the command line never send the same file at once, and an entry
  left ``sending`` by a killed program is queued again by the next pass.
* The remote name is ``<device fingerprint>/<sequence>-<bundle id>.intake``
  on every try, so a retry resumes the same upload and never makes a copy.
"""

from __future__ import annotations

import contextlib
import logging
import os
import random
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from .. import identity, receipts
from ..bundle.export import ExportResult, export_bundle
from ..bundle.format import RecipientRef
from ..bundle.packets import PacketRenderer
from ..check import OUTBOX_DIR
from ..clock import parse_stamp, stamp
from ..errors import Cancelled, IntakeError, InvalidInput, NotFound, VaultBusy, error_json
from ..files import PRIVATE_FILE_MODE, file_sha256, make_private_dir
from ..fingerprint import signing_key_fingerprint
from ..i18n import N_
from ..locking import try_lock, unlock
from .destinations import DestinationStore
from .entries import (
    LAST_RETRY,
    QUEUED,
    SELECT_ALL,
    SELECT_ONE,
    SENDING,
    SENT,
    UNSENT,
    OutboxEntry,
    SendBusy,
    SendResult,
    retry_delay,
)
from .transport import DestinationRefused, NotDelivered, Transport, Uploaded

__all__ = ["Collected", "Outbox", "OutboxEntry", "SendBusy", "SendResult"]


@dataclass(frozen=True)
class Collected:
    """A receipt found on a destination: taken, or refused with the reason."""

    bundle_id: str
    taken: receipts.Taken | None
    refused: str | None


if TYPE_CHECKING:
    from ..vault import Vault

log = logging.getLogger(__name__)

SEND_LOCK = ".send.lock"
SUFFIX = ".intake"
ORPHAN_AGE = 24 * 3600  # a bundle file no entry names, older than this, is an export that died
PROGRESS_EVERY = 2.0  # seconds between writes of sent_bytes while sending

_UNMETERED = "outbox.unmetered_only"
EntryProgress = Callable[[int, int, int], None]  # entry id, bytes done, bytes in all


class Outbox:
    def __init__(self, vault: Vault, rng: Callable[[], float] = random.random) -> None:
        self.vault = vault
        self.conn = vault.conn
        self.rng = rng
        self.folder = vault.path / OUTBOX_DIR

    # -- reading ----------------------------------------------------------------

    def entries(self) -> list[OutboxEntry]:
        """Every entry, newest first; one a killed program left ``sending`` shows as queued."""
        found = [OutboxEntry.from_row(r) for r in self.conn.execute(SELECT_ALL)]
        if any(e.state == SENDING for e in found) and not self._sending_elsewhere():
            found = [e.queued_again() for e in found]
        return found

    def get(self, entry_id: int) -> OutboxEntry:
        row = self.conn.execute(SELECT_ONE, (entry_id,)).fetchone()
        if row is None:
            raise NotFound(N_("There is no outbox entry {id}."), id=entry_id)
        return OutboxEntry.from_row(row)

    def waiting_count(self) -> int:
        """Bundles not yet on their destination (paused ones included)."""
        (count,) = self.conn.execute(
            "SELECT count(*) FROM outbox WHERE state IN (?, ?)", UNSENT
        ).fetchone()
        return int(count)

    def seconds_to_next_try(self) -> float | None:
        """When the next unpaused entry is due (0: now); None when nothing waits."""
        row = self.conn.execute(
            "SELECT min(coalesce(next_try, '')) FROM outbox WHERE state IN (?, ?) AND paused = 0",
            UNSENT,
        ).fetchone()
        if row is None or row[0] is None:
            return None
        if not row[0]:
            return 0.0
        return max(0.0, (parse_stamp(row[0]) - self.vault.clock()).total_seconds())

    @property
    def unmetered_only(self) -> bool:
        """The app sends only on connections the platform says are not metered."""
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (_UNMETERED,)).fetchone()
        return row is not None and row[0] == "1"

    def set_unmetered_only(self, value: bool) -> None:
        with self.vault.transaction() as conn:
            conn.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (_UNMETERED, "1" if value else "0"),
            )

    def path_of(self, entry: OutboxEntry) -> Path:
        return self.folder / entry.file

    # -- queueing -----------------------------------------------------------------

    def export(
        self,
        destination: str,
        recipients: list[RecipientRef],
        case_ids: list[str] | None,
        progress: Callable[[int, int], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
        override_consent: bool = False,
        packets: PacketRenderer | None = None,
    ) -> tuple[OutboxEntry, ExportResult]:
        """Write a bundle into the outbox and queue it for ``destination`` (``packets``:
        as ``export_bundle``)."""
        DestinationStore(self.vault).get(destination)  # refused before any work
        make_private_dir(self.folder)
        path = self.folder / f"{uuid.uuid4().hex}{SUFFIX}"
        device = signing_key_fingerprint(identity.load(self.conn).signing_key)
        queued: list[int] = []

        def recorded(result: ExportResult) -> None:
            remote = f"{device}/{result.sequence}-{result.bundle_id}{SUFFIX}"
            cursor = self.conn.execute(
                "INSERT INTO outbox (bundle_id, sequence, destination, file, remote_name,"
                " state, size, sha256, next_try, created_at, created_by)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)",
                (
                    result.bundle_id,
                    result.sequence,
                    destination,
                    path.name,
                    remote,
                    QUEUED,
                    result.size,
                    file_sha256(path),
                    self.vault.now(),
                    self.vault.user.name,
                ),
            )
            self.vault.audit("outbox.queue", "bundle", result.bundle_id)
            queued.append(int(cursor.lastrowid or 0))

        try:
            result = export_bundle(
                self.vault,
                recipients,
                path,
                case_ids,
                progress,
                cancelled,
                override_consent,
                recorded=recorded,
                packets=packets,
            )
        except BaseException:
            if not queued:
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
            raise
        return self.get(queued[0]), result

    # -- a person's actions --------------------------------------------------------

    def pause(self, entry_id: int, paused: bool = True) -> OutboxEntry:
        entry = self.get(entry_id)
        if not entry.waiting:
            raise InvalidInput(
                N_("Outbox entry {id} was sent already; there is nothing to pause."), id=entry_id
            )
        with self.vault.transaction() as conn:
            conn.execute("UPDATE outbox SET paused = ? WHERE id = ?", (int(paused), entry_id))
            self.vault.audit(
                "outbox.pause" if paused else "outbox.resume", "bundle", entry.bundle_id
            )
        return self.get(entry_id)

    def remove(self, entry_id: int) -> OutboxEntry:
        """Forget an entry and delete its local bundle file (the cases stay in the vault)."""
        entry = self.get(entry_id)
        if entry.state == SENDING and self._sending_elsewhere():
            raise InvalidInput(
                N_("Outbox entry {id} is being sent right now; pause it or wait, then remove it."),
                id=entry_id,
            )
        path = self.path_of(entry)

        def unlink() -> None:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()

        with self.vault.transaction() as conn:
            conn.execute("DELETE FROM outbox WHERE id = ?", (entry_id,))
            self.vault.audit("outbox.remove", "bundle", entry.bundle_id)
            self.vault.after_transaction(unlink, lambda: None)
        return entry

    # -- sending ----------------------------------------------------------------

    def send(
        self,
        ids: list[int] | None = None,
        *,
        force: bool = False,
        progress: EntryProgress | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> list[SendResult]:
        """One pass over what is due (``force``: whatever waits, due or not; paused never).

        Raises SendBusy when another program is sending from this outbox.
        """
        with self._send_lock():
            with self.vault.transaction() as conn:
                conn.execute("UPDATE outbox SET state = ? WHERE state = ?", (QUEUED, SENDING))
            self._sweep()
            due = self._due(ids, force)
            transports: dict[str, Transport] = {}
            results: list[SendResult] = []
            try:
                for entry_id in due:
                    if cancelled is not None and cancelled():
                        raise Cancelled(N_("Sending was stopped; it resumes on the next try."))
                    result = self._send_one(entry_id, transports, progress, cancelled)
                    if result is not None:
                        results.append(result)
            finally:
                for transport in transports.values():
                    with contextlib.suppress(Exception):
                        transport.close()
            return results

    def _due(self, ids: list[int] | None, force: bool) -> list[int]:
        now = self.vault.now()
        rows = self.conn.execute(
            "SELECT id, next_try FROM outbox WHERE state = ? AND paused = 0 ORDER BY id",
            (QUEUED,),
        ).fetchall()
        chosen = [
            int(i)
            for i, next_try in rows
            if (ids is None or i in ids) and (force or next_try is None or next_try <= now)
        ]
        if ids is not None:
            for i in ids:
                self.get(i)  # an unknown id is an error, not silence
        return chosen

    def _send_one(
        self,
        entry_id: int,
        transports: dict[str, Transport],
        progress: EntryProgress | None,
        cancelled: Callable[[], bool] | None,
    ) -> SendResult | None:
        try:
            entry = self.get(entry_id)
        except NotFound:
            return None  # removed since the pass chose it
        if entry.paused or entry.state != QUEUED:
            return None  # paused since the pass chose it
        with self.vault.transaction() as conn:
            conn.execute(
                "UPDATE outbox SET state = ?, attempts = attempts + 1 WHERE id = ?",
                (SENDING, entry_id),
            )
        done, written = entry.sent_bytes, time.monotonic()

        def moved(sent: int, total: int) -> None:
            nonlocal done, written
            done = sent
            if progress is not None:
                progress(entry_id, sent, total)
            if time.monotonic() - written >= PROGRESS_EVERY:
                written = time.monotonic()
                # Only for other programs' lists: a busy vault skips one update.
                with contextlib.suppress(VaultBusy), self.vault.transaction() as conn:
                    conn.execute("UPDATE outbox SET sent_bytes = ? WHERE id = ?", (sent, entry_id))

        try:
            path = self.path_of(entry)
            if not path.is_file():
                raise DestinationRefused(
                    N_(
                        "The bundle file of outbox entry {id} is missing from the vault's "
                        "outbox folder; remove the entry and export again."
                    ),
                    id=entry_id,
                )
            transport = transports.get(entry.destination)
            if transport is None:
                transport = DestinationStore(self.vault).transport(entry.destination)
                transports[entry.destination] = transport
            uploaded = transport.upload(path, entry.remote_name, moved, cancelled)
        except Cancelled:
            self._failed(entry, done, None, refused=False, retry_now=True)
            raise
        except IntakeError as exc:
            # Not reachable now (NotDelivered) or refused until a person acts
            # (a host key, a login, a missing destination or file).
            refused = not isinstance(exc, NotDelivered)
            transports.pop(entry.destination, None)
            return SendResult(self._failed(entry, done, exc, refused=refused))
        except BaseException:
            # A bug: the entry waits for the next pass; the error surfaces as one.
            self._failed(entry, done, None, refused=False)
            raise
        return self._sent(entry, uploaded)

    def _sent(self, entry: OutboxEntry, uploaded: Uploaded) -> SendResult:
        with self.vault.transaction() as conn:
            conn.execute(
                "UPDATE outbox SET state = ?, sent_bytes = ?, next_try = NULL, error = NULL,"
                " refused = 0, sent_at = ? WHERE id = ?",
                (SENT, uploaded.size, self.vault.now(), entry.id),
            )
            self.vault.audit("outbox.sent", "bundle", entry.bundle_id)
        return SendResult(
            self.get(entry.id),
            resumed_from=uploaded.resumed_from,
            resent=uploaded.resent,
            already_there=uploaded.already_there,
        )

    def _failed(
        self,
        entry: OutboxEntry,
        sent_bytes: int,
        exc: IntakeError | None,
        *,
        refused: bool,
        retry_now: bool = False,
    ) -> OutboxEntry:
        attempts = entry.attempts + 1
        if retry_now:
            next_try = self.vault.now()
        else:
            delay = LAST_RETRY if refused else retry_delay(attempts, self.rng)
            next_try = stamp(self.vault.clock() + timedelta(seconds=delay))
        if exc is None and not retry_now:
            exc = IntakeError(N_("An unexpected error stopped the send; it will be tried again."))
        error = error_json(exc) if exc is not None else entry.error
        with self.vault.transaction() as conn:
            conn.execute(
                "UPDATE outbox SET state = ?, sent_bytes = ?, next_try = ?, error = ?,"
                " refused = ? WHERE id = ?",
                (QUEUED, sent_bytes, next_try, error, int(refused), entry.id),
            )
        return self.get(entry.id)

    # -- receipts -----------------------------------------------------------------

    def collect_receipts(self) -> list[Collected]:
        """Take the receipts importers left beside the bundles this vault sent.

        Per destination with bundles ``sent`` and not yet receipted: list
        ``receipts/``, fetch each receipt of one of them (with its signature)
        and take it (core/receipts.py checks the signer against the trust
        store). A destination that cannot be reached or read is left for the
        next time; a receipt refused is reported and left on the server.
        """
        rows = self.conn.execute(
            "SELECT destination, bundle_id FROM outbox WHERE state = ?", (SENT,)
        ).fetchall()
        wanted: dict[str, set[str]] = {}
        for destination, bundle_id in rows:
            wanted.setdefault(str(destination), set()).add(str(bundle_id))
        found: list[Collected] = []
        for destination, bundles in sorted(wanted.items()):
            try:
                transport = DestinationStore(self.vault).transport(destination)
            except NotFound:
                continue
            try:
                found += self._receipts_from(transport, bundles)
            except IntakeError as exc:  # unreachable, or not allowed to list: next time
                log.info("No receipts from a destination: %s", type(exc).__name__)
            finally:
                transport.close()
        return found

    def _receipts_from(self, transport: Transport, bundles: set[str]) -> list[Collected]:
        listed = {f.name for f in transport.list(receipts.REMOTE_FOLDER + "/")}
        found: list[Collected] = []
        for name in sorted(listed):
            bundle_id = name.rsplit("/", 1)[-1].removesuffix(".json")
            signature = name + receipts.SIGNATURE_SUFFIX
            if not name.endswith(".json") or bundle_id not in bundles or signature not in listed:
                continue
            local = self.folder / f".{bundle_id}.receipt"
            try:
                transport.download(name, local)
                transport.download(signature, receipts.signature_path_of(local))
                signed = receipts.read(local)
            finally:
                for path in (local, receipts.signature_path_of(local)):
                    with contextlib.suppress(FileNotFoundError):
                        path.unlink()
            try:
                found.append(Collected(bundle_id, receipts.take(self.vault, signed), None))
            except receipts.ReceiptRefused as exc:
                found.append(Collected(bundle_id, None, str(exc)))
        return found

    # -- housekeeping -------------------------------------------------------------

    @contextlib.contextmanager
    def _send_lock(self) -> Iterator[None]:
        make_private_dir(self.folder)
        fd = os.open(self.folder / SEND_LOCK, os.O_RDWR | os.O_CREAT, PRIVATE_FILE_MODE)
        try:
            if not try_lock(fd):
                raise SendBusy(
                    N_("Another program is sending from this vault's outbox; try again shortly.")
                )
            try:
                yield
            finally:
                unlock(fd)
        finally:
            os.close(fd)

    def _sending_elsewhere(self) -> bool:
        try:
            with self._send_lock():
                return False
        except SendBusy:
            return True

    def _sweep(self) -> None:
        """Remove bundle files no entry names, left by an export that died (old ones only)."""
        if not self.folder.is_dir():
            return
        known = {str(r[0]) for r in self.conn.execute("SELECT file FROM outbox")}
        cutoff = time.time() - ORPHAN_AGE
        for path in self.folder.iterdir():
            if path.name == SEND_LOCK or path.name in known:
                continue
            with contextlib.suppress(FileNotFoundError):
                if path.is_file() and path.stat().st_mtime < cutoff:
                    path.unlink()
                    log.info("Removed a bundle file no outbox entry named")
