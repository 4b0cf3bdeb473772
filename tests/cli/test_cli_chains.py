"""Bundles numbered per recipient: a bundle sent to counsel is no gap at the coordinator's.

A field laptop sends to counsel and to the coordinator in turn; the
coordinator sees its own chain 1, 2, 3 (each link naming the previous
manifest), notes a real gap while a bundle is missing, and ``chains``
shows the sender's last bundle, the gaps not yet filled, and when it was
last seen.
"""

from __future__ import annotations

from pathlib import Path

import pyrage

from intake_desktop.core.trust import TrustStore
from intake_desktop.core.vault import Vault
from tests.bundle_forge import introduce
from tests.cli.support import add_case, ok, ok_json
from tests.helpers import MINIMAL_CASE, PASSPHRASE, make_vault


def test_each_recipient_sees_its_own_chain_and_the_coordinator_its_gaps(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    field, _ = make_vault(tmp_path / "field", name="Field")
    office, _ = make_vault(tmp_path / "office", name="Office")
    introduce(field, office, "Kabul laptop", "Office")
    TrustStore(field).add_recipient("Counsel", str(pyrage.x25519.Identity.generate().to_public()))
    field.close()
    office.close()
    env = cli_env | {"INTAKE_VAULT": str(tmp_path / "field")}
    office_env = cli_env | {"INTAKE_VAULT": str(tmp_path / "office")}
    case_id = add_case(env, MINIMAL_CASE)

    def export(to: str, name: str) -> dict[str, object]:
        out = str(tmp_path / name)
        found: dict[str, object] = ok_json(
            "export", "--to", to, "--case", case_id, "--out", out, "--json", env=env
        )
        return found

    export("Counsel", "c1.intake")  # shared number 1
    o1 = export("Office", "o1.intake")  # shared 2; the office's 1
    export("Counsel", "c2.intake")  # shared 3
    o2 = export("Office", "o2.intake")  # shared 4; the office's 2
    o3 = export("Office", "o3.intake")  # shared 5; the office's 3
    # `export` prints the shared number (the outbox names files by it).
    assert (o1["sequence"], o2["sequence"], o3["sequence"]) == (2, 4, 5)

    first = ok_json("import", str(tmp_path / "o1.intake"), "--json", env=office_env)
    assert (first["sequence"], first["sequence_note"]) == (1, "first")  # counsel's was no gap
    third = ok_json("import", str(tmp_path / "o3.intake"), "--json", env=office_env)
    assert (third["sequence"], third["sequence_note"]) == (3, "gap: bundle 2 not received")
    (chain,) = ok_json("chains", "--json", env=office_env)
    assert chain["name"] == "Kabul laptop"
    assert (chain["last"], chain["received"], chain["missing"], chain["gaps"]) == (3, 2, 1, [2])
    assert "1 not received: 2" in ok("chains", env=office_env)

    second = ok_json("import", str(tmp_path / "o2.intake"), "--json", env=office_env)
    assert second["sequence"] == 2 and second["sequence_note"].startswith("out of order")
    (chain,) = ok_json("chains", "--json", env=office_env)
    assert (chain["missing"], chain["gaps"]) == (0, [])
    # The previous link of the office's chain is the office's previous bundle, not counsel's.
    vault = Vault.open(tmp_path / "office", PASSPHRASE)
    try:
        links = dict(
            vault.conn.execute("SELECT device_seq, previous_sha256 FROM bundles_in").fetchall()
        )
        shas = dict(vault.conn.execute("SELECT device_seq, manifest_sha256 FROM bundles_in"))
    finally:
        vault.close()
    assert links[1] is None and links[2] == shas[1] and links[3] == shas[2]
