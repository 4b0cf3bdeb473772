"""Counsel finds a file by its original name with ``age``, ``tar`` and ``jq`` alone.

The ``jq`` programs are read from docs/bundle-format.md ("Finding a file by
its original name") and run as written, so the recipe counsel follows is the
one tested. Skips without the programs unless INTAKE_REQUIRE_INTEROP is set.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from intake_desktop.core.bundle.export import export_bundle
from intake_desktop.core.cases import CaseStore
from intake_desktop.core.trust import TrustStore
from tests.bundle_forge import add_attachment, recipient_ref
from tests.helpers import MINIMAL_CASE, make_vault
from tests.interop.test_age_minisign import need

DOC = Path(__file__).resolve().parents[2] / "docs" / "bundle-format.md"
FILES = {
    "tazkira.pdf": b"%PDF-1.4\n" + os.urandom(40_000),
    "عکس\u200cخانواده.jpg": b"\xff\xd8\xff\xe0" + os.urandom(30_000),
}


def _recipe() -> list[str]:
    """The jq programs of the section, in order (listing, then finding one)."""
    text = DOC.read_text(encoding="utf-8")
    section = text.split("### Finding a file by its original name", 1)[1].split("\n#", 1)[0]
    programs = re.findall(r"jq -r (?:--arg name \S+ )?'([^']*)'", section)
    assert len(programs) == 2, programs
    return programs


@pytest.fixture(scope="module")
def unpacked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    need("age", "age-keygen", "tar", "jq")
    root = tmp_path_factory.mktemp("names")
    key = root / "counsel.key"
    subprocess.run(["age-keygen", "-o", str(key)], check=True, capture_output=True)
    made = subprocess.run(["age-keygen", "-y", str(key)], check=True, capture_output=True)
    recipient = made.stdout.decode().strip()
    vault, _ = make_vault(root / "vault", name="Field laptop")
    try:
        case_id = CaseStore(vault).add_case(MINIMAL_CASE)
        for name, data in FILES.items():
            add_attachment(vault, case_id, data, name)
        TrustStore(vault).add_recipient("Counsel", recipient)
        bundle = root / "for-counsel.intake"
        export_bundle(vault, [recipient_ref("Counsel", recipient)], bundle)
    finally:
        vault.close()
    folder = root / "unpacked"
    folder.mkdir()
    age = subprocess.Popen(["age", "-d", "-i", str(key), str(bundle)], stdout=subprocess.PIPE)
    subprocess.run(["tar", "-x"], stdin=age.stdout, cwd=folder, check=True)
    assert age.stdout is not None
    age.stdout.close()
    assert age.wait() == 0
    return folder


def _jq(folder: Path, *args: str) -> str:
    records = sorted(str(p.relative_to(folder)) for p in (folder / "records").glob("*.json"))
    done = subprocess.run(["jq", "-r", *args, *records], cwd=folder, capture_output=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.decode("utf-8")


def test_the_listing_maps_each_original_name_to_its_file(unpacked: Path) -> None:
    listing, _ = _recipe()
    rows = [line.split("\t") for line in _jq(unpacked, listing).splitlines()]
    assert sorted(row[2] for row in rows) == sorted(FILES)
    for sha256, media_type, name in rows:
        assert (unpacked / "attachments" / sha256).read_bytes() == FILES[name]
        assert media_type == ("application/pdf" if name.endswith(".pdf") else "image/jpeg")


@pytest.mark.parametrize("name", sorted(FILES))
def test_finding_one_by_name_gives_its_bytes(unpacked: Path, name: str) -> None:
    _, find = _recipe()
    (sha256,) = _jq(unpacked, "--arg", "name", name, find).split()
    assert (unpacked / "attachments" / sha256).read_bytes() == FILES[name]
