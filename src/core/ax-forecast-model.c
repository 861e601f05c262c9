/* ax-forecast-model.c — forecast models: versions, their forecasts, the blob */

#include "ax-config.h"
#include "ax-forecast-job-private.h"
#include "ax-model-admin.h"
#include "ax-train-private.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

/* Metrics: the backtest of every series and of all together */

/* The backtests of every series pooled, each weighted by the forecasts it
 * scored: the mean errors, and RMSE as the root of the pooled squares. */
static void
pool_backtests (const AxForecastResult *result,
                AxForecastAccuracy     *out)
{
  double sum[6 + AX_FORECAST_MAX_LEVELS] = { 0 };
  double n_mape = 0;

  memset (out, 0, sizeof *out);
  for (guint i = 0; i < result->items->len; i++)
    {
      const AxForecastItem *fi = result->items->pdata[i];
      const AxForecastAccuracy *a = &ax_forecast_get_report (fi->forecaster)->backtest;
      double w = a->n;

      if (a->n == 0)
        continue;
      out->n += a->n;
      sum[0] += w * a->mae;
      sum[1] += w * a->rmse * a->rmse;
      if (isfinite (a->mape))
        {
          sum[2] += w * a->mape;
          n_mape += w;
        }
      sum[3] += w * a->smape;
      sum[4] += w * a->mase;
      for (guint l = 0; l < result->n_levels; l++)
        sum[6 + l] += w * a->coverage[l];
    }
  if (out->n == 0)
    {
      out->mae = out->rmse = out->mape = out->smape = out->mase = NAN;
      for (guint l = 0; l < AX_FORECAST_MAX_LEVELS; l++)
        out->coverage[l] = NAN;
      return;
    }
  out->mae = sum[0] / out->n;
  out->rmse = sqrt (sum[1] / out->n);
  out->mape = n_mape > 0 ? sum[2] / n_mape : NAN;
  out->smape = sum[3] / out->n;
  out->mase = sum[4] / out->n;
  for (guint l = 0; l < AX_FORECAST_MAX_LEVELS; l++)
    out->coverage[l] = l < result->n_levels ? sum[6 + l] / out->n : NAN;
}

static char *
metrics_json (const AxForecastResult *result,
              JsonNode               *test_period)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  const AxForecastItem *first = result->items->pdata[0];
  const AxForecastReport *r0 = ax_forecast_get_report (first->forecaster);
  AxForecastAccuracy pooled;

  pool_backtests (result, &pooled);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "task");
  json_builder_add_string_value (b, "forecast");
  json_builder_set_member_name (b, "time_type");
  json_builder_add_string_value (b, ax_column_type_to_string (result->time_type));
  json_builder_set_member_name (b, "frequency");
  json_builder_add_string_value (b, ax_frequency_to_string (r0->frequency));
  json_builder_set_member_name (b, "horizon");
  json_builder_add_int_value (b, first->prediction->horizon);
  json_builder_set_member_name (b, "backtest_origins");
  json_builder_add_int_value (b, r0->backtest_origins);
  /* The backtest stands where a regression's validation metrics do. */
  json_builder_set_member_name (b, "validation");
  ax_forecast_add_accuracy (b, &pooled, result->n_levels, result->levels);
  json_builder_set_member_name (b, "test");
  json_builder_add_null_value (b);
  json_builder_set_member_name (b, "series");
  json_builder_begin_array (b);
  for (guint i = 0; i < result->items->len; i++)
    {
      const AxForecastItem *fi = result->items->pdata[i];
      const AxForecastReport *r = ax_forecast_get_report (fi->forecaster);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "item");
      if (fi->item)
        json_builder_add_string_value (b, fi->item);
      else
        json_builder_add_null_value (b);
      json_builder_set_member_name (b, "model");
      json_builder_add_string_value (b, r->name);
      json_builder_set_member_name (b, "method");
      json_builder_add_string_value (b, ax_forecast_method_to_string (r->method));
      json_builder_set_member_name (b, "observations");
      json_builder_add_int_value (b, r->n_obs);
      json_builder_set_member_name (b, "backtest");
      ax_forecast_add_accuracy (b, &r->backtest, r->n_levels, r->levels);
      if (fi->plan)
        {
          json_builder_set_member_name (b, "inventory");
          json_builder_begin_object (b);
          ax_train_add_number (b, "safety_stock", fi->plan->safety_stock);
          ax_train_add_number (b, "reorder_point", fi->plan->reorder_point);
          ax_train_add_number (b, "order_quantity", fi->plan->order_quantity);
          ax_train_add_number (b, "lead_time_demand", fi->plan->lead_time_mean);
          ax_train_add_number (b, "annual_demand", fi->plan->annual_demand);
          ax_train_add_number (b, "annual_cost", fi->plan->annual_cost);
          json_builder_end_object (b);
        }
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  /* The test period the Models workspace draws, when there is one. */
  if (test_period)
    {
      json_builder_set_member_name (b, "test_period");
      json_builder_add_value (b, json_node_ref (test_period));
    }
  ax_train_add_notes (b, (const char * const *) result->notes);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

/* The blob: one series is the engine's own blob; a group is "AXFG",
 * version 1, the number of items, then per item its name and its
 * series' blob, each preceded by its length (little-endian). */

#define GROUP_MAGIC "AXFG"
#define GROUP_VERSION 1
#define SERIES_MAGIC "AXFC"

static void
put_u32 (GByteArray *b,
         guint32     v)
{
  guint32 le = GUINT32_TO_LE (v);

  g_byte_array_append (b, (const guint8 *) &le, sizeof le);
}

static void
put_u64 (GByteArray *b,
         guint64     v)
{
  guint64 le = GUINT64_TO_LE (v);

  g_byte_array_append (b, (const guint8 *) &le, sizeof le);
}

static GBytes *
save_blob (const AxForecastResult *result)
{
  GByteArray *b;

  if (result->group_by == NULL)
    return ax_forecast_save (((AxForecastItem *) result->items->pdata[0])->forecaster);
  b = g_byte_array_new ();
  g_byte_array_append (b, (const guint8 *) GROUP_MAGIC, 4);
  put_u32 (b, GROUP_VERSION);
  put_u32 (b, result->items->len);
  for (guint i = 0; i < result->items->len; i++)
    {
      const AxForecastItem *fi = result->items->pdata[i];
      g_autoptr(GBytes) one = ax_forecast_save (fi->forecaster);
      gsize len = strlen (fi->item);
      gsize size = 0;
      const guint8 *data = g_bytes_get_data (one, &size);

      put_u32 (b, (guint32) len);
      g_byte_array_append (b, (const guint8 *) fi->item, (guint) len);
      put_u64 (b, size);
      g_byte_array_append (b, data, (guint) size);
    }
  return g_byte_array_free_to_bytes (b);
}

gboolean
ax_forecast_is_model_blob (GBytes *blob)
{
  gsize size = 0;
  const guint8 *data = blob ? g_bytes_get_data (blob, &size) : NULL;

  return size >= 4 && (memcmp (data, GROUP_MAGIC, 4) == 0 || memcmp (data, SERIES_MAGIC, 4) == 0);
}

/* Reads @len bytes at *@pos of @data (@size bytes), or FALSE. */
static const guint8 *
take (const guint8 *data,
      gsize         size,
      gsize        *pos,
      guint64       len)
{
  const guint8 *p;

  if (len > size - *pos)
    return NULL;
  p = data + *pos;
  *pos += len;
  return p;
}

/* The items of a saved forecast model (AxForecastItem with item and
 * forecaster set). */
static GPtrArray *
load_blob (GBytes      *blob,
           GError     **error)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) ax_forecast_item_free);
  gsize size = 0, pos = 4;
  const guint8 *data = g_bytes_get_data (blob, &size);
  const guint8 *p;
  guint32 version, n;

  if (size >= 4 && memcmp (data, SERIES_MAGIC, 4) == 0)
    {
      AxForecastItem *fi = g_new0 (AxForecastItem, 1);

      g_ptr_array_add (items, fi);
      fi->forecaster = ax_forecast_load (blob, error);
      return fi->forecaster ? g_steal_pointer (&items) : NULL;
    }
  if (size < 12 || memcmp (data, GROUP_MAGIC, 4) != 0)
    goto damaged;
  memcpy (&version, take (data, size, &pos, 4), 4);
  memcpy (&n, take (data, size, &pos, 4), 4);
  version = GUINT32_FROM_LE (version);
  n = GUINT32_FROM_LE (n);
  if (version > GROUP_VERSION)
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_BLOB,
                   _("the forecasts were saved by a newer Auspex (format %u); update Auspex to use them"),
                   version);
      return NULL;
    }
  for (guint32 i = 0; i < n; i++)
    {
      g_autoptr(GBytes) one = NULL;
      AxForecastItem *fi;
      guint32 len;
      guint64 blob_len;

      if ((p = take (data, size, &pos, 4)) == NULL)
        goto damaged;
      memcpy (&len, p, 4);
      len = GUINT32_FROM_LE (len);
      if ((p = take (data, size, &pos, len)) == NULL)
        goto damaged;
      fi = g_new0 (AxForecastItem, 1);
      g_ptr_array_add (items, fi);
      fi->item = g_strndup ((const char *) p, len);
      if ((p = take (data, size, &pos, 8)) == NULL)
        goto damaged;
      memcpy (&blob_len, p, 8);
      blob_len = GUINT64_FROM_LE (blob_len);
      if ((p = take (data, size, &pos, blob_len)) == NULL)
        goto damaged;
      one = g_bytes_new_from_bytes (blob, (gsize) (p - data), (gsize) blob_len);
      fi->forecaster = ax_forecast_load (one, error);
      if (fi->forecaster == NULL)
        return NULL;
    }
  if (pos == size && n > 0)
    return g_steal_pointer (&items);

damaged:
  g_set_error_literal (error, AX_LEARN_ERROR, AX_LEARN_ERROR_BLOB,
                       _("the saved forecasts are damaged"));
  return NULL;
}

/* Recording the forecasts */

static char *
builder_text (JsonBuilder *b)
{
  g_autoptr(JsonNode) root = json_builder_get_root (b);

  return json_to_string (root, FALSE);
}

/* Every forecast of @result as a prediction of its model version: input
 * {"time", and "item" for a group}, output {"value", "lower_bound" and
 * "upper_bound" at the widest level with "level", "lower_L"/"upper_L" at
 * each, "sd"}.  One transaction, or the caller's. */
static gboolean
record_forecasts (AxStore           *store,
                  AxForecastResult  *result,
                  GError           **error)
{
  g_autoptr(GPtrArray) inputs = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) outputs = g_ptr_array_new_with_free_func (g_free);
  g_autofree gint64 *ids = NULL;
  g_autofree char *created = NULL;
  guint widest = 0;

  for (guint l = 1; l < result->n_levels; l++)
    if (result->levels[l] > result->levels[widest])
      widest = l;
  for (guint i = 0; i < result->items->len; i++)
    {
      const AxForecastItem *fi = result->items->pdata[i];
      const AxForecastPrediction *p = fi->prediction;

      for (guint h = 0; h < p->horizon; h++)
        {
          g_autoptr(JsonBuilder) in = json_builder_new ();
          g_autoptr(JsonBuilder) out = json_builder_new ();
          g_autofree char *time = ax_forecast_format_time (result, p->time[h]);

          json_builder_begin_object (in);
          json_builder_set_member_name (in, "time");
          json_builder_add_string_value (in, time ? time : "");
          if (fi->item)
            {
              json_builder_set_member_name (in, "item");
              json_builder_add_string_value (in, fi->item);
            }
          json_builder_end_object (in);
          g_ptr_array_add (inputs, builder_text (in));

          json_builder_begin_object (out);
          ax_train_add_number (out, "value", p->mean[h]);
          if (p->n_levels > 0)
            {
              ax_train_add_number (out, "lower_bound", p->lower[widest * p->horizon + h]);
              ax_train_add_number (out, "upper_bound", p->upper[widest * p->horizon + h]);
              ax_train_add_number (out, "level", p->levels[widest]);
            }
          for (guint l = 0; l < p->n_levels; l++)
            {
              g_autofree char *lower = ax_forecast_bound_name ("lower", p->levels[l]);
              g_autofree char *upper = ax_forecast_bound_name ("upper", p->levels[l]);
              ax_train_add_number (out, lower, p->lower[l * p->horizon + h]);
              ax_train_add_number (out, upper, p->upper[l * p->horizon + h]);
            }
          ax_train_add_number (out, "sd", p->sd[h]);
          json_builder_end_object (out);
          g_ptr_array_add (outputs, builder_text (out));
        }
    }
  result->n_predictions = inputs->len;
  if (inputs->len == 0)
    return TRUE;
  ids = g_new (gint64, inputs->len);
  if (!ax_store_record_predictions (store, result->model_id, result->version, inputs->len,
                                    (const char * const *) inputs->pdata,
                                    (const char * const *) outputs->pdata,
                                    NULL, ids, &created, error))
    return FALSE;
  result->first_prediction_id = ids[0];
  result->created = g_steal_pointer (&created);
  return TRUE;
}

/* Training */

static void
prepend_notes (AxForecastResult *result,
               GPtrArray        *notes)
{
  g_autoptr(GPtrArray) all = g_ptr_array_new ();

  for (guint i = 0; i < notes->len; i++)
    g_ptr_array_add (all, g_strdup (notes->pdata[i]));
  for (guint i = 0; result->notes && result->notes[i]; i++)
    g_ptr_array_add (all, g_steal_pointer (&result->notes[i]));
  g_ptr_array_add (all, NULL);
  g_free (result->notes);
  result->notes = (char **) g_ptr_array_steal (all, NULL);
}

static gboolean
train_model (const char            *project_path,
             const char            *config_json,
             const AxTrainMonitor  *monitor,
             GCancellable          *cancellable,
             AxForecastResult      *result,
             GError               **error)
{
  g_autoptr(AxForecastConfig) config = NULL;
  g_autoptr(AxStore) store = NULL;
  g_autoptr(GBytes) blob = NULL;
  g_autofree char *stored_config = NULL;
  g_autofree char *metrics = NULL;
  g_autoptr(JsonNode) test_period = NULL;
  g_autoptr(GError) local = NULL;
  AxTrainMonitor engine_monitor = { 0 };
  AxProgressStage stage = { 0 };
  AxModelInfo model_info = { 0 };
  AxModelVersion version = { 0 };

  config = ax_forecast_config_parse (config_json, error);
  if (config == NULL)
    return FALSE;
  store = ax_store_open (project_path, error);
  if (store == NULL)
    return FALSE;
  if (monitor)
    engine_monitor = *monitor;
  engine_monitor.seed = config->seed;
  /* Fitting, then refitting for the test period (see
   * ax_model_admin_forecast_test_period()). */
  stage.func = engine_monitor.progress;
  stage.data = engine_monitor.progress_data;
  stage.span = 0.85;
  engine_monitor.progress = ax_progress_stage_report;
  engine_monitor.progress_data = &stage;
  if (!ax_forecast_run (store, &config->request, "target", &engine_monitor, cancellable, result, error))
    return FALSE;
  prepend_notes (result, config->notes);
  stage.base = 0.85;
  stage.span = 0.15;
  test_period = ax_model_admin_forecast_test_period (result, &config->request.options, &engine_monitor,
                                                     cancellable, &local);
  if (local)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }

  stored_config = ax_forecast_config_to_json (config);
  metrics = metrics_json (result, test_period);
  blob = save_blob (result);
  model_info.name = config->model_name;
  model_info.model_type = (char *) ax_model_type_to_string (config->model_type);
  model_info.algorithm = config->algorithm;
  model_info.description = config->description;
  version.config = stored_config;
  version.metrics = metrics;
  version.curve = (char *) "[]";
  version.importance = (char *) "[]";
  version.dataset_name = result->dataset_name;
  version.dataset_hash = result->dataset_hash;
  for (guint i = 0; i < result->items->len; i++)
    {
      const AxForecastReport *r = ax_forecast_get_report (((AxForecastItem *) result->items->pdata[i])->forecaster);
      version.n_train += r->n_obs;
      version.n_valid += r->backtest.n;
    }
  version.seconds = result->seconds;
  version.blob = blob;

  /* The last moment a cancel still leaves no trace. */
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  /* The version and its forecasts appear together or not at all. */
  if (!ax_store_begin (store, error))
    return FALSE;
  if (!ax_store_save_model_version (store, &model_info, &version, &result->model_id, &result->version, error) ||
      !record_forecasts (store, result, error) ||
      !ax_store_commit (store, error))
    {
      ax_store_rollback (store);
      return FALSE;
    }
  result->model_name = g_strdup (config->model_name);
  result->metrics = g_steal_pointer (&metrics);
  return TRUE;
}

gboolean
ax_forecast_train_model (const char            *project_path,
                         const char            *config_json,
                         const AxTrainMonitor  *monitor,
                         GCancellable          *cancellable,
                         AxForecastResult      *result,
                         GError               **error)
{
  memset (result, 0, sizeof *result);
  if (train_model (project_path, config_json, monitor, cancellable, result, error))
    return TRUE;
  ax_forecast_result_clear (result);
  return FALSE;
}

gboolean
ax_forecast_train (const char            *project_path,
                   const char            *config_json,
                   const AxTrainMonitor  *monitor,
                   GCancellable          *cancellable,
                   AxTrainResult         *result,
                   GError               **error)
{
  AxForecastResult *fr = g_new0 (AxForecastResult, 1);

  if (!ax_forecast_train_model (project_path, config_json, monitor, cancellable, fr, error))
    {
      g_free (fr);
      return FALSE;
    }
  result->model_id = fr->model_id;
  result->model_name = g_strdup (fr->model_name);
  result->version = fr->version;
  result->dataset_name = g_strdup (fr->dataset_name);
  result->dataset_hash = g_strdup (fr->dataset_hash);
  result->metrics = g_strdup (fr->metrics);
  result->forecast = fr;
  return TRUE;
}

/* Forecasting again with a stored version */

static AxColumnType
stored_time_type (const char *metrics)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  AxColumnType type = AX_COLUMN_DATE;
  JsonNode *root;

  if (metrics && json_parser_load_from_data (parser, metrics, -1, NULL) &&
      (root = json_parser_get_root (parser)) != NULL && JSON_NODE_HOLDS_OBJECT (root))
    {
      const char *name = json_object_get_string_member_with_default (json_node_get_object (root),
                                                                     "time_type", "date");
      if (!ax_column_type_from_string (name, &type))
        type = AX_COLUMN_DATE;
    }
  return type;
}

static gboolean
forecast_stored (const char              *project_path,
                 const char              *model_ref,
                 guint                    horizon,
                 const AxForecastOptions *levels,
                 GFile                   *output,
                 AxForecastResult        *result,
                 GError                 **error)
{
  g_autoptr(AxStore) store = NULL;
  g_autoptr(AxModelInfo) info = NULL;
  g_autoptr(AxModelVersion) version = NULL;
  g_autoptr(AxForecastConfig) config = NULL;
  g_autoptr(GError) local = NULL;
  AxModelType type;
  gint64 model_id = 0;
  guint number = 0;

  store = ax_store_open (project_path, error);
  if (store == NULL || !ax_train_resolve_model (store, model_ref, &model_id, &number, error))
    return FALSE;
  info = ax_store_get_model (store, model_id, NULL, error);
  if (info == NULL)
    return FALSE;
  version = ax_store_get_model_version (store, model_id, number, error);
  if (version == NULL)
    return FALSE;
  if (!ax_model_type_from_string (info->model_type, &type) || !ax_forecast_is_model_type (type) ||
      !ax_forecast_is_model_blob (version->blob))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("Model “%s” is not a forecast model; predict with it instead"), info->name);
      return FALSE;
    }
  config = ax_forecast_config_parse (version->config, &local);
  result->items = load_blob (version->blob, local ? NULL : &local);
  if (config == NULL || result->items == NULL)
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_BLOB,
                   _("Version %u of model “%s” cannot be used: %s"),
                   version->version, info->name, local->message);
      return FALSE;
    }

  result->dataset_name = g_strdup (version->dataset_name);
  result->dataset_hash = g_strdup (version->dataset_hash);
  result->time_column = g_strdup (config->time_column);
  result->value_column = g_strdup (config->target);
  result->group_by = g_strdup (config->group_by);
  result->time_type = stored_time_type (version->metrics);
  for (guint i = 0; i < result->items->len; i++)
    {
      AxForecastItem *fi = result->items->pdata[i];

      fi->prediction = ax_forecast_predict (fi->forecaster, horizon,
                                            levels && levels->n_levels ? levels->levels : NULL,
                                            levels ? levels->n_levels : 0, NULL, error);
      if (fi->prediction == NULL)
        return FALSE;
      if (config->request.inventory)
        {
          fi->plan = ax_forecast_plan_item (fi->forecaster, fi->prediction,
                                            &config->request.inventory_params, fi->item, error);
          if (fi->plan == NULL)
            return FALSE;
        }
    }
  {
    const AxForecastPrediction *p = ((AxForecastItem *) result->items->pdata[0])->prediction;

    result->n_levels = p->n_levels;
    memcpy (result->levels, p->levels, sizeof result->levels);
  }
  result->notes = g_new0 (char *, 1);
  result->model_id = info->id;
  result->model_name = g_strdup (info->name);
  result->version = version->version;
  result->metrics = g_strdup (version->metrics);

  /* The file is written inside the transaction that records the
   * forecasts, so that both happen or neither does. */
  if (!ax_store_begin (store, error))
    return FALSE;
  if (!record_forecasts (store, result, error) ||
      (output && !ax_forecast_write_csv (result, project_path, output, NULL, error)))
    {
      ax_store_rollback (store);
      return FALSE;
    }
  if (!ax_store_commit (store, error))
    {
      if (output)
        g_file_delete (output, NULL, NULL);
      return FALSE;
    }
  return TRUE;
}

gboolean
ax_forecast_stored_model (const char              *project_path,
                          const char              *model_ref,
                          guint                    horizon,
                          const AxForecastOptions *levels,
                          GFile                   *output,
                          AxForecastResult        *result,
                          GError                 **error)
{
  memset (result, 0, sizeof *result);
  if (forecast_stored (project_path, model_ref, horizon, levels, output, result, error))
    return TRUE;
  ax_forecast_result_clear (result);
  return FALSE;
}
