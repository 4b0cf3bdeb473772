"""Who may manage users and keys (docs/roles.md), and what a user name may hold.

The rule lives in core/permissions.py and is called by the core methods
themselves, so these tests call the core directly: the command line
(tests/cli/test_cli_access.py) and the app (tests/ui/test_users_roles.py)
meet the same refusals.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from intake_desktop.core import identity, permissions
from intake_desktop.core.errors import InvalidInput, NotPermitted, WrongPassphrase
from intake_desktop.core.trust import TrustStore
from intake_desktop.core.users import LAST_MANAGER
from intake_desktop.core.vault import HEADER_NAME, Vault
from tests.helpers import PASSPHRASE, make_vault

COORDINATOR_PASSPHRASE = "nasrin coordinates the office"
TRANSLATOR_PASSPHRASE = "tamana translates statements"
OTHER = "a passphrase set by someone else"


@dataclass
class Office:
    path: Path
    recovery_code: str
    other_keys: identity.Identity


@pytest.fixture
def office(tmp_path: Path) -> Office:
    """farida (caseworker), nasrin (coordinator), tamana (translator); one trusted device."""
    vault, code = make_vault(tmp_path / "vault")
    vault.add_user("nasrin", "coordinator", COORDINATOR_PASSPHRASE)
    vault.add_user("tamana", "translator", TRANSLATOR_PASSPHRASE)
    other, _ = make_vault(tmp_path / "other")
    keys = identity.load(other.conn)
    other.close()
    TrustStore(vault).add_device("Kabul office", keys.signing_key)
    vault.close()
    return Office(tmp_path / "vault", code, keys)


@pytest.fixture
def translator(office: Office) -> Iterator[Vault]:
    vault = Vault.open(office.path, TRANSLATOR_PASSPHRASE)
    yield vault
    vault.close()


def state(vault: Vault) -> tuple[bytes, list[object], list[object]]:
    """What a refused change must leave alone: the slots, the users, the trust store."""
    return (
        (vault.path / HEADER_NAME).read_bytes(),
        list(vault.users()),
        list(TrustStore(vault).entries()),
    )


# Each managed action, and the words its refusal names it by.
MANAGED: dict[str, tuple[Callable[[Vault, Office], object], str]] = {
    "add a user": (lambda v, o: v.add_user("omid", "coordinator", OTHER), "add a user"),
    "remove a user": (lambda v, o: v.remove_user("farida"), "remove a user"),
    "reset another's passphrase": (
        lambda v, o: v.change_passphrase(OTHER, "farida"),
        "reset another user's passphrase",
    ),
    "replace the recovery code": (lambda v, o: v.new_recovery_code(), "replace the recovery code"),
    "add a device": (
        lambda v, o: TrustStore(v).add_device("other", o.other_keys.signing_key),
        "add a trusted device or recipient",
    ),
    "prepare a device": (
        lambda v, o: TrustStore(v).prepare_device("other", o.other_keys.signing_key),
        "add a trusted device or recipient",
    ),
    "add a recipient": (
        lambda v, o: TrustStore(v).add_recipient("counsel", o.other_keys.age_recipient),
        "add a trusted device or recipient",
    ),
    "stop trusting": (
        lambda v, o: TrustStore(v).remove("Kabul office"),
        "stop trusting a device or recipient",
    ),
}


@pytest.mark.parametrize("action", list(MANAGED))
def test_a_translator_may_not_manage_users_or_keys(
    office: Office, translator: Vault, action: str
) -> None:
    attempt, named = MANAGED[action]
    before = state(translator)
    with pytest.raises(NotPermitted) as info:
        attempt(translator, office)
    assert info.value.exit_code == 13
    message = str(info.value)
    assert message.startswith("Only a caseworker, a coordinator or the recovery code can ")
    assert named in message and message.endswith("nothing was changed.")
    assert state(translator) == before
    Vault.open(office.path, PASSPHRASE).close()  # farida's passphrase still opens


def test_a_translator_changes_their_own_passphrase(office: Office, translator: Vault) -> None:
    translator.change_passphrase(OTHER)
    translator.change_passphrase(OTHER + " again", "tamana")  # naming oneself is the same
    with pytest.raises(WrongPassphrase):
        Vault.open(office.path, TRANSLATOR_PASSPHRASE)
    with Vault.open(office.path, OTHER + " again") as again:
        assert again.user.name == "tamana"


@pytest.mark.parametrize("passphrase", [PASSPHRASE, COORDINATOR_PASSPHRASE, None])
def test_caseworkers_coordinators_and_the_recovery_code_manage(
    office: Office, passphrase: str | None
) -> None:
    vault = (
        Vault.open(office.path, passphrase)
        if passphrase
        else Vault.open_with_recovery(office.path, office.recovery_code)
    )
    try:
        vault.add_user("omid", "coordinator", OTHER)
        vault.change_passphrase("omid's reset passphrase", "omid")
        vault.change_passphrase("tamana's reset passphrase", "tamana")
        vault.remove_user("omid")
        TrustStore(vault).add_recipient("counsel", office.other_keys.age_recipient)
        TrustStore(vault).remove("counsel")
        code = vault.new_recovery_code()
        # Again after replacing it: a recovery session now holds the new code.
        vault.add_user("zia", "translator", OTHER)
    finally:
        vault.close()
    assert Vault.open_with_recovery(office.path, code).user.role == "recovery"
    with Vault.open(office.path, "tamana's reset passphrase") as tamana:
        assert tamana.user.name == "tamana"
    with pytest.raises(WrongPassphrase):
        Vault.open(office.path, "omid's reset passphrase")


def test_the_last_manager_cannot_be_removed(office: Office) -> None:
    with Vault.open(office.path, COORDINATOR_PASSPHRASE) as nasrin:
        nasrin.remove_user("farida")  # another manager stays: nasrin
        with pytest.raises(InvalidInput, match="yourself"):
            nasrin.remove_user("nasrin")
    with Vault.open_with_recovery(office.path, office.recovery_code) as recovery:
        before = state(recovery)
        with pytest.raises(InvalidInput) as info:
            recovery.remove_user("nasrin")  # the recovery code is not a user
        assert info.value.template == LAST_MANAGER and "nasrin" in str(info.value)
        assert info.value.exit_code == 6
        assert state(recovery) == before
        recovery.remove_user("tamana")  # translators may go
        with pytest.raises(InvalidInput):
            recovery.remove_user("nasrin")
    with Vault.open(office.path, COORDINATOR_PASSPHRASE) as nasrin:
        assert [(u.name, u.role) for u in nasrin.users()] == [("nasrin", "coordinator")]


def test_a_vault_made_by_a_translator_is_managed_with_the_recovery_code(tmp_path: Path) -> None:
    vault, code = make_vault(tmp_path / "vault", user_name="tamana", role="translator")
    with pytest.raises(NotPermitted):
        vault.add_user("farida", "caseworker", OTHER)
    vault.close()
    with Vault.open_with_recovery(tmp_path / "vault", code) as recovery:
        recovery.add_user("farida", "caseworker", OTHER)
        recovery.remove_user("tamana")  # no manager is lost: farida stays
    with Vault.open(tmp_path / "vault", OTHER) as farida:
        assert [u.name for u in farida.users()] == ["farida"]


def test_the_rule_table() -> None:
    for action in permissions.MAY:
        assert permissions.may(_Role("caseworker"), action)
        assert permissions.may(_Role("coordinator"), action)
        assert permissions.may(_Role("recovery"), action)
        assert not permissions.may(_Role("translator"), action)
        assert not permissions.may(_Role("someone"), action)
    assert permissions.is_manager("caseworker") and permissions.is_manager("coordinator")
    assert not permissions.is_manager("translator") and not permissions.is_manager("recovery")


@dataclass(frozen=True)
class _Role:
    role: str


# User names

REFUSED_NAMES = {
    "CSI (C1)": "farida\u009b2J",
    "NEL (C1)": "farida\u0085",
    "ESC": "farida\x1b[2J",
    "right-to-left override": "farida\u202e",
    "left-to-right isolate": "\u2066farida\u2069",
    "first-strong isolate": "\u2068farida",
    "pop directional isolate": "farida\u2069",
    "right-to-left isolate": "\u2067farida",
    "left-to-right mark": "farida\u200e",
    "arabic letter mark": "\u061cفریده",
    "byte order mark": "\ufefffarida",
    "soft hyphen": "far\u00adida",
    "line separator": "farida\u2028x",
    "no-break space at the end": "farida\u00a0",
    "space at the start": " farida",
    "empty": "",
    "65 characters": "x" * 65,
}


@pytest.mark.parametrize("name", list(REFUSED_NAMES.values()), ids=list(REFUSED_NAMES))
def test_control_and_direction_characters_are_refused_in_user_names(
    vault: Vault, name: str
) -> None:
    before = state(vault)
    with pytest.raises(InvalidInput) as info:
        vault.add_user(name, "translator", OTHER)
    assert "control or direction" in str(info.value)
    assert state(vault) == before


def test_dari_names_keep_their_joiners(vault: Vault) -> None:
    zwnj = "علی\u200cرضا"  # Alireza, written with a zero-width non-joiner
    zwj = "ن\u200dم"
    for name in (zwnj, zwj, "Farida Rahimi", "x" * 64):
        vault.add_user(name, "translator", OTHER)
    assert {zwnj, zwj} <= {u.name for u in vault.users()}


def test_the_recovery_name_is_kept_for_the_code(vault: Vault) -> None:
    with pytest.raises(InvalidInput, match="reserved for the recovery code"):
        vault.add_user("recovery", "caseworker", OTHER)
