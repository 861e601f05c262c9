/* ax-forecast.h — time series: building, forecasting, backtesting, inventory
 *
 * A series is a regular grid of periods (hourly ... yearly) built from a
 * frame's time and value columns: rows are aggregated to the chosen
 * frequency, periods without any row are gaps (NAN).  A forecaster is fitted
 * to one series: it backtests its candidate methods by rolling origin over
 * the horizon and keeps the best (or the one the options name), then gives
 * point forecasts and prediction ranges.  The methods:
 *
 *   naive, snaive, drift   the baselines;
 *   ets                    exponential smoothing state-space models
 *                          (Hyndman et al. 2008), every admissible
 *                          error/trend/season combination fitted by maximum
 *                          likelihood and the best AICc kept; secondary
 *                          seasonal cycles as Fourier terms (see README);
 *   ml                     a registry algorithm (ax-learn.h) on lag,
 *                          rolling and calendar features plus the series'
 *                          drivers, forecasting recursively.
 *
 * Times are days since 1970-01-01 as doubles (fractional for hourly series
 * built from date-time columns).  Inventory planning turns the forecast
 * distribution of demand over a lead time into safety stock, reorder point
 * and order quantity.
 */
#pragma once

#include "ax-frame.h"
#include "ax-learn.h"

G_BEGIN_DECLS

/* ----------------------------------------------------------------- series */

typedef enum {
  AX_FREQUENCY_AUTO,        /* options only: detect from the data */
  AX_FREQUENCY_HOURLY,
  AX_FREQUENCY_DAILY,
  AX_FREQUENCY_WEEKLY,
  AX_FREQUENCY_MONTHLY,
  AX_FREQUENCY_QUARTERLY,
  AX_FREQUENCY_YEARLY,
  AX_N_FREQUENCIES
} AxFrequency;

/* "auto", "hourly", "daily", "weekly", "monthly", "quarterly", "yearly". */
const char  *ax_frequency_to_string   (AxFrequency  freq);
gboolean     ax_frequency_from_string (const char  *str,
                                       AxFrequency *out);
/* Periods of @freq in a (mean Gregorian) year: 8766, 365.25, 52.18, 12, 4, 1. */
double       ax_frequency_per_year    (AxFrequency  freq);

/* The frequency whose spacing is nearest the median spacing of the
 * distinct times in @time_days (any order); AX_FREQUENCY_AUTO when there
 * are fewer than two distinct times. */
AxFrequency  ax_frequency_detect      (const double *time_days,
                                       guint         n);

/* The start of the period of @freq containing @time_days (the hour, the
 * day, the Monday of the week, the first day of the month, quarter or
 * year), and the start of the period @steps periods later. */
double       ax_frequency_floor       (AxFrequency freq, double time_days);
double       ax_frequency_advance     (AxFrequency freq, double time_days, int steps);

typedef enum {
  AX_AGGREGATE_SUM,         /* "sum": the default, right for sales and demand */
  AX_AGGREGATE_MEAN,        /* "mean": for levels, rates, prices */
  AX_AGGREGATE_LAST,        /* "last": for stocks and balances */
} AxAggregate;

const char  *ax_aggregate_to_string   (AxAggregate  agg);
gboolean     ax_aggregate_from_string (const char  *str,
                                       AxAggregate *out);

#define AX_SERIES_MAX_PERIODS 3

/* One regular series.  y[i] is NAN for a period without data.  Periods
 * start on the hour, the day, the first day of the month, quarter or year,
 * or (weekly) on the weekday of the earliest row.  Drivers
 * (explanatory columns) are aggregated by their mean per period:
 * drivers[d * n + i]; a gap in a driver is filled with its last value. */
typedef struct {
  char         *name;            /* the value column, or the item */
  AxFrequency   frequency;
  gboolean      datetime;        /* built from a date-time column */
  guint         n;
  double       *time;            /* period starts, days */
  double       *y;
  guint         n_missing;       /* periods that are NAN in y */
  guint         n_drivers;
  char        **driver_names;    /* n_drivers + NULL */
  double       *drivers;
  /* Seasonal periods found in the data, strongest first (see
   * ax_series_detect_periods()); n_periods may be 0. */
  guint         n_periods;
  guint         periods[AX_SERIES_MAX_PERIODS];
  /* What the observed values are: every one >= 0, every one whole. */
  gboolean      nonnegative;
  gboolean      integer;
  char         *time_column;     /* the frame's time column, or NULL */
} AxTimeSeries;

/* How to build a series from a frame. */
typedef struct {
  const char          *time_column;    /* date, datetime, or integer/real days */
  const char          *value_column;   /* numeric */
  const char          *item_column;    /* nullable: a column naming items */
  const char          *item;           /* with item_column: keep only its rows */
  const char * const  *drivers;        /* nullable, NULL-terminated numeric columns */
  AxFrequency          frequency;      /* AUTO: ax_frequency_detect() */
  AxAggregate          aggregate;
  /* With AX_AGGREGATE_SUM: a period without any row is 0 (a day without a
   * sale) rather than missing.  Default FALSE: gaps stay missing. */
  gboolean             gaps_are_zero;
} AxSeriesSpec;

/* A series of @n observations at regular @freq periods starting at
 * @time[0] (only the first time is read; NULL: from 1970-01-01).  Copies
 * the data, detects periods and constraints. */
AxTimeSeries  *ax_series_new            (AxFrequency    freq,
                                     guint          n,
                                     const double  *time,
                                     const double  *y);
/* Builds a series from @frame.  Errors are AX_LEARN_ERROR_CONFIG naming
 * the field ("time_column: no column “day” in the data", "value_column:
 * “region” is not numeric") or AX_LEARN_ERROR_DATA ("fewer than 3 periods
 * with a value").  Rows without a time are left out; rows without a value
 * count as no observation. */
AxTimeSeries  *ax_series_new_from_frame (const AxFrame       *frame,
                                     const AxSeriesSpec  *spec,
                                     GError             **error);
AxTimeSeries  *ax_series_copy           (const AxTimeSeries *series);
void       ax_series_free           (AxTimeSeries       *series);
/* The distinct values of @item_column, sorted, NULL-terminated (missing
 * values left out). */
char     **ax_series_list_items     (const AxFrame  *frame,
                                     const char     *item_column,
                                     GError        **error);
/* Seasonal periods of @y (NAN allowed) at @freq: the frequency's calendar
 * cycles (hourly 24 and 168, daily 7 and 365, weekly 52, monthly 12,
 * quarterly 4) that the data can show (at least two full cycles) and that
 * the autocorrelation of the detrended series confirms, strongest first.
 * Writes at most @max into @periods and returns how many. */
guint      ax_series_detect_periods (const double *y,
                                     guint         n,
                                     AxFrequency   freq,
                                     guint        *periods,
                                     guint         max);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AxTimeSeries, ax_series_free)

/* -------------------------------------------------------------- forecasts */

typedef enum {
  AX_FORECAST_AUTO,         /* "auto": the candidate that backtests best */
  AX_FORECAST_ETS,          /* "ets" */
  AX_FORECAST_NAIVE,        /* "naive" */
  AX_FORECAST_SNAIVE,       /* "snaive" */
  AX_FORECAST_DRIFT,        /* "drift" */
  AX_FORECAST_ML,           /* "ml" */
  AX_N_FORECAST_METHODS
} AxForecastMethod;

const char *ax_forecast_method_to_string   (AxForecastMethod  method);
gboolean    ax_forecast_method_from_string (const char       *str,
                                            AxForecastMethod *out);

#define AX_FORECAST_MAX_LEVELS 4

typedef struct {
  AxForecastMethod  method;         /* default AUTO */
  /* ETS model as three or four letters, error-trend[d]-season, e.g. "ANN",
   * "MAdM", "AAA"; 'Z' lets that component be chosen by AICc.  NULL or
   * "ZZZ": every admissible model. */
  const char       *ets_model;
  guint             horizon;        /* periods; 0: one season (or 10 without one) */
  guint             n_levels;       /* default 2 */
  double            levels[AX_FORECAST_MAX_LEVELS];  /* percent; default 80, 95 */
  /* -1: detected from the data (AxTimeSeries.nonnegative / .integer); 0/1: set. */
  int               nonnegative;
  int               integer;
  /* Seasonal period for ETS and snaive; 0: the strongest detected.  A
   * set period needs two full seasons of data.  ETS carries a season of
   * at most 24 periods; a longer one, and with multi_seasonal (default
   * TRUE) every other detected period, is modelled by Fourier terms. */
  guint             period;
  gboolean          multi_seasonal;
  /* Rolling-origin backtest: number of origins (default 3; each origin
   * forecasts @horizon periods ahead from a shorter history).  With two
   * or more, the ranges are calibrated on the backtest (see
   * AxForecastReport.range_levels); with one they are the model's own. */
  guint             backtest_origins;
  /* The ml method: a registry algorithm ("gradient_boosting" by default)
   * and its hyperparameters (nullable: defaults).  Borrowed. */
  const char       *ml_algorithm;
  const AxParams   *ml_params;
  /* Sample paths for ranges that have no closed form (default 1000). */
  guint             n_paths;
} AxForecastOptions;

/* Fills @options with the defaults above. */
void        ax_forecast_options_init (AxForecastOptions *options);

/* Accuracy of forecasts against what happened. */
typedef struct {
  guint   n;                 /* forecast/actual pairs scored */
  double  mae, rmse;
  double  mape;              /* percent, over actual values != 0; NAN if none */
  double  smape;             /* percent, 0..200 */
  double  mase;              /* MAE over the in-sample MAE of the seasonal naive */
  double  coverage[AX_FORECAST_MAX_LEVELS];  /* percent inside each range */
} AxForecastAccuracy;

/* Scores @n forecasts @mean (and ranges lower/upper[l * n + i], nullable)
 * against @actual; @scale is the MASE denominator. NAN actuals are skipped. */
void        ax_forecast_accuracy     (const double        *actual,
                                      const double        *mean,
                                      const double        *lower,
                                      const double        *upper,
                                      guint                n,
                                      guint                n_levels,
                                      double               scale,
                                      AxForecastAccuracy  *out);

typedef struct {
  char               *name;         /* "ETS(M,Ad,M)", "Seasonal naive", ... */
  AxForecastMethod    method;
  AxForecastAccuracy  backtest;
} AxForecastCandidate;

typedef struct {
  AxForecastMethod    method;       /* the chosen one */
  char               *name;         /* "ETS(M,Ad,M)+Fourier(365.25,4)", "Drift", ... */
  AxFrequency         frequency;
  guint               horizon;
  guint               n_levels;
  double              levels[AX_FORECAST_MAX_LEVELS];
  guint               n_obs;        /* observed periods used */
  /* ETS only (else NAN / 0 / '\0'). */
  char                ets[5];       /* "MAdM" */
  double              alpha, beta, gamma, phi;
  double              loglik, aic, aicc, bic;
  double              sigma2;
  guint               period;       /* the season of ETS or snaive, 0: none */
  guint               n_extra_periods;   /* modelled as Fourier terms */
  guint               extra_periods[AX_SERIES_MAX_PERIODS];
  guint               extra_harmonics[AX_SERIES_MAX_PERIODS];
  /* The constraints applied to ranges and forecasts. */
  gboolean            nonnegative;
  gboolean            integer;
  /* The chosen model's rolling-origin backtest, and every candidate's. */
  guint               backtest_origins;
  AxForecastAccuracy  backtest;
  guint               n_candidates;
  AxForecastCandidate *candidates;
  double              seconds;
  char              **notes;        /* translated sentences, NULL-terminated */
  /* Calibrated ranges (with at least two backtest origins): the range at
   * levels[l] is the model's own range at range_levels[l] percent, the
   * level its backtest calls for; model_coverage[l] is the share of the
   * backtest its own range at levels[l] held.  backtest.coverage is then
   * that of the calibrated ranges, each origin's ranges calibrated on the
   * other origins alone.  Without calibration range_levels are levels and
   * model_coverage is backtest.coverage. */
  double              range_levels[AX_FORECAST_MAX_LEVELS];
  double              model_coverage[AX_FORECAST_MAX_LEVELS];
} AxForecastReport;

typedef struct _AxForecaster AxForecaster;

/* Fits @series.  Errors: AX_LEARN_ERROR_CONFIG for options that cannot
 * apply ("ets_model: “MMM” ...", "period: 12 needs at least 24 periods of
 * data, the series has 15"), AX_LEARN_ERROR_DATA for series too short to
 * forecast.  Uses monitor->n_threads cores; seeded by monitor->seed.
 * NULL with G_IO_ERROR_CANCELLED when cancelled. */
AxForecaster            *ax_forecast_fit        (const AxTimeSeries           *series,
                                                 const AxForecastOptions  *options,
                                                 const AxTrainMonitor     *monitor,
                                                 GCancellable             *cancellable,
                                                 GError                  **error);
void                     ax_forecast_free       (AxForecaster             *fc);
const AxForecastReport  *ax_forecast_get_report (const AxForecaster       *fc);
const AxTimeSeries          *ax_forecast_get_series (const AxForecaster       *fc);

typedef struct {
  guint    horizon;
  guint    n_levels;
  double   levels[AX_FORECAST_MAX_LEVELS];
  double  *time;        /* horizon period starts, days */
  double  *mean;        /* the point forecast */
  double  *sd;          /* standard deviation of each step's value */
  /* sd of the total of steps 1..h+1 (steps are correlated): cum_sd[h] */
  double  *cum_sd;
  double  *lower;       /* lower[l * horizon + h] at levels[l] */
  double  *upper;
} AxForecastPrediction;

/* Forecasts @horizon periods after the series' end (0: the fitted
 * horizon) at @levels (NULL: the options' levels).  A model with drivers
 * needs @future: rows with the time column and every driver column,
 * covering each forecast period (aggregated by mean as in fitting);
 * otherwise @future is ignored and may be NULL. */
AxForecastPrediction    *ax_forecast_predict    (const AxForecaster       *fc,
                                                 guint                     horizon,
                                                 const double             *levels,
                                                 guint                     n_levels,
                                                 const AxFrame            *future,
                                                 GError                  **error);
void                     ax_forecast_prediction_free (AxForecastPrediction *p);

/* A versioned blob ("AXFC", version 1) with the series and the fitted
 * model; loading gives identical predictions.  A newer version is
 * AX_LEARN_ERROR_BLOB. */
GBytes                  *ax_forecast_save       (const AxForecaster       *fc);
AxForecaster            *ax_forecast_load       (GBytes                   *blob,
                                                 GError                  **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AxForecaster, ax_forecast_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AxForecastPrediction, ax_forecast_prediction_free)

/* -------------------------------------------------------------- inventory */

typedef struct {
  guint    lead_time;        /* periods of the series' frequency, >= 1 */
  double   service_level;    /* cycle service level, 0.5 <= s < 1 (e.g. 0.95) */
  double   holding_cost;     /* per unit per year */
  double   ordering_cost;    /* per order */
  /* Annual demand for EOQ; <= 0 or NAN: the forecast's mean per period
   * times the periods in a year. */
  double   annual_demand;
} AxInventoryParams;

typedef struct {
  char    *item;             /* NULL for a single series */
  double   lead_time_mean;   /* mu_LT: forecast demand over the lead time */
  double   lead_time_sd;     /* sigma_LT */
  double   z;                /* standard normal quantile of the service level */
  double   safety_stock;     /* z * sigma_LT */
  double   reorder_point;    /* mu_LT + safety stock */
  double   annual_demand;    /* D */
  double   order_quantity;   /* EOQ = sqrt (2 D S / H) */
  double   orders_per_year;  /* D / EOQ */
  double   annual_cost;      /* S D/Q + H (Q/2 + safety stock) */
  char    *error;            /* ax_inventory_plan_items(): why this item has
                              * no plan (its numbers are then NAN), or NULL */
} AxInventoryPlan;

/* Checks @params: AX_LEARN_ERROR_CONFIG naming the field. */
gboolean         ax_inventory_params_check (const AxInventoryParams *params,
                                            GError                 **error);
/* The plan from lead-time demand @mu_lt and @sigma_lt and the mean demand
 * per period @mean_per_period at @freq (for D). */
AxInventoryPlan *ax_inventory_plan         (double                   mu_lt,
                                            double                   sigma_lt,
                                            double                   mean_per_period,
                                            AxFrequency              freq,
                                            const AxInventoryParams *params,
                                            GError                 **error);
/* The plan from a demand forecast: mu_LT and sigma_LT are the mean and
 * cum_sd of the first lead_time steps of @p (its horizon must cover the
 * lead time). */
AxInventoryPlan *ax_inventory_plan_from_prediction (const AxForecastPrediction *p,
                                                    AxFrequency                 freq,
                                                    const AxInventoryParams    *params,
                                                    GError                    **error);
/* Builds one series per item of @spec->item_column (or one series when it
 * is NULL; spec->drivers are not used), fits each with @options,
 * forecasts the lead time (and up to a year for D) and plans it.  Returns
 * AxInventoryPlan pointers (free func set), in item order; an item that
 * cannot be forecast has a plan with .error set.  Fails only on bad
 * configuration, when no item can be planned, or on cancellation.  Fits
 * items in parallel on monitor->n_threads cores. */
GPtrArray       *ax_inventory_plan_items   (const AxFrame            *frame,
                                            const AxSeriesSpec       *spec,
                                            const AxForecastOptions  *options,
                                            const AxInventoryParams  *params,
                                            const AxTrainMonitor     *monitor,
                                            GCancellable             *cancellable,
                                            GError                  **error);
void             ax_inventory_plan_free    (AxInventoryPlan          *plan);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AxInventoryPlan, ax_inventory_plan_free)

G_END_DECLS
