/* test-cli-forecast.c — forecasting with auspex-cli: series, forecast models, stock
 *
 * Every test runs the built auspex-cli ($AX_CLI) as a real process in a
 * fresh temporary directory holding a project with the shipped
 * AirPassengers series ($AX_DATASETS/air_passengers.csv, monthly,
 * 1949-01..1960-12) imported as "air", and judges only what it prints,
 * its exit status and the files it leaves; the project is looked into
 * with SQLite directly.  Series with several items are generated here,
 * from a fixed formula, so that what a forecast must come near is known.
 * A failure must be one line on stderr naming what is wrong, a non-zero
 * exit, and must leave the project as it was.
 */

#include "ax-config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <locale.h>
#include <math.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>

#include "ax-test-util.h"

/* parse_json() of @text, which it frees. */
static JsonNode *
parse_json_take (char *text)
{
  g_autofree char *owned = text;

  return parse_json (owned);
}

/* The project */

/* A project with air_passengers.csv imported as "air". */
static void
fixture_set_up (Fixture       *fx,
                gconstpointer  data)
{
  g_autofree char *air = dataset_path ("air_passengers.csv");

  fixture_init (fx, "ax-test-cli-forecast-XXXXXX");
  g_free (cli_ok (fx, "create", PROJECT, NULL));
  g_free (cli_ok (fx, "import", PROJECT, air, "--name", "air", NULL));
}

/* Generated data */

/* Monthly sales of three stores from 2020-01 to 2023-12: each its own
 * level (100, 1000, 5000), growing 1% a month, with a yearly swing of
 * ±25% and a small fixed wiggle.  Rows are shuffled by store. */
static const struct { const char *name; double level; } stores[] = {
  { "A", 100 }, { "B", 1000 }, { "C", 5000 },
};

static double
store_sales (double level,
             guint  t)
{
  return level * pow (1.01, t) * (1 + 0.25 * sin (2 * G_PI * (t % 12) / 12.0)) *
         (1 + 0.02 * ((double) ((t * 7919) % 13) - 6) / 6);
}

static void
write_stores (Fixture *fx)
{
  g_autoptr(GString) csv = g_string_new ("month,store,sales,promo\n");

  for (guint t = 0; t < 48; t++)
    for (guint s = 0; s < G_N_ELEMENTS (stores); s++)
      g_string_append_printf (csv, "%04u-%02u-01,%s,%.1f,%u\n", 2020 + t / 12, t % 12 + 1,
                              stores[(s + t) % G_N_ELEMENTS (stores)].name,
                              store_sales (stores[(s + t) % G_N_ELEMENTS (stores)].level, t),
                              (t + s) % 4 == 0);
  write_file (fx, "stores.csv", csv->str, -1);
  g_free (cli_ok (fx, "import", PROJECT, "stores.csv", "--name", "stores", NULL));
}

/* Monthly demand in units of two products over three years. */
static void
write_demand (Fixture *fx)
{
  g_autoptr(GString) csv = g_string_new ("month,product,units\n");

  for (guint t = 0; t < 36; t++)
    {
      g_string_append_printf (csv, "%04u-%02u-01,P1,%.0f\n", 2021 + t / 12, t % 12 + 1,
                              200 * (1 + 0.2 * cos (2 * G_PI * t / 12.0)) + (double) ((t * 37) % 11) - 5);
      g_string_append_printf (csv, "%04u-%02u-01,P2,%.0f\n", 2021 + t / 12, t % 12 + 1,
                              50 + (double) ((t * 17) % 9) - 4);
    }
  write_file (fx, "demand.csv", csv->str, -1);
  g_free (cli_ok (fx, "import", PROJECT, "demand.csv", "--name", "demand", NULL));
}

/* Checking forecasts */

/* "1961-01-01" + @months months. */
static char *
month_after (int year,
             int month,
             int months)
{
  int m = (year * 12 + month - 1) + months;

  return g_strdup_printf ("%04d-%02d-01", m / 12, m % 12 + 1);
}

/* Checks every row of @rows (with header) from @first (1: the first data
 * row) for @n rows: the time is @months_from months after @year-@month,
 * the ranges of @levels nest around the forecast, and the forecast is
 * within @tolerance (a fraction) of @expect (nullable; the row's value). */
static void
assert_forecast_rows (GPtrArray    *rows,
                      guint         first,
                      guint         n,
                      int           year,
                      int           month,
                      const double *levels,
                      guint         n_levels,
                      const double *expect,
                      double        tolerance)
{
  char **header = g_ptr_array_index (rows, 0);
  int tc = column_index (header, "time");
  int fc = column_index (header, "forecast");

  g_assert_cmpint (tc, >=, 0);
  g_assert_cmpint (fc, >=, 0);
  g_assert_cmpuint (rows->len, >=, first + n);
  for (guint i = 0; i < n; i++)
    {
      char **row = g_ptr_array_index (rows, first + i);
      g_autofree char *want = month_after (year, month, (int) i + 1);
      double f, inner_lo, inner_hi;

      if (g_strcmp0 (row[tc], want) != 0)
        check_failed ("row %u: time is %s, expected %s", first + i, row[tc], want);
      if (!parse_finite (row[fc], &f))
        {
          check_failed ("row %u: forecast '%s' is not a number", first + i, row[fc]);
          continue;
        }
      if (expect && !(fabs (f - expect[i]) <= tolerance * fabs (expect[i])))
        check_failed ("row %u (%s): forecast %g, expected %g within %.0f%%",
                      first + i, row[tc], f, expect[i], 100 * tolerance);
      /* Wider levels hold narrower ones: lower_95 <= lower_80 <= forecast
       * <= upper_80 <= upper_95. */
      inner_lo = inner_hi = f;
      for (guint l = 0; l < n_levels; l++)
        {
          char name[32];
          double lo, hi;
          int lc, hc;

          g_snprintf (name, sizeof name, "lower_%g", levels[l]);
          lc = column_index (header, name);
          g_snprintf (name, sizeof name, "upper_%g", levels[l]);
          hc = column_index (header, name);
          if (lc < 0 || hc < 0)
            {
              check_failed ("no lower_%g/upper_%g columns", levels[l], levels[l]);
              return;
            }
          if (!parse_finite (row[lc], &lo) || !parse_finite (row[hc], &hi))
            {
              check_failed ("row %u: the %g%% range is not numbers", first + i, levels[l]);
              continue;
            }
          if (!(lo <= inner_lo && inner_hi <= hi && lo < hi))
            check_failed ("row %u (%s): %g%% range %g..%g does not hold %g..%g",
                          first + i, row[tc], levels[l], lo, hi, inner_lo, inner_hi);
          inner_lo = lo;
          inner_hi = hi;
        }
    }
}

static guint
count_models (Fixture *fx)
{
  g_autofree char *out = cli_ok (fx, "models", PROJECT, "--json", NULL);
  g_autoptr(JsonNode) root = parse_json (out);

  return json_array_get_length (json_node_get_array (root));
}

static JsonObject *
first_series (JsonNode *root)
{
  JsonArray *series = json_object_get_array_member (json_node_get_object (root), "series");

  g_assert_cmpuint (json_array_get_length (series), >=, 1);
  return json_array_get_object_element (series, 0);
}

/* Tests */

static const double levels_80_95[] = { 80, 95 };

static void
test_air_passengers (Fixture       *fx,
                     gconstpointer  data)
{
  g_autofree char *out_path = fixture_path (fx, "out.csv");
  g_autofree char *text = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  char **header;
  double july = NAN, november = NAN, sum = 0;

  text = cli_ok (fx, "forecast", PROJECT, "--dataset", "air", "--time-column", "month",
                 "--value-column", "passengers", "--horizon", "12", "--output", "out.csv", NULL);
  /* The chosen model and its backtest, for a person. */
  g_assert_nonnull (strstr (text, "Model: "));
  g_assert_nonnull (strstr (text, "monthly"));
  g_assert_nonnull (strstr (text, "Backtest"));
  g_assert_nonnull (strstr (text, "sMAPE"));
  g_assert_nonnull (strstr (text, "MASE"));
  /* The backtest's coverage of the (calibrated) ranges, and how the
   * ranges were calibrated. */
  g_assert_nonnull (strstr (text, "80% range held"));
  g_assert_nonnull (strstr (text, "95% range held"));
  g_assert_nonnull (strstr (text, "Ranges calibrated on the backtest: 80% is the model’s"));
  g_assert_nonnull (strstr (text, "Wrote 12 forecasts"));

  rows = read_csv_records (out_path);
  g_assert_cmpuint (rows->len, ==, 13);
  header = g_ptr_array_index (rows, 0);
  g_assert_cmpuint (g_strv_length (header), ==, 6);
  g_assert_cmpstr (header[0], ==, "time");
  g_assert_cmpstr (header[1], ==, "forecast");
  g_assert_cmpstr (header[2], ==, "lower_80");
  g_assert_cmpstr (header[3], ==, "upper_80");
  g_assert_cmpstr (header[4], ==, "lower_95");
  g_assert_cmpstr (header[5], ==, "upper_95");
  /* 1961-01 .. 1961-12, ranges nested. */
  assert_forecast_rows (rows, 1, 12, 1960, 12, levels_80_95, 2, NULL, 0);
  for (guint i = 1; i <= 12; i++)
    {
      double f = NAN;
      parse_finite (((char **) g_ptr_array_index (rows, i))[1], &f);
      sum += f;
      if (i == 7)
        july = f;
      if (i == 11)
        november = f;
    }
  /* 1960 carried 5,714 thousand passengers; growth goes on (1949-1960
   * grew 5-25% a year), and the summer peak stays. */
  if (!(sum > 5714 && sum < 5714 * 1.3))
    check_failed ("the 1961 forecasts add up to %g, not 5,714-7,428", sum);
  if (!(july > november * 1.2))
    check_failed ("July (%g) should be well above November (%g)", july, november);

  /* Nothing of a plain forecast is stored. */
  g_assert_cmpint (project_int (fx, "SELECT count(*) FROM predictions"), ==, 0);
  g_assert_cmpuint (count_models (fx), ==, 0);
}

static void
test_json (Fixture       *fx,
           gconstpointer  data)
{
  g_autofree char *text = cli_ok (fx, "forecast", PROJECT, "--dataset", "air", "--time-column", "month",
                                  "--value-column", "passengers", "--horizon", "12", "--json", NULL);
  g_autoptr(JsonNode) root = parse_json (text);
  JsonObject *o = json_node_get_object (root);
  JsonObject *s = first_series (root);
  JsonObject *backtest = member_object (s, "backtest");
  JsonArray *forecasts = json_object_get_array_member (s, "forecasts");
  JsonArray *levels = json_object_get_array_member (o, "levels");
  JsonArray *candidates = json_object_get_array_member (s, "candidates");
  double smape = member_number (backtest, "smape");

  g_assert_cmpstr (json_object_get_string_member (o, "dataset"), ==, "air");
  g_assert_cmpuint (json_array_get_length (levels), ==, 2);
  g_assert_cmpfloat (json_array_get_double_element (levels, 0), ==, 80);
  g_assert_cmpfloat (json_array_get_double_element (levels, 1), ==, 95);
  g_assert_true (json_object_get_null_member (s, "item"));
  g_assert_cmpstr (json_object_get_string_member (s, "frequency"), ==, "monthly");
  g_assert_cmpint (json_object_get_int_member (s, "observations"), ==, 144);
  g_assert_cmpint (json_object_get_int_member (s, "period"), ==, 12);
  g_assert_cmpuint (strlen (json_object_get_string_member (s, "model")), >, 0);
  g_assert_cmpint (json_object_get_int_member (backtest, "rows"), >=, 12);
  /* AirPassengers is easy to forecast a year ahead: a few percent off. */
  if (!(smape > 0 && smape < 10))
    check_failed ("backtest sMAPE %g%%, expected 0-10%%", smape);
  if (!(member_number (backtest, "mase") > 0 && member_number (backtest, "mase") < 2))
    check_failed ("backtest MASE %g, expected 0-2", member_number (backtest, "mase"));
  g_assert_false (isnan (member_number (backtest, "coverage_80")));
  g_assert_false (isnan (member_number (backtest, "coverage_95")));
  {
    JsonObject *cal = member_object (s, "calibration");
    double l80 = member_number (cal, "range_level_80"), l95 = member_number (cal, "range_level_95");
    if (!(l80 > 0 && l80 < l95 && l95 < 100))
      check_failed ("calibrated levels %g and %g, expected 0 < 80%%'s < 95%%'s < 100", l80, l95);
    g_assert_cmpfloat (member_number (cal, "model_coverage_80"), >=, 0);
    g_assert_cmpfloat (member_number (cal, "model_coverage_95"), <=, 100);
  }
  g_assert_cmpuint (json_array_get_length (candidates), >=, 2);
  /* The chosen model is the candidate that backtested best. */
  for (guint c = 0; c < json_array_get_length (candidates); c++)
    {
      JsonObject *cand = json_array_get_object_element (candidates, c);
      double other = member_number (member_object (cand, "backtest"), "smape");
      if (g_str_equal (json_object_get_string_member (cand, "model"), json_object_get_string_member (s, "model")))
        g_assert_cmpfloat_with_epsilon (other, smape, 1e-9);
    }

  g_assert_cmpuint (json_array_get_length (forecasts), ==, 12);
  for (guint h = 0; h < 12; h++)
    {
      JsonObject *row = json_array_get_object_element (forecasts, h);
      g_autofree char *want = month_after (1960, 12, (int) h + 1);
      double f = member_number (row, "forecast");

      g_assert_cmpstr (json_object_get_string_member (row, "time"), ==, want);
      g_assert_cmpfloat (member_number (row, "lower_95"), <=, member_number (row, "lower_80"));
      g_assert_cmpfloat (member_number (row, "lower_80"), <=, f);
      g_assert_cmpfloat (f, <=, member_number (row, "upper_80"));
      g_assert_cmpfloat (member_number (row, "upper_80"), <=, member_number (row, "upper_95"));
    }
}

static void
test_levels (Fixture       *fx,
             gconstpointer  data)
{
  static const double levels[] = { 50, 90, 99 };
  g_autofree char *out_path = fixture_path (fx, "levels.csv");
  g_autoptr(GPtrArray) rows = NULL;
  char **header;

  g_free (cli_ok (fx, "forecast", PROJECT, "--dataset", "air", "--time-column", "month",
                  "--value-column", "passengers", "--horizon", "6", "--level", "50,90,99",
                  "--output", "levels.csv", NULL));
  rows = read_csv_records (out_path);
  g_assert_cmpuint (rows->len, ==, 7);
  header = g_ptr_array_index (rows, 0);
  g_assert_cmpuint (g_strv_length (header), ==, 8);
  g_assert_cmpstr (header[2], ==, "lower_50");
  g_assert_cmpstr (header[7], ==, "upper_99");
  assert_forecast_rows (rows, 1, 6, 1960, 12, levels, 3, NULL, 0);
}

static void
test_group_by (Fixture       *fx,
               gconstpointer  data)
{
  g_autofree char *out_path = fixture_path (fx, "stores-out.csv");
  g_autofree char *text = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  char **header;

  write_stores (fx);
  text = cli_ok (fx, "forecast", PROJECT, "--dataset", "stores", "--time-column", "month",
                 "--value-column", "sales", "--group-by", "store", "--horizon", "6",
                 "--output", "stores-out.csv", NULL);
  for (guint s = 0; s < G_N_ELEMENTS (stores); s++)
    {
      g_autofree char *line = g_strdup_printf ("store “%s”", stores[s].name);
      g_assert_nonnull (strstr (text, line));
    }
  g_assert_nonnull (strstr (text, "Wrote 18 forecasts"));

  rows = read_csv_records (out_path);
  g_assert_cmpuint (rows->len, ==, 1 + 3 * 6);
  header = g_ptr_array_index (rows, 0);
  g_assert_cmpstr (header[0], ==, "store");
  g_assert_cmpstr (header[1], ==, "time");
  g_assert_cmpstr (header[2], ==, "forecast");
  /* Items in order, each with its own six months after 2023-12, each near
   * its own formula: the series are not mixed up. */
  for (guint s = 0; s < G_N_ELEMENTS (stores); s++)
    {
      double expect[6];

      for (guint h = 0; h < 6; h++)
        {
          char **row = g_ptr_array_index (rows, 1 + s * 6 + h);
          g_assert_cmpstr (row[0], ==, stores[s].name);
          expect[h] = store_sales (stores[s].level, 48 + h);
        }
      assert_forecast_rows (rows, 1 + s * 6, 6, 2023, 12, levels_80_95, 2, expect, 0.15);
    }

  /* A store with two months of sales is left out, and said so; the others
   * still forecast. */
  {
    g_autofree char *path = fixture_path (fx, "stores.csv");
    g_autofree char *csv = NULL;
    g_autofree char *more = NULL;
    g_autofree char *json = NULL;
    g_autoptr(JsonNode) root = NULL;
    JsonArray *notes;

    g_assert_true (g_file_get_contents (path, &csv, NULL, NULL));
    more = g_strconcat (csv, "2023-11-01,D,12.5,0\n2023-12-01,D,13.5,0\n", NULL);
    write_file (fx, "stores-d.csv", more, -1);
    g_free (cli_ok (fx, "import", PROJECT, "stores-d.csv", "--name", "stores_d", NULL));
    json = cli_ok (fx, "forecast", PROJECT, "--dataset", "stores_d", "--time-column", "month",
                   "--value-column", "sales", "--group-by", "store", "--horizon", "6", "--json", NULL);
    root = parse_json (json);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (root), "series")), ==, 3);
    notes = json_object_get_array_member (json_node_get_object (root), "notes");
    g_assert_cmpuint (json_array_get_length (notes), ==, 1);
    g_assert_nonnull (strstr (json_array_get_string_element (notes, 0), "store “D” was left out"));
  }
  cli_fails (fx, "group_by: “month” is the time column", "forecast", PROJECT, "--dataset", "stores",
             "--time-column", "month", "--value-column", "sales", "--group-by", "month", NULL);
}

#define AIR_CONFIG \
  "{\"model_name\": \"air_fc\", \"model_type\": \"sales_forecast\"," \
  " \"description\": \"Airline passengers, a year ahead\"," \
  " \"dataset\": \"air\", \"target\": \"passengers\", \"time_column\": \"month\"," \
  " \"horizon\": 12}"

static void
test_train (Fixture       *fx,
            gconstpointer  data)
{
  g_autofree char *text = NULL;
  g_autoptr(JsonNode) trained = NULL;
  g_autoptr(JsonNode) list = NULL;
  JsonObject *t, *m, *v, *metrics;
  gint64 model_id;

  write_file (fx, "air.json", AIR_CONFIG, -1);
  text = cli_ok (fx, "train", PROJECT, "--config", "air.json", "--json", NULL);
  trained = parse_json (text);
  t = json_node_get_object (trained);
  model_id = json_object_get_int_member (t, "model_id");
  g_assert_cmpint (model_id, >, 0);
  g_assert_cmpint (json_object_get_int_member (t, "version"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (t, "model_name"), ==, "air_fc");
  g_assert_cmpuint (strlen (json_object_get_string_member (t, "dataset_hash")), ==, 64);
  g_assert_cmpint (json_object_get_int_member (t, "predictions"), ==, 12);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (first_series (trained), "forecasts")), ==, 12);

  /* A model like the others: listed with its version and backtest. */
  list = parse_json_take (cli_ok (fx, "models", PROJECT, "--json", NULL));
  g_assert_cmpuint (json_array_get_length (json_node_get_array (list)), ==, 1);
  m = json_array_get_object_element (json_node_get_array (list), 0);
  g_assert_cmpint (json_object_get_int_member (m, "id"), ==, model_id);
  g_assert_cmpstr (json_object_get_string_member (m, "model_type"), ==, "sales_forecast");
  g_assert_cmpstr (json_object_get_string_member (m, "algorithm"), ==, "auto");
  g_assert_cmpint (json_object_get_int_member (m, "active_version"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (m, "predictions"), ==, 12);
  v = json_array_get_object_element (json_object_get_array_member (m, "versions"), 0);
  g_assert_cmpstr (json_object_get_string_member (v, "dataset"), ==, "air");
  g_assert_cmpint (json_object_get_int_member (v, "n_train"), ==, 144);
  metrics = member_object (v, "metrics");
  g_assert_cmpstr (json_object_get_string_member (metrics, "task"), ==, "forecast");
  g_assert_cmpstr (json_object_get_string_member (metrics, "frequency"), ==, "monthly");
  if (!(member_number (member_object (metrics, "validation"), "smape") < 10))
    check_failed ("stored backtest sMAPE %g", member_number (member_object (metrics, "validation"), "smape"));
  g_assert_nonnull (json_object_get_array_member (metrics, "series"));

  /* The history: each forecast with the time it is for, its ranges, the
   * version that made it. */
  g_assert_cmpint (project_int (fx, "SELECT count(*) FROM predictions WHERE version = 1"), ==, 12);
  g_assert_cmpint (project_int (fx, "SELECT count(*) FROM predictions"
                                    " WHERE json_extract(input, '$.time') BETWEEN '1961-01-01' AND '1961-12-01'"), ==, 12);
  g_assert_cmpint (project_int (fx, "SELECT count(*) FROM predictions"
                                    " WHERE json_extract(output, '$.lower_95') <= json_extract(output, '$.lower_80')"
                                    " AND json_extract(output, '$.lower_80') <= json_extract(output, '$.value')"
                                    " AND json_extract(output, '$.value') <= json_extract(output, '$.upper_80')"
                                    " AND json_extract(output, '$.upper_80') <= json_extract(output, '$.upper_95')"), ==, 12);

  /* For a person: the model, its backtest, the forecasts. */
  g_free (text);
  text = cli_ok (fx, "train", PROJECT, "--config", "air.json", NULL);
  g_assert_nonnull (strstr (text, "version 2"));
  g_assert_nonnull (strstr (text, "Model: "));
  g_assert_nonnull (strstr (text, "Backtest"));
  g_assert_nonnull (strstr (text, "1961-12-01"));
  g_assert_cmpint (project_int (fx, "SELECT count(*) FROM model_versions"), ==, 2);
  g_assert_cmpint (project_int (fx, "SELECT count(*) FROM predictions WHERE version = 2"), ==, 12);
  g_free (text);
  text = cli_ok (fx, "models", PROJECT, NULL);
  g_assert_nonnull (strstr (text, "sMAPE"));

  /* The stored version forecasts again, identically, and records it. */
  {
    g_autoptr(JsonNode) again = parse_json_take (cli_ok (fx, "forecast", PROJECT, "--model", "air_fc:1",
                                                    "--horizon", "6", "--json", NULL));
    JsonArray *rows = json_object_get_array_member (first_series (again), "forecasts");
    JsonArray *first = json_object_get_array_member (first_series (trained), "forecasts");

    g_assert_cmpuint (json_array_get_length (rows), ==, 6);
    for (guint h = 0; h < 6; h++)
      {
        JsonObject *a = json_array_get_object_element (rows, h);
        JsonObject *b = json_array_get_object_element (first, h);
        g_assert_cmpstr (json_object_get_string_member (a, "time"), ==, json_object_get_string_member (b, "time"));
        g_assert_cmpfloat_with_epsilon (member_number (a, "forecast"), member_number (b, "forecast"),
                                        1e-9 * fabs (member_number (b, "forecast")));
      }
    g_assert_cmpint (json_object_get_int_member (json_node_get_object (again), "predictions"), ==, 6);
    g_assert_cmpint (project_int (fx, "SELECT count(*) FROM predictions WHERE version = 1"), ==, 18);
  }

  /* With a file, both or neither: the project itself is refused as the
   * file, and nothing is recorded. */
  cli_fails (fx, "over the project", "forecast", PROJECT, "--model", "air_fc", "--output", PROJECT, NULL);
  g_assert_cmpint (project_int (fx, "SELECT count(*) FROM predictions"), ==, 30);
  g_free (cli_ok (fx, "forecast", PROJECT, "--model", "air_fc", "--horizon", "3", "--output", "again.csv", NULL));
  {
    g_autofree char *again_path = fixture_path (fx, "again.csv");
    g_autoptr(GPtrArray) rows = read_csv_records (again_path);

    g_assert_cmpuint (rows->len, ==, 4);
    assert_forecast_rows (rows, 1, 3, 1960, 12, levels_80_95, 2, NULL, 0);
  }
  g_assert_cmpint (project_int (fx, "SELECT count(*) FROM predictions WHERE version = 2"), ==, 15);

  /* A forecast model takes no inputs. */
  cli_fails (fx, "forecasts a time series", "predict", PROJECT, "--model", "air_fc",
             "--input", "{\"month\": \"1961-01-01\"}", NULL);
}

static void
test_group_model (Fixture       *fx,
                  gconstpointer  data)
{
  g_autoptr(JsonNode) trained = NULL;
  JsonArray *series;

  write_stores (fx);
  write_file (fx, "stores.json",
              "{\"model_name\": \"stores_fc\", \"model_type\": \"revenue_forecast\","
              " \"algorithm\": \"ets\", \"dataset\": \"stores\", \"target\": \"sales\","
              " \"time_column\": \"month\", \"group_by\": \"store\", \"horizon\": 3,"
              " \"prediction_levels\": [90]}", -1);
  trained = parse_json_take (cli_ok (fx, "train", PROJECT, "--config", "stores.json", "--json", NULL));
  series = json_object_get_array_member (json_node_get_object (trained), "series");
  g_assert_cmpuint (json_array_get_length (series), ==, 3);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (trained), "predictions"), ==, 9);
  g_assert_cmpint (project_int (fx, "SELECT count(*) FROM predictions WHERE json_extract(input, '$.item') = 'B'"
                                    " AND json_extract(output, '$.level') = 90"), ==, 3);
  for (guint s = 0; s < 3; s++)
    {
      JsonObject *o = json_array_get_object_element (series, s);
      g_assert_cmpstr (json_object_get_string_member (o, "item"), ==, stores[s].name);
      g_assert_cmpstr (json_object_get_string_member (o, "method"), ==, "ets");
    }
  /* The group's forecasters load back from the one blob. */
  {
    g_autoptr(JsonNode) again = parse_json_take (cli_ok (fx, "forecast", PROJECT, "--model", "stores_fc",
                                                    "--json", NULL));
    JsonArray *s2 = json_object_get_array_member (json_node_get_object (again), "series");
    g_assert_cmpuint (json_array_get_length (s2), ==, 3);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (s2, 2), "item"), ==, "C");
  }

  /* With features the same type is a regression whose splits follow time. */
  write_file (fx, "promo.json",
              "{\"model_name\": \"promo\", \"model_type\": \"sales_forecast\","
              " \"dataset\": \"stores\", \"target\": \"sales\", \"time_column\": \"month\","
              " \"features\": [\"store\", \"promo\"], \"hyperparameters\": {\"n_estimators\": 10}}", -1);
  {
    g_autoptr(JsonNode) reg = parse_json_take (cli_ok (fx, "train", PROJECT, "--config", "promo.json", "--json", NULL));
    JsonObject *validation = member_object (member_object (json_node_get_object (reg), "metrics"), "validation");
    g_assert_false (isnan (member_number (validation, "r2")));
  }
}

static void
test_inventory (Fixture       *fx,
                gconstpointer  data)
{
  g_autoptr(JsonNode) trained = NULL;
  g_autofree char *text = NULL;
  JsonArray *series;

  write_demand (fx);
  write_file (fx, "stock.json",
              "{\"model_name\": \"stock\", \"model_type\": \"inventory_optimization\","
              " \"dataset\": \"demand\", \"target\": \"units\", \"time_column\": \"month\","
              " \"group_by\": \"product\", \"horizon\": 3,"
              " \"training_config\": {\"service_level\": 0.95, \"lead_time\": 2,"
              " \"holding_cost\": 2.5, \"ordering_cost\": 50}}", -1);
  trained = parse_json_take (cli_ok (fx, "train", PROJECT, "--config", "stock.json", "--json", NULL));
  series = json_object_get_array_member (json_node_get_object (trained), "series");
  g_assert_cmpuint (json_array_get_length (series), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      JsonObject *plan = member_object (json_array_get_object_element (series, i), "inventory");
      double ss = member_number (plan, "safety_stock");
      double rop = member_number (plan, "reorder_point");
      double q = member_number (plan, "order_quantity");
      double d = member_number (plan, "annual_demand");
      double mu = member_number (plan, "lead_time_demand");
      double base = i == 0 ? 200 : 50;

      /* Safety stock is z(0.95) standard deviations of lead-time demand,
       * the reorder point adds the expected demand, and the order quantity
       * is the EOQ, sqrt (2 D S / H). */
      g_assert_cmpfloat_with_epsilon (member_number (plan, "z"), 1.6449, 1e-3);
      g_assert_cmpfloat (ss, >, 0);
      g_assert_cmpfloat_with_epsilon (ss, 1.6449 * member_number (plan, "lead_time_sd"), 1e-3 * ss);
      g_assert_cmpfloat_with_epsilon (rop, mu + ss, 1e-6 * rop);
      g_assert_cmpfloat_with_epsilon (q, sqrt (2 * d * 50 / 2.5), 1e-6 * q);
      /* Two months of demand, a year of it. */
      if (!(fabs (mu - 2 * base) < 0.3 * 2 * base))
        check_failed ("product %u: lead-time demand %g, expected about %g", i + 1, mu, 2 * base);
      if (!(fabs (d - 12 * base) < 0.3 * 12 * base))
        check_failed ("product %u: annual demand %g, expected about %g", i + 1, d, 12 * base);
    }

  text = cli_ok (fx, "train", PROJECT, "--config", "stock.json", NULL);
  g_assert_nonnull (strstr (text, "product “P1”"));
  g_assert_nonnull (strstr (text, "product “P2”"));
  g_assert_nonnull (strstr (text, "safety stock"));
  g_assert_nonnull (strstr (text, "reorder point"));
  g_assert_nonnull (strstr (text, "order quantity"));

  /* The plan needs its costs. */
  write_file (fx, "nocost.json",
              "{\"model_type\": \"inventory_optimization\", \"dataset\": \"demand\", \"target\": \"units\","
              " \"time_column\": \"month\", \"group_by\": \"product\","
              " \"training_config\": {\"service_level\": 0.95, \"ordering_cost\": 50}}", -1);
  cli_fails (fx, "training_config.holding_cost", "train", PROJECT, "--config", "nocost.json", NULL);
}

static void
test_errors (Fixture       *fx,
             gconstpointer  data)
{
  g_autoptr(GString) short_csv = g_string_new ("month,passengers\n");
  g_autofree char *air = dataset_path ("air_passengers.csv");
  g_autofree char *air_text = NULL;
  g_auto(GStrv) lines = NULL;

  /* The first 15 months: not two full years for a yearly season. */
  g_assert_true (g_file_get_contents (air, &air_text, NULL, NULL));
  lines = g_strsplit (air_text, "\n", -1);
  for (guint i = 1; i <= 15; i++)
    g_string_append_printf (short_csv, "%s\n", lines[i]);
  write_file (fx, "short.csv", short_csv->str, -1);
  g_free (cli_ok (fx, "import", PROJECT, "short.csv", "--name", "short", NULL));
  write_stores (fx);

  cli_fails (fx, "--time-column", "forecast", PROJECT, "--dataset", "air", "--value-column", "passengers", NULL);
  cli_fails (fx, "--value-column", "forecast", PROJECT, "--dataset", "air", "--time-column", "month", NULL);
  cli_fails (fx, "--dataset", "forecast", PROJECT, "--time-column", "month", "--value-column", "passengers", NULL);
  cli_fails (fx, "value_column: dataset “air” has no column “pasengers”", "forecast", PROJECT,
             "--dataset", "air", "--time-column", "month", "--value-column", "pasengers", NULL);
  cli_fails (fx, "time_column: dataset “air” has no column “date”", "forecast", PROJECT,
             "--dataset", "air", "--time-column", "date", "--value-column", "passengers", NULL);
  cli_fails (fx, "time_column: “store”", "forecast", PROJECT,
             "--dataset", "stores", "--time-column", "store", "--value-column", "sales", NULL);
  cli_fails (fx, "value_column: “store”", "forecast", PROJECT,
             "--dataset", "stores", "--time-column", "month", "--value-column", "store", NULL);
  cli_fails (fx, "group_by: dataset “stores” has no column “shop”", "forecast", PROJECT,
             "--dataset", "stores", "--time-column", "month", "--value-column", "sales", "--group-by", "shop", NULL);
  cli_fails (fx, "dataset: the project has no dataset called “airline”", "forecast", PROJECT,
             "--dataset", "airline", "--time-column", "month", "--value-column", "passengers", NULL);
  cli_fails (fx, "--level", "forecast", PROJECT, "--dataset", "air", "--time-column", "month",
             "--value-column", "passengers", "--level", "80,120", NULL);
  cli_fails (fx, "period", "forecast", PROJECT, "--dataset", "short", "--time-column", "month",
             "--value-column", "passengers", "--period", "12", NULL);

  /* The same mistakes in a model's configuration, by its field. */
  {
    static const struct { const char *config; const char *fragment; } cases[] = {
      { "{\"model_type\": \"sales_forecast\", \"dataset\": \"air\", \"time_column\": \"month\"}",
        "target: is required" },
      { "{\"model_type\": \"sales_forecast\", \"dataset\": \"air\", \"target\": \"pasengers\", \"time_column\": \"month\"}",
        "target: dataset “air” has no column “pasengers”" },
      { "{\"model_type\": \"sales_forecast\", \"dataset\": \"air\", \"target\": \"passengers\", \"time_column\": \"day\"}",
        "time_column: dataset “air” has no column “day”" },
      { "{\"model_type\": \"demand_prediction\", \"dataset\": \"short\", \"target\": \"passengers\","
        " \"time_column\": \"month\", \"algorithm\": \"ets\", \"hyperparameters\": {\"period\": 12}}",
        "period" },
      { "{\"model_type\": \"sales_forecast\", \"dataset\": \"air\", \"target\": \"passengers\","
        " \"time_column\": \"month\", \"algorithm\": \"prophet\"}",
        "algorithm: “prophet”" },
      { "{\"model_type\": \"sales_forecast\", \"dataset\": \"air\", \"target\": \"passengers\","
        " \"time_column\": \"month\", \"horizon\": 0}",
        "horizon" },
      { "{\"model_type\": \"sales_forecast\", \"dataset\": \"air\", \"target\": \"passengers\","
        " \"time_column\": \"month\", \"hyperparameters\": {\"max_depth\": 3}}",
        "hyperparameters.max_depth" },
      { "{\"model_type\": \"revenue_forecast\", \"dataset\": \"air\", \"target\": \"passengers\","
        " \"time_column\": \"month\", \"training_config\": {\"lead_time\": 2}}",
        "training_config.lead_time" },
      { "{\"model_type\": \"sales_forecast\", \"dataset\": \"air\", \"target\": \"passengers\","
        " \"time_column\": \"month\", \"prediction_levels\": [80, 100]}",
        "prediction_levels" },
      { "{\"model_type\": \"sales_forecast\", \"dataset\": \"air\", \"target\": \"passengers\","
        " \"time_column\": \"month\", \"horizn\": 12}",
        "horizn" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        write_file (fx, "bad.json", cases[i].config, -1);
        cli_fails (fx, cases[i].fragment, "train", PROJECT, "--config", "bad.json", NULL);
      }
  }

  /* Nothing of it reached the project. */
  g_assert_cmpuint (count_models (fx), ==, 0);
  g_assert_cmpint (project_int (fx, "SELECT count(*) FROM predictions"), ==, 0);
}

static void
test_help (Fixture       *fx,
           gconstpointer  data)
{
  g_autofree char *help = cli_ok (fx, "--help", NULL);
  g_autofree char *text = cli_ok (fx, "forecast", "--help", NULL);

  g_assert_nonnull (strstr (help, "forecast"));
  g_assert_nonnull (strstr (text, "PROJECT"));
  g_assert_nonnull (strstr (text, "--horizon"));
  g_assert_nonnull (strstr (text, "--group-by"));
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  /* A wrong answer fails its test and the run goes on. */
  g_test_set_nonfatal_assertions ();

  TEST ("/cli/forecast/air-passengers", test_air_passengers);
  TEST ("/cli/forecast/json", test_json);
  TEST ("/cli/forecast/levels", test_levels);
  TEST ("/cli/forecast/group-by", test_group_by);
  TEST ("/cli/forecast/train", test_train);
  TEST ("/cli/forecast/group-model", test_group_model);
  TEST ("/cli/forecast/inventory", test_inventory);
  TEST ("/cli/forecast/errors", test_errors);
  TEST ("/cli/forecast/help", test_help);

  return g_test_run ();
}
