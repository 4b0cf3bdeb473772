"""Signed statements about a statement's texts: a translator's certification, a read-back.

Both are stored in the statement record's body (``certification``,
``read_back``), so they travel in bundles with it. Each names the SHA-256 of
the exact texts it is about (UTF-8, as stored) and is signed with the
signer's own minisign key (core/user_keys.py; Ed25519, prehashed) over its
canonical JSON (every field but ``signature`` and ``endorsement``; keys
sorted, no spaces, UTF-8). ``endorsement`` is the producing vault's device
key's signed statement that the signer's key is that user's, so:

* whether it still holds is computed by hashing the texts again, never read
  from a stored flag: editing either text, or a language, makes it **void**;
* whether it is genuine is the signature, and the endorsement's signature
  by a device key this vault holds: its own or one someone pinned in the
  trust store (``trust.py``), never a key because the record names it. A
  device revoked in the trust store vouches only for what was dated
  (``certified_at``, ``recorded_at``) before its revocation.

Attestations made before users had keys of their own are signed by the
device key itself and carry no endorsement; they are checked as they were.

Counsel can check one with standard tools: write the canonical JSON to a
file and its ``signature`` to ``file.minisig``, then ``minisign -V -P <the
signing_key> -m file``; the endorsement the same way with its
``device_key``; ``sha256sum`` of the texts gives the two hashes
(docs/bundle-format.md).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Final

import minisign

from . import identity, user_keys
from .clock import parse_stamp
from .errors import BundleRejected, InvalidInput
from .fields import Boolean, Choice, Date, Obj, Text, invalid
from .fingerprint import parse_signing_key, signing_key_fingerprint
from .i18n import N_
from .trust import DEVICE, TrustStore

if TYPE_CHECKING:
    from .vault import Vault

CERTIFICATION: Final = "certification"
READ_BACK: Final = "read_back"
FORMATS: Final = {
    CERTIFICATION: "translation-certification-v1",
    READ_BACK: "read-back-v1",
}
TRUSTED_COMMENTS: Final = {
    CERTIFICATION: "intake-desktop translation certification v1",
    READ_BACK: "intake-desktop read-back v1",
}


class State(StrEnum):
    """Whether an attestation holds (``state`` in ``case show --json``)."""

    NONE = "none"
    VALID = "valid"
    VOID = "void"  # the texts changed since it was made
    UNVERIFIED = "unverified"  # its signature does not vouch for it: see SignatureProblem


class SignatureProblem(StrEnum):
    UNTRUSTED = "untrusted"  # by a key neither this vault's nor a trusted device's
    BAD = "bad"  # malformed, or does not verify
    REVOKED = "revoked"  # by a revoked device, dated at or after its revocation


# Short names, as re.IGNORECASE stands for re.RegexFlag.IGNORECASE.
NONE, VALID, VOID, UNVERIFIED = State.NONE, State.VALID, State.VOID, State.UNVERIFIED

# How they are stored in a statement's body (model.py; docs/case-format.md).
_SHA256 = re.compile(r"[0-9a-f]{64}")
_SIGNATURE = re.compile(
    r"untrusted comment: [^\n]*\n[A-Za-z0-9+/=]+\ntrusted comment: [^\n]*\n[A-Za-z0-9+/=]+\n?"
)

# The device key's statement that a user's own key is theirs (user_keys.py).
ENDORSEMENT_SPEC = Obj(
    {
        "format": Choice(("user-key-v1",)),
        "user_key": Text(100, required=True),
        "user": Text(64),
        "role": Text(32),
        "device_key": Text(100, required=True),
        "endorsed_at": Text(64),
        "signature": Text(1000, required=True, multiline=True),
    },
    optional=True,
)
# A translator's certification of the English translation (8 CFR 103.2(b)(3)),
# signed with the translator's own key (certification.py makes one).
CERTIFICATION_SPEC = Obj(
    {
        "format": Choice(("translation-certification-v1",)),
        "text": Text(4000, required=True, multiline=True),  # the certificate's wording
        "translator": Obj(
            {
                "name": Text(200, required=True),
                "address": Text(500, multiline=True),
                "phone": Text(100),
                "user": Text(64),  # the vault user who certified
            }
        ),
        "date": Date(),
        "certified_at": Text(64),
        "original_language": Text(35),
        "original_sha256": Text(64, required=True),
        "translation_language": Text(35),
        "translation_sha256": Text(64, required=True),
        "signing_key": Text(100, required=True),
        "signature": Text(1000, required=True, multiline=True),
        "endorsement": ENDORSEMENT_SPEC,
    },
    optional=True,
)
# A caseworker's record that the statement was read back to the speaker.
READ_BACK_SPEC = Obj(
    {
        "format": Choice(("read-back-v1",)),
        "read_by": Text(200, required=True),
        "language": Text(35),
        "confirmed": Boolean(),
        "notes": Text(2000, multiline=True),
        "user": Text(64),
        "date": Date(),
        "recorded_at": Text(64),
        "original_sha256": Text(64, required=True),
        "translation_sha256": Text(64, required=True),
        "signing_key": Text(100, required=True),
        "signature": Text(1000, required=True, multiline=True),
        "endorsement": ENDORSEMENT_SPEC,
    },
    optional=True,
)
_KEY = re.compile(r"RW[A-Za-z0-9+/]{54}")


def check_shape(value: dict[str, Any] | None, path: str) -> None:
    """The shape of a signed certification or read-back; its signature is checked on storing."""
    if value is None:
        return
    for name in ("original_sha256", "translation_sha256"):
        if not _SHA256.fullmatch(value[name]):
            raise invalid(f"{path}.{name}", N_("{path}: must be a SHA-256 in hex."))
    endorsement = value.get("endorsement") or {}
    for where, found in (
        ("signing_key", value["signing_key"]),
        ("endorsement.user_key", endorsement.get("user_key")),
        ("endorsement.device_key", endorsement.get("device_key")),
    ):
        if found is not None and not _KEY.fullmatch(found):
            raise invalid(f"{path}.{where}", N_("{path}: must be a minisign public key."))
    for where, found in (
        ("signature", value["signature"]),
        ("endorsement.signature", endorsement.get("signature")),
    ):
        if found is not None and not _SIGNATURE.fullmatch(found):
            raise invalid(f"{path}.{where}", N_("{path}: must be a minisign signature."))
    if "read_by" in value and value["confirmed"] is not True:
        raise invalid(f"{path}.confirmed", N_("{path}: a read-back records a confirmation."))


def text_sha256(text: str) -> str:
    """SHA-256 of a text exactly as stored (UTF-8), as ``sha256sum`` prints it."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def texts_of(body: dict[str, Any]) -> dict[str, str]:
    """What an attestation is about: both texts' hashes and both languages."""
    translation = body.get("translation") or {}
    return {
        "original_language": body.get("language") or "",
        "original_sha256": text_sha256(body.get("text") or ""),
        "translation_language": translation.get("language") or "",
        "translation_sha256": text_sha256(translation.get("text") or ""),
    }


def signed_bytes(attestation: dict[str, Any]) -> bytes:
    """The exact bytes the signature covers (the endorsement is signed on its own)."""
    return user_keys.canonical(
        {k: v for k, v in attestation.items() if k not in ("signature", "endorsement")}
    )


def sign(vault: Vault, kind: str, fields: dict[str, Any]) -> dict[str, Any]:
    """``fields`` signed with the current user's own key, its endorsement attached."""
    secret, endorsement = user_keys.signer(vault)
    attestation = {
        **fields,
        "format": FORMATS[kind],
        "signing_key": endorsement["user_key"],
    }
    signature = secret.sign(
        signed_bytes(attestation), prehash=True, trusted_comment=TRUSTED_COMMENTS[kind]
    )
    return {
        **attestation,
        "signature": bytes(signature).decode("utf-8"),
        "endorsement": endorsement,
    }


class TrustedKeys(frozenset[str]):
    """Signing keys whose signatures count, when each revoked one stopped counting,
    and which count only because a trusted device vouched for them."""

    revoked: Mapping[str, str]  # a revoked device's key -> its revocation (a vault stamp)
    via: Mapping[str, str]  # a vouched-for key -> the name of the device that vouched

    def __new__(
        cls,
        keys: Iterable[str],
        revoked: Mapping[str, str] | None = None,
        via: Mapping[str, str] | None = None,
    ) -> TrustedKeys:
        pinned = set(keys)
        via = {k: v for k, v in (via or {}).items() if k not in pinned}
        self = super().__new__(cls, {*pinned, *via})
        self.revoked = dict(revoked or {})
        self.via = via  # a key pinned here directly is checked directly
        return self

    def vouched(self, keys: Mapping[str, str]) -> TrustedKeys:
        """These keys too, each vouched for by the named device (a bundle's vouches)."""
        direct = self - set(self.via)
        return TrustedKeys(direct, self.revoked, {**self.via, **keys})


def trusted_keys(vault: Vault) -> TrustedKeys:
    """This vault's own signing key and every trusted device's, revoked ones marked, and
    the keys an unrevoked trusted device vouched for (a coordinator forwarding field cases)."""
    own = identity.load(vault.conn).signing_key
    devices = [e for e in TrustStore(vault).entries() if e.kind == DEVICE]
    revoked = {e.key: e.revoked_at for e in devices if e.revoked_at is not None}
    vouchers = {e.key: e.name for e in devices if e.revoked_at is None}
    via = {
        str(key): vouchers[str(voucher)]
        for key, voucher in vault.conn.execute(
            "SELECT device_key, voucher_key FROM vouches ORDER BY at"
        )
        if str(voucher) in vouchers
    }
    return TrustedKeys({own, *(e.key for e in devices)}, revoked, via)


def device_key(attestation: dict[str, Any]) -> str:
    """The device key that answers for ``attestation``: the one that endorsed its signer's
    key, or (made before users had keys) the one that signed it. Unchecked: as written."""
    endorsement = attestation.get("endorsement")
    if isinstance(endorsement, dict):
        return str(endorsement.get("device_key", ""))
    return str(attestation.get("signing_key", ""))


def vouched_by(attestation: dict[str, Any], trusted: frozenset[str]) -> str:
    """The device whose vouching makes ``attestation``'s key count ("" if pinned here)."""
    if not isinstance(trusted, TrustedKeys):
        return ""
    return trusted.via.get(device_key(attestation), "")


def revoked_at(attestation: dict[str, Any], trusted: frozenset[str]) -> str:
    """When the device that answers for ``attestation`` was revoked ("" if it was not)."""
    if not isinstance(trusted, TrustedKeys):
        return ""
    return trusted.revoked.get(device_key(attestation), "")


def _signed_before(attestation: dict[str, Any], revoked: str) -> bool:
    # The time the signer wrote into what it signed: its own claim.
    signed_at = attestation.get("certified_at") or attestation.get("recorded_at") or ""
    try:
        return parse_stamp(str(signed_at)) < parse_stamp(revoked)
    except ValueError:
        return False


def signature_problem(
    attestation: dict[str, Any], trusted: frozenset[str]
) -> SignatureProblem | None:
    """None when the signature verifies and a trusted device answers for its key (a revoked
    one: for what was dated before its revocation)."""
    try:
        key_text = parse_signing_key(str(attestation.get("signing_key", "")))
        device = parse_signing_key(device_key(attestation))
    except InvalidInput:
        return SignatureProblem.BAD
    endorsement = attestation.get("endorsement")
    if endorsement is not None and (
        not isinstance(endorsement, dict) or endorsement.get("user_key") != key_text
    ):
        return SignatureProblem.BAD  # an endorsement of some other key
    if device not in trusted:
        return SignatureProblem.UNTRUSTED
    if endorsement is not None and not _verifies(
        device, endorsement, user_keys.endorsed_bytes(endorsement)
    ):
        return SignatureProblem.BAD
    if not _verifies(key_text, attestation, signed_bytes(attestation)):
        return SignatureProblem.BAD
    revoked = revoked_at(attestation, trusted)
    if revoked and not _signed_before(attestation, revoked):
        return SignatureProblem.REVOKED
    return None


def _verifies(key_text: str, signed: dict[str, Any], data: bytes) -> bool:
    try:
        key = minisign.PublicKey.from_base64(key_text)
        signature = minisign.Signature.from_bytes(str(signed["signature"]).encode("utf-8"))
        key.verify(data, signature)
    except (minisign.Error, ValueError, KeyError, TypeError):
        return False
    return True


@dataclass(frozen=True)
class Status:
    """What a person is told about one attestation of a statement."""

    kind: str  # CERTIFICATION or READ_BACK
    state: State
    by: str = ""  # the translator's name, or who read it back
    date: str = ""
    language: str = ""  # the original's (certification) or the one read in (read-back)
    problem: SignatureProblem | None = None  # why it is UNVERIFIED
    revoked_at: str = ""  # the signing device's revocation, if it was revoked
    via: str = ""  # verified through this trusted device's vouching, not a key pinned here
    fingerprint: str = ""  # of the key that signed: the person's own, or (older) the device's
    device_fingerprint: str = ""  # of the device key that endorsed the person's key
    user: str = ""  # whose own key signed, as its endorsement names them

    @property
    def personal(self) -> bool:
        """Signed with the person's own key, not (as before per-user keys) the device's."""
        return bool(self.device_fingerprint)

    def as_json(self) -> dict[str, str]:
        out: dict[str, str] = {"state": self.state}
        if self.state != NONE:
            out |= {"by": self.by, "date": self.date, "language": self.language}
            out |= {"signer": "user" if self.personal else "device"}
            if self.fingerprint:
                out["fingerprint"] = self.fingerprint
            if self.personal:
                out |= {"user": self.user, "device_fingerprint": self.device_fingerprint}
        if self.problem:
            out["problem"] = self.problem
        if self.revoked_at:
            out["revoked_at"] = self.revoked_at
        if self.via:
            out["via"] = self.via
        return out


def status(body: dict[str, Any], kind: str, trusted: frozenset[str]) -> Status:
    """Re-hash the texts and check the signature: valid, void, unverified or none."""
    attestation = body.get(kind)
    if not attestation:
        return Status(kind, NONE)
    if kind == CERTIFICATION:
        by = (attestation.get("translator") or {}).get("name", "")
        language = attestation.get("original_language", "")
    else:
        by, language = attestation.get("read_by", ""), attestation.get("language", "")
    common = {
        "kind": kind,
        "by": by,
        "date": attestation.get("date") or "",
        "language": language,
        "revoked_at": revoked_at(attestation, trusted),
        "via": vouched_by(attestation, trusted),
        **_signer(attestation),
    }
    problem = signature_problem(attestation, trusted)
    if problem is not None:
        return Status(state=UNVERIFIED, problem=problem, **common)
    now = texts_of(body)
    fields = now if kind == CERTIFICATION else {k: v for k, v in now.items() if "sha256" in k}
    changed = any(attestation.get(k) != v for k, v in fields.items())
    return Status(state=VOID if changed else VALID, **common)


def _signer(attestation: dict[str, Any]) -> dict[str, str]:
    """Fingerprints of the signing key and its endorsing device, as written (unchecked)."""

    def fingerprint_of(key: object) -> str:
        try:
            return signing_key_fingerprint(str(key))
        except InvalidInput:
            return ""

    endorsement = attestation.get("endorsement")
    if not isinstance(endorsement, dict):
        return {"fingerprint": fingerprint_of(attestation.get("signing_key"))}
    return {
        "fingerprint": fingerprint_of(attestation.get("signing_key")),
        "device_fingerprint": fingerprint_of(endorsement.get("device_key")),
        "user": str(endorsement.get("user", "")),
    }


def statuses(body: dict[str, Any], trusted: frozenset[str]) -> dict[str, Status]:
    return {kind: status(body, kind, trusted) for kind in (CERTIFICATION, READ_BACK)}


# Checks on the way in


def check_local_write(
    vault: Vault, old: dict[str, Any] | None, new: dict[str, Any], path: str = "statement"
) -> None:
    """Refuse a write that adds or changes an attestation whose signature does not verify.

    Attestations are made by ``certification.py``; this stops one being
    typed, edited or pasted in (a case document, an edited body) with a
    signature that is not this vault's or a trusted device's.
    """
    trusted: frozenset[str] | None = None
    for kind in (CERTIFICATION, READ_BACK):
        attestation = new.get(kind)
        if not attestation or (old is not None and old.get(kind) == attestation):
            continue
        trusted = trusted if trusted is not None else trusted_keys(vault)
        if signature_problem(attestation, trusted) is not None:
            raise InvalidInput(
                N_(
                    "{path}: its signature does not verify against this vault's key or a "
                    "trusted device's; it was not stored."
                ),
                path=f"{path}.{kind}",
            )


_REVOKED: Final = {
    CERTIFICATION: N_(
        "A statement in the bundle carries a certification signed after its device was "
        "revoked on {date}; nothing was imported."
    ),
    READ_BACK: N_(
        "A statement in the bundle carries a read-back signed after its device was "
        "revoked on {date}; nothing was imported."
    ),
}
_BAD: Final = {
    CERTIFICATION: N_("A statement in the bundle carries a certification that does not verify."),
    READ_BACK: N_("A statement in the bundle carries a read-back that does not verify."),
}


def check_incoming(body: dict[str, Any], trusted: frozenset[str]) -> None:
    """Refuse a bundle whose statement carries an attestation that is forged or late.

    A void one (texts changed after it was made) is fine: it travels and is
    shown as void. One by a key this vault cannot vouch for (neither its own,
    a trusted device's, nor one a trusted sender vouched for) is imported and
    shown as unverified, never trusted: the cases it is in still arrive.
    What is refused is a signature that fails, or one a revoked device dated
    after its revocation.
    """
    for kind in (CERTIFICATION, READ_BACK):
        attestation = body.get(kind)
        if not attestation:
            continue
        problem = signature_problem(attestation, trusted)
        if problem == SignatureProblem.UNTRUSTED:
            continue
        if problem == SignatureProblem.REVOKED:
            raise BundleRejected(_REVOKED[kind], date=revoked_at(attestation, trusted))
        if problem is not None:
            raise BundleRejected(_BAD[kind])
