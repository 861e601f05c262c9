#!/bin/sh
# Checks the Flatpak manifest offline: flatpak-builder must parse it, and must
# not warn about unknown keys.  Such a warning does not change its exit status
# (a misspelt "confg-opts" is silently ignored), so stderr is searched too.
# No network and no runtime are needed; source checksums are not verified.
#
# Usage: check-manifest.sh [MANIFEST]   (default: the manifest beside this script)
set -u

manifest=${1:-"$(dirname "$0")/io.github.auspex.Auspex.yml"}
case $manifest in /*) ;; *) manifest=$PWD/$manifest ;; esac
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
err=$tmp/stderr

# flatpak-builder creates a .flatpak-builder state directory in the current
# directory even for --show-manifest (which takes no --state-dir), so run it
# in the temporary directory rather than the source or build tree.
(cd "$tmp" && flatpak-builder --show-manifest "$manifest") >/dev/null 2>"$err"
rc=$?
cat "$err" >&2

if [ "$rc" -ne 0 ]; then
  echo "FAIL: flatpak-builder --show-manifest exited with status $rc" >&2
  exit 1
fi
if grep -q 'Unknown property' "$err"; then
  echo "FAIL: the manifest has keys flatpak-builder does not know (see above)" >&2
  exit 1
fi
echo "ok: $manifest"
