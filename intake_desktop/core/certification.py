"""Certified translations and read-backs of statements.

USCIS (8 CFR 103.2(b)(3)) wants a full English translation that the
translator certifies as complete and accurate, with their certification
that they are competent to translate from the language into English; and
their name, signature and the date. Immigration court filings (8 CFR
1003.33) also want the translator's address and telephone number.

``certify`` records all of that on the statement, signed with this vault's
key over the hashes of the exact texts (``attestations.py``): only a user
whose role is *translator* may do it, and editing either text afterwards
voids it until it is certified again. ``record_read_back`` notes that a
caseworker read the statement back to the speaker in their language and
the speaker confirmed it; it is voided the same way.

The certificate's wording is stored in English (what is filed); the app
shows the translator a translation of it too.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from . import attestations, names
from .errors import InvalidInput, NotPermitted, StaleEdit
from .i18n import N_, _
from .model import KINDS, validate
from .records import Record, RecordStore
from .vault import Vault

TRANSLATOR, CASEWORKER = "translator", "caseworker"

CERTIFICATE: Final = N_(
    "I, {name}, certify that I am competent to translate from {language} into English, "
    "and that the English translation above is a full, complete and accurate translation "
    "of the statement in {language}."
)
# Language tags -> English names (the certificate names the language in full).
LANGUAGE_NAMES: Final = {
    "fa-af": N_("Dari"),
    "prs": N_("Dari"),
    "fa": N_("Persian (Farsi)"),
    "ps": N_("Pashto"),
    "ar": N_("Arabic"),
    "ur": N_("Urdu"),
    "uz": N_("Uzbek"),
    "tk": N_("Turkmen"),
    "bal": N_("Balochi"),
    "en": N_("English"),
}


def language_name(tag: str, translate: bool = False) -> str:
    """ "Dari" for fa-AF, "Pashto" for ps ...; the tag itself when unknown."""
    key = tag.strip().replace("_", "-").casefold()
    name = LANGUAGE_NAMES.get(key) or LANGUAGE_NAMES.get(key.split("-")[0])
    if name is None:
        return tag.strip()
    return _(name) if translate else name


def is_english(tag: str) -> bool:
    return tag.strip().replace("_", "-").casefold().split("-")[0] == "en"


# What the app offers for a statement's language, Afghanistan's first; any
# other well-formed tag may be typed. Stored as the tag (as it always was).
LANGUAGE_CHOICES: Final = ("fa-AF", "ps", "en", "fa", "ur", "ar", "uz", "tk", "bal")
# A well-formed BCP 47 language tag (RFC 5646, section 2.1), at most 35 characters,
# its language an ISO 639 code: the 4 to 8 letter forms are reserved or unused, and
# would let a name ("Pashto") pass for a tag.
_LANGUAGE_TAG = re.compile(
    r"[a-z]{2,3}(?:-[a-z]{3}){0,3}"  # language, extended language subtags
    r"(?:-[a-z]{4})?"  # script (Arab, Latn)
    r"(?:-(?:[a-z]{2}|[0-9]{3}))?"  # region (AF, 419)
    r"(?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*"  # variants
    r"(?:-[0-9a-wyz](?:-[a-z0-9]{2,8})+)*"  # extensions
    r"(?:-x(?:-[a-z0-9]{1,8})+)?"  # private use
    r"|x(?:-[a-z0-9]{1,8})+",
    re.IGNORECASE | re.ASCII,
)


def is_language_tag(tag: str) -> bool:
    """Whether ``tag`` is a well-formed language tag: fa-AF, ps, uz-Arab, prs; not fa_AF."""
    return len(tag) <= 35 and _LANGUAGE_TAG.fullmatch(tag) is not None


def certificate_text(name: str, language: str, translate: bool = False) -> str:
    """The certificate's wording for ``name`` translating from ``language`` (a tag)."""
    template = _(CERTIFICATE) if translate else CERTIFICATE
    return template.format(name=name.strip(), language=language_name(language, translate))


@dataclass(frozen=True)
class TranslatorDetails:
    name: str
    address: str = ""
    phone: str = ""


def _name_words(name: str) -> set[str]:
    return set(re.findall(r"\w+", names.search_key(name)))


def names_differ(named: str, certifier: str) -> bool:
    """Whether a statement's "Translator" plainly names someone other than the certifier.

    Compared as search compares names (case, Arabic or Persian letters,
    diacritics); one name whose words are all in the other ("Zarghuna" and
    "Zarghuna Safi") is taken for the same person. No name is no difference.
    """
    ours, theirs = _name_words(certifier), _name_words(named)
    return bool(ours and theirs) and not (ours <= theirs or theirs <= ours)


def translator_profile(vault: Vault) -> TranslatorDetails | None:
    """The details this user certified with last (to start the next certificate from)."""
    row = vault.conn.execute(
        "SELECT name, address, phone FROM translator_profiles WHERE slot_id = ?",
        (vault.user.slot_id,),
    ).fetchone()
    return TranslatorDetails(*row) if row else None


def _local_date(vault: Vault) -> str:
    return vault.clock().astimezone().date().isoformat()


def _statement(vault: Vault, statement_id: str, expected_version: int | None) -> Record:
    record = RecordStore(vault).require(statement_id, "statement")
    if expected_version is not None and record.version != expected_version:
        raise StaleEdit(
            N_("This {kind} was changed elsewhere (now version {version}); reload it."),
            kind="statement",
            version=record.version,
        )
    return record


def _require_role(vault: Vault, role: str) -> None:
    if vault.user.role == role:
        return
    if role == TRANSLATOR:
        raise NotPermitted(
            N_("Only a translator can certify a translation; you are signed in as {role}."),
            role=vault.user.role,
        )
    raise NotPermitted(
        N_("Only a caseworker can record a read-back; you are signed in as {role}."),
        role=vault.user.role,
    )


def certify(
    vault: Vault,
    statement_id: str,
    details: TranslatorDetails,
    expected_version: int | None = None,
) -> Record:
    """Certify the statement's English translation as it is stored now; the new record."""
    _require_role(vault, TRANSLATOR)
    record = _statement(vault, statement_id, expected_version)
    body = dict(record.body)
    translation = dict(body.get("translation") or {})
    if not (body.get("text") or "").strip() or not (translation.get("text") or "").strip():
        raise InvalidInput(
            N_("{path}: a certification needs both the original and its English translation."),
            path="statement.translation.text",
        )
    if not (translation.get("language") or "").strip():
        translation["language"] = "en"
    if not is_english(translation["language"]):
        raise InvalidInput(
            N_("{path}: a certified translation for USCIS is into English (en)."),
            path="statement.translation.language",
        )
    if is_english(body.get("language") or ""):
        raise InvalidInput(
            N_("{path}: the original is already in English; there is nothing to certify."),
            path="statement.language",
        )
    body["translation"] = translation
    fields = {
        "text": certificate_text(details.name, body["language"]),
        "translator": {
            "name": details.name.strip(),
            "address": details.address.strip(),
            "phone": details.phone.strip(),
            "user": vault.user.name,
        },
        "date": _local_date(vault),
        "certified_at": vault.now(),
        **attestations.texts_of(body),
    }
    body["certification"] = attestations.sign(vault, attestations.CERTIFICATION, fields)
    body = validate(KINDS["statement"], body, "statement")
    with vault.transaction():
        stored = RecordStore(vault).update(statement_id, body, record.version)
        vault.conn.execute(
            "INSERT INTO translator_profiles (slot_id, name, address, phone, updated_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (slot_id) DO UPDATE SET name = excluded.name,"
            " address = excluded.address, phone = excluded.phone,"
            " updated_at = excluded.updated_at",
            (
                vault.user.slot_id,
                details.name.strip(),
                details.address.strip(),
                details.phone.strip(),
                vault.now(),
            ),
        )
        vault.audit("statement.certify", "statement", statement_id)
    return stored


def record_read_back(
    vault: Vault,
    statement_id: str,
    *,
    read_by: str,
    language: str = "",
    notes: str = "",
    expected_version: int | None = None,
) -> Record:
    """Note that the statement as stored now was read back to its speaker, who confirmed it."""
    _require_role(vault, CASEWORKER)
    record = _statement(vault, statement_id, expected_version)
    body = dict(record.body)
    if not (body.get("text") or "").strip():
        raise InvalidInput(N_("{path}: there is no statement to read back."), path="statement.text")
    hashes = attestations.texts_of(body)
    fields = {
        "read_by": read_by.strip(),
        "language": (language or body.get("language") or "").strip(),
        "confirmed": True,
        "notes": notes.strip(),
        "user": vault.user.name,
        "date": _local_date(vault),
        "recorded_at": vault.now(),
        "original_sha256": hashes["original_sha256"],
        "translation_sha256": hashes["translation_sha256"],
    }
    body["read_back"] = attestations.sign(vault, attestations.READ_BACK, fields)
    body = validate(KINDS["statement"], body, "statement")
    with vault.transaction():
        stored = RecordStore(vault).update(statement_id, body, record.version)
        vault.audit("statement.read_back", "statement", statement_id)
    return stored


def describe(status: attestations.Status, value: Callable[[str], str] = str) -> str:
    """One line for people (translated): "Certified by X on D (valid)", "void" ...

    ``value`` wraps the name and date put into the sentence (the app isolates
    them for right-to-left text; the command line prints them as they are).
    """
    certification = status.kind == attestations.CERTIFICATION
    params: dict[str, Any] = {
        "name": value(status.by),
        "date": value(status.date),
        "language": language_name(status.language, translate=True),
        "revoked": value(status.revoked_at),
        "via": value(status.via),
    }
    if status.state == attestations.NONE:
        return _("Not certified") if certification else _("Not read back to the speaker yet")
    if status.state == attestations.VALID and status.revoked_at:
        template = (
            _("Certified by {name} on {date}, signed before revocation on {revoked} (valid)")
            if certification
            else _(
                "Read back in {language} by {name} on {date}; the speaker confirmed it,"
                " signed before revocation on {revoked} (valid)"
            )
        )
    elif status.state == attestations.VALID and status.via:
        template = (
            _("Certified by {name} on {date} (valid; verified via {via})")
            if certification
            else _(
                "Read back in {language} by {name} on {date}; the speaker confirmed it"
                " (valid; verified via {via})"
            )
        )
    elif status.state == attestations.VALID:
        template = (
            _("Certified by {name} on {date} (valid)")
            if certification
            else _("Read back in {language} by {name} on {date}; the speaker confirmed it (valid)")
        )
    elif status.state == attestations.VOID:
        template = (
            _(
                "Certification void: the text changed after it was certified"
                " (by {name} on {date}). Certify it again."
            )
            if certification
            else _(
                "Read-back void: the text changed after it was read back"
                " (by {name} on {date}). Read it back again."
            )
        )
    elif status.problem == attestations.SignatureProblem.REVOKED:
        template = (
            _(
                "Certification by {name} is not verified: signed after its device was revoked"
                " on {revoked}"
            )
            if certification
            else _(
                "Read-back by {name} is not verified: signed after its device was revoked"
                " on {revoked}"
            )
        )
    elif status.problem == attestations.SignatureProblem.UNTRUSTED:
        template = (
            _("Certification by {name} cannot be verified: signed by an untrusted device")
            if certification
            else _("Read-back by {name} cannot be verified: signed by an untrusted device")
        )
    else:
        template = (
            _("Certification by {name} is not genuine: its signature does not verify")
            if certification
            else _("Read-back by {name} is not genuine: its signature does not verify")
        )
    return template.format(**params)


def describe_signer(status: attestations.Status, value: Callable[[str], str] = str) -> str:
    """Whose key signed it, with the key's fingerprint (translated; "" when there is none).

    The fingerprint lets counsel tell two translators of one laptop apart and
    match a key the translator gave them (``user list``) with what they hold.
    """
    if status.state == attestations.NONE or not status.fingerprint:
        return ""
    if status.personal:
        return _("Signed with {user}'s own key {fingerprint}").format(
            user=value(status.user), fingerprint=value(status.fingerprint)
        )
    return _(
        "Signed with the device key {fingerprint} (made before users had keys of their own)"
    ).format(fingerprint=value(status.fingerprint))
