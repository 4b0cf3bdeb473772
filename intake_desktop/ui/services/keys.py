"""This vault's public keys to hand out, and the devices and recipients it trusts."""

from __future__ import annotations

from ...core.vault import Vault
from ..jobs.job import Jobs


class KeyService:
    def __init__(self, vault: Vault, jobs: Jobs) -> None:
        self.vault = vault
        self.jobs = jobs
