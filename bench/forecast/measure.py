"""Runs one `auspex-cli forecast ... --json` and prints a line of auspex.tsv.

    python3 measure.py WORK NAME COMMAND...

Saves what the command printed as WORK/NAME.auspex.json and prints
NAME, the model chosen, the command's CPU seconds (user + system, which a
busy machine does not inflate as it does the wall clock), its wall
seconds, and from its backtest: the periods scored, the coverage of the
model's own 80% and 95% ranges, the model levels the calibrated ranges
use, and the coverage of the calibrated ranges (each origin calibrated on
the others), tab-separated.  The CPU seconds cover the whole command: reading
the series from the project, backtesting every candidate, fitting,
forecasting and writing.
"""

import json
import resource
import subprocess
import sys
import time

work, name, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
before = resource.getrusage(resource.RUSAGE_CHILDREN)
start = time.monotonic()
out = subprocess.run(cmd, stdout=subprocess.PIPE, check=True).stdout
wall = time.monotonic() - start
after = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
with open("%s/%s.auspex.json" % (work, name), "wb") as f:
    f.write(out)
series = json.loads(out)["series"][0]
bt, cal = series["backtest"], series["calibration"]
print("%s\t%s\t%.6f\t%.3f\t%d\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f" % (
    name, series["model"], cpu, wall, bt["rows"],
    cal["model_coverage_80"], cal["model_coverage_95"],
    cal["range_level_80"], cal["range_level_95"],
    bt["coverage_80"], bt["coverage_95"]))
