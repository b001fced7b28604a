#!/usr/bin/env bash
# Build Patient Wallet as a one-folder app (packaging/dist/patient-wallet/) with PyInstaller,
# then check that the packaged program starts: its --version and its --self-test (offscreen).
# Prints the bundle size and the build time. Exit status is non-zero if any step fails.
#
# Usage: packaging/build.sh            (from anywhere; uses the project's .venv)
# Env:   PATIENT_WALLET_DIST_DIR, PATIENT_WALLET_BUILD_DIR (default packaging/dist, packaging/build);
#        PATIENT_WALLET_BUNDLE_MULTIMEDIA=0 leaves QtMultimedia (camera) out, ~60 MB smaller.
# Needs: .venv with the project and pyinstaller (pip install -e '.[packaging]'), and the anvil
# binary from contracts/node_modules (scripts/bootstrap.sh installs both).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-$ROOT/.venv/bin/python}"
DIST="${PATIENT_WALLET_DIST_DIR:-$ROOT/packaging/dist}"
WORK="${PATIENT_WALLET_BUILD_DIR:-$ROOT/packaging/build}"
APP="$DIST/patient-wallet/patient-wallet"

if ! "$PYTHON" -c "import PyInstaller" 2>/dev/null; then
    echo "Error: PyInstaller is not installed in $PYTHON's environment; run: $PYTHON -m pip install -e '.[packaging]' (PyInstaller 6.22)." >&2
    exit 1
fi

start=$(date +%s)
echo "==> building with PyInstaller $("$PYTHON" -c 'import PyInstaller; print(PyInstaller.__version__)')"
"$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath "$DIST" --workpath "$WORK" "$ROOT/packaging/patient-wallet.spec"
built=$(date +%s)

echo "==> checking that every bundled Qt library and plugin finds the Qt libraries it links"
internal="$DIST/patient-wallet/_internal"
missing=$(find "$internal/PySide6" -name '*.so*' -type f -print0 \
    | LD_LIBRARY_PATH="$internal:$internal/PySide6/Qt/lib" xargs -0 -n 50 ldd 2>/dev/null \
    | grep -E '^\s*libQt6[^ ]* => not found' | sort -u || true)
if [[ -n "$missing" ]]; then
    echo "Error: the bundle lacks Qt libraries that its plugins need: $(echo "$missing" | awk '{print $1}' | tr '\n' ' ')" >&2
    exit 1
fi

echo "==> $APP --version"
# A throw-away data directory, so the check never reads or creates the user's wallet.
check_home="$(mktemp -d)"
trap 'rm -rf "$check_home"' EXIT
PATIENT_WALLET_DATA_DIR="$check_home/data" "$APP" --version

echo "==> $APP --self-test (QT_QPA_PLATFORM=offscreen)"
QT_QPA_PLATFORM=offscreen "$APP" --self-test
done_at=$(date +%s)

size=$(du -sh "$DIST/patient-wallet" | cut -f1)
files=$(find "$DIST/patient-wallet" -type f | wc -l)
echo "==> bundle: $DIST/patient-wallet ($size, $files files)"
echo "==> build $((built - start)) s, checks $((done_at - built)) s, total $((done_at - start)) s"
