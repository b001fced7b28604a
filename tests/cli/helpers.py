"""Run the real ``patient-wallet`` console script against throwaway data directories."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

PASSWORD = "correct horse battery staple"
ABANDON = "abandon " * 11 + "about"
ABANDON_ADDRESS = "0x9858EfFD232B4033E47d90003D41EC34EcaEda94"
SCRIPT = str(Path(sys.executable).with_name("patient-wallet"))


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


@dataclass
class Cli:
    data_dir: Path
    env: dict[str, str]

    def __call__(self, *args: str, password: str | None = PASSWORD, check: bool = False) -> Result:
        env = dict(self.env)
        if password is not None:
            env["PATIENT_WALLET_PASSWORD"] = password
        proc = subprocess.run(
            [SCRIPT, "--data-dir", str(self.data_dir), *args],
            capture_output=True,
            text=True,
            env=env,
            stdin=subprocess.DEVNULL,
            timeout=120,
        )
        result = Result(proc.returncode, proc.stdout, proc.stderr)
        if check and proc.returncode != 0:
            raise AssertionError(f"{args} failed ({proc.returncode}): {proc.stderr}")
        return result

    def popen(self, *args: str) -> subprocess.Popen[str]:
        env = dict(self.env, PATIENT_WALLET_PASSWORD=PASSWORD)
        return subprocess.Popen(
            [SCRIPT, "--data-dir", str(self.data_dir), *args],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )


def assert_one_sentence_error(result: Result, *fragments: str) -> None:
    """Exit 1, no traceback, one 'Error: …' line that mentions each fragment."""
    assert result.returncode == 1, result
    assert "Traceback" not in result.stderr
    lines = [
        line
        for line in result.stderr.splitlines()
        if line.strip() and not line.startswith("warning:")
    ]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
