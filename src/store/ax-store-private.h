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
