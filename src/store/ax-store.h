/* ax-store.h — the project file
 *
 * A project is one SQLite database (DESIGN.md): application_id marks it as
 * ours, user_version is its schema version, migrations run forward in order,
 * WAL journaling and foreign keys are on.  An AxStore is one connection and
 * belongs to the thread that opened it; open one per thread.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define AX_STORE_ERROR (ax_store_error_quark ())

typedef enum {
  AX_STORE_ERROR_FAILED,
  AX_STORE_ERROR_NOT_PROJECT,   /* not SQLite, or SQLite but not ours */
  AX_STORE_ERROR_CORRUPT,       /* ours, but damaged */
  AX_STORE_ERROR_TOO_NEW,       /* written by a newer Auspex */
  AX_STORE_ERROR_EXISTS,        /* create: there is already a file */
  AX_STORE_ERROR_NOT_FOUND,     /* no dataset (model, ...) of that name or id */
  AX_STORE_ERROR_NAME_TAKEN,    /* a dataset of that name exists */
  AX_STORE_ERROR_IO,            /* disk full, permission, ... */
  AX_STORE_ERROR_BUSY,          /* another process holds the write lock */
} AxStoreError;

GQuark ax_store_error_quark (void);

/* "AXSP": written to the header's application_id. */
#define AX_STORE_APPLICATION_ID 0x41585350

typedef struct _AxStore AxStore;

/* The schema version this build writes and the newest it can open. */
int           ax_store_schema_version (void);

/* Creates a new, empty project at @path; fails with AX_STORE_ERROR_EXISTS
 * if there is a file there already. */
AxStore      *ax_store_create         (const char   *path,
                                       GError      **error);

/* Opens the project at @path, migrating an older schema forward.  A file
 * that is not a project, is damaged, or comes from a newer Auspex is
 * refused with an error a person can act on, and is not changed. */
AxStore      *ax_store_open           (const char   *path,
                                       GError      **error);

void          ax_store_close          (AxStore      *self);
const char   *ax_store_get_path       (AxStore      *self);

/* Copies the whole project to @dest_path with SQLite's online backup, into
 * a temporary file renamed over @dest_path at the end, so a failure leaves
 * any existing file there untouched. */
gboolean      ax_store_save_copy      (AxStore      *self,
                                       const char   *dest_path,
                                       GCancellable *cancellable,
                                       GError      **error);

/* Transactions for operations that span several calls. */
gboolean      ax_store_begin          (AxStore      *self,
                                       GError      **error);
gboolean      ax_store_commit         (AxStore      *self,
                                       GError      **error);
void          ax_store_rollback       (AxStore      *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AxStore, ax_store_close)

G_END_DECLS
