"""The automatic removal of delivered cases: the policy, its bounds and who may set it.

Real vaults and real receipts (purge_world.py): the office imported one
bundle 40 days ago and another 2 days ago, by its own clock, and signed
receipts saying so.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from intake_desktop.core.errors import InvalidInput, NotPermitted
from intake_desktop.core.purge import (
    auto_purge,
    plan,
    policy_days,
    purge_cases,
    set_policy_days,
)
from tests.cli.support import fails, ok, ok_json, run
from tests.delivery.purge_world import OLD_DAYS, case_ids, deliver
from tests.helpers import make_vault


def test_the_policy_is_off_until_set_and_kept_in_the_vault(tmp_path: Path) -> None:
    vault, _ = make_vault(tmp_path / "v")
    assert policy_days(vault) is None
    set_policy_days(vault, 30)
    assert policy_days(vault) == 30
    assert vault.conn.execute(
        "SELECT value FROM meta WHERE key = 'purge.after_days'"
    ).fetchone() == ("30",)
    set_policy_days(vault, None)
    assert policy_days(vault) is None
    actions = [
        r[0]
        for r in vault.conn.execute(
            "SELECT record_id FROM audit_log WHERE action = 'purge.policy' ORDER BY seq"
        )
    ]
    assert actions == ["30", "off"]
    vault.close()


@pytest.mark.parametrize("days", [0, -1, 3651, 2.5, "30", True])
def test_a_bad_number_of_days_is_refused_and_changes_nothing(tmp_path: Path, days: object) -> None:
    vault, _ = make_vault(tmp_path / "v")
    set_policy_days(vault, 10)
    with pytest.raises(InvalidInput, match="not a number of days from 1 to 3650"):
        set_policy_days(vault, days)  # type: ignore[arg-type]
    assert policy_days(vault) == 10
    vault.close()


def test_the_bounds_are_allowed(tmp_path: Path) -> None:
    vault, _ = make_vault(tmp_path / "v")
    for days in (1, 3650):
        set_policy_days(vault, days)
        assert policy_days(vault) == days
    vault.close()


def test_a_translator_cannot_set_the_policy(tmp_path: Path) -> None:
    vault, _ = make_vault(tmp_path / "v", user_name="zarghuna", role="translator")
    with pytest.raises(NotPermitted):
        set_policy_days(vault, 30)
    with pytest.raises(NotPermitted):
        set_policy_days(vault, None)
    assert policy_days(vault) is None
    vault.close()


def test_an_unreadable_stored_policy_reads_as_off(tmp_path: Path) -> None:
    vault, _ = make_vault(tmp_path / "v")
    for value in ("soon", "0", "99999"):
        with vault.transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('purge.after_days', ?)", (value,)
            )
        assert policy_days(vault) is None
        assert auto_purge(vault) is None
    vault.close()


def test_auto_purge_removes_only_cases_delivered_long_enough_ago(tmp_path: Path) -> None:
    world = deliver(tmp_path)
    vault = world.field
    everything = case_ids(vault)
    assert auto_purge(vault) is None  # off: nothing happens
    assert case_ids(vault) == everything
    set_policy_days(vault, OLD_DAYS + 1)  # older than anything delivered
    result = auto_purge(vault)
    assert result is not None and result.cases == [] and case_ids(vault) == everything
    set_policy_days(vault, 30)
    result = auto_purge(vault)
    assert result is not None and result.cases == [world.old] and not result.dry_run
    assert result.kept == [world.changed] and result.records >= 1
    assert case_ids(vault) == {world.recent, world.changed, world.never}
    set_policy_days(vault, 1)
    result = auto_purge(vault)
    assert result is not None and result.cases == [world.recent]
    assert case_ids(vault) == {world.changed, world.never}
    vault.close()


def test_purge_cases_removes_only_listed_cases_still_delivered(tmp_path: Path) -> None:
    world = deliver(tmp_path)
    vault = world.field
    assert set(plan(vault).cases) == {world.old, world.recent}
    # A case listed but changed meanwhile, and cases never delivered, stay.
    result = purge_cases(vault, [world.old, world.changed, world.never])
    assert result.cases == [world.old]
    assert case_ids(vault) == {world.recent, world.changed, world.never}
    vault.close()


def test_the_policy_from_the_command_line(tmp_path: Path, cli_env: dict[str, str]) -> None:
    env = cli_env | {"INTAKE_VAULT": str(tmp_path / "cli")}
    make_vault(tmp_path / "cli")[0].close()
    assert ok_json("purge", "--policy", "45", "--json", env=env) == {"after_days": 45}
    assert "45 day(s) after delivery" in ok("purge", "--policy", "45", env=env)
    assert "no longer" in ok("purge", "--policy", "OFF", env=env)
    assert "not a number of days or off" in fails("purge", "--policy", "soon", env=env, code=6)
    assert "from 1 to 3650" in fails("purge", "--policy", "0", env=env, code=6)
    both = run("purge", "--policy", "3", "--delivered", env=env)
    assert both.returncode == 2 and b"not allowed with" in both.stderr
    neither = run("purge", env=env)  # one of the two is required
    assert neither.returncode == 2 and b"--delivered" in neither.stderr
    assert ok_json("purge", "--delivered", "--dry-run", "--json", env=env)["purged"] == []


def test_a_translator_cannot_set_the_policy_from_the_command_line(
    tmp_path: Path, cli_env: dict[str, str]
) -> None:
    path = tmp_path / "cli"
    make_vault(path, user_name="zarghuna", role="translator")[0].close()
    env = cli_env | {"INTAKE_VAULT": str(path)}
    assert "nothing was changed" in fails("purge", "--policy", "30", env=env, code=13)
