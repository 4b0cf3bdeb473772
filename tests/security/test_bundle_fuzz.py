"""A bounded fuzzing run over the bundle reader (see ``fuzz_bundles.py`` for what it does).

Two campaigns, each in its own process: mutated decrypted bundles handed to
``import_bundle`` in process (coverage-guided with atheris when it is
installed, a seeded random loop otherwise), and mutated encrypted bundles
through the real age layer. Each input must end in one of the
importer's own outcomes, within its time limit, leaving the coordinator's
vault unchanged when refused and sound when accepted; the whole run must
stay within a memory bound.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from intake_desktop.core.check import check_vault
from intake_desktop.core.vault import Vault
from tests.helpers import PASSPHRASE, REPO

pytestmark = pytest.mark.slow

SEED = 20261127
PLAIN_SECONDS = 16
SEALED_SECONDS = 4
# The seeded warm-up runs whatever the clock says: the counts asserted below
# must not depend on how busy the machine is (the tests run in parallel).
PLAIN_WARMUP, SEALED_WARMUP = 400, 20
# Argon2id's 64 MiB (the coordinator is unlocked once) and Python take about
# 105 MiB here; inputs are up to a few hundred KiB. A reader that trusted a
# size field in a hostile header would blow through this at once.
MEMORY_LIMIT_KIB = 256 * 1024


def campaign(tmp_path: Path, mode: str, seconds: int, warmup: int) -> tuple[dict[str, Any], Path]:
    workdir = tmp_path / mode
    workdir.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTAKE_")}
    env["INTAKE_KDF_TARGET_MS"] = "0"
    options = ["--mode", mode, "--seconds", str(seconds), "--seed", str(SEED)]
    options += ["--warmup", str(warmup)]
    result = subprocess.run(
        [sys.executable, "-m", "tests.security.fuzz_bundles", str(workdir), *options],
        cwd=REPO,
        env=env,
        capture_output=True,
        timeout=seconds + 120,
        check=False,
    )
    summary: dict[str, Any] = json.loads((workdir / "summary.json").read_text())
    stderr = result.stderr.decode("utf-8", "replace")[-4000:]
    assert summary["failures"] == [], stderr
    assert result.returncode == 0, stderr
    return summary, workdir


def assert_bounded_and_sound(summary: dict[str, Any], workdir: Path) -> None:
    outcomes = summary["outcomes"]
    assert set(outcomes) <= {"rejected", "merged", "already_imported", "quarantined"}
    assert outcomes.get("rejected", 0) > 0
    # Some inputs got through every check (and vault check ran after them).
    assert outcomes.get("merged", 0) + outcomes.get("quarantined", 0) > 0
    # No input hung ("time limit" is no allowed outcome); how slow the slowest
    # was against the mean is benchmarks/hostile_input.py's fuzz_*_worst_vs_mean.
    assert 0 < summary["vmhwm_kib"] < MEMORY_LIMIT_KIB
    with Vault.open(workdir / "coord", PASSPHRASE) as coord:
        assert [r.name for r in check_vault(coord) if not r.ok] == []


def test_mutated_decrypted_bundles_are_refused_cleanly(tmp_path: Path) -> None:
    summary, workdir = campaign(tmp_path, "plain", PLAIN_SECONDS, warmup=PLAIN_WARMUP)
    assert summary["cases"] >= PLAIN_WARMUP, summary
    assert_bounded_and_sound(summary, workdir)
    # The inputs reached checks at every layer: tar, manifest, signature, members.
    reasons = " ".join(summary["rejections"])
    for layer in ("archive header", "manifest", "signature", "member"):
        assert layer in reasons, summary["rejections"]


def test_mutated_encrypted_bundles_are_refused_cleanly(tmp_path: Path) -> None:
    summary, workdir = campaign(tmp_path, "sealed", SEALED_SECONDS, warmup=SEALED_WARMUP)
    assert summary["cases"] >= SEALED_WARMUP, summary
    assert_bounded_and_sound(summary, workdir)
    reasons = " ".join(summary["rejections"])
    assert "encryption does not verify" in reasons and "not addressed" in reasons


HUGE_MANIFEST_PROBE = """
import sys
from pathlib import Path
from intake_desktop.core import identity
from intake_desktop.core.bundle import importer
from intake_desktop.core.errors import BundleRejected
from tests.bundle_forge import encrypt, tar_bytes
from tests.helpers import make_vault

root = Path(sys.argv[1])
coord, _ = make_vault(root / "coord", user_name="cora", role="coordinator")
# Anyone may encrypt to a coordinator's age recipient: it is public by design.
# No signature is needed, since the manifest is parsed to find the signer's key.
manifest = b'{"format": "intake-desktop-bundle", "members": [' + b"[]," * COUNT + b"[]]}"
path = root / "huge.intake"
path.write_bytes(encrypt(tar_bytes([("manifest.json", manifest), ("manifest.json.minisig", b"")]),
                         identity.load(coord.conn).age_recipient))
del manifest
try:
    importer.import_bundle(coord, path)
except BundleRejected:
    pass
status = Path("/proc/self/status").read_text()
print(next(int(l.split()[1]) for l in status.splitlines() if l.startswith("VmHWM:")))
"""


def test_an_unsigned_manifest_cannot_make_the_reader_use_much_memory(tmp_path: Path) -> None:
    n = 5_000_000  # a 14 MiB manifest
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTAKE_")}
    env["INTAKE_KDF_TARGET_MS"] = "0"
    result = subprocess.run(
        [sys.executable, "-c", HUGE_MANIFEST_PROBE.replace("COUNT", str(n)), str(tmp_path)],
        cwd=REPO,
        env=env,
        capture_output=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr.decode()[-3000:]
    assert int(result.stdout) < MEMORY_LIMIT_KIB


def test_a_large_manifest_is_parsed_only_when_a_pinned_key_signed_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The size gate: a trusted sender's bundle still merges; an unknown one's is refused whole."""
    from intake_desktop.core.bundle import importer, quarantine
    from intake_desktop.core.cases import CaseStore
    from intake_desktop.core.errors import BundleRejected
    from tests.bundle_forge import changed_tables, export_to, introduce, snapshot
    from tests.helpers import MINIMAL_CASE, make_vault

    field, _ = make_vault(tmp_path / "field")
    stranger, _ = make_vault(tmp_path / "stranger")
    coord, _ = make_vault(tmp_path / "coord", user_name="cora", role="coordinator")
    introduce(field, coord, "field", "office")
    for vault in (field, stranger):
        CaseStore(vault).add_case(dict(MINIMAL_CASE))
    monkeypatch.setattr(importer, "MAX_UNVERIFIED_MANIFEST_BYTES", 64)  # every manifest is larger
    unknown = tmp_path / "unknown.intake"
    export_to(stranger, coord, unknown)
    before = snapshot(coord)
    with pytest.raises(BundleRejected, match="not signed by a trusted device"):
        importer.import_bundle(coord, unknown)
    assert changed_tables(before, snapshot(coord)) <= {"audit"}
    assert quarantine.waiting(coord) == []
    known = tmp_path / "known.intake"
    export_to(field, coord, known)
    assert importer.import_bundle(coord, known).status == importer.MERGED
