"""No plaintext anywhere: a whole workflow, then every byte it left behind is searched.

The workflow: two vaults made by ``vault init``, a case added with sentinel
strings (Latin and Dari) in its title, names, statement, translation and
notes, two files attached (sentinels in their content and in their names),
searches, the desktop editor typing into the case and attaching a file
(autosave), an export to the second vault and its import there, ``vault
check`` on both, and a failing command or two with ``--debug``.

Then every file under both vaults, the outbox, the temp folder (TMPDIR and
``tempfile.tempdir`` point at a fresh one, also for the subprocesses), the
working folder, the home and XDG folders and the Qt settings file, every
log record (caplog at DEBUG), Qt's messages, this process's own stdout and
stderr, and every subprocess's stderr (and the stdout of commands that are
not asked to print case content) are searched for the sentinels (UTF-8,
UTF-16LE/BE, lower case), both passphrases, both recovery codes, both
vaults' age and minisign secret keys and master keys. None may appear.

The files given to the app (``inputs/``) are the user's own plaintext and
are not searched; they serve as the positive control that the search works.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from intake_desktop.core import identity
from intake_desktop.core.cases import CaseQuery, CaseStore
from intake_desktop.core.records import RecordStore
from intake_desktop.core.vault import Vault
from tests.helpers import REPO

LATIN = {
    "title": "Qzvx7-TITLE-Wakilzada",
    "name": "Qzvx7-NAME-Rahmatullah",
    "alias": "Qzvx7-ALIAS-Rahmatulla",
    "document": "Qzvx7-DOCNUM-88412",
    "statement": "Qzvx7-STATEMENT-checkpoint-Torkham",
    "translation": "Qzvx7-TRANSLATION-threat-letter",
    "note": "Qzvx7-NOTE-safehouse-Karte-Se",
    "content": "Qzvx7-CONTENT-tazkira-number",
    "filename": "Qzvx7-FILENAME-passport",
    "gui": "Qzvx7-GUI-typed-in-editor",
    "gui_file": "Qzvx7-GUIFILE-photo",
    "invalid": "Qzvx7-INVALID-value",
}
# Dari, with letters the search key keeps as they are (no ZWNJ, Persian yeh
# and kaf), so a normalised copy would be caught too.
DARI = {
    "title": "خانواده سنتینلعنوان",
    "name": "سنتینلنام رحمتالله",
    "statement": "سنتینلاظهارات تهدید در بازرسی",
    "translation_of": "سنتینلترجمه",
    "note": "سنتینلیادداشت خانه امن",
    "content": "سنتینلمحتوا تذکره",
    "filename": "سنتینلفایل",
    "gui": "سنتینلویرایشگر",
}
SENTINELS = [*LATIN.values(), *DARI.values()]
PASSPHRASE_A = "رمز سنتینل Qzvx7-PASSPHRASE-field"
PASSPHRASE_B = "Qzvx7-PASSPHRASE-coordinator office"


def case_document() -> dict[str, Any]:
    return {
        "title": f"{LATIN['title']} {DARI['title']}",
        "route": "humanitarian_parole",
        "notes": f"{LATIN['note']}\n{DARI['note']}",
        "people": [
            {
                "id": "p1",
                "full_name": LATIN["name"],
                "role": "principal",
                "names": [
                    {"text": DARI["name"], "script": "arabic"},
                    {"text": LATIN["alias"], "script": "latin", "kind": "alias"},
                ],
                "notes": DARI["note"],
            }
        ],
        "identity_documents": [{"person": "p1", "kind": "tazkira", "number": LATIN["document"]}],
        "statements": [
            {
                "speaker": "p1",
                "language": "fa-AF",
                "text": f"{DARI['statement']} {DARI['translation_of']}",
                "translation": {
                    "language": "en",
                    "text": f"{LATIN['statement']} {LATIN['translation']}",
                },
            }
        ],
        "consents": [{"person": "p1", "scope": ["share_with_counsel"], "given_on": "2026-11-01"}],
    }


# What to look for


def variants(text: str) -> list[bytes]:
    forms = [text, text.lower()]
    found = []
    for form in forms:
        for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
            data = form.encode(encoding)
            if data not in found:
                found.append(data)
    return found


@dataclass
class Needles:
    items: dict[str, list[bytes]] = field(default_factory=dict)

    def add(self, label: str, *values: str | bytes) -> None:
        out = self.items.setdefault(label, [])
        for value in values:
            out += variants(value) if isinstance(value, str) else [value]

    def in_bytes(self, data: bytes) -> list[str]:
        return [label for label, forms in self.items.items() if any(f in data for f in forms)]

    def in_text(self, text: str) -> list[str]:
        return self.in_bytes(text.encode("utf-8"))

    def in_files(self, roots: Iterable[Path]) -> list[tuple[str, list[str]]]:
        hits = []
        for root in roots:
            for path in sorted(root.rglob("*")):
                if path.is_file() and not path.is_symlink():
                    found = self.in_bytes(path.read_bytes())
                    if found:
                        hits.append((str(path), found))
        return hits


def key_needles(needles: Needles, vault: Vault, label: str) -> None:
    keys = identity.load(vault.conn)
    master = bytes(vault._master_key)
    needles.add(f"{label} master key", master.hex(), master.hex().upper(), master)
    needles.add(f"{label} age secret key", keys.age_secret)
    needles.add(f"{label} minisign secret key", keys.signing_secret)
    raw = base64.b64decode(keys.signing_secret)
    needles.add(f"{label} minisign secret key (raw)", raw[-104:])


# Running the command line as a user's script would


@dataclass
class Shell:
    work: Path
    env: dict[str, str]
    stderr: list[tuple[str, str]] = field(default_factory=list)  # (command, text)
    quiet_stdout: list[tuple[str, str]] = field(default_factory=list)

    def run(
        self,
        *args: str,
        vault: Path,
        passphrase: str,
        input: bytes = b"",
        expect: int = 0,
        content_on_stdout: bool = False,
    ) -> str:
        env = {**self.env, "INTAKE_VAULT": str(vault), "INTAKE_PASSPHRASE": passphrase}
        result = subprocess.run(
            [sys.executable, "-m", "intake_desktop", "--debug", *args],
            env=env,
            input=input,
            capture_output=True,
            cwd=self.work,
            timeout=120,
            check=False,
        )
        out = result.stdout.decode("utf-8")
        err = result.stderr.decode("utf-8", "replace")
        assert result.returncode == expect, f"{args}: exit {result.returncode}\n{err[-3000:]}"
        self.stderr.append((" ".join(args[:2]), err))
        if not content_on_stdout:
            self.quiet_stdout.append((" ".join(args[:2]), out))
        return out


@pytest.fixture
def places(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    names = ["vault_a", "vault_b", "outbox", "tmp", "work", "home", "inputs"]
    found = {name: tmp_path / name for name in names}
    for name in ("outbox", "tmp", "work", "home", "inputs"):
        found[name].mkdir()
    home = found["home"]
    for variable, sub in [
        ("HOME", ""),
        ("XDG_CONFIG_HOME", ".config"),
        ("XDG_CACHE_HOME", ".cache"),
        ("XDG_DATA_HOME", ".local/share"),
        ("XDG_STATE_HOME", ".local/state"),
        ("XDG_RUNTIME_DIR", "run"),
    ]:
        target = home / sub
        target.mkdir(parents=True, exist_ok=True, mode=0o700)
        monkeypatch.setenv(variable, str(target))
    monkeypatch.setenv("TMPDIR", str(found["tmp"]))
    monkeypatch.setattr(tempfile, "tempdir", str(found["tmp"]))
    monkeypatch.chdir(found["work"])
    return found


def test_no_case_content_or_secret_is_left_anywhere(
    qtbot: Any,
    places: dict[str, Path],
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
    qtlog: Any,
) -> None:
    from intake_desktop.ui.editor.case_editor import CaseEditor
    from intake_desktop.ui.qt import QColor, QImage, QSettings
    from intake_desktop.ui.services.session import VaultSession
    from tests.ui.case_editor_support import line, select, type_text, wait_saved

    caplog.set_level(logging.DEBUG)
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTAKE_")}
    env.update(INTAKE_KDF_TARGET_MS="0", PYTHONPATH=str(REPO))
    shell = Shell(places["work"], env)
    vault_a, vault_b = places["vault_a"], places["vault_b"]
    needles = Needles()
    for sentinel in SENTINELS:
        needles.add(f"sentinel {sentinel}", sentinel)
    needles.add("passphrase A", PASSPHRASE_A)
    needles.add("passphrase B", PASSPHRASE_B)

    # Two vaults, introduced to each other as scripts would do it.
    codes = {}
    for path, passphrase, role in [
        (vault_a, PASSPHRASE_A, "caseworker"),
        (vault_b, PASSPHRASE_B, "coordinator"),
    ]:
        out = shell.run(
            "vault", "init", "--name", f"{role} laptop", "--role", role, "--json",
            vault=path, passphrase=passphrase, content_on_stdout=True,
        )  # fmt: skip
        codes[role] = json.loads(out)["recovery_code"]
        needles.add(f"recovery code ({role})", codes[role], codes[role].replace("-", ""))
    ident_a = json.loads(shell.run("identity", "--json", vault=vault_a, passphrase=PASSPHRASE_A))
    ident_b = json.loads(shell.run("identity", "--json", vault=vault_b, passphrase=PASSPHRASE_B))
    shell.run(
        "trust", "add-recipient", "office", ident_b["recipient"], "--yes",
        vault=vault_a, passphrase=PASSPHRASE_A,
    )  # fmt: skip
    shell.run(
        "trust", "add-device", "field", ident_a["signing_key"], "--yes",
        vault=vault_b, passphrase=PASSPHRASE_B,
    )  # fmt: skip

    # The case and two files, through the command line.
    document = json.dumps(case_document(), ensure_ascii=False).encode("utf-8")
    case_id = shell.run(
        "case", "add", "--json", "-", vault=vault_a, passphrase=PASSPHRASE_A, input=document
    ).strip()
    scan = places["inputs"] / f"{LATIN['filename']}.pdf"
    scan.write_bytes(f"%PDF-1.4\n{LATIN['content']}\n{DARI['content']}\n".encode() * 50)
    letter = places["inputs"] / f"{DARI['filename']}.txt"
    letter.write_bytes(f"{DARI['content']} {LATIN['content']}".encode("utf-16"))
    for path in (scan, letter):
        shell.run("attach", case_id, str(path), vault=vault_a, passphrase=PASSPHRASE_A)
    found = shell.run(
        "case", "list", "--json", "--search", "rahmatul",
        vault=vault_a, passphrase=PASSPHRASE_A, content_on_stdout=True,
    )  # fmt: skip
    assert [row["id"] for row in json.loads(found)] == [case_id]
    # Refused input echoes paths, never values, even with --debug's traceback.
    bad = {"title": LATIN["invalid"], "route": DARI["title"], "people": [{"sex": LATIN["name"]}]}
    shell.run(
        "case", "add", "--json", "-", vault=vault_a, passphrase=PASSPHRASE_A,
        input=json.dumps(bad, ensure_ascii=False).encode(), expect=6,
    )  # fmt: skip

    # In this process: search, then the desktop editor typing and attaching.
    vault = Vault.open(vault_a, PASSPHRASE_A)
    key_needles(needles, vault, "vault A")
    for query in (DARI["name"].split()[0], LATIN["document"], "torkham"):
        assert [c.id for c in CaseStore(vault).list(CaseQuery(search=query))] == [case_id]
    settings = QSettings(str(places["home"] / "settings.ini"), QSettings.Format.IniFormat)
    session = VaultSession(vault_a, settings)
    session._opened(vault)
    editor = CaseEditor(session)
    qtbot.addWidget(editor)
    editor.show()
    editor.open_case(case_id)
    session.about_to_lock.connect(editor.flush)  # as the main window does
    select(editor, "person", 0)
    place = line(editor, "person", "place_of_birth")
    place.setFocus()
    with wait_saved(qtbot, editor):
        type_text(place, f"{LATIN['gui']} {DARI['gui']}")
    photo = places["inputs"] / f"{LATIN['gui_file']}.png"
    image = QImage(60, 40, QImage.Format.Format_RGB32)
    image.fill(QColor("#3a6ea5"))
    image.setText("Comment", LATIN["gui_file"])
    assert image.save(str(photo))
    select(editor, "evidence", 0)
    editor.attach_files([photo])
    assert editor.attachments.table.rowCount() == 2  # the scan from the CLI, and the photo
    session.lock()  # saves, closes the database, forgets the key
    editor.close()
    settings.sync()

    # Export to the coordinator; import there.
    bundle = places["outbox"] / "to-office.intake"
    shell.run(
        "export", "--to", "office", "--all", "--out", str(bundle),
        vault=vault_a, passphrase=PASSPHRASE_A,
    )  # fmt: skip
    shell.run("import", str(bundle), "--json", vault=vault_b, passphrase=PASSPHRASE_B)
    for path, passphrase in [(vault_a, PASSPHRASE_A), (vault_b, PASSPHRASE_B)]:
        shell.run("vault", "check", vault=path, passphrase=passphrase)
    with Vault.open(vault_b, PASSPHRASE_B) as coordinator:
        key_needles(needles, coordinator, "vault B")
        arrived = CaseStore(coordinator).list(CaseQuery(search=DARI["name"]))
        assert [c.id for c in arrived] == [case_id]
        people = [r for r in RecordStore(coordinator).of_case(case_id) if r.kind == "person"]
        assert LATIN["gui"] in people[0].body["place_of_birth"]  # the GUI's edit travelled

    # The search works: it finds what the user gave the app in inputs/.
    control = needles.in_files([places["inputs"]])
    assert {label for _, labels in control for label in labels} >= {
        f"sentinel {LATIN['content']}",
        f"sentinel {DARI['content']}",
        f"sentinel {LATIN['gui_file']}",
    }
    assert needles.in_bytes(LATIN["name"].encode("utf-16-be")) == [f"sentinel {LATIN['name']}"]

    # Nothing on disk.
    roots = [vault_a, vault_b, *(places[n] for n in ("outbox", "tmp", "work", "home"))]
    assert needles.in_files(roots) == []
    assert bundle.stat().st_size > 0 and (vault_a / "vault.db").stat().st_size > 0
    # Nothing in any log, Qt message, or output that is not a command's result.
    records = [
        record.getMessage() + "\n" + (record.exc_text or "") + (record.stack_info or "")
        for record in caplog.records
    ]
    assert [r for r in records if needles.in_text(r)] == []
    assert [str(m.message) for m in qtlog.records if needles.in_text(str(m.message))] == []
    out, err = capfd.readouterr()
    assert needles.in_text(out) == [] and needles.in_text(err) == []
    leaks = [(cmd, needles.in_text(text)) for cmd, text in shell.stderr if needles.in_text(text)]
    assert leaks == []
    leaks = [
        (cmd, needles.in_text(text)) for cmd, text in shell.quiet_stdout if needles.in_text(text)
    ]
    assert leaks == []
    # --debug really was on: the subprocesses' logs were there to be searched.
    assert any("vault created" in text for _, text in shell.stderr)


def test_the_app_process_cannot_leave_a_core_dump(tmp_path: Path) -> None:
    probe = (
        "import ctypes, resource, sys\n"
        "from intake_desktop.cli import main\n"
        "main(['--vault', sys.argv[1], 'identity'])\n"
        "dumpable = ctypes.CDLL(None).prctl(3, 0, 0, 0, 0)  # PR_GET_DUMPABLE\n"
        "print(*resource.getrlimit(resource.RLIMIT_CORE), dumpable)\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTAKE_")}
    result = subprocess.run(
        [sys.executable, "-c", probe, str(tmp_path / "no-vault")],
        env={**env, "INTAKE_PASSPHRASE": PASSPHRASE_B},
        capture_output=True,
        cwd=REPO,
        timeout=60,
        check=False,
    )
    soft, hard, dumpable = (int(v) for v in result.stdout.split())
    assert (soft, hard) == (0, 0) and dumpable == 0
