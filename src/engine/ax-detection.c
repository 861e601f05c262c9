/* ax-detection.c — a detection run: series, fitting, scores, severities, anomalies
 *
 * A run reads the monitored metrics (and the time and group) from the
 * frame, splits the rows into one series per group, fits the detector on
 * each series' window of history and scores the rows from first_row on.
 * Rows with a missing metric, time or group are skipped and counted.
 *
 * A score at or above a threshold takes its level.  An alert budget (or
 * a detector's contamination) sets the thresholds on a replay of the
 * history instead, and feedback damps the scores before the levels are
 * read (both in ax-feedback.c); a row it takes below "low" is suppressed.
 */

#include "ax-config.h"
#include "ax-detect-private.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  char   *group;               /* NULL without group_by */
  GArray *rows;                /* guint dataset rows, in time order */
} Series;

static void
series_free (gpointer data)
{
  Series *s = data;

  g_free (s->group);
  g_array_unref (s->rows);
  g_free (s);
}

typedef struct {
  const AxDetectionConfig *config;
  const AxFrame           *data;
  const AxDetector        *detector;
  guint                    n_metrics;
  int                     *metric_col;
  int                      time_col;
  int                      group_col;
  guint                    first_row;
  guint                    n_scored_span;   /* rows from first_row on */
  double                   contamination;   /* > 0: the default alert budget, a share of rows */

  double                  *values;          /* n_rows x n_metrics */
  double                  *times;           /* n_rows, days; NAN without a time column */
  GPtrArray               *series;          /* Series* */
  Series                 **series_of;       /* n_rows: the series of a valid row, or NULL */
  guint                   *pos_of;          /* n_rows: its position in the series */

  /* Per row from first_row on ([row - first_row]); raw is NAN if not scored. */
  double                  *raw;
  double                  *expected_low;    /* x n_metrics */
  double                  *expected_high;
  double                  *contribution;
  double                  *direction;

  GArray                  *replay_scores;   /* raw scores of every fitted row */
  GArray                  *replay_times;
} Run;

static void
run_clear (Run *run)
{
  g_free (run->metric_col);
  g_free (run->values);
  g_free (run->times);
  g_clear_pointer (&run->series, g_ptr_array_unref);
  g_free (run->series_of);
  g_free (run->pos_of);
  g_free (run->raw);
  g_free (run->expected_low);
  g_free (run->expected_high);
  g_free (run->contribution);
  g_free (run->direction);
  g_clear_pointer (&run->replay_scores, g_array_unref);
  g_clear_pointer (&run->replay_times, g_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

/* Robust statistics, shared with the detectors (ax-detect-private.h) */

double
ax_detect_select (double *v,
                  gsize   n,
                  gsize   k)
{
  gssize lo = 0, hi = (gssize) n - 1, kk = (gssize) k;

  g_return_val_if_fail (k < n, NAN);
  while (lo < hi)
    {
      double pivot = v[lo + (hi - lo) / 2];
      gssize i = lo, j = hi;

      while (i <= j)
        {
          while (v[i] < pivot)
            i++;
          while (v[j] > pivot)
            j--;
          if (i <= j)
            {
              double tmp = v[i];
              v[i++] = v[j];
              v[j--] = tmp;
            }
        }
      if (kk <= j)
        hi = j;
      else if (kk >= i)
        lo = i;
      else
        break;
    }
  return v[k];
}

double
ax_detect_median (double *v,
                  gsize   n)
{
  double upper, lower;

  if (n == 0)
    return NAN;
  upper = ax_detect_select (v, n, n / 2);
  if (n % 2)
    return upper;
  /* After selection everything left of n/2 is at most v[n/2]. */
  lower = v[0];
  for (gsize i = 1; i < n / 2; i++)
    lower = MAX (lower, v[i]);
  return (lower + upper) / 2;
}

/* Columns and values */

static double
cell_number (const AxColumn *col,
             guint           row)
{
  if (col->missing[row])
    return NAN;
  return col->type == AX_COLUMN_REAL ? col->reals[row] : (double) col->ints[row];
}

/* The group key of @row as text; NULL when missing. */
static char *
cell_text (const AxColumn *col,
           guint           row)
{
  char buf[64];
  const char *text;

  if (col->missing[row])
    return NULL;
  text = ax_column_format_value (col, row, buf, sizeof buf);
  return g_strdup (text ? text : "");
}

static gboolean
resolve_columns (Run     *run,
                 GError **error)
{
  const AxDetectionConfig *c = run->config;
  const AxFrame *data = run->data;

  run->metric_col = g_new (int, run->n_metrics);
  for (guint m = 0; m < run->n_metrics; m++)
    {
      int col = ax_frame_find_column (data, c->monitored_metrics[m]);
      AxColumnType type;

      if (col < 0)
        {
          g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                       _("monitored_metrics: “%s” is not a column of the dataset"),
                       c->monitored_metrics[m]);
          return FALSE;
        }
      type = data->columns[col].type;
      if (type != AX_COLUMN_INTEGER && type != AX_COLUMN_REAL && type != AX_COLUMN_BOOLEAN)
        {
          g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                       _("monitored_metrics: “%s” holds %s values; a metric must be a number"),
                       c->monitored_metrics[m], ax_column_type_to_string (type));
          return FALSE;
        }
      run->metric_col[m] = col;
    }

  run->time_col = -1;
  if (c->time_column)
    {
      run->time_col = ax_frame_find_column (data, c->time_column);
      if (run->time_col < 0)
        {
          g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                       _("time_column: “%s” is not a column of the dataset"), c->time_column);
          return FALSE;
        }
      if (data->columns[run->time_col].type != AX_COLUMN_DATE &&
          data->columns[run->time_col].type != AX_COLUMN_DATETIME)
        {
          g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                       _("time_column: “%s” holds %s values; choose a date or date-time column"),
                       c->time_column, ax_column_type_to_string (data->columns[run->time_col].type));
          return FALSE;
        }
    }
  else if (run->detector->needs_time)
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                   _("time_column: the %s detector needs the time of each row; "
                     "name a date or date-time column"), run->detector->name);
      return FALSE;
    }

  run->group_col = -1;
  if (c->group_by && (run->group_col = ax_frame_find_column (data, c->group_by)) < 0)
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                   _("group_by: “%s” is not a column of the dataset"), c->group_by);
      return FALSE;
    }
  return TRUE;
}

static int
series_row_cmp (gconstpointer a,
                gconstpointer b,
                gpointer      data)
{
  const double *times = data;
  guint ra = *(const guint *) a, rb = *(const guint *) b;

  if (times[ra] != times[rb])
    return times[ra] < times[rb] ? -1 : 1;
  return (ra > rb) - (ra < rb);
}

/* Reads the values, drops rows with a missing metric, time or group and
 * splits the others into series.  Returns the rows skipped from
 * first_row on. */
static guint64
build_series (Run *run)
{
  const AxFrame *data = run->data;
  guint n = data->n_rows, M = run->n_metrics;
  g_autoptr(GHashTable) by_group = g_hash_table_new (g_str_hash, g_str_equal);
  Series *ungrouped = NULL;
  guint64 skipped = 0;

  run->values = g_new (double, (gsize) n * M + 1);
  run->times = g_new (double, n + 1);
  run->series = g_ptr_array_new_with_free_func (series_free);
  run->series_of = g_new0 (Series *, n + 1);
  run->pos_of = g_new0 (guint, n + 1);

  for (guint i = 0; i < n; i++)
    {
      gboolean ok = TRUE;
      g_autofree char *group = NULL;
      Series *s;

      for (guint m = 0; m < M; m++)
        {
          double v = cell_number (&data->columns[run->metric_col[m]], i);
          run->values[(gsize) i * M + m] = v;
          ok = ok && isfinite (v);
        }
      run->times[i] = NAN;
      if (run->time_col >= 0)
        {
          const AxColumn *tc = &data->columns[run->time_col];
          if (!tc->missing[i])
            run->times[i] = tc->type == AX_COLUMN_DATETIME ? tc->ints[i] / 86400.0 : (double) tc->ints[i];
          ok = ok && isfinite (run->times[i]);
        }
      if (run->group_col >= 0)
        {
          group = cell_text (&data->columns[run->group_col], i);
          ok = ok && group != NULL;
        }
      if (!ok)
        {
          skipped += i >= run->first_row;
          continue;
        }

      s = group ? g_hash_table_lookup (by_group, group) : ungrouped;
      if (s == NULL)
        {
          s = g_new0 (Series, 1);
          s->group = g_steal_pointer (&group);
          s->rows = g_array_new (FALSE, FALSE, sizeof (guint));
          g_ptr_array_add (run->series, s);
          if (s->group)
            g_hash_table_insert (by_group, s->group, s);
          else
            ungrouped = s;
        }
      g_array_append_val (s->rows, i);
      run->series_of[i] = s;
    }

  for (guint g = 0; g < run->series->len; g++)
    {
      Series *s = run->series->pdata[g];

      if (run->time_col >= 0)
        g_array_sort_with_data (s->rows, series_row_cmp, run->times);
      for (guint p = 0; p < s->rows->len; p++)
        run->pos_of[g_array_index (s->rows, guint, p)] = p;
    }
  return skipped;
}

/* Fitting and scoring */

/* Whether series @s has rows to score. */
static gboolean
series_scored (const Run    *run,
               const Series *s)
{
  for (guint p = s->rows->len; p > 0; p--)
    if (g_array_index (s->rows, guint, p - 1) >= run->first_row)
      return TRUE;
  return FALSE;
}

/* A matrix and times of the series rows at positions @pos. */
static AxMatrix *
series_matrix (Run          *run,
               const Series *s,
               const guint  *pos,
               guint         n,
               double       *times)
{
  AxMatrix *x = ax_matrix_new (n, run->n_metrics);

  for (guint m = 0; m < run->n_metrics; m++)
    x->names[m] = g_strdup (run->config->monitored_metrics[m]);
  for (guint i = 0; i < n; i++)
    {
      guint row = g_array_index (s->rows, guint, pos[i]);
      for (guint m = 0; m < run->n_metrics; m++)
        x->x[(gsize) m * n + i] = (float) run->values[(gsize) row * run->n_metrics + m];
      times[i] = run->times[row];
    }
  return x;
}

/* Fits the detector on the window of series @s and scores its fitted rows
 * (into the replay) and its rows from first_row on. */
static gboolean
fit_and_score (Run                  *run,
               const Series         *s,
               gboolean              replay,
               const AxTrainMonitor *monitor,
               GCancellable         *cancellable,
               GError              **error)
{
  const AxDetector *det = run->detector;
  guint len = s->rows->len, window = run->config->window, M = run->n_metrics;
  guint fit_from = window > 0 && len > window ? len - window : 0;
  g_autofree guint *pos = g_new (guint, len);
  g_autofree double *times = g_new (double, len);
  g_autoptr(AxMatrix) x = NULL;
  g_autoptr(AxScores) scores = NULL;
  AxDetectorState *state;
  AxSeries series;
  guint n = 0;

  for (guint p = fit_from; p < len; p++)
    pos[n++] = p;
  x = series_matrix (run, s, pos, n, times);
  series = (AxSeries) { x, run->time_col >= 0 ? times : NULL };
  state = det->fit (&series, run->config->detection_config, monitor, cancellable, error);
  if (state == NULL)
    return FALSE;

  /* Score the fitted rows (for the replay) and the rows to score, once. */
  n = 0;
  for (guint p = 0; p < len; p++)
    if ((replay && p >= fit_from) || g_array_index (s->rows, guint, p) >= run->first_row)
      pos[n++] = p;
  g_clear_pointer (&x, ax_matrix_free);
  x = series_matrix (run, s, pos, n, times);
  series = (AxSeries) { x, run->time_col >= 0 ? times : NULL };
  if (monitor != NULL)
    {
      g_autofree char *detail =
        g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Scoring %'u row", "Scoring %'u rows", n), n);
      ax_progress_report (monitor->progress, monitor->progress_data, 1, detail);
    }
  scores = det->score (state, &series, cancellable, error);
  det->free (state);
  if (scores == NULL)
    return FALSE;

  for (guint i = 0; i < n; i++)
    {
      guint row = g_array_index (s->rows, guint, pos[i]);
      double score = CLAMP (scores->score[i], 0, 1);

      if (pos[i] >= fit_from && replay)
        {
          g_array_append_val (run->replay_scores, score);
          g_array_append_val (run->replay_times, times[i]);
        }
      if (row >= run->first_row)
        {
          gsize at = row - run->first_row;
          run->raw[at] = score;
          memcpy (run->expected_low + at * M, scores->expected_low + ax_scores_range_at (scores, i, 0),
                  M * sizeof (double));
          memcpy (run->expected_high + at * M, scores->expected_high + ax_scores_range_at (scores, i, 0),
                  M * sizeof (double));
          memcpy (run->contribution + at * M, scores->contribution + (gsize) i * M, M * sizeof (double));
          memcpy (run->direction + at * M, scores->direction + (gsize) i * M, M * sizeof (double));
        }
    }
  return TRUE;
}

/* Anomalies */

static void
add_time (JsonBuilder *b,
          const char  *key,
          const Run   *run,
          guint        row)
{
  const AxColumn *tc;
  char buf[64];

  if (run->time_col < 0)
    return;
  tc = &run->data->columns[run->time_col];
  if (tc->type == AX_COLUMN_DATETIME)
    ax_format_datetime (tc->ints[row], buf, sizeof buf);
  else
    ax_format_date (tc->ints[row], buf, sizeof buf);
  json_builder_set_member_name (b, key);
  json_builder_add_string_value (b, buf);
}

/* The context of @row: its group and the neighbouring rows of its series
 * with their metric values. */
static char *
anomaly_context (const Run *run,
                 guint      row)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  const Series *s = run->series_of[row];
  guint p = run->pos_of[row];
  gint64 nb[2] = {
    p > 0 ? (gint64) g_array_index (s->rows, guint, p - 1) : -1,
    p + 1 < s->rows->len ? (gint64) g_array_index (s->rows, guint, p + 1) : -1,
  };
  static const char *const side[2] = { "previous", "next" };

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "group");
  if (s->group)
    json_builder_add_string_value (b, s->group);
  else
    json_builder_add_null_value (b);
  add_time (b, "time", run, row);
  for (guint k = 0; k < 2; k++)
    {
      json_builder_set_member_name (b, side[k]);
      if (nb[k] < 0)
        {
          json_builder_add_null_value (b);
          continue;
        }
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "row");
      json_builder_add_int_value (b, nb[k]);
      add_time (b, "time", run, (guint) nb[k]);
      json_builder_set_member_name (b, "values");
      json_builder_begin_object (b);
      for (guint m = 0; m < run->n_metrics; m++)
        {
          double v = run->values[(gsize) nb[k] * run->n_metrics + m];

          /* A missing value is null: JSON has no NaN. */
          json_builder_set_member_name (b, run->config->monitored_metrics[m]);
          if (isfinite (v))
            json_builder_add_double_value (b, v);
          else
            json_builder_add_null_value (b);
        }
      json_builder_end_object (b);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  return json_generator_to_data (gen, NULL);
}

static AxAnomaly *
anomaly_new (const Run  *run,
             guint       row,
             double      score,
             AxSeverity  severity)
{
  AxAnomaly *a = g_new0 (AxAnomaly, 1);
  guint M = run->n_metrics;
  gsize at = (gsize) (row - run->first_row) * M;
  const double *share = run->contribution + at;

  a->row = row;
  a->time = run->times[row];
  a->group = g_strdup (run->series_of[row]->group);
  a->score = score;
  a->raw_score = run->raw[row - run->first_row];
  a->severity = severity;
  a->actual = g_memdup2 (run->values + (gsize) row * M, M * sizeof (double));
  a->expected_low = g_memdup2 (run->expected_low + at, M * sizeof (double));
  a->expected_high = g_memdup2 (run->expected_high + at, M * sizeof (double));
  a->cause_metric = g_new (guint, M);
  a->cause_share = g_new (double, M);
  a->cause_direction = g_new (double, M);

  /* Metrics by contribution, most first (insertion sort: M is small). */
  for (guint m = 0; m < M; m++)
    {
      guint j = m;
      for (; j > 0 && share[a->cause_metric[j - 1]] < share[m]; j--)
        a->cause_metric[j] = a->cause_metric[j - 1];
      a->cause_metric[j] = m;
    }
  for (guint j = 0; j < M; j++)
    {
      guint m = a->cause_metric[j];
      double dir = run->direction[at + m];
      double mid = (a->expected_low[m] + a->expected_high[m]) / 2;

      /* Inside the range, the side of the middle it lies on. */
      if (dir == 0 && isfinite (mid))
        dir = (a->actual[m] > mid) - (a->actual[m] < mid);
      a->cause_share[j] = share[m];
      a->cause_direction[j] = dir;
    }
  a->context = anomaly_context (run, row);
  return a;
}

static int
anomaly_cmp (gconstpointer pa,
             gconstpointer pb)
{
  const AxAnomaly *a = *(AxAnomaly *const *) pa, *b = *(AxAnomaly *const *) pb;

  if (a->severity != b->severity)
    return a->severity > b->severity ? -1 : 1;
  if (a->score != b->score)
    return a->score > b->score ? -1 : 1;
  return (a->row > b->row) - (a->row < b->row);
}

void
ax_anomaly_free (AxAnomaly *a)
{
  if (a == NULL)
    return;
  g_free (a->group);
  g_free (a->actual);
  g_free (a->expected_low);
  g_free (a->expected_high);
  g_free (a->cause_metric);
  g_free (a->cause_share);
  g_free (a->cause_direction);
  g_free (a->context);
  g_free (a);
}

void
ax_detection_result_free (AxDetectionResult *r)
{
  if (r == NULL)
    return;
  g_free (r->scores);
  g_free (r->scored_rows);
  g_free (r->scored_severity);
  g_clear_pointer (&r->anomalies, g_ptr_array_unref);
  g_free (r);
}

/* The run */

/* K, the alerts the replayed history is to raise: the budget per period
 * times the periods its time spans, or contamination times its rows;
 * at least 1. */
static guint
replay_alerts (const Run *run)
{
  const AxThresholdConfig *tc = &run->config->threshold_config;
  double first = G_MAXDOUBLE, last = -G_MAXDOUBLE, per, periods, k;
  guint n = run->replay_scores->len;

  for (guint i = 0; i < n; i++)
    {
      first = MIN (first, g_array_index (run->replay_times, double, i));
      last = MAX (last, g_array_index (run->replay_times, double, i));
    }
  per = g_strcmp0 (tc->budget_per, "day") == 0 ? 1
        : g_strcmp0 (tc->budget_per, "week") == 0 ? 7 : 30.436875;
  periods = last > first ? (last - first) / per : 1;
  k = floor ((tc->budget_alerts > 0 ? tc->budget_alerts * periods : run->contamination * n) + 0.5);
  return (guint) CLAMP (k, 1, MAX (n, 1));
}

static gboolean
detector_has_param (const AxDetector *det,
                    const char       *name)
{
  for (const AxParamSpec *s = det->params; s && s->name; s++)
    if (strcmp (s->name, name) == 0)
      return TRUE;
  return FALSE;
}

/* NULL, with @error set, when @cancellable is cancelled meanwhile. */
static AxDetectionResult *
collect (Run              *run,
         const double     *thresholds,
         const AxFeedback *feedback,
         guint             n_feedback,
         GCancellable     *cancellable,
         GError          **error)
{
  AxDetectionResult *r = g_new0 (AxDetectionResult, 1);
  guint M = run->n_metrics;
  g_autofree double *expected = g_new (double, M);

  r->n_metrics = M;
  r->metrics = run->config->monitored_metrics;
  memcpy (r->thresholds, thresholds, sizeof r->thresholds);
  r->anomalies = g_ptr_array_new_with_free_func ((GDestroyNotify) ax_anomaly_free);
  r->scores = g_new (double, run->n_scored_span + 1);
  r->scored_rows = g_new (gint64, run->n_scored_span + 1);
  r->scored_severity = g_new (AxSeverity, run->n_scored_span + 1);

  for (guint at = 0; at < run->n_scored_span; at++)
    {
      guint row = run->first_row + at;
      double raw = run->raw[at], score;
      AxSeverity severity;

      if (at % AX_DETECT_CANCEL_ROWS == 0 && g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          ax_detection_result_free (r);
          return NULL;
        }
      if (isnan (raw))
        continue;
      for (guint m = 0; m < M; m++)
        expected[m] = (run->expected_low[(gsize) at * M + m] + run->expected_high[(gsize) at * M + m]) / 2;
      score = raw * ax_feedback_damping (feedback, n_feedback, run->series_of[row]->group,
                                         run->values + (gsize) row * M, expected, M);
      severity = ax_severity_for_score (thresholds, score);
      if (raw >= thresholds[AX_SEVERITY_LOW] && severity == AX_SEVERITY_NONE)
        r->n_suppressed++;
      r->scores[r->n_scored] = score;
      r->scored_rows[r->n_scored] = row;
      r->scored_severity[r->n_scored] = severity;
      r->n_scored++;
      if (severity != AX_SEVERITY_NONE)
        g_ptr_array_add (r->anomalies, anomaly_new (run, row, score, severity));
    }
  g_ptr_array_sort (r->anomalies, anomaly_cmp);
  return r;
}

AxDetectionResult *
ax_detection_run (const AxDetectionConfig *config,
                  const AxFrame           *data,
                  gint64                   first_row,
                  const AxFeedback        *feedback,
                  guint                    n_feedback,
                  const AxTrainMonitor    *monitor,
                  GCancellable            *cancellable,
                  GError                 **error)
{
  g_auto(Run) run = { 0 };
  AxTrainMonitor sub = { 0 };
  AxProgressStage scope = { 0 };
  double thresholds[5];
  gboolean replay;
  guint64 skipped;
  guint n_fit = 0, n_done = 0, budget = 0;
  AxDetectionResult *result;
  gsize span;

  g_return_val_if_fail (config != NULL && data != NULL, NULL);
  g_return_val_if_fail (config->monitored_metrics && config->monitored_metrics[0], NULL);
  g_return_val_if_fail (feedback != NULL || n_feedback == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  run.config = config;
  run.data = data;
  run.n_metrics = g_strv_length (config->monitored_metrics);
  run.first_row = (guint) CLAMP (first_row, 0, (gint64) data->n_rows);
  run.n_scored_span = data->n_rows - run.first_row;
  run.detector = ax_detector_find (config->algorithm);
  if (run.detector == NULL)
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                   _("algorithm: “%s” is not a detector"), config->algorithm);
      return NULL;
    }
  if (!resolve_columns (&run, error))
    return NULL;
  if (config->threshold_config.budget_alerts == 0 && config->detection_config != NULL &&
      detector_has_param (run.detector, "contamination"))
    {
      double c = ax_params_get_number (config->detection_config, "contamination");
      run.contamination = isfinite (c) ? CLAMP (c, 0, 1) : 0;
    }
  replay = config->threshold_config.budget_alerts > 0 || run.contamination > 0;

  skipped = build_series (&run);
  span = (gsize) run.n_scored_span * run.n_metrics + 1;
  run.raw = g_new (double, run.n_scored_span + 1);
  for (guint i = 0; i < run.n_scored_span; i++)
    run.raw[i] = NAN;
  run.expected_low = g_new0 (double, span);
  run.expected_high = g_new0 (double, span);
  run.contribution = g_new0 (double, span);
  run.direction = g_new0 (double, span);
  run.replay_scores = g_array_new (FALSE, FALSE, sizeof (double));
  run.replay_times = g_array_new (FALSE, FALSE, sizeof (double));

  /* A series is fitted when it has rows to score, or for the budget's
   * replay of the history. */
  for (guint g = 0; g < run.series->len; g++)
    n_fit += replay || series_scored (&run, run.series->pdata[g]);
  if (monitor)
    sub = *monitor;
  sub.seed = config->random_seed;
  if (monitor)
    {
      scope.func = monitor->progress;
      scope.data = monitor->progress_data;
    }
  sub.progress = scope.func ? ax_progress_stage_report : NULL;
  sub.progress_data = &scope;

  for (guint g = 0; g < run.series->len; g++)
    {
      Series *s = run.series->pdata[g];

      if (!replay && !series_scored (&run, s))
        continue;
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      scope.base = 0.95 * n_done / n_fit;
      scope.span = 0.95 / n_fit;
      if (!fit_and_score (&run, s, replay, &sub, cancellable, error))
        return NULL;
      n_done++;
      if (monitor)
        ax_progress_report (monitor->progress, monitor->progress_data, 0.95 * n_done / n_fit,
                            NULL);
    }

  if (replay)
    {
      budget = replay_alerts (&run);
      ax_alert_budget_thresholds (config->threshold_config.thresholds,
                                  (double *) run.replay_scores->data, run.replay_scores->len,
                                  budget, !detector_has_param (run.detector, "contamination"),
                                  thresholds);
    }
  else
    memcpy (thresholds, config->threshold_config.thresholds, sizeof thresholds);
  result = collect (&run, thresholds, feedback, n_feedback, cancellable, error);
  if (result == NULL)
    return NULL;
  result->budget_alerts = budget;
  result->n_replayed = replay ? run.replay_scores->len : 0;
  result->n_skipped = skipped;
  if (monitor)
    ax_progress_report (monitor->progress, monitor->progress_data, 1, NULL);
  return result;
}
