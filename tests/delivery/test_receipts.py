"""Receipts both ways: by hand (a file, as on a USB stick) and through the destination.

Real vaults on both sides, real bundles, OpenSSH's sshd for the server way,
and the real ``minisign`` program for the check counsel can make alone.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

import intake_desktop.core.delivery.destinations  # noqa: F401  (exit handlers, see test_destination_cli)
from intake_desktop.core import identity
from intake_desktop.core.cases import CaseStore
from intake_desktop.core.vault import Vault
from tests.bundle_forge import export_to, introduce
from tests.cli.support import add_case, fails, ok, ok_json, run
from tests.delivery.sshd import SshServer
from tests.helpers import MINIMAL_CASE, PASSPHRASE, make_vault


def env_for(cli_env: dict[str, str], path: Path) -> dict[str, str]:
    return cli_env | {"INTAKE_VAULT": str(path)}


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Path, Path]:
    """A field laptop and the office, each trusting the other's device and recipient."""
    field, _ = make_vault(tmp_path / "field", name="Field")
    office, _ = make_vault(tmp_path / "office", name="Office")
    introduce(field, office, "Field laptop", "Office")
    introduce(office, field, "Office device", "Field")
    field.close()
    office.close()
    return tmp_path / "field", tmp_path / "office"


def signing_key(path: Path) -> str:
    vault = Vault.open(path, PASSPHRASE)
    try:
        return identity.load(vault.conn).signing_key
    finally:
        vault.close()


def exported(cli_env: dict[str, str], pair: tuple[Path, Path], tmp_path: Path) -> tuple[str, str]:
    """A case exported from the field to the office as a file; (case id, bundle id)."""
    field = env_for(cli_env, pair[0])
    case_id = add_case(field, MINIMAL_CASE)
    out = ok_json(
        "export", "--to", "Office", "--case", case_id, "--out", str(tmp_path / "b.intake"),
        "--json", env=field,
    )  # fmt: skip
    return case_id, out["bundle_id"]


def test_a_receipt_by_hand_marks_the_case_delivered_until_it_changes(
    cli_env: dict[str, str], pair: tuple[Path, Path], tmp_path: Path
) -> None:
    field, office = env_for(cli_env, pair[0]), env_for(cli_env, pair[1])
    case_id, bundle_id = exported(cli_env, pair, tmp_path)
    (before,) = ok_json("case", "list", "--json", env=field)
    assert before["delivery"] == "none" and before["delivered"] == []

    receipt = tmp_path / "receipt.json"
    result = run("import", str(tmp_path / "b.intake"), "--receipt-out", str(receipt), env=office)
    assert result.returncode == 0, result.stderr
    assert receipt.exists() and (tmp_path / "receipt.json.minisig").exists()
    assert oct(receipt.stat().st_mode & 0o777) == "0o600"
    # Counsel's check with minisign alone, against the importer's key.
    if shutil.which("minisign"):
        checked = subprocess.run(
            ["minisign", "-V", "-P", signing_key(pair[1]), "-m", str(receipt)],
            capture_output=True,
            text=True,
        )
        assert checked.returncode == 0, checked.stderr
        assert f"intake-desktop receipt {bundle_id}" in checked.stdout

    out = ok("receipt", "import", str(receipt), env=field)
    assert "Office" in out and bundle_id in out
    (after,) = ok_json("case", "list", "--json", env=field)
    assert after["delivery"] == "delivered"
    assert [(d["to"], d["version"]) for d in after["delivered"]] == [("Office device", 1)]
    # The same receipt again changes nothing.
    again = ok_json("receipt", "import", str(receipt), "--json", env=field)
    assert again["new"] is False

    # An edit after delivery: the case says so.
    vault = Vault.open(pair[0], PASSPHRASE)
    try:
        CaseStore(vault).update_case(case_id, {"title": "Edited after delivery"})
    finally:
        vault.close()
    (edited,) = ok_json("case", "list", "--json", env=field)
    assert edited["delivery"] == "changed" and edited["delivered"][0]["version"] == 1


def test_receipt_export_hands_out_the_same_receipt_again(
    cli_env: dict[str, str], pair: tuple[Path, Path], tmp_path: Path
) -> None:
    office = env_for(cli_env, pair[1])
    _case_id, bundle_id = exported(cli_env, pair, tmp_path)
    ok("import", str(tmp_path / "b.intake"), "--receipt-out", str(tmp_path / "first"), env=office)
    ok("receipt", "export", bundle_id, "--out", str(tmp_path / "again"), env=office)
    assert (tmp_path / "again").read_bytes() == (tmp_path / "first").read_bytes()
    assert "no receipt for bundle" in fails(
        "receipt", "export", "00000000-0000-4000-8000-000000000000", "--out",
        str(tmp_path / "none"), env=office, code=10,
    )  # fmt: skip


def test_a_receipt_from_an_untrusted_altered_or_foreign_source_is_refused(
    cli_env: dict[str, str], pair: tuple[Path, Path], tmp_path: Path
) -> None:
    field, office = env_for(cli_env, pair[0]), env_for(cli_env, pair[1])
    exported(cli_env, pair, tmp_path)
    receipt = tmp_path / "receipt.json"
    ok("import", str(tmp_path / "b.intake"), "--receipt-out", str(receipt), env=office)

    # Altered: one byte of the document.
    altered = tmp_path / "altered.json"
    altered.write_bytes(receipt.read_bytes().replace(b'"outcome": "new"', b'"outcome": "old"'))
    shutil.copy(tmp_path / "receipt.json.minisig", tmp_path / "altered.json.minisig")
    assert "does not verify" in fails("receipt", "import", str(altered), env=field, code=8)

    # For a bundle this vault did not send: the office's receipt for another laptop's.
    peer, _ = make_vault(tmp_path / "peer", name="Peer")
    office_vault = Vault.open(pair[1], PASSPHRASE)
    try:
        introduce(peer, office_vault, "Peer laptop", "Office")
        export_to(peer, office_vault, tmp_path / "peer.intake")
    finally:
        peer.close()
        office_vault.close()
    foreign = tmp_path / "foreign.json"
    ok("import", str(tmp_path / "peer.intake"), "--receipt-out", str(foreign), env=office)
    assert "did not send" in fails("receipt", "import", str(foreign), env=field, code=8)

    # From a device this vault does not trust.
    ok("trust", "remove", "Office device", env=field)
    line = fails("receipt", "import", str(receipt), env=field, code=8)
    assert "does not trust" in line
    (row,) = ok_json("case", "list", "--json", env=field)
    assert row["delivery"] == "none"

    # Without its signature file.
    (tmp_path / "receipt.json.minisig").unlink()
    assert ".minisig" in fails("receipt", "import", str(receipt), env=field, code=6)


def test_no_receipt_is_written_for_a_bundle_kept_in_quarantine(
    cli_env: dict[str, str], pair: tuple[Path, Path], tmp_path: Path
) -> None:
    office = env_for(cli_env, pair[1])
    exported(cli_env, pair, tmp_path)
    ok("trust", "remove", "Field laptop", env=office)
    result = run(
        "import", str(tmp_path / "b.intake"), "--receipt-out", str(tmp_path / "r"), env=office
    )
    assert result.returncode == 3 and b"No receipt was written" in result.stderr
    assert not (tmp_path / "r").exists()


def test_receipts_travel_through_the_destination_and_the_entry_becomes_receipted(
    cli_env: dict[str, str], pair: tuple[Path, Path], sshd: SshServer
) -> None:
    for path in pair:
        vault = Vault.open(path, PASSPHRASE)
        sshd.add_to(vault)
        vault.close()
    field, office = env_for(cli_env, pair[0]), env_for(cli_env, pair[1])
    add_case(field, MINIMAL_CASE)
    ok("export", "--to", "Office", "--all", "--send", "counsel", env=field)
    ok("outbox", "send", env=field)
    (fetched,) = ok_json("inbox", "fetch", "counsel", "--json", env=office)
    assert fetched["status"] == "merged"
    office_fingerprint = ok_json("identity", "--json", env=office)["signing_key_fingerprint"]
    placed = (
        sshd.folder / "receipts" / office_fingerprint / f"{fetched['import']['bundle_id']}.json"
    )
    assert placed.exists() and Path(str(placed) + ".minisig").exists()

    result = run("outbox", "send", env=field)
    assert result.returncode == 0 and b"Receipt: Office device holds bundle" in result.stderr
    (entry,) = ok_json("outbox", "list", "--json", env=field)
    assert entry["state"] == "receipted"
    (row,) = ok_json("case", "list", "--json", env=field)
    assert row["delivery"] == "delivered"
    # A second fetch uploads nothing new and a second send takes nothing twice.
    assert ok("inbox", "fetch", "counsel", env=office) == "Nothing new at counsel.\n"
    assert b"Receipt:" not in run("outbox", "send", env=field).stderr


def test_a_receipt_from_a_revoked_device_is_refused_with_the_date(
    cli_env: dict[str, str], pair: tuple[Path, Path], tmp_path: Path
) -> None:
    field, office = env_for(cli_env, pair[0]), env_for(cli_env, pair[1])
    exported(cli_env, pair, tmp_path)
    receipt = tmp_path / "receipt.json"
    ok("import", str(tmp_path / "b.intake"), "--receipt-out", str(receipt), env=office)
    ok("trust", "revoke", "Office device", "--yes", env=field)
    line = fails("receipt", "import", str(receipt), env=field, code=8)
    assert "Office device" in line and "revoked on" in line
    (row,) = ok_json("case", "list", "--json", env=field)
    assert row["delivery"] == "none"
