/* ax-model-editor.h — the form that defines (or changes) a model and trains it
 *
 * Every field of the guide's configuration, plus dataset, target, feature
 * checklist, time column and seed; hyperparameter rows come from the
 * algorithm registry's parameter specs.  "Train" checks the configuration
 * as training will and marks the field an error names; a valid one is
 * handed over with the "train" signal (the JSON) and the window closes.
 */
#pragma once

#include <adwaita.h>
#include "ax-project.h"

G_BEGIN_DECLS

#define AX_TYPE_MODEL_EDITOR (ax_model_editor_get_type ())
G_DECLARE_FINAL_TYPE (AxModelEditor, ax_model_editor, AX, MODEL_EDITOR, AdwWindow)

/* A form for a new model (@config_json NULL) or for a new version of the
 * model @config_json configures (its name then cannot change). */
AxModelEditor *ax_model_editor_new             (GtkWindow     *parent,
                                                AxProject     *project,
                                                const char    *config_json);
/* The configuration the form holds now, as JSON. */
char          *ax_model_editor_get_config      (AxModelEditor *self);
/* Shows @message at the row of @field ("hyperparameters.max_depth",
 * "target", ...), or at the top of the form when no row has that name. */
void           ax_model_editor_show_error      (AxModelEditor *self,
                                                const char    *field,
                                                const char    *message);
/* The row showing @field, for tests; NULL if none. */
GtkWidget     *ax_model_editor_get_field_row   (AxModelEditor *self,
                                                const char    *field);

G_END_DECLS
