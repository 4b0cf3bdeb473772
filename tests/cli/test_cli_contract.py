"""The command line as scripts see it: one real process per command (the contract).

Every other command-line test runs ``main`` in the test's own process
(tests/cli/support.py). These run ``python -m intake_desktop`` as a script
would, one test and one process for each command, so the parts only a real
process has are checked too: the exit status the shell gets, the bytes on
stdout and stderr, stdin as a closed pipe, the umask, the interpreter's own
start. The vaults they work on are made with the core, in this process.

The terminal (a prompt, a yes-or-no question) needs a process as well: see
tests/cli/test_cli_trust.py and tests/security/test_brute_force.py.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import stat
import subprocess
import uuid
from pathlib import Path

import pytest

from intake_desktop.core import identity
from intake_desktop.core.attachments import BlobStore
from intake_desktop.core.cases import CaseStore
from intake_desktop.core.fingerprint import signing_key_fingerprint
from intake_desktop.core.trust import TrustStore
from intake_desktop.core.vault import Vault
from tests.bundle_forge import RICH_CASE, export_to
from tests.cli.support import (
    PREFIX,
    RECOVERY_CODE,
    check_fails,
    check_ok,
    describe,
    run_process,
    state,
)
from tests.helpers import MINIMAL_CASE, PASSPHRASE, make_vault

pytestmark = pytest.mark.contract


def one_line(result: subprocess.CompletedProcess[bytes], code: int) -> str:
    """Refused with ``code``: nothing on stdout, one line on stderr; that line."""
    line = check_fails(result, code)
    assert result.stdout == b"", describe(result)
    return line


def quiet(result: subprocess.CompletedProcess[bytes]) -> str:
    """Succeeded with nothing on stderr; stdout as text."""
    out = check_ok(result)
    assert result.stderr == b"", describe(result)
    return out


@pytest.fixture
def made(vault_path: Path) -> Path:
    """$INTAKE_VAULT made for farida (caseworker, $INTAKE_PASSPHRASE), closed before a command."""
    make_vault(vault_path)[0].close()
    return vault_path


def test_vault_in_a_real_process(cli_env: dict[str, str], vault_path: Path) -> None:
    out = quiet(run_process("vault", "init", env=cli_env))
    (code,) = RECOVERY_CODE.findall(out)
    assert out.count(code) == 1
    assert stat.S_IMODE(vault_path.stat().st_mode) == 0o700
    for path in vault_path.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == (0o700 if path.is_dir() else 0o600), path
    with Vault.open_with_recovery(vault_path, code) as opened:
        assert opened.user.role == "recovery"


def test_case_in_a_real_process(cli_env: dict[str, str], made: Path) -> None:
    document = json.dumps(MINIMAL_CASE, ensure_ascii=False).encode("utf-8")
    out = quiet(run_process("case", "add", "--json", "-", env=cli_env, input=document))
    case_id = out.removesuffix("\n")
    assert out == case_id + "\n" and str(uuid.UUID(case_id)) == case_id
    (case,) = state(cli_env).documents.values()
    assert case["id"] == case_id and case["title"] == MINIMAL_CASE["title"]
    assert case["statements"][0]["text"] == MINIMAL_CASE["statements"][0]["text"]


def test_attach_in_a_real_process(cli_env: dict[str, str], made: Path, tmp_path: Path) -> None:
    with Vault.open(made, PASSPHRASE) as opened:
        case_id = CaseStore(opened).add_case(copy.deepcopy(MINIMAL_CASE))
    scan = tmp_path / "tazkira.pdf"
    scan.write_bytes(b"%PDF-1.4\n" + os.urandom(200_000))
    out = quiet(run_process("attach", case_id, str(scan), env=cli_env))
    evidence_id = out.removesuffix("\n")
    assert out == evidence_id + "\n" and str(uuid.UUID(evidence_id)) == evidence_id
    (evidence,) = state(cli_env).documents[case_id]["evidence"]
    (item,) = evidence["attachments"]
    assert evidence["id"] == evidence_id
    assert item["sha256"] == hashlib.sha256(scan.read_bytes()).hexdigest()
    with Vault.open(made, PASSPHRASE) as opened:
        assert b"".join(BlobStore(opened).chunks(item["sha256"])) == scan.read_bytes()


def test_identity_in_a_real_process(cli_env: dict[str, str], made: Path) -> None:
    info = json.loads(quiet(run_process("identity", "--json", env=cli_env)))
    with Vault.open(made, PASSPHRASE) as opened:
        keys = identity.load(opened.conn)
    assert (info["recipient"], info["signing_key"]) == (keys.age_recipient, keys.signing_key)
    assert info["signing_key_fingerprint"] == signing_key_fingerprint(keys.signing_key)


def test_trust_in_a_real_process(cli_env: dict[str, str], made: Path, tmp_path: Path) -> None:
    other, _ = make_vault(tmp_path / "other")
    key = identity.load(other.conn).signing_key
    other.close()
    # No --yes and stdin a closed pipe: no one compared the fingerprint.
    result = run_process("trust", "add-device", "Kabul office", key, env=cli_env)
    line = check_fails(result, 6)
    assert "--yes" in line and signing_key_fingerprint(key) in line
    assert result.stdout.decode() == (
        f"Fingerprint of the signing key for Kabul office:\n    {signing_key_fingerprint(key)}\n"
    )
    with Vault.open(made, PASSPHRASE) as opened:
        assert TrustStore(opened).entries() == []


def test_export_in_a_real_process(cli_env: dict[str, str], made: Path, tmp_path: Path) -> None:
    office, _ = make_vault(tmp_path / "office", role="coordinator")
    recipient = identity.load(office.conn).age_recipient
    office.close()
    with Vault.open(made, PASSPHRASE) as opened:
        case_id = CaseStore(opened).add_case(copy.deepcopy(MINIMAL_CASE))
        TrustStore(opened).add_recipient("Office", recipient)
    out = tmp_path / "field.intake"
    summary = json.loads(
        quiet(run_process("export", "--to", "Office", "--all", "--out", str(out), "--json",
                          env=cli_env))
    )  # fmt: skip
    assert (summary["cases"], summary["sequence"], summary["path"]) == (1, 1, str(out))
    assert [r["name"] for r in summary["recipients"]] == ["Office"]
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert out.read_bytes().startswith(b"age-encryption.org/v1\n")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    assert case_id in state(cli_env).documents


def test_import_in_a_real_process(cli_env: dict[str, str], made: Path, tmp_path: Path) -> None:
    """An unknown signer: exit 3, the result on stdout and one line on stderr, nothing merged."""
    stranger, _ = make_vault(tmp_path / "stranger", name="Unknown laptop")
    CaseStore(stranger).add_case(copy.deepcopy(RICH_CASE))
    bundle = tmp_path / "stranger.intake"
    with Vault.open(made, PASSPHRASE) as opened:
        export_to(stranger, identity.load(opened.conn).age_recipient, bundle)
    stranger.close()
    result = run_process("import", str(bundle), "--json", env=cli_env)
    assert result.returncode == 3, describe(result)
    (line,) = result.stderr.decode().splitlines()
    assert line.startswith(PREFIX) and "quarantine" in line
    shown = json.loads(result.stdout)
    assert shown["status"] == "quarantined"
    after = state(cli_env)
    assert after.cases == []
    assert [q["id"] for q in after.quarantine] == [shown["quarantine_id"]]


def test_conflicts_in_a_real_process(cli_env: dict[str, str], made: Path) -> None:
    line = one_line(run_process("conflicts", "resolve", "999", "--keep", "local", env=cli_env), 10)
    assert "999" in line


def test_statement_in_a_real_process(cli_env: dict[str, str], made: Path) -> None:
    """A caseworker may not certify a translation: exit 13."""
    with Vault.open(made, PASSPHRASE) as opened:
        case_id = CaseStore(opened).add_case(copy.deepcopy(MINIMAL_CASE))
        statement_id = CaseStore(opened).document(case_id)["statements"][0]["id"]
    before = state(cli_env)
    command = ("statement", "certify", statement_id, "--name", "Farida")
    line = one_line(run_process(*command, env=cli_env), 13)
    assert "Only a translator" in line
    after = state(cli_env)
    assert after.documents == before.documents


def test_duplicates_in_a_real_process(cli_env: dict[str, str], made: Path) -> None:
    with Vault.open(made, PASSPHRASE) as opened:
        store = CaseStore(opened)
        first = store.add_case(copy.deepcopy(MINIMAL_CASE))
        second = store.add_case({**copy.deepcopy(MINIMAL_CASE), "title": "Second family"})
    (pair,) = json.loads(quiet(run_process("duplicates", "--json", env=cli_env)))
    assert {pair["a"]["case_id"], pair["b"]["case_id"]} == {first, second}


def test_demo_in_a_real_process(cli_env: dict[str, str], vault_path: Path) -> None:
    out = quiet(run_process("demo", "--cases", "3", env=cli_env)).splitlines()
    assert out[0] == f"Created the vault Demo vault at {vault_path}."
    assert len(RECOVERY_CODE.findall("\n".join(out))) == 1
    assert out[-1] == "Added 3 demo cases."
    assert len(state(cli_env).cases) == 3
