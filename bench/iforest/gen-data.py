#!/usr/bin/python3
"""Writes the input files of the isolation forest benchmark.

    /usr/bin/python3 bench/iforest/gen-data.py synthetic OUT [ROWS] [--seed N]
    /usr/bin/python3 bench/iforest/gen-data.py shuttle SHUTTLE.csv OUT

Each writes two files: OUT.csv, the metrics alone (a header row of names,
then one row of numbers per line, nothing quoted, nothing missing), which
both detectors read, and OUT.labels, one line per row, 1 for an anomaly and
0 for a normal row, which only the ROC-AUC is computed from.

synthetic: ROWS rows (1,000,000 by default, about 90 MB) of ten correlated
Gaussian metrics m1..m10: three latent factors plus noise, so that pairs of
metrics correlate between about -0.75 and 0.9, each metric with its own mean
(100 to 1,000) and standard deviation (5 to 100), written with four
decimals.  1 % of the rows, drawn at random, are outliers: one, two or
three of their metrics (drawn at random) are shifted up or down by 4 to 7
of that metric's standard deviations.  numpy's PCG64 with a fixed seed, so
the same bytes every time for the same ROWS, seed and numpy.

shuttle: the shared Statlog shuttle data (data/datasets/shuttle.csv,
58,000 rows): V1..V9 as the metrics, and every row whose Class is not
"Rad.Flow" (about 21 % of them) as an anomaly, as is usual for this data
in the anomaly detection literature.
"""

import argparse
import csv
import os
import sys

import numpy as np

N_METRICS = 10
N_FACTORS = 3
OUTLIER_SHARE = 0.01
CHUNK = 100_000


def write_pair(out, names, chunks, n_rows, fmt):
    """Writes OUT.csv and OUT.labels from (values, labels) chunks, through
    temporary names renamed at the end."""
    rows = 0
    with open(out + ".csv.part", "w") as fm, open(out + ".labels.part", "w") as fl:
        fm.write(",".join(names) + "\n")
        for values, labels in chunks:
            np.savetxt(fm, values, fmt=fmt, delimiter=",")
            fl.write("\n".join(str(int(v)) for v in labels) + "\n")
            rows += len(labels)
    if rows != n_rows:
        sys.exit("gen-data.py: wrote %d rows, not %d" % (rows, n_rows))
    os.replace(out + ".csv.part", out + ".csv")
    os.replace(out + ".labels.part", out + ".labels")


def synthetic(out, n_rows, seed):
    rng = np.random.default_rng(seed)
    loadings = rng.normal(0.0, 1.0, (N_METRICS, N_FACTORS))
    noise_sd = rng.uniform(0.3, 0.8, N_METRICS)
    # Each metric's standard deviation before scaling: factors and noise
    # are independent standard normals.
    raw_sd = np.sqrt((loadings ** 2).sum(axis=1) + noise_sd ** 2)
    mean = rng.uniform(100, 1000, N_METRICS)
    sd = rng.uniform(5, 100, N_METRICS)

    n_out = int(round(OUTLIER_SHARE * n_rows))
    outliers = np.sort(rng.choice(n_rows, n_out, replace=False))
    is_outlier = np.zeros(n_rows, dtype=bool)
    is_outlier[outliers] = True
    # The shift of every outlier: 1 to 3 metrics, 4 to 7 SD, either way.
    shift = np.zeros((n_out, N_METRICS))
    for i in range(n_out):
        k = rng.integers(1, 4)
        metrics = rng.choice(N_METRICS, k, replace=False)
        shift[i, metrics] = (rng.choice([-1.0, 1.0], k) * rng.uniform(4, 7, k)
                             * sd[metrics])
    shift_of_row = {int(r): i for i, r in enumerate(outliers)}

    def chunks():
        for start in range(0, n_rows, CHUNK):
            n = min(CHUNK, n_rows - start)
            factors = rng.normal(0.0, 1.0, (n, N_FACTORS))
            noise = rng.normal(0.0, 1.0, (n, N_METRICS)) * noise_sd
            z = (factors @ loadings.T + noise) / raw_sd
            values = mean + z * sd
            labels = is_outlier[start:start + n]
            for j in np.flatnonzero(labels):
                values[j] += shift[shift_of_row[start + int(j)]]
            yield values, labels

    names = ["m%d" % (i + 1) for i in range(N_METRICS)]
    write_pair(out, names, chunks(), n_rows, "%.4f")


def shuttle(src, out):
    with open(src, newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        rows = list(reader)
    cls = header.index("Class")
    names = [h for i, h in enumerate(header) if i != cls]
    values = np.array([[float(v) for i, v in enumerate(r) if i != cls] for r in rows])
    labels = np.array([r[cls] != "Rad.Flow" for r in rows])
    write_pair(out, names, [(values, labels)], len(rows), "%.10g")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="what", required=True)
    s = sub.add_parser("synthetic")
    s.add_argument("out")
    s.add_argument("rows", nargs="?", type=int, default=1_000_000)
    s.add_argument("--seed", type=int, default=20261126)
    t = sub.add_parser("shuttle")
    t.add_argument("src")
    t.add_argument("out")
    a = p.parse_args()
    if a.what == "synthetic":
        if a.rows < 100:
            sys.exit("gen-data.py: at least 100 rows")
        synthetic(a.out, a.rows, a.seed)
    else:
        shuttle(a.src, a.out)


if __name__ == "__main__":
    main()
