"""Counsel checks a certified translation with minisign and sha256sum, without this app.

As docs/bundle-format.md describes, in two steps: the endorsement's
canonical JSON (every field but ``signature``) checked with ``minisign -V``
and the vault's device key, which says whose key signed; then the
certification's (every field but ``signature`` and ``endorsement``) with
that key, the translator's own; ``sha256sum`` of each text.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from intake_desktop.core import certification, identity
from intake_desktop.core.cases import CaseStore
from tests.helpers import MINIMAL_CASE, make_vault
from tests.interop.test_age_minisign import need, run


def test_minisign_verifies_a_certification(tmp_path: Path) -> None:
    need("minisign", "sha256sum")
    vault, _ = make_vault(tmp_path / "vault", user_name="zarghuna", role="translator")
    try:
        case_id = CaseStore(vault).add_case(MINIMAL_CASE)
        statement = CaseStore(vault).children(case_id, "statement")[0]
        details = certification.TranslatorDetails("Zarghuna Safi", "Kabul", "+93 700")
        body = certification.certify(vault, statement.id, details).body
        device_key = identity.load(vault.conn).signing_key
    finally:
        vault.close()
    shown = json.loads(json.dumps(body))  # as case show --json prints it
    cert = shown["certification"]
    endorsement = cert["endorsement"]
    assert endorsement["device_key"] == device_key  # the one counsel pinned (or was vouched)
    vouched = tmp_path / "endorsement.json"
    vouched.write_text(canonical(endorsement, "signature"), encoding="utf-8")
    (tmp_path / "endorsement.json.minisig").write_text(endorsement["signature"], "utf-8")
    checked = run("minisign", "-V", "-P", device_key, "-m", vouched)
    assert checked.returncode == 0, checked.stderr
    assert b"intake-desktop user key v1" in checked.stdout
    assert (endorsement["user"], endorsement["role"]) == ("zarghuna", "translator")
    key = endorsement["user_key"]
    assert key == cert["signing_key"] != device_key  # the translator's own key signed
    signed = tmp_path / "cert.json"
    signed.write_text(canonical(cert, "signature", "endorsement"), encoding="utf-8")
    (tmp_path / "cert.json.minisig").write_text(cert["signature"], encoding="utf-8")
    checked = run("minisign", "-V", "-P", key, "-m", signed)
    assert checked.returncode == 0, checked.stderr
    assert b"intake-desktop translation certification v1" in checked.stdout
    # The device key did not sign the certification itself: only the translator's did.
    assert run("minisign", "-V", "-P", device_key, "-m", signed).returncode != 0
    for name, text, digest in (
        ("original.txt", shown["text"], cert["original_sha256"]),
        ("translation.txt", shown["translation"]["text"], cert["translation_sha256"]),
    ):
        (tmp_path / name).write_bytes(text.encode("utf-8"))
        out = run("sha256sum", tmp_path / name).stdout.decode().split()[0]
        assert out == digest == hashlib.sha256(text.encode()).hexdigest()
    # One changed character in what was signed and minisign refuses it.
    signed.write_text(signed.read_text(encoding="utf-8").replace("Kabul", "Kabol"), "utf-8")
    assert run("minisign", "-V", "-P", key, "-m", signed).returncode != 0


def canonical(signed: dict[str, object], *left_out: str) -> str:
    fields = {k: v for k, v in signed.items() if k not in left_out}
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
