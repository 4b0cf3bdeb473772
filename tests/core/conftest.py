"""Fixtures for the core tests: a field laptop and a coordinator that trust each other."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from intake_desktop.core.bundle import importer
from intake_desktop.core.bundle.export import ExportResult
from intake_desktop.core.bundle.importer import ImportResult
from intake_desktop.core.vault import Vault
from tests.bundle_forge import export_to, introduce
from tests.helpers import make_vault


@dataclass
class Pair:
    field: Vault
    coord: Vault
    folder: Path
    names: Iterator[int]

    def export(self, src: Vault, dst: Vault, *case_ids: str) -> tuple[Path, ExportResult]:
        path = self.folder / f"bundle-{next(self.names)}.intake"
        return path, export_to(src, dst, path, list(case_ids) or None)

    def ship(self, src: Vault, dst: Vault, *case_ids: str) -> ImportResult:
        path, _ = self.export(src, dst, *case_ids)
        result = importer.import_bundle(dst, path)
        assert result.status == importer.MERGED
        return result


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pair]:
    root = tmp_path_factory.mktemp("merge")
    field, _ = make_vault(root / "field", name="Field laptop")
    coord, _ = make_vault(root / "coord", user_name="cora", role="coordinator", name="Office")
    introduce(field, coord, "Field laptop", "Office")
    introduce(coord, field, "Office signer", "Field recipient")
    (root / "bundles").mkdir()
    yield Pair(field, coord, root / "bundles", itertools.count(1))
    field.close()
    coord.close()
