"""Shared fixtures: real vaults in tmp_path, the real command line."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Argon2id at its floor (64 MiB, 3 passes) instead of ~1 s calibration: the
# floor is still enforced, only the tests' wall time changes.
os.environ["INTAKE_KDF_TARGET_MS"] = "0"
for leaked in (
    "INTAKE_PASSPHRASE",
    "INTAKE_NEW_PASSPHRASE",
    "INTAKE_RECOVERY_CODE",
    "INTAKE_VAULT",
):
    os.environ.pop(leaked, None)

from intake_desktop.core.keyslots import KdfParams  # noqa: E402
from intake_desktop.core.vault import Vault  # noqa: E402
from tests.helpers import PASSPHRASE, make_vault  # noqa: E402

# Argon2id is a pure function, and a test process unlocks the same few vaults
# with the same passphrases hundreds of times (every in-process command
# unlocks). Each distinct (parameters, salt, secret) is derived for real once;
# repeats are answered from memory with the very same key. Nothing about what
# is derived changes: a wrong passphrase still derives (and is refused), a
# floor still refuses, and processes the tests start derive for real.
_real_derive = KdfParams.derive
_derived: dict[tuple[object, ...], bytes] = {}


def _remembered_derive(kdf: KdfParams, secret: str) -> bytes:
    key = (kdf.memory_kib, kdf.iterations, kdf.lanes, kdf.salt, secret)
    if key not in _derived:
        _derived[key] = _real_derive(kdf, secret)
    return _derived[key]


KdfParams.derive = _remembered_derive  # type: ignore[method-assign]

# pytest-timeout: tests marked slow get this instead of the default (pyproject.toml).
SLOW_TIMEOUT_S = 900


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("slow") and not item.get_closest_marker("timeout"):
            item.add_marker(pytest.mark.timeout(SLOW_TIMEOUT_S))


@pytest.fixture
def vault_path(tmp_path: Path) -> Path:
    return tmp_path / "vault"


@pytest.fixture
def vault(vault_path: Path) -> Iterator[Vault]:
    opened, _code = make_vault(vault_path)
    yield opened
    opened.close()


@pytest.fixture
def cli_env(tmp_path: Path, vault_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTAKE_")}
    env.update(
        INTAKE_VAULT=str(vault_path),
        INTAKE_PASSPHRASE=PASSPHRASE,
        INTAKE_KDF_TARGET_MS="0",
        HOME=str(tmp_path / "home"),
        XDG_DATA_HOME=str(tmp_path / "home" / "data"),
        TMPDIR=str(tmp_path / "tmp"),
    )
    (tmp_path / "tmp").mkdir(exist_ok=True)
    return env
