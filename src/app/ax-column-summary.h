/* ax-column-summary.h — a column's type and statistics, above its cells
 *
 * The data browser shows one of these over each column of the table: the
 * type, the missing count, the range and mean or the top categories, and a
 * small histogram (numbers) or category bars.
 */
#pragma once

#include <gtk/gtk.h>
#include "ax-store-datasets.h"

G_BEGIN_DECLS

#define AX_TYPE_COLUMN_SUMMARY (ax_column_summary_get_type ())
G_DECLARE_FINAL_TYPE (AxColumnSummary, ax_column_summary, AX, COLUMN_SUMMARY, GtkWidget)

/* @column is copied. */
GtkWidget *ax_column_summary_new (const AxDatasetColumn *column,
                                  gint64                 n_rows);

/* A short text for a number in a summary: 18,823, 0.215, 3.93e+06. */
char      *ax_column_summary_format_number (double value);

G_END_DECLS
