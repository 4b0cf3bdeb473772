"""``attach export``: a file saved out under its name, a warning, refusals that write nothing."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

from tests.cli.support import (
    PREFIX,
    add_case,
    check_ok,
    describe,
    fails,
    ok,
    ok_json,
    run,
    run_process,
)
from tests.helpers import MINIMAL_CASE

NAME = "تذکره\u200cی مادر.jpg"
DATA = b"\xff\xd8\xff\xe0" + os.urandom(2 * 1024 * 1024 + 5)  # more than one chunk


def _attached(env: dict[str, str], tmp_path: Path, name: str = NAME, data: bytes = DATA) -> str:
    case_id = add_case(env, MINIMAL_CASE)
    source = tmp_path / "in" / name
    source.parent.mkdir(exist_ok=True)
    source.write_bytes(data)
    return ok("attach", case_id, str(source), env=env).strip()


def test_saves_under_the_original_name_with_a_warning(
    vault_env: dict[str, str], tmp_path: Path
) -> None:
    evidence_id = _attached(vault_env, tmp_path)
    folder = tmp_path / "out"
    folder.mkdir()
    result = run("attach", "export", evidence_id, "--out", f"{folder}/", env=vault_env)
    stdout = check_ok(result)
    saved = folder / NAME
    assert stdout == f"{saved}\n"
    assert saved.read_bytes() == DATA
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    assert os.listdir(folder) == [NAME]
    (warning,) = result.stderr.decode().splitlines()
    assert warning.startswith(PREFIX) and "not encrypted" in warning, describe(result)


def test_json_and_a_file_name_of_ones_own(vault_env: dict[str, str], tmp_path: Path) -> None:
    evidence_id = _attached(vault_env, tmp_path)
    out = tmp_path / "mother.jpg"
    found = ok_json("attach", "export", evidence_id, "--out", str(out), "--json", env=vault_env)
    assert found == {
        "path": str(out),
        "evidence_id": evidence_id,
        "filename": NAME,
        "media_type": "image/jpeg",
        "size": len(DATA),
        "sha256": hashlib.sha256(DATA).hexdigest(),
    }
    assert out.read_bytes() == DATA


def test_refusals_write_nothing(vault_env: dict[str, str], tmp_path: Path) -> None:
    evidence_id = _attached(vault_env, tmp_path)
    case_id = add_case(vault_env, MINIMAL_CASE)
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "taken.jpg").write_bytes(b"mine")
    target = f"{folder}/"
    fails("attach", "export", "no-such-id", "--out", target, env=vault_env, code=10)
    fails("attach", "export", case_id, "--out", target, env=vault_env, code=10)
    taken = str(folder / "taken.jpg")
    assert "already exists" in fails(
        "attach", "export", evidence_id, "--out", taken, env=vault_env, code=6
    )
    fails("attach", "export", evidence_id, "--out", f"{tmp_path}/nope/", env=vault_env, code=6)
    fails(
        "attach", "export", evidence_id, "--attachment", "x.pdf", "--out", target,
        env=vault_env, code=10,
    )  # fmt: skip
    for blob in (Path(vault_env["INTAKE_VAULT"]) / "blobs").iterdir():
        blob.unlink()
    assert "vault check" in fails(
        "attach", "export", evidence_id, "--out", target, env=vault_env, code=7
    )
    assert os.listdir(folder) == ["taken.jpg"]
    assert (folder / "taken.jpg").read_bytes() == b"mine"


def test_the_real_command(vault_env: dict[str, str], tmp_path: Path) -> None:
    evidence_id = _attached(vault_env, tmp_path)
    out = tmp_path / "saved.jpg"
    result = run_process("attach", "export", evidence_id, "--out", str(out), env=vault_env)
    assert check_ok(result) == f"{out}\n"
    assert out.read_bytes() == DATA
    helped = run_process("attach", "--help", env=vault_env)
    assert b"attach export EVIDENCE_ID" in helped.stdout
