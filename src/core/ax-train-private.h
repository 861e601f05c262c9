/* ax-train-private.h — what ax-train.c and ax-train-predict.c share */
#pragma once

#include "ax-train.h"
#include "ax-store-datasets.h"

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

/* Reads every row of @info into one frame in chunks, reporting progress
 * through @stage and checking @cancellable between chunks; with @out_hash,
 * also the hex SHA-256 of its rows (see ax_train_hash_frame()). */
AxFrame *ax_train_read_rows    (AxStore              *store,
                                const AxDatasetInfo  *info,
                                char                **out_hash,
                                AxProgressStage      *stage,
                                GCancellable         *cancellable,
                                GError              **error);

/* Reads every row of dataset @name of @store into one frame, its
 * description into *@out_info and the hex SHA-256 of its rows (see
 * ax_train_hash_frame()) into *@out_hash, reporting progress from 0 to
 * @span.  A dataset the project does not have is AX_LEARN_ERROR_CONFIG
 * naming "dataset" and the datasets there are. */
AxFrame *ax_train_read_dataset (AxStore          *store,
                                const char       *name,
                                AxDatasetInfo   **out_info,
                                char            **out_hash,
                                AxProgressFunc    progress,
                                gpointer          progress_data,
                                double            span,
                                GCancellable     *cancellable,
                                GError          **error);

G_END_DECLS
