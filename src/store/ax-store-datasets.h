/* ax-store-datasets.h — datasets in the project file
 *
 * Each dataset is a table of its own (ds_<id>, columns c0..cN, rowid = row
 * number from 1) plus a row in `datasets` and one per column in
 * `dataset_columns` with the column's name, type and statistics.
 * Dates are stored as ISO text, date-times as "YYYY-MM-DD HH:MM:SS",
 * booleans as 0/1, so the file reads well in any SQLite tool.
 */
#pragma once

#include "ax-store.h"
#include "ax-frame.h"
#include "ax-stats.h"

G_BEGIN_DECLS

typedef struct {
  char          *name;
  AxColumnType   type;
  AxColumnStats  stats;
} AxDatasetColumn;

typedef struct {
  gint64           id;
  char            *name;
  char            *source;       /* where it was imported from */
  char            *format;       /* "csv", "xlsx", ... */
  char            *encoding;
  char            *imported_at;  /* ISO 8601, UTC */
  gint64           n_rows;
  gint64           n_skipped;    /* bad rows skipped at import */
  guint            n_columns;
  AxDatasetColumn *columns;
} AxDatasetInfo;

void           ax_dataset_info_free     (AxDatasetInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AxDatasetInfo, ax_dataset_info_free)

/* Every dataset, ordered by name; a GPtrArray of AxDatasetInfo. */
GPtrArray     *ax_store_list_datasets   (AxStore      *self,
                                         GError      **error);
/* One dataset by id, or by name when @id is 0. */
AxDatasetInfo *ax_store_get_dataset     (AxStore      *self,
                                         gint64        id,
                                         const char   *name,
                                         GError      **error);
gboolean       ax_store_rename_dataset  (AxStore      *self,
                                         gint64        id,
                                         const char   *new_name,
                                         GError      **error);
gboolean       ax_store_delete_dataset  (AxStore      *self,
                                         gint64        id,
                                         GError      **error);
/* @base if no dataset has that name, else "base 2", "base 3", ... */
char          *ax_store_unique_dataset_name (AxStore  *self,
                                             const char *base,
                                             GError  **error);

/* Reads @max_rows rows starting at row @first (0-based) into a frame with
 * the dataset's columns and types.  Fewer rows at the end. */
AxFrame       *ax_store_read_rows       (AxStore      *self,
                                         const AxDatasetInfo *info,
                                         gint64        first,
                                         guint         max_rows,
                                         GError      **error);

/* Reads the rows with the given row numbers (0-based), in that order. */
AxFrame       *ax_store_read_rows_at    (AxStore      *self,
                                         const AxDatasetInfo *info,
                                         const gint64 *rows,
                                         guint         n_rows,
                                         GError      **error);

/* The row numbers (0-based) of the rows that contain @filter (case-
 * insensitive, in any column; NULL or "" for all) ordered by column
 * @sort_column (-1 keeps file order).  For the data browser's sort and
 * filter; may take a second on a large dataset, so run it in a thread. */
GArray        *ax_store_query_rows      (AxStore      *self,
                                         const AxDatasetInfo *info,
                                         const char   *filter,
                                         int           sort_column,
                                         gboolean      descending,
                                         GCancellable *cancellable,
                                         GError      **error);

/* Writing a dataset: everything between begin and commit is one
 * transaction, so a crash or a cancel leaves no trace of it. */
typedef struct _AxDatasetWriter AxDatasetWriter;

AxDatasetWriter *ax_dataset_writer_begin  (AxStore            *self,
                                           const char         *name,
                                           const AxFrame      *like,
                                           const char         *source,
                                           const char         *format,
                                           const char         *encoding,
                                           GError            **error);
gboolean         ax_dataset_writer_append (AxDatasetWriter    *writer,
                                           const AxFrame      *frame,
                                           GError            **error);
/* Rows written so far. */
gint64           ax_dataset_writer_get_n_rows (AxDatasetWriter *writer);
/* The dataset as written so far, for a second pass before commit. */
const AxDatasetInfo *ax_dataset_writer_get_info (AxDatasetWriter *writer);
/* Records the final column types (an integer column may have become real)
 * and statistics, and commits.  Frees the writer either way. */
gboolean         ax_dataset_writer_commit (AxDatasetWriter    *writer,
                                           const AxFrame      *like,
                                           AxStatsBuilder     *stats,
                                           gint64              n_skipped,
                                           gint64             *out_id,
                                           GError            **error);
/* Rolls back and frees the writer. */
void             ax_dataset_writer_abort  (AxDatasetWriter    *writer);

G_END_DECLS
