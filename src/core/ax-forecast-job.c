/* ax-forecast-job.c — forecasting the series of a dataset */

#include "ax-config.h"
#include "ax-forecast-job-private.h"
#include "ax-train-private.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

/* Share of a forecast's progress spent reading the dataset. */
#define READ_SHARE 0.1

void
ax_forecast_request_init (AxForecastRequest *request)
{
  memset (request, 0, sizeof *request);
  request->frequency = AX_FREQUENCY_AUTO;
  request->aggregate = AX_AGGREGATE_SUM;
  ax_forecast_options_init (&request->options);
  request->inventory_params.lead_time = 1;
  request->inventory_params.service_level = 0.95;
  request->inventory_params.holding_cost = NAN;
  request->inventory_params.ordering_cost = NAN;
  request->inventory_params.annual_demand = NAN;
}

gboolean
ax_forecast_parse_levels (const char         *text,
                          const char         *field,
                          AxForecastOptions  *options,
                          GError            **error)
{
  g_auto(GStrv) parts = g_strsplit (text ? text : "", ",", -1);
  double levels[AX_FORECAST_MAX_LEVELS];
  guint n = 0;

  for (guint i = 0; parts[i]; i++)
    {
      char *part = g_strstrip (parts[i]);
      char *end = NULL;
      double v;

      if (*part == '\0' && parts[i + 1] == NULL && i > 0)
        break;
      v = g_ascii_strtod (part, &end);
      if (*part == '\0' || *end != '\0' || !(v > 0 && v < 100))
        {
          g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                       _("%s: “%s” is not a level; give percentages above 0 and below 100, such as 80,95"),
                       field, part);
          return FALSE;
        }
      for (guint k = 0; k < n; k++)
        if (levels[k] == v)
          {
            g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                         _("%s: %g is given twice"), field, v);
            return FALSE;
          }
      if (n == AX_FORECAST_MAX_LEVELS)
        {
          g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                       _("%s: at most %d levels"), field, AX_FORECAST_MAX_LEVELS);
          return FALSE;
        }
      levels[n++] = v;
    }
  if (n == 0)
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                   _("%s: give at least one level, such as 80,95"), field);
      return FALSE;
    }
  options->n_levels = n;
  memcpy (options->levels, levels, n * sizeof levels[0]);
  return TRUE;
}

void
ax_forecast_item_free (AxForecastItem *item)
{
  if (item == NULL)
    return;
  g_free (item->item);
  g_clear_pointer (&item->forecaster, ax_forecast_free);
  g_clear_pointer (&item->prediction, ax_forecast_prediction_free);
  g_clear_pointer (&item->plan, ax_inventory_plan_free);
  g_free (item);
}

void
ax_forecast_result_clear (AxForecastResult *result)
{
  g_clear_pointer (&result->dataset_name, g_free);
  g_clear_pointer (&result->dataset_hash, g_free);
  g_clear_pointer (&result->time_column, g_free);
  g_clear_pointer (&result->value_column, g_free);
  g_clear_pointer (&result->group_by, g_free);
  g_clear_pointer (&result->items, g_ptr_array_unref);
  g_clear_pointer (&result->notes, g_strfreev);
  g_clear_pointer (&result->model_name, g_free);
  g_clear_pointer (&result->metrics, g_free);
  g_clear_pointer (&result->created, g_free);
  memset (result, 0, sizeof *result);
}

void
ax_forecast_result_free (AxForecastResult *result)
{
  if (result == NULL)
    return;
  ax_forecast_result_clear (result);
  g_free (result);
}

/* Checking the request against the data */

static char *
column_names (const AxFrame *frame)
{
  g_autoptr(GString) names = g_string_new (NULL);

  for (guint c = 0; c < frame->n_columns; c++)
    g_string_append_printf (names, "%s“%s”", c ? ", " : "", frame->columns[c].name);
  return g_string_free (g_steal_pointer (&names), FALSE);
}

/* The column @name names for @field, or NULL with an error that lists the
 * columns there are. */
static const AxColumn *
find_column (const AxFrame  *frame,
             const char     *dataset,
             const char     *field,
             const char     *name,
             GError        **error)
{
  int c;

  if (name == NULL || *name == '\0')
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                   _("%s: name a column of dataset “%s”"), field, dataset);
      return NULL;
    }
  c = ax_frame_find_column (frame, name);
  if (c < 0)
    {
      g_autofree char *names = column_names (frame);
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                   _("%s: dataset “%s” has no column “%s”; it has %s"),
                   field, dataset, name, names);
      return NULL;
    }
  return &frame->columns[c];
}

static gboolean
check_columns (const AxFrame            *frame,
               const AxForecastRequest  *request,
               const char               *value_field,
               GError                  **error)
{
  const AxColumn *time, *value;

  time = find_column (frame, request->dataset, "time_column", request->time_column, error);
  if (time == NULL)
    return FALSE;
  if (time->type == AX_COLUMN_BOOLEAN || time->type == AX_COLUMN_CATEGORICAL ||
      time->type == AX_COLUMN_TEXT)
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                   _("time_column: “%s” holds %s values, not dates or times"),
                   time->name, ax_column_type_to_string (time->type));
      return FALSE;
    }
  value = find_column (frame, request->dataset, value_field, request->value_column, error);
  if (value == NULL)
    return FALSE;
  if (!ax_column_type_is_numeric (value->type))
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                   _("%s: “%s” holds %s values, not numbers"),
                   value_field, value->name, ax_column_type_to_string (value->type));
      return FALSE;
    }
  if (value == time)
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                   _("%s: “%s” is the time column; name the column to forecast"),
                   value_field, value->name);
      return FALSE;
    }
  if (request->group_by)
    {
      const AxColumn *group = find_column (frame, request->dataset, "group_by", request->group_by, error);

      if (group == NULL)
        return FALSE;
      if (group == time || group == value)
        {
          g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                       group == time
                       ? _("group_by: “%s” is the time column; name the column that tells the series apart")
                       : _("group_by: “%s” is the column to forecast; name the column that tells the series apart"),
                       group->name);
          return FALSE;
        }
    }
  return TRUE;
}

/* Fitting */

/* Appends " (for store “B”)" to @error's message, so that a message
 * still begins with its field. */
static void
mention_item (GError     *error,
              const char *group_by,
              const char *item)
{
  char *message = g_strdup_printf (_("%s (for %s “%s”)"), error->message, group_by, item);

  g_free (error->message);
  error->message = message;
}

AxInventoryPlan *
ax_forecast_plan_item (const AxForecaster          *fc,
                       const AxForecastPrediction  *prediction,
                       const AxInventoryParams     *params,
                       const char                  *item,
                       GError                     **error)
{
  g_autoptr(AxForecastPrediction) lead = NULL;
  const AxForecastPrediction *p = prediction;
  AxInventoryPlan *plan;

  /* The plan needs the demand over the whole lead time. */
  if (prediction->horizon < params->lead_time)
    {
      lead = ax_forecast_predict (fc, params->lead_time, NULL, 0, NULL, error);
      if (lead == NULL)
        return NULL;
      p = lead;
    }
  plan = ax_inventory_plan_from_prediction (p, ax_forecast_get_report (fc)->frequency, params, error);
  if (plan == NULL)
    return NULL;
  g_free (plan->item);
  plan->item = g_strdup (item);
  return plan;
}

/* Fits one series and forecasts it; with inventory planning, plans it. */
static AxForecastItem *
forecast_item (const AxFrame            *frame,
               const AxForecastRequest  *request,
               const char               *item,
               const AxTrainMonitor     *monitor,
               GCancellable             *cancellable,
               GError                  **error)
{
  g_autoptr(AxTimeSeries) series = NULL;
  g_autoptr(AxForecaster) fc = NULL;
  g_autoptr(AxForecastPrediction) prediction = NULL;
  g_autoptr(AxInventoryPlan) plan = NULL;
  AxSeriesSpec spec = { 0 };
  AxForecastItem *out;

  spec.time_column = request->time_column;
  spec.value_column = request->value_column;
  spec.item_column = item ? request->group_by : NULL;
  spec.item = item;
  spec.frequency = request->frequency;
  spec.aggregate = request->aggregate;
  spec.gaps_are_zero = request->gaps_are_zero;
  series = ax_series_new_from_frame (frame, &spec, error);
  if (series == NULL)
    return NULL;
  fc = ax_forecast_fit (series, &request->options, monitor, cancellable, error);
  if (fc == NULL)
    return NULL;
  prediction = ax_forecast_predict (fc, 0, NULL, 0, NULL, error);
  if (prediction == NULL)
    return NULL;

  if (request->inventory)
    {
      plan = ax_forecast_plan_item (fc, prediction, &request->inventory_params, item, error);
      if (plan == NULL)
        return NULL;
    }

  out = g_new0 (AxForecastItem, 1);
  out->item = g_strdup (item);
  out->forecaster = g_steal_pointer (&fc);
  out->prediction = g_steal_pointer (&prediction);
  out->plan = g_steal_pointer (&plan);
  return out;
}

gboolean
ax_forecast_run (AxStore                 *store,
                 const AxForecastRequest *request,
                 const char              *value_field,
                 const AxTrainMonitor    *monitor,
                 GCancellable            *cancellable,
                 AxForecastResult        *result,
                 GError                 **error)
{
  g_autoptr(AxDatasetInfo) info = NULL;
  g_autoptr(AxFrame) frame = NULL;
  g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) items = NULL;
  g_autoptr(GError) first_failure = NULL;
  AxTrainMonitor engine_monitor = { 0 };
  AxProgressStage stage = { 0 };
  guint n_items;
  gint64 start;

  if (request->dataset == NULL || *request->dataset == '\0')
    {
      g_set_error_literal (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                           _("dataset: name the dataset of the project to forecast"));
      return FALSE;
    }
  if (request->time_column == NULL || *request->time_column == '\0')
    {
      g_set_error_literal (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                           _("time_column: name the column that holds the time of each row"));
      return FALSE;
    }
  if (monitor)
    {
      engine_monitor = *monitor;
      stage.func = monitor->progress;
      stage.data = monitor->progress_data;
    }
  frame = ax_train_read_dataset (store, request->dataset, &info, &result->dataset_hash,
                                 stage.func, stage.data, READ_SHARE, cancellable, error);
  if (frame == NULL)
    return FALSE;
  if (!check_columns (frame, request, value_field, error))
    return FALSE;

  result->dataset_name = g_strdup (info->name);
  result->time_column = g_strdup (request->time_column);
  result->value_column = g_strdup (request->value_column);
  result->group_by = g_strdup (request->group_by);
  result->time_type = frame->columns[ax_frame_find_column (frame, request->time_column)].type;
  result->items = g_ptr_array_new_with_free_func ((GDestroyNotify) ax_forecast_item_free);

  if (request->group_by)
    {
      items = ax_series_list_items (frame, request->group_by, error);
      if (items == NULL)
        return FALSE;
      if (items[0] == NULL)
        {
          g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_DATA,
                       _("group_by: “%s” has no values in dataset “%s”"),
                       request->group_by, info->name);
          return FALSE;
        }
    }
  n_items = items ? g_strv_length (items) : 1;

  engine_monitor.progress = ax_progress_stage_report;
  engine_monitor.progress_data = &stage;
  stage.span = (1 - READ_SHARE) / n_items;
  start = g_get_monotonic_time ();
  for (guint i = 0; i < n_items; i++)
    {
      const char *item = items ? items[i] : NULL;
      g_autoptr(GError) local = NULL;
      AxForecastItem *fi;

      stage.base = READ_SHARE + stage.span * i;
      fi = forecast_item (frame, request, item, &engine_monitor, cancellable, &local);
      if (fi != NULL)
        {
          g_ptr_array_add (result->items, fi);
          continue;
        }
      /* Among many items some may be too new or too sparse to forecast:
       * they are left out and said so, the others still forecast. */
      if (item && g_error_matches (local, AX_LEARN_ERROR, AX_LEARN_ERROR_DATA))
        {
          g_ptr_array_add (notes, g_strdup_printf (_("%s “%s” was left out: %s"),
                                                   request->group_by, item, local->message));
          if (first_failure == NULL)
            {
              mention_item (local, request->group_by, item);
              first_failure = g_steal_pointer (&local);
            }
          continue;
        }
      if (item && local->domain == AX_LEARN_ERROR)
        mention_item (local, request->group_by, item);
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  result->seconds = (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC;
  if (result->items->len == 0)
    {
      g_propagate_error (error, g_steal_pointer (&first_failure));
      return FALSE;
    }
  {
    const AxForecastPrediction *p = ((AxForecastItem *) result->items->pdata[0])->prediction;

    result->n_levels = p->n_levels;
    memcpy (result->levels, p->levels, sizeof result->levels);
  }
  g_ptr_array_add (notes, NULL);
  result->notes = (char **) g_ptr_array_steal (notes, NULL);
  ax_progress_report (stage.func, stage.data, 1, NULL);
  return TRUE;
}

gboolean
ax_forecast_dataset (const char              *project_path,
                     const AxForecastRequest *request,
                     const AxTrainMonitor    *monitor,
                     GCancellable            *cancellable,
                     AxForecastResult        *result,
                     GError                 **error)
{
  g_autoptr(AxStore) store = NULL;

  memset (result, 0, sizeof *result);
  store = ax_store_open (project_path, error);
  if (store == NULL)
    return FALSE;
  if (ax_forecast_run (store, request, "value_column", monitor, cancellable, result, error))
    return TRUE;
  ax_forecast_result_clear (result);
  return FALSE;
}

/* The job */

typedef struct {
  char              *project_path;
  char              *dataset, *time_column, *value_column, *group_by;
  AxForecastRequest  request;
  AxForecastResult   result;
} ForecastData;

static void
forecast_data_free (gpointer p)
{
  ForecastData *d = p;

  g_free (d->project_path);
  g_free (d->dataset);
  g_free (d->time_column);
  g_free (d->value_column);
  g_free (d->group_by);
  g_free ((char *) d->request.options.ets_model);
  g_free ((char *) d->request.options.ml_algorithm);
  ax_forecast_result_clear (&d->result);
  g_free (d);
}

static gboolean
run_forecast (AxJob         *job,
              gpointer       data,
              GCancellable  *cancellable,
              GError       **error)
{
  ForecastData *d = data;
  AxTrainMonitor monitor = { .progress = ax_job_progress, .progress_data = job };

  return ax_forecast_dataset (d->project_path, &d->request, &monitor, cancellable, &d->result, error);
}

AxJob *
ax_forecast_job_new (const char              *project_path,
                     const AxForecastRequest *request)
{
  ForecastData *d = g_new0 (ForecastData, 1);
  g_autofree char *title = NULL;

  d->project_path = g_strdup (project_path);
  d->request = *request;
  d->request.dataset = d->dataset = g_strdup (request->dataset);
  d->request.time_column = d->time_column = g_strdup (request->time_column);
  d->request.value_column = d->value_column = g_strdup (request->value_column);
  d->request.group_by = d->group_by = g_strdup (request->group_by);
  d->request.options.ets_model = g_strdup (request->options.ets_model);
  d->request.options.ml_algorithm = g_strdup (request->options.ml_algorithm);
  /* Hyperparameters are borrowed and may not outlive the caller. */
  d->request.options.ml_params = NULL;
  title = g_strdup_printf (_("Forecasting “%s”"), request->value_column ? request->value_column : "");
  return ax_job_new (title, run_forecast, d, forecast_data_free);
}

AxForecastResult *
ax_forecast_job_get_result (AxJob *job)
{
  return &((ForecastData *) ax_job_get_data (job))->result;
}
