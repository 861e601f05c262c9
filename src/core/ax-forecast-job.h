/* ax-forecast-job.h — forecasting a dataset's series, and forecast models
 *
 * The one forecasting path of Auspex, used by `auspex-cli forecast` and
 * `train`, the window and the API server.  A forecast reads a dataset of
 * the project, builds one series from a time and a value column (or one
 * per item of a group column), fits the forecaster (ax-forecast.h) to
 * each, which backtests its candidate methods by rolling origin and keeps
 * the best, and forecasts the horizon with prediction ranges.
 *
 * ax_forecast_dataset() only reads the project.  A forecast model is a
 * model configuration of type sales_forecast, revenue_forecast,
 * demand_prediction or inventory_optimization that names a time_column
 * and no features (with features it is a regression whose splits follow
 * time, see ax-model.h).  ax_train_model() hands it to
 * ax_forecast_train_model(), which stores it as a new version of the
 * model like any other (configuration, backtest metrics, the fitted
 * forecasters as the blob) and records its forecasts as predictions:
 * input {"time": "1961-01-01"} (with "item" for a group), output the
 * forecast and its ranges.  inventory_optimization also plans stock per
 * item: safety stock, reorder point and order quantity from
 * training_config's service_level, lead_time, holding_cost and
 * ordering_cost.
 *
 * Each function opens its own connection to the project, so it may run in
 * any thread.  On error or cancellation the project is as it was.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include "ax-forecast.h"
#include "ax-job.h"

G_BEGIN_DECLS

/* What to forecast.  Strings are borrowed. */
typedef struct {
  const char         *dataset;
  const char         *time_column;
  const char         *value_column;
  const char         *group_by;        /* nullable: one series per value of it */
  AxFrequency         frequency;       /* AUTO: detected from the data */
  AxAggregate         aggregate;       /* default sum */
  gboolean            gaps_are_zero;   /* see AxSeriesSpec */
  AxForecastOptions   options;         /* horizon, levels, method, ... */
  /* Plan stock for each series from its forecast (inventory_optimization). */
  gboolean            inventory;
  AxInventoryParams   inventory_params;
} AxForecastRequest;

/* Fills @request with the defaults: nothing named, frequency detected,
 * sum, the forecaster's default options, no inventory planning. */
void      ax_forecast_request_init   (AxForecastRequest *request);

/* Parses "80,95" (percent, at most AX_FORECAST_MAX_LEVELS, each above 0
 * and below 100, no repeats) into @options' levels.  The error names
 * @field. */
gboolean  ax_forecast_parse_levels   (const char         *text,
                                      const char         *field,
                                      AxForecastOptions  *options,
                                      GError            **error);

/* One forecast series. */
typedef struct {
  char                  *item;         /* NULL without group_by */
  AxForecaster          *forecaster;   /* its report: the chosen model and backtest */
  AxForecastPrediction  *prediction;
  AxInventoryPlan       *plan;         /* inventory planning only */
} AxForecastItem;

void      ax_forecast_item_free      (AxForecastItem *item);

typedef struct _AxForecastResult {
  char        *dataset_name;
  char        *dataset_hash;     /* hex SHA-256, see ax_train_hash_frame() */
  char        *time_column;
  char        *value_column;
  char        *group_by;         /* NULL without one */
  AxColumnType time_type;        /* how times are written: date, datetime or a number */
  guint        n_levels;
  double       levels[AX_FORECAST_MAX_LEVELS];
  GPtrArray   *items;            /* AxForecastItem, in item order */
  double       seconds;          /* fitting every series */
  char       **notes;            /* translated sentences, NULL-terminated */
  /* Forecast models only (ax_forecast_train_model()). */
  gint64       model_id;
  char        *model_name;
  guint        version;
  char        *metrics;          /* JSON as stored */
  gint64       first_prediction_id;
  guint        n_predictions;
  char        *created;          /* ISO 8601, UTC */
} AxForecastResult;

/* Frees what @result holds and zeroes it. */
void      ax_forecast_result_clear   (AxForecastResult       *result);
void      ax_forecast_result_free    (AxForecastResult       *result);

/* Forecasts what @request names in the project.  Errors that concern the
 * request are AX_LEARN_ERROR_CONFIG and begin with the field
 * ("value_column: dataset “air” has no column “nope”; ...",
 * "period: 12 needs at least 24 periods ..."); a series the forecaster
 * cannot use is AX_LEARN_ERROR_DATA (with group_by, such items are left
 * out with a note, and only all of them failing is an error).
 * G_IO_ERROR_CANCELLED when cancelled.  Nothing is written. */
gboolean  ax_forecast_dataset        (const char              *project_path,
                                      const AxForecastRequest *request,
                                      const AxTrainMonitor    *monitor,
                                      GCancellable            *cancellable,
                                      AxForecastResult        *result,
                                      GError                 **error);

/* The name of the CSV column of a range, "lower_80" or "upper_97.5". */
char     *ax_forecast_bound_name     (const char             *side,
                                      double                  level);

/* @days (the engine's times) as the time column writes them:
 * "YYYY-MM-DD", "YYYY-MM-DD HH:MM:SS", or the number. */
char     *ax_forecast_format_time    (const AxForecastResult *result,
                                      double                  days);

/* Writes the forecasts as CSV: the group column (with group_by), time,
 * forecast, then lower_L and upper_L for each level; one row per item and
 * future period.  Written beside @output and renamed over it at the end,
 * so a failure leaves what was there. */
gboolean  ax_forecast_write_csv      (const AxForecastResult *result,
                                      const char             *project_path,
                                      GFile                  *output,
                                      GCancellable           *cancellable,
                                      GError                **error);

/* The result as JSON: dataset, columns, levels, and per series the chosen
 * model, its parameters and rolling-origin backtest (mae, rmse, mape,
 * smape, mase, coverage_L), every candidate's backtest, the inventory
 * plan and, with @with_rows, the forecasts; for a forecast model also
 * model_id, model_name, version and the predictions recorded. */
JsonNode *ax_forecast_result_to_json (const AxForecastResult *result,
                                      gboolean                with_rows);

/* Forecast models */

/* Whether @config_json describes a forecast model (see above): a forecast
 * type with a time_column and no features.  FALSE for JSON that does not
 * parse, which the regression path then reports. */
gboolean  ax_forecast_config_applies (const char             *config_json);

/* Trains the forecast model @config_json describes and stores it (see
 * above) as a new version of the model called model_name, with its
 * forecasts recorded, in one transaction.  The configuration: the guide's
 * keys, with algorithm "auto" (the default), "ets", "naive", "snaive",
 * "drift", "ml", or a learning algorithm (the ml method with it, its
 * hyperparameters as in the regression models); dataset, target (the
 * value column), time_column, and optionally group_by, horizon,
 * frequency, aggregate, prediction_levels (percent, default [80, 95]),
 * random_seed; hyperparameters ets_model, period, multi_seasonal,
 * backtest_origins, n_paths.  Errors are AX_LEARN_ERROR_CONFIG naming the
 * field.  G_IO_ERROR_CANCELLED when cancelled, with nothing stored. */
gboolean  ax_forecast_train_model    (const char             *project_path,
                                      const char             *config_json,
                                      const AxTrainMonitor   *monitor,
                                      GCancellable           *cancellable,
                                      AxForecastResult       *result,
                                      GError                **error);

/* Forecasts again with version @model_ref (see ax_train_resolve_model())
 * of a stored forecast model, from the end of the series it was trained
 * on: @horizon periods (0: as trained) at @levels' levels (NULL or
 * n_levels 0: as trained); records the forecasts and, with @output, writes
 * them as ax_forecast_write_csv() does, both or neither.  A model that is
 * not a forecast model is G_IO_ERROR_INVALID_ARGUMENT. */
gboolean  ax_forecast_stored_model   (const char              *project_path,
                                      const char              *model_ref,
                                      guint                    horizon,
                                      const AxForecastOptions *levels,
                                      GFile                   *output,
                                      AxForecastResult        *result,
                                      GError                 **error);

/* A job running ax_forecast_dataset() on a copy of @request (its
 * options' ml_params are not kept: the ml method then runs with its
 * algorithm's defaults); its result is valid once it has finished
 * successfully. */
AxJob            *ax_forecast_job_new        (const char              *project_path,
                                              const AxForecastRequest *request);
AxForecastResult *ax_forecast_job_get_result (AxJob                   *job);

G_END_DECLS
