"""The command line as a contract: ``destination add | list | remove`` (delivery to counsel)."""

from __future__ import annotations

from pathlib import Path

import pytest

# The SSH and S3 libraries register exit handlers when first imported:
# imported here, the in-process runner (which refuses handlers a command
# adds) sees them as the process's own, as a real process would.
import intake_desktop.core.delivery.destinations  # noqa: F401
from intake_desktop.core.vault import Vault
from tests.cli.support import fails, ok, ok_json
from tests.helpers import PASSPHRASE

HOST_KEY = "SHA256:" + "n" * 43
SFTP_URL = "sftp://counsel@files.example.org:2222/incoming/intake"


def secret_file(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text)
    path.chmod(0o600)
    return str(path)


def test_an_sftp_destination_with_a_password_is_listed_without_it(
    vault_env: dict[str, str], vault_path: Path, tmp_path: Path
) -> None:
    password = secret_file(tmp_path, "pw", "correct-horse-for-counsel\nignored second line\n")
    out = ok(
        "destination", "add", "Counsel SFTP", SFTP_URL, "--host-key", HOST_KEY,
        "--password-file", password, "--yes", env=vault_env,
    )  # fmt: skip
    assert out == f"Added the destination Counsel SFTP ({SFTP_URL}).\n"
    listed = ok_json("destination", "list", "--json", env=vault_env)
    assert listed == [
        {
            "name": "Counsel SFTP",
            "kind": "sftp",
            "url": SFTP_URL,
            "host_key": HOST_KEY,
            "endpoint": None,
            "public_key": None,
            "added_at": listed[0]["added_at"],
            "added_by": "caseworker",
        }
    ]
    text = ok("destination", "list", env=vault_env)
    assert "correct-horse" not in text and HOST_KEY in text
    with Vault.open(vault_path, PASSPHRASE) as vault:
        (secret,) = vault.conn.execute("SELECT secret FROM destinations").fetchone()
        assert "correct-horse-for-counsel" in secret and "ignored" not in secret
        actions = [
            r[0] for r in vault.conn.execute("SELECT action || ' ' || record_kind FROM audit_log")
        ]
        assert "destination.add sftp" in actions
    # Nothing of the credential is anywhere else in the vault folder, in the clear.
    for path in vault_path.rglob("*"):
        if path.is_file():
            assert b"correct-horse-for-counsel" not in path.read_bytes(), path


def test_an_s3_destination_reads_its_key_id_and_secret_from_a_file(
    vault_env: dict[str, str], tmp_path: Path
) -> None:
    credentials = secret_file(tmp_path, "s3", "AKIAEXAMPLE\nsecret/with+chars\n")
    ok(
        "destination", "add", "office-bucket", "s3://intake-office/field/kabul",
        "--endpoint", "https://s3.example.org", "--credentials-file", credentials,
        env=vault_env,
    )  # fmt: skip
    (found,) = ok_json("destination", "list", "--json", env=vault_env)
    assert (found["kind"], found["url"], found["endpoint"]) == (
        "s3",
        "s3://intake-office/field/kabul",
        "https://s3.example.org",
    )
    assert ok("destination", "remove", "office-bucket", env=vault_env) == (
        "Removed the destination office-bucket.\n"
    )
    assert ok_json("destination", "list", "--json", env=vault_env) == []


@pytest.mark.parametrize(
    "args, message",
    [
        (["sftp://files.example.org/in", "--host-key", HOST_KEY], "is not sftp://USER@HOST"),
        (["sftp://c@files.example.org/in", "--host-key", "SHA256:short"], "not a host key"),
        (["sftp://c@files.example.org/in"], "needs --host-key"),
        (["s3://Bad_Bucket", "--endpoint", "https://x.org"], "is not s3://BUCKET"),
        (["s3://bucket-ok"], "needs --endpoint and --credentials-file"),
        (["ftp://c@files.example.org/in"], "neither an sftp:// nor an s3://"),
        (["s3://bucket-ok", "--endpoint", "ftp://x.org"], "not an http(s) endpoint URL"),
        (["s3://bucket-ok", "--endpoint", "https://x.org", "--host-key", HOST_KEY], "are for SFTP"),
        (
            ["sftp://c@h.org/in", "--host-key", HOST_KEY, "--endpoint", "https://x.org"],
            "are for S3",
        ),
    ],
)
def test_bad_destinations_are_refused_and_nothing_is_stored(
    vault_env: dict[str, str], tmp_path: Path, args: list[str], message: str
) -> None:
    credentials = secret_file(tmp_path, "s3", "id\nsecret\n")
    extra = ["--credentials-file", credentials] if "--endpoint" in args else []
    line = fails("destination", "add", "x", *args, *extra, "--yes", env=vault_env, code=6)
    assert message in line
    assert ok_json("destination", "list", "--json", env=vault_env) == []


def test_a_script_without_yes_is_refused_before_the_vault_is_touched(
    vault_env: dict[str, str], tmp_path: Path
) -> None:
    password = secret_file(tmp_path, "pw", "pw\n")
    line = fails(
        "destination", "add", "c", SFTP_URL, "--host-key", HOST_KEY, "--password-file",
        password, env=vault_env, code=6,
    )  # fmt: skip
    assert "compare the host key " + HOST_KEY in line and "--yes" in line
    assert ok_json("destination", "list", "--json", env=vault_env) == []


def test_a_key_and_a_password_together_are_refused(
    vault_env: dict[str, str], tmp_path: Path
) -> None:
    key = secret_file(tmp_path, "key", "-----BEGIN OPENSSH PRIVATE KEY-----\n")
    password = secret_file(tmp_path, "pw", "pw\n")
    line = fails(
        "destination", "add", "c", SFTP_URL, "--host-key", HOST_KEY, "--ssh-key", key,
        "--password-file", password, "--yes", env=vault_env, code=6,
    )  # fmt: skip
    assert "not both" in line


def test_a_translator_may_not_add_destinations(
    vault_env: dict[str, str], vault_path: Path, tmp_path: Path
) -> None:
    with Vault.open(vault_path, PASSPHRASE) as vault:
        vault.add_user("tamana", "translator", "tamana translates statements")
    translator = {**vault_env, "INTAKE_PASSPHRASE": "tamana translates statements"}
    password = secret_file(tmp_path, "pw", "pw\n")
    fails(
        "destination", "add", "c", SFTP_URL, "--host-key", HOST_KEY, "--password-file",
        password, "--yes", env=translator, code=13,
    )  # fmt: skip
    assert ok_json("destination", "list", "--json", env=vault_env) == []


def test_the_same_name_twice_and_an_unknown_name(vault_env: dict[str, str], tmp_path: Path) -> None:
    password = secret_file(tmp_path, "pw", "pw\n")
    add = ["destination", "add", "c", SFTP_URL, "--host-key", HOST_KEY, "--password-file", password]
    ok(*add, "--yes", env=vault_env)
    assert "already a destination named c" in fails(*add, "--yes", env=vault_env, code=6)
    assert "no destination named d" in fails("destination", "remove", "d", env=vault_env, code=10)


def test_without_a_key_or_password_the_vault_makes_a_key_and_shows_its_public_line(
    vault_env: dict[str, str], vault_path: Path
) -> None:
    out = ok(
        "destination", "add", "counsel", SFTP_URL, "--host-key", HOST_KEY, "--yes", env=vault_env
    ).splitlines()
    assert out[1] == "Give this public key to the server's administrator, for counsel:"
    public = out[2].strip()
    assert public.startswith("ssh-ed25519 AAAA")
    (found,) = ok_json("destination", "list", "--json", env=vault_env)
    assert found["public_key"] == public
    with Vault.open(vault_path, PASSPHRASE) as vault:
        (secret,) = vault.conn.execute("SELECT secret FROM destinations").fetchone()
        assert "BEGIN OPENSSH PRIVATE KEY" in secret
    assert "PRIVATE" not in ok("destination", "list", env=vault_env)


def test_an_ssh_key_that_cannot_be_read_is_refused_when_added(
    vault_env: dict[str, str], tmp_path: Path
) -> None:
    key = secret_file(tmp_path, "key", "-----BEGIN OPENSSH PRIVATE KEY-----\nnot a key\n")
    line = fails(
        "destination", "add", "c", SFTP_URL, "--host-key", HOST_KEY, "--ssh-key", key,
        "--yes", env=vault_env, code=6,
    )  # fmt: skip
    assert "SSH private key could not be read" in line
    assert ok_json("destination", "list", "--json", env=vault_env) == []


@pytest.mark.parametrize("text", ["only-the-key-id\n", "id\nsecret\nthird\n", ""])
def test_a_credentials_file_without_exactly_two_lines_is_refused(
    vault_env: dict[str, str], tmp_path: Path, text: str
) -> None:
    credentials = secret_file(tmp_path, "s3", text)
    line = fails(
        "destination", "add", "b", "s3://bucket-ok", "--endpoint", "https://x.org",
        "--credentials-file", credentials, env=vault_env, code=6,
    )  # fmt: skip
    assert "must hold the key id and the secret, one a line" in line
    assert ok_json("destination", "list", "--json", env=vault_env) == []
