"""Runs one `auspex-cli forecast ... --json` and prints a line of auspex.tsv.

    python3 measure.py WORK NAME COMMAND...

Saves what the command printed as WORK/NAME.auspex.json and prints
NAME, the model chosen, the command's CPU seconds (user + system, which a
busy machine does not inflate as it does the wall clock) and its wall
seconds, tab-separated.  The CPU seconds cover the whole command: reading
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
model = json.loads(out)["series"][0]["model"]
print("%s\t%s\t%.6f\t%.3f" % (name, model, cpu, wall))
