/* ax-forecast-output.c — forecasts as CSV and JSON */

#include "ax-config.h"
#include "ax-export.h"
#include "ax-forecast-job-private.h"
#include "ax-train-private.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

char *
ax_forecast_bound_name (const char *side,
                        double      level)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  return g_strdup_printf ("%s_%s", side, g_ascii_formatd (buf, sizeof buf, "%g", level));
}

char *
ax_forecast_format_time (const AxForecastResult *result,
                         double                  days)
{
  char buf[64];

  if (!isfinite (days))
    return NULL;
  switch (result->time_type)
    {
    case AX_COLUMN_DATE:
      ax_format_date ((gint64) floor (days + 0.5), buf, sizeof buf);
      break;
    case AX_COLUMN_DATETIME:
      ax_format_datetime ((gint64) llround (days * 86400.0), buf, sizeof buf);
      break;
    case AX_COLUMN_INTEGER:
    case AX_COLUMN_REAL:
    case AX_COLUMN_BOOLEAN:
    case AX_COLUMN_CATEGORICAL:
    case AX_COLUMN_TEXT:
    case AX_N_COLUMN_TYPES:
    default:
      ax_format_real (days, buf, sizeof buf);
      break;
    }
  return g_strdup (buf);
}

static void
append_csv_field (GString    *out,
                  const char *s)
{
  if (strpbrk (s, ",\"\r\n") == NULL)
    {
      g_string_append (out, s);
      return;
    }
  g_string_append_c (out, '"');
  for (; *s; s++)
    {
      if (*s == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *s);
    }
  g_string_append_c (out, '"');
}

static GString *
csv_text (const AxForecastResult *result)
{
  GString *out = g_string_new (NULL);

  if (result->group_by)
    {
      append_csv_field (out, result->group_by);
      g_string_append_c (out, ',');
    }
  g_string_append (out, "time,forecast");
  for (guint l = 0; l < result->n_levels; l++)
    {
      g_autofree char *lower = ax_forecast_bound_name ("lower", result->levels[l]);
      g_autofree char *upper = ax_forecast_bound_name ("upper", result->levels[l]);
      g_string_append_printf (out, ",%s,%s", lower, upper);
    }
  g_string_append (out, "\r\n");

  for (guint i = 0; i < result->items->len; i++)
    {
      const AxForecastItem *fi = result->items->pdata[i];
      const AxForecastPrediction *p = fi->prediction;

      for (guint h = 0; h < p->horizon; h++)
        {
          g_autofree char *time = ax_forecast_format_time (result, p->time[h]);

          if (result->group_by)
            {
              append_csv_field (out, fi->item ? fi->item : "");
              g_string_append_c (out, ',');
            }
          append_csv_field (out, time ? time : "");
          g_string_append_c (out, ',');
          ax_export_append_number (out, p->mean[h]);
          for (guint l = 0; l < p->n_levels && l < result->n_levels; l++)
            {
              g_string_append_c (out, ',');
              ax_export_append_number (out, p->lower[l * p->horizon + h]);
              g_string_append_c (out, ',');
              ax_export_append_number (out, p->upper[l * p->horizon + h]);
            }
          g_string_append (out, "\r\n");
        }
    }
  return out;
}

gboolean
ax_forecast_write_csv (const AxForecastResult *result,
                       const char             *project_path,
                       GFile                  *output,
                       GCancellable           *cancellable,
                       GError                **error)
{
  g_autoptr(GString) text = NULL;
  g_autoptr(GFile) parent = g_file_get_parent (output);
  g_autoptr(GFile) tmp = NULL;
  g_autofree char *base = g_file_get_basename (output);
  g_autofree char *name = NULL;

  if (ax_export_is_project_file (project_path, output))
    {
      g_autofree char *project = g_path_get_basename (project_path);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   _("Will not write forecasts over the project “%s” itself; choose another file"),
                   project);
      return FALSE;
    }
  if (parent == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME,
                   _("Cannot write forecasts to “%s”; choose a file in a folder"), base);
      return FALSE;
    }
  /* Written beside @output and renamed over it: a failure leaves whatever
   * was there before. */
  name = g_strdup_printf (".%s.part-%d", base, (int) getpid ());
  tmp = g_file_get_child (parent, name);
  text = csv_text (result);
  if (!g_file_replace_contents (tmp, text->str, text->len, NULL, FALSE, G_FILE_CREATE_NONE,
                                NULL, cancellable, error))
    return FALSE;
  if (!g_file_move (tmp, output, G_FILE_COPY_OVERWRITE, cancellable, NULL, NULL, error))
    {
      g_file_delete (tmp, NULL, NULL);
      return FALSE;
    }
  return TRUE;
}

/* The result as JSON */

void
ax_forecast_add_accuracy (JsonBuilder              *b,
                          const AxForecastAccuracy *acc,
                          guint                     n_levels,
                          const double             *levels)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "rows");
  json_builder_add_int_value (b, acc->n);
  ax_train_add_number (b, "mae", acc->mae);
  ax_train_add_number (b, "rmse", acc->rmse);
  ax_train_add_number (b, "mape", acc->mape);
  ax_train_add_number (b, "smape", acc->smape);
  ax_train_add_number (b, "mase", acc->mase);
  for (guint l = 0; l < n_levels; l++)
    {
      g_autofree char *name = ax_forecast_bound_name ("coverage", levels[l]);
      ax_train_add_number (b, name, acc->coverage[l]);
    }
  json_builder_end_object (b);
}

static void
add_string_or_null (JsonBuilder *b,
                    const char  *name,
                    const char  *value)
{
  json_builder_set_member_name (b, name);
  if (value)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

static void
add_plan (JsonBuilder           *b,
          const AxInventoryPlan *plan)
{
  json_builder_begin_object (b);
  ax_train_add_number (b, "lead_time_demand", plan->lead_time_mean);
  ax_train_add_number (b, "lead_time_sd", plan->lead_time_sd);
  ax_train_add_number (b, "z", plan->z);
  ax_train_add_number (b, "safety_stock", plan->safety_stock);
  ax_train_add_number (b, "reorder_point", plan->reorder_point);
  ax_train_add_number (b, "annual_demand", plan->annual_demand);
  ax_train_add_number (b, "order_quantity", plan->order_quantity);
  ax_train_add_number (b, "orders_per_year", plan->orders_per_year);
  ax_train_add_number (b, "annual_cost", plan->annual_cost);
  json_builder_end_object (b);
}

static void
add_model (JsonBuilder            *b,
           const AxForecastReport *r)
{
  json_builder_set_member_name (b, "model");
  json_builder_add_string_value (b, r->name);
  json_builder_set_member_name (b, "method");
  json_builder_add_string_value (b, ax_forecast_method_to_string (r->method));
  json_builder_set_member_name (b, "frequency");
  json_builder_add_string_value (b, ax_frequency_to_string (r->frequency));
  json_builder_set_member_name (b, "observations");
  json_builder_add_int_value (b, r->n_obs);
  json_builder_set_member_name (b, "period");
  json_builder_add_int_value (b, r->period);
  if (r->ets[0] != '\0')
    {
      json_builder_set_member_name (b, "ets");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "model");
      json_builder_add_string_value (b, r->ets);
      ax_train_add_number (b, "alpha", r->alpha);
      ax_train_add_number (b, "beta", r->beta);
      ax_train_add_number (b, "gamma", r->gamma);
      ax_train_add_number (b, "phi", r->phi);
      ax_train_add_number (b, "sigma2", r->sigma2);
      ax_train_add_number (b, "loglik", r->loglik);
      ax_train_add_number (b, "aicc", r->aicc);
      json_builder_end_object (b);
    }
  json_builder_set_member_name (b, "backtest_origins");
  json_builder_add_int_value (b, r->backtest_origins);
  json_builder_set_member_name (b, "backtest");
  ax_forecast_add_accuracy (b, &r->backtest, r->n_levels, r->levels);
  /* The ranges' calibration: each level's range is the model's own range
   * at range_level, and its own range held model_coverage of the backtest. */
  json_builder_set_member_name (b, "calibration");
  json_builder_begin_object (b);
  for (guint l = 0; l < r->n_levels; l++)
    {
      g_autofree char *level = ax_forecast_bound_name ("range_level", r->levels[l]);
      g_autofree char *cover = ax_forecast_bound_name ("model_coverage", r->levels[l]);
      ax_train_add_number (b, level, r->range_levels[l]);
      ax_train_add_number (b, cover, r->model_coverage[l]);
    }
  json_builder_end_object (b);
  json_builder_set_member_name (b, "candidates");
  json_builder_begin_array (b);
  for (guint c = 0; c < r->n_candidates; c++)
    {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "model");
      json_builder_add_string_value (b, r->candidates[c].name);
      json_builder_set_member_name (b, "method");
      json_builder_add_string_value (b, ax_forecast_method_to_string (r->candidates[c].method));
      json_builder_set_member_name (b, "backtest");
      ax_forecast_add_accuracy (b, &r->candidates[c].backtest, r->n_levels, r->levels);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  ax_train_add_number (b, "seconds", r->seconds);
  json_builder_set_member_name (b, "notes");
  json_builder_begin_array (b);
  for (guint i = 0; r->notes && r->notes[i]; i++)
    json_builder_add_string_value (b, r->notes[i]);
  json_builder_end_array (b);
}

static void
add_rows (JsonBuilder            *b,
          const AxForecastResult *result,
          const AxForecastPrediction *p)
{
  json_builder_set_member_name (b, "forecasts");
  json_builder_begin_array (b);
  for (guint h = 0; h < p->horizon; h++)
    {
      g_autofree char *time = ax_forecast_format_time (result, p->time[h]);

      json_builder_begin_object (b);
      add_string_or_null (b, "time", time);
      ax_train_add_number (b, "forecast", p->mean[h]);
      for (guint l = 0; l < p->n_levels; l++)
        {
          g_autofree char *lower = ax_forecast_bound_name ("lower", p->levels[l]);
          g_autofree char *upper = ax_forecast_bound_name ("upper", p->levels[l]);
          ax_train_add_number (b, lower, p->lower[l * p->horizon + h]);
          ax_train_add_number (b, upper, p->upper[l * p->horizon + h]);
        }
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

JsonNode *
ax_forecast_result_to_json (const AxForecastResult *result,
                            gboolean                with_rows)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  if (result->model_name)
    {
      json_builder_set_member_name (b, "model_id");
      json_builder_add_int_value (b, result->model_id);
      json_builder_set_member_name (b, "model_name");
      json_builder_add_string_value (b, result->model_name);
      json_builder_set_member_name (b, "version");
      json_builder_add_int_value (b, result->version);
    }
  add_string_or_null (b, "dataset", result->dataset_name);
  add_string_or_null (b, "dataset_hash", result->dataset_hash);
  add_string_or_null (b, "time_column", result->time_column);
  add_string_or_null (b, "value_column", result->value_column);
  add_string_or_null (b, "group_by", result->group_by);
  json_builder_set_member_name (b, "levels");
  json_builder_begin_array (b);
  for (guint l = 0; l < result->n_levels; l++)
    json_builder_add_double_value (b, result->levels[l]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "series");
  json_builder_begin_array (b);
  for (guint i = 0; result->items && i < result->items->len; i++)
    {
      const AxForecastItem *fi = result->items->pdata[i];

      json_builder_begin_object (b);
      add_string_or_null (b, "item", fi->item);
      add_model (b, ax_forecast_get_report (fi->forecaster));
      json_builder_set_member_name (b, "horizon");
      json_builder_add_int_value (b, fi->prediction->horizon);
      if (fi->plan)
        {
          json_builder_set_member_name (b, "inventory");
          add_plan (b, fi->plan);
        }
      if (with_rows)
        add_rows (b, result, fi->prediction);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  ax_train_add_number (b, "seconds", result->seconds);
  json_builder_set_member_name (b, "notes");
  json_builder_begin_array (b);
  for (guint i = 0; result->notes && result->notes[i]; i++)
    json_builder_add_string_value (b, result->notes[i]);
  json_builder_end_array (b);
  if (result->model_name)
    {
      json_builder_set_member_name (b, "predictions");
      json_builder_add_int_value (b, result->n_predictions);
      json_builder_set_member_name (b, "first_prediction_id");
      if (result->n_predictions)
        json_builder_add_int_value (b, result->first_prediction_id);
      else
        json_builder_add_null_value (b);
      add_string_or_null (b, "prediction_timestamp", result->created);
    }
  json_builder_end_object (b);
  return json_builder_get_root (b);
}
