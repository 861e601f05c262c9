#!/bin/bash
# Isolation forest benchmark: Auspex's engine against scikit-learn's IsolationForest.
#
#   bash bench/iforest/run.sh [--quick] [--rows N] [--repeat N] [--seeds N]
#                             [--synthetic-seeds N] [--no-cli]
#
#   --quick      the shuttle data alone (skips the generated 1,000,000-row set)
#   --rows N     rows of the generated set (default 1000000)
#   --repeat N   run every timing N times and keep the fastest (default 1)
#   --seeds N    fit both on the shuttle data with seeds 1..N: the ROC-AUC
#                target is judged on the two means (default 10; 0 skips it
#                and judges the single seed 42)
#   --synthetic-seeds N  the same on the generated set (default 3; about a
#                minute of scikit-learn per seed at 1,000,000 rows)
#   --no-cli     skip the end-to-end `auspex-cli detect` run on the shuttle data
#
# Both sides get the same settings: n_estimators 100, max_samples 256,
# contamination 0.1, 2 threads (scikit-learn: n_jobs=2), seed 42.  Auspex
# runs through ax-iforest-bench.c, a small driver compiled here against
# build-release's libax-engine.a that fits the "isolation_forest" detector
# and scores the same rows through the AxDetector interface; scikit-learn
# through sk-iforest.py.  Each times its fit and its scoring by the
# monotonic clock, without the reading of the input; /usr/bin/time gives the
# elapsed seconds and the peak resident memory of the whole process, input
# reading included.  roc-auc.py then computes both ROC-AUCs against the
# labels.
#
# Builds build-release/ in the repository root when it is missing (release,
# without the GUI), writes the inputs to ${TMPDIR:-/tmp}/auspex-bench-iforest
# unless they are already there, made by this very generator.  It exits
# non-zero on errors only (a missing tool, a failed run, a wrong row count),
# never because a target is missed: it measures, it does not test.

set -euo pipefail

die () { echo "run.sh: $*" >&2; exit 1; }

QUICK=0
ROWS=1000000
REPEAT=1
SEEDS=10
SYNTHETIC_SEEDS=3
WITH_CLI=1
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1; shift ;;
    --rows) ROWS=${2:?--rows needs a number}; shift 2 ;;
    --rows=*) ROWS=${1#*=}; shift ;;
    --repeat) REPEAT=${2:?--repeat needs a number}; shift 2 ;;
    --repeat=*) REPEAT=${1#*=}; shift ;;
    --seeds) SEEDS=${2:?--seeds needs a number}; shift 2 ;;
    --seeds=*) SEEDS=${1#*=}; shift ;;
    --synthetic-seeds) SYNTHETIC_SEEDS=${2:?--synthetic-seeds needs a number}; shift 2 ;;
    --synthetic-seeds=*) SYNTHETIC_SEEDS=${1#*=}; shift ;;
    --no-cli) WITH_CLI=0; shift ;;
    -h|--help) sed -n '2,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
    *) die "unknown argument $1 (see --help)" ;;
  esac
done
for n in "$ROWS" "$REPEAT"; do
  [[ $n =~ ^[1-9][0-9]*$ ]] || die "not a positive number: $n"
done
for n in "$SEEDS" "$SYNTHETIC_SEEDS"; do
  [[ $n =~ ^[0-9]+$ ]] || die "not a number: $n"
done
[ "$ROWS" -ge 1000 ] || die "--rows: at least 1000"

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BUILD=$ROOT/build-release
CLI=$BUILD/src/cli/auspex-cli
SHUTTLE=$ROOT/data/datasets/shuttle.csv
PY=/usr/bin/python3
TIME=/usr/bin/time
WORK=${TMPDIR:-/tmp}/auspex-bench-iforest
DRIVER=$WORK/ax-iforest-bench
THREADS=2
SEED=42

# --- what is needed --------------------------------------------------------

[ -x "$TIME" ] || die "$TIME is missing (Debian: apt-get install time)"
[ -x "$PY" ] || die "$PY is missing (Debian: apt-get install python3)"
"$PY" -c 'import numpy, sklearn' 2>/dev/null ||
  die "scikit-learn is missing (Debian: apt-get install python3-sklearn)"
command -v cc >/dev/null || die "cc is missing"
pkg-config --exists glib-2.0 gio-2.0 json-glib-1.0 xgboost ||
  die "pkg-config does not find glib-2.0, gio-2.0, json-glib-1.0 or xgboost"
[ -f "$SHUTTLE" ] || die "no $SHUTTLE"

if [ ! -f "$BUILD/build.ninja" ]; then
  echo "Setting up $BUILD (release, no GUI)…" >&2
  (cd "$ROOT" && meson setup build-release --buildtype=release -Dgui=false) >/dev/null ||
    die "meson setup failed"
fi
ninja -C "$BUILD" >/dev/null || die "the build failed: run ninja -C $BUILD to see why"
[ -f "$BUILD/src/engine/libax-engine.a" ] || die "no libax-engine.a after the build"

mkdir -p "$WORK"
cleanup () {
  rm -f "$WORK/time.out" "$WORK"/cli.auspex* "$WORK"/seed-*.scores "$WORK"/cli.scores-nojson.csv "$WORK/cli.json" "$WORK/cli.txt"
}
trap cleanup EXIT

echo "Compiling ax-iforest-bench…" >&2
# shellcheck disable=SC2046
cc -O2 -std=gnu11 -Wall -Wno-unused-parameter \
   -I"$ROOT/src/engine" -I"$BUILD" \
   -o "$DRIVER" "$HERE/ax-iforest-bench.c" \
   "$BUILD/src/engine/libax-engine.a" \
   $(pkg-config --cflags --libs glib-2.0 gio-2.0 json-glib-1.0 xgboost) -lm -pthread ||
  die "ax-iforest-bench.c does not compile against the engine"

# --- the input files -------------------------------------------------------

# inputs_for NAME ARGS...: OUT.csv and OUT.labels in WORK, unless made by
# this very generator with these arguments already.
inputs_for () {
  local name=$1 stamp; shift
  stamp="$(sha256sum "$HERE/gen-data.py" | cut -c1-16) $*"
  if [ "$1" = shuttle ]; then stamp="$stamp $(sha256sum "$SHUTTLE" | cut -c1-16)"; fi
  if [ -f "$WORK/$name.csv" ] && [ -f "$WORK/$name.labels" ] &&
     [ "$(cat "$WORK/$name.stamp" 2>/dev/null)" = "$stamp" ]; then
    return
  fi
  echo "Generating $WORK/$name.csv…" >&2
  "$PY" "$HERE/gen-data.py" "$@" || die "gen-data.py failed"
  echo "$stamp" >"$WORK/$name.stamp"
}

# --- running one side ------------------------------------------------------

# measure LOG CMD...: runs CMD under /usr/bin/time, its stdout in LOG, and
# sets SECS, RSS_KB and CPU (user + system seconds).  Dies, showing LOG, if
# CMD fails.
measure () {
  local log=$1; shift
  local user sys
  if ! "$TIME" -f '%e %M %U %S' -o "$WORK/time.out" "$@" >"$log" 2>"$log.err"; then
    tail -n 20 "$log.err" >&2
    die "failed: $*"
  fi
  read -r SECS RSS_KB user sys <"$WORK/time.out"
  CPU=$(awk -v a="$user" -v b="$sys" 'BEGIN { printf "%.2f", a + b }')
}

# run_side SIDE DATA ROWS: the best of REPEAT runs of SIDE (auspex or
# sklearn) on WORK/DATA.csv; sets FIT, SCORE, TOTAL (the fastest fit +
# score and its parts), PROC (the fastest whole process), PCPU (the least
# processor time of a whole process), RSS_KB (the largest peak), scores in
# WORK/DATA.SIDE.scores.
run_side () {
  local side=$1 data=$2 rows=$3 i n fit score total
  FIT='' SCORE='' TOTAL='' PROC='' PCPU='' local_rss=0
  for ((i = 0; i < REPEAT; i++)); do
    if [ "$side" = auspex ]; then
      measure "$WORK/$data.$side.log" "$DRIVER" "$WORK/$data.csv" "$WORK/$data.$side.scores" \
        --threads "$THREADS" --seed "$SEED"
    else
      measure "$WORK/$data.$side.log" "$PY" "$HERE/sk-iforest.py" "$WORK/$data.csv" \
        "$WORK/$data.$side.scores" --jobs "$THREADS" --seed "$SEED"
    fi
    read -r n _ _ fit score _ <"$WORK/$data.$side.log"
    [ "$n" = "$rows" ] || die "$side read $n rows of $data.csv, not $rows"
    total=$(awk -v a="$fit" -v b="$score" 'BEGIN { printf "%.3f", a + b }')
    if [ -z "$TOTAL" ] || awk -v a="$total" -v b="$TOTAL" 'BEGIN { exit !(a < b) }'; then
      FIT=$fit SCORE=$score TOTAL=$total
    fi
    if [ -z "$PROC" ] || awk -v a="$SECS" -v b="$PROC" 'BEGIN { exit !(a < b) }'; then
      PROC=$SECS
    fi
    if [ -z "$PCPU" ] || awk -v a="$CPU" -v b="$PCPU" 'BEGIN { exit !(a < b) }'; then
      PCPU=$CPU
    fi
    if [ "$RSS_KB" -gt "$local_rss" ]; then local_rss=$RSS_KB; fi
  done
  RSS_KB=$local_rss
}

# --- the comparison --------------------------------------------------------

rss_mb () { awk -v k="$1" 'BEGIN { printf "%.1f", k * 1024 / 1e6 }'; }
group () { echo "$1" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta'; }
ratio () { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1fx", (b > 0 ? a / b : 0) }'; }
loadavg () { cut -d' ' -f1-3 /proc/loadavg; }

LOAD_START=$(loadavg)
# Each data set's files (WORK/NAME.csv, .labels) and rows.
declare -A NAME_OF ROWS_OF R
SETS=(shuttle)
inputs_for shuttle shuttle "$SHUTTLE" "$WORK/shuttle"
NAME_OF[shuttle]=shuttle
ROWS_OF[shuttle]=$(($(wc -l <"$WORK/shuttle.labels")))
if [ "$QUICK" = 0 ]; then
  SETS+=(synthetic)
  inputs_for "synthetic-$ROWS" synthetic "$WORK/synthetic-$ROWS" "$ROWS"
  NAME_OF[synthetic]=synthetic-$ROWS
  ROWS_OF[synthetic]=$ROWS
fi

for set in "${SETS[@]}"; do
  data=${NAME_OF[$set]} rows=${ROWS_OF[$set]}
  cat "$WORK/$data.csv" >/dev/null   # both read it from the page cache
  for side in auspex sklearn; do
    echo "Running $side on $data ($(group "$rows") rows)…" >&2
    run_side "$side" "$data" "$rows"
    R[$set.$side.fit]=$FIT R[$set.$side.score]=$SCORE R[$set.$side.total]=$TOTAL
    R[$set.$side.proc]=$PROC R[$set.$side.cpu]=$PCPU R[$set.$side.rss]=$RSS_KB
  done
  read -r a s < <("$PY" "$HERE/roc-auc.py" "$WORK/$data.labels" \
                    "$WORK/$data.auspex.scores" "$WORK/$data.sklearn.scores") ||
    die "roc-auc.py failed on $data"
  if [ -z "$a" ] || [ -z "$s" ]; then die "roc-auc.py gave no ROC-AUC for $data"; fi
  R[$set.auspex.auc]=$a R[$set.sklearn.auc]=$s
  R[$set.rows]=$rows
done

# ROC-AUC over seeds 1..N: one seed's ROC-AUC moves by a hundredth or two
# either way on the shuttle data, more than the target's margin, so the
# target is judged on the means of N seeds, the same N for both sides.
# seed_study SET DATA N: sets R[SET.seeds.*] from seed-study.py: each
# side's per-seed ROC-AUCs, mean, sd, min and max, the difference of the
# means, in how many seeds auspex came within 0.005 of (or above)
# scikit-learn, the pooled forests' ROC-AUCs and the per-row agreement.
seed_study () {
  local set=$1 data=$2 n=$3 s afiles=() kfiles=() key rest
  echo "Fitting both with seeds 1..$n on $data…" >&2
  for ((s = 1; s <= n; s++)); do
    "$DRIVER" "$WORK/$data.csv" "$WORK/seed-$s.auspex.scores" --threads "$THREADS" --seed "$s" \
      >/dev/null || die "ax-iforest-bench failed with seed $s on $data"
    "$PY" "$HERE/sk-iforest.py" "$WORK/$data.csv" "$WORK/seed-$s.sklearn.scores" \
      --jobs "$THREADS" --seed "$s" >/dev/null || die "sk-iforest.py failed with seed $s on $data"
    afiles+=("$WORK/seed-$s.auspex.scores")
    kfiles+=("$WORK/seed-$s.sklearn.scores")
  done
  while read -r key rest; do
    R[$set.seeds.$key]=$rest
  done < <("$PY" "$HERE/seed-study.py" "$WORK/$data.labels" "$n" "${afiles[@]}" "${kfiles[@]}" ||
             echo "failed")
  rm -f "${afiles[@]}" "${kfiles[@]}"
  [ -z "${R[$set.seeds.failed]+x}" ] || die "seed-study.py failed on $data"
  [ -n "${R[$set.seeds.ok]:-}" ] || die "no ROC-AUC over the seeds on $data"
  R[$set.seeds.n]=$n
}
if [ "$SEEDS" -gt 0 ]; then
  seed_study shuttle "${NAME_OF[shuttle]}" "$SEEDS"
fi
if [ "$QUICK" = 0 ] && [ "$SYNTHETIC_SEEDS" -gt 0 ]; then
  seed_study synthetic "${NAME_OF[synthetic]}" "$SYNTHETIC_SEEDS"
fi

# The end-to-end command on the shuttle data: a new project each time, the
# import not timed.
if [ "$WITH_CLI" = 1 ]; then
  if [ -x "$CLI" ] && "$CLI" detect --help >/dev/null 2>&1; then
    cat >"$WORK/cli-config.json" <<EOF
{"detection_name": "shuttle_iforest", "anomaly_type": "operational_anomaly",
 "description": "Benchmark: isolation forest on the shuttle data",
 "algorithm": "isolation_forest",
 "detection_config": {"n_estimators": 100, "max_samples": 256, "contamination": 0.1},
 "monitored_metrics": ["V1", "V2", "V3", "V4", "V5", "V6", "V7", "V8", "V9"],
 "detection_frequency": "daily", "dataset": "shuttle", "random_seed": $SEED}
EOF
    # fresh_project: a new project with the shuttle data imported.
    fresh_project () {
      rm -f "$WORK"/cli.auspex*
      "$CLI" create "$WORK/cli.auspex" >/dev/null || die "auspex-cli create failed"
      "$CLI" import "$WORK/cli.auspex" "$SHUTTLE" --name shuttle --format csv >/dev/null ||
        die "auspex-cli import failed"
    }
    CLI_S='' CLI_M=0 CLI_C='' CLI_NJ_S='' CLI_NJ_M=0 CLI_NJ_C=
    for ((i = 0; i < REPEAT; i++)); do
      echo "Running auspex-cli detect on shuttle…" >&2
      fresh_project
      measure "$WORK/cli.json" "$CLI" detect "$WORK/cli.auspex" --config "$WORK/cli-config.json" \
        --scores "$WORK/cli.scores.csv" --json
      if [ -z "$CLI_S" ] || awk -v a="$SECS" -v b="$CLI_S" 'BEGIN { exit !(a < b) }'; then CLI_S=$SECS; fi
      if [ -z "$CLI_C" ] || awk -v a="$CPU" -v b="$CLI_C" 'BEGIN { exit !(a < b) }'; then CLI_C=$CPU; fi
      if [ "$RSS_KB" -gt "$CLI_M" ]; then CLI_M=$RSS_KB; fi
      # The same without --json, whose report of every anomaly is large.
      fresh_project
      measure "$WORK/cli.txt" "$CLI" detect "$WORK/cli.auspex" --config "$WORK/cli-config.json" \
        --scores "$WORK/cli.scores-nojson.csv"
      if [ -z "$CLI_NJ_S" ] || awk -v a="$SECS" -v b="$CLI_NJ_S" 'BEGIN { exit !(a < b) }'; then CLI_NJ_S=$SECS; fi
      if [ -z "$CLI_NJ_C" ] || awk -v a="$CPU" -v b="$CLI_NJ_C" 'BEGIN { exit !(a < b) }'; then CLI_NJ_C=$CPU; fi
      if [ "$RSS_KB" -gt "$CLI_NJ_M" ]; then CLI_NJ_M=$RSS_KB; fi
    done
    CLI_JSON_MB=$(awk -v b="$(stat -c %s "$WORK/cli.json")" 'BEGIN { printf "%.1f", b / 1e6 }')
    read -r CLI_ROWS CLI_ANOM CLI_SHOWN < <("$PY" -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(d["rows_scored"], d["anomalies_found"], len(d["anomalies"]))' "$WORK/cli.json") ||
      die "cannot read $WORK/cli.json"
    [ "$CLI_ROWS" = "${R[shuttle.rows]}" ] || die "auspex-cli detect scored $CLI_ROWS rows, not ${R[shuttle.rows]}"
    CLI_AUC=$("$PY" "$HERE/roc-auc.py" "$WORK/shuttle.labels" "$WORK/cli.scores.csv") ||
      die "roc-auc.py failed on the scores of auspex-cli detect"
  else
    echo "run.sh: $CLI has no detect command yet: skipping the end-to-end run" >&2
    WITH_CLI=0
  fi
fi
LOAD_END=$(loadavg)

# --- the report ------------------------------------------------------------

echo
echo "Isolation forest: Auspex against scikit-learn $("$PY" -c 'import sklearn; print(sklearn.__version__)') IsolationForest"
echo "n_estimators 100, max_samples 256, contamination 0.1, $THREADS threads (scikit-learn n_jobs=$THREADS), seed $SEED; best of $REPEAT"
echo "$(date -u +%Y-%m-%d), $(nproc) cores, $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1);" \
     "numpy $("$PY" -c 'import numpy; print(numpy.__version__)'), Python $("$PY" -c 'import platform; print(platform.python_version())')"
echo "load average (1, 5, 15 min): $LOAD_START at the start, $LOAD_END at the end"
echo
printf '%-10s %10s  %-13s %7s %8s %12s %10s %6s %12s %8s\n' \
  "data set" rows tool "fit s" "score s" "fit+score s" "process s" "CPU s" "peak RSS MB" "AUC s$SEED"
for set in "${SETS[@]}"; do
  for side in auspex sklearn; do
    label=$([ "$side" = auspex ] && echo "auspex" || echo "scikit-learn")
    printf '%-10s %10s  %-13s %7.2f %8.2f %12.2f %10.2f %6.2f %12s %8s\n' \
      "$set" "$(group "${R[$set.rows]}")" "$label" \
      "${R[$set.$side.fit]}" "${R[$set.$side.score]}" "${R[$set.$side.total]}" \
      "${R[$set.$side.proc]}" "${R[$set.$side.cpu]}" "$(rss_mb "${R[$set.$side.rss]}")" "${R[$set.$side.auc]}"
  done
done
echo
echo "fit s, score s: fit() and scoring the same rows, by the monotonic clock inside"
echo "each process (auspex: AxDetector fit and score, which also computes each row's"
echo "expected ranges and root cause; scikit-learn: fit, which with contamination 0.1"
echo "scores every row once to set its threshold, and score_samples).  process s,"
echo "CPU s (user + system) and peak RSS: the whole process (/usr/bin/time), reading"
echo "the CSV file and writing the scores included; for scikit-learn also starting"
echo "the interpreter and importing numpy and scikit-learn."
echo
printf '%-10s %22s %22s %24s %14s\n' "data set" "fit+score time ratio" "peak RSS ratio" "ROC-AUC difference" "of"
for set in "${SETS[@]}"; do
  if [ -n "${R[$set.seeds.n]:-}" ]; then
    diff=${R[$set.seeds.diff]} of="means, ${R[$set.seeds.n]} seeds"
  else
    diff=$(awk -v a="${R[$set.auspex.auc]}" -v b="${R[$set.sklearn.auc]}" 'BEGIN { printf "%+.4f", a - b }')
    of="seed $SEED"
  fi
  printf '%-10s %22s %22s %24s %14s\n' "$set" \
    "$(ratio "${R[$set.sklearn.total]}" "${R[$set.auspex.total]}")" \
    "$(ratio "${R[$set.sklearn.rss]}" "${R[$set.auspex.rss]}")" "$diff" "$of"
done
echo "(ratios: scikit-learn / auspex, above 1.0x auspex is the faster or the smaller;"
echo " difference: auspex - scikit-learn)"

for set in "${SETS[@]}"; do
  [ -n "${R[$set.seeds.n]:-}" ] || continue
  read -r am asd amin amax <<<"${R[$set.seeds.auspex]}"
  read -r km ksd kmin kmax <<<"${R[$set.seeds.sklearn]}"
  read -r pa pk <<<"${R[$set.seeds.pooled]}"
  read -r rmean rsd rnoise <<<"${R[$set.seeds.rows]}"
  echo
  echo "$set, ROC-AUC with seeds 1..${R[$set.seeds.n]}, the same seeds for both (mean ± sd, min to max):"
  echo "  auspex        $am ± $asd  ($amin to $amax)"
  echo "  scikit-learn  $km ± $ksd  ($kmin to $kmax)"
  echo "  difference of the means ${R[$set.seeds.diff]}; auspex no lower than scikit-learn - 0.005" \
       "with ${R[$set.seeds.ok]} of the ${R[$set.seeds.n]} seeds"
  echo "  per seed, auspex:        ${R[$set.seeds.auspex_aucs]}"
  echo "  per seed, scikit-learn:  ${R[$set.seeds.sklearn_aucs]}"
  echo "  the ${R[$set.seeds.n]} forests of each side as one: ROC-AUC $pa (auspex), $pk (scikit-learn);"
  echo "  per-row difference of their mean path length E(h)/c(psi): mean $rmean, sd $rsd,"
  echo "  against $rnoise from the seeds' noise alone"
done

if [ "$WITH_CLI" = 1 ]; then
  echo
  echo "auspex-cli detect on shuttle, end to end (best of $REPEAT), ROC-AUC $CLI_AUC:"
  echo "  detect P --config C --scores S --json   $CLI_S s ($CLI_C s of CPU), peak RSS $(rss_mb "$CLI_M") MB ($CLI_JSON_MB MB of JSON printed: the $CLI_SHOWN highest)"
  echo "  detect P --config C --scores S          $CLI_NJ_S s ($CLI_NJ_C s of CPU), peak RSS $(rss_mb "$CLI_NJ_M") MB"
  echo "  (the whole process: open the project, read the $(group "$CLI_ROWS") rows, fit, score, store"
  echo "  $(group "$CLI_ANOM") anomalies, write the scores file; project created and CSV imported beforehand,"
  echo "  not timed; every core, $(nproc) here)"
fi

yes_no () { if awk "BEGIN { exit !($1) }"; then echo yes; else echo no; fi; }
echo
for set in "${SETS[@]}"; do
  a=${R[$set.auspex.auc]} s=${R[$set.sklearn.auc]}
  if [ -n "${R[$set.seeds.n]:-}" ]; then
    read -r am _ <<<"${R[$set.seeds.auspex]}"
    read -r km _ <<<"${R[$set.seeds.sklearn]}"
    echo "target $set ROC-AUC >= scikit-learn - 0.005, means of seeds 1..${R[$set.seeds.n]}:" \
         "$(yes_no "$am >= $km - 0.005") ($am against $km; seed $SEED alone: $a against $s)"
  else
    echo "target $set ROC-AUC >= scikit-learn - 0.005, seed $SEED alone: $(yes_no "$a >= $s - 0.005") ($a against $s)"
  fi
  echo "target $set fit+score >= 10x faster: $(yes_no "${R[$set.sklearn.total]} >= 10 * ${R[$set.auspex.total]}")" \
       "($(ratio "${R[$set.sklearn.total]}" "${R[$set.auspex.total]}"): ${R[$set.auspex.total]} s against ${R[$set.sklearn.total]} s)"
  echo "target $set peak RSS no higher: $(yes_no "${R[$set.auspex.rss]} <= ${R[$set.sklearn.rss]}")" \
       "($(rss_mb "${R[$set.auspex.rss]}") MB against $(rss_mb "${R[$set.sklearn.rss]}") MB)"
done
