"""Drafts across processes: a restart, a kill -9, and nothing of a draft on disk in plaintext.

The in-process half is tests/ui/test_drafts.py.
"""

from __future__ import annotations

import os
import select as io_select
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from intake_desktop.core.check import check_vault
from intake_desktop.core.drafts import DraftStore
from intake_desktop.ui.qt import (
    QSettings,
)
from tests.helpers import REPO
from tests.ui.case_editor_support import select
from tests.ui.draft_driver import DATE, PARAGRAPH
from tests.ui.draft_support import (
    assert_statement_draft_shown,
    make_family,
    new_window,
    open_case,
    opened,
    press_ctrl_l,
    type_date_then_paragraph,
    unlock,
)


@pytest.fixture
def family(tmp_path: Path) -> tuple[Path, str]:
    """A vault with a family case (a statement among its records)."""
    path = tmp_path / "vault"
    return path, make_family(path)


def test_a_fresh_process_locks_with_ctrl_l_and_the_next_one_shows_the_draft(
    qtbot: Any, family: tuple[Path, str], settings: QSettings
) -> None:
    path, case_id = family
    result = subprocess.run(
        [sys.executable, "-m", "tests.ui.draft_driver", "lock", str(path), case_id],
        cwd=REPO,
        env=driver_env(),
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")[-3000:]
    assert result.stdout.decode().split() == ["ready", "locked"]

    window = new_window(qtbot, path, settings)  # another process, another session: the file
    unlock(qtbot, window)
    editor = open_case(qtbot, window, case_id)
    select(editor, "statement", 0)
    assert_statement_draft_shown(editor)


# Crash and disk


def driver_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTAKE_")}
    env.update(INTAKE_KDF_TARGET_MS="0", QT_QPA_PLATFORM="offscreen")
    return env


def read_line(proc: subprocess.Popen[bytes], timeout: float = 60) -> str:
    assert proc.stdout is not None
    ready, _, _ = io_select.select([proc.stdout], [], [], timeout)
    return proc.stdout.readline().decode() if ready else ""


@pytest.mark.slow
def test_the_paragraph_survives_a_kill_after_the_autosave_delay(tmp_path: Path) -> None:
    path = tmp_path / "vault"
    case_id = make_family(path)
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.ui.draft_driver", "crash", str(path), case_id],
        cwd=REPO,
        env=driver_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert read_line(proc) == "ready\n"
        said = read_line(proc).split()  # after the autosave, with no flush, lock or close
        assert said[:1] == ["kept"], said
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL
    with opened(path) as vault:
        assert [r.ok for r in check_vault(vault) if not r.ok] == []
        draft = DraftStore(vault).get(said[1])
        assert draft is not None and draft.is_new
        assert draft.fields["language"]["text"] == PARAGRAPH
        assert draft.fields["date"] == {"text": DATE}


def test_a_draft_is_nowhere_on_disk_in_plaintext(
    qtbot: Any, family: tuple[Path, str], settings: QSettings, tmp_path: Path
) -> None:
    path, case_id = family
    window = new_window(qtbot, path, settings)
    unlock(qtbot, window)
    editor = open_case(qtbot, window, case_id)
    editor.add_record("statement")  # the whole of it lives in the draft
    type_date_then_paragraph(editor)
    press_ctrl_l(qtbot, window)
    settings.sync()

    with opened(path) as vault:  # the positive control: it is in the vault
        (draft,) = DraftStore(vault).of_case(case_id)
        assert PARAGRAPH in draft.fields["language"]["text"]
    words = [PARAGRAPH, "Qzvx9-DRAFT-PARAGRAPH", "ما شب از مرز گذشتیم"]
    needles = [w.encode(enc) for w in words for enc in ("utf-8", "utf-16-le", "utf-16-be")]
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.name == "vault.db" for p in files)
    found = [str(p) for p in files if any(n in p.read_bytes() for n in needles)]
    assert found == []
