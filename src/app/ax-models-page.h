/* ax-models-page.h — Models page: the project's models, their training, evaluation and versions */
#pragma once

#include <adwaita.h>
#include "ax-project.h"

G_BEGIN_DECLS

#define AX_TYPE_MODELS_PAGE (ax_models_page_get_type ())
G_DECLARE_FINAL_TYPE (AxModelsPage, ax_models_page, AX, MODELS_PAGE, AdwBin)

/* Shows @project (or nothing, when NULL); reloads on its "changed" signal. */
void ax_models_page_set_project (AxModelsPage *self,
                                AxProject *project);

/* Selects the model called @name; FALSE if the project has none. */
gboolean ax_models_page_select (AxModelsPage *self,
                                const char   *name);
/* The training job running, or NULL. */
AxJob   *ax_models_page_get_job (AxModelsPage *self);

G_END_DECLS
