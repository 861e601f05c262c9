/* ax-forecast-job-private.h — what the forecasting files of core share
 *
 * ax-forecast-job.c     a request over a dataset: series, fits, forecasts,
 *                       inventory plans; the job
 * ax-forecast-output.c  the forecasts as CSV and JSON
 * ax-forecast-config.c  the configuration of a forecast model
 * ax-forecast-model.c   forecast models: storing versions and their
 *                       forecasts, the blob, forecasting again from a version
 */
#pragma once

#include "ax-forecast-job.h"
#include "ax-model.h"
#include "ax-train.h"

G_BEGIN_DECLS

/* Forecasts @request from the dataset it names, read through @store, into
 * @result (which must be empty).  Errors about the value column name
 * @value_field ("value_column", or "target" for a model configuration).
 * Progress runs from 0 to 1 of @monitor's. */
gboolean  ax_forecast_run   (AxStore                 *store,
                             const AxForecastRequest *request,
                             const char              *value_field,
                             const AxTrainMonitor    *monitor,
                             GCancellable            *cancellable,
                             AxForecastResult        *result,
                             GError                 **error);

/* The model types a time_column makes forecasts of. */
gboolean  ax_forecast_is_model_type (AxModelType type);

/* A forecast model's configuration, checked, with the request it makes. */
typedef struct {
  char               *model_name;
  AxModelType         model_type;
  char               *description;
  char               *algorithm;
  char               *dataset;
  char               *target;
  char               *time_column;
  char               *group_by;
  char               *ets_model;
  char               *ml_algorithm;
  AxParams           *ml_params;
  JsonNode           *hyperparameters;   /* as given, for the stored configuration */
  guint64             seed;
  AxForecastRequest   request;           /* its strings point into the above */
  GPtrArray          *notes;
} AxForecastConfig;

/* Parses and checks @config_json (see ax_forecast_train_model()); errors
 * are AX_LEARN_ERROR_CONFIG naming the field. */
AxForecastConfig *ax_forecast_config_parse   (const char             *config_json,
                                              GError                **error);
/* The configuration as stored: every setting, defaults filled in; it
 * parses back to the same configuration. */
char             *ax_forecast_config_to_json (const AxForecastConfig *config);
void              ax_forecast_config_free    (AxForecastConfig       *config);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AxForecastConfig, ax_forecast_config_free)

/* ax_train_model() for a forecast model: ax_forecast_train_model(), with
 * @result's common fields filled and its forecast set. */
gboolean  ax_forecast_train (const char              *project_path,
                             const char              *config_json,
                             const AxTrainMonitor    *monitor,
                             GCancellable            *cancellable,
                             AxTrainResult           *result,
                             GError                 **error);

/* The stock plan for @item from @prediction of @fc, forecasting again if
 * the prediction does not cover the lead time. */
AxInventoryPlan *ax_forecast_plan_item (const AxForecaster          *fc,
                                        const AxForecastPrediction  *prediction,
                                        const AxInventoryParams     *params,
                                        const char                  *item,
                                        GError                     **error);

/* Whether @blob holds a forecast model (one series or a group of them). */
gboolean  ax_forecast_is_model_blob (GBytes                   *blob);

/* Adds @acc as an object: rows, mae, rmse, mape, smape, mase and coverage_L
 * for each of the @n_levels @levels. */
void      ax_forecast_add_accuracy (JsonBuilder              *b,
                                    const AxForecastAccuracy *acc,
                                    guint                     n_levels,
                                    const double             *levels);

G_END_DECLS
