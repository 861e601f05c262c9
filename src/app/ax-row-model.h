/* ax-row-model.h — a dataset's rows as a GListModel, read on demand
 *
 * The data browser's model: n_items is the number of rows shown (all, or
 * those the filter keeps, in the chosen order), and items are made only for
 * the rows GTK asks for, from pages of rows read from the store and kept in
 * a small cache.  A million-row dataset therefore costs a few pages of
 * memory, and scrolling anywhere reads at most one page.
 */
#pragma once

#include <gio/gio.h>
#include "ax-store-datasets.h"

G_BEGIN_DECLS

#define AX_TYPE_ROW (ax_row_get_type ())
G_DECLARE_FINAL_TYPE (AxRow, ax_row, AX, ROW, GObject)

/* The display text of column @col; NULL for a missing value. */
const char *ax_row_get_text  (AxRow *self, guint col);
/* The row's position in the dataset (0-based), whatever the order shown. */
gint64      ax_row_get_index (AxRow *self);

#define AX_TYPE_ROW_MODEL (ax_row_model_get_type ())
G_DECLARE_FINAL_TYPE (AxRowModel, ax_row_model, AX, ROW_MODEL, GObject)

/* @store must outlive the model and belong to this thread. */
AxRowModel *ax_row_model_new       (AxStore             *store,
                                    const AxDatasetInfo *info);
const AxDatasetInfo *ax_row_model_get_info (AxRowModel *self);

/* Shows only the rows at @order (0-based row numbers, in that order), as
 * returned by ax_store_query_rows(); NULL shows every row in file order.
 * Takes ownership of @order. */
void        ax_row_model_set_order (AxRowModel          *self,
                                    GArray              *order);

/* Formats the value at (@row, @col) of @frame for display into @buf. */
void        ax_format_cell         (const AxFrame       *frame,
                                    guint                row,
                                    guint                col,
                                    char                *buf,
                                    gsize                size);

G_END_DECLS
