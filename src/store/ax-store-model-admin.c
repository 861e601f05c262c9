/* ax-store-model-admin.c — a model's deployment and retraining settings */

#include "ax-config.h"
#include "ax-store-model-admin.h"
#include "ax-store-private.h"

#include <glib/gi18n-lib.h>
#include <math.h>

void
ax_model_admin_free (AxModelAdmin *admin)
{
  if (admin == NULL)
    return;
  g_free (admin->retrain_frequency);
  g_free (admin->retrain_metric);
  g_free (admin->deployed);
  g_free (admin->latest_created);
  g_free (admin);
}

void
ax_recorded_actual_free (AxRecordedActual *a)
{
  if (a == NULL)
    return;
  g_free (a->output);
  g_free (a->actual);
  g_free (a);
}

static void
set_no_model (GError **error,
              gint64   model_id)
{
  g_set_error (error, AX_STORE_ERROR, AX_STORE_ERROR_NOT_FOUND,
               _("The project has no model with id %" G_GINT64_FORMAT), model_id);
}

AxModelAdmin *
ax_store_get_model_admin (AxStore  *self,
                          gint64    model_id,
                          GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  AxModelAdmin *admin;
  int rc;

  stmt = ax_store_prepare (self,
                           "SELECT m.is_active, coalesce(m.active_version, 0), m.retrain_frequency, "
                           "       m.retrain_metric, m.retrain_drop, m.deployed, "
                           "       (SELECT max(created) FROM model_versions WHERE model_id = m.id) "
                           "FROM models m WHERE m.id = ?", error);
  if (stmt == NULL)
    return NULL;
  rc = ax_store_step_id_or_name (self, stmt, model_id, NULL, error);
  if (rc == SQLITE_DONE)
    set_no_model (error, model_id);
  if (rc != SQLITE_ROW)
    return NULL;
  admin = g_new0 (AxModelAdmin, 1);
  admin->model_id = model_id;
  admin->is_active = sqlite3_column_int (stmt, 0) != 0;
  admin->active_version = (guint) sqlite3_column_int64 (stmt, 1);
  admin->retrain_frequency = ax_store_column_text (stmt, 2);
  admin->retrain_metric = ax_store_column_text (stmt, 3);
  admin->retrain_drop = sqlite3_column_type (stmt, 4) == SQLITE_NULL ? NAN : sqlite3_column_double (stmt, 4);
  admin->deployed = ax_store_column_text (stmt, 5);
  admin->latest_created = ax_store_column_text (stmt, 6);
  return admin;
}

/* Runs @stmt (prepared, bound, an UPDATE of one model) and reports a
 * model that is not there. */
static gboolean
update_model (AxStore       *self,
              sqlite3_stmt  *stmt,
              gint64         model_id,
              GError       **error)
{
  if (!ax_store_step_done (self, stmt, _("Could not change the model"), error))
    return FALSE;
  if (sqlite3_changes (self->db) == 0)
    {
      set_no_model (error, model_id);
      return FALSE;
    }
  return TRUE;
}

gboolean
ax_store_set_model_retraining (AxStore     *self,
                               gint64       model_id,
                               const char  *frequency,
                               const char  *metric,
                               double       drop,
                               GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gboolean rule = metric != NULL && metric[0] != '\0' && isfinite (drop);

  stmt = ax_store_prepare (self,
                           "UPDATE models SET retrain_frequency = ?, retrain_metric = ?, retrain_drop = ? "
                           "WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, frequency ? frequency : "never", -1, SQLITE_TRANSIENT);
  if (rule)
    {
      sqlite3_bind_text (stmt, 2, metric, -1, SQLITE_TRANSIENT);
      sqlite3_bind_double (stmt, 3, drop);
    }
  sqlite3_bind_int64 (stmt, 4, model_id);
  return update_model (self, stmt, model_id, error);
}

/* Makes @version, which must exist, the active version of @model_id. */
static gboolean
set_active_version (AxStore  *self,
                    gint64    model_id,
                    guint     version,
                    GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = ax_store_prepare (self,
                           "UPDATE models SET active_version = ?2 WHERE id = ?1 AND EXISTS "
                           "(SELECT 1 FROM model_versions WHERE model_id = ?1 AND version = ?2)",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, model_id);
  sqlite3_bind_int64 (stmt, 2, version);
  if (!ax_store_step_done (self, stmt, _("Could not change the model"), error))
    return FALSE;
  if (sqlite3_changes (self->db) == 0)
    {
      g_set_error (error, AX_STORE_ERROR, AX_STORE_ERROR_NOT_FOUND,
                   _("The model with id %" G_GINT64_FORMAT " has no version %u"), model_id, version);
      return FALSE;
    }
  return TRUE;
}

gboolean
ax_store_set_model_deployment (AxStore   *self,
                               gint64     model_id,
                               gboolean   active,
                               guint      version,
                               GError   **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *stamp = ax_store_now_utc ();
  AxStoreWrite w;

  if (!ax_store_write_begin (&w, self, "ax_model_admin", error))
    return FALSE;
  if (version != 0 && !set_active_version (self, model_id, version, error))
    goto fail;
  stmt = ax_store_prepare (self,
                           "UPDATE models SET is_active = ?1, "
                           "  deployed = CASE WHEN ?1 THEN ?2 ELSE deployed END "
                           "WHERE id = ?3", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int (stmt, 1, active ? 1 : 0);
  sqlite3_bind_text (stmt, 2, stamp, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, model_id);
  if (!update_model (self, stmt, model_id, error))
    goto fail;
  if (!ax_store_write_end (&w, error))
    goto fail;
  return TRUE;

fail:
  ax_store_write_abort (&w);
  return FALSE;
}

gboolean
ax_store_set_version_metrics (AxStore     *self,
                              gint64       model_id,
                              guint        version,
                              const char  *metrics,
                              GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = ax_store_prepare (self,
                           "UPDATE model_versions SET metrics = ? WHERE model_id = ? AND version = ?",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, metrics, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, model_id);
  sqlite3_bind_int64 (stmt, 3, version);
  if (!ax_store_step_done (self, stmt, _("Could not save the model’s metrics"), error))
    return FALSE;
  if (sqlite3_changes (self->db) == 0)
    {
      g_set_error (error, AX_STORE_ERROR, AX_STORE_ERROR_NOT_FOUND,
                   _("The model with id %" G_GINT64_FORMAT " has no version %u"), model_id, version);
      return FALSE;
    }
  return TRUE;
}

static gpointer
actual_from_row (sqlite3_stmt *stmt)
{
  AxRecordedActual *a = g_new0 (AxRecordedActual, 1);

  a->output = ax_store_column_text (stmt, 0);
  a->actual = ax_store_column_text (stmt, 1);
  return a;
}

GPtrArray *
ax_store_list_recorded_actuals (AxStore  *self,
                                gint64    model_id,
                                guint     version,
                                GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = ax_store_prepare (self,
                           "SELECT output, actual FROM predictions "
                           "WHERE model_id = ? AND version = ? AND actual IS NOT NULL ORDER BY id",
                           error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, model_id);
  sqlite3_bind_int64 (stmt, 2, version);
  return ax_store_list_rows (self, stmt, actual_from_row, NULL,
                             (GDestroyNotify) ax_recorded_actual_free, error);
}
