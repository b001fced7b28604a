#!/usr/bin/env bash
# Set up everything the app and the test suite need on a fresh Debian 12 machine, idempotently:
# Debian packages (the age CLI, Qt's X11 libraries, Xvfb), the Python venv with the project
# installed editable, and the pinned npm tools for the contracts (solc, anvil, forge, cast,
# OpenZeppelin). A stamp per step records what was installed from which inputs, so a second run
# costs a few milliseconds.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
stamp_dir=.venv/.stamps
log() { printf '[bootstrap] %s\n' "$*" >&2; }

apt_packages=(age xvfb xauth libegl1 libgl1 libfontconfig1 libdbus-1-3 libglib2.0-0 libxkbcommon0
  libxkbcommon-x11-0 libx11-xcb1 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0
  libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xkb1 libpulse0 fonts-dejavu-core
  desktop-file-utils appstream)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  if [ "$(id -u)" != 0 ]; then
    log "missing Debian packages: ${missing[*]} (run as root or: sudo apt-get install ${missing[*]})"
    exit 1
  fi
  log "installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

py=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  log "creating the Python venv in .venv"
  "$py" -m venv .venv
fi
mkdir -p "$stamp_dir"
want=$(sha256sum pyproject.toml | cut -c1-16)
if [ "$(cat "$stamp_dir/pip" 2>/dev/null)" != "$want" ]; then
  log "installing Python packages"
  .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip >/dev/null
  .venv/bin/python -m pip install -q --disable-pip-version-check -e '.[dev,packaging]' 2>&1 | grep -v '^WARNING: Location' >&2 || true
  .venv/bin/python -c 'import wallet, PySide6, web3, cryptography' # fail loudly if the install did not work
  echo "$want" > "$stamp_dir/pip"
fi

if [ -f contracts/package.json ]; then
  want=$(cat contracts/package.json contracts/package-lock.json 2>/dev/null | sha256sum | cut -c1-16)
  if [ ! -d contracts/node_modules ] || [ "$(cat "$stamp_dir/npm" 2>/dev/null)" != "$want" ]; then
    log "installing npm tools for the contracts"
    (cd contracts && if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --loglevel=error; else npm install --no-audit --no-fund --loglevel=error; fi) >&2
    echo "$want" > "$stamp_dir/npm"
  fi
fi
