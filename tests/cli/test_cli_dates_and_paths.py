"""Input the command line must refuse by name: days a calendar lacks, folders given as files."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from tests.cli.support import add_case, assert_unchanged, fails, ok, show, state
from tests.helpers import MINIMAL_CASE


def _with_birth_date(calendar: str, year: int, month: int, day: int) -> bytes:
    doc: dict[str, Any] = copy.deepcopy(MINIMAL_CASE)
    doc["people"][0]["date_of_birth"] = {
        "calendar": calendar,
        "precision": "day",
        "year": year,
        "month": month,
        "day": day,
    }
    return json.dumps(doc).encode()


@pytest.mark.parametrize(
    ("calendar", "year", "month", "day", "named"),
    [
        pytest.param("gregorian", 2023, 2, 30, "Gregorian", id="30-february-2023"),
        pytest.param("solar_hijri", 1402, 7, 31, "Solar Hijri", id="31-mizan-1402"),
        pytest.param("solar_hijri", 1402, 12, 30, "Solar Hijri", id="30-hut-1402"),
    ],
)
def test_case_add_refuses_a_day_the_calendar_lacks(
    vault_env: dict[str, str], calendar: str, year: int, month: int, day: int, named: str
) -> None:
    before = state(vault_env)
    line = fails(
        "case",
        "add",
        "--json",
        "-",
        env=vault_env,
        code=6,
        input=_with_birth_date(calendar, year, month, day),
    )
    assert line.endswith(
        f"people[0].date_of_birth.day: is not a real date in the {named} calendar."
    ), line
    assert str(year) not in line  # the path, never the value
    assert_unchanged(vault_env, before, unlock_allowed=True)


def test_a_real_last_day_is_shown_with_its_gregorian_date(vault_env: dict[str, str]) -> None:
    case_id = add_case(vault_env, json.loads(_with_birth_date("solar_hijri", 1403, 12, 30)))
    assert show(vault_env, case_id)["people"][0]["date_of_birth"]["day"] == 30
    assert "30 Hut 1403 (Solar Hijri) = 2025-03-20" in ok("case", "show", case_id, env=vault_env)


def test_attach_names_a_folder_as_a_folder(vault_env: dict[str, str], tmp_path: Path) -> None:
    case_id = add_case(vault_env, MINIMAL_CASE)
    folder = tmp_path / "scans"
    folder.mkdir()
    before = state(vault_env)
    line = fails("attach", case_id, str(folder), env=vault_env, code=6)
    assert line.endswith(f"{folder} is a folder, not a file."), line
    line = fails("attach", case_id, str(tmp_path / "missing.pdf"), env=vault_env, code=6)
    assert line.endswith(f"There is no file {tmp_path / 'missing.pdf'}."), line
    line = fails("attach", case_id, "/dev/null", env=vault_env, code=6)
    assert line.endswith("/dev/null is not a regular file."), line
    line = fails("case", "add", "--json", str(folder), env=vault_env, code=6)
    assert line.endswith(f"{folder} is a folder, not a file."), line
    assert_unchanged(vault_env, before)
