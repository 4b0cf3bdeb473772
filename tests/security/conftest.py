"""One field laptop and one coordinator, made once for every bundle-tampering test.

The coordinator trusts the field laptop's signing key and never imports a
bundle successfully here (tests that need a merge make their own vault), so
every hostile variant meets the same target, and each test compares the
target's full state before and after.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from intake_desktop.core import identity
from intake_desktop.core.bundle import importer
from intake_desktop.core.cases import CaseStore
from intake_desktop.core.errors import BundleRejected
from intake_desktop.core.vault import Vault
from tests.bundle_forge import (
    RICH_CASE,
    Parts,
    add_attachment,
    export_to,
    forge,
    introduce,
    relist,
    snapshot,
    take_apart,
)
from tests.helpers import MINIMAL_CASE, make_vault

# Over three age STREAM chunks (64 KiB each), so truncation at a chunk
# boundary can be tried.
ATTACHMENT = os.urandom(200_000)


@dataclass
class World:
    root: Path
    field: Vault
    coord: Vault
    field_keys: identity.Identity
    coord_keys: identity.Identity
    cases: list[str]
    coord_case: str  # a case only the coordinator holds
    coord_person: str  # a person in it
    coord_attachment: str  # the SHA-256 of a file attached to it
    bundle: Path  # field -> coordinator, every case; never imported into coord
    parts: Parts

    def insider(self, manifest: dict[str, Any], members: list[Any], **options: Any) -> bytes:
        """A bundle to the coordinator signed with the field laptop's real key."""
        secret = self.field_keys.minisign_secret()
        return forge(secret, manifest, members, self.coord_keys.age_recipient, **options)

    def consistent(self, manifest: dict[str, Any], members: list[tuple[str, bytes]]) -> bytes:
        """Signed by the insider, the manifest and checksums recomputed for ``members``."""
        manifest, members = relist(manifest, members, self.field_keys.minisign_secret())
        return self.insider(manifest, members)

    def write(self, data: bytes, name: str = "hostile.intake") -> Path:
        path = self.root / "hostile" / name
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)
        return path


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    root = tmp_path_factory.mktemp("bundle-world")
    field, _ = make_vault(root / "field", name="Kandahar field laptop")
    coord, _ = make_vault(root / "coord", user_name="cora", role="coordinator", name="Office")
    try:
        introduce(field, coord, "Kandahar laptop", "Office")
        cases = [CaseStore(field).add_case(MINIMAL_CASE), CaseStore(field).add_case(RICH_CASE)]
        add_attachment(field, cases[0], ATTACHMENT)
        coord_case = CaseStore(coord).add_case(
            {"title": "Office case", "route": "other", "people": [{"full_name": "Office person"}]}
        )
        (coord_person,) = CaseStore(coord).children(coord_case, "person")
        add_attachment(coord, coord_case, b"%PDF-1.4 the office's own scan")
        (evidence,) = CaseStore(coord).children(coord_case, "evidence")
        bundle = root / "baseline.intake"
        export_to(field, coord, bundle)
        coord_keys = identity.load(coord.conn)
        yield World(
            root=root,
            field=field,
            coord=coord,
            field_keys=identity.load(field.conn),
            coord_keys=coord_keys,
            cases=cases,
            coord_case=coord_case,
            coord_person=coord_person.id,
            coord_attachment=evidence.body["attachments"][0]["sha256"],
            bundle=bundle,
            parts=take_apart(bundle, coord_keys.age_secret),
        )
    finally:
        field.close()
        coord.close()


def assert_rejected(world: World, data: bytes | Path, match: str | None = None) -> str:
    """Importing ``data`` into the coordinator is refused (exit 8) and changes nothing."""
    path = data if isinstance(data, Path) else world.write(data)
    before = snapshot(world.coord)
    with pytest.raises(BundleRejected) as info:
        importer.import_bundle(world.coord, path)
    assert snapshot(world.coord) == before
    assert info.value.exit_code == 8
    message = str(info.value)
    assert "\n" not in message and message
    if match is not None:
        assert match in message, message
    return message


class Reject:
    """``reject(data, "fragment")``: see ``assert_rejected``."""

    def __init__(self, world: World) -> None:
        self.world = world

    def __call__(self, data: bytes | Path, match: str | None = None) -> str:
        return assert_rejected(self.world, data, match)


@pytest.fixture
def reject(world: World) -> Reject:
    return Reject(world)
