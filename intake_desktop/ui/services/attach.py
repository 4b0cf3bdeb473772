"""Storing files in an evidence record on a QThread, with progress and cancel.

A scan is stored in a blink, but a video of several hundred MiB takes
seconds: on the GUI thread that froze the window ("not responding") for as
long. The job streams each file on its own connection (``BundleJob``), one
transaction per file, as ``core.evidence.add_attachment`` always did: a file
is either stored whole and listed in the record, or not at all. Cancel stops
between chunks of the current file; files stored before it stay.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from ...core.attachments import CHUNK_SIZE
from ...core.errors import Cancelled, InvalidInput
from ...core.evidence import add_attachment
from ...core.i18n import N_, _, ngettext
from ...core.records import Record
from ...core.vault import Vault
from ..jobs.bundle_jobs import BundleJob, Progress
from ..qt import QObject, QProgressDialog, Qt, QWidget, Signal

PROGRESS_STEPS = 1000  # the dialog's scale (its int is 32-bit; files may exceed 2 GiB)


class _Counted:
    """A file read through ``BlobStore.put`` that reports progress and obeys cancel."""

    def __init__(self, handle: BinaryIO, on_read: Callable[[int], None]) -> None:
        self._handle = handle
        self._on_read = on_read

    def read(self, n: int = -1) -> bytes:
        data = self._handle.read(n if n > 0 else CHUNK_SIZE)
        self._on_read(len(data))
        return data


class AttachJob(BundleJob):
    """``add_attachment`` of each path in turn; ``result`` is the evidence record."""

    unexpected = N_("Storing the files stopped unexpectedly ({kind}).")

    def __init__(self, vault: Vault, case_id: str, evidence_id: str, paths: list[Path]) -> None:
        if not paths:
            raise ValueError("no files to store")
        super().__init__(vault)
        self.case_id = case_id
        self.evidence_id = evidence_id
        self.paths = [Path(p) for p in paths]
        self.stored = 0  # files committed so far (also after a cancel or an error)

    def work(self, vault: Vault, progress: Progress, cancelled: Callable[[], bool]) -> Record:
        sizes = []
        for path in self.paths:
            try:
                sizes.append(os.stat(path).st_size)
            except OSError:
                raise InvalidInput(N_("The file {path} cannot be read."), path=str(path)) from None
        total, done = max(sum(sizes), 1), 0
        record = None

        def advance(n: int) -> None:
            nonlocal done
            if cancelled():
                raise Cancelled(
                    N_(
                        "Adding files was cancelled: the file being stored was not kept"
                        " (files stored before it are kept)."
                    )
                )
            done += n
            progress(min(done, total), total)

        for path in self.paths:
            try:
                handle = path.open("rb")
            except OSError:
                raise InvalidInput(N_("The file {path} cannot be read."), path=str(path)) from None
            with handle:
                record = add_attachment(
                    vault, self.case_id, _Counted(handle, advance), path.name, self.evidence_id
                )
            self.stored += 1
        progress(total, total)
        if record is None:  # unreachable: paths is never empty
            raise RuntimeError("no files were stored")
        return record


class AttachProgress(QObject):
    """An ``AttachJob`` behind a window-modal progress dialog with Cancel.

    ``ended(job, record or None, error text or None)`` once the job is over;
    ``close()`` takes the dialog away and stops listening (the job runs on to
    its end, on its own connection).
    """

    ended = Signal(object, object, object)

    def __init__(self, parent: QWidget, job: AttachJob) -> None:
        super().__init__(parent)
        self.job = job
        self._closed = False
        count = len(job.paths)
        self.dialog = QProgressDialog(
            ngettext(
                "Storing the file in the vault…", "Storing {count} files in the vault…", count
            ).format(count=count),
            _("Cancel"),
            0,
            PROGRESS_STEPS,
            parent,
        )
        self.dialog.setWindowTitle(_("Add files"))
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.canceled.connect(job.cancel)
        job.progress.connect(self._progress)
        job.finished.connect(lambda record: self.ended.emit(job, record, None))
        job.failed.connect(lambda message: self.ended.emit(job, None, message))

    def start(self) -> None:
        self.dialog.setValue(0)  # runs the event loop (a modal dialog): the caller is ready
        self.dialog.show()  # modal at once: no edit may race the job's transaction
        self.job.start()

    def close(self) -> None:
        self._closed = True
        self.job.detach()
        self.dialog.canceled.disconnect()
        self.dialog.close()
        self.dialog.deleteLater()
        self.deleteLater()

    def _progress(self, done: int, total: int) -> None:
        if not self._closed:  # a report queued before close() may still arrive
            self.dialog.setValue(done * PROGRESS_STEPS // max(total, 1))
