/* ax-train-private.h — what ax-train.c and ax-train-predict.c share */
#pragma once

#include "ax-train.h"

G_BEGIN_DECLS

/* Loads the version @ref names (see ax_train_resolve_model()) into
 * @result: model_id, model_name, version, task and model. */
gboolean ax_train_load_model (AxStore          *store,
                              const char       *ref,
                              AxPredictResult  *result,
                              GError          **error);

/* Adds member @name with @v, or null when @v is not finite. */
void     ax_train_add_number (JsonBuilder      *b,
                              const char       *name,
                              double            v);

G_END_DECLS
