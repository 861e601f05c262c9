/* ax-model-admin.h — deploying, versions, retraining and evaluation data
 *
 * What the Models workspace does with a model besides training it once:
 * activate and deactivate it (deploy), roll back to an earlier version,
 * keep its retraining schedule and degradation rule, find the models whose
 * retraining is due (for the scheduler), and train with a live validation
 * curve, storing with the version a bounded sample of the held-out rows
 * (actual, predicted, probabilities) for its evaluation charts, or for a
 * forecast model its test period with ranges.
 *
 * Functions taking a project path open their own connection and may run
 * in any thread; those taking an AxStore use that connection.
 */
#pragma once

#include "ax-train.h"
#include "ax-forecast-job.h"
#include "ax-store-model-admin.h"

G_BEGIN_DECLS

/* Rows of the held-out part kept with a version for its charts. */
#define AX_MODEL_SAMPLE_MAX 2000

/* Model types that may be fitted as a time-series forecast. */
gboolean    ax_model_admin_type_forecasts    (AxModelType  type);
/* The algorithm a new model of @type starts with. */
const char *ax_model_admin_default_algorithm (AxModelType  type);
/* Whether @type predicts a class (churn, lead scoring) rather than a number. */
gboolean    ax_model_admin_type_classifies   (AxModelType  type);

/* The hyperparameters @algorithm takes (from the registry), terminated by
 * { NULL }; NULL for a name the registry does not have. */
const AxParamSpec *ax_model_admin_algorithm_params (const char *algorithm);

/* The field a configuration error names: the text before the first ": "
 * ("hyperparameters.max_depth" of "hyperparameters.max_depth: must be
 * ..."), or NULL when the message names none. */
char       *ax_model_admin_error_field       (const GError *error);

/* Checks @config_json as training will, without the data: the error
 * names the field (see ax_model_config_from_json()).  A forecast model's
 * configuration is checked for its dataset, target and time column. */
gboolean    ax_model_admin_check_config      (const char   *config_json,
                                              GError      **error);

/* The one number a model is judged by from its stored metrics JSON:
 * R² for regression, ROC-AUC for two classes (else accuracy), sMAPE for a
 * forecast; on the test rows when there are some, else validation.
 * Returns FALSE when the metrics hold none; *@name is static ("r2",
 * "roc_auc", "accuracy", "smape"). */
gboolean    ax_model_admin_headline          (const char   *metrics_json,
                                              const char  **name,
                                              double       *value);

/* Deploying */

/* Activates or deactivates model @model_id; activating stamps its
 * deployed time. */
gboolean    ax_model_admin_set_active        (AxStore      *store,
                                              gint64        model_id,
                                              gboolean      active,
                                              GError      **error);
/* Makes @version of model @model_id the active one and activates the
 * model (stamping its deployed time). */
gboolean    ax_model_admin_rollback          (AxStore      *store,
                                              gint64        model_id,
                                              guint         version,
                                              GError      **error);

/* Retraining */

/* Stores the retraining schedule: @frequency "never", "daily", "weekly"
 * or "monthly"; @metric (NULL or "" for no degradation rule) one of r2,
 * mae, rmse, mape, accuracy, precision, recall, f1, roc_auc, log_loss;
 * @drop > 0, in the metric's own units, how far it may worsen.  Errors
 * name the field (retrain_frequency, retrain_metric, retrain_drop). */
gboolean    ax_model_admin_set_retraining    (AxStore      *store,
                                              gint64        model_id,
                                              const char   *frequency,
                                              const char   *metric,
                                              double        drop,
                                              GError      **error);

/* @metric measured on the actual values recorded for the predictions of
 * version @version of model @model_id: *@value, over *@n_rows rows (0 and
 * NAN when none are recorded).  Also the same metric as stored with the
 * version (test rows, else validation) in *@baseline (NAN if none). */
gboolean    ax_model_admin_measure_actuals   (AxStore      *store,
                                              gint64        model_id,
                                              guint         version,
                                              const char   *metric,
                                              double       *value,
                                              double       *baseline,
                                              guint        *n_rows,
                                              GError      **error);

typedef enum {
  AX_RETRAIN_DUE_SCHEDULE,      /* the frequency has elapsed since the latest version */
  AX_RETRAIN_DUE_DEGRADATION,   /* the metric on recorded actuals fell by the drop */
} AxRetrainReason;

typedef struct {
  gint64           model_id;
  char            *model_name;
  AxRetrainReason  reason;
  char            *detail;      /* translated sentence saying why */
} AxModelDue;

void        ax_model_due_free                (AxModelDue   *due);

/* Degradation needs at least this many recorded actuals. */
#define AX_RETRAIN_MIN_ACTUALS 5

/* The models whose retraining is due at @now: those whose frequency has
 * elapsed since their latest version, and those whose degradation rule
 * holds on the recorded actuals of their active version; a GPtrArray of
 * AxModelDue, ordered by model name. */
GPtrArray  *ax_model_admin_list_due          (const char   *project_path,
                                              GDateTime    *now,
                                              GError      **error);

/* The configuration to retrain model @model_id with: its active version's
 * (as stored). */
char       *ax_model_admin_retrain_config    (AxStore      *store,
                                              gint64        model_id,
                                              GError      **error);

/* Training with a live curve */

/* A job running ax_train_model() that also keeps each step's validation
 * score as it comes, and afterwards stores with the new version a sample
 * of at most AX_MODEL_SAMPLE_MAX held-out rows as metrics member "sample":
 * {"part": "test" or "validation", "actual": [...], "predicted": [...]
 * and for classification "probabilities": [[p per class], ...]} (classes
 * as indices into the metrics' "classes"), from the held-out rows the
 * model was scored on (ax_model_get_held_out()). */
AxJob         *ax_model_admin_train_job_new    (const char *project_path,
                                                const char *config_json);
AxTrainResult *ax_model_admin_train_job_get_result (AxJob  *job);
/* Copies the curve points from @from on (AxCurvePoint) into @out (may be
 * NULL) and
 * returns how many there are in all; callable from any thread while the
 * job runs. */
guint          ax_model_admin_train_job_get_curve  (AxJob  *job,
                                                    guint   from,
                                                    GArray *out);

/* Stores with the version @result names (as ax_train_model() filled it,
 * just trained) the sample of its held-out rows that the job above
 * stores, so that every way of training gives the evaluation charts their
 * data: the window's job, the scheduler's retraining (through the job)
 * and `auspex-cli train`.  *@metrics (nullable) receives the metrics JSON
 * as now stored.  A forecast model has nothing to add (its test period is
 * stored as it trains, see below): TRUE.  FALSE with @error when
 * @result's model was not just trained (it keeps no held-out rows) or the
 * project cannot be written; the version is then as it was, and still a
 * whole version. */
gboolean    ax_model_admin_store_sample      (const char           *project_path,
                                              const AxTrainResult  *result,
                                              GCancellable         *cancellable,
                                              char                **metrics,
                                              GError              **error);

/* Forecast models: the test period */

/* Series of a forecast model given a test period, and the periods kept. */
#define AX_FORECAST_TEST_SERIES  8
#define AX_FORECAST_TEST_MAX     500

/* The test period of the forecast model in @result (fitted with
 * @options, as ax_forecast_run() leaves it), for its metrics member
 * "test_period": for each of its first AX_FORECAST_TEST_SERIES series
 * with a backtest, the model the forecaster chose refitted on the periods
 * before its last backtest origin (the start of its final horizon) and
 * forecast over that horizon with ranges calibrated on the earlier
 * origins alone: {"levels": [80, 95], "series": [{"item" (null without
 * group_by), "model", "origin" (the first time of the test period),
 * "time", "actual" (null where missing), "forecast", "lower_80",
 * "upper_80", "lower_95", "upper_95" (all of one length, at most
 * AX_FORECAST_TEST_MAX), "history_time", "history" (the periods before
 * the origin, at most AX_FORECAST_TEST_MAX)}, ...]}; times as the time
 * column writes them (see ax_forecast_format_time()).  A series that
 * cannot be refitted is left out; NULL when none is left, with @error
 * set only when cancelled.  Progress from 0 to 1 of @monitor's. */
JsonNode   *ax_model_admin_forecast_test_period (const AxForecastResult  *result,
                                                 const AxForecastOptions *options,
                                                 const AxTrainMonitor    *monitor,
                                                 GCancellable            *cancellable,
                                                 GError                 **error);

/* ROC of a binary classifier: @positive[i] TRUE when row i is of the
 * positive class, @score[i] its probability.  Fills *@fpr and *@tpr
 * (from (0,0) to (1,1), one point per distinct score) and returns the
 * number of points. */
gsize       ax_model_admin_roc               (const gboolean *positive,
                                              const double   *score,
                                              gsize           n,
                                              double        **fpr,
                                              double        **tpr);

G_END_DECLS
