#!/usr/bin/env bash
# The contracts' checks, run from anywhere after scripts/bootstrap.sh (which runs npm ci in
# contracts/). All offline: the pinned solc-js, forge and slither; nothing is downloaded except
# slither's own Python packages from PyPI the first time (into .venv-slither).
#   1. the committed artifacts (wallet/chain/artifacts/*.json) match a fresh compile;
#   2. forge build + forge test (unit, fuzz, invariant) with the real forge binary;
#   3. slither on contracts/src, failing on any finding not suppressed in the source with a
#      reason in contracts/SLITHER.md.
# Set SKIP_SLITHER=1 to skip step 3 (e.g. for a quick local loop); CI must not set it.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
contracts=$root/contracts
forge_bin=$contracts/node_modules/@foundry-rs/forge-linux-amd64/bin
slither_version=0.11.6
step() { printf '\n=== %s\n' "$*"; }
die() {
  printf 'check-contracts: %s\n' "$*" >&2
  exit 2
}

command -v node >/dev/null || die "node is not installed; run scripts/bootstrap.sh first."
[ -x "$forge_bin/forge" ] || die "forge is not installed in contracts/node_modules; run scripts/bootstrap.sh first."
# forge and slither (through forge) compile with the solc-js stand-in, by absolute path.
export FOUNDRY_SOLC=$contracts/tools/solc.js
[ -x "$FOUNDRY_SOLC" ] || die "$FOUNDRY_SOLC must be executable (chmod +x; git keeps the bit)."

step "artifacts match the sources (contracts/tools/compile.js --check)"
node "$contracts/tools/compile.js" --check

step "forge build + test"
# The real binary: the npm launcher in node_modules/.bin always exits 0.
(cd "$contracts" && "$forge_bin/forge" build && "$forge_bin/forge" test)

if [ "${SKIP_SLITHER:-}" = 1 ]; then
  step "slither skipped (SKIP_SLITHER=1)"
  exit 0
fi

step "slither $slither_version"
# slither-analyzer pins web3<8, so it gets its own venv rather than sharing .venv.
venv=$root/.venv-slither
if [ "$(cat "$venv/.installed" 2>/dev/null)" != "$slither_version" ]; then
  printf 'creating %s (slither-analyzer==%s)\n' "${venv#"$root"/}" "$slither_version"
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install -q --disable-pip-version-check "slither-analyzer==$slither_version" 2>&1 |
    { grep -v '^WARNING: Location' || true; } >&2
  "$venv/bin/slither" --version >/dev/null || die "slither did not install into $venv."
  echo "$slither_version" >"$venv/.installed"
fi
# slither builds through forge (found on PATH) into its own out/cache dirs, so that its
# `forge clean` leaves the test build above alone.
(
  cd "$contracts"
  PATH=$forge_bin:$PATH FOUNDRY_OUT=cache/slither-out FOUNDRY_CACHE_PATH=cache/slither \
    "$venv/bin/slither" . --filter-paths node_modules --exclude-dependencies --fail-pedantic
)
