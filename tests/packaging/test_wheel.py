"""``pip install .`` gives a whole app: the wheel carries every resource, where the code looks.

The wheel is built as pip builds it from a clone (an isolated build with the
setuptools pyproject.toml asks for), from a copy of what the build reads, so
the checkout gets no ``build/`` folder. Then it is unpacked as an install
would lay it out and asked, in a fresh interpreter, where its resources are
and to speak Dari. .ci/wheel.sh goes further in CI: a fresh virtualenv with
the wheel and its dependencies installed, outside the source tree,
``--self-test`` and a demo vault.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import REPO

# What the build reads (pyproject.toml names README.md as the long description).
BUILD_INPUTS = (
    "pyproject.toml",
    "setup.py",
    "MANIFEST.in",
    "README.md",
    "intake_desktop",
    "resources",
)
SOURCES_ONLY = (".po", ".pot")  # translators' files; the app reads the compiled .mo


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("wheel")
    source = root / "source"
    source.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in BUILD_INPUTS:
        path = REPO / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=ignore)
        else:
            shutil.copy2(path, source / name)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--quiet",
            "-w",
            str(root / "dist"),
            ".",
        ],
        cwd=source,
        capture_output=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-4000:]
    (built,) = (root / "dist").glob("intake_desktop-*.whl")
    yield built


def _shipped(wheel: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(wheel) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_the_wheel_carries_every_resource_byte_for_byte(wheel: Path) -> None:
    files = _shipped(wheel)
    resources = REPO / "resources"
    expected = {
        path.relative_to(resources).as_posix(): path
        for path in resources.rglob("*")
        if path.is_file() and path.suffix not in SOURCES_ONLY
    }
    # What the app cannot do without: both Arabic-script fonts, every
    # language's compiled catalog, the icons, the desktop entry (and any style sheet).
    wanted = {
        "fonts/NotoSansArabic-Regular.ttf",
        "fonts/NotoNaskhArabic-Regular.ttf",
        "fonts/OFL.txt",
        "locale/fa_AF/LC_MESSAGES/intake_desktop.mo",
        "locale/ps/LC_MESSAGES/intake_desktop.mo",
        "icons/intake-desktop.svg",
        "icons/intake-desktop-256.png",
        "intake-desktop.desktop",
    }
    assert wanted <= set(expected)
    for name, path in expected.items():
        shipped = files.get(f"intake_desktop/_resources/{name}")
        assert shipped is not None, f"{name} is not in the wheel"
        assert hashlib.sha256(shipped).digest() == hashlib.sha256(path.read_bytes()).digest(), name
    # Nothing at the top of site-packages: a folder named "resources" there would clash.
    assert not [n for n in files if n.startswith("resources/")]
    assert not [n for n in files if n.endswith(SOURCES_ONLY)]


def test_the_wheel_carries_every_module(wheel: Path) -> None:
    files = _shipped(wheel)
    for path in (REPO / "intake_desktop").rglob("*.py"):
        name = path.relative_to(REPO).as_posix()
        assert name in files, f"{name} is not in the wheel"


def test_installed_the_app_finds_its_resources_in_the_package(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site-packages"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    probe = (
        "import sys\n"
        f"sys.path.insert(0, {str(site)!r})\n"
        "import intake_desktop, intake_desktop.resources as r\n"
        "print(intake_desktop.__file__)\n"
        "print(r.resource_path('fonts', 'NotoSansArabic-Regular.ttf'))\n"
        "from intake_desktop.cli import main\n"
        "main(['--language', 'fa_AF', '--help'])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-4000:]
    module, font, *help_lines = done.stdout.decode("utf-8").splitlines()
    assert Path(module).is_relative_to(site), module
    assert (
        Path(font)
        == site / "intake_desktop" / "_resources" / "fonts" / "NotoSansArabic-Regular.ttf"
    )
    assert Path(font).is_file()
    # The Dari catalog came from the wheel: the help is in Arabic script.
    assert sum("\u0600" <= ch <= "\u06ff" for ch in "".join(help_lines)) > 50
