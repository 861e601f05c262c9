#!/usr/bin/python3
"""Writes the forest benchmark's data: the same rows, the same split, for
Auspex and for the Python libraries.

    prepare.py OUTDIR NAME [NAME...]

NAME is one of churn, diamonds, friedman1-100k, friedman1-1m,
classification-100k.  For each, OUTDIR/NAME/ gets:

  train.csv   the rows the models learn from, in this order: first the
              "fit" rows (72 % of the data), then the "valid" rows (8 %);
              plus a constant column `block` (see below)
  test.csv    the other 20 % without the target (and with `block`)
  truth.csv   the target of the test rows, in the same order, for scoring
  meta.json   the target, the task, the row counts, the categorical
              columns and their categories, the positive class

The split is fixed: 20 % test, then 10 % of the rest for validation, drawn
with numpy's RandomState (seeds 0 and 1), stratified by class for the
classifications.  scikit-learn and XGBoost fit on the fit rows alone.
Auspex needs validation rows (to calibrate its probabilities and ranges):
it is given train.csv with `"time_column": "block"` and `validation_split`
= valid / (fit + valid).  A time-ordered split keeps rows of the same time
in the file's order, and every row has the same `block`, so Auspex fits on
exactly the fit rows and validates on the valid rows.  A constant column
is never split on (and both forests draw past a constant feature).

The generated data sets use fixed random_state, so the files are the same
on every run.
"""

import json
import os
import sys

import numpy as np
import pandas as pd
from sklearn.datasets import make_classification, make_friedman1
from sklearn.model_selection import train_test_split

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DATA = os.path.join(ROOT, "data", "datasets")

TEST_SHARE = 0.2
VALID_SHARE = 0.1          # of the rows left after the test rows
FLOAT_FORMAT = "%.7g"      # float32 precision: every tool reads float32


def friedman(rows):
    x, y = make_friedman1(n_samples=rows, n_features=10, noise=1.0, random_state=0)
    df = pd.DataFrame(x, columns=[f"x{i + 1}" for i in range(x.shape[1])])
    df["y"] = y
    return df, "y", "regression", None


def classification(rows):
    x, y = make_classification(n_samples=rows, n_features=20, n_informative=10,
                               n_redundant=5, random_state=0)
    df = pd.DataFrame(x, columns=[f"x{i + 1}" for i in range(x.shape[1])])
    df["label"] = np.where(y == 1, "yes", "no")
    return df, "label", "classification", "yes"


def churn():
    df = pd.read_csv(os.path.join(DATA, "churn.csv"))
    return df, "churn", "classification", "yes"


def diamonds():
    df = pd.read_csv(os.path.join(DATA, "diamonds.csv"))
    return df, "price", "regression", None


DATASETS = {
    "churn": churn,
    "diamonds": diamonds,
    "friedman1-100k": lambda: friedman(100_000),
    "friedman1-1m": lambda: friedman(1_000_000),
    "classification-100k": lambda: classification(100_000),
}


def write(name, outdir):
    df, target, task, positive = DATASETS[name]()
    strat = df[target] if task == "classification" else None
    rest, test = train_test_split(df, test_size=TEST_SHARE, random_state=0, stratify=strat)
    strat = rest[target] if task == "classification" else None
    fit, valid = train_test_split(rest, test_size=VALID_SHARE, random_state=1, stratify=strat)

    categorical = {}
    for col in df.columns:
        if col != target and df[col].dtype == object:
            categorical[col] = sorted(df[col].dropna().unique().tolist())

    d = os.path.join(outdir, name)
    os.makedirs(d, exist_ok=True)
    train = pd.concat([fit, valid])
    train = train.assign(block=1)
    train.to_csv(os.path.join(d, "train.csv.part"), index=False, float_format=FLOAT_FORMAT)
    test.drop(columns=[target]).assign(block=1).to_csv(
        os.path.join(d, "test.csv.part"), index=False, float_format=FLOAT_FORMAT)
    test[[target]].to_csv(os.path.join(d, "truth.csv.part"), index=False, float_format=FLOAT_FORMAT)
    meta = {
        "name": name,
        "target": target,
        "task": task,
        "positive": positive,
        "features": [c for c in df.columns if c != target],
        "categorical": categorical,
        "n_fit": len(fit),
        "n_valid": len(valid),
        "n_test": len(test),
    }
    with open(os.path.join(d, "meta.json.part"), "w") as f:
        json.dump(meta, f, indent=1)
    for base in ("train.csv", "test.csv", "truth.csv", "meta.json"):
        os.replace(os.path.join(d, base + ".part"), os.path.join(d, base))


def main():
    if len(sys.argv) < 3 or any(n not in DATASETS for n in sys.argv[2:]):
        sys.exit(f"usage: prepare.py OUTDIR NAME...  (NAME: {', '.join(DATASETS)})")
    for name in sys.argv[2:]:
        write(name, sys.argv[1])


if __name__ == "__main__":
    main()
