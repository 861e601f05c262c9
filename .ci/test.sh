#!/usr/bin/env bash
# Builds twice (normal, and with ASan+UBSan without the GUI), runs every
# suite and ends with the line "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."

summary() { /usr/bin/python3 .ci/summarize.py build/meson-logs/testlog.json build-asan/meson-logs/testlog.json; }

if ! { [ -f build/build.ninja ] || meson setup build --werror; } || ! ninja -C build; then
  echo "The build failed."; echo "0 passed, 1 failed, 0 skipped"; exit 1
fi
if ! { [ -f build-asan/build.ninja ] || meson setup build-asan --werror -Dgui=false \
        -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug; } || ! ninja -C build-asan; then
  echo "The sanitizer build failed."; echo "0 passed, 1 failed, 0 skipped"; exit 1
fi

export GSK_RENDERER=cairo GTK_A11Y=none GDK_BACKEND=x11 NO_AT_BRIDGE=1
# A session bus for GApplication and a private display for the GUI tests.
dbus-run-session -- xvfb-run -a -s "-screen 0 1280x1024x24 -nolisten tcp" \
  meson test -C build --print-errorlogs --num-processes 2
rc1=$?
meson test -C build-asan --print-errorlogs --num-processes 2 \
  --suite engine --suite store --suite sources --suite core --suite cli
rc2=$?
summary
[ $rc1 -eq 0 ] && [ $rc2 -eq 0 ]
