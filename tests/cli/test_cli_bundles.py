"""Bundles through the real command line: a caseworker's vault to a coordinator's.

One caseworker and one coordinator are set up once (``vault init``,
``identity --json``, ``trust add-recipient/add-device --yes``, ``case add``,
``attach``, ``export --all``, ``import``) and shared by the tests below. The
hostile files are made with the core and only imported through the command
line; what the coordinator's vault holds before and after is read from it.
"""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyrage
import pytest

from intake_desktop.core import identity
from intake_desktop.core.attachments import BlobStore
from intake_desktop.core.bundle.format import Manifest, Producer
from intake_desktop.core.cases import CaseStore
from intake_desktop.core.vault import Vault
from tests.bundle_forge import (
    RICH_CASE,
    Entry,
    encrypt,
    export_to,
    forge,
    new_signing_key,
)
from tests.cli.support import (
    add_case,
    case_list,
    describe,
    fails,
    ok,
    ok_json,
    run,
    show,
    state,
)
from tests.helpers import MINIMAL_CASE, PASSPHRASE, make_vault

ATTACHMENT = b"\x89PNG\r\n\x1a\n" + os.urandom(300_000)  # a "photo" over several chunks


def env_for(root: Path, name: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTAKE_")}
    home = root / f"{name}-home"
    (home / "tmp").mkdir(parents=True)
    env.update(
        INTAKE_VAULT=str(root / name),
        INTAKE_PASSPHRASE=PASSPHRASE,
        INTAKE_KDF_TARGET_MS="0",
        HOME=str(home),
        XDG_DATA_HOME=str(home / "data"),
        TMPDIR=str(home / "tmp"),
    )
    return env


@dataclass
class Team:
    root: Path
    cw: dict[str, str]  # the caseworker's environment
    co: dict[str, str]  # the coordinator's
    cw_identity: dict[str, str]
    co_identity: dict[str, str]
    cases: list[str]
    evidence: str
    bundle: Path  # export --all
    exported: dict[str, Any]
    imported: dict[str, Any]


@pytest.fixture(scope="module")
def team(tmp_path_factory: pytest.TempPathFactory) -> Team:
    root = tmp_path_factory.mktemp("cli-bundles")
    cw, co = env_for(root, "caseworker"), env_for(root, "coordinator")
    ok("vault", "init", "--name", "Field laptop", env=cw)
    ok("vault", "init", "--role", "coordinator", "--name", "Office", env=co)
    cw_identity = ok_json("identity", "--json", env=cw)
    co_identity = ok_json("identity", "--json", env=co)
    ok("trust", "add-recipient", "Office", co_identity["recipient"], "--yes", env=cw)
    ok("trust", "add-device", "Field laptop", cw_identity["signing_key"], "--yes", env=co)
    cases = [add_case(cw, MINIMAL_CASE), add_case(cw, RICH_CASE)]
    photo = root / "photo.png"
    photo.write_bytes(ATTACHMENT)
    evidence = ok("attach", cases[0], str(photo), env=cw).strip()
    bundle = root / "all.intake"
    exported = ok_json("export", "--to", "Office", "--all", "--out", str(bundle), "--json", env=cw)
    imported = ok_json("import", str(bundle), "--json", env=co)
    return Team(root, cw, co, cw_identity, co_identity, cases, evidence, bundle, exported, imported)


def cli_state(env: dict[str, str]) -> dict[str, Any]:
    """What a person sees: the case list, every case, the audit log, the quarantine.

    Read from the vault, as ``case list``, ``case show``, ``vault audit`` and
    ``import --list-quarantine`` print them with ``--json``. Each unlock adds
    an audit entry: unlocks are left out of the comparison, everything else
    must stay as it was.
    """
    seen = state(env)
    return {
        "cases": seen.cases,
        "shows": seen.documents,
        "audit": [e for e in seen.audit if e["action"] != "vault.unlock"],
        "quarantine": seen.quarantine,
    }


@pytest.fixture(scope="module")
def coordinator_state(team: Team) -> dict[str, Any]:
    return cli_state(team.co)


def test_export_all_reports_what_it_wrote(team: Team) -> None:
    summary = team.exported
    assert summary["cases"] == 2 and summary["attachments"] == 1 and summary["sequence"] == 1
    assert summary["path"] == str(team.bundle) and team.bundle.is_file()
    assert [r["name"] for r in summary["recipients"]] == ["Office"]
    assert summary["recipients"][0]["fingerprint"] == team.co_identity["recipient_fingerprint"]
    assert oct(team.bundle.stat().st_mode & 0o777) == "0o600"
    assert [p.name for p in team.root.iterdir() if p.name.startswith(".")] == []


def test_the_coordinator_sees_every_case_exactly_as_the_caseworker(
    team: Team, coordinator_state: dict[str, Any]
) -> None:
    result = team.imported
    assert result["status"] == "merged"
    assert result["producer"]["fingerprint"] == team.cw_identity["signing_key_fingerprint"]
    assert result["records"]["new"] == team.exported["records"]
    assert result["attachments"] == 1 and result["sequence_note"] == "first"
    assert coordinator_state["cases"] == case_list(team.cw)
    for case_id in team.cases:
        assert coordinator_state["shows"][case_id] == show(team.cw, case_id)
    # The photo arrived byte for byte.
    (evidence,) = coordinator_state["shows"][team.cases[0]]["evidence"]
    assert evidence["id"] == team.evidence
    (item,) = evidence["attachments"]
    vault = Vault.open(Path(team.co["INTAKE_VAULT"]), PASSPHRASE)
    try:
        assert b"".join(BlobStore(vault).chunks(item["sha256"])) == ATTACHMENT
    finally:
        vault.close()
    for env in (team.cw, team.co):
        assert "attachments: 1 attachment(s)" in ok("vault", "check", env=env)


def test_the_same_bundle_again_changes_nothing(
    team: Team, coordinator_state: dict[str, Any]
) -> None:
    again = ok_json("import", str(team.bundle), "--json", env=team.co)
    assert again["status"] == "already_imported"
    assert again["bundle_id"] == team.exported["bundle_id"]
    assert cli_state(team.co) == coordinator_state


def test_export_of_one_case_to_a_recipient_key(team: Team) -> None:
    bundle = team.root / "one.intake"
    summary = ok_json(
        "export", "--to", team.co_identity["recipient"], "--case", team.cases[1],
        "--out", str(bundle), "--json", env=team.cw,
    )  # fmt: skip
    assert (summary["cases"], summary["attachments"], summary["sequence"]) == (1, 0, 2)
    result = ok_json("import", str(bundle), "--json", env=team.co)
    assert result["status"] == "merged" and result["sequence_note"] == "in order"
    assert result["records"]["unchanged"] == summary["records"]
    assert result["records"]["new"] == result["records"]["updated"] == 0


def test_an_untrusted_signer_is_quarantined_until_trusted(team: Team) -> None:
    stranger, _ = make_vault(team.root / "stranger", name="Unknown laptop")
    try:
        case_id = CaseStore(stranger).add_case(RICH_CASE)
        bundle = team.root / "stranger.intake"
        export_to(stranger, team.co_identity["recipient"], bundle)
        document = CaseStore(stranger).document(case_id)
        key = identity.load(stranger.conn).signing_key
    finally:
        stranger.close()
    before = case_list(team.co)
    result = run("import", str(bundle), "--json", env=team.co)
    assert result.returncode == 3, describe(result)
    (line,) = result.stderr.decode().splitlines()
    assert line.startswith("intake-desktop: ") and "quarantine" in line
    quarantined = json.loads(result.stdout)
    assert quarantined["status"] == "quarantined"
    (listed,) = ok_json("import", "--list-quarantine", "--json", env=team.co)
    assert listed["id"] == quarantined["quarantine_id"]
    assert listed["signing_key"] == key and listed["producer_name"] == "Unknown laptop"
    assert case_list(team.co) == before  # nothing merged
    # A person compares the fingerprint, trusts the key, and takes the bundle in.
    ok("trust", "add-device", "Stranger", key, "--yes", env=team.co)
    taken = ok_json("import", "--from-quarantine", str(listed["id"]), "--json", env=team.co)
    assert taken["status"] == "merged" and taken["records"]["new"] > 0
    assert show(team.co, case_id) == document
    assert ok_json("import", "--list-quarantine", "--json", env=team.co) == []


def hostile_files(team: Team) -> list[tuple[str, bytes, str]]:
    """(name, file, what the one stderr line must say); all exit code 8."""
    data = team.bundle.read_bytes()
    flipped = bytearray(data)
    flipped[len(data) // 2] ^= 0x10
    other = pyrage.x25519.Identity.generate().to_public()
    scrypt = (
        b"age-encryption.org/v1\n-> scrypt c2FsdHNhbHRzYWx0c2FsdA 23\n"
        + b"A" * 43
        + b"\n--- "
        + b"B" * 43
        + b"\n"
        + os.urandom(64)
    )
    vault = Vault.open(Path(team.cw["INTAKE_VAULT"]), PASSPHRASE)
    try:
        insider = identity.load(vault.conn).minisign_secret()
    finally:
        vault.close()
    manifest = Manifest(
        bundle_id=str(uuid.uuid4()),
        created_at="2024-03-02T10:00:00Z",
        producer=Producer(
            team.cw_identity["vault_id"],
            "Field laptop",
            team.cw_identity["signing_key"],
            team.cw_identity["signing_key_fingerprint"],
        ),
        sequence=99,
        previous_manifest_sha256=None,
        recipients=(),
        records=(),
        members=(),
    )
    doc = json.loads(manifest.encode())
    to = team.co_identity["recipient"]
    stranger, _ = new_signing_key()
    return [
        ("flipped", bytes(flipped), "does not verify"),
        ("truncated", data[: len(data) - 100], "truncated"),
        ("other-recipient", encrypt(b"x" * 100, str(other)), "not addressed to this vault"),
        ("scrypt", scrypt, "passphrase-encrypted"),
        ("parent-path", forge(insider, doc, [Entry("../x", b"x")], to), "unsafe path"),
        ("absolute-path", forge(insider, doc, [Entry("/etc/x", b"x")], to), "unsafe path"),
        ("extra-member", forge(insider, doc, [("SHA256SUMS", b"")], to), "does not list"),
        ("other-signer", forge(stranger, doc, [], to), "signature does not verify"),
    ]


def test_hostile_bundles_exit_8_with_one_line_and_change_nothing(team: Team) -> None:
    files = hostile_files(team)
    before = cli_state(team.co)
    for name, data, fragment in files:
        path = team.root / f"{name}.intake"
        path.write_bytes(data)
        line = fails("import", str(path), env=team.co, code=8)
        assert fragment in line, (name, line)
        assert path.read_bytes() == data  # the file is left as it was
    line = fails("import", str(team.root / "missing.intake"), env=team.co, code=6)
    assert "no file" in line
    assert cli_state(team.co) == before
    assert not (Path(team.co["INTAKE_VAULT"]) / "x").exists()


def test_the_one_line_error_does_not_echo_an_attacker_chosen_name(team: Team) -> None:
    vault = Vault.open(Path(team.cw["INTAKE_VAULT"]), PASSPHRASE)
    try:
        insider = identity.load(vault.conn).minisign_secret()
    finally:
        vault.close()
    doc = json.loads(
        Manifest(
            str(uuid.uuid4()), "2024-03-02T10:00:00Z",
            Producer(team.cw_identity["vault_id"], "x", team.cw_identity["signing_key"],
                     team.cw_identity["signing_key_fingerprint"]),
            98, None, (), (), (),
        ).encode()
    )  # fmt: skip
    hostile = Entry(b"records/\x1b[2J\x1b]0;pwned\x07.json", b"x")
    path = team.root / "escape.intake"
    path.write_bytes(forge(insider, doc, [hostile], team.co_identity["recipient"]))
    line = fails("import", str(path), env=team.co, code=8)
    assert "\x1b" not in line and "\x07" not in line
