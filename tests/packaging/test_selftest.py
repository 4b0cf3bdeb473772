"""``intake-desktop --self-test`` from source: what it checks, and that a failure shows.

The packaged app runs the same self-test in CI (.ci/package.sh); here it runs
as ``python -m intake_desktop --self-test``, the real command in a fresh
process, with real SQLCipher, cryptography, pyrage, minisign, Qt offscreen and fonts.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from intake_desktop.resources import resource_path
from intake_desktop.selftest import xcb
from intake_desktop.selftest.letters import PASHTO, REQUIRED, font_files
from tests.helpers import REPO

SYSTEM_NOTO = Path("/usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf")
SYSTEM_DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")  # lacks ۍ (U+06CD)
CRYPTO_AND_QT = (
    "sqlcipher raw key",
    "argon2id",
    "age round trip",
    "age bundle layer",
    "minisign sign/verify",
    "qt offscreen",
)
FONTS = "font covers Dari and Pashto"


def self_test(tmp_path: Path, *args: str) -> tuple[int, dict[str, str]]:
    """Run it as a user would, with a home and temp folder we can inspect afterwards."""
    home, tmp = tmp_path / "home", tmp_path / "tmp"
    home.mkdir(exist_ok=True)
    tmp.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INTAKE_", "QT_", "XDG_"))}
    env.pop("DISPLAY", None)
    env.update(HOME=str(home), TMPDIR=str(tmp))
    result = subprocess.run(
        [sys.executable, "-m", "intake_desktop", "--self-test", *args],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        timeout=180,
        check=False,
    )
    stdout = result.stdout.decode("utf-8")
    assert "Traceback" not in stdout + result.stderr.decode("utf-8", "replace"), stdout
    lines: dict[str, str] = {}
    for line in stdout.splitlines()[:-1]:
        status, rest = line.split(None, 1)
        label = rest.split(" (")[0].split(": ")[0]
        lines[label] = f"{status} {rest}"
    assert stdout.splitlines()[-1].startswith("self-test: "), stdout
    return result.returncode, lines


def fonts_folder(tmp_path: Path, *fonts: Path) -> Path:
    folder = tmp_path / "fonts"
    folder.mkdir()
    for font in fonts:
        shutil.copy(font, folder / font.name)
    return folder


def test_every_check_it_can_run_here_passes(tmp_path: Path) -> None:
    if not SYSTEM_NOTO.is_file() and not font_files(resource_path("fonts")):
        pytest.skip("no font covering Pashto on this machine (fonts-noto-core)")
    fonts = resource_path("fonts")
    if not font_files(fonts):
        fonts = fonts_folder(tmp_path, SYSTEM_NOTO)
    code, lines = self_test(tmp_path, "--fonts", str(fonts))
    for label in (*CRYPTO_AND_QT, FONTS):
        assert lines[label].startswith("ok "), lines
    assert lines["xcb"].startswith("skip xcb: not checked (no display)"), lines
    assert code == 0


def test_the_age_layer_check_names_the_cryptography_it_ran_on(tmp_path: Path) -> None:
    _code, lines = self_test(tmp_path, "--fonts", str(fonts_folder(tmp_path)))
    assert lines["age bundle layer"].startswith("ok age bundle layer (cryptography "), lines


def test_no_font_is_a_plain_failure_and_a_non_zero_exit(tmp_path: Path) -> None:
    empty = fonts_folder(tmp_path)
    code, lines = self_test(tmp_path, "--fonts", str(empty))
    assert code == 1
    assert lines[FONTS] == (
        f"FAILED {FONTS}: no font is bundled: no .ttf or .otf file under {empty}"
    )
    for label in CRYPTO_AND_QT:  # the other checks still ran
        assert lines[label].startswith("ok "), lines


@pytest.mark.skipif(not SYSTEM_DEJAVU.is_file(), reason="DejaVu Sans is not installed")
def test_a_font_missing_one_pashto_letter_fails_and_names_it(tmp_path: Path) -> None:
    """The check asks about every letter: DejaVu Sans has Arabic script, but not ۍ."""
    code, lines = self_test(tmp_path, "--fonts", str(fonts_folder(tmp_path, SYSTEM_DEJAVU)))
    assert code == 1
    assert lines[FONTS].startswith(f"FAILED {FONTS}: no bundled font covers"), lines
    assert "DejaVuSans.ttf lacks " in lines[FONTS]
    assert "ۍ (U+06CD)" in lines[FONTS]


def test_the_bundled_fonts_are_what_it_checks_by_default(tmp_path: Path) -> None:
    code, lines = self_test(tmp_path)
    if font_files(resource_path("fonts")):
        assert lines[FONTS].startswith(f"ok {FONTS}"), lines
        assert code == 0
    else:  # until resources/fonts/ lands: said plainly, and a failure
        assert lines[FONTS].startswith(f"FAILED {FONTS}: no font is bundled"), lines
        assert str(REPO / "resources" / "fonts") in lines[FONTS]
        assert code == 1


def test_it_writes_nothing_outside_its_private_folder(tmp_path: Path) -> None:
    self_test(tmp_path, "--fonts", str(fonts_folder(tmp_path)))
    assert list((tmp_path / "home").iterdir()) == []
    assert list((tmp_path / "tmp").iterdir()) == []


def test_the_required_letters_include_every_pashto_letter_digits_and_zwnj() -> None:
    for letter in ("ټ", "ځ", "څ", "ډ", "ړ", "ږ", "ښ", "ګ", "ڼ", "ې", "ۍ"):
        assert letter in PASHTO and letter in REQUIRED
    assert "۰۱۲۳۴۵۶۷۸۹" in REQUIRED
    assert "\u200c" in REQUIRED
    assert len(set(REQUIRED)) == len(REQUIRED)


# --- the xcb libraries -------------------------------------------------------------


def test_a_missing_xcb_library_is_named_with_its_package(tmp_path: Path) -> None:
    """A copy of Qt's real xcb plugin that needs a library no system has."""
    plugin = xcb.plugin_file()
    if plugin is None or shutil.which("ldd") is None:
        pytest.skip("needs Linux, ldd and PySide6's xcb plugin")
    data = plugin.read_bytes()
    assert b"libxcb-cursor.so.0\x00" in data
    broken = tmp_path / "libqxcb.so"
    broken.write_bytes(data.replace(b"libxcb-cursor.so.0\x00", b"libxcb-cursxr.so.0\x00"))
    assert xcb.missing_libraries(plugin) == []  # the genuine one loads here (CI installs them)
    assert "libxcb-cursxr.so.0" in (xcb.missing_libraries(broken) or [])


def test_what_qt_and_the_loader_say_becomes_one_plain_sentence() -> None:
    qt_says = (
        'qt.core.library: "/x/plugins/platforms/libqxcb.so" cannot load: Cannot load library '
        "/x/plugins/platforms/libqxcb.so: (libxcb-cursor.so.0: cannot open shared object "
        "file: No such file or directory)"
    )
    missing = xcb.libraries_named_in(qt_says)
    assert missing == ["libxcb-cursor.so.0"]
    assert xcb.explain(missing) == (
        "missing system library: libxcb-cursor.so.0; "
        "on Debian or Ubuntu install with: sudo apt-get install libxcb-cursor0"
    )
    assert xcb.packages_for(["libEGL.so.1", "libGL.so.1", "libunknown.so.3"]) == [
        "libegl1",
        "libgl1",
    ]


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, False),  # no display: Qt will not start on X11
        ({"DISPLAY": ":0"}, True),
        ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"}, False),
        ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "xcb"}, True),
        ({"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0"}, False),  # from source: Wayland
        ({"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0", "QT_QPA_PLATFORM": "xcb"}, True),
    ],
)
def test_the_startup_hint_looks_only_when_qt_will_use_x11(
    environ: dict[str, str], expected: bool
) -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("Linux only")
    assert xcb.will_use_xcb(environ) is expected


def test_self_test_is_also_a_global_option(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTAKE_")}
    env.pop("DISPLAY", None)
    result = subprocess.run(
        [sys.executable, "-m", "intake_desktop", "--help"],
        env=env,
        capture_output=True,
        timeout=60,
        check=True,
    )
    assert b"--self-test" in result.stdout
