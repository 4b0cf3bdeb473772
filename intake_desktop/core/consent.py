"""Whether a case may leave this laptop: the consent recorded in it.

Bundles go to a coordinator and on to counsel, so sharing a case needs a
consent record in it whose scope covers sharing with counsel, and no consent
in it withdrawn (a family member who withdrew is in the case too). Export
refuses other cases by default and says why, case by case; a person may
override, and each overridden case is written to the audit log.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .errors import IntakeError, NotPermitted
from .i18n import N_, _
from .records import RecordStore
from .vault import Vault

NONE_RECORDED = N_("no consent is recorded in this case")
WITHDRAWN = N_("a consent in this case was withdrawn")
NOT_COUNSEL = N_("no consent in this case covers sharing with counsel")
SCOPE = "share_with_counsel"


@dataclass(frozen=True)
class SharingProblem:
    case_id: str
    reason: str  # a template marked for translation (no case content)

    def text(self) -> str:
        return _(self.reason)


class ConsentRefused(NotPermitted):
    """Cases whose recorded consent does not allow sharing them (exit 13)."""

    def __init__(self, problems: list[SharingProblem]) -> None:
        super().__init__(
            N_(
                "{count} case(s) may not be shared under their recorded consent; nothing was"
                " exported."
            ),
            count=len(problems),
        )
        self.problems = problems


class PacketRefused(NotPermitted):
    """A counsel packet of a case whose recorded consent does not allow sharing it (exit 13).

    A packet written to a file is the case leaving the vault, for counsel, as
    much as a bundle is; it is held to the same consent.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(
            N_(
                "No packet was written: {reason}. Record the family's consent to share with"
                " counsel first, or write it anyway (recorded in the audit log)."
            ),
            reason=reason,
        )
        self.reason = reason

    def __str__(self) -> str:
        # The reason is a template of its own: shown in the reader's language too.
        return str(IntakeError(self.template, reason=_(self.reason)))


def problem(vault: Vault, case_id: str) -> str | None:
    """Why ``case_id`` may not be shared (a template), or None if its consent allows it."""
    store = RecordStore(vault)
    case = store.get(case_id)
    if case is not None and case.deleted:
        # Tombstones carry ids, no content, and the deletion must reach the other vaults.
        return None
    consents = [r.body for r in store.of_case(case_id) if r.kind == "consent" and not r.deleted]
    if not consents:
        return NONE_RECORDED
    if any(c.get("withdrawn_on") for c in consents):
        return WITHDRAWN
    if not any(SCOPE in (c.get("scope") or ()) for c in consents):
        return NOT_COUNSEL
    return None


def sharing_problems(vault: Vault, case_ids: Iterable[str]) -> list[SharingProblem]:
    found = []
    for case_id in case_ids:
        reason = problem(vault, case_id)
        if reason is not None:
            found.append(SharingProblem(case_id, reason))
    return found
