/* ax-store-models.c — predictive models, their versions and predictions */

#include "ax-config.h"
#include "ax-store-models.h"
#include "ax-store-private.h"

#include <glib/gi18n-lib.h>

void
ax_model_version_free (AxModelVersion *version)
{
  if (version == NULL)
    return;
  g_free (version->created);
  g_free (version->config);
  g_free (version->metrics);
  g_free (version->curve);
  g_free (version->importance);
  g_free (version->dataset_name);
  g_free (version->dataset_hash);
  g_clear_pointer (&version->blob, g_bytes_unref);
  g_free (version);
}

void
ax_model_info_free (AxModelInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->name);
  g_free (info->model_type);
  g_free (info->algorithm);
  g_free (info->description);
  g_free (info->created);
  g_free (info->updated);
  ax_model_version_free (info->latest);
  g_free (info);
}

void
ax_prediction_record_free (AxPredictionRecord *record)
{
  if (record == NULL)
    return;
  g_free (record->created);
  g_free (record->input);
  g_free (record->output);
  g_free (record);
}

/* Versions */

#define VERSION_FIELDS "model_id, version, created, config, metrics, curve, importance, " \
                       "dataset_name, dataset_hash, n_train, n_valid, n_test, seconds"

/* Reads the columns of VERSION_FIELDS starting at @first. */
static AxModelVersion *
version_from_row (sqlite3_stmt *stmt,
                  int           first)
{
  AxModelVersion *v = g_new0 (AxModelVersion, 1);

  v->model_id = sqlite3_column_int64 (stmt, first + 0);
  v->version = (guint) sqlite3_column_int64 (stmt, first + 1);
  v->created = ax_store_column_text (stmt, first + 2);
  v->config = ax_store_column_text (stmt, first + 3);
  v->metrics = ax_store_column_text (stmt, first + 4);
  v->curve = ax_store_column_text (stmt, first + 5);
  v->importance = ax_store_column_text (stmt, first + 6);
  v->dataset_name = ax_store_column_text (stmt, first + 7);
  v->dataset_hash = ax_store_column_text (stmt, first + 8);
  v->n_train = sqlite3_column_int64 (stmt, first + 9);
  v->n_valid = sqlite3_column_int64 (stmt, first + 10);
  v->n_test = sqlite3_column_int64 (stmt, first + 11);
  v->seconds = sqlite3_column_double (stmt, first + 12);
  return v;
}

static gpointer
version_row (sqlite3_stmt *stmt)
{
  return version_from_row (stmt, 0);
}

/* The id of the model called @name, or 0. */
static gboolean
find_model (AxStore     *self,
            const char  *name,
            gint64      *out_id,
            GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = ax_store_prepare (self, "SELECT id FROM models WHERE name = ?", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      ax_store_set_error (self, error, _("Could not read the project"));
      return FALSE;
    }
  *out_id = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
  return TRUE;
}

static gboolean
save_version (AxStore               *self,
              const AxModelInfo     *model,
              const AxModelVersion  *version,
              const char            *stamp,
              gint64                *out_model_id,
              guint                 *out_version,
              GError               **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  const char *what = _("Could not save the model");
  gint64 id = 0;
  guint number;
  gsize size = 0;
  gconstpointer data;

  if (!find_model (self, model->name, &id, error))
    return FALSE;
  if (id == 0)
    {
      stmt = ax_store_prepare (self,
        "INSERT INTO models (name, model_type, algorithm, description, created, updated) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?5)", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, model->name, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, model->model_type, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 3, model->algorithm, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 4, model->description ? model->description : "", -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 5, stamp, -1, SQLITE_TRANSIENT);
      if (!ax_store_step_done (self, stmt, what, error))
        return FALSE;
      id = sqlite3_last_insert_rowid (self->db);
      g_clear_pointer (&stmt, sqlite3_finalize);
    }

  stmt = ax_store_prepare (self, "SELECT coalesce(max(version), 0) + 1 FROM model_versions WHERE model_id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      ax_store_set_error (self, error, _("Could not read the project"));
      return FALSE;
    }
  number = (guint) sqlite3_column_int64 (stmt, 0);
  g_clear_pointer (&stmt, sqlite3_finalize);

  /* The blob goes last in the row, so that reading the other columns never
   * walks its overflow pages. */
  stmt = ax_store_prepare (self,
    "INSERT INTO model_versions (" VERSION_FIELDS ", blob) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_int64 (stmt, 2, number);
  sqlite3_bind_text (stmt, 3, stamp, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, version->config, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, version->metrics, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, version->curve ? version->curve : "[]", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, version->importance ? version->importance : "[]", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 8, version->dataset_name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 9, version->dataset_hash, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 10, version->n_train);
  sqlite3_bind_int64 (stmt, 11, version->n_valid);
  sqlite3_bind_int64 (stmt, 12, version->n_test);
  sqlite3_bind_double (stmt, 13, version->seconds);
  data = version->blob ? g_bytes_get_data (version->blob, &size) : NULL;
  if (version->blob == NULL)
    sqlite3_bind_null (stmt, 14);
  else if (size == 0)
    sqlite3_bind_zeroblob (stmt, 14, 0);
  else
    sqlite3_bind_blob64 (stmt, 14, data, size, SQLITE_STATIC);
  if (!ax_store_step_done (self, stmt, what, error))
    return FALSE;
  g_clear_pointer (&stmt, sqlite3_finalize);

  stmt = ax_store_prepare (self,
    "UPDATE models SET model_type = ?, algorithm = ?, description = ?, updated = ?, "
    "active_version = ? WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, model->model_type, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, model->algorithm, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, model->description ? model->description : "", -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, stamp, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 5, number);
  sqlite3_bind_int64 (stmt, 6, id);
  if (!ax_store_step_done (self, stmt, what, error))
    return FALSE;

  *out_model_id = id;
  *out_version = number;
  return TRUE;
}

gboolean
ax_store_save_model_version (AxStore               *self,
                             const AxModelInfo     *model,
                             const AxModelVersion  *version,
                             gint64                *out_model_id,
                             guint                 *out_version,
                             GError               **error)
{
  g_autofree char *stamp = ax_store_now_utc ();
  AxStoreWrite w;
  gint64 id = 0;
  guint number = 0;

  g_return_val_if_fail (model != NULL && model->name != NULL, FALSE);
  g_return_val_if_fail (version != NULL, FALSE);

  if (model->name[0] == '\0')
    {
      g_set_error_literal (error, AX_STORE_ERROR, AX_STORE_ERROR_FAILED,
                           _("A model needs a name"));
      return FALSE;
    }
  if (version->blob == NULL)
    {
      g_set_error_literal (error, AX_STORE_ERROR, AX_STORE_ERROR_FAILED,
                           _("Could not save the model: there is no fitted model to save"));
      return FALSE;
    }
  if (!ax_store_write_begin (&w, self, "ax_models", error))
    return FALSE;
  if (!save_version (self, model, version, stamp, &id, &number, error))
    {
      ax_store_write_abort (&w);
      return FALSE;
    }
  if (!ax_store_write_end (&w, error))
    {
      ax_store_write_abort (&w);
      return FALSE;
    }
  if (out_model_id)
    *out_model_id = id;
  if (out_version)
    *out_version = number;
  return TRUE;
}

/* Models */

#define MODEL_FIELDS "m.id, m.name, m.model_type, m.algorithm, m.description, m.created, m.updated, " \
                     "coalesce(m.active_version, 0), m.is_active, " \
                     "(SELECT count(*) FROM model_versions WHERE model_id = m.id), " \
                     "(SELECT count(*) FROM predictions WHERE model_id = m.id)"

static gpointer
info_from_row (sqlite3_stmt *stmt)
{
  AxModelInfo *info = g_new0 (AxModelInfo, 1);

  info->id = sqlite3_column_int64 (stmt, 0);
  info->name = ax_store_column_text (stmt, 1);
  info->model_type = ax_store_column_text (stmt, 2);
  info->algorithm = ax_store_column_text (stmt, 3);
  info->description = ax_store_column_text (stmt, 4);
  info->created = ax_store_column_text (stmt, 5);
  info->updated = ax_store_column_text (stmt, 6);
  info->active_version = (guint) sqlite3_column_int64 (stmt, 7);
  info->is_active = sqlite3_column_int (stmt, 8) != 0;
  info->n_versions = (guint) sqlite3_column_int64 (stmt, 9);
  info->n_predictions = sqlite3_column_int64 (stmt, 10);
  return info;
}

static gboolean
load_latest (AxStore   *self,
             gpointer   item,
             GError   **error)
{
  AxModelInfo *info = item;
  g_autoptr(sqlite3_stmt) stmt = ax_store_prepare (self,
    "SELECT " VERSION_FIELDS " FROM model_versions WHERE model_id = ? ORDER BY version DESC LIMIT 1", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, info->id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    info->latest = version_from_row (stmt, 0);
  else if (rc != SQLITE_DONE)
    {
      ax_store_set_error (self, error, _("Could not read the project"));
      return FALSE;
    }
  return TRUE;
}

GPtrArray *
ax_store_list_models (AxStore  *self,
                      GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = ax_store_prepare (self,
    "SELECT " MODEL_FIELDS " FROM models AS m ORDER BY m.name COLLATE NOCASE", error);

  if (stmt == NULL)
    return NULL;
  return ax_store_list_rows (self, stmt, info_from_row, load_latest,
                             (GDestroyNotify) ax_model_info_free, error);
}

AxModelInfo *
ax_store_get_model (AxStore     *self,
                    gint64       id,
                    const char  *name,
                    GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = ax_store_prepare (self, id != 0
    ? "SELECT " MODEL_FIELDS " FROM models AS m WHERE m.id = ?"
    : "SELECT " MODEL_FIELDS " FROM models AS m WHERE m.name = ?", error);
  g_autoptr(AxModelInfo) info = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  rc = ax_store_step_id_or_name (self, stmt, id, name, error);
  if (rc == SQLITE_DONE)
    {
      if (id != 0)
        g_set_error (error, AX_STORE_ERROR, AX_STORE_ERROR_NOT_FOUND,
                     _("The project has no model with id %" G_GINT64_FORMAT), id);
      else
        g_set_error (error, AX_STORE_ERROR, AX_STORE_ERROR_NOT_FOUND,
                     _("The project has no model called “%s”"), name);
      return NULL;
    }
  if (rc != SQLITE_ROW)
    return NULL;
  info = info_from_row (stmt);
  if (!load_latest (self, info, error))
    return NULL;
  return g_steal_pointer (&info);
}

GPtrArray *
ax_store_list_model_versions (AxStore  *self,
                              gint64    model_id,
                              GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = ax_store_prepare (self,
    "SELECT " VERSION_FIELDS " FROM model_versions WHERE model_id = ? ORDER BY version", error);

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, model_id);
  return ax_store_list_rows (self, stmt, version_row, NULL,
                             (GDestroyNotify) ax_model_version_free, error);
}

AxModelVersion *
ax_store_get_model_version (AxStore  *self,
                            gint64    model_id,
                            guint     version,
                            GError  **error)
{
  g_autoptr(AxModelInfo) info = ax_store_get_model (self, model_id, NULL, error);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  AxModelVersion *v;
  int rc;

  if (info == NULL)
    return NULL;
  if (version == 0)
    version = info->active_version;
  stmt = ax_store_prepare (self,
    "SELECT " VERSION_FIELDS ", blob FROM model_versions WHERE model_id = ? AND version = ?", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, model_id);
  sqlite3_bind_int64 (stmt, 2, version);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      if (info->n_versions == 0)
        g_set_error (error, AX_STORE_ERROR, AX_STORE_ERROR_NOT_FOUND,
                     _("Model “%s” has not been trained yet"), info->name);
      else
        g_set_error (error, AX_STORE_ERROR, AX_STORE_ERROR_NOT_FOUND,
                     g_dngettext (GETTEXT_PACKAGE,
                                  "Model “%s” has no version %u; it has %u version",
                                  "Model “%s” has no version %u; it has versions 1 to %u",
                                  info->n_versions),
                     info->name, version, info->n_versions);
      return NULL;
    }
  if (rc != SQLITE_ROW)
    {
      ax_store_set_error (self, error, _("Could not read the project"));
      return NULL;
    }
  v = version_from_row (stmt, 0);
  v->blob = g_bytes_new (sqlite3_column_blob (stmt, 13), (gsize) sqlite3_column_bytes (stmt, 13));
  return v;
}

gboolean
ax_store_set_active_version (AxStore  *self,
                             gint64    model_id,
                             guint     version,
                             GError  **error)
{
  g_autoptr(AxModelVersion) v = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (version == 0)
    {
      g_set_error_literal (error, AX_STORE_ERROR, AX_STORE_ERROR_NOT_FOUND,
                           _("Model versions are numbered from 1"));
      return FALSE;
    }
  /* Checks that it exists, with a message naming what does. */
  v = ax_store_get_model_version (self, model_id, version, error);
  if (v == NULL)
    return FALSE;
  stmt = ax_store_prepare (self, "UPDATE models SET active_version = ? WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, version);
  sqlite3_bind_int64 (stmt, 2, model_id);
  return ax_store_step_done (self, stmt, _("Could not change the model"), error);
}

gboolean
ax_store_delete_model (AxStore  *self,
                       gint64    model_id,
                       GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = ax_store_prepare (self, "DELETE FROM models WHERE id = ?", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, model_id);
  if (!ax_store_step_done (self, stmt, _("Could not delete the model"), error))
    return FALSE;
  if (sqlite3_changes (self->db) == 0)
    {
      g_set_error (error, AX_STORE_ERROR, AX_STORE_ERROR_NOT_FOUND,
                   _("The project has no model with id %" G_GINT64_FORMAT), model_id);
      return FALSE;
    }
  return TRUE;
}

/* Predictions */

static gboolean
record_predictions (AxStore             *self,
                    gint64               model_id,
                    guint                version,
                    guint                n_rows,
                    const char * const  *inputs,
                    const char * const  *outputs,
                    const char * const  *contexts,
                    const char          *stamp,
                    gint64              *out_ids,
                    GError             **error)
{
  g_autoptr(sqlite3_stmt) stmt = ax_store_prepare (self,
    "INSERT INTO predictions (model_id, version, created, input, output, context) "
    "VALUES (?, ?, ?, ?, ?, ?)", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, model_id);
  sqlite3_bind_int64 (stmt, 2, version);
  sqlite3_bind_text (stmt, 3, stamp, -1, SQLITE_STATIC);
  for (guint i = 0; i < n_rows; i++)
    {
      sqlite3_bind_text (stmt, 4, inputs[i], -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 5, outputs[i], -1, SQLITE_STATIC);
      if (contexts != NULL && contexts[i] != NULL)
        sqlite3_bind_text (stmt, 6, contexts[i], -1, SQLITE_STATIC);
      else
        sqlite3_bind_null (stmt, 6);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        {
          /* A missing version shows up as a foreign key failure. */
          if (sqlite3_extended_errcode (self->db) == SQLITE_CONSTRAINT_FOREIGNKEY)
            g_set_error (error, AX_STORE_ERROR, AX_STORE_ERROR_NOT_FOUND,
                         _("Could not record the predictions: model %" G_GINT64_FORMAT
                           " has no version %u"), model_id, version);
          else
            ax_store_set_error (self, error, _("Could not record the predictions"));
          return FALSE;
        }
      if (out_ids)
        out_ids[i] = sqlite3_last_insert_rowid (self->db);
      sqlite3_reset (stmt);
    }
  return TRUE;
}

gboolean
ax_store_record_predictions (AxStore             *self,
                             gint64               model_id,
                             guint                version,
                             guint                n_rows,
                             const char * const  *inputs,
                             const char * const  *outputs,
                             const char * const  *contexts,
                             gint64              *out_ids,
                             char               **out_created,
                             GError             **error)
{
  g_autofree char *stamp = ax_store_now_utc ();
  AxStoreWrite w;

  if (!ax_store_write_begin (&w, self, "ax_models", error))
    return FALSE;
  if (!record_predictions (self, model_id, version, n_rows, inputs, outputs, contexts, stamp, out_ids, error) ||
      !ax_store_write_end (&w, error))
    {
      ax_store_write_abort (&w);
      return FALSE;
    }
  if (out_created)
    *out_created = g_steal_pointer (&stamp);
  return TRUE;
}

static gpointer
prediction_from_row (sqlite3_stmt *stmt)
{
  AxPredictionRecord *r = g_new0 (AxPredictionRecord, 1);

  r->id = sqlite3_column_int64 (stmt, 0);
  r->model_id = sqlite3_column_int64 (stmt, 1);
  r->version = (guint) sqlite3_column_int64 (stmt, 2);
  r->created = ax_store_column_text (stmt, 3);
  r->input = ax_store_column_text (stmt, 4);
  r->output = ax_store_column_text (stmt, 5);
  return r;
}

GPtrArray *
ax_store_list_predictions (AxStore  *self,
                           gint64    model_id,
                           guint     limit,
                           GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = ax_store_prepare (self, model_id != 0
    ? "SELECT id, model_id, version, created, input, output FROM predictions "
      "WHERE model_id = ?1 ORDER BY id DESC LIMIT ?2"
    : "SELECT id, model_id, version, created, input, output FROM predictions "
      "ORDER BY id DESC LIMIT ?2", error);

  if (stmt == NULL)
    return NULL;
  if (model_id != 0)
    sqlite3_bind_int64 (stmt, 1, model_id);
  /* A negative LIMIT is no limit. */
  sqlite3_bind_int64 (stmt, 2, limit ? (gint64) limit : -1);
  return ax_store_list_rows (self, stmt, prediction_from_row, NULL,
                             (GDestroyNotify) ax_prediction_record_free, error);
}
