"""This vault's public keys to hand out, and the devices and recipients it trusts.

The Keys dialog and its trust dialogs read and change trust only here. The
vault's secret keys never leave this service: ``own_keys()`` hands out the
public halves and their fingerprints. Trust changes are quick (one row), so
they run on the session's connection; the core checks who may make them
(``core/permissions.py``) and refuses with a message the dialog shows.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...core import identity, permissions
from ...core.fingerprint import recipient_fingerprint, signing_key_fingerprint
from ...core.trust import TrustEntry, TrustStore
from ...core.vault import Vault
from ..jobs.job import Jobs


@dataclass(frozen=True)
class OwnKeys:
    """This vault's public keys, each with the fingerprint people read aloud."""

    age_recipient: str
    recipient_fingerprint: str
    signing_key: str
    signing_fingerprint: str


class KeyService:
    def __init__(self, vault: Vault, jobs: Jobs) -> None:
        self.vault = vault
        self.jobs = jobs
        self._trust = TrustStore(vault)

    # This vault's keys

    def own_keys(self) -> OwnKeys:
        own = identity.load(self.vault.conn)
        return OwnKeys(
            age_recipient=own.age_recipient,
            recipient_fingerprint=recipient_fingerprint(own.age_recipient),
            signing_key=own.signing_key,
            signing_fingerprint=signing_key_fingerprint(own.signing_key),
        )

    # Who may change trust (the core refuses the others anyway)

    @property
    def may_trust(self) -> bool:
        """Add a device or a recipient, or choose what a recipient's bundles carry."""
        return permissions.may(self.vault.user, permissions.ADD_TRUST)

    @property
    def may_untrust(self) -> bool:
        return permissions.may(self.vault.user, permissions.REMOVE_TRUST)

    # The trust store

    def trusted(self) -> list[TrustEntry]:
        return self._trust.entries()

    def trusted_entry(self, name: str) -> TrustEntry | None:
        return self._trust.get(name)

    def trust_device(self, name: str, signing_key: str) -> TrustEntry:
        return self._trust.add_device(name, signing_key)

    def trust_recipient(
        self, name: str, recipient: str, *, withheld_names: bool, packets: bool = False
    ) -> TrustEntry:
        return self._trust.add_recipient(
            name, recipient, withheld_names=withheld_names, packets=packets
        )

    def set_withheld_names(self, name: str, allowed: bool) -> TrustEntry:
        return self._trust.set_withheld_names(name, allowed)

    def set_packets(self, name: str, wanted: bool) -> TrustEntry:
        """Carry each case's counsel packet (a PDF) in bundles to this recipient, or stop."""
        return self._trust.set_packets(name, wanted)

    def untrust(self, name: str, forget_revocation: bool = False) -> TrustEntry:
        return self._trust.remove(name, forget_revocation=forget_revocation)

    def revoke(self, name: str) -> TrustEntry:
        """Refuse the device's bundles and signatures made from now on; keep what came before."""
        return self._trust.revoke(name)
