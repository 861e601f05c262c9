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

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)
