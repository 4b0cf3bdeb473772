"""``destination add`` then ``destination test`` against the real servers (sshd, SeaweedFS)."""

from __future__ import annotations

from pathlib import Path

import pytest

# The SSH and S3 libraries register exit handlers when first imported:
# imported here, the in-process runner (which refuses handlers a command
# adds) sees them as the process's own, as a real process would.
import intake_desktop.core.delivery.destinations  # noqa: F401
from tests.cli.support import fails, ok
from tests.delivery.seaweed import ADMIN, Seaweed
from tests.delivery.sshd import SshServer
from tests.helpers import make_vault


@pytest.fixture
def vault_env(cli_env: dict[str, str], vault_path: Path) -> dict[str, str]:
    """``$INTAKE_VAULT`` made for farida (a caseworker), closed before each command."""
    make_vault(vault_path)[0].close()
    return cli_env


def key_file(tmp_path: Path, text: str) -> str:
    path = tmp_path / "id_ed25519"
    path.write_text(text)
    path.chmod(0o600)
    return str(path)


def test_an_sftp_destination_answers_with_its_pinned_host_key(
    vault_env: dict[str, str], tmp_path: Path, sshd: SshServer
) -> None:
    (sshd.folder / "earlier.intake").write_bytes(b"x")
    ok(
        "destination", "add", "counsel", sshd.url(), "--host-key", sshd.fingerprint,
        "--ssh-key", key_file(tmp_path, sshd.private_key), "--yes", env=vault_env,
    )  # fmt: skip
    assert ok("destination", "test", "counsel", env=vault_env) == (
        "counsel answers: the host key and credentials are right; 1 file(s) there.\n"
    )


def test_a_wrong_host_key_is_refused_with_both_fingerprints(
    vault_env: dict[str, str], tmp_path: Path, sshd: SshServer
) -> None:
    pinned = "SHA256:" + "A" * 43
    ok(
        "destination", "add", "counsel", sshd.url(), "--host-key", pinned,
        "--ssh-key", key_file(tmp_path, sshd.private_key), "--yes", env=vault_env,
    )  # fmt: skip
    line = fails("destination", "test", "counsel", env=vault_env, code=8)
    assert pinned in line and sshd.fingerprint in line


def test_a_server_that_is_down_is_not_delivered_yet(
    vault_env: dict[str, str], tmp_path: Path, sshd: SshServer
) -> None:
    ok(
        "destination", "add", "counsel", sshd.url(), "--host-key", sshd.fingerprint,
        "--ssh-key", key_file(tmp_path, sshd.private_key), "--yes", env=vault_env,
    )  # fmt: skip
    sshd.stop()
    fails("destination", "test", "counsel", env=vault_env, code=14)


def test_an_s3_destination_answers_and_a_wrong_secret_is_refused(
    vault_env: dict[str, str], tmp_path: Path, seaweed: Seaweed, s3_bucket: str
) -> None:
    right, wrong = tmp_path / "right", tmp_path / "wrong"
    right.write_text(f"{ADMIN[0]}\n{ADMIN[1]}\n")
    wrong.write_text(f"{ADMIN[0]}\nnot-the-secret\n")
    for name, credentials in (("office", right), ("office-wrong", wrong)):
        ok(
            "destination", "add", name, f"s3://{s3_bucket}/field", "--endpoint",
            seaweed.endpoint, "--credentials-file", str(credentials), env=vault_env,
        )  # fmt: skip
    assert ok("destination", "test", "office", env=vault_env).endswith("0 file(s) there.\n")
    fails("destination", "test", "office-wrong", env=vault_env, code=8)
