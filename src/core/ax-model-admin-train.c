/* ax-model-admin-train.c — training with a live curve, and the held-out sample
 *
 * The evaluation charts (predicted against actual, residuals, ROC) need
 * the held-out rows' predictions.  Training keeps them with the model it
 * returns (ax_model_get_held_out()); after the version is stored, a
 * sample of them is added to its metrics.  Nothing is read or predicted
 * again.
 *
 * A forecast model's counterpart is its test period: the final horizon of
 * its series forecast from the periods before it alone, with ranges,
 * computed as it trains (ax-forecast-model.c calls it).
 */

#include "ax-config.h"
#include "ax-model-admin.h"
#include "ax-train-private.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

typedef struct {
  char          *project_path;
  char          *config_json;
  AxTrainResult  result;
  GMutex         lock;
  GArray        *curve;        /* AxCurvePoint, under lock */
} TrainData;

static void
train_data_free (gpointer p)
{
  TrainData *d = p;

  g_free (d->project_path);
  g_free (d->config_json);
  ax_train_result_clear (&d->result);
  g_mutex_clear (&d->lock);
  g_array_unref (d->curve);
  g_free (d);
}

static void
on_step (guint    step,
         guint    n_steps,
         double   score,
         gpointer data)
{
  TrainData *d = data;
  AxCurvePoint p = { step, score };

  g_mutex_lock (&d->lock);
  g_array_append_val (d->curve, p);
  g_mutex_unlock (&d->lock);
}

/* The "sample" member (see ax-model-admin.h) of @model, just trained:
 * every k-th of the held-out rows it was scored on, spread over the whole
 * part (in time order when the split follows time).  NULL for a model
 * that was not just trained. */
static JsonNode *
held_out_sample (const AxModel *model)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  const AxModelReport *report = ax_model_get_report (model);
  const double *actual, *predicted, *probability;
  gboolean test;
  guint n, step;

  if (!ax_model_get_held_out (model, &test, &n, &actual, &predicted, &probability) || n == 0)
    return NULL;
  step = (n + AX_MODEL_SAMPLE_MAX - 1) / AX_MODEL_SAMPLE_MAX;
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "part");
  json_builder_add_string_value (b, test ? "test" : "validation");
  json_builder_set_member_name (b, "actual");
  json_builder_begin_array (b);
  for (guint i = 0; i < n; i += step)
    json_builder_add_double_value (b, actual[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "predicted");
  json_builder_begin_array (b);
  for (guint i = 0; i < n; i += step)
    json_builder_add_double_value (b, isfinite (predicted[i]) ? predicted[i] : 0);
  json_builder_end_array (b);
  if (probability != NULL)
    {
      json_builder_set_member_name (b, "probabilities");
      json_builder_begin_array (b);
      for (guint i = 0; i < n; i += step)
        {
          json_builder_begin_array (b);
          for (guint k = 0; k < report->n_classes; k++)
            json_builder_add_double_value (b, probability[(gsize) i * report->n_classes + k]);
          json_builder_end_array (b);
        }
      json_builder_end_array (b);
    }
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

gboolean
ax_model_admin_store_sample (const char           *project_path,
                             const AxTrainResult  *result,
                             GCancellable         *cancellable,
                             char                **metrics,
                             GError              **error)
{
  g_autoptr(AxStore) store = NULL;
  g_autoptr(JsonNode) sample = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *text = NULL;
  JsonNode *root;

  /* A forecast model keeps its test period from training instead. */
  if (result->forecast != NULL)
    return TRUE;
  g_return_val_if_fail (result->model != NULL && result->metrics != NULL, FALSE);
  if (!json_parser_load_from_data (parser, result->metrics, -1, error))
    return FALSE;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The metrics of version %u of “%s” are not a JSON object"),
                   result->version, result->model_name);
      return FALSE;
    }
  sample = held_out_sample (result->model);
  if (sample == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("Version %u of “%s” has no held-out rows to keep: only a model just trained has"),
                   result->version, result->model_name);
      return FALSE;
    }
  store = ax_store_open (project_path, error);
  if (store == NULL)
    return FALSE;
  json_object_set_member (json_node_get_object (root), "sample", g_steal_pointer (&sample));
  text = json_to_string (root, FALSE);
  if (!ax_store_set_version_metrics (store, result->model_id, result->version, text, error))
    return FALSE;
  if (metrics)
    *metrics = g_steal_pointer (&text);
  return TRUE;
}

/* Adds the held-out sample to the version just stored.  Failing to is not
 * a failure of training: the version simply has no sample. */
static void
store_sample (TrainData    *d,
              GCancellable *cancellable)
{
  g_autoptr(GError) error = NULL;
  char *metrics = NULL;

  if (d->result.forecast != NULL || d->result.model == NULL || d->result.metrics == NULL)
    return;
  if (ax_model_admin_store_sample (d->project_path, &d->result, cancellable, &metrics, &error))
    {
      g_free (d->result.metrics);
      d->result.metrics = metrics;
    }
  else
    g_debug ("No held-out sample for “%s”: %s", d->result.model_name, error->message);
}

static gboolean
run_train (AxJob         *job,
           gpointer       data,
           GCancellable  *cancellable,
           GError       **error)
{
  TrainData *d = data;
  AxTrainMonitor monitor = {
    .progress = ax_job_progress, .progress_data = job,
    .step = on_step, .step_data = d,
  };

  if (!ax_train_model (d->project_path, d->config_json, &monitor, cancellable, &d->result, error))
    return FALSE;
  store_sample (d, cancellable);
  return TRUE;
}

AxJob *
ax_model_admin_train_job_new (const char *project_path,
                              const char *config_json)
{
  TrainData *d = g_new0 (TrainData, 1);
  g_autoptr(JsonParser) parser = json_parser_new ();
  const char *name = NULL;
  g_autofree char *title = NULL;

  d->project_path = g_strdup (project_path);
  d->config_json = g_strdup (config_json);
  g_mutex_init (&d->lock);
  d->curve = g_array_new (FALSE, FALSE, sizeof (AxCurvePoint));
  if (json_parser_load_from_data (parser, config_json, -1, NULL) &&
      JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    name = json_object_get_string_member_with_default (json_node_get_object (json_parser_get_root (parser)),
                                                       "model_name", NULL);
  title = name ? g_strdup_printf (_("Training “%s”"), name) : g_strdup (_("Training a model"));
  return ax_job_new (title, run_train, d, train_data_free);
}

AxTrainResult *
ax_model_admin_train_job_get_result (AxJob *job)
{
  return &((TrainData *) ax_job_get_data (job))->result;
}

guint
ax_model_admin_train_job_get_curve (AxJob  *job,
                                    guint   from,
                                    GArray *out)
{
  TrainData *d = ax_job_get_data (job);
  guint n;

  g_mutex_lock (&d->lock);
  n = d->curve->len;
  if (out && from < n)
    g_array_append_vals (out, &g_array_index (d->curve, AxCurvePoint, from), n - from);
  g_mutex_unlock (&d->lock);
  return n;
}

/* Forecast models: the test period */

static void
add_number_or_null (JsonBuilder *b,
                    double       v)
{
  if (isfinite (v))
    json_builder_add_double_value (b, v);
  else
    json_builder_add_null_value (b);
}

static void
add_numbers (JsonBuilder  *b,
             const char   *name,
             const double *v,
             guint         from,
             guint         to,
             guint         step)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_array (b);
  for (guint i = from; i < to; i += step)
    add_number_or_null (b, v[i]);
  json_builder_end_array (b);
}

static void
add_times (JsonBuilder            *b,
           const char             *name,
           const AxForecastResult *result,
           const double           *time,
           guint                   from,
           guint                   to,
           guint                   step)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_array (b);
  for (guint i = from; i < to; i += step)
    {
      g_autofree char *text = ax_forecast_format_time (result, time[i]);
      json_builder_add_string_value (b, text ? text : "");
    }
  json_builder_end_array (b);
}

/* Appends the test period of @fi to @b (an array); FALSE when it has none
 * (a debug message says why), or with @error when cancelled. */
static gboolean
add_test_series (JsonBuilder             *b,
                 const AxForecastResult  *result,
                 const AxForecastItem    *fi,
                 const AxForecastOptions *options,
                 const AxTrainMonitor    *monitor,
                 GCancellable            *cancellable,
                 GError                 **error)
{
  static const double levels[] = { 80, 95 };
  const AxForecastReport *r = ax_forecast_get_report (fi->forecaster);
  const AxTimeSeries *s = ax_forecast_get_series (fi->forecaster);
  g_autoptr(AxTimeSeries) past = NULL;
  g_autoptr(AxForecaster) fc = NULL;
  g_autoptr(AxForecastPrediction) p = NULL;
  g_autoptr(GError) local = NULL;
  AxForecastOptions o = *options;
  guint h = r->horizon, origin, history, step;
  g_autofree char *origin_text = NULL;

  /* The engine's last origin is n - h, and only a backtested series has
   * one: the refit stands where that origin's forecasts did. */
  if (r->backtest_origins == 0 || h == 0 || s->n <= h || s->n_drivers > 0)
    return FALSE;
  origin = s->n - h;
  past = ax_series_copy (s);
  past->n = origin;
  past->n_missing = 0;
  for (guint i = 0; i < origin; i++)
    past->n_missing += isnan (past->y[i]) ? 1 : 0;

  /* The model chosen on the whole series, its form kept; its ranges are
   * calibrated on its own backtest, which ends where the test begins. */
  o.method = r->method;
  if (r->method == AX_FORECAST_ETS && r->ets[0] != '\0')
    o.ets_model = r->ets;
  o.horizon = h;
  o.n_levels = G_N_ELEMENTS (levels);
  memcpy (o.levels, levels, sizeof levels);
  fc = ax_forecast_fit (past, &o, monitor, cancellable, &local);
  if (fc != NULL)
    p = ax_forecast_predict (fc, h, levels, G_N_ELEMENTS (levels), NULL, &local);
  if (p == NULL)
    {
      if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
      g_debug ("No test period for “%s”: %s", fi->item ? fi->item : s->name, local->message);
      return FALSE;
    }

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "item");
  if (fi->item)
    json_builder_add_string_value (b, fi->item);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "model");
  json_builder_add_string_value (b, ax_forecast_get_report (fc)->name);
  origin_text = ax_forecast_format_time (result, s->time[origin]);
  json_builder_set_member_name (b, "origin");
  json_builder_add_string_value (b, origin_text ? origin_text : "");
  step = (h + AX_FORECAST_TEST_MAX - 1) / AX_FORECAST_TEST_MAX;
  add_times (b, "time", result, s->time, origin, s->n, step);
  add_numbers (b, "actual", s->y, origin, s->n, step);
  add_numbers (b, "forecast", p->mean, 0, h, step);
  add_numbers (b, "lower_80", p->lower, 0, h, step);
  add_numbers (b, "upper_80", p->upper, 0, h, step);
  add_numbers (b, "lower_95", p->lower + h, 0, h, step);
  add_numbers (b, "upper_95", p->upper + h, 0, h, step);
  /* Enough of the past to see the test period against: four horizons
   * and at least two seasons and 36 periods. */
  history = MAX (MAX (4 * h, 36), 2 * (r->period ? r->period : (s->n_periods ? s->periods[0] : 0)));
  history = MIN (history, origin);
  step = (history + AX_FORECAST_TEST_MAX - 1) / AX_FORECAST_TEST_MAX;
  /* Every step-th period, ending on the last before the origin. */
  add_times (b, "history_time", result, s->time, origin - history + (history - 1) % step, origin, step);
  add_numbers (b, "history", s->y, origin - history + (history - 1) % step, origin, step);
  json_builder_end_object (b);
  return TRUE;
}

JsonNode *
ax_model_admin_forecast_test_period (const AxForecastResult  *result,
                                     const AxForecastOptions *options,
                                     const AxTrainMonitor    *monitor,
                                     GCancellable            *cancellable,
                                     GError                 **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  AxTrainMonitor m = { 0 };
  AxProgressStage stage = { 0 };
  guint n = MIN (result->items->len, AX_FORECAST_TEST_SERIES), n_series = 0;

  if (monitor)
    {
      m.n_threads = monitor->n_threads;
      m.seed = monitor->seed;
      stage.func = monitor->progress;
      stage.data = monitor->progress_data;
    }
  m.progress = ax_progress_stage_report;
  m.progress_data = &stage;
  stage.span = n ? 1.0 / n : 1;
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "levels");
  json_builder_begin_array (b);
  json_builder_add_int_value (b, 80);
  json_builder_add_int_value (b, 95);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "series");
  json_builder_begin_array (b);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GError) local = NULL;

      stage.base = stage.span * i;
      if (add_test_series (b, result, result->items->pdata[i], options, &m, cancellable, &local))
        n_series++;
      else if (local)
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return NULL;
        }
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  ax_progress_report (stage.func, stage.data, 1, NULL);
  return n_series ? json_builder_get_root (b) : NULL;
}

/* ROC */

typedef struct {
  double   score;
  gboolean positive;
} Scored;

static int
cmp_scored (const void *a,
            const void *b)
{
  double x = ((const Scored *) a)->score, y = ((const Scored *) b)->score;

  return x > y ? -1 : x < y ? 1 : 0;
}

gsize
ax_model_admin_roc (const gboolean *positive,
                    const double   *score,
                    gsize           n,
                    double        **fpr,
                    double        **tpr)
{
  g_autofree Scored *s = g_new (Scored, MAX (n, 1));
  gsize n_pos = 0, n_neg, tp = 0, fp = 0, k = 0;

  for (gsize i = 0; i < n; i++)
    {
      s[i].score = score[i];
      s[i].positive = positive[i];
      n_pos += positive[i] ? 1 : 0;
    }
  n_neg = n - n_pos;
  qsort (s, n, sizeof (Scored), cmp_scored);
  *fpr = g_new (double, n + 2);
  *tpr = g_new (double, n + 2);
  (*fpr)[k] = 0;
  (*tpr)[k] = 0;
  k++;
  for (gsize i = 0; i < n; i++)
    {
      if (s[i].positive)
        tp++;
      else
        fp++;
      /* One point per distinct score: ties move diagonally together. */
      if (i + 1 < n && s[i + 1].score == s[i].score)
        continue;
      (*fpr)[k] = n_neg ? (double) fp / (double) n_neg : 0;
      (*tpr)[k] = n_pos ? (double) tp / (double) n_pos : 0;
      k++;
    }
  return k;
}
