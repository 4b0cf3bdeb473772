"""The command line on who may change a vault's users and keys, and how they are shown.

Roles (docs/roles.md): exit 13 for a translator's every managed action, the
last manager kept. Key-slot changes made while the app holds the vault open
(issue 13, item 2). User names that could drive a terminal, refused when
added and escaped when printed. Passphrase files saved by Notepad.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from intake_desktop.core import audit, identity
from intake_desktop.core.trust import TrustStore
from intake_desktop.core.vault import HEADER_NAME, Vault
from tests.cli.support import RECOVERY_CODE, fails, ok, ok_json, run
from tests.helpers import PASSPHRASE, make_vault

TRANSLATOR_PASSPHRASE = "tamana translates statements"
NEW = "a new passphrase from the command line"


@pytest.fixture
def office(vault_path: Path, tmp_path: Path) -> dict[str, Any]:
    """farida (caseworker, $INTAKE_PASSPHRASE), tamana (translator), one trusted device."""
    vault, code = make_vault(vault_path)
    vault.add_user("tamana", "translator", TRANSLATOR_PASSPHRASE)
    other, _ = make_vault(tmp_path / "other")
    keys = identity.load(other.conn)
    other.close()
    TrustStore(vault).add_device("Kabul office", keys.signing_key)
    vault.close()
    return {"code": code, "keys": keys}


def translator(env: dict[str, str]) -> dict[str, str]:
    return {**env, "INTAKE_PASSPHRASE": TRANSLATOR_PASSPHRASE, "INTAKE_NEW_PASSPHRASE": NEW}


def snapshot(vault_path: Path) -> tuple[bytes, Any, Any]:
    """The slots, the users and the trust store (read in-process: quicker than two commands)."""
    with Vault.open(vault_path, PASSPHRASE) as vault:
        return (
            (vault_path / HEADER_NAME).read_bytes(),
            vault.users(),
            [e.name for e in TrustStore(vault).entries()],
        )


MANAGED = {
    "user add": ("vault", "user", "add", "omid", "--role", "coordinator"),
    "user remove": ("vault", "user", "remove", "farida"),
    "passwd --user": ("vault", "passwd", "--user", "farida"),
    "recovery-code": ("vault", "recovery-code"),
    "trust add-device": ("trust", "add-device", "other", "{signing_key}", "--yes"),
    "trust add-recipient": ("trust", "add-recipient", "counsel", "{recipient}", "--yes"),
    "trust remove": ("trust", "remove", "Kabul office"),
    "trust revoke": ("trust", "revoke", "Kabul office", "--yes"),
}


@pytest.mark.parametrize("command", list(MANAGED))
def test_a_translator_is_refused_with_exit_13_and_nothing_changes(
    cli_env: dict[str, str], vault_path: Path, office: dict[str, Any], command: str
) -> None:
    keys = office["keys"]
    args = [
        a.format(signing_key=keys.signing_key, recipient=keys.age_recipient)
        for a in MANAGED[command]
    ]
    before = snapshot(vault_path)
    line = fails(*args, env=translator(cli_env), code=13)
    assert "Only a caseworker, a coordinator or the recovery code can" in line
    assert "nothing was changed" in line
    assert snapshot(vault_path) == before


def test_a_translator_changes_their_own_passphrase(
    cli_env: dict[str, str], office: dict[str, Any]
) -> None:
    ok("vault", "passwd", env=translator(cli_env))
    ok("vault", "passwd", "--user", "tamana", env={**translator(cli_env), "INTAKE_PASSPHRASE": NEW})
    fails("vault", "user", "list", env=translator(cli_env), code=4)


def test_a_caseworker_manages_users_and_keys(
    cli_env: dict[str, str], vault_path: Path, office: dict[str, Any]
) -> None:
    env = {**cli_env, "INTAKE_NEW_PASSPHRASE": NEW}
    ok("vault", "user", "add", "omid", "--role", "coordinator", env=env)
    # Resetting a colleague's passphrase no longer needs the recovery code.
    out = ok("vault", "passwd", "--user", "tamana", env={**env, "INTAKE_NEW_PASSPHRASE": "t" * 12})
    assert out == "The passphrase of tamana was changed.\n"
    fails("vault", "user", "list", env={**cli_env, "INTAKE_PASSPHRASE": TRANSLATOR_PASSPHRASE},
          code=4)  # fmt: skip
    ok("vault", "user", "list", env={**cli_env, "INTAKE_PASSPHRASE": "t" * 12})
    (code,) = RECOVERY_CODE.findall(ok("vault", "recovery-code", env=env))
    keys = office["keys"]
    ok("trust", "add-recipient", "counsel", keys.age_recipient, "--yes", env=env)
    ok("trust", "remove", "counsel", env=env)
    ok("vault", "user", "remove", "omid", env=env)
    assert [u["name"] for u in ok_json("vault", "user", "list", "--json", env=env)] == [
        "farida",
        "tamana",
    ]
    assert code != office["code"]


def test_the_last_manager_is_kept_and_the_recovery_code_manages(
    cli_env: dict[str, str], vault_path: Path, office: dict[str, Any]
) -> None:
    recovery = {**cli_env, "INTAKE_RECOVERY_CODE": office["code"], "INTAKE_NEW_PASSPHRASE": NEW}
    del recovery["INTAKE_PASSPHRASE"]
    line = fails("vault", "user", "remove", "farida", "--recovery", env=recovery, code=6)
    assert "farida is the last caseworker or coordinator" in line
    ok("vault", "user", "add", "nasrin", "--role", "coordinator", "--recovery", env=recovery)
    ok("vault", "user", "remove", "farida", "--recovery", env=recovery)
    ok("trust", "remove", "Kabul office", "--recovery", env=recovery)
    (code,) = RECOVERY_CODE.findall(ok("vault", "recovery-code", "--recovery", env=recovery))
    fails("vault", "recovery-code", "--recovery", env=recovery, code=4)  # the old code is gone
    users = ok_json("vault", "user", "list", "--json", env={**cli_env, "INTAKE_PASSPHRASE": NEW})
    # Listed by when they were added, to the second: both may share one.
    assert sorted((u["name"], u["role"]) for u in users) == [
        ("nasrin", "coordinator"),
        ("tamana", "translator"),
    ]
    assert RECOVERY_CODE.fullmatch(code)


# Item 2: the app holds the vault open while the command line changes its key slots.


def test_the_command_line_beside_an_open_app_is_never_undone(
    cli_env: dict[str, str], vault_path: Path, office: dict[str, Any]
) -> None:
    app = Vault.open(vault_path, PASSPHRASE)  # unlocked before, as the app would be
    try:
        (new_code,) = RECOVERY_CODE.findall(ok("vault", "recovery-code", env=cli_env))
        ok("vault", "user", "remove", "tamana", env=cli_env)
        ok("vault", "passwd", env={**cli_env, "INTAKE_NEW_PASSPHRASE": NEW})
        # Later, in the app: a new user, then a new passphrase for farida.
        app.add_user("omid", "caseworker", "omid's own passphrase")
        app.change_passphrase("the app's newer passphrase")
    finally:
        app.close()
    for env in (cli_env, {**cli_env, "INTAKE_PASSPHRASE": NEW}):
        fails("vault", "user", "list", env=env, code=4)  # replaced passphrases stay replaced
    fails("vault", "user", "list", env=translator(cli_env), code=4)  # tamana stays removed
    old_code = {**cli_env, "INTAKE_RECOVERY_CODE": office["code"]}
    fails("vault", "recovery-code", "--recovery", env=old_code, code=4)
    env = {**cli_env, "INTAKE_PASSPHRASE": "the app's newer passphrase"}
    users = [u["name"] for u in ok_json("vault", "user", "list", "--json", env=env)]
    assert users == ["farida", "omid"]
    check = ok_json("vault", "check", "--json", env=env)
    assert next(c for c in check["checks"] if c["name"] == "key slots")["ok"]
    with Vault.open_with_recovery(vault_path, new_code) as recovered:
        assert recovered.user.role == "recovery"


# Names that could drive a terminal


RAW_NAME = "mal\x1b[2J\u009b31m\u202eloy"


def test_names_stored_by_an_older_version_are_escaped_when_printed(
    cli_env: dict[str, str], vault_path: Path, office: dict[str, Any]
) -> None:
    with Vault.open(vault_path, PASSPHRASE) as vault:
        # What an older version let in: a raw row and an audit entry by that name.
        vault.conn.execute(
            "INSERT INTO users (slot_id, name, role, created_at) VALUES (?, ?, ?, ?)",
            ("00000000-0000-4000-8000-000000000000", RAW_NAME, "translator", vault.now()),
        )
        with vault.transaction():
            audit.append(vault.conn, vault.now(), RAW_NAME, "case.create\u009b", None, None)
    listing = ok("vault", "user", "list", env=cli_env)
    log = ok("vault", "audit", "--limit", "5", env=cli_env)
    for out in (listing, log):
        assert not any(ch in out for ch in "\x1b\u009b\u202e")
        assert "mal\\u001b[2J\\u009b31m\\u202eloy" in out
    assert "case.create\\u009b" in log
    # --json is for programs: the stored value, exactly.
    names = [u["name"] for u in ok_json("vault", "user", "list", "--json", env=cli_env)]
    assert RAW_NAME in names


@pytest.mark.parametrize("name", ["farida\u009b", "x\u202ey", "\u2066x\u2069", "x\u2068"])
def test_user_add_refuses_control_and_direction_characters(
    cli_env: dict[str, str], vault_path: Path, office: dict[str, Any], name: str
) -> None:
    before = (vault_path / HEADER_NAME).read_bytes()
    line = fails("vault", "user", "add", name, "--role", "translator",
                 env={**cli_env, "INTAKE_NEW_PASSPHRASE": NEW}, code=6)  # fmt: skip
    assert "no control or direction characters" in line
    assert not any(ch in line for ch in "\u009b\u202e\u2066\u2068\u2069")
    assert (vault_path / HEADER_NAME).read_bytes() == before


# Passphrase files


def test_user_add_without_a_new_passphrase_names_the_right_option(
    cli_env: dict[str, str], office: dict[str, Any]
) -> None:
    line = fails("vault", "user", "add", "omid", "--role", "caseworker", env=cli_env, code=6)
    assert "--new-passphrase-file" in line and "INTAKE_NEW_PASSPHRASE" in line
    line = fails("vault", "passwd", env=cli_env, code=6)
    assert "--new-passphrase-file" in line
    init = {k: v for k, v in cli_env.items() if k != "INTAKE_PASSPHRASE"}
    line = fails("vault", "init", "--vault", str(Path(cli_env["TMPDIR"]) / "v2"), env=init, code=6)
    assert "--passphrase-file" in line and "--new-passphrase-file" not in line


BOM = "\ufeff".encode()


def test_a_passphrase_file_saved_by_notepad_opens_the_vault(
    cli_env: dict[str, str], vault_path: Path, tmp_path: Path, office: dict[str, Any]
) -> None:
    env = {k: v for k, v in cli_env.items() if k != "INTAKE_PASSPHRASE"}
    notepad = tmp_path / "passphrase.txt"
    notepad.write_bytes(BOM + PASSPHRASE.encode() + b"\r\n")
    ok("vault", "user", "list", "--passphrase-file", str(notepad), env=env)
    # A new passphrase from such a file is set without its BOM and line end.
    new_file = tmp_path / "new.txt"
    new_file.write_bytes(BOM + NEW.encode() + b"\r\nsecond line\r\n")
    ok("vault", "passwd", "--passphrase-file", str(notepad), "--new-passphrase-file",
       str(new_file), env=env)  # fmt: skip
    ok("vault", "user", "list", env={**env, "INTAKE_PASSPHRASE": NEW})
    omid = tmp_path / "omid.txt"
    omid.write_bytes(BOM + "پاسورد امید".encode() + b"\r\n")
    ok("vault", "user", "add", "omid", "--role", "caseworker", "--new-passphrase-file", str(omid),
       env={**env, "INTAKE_PASSPHRASE": NEW})  # fmt: skip
    (last,) = ok_json("vault", "audit", "--json", "--limit", "1",
                      env={**env, "INTAKE_PASSPHRASE": "پاسورد امید"})  # fmt: skip
    assert last["user"] == "omid"


def test_only_one_leading_bom_is_stripped(
    cli_env: dict[str, str], vault_path: Path, tmp_path: Path, office: dict[str, Any]
) -> None:
    twice = tmp_path / "twice.txt"
    twice.write_bytes(BOM + BOM + NEW.encode() + b"\n")
    ok("vault", "passwd", "--new-passphrase-file", str(twice), env=cli_env)
    fails("vault", "user", "list", env={**cli_env, "INTAKE_PASSPHRASE": NEW}, code=4)
    result = run(
        "vault", "user", "list", "--json", env={**cli_env, "INTAKE_PASSPHRASE": "\ufeff" + NEW}
    )
    assert result.returncode == 0 and json.loads(result.stdout)[0]["name"] == "farida"
