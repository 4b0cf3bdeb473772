"""Where attachment content lives: moving an older vault's attachments into the file store.

Vaults made before the encrypted file store keep attachments inside the
database until they are moved (core/blob_upgrade.py). The app moves them
after unlock, as a job on its own connection: the vault stays usable
meanwhile (both layouts are read), a lock stops the move between two
attachments, and the next unlock resumes it.
"""

from __future__ import annotations

from ...core import blob_upgrade
from ...core.i18n import N_
from ...core.vault import Vault
from ..jobs.job import Cancelled, Job, Jobs, Progress


class StorageService:
    def __init__(self, vault: Vault, jobs: Jobs) -> None:
        self.vault = vault
        self.jobs = jobs

    def attachments_to_move(self) -> int:
        return blob_upgrade.pending(self.vault).blobs

    def move_attachments(self) -> Job:
        """A job whose result is how many attachments it moved."""

        def work(vault: Vault, progress: Progress, cancelled: Cancelled) -> int:
            return blob_upgrade.upgrade(vault, progress, cancelled).blobs

        return Job(
            self.jobs,
            "blob-upgrade",
            work,
            connect=self.vault.clone,
            unexpected=N_("Moving the attachments stopped unexpectedly ({kind})."),
        )
