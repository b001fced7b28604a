"""The PyInstaller one-folder build (packaging/build.sh): it builds, and the bundle self-tests.

About 2.5 minutes on a 2-core machine, so it is marked slow. Skipped where PyInstaller is not
installed (the project's ``packaging`` extra brings it).
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.slow]


@pytest.mark.timeout(900)
def test_build_script_builds_a_bundle_that_passes_its_self_test(tmp_path: Path):
    # scripts/bootstrap.sh installs the packaging extra; its absence is a set-up bug, not a skip.
    assert importlib.util.find_spec("PyInstaller") is not None, "pip install -e '.[packaging]'"
    env = dict(os.environ)
    env.update(
        PYTHON=sys.executable,
        PATIENT_WALLET_DIST_DIR=str(tmp_path / "dist"),
        PATIENT_WALLET_BUILD_DIR=str(tmp_path / "build"),
    )
    done = subprocess.run(
        ["bash", str(ROOT / "packaging" / "build.sh")],
        capture_output=True,
        text=True,
        timeout=880,
        env=env,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "self-test passed" in done.stdout
    assert "patient-wallet 0.1.0" in done.stdout
    bundle = tmp_path / "dist" / "patient-wallet"
    anvil = bundle / "_internal" / "anvil" / "anvil"
    assert anvil.is_file() and os.access(anvil, os.X_OK)
    assert "anvil: anvil Version:" in done.stdout
    assert f"({anvil})" in done.stdout, "the bundle must run its own anvil, not the source tree's"
    for needed in ("platforms/libqoffscreen.so", "platforms/libqxcb.so", "imageformats/libqsvg.so"):
        assert (bundle / "_internal" / "PySide6" / "Qt" / "plugins" / needed).is_file(), needed
    assert not list(bundle.rglob("libQt6WebEngineCore*")), "WebEngine must stay out of the bundle"
