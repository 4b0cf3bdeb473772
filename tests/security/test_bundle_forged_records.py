"""Signed but hostile records: a trusted insider's bundle whose records lie.

The records members are edited and the manifest (and checksum file) made
consistent again and signed with the field laptop's real key, so only the
record-level checks stand between the bundle and the coordinator's vault:
revision hashes, the manifest's record list, validation, case ownership,
id clashes, references between records, attachments and number ranges.
Each is refused (exit code 8) with the coordinator unchanged.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from intake_desktop.core.bundle.format import encode_records, records_member
from intake_desktop.core.model import KINDS, validate
from intake_desktop.core.records import Record, compute_rev
from tests.bundle_forge import cli_env, edit_records, rehash
from tests.cli.in_process import run_in_process
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


def relisted(manifest: dict[str, Any], records: list[dict[str, Any]]) -> None:
    """Give the manifest's record list the versions and revisions of ``records``."""
    edited = {r["id"]: r for r in records}
    manifest["records"] = [
        {**ref, "version": edited[ref["id"]]["version"], "rev": edited[ref["id"]]["rev"]}
        if ref["id"] in edited
        else ref
        for ref in manifest["records"]
    ]


def retargeted(world: World, kind: str, field: str, target: str) -> tuple[bytes, str]:
    """The rich case's ``kind`` record pointing ``field`` at ``target``, re-hashed and signed."""
    manifest, members = world.parts.fresh()
    changed: list[dict[str, Any]] = []

    def edit(doc: dict[str, Any]) -> None:
        record = next(r for r in doc["records"] if r["kind"] == kind)
        record["body"][field] = target
        rehash(record)
        changed.append(record)

    hostile = edit_records(members, world.cases[1], edit)
    relisted(manifest, changed)
    return world.consistent(manifest, hostile), "not in its case"


@case
def relationship_to_a_person_of_another_case(world: World) -> tuple[bytes, str]:
    return retargeted(world, "relationship", "relative", world.coord_person)


@case
def relationship_to_an_id_that_does_not_exist(world: World) -> tuple[bytes, str]:
    return retargeted(world, "relationship", "person", str(uuid.uuid4()))


@case
def statement_by_a_speaker_of_another_case(world: World) -> tuple[bytes, str]:
    return retargeted(world, "statement", "speaker", world.coord_person)


@case
def records_filed_under_a_person_as_if_it_were_a_case(world: World) -> tuple[bytes, str]:
    """A claim "in the case" whose id is a person's: stored, shown nowhere, never exported."""
    manifest, members = world.parts.fresh()
    person = next(
        r for r in manifest["records"] if r["kind"] == "person" and r["case_id"] == world.cases[0]
    )
    owner = person["id"]
    claim = Record(
        str(uuid.uuid4()), owner, "claim", 1, "", (),
        validate(KINDS["claim"], {"kind": "other", "summary": "hidden"}),
        "2026-11-01T00:00:00.000000Z", "2026-11-01T00:00:00.000000Z", "insider",
    )  # fmt: skip
    claim = replace(claim, rev=compute_rev(claim, None))
    member = encode_records(owner, [claim])
    manifest["records"].append(
        {"id": claim.id, "kind": "claim", "case_id": owner, "version": 1, "rev": claim.rev}
    )
    last_records = max(i for i, (name, _) in enumerate(members) if name.startswith("records/"))
    members.insert(last_records + 1, (records_member(owner), member))
    return world.consistent(manifest, members), "belongs to a case it does not hold"


def with_version(world: World, version: int) -> tuple[bytes, str]:
    manifest, members = world.parts.fresh()
    changed: list[dict[str, Any]] = []

    def edit(doc: dict[str, Any]) -> None:
        record = doc["records"][0]
        record["version"] = version
        rehash(record)
        changed.append(record)

    hostile = edit_records(members, world.cases[0], edit)
    relisted(manifest, changed)
    return world.consistent(manifest, hostile), "malformed"


@case
def record_version_at_two_to_the_63(world: World) -> tuple[bytes, str]:
    return with_version(world, 2**63)


@case
def record_version_at_the_largest_sqlite_integer(world: World) -> tuple[bytes, str]:
    """It would merge, and the record could never be edited again."""
    return with_version(world, 2**63 - 1)


@case
def bundle_sequence_at_two_to_the_63(world: World) -> tuple[bytes, str]:
    manifest, members = world.parts.fresh()
    manifest["sequence"] = 2**63
    return world.consistent(manifest, members), "malformed (sequence)"


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_bundle_with_hostile_records_is_refused(world: World, reject: Reject, name: str) -> None:
    data, fragment = CASES[name](world)
    reject(data, fragment)


def test_an_attachment_of_another_case_cannot_be_claimed_nor_probed(
    world: World, reject: Reject
) -> None:
    """Evidence naming a file the coordinator holds, without carrying it, is refused
    with the very words used for a file it does not hold: nothing is learnt."""
    messages = []
    for claimed in (world.coord_attachment, "ab" * 32):
        manifest, members = world.parts.fresh()
        changed: list[dict[str, Any]] = []

        def edit(doc: dict[str, Any], claimed: str = claimed, changed: list[Any] = changed) -> None:
            evidence = next(r for r in doc["records"] if r["kind"] == "evidence")
            evidence["body"]["attachments"][0]["sha256"] = claimed
            rehash(evidence)
            changed.append(evidence)

        hostile = edit_records(members, world.cases[0], edit)
        hostile = [m for m in hostile if not m[0].startswith("attachments/")]
        relisted(manifest, changed)
        messages.append(reject(world.consistent(manifest, hostile), "lacks an attachment"))
    assert messages[0] == messages[1]


def test_a_forged_huge_version_exits_8_on_the_command_line(world: World) -> None:
    data, _ = with_version(world, 2**63)
    path = world.write(data, "huge-version.intake")
    done = run_in_process("import", str(path), env=cli_env(world.coord.path))
    assert done.returncode == 8, done.stderr
    assert b"internal error" not in done.stderr
