"""The desktop entry, AppStream metainfo and icons in resources/, and the bundle's runtime hook."""

from __future__ import annotations

import configparser
import os
import runpy
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RESOURCES = ROOT / "resources"
APP_ID = "org.patientwallet.PatientWallet"
DESKTOP = RESOURCES / f"{APP_ID}.desktop"
METAINFO = RESOURCES / f"{APP_ID}.metainfo.xml"
ICONS = RESOURCES / "icons" / "hicolor"
SVG = ICONS / "scalable" / "apps" / f"{APP_ID}.svg"
PNG_SIZES = (48, 128, 256)


def _desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=",))
    parser.optionxform = str  # keys are case-sensitive
    parser.read(DESKTOP, encoding="utf-8")
    return parser["Desktop Entry"]


def test_desktop_entry_launches_the_program_with_its_icon():
    entry = _desktop_entry()
    assert entry["Type"] == "Application"
    assert entry["Exec"] == "patient-wallet"
    assert entry["Icon"] == APP_ID
    assert entry["Terminal"] == "false"
    assert entry["Categories"].split(";")[:2] == ["Office", "MedicalSoftware"]


def test_desktop_file_validate_accepts_the_entry():
    done = subprocess.run(
        ["desktop-file-validate", str(DESKTOP)], capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "error:" not in done.stdout


def test_metainfo_names_the_desktop_entry_and_the_icon():
    component = ET.parse(METAINFO).getroot()
    assert component.tag == "component"
    assert component.get("type") == "desktop-application"
    assert component.findtext("id") == APP_ID
    assert component.find("launchable").text == DESKTOP.name
    assert component.findtext("icon") == APP_ID
    assert component.findtext("project_license") == "Apache-2.0"
    assert component.find("provides/binary").text == "patient-wallet"


def test_appstreamcli_validates_the_metainfo():
    done = subprocess.run(
        ["appstreamcli", "validate", "--no-net", str(METAINFO)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_svg_icon_is_square_svg():
    root = ET.parse(SVG).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("viewBox") == "0 0 256 256"


@pytest.mark.parametrize("size", PNG_SIZES)
def test_png_icons_have_their_size(size: int):
    data = (ICONS / f"{size}x{size}" / "apps" / f"{APP_ID}.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (size, size)


@pytest.mark.parametrize("size", PNG_SIZES)
def test_png_icons_are_renders_of_the_svg(qapp, size: int, tmp_path: Path):
    from PySide6.QtGui import QImage

    sys.path.insert(0, str(ROOT / "packaging"))
    try:
        from render_icons import render
    finally:
        sys.path.remove(str(ROOT / "packaging"))
    (fresh,) = render(SVG, tmp_path, (size,))
    committed = QImage(str(ICONS / f"{size}x{size}" / "apps" / f"{APP_ID}.png"))
    new = QImage(str(fresh))
    assert not committed.isNull()
    assert committed.convertToFormat(QImage.Format.Format_ARGB32) == new.convertToFormat(
        QImage.Format.Format_ARGB32
    ), "the PNG icons are stale: run .venv/bin/python packaging/render_icons.py"


def test_runtime_hook_points_at_the_bundled_anvil(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    anvil = tmp_path / "anvil" / "anvil"
    anvil.parent.mkdir()
    anvil.write_text("#!/bin/sh\n")
    monkeypatch.setenv("PATIENT_WALLET_ANVIL", "")  # so monkeypatch restores it afterwards
    monkeypatch.delenv("PATIENT_WALLET_ANVIL")
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    runpy.run_path(str(ROOT / "packaging" / "hooks" / "rthook_patient_wallet.py"))
    assert os.environ["PATIENT_WALLET_ANVIL"] == str(anvil)


def test_runtime_hook_keeps_the_users_anvil(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    (tmp_path / "anvil").mkdir()
    (tmp_path / "anvil" / "anvil").write_text("#!/bin/sh\n")
    monkeypatch.setenv("PATIENT_WALLET_ANVIL", "/opt/foundry/anvil")
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    runpy.run_path(str(ROOT / "packaging" / "hooks" / "rthook_patient_wallet.py"))
    assert os.environ["PATIENT_WALLET_ANVIL"] == "/opt/foundry/anvil"
