"""Merging bundles: newer wins, older is ignored, both-sides edits become conflicts.

A field laptop and a coordinator that trust each other both ways, made once;
each test works on cases of its own, so the tests do not depend on each other.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from intake_desktop.core.bundle import importer, merge
from intake_desktop.core.bundle.importer import ImportResult
from intake_desktop.core.cases import CaseStore
from intake_desktop.core.errors import BundleRejected, InvalidInput
from intake_desktop.core.records import RecordStore
from intake_desktop.core.vault import Vault
from tests.bundle_forge import RICH_CASE, cli_env
from tests.cli.in_process import run_in_process
from tests.core.conftest import Pair
from tests.helpers import MINIMAL_CASE


def doc(vault: Vault, case_id: str) -> dict[str, Any]:
    return CaseStore(vault).document(case_id)


def retitle(vault: Vault, case_id: str, title: str) -> None:
    CaseStore(vault).update_case(case_id, {"title": title})


def counts(**given: int) -> dict[str, int]:
    return {"new": 0, "updated": 0, "unchanged": 0, "older": 0, "conflict": 0, **given}


def test_a_new_case_arrives_whole(pair: Pair) -> None:
    case_id = CaseStore(pair.field).add_case(RICH_CASE)
    result = pair.ship(pair.field, pair.coord, case_id)
    records = RecordStore(pair.field).of_case(case_id)
    assert result.counts == counts(new=len(records))
    assert doc(pair.coord, case_id) == doc(pair.field, case_id)
    assert RecordStore(pair.coord).of_case(case_id) == records


def test_a_newer_version_replaces_the_older_one(pair: Pair) -> None:
    case_id = CaseStore(pair.field).add_case(MINIMAL_CASE)
    pair.ship(pair.field, pair.coord, case_id)
    retitle(pair.field, case_id, "Ahmadzai family (Peshawar)")
    result = pair.ship(pair.field, pair.coord, case_id)
    assert result.counts == counts(updated=1, unchanged=3)
    assert doc(pair.coord, case_id)["title"] == "Ahmadzai family (Peshawar)"
    assert doc(pair.coord, case_id) == doc(pair.field, case_id)
    assert RecordStore(pair.coord).get(case_id) == RecordStore(pair.field).get(case_id)


def test_an_older_version_is_ignored(pair: Pair) -> None:
    case_id = CaseStore(pair.field).add_case(MINIMAL_CASE)
    old_bundle, _ = pair.export(pair.field, pair.coord, case_id)
    retitle(pair.field, case_id, "Renamed later")
    pair.ship(pair.field, pair.coord, case_id)
    result = importer.import_bundle(pair.coord, old_bundle)
    assert result.status == importer.MERGED
    assert result.counts == counts(older=1, unchanged=3)
    assert result.sequence_note.startswith("out of order")
    assert doc(pair.coord, case_id)["title"] == "Renamed later"
    assert doc(pair.coord, case_id)["version"] == 2


def test_a_deletion_travels_as_a_newer_version(pair: Pair) -> None:
    case_id = CaseStore(pair.field).add_case(RICH_CASE)
    pair.ship(pair.field, pair.coord, case_id)
    statement = CaseStore(pair.field).children(case_id, "statement")[0]
    with pair.field.transaction():
        RecordStore(pair.field).delete(statement.id)
    result = pair.ship(pair.field, pair.coord, case_id)
    assert result.counts["updated"] == 1
    assert doc(pair.coord, case_id)["statements"] == []
    assert RecordStore(pair.coord).get(statement.id).deleted  # type: ignore[union-attr]


def conflicting_case(pair: Pair) -> tuple[str, ImportResult]:
    """A case both sides retitled after the same version; the field's copy arrives."""
    case_id = CaseStore(pair.field).add_case(MINIMAL_CASE)
    pair.ship(pair.field, pair.coord, case_id)
    retitle(pair.field, case_id, "Title from the field")
    retitle(pair.coord, case_id, "Title from the office")
    return case_id, pair.ship(pair.field, pair.coord, case_id)


def open_conflicts(vault: Vault, case_id: str) -> list[merge.Conflict]:
    return [c for c in merge.conflicts(vault) if c.case_id == case_id]


def test_an_edit_on_both_sides_becomes_a_conflict_and_the_local_version_stays(
    pair: Pair,
) -> None:
    local_before = RecordStore(pair.coord).get(CaseStore(pair.coord).add_case(MINIMAL_CASE))
    assert local_before is not None
    case_id, result = conflicting_case(pair)
    assert result.counts == counts(conflict=1, unchanged=3)
    assert doc(pair.coord, case_id)["title"] == "Title from the office"
    (conflict,) = open_conflicts(pair.coord, case_id)
    assert conflict.record_id == case_id
    assert conflict.local == RecordStore(pair.coord).get(case_id)
    assert conflict.incoming == RecordStore(pair.field).get(case_id)
    # The same edit arriving again (a new bundle) is not a second conflict.
    again = pair.ship(pair.field, pair.coord, case_id)
    assert again.counts == counts(conflict=1, unchanged=3)
    assert len(open_conflicts(pair.coord, case_id)) == 1
    # And the command line lists it.
    listed = run_in_process("conflicts", "list", "--json", env=cli_env(pair.coord.path))
    assert listed.returncode == 0, listed.stderr
    (shown,) = [c for c in json.loads(listed.stdout) if c["case_id"] == case_id]
    assert shown["id"] == conflict.id and shown["kind"] == "case"
    assert shown["local"]["body"]["title"] == "Title from the office"
    assert shown["incoming"]["body"]["title"] == "Title from the field"
    assert (shown["local"]["version"], shown["incoming"]["version"]) == (2, 2)


def test_keep_incoming_then_a_re_export_from_the_field_does_not_conflict_again(
    pair: Pair,
) -> None:
    case_id, _ = conflicting_case(pair)
    (conflict,) = open_conflicts(pair.coord, case_id)
    settled = run_in_process(
        "conflicts", "resolve", str(conflict.id), "--keep", "incoming",
        env=cli_env(pair.coord.path),
    )  # fmt: skip
    assert settled.returncode == 0, settled.stderr
    assert doc(pair.coord, case_id)["title"] == "Title from the field"
    assert doc(pair.coord, case_id)["version"] == 3
    assert open_conflicts(pair.coord, case_id) == []
    # The field sends its (unchanged) copy again: older than the resolution.
    again = pair.ship(pair.field, pair.coord, case_id)
    assert again.counts == counts(older=1, unchanged=3)
    assert open_conflicts(pair.coord, case_id) == []
    # The resolution goes back to the field as a plain update; then all agree.
    back = pair.ship(pair.coord, pair.field, case_id)
    assert back.counts == counts(updated=1, unchanged=3)
    assert doc(pair.field, case_id) == doc(pair.coord, case_id)
    assert pair.ship(pair.field, pair.coord, case_id).counts == counts(unchanged=4)


def test_keep_local_settles_the_conflict_on_both_sides(pair: Pair) -> None:
    case_id, _ = conflicting_case(pair)
    (conflict,) = open_conflicts(pair.coord, case_id)
    kept = merge.resolve(pair.coord, conflict.id, "local")
    assert kept.body["title"] == "Title from the office" and kept.version == 3
    assert pair.ship(pair.field, pair.coord, case_id).counts == counts(older=1, unchanged=3)
    assert pair.ship(pair.coord, pair.field, case_id).counts == counts(updated=1, unchanged=3)
    assert doc(pair.field, case_id)["title"] == "Title from the office"
    assert open_conflicts(pair.coord, case_id) == open_conflicts(pair.field, case_id) == []


def test_a_gap_and_a_replay_in_the_sequence_are_reported_but_merged(pair: Pair) -> None:
    first = CaseStore(pair.field).add_case(MINIMAL_CASE)
    in_order = pair.ship(pair.field, pair.coord, first)
    assert in_order.sequence_note in ("in order", "first")
    missed_case = CaseStore(pair.field).add_case(MINIMAL_CASE)
    missed, missed_export = pair.export(pair.field, pair.coord, missed_case)
    late_case = CaseStore(pair.field).add_case(RICH_CASE)
    after_gap, late_export = pair.export(pair.field, pair.coord, late_case)
    assert late_export.sequence == missed_export.sequence + 1 == in_order.sequence + 2
    # Through the command line: ``import --json`` carries the note.
    shown = run_in_process("import", str(after_gap), "--json", env=cli_env(pair.coord.path))
    assert shown.returncode == 0, shown.stderr
    result = json.loads(shown.stdout)
    assert result["status"] == "merged"
    assert result["sequence"] == late_export.sequence
    n = missed_export.sequence
    assert result["sequence_note"] == f"gap: bundle {n} not received"
    assert doc(pair.coord, late_case) == doc(pair.field, late_case)
    replay = importer.import_bundle(pair.coord, missed)
    assert replay.status == importer.MERGED
    assert replay.sequence_note == f"out of order: bundle {n} arrived after {n + 1}"
    assert doc(pair.coord, missed_case) == doc(pair.field, missed_case)
    # The very same bundle once more is a no-op, not a new arrival.
    assert importer.import_bundle(pair.coord, missed).status == importer.ALREADY_IMPORTED


def test_a_damaged_copy_of_an_imported_bundle_is_refused_not_called_imported(
    pair: Pair,
) -> None:
    case_id = CaseStore(pair.field).add_case(MINIMAL_CASE)
    path, _ = pair.export(pair.field, pair.coord, case_id)
    assert importer.import_bundle(pair.coord, path).status == importer.MERGED
    data = path.read_bytes()
    damaged = path.with_name("damaged.intake")
    for copy in (data[:-20], data[:-17] + bytes([data[-17] ^ 1]) + data[-16:]):
        damaged.write_bytes(copy)
        with pytest.raises(BundleRejected, match="damaged or truncated"):
            importer.import_bundle(pair.coord, damaged)
    assert importer.import_bundle(pair.coord, path).status == importer.ALREADY_IMPORTED


# Field by field (issue 14, item 8): mine for some fields, theirs for others, one version


def person_conflict(pair: Pair, local: dict[str, Any], incoming: dict[str, Any]) -> merge.Conflict:
    """The case's second person edited on both sides; the field's copy arrives at the office."""
    case_id = CaseStore(pair.field).add_case(RICH_CASE)
    pair.ship(pair.field, pair.coord, case_id)
    person = CaseStore(pair.field).children(case_id, "person")[1]
    for vault, change in ((pair.field, incoming), (pair.coord, local)):
        record = RecordStore(vault).require(person.id)
        with vault.transaction():
            RecordStore(vault).update(person.id, {**record.body, **change})
    pair.ship(pair.field, pair.coord, case_id)
    (conflict,) = open_conflicts(pair.coord, case_id)
    return conflict


def audited(vault: Vault, record_id: str) -> list[str]:
    rows = vault.conn.execute(
        "SELECT action FROM audit_log WHERE record_id = ? ORDER BY seq", (record_id,)
    )
    return [r[0] for r in rows]


def test_a_conflict_is_resolved_field_by_field_into_one_version_both_sides_accept(
    pair: Pair,
) -> None:
    conflict = person_conflict(
        pair,
        local={"full_name": "Najib Rahimy", "place_of_birth": "Kandahar"},
        incoming={"full_name": "Najibullah Rahimi", "notes": "Seen in Herat."},
    )
    before = conflict.local
    merged = merge.resolve_fields(pair.coord, conflict.id, ["full_name", "notes"])
    assert merged.body == {
        **before.body,
        "full_name": "Najibullah Rahimi",  # theirs
        "notes": "Seen in Herat.",  # theirs
        "place_of_birth": "Kandahar",  # mine
    }
    assert merged.version == max(before.version, conflict.incoming.version) + 1
    assert RecordStore(pair.coord).require(conflict.record_id) == merged
    assert {before.rev, conflict.incoming.rev} <= set(merged.history)
    assert open_conflicts(pair.coord, conflict.case_id) == []
    closed = pair.coord.conn.execute(
        "SELECT resolved, body FROM conflicts WHERE id = ?", (conflict.id,)
    ).fetchone()
    assert closed == (1, "{}")  # closed, and its copy of the record not kept
    assert audited(pair.coord, conflict.record_id)[-1] == "conflict.keep_fields"
    # The field's copy is older now; the merged version travels back as an update.
    again = pair.ship(pair.field, pair.coord, conflict.case_id)
    assert again.counts["older"] == 1 and again.counts["conflict"] == 0
    back = pair.ship(pair.coord, pair.field, conflict.case_id)
    assert back.counts["updated"] == 1 and back.counts["conflict"] == 0
    assert RecordStore(pair.field).require(conflict.record_id).body == merged.body


def test_choices_that_cannot_be_written_are_refused_and_change_nothing(pair: Pair) -> None:
    # Theirs drops the other names for a full name, mine the full name for
    # another spelling: their names with my (empty) full name leave no name.
    conflict = person_conflict(
        pair,
        local={"names": [{"text": "نجیب‌الله رحیمی", "script": "arabic", "kind": "alias"}]},
        incoming={"full_name": "Najibullah Rahimi", "names": []},
    )
    before = RecordStore(pair.coord).require(conflict.record_id)
    for take, message in (
        (["names"], "no valid record"),
        (["no_such_field"], "has no field no_such_field"),
    ):
        with pytest.raises(InvalidInput, match=message):
            merge.resolve_fields(pair.coord, conflict.id, take)
        assert RecordStore(pair.coord).require(conflict.record_id) == before
        assert [c.id for c in open_conflicts(pair.coord, conflict.case_id)] == [conflict.id]
    merged = merge.resolve_fields(pair.coord, conflict.id, ["full_name", "names"])
    assert (merged.body["full_name"], merged.body["names"]) == ("Najibullah Rahimi", [])


def test_a_record_deleted_on_one_side_is_not_merged_field_by_field(pair: Pair) -> None:
    case_id = CaseStore(pair.field).add_case(RICH_CASE)
    pair.ship(pair.field, pair.coord, case_id)
    statement = CaseStore(pair.field).children(case_id, "statement")[0]
    with pair.field.transaction():
        RecordStore(pair.field).delete(statement.id)
    with pair.coord.transaction():
        RecordStore(pair.coord).update(statement.id, {**statement.body, "place": "Quetta"})
    pair.ship(pair.field, pair.coord, case_id)
    (conflict,) = open_conflicts(pair.coord, case_id)
    with pytest.raises(InvalidInput, match="kept or deleted whole"):
        merge.resolve_fields(pair.coord, conflict.id, ["place"])
    assert RecordStore(pair.coord).require(statement.id).body["place"] == "Quetta"
    assert merge.resolve(pair.coord, conflict.id, "incoming").deleted


def test_a_stale_conflict_resolved_field_by_field_writes_nothing_back(pair: Pair) -> None:
    """The rule of issue 13 holds here too: never write a revision already superseded."""
    vault = pair.coord
    case_id = CaseStore(vault).add_case(MINIMAL_CASE)
    first = RecordStore(vault).require(case_id)
    retitle(vault, case_id, "The newer title")
    current = RecordStore(vault).require(case_id)
    with vault.transaction():
        vault.conn.execute(
            "INSERT INTO conflicts (record_id, case_id, kind, version, rev, history, body,"
            " updated_at, updated_by, deleted, bundle_id, received_at)"
            " VALUES (?, ?, 'case', ?, ?, '[]', ?, ?, 'x', 0, 'b', ?)",
            (case_id, case_id, first.version, first.rev, json.dumps(first.body),
             first.updated_at, first.updated_at),
        )  # fmt: skip
    (stale,) = open_conflicts(vault, case_id)
    assert merge.resolve_fields(vault, stale.id, ["title"]) == current
    assert RecordStore(vault).require(case_id) == current
    assert open_conflicts(vault, case_id) == []
    assert audited(vault, case_id)[-1] == "conflict.superseded"


def test_the_command_line_takes_chosen_fields_from_the_incoming_version(pair: Pair) -> None:
    case_id = CaseStore(pair.field).add_case(MINIMAL_CASE)
    pair.ship(pair.field, pair.coord, case_id)
    with pair.field.transaction():
        body = RecordStore(pair.field).require(case_id).body
        RecordStore(pair.field).update(case_id, {**body, "title": "From the field", "notes": "F"})
    with pair.coord.transaction():
        body = RecordStore(pair.coord).require(case_id).body
        RecordStore(pair.coord).update(case_id, {**body, "title": "From the office", "notes": "O"})
    pair.ship(pair.field, pair.coord, case_id)
    (conflict,) = open_conflicts(pair.coord, case_id)
    env = cli_env(pair.coord.path)
    # Refused whole, changing nothing: a field a case does not have, or no field at all.
    for take in ("title,no_such_field", " , "):
        refused = run_in_process("conflicts", "resolve", str(conflict.id), "--take", take, env=env)
        assert refused.returncode == 6, refused.stderr
        assert open_conflicts(pair.coord, case_id) == [conflict]
    both = run_in_process(
        "conflicts", "resolve", str(conflict.id), "--keep", "local", "--take", "title", env=env
    )
    assert both.returncode == 2  # one way of settling at a time
    settled = run_in_process("conflicts", "resolve", str(conflict.id), "--take", "title", env=env)
    assert settled.returncode == 0, settled.stderr
    assert settled.stdout.decode().startswith("Took title from the incoming version")
    merged = doc(pair.coord, case_id)
    assert (merged["title"], merged["notes"], merged["version"]) == ("From the field", "O", 3)
    assert open_conflicts(pair.coord, case_id) == []
