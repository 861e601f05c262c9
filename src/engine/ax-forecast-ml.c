/* ax-forecast-ml.c — forecasting with the predictive engine's algorithms
 *
 * For series with drivers (or when the configuration asks for "ml"), a
 * registry algorithm (ax-learn.h; gradient boosting by default) learns
 * the value of a period from:
 *
 *   - the local level: the mean of the last w periods (w = the season, at
 *     least 4), and lags 1, 2, 3, m, 2m and the other season, each as its
 *     difference from that level;
 *   - the calendar: hour, weekday, day of the month, day of the year,
 *     month or quarter, as the frequency has them;
 *   - the drivers' values in that period.
 *
 * The target is the value minus the local level, which lets trees follow a
 * series whose level moves out of the range they were trained on.
 * Forecasts are recursive: each step's forecast becomes the history of
 * the next, and the drivers' future values must be given.  Gaps in the
 * history are interpolated for the features and left out as targets.
 *
 * Ranges: before the final fit the model is fitted once on all but the
 * last fifth of the series (at least the horizon plus 10 periods) and
 * forecasts recursively from up to ten origins inside it; the root mean
 * squared error at each step ahead (made non-decreasing) and of the
 * running totals give Gaussian spreads.
 */

#include "ax-config.h"
#include "ax-forecast-private.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#define MAX_LAGS 6
#define MAX_CAL  4

struct _AxFcMl {
  const AxAlgorithm  *algo;
  AxFitted           *fitted;
  AxFrequency         frequency;
  double              time0;          /* period start of index 0 */
  guint               window;
  guint               n_lags;
  guint               lags[MAX_LAGS];
  guint               n_drivers;
  guint               n_features;
  guint               h_max;
  double             *sigma;          /* h_max */
  double             *cum_sigma;      /* h_max */
};

void
ax_fc_ml_free (AxFcMl *ml)
{
  if (ml == NULL)
    return;
  if (ml->fitted != NULL)
    ml->algo->free (ml->fitted);
  g_free (ml->sigma);
  g_free (ml->cum_sigma);
  g_free (ml);
}

/* The features of period @t from the filled history f[0..t-1]. */
static guint
features (const AxFcMl  *ml,
          const double  *f,
          guint          t,
          const double  *drivers,   /* n_drivers values for period t */
          float         *out)
{
  double level = 0, cal[MAX_CAL];
  guint k = 0, n_cal;

  for (guint j = t - ml->window; j < t; j++)
    level += f[j];
  level /= ml->window;
  out[k++] = (float) level;
  for (guint i = 0; i < ml->n_lags; i++)
    out[k++] = (float) (f[t - ml->lags[i]] - level);
  n_cal = ax_frequency_calendar (ml->frequency,
                                 ax_frequency_advance (ml->frequency, ml->time0, (int) t), cal);
  for (guint i = 0; i < n_cal; i++)
    out[k++] = (float) cal[i];
  for (guint d = 0; d < ml->n_drivers; d++)
    out[k++] = (float) drivers[d];
  return k;
}

static double
level_of (const AxFcMl *ml,
          const double *f,
          guint         t)
{
  double level = 0;
  for (guint j = t - ml->window; j < t; j++)
    level += f[j];
  return level / ml->window;
}

static guint
first_row (const AxFcMl *ml)
{
  guint t0 = ml->window;
  for (guint i = 0; i < ml->n_lags; i++)
    t0 = MAX (t0, ml->lags[i]);
  return t0;
}

/* Gaps interpolated, the ends carried. */
static double *
filled_copy (const double *y,
             guint         n,
             guint         room)
{
  double *f = g_new (double, n + room);
  gint64 prev = -1;

  for (guint t = 0; t < n; t++)
    {
      if (!isfinite (y[t]))
        continue;
      for (guint j = (guint) (prev + 1); j < t; j++)
        f[j] = prev < 0 ? y[t] : y[prev] + (y[t] - y[prev]) * (j - prev) / (double) (t - prev);
      f[t] = y[t];
      prev = t;
    }
  for (guint j = (guint) (prev + 1); j < n; j++)
    f[j] = prev < 0 ? 0 : y[prev];
  return f;
}

static AxFitted *
fit_rows (const AxFcMl       *ml,
          const AxFcFitInput *in,
          guint               n,
          const AxParams     *params,
          GError            **error)
{
  g_autofree double *f = filled_copy (in->y, n, 0);
  g_autofree double *target = g_new (double, MAX (n, 1));
  g_autofree float *row = g_new (float, ml->n_features);
  g_autofree double *drv = g_new0 (double, ml->n_drivers + 1);
  g_autoptr(AxMatrix) x = NULL;
  AxTrainMonitor monitor = { 0 };
  AxTarget ty = { AX_TASK_REGRESSION, 0, target, NULL };
  guint t0 = first_row (ml), rows = 0;

  for (guint t = t0; t < n; t++)
    rows += isfinite (in->y[t]);
  if (rows < 10)
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_DATA,
                   _("The series has too few periods for the ml method's lags (%u usable)"),
                   rows);
      return NULL;
    }
  x = ax_matrix_new (rows, ml->n_features);
  rows = 0;
  for (guint t = t0; t < n; t++)
    {
      if (!isfinite (in->y[t]))
        continue;
      for (guint d = 0; d < ml->n_drivers; d++)
        drv[d] = in->drivers[(gsize) d * in->stride + t];
      features (ml, f, t, drv, row);
      for (guint j = 0; j < ml->n_features; j++)
        x->x[(gsize) j * x->n_rows + rows] = row[j];
      target[rows++] = in->y[t] - level_of (ml, f, t);
    }
  monitor.n_threads = in->n_threads;
  monitor.seed = in->seed;
  return ml->algo->fit (x, &ty, NULL, NULL, params, &monitor, in->cancellable, error);
}

/* Recursive forecasts of @h steps after history @y[0..n) with the
 * drivers of those steps (drivers[d * dstride + i]). */
static void
recurse (const AxFcMl *ml,
         AxFitted     *fitted,
         const double *y,
         guint         n,
         const double *drivers,
         gsize         dstride,
         guint         h,
         double       *out)
{
  g_autofree double *f = filled_copy (y, n, h);
  g_autofree double *drv = g_new0 (double, ml->n_drivers + 1);
  g_autoptr(AxMatrix) x = ax_matrix_new (1, ml->n_features);

  for (guint i = 0; i < h; i++)
    {
      double pred;
      for (guint d = 0; d < ml->n_drivers; d++)
        drv[d] = drivers[(gsize) d * dstride + i];
      features (ml, f, n + i, drv, x->x);
      ml->algo->predict (fitted, x, &pred);
      out[i] = f[n + i] = level_of (ml, f, n + i) + pred;
    }
}

AxFcMl *
ax_fc_ml_fit (const AxFcFitInput *in,
              GError            **error)
{
  const char *name = in->ml_algorithm != NULL ? in->ml_algorithm : "gradient_boosting";
  g_autoptr(AxFcMl) ml = g_new0 (AxFcMl, 1);
  g_autoptr(AxParams) empty = ax_params_new ();
  g_autoptr(AxParams) params = NULL;
  guint m = MAX (in->m, 1), h = MAX (in->horizon, 1), n = in->n;
  guint candidates[MAX_LAGS] = { 1, 2, 3, m, 2 * m, 0 };
  guint v, n1;

  ml->algo = ax_algorithm_find (name);
  if (ml->algo == NULL || !ml->algo->regression)
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                   _("ml_algorithm: “%s” is not a regression algorithm"), name);
      return NULL;
    }
  params = ax_algorithm_check_params (ml->algo,
                                      (AxParams *) (in->ml_params != NULL ? in->ml_params : empty),
                                      error);
  if (params == NULL)
    return NULL;
  ml->frequency = in->frequency;
  ml->time0 = in->time != NULL ? in->time[0] : 0;
  ml->window = MAX (m, 4);
  if (in->n_fourier > 0)
    candidates[5] = (guint) round (in->fourier_period[0]);
  for (guint i = 0; i < MAX_LAGS; i++)
    {
      gboolean dup = FALSE;
      if (candidates[i] == 0 || candidates[i] > n / 4)
        continue;
      for (guint j = 0; j < ml->n_lags; j++)
        dup |= ml->lags[j] == candidates[i];
      if (!dup)
        ml->lags[ml->n_lags++] = candidates[i];
    }
  ml->n_drivers = in->n_drivers;
  {
    double cal[MAX_CAL];
    ml->n_features = 1 + ml->n_lags + ax_frequency_calendar (in->frequency, 0, cal) + in->n_drivers;
  }
  ml->h_max = h;
  ml->sigma = g_new0 (double, h);
  ml->cum_sigma = g_new0 (double, h);

  /* The spreads, from a fit that leaves the end of the series out. */
  v = MAX (h + 10, n / 5);
  n1 = n > v ? n - v : 0;
  if (n1 >= first_row (ml) + 30)
    {
      g_autofree double *ss = g_new0 (double, h), *css = g_new0 (double, h);
      g_autofree guint *cnt = g_new0 (guint, h);
      g_autofree double *out = g_new (double, h);
      AxFitted *f1 = fit_rows (ml, in, n1, params, error);
      guint step = MAX (1, v / 10);
      if (f1 == NULL)
        return NULL;
      for (guint o = n1; o < n; o += step)
        {
          guint hh = MIN (h, n - o);
          double run = 0, run_actual = 0;
          recurse (ml, f1, in->y, o, in->drivers != NULL ? in->drivers + o : NULL,
                   in->stride, hh, out);
          for (guint i = 0; i < hh; i++)
            {
              if (!isfinite (in->y[o + i]))
                break;
              run += out[i], run_actual += in->y[o + i];
              ss[i] += (in->y[o + i] - out[i]) * (in->y[o + i] - out[i]);
              css[i] += (run_actual - run) * (run_actual - run);
              cnt[i]++;
            }
        }
      ml->algo->free (f1);
      for (guint i = 0; i < h; i++)
        {
          if (cnt[i] > 0)
            {
              ml->sigma[i] = sqrt (ss[i] / cnt[i]);
              ml->cum_sigma[i] = sqrt (css[i] / cnt[i]);
            }
          else if (i > 0)
            {
              ml->sigma[i] = ml->sigma[i - 1] * sqrt ((i + 1.0) / i);
              ml->cum_sigma[i] = ml->cum_sigma[i - 1] * (i + 1.0) / i;
            }
          if (i > 0)
            {
              ml->sigma[i] = MAX (ml->sigma[i], ml->sigma[i - 1]);
              ml->cum_sigma[i] = MAX (ml->cum_sigma[i], ml->cum_sigma[i - 1]);
            }
        }
    }

  ml->fitted = fit_rows (ml, in, n, params, error);
  if (ml->fitted == NULL)
    return NULL;
  if (ml->sigma[0] == 0)
    {
      /* Too short to hold anything out: in-sample one-step errors,
       * growing like a random walk's. */
      g_autofree double *f = filled_copy (in->y, n, 0);
      g_autofree double *drv = g_new0 (double, ml->n_drivers + 1);
      g_autoptr(AxMatrix) x = ax_matrix_new (1, ml->n_features);
      double ss = 0;
      guint k = 0;
      for (guint t = first_row (ml); t < n; t++)
        {
          double pred;
          if (!isfinite (in->y[t]))
            continue;
          for (guint d = 0; d < ml->n_drivers; d++)
            drv[d] = in->drivers[(gsize) d * in->stride + t];
          features (ml, f, t, drv, x->x);
          ml->algo->predict (ml->fitted, x, &pred);
          pred += level_of (ml, f, t);
          ss += (in->y[t] - pred) * (in->y[t] - pred);
          k++;
        }
      for (guint i = 0; i < h; i++)
        {
          ml->sigma[i] = sqrt (ss / MAX (k, 1) * (i + 1));
          ml->cum_sigma[i] = ml->sigma[0] * sqrt ((i + 1.0) * (i + 2) * (2 * i + 3) / 6);
        }
    }
  return g_steal_pointer (&ml);
}

AxFcDist *
ax_fc_ml_forecast (const AxFcMl *ml,
                   const double *y,
                   guint         n,
                   const double *future_drivers,
                   gsize         stride,
                   guint         h)
{
  AxFcDist *d = g_new0 (AxFcDist, 1);
  g_autofree double *none = g_new0 (double, MAX (h, 1));

  d->h = h;
  d->mean = g_new0 (double, MAX (h, 1));
  d->sd = g_new0 (double, MAX (h, 1));
  d->cum_sd = g_new0 (double, MAX (h, 1));
  recurse (ml, ml->fitted, y, n, future_drivers != NULL ? future_drivers : none,
           future_drivers != NULL ? stride : 0, h, d->mean);
  for (guint i = 0; i < h; i++)
    {
      guint k = MIN (i, ml->h_max - 1);
      double grow = (i + 1.0) / (k + 1.0);
      d->sd[i] = ml->sigma[k] * sqrt (grow);
      d->cum_sd[i] = ml->cum_sigma[k] * grow;
    }
  return d;
}

/* algorithm, frequency, time0, window, drivers, lags, features, the
 * algorithm's blob, sigma, cum_sigma */
#define ML_TYPE "(suduuauuayadad)"

GVariant *
ax_fc_ml_to_variant (const AxFcMl *ml)
{
  g_autoptr(GBytes) blob = ml->algo->save (ml->fitted);

  return g_variant_new ("(suduu@auu@ay@ad@ad)", ml->algo->name, (guint32) ml->frequency,
                        ml->time0, ml->window, ml->n_drivers,
                        g_variant_new_fixed_array (G_VARIANT_TYPE_UINT32, ml->lags,
                                                   ml->n_lags, sizeof (guint32)),
                        ml->n_features,
                        g_variant_new_from_bytes (G_VARIANT_TYPE_BYTESTRING, blob, TRUE),
                        g_variant_new_fixed_array (G_VARIANT_TYPE_DOUBLE, ml->sigma,
                                                   ml->h_max, sizeof (double)),
                        g_variant_new_fixed_array (G_VARIANT_TYPE_DOUBLE, ml->cum_sigma,
                                                   ml->h_max, sizeof (double)));
}

AxFcMl *
ax_fc_ml_from_variant (GVariant  *v,
                       GError   **error)
{
  g_autoptr(AxFcMl) ml = g_new0 (AxFcMl, 1);
  g_autoptr(GVariant) lags = NULL, blob = NULL, sigma = NULL, cum = NULL;
  g_autoptr(GBytes) bytes = NULL;
  const char *name;
  const guint32 *lv;
  const double *sv, *cv;
  gsize n_lags, n_sigma, n_cum;
  guint32 freq;

  if (!g_variant_is_of_type (v, G_VARIANT_TYPE (ML_TYPE)))
    goto damaged;
  g_variant_get (v, "(&suduu@auu@ay@ad@ad)", &name, &freq, &ml->time0, &ml->window,
                 &ml->n_drivers, &lags, &ml->n_features, &blob, &sigma, &cum);
  ml->algo = ax_algorithm_find (name);
  lv = g_variant_get_fixed_array (lags, &n_lags, sizeof (guint32));
  sv = g_variant_get_fixed_array (sigma, &n_sigma, sizeof (double));
  cv = g_variant_get_fixed_array (cum, &n_cum, sizeof (double));
  if (ml->algo == NULL || freq >= AX_N_FREQUENCIES || n_lags > MAX_LAGS ||
      n_sigma == 0 || n_sigma != n_cum || ml->window == 0)
    goto damaged;
  ml->frequency = freq;
  ml->n_lags = n_lags;
  if (n_lags > 0)
    memcpy (ml->lags, lv, sizeof (guint32) * n_lags);
  ml->h_max = n_sigma;
  ml->sigma = g_memdup2 (sv, sizeof (double) * n_sigma);
  ml->cum_sigma = g_memdup2 (cv, sizeof (double) * n_cum);
  bytes = g_variant_get_data_as_bytes (blob);
  ml->fitted = ml->algo->load (bytes, error);
  if (ml->fitted == NULL)
    return NULL;
  return g_steal_pointer (&ml);

damaged:
  g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_BLOB,
               _("The saved forecast’s machine learning part is damaged"));
  return NULL;
}
