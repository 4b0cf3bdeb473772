"""Helpers shared by the tests (fixtures live in conftest.py)."""

from __future__ import annotations

import atexit
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from intake_desktop.core import identity
from intake_desktop.core.clock import utc_now
from intake_desktop.core.files import make_private_dir
from intake_desktop.core.keyslots import HEADER_NAME
from intake_desktop.core.users import User
from intake_desktop.core.vault import DB_NAME, Vault, _connect, read_header

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
    """A new vault at ``path``, unlocked, and its recovery code.

    ``Vault.create`` derives two keys with Argon2id at its floor (about a
    third of a second), and about a thousand tests make a vault. So the
    first vault made with given options is made once per test process and
    copied: each copy is opened with the template's master key and given
    keys of its own (age and minisign), so two vaults in a test are two
    devices. They share the template's vault id, master key and recovery
    code: a test that needs those to differ gives its vaults different
    options (``name=``). A vault with its own clock, or at a
    path that is not missing or an empty folder, is made for real
    (``Vault.create`` then refuses what it refuses).
    """
    options: dict[str, object] = {"user_name": "farida", "role": "caseworker"}
    options.update(kwargs)
    if "clock" in options or (path.exists() and (not path.is_dir() or any(path.iterdir()))):
        return Vault.create(path, passphrase, kdf_target_seconds=0, **options)  # type: ignore[arg-type]
    key = (passphrase, tuple(sorted((k, repr(v)) for k, v in options.items())))
    template = _TEMPLATES.get(key) or _make_template(key, passphrase, options)
    make_private_dir(path)
    for name in (DB_NAME, HEADER_NAME):
        shutil.copyfile(template.path / name, path / name)
        os.chmod(path / name, 0o600)
    conn = _connect(path / DB_NAME, template.master_key)
    vault = Vault(path, conn, read_header(path), template.user, template.master_key, utc_now)
    vault._user_wrap = bytearray(template.user_wrap)
    vault._migrate()
    with vault.transaction():
        conn.execute("DELETE FROM identity")
        identity.generate(conn, vault.now())
    return vault, template.recovery_code


@dataclass(frozen=True)
class _Template:
    path: Path
    master_key: bytes
    recovery_code: str
    user: User
    user_wrap: bytes  # wraps the user's own signing key (core/user_keys.py)


_TEMPLATES: dict[tuple[object, ...], _Template] = {}


def _make_template(
    key: tuple[object, ...], passphrase: str, options: dict[str, object]
) -> _Template:
    root = Path(tempfile.mkdtemp(prefix="intake-test-vaults-"))
    atexit.register(shutil.rmtree, root, True)
    vault, code = Vault.create(
        root / "vault",
        passphrase,
        kdf_target_seconds=0,
        **options,  # type: ignore[arg-type]
    )
    vault.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    template = _Template(
        root / "vault", bytes(vault._master_key), code, vault.user, vault.user_key_wrap
    )
    vault.close()
    _TEMPLATES[key] = template
    return template


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
