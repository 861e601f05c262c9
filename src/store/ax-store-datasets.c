/* ax-store-datasets.c — datasets in the project file */

#include "ax-config.h"
#include "ax-store-datasets.h"
#include "ax-store-private.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

void
ax_dataset_info_free (AxDatasetInfo *info)
{
  if (info == NULL)
    return;
  for (guint i = 0; i < info->n_columns; i++)
    {
      g_free (info->columns[i].name);
      ax_column_stats_clear (&info->columns[i].stats);
    }
  g_free (info->columns);
  g_free (info->name);
  g_free (info->source);
  g_free (info->format);
  g_free (info->encoding);
  g_free (info->imported_at);
  g_free (info);
}

static double
column_real_or_nan (sqlite3_stmt *stmt,
                    int           i)
{
  return sqlite3_column_type (stmt, i) == SQLITE_NULL ? NAN : sqlite3_column_double (stmt, i);
}

static void
parse_top (AxColumnStats *stats,
           const char    *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *array;

  if (json == NULL || !json_parser_load_from_data (parser, json, -1, NULL))
    return;
  if (!JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)))
    return;
  array = json_node_get_array (json_parser_get_root (parser));
  for (guint i = 0; i < json_array_get_length (array) && i < AX_STATS_TOP; i++)
    {
      JsonArray *pair = json_array_get_array_element (array, i);
      if (pair == NULL || json_array_get_length (pair) != 2)
        continue;
      stats->top[stats->n_top].value = g_strdup (json_array_get_string_element (pair, 0));
      stats->top[stats->n_top].count = (guint64) json_array_get_int_element (pair, 1);
      stats->n_top++;
    }
}

static void
parse_histogram (AxColumnStats *stats,
                 const char    *text)
{
  g_auto(GStrv) parts = NULL;

  if (text == NULL || *text == '\0')
    return;
  parts = g_strsplit (text, ",", AX_STATS_BINS);
  for (guint i = 0; parts[i] && i < AX_STATS_BINS; i++)
    stats->bins[stats->n_bins++] = g_ascii_strtoull (parts[i], NULL, 10);
}

static gboolean
load_columns (AxStore   *self,
              gpointer   item,
              GError   **error)
{
  AxDatasetInfo *info = item;
  g_autoptr(sqlite3_stmt) stmt = ax_store_prepare (self,
    "SELECT name, type, n_missing, n_distinct, distinct_capped, min, max, mean, sd, top, histogram "
    "FROM dataset_columns WHERE dataset_id = ? ORDER BY position", error);
  g_autoptr(GArray) cols = g_array_new (FALSE, TRUE, sizeof (AxDatasetColumn));
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, info->id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      AxDatasetColumn c = { 0 };
      c.name = ax_store_column_text (stmt, 0);
      if (!ax_column_type_from_string ((const char *) sqlite3_column_text (stmt, 1), &c.type))
        c.type = AX_COLUMN_TEXT;
      c.stats.n_rows = (guint64) info->n_rows;
      c.stats.n_missing = (guint64) sqlite3_column_int64 (stmt, 2);
      c.stats.n_distinct = (guint64) sqlite3_column_int64 (stmt, 3);
      c.stats.distinct_capped = sqlite3_column_int (stmt, 4);
      c.stats.min = column_real_or_nan (stmt, 5);
      c.stats.max = column_real_or_nan (stmt, 6);
      c.stats.mean = column_real_or_nan (stmt, 7);
      c.stats.sd = column_real_or_nan (stmt, 8);
      parse_top (&c.stats, (const char *) sqlite3_column_text (stmt, 9));
      parse_histogram (&c.stats, (const char *) sqlite3_column_text (stmt, 10));
      g_array_append_val (cols, c);
    }
  if (rc != SQLITE_DONE)
    {
      ax_store_set_error (self, error, _("Could not read the project"));
      for (guint i = 0; i < cols->len; i++)
        g_free (g_array_index (cols, AxDatasetColumn, i).name);
      return FALSE;
    }
  info->n_columns = cols->len;
  info->columns = (AxDatasetColumn *) g_array_free (g_steal_pointer (&cols), FALSE);
  return TRUE;
}

#define DATASET_FIELDS "id, name, source, format, encoding, imported_at, row_count, skipped_rows"

static gpointer
info_from_row (sqlite3_stmt *stmt)
{
  AxDatasetInfo *info = g_new0 (AxDatasetInfo, 1);

  info->id = sqlite3_column_int64 (stmt, 0);
  info->name = ax_store_column_text (stmt, 1);
  info->source = ax_store_column_text (stmt, 2);
  info->format = ax_store_column_text (stmt, 3);
  info->encoding = ax_store_column_text (stmt, 4);
  info->imported_at = ax_store_column_text (stmt, 5);
  info->n_rows = sqlite3_column_int64 (stmt, 6);
  info->n_skipped = sqlite3_column_int64 (stmt, 7);
  return info;
}

GPtrArray *
ax_store_list_datasets (AxStore  *self,
                        GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = ax_store_prepare (self,
    "SELECT " DATASET_FIELDS " FROM datasets ORDER BY name COLLATE NOCASE", error);

  if (stmt == NULL)
    return NULL;
  return ax_store_list_rows (self, stmt, info_from_row, load_columns,
                             (GDestroyNotify) ax_dataset_info_free, error);
}

AxDatasetInfo *
ax_store_get_dataset (AxStore     *self,
                      gint64       id,
                      const char  *name,
                      GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = ax_store_prepare (self, id != 0
    ? "SELECT " DATASET_FIELDS " FROM datasets WHERE id = ?"
    : "SELECT " DATASET_FIELDS " FROM datasets WHERE name = ?", error);
  g_autoptr(AxDatasetInfo) info = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  rc = ax_store_step_id_or_name (self, stmt, id, name, error);
  if (rc == SQLITE_DONE)
    {
      if (id != 0)
        g_set_error (error, AX_STORE_ERROR, AX_STORE_ERROR_NOT_FOUND,
                     _("The project has no dataset with id %" G_GINT64_FORMAT), id);
      else
        g_set_error (error, AX_STORE_ERROR, AX_STORE_ERROR_NOT_FOUND,
                     _("The project has no dataset called “%s”"), name);
      return NULL;
    }
  if (rc != SQLITE_ROW)
    return NULL;
  info = info_from_row (stmt);
  if (!load_columns (self, info, error))
    return NULL;
  return g_steal_pointer (&info);
}

static gboolean
name_taken (AxStore     *self,
            const char  *name,
            gint64       except_id,
            gboolean    *taken,
            GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = ax_store_prepare (self,
    "SELECT 1 FROM datasets WHERE name = ? AND id != ?", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, except_id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      ax_store_set_error (self, error, _("Could not read the project"));
      return FALSE;
    }
  *taken = rc == SQLITE_ROW;
  return TRUE;
}

char *
ax_store_unique_dataset_name (AxStore     *self,
                              const char  *base,
                              GError     **error)
{
  g_autofree char *name = g_strdup (base);
  gboolean taken = TRUE;

  for (guint k = 2; ; k++)
    {
      if (!name_taken (self, name, 0, &taken, error))
        return NULL;
      if (!taken)
        return g_steal_pointer (&name);
      g_free (name);
      name = g_strdup_printf ("%s %u", base, k);
    }
}

gboolean
ax_store_rename_dataset (AxStore     *self,
                         gint64       id,
                         const char  *new_name,
                         GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *name = g_strstrip (g_strdup (new_name));
  gboolean taken = FALSE;

  if (name[0] == '\0')
    {
      g_set_error_literal (error, AX_STORE_ERROR, AX_STORE_ERROR_FAILED,
                           _("A dataset needs a name"));
      return FALSE;
    }
  if (!name_taken (self, name, id, &taken, error))
    return FALSE;
  if (taken)
    {
      g_set_error (error, AX_STORE_ERROR, AX_STORE_ERROR_NAME_TAKEN,
                   _("There is already a dataset called “%s”"), name);
      return FALSE;
    }
  stmt = ax_store_prepare (self, "UPDATE datasets SET name = ? WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, id);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      ax_store_set_error (self, error, _("Could not rename the dataset"));
      return FALSE;
    }
  if (sqlite3_changes (self->db) == 0)
    {
      g_set_error (error, AX_STORE_ERROR, AX_STORE_ERROR_NOT_FOUND,
                   _("The project has no dataset with id %" G_GINT64_FORMAT), id);
      return FALSE;
    }
  return TRUE;
}

gboolean
ax_store_delete_dataset (AxStore  *self,
                         gint64    id,
                         GError  **error)
{
  g_autofree char *sql = g_strdup_printf ("DROP TABLE IF EXISTS ds_%" G_GINT64_FORMAT ";"
                                          "DELETE FROM datasets WHERE id = %" G_GINT64_FORMAT ";",
                                          id, id);
  if (!ax_store_begin (self, error))
    return FALSE;
  if (!ax_store_exec (self, sql, error))
    {
      ax_store_rollback (self);
      return FALSE;
    }
  return ax_store_commit (self, error);
}

/* Reading rows. */

static char *
select_list (const AxDatasetInfo *info)
{
  GString *s = g_string_new ("rowid");
  for (guint c = 0; c < info->n_columns; c++)
    g_string_append_printf (s, ", c%u", c);
  return g_string_free (s, FALSE);
}

static AxFrame *
frame_for (const AxDatasetInfo *info,
           guint                capacity)
{
  g_autofree const char **names = g_new0 (const char *, info->n_columns + 1);
  g_autofree AxColumnType *types = g_new0 (AxColumnType, info->n_columns + 1);

  for (guint c = 0; c < info->n_columns; c++)
    {
      names[c] = info->columns[c].name;
      types[c] = info->columns[c].type;
    }
  return ax_frame_new (info->n_columns, names, types, capacity);
}

/* Appends the current row of @stmt (rowid, c0, c1, ...) to @frame. */
static void
append_row (AxFrame      *frame,
            sqlite3_stmt *stmt)
{
  guint r = ax_frame_append_row (frame);

  for (guint c = 0; c < frame->n_columns; c++)
    {
      int i = (int) c + 1;
      if (sqlite3_column_type (stmt, i) == SQLITE_NULL)
        continue;
      switch (frame->columns[c].type)
        {
        case AX_COLUMN_INTEGER:
        case AX_COLUMN_BOOLEAN:
          ax_frame_set_int (frame, c, r, sqlite3_column_int64 (stmt, i));
          break;
        case AX_COLUMN_REAL:
          ax_frame_set_real (frame, c, r, sqlite3_column_double (stmt, i));
          break;
        case AX_COLUMN_DATE:
          {
            gint64 days;
            if (ax_parse_date ((const char *) sqlite3_column_text (stmt, i), AX_DATE_ISO, &days))
              ax_frame_set_int (frame, c, r, days);
          }
          break;
        case AX_COLUMN_DATETIME:
          {
            gint64 secs;
            if (ax_parse_datetime ((const char *) sqlite3_column_text (stmt, i), &secs))
              ax_frame_set_int (frame, c, r, secs);
          }
          break;
        case AX_COLUMN_CATEGORICAL:
        case AX_COLUMN_TEXT:
        case AX_N_COLUMN_TYPES:
        default:
          {
            /* Into the frame's string blocks: no allocation per value. */
            const char *text = (const char *) sqlite3_column_text (stmt, i);

            ax_frame_set_string (frame, c, r, text, sqlite3_column_bytes (stmt, i));
          }
          break;
        }
    }
}

AxFrame *
ax_store_read_rows (AxStore             *self,
                    const AxDatasetInfo *info,
                    gint64               first,
                    guint                max_rows,
                    GError             **error)
{
  g_autofree char *cols = select_list (info);
  g_autofree char *sql = g_strdup_printf ("SELECT %s FROM ds_%" G_GINT64_FORMAT
                                          " WHERE rowid > ? ORDER BY rowid LIMIT ?", cols, info->id);
  g_autoptr(sqlite3_stmt) stmt = ax_store_prepare (self, sql, error);
  g_autoptr(AxFrame) frame = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  frame = frame_for (info, MIN (max_rows, 65536));
  /* rowid is the row number from 1, so a range seek replaces OFFSET. */
  sqlite3_bind_int64 (stmt, 1, first);
  sqlite3_bind_int64 (stmt, 2, max_rows);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    append_row (frame, stmt);
  if (rc != SQLITE_DONE)
    {
      ax_store_set_error (self, error, _("Could not read the dataset"));
      return NULL;
    }
  return g_steal_pointer (&frame);
}

AxFrame *
ax_store_read_rows_at (AxStore             *self,
                       const AxDatasetInfo *info,
                       const gint64        *rows,
                       guint                n_rows,
                       GError             **error)
{
  g_autofree char *cols = select_list (info);
  g_autofree char *sql = g_strdup_printf ("SELECT %s FROM ds_%" G_GINT64_FORMAT " WHERE rowid = ?",
                                          cols, info->id);
  g_autoptr(sqlite3_stmt) stmt = ax_store_prepare (self, sql, error);
  g_autoptr(AxFrame) frame = NULL;

  if (stmt == NULL)
    return NULL;
  frame = frame_for (info, n_rows);
  for (guint i = 0; i < n_rows; i++)
    {
      int rc;
      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, rows[i] + 1);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        append_row (frame, stmt);
      else if (rc == SQLITE_DONE)
        ax_frame_append_row (frame);
      else
        {
          ax_store_set_error (self, error, _("Could not read the dataset"));
          return NULL;
        }
    }
  return g_steal_pointer (&frame);
}

static int
progress_handler (void *data)
{
  return g_cancellable_is_cancelled (data) ? 1 : 0;
}

GArray *
ax_store_query_rows (AxStore             *self,
                     const AxDatasetInfo *info,
                     const char          *filter,
                     int                  sort_column,
                     gboolean             descending,
                     GCancellable        *cancellable,
                     GError             **error)
{
  g_autoptr(GString) sql = g_string_new ("SELECT rowid - 1 FROM ");
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (gint64));
  gboolean filtering = filter != NULL && filter[0] != '\0';
  int rc;

  g_string_append_printf (sql, "ds_%" G_GINT64_FORMAT, info->id);
  if (filtering)
    {
      g_string_append (sql, " WHERE ");
      for (guint c = 0; c < info->n_columns; c++)
        g_string_append_printf (sql, "%sc%u LIKE ?1 ESCAPE '\\'", c ? " OR " : "", c);
    }
  if (sort_column >= 0 && (guint) sort_column < info->n_columns)
    g_string_append_printf (sql, " ORDER BY c%d %s, rowid", sort_column, descending ? "DESC" : "ASC");
  else
    g_string_append (sql, " ORDER BY rowid");

  stmt = ax_store_prepare (self, sql->str, error);
  if (stmt == NULL)
    return NULL;
  if (filtering)
    {
      g_autoptr(GString) pattern = g_string_new ("%");
      for (const char *p = filter; *p; p++)
        {
          if (*p == '%' || *p == '_' || *p == '\\')
            g_string_append_c (pattern, '\\');
          g_string_append_c (pattern, *p);
        }
      g_string_append_c (pattern, '%');
      sqlite3_bind_text (stmt, 1, pattern->str, -1, SQLITE_TRANSIENT);
    }

  if (cancellable)
    sqlite3_progress_handler (self->db, 10000, progress_handler, cancellable);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 r = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (rows, r);
    }
  sqlite3_progress_handler (self->db, 0, NULL, NULL);
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  if (rc != SQLITE_DONE)
    {
      ax_store_set_error (self, error, _("Could not read the dataset"));
      return NULL;
    }
  return g_steal_pointer (&rows);
}

/* Writing. */

/* Rows go in BATCH_ROWS at a time through one multi-row INSERT (fewer
 * bound parameters for wide tables), which spends SQLite's per-statement
 * work once per batch instead of once per row. */
#define BATCH_ROWS     64
#define BATCH_PARAMS   32000  /* under SQLITE_MAX_VARIABLE_NUMBER's 32766 */
#define DATE_TEXT_SIZE 32     /* ax_format_date() and _datetime() */

struct _AxDatasetWriter {
  AxStore       *store;
  AxDatasetInfo *info;
  sqlite3_stmt  *insert;       /* one row */
  sqlite3_stmt  *insert_batch; /* batch rows */
  guint          batch;
  char          *date_text;    /* batch x n_columns slots of DATE_TEXT_SIZE */
  gint64         n_rows;
};

static const char *
sql_type (AxColumnType type)
{
  switch (type)
    {
    case AX_COLUMN_INTEGER:
    case AX_COLUMN_BOOLEAN:
      return "INTEGER";
    case AX_COLUMN_REAL:
      return "REAL";
    case AX_COLUMN_DATE:
    case AX_COLUMN_DATETIME:
    case AX_COLUMN_CATEGORICAL:
    case AX_COLUMN_TEXT:
    case AX_N_COLUMN_TYPES:
    default:
      return "TEXT";
    }
}

/* INSERT INTO ds_<id> VALUES (?, ...), ... for @n_rows rows. */
static sqlite3_stmt *
prepare_insert (AxStore  *self,
                gint64    id,
                guint     n_columns,
                guint     n_rows,
                GError  **error)
{
  g_autoptr(GString) sql = g_string_new (NULL);

  g_string_printf (sql, "INSERT INTO ds_%" G_GINT64_FORMAT " VALUES ", id);
  for (guint r = 0; r < n_rows; r++)
    {
      g_string_append (sql, r ? ",(" : "(");
      for (guint c = 0; c < n_columns; c++)
        g_string_append (sql, c ? ",?" : "?");
      g_string_append_c (sql, ')');
    }
  return ax_store_prepare (self, sql->str, error);
}

AxDatasetWriter *
ax_dataset_writer_begin (AxStore        *self,
                         const char     *name,
                         const AxFrame  *like,
                         const char     *source,
                         const char     *format,
                         const char     *encoding,
                         GError        **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format_iso8601 (now);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GString) sql = NULL;
  AxDatasetWriter *w;
  gboolean taken = FALSE;
  gint64 id;

  if (!ax_store_begin (self, error))
    return NULL;
  if (!name_taken (self, name, 0, &taken, error))
    goto fail;
  if (taken)
    {
      g_set_error (error, AX_STORE_ERROR, AX_STORE_ERROR_NAME_TAKEN,
                   _("There is already a dataset called “%s”"), name);
      goto fail;
    }
  /* The table name is taken from the id, which is known only after the
   * insert; write a unique placeholder and fix it up below. */
  stmt = ax_store_prepare (self,
    "INSERT INTO datasets (name, table_name, source, format, encoding, imported_at, row_count) "
    "VALUES (?, 'pending-' || hex(randomblob(8)), ?, ?, ?, ?, 0)", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, source, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, format, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, encoding, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, stamp, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      ax_store_set_error (self, error, _("Could not create the dataset"));
      goto fail;
    }
  id = sqlite3_last_insert_rowid (self->db);

  sql = g_string_new (NULL);
  g_string_append_printf (sql, "UPDATE datasets SET table_name = 'ds_%" G_GINT64_FORMAT "' WHERE id = %" G_GINT64_FORMAT ";"
                               "CREATE TABLE ds_%" G_GINT64_FORMAT " (", id, id, id);
  for (guint c = 0; c < like->n_columns; c++)
    g_string_append_printf (sql, "%sc%u %s", c ? ", " : "", c, sql_type (like->columns[c].type));
  g_string_append (sql, ");");
  if (!ax_store_exec (self, sql->str, error))
    goto fail;

  w = g_new0 (AxDatasetWriter, 1);
  w->store = self;
  w->batch = MAX (1, MIN (BATCH_ROWS, BATCH_PARAMS / MAX (like->n_columns, 1)));
  w->insert = prepare_insert (self, id, like->n_columns, 1, error);
  w->insert_batch = w->insert ? prepare_insert (self, id, like->n_columns, w->batch, error) : NULL;
  if (w->insert_batch == NULL)
    {
      sqlite3_finalize (w->insert);
      g_free (w);
      goto fail;
    }
  w->date_text = g_malloc ((gsize) w->batch * MAX (like->n_columns, 1) * DATE_TEXT_SIZE);
  w->info = g_new0 (AxDatasetInfo, 1);
  w->info->id = id;
  w->info->name = g_strdup (name);
  w->info->n_columns = like->n_columns;
  w->info->columns = g_new0 (AxDatasetColumn, like->n_columns);
  for (guint c = 0; c < like->n_columns; c++)
    {
      w->info->columns[c].name = g_strdup (like->columns[c].name);
      w->info->columns[c].type = like->columns[c].type;
    }
  return w;

fail:
  ax_store_rollback (self);
  return NULL;
}

/* Binds row @r of @frame to parameters @first + 1 ... of @stmt.  Text
 * stays where it is until the statement has run (SQLITE_STATIC): the
 * frame's strings, and dates formatted into @date_text. */
static void
bind_row (sqlite3_stmt  *stmt,
          int            first,
          const AxFrame *frame,
          guint          r,
          char          *date_text)
{
  for (guint c = 0; c < frame->n_columns; c++)
    {
      const AxColumn *col = &frame->columns[c];
      int i = first + (int) c + 1;
      char *text = date_text + (gsize) c * DATE_TEXT_SIZE;

      if (col->missing[r])
        {
          sqlite3_bind_null (stmt, i);
          continue;
        }
      switch (col->type)
        {
        case AX_COLUMN_INTEGER:
        case AX_COLUMN_BOOLEAN:
          sqlite3_bind_int64 (stmt, i, col->ints[r]);
          break;
        case AX_COLUMN_REAL:
          sqlite3_bind_double (stmt, i, col->reals[r]);
          break;
        case AX_COLUMN_DATE:
          sqlite3_bind_text (stmt, i, text, (int) ax_format_date (col->ints[r], text, DATE_TEXT_SIZE),
                             SQLITE_STATIC);
          break;
        case AX_COLUMN_DATETIME:
          sqlite3_bind_text (stmt, i, text, (int) ax_format_datetime (col->ints[r], text, DATE_TEXT_SIZE),
                             SQLITE_STATIC);
          break;
        case AX_COLUMN_CATEGORICAL:
        case AX_COLUMN_TEXT:
        case AX_N_COLUMN_TYPES:
        default:
          sqlite3_bind_text (stmt, i, col->strings[r], -1, SQLITE_STATIC);
          break;
        }
    }
}

gboolean
ax_dataset_writer_append (AxDatasetWriter  *w,
                          const AxFrame    *frame,
                          GError          **error)
{
  gsize row_text = (gsize) frame->n_columns * DATE_TEXT_SIZE;

  g_return_val_if_fail (frame->n_columns == w->info->n_columns, FALSE);

  for (guint r = 0; r < frame->n_rows; )
    {
      guint n = frame->n_rows - r >= w->batch ? w->batch : 1;
      sqlite3_stmt *stmt = n > 1 ? w->insert_batch : w->insert;

      for (guint k = 0; k < n; k++)
        bind_row (stmt, (int) (k * frame->n_columns), frame, r + k, w->date_text + k * row_text);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        {
          ax_store_set_error (w->store, error, _("Could not write the dataset"));
          sqlite3_reset (stmt);
          sqlite3_clear_bindings (stmt);
          return FALSE;
        }
      sqlite3_reset (stmt);
      r += n;
    }
  /* No parameter may point into the frame once it is given back. */
  sqlite3_clear_bindings (w->insert);
  sqlite3_clear_bindings (w->insert_batch);
  w->n_rows += frame->n_rows;
  w->info->n_rows = w->n_rows;
  /* Column types may have widened in this frame. */
  for (guint c = 0; c < frame->n_columns; c++)
    w->info->columns[c].type = frame->columns[c].type;
  return TRUE;
}

gint64
ax_dataset_writer_get_n_rows (AxDatasetWriter *w)
{
  return w->n_rows;
}

const AxDatasetInfo *
ax_dataset_writer_get_info (AxDatasetWriter *w)
{
  return w->info;
}

static void
writer_free (AxDatasetWriter *w)
{
  sqlite3_finalize (w->insert);
  sqlite3_finalize (w->insert_batch);
  g_free (w->date_text);
  ax_dataset_info_free (w->info);
  g_free (w);
}

void
ax_dataset_writer_abort (AxDatasetWriter *w)
{
  if (w == NULL)
    return;
  ax_store_rollback (w->store);
  writer_free (w);
}

static void
bind_real_or_null (sqlite3_stmt *stmt,
                   int           i,
                   double        v)
{
  if (isnan (v))
    sqlite3_bind_null (stmt, i);
  else
    sqlite3_bind_double (stmt, i, v);
}

gboolean
ax_dataset_writer_commit (AxDatasetWriter  *w,
                          const AxFrame    *like,
                          AxStatsBuilder   *stats,
                          gint64            n_skipped,
                          gint64           *out_id,
                          GError          **error)
{
  AxStore *self = w->store;
  g_autoptr(sqlite3_stmt) cols = NULL;
  g_autoptr(sqlite3_stmt) upd = NULL;

  cols = ax_store_prepare (self,
    "INSERT INTO dataset_columns (dataset_id, position, name, type, n_missing, n_distinct, "
    "distinct_capped, min, max, mean, sd, top, histogram) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", error);
  if (cols == NULL)
    goto fail;
  for (guint c = 0; c < like->n_columns; c++)
    {
      const AxColumnStats *s = ax_stats_builder_get (stats, c);
      g_autoptr(GString) hist = g_string_new (NULL);
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *top = NULL;
      AxColumnType type = like->columns[c].type;

      json_builder_begin_array (b);
      for (guint i = 0; i < s->n_top; i++)
        {
          json_builder_begin_array (b);
          json_builder_add_string_value (b, s->top[i].value);
          json_builder_add_int_value (b, (gint64) s->top[i].count);
          json_builder_end_array (b);
        }
      json_builder_end_array (b);
      root = json_builder_get_root (b);
      top = json_to_string (root, FALSE);
      for (guint i = 0; i < s->n_bins; i++)
        g_string_append_printf (hist, "%s%" G_GUINT64_FORMAT, i ? "," : "", s->bins[i]);

      sqlite3_reset (cols);
      sqlite3_bind_int64 (cols, 1, w->info->id);
      sqlite3_bind_int (cols, 2, (int) c);
      sqlite3_bind_text (cols, 3, like->columns[c].name, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (cols, 4, ax_column_type_to_string (type), -1, SQLITE_STATIC);
      sqlite3_bind_int64 (cols, 5, (gint64) s->n_missing);
      sqlite3_bind_int64 (cols, 6, (gint64) s->n_distinct);
      sqlite3_bind_int (cols, 7, s->distinct_capped);
      bind_real_or_null (cols, 8, s->min);
      bind_real_or_null (cols, 9, s->max);
      bind_real_or_null (cols, 10, s->mean);
      bind_real_or_null (cols, 11, s->sd);
      sqlite3_bind_text (cols, 12, top, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (cols, 13, hist->str, -1, SQLITE_TRANSIENT);
      if (sqlite3_step (cols) != SQLITE_DONE)
        {
          ax_store_set_error (self, error, _("Could not write the dataset"));
          goto fail;
        }
    }

  upd = ax_store_prepare (self, "UPDATE datasets SET row_count = ?, skipped_rows = ? WHERE id = ?", error);
  if (upd == NULL)
    goto fail;
  sqlite3_bind_int64 (upd, 1, w->n_rows);
  sqlite3_bind_int64 (upd, 2, n_skipped);
  sqlite3_bind_int64 (upd, 3, w->info->id);
  if (sqlite3_step (upd) != SQLITE_DONE)
    {
      ax_store_set_error (self, error, _("Could not write the dataset"));
      goto fail;
    }
  g_clear_pointer (&cols, sqlite3_finalize);
  g_clear_pointer (&upd, sqlite3_finalize);
  if (!ax_store_commit (self, error))
    {
      writer_free (w);
      return FALSE;
    }
  if (out_id)
    *out_id = w->info->id;
  writer_free (w);
  return TRUE;

fail:
  ax_dataset_writer_abort (w);
  return FALSE;
}
