"""Putting the packet together with pikepdf: pages, footers, bookmarks, labels, files.

The front matter (cover, checklists, index) is rendered last, once the
exhibits' page counts are known, so the index can give page ranges. Footers
are Qt-rendered pages of each target page's size, laid over it. A split
packet keeps the whole packet's page numbers in its footers, so "packet
page 14 of 48" means the same page in every part.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

import pikepdf
from pikepdf import Array, Dictionary, Name, OutlineItem

from . import pages
from .content import PacketContent
from .exhibits import RenderedExhibit, open_pdf

FRONT_ITEMS = ("Cover sheet", "Completeness checklist", "Index of exhibits")


@dataclass(frozen=True)
class Span:
    """Where an exhibit (or the front matter) sits in the whole packet, 0-based pages."""

    start: int
    count: int


def front_matter(
    content: PacketContent, rendered: list[RenderedExhibit], bundle_id: str
) -> tuple[pikepdf.Pdf, list[int]]:
    """Cover, checklists and index; the first page of each of the three."""
    guess = 3
    for _attempt in range(4):
        pdf, starts = _front(content, rendered, bundle_id, guess)
        if len(pdf.pages) == guess:
            break
        guess = len(pdf.pages)
    return pdf, starts


def _front(
    content: PacketContent, rendered: list[RenderedExhibit], bundle_id: str, front_pages: int
) -> tuple[pikepdf.Pdf, list[int]]:
    total = front_pages + sum(r.pages for r in rendered)
    writer = pages.PageWriter()
    doc = pages.Document(writer.writer)
    doc.text("COUNSEL PACKET", 24, bold=True, bottom=4)
    doc.text(content.title, 16, bold=True, bottom=12)
    rows = [
        ("Case", content.case_id),
        ("Route", content.route),
        ("Status", content.status.replace("_", " ")),
        ("Priority", ", ".join(p.replace("_", " ") for p in content.priority) or "none recorded"),
        ("Beneficiaries", "\n".join(content.beneficiaries) or "none recorded"),
        ("Prepared by", f"{content.prepared_by}, on the vault {content.vault_name}"),
        ("Prepared at", content.prepared_at),
        ("Bundle", bundle_id or "not part of a bundle"),
        ("Exhibits", str(len(rendered))),
        ("Pages", str(total)),
    ]
    doc.table(rows, [25, 75])
    doc.text(
        "Every page carries a footer with its exhibit page and its packet page. Each statement's"
        " original and translation are also attached to this PDF as files, exactly as recorded,"
        " with the signed certification (see each statement's \"How to verify\"). The packet's"
        " own wording is English; case text is reproduced as recorded.",
        9.5,
        top=10,
    )
    starts = [0]
    doc_pages_before = doc.page_count()
    doc.heading("Completeness checklist: Form I-131 parole request", page_break=True)
    starts.append(doc_pages_before)
    doc.text("For each beneficiary: what the request needs, present or missing in this case.", 10)
    if not content.checklists:
        doc.text("MISSING: no beneficiary is recorded in this case.", 11, bold=True)
    for checklist in content.checklists:
        facts = f" ({checklist.facts})" if checklist.facts else ""
        doc.heading(checklist.beneficiary + facts, 12)
        doc.table(
            [("Item", "", "Details")]
            + [(i.label, "PRESENT" if i.present else "MISSING", i.detail) for i in checklist.items],
            [42, 14, 44],
            header=True,
        )
    index_start = doc.page_count()
    doc.heading("Index of exhibits", page_break=True)
    starts.append(index_start)
    first = front_pages
    index_rows: list[tuple[str, ...]] = [("Exhibit", "Contents", "Packet pages")]
    for item in rendered:
        last = first + item.pages - 1
        index_rows.append((item.exhibit.letter, item.exhibit.title, f"{first + 1}–{last + 1}"))
        first = last + 1
    if rendered:
        doc.table(index_rows, [12, 66, 22], header=True)
    else:
        doc.text("No exhibits: this case has no statements and no evidence.", 11, bold=True)
    writer.document(doc)
    return open_pdf(writer.finish()), starts


def footer_texts(front: int, rendered: list[RenderedExhibit]) -> list[str]:
    total = front + sum(r.pages for r in rendered)
    texts = [f"Packet page {n} of {total}" for n in range(1, front + 1)]
    n = front
    for item in rendered:
        for page in range(1, item.pages + 1):
            n += 1
            texts.append(
                f"Exhibit {item.exhibit.letter} – page {page} of {item.pages}"
                f" (packet page {n} of {total})"
            )
    return texts


def whole(
    front: pikepdf.Pdf,
    rendered: list[RenderedExhibit],
    cancelled: Callable[[], None],
) -> pikepdf.Pdf:
    """Every page in order, each with its footer laid over it."""
    pdf = pikepdf.Pdf.new()
    pdf.pages.extend(front.pages)
    for item in rendered:
        for part in item.parts:
            pdf.pages.extend(part.pages)
    cancelled()
    sizes = []
    for page in pdf.pages:
        box = page.trimbox
        width, height = float(box[2]) - float(box[0]), float(box[3]) - float(box[1])
        if int(page.obj.get(Name.Rotate, 0)) % 180 == 90:
            width, height = height, width
        sizes.append((width, height))
    overlays = open_pdf(pages.footers(sizes, footer_texts(len(front.pages), rendered)))
    for page, overlay in zip(pdf.pages, overlays.pages, strict=True):
        page.add_overlay(overlay, pikepdf.Rectangle(page.trimbox))  # turned with /Rotate
    cancelled()
    return pdf


def part(
    full: pikepdf.Pdf,
    front: list[int] | None,
    front_count: int,
    chosen: list[tuple[RenderedExhibit, Span]],
    info: dict[str, str],
) -> pikepdf.Pdf:
    """A PDF of the front matter (if ``front``) and the chosen exhibits, with its
    bookmarks, page labels and attached files."""
    pdf = pikepdf.Pdf.new()
    labels: list[object] = []
    outline: list[tuple[str, int]] = []
    if front is not None:
        pdf.pages.extend(full.pages[0:front_count])
        labels += [0, Dictionary(S=Name.r)]
        outline += [(title, start) for title, start in zip(FRONT_ITEMS, front, strict=True)]
    for item, span in chosen:
        at = len(pdf.pages)
        pdf.pages.extend(full.pages[span.start : span.start + span.count])
        labels += [at, Dictionary(S=Name.D, P=pikepdf.String(f"{item.exhibit.letter}-"), St=1)]
        outline.append((f"Exhibit {item.exhibit.letter}: {item.exhibit.title}", at))
        for attached in item.attached:
            pdf.attachments[attached.name] = pikepdf.AttachedFileSpec(
                pdf,
                attached.data,
                description=attached.description,
                filename=attached.name,
                mime_type=attached.mime_type,
                relationship=Name.Source,
            )
    pdf.Root.PageLabels = Dictionary(Nums=Array(labels))
    pdf.Root.PageMode = Name.UseOutlines
    with pdf.open_outline() as tree:
        for title, at in outline:
            tree.root.append(OutlineItem(title, at))
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["dc:title"] = info["title"]
        meta["xmp:CreatorTool"] = "intake-desktop"
    pdf.docinfo[Name.Title] = info["title"]
    pdf.docinfo[Name.Creator] = "intake-desktop"
    return pdf


def save(pdf: pikepdf.Pdf) -> bytes:
    out = io.BytesIO()
    # Object streams and recompressed streams: smaller parts under a filing limit.
    pdf.save(
        out,
        compress_streams=True,
        object_stream_mode=pikepdf.ObjectStreamMode.generate,
        deterministic_id=True,
    )
    return out.getvalue()
