#!/usr/bin/env bash
# CI: build the one-folder app (make package), then run the packaged program
# from outside the source tree: --self-test (without and with a display) and
# an end-to-end run (two vaults, a case with an attachment, export, import,
# vault check, the desktop app on Xvfb).
#
# The copy runs from a temporary folder with a clean environment and, where
# a mount namespace is available (CI runs as root), with the source tree and
# the build virtualenv hidden behind empty folders, so nothing can come from
# them. Needs what .ci/run installs: xvfb, xauth and Qt's xcb libraries.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
venv=$(cd "${VENV:-.venv}" 2>/dev/null && pwd || true)

start=$(date +%s)
make package
built=$(date +%s)

version=$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' intake_desktop/__init__.py)
work=$(mktemp -d /tmp/intake-package.XXXXXX)
trap 'rm -rf "$work"' EXIT
cp -a dist/intake-desktop "$work/intake-desktop"
cp packaging/e2e.py "$work/e2e.py"
mkdir -p "$work/home"
py=/usr/bin/python3
[ -x "$py" ] || py=$(command -v python3)

# Folders to hide: the source tree, and the virtualenv if it lives elsewhere.
hide=("$repo")
if [ -n "$venv" ] && [ "${venv#"$repo"/}" = "$venv" ]; then hide+=("$venv"); fi

outside() {
    local clean=(env -i PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 HOME="$work/home")
    if unshare -m true 2>/dev/null; then
        unshare -m bash -c '
            set -e
            while [ "$1" != "--" ]; do
                mount -t tmpfs -o size=64k,mode=0555 hidden "$1"
                [ -z "$(ls -A "$1")" ]  # really hidden
                shift
            done
            shift; cd "$WORK"; exec "$@"' _ "${hide[@]}" -- "${clean[@]}" "$@"
    else
        echo "package.sh: no mount namespace here: the source tree stays visible (clean environment, run from $work)"
        (cd "$work" && "${clean[@]}" "$@")
    fi
}
export WORK="$work"

echo "--- packaged self-test, no display"
outside "$work/intake-desktop/intake-desktop" --self-test
echo "--- packaged self-test on Xvfb"
outside xvfb-run -a "$work/intake-desktop/intake-desktop" --self-test
echo "--- packaged end-to-end run on Xvfb"
outside xvfb-run -a "$py" -I "$work/e2e.py" "$work/intake-desktop" "$version"

done_at=$(date +%s)
echo "package.sh: built in $((built - start)) s ($(du -sm dist/intake-desktop | cut -f1) MB), tested in $((done_at - built)) s"
