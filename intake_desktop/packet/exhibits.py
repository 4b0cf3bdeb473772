"""Each exhibit's pages: a divider, then a statement or a piece of evidence.

An exhibit is rendered on its own (its own Qt PDF in memory, its PDF
evidence opened with pikepdf), so memory holds one decoded image at a time
and the pages already made are compressed PDF. Attachments are decrypted
into memory only; one too large to render is listed, not loaded.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pikepdf

from ..core import attestations, user_keys
from ..core.attachments import BlobStore
from ..core.errors import IntakeError
from ..core.fingerprint import signing_key_fingerprint
from ..core.i18n import N_
from ..core.vault import Vault
from . import pages
from .content import STATE_WORDS, Exhibit, describe_date, language, person_name
from .pages import CaseText

MAX_RENDERED_BYTES = 256 << 20  # larger files are listed with their hash, not loaded

NOT_IMAGE = N_("Exhibit {letter}, file {number}: not a readable image; it is listed, not shown.")
NOT_PDF = N_("Exhibit {letter}, file {number}: not a readable PDF; it is listed, not merged.")
TOO_LARGE = N_(
    "Exhibit {letter}, file {number}: too large to put in the packet; it is listed with its hash."
)
MISSING = N_(
    "Exhibit {letter}, file {number}: its content is not in this vault; it is listed with its hash."
)
NOT_VALID = N_(
    "Exhibit {letter}: the translation certification is not valid ({state}); the packet says so."
)


@dataclass(frozen=True)
class Note:
    template: str
    params: dict[str, object]

    def english(self) -> str:
        return self.template.format(**self.params)


@dataclass(frozen=True)
class Attached:
    name: str
    data: bytes
    description: str
    mime_type: str


@dataclass
class RenderedExhibit:
    exhibit: Exhibit
    parts: list[pikepdf.Pdf] = field(default_factory=list)  # in page order
    attached: list[Attached] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return sum(len(p.pages) for p in self.parts)


def open_pdf(data: bytes) -> pikepdf.Pdf:
    return pikepdf.Pdf.open(io.BytesIO(data))


def size_text(n: int) -> str:
    if n < 1024:
        return f"{n} bytes"
    if n < 1 << 20:
        return f"{n / 1024:.1f} KiB ({n:,} bytes)"
    return f"{n / (1 << 20):.1f} MiB ({n:,} bytes)"


def statement(
    vault: Vault, exhibit: Exhibit, people: dict[str, dict[str, Any]], withhold: bool
) -> RenderedExhibit:
    body = exhibit.body
    letter = exhibit.letter
    out = RenderedExhibit(exhibit)
    writer = pages.PageWriter()
    writer.divider(f"EXHIBIT {letter}", exhibit.title)
    doc = pages.Document(writer.writer)
    doc.heading(f"Exhibit {letter}: Statement")
    speaker = person_name(people.get(str(body.get("speaker") or "")), withhold)
    tag = str(body.get("language") or "")
    rows = [
        ("Speaker", speaker if body.get("speaker") else "Not recorded"),
        ("Language", f"{language(tag)} ({tag})"),
        ("Date", describe_date(body.get("date"))),
        ("Place", CaseText(body.get("place") or "")),
        ("Interviewer", str(body.get("interviewer") or "")),
        ("Interpreter", str(body.get("interpreter") or "")),
    ]
    doc.table([r for r in rows if r[1]], [25, 75])
    doc.heading(f"Original ({language(tag)})", 12)
    doc.text(CaseText(body.get("text") or ""), 13)
    out.attached.append(
        Attached(
            f"exhibit-{letter}-original.txt",
            str(body.get("text") or "").encode("utf-8"),
            f"Exhibit {letter}: the original statement exactly as recorded (UTF-8)",
            "text/plain",
        )
    )
    translation = body.get("translation") or {}
    doc.heading("English translation", 12)
    if isinstance(translation, dict) and translation.get("text"):
        doc.text(CaseText(translation["text"]), 11)
        out.attached.append(
            Attached(
                f"exhibit-{letter}-translation.txt",
                str(translation["text"]).encode("utf-8"),
                f"Exhibit {letter}: the English translation exactly as recorded (UTF-8)",
                "text/plain",
            )
        )
    else:
        doc.text("No English translation is recorded.", bold=True)
    _certification(doc, out, vault)
    writer.document(doc)
    out.parts.append(open_pdf(writer.finish()))
    return out


_STATE_SENTENCE = {
    attestations.VALID: (
        "VALID: the signature verifies with a key this vault trusts, and the original and the"
        " translation above are exactly the texts that were certified."
    ),
    attestations.VOID: (
        "VOID: the original or the translation was changed after it was certified. This"
        " certification does not cover the texts above; ask for the translation to be"
        " certified again."
    ),
}
_PROBLEM_SENTENCE = {
    attestations.SignatureProblem.UNTRUSTED: (
        "NOT VERIFIED: it is signed by a device this vault does not trust. Do not rely on it"
        " until the signing key's fingerprint is confirmed with the translator."
    ),
    attestations.SignatureProblem.BAD: (
        "NOT VERIFIED: its signature does not verify. Do not rely on it."
    ),
    attestations.SignatureProblem.REVOKED: (
        "NOT VERIFIED: it was signed after its device was revoked. Do not rely on it."
    ),
}


def _certification(doc: pages.Document, out: RenderedExhibit, vault: Vault) -> None:
    body, letter = out.exhibit.body, out.exhibit.letter
    status = out.exhibit.status
    doc.heading("Translator's certification", 12)
    cert = body.get("certification")
    if not cert or status is None or status.state == attestations.NONE:
        doc.text("This translation is not certified.", bold=True)
        return
    if status.state == attestations.UNVERIFIED:
        sentence = _PROBLEM_SENTENCE.get(status.problem or attestations.SignatureProblem.BAD, "")
    else:
        sentence = _STATE_SENTENCE[status.state]
    if status.via:
        sentence += f" The device that vouches for the key was verified via {status.via}."
    doc.text("Status: " + sentence, 11, bold=True)
    if status.state != attestations.VALID:
        out.notes.append(Note(NOT_VALID, {"letter": letter, "state": STATE_WORDS[status.state]}))
    doc.text(str(cert.get("text") or ""), 11, top=6)
    translator = cert.get("translator") or {}
    rows = [
        ("Translator", str(translator.get("name") or "")),
        ("Address", CaseText(translator.get("address") or "")),
        ("Telephone", str(translator.get("phone") or "")),
        ("Date", str(cert.get("date") or "")),
        ("Certified at", str(cert.get("certified_at") or "")),
    ]
    try:
        fingerprint = signing_key_fingerprint(str(cert.get("signing_key") or ""))
    except IntakeError:
        fingerprint = "(not a valid signing key)"
    endorsement = cert.get("endorsement") if isinstance(cert.get("endorsement"), dict) else None
    signed_with = (
        f"the translator's own key (vault user {status.user})"
        if status.personal
        else "the laptop's device key (made before translators had keys of their own)"
    )
    rows += [
        ("Signed with", signed_with),
        ("Signing key fingerprint", fingerprint),
        ("Signing key (minisign)", str(cert.get("signing_key") or "")),
    ]
    if endorsement is not None:
        rows += [
            ("Endorsed by device key fingerprint", status.device_fingerprint),
            ("Device key (minisign)", str(endorsement.get("device_key") or "")),
        ]
    rows += [
        ("Original SHA-256", str(cert.get("original_sha256") or "")),
        ("Translation SHA-256", str(cert.get("translation_sha256") or "")),
    ]
    doc.table([r for r in rows if r[1]], [28, 72])
    endorsed = (
        " First check that the device vouches for the translator's key: minisign -V -P"
        f" <device key above> -m exhibit-{letter}-endorsement.json (the device key must be one"
        " you trust, or one the coordinator who sent the bundle vouches for)."
        if endorsement is not None
        else ""
    )
    doc.text(
        "How to verify: this PDF carries the signed certification as attached files"
        f" exhibit-{letter}-certification.json and exhibit-{letter}-certification.json.minisig,"
        f" and the exact texts as exhibit-{letter}-original.txt and"
        f" exhibit-{letter}-translation.txt. Save them (pdfdetach -saveall, or the attachments"
        " pane of a PDF reader)." + endorsed + " Then run: minisign -V -P <signing key above> -m"
        f' exhibit-{letter}-certification.json. It must print "Signature and comment signature'
        ' verified". Then sha256sum of the two text files must print the two SHA-256 values'
        " above. Compare the fingerprint with the one the translator or coordinator gave you.",
        9.5,
        top=6,
    )
    if endorsement is not None:
        out.attached.append(
            Attached(
                f"exhibit-{letter}-endorsement.json",
                user_keys.endorsed_bytes(endorsement),
                f"Exhibit {letter}: the device's endorsement of the translator's key",
                "application/json",
            )
        )
        out.attached.append(
            Attached(
                f"exhibit-{letter}-endorsement.json.minisig",
                str(endorsement.get("signature") or "").encode("utf-8"),
                f"Exhibit {letter}: the endorsement's minisign signature",
                "text/plain",
            )
        )
    out.attached.append(
        Attached(
            f"exhibit-{letter}-certification.json",
            attestations.signed_bytes(cert),
            f"Exhibit {letter}: the signed certification (the bytes its signature covers)",
            "application/json",
        )
    )
    out.attached.append(
        Attached(
            f"exhibit-{letter}-certification.json.minisig",
            str(cert.get("signature") or "").encode("utf-8"),
            f"Exhibit {letter}: the certification's minisign signature",
            "text/plain",
        )
    )
    read_back = attestations.status(body, attestations.READ_BACK, attestations.trusted_keys(vault))
    if read_back.state != attestations.NONE:
        doc.text(
            f"Read back to the speaker in {language(read_back.language)} by {read_back.by}"
            f" on {read_back.date}; the speaker confirmed it"
            f" ({STATE_WORDS[read_back.state].lower()}).",
            10,
            top=6,
        )


def evidence(
    vault: Vault,
    exhibit: Exhibit,
    people: dict[str, dict[str, Any]],
    withhold: bool,
    cancelled: Callable[[], None],
) -> RenderedExhibit:
    """The description first, then each file: images as pages, PDFs merged, others listed."""
    body, letter = exhibit.body, exhibit.letter
    out = RenderedExhibit(exhibit)
    blobs = BlobStore(vault)
    files = list(body.get("attachments") or [])
    shown: list[str] = []
    bodies: list[pikepdf.Pdf] = []
    writer: pages.PageWriter | None = None
    for number, item in enumerate(files, 1):
        cancelled()
        params = {"letter": letter, "number": number}
        media = str(item.get("media_type") or "")
        name = str(item.get("filename") or "")
        caption = f"Exhibit {letter}, file {number} of {len(files)}: {name}"
        is_image = media.startswith("image/")
        is_pdf = media == "application/pdf"
        if not (is_image or is_pdf):
            shown.append("Listed only (not a scan, photo or PDF)")
            continue
        data, problem = _content(blobs, str(item["sha256"]), params)
        if problem is not None:
            out.notes.append(problem)
            shown.append(problem.english().split(": ", 1)[1])
            continue
        if is_image:
            image = pages.decode_image(data)
            del data
            if image.image is None:
                out.notes.append(Note(NOT_IMAGE, params))
                shown.append(f"Not shown: {image.problem}")
                continue
            writer = writer or pages.PageWriter()
            writer.image(image.image, caption)
            shown.append("Shown as an image on the following pages")
            continue
        try:
            merged = open_pdf(data)
            count = len(merged.pages)
        except (pikepdf.PdfError, pikepdf.PasswordError, ValueError):
            count = 0
        if count == 0:
            out.notes.append(Note(NOT_PDF, params))
            shown.append("Not merged: not a readable PDF")
            continue
        if writer is not None:
            bodies.append(open_pdf(writer.finish()))
            writer = None
        bodies.append(merged)
        shown.append(f"Merged page for page ({count} page{'s' if count != 1 else ''})")
    if writer is not None:
        bodies.append(open_pdf(writer.finish()))
    front = pages.PageWriter()
    front.divider(f"EXHIBIT {letter}", exhibit.title)
    doc = pages.Document(front.writer)
    doc.heading(f"Exhibit {letter}: Evidence")
    named = [person_name(people.get(str(p)), withhold) for p in body.get("people") or []]
    rows = [
        ("Kind", str(body.get("kind") or "")),
        ("Description", CaseText(body.get("description") or "")),
        ("What it shows", CaseText(body.get("shows") or "")),
        ("Names the beneficiary", "yes" if body.get("names_beneficiary") else "no"),
        ("People", ", ".join(named)),
    ]
    doc.table([r for r in rows if r[1]], [25, 75])
    if not files:
        doc.text("No file is attached to this evidence record.", bold=True, top=6)
    for number, (item, how) in enumerate(zip(files, shown, strict=True), 1):
        doc.heading(f"File {number} of {len(files)}", 11)
        doc.table(
            [
                ("Original file name", CaseText(item.get("filename") or "(none)")),
                ("Type", str(item.get("media_type") or "unknown")),
                ("Size", size_text(int(item.get("size") or 0))),
                ("SHA-256", str(item["sha256"])),
                ("In this packet", how),
            ],
            [25, 75],
        )
    front.document(doc)
    out.parts = [open_pdf(front.finish()), *bodies]
    return out


def _content(blobs: BlobStore, sha256: str, params: dict[str, object]) -> tuple[bytes, Note | None]:
    """The decrypted content, in memory only; or why it is not rendered."""
    try:
        if blobs.size(sha256) > MAX_RENDERED_BYTES:
            return b"", Note(TOO_LARGE, params)
        return b"".join(blobs.chunks(sha256)), None
    except IntakeError:
        return b"", Note(MISSING, params)
