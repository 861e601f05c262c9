/* ax-store-predictions.c — the prediction history: queries, actuals, context */

#include "ax-config.h"
#include "ax-store-predictions.h"
#include "ax-store-private.h"

#include <glib/gi18n-lib.h>
#include <math.h>

void
ax_prediction_entry_free (AxPredictionEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->model_name);
  g_free (entry->created);
  g_free (entry->input);
  g_free (entry->output);
  g_free (entry->actual);
  g_free (entry->actual_recorded);
  g_free (entry->context);
  g_free (entry);
}

void
ax_prediction_accuracy_free (AxPredictionAccuracy *acc)
{
  if (acc == NULL)
    return;
  g_free (acc->day);
  g_free (acc);
}

/* Appends @filter's conditions to @sql (which ends in a WHERE clause's
 * "1") and returns how many parameters they take, bound by bind_filter()
 * from parameter 1 in the same order. */
static void
append_filter (GString                  *sql,
               const AxPredictionFilter *filter,
               gboolean                  with_actual)
{
  if (filter && filter->model_id != 0)
    g_string_append (sql, " AND p.model_id = ?");
  if (filter && filter->model_id != 0 && filter->version != 0)
    g_string_append (sql, " AND p.version = ?");
  if (filter && filter->since)
    g_string_append (sql, " AND p.created >= ?");
  if (filter && filter->until)
    g_string_append (sql, " AND p.created < ?");
  if (with_actual || (filter && filter->with_actual))
    g_string_append (sql, " AND p.actual IS NOT NULL");
}

static int
bind_filter (sqlite3_stmt             *stmt,
             const AxPredictionFilter *filter)
{
  int i = 1;

  if (filter == NULL)
    return i;
  if (filter->model_id != 0)
    sqlite3_bind_int64 (stmt, i++, filter->model_id);
  if (filter->model_id != 0 && filter->version != 0)
    sqlite3_bind_int64 (stmt, i++, filter->version);
  if (filter->since)
    sqlite3_bind_text (stmt, i++, filter->since, -1, SQLITE_TRANSIENT);
  if (filter->until)
    sqlite3_bind_text (stmt, i++, filter->until, -1, SQLITE_TRANSIENT);
  return i;
}

static gpointer
entry_from_row (sqlite3_stmt *stmt)
{
  AxPredictionEntry *e = g_new0 (AxPredictionEntry, 1);

  e->id = sqlite3_column_int64 (stmt, 0);
  e->model_id = sqlite3_column_int64 (stmt, 1);
  e->model_name = ax_store_column_text (stmt, 2);
  e->version = (guint) sqlite3_column_int64 (stmt, 3);
  e->created = ax_store_column_text (stmt, 4);
  e->input = ax_store_column_text (stmt, 5);
  e->output = ax_store_column_text (stmt, 6);
  e->actual = ax_store_column_text (stmt, 7);
  e->actual_recorded = ax_store_column_text (stmt, 8);
  e->context = ax_store_column_text (stmt, 9);
  return e;
}

GPtrArray *
ax_store_query_predictions (AxStore                  *self,
                            const AxPredictionFilter *filter,
                            guint                     offset,
                            guint                     limit,
                            GError                  **error)
{
  g_autoptr(GString) sql = g_string_new (
    "SELECT p.id, p.model_id, coalesce(m.name, ''), p.version, p.created, p.input, p.output, "
    "p.actual, p.actual_recorded, p.context "
    "FROM predictions p LEFT JOIN models m ON m.id = p.model_id WHERE 1");
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int i;

  append_filter (sql, filter, FALSE);
  g_string_append (sql, " ORDER BY p.id DESC LIMIT ? OFFSET ?");
  stmt = ax_store_prepare (self, sql->str, error);
  if (stmt == NULL)
    return NULL;
  i = bind_filter (stmt, filter);
  /* A negative LIMIT is no limit. */
  sqlite3_bind_int64 (stmt, i++, limit ? (gint64) limit : -1);
  sqlite3_bind_int64 (stmt, i, offset);
  return ax_store_list_rows (self, stmt, entry_from_row, NULL,
                             (GDestroyNotify) ax_prediction_entry_free, error);
}

AxPredictionEntry *
ax_store_get_prediction (AxStore  *self,
                         gint64    id,
                         GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = ax_store_prepare (self,
    "SELECT p.id, p.model_id, coalesce(m.name, ''), p.version, p.created, p.input, p.output, "
    "p.actual, p.actual_recorded, p.context "
    "FROM predictions p LEFT JOIN models m ON m.id = p.model_id WHERE p.id = ?1", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  rc = ax_store_step_id_or_name (self, stmt, id, NULL, error);
  if (rc == SQLITE_ROW)
    return entry_from_row (stmt);
  if (rc == SQLITE_DONE)
    g_set_error (error, AX_STORE_ERROR, AX_STORE_ERROR_NOT_FOUND,
                 _("There is no prediction %" G_GINT64_FORMAT), id);
  return NULL;
}

gint64
ax_store_count_predictions (AxStore                  *self,
                            const AxPredictionFilter *filter,
                            GError                  **error)
{
  g_autoptr(GString) sql = g_string_new ("SELECT count(*) FROM predictions p WHERE 1");
  g_autoptr(sqlite3_stmt) stmt = NULL;

  append_filter (sql, filter, FALSE);
  stmt = ax_store_prepare (self, sql->str, error);
  if (stmt == NULL)
    return -1;
  bind_filter (stmt, filter);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      ax_store_set_error (self, error, _("Could not count the predictions"));
      return -1;
    }
  return sqlite3_column_int64 (stmt, 0);
}

/* Runs @sql ("... ?1 ... WHERE id = ?2") for each id with @values[i] as
 * its first parameter and the time now as its third, if it has one. */
static gboolean
update_each (AxStore             *self,
             const char          *sql,
             const char          *what,
             guint                n,
             const gint64        *ids,
             const char * const  *values,
             GError             **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *stamp = ax_store_now_utc ();
  AxStoreWrite w;

  if (!ax_store_write_begin (&w, self, "ax_predictions", error))
    return FALSE;
  stmt = ax_store_prepare (self, sql, error);
  if (stmt == NULL)
    {
      ax_store_write_abort (&w);
      return FALSE;
    }
  for (guint i = 0; i < n; i++)
    {
      sqlite3_reset (stmt);
      if (values[i])
        sqlite3_bind_text (stmt, 1, values[i], -1, SQLITE_STATIC);
      else
        sqlite3_bind_null (stmt, 1);
      sqlite3_bind_int64 (stmt, 2, ids[i]);
      if (sqlite3_bind_parameter_count (stmt) >= 3)
        {
          if (values[i])
            sqlite3_bind_text (stmt, 3, stamp, -1, SQLITE_STATIC);
          else
            sqlite3_bind_null (stmt, 3);
        }
      if (!ax_store_step_done (self, stmt, what, error))
        {
          ax_store_write_abort (&w);
          return FALSE;
        }
      if (sqlite3_changes (self->db) != 1)
        {
          g_set_error (error, AX_STORE_ERROR, AX_STORE_ERROR_NOT_FOUND,
                       _("%s: there is no prediction %" G_GINT64_FORMAT), what, ids[i]);
          ax_store_write_abort (&w);
          return FALSE;
        }
    }
  /* Let go of the statement before the savepoint is released. */
  g_clear_pointer (&stmt, sqlite3_finalize);
  if (!ax_store_write_end (&w, error))
    {
      ax_store_write_abort (&w);
      return FALSE;
    }
  return TRUE;
}

gboolean
ax_store_set_prediction_actuals (AxStore             *self,
                                 guint                n,
                                 const gint64        *ids,
                                 const char * const  *actuals,
                                 GError             **error)
{
  g_return_val_if_fail (n == 0 || (ids && actuals), FALSE);
  return update_each (self,
                      "UPDATE predictions SET actual = ?1, actual_recorded = ?3 WHERE id = ?2",
                      _("Could not record the actual value"), n, ids, actuals, error);
}

static double
column_double_or_nan (sqlite3_stmt *stmt,
                      int           i)
{
  return sqlite3_column_type (stmt, i) == SQLITE_NULL ? NAN : sqlite3_column_double (stmt, i);
}

static gpointer
accuracy_from_row (sqlite3_stmt *stmt)
{
  AxPredictionAccuracy *a = g_new0 (AxPredictionAccuracy, 1);

  a->model_id = sqlite3_column_int64 (stmt, 0);
  a->day = ax_store_column_text (stmt, 1);
  a->n = (guint) sqlite3_column_int64 (stmt, 2);
  a->mae = column_double_or_nan (stmt, 3);
  a->accuracy = column_double_or_nan (stmt, 4);
  a->in_range = column_double_or_nan (stmt, 5);
  return a;
}

GPtrArray *
ax_store_prediction_accuracy_by_day (AxStore                  *self,
                                     const AxPredictionFilter *filter,
                                     GError                  **error)
{
  /* Numbers only where both sides are numbers: a class name never counts
   * as an error of zero. */
#define IS_NUM(expr) "json_type (" expr ") IN ('integer', 'real')"
  g_autoptr(GString) sql = g_string_new (
    "SELECT p.model_id, substr (p.created, 1, 10) AS day, count(*), "
    "avg (CASE WHEN " IS_NUM ("p.output, '$.value'") " AND " IS_NUM ("p.actual") " "
    "     THEN abs (json_extract (p.output, '$.value') - json_extract (p.actual, '$')) END), "
    "avg (CASE WHEN json_extract (p.output, '$.value') = json_extract (p.actual, '$') THEN 1.0 ELSE 0.0 END), "
    "avg (CASE WHEN " IS_NUM ("p.actual") " AND " IS_NUM ("p.output, '$.lower_bound'") " "
    "          AND " IS_NUM ("p.output, '$.upper_bound'") " "
    "     THEN (json_extract (p.actual, '$') BETWEEN json_extract (p.output, '$.lower_bound') "
    "                                            AND json_extract (p.output, '$.upper_bound')) END) "
    "FROM predictions p WHERE 1");
#undef IS_NUM
  g_autoptr(sqlite3_stmt) stmt = NULL;

  append_filter (sql, filter, TRUE);
  g_string_append (sql, " GROUP BY p.model_id, day ORDER BY p.model_id, day");
  stmt = ax_store_prepare (self, sql->str, error);
  if (stmt == NULL)
    return NULL;
  bind_filter (stmt, filter);
  return ax_store_list_rows (self, stmt, accuracy_from_row, NULL,
                             (GDestroyNotify) ax_prediction_accuracy_free, error);
}

char **
ax_store_dataset_column_categories (AxStore     *self,
                                    const char  *dataset,
                                    const char  *column,
                                    guint        limit,
                                    GError     **error)
{
  g_autoptr(sqlite3_stmt) find = ax_store_prepare (self,
    "SELECT d.table_name, c.position FROM datasets d "
    "JOIN dataset_columns c ON c.dataset_id = d.id WHERE d.name = ?1 AND c.name = ?2", error);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func (g_free);
  char *sql;
  int rc;

  if (find == NULL)
    return NULL;
  sqlite3_bind_text (find, 1, dataset, -1, SQLITE_STATIC);
  sqlite3_bind_text (find, 2, column, -1, SQLITE_STATIC);
  rc = sqlite3_step (find);
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, AX_STORE_ERROR, AX_STORE_ERROR_NOT_FOUND,
                   _("Dataset “%s” has no column “%s”"), dataset, column);
      return NULL;
    }
  if (rc != SQLITE_ROW)
    {
      ax_store_set_error (self, error, _("Could not read the dataset’s columns"));
      return NULL;
    }
  sql = sqlite3_mprintf ("SELECT c%d, count(*) AS n FROM \"%w\" WHERE c%d IS NOT NULL "
                         "GROUP BY 1 ORDER BY n DESC, 1 LIMIT ?1",
                         sqlite3_column_int (find, 1), (const char *) sqlite3_column_text (find, 0),
                         sqlite3_column_int (find, 1));
  stmt = ax_store_prepare (self, sql, error);
  sqlite3_free (sql);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, limit ? (gint64) limit : -1);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (values, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  if (rc != SQLITE_DONE)
    {
      ax_store_set_error (self, error, _("Could not read the column’s values"));
      return NULL;
    }
  g_ptr_array_add (values, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&values), FALSE);
}
