/* ax-model-admin-train.c — training with a live curve, and the held-out sample
 *
 * The evaluation charts (predicted against actual, residuals, ROC) need
 * the held-out rows' predictions, which training computes and does not
 * keep.  After the version is stored, this retraces the engine's split
 * with the same public pieces (the rows it learns from, ax_split_rows()
 * with the same seed), predicts those rows with the fitted model, and
 * keeps the sample only if its metrics on them equal the ones training
 * reported: a retrace that went wrong stores nothing rather than a
 * misleading chart.
 */

#include "ax-config.h"
#include "ax-model-admin.h"
#include "ax-train-private.h"
#include "ax-split.h"

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

/* Copies rows @rows of @src into a new frame with the same columns. */
static AxFrame *
take_rows (const AxFrame *src,
           const guint   *rows,
           guint          n)
{
  g_autofree const char **names = g_new0 (const char *, src->n_columns + 1);
  g_autofree AxColumnType *types = g_new0 (AxColumnType, src->n_columns + 1);
  AxFrame *dst;

  for (guint c = 0; c < src->n_columns; c++)
    {
      names[c] = src->columns[c].name;
      types[c] = src->columns[c].type;
    }
  dst = ax_frame_new (src->n_columns, names, types, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    {
      guint r = rows[i], to = ax_frame_append_row (dst);

      for (guint c = 0; c < src->n_columns; c++)
        {
          const AxColumn *col = &src->columns[c];

          if (col->missing[r])
            continue;
          if (col->strings)
            ax_frame_set_string (dst, c, to, col->strings[r], -1);
          else if (col->reals)
            ax_frame_set_real (dst, c, to, col->reals[r]);
          else
            ax_frame_set_int (dst, c, to, col->ints[r]);
        }
    }
  return dst;
}

/* The target of every row as the engine encodes it: the value, or the
 * index of its class among the report's; NAN where missing. */
static double *
encode_target (const AxColumn      *col,
               guint                n_rows,
               const AxModelReport *report)
{
  double *y = g_new (double, MAX (n_rows, 1));

  for (guint r = 0; r < n_rows; r++)
    {
      char buf[64];
      const char *s;

      y[r] = NAN;
      if (col->missing[r])
        continue;
      if (report->task == AX_TASK_REGRESSION)
        {
          double v = col->reals ? col->reals[r] : (double) col->ints[r];
          y[r] = isfinite (v) ? v : NAN;
          continue;
        }
      s = ax_column_format_value (col, r, buf, sizeof buf);
      for (guint k = 0; s && k < report->n_classes; k++)
        if (g_str_equal (report->class_names[k], s))
          y[r] = k;
    }
  return y;
}

static gboolean
close_enough (double a,
              double b)
{
  if (isnan (a) || isnan (b))
    return isnan (a) && isnan (b);
  return fabs (a - b) <= 1e-6 * (1 + fabs (b));
}

/* Builds the "sample" member (see ax-model-admin.h) for @model trained on
 * @data; NULL when the split cannot be retraced. */
static JsonNode *
held_out_sample (const AxModel *model,
                 const AxFrame *data,
                 GError       **error)
{
  const AxModelConfig *config = ax_model_get_config (model);
  const AxModelReport *report = ax_model_get_report (model);
  int tcol = ax_frame_find_column (data, config->target);
  int time_col = config->time_column ? ax_frame_find_column (data, config->time_column) : -1;
  g_autofree double *y = NULL;
  g_autofree guint *rows = g_new (guint, MAX (data->n_rows, 1));
  g_autofree double *row_y = NULL, *row_time = NULL;
  g_autofree int *inputs = NULL;
  g_autoptr(AxSplit) split = NULL;
  g_autoptr(AxFrame) part = NULL;
  g_autoptr(AxPredictions) p = NULL;
  g_autoptr(AxMetrics) m = NULL;
  g_autofree double *part_y = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  const AxMetrics *reported;
  const guint *part_rows;
  guint n = 0, n_part, n_inputs = ax_model_get_n_inputs (model), step_num;
  gboolean test;
  AxTarget truth;

  if (tcol < 0)
    return NULL;
  y = encode_target (&data->columns[tcol], data->n_rows, report);
  inputs = g_new (int, MAX (n_inputs, 1));
  for (guint i = 0; i < n_inputs; i++)
    inputs[i] = ax_frame_find_column (data, ax_model_get_input_name (model, i));
  for (guint r = 0; r < data->n_rows; r++)
    {
      gboolean complete = !isnan (y[r]) && !(time_col >= 0 && data->columns[time_col].missing[r]);

      for (guint i = 0; complete && config->handle_missing == AX_MISSING_DROP && i < n_inputs; i++)
        if (inputs[i] >= 0 && data->columns[inputs[i]].missing[r])
          complete = FALSE;
      if (complete)
        rows[n++] = r;
    }
  row_y = g_new (double, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    row_y[i] = y[rows[i]];
  if (time_col >= 0)
    {
      const AxColumn *tc = &data->columns[time_col];
      row_time = g_new (double, MAX (n, 1));
      for (guint i = 0; i < n; i++)
        row_time[i] = tc->reals ? tc->reals[rows[i]] : (double) tc->ints[rows[i]];
    }
  split = ax_split_rows (rows, n, report->task == AX_TASK_CLASSIFICATION ? row_y : NULL,
                         report->n_classes, row_time, config->validation_split, config->test_split,
                         config->random_seed, config->target, error);
  if (split == NULL)
    return NULL;
  test = split->n_test > 0 && report->test != NULL;
  part_rows = test ? split->test : split->valid;
  n_part = test ? split->n_test : split->n_valid;
  reported = test ? report->test : report->validation;
  if (n_part == 0 || reported == NULL || n_part != reported->n_rows)
    return NULL;

  part = take_rows (data, part_rows, n_part);
  p = ax_model_predict (model, part, error);
  if (p == NULL)
    return NULL;
  part_y = g_new (double, n_part);
  for (guint i = 0; i < n_part; i++)
    part_y[i] = y[part_rows[i]];
  truth = (AxTarget) { report->task, report->n_classes, part_y, NULL };
  m = ax_metrics_compute (&truth, n_part,
                          report->task == AX_TASK_CLASSIFICATION ? p->probability : p->value);
  if (!close_enough (ax_metrics_score (m), ax_metrics_score (reported)))
    return NULL;

  /* Every k-th row: spread over the whole part (in time order when the
   * split follows time). */
  step_num = (n_part + AX_MODEL_SAMPLE_MAX - 1) / AX_MODEL_SAMPLE_MAX;
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "part");
  json_builder_add_string_value (b, test ? "test" : "validation");
  json_builder_set_member_name (b, "actual");
  json_builder_begin_array (b);
  for (guint i = 0; i < n_part; i += step_num)
    json_builder_add_double_value (b, part_y[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "predicted");
  json_builder_begin_array (b);
  for (guint i = 0; i < n_part; i += step_num)
    json_builder_add_double_value (b, isfinite (p->value[i]) ? p->value[i] : 0);
  json_builder_end_array (b);
  if (report->task == AX_TASK_CLASSIFICATION && p->probability)
    {
      json_builder_set_member_name (b, "probabilities");
      json_builder_begin_array (b);
      for (guint i = 0; i < n_part; i += step_num)
        {
          json_builder_begin_array (b);
          for (guint k = 0; k < p->n_classes; k++)
            json_builder_add_double_value (b, p->probability[(gsize) i * p->n_classes + k]);
          json_builder_end_array (b);
        }
      json_builder_end_array (b);
    }
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* Adds the held-out sample to the version just stored.  Failing to is not
 * a failure of training: the version simply has no sample. */
static void
store_sample (TrainData    *d,
              GCancellable *cancellable)
{
  g_autoptr(AxStore) store = NULL;
  g_autoptr(AxDatasetInfo) info = NULL;
  g_autoptr(AxFrame) data = NULL;
  g_autoptr(JsonNode) sample = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *metrics = NULL;
  JsonNode *root;

  if (d->result.model == NULL || d->result.metrics == NULL)
    return;
  store = ax_store_open (d->project_path, &error);
  if (store)
    data = ax_train_read_dataset (store, d->result.dataset_name, &info, NULL, NULL, NULL, 0,
                                  cancellable, &error);
  if (data)
    sample = held_out_sample (d->result.model, data, &error);
  if (sample == NULL || !json_parser_load_from_data (parser, d->result.metrics, -1, &error))
    {
      if (error)
        g_debug ("No held-out sample for “%s”: %s", d->result.model_name, error->message);
      return;
    }
  root = json_parser_get_root (parser);
  if (!JSON_NODE_HOLDS_OBJECT (root))
    return;
  json_object_set_member (json_node_get_object (root), "sample", g_steal_pointer (&sample));
  metrics = json_to_string (root, FALSE);
  if (ax_store_set_version_metrics (store, d->result.model_id, d->result.version, metrics, &error))
    {
      g_free (d->result.metrics);
      d->result.metrics = g_steal_pointer (&metrics);
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
