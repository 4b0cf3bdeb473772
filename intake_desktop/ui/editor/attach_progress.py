"""Storing files behind a window-modal progress dialog with Cancel.

A scan is stored in a blink, but a video of several hundred MiB takes
seconds: on the GUI thread that froze the window ("not responding") for as
long. ``CaseService.attach_files`` streams them as a job on its own
connection; this dialog shows its progress, and nothing else can be edited
meanwhile.
"""

from __future__ import annotations

from ...core.i18n import _, ngettext
from ..jobs.job import Job
from ..qt import QObject, QProgressDialog, Qt, QWidget, Signal
from ..services.cases import FilesToAttach

PROGRESS_STEPS = 1000  # the dialog's scale (its int is 32-bit; files may exceed 2 GiB)


class AttachProgress(QObject):
    """A job of ``CaseService.attach_files`` behind a window-modal progress dialog.

    ``ended(files, record or None, error text or None)`` once the job is over;
    ``close()`` takes the dialog away and stops listening (the job runs on to
    its end, on its own connection).
    """

    ended = Signal(object, object, object)

    def __init__(self, parent: QWidget, files: FilesToAttach, job: Job) -> None:
        super().__init__(parent)
        self.files = files
        self.job = job
        self._closed = False
        count = len(files.paths)
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
        job.finished.connect(lambda record: self.ended.emit(files, record, None))
        job.failed.connect(lambda message: self.ended.emit(files, None, message))

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
