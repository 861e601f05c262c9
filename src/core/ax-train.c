/* ax-train.c — training predictive models, and finding them again */

#include "ax-config.h"
#include "ax-train-private.h"
#include "ax-forecast-job-private.h"
#include "ax-store-datasets.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

/* Rows per read from the store while loading a dataset to train on. */
#define READ_ROWS 65536

/* Share of a training job's progress spent reading the dataset. */
#define READ_SHARE 0.1
/* ... and saving the fitted model. */
#define SAVE_SHARE 0.05

void
ax_train_result_clear (AxTrainResult *result)
{
  g_clear_pointer (&result->model_name, g_free);
  g_clear_pointer (&result->dataset_name, g_free);
  g_clear_pointer (&result->dataset_hash, g_free);
  g_clear_pointer (&result->metrics, g_free);
  g_clear_pointer (&result->model, ax_model_free);
  g_clear_pointer (&result->forecast, ax_forecast_result_free);
  memset (result, 0, sizeof *result);
}

/* Hashing a dataset */

static void
put_tagged (GByteArray *buf,
            guint8      tag,
            guint64     v)
{
  guint8 bytes[9];

  /* Little-endian whatever the machine, so a hash is the same everywhere. */
  bytes[0] = tag;
  for (guint i = 0; i < 8; i++)
    bytes[1 + i] = (guint8) (v >> (8 * i));
  g_byte_array_append (buf, bytes, sizeof bytes);
}

static void
put_string (GByteArray *buf,
            const char *s)
{
  gsize len = strlen (s);

  put_tagged (buf, 's', len);
  g_byte_array_append (buf, (const guint8 *) s, (guint) len);
}

void
ax_train_hash_frame (GChecksum     *checksum,
                     const AxFrame *frame,
                     gboolean       header)
{
  g_autoptr(GByteArray) buf = g_byte_array_sized_new (1 << 16);

  if (header)
    for (guint c = 0; c < frame->n_columns; c++)
      {
        put_string (buf, frame->columns[c].name);
        put_string (buf, ax_column_type_to_string (frame->columns[c].type));
      }
  for (guint r = 0; r < frame->n_rows; r++)
    {
      for (guint c = 0; c < frame->n_columns; c++)
        {
          const AxColumn *col = &frame->columns[c];
          guint64 bits;

          if (col->missing[r])
            {
              g_byte_array_append (buf, (const guint8 *) "n", 1);
              continue;
            }
          switch (col->type)
            {
            case AX_COLUMN_INTEGER:
            case AX_COLUMN_BOOLEAN:
            case AX_COLUMN_DATE:
            case AX_COLUMN_DATETIME:
              put_tagged (buf, 'i', (guint64) col->ints[r]);
              break;
            case AX_COLUMN_REAL:
              memcpy (&bits, &col->reals[r], sizeof bits);
              put_tagged (buf, 'r', bits);
              break;
            case AX_COLUMN_CATEGORICAL:
            case AX_COLUMN_TEXT:
            case AX_N_COLUMN_TYPES:
            default:
              put_string (buf, col->strings[r]);
              break;
            }
        }
      if (buf->len >= (1 << 16))
        {
          g_checksum_update (checksum, buf->data, buf->len);
          g_byte_array_set_size (buf, 0);
        }
    }
  g_checksum_update (checksum, buf->data, buf->len);
}

/* Copies the rows of @src to the end of @dst (same columns). */
static void
append_frame (AxFrame       *dst,
              const AxFrame *src)
{
  for (guint r = 0; r < src->n_rows; r++)
    {
      guint to = ax_frame_append_row (dst);
      for (guint c = 0; c < src->n_columns; c++)
        {
          const AxColumn *col = &src->columns[c];

          if (col->missing[r])
            continue;
          switch (col->type)
            {
            case AX_COLUMN_INTEGER:
            case AX_COLUMN_BOOLEAN:
            case AX_COLUMN_DATE:
            case AX_COLUMN_DATETIME:
              ax_frame_set_int (dst, c, to, col->ints[r]);
              break;
            case AX_COLUMN_REAL:
              ax_frame_set_real (dst, c, to, col->reals[r]);
              break;
            case AX_COLUMN_CATEGORICAL:
            case AX_COLUMN_TEXT:
            case AX_N_COLUMN_TYPES:
            default:
              ax_frame_set_string (dst, c, to, col->strings[r], -1);
              break;
            }
        }
    }
}

AxFrame *
ax_train_read_rows (AxStore              *store,
                    const AxDatasetInfo  *info,
                    char                **out_hash,
                    AxProgressStage      *stage,
                    GCancellable         *cancellable,
                    GError              **error)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr(AxFrame) all = NULL;
  gint64 first = 0;

  for (;;)
    {
      g_autoptr(AxFrame) chunk = ax_store_read_rows (store, info, first, READ_ROWS, error);
      g_autofree char *detail = NULL;
      guint n;

      if (chunk == NULL || g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      n = chunk->n_rows;
      if (out_hash)
        ax_train_hash_frame (checksum, chunk, first == 0);
      if (all == NULL && n < READ_ROWS)
        all = g_steal_pointer (&chunk);
      else
        {
          if (all == NULL)
            {
              /* Room for every row at once: no doubling, no slack. */
              g_autofree const char **names = g_new0 (const char *, chunk->n_columns + 1);
              g_autofree AxColumnType *types = g_new0 (AxColumnType, chunk->n_columns + 1);

              for (guint c = 0; c < chunk->n_columns; c++)
                {
                  names[c] = chunk->columns[c].name;
                  types[c] = chunk->columns[c].type;
                }
              all = ax_frame_new (chunk->n_columns, names, types,
                                  (guint) MAX (info->n_rows, (gint64) n));
            }
          append_frame (all, chunk);
        }
      first += n;
      detail = g_strdup_printf (_("Read %'" G_GINT64_FORMAT " of %'" G_GINT64_FORMAT " rows of “%s”"),
                                first, info->n_rows, info->name);
      ax_progress_stage_report (info->n_rows ? (double) first / (double) info->n_rows : 1, detail, stage);
      if (n < READ_ROWS)
        break;
    }
  if (out_hash)
    *out_hash = g_strdup (g_checksum_get_string (checksum));
  return g_steal_pointer (&all);
}

/* The report as JSON */

void
ax_train_add_number (JsonBuilder *b,
                     const char  *name,
                     double       v)
{
  json_builder_set_member_name (b, name);
  if (isfinite (v))
    json_builder_add_double_value (b, v);
  else
    json_builder_add_null_value (b);
}

void
ax_train_add_notes (JsonBuilder        *b,
                    const char * const *notes)
{
  if (notes == NULL || notes[0] == NULL)
    return;
  json_builder_set_member_name (b, "notes");
  json_builder_begin_array (b);
  for (guint i = 0; notes[i]; i++)
    json_builder_add_string_value (b, notes[i]);
  json_builder_end_array (b);
}

static void
add_metrics (JsonBuilder     *b,
             const AxMetrics *m)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "rows");
  json_builder_add_int_value (b, m->n_rows);
  if (m->task == AX_TASK_REGRESSION)
    {
      ax_train_add_number (b, "mae", m->mae);
      ax_train_add_number (b, "rmse", m->rmse);
      ax_train_add_number (b, "r2", m->r2);
      ax_train_add_number (b, "mape", m->mape);
    }
  else
    {
      ax_train_add_number (b, "accuracy", m->accuracy);
      ax_train_add_number (b, "precision", m->precision);
      ax_train_add_number (b, "recall", m->recall);
      ax_train_add_number (b, "f1", m->f1);
      ax_train_add_number (b, "precision_macro", m->precision_macro);
      ax_train_add_number (b, "recall_macro", m->recall_macro);
      ax_train_add_number (b, "f1_macro", m->f1_macro);
      ax_train_add_number (b, "roc_auc", m->roc_auc);
      ax_train_add_number (b, "log_loss", m->log_loss);
      if (m->confusion && m->n_classes > 0)
        {
          /* Rows are the actual class, columns the predicted one. */
          json_builder_set_member_name (b, "confusion");
          json_builder_begin_array (b);
          for (guint a = 0; a < m->n_classes; a++)
            {
              json_builder_begin_array (b);
              for (guint p = 0; p < m->n_classes; p++)
                json_builder_add_int_value (b, (gint64) m->confusion[a * m->n_classes + p]);
              json_builder_end_array (b);
            }
          json_builder_end_array (b);
        }
    }
  json_builder_end_object (b);
}

static char *
builder_to_string (JsonBuilder *b)
{
  g_autoptr(JsonNode) root = json_builder_get_root (b);

  return json_to_string (root, FALSE);
}

static char *
metrics_json (const AxModelReport *report)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "task");
  json_builder_add_string_value (b, report->task == AX_TASK_REGRESSION ? "regression" : "classification");
  if (report->task == AX_TASK_CLASSIFICATION && report->class_names)
    {
      json_builder_set_member_name (b, "classes");
      json_builder_begin_array (b);
      for (guint k = 0; k < report->n_classes; k++)
        json_builder_add_string_value (b, report->class_names[k]);
      json_builder_end_array (b);
    }
  json_builder_set_member_name (b, "validation");
  if (report->validation)
    add_metrics (b, report->validation);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "test");
  if (report->test)
    add_metrics (b, report->test);
  else
    json_builder_add_null_value (b);
  ax_train_add_notes (b, (const char * const *) report->notes);
  json_builder_end_object (b);
  return builder_to_string (b);
}

static char *
curve_json (const AxModelReport *report)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_array (b);
  for (guint i = 0; report->curve && i < report->curve->len; i++)
    {
      const AxCurvePoint *p = &g_array_index (report->curve, AxCurvePoint, i);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "step");
      json_builder_add_int_value (b, p->step);
      ax_train_add_number (b, "score", p->score);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  return builder_to_string (b);
}

static char *
importance_json (const AxModelReport *report)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_array (b);
  for (guint i = 0; i < report->n_importance; i++)
    {
      const AxImportance *imp = &report->importance[i];
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "feature");
      json_builder_add_string_value (b, imp->feature);
      ax_train_add_number (b, "impurity", imp->impurity);
      ax_train_add_number (b, "permutation", imp->permutation);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  return builder_to_string (b);
}

/* Training */

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

AxFrame *
ax_train_read_dataset (AxStore         *store,
                       const char      *name,
                       AxDatasetInfo  **out_info,
                       char           **out_hash,
                       AxProgressFunc   progress,
                       gpointer         progress_data,
                       double           span,
                       GCancellable    *cancellable,
                       GError         **error)
{
  g_autoptr(AxDatasetInfo) info = NULL;
  g_autoptr(GError) local = NULL;
  AxProgressStage stage = { progress, progress_data, 0, span };
  AxFrame *frame;

  info = ax_store_get_dataset (store, 0, name, &local);
  if (info == NULL)
    {
      if (g_error_matches (local, AX_STORE_ERROR, AX_STORE_ERROR_NOT_FOUND))
        set_no_dataset_error (store, name, error);
      else
        g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  ax_progress_stage_report (0, _("Reading the dataset"), &stage);
  frame = ax_train_read_rows (store, info, out_hash, &stage, cancellable, error);
  if (frame != NULL)
    *out_info = g_steal_pointer (&info);
  return frame;
}

gboolean
ax_train_model (const char            *project_path,
                const char            *config_json,
                const AxTrainMonitor  *monitor,
                GCancellable          *cancellable,
                AxTrainResult         *result,
                GError               **error)
{
  g_autoptr(AxModelConfig) config = NULL;
  g_autoptr(AxStore) store = NULL;
  g_autoptr(AxDatasetInfo) info = NULL;
  g_autoptr(AxFrame) data = NULL;
  g_autoptr(AxModel) model = NULL;
  g_autoptr(GBytes) blob = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *stored_config = NULL;
  g_autofree char *metrics = NULL;
  g_autofree char *curve = NULL;
  g_autofree char *importance = NULL;
  g_autoptr(GError) local = NULL;
  const AxModelReport *report;
  AxTrainMonitor engine_monitor = { 0 };
  AxProgressStage stage = { 0 };
  AxModelInfo model_info = { 0 };
  AxModelVersion version = { 0 };
  gint64 model_id = 0;
  guint number = 0;

  memset (result, 0, sizeof *result);
  if (ax_forecast_config_applies (config_json))
    return ax_forecast_train (project_path, config_json, monitor, cancellable, result, error);
  config = ax_model_config_from_json (config_json, error);
  if (config == NULL)
    return FALSE;
  if (config->dataset == NULL || config->dataset[0] == '\0')
    {
      g_set_error_literal (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                           _("dataset: name the dataset of the project to train on"));
      return FALSE;
    }

  store = ax_store_open (project_path, error);
  if (store == NULL)
    return FALSE;
  info = ax_store_get_dataset (store, 0, config->dataset, &local);
  if (info == NULL)
    {
      if (g_error_matches (local, AX_STORE_ERROR, AX_STORE_ERROR_NOT_FOUND))
        set_no_dataset_error (store, config->dataset, error);
      else
        g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }

  if (monitor)
    {
      stage.func = monitor->progress;
      stage.data = monitor->progress_data;
    }
  stage.base = 0;
  stage.span = READ_SHARE;
  ax_progress_stage_report (0, _("Reading the dataset"), &stage);
  data = ax_train_read_rows (store, info, &hash, &stage, cancellable, error);
  if (data == NULL)
    return FALSE;

  stage.base = READ_SHARE;
  stage.span = 1 - READ_SHARE - SAVE_SHARE;
  engine_monitor.progress = ax_progress_stage_report;
  engine_monitor.progress_data = &stage;
  if (monitor)
    {
      engine_monitor.step = monitor->step;
      engine_monitor.step_data = monitor->step_data;
      engine_monitor.n_threads = monitor->n_threads;
      engine_monitor.steps_at_end = monitor->steps_at_end;
    }
  engine_monitor.seed = config->random_seed;
  /* The dataset goes as soon as the model's inputs are made from it. */
  model = ax_model_train_take (config, g_steal_pointer (&data), &engine_monitor, cancellable, error);
  if (model == NULL)
    return FALSE;

  stage.base = 1 - SAVE_SHARE;
  stage.span = SAVE_SHARE;
  ax_progress_stage_report (0, _("Saving the model"), &stage);
  report = ax_model_get_report (model);
  stored_config = ax_model_config_to_json (ax_model_get_config (model));
  metrics = metrics_json (report);
  curve = curve_json (report);
  importance = importance_json (report);
  blob = ax_model_save (model);

  model_info.name = config->model_name;
  model_info.model_type = (char *) ax_model_type_to_string (config->model_type);
  model_info.algorithm = config->algorithm;
  model_info.description = config->description;
  version.config = stored_config;
  version.metrics = metrics;
  version.curve = curve;
  version.importance = importance;
  version.dataset_name = info->name;
  version.dataset_hash = hash;
  version.n_train = report->n_train;
  version.n_valid = report->n_valid;
  version.n_test = report->n_test;
  version.seconds = report->seconds;
  version.blob = blob;

  /* The last moment a cancel still leaves no trace. */
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  if (!ax_store_save_model_version (store, &model_info, &version, &model_id, &number, error))
    return FALSE;
  ax_progress_stage_report (1, NULL, &stage);

  result->model_id = model_id;
  result->model_name = g_strdup (config->model_name);
  result->version = number;
  result->dataset_name = g_strdup (info->name);
  result->dataset_hash = g_steal_pointer (&hash);
  result->metrics = g_steal_pointer (&metrics);
  result->model = g_steal_pointer (&model);
  return TRUE;
}

typedef struct {
  char          *project_path;
  char          *config_json;
  AxTrainResult  result;
} TrainData;

static void
train_data_free (gpointer p)
{
  TrainData *d = p;

  g_free (d->project_path);
  g_free (d->config_json);
  ax_train_result_clear (&d->result);
  g_free (d);
}

static gboolean
run_train (AxJob         *job,
           gpointer       data,
           GCancellable  *cancellable,
           GError       **error)
{
  TrainData *d = data;
  AxTrainMonitor monitor = { .progress = ax_job_progress, .progress_data = job };

  return ax_train_model (d->project_path, d->config_json, &monitor, cancellable, &d->result, error);
}

AxJob *
ax_train_job_new (const char *project_path,
                  const char *config_json)
{
  TrainData *d = g_new0 (TrainData, 1);
  g_autoptr(AxModelConfig) config = ax_model_config_from_json (config_json, NULL);
  g_autofree char *title = NULL;

  d->project_path = g_strdup (project_path);
  d->config_json = g_strdup (config_json);
  if (config && config->model_name)
    title = g_strdup_printf (_("Training “%s”"), config->model_name);
  else
    title = g_strdup (_("Training a model"));
  return ax_job_new (title, run_train, d, train_data_free);
}

AxTrainResult *
ax_train_job_get_result (AxJob *job)
{
  return &((TrainData *) ax_job_get_data (job))->result;
}

GPtrArray *
ax_train_list_models (const char  *project_path,
                      GError     **error)
{
  g_autoptr(AxStore) store = ax_store_open (project_path, error);

  if (store == NULL)
    return NULL;
  return ax_store_list_models (store, error);
}

/* Finding and loading a model */

static gboolean
is_number (const char *s)
{
  if (*s == '\0' || strlen (s) > 18)
    return FALSE;
  for (; *s; s++)
    if (!g_ascii_isdigit (*s))
      return FALSE;
  return TRUE;
}

/* The model @key names: an id, else a name (a model may be called "7"). */
static AxModelInfo *
lookup_model (AxStore     *store,
              const char  *key,
              GError     **error)
{
  g_autoptr(GError) local = NULL;
  AxModelInfo *info;

  if (!is_number (key))
    return ax_store_get_model (store, 0, key, error);
  info = ax_store_get_model (store, g_ascii_strtoll (key, NULL, 10), NULL, &local);
  if (info != NULL || !g_error_matches (local, AX_STORE_ERROR, AX_STORE_ERROR_NOT_FOUND))
    {
      if (local)
        g_propagate_error (error, g_steal_pointer (&local));
      return info;
    }
  info = ax_store_get_model (store, 0, key, NULL);
  if (info == NULL)
    g_propagate_error (error, g_steal_pointer (&local));
  return info;
}

static AxModelInfo *
resolve_model (AxStore     *store,
               const char  *ref,
               guint       *version,
               GError     **error)
{
  const char *colon = ref ? strrchr (ref, ':') : NULL;
  AxModelInfo *info;

  *version = 0;
  if (ref == NULL || ref[0] == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("Name the model by its id or its name, with :VERSION for another than the active version"));
      return NULL;
    }
  if (colon && is_number (colon + 1))
    {
      g_autofree char *base = g_strndup (ref, (gsize) (colon - ref));
      g_autoptr(GError) local = NULL;
      guint64 v = g_ascii_strtoull (colon + 1, NULL, 10);

      info = lookup_model (store, base, &local);
      if (info == NULL)
        {
          /* "name:2" may be the whole of a name. */
          info = ax_store_get_model (store, 0, ref, NULL);
          if (info == NULL)
            g_propagate_error (error, g_steal_pointer (&local));
          return info;
        }
      if (v == 0 || v > G_MAXUINT)
        {
          g_set_error (error, AX_STORE_ERROR, AX_STORE_ERROR_NOT_FOUND,
                       _("Model “%s” has no version %s; versions are numbered from 1"),
                       info->name, colon + 1);
          ax_model_info_free (info);
          return NULL;
        }
      *version = (guint) v;
      return info;
    }
  return lookup_model (store, ref, error);
}

gboolean
ax_train_resolve_model (AxStore     *store,
                        const char  *ref,
                        gint64      *model_id,
                        guint       *version,
                        GError     **error)
{
  g_autoptr(AxModelInfo) info = resolve_model (store, ref, version, error);

  if (info == NULL)
    return FALSE;
  *model_id = info->id;
  return TRUE;
}

gboolean
ax_train_load_model (AxStore          *store,
                     const char       *ref,
                     AxPredictResult  *result,
                     GError          **error)
{
  g_autoptr(AxModelInfo) info = NULL;
  g_autoptr(AxModelVersion) version = NULL;
  g_autoptr(GError) local = NULL;
  guint number = 0;

  info = resolve_model (store, ref, &number, error);
  if (info == NULL)
    return FALSE;
  version = ax_store_get_model_version (store, info->id, number, error);
  if (version == NULL)
    return FALSE;
  if (ax_forecast_is_model_blob (version->blob))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("Model “%s” forecasts a time series and takes no inputs; forecast with it instead"),
                   info->name);
      return FALSE;
    }
  result->model = ax_model_load (version->blob, &local);
  if (result->model == NULL)
    {
      g_set_error (error, local->domain, local->code,
                   _("Version %u of model “%s” cannot be used: %s"),
                   version->version, info->name, local->message);
      return FALSE;
    }
  result->model_id = info->id;
  result->model_name = g_strdup (info->name);
  result->version = version->version;
  result->task = ax_model_get_report (result->model)->task;
  return TRUE;
}
