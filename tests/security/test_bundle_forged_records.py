"""Signed but hostile records: a trusted insider's bundle whose records lie.

The records members are edited and the manifest (and checksum file) made
consistent again and signed with the field laptop's real key, so only the
record-level checks stand between the bundle and the coordinator's vault:
revision hashes, the manifest's record list, validation, case ownership and
id clashes. Each is refused (exit code 8) with the coordinator unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from intake_desktop.core.bundle.format import records_member
from tests.bundle_forge import edit_records, rehash
from tests.security.conftest import Reject, World

Case = Callable[[World], tuple[bytes, str]]
CASES: dict[str, Case] = {}


def case(function: Case) -> Case:
    CASES[function.__name__] = function
    return function


@case
def record_revision_hash_wrong(world: World) -> tuple[bytes, str]:
    manifest, members = world.parts.fresh()

    def edit(doc: dict[str, Any]) -> None:
        doc["records"][0]["body"]["title"] = "Altered on the way"

    return world.consistent(manifest, edit_records(members, world.cases[0], edit)), "revision"


@case
def record_not_in_the_manifest(world: World) -> tuple[bytes, str]:
    manifest, members = world.parts.fresh()
    person = next(r for r in manifest["records"] if r["kind"] == "person")
    manifest["records"] = [r for r in manifest["records"] if r is not person]
    return world.consistent(manifest, members), "does not list"


@case
def record_listed_but_absent(world: World) -> tuple[bytes, str]:
    manifest, members = world.parts.fresh()

    def edit(doc: dict[str, Any]) -> None:
        doc["records"] = [r for r in doc["records"] if r["kind"] != "statement"]

    return world.consistent(manifest, edit_records(members, world.cases[0], edit)), "lacks records"


@case
def record_version_differs_from_the_manifest(world: World) -> tuple[bytes, str]:
    manifest, members = world.parts.fresh()
    manifest["records"][0]["version"] = 7
    return world.consistent(manifest, members), "does not list"


@case
def record_case_differs_from_the_manifest(world: World) -> tuple[bytes, str]:
    manifest, members = world.parts.fresh()
    ref = next(r for r in manifest["records"] if r["kind"] == "person")
    ref["case_id"] = world.cases[1] if ref["case_id"] == world.cases[0] else world.cases[0]
    return world.consistent(manifest, members), "does not list"


@case
def record_twice_in_the_records(world: World) -> tuple[bytes, str]:
    manifest, members = world.parts.fresh()

    def edit(doc: dict[str, Any]) -> None:
        doc["records"].append(doc["records"][-1])

    return world.consistent(manifest, edit_records(members, world.cases[0], edit)), "does not list"


@case
def record_body_invalid_with_a_matching_hash(world: World) -> tuple[bytes, str]:
    manifest, members = world.parts.fresh()

    def edit(doc: dict[str, Any]) -> None:
        doc["records"][0]["body"]["injected"] = "<script>"
        rehash(doc["records"][0])

    hostile = edit_records(members, world.cases[0], edit)
    edited = json.loads(dict(hostile)[records_member(world.cases[0])])["records"][0]
    manifest["records"] = [
        {**r, "rev": edited["rev"]} if r["id"] == edited["id"] else r for r in manifest["records"]
    ]
    return world.consistent(manifest, hostile), "malformed (body)"


@case
def records_member_of_another_case(world: World) -> tuple[bytes, str]:
    manifest, members = world.parts.fresh()
    first, second = records_member(world.cases[0]), records_member(world.cases[1])
    swapped = {first: dict(members)[second], second: dict(members)[first]}
    hostile = [(n, swapped.get(n, d)) for n, d in members]
    return world.consistent(manifest, hostile), "malformed (records member)"


@case
def child_record_of_a_case_the_bundle_lacks(world: World) -> tuple[bytes, str]:
    manifest, members = world.parts.fresh()
    case_id = world.cases[1]

    def edit(doc: dict[str, Any]) -> None:
        doc["records"] = [r for r in doc["records"] if r["kind"] != "case"]

    manifest["records"] = [r for r in manifest["records"] if r["id"] != case_id]
    hostile = edit_records(members, case_id, edit)
    return world.consistent(manifest, hostile), "belongs to a case it does not hold"


@case
def record_reusing_the_id_of_a_local_record_of_another_kind(world: World) -> tuple[bytes, str]:
    manifest, members = world.parts.fresh()
    case_id = world.cases[1]
    refs = {r["id"]: r for r in manifest["records"]}

    def edit(doc: dict[str, Any]) -> None:
        person = next(r for r in doc["records"] if r["kind"] == "person")
        old = person["id"]
        person["id"] = world.coord_case  # the coordinator's own case record
        rehash(person)
        refs[person["id"]] = {**refs.pop(old), "id": person["id"], "rev": person["rev"]}

    hostile = edit_records(members, case_id, edit)
    manifest["records"] = list(refs.values())
    return world.consistent(manifest, hostile), "clashes with a different local record"


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_bundle_with_hostile_records_is_refused(world: World, reject: Reject, name: str) -> None:
    data, fragment = CASES[name](world)
    reject(data, fragment)
