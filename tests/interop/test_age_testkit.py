"""The C2SP age test kit (age_testkit/: README.md, ORIGIN.md) against the app's age layer.

Every vector runs but the post-quantum ones: their recipients are ML-KEM-768
+ X25519 hybrids (``age1pq1…``), which bundles never use and the app does
not implement. Each must end as the kit says (success, header failure, no
match, HMAC failure, payload failure, armor failure), and the plaintext
handed out, all of it even when the payload fails later, must have the
SHA-256 the kit names.

Then the vectors a bundle could be are run as import runs them
(``DecryptChannel``: agecheck's gate, then the same layer): they must end
the same way, and every passphrase (scrypt) file must be refused by the
gate before any key is tried.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from intake_desktop.core.bundle.channel import DecryptChannel
from intake_desktop.core.errors import BundleRejected
from tests.interop.testkit_support import (
    HEADER_FAILURE,
    PAYLOAD_FAILURE,
    SUCCESS,
    Vector,
    decrypt,
    every_vector,
)

VECTORS = every_vector()
POST_QUANTUM = (
    "ML-KEM-768 + X25519 hybrid recipients (age1pq): not implemented, bundles never use them"
)


def kit(vectors: list[Vector]) -> list[object]:
    return [
        pytest.param(v, id=v.name, marks=[pytest.mark.skip(reason=POST_QUANTUM)] * v.post_quantum)
        for v in vectors
    ]


def test_the_kit_is_whole_and_only_the_post_quantum_vectors_are_left_out() -> None:
    assert len(VECTORS) == 143
    assert all(not v.unknown_keys for v in VECTORS)  # the README: unknown keys mean "ignore"
    left_out = [v.name for v in VECTORS if v.post_quantum]
    assert len(left_out) == 19 and all("hybrid" in name for name in left_out)
    expected = {v.expect for v in VECTORS if not v.post_quantum}
    assert expected == {
        "success",
        "header failure",
        "no match",
        "HMAC failure",
        "payload failure",
        "armor failure",
    }


@pytest.mark.parametrize("vector", kit(VECTORS))
def test_vector(vector: Vector) -> None:
    outcome = decrypt(vector)
    assert outcome.expect == vector.expect, vector.comment
    if vector.payload_sha256 is not None:
        assert outcome.sha256 == vector.payload_sha256


def as_a_bundle(vector: Vector) -> bool:
    """Binary, and opened by at most one X25519 identity (import holds exactly one)."""
    keys = [i for i in vector.identities if i.startswith("identity:")]
    passphrases = len(vector.identities) - len(keys)
    return not vector.armored and not vector.post_quantum and len(keys) <= 1 and passphrases <= 1


BUNDLE_LIKE = [v for v in VECTORS if as_a_bundle(v)]
# Import always holds an identity: for a vector that names none, any valid one.
STRANGER = "AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX"


def test_most_vectors_can_be_tried_as_bundles() -> None:
    assert len(BUNDLE_LIKE) >= 85
    assert sum("scrypt" in v.data[:200].decode("latin-1") for v in BUNDLE_LIKE) >= 20


@pytest.mark.parametrize("vector", kit(BUNDLE_LIKE))
def test_vector_through_the_bundle_gate(vector: Vector, tmp_path: Path) -> None:
    path = tmp_path / "vector.intake"
    path.write_bytes(vector.data)
    keys = [i.partition(":")[2] for i in vector.identities if i.startswith("identity:")]
    released = bytearray()
    failure: BundleRejected | None = None
    channel = None
    try:
        channel = DecryptChannel.open(path, keys[0] if keys else STRANGER)
        while part := channel.plaintext.read(65_536):
            released += part
    except BundleRejected as exc:
        failure = exc
    finally:
        if channel is not None:
            channel.close()
    if any(s.startswith(b"-> scrypt") for s in vector.data.split(b"\n")):
        # Refused by the gate, before anything could be unwrapped.
        assert channel is None and failure is not None and "passphrase" in str(failure)
        return
    if vector.expect == SUCCESS:
        assert failure is None
        assert hashlib.sha256(released).hexdigest() == vector.payload_sha256
        return
    assert failure is not None
    if vector.expect == PAYLOAD_FAILURE and channel is not None:
        assert hashlib.sha256(released).hexdigest() == vector.payload_sha256
    if vector.expect == HEADER_FAILURE and channel is not None:
        raise AssertionError("a malformed header was let through to the payload")
