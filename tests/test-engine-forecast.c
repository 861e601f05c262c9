/* test-engine-forecast.c — series, forecasts, backtests and inventory plans
 *
 * Known answers: a purely seasonal series is forecast exactly by the
 * seasonal naive method and by ETS with a season, a straight line by the
 * drift method.  Ranges widen with the horizon and cover at their stated
 * rate on series simulated from ETS models here (fixed splitmix64 stream).
 * Frequencies and seasons are detected on the shared data
 * ($AX_DATASETS: air_passengers, dutch_retail_sales, chicago_ridership,
 * read with the project's CSV reader).  The inventory numbers are checked
 * against a worked example computed by hand in the comments.
 */

#include <math.h>
#include <string.h>

#include "ax-forecast.h"
#include "ax-reader.h"
#include "ax-infer.h"
#include "ax-test-util.h"

/* --------------------------------------------------------------- helpers */

static guint
rng_poisson (Rng   *r,
             double mean)
{
  double l = exp (-mean), p = 1;
  guint k = 0;

  do
    {
      k++;
      p *= rng_uniform (r);
    }
  while (p > l);
  return k - 1;
}

/* Reads a shared data set into a frame with inferred column types. */
static AxFrame *
load_dataset (const char *name)
{
  const char *dir = g_getenv ("AX_DATASETS");
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(AxReader) reader = NULL;
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_autoptr(AxTypeGuesser) guesser = NULL;
  g_autofree AxColumnSpec *specs = NULL;
  g_autofree AxColumnType *types = NULL;
  const char * const *missing = ax_infer_default_missing_tokens ();
  const char **fields;
  guint64 line;
  AxFrame *frame;

  if (dir == NULL)
    g_error ("AX_DATASETS is not set; run this test through meson test");
  path = g_build_filename (dir, name, NULL);
  file = g_file_new_for_path (path);
  reader = ax_reader_open (file, &(AxReadOptions) { 0 }, NULL, &error);
  g_assert_no_error (error);
  guesser = ax_type_guesser_new (reader->n_columns, missing);
  while (ax_reader_next (reader, &fields, &line, &error))
    {
      char **copy = g_new0 (char *, reader->n_columns + 1);
      for (guint c = 0; c < reader->n_columns; c++)
        copy[c] = g_strdup (fields[c] != NULL ? fields[c] : "");
      ax_type_guesser_add (guesser, (const char * const *) copy);
      g_ptr_array_add (rows, copy);
    }
  g_assert_no_error (error);
  specs = g_new0 (AxColumnSpec, reader->n_columns);
  types = g_new0 (AxColumnType, reader->n_columns);
  for (guint c = 0; c < reader->n_columns; c++)
    {
      ax_type_guesser_get (guesser, c, &specs[c]);
      types[c] = specs[c].type;
    }
  frame = ax_frame_new (reader->n_columns, (const char * const *) reader->names, types, rows->len);
  for (guint r = 0; r < rows->len; r++)
    {
      char **v = rows->pdata[r];
      guint row = ax_frame_append_row (frame);
      for (guint c = 0; c < reader->n_columns; c++)
        {
          g_assert_true (ax_infer_set_value (frame, row, c, &specs[c], v[c], missing, r + 2, &error));
          g_assert_no_error (error);
        }
    }
  return frame;
}

static AxTimeSeries *
dataset_series (const char *name,
                const char *time_column,
                const char *value_column)
{
  g_autoptr(AxFrame) frame = load_dataset (name);
  g_autoptr(GError) error = NULL;
  AxSeriesSpec spec = { .time_column = time_column, .value_column = value_column };
  AxTimeSeries *s = ax_series_new_from_frame (frame, &spec, &error);

  g_assert_no_error (error);
  g_assert_nonnull (s);
  return s;
}

static AxForecaster *
fit (const AxTimeSeries      *s,
     const AxForecastOptions *o)
{
  g_autoptr(GError) error = NULL;
  AxTrainMonitor monitor = { .seed = 7 };
  AxForecaster *fc = ax_forecast_fit (s, o, &monitor, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (fc);
  return fc;
}

static AxForecastPrediction *
predict (const AxForecaster *fc,
         guint               h)
{
  g_autoptr(GError) error = NULL;
  AxForecastPrediction *p = ax_forecast_predict (fc, h, NULL, 0, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (p);
  return p;
}

static AxForecastOptions
options_for (AxForecastMethod method,
             const char      *ets_model,
             guint            horizon)
{
  AxForecastOptions o;

  ax_forecast_options_init (&o);
  o.method = method;
  o.ets_model = ets_model;
  o.horizon = horizon;
  return o;
}

/* A series of the first @n values of @y, for fitting before a holdout. */
static AxTimeSeries *
head_of (const AxTimeSeries *s,
         guint               n)
{
  return ax_series_new (s->frequency, n, s->time, s->y);
}

/* ------------------------------------------------------------ frequency */

static void
test_frequency_detect (void)
{
  static const struct { double step; AxFrequency freq; } cases[] = {
    { 1.0 / 24, AX_FREQUENCY_HOURLY }, { 1, AX_FREQUENCY_DAILY }, { 7, AX_FREQUENCY_WEEKLY },
    { 30.44, AX_FREQUENCY_MONTHLY }, { 91.3, AX_FREQUENCY_QUARTERLY },
    { 365.25, AX_FREQUENCY_YEARLY },
  };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      double t[40];
      /* Shuffled order and one missing period do not change the answer. */
      for (guint i = 0; i < 40; i++)
        t[i] = 18000 + cases[c].step * ((i * 17) % 41);
      g_assert_cmpint (ax_frequency_detect (t, 40), ==, cases[c].freq);
    }
  g_assert_cmpint (ax_frequency_detect ((double[]) { 5, 5, 5 }, 3), ==, AX_FREQUENCY_AUTO);
  {
    AxFrequency f;
    g_assert_true (ax_frequency_from_string ("Quarterly", &f));
    g_assert_cmpint (f, ==, AX_FREQUENCY_QUARTERLY);
    g_assert_false (ax_frequency_from_string ("fortnightly", &f));
    g_assert_cmpstr (ax_frequency_to_string (AX_FREQUENCY_WEEKLY), ==, "weekly");
  }
  /* 2024-02-29 (day 19782): month 2024-02-01, quarter 2024-01-01, the
   * Monday 2024-02-26; a month later is 2024-03-01. */
  g_assert_cmpfloat (ax_frequency_floor (AX_FREQUENCY_MONTHLY, 19782), ==, 19754);
  g_assert_cmpfloat (ax_frequency_floor (AX_FREQUENCY_QUARTERLY, 19782), ==, 19723);
  g_assert_cmpfloat (ax_frequency_floor (AX_FREQUENCY_WEEKLY, 19782), ==, 19779);
  g_assert_cmpfloat (ax_frequency_advance (AX_FREQUENCY_MONTHLY, 19754, 1), ==, 19783);
  g_assert_cmpfloat (ax_frequency_advance (AX_FREQUENCY_QUARTERLY, 19723, -1), ==, 19631);
}

static void
test_frequency_shared_data (void)
{
  g_autoptr(AxTimeSeries) air = dataset_series ("air_passengers.csv", "month", "passengers");
  g_autoptr(AxTimeSeries) dutch = dataset_series ("dutch_retail_sales.csv", "month", "sales_index");
  g_autoptr(AxTimeSeries) chicago = dataset_series ("chicago_ridership.csv", "date", "ridership");

  g_assert_cmpint (air->frequency, ==, AX_FREQUENCY_MONTHLY);
  g_assert_cmpuint (air->n, ==, 144);
  g_assert_cmpuint (air->n_periods, >=, 1);
  g_assert_cmpuint (air->periods[0], ==, 12);
  g_assert_true (air->nonnegative);
  g_assert_true (air->integer);

  g_assert_cmpint (dutch->frequency, ==, AX_FREQUENCY_MONTHLY);
  g_assert_cmpuint (dutch->periods[0], ==, 12);

  /* Daily ridership: the week first, and the year as well. */
  g_assert_cmpint (chicago->frequency, ==, AX_FREQUENCY_DAILY);
  g_assert_cmpuint (chicago->n_periods, ==, 2);
  g_assert_cmpuint (chicago->periods[0], ==, 7);
  g_assert_cmpuint (chicago->periods[1], ==, 365);
  g_assert_false (chicago->integer);
}

static void
test_periods_synthetic (void)
{
  double y[120];
  guint periods[3];

  /* A straight line has no season; a pure cycle of 4 has one. */
  for (guint i = 0; i < 120; i++)
    y[i] = 3 + 0.5 * i;
  g_assert_cmpuint (ax_series_detect_periods (y, 120, AX_FREQUENCY_QUARTERLY, periods, 3), ==, 0);
  for (guint i = 0; i < 120; i++)
    y[i] = 10 + (double[]) { 1, -2, 3, -2 }[i % 4];
  g_assert_cmpuint (ax_series_detect_periods (y, 120, AX_FREQUENCY_QUARTERLY, periods, 3), ==, 1);
  g_assert_cmpuint (periods[0], ==, 4);
  /* Too short for two cycles of 12: nothing claimed. */
  g_assert_cmpuint (ax_series_detect_periods (y, 20, AX_FREQUENCY_MONTHLY, periods, 3), ==, 0);
}

/* ----------------------------------------------------------- aggregation */

/* Sales rows: date, item, units, price; several rows some days, none on
 * others. */
static AxFrame *
sales_frame (void)
{
  const char *names[] = { "date", "item", "units", "price", "stamp" };
  AxColumnType types[] = { AX_COLUMN_DATE, AX_COLUMN_CATEGORICAL, AX_COLUMN_INTEGER,
                           AX_COLUMN_REAL, AX_COLUMN_DATETIME };
  AxFrame *f = ax_frame_new (5, names, types, 64);
  /* 2024-01-01 is day 19723, a Monday. */
  static const struct { int day; const char *item; int units; double price; } rows[] = {
    { 0, "a", 2, 1.0 }, { 0, "a", 3, 2.0 }, { 0, "b", 7, 5.0 },
    { 1, "a", 4, 1.5 }, { 3, "a", 1, 3.0 }, { 3, "b", 1, 5.0 },
    { 9, "a", 5, 2.0 }, { 15, "a", 6, 2.5 }, { 16, "b", 2, 6.0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      guint r = ax_frame_append_row (f);
      ax_frame_set_int (f, 0, r, 19723 + rows[i].day);
      ax_frame_set_string (f, 1, r, rows[i].item, -1);
      ax_frame_set_int (f, 2, r, rows[i].units);
      ax_frame_set_real (f, 3, r, rows[i].price);
      ax_frame_set_int (f, 4, r, (gint64) (19723 + rows[i].day) * 86400 + 3600 * (i % 3));
    }
  return f;
}

static void
test_series_aggregate (void)
{
  g_autoptr(AxFrame) f = sales_frame ();
  g_autoptr(GError) error = NULL;
  const char *drivers[] = { "price", NULL };
  AxSeriesSpec spec = { .time_column = "date", .value_column = "units",
                        .frequency = AX_FREQUENCY_DAILY };
  g_autoptr(AxTimeSeries) daily = ax_series_new_from_frame (f, &spec, &error);
  g_autoptr(AxTimeSeries) weekly = NULL, item_a = NULL, zero = NULL, mean = NULL, last = NULL;
  g_auto(GStrv) items = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (daily->n, ==, 17);                  /* days 0..16 */
  g_assert_cmpfloat (daily->y[0], ==, 12);
  g_assert_cmpfloat (daily->y[1], ==, 4);
  g_assert_true (isnan (daily->y[2]));                   /* a gap stays missing */
  g_assert_cmpuint (daily->n_missing, ==, 17 - 6);
  g_assert_cmpfloat (daily->time[16], ==, 19723 + 16);

  spec.frequency = AX_FREQUENCY_WEEKLY;
  weekly = ax_series_new_from_frame (f, &spec, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (weekly->n, ==, 3);
  g_assert_cmpfloat (weekly->y[0], ==, 18);
  g_assert_cmpfloat (weekly->y[1], ==, 5);
  g_assert_cmpfloat (weekly->y[2], ==, 8);

  spec.frequency = AX_FREQUENCY_DAILY;
  spec.item_column = "item";
  spec.item = "a";
  spec.drivers = drivers;
  item_a = ax_series_new_from_frame (f, &spec, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (item_a->n, ==, 16);
  g_assert_cmpfloat (item_a->y[0], ==, 5);
  g_assert_cmpuint (item_a->n_drivers, ==, 1);
  g_assert_cmpstr (item_a->driver_names[0], ==, "price");
  g_assert_cmpfloat (item_a->drivers[0], ==, 1.5);      /* mean of 1 and 2 */
  g_assert_cmpfloat (item_a->drivers[2], ==, 1.5);      /* carried over the gap */
  g_assert_cmpfloat (item_a->drivers[3], ==, 3.0);

  spec.drivers = NULL;
  spec.gaps_are_zero = TRUE;
  zero = ax_series_new_from_frame (f, &spec, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (zero->y[2], ==, 0);
  g_assert_cmpuint (zero->n_missing, ==, 0);

  spec.gaps_are_zero = FALSE;
  spec.item_column = NULL;
  spec.item = NULL;
  spec.value_column = "price";
  spec.aggregate = AX_AGGREGATE_MEAN;
  mean = ax_series_new_from_frame (f, &spec, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (mean->y[0], 8.0 / 3, 1e-12);
  g_assert_false (mean->integer);

  /* From date-times: the last price of each day, and hourly. */
  spec.time_column = "stamp";
  spec.aggregate = AX_AGGREGATE_LAST;
  last = ax_series_new_from_frame (f, &spec, &error);
  g_assert_no_error (error);
  g_assert_true (last->datetime);
  g_assert_cmpint (last->frequency, ==, AX_FREQUENCY_DAILY);
  g_assert_cmpfloat (last->y[0], ==, 5.0);
  g_assert_cmpfloat (last->y[3], ==, 5.0);
  {
    g_autoptr(AxTimeSeries) hourly = NULL;
    spec.frequency = AX_FREQUENCY_HOURLY;
    hourly = ax_series_new_from_frame (f, &spec, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (hourly->n, ==, 16 * 24 + 3);
    g_assert_cmpfloat (hourly->y[1], ==, 2.0);
    g_assert_cmpfloat_with_epsilon (hourly->time[1], 19723 + 1.0 / 24, 1e-9);
    g_assert_true (isnan (hourly->y[3]));
  }

  items = ax_series_list_items (f, "item", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (items), ==, 2);
  g_assert_cmpstr (items[0], ==, "a");
  g_assert_cmpstr (items[1], ==, "b");
}

static void
test_series_errors (void)
{
  g_autoptr(AxFrame) f = sales_frame ();
  g_autoptr(GError) error = NULL;
  AxSeriesSpec spec = { .time_column = "day", .value_column = "units" };
  AxTimeSeries *s = ax_series_new_from_frame (f, &spec, &error);

  g_assert_null (s);
  g_assert_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG);
  g_assert_nonnull (strstr (error->message, "time_column"));
  g_assert_nonnull (strstr (error->message, "day"));
  g_clear_error (&error);

  spec.time_column = NULL;
  g_assert_null (ax_series_new_from_frame (f, &spec, &error));
  g_assert_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG);
  g_assert_nonnull (strstr (error->message, "time_column"));
  g_clear_error (&error);

  spec.time_column = "item";
  g_assert_null (ax_series_new_from_frame (f, &spec, &error));
  g_assert_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG);
  g_clear_error (&error);

  spec.time_column = "date";
  spec.value_column = "item";
  g_assert_null (ax_series_new_from_frame (f, &spec, &error));
  g_assert_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG);
  g_assert_nonnull (strstr (error->message, "not numeric"));
  g_clear_error (&error);

  spec.value_column = "units";
  spec.item_column = "item";
  spec.item = "nothing";
  g_assert_null (ax_series_new_from_frame (f, &spec, &error));
  g_assert_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_DATA);
}

/* --------------------------------------------------------- known answers */

static void
test_known_seasonal (void)
{
  static const double cycle[12] = { 20, 22, 25, 30, 28, 35, 40, 38, 31, 27, 24, 21 };
  double y[48];
  g_autoptr(AxTimeSeries) s = NULL;
  const char *models[] = { "ANA", "MNM", "AAA" };

  for (guint i = 0; i < 48; i++)
    y[i] = cycle[i % 12];
  s = ax_series_new (AX_FREQUENCY_MONTHLY, 48, (double[]) { 14610 }, y);
  g_assert_cmpuint (s->periods[0], ==, 12);

  {
    AxForecastOptions o = options_for (AX_FORECAST_SNAIVE, NULL, 12);
    g_autoptr(AxForecaster) fc = fit (s, &o);
    g_autoptr(AxForecastPrediction) p = predict (fc, 24);
    for (guint i = 0; i < 24; i++)
      g_assert_cmpfloat (p->mean[i], ==, cycle[i % 12]);
    g_assert_cmpuint (ax_forecast_get_report (fc)->backtest_origins, ==, 1);
    g_assert_cmpfloat (ax_forecast_get_report (fc)->backtest.mae, ==, 0);
  }
  for (guint k = 0; k < G_N_ELEMENTS (models); k++)
    {
      AxForecastOptions o = options_for (AX_FORECAST_ETS, models[k], 24);
      g_autoptr(AxForecaster) fc = NULL;
      g_autoptr(AxForecastPrediction) p = NULL;

      o.integer = 0;
      fc = fit (s, &o);
      p = predict (fc, 24);
      g_assert_cmpuint (ax_forecast_get_report (fc)->period, ==, 12);
      for (guint i = 0; i < 24; i++)
        g_assert_cmpfloat_with_epsilon (p->mean[i], cycle[i % 12], 1e-6);
    }
}

static void
test_known_drift (void)
{
  double y[30];
  g_autoptr(AxTimeSeries) s = NULL;
  g_autoptr(AxForecaster) fc = NULL;
  g_autoptr(AxForecastPrediction) p = NULL;
  AxForecastOptions o = options_for (AX_FORECAST_DRIFT, NULL, 10);

  for (guint i = 0; i < 30; i++)
    y[i] = 5 + 2.5 * i;
  s = ax_series_new (AX_FREQUENCY_DAILY, 30, (double[]) { 19000 }, y);
  fc = fit (s, &o);
  p = predict (fc, 10);
  for (guint i = 0; i < 10; i++)
    {
      g_assert_cmpfloat_with_epsilon (p->mean[i], 5 + 2.5 * (30 + i), 1e-9);
      g_assert_cmpfloat (p->time[i], ==, 19030 + i);
    }
  /* Automatic selection finds a method that is exact on the backtest. */
  o.method = AX_FORECAST_AUTO;
  {
    g_autoptr(AxForecaster) fa = fit (s, &o);
    g_assert_cmpfloat (ax_forecast_get_report (fa)->backtest.mase, <, 1e-6);
  }
}

/* ----------------------------------------------------- ranges, coverage */

static void
test_ranges_widen (void)
{
  Rng rng = { 11 };
  double y[100], level = 50;
  g_autoptr(AxTimeSeries) s = NULL;
  const AxForecastMethod methods[] = { AX_FORECAST_ETS, AX_FORECAST_NAIVE, AX_FORECAST_DRIFT };

  for (guint i = 0; i < 100; i++)
    {
      double e = rng_normal (&rng);
      y[i] = level + e;
      level += 0.4 * e + 0.3;
    }
  s = ax_series_new (AX_FREQUENCY_WEEKLY, 100, (double[]) { 19000 }, y);
  for (guint k = 0; k < G_N_ELEMENTS (methods); k++)
    {
      AxForecastOptions o = options_for (methods[k], "AAN", 20);
      g_autoptr(AxForecaster) fc = fit (s, &o);
      g_autoptr(AxForecastPrediction) p = predict (fc, 20);

      for (guint i = 1; i < 20; i++)
        for (guint l = 0; l < 2; l++)
          {
            double w0 = p->upper[l * 20 + i - 1] - p->lower[l * 20 + i - 1];
            double w1 = p->upper[l * 20 + i] - p->lower[l * 20 + i];
            g_assert_cmpfloat (w1, >=, w0 - 1e-9);
            g_assert_cmpfloat (p->cum_sd[i], >, p->cum_sd[i - 1]);
          }
      /* The 95% range holds the 80% range. */
      for (guint i = 0; i < 20; i++)
        {
          g_assert_cmpfloat (p->lower[20 + i], <=, p->lower[i]);
          g_assert_cmpfloat (p->upper[20 + i], >=, p->upper[i]);
          g_assert_cmpfloat (p->lower[i], <=, p->mean[i]);
          g_assert_cmpfloat (p->upper[i], >=, p->mean[i]);
        }
    }
}

/* Simulates @reps series of @n + @h periods from an ETS model, fits the
 * same model to the first @n and counts how often the last @h fall in
 * the ranges. */
static void
coverage_of (const char *model,
             guint       m,
             double      alpha,
             double      gamma,
             double      sigma,
             guint       reps,
             double     *cov80,
             double     *cov95)
{
  Rng rng = { 2024 };
  guint n = 96, h = 8, inside80 = 0, inside95 = 0;
  gboolean mult = model[0] == 'M';

  for (guint r = 0; r < reps; r++)
    {
      double y[104], level = 100, season[12];
      g_autoptr(AxTimeSeries) s = NULL;
      g_autoptr(AxForecaster) fc = NULL;
      g_autoptr(AxForecastPrediction) p = NULL;
      AxForecastOptions o = options_for (AX_FORECAST_ETS, model, h);

      for (guint j = 0; j < m; j++)
        season[j] = mult ? 1 + 0.3 * sin (2 * G_PI * j / m) : 15 * sin (2 * G_PI * j / m);
      for (guint t = 0; t < n + h; t++)
        {
          double e = sigma * rng_normal (&rng), *sp = &season[t % m];
          double yhat = mult ? level * (m > 1 ? *sp : 1) : level + (m > 1 ? *sp : 0);
          y[t] = mult ? yhat * (1 + e) : yhat + e;
          if (mult)
            {
              double q = level;
              level = q + alpha * (y[t] / (m > 1 ? *sp : 1) - q);
              if (m > 1)
                *sp += gamma * (y[t] / q - *sp);
            }
          else
            {
              level += alpha * e;
              if (m > 1)
                *sp += gamma * e;
            }
        }
      s = ax_series_new (m == 4 ? AX_FREQUENCY_QUARTERLY : AX_FREQUENCY_MONTHLY, n,
                         (double[]) { 0 }, y);
      o.integer = 0;
      o.nonnegative = 0;
      o.period = m > 1 ? m : 0;
      o.backtest_origins = 1;
      fc = fit (s, &o);
      p = predict (fc, h);
      for (guint i = 0; i < h; i++)
        {
          inside80 += y[n + i] >= p->lower[i] && y[n + i] <= p->upper[i];
          inside95 += y[n + i] >= p->lower[h + i] && y[n + i] <= p->upper[h + i];
        }
    }
  *cov80 = 100.0 * inside80 / (reps * h);
  *cov95 = 100.0 * inside95 / (reps * h);
}

static void
test_coverage_analytical (void)
{
  double c80, c95;

  /* ETS(A,N,N): exact Gaussian ranges. */
  coverage_of ("ANN", 1, 0.3, 0, 2.0, 150, &c80, &c95);
  g_test_message ("ETS(A,N,N) coverage %.1f%% and %.1f%%", c80, c95);
  g_assert_cmpfloat (fabs (c80 - 80), <, 5);
  g_assert_cmpfloat (fabs (c95 - 95), <, 3.5);
}

static void
test_coverage_simulated (void)
{
  double c80, c95;

  /* ETS(M,N,M): ranges from simulated paths. */
  coverage_of ("MNM", 4, 0.2, 0.1, 0.05, 150, &c80, &c95);
  g_test_message ("ETS(M,N,M) coverage %.1f%% and %.1f%%", c80, c95);
  g_assert_cmpfloat (fabs (c80 - 80), <, 5);
  g_assert_cmpfloat (fabs (c95 - 95), <, 3.5);
}

/* ------------------------------------------------------------ calibration */

typedef struct {
  double cover80, cover95;       /* on the held-out periods, percent */
  double backtest80, backtest95; /* the report's (calibrated) backtest, mean */
  double own80;                  /* the model's own 80% range in the backtest, mean */
  double level80;                /* the model level giving the 80% range, mean */
} Calibration;

/* Simulates @reps local-level series, y_t = l_{t-1} + e_t, l_t = l_{t-1}
 * + 0.2 e_t, of 72 months and 12 more held out, fits each with @o and
 * scores the ranges on the held-out months.  The innovations are Gaussian
 * (sd 2), or with @contaminated a mixture: sd 1 nine times in ten, sd 5
 * otherwise, more peaked than the Gaussian of the same variance (sd 1.84)
 * that the model assumes, so that its 80% ranges hold about 90% at one
 * step while its 95% ranges hold about 95%. */
static void
calibration_run (const AxForecastOptions *o,
                 gboolean                 contaminated,
                 guint                    reps,
                 guint64                  seed,
                 Calibration             *out)
{
  Rng rng = { seed };
  guint n = 72, h = 12, in80 = 0, in95 = 0, n_bt = 0;

  memset (out, 0, sizeof *out);
  for (guint r = 0; r < reps; r++)
    {
      double y[84], level = 100;
      g_autoptr(AxTimeSeries) s = NULL;
      g_autoptr(AxForecaster) fc = NULL;
      g_autoptr(AxForecastPrediction) p = NULL;
      const AxForecastReport *rep;

      for (guint t = 0; t < n + h; t++)
        {
          double e = contaminated ? (rng_uniform (&rng) < 0.1 ? 5 : 1) * rng_normal (&rng)
                                  : 2 * rng_normal (&rng);
          y[t] = level + e;
          level += 0.2 * e;
        }
      s = ax_series_new (AX_FREQUENCY_MONTHLY, n, (double[]) { 0 }, y);
      fc = fit (s, o);
      p = predict (fc, h);
      rep = ax_forecast_get_report (fc);
      for (guint i = 0; i < h; i++)
        {
          in80 += y[n + i] >= p->lower[i] && y[n + i] <= p->upper[i];
          in95 += y[n + i] >= p->lower[h + i] && y[n + i] <= p->upper[h + i];
        }
      /* The 95% range holds the 80% one. */
      for (guint i = 0; i < h; i++)
        {
          g_assert_cmpfloat (p->lower[h + i], <=, p->lower[i]);
          g_assert_cmpfloat (p->upper[h + i], >=, p->upper[i]);
        }
      if (rep->backtest_origins >= 2)
        {
          out->backtest80 += rep->backtest.coverage[0];
          out->backtest95 += rep->backtest.coverage[1];
          out->own80 += rep->model_coverage[0];
          out->level80 += rep->range_levels[0];
          n_bt++;
        }
    }
  out->cover80 = 100.0 * in80 / (reps * h);
  out->cover95 = 100.0 * in95 / (reps * h);
  out->backtest80 /= MAX (n_bt, 1);
  out->backtest95 /= MAX (n_bt, 1);
  out->own80 /= MAX (n_bt, 1);
  out->level80 /= MAX (n_bt, 1);
}

/* The model is the one simulated: calibrating its ranges on the backtest
 * keeps them at their stated rate. */
static void
test_calibration_right_model (void)
{
  AxForecastOptions o = options_for (AX_FORECAST_ETS, "ANN", 12);
  Calibration c;

  o.integer = o.nonnegative = 0;
  calibration_run (&o, FALSE, 300, 31, &c);
  g_test_message ("ETS(A,N,N), Gaussian: held out %.1f%% and %.1f%%; backtest %.1f%% and "
                  "%.1f%%; 80%% from the model's %.1f%% range", c.cover80, c.cover95,
                  c.backtest80, c.backtest95, c.level80);
  g_assert_cmpfloat (fabs (c.cover80 - 80), <, 4);
  g_assert_cmpfloat (fabs (c.cover95 - 95), <, 3);
  g_assert_cmpfloat (fabs (c.backtest80 - 80), <, 5);
  g_assert_cmpfloat (fabs (c.backtest95 - 95), <, 4);
}

/* Peaked errors: the model's own 80% ranges are too wide, its 95% ranges
 * about right.  The calibration narrows the 80% ranges (a lower model
 * level) and brings both within a few points of their rate, on series
 * it never saw; with a single origin (no calibration) the 80% ranges
 * stay too wide. */
static void
test_calibration_peaked_errors (void)
{
  AxForecastOptions o = options_for (AX_FORECAST_AUTO, NULL, 12);
  Calibration cal, raw;

  o.integer = o.nonnegative = 0;
  calibration_run (&o, TRUE, 300, 47, &cal);
  o.backtest_origins = 1;
  calibration_run (&o, TRUE, 300, 47, &raw);
  g_test_message ("contaminated: held out %.1f%% and %.1f%% (uncalibrated %.1f%% and %.1f%%); "
                  "backtest %.1f%% and %.1f%%, the model's own 80%% range %.1f%%; 80%% from "
                  "the model's %.1f%% range", cal.cover80, cal.cover95, raw.cover80,
                  raw.cover95, cal.backtest80, cal.backtest95, cal.own80, cal.level80);
  g_assert_cmpfloat (raw.cover80, >, 84);
  g_assert_cmpfloat (fabs (cal.cover80 - 80), <, 4);
  g_assert_cmpfloat (fabs (cal.cover95 - 95), <, 3);
  g_assert_cmpfloat (cal.own80, >, 84);
  g_assert_cmpfloat (cal.level80, <, 78);
  /* Checked with two origins, the calibration is a little wider. */
  g_assert_cmpfloat (fabs (cal.backtest80 - 80), <, 6);
}

/* ----------------------------------------------------------- constraints */

static void
test_constraints_counts (void)
{
  Rng rng = { 5 };
  guint n = 120, h = 12, reps = 60, inside80 = 0, inside95 = 0, total = 0;

  for (guint r = 0; r < reps; r++)
    {
      double y[132];
      g_autoptr(AxTimeSeries) s = NULL;
      g_autoptr(AxForecaster) fc = NULL;
      g_autoptr(AxForecastPrediction) p = NULL;
      AxForecastOptions o = options_for (AX_FORECAST_AUTO, NULL, h);
      const AxForecastReport *rep;

      for (guint t = 0; t < n + h; t++)
        y[t] = rng_poisson (&rng, 1.5);
      s = ax_series_new (AX_FREQUENCY_DAILY, n, (double[]) { 0 }, y);
      g_assert_true (s->nonnegative);
      g_assert_true (s->integer);
      fc = fit (s, &o);
      rep = ax_forecast_get_report (fc);
      g_assert_true (rep->nonnegative);
      g_assert_true (rep->integer);
      p = predict (fc, h);
      for (guint i = 0; i < h; i++)
        {
          g_assert_cmpfloat (p->mean[i], >=, 0);
          g_assert_cmpfloat (p->mean[i], ==, round (p->mean[i]));
          for (guint l = 0; l < 2; l++)
            {
              g_assert_cmpfloat (p->lower[l * h + i], >=, 0);
              g_assert_cmpfloat (p->lower[l * h + i], ==, round (p->lower[l * h + i]));
              g_assert_cmpfloat (p->upper[l * h + i], ==, round (p->upper[l * h + i]));
            }
          inside80 += y[n + i] >= p->lower[i] && y[n + i] <= p->upper[i];
          inside95 += y[n + i] >= p->lower[h + i] && y[n + i] <= p->upper[h + i];
          total++;
        }
    }
  /* Truncating and rounding quantiles keeps (or raises) the coverage. */
  g_test_message ("count coverage %.1f%% and %.1f%%", 100.0 * inside80 / total,
                  100.0 * inside95 / total);
  g_assert_cmpfloat (100.0 * inside80 / total, >=, 77);
  g_assert_cmpfloat (100.0 * inside95 / total, >=, 93);

  /* Overridden: the same kind of data without the constraints may go
   * below zero. */
  {
    double y[60];
    g_autoptr(AxTimeSeries) s = NULL;
    g_autoptr(AxForecaster) fc = NULL;
    g_autoptr(AxForecastPrediction) p = NULL;
    AxForecastOptions o = options_for (AX_FORECAST_NAIVE, NULL, 5);
    for (guint t = 0; t < 60; t++)
      y[t] = (t * 7) % 3;
    s = ax_series_new (AX_FREQUENCY_DAILY, 60, (double[]) { 0 }, y);
    o.nonnegative = 0;
    o.integer = 0;
    fc = fit (s, &o);
    p = predict (fc, 5);
    g_assert_cmpfloat (p->lower[4], <, 0);
    g_assert_cmpfloat (p->lower[4], !=, round (p->lower[4]));
  }
}

/* ---------------------------------------------------------- several seasons */

static void
test_multi_seasonal (void)
{
  static const double week[7] = { 8, 10, 10, 11, 12, -20, -31 };
  Rng rng = { 3 };
  guint n = 3 * 365 + 28, h = 28;
  g_autofree double *y = g_new (double, n);
  g_autoptr(AxTimeSeries) s = NULL, train = NULL;
  g_autoptr(AxForecaster) fc = NULL, single = NULL;
  g_autoptr(AxForecastPrediction) p = NULL, ps = NULL;
  AxForecastOptions o = options_for (AX_FORECAST_ETS, NULL, h);
  const AxForecastReport *r;
  double mae = 0, mae_single = 0;

  for (guint t = 0; t < n; t++)
    y[t] = 200 + week[t % 7] + 40 * sin (2 * G_PI * t / 365.25) + 3 * rng_normal (&rng);
  s = ax_series_new (AX_FREQUENCY_DAILY, n, (double[]) { 17532 }, y);
  train = head_of (s, n - h);
  g_assert_cmpuint (train->n_periods, ==, 2);
  g_assert_cmpuint (train->periods[0], ==, 7);
  g_assert_cmpuint (train->periods[1], ==, 365);

  fc = fit (train, &o);
  r = ax_forecast_get_report (fc);
  g_assert_cmpuint (r->period, ==, 7);
  g_assert_cmpuint (r->n_extra_periods, ==, 1);
  g_assert_cmpuint (r->extra_periods[0], ==, 365);
  g_assert_cmpuint (r->extra_harmonics[0], >=, 1);
  g_assert_nonnull (strstr (r->name, "Fourier"));
  p = predict (fc, h);

  o.multi_seasonal = FALSE;
  single = fit (train, &o);
  g_assert_cmpuint (ax_forecast_get_report (single)->n_extra_periods, ==, 0);
  ps = predict (single, h);
  for (guint i = 0; i < h; i++)
    {
      mae += fabs (y[n - h + i] - p->mean[i]) / h;
      mae_single += fabs (y[n - h + i] - ps->mean[i]) / h;
    }
  g_test_message ("MAE with the yearly terms %.2f, without %.2f", mae, mae_single);
  g_assert_cmpfloat (mae, <, 6);
  g_assert_cmpfloat (mae, <, mae_single);
}

/* ------------------------------------------------------------- accuracy */

static void
test_accuracy_by_hand (void)
{
  /* errors -2, 2, -1, 0: MAE 5/4; RMSE sqrt(9/4) = 1.5; MAPE over the
   * three non-zero actuals (0.2 + 0.1 + 0) / 3 = 10%; sMAPE
   * (4/22 + 4/38 + 2/1 + 0) / 4 = 57.177%; MASE 1.25 / 2; 2 of 4 inside. */
  const double actual[] = { 10, 20, 0, 40 }, mean[] = { 12, 18, 1, 40 };
  const double lower[] = { 11, 17, 0, 35 }, upper[] = { 13, 19, 2, 45 };
  AxForecastAccuracy a;

  ax_forecast_accuracy (actual, mean, lower, upper, 4, 1, 2, &a);
  g_assert_cmpuint (a.n, ==, 4);
  g_assert_cmpfloat_with_epsilon (a.mae, 1.25, 1e-12);
  g_assert_cmpfloat_with_epsilon (a.rmse, 1.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (a.mape, 10, 1e-12);
  g_assert_cmpfloat_with_epsilon (a.smape, 100 * (4.0 / 22 + 4.0 / 38 + 2) / 4, 1e-9);
  g_assert_cmpfloat_with_epsilon (a.mase, 0.625, 1e-12);
  g_assert_cmpfloat_with_epsilon (a.coverage[0], 50, 1e-12);
}

static void
test_air_passengers (void)
{
  g_autoptr(AxTimeSeries) air = dataset_series ("air_passengers.csv", "month", "passengers");
  g_autoptr(AxTimeSeries) train = head_of (air, 132);
  AxForecastOptions o = options_for (AX_FORECAST_AUTO, NULL, 12);
  g_autoptr(AxForecaster) fc = fit (train, &o);
  g_autoptr(AxForecastPrediction) p = predict (fc, 12);
  const AxForecastReport *r = ax_forecast_get_report (fc);
  AxForecastAccuracy a;

  ax_forecast_accuracy (air->y + 132, p->mean, p->lower, p->upper, 12, 2, 1, &a);
  g_test_message ("air passengers: %s, holdout sMAPE %.2f%%, backtest sMAPE %.2f%%, %.3f s",
                  r->name, a.smape, r->backtest.smape, r->seconds);
  g_assert_cmpint (r->method, ==, AX_FORECAST_ETS);
  g_assert_cmpuint (r->period, ==, 12);
  g_assert_cmpuint (r->backtest_origins, ==, 3);
  g_assert_cmpuint (r->backtest.n, ==, 36);
  g_assert_cmpuint (r->n_candidates, ==, 4);
  g_assert_true (isfinite (r->aicc));
  g_assert_cmpfloat (a.smape, <, 6);
  g_assert_cmpfloat (p->time[0], ==, air->time[132]);
  for (guint c = 0; c < r->n_candidates; c++)
    g_assert_cmpfloat (r->backtest.mase, <=, r->candidates[c].backtest.mase);
}

/* ------------------------------------------------------- saving, loading */

/* One more than the format version ax-forecast-io.c writes. */
#define BLOB_NEXT_VERSION 3

static void
check_round_trip (const AxForecaster *fc,
                  const AxFrame      *future)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) blob = ax_forecast_save (fc);
  g_autoptr(AxForecaster) back = ax_forecast_load (blob, &error);
  g_autoptr(AxForecastPrediction) a = NULL, b = NULL;
  const AxForecastReport *ra = ax_forecast_get_report (fc), *rb;

  g_assert_no_error (error);
  rb = ax_forecast_get_report (back);
  g_assert_cmpstr (ra->name, ==, rb->name);
  g_assert_cmpuint (ra->n_candidates, ==, rb->n_candidates);
  g_assert_cmpmem (&ra->backtest, sizeof ra->backtest, &rb->backtest, sizeof rb->backtest);
  g_assert_cmpmem (&ra->aicc, sizeof (double), &rb->aicc, sizeof (double));
  a = ax_forecast_predict (fc, 0, NULL, 0, future, &error);
  g_assert_no_error (error);
  b = ax_forecast_predict (back, 0, NULL, 0, future, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (a->horizon, ==, b->horizon);
  g_assert_cmpmem (a->mean, sizeof (double) * a->horizon, b->mean, sizeof (double) * b->horizon);
  g_assert_cmpmem (a->lower, sizeof (double) * a->horizon * a->n_levels,
                   b->lower, sizeof (double) * b->horizon * b->n_levels);
  g_assert_cmpmem (a->upper, sizeof (double) * a->horizon * a->n_levels,
                   b->upper, sizeof (double) * b->horizon * b->n_levels);
  g_assert_cmpmem (a->cum_sd, sizeof (double) * a->horizon, b->cum_sd, sizeof (double) * b->horizon);
}

/* A blob of format version 2 rewritten as version 1 (without the
 * calibration at the end) loads as a forecaster fitted before the ranges
 * were calibrated: the model's own ranges, which are those of the same
 * model fitted with a single backtest origin. */
#define BLOB_V2_TYPE "((subadadasadaubbms)(usuadiiubusu)t(uuuddadauadm(suddddddadu)mvu)" \
                     "(usuadbbu(udddddad)a(su(udddddad))das)(uadad))"

static void
check_version_1 (const AxForecaster      *fc,
                 const AxTimeSeries      *series,
                 const AxForecastOptions *options)
{
  g_autoptr(GBytes) blob = ax_forecast_save (fc);
  g_autoptr(GBytes) body = g_bytes_new_from_bytes (blob, 8, g_bytes_get_size (blob) - 8);
  g_autoptr(GVariant) v2 = g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE (BLOB_V2_TYPE),
                                                                        body, FALSE));
  GVariant *children[5];
  g_autoptr(GVariant) v1 = NULL;
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  g_autoptr(GBytes) old = NULL;
  g_autoptr(AxForecaster) back = NULL, single = NULL;
  g_autoptr(AxForecastPrediction) a = NULL, b = NULL, c = NULL;
  g_autoptr(GError) error = NULL;
  AxForecastOptions o = *options;
  const AxForecastReport *r;
  guint32 version = GUINT32_TO_LE (1);
  gboolean moved = FALSE;

  g_assert_cmpuint (G_BYTE_ORDER, ==, G_LITTLE_ENDIAN);
  g_assert_true (g_variant_is_normal_form (v2));
  for (guint i = 0; i < 5; i++)
    children[i] = g_variant_get_child_value (v2, i);
  v1 = g_variant_ref_sink (g_variant_new_tuple (children, 5));
  for (guint i = 0; i < 5; i++)
    g_variant_unref (children[i]);
  g_byte_array_append (bytes, (const guint8 *) "AXFC", 4);
  g_byte_array_append (bytes, (const guint8 *) &version, 4);
  g_byte_array_append (bytes, g_variant_get_data (v1), g_variant_get_size (v1));
  old = g_byte_array_free_to_bytes (g_steal_pointer (&bytes));

  back = ax_forecast_load (old, &error);
  g_assert_no_error (error);
  r = ax_forecast_get_report (back);
  for (guint l = 0; l < r->n_levels; l++)
    {
      g_assert_cmpfloat (r->range_levels[l], ==, r->levels[l]);
      g_assert_cmpfloat (r->model_coverage[l], ==, r->backtest.coverage[l]);
      moved |= ax_forecast_get_report (fc)->range_levels[l] != r->levels[l];
    }
  o.backtest_origins = 1;
  single = fit (series, &o);
  a = predict (back, 0);
  b = predict (single, 0);
  c = predict (fc, 0);
  g_assert_cmpmem (a->mean, sizeof (double) * a->horizon, c->mean, sizeof (double) * c->horizon);
  g_assert_cmpmem (a->lower, sizeof (double) * a->horizon * a->n_levels,
                   b->lower, sizeof (double) * b->horizon * b->n_levels);
  g_assert_cmpmem (a->upper, sizeof (double) * a->horizon * a->n_levels,
                   b->upper, sizeof (double) * b->horizon * b->n_levels);
  /* The calibrated forecaster moved its ranges, so the two differ. */
  g_assert_true (moved);
  g_assert_true (memcmp (a->lower, c->lower, sizeof (double) * a->horizon * a->n_levels) != 0);
}

static void
test_save_load (void)
{
  g_autoptr(AxTimeSeries) air = dataset_series ("air_passengers.csv", "month", "passengers");
  AxForecastOptions o = options_for (AX_FORECAST_ETS, "MAM", 12);
  g_autoptr(AxForecaster) fc = fit (air, &o);
  g_autoptr(GBytes) blob = ax_forecast_save (fc);
  g_autoptr(GError) error = NULL;
  gsize size;
  const guint8 *data = g_bytes_get_data (blob, &size);
  g_autofree guint8 *copy = g_memdup2 (data, size);
  g_autoptr(GBytes) newer = NULL, cut = NULL;

  check_round_trip (fc, NULL);
  check_version_1 (fc, air, &o);
  o.method = AX_FORECAST_SNAIVE;
  {
    g_autoptr(AxForecaster) sn = fit (air, &o);
    check_round_trip (sn, NULL);
  }

  copy[4] = BLOB_NEXT_VERSION;
  newer = g_bytes_new (copy, size);
  g_assert_null (ax_forecast_load (newer, &error));
  g_assert_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_BLOB);
  g_assert_nonnull (strstr (error->message, "newer version of Auspex"));
  g_clear_error (&error);

  cut = g_bytes_new (data, size / 2);
  g_assert_null (ax_forecast_load (cut, &error));
  g_assert_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_BLOB);
}

/* ---------------------------------------------------------------- drivers */

/* Daily demand that follows a promotion flag and a price. */
static AxFrame *
driver_frame (guint n_rows,
              guint first_day,
              Rng  *rng)
{
  const char *names[] = { "day", "promo", "price", "demand" };
  AxColumnType types[] = { AX_COLUMN_DATE, AX_COLUMN_INTEGER, AX_COLUMN_REAL, AX_COLUMN_REAL };
  AxFrame *f = ax_frame_new (4, names, types, n_rows);

  for (guint i = 0; i < n_rows; i++)
    {
      guint r = ax_frame_append_row (f);
      gint64 promo = rng_uniform (rng) < 0.3;
      double price = 8 + 4 * rng_uniform (rng);
      ax_frame_set_int (f, 0, r, 19000 + first_day + i);
      ax_frame_set_int (f, 1, r, promo);
      ax_frame_set_real (f, 2, r, price);
      ax_frame_set_real (f, 3, r, 100 + 40 * promo - 3 * price + rng_normal (rng));
    }
  return f;
}

static void
test_ml_drivers (void)
{
  Rng rng = { 99 };
  g_autoptr(AxFrame) history = driver_frame (400, 0, &rng);
  /* The future rows carry the demand that happened too: it is ignored. */
  g_autoptr(AxFrame) future = driver_frame (14, 400, &rng);
  const char *drivers[] = { "promo", "price", NULL };
  AxSeriesSpec spec = { .time_column = "day", .value_column = "demand", .drivers = drivers };
  g_autoptr(GError) error = NULL;
  g_autoptr(AxTimeSeries) s = ax_series_new_from_frame (history, &spec, &error);
  AxForecastOptions o = options_for (AX_FORECAST_AUTO, NULL, 14);
  g_autoptr(AxForecaster) fc = NULL;
  g_autoptr(AxForecastPrediction) p = NULL;
  double mae = 0;

  g_assert_no_error (error);
  g_assert_cmpuint (s->n_drivers, ==, 2);
  fc = fit (s, &o);
  g_assert_cmpint (ax_forecast_get_report (fc)->method, ==, AX_FORECAST_ML);
  /* ets, naive, drift (no season in this demand) and ml. */
  g_assert_cmpuint (ax_forecast_get_report (fc)->n_candidates, ==, 4);
  g_assert_cmpint (ax_forecast_get_report (fc)->candidates[3].method, ==, AX_FORECAST_ML);

  g_assert_null (ax_forecast_predict (fc, 14, NULL, 0, NULL, &error));
  g_assert_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG);
  g_assert_nonnull (strstr (error->message, "future"));
  g_clear_error (&error);
  {
    g_autoptr(AxForecastPrediction) none = ax_forecast_predict (fc, 20, NULL, 0, future, &error);
    g_assert_null (none);
    g_assert_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_DATA);
    g_clear_error (&error);
  }

  p = ax_forecast_predict (fc, 14, NULL, 0, future, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 14; i++)
    mae += fabs (p->mean[i] - future->columns[3].reals[i]) / 14;
  g_test_message ("ml with drivers: MAE %.2f (noise sd 1, promotion effect 40)", mae);
  g_assert_cmpfloat (mae, <, 6);
  check_round_trip (fc, future);
}

/* ------------------------------------------------------ configuration */

static void
test_config_errors (void)
{
  double y[15];
  g_autoptr(AxTimeSeries) s = NULL;
  g_autoptr(GError) error = NULL;
  AxForecastOptions o;
  AxTrainMonitor monitor = { 0 };

  for (guint i = 0; i < 15; i++)
    y[i] = 10 + i % 3;
  s = ax_series_new (AX_FREQUENCY_MONTHLY, 15, (double[]) { 0 }, y);

  /* Too few points for the season. */
  o = options_for (AX_FORECAST_ETS, NULL, 6);
  o.period = 12;
  g_assert_null (ax_forecast_fit (s, &o, &monitor, NULL, &error));
  g_assert_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG);
  g_assert_nonnull (strstr (error->message, "period"));
  g_assert_nonnull (strstr (error->message, "24"));
  g_clear_error (&error);

  o = options_for (AX_FORECAST_ETS, "AMN", 6);
  g_assert_null (ax_forecast_fit (s, &o, &monitor, NULL, &error));
  g_assert_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG);
  g_assert_nonnull (strstr (error->message, "ets_model"));
  g_clear_error (&error);

  o = options_for (AX_FORECAST_ETS, "ANM", 6);
  g_assert_null (ax_forecast_fit (s, &o, &monitor, NULL, &error));
  g_assert_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG);
  g_clear_error (&error);

  o = options_for (AX_FORECAST_ETS, "XYZ", 6);
  g_assert_null (ax_forecast_fit (s, &o, &monitor, NULL, &error));
  g_assert_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG);
  g_clear_error (&error);

  o = options_for (AX_FORECAST_SNAIVE, NULL, 6);
  g_assert_null (ax_forecast_fit (s, &o, &monitor, NULL, &error));
  g_assert_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG);
  g_assert_nonnull (strstr (error->message, "period"));
  g_clear_error (&error);

  o = options_for (AX_FORECAST_AUTO, NULL, 6);
  o.levels[1] = 100;
  g_assert_null (ax_forecast_fit (s, &o, &monitor, NULL, &error));
  g_assert_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG);
  g_assert_nonnull (strstr (error->message, "levels"));
  g_clear_error (&error);

  o = options_for (AX_FORECAST_ML, NULL, 6);
  o.ml_algorithm = "kmeans";
  g_assert_null (ax_forecast_fit (s, &o, &monitor, NULL, &error));
  g_assert_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG);
  g_assert_nonnull (strstr (error->message, "ml_algorithm"));
  g_clear_error (&error);

  /* A series with only two values cannot be forecast. */
  {
    double two[5] = { 1, NAN, NAN, 2, NAN };
    g_autoptr(AxTimeSeries) t = ax_series_new (AX_FREQUENCY_DAILY, 5, NULL, two);
    o = options_for (AX_FORECAST_AUTO, NULL, 3);
    g_assert_null (ax_forecast_fit (t, &o, &monitor, NULL, &error));
    g_assert_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_DATA);
    g_clear_error (&error);
  }
}

static void
test_cancel (void)
{
  g_autoptr(AxTimeSeries) air = dataset_series ("air_passengers.csv", "month", "passengers");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  AxForecastOptions o = options_for (AX_FORECAST_AUTO, NULL, 12);

  g_cancellable_cancel (cancellable);
  g_assert_null (ax_forecast_fit (air, &o, NULL, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* --------------------------------------------------------------- gaps */

static void
test_gaps (void)
{
  g_autoptr(AxTimeSeries) air = dataset_series ("air_passengers.csv", "month", "passengers");
  g_autoptr(AxTimeSeries) holes = ax_series_copy (air);
  g_autoptr(AxForecaster) fc = NULL, full = NULL;
  g_autoptr(AxForecastPrediction) p = NULL, pf = NULL;
  AxForecastOptions o = options_for (AX_FORECAST_AUTO, NULL, 12);

  /* Every fifteenth month missing, the last one included. */
  for (guint i = 5; i < holes->n; i += 15)
    holes->y[i] = NAN;
  holes->y[holes->n - 1] = NAN;
  fc = fit (holes, &o);
  full = fit (air, &o);
  p = predict (fc, 12);
  pf = predict (full, 12);
  for (guint i = 0; i < 12; i++)
    {
      g_assert_true (isfinite (p->mean[i]));
      g_assert_cmpfloat (fabs (p->mean[i] - pf->mean[i]) / pf->mean[i], <, 0.1);
    }
}

/* ------------------------------------------------------------ inventory */

static void
test_inventory_worked_example (void)
{
  /* mu_LT = 100, sigma_LT = 20, 95% cycle service level:
   *   z = 1.6448536, safety stock = 32.897073, reorder point = 132.897073;
   * 10 units a month: D = 120 a year; S = 50 per order, H = 2 per unit
   * and year: EOQ = sqrt(2 * 120 * 50 / 2) = sqrt(6000) = 77.459667,
   * 1.5491933 orders a year, cost 50 * 120 / 77.459667 + 2 * (77.459667 / 2
   * + 32.897073) = 77.459667 + 143.253814 = 220.713481. */
  AxInventoryParams params = { .lead_time = 2, .service_level = 0.95,
                               .holding_cost = 2, .ordering_cost = 50 };
  g_autoptr(GError) error = NULL;
  g_autoptr(AxInventoryPlan) plan = ax_inventory_plan (100, 20, 10, AX_FREQUENCY_MONTHLY,
                                                       &params, &error);

  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (plan->z, 1.6448536, 1e-6);
  g_assert_cmpfloat_with_epsilon (plan->safety_stock, 32.897073, 1e-5);
  g_assert_cmpfloat_with_epsilon (plan->reorder_point, 132.897073, 1e-5);
  g_assert_cmpfloat_with_epsilon (plan->annual_demand, 120, 1e-9);
  g_assert_cmpfloat_with_epsilon (plan->order_quantity, 77.459667, 1e-5);
  g_assert_cmpfloat_with_epsilon (plan->orders_per_year, 1.5491933, 1e-6);
  g_assert_cmpfloat_with_epsilon (plan->annual_cost, 220.713481, 1e-5);

  /* From a forecast: lead time 2 of means 10, 12, 14 (so D = 12 x 12)
   * with running-total sd 2, 3, 4: mu_LT = 22, sigma_LT = 3. */
  {
    double mean[] = { 10, 12, 14 }, sd[] = { 2, 2.5, 3 }, cum[] = { 2, 3, 4 };
    AxForecastPrediction p = { .horizon = 3, .mean = mean, .sd = sd, .cum_sd = cum };
    g_autoptr(AxInventoryPlan) q = ax_inventory_plan_from_prediction (&p, AX_FREQUENCY_MONTHLY,
                                                                      &params, &error);
    g_assert_no_error (error);
    g_assert_cmpfloat_with_epsilon (q->lead_time_mean, 22, 1e-12);
    g_assert_cmpfloat_with_epsilon (q->lead_time_sd, 3, 1e-12);
    g_assert_cmpfloat_with_epsilon (q->reorder_point, 22 + 1.6448536 * 3, 1e-5);
    g_assert_cmpfloat_with_epsilon (q->annual_demand, 144, 1e-9);

    params.lead_time = 4;
    g_assert_null (ax_inventory_plan_from_prediction (&p, AX_FREQUENCY_MONTHLY, &params, &error));
    g_assert_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG);
    g_assert_nonnull (strstr (error->message, "lead_time"));
    g_clear_error (&error);
  }

  params.lead_time = 2;
  params.service_level = 1;
  g_assert_null (ax_inventory_plan (1, 1, 1, AX_FREQUENCY_DAILY, &params, &error));
  g_assert_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG);
  g_assert_nonnull (strstr (error->message, "service_level"));
}

static void
test_inventory_items (void)
{
  const char *names[] = { "day", "sku", "units" };
  AxColumnType types[] = { AX_COLUMN_DATE, AX_COLUMN_CATEGORICAL, AX_COLUMN_INTEGER };
  g_autoptr(AxFrame) f = ax_frame_new (3, names, types, 200);
  AxSeriesSpec spec = { .time_column = "day", .value_column = "units", .item_column = "sku" };
  AxInventoryParams params = { .lead_time = 5, .service_level = 0.9,
                               .holding_cost = 0.5, .ordering_cost = 20 };
  AxTrainMonitor monitor = { .n_threads = 2, .seed = 1 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) plans = NULL;

  /* Steady demand: 10 a day of "bolt", 20 of "nut", 2 rows of "odd". */
  for (guint d = 0; d < 90; d++)
    for (guint k = 0; k < 2; k++)
      {
        guint r = ax_frame_append_row (f);
        ax_frame_set_int (f, 0, r, 19000 + d);
        ax_frame_set_string (f, 1, r, k == 0 ? "bolt" : "nut", -1);
        ax_frame_set_int (f, 2, r, 10 * (k + 1));
      }
  for (guint d = 0; d < 2; d++)
    {
      guint r = ax_frame_append_row (f);
      ax_frame_set_int (f, 0, r, 19000 + d);
      ax_frame_set_string (f, 1, r, "odd", -1);
      ax_frame_set_int (f, 2, r, 3);
    }

  plans = ax_inventory_plan_items (f, &spec, NULL, &params, &monitor, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (plans->len, ==, 3);
  for (guint k = 0; k < 2; k++)
    {
      const AxInventoryPlan *p = plans->pdata[k];
      double daily = 10 * (k + 1), d = daily * 365.25;
      g_assert_cmpstr (p->item, ==, k == 0 ? "bolt" : "nut");
      g_assert_null (p->error);
      /* No variation: no safety stock, the reorder point is the lead
       * time's demand, and EOQ = sqrt(2 D S / H). */
      g_assert_cmpfloat_with_epsilon (p->lead_time_mean, 5 * daily, 1e-6);
      g_assert_cmpfloat_with_epsilon (p->safety_stock, 0, 1e-6);
      g_assert_cmpfloat_with_epsilon (p->reorder_point, 5 * daily, 1e-6);
      g_assert_cmpfloat_with_epsilon (p->annual_demand, d, 1e-6);
      g_assert_cmpfloat_with_epsilon (p->order_quantity, sqrt (2 * d * 20 / 0.5), 1e-6);
    }
  g_assert_cmpstr (((AxInventoryPlan *) plans->pdata[2])->item, ==, "odd");
  g_assert_nonnull (((AxInventoryPlan *) plans->pdata[2])->error);
  g_assert_true (isnan (((AxInventoryPlan *) plans->pdata[2])->reorder_point));

  spec.time_column = "date";
  g_assert_null (ax_inventory_plan_items (f, &spec, NULL, &params, &monitor, NULL, &error));
  g_assert_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG);
  g_assert_nonnull (strstr (error->message, "time_column"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/forecast/frequency/detect", test_frequency_detect);
  g_test_add_func ("/engine/forecast/frequency/shared-data", test_frequency_shared_data);
  g_test_add_func ("/engine/forecast/periods/synthetic", test_periods_synthetic);
  g_test_add_func ("/engine/forecast/series/aggregate", test_series_aggregate);
  g_test_add_func ("/engine/forecast/series/errors", test_series_errors);
  g_test_add_func ("/engine/forecast/known/seasonal", test_known_seasonal);
  g_test_add_func ("/engine/forecast/known/drift", test_known_drift);
  g_test_add_func ("/engine/forecast/ranges/widen", test_ranges_widen);
  g_test_add_func ("/engine/forecast/ranges/coverage-analytical", test_coverage_analytical);
  g_test_add_func ("/engine/forecast/ranges/coverage-simulated", test_coverage_simulated);
  g_test_add_func ("/engine/forecast/ranges/calibration-right-model",
                   test_calibration_right_model);
  g_test_add_func ("/engine/forecast/ranges/calibration-peaked-errors",
                   test_calibration_peaked_errors);
  g_test_add_func ("/engine/forecast/constraints/counts", test_constraints_counts);
  g_test_add_func ("/engine/forecast/multi-seasonal", test_multi_seasonal);
  g_test_add_func ("/engine/forecast/accuracy/by-hand", test_accuracy_by_hand);
  g_test_add_func ("/engine/forecast/air-passengers", test_air_passengers);
  g_test_add_func ("/engine/forecast/gaps", test_gaps);
  g_test_add_func ("/engine/forecast/save-load", test_save_load);
  g_test_add_func ("/engine/forecast/ml-drivers", test_ml_drivers);
  g_test_add_func ("/engine/forecast/config-errors", test_config_errors);
  g_test_add_func ("/engine/forecast/cancel", test_cancel);
  g_test_add_func ("/engine/forecast/inventory/worked-example", test_inventory_worked_example);
  g_test_add_func ("/engine/forecast/inventory/items", test_inventory_items);

  return g_test_run ();
}
