/* ax-store-dashboard.c — the aggregate reads behind the dashboard
 *
 * A handful of aggregate queries over the tables.  They read the tables
 * directly rather than through the typed listings of the other store
 * files, which return whole records where a count needs none.
 */

#include "ax-config.h"
#include "ax-store-dashboard.h"
#include "ax-store-private.h"

#include <glib/gi18n-lib.h>
#include <math.h>

static void
dashboard_model_free (AxStoreDashboardModel *m)
{
  g_free (m->name);
  g_free (m->model_type);
  g_free (m->algorithm);
  g_free (m->updated);
  g_free (m->deployed);
  g_free (m->metrics);
  g_free (m);
}

static void
dashboard_anomaly_free (AxStoreDashboardAnomaly *a)
{
  g_free (a->detection_name);
  g_free (a->dataset);
  g_free (a->detected_at);
  g_free (a->actual);
  g_free (a->expected);
  g_free (a->root_cause);
  g_free (a);
}

void
ax_store_dashboard_free (AxStoreDashboard *self)
{
  if (self == NULL)
    return;
  g_strfreev (self->model_types);
  g_clear_pointer (&self->models, g_ptr_array_unref);
  g_clear_pointer (&self->daily, g_array_unref);
  g_clear_pointer (&self->accuracy, g_array_unref);
  g_clear_pointer (&self->anomaly_counts, g_array_unref);
  g_clear_pointer (&self->recent, g_ptr_array_unref);
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

/* FALSE with @error set unless @rc says the rows were all read. */
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
read_totals (AxStore           *store,
             AxStoreDashboard  *d,
             GError           **error)
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
  d->n_models = (guint) sqlite3_column_int64 (stmt, 1);
  d->n_detections = (guint) sqlite3_column_int64 (stmt, 2);
  d->n_detections_enabled = (guint) sqlite3_column_int64 (stmt, 3);
  d->n_predictions = sqlite3_column_int64 (stmt, 4);
  d->n_anomalies = sqlite3_column_int64 (stmt, 5);
  return TRUE;
}

static gboolean
read_model_types (AxStore           *store,
                  AxStoreDashboard  *d,
                  GError           **error)
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

/* Adds the counts of the rows of @stmt (model id, count) to the models of
 * @by_id, in @n_predictions or else @n_actuals. */
static gboolean
read_model_counts (AxStore       *store,
                   sqlite3_stmt  *stmt,
                   GHashTable    *by_id,
                   gboolean       actuals,
                   GError       **error)
{
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      AxStoreDashboardModel *m = g_hash_table_lookup (by_id, &id);

      if (m == NULL)  /* a model of another type */
        continue;
      if (actuals)
        m->n_actuals = sqlite3_column_int64 (stmt, 1);
      else
        m->n_predictions = sqlite3_column_int64 (stmt, 1);
    }
  return finish_rows (store, rc, error);
}

static gboolean
read_models (AxStore                      *store,
             const AxStoreDashboardFilter *filter,
             AxStoreDashboard             *d,
             GError                      **error)
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
      AxStoreDashboardModel *m = g_new0 (AxStoreDashboardModel, 1);

      m->id = sqlite3_column_int64 (stmt, 0);
      m->name = ax_store_column_text (stmt, 1);
      m->model_type = ax_store_column_text (stmt, 2);
      m->algorithm = ax_store_column_text (stmt, 3);
      m->is_active = sqlite3_column_int (stmt, 4) != 0;
      m->active_version = (guint) sqlite3_column_int (stmt, 5);
      m->updated = ax_store_column_text (stmt, 6);
      m->deployed = ax_store_column_text (stmt, 7);
      m->n_versions = (guint) sqlite3_column_int (stmt, 8);
      m->metrics = ax_store_column_text (stmt, 9);
      g_ptr_array_add (d->models, m);
      g_hash_table_insert (by_id, &m->id, m);
    }
  if (!finish_rows (store, rc, error))
    return FALSE;

  /* Prediction volume per model: all time is predictions_by_model
   * alone; a range is predictions_by_created and the rows in it. */
  counts = ax_store_prepare (store, *filter->since
    ? "SELECT model_id, count(*) FROM predictions WHERE created >= ?1 GROUP BY model_id"
    : "SELECT model_id, count(*) FROM predictions GROUP BY model_id", error);
  if (counts == NULL)
    return FALSE;
  if (*filter->since)
    bind_text (counts, 1, filter->since);
  if (!read_model_counts (store, counts, by_id, FALSE, error))
    return FALSE;
  g_clear_pointer (&counts, sqlite3_finalize);
  counts = ax_store_prepare (store,
    "SELECT model_id, count(*) FROM predictions"
    " WHERE actual IS NOT NULL AND created >= ?1 GROUP BY model_id", error);
  if (counts == NULL)
    return FALSE;
  bind_text (counts, 1, filter->since);
  return read_model_counts (store, counts, by_id, TRUE, error);
}

/* Days since 1970-01-01 of an ISO 8601 time's date. */
#define SQL_DAY(col) "CAST(strftime('%s', substr(" col ", 1, 10)) AS INTEGER) / 86400"

/* Grouped by the date's text, which the created index holds, so that
 * without a model type the counts never read a row. */
static gboolean
read_daily (AxStore                      *store,
            const AxStoreDashboardFilter *filter,
            AxStoreDashboard             *d,
            GError                      **error)
{
  g_autofree char *sql = g_strdup_printf (
    "SELECT substr(created, 1, 10) AS date, count(*) FROM predictions"
    " WHERE created >= ?1%s GROUP BY date ORDER BY date",
    filter->model_type ? " AND model_id IN (SELECT id FROM models WHERE model_type = ?2)" : "");
  g_autoptr(sqlite3_stmt) stmt = ax_store_prepare (store, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, filter->since);
  if (filter->model_type)
    bind_text (stmt, 2, filter->model_type);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autofree char *iso = g_strdup_printf ("%sT00:00:00Z", (const char *) sqlite3_column_text (stmt, 0));
      g_autoptr(GDateTime) t = g_date_time_new_from_iso8601 (iso, NULL);
      AxStoreDashboardDay day = { 0, sqlite3_column_int64 (stmt, 1) };

      if (t == NULL)  /* not a time the store writes */
        continue;
      day.day = g_date_time_to_unix (t) / 86400;
      g_array_append_val (d->daily, day);
    }
  return finish_rows (store, rc, error);
}

/* An actual is recorded like the output's value: a bare JSON value, or
 * an object with "value". */
#define SQL_ACTUAL \
  "CASE json_type (p.actual) WHEN 'object' THEN json_extract (p.actual, '$.value')" \
  " ELSE json_extract (p.actual, '$') END"

static gboolean
read_accuracy (AxStore                      *store,
               const AxStoreDashboardFilter *filter,
               AxStoreDashboard             *d,
               GError                      **error)
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
  bind_text (stmt, 1, filter->since);
  bind_text (stmt, 2, filter->model_type);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      AxStoreDashboardAccuracy a = { 0 };

      a.model_id = sqlite3_column_int64 (stmt, 0);
      a.day = sqlite3_column_int64 (stmt, 1);
      a.n = (guint) sqlite3_column_int64 (stmt, 2);
      a.n_equal = (guint) sqlite3_column_int64 (stmt, 3);
      a.mean_ape = sqlite3_column_type (stmt, 4) == SQLITE_NULL ? NAN : sqlite3_column_double (stmt, 4);
      g_array_append_val (d->accuracy, a);
    }
  return finish_rows (store, rc, error);
}

#define SQL_SEVERITY_RANK \
  "(CASE a.severity WHEN 'low' THEN 1 WHEN 'medium' THEN 2 WHEN 'high' THEN 3 ELSE 4 END)"

static gboolean
read_anomaly_counts (AxStore                      *store,
                     const AxStoreDashboardFilter *filter,
                     AxStoreDashboard             *d,
                     GError                      **error)
{
  g_autoptr(sqlite3_stmt) stmt = ax_store_prepare (store,
    "SELECT a.severity, a.status, count(*) FROM anomalies AS a"
    " WHERE a.detected_at >= ?1 AND " SQL_SEVERITY_RANK " >= ?2"
    " GROUP BY 1, 2", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, filter->since);
  sqlite3_bind_int (stmt, 2, filter->min_severity);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      AxStoreDashboardAnomalyCount c = { AX_SEVERITY_NONE, AX_ANOMALY_STATUS_OPEN, 0 };

      ax_severity_from_string ((const char *) sqlite3_column_text (stmt, 0), &c.severity);
      ax_anomaly_status_from_string ((const char *) sqlite3_column_text (stmt, 1), &c.status);
      c.n = sqlite3_column_int64 (stmt, 2);
      g_array_append_val (d->anomaly_counts, c);
    }
  return finish_rows (store, rc, error);
}

static gboolean
read_recent (AxStore                      *store,
             const AxStoreDashboardFilter *filter,
             AxStoreDashboard             *d,
             GError                      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  if (filter->n_recent == 0)
    return TRUE;
  stmt = ax_store_prepare (store,
    "SELECT a.id, d.name, d.dataset, a.severity, a.status, a.score, a.time, a.detected_at,"
    " a.actual, a.expected, a.root_cause"
    " FROM anomalies AS a JOIN detections AS d ON d.id = a.detection_id"
    " WHERE a.detected_at >= ?1 AND " SQL_SEVERITY_RANK " >= ?2"
    " ORDER BY a.detected_at DESC, a.time DESC, a.score DESC, a.id DESC LIMIT ?3", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, filter->since);
  sqlite3_bind_int (stmt, 2, filter->min_severity);
  sqlite3_bind_int64 (stmt, 3, filter->n_recent);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      AxStoreDashboardAnomaly *a = g_new0 (AxStoreDashboardAnomaly, 1);

      a->id = sqlite3_column_int64 (stmt, 0);
      a->detection_name = ax_store_column_text (stmt, 1);
      a->dataset = ax_store_column_text (stmt, 2);
      ax_severity_from_string ((const char *) sqlite3_column_text (stmt, 3), &a->severity);
      ax_anomaly_status_from_string ((const char *) sqlite3_column_text (stmt, 4), &a->status);
      a->score = sqlite3_column_double (stmt, 5);
      a->time = sqlite3_column_type (stmt, 6) == SQLITE_NULL ? NAN : sqlite3_column_double (stmt, 6);
      a->detected_at = ax_store_column_text (stmt, 7);
      a->actual = ax_store_column_text (stmt, 8);
      a->expected = ax_store_column_text (stmt, 9);
      a->root_cause = ax_store_column_text (stmt, 10);
      g_ptr_array_add (d->recent, a);
    }
  return finish_rows (store, rc, error);
}

AxStoreDashboard *
ax_store_read_dashboard (AxStore                      *self,
                         const AxStoreDashboardFilter *filter,
                         GError                      **error)
{
  g_autoptr(AxStoreDashboard) d = g_new0 (AxStoreDashboard, 1);
  AxStoreDashboardFilter f = { NULL, NULL, AX_SEVERITY_NONE, 0 };

  g_return_val_if_fail (self != NULL, NULL);
  if (filter)
    f = *filter;
  /* Times are stored as "2024-01-15T10:30:00Z", so that text order is
   * time order and the empty string precedes them all. */
  if (f.since == NULL)
    f.since = "";
  d->models = g_ptr_array_new_with_free_func ((GDestroyNotify) dashboard_model_free);
  d->daily = g_array_new (FALSE, FALSE, sizeof (AxStoreDashboardDay));
  d->accuracy = g_array_new (FALSE, FALSE, sizeof (AxStoreDashboardAccuracy));
  d->anomaly_counts = g_array_new (FALSE, FALSE, sizeof (AxStoreDashboardAnomalyCount));
  d->recent = g_ptr_array_new_with_free_func ((GDestroyNotify) dashboard_anomaly_free);

  /* A deferred transaction: a read snapshot that takes no write lock. */
  if (!ax_store_exec (self, "BEGIN", error))
    return NULL;
  if (!read_totals (self, d, error) ||
      !read_model_types (self, d, error) ||
      !read_models (self, &f, d, error) ||
      !read_daily (self, &f, d, error) ||
      !read_accuracy (self, &f, d, error) ||
      !read_anomaly_counts (self, &f, d, error) ||
      !read_recent (self, &f, d, error))
    {
      ax_store_rollback (self);
      return NULL;
    }
  ax_store_rollback (self);
  return g_steal_pointer (&d);
}
