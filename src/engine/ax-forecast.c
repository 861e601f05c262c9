/* ax-forecast.c — fitting a series: seasons, candidates, rolling-origin
 * backtest, selection, and prediction
 *
 * The seasons: the configured period, or the strongest detected one, is
 * the primary season: seasonal naive uses it, and ETS carries it when it
 * is at most 24 periods (otherwise ETS carries the strongest detected
 * season that short, as the day in hourly data whose week is stronger).
 * Every other detected period, and a primary one longer than 24, is
 * modelled by Fourier terms next to ETS (see ax-forecast-models.c).
 *
 * The backtest: from K origins (default 3) at n - K h, ..., n - h, each
 * candidate is refitted on the periods before the origin and forecasts
 * the h after it.  ETS keeps the model form (and number of harmonics)
 * chosen by AICc on the whole series and re-estimates its parameters at
 * each origin from the whole-series estimates.  The errors of every
 * origin are pooled into MAE, RMSE, MAPE, sMAPE, MASE (scaled by the
 * in-sample seasonal naive MAE before the first origin) and the share of
 * actual values inside each range.  With method "auto" the candidate with
 * the lowest MASE is chosen; a candidate that cannot be fitted at some
 * origin is not chosen.  The backtests of the candidates and origins run
 * in parallel.
 *
 * The ranges' calibration (with at least two origins): a model's ranges
 * assume its own error law (Gaussian innovations of the estimated
 * variance), and real errors are often more peaked, which makes an 80%
 * range hold more than 80% while the 95% range is about right; nor do
 * the model's ranges know that the model was chosen among others.  So
 * each backtest value y is scored by the central level of the forecast
 * distribution F it needed, c = |2 F(y) - 1| (half a unit nearer the
 * median for whole-number ranges), taken from the candidate the *other*
 * origins choose, so that the scores carry the error of choosing as well.
 * With G the share of the n scores at most x out of n + 1 (the split
 * conformal count), the range at level L is the model's own range at
 * level x, the smallest with
 *
 *     (1 - w) x + w G(x) >= L,    w = K / (K + 1)
 *
 * for K origins: the backtest counts as K origins of evidence against one
 * origin's worth for the model's own levels, which keeps a short backtest
 * from swinging the ranges.  Every level gets its own x, the point
 * forecasts do not change, and the ranges still widen with the horizon
 * as the model's do.  The calibration uses the backtest alone, and the
 * backtest reports its coverage honestly: each origin's ranges are
 * calibrated on the other origins and checked on their own.
 */

#include "ax-config.h"
#include "ax-forecast-private.h"
#include "ax-stats.h"
#include "ax-types.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

/* The ranges' calibration: the backtest counts as this many origins'
 * worth of evidence less than it is against the model's own levels. */
#define CALIBRATION_PRIOR_ORIGINS 1.0
#define CALIBRATION_MAX_LEVEL     0.999999

static const char *const method_names[AX_N_FORECAST_METHODS] = {
  "auto", "ets", "naive", "snaive", "drift", "ml",
};

const char *
ax_forecast_method_to_string (AxForecastMethod method)
{
  g_return_val_if_fail (method < AX_N_FORECAST_METHODS, NULL);
  return method_names[method];
}

gboolean
ax_forecast_method_from_string (const char       *str,
                                AxForecastMethod *out)
{
  for (guint i = 0; str != NULL && i < AX_N_FORECAST_METHODS; i++)
    if (g_ascii_strcasecmp (str, method_names[i]) == 0)
      {
        *out = i;
        return TRUE;
      }
  return FALSE;
}

void
ax_forecast_options_init (AxForecastOptions *o)
{
  memset (o, 0, sizeof *o);
  o->method = AX_FORECAST_AUTO;
  o->n_levels = 2;
  o->levels[0] = 80;
  o->levels[1] = 95;
  o->nonnegative = -1;
  o->integer = -1;
  o->multi_seasonal = TRUE;
  o->backtest_origins = 3;
  o->n_paths = 1000;
}

void
ax_forecast_accuracy (const double       *actual,
                      const double       *mean,
                      const double       *lower,
                      const double       *upper,
                      guint               n,
                      guint               n_levels,
                      double              scale,
                      AxForecastAccuracy *out)
{
  double ae = 0, se = 0, pe = 0, spe = 0, inside[AX_FORECAST_MAX_LEVELS] = { 0 };
  guint k = 0, kp = 0;

  memset (out, 0, sizeof *out);
  for (guint i = 0; i < n; i++)
    {
      double a = actual[i], f = mean[i], e = a - f;
      if (!isfinite (a) || !isfinite (f))
        continue;
      ae += fabs (e);
      se += e * e;
      if (a != 0)
        pe += fabs (e / a), kp++;
      spe += fabs (a) + fabs (f) > 0 ? 2 * fabs (e) / (fabs (a) + fabs (f)) : 0;
      for (guint l = 0; l < n_levels && lower != NULL; l++)
        inside[l] += a >= lower[l * n + i] && a <= upper[l * n + i];
      k++;
    }
  out->n = k;
  out->mae = k > 0 ? ae / k : NAN;
  out->rmse = k > 0 ? sqrt (se / k) : NAN;
  out->mape = kp > 0 ? 100 * pe / kp : NAN;
  out->smape = k > 0 ? 100 * spe / k : NAN;
  out->mase = k > 0 && scale > 0 ? ae / k / scale : NAN;
  for (guint l = 0; l < AX_FORECAST_MAX_LEVELS; l++)
    out->coverage[l] = k > 0 && l < n_levels && lower != NULL ? 100 * inside[l] / k : NAN;
}

/* ------------------------------------------------------------- forecaster */

static void
report_clear (AxForecastReport *r)
{
  g_free (r->name);
  for (guint i = 0; i < r->n_candidates; i++)
    g_free (r->candidates[i].name);
  g_free (r->candidates);
  g_strfreev (r->notes);
}

void
ax_forecast_free (AxForecaster *fc)
{
  if (fc == NULL)
    return;
  ax_series_free (fc->series);
  g_free (fc->ets_model);
  g_free (fc->ml_algorithm);
  if (fc->ml_params != NULL)
    ax_params_free (fc->ml_params);
  ax_fc_model_free (fc->model);
  report_clear (&fc->report);
  g_free (fc->calib);
  g_free (fc);
}

const AxForecastReport *
ax_forecast_get_report (const AxForecaster *fc)
{
  return &fc->report;
}

const AxTimeSeries *
ax_forecast_get_series (const AxForecaster *fc)
{
  return fc->series;
}

void
ax_forecast_report_model (AxForecastReport *r,
              const AxFcModel  *model)
{
  const AxEtsFit *e = model->ets;

  g_free (r->name);
  r->name = ax_fc_model_name (model);
  r->method = model->method;
  r->alpha = r->beta = r->gamma = r->phi = NAN;
  r->loglik = r->aic = r->aicc = r->bic = r->sigma2 = NAN;
  r->ets[0] = '\0';
  r->n_extra_periods = model->n_fourier;
  for (guint i = 0; i < model->n_fourier; i++)
    {
      r->extra_periods[i] = (guint) round (model->fourier_period[i]);
      r->extra_harmonics[i] = model->fourier_k[i];
    }
  r->period = model->method == AX_FORECAST_SNAIVE && model->m > 1 ? model->m : 0;
  if (e == NULL)
    return;
  ax_ets_spec_code (&e->spec, r->ets);
  r->alpha = e->alpha, r->beta = e->beta, r->gamma = e->gamma, r->phi = e->phi;
  r->loglik = e->loglik, r->aic = e->aic, r->aicc = e->aicc, r->bic = e->bic;
  r->sigma2 = e->sigma2;
  r->period = e->spec.season != AX_ETS_NONE ? e->m : 0;
}

/* ------------------------------------------------------------- backtest */

typedef struct {
  const AxForecaster  *fc;
  const AxFcFitInput  *base;
  AxForecastMethod    *methods;
  AxFcModel          **full;         /* per candidate, fitted on everything */
  guint                n_cand;
  guint               *origins;
  guint                n_orig;
  guint                h;
  gboolean             nonnegative, integer;
  /* Results per candidate: K * h forecasts, ranges, and failures. */
  double             **mean, **lower, **upper;
  double             **pit;          /* K * h PIT values per candidate */
  gint                *failed;
  gint                 next;
  GCancellable        *cancellable;
} Backtest;

static gpointer
backtest_worker (gpointer data)
{
  Backtest *bt = data;
  const AxForecastOptions *o = &bt->fc->options;

  for (;;)
    {
      guint job = (guint) g_atomic_int_add (&bt->next, 1), c, k, T, h = bt->h, K = bt->n_orig;
      AxFcFitInput in;
      g_autoptr(AxFcModel) model = NULL;
      g_autoptr(AxFcDist) dist = NULL;
      g_autofree double *lo = NULL, *hi = NULL, *mu = NULL;

      if (job >= bt->n_cand * K || g_cancellable_is_cancelled (bt->cancellable))
        break;
      c = job / K;
      k = job % K;
      T = bt->origins[k];
      if (g_atomic_int_get (&bt->failed[c]))
        continue;
      in = *bt->base;
      in.n = T;
      in.n_threads = 1;
      if (bt->full[c] != NULL && bt->full[c]->ets != NULL)
        {
          in.ets_warm = bt->full[c]->ets;
          for (guint i = 0; i < bt->full[c]->n_fourier; i++)
            in.fourier_k[i] = bt->full[c]->fourier_k[i];
          in.n_fourier = bt->full[c]->n_fourier;
        }
      model = ax_fc_model_fit (bt->methods[c], &in, NULL);
      if (model == NULL)
        {
          g_atomic_int_set (&bt->failed[c], 1);
          continue;
        }
      dist = ax_fc_model_forecast (model, h, in.drivers != NULL ? in.drivers + T : NULL,
                                   in.stride, o->n_paths, bt->fc->seed + job);
      mu = g_new (double, h);
      lo = g_new (double, h * o->n_levels);
      hi = g_new (double, h * o->n_levels);
      ax_fc_dist_ranges (dist, o->levels, o->n_levels, bt->nonnegative, bt->integer,
                         mu, lo, hi);
      for (guint i = 0; i < h; i++)
        {
          bt->mean[c][k * h + i] = mu[i];
          bt->pit[c][k * h + i] = ax_fc_dist_pit (dist, i, bt->fc->series->y[T + i],
                                                  bt->integer);
          for (guint l = 0; l < o->n_levels; l++)
            {
              bt->lower[c][l * K * h + k * h + i] = lo[l * h + i];
              bt->upper[c][l * K * h + k * h + i] = hi[l * h + i];
            }
        }
    }
  return NULL;
}

/* In-sample MAE of the seasonal naive forecast on y[0..n). */
static double
mase_scale (const double *y,
            guint         n,
            guint         m)
{
  double sum = 0;
  guint k = 0;

  for (guint t = m; t < n; t++)
    if (isfinite (y[t]) && isfinite (y[t - m]))
      sum += fabs (y[t] - y[t - m]), k++;
  if (k == 0 && m > 1)
    return mase_scale (y, n, 1);
  return k > 0 ? sum / k : NAN;
}

static void
run_backtest (AxForecaster       *fc,
              const AxFcFitInput *base,
              AxForecastMethod   *methods,
              AxFcModel         **full,
              guint               n_cand,
              guint               h,
              guint               n_threads,
              GCancellable       *cancellable,
              AxForecastCandidate *out,
              double            **pit,
              double            **abserr)
{
  const AxForecastOptions *o = &fc->options;
  const AxTimeSeries *s = fc->series;
  guint K = 0, origins[64], min_train;
  g_autofree double *actual = NULL;
  Backtest bt = { 0 };
  double scale;

  min_train = MAX (2 * MAX (base->m, 1) + 2, 8);
  for (guint j = 0; j < MIN (o->backtest_origins, 64); j++)
    {
      guint back = h * (o->backtest_origins - j);
      if (s->n >= back + min_train)
        origins[K++] = s->n - back;
    }
  fc->report.backtest_origins = K;
  for (guint c = 0; c < n_cand; c++)
    {
      out[c].method = methods[c];
      out[c].name = full[c] != NULL ? ax_fc_model_name (full[c])
                                    : g_strdup (ax_forecast_method_to_string (methods[c]));
      ax_forecast_accuracy (NULL, NULL, NULL, NULL, 0, 0, 0, &out[c].backtest);
    }
  if (K == 0)
    return;

  bt.fc = fc;
  bt.base = base;
  bt.methods = methods;
  bt.full = full;
  bt.n_cand = n_cand;
  bt.origins = origins;
  bt.n_orig = K;
  bt.h = h;
  bt.nonnegative = fc->report.nonnegative;
  bt.integer = fc->report.integer;
  bt.cancellable = cancellable;
  bt.mean = g_new0 (double *, n_cand);
  bt.lower = g_new0 (double *, n_cand);
  bt.upper = g_new0 (double *, n_cand);
  bt.pit = pit;
  bt.failed = g_new0 (gint, n_cand);
  for (guint c = 0; c < n_cand; c++)
    {
      bt.pit[c] = g_new (double, K * h);
      for (guint i = 0; i < K * h; i++)
        bt.pit[c][i] = NAN;
      bt.mean[c] = g_new0 (double, K * h);
      bt.lower[c] = g_new0 (double, K * h * o->n_levels);
      bt.upper[c] = g_new0 (double, K * h * o->n_levels);
      bt.failed[c] = full[c] == NULL;
    }
  n_threads = MIN (MAX (n_threads, 1), n_cand * K);
  ax_run_on_threads (n_threads, "ax-backtest", backtest_worker, &bt);

  actual = g_new (double, K * h);
  for (guint k = 0; k < K; k++)
    for (guint i = 0; i < h; i++)
      actual[k * h + i] = s->y[origins[k] + i];
  scale = mase_scale (s->y, origins[0], MAX (base->m, 1));
  for (guint c = 0; c < n_cand; c++)
    {
      if (!bt.failed[c])
        {
          ax_forecast_accuracy (actual, bt.mean[c], bt.lower[c], bt.upper[c], K * h,
                                o->n_levels, scale, &out[c].backtest);
          abserr[c] = g_new (double, K * h);
          for (guint i = 0; i < K * h; i++)
            abserr[c][i] = fabs (actual[i] - bt.mean[c][i]);
        }
      else
        g_clear_pointer (&pit[c], g_free);
      g_free (bt.mean[c]);
      g_free (bt.lower[c]);
      g_free (bt.upper[c]);
    }
  g_free (bt.mean);
  g_free (bt.lower);
  g_free (bt.upper);
  g_free (bt.failed);
}

/* ----------------------------------------------------------- calibration */

/* The weight of a backtest of @origins origins against the model's own
 * levels. */
static double
calibration_weight (guint origins)
{
  return origins / (origins + CALIBRATION_PRIOR_ORIGINS);
}

/* The central level x (0..1) of the model's distribution whose ranges
 * should hold a share @level (0..1) of values: the smallest x with
 * (1 - w) x + w G(x) >= level, where G(x) is the number of the @n sorted
 * @scores at most x over n + 1.  When even x = 1 falls short, the backtest
 * cannot vouch for so high a level: the model's own level, or the largest
 * score when that is higher.  @n == 0 gives @level. */
static double
calibrate_level (const double *scores,
                 guint         n,
                 double        w,
                 double        level)
{
  if (n == 0 || !(w > 0))
    return level;
  /* On [scores[j-1], scores[j]) G is j / (n + 1). */
  for (guint j = 0; j <= n; j++)
    {
      double lo = j > 0 ? scores[j - 1] : 0, hi = j < n ? scores[j] : 1;
      double x = (level - w * j / (n + 1.0)) / (1 - w);
      if (x < lo)
        return MIN (lo, CALIBRATION_MAX_LEVEL);
      if (x < hi)
        return MIN (x, CALIBRATION_MAX_LEVEL);
    }
  return MIN (MAX (level, scores[n - 1]), CALIBRATION_MAX_LEVEL);
}

void
ax_forecast_calibrated_levels (const AxForecaster *fc,
                               const double       *levels,
                               guint               n_levels,
                               double             *out)
{
  double w = calibration_weight (fc->calib_origins);

  for (guint l = 0; l < n_levels; l++)
    out[l] = 100 * calibrate_level (fc->calib, fc->n_calib, w, levels[l] / 100);
}

/* The candidate with the lowest mean absolute error on the backtest
 * origins other than @skip (G_MAXUINT: none). */
static guint
best_without (const double * const *abserr,
              guint                 n_cand,
              guint                 K,
              guint                 h,
              guint                 skip)
{
  guint best = G_MAXUINT;
  double best_mae = INFINITY;

  for (guint c = 0; c < n_cand; c++)
    {
      double sum = 0;
      guint k = 0;
      if (abserr[c] == NULL)
        continue;
      for (guint j = 0; j < K * h; j++)
        if (j / h != skip && isfinite (abserr[c][j]))
          sum += abserr[c][j], k++;
      if (k > 0 && sum / k < best_mae)
        best = c, best_mae = sum / k;
    }
  return best;
}

/* Fits the ranges' calibration to the backtest (@pit and @abserr: per
 * candidate, K origins of h values; NULL for a candidate that failed) and
 * scores it.  Each origin contributes the PIT values of the candidate
 * that the other origins choose, so that the calibration sees the errors
 * of choosing a model as well as of the model; each origin's ranges are
 * then checked against a calibration from the other origins alone. */
static void
calibrate (AxForecaster        *fc,
           const double * const *pit,
           const double * const *abserr,
           guint                 n_cand)
{
  AxForecastReport *r = &fc->report;
  guint K = r->backtest_origins, h = r->horizon, n = 0;
  g_autofree double *score = NULL, *rest = NULL;
  g_autofree guint *origin = NULL;
  double inside[AX_FORECAST_MAX_LEVELS] = { 0 };

  for (guint l = 0; l < AX_FORECAST_MAX_LEVELS; l++)
    {
      r->model_coverage[l] = r->backtest.coverage[l];
      r->range_levels[l] = l < r->n_levels ? r->levels[l] : NAN;
    }
  if (K < 2)
    return;
  score = g_new (double, (gsize) K * h);
  origin = g_new (guint, (gsize) K * h);
  for (guint k = 0; k < K; k++)
    {
      guint c = best_without (abserr, n_cand, K, h, k);
      for (guint i = 0; c != G_MAXUINT && i < h; i++)
        if (isfinite (pit[c][k * h + i]))
          {
            score[n] = fabs (2 * pit[c][k * h + i] - 1);
            origin[n++] = k;
          }
    }
  if (n == 0)
    return;

  rest = g_new (double, n);
  for (guint k = 0; k < K; k++)
    {
      guint m = 0;
      for (guint j = 0; j < n; j++)
        if (origin[j] != k)
          rest[m++] = score[j];
      ax_sort_doubles (rest, m);
      for (guint l = 0; l < r->n_levels; l++)
        {
          double x = calibrate_level (rest, m, calibration_weight (K - 1), r->levels[l] / 100);
          for (guint j = 0; j < n; j++)
            inside[l] += origin[j] == k && score[j] <= x;
        }
    }
  for (guint l = 0; l < r->n_levels; l++)
    r->backtest.coverage[l] = 100 * inside[l] / n;

  ax_sort_doubles (score, n);
  fc->calib = g_steal_pointer (&score);
  fc->n_calib = n;
  fc->calib_origins = K;
  ax_forecast_calibrated_levels (fc, r->levels, r->n_levels, r->range_levels);
}

/* --------------------------------------------------------------- fitting */

static gboolean
check_options (const AxForecastOptions *o,
               const AxTimeSeries          *s,
               AxEtsSpec               *pattern,
               GError                 **error)
{
  if (o->method >= AX_N_FORECAST_METHODS)
    return g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                        _("method: unknown method; use auto, ets, naive, snaive, drift or ml")),
           FALSE;
  if (o->n_levels == 0 || o->n_levels > AX_FORECAST_MAX_LEVELS)
    return g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                        _("levels: give between 1 and %d levels"), AX_FORECAST_MAX_LEVELS),
           FALSE;
  for (guint l = 0; l < o->n_levels; l++)
    if (!(o->levels[l] > 0 && o->levels[l] < 100))
      return g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                          _("levels: %g is not a percentage between 0 and 100"), o->levels[l]),
             FALSE;
  if (o->period == 1)
    return g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                        _("period: a season is at least 2 periods long")),
           FALSE;
  if (o->period > 0 && s->n < 2 * o->period)
    return g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                        _("period: a season of %u periods needs at least %u periods of data; "
                          "the series has %u"), o->period, 2 * o->period, s->n),
           FALSE;
  if (s->n - s->n_missing < 3)
    return g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_DATA,
                        _("The series has %u periods with a value; at least 3 are needed"),
                        s->n - s->n_missing),
           FALSE;
  return ax_ets_spec_parse (o->ets_model, pattern, error);
}

AxForecaster *
ax_forecast_fit (const AxTimeSeries           *series,
                 const AxForecastOptions  *options,
                 const AxTrainMonitor     *monitor,
                 GCancellable             *cancellable,
                 GError                  **error)
{
  static const AxTrainMonitor no_monitor = { 0 };
  g_autoptr(AxForecaster) fc = g_new0 (AxForecaster, 1);
  g_autoptr(GTimer) timer = g_timer_new ();
  g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
  AxForecastOptions *o = &fc->options;
  AxForecastReport *r = &fc->report;
  AxFcFitInput in = { 0 };
  AxForecastMethod methods[AX_N_FORECAST_METHODS];
  AxFcModel *full[AX_N_FORECAST_METHODS] = { NULL };
  double *pit[AX_N_FORECAST_METHODS] = { NULL }, *abserr[AX_N_FORECAST_METHODS] = { NULL };
  guint n_cand = 0, m, ets_m, n_threads, best = 0;
  AxEtsSpec pattern;

  if (monitor == NULL)
    monitor = &no_monitor;
  if (options != NULL)
    *o = *options;
  else
    ax_forecast_options_init (o);
  if (!check_options (o, series, &pattern, error))
    return NULL;
  fc->series = ax_series_copy (series);
  fc->ets_model = g_strdup (o->ets_model);
  fc->ml_algorithm = g_strdup (o->ml_algorithm != NULL ? o->ml_algorithm : "gradient_boosting");
  o->ets_model = fc->ets_model;
  o->ml_algorithm = fc->ml_algorithm;
  o->ml_params = NULL;
  if (options != NULL && options->ml_params != NULL)
    {
      const AxAlgorithm *algo = ax_algorithm_find (fc->ml_algorithm);
      if (algo != NULL)
        fc->ml_params = ax_algorithm_check_params (algo, (AxParams *) options->ml_params, error);
      if (algo != NULL && fc->ml_params == NULL)
        return NULL;
      o->ml_params = fc->ml_params;
    }
  if (o->n_paths == 0)
    o->n_paths = 1000;
  if (o->backtest_origins == 0)
    o->backtest_origins = 3;
  fc->seed = monitor->seed;
  n_threads = monitor->n_threads > 0 ? monitor->n_threads : g_get_num_processors ();

  /* Seasons. */
  m = o->period > 0 ? o->period : (series->n_periods > 0 ? series->periods[0] : 1);
  ets_m = m <= AX_ETS_MAX_SEASON ? m : 1;
  /* Without a set period, ETS carries the strongest season it can. */
  for (guint i = 0; o->period == 0 && ets_m == 1 && o->multi_seasonal && i < series->n_periods; i++)
    if (series->periods[i] <= AX_ETS_MAX_SEASON)
      ets_m = series->periods[i];
  in.m = m;
  in.ets_m = ets_m;
  if (m > AX_ETS_MAX_SEASON)
    in.fourier_period[in.n_fourier++] = ax_period_exact (series->frequency, m);
  for (guint i = 0; o->multi_seasonal && i < series->n_periods; i++)
    if (series->periods[i] != m && series->periods[i] != ets_m &&
        in.n_fourier < AX_SERIES_MAX_PERIODS)
      in.fourier_period[in.n_fourier++] = ax_period_exact (series->frequency, series->periods[i]);
  if (o->method == AX_FORECAST_SNAIVE && m < 2)
    return g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                        _("method: the seasonal naive method needs a season; none was found "
                          "in the data, so set period")), NULL;
  if (pattern.season != AX_ETS_NONE && pattern.season != AX_ETS_ANY && ets_m < 2)
    return g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                        _("ets_model: “%s” has a season, but the series has no season of 2 to "
                          "%d periods; set period or choose a model without season"),
                        o->ets_model, AX_ETS_MAX_SEASON), NULL;
  if ((o->method == AX_FORECAST_ML || (o->method == AX_FORECAST_AUTO && series->n_drivers > 0)))
    {
      const AxAlgorithm *algo = ax_algorithm_find (fc->ml_algorithm);
      if (algo == NULL || !algo->regression)
        return g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                            _("ml_algorithm: “%s” is not a regression algorithm"),
                            fc->ml_algorithm), NULL;
    }
  if (m < 2)
    g_ptr_array_add (notes, g_strdup (_("No seasonal pattern was found in the series.")));
  else if (m > AX_ETS_MAX_SEASON)
    g_ptr_array_add (notes, g_strdup_printf (_("The season of %u periods is modelled by Fourier "
                                               "terms (exponential smoothing carries seasons of "
                                               "at most %d periods)."), m, AX_ETS_MAX_SEASON));

  /* Constraints and horizon. */
  r->nonnegative = o->nonnegative < 0 ? series->nonnegative : o->nonnegative != 0;
  r->integer = o->integer < 0 ? series->integer : o->integer != 0;
  r->horizon = o->horizon > 0 ? o->horizon : (m > 1 ? m : 10);
  o->horizon = r->horizon;
  r->frequency = series->frequency;
  r->n_levels = o->n_levels;
  memcpy (r->levels, o->levels, sizeof r->levels);
  r->n_obs = series->n - series->n_missing;

  in.y = fc->series->y;
  in.time = fc->series->time;
  in.n = series->n;
  in.frequency = series->frequency;
  in.drivers = fc->series->drivers;
  in.n_drivers = series->n_drivers;
  in.stride = series->n;
  in.ets_pattern = pattern;
  in.ml_algorithm = fc->ml_algorithm;
  in.ml_params = fc->ml_params;
  in.horizon = r->horizon;
  in.n_threads = n_threads;
  in.seed = fc->seed;
  in.cancellable = cancellable;

  /* Candidates, each fitted on the whole series. */
  if (o->method != AX_FORECAST_AUTO)
    methods[n_cand++] = o->method;
  else
    {
      methods[n_cand++] = AX_FORECAST_ETS;
      if (m > 1)
        methods[n_cand++] = AX_FORECAST_SNAIVE;
      methods[n_cand++] = AX_FORECAST_NAIVE;
      methods[n_cand++] = AX_FORECAST_DRIFT;
      if (series->n_drivers > 0)
        methods[n_cand++] = AX_FORECAST_ML;
    }
  for (guint c = 0; c < n_cand; c++)
    {
      g_autoptr(GError) local = NULL;
      ax_progress_report (monitor->progress, monitor->progress_data, 0.5 * c / n_cand,
                          _("Fitting the forecasting models"));
      full[c] = ax_fc_model_fit (methods[c], &in, &local);
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        goto failed;
      if (full[c] == NULL && (o->method != AX_FORECAST_AUTO ||
                              local->domain != AX_LEARN_ERROR || local->code != AX_LEARN_ERROR_DATA))
        {
          g_propagate_error (error, g_steal_pointer (&local));
          goto failed;
        }
      if (full[c] == NULL)
        g_ptr_array_add (notes, g_strdup_printf (_("The %s method was left out: %s"),
                                                 ax_forecast_method_to_string (methods[c]),
                                                 local->message));
    }

  ax_progress_report (monitor->progress, monitor->progress_data, 0.5,
                      _("Backtesting the forecasting models"));
  r->n_candidates = n_cand;
  r->candidates = g_new0 (AxForecastCandidate, n_cand);
  run_backtest (fc, &in, methods, full, n_cand, r->horizon, n_threads, cancellable,
                r->candidates, pit, abserr);
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    goto failed;

  /* The best backtest, among the candidates that always fitted. */
  best = G_MAXUINT;
  for (guint c = 0; c < n_cand; c++)
    {
      double v = r->candidates[c].backtest.mase;
      if (full[c] == NULL)
        continue;
      if (best == G_MAXUINT)
        best = c;
      else if (isfinite (v) && (!isfinite (r->candidates[best].backtest.mase) ||
                                v < r->candidates[best].backtest.mase))
        best = c;
    }
  if (best == G_MAXUINT)
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_DATA,
                   _("No forecasting method could be fitted to the series"));
      goto failed;
    }
  if (r->backtest_origins == 0)
    g_ptr_array_add (notes, g_strdup (_("The series is too short to backtest over the "
                                        "horizon; the model was chosen without one.")));
  fc->model = g_steal_pointer (&full[best]);
  ax_forecast_report_model (r, fc->model);
  r->backtest = r->candidates[best].backtest;
  calibrate (fc, (const double * const *) pit, (const double * const *) abserr, n_cand);
  for (guint c = 0; c < n_cand; c++)
    {
      ax_fc_model_free (full[c]);
      g_free (pit[c]);
      g_free (abserr[c]);
    }
  g_ptr_array_add (notes, NULL);
  r->notes = (char **) g_ptr_array_free (g_steal_pointer (&notes), FALSE);
  r->seconds = g_timer_elapsed (timer, NULL);
  ax_progress_report (monitor->progress, monitor->progress_data, 1, NULL);
  return g_steal_pointer (&fc);

failed:
  for (guint c = 0; c < n_cand; c++)
    {
      ax_fc_model_free (full[c]);
      g_free (pit[c]);
      g_free (abserr[c]);
    }
  return NULL;
}

/* ------------------------------------------------------------ prediction */

void
ax_forecast_prediction_free (AxForecastPrediction *p)
{
  if (p == NULL)
    return;
  g_free (p->time);
  g_free (p->mean);
  g_free (p->sd);
  g_free (p->cum_sd);
  g_free (p->lower);
  g_free (p->upper);
  g_free (p);
}

/* The drivers of the @h periods after the series, from @future. */
static double *
future_drivers (const AxTimeSeries *s,
                const AxFrame  *future,
                guint           h,
                GError        **error)
{
  g_autofree double *out = g_new0 (double, (gsize) s->n_drivers * h);
  g_autofree double *cnt = g_new0 (double, (gsize) s->n_drivers * h);
  int tcol = -1;

  if (future == NULL)
    return g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                        _("future: the model uses drivers, so their values in the forecast "
                          "periods must be given")), NULL;
  if (s->time_column != NULL)
    tcol = ax_frame_find_column (future, s->time_column);
  for (guint c = 0; tcol < 0 && c < future->n_columns; c++)
    if (future->columns[c].type == AX_COLUMN_DATE || future->columns[c].type == AX_COLUMN_DATETIME)
      tcol = c;
  if (tcol < 0)
    return g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                        _("future: no time column “%s”"),
                        s->time_column != NULL ? s->time_column : ""), NULL;
  for (guint d = 0; d < s->n_drivers; d++)
    {
      int col = ax_frame_find_column (future, s->driver_names[d]);
      const AxColumn *dc, *tc = &future->columns[tcol];
      if (col < 0 || !ax_column_type_is_numeric (future->columns[col].type))
        return g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                            _("future: no numeric column “%s”"), s->driver_names[d]), NULL;
      dc = &future->columns[col];
      for (guint r = 0; r < future->n_rows; r++)
        {
          double t, v;
          gint64 i;
          if (tc->missing[r] || dc->missing[r])
            continue;
          t = tc->type == AX_COLUMN_DATETIME ? tc->ints[r] / 86400.0 :
              tc->type == AX_COLUMN_REAL ? tc->reals[r] : (double) tc->ints[r];
          i = ax_series_locate (s, t) - (gint64) s->n;
          v = dc->type == AX_COLUMN_REAL ? dc->reals[r] : (double) dc->ints[r];
          if (i >= 0 && i < (gint64) h)
            out[(gsize) d * h + i] += v, cnt[(gsize) d * h + i] += 1;
        }
      for (guint i = 0; i < h; i++)
        {
          if (cnt[(gsize) d * h + i] == 0)
            {
              char buf[32];
              double t = s->frequency == AX_FREQUENCY_WEEKLY
                         ? s->time[s->n - 1] + 7.0 * (i + 1)
                         : ax_frequency_advance (s->frequency, s->time[s->n - 1], (int) i + 1);
              if (s->datetime)
                ax_format_datetime ((gint64) llround (t * 86400), buf, sizeof buf);
              else
                ax_format_date ((gint64) floor (t), buf, sizeof buf);
              return g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_DATA,
                                  _("future: no value of “%s” for the period starting %s"),
                                  s->driver_names[d], buf), NULL;
            }
          out[(gsize) d * h + i] /= cnt[(gsize) d * h + i];
        }
    }
  return g_steal_pointer (&out);
}

AxForecastPrediction *
ax_forecast_predict (const AxForecaster *fc,
                     guint               horizon,
                     const double       *levels,
                     guint               n_levels,
                     const AxFrame      *future,
                     GError            **error)
{
  const AxTimeSeries *s = fc->series;
  const AxForecastReport *r = &fc->report;
  guint h = horizon > 0 ? horizon : r->horizon;
  g_autoptr(AxForecastPrediction) p = g_new0 (AxForecastPrediction, 1);
  g_autoptr(AxFcDist) dist = NULL;
  g_autofree double *drivers = NULL;
  double calibrated[AX_FORECAST_MAX_LEVELS];

  if (levels == NULL)
    levels = r->levels, n_levels = r->n_levels;
  if (n_levels == 0 || n_levels > AX_FORECAST_MAX_LEVELS)
    return g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                        _("levels: give between 1 and %d levels"), AX_FORECAST_MAX_LEVELS), NULL;
  for (guint l = 0; l < n_levels; l++)
    if (!(levels[l] > 0 && levels[l] < 100))
      return g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                          _("levels: %g is not a percentage between 0 and 100"), levels[l]), NULL;
  if (fc->model->method == AX_FORECAST_ML && s->n_drivers > 0)
    {
      drivers = future_drivers (s, future, h, error);
      if (drivers == NULL)
        return NULL;
    }
  dist = ax_fc_model_forecast (fc->model, h, drivers, h, fc->options.n_paths, fc->seed);

  p->horizon = h;
  p->n_levels = n_levels;
  memcpy (p->levels, levels, sizeof (double) * n_levels);
  p->time = g_new (double, h);
  p->mean = g_new (double, h);
  p->sd = g_memdup2 (dist->sd, sizeof (double) * h);
  p->cum_sd = g_memdup2 (dist->cum_sd, sizeof (double) * h);
  p->lower = g_new (double, h * n_levels);
  p->upper = g_new (double, h * n_levels);
  for (guint i = 0; i < h; i++)
    p->time[i] = s->frequency == AX_FREQUENCY_WEEKLY
                 ? s->time[s->n - 1] + 7.0 * (i + 1)
                 : ax_frequency_advance (s->frequency, s->time[s->n - 1], (int) i + 1);
  ax_forecast_calibrated_levels (fc, levels, n_levels, calibrated);
  ax_fc_dist_ranges (dist, calibrated, n_levels, r->nonnegative, r->integer,
                     p->mean, p->lower, p->upper);
  return g_steal_pointer (&p);
}
