"""Fixtures for the command-line tests: a vault made by ``vault init``."""

from __future__ import annotations

from typing import Any

import pytest

from tests.cli.support import ok_json


@pytest.fixture
def init_info(cli_env: dict[str, str]) -> dict[str, Any]:
    """``vault init --json`` into ``$INTAKE_VAULT`` (the ``vault_path`` fixture)."""
    info: dict[str, Any] = ok_json("vault", "init", "--json", env=cli_env)
    return info


@pytest.fixture
def vault_env(cli_env: dict[str, str], init_info: dict[str, Any]) -> dict[str, str]:
    """The environment of a script using a freshly made vault."""
    return cli_env
