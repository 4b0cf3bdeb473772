"""What a command needs: the vault folder, unlocking, and JSON output."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from platformdirs import user_data_dir

from ..core.errors import WrongPassphrase
from ..core.throttle import UnlockThrottle
from ..core.vault import Vault
from . import secrets_input
from .text import complain

VAULT_ENV = "INTAKE_VAULT"
KDF_TARGET_ENV = "INTAKE_KDF_TARGET_MS"
INTERACTIVE_ATTEMPTS = 3


def default_vault_dir() -> Path:
    return Path(user_data_dir("intake-desktop", appauthor=False)) / "vault"


def kdf_target_seconds() -> float:
    """About 1 s by default; tests and CI lower it (the floor still applies)."""
    try:
        return max(0.0, float(os.environ.get(KDF_TARGET_ENV, "1000")) / 1000)
    except ValueError:
        return 1.0


class Context:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self._vault: Vault | None = None

    @property
    def vault_path(self) -> Path:
        chosen = self.args.vault or os.environ.get(VAULT_ENV)
        return Path(chosen).expanduser() if chosen else default_vault_dir()

    def open_vault(self) -> Vault:
        """Unlock with the passphrase; a terminal gets a few tries with growing pauses."""
        if self._vault is not None:
            return self._vault
        attempts = INTERACTIVE_ATTEMPTS if self._prompting() else 1
        throttle = UnlockThrottle()
        for attempt in range(1, attempts + 1):
            passphrase = secrets_input.existing_passphrase(self.args.passphrase_file)
            try:
                self._vault = Vault.open(self.vault_path, passphrase)
                return self._vault
            except WrongPassphrase as exc:
                if attempt == attempts:
                    raise
                throttle.failed()
                complain(str(exc))
                throttle.wait()
        raise AssertionError("unreachable")

    def _prompting(self) -> bool:
        return (
            not self.args.passphrase_file
            and secrets_input.PASSPHRASE_ENV not in os.environ
            and secrets_input.interactive()
        )

    def adopt(self, vault: Vault) -> None:
        self._vault = vault

    def close(self) -> None:
        if self._vault is not None:
            self._vault.close()
            self._vault = None

    @staticmethod
    def print_json(value: Any) -> None:
        json.dump(value, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        sys.stdout.flush()
