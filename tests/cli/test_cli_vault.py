"""The command line as a contract, part 1: the vault (DESIGN.md "The command line").

Creating, locating, unlocking and checking a vault, passphrases, users, and
how each failure is reported: exit code, one stderr line, nothing changed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from tests.cli.support import (
    NEW_PASSPHRASE,
    PREFIX,
    RECOVERY_CODE,
    add_case,
    assert_unchanged,
    case_list,
    describe,
    env_without,
    fails,
    files,
    ok,
    ok_json,
    run,
    state,
)
from tests.helpers import MINIMAL_CASE, PASSPHRASE, REPO

# vault init


def test_init_prints_the_recovery_code_once(cli_env: dict[str, str], vault_path: Path) -> None:
    result = run("vault", "init", env=cli_env)
    assert result.returncode == 0, describe(result)
    out = result.stdout.decode()
    codes = RECOVERY_CODE.findall(out)
    assert len(codes) == 1, out
    assert out.count(codes[0]) == 1
    assert codes[0].encode() not in result.stderr
    assert (vault_path / "keyslots.json").is_file()
    assert (vault_path / "vault.db").is_file()
    assert case_list(cli_env) == []


def test_init_json_with_name_role_and_user(cli_env: dict[str, str], vault_path: Path) -> None:
    info = ok_json(
        "vault", "init", "--name", "Kabul office", "--role", "coordinator", "--user", "amina",
        "--json", env=cli_env,
    )  # fmt: skip
    assert RECOVERY_CODE.fullmatch(info["recovery_code"])
    assert info["name"] == "Kabul office"
    assert (info["user"], info["role"]) == ("amina", "coordinator")
    assert Path(info["path"]) == vault_path
    assert str(uuid.UUID(info["vault_id"])) == info["vault_id"]
    users = ok_json("vault", "user", "list", "--json", env=cli_env)
    # No signing key of her own until her first certification or read-back.
    assert users == [
        {"name": "amina", "role": "coordinator", "signing_key": None, "fingerprint": None}
    ]


def test_init_twice_fails_and_changes_nothing(
    vault_env: dict[str, str], vault_path: Path, init_info: dict[str, Any]
) -> None:
    case_id = add_case(vault_env, MINIMAL_CASE)
    before = files(vault_path)
    other = {**vault_env, "INTAKE_PASSPHRASE": NEW_PASSPHRASE}
    line = fails("vault", "init", env=other, code=5)
    assert str(vault_path) in line
    assert RECOVERY_CODE.search(line) is None
    assert files(vault_path) == before
    fails("case", "list", env=other, code=4)  # the second passphrase got no slot
    assert [c["id"] for c in case_list(vault_env)] == [case_id]


@pytest.mark.parametrize("content", ["folder", "file"])
def test_init_into_something_else_fails(
    cli_env: dict[str, str], tmp_path: Path, content: str
) -> None:
    target = tmp_path / "foreign"
    if content == "folder":
        target.mkdir()
        (target / "notes.txt").write_text("someone else's notes\n")
        (target / "sub").mkdir()
    else:
        target.write_bytes(b"not a folder at all")
    before = files(target)
    fails("vault", "init", "--vault", str(target), env=cli_env, code=5)
    assert files(target) == before


def test_init_with_a_short_passphrase_creates_nothing(
    cli_env: dict[str, str], vault_path: Path
) -> None:
    line = fails("vault", "init", env={**cli_env, "INTAKE_PASSPHRASE": "short"}, code=6)
    assert "short" not in line.removeprefix(PREFIX)
    assert not vault_path.exists()


# Where the vault is


def test_vault_option_beats_the_environment(cli_env: dict[str, str], tmp_path: Path) -> None:
    chosen = tmp_path / "chosen"
    ok("vault", "init", "--vault", str(chosen), env=cli_env)
    assert (chosen / "keyslots.json").is_file()
    assert not Path(cli_env["INTAKE_VAULT"]).exists()
    case_id = add_case({**cli_env, "INTAKE_VAULT": str(chosen)}, MINIMAL_CASE)
    assert [c["id"] for c in case_list(cli_env, "--vault", str(chosen))] == [case_id]
    fails("case", "list", env=cli_env, code=5)  # $INTAKE_VAULT still names a missing folder
    assert not Path(cli_env["INTAKE_VAULT"]).exists()


def test_default_vault_is_in_the_user_data_folder(cli_env: dict[str, str], tmp_path: Path) -> None:
    env = env_without(cli_env, "INTAKE_VAULT")
    info = ok_json("vault", "init", "--json", env=env)
    expected = Path(env["XDG_DATA_HOME"]) / "intake-desktop" / "vault"
    assert Path(info["path"]) == expected
    assert (expected / "keyslots.json").is_file()
    assert not Path(cli_env["INTAKE_VAULT"]).exists()
    case_id = add_case(env, MINIMAL_CASE)
    assert [c["id"] for c in case_list(env)] == [case_id]


def test_global_options_work_before_and_after_the_command(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    target = tmp_path / "elsewhere"
    env = env_without(cli_env, "INTAKE_VAULT", "INTAKE_PASSPHRASE")
    secret = tmp_path / "secret"
    secret.write_text(PASSPHRASE + "\n")
    ok("vault", "init", "--vault", str(target), "--passphrase-file", str(secret), env=env)
    case_id = add_case(
        {**env, "INTAKE_VAULT": str(target), "INTAKE_PASSPHRASE": PASSPHRASE}, MINIMAL_CASE
    )
    for args in (
        ("--vault", str(target), "--passphrase-file", str(secret), "case", "list", "--json"),
        ("case", "list", "--vault", str(target), "--passphrase-file", str(secret), "--json"),
        ("case", "--vault", str(target), "list", "--json", "--passphrase-file", str(secret)),
    ):
        assert [c["id"] for c in ok_json(*args, env=env)] == [case_id], args


@pytest.mark.parametrize("ending", ["\n", "\r\n", ""])
def test_passphrase_file_uses_the_first_line_only(
    vault_env: dict[str, str], tmp_path: Path, ending: str
) -> None:
    env = env_without(vault_env, "INTAKE_PASSPHRASE")
    right, wrong = tmp_path / "right", tmp_path / "wrong"
    rest = f"{ending}second line is ignored\n" if ending else ""  # "": no newline at all
    right.write_bytes(f"{PASSPHRASE}{rest}".encode())
    wrong.write_bytes(f"not it\n{PASSPHRASE}{ending}".encode())
    assert case_list(env, "--passphrase-file", str(right)) == []
    fails("case", "list", "--passphrase-file", str(wrong), env=env, code=4)


def test_missing_passphrase_file(vault_env: dict[str, str], tmp_path: Path) -> None:
    env = env_without(vault_env, "INTAKE_PASSPHRASE")
    fails("case", "list", "--passphrase-file", str(tmp_path / "nope"), env=env, code=6)


# Unlocking fails


@pytest.mark.parametrize("kind", ["empty folder", "a file", "folder with files"])
@pytest.mark.parametrize("command", [("case", "list"), ("vault", "check"), ("case", "add")])
def test_not_a_vault(
    cli_env: dict[str, str], tmp_path: Path, kind: str, command: tuple[str, ...]
) -> None:
    target = tmp_path / "target"
    if kind == "a file":
        target.write_bytes(os.urandom(300))
    else:
        target.mkdir()
        if kind == "folder with files":
            (target / "vault.txt").write_bytes(os.urandom(100))
            (target / "photo.jpg").write_bytes(b"\xff\xd8\xff" + os.urandom(100))
    before = files(target)
    args = (*command, "--json", "-") if command[-1] == "add" else command
    input = json.dumps(MINIMAL_CASE).encode()
    line = fails(*args, "--vault", str(target), env=cli_env, code=5, input=input)
    assert str(target) in line
    assert files(target) == before


@pytest.mark.parametrize("command", [("case", "list"), ("vault", "check"), ("case", "add")])
def test_missing_vault_folder_is_not_created(
    cli_env: dict[str, str], tmp_path: Path, command: tuple[str, ...]
) -> None:
    target = tmp_path / "missing" / "vault"
    args = (*command, "--json", "-") if command[-1] == "add" else command
    input = json.dumps(MINIMAL_CASE).encode()
    fails(*args, "--vault", str(target), env=cli_env, code=5, input=input)
    assert not target.parent.exists()


@pytest.mark.parametrize("command", [("case", "list"), ("case", "add"), ("vault", "passwd")])
def test_wrong_passphrase_changes_no_byte(
    vault_env: dict[str, str], vault_path: Path, command: tuple[str, ...]
) -> None:
    add_case(vault_env, MINIMAL_CASE)
    before_state = state(vault_env)
    before = files(vault_path)
    env = {
        **vault_env,
        "INTAKE_PASSPHRASE": "wrong but long enough",
        "INTAKE_NEW_PASSPHRASE": NEW_PASSPHRASE,
    }
    args = (*command, "--json", "-") if command[-1] == "add" else command
    line = fails(*args, env=env, code=4, input=json.dumps(MINIMAL_CASE).encode())
    assert "wrong but long enough" not in line
    assert files(vault_path) == before
    assert_unchanged(vault_env, before_state)


def test_no_passphrase_in_a_script(vault_env: dict[str, str], vault_path: Path) -> None:
    before_state = state(vault_env)
    before = files(vault_path)
    env = env_without(vault_env, "INTAKE_PASSPHRASE")
    line = fails("case", "list", env=env, code=6)
    assert "INTAKE_PASSPHRASE" in line
    line = fails(
        "case", "add", "--json", "-", env=env, code=6, input=json.dumps(MINIMAL_CASE).encode()
    )
    assert "INTAKE_PASSPHRASE" in line
    assert files(vault_path) == before
    assert_unchanged(vault_env, before_state)


def test_no_passphrase_for_init_creates_nothing(cli_env: dict[str, str], vault_path: Path) -> None:
    line = fails("vault", "init", env=env_without(cli_env, "INTAKE_PASSPHRASE"), code=6)
    assert "INTAKE_PASSPHRASE" in line
    assert not vault_path.exists()


def test_corrupted_database_is_reported(vault_env: dict[str, str], vault_path: Path) -> None:
    add_case(vault_env, MINIMAL_CASE)
    db = vault_path / "vault.db"
    assert not (vault_path / "vault.db-wal").exists()  # closed cleanly: all in vault.db
    size = db.stat().st_size
    with db.open("r+b") as handle:
        handle.seek(size // 2)
        handle.write(os.urandom(256))
    result = run("vault", "check", env=vault_env)
    assert result.returncode == 7, describe(result)
    lines = result.stderr.decode().splitlines()
    assert len(lines) == 1 and lines[0].startswith(PREFIX), describe(result)
    assert b"Traceback" not in result.stderr
    if result.stdout:  # it got as far as running the checks: one names the failure
        assert "FAILED" in result.stdout.decode()


def test_vault_check_json_on_a_damaged_vault(vault_env: dict[str, str], vault_path: Path) -> None:
    add_case(vault_env, MINIMAL_CASE)
    db = vault_path / "vault.db"
    data = bytearray(db.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 64] = bytes(b ^ 0xFF for b in data[middle : middle + 64])
    db.write_bytes(bytes(data))
    result = run("vault", "check", "--json", env=vault_env)
    assert result.returncode == 7, describe(result)
    if result.stdout:
        report = json.loads(result.stdout)
        assert report["ok"] is False
        assert any(not c["ok"] for c in report["checks"])


def test_busy_vault(vault_env: dict[str, str], vault_path: Path) -> None:
    before = state(vault_env)
    holder = (
        "import sys\n"
        "from intake_desktop.core.vault import Vault\n"
        "vault = Vault.open(sys.argv[1], sys.argv[2])\n"
        "vault.conn.execute('BEGIN IMMEDIATE')\n"
        "print('holding', flush=True)\n"
        "sys.stdin.readline()\n"
        "vault.conn.execute('ROLLBACK')\n"
        "vault.close()\n"
    )
    with subprocess.Popen(
        [sys.executable, "-c", holder, str(vault_path), PASSPHRASE],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=vault_env,
        cwd=REPO,
    ) as proc:
        try:
            assert proc.stdout is not None and proc.stdin is not None
            assert proc.stdout.readline() == b"holding\n"
            started = time.monotonic()
            line = fails(
                "case", "add", "--json", "-", env=vault_env, code=9,
                input=json.dumps(MINIMAL_CASE).encode(),
            )  # fmt: skip
            assert time.monotonic() - started > 3  # it waited for the lock before giving up
            assert "busy" in line
        finally:
            proc.communicate(b"\n", timeout=30)
    assert proc.returncode == 0
    assert_unchanged(vault_env, before, unlock_allowed=True)  # the holder's own unlock
    add_case(vault_env, MINIMAL_CASE)  # free again


def test_debug_prints_a_traceback(vault_env: dict[str, str]) -> None:
    missing = str(uuid.uuid4())
    for args in (("--debug", "case", "show", missing), ("case", "show", missing, "--debug")):
        result = run(*args, env=vault_env)
        assert result.returncode == 10, describe(result)
        stderr = result.stderr.decode()
        assert "Traceback (most recent call last)" in stderr
        assert stderr.splitlines()[-1].startswith(PREFIX)
    line = fails("case", "show", missing, env=vault_env, code=10)
    assert missing in line


# vault check


def test_vault_check_on_a_healthy_vault(vault_env: dict[str, str], tmp_path: Path) -> None:
    case_id = add_case(vault_env, MINIMAL_CASE)
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF-1.4\n" + os.urandom(3000))
    ok("attach", case_id, str(scan), env=vault_env)
    report = ok_json("vault", "check", "--json", env=vault_env)
    assert report["ok"] is True
    assert len(report["checks"]) >= 3
    for check in report["checks"]:
        assert check["ok"] is True, check
        assert isinstance(check["name"], str) and check["name"]
        assert isinstance(check["detail"], str)
    lines = ok("vault", "check", env=vault_env).splitlines()
    assert len(lines) == len(report["checks"])
    for line, check in zip(lines, report["checks"], strict=True):
        assert line.startswith("ok") and check["name"] in line


# Passphrases and the recovery code


def test_passwd_changes_the_passphrase(vault_env: dict[str, str], vault_path: Path) -> None:
    case_id = add_case(vault_env, MINIMAL_CASE)
    db_before = (vault_path / "vault.db").read_bytes()
    out = ok("vault", "passwd", env={**vault_env, "INTAKE_NEW_PASSPHRASE": NEW_PASSPHRASE})
    assert NEW_PASSPHRASE not in out and PASSPHRASE not in out
    fails("case", "list", env=vault_env, code=4)
    new_env = {**vault_env, "INTAKE_PASSPHRASE": NEW_PASSPHRASE}
    assert [c["id"] for c in case_list(new_env)] == [case_id]
    # Only the key slot was rewrapped; the database was not re-encrypted.
    assert (vault_path / "vault.db").read_bytes()[:4096] == db_before[:4096]


def test_passwd_needs_the_new_passphrase_in_a_script(vault_env: dict[str, str]) -> None:
    line = fails("vault", "passwd", env=vault_env, code=6)
    assert "INTAKE_NEW_PASSPHRASE" in line
    assert case_list(vault_env) == []  # the old passphrase still works


def _typed_lower_without_dashes(code: str) -> str:
    return code.replace("-", "").lower()


@pytest.mark.parametrize("typed", [str, _typed_lower_without_dashes], ids=["as-printed", "lower"])
def test_passwd_with_the_recovery_code(
    vault_env: dict[str, str], init_info: dict[str, Any], typed: Any
) -> None:
    case_id = add_case(vault_env, MINIMAL_CASE)
    env = env_without(vault_env, "INTAKE_PASSPHRASE")
    env.update(INTAKE_RECOVERY_CODE=typed(init_info["recovery_code"]))
    env.update(INTAKE_NEW_PASSPHRASE=NEW_PASSPHRASE)
    ok("vault", "passwd", "--recovery", env=env)
    fails("case", "list", env=vault_env, code=4)
    new_env = {**vault_env, "INTAKE_PASSPHRASE": NEW_PASSPHRASE}
    assert [c["id"] for c in case_list(new_env)] == [case_id]


def test_recovery_code_from_the_text_output_works(cli_env: dict[str, str]) -> None:
    (code,) = RECOVERY_CODE.findall(ok("vault", "init", env=cli_env))
    env = {**cli_env, "INTAKE_RECOVERY_CODE": code, "INTAKE_NEW_PASSPHRASE": NEW_PASSPHRASE}
    ok("vault", "passwd", "--recovery", env=env)
    assert case_list({**cli_env, "INTAKE_PASSPHRASE": NEW_PASSPHRASE}) == []


def test_wrong_recovery_code(
    vault_env: dict[str, str], vault_path: Path, init_info: dict[str, Any], tmp_path: Path
) -> None:
    other_vault = tmp_path / "other"
    other = ok_json("vault", "init", "--json", "--vault", str(other_vault), env=vault_env)
    real = init_info["recovery_code"]
    typo = real[:-1] + ("0" if real[-1] != "0" else "1")
    before = files(vault_path)
    for code in (other["recovery_code"], typo, "not a code at all"):
        env = {**vault_env, "INTAKE_RECOVERY_CODE": code, "INTAKE_NEW_PASSPHRASE": NEW_PASSPHRASE}
        line = fails("vault", "passwd", "--recovery", env=env, code=4)
        assert code not in line
    assert files(vault_path) == before
    assert case_list(vault_env) == []  # the passphrase is unchanged


# Users


def test_user_add_list_and_remove(vault_env: dict[str, str], init_info: dict[str, Any]) -> None:
    env = {**vault_env, "INTAKE_NEW_PASSPHRASE": NEW_PASSPHRASE}
    ok("vault", "user", "add", "tamana", "--role", "translator", env=env)
    no_key = {"signing_key": None, "fingerprint": None}
    owner = {"name": init_info["user"], "role": init_info["role"], **no_key}
    translator = {"name": "tamana", "role": "translator", **no_key}
    assert ok_json("vault", "user", "list", "--json", env=vault_env) == [owner, translator]
    # The new user unlocks with their own passphrase, and is the one recorded.
    theirs = {**vault_env, "INTAKE_PASSPHRASE": NEW_PASSPHRASE}
    assert ok_json("vault", "user", "list", "--json", env=theirs) == [owner, translator]
    (last,) = ok_json("vault", "audit", "--json", "--limit", "1", env=theirs)
    assert (last["user"], last["action"]) == ("tamana", "vault.unlock")
    # Text listing: one line per user.
    lines = ok("vault", "user", "list", env=vault_env).splitlines()
    assert [line.split("\t") for line in lines] == [
        [init_info["user"], init_info["role"], "-"],
        ["tamana", "translator", "-"],
    ]

    fails("vault", "user", "add", "tamana", "--role", "translator", env=env, code=6)
    ok("vault", "user", "remove", "tamana", env=vault_env)
    fails("case", "list", env=theirs, code=4)
    assert ok_json("vault", "user", "list", "--json", env=vault_env) == [owner]
    fails("vault", "user", "remove", "tamana", env=vault_env, code=10)
    fails("vault", "user", "remove", init_info["user"], env=vault_env, code=6)


def test_recovery_with_several_users_names_the_user(
    vault_env: dict[str, str], init_info: dict[str, Any]
) -> None:
    ok("vault", "user", "add", "tamana", "--role", "translator",
       env={**vault_env, "INTAKE_NEW_PASSPHRASE": NEW_PASSPHRASE})  # fmt: skip
    env = {**vault_env, "INTAKE_RECOVERY_CODE": init_info["recovery_code"]}
    env["INTAKE_NEW_PASSPHRASE"] = "tamana's reset passphrase"
    fails("vault", "passwd", "--recovery", env=env, code=6)
    ok("vault", "passwd", "--recovery", "--user", "tamana", env=env)
    fails("case", "list", env={**vault_env, "INTAKE_PASSPHRASE": NEW_PASSPHRASE}, code=4)
    assert case_list({**vault_env, "INTAKE_PASSPHRASE": "tamana's reset passphrase"}) == []
    assert case_list(vault_env) == []  # the owner's passphrase was not touched
