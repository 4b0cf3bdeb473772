"""``trust revoke``: a lost laptop's later bundles are refused (exit 8), its earlier ones kept.

The vault the commands use is made in process (one caseworker, a trusted
field laptop, a trusted recipient); the field laptop's bundles are real
exports, dated by its clock.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from intake_desktop.core import identity
from intake_desktop.core.cases import CaseStore
from intake_desktop.core.clock import parse_stamp, stamp, utc_now
from intake_desktop.core.trust import TrustStore
from intake_desktop.core.vault import Vault
from tests.bundle_forge import export_to, introduce
from tests.cli.support import assert_unchanged, fails, ok, ok_json, state
from tests.helpers import MINIMAL_CASE, make_vault

LAPTOP = "Kabul laptop"
REVOKED = stamp(utc_now() - timedelta(hours=1))


@pytest.fixture
def field(vault_path: Path, tmp_path: Path) -> Iterator[Vault]:
    """A field laptop the command line's vault trusts (and a recipient it trusts)."""
    office, _ = make_vault(vault_path, user_name="cora", role="coordinator")
    laptop, _ = make_vault(tmp_path / "field")
    introduce(laptop, office, LAPTOP, "Office")
    TrustStore(office).add_recipient("Counsel", identity.load(laptop.conn).age_recipient)
    office.close()
    yield laptop
    laptop.close()


def export(laptop: Vault, office_recipient: str, out: Path, offset: timedelta) -> Path:
    laptop.clock = lambda: parse_stamp(REVOKED) + offset
    CaseStore(laptop).add_case(MINIMAL_CASE)
    export_to(laptop, office_recipient, out)
    return out


def recipient_of(env: dict[str, str]) -> str:
    info: dict[str, Any] = ok_json("identity", "--json", env=env)
    return str(info["recipient"])


def test_revoke_then_a_later_bundle_is_refused_with_exit_8_and_an_earlier_one_imports(
    cli_env: dict[str, str], field: Vault, tmp_path: Path
) -> None:
    office = recipient_of(cli_env)
    before_bundle = export(field, office, tmp_path / "before.intake", -timedelta(minutes=5))
    after_bundle = export(field, office, tmp_path / "after.intake", timedelta(minutes=5))
    out = ok("trust", "revoke", LAPTOP, "--at", REVOKED, "--yes", env=cli_env)
    assert (
        out
        == f"{LAPTOP} is revoked from {REVOKED}: bundles it made from then on will be refused.\n"
    )

    before = state(cli_env)
    line = fails("import", str(after_bundle), env=cli_env, code=8)
    assert LAPTOP in line and REVOKED in line and "nothing was imported" in line
    assert_unchanged(cli_env, before, unlock_allowed=True)

    result = ok_json("import", str(before_bundle), "--json", env=cli_env)
    assert result["status"] == "merged" and result["producer"]["name"] == LAPTOP


def test_trust_list_shows_the_revocation(cli_env: dict[str, str], field: Vault) -> None:
    rows = ok_json("trust", "list", "--json", env=cli_env)
    assert {r["name"]: r["revoked_at"] for r in rows} == {LAPTOP: None, "Counsel": None}
    ok("trust", "revoke", LAPTOP, "--at", REVOKED, "--yes", env=cli_env)
    rows = ok_json("trust", "list", "--json", env=cli_env)
    assert {r["name"]: r["revoked_at"] for r in rows} == {LAPTOP: REVOKED, "Counsel": None}
    listed = ok("trust", "list", env=cli_env).splitlines()
    laptop_line = next(line for line in listed if line.startswith(LAPTOP))
    assert laptop_line.endswith(f"\trevoked {REVOKED}")
    assert not next(line for line in listed if line.startswith("Counsel")).endswith(REVOKED)


def test_revoking_is_refused_for_a_recipient_twice_or_unconfirmed_and_nothing_changes(
    cli_env: dict[str, str], field: Vault
) -> None:
    def revoked() -> list[Any]:
        return [r["revoked_at"] for r in ok_json("trust", "list", "--json", env=cli_env)]

    line = fails("trust", "revoke", "Counsel", "--yes", env=cli_env, code=6)
    assert "Counsel is a recipient" in line and "nothing was changed" in line
    # A script that did not say --yes: told how, nothing revoked (no terminal to ask at).
    line = fails("trust", "revoke", LAPTOP, env=cli_env, code=6)
    assert "--yes" in line
    fails("trust", "revoke", "Nobody", "--yes", env=cli_env, code=10)
    fails("trust", "revoke", LAPTOP, "--at", "tomorrow", "--yes", env=cli_env, code=6)
    assert revoked() == [None, None]
    ok("trust", "revoke", LAPTOP, "--at", REVOKED, "--yes", env=cli_env)
    line = fails("trust", "revoke", LAPTOP, "--yes", env=cli_env, code=6)
    assert f"already revoked on {REVOKED}" in line
    assert revoked() == [REVOKED, None]  # devices first, then recipients


def test_removing_a_revoked_device_needs_forget_revocation(
    cli_env: dict[str, str], field: Vault
) -> None:
    ok("trust", "revoke", LAPTOP, "--at", REVOKED, "--yes", env=cli_env)
    line = fails("trust", "remove", LAPTOP, env=cli_env, code=6)
    assert f"revoked on {REVOKED}" in line and "--forget-revocation" in line
    assert LAPTOP in [r["name"] for r in ok_json("trust", "list", "--json", env=cli_env)]
    ok("trust", "remove", LAPTOP, "--forget-revocation", env=cli_env)
    assert LAPTOP not in [r["name"] for r in ok_json("trust", "list", "--json", env=cli_env)]
