#!/usr/bin/env bash
# Build the one-folder app: dist/intake-desktop/ (run it as dist/intake-desktop/intake-desktop).
#
#   packaging/build.sh                  # uses .venv/bin/python (make setup)
#   PYTHON=/path/to/python packaging/build.sh
#
# The python must have the app and PyInstaller installed (`pip install -e '.[dev]'`).
# Build on the oldest system you mean to support: the package carries the
# build machine's system libraries (except libc, libGL and libEGL).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-.venv/bin/python}
if ! "$PYTHON" -c 'import PyInstaller' 2>/dev/null; then
    echo "build.sh: PyInstaller is missing for $PYTHON; install it with: $PYTHON -m pip install -e '.[dev]'" >&2
    exit 1
fi

start=$(date +%s)
rm -rf dist/intake-desktop
"$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath dist --workpath build/pyinstaller packaging/intake-desktop.spec
app=dist/intake-desktop
install -m 755 packaging/install.sh "$app/install.sh"
seconds=$(( $(date +%s) - start ))

"$app/intake-desktop" --version
# PyInstaller bundles the build machine's X11 libraries; one it lacks must be
# on every laptop instead (README: the apt-get line).
if [ ! -e "$app/_internal/libxcb-cursor.so.0" ]; then
    echo "build.sh: warning: libxcb-cursor0 is not installed here, so the package does not carry it" >&2
fi
echo "built $app in ${seconds} s: $(du -sm "$app" | cut -f1) MB, $(find "$app" -type f | wc -l) files"
