#!/usr/bin/env bash
# CI: what `pip install .` from a clone gives. Builds the wheel, installs it
# (its dependencies from the package registry) into a fresh virtualenv
# outside the source tree, then runs the installed command from a folder
# outside the tree with a clean environment: --self-test, the Dari interface
# (--language fa_AF) and a demo vault (demo, case list, vault check). Every
# module and resource must come from the virtualenv, never from the checkout.
#
#   bash .ci/wheel.sh          # builds with .venv's pip (VENV=...), makes the venv with python3 (PYTHON=...)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
build_python=${VENV:-.venv}/bin/python
python=${PYTHON:-python3}

start=$(date +%s)
work=$(mktemp -d /tmp/intake-wheel.XXXXXX)
trap 'rm -rf "$work"' EXIT

echo "--- build the wheel"
# From a copy of the checkout (what git tracks, and new files it does not
# ignore): an in-tree build leaves a build/ folder whose stale files a later
# build would ship.
mkdir "$work/source"
if git -C "$repo" rev-parse --git-dir >/dev/null 2>&1; then
    git -C "$repo" ls-files -z --cached --others --exclude-standard |
        tar -C "$repo" --null --ignore-failed-read -T - -cf - 2>/dev/null | tar -C "$work/source" -xf -
else
    tar -C "$repo" --exclude=./.venv --exclude=./build --exclude=./dist --exclude='*.egg-info' \
        --exclude=__pycache__ -cf - . | tar -C "$work/source" -xf -
fi
"$build_python" -m pip wheel --no-deps --quiet --wheel-dir "$work/dist" "$work/source"
wheel=$(ls "$work"/dist/intake_desktop-*.whl)
echo "built $(basename "$wheel") ($(du -k "$wheel" | cut -f1) KB)"

echo "--- install it into a fresh virtualenv"
"$python" -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --quiet "$wheel"
installed=$(date +%s)

mkdir "$work/run" "$work/home"
outside() {
    (cd "$work/run" && env -i PATH="$work/venv/bin:/usr/local/bin:/usr/bin:/bin" LANG=C.UTF-8 \
        HOME="$work/home" INTAKE_PASSPHRASE="wheel check passphrase" INTAKE_KDF_TARGET_MS=0 "$@")
}
app="$work/venv/bin/intake-desktop"
fail() {
    echo "wheel.sh: $*" >&2
    exit 1
}

echo "--- the code and its resources come from the virtualenv"
where=$(outside "$work/venv/bin/python" -c '
import intake_desktop, intake_desktop.resources as r
print(intake_desktop.__file__)
print(r.resource_root())')
echo "$where"
while read -r path; do
    case "$path" in
        "$work/venv/"*) ;;
        *) fail "$path is outside the virtualenv" ;;
    esac
done <<<"$where"

echo "--- self-test"
outside "$app" --self-test

echo "--- the Dari interface"
# The Dari of one help line, as the catalog in the source tree has it.
dari=$(sed -n '/^msgid "vault folder"$/{n;s/^msgstr "\(.*\)"$/\1/p;}' \
    resources/locale/fa_AF/LC_MESSAGES/intake_desktop.po)
[ -n "$dari" ] || fail "the Dari catalog has no translation of \"vault folder\""
outside "$app" --language fa_AF --help | grep -qF -- "$dari" ||
    fail "--language fa_AF --help is not in Dari: the catalogs are not in the wheel"

echo "--- a demo vault"
outside "$app" --vault "$work/demo" demo --cases 5 >/dev/null
cases=$(outside "$app" --vault "$work/demo" case list | wc -l)
[ "$cases" -eq 5 ] || fail "case list shows $cases cases, not 5"
outside "$app" --vault "$work/demo" vault check

done_at=$(date +%s)
echo "wheel.sh: built and installed in $((installed - start)) s, tested in $((done_at - installed)) s"
