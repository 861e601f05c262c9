#!/usr/bin/python3
"""Prints 'N passed, N failed, N skipped' from meson's testlog.json files.

Counts TAP subtests ('ok', 'not ok', '# SKIP'); a test program that crashed
or timed out after passing subtests counts as one more failure, so a crash
is never hidden behind its earlier passes.
"""
import json
import re
import sys

passed = failed = skipped = 0
for path in sys.argv[1:]:
    try:
        lines = open(path, encoding="utf-8").read().splitlines()
    except OSError:
        failed += 1
        print(f"missing test log: {path}")
        continue
    for line in lines:
        if not line.strip():
            continue
        test = json.loads(line)
        result = test.get("result", "")
        out = test.get("stdout") or ""
        p = f = s = 0
        for l in out.splitlines():
            if re.match(r"^ok\b", l):
                if "# SKIP" in l:
                    s += 1
                else:
                    p += 1
            elif re.match(r"^not ok\b", l):
                if "# TODO" in l:
                    s += 1
                else:
                    f += 1
        if p + f + s == 0:
            # Not TAP (a validator): the result is the count.
            if result == "OK":
                p = 1
            elif result == "SKIP":
                s = 1
            else:
                f = 1
        elif result not in ("OK", "SKIP", "EXPECTEDFAIL") and f == 0:
            f = 1
        passed += p
        failed += f
        skipped += s
print(f"{passed} passed, {failed} failed, {skipped} skipped")
