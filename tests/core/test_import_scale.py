"""Importing one large case: work linear in its size, and Cancel within it.

Work is counted in SQLite virtual-machine steps (a progress handler), not
seconds: the count is the same on a busy machine. Times are in benchmarks/.
"""

from __future__ import annotations

from pathlib import Path

from intake_desktop.core.bundle import importer
from intake_desktop.core.cases import CaseQuery, CaseStore
from intake_desktop.core.errors import Cancelled
from intake_desktop.core.vault import Vault
from tests.bundle_forge import export_to, introduce, snapshot
from tests.helpers import make_vault

STEPS = 100  # the handler runs every STEPS virtual-machine instructions


def one_case(people: int) -> dict[str, object]:
    return {
        "title": "A large household",
        "route": "other",
        "people": [{"full_name": f"Person {i}"} for i in range(people)],
        "consents": [{"scope": ["share_with_counsel"]}],
    }


def exported(root: Path, people: int) -> tuple[Vault, Path, str]:
    """A fresh office vault, and a bundle to it holding one case of ``people`` people."""
    field, _ = make_vault(root / f"field-{people}")
    office, _ = make_vault(root / f"office-{people}", user_name="cora", role="coordinator")
    introduce(field, office, "Field", "Office")
    case_id = CaseStore(field).add_case(one_case(people))
    path = root / f"case-{people}.intake"
    export_to(field, office, path, [case_id])
    field.close()
    return office, path, case_id


def steps_to_import(office: Vault, path: Path) -> int:
    count = [0]

    def tick() -> int:
        count[0] += 1
        return 0

    office.conn.set_progress_handler(tick, STEPS)
    try:
        assert importer.import_bundle(office, path).status == importer.MERGED
    finally:
        office.conn.set_progress_handler(None, STEPS)
    return count[0]


def test_import_work_grows_linearly_with_the_people_in_one_case(tmp_path: Path) -> None:
    small, large = 400, 1600
    office_s, path_s, case_s = exported(tmp_path, small)
    office_l, path_l, case_l = exported(tmp_path, large)
    try:
        ratio = steps_to_import(office_l, path_l) / steps_to_import(office_s, path_s)
        # Four times the people, about four times the work: recounting the
        # case's people on every write made it grow with the square (~13x here).
        assert ratio < 6, ratio
        for office, case_id, people in ((office_s, case_s, small), (office_l, case_l, large)):
            (summary,) = CaseStore(office).list(CaseQuery())
            assert summary.id == case_id and summary.people == people
    finally:
        office_s.close()
        office_l.close()


def test_cancel_acts_within_one_large_case(tmp_path: Path) -> None:
    office, path, _case = exported(tmp_path, 600)
    asked = [0]

    def cancelled() -> bool:
        asked[0] += 1
        return asked[0] > 50  # well inside the one records member

    before = snapshot(office)
    try:
        try:
            importer.import_bundle(office, path, cancelled=cancelled)
        except Cancelled:
            pass
        else:
            raise AssertionError("the import ran to the end despite Cancel")
        assert snapshot(office) == before
    finally:
        office.close()
