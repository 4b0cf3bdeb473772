"""Hostile input to the case JSON reader and the key-slot header: one kind of error.

``case add`` reads documents a script (or whoever wrote the file) controls;
``keyslots.json`` sits unencrypted on a laptop that may be seized and handed
back. Whatever the bytes, the reader must answer with its own error
(``InvalidInput``, exit 6; ``VaultDamaged``, exit 7) and never quote the
values it refused. How fast it answers is measured against a valid input as
large in benchmarks/hostile_input.py (``case_document_hostile_vs_valid``,
``keyslot_header_hostile_vs_valid``). The mutation strategies are the ones
the bundle-format tests use (``tests/core/test_bundle_format.py``).
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intake_desktop.cli.text import safe
from intake_desktop.core.cases import PreparedCase, parse_document, prepare_case
from intake_desktop.core.errors import InvalidInput, VaultDamaged
from intake_desktop.core.keyslots import (
    FLOOR,
    LIMIT_ITERATIONS,
    LIMIT_LANES,
    LIMIT_MEMORY_KIB,
    MAX_SLOTS,
    KeySlotHeader,
)
from intake_desktop.core.vault import HEADER_NAME
from tests.bundle_forge import RICH_CASE
from tests.cli.in_process import run_in_process
from tests.core.test_bundle_format import json_values, mutated
from tests.helpers import MINIMAL_CASE, make_vault

SETTINGS = settings(max_examples=250, deadline=None, suppress_health_check=list(HealthCheck))
SENTINEL = "Qzvx7-VALUE-نام"

FULL_CASE: dict[str, Any] = {
    **copy.deepcopy(RICH_CASE),
    "external_ref": "A-123",
    "notes": "line one\nline two",
    "evidence": [
        {"id": "e1", "kind": "letter", "description": "Threat letter", "people": ["p1"]},
    ],
}
SEEDS = [MINIMAL_CASE, RICH_CASE, FULL_CASE]


def seed_is_valid(seed: dict[str, Any]) -> bool:
    try:
        prepare_case(copy.deepcopy(seed))
    except InvalidInput:
        return False
    return True


VALID_SEEDS = [seed for seed in SEEDS if seed_is_valid(seed)]

hostile_values = json_values | st.sampled_from(
    [
        "\x00",
        "\x1b[2J",
        "\u202ename",
        "\ud800",
        "x" * 100_001,
        10**300,
        -(2**63),
        1e308,
        float("inf"),
        float("nan"),
        [[[[[[[]]]]]]],
        {"id": "p1"},
        "p1",
        "e1",
        "i1",
    ]
)


def read(data: bytes) -> PreparedCase | None:
    """``case add``'s reading: parse, then check everything; None when refused."""
    try:
        return prepare_case(parse_document(data))
    except InvalidInput as exc:
        # Paths may name an unknown field as the document spelled it; the
        # command line shows such text escaped (cli/text.py), on one line.
        message = str(exc)
        assert message and "\n" not in safe(message), message
        return None


def encode(doc: Any) -> bytes:
    return json.dumps(doc, ensure_ascii=False, allow_nan=True).encode("utf-8")


def test_the_seeds_are_accepted() -> None:
    assert len(VALID_SEEDS) == len(SEEDS)
    for seed in SEEDS:
        assert read(encode(seed)) is not None


@SETTINGS
@given(st.sampled_from(range(len(SEEDS))).flatmap(lambda i: mutated(SEEDS[i])))
def test_a_mutated_case_document_is_accepted_or_refused_with_invalid_input(doc: Any) -> None:
    read(encode(doc))


@SETTINGS
@given(st.sampled_from(range(len(SEEDS))), st.data())
def test_case_document_bytes_mutated_are_accepted_or_refused(index: int, data: Any) -> None:
    raw = bytearray(encode(SEEDS[index]))
    for _ in range(data.draw(st.integers(1, 8))):
        at = data.draw(st.integers(0, len(raw) - 1))
        action = data.draw(st.sampled_from(["flip", "insert", "delete", "cut", "nest"]))
        if action == "flip":
            raw[at] ^= data.draw(st.integers(1, 255))
        elif action == "insert":
            raw[at:at] = data.draw(st.binary(min_size=1, max_size=8))
        elif action == "delete":
            del raw[at]
        elif action == "nest":
            depth = data.draw(st.integers(1, 100_000))
            raw[at:at] = b"[" * depth
        else:
            del raw[at:]
            break
    read(bytes(raw))


def leaves(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(doc, dict):
        return [p for key, value in doc.items() for p in leaves(value, (*prefix, key))]
    if isinstance(doc, list):
        return [p for i, value in enumerate(doc) for p in leaves(value, (*prefix, i))]
    return [prefix]


@SETTINGS
@given(
    st.sampled_from(range(len(SEEDS))),
    st.data(),
    st.sampled_from(
        [
            SENTINEL + "\x07",
            SENTINEL * 1000,
            {"text": SENTINEL},
            [SENTINEL],
            f"{SENTINEL}\u0085",
            SENTINEL,
        ]
    ),
)
def test_a_refused_value_is_never_quoted(index: int, data: Any, value: Any) -> None:
    doc = copy.deepcopy(SEEDS[index])
    path = data.draw(st.sampled_from(leaves(doc)))
    parent = doc
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = value
    try:
        prepare_case(parse_document(encode(doc)))
    except InvalidInput as exc:
        assert "Qzvx7" not in str(exc) and "نام" not in str(exc)


@SETTINGS
@given(hostile_values)
def test_any_json_value_as_a_document_is_refused_cleanly(value: Any) -> None:
    try:
        data = json.dumps(value, allow_nan=True).encode()
    except ValueError:
        return  # an integer Python will not print: no one can send it either
    assert read(data) is None or isinstance(value, dict)


# Regression: Python's json module raises more than JSONDecodeError.


@pytest.mark.parametrize(
    "data",
    [
        b"[" * 100_000,  # RecursionError
        b'{"title": ' * 50_000,
        b'{"title": "x", "route": "other", "people": [{"full_name": "a", "x": ' + b"[" * 5000,
        b"9" * 5000,  # ValueError: more than 4,300 digits
        b'{"title": "x", "route": "other", "notes": 1' + b"0" * 4400 + b"}",
    ],
    ids=["deep-array", "deep-object", "deep-inside", "huge-int", "huge-int-inside"],
)
def test_json_python_cannot_hold_is_invalid_input(data: bytes) -> None:
    with pytest.raises(InvalidInput):
        prepare_case(parse_document(data))


def test_the_command_line_refuses_such_a_document_with_exit_6(cli_env: dict[str, str]) -> None:
    for data in (b"[" * 100_000, b"9" * 5000):
        result = run_in_process("case", "add", "--json", "-", env=cli_env, input=data)
        assert result.returncode == 6, result.stderr
        lines = result.stderr.decode().splitlines()
        assert len(lines) == 1 and lines[0].startswith("intake-desktop: The case document")


# The key-slot header


@pytest.fixture(scope="module")
def header_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A real header: two users and the recovery slot."""
    path = tmp_path_factory.mktemp("header") / "vault"
    vault, _ = make_vault(path)
    vault.add_user("zarghuna", "translator", "a translator's passphrase")
    vault.close()
    return (path / HEADER_NAME).read_bytes()


def parsed_or_damaged(data: bytes) -> KeySlotHeader | None:
    """Only ``VaultDamaged``; and whatever parses is within the limits unlock relies on."""
    try:
        header = KeySlotHeader.from_bytes(data)
    except VaultDamaged as exc:
        assert str(exc).isprintable()  # names a field of ours, never the header's text
        return None
    assert 0 < len(header.slots) <= MAX_SLOTS
    assert len({s.id for s in header.slots}) == len(header.slots)
    for slot in header.slots:
        kdf = slot.kdf
        # No edit can make unlock cheaper than the floor or make it hang.
        assert FLOOR.memory_kib <= kdf.memory_kib <= LIMIT_MEMORY_KIB
        assert FLOOR.iterations <= kdf.iterations <= LIMIT_ITERATIONS
        assert 1 <= kdf.lanes <= LIMIT_LANES
        assert 16 <= len(kdf.salt) <= 64 and len(slot.nonce) == 12
        assert len(slot.ciphertext) == 48
    return header


def test_the_real_header_parses(header_bytes: bytes) -> None:
    header = parsed_or_damaged(header_bytes)
    assert header is not None and len(header.slots) == 3


@SETTINGS
@given(st.data())
def test_a_mutated_header_document_parses_within_limits_or_is_damaged(
    header_bytes: bytes, data: Any
) -> None:
    doc = data.draw(mutated(json.loads(header_bytes)))
    try:
        raw = json.dumps(doc, allow_nan=True).encode()
    except ValueError:
        return
    parsed_or_damaged(raw)


@SETTINGS
@given(st.data())
def test_mutated_header_bytes_parse_within_limits_or_are_damaged(
    header_bytes: bytes, data: Any
) -> None:
    raw = bytearray(header_bytes)
    for _ in range(data.draw(st.integers(1, 6))):
        at = data.draw(st.integers(0, len(raw) - 1))
        action = data.draw(st.sampled_from(["flip", "digit", "insert", "delete", "cut", "nest"]))
        if action == "flip":
            raw[at] ^= data.draw(st.integers(1, 255))
        elif action == "digit":  # numbers are what an attacker would change
            raw[at : at + 1] = data.draw(st.sampled_from([b"0", b"1", b"9" * 12, b"-1", b"1e9"]))
        elif action == "insert":
            raw[at:at] = data.draw(st.binary(min_size=1, max_size=8))
        elif action == "delete":
            del raw[at]
        elif action == "nest":
            raw[at:at] = b"[" * data.draw(st.integers(1, 100_000))
        else:
            del raw[at:]
            break
    parsed_or_damaged(bytes(raw))


@pytest.mark.parametrize(
    "data",
    [b"[" * 100_000, b'{"format": ' * 40_000, b'{"version": ' + b"1" * 5000 + b"}"],
    ids=["deep-array", "deep-object", "huge-int"],
)
def test_header_json_python_cannot_hold_is_damage(data: bytes) -> None:
    with pytest.raises(VaultDamaged, match="damaged"):
        KeySlotHeader.from_bytes(data)


@pytest.mark.parametrize("version", ["\x1b[2J\n", "\u202e2", 2, None, [1] * 50])
def test_a_header_of_another_version_is_named_without_its_control_characters(
    header_bytes: bytes, version: Any
) -> None:
    doc = json.loads(header_bytes)
    doc["version"] = version
    with pytest.raises(VaultDamaged, match="version") as caught:
        KeySlotHeader.from_bytes(json.dumps(doc).encode())
    assert str(caught.value).isprintable() and len(str(caught.value)) < 100
