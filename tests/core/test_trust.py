"""Fingerprints, parsing pasted public keys, and the trust store.

Real keys come from the standard tools (``minisign -G``, ``age-keygen``) and
from this app's own identity; malformed ones are built by hand.
"""

from __future__ import annotations

import base64
import hashlib
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pyrage
import pytest

from intake_desktop.core import audit, identity
from intake_desktop.core.errors import InvalidInput, NotFound
from intake_desktop.core.fingerprint import (
    RECIPIENT_LABEL,
    SIGNING_LABEL,
    fingerprint,
    parse_recipient,
    parse_signing_key,
    recipient_fingerprint,
    signing_key_fingerprint,
)
from intake_desktop.core.trust import DEVICE, RECIPIENT, TrustStore
from intake_desktop.core.vault import Vault
from tests.helpers import PASSPHRASE

GROUPS = re.compile(r"[0-9A-HJKMNP-TV-Z]{4}(?:-[0-9A-HJKMNP-TV-Z]{4}){5}")
RAW = bytes(range(32))
KEY_ID = bytes.fromhex("0102030405060708")


def signing_key(raw: bytes = RAW, key_id: bytes = KEY_ID, alg: bytes = b"Ed") -> str:
    return base64.b64encode(alg + key_id + raw).decode()


# A reference Bech32 encoder (BIP 173), independent of the module's decoder.
_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def _polymod(values: list[int]) -> int:
    gen = [0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3]
    chk = 1
    for v in values:
        b = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            chk ^= gen[i] if ((b >> i) & 1) else 0
    return chk


def bech32(hrp: str, data: bytes) -> str:
    bits = "".join(f"{byte:08b}" for byte in data)
    bits += "0" * (-len(bits) % 5)
    values = [int(bits[i : i + 5], 2) for i in range(0, len(bits), 5)]
    expanded = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]
    pm = _polymod(expanded + values + [0] * 6) ^ 1
    check = [(pm >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(_CHARSET[v] for v in values + check)


def reference_fingerprint(label: bytes, raw: bytes) -> str:
    """SHA-256, 120 bits, standard base32 mapped onto Crockford's alphabet."""
    b32 = base64.b32encode(hashlib.sha256(label + raw).digest()[:15]).decode()
    text = b32.translate(
        str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", "0123456789ABCDEFGHJKMNPQRSTVWXYZ")
    )
    return "-".join(text[i : i + 4] for i in range(0, 24, 4))


@pytest.fixture
def minisign_pair(tmp_path: Path) -> tuple[str, str]:
    """(contents of the .pub file, contents of the secret key file)."""
    subprocess.run(["minisign", "-G", "-W", "-p", "pub", "-s", "sec"], cwd=tmp_path,
                   check=True, capture_output=True)  # fmt: skip
    return (tmp_path / "pub").read_text(), (tmp_path / "sec").read_text()


@pytest.fixture
def age_pair(tmp_path: Path) -> tuple[str, str]:
    """(the recipient age-keygen prints, the contents of its key file)."""
    subprocess.run(["age-keygen", "-o", "k.txt"], cwd=tmp_path, check=True, capture_output=True)
    out = subprocess.run(["age-keygen", "-y", "k.txt"], cwd=tmp_path, check=True,
                         capture_output=True, text=True)  # fmt: skip
    return out.stdout.strip(), (tmp_path / "k.txt").read_text()


# Fingerprints


def test_known_answers_match_the_spec_and_are_stable() -> None:
    assert SIGNING_LABEL == b"intake-desktop fingerprint v1\x00signing-key\x00"
    assert RECIPIENT_LABEL == b"intake-desktop fingerprint v1\x00age-recipient\x00"
    recipient = bech32("age", RAW)
    assert str(pyrage.x25519.Recipient.from_str(recipient)) == recipient  # encoder is sound
    assert signing_key_fingerprint(signing_key()) == "E3MC-3XSG-32E5-2GTA-ENZV-EHST"
    assert recipient_fingerprint(recipient) == "MJC0-8V3J-QN2S-MF6F-EKT7-CXZX"
    assert signing_key_fingerprint(signing_key()) == reference_fingerprint(SIGNING_LABEL, RAW)
    assert recipient_fingerprint(recipient) == reference_fingerprint(RECIPIENT_LABEL, RAW)
    # Keys made by the real tools, pinned.
    pub = "RWRGksvfqUg9f291mpbQwSaxppmWRG5qoIu26YZu5CybW4nPK9tPuCMs"
    assert signing_key_fingerprint(pub) == "A8J3-ADTK-316D-KA66-756G-C22V"
    age = "age1ed34sgn633vnwksgkk6adtvckd3cwg7ed539tq8ylyara5uqwpsqgtvcdm"
    assert recipient_fingerprint(age) == "SJRX-0AA1-CJN3-7XXT-RWCV-Q459"


def test_the_same_bytes_under_the_two_labels_differ_and_the_shape_is_six_groups() -> None:
    as_signing = signing_key_fingerprint(signing_key())
    as_recipient = recipient_fingerprint(bech32("age", RAW))
    assert as_signing != as_recipient
    assert fingerprint(SIGNING_LABEL, RAW) != fingerprint(RECIPIENT_LABEL, RAW)
    for value in (as_signing, as_recipient, fingerprint(b"", b"")):
        assert GROUPS.fullmatch(value), value


def test_the_key_id_is_not_part_of_the_fingerprint_but_the_key_is() -> None:
    other_id = signing_key(key_id=b"\xff" * 8)
    assert signing_key_fingerprint(other_id) == signing_key_fingerprint(signing_key())
    other_key = signing_key(raw=bytes(31) + b"\x01")
    assert signing_key_fingerprint(other_key) != signing_key_fingerprint(signing_key())


# Parsing keys made by minisign, age-keygen and this app


def test_minisign_public_keys_in_both_forms(minisign_pair: tuple[str, str]) -> None:
    pub_file, _ = minisign_pair
    line = pub_file.splitlines()[1]
    assert parse_signing_key(pub_file) == line
    assert parse_signing_key(line) == line
    assert parse_signing_key(f"  {line}\r\n") == line
    assert parse_signing_key(pub_file.replace("\n", "\r\n")) == line
    assert signing_key_fingerprint(pub_file) == signing_key_fingerprint(line)


def test_age_keygen_recipients_in_either_case(age_pair: tuple[str, str]) -> None:
    recipient, _ = age_pair
    assert parse_recipient(recipient) == recipient
    assert parse_recipient(f" {recipient.upper()}\n") == recipient
    assert recipient_fingerprint(recipient.upper()) == recipient_fingerprint(recipient)


def test_this_apps_own_keys_parse(vault: Vault) -> None:
    own = identity.load(vault.conn)
    assert parse_signing_key(own.signing_key) == own.signing_key
    assert parse_recipient(own.age_recipient) == own.age_recipient
    assert GROUPS.fullmatch(signing_key_fingerprint(own.signing_key))


def refused(parse: Callable[[str], str], text: str, message: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse(text)
    assert message in str(caught.value)
    for part in text.split():
        if len(part) > 8:  # nothing pasted is echoed back
            assert part not in str(caught.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "one minisign public key"),
        ("RW!!notbase64", "not valid base64"),
        (signing_key()[:-4], "bytes; this one is 39"),
        (base64.b64encode(b"Ed" + KEY_ID + RAW + b"\0\0\0").decode(), "this one is 45"),
        (signing_key(alg=b"ED"), "prehashed"),
        (signing_key(alg=b"Xy"), "not an Ed25519"),
        (signing_key() + "\n" + signing_key(), "one minisign public key"),
        ("age1ed34sgn633vnwksgkk6adtvckd3cwg7ed539tq8ylyara5uqwpsqgtvcdm", "add-recipient"),
        (
            "AGE-SECRET-KEY-17K2SKCEP27GMAU6GYCJJSUGKN0Z8P6VWMMEZD0H2S2AACN8YQVTQXHMDSE",
            "secret key",
        ),
    ],
)
def test_malformed_signing_keys_are_refused(text: str, message: str) -> None:
    refused(parse_signing_key, text, message)


def test_a_minisign_secret_key_is_refused_without_echo(minisign_pair: tuple[str, str]) -> None:
    _, secret_file = minisign_pair
    refused(parse_signing_key, secret_file, "secret key")
    refused(parse_signing_key, secret_file.splitlines()[1], "secret key")
    refused(parse_recipient, secret_file, "secret key")


def test_an_age_secret_key_is_refused_without_echo(age_pair: tuple[str, str]) -> None:
    _, key_file = age_pair
    secret = next(line for line in key_file.splitlines() if line.startswith("AGE-SECRET-KEY-1"))
    refused(parse_recipient, secret, "secret key")
    refused(parse_recipient, secret.lower(), "secret key")
    refused(parse_recipient, key_file, "secret key")  # the whole file, public key comment and all


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "starting with age1"),
        ("bob", "starting with age1"),
        (bech32("age", RAW)[:-1] + "q", "bad checksum"),
        (bech32("age", RAW)[:-3], "bad checksum"),
        (bech32("age", RAW)[:10] + bech32("age", RAW)[10:].upper(), "mixes upper and lower"),
        (bech32("age", RAW[:31]), "wrong length"),
        (bech32("age", RAW + b"\0"), "wrong length"),
        (bech32("age1yubikey", RAW[:20]), "Plugin recipients"),
        ("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHb0YaoZbn3lb8+ay7wyHj+k", "SSH keys"),
        ("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA", "secret key"),
        (signing_key(), "add-device"),
        (bech32("age", RAW) + " " + bech32("age", RAW), "one word"),
    ],
)
def test_malformed_recipients_are_refused(text: str, message: str) -> None:
    refused(parse_recipient, text, message)


# The trust store


def test_add_list_remove_with_audit_by_fingerprint(
    vault: Vault, minisign_pair: tuple[str, str], age_pair: tuple[str, str]
) -> None:
    store = TrustStore(vault)
    device = store.add_device("Kabul office", minisign_pair[0])
    recipient = store.add_recipient("Counsel Smith", age_pair[0].upper())
    assert (device.kind, recipient.kind) == (DEVICE, RECIPIENT)
    assert recipient.key == age_pair[0]
    assert device.fingerprint == signing_key_fingerprint(minisign_pair[0])
    assert device.added_by == "farida"
    assert store.entries() == [device, recipient]
    assert store.device_for_key(minisign_pair[0]) == device
    assert store.remove("kabul OFFICE") == device  # names compare ignoring case
    assert store.entries() == [recipient]
    assert store.device_for_key(minisign_pair[0]) is None
    logged = [(e.action, e.record_kind, e.record_id) for e in audit.events(vault.conn)[:3]]
    assert logged == [
        ("trust.remove", "trust", device.fingerprint),
        ("trust.add", "trust", recipient.fingerprint),
        ("trust.add", "trust", device.fingerprint),
    ]
    assert audit.verify(vault.conn).ok
    with pytest.raises(NotFound):
        store.remove("Kabul office")


def test_entries_survive_reopening(vault: Vault, vault_path: Path) -> None:
    entry = TrustStore(vault).add_device("office", signing_key())
    vault.close()
    with Vault.open(vault_path, PASSPHRASE) as reopened:
        assert TrustStore(reopened).entries() == [entry]


def test_duplicates_and_own_keys_are_refused_and_nothing_changes(vault: Vault) -> None:
    store = TrustStore(vault)
    store.add_device("office", signing_key())
    store.add_recipient("counsel", bech32("age", RAW))
    before = (store.entries(), audit.events(vault.conn))
    own = identity.load(vault.conn)
    cases: list[tuple[Callable[[], object], str]] = [
        (lambda: store.add_device("OFFICE", signing_key(raw=bytes(32))), "already in use"),
        (lambda: store.add_recipient("office", bech32("age", bytes(32))), "already in use"),
        (lambda: store.add_device("other", signing_key()), "already trusted as office"),
        # The same Ed25519 key under a new key id is the same signer.
        (lambda: store.add_device("other", signing_key(key_id=bytes(8))), "trusted as office"),
        (lambda: store.add_recipient("x", bech32("age", RAW).upper()), "trusted as counsel"),
        (lambda: store.add_device("me", own.signing_key), "own key"),
        (lambda: store.add_recipient("me", own.age_recipient), "own key"),
    ]
    for attempt, message in cases:
        with pytest.raises(InvalidInput, match=message):
            attempt()
    assert (store.entries(), audit.events(vault.conn)) == before


@pytest.mark.parametrize(
    "name",
    ["", " office", "office ", "x" * 65, "a\tb", "a\x1b[31mb", "bad\u202eeman", "age1bob", "AGE-x"],
)
def test_bad_names_are_refused(vault: Vault, name: str) -> None:
    with pytest.raises(InvalidInput, match="trust name"):
        TrustStore(vault).add_device(name, signing_key())
    assert TrustStore(vault).entries() == []


def test_names_in_dari_with_zwnj_are_fine(vault: Vault) -> None:
    name = "دفتر کابل می\u200cروم"
    assert TrustStore(vault).add_device(name, signing_key()).name == name


def test_resolve_recipients_by_name_or_key(vault: Vault, age_pair: tuple[str, str]) -> None:
    store = TrustStore(vault)
    counsel = store.add_recipient("counsel", bech32("age", RAW))
    coordinator = store.add_recipient("coordinator", age_pair[0])
    store.add_device("office", signing_key())
    assert store.resolve_recipients(["coordinator", bech32("age", RAW).upper(), "Counsel"]) == [
        coordinator,
        counsel,
    ]
    with pytest.raises(NotFound, match="named nobody"):
        store.resolve_recipients(["nobody"])
    with pytest.raises(InvalidInput, match="device"):
        store.resolve_recipients(["office"])
    untrusted = bech32("age", bytes(32))
    with pytest.raises(InvalidInput, match="trust add-recipient") as caught:
        store.resolve_recipients([untrusted])
    assert recipient_fingerprint(untrusted) in str(caught.value)
    with pytest.raises(InvalidInput, match="own recipient"):
        store.resolve_recipients([identity.load(vault.conn).age_recipient])
    secret = next(s for s in age_pair[1].split() if s.startswith("AGE-SECRET-KEY-1"))
    with pytest.raises(InvalidInput, match="secret key") as caught:
        store.resolve_recipients([secret])
    assert secret not in str(caught.value)
    with pytest.raises(InvalidInput):
        store.resolve_recipients([])
