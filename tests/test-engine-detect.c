/* test-engine-detect.c — anomaly detection: configuration, the seasonal
 * detector, severities, alert budget, feedback, incremental and grouped runs
 *
 * The main series is real: the daily ridership (thousands) of Chicago's
 * Clark/Lake station with the day's temperature (°F),
 * data/datasets/chicago_ridership.csv (5,698 days, 2001-01-22 to
 * 2016-08-28).  The test plants glitches in it from a fixed splitmix64
 * stream, on days the detector finds normal: ridership 15–20 thousand
 * above the day's (more than any event brought) or temperatures 45–55 °F
 * further from the mean.  The series' own anomalies (holidays, mostly)
 * play the false positives an analyst would mark.  An hourly series with
 * daily and weekly cycles is generated here.
 */

#include <math.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "ax-detect.h"

/* Data */

typedef struct {
  guint64 state;
} Rng;

/* splitmix64 (Steele, Lea, Flood 2014). */
static guint64
rng_next (Rng *r)
{
  guint64 z = (r->state += G_GUINT64_CONSTANT (0x9e3779b97f4a7c15));

  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  return z ^ (z >> 31);
}

static double
rng_uniform (Rng *r)
{
  return (double) (rng_next (r) >> 11) * 0x1.0p-53;
}

static double
rng_normal (Rng *r)
{
  double u1 = rng_uniform (r), u2 = rng_uniform (r);

  return sqrt (-2 * log (1 - u1)) * cos (2 * G_PI * u2);
}

typedef struct {
  guint   n;
  gint64 *day;
  double *ridership;
  double *temp;
} Chicago;

static Chicago chicago;

/* Reads date, ridership and temp of chicago_ridership.csv (no quoted
 * commas in it; the date is quoted). */
static void
load_chicago (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("AX_DATASETS") ? g_getenv ("AX_DATASETS")
                                            : "data/datasets", "chicago_ridership.csv", NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  guint n = 0;

  if (chicago.n > 0)
    return;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  g_assert_true (g_str_has_prefix (lines[0], "\"date\",\"ridership\",\"temp\""));
  chicago.day = g_new (gint64, g_strv_length (lines));
  chicago.ridership = g_new (double, g_strv_length (lines));
  chicago.temp = g_new (double, g_strv_length (lines));
  for (guint i = 1; lines[i] && *lines[i]; i++)
    {
      g_auto(GStrv) f = g_strsplit (lines[i], ",", 4);
      g_autofree char *date = g_strndup (f[0] + 1, strlen (f[0]) - 2);

      g_assert_true (ax_parse_date (date, AX_DATE_ISO, &chicago.day[n]));
      g_assert_true (ax_parse_real (f[1], &chicago.ridership[n]));
      g_assert_true (ax_parse_real (f[2], &chicago.temp[n]));
      n++;
    }
  chicago.n = n;
  g_assert_cmpuint (n, ==, 5698);
}

/* Day of week of @day, 0 = Monday (1970-01-01 was a Thursday). */
static int
weekday (gint64 day)
{
  return (int) (((day + 3) % 7 + 7) % 7);
}

/* The Chicago series with planted glitches. */
typedef struct {
  double   *ridership;
  double   *temp;
  guint     n;           /* planted */
  guint    *row;         /* ascending draws, at least 5 rows apart */
  guint    *metric;      /* 0 ridership, 1 temp */
  gboolean *is_planted;  /* per row */
  AxFrame  *frame;
} Fixture;

/* Plants @count glitches in rows [from, n), not on the rows of @avoid. */
static void
plant (Fixture        *fx,
       guint           from,
       guint           count,
       const gboolean *avoid)
{
  Rng rng = { 7 };

  fx->n = 0;
  fx->row = g_new (guint, count);
  fx->metric = g_new (guint, count);
  fx->is_planted = g_new0 (gboolean, chicago.n);
  while (fx->n < count)
    {
      guint row = from + (guint) (rng_uniform (&rng) * (chicago.n - from));
      guint metric = fx->n % 2;
      gboolean near = avoid[row];

      for (int d = -5; d <= 5; d++)
        near = near || (row + d < chicago.n && fx->is_planted[row + d]);
      if (near)
        continue;
      if (metric == 0)
        fx->ridership[row] += 15 + 5 * rng_uniform (&rng);
      else
        fx->temp[row] += (fx->temp[row] > 50 ? 1 : -1) * (45 + 10 * rng_uniform (&rng));
      fx->is_planted[row] = TRUE;
      fx->row[fx->n] = row;
      fx->metric[fx->n++] = metric;
    }
}

/* A frame of date, ridership, temp (and with @groups > 1 a "station"
 * column: each day once per group, group g's ridership times 1 + 9 g). */
static AxFrame *
chicago_frame (const double *ridership,
               const double *temp,
               guint         n_rows,
               guint         groups)
{
  const char *names[] = { "date", "ridership", "temp", "station" };
  AxColumnType types[] = { AX_COLUMN_DATE, AX_COLUMN_REAL, AX_COLUMN_REAL, AX_COLUMN_CATEGORICAL };
  AxFrame *f = ax_frame_new (groups > 1 ? 4 : 3, names, types, n_rows * groups);

  for (guint i = 0; i < n_rows; i++)
    for (guint g = 0; g < groups; g++)
      {
        guint r = ax_frame_append_row (f);
        ax_frame_set_int (f, 0, r, chicago.day[i]);
        ax_frame_set_real (f, 1, r, ridership[i] * (1 + 9 * g));
        ax_frame_set_real (f, 2, r, temp[i]);
        if (groups > 1)
          ax_frame_set_string (f, 3, r, g == 0 ? "clark_lake" : "scaled", -1);
      }
  return f;
}

static const char seasonal_json[] =
  "{ \"detection_name\": \"ridership_monitoring\", \"anomaly_type\": \"transaction_anomaly\","
  "  \"description\": \"Daily riders and temperature\", \"algorithm\": \"seasonal\","
  "  \"detection_config\": { \"threshold\": 3.5 },"
  "  \"threshold_config\": { \"severity_thresholds\":"
  "    { \"low\": 0.5, \"medium\": 0.7, \"high\": 0.85, \"critical\": 0.95 } },"
  "  \"monitored_metrics\": [ \"ridership\", \"temp\" ],"
  "  \"detection_frequency\": \"daily\", \"dataset\": \"chicago\", \"time_column\": \"date\" }";

static AxDetectionConfig *
config_parse (const char *json)
{
  g_autoptr(GError) error = NULL;
  AxDetectionConfig *c = ax_detection_config_from_json (json, &error);

  g_assert_no_error (error);
  g_assert_nonnull (c);
  return c;
}

static AxDetectionResult *
run (const AxDetectionConfig *c,
     const AxFrame           *data,
     gint64                   first_row,
     const AxFeedback        *feedback,
     guint                    n_feedback)
{
  g_autoptr(GError) error = NULL;
  AxDetectionResult *r = ax_detection_run (c, data, first_row, feedback, n_feedback,
                                           NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (r);
  return r;
}

static const AxAnomaly *
find_anomaly (const AxDetectionResult *r,
              gint64                   row)
{
  for (guint i = 0; i < r->anomalies->len; i++)
    {
      const AxAnomaly *a = r->anomalies->pdata[i];
      if (a->row == row)
        return a;
    }
  return NULL;
}

/* The share of @fx's planted rows (every @stride-th frame row) that @r
 * reports, each with the planted metric ranked first when @check_cause. */
static double
recall (const AxDetectionResult *r,
        const Fixture           *fx,
        guint                    stride,
        gboolean                 check_cause)
{
  guint found = 0;

  for (guint i = 0; i < fx->n; i++)
    {
      const AxAnomaly *a = find_anomaly (r, (gint64) fx->row[i] * stride);
      if (a == NULL)
        continue;
      found++;
      if (check_cause)
        g_assert_cmpuint (a->cause_metric[0], ==, fx->metric[i]);
    }
  return (double) found / fx->n;
}

static void
fixture_init (Fixture *fx,
              guint    count,
              guint    from)
{
  g_autoptr(AxDetectionConfig) c = NULL;
  g_autoptr(AxDetectionResult) r = NULL;
  g_autofree gboolean *natural = NULL;

  load_chicago ();
  fx->ridership = g_memdup2 (chicago.ridership, chicago.n * sizeof (double));
  fx->temp = g_memdup2 (chicago.temp, chicago.n * sizeof (double));
  /* The series' own anomalies, to plant elsewhere. */
  fx->frame = chicago_frame (fx->ridership, fx->temp, chicago.n, 1);
  c = config_parse (seasonal_json);
  r = run (c, fx->frame, 0, NULL, 0);
  natural = g_new0 (gboolean, chicago.n);
  for (guint i = 0; i < r->anomalies->len; i++)
    natural[((AxAnomaly *) r->anomalies->pdata[i])->row] = TRUE;
  ax_frame_free (fx->frame);

  plant (fx, from, count, natural);
  fx->frame = chicago_frame (fx->ridership, fx->temp, chicago.n, 1);
}

static void
fixture_clear (Fixture *fx)
{
  g_free (fx->ridership);
  g_free (fx->temp);
  g_free (fx->row);
  g_free (fx->metric);
  g_free (fx->is_planted);
  ax_frame_free (fx->frame);
}

/* Configuration */

static void
test_config_round_trip (void)
{
  g_autoptr(AxDetectionConfig) c = config_parse (seasonal_json);
  g_autoptr(AxDetectionConfig) back = NULL;
  g_autofree char *json = NULL;
  g_autoptr(AxDetectionConfig) d = NULL;
  AxAnomalyType type;
  AxSeverity sev;

  g_assert_cmpstr (c->detection_name, ==, "ridership_monitoring");
  g_assert_cmpint (c->anomaly_type, ==, AX_ANOMALY_TRANSACTION);
  g_assert_cmpstr (c->algorithm, ==, "seasonal");
  g_assert_cmpfloat (ax_params_get_number (c->detection_config, "threshold"), ==, 3.5);
  g_assert_cmpstr (ax_params_get_string (c->detection_config, "periods"), ==, "auto");
  g_assert_cmpfloat (c->threshold_config.thresholds[AX_SEVERITY_HIGH], ==, 0.85);
  g_assert_cmpuint (g_strv_length (c->monitored_metrics), ==, 2);
  g_assert_cmpstr (c->time_column, ==, "date");
  g_assert_null (c->group_by);
  g_assert_cmpuint (c->random_seed, ==, 42);
  g_assert_cmpuint (c->window, ==, 0);

  json = ax_detection_config_to_json (c);
  back = config_parse (json);
  g_assert_cmpstr (back->detection_name, ==, c->detection_name);
  g_assert_cmpstr (back->description, ==, c->description);
  g_assert_cmpstr (back->detection_frequency, ==, "daily");
  g_assert_cmpstr (back->dataset, ==, "chicago");
  for (int s = AX_SEVERITY_LOW; s <= AX_SEVERITY_CRITICAL; s++)
    g_assert_cmpfloat (back->threshold_config.thresholds[s], ==, c->threshold_config.thresholds[s]);

  /* The guide's example as written, with the desktop's additions. */
  d = config_parse ("{ \"detection_name\": \"revenue_monitoring\", \"anomaly_type\": \"revenue_anomaly\","
                    "  \"algorithm\": \"isolation_forest\","
                    "  \"detection_config\": { \"contamination\": 0.1, \"n_estimators\": 100, \"window\": 365 },"
                    "  \"threshold_config\": { \"alert_budget\": { \"alerts\": 3, \"per\": \"week\" } },"
                    "  \"monitored_metrics\": [ \"daily_revenue\", \"transaction_count\" ],"
                    "  \"detection_frequency\": \"hourly\", \"time_column\": \"day\","
                    "  \"group_by\": \"store\", \"random_seed\": 7 }");
  g_assert_cmpuint (d->window, ==, 365);
  g_assert_cmpuint (d->threshold_config.budget_alerts, ==, 3);
  g_assert_cmpstr (d->threshold_config.budget_per, ==, "week");
  g_assert_cmpfloat (d->threshold_config.thresholds[AX_SEVERITY_LOW], ==, 0.5);
  g_assert_cmpstr (d->group_by, ==, "store");
  g_assert_cmpuint (d->random_seed, ==, 7);
  g_clear_pointer (&json, g_free);
  json = ax_detection_config_to_json (d);
  g_clear_pointer (&back, ax_detection_config_free);
  back = config_parse (json);
  g_assert_cmpuint (back->window, ==, 365);
  g_assert_cmpuint (back->threshold_config.budget_alerts, ==, 3);
  g_assert_cmpfloat (ax_params_get_number (back->detection_config, "contamination"), ==, 0.1);

  for (guint t = 0; t < AX_N_ANOMALY_TYPES; t++)
    {
      g_assert_true (ax_anomaly_type_from_string (ax_anomaly_type_to_string (t), &type));
      g_assert_cmpint (type, ==, t);
    }
  g_assert_true (ax_severity_from_string ("critical", &sev));
  g_assert_cmpint (sev, ==, AX_SEVERITY_CRITICAL);
  g_assert_cmpstr (ax_severity_to_string (AX_SEVERITY_MEDIUM), ==, "medium");
  g_assert_false (ax_severity_from_string ("severe", &sev));
}

#define BASE "{ \"anomaly_type\": \"revenue_anomaly\", \"monitored_metrics\": [\"a\"]"
#define RUN  "{ \"anomaly_type\": \"quality_anomaly\""

static void
test_config_errors (void)
{
  static const struct {
    const char *json;
    const char *field;
  } cases[] = {
    { "[1]", "The configuration must be" },
    { "{ \"anomaly_type\": \"revenue_anomaly\" ", "The configuration is not valid JSON" },
    { "{ \"monitored_metrics\": [\"a\"] }", "anomaly_type:" },
    { "{ \"anomaly_type\": \"weather\", \"monitored_metrics\": [\"a\"] }", "anomaly_type:" },
    { "{ \"anomaly_type\": \"revenue_anomaly\", \"monitored_metric\": [\"a\"] }", "monitored_metric:" },
    { "{ \"anomaly_type\": \"revenue_anomaly\" }", "monitored_metrics:" },
    { "{ \"anomaly_type\": \"revenue_anomaly\", \"monitored_metrics\": [] }", "monitored_metrics:" },
    { "{ \"anomaly_type\": \"revenue_anomaly\", \"monitored_metrics\": [\"a\", \"a\"] }", "monitored_metrics:" },
    { BASE ", \"algorithm\": \"lof\" }", "algorithm:" },
    { BASE ", \"algorithm\": \"seasonal\" }", "time_column:" },
    { BASE ", \"time_column\": \"a\" }", "time_column:" },
    { BASE ", \"group_by\": \"a\" }", "group_by:" },
    { BASE ", \"detection_config\": { \"n_trees\": 5 } }", "detection_config.n_trees:" },
    { BASE ", \"detection_config\": { \"contamination\": 0.9 } }", "detection_config.contamination:" },
    { BASE ", \"detection_config\": { \"window\": -1 } }", "detection_config.window:" },
    { BASE ", \"algorithm\": \"seasonal\", \"time_column\": \"t\", \"detection_config\": { \"periods\": \"hourly\" } }", "detection_config.periods:" },
    { BASE ", \"threshold_config\": { \"severity_thresholds\": { \"high\": 0.6 } } }", "threshold_config.severity_thresholds.high:" },
    { BASE ", \"threshold_config\": { \"severity_thresholds\": { \"low\": 1.5 } } }", "threshold_config.severity_thresholds.low:" },
    { BASE ", \"threshold_config\": { \"severity_thresholds\": { \"low\": 0.8 } } }", "threshold_config.severity_thresholds.low:" },
    { BASE ", \"threshold_config\": { \"severity_thresholds\": { \"severe\": 0.8 } } }", "threshold_config.severity_thresholds.severe:" },
    { BASE ", \"time_column\": \"t\", \"threshold_config\": { \"alert_budget\": { \"alerts\": 0, \"per\": \"week\" } } }", "threshold_config.alert_budget.alerts:" },
    { BASE ", \"time_column\": \"t\", \"threshold_config\": { \"alert_budget\": { \"alerts\": 2, \"per\": \"year\" } } }", "threshold_config.alert_budget.per:" },
    { BASE ", \"threshold_config\": { \"alert_budget\": { \"alerts\": 2, \"per\": \"day\" } } }", "threshold_config.alert_budget:" },
    { BASE ", \"random_seed\": 1.5 }", "random_seed:" },
  };

  /* Valid configurations whose columns the frame lacks or types differ. */
  static const struct {
    const char *json;
    const char *field;
  } columns[] = {
    { RUN ", \"algorithm\": \"seasonal\", \"time_column\": \"date\", \"monitored_metrics\": [\"riders\"] }", "monitored_metrics:" },
    { RUN ", \"algorithm\": \"robust_zscore\", \"monitored_metrics\": [\"date\"] }", "monitored_metrics:" },
    { RUN ", \"algorithm\": \"seasonal\", \"time_column\": \"temp\", \"monitored_metrics\": [\"ridership\"] }", "time_column:" },
    { RUN ", \"algorithm\": \"seasonal\", \"time_column\": \"day\", \"monitored_metrics\": [\"ridership\"] }", "time_column:" },
    { RUN ", \"algorithm\": \"seasonal\", \"time_column\": \"date\", \"group_by\": \"station\", \"monitored_metrics\": [\"ridership\"] }", "group_by:" },
  };
  Fixture fx;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(AxDetectionConfig) c = ax_detection_config_from_json (cases[i].json, &error);

      g_assert_null (c);
      g_assert_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG);
      if (!g_str_has_prefix (error->message, cases[i].field))
        g_error ("case %u: “%s” does not start with “%s”", i, error->message, cases[i].field);
    }

  fixture_init (&fx, 4, 100);
  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    {
      g_autoptr(AxDetectionConfig) c = config_parse (columns[i].json);
      g_autoptr(GError) error = NULL;
      g_autoptr(AxDetectionResult) r = ax_detection_run (c, fx.frame, 0, NULL, 0, NULL, NULL, &error);

      g_assert_null (r);
      g_assert_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG);
      g_assert_true (g_str_has_prefix (error->message, columns[i].field));
    }
  fixture_clear (&fx);
}

/* The seasonal detector */

static void
test_seasonal_planted (void)
{
  g_autoptr(AxDetectionConfig) c = config_parse (seasonal_json);
  g_autoptr(AxDetectionResult) r = NULL;
  Fixture fx;
  double rec;
  guint natural = 0;

  fixture_init (&fx, 60, 30);
  r = run (c, fx.frame, 0, NULL, 0);
  g_assert_cmpuint (r->n_scored, ==, chicago.n);
  g_assert_cmpuint (r->n_skipped, ==, 0);
  rec = recall (r, &fx, 1, TRUE);
  for (guint i = 0; i < r->anomalies->len; i++)
    natural += !fx.is_planted[((AxAnomaly *) r->anomalies->pdata[i])->row];
  g_test_message ("seasonal: recall %.3f of %u planted; %u other anomalies in %u days",
                  rec, fx.n, natural, chicago.n);
  g_assert_cmpfloat (rec, >=, 0.9);
  /* The series' own: mostly holidays (about 18 a year at this station:
   * Lincoln's Birthday and Veterans Day too), their eves and weeks, and
   * weather extremes. */
  g_assert_cmpuint (natural, <, chicago.n / 10);

  /* Each anomaly explains itself. */
  for (guint i = 0; i < r->anomalies->len; i++)
    {
      const AxAnomaly *a = r->anomalies->pdata[i];
      g_autoptr(JsonParser) parser = json_parser_new ();
      double sum = 0;

      g_assert_cmpfloat (a->score, >=, r->thresholds[AX_SEVERITY_LOW]);
      g_assert_cmpfloat (a->score, ==, a->raw_score);
      g_assert_cmpfloat (a->time, ==, (double) chicago.day[a->row]);
      g_assert_null (a->group);
      g_assert_cmpfloat (a->actual[0], ==, fx.ridership[a->row]);
      for (guint m = 0; m < 2; m++)
        {
          g_assert_cmpfloat (a->expected_low[m], <, a->expected_high[m]);
          sum += a->cause_share[m];
        }
      g_assert_cmpfloat (fabs (sum - 1), <, 1e-9);
      g_assert_cmpfloat (a->cause_share[0], >=, a->cause_share[1]);
      g_assert_true (json_parser_load_from_data (parser, a->context, -1, NULL));
      if (i > 0)
        g_assert_cmpint (a->severity, <=, ((AxAnomaly *) r->anomalies->pdata[i - 1])->severity);
    }

  /* A planted spike lies above its expected range, with its neighbours in context. */
  for (guint i = 0; i < fx.n; i++)
    {
      const AxAnomaly *a = find_anomaly (r, fx.row[i]);
      guint m = fx.metric[i], row = fx.row[i];
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonObject *ctx;

      if (a == NULL)
        continue;
      g_assert_cmpfloat (a->cause_direction[0], ==,
                         a->actual[m] > a->expected_high[m] ? 1 : -1);
      g_assert_true (a->actual[m] > a->expected_high[m] || a->actual[m] < a->expected_low[m]);
      g_assert_true (json_parser_load_from_data (parser, a->context, -1, NULL));
      ctx = json_node_get_object (json_parser_get_root (parser));
      g_assert_cmpfloat (json_object_get_double_member (
                           json_object_get_object_member (
                             json_object_get_object_member (ctx, "previous"), "values"), "ridership"),
                         ==, fx.ridership[row - 1]);
      g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (ctx, "next"), "row"),
                       ==, row + 1);
    }
  fixture_clear (&fx);
}

/* Hourly data with a daily and a weekly cycle: a value normal at noon on
 * a weekday is an anomaly at night or on a Sunday. */
static void
test_seasonal_hourly (void)
{
  const char *names[] = { "hour", "transactions" };
  AxColumnType types[] = { AX_COLUMN_DATETIME, AX_COLUMN_REAL };
  g_autoptr(AxFrame) f = ax_frame_new (2, names, types, 0);
  g_autoptr(AxDetectionConfig) c = config_parse (
    "{ \"anomaly_type\": \"transaction_anomaly\", \"algorithm\": \"seasonal\","
    "  \"monitored_metrics\": [\"transactions\"], \"time_column\": \"hour\" }");
  g_autoptr(AxDetectionResult) r = NULL;
  const guint n = 24 * 7 * 10;
  gint64 start = ax_days_from_civil (2024, 1, 1) * 86400;    /* a Monday */
  Rng rng = { 11 };
  guint planted[] = { 24 * 3 + 3, 24 * 20 + 12, 24 * 34 + 2, 24 * 41 + 23, 24 * 55 + 4, 24 * 62 + 14 };
  guint found = 0;

  for (guint i = 0; i < n; i++)
    {
      guint r_ = ax_frame_append_row (f);
      guint hour = i % 24, day = (i / 24) % 7;
      double level = 20 + 80 * exp (-(hour - 13.0) * (hour - 13.0) / 18) * (day < 5 ? 1 : 0.35);

      ax_frame_set_int (f, 0, r_, start + (gint64) i * 3600);
      ax_frame_set_real (f, 1, r_, level + 3 * rng_normal (&rng));
    }
  /* Weekday-noon traffic at night or at the weekend. */
  for (guint k = 0; k < G_N_ELEMENTS (planted); k++)
    f->columns[1].reals[planted[k]] = 100;

  r = run (c, f, 0, NULL, 0);
  for (guint k = 0; k < G_N_ELEMENTS (planted); k++)
    found += find_anomaly (r, planted[k]) != NULL;
  g_test_message ("hourly: %u of %zu planted found, %u anomalies in %u hours",
                  found, G_N_ELEMENTS (planted), r->anomalies->len, n);
  g_assert_cmpuint (found, ==, G_N_ELEMENTS (planted));
  g_assert_cmpuint (r->anomalies->len, <, n / 50);
}

/* Short, constant and gappy series still get a baseline; progress is
 * reported up to 1. */
static void
progress_cb (double      fraction,
             const char *detail,
             gpointer    data)
{
  double *last = data;

  g_assert_cmpfloat (fraction, >=, *last);
  g_assert_cmpfloat (fraction, <=, 1);
  *last = fraction;
}

static void
test_seasonal_edges (void)
{
  const char *names[] = { "day", "value" };
  AxColumnType types[] = { AX_COLUMN_DATE, AX_COLUMN_INTEGER };
  g_autoptr(AxDetectionConfig) c = config_parse (
    "{ \"anomaly_type\": \"inventory_anomaly\", \"algorithm\": \"seasonal\","
    "  \"monitored_metrics\": [\"value\"], \"time_column\": \"day\" }");
  static const guint lengths[] = { 1, 2, 5, 20, 100, 800 };

  for (guint l = 0; l < G_N_ELEMENTS (lengths); l++)
    for (guint constant = 0; constant < 2; constant++)
      {
        g_autoptr(AxFrame) f = ax_frame_new (2, names, types, 0);
        g_autoptr(AxDetectionResult) r = NULL;
        double last = 0;
        AxTrainMonitor monitor = { progress_cb, &last };
        g_autoptr(GError) error = NULL;

        /* Every third week missing; a weekly pattern unless constant. */
        for (guint i = 0, day = 0; i < lengths[l]; day++)
          if ((day / 7) % 3 != 2)
            {
              guint row = ax_frame_append_row (f);
              ax_frame_set_int (f, 0, row, 19000 + day);
              ax_frame_set_int (f, 1, row, constant ? 7 : 10 + (day % 7 >= 5 ? -6 : 0) + (gint64) (i % 3));
              i++;
            }
        if (lengths[l] > 2)
          f->columns[1].ints[lengths[l] / 2] += 50;
        r = ax_detection_run (c, f, 0, NULL, 0, &monitor, NULL, &error);
        g_assert_no_error (error);
        g_assert_cmpuint (r->n_scored, ==, lengths[l]);
        g_assert_cmpfloat (last, ==, 1);
        for (guint i = 0; i < r->n_scored; i++)
          g_assert_true (r->scores[i] >= 0 && r->scores[i] <= 1);
        for (guint i = 0; i < r->anomalies->len; i++)
          {
            const AxAnomaly *a = r->anomalies->pdata[i];
            g_assert_true (isfinite (a->expected_low[0]) && isfinite (a->expected_high[0]));
          }
        /* The one jump stands out once there is a history to judge by. */
        if (lengths[l] >= 20)
          g_assert_nonnull (find_anomaly (r, lengths[l] / 2));
      }
}

/* Severities follow the thresholds applied, whatever they are. */
static void
test_severity_thresholds (void)
{
  g_autoptr(AxDetectionConfig) c = config_parse (
    "{ \"anomaly_type\": \"transaction_anomaly\", \"algorithm\": \"seasonal\", \"time_column\": \"date\","
    "  \"threshold_config\": { \"severity_thresholds\": { \"low\": 0.3, \"medium\": 0.6, \"high\": 0.9, \"critical\": 0.99 } },"
    "  \"monitored_metrics\": [\"ridership\", \"temp\"] }");
  g_autoptr(AxDetectionResult) r = NULL;
  guint counts[5] = { 0 }, n_anomalies = 0;
  Fixture fx;

  fixture_init (&fx, 40, 30);
  r = run (c, fx.frame, 0, NULL, 0);
  g_assert_cmpfloat (r->thresholds[AX_SEVERITY_LOW], ==, 0.3);
  g_assert_cmpfloat (r->thresholds[AX_SEVERITY_CRITICAL], ==, 0.99);
  for (guint i = 0; i < r->n_scored; i++)
    {
      double s = r->scores[i];
      AxSeverity want = s >= 0.99 ? AX_SEVERITY_CRITICAL : s >= 0.9 ? AX_SEVERITY_HIGH
                        : s >= 0.6 ? AX_SEVERITY_MEDIUM : s >= 0.3 ? AX_SEVERITY_LOW : AX_SEVERITY_NONE;
      g_assert_cmpint (r->scored_severity[i], ==, want);
      counts[want]++;
      n_anomalies += want != AX_SEVERITY_NONE;
    }
  g_test_message ("severities: %u none, %u low, %u medium, %u high, %u critical",
                  counts[0], counts[1], counts[2], counts[3], counts[4]);
  g_assert_cmpuint (n_anomalies, ==, r->anomalies->len);
  for (int s = AX_SEVERITY_LOW; s <= AX_SEVERITY_CRITICAL; s++)
    g_assert_cmpuint (counts[s], >, 0);
  fixture_clear (&fx);
}

/* Alert budget */

static void
check_budget (const AxFrame *frame,
              const char    *per,
              guint          alerts,
              double         per_days)
{
  g_autofree char *json = g_strdup_printf (
    "{ \"anomaly_type\": \"transaction_anomaly\", \"algorithm\": \"seasonal\", \"time_column\": \"date\","
    "  \"threshold_config\": { \"alert_budget\": { \"alerts\": %u, \"per\": \"%s\" } },"
    "  \"monitored_metrics\": [\"ridership\", \"temp\"] }", alerts, per);
  g_autoptr(AxDetectionConfig) c = config_parse (json);
  g_autoptr(AxDetectionResult) r = run (c, frame, 0, NULL, 0);
  double span = chicago.day[chicago.n - 1] - chicago.day[0];
  double want = alerts * span / per_days;
  guint counts[5] = { 0 };

  g_test_message ("budget %u per %s: %u alerts over %.0f days (%.1f budgeted), low %.4f",
                  alerts, per, r->anomalies->len, span, want, r->thresholds[AX_SEVERITY_LOW]);
  g_assert_cmpfloat (fabs (r->anomalies->len - want), <=, MAX (2, 0.02 * want));
  for (int s = AX_SEVERITY_MEDIUM; s <= AX_SEVERITY_CRITICAL; s++)
    g_assert_cmpfloat (r->thresholds[s], >, r->thresholds[s - 1]);
  g_assert_cmpfloat (r->thresholds[AX_SEVERITY_CRITICAL], <=, 1);
  /* What was chosen is said, and every level keeps some of the alerts. */
  g_assert_cmpuint (r->budget_alerts, ==, (guint) floor (want + 0.5));
  g_assert_cmpuint (r->n_replayed, ==, r->n_scored);
  for (guint i = 0; i < r->anomalies->len; i++)
    counts[((AxAnomaly *) g_ptr_array_index (r->anomalies, i))->severity]++;
  g_test_message ("  thresholds %.4f %.4f %.4f %.4f; %u low, %u medium, %u high, %u critical",
                  r->thresholds[1], r->thresholds[2], r->thresholds[3], r->thresholds[4],
                  counts[1], counts[2], counts[3], counts[4]);
  for (int s = AX_SEVERITY_LOW; s <= AX_SEVERITY_CRITICAL; s++)
    g_assert_cmpuint (counts[s], >, 0);
}

static void
test_alert_budget (void)
{
  Fixture fx;

  fixture_init (&fx, 40, 30);
  check_budget (fx.frame, "week", 2, 7);
  check_budget (fx.frame, "month", 1, 30.436875);
  check_budget (fx.frame, "day", 1, 1);
  fixture_clear (&fx);
}

/* Feedback */

/* Feedback from the anomalies of @r (only those not planted when
 * @planted is given), as the store keeps them; free with feedback_free(). */
static AxFeedback *
feedback_of (const AxDetectionResult *r,
             const gboolean          *planted,
             guint                   *n_out)
{
  AxFeedback *fb = g_new0 (AxFeedback, r->anomalies->len + 1);
  guint n = 0;

  for (guint i = 0; i < r->anomalies->len; i++)
    {
      const AxAnomaly *a = r->anomalies->pdata[i];
      double *expected;

      if (planted && planted[a->row])
        continue;
      expected = g_new (double, r->n_metrics);
      for (guint m = 0; m < r->n_metrics; m++)
        expected[m] = (a->expected_low[m] + a->expected_high[m]) / 2;
      fb[n++] = (AxFeedback) { a->group, r->n_metrics, a->actual, a->raw_score, expected };
    }
  *n_out = n;
  return fb;
}

static void
feedback_free (AxFeedback *fb,
               guint       n)
{
  for (guint i = 0; i < n; i++)
    g_free (fb[i].expected);
  g_free (fb);
}

static void
test_feedback (void)
{
  g_autoptr(AxDetectionConfig) c = config_parse (seasonal_json);
  g_autoptr(AxDetectionResult) first = NULL, second = NULL, one = NULL;
  g_autofree gboolean *not_marked = NULL;
  AxFeedback *marked, *past;
  guint n_marked, n_past, previewed = 0, half;
  guint before[2] = { 0 }, after[2] = { 0 };
  double rec_before, rec_after;
  Fixture fx;

  fixture_init (&fx, 60, 30);
  half = chicago.n / 2;
  first = run (c, fx.frame, 0, NULL, 0);
  /* The analyst marks the anomalies of the first half of the history
   * that were not planted as false positives. */
  not_marked = g_memdup2 (fx.is_planted, chicago.n * sizeof (gboolean));
  for (guint i = half; i < chicago.n; i++)
    not_marked[i] = TRUE;
  marked = feedback_of (first, not_marked, &n_marked);
  past = feedback_of (first, NULL, &n_past);
  g_assert_cmpuint (n_marked, >, 10);

  /* What each mark would suppress, given the marks before it. */
  for (guint i = 0; i < n_marked; i++)
    previewed += ax_detection_preview_feedback (c, marked, i, &marked[i], past, n_past);

  second = run (c, fx.frame, 0, marked, n_marked);
  for (guint i = 0; i < first->anomalies->len; i++)
    {
      gint64 row = ((AxAnomaly *) first->anomalies->pdata[i])->row;
      before[row >= half] += !fx.is_planted[row];
    }
  for (guint i = 0; i < second->anomalies->len; i++)
    {
      gint64 row = ((AxAnomaly *) second->anomalies->pdata[i])->row;
      after[row >= half] += !fx.is_planted[row];
    }
  rec_before = recall (first, &fx, 1, FALSE);
  rec_after = recall (second, &fx, 1, TRUE);
  g_test_message ("feedback: %u marked; other anomalies %u -> %u in the marked half, "
                  "%u -> %u in the other; %u suppressed (%u previewed); recall %.3f -> %.3f",
                  n_marked, before[0], after[0], before[1], after[1], second->n_suppressed,
                  previewed, rec_before, rec_after);
  g_assert_cmpuint (second->n_suppressed, ==, previewed);
  g_assert_cmpuint (second->n_suppressed, ==, first->anomalies->len - second->anomalies->len);
  /* The marked are gone, and like ones of later years with them. */
  g_assert_cmpuint (after[0], ==, 0);
  g_assert_cmpuint (after[1], <, before[1]);
  /* The planted glitches are no like of any. */
  g_assert_cmpfloat (rec_after, >=, 0.9);
  g_assert_cmpfloat (rec_after, ==, rec_before);
  for (guint i = 0; i < second->anomalies->len; i++)
    {
      const AxAnomaly *a = second->anomalies->pdata[i];
      g_assert_cmpfloat (a->score, <=, a->raw_score);
    }

  /* One mark alone: the preview is what a re-run suppresses. */
  one = run (c, fx.frame, 0, marked, 1);
  g_assert_cmpuint (one->n_suppressed, ==,
                    ax_detection_preview_feedback (c, NULL, 0, &marked[0], past, n_past));
  g_assert_cmpuint (one->n_suppressed, >=, 1);
  feedback_free (marked, n_marked);
  feedback_free (past, n_past);
  fixture_clear (&fx);
}

/* Incremental runs and windows */

static void
test_incremental (void)
{
  g_autoptr(AxDetectionConfig) c = config_parse (seasonal_json);
  g_autoptr(AxDetectionResult) full = NULL, inc = NULL, win = NULL;
  g_autoptr(AxFrame) before = NULL;
  const guint n_new = 60;
  guint first_row, found = 0, n_planted_new = 0;
  Fixture fx;

  fixture_init (&fx, 6, chicago.n - n_new);
  first_row = chicago.n - n_new;
  before = chicago_frame (fx.ridership, fx.temp, first_row, 1);
  full = run (c, before, 0, NULL, 0);
  g_assert_cmpuint (full->n_scored, ==, first_row);

  inc = run (c, fx.frame, first_row, NULL, 0);
  g_assert_cmpuint (inc->n_scored, ==, n_new);
  for (guint i = 0; i < inc->n_scored; i++)
    g_assert_cmpint (inc->scored_rows[i], ==, first_row + i);
  for (guint i = 0; i < inc->anomalies->len; i++)
    g_assert_cmpint (((AxAnomaly *) inc->anomalies->pdata[i])->row, >=, first_row);
  for (guint i = 0; i < fx.n; i++)
    if (fx.row[i] >= first_row)
      {
        n_planted_new++;
        found += find_anomaly (inc, fx.row[i]) != NULL;
      }
  g_assert_cmpuint (n_planted_new, >, 0);
  g_assert_cmpuint (found, ==, n_planted_new);

  /* A window of two years of history finds the same new anomalies. */
  c->window = 730;
  win = run (c, fx.frame, first_row, NULL, 0);
  g_assert_cmpuint (win->n_scored, ==, n_new);
  for (guint i = 0; i < fx.n; i++)
    if (fx.row[i] >= first_row)
      g_assert_nonnull (find_anomaly (win, fx.row[i]));

  /* Past the end: nothing to score. */
  g_clear_pointer (&win, ax_detection_result_free);
  win = run (c, fx.frame, chicago.n, NULL, 0);
  g_assert_cmpuint (win->n_scored, ==, 0);
  g_assert_cmpuint (win->anomalies->len, ==, 0);
  fixture_clear (&fx);
}

/* Groups */

static void
test_group_by (void)
{
  g_autoptr(AxDetectionConfig) c = config_parse (
    "{ \"anomaly_type\": \"transaction_anomaly\", \"algorithm\": \"seasonal\", \"time_column\": \"date\","
    "  \"group_by\": \"station\", \"monitored_metrics\": [\"ridership\", \"temp\"] }");
  g_autoptr(AxDetectionResult) r = NULL;
  g_autoptr(AxFrame) f = NULL;
  Fixture fx;
  double rec;
  guint in_scaled = 0;

  fixture_init (&fx, 40, 30);
  f = chicago_frame (fx.ridership, fx.temp, chicago.n, 2);
  /* The planted rows are in "clark_lake" (even rows); "scaled" has the
   * same days at ten times the level, untouched but for planted
   * temperatures, which both share. */
  for (guint i = 0; i < fx.n; i++)
    if (fx.metric[i] == 0)
      f->columns[1].reals[fx.row[i] * 2 + 1] = chicago.ridership[fx.row[i]] * 10;
  r = run (c, f, 0, NULL, 0);
  g_assert_cmpuint (r->n_scored, ==, 2 * chicago.n);
  rec = recall (r, &fx, 2, TRUE);
  g_test_message ("group_by: recall %.3f in clark_lake", rec);
  g_assert_cmpfloat (rec, >=, 0.9);

  for (guint i = 0; i < r->anomalies->len; i++)
    {
      const AxAnomaly *a = r->anomalies->pdata[i];
      gboolean scaled = a->row % 2 == 1;

      g_assert_cmpstr (a->group, ==, scaled ? "scaled" : "clark_lake");
      /* Each series has its own baseline: ranges at its own level. */
      if (!scaled && weekday (chicago.day[a->row / 2]) < 5)
        g_assert_cmpfloat (a->expected_high[0], <, 40);
      if (scaled && fx.is_planted[a->row / 2])
        {
          guint k = 0;
          while (fx.row[k] != a->row / 2)
            k++;
          /* Only the shared temperature is anomalous there. */
          g_assert_cmpuint (fx.metric[k], ==, 1);
          in_scaled++;
        }
    }
  g_assert_cmpuint (in_scaled, >, 0);
  fixture_clear (&fx);
}

/* Missing values, cancellation, the other detectors */

static void
test_missing_and_cancel (void)
{
  g_autoptr(AxDetectionConfig) c = config_parse (seasonal_json);
  g_autoptr(AxDetectionResult) r = NULL;
  g_autoptr(GCancellable) cancel = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  Fixture fx;

  fixture_init (&fx, 10, 30);
  for (guint i = 100; i < 110; i++)
    {
      fx.frame->columns[i % 2 ? 1 : 2].missing[i] = 1;
      fx.frame->columns[i % 2 ? 1 : 2].reals[i] = 0;
    }
  fx.frame->columns[0].missing[200] = 1;
  r = run (c, fx.frame, 50, NULL, 0);
  g_assert_cmpuint (r->n_skipped, ==, 11);
  g_assert_cmpuint (r->n_scored, ==, chicago.n - 50 - 11);

  g_cancellable_cancel (cancel);
  g_clear_pointer (&r, ax_detection_result_free);
  r = ax_detection_run (c, fx.frame, 0, NULL, 0, NULL, cancel, &error);
  g_assert_null (r);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  fixture_clear (&fx);
}

static void
test_other_detectors (void)
{
  static const char *const algorithms[] = { "robust_zscore", "isolation_forest" };
  Fixture fx;

  fixture_init (&fx, 40, 30);
  for (guint k = 0; k < G_N_ELEMENTS (algorithms); k++)
    {
      g_autofree char *json = g_strdup_printf (
        "{ \"anomaly_type\": \"operational_anomaly\", \"algorithm\": \"%s\", \"time_column\": \"date\","
        "  \"monitored_metrics\": [\"ridership\", \"temp\"] }", algorithms[k]);
      g_autoptr(AxDetectionConfig) c = config_parse (json);
      g_autoptr(AxDetectionResult) r = run (c, fx.frame, 0, NULL, 0);

      g_test_message ("%s: %u anomalies, low threshold %.3f", algorithms[k],
                      r->anomalies->len, r->thresholds[AX_SEVERITY_LOW]);
      g_assert_cmpuint (r->n_scored, ==, chicago.n);
      g_assert_cmpuint (r->anomalies->len, >, 0);
      for (int s = AX_SEVERITY_MEDIUM; s <= AX_SEVERITY_CRITICAL; s++)
        g_assert_cmpfloat (r->thresholds[s], >, r->thresholds[s - 1]);
    }
  fixture_clear (&fx);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/detect/config/round-trip", test_config_round_trip);
  g_test_add_func ("/engine/detect/config/errors", test_config_errors);
  g_test_add_func ("/engine/detect/seasonal/planted", test_seasonal_planted);
  g_test_add_func ("/engine/detect/seasonal/hourly", test_seasonal_hourly);
  g_test_add_func ("/engine/detect/seasonal/edges", test_seasonal_edges);
  g_test_add_func ("/engine/detect/severity/thresholds", test_severity_thresholds);
  g_test_add_func ("/engine/detect/severity/alert-budget", test_alert_budget);
  g_test_add_func ("/engine/detect/feedback", test_feedback);
  g_test_add_func ("/engine/detect/incremental", test_incremental);
  g_test_add_func ("/engine/detect/group-by", test_group_by);
  g_test_add_func ("/engine/detect/missing-and-cancel", test_missing_and_cancel);
  g_test_add_func ("/engine/detect/other-detectors", test_other_detectors);
  status = g_test_run ();
  g_free (chicago.day);
  g_free (chicago.ridership);
  g_free (chicago.temp);
  return status;
}
