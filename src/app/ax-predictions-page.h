/* ax-predictions-page.h — Predictions page: single and batch predictions, and their history */
#pragma once

#include <adwaita.h>
#include "ax-project.h"

G_BEGIN_DECLS

#define AX_TYPE_PREDICTIONS_PAGE (ax_predictions_page_get_type ())
G_DECLARE_FINAL_TYPE (AxPredictionsPage, ax_predictions_page, AX, PREDICTIONS_PAGE, AdwBin)

/* Shows @project (or nothing, when NULL); reloads on its "changed" signal. */
void ax_predictions_page_set_project (AxPredictionsPage *self,
                                     AxProject *project);

G_END_DECLS
