/* ax-data-view.h — the Data view: the project's datasets and their rows */
#pragma once

#include <adwaita.h>
#include "ax-project.h"

G_BEGIN_DECLS

#define AX_TYPE_DATA_VIEW (ax_data_view_get_type ())
G_DECLARE_FINAL_TYPE (AxDataView, ax_data_view, AX, DATA_VIEW, AdwBin)

void     ax_data_view_set_project       (AxDataView *self,
                                         AxProject  *project);
/* Selects dataset @name after an import and says how it went. */
void     ax_data_view_dataset_imported  (AxDataView *self,
                                         const char *name,
                                         gint64      n_rows,
                                         gint64      n_skipped);
void     ax_data_view_focus_filter      (AxDataView *self);
/* Carries out a deletion still waiting for its undo toast. */
void     ax_data_view_flush             (AxDataView *self);

/* For tests: the table and the model behind it. */
GtkColumnView *ax_data_view_get_table   (AxDataView *self);
/* The dataset shown, or NULL. */
const char    *ax_data_view_get_dataset_name (AxDataView *self);
/* Selects the dataset called @name; FALSE if there is none. */
gboolean       ax_data_view_select      (AxDataView *self,
                                         const char *name);

G_END_DECLS
