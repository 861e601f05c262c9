/* ax-train.h — training predictive models and predicting with them
 *
 * The one training and prediction path of Auspex, used by the window, by
 * `auspex-cli train`, `predict` and `models`, and by the API server.
 * Training reads the dataset the configuration names from the project,
 * runs the engine (ax-model.h) and stores the result as a new version of
 * the model (ax-store-models.h).  Predicting loads a stored version, runs
 * it on one JSON object or on every row of a file, and records each
 * prediction in the project.
 *
 * Each function opens its own connection to the project, so it may run in
 * any thread; the *_job_new() functions wrap them as AxJobs.  On error or
 * cancellation the project is as it was.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include "ax-job.h"
#include "ax-model.h"
#include "ax-store-models.h"

G_BEGIN_DECLS

typedef struct {
  gint64    model_id;
  char     *model_name;
  guint     version;
  char     *dataset_name;
  char     *dataset_hash;   /* hex SHA-256, see ax_train_hash_frame() */
  char     *metrics;        /* JSON as stored: {"validation": {...}, "test": {...} or null} */
  AxModel  *model;          /* the fitted model: its configuration and report;
                             * NULL for a forecast model */
  /* A forecast model (ax-forecast-job.h): its series, forecasts and the
   * predictions recorded; NULL for the others. */
  struct _AxForecastResult *forecast;
} AxTrainResult;

/* Frees what @result holds and zeroes it.  ax_train_model() fills
 * @result on success only. */
void      ax_train_result_clear  (AxTrainResult        *result);

/* Trains the model @config_json describes (the guide's configuration, see
 * ax-model.h) on the dataset it names and stores it as a new version of
 * the model called model_name, creating the model on its first training.
 * @monitor (nullable) receives progress and the score after each step; its
 * seed is taken from the configuration.  Configuration errors are
 * AX_LEARN_ERROR_CONFIG and begin with the field ("dataset: ...").
 * G_IO_ERROR_CANCELLED when cancelled, with nothing stored.  A forecast
 * model (ax-forecast-job.h) is fitted and stored by the forecasting path,
 * with its forecasts recorded: @result then holds it in forecast. */
gboolean  ax_train_model         (const char           *project_path,
                                  const char           *config_json,
                                  const AxTrainMonitor *monitor,
                                  GCancellable         *cancellable,
                                  AxTrainResult        *result,
                                  GError              **error);

/* Feeds @frame's column names and types, then every row in order, into
 * @checksum, in a form where no two different frames give the same bytes:
 * a missing value, an integer (64 bits), a real (its 64 bits) and a string
 * (its length, then its bytes) are each tagged.  Call it once per frame
 * with @header TRUE for the first, to hash a dataset read in parts. */
void      ax_train_hash_frame    (GChecksum            *checksum,
                                  const AxFrame        *frame,
                                  gboolean              header);

/* A job running ax_train_model(); its result is valid once it has
 * finished successfully. */
AxJob          *ax_train_job_new        (const char *project_path,
                                         const char *config_json);
AxTrainResult  *ax_train_job_get_result (AxJob      *job);

/* Finds the model @ref names: its id or its name, optionally followed by
 * ":VERSION" ("3", "churn", "churn:2").  *@version is 0 when @ref names
 * none (the active version is meant). */
gboolean  ax_train_resolve_model (AxStore              *store,
                                  const char           *ref,
                                  gint64               *model_id,
                                  guint                *version,
                                  GError              **error);

/* Every model of the project, each with its latest version; a GPtrArray of
 * AxModelInfo. */
GPtrArray *ax_train_list_models  (const char           *project_path,
                                  GError              **error);

typedef struct {
  gint64          model_id;
  char           *model_name;
  guint           version;
  AxTask          task;
  guint           n_rows;
  gint64          first_id;       /* prediction ids are first_id .. first_id + n_rows - 1 */
  char           *created;        /* ISO 8601, UTC */
  AxModel        *model;
  /* ax_predict_json() only: the prediction and the input it was made on. */
  AxPredictions  *predictions;
  JsonNode       *input;
  /* Wall-clock seconds in the model itself (ax_model_predict(): the rows
   * converted to its inputs, prepared, predicted with their ranges and
   * confidence), summed over the batches; without reading, writing or
   * recording. */
  double          model_seconds;
} AxPredictResult;

/* Frees what @result holds and zeroes it.  The predict functions fill
 * @result on success only; on failure it is left empty. */
void      ax_predict_result_clear (AxPredictResult     *result);

/* Predicts with model @model_ref (see ax_train_resolve_model()) on
 * @input_json: one object of column → value, or the guide's request
 * {"input_data": {...}}.  Every input the model needs must be there (null
 * for a missing value); other members are kept with the record only.  The
 * prediction is recorded in the project. */
gboolean  ax_predict_json        (const char           *project_path,
                                  const char           *model_ref,
                                  const char           *input_json,
                                  AxPredictResult      *result,
                                  GError              **error);

/* Predicts every row of @input (any file the import reads) and writes
 * @output as CSV: the input's columns as they were, then prediction,
 * lower_bound, upper_bound and confidence, for classification one
 * probability_<class> column per class, and for lead scoring score.  All
 * predictions are recorded in one transaction; the output is written
 * beside @output and renamed over it at the end.  On error or
 * cancellation neither the project nor @output changes. */
gboolean  ax_predict_file        (const char           *project_path,
                                  const char           *model_ref,
                                  GFile                *input,
                                  GFile                *output,
                                  AxProgressFunc        progress,
                                  gpointer              progress_data,
                                  GCancellable         *cancellable,
                                  AxPredictResult      *result,
                                  GError              **error);

/* The guide's response for the prediction of ax_predict_json():
 * prediction_id, model_id, model_version, predicted_value {value,
 * prediction_range {lower_bound, upper_bound}, and for classification
 * probabilities, for lead scoring score}, confidence_score,
 * prediction_timestamp. */
JsonNode *ax_predict_result_to_json (const AxPredictResult *result);

/* A job running ax_predict_file(). */
AxJob           *ax_predict_job_new        (const char *project_path,
                                            const char *model_ref,
                                            GFile      *input,
                                            GFile      *output);
AxPredictResult *ax_predict_job_get_result (AxJob      *job);

G_END_DECLS
