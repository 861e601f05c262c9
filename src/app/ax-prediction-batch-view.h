/* ax-prediction-batch-view.h — predicting a dataset or a file, with progress, a table and export */
#pragma once

#include <adwaita.h>
#include "ax-project.h"

G_BEGIN_DECLS

#define AX_TYPE_PREDICTION_BATCH_VIEW (ax_prediction_batch_view_get_type ())
G_DECLARE_FINAL_TYPE (AxPredictionBatchView, ax_prediction_batch_view, AX, PREDICTION_BATCH_VIEW, AdwBin)

/* Offers @project's datasets (reloaded when called again). */
void           ax_prediction_batch_view_set_project (AxPredictionBatchView *self,
                                                     AxProject             *project);
/* Predicts with version @version (0: active) of model @model_id. */
void           ax_prediction_batch_view_set_model   (AxPredictionBatchView *self,
                                                     AxProject             *project,
                                                     gint64                 model_id,
                                                     guint                  version);

/* Starts predicting dataset @name, or file @file; what the Predict and
 * Choose File buttons do once a choice is made. */
void           ax_prediction_batch_view_run_dataset (AxPredictionBatchView *self,
                                                     const char            *name);
void           ax_prediction_batch_view_run_file    (AxPredictionBatchView *self,
                                                     GFile                 *file);
/* Whether a batch is running. */
gboolean       ax_prediction_batch_view_is_busy     (AxPredictionBatchView *self);
/* Rows in the results table (0 before the first batch). */
guint          ax_prediction_batch_view_get_n_rows  (AxPredictionBatchView *self);
GtkColumnView *ax_prediction_batch_view_get_table   (AxPredictionBatchView *self);
/* The text of cell (@row, @column) of the results, NULL when empty. */
const char    *ax_prediction_batch_view_get_cell    (AxPredictionBatchView *self,
                                                     guint                  row,
                                                     const char            *column);
/* Copies the results as CSV to @dest in the background (what Export CSV
 * does once a place is chosen); a toast says when it is done. */
void           ax_prediction_batch_view_export      (AxPredictionBatchView *self,
                                                     GFile                 *dest);

G_END_DECLS
