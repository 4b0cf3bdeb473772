"""Key-slot changes from two programs at once: none undoes another (issue 13, item 2).

The desktop app keeps a vault unlocked for hours while the command line
changes passphrases, the recovery code or users beside it. Each test here
holds two ``Vault`` objects on one folder (the app's and the command line's),
or real processes, and checks that every change made by one survives a
change made later by the other.
"""

from __future__ import annotations

import dataclasses
import os
import stat
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from intake_desktop.core import locking
from intake_desktop.core.check import check_vault
from intake_desktop.core.errors import (
    InvalidInput,
    NotFound,
    NotPermitted,
    VaultBusy,
    WrongPassphrase,
)
from intake_desktop.core.keyslots import MAX_SLOTS, RECOVERY, USER, KeySlotHeader
from intake_desktop.core.locking import LOCK_NAME, keyslots_lock
from intake_desktop.core.vault import HEADER_NAME, Vault
from tests.helpers import PASSPHRASE, REPO, make_vault

COORDINATOR_PASSPHRASE = "nasrin coordinates the office"
TRANSLATOR_PASSPHRASE = "tamana translates statements"
NEW_PASSPHRASE = "changed from the command line"
APP_PASSPHRASE = "changed later in the app"
OMID_PASSPHRASE = "omid was added in the app"


@dataclasses.dataclass
class Setup:
    path: Path
    recovery_code: str


@pytest.fixture
def setup(vault_path: Path) -> Setup:
    """farida (caseworker), nasrin (coordinator) and tamana (translator)."""
    vault, code = make_vault(vault_path)
    vault.add_user("nasrin", "coordinator", COORDINATOR_PASSPHRASE)
    vault.add_user("tamana", "translator", TRANSLATOR_PASSPHRASE)
    vault.close()
    return Setup(vault_path, code)


def header_of(path: Path) -> KeySlotHeader:
    return KeySlotHeader.from_bytes((path / HEADER_NAME).read_bytes())


def opens(path: Path, passphrase: str) -> bool:
    try:
        Vault.open(path, passphrase).close()
    except WrongPassphrase:
        return False
    return True


def opens_with_code(path: Path, code: str) -> bool:
    try:
        Vault.open_with_recovery(path, code).close()
    except WrongPassphrase:
        return False
    return True


def key_slots_check(vault: Vault) -> bool:
    return next(r for r in check_vault(vault) if r.name == "key slots").ok


# The command line's change (on its own Vault), then the app's (on one unlocked earlier).


def cli_changes_a_passphrase(setup: Setup) -> Callable[[], None]:
    def verify() -> None:
        assert not opens(setup.path, COORDINATOR_PASSPHRASE), "the replaced passphrase works"
        assert opens(setup.path, NEW_PASSPHRASE)

    with Vault.open(setup.path, COORDINATOR_PASSPHRASE) as cli:
        cli.change_passphrase(NEW_PASSPHRASE)
    return verify


def cli_replaces_the_recovery_code(setup: Setup) -> Callable[[], None]:
    with Vault.open(setup.path, COORDINATOR_PASSPHRASE) as cli:
        new_code = cli.new_recovery_code()

    def verify() -> None:
        assert not opens_with_code(setup.path, setup.recovery_code), "the old code works again"
        assert opens_with_code(setup.path, new_code)

    return verify


def cli_removes_a_user(setup: Setup) -> Callable[[], None]:
    with Vault.open(setup.path, COORDINATOR_PASSPHRASE) as cli:
        slot_id = next(u.slot_id for u in cli.users() if u.name == "tamana")
        cli.remove_user("tamana")

    def verify() -> None:
        assert header_of(setup.path).slot(slot_id) is None, "the removed slot came back"
        assert not opens(setup.path, TRANSLATOR_PASSPHRASE)

    return verify


CLI_CHANGES = {
    "passphrase": cli_changes_a_passphrase,
    "recovery-code": cli_replaces_the_recovery_code,
    "remove-user": cli_removes_a_user,
}


def app_adds_a_user(app: Vault) -> Callable[[Path], None]:
    app.add_user("omid", "caseworker", OMID_PASSPHRASE)
    return lambda path: None if opens(path, OMID_PASSPHRASE) else pytest.fail("omid lost")


def app_changes_its_passphrase(app: Vault) -> Callable[[Path], None]:
    app.change_passphrase(APP_PASSPHRASE)
    return lambda path: None if opens(path, APP_PASSPHRASE) else pytest.fail("app change lost")


APP_CHANGES = {"add-user": app_adds_a_user, "change-passphrase": app_changes_its_passphrase}


@pytest.mark.parametrize("app_change", list(APP_CHANGES))
@pytest.mark.parametrize("cli_change", list(CLI_CHANGES))
def test_an_open_session_never_writes_back_old_key_slots(
    setup: Setup, cli_change: str, app_change: str
) -> None:
    # The app unlocked first, as farida; the command line works as nasrin.
    app = Vault.open(setup.path, PASSPHRASE)
    try:
        verify_cli = CLI_CHANGES[cli_change](setup)
        verify_app = APP_CHANGES[app_change](app)
        assert key_slots_check(app)
    finally:
        app.close()
    verify_cli()
    verify_app(setup.path)


def test_two_processes_changing_slots_at_once_both_land(setup: Setup) -> None:
    """Both unlock first (each holding the header as it was), then change slots together."""
    script = (
        "import sys\n"
        "from intake_desktop.core.vault import Vault\n"
        "path, passphrase, prefix = sys.argv[1:4]\n"
        "vault = Vault.open(path, passphrase)\n"
        "print('ready', flush=True)\n"
        "sys.stdin.readline()\n"
        "for n in (1, 2):\n"
        "    vault.add_user(f'{prefix}{n}', 'caseworker', f'passphrase of {prefix}{n}')\n"
        "vault.close()\n"
        "print('done', flush=True)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(setup.path), passphrase, prefix],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=REPO,
        )
        for passphrase, prefix in ((PASSPHRASE, "a"), (COORDINATOR_PASSPHRASE, "b"))
    ]
    try:
        for worker in workers:
            assert worker.stdout is not None
            assert worker.stdout.readline() == "ready\n", worker.communicate()[1]
        for worker in workers:
            assert worker.stdin is not None
            worker.stdin.write("go\n")
            worker.stdin.flush()
        for worker in workers:
            out, err = worker.communicate(timeout=120)
            assert worker.returncode == 0 and out == "done\n", err
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
    added = ["a1", "a2", "b1", "b2"]
    with Vault.open(setup.path, PASSPHRASE) as vault:
        names = {u.name for u in vault.users()}
        assert set(added) <= names
        assert len(header_of(setup.path).of_kind(USER)) == len(names) == 3 + len(added)
        assert key_slots_check(vault)
    for name in ("a2", "b1"):
        assert opens(setup.path, f"passphrase of {name}")


def test_a_change_waits_for_the_lock_and_gives_up_with_vault_busy(
    setup: Setup, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another program holds the lock: the change is refused after the timeout, nothing written."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys\n"
            "from intake_desktop.core.locking import keyslots_lock\n"
            "with keyslots_lock(sys.argv[1]):\n"
            "    print('held', flush=True)\n"
            "    sys.stdin.readline()\n",
            str(setup.path),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        cwd=REPO,
    )
    vault = Vault.open(setup.path, PASSPHRASE)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        monkeypatch.setattr(locking, "DEFAULT_TIMEOUT", 0.3)
        before = (setup.path / HEADER_NAME).read_bytes()
        users_before = vault.users()
        with pytest.raises(VaultBusy) as info:
            vault.add_user("omid", "caseworker", OMID_PASSPHRASE)
        assert info.value.exit_code == 9 and "Nothing was changed" in str(info.value)
        with pytest.raises(VaultBusy):
            vault.change_passphrase(APP_PASSPHRASE)
        assert (setup.path / HEADER_NAME).read_bytes() == before
        assert vault.users() == users_before
        # Released (the holder exits): the same change goes through.
        holder.communicate("go\n", timeout=60)
        vault.add_user("omid", "caseworker", OMID_PASSPHRASE)
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()
        vault.close()
    assert opens(setup.path, OMID_PASSPHRASE)


def test_two_holders_in_one_process_exclude_each_other(vault: Vault) -> None:
    with keyslots_lock(vault.path), pytest.raises(VaultBusy), keyslots_lock(vault.path, timeout=0):
        pass
    with keyslots_lock(vault.path, timeout=0):
        pass  # released on leaving the block


def test_the_lock_file_is_private_and_tolerated_by_create(vault_path: Path) -> None:
    vault, _code = make_vault(vault_path)
    assert not (vault_path / LOCK_NAME).exists()  # made by the first key-slot change
    vault.new_recovery_code()
    vault.close()
    mode = (vault_path / LOCK_NAME).stat().st_mode
    assert stat.S_IMODE(mode) == 0o600
    # A folder left holding only the (empty) lock file is still "empty" for a new vault.
    for name in os.listdir(vault_path):
        if name != LOCK_NAME:
            (vault_path / name).unlink()
    make_vault(vault_path)[0].close()
    assert (vault_path / LOCK_NAME).exists()


def test_a_session_whose_user_was_removed_elsewhere_changes_nothing(setup: Setup) -> None:
    app = Vault.open(setup.path, COORDINATOR_PASSPHRASE)
    try:
        with Vault.open(setup.path, PASSPHRASE) as cli:
            cli.remove_user("nasrin")
        before = (setup.path / HEADER_NAME).read_bytes()
        with pytest.raises(NotPermitted, match="removed"):
            app.add_user("omid", "caseworker", OMID_PASSPHRASE)
        with pytest.raises(NotPermitted, match="removed"):
            app.change_passphrase(APP_PASSPHRASE)
        with pytest.raises(NotPermitted, match="removed"):
            app.new_recovery_code()
        assert (setup.path / HEADER_NAME).read_bytes() == before
        assert "omid" not in {u.name for u in app.users()}
    finally:
        app.close()
    assert not opens(setup.path, COORDINATOR_PASSPHRASE)


def test_vault_check_reads_the_slots_from_disk(setup: Setup) -> None:
    app = Vault.open(setup.path, PASSPHRASE)
    try:
        with Vault.open(setup.path, COORDINATOR_PASSPHRASE) as cli:
            cli.add_user("omid", "caseworker", OMID_PASSPHRASE)
        assert key_slots_check(app)  # the header held since unlock lacks omid's slot
    finally:
        app.close()


def test_a_user_left_without_a_slot_by_a_crash_can_be_removed(setup: Setup) -> None:
    """add_user writes the row before the slot: a crash in between leaves only a row."""
    with Vault.open(setup.path, PASSPHRASE) as vault:
        tamana = next(u for u in vault.users() if u.name == "tamana")
        header = header_of(setup.path)
        (setup.path / HEADER_NAME).write_bytes(header.without(tamana.slot_id).to_bytes())
        assert not key_slots_check(vault)
        vault.remove_user("tamana")
        assert key_slots_check(vault)


def test_a_header_is_never_written_with_more_slots_than_it_may_hold(vault: Vault) -> None:
    header = header_of(vault.path)
    spare = header.of_kind(RECOVERY)[0]
    while len(header.slots) < MAX_SLOTS:
        header = header.with_slot(dataclasses.replace(spare, id=str(uuid.uuid4())))
    (vault.path / HEADER_NAME).write_bytes(header.to_bytes())
    before = (vault.path / HEADER_NAME).read_bytes()
    with pytest.raises(InvalidInput, match="most key slots"):
        vault.add_user("omid", "caseworker", OMID_PASSPHRASE)
    assert (vault.path / HEADER_NAME).read_bytes() == before
    assert [u.name for u in vault.users()] == ["farida"]


@pytest.fixture
def two_sessions(setup: Setup) -> Iterator[tuple[Vault, Vault]]:
    first = Vault.open(setup.path, PASSPHRASE)
    second = Vault.open(setup.path, COORDINATOR_PASSPHRASE)
    yield first, second
    first.close()
    second.close()


def test_a_user_removed_twice_is_not_found_the_second_time(
    two_sessions: tuple[Vault, Vault], setup: Setup
) -> None:
    first, second = two_sessions
    first.remove_user("tamana")
    audit_before = first.conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    with pytest.raises(NotFound, match="no user tamana"):
        second.remove_user("tamana")
    assert first.conn.execute("SELECT count(*) FROM audit_log").fetchone()[0] == audit_before
