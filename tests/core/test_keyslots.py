"""Key slots: wrapping, authenticated parameters, header parsing, recovery codes."""

from __future__ import annotations

import contextlib
import json
import os
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from intake_desktop.core.errors import VaultDamaged
from intake_desktop.core.keyslots import (
    FLOOR,
    LIMIT_MEMORY_KIB,
    USER,
    KeySlotHeader,
    calibrate,
    new_recovery_code,
    normalise_recovery_code,
)

VAULT_ID = "6f1d6c8e-2c1b-4d4e-9a55-0f3c1c1d2e3f"


def sealed(secret: str = "a passphrase") -> tuple[KeySlotHeader, bytes]:
    master = os.urandom(32)
    header = KeySlotHeader(vault_id=VAULT_ID, slots=())
    header = header.with_slot(header.seal(USER, secret, master, FLOOR))
    return header, master


def test_the_right_passphrase_unwraps_the_master_key_and_a_wrong_one_does_not() -> None:
    header, master = sealed()
    slot = header.slots[0]
    assert header.open(slot, "a passphrase") == master
    assert header.open(slot, "a passphrasE") is None


def test_a_header_survives_serialisation() -> None:
    header, master = sealed()
    again = KeySlotHeader.from_bytes(header.to_bytes())
    assert again == header
    assert again.open(again.slots[0], "a passphrase") == master


def test_passphrases_are_compared_after_unicode_normalisation() -> None:
    composed = unicodedata.normalize("NFC", "café آمنه")
    decomposed = unicodedata.normalize("NFD", composed)
    assert composed != decomposed
    header, master = sealed(composed)
    assert header.open(header.slots[0], decomposed) == master


def _edit(header: KeySlotHeader, change: object) -> bytes:
    doc = json.loads(header.to_bytes())
    change(doc["slots"][0])  # type: ignore[operator]
    return json.dumps(doc).encode()


@pytest.mark.parametrize(
    "field,value",
    [
        ("memory_kib", FLOOR.memory_kib * 2),  # raising is also an edit the AEAD catches
        ("iterations", FLOOR.iterations + 1),
        ("lanes", 2),
    ],
)
def test_editing_kdf_parameters_makes_the_slot_fail_to_open(field: str, value: int) -> None:
    header, _ = sealed()
    edited = KeySlotHeader.from_bytes(_edit(header, lambda s: s["kdf"].__setitem__(field, value)))
    assert edited.open(edited.slots[0], "a passphrase") is None


@pytest.mark.parametrize(
    "field,value", [("memory_kib", FLOOR.memory_kib // 2), ("iterations", 1), ("iterations", 2)]
)
def test_parameters_below_the_floor_are_refused_before_any_derivation(
    field: str, value: int
) -> None:
    header, _ = sealed()
    with pytest.raises(VaultDamaged):
        KeySlotHeader.from_bytes(_edit(header, lambda s: s["kdf"].__setitem__(field, value)))


def test_absurd_parameters_are_refused_so_an_edited_header_cannot_hang_unlock() -> None:
    header, _ = sealed()
    huge = LIMIT_MEMORY_KIB + 1
    with pytest.raises(VaultDamaged):
        KeySlotHeader.from_bytes(_edit(header, lambda s: s["kdf"].__setitem__("memory_kib", huge)))


def test_a_slot_moved_to_another_vault_does_not_open() -> None:
    header, _ = sealed()
    doc = json.loads(header.to_bytes())
    doc["vault_id"] = "11111111-2222-4333-8444-555555555555"
    moved = KeySlotHeader.from_bytes(json.dumps(doc).encode())
    assert moved.open(moved.slots[0], "a passphrase") is None


@pytest.mark.parametrize(
    "mutate",
    [
        lambda d: d.update(format="something-else"),
        lambda d: d.update(version=99),
        lambda d: d.update(vault_id="not-a-uuid"),
        lambda d: d.update(slots=[]),
        lambda d: d.update(slots="x"),
        lambda d: d["slots"][0].update(kind="admin"),
        lambda d: d["slots"][0].update(id="x"),
        lambda d: d["slots"][0]["kdf"].update(name="pbkdf2"),
        lambda d: d["slots"][0]["kdf"].update(salt="!!!"),
        lambda d: d["slots"][0]["kdf"].update(salt="AAAA"),
        lambda d: d["slots"][0]["kdf"].update(iterations="3"),
        lambda d: d["slots"][0]["kdf"].update(iterations=True),
        lambda d: d["slots"][0]["wrap"].update(nonce="AAAA"),
        lambda d: d["slots"][0]["wrap"].update(name="chacha"),
        lambda d: d["slots"].append(dict(d["slots"][0])),  # duplicate slot id
    ],
)
def test_malformed_headers_are_reported_as_damaged(mutate: object) -> None:
    header, _ = sealed()
    doc = json.loads(header.to_bytes())
    mutate(doc)  # type: ignore[operator]
    with pytest.raises(VaultDamaged):
        KeySlotHeader.from_bytes(json.dumps(doc).encode())


@pytest.mark.parametrize("data", [b"", b"{", b"\xff\xfe", b"[]", b"null", b"x" * (2 << 20)])
def test_garbage_headers_are_reported_as_damaged(data: bytes) -> None:
    with pytest.raises(VaultDamaged):
        KeySlotHeader.from_bytes(data)


@given(st.binary(max_size=512))
def test_arbitrary_bytes_never_crash_the_header_parser(data: bytes) -> None:
    with contextlib.suppress(VaultDamaged):
        KeySlotHeader.from_bytes(data)


def test_calibration_never_goes_below_the_floor() -> None:
    fast = calibrate(0.0)
    assert (fast.memory_kib, fast.iterations) == (FLOOR.memory_kib, FLOOR.iterations)
    slow = calibrate(2.0)
    assert slow.memory_kib >= FLOOR.memory_kib and slow.iterations >= FLOOR.iterations
    assert slow.memory_kib * slow.iterations > FLOOR.memory_kib * FLOOR.iterations


def test_recovery_codes_are_seven_groups_and_tolerate_case_spacing_and_lookalikes() -> None:
    code = new_recovery_code()
    groups = code.split("-")
    assert len(groups) == 7 and all(len(g) == 4 for g in groups)
    assert normalise_recovery_code(code) == code
    assert normalise_recovery_code(code.lower().replace("-", " ")) == code
    looks_alike = code.replace("0", "O").replace("1", "I")
    assert normalise_recovery_code(looks_alike) == code


def test_recovery_codes_differ_each_time() -> None:
    assert len({new_recovery_code() for _ in range(50)}) == 50


def test_single_typos_in_a_recovery_code_are_caught() -> None:
    chars = normalise_recovery_code(new_recovery_code())
    assert chars is not None
    chars = chars.replace("-", "")
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    typos = [
        chars[:i] + c + chars[i + 1 :] for i in range(len(chars)) for c in alphabet if c != chars[i]
    ]
    missed = [t for t in typos if normalise_recovery_code(t) is not None]
    # Two check characters (10 bits) plus two spare bits: about 1 in 1,000 slips through.
    assert len(missed) / len(typos) < 0.01
