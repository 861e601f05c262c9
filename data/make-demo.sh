#!/bin/sh
# Builds the demo project from the shipped datasets: make-demo.sh CLI OUT DATADIR
set -eu
cli=$1 out=$2 dir=$3
tmp="$out.tmp.$$"
rm -f "$tmp" "$tmp-wal" "$tmp-shm"
trap 'rm -f "$tmp" "$tmp-wal" "$tmp-shm"' EXIT
"$cli" create "$tmp" >/dev/null
"$cli" import "$tmp" "$dir/dutch_retail_sales.csv" --name "Dutch retail sales" >/dev/null
"$cli" import "$tmp" "$dir/air_passengers.csv" --name "Air passengers" >/dev/null
"$cli" import "$tmp" "$dir/chicago_ridership.csv" --name "Chicago ridership" >/dev/null
"$cli" import "$tmp" "$dir/churn.csv" --name "Customer churn" >/dev/null
"$cli" import "$tmp" "$dir/diamonds.csv" --name "Diamond prices" >/dev/null
# One file, no WAL beside it: fold the journal back in before shipping.
sqlite3 "$tmp" "PRAGMA journal_mode=DELETE;" >/dev/null
mv "$tmp" "$out"
trap - EXIT
