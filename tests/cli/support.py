"""Helpers for the command-line tests: run a command, expect an outcome, compare states.

Commands run in this process through the entry point (``run_in_process``,
tests/cli/in_process.py: ``intake_desktop.cli.main`` with the argv,
environment and stdin a script would give it), which spares a Python start
per command. The real process stays the contract: one test per command in
``test_cli_contract.py`` runs ``python -m intake_desktop`` (``run_process``),
as do the tests that need a terminal or a second process.

States before and after a refused command are read from the vault itself
(``state``), not through two more commands.
"""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from intake_desktop.core import audit, receipts
from intake_desktop.core.bundle import quarantine
from intake_desktop.core.cases import CaseStore
from intake_desktop.core.vault import Vault
from tests.cli.in_process import run_in_process
from tests.helpers import run_cli

# Seven groups of four Crockford base32 characters (no I, L, O, U).
RECOVERY_CODE = re.compile(r"[0-9A-HJKMNP-TV-Z]{4}(?:-[0-9A-HJKMNP-TV-Z]{4}){6}")
PREFIX = "intake-desktop: "
NEW_PASSPHRASE = "a brand new passphrase for tests"


def describe(result: subprocess.CompletedProcess[bytes]) -> str:
    return (
        f"exit {result.returncode}\nstdout: {result.stdout[-2000:]!r}\n"
        f"stderr: {result.stderr[-4000:]!r}"
    )


def run_process(
    *args: str, env: Mapping[str, str], input: bytes | None = None
) -> subprocess.CompletedProcess[bytes]:
    """The real command line in a fresh process (the contract), stdin a closed pipe."""
    return run_cli(*args, env=dict(env), input=b"" if input is None else input)


# Expected outcomes (in process)


def run(
    *args: str, env: Mapping[str, str], input: bytes | None = None
) -> subprocess.CompletedProcess[bytes]:
    return run_in_process(*args, env=env, input=input)


def check_ok(result: subprocess.CompletedProcess[bytes]) -> str:
    """A command that must have succeeded; its stdout as text."""
    assert result.returncode == 0, describe(result)
    assert b"Traceback" not in result.stderr, describe(result)
    return result.stdout.decode("utf-8")


def check_fails(result: subprocess.CompletedProcess[bytes], code: int) -> str:
    """A command that must have failed with ``code`` and exactly one stderr line; that line."""
    assert result.returncode == code, describe(result)
    stderr = result.stderr.decode("utf-8")
    assert "Traceback" not in stderr, describe(result)
    lines = stderr.splitlines()
    assert len(lines) == 1, describe(result)
    assert lines[0].startswith(PREFIX), describe(result)
    assert len(lines[0]) > len(PREFIX) + 5, describe(result)
    return lines[0]


def ok(*args: str, env: Mapping[str, str], input: bytes | None = None) -> str:
    """Run a command that must succeed; its stdout as text."""
    return check_ok(run(*args, env=env, input=input))


def ok_json(*args: str, env: Mapping[str, str], input: bytes | None = None) -> Any:
    return json.loads(ok(*args, env=env, input=input))


def fails(*args: str, env: Mapping[str, str], code: int, input: bytes | None = None) -> str:
    """Run a command that must fail with ``code`` and exactly one stderr line; that line."""
    return check_fails(run(*args, env=env, input=input), code)


def add_case(env: Mapping[str, str], document: Any) -> str:
    """``case add --json -``; checks stdout is exactly one line holding a UUID."""
    data = document if isinstance(document, bytes) else json.dumps(document).encode("utf-8")
    out = ok("case", "add", "--json", "-", env=env, input=data)
    case_id = out.removesuffix("\n")
    assert out == case_id + "\n", repr(out)
    assert str(uuid.UUID(case_id)) == case_id
    return case_id


def show(env: Mapping[str, str], case_id: str) -> dict[str, Any]:
    doc: dict[str, Any] = ok_json("case", "show", case_id, "--json", env=env)
    return doc


def case_list(env: Mapping[str, str], *options: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = ok_json("case", "list", "--json", *options, env=env)
    return rows


def env_without(env: Mapping[str, str], *names: str) -> dict[str, str]:
    return {k: v for k, v in env.items() if k not in names}


# The vault's state, read directly


def _as_json(value: Any) -> Any:
    """``value`` as a command's ``--json`` output would give it back (lists, not tuples)."""
    return json.loads(json.dumps(value, ensure_ascii=False))


@dataclass(frozen=True)
class State:
    """What a failed command must leave alone: every case, the audit log, the quarantine."""

    cases: list[dict[str, Any]]  # as ``case list --json`` lists them
    documents: dict[str, dict[str, Any]]  # as ``case show --json`` prints them
    audit: list[dict[str, Any]]  # as ``vault audit --json`` prints it, newest first
    quarantine: list[dict[str, Any]]


def read_state(vault: Vault) -> State:
    store = CaseStore(vault)
    cases = [s.as_json() for s in store.list(limit=max(store.count(), 1))]
    delivery = receipts.deliveries(vault, [c["id"] for c in cases])
    for c in cases:  # as `case list --json` adds them
        c["delivery"] = str(delivery[c["id"]][0])
        c["delivered"] = [d.as_json() for d in delivery[c["id"]][1]]
    return State(
        cases=_as_json(cases),
        documents={c["id"]: _as_json(store.document(c["id"])) for c in cases},
        audit=_as_json([e.__dict__ for e in audit.events(vault.conn, limit=1 << 30)]),
        quarantine=_as_json(
            [{**dataclasses.asdict(q), "path": str(q.path)} for q in quarantine.waiting(vault)]
        ),
    )


def state(env: Mapping[str, str]) -> State:
    """The state of the vault ``env`` names, unlocked with its passphrase.

    Unlocking adds one ``vault.unlock`` entry, which this state holds already.
    """
    with Vault.open(Path(env["INTAKE_VAULT"]), env["INTAKE_PASSPHRASE"]) as vault:
        return read_state(vault)


def assert_unchanged(
    env: Mapping[str, str], before: State, *, unlock_allowed: bool = False
) -> None:
    """Nothing was added since ``before``.

    The only new audit entry is the unlock made by ``state`` itself, or, with
    ``unlock_allowed``, also one by a command that unlocked and then failed.
    """
    after = state(env)
    assert after.cases == before.cases
    assert after.documents == before.documents
    assert after.quarantine == before.quarantine
    seen = {e["seq"] for e in before.audit}
    assert [e for e in after.audit if e["seq"] in seen] == before.audit
    new = sorted(e["action"] for e in after.audit if e["seq"] not in seen)
    if unlock_allowed:
        assert set(new) == {"vault.unlock"}, new
        assert len(new) in (1, 2), new
    else:
        assert new == ["vault.unlock"], new


def files(root: Path) -> dict[str, bytes | None]:
    """Every path under ``root`` (recursively), a file's bytes or None for a folder."""
    if root.is_file():
        return {".": root.read_bytes()}
    return {
        str(p.relative_to(root)): (p.read_bytes() if p.is_file() else None)
        for p in sorted(root.rglob("*"))
    }
