"""A real case for packets: Dari and Pashto statements certified by a translator, real files."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from PIL import Image

from intake_desktop.core import certification
from intake_desktop.core.cases import CaseStore
from intake_desktop.core.evidence import add_attachment
from intake_desktop.core.vault import Vault
from tests.helpers import make_vault

DARI = (
    "ما از کابل آمدیم. می‌خواهیم در سال ۱۴۰۲ به امریکا برویم؛ شماره تذکره 1-0123-4567 است.\n"
    "طالبان دو بار به خانهٔ ما آمدند."
)
DARI_EN = (
    "We came from Kabul. We want to go to America in 1402; the tazkira number is 1-0123-4567.\n"
    "The Taliban came to our house twice."
)
PASHTO = "زه د کندهار یم. ځوان، ښځه، ګل، ټول، څه، ډېر، ړوند، ږیره، ڼ، ې، ۍ"
PASHTO_EN = "I am from Kandahar. My brother was a interpreter for the coalition forces."
WITHHELD = "محمد نور احمدزی"
WITHHELD_LATIN = "Mohammad Noor Ahmadzai"
PSEUDONYM = "Client N."
TRANSLATOR = certification.TranslatorDetails(
    "Zarghuna Safi", "12 Main St, Fairfax VA", "+1 555 0100"
)


def jpeg(width: int, height: int, orientation: int | None = None, noise: bool = False) -> bytes:
    """A real JPEG; a red block marks its stored top-left corner."""
    if noise:
        image = Image.frombytes("RGB", (width, height), os.urandom(width * height * 3))
    else:
        image = Image.new("RGB", (width, height), "white")
        image.paste((255, 0, 0), (0, 0, width // 4, height // 8))
    out = io.BytesIO()
    if orientation is None:
        image.save(out, "JPEG", quality=90)
    else:
        exif = Image.Exif()
        exif[0x0112] = orientation
        image.save(out, "JPEG", quality=90, exif=exif)
    return out.getvalue()


def small_pdf(pages: int = 2) -> bytes:
    pdf = pikepdf.Pdf.new()
    for _ in range(pages):
        pdf.add_blank_page(page_size=(595, 842))  # A4, as evidence often is
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


CASE: dict[str, Any] = {
    "title": f"{WITHHELD} family",
    "route": "humanitarian_parole",
    "priority": ["targeted_harm", "woman_at_risk"],
    "people": [
        {
            "id": "p1",
            "full_name": WITHHELD,
            "names": [{"text": WITHHELD_LATIN, "script": "latin"}],
            "role": "beneficiary",
            "name_withheld": True,
            "pseudonym": PSEUDONYM,
        },
        {"id": "p2", "full_name": "John Smith", "role": "supporter"},
    ],
    "identity_documents": [{"person": "p1", "kind": "tazkira", "evidence": ["e1"]}],
    "evidence": [{"id": "e1", "kind": "document", "description": "Tazkira of the beneficiary"}],
    "claims": [{"kind": "targeted_harm", "people": ["p1"], "evidence": ["e1"]}],
    "statements": [
        {
            "speaker": "p1",
            "language": "fa-AF",
            "text": DARI,
            "translation": {"language": "en", "text": DARI_EN},
        },
        {
            "speaker": "p1",
            "language": "ps",
            "text": PASHTO,
            "translation": {"language": "en", "text": PASHTO_EN},
        },
    ],
    "consents": [
        {
            "person": "p1",
            "scope": ["share_with_counsel"],
            "given_on": "2026-11-01",
            "form": "written",
        }
    ],
}


@dataclass
class PacketCase:
    vault: Vault
    case_id: str
    evidence_id: str
    statements: list[str]
    recovery_code: str = ""  # the translator may not change the trust store; the code may


def make_case(path: Path) -> PacketCase:
    vault, code = make_vault(path, user_name="zarghuna", role="translator")
    store = CaseStore(vault)
    case_id = store.add_case(CASE)
    doc = store.document(case_id)
    for statement in doc["statements"]:
        certification.certify(vault, statement["id"], TRANSLATOR)
    evidence_id = doc["evidence"][0]["id"]
    files = [
        ("tazkira-scan.jpg", jpeg(1200, 800, orientation=6)),  # shown turned upright
        ("broken.jpg", b"\xff\xd8\xff" + b"not really a jpeg" * 10),
        ("letter.pdf", small_pdf(2)),
        ("corrupt.pdf", b"%PDF-1.4\n1 0 obj garbage"),
        ("voice.wav", b"RIFF\x00\x00\x00\x00WAVEfmt "),
    ]
    for name, data in files:
        add_attachment(vault, case_id, io.BytesIO(data), name, evidence_id)
    return PacketCase(vault, case_id, evidence_id, [s["id"] for s in doc["statements"]], code)


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory, qapp: Any) -> Iterator[PacketCase]:
    made = make_case(tmp_path_factory.mktemp("packet") / "vault")
    yield made
    made.vault.close()
