#!/bin/sh
# Builds the demo project from the shipped datasets: make-demo.sh CLI OUT DATADIR
#
# Everything in it is made by auspex-cli from the real data, as an analyst
# would: the datasets imported; a diamond price regression, a churn
# classifier and an air passengers forecast trained; predictions made on
# samples of diamonds and customers whose outcomes are known, with those
# outcomes recorded as actuals; and a seasonal detection run over Chicago
# rail ridership, with a few anomalies given the analyst's verdict.
set -eu
cli=$1 out=$2 dir=$3
tmp="$out.tmp.$$"
work=$(mktemp -d)
rm -f "$tmp" "$tmp-wal" "$tmp-shm"
trap 'rm -rf "$tmp" "$tmp-wal" "$tmp-shm" "$work"' EXIT
"$cli" create "$tmp" >/dev/null
"$cli" import "$tmp" "$dir/dutch_retail_sales.csv" --name "Dutch retail sales" >/dev/null
"$cli" import "$tmp" "$dir/air_passengers.csv" --name "Air passengers" >/dev/null
"$cli" import "$tmp" "$dir/chicago_ridership.csv" --name "Chicago ridership" >/dev/null
"$cli" import "$tmp" "$dir/churn.csv" --name "Customer churn" >/dev/null
"$cli" import "$tmp" "$dir/diamonds.csv" --name "Diamond prices" >/dev/null

# Models: small, fast configurations (a few seconds in all).
cat > "$work/price.json" <<'EOF'
{"model_name": "Diamond price", "model_type": "price_optimization",
 "description": "The price of a diamond from its carat, cut, colour, clarity and proportions",
 "algorithm": "gradient_boosting", "hyperparameters": {"n_estimators": 60, "max_depth": 4},
 "dataset": "Diamond prices", "target": "price",
 "features": ["carat", "cut", "color", "clarity", "depth", "table"],
 "validation_split": 0.2, "test_split": 0.1}
EOF
cat > "$work/churn.json" <<'EOF'
{"model_name": "Customer churn", "model_type": "churn_prediction",
 "description": "Customers about to leave",
 "algorithm": "random_forest", "hyperparameters": {"n_estimators": 30, "max_depth": 10},
 "dataset": "Customer churn", "target": "churn",
 "validation_split": 0.2, "test_split": 0.1}
EOF
cat > "$work/air.json" <<'EOF'
{"model_name": "Air passengers", "model_type": "sales_forecast",
 "description": "Monthly airline passengers, a year ahead",
 "dataset": "Air passengers", "target": "passengers", "time_column": "month", "horizon": 12}
EOF
for m in price churn air; do
  "$cli" train "$tmp" --config "$work/$m.json" >/dev/null
done

# Predictions on samples whose outcome is known (every 180th diamond,
# every 25th customer), each row keyed by an id column added here; then
# the true price and churn of those same rows recorded as actuals.
awk -F, 'NR == 1 { print "\"diamond_id\"," $0; next } (NR - 2) % 180 == 0 { print NR - 1 "," $0 }' \
  "$dir/diamonds.csv" > "$work/diamonds.csv"
awk -F, 'NR == 1 { print "\"customer_id\"," $0; next } (NR - 2) % 25 == 0 { print "\"C" NR - 1 "\"," $0 }' \
  "$dir/churn.csv" > "$work/churn.csv"
"$cli" predict "$tmp" --model "Diamond price" --csv "$work/diamonds.csv" --output "$work/diamonds-out.csv" >/dev/null
"$cli" predict "$tmp" --model "Customer churn" --csv "$work/churn.csv" --output "$work/churn-out.csv" >/dev/null
"$cli" actuals "$tmp" --model "Diamond price" --csv "$work/diamonds.csv" --key diamond_id --value price >/dev/null
"$cli" actuals "$tmp" --model "Customer churn" --csv "$work/churn.csv" --key customer_id --value churn >/dev/null

# A detection of daily ridership against its weekly and yearly pattern,
# with thresholds set for about one alert a month of history.
cat > "$work/ridership.json" <<'EOF'
{"detection_name": "Ridership watch", "anomaly_type": "operational_anomaly",
 "description": "Daily CTA rail ridership against its weekly and yearly pattern",
 "algorithm": "seasonal", "detection_config": {},
 "threshold_config": {"alert_budget": {"alerts": 1, "per": "month"}},
 "monitored_metrics": ["ridership"], "detection_frequency": "daily",
 "dataset": "Chicago ridership", "time_column": "date"}
EOF
"$cli" detect "$tmp" --config "$work/ridership.json" >/dev/null
# The analyst's verdicts on three of the latest: two public holidays, and
# one looked into.
verdict() {
  id=$("$cli" anomalies "$tmp" --detection "Ridership watch" | awk -F'\t' -v d="$1" 'index($4, d) == 1 { print $1; exit }')
  [ -n "$id" ] || { echo "make-demo.sh: no anomaly on $1" >&2; exit 1; }
  shift
  "$cli" resolve "$tmp" "$id" "$@" >/dev/null
}
verdict 2016-07-04 --notes "Independence Day" --false-positive --reason "Public holiday: ridership always drops"
verdict 2016-05-30 --notes "Memorial Day" --false-positive --reason "Public holiday: ridership always drops"
verdict 2016-01-18 --notes "Martin Luther King Jr. Day: schools and many offices closed"

# One file, no WAL beside it: fold the journal back in before shipping.
sqlite3 "$tmp" "PRAGMA journal_mode=DELETE;" >/dev/null
mv "$tmp" "$out"
