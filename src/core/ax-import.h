/* ax-import.h — bringing a file into a project as a dataset
 *
 * The one import path of Auspex, used by the window's import dialog and by
 * `auspex-cli import`: a reader streams records, a sample of them decides
 * the column types, every value is converted into frames, frames go to the
 * store inside one transaction, and statistics are computed on the way.
 * Memory stays bounded whatever the file's size.
 */
#pragma once

#include <gio/gio.h>
#include "ax-reader.h"
#include "ax-infer.h"
#include "ax-progress.h"

G_BEGIN_DECLS

typedef struct {
  AxReadOptions   read;
  const char     *name;            /* dataset name; NULL: from the file name */
  /* Column types chosen by the person importing: n_specs entries matching
   * the file's columns, or NULL to infer every column.  Entries whose
   * `fixed` is FALSE are inferred. */
  const AxColumnSpec *specs;
  guint           n_specs;
  const char * const *missing_tokens;  /* NULL: the defaults */
  gboolean        skip_bad_rows;   /* skip and count rows that do not read */
} AxImportOptions;

typedef struct {
  gint64   dataset_id;
  char    *dataset_name;
  gint64   n_rows;
  gint64   n_skipped;
  char    *first_skipped;          /* why the first skipped row was skipped */
} AxImportResult;

void     ax_import_result_clear (AxImportResult *result);

/* Imports @file into the project at @project_path (opening its own
 * connection, so it may run in any thread).  On error or cancellation
 * nothing is left in the project. */
gboolean ax_import_file         (const char             *project_path,
                                 GFile                  *file,
                                 const AxImportOptions  *options,
                                 AxProgressFunc          progress,
                                 gpointer                progress_data,
                                 GCancellable           *cancellable,
                                 AxImportResult         *result,
                                 GError                **error);

/* What the import dialog shows before importing: the first rows as text and
 * the types the import would infer. */
typedef struct {
  AxFileFormat   format;
  AxEncoding     encoding;
  char           delimiter;
  guint          n_columns;
  char         **names;       /* n_columns + NULL */
  char         **sheets;      /* XLSX, else NULL */
  AxColumnSpec  *specs;       /* inferred, n_columns */
  GPtrArray     *rows;        /* up to max_rows GPtrArray of n_columns strings (NULL = missing) */
  guint          n_bad_rows;  /* bad rows met in the sample */
  char          *first_bad;
} AxImportPreview;

void             ax_import_preview_free (AxImportPreview *preview);
AxImportPreview *ax_import_preview      (GFile                  *file,
                                         const AxImportOptions  *options,
                                         guint                   max_rows,
                                         GCancellable           *cancellable,
                                         GError                **error);

/* A dataset name from a file name: "sales 2024.csv" -> "sales 2024". */
char            *ax_import_name_for_file (GFile *file);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AxImportPreview, ax_import_preview_free)

G_END_DECLS
