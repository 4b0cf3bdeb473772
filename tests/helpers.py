"""Helpers shared by the tests (fixtures live in conftest.py)."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path
from typing import Any

from intake_desktop.core.vault import Vault

PASSPHRASE = "correct horse battery staple"
REPO = Path(__file__).resolve().parent.parent

MINIMAL_CASE = {
    "title": "Ahmadzai family",
    "route": "humanitarian_parole",
    "people": [{"full_name": "محمد نور احمدزی", "role": "beneficiary"}],
    "statements": [
        {
            "language": "fa-AF",
            "text": "ما از کابل آمدیم",
            "translation": {"language": "en", "text": "We came from Kabul"},
        }
    ],
    # Export refuses a case whose consent does not cover sharing with counsel.
    "consents": [{"scope": ["share_with_counsel"], "given_on": "2026-11-01", "form": "written"}],
}


def make_vault(path: Path, passphrase: str = PASSPHRASE, **kwargs: object) -> tuple[Vault, str]:
    options: dict[str, object] = {"user_name": "farida", "role": "caseworker"}
    options.update(kwargs)
    return Vault.create(path, passphrase, kdf_target_seconds=0, **options)  # type: ignore[arg-type]


def run_cli(
    *args: str, env: dict[str, str], input: bytes | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[bytes]:
    """The real command line in a fresh process, as scripts run it."""
    return subprocess.run(
        [sys.executable, "-m", "intake_desktop", *args],
        env=env,
        input=input,
        capture_output=True,
        timeout=timeout,
        cwd=REPO,
        check=False,
    )


def store_old_chunks(conn: Any, data: bytes, now: str, chunk: int = 1 << 20) -> str:
    """Attachment content as vaults before the file store kept it: 1 MiB chunk rows."""
    sha256 = hashlib.sha256(data).hexdigest()
    blob_id = conn.execute(
        "INSERT INTO blobs (sha256, size, complete, created_at) VALUES (?, ?, 1, ?)",
        (sha256, len(data), now),
    ).lastrowid
    for seq, start in enumerate(range(0, len(data), chunk)):
        conn.execute(
            "INSERT INTO blob_chunks (blob_id, seq, data) VALUES (?, ?, ?)",
            (blob_id, seq, data[start : start + chunk]),
        )
    return sha256
