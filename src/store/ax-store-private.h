/* ax-store-private.h — what the store's own files share */
#pragma once

#include <sqlite3.h>
#include "ax-store.h"

struct _AxStore {
  sqlite3 *db;
  char    *path;
};

/* Sets @error from the connection's last error, prefixed by @what. */
void      ax_store_set_error (AxStore     *self,
                              GError     **error,
                              const char  *what);

/* Runs @sql (no results).  Returns FALSE with @error set on failure. */
gboolean  ax_store_exec      (AxStore     *self,
                              const char  *sql,
                              GError     **error);

/* Prepares @sql; NULL with @error set on failure. */
sqlite3_stmt *ax_store_prepare (AxStore     *self,
                                const char  *sql,
                                GError     **error);

/* Steps @stmt, which must then be done; FALSE with @error set from the
 * connection, prefixed by @what, otherwise. */
gboolean  ax_store_step_done (AxStore       *self,
                              sqlite3_stmt  *stmt,
                              const char    *what,
                              GError       **error);

/* Now, in the guide's timestamps to the second ("2024-01-15T10:30:00Z"). */
char     *ax_store_now_utc   (void);

/* A write is atomic on its own, and inside a transaction the caller has
 * begun it is atomic within it: a savepoint undoes this write's part
 * only, and leaves the caller to decide about the rest.  Outside one, a
 * BEGIN IMMEDIATE takes the write lock up front, so that the reads before
 * the first write cannot lose a race with another writer. */
typedef struct {
  AxStore    *store;
  const char *savepoint;   /* a static name, such as "ax_models" */
  gboolean    own;         /* began the transaction itself */
} AxStoreWrite;

gboolean  ax_store_write_begin (AxStoreWrite  *w,
                                AxStore       *self,
                                const char    *savepoint,
                                GError       **error);
gboolean  ax_store_write_end   (AxStoreWrite  *w,
                                GError       **error);
/* Undoes the write after a failure; the error is the caller's. */
void      ax_store_write_abort (AxStoreWrite  *w);

/* A copy of text column @i of the row @stmt is at (NULL for NULL). */
static inline char *
ax_store_column_text (sqlite3_stmt *stmt,
                      int           i)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, i));
}

/* Makes an item of the row @stmt is at. */
typedef gpointer (*AxStoreRowFunc)      (sqlite3_stmt  *stmt);
/* Completes @item with what other tables hold; FALSE with @error set. */
typedef gboolean (*AxStoreCompleteFunc) (AxStore       *self,
                                         gpointer       item,
                                         GError       **error);

/* Steps @stmt (prepared and bound) through all its rows, making an item
 * of each with @from_row; then, once the statement is done and unless
 * @complete is NULL, completes each item with it.  Returns the items,
 * freed by @free_item, or NULL with @error set. */
GPtrArray *ax_store_list_rows (AxStore              *self,
                               sqlite3_stmt         *stmt,
                               AxStoreRowFunc        from_row,
                               AxStoreCompleteFunc   complete,
                               GDestroyNotify        free_item,
                               GError              **error);

/* Binds @id to the one parameter of @stmt, or @name when @id is 0, and
 * steps to the first row.  Returns SQLITE_ROW there; SQLITE_DONE when
 * there is none, leaving the caller to say what is missing; or another
 * code with @error set. */
int        ax_store_step_id_or_name (AxStore       *self,
                                     sqlite3_stmt  *stmt,
                                     gint64         id,
                                     const char    *name,
                                     GError       **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)
