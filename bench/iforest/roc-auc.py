#!/usr/bin/python3
"""Prints the ROC-AUC of each score file against the labels.

    /usr/bin/python3 bench/iforest/roc-auc.py LABELS SCORES...

LABELS has one 0 or 1 per line (1 = anomaly).  Each SCORES file is either
one score per line, in the rows' order, or the CSV written by
`auspex-cli detect --scores` (header dataset_row,group,time,score,severity;
rows put back in dataset_row order).  Higher scores mean more anomalous.
Prints one ROC-AUC per file, on one line; fails when a file's row count
differs from the labels'.
"""

import csv
import sys

import numpy as np
from sklearn.metrics import roc_auc_score


def read_scores(path):
    with open(path) as f:
        first = f.readline()
    if first.startswith("dataset_row,"):
        with open(path, newline="") as f:
            rows = [(int(r["dataset_row"]), float(r["score"])) for r in csv.DictReader(f)]
        rows.sort()
        if [r for r, _ in rows] != list(range(len(rows))):
            sys.exit("roc-auc.py: %s does not hold every row once" % path)
        return np.array([s for _, s in rows])
    return np.loadtxt(path, dtype=np.float64, ndmin=1)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__.split("\n\n")[1])
    labels = np.loadtxt(sys.argv[1], dtype=np.int8, ndmin=1)
    out = []
    for path in sys.argv[2:]:
        scores = read_scores(path)
        if len(scores) != len(labels):
            sys.exit("roc-auc.py: %s has %d scores for %d labels" % (path, len(scores), len(labels)))
        if not np.all(np.isfinite(scores)):
            sys.exit("roc-auc.py: %s has scores that are not numbers" % path)
        out.append("%.4f" % roc_auc_score(labels, scores))
    print(" ".join(out))


if __name__ == "__main__":
    main()
