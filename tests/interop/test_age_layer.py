"""The app's age layer (core/bundle/age.py) against the ``age`` program and pyrage, both ways.

Sizes around the 64 KiB STREAM chunk (0, 1, 64 KiB - 1, 64 KiB, 64 KiB + 1),
a few MiB, and (slow) 1 GiB streamed from a generator, never whole in
memory. Without ``age`` these tests skip, unless INTAKE_REQUIRE_INTEROP is
set (CI sets it): then they fail.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pyrage
import pytest

from intake_desktop.core.bundle import age

REQUIRE = "INTAKE_REQUIRE_INTEROP"
KIB = 1024
# 256 KiB: four chunks, what the layer hands between its threads at once.
SIZES = [0, 1, 64 * KIB - 1, 64 * KIB, 64 * KIB + 1, 256 * KIB, 3 * KIB * KIB + 5]
GIB = 1 << 30
BLOCK = os.urandom(1 << 20)


def need_age() -> None:
    if shutil.which("age") is None:
        if REQUIRE in os.environ:
            pytest.fail(f"age is not installed ({REQUIRE} is set)")
        pytest.skip("age is not installed")


def plaintext(size: int, piece: int = (1 << 20) + 7) -> Iterator[bytes]:
    """``size`` bytes in pieces of ``piece`` (odd: they straddle chunks), each one different."""
    sent = 0
    while sent < size:
        part = (sent.to_bytes(8, "big") + BLOCK)[: min(piece, size - sent)]
        sent += len(part)
        yield part


def digest(size: int) -> str:
    hasher = hashlib.sha256()
    for part in plaintext(size):
        hasher.update(part)
    return hasher.hexdigest()


class Generated(io.RawIOBase):
    """A readable stream over ``plaintext(size)`` (for pyrage's streaming calls)."""

    def __init__(self, size: int) -> None:
        self._parts = plaintext(size)
        self._left = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if not self._left:
            self._left = next(self._parts, b"")
        take = min(len(buffer), len(self._left))
        buffer[:take] = self._left[:take]
        self._left = self._left[take:]
        return take


class Hashing(io.RawIOBase):
    def __init__(self) -> None:
        self.sha256 = hashlib.sha256()

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self.sha256.update(data)
        return len(data)


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> tuple[pyrage.x25519.Identity, Path]:
    identity = pyrage.x25519.Identity.generate()
    key_file = tmp_path_factory.mktemp("age-key") / "key.txt"
    key_file.write_text(str(identity) + "\n")
    key_file.chmod(0o600)
    return identity, key_file


def ours_encrypt(path: Path, size: int, recipients: list[str]) -> None:
    with path.open("wb", buffering=0) as out:
        writer = age.encrypt(out, [age.X25519Recipient.from_string(r) for r in recipients])
        for part in plaintext(size):
            writer.write(part)
        writer.close()


def ours_decrypt(path: Path, secret: str) -> str:
    hasher = hashlib.sha256()
    with path.open("rb", buffering=0) as source:
        reader = age.decrypt(source, [age.X25519Identity.from_string(secret)])
        try:
            view = memoryview(bytearray(300_001))
            while got := reader.readinto(view):
                hasher.update(view[:got])
        finally:
            reader.close()
    return hasher.hexdigest()


def age_cli_decrypt(path: Path, key_file: Path) -> str:
    hasher = hashlib.sha256()
    with subprocess.Popen(
        ["age", "-d", "-i", str(key_file), str(path)], stdout=subprocess.PIPE
    ) as p:
        assert p.stdout is not None
        while part := p.stdout.read(1 << 20):
            hasher.update(part)
    assert p.returncode == 0
    return hasher.hexdigest()


def age_cli_encrypt(path: Path, size: int, recipient: str) -> None:
    with subprocess.Popen(["age", "-r", recipient, "-o", str(path)], stdin=subprocess.PIPE) as p:
        assert p.stdin is not None
        for part in plaintext(size):
            p.stdin.write(part)
        p.stdin.close()
    assert p.returncode == 0


def pyrage_decrypt(path: Path, identity: pyrage.x25519.Identity) -> str:
    out = Hashing()
    with path.open("rb") as source:
        pyrage.decrypt_io(source, out, [identity])
    return out.sha256.hexdigest()


def pyrage_encrypt(path: Path, size: int, identity: pyrage.x25519.Identity) -> None:
    with path.open("wb") as out:
        pyrage.encrypt_io(Generated(size), out, [identity.to_public()])


def stream_size(path: Path, size: int) -> None:
    """The payload is exactly the chunks the rules call for: none empty but a lone one."""
    header = age.parse_header(path.read_bytes()[: 64 * KIB])
    chunks = max(1, -(-size // (64 * KIB)))
    assert path.stat().st_size == header.length + 16 + size + 16 * chunks


@pytest.mark.parametrize("size", SIZES)
def test_what_the_app_encrypts_the_age_program_and_pyrage_decrypt(
    size: int, keys: tuple[pyrage.x25519.Identity, Path], tmp_path: Path
) -> None:
    need_age()
    identity, key_file = keys
    path = tmp_path / "ours.age"
    ours_encrypt(path, size, [str(identity.to_public())])
    stream_size(path, size)
    assert age_cli_decrypt(path, key_file) == digest(size)
    assert pyrage_decrypt(path, identity) == digest(size)
    assert ours_decrypt(path, str(identity)) == digest(size)


@pytest.mark.parametrize("size", SIZES)
def test_the_app_decrypts_what_the_age_program_and_pyrage_encrypt(
    size: int, keys: tuple[pyrage.x25519.Identity, Path], tmp_path: Path
) -> None:
    need_age()
    identity, _ = keys
    by_age, by_pyrage = tmp_path / "age.age", tmp_path / "pyrage.age"
    age_cli_encrypt(by_age, size, str(identity.to_public()))
    pyrage_encrypt(by_pyrage, size, identity)
    assert ours_decrypt(by_age, str(identity)) == digest(size)
    assert ours_decrypt(by_pyrage, str(identity)) == digest(size)


def test_every_recipient_of_a_file_can_open_it(
    keys: tuple[pyrage.x25519.Identity, Path], tmp_path: Path
) -> None:
    need_age()
    identity, key_file = keys
    others = [pyrage.x25519.Identity.generate() for _ in range(3)]
    path = tmp_path / "many.age"
    recipients = [str(o.to_public()) for o in others[:2]] + [str(identity.to_public())]
    ours_encrypt(path, 200_000, recipients)
    assert age_cli_decrypt(path, key_file) == digest(200_000)
    assert pyrage_decrypt(path, others[0]) == digest(200_000)
    assert ours_decrypt(path, str(others[1])) == digest(200_000)
    with pytest.raises(age.NoIdentityMatched):
        ours_decrypt(path, str(others[2]))


@pytest.mark.slow
def test_a_gibibyte_both_ways_with_the_age_program(
    keys: tuple[pyrage.x25519.Identity, Path], tmp_path: Path
) -> None:
    need_age()
    identity, key_file = keys
    ours, theirs = tmp_path / "ours.age", tmp_path / "theirs.age"
    ours_encrypt(ours, GIB, [str(identity.to_public())])
    stream_size(ours, GIB)
    assert age_cli_decrypt(ours, key_file) == digest(GIB)
    ours.unlink()
    age_cli_encrypt(theirs, GIB, str(identity.to_public()))
    assert ours_decrypt(theirs, str(identity)) == digest(GIB)


@pytest.mark.slow
def test_a_gibibyte_both_ways_with_pyrage(
    keys: tuple[pyrage.x25519.Identity, Path], tmp_path: Path
) -> None:
    identity, _ = keys
    ours, theirs = tmp_path / "ours.age", tmp_path / "theirs.age"
    ours_encrypt(ours, GIB, [str(identity.to_public())])
    assert pyrage_decrypt(ours, identity) == digest(GIB)
    ours.unlink()
    pyrage_encrypt(theirs, GIB, identity)
    assert ours_decrypt(theirs, str(identity)) == digest(GIB)
