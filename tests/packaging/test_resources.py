"""Resources (icons, the desktop entry, fonts, translations) are found through one function."""

from __future__ import annotations

import configparser
import struct
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from intake_desktop import __version__
from intake_desktop.resources import resource_path, resource_root
from tests.helpers import REPO

PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def test_from_source_resources_are_the_repository_folder() -> None:
    assert resource_root() == REPO / "resources"
    assert resource_path("icons", "intake-desktop.svg") == (
        REPO / "resources" / "icons" / "intake-desktop.svg"
    )
    assert resource_path("icons", "intake-desktop.svg").is_file()


def test_frozen_resources_are_in_the_package_data_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resource_path("fonts") == tmp_path / "resources" / "fonts"


def test_the_icon_exists_as_svg_and_every_png_size() -> None:
    svg = ET.parse(resource_path("icons", "intake-desktop.svg")).getroot()
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    assert svg.get("viewBox") == "0 0 256 256"
    for size in PNG_SIZES:
        data = resource_path("icons", f"intake-desktop-{size}.png").read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = struct.unpack(">II", data[16:24])  # the IHDR chunk
        assert (width, height) == (size, size)


def test_the_desktop_entry_starts_the_app_with_its_icon() -> None:
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]
    entry.read(resource_path("intake-desktop.desktop"), encoding="utf-8")
    section = entry["Desktop Entry"]
    assert section["Type"] == "Application"
    assert section["Exec"] == "intake-desktop"
    assert section["Icon"] == "intake-desktop"
    assert section["Terminal"] == "false"
    assert section["Categories"].endswith(";")


def test_the_version_is_written_in_one_place() -> None:
    """pyproject and the spec read intake_desktop.__version__; nothing else spells it."""
    assert 'version = { attr = "intake_desktop.__version__" }' in (
        REPO / "pyproject.toml"
    ).read_text(encoding="utf-8")
    for path in (
        REPO / "packaging" / "intake-desktop.spec",
        resource_path("intake-desktop.desktop"),
    ):
        assert __version__ not in path.read_text(encoding="utf-8"), path
