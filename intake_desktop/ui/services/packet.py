"""Counsel's packet as a job: the door between the app and ``intake_desktop/packet``.

The packet engine draws pages with Qt and assembles them with pikepdf, both
loaded only when a packet is asked for, so the app starts as fast as before.
The fonts are loaded on the GUI thread (``ensure_gui``) before the job
renders on its own connection, on a worker thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ...core.attachment_export import safe_file_name
from ...core.i18n import N_
from ...core.vault import Vault
from ..jobs.job import Cancelled, Job, Jobs, Progress

if TYPE_CHECKING:
    from ...packet import PacketResult

SUFFIX = "-packet.pdf"
DEFAULT_SPLIT_MB = 12  # USCIS online filing takes files up to 12 MB


@dataclass(frozen=True)
class PacketChoice:
    """What the dialog asks for: the file, parts under a size (None: one file), pseudonyms."""

    out: Path
    split_mb: float | None = None
    withhold_names: bool = False
    override_consent: bool = False  # after a refusal, the person chose to write it anyway


def proposed_name(title: str, case_id: str, withhold_names: bool) -> str:
    """``<case title>-packet.pdf``; the case id instead when names are withheld (a title
    often names the family, and a file name is seen by anyone who sees the folder)."""
    stem = case_id[:8] if withhold_names or not title.strip() else title.strip()
    return safe_file_name(stem + SUFFIX, case_id)


def _write(
    vault: Vault, case_id: str, choice: PacketChoice, progress: Progress, cancelled: Cancelled
) -> PacketResult:
    from ...packet import PacketOptions, write_packet

    options = PacketOptions(
        split_mb=choice.split_mb,
        withhold_names=choice.withhold_names,
        override_consent=choice.override_consent,
    )
    return write_packet(vault, case_id, choice.out, options, progress=progress, cancelled=cancelled)


def packet_job(vault: Vault, jobs: Jobs, case_id: str, choice: PacketChoice) -> Job:
    """A job writing the packet of ``case_id``; its result is a ``PacketResult``."""
    from ...packet import ensure_gui

    ensure_gui()  # the fonts, on this (the GUI) thread, before the worker draws
    return Job(
        jobs,
        "packet",
        lambda connection, progress, cancelled: _write(
            connection, case_id, choice, progress, cancelled
        ),
        connect=vault.clone,
        unexpected=N_("Writing the packet stopped unexpectedly ({kind}); no file was written."),
    )
