"""The manifest and record parsers on hostile input: strict, and only ever BundleRejected.

Both parse bytes anyone holding the coordinator's age recipient can write
(the manifest is parsed before its signature is checked, to find the key),
so no input may raise anything but ``BundleRejected``.
"""

from __future__ import annotations

import copy
import hashlib
import json
import uuid
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from intake_desktop.core.bundle.format import (
    CHECKSUMS,
    FORMAT,
    Manifest,
    Member,
    Producer,
    RecipientRef,
    RecordRef,
    attachment_member,
    encode_records,
    parse_manifest,
    parse_records,
    records_member,
)
from intake_desktop.core.bundle.merge import record_from_bundle
from intake_desktop.core.errors import BundleRejected
from intake_desktop.core.model import KINDS, validate
from intake_desktop.core.records import Record, compute_rev

CASE_ID = "3f1c2a4e-8b7d-4c6a-9e2f-1a2b3c4d5e6f"
SHA = hashlib.sha256(b"scan").hexdigest()
NOW = "2024-03-02T10:00:00.000000Z"
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def new_record(kind: str, content: dict[str, Any], **changes: Any) -> Record:
    record_id = CASE_ID if kind == "case" else str(uuid.uuid4())
    body = validate(KINDS[kind], content)
    record = Record(record_id, CASE_ID, kind, 1, "", (), body, NOW, NOW, "x")
    record = Record(**{**record.__dict__, "rev": compute_rev(record, None)})
    if changes:  # a later version, as RecordStore makes it
        later = Record(**{**record.__dict__, **changes, "version": 2, "history": (record.rev,)})
        record = Record(**{**later.__dict__, "rev": compute_rev(later, record.rev)})
    return record


RECORDS = [
    new_record("case", {"title": "Ahmadzai family", "route": "humanitarian_parole"}),
    new_record("person", {"full_name": "محمد نور احمدزی", "role": "beneficiary"}),
    new_record(
        "evidence",
        {"attachments": [{"sha256": SHA, "filename": "a.pdf", "media_type": "x", "size": 4}]},
    ),
    new_record("statement", {"language": "fa-AF", "text": "ما از کابل آمدیم\nدوم"}),
    new_record("claim", {"kind": "medical"}, deleted=True, body={}),
]
RAW_RECORDS: list[dict[str, Any]] = json.loads(encode_records(CASE_ID, RECORDS))["records"]

MANIFEST = Manifest(
    bundle_id=str(uuid.uuid4()),
    created_at=NOW,
    producer=Producer(str(uuid.uuid4()), "Kandahar laptop", "RWQ" + "A" * 53, "AAAA-BBBB"),
    sequence=3,
    previous_manifest_sha256=hashlib.sha256(b"previous").hexdigest(),
    recipients=(RecipientRef("Office", "age1" + "q" * 58, "CCCC-DDDD"),),
    records=tuple(RecordRef(r.id, r.kind, r.case_id, r.version, r.rev) for r in RECORDS),
    members=(
        Member(records_member(CASE_ID), 1234, hashlib.sha256(b"r").hexdigest()),
        Member(attachment_member(SHA), 4, SHA),
        Member(CHECKSUMS, 200, hashlib.sha256(b"c").hexdigest()),
    ),
)
MANIFEST_DOC: dict[str, Any] = json.loads(MANIFEST.encode())


def encode(doc: Any) -> bytes:
    return json.dumps(doc, ensure_ascii=False).encode("utf-8", "surrogatepass")


def rejected(data: bytes) -> str:
    with pytest.raises(BundleRejected) as info:
        parse_manifest(data)
    message = str(info.value)
    assert message.isprintable(), message
    return message


# Examples


def test_a_manifest_round_trips() -> None:
    assert parse_manifest(MANIFEST.encode()) == MANIFEST
    assert json.loads(MANIFEST.encode())["format"] == FORMAT


def test_the_record_seeds_are_accepted_as_they_are() -> None:
    by_id = {r.id: r for r in RECORDS}
    assert RAW_RECORDS[0]["kind"] == "case"  # the case comes first
    for raw in RAW_RECORDS:
        assert record_from_bundle(copy.deepcopy(raw), CASE_ID).record == by_id[raw["id"]]
    assert parse_records(encode_records(CASE_ID, RECORDS), CASE_ID) == RAW_RECORDS


@pytest.mark.parametrize("version", [2, 0, "1", 1.0, True, None, [1], 10**30])
def test_only_format_version_1_is_read(version: Any) -> None:
    doc = {**MANIFEST_DOC, "version": version}
    assert "format version" in rejected(encode(doc))


@pytest.mark.parametrize("fmt", [None, "intake-desktop-records", "INTAKE-DESKTOP-BUNDLE", 1])
def test_other_formats_are_not_bundles(fmt: Any) -> None:
    assert "not an intake-desktop bundle" in rejected(encode({**MANIFEST_DOC, "format": fmt}))


@pytest.mark.parametrize(
    "path",
    [
        "../records/x.json",
        "/etc/passwd",
        "records/../../x.json",
        "records/not-a-uuid.json",
        f"records/{CASE_ID}.json/x",
        "attachments/" + "0" * 64,  # not the member's own hash
        "manifest.json",
        "SHA256SUMS/../x",
        "attachments/" + SHA.upper(),
        "records/é.json",
    ],
)
def test_unexpected_member_paths_are_refused(path: str) -> None:
    doc = copy.deepcopy(MANIFEST_DOC)
    doc["members"][1]["path"] = path
    message = rejected(encode(doc))
    assert "unexpected member" in message
    assert message.isascii()


@pytest.mark.parametrize("path", ["records/\x1b[31m.json", "records/\u202e.json", "a\nb"])
def test_a_path_with_control_characters_is_refused_without_echoing_them(path: str) -> None:
    doc = copy.deepcopy(MANIFEST_DOC)
    doc["members"][1]["path"] = path
    assert "malformed (members.path)" in rejected(encode(doc))


def test_entries_listed_twice_are_refused() -> None:
    doc = copy.deepcopy(MANIFEST_DOC)
    doc["members"].append(doc["members"][0])
    assert "member twice" in rejected(encode(doc))
    doc = copy.deepcopy(MANIFEST_DOC)
    doc["records"].append(doc["records"][1])
    assert "record twice" in rejected(encode(doc))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("sequence", 0),
        ("sequence", True),
        ("sequence", "3"),
        ("bundle_id", "not-a-uuid"),
        ("created_at", "x" * 41),
        ("created_at", "line\nbreak"),
        ("previous_manifest_sha256", "00"),
        ("recipients", [{}] * 65),
        ("members", {}),
    ],
)
def test_malformed_fields_are_refused(field: str, value: Any) -> None:
    assert "malformed" in rejected(encode({**MANIFEST_DOC, field: value}))


@pytest.mark.parametrize(
    "data",
    [b"", b"\xff\xfe", b"[]", b"null", b"{", b"1" * 5000, b"[" * 100_000, b'{"a": NaN}'],
)
def test_garbage_is_refused(data: bytes) -> None:
    rejected(data)


# Properties


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True)
    | st.text(max_size=20)
    | st.sampled_from([CASE_ID, SHA, NOW, "", "records/x.json", -1, 2**64, 1.0]),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)


def paths(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(doc, dict):
        for key, value in doc.items():
            found += paths(value, (*prefix, key))
    elif isinstance(doc, list):
        for i, value in enumerate(doc):
            found += paths(value, (*prefix, i))
    return found


@st.composite
def mutated(draw: st.DrawFn, seed: Any) -> Any:
    """``seed`` with one to four changes anywhere: replaced, removed, added, duplicated."""
    doc = copy.deepcopy(seed)
    for _ in range(draw(st.integers(1, 4))):
        path = draw(st.sampled_from(paths(doc)))
        if not path:
            doc = draw(json_values) if draw(st.booleans()) else doc
            continue
        parent = doc
        for step in path[:-1]:
            parent = parent[step]
        key = path[-1]
        action = draw(st.sampled_from(["replace", "remove", "add", "duplicate"]))
        if action == "replace":
            parent[key] = draw(json_values)
        elif action == "remove":
            del parent[key]
        elif action == "add" and isinstance(parent, dict):
            parent[draw(st.text(max_size=10))] = draw(json_values)
        elif action == "add":
            parent.insert(key, draw(json_values))
        elif isinstance(parent, list):
            parent.append(copy.deepcopy(parent[key]))
        else:
            parent[key] = [parent[key], copy.deepcopy(parent[key])]
    return doc


def parses_or_rejects(data: bytes) -> None:
    try:
        parse_manifest(data)
    except BundleRejected as exc:
        assert str(exc).isprintable()


@SETTINGS
@given(mutated(MANIFEST_DOC))
def test_a_mutated_manifest_parses_or_is_rejected(doc: Any) -> None:
    parses_or_rejects(encode(doc))


@SETTINGS
@given(st.data())
def test_manifest_bytes_mutated_parse_or_are_rejected(data: st.DataObject) -> None:
    raw = bytearray(MANIFEST.encode())
    for _ in range(data.draw(st.integers(1, 8))):
        at = data.draw(st.integers(0, len(raw) - 1))
        action = data.draw(st.sampled_from(["flip", "insert", "delete", "cut"]))
        if action == "flip":
            raw[at] ^= data.draw(st.integers(1, 255))
        elif action == "insert":
            raw[at:at] = data.draw(st.binary(min_size=1, max_size=8))
        elif action == "delete":
            del raw[at]
        else:
            del raw[at:]
            break
    parses_or_rejects(bytes(raw))


@SETTINGS
@given(st.binary(max_size=300) | json_values.map(encode))
def test_random_input_is_rejected(data: bytes) -> None:
    assume(data != MANIFEST.encode())
    with pytest.raises(BundleRejected):
        parse_manifest(data)


def parsed_or_rejected(raw: Any) -> Record | None:
    try:
        return record_from_bundle(raw, CASE_ID).record
    except BundleRejected as exc:
        assert str(exc).isprintable()
        return None


@SETTINGS
@given(st.sampled_from(range(len(RAW_RECORDS))).flatmap(lambda i: mutated(RAW_RECORDS[i])))
def test_a_mutated_record_is_rejected_or_unchanged(raw: Any) -> None:
    record = parsed_or_rejected(raw)
    if record is not None:  # only a change the revision hash does not cover
        assert record in RECORDS or record.body in [r.body for r in RECORDS]


@SETTINGS
@given(
    st.sampled_from(range(len(RAW_RECORDS))).flatmap(
        lambda i: st.tuples(st.just(i), mutated(RAW_RECORDS[i]["body"]))
    )
)
def test_a_record_with_a_mutated_body_and_a_matching_hash_is_valid_or_rejected(
    case: tuple[int, Any],
) -> None:
    """The revision hash recomputed, so the body's own validation is what decides."""
    index, body = case
    raw = copy.deepcopy(RAW_RECORDS[index])
    raw["body"] = body
    try:
        record = Record(**{**raw, "history": tuple(raw["history"])})
        raw["rev"] = compute_rev(record, raw["history"][-1] if raw["history"] else None)
    except (TypeError, ValueError):
        return  # not even hashable as JSON: the producer could not have signed it
    record = parsed_or_rejected(raw)
    if record is not None and not record.deleted:
        assert record.rev == raw["rev"]
        assert validate(KINDS[record.kind], record.body) == record.body


def test_ids_are_accepted_in_canonical_lower_case_only() -> None:
    from intake_desktop.core.fields import is_uuid

    canonical = "6f1d6c8e-2c1b-4d4e-9a55-0f3c1c1d2e3f"
    assert is_uuid(canonical)
    # Two spellings of one UUID would be two different rows.
    assert not is_uuid(canonical.upper())
    assert not is_uuid(canonical.replace("-", ""))
