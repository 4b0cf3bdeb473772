"""Guessing passphrases: each failure makes the next try wait longer, and the work
factor an attacker would most like to lower (the header's Argon2id parameters)
cannot be lowered by editing the header.

The pause lives in memory (a failed unlock must change nothing on disk), so
it slows a person at the keyboard of a seized laptop, not someone with a
copy of the folder: against that, only Argon2id and the passphrase count
(docs/threat-model.md has the arithmetic).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import pty
import select
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from intake_desktop.core.errors import VaultDamaged, WrongPassphrase
from intake_desktop.core.files import write_private_atomic
from intake_desktop.core.keyslots import FLOOR, USER, KdfParams, KeySlotHeader
from intake_desktop.core.throttle import UnlockThrottle
from intake_desktop.core.vault import HEADER_NAME, Vault
from tests.cli.in_process import run_in_process
from tests.helpers import PASSPHRASE, REPO, make_vault


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def derivations(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int, int]]:
    """Every Argon2id derivation this process makes: (memory KiB, passes, lanes)."""
    seen: list[tuple[int, int, int]] = []
    real = KdfParams.derive

    def counting(self: KdfParams, secret: str) -> bytes:
        seen.append((self.memory_kib, self.iterations, self.lanes))
        return real(self, secret)

    monkeypatch.setattr(KdfParams, "derive", counting)
    return seen


def folder_state(folder: Path) -> dict[str, tuple[str, int]]:
    return {
        p.name: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
        for p in sorted(folder.iterdir())
        if p.is_file()
    }


# The app: a growing pause, and no Argon2id at all while it lasts


def test_the_app_waits_longer_after_each_failure_and_tries_nothing_meanwhile(
    qtbot: Any, tmp_path: Path, derivations: list[tuple[int, int, int]]
) -> None:
    from intake_desktop.ui.qt import QSettings
    from intake_desktop.ui.services.session import VaultSession

    path = tmp_path / "vault"
    make_vault(path)[0].close()
    derivations.clear()
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    session = VaultSession(path, settings)
    clock = FakeClock()
    session.throttle = UnlockThrottle(clock=clock)
    before = folder_state(path)

    def attempt(passphrase: str) -> tuple[str, float]:
        with qtbot.waitSignal(session.unlock_failed, timeout=20_000) as blocker:
            session.unlock(passphrase)
        message, delay = blocker.args
        return message, delay

    pauses = []
    for failure in range(1, 6):
        message, delay = attempt(f"guess number {failure}")
        assert message == "Wrong passphrase."
        pauses.append(delay)
        assert len(derivations) == failure  # one user slot: one Argon2id per guess
        # During the pause every try is refused at once, even the right one,
        # and no Argon2id is run for it.
        clock.now += delay - 0.01
        for passphrase in ("another guess", PASSPHRASE):
            message, remaining = attempt(passphrase)
            assert "Wait" in message and 0 < remaining <= 0.011
        assert len(derivations) == failure
        clock.now += 0.01
    assert pauses == [1.0, 2.0, 4.0, 8.0, 16.0]
    assert folder_state(path) == before  # failures change nothing on disk

    with qtbot.waitSignal(session.unlocked, timeout=20_000):
        session.unlock(PASSPHRASE)
    assert session.is_unlocked and session.throttle.failures == 0
    session.lock()


# The command line on a terminal: three tries, with real pauses between them


def _read_until(fd: int, marker: bytes, deadline: float) -> bytes:
    seen = b""
    while marker not in seen:
        left = deadline - time.monotonic()
        assert left > 0, f"no {marker!r} in {seen!r}"
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            seen += chunk
    return seen


def test_the_command_line_pauses_between_typed_passphrases(tmp_path: Path) -> None:
    path = tmp_path / "vault"
    make_vault(path)[0].close()
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTAKE_")}
    env.update(INTAKE_VAULT=str(path), INTAKE_KDF_TARGET_MS="0", PYTHONPATH=str(REPO))
    pid, fd = pty.fork()
    if pid == 0:  # the child: the real command line, on a real terminal
        os.execve(sys.executable, [sys.executable, "-m", "intake_desktop", "case", "list"], env)
    try:
        deadline = time.monotonic() + 60
        prompts, refusals = [], []
        output = b""
        for guess in (b"wrong one", b"wrong two", b"wrong three"):
            output += _read_until(fd, b"Passphrase: ", deadline)
            prompts.append(time.monotonic())
            output = output.replace(b"Passphrase: ", b"<prompt>", 1)
            os.write(fd, guess + b"\n")
            output += _read_until(fd, b"Wrong passphrase.", deadline)
            refusals.append(time.monotonic())
        output += _read_until(fd, b"\n" * 1000, deadline)  # to the end
        _, status = os.waitpid(pid, 0)
    finally:
        os.close(fd)
    assert os.waitstatus_to_exitcode(status) == 4
    text = output.decode("utf-8", "replace")
    assert text.count("Wrong passphrase.") == 3, text
    for guess in ("wrong one", "wrong two", "wrong three"):
        assert guess not in text  # typed without echo
    # Argon2id takes ~0.25 s at the floor; the pauses are 1 s, then 2 s.
    gaps = [b - a for a, b in itertools.pairwise(prompts)]
    assert gaps[0] >= 1.0 and gaps[1] >= 2.0, gaps
    # The pauses alone, from a refusal to the next prompt (Argon2id runs before
    # the refusal is printed): a busy machine slows Argon2id, not a sleep.
    pauses = [prompt - refused for refused, prompt in zip(refusals, prompts[1:], strict=False)]
    assert pauses[1] > pauses[0] + 0.8, (pauses, gaps)


# The header's work factor cannot be lowered by editing it


STRONG = KdfParams(
    memory_kib=FLOOR.memory_kib * 2, iterations=FLOOR.iterations + 1, lanes=4, salt=b""
)


@pytest.fixture(scope="module")
def strong_original(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A vault whose user slot is sealed above the floor (128 MiB, 4 passes, 4 lanes)."""
    path = tmp_path_factory.mktemp("strong") / "vault"
    make_vault(path)[0].close()
    header = KeySlotHeader.from_bytes((path / HEADER_NAME).read_bytes())
    slot = header.of_kind(USER)[0]
    master = header.open(slot, PASSPHRASE)
    assert master is not None
    strong = header.seal(USER, PASSPHRASE, master, STRONG, slot.id)
    write_private_atomic(path / HEADER_NAME, header.replacing(slot.id, strong).to_bytes())
    Vault.open(path, PASSPHRASE).close()
    return path


@pytest.fixture
def strong_vault(strong_original: Path, tmp_path: Path) -> Path:
    """A copy of it for one test to edit."""
    return Path(shutil.copytree(strong_original, tmp_path / "vault"))


def edit_user_slot(path: Path, **kdf: int) -> bytes:
    doc = json.loads((path / HEADER_NAME).read_bytes())
    slot = next(s for s in doc["slots"] if s["kind"] == "user")
    slot["kdf"].update(kdf)
    data = json.dumps(doc, indent=2, sort_keys=True).encode() + b"\n"
    (path / HEADER_NAME).write_bytes(data)
    return data


@pytest.mark.parametrize(
    "lowered",
    [
        {"memory_kib": FLOOR.memory_kib},  # half the memory, still at the floor
        {"iterations": FLOOR.iterations},  # one pass fewer
        {"lanes": 1},  # lanes have no floor; they are authenticated all the same
        {"memory_kib": FLOOR.memory_kib, "iterations": FLOOR.iterations, "lanes": 1},
    ],
    ids=["memory", "passes", "lanes", "all"],
)
def test_a_header_edited_to_weaker_parameters_opens_nothing(
    strong_vault: Path, lowered: dict[str, int], derivations: list[tuple[int, int, int]]
) -> None:
    original = (strong_vault / HEADER_NAME).read_bytes()
    edited = edit_user_slot(strong_vault, **lowered)
    before = folder_state(strong_vault)
    derivations.clear()
    with pytest.raises(WrongPassphrase):
        Vault.open(strong_vault, PASSPHRASE)
    # The cheaper derivation was run, and its key did not unwrap the master key:
    # the parameters are in the slot's AEAD associated data.
    weak = (
        lowered.get("memory_kib", STRONG.memory_kib),
        lowered.get("iterations", STRONG.iterations),
        lowered.get("lanes", STRONG.lanes),
    )
    assert derivations == [weak]
    assert folder_state(strong_vault) == before  # nothing else changed
    assert (strong_vault / HEADER_NAME).read_bytes() == edited
    (strong_vault / HEADER_NAME).write_bytes(original)
    Vault.open(strong_vault, PASSPHRASE).close()


@pytest.mark.parametrize(
    "lowered", [{"memory_kib": FLOOR.memory_kib // 2}, {"iterations": 2}, {"iterations": 1}]
)
def test_a_header_edited_below_the_floor_is_refused_before_any_derivation(
    strong_vault: Path, lowered: dict[str, int], derivations: list[tuple[int, int, int]]
) -> None:
    edit_user_slot(strong_vault, **lowered)
    before = folder_state(strong_vault)
    derivations.clear()
    with pytest.raises(VaultDamaged, match="key-slot header is damaged"):
        Vault.open(strong_vault, PASSPHRASE)
    assert derivations == []
    assert folder_state(strong_vault) == before


def test_the_command_line_reports_a_weakened_header_and_changes_nothing(
    strong_vault: Path,
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTAKE_")}
    env.update(
        INTAKE_VAULT=str(strong_vault), INTAKE_PASSPHRASE=PASSPHRASE, INTAKE_KDF_TARGET_MS="0"
    )
    original = (strong_vault / HEADER_NAME).read_bytes()
    for lowered, code, message in [
        ({"memory_kib": FLOOR.memory_kib}, 4, "Wrong passphrase."),
        ({"iterations": 1}, 7, "The key-slot header is damaged (passes)."),
    ]:
        edit_user_slot(strong_vault, **lowered)
        before = folder_state(strong_vault)
        result = run_in_process("vault", "check", env=env)
        assert result.returncode == code
        assert result.stderr.decode().strip() == f"intake-desktop: {message}"
        assert folder_state(strong_vault) == before
        (strong_vault / HEADER_NAME).write_bytes(original)
    assert run_in_process("vault", "check", env=env).returncode == 0
