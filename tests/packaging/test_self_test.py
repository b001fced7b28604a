"""`patient-wallet --self-test`: in-process, through the installed script, and failing."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from ui import self_test
from ui.self_test import SelfTestFailed, run_self_test

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point tempfile at an empty folder, to see that the self-test leaves nothing behind."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_in_process_passes_prints_one_line_per_check_and_cleans_up(qapp, private_tmp: Path):
    out = io.StringIO()
    assert run_self_test(out) == 0
    lines = out.getvalue().splitlines()
    assert len(lines) == len(self_test.CHECKS) + 1
    for (name, _check), line in zip(self_test.CHECKS, lines, strict=False):
        assert line.startswith(f"{name}: ")
    assert "INSECURE fast test KDF" in lines[1]
    assert "bytes equal" in lines[1]
    assert lines[-1].startswith("self-test passed")
    assert list(private_tmp.iterdir()) == []


def test_a_failing_check_gives_one_sentence_and_exit_1(
    private_tmp: Path, monkeypatch: pytest.MonkeyPatch
):
    ran: list[str] = []

    def ok(_work: Path) -> str:
        ran.append("ok")
        return "first: ok"

    def broken(work: Path) -> str:
        (work / "left-over").write_text("x")
        raise SelfTestFailed("The compiled ConsentRegistry contract is empty.")

    def never(_work: Path) -> str:
        ran.append("never")
        return "never"

    monkeypatch.setattr(self_test, "CHECKS", (("first", ok), ("broken", broken), ("n", never)))
    out = io.StringIO()
    assert run_self_test(out) == 1
    assert out.getvalue().splitlines() == [
        "first: ok",
        "self-test FAILED: The compiled ConsentRegistry contract is empty.",
    ]
    assert ran == ["ok"]
    assert list(private_tmp.iterdir()) == []


def test_an_unexpected_error_is_reported_with_the_check_name(
    private_tmp: Path, monkeypatch: pytest.MonkeyPatch
):
    def crash(_work: Path) -> str:
        raise FileNotFoundError("anvil")

    monkeypatch.setattr(self_test, "CHECKS", (("anvil", crash),))
    out = io.StringIO()
    assert run_self_test(out) == 1
    assert out.getvalue() == "self-test FAILED: anvil check: anvil\n"


def test_a_missing_anvil_fails_the_self_test(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setenv("PATIENT_WALLET_ANVIL", str(tmp_path / "no-such-anvil"))
    monkeypatch.setattr(self_test, "CHECKS", (("anvil", lambda _w: self_test._check_anvil()),))
    out = io.StringIO()
    assert run_self_test(out) == 1
    assert "no-such-anvil" in out.getvalue()
    assert "not an executable file" in out.getvalue()


def _script() -> Path:
    script = Path(sys.executable).parent / "patient-wallet"
    assert script.exists(), "the patient-wallet script is not installed (scripts/bootstrap.sh)"
    return script


def test_installed_script_runs_the_self_test_without_a_display(tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)  # the self-test goes offscreen by itself
    env["TMPDIR"] = str(tmp_path)
    done = subprocess.run(
        [str(_script()), "--self-test"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "self-test passed" in done.stdout
    assert "anvil: anvil Version:" in done.stdout
    assert list(tmp_path.iterdir()) == []


def test_the_command_line_path_still_does_not_import_qt():
    code = (
        "import sys, contextlib, io\n"
        "from ui.launcher import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['--version'])\n"
        "assert not [m for m in sys.modules if m.startswith('PySide6')], 'Qt was imported'\n"
        "import ui.self_test\n"
        "assert not [m for m in sys.modules if m.startswith('PySide6')], 'self_test imports Qt'\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
