"""Removing delivered cases from this laptop, by hand or by the policy, as the app sees it.

core/purge.py says what "delivered" means and how thorough the removal is.
The removal runs as a ``Job`` on its own connection; the case list hears of
it through the case service's ``cases_changed`` (emitted when the job
settles, on the GUI thread, even if the dialog that started it has closed).
"""

from __future__ import annotations

import json
from typing import Any

from ...core import permissions, purge
from ...core.i18n import N_
from ...core.purge import MAX_DAYS, MIN_DAYS, PurgeResult
from ...core.vault import Vault
from ..jobs.job import Cancelled, Job, Jobs, Progress
from .cases import CaseService

__all__ = ["MAX_DAYS", "MIN_DAYS", "PurgeResult", "PurgeService"]


class PurgeService:
    def __init__(self, vault: Vault, jobs: Jobs, cases: CaseService) -> None:
        self.vault = vault
        self.jobs = jobs
        self.cases = cases

    def plan(self) -> PurgeResult:
        """What a removal would take now (``cases``); the delivered cases that stay (``kept``)."""
        return purge.plan(self.vault)

    def titles(self, case_ids: list[str]) -> dict[str, str]:
        """Each case's title as the case list shows it (a title typed by a person: plain text)."""
        rows = self.vault.conn.execute(
            "SELECT id, title FROM case_list WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps(case_ids),),
        )
        return {str(case_id): str(title) for case_id, title in rows}

    # The policy (kept in the vault, not in Qt settings: it travels with the laptop's data)

    @property
    def policy_days(self) -> int | None:
        return purge.policy_days(self.vault)

    @property
    def may_set_policy(self) -> bool:
        return permissions.may(self.vault.user, permissions.REMOVE_TRUST)

    def set_policy_days(self, days: int | None) -> None:
        purge.set_policy_days(self.vault, days)

    # Removing

    def purge(self, case_ids: list[str]) -> Job:
        """A job removing those of ``case_ids`` still delivered; result: a ``PurgeResult``."""
        wanted = list(case_ids)

        def work(vault: Vault, _progress: Progress, _cancelled: Cancelled) -> PurgeResult:
            return purge.purge_cases(vault, wanted)

        return self._job("purge", work, N_("Removing the delivered cases stopped ({kind})."))

    def auto_purge(self) -> Job | None:
        """The policy's removal as a job (result: a ``PurgeResult``), or None while it is off."""
        if self.policy_days is None:
            return None

        def work(vault: Vault, _progress: Progress, _cancelled: Cancelled) -> PurgeResult | None:
            return purge.auto_purge(vault)

        return self._job(
            "auto-purge", work, N_("Removing delivered cases automatically stopped ({kind}).")
        )

    def _job(self, kind: str, work: Any, unexpected: str) -> Job:
        cases = self.cases

        def settle(_connection: object) -> None:
            cases.cases_changed.emit()  # the list reloads wherever it is shown

        return Job(
            self.jobs, kind, work, connect=self.vault.clone, settle=settle, unexpected=unexpected
        )
