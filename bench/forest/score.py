#!/usr/bin/python3
"""Scores predictions of the forest benchmark's test rows.

    score.py DIR PREDICTIONS.csv

DIR is a data set's folder written by prepare.py; PREDICTIONS.csv is what
`auspex-cli predict --csv DIR/test.csv --output PREDICTIONS.csv` wrote: the
test rows in their order with `prediction` (regression) or
`probability_<class>` (classification) columns.  Prints one JSON object:
the metric's name (r2 or roc_auc), its value on the test rows and the
number of rows scored.  fit.py uses score() for the Python libraries, so
both sides are scored by the same code.
"""

import json
import os
import sys

import numpy as np
import pandas as pd
from sklearn.metrics import r2_score, roc_auc_score


def load_meta(d):
    with open(os.path.join(d, "meta.json")) as f:
        return json.load(f)


def truth(d, meta):
    """The test rows' target: numbers, or 1 for the positive class."""
    y = pd.read_csv(os.path.join(d, "truth.csv"), keep_default_na=False)[meta["target"]]
    if meta["task"] == "classification":
        return (y.astype(str) == meta["positive"]).to_numpy(dtype=np.int8)
    return y.to_numpy(dtype=np.float64)


def score(meta, y, pred):
    """R2 of the predicted numbers, or ROC-AUC of the positive class's
    probabilities."""
    if len(pred) != len(y) or len(y) != meta["n_test"]:
        raise SystemExit(f"score: {len(pred)} predictions for {len(y)} rows, "
                         f"expected {meta['n_test']}")
    if meta["task"] == "classification":
        return "roc_auc", float(roc_auc_score(y, pred))
    return "r2", float(r2_score(y, pred))


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: score.py DIR PREDICTIONS.csv")
    d, path = sys.argv[1], sys.argv[2]
    meta = load_meta(d)
    out = pd.read_csv(path, keep_default_na=False, low_memory=False)
    col = "prediction" if meta["task"] == "regression" else "probability_" + meta["positive"]
    if col not in out.columns:
        sys.exit(f"score: {path} has no column {col}")
    name, value = score(meta, truth(d, meta), out[col].to_numpy(dtype=np.float64))
    print(json.dumps({"metric": name, "value": value, "rows": len(out)}))


if __name__ == "__main__":
    main()
