#!/usr/bin/python3
"""Fits and predicts one data set of the forest benchmark with scikit-learn
or XGBoost, as Auspex does with the same hyperparameters on the same rows.

    fit.py DIR sklearn|xgboost

DIR is a data set's folder written by prepare.py.  Reads train.csv (and
keeps its first n_fit rows: the "valid" rows after them are Auspex's
validation rows, which it does not fit on either), one-hot encodes the
categorical columns over every category of the data set, fits, then reads
test.csv, predicts it and writes the rows with their predictions as CSV
(then deletes that file).  Prints one JSON object: fit seconds and predict
seconds (the library calls alone, timed with time.perf_counter), the
seconds from reading test.csv to the written predictions, rows fitted and
predicted, and the test metric from score.py.

  sklearn   RandomForestRegressor / RandomForestClassifier, n_estimators
            100, max_depth 10, min_samples_split 2, max_features 1.0
            (regression) or "sqrt" (classification) as Auspex's "auto",
            bootstrap, n_jobs 2, random_state 0
  xgboost   XGBRegressor / XGBClassifier, n_estimators 100, max_depth 6,
            learning_rate 0.3, tree_method "hist", n_jobs 2,
            random_state 0 (the rest XGBoost's defaults, as Auspex leaves
            them)
"""

import json
import os
import sys
import time

import numpy as np
import pandas as pd

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from score import load_meta, score, truth  # noqa: E402

THREADS = 2


def encode(df, meta):
    """The feature matrix (float32): numbers as they are, each categorical
    column one-hot over all its categories, in a fixed order."""
    parts = []
    for col in meta["features"]:
        if col in meta["categorical"]:
            cats = pd.Categorical(df[col], categories=meta["categorical"][col])
            parts.append(pd.get_dummies(cats, prefix=col).to_numpy(dtype=np.float32))
        else:
            parts.append(df[[col]].to_numpy(dtype=np.float32))
    return np.ascontiguousarray(np.hstack(parts))


def model(library, task):
    if library == "sklearn":
        from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
        common = dict(n_estimators=100, max_depth=10, min_samples_split=2,
                      n_jobs=THREADS, random_state=0)
        if task == "classification":
            return RandomForestClassifier(max_features="sqrt", **common)
        return RandomForestRegressor(max_features=1.0, **common)
    if library == "xgboost":
        import xgboost
        common = dict(n_estimators=100, max_depth=6, learning_rate=0.3,
                      tree_method="hist", n_jobs=THREADS, random_state=0)
        if task == "classification":
            return xgboost.XGBClassifier(**common)
        return xgboost.XGBRegressor(**common)
    raise SystemExit(f"fit.py: unknown library {library}")


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: fit.py DIR sklearn|xgboost")
    d, library = sys.argv[1], sys.argv[2]
    meta = load_meta(d)
    task = meta["task"]

    train = pd.read_csv(os.path.join(d, "train.csv"), keep_default_na=False,
                        nrows=meta["n_fit"])
    x = encode(train, meta)
    y = train[meta["target"]]
    y = (y.astype(str) == meta["positive"]).to_numpy(dtype=np.int64) if task == "classification" \
        else y.to_numpy(dtype=np.float64)
    del train

    m = model(library, task)
    t = time.perf_counter()
    m.fit(x, y)
    fit_seconds = time.perf_counter() - t
    n_fit = len(x)
    del x, y

    # Predicting a file as auspex-cli predict does, minus starting and
    # loading the model: read the test CSV, encode it, predict, write the
    # rows with their predictions as CSV.  predict() alone is timed inside.
    t_file = time.perf_counter()
    test = pd.read_csv(os.path.join(d, "test.csv"), keep_default_na=False)
    x = encode(test, meta)
    t = time.perf_counter()
    pred = m.predict_proba(x)[:, 1] if task == "classification" else m.predict(x)
    predict_seconds = time.perf_counter() - t
    test["prediction"] = pred
    out = os.path.join(d, f"{library}.pred.csv")
    test.to_csv(out, index=False)
    file_seconds = time.perf_counter() - t_file
    os.remove(out)

    name, value = score(meta, truth(d, meta), np.asarray(pred, dtype=np.float64))
    print(json.dumps({"fit_seconds": fit_seconds, "predict_seconds": predict_seconds,
                      "predict_file_seconds": file_seconds,
                      "n_fit": n_fit, "n_features": x.shape[1], "n_test": len(x),
                      "metric": name, "value": value}))


if __name__ == "__main__":
    main()
