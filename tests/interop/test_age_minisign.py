"""Counsel without this app: standard age, tar, minisign and sha256sum open a bundle.

A recipient made with ``age-keygen`` receives a bundle; ``age -d | tar -x``
unpacks it, ``minisign -V`` checks the manifest and the checksum list with the
vault's signing key, ``sha256sum -c`` checks the content.

These tests skip when a program is missing, unless INTAKE_REQUIRE_INTEROP is
set (CI sets it to 1): then a missing program fails the test.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyrage
import pytest

from intake_desktop.core import identity
from intake_desktop.core.bundle.export import export_bundle
from intake_desktop.core.bundle.format import MANIFEST, SIGNATURE
from intake_desktop.core.cases import CaseStore
from intake_desktop.core.trust import TrustStore
from tests.bundle_forge import RICH_CASE, add_attachment, new_signing_key, recipient_ref
from tests.helpers import MINIMAL_CASE, make_vault

REQUIRE = "INTAKE_REQUIRE_INTEROP"
ATTACHMENT = b"%PDF-1.4\n" + os.urandom(150_000)


def need(*programs: str) -> None:
    """Skip without ``program``; fail instead when INTAKE_REQUIRE_INTEROP is set."""
    for program in programs:
        if shutil.which(program) is None:
            message = f"{program} is not installed"
            if REQUIRE in os.environ:
                pytest.fail(f"{message} ({REQUIRE} is set)")
            pytest.skip(message)


def run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, check=False)


@dataclass
class Exported:
    bundle: Path
    key: Path  # age-keygen identity file of the recipient ("counsel")
    recipient: str
    signing_key: str
    manifest: dict[str, object]
    case_ids: list[str]


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Exported]:
    need("age-keygen")
    root = tmp_path_factory.mktemp("interop")
    key = root / "counsel.key"
    made = run("age-keygen", "-o", key)
    assert made.returncode == 0, made.stderr
    recipient = run("age-keygen", "-y", key).stdout.decode().strip()
    vault, _ = make_vault(root / "vault", name="Field laptop")
    try:
        case_ids = [CaseStore(vault).add_case(c) for c in (MINIMAL_CASE, RICH_CASE)]
        add_attachment(vault, case_ids[0], ATTACHMENT, "tazkira.pdf")
        TrustStore(vault).add_recipient("Counsel", recipient)
        bundle = root / "for-counsel.intake"
        export_bundle(vault, [recipient_ref("Counsel", recipient)], bundle)
        keys = identity.load(vault.conn)
        manifest = json.loads(_tar_member(bundle, key, MANIFEST)) if shutil.which("age") else {}
        yield Exported(bundle, key, recipient, keys.signing_key, manifest, case_ids)
    finally:
        vault.close()


def _tar_member(bundle: Path, key: Path, name: str) -> bytes:
    age = subprocess.Popen(["age", "-d", "-i", str(key), str(bundle)], stdout=subprocess.PIPE)
    out = subprocess.run(["tar", "-xO", name], stdin=age.stdout, capture_output=True, check=True)
    assert age.wait() == 0
    return out.stdout


@pytest.fixture(scope="module")
def unpacked(exported: Exported, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``age -d -i KEY FILE | tar -x`` in an empty folder."""
    need("age", "tar")
    folder = tmp_path_factory.mktemp("unpacked")
    age = subprocess.Popen(
        ["age", "-d", "-i", str(exported.key), str(exported.bundle)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    tar = subprocess.run(["tar", "-x"], stdin=age.stdout, cwd=folder, capture_output=True)
    assert age.stdout is not None
    age.stdout.close()
    assert age.wait() == 0, age.stderr.read() if age.stderr else b""
    assert tar.returncode == 0, tar.stderr
    return folder


def files_under(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_age_and_tar_unpack_exactly_the_listed_members(exported: Exported, unpacked: Path) -> None:
    found = files_under(unpacked)
    members = exported.manifest["members"]
    assert isinstance(members, list)
    listed = {m["path"] for m in members}
    assert set(found) == listed | {MANIFEST, SIGNATURE}
    assert {p.split("/")[0] for p in listed} == {"records", "attachments", "SHA256SUMS"} | {
        "SHA256SUMS.minisig"
    }
    assert {f"records/{c}.json" for c in exported.case_ids} <= listed


def test_tar_lists_the_manifest_first_then_its_signature(exported: Exported) -> None:
    need("age", "tar")
    age = subprocess.Popen(
        ["age", "-d", "-i", str(exported.key), str(exported.bundle)], stdout=subprocess.PIPE
    )
    listing = subprocess.run(["tar", "-t"], stdin=age.stdout, capture_output=True, check=True)
    assert age.wait() == 0
    names = listing.stdout.decode().split()
    assert names[:2] == [MANIFEST, SIGNATURE]
    members = exported.manifest["members"]
    assert isinstance(members, list)
    assert names[2:] == [m["path"] for m in members]


def test_every_member_hash_and_size_match_the_manifest(exported: Exported, unpacked: Path) -> None:
    members = exported.manifest["members"]
    assert isinstance(members, list)
    for member in members:
        data = (unpacked / member["path"]).read_bytes()
        assert len(data) == member["size"], member["path"]
        assert hashlib.sha256(data).hexdigest() == member["sha256"], member["path"]
    (attachment,) = [m for m in members if m["path"].startswith("attachments/")]
    assert (unpacked / attachment["path"]).read_bytes() == ATTACHMENT


@pytest.mark.parametrize("signed", [MANIFEST, "SHA256SUMS"])
def test_minisign_verifies_with_the_vaults_signing_key(
    exported: Exported, unpacked: Path, signed: str
) -> None:
    need("minisign")
    checked = run("minisign", "-V", "-P", exported.signing_key, "-m", signed, cwd=unpacked)
    assert checked.returncode == 0, checked.stderr
    assert b"Signature and comment signature verified" in checked.stdout + checked.stderr
    # Another key, or one changed byte, and minisign says no.
    _, other_key = new_signing_key()
    refused = run("minisign", "-V", "-P", other_key, "-m", signed, cwd=unpacked)
    assert refused.returncode != 0
    altered = unpacked.parent / f"altered-{signed}"
    altered.mkdir(exist_ok=True)
    (altered / signed).write_bytes((unpacked / signed).read_bytes() + b" ")
    shutil.copy(unpacked / f"{signed}.minisig", altered / f"{signed}.minisig")
    refused = run("minisign", "-V", "-P", exported.signing_key, "-m", signed, cwd=altered)
    assert refused.returncode != 0


def test_sha256sum_checks_the_content(unpacked: Path) -> None:
    need("sha256sum")
    checked = run("sha256sum", "-c", "--strict", "SHA256SUMS", cwd=unpacked)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    lines = checked.stdout.decode().splitlines()
    assert lines and all(line.endswith(": OK") for line in lines)
    assert not any(line.startswith("SHA256SUMS") for line in lines)


def test_records_are_plain_json_a_person_can_read(exported: Exported, unpacked: Path) -> None:
    doc = json.loads((unpacked / f"records/{exported.case_ids[0]}.json").read_bytes())
    assert doc["case_id"] == exported.case_ids[0]
    assert doc["records"][0]["kind"] == "case"
    assert doc["records"][0]["body"]["title"] == MINIMAL_CASE["title"]


def test_age_with_another_key_cannot_open_the_bundle(exported: Exported, tmp_path: Path) -> None:
    need("age", "age-keygen")
    other = tmp_path / "other.key"
    assert run("age-keygen", "-o", other).returncode == 0
    opened = run("age", "-d", "-i", other, exported.bundle)
    assert opened.returncode != 0
    assert opened.stdout == b""


def test_the_interop_helper_skips_or_fails_on_a_missing_program(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(REQUIRE, raising=False)
    with pytest.raises(pytest.skip.Exception):
        need("intake-no-such-program")
    monkeypatch.setenv(REQUIRE, "1")
    with pytest.raises(pytest.fail.Exception):
        need("intake-no-such-program")
    need("sh")  # present: neither


def test_a_bundle_for_the_coordinator_and_counsel_opens_with_either_key(
    exported: Exported, tmp_path: Path
) -> None:
    need("age")
    coordinator = pyrage.x25519.Identity.generate()
    vault, _ = make_vault(tmp_path / "vault")
    try:
        CaseStore(vault).add_case(MINIMAL_CASE)
        recipients = [
            recipient_ref("Office", str(coordinator.to_public())),
            recipient_ref("Counsel", exported.recipient),
        ]
        bundle = tmp_path / "both.intake"
        export_bundle(vault, recipients, bundle)
    finally:
        vault.close()
    by_counsel = run("age", "-d", "-i", exported.key, bundle)
    assert by_counsel.returncode == 0, by_counsel.stderr
    assert by_counsel.stdout == bytes(pyrage.decrypt(bundle.read_bytes(), [coordinator]))
    assert by_counsel.stdout[:512].startswith(MANIFEST.encode())
