"""Helpers for the command-line tests: run a command, expect an outcome, compare states.

Every command runs as scripts run it: ``python -m intake_desktop`` in a fresh
process (``tests.helpers.run_cli``), with stdin a closed pipe unless a test
feeds it, so nothing can wait for a terminal.
"""

from __future__ import annotations

import json
import re
import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


def run(
    *args: str, env: dict[str, str], input: bytes | None = None
) -> subprocess.CompletedProcess[bytes]:
    return run_cli(*args, env=env, input=b"" if input is None else input)


def ok(*args: str, env: dict[str, str], input: bytes | None = None) -> str:
    """Run a command that must succeed; its stdout as text."""
    result = run(*args, env=env, input=input)
    assert result.returncode == 0, describe(result)
    assert b"Traceback" not in result.stderr, describe(result)
    return result.stdout.decode("utf-8")


def ok_json(*args: str, env: dict[str, str], input: bytes | None = None) -> Any:
    return json.loads(ok(*args, env=env, input=input))


def fails(*args: str, env: dict[str, str], code: int, input: bytes | None = None) -> str:
    """Run a command that must fail with ``code`` and exactly one stderr line; that line."""
    result = run(*args, env=env, input=input)
    assert result.returncode == code, describe(result)
    stderr = result.stderr.decode("utf-8")
    assert "Traceback" not in stderr, describe(result)
    lines = stderr.splitlines()
    assert len(lines) == 1, describe(result)
    assert lines[0].startswith(PREFIX), describe(result)
    assert len(lines[0]) > len(PREFIX) + 5, describe(result)
    return lines[0]


def add_case(env: dict[str, str], document: Any) -> str:
    """``case add --json -``; checks stdout is exactly one line holding a UUID."""
    data = document if isinstance(document, bytes) else json.dumps(document).encode("utf-8")
    out = ok("case", "add", "--json", "-", env=env, input=data)
    case_id = out.removesuffix("\n")
    assert out == case_id + "\n", repr(out)
    assert str(uuid.UUID(case_id)) == case_id
    return case_id


def show(env: dict[str, str], case_id: str) -> dict[str, Any]:
    doc: dict[str, Any] = ok_json("case", "show", case_id, "--json", env=env)
    return doc


def case_list(env: dict[str, str], *options: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = ok_json("case", "list", "--json", *options, env=env)
    return rows


def env_without(env: dict[str, str], *names: str) -> dict[str, str]:
    return {k: v for k, v in env.items() if k not in names}


@dataclass(frozen=True)
class State:
    """What a failed command must leave alone: the cases and the audit log."""

    cases: list[dict[str, Any]]
    audit: list[dict[str, Any]]


def state(env: dict[str, str]) -> State:
    # Each of the two commands unlocks the vault, which adds one vault.unlock entry.
    cases = case_list(env)
    audit = ok_json("vault", "audit", "--json", "--limit", "100000", env=env)
    return State(cases, audit)


def assert_unchanged(env: dict[str, str], before: State, *, unlock_allowed: bool = False) -> None:
    """Nothing was added since ``before``.

    The only new audit entries are the two unlocks made by ``state`` itself, or,
    with ``unlock_allowed``, also one by a command that unlocked and then failed.
    """
    after = state(env)
    assert after.cases == before.cases
    seen = {e["seq"] for e in before.audit}
    assert [e for e in after.audit if e["seq"] in seen] == before.audit
    new = sorted(e["action"] for e in after.audit if e["seq"] not in seen)
    if unlock_allowed:
        assert set(new) == {"vault.unlock"}, new
        assert len(new) in (2, 3), new
    else:
        assert new == ["vault.unlock", "vault.unlock"], new


def files(root: Path) -> dict[str, bytes | None]:
    """Every path under ``root`` (recursively), a file's bytes or None for a folder."""
    if root.is_file():
        return {".": root.read_bytes()}
    return {
        str(p.relative_to(root)): (p.read_bytes() if p.is_file() else None)
        for p in sorted(root.rglob("*"))
    }
