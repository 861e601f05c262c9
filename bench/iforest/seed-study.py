#!/usr/bin/python3
"""Compares the two isolation forests over several seeds.

    /usr/bin/python3 bench/iforest/seed-study.py LABELS N AUSPEX_1..N SKLEARN_1..N

LABELS has one 0 or 1 per line (1 = anomaly); then N score files of each
side, fitted with the same N seeds (one score per line, higher = more
anomalous: Auspex's s and scikit-learn's -score_samples, both the paper's
2 ** (-E(h) / c(psi))).  Prints "KEY VALUE..." lines:

    auspex_aucs / sklearn_aucs   each seed's ROC-AUC, in seed order
    auspex / sklearn             mean, sd, min and max of those
    diff                         mean of auspex's minus mean of scikit-learn's
    ok                           seeds where auspex >= scikit-learn - 0.005
    pooled                       ROC-AUC of each side's N forests taken as one
                                 forest of N x 100 trees (the mean of
                                 -log2 s = E(h) / c(psi) over the seeds),
                                 which leaves little of the draws' noise
    rows                         per-row agreement of those pooled paths:
                                 the mean and sd of the per-row difference
                                 (auspex - scikit-learn) of E(h) / c(psi),
                                 and the sd that the seeds' noise alone
                                 would give that difference

If the two forests were grown differently (another split rule, sample or
path-length correction), the rows' pooled paths would differ by more than
the noise of the seeds; if they are the same algorithm with other random
draws, the sd of the per-row difference matches the noise.
"""

import sys

import numpy as np
from sklearn.metrics import roc_auc_score


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__.split("\n\n")[1])
    labels = np.loadtxt(sys.argv[1], dtype=np.int8, ndmin=1)
    n = int(sys.argv[2])
    files = sys.argv[3:]
    if n < 1 or len(files) != 2 * n:
        sys.exit("seed-study.py: expected %d score files of each side" % n)
    sides = []
    for part in (files[:n], files[n:]):
        scores = np.array([np.loadtxt(p, dtype=np.float64, ndmin=1) for p in part])
        if scores.shape[1] != len(labels):
            sys.exit("seed-study.py: %d scores for %d labels" % (scores.shape[1], len(labels)))
        if not np.all(np.isfinite(scores)) or np.any(scores <= 0):
            sys.exit("seed-study.py: scores must be positive numbers")
        sides.append(scores)

    aucs = [np.array([roc_auc_score(labels, s) for s in side]) for side in sides]
    for name, a in zip(("auspex", "sklearn"), aucs):
        print("%s_aucs %s" % (name, " ".join("%.4f" % v for v in a)))
        sd = a.std(ddof=1) if n > 1 else 0.0
        print("%s %.4f %.4f %.4f %.4f" % (name, a.mean(), sd, a.min(), a.max()))
    print("diff %+.4f" % (aucs[0].mean() - aucs[1].mean()))
    print("ok %d" % int(np.sum(aucs[0] >= aucs[1] - 0.005)))

    paths = [-np.log2(side) for side in sides]      # E(h) / c(psi), per seed and row
    pooled = [p.mean(axis=0) for p in paths]
    print("pooled %.4f %.4f" % tuple(roc_auc_score(labels, -p) for p in pooled))
    diff = pooled[0] - pooled[1]
    if n > 1:
        noise = np.sqrt(np.mean(paths[0].var(axis=0, ddof=1) / n + paths[1].var(axis=0, ddof=1) / n))
    else:
        noise = float("nan")
    print("rows %+.5f %.5f %.5f" % (diff.mean(), diff.std(), noise))


if __name__ == "__main__":
    main()
