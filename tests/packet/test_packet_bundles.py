"""Counsel packets inside bundles, for the recipients who asked for them.

A recipient set to receive packets (``trust packets NAME yes``) gets
``packet/<case id>.pdf`` in each bundle, listed and hashed in the signed
manifest; counsel opens it with ``age``, ``tar`` and ``sha256sum`` alone. The
importing app checks it and keeps nothing of it. A recipient who did not ask
gets none.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pikepdf
import pyrage
import pytest

from intake_desktop.core import identity
from intake_desktop.core.bundle import importer
from intake_desktop.core.bundle.export import export_bundle
from intake_desktop.core.cases import CaseStore
from intake_desktop.core.delivery.destinations import DestinationStore
from intake_desktop.core.delivery.outbox import Outbox
from intake_desktop.core.errors import BundleRejected, InvalidInput
from intake_desktop.core.trust import TrustStore
from intake_desktop.core.vault import Vault
from intake_desktop.packet import bundle_renderer
from tests.bundle_forge import forge, recipient_ref, relist, snapshot, take_apart
from tests.helpers import PASSPHRASE, make_vault, run_cli
from tests.interop.test_age_minisign import need, run
from tests.packet.conftest import PSEUDONYM, WITHHELD, WITHHELD_LATIN, PacketCase


@pytest.fixture
def counsel(case: PacketCase, tmp_path: Path) -> Iterator[Vault]:
    vault, _ = make_vault(tmp_path / "counsel", user_name="nadia", role="coordinator")
    TrustStore(vault).add_device("Field", identity.load(case.vault.conn).signing_key)
    name = f"Counsel {tmp_path.name[-12:]}"  # the field vault lives for the module
    with managing(case) as manager:
        TrustStore(manager).add_recipient(name, identity.load(vault.conn).age_recipient)
    vault.label = name  # type: ignore[attr-defined]
    yield vault
    vault.close()


def managing(case: PacketCase) -> Vault:
    """The case's vault opened with its recovery code, which may change the trust store."""
    return Vault.open_with_recovery(case.vault.path, case.recovery_code)


def asks_for_packets(case: PacketCase, counsel: Vault) -> None:
    with managing(case) as manager:
        TrustStore(manager).set_packets(counsel.label, True)  # type: ignore[attr-defined]


def export(case: PacketCase, counsel: Vault, out: Path, **kwargs: Any) -> Any:
    ref = recipient_ref(counsel.label, identity.load(counsel.conn).age_recipient)  # type: ignore[attr-defined]
    return export_bundle(case.vault, [ref], out, [case.case_id], **kwargs)


def pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "packet.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout


def test_a_recipient_who_asked_gets_the_packet_and_counsel_reads_it_with_standard_tools(
    case: PacketCase, counsel: Vault, tmp_path: Path
) -> None:
    need("age", "tar", "sha256sum", "pdftotext")
    asks_for_packets(case, counsel)
    bundle = tmp_path / "to-counsel.intake"
    result = export(case, counsel, bundle, packets=bundle_renderer())
    assert result.packets == 1
    # Counsel without the app: age -d | tar -x, then sha256sum -c.
    key = tmp_path / "counsel.key"
    key.write_text(identity.load(counsel.conn).age_secret + "\n")
    key.chmod(0o600)
    unpacked = tmp_path / "unpacked"
    unpacked.mkdir()
    plain = run("age", "-d", "-i", key, bundle)
    assert plain.returncode == 0, plain.stderr
    subprocess.run(["tar", "-x", "-C", str(unpacked)], input=plain.stdout, check=True)
    packet = unpacked / "packet" / f"{case.case_id}.pdf"
    checked = run("sha256sum", "-c", "SHA256SUMS", cwd=unpacked)
    assert checked.returncode == 0 and f"packet/{case.case_id}.pdf: OK".encode() in checked.stdout
    manifest = json.loads((unpacked / "manifest.json").read_text())
    listed = {m["path"]: m for m in manifest["members"]}
    assert listed[f"packet/{case.case_id}.pdf"]["size"] == packet.stat().st_size
    with pikepdf.open(packet) as pdf:
        assert len(pdf.pages) > 5
    text = pdf_text(packet.read_bytes(), tmp_path)
    assert result.bundle_id in text  # the cover names the bundle it travelled in
    # Counsel is not cleared for withheld names: the packet uses the pseudonym, as the
    # records do.
    assert PSEUDONYM in text and WITHHELD_LATIN not in text and WITHHELD not in text
    # The importing app checks the packet against the manifest and keeps nothing of it.
    before = counsel.conn.execute("SELECT count(*) FROM blobs").fetchone()[0]
    imported = importer.import_bundle(counsel, bundle)
    assert imported.status == importer.MERGED
    after = counsel.conn.execute("SELECT count(*) FROM blobs").fetchone()[0]
    assert after - before == imported.attachments  # the evidence files only


def test_no_packet_for_a_recipient_who_did_not_ask(
    case: PacketCase, counsel: Vault, tmp_path: Path
) -> None:
    result = export(case, counsel, tmp_path / "plain.intake", packets=bundle_renderer())
    assert result.packets == 0
    parts = take_apart(tmp_path / "plain.intake", identity.load(counsel.conn).age_secret)
    assert not [m for m in parts.manifest["members"] if m["path"].startswith("packet/")]


def test_asked_for_but_nothing_to_draw_them_with_refuses_and_writes_nothing(
    case: PacketCase, counsel: Vault, tmp_path: Path
) -> None:
    asks_for_packets(case, counsel)
    before = snapshot(case.vault)
    with pytest.raises(InvalidInput, match="counsel packets"):
        export(case, counsel, tmp_path / "none.intake")
    assert not (tmp_path / "none.intake").exists()
    assert snapshot(case.vault) == before


def _with_packet(parts: Any, path: str, data: bytes, signer: Any, counsel: Vault) -> bytes:
    manifest, members = parts.fresh()
    members = [m for m in members if not m[0].startswith("packet/")]
    members.insert(len(members) - 2, (path, data))  # before the checksum files
    manifest, members = relist(manifest, members, signer)
    return forge(signer, manifest, members, identity.load(counsel.conn).age_recipient)


@pytest.mark.parametrize("which", ["altered", "another case"])
def test_a_bad_packet_refuses_the_bundle_and_changes_nothing(
    case: PacketCase, counsel: Vault, tmp_path: Path, which: str
) -> None:
    asks_for_packets(case, counsel)
    bundle = tmp_path / "genuine.intake"
    export(case, counsel, bundle, packets=bundle_renderer())
    parts = take_apart(bundle, identity.load(counsel.conn).age_secret)
    path, data = parts.member("packet/")
    signer = identity.load(case.vault.conn).minisign_secret()
    if which == "altered":
        # Listed as it is, but changed after the manifest was signed.
        manifest, members = parts.fresh()
        members = [(n, d[:-10] + b"0123456789" if n == path else d) for n, d in members]
        forged = forge(signer, manifest, members, identity.load(counsel.conn).age_recipient)
        expected = "does not match its manifest"
    else:
        # Signed and listed, for a case the bundle does not carry.
        stray = "packet/00000000-0000-4000-8000-000000000000.pdf"
        forged = _with_packet(parts, stray, data, signer, counsel)
        expected = "packet for a case it does not carry"
    target = tmp_path / "forged.intake"
    target.write_bytes(forged)
    before = snapshot(counsel)
    with pytest.raises(BundleRejected, match=expected):
        importer.import_bundle(counsel, target)
    assert snapshot(counsel) == before


def test_pikepdf_reads_what_the_bundle_carries(
    case: PacketCase, counsel: Vault, tmp_path: Path
) -> None:
    """The bytes in the bundle are the renderer's, whole (no truncation at a chunk edge)."""
    asks_for_packets(case, counsel)
    bundle = tmp_path / "b.intake"
    export(case, counsel, bundle, packets=bundle_renderer())
    _path, data = take_apart(bundle, identity.load(counsel.conn).age_secret).member("packet/")
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert pdf.open_outline().root  # bookmarks per exhibit survived
        assert len(pdf.attachments) >= 2  # the exact originals travel inside


def test_the_command_line_sends_packets_to_who_asked(
    case: PacketCase, counsel: Vault, tmp_path: Path
) -> None:
    name = counsel.label  # type: ignore[attr-defined]
    env = {**os.environ, "INTAKE_VAULT": str(case.vault.path)}
    managed = {**env, "INTAKE_RECOVERY_CODE": case.recovery_code}
    nobody = run_cli("trust", "packets", "Nobody", "yes", "--recovery", env=managed)
    assert nobody.returncode == 10 and b"No trusted recipient is named Nobody" in nobody.stderr
    translator = {**env, "INTAKE_PASSPHRASE": PASSPHRASE}  # the case's vault user translates
    refused = run_cli("trust", "packets", name, "yes", env=translator)
    assert refused.returncode == 13
    turned = run_cli("trust", "packets", name, "yes", "--recovery", env=managed)
    assert turned.returncode == 0, turned.stderr
    assert f"Bundles to {name} will carry each case's counsel packet." in turned.stdout.decode()
    listed = run_cli("trust", "list", "--json", env={**env, "INTAKE_PASSPHRASE": PASSPHRASE})
    (entry,) = [e for e in json.loads(listed.stdout) if e["name"] == name]
    assert entry["packets"] is True
    out = tmp_path / "cli.intake"
    args = ("export", "--to", name, "--case", case.case_id, "--out", str(out), "--json")
    done = run_cli(*args, env={**env, "INTAKE_PASSPHRASE": PASSPHRASE})
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["packets"] == 1
    parts = take_apart(out, identity.load(counsel.conn).age_secret)
    assert parts.member("packet/")[0] == f"packet/{case.case_id}.pdf"


def test_one_recipient_asking_puts_packets_in_the_bundle_for_all_and_none_for_a_deletion(
    case: PacketCase, counsel: Vault, tmp_path: Path
) -> None:
    """A bundle is one file for all its recipients; a deleted case travels as ids only."""
    asks_for_packets(case, counsel)
    other = pyrage.x25519.Identity.generate()
    gone = CaseStore(case.vault).add_case({"title": "Withdrawn", "route": "other"})
    CaseStore(case.vault).delete_case(gone)
    refs = [
        recipient_ref(counsel.label, identity.load(counsel.conn).age_recipient),  # type: ignore[attr-defined]
        recipient_ref("Office", str(other.to_public())),
    ]
    out = tmp_path / "both.intake"
    result = export_bundle(case.vault, refs, out, [case.case_id, gone], packets=bundle_renderer())
    assert result.packets == 1
    parts = take_apart(out, str(other))  # the recipient who did not ask reads it too
    assert [m["path"] for m in parts.manifest["members"] if m["path"].startswith("packet/")] == [
        f"packet/{case.case_id}.pdf"
    ]


def test_the_outbox_carries_packets_too(case: PacketCase, counsel: Vault) -> None:
    """``export --send`` and the app's Send through the outbox pass the renderer on."""
    asks_for_packets(case, counsel)
    name = f"Counsel bucket {counsel.label[-12:]}"  # type: ignore[attr-defined]
    with managing(case) as manager:
        DestinationStore(manager).add_s3(
            name, "s3://counsel-inbox", "http://127.0.0.1:1", "key-id", "a secret key"
        )
    ref = recipient_ref(counsel.label, identity.load(counsel.conn).age_recipient)  # type: ignore[attr-defined]
    entry, result = Outbox(case.vault).export(
        name, [ref], [case.case_id], packets=bundle_renderer()
    )
    assert result.packets == 1
    parts = take_apart(result.path, identity.load(counsel.conn).age_secret)
    assert parts.member("packet/")[0] == f"packet/{case.case_id}.pdf"
    assert entry.destination == name
