/* ax-inventory.c — safety stock, reorder point and order quantity from a
 * demand forecast
 *
 * The method (continuous review, order quantity Q at reorder point R):
 *
 *   lead-time demand   mu_LT = the sum of the forecast means over the L
 *                      periods of the lead time; sigma_LT = the standard
 *                      deviation of that sum under the forecasting model
 *                      (exact for ETS with additive errors and for the
 *                      baselines, from the simulated paths otherwise; it
 *                      includes the correlation between the periods'
 *                      errors, which a sqrt(L) sigma rule ignores);
 *   safety stock       SS = z sigma_LT, z = the standard normal quantile of
 *                      the cycle service level (the probability of no
 *                      stock-out in a replenishment cycle);
 *   reorder point      R = mu_LT + SS;
 *   order quantity     EOQ = sqrt(2 D S / H) (Harris–Wilson), with D the
 *                      annual demand (given, or the forecast's mean per
 *                      period over up to a year times the periods in a
 *                      year), S the cost of one order and H the cost of
 *                      holding one unit for a year;
 *   annual cost        S D / Q + H (Q / 2 + SS).
 */

#include "ax-config.h"
#include "ax-forecast-private.h"
#include "ax-types.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

void
ax_inventory_plan_free (AxInventoryPlan *plan)
{
  if (plan == NULL)
    return;
  g_free (plan->item);
  g_free (plan->error);
  g_free (plan);
}

gboolean
ax_inventory_params_check (const AxInventoryParams *p,
                           GError                 **error)
{
  if (p->lead_time < 1)
    return g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                        _("lead_time: must be at least 1 period")), FALSE;
  if (!(p->service_level >= 0.5 && p->service_level < 1))
    return g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                        _("service_level: must be at least 0.5 and below 1 (e.g. 0.95)")), FALSE;
  if (!(p->holding_cost > 0) || !isfinite (p->holding_cost))
    return g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                        _("holding_cost: must be above 0 (per unit per year)")), FALSE;
  if (!(p->ordering_cost > 0) || !isfinite (p->ordering_cost))
    return g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                        _("ordering_cost: must be above 0 (per order)")), FALSE;
  if (isinf (p->annual_demand))
    return g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                        _("annual_demand: must be a finite number")), FALSE;
  return TRUE;
}

AxInventoryPlan *
ax_inventory_plan (double                   mu_lt,
                   double                   sigma_lt,
                   double                   mean_per_period,
                   AxFrequency              freq,
                   const AxInventoryParams *params,
                   GError                 **error)
{
  AxInventoryPlan *plan;
  double d;

  if (!ax_inventory_params_check (params, error))
    return NULL;
  plan = g_new0 (AxInventoryPlan, 1);
  plan->lead_time_mean = mu_lt;
  plan->lead_time_sd = sigma_lt;
  plan->z = ax_normal_quantile (params->service_level);
  plan->safety_stock = plan->z * sigma_lt;
  plan->reorder_point = mu_lt + plan->safety_stock;
  d = params->annual_demand > 0 ? params->annual_demand
                                : MAX (mean_per_period, 0) * ax_frequency_per_year (freq);
  plan->annual_demand = d;
  plan->order_quantity = sqrt (2 * d * params->ordering_cost / params->holding_cost);
  plan->orders_per_year = plan->order_quantity > 0 ? d / plan->order_quantity : 0;
  plan->annual_cost = (plan->order_quantity > 0 ? params->ordering_cost * d / plan->order_quantity : 0) +
                      params->holding_cost * (plan->order_quantity / 2 + plan->safety_stock);
  return plan;
}

AxInventoryPlan *
ax_inventory_plan_from_prediction (const AxForecastPrediction *p,
                                   AxFrequency                 freq,
                                   const AxInventoryParams    *params,
                                   GError                    **error)
{
  double mu = 0, total = 0;

  if (!ax_inventory_params_check (params, error))
    return NULL;
  if (p->horizon < params->lead_time)
    return g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                        _("lead_time: %u periods, but the forecast covers only %u"),
                        params->lead_time, p->horizon), NULL;
  for (guint i = 0; i < p->horizon; i++)
    {
      if (i < params->lead_time)
        mu += p->mean[i];
      total += p->mean[i];
    }
  return ax_inventory_plan (mu, p->cum_sd[params->lead_time - 1], total / p->horizon,
                            freq, params, error);
}

/* ----------------------------------------------------------------- items */

typedef struct {
  const AxFrame            *frame;
  AxSeriesSpec              spec;
  AxForecastOptions         options;
  const AxInventoryParams  *params;
  const AxTrainMonitor     *monitor;
  char                    **items;
  guint                     n_items;
  AxInventoryPlan         **plans;
  gint                      next, done;
  GCancellable             *cancellable;
  GMutex                    lock;
  GError                   *first_error;   /* of the first item that failed */
} ItemsJob;

static AxInventoryPlan *
plan_item (ItemsJob   *job,
           const char *item)
{
  AxSeriesSpec spec = job->spec;
  AxTrainMonitor monitor = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(AxTimeSeries) s = NULL;
  g_autoptr(AxForecaster) fc = NULL;
  g_autoptr(AxForecastPrediction) p = NULL;
  AxInventoryPlan *plan = NULL;
  guint h;

  spec.item = item;
  monitor.n_threads = 1;
  monitor.seed = job->monitor->seed;
  if ((s = ax_series_new_from_frame (job->frame, &spec, &error)) != NULL &&
      (fc = ax_forecast_fit (s, &job->options, &monitor, job->cancellable, &error)) != NULL)
    {
      h = MAX (job->params->lead_time,
               (guint) MIN (ceil (ax_frequency_per_year (s->frequency)), 366));
      if ((p = ax_forecast_predict (fc, h, NULL, 0, NULL, &error)) != NULL)
        plan = ax_inventory_plan_from_prediction (p, s->frequency, job->params, &error);
    }
  if (plan == NULL)
    {
      plan = g_new0 (AxInventoryPlan, 1);
      plan->lead_time_mean = plan->lead_time_sd = plan->z = NAN;
      plan->safety_stock = plan->reorder_point = plan->annual_demand = NAN;
      plan->order_quantity = plan->orders_per_year = plan->annual_cost = NAN;
      plan->error = g_strdup (error != NULL ? error->message : "");
      g_mutex_lock (&job->lock);
      if (job->first_error == NULL && error != NULL)
        job->first_error = g_steal_pointer (&error);
      g_mutex_unlock (&job->lock);
    }
  plan->item = g_strdup (item);
  return plan;
}

static gpointer
items_worker (gpointer data)
{
  ItemsJob *job = data;

  for (;;)
    {
      guint i = (guint) g_atomic_int_add (&job->next, 1), done;
      if (i >= job->n_items || g_cancellable_is_cancelled (job->cancellable))
        break;
      job->plans[i] = plan_item (job, job->items != NULL ? job->items[i] : NULL);
      done = (guint) g_atomic_int_add (&job->done, 1) + 1;
      ax_progress_report (job->monitor->progress, job->monitor->progress_data,
                          (double) done / job->n_items, NULL);
    }
  return NULL;
}

GPtrArray *
ax_inventory_plan_items (const AxFrame            *frame,
                         const AxSeriesSpec       *spec,
                         const AxForecastOptions  *options,
                         const AxInventoryParams  *params,
                         const AxTrainMonitor     *monitor,
                         GCancellable             *cancellable,
                         GError                  **error)
{
  static const AxTrainMonitor no_monitor = { 0 };
  g_auto(GStrv) items = NULL;
  ItemsJob job = { 0 };
  GPtrArray *out;
  guint n_threads, n_ok = 0;

  if (!ax_inventory_params_check (params, error))
    return NULL;
  if (monitor == NULL)
    monitor = &no_monitor;
  if (spec->item_column != NULL &&
      (items = ax_series_list_items (frame, spec->item_column, error)) == NULL)
    return NULL;
  job.frame = frame;
  job.spec = *spec;
  job.spec.drivers = NULL;
  if (options != NULL)
    job.options = *options;
  else
    ax_forecast_options_init (&job.options);
  job.options.horizon = MAX (job.options.horizon, params->lead_time);
  job.params = params;
  job.monitor = monitor;
  job.items = items;
  job.n_items = items != NULL ? g_strv_length (items) : 1;
  job.plans = g_new0 (AxInventoryPlan *, MAX (job.n_items, 1));
  job.cancellable = cancellable;
  g_mutex_init (&job.lock);

  n_threads = monitor->n_threads > 0 ? monitor->n_threads : g_get_num_processors ();
  n_threads = MIN (MAX (n_threads, 1), MAX (job.n_items, 1));
  ax_run_on_threads (n_threads, "ax-inventory", items_worker, &job);

  out = g_ptr_array_new_with_free_func ((GDestroyNotify) ax_inventory_plan_free);
  for (guint i = 0; i < job.n_items; i++)
    if (job.plans[i] != NULL)
      {
        n_ok += job.plans[i]->error == NULL;
        g_ptr_array_add (out, job.plans[i]);
      }
  g_free (job.plans);
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    n_ok = 0;
  else if (n_ok == 0 && job.first_error != NULL)
    {
      if (out->len > 1)
        g_prefix_error (&job.first_error, _("No item could be forecast; the first: "));
      g_propagate_error (error, g_steal_pointer (&job.first_error));
    }
  else if (n_ok == 0)
    g_set_error_literal (error, AX_LEARN_ERROR, AX_LEARN_ERROR_DATA,
                         _("The data has no item to forecast"));
  g_clear_error (&job.first_error);
  g_mutex_clear (&job.lock);
  if (n_ok == 0)
    {
      g_ptr_array_unref (out);
      return NULL;
    }
  return out;
}
