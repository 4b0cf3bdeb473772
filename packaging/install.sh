#!/bin/sh
# Install this intake-desktop folder (the one this script is in) on Linux:
# the program, a menu entry and its icons.
#
#   ./install.sh            for you: ~/.local/opt/intake-desktop, ~/.local/bin, ~/.local/share
#   sudo ./install.sh --system    for everyone: /opt/intake-desktop, /usr/local/bin, /usr/local/share
#
# Copied beside the program by packaging/build.sh. Run it again to upgrade:
# the old program folder is replaced, vaults are never touched (they live in
# the user data folder, ~/.local/share/intake-desktop/vault by default).
set -eu
umask 022  # the program and menu entry are readable by every user; vaults stay private

here=$(cd "$(dirname "$0")" && pwd)
if [ ! -x "$here/intake-desktop" ] || [ ! -d "$here/_internal/resources" ]; then
    echo "install.sh: run the copy inside the built intake-desktop folder" >&2
    exit 1
fi

if [ "${1:-}" = "--system" ]; then
    prefix=/opt/intake-desktop
    bin=/usr/local/bin
    share=/usr/local/share
else
    prefix=${HOME:?}/.local/opt/intake-desktop
    bin=$HOME/.local/bin
    share=${XDG_DATA_HOME:-$HOME/.local/share}
fi

if [ "$here" != "$prefix" ]; then
    mkdir -p "$(dirname "$prefix")"
    rm -rf "$prefix.new"
    cp -a "$here" "$prefix.new"
    rm -rf "$prefix"
    mv "$prefix.new" "$prefix"
fi
mkdir -p "$bin" "$share/applications"
ln -sf "$prefix/intake-desktop" "$bin/intake-desktop"

resources=$prefix/_internal/resources
# The menu may not search ~/.local/bin: name the program by its full path.
sed -e "s|^Exec=.*|Exec=\"$prefix/intake-desktop\"|" \
    -e "s|^TryExec=.*|TryExec=$prefix/intake-desktop|" \
    "$resources/intake-desktop.desktop" >"$share/applications/intake-desktop.desktop"
for png in "$resources"/icons/intake-desktop-*.png; do
    size=${png##*-}
    size=${size%.png}
    mkdir -p "$share/icons/hicolor/${size}x${size}/apps"
    cp "$png" "$share/icons/hicolor/${size}x${size}/apps/intake-desktop.png"
done
mkdir -p "$share/icons/hicolor/scalable/apps"
cp "$resources/icons/intake-desktop.svg" "$share/icons/hicolor/scalable/apps/intake-desktop.svg"

# Refresh the menu and icon caches where the tools exist (harmless otherwise).
update-desktop-database -q "$share/applications" 2>/dev/null || true
gtk-update-icon-cache -q -t "$share/icons/hicolor" 2>/dev/null || true

echo "installed $prefix ($("$prefix/intake-desktop" --version))"
echo "run it from the menu, or as: $bin/intake-desktop"
