"""Signed but hostile: bundles built from parts by a sender the coordinator may trust.

The insider holds the field laptop's real minisign secret, so the signature
verifies; everything the bundle says must still be checked. Each variant is
refused (exit code 8) with the coordinator unchanged, except a bundle from an
unknown signer, which is quarantined and nothing else.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from intake_desktop.core import identity
from intake_desktop.core.bundle import importer, quarantine
from intake_desktop.core.bundle.format import MANIFEST, SIGNATURE
from intake_desktop.core.cases import CaseStore
from intake_desktop.core.errors import BundleRejected
from intake_desktop.core.trust import TrustStore
from tests.bundle_forge import (
    Entry,
    as_producer,
    changed_tables,
    edit_records,
    encode_manifest,
    forge,
    new_signing_key,
    rehash,
    relist,
    sign,
    snapshot,
)
from tests.helpers import make_vault
from tests.security.conftest import Reject, World

Case = Callable[[World], tuple[bytes, str]]
CASES: dict[str, Case] = {}


def case(function: Case) -> Case:
    CASES[function.__name__] = function
    return function


# Who signed, and what the signature covers


@case
def signed_by_another_key_naming_the_trusted_one(world: World) -> tuple[bytes, str]:
    manifest, members = world.parts.fresh()
    stranger, _ = new_signing_key()
    return forge(stranger, manifest, members, world.coord_keys.age_recipient), "does not verify"


@case
def manifest_changed_after_signing(world: World) -> tuple[bytes, str]:
    manifest, members = world.parts.fresh()
    signature = sign(world.field_keys.minisign_secret(), encode_manifest(manifest))
    manifest["producer"]["name"] = "Someone else"
    return world.insider(manifest, members, signature=signature), "does not verify"


@case
def trusted_comment_altered(world: World) -> tuple[bytes, str]:
    manifest, members = world.parts.fresh()
    text = encode_manifest(manifest)
    signature = sign(world.field_keys.minisign_secret(), text, "sequence 1")
    signature = signature.replace(b"sequence 1", b"sequence 9")
    kw = {"manifest_bytes": text, "signature": signature}
    return world.insider(manifest, members, **kw), "does not verify"


@case
def producer_fingerprint_not_of_its_key(world: World) -> tuple[bytes, str]:
    manifest, members = world.parts.fresh()
    manifest["producer"]["fingerprint"] = "0000-0000-0000-0000-0000-0000"
    return world.insider(manifest, members), "fingerprint does not match"


@case
def signature_is_garbage(world: World) -> tuple[bytes, str]:
    manifest, members = world.parts.fresh()
    kw = {"signature": b"untrusted comment: x\nnot base64\n"}
    return world.insider(manifest, members, **kw), "signature or signing key is malformed"


@case
def signature_is_oversized(world: World) -> tuple[bytes, str]:
    manifest, members = world.parts.fresh()
    return world.insider(manifest, members, signature=b"A" * 5000), "more than the 4096"


@case
def signature_first(world: World) -> tuple[bytes, str]:
    manifest, members = world.parts.fresh()
    text = encode_manifest(manifest)
    head: list[Any] = [
        (SIGNATURE, sign(world.field_keys.minisign_secret(), text)),
        (MANIFEST, text),
    ]
    return world.insider(manifest, members, head=head), "does not start with its manifest"


@case
def signature_missing(world: World) -> tuple[bytes, str]:
    manifest, members = world.parts.fresh()
    head: list[Any] = [(MANIFEST, encode_manifest(manifest))]
    return world.insider(manifest, members, head=head), "not followed by its signature"


# The manifest itself


@case
def unsupported_format_version(world: World) -> tuple[bytes, str]:
    manifest, members = world.parts.fresh()
    manifest["version"] = 2
    return world.insider(manifest, members), "format version 2"


@case
def format_version_true(world: World) -> tuple[bytes, str]:
    manifest, members = world.parts.fresh()
    manifest["version"] = True  # == 1 in Python
    return world.insider(manifest, members), "format version"


@case
def not_our_format(world: World) -> tuple[bytes, str]:
    manifest, members = world.parts.fresh()
    manifest["format"] = "something-else"
    return world.insider(manifest, members), "not an intake-desktop bundle"


@case
def manifest_not_json(world: World) -> tuple[bytes, str]:
    manifest, members = world.parts.fresh()
    kw = {"manifest_bytes": b"\xff\xfe{not json"}
    return world.insider(manifest, members, **kw), "malformed (json)"


@case
def manifest_with_a_huge_number(world: World) -> tuple[bytes, str]:
    manifest, members = world.parts.fresh()
    text = encode_manifest(manifest).replace(b'"sequence": 1', b'"sequence": ' + b"9" * 5000)
    return world.insider(manifest, members, manifest_bytes=text), "malformed (json)"


@case
def manifest_deeply_nested(world: World) -> tuple[bytes, str]:
    manifest, members = world.parts.fresh()
    text = b'{"format": "intake-desktop-bundle", "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    return world.insider(manifest, members, manifest_bytes=text), "malformed"


@case
def manifest_lists_a_member_twice(world: World) -> tuple[bytes, str]:
    manifest, members = world.parts.fresh()
    manifest["members"].append(manifest["members"][0])
    return world.insider(manifest, members), "lists a member twice"


@case
def manifest_lists_a_record_twice(world: World) -> tuple[bytes, str]:
    manifest, members = world.parts.fresh()
    manifest["records"].append(manifest["records"][0])
    return world.insider(manifest, members), "lists a record twice"


@case
def manifest_lists_a_parent_path(world: World) -> tuple[bytes, str]:
    manifest, members = world.parts.fresh()
    members = [("../x" if n.startswith("attachments/") else n, d) for n, d in members]
    manifest["members"] = [
        {**m, "path": "../x"} if m["path"].startswith("attachments/") else m
        for m in manifest["members"]
    ]
    return world.insider(manifest, members), "unexpected member"


# The tar stream


def replace_name(
    members: list[tuple[str, bytes]], prefix: str, entry: Callable[[bytes], Entry]
) -> list[Any]:
    return [entry(d) if n.startswith(prefix) else (n, d) for n, d in members]


@case
def tar_entry_with_parent_path(world: World) -> tuple[bytes, str]:
    manifest, members = world.parts.fresh()
    hostile = replace_name(members, "records/", lambda d: Entry("../records/x.json", d))
    return world.insider(manifest, hostile), "unsafe path"


@case
def tar_entry_with_absolute_path(world: World) -> tuple[bytes, str]:
    manifest, members = world.parts.fresh()
    hostile = [*members[:1], Entry("/etc/cron.d/x", b"* * * * * root true\n"), *members[1:]]
    return world.insider(manifest, hostile), "unsafe path"


@case
def tar_entry_name_in_the_prefix_field(world: World) -> tuple[bytes, str]:
    manifest, members = world.parts.fresh()
    name, data = members[0]
    hostile = [Entry(name.split("/")[1], data, prefix=b"records"), *members[1:]]
    return world.insider(manifest, hostile), "unsafe path"


@pytest.mark.parametrize(
    ("typeflag", "linkname"),
    [(b"2", b"/etc/passwd"), (b"1", b"manifest.json"), (b"5", b""), (b"x", b""), (b"L", b"")],
)
def test_links_directories_and_extended_headers_are_refused(
    world: World, reject: Reject, typeflag: bytes, linkname: bytes
) -> None:
    manifest, members = world.parts.fresh()
    name, data = members[0]
    entry = Entry(name, data, typeflag=typeflag, linkname=linkname)
    reject(world.insider(manifest, [entry, *members[1:]]), "unsupported type")


@case
def extra_member_at_the_end(world: World) -> tuple[bytes, str]:
    manifest, members = world.parts.fresh()
    extra = ("records/00000000-0000-4000-8000-000000000000.json", b"{}")
    return world.insider(manifest, [*members, extra]), "does not list"


@case
def extra_member_in_the_middle(world: World) -> tuple[bytes, str]:
    manifest, members = world.parts.fresh()
    hostile = [*members[:1], ("notes.txt", b"hello"), *members[1:]]
    return world.insider(manifest, hostile), "does not list"


@case
def missing_last_member(world: World) -> tuple[bytes, str]:
    manifest, members = world.parts.fresh()
    return world.insider(manifest, members[:-1]), "lacks the member SHA256SUMS.minisig"


@case
def missing_attachment_member(world: World) -> tuple[bytes, str]:
    manifest, members = world.parts.fresh()
    hostile = [m for m in members if not m[0].startswith("attachments/")]
    return world.insider(manifest, hostile), "out of order or repeated"


@case
def missing_attachment_a_record_needs(world: World) -> tuple[bytes, str]:
    manifest, members = world.parts.fresh()
    hostile = [m for m in members if not m[0].startswith("attachments/")]
    return world.consistent(manifest, hostile), "lacks an attachment"


@case
def attachment_no_record_refers_to(world: World) -> tuple[bytes, str]:
    import hashlib

    manifest, members = world.parts.fresh()
    stowaway = b"content smuggled in beside the case"
    name = f"attachments/{hashlib.sha256(stowaway).hexdigest()}"
    return world.consistent(manifest, [*members, (name, stowaway)]), "no record refers to"


@case
def duplicate_member(world: World) -> tuple[bytes, str]:
    manifest, members = world.parts.fresh()
    return world.insider(manifest, [members[0], *members]), "out of order or repeated"


@case
def members_out_of_order(world: World) -> tuple[bytes, str]:
    manifest, members = world.parts.fresh()
    hostile = [members[1], members[0], *members[2:]]
    return world.insider(manifest, hostile), "out of order or repeated"


@case
def oversized_member(world: World) -> tuple[bytes, str]:
    manifest, members = world.parts.fresh()
    name, _ = world.parts.member("attachments/")
    hostile = [(n, d + b"more" if n == name else d) for n, d in members]
    return world.insider(manifest, hostile), "wrong size"


@case
def member_hash_differs(world: World) -> tuple[bytes, str]:
    manifest, members = world.parts.fresh()
    name, data = world.parts.member("attachments/")
    altered = bytes([data[0] ^ 1]) + data[1:]
    hostile = [(n, altered if n == name else d) for n, d in members]
    return world.insider(manifest, hostile), "does not match its manifest"


@case
def records_member_hash_differs(world: World) -> tuple[bytes, str]:
    manifest, members = world.parts.fresh()
    name, data = members[0]
    hostile = [(name, data.replace(b"Ahmadzai", b"Ahmadzay")), *members[1:]]
    return world.insider(manifest, hostile), "does not match its manifest"


@case
def checksum_file_altered(world: World) -> tuple[bytes, str]:
    manifest, members = world.parts.fresh()
    hostile = [(n, d + b"\n" if n == "SHA256SUMS" else d) for n, d in members]
    return world.insider(manifest, hostile), "wrong size"


@case
def data_after_the_end_marker(world: World) -> tuple[bytes, str]:
    manifest, members = world.parts.fresh()
    kw = {"trailing": b"\x00" * 512 + b"hidden"}
    return world.insider(manifest, members, **kw), "after the end of its archive"


@case
def no_end_marker(world: World) -> tuple[bytes, str]:
    manifest, members = world.parts.fresh()
    return world.insider(manifest, members, end=False), "truncated"


@case
def tar_cut_short_inside_a_member(world: World) -> tuple[bytes, str]:
    manifest, members = world.parts.fresh()
    name, data = world.parts.member("attachments/")
    records = [m for m in members if m[0].startswith("records/")]
    hostile = [*records, Entry(name, data[:1000], declared_size=len(data))]
    return world.insider(manifest, hostile, end=False), "truncated"


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_signed_hostile_bundle_is_refused(world: World, reject: Reject, name: str) -> None:
    data, fragment = CASES[name](world)
    reject(data, fragment)


# Unknown signers, and the forging itself checked


def test_a_manifest_resigned_by_an_unknown_key_that_it_names_is_quarantined(
    world: World,
) -> None:
    manifest, members = world.parts.fresh()
    stranger, stranger_key = new_signing_key()
    as_producer(manifest, stranger_key, "Unknown laptop")
    path = world.write(forge(stranger, manifest, members, world.coord_keys.age_recipient))
    before = snapshot(world.coord)
    result = importer.import_bundle(world.coord, path)
    assert result.status == importer.QUARANTINED
    assert changed_tables(before, snapshot(world.coord)) == {"quarantine", "audit_log", "files"}
    (entry,) = [q for q in quarantine.waiting(world.coord) if q.id == result.quarantine_id]
    assert entry.signing_key == stranger_key
    assert entry.fingerprint == manifest["producer"]["fingerprint"]
    assert entry.path.read_bytes() == path.read_bytes()  # kept still encrypted
    assert importer.import_bundle(world.coord, path).quarantine_id == result.quarantine_id
    quarantine.discard(world.coord, result.quarantine_id)
    assert not entry.path.exists()
    assert quarantine.waiting(world.coord) == []


def test_the_forging_helpers_build_bundles_the_importer_accepts(world: World) -> None:
    """Controls: a rebuilt bundle (records edited, revision and manifest made consistent)
    imports; so does a plain copy, as a conflict; a reused bundle id is then refused."""
    target, _ = make_vault(world.root / "fresh-coordinator", role="coordinator")
    try:
        TrustStore(target).add_device("Kandahar laptop", world.field_keys.signing_key)
        own = identity.load(target.conn).age_recipient
        secret = world.field_keys.minisign_secret()
        case_id = world.cases[0]

        def edit(doc: dict[str, Any]) -> None:
            doc["records"][0]["body"]["title"] = "Edited by the forging helper"
            rehash(doc["records"][0])
            revs[doc["records"][0]["id"]] = doc["records"][0]["rev"]

        revs: dict[str, str] = {}
        manifest, members = world.parts.fresh()
        members = edit_records(members, case_id, edit)
        manifest["records"] = [
            {**r, "rev": revs.get(r["id"], r["rev"])} for r in manifest["records"]
        ]
        manifest, members = relist(manifest, members, secret)
        edited = world.write(forge(secret, manifest, members, own), "edited.intake")
        result = importer.import_bundle(target, edited)
        assert result.status == importer.MERGED
        assert result.counts["new"] == len(manifest["records"])
        assert CaseStore(target).document(case_id)["title"] == "Edited by the forging helper"

        manifest, members = world.parts.fresh()
        copy = world.write(forge(secret, manifest, members, own), "copy.intake")
        result = importer.import_bundle(target, copy)
        assert result.status == importer.MERGED
        assert result.counts["conflict"] == 1  # same version, other content
        assert importer.import_bundle(target, copy).status == importer.ALREADY_IMPORTED

        manifest["created_at"] = "2030-01-01T00:00:00Z"
        second = world.write(forge(secret, manifest, members, own), "reused-id.intake")
        before = snapshot(target)
        with pytest.raises(BundleRejected, match="reuses the id"):
            importer.import_bundle(target, second)
        assert snapshot(target) == before
    finally:
        target.close()
