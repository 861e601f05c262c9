#!/bin/bash
# Forest benchmark: Auspex's random_forest against scikit-learn's, and its
# gradient_boosting against XGBoost's Python package, on the same rows.
#
#   bash bench/forest/run.sh [--quick] [--repeat N] [--only NAME] [--keep]
#
#   --quick      leave out the 1,000,000-row friedman1 data set
#   --repeat N   run every tool N times and keep the fastest (default 1);
#                friedman1-1m runs once whatever N (scikit-learn alone takes
#                minutes on it)
#   --only NAME  one data set: churn, diamonds, friedman1-100k,
#                friedman1-1m or classification-100k (may be repeated)
#   --keep       keep the projects and predictions written (default: delete)
#
# Builds build-release/ in the repository root when it is missing (release,
# without the GUI), writes the data sets with prepare.py into
# ${TMPDIR:-/tmp}/auspex-bench-forest unless they are already there, then
# for each data set: Auspex (auspex-cli create, import, train, predict;
# scored by score.py) and the Python library (fit.py), each under
# /usr/bin/time for elapsed seconds and peak resident memory.  Every tool
# uses 2 threads; the hyperparameters are those of the user guide.
#
# It exits non-zero on errors only (a missing tool, a failed step, a wrong
# row count), never because a target is missed: it measures, it does not test.

set -euo pipefail

die () { echo "run.sh: $*" >&2; exit 1; }

QUICK=0
REPEAT=1
KEEP=0
ONLY=()
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1; shift ;;
    --repeat) REPEAT=${2:?--repeat needs a number}; shift 2 ;;
    --repeat=*) REPEAT=${1#*=}; shift ;;
    --only) ONLY+=("${2:?--only needs a data set}"); shift 2 ;;
    --only=*) ONLY+=("${1#*=}"); shift ;;
    --keep) KEEP=1; shift ;;
    -h|--help) sed -n '2,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
    *) die "unknown argument $1 (see --help)" ;;
  esac
done
[[ $REPEAT =~ ^[1-9][0-9]*$ ]] || die "not a positive number: $REPEAT"

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BUILD=$ROOT/build-release
CLI=$BUILD/src/cli/auspex-cli
PY=/usr/bin/python3
TIME=/usr/bin/time
WORK=${TMPDIR:-/tmp}/auspex-bench-forest
THREADS=2

DATASETS=(churn diamonds friedman1-100k classification-100k)
[ "$QUICK" = 1 ] || DATASETS+=(friedman1-1m)
if [ ${#ONLY[@]} -gt 0 ]; then
  for d in "${ONLY[@]}"; do
    case "$d" in
      churn|diamonds|friedman1-100k|friedman1-1m|classification-100k) ;;
      *) die "unknown data set $d (see --help)" ;;
    esac
  done
  DATASETS=("${ONLY[@]}")
fi

# --- what is needed --------------------------------------------------------

[ -x "$TIME" ] || die "$TIME is missing (Debian: apt-get install time)"
[ -x "$PY" ] || die "$PY is missing (Debian: apt-get install python3)"
"$PY" -c 'import numpy, pandas, sklearn' 2>/dev/null ||
  die "scikit-learn is missing (Debian: apt-get install python3-sklearn python3-pandas)"
"$PY" -c 'import xgboost' 2>/dev/null || die "xgboost is missing (Debian: apt-get install python3-xgboost)"
[ "$(nproc)" -ge "$THREADS" ] || die "needs at least $THREADS cores, this machine has $(nproc)"

if [ ! -f "$BUILD/build.ninja" ]; then
  echo "Setting up $BUILD (release, no GUI)…" >&2
  (cd "$ROOT" && meson setup build-release --buildtype=release -Dgui=false) >/dev/null ||
    die "meson setup failed"
fi
ninja -C "$BUILD" >/dev/null || die "the build failed: run ninja -C $BUILD to see why"
[ -x "$CLI" ] || die "no $CLI after the build"

# Every tool gets the same two cores: Auspex threads over
# g_get_num_processors(), which follows the CPU affinity.
PIN=()
if command -v taskset >/dev/null && [ "$(nproc)" -gt "$THREADS" ]; then
  PIN=(taskset -c "0-$((THREADS - 1))")
fi

mkdir -p "$WORK"
cleanup () {
  rm -f "$WORK/time.out"
  [ "$KEEP" = 1 ] || rm -f "$WORK"/*.auspex* "$WORK"/*.pred.csv "$WORK"/*.json
}
trap cleanup EXIT

# --- the data sets ---------------------------------------------------------

stamp=$(cat "$HERE/prepare.py" "$ROOT/data/datasets/churn.csv" "$ROOT/data/datasets/diamonds.csv" |
        sha256sum | cut -c1-16)
for d in "${DATASETS[@]}"; do
  if [ "$(cat "$WORK/$d/stamp" 2>/dev/null)" != "$stamp" ]; then
    echo "Preparing $d…" >&2
    "$PY" "$HERE/prepare.py" "$WORK" "$d" || die "prepare.py $d failed"
    echo "$stamp" >"$WORK/$d/stamp"
  fi
done

# meta DATASET KEY: one value of the data set's meta.json.
meta () {
  "$PY" -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$WORK/$1/meta.json" "$2"
}

# --- running one tool ------------------------------------------------------

# measure LOG CMD...: runs CMD under /usr/bin/time, its output in LOG, and
# sets SECS and RSS_KB.  Dies, showing LOG, if CMD fails.
measure () {
  local log=$1; shift
  if ! "$TIME" -f '%e %M' -o "$WORK/time.out" "${PIN[@]}" "$@" >"$log" 2>&1; then
    tail -n 20 "$log" >&2
    die "failed: $*"
  fi
  read -r SECS RSS_KB <"$WORK/time.out"
}

# json FILE KEY: a number from a JSON object printed by a tool.
json () {
  "$PY" -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"
}

max () { if [ "$1" -gt "$2" ]; then echo "$1"; else echo "$2"; fi; }
lt () { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }'; }

# auspex_config DATASET ALGORITHM: the model's configuration, on stdout.
auspex_config () {
  "$PY" - "$WORK/$1/meta.json" "$2" <<'EOF'
import json, sys
meta = json.load(open(sys.argv[1]))
algorithm = sys.argv[2]
if algorithm == "random_forest":
    hyper = {"n_estimators": 100, "max_depth": 10, "min_samples_split": 2}
else:
    hyper = {"n_estimators": 100, "max_depth": 6, "learning_rate": 0.3}
classification = meta["task"] == "classification"
print(json.dumps({
    "model_name": algorithm,
    "model_type": "churn_prediction" if classification else "demand_prediction",
    "algorithm": algorithm,
    "dataset": meta["name"],
    "target": meta["target"],
    # The same inputs as the libraries: without "features" a
    # demand_prediction with a time_column would be a forecast.
    "features": meta["features"],
    # Every row has the same block: the split keeps the file's order, so
    # the model fits on the first n_fit rows and validates on the rest.
    "time_column": "block",
    "hyperparameters": hyper,
    "validation_split": meta["n_valid"] / (meta["n_fit"] + meta["n_valid"]),
    "test_split": 0,
    "random_seed": 0,
}, indent=1))
EOF
}

# run_auspex DATASET ALGORITHM: sets A_TRAIN (wall seconds of the train
# command), A_ENGINE (the seconds it reports), A_PRED (wall seconds of the
# predict command), A_MODEL (the model's seconds it reports), A_RSS (KB,
# the largest of import, train and predict), A_METRIC.  The project is new
# for each run.
run_auspex () {
  local d=$1 algo=$2 dir="$WORK/$1" project="$WORK/$1-$2.auspex" import_rss n
  rm -f "$project" "$project"-*
  auspex_config "$d" "$algo" >"$WORK/$d-$algo.config.json"
  measure "$WORK/auspex.log" "$CLI" create "$project"
  import_rss=$RSS_KB
  measure "$WORK/auspex.log" "$CLI" import "$project" "$dir/train.csv" --name "$d" --json
  import_rss=$(max "$import_rss" "$RSS_KB")
  n=$(json "$WORK/auspex.log" rows)
  [ "$n" = $(( $(meta "$d" n_fit) + $(meta "$d" n_valid) )) ] || die "auspex-cli imported $n rows of $dir/train.csv"

  measure "$WORK/$d-$algo.train.json" "$CLI" train "$project" --config "$WORK/$d-$algo.config.json" --json
  A_TRAIN=$SECS A_RSS=$(max "$import_rss" "$RSS_KB")
  A_ENGINE=$(json "$WORK/$d-$algo.train.json" seconds)
  n=$(json "$WORK/$d-$algo.train.json" n_train)
  [ "$n" = "$(meta "$d" n_fit)" ] || die "auspex-cli trained on $n rows, not $(meta "$d" n_fit)"

  measure "$WORK/auspex.log" "$CLI" predict "$project" --model "$algo" \
    --csv "$dir/test.csv" --output "$WORK/$d-$algo.pred.csv" --json
  A_PRED=$SECS A_RSS=$(max "$A_RSS" "$RSS_KB")
  A_MODEL=$(json "$WORK/auspex.log" model_seconds)
  n=$(json "$WORK/auspex.log" rows)
  [ "$n" = "$(meta "$d" n_test)" ] || die "auspex-cli predicted $n rows, not $(meta "$d" n_test)"

  "$PY" "$HERE/score.py" "$dir" "$WORK/$d-$algo.pred.csv" >"$WORK/score.json" || die "score.py failed"
  A_METRIC=$(json "$WORK/score.json" value)
  [ "$KEEP" = 1 ] || rm -f "$project" "$project"-* "$WORK/$d-$algo.pred.csv"
}

# run_python DATASET LIBRARY: sets P_FIT, P_PRED (seconds of fit() and
# predict() alone), P_FILE (reading test.csv to writing the predictions),
# P_WALL (the whole process), P_RSS (KB), P_METRIC.
run_python () {
  measure "$WORK/$1-$2.json" "$PY" "$HERE/fit.py" "$WORK/$1" "$2"
  P_WALL=$SECS P_RSS=$RSS_KB
  P_FIT=$(json "$WORK/$1-$2.json" fit_seconds)
  P_PRED=$(json "$WORK/$1-$2.json" predict_seconds)
  P_FILE=$(json "$WORK/$1-$2.json" predict_file_seconds)
  P_METRIC=$(json "$WORK/$1-$2.json" value)
  [ "$(json "$WORK/$1-$2.json" n_fit)" = "$(meta "$1" n_fit)" ] || die "fit.py fitted the wrong rows"
}

# best NAME SECONDS [NAME2 VALUE2]: NAME becomes SECONDS (and NAME2
# VALUE2 with it) when NAME is unset or SECONDS is smaller.
best () {
  if [ -z "${!1:-}" ] || lt "$2" "${!1}"; then
    printf -v "$1" '%s' "$2"
    [ $# -lt 4 ] || printf -v "$3" '%s' "$4"
  fi
}

# best_of DATASET ALGORITHM LIBRARY: REPEAT runs of each tool (one for
# friedman1-1m), taking turns (Auspex, the library, Auspex, ...) so that
# neither always runs right after the other's heavy work or on a machine
# that slowed meanwhile; keeps each tool's fastest times and largest peak.
best_of () {
  local i b_train b_engine b_apred b_model b_fit b_wall b_ppred b_file a_rss=0 p_rss=0 n=$REPEAT
  [ "$1" != friedman1-1m ] || n=1
  for ((i = 0; i < n; i++)); do
    echo "  $1: auspex-cli $2…" >&2
    run_auspex "$1" "$2"
    best b_engine "$A_ENGINE" b_train "$A_TRAIN"
    best b_apred "$A_PRED"
    best b_model "$A_MODEL"
    a_rss=$(max "$a_rss" "$A_RSS")
    echo "  $1: $3…" >&2
    run_python "$1" "$3"
    best b_fit "$P_FIT" b_wall "$P_WALL"
    best b_ppred "$P_PRED"
    best b_file "$P_FILE"
    p_rss=$(max "$p_rss" "$P_RSS")
  done
  A_TRAIN=$b_train A_ENGINE=$b_engine A_PRED=$b_apred A_MODEL=$b_model A_RSS=$a_rss
  P_FIT=$b_fit P_WALL=$b_wall P_PRED=$b_ppred P_FILE=$b_file P_RSS=$p_rss
}

# --- the comparison --------------------------------------------------------

group () { echo "$1" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta'; }
f2 () { awk -v v="$1" 'BEGIN { printf "%.2f", v }'; }
f4 () { awk -v v="$1" 'BEGIN { printf "%.4f", v }'; }
rate () { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }'; }
rss_mb () { awk -v k="$1" 'BEGIN { printf "%.1f", k * 1024 / 1e6 }'; }
ratio () { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", (b > 0 ? a / b : 0) }'; }
diff4 () { awk -v a="$1" -v b="$2" 'BEGIN { printf "%+.4f", a - b }'; }

ROWS_OUT=()
TARGETS=()
LOADS=()
# compare ALGORITHM LIBRARY SPEED_TRAIN SPEED_PRED: runs both on every data
# set and prints a table; SPEED_* are the speed-up targets (1 for parity).
compare () {
  local algo=$1 lib=$2 want_train=$3 want_pred=$4 d metric n_fit n_test
  local ok_acc ok_train ok_pred ok_file ok_mem tr pr fr
  ROWS_OUT=()
  TARGETS=()
  for d in "${DATASETS[@]}"; do
    n_fit=$(meta "$d" n_fit) n_test=$(meta "$d" n_test)
    metric=$([ "$(meta "$d" task)" = classification ] && echo roc_auc || echo r2)
    LOADS+=("$(cut -d' ' -f1 /proc/loadavg)")
    best_of "$d" "$algo" "$lib"

    tr=$(ratio "$P_FIT" "$A_ENGINE") pr=$(ratio "$(rate "$n_test" "$A_MODEL")" "$(rate "$n_test" "$P_PRED")")
    fr=$(ratio "$(rate "$n_test" "$A_PRED")" "$(rate "$n_test" "$P_FILE")")
    ROWS_OUT+=("$(printf '%-20s %9s %7s  %-8s %8s %8s %12s %12s %9s  %s %s' \
      "$d" "$(group "$n_fit")" "$(group "$n_test")" auspex "$(f2 "$A_ENGINE")" "$(f2 "$A_TRAIN")" \
      "$(group "$(rate "$n_test" "$A_MODEL")")" "$(group "$(rate "$n_test" "$A_PRED")")" \
      "$(rss_mb "$A_RSS")" "$metric" "$(f4 "$A_METRIC")")")
    ROWS_OUT+=("$(printf '%-20s %9s %7s  %-8s %8s %8s %12s %12s %9s  %s %s' \
      "" "" "" "$lib" "$(f2 "$P_FIT")" "$(f2 "$P_WALL")" \
      "$(group "$(rate "$n_test" "$P_PRED")")" "$(group "$(rate "$n_test" "$P_FILE")")" \
      "$(rss_mb "$P_RSS")" "$metric" "$(f4 "$P_METRIC")")")
    ROWS_OUT+=("$(printf '%-20s %9s %7s  %-8s %8s %8s %12s %12s %9s  %s' \
      "" "" "" "ratio" "$tr" "" "$pr" "$fr" "$(ratio "$P_RSS" "$A_RSS")" "$(diff4 "$A_METRIC" "$P_METRIC")")")

    # Accuracy: at least the library's, less 0.01.
    if awk -v a="$A_METRIC" -v b="$P_METRIC" 'BEGIN { exit !(a >= b - 0.01) }'; then ok_acc=yes; else ok_acc=no; fi
    if awk -v a="$A_ENGINE" -v b="$P_FIT" -v w="$want_train" 'BEGIN { exit !(b >= w * a) }'; then ok_train=yes; else ok_train=no; fi
    if awk -v a="$A_MODEL" -v b="$P_PRED" -v w="$want_pred" 'BEGIN { exit !(b >= w * a) }'; then ok_pred=yes; else ok_pred=no; fi
    if awk -v a="$A_PRED" -v b="$P_FILE" -v w="$want_pred" 'BEGIN { exit !(b >= w * a) }'; then ok_file=yes; else ok_file=no; fi
    if [ "$A_RSS" -le "$P_RSS" ]; then ok_mem=yes; else ok_mem=no; fi
    TARGETS+=("$(printf '%-20s %-9s %-9s %-9s %-9s %s' "$d" "$ok_acc" "$ok_train" "$ok_pred" "$ok_mem" "$ok_file")")
  done
}

print_table () {
  local title=$1 lib=$2 want_train=$3 want_pred=$4 row
  echo
  echo "$title"
  echo
  printf '%-20s %9s %7s  %-8s %8s %8s %12s %12s %9s  %s\n' \
    "data set" "fit rows" "test" tool "train s" "all s" "pred rows/s" "file rows/s" "peak MB" "test metric"
  for row in "${ROWS_OUT[@]}"; do echo "$row"; done
  echo
  printf '%-20s %-9s %-9s %-9s %-9s %s\n' "targets met" accuracy "train ${want_train}x" "pred ${want_pred}x" memory \
    "(file ${want_pred}x)"
  for row in "${TARGETS[@]}"; do echo "$row"; done
}

SK=$("$PY" -c 'import sklearn; print(sklearn.__version__)')
XGB=$("$PY" -c 'import xgboost; print(xgboost.__version__)')
echo "Random forest: auspex-cli random_forest against scikit-learn $SK…" >&2
compare random_forest sklearn 5 3
RF_ROWS=("${ROWS_OUT[@]}") RF_TARGETS=("${TARGETS[@]}")
echo "Gradient boosting: auspex-cli gradient_boosting against xgboost $XGB…" >&2
compare gradient_boosting xgboost 1 1
GB_ROWS=("${ROWS_OUT[@]}") GB_TARGETS=("${TARGETS[@]}")

echo
echo "Forest benchmark: $(date -u +%Y-%m-%d), $(nproc) cores ($THREADS threads for every tool)," \
     "$(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1); scikit-learn $SK, xgboost $XGB," \
     "best of $REPEAT$([ "$REPEAT" = 1 ] || [[ " ${DATASETS[*]} " != *" friedman1-1m "* ]] || echo " (friedman1-1m: 1)");" \
     "load average (1 min) before each data set, forests then boosting: ${LOADS[*]}; at the end: $(cut -d' ' -f1 /proc/loadavg)"

ROWS_OUT=("${RF_ROWS[@]}") TARGETS=("${RF_TARGETS[@]}")
print_table "Random forest (100 trees, max_depth 10, min_samples_split 2): auspex random_forest / scikit-learn RandomForest*" sklearn 5 3
ROWS_OUT=("${GB_ROWS[@]}") TARGETS=("${GB_TARGETS[@]}")
print_table "Gradient boosting (100 rounds, max_depth 6, learning_rate 0.3, hist): auspex gradient_boosting / xgboost XGB*" xgboost 1 1

cat <<EOF

train s      auspex: the seconds \`auspex-cli train --json\` reports for the training
             itself (preparing the columns, fitting, scoring the validation rows,
             calibration, permutation importance); the library: fit() alone
all s        auspex: the whole \`auspex-cli train\` process (also reading the data
             set from the project and saving the model); the library: the whole
             fit.py process (python3 start, imports, read_csv, fit, predict, score)
pred rows/s  test rows over the seconds of the model alone: auspex: the
             model_seconds \`auspex-cli predict --json\` reports (converting the
             rows to the model's inputs, preparing them, predicting with
             ranges and confidence); the library: predict() / predict_proba()
file rows/s  test rows over predicting the file: auspex: the whole
             \`auspex-cli predict --csv\` process (starting, loading the model,
             reading the CSV, predicting, writing the CSV, recording every
             prediction with its input in the project); the library: inside
             fit.py, read_csv of test.csv, encoding, predict(), to_csv
peak MB      auspex: the largest of create, import, train and predict; the
             library: the whole fit.py process
ratio        train: library s / auspex s; pred: auspex rows/s / library rows/s;
             peak: library / auspex (above 1.00x: auspex is the faster, the
             smaller); metric: auspex - library
targets      accuracy: auspex >= library - 0.01; train and pred: the ratios
             above; memory: auspex's peak at most the library's; (file): the
             pred target on file rows/s, shown, not a target
EOF
