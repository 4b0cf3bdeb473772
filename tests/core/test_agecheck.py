"""The age header gate: real files from pyrage and age, hand-made hostile headers."""

from __future__ import annotations

import base64
import io
import os
import subprocess
from pathlib import Path

import pyrage
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intake_desktop.core.bundle.agecheck import (
    MAX_HEADER_BYTES,
    MAX_STANZAS,
    AgeHeader,
    check_age_file,
    read_age_header,
)
from intake_desktop.core.errors import BundleRejected, InvalidInput

MAGIC = b"age-encryption.org/v1\n"
PAYLOAD = bytes(range(32))  # nonce + one empty final chunk: the shortest payload


def b64(raw: bytes) -> bytes:
    return base64.b64encode(raw).rstrip(b"=")


def stanza(*args: bytes, body: bytes = b"") -> bytes:
    text = b64(body)
    lines = [text[i : i + 64] for i in range(0, len(text), 64)]
    if not lines or len(lines[-1]) == 64:
        lines.append(b"")  # the body always ends with a line shorter than 64 columns
    return b"-> " + b" ".join(args) + b"\n" + b"\n".join(lines) + b"\n"


def x25519_stanza(seed: int = 1) -> bytes:
    return stanza(b"X25519", b64(bytes([seed]) * 32), body=bytes([seed + 1]) * 32)


def header(*stanzas: bytes, mac: bytes | None = None) -> bytes:
    return MAGIC + b"".join(stanzas) + b"--- " + (mac or b64(b"\x07" * 32)) + b"\n"


GREASE = stanza(b"%-grease", b"+n9xkLbc", body=os.urandom(20))
VALID = header(x25519_stanza(1), GREASE, x25519_stanza(3))


def rejected(data: bytes) -> str:
    with pytest.raises(BundleRejected) as info:
        read_age_header(io.BytesIO(data))
    return str(info.value)


def check_bytes(data: bytes) -> AgeHeader:
    return read_age_header(io.BytesIO(data))


# --- files made by the real tools ------------------------------------------------


def assert_matches_real_file(data: bytes, plaintext: bytes, recipients: int) -> AgeHeader:
    result = check_bytes(data)
    assert result.x25519_count == recipients
    assert result.stanza_types.count("X25519") == recipients
    head = data[: result.header_length]
    assert head.startswith(MAGIC)
    last = head.rstrip(b"\n").rsplit(b"\n", 1)[-1]
    assert last.startswith(b"--- ") and len(last) == 4 + 43 and head.endswith(b"\n")
    # The payload is the 16-byte nonce plus one chunk of plaintext and its 16-byte tag.
    assert len(data) - result.header_length == 16 + len(plaintext) + 16
    return result


@pytest.mark.parametrize("count", [1, 2, 5])
def test_pyrage_files_pass(count: int) -> None:
    identities = [pyrage.x25519.Identity.generate() for _ in range(count)]
    plaintext = b"a bundle" * 100
    data = pyrage.encrypt(plaintext, [i.to_public() for i in identities])
    result = assert_matches_real_file(data, plaintext, count)
    # pyrage greases every header with one stanza of an unknown type.
    assert len(result.stanza_types) == count + 1
    assert any(t != "X25519" for t in result.stanza_types)
    assert pyrage.decrypt(data, [identities[-1]]) == plaintext


def test_empty_plaintext_and_every_truncation(tmp_path: Path) -> None:
    data = pyrage.encrypt(b"", [pyrage.x25519.Identity.generate().to_public()])
    result = assert_matches_real_file(data, b"", 1)
    assert len(data) == result.header_length + 32
    for cut in range(len(data)):
        message = rejected(data[:cut])
        assert "empty" in message or "incomplete" in message, (cut, message)


def test_age_program_files(tmp_path: Path) -> None:
    key_file = tmp_path / "key.txt"
    subprocess.run(["age-keygen", "-o", str(key_file)], check=True, capture_output=True)
    keygen_recipient = subprocess.run(
        ["age-keygen", "-y", str(key_file)], check=True, capture_output=True, text=True
    ).stdout.strip()
    pyrage_recipient = str(pyrage.x25519.Identity.generate().to_public())
    plaintext = b"records\n" * 10
    source = tmp_path / "in"
    source.write_bytes(plaintext)
    for n, recipients in enumerate([[keygen_recipient], [keygen_recipient, pyrage_recipient]]):
        out = tmp_path / f"out{n}.age"
        args = [a for r in recipients for a in ("-r", r)]
        subprocess.run(["age", *args, "-o", str(out), str(source)], check=True)
        data = out.read_bytes()
        result = check_age_file(out)
        assert result == check_bytes(data)
        assert_matches_real_file(data, plaintext, len(recipients))


def test_check_age_file_missing(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as info:
        check_age_file(tmp_path / "nope.intake")
    assert "nope.intake" in str(info.value)


# --- passphrase (scrypt) files ---------------------------------------------------


def test_pyrage_passphrase_file_refused() -> None:
    assert "passphrase" in rejected(pyrage.passphrase.encrypt(b"x", "pw"))


@pytest.mark.parametrize(
    "data",
    [
        # logN=23 would cost pyrage 8.4 GB; refused on the stanza line, even with no
        # body, no end line and no payload after it.
        MAGIC + b"-> scrypt " + b64(os.urandom(16)) + b" 23\n",
        header(stanza(b"scrypt", b64(os.urandom(16)), b"23", body=os.urandom(32))) + PAYLOAD,
        header(x25519_stanza(), stanza(b"scrypt", b64(b"s" * 16), b"30", body=b"b" * 32)) + PAYLOAD,
        header(GREASE, stanza(b"scrypt", b"salt", b"63", body=b"")) + PAYLOAD,
    ],
    # Random salts: stable ids so parallel workers collect the same tests.
    ids=["stanza-line-only", "whole-header", "behind-x25519", "behind-grease"],
)
def test_scrypt_refused_fast(data: bytes) -> None:
    # How fast: benchmarks/hostile_input.py (age_scrypt_vs_valid_header).
    assert "passphrase" in rejected(data)


# --- grease, limits --------------------------------------------------------------


def test_valid_and_grease_accepted() -> None:
    odd = stanza(b"O;8DC+#-grease", body=os.urandom(200))  # multi-line body
    empty = stanza(b"x", b"a", b"b~!", body=b"")  # empty final body line
    exact = stanza(b"y", body=b"z" * 48)  # one full line then an empty one
    data = header(odd, x25519_stanza(), empty, exact)
    result = check_bytes(data + PAYLOAD + b"more payload")
    assert result == AgeHeader(("O;8DC+#-grease", "X25519", "x", "y"), 1, len(data))


def padded_header(size: int) -> bytes:
    """A valid header of exactly ``size`` bytes, padded by a grease argument."""
    short = header(x25519_stanza(), stanza(b"pad", b"", body=b""))
    pad = size - len(short)
    return header(x25519_stanza(), stanza(b"pad", b"A" * pad, body=b""))


def test_header_size_limit() -> None:
    at_limit = padded_header(MAX_HEADER_BYTES)
    assert len(at_limit) == MAX_HEADER_BYTES
    assert check_bytes(at_limit + PAYLOAD).header_length == MAX_HEADER_BYTES
    over = padded_header(MAX_HEADER_BYTES + 1)
    assert "larger than" in rejected(over + PAYLOAD)
    big_body = header(x25519_stanza(), stanza(b"big", body=os.urandom(MAX_HEADER_BYTES)))
    assert "larger than" in rejected(big_body + PAYLOAD)
    assert "larger than" in rejected(MAGIC + b"-" * (10 * MAX_HEADER_BYTES))


def test_reads_are_bounded() -> None:
    stream = io.BytesIO(VALID + os.urandom(4 * 1024 * 1024))
    read_age_header(stream)
    assert 0 < stream.tell() <= MAX_HEADER_BYTES + 32
    stream = io.BytesIO(MAGIC + b"A" * (4 * 1024 * 1024))
    with pytest.raises(BundleRejected):
        read_age_header(stream)
    assert stream.tell() <= MAX_HEADER_BYTES + 32


def test_stanza_limit() -> None:
    grease = [stanza(b"g", body=b"") for _ in range(MAX_STANZAS - 1)]
    assert check_bytes(header(x25519_stanza(), *grease) + PAYLOAD).x25519_count == 1
    too_many = header(x25519_stanza(), *grease, stanza(b"g", body=b"")) + PAYLOAD
    assert str(MAX_STANZAS) in rejected(too_many)


# --- not age, malformed, truncated ------------------------------------------------


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "empty"),
        (b"age-encryption.org/v", "incomplete"),
        (b"age-encryption.org/v2\n" + VALID[len(MAGIC) :], "not an age"),
        (b"age-encryption.org/v1\r\n" + VALID[len(MAGIC) :], "not an age"),
        (b"PK\x03\x04 a zip file", "not an age"),
        (
            b"-----BEGIN AGE ENCRYPTED FILE-----\nYWdl\n-----END AGE ENCRYPTED FILE-----\n",
            "armored",
        ),
        (b"\n  -----BEGIN AGE ENCRYPTED FILE-----\n", "armored"),
    ],
)
def test_not_an_age_file(data: bytes, words: str) -> None:
    assert words in rejected(data)


def test_armored_age_output_refused(tmp_path: Path) -> None:
    recipient = str(pyrage.x25519.Identity.generate().to_public())
    armored = subprocess.run(
        ["age", "-a", "-r", recipient], input=b"x", check=True, capture_output=True
    ).stdout
    assert "armored bundles are not accepted" in rejected(armored)


X = x25519_stanza()
END = b"--- " + b64(b"\x07" * 32) + b"\n"
MALFORMED = {
    "no space after arrow": MAGIC + b"->X25519 " + X[10:] + END,
    "empty stanza line": MAGIC + b"-> \n\n" + X + END,
    "double space": MAGIC + b"-> g  a\n\n" + X + END,
    "trailing space": MAGIC + b"-> g a \n\n" + X + END,
    "non-ascii argument": MAGIC + b"-> g \xc3\xa9\n\n" + X + END,
    "tab in argument": MAGIC + b"-> g a\tb\n\n" + X + END,
    "carriage return": MAGIC + X + b"-> g\r\n\n" + END,
    "padded body": MAGIC + X + b"-> g\nAA==\n" + END,
    "non-canonical body": MAGIC + X + b"-> g\nAB\n" + END,
    "body length 1 mod 4": MAGIC + X + b"-> g\nAAAAA\n" + END,
    "url-safe body": MAGIC + X + b"-> g\nab-_\n" + END,
    "body line of 68": MAGIC + X + b"-> g\n" + b"A" * 68 + b"\nAA\n" + END,
    "missing body": MAGIC + X + b"-> g\n" + END,
    "missing body before stanza": MAGIC + b"-> g\n" + X + END,
    "full body line then end": MAGIC + X + b"-> g\n" + b"A" * 64 + b"\n" + END,
    "garbage line": MAGIC + X + b"hello\n" + END,
    "blank line": MAGIC + X + b"\n" + END,
    "end without space": MAGIC + X + b"---" + b64(b"\x07" * 32) + b"\n",
    "short mac": MAGIC + X + b"--- " + b64(b"\x07" * 31) + b"\n",
    "long mac": MAGIC + X + b"--- " + b64(b"\x07" * 33) + b"\n",
    "padded mac": MAGIC + X + b"--- " + base64.b64encode(b"\x07" * 32) + b"\n",
    "non-canonical mac": MAGIC + X + b"--- " + b64(b"\x07" * 32)[:-1] + b"5\n",
    "mac trailing space": MAGIC + X + b"--- " + b64(b"\x07" * 32) + b" \n",
    "x25519 two args": MAGIC + stanza(b"X25519", b64(b"a" * 32), b"x", body=b"b" * 32) + END,
    "x25519 no args": MAGIC + stanza(b"X25519", body=b"b" * 32) + END,
    "x25519 short share": MAGIC + stanza(b"X25519", b64(b"a" * 31), body=b"b" * 32) + END,
    "x25519 short body": MAGIC + stanza(b"X25519", b64(b"a" * 32), body=b"b" * 31) + END,
    "x25519 bad share": MAGIC + stanza(b"X25519", b"!" * 43, body=b"b" * 32) + END,
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_lines(name: str) -> None:
    data = MALFORMED[name] + PAYLOAD
    assert "damaged" in rejected(data)
    # Sanity: the same file with the fault repaired is accepted.
    assert check_bytes(VALID + PAYLOAD).x25519_count == 2


def test_no_x25519_recipient() -> None:
    message = rejected(header(GREASE, stanza(b"ssh-ed25519", b"abc", body=b"k" * 32)) + PAYLOAD)
    assert "not encrypted to any X25519 recipient" in message
    assert "not encrypted to any X25519" in rejected(header() + PAYLOAD)


@pytest.mark.parametrize("extra", [0, 1, 15, 16, 31])
def test_short_payload(extra: int) -> None:
    assert "incomplete" in rejected(VALID + PAYLOAD[:extra])


def test_every_truncation_of_a_handmade_header() -> None:
    data = VALID + PAYLOAD
    assert check_bytes(data).header_length == len(VALID)
    for cut in range(len(data)):
        assert "incomplete" in rejected(data[:cut]) or cut == 0


# --- property: hostile bytes only ever give BundleRejected -------------------------
# (and quickly: benchmarks/hostile_input.py, age_hostile_vs_largest_header)


def outcome(data: bytes) -> AgeHeader | None:
    try:
        return read_age_header(io.BytesIO(data))
    except BundleRejected as exc:
        assert str(exc)  # the message renders
        return None


SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(st.binary(max_size=2048))
def test_random_bytes(data: bytes) -> None:
    outcome(data)
    outcome(MAGIC + data)


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(VALID + PAYLOAD)
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["flip", "cut", "insert", "delete"]))
        at = draw(st.integers(0, len(data)))
        if kind == "flip" and at < len(data):
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif kind == "cut":
            del data[at:]
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        else:
            del data[at : at + draw(st.integers(1, 8))]
    return bytes(data)


@SETTINGS
@given(mutated())
def test_mutations(data: bytes) -> None:
    result = outcome(data)
    if result is not None:
        assert result.x25519_count >= 1
        assert result.header_length + 32 <= len(data)
        assert data[: result.header_length].endswith(b"\n")


@SETTINGS
@given(
    st.lists(
        st.one_of(
            st.integers(0, 200).map(x25519_stanza),
            st.tuples(
                st.text(st.characters(min_codepoint=33, max_codepoint=126), min_size=1).filter(
                    lambda name: name not in ("X25519", "scrypt")
                ),
                st.binary(max_size=300),
            ).map(lambda t: stanza(t[0].encode(), body=t[1])),
        ),
        min_size=1,
        max_size=MAX_STANZAS,
    )
)
def test_generated_valid_headers(stanzas: list[bytes]) -> None:
    data = header(*stanzas)
    expected_x = sum(s.startswith(b"-> X25519 ") for s in stanzas)
    result = outcome(data + PAYLOAD)
    if expected_x:
        assert result is not None
        assert result.header_length == len(data)
        assert result.x25519_count == expected_x
        assert len(result.stanza_types) == len(stanzas)
    else:
        assert result is None
