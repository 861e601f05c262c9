/* ax-predictions-page.h — Predictions page: single and batch predictions, and their history */
#pragma once

#include <adwaita.h>
#include "ax-project.h"
#include "ax-prediction-batch-view.h"
#include "ax-prediction-history.h"
#include "ax-prediction-single.h"

G_BEGIN_DECLS

#define AX_TYPE_PREDICTIONS_PAGE (ax_predictions_page_get_type ())
G_DECLARE_FINAL_TYPE (AxPredictionsPage, ax_predictions_page, AX, PREDICTIONS_PAGE, AdwBin)

/* Shows @project (or nothing, when NULL); reloads on its "changed" signal. */
void ax_predictions_page_set_project (AxPredictionsPage *self,
                                     AxProject *project);

/* Selects model @model_id (version @version, 0: the active one) for single
 * and batch predictions, and as the history's filter; FALSE if the
 * project has no such model. */
gboolean ax_predictions_page_select_model (AxPredictionsPage *self,
                                           gint64             model_id,
                                           guint              version);
/* Brings "single", "batch" or "history" forward. */
void ax_predictions_page_show (AxPredictionsPage *self,
                               const char        *view);

AxPredictionSingle    *ax_predictions_page_get_single  (AxPredictionsPage *self);
AxPredictionBatchView *ax_predictions_page_get_batch   (AxPredictionsPage *self);
AxPredictionHistory   *ax_predictions_page_get_history (AxPredictionsPage *self);

G_END_DECLS
