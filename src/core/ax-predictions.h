/* ax-predictions.h — what the Predictions workspace does, for any front end
 *
 * Around the one prediction path (ax-train.h): the form a model's inputs
 * make (types, the categories and ranges seen in its training data), a
 * single prediction recorded with the analyst's context notes, a batch
 * over a project dataset or a file whose results can be shown and saved,
 * and the history's side: actual values typed in or matched from a CSV on
 * a key column, accuracy per day and actual against predicted.
 *
 * Functions taking a project path open their own connection and may run
 * in any thread; the *_job_new() functions wrap them as AxJobs.
 */
#pragma once

#include <gio/gio.h>
#include "ax-job.h"
#include "ax-train.h"
#include "ax-store-predictions.h"

G_BEGIN_DECLS

/* The form */

typedef struct {
  char          *name;
  AxColumnType   type;
  char         **categories;  /* categorical, text: most frequent first; else NULL */
  double         min, max;    /* numbers, dates (days since 1970), date-times
                               * (seconds): the training data's range; NAN unknown */
  double         mean;        /* numbers: a sensible starting value; NAN unknown */
} AxPredictionField;

typedef struct {
  gint64              model_id;
  char               *model_name;
  guint               version;
  AxTask              task;
  guint               n_classes;
  char              **class_names;   /* classification, else NULL */
  double              level;         /* the ranges' prediction level, 0.9 */
  char               *target;
  char               *dataset;       /* the training dataset's name */
  guint               n_fields;
  AxPredictionField  *fields;        /* the inputs the model needs, in its order */
} AxPredictionForm;

void              ax_prediction_form_free (AxPredictionForm *form);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AxPredictionForm, ax_prediction_form_free)

/* Describes version @version (0: the active one) of model @model_id.
 * Categories and ranges come from the dataset the version was trained on
 * when it is still in the project (else they are unknown). */
AxPredictionForm *ax_prediction_form_load (const char  *project_path,
                                           gint64       model_id,
                                           guint        version,
                                           GError     **error);
AxJob            *ax_prediction_form_job_new        (const char *project_path,
                                                     gint64      model_id,
                                                     guint       version);
AxPredictionForm *ax_prediction_form_job_get_result (AxJob      *job);
/* The form, which the caller then owns (NULL on a second call). */
AxPredictionForm *ax_prediction_form_job_steal_result (AxJob    *job);

/* "3" or "3:2": the reference ax_train_resolve_model() reads for version
 * @version (0: active) of model @model_id. */
char             *ax_predictions_model_ref (gint64 model_id,
                                            guint  version);

/* A single prediction */

/* ax_predict_json() on @input_json (an object of column → value), then
 * keeps @context_json (a JSON object, nullable: the guide's
 * context_metadata) with the recorded prediction. */
gboolean          ax_predictions_predict_one (const char       *project_path,
                                              const char       *model_ref,
                                              const char       *input_json,
                                              const char       *context_json,
                                              AxPredictResult  *result,
                                              GError          **error);
AxJob            *ax_predictions_single_job_new        (const char *project_path,
                                                        const char *model_ref,
                                                        const char *input_json,
                                                        const char *context_json);
AxPredictResult  *ax_predictions_single_job_get_result (AxJob      *job);

/* A batch */

typedef struct {
  AxPredictResult   result;
  GFile            *output;     /* the predictions as CSV (ax_predict_file()'s
                                 * columns), removed by ax_prediction_batch_free() */
  guint             n_columns;
  char            **names;      /* n_columns + NULL */
  guint             n_inputs;   /* the first n_inputs columns are the input's */
  AxColumnType     *input_types; /* n_inputs: each as the import would take it,
                                  * from its first AX_INFER_SAMPLE_ROWS rows */
  guint             n_rows;
  const char      **cells;      /* n_rows × n_columns, row-major; NULL for empty */
  /* private */
  GStringChunk     *chunk;
  char             *dir;
} AxPredictionBatch;

void               ax_prediction_batch_free (AxPredictionBatch *batch);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AxPredictionBatch, ax_prediction_batch_free)

/* Predicts every row of project dataset @dataset, or of file @input when
 * @dataset is NULL, with @model_ref; records them all (each with the
 * context {"request_source": "batch", "source": ..., "row": N} plus the
 * row's columns the model does not use, so that actuals can later be
 * matched on an identifier) and keeps the rows for display as the
 * predictor writes them.  A dataset's rows are read from the project as
 * the predictor goes, with no CSV copy of it; the predictions' CSV
 * (@output) is what Export copies. */
AxPredictionBatch *ax_prediction_batch_run (const char      *project_path,
                                            const char      *model_ref,
                                            const char      *dataset,
                                            GFile           *input,
                                            AxProgressFunc   progress,
                                            gpointer         progress_data,
                                            GCancellable    *cancellable,
                                            GError         **error);
AxJob             *ax_prediction_batch_job_new        (const char *project_path,
                                                       const char *model_ref,
                                                       const char *dataset,
                                                       GFile      *input);
AxPredictionBatch *ax_prediction_batch_job_get_result (AxJob      *job);

/* Actual values */

/* Records @text as the actual value of prediction @id: a number when the
 * prediction's value is a number ("1 234.5" is refused with a message),
 * else the text itself (a class); empty or NULL clears it. */
gboolean          ax_predictions_set_actual_text (AxStore     *store,
                                                  gint64       id,
                                                  const char  *text,
                                                  GError     **error);

/* The column names of @file (CSV or any format the import reads). */
char            **ax_predictions_read_header     (GFile         *file,
                                                  GCancellable  *cancellable,
                                                  GError       **error);
AxJob            *ax_predictions_header_job_new  (GFile         *file);
char            **ax_predictions_header_job_get_result (AxJob   *job);

typedef struct {
  guint64  n_rows;          /* rows of the file with a key */
  guint64  n_matched;       /* of them, rows whose key some prediction has */
  guint64  n_unmatched;     /* rows whose key no prediction has */
  guint64  n_invalid;       /* matched rows whose actual could not be read */
  guint64  n_updated;       /* predictions given an actual */
} AxActualsReport;

/* Reads @file, and for each row whose @key_column value equals the
 * @key_column member of a prediction of model @model_id (0: any model) —
 * in its input, or failing that its context — records the row's
 * @actual_column value as that prediction's actual (typed as in
 * ax_predictions_set_actual_text()).  Numbers match numbers whatever
 * their spelling ("12" and "12.0").  One transaction. */
gboolean          ax_predictions_record_actuals  (const char      *project_path,
                                                  gint64           model_id,
                                                  GFile           *file,
                                                  const char      *key_column,
                                                  const char      *actual_column,
                                                  GCancellable    *cancellable,
                                                  AxActualsReport *report,
                                                  GError         **error);
/* As ax_predictions_record_actuals(), but all or nothing, for scripts:
 * a matched row whose value cannot be read as the prediction's value is
 * an error naming the file, the row's key and the value, and so is a key
 * column that none of the model's predictions has; either way nothing is
 * recorded. */
gboolean          ax_predictions_record_actuals_strict (const char      *project_path,
                                                        gint64           model_id,
                                                        GFile           *file,
                                                        const char      *key_column,
                                                        const char      *actual_column,
                                                        GCancellable    *cancellable,
                                                        AxActualsReport *report,
                                                        GError         **error);
AxJob            *ax_predictions_actuals_job_new (const char      *project_path,
                                                  gint64           model_id,
                                                  GFile           *file,
                                                  const char      *key_column,
                                                  const char      *actual_column);
const AxActualsReport *ax_predictions_actuals_job_get_report (AxJob *job);

/* Accuracy */

typedef struct {
  gint64    model_id;
  char     *model_name;
  gboolean  classification;  /* y is the share right, else the mean absolute error */
  gsize     n;
  double   *x;               /* each day's start, seconds since 1970 UTC */
  double   *y;
  guint    *count;           /* predictions with an actual that day */
} AxAccuracySeries;

void              ax_accuracy_series_free (AxAccuracySeries *series);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AxAccuracySeries, ax_accuracy_series_free)

typedef struct {
  GPtrArray *series;     /* AxAccuracySeries, one per model */
  /* Numeric predictions with a numeric actual of the filter's model
   * (the newest 5,000), for actual against predicted. */
  gsize      n_pairs;
  double    *predicted;
  double    *actual;
} AxAccuracySummary;

void               ax_accuracy_summary_free (AxAccuracySummary *summary);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AxAccuracySummary, ax_accuracy_summary_free)

/* Accuracy per day for each model of @filter's predictions with an
 * actual; the pairs only when @filter names a model. */
AxAccuracySummary *ax_predictions_accuracy (const char               *project_path,
                                            const AxPredictionFilter *filter,
                                            GError                  **error);
/* @filter is copied. */
AxJob             *ax_predictions_accuracy_job_new        (const char               *project_path,
                                                           const AxPredictionFilter *filter);
AxAccuracySummary *ax_predictions_accuracy_job_get_result (AxJob                    *job);

G_END_DECLS
