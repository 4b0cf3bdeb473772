"""Each user signs with a key of their own, wrapped by their passphrase (core/user_keys.py).

Real vaults, real key slots, real certifications: a certification names the
translator's key, which no other user of the laptop can use; a passphrase
change keeps it; a reset by someone else retires it, and what it signed
before stays valid.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from intake_desktop.core import attestations, certification, identity, user_keys
from intake_desktop.core.cases import CaseStore
from intake_desktop.core.certification import TranslatorDetails
from intake_desktop.core.errors import NotPermitted
from intake_desktop.core.model import KINDS, validate
from intake_desktop.core.records import RecordStore
from intake_desktop.core.vault import Vault
from tests.helpers import MINIMAL_CASE, make_vault

SECOND = "a second translator's passphrase"
DETAILS = TranslatorDetails("Zarghuna Safi", "Kabul", "")


@pytest.fixture
def vault(tmp_path: Path) -> Iterator[tuple[Vault, str]]:
    vault, code = make_vault(tmp_path / "vault", user_name="zarghuna", role="translator")
    with Vault.open_with_recovery(vault.path, code) as recovery:
        recovery.add_user("wahid", "translator", SECOND)
    yield vault, code
    vault.close()


def new_statement(vault: Vault) -> str:
    case_id = CaseStore(vault).add_case(MINIMAL_CASE)
    return CaseStore(vault).children(case_id, "statement")[0].id


def certify(vault: Vault) -> dict[str, Any]:
    body = certification.certify(vault, new_statement(vault), DETAILS).body
    return dict(body)


def state(vault: Vault, body: dict[str, Any]) -> attestations.Status:
    return attestations.status(body, attestations.CERTIFICATION, attestations.trusted_keys(vault))


def test_each_user_signs_with_a_key_of_their_own(vault: tuple[Vault, str]) -> None:
    zarghuna = vault[0]
    first, again = certify(zarghuna), certify(zarghuna)
    with Vault.open(zarghuna.path, SECOND) as wahid:
        other = certify(wahid)
        assert state(wahid, first).state == "valid"  # each verifies the other's
    device = identity.load(zarghuna.conn).signing_key
    mine = first["certification"]["signing_key"]
    assert again["certification"]["signing_key"] == mine  # one key, made once
    assert len({mine, other["certification"]["signing_key"], device}) == 3
    assert sorted((k.user_name, k.retired_at) for k in user_keys.keys(zarghuna)) == [
        ("wahid", None),
        ("zarghuna", None),
    ]
    status = state(zarghuna, other)
    assert (status.state, status.user) == ("valid", "wahid")
    assert status.device_fingerprint == attestations.signing_key_fingerprint(device)


def test_another_user_of_the_laptop_cannot_open_my_key(vault: tuple[Vault, str]) -> None:
    zarghuna = vault[0]
    certify(zarghuna)
    signing_key, wrapped = zarghuna.conn.execute(
        "SELECT signing_key, wrapped FROM user_keys"
    ).fetchone()
    secret = zarghuna.conn.execute("SELECT secret FROM identity").fetchall()
    assert all(str(s[0]).encode() not in bytes(wrapped) for s in secret)
    aad = user_keys._aad(zarghuna, zarghuna.user.slot_id, signing_key)
    assert user_keys._unwrap(zarghuna.user_key_wrap, wrapped, aad) is not None
    with Vault.open(zarghuna.path, SECOND) as wahid:
        assert wahid.user_key_wrap != zarghuna.user_key_wrap
        assert user_keys._unwrap(wahid.user_key_wrap, wrapped, aad) is None


def test_the_recovery_code_cannot_sign(vault: tuple[Vault, str]) -> None:
    zarghuna, code = vault
    with Vault.open_with_recovery(zarghuna.path, code) as recovery:
        assert recovery.user_key_wrap == b""
        with pytest.raises(NotPermitted, match="your own passphrase"):
            user_keys.signer(recovery)


def test_my_passphrase_change_keeps_my_key(vault: tuple[Vault, str]) -> None:
    zarghuna = vault[0]
    before = certify(zarghuna)["certification"]["signing_key"]
    zarghuna.change_passphrase("a new passphrase for zarghuna")
    assert certify(zarghuna)["certification"]["signing_key"] == before  # this session
    with Vault.open(zarghuna.path, "a new passphrase for zarghuna") as reopened:
        assert certify(reopened)["certification"]["signing_key"] == before
    assert len(user_keys.keys(zarghuna)) == 1


def test_a_reset_by_someone_else_retires_the_key_and_old_work_stays_valid(
    vault: tuple[Vault, str],
) -> None:
    zarghuna, code = vault
    old = certify(zarghuna)
    with Vault.open_with_recovery(zarghuna.path, code) as recovery:
        recovery.change_passphrase("reset by the office", user_name="zarghuna")
        retired = recovery.conn.execute("SELECT wrapped, retired_at FROM user_keys").fetchone()
        assert retired[0] is None and retired[1] is not None  # the secret is gone
    with Vault.open(zarghuna.path, "reset by the office") as again:
        new = certify(again)
        assert new["certification"]["signing_key"] != old["certification"]["signing_key"]
        assert state(again, old).state == "valid"  # signed before the reset: still holds
        keys = user_keys.keys(again)
        assert [k.retired_at is None for k in keys] == [False, True]


def test_removing_a_user_retires_their_key(vault: tuple[Vault, str]) -> None:
    zarghuna, code = vault
    with Vault.open(zarghuna.path, SECOND) as wahid:
        signed = certify(wahid)
    with Vault.open_with_recovery(zarghuna.path, code) as recovery:
        recovery.remove_user("wahid")
    row = zarghuna.conn.execute(
        "SELECT wrapped, retired_at FROM user_keys WHERE user_name = 'wahid'"
    ).fetchone()
    assert row[0] is None and row[1] is not None
    assert state(zarghuna, signed).state == "valid"


def test_a_key_wrapped_under_a_lost_passphrase_is_replaced(vault: tuple[Vault, str]) -> None:
    """A passphrase change cut off between the key slot and the key's row leaves the key
    wrapped under a passphrase nobody has: it is retired and a new one made, not an error."""
    zarghuna = vault[0]
    before = certify(zarghuna)["certification"]["signing_key"]
    zarghuna._user_wrap = bytearray(b"\x01" * 32)
    after = certify(zarghuna)["certification"]["signing_key"]
    assert after != before
    assert [k.retired_at is None for k in user_keys.keys(zarghuna)] == [False, True]


def test_a_certification_from_before_user_keys_stays_valid(vault: tuple[Vault, str]) -> None:
    """Signed by the device key itself, with no endorsement: checked as it always was."""
    zarghuna = vault[0]
    statement = new_statement(zarghuna)
    store = RecordStore(zarghuna)
    record = store.require(statement)
    fields = {
        "format": "translation-certification-v1",
        "text": "I, Zarghuna Safi, certify ...",
        "translator": {"name": "Zarghuna Safi", "address": "", "phone": "", "user": "zarghuna"},
        "date": "2026-11-02",
        "certified_at": "2026-11-02T10:00:00Z",
        **attestations.texts_of(record.body),
    }
    device = identity.load(zarghuna.conn)
    fields["signing_key"] = device.signing_key
    signature = device.minisign_secret().sign(
        attestations.signed_bytes(fields),
        prehash=True,
        trusted_comment=attestations.TRUSTED_COMMENTS["certification"],
    )
    old = {**fields, "signature": bytes(signature).decode()}
    body = validate(KINDS["statement"], {**record.body, "certification": old}, "statement")
    assert body["certification"]["endorsement"] is None  # the new field, empty
    with zarghuna.transaction():
        store.update(statement, body, record.version)
    status = state(zarghuna, store.require(statement).body)
    assert (status.state, status.personal) == ("valid", False)
    assert status.as_json()["signer"] == "device"
    assert status.fingerprint == attestations.signing_key_fingerprint(device.signing_key)
