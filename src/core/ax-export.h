/* ax-export.h — writing a dataset out as CSV */
#pragma once

#include <gio/gio.h>
#include "ax-store-datasets.h"
#include "ax-progress.h"
#include "ax-reader.h"

G_BEGIN_DECLS

/* Writes dataset @name of the project at @project_path to @dest as
 * RFC 4180 CSV (UTF-8, comma, header row; missing values empty; dates ISO;
 * reals in the shortest form that reads back exactly).  The file is written
 * beside @dest and renamed over it at the end, so a failure or a cancel
 * leaves any earlier file there as it was. */
gboolean ax_export_csv (const char     *project_path,
                        const char     *name,
                        GFile          *dest,
                        AxProgressFunc  progress,
                        gpointer        progress_data,
                        GCancellable   *cancellable,
                        GError        **error);

/* The rows of dataset @name of the project at @project_path as a reader
 * gives a file's: each value as ax_export_csv() writes it, NULL where it
 * is missing, without writing the file.  bytes_total and bytes_done count
 * rows; "line" numbers count from 2, as the row's line in the CSV. */
AxReader *ax_export_dataset_reader (const char  *project_path,
                                    const char  *name,
                                    GError     **error);

/* Appends @value to @out as one CSV field, quoted when it must be. */
void     ax_export_append_field (GString    *out,
                                 const char *value);
/* Appends row @r of @col to @out as one CSV field, as ax_export_csv()
 * writes it (nothing for a missing value). */
void     ax_export_append_value (GString        *out,
                                 const AxColumn *col,
                                 guint           r);
/* Appends @v to @out as one CSV field: the shortest form that reads back
 * exactly, or nothing (a missing value) when @v is not finite. */
void     ax_export_append_number (GString   *out,
                                  double     v);

/* Whether @file is the project at @project_path itself, however it is
 * spelled (another path, a link): output written there would destroy the
 * project, so writers refuse it.  FALSE without a @project_path. */
gboolean ax_export_is_project_file (const char *project_path,
                                    GFile      *file);

G_END_DECLS
