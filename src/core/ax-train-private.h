/* ax-train-private.h — what ax-train.c, ax-train-predict.c and the
 * window's prediction and model jobs (ax-predictions.c,
 * ax-model-admin-train.c) share */
#pragma once

#include "ax-train.h"
#include "ax-reader.h"
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

/* Adds member "notes": what training said of the data (a column left out,
 * rows without a target), kept with the version's metrics for whoever
 * shows the version later; nothing when there are none. */
void     ax_train_add_notes  (JsonBuilder        *b,
                              const char * const *notes);

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

/* ax_predict_json() recording @context (a JSON object's text, nullable)
 * with the prediction. */
gboolean ax_train_predict_json (const char       *project_path,
                                const char       *model_ref,
                                const char       *input_json,
                                const char       *context,
                                AxPredictResult  *result,
                                GError          **error);
/* What ax_train_predict_file() writes, as it writes it: the output's
 * column names once, then each row's cells ("" where empty), the same
 * text as in the CSV but unquoted.  For a view that shows the rows without
 * reading the file back; the pointers last only for the call. */
typedef struct {
  void     (*columns) (const char *const *names, guint n, gpointer data);
  void     (*row)     (const char *const *cells, guint n, gpointer data);
  gpointer   data;
} AxPredictSink;

/* ax_predict_file() on the records of @reader (taken; nullable: @input
 * is opened), recording with each prediction, when @source is not NULL,
 * its context: {"request_source": "batch", "source": @source, "row": the
 * row's number, and the row's columns the model does not use (an
 * identifier, the target) by name}; each output row also goes to @sink
 * (nullable).  Messages name @input, else @source. */
gboolean ax_train_predict_file (const char          *project_path,
                                const char          *model_ref,
                                GFile               *input,
                                AxReader            *reader,
                                GFile               *output,
                                const char          *source,
                                const AxPredictSink *sink,
                                AxProgressFunc       progress,
                                gpointer             progress_data,
                                GCancellable        *cancellable,
                                AxPredictResult     *result,
                                GError             **error);

G_END_DECLS
