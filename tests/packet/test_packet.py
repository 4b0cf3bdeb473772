"""Counsel's packet read back: pdftotext for the words, pikepdf for the structure."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pikepdf
import pytest

from intake_desktop.core import identity
from intake_desktop.core.cases import CaseStore
from intake_desktop.core.consent import PacketRefused
from intake_desktop.core.errors import Cancelled, InvalidInput, NotFound
from intake_desktop.core.evidence import add_attachment
from intake_desktop.core.records import RecordStore
from intake_desktop.packet import PacketOptions, render_packet, write_packet
from tests.helpers import PASSPHRASE, make_vault, run_cli
from tests.packet.conftest import (
    DARI,
    DARI_EN,
    PASHTO,
    PASHTO_EN,
    PSEUDONYM,
    WITHHELD,
    WITHHELD_LATIN,
    PacketCase,
    jpeg,
    make_case,
    small_pdf,
)

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
BIDI_MARKS = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f]")


def text_of(data: bytes, page: int | None = None) -> str:
    """pdftotext's text (bidi marks it adds removed), one page or all."""
    pages = ["-f", str(page), "-l", str(page)] if page else []
    out = subprocess.run(
        ["pdftotext", *pages, "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode("utf-8")
    return BIDI_MARKS.sub("", out)


def words(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def packet(case: PacketCase) -> Any:
    return render_packet(case.vault, case.case_id)


@pytest.fixture(scope="module")
def pdf(packet: Any) -> pikepdf.Pdf:
    return pikepdf.Pdf.open(io.BytesIO(packet.data))


def test_sections_come_in_order_with_a_footer_on_every_page(packet: Any, pdf: pikepdf.Pdf) -> None:
    assert len(pdf.pages) == packet.pages
    assert packet.exhibits == 3  # two statements, one piece of evidence
    texts = [text_of(packet.data, n) for n in range(1, packet.pages + 1)]
    assert "COUNSEL PACKET" in texts[0]
    assert any("Completeness checklist" in t for t in texts[:3])
    dividers = [n for n, t in enumerate(texts, 1) if re.search(r"^EXHIBIT [A-C]$", t, re.M)]
    assert len(dividers) == 3
    front = dividers[0] - 1
    for n, text in enumerate(texts[:front], 1):
        assert f"Packet page {n} of {packet.pages}" in text
    bounds = [*dividers, packet.pages + 1]
    for letter, start, end in zip("ABC", bounds, bounds[1:], strict=False):
        for page in range(start, end):
            footer = (
                f"Exhibit {letter} – page {page - start + 1} of {end - start}"
                f" (packet page {page} of {packet.pages})"
            )
            assert footer in texts[page - 1]
    index = next(t for t in texts if "Index of exhibits" in t)
    assert f"{dividers[2]}–{packet.pages}" in index  # exhibit C's page range


def test_bookmarks_and_page_labels_name_each_exhibit(pdf: pikepdf.Pdf) -> None:
    with pdf.open_outline() as outline:
        titles = [(item.title, item.destination) for item in outline.root]
    assert [t for t, _ in titles[:3]] == [
        "Cover sheet",
        "Completeness checklist",
        "Index of exhibits",
    ]
    assert [t.split(":")[0] for t, _ in titles[3:]] == ["Exhibit A", "Exhibit B", "Exhibit C"]
    labels = list(pdf.Root.PageLabels.Nums)
    prefixes = [str(labels[i + 1].get("/P", "")) for i in range(0, len(labels), 2)]
    assert prefixes == ["", "A-", "B-", "C-"]
    starts = [int(labels[i]) for i in range(0, len(labels), 2)]
    exhibit_pages = [int(d[0].objgen[0]) for _, d in titles[3:]]
    assert exhibit_pages == [pdf.pages[s].objgen[0] for s in starts[1:]]


def test_english_comes_out_exactly(packet: Any) -> None:
    text = words(text_of(packet.data))
    for english in (DARI_EN, PASHTO_EN):
        assert words(english) in text
    assert (
        "I, Zarghuna Safi, certify that I am competent to translate from Dari into English" in text
    )
    assert "Status: VALID" in text
    assert "ﬁ" not in text  # no ligature in place of "fi"
    # An English line that starts with a Dari name stays left to right: not laid
    # out as "(.pseudonym: Client N)" (pdftotext moves the opening parenthesis
    # before the Dari run it follows, so only the rest is compared).
    assert f"pseudonym: {PSEUDONYM})" in text


def test_the_exact_originals_are_attached_and_pdftotext_is_checked(
    packet: Any, pdf: pikepdf.Pdf
) -> None:
    files = {name: spec.get_file().read_bytes() for name, spec in pdf.attachments.items()}
    assert files["exhibit-A-original.txt"] == DARI.encode("utf-8")
    assert files["exhibit-A-translation.txt"] == DARI_EN.encode("utf-8")
    assert files["exhibit-B-original.txt"] == PASHTO.encode("utf-8")
    assert files["exhibit-B-translation.txt"] == PASHTO_EN.encode("utf-8")
    # Qt's text layer gives Arabic presentation forms and drops some Pashto
    # letters: where pdftotext does not give the original back, the attached
    # file is the exact text (checked above). Which one holds is recorded here.
    extracted = words(text_of(packet.data))
    assert (words(PASHTO) in extracted) is False, "Qt now extracts Pashto: update docs/packet.md"
    assert "ځ" not in extracted


def test_the_certification_verifies_with_minisign_alone(
    case: PacketCase, pdf: pikepdf.Pdf, tmp_path: Path
) -> None:
    if shutil.which("minisign") is None:
        if os.environ.get("INTAKE_REQUIRE_INTEROP"):
            pytest.fail("minisign is required")
        pytest.skip("minisign not installed")
    for name, spec in pdf.attachments.items():
        (tmp_path / name).write_bytes(spec.get_file().read_bytes())
    body = RecordStore(case.vault).require(case.statements[0]).body
    key = body["certification"]["signing_key"]
    ok = subprocess.run(
        ["minisign", "-V", "-P", key, "-m", str(tmp_path / "exhibit-A-certification.json")],
        capture_output=True,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr
    # Whose key that is: the laptop's device key endorsed it, checked the same way.
    device = body["certification"]["endorsement"]["device_key"]
    assert device == identity.load(case.vault.conn).signing_key != key
    vouched = subprocess.run(
        ["minisign", "-V", "-P", device, "-m", str(tmp_path / "exhibit-A-endorsement.json")],
        capture_output=True,
        check=False,
    )
    assert vouched.returncode == 0, vouched.stderr
    assert b"intake-desktop user key v1" in vouched.stdout
    signed = (tmp_path / "exhibit-A-certification.json").read_bytes()
    digest = hashlib.sha256((tmp_path / "exhibit-A-original.txt").read_bytes()).hexdigest()
    assert f'"original_sha256":"{digest}"'.encode() in signed


def test_scans_are_pages_turned_upright_and_bad_files_are_listed(
    packet: Any, pdf: pikepdf.Pdf
) -> None:
    image_pages = [p for p in pdf.pages if p.get_images()]
    assert len(image_pages) == 1
    (image,) = image_pages[0].get_images().values()
    # Stored 1200x800 with EXIF orientation 6: drawn upright, taller than wide.
    assert int(image.Height) > int(image.Width)
    text = words(text_of(packet.data))
    assert "Not shown: not a readable image" in text
    assert "Not merged: not a readable PDF" in text
    assert "Merged page for page (2 pages)" in text
    assert "Listed only" in text
    a4 = [p for p in pdf.pages if round(float(p.mediabox[2])) == 595]
    assert len(a4) == 2  # the PDF evidence, merged page for page
    assert packet.notes == (
        "Exhibit C, file 2: not a readable image; it is listed, not shown.",
        "Exhibit C, file 4: not a readable PDF; it is listed, not merged.",
    )


def test_a_checklist_says_what_is_there(packet: Any) -> None:
    text = words(text_of(packet.data, 2))
    for item in (
        "Identity document (passport or tazkira) PRESENT tazkira; scan: Exhibit C",
        "A statement with a valid certified translation PRESENT Exhibit A, B",
        "Consent covering counsel PRESENT",
        "A US supporter named for Form I-134 PRESENT John Smith",
    ):
        assert item in text


def test_withheld_names_never_appear(case: PacketCase) -> None:
    rendered = render_packet(case.vault, case.case_id, PacketOptions(withhold_names=True))
    text = text_of(rendered.data)
    assert PSEUDONYM in text
    raw = rendered.data
    with pikepdf.Pdf.open(io.BytesIO(raw)) as pdf:
        with pdf.open_outline() as outline:
            titles = " ".join(item.title for item in outline.root)
        metadata = str(pdf.docinfo.get("/Title"))
    for name in (WITHHELD, WITHHELD_LATIN, "احمدزی", "Ahmadzai"):
        assert name not in text
        assert name not in titles
        assert name not in metadata
    # Named when counsel is cleared for names (the default): the bookmarks say so exactly.
    named = pikepdf.Pdf.open(io.BytesIO(render_packet(case.vault, case.case_id).data))
    with named.open_outline() as outline:
        assert WITHHELD in " ".join(item.title for item in outline.root)


def test_a_void_certification_is_never_presented_as_valid(tmp_path: Path, qapp: Any) -> None:
    made = make_case(tmp_path / "vault")
    store = RecordStore(made.vault)
    record = store.require(made.statements[0])
    with made.vault.transaction():
        store.update(record.id, {**record.body, "text": record.body["text"] + " ."}, record.version)
    rendered = render_packet(made.vault, made.case_id)
    text = words(text_of(rendered.data))
    assert "Status: VOID" in text
    assert text.count("Status: VALID") == 1  # exhibit B only
    assert any("not valid (VOID)" in n for n in rendered.notes)
    checklist = words(text_of(rendered.data, 2))
    assert "Exhibit A: certification void" in checklist
    made.vault.close()


def test_an_empty_case_gets_a_checklist_of_what_is_missing(tmp_path: Path, qapp: Any) -> None:
    vault, _ = make_vault(tmp_path / "vault")
    case_id = CaseStore(vault).add_case(
        {
            "title": "Empty",
            "route": "humanitarian_parole",
            "people": [{"full_name": "Amina", "role": "beneficiary"}],
        }
    )
    rendered = render_packet(vault, case_id)
    text = words(text_of(rendered.data))
    assert rendered.exhibits == 0
    assert text.count("MISSING") == 5
    assert "No exhibits: this case has no statements and no evidence." in text
    vault.close()


def test_split_parts_stay_under_the_limit_between_exhibits(tmp_path: Path, qapp: Any) -> None:
    made = make_case(tmp_path / "vault")
    for n in range(4):  # four exhibits of about 0.5 MB of noise each
        add_attachment(
            made.vault, made.case_id, io.BytesIO(jpeg(900, 900, noise=True)), f"photo{n}.jpg"
        )
    out = tmp_path / "packet.pdf"
    result = write_packet(made.vault, made.case_id, out, PacketOptions(split_mb=1.2))
    assert len(result.files) > 1
    assert result.files[0] == tmp_path / "packet-part1.pdf"
    assert not out.exists()
    total = 0
    for number, path in enumerate(result.files):
        assert path.stat().st_size <= 1_200_000
        assert path.stat().st_mode & 0o777 == 0o600
        data = path.read_bytes()
        with pikepdf.Pdf.open(path) as part:
            total += len(part.pages)
        first = text_of(data, 1)
        if number == 0:
            assert "COUNSEL PACKET" in first
        else:
            assert re.search(r"^EXHIBIT [A-Z]$", first, re.M)  # a part starts at an exhibit
    assert total == result.pages
    made.vault.close()


def test_cancelling_writes_nothing(case: PacketCase, tmp_path: Path) -> None:
    calls = []

    def cancelled() -> bool:
        calls.append(1)
        return len(calls) > 2

    with pytest.raises(Cancelled, match="nothing was written"):
        write_packet(case.vault, case.case_id, tmp_path / "p.pdf", cancelled=cancelled)
    assert list(tmp_path.iterdir()) == []


def test_an_existing_file_is_never_replaced(case: PacketCase, tmp_path: Path) -> None:
    out = tmp_path / "p.pdf"
    out.write_bytes(b"mine")
    with pytest.raises(InvalidInput, match="already exists"):
        write_packet(case.vault, case.case_id, out)
    assert out.read_bytes() == b"mine"


def test_the_command_line_writes_a_packet(tmp_path: Path, qapp: Any) -> None:
    made = make_case(tmp_path / "vault")
    made.vault.close()
    env = {**os.environ, "INTAKE_VAULT": str(tmp_path / "vault"), "INTAKE_PASSPHRASE": PASSPHRASE}
    out = tmp_path / "counsel.pdf"
    args = ("case", "packet", made.case_id, "--out", str(out), "--json")
    done = run_cli(*args, env=env)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["files"] == [str(out)]
    assert result["exhibits"] == 3 and result["pages"] > 8
    assert len(result["notes"]) == 2
    assert out.stat().st_mode & 0o777 == 0o600
    assert done.stderr == b""
    again = run_cli(*args, env=env)
    assert again.returncode == 6
    assert b"already exists" in again.stderr


def test_a_turned_page_gets_its_footer_upright(tmp_path: Path, qapp: Any) -> None:
    """Evidence with a page stored turned (/Rotate 90): the footer reads along the page as
    shown, not along the page as stored (pdftotext then gives it as one line)."""
    made = make_case(tmp_path / "vault")
    try:
        turned = pikepdf.open(io.BytesIO(small_pdf(1)))
        turned.pages[0].obj.Rotate = 90
        data = io.BytesIO()
        turned.save(data)
        add_attachment(
            made.vault, made.case_id, io.BytesIO(data.getvalue()), "t.pdf", made.evidence_id
        )
        packet = render_packet(made.vault, made.case_id)
    finally:
        made.vault.close()
    last = packet.pages
    with pikepdf.open(io.BytesIO(packet.data)) as pdf:
        assert int(pdf.pages[last - 1].obj.get("/Rotate", 0)) == 90
    footer = f"(packet page {last} of {last})"
    assert footer in text_of(packet.data, last)


def test_a_case_without_consent_for_counsel_is_refused_unless_overridden(
    case: PacketCase, tmp_path: Path
) -> None:
    """A packet on disk is the case leaving the vault for counsel, as a bundle is."""
    bare = CaseStore(case.vault).add_case({"title": "No consent yet", "route": "other"})
    out = tmp_path / "bare.pdf"
    with pytest.raises(PacketRefused) as refused:
        write_packet(case.vault, bare, out)
    assert str(refused.value).startswith("No packet was written: no consent is recorded")
    assert refused.value.exit_code == 13
    assert not out.exists() and not list(tmp_path.iterdir())
    written = write_packet(case.vault, bare, out, PacketOptions(override_consent=True))
    assert written.files == (out,) and out.exists()
    actions = [
        r[0]
        for r in case.vault.conn.execute(
            "SELECT action FROM audit_log WHERE record_id = ? ORDER BY rowid", (bare,)
        )
    ]
    assert actions[-2:] == ["case.packet", "case.packet_consent_override"]
    with pytest.raises(NotFound):
        write_packet(case.vault, "00000000-0000-4000-8000-000000000000", tmp_path / "x.pdf")
