/* ax-prediction-history.h — every prediction, with filters, actual values and accuracy charts */
#pragma once

#include <adwaita.h>
#include "ax-project.h"
#include "ax-predictions.h"

G_BEGIN_DECLS

#define AX_TYPE_PREDICTION_HISTORY (ax_prediction_history_get_type ())
G_DECLARE_FINAL_TYPE (AxPredictionHistory, ax_prediction_history, AX, PREDICTION_HISTORY, AdwBin)

/* Shows @project's predictions; call again to reload. */
void           ax_prediction_history_set_project      (AxPredictionHistory *self,
                                                       AxProject           *project);
/* Filters on model @model_id (0: every model), any version. */
void           ax_prediction_history_set_filter_model (AxPredictionHistory *self,
                                                       gint64               model_id);
/* Filters on the days from @since to @until, both included (NULL: open). */
void           ax_prediction_history_set_filter_dates (AxPredictionHistory *self,
                                                       GDateTime           *since,
                                                       GDateTime           *until);
GtkColumnView *ax_prediction_history_get_table        (AxPredictionHistory *self);
/* Predictions the filters keep (all of them, not only those shown). */
gint64         ax_prediction_history_get_n_matching   (AxPredictionHistory *self);
/* Records @text as the actual value of the prediction shown at @position,
 * as editing its Actual cell does; FALSE with the reason shown when the
 * text does not fit. */
gboolean       ax_prediction_history_set_actual       (AxPredictionHistory *self,
                                                       guint                position,
                                                       const char          *text);
/* Asks which columns of @file to match and record (what "Record Actuals
 * from CSV" does once the file is chosen). */
void           ax_prediction_history_open_actuals     (AxPredictionHistory *self,
                                                       GFile               *file);
/* The last import of actual values, or NULL. */
const AxActualsReport *ax_prediction_history_get_last_report (AxPredictionHistory *self);
/* Whether a background read or write is running. */
gboolean       ax_prediction_history_is_busy          (AxPredictionHistory *self);
GtkWidget     *ax_prediction_history_get_accuracy_chart (AxPredictionHistory *self);
GtkWidget     *ax_prediction_history_get_scatter_chart  (AxPredictionHistory *self);

G_END_DECLS
