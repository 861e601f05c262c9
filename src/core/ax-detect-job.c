/* ax-detect-job.c — running an anomaly detection and storing what it finds */

#include "ax-config.h"
#include "ax-detect-job.h"
#include "ax-export.h"
#include "ax-store-datasets.h"
#include "ax-train-private.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

/* Shares of a run's progress: reading the dataset, the engine, saving. */
#define READ_SHARE 0.1
#define SAVE_SHARE 0.05

void
ax_detect_result_clear (AxDetectResult *result)
{
  g_clear_pointer (&result->detection_name, g_free);
  g_clear_pointer (&result->dataset_name, g_free);
  g_clear_pointer (&result->started, g_free);
  g_clear_pointer (&result->finished, g_free);
  g_clear_pointer (&result->anomalies, g_ptr_array_unref);
  memset (result, 0, sizeof *result);
}

static char *
now_utc (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
}

/* Checking the configuration against the dataset */

static char *
column_names (const AxDatasetInfo *info)
{
  g_autoptr(GString) names = g_string_new (NULL);

  for (guint c = 0; c < info->n_columns; c++)
    g_string_append_printf (names, "%s“%s”", c ? ", " : "", info->columns[c].name);
  return g_string_free (g_steal_pointer (&names), FALSE);
}

static gboolean
has_column (const AxDatasetInfo *info,
            const char          *name)
{
  for (guint c = 0; c < info->n_columns; c++)
    if (g_str_equal (info->columns[c].name, name))
      return TRUE;
  return FALSE;
}

/* Every column the configuration names must be one of the dataset's; the
 * engine judges their types. */
static gboolean
check_columns (const AxDetectionConfig  *config,
               const AxDatasetInfo      *info,
               GError                  **error)
{
  g_autofree char *names = NULL;
  const char *field = NULL, *missing = NULL;

  for (guint i = 0; config->monitored_metrics && config->monitored_metrics[i] && !missing; i++)
    if (!has_column (info, config->monitored_metrics[i]))
      {
        field = "monitored_metrics";
        missing = config->monitored_metrics[i];
      }
  if (!missing && config->time_column && !has_column (info, config->time_column))
    {
      field = "time_column";
      missing = config->time_column;
    }
  if (!missing && config->group_by && !has_column (info, config->group_by))
    {
      field = "group_by";
      missing = config->group_by;
    }
  if (!missing)
    return TRUE;
  names = column_names (info);
  g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
               _("%s: dataset “%s” has no column “%s”; it has %s"),
               field, info->name, missing, names);
  return FALSE;
}

static void
set_no_dataset_error (AxStore     *store,
                      const char  *name,
                      GError     **error)
{
  g_autoptr(GPtrArray) list = ax_store_list_datasets (store, NULL);
  g_autoptr(GString) names = g_string_new (NULL);

  for (guint i = 0; list && i < list->len; i++)
    {
      const AxDatasetInfo *info = g_ptr_array_index (list, i);
      g_string_append_printf (names, "%s“%s”", i ? ", " : "", info->name);
    }
  if (names->len == 0)
    g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                 _("dataset: the project has no dataset called “%s”; it has no datasets yet, import one first"),
                 name);
  else
    g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                 _("dataset: the project has no dataset called “%s”; it has %s"),
                 name, names->str);
}

/* The configuration as it decides what is scored: the normalised JSON
 * without the members that only describe (description,
 * detection_frequency). */
static char *
scoring_config (const char *config_json)
{
  g_autoptr(JsonNode) root = config_json ? json_from_string (config_json, NULL) : NULL;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return g_strdup (config_json ? config_json : "");
  json_object_remove_member (json_node_get_object (root), "description");
  json_object_remove_member (json_node_get_object (root), "detection_frequency");
  return json_to_string (root, FALSE);
}

/* From the engine's anomalies to stored records */

static void
add_number (JsonBuilder *b,
            const char  *name,
            double       v)
{
  json_builder_set_member_name (b, name);
  if (isfinite (v))
    json_builder_add_double_value (b, v);
  else
    json_builder_add_null_value (b);
}

static char *
builder_to_string (JsonBuilder *b)
{
  g_autoptr(JsonNode) root = json_builder_get_root (b);

  return json_to_string (root, FALSE);
}

static const char *
direction_name (double direction)
{
  return direction > 0 ? "above" : direction < 0 ? "below" : "inside";
}

static AxAnomalyRecord *
record_from_anomaly (const AxDetectionResult *r,
                     const AxAnomaly         *a)
{
  AxAnomalyRecord *rec = g_new0 (AxAnomalyRecord, 1);
  g_autoptr(JsonBuilder) b = json_builder_new ();

  rec->dataset_row = a->row;
  rec->time = a->time;
  rec->group_value = g_strdup (a->group);
  rec->score = a->score;
  rec->raw_score = a->raw_score;
  rec->severity = a->severity;

  json_builder_begin_object (b);
  for (guint m = 0; m < r->n_metrics; m++)
    add_number (b, r->metrics[m], a->actual[m]);
  json_builder_end_object (b);
  rec->actual = builder_to_string (b);

  json_builder_reset (b);
  json_builder_begin_object (b);
  for (guint m = 0; m < r->n_metrics; m++)
    {
      json_builder_set_member_name (b, r->metrics[m]);
      json_builder_begin_object (b);
      add_number (b, "low", a->expected_low[m]);
      add_number (b, "high", a->expected_high[m]);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
  rec->expected = builder_to_string (b);

  json_builder_reset (b);
  json_builder_begin_array (b);
  for (guint k = 0; k < r->n_metrics; k++)
    {
      guint m = a->cause_metric[k];

      if (m >= r->n_metrics)
        continue;
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "metric");
      json_builder_add_string_value (b, r->metrics[m]);
      add_number (b, "share", a->cause_share[k]);
      json_builder_set_member_name (b, "direction");
      json_builder_add_string_value (b, direction_name (a->cause_direction[k]));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  rec->root_cause = builder_to_string (b);

  /* The engine writes the context as a JSON object already. */
  rec->context = g_strdup (a->context ? a->context : "{}");
  return rec;
}

static char *
thresholds_json (const double *thresholds)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  for (AxSeverity s = AX_SEVERITY_LOW; s <= AX_SEVERITY_CRITICAL; s++)
    add_number (b, ax_severity_to_string (s), thresholds[s]);
  json_builder_end_object (b);
  return builder_to_string (b);
}

/* The scores file */

static void
append_cell (GString        *out,
             const AxColumn *col,
             guint           r)
{
  if (col != NULL)
    ax_export_append_value (out, col, r);
}

static const AxColumn *
find_column (const AxFrame *frame,
             const char    *name)
{
  int c = name && frame ? ax_frame_find_column (frame, name) : -1;

  return c >= 0 ? &frame->columns[c] : NULL;
}

/* Writes every scored row of @r to @tmp as CSV, its group and time as
 * `auspex-cli export` writes them. */
static gboolean
write_scores (GFile                    *tmp,
              const AxDetectionConfig  *config,
              const AxFrame            *data,
              const AxDetectionResult  *r,
              GCancellable             *cancellable,
              GError                  **error)
{
  g_autoptr(GFileOutputStream) out = g_file_replace (tmp, NULL, FALSE, G_FILE_CREATE_NONE, cancellable, error);
  g_autoptr(GString) text = g_string_sized_new (1 << 16);
  const AxColumn *group = find_column (data, config->group_by);
  const AxColumn *time = find_column (data, config->time_column);
  char buf[64];

  if (out == NULL)
    return FALSE;
  g_string_append (text, "dataset_row,group,time,score,severity\n");
  for (guint64 i = 0; r && i < r->n_scored; i++)
    {
      gint64 row = r->scored_rows[i];
      AxSeverity s = r->scored_severity[i];

      g_string_append_printf (text, "%" G_GINT64_FORMAT ",", row);
      if (row >= 0 && data && row < data->n_rows)
        append_cell (text, group, (guint) row);
      g_string_append_c (text, ',');
      if (row >= 0 && data && row < data->n_rows)
        append_cell (text, time, (guint) row);
      g_string_append_c (text, ',');
      ax_format_real (r->scores[i], buf, sizeof buf);
      g_string_append (text, buf);
      g_string_append_c (text, ',');
      g_string_append (text, s == AX_SEVERITY_NONE ? "none" : ax_severity_to_string (s));
      g_string_append_c (text, '\n');
      if (text->len >= (1 << 16))
        {
          if (!g_output_stream_write_all (G_OUTPUT_STREAM (out), text->str, text->len, NULL, cancellable, error))
            return FALSE;
          g_string_truncate (text, 0);
        }
    }
  if (!g_output_stream_write_all (G_OUTPUT_STREAM (out), text->str, text->len, NULL, cancellable, error))
    return FALSE;
  return g_output_stream_close (G_OUTPUT_STREAM (out), cancellable, error);
}

/* Whether @file is the project file itself, however it is spelled. */
static gboolean
is_project_file (const char *project_path,
                 GFile      *file)
{
  g_autoptr(GFile) project = g_file_new_for_path (project_path);
  g_autoptr(GFileInfo) a = NULL;
  g_autoptr(GFileInfo) b = NULL;

  if (g_file_equal (project, file))
    return TRUE;
  a = g_file_query_info (project, G_FILE_ATTRIBUTE_ID_FILE, G_FILE_QUERY_INFO_NONE, NULL, NULL);
  b = g_file_query_info (file, G_FILE_ATTRIBUTE_ID_FILE, G_FILE_QUERY_INFO_NONE, NULL, NULL);
  return a && b && g_strcmp0 (g_file_info_get_attribute_string (a, G_FILE_ATTRIBUTE_ID_FILE),
                              g_file_info_get_attribute_string (b, G_FILE_ATTRIBUTE_ID_FILE)) == 0;
}

/* Creates the file @scores is written to before it is renamed over
 * @scores, empty, so that a folder that is missing or not writable is
 * found before the run rather than after it. */
static GFile *
scores_temp (GFile         *scores,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autoptr(GFile) parent = g_file_get_parent (scores);
  g_autofree char *base = g_file_get_basename (scores);
  g_autofree char *name = g_strdup_printf (".%s.part-%d", base, (int) getpid ());
  g_autoptr(GFile) tmp = NULL;
  g_autoptr(GFileOutputStream) out = NULL;
  g_autoptr(GError) local = NULL;

  if (parent == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME,
                   _("Cannot write scores to “%s”; choose a file in a folder"), base);
      return NULL;
    }
  tmp = g_file_get_child (parent, name);
  out = g_file_replace (tmp, NULL, FALSE, G_FILE_CREATE_NONE, cancellable, &local);
  if (out == NULL || !g_output_stream_close (G_OUTPUT_STREAM (out), cancellable, &local))
    {
      g_autofree char *where = g_file_get_parse_name (parent);

      if (g_file_query_file_type (parent, G_FILE_QUERY_INFO_NONE, NULL) != G_FILE_TYPE_DIRECTORY)
        g_set_error (error, local->domain, local->code,
                     _("Cannot write scores to “%s”: there is no folder “%s”"), base, where);
      else
        g_set_error (error, local->domain, local->code,
                     _("Cannot write scores to “%s”: %s"), base, local->message);
      if (out != NULL)
        g_file_delete (tmp, NULL, NULL);
      return NULL;
    }
  return g_steal_pointer (&tmp);
}

/* Running */

typedef struct {
  AxDetectionConfig *config;
  AxStore           *store;
  AxDatasetInfo     *info;
  AxDetectionInfo   *stored;      /* NULL for a new detection */
  char              *config_json; /* normalised, as stored */
  AxFrame           *data;
  GArray            *feedback;
  AxDetectionResult *result;      /* NULL when there was nothing to score */
  GFile             *tmp;
} Run;

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->config, ax_detection_config_free);
  g_clear_pointer (&run->info, ax_dataset_info_free);
  g_clear_pointer (&run->stored, ax_detection_info_free);
  g_clear_pointer (&run->config_json, g_free);
  g_clear_pointer (&run->data, ax_frame_free);
  g_clear_pointer (&run->feedback, g_array_unref);
  g_clear_pointer (&run->result, ax_detection_result_free);
  g_clear_pointer (&run->store, ax_store_close);
  if (run->tmp)
    g_file_delete (run->tmp, NULL, NULL);
  g_clear_object (&run->tmp);
}

/* Opens the project and finds the dataset and what is known of the
 * detection: everything that decides which rows to score. */
static gboolean
prepare (Run         *run,
         const char  *project_path,
         const char  *config_json,
         GError     **error)
{
  g_autoptr(GError) local = NULL;

  run->config = ax_detection_config_from_json (config_json, error);
  if (run->config == NULL)
    return FALSE;
  if (run->config->detection_name == NULL || run->config->detection_name[0] == '\0')
    {
      g_set_error_literal (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                           _("detection_name: name the detection"));
      return FALSE;
    }
  if (run->config->dataset == NULL || run->config->dataset[0] == '\0')
    {
      g_set_error_literal (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                           _("dataset: name the dataset of the project to watch"));
      return FALSE;
    }
  run->config_json = ax_detection_config_to_json (run->config);

  run->store = ax_store_open (project_path, error);
  if (run->store == NULL)
    return FALSE;
  run->info = ax_store_get_dataset (run->store, 0, run->config->dataset, &local);
  if (run->info == NULL)
    {
      if (g_error_matches (local, AX_STORE_ERROR, AX_STORE_ERROR_NOT_FOUND))
        set_no_dataset_error (run->store, run->config->dataset, error);
      else
        g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  if (!check_columns (run->config, run->info, error))
    return FALSE;
  run->stored = ax_store_get_detection (run->store, 0, run->config->detection_name, &local);
  if (run->stored == NULL && !g_error_matches (local, AX_STORE_ERROR, AX_STORE_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  return TRUE;
}

/* Where this run starts: after the rows the last run scored, unless there
 * is no last run, the configuration changed, or the dataset is not the
 * one scored then (imported again under its name, or shrunk). */
static gint64
first_row_to_score (const Run *run)
{
  g_autofree char *now = NULL, *before = NULL;

  if (run->stored == NULL || run->stored->n_runs == 0)
    return 0;
  if (run->stored->rows_scored_until > run->info->n_rows ||
      g_strcmp0 (run->stored->dataset_imported_at, run->info->imported_at) != 0)
    return 0;
  now = scoring_config (run->config_json);
  before = scoring_config (run->stored->config);
  if (!g_str_equal (now, before))
    return 0;
  return run->stored->rows_scored_until;
}

static gboolean
read_data (Run           *run,
           AxProgressStage *stage,
           GCancellable  *cancellable,
           GError       **error)
{
  run->data = ax_train_read_rows (run->store, run->info, NULL, stage, cancellable, error);
  return run->data != NULL;
}

static gboolean
detect (const char            *project_path,
        const char            *config_json,
        GFile                 *scores,
        const AxTrainMonitor  *monitor,
        GCancellable          *cancellable,
        Run                   *run,
        AxDetectResult        *result,
        GError               **error)
{
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) ax_anomaly_record_free);
  g_autofree char *thresholds = NULL;
  AxTrainMonitor engine_monitor = { 0 };
  AxDetectionInfo detection = { 0 };
  AxDetectionRun stored_run = { 0 };
  AxProgressStage stage = { 0 };
  gboolean in_transaction = FALSE;

  result->started = now_utc ();
  if (!prepare (run, project_path, config_json, error))
    return FALSE;
  if (scores && is_project_file (project_path, scores))
    {
      g_autofree char *base = g_path_get_basename (project_path);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   _("Will not write scores over the project “%s” itself; choose another file"), base);
      return FALSE;
    }

  if (scores)
    {
      run->tmp = scores_temp (scores, cancellable, error);
      if (run->tmp == NULL)
        return FALSE;
    }

  result->first_row = first_row_to_score (run);
  result->n_rows = run->info->n_rows;
  result->rescored_all = result->first_row == 0;
  memcpy (result->thresholds, run->config->threshold_config.thresholds, sizeof result->thresholds);

  if (monitor)
    {
      stage.func = monitor->progress;
      stage.data = monitor->progress_data;
    }
  /* With no new rows there is nothing to fit or score; the run is still
   * recorded, so the history shows the detection ran. */
  if (result->first_row < result->n_rows)
    {
      stage.span = READ_SHARE;
      if (!read_data (run, &stage, cancellable, error))
        return FALSE;
      if (run->stored)
        {
          run->feedback = ax_store_get_feedback (run->store, run->stored->id,
                                                 (const char * const *) run->config->monitored_metrics, error);
          if (run->feedback == NULL)
            return FALSE;
          result->n_feedback = run->feedback->len;
        }

      stage.base = READ_SHARE;
      stage.span = 1 - READ_SHARE - SAVE_SHARE;
      engine_monitor.progress = ax_progress_stage_report;
      engine_monitor.progress_data = &stage;
      if (monitor)
        {
          engine_monitor.step = monitor->step;
          engine_monitor.step_data = monitor->step_data;
          engine_monitor.n_threads = monitor->n_threads;
        }
      engine_monitor.seed = run->config->random_seed;
      run->result = ax_detection_run (run->config, run->data, result->first_row,
                                      run->feedback ? (const AxFeedback *) (gpointer) run->feedback->data : NULL,
                                      run->feedback ? run->feedback->len : 0,
                                      &engine_monitor, cancellable, error);
      if (run->result == NULL)
        return FALSE;
      result->n_scored = run->result->n_scored;
      result->n_skipped = run->result->n_skipped;
      result->n_suppressed = run->result->n_suppressed;
      memcpy (result->thresholds, run->result->thresholds, sizeof result->thresholds);
      result->budget_alerts = run->result->budget_alerts;
      result->n_replayed = run->result->n_replayed;
      for (guint i = 0; i < run->result->anomalies->len; i++)
        {
          if (i % 1024 == 0 && g_cancellable_set_error_if_cancelled (cancellable, error))
            return FALSE;
          g_ptr_array_add (records, record_from_anomaly (run->result, g_ptr_array_index (run->result->anomalies, i)));
        }
    }

  stage.base = 1 - SAVE_SHARE;
  stage.span = SAVE_SHARE;
  ax_progress_stage_report (0, _("Saving the anomalies"), &stage);
  if (scores)
    {
      if (!write_scores (run->tmp, run->config, run->data, run->result, cancellable, error))
        return FALSE;
    }

  result->finished = now_utc ();
  thresholds = thresholds_json (result->thresholds);
  detection.name = run->config->detection_name;
  detection.config = run->config_json;
  detection.anomaly_type = (char *) ax_anomaly_type_to_string (run->config->anomaly_type);
  detection.algorithm = run->config->algorithm;
  detection.dataset = run->info->name;
  detection.dataset_imported_at = run->info->imported_at;
  detection.rows_scored_until = result->n_rows;
  stored_run.started = result->started;
  stored_run.finished = result->finished;
  stored_run.first_row = result->first_row;
  stored_run.rows_scored = (gint64) result->n_scored;
  stored_run.rows_skipped = (gint64) result->n_skipped;
  stored_run.n_anomalies = records->len;
  stored_run.thresholds = thresholds;
  stored_run.n_suppressed = result->n_suppressed;

  /* The run and the scores file appear together: the file is moved into place inside the
   * transaction, and removed again if the commit fails. */
  if (g_cancellable_set_error_if_cancelled (cancellable, error) || !ax_store_begin (run->store, error))
    return FALSE;
  in_transaction = TRUE;
  if (!ax_store_save_detection_run (run->store, &detection, &stored_run,
                                    result->rescored_all && run->stored != NULL,
                                    (AxAnomalyRecord *const *) records->pdata, records->len,
                                    &result->detection_id, &result->run_id, error))
    goto fail;
  /* Saving many anomalies takes a while: a cancel meanwhile still rolls
   * back. */
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    goto fail;
  if (run->tmp && !g_file_move (run->tmp, scores, G_FILE_COPY_OVERWRITE, cancellable, NULL, NULL, error))
    goto fail;
  in_transaction = FALSE;
  if (!ax_store_commit (run->store, error))
    {
      if (run->tmp)
        g_file_delete (scores, NULL, NULL);
      return FALSE;
    }
  g_clear_object (&run->tmp);
  ax_progress_stage_report (1, NULL, &stage);

  result->detection_name = g_strdup (run->config->detection_name);
  result->dataset_name = g_strdup (run->info->name);
  for (guint i = 0; i < records->len; i++)
    {
      AxAnomalyRecord *rec = g_ptr_array_index (records, i);
      rec->detection_name = g_strdup (result->detection_name);
      rec->dataset = g_strdup (result->dataset_name);
    }
  result->anomalies = g_steal_pointer (&records);
  return TRUE;

fail:
  if (in_transaction)
    ax_store_rollback (run->store);
  return FALSE;
}

gboolean
ax_detect_run (const char            *project_path,
               const char            *config_json,
               GFile                 *scores,
               const AxTrainMonitor  *monitor,
               GCancellable          *cancellable,
               AxDetectResult        *result,
               GError               **error)
{
  Run run = { 0 };
  gboolean ok;

  memset (result, 0, sizeof *result);
  ok = detect (project_path, config_json, scores, monitor, cancellable, &run, result, error);
  run_clear (&run);
  if (!ok)
    ax_detect_result_clear (result);
  return ok;
}

typedef struct {
  char           *project_path;
  char           *config_json;
  GFile          *scores;
  AxDetectResult  result;
} DetectData;

static void
detect_data_free (gpointer p)
{
  DetectData *d = p;

  g_free (d->project_path);
  g_free (d->config_json);
  g_clear_object (&d->scores);
  ax_detect_result_clear (&d->result);
  g_free (d);
}

static gboolean
run_detect (AxJob         *job,
            gpointer       data,
            GCancellable  *cancellable,
            GError       **error)
{
  DetectData *d = data;
  AxTrainMonitor monitor = { .progress = ax_job_progress, .progress_data = job };

  return ax_detect_run (d->project_path, d->config_json, d->scores, &monitor, cancellable, &d->result, error);
}

AxJob *
ax_detect_job_new (const char *project_path,
                   const char *config_json,
                   GFile      *scores)
{
  DetectData *d = g_new0 (DetectData, 1);
  g_autoptr(AxDetectionConfig) config = ax_detection_config_from_json (config_json, NULL);
  g_autofree char *title = NULL;

  d->project_path = g_strdup (project_path);
  d->config_json = g_strdup (config_json);
  d->scores = scores ? g_object_ref (scores) : NULL;
  if (config && config->detection_name)
    title = g_strdup_printf (_("Detecting anomalies: “%s”"), config->detection_name);
  else
    title = g_strdup (_("Detecting anomalies"));
  return ax_job_new (title, run_detect, d, detect_data_free);
}

AxDetectResult *
ax_detect_job_get_result (AxJob *job)
{
  return &((DetectData *) ax_job_get_data (job))->result;
}
