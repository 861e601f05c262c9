/* ax-store.c — the project file: opening, creating, migrating, copying */

#include "ax-config.h"
#include "ax-store-private.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <errno.h>
#include <unistd.h>

G_DEFINE_QUARK (ax-store-error-quark, ax_store_error)

/* Migration i takes a project from schema version i to i + 1.  Append only:
 * a released migration is never edited. */
static const char *const migrations[] = {
  /* 0 -> 1: project metadata and datasets. */
  "CREATE TABLE project ("
  "  key   TEXT PRIMARY KEY,"
  "  value TEXT NOT NULL);"
  "CREATE TABLE datasets ("
  "  id           INTEGER PRIMARY KEY,"
  "  name         TEXT NOT NULL UNIQUE,"
  "  table_name   TEXT NOT NULL UNIQUE,"
  "  source       TEXT NOT NULL,"
  "  format       TEXT NOT NULL,"
  "  encoding     TEXT NOT NULL,"
  "  imported_at  TEXT NOT NULL,"
  "  row_count    INTEGER NOT NULL,"
  "  skipped_rows INTEGER NOT NULL DEFAULT 0);"
  "CREATE TABLE dataset_columns ("
  "  dataset_id INTEGER NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,"
  "  position   INTEGER NOT NULL,"
  "  name       TEXT NOT NULL,"
  "  type       TEXT NOT NULL,"
  "  n_missing  INTEGER NOT NULL DEFAULT 0,"
  "  n_distinct INTEGER,"
  "  distinct_capped INTEGER NOT NULL DEFAULT 0,"
  "  min REAL, max REAL, mean REAL, sd REAL,"
  "  top        TEXT,"
  "  histogram  TEXT,"
  "  PRIMARY KEY (dataset_id, position));",

  /* 1 -> 2: predictive models, a version per training run, predictions.
   * The blob is the last column of a version so that reading the others
   * never walks its overflow pages. */
  "CREATE TABLE models ("
  "  id             INTEGER PRIMARY KEY,"
  "  name           TEXT NOT NULL UNIQUE,"
  "  model_type     TEXT NOT NULL,"
  "  algorithm      TEXT NOT NULL,"
  "  description    TEXT NOT NULL DEFAULT '',"
  "  created        TEXT NOT NULL,"
  "  updated        TEXT NOT NULL,"
  "  active_version INTEGER,"
  "  is_active      INTEGER NOT NULL DEFAULT 1);"
  "CREATE TABLE model_versions ("
  "  model_id     INTEGER NOT NULL REFERENCES models (id) ON DELETE CASCADE,"
  "  version      INTEGER NOT NULL CHECK (version >= 1),"
  "  created      TEXT NOT NULL,"
  "  config       TEXT NOT NULL CHECK (json_valid (config)),"
  "  metrics      TEXT NOT NULL CHECK (json_valid (metrics)),"
  "  curve        TEXT NOT NULL CHECK (json_valid (curve)),"
  "  importance   TEXT NOT NULL CHECK (json_valid (importance)),"
  "  dataset_name TEXT NOT NULL,"
  "  dataset_hash TEXT NOT NULL,"
  "  n_train      INTEGER NOT NULL,"
  "  n_valid      INTEGER NOT NULL,"
  "  n_test       INTEGER NOT NULL,"
  "  seconds      REAL NOT NULL,"
  "  blob         BLOB NOT NULL,"
  "  PRIMARY KEY (model_id, version));"
  "CREATE TABLE predictions ("
  "  id         INTEGER PRIMARY KEY,"
  "  model_id   INTEGER NOT NULL,"
  "  version    INTEGER NOT NULL,"
  "  created    TEXT NOT NULL,"
  "  input      TEXT NOT NULL CHECK (json_valid (input)),"
  "  output     TEXT NOT NULL CHECK (json_valid (output)),"
  "  FOREIGN KEY (model_id, version) REFERENCES model_versions (model_id, version) ON DELETE CASCADE);"
  "CREATE INDEX predictions_by_model ON predictions (model_id, id);"
  "CREATE INDEX predictions_by_version ON predictions (model_id, version);",

  /* 2 -> 3: anomaly detections, their runs, and the anomalies found with
   * the analyst's verdict.  time is the row's data time in days since
   * 1970-01-01 (NULL without a time column); rows_scored_until is the
   * dataset's row count at the last run, where the next one starts, and
   * dataset_imported_at tells a dataset replaced under the same name.  Ids
   * are AUTOINCREMENT: a rescore deletes the open anomalies it replaces,
   * and an id an analyst has written down must never name another. */
  "CREATE TABLE detections ("
  "  id                  INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  name                TEXT NOT NULL UNIQUE,"
  "  config              TEXT NOT NULL CHECK (json_valid (config)),"
  "  anomaly_type        TEXT NOT NULL,"
  "  algorithm           TEXT NOT NULL,"
  "  dataset             TEXT NOT NULL,"
  "  dataset_imported_at TEXT,"
  "  created             TEXT NOT NULL,"
  "  updated             TEXT NOT NULL,"
  "  last_run            TEXT,"
  "  rows_scored_until   INTEGER NOT NULL DEFAULT 0);"
  "CREATE TABLE detection_runs ("
  "  id           INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  detection_id INTEGER NOT NULL REFERENCES detections (id) ON DELETE CASCADE,"
  "  started      TEXT NOT NULL,"
  "  finished     TEXT NOT NULL,"
  "  first_row    INTEGER NOT NULL,"
  "  rows_scored  INTEGER NOT NULL,"
  "  rows_skipped INTEGER NOT NULL DEFAULT 0,"
  "  n_anomalies  INTEGER NOT NULL,"
  "  thresholds   TEXT NOT NULL CHECK (json_valid (thresholds)),"
  "  n_suppressed INTEGER NOT NULL DEFAULT 0);"
  "CREATE INDEX detection_runs_by_detection ON detection_runs (detection_id, id);"
  "CREATE TABLE anomalies ("
  "  id                    INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  detection_id          INTEGER NOT NULL REFERENCES detections (id) ON DELETE CASCADE,"
  "  run_id                INTEGER NOT NULL REFERENCES detection_runs (id) ON DELETE CASCADE,"
  "  detected_at           TEXT NOT NULL,"
  "  dataset_row           INTEGER NOT NULL,"
  "  time                  REAL,"
  "  group_value           TEXT,"
  "  score                 REAL NOT NULL,"
  "  raw_score             REAL NOT NULL,"
  "  severity              TEXT NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),"
  "  actual                TEXT NOT NULL CHECK (json_valid (actual)),"
  "  expected              TEXT NOT NULL CHECK (json_valid (expected)),"
  "  context               TEXT NOT NULL CHECK (json_valid (context)),"
  "  root_cause            TEXT NOT NULL CHECK (json_valid (root_cause)),"
  "  status                TEXT NOT NULL DEFAULT 'open'"
  "                        CHECK (status IN ('open', 'resolved', 'false_positive')),"
  "  resolution_notes      TEXT,"
  "  is_false_positive     INTEGER NOT NULL DEFAULT 0,"
  "  false_positive_reason TEXT,"
  "  resolved_at           TEXT);"
  "CREATE INDEX anomalies_by_detection ON anomalies (detection_id, status);"
  "CREATE INDEX anomalies_by_run ON anomalies (run_id);",

  /* 3 -> 4: what the window adds.  A prediction can get the value that
   * really happened (actual, JSON like output's prediction, and when it
   * was recorded) and the analyst's context notes; a model keeps its
   * retraining schedule, the degradation rule that triggers a retrain (a
   * metric falling by retrain_drop on recorded actuals) and when a version
   * was last deployed; a detection can be switched off for the scheduler
   * without losing its configuration. */
  "ALTER TABLE predictions ADD COLUMN actual TEXT CHECK (actual IS NULL OR json_valid (actual));"
  "ALTER TABLE predictions ADD COLUMN actual_recorded TEXT;"
  "ALTER TABLE predictions ADD COLUMN context TEXT CHECK (context IS NULL OR json_valid (context));"
  "CREATE INDEX predictions_by_created ON predictions (created);"
  "ALTER TABLE models ADD COLUMN retrain_frequency TEXT NOT NULL DEFAULT 'never'"
  "  CHECK (retrain_frequency IN ('never', 'daily', 'weekly', 'monthly'));"
  "ALTER TABLE models ADD COLUMN retrain_metric TEXT;"
  "ALTER TABLE models ADD COLUMN retrain_drop REAL;"
  "ALTER TABLE models ADD COLUMN deployed TEXT;"
  "ALTER TABLE detections ADD COLUMN enabled INTEGER NOT NULL DEFAULT 1;",
};

int
ax_store_schema_version (void)
{
  return G_N_ELEMENTS (migrations);
}

void
ax_store_set_error (AxStore     *self,
                    GError     **error,
                    const char  *what)
{
  int code = sqlite3_errcode (self->db);
  int primary = code & 0xff;
  AxStoreError err = AX_STORE_ERROR_FAILED;
  const char *msg = sqlite3_errmsg (self->db);

  switch (primary)
    {
    case SQLITE_FULL:
      err = AX_STORE_ERROR_IO;
      msg = _("the disk is full");
      break;
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
      err = AX_STORE_ERROR_IO;
      break;
    case SQLITE_CORRUPT:
      err = AX_STORE_ERROR_CORRUPT;
      break;
    case SQLITE_NOTADB:
      err = AX_STORE_ERROR_NOT_PROJECT;
      break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      err = AX_STORE_ERROR_BUSY;
      msg = _("the project is being changed by another program; try again in a moment");
      break;
    default:
      break;
    }
  g_set_error (error, AX_STORE_ERROR, err, "%s: %s", what, msg);
}

gboolean
ax_store_exec (AxStore     *self,
               const char  *sql,
               GError     **error)
{
  if (sqlite3_exec (self->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    {
      ax_store_set_error (self, error, _("Could not update the project"));
      return FALSE;
    }
  return TRUE;
}

sqlite3_stmt *
ax_store_prepare (AxStore     *self,
                  const char  *sql,
                  GError     **error)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      ax_store_set_error (self, error, _("Could not read the project"));
      return NULL;
    }
  return stmt;
}

GPtrArray *
ax_store_list_rows (AxStore              *self,
                    sqlite3_stmt         *stmt,
                    AxStoreRowFunc        from_row,
                    AxStoreCompleteFunc   complete,
                    GDestroyNotify        free_item,
                    GError              **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func (free_item);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (list, from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      ax_store_set_error (self, error, _("Could not read the project"));
      return NULL;
    }
  for (guint i = 0; complete != NULL && i < list->len; i++)
    if (!complete (self, g_ptr_array_index (list, i), error))
      return NULL;
  return g_steal_pointer (&list);
}

int
ax_store_step_id_or_name (AxStore       *self,
                          sqlite3_stmt  *stmt,
                          gint64         id,
                          const char    *name,
                          GError       **error)
{
  int rc;

  if (id != 0)
    sqlite3_bind_int64 (stmt, 1, id);
  else
    sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    ax_store_set_error (self, error, _("Could not read the project"));
  return rc;
}

gboolean
ax_store_step_done (AxStore       *self,
                    sqlite3_stmt  *stmt,
                    const char    *what,
                    GError       **error)
{
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      ax_store_set_error (self, error, what);
      return FALSE;
    }
  return TRUE;
}

char *
ax_store_now_utc (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
}

gboolean
ax_store_write_begin (AxStoreWrite  *w,
                      AxStore       *self,
                      const char    *savepoint,
                      GError       **error)
{
  g_autofree char *sql = NULL;

  w->store = self;
  w->savepoint = savepoint;
  w->own = sqlite3_get_autocommit (self->db) != 0;
  if (w->own)
    return ax_store_exec (self, "BEGIN IMMEDIATE", error);
  sql = g_strdup_printf ("SAVEPOINT %s", savepoint);
  return ax_store_exec (self, sql, error);
}

gboolean
ax_store_write_end (AxStoreWrite  *w,
                    GError       **error)
{
  g_autofree char *sql = NULL;

  if (w->own)
    return ax_store_commit (w->store, error);
  sql = g_strdup_printf ("RELEASE %s", w->savepoint);
  return ax_store_exec (w->store, sql, error);
}

void
ax_store_write_abort (AxStoreWrite *w)
{
  g_autofree char *sql = NULL;

  if (w->own)
    {
      ax_store_rollback (w->store);
      return;
    }
  sql = g_strdup_printf ("ROLLBACK TO %s; RELEASE %s", w->savepoint, w->savepoint);
  sqlite3_exec (w->store->db, sql, NULL, NULL, NULL);
}

static gboolean
pragma_int (AxStore     *self,
            const char  *sql,
            int         *out,
            GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = ax_store_prepare (self, sql, error);
  if (stmt == NULL)
    return FALSE;
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      ax_store_set_error (self, error, _("Could not read the project"));
      return FALSE;
    }
  *out = sqlite3_column_int (stmt, 0);
  return TRUE;
}

void
ax_store_close (AxStore *self)
{
  if (self == NULL)
    return;
  /* sqlite3_close_v2 waits for statements still open rather than failing. */
  sqlite3_close_v2 (self->db);
  g_free (self->path);
  g_free (self);
}

const char *
ax_store_get_path (AxStore *self)
{
  return self->path;
}

static AxStore *
connect (const char  *path,
         const char  *uri,
         int          flags,
         GError     **error)
{
  g_autoptr(AxStore) self = g_new0 (AxStore, 1);

  self->path = g_strdup (path);
  if (sqlite3_open_v2 (uri ? uri : path, &self->db, flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
    {
      g_autofree char *base = g_path_get_basename (path);
      g_set_error (error, AX_STORE_ERROR, AX_STORE_ERROR_IO,
                   _("Could not open “%s”: %s"), base,
                   self->db ? sqlite3_errmsg (self->db) : g_strerror (ENOMEM));
      return NULL;
    }
  sqlite3_extended_result_codes (self->db, TRUE);
  /* Another window's writer holds the lock for at most one transaction. */
  sqlite3_busy_timeout (self->db, 10000);
  return g_steal_pointer (&self);
}

/* Sets the connection options every open project runs with. */
static gboolean
configure (AxStore  *self,
           GError  **error)
{
  /* journal_mode is kept in the file; a copy saved in rollback mode (the
   * shipped demo, a Save As) comes back to WAL on its first open. */
  return ax_store_exec (self,
                        "PRAGMA journal_mode = WAL;"
                        "PRAGMA foreign_keys = ON;"
                        "PRAGMA synchronous = NORMAL;"
                        "PRAGMA temp_store = MEMORY;",
                        error);
}

static gboolean
migrate (AxStore  *self,
         int       from,
         GError  **error)
{
  if (from >= ax_store_schema_version ())
    return TRUE;
  if (!ax_store_exec (self, "BEGIN IMMEDIATE", error))
    return FALSE;
  for (int v = from; v < ax_store_schema_version (); v++)
    {
      g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %d", v + 1);
      if (!ax_store_exec (self, migrations[v], error) || !ax_store_exec (self, bump, error))
        {
          ax_store_rollback (self);
          return FALSE;
        }
    }
  return ax_store_commit (self, error);
}

AxStore *
ax_store_create (const char  *path,
                 GError     **error)
{
  g_autoptr(AxStore) self = NULL;
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *sql = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format_iso8601 (now);

  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, AX_STORE_ERROR, AX_STORE_ERROR_EXISTS,
                   _("“%s” already exists"), base);
      return NULL;
    }
  self = connect (path, NULL, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, error);
  if (self == NULL)
    return NULL;
  sql = g_strdup_printf ("PRAGMA application_id = %d;", AX_STORE_APPLICATION_ID);
  if (!ax_store_exec (self, sql, error) || !configure (self, error) || !migrate (self, 0, error))
    {
      ax_store_close (g_steal_pointer (&self));
      g_unlink (path);
      return NULL;
    }
  g_free (sql);
  sql = sqlite3_mprintf ("INSERT INTO project (key, value) VALUES ('created_at', %Q), ('created_by', %Q)",
                         stamp, "Auspex " AX_VERSION);
  if (!ax_store_exec (self, sql, error))
    {
      sqlite3_free (g_steal_pointer (&sql));
      return NULL;
    }
  sqlite3_free (g_steal_pointer (&sql));
  return g_steal_pointer (&self);
}

static void
set_too_new_error (GError     **error,
                   const char  *base,
                   int          version)
{
  g_set_error (error, AX_STORE_ERROR, AX_STORE_ERROR_TOO_NEW,
               _("“%s” was saved by a newer version of Auspex (project format %d; this version reads up to %d). Update Auspex to open it."),
               base, version, ax_store_schema_version ());
}

AxStore *
ax_store_open (const char  *path,
               GError     **error)
{
  g_autoptr(AxStore) probe = NULL;
  g_autoptr(AxStore) self = NULL;
  g_autofree char *base = g_path_get_basename (path);
  g_autoptr(GError) local = NULL;
  int app_id = 0, version = 0, n_tables = 0;

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, AX_STORE_ERROR, AX_STORE_ERROR_IO,
                   _("“%s” does not exist or is not a file"), base);
      return NULL;
    }

  /* Look before touching: an immutable connection reads the file without
   * locks, -wal or -shm files, so a file that is refused stays exactly as
   * it was, down to the directory listing. */
  {
    g_autofree char *escaped = g_uri_escape_string (path, "/", FALSE);
    g_autofree char *uri = g_strconcat ("file:", escaped, "?immutable=1", NULL);
    probe = connect (path, uri, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, error);
  }
  if (probe == NULL)
    return NULL;
  if (!pragma_int (probe, "PRAGMA application_id", &app_id, &local) ||
      !pragma_int (probe, "PRAGMA user_version", &version, &local) ||
      !pragma_int (probe, "SELECT count(*) FROM sqlite_master", &n_tables, &local))
    {
      if (g_error_matches (local, AX_STORE_ERROR, AX_STORE_ERROR_CORRUPT))
        g_set_error (error, AX_STORE_ERROR, AX_STORE_ERROR_CORRUPT,
                     _("“%s” is damaged and cannot be opened. Open a backup copy of the project instead."), base);
      else if (g_error_matches (local, AX_STORE_ERROR, AX_STORE_ERROR_NOT_PROJECT))
        g_set_error (error, AX_STORE_ERROR, AX_STORE_ERROR_NOT_PROJECT,
                     _("“%s” is not an Auspex project. To bring its data in, use Import instead."), base);
      else
        g_propagate_prefixed_error (error, g_steal_pointer (&local), _("Could not open “%s”: "), base);
      return NULL;
    }
  if (app_id != AX_STORE_APPLICATION_ID)
    {
      g_set_error (error, AX_STORE_ERROR, AX_STORE_ERROR_NOT_PROJECT,
                   _("“%s” is a database but not an Auspex project. To bring its data in, use Import instead."), base);
      return NULL;
    }
  if (version > ax_store_schema_version ())
    {
      set_too_new_error (error, base, version);
      return NULL;
    }
  g_clear_pointer (&probe, ax_store_close);

  self = connect (path, NULL, SQLITE_OPEN_READWRITE, error);
  if (self == NULL)
    return NULL;
  /* The probe read the main file only; a write-ahead log left by a crash
   * may hold a later version.  Ask again through the log before changing
   * anything. */
  if (!pragma_int (self, "PRAGMA user_version", &version, error))
    return NULL;
  if (version > ax_store_schema_version ())
    {
      set_too_new_error (error, base, version);
      return NULL;
    }
  if (!configure (self, error) || !migrate (self, version, error))
    return NULL;
  return g_steal_pointer (&self);
}

gboolean
ax_store_begin (AxStore  *self,
                GError  **error)
{
  return ax_store_exec (self, "BEGIN IMMEDIATE", error);
}

gboolean
ax_store_commit (AxStore  *self,
                 GError  **error)
{
  if (!ax_store_exec (self, "COMMIT", error))
    {
      ax_store_rollback (self);
      return FALSE;
    }
  return TRUE;
}

void
ax_store_rollback (AxStore *self)
{
  if (!sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
}

gboolean
ax_store_save_copy (AxStore       *self,
                    const char    *dest_path,
                    GCancellable  *cancellable,
                    GError       **error)
{
  g_autofree char *tmp = g_strdup_printf ("%s.part-%d", dest_path, (int) getpid ());
  g_autoptr(AxStore) dest = NULL;
  sqlite3_backup *backup;
  int rc;

  g_unlink (tmp);
  dest = connect (tmp, NULL, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, error);
  if (dest == NULL)
    return FALSE;
  backup = sqlite3_backup_init (dest->db, "main", self->db, "main");
  if (backup == NULL)
    {
      ax_store_set_error (dest, error, _("Could not save a copy"));
      goto fail;
    }
  /* Copy in steps so a large project can be cancelled. */
  do
    {
      rc = sqlite3_backup_step (backup, 1024);
      if (g_cancellable_is_cancelled (cancellable))
        break;
    }
  while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
  sqlite3_backup_finish (backup);
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    goto fail;
  if (rc != SQLITE_DONE)
    {
      ax_store_set_error (dest, error, _("Could not save a copy"));
      goto fail;
    }
  /* The copy keeps WAL mode; fold the WAL in so one file is the project. */
  if (!ax_store_exec (dest, "PRAGMA journal_mode = DELETE", error))
    goto fail;
  g_clear_pointer (&dest, ax_store_close);
  if (g_rename (tmp, dest_path) != 0)
    {
      int saved = errno;
      g_set_error (error, AX_STORE_ERROR, AX_STORE_ERROR_IO,
                   _("Could not save a copy: %s"), g_strerror (saved));
      goto fail;
    }
  /* Its first open switches it back to WAL (configure). */
  return TRUE;

fail:
  g_clear_pointer (&dest, ax_store_close);
  g_unlink (tmp);
  return FALSE;
}
