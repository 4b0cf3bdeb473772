"""The command line as a contract: ``identity`` and ``trust`` (DESIGN.md "Bundles").

Keys come from the real tools; every refusal is one stderr line with its
exit code, stores nothing, and never echoes a secret key that was pasted.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyrage
import pytest

from intake_desktop.core import identity
from intake_desktop.core.fingerprint import recipient_fingerprint, signing_key_fingerprint
from intake_desktop.core.vault import Vault
from tests.cli.support import describe, fails, ok, ok_json, run
from tests.helpers import PASSPHRASE, REPO

GROUPS = re.compile(r"[0-9A-HJKMNP-TV-Z]{4}(?:-[0-9A-HJKMNP-TV-Z]{4}){5}")
FIELDS = {
    "name",
    "kind",
    "key",
    "fingerprint",
    "added_at",
    "added_by",
    "withheld_names",
    "revoked_at",
    "packets",
}


@pytest.fixture
def minisign_pub(tmp_path: Path) -> Path:
    folder = tmp_path / "other-device"
    folder.mkdir()
    subprocess.run(["minisign", "-G", "-W", "-p", "pub", "-s", "sec"], cwd=folder,
                   check=True, capture_output=True)  # fmt: skip
    return folder / "pub"


@pytest.fixture
def age_key(tmp_path: Path) -> tuple[str, Path]:
    """(recipient, key file holding the AGE-SECRET-KEY-1...)."""
    key_file = tmp_path / "age-key.txt"
    subprocess.run(["age-keygen", "-o", str(key_file)], check=True, capture_output=True)
    out = subprocess.run(["age-keygen", "-y", str(key_file)], check=True, capture_output=True,
                         text=True)  # fmt: skip
    return out.stdout.strip(), key_file


def trusted(env: dict[str, str]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = ok_json("trust", "list", "--json", env=env)
    return rows


# identity


def test_identity_json_gives_keys_that_the_standard_tools_accept(
    vault_env: dict[str, str], init_info: dict[str, Any], vault_path: Path, tmp_path: Path
) -> None:
    info = ok_json("identity", "--json", env=vault_env)
    assert info["vault_name"] == init_info["name"]
    assert info["vault_id"] == init_info["vault_id"]
    assert info["recipient"].startswith("age1")
    assert info["signing_key"].startswith("RW")
    assert info["recipient_fingerprint"] == recipient_fingerprint(info["recipient"])
    assert info["signing_key_fingerprint"] == signing_key_fingerprint(info["signing_key"])
    assert GROUPS.fullmatch(info["recipient_fingerprint"])
    assert info["recipient_fingerprint"] != info["signing_key_fingerprint"]

    # `minisign -P <signing_key>` verifies what this vault signs; `age -r <recipient>`
    # encrypts to what it can open.
    with Vault.open(vault_path, PASSPHRASE) as vault:
        own = identity.load(vault.conn)
    message = tmp_path / "manifest.json"
    message.write_bytes(b'{"hello": "world"}')
    signature = own.minisign_secret().sign(message.read_bytes())
    (tmp_path / "manifest.json.minisig").write_bytes(bytes(signature))
    subprocess.run(["minisign", "-V", "-q", "-P", info["signing_key"], "-m", str(message)],
                   check=True, capture_output=True)  # fmt: skip
    sealed = subprocess.run(["age", "-r", info["recipient"]], input=b"secret", check=True,
                            capture_output=True).stdout  # fmt: skip
    assert pyrage.decrypt(sealed, [own.age_identity()]) == b"secret"


def test_identity_for_humans_groups_the_fingerprints(vault_env: dict[str, str]) -> None:
    info = ok_json("identity", "--json", env=vault_env)
    out = ok("identity", env=vault_env)
    for value in info.values():
        assert value in out
    assert "aloud" in out


# trust add / list / remove


def test_add_list_and_remove(
    vault_env: dict[str, str], minisign_pub: Path, age_key: tuple[str, Path]
) -> None:
    key_line = minisign_pub.read_text().splitlines()[1]
    out = ok("trust", "add-device", "Kabul office", f"@{minisign_pub}", "--yes", env=vault_env)
    assert signing_key_fingerprint(key_line) in out
    out = ok("trust", "add-recipient", "counsel", age_key[0], "--yes", env=vault_env)
    assert recipient_fingerprint(age_key[0]) in out
    rows = trusted(vault_env)
    assert all(set(row) == FIELDS for row in rows)
    by_name = {row["name"]: row for row in rows}
    assert by_name["Kabul office"]["kind"] == "device"
    assert by_name["Kabul office"]["key"] == key_line
    assert by_name["counsel"] == {
        "name": "counsel",
        "kind": "recipient",
        "key": age_key[0],
        "fingerprint": recipient_fingerprint(age_key[0]),
        "added_at": by_name["counsel"]["added_at"],
        "added_by": "caseworker",
        "withheld_names": False,
        "revoked_at": None,
        "packets": False,
    }
    assert "Kabul office" in ok("trust", "list", env=vault_env)

    ok("trust", "remove", "Kabul office", env=vault_env)
    assert [row["name"] for row in trusted(vault_env)] == ["counsel"]
    assert "Kabul office" in fails("trust", "remove", "Kabul office", env=vault_env, code=10)
    actions = [e["action"] for e in ok_json("vault", "audit", "--json", env=vault_env)]
    assert actions.count("trust.add") == 2 and actions.count("trust.remove") == 1


def test_without_yes_a_script_is_refused_and_nothing_is_stored(
    vault_env: dict[str, str], minisign_pub: Path
) -> None:
    key_line = minisign_pub.read_text().splitlines()[1]
    line = fails("trust", "add-device", "office", key_line, env=vault_env, code=6)
    assert "--yes" in line
    assert signing_key_fingerprint(key_line) in line
    assert trusted(vault_env) == []


def test_the_same_key_twice_names_the_first(vault_env: dict[str, str], minisign_pub: Path) -> None:
    ok("trust", "add-device", "office", f"@{minisign_pub}", "--yes", env=vault_env)
    line = fails("trust", "add-device", "other", f"@{minisign_pub}", "--yes", env=vault_env, code=6)
    assert "office" in line
    own = ok_json("identity", "--json", env=vault_env)
    fails("trust", "add-recipient", "me", own["recipient"], "--yes", env=vault_env, code=6)
    assert len(trusted(vault_env)) == 1


@pytest.mark.parametrize(
    ("command", "key"),
    [
        ("add-device", "RWnotakey"),
        ("add-device", "RWRGksvfqUg9f291mpbQwSaxppmWRG5qoIu26YZu5CybW4nPK9tPuCM"),
        ("add-device", "@/nonexistent/minisign.pub"),
        ("add-recipient", "age1ed34sgn633vnwksgkk6adtvckd3cwg7ed539tq8ylyara5uqwpsqgtvcdq"),
        ("add-recipient", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHb0YaoZbn3lb8"),
        ("add-recipient", "RWRGksvfqUg9f291mpbQwSaxppmWRG5qoIu26YZu5CybW4nPK9tPuCMs"),
    ],
)
def test_malformed_keys_exit_6_with_one_line(
    vault_env: dict[str, str], command: str, key: str
) -> None:
    fails("trust", command, "someone", key, "--yes", env=vault_env, code=6)
    assert trusted(vault_env) == []


def test_a_pasted_age_secret_key_is_refused_and_never_echoed(
    vault_env: dict[str, str], age_key: tuple[str, Path]
) -> None:
    secret = next(
        line for line in age_key[1].read_text().splitlines() if line.startswith("AGE-SECRET-KEY-1")
    )
    for args in (
        ("trust", "add-recipient", "counsel", secret, "--yes"),
        ("trust", "add-recipient", "counsel", secret),
        ("trust", "add-recipient", "counsel", f"@{age_key[1]}", "--yes"),
        ("trust", "add-device", "counsel", secret, "--yes"),
    ):
        result = run(*args, env=vault_env)
        assert result.returncode == 6, describe(result)
        assert b"secret key" in result.stderr
        body = secret.removeprefix("AGE-SECRET-KEY-1").encode()
        for stream in (result.stdout, result.stderr):
            assert body not in stream and body.lower() not in stream
    assert trusted(vault_env) == []


# On a terminal: the question is asked


def ask(env: dict[str, str], answer: bytes, *args: str) -> subprocess.CompletedProcess[bytes]:
    main, child = os.openpty()
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "intake_desktop", *args],
            stdin=child, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=REPO,
        )  # fmt: skip
        os.close(child)
        os.write(main, answer)
        out, err = process.communicate(timeout=120)
    finally:
        os.close(main)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_on_a_terminal_no_cancels_and_yes_stores(
    vault_env: dict[str, str], age_key: tuple[str, Path]
) -> None:
    args = ("trust", "add-recipient", "counsel", age_key[0])
    refused = ask(vault_env, b"n\n", *args)
    assert refused.returncode == 11, describe(refused)
    assert b"Did you compare this fingerprint" in refused.stdout
    assert recipient_fingerprint(age_key[0]).encode() in refused.stdout
    assert trusted(vault_env) == []
    accepted = ask(vault_env, b"y\n", *args)
    assert accepted.returncode == 0, describe(accepted)
    assert [row["name"] for row in trusted(vault_env)] == ["counsel"]
