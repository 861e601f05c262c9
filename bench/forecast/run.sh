#!/bin/bash
# Forecast benchmark: `auspex-cli forecast` against R's forecast package,
# ets() and auto.arima(), on the same series with the same holdout.
#
#   bash bench/forecast/run.sh [--keep]
#
#   --keep   keep the project, the series and the forecasts written
#            (default: delete them)
#
# Builds build-release/ in the repository root when it is missing (release,
# without the GUI); AUSPEX_BUILD=DIR builds and uses another directory.
# forecast.R writes every series with its last horizon held out (12 months,
# 8 quarters, 28 days) into ${TMPDIR:-/tmp}/auspex-bench-forecast: air_passengers and
# chicago_ridership from data/datasets/, the others from R's datasets
# package.  Auspex imports each training series into one project and
# forecasts it (the method chosen by its own backtest, ranges at 80% and
# 95%); then forecast.R fits ets() and auto.arima() to the same training
# series, scores all three on the held-out periods and prints the table,
# the ratios and the targets.  Every tool runs on one core.
#
# It exits non-zero on errors only (a missing tool, a failed step, a wrong
# row count), never because a target is missed: it measures, it does not test.

set -euo pipefail

die () { echo "run.sh: $*" >&2; exit 1; }

KEEP=0
while [ $# -gt 0 ]; do
  case "$1" in
    --keep) KEEP=1; shift ;;
    -h|--help) sed -n '2,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
    *) die "unknown argument $1 (see --help)" ;;
  esac
done

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BUILD=${AUSPEX_BUILD:-$ROOT/build-release}
CLI=$BUILD/src/cli/auspex-cli
PY=/usr/bin/python3
WORK=${TMPDIR:-/tmp}/auspex-bench-forecast

# --- what is needed --------------------------------------------------------

command -v Rscript >/dev/null || die "Rscript is missing (Debian: apt-get install r-cran-forecast)"
Rscript -e 'suppressPackageStartupMessages(library(forecast))' >/dev/null 2>&1 ||
  die "R's forecast package is missing (Debian: apt-get install r-cran-forecast)"
[ -x "$PY" ] || die "$PY is missing (Debian: apt-get install python3)"

if [ ! -f "$BUILD/build.ninja" ]; then
  echo "Setting up $BUILD (release, no GUI)…" >&2
  meson setup "$BUILD" "$ROOT" --buildtype=release -Dgui=false >/dev/null ||
    die "meson setup failed"
fi
ninja -C "$BUILD" >/dev/null || die "the build failed: run ninja -C $BUILD to see why"
[ -x "$CLI" ] || die "no $CLI after the build"

# R's fits are single-threaded; Auspex threads over g_get_num_processors(),
# which follows the CPU affinity, so pinning both to one core compares the
# methods rather than the machine's cores.
PIN=()
if command -v taskset >/dev/null; then
  PIN=(taskset -c 0)
fi

rm -rf "$WORK"
mkdir -p "$WORK"
cleanup () {
  [ "$KEEP" = 1 ] || rm -rf "$WORK"
}
trap cleanup EXIT

# --- the series -------------------------------------------------------------

Rscript "$HERE/forecast.R" export "$WORK" "$ROOT/data/datasets" || die "exporting the series failed"

# --- Auspex -----------------------------------------------------------------

PROJECT=$WORK/bench.auspex
"$CLI" create "$PROJECT" >/dev/null || die "auspex-cli create failed"
printf 'name\tmodel\tseconds\twall\tbt_rows\town80\town95\tlevel80\tlevel95\tbt80\tbt95\n' \
  >"$WORK/auspex.tsv"
tail -n +2 "$WORK/series.tsv" | while IFS=$'\t' read -r name frequency period horizon; do
  "$CLI" import "$PROJECT" "$WORK/$name.train.csv" --name "$name" >/dev/null ||
    die "auspex-cli import $name failed"
  "$PY" "$HERE/measure.py" "$WORK" "$name" "${PIN[@]}" "$CLI" forecast "$PROJECT" \
    --dataset "$name" --time-column date --value-column value --horizon "$horizon" \
    --level 80,95 --output "$WORK/$name.auspex.csv" --json >>"$WORK/auspex.tsv" ||
    die "auspex-cli forecast $name failed"
done

# --- R, and the comparison ---------------------------------------------------

echo "Auspex $("$CLI" --version | cut -d' ' -f2), R $(Rscript -e 'cat(format(getRversion()))'), forecast $(Rscript -e 'cat(format(packageVersion("forecast")))'); one core each"
echo
"${PIN[@]}" Rscript "$HERE/forecast.R" compare "$WORK" || die "the comparison failed"
