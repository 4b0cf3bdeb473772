"""The quarantine is capped: bundles from strangers cannot fill the disk.

Anyone holding the coordinator's public recipient can send it bundles, and a
bundle from an unknown signer is kept whole for review. Beyond the cap (a
count and a total size, docs/bundle-format.md) a new one is refused with a
clear message and nothing is written; the very same file again is still
"waiting already"; discarding makes room. The limits are lowered here so the
test stays small; the logic is the same at the shipped values.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from intake_desktop.core.bundle import importer, quarantine
from intake_desktop.core.errors import BundleRejected
from tests.bundle_forge import as_producer, forge, new_signing_key, snapshot
from tests.security.conftest import World


def strangers_bundle(world: World, number: int) -> Path:
    manifest, members = world.parts.fresh()
    secret, key = new_signing_key()
    as_producer(manifest, key, f"Stranger {number}")
    return world.write(
        forge(secret, manifest, members, world.coord_keys.age_recipient), f"stranger-{number}"
    )


def _empty(world: World) -> None:
    for entry in quarantine.waiting(world.coord):
        quarantine.discard(world.coord, entry.id)


@pytest.fixture
def empty_quarantine(world: World) -> Iterator[World]:
    """The shared coordinator with nothing waiting, before and after (other tests expect it)."""
    _empty(world)
    yield world
    _empty(world)


def test_beyond_the_count_a_strangers_bundle_is_refused_and_nothing_kept(
    empty_quarantine: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = empty_quarantine
    monkeypatch.setattr(quarantine, "MAX_QUARANTINE_BUNDLES", 3)
    kept = [importer.import_bundle(world.coord, strangers_bundle(world, n)) for n in range(3)]
    assert [r.status for r in kept] == [importer.QUARANTINED] * 3
    extra = strangers_bundle(world, 3)
    before = snapshot(world.coord)
    with pytest.raises(BundleRejected, match="quarantine is full") as refused:
        importer.import_bundle(world.coord, extra)
    assert refused.value.exit_code == 8
    assert snapshot(world.coord) == before  # not a byte written
    # One already waiting is still recognised, full or not.
    again = importer.import_bundle(world.coord, world.root / "hostile" / "stranger-0")
    assert again.quarantine_id == kept[0].quarantine_id
    # Discarding makes room.
    assert kept[1].quarantine_id is not None
    quarantine.discard(world.coord, kept[1].quarantine_id)
    assert importer.import_bundle(world.coord, extra).status == importer.QUARANTINED


def test_beyond_the_size_a_strangers_bundle_is_refused(
    empty_quarantine: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = empty_quarantine
    first = strangers_bundle(world, 10)
    monkeypatch.setattr(quarantine, "MAX_QUARANTINE_BYTES", first.stat().st_size * 3 // 2)
    assert importer.import_bundle(world.coord, first).status == importer.QUARANTINED
    before = snapshot(world.coord)
    with pytest.raises(BundleRejected, match="quarantine is full"):
        importer.import_bundle(world.coord, strangers_bundle(world, 11))
    assert snapshot(world.coord) == before


def test_the_shipped_limits_are_the_documented_ones() -> None:
    from tests.helpers import REPO

    text = (REPO / "docs" / "bundle-format.md").read_text(encoding="utf-8")
    assert f"{quarantine.MAX_QUARANTINE_BUNDLES} bundles" in text
    assert f"{quarantine.MAX_QUARANTINE_BYTES >> 30} GiB" in text
