/* ax-dashboard.c — how a project stands, in one snapshot
 *
 * The store reads the rows in one transaction (ax-store-dashboard.c);
 * this file says what they mean: each model's headline metric, the
 * accuracy of a day's predictions as fits the model's task, the metric
 * that made an anomaly unusual, and the totals of the key metrics.
 */

#include "ax-config.h"
#include "ax-dashboard.h"
#include "ax-model-admin.h"
#include "ax-store-dashboard.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#define DEFAULT_RECENT 6

void
ax_dashboard_filter_init (AxDashboardFilter *filter)
{
  memset (filter, 0, sizeof *filter);
  filter->min_severity = AX_SEVERITY_NONE;
}

static void
dashboard_model_free (AxDashboardModel *m)
{
  g_free (m->name);
  g_free (m->model_type);
  g_free (m->algorithm);
  g_free (m->task);
  g_free (m->last_trained);
  g_free (m->deployed);
  g_free (m);
}

static void
dashboard_anomaly_free (AxDashboardAnomaly *a)
{
  g_free (a->detection_name);
  g_free (a->dataset);
  g_free (a->detected_at);
  g_free (a->metric);
  g_free (a);
}

void
ax_dashboard_free (AxDashboard *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->models, g_ptr_array_unref);
  g_clear_pointer (&self->recent, g_ptr_array_unref);
  g_clear_pointer (&self->daily, g_array_unref);
  g_clear_pointer (&self->accuracy, g_array_unref);
  g_strfreev (self->model_types);
  g_free (self);
}

/* The headline metric of a version's metrics JSON (see ax-train.c): the
 * test rows' where there are some, else the validation rows'. */
static void
headline_metric (const char       *metrics,
                 AxDashboardModel *m)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root;
  const char *task;

  m->metric_value = NAN;
  if (metrics == NULL || !json_parser_load_from_data (parser, metrics, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return;
  root = json_node_get_object (json_parser_get_root (parser));
  task = json_object_get_string_member_with_default (root, "task", NULL);
  if (task == NULL)
    return;
  m->task = g_strdup (task);
  /* The same metric the Models view heads a model with. */
  ax_model_admin_headline (metrics, &m->metric_name, &m->metric_value);
}

static void
take_models (AxDashboard      *d,
             AxStoreDashboard *rows)
{
  for (guint i = 0; i < rows->models->len; i++)
    {
      AxStoreDashboardModel *r = g_ptr_array_index (rows->models, i);
      AxDashboardModel *m = g_new0 (AxDashboardModel, 1);

      m->id = r->id;
      m->name = g_steal_pointer (&r->name);
      m->model_type = g_steal_pointer (&r->model_type);
      m->algorithm = g_steal_pointer (&r->algorithm);
      m->is_active = r->is_active;
      m->active_version = r->active_version;
      m->n_versions = r->n_versions;
      m->last_trained = g_steal_pointer (&r->updated);
      m->deployed = g_steal_pointer (&r->deployed);
      headline_metric (r->metrics, m);
      m->n_predictions = r->n_predictions;
      m->n_actuals = r->n_actuals;
      g_ptr_array_add (d->models, m);
      if (m->is_active)
        d->n_models_active++;
      else
        d->n_models_inactive++;
      d->n_predictions += m->n_predictions;
      d->n_actuals += m->n_actuals;
    }
}

static const char *
model_task (AxDashboard *d,
            gint64       model_id)
{
  for (guint i = 0; i < d->models->len; i++)
    {
      AxDashboardModel *m = g_ptr_array_index (d->models, i);
      if (m->id == model_id)
        return m->task;
    }
  return NULL;
}

/* Classification: the share predicted right; regression and forecast:
 * 1 − the mean absolute percentage error, at least 0. */
static void
take_accuracy (AxDashboard      *d,
               AxStoreDashboard *rows)
{
  for (guint i = 0; i < rows->accuracy->len; i++)
    {
      const AxStoreDashboardAccuracy *r = &g_array_index (rows->accuracy, AxStoreDashboardAccuracy, i);
      AxDashboardAccuracy a = { r->model_id, r->day, r->n, 0 };

      if (g_strcmp0 (model_task (d, r->model_id), "classification") == 0)
        a.accuracy = (double) r->n_equal / r->n;
      else if (!isnan (r->mean_ape))
        a.accuracy = MAX (0.0, 1.0 - r->mean_ape);
      else
        continue;  /* every actual was zero: no percentage error */
      g_array_append_val (d->accuracy, a);
    }
}

static void
take_anomaly_counts (AxDashboard      *d,
                     AxStoreDashboard *rows)
{
  for (guint i = 0; i < rows->anomaly_counts->len; i++)
    {
      const AxStoreDashboardAnomalyCount *c =
        &g_array_index (rows->anomaly_counts, AxStoreDashboardAnomalyCount, i);

      d->by_severity[c->severity] += c->n;
      d->n_anomalies += c->n;
      if (c->status == AX_ANOMALY_STATUS_OPEN)
        d->n_unresolved += c->n;
      else if (c->status == AX_ANOMALY_STATUS_RESOLVED)
        d->n_resolved += c->n;
      else
        d->n_false_positive += c->n;
    }
}

/* The metric that contributed most (root_cause's first), its actual value
 * and expected range. */
static void
anomaly_metric (AxDashboardAnomaly *a,
                const char         *actual,
                const char         *expected,
                const char         *root_cause)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  a->actual = a->expected_low = a->expected_high = NAN;
  if (root_cause && json_parser_load_from_data (parser, root_cause, -1, NULL) &&
      JSON_NODE_HOLDS_ARRAY (root = json_parser_get_root (parser)) &&
      json_array_get_length (json_node_get_array (root)) > 0)
    {
      JsonNode *first = json_array_get_element (json_node_get_array (root), 0);
      if (JSON_NODE_HOLDS_OBJECT (first))
        a->metric = g_strdup (json_object_get_string_member_with_default (json_node_get_object (first),
                                                                          "metric", NULL));
    }
  if (a->metric == NULL)
    return;
  if (actual && json_parser_load_from_data (parser, actual, -1, NULL) &&
      JSON_NODE_HOLDS_OBJECT (root = json_parser_get_root (parser)))
    {
      JsonNode *v = json_object_get_member (json_node_get_object (root), a->metric);
      if (v && JSON_NODE_HOLDS_VALUE (v))
        a->actual = json_node_get_double (v);
    }
  if (expected && json_parser_load_from_data (parser, expected, -1, NULL) &&
      JSON_NODE_HOLDS_OBJECT (root = json_parser_get_root (parser)))
    {
      JsonNode *r = json_object_get_member (json_node_get_object (root), a->metric);
      if (r && JSON_NODE_HOLDS_OBJECT (r))
        {
          JsonObject *o = json_node_get_object (r);
          JsonNode *lo = json_object_get_member (o, "low"), *hi = json_object_get_member (o, "high");
          if (lo && JSON_NODE_HOLDS_VALUE (lo))
            a->expected_low = json_node_get_double (lo);
          if (hi && JSON_NODE_HOLDS_VALUE (hi))
            a->expected_high = json_node_get_double (hi);
        }
    }
}

static void
take_recent (AxDashboard      *d,
             AxStoreDashboard *rows)
{
  for (guint i = 0; i < rows->recent->len; i++)
    {
      AxStoreDashboardAnomaly *r = g_ptr_array_index (rows->recent, i);
      AxDashboardAnomaly *a = g_new0 (AxDashboardAnomaly, 1);

      a->id = r->id;
      a->detection_name = g_steal_pointer (&r->detection_name);
      a->dataset = g_steal_pointer (&r->dataset);
      a->severity = r->severity;
      a->status = r->status;
      a->score = r->score;
      a->time = r->time;
      a->detected_at = g_steal_pointer (&r->detected_at);
      anomaly_metric (a, r->actual, r->expected, r->root_cause);
      g_ptr_array_add (d->recent, a);
    }
}

AxDashboard *
ax_dashboard_query (AxStore                 *store,
                    const AxDashboardFilter *filter,
                    GError                 **error)
{
  g_autoptr(AxDashboard) d = g_new0 (AxDashboard, 1);
  g_autoptr(AxStoreDashboard) rows = NULL;
  AxStoreDashboardFilter selection = { NULL, NULL, AX_SEVERITY_NONE, 0 };
  AxDashboardFilter all;
  g_autofree char *since = NULL;

  g_return_val_if_fail (store != NULL, NULL);
  if (filter == NULL)
    {
      ax_dashboard_filter_init (&all);
      filter = &all;
    }
  d->models = g_ptr_array_new_with_free_func ((GDestroyNotify) dashboard_model_free);
  d->recent = g_ptr_array_new_with_free_func ((GDestroyNotify) dashboard_anomaly_free);
  d->daily = g_array_new (FALSE, FALSE, sizeof (AxDashboardDay));
  d->accuracy = g_array_new (FALSE, FALSE, sizeof (AxDashboardAccuracy));
  d->now = filter->now ? filter->now : g_get_real_time () / G_USEC_PER_SEC;
  if (filter->days > 0)
    {
      g_autoptr(GDateTime) start = NULL;
      d->since = d->now - (gint64) filter->days * 86400;
      start = g_date_time_new_from_unix_utc (d->since);
      since = g_date_time_format (start, "%Y-%m-%dT%H:%M:%SZ");
    }

  selection.since = since;
  selection.model_type = filter->model_type;
  selection.min_severity = filter->min_severity;
  selection.n_recent = filter->n_recent ? filter->n_recent : DEFAULT_RECENT;
  rows = ax_store_read_dashboard (store, &selection, error);
  if (rows == NULL)
    return NULL;

  d->n_datasets = rows->n_datasets;
  d->n_models_total = rows->n_models;
  d->n_detections = rows->n_detections;
  d->n_detections_enabled = rows->n_detections_enabled;
  d->n_predictions_total = rows->n_predictions;
  d->n_anomalies_total = rows->n_anomalies;
  d->model_types = g_steal_pointer (&rows->model_types);
  take_models (d, rows);
  for (guint i = 0; i < rows->daily->len; i++)
    {
      const AxStoreDashboardDay *r = &g_array_index (rows->daily, AxStoreDashboardDay, i);
      AxDashboardDay day = { r->day, r->n };
      g_array_append_val (d->daily, day);
    }
  take_accuracy (d, rows);
  take_anomaly_counts (d, rows);
  take_recent (d, rows);
  return g_steal_pointer (&d);
}

/* In a worker thread */

typedef struct {
  char              *path;
  AxDashboardFilter  filter;
  char              *model_type;
} QueryData;

static void
query_data_free (QueryData *q)
{
  g_free (q->path);
  g_free (q->model_type);
  g_free (q);
}

static void
query_thread (GTask        *task,
              gpointer      source,
              gpointer      data,
              GCancellable *cancellable)
{
  QueryData *q = data;
  g_autoptr(AxStore) store = NULL;
  GError *error = NULL;
  AxDashboard *d;

  if (g_task_return_error_if_cancelled (task))
    return;
  store = ax_store_open (q->path, &error);
  if (store == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  d = ax_dashboard_query (store, &q->filter, &error);
  if (d == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, d, (GDestroyNotify) ax_dashboard_free);
}

void
ax_dashboard_query_async (const char              *project_path,
                          const AxDashboardFilter *filter,
                          GCancellable            *cancellable,
                          GAsyncReadyCallback      callback,
                          gpointer                 user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  QueryData *q = g_new0 (QueryData, 1);

  q->path = g_strdup (project_path);
  if (filter)
    q->filter = *filter;
  else
    ax_dashboard_filter_init (&q->filter);
  q->model_type = g_strdup (q->filter.model_type);
  q->filter.model_type = q->model_type;
  g_task_set_source_tag (task, ax_dashboard_query_async);
  g_task_set_task_data (task, q, (GDestroyNotify) query_data_free);
  g_task_run_in_thread (task, query_thread);
}

AxDashboard *
ax_dashboard_query_finish (GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
