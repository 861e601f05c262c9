/* ax-dashboard.c — how a project stands, in one snapshot
 *
 * A handful of aggregate queries over the store's tables.  They read the
 * tables directly (the store's row functions list whole records, which a
 * count does not need); every query is a read, so a dashboard never
 * changes the project.
 */

#include "ax-config.h"
#include "ax-dashboard.h"
#include "ax-store-private.h"

#include <glib/gi18n-lib.h>
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

/* Binds @text, or NULL for SQL's NULL. */
static void
bind_text (sqlite3_stmt *stmt,
           int           i,
           const char   *text)
{
  if (text)
    sqlite3_bind_text (stmt, i, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, i);
}

/* Steps @stmt through its rows; FALSE with @error set when it fails. */
static gboolean
finish_rows (AxStore   *store,
             int        rc,
             GError   **error)
{
  if (rc != SQLITE_DONE)
    {
      ax_store_set_error (store, error, _("Could not read the project"));
      return FALSE;
    }
  return TRUE;
}

static gboolean
query_totals (AxStore      *store,
              AxDashboard  *d,
              GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = ax_store_prepare (store,
    "SELECT (SELECT count(*) FROM datasets), (SELECT count(*) FROM models),"
    " (SELECT count(*) FROM detections), (SELECT count(*) FROM detections WHERE enabled),"
    " (SELECT count(*) FROM predictions), (SELECT count(*) FROM anomalies)", error);

  if (stmt == NULL)
    return FALSE;
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return finish_rows (store, SQLITE_ERROR, error);
  d->n_datasets = (guint) sqlite3_column_int64 (stmt, 0);
  d->n_models_total = (guint) sqlite3_column_int64 (stmt, 1);
  d->n_detections = (guint) sqlite3_column_int64 (stmt, 2);
  d->n_detections_enabled = (guint) sqlite3_column_int64 (stmt, 3);
  d->n_predictions_total = sqlite3_column_int64 (stmt, 4);
  d->n_anomalies_total = sqlite3_column_int64 (stmt, 5);
  return TRUE;
}

static gboolean
query_model_types (AxStore      *store,
                   AxDashboard  *d,
                   GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = ax_store_prepare (store,
    "SELECT DISTINCT model_type FROM models ORDER BY 1", error);
  g_autoptr(GStrvBuilder) types = g_strv_builder_new ();
  int rc;

  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_strv_builder_add (types, (const char *) sqlite3_column_text (stmt, 0));
  d->model_types = g_strv_builder_end (types);
  return finish_rows (store, rc, error);
}

/* The headline metric of a version's metrics JSON (see ax-train.c): the
 * test rows' where there are some, else the validation rows'. */
static void
headline_metric (const char       *metrics,
                 AxDashboardModel *m)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root, *rows = NULL;
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
  for (guint i = 0; i < 2 && rows == NULL; i++)
    {
      JsonNode *node = json_object_get_member (root, i == 0 ? "test" : "validation");
      if (node && JSON_NODE_HOLDS_OBJECT (node))
        rows = json_node_get_object (node);
    }
  if (g_str_equal (task, "regression"))
    m->metric_name = "r2";
  else if (g_str_equal (task, "classification"))
    m->metric_name = "accuracy";
  else if (g_str_equal (task, "forecast"))
    m->metric_name = "mape";
  if (rows && m->metric_name)
    {
      JsonNode *v = json_object_get_member (rows, m->metric_name);
      if (v && JSON_NODE_HOLDS_VALUE (v))
        m->metric_value = json_node_get_double (v);
    }
}

static gboolean
query_models (AxStore                 *store,
              const AxDashboardFilter *filter,
              const char              *since,
              AxDashboard             *d,
              GError                 **error)
{
  g_autoptr(sqlite3_stmt) stmt = ax_store_prepare (store,
    "SELECT m.id, m.name, m.model_type, m.algorithm, m.is_active, m.active_version,"
    " m.updated, m.deployed,"
    " (SELECT count(*) FROM model_versions AS v WHERE v.model_id = m.id),"
    " (SELECT v.metrics FROM model_versions AS v"
    "   WHERE v.model_id = m.id AND v.version = m.active_version)"
    " FROM models AS m WHERE ?1 IS NULL OR m.model_type = ?1"
    " ORDER BY m.name COLLATE NOCASE", error);
  g_autoptr(sqlite3_stmt) counts = NULL;
  g_autoptr(GHashTable) by_id = g_hash_table_new (g_int64_hash, g_int64_equal);
  int rc;

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, filter->model_type);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      AxDashboardModel *m = g_new0 (AxDashboardModel, 1);

      m->id = sqlite3_column_int64 (stmt, 0);
      m->name = ax_store_column_text (stmt, 1);
      m->model_type = ax_store_column_text (stmt, 2);
      m->algorithm = ax_store_column_text (stmt, 3);
      m->is_active = sqlite3_column_int (stmt, 4) != 0;
      m->active_version = (guint) sqlite3_column_int (stmt, 5);
      m->last_trained = ax_store_column_text (stmt, 6);
      m->deployed = ax_store_column_text (stmt, 7);
      m->n_versions = (guint) sqlite3_column_int (stmt, 8);
      headline_metric ((const char *) sqlite3_column_text (stmt, 9), m);
      g_ptr_array_add (d->models, m);
      g_hash_table_insert (by_id, &m->id, m);
      if (m->is_active)
        d->n_models_active++;
      else
        d->n_models_inactive++;
    }
  if (!finish_rows (store, rc, error))
    return FALSE;

  /* Prediction volume per model: all time is predictions_by_model
   * alone; a range is predictions_by_created and the rows in it. */
  counts = ax_store_prepare (store, *since
    ? "SELECT model_id, count(*) FROM predictions WHERE created >= ?1 GROUP BY model_id"
    : "SELECT model_id, count(*) FROM predictions GROUP BY model_id", error);
  if (counts == NULL)
    return FALSE;
  if (*since)
    bind_text (counts, 1, since);
  while ((rc = sqlite3_step (counts)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (counts, 0);
      AxDashboardModel *m = g_hash_table_lookup (by_id, &id);

      if (m == NULL)  /* a model of another type */
        continue;
      m->n_predictions = sqlite3_column_int64 (counts, 1);
      d->n_predictions += m->n_predictions;
    }
  if (!finish_rows (store, rc, error))
    return FALSE;
  g_clear_pointer (&counts, sqlite3_finalize);
  counts = ax_store_prepare (store,
    "SELECT model_id, count(*) FROM predictions"
    " WHERE actual IS NOT NULL AND created >= ?1 GROUP BY model_id", error);
  if (counts == NULL)
    return FALSE;
  bind_text (counts, 1, since);
  while ((rc = sqlite3_step (counts)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (counts, 0);
      AxDashboardModel *m = g_hash_table_lookup (by_id, &id);

      if (m == NULL)
        continue;
      m->n_actuals = sqlite3_column_int64 (counts, 1);
      d->n_actuals += m->n_actuals;
    }
  return finish_rows (store, rc, error);
}

/* Days since 1970-01-01 of an ISO 8601 time's date. */
#define SQL_DAY(col) "CAST(strftime('%s', substr(" col ", 1, 10)) AS INTEGER) / 86400"

/* Grouped by the date's text, which the created index holds, so that
 * without a model type the counts never read a row. */
static gboolean
query_daily (AxStore                 *store,
             const AxDashboardFilter *filter,
             const char              *since,
             AxDashboard             *d,
             GError                 **error)
{
  g_autofree char *sql = g_strdup_printf (
    "SELECT substr(created, 1, 10) AS date, count(*) FROM predictions"
    " WHERE created >= ?1%s GROUP BY date ORDER BY date",
    filter->model_type ? " AND model_id IN (SELECT id FROM models WHERE model_type = ?2)" : "");
  g_autoptr(sqlite3_stmt) stmt = ax_store_prepare (store, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, since);
  if (filter->model_type)
    bind_text (stmt, 2, filter->model_type);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autofree char *iso = g_strdup_printf ("%sT00:00:00Z", (const char *) sqlite3_column_text (stmt, 0));
      g_autoptr(GDateTime) t = g_date_time_new_from_iso8601 (iso, NULL);
      AxDashboardDay day = { 0, sqlite3_column_int64 (stmt, 1) };

      if (t == NULL)  /* not a time the store writes */
        continue;
      day.day = g_date_time_to_unix (t) / 86400;
      g_array_append_val (d->daily, day);
    }
  return finish_rows (store, rc, error);
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

/* An actual is recorded like the output's value: a bare JSON value, or
 * an object with "value". */
#define SQL_ACTUAL \
  "CASE json_type (p.actual) WHEN 'object' THEN json_extract (p.actual, '$.value')" \
  " ELSE json_extract (p.actual, '$') END"

static gboolean
query_accuracy (AxStore                 *store,
                const AxDashboardFilter *filter,
                const char              *since,
                AxDashboard             *d,
                GError                 **error)
{
  g_autoptr(sqlite3_stmt) stmt = ax_store_prepare (store,
    "SELECT model_id, day, count(*), sum(pv = av),"
    " avg(CASE WHEN typeof (av) IN ('integer', 'real') AND typeof (pv) IN ('integer', 'real')"
    "     AND av != 0 THEN abs (pv - av) / abs (CAST (av AS REAL)) END)"
    " FROM (SELECT p.model_id, " SQL_DAY ("p.created") " AS day,"
    "        json_extract (p.output, '$.value') AS pv, " SQL_ACTUAL " AS av"
    "       FROM predictions AS p JOIN models AS m ON m.id = p.model_id"
    "       WHERE p.actual IS NOT NULL AND p.created >= ?1"
    "         AND (?2 IS NULL OR m.model_type = ?2))"
    " WHERE av IS NOT NULL"
    " GROUP BY day, model_id ORDER BY day, model_id", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, since);
  bind_text (stmt, 2, filter->model_type);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      AxDashboardAccuracy a = { 0 };
      const char *task;

      a.model_id = sqlite3_column_int64 (stmt, 0);
      a.day = sqlite3_column_int64 (stmt, 1);
      a.n = (guint) sqlite3_column_int64 (stmt, 2);
      task = model_task (d, a.model_id);
      if (g_strcmp0 (task, "classification") == 0)
        a.accuracy = (double) sqlite3_column_int64 (stmt, 3) / a.n;
      else if (sqlite3_column_type (stmt, 4) != SQLITE_NULL)
        a.accuracy = MAX (0.0, 1.0 - sqlite3_column_double (stmt, 4));
      else
        continue;  /* every actual was zero: no percentage error */
      g_array_append_val (d->accuracy, a);
    }
  return finish_rows (store, rc, error);
}

#define SQL_SEVERITY_RANK \
  "(CASE a.severity WHEN 'low' THEN 1 WHEN 'medium' THEN 2 WHEN 'high' THEN 3 ELSE 4 END)"

static gboolean
query_anomaly_counts (AxStore                 *store,
                      const AxDashboardFilter *filter,
                      const char              *since,
                      AxDashboard             *d,
                      GError                 **error)
{
  g_autoptr(sqlite3_stmt) stmt = ax_store_prepare (store,
    "SELECT a.severity, a.status, count(*) FROM anomalies AS a"
    " WHERE a.detected_at >= ?1 AND " SQL_SEVERITY_RANK " >= ?2"
    " GROUP BY 1, 2", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, since);
  sqlite3_bind_int (stmt, 2, filter->min_severity);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      AxSeverity severity = AX_SEVERITY_NONE;
      AxAnomalyStatus status = AX_ANOMALY_STATUS_OPEN;
      gint64 n = sqlite3_column_int64 (stmt, 2);

      ax_severity_from_string ((const char *) sqlite3_column_text (stmt, 0), &severity);
      ax_anomaly_status_from_string ((const char *) sqlite3_column_text (stmt, 1), &status);
      d->by_severity[severity] += n;
      d->n_anomalies += n;
      if (status == AX_ANOMALY_STATUS_OPEN)
        d->n_unresolved += n;
      else if (status == AX_ANOMALY_STATUS_RESOLVED)
        d->n_resolved += n;
      else
        d->n_false_positive += n;
    }
  return finish_rows (store, rc, error);
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

static gboolean
query_recent (AxStore                 *store,
              const AxDashboardFilter *filter,
              const char              *since,
              AxDashboard             *d,
              GError                 **error)
{
  g_autoptr(sqlite3_stmt) stmt = ax_store_prepare (store,
    "SELECT a.id, d.name, d.dataset, a.severity, a.status, a.score, a.time, a.detected_at,"
    " a.actual, a.expected, a.root_cause"
    " FROM anomalies AS a JOIN detections AS d ON d.id = a.detection_id"
    " WHERE a.detected_at >= ?1 AND " SQL_SEVERITY_RANK " >= ?2"
    " ORDER BY a.detected_at DESC, a.time DESC, a.score DESC, a.id DESC LIMIT ?3", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, since);
  sqlite3_bind_int (stmt, 2, filter->min_severity);
  sqlite3_bind_int (stmt, 3, filter->n_recent ? (int) filter->n_recent : DEFAULT_RECENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      AxDashboardAnomaly *a = g_new0 (AxDashboardAnomaly, 1);

      a->id = sqlite3_column_int64 (stmt, 0);
      a->detection_name = ax_store_column_text (stmt, 1);
      a->dataset = ax_store_column_text (stmt, 2);
      ax_severity_from_string ((const char *) sqlite3_column_text (stmt, 3), &a->severity);
      ax_anomaly_status_from_string ((const char *) sqlite3_column_text (stmt, 4), &a->status);
      a->score = sqlite3_column_double (stmt, 5);
      a->time = sqlite3_column_type (stmt, 6) == SQLITE_NULL ? NAN : sqlite3_column_double (stmt, 6);
      a->detected_at = ax_store_column_text (stmt, 7);
      anomaly_metric (a, (const char *) sqlite3_column_text (stmt, 8),
                      (const char *) sqlite3_column_text (stmt, 9),
                      (const char *) sqlite3_column_text (stmt, 10));
      g_ptr_array_add (d->recent, a);
    }
  return finish_rows (store, rc, error);
}

AxDashboard *
ax_dashboard_query (AxStore                 *store,
                    const AxDashboardFilter *filter,
                    GError                 **error)
{
  g_autoptr(AxDashboard) d = g_new0 (AxDashboard, 1);
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
  /* Times are stored as "2024-01-15T10:30:00Z", so that text order is
   * time order and the empty string precedes them all. */
  if (filter->days > 0)
    {
      g_autoptr(GDateTime) start = NULL;
      d->since = d->now - (gint64) filter->days * 86400;
      start = g_date_time_new_from_unix_utc (d->since);
      since = g_date_time_format (start, "%Y-%m-%dT%H:%M:%SZ");
    }
  else
    since = g_strdup ("");

  /* One read transaction: every figure is of the same moment. */
  if (!ax_store_exec (store, "BEGIN", error))
    return NULL;
  if (!query_totals (store, d, error) ||
      !query_model_types (store, d, error) ||
      !query_models (store, filter, since, d, error) ||
      !query_daily (store, filter, since, d, error) ||
      !query_accuracy (store, filter, since, d, error) ||
      !query_anomaly_counts (store, filter, since, d, error) ||
      !query_recent (store, filter, since, d, error))
    {
      ax_store_rollback (store);
      return NULL;
    }
  ax_store_rollback (store);
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
