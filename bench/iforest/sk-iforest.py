#!/usr/bin/python3
"""Times scikit-learn's IsolationForest on a CSV file of metrics.

    /usr/bin/python3 bench/iforest/sk-iforest.py METRICS.csv SCORES.txt
        [--jobs N] [--seed N] [--trees N] [--samples N] [--contamination X]

The counterpart of ax-iforest-bench: reads METRICS.csv (header row, then
numbers) with numpy.loadtxt as float32 (the type IsolationForest converts
its input to, so no copy is made), fits IsolationForest(n_estimators=100,
max_samples=256, contamination=0.1, n_jobs=2, random_state=42) and scores
the same rows with score_samples, then writes minus each score, one per
line, to SCORES.txt (so that, as for Auspex, higher = more anomalous).
Prints one line to stdout:

    ROWS METRICS LOAD_S FIT_S SCORE_S JOBS

Note that with a contamination other than "auto", fit() itself scores
every training row once more (to set offset_, the threshold of predict);
that is part of scikit-learn's fit and is timed as such.
"""

import argparse
import time

import numpy as np
from sklearn.ensemble import IsolationForest


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("metrics")
    p.add_argument("scores")
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--trees", type=int, default=100)
    p.add_argument("--samples", type=int, default=256)
    p.add_argument("--contamination", type=float, default=0.1)
    a = p.parse_args()

    t = time.monotonic()
    x = np.loadtxt(a.metrics, delimiter=",", skiprows=1, dtype=np.float32, ndmin=2)
    load_s = time.monotonic() - t

    forest = IsolationForest(n_estimators=a.trees, max_samples=a.samples,
                             contamination=a.contamination, n_jobs=a.jobs,
                             random_state=a.seed)
    t = time.monotonic()
    forest.fit(x)
    fit_s = time.monotonic() - t

    t = time.monotonic()
    scores = forest.score_samples(x)
    score_s = time.monotonic() - t

    np.savetxt(a.scores, -scores, fmt="%.17g")
    print("%d %d %.3f %.3f %.3f %d" % (x.shape[0], x.shape[1], load_s, fit_s, score_s, a.jobs))


if __name__ == "__main__":
    main()
