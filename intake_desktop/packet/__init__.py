"""Counsel's packet: one filing-ready PDF per case (docs/guide-counsel.md, docs/packet.md).

In order: a cover sheet, a completeness checklist per beneficiary for an
I-131 parole request, an index of exhibits with page ranges, then each
exhibit after a divider page ("EXHIBIT A"): statements (original, English
translation, the translator's certification and whether it holds) and
evidence (description, file names, sizes and SHA-256; scans as pages, PDFs
merged page for page). Every page has a footer; exhibits have bookmarks
and page labels ("C-2"); each statement's exact texts and signed
certification are attached to the PDF as files.

Qt (QTextDocument on a QPdfWriter) draws the pages, pikepdf assembles them.
Nothing decrypted is written anywhere but the output asked for.

API (others build on it; add fields, never rename):

* ``PacketOptions(split_mb=None, withhold_names=False, bundle_id="")``
* ``render_packet(vault, case_id, options, *, progress, cancelled) -> RenderedPacket``:
  the whole packet in memory, never split (a bundle carries it).
  ``RenderedPacket(data: bytes, pages: int, exhibits: int, notes: tuple[str, ...])``.
* ``write_packet(vault, case_id, out, options, *, progress, cancelled) -> PacketResult``:
  ``out``, or ``out``'s parts ``NAME-part1.pdf``... when ``split_mb`` asks for
  it; each 0600, written whole under a temporary name and linked into place;
  an existing file is never replaced (InvalidInput, nothing written).
  ``PacketResult(files, pages, exhibits, notes)``.
* ``ensure_gui()``: a QGuiApplication exists (the offscreen platform when
  none is running: the command line) and the bundled fonts are loaded. Call
  it on the main thread before rendering on a worker.

``progress(done, total)`` counts steps (exhibits, then assembly);
``cancelled()`` returning True stops the work with ``Cancelled``, nothing
written. Notes are translated one-line sentences about what could not be
rendered (a corrupt scan is listed, and the packet still renders).
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pikepdf

from ..core import consent
from ..core.bundle.packets import PacketRenderer, PacketRequest
from ..core.cases import CaseStore
from ..core.errors import Cancelled, InvalidInput
from ..core.files import PRIVATE_FILE_MODE, fsync_dir, temp_name
from ..core.i18n import N_, _
from ..core.records import RecordStore
from ..core.vault import Vault
from . import assemble, content, exhibits, pages

Progress = Callable[[int, int], None]
TOO_BIG = N_(
    "Part {part} is larger than {limit} MB: exhibit {letter} alone does not fit; it was kept whole."
)


@dataclass(frozen=True)
class PacketOptions:
    split_mb: float | None = None  # split into parts under this size at exhibit boundaries
    withhold_names: bool = False  # pseudonyms instead of withheld names
    bundle_id: str = ""  # named on the cover when the packet travels in a bundle
    # write_packet: despite a consent that does not cover counsel (audited, case by case).
    override_consent: bool = False


@dataclass(frozen=True)
class PacketResult:
    files: tuple[Path, ...]
    pages: int
    exhibits: int
    notes: tuple[str, ...]


@dataclass(frozen=True)
class RenderedPacket:
    data: bytes
    pages: int
    exhibits: int
    notes: tuple[str, ...]


def ensure_gui() -> None:
    if not pages.has_gui():
        from PySide6.QtCore import QLoggingCategory
        from PySide6.QtGui import QGuiApplication

        if not os.environ.get("QT_QPA_PLATFORM"):
            os.environ["QT_QPA_PLATFORM"] = "offscreen"
        # A corrupt scan is a note in the packet, not a line of decoder noise on stderr.
        QLoggingCategory.setFilterRules("qt.gui.imageio*=false")
        QGuiApplication([sys.argv[0] if sys.argv else "intake-desktop"])
    pages.load_fonts()


@dataclass
class _Built:
    full: pikepdf.Pdf
    front: list[int]
    front_count: int
    spans: list[tuple[exhibits.RenderedExhibit, assemble.Span]]
    info: dict[str, str]
    notes: list[exhibits.Note]


def _build(
    vault: Vault,
    case_id: str,
    options: PacketOptions,
    progress: Progress | None,
    cancelled: Callable[[], bool] | None,
) -> _Built:
    ensure_gui()

    def check() -> None:
        if cancelled is not None and cancelled():
            raise Cancelled(N_("The packet was cancelled; nothing was written."))

    found = content.read(vault, case_id, options.withhold_names)
    people = {p["id"]: p for p in _people(vault, case_id)}
    steps = len(found.exhibits) + 2
    rendered: list[exhibits.RenderedExhibit] = []
    for done, exhibit in enumerate(found.exhibits):
        check()
        if progress is not None:
            progress(done, steps)
        if exhibit.kind == "statement":
            item = exhibits.statement(vault, exhibit, people, options.withhold_names)
        else:
            item = exhibits.evidence(vault, exhibit, people, options.withhold_names, check)
        rendered.append(item)
    check()
    front, starts = assemble.front_matter(found, rendered, options.bundle_id)
    if progress is not None:
        progress(steps - 1, steps)
    full = assemble.whole(front, rendered, check)
    spans = []
    at = len(front.pages)
    for item in rendered:
        spans.append((item, assemble.Span(at, item.pages)))
        at += item.pages
    notes = [n for item in rendered for n in item.notes]
    info = {"title": f"Counsel packet: {found.title}"}
    return _Built(full, starts, len(front.pages), spans, info, notes)


def _people(vault: Vault, case_id: str) -> list[dict[str, Any]]:
    return [{"id": r.id, **r.body} for r in CaseStore(vault).children(case_id, "person")]


def render_packet(
    vault: Vault,
    case_id: str,
    options: PacketOptions = PacketOptions(),
    *,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> RenderedPacket:
    built = _build(vault, case_id, options, progress, cancelled)
    pdf = assemble.part(built.full, built.front, built.front_count, built.spans, built.info)
    data = assemble.save(pdf)
    if progress is not None:
        progress(1, 1)
    return RenderedPacket(
        data,
        len(pdf.pages),
        len(built.spans),
        tuple(_(n.template).format(**n.params) for n in built.notes),
    )


def _split(built: _Built, limit: int) -> tuple[list[bytes], list[exhibits.Note]]:
    """Parts under ``limit`` bytes, split between exhibits; an exhibit too big alone is noted."""

    def make(first: bool, chosen: list[tuple[exhibits.RenderedExhibit, assemble.Span]]) -> bytes:
        front = built.front if first else None
        return assemble.save(
            assemble.part(built.full, front, built.front_count, chosen, built.info)
        )

    parts: list[bytes] = []
    notes: list[exhibits.Note] = []
    current: list[tuple[exhibits.RenderedExhibit, assemble.Span]] = []
    current_data = make(True, [])
    for span in built.spans:
        candidate = [*current, span]
        trial = make(not parts, candidate)
        if len(trial) <= limit or not current:
            current, current_data = candidate, trial  # an exhibit alone always goes
        else:
            parts.append(current_data)
            current = [span]
            current_data = make(False, current)
        if len(current_data) > limit and len(current) == 1:
            letter = span[0].exhibit.letter
            params = {"part": len(parts) + 1, "limit": limit / 1e6, "letter": letter}
            notes.append(exhibits.Note(TOO_BIG, params))
    parts.append(current_data)
    return parts, notes


def part_paths(out: Path, count: int) -> list[Path]:
    if count == 1:
        return [out]
    return [out.with_name(f"{out.stem}-part{n}{out.suffix}") for n in range(1, count + 1)]


def write_packet(
    vault: Vault,
    case_id: str,
    out: Path,
    options: PacketOptions = PacketOptions(),
    *,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> PacketResult:
    out = Path(out)
    if not out.parent.is_dir():
        raise InvalidInput(N_("The folder {path} does not exist."), path=str(out.parent))
    if out.exists():
        raise InvalidInput(N_("{path} already exists; choose another name."), path=str(out))
    if options.split_mb is not None and options.split_mb <= 0:
        raise InvalidInput(N_("{path}: must be a positive number of megabytes."), path="--split-mb")
    RecordStore(vault).require(case_id, "case")  # an unknown id: NotFound, not a consent
    refused = consent.problem(vault, case_id)
    if refused is not None and not options.override_consent:
        raise consent.PacketRefused(refused)
    built = _build(vault, case_id, options, progress, cancelled)
    notes = list(built.notes)
    if options.split_mb is None:
        whole = assemble.part(built.full, built.front, built.front_count, built.spans, built.info)
        datas = [assemble.save(whole)]
    else:
        datas, more = _split(built, int(options.split_mb * 1_000_000))
        notes += more
    if cancelled is not None and cancelled():
        raise Cancelled(N_("The packet was cancelled; nothing was written."))
    paths = part_paths(out, len(datas))
    _write_all(paths, datas)
    with vault.transaction():
        vault.audit("case.packet", "case", case_id)
        if refused is not None:
            vault.audit("case.packet_consent_override", "case", case_id)
    if progress is not None:
        progress(1, 1)
    return PacketResult(
        tuple(paths),
        len(built.full.pages),
        len(built.spans),
        tuple(_(n.template).format(**n.params) for n in notes),
    )


def _write_all(paths: list[Path], datas: list[bytes]) -> None:
    """Every file or none: each written whole under a temporary name, then linked into place."""
    for path in paths:
        if path.exists():
            raise InvalidInput(N_("{path} already exists; choose another name."), path=str(path))
    temps: list[Path] = []
    linked: list[Path] = []
    try:
        for path, data in zip(paths, datas, strict=True):
            tmp = temp_name(path)
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
            temps.append(tmp)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        for path, tmp in zip(paths, temps, strict=True):
            try:
                os.link(tmp, path)  # never replaces a file that appeared meanwhile
            except FileExistsError:
                raise InvalidInput(
                    N_("{path} already exists; choose another name."), path=str(path)
                ) from None
            linked.append(path)
    except BaseException:
        for path in linked:
            with contextlib.suppress(OSError):
                path.unlink()
        raise
    finally:
        for tmp in temps:
            with contextlib.suppress(OSError):
                tmp.unlink()
    fsync_dir(paths[0].parent)


def bundle_renderer(cancelled: Callable[[], bool] | None = None) -> PacketRenderer:
    """What ``export_bundle`` calls for a recipient who asked for packets: a PDF in memory.

    Call ``ensure_gui()`` first on the main thread when the export runs on a worker.
    """

    def render(vault: Vault, request: PacketRequest) -> bytes:
        options = PacketOptions(withhold_names=request.withhold_names, bundle_id=request.bundle_id)
        return render_packet(vault, request.case_id, options, cancelled=cancelled).data

    return render
