"""The encrypted file itself altered: flipped bytes, truncation, wrong keys, passphrase files.

Every variant must be refused with a ``BundleRejected`` (exit code 8) and
leave the coordinator's vault exactly as it was (every table, every file).
"""

from __future__ import annotations

import base64
import io
import os
import subprocess
from pathlib import Path

import pyrage
import pytest

from intake_desktop.core.bundle import importer, quarantine
from intake_desktop.core.bundle.age import DAMAGED, NOT_FOR_US
from intake_desktop.core.bundle.agecheck import read_age_header
from intake_desktop.core.errors import BundleRejected
from tests.bundle_forge import export_to, snapshot
from tests.security.conftest import Reject, World

CHUNK = 64 * 1024 + 16  # one age STREAM chunk on disk: 64 KiB of data and its tag
PASSPHRASE_REFUSED = "passphrase-encrypted"


def b64(raw: bytes) -> bytes:
    return base64.b64encode(raw).rstrip(b"=")


def header_length(data: bytes) -> int:
    return read_age_header(io.BytesIO(data)).header_length


def flipped(data: bytes, position: int, mask: int = 0x01) -> bytes:
    changed = bytearray(data)
    changed[position] ^= mask
    return bytes(changed)


def sample_positions(data: bytes) -> list[int]:
    """About 30 places: each header line (start, middle, newline) and across the payload."""
    end = header_length(data)
    positions: set[int] = set()
    start = 0
    while start < end:
        newline = data.index(b"\n", start)
        positions.update({start, (start + newline) // 2, newline})
        start = newline + 1
    payload = [end, end + 8, end + 15]  # the STREAM nonce
    payload += [end + 16, end + 16 + 65_535, end + 16 + 65_536]  # first chunk, its tag
    payload += [end + 16 + CHUNK + 100, len(data) // 2, len(data) - 17]
    payload += [len(data) - 16, len(data) - 8, len(data) - 1]  # the final chunk's tag
    positions.update(payload)
    return sorted(positions)


def test_the_baseline_bundle_is_sound_and_spans_several_stream_chunks(world: World) -> None:
    data = world.bundle.read_bytes()
    assert len(data) - header_length(data) > 3 * CHUNK
    # What the tampering tests alter is a bundle the coordinator could import.
    assert quarantine.waiting(world.coord) == []
    assert 20 <= len(sample_positions(data)) <= 45  # fewer with no grease stanza (age, ours)


def test_a_flipped_byte_anywhere_is_refused(world: World, reject: Reject) -> None:
    data = world.bundle.read_bytes()
    for position in sample_positions(data):
        reject(flipped(data, position))


@pytest.mark.slow
def test_a_flipped_byte_anywhere_is_refused_sweep(world: World) -> None:
    """A wider sweep: every third header byte and 40 payload positions, two masks."""
    data = world.bundle.read_bytes()
    end = header_length(data)
    positions = list(range(0, end, 3))
    positions += [end + i * (len(data) - end - 1) // 39 for i in range(40)]
    before = snapshot(world.coord)
    for i, position in enumerate(positions):
        path = world.write(flipped(data, position, 0x80 if i % 2 else 0x04))
        with pytest.raises(BundleRejected):
            importer.import_bundle(world.coord, path)
    assert snapshot(world.coord) == before


def test_a_flip_in_the_last_chunk_is_refused_after_records_were_read(
    world: World, reject: Reject
) -> None:
    """The records come first in the stream; the damage is only found at its end."""
    data = world.bundle.read_bytes()
    assert reject(flipped(data, len(data) - 40)) == str(BundleRejected(DAMAGED))


def test_truncation_at_many_lengths_is_refused(world: World, reject: Reject) -> None:
    data = world.bundle.read_bytes()
    end = header_length(data)
    lengths = [0, 1, 21, 22, 30, end - 45, end - 1, end, end + 1, end + 16, end + 31, end + 32]
    lengths += [end + 16 + CHUNK, end + 16 + 2 * CHUNK, end + 16 + 3 * CHUNK]  # chunk boundaries
    lengths += [end + 16 + CHUNK - 1, len(data) // 2, len(data) - 17, len(data) - 16]
    lengths += [len(data) - 15, len(data) - 1]
    for length in lengths:
        reject(data[:length])


def test_bytes_appended_after_the_last_chunk_are_refused(world: World, reject: Reject) -> None:
    data = world.bundle.read_bytes()
    reject(data + b"\x00")
    reject(data + os.urandom(CHUNK))


def test_a_bundle_for_another_recipient_is_refused(world: World, reject: Reject) -> None:
    stranger = pyrage.x25519.Identity.generate()
    path = world.root / "for-someone-else.intake"
    export_to(world.field, str(stranger.to_public()), path)
    message = reject(path, "not addressed to this vault")
    assert message == str(BundleRejected(NOT_FOR_US))


def test_things_that_are_not_bundles_are_refused(world: World, reject: Reject) -> None:
    reject(b"", "empty")
    reject(os.urandom(4096), "not an age-encrypted file")
    reject(b"age-encryption.org/v1\n", "ends inside its encryption header")
    reject(world.bundle.read_bytes()[::-1])


def test_an_armored_bundle_is_refused(world: World, reject: Reject, tmp_path: Path) -> None:
    key = tmp_path / "key.txt"
    subprocess.run(["age-keygen", "-o", str(key)], check=True, capture_output=True)
    armored = subprocess.run(
        ["age", "-a", "-r", world.coord_keys.age_recipient],
        input=world.bundle.read_bytes()[:100],
        check=True,
        capture_output=True,
    ).stdout
    reject(armored, "ASCII-armored")


# Refused by the header gate (its message), before any key is tried: pyrage
# would take about 33 s and 8 GB on logN=23. How fast, a whole import included:
# benchmarks/hostile_input.py (import_scrypt_vs_not_for_us).


def scrypt_file(log_n: int = 23, before: bytes = b"") -> bytes:
    """A well-formed passphrase (scrypt) age header by hand; pyrage would spend 8 GB on it."""
    stanza = b"-> scrypt " + b64(os.urandom(16)) + b" %d\n" % log_n + b64(os.urandom(32)) + b"\n"
    mac = b"--- " + b64(os.urandom(32)) + b"\n"
    return b"age-encryption.org/v1\n" + before + stanza + mac + os.urandom(64)


def test_a_scrypt_file_with_a_huge_work_factor_is_refused_fast(
    world: World, reject: Reject
) -> None:
    path = world.write(scrypt_file(23))
    reject(path, PASSPHRASE_REFUSED)


def test_a_scrypt_stanza_behind_our_own_recipient_stanza_is_refused_fast(
    world: World, reject: Reject
) -> None:
    """The gate reads every stanza, not only the first one."""
    data = world.bundle.read_bytes()
    first_stanza_end = data.index(b"\n", data.index(b"\n-> X25519 ") + 1) + 1
    body_end = data.index(b"\n", first_stanza_end) + 1
    ours = data[len(b"age-encryption.org/v1\n") : body_end]
    path = world.write(scrypt_file(23, before=ours))
    reject(path, PASSPHRASE_REFUSED)


def test_a_real_passphrase_encrypted_file_is_refused(world: World, reject: Reject) -> None:
    data = pyrage.passphrase.encrypt(world.bundle.read_bytes()[:1000], "a passphrase")
    reject(bytes(data), PASSPHRASE_REFUSED)
