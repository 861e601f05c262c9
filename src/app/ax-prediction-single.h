/* ax-prediction-single.h — one prediction from a form built from the model's inputs */
#pragma once

#include <adwaita.h>
#include "ax-project.h"

G_BEGIN_DECLS

#define AX_TYPE_PREDICTION_SINGLE (ax_prediction_single_get_type ())
G_DECLARE_FINAL_TYPE (AxPredictionSingle, ax_prediction_single, AX, PREDICTION_SINGLE, AdwBin)

/* Works with version @version (0: the active one, which is version
 * @resolved) of model @model_id of @project.  The form is rebuilt in the
 * background when the model or the version it resolves to changes, and
 * keeps what was typed otherwise. */
void        ax_prediction_single_set_model (AxPredictionSingle *self,
                                            AxProject          *project,
                                            gint64              model_id,
                                            guint               version,
                                            guint               resolved);

/* Whether the form is built and no prediction is running. */
gboolean    ax_prediction_single_is_ready  (AxPredictionSingle *self);
/* The widget holding input @name's value: a GtkSpinButton, an
 * AdwComboRow, a GtkSwitch, a GtkCalendar or an AdwEntryRow; NULL when
 * the model has no such input. */
GtkWidget  *ax_prediction_single_get_input (AxPredictionSingle *self,
                                            const char         *name);
/* The context notes' entries: "notes" or "details". */
GtkEditable *ax_prediction_single_get_context_entry (AxPredictionSingle *self,
                                                     const char         *which);
/* The id of the last prediction made here, 0 before the first. */
gint64      ax_prediction_single_get_last_id (AxPredictionSingle *self);
/* What the result card shows: "value", "range", "confidence", what the
 * confidence means ("confidence-meaning", its tooltip) or "error". */
const char *ax_prediction_single_get_text  (AxPredictionSingle *self,
                                            const char         *part);

G_END_DECLS
