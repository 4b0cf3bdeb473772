"""Signed statements about a statement's texts: a translator's certification, a read-back.

Both are stored in the statement record's body (``certification``,
``read_back``), so they travel in bundles with it. Each names the SHA-256 of
the exact texts it is about (UTF-8, as stored) and is signed with the
producing vault's minisign key (Ed25519, prehashed) over its canonical JSON
(every field but ``signature``; keys sorted, no spaces, UTF-8), so:

* whether it still holds is computed by hashing the texts again, never read
  from a stored flag: editing either text, or a language, makes it **void**;
* whether it is genuine is the signature, checked against this vault's own
  key or a device key someone pinned in the trust store (``trust.py``),
  never against a key because the record names it. A device revoked in the
  trust store vouches only for what it dated (``certified_at``,
  ``recorded_at``) before its revocation.

Counsel can check one with standard tools: write the canonical JSON to a
file and its ``signature`` to ``file.minisig``, then ``minisign -V -P <the
signing_key> -m file``; ``sha256sum`` of the texts gives the two hashes.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Final

import minisign

from . import identity
from .clock import parse_stamp
from .errors import BundleRejected, InvalidInput
from .fields import Boolean, Choice, Date, Obj, Text, invalid
from .fingerprint import parse_signing_key
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

# A translator's certification of the English translation (8 CFR 103.2(b)(3)),
# signed by the vault that made it (certification.py makes one).
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
    },
    optional=True,
)


def check_shape(value: dict[str, Any] | None, path: str) -> None:
    """The shape of a signed certification or read-back; its signature is checked on storing."""
    if value is None:
        return
    for name in ("original_sha256", "translation_sha256"):
        if not _SHA256.fullmatch(value[name]):
            raise invalid(f"{path}.{name}", N_("{path}: must be a SHA-256 in hex."))
    if not re.fullmatch(r"RW[A-Za-z0-9+/]{54}", value["signing_key"]):
        raise invalid(f"{path}.signing_key", N_("{path}: must be a minisign public key."))
    if not _SIGNATURE.fullmatch(value["signature"]):
        raise invalid(f"{path}.signature", N_("{path}: must be a minisign signature."))
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
    """The exact bytes the signature covers."""
    fields = {k: v for k, v in attestation.items() if k != "signature"}
    text = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8")


def sign(vault: Vault, kind: str, fields: dict[str, Any]) -> dict[str, Any]:
    """``fields`` with this vault's ``signing_key`` and a minisign ``signature`` added."""
    keys = identity.load(vault.conn)
    attestation = {**fields, "format": FORMATS[kind], "signing_key": keys.signing_key}
    signature = keys.minisign_secret().sign(
        signed_bytes(attestation), prehash=True, trusted_comment=TRUSTED_COMMENTS[kind]
    )
    return {**attestation, "signature": bytes(signature).decode("utf-8")}


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


def vouched_by(attestation: dict[str, Any], trusted: frozenset[str]) -> str:
    """The device whose vouching makes ``attestation``'s key count ("" if pinned here)."""
    if not isinstance(trusted, TrustedKeys):
        return ""
    return trusted.via.get(str(attestation.get("signing_key", "")), "")


def revoked_at(attestation: dict[str, Any], trusted: frozenset[str]) -> str:
    """When the device that signed ``attestation`` was revoked ("" if it was not)."""
    if not isinstance(trusted, TrustedKeys):
        return ""
    return trusted.revoked.get(str(attestation.get("signing_key", "")), "")


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
    """None when the signature verifies with a trusted key (a revoked one's: dated before)."""
    try:
        key_text = parse_signing_key(str(attestation.get("signing_key", "")))
    except InvalidInput:
        return SignatureProblem.BAD
    if key_text not in trusted:
        return SignatureProblem.UNTRUSTED
    if not _verifies(key_text, attestation):
        return SignatureProblem.BAD
    revoked = revoked_at(attestation, trusted)
    if revoked and not _signed_before(attestation, revoked):
        return SignatureProblem.REVOKED
    return None


def _verifies(key_text: str, attestation: dict[str, Any]) -> bool:
    try:
        key = minisign.PublicKey.from_base64(key_text)
        signature = minisign.Signature.from_bytes(str(attestation["signature"]).encode("utf-8"))
        key.verify(signed_bytes(attestation), signature)
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

    def as_json(self) -> dict[str, str]:
        out: dict[str, str] = {"state": self.state}
        if self.state != NONE:
            out |= {"by": self.by, "date": self.date, "language": self.language}
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
    }
    problem = signature_problem(attestation, trusted)
    if problem is not None:
        return Status(state=UNVERIFIED, problem=problem, **common)
    now = texts_of(body)
    fields = now if kind == CERTIFICATION else {k: v for k, v in now.items() if "sha256" in k}
    changed = any(attestation.get(k) != v for k, v in fields.items())
    return Status(state=VOID if changed else VALID, **common)


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
