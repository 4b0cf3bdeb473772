"""The trust store: other devices' signing keys and recipients, pinned by name.

A key enters only after a person compared its fingerprint out of band (the
command line and the UI ask; this module stores). Bundle signatures are
checked against these pinned keys only, and export goes only to recipients
found here. Names are labels people choose ("Kabul office", a colleague's
name), so they may be personal: the audit log records the fingerprint.

A device is *revoked* (a lost or seized laptop) rather than removed when what
it signed before must stay readable: it stays in the store with the time of
its revocation, bundles it made at or after that time are refused, and its
certifications say they were signed before the revocation. The time compared
is the one the device itself wrote (a bundle's ``created_at``, a
certification's ``certified_at``): a thief holding the key can backdate, so
revocation limits an honest device's later work and tells people what to
trust; it proves nothing about what a thief signs. Revoke early.
"""

from __future__ import annotations

import unicodedata
from dataclasses import asdict, dataclass, replace
from typing import TYPE_CHECKING, Final

from . import identity, permissions
from .clock import parse_stamp, stamp
from .errors import BundleRejected, InvalidInput, NotFound
from .fingerprint import (
    looks_like_key,
    parse_recipient,
    parse_signing_key,
    recipient_fingerprint,
    signing_key_fingerprint,
)
from .i18n import N_

if TYPE_CHECKING:
    from .vault import Vault

DEVICE = "device"
RECIPIENT = "recipient"
MAX_NAME_CHARS = 64
_JOINERS = frozenset("\u200c\u200d")  # ZWNJ/ZWJ belong in Dari and Pashto spelling


@dataclass(frozen=True)
class TrustEntry:
    name: str
    kind: str  # DEVICE (a minisign signing key) or RECIPIENT (an age recipient)
    key: str  # canonical: base64 "RW..." or lower-case "age1..."
    fingerprint: str
    added_at: str
    added_by: str
    # A recipient cleared to receive names marked as withheld (counsel filing
    # for the family); export leaves such names out for the others.
    withheld_names: bool = False
    # A device's signatures made from this time on (a vault stamp) are refused.
    revoked_at: str | None = None
    # A recipient whose bundles carry each case's counsel packet (a PDF).
    packets: bool = False

    def as_json(self) -> dict[str, str | bool | None]:
        return asdict(self)

    def signed_before_revocation(self, signed_at: str) -> bool:
        """Whether a signature dated ``signed_at`` (the signer's own claim) still counts.

        An unreadable date counts as after: only a date the device wrote
        before its revocation keeps the signature.
        """
        if self.revoked_at is None:
            return True
        try:
            return parse_stamp(signed_at) < parse_stamp(self.revoked_at)
        except ValueError:
            return False


def check_name(name: str) -> str:
    """The name as stored (NFC), or InvalidInput.

    No control, format (bidi) or leading/trailing space characters, which
    could make two names look alike; and nothing that reads as a key, since
    export takes a name or a recipient in the same place.
    """
    name = unicodedata.normalize("NFC", name)
    printable = all(ch.isprintable() or ch in _JOINERS for ch in name)
    if not 1 <= len(name) <= MAX_NAME_CHARS or not printable or name.strip() != name:
        raise InvalidInput(
            N_("A trust name needs 1 to {count} printable characters."), count=MAX_NAME_CHARS
        )
    if looks_like_key(name):
        raise InvalidInput(N_("A trust name must not look like a key; choose a plain label."))
    return name


# A recipient's yes/no settings: the statement that changes each, and its audit action.
_SWITCHES: Final = {
    "packets": ("UPDATE trust SET packets = ? WHERE name = ?", "trust.packets"),
    "withheld_names": (
        "UPDATE trust SET withheld_names = ? WHERE name = ?",
        "trust.withheld_names",
    ),
}


def _same_name(a: str, b: str) -> bool:
    # Names differing only by case would be told apart by nobody reading them.
    return a.casefold() == b.casefold()


class TrustStore:
    def __init__(self, vault: Vault) -> None:
        self.vault = vault

    def entries(self) -> list[TrustEntry]:
        rows = self.vault.conn.execute(
            "SELECT name, kind, key, fingerprint, added_at, added_by, withheld_names, revoked_at,"
            " packets FROM trust ORDER BY kind, name"
        )
        return [
            TrustEntry(name, kind, key, fingerprint, at, by, bool(withheld), revoked, bool(pdf))
            for name, kind, key, fingerprint, at, by, withheld, revoked, pdf in rows
        ]

    def get(self, name: str) -> TrustEntry | None:
        """The entry with this name (compared as check_name stores it, ignoring case)."""
        wanted = unicodedata.normalize("NFC", name)
        return next((e for e in self.entries() if _same_name(e.name, wanted)), None)

    def device_for_key(self, signing_key: str, *, revoked_too: bool = False) -> TrustEntry | None:
        """The trusted device with exactly this public key, key id included.

        Matching the whole key (not the fingerprint, which leaves out the key
        id) means the pinned key is the one a signature is verified against.
        A revoked device is found only with ``revoked_too``: the caller then
        checks each signature's date (``signed_before_revocation``).
        """
        key = parse_signing_key(signing_key)
        entry = next((e for e in self.entries() if e.kind == DEVICE and e.key == key), None)
        if entry is not None and entry.revoked_at is not None and not revoked_too:
            return None
        return entry

    def refuse_if_revoked(self, signing_key: str, created_at: str) -> None:
        """BundleRejected if a revoked device made the bundle at or after its revocation."""
        entry = self.device_for_key(signing_key, revoked_too=True)
        if entry is None or entry.signed_before_revocation(created_at):
            return
        raise BundleRejected(
            N_(
                "The bundle was made by {name} after that device was revoked on {date};"
                " nothing was imported."
            ),
            name=entry.name,
            date=entry.revoked_at,
        )

    # Adding and removing

    def prepare_device(self, name: str, signing_key: str) -> TrustEntry:
        """What add_device would store, checked but not stored (to show before asking)."""
        key = parse_signing_key(signing_key)
        return self._candidate(name, DEVICE, key, signing_key_fingerprint(key))

    def prepare_recipient(self, name: str, recipient: str) -> TrustEntry:
        key = parse_recipient(recipient)
        return self._candidate(name, RECIPIENT, key, recipient_fingerprint(key))

    def add_device(self, name: str, signing_key: str) -> TrustEntry:
        return self._add(self.prepare_device(name, signing_key))

    def add_recipient(
        self, name: str, recipient: str, withheld_names: bool = False, packets: bool = False
    ) -> TrustEntry:
        entry = self.prepare_recipient(name, recipient)
        return self._add(replace(entry, withheld_names=withheld_names, packets=packets))

    def set_packets(self, name: str, wanted: bool) -> TrustEntry:
        """Send a recipient each case's counsel packet (a PDF) in its bundles, or stop."""
        return self._switch(name, "packets", wanted)

    def set_withheld_names(self, name: str, allowed: bool) -> TrustEntry:
        """Clear a recipient to receive withheld names, or stop sending them to it."""
        return self._switch(name, "withheld_names", allowed)

    def _switch(self, name: str, setting: str, on: bool) -> TrustEntry:
        permissions.require(self.vault.user, permissions.ADD_TRUST)
        update, action = _SWITCHES[setting]
        with self.vault.transaction() as conn:
            entry = self.get(name)
            if entry is None or entry.kind != RECIPIENT:
                raise NotFound(N_("No trusted recipient is named {name}."), name=name)
            conn.execute(update, (int(on), entry.name))
            self.vault.audit(f"{action}_{'on' if on else 'off'}", "trust", entry.fingerprint)
        if setting == "packets":
            return replace(entry, packets=on)
        return replace(entry, withheld_names=on)

    def prepare_revoke(self, name: str, at: str | None = None) -> TrustEntry:
        """What revoke would store, checked but not stored (to ask before revoking)."""
        permissions.require(self.vault.user, permissions.REMOVE_TRUST)
        now = self.vault.now()
        at = now if at is None else at
        try:
            moment = parse_stamp(at)
        except ValueError:
            raise InvalidInput(
                N_(
                    "The revocation time must be a UTC time like 2026-11-27T22:21:08Z;"
                    " nothing was changed."
                )
            ) from None
        if moment > parse_stamp(now):
            raise InvalidInput(N_("A revocation cannot be in the future; nothing was changed."))
        entry = self.get(name)
        if entry is None:
            raise NotFound(N_("Nothing is trusted under the name {name}."), name=name)
        if entry.kind != DEVICE:
            raise InvalidInput(
                N_(
                    "{name} is a recipient: only a device's signing key can be revoked. To"
                    " stop exporting to it, remove it instead; nothing was changed."
                ),
                name=entry.name,
            )
        # Moving a revocation later would accept signatures it refused.
        if entry.revoked_at is not None and parse_stamp(entry.revoked_at) <= moment:
            raise InvalidInput(
                N_("{name} was already revoked on {date}; nothing was changed."),
                name=entry.name,
                date=entry.revoked_at,
            )
        return replace(entry, revoked_at=stamp(moment))

    def revoke(self, name: str, at: str | None = None) -> TrustEntry:
        """Refuse a device's signatures from ``at`` (a vault stamp; now if None) on.

        It stays in the store, so what it signed before still verifies. A
        revocation can be moved earlier, never later.
        """
        with self.vault.transaction() as conn:
            entry = self.prepare_revoke(name, at)  # under the write lock
            conn.execute(
                "UPDATE trust SET revoked_at = ? WHERE name = ?", (entry.revoked_at, entry.name)
            )
            self.vault.audit("trust.revoke", "trust", entry.fingerprint)
        return entry

    def remove(self, name: str, *, forget_revocation: bool = False) -> TrustEntry:
        """Stop trusting ``name``. A revoked device stays listed unless ``forget_revocation``:
        its entry is what keeps its later bundles refused and its key from being trusted
        again; without it they would only be held in quarantine."""
        permissions.require(self.vault.user, permissions.REMOVE_TRUST)
        with self.vault.transaction() as conn:
            entry = self.get(name)
            if entry is None:
                raise NotFound(N_("Nothing is trusted under the name {name}."), name=name)
            if entry.revoked_at is not None and not forget_revocation:
                raise InvalidInput(
                    N_(
                        "{name} was revoked on {date}; removing it would forget the revocation,"
                        " and what it signs later would be held in quarantine instead of"
                        " refused. Nothing was changed."
                    ),
                    name=entry.name,
                    date=entry.revoked_at,
                )
            conn.execute("DELETE FROM trust WHERE name = ?", (entry.name,))
            self.vault.audit("trust.remove", "trust", entry.fingerprint)
        return entry

    def _candidate(self, name: str, kind: str, key: str, fingerprint: str) -> TrustEntry:
        # Also checked when only preparing: refused before anyone is asked to compare.
        permissions.require(self.vault.user, permissions.ADD_TRUST)
        entry = TrustEntry(
            check_name(name), kind, key, fingerprint, self.vault.now(), self.vault.user.name
        )
        self._check_new(entry)
        return entry

    def _check_new(self, entry: TrustEntry) -> None:
        own = identity.load(self.vault.conn)
        if entry.fingerprint in (
            signing_key_fingerprint(own.signing_key),
            recipient_fingerprint(own.age_recipient),
        ):
            raise InvalidInput(
                N_("That is this vault's own key; trust keys from other devices only.")
            )
        for existing in self.entries():
            if _same_name(existing.name, entry.name):
                raise InvalidInput(N_("The name {name} is already in use."), name=existing.name)
            # By fingerprint: the same Ed25519 key under another key id is the same signer.
            if existing.kind == entry.kind and existing.fingerprint == entry.fingerprint:
                if existing.revoked_at is not None:
                    raise InvalidInput(
                        N_("That key was revoked as {name} on {date}; it is not trusted again."),
                        name=existing.name,
                        date=existing.revoked_at,
                    )
                raise InvalidInput(N_("That key is already trusted as {name}."), name=existing.name)

    def _add(self, entry: TrustEntry) -> TrustEntry:
        with self.vault.transaction() as conn:
            # Again under the write lock: another program may have added it meanwhile.
            self._check_new(entry)
            conn.execute(
                "INSERT INTO trust (name, kind, key, fingerprint, added_at, added_by,"
                " withheld_names, packets) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    entry.name,
                    entry.kind,
                    entry.key,
                    entry.fingerprint,
                    entry.added_at,
                    entry.added_by,
                    int(entry.withheld_names and entry.kind == RECIPIENT),
                    int(entry.packets and entry.kind == RECIPIENT),
                ),
            )
            self.vault.audit("trust.add", "trust", entry.fingerprint)
        return entry

    # Export

    def resolve_recipients(self, names_or_recipients: list[str]) -> list[TrustEntry]:
        """The trusted recipients named (by name or by ``age1...``), in order, once each.

        An ``age1...`` not in the store is refused rather than used: export goes
        only to keys someone has verified.
        """
        found: list[TrustEntry] = []
        for item in names_or_recipients:
            entry = self._resolve_one(item)
            if entry not in found:
                found.append(entry)
        if not found:
            raise InvalidInput(N_("Name at least one trusted recipient."))
        return found

    def _resolve_one(self, item: str) -> TrustEntry:
        if not looks_like_key(item) and len(item) <= MAX_NAME_CHARS:
            entry = self.get(item)
            if entry is None:
                raise NotFound(N_("No trusted recipient is named {name}."), name=item)
            if entry.kind != RECIPIENT:
                raise InvalidInput(
                    N_("{name} is a trusted device (signing key), not a recipient."),
                    name=entry.name,
                )
            return entry
        key = parse_recipient(item)  # refuses secrets and malformed keys without echoing
        for entry in self.entries():
            if entry.kind == RECIPIENT and entry.key == key:
                return entry
        fingerprint = recipient_fingerprint(key)
        if key == identity.load(self.vault.conn).age_recipient:
            raise InvalidInput(N_("That is this vault's own recipient; name another's."))
        raise InvalidInput(
            N_(
                "The recipient {fingerprint} is not trusted: compare its fingerprint with its "
                "owner, add it with trust add-recipient, then try again."
            ),
            fingerprint=fingerprint,
        )
