/* ax-store-anomalies.c — anomaly detections, their runs and the anomalies found */

#include "ax-config.h"
#include "ax-store-anomalies.h"
#include "ax-store-private.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <math.h>

/* Days between 1970-01-01 and the start of the Julian day count, to turn
 * SQLite's julianday() into days since the epoch. */
#define UNIX_EPOCH_JULIAN_DAY 2440587.5

static const char *const status_names[] = { "open", "resolved", "false_positive" };

/* The severities an anomaly can have, by AxSeverity: the vocabulary of
 * the severity column (its CHECK), kept here so that the store does not
 * need the detection engine to read or write it. */
static const char *const severity_names[] = { NULL, "low", "medium", "high", "critical" };

static const char *
severity_name (AxSeverity severity)
{
  return (guint) severity < G_N_ELEMENTS (severity_names) ? severity_names[severity] : NULL;
}

static AxSeverity
severity_parse (const char *str)
{
  for (guint i = 1; str && i < G_N_ELEMENTS (severity_names); i++)
    if (g_str_equal (str, severity_names[i]))
      return (AxSeverity) i;
  return AX_SEVERITY_NONE;
}

const char *
ax_anomaly_status_to_string (AxAnomalyStatus status)
{
  g_return_val_if_fail ((guint) status < G_N_ELEMENTS (status_names), NULL);
  return status_names[status];
}

gboolean
ax_anomaly_status_from_string (const char      *str,
                               AxAnomalyStatus *out)
{
  for (guint i = 0; str && i < G_N_ELEMENTS (status_names); i++)
    if (g_str_equal (str, status_names[i]))
      {
        *out = (AxAnomalyStatus) i;
        return TRUE;
      }
  return FALSE;
}

void
ax_detection_info_free (AxDetectionInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->name);
  g_free (info->config);
  g_free (info->anomaly_type);
  g_free (info->algorithm);
  g_free (info->dataset);
  g_free (info->dataset_imported_at);
  g_free (info->created);
  g_free (info->updated);
  g_free (info->last_run);
  g_free (info);
}

void
ax_detection_run_free (AxDetectionRun *run)
{
  if (run == NULL)
    return;
  g_free (run->started);
  g_free (run->finished);
  g_free (run->thresholds);
  g_free (run);
}

void
ax_anomaly_record_free (AxAnomalyRecord *record)
{
  if (record == NULL)
    return;
  g_free (record->detection_name);
  g_free (record->dataset);
  g_free (record->detected_at);
  g_free (record->group_value);
  g_free (record->actual);
  g_free (record->expected);
  g_free (record->context);
  g_free (record->root_cause);
  g_free (record->resolution_notes);
  g_free (record->false_positive_reason);
  g_free (record->resolved_at);
  g_free (record);
}

void
ax_anomaly_filter_init (AxAnomalyFilter *filter)
{
  filter->detection_id = 0;
  filter->severity = -1;
  filter->status = -1;
  filter->since = NAN;
  filter->until = NAN;
  filter->limit = 0;
}


static double
column_real_or_nan (sqlite3_stmt *stmt,
                    int           i)
{
  return sqlite3_column_type (stmt, i) == SQLITE_NULL ? NAN : sqlite3_column_double (stmt, i);
}

static void
bind_text_or_null (sqlite3_stmt *stmt,
                   int           i,
                   const char   *text)
{
  if (text)
    sqlite3_bind_text (stmt, i, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, i);
}


/* Detections */

#define DETECTION_FIELDS "d.id, d.name, d.config, d.anomaly_type, d.algorithm, d.dataset, " \
                         "d.created, d.updated, d.last_run, d.rows_scored_until, d.dataset_imported_at, " \
                         "(SELECT count(*) FROM detection_runs WHERE detection_id = d.id), " \
                         "(SELECT count(*) FROM anomalies WHERE detection_id = d.id AND status = 'open'), " \
                         "(SELECT count(*) FROM anomalies WHERE detection_id = d.id), " \
                         "d.enabled"

static gpointer
detection_from_row (sqlite3_stmt *stmt)
{
  AxDetectionInfo *info = g_new0 (AxDetectionInfo, 1);

  info->id = sqlite3_column_int64 (stmt, 0);
  info->name = ax_store_column_text (stmt, 1);
  info->config = ax_store_column_text (stmt, 2);
  info->anomaly_type = ax_store_column_text (stmt, 3);
  info->algorithm = ax_store_column_text (stmt, 4);
  info->dataset = ax_store_column_text (stmt, 5);
  info->created = ax_store_column_text (stmt, 6);
  info->updated = ax_store_column_text (stmt, 7);
  info->last_run = ax_store_column_text (stmt, 8);
  info->rows_scored_until = sqlite3_column_int64 (stmt, 9);
  info->dataset_imported_at = ax_store_column_text (stmt, 10);
  info->n_runs = (guint) sqlite3_column_int64 (stmt, 11);
  info->n_open = sqlite3_column_int64 (stmt, 12);
  info->n_anomalies = sqlite3_column_int64 (stmt, 13);
  info->enabled = sqlite3_column_int (stmt, 14) != 0;
  return info;
}

GPtrArray *
ax_store_list_detections (AxStore  *self,
                          GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = ax_store_prepare (self,
    "SELECT " DETECTION_FIELDS " FROM detections AS d ORDER BY d.name COLLATE NOCASE", error);

  if (stmt == NULL)
    return NULL;
  return ax_store_list_rows (self, stmt, detection_from_row, NULL,
                             (GDestroyNotify) ax_detection_info_free, error);
}

AxDetectionInfo *
ax_store_get_detection (AxStore     *self,
                        gint64       id,
                        const char  *name,
                        GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = ax_store_prepare (self, id != 0
    ? "SELECT " DETECTION_FIELDS " FROM detections AS d WHERE d.id = ?"
    : "SELECT " DETECTION_FIELDS " FROM detections AS d WHERE d.name = ?", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  rc = ax_store_step_id_or_name (self, stmt, id, name, error);
  if (rc == SQLITE_ROW)
    return detection_from_row (stmt);
  if (rc != SQLITE_DONE)
    return NULL;
  if (id != 0)
    g_set_error (error, AX_STORE_ERROR, AX_STORE_ERROR_NOT_FOUND,
                 _("The project has no anomaly detection with id %" G_GINT64_FORMAT), id);
  else
    g_set_error (error, AX_STORE_ERROR, AX_STORE_ERROR_NOT_FOUND,
                 _("The project has no anomaly detection called “%s”"), name);
  return NULL;
}

gboolean
ax_store_delete_detection (AxStore  *self,
                           gint64    id,
                           GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = ax_store_prepare (self, "DELETE FROM detections WHERE id = ?", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  if (!ax_store_step_done (self, stmt, _("Could not delete the anomaly detection"), error))
    return FALSE;
  if (sqlite3_changes (self->db) == 0)
    {
      g_set_error (error, AX_STORE_ERROR, AX_STORE_ERROR_NOT_FOUND,
                   _("The project has no anomaly detection with id %" G_GINT64_FORMAT), id);
      return FALSE;
    }
  return TRUE;
}

gboolean
ax_store_set_detection_enabled (AxStore   *self,
                                gint64     id,
                                gboolean   enabled,
                                GError   **error)
{
  g_autoptr(sqlite3_stmt) stmt = ax_store_prepare (self, "UPDATE detections SET enabled = ? WHERE id = ?", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int (stmt, 1, enabled ? 1 : 0);
  sqlite3_bind_int64 (stmt, 2, id);
  if (!ax_store_step_done (self, stmt, _("Could not turn monitoring of the anomaly detection on or off"), error))
    return FALSE;
  if (sqlite3_changes (self->db) == 0)
    {
      g_set_error (error, AX_STORE_ERROR, AX_STORE_ERROR_NOT_FOUND,
                   _("The project has no anomaly detection with id %" G_GINT64_FORMAT), id);
      return FALSE;
    }
  return TRUE;
}

static gpointer
run_from_row (sqlite3_stmt *stmt)
{
  AxDetectionRun *run = g_new0 (AxDetectionRun, 1);

  run->id = sqlite3_column_int64 (stmt, 0);
  run->detection_id = sqlite3_column_int64 (stmt, 1);
  run->started = ax_store_column_text (stmt, 2);
  run->finished = ax_store_column_text (stmt, 3);
  run->first_row = sqlite3_column_int64 (stmt, 4);
  run->rows_scored = sqlite3_column_int64 (stmt, 5);
  run->rows_skipped = sqlite3_column_int64 (stmt, 6);
  run->n_anomalies = (guint) sqlite3_column_int64 (stmt, 7);
  run->thresholds = ax_store_column_text (stmt, 8);
  run->n_suppressed = (guint) sqlite3_column_int64 (stmt, 9);
  return run;
}

GPtrArray *
ax_store_list_detection_runs (AxStore  *self,
                              gint64    detection_id,
                              GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = ax_store_prepare (self,
    "SELECT id, detection_id, started, finished, first_row, rows_scored, rows_skipped, "
    "n_anomalies, thresholds, n_suppressed FROM detection_runs WHERE detection_id = ? ORDER BY id", error);

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, detection_id);
  return ax_store_list_rows (self, stmt, run_from_row, NULL,
                             (GDestroyNotify) ax_detection_run_free, error);
}

/* Saving a run */

/* Creates or updates the detection; its id in *@out_id. */
static gboolean
save_detection (AxStore                *self,
                const AxDetectionInfo  *detection,
                const char             *stamp,
                const char             *last_run,
                gint64                 *out_id,
                GError                **error)
{
  const char *what = _("Could not save the anomaly detection");
  g_autoptr(sqlite3_stmt) stmt = NULL;

  /* An upsert keeps the row (and so the id its runs refer to); "updated"
   * moves only when the configuration is not the one stored. */
  stmt = ax_store_prepare (self,
    "INSERT INTO detections (name, config, anomaly_type, algorithm, dataset, created, updated, "
    "                        last_run, rows_scored_until, dataset_imported_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7, ?8, ?9) "
    "ON CONFLICT (name) DO UPDATE SET "
    "  updated = CASE WHEN config IS excluded.config THEN updated ELSE excluded.updated END, "
    "  config = excluded.config, anomaly_type = excluded.anomaly_type, "
    "  algorithm = excluded.algorithm, dataset = excluded.dataset, "
    "  last_run = excluded.last_run, rows_scored_until = excluded.rows_scored_until, "
    "  dataset_imported_at = excluded.dataset_imported_at", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, detection->name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, detection->config, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, detection->anomaly_type, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, detection->algorithm, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, detection->dataset, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 6, stamp, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 7, last_run, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 8, detection->rows_scored_until);
  bind_text_or_null (stmt, 9, detection->dataset_imported_at);
  if (!ax_store_step_done (self, stmt, what, error))
    return FALSE;
  g_clear_pointer (&stmt, sqlite3_finalize);

  /* last_insert_rowid() is not set by the update branch of an upsert. */
  stmt = ax_store_prepare (self, "SELECT id FROM detections WHERE name = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, detection->name, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      ax_store_set_error (self, error, what);
      return FALSE;
    }
  *out_id = sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

static gboolean
save_run (AxStore                *self,
          const AxDetectionInfo  *detection,
          const AxDetectionRun   *run,
          gboolean                supersede_open,
          AxAnomalyRecord *const *anomalies,
          guint                   n_anomalies,
          const char             *stamp,
          gint64                 *out_detection_id,
          gint64                 *out_run_id,
          gint64                 *ids,
          GError                **error)
{
  const char *what = _("Could not save the anomalies");
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gint64 detection_id = 0, run_id;

  if (!save_detection (self, detection, stamp, run->finished, &detection_id, error))
    return FALSE;

  if (supersede_open)
    {
      stmt = ax_store_prepare (self, "DELETE FROM anomalies WHERE detection_id = ? AND status = 'open'", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, detection_id);
      if (!ax_store_step_done (self, stmt, what, error))
        return FALSE;
      g_clear_pointer (&stmt, sqlite3_finalize);
    }

  stmt = ax_store_prepare (self,
    "INSERT INTO detection_runs (detection_id, started, finished, first_row, rows_scored, "
    "                            rows_skipped, n_anomalies, thresholds, n_suppressed) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, detection_id);
  sqlite3_bind_text (stmt, 2, run->started, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, run->finished, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 4, run->first_row);
  sqlite3_bind_int64 (stmt, 5, run->rows_scored);
  sqlite3_bind_int64 (stmt, 6, run->rows_skipped);
  sqlite3_bind_int64 (stmt, 7, run->n_anomalies);
  sqlite3_bind_text (stmt, 8, run->thresholds ? run->thresholds : "{}", -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 9, run->n_suppressed);
  if (!ax_store_step_done (self, stmt, what, error))
    return FALSE;
  run_id = sqlite3_last_insert_rowid (self->db);
  g_clear_pointer (&stmt, sqlite3_finalize);

  stmt = ax_store_prepare (self,
    "INSERT INTO anomalies (detection_id, run_id, detected_at, dataset_row, time, group_value, "
    "                       score, raw_score, severity, actual, expected, context, root_cause) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, detection_id);
  sqlite3_bind_int64 (stmt, 2, run_id);
  sqlite3_bind_text (stmt, 3, run->finished, -1, SQLITE_TRANSIENT);
  for (guint i = 0; i < n_anomalies; i++)
    {
      const AxAnomalyRecord *a = anomalies[i];

      if (severity_name (a->severity) == NULL)
        {
          g_set_error (error, AX_STORE_ERROR, AX_STORE_ERROR_FAILED,
                       _("%s: an anomaly must have a severity from low to critical"), what);
          return FALSE;
        }
      sqlite3_bind_int64 (stmt, 4, a->dataset_row);
      if (isfinite (a->time))
        sqlite3_bind_double (stmt, 5, a->time);
      else
        sqlite3_bind_null (stmt, 5);
      bind_text_or_null (stmt, 6, a->group_value);
      sqlite3_bind_double (stmt, 7, a->score);
      sqlite3_bind_double (stmt, 8, a->raw_score);
      sqlite3_bind_text (stmt, 9, severity_name (a->severity), -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 10, a->actual ? a->actual : "{}", -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 11, a->expected ? a->expected : "{}", -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 12, a->context ? a->context : "{}", -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 13, a->root_cause ? a->root_cause : "[]", -1, SQLITE_TRANSIENT);
      if (!ax_store_step_done (self, stmt, what, error))
        return FALSE;
      ids[i] = sqlite3_last_insert_rowid (self->db);
      sqlite3_reset (stmt);
    }

  *out_detection_id = detection_id;
  *out_run_id = run_id;
  return TRUE;
}

gboolean
ax_store_save_detection_run (AxStore                *self,
                             const AxDetectionInfo  *detection,
                             const AxDetectionRun   *run,
                             gboolean                supersede_open,
                             AxAnomalyRecord *const *anomalies,
                             guint                   n_anomalies,
                             gint64                 *out_detection_id,
                             gint64                 *out_run_id,
                             GError                **error)
{
  g_autofree char *stamp = ax_store_now_utc ();
  g_autofree gint64 *ids = g_new0 (gint64, MAX (n_anomalies, 1));
  gint64 detection_id = 0, run_id = 0;
  AxStoreWrite w;

  g_return_val_if_fail (detection != NULL && detection->name != NULL, FALSE);
  g_return_val_if_fail (run != NULL && run->started != NULL && run->finished != NULL, FALSE);
  g_return_val_if_fail (anomalies != NULL || n_anomalies == 0, FALSE);

  if (detection->name[0] == '\0')
    {
      g_set_error_literal (error, AX_STORE_ERROR, AX_STORE_ERROR_FAILED,
                           _("An anomaly detection needs a name"));
      return FALSE;
    }
  if (!ax_store_write_begin (&w, self, "ax_anomalies", error))
    return FALSE;
  if (!save_run (self, detection, run, supersede_open, anomalies, n_anomalies, stamp,
                 &detection_id, &run_id, ids, error) ||
      !ax_store_write_end (&w, error))
    {
      ax_store_write_abort (&w);
      return FALSE;
    }

  for (guint i = 0; i < n_anomalies; i++)
    {
      AxAnomalyRecord *a = anomalies[i];

      a->id = ids[i];
      a->detection_id = detection_id;
      a->run_id = run_id;
      g_free (a->detected_at);
      a->detected_at = g_strdup (run->finished);
      a->status = AX_ANOMALY_STATUS_OPEN;
    }
  if (out_detection_id)
    *out_detection_id = detection_id;
  if (out_run_id)
    *out_run_id = run_id;
  return TRUE;
}

/* Anomalies */

#define ANOMALY_FIELDS "a.id, a.detection_id, d.name, d.dataset, a.run_id, a.detected_at, " \
                       "a.dataset_row, a.time, a.group_value, a.score, a.raw_score, a.severity, " \
                       "a.actual, a.expected, a.context, a.root_cause, a.status, " \
                       "a.resolution_notes, a.is_false_positive, a.false_positive_reason, a.resolved_at"

static gpointer
anomaly_from_row (sqlite3_stmt *stmt)
{
  AxAnomalyRecord *a = g_new0 (AxAnomalyRecord, 1);
  AxAnomalyStatus status = AX_ANOMALY_STATUS_OPEN;

  a->id = sqlite3_column_int64 (stmt, 0);
  a->detection_id = sqlite3_column_int64 (stmt, 1);
  a->detection_name = ax_store_column_text (stmt, 2);
  a->dataset = ax_store_column_text (stmt, 3);
  a->run_id = sqlite3_column_int64 (stmt, 4);
  a->detected_at = ax_store_column_text (stmt, 5);
  a->dataset_row = sqlite3_column_int64 (stmt, 6);
  a->time = column_real_or_nan (stmt, 7);
  a->group_value = ax_store_column_text (stmt, 8);
  a->score = sqlite3_column_double (stmt, 9);
  a->raw_score = sqlite3_column_double (stmt, 10);
  /* The table's CHECKs hold these to the known names. */
  a->severity = severity_parse ((const char *) sqlite3_column_text (stmt, 11));
  a->actual = ax_store_column_text (stmt, 12);
  a->expected = ax_store_column_text (stmt, 13);
  a->context = ax_store_column_text (stmt, 14);
  a->root_cause = ax_store_column_text (stmt, 15);
  ax_anomaly_status_from_string ((const char *) sqlite3_column_text (stmt, 16), &status);
  a->status = status;
  a->resolution_notes = ax_store_column_text (stmt, 17);
  a->is_false_positive = sqlite3_column_int (stmt, 18) != 0;
  a->false_positive_reason = ax_store_column_text (stmt, 19);
  a->resolved_at = ax_store_column_text (stmt, 20);
  return a;
}

GPtrArray *
ax_store_list_anomalies (AxStore                *self,
                         const AxAnomalyFilter  *filter,
                         GError                **error)
{
  /* A NULL parameter switches its condition off, so one statement serves
   * every combination of filters.  t is the data time, or failing that
   * the detection time, in days since the epoch. */
  g_autoptr(sqlite3_stmt) stmt = ax_store_prepare (self,
    "SELECT " ANOMALY_FIELDS " FROM ("
    "  SELECT *, coalesce(time, julianday(detected_at) - " G_STRINGIFY (UNIX_EPOCH_JULIAN_DAY) ") AS t"
    "  FROM anomalies) AS a JOIN detections AS d ON d.id = a.detection_id "
    "WHERE (?1 IS NULL OR a.detection_id = ?1) "
    "  AND (?2 IS NULL OR a.severity = ?2) "
    "  AND (?3 IS NULL OR a.status = ?3) "
    "  AND (?4 IS NULL OR a.t >= ?4) "
    "  AND (?5 IS NULL OR a.t < ?5) "
    "ORDER BY a.t DESC, a.score DESC, a.id DESC LIMIT ?6", error);
  AxAnomalyFilter all;

  if (stmt == NULL)
    return NULL;
  if (filter == NULL)
    {
      ax_anomaly_filter_init (&all);
      filter = &all;
    }
  if (filter->detection_id != 0)
    sqlite3_bind_int64 (stmt, 1, filter->detection_id);
  if (filter->severity >= 0)
    {
      const char *name = severity_name ((AxSeverity) filter->severity);
      /* No anomaly has severity "none": match nothing rather than all. */
      sqlite3_bind_text (stmt, 2, name ? name : "", -1, SQLITE_STATIC);
    }
  if (filter->status >= 0)
    sqlite3_bind_text (stmt, 3, ax_anomaly_status_to_string ((AxAnomalyStatus) filter->status), -1, SQLITE_STATIC);
  if (!isnan (filter->since))
    sqlite3_bind_double (stmt, 4, filter->since);
  if (!isnan (filter->until))
    sqlite3_bind_double (stmt, 5, filter->until);
  /* A negative LIMIT is no limit. */
  sqlite3_bind_int64 (stmt, 6, filter->limit ? (gint64) filter->limit : -1);
  return ax_store_list_rows (self, stmt, anomaly_from_row, NULL,
                             (GDestroyNotify) ax_anomaly_record_free, error);
}

AxAnomalyRecord *
ax_store_get_anomaly (AxStore  *self,
                      gint64    id,
                      GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = ax_store_prepare (self,
    "SELECT " ANOMALY_FIELDS " FROM anomalies AS a JOIN detections AS d ON d.id = a.detection_id "
    "WHERE a.id = ?", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  rc = ax_store_step_id_or_name (self, stmt, id, NULL, error);
  if (rc == SQLITE_ROW)
    return anomaly_from_row (stmt);
  if (rc == SQLITE_DONE)
    g_set_error (error, AX_STORE_ERROR, AX_STORE_ERROR_NOT_FOUND,
                 _("The project has no anomaly with id %" G_GINT64_FORMAT), id);
  return NULL;
}

gboolean
ax_store_resolve_anomaly (AxStore     *self,
                          gint64       id,
                          const char  *notes,
                          gboolean     is_false_positive,
                          const char  *reason,
                          GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *stamp = ax_store_now_utc ();

  g_return_val_if_fail (notes != NULL, FALSE);

  if (reason && !is_false_positive)
    {
      g_set_error_literal (error, AX_STORE_ERROR, AX_STORE_ERROR_FAILED,
                           _("A false-positive reason goes with marking the anomaly as a false positive"));
      return FALSE;
    }
  stmt = ax_store_prepare (self,
    "UPDATE anomalies SET status = ?, resolution_notes = ?, is_false_positive = ?, "
    "false_positive_reason = ?, resolved_at = ? WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, ax_anomaly_status_to_string (is_false_positive
                                                           ? AX_ANOMALY_STATUS_FALSE_POSITIVE
                                                           : AX_ANOMALY_STATUS_RESOLVED),
                     -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, notes, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 3, is_false_positive ? 1 : 0);
  bind_text_or_null (stmt, 4, is_false_positive ? reason : NULL);
  sqlite3_bind_text (stmt, 5, stamp, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 6, id);
  if (!ax_store_step_done (self, stmt, _("Could not resolve the anomaly"), error))
    return FALSE;
  if (sqlite3_changes (self->db) == 0)
    {
      g_set_error (error, AX_STORE_ERROR, AX_STORE_ERROR_NOT_FOUND,
                   _("The project has no anomaly with id %" G_GINT64_FORMAT), id);
      return FALSE;
    }
  return TRUE;
}

/* Feedback */

static void
feedback_clear (gpointer p)
{
  AxFeedback *f = p;

  g_clear_pointer (&f->group, g_free);
  g_clear_pointer (&f->values, g_free);
}

/* Fills @f->values with @actual's values of @metrics, NAN where there is
 * none. */
static void
read_values (AxFeedback         *f,
             const char         *actual,
             const char * const *metrics)
{
  g_autoptr(JsonNode) root = actual ? json_from_string (actual, NULL) : NULL;
  JsonObject *o = root && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;

  f->n_metrics = metrics ? g_strv_length ((char **) metrics) : 0;
  f->values = g_new (double, MAX (f->n_metrics, 1));
  for (guint m = 0; m < f->n_metrics; m++)
    {
      JsonNode *v = o ? json_object_get_member (o, metrics[m]) : NULL;
      GType type = v && JSON_NODE_HOLDS_VALUE (v) ? json_node_get_value_type (v) : G_TYPE_INVALID;

      f->values[m] = type == G_TYPE_DOUBLE || type == G_TYPE_INT64 ? json_node_get_double (v) : NAN;
    }
}

GArray *
ax_store_get_anomaly_values (AxStore             *self,
                             gint64               detection_id,
                             int                  status,
                             const char * const  *metrics,
                             GArray             **out_ids,
                             GError             **error)
{
  g_autoptr(sqlite3_stmt) stmt = ax_store_prepare (self,
    "SELECT id, group_value, raw_score, actual FROM anomalies "
    "WHERE detection_id = ?1 AND (?2 IS NULL OR status = ?2) ORDER BY id", error);
  g_autoptr(GArray) list = g_array_new (FALSE, TRUE, sizeof (AxFeedback));
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  int rc;

  g_array_set_clear_func (list, feedback_clear);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, detection_id);
  if (status >= 0)
    sqlite3_bind_text (stmt, 2, ax_anomaly_status_to_string ((AxAnomalyStatus) status), -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      AxFeedback f = { 0 };
      gint64 id = sqlite3_column_int64 (stmt, 0);

      f.group = ax_store_column_text (stmt, 1);
      f.score = sqlite3_column_double (stmt, 2);
      read_values (&f, (const char *) sqlite3_column_text (stmt, 3), metrics);
      g_array_append_val (list, f);
      g_array_append_val (ids, id);
    }
  if (rc != SQLITE_DONE)
    {
      ax_store_set_error (self, error, _("Could not read the project"));
      return NULL;
    }
  if (out_ids)
    *out_ids = g_steal_pointer (&ids);
  return g_steal_pointer (&list);
}

GArray *
ax_store_get_feedback (AxStore             *self,
                       gint64               detection_id,
                       const char * const  *metrics,
                       GError             **error)
{
  return ax_store_get_anomaly_values (self, detection_id, AX_ANOMALY_STATUS_FALSE_POSITIVE,
                                      metrics, NULL, error);
}
