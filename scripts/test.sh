#!/usr/bin/env bash
# The whole test suite: lint, types, the import-layer rule, the contracts (artifacts up to date,
# forge unit/fuzz/invariant tests) and pytest (unit, age conformance and CLI interop, real anvil
# node, offscreen Qt). Assumes scripts/bootstrap.sh ran (the Makefile does that).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"
export QT_QPA_PLATFORM=offscreen
step() { printf '\n=== %s\n' "$*"; }

step "ruff"
ruff check wallet ui tests bench packaging
ruff format --check wallet ui tests bench packaging
step "mypy (strict) on wallet/"
mypy
step "import layers (no Qt in wallet/)"
lint-imports --no-cache
step "contracts (artifacts, forge, slither)"
scripts/check-contracts.sh
step "pytest"
python -m pytest -q -p no:cacheprovider --durations=15 "$@"
