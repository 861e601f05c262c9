/* ax-forecast-models.c — every forecasting method behind one interface
 *
 * A method fits one stretch of a series (the whole series, or its start
 * for a backtest origin) and forecasts a distribution: a mean per step and
 * either Gaussian spreads or sample paths.  Ranges are the distribution's
 * quantiles, and the business constraints act on those quantiles:
 *
 *   non-negative  every quantile q becomes max(q, 0): the quantiles of
 *                 max(Y, 0), so a range keeps exactly its coverage; the
 *                 point forecast becomes E[max(Y, 0)];
 *   whole numbers every quantile is rounded: round() is monotone, so these
 *                 are the quantiles of round(Y) and coverage is kept (or
 *                 exceeded); the point forecast is rounded.
 *
 * Baselines (Hyndman & Athanasopoulos, "Forecasting: Principles and
 * Practice", 5.5): naive (the last value, sd sigma sqrt(h)), seasonal
 * naive (the value one season back, sigma sqrt(floor((h-1)/m) + 1)),
 * drift (the line through the first and last values, sigma
 * sqrt(h (1 + h/T))), sigma from the in-sample residuals.
 *
 * Long series: ETS is estimated on the last 1,500 periods (see
 * ETS_MAX_OBS); the Fourier terms and the baselines use every period.
 *
 * Several seasonalities: ETS carries one season (at most 24 periods, as in
 * ets()); every other detected period P is a set of Fourier terms
 * cos/sin(2 pi k t / P), k = 1..K, fitted by least squares together with
 * an intercept and a linear trend, K chosen per period by AICc (at most
 * 10).  ETS then models the series minus the Fourier part, and the
 * forecast adds the Fourier part back (a regression with ETS errors,
 * estimated in two stages; the regression coefficients are treated as
 * known in the ranges).
 */

#include "ax-config.h"
#include "ax-forecast-private.h"
#include "ax-stats.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_HARMONICS 10

/* ETS is estimated on at most the last ETS_MAX_OBS periods (about four
 * years of days): older periods barely move the estimates of a model
 * that forgets, and every likelihood evaluation runs through them all.
 * Fourier terms are fitted on the whole series. */
#define ETS_MAX_OBS   1500

void
ax_fc_dist_free (AxFcDist *d)
{
  if (d == NULL)
    return;
  g_free (d->mean);
  g_free (d->sd);
  g_free (d->cum_sd);
  g_free (d->paths);
  g_free (d);
}

static AxFcDist *
dist_new (guint h)
{
  AxFcDist *d = g_new0 (AxFcDist, 1);
  d->h = h;
  d->mean = g_new0 (double, MAX (h, 1));
  d->sd = g_new0 (double, MAX (h, 1));
  d->cum_sd = g_new0 (double, MAX (h, 1));
  return d;
}

void
ax_fc_model_free (AxFcModel *model)
{
  if (model == NULL)
    return;
  g_free (model->y);
  g_free (model->fourier_coef);
  ax_ets_fit_free (model->ets);
  ax_fc_ml_free (model->ml);
  g_free (model);
}

/* ------------------------------------------------------------ normal law */

double
ax_normal_cdf (double x)
{
  return 0.5 * erfc (-x / G_SQRT2);
}

/* Wichura's AS 241 (PPND16), accurate to about 1e-16. */
double
ax_normal_quantile (double p)
{
  double q = p - 0.5, r, v;

  if (p <= 0)
    return -INFINITY;
  if (p >= 1)
    return INFINITY;
  if (fabs (q) <= 0.425)
    {
      r = 0.180625 - q * q;
      return q * (((((((r * 2509.0809287301226727 + 33430.575583588128105) * r +
                      67265.770927008700853) * r + 45921.953931549871457) * r +
                    13731.693765509461125) * r + 1971.5909503065514427) * r +
                  133.14166789178437745) * r + 3.387132872796366608) /
             (((((((r * 5226.495278852545925 + 28729.085735721942674) * r +
                   39307.89580009271061) * r + 21213.794301586595867) * r +
                 5394.1960214247511077) * r + 687.1870074920579083) * r +
               42.313330701600911252) * r + 1);
    }
  r = sqrt (-log (q < 0 ? p : 1 - p));
  if (r <= 5)
    {
      r -= 1.6;
      v = (((((((r * 7.7454501427834140764e-4 + 0.0227238449892691845833) * r +
                0.24178072517745061177) * r + 1.27045825245236838258) * r +
              3.64784832476320460504) * r + 5.7694972214606914055) * r +
            4.6303378461565452959) * r + 1.42343711074968357734) /
          (((((((r * 1.05075007164441684324e-9 + 5.475938084995344946e-4) * r +
                0.0151986665636164571966) * r + 0.14810397642748007459) * r +
              0.68976733498510000455) * r + 1.6763848301838038494) * r +
            2.05319162663775882187) * r + 1);
    }
  else
    {
      r -= 5;
      v = (((((((r * 2.01033439929228813265e-7 + 2.71155556874348757815e-5) * r +
                0.0012426609473880784386) * r + 0.026532189526576123093) * r +
              0.29656057182850489123) * r + 1.7848265399172913358) * r +
            5.4637849111641143699) * r + 6.6579046435011037772) /
          (((((((r * 2.04426310338993978564e-15 + 1.4215117583164458887e-7) * r +
                1.8463183175100546818e-5) * r + 7.868691311456132591e-4) * r +
              0.0148753612908506148525) * r + 0.13692988092273580531) * r +
            0.59983220655588793769) * r + 1);
    }
  return q < 0 ? -v : v;
}

/* --------------------------------------------------------------- Fourier */

void
ax_fc_fourier_row (double  t,
                   double  period,
                   guint   k,
                   double *out)
{
  for (guint j = 0; j < k; j++)
    {
      double a = 2 * G_PI * (j + 1) * t / period;
      out[2 * j] = cos (a);
      out[2 * j + 1] = sin (a);
    }
}

double
ax_fc_fourier_value (const AxFcModel *model,
                     double           t)
{
  double v = 0, row[2 * MAX_HARMONICS];
  guint c = 0;

  for (guint p = 0; p < model->n_fourier; p++)
    {
      ax_fc_fourier_row (t, model->fourier_period[p], model->fourier_k[p], row);
      for (guint j = 0; j < 2 * model->fourier_k[p]; j++)
        v += model->fourier_coef[c++] * row[j];
    }
  return v;
}

/* Least squares of y on 1, t and the Fourier terms of @k harmonics for
 * each period; returns the AICc, the Fourier coefficients into @coef. */
static double
fourier_regression (const double *y,
                    guint         n,
                    guint         n_periods,
                    const double *periods,
                    const guint  *k,
                    double       *coef)
{
  guint p = 2, n_obs = 0;
  g_autofree double *a = NULL, *b = NULL, *row = NULL;
  double sse = 0;

  for (guint i = 0; i < n_periods; i++)
    p += 2 * k[i];
  a = g_new0 (double, p * p);
  b = g_new0 (double, p);
  row = g_new (double, p);
  for (guint t = 0; t < n; t++)
    {
      guint c = 2;
      if (!isfinite (y[t]))
        continue;
      row[0] = 1;
      row[1] = (double) t / n;
      for (guint i = 0; i < n_periods; i++)
        {
          ax_fc_fourier_row (t, periods[i], k[i], row + c);
          c += 2 * k[i];
        }
      for (guint i = 0; i < p; i++)
        {
          b[i] += row[i] * y[t];
          for (guint j = i; j < p; j++)
            a[i * p + j] += row[i] * row[j];
        }
      n_obs++;
    }
  if (n_obs <= p + 1 || !ax_solve_spd (a, b, p))
    return INFINITY;
  for (guint t = 0; t < n; t++)
    {
      double fit = 0;
      guint c = 2;
      if (!isfinite (y[t]))
        continue;
      fit = b[0] + b[1] * t / n;
      for (guint i = 0; i < n_periods; i++)
        {
          ax_fc_fourier_row (t, periods[i], k[i], row + c);
          for (guint j = 0; j < 2 * k[i]; j++)
            fit += b[c + j] * row[c + j];
          c += 2 * k[i];
        }
      sse += (y[t] - fit) * (y[t] - fit);
    }
  if (coef != NULL)
    memcpy (coef, b + 2, sizeof (double) * (p - 2));
  return n_obs * log (MAX (sse, 1e-300) / n_obs) + 2.0 * p +
         2.0 * p * (p + 1) / (n_obs - p - 1);
}

/* Chooses the harmonics (unless given) and fits the Fourier terms. */
static void
fit_fourier (AxFcModel          *model,
             const AxFcFitInput *in)
{
  guint total = 0;

  model->n_fourier = in->n_fourier;
  memcpy (model->fourier_period, in->fourier_period, sizeof model->fourier_period);
  memcpy (model->fourier_k, in->fourier_k, sizeof model->fourier_k);
  for (guint i = 0; i < in->n_fourier; i++)
    {
      guint kmax = MIN (MAX_HARMONICS, (guint) floor (in->fourier_period[i] / 2));
      double best = INFINITY;
      guint best_k = 1;
      if (in->fourier_k[i] > 0)
        continue;
      for (guint k = 1; k <= kmax; k++)
        {
          double aicc;
          model->fourier_k[i] = k;
          aicc = fourier_regression (in->y, in->n, i + 1, model->fourier_period,
                                     model->fourier_k, NULL);
          if (aicc < best)
            best = aicc, best_k = k;
        }
      model->fourier_k[i] = best_k;
    }
  for (guint i = 0; i < in->n_fourier; i++)
    total += 2 * model->fourier_k[i];
  model->fourier_coef = g_new0 (double, MAX (total, 1));
  if (!isfinite (fourier_regression (in->y, in->n, in->n_fourier, model->fourier_period,
                                     model->fourier_k, model->fourier_coef)))
    {
      model->n_fourier = 0;
      memset (model->fourier_coef, 0, sizeof (double) * MAX (total, 1));
    }
}

/* ------------------------------------------------------------- baselines */

static gboolean
fit_baseline (AxFcModel *model)
{
  const double *y = model->y;
  guint n = model->n, lag = model->method == AX_FORECAST_SNAIVE ? model->m : 1;
  guint first = G_MAXUINT, last = 0, k = 0;
  double ss = 0;

  for (guint t = 0; t < n; t++)
    if (isfinite (y[t]))
      first = MIN (first, t), last = t;
  if (first == G_MAXUINT || (model->method == AX_FORECAST_DRIFT && last == first))
    return FALSE;
  model->slope = model->method == AX_FORECAST_DRIFT
                 ? (y[last] - y[first]) / (last - first) : 0;
  for (guint t = lag; t < n; t++)
    if (isfinite (y[t]) && isfinite (y[t - lag]))
      {
        double r = y[t] - y[t - lag] - model->slope * lag;
        ss += r * r;
        k++;
      }
  model->sigma = k > 0 ? sqrt (ss / k) : 0;
  return TRUE;
}

static AxFcDist *
baseline_forecast (const AxFcModel *model,
                   guint            h)
{
  AxFcDist *d = dist_new (h);
  const double *y = model->y;
  guint n = model->n, m = model->method == AX_FORECAST_SNAIVE ? model->m : 1, last = n;
  double s2 = model->sigma * model->sigma;

  while (last > 0 && !isfinite (y[last - 1]))
    last--;
  for (guint i = 0; i < h; i++)
    {
      double hh = i + 1;
      if (model->method == AX_FORECAST_SNAIVE)
        {
          /* The latest observed value at the same position in the season. */
          gint64 t = (gint64) n + i - m * ((i / m) + 1);
          while (t >= 0 && !isfinite (y[t]))
            t -= m;
          d->mean[i] = t >= 0 ? y[t] : (last > 0 ? y[last - 1] : 0);
          d->sd[i] = sqrt (s2 * (i / m + 1));
        }
      else
        {
          double ahead = n - last + hh;
          d->mean[i] = y[last - 1] + model->slope * ahead;
          d->sd[i] = model->method == AX_FORECAST_DRIFT
                     ? sqrt (s2 * ahead * (1 + ahead / MAX (last, 2)))
                     : sqrt (s2 * ahead);
        }
    }
  /* Running totals: innovation i enters the total of H steps once per
   * step it propagates to. */
  for (guint H = 1; H <= h; H++)
    {
      double v = 0;
      for (guint i = 1; i <= H; i++)
        {
          double w = m > 1 ? (double) ((H - i) / m + 1) : (double) (H - i + 1);
          v += w * w;
        }
      if (model->method == AX_FORECAST_DRIFT)
        v += (H * (H + 1) / 2.0) * (H * (H + 1) / 2.0) / MAX (last - 1, 1);
      d->cum_sd[H - 1] = sqrt (s2 * v);
    }
  return d;
}

/* ------------------------------------------------------------ interface */

AxFcModel *
ax_fc_model_fit (AxForecastMethod     method,
                 const AxFcFitInput  *in,
                 GError             **error)
{
  g_autoptr(AxFcModel) model = g_new0 (AxFcModel, 1);

  model->method = method;
  model->n = in->n;
  model->m = MAX (in->m, 1);
  model->y = g_memdup2 (in->y, sizeof (double) * MAX (in->n, 1));
  model->frequency = in->frequency;
  model->t_end = in->time != NULL && in->n > 0 ? in->time[in->n - 1] : 0;

  switch (method)
    {
    case AX_FORECAST_NAIVE:
    case AX_FORECAST_SNAIVE:
    case AX_FORECAST_DRIFT:
      if (!fit_baseline (model))
        {
          g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_DATA,
                       _("The series has too few values for the %s method"),
                       ax_forecast_method_to_string (method));
          return NULL;
        }
      break;
    case AX_FORECAST_ETS:
      {
        g_autofree double *adj = g_memdup2 (in->y, sizeof (double) * MAX (in->n, 1));
        if (in->n_fourier > 0)
          {
            fit_fourier (model, in);
            for (guint t = 0; t < in->n; t++)
              adj[t] -= ax_fc_fourier_value (model, t);
          }
        /* A long series: ETS learns from its most recent stretch,
         * starting at a whole number of seasons. */
        if (in->n > ETS_MAX_OBS)
          model->ets_offset = (in->n - ETS_MAX_OBS) / MAX (in->ets_m, 1) * MAX (in->ets_m, 1);
        if (in->ets_warm != NULL)
          model->ets = ax_ets_fit (adj + model->ets_offset, in->n - model->ets_offset,
                                   &in->ets_warm->spec, in->ets_m, in->ets_warm);
        if (model->ets == NULL)
          model->ets = ax_ets_select (adj + model->ets_offset, in->n - model->ets_offset,
                                      &in->ets_pattern, in->ets_m,
                                      in->n_threads, in->cancellable, error);
        if (model->ets == NULL)
          return NULL;
      }
      break;
    case AX_FORECAST_ML:
      model->ml = ax_fc_ml_fit (in, error);
      if (model->ml == NULL)
        return NULL;
      break;
    case AX_FORECAST_AUTO:
    case AX_N_FORECAST_METHODS:
    default:
      g_return_val_if_reached (NULL);
    }
  return g_steal_pointer (&model);
}

/* Per-step sd and running-total sd of sample paths. */
static void
paths_spread (AxFcDist *d)
{
  guint h = d->h, np = d->n_paths;
  g_autofree double *sum = g_new0 (double, h), *sum2 = g_new0 (double, h);
  g_autofree double *csum = g_new0 (double, h), *csum2 = g_new0 (double, h);

  for (guint p = 0; p < np; p++)
    {
      const double *x = d->paths + (gsize) p * h;
      double run = 0;
      for (guint i = 0; i < h; i++)
        {
          run += x[i];
          sum[i] += x[i], sum2[i] += x[i] * x[i];
          csum[i] += run, csum2[i] += run * run;
        }
    }
  for (guint i = 0; i < h; i++)
    {
      double mu = sum[i] / np, cmu = csum[i] / np;
      d->sd[i] = sqrt (MAX (sum2[i] / np - mu * mu, 0) * np / MAX (np - 1, 1));
      d->cum_sd[i] = sqrt (MAX (csum2[i] / np - cmu * cmu, 0) * np / MAX (np - 1, 1));
    }
}

AxFcDist *
ax_fc_model_forecast (const AxFcModel *model,
                      guint            h,
                      const double    *future_drivers,
                      gsize            stride,
                      guint            n_paths,
                      guint64          seed)
{
  AxFcDist *d;

  switch (model->method)
    {
    case AX_FORECAST_ETS:
      d = dist_new (h);
      ax_ets_forecast (model->ets, h, d->mean);
      if (!ax_ets_gaussian (model->ets, h, d->sd, d->cum_sd))
        {
          d->n_paths = MAX (n_paths, 100);
          d->paths = g_new (double, (gsize) d->n_paths * h);
          ax_ets_simulate (model->ets, h, d->n_paths, seed, d->paths);
          paths_spread (d);
        }
      for (guint i = 0; i < h && model->n_fourier > 0; i++)
        {
          double f = ax_fc_fourier_value (model, model->n + i);
          d->mean[i] += f;
          for (guint p = 0; p < d->n_paths; p++)
            d->paths[(gsize) p * h + i] += f;
        }
      return d;
    case AX_FORECAST_ML:
      return ax_fc_ml_forecast (model->ml, model->y, model->n, future_drivers, stride, h);
    case AX_FORECAST_NAIVE:
    case AX_FORECAST_SNAIVE:
    case AX_FORECAST_DRIFT:
      return baseline_forecast (model, h);
    case AX_FORECAST_AUTO:
    case AX_N_FORECAST_METHODS:
    default:
      g_return_val_if_reached (NULL);
    }
}

char *
ax_fc_model_name (const AxFcModel *model)
{
  GString *s = g_string_new (NULL);

  switch (model->method)
    {
    case AX_FORECAST_ETS:
      {
        g_autofree char *name = ax_ets_spec_name (&model->ets->spec);
        g_string_append (s, name);
        for (guint i = 0; i < model->n_fourier; i++)
          g_string_append_printf (s, "+Fourier(%g,%u)", model->fourier_period[i],
                                  model->fourier_k[i]);
      }
      break;
    case AX_FORECAST_NAIVE:
      g_string_append (s, _("Naive"));
      break;
    case AX_FORECAST_SNAIVE:
      g_string_append_printf (s, _("Seasonal naive (%u)"), model->m);
      break;
    case AX_FORECAST_DRIFT:
      g_string_append (s, _("Drift"));
      break;
    case AX_FORECAST_ML:
      g_string_append (s, _("Machine learning"));
      break;
    case AX_FORECAST_AUTO:
    case AX_N_FORECAST_METHODS:
    default:
      break;
    }
  return g_string_free (s, FALSE);
}

/* ---------------------------------------------------------------- ranges */

/* The CDF of step @i's distribution at @y. */
static double
dist_cdf (const AxFcDist *d,
          guint           i,
          double          y)
{
  double below = 0, tied = 0, u;

  if (d->paths == NULL)
    {
      if (d->sd[i] > 0)
        return ax_normal_cdf ((y - d->mean[i]) / d->sd[i]);
      return y < d->mean[i] ? 0 : y > d->mean[i] ? 1 : 0.5;
    }
  for (guint p = 0; p < d->n_paths; p++)
    {
      double x = d->paths[(gsize) p * d->h + i];
      below += x < y;
      tied += x == y;
    }
  /* Beyond every path: as far out as the paths can tell. */
  u = (below + 0.5 * tied) / d->n_paths;
  return CLAMP (u, 0.5 / d->n_paths, 1 - 0.5 / d->n_paths);
}

double
ax_fc_dist_pit (const AxFcDist *d,
                guint           i,
                double          y,
                gboolean        integer)
{
  double above, below;

  if (!isfinite (y) || !isfinite (d->mean[i]))
    return NAN;
  if (!integer)
    return dist_cdf (d, i, y);
  /* A rounded bound holds y once the quantile is within half a unit of
   * it: y is as far out as y - 0.5 (above the median) or y + 0.5. */
  above = dist_cdf (d, i, y - 0.5);
  below = dist_cdf (d, i, y + 0.5);
  return above > 0.5 ? above : below < 0.5 ? below : 0.5;
}

void
ax_fc_dist_ranges (const AxFcDist *d,
                   const double   *levels,
                   guint           n_levels,
                   gboolean        nonnegative,
                   gboolean        integer,
                   double         *mean,
                   double         *lower,
                   double         *upper)
{
  guint h = d->h;
  g_autofree double *col = d->paths != NULL ? g_new (double, d->n_paths) : NULL;

  for (guint i = 0; i < h; i++)
    {
      double mu = d->mean[i], sd = d->sd[i];
      if (col != NULL)
        {
          double shift = 0;
          for (guint p = 0; p < d->n_paths; p++)
            {
              col[p] = d->paths[(gsize) p * h + i];
              shift += (MAX (col[p], 0) - col[p]) / d->n_paths;
            }
          ax_sort_doubles (col, d->n_paths);
          if (nonnegative)
            mu = MAX (mu + shift, 0);
        }
      else if (nonnegative)
        mu = sd > 0 ? mu * ax_normal_cdf (mu / sd) + sd * exp (-0.5 * mu * mu / (sd * sd)) /
                      sqrt (2 * G_PI)
                    : MAX (mu, 0);
      mean[i] = integer ? round (mu) : mu;
      for (guint l = 0; l < n_levels; l++)
        {
          double a = (1 - levels[l] / 100) / 2, lo, hi;
          if (col != NULL)
            {
              lo = ax_sorted_quantile (col, d->n_paths, a);
              hi = ax_sorted_quantile (col, d->n_paths, 1 - a);
            }
          else
            {
              double z = ax_normal_quantile (1 - a);
              lo = d->mean[i] - z * sd;
              hi = d->mean[i] + z * sd;
            }
          if (nonnegative)
            lo = MAX (lo, 0), hi = MAX (hi, 0);
          if (integer)
            lo = round (lo), hi = round (hi);
          lower[l * h + i] = lo;
          upper[l * h + i] = hi;
        }
    }
}
