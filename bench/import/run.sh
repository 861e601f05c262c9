#!/bin/bash
# Import benchmark: auspex-cli against sqlite3 .import and pandas read_csv.
#
#   bash bench/import/run.sh [ROWS] [--repeat N] [--memory-rows N] [--keep]
#
#   ROWS             rows of the generated CSV file (default 1000000, ~100 MB)
#   --repeat N       run every tool N times and keep the fastest (default 1)
#   --memory-rows N  also import an N-row file with auspex-cli alone and show
#                    its peak memory next to the ROWS one (e.g. 3000000)
#   --keep           keep the projects and databases written (default: delete)
#
# Builds build-release/ in the repository root when it is missing (release,
# without the GUI), generates the CSV files into
# ${TMPDIR:-/tmp}/auspex-bench-import unless they are already there with the
# right number of rows, then times each tool with /usr/bin/time: elapsed
# seconds and peak resident memory of the whole process.  Each tool's row
# count is checked against ROWS.
#
# It exits non-zero on errors only (a missing tool, a failed import, a wrong
# row count), never because a target is missed: it measures, it does not test.

set -euo pipefail

die () { echo "run.sh: $*" >&2; exit 1; }

ROWS=1000000
REPEAT=1
MEMORY_ROWS=
KEEP=0
while [ $# -gt 0 ]; do
  case "$1" in
    --repeat) REPEAT=${2:?--repeat needs a number}; shift 2 ;;
    --repeat=*) REPEAT=${1#*=}; shift ;;
    --memory-rows) MEMORY_ROWS=${2:?--memory-rows needs a number}; shift 2 ;;
    --memory-rows=*) MEMORY_ROWS=${1#*=}; shift ;;
    --keep) KEEP=1; shift ;;
    -h|--help) sed -n '2,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) ROWS=$1; shift ;;
  esac
done
for n in "$ROWS" "$REPEAT" ${MEMORY_ROWS:+"$MEMORY_ROWS"}; do
  [[ $n =~ ^[1-9][0-9]*$ ]] || die "not a positive number: $n"
done

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BUILD=$ROOT/build-release
CLI=$BUILD/src/cli/auspex-cli
PY=/usr/bin/python3
TIME=/usr/bin/time
WORK=${TMPDIR:-/tmp}/auspex-bench-import

# --- what is needed --------------------------------------------------------

[ -x "$TIME" ] || die "$TIME is missing (Debian: apt-get install time)"
command -v sqlite3 >/dev/null || die "sqlite3 is missing (Debian: apt-get install sqlite3)"
[ -x "$PY" ] || die "$PY is missing (Debian: apt-get install python3)"
"$PY" -c 'import pandas' 2>/dev/null || die "pandas is missing (Debian: apt-get install python3-pandas)"

if [ ! -f "$BUILD/build.ninja" ]; then
  echo "Setting up $BUILD (release, no GUI)…"
  (cd "$ROOT" && meson setup build-release --buildtype=release -Dgui=false) >/dev/null ||
    die "meson setup failed"
fi
ninja -C "$BUILD" >/dev/null || die "the build failed: run ninja -C $BUILD to see why"
[ -x "$CLI" ] || die "no $CLI after the build"

mkdir -p "$WORK"
cleanup () {
  rm -f "$WORK/time.out"
  [ "$KEEP" = 1 ] || rm -f "$WORK"/bench.auspex* "$WORK"/bench.db*
}
trap cleanup EXIT

# --- the input files -------------------------------------------------------

# Prints the path of a ROWS-row file, generating it unless one made by this
# very generator with that many rows is already there.
csv_for () {
  local rows=$1 csv="$WORK/sales-$1.csv" stamp
  stamp=$(sha256sum "$HERE/gen-csv.py" | cut -c1-16)
  if [ -f "$csv" ] && [ "$(cat "$csv.stamp" 2>/dev/null)" = "$stamp" ] &&
     [ "$(wc -l <"$csv")" -eq $((rows + 1)) ]; then
    echo "$csv"
    return
  fi
  echo "Generating $csv ($rows rows)…" >&2
  "$PY" "$HERE/gen-csv.py" "$csv.part" "$rows" || die "gen-csv.py failed"
  mv "$csv.part" "$csv"
  echo "$stamp" >"$csv.stamp"
  echo "$csv"
}

# --- running one tool ------------------------------------------------------

# measure LOG CMD...: runs CMD under /usr/bin/time, output in LOG, and sets
# SECS and RSS_KB.  Dies, showing LOG, if CMD fails.
measure () {
  local log=$1; shift
  if ! "$TIME" -f '%e %M' -o "$WORK/time.out" "$@" >"$log" 2>&1; then
    tail -n 20 "$log" >&2
    die "failed: $*"
  fi
  read -r SECS RSS_KB <"$WORK/time.out"
}

# run_auspex CSV ROWS: sets SECS (create + import) and RSS_KB (the larger).
run_auspex () {
  local csv=$1 rows=$2 project="$WORK/bench.auspex" s1 m1 got
  rm -f "$project" "$project-wal" "$project-shm" "$project-journal"
  measure "$WORK/auspex-create.log" "$CLI" create "$project"
  s1=$SECS m1=$RSS_KB
  measure "$WORK/auspex-import.log" "$CLI" import "$project" "$csv" --name sales --format csv --json
  SECS=$(awk -v a="$s1" -v b="$SECS" 'BEGIN { printf "%.2f", a + b }')
  if [ "$m1" -gt "$RSS_KB" ]; then RSS_KB=$m1; fi
  got=$("$CLI" datasets "$project" --json |
        "$PY" -c 'import json, sys; print(sum(d["rows"] for d in json.load(sys.stdin) if d["name"] == "sales"))')
  [ "$got" = "$rows" ] || die "auspex-cli imported $got rows, not $rows (see $WORK/auspex-import.log)"
  [ "$KEEP" = 1 ] || rm -f "$project" "$project-wal" "$project-shm" "$project-journal"
}

run_sqlite () {
  local csv=$1 rows=$2 db="$WORK/bench.db" got
  rm -f "$db" "$db-journal" "$db-wal" "$db-shm"
  measure "$WORK/sqlite3.log" sqlite3 -bail "$db" .mode\ csv ".import \"$csv\" t"
  got=$(sqlite3 "$db" 'SELECT count(*) FROM t')
  [ "$got" = "$rows" ] || die "sqlite3 .import read $got rows, not $rows (see $WORK/sqlite3.log)"
  [ "$KEEP" = 1 ] || rm -f "$db" "$db-journal"
}

PANDAS_INNER=
run_pandas () {
  local csv=$1 rows=$2 got inner
  measure "$WORK/pandas.log" "$PY" -c '
import sys, time
import pandas
t = time.monotonic()
df = pandas.read_csv(sys.argv[1])
print(len(df), "%.2f" % (time.monotonic() - t))
' "$csv"
  read -r got inner <"$WORK/pandas.log"
  if [ -z "$PANDAS_INNER" ] || awk -v a="$inner" -v b="$PANDAS_INNER" 'BEGIN { exit !(a < b) }'; then
    PANDAS_INNER=$inner
  fi
  [ "$got" = "$rows" ] || die "pandas read_csv read $got rows, not $rows (see $WORK/pandas.log)"
}

# best_of TOOL CSV ROWS: the fastest of REPEAT runs, and the largest peak.
best_of () {
  local fn=$1 best_s='' best_m=0 i
  for ((i = 0; i < REPEAT; i++)); do
    "$fn" "$2" "$3"
    if [ -z "$best_s" ] || awk -v a="$SECS" -v b="$best_s" 'BEGIN { exit !(a < b) }'; then
      best_s=$SECS
    fi
    if [ "$RSS_KB" -gt "$best_m" ]; then best_m=$RSS_KB; fi
  done
  SECS=$best_s RSS_KB=$best_m
}

# --- the comparison --------------------------------------------------------

CSV=$(csv_for "$ROWS")
BYTES=$(stat -c %s "$CSV")
cat "$CSV" >/dev/null   # every tool reads it from the page cache

echo "Running auspex-cli…" >&2
best_of run_auspex "$CSV" "$ROWS"; A_S=$SECS A_M=$RSS_KB
echo "Running sqlite3 .import…" >&2
best_of run_sqlite "$CSV" "$ROWS"; S_S=$SECS S_M=$RSS_KB
echo "Running pandas read_csv…" >&2
best_of run_pandas "$CSV" "$ROWS"; P_S=$SECS P_M=$RSS_KB

# Sizes: MB = 10^6 bytes, for throughput and memory alike.
mb () { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1e6 }'; }
rss_mb () { awk -v k="$1" 'BEGIN { printf "%.1f", k * 1024 / 1e6 }'; }
rate () { awk -v b="$BYTES" -v s="$1" 'BEGIN { printf "%.1f", (s > 0 ? b / 1e6 / s : 0) }'; }
group () { echo "$1" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta'; }
ratio () { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", (b > 0 ? a / b : 0) }'; }

echo
echo "Import of $(basename "$CSV"): $(group "$ROWS") rows x 10 columns, $(mb "$BYTES") MB"
echo "$(date -u +%Y-%m-%d), $(nproc) cores, $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1);" \
     "sqlite3 $(sqlite3 --version | cut -d' ' -f1), pandas $("$PY" -c 'import pandas; print(pandas.__version__)')," \
     "best of $REPEAT"
echo
printf '%-17s %8s %8s %12s %15s %14s\n' tool seconds MB/s "peak RSS MB" "time / auspex" "RSS / auspex"
printf '%-17s %8s %8s %12s %15s %14s\n' \
  auspex-cli "$A_S" "$(rate "$A_S")" "$(rss_mb "$A_M")" 1.00x 1.00x \
  "sqlite3 .import" "$S_S" "$(rate "$S_S")" "$(rss_mb "$S_M")" "$(ratio "$S_S" "$A_S")" "$(ratio "$S_M" "$A_M")" \
  "pandas read_csv" "$P_S" "$(rate "$P_S")" "$(rss_mb "$P_M")" "$(ratio "$P_S" "$A_S")" "$(ratio "$P_M" "$A_M")"
echo
echo "Each time is the whole process: auspex-cli create + import (type inference, column"
echo "statistics, one transaction), sqlite3 with .mode csv + .import into a new database"
echo "(every column TEXT), python3 with import pandas + read_csv (read_csv alone: $PANDAS_INNER s)."
echo
echo "sqlite3 .import / auspex time = $(ratio "$S_S" "$A_S")   (above 1.00x: auspex is the faster)"
echo "pandas read_csv / auspex time = $(ratio "$P_S" "$A_S")"
echo "sqlite3 .import / auspex peak RSS = $(ratio "$S_M" "$A_M")"
echo "pandas read_csv / auspex peak RSS = $(ratio "$P_M" "$A_M")"

MAX_M=$A_M
if [ -n "$MEMORY_ROWS" ]; then
  BIG=$(csv_for "$MEMORY_ROWS")
  BIG_BYTES=$(stat -c %s "$BIG")
  cat "$BIG" >/dev/null
  echo "Running auspex-cli on $MEMORY_ROWS rows…" >&2
  best_of run_auspex "$BIG" "$MEMORY_ROWS"; B_S=$SECS B_M=$RSS_KB
  if [ "$B_M" -gt "$MAX_M" ]; then MAX_M=$B_M; fi
  echo
  echo "auspex-cli peak memory against the file's size:"
  printf '%12s %10s %8s %8s %12s\n' rows "file MB" seconds MB/s "peak RSS MB"
  printf '%12s %10s %8s %8s %12s\n' \
    "$(group "$ROWS")" "$(mb "$BYTES")" "$A_S" "$(rate "$A_S")" "$(rss_mb "$A_M")" \
    "$(group "$MEMORY_ROWS")" "$(mb "$BIG_BYTES")" "$B_S" \
    "$(BYTES=$BIG_BYTES rate "$B_S")" "$(rss_mb "$B_M")"
fi

echo
if awk -v a="$A_S" -v s="$S_S" 'BEGIN { exit !(a < s) }'; then fast=yes; else fast=no; fi
if awk -v k="$MAX_M" 'BEGIN { exit !(k * 1024 < 200e6) }'; then small=yes; else small=no; fi
echo "target: faster than sqlite3 .import: $fast ($A_S s against $S_S s)"
echo "target: peak RSS < 200 MB: $small ($(rss_mb "$MAX_M") MB at most)"
