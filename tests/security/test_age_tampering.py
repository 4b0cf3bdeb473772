"""The age layer under tampering: what it refuses, and that it never hands out unverified plaintext.

A STREAM is made here chunk by chunk with a known payload key, so every
altered form can be built, not only flipped bytes: chunks swapped, cut,
added, an empty final chunk after a full one, two final chunks. Each is
refused with ``PayloadInvalid``, after handing out exactly the plaintext of
the chunks before the first bad one (all of which authenticated). Then the
same alterations of a real bundle, sealed anew with its own payload key,
are imported: each is refused and leaves the coordinator's vault as it was.
"""

from __future__ import annotations

import io
import os

import pytest
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

from intake_desktop.core.bundle import age
from intake_desktop.core.bundle.age_stream import CHUNK, TAG, StreamReader
from intake_desktop.core.errors import BundleRejected
from tests.security.conftest import Reject, World

KEY = os.urandom(32)
PIECES = [os.urandom(CHUNK) for _ in range(3)] + [os.urandom(1000)]  # 3 full, a short last


def seal(counter: int, plain: bytes, last: bool, key: bytes = KEY) -> bytes:
    nonce = counter.to_bytes(11, "big") + (b"\x01" if last else b"\x00")
    return ChaCha20Poly1305(key).encrypt(nonce, plain, None)


def stream(pieces: list[bytes], key: bytes = KEY) -> list[bytes]:
    """The sealed chunks of ``pieces``, the last one flagged."""
    return [seal(i, p, i == len(pieces) - 1, key) for i, p in enumerate(pieces)]


def read(data: bytes) -> tuple[bytes, BundleRejected | None]:
    """Everything the reader handed out (in odd-sized reads), and how it ended."""
    reader = StreamReader(io.BytesIO(data), KEY)
    got = bytearray()
    try:
        while part := reader.read(40_000):
            got += part
    except BundleRejected as exc:
        return bytes(got), exc
    finally:
        reader.close()
    return bytes(got), None


def refused_after(data: bytes, good_chunks: int, pieces: list[bytes] = PIECES) -> None:
    got, failure = read(data)
    assert isinstance(failure, age.PayloadInvalid)
    assert got == b"".join(pieces[:good_chunks])


def test_the_untouched_stream_reads_whole() -> None:
    assert read(b"".join(stream(PIECES))) == (b"".join(PIECES), None)


@pytest.mark.parametrize("chunk", range(4))
@pytest.mark.parametrize("where", ["start", "middle", "tag"])
def test_a_flipped_bit_in_any_chunk(chunk: int, where: str) -> None:
    chunks = [bytearray(c) for c in stream(PIECES)]
    at = {"start": 0, "middle": len(chunks[chunk]) // 2, "tag": len(chunks[chunk]) - TAG}[where]
    chunks[chunk][at] ^= 0x10
    refused_after(b"".join(chunks), chunk)


@pytest.mark.parametrize("chunks", [0, 1, 2, 3])
def test_cut_at_a_chunk_boundary(chunks: int) -> None:
    refused_after(b"".join(stream(PIECES)[:chunks]), chunks)


@pytest.mark.parametrize("chunk", range(4))
@pytest.mark.parametrize("into", [1, TAG, 1000, -1])
def test_cut_inside_a_chunk(chunk: int, into: int) -> None:
    sealed = stream(PIECES)
    kept = b"".join(sealed[:chunk]) + sealed[chunk][:into]
    refused_after(kept, chunk)


def test_an_extra_chunk_after_the_last() -> None:
    sealed = stream(PIECES)
    for extra in (seal(4, b"more", last=True), seal(4, b"more", last=False), sealed[-1]):
        # The short last chunk and what follows read as one chunk of the wrong size.
        refused_after(b"".join(sealed) + extra, 3)


def test_an_extra_chunk_after_a_full_last_chunk() -> None:
    pieces = PIECES[:3]
    sealed = stream(pieces)
    # A full last chunk opens (and is handed out, as the reference reader
    # does); the bytes after it then end the stream as damaged.
    refused_after(b"".join(sealed) + seal(3, b"more", last=True), 3, pieces)
    refused_after(b"".join(sealed) + b"\x00", 3, pieces)


def test_swapped_chunks() -> None:
    sealed = stream(PIECES)
    refused_after(b"".join([sealed[0], sealed[2], sealed[1], sealed[3]]), 1)
    refused_after(b"".join([sealed[1], sealed[0], *sealed[2:]]), 0)


def test_an_empty_final_chunk_after_a_full_one() -> None:
    pieces = PIECES[:3]
    sealed = [seal(i, p, last=False) for i, p in enumerate(pieces)] + [seal(3, b"", last=True)]
    refused_after(b"".join(sealed), 3, pieces)
    # The same data as age writes it (the third chunk flagged last) is sound.
    assert read(b"".join(stream(pieces))) == (b"".join(pieces), None)


def test_only_a_whole_empty_payload_may_be_one_empty_chunk() -> None:
    assert read(seal(0, b"", last=True)) == (b"", None)
    refused_after(b"", 0)
    refused_after(seal(0, b"", last=False), 0)


def test_two_final_chunks_and_a_chunk_from_another_key() -> None:
    sealed = stream(PIECES)
    refused_after(b"".join([seal(0, PIECES[0], last=True), *sealed[1:]]), 1)
    other = stream(PIECES, key=os.urandom(32))
    refused_after(b"".join([sealed[0], other[1], *sealed[2:]]), 1)


LONG = [os.urandom(CHUNK) for _ in range(10)] + [os.urandom(5)]  # across hand-overs


@pytest.mark.parametrize("chunk", [3, 4, 5, 8, 10])
def test_a_flipped_bit_deep_in_a_long_stream(chunk: int) -> None:
    chunks = [bytearray(c) for c in stream(LONG)]
    chunks[chunk][-1] ^= 0x01  # in its tag
    refused_after(b"".join(chunks), chunk, LONG)
    refused_after(b"".join(stream(LONG)[:chunk]), chunk, LONG)  # cut there instead


def test_a_flipped_bit_anywhere_in_the_header_is_refused_before_any_plaintext() -> None:
    """Header bytes, the MAC, the nonce: ``decrypt`` raises instead of returning a reader."""
    identity = age.X25519Identity(os.urandom(32))
    sink = io.BytesIO()
    writer = age.encrypt(sink, [age.X25519Recipient(identity.public)])
    writer.write(b"case file")
    writer.close()
    data = sink.getvalue()
    end = age.parse_header(data).length
    for position in range(end):
        for mask in (0x01, 0x80):
            altered = bytearray(data)
            altered[position] ^= mask
            with pytest.raises(BundleRejected):
                age.decrypt(io.BytesIO(bytes(altered)), [identity]).close()
    mac_line = data.rindex(b"--- ") + 4
    altered = bytearray(data)
    altered[mac_line + 5] ^= 0x02  # still canonical base64, a different MAC
    if age.b64decode(bytes(altered[mac_line : end - 1])) is not None:
        with pytest.raises(age.HeaderMacInvalid):
            age.decrypt(io.BytesIO(bytes(altered)), [identity])
    for position in range(end, end + 16):  # the nonce: another payload key
        altered = bytearray(data)
        altered[position] ^= 0x01
        got, failure = read_with(identity, bytes(altered))
        assert got == b"" and isinstance(failure, age.PayloadInvalid)


def read_with(identity: age.X25519Identity, data: bytes) -> tuple[bytes, BundleRejected | None]:
    reader = age.decrypt(io.BytesIO(data), [identity])
    try:
        return reader.read(), None
    except BundleRejected as exc:
        return b"", exc
    finally:
        reader.close()


# The same alterations of a real bundle, through the importer


def resealed(world: World, alter: object) -> bytes:
    """The baseline bundle's payload, its chunks altered by ``alter`` and sealed with its key."""
    data = world.bundle.read_bytes()
    header = age.parse_header(data)
    identity = age.X25519Identity.from_string(world.coord_keys.age_secret)
    file_key = identity.unwrap(header.stanzas)
    assert file_key is not None
    nonce = data[header.length : header.length + 16]
    key = age.payload_key(file_key, nonce)
    reader = StreamReader(io.BytesIO(data[header.length + 16 :]), key)
    try:
        plain = reader.read()
    finally:
        reader.close()
    pieces = [plain[i : i + CHUNK] for i in range(0, len(plain), CHUNK)]
    assert len(pieces) >= 4 and len(pieces[-1]) < CHUNK
    chunks = alter(pieces, key)  # type: ignore[operator]
    return data[: header.length + 16] + b"".join(chunks)


def test_the_resealed_baseline_is_itself_sound(world: World) -> None:
    same = resealed(world, lambda pieces, key: stream(pieces, key))
    assert same == world.bundle.read_bytes()


def test_swapped_chunks_of_a_bundle(world: World, reject: Reject) -> None:
    def swap(pieces: list[bytes], key: bytes) -> list[bytes]:
        sealed = stream(pieces, key)
        sealed[1], sealed[2] = sealed[2], sealed[1]
        return sealed

    reject(resealed(world, swap), "damaged or truncated")


def test_an_extra_chunk_after_a_bundle(world: World, reject: Reject) -> None:
    def extra(pieces: list[bytes], key: bytes) -> list[bytes]:
        return [*stream(pieces, key), seal(len(pieces), bytes(512), True, key)]

    reject(resealed(world, extra), "damaged or truncated")


def test_a_bundle_whose_last_chunk_is_missing(world: World, reject: Reject) -> None:
    def unflagged(pieces: list[bytes], key: bytes) -> list[bytes]:
        return [seal(i, p, False, key) for i, p in enumerate(pieces)]

    reject(resealed(world, unflagged), "damaged or truncated")


def test_an_empty_final_chunk_after_a_full_one_in_a_bundle(world: World, reject: Reject) -> None:
    """Zeros after a tar's end are allowed, so the plaintext can end on a chunk boundary."""

    def padded(pieces: list[bytes], key: bytes) -> list[bytes]:
        pieces = [*pieces[:-1], pieces[-1] + bytes(CHUNK - len(pieces[-1]))]
        return [
            *(seal(i, p, False, key) for i, p in enumerate(pieces)),
            seal(len(pieces), b"", True, key),
        ]

    reject(resealed(world, padded), "damaged or truncated")


def test_two_final_chunks_in_a_bundle(world: World, reject: Reject) -> None:
    def early(pieces: list[bytes], key: bytes) -> list[bytes]:
        sealed = stream(pieces, key)
        sealed[1] = seal(1, pieces[1], True, key)
        return sealed

    reject(resealed(world, early), "damaged or truncated")
