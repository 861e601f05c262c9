/* ax-forecast-private.h — what the forecasting files share
 *
 * ax-frequency.c   frequencies and their calendar
 * ax-series.c      series from frames, aggregation, gaps, period detection
 * ax-nelder-mead.c the minimiser
 * ax-ets.c         ETS models: recursion, likelihood, estimation
 * ax-ets-family.c  ETS model names, selection by AICc
 * ax-ets-predict.c ETS point forecasts, analytical variances, simulation
 * ax-forecast-models.c  every method behind one interface, Fourier terms,
 *                  baselines, ranges and constraints
 * ax-forecast-ml.c the registry algorithms on lag/rolling/calendar features
 * ax-forecast.c    options, backtest, selection, prediction, report
 * ax-forecast-io.c the saved blob
 * ax-inventory.c   safety stock, reorder point, EOQ
 */
#pragma once

#include "ax-forecast.h"

G_BEGIN_DECLS

/* ------------------------------------------------------------------ ETS */

typedef enum {
  AX_ETS_NONE,
  AX_ETS_ADD,
  AX_ETS_MULT,
  AX_ETS_ANY,        /* 'Z' in a pattern */
} AxEtsKind;

#define AX_ETS_MAX_SEASON 24

typedef struct {
  AxEtsKind  error;   /* ADD or MULT */
  AxEtsKind  trend;   /* NONE or ADD */
  int        damped;  /* FALSE, TRUE, or -1 (any) in a pattern */
  AxEtsKind  season;  /* NONE, ADD or MULT */
} AxEtsSpec;

/* Parses "ANN", "AAdM", "ZZZ", "MZZ", "AZdN"...: CONFIG error naming
 * ets_model for anything else (and for a multiplicative trend). */
gboolean  ax_ets_spec_parse (const char *str, AxEtsSpec *out, GError **error);
/* "AAdM" into @buf (at least 5 bytes) and "ETS(A,Ad,M)" as a new string. */
void      ax_ets_spec_code  (const AxEtsSpec *spec, char *buf);
char     *ax_ets_spec_name  (const AxEtsSpec *spec);

/* A fitted ETS model.  Seasonal states are stored by position: s[p] is
 * the seasonal state used and updated at every time t with t mod m == p
 * (t counted from the first observation). */
typedef struct {
  AxEtsSpec  spec;
  guint      m;                  /* season length, 1 without season */
  double     alpha, beta, gamma, phi;
  double     l0, b0;
  double    *s0;                 /* m initial seasonal states */
  /* After the data (n observations): the state forecasts start from. */
  guint      n;
  double     l, b;
  double    *s;
  double     sigma2;             /* variance of the innovations */
  double     loglik, aic, aicc, bic;
  guint      n_obs, n_par;
} AxEtsFit;

/* The smoothing parameters as the recursion uses them. */
typedef struct {
  gboolean   trend;
  AxEtsKind  season;
  double     alpha, beta, gamma, phi;
} AxEtsCoef;

/* One step of the recursion (Hyndman et al. 2008, in the error-correction
 * form of R's forecast::ets): returns the one-step forecast from the
 * states, then updates level @l, trend @b and this period's seasonal
 * state @s with the observation @y (NAN: unobserved, the states move as
 * forecast).  The update is the same for additive and multiplicative
 * errors; only the likelihood differs. */
static inline double
ax_ets_step (const AxEtsCoef *c,
             double          *l,
             double          *b,
             double          *s,
             double           y)
{
  double phib = c->trend ? c->phi * *b : 0;
  double q = *l + phib, so = *s, yhat, p, lnew;

  yhat = c->season == AX_ETS_MULT ? q * so : c->season == AX_ETS_ADD ? q + so : q;
  if (y != y)
    y = yhat;
  p = c->season == AX_ETS_MULT ? y / so : c->season == AX_ETS_ADD ? y - so : y;
  lnew = q + c->alpha * (p - q);
  if (c->trend)
    *b = phib + c->beta / c->alpha * (lnew - *l - phib);
  if (c->season == AX_ETS_MULT)
    *s = so + c->gamma * (y / q - so);
  else if (c->season == AX_ETS_ADD)
    *s = so + c->gamma * (y - q - so);
  *l = lnew;
  return yhat;
}

void      ax_ets_coef      (const AxEtsFit *fit, AxEtsCoef *out);
void      ax_ets_fit_free (AxEtsFit *fit);
AxEtsFit *ax_ets_fit_copy (const AxEtsFit *fit);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AxEtsFit, ax_ets_fit_free)

/* Fits one fully specified model to @y (NAN: missing) by maximum
 * likelihood, starting from @warm (nullable: heuristic initial values).
 * NULL when the model does not apply to the data (multiplicative
 * components on non-positive values, too few observations). */
AxEtsFit *ax_ets_fit       (const double    *y,
                            guint            n,
                            const AxEtsSpec *spec,
                            guint            m,
                            const AxEtsFit  *warm);
/* Every model matching @pattern, the best by AICc; fits models on
 * @n_threads threads.  NULL with an error when none applies or on
 * cancellation. */
AxEtsFit *ax_ets_select    (const double    *y,
                            guint            n,
                            const AxEtsSpec *pattern,
                            guint            m,
                            guint            n_threads,
                            GCancellable    *cancellable,
                            GError         **error);
/* Sets the states after the data (l, b, s, n) and the likelihood from
 * the parameters and initial states: what loading a saved model does. */
void      ax_ets_refilter  (AxEtsFit *fit, const double *y, guint n);

/* Point forecasts for steps 1..h. */
void      ax_ets_forecast  (const AxEtsFit *fit, guint h, double *mean);
/* Additive-error linear models (no multiplicative part): the exact
 * standard deviation of each step and of the running totals.  FALSE for
 * the others. */
gboolean  ax_ets_gaussian  (const AxEtsFit *fit, guint h, double *sd, double *cum_sd);
/* @n_paths sample paths of h steps into paths[p * h + i]. */
void      ax_ets_simulate  (const AxEtsFit *fit, guint h, guint n_paths,
                            guint64 seed, double *paths);

/* Solves a x = b for a symmetric positive definite k x k @a (its upper
 * triangle, row-major; destroyed) by Cholesky with a tiny ridge; @x holds
 * b on entry.  FALSE when @a is not positive definite. */
gboolean  ax_solve_spd     (double *a, double *x, guint k);

/* Minimises @f over R^@dim from @x (overwritten with the best point) by
 * Nelder–Mead; @step is the initial simplex size per coordinate.  Stops
 * when the values in the simplex agree to @reltol or after @max_evals.
 * Returns the best value. */
double    ax_nelder_mead   (double (*f) (const double *x, gpointer data),
                            gpointer data, double *x, const double *step,
                            guint dim, double reltol, guint max_evals);

/* --------------------------------------------------------------- models */

/* What a method forecasts: a mean per step and either Gaussian spreads
 * or sample paths. */
typedef struct {
  guint    h;
  double  *mean;
  double  *sd;
  double  *cum_sd;
  guint    n_paths;
  double  *paths;           /* NULL, or n_paths * h */
} AxFcDist;

void      ax_fc_dist_free (AxFcDist *d);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AxFcDist, ax_fc_dist_free)

typedef struct _AxFcMl AxFcMl;

/* Everything a method needs to fit one stretch of a series. */
typedef struct {
  const double      *y;              /* n values, NAN where missing */
  const double      *time;           /* n period starts */
  guint              n;
  AxFrequency        frequency;
  const double      *drivers;        /* n_drivers * stride, nullable */
  guint              n_drivers;
  guint              stride;         /* row stride of drivers (series length) */
  guint              m;              /* primary season, 1 for none */
  guint              ets_m;          /* season inside ETS, 1 for none */
  guint              n_fourier;      /* secondary seasons as Fourier terms */
  double             fourier_period[AX_SERIES_MAX_PERIODS];
  guint              fourier_k[AX_SERIES_MAX_PERIODS];   /* 0: choose by AICc */
  AxEtsSpec          ets_pattern;
  const AxEtsFit    *ets_warm;       /* nullable */
  const char        *ml_algorithm;
  const AxParams    *ml_params;
  guint              horizon;
  guint              n_threads;
  guint64            seed;
  GCancellable      *cancellable;
} AxFcFitInput;

typedef struct {
  AxForecastMethod  method;
  guint             n;               /* training length */
  guint             m;
  double           *y;               /* the training values (owned) */
  double            t_end;           /* time of the last period */
  AxFrequency       frequency;
  double            sigma;           /* baselines: residual sd */
  double            slope;           /* drift */
  guint             n_fourier;
  double            fourier_period[AX_SERIES_MAX_PERIODS];
  guint             fourier_k[AX_SERIES_MAX_PERIODS];
  double           *fourier_coef;    /* 2 * sum(k) */
  AxEtsFit         *ets;
  guint             ets_offset;      /* the ETS stretch starts here */
  AxFcMl           *ml;
} AxFcModel;

void       ax_fc_model_free     (AxFcModel *model);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AxFcModel, ax_fc_model_free)

AxFcModel *ax_fc_model_fit      (AxForecastMethod     method,
                                 const AxFcFitInput  *in,
                                 GError             **error);
/* Forecasts h steps; driver d of step i is future_drivers[d * stride + i]
 * (ml only). */
AxFcDist  *ax_fc_model_forecast (const AxFcModel *model,
                                 guint            h,
                                 const double    *future_drivers,
                                 gsize            stride,
                                 guint            n_paths,
                                 guint64          seed);
char      *ax_fc_model_name     (const AxFcModel *model);

/* The Fourier regressors of one period: 2k values cos, sin for each
 * harmonic at time index @t. */
void       ax_fc_fourier_row    (double t, double period, guint k, double *out);
/* Fourier part of the model at time index @t (0 = first training period). */
double     ax_fc_fourier_value  (const AxFcModel *model, double t);

/* Quantiles of @d at @levels with the constraints applied: mean, lower
 * and upper (n_levels * h) into the caller's arrays. */
void       ax_fc_dist_ranges    (const AxFcDist *d,
                                 const double   *levels,
                                 guint           n_levels,
                                 gboolean        nonnegative,
                                 gboolean        integer,
                                 double         *mean,
                                 double         *lower,
                                 double         *upper);

/* Where @y falls in step @i's distribution: its CDF there (the PIT
 * value), in [0, 1]; NAN for a NAN @y.  With @integer, for ranges whose
 * bounds are rounded: the CDF at y - 0.5 above the median, at y + 0.5
 * below it, 0.5 in between, so that y is in the rounded central range at
 * level x exactly when |2 u - 1| <= x. */
double     ax_fc_dist_pit       (const AxFcDist *d,
                                 guint           i,
                                 double          y,
                                 gboolean        integer);

double     ax_normal_quantile   (double p);
double     ax_normal_cdf        (double x);

/* ------------------------------------------------------------------- ml */

AxFcMl    *ax_fc_ml_fit         (const AxFcFitInput *in, GError **error);
AxFcDist  *ax_fc_ml_forecast    (const AxFcMl *ml, const double *y, guint n,
                                 const double *future_drivers, gsize stride, guint h);
void       ax_fc_ml_free        (AxFcMl *ml);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AxFcMl, ax_fc_ml_free)
GVariant  *ax_fc_ml_to_variant  (const AxFcMl *ml);
AxFcMl    *ax_fc_ml_from_variant (GVariant *v, GError **error);

/* --------------------------------------------------------------- series */

/* Typical days per period of each frequency (a month is 365.2425 / 12). */
extern const double ax_frequency_days[AX_N_FREQUENCIES];
/* Months per period: 1, 3, 12 for monthly, quarterly, yearly; else 0. */
int        ax_frequency_months   (AxFrequency freq);
/* Time index 0, 1, 2... of @freq periods from @t0: the real-valued
 * number of periods between them (calendar months for monthly). */
double     ax_frequency_periods_between (AxFrequency freq, double t0, double t1);
/* The index on @series' grid of the period containing @time_days (>= n
 * after the end). */
gint64     ax_series_locate      (const AxTimeSeries *series, double time_days);
/* Calendar features of a period start: up to 4 values (see the ml file). */
guint      ax_frequency_calendar (AxFrequency freq, double time_days, double *out);
/* The real length of a detected period for Fourier terms (365 days →
 * 365.25, 52 weeks → 52.18). */
double     ax_period_exact       (AxFrequency freq, guint period);

/* The levels (percent) of the model's own distribution that give the
 * calibrated ranges at @levels (see ax-forecast.c). */
void       ax_forecast_calibrated_levels (const AxForecaster *fc,
                                          const double       *levels,
                                          guint               n_levels,
                                          double             *out);

/* Fills the report's model fields (name, ETS parameters, seasons). */
void       ax_forecast_report_model (AxForecastReport *report, const AxFcModel *model);

struct _AxForecaster {
  AxTimeSeries          *series;
  AxForecastOptions  options;        /* strings owned below */
  char              *ets_model;
  char              *ml_algorithm;
  AxParams          *ml_params;
  guint64            seed;
  AxFcModel         *model;          /* fitted on the whole series */
  AxForecastReport   report;
  /* The ranges' calibration (ax-forecast.c): the sorted scores |2u - 1|
   * of the model's backtest PIT values u, from calib_origins origins. */
  guint              n_calib;
  double            *calib;
  guint              calib_origins;
};

G_END_DECLS
