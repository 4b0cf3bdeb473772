"""``export --send``, ``outbox list | send | pause | resume | remove`` and ``inbox fetch``.

Against the real servers on 127.0.0.1 (OpenSSH's sshd; SeaweedFS for S3),
real vaults on both sides, and for the kill a real process killed with
SIGKILL while it holds the connection.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyrage
import pytest

# The SSH and S3 libraries register exit handlers when first imported: see
# test_destination_cli.py.
import intake_desktop.core.delivery.destinations  # noqa: F401
from intake_desktop.core import identity
from intake_desktop.core.bundle.export import export_bundle
from intake_desktop.core.delivery.destinations import DestinationStore
from intake_desktop.core.delivery.outbox import Outbox
from intake_desktop.core.vault import Vault
from tests.bundle_forge import add_attachment, introduce, recipient_ref
from tests.cli.support import add_case, fails, ok, ok_json, run
from tests.delivery.seaweed import ADMIN, Seaweed
from tests.delivery.sshd import SshServer
from tests.helpers import MINIMAL_CASE, PASSPHRASE, make_vault

ENTRY_KEYS = {
    "id", "bundle_id", "destination", "state", "size", "sha256", "sent_bytes", "attempts",
    "next_try", "last_error",
}  # fmt: skip


def env_for(cli_env: dict[str, str], path: Path) -> dict[str, str]:
    return cli_env | {"INTAKE_VAULT": str(path)}


@pytest.fixture
def pair(tmp_path: Path, sshd: SshServer) -> tuple[Path, Path]:
    """A field vault and a coordinator's, introduced both ways, with the same SFTP server."""
    field, _ = make_vault(tmp_path / "field", name="Field")
    office, _ = make_vault(tmp_path / "office", name="Office")
    introduce(field, office, "Field laptop", "Office")
    sshd.add_to(field)
    sshd.add_to(office)
    field.close()
    office.close()
    return tmp_path / "field", tmp_path / "office"


def test_export_send_queues_and_outbox_send_delivers(
    cli_env: dict[str, str], pair: tuple[Path, Path], sshd: SshServer
) -> None:
    field = env_for(cli_env, pair[0])
    case_id = add_case(field, MINIMAL_CASE)
    out = ok("export", "--to", "Office", "--case", case_id, "--send", "counsel", env=field)
    entry_id = int(out)
    (entry,) = ok_json("outbox", "list", "--json", env=field)
    assert set(entry) >= ENTRY_KEYS and entry["id"] == entry_id
    assert entry["state"] == "queued" and entry["sent_bytes"] == 0
    assert entry["destination"] == "counsel" and entry["last_error"] is None

    (sent,) = ok_json("outbox", "send", "--json", env=field)
    assert sent["state"] == "sent" and sent["sent_bytes"] == sent["size"] == entry["size"]
    assert sent["resumed_from"] == 0
    assert (sshd.folder / entry["remote_name"]).stat().st_size == entry["size"]
    assert ok_json("outbox", "send", "--json", env=field) == []  # nothing left: exit 0

    # The coordinator fetches it and imports it exactly as `import` does.
    office = env_for(cli_env, pair[1])
    (fetched,) = ok_json("inbox", "fetch", "counsel", "--json", env=office)
    assert fetched["status"] == "merged" and fetched["import"]["bundle_id"] == entry["bundle_id"]
    assert ok_json("case", "show", case_id, "--json", env=office)["id"] == case_id
    assert ok("inbox", "fetch", "counsel", env=office) == "Nothing new at counsel.\n"
    assert list((pair[1] / "inbox").iterdir()) == []  # the downloaded copy is gone once imported


def test_a_server_that_is_down_exits_14_and_says_when_it_tries_again(
    cli_env: dict[str, str], pair: tuple[Path, Path], sshd: SshServer
) -> None:
    field = env_for(cli_env, pair[0])
    add_case(field, MINIMAL_CASE)
    ok("export", "--to", "Office", "--all", "--send", "counsel", env=field)
    sshd.stop()
    result = run("outbox", "send", "--json", env=field)
    assert result.returncode == 14, result.stderr
    (entry,) = json.loads(result.stdout)
    assert entry["state"] == "queued" and entry["attempts"] == 1 and entry["next_try"]
    assert "will be tried again" in entry["last_error"]
    # Not due yet: the next pass leaves it alone, and still says it waits.
    result = run("outbox", "send", "--json", env=field)
    assert result.returncode == 14 and json.loads(result.stdout) == []
    sshd.start()
    (sent,) = ok_json("outbox", "send", "--now", "--json", env=field)
    assert sent["state"] == "sent" and sent["attempts"] == 2


def test_pause_resume_and_remove(
    cli_env: dict[str, str], pair: tuple[Path, Path], sshd: SshServer
) -> None:
    field = env_for(cli_env, pair[0])
    add_case(field, MINIMAL_CASE)
    entry_id = ok("export", "--to", "Office", "--all", "--send", "counsel", env=field).strip()
    ok("outbox", "pause", entry_id, env=field)
    assert ok_json("outbox", "send", "--json", env=field) == []  # paused: exit 0, nothing sent
    assert ok_json("outbox", "list", "--json", env=field)[0]["paused"] is True
    ok("outbox", "resume", entry_id, env=field)
    line = fails("outbox", "remove", entry_id, env=field, code=11)  # a script must say --yes
    assert "--yes" in line
    (entry,) = ok_json("outbox", "list", "--json", env=field)
    ok("outbox", "remove", entry_id, "--yes", env=field)
    assert ok_json("outbox", "list", "--json", env=field) == []
    assert not (pair[0] / "outbox" / entry["remote_name"].rsplit("/", 1)[-1]).exists()
    assert list(sshd.folder.iterdir()) == []
    fails("outbox", "pause", entry_id, env=field, code=10)


def test_export_send_to_an_unknown_destination_changes_nothing(
    cli_env: dict[str, str], pair: tuple[Path, Path]
) -> None:
    field = env_for(cli_env, pair[0])
    add_case(field, MINIMAL_CASE)
    line = fails("export", "--to", "Office", "--all", "--send", "nowhere", env=field, code=10)
    assert "nowhere" in line
    assert ok_json("outbox", "list", "--json", env=field) == []
    vault = Vault.open(pair[0], PASSPHRASE)
    try:
        assert vault.conn.execute("SELECT count(*) FROM bundles_out").fetchone()[0] == 0
    finally:
        vault.close()


def test_export_changed_takes_only_what_changed_since_the_last_bundle(
    cli_env: dict[str, str], pair: tuple[Path, Path], tmp_path: Path
) -> None:
    field = env_for(cli_env, pair[0])
    add_case(field, MINIMAL_CASE)
    # Saved well before the export (times are whole seconds, and a save in the
    # export's second counts as changed).
    vault = Vault.open(pair[0], PASSPHRASE)
    with vault.transaction() as conn:
        conn.execute("UPDATE records SET updated_at = '2026-01-01T00:00:00Z'")
    vault.close()
    first = ok_json(
        "export", "--to", "Office", "--changed", "--send", "counsel", "--json", env=field
    )
    assert first["cases"] == 1 and first["outbox_id"] == 1
    result = run("export", "--to", "Office", "--changed", "--out", str(tmp_path / "b"), env=field)
    assert result.returncode == 0 and b"nothing was written" in result.stderr
    assert not (tmp_path / "b").exists()
    add_case(field, MINIMAL_CASE)
    second = ok_json(
        "export", "--to", "Office", "--changed", "--send", "counsel", "--json", env=field
    )
    assert second["cases"] == 1 and second["sequence"] == 2


_SEND_AND_HANG = """
import os, sys, time
from pathlib import Path
from intake_desktop.core.delivery.outbox import Outbox
from intake_desktop.core.vault import Vault

vault = Vault.open(Path(sys.argv[1]), sys.argv[2])
marker = Path(sys.argv[3])

def progress(entry_id, done, total):
    if done >= total // 2 and not marker.exists():
        marker.write_text(str(done))
        time.sleep(600)  # killed here, holding the connection, the lock and 'sending'

Outbox(vault).send(progress=progress)
"""


def test_a_send_killed_mid_transfer_resumes_and_never_counts_a_partial_as_sent(
    cli_env: dict[str, str], pair: tuple[Path, Path], sshd: SshServer, tmp_path: Path
) -> None:
    vault = Vault.open(pair[0], PASSPHRASE)
    case_id = add_case(env_for(cli_env, pair[0]), MINIMAL_CASE)
    add_attachment(vault, case_id, os.urandom(6 << 20))
    office = Vault.open(pair[1], PASSPHRASE)
    to = [recipient_ref("Office", identity.load(office.conn).age_recipient)]
    office.close()
    entry, _ = Outbox(vault).export("counsel", to, None)
    vault.close()
    marker = tmp_path / "half"
    proc = subprocess.Popen(
        [sys.executable, "-c", _SEND_AND_HANG, str(pair[0]), PASSPHRASE, str(marker)],
        env=env_for(cli_env, pair[0]),
    )
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert proc.poll() is None and time.monotonic() < deadline
            time.sleep(0.02)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    field = env_for(cli_env, pair[0])
    (listed,) = ok_json("outbox", "list", "--json", env=field)
    assert listed["state"] == "queued"  # left 'sending' by the dead process
    assert not (sshd.folder / entry.remote_name).exists()  # only the .partial
    (sent,) = ok_json("outbox", "send", "--json", env=field)
    assert sent["state"] == "sent" and sent["resumed_from"] > 0
    assert sent["resent"] <= 256 * 1024
    assert (sshd.folder / entry.remote_name).read_bytes() == (
        pair[0] / "outbox" / entry.file
    ).read_bytes()
    # And counsel's side opens it.
    (fetched,) = ok_json("inbox", "fetch", "counsel", "--json", env=env_for(cli_env, pair[1]))
    assert fetched["status"] == "merged"


def test_inbox_fetch_skips_its_own_bundles_and_remembers_what_it_cannot_open(
    cli_env: dict[str, str], pair: tuple[Path, Path], sshd: SshServer, tmp_path: Path
) -> None:
    office = env_for(cli_env, pair[1])
    elsewhere = recipient_ref("Else", str(pyrage.x25519.Identity.generate().to_public()))
    # A bundle for someone else, under a device's folder, as another laptop would send it.
    stranger, _ = make_vault(tmp_path / "stranger", name="Stranger")
    folder = sshd.folder / "ABCD-EFGH-JKMN-PQRS-TVWX-YZ01"
    folder.mkdir()
    export_bundle(stranger, [elsewhere], folder / "1-00000000-0000-4000-8000-000000000000.intake")
    stranger.close()
    # This vault's own bundle, sent to the same server, is never fetched back.
    vault = Vault.open(pair[1], PASSPHRASE)
    Outbox(vault).export("counsel", [elsewhere], None)
    Outbox(vault).send()
    vault.close()
    line = fails("inbox", "fetch", "counsel", env=office, code=8)
    assert "not addressed to this vault" in line
    assert ok("inbox", "fetch", "counsel", env=office) == "Nothing new at counsel.\n"


def test_inbox_fetch_quarantines_an_unknown_signer(
    cli_env: dict[str, str], pair: tuple[Path, Path], sshd: SshServer, tmp_path: Path
) -> None:
    unknown, _ = make_vault(tmp_path / "unknown", name="Unknown")
    office = Vault.open(pair[1], PASSPHRASE)
    to = [recipient_ref("Office", identity.load(office.conn).age_recipient)]
    office.close()
    sshd.add_to(unknown)
    Outbox(unknown).export("counsel", to, None)
    Outbox(unknown).send()
    unknown.close()
    result = run("inbox", "fetch", "counsel", "--json", env=env_for(cli_env, pair[1]))
    assert result.returncode == 3, result.stderr
    (fetched,) = json.loads(result.stdout)
    assert fetched["status"] == "quarantined"
    assert ok("inbox", "fetch", "counsel", env=env_for(cli_env, pair[1])).startswith("Nothing new")


def test_outbox_and_inbox_over_s3(
    cli_env: dict[str, str], tmp_path: Path, seaweed: Seaweed, s3_bucket: str
) -> None:
    field_vault, _ = make_vault(tmp_path / "field", name="Field")
    office_vault, _ = make_vault(tmp_path / "office", name="Office")
    introduce(field_vault, office_vault, "Field laptop", "Office")
    for vault in (field_vault, office_vault):
        DestinationStore(vault).add_s3(
            "office", f"s3://{s3_bucket}/intake", seaweed.endpoint, ADMIN[0], ADMIN[1]
        )
        vault.close()
    field, office = env_for(cli_env, tmp_path / "field"), env_for(cli_env, tmp_path / "office")
    case_id = add_case(field, MINIMAL_CASE)
    ok("export", "--to", "Office", "--all", "--send", "office", env=field)
    (sent,) = ok_json("outbox", "send", "--json", env=field)
    assert sent["state"] == "sent"
    (fetched,) = ok_json("inbox", "fetch", "office", "--json", env=office)
    assert fetched["status"] == "merged"
    assert ok_json("case", "show", case_id, "--json", env=office)["id"] == case_id


def test_bad_input_is_refused_and_changes_nothing(
    cli_env: dict[str, str], pair: tuple[Path, Path], tmp_path: Path
) -> None:
    field = env_for(cli_env, pair[0])
    add_case(field, MINIMAL_CASE)
    ok("export", "--to", "Office", "--all", "--send", "counsel", env=field)
    before = ok_json("outbox", "list", "--json", env=field)
    assert "from 1 to" in fails("outbox", "pause", "0", env=field, code=6)
    assert "no outbox entry 99" in fails("outbox", "send", "--id", "99", env=field, code=10)
    assert "nowhere" in fails("inbox", "fetch", "nowhere", env=field, code=10)
    both = run(
        "export", "--to", "Office", "--all", "--out", str(tmp_path / "b"), "--send", "counsel",
        env=field,
    )  # fmt: skip
    assert both.returncode == 2 and not (tmp_path / "b").exists()
    assert ok_json("outbox", "list", "--json", env=field) == before
