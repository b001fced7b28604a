"""Fixtures for backup tests: the CLI fixtures of ``tests/cli`` plus data-dir snapshots."""

from __future__ import annotations

from tests.cli.conftest import cli, cli_env, make_cli, restored

__all__ = ["cli", "cli_env", "make_cli", "restored"]
