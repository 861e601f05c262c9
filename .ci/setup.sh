#!/usr/bin/env bash
# Installs what building and testing Auspex needs on Debian 12, if missing.
# Uses sudo when not root.  Safe to run again: installs nothing twice.
set -euo pipefail

packages=(
  pkg-config meson ninja-build gcc libc6-dev
  libglib2.0-dev libglib2.0-dev-bin libgtk-4-dev libgtk-4-bin libadwaita-1-dev
  libjson-glib-dev libsqlite3-dev sqlite3 libxgboost-dev
  gettext desktop-file-utils appstream appstream-util libxml2-utils
  xvfb xauth dbus-daemon imagemagick
)
# Only for make test: the sanitizer runtime, the flatpak manifest check and
# the benchmark's comparison tools.
if [ "${1:-}" = "--test" ]; then
  packages+=(libclang-rt-14-dev flatpak-builder time python3-pandas python3-sklearn python3-xgboost)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
echo "Installing: ${missing[*]}"
$sudo apt-get -o DPkg::Lock::Timeout=900 update -q
$sudo apt-get -o DPkg::Lock::Timeout=900 install -y -q --no-install-recommends "${missing[@]}"
