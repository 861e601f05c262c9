/* ax-calibrate.c — Platt and temperature scaling, normalised split conformal */

#include "ax-config.h"
#include "ax-calibrate.h"
#include "ax-stats.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Probabilities are clipped before taking logits: a forest gives exact 0
 * and 1, whose logits are infinite. */
#define PROB_EPS 1e-6
/* Residual scores kept for the confidence's distribution function: every
 * one up to this many, evenly spaced order statistics beyond. */
#define MAX_SCORES 2001

struct _AxCalibration {
  AxTask    task;
  guint     n_classes;
  /* Two classes: p' = sigmoid (a·logit p + b).  More: p' ∝ p^(1/T). */
  double    a, b, temperature;
  /* Regression. */
  double    level;
  double    q;
  double    beta;
  gboolean  use_spread;
  GArray   *scores;      /* double, ascending */
};

static AxCalibration *
calibration_new (AxTask task,
                 guint  n_classes)
{
  AxCalibration *cal = g_new0 (AxCalibration, 1);

  cal->task = task;
  cal->n_classes = n_classes;
  cal->a = 1;
  cal->temperature = 1;
  cal->scores = g_array_new (FALSE, FALSE, sizeof (double));
  return cal;
}

void
ax_calibration_free (AxCalibration *cal)
{
  if (cal == NULL)
    return;
  g_array_unref (cal->scores);
  g_free (cal);
}

static double
clip (double p)
{
  return CLAMP (p, PROB_EPS, 1 - PROB_EPS);
}

static double
logit (double p)
{
  p = clip (p);
  return log (p / (1 - p));
}

/* log (1 + e^x) without overflow. */
static double
log1pexp (double x)
{
  return x > 0 ? x + log1p (exp (-x)) : log1p (exp (x));
}

static double
platt_loss (const double *z,
            const double *t,
            guint         n,
            double        a,
            double        b)
{
  double loss = 0;

  /* −t log σ(f) − (1−t) log (1−σ(f)) = log (1+e^f) − t f */
  for (guint i = 0; i < n; i++)
    {
      double f = a * z[i] + b;
      loss += log1pexp (f) - t[i] * f;
    }
  return loss;
}

/* Newton's method with step halving on Platt's (convex) log loss; the
 * smoothed targets keep the optimum finite even when the classes are
 * perfectly separated. */
static void
fit_platt (AxCalibration *cal,
           const double  *prob,
           const double  *y,
           guint          n)
{
  g_autofree double *z = g_new (double, n);
  g_autofree double *t = g_new (double, n);
  double n_pos = 0, n_neg = 0, a = 1, b = 0, loss;

  for (guint i = 0; i < n; i++)
    {
      z[i] = logit (prob[i * 2 + 1]);
      if (y[i] == 1)
        n_pos++;
      else
        n_neg++;
    }
  for (guint i = 0; i < n; i++)
    t[i] = y[i] == 1 ? (n_pos + 1) / (n_pos + 2) : 1 / (n_neg + 2);

  loss = platt_loss (z, t, n, a, b);
  for (guint iter = 0; iter < 100; iter++)
    {
      double ga = 0, gb = 0, haa = 1e-9, hab = 0, hbb = 1e-9, det, da, db, step = 1;
      gboolean improved = FALSE;

      for (guint i = 0; i < n; i++)
        {
          double p = 1 / (1 + exp (-(a * z[i] + b)));
          double w = p * (1 - p);
          ga += (p - t[i]) * z[i];
          gb += p - t[i];
          haa += w * z[i] * z[i];
          hab += w * z[i];
          hbb += w;
        }
      det = haa * hbb - hab * hab;
      if (!(det > 0))
        break;
      da = (hbb * ga - hab * gb) / det;
      db = (haa * gb - hab * ga) / det;
      while (step > 1e-10)
        {
          double na = a - step * da, nb = b - step * db;
          double nl = platt_loss (z, t, n, na, nb);
          if (nl < loss)
            {
              improved = loss - nl > 1e-12 * (1 + fabs (loss));
              a = na, b = nb, loss = nl;
              break;
            }
          step /= 2;
        }
      if (!improved)
        break;
    }
  cal->a = a;
  cal->b = b;
}

static double
temperature_loss (const double *prob,
                  const double *y,
                  guint         n,
                  guint         k,
                  double        temperature)
{
  double loss = 0;

  for (guint i = 0; i < n; i++)
    {
      double max = -G_MAXDOUBLE, sum = 0;
      guint c = (guint) y[i];
      for (guint j = 0; j < k; j++)
        max = MAX (max, log (clip (prob[i * k + j])) / temperature);
      for (guint j = 0; j < k; j++)
        sum += exp (log (clip (prob[i * k + j])) / temperature - max);
      loss -= log (clip (prob[i * k + c])) / temperature - max - log (sum);
    }
  return loss;
}

/* Golden-section search over log T in [−3, 3]: the loss is unimodal in T. */
static void
fit_temperature (AxCalibration *cal,
                 const double  *prob,
                 const double  *y,
                 guint          n)
{
  const double g = (sqrt (5) - 1) / 2;
  double lo = -3, hi = 3;
  double x1 = hi - g * (hi - lo), x2 = lo + g * (hi - lo);
  double f1 = temperature_loss (prob, y, n, cal->n_classes, exp (x1));
  double f2 = temperature_loss (prob, y, n, cal->n_classes, exp (x2));

  for (guint iter = 0; iter < 60; iter++)
    {
      if (f1 < f2)
        {
          hi = x2, x2 = x1, f2 = f1;
          x1 = hi - g * (hi - lo);
          f1 = temperature_loss (prob, y, n, cal->n_classes, exp (x1));
        }
      else
        {
          lo = x1, x1 = x2, f1 = f2;
          x2 = lo + g * (hi - lo);
          f2 = temperature_loss (prob, y, n, cal->n_classes, exp (x2));
        }
    }
  cal->temperature = exp ((lo + hi) / 2);
}

AxCalibration *
ax_calibration_fit_classes (const double *prob,
                            const double *y,
                            guint         n,
                            guint         n_classes)
{
  AxCalibration *cal = calibration_new (AX_TASK_CLASSIFICATION, n_classes);

  g_return_val_if_fail (n_classes >= 2, cal);

  if (n == 0)
    return cal;
  if (n_classes == 2)
    fit_platt (cal, prob, y, n);
  else
    fit_temperature (cal, prob, y, n);
  return cal;
}

void
ax_calibration_apply_classes (const AxCalibration *cal,
                              const double        *raw,
                              double              *out,
                              guint                n)
{
  guint k = cal->n_classes;

  for (guint i = 0; i < n; i++)
    {
      if (k == 2)
        {
          double p = 1 / (1 + exp (-(cal->a * logit (raw[i * 2 + 1]) + cal->b)));
          out[i * 2] = 1 - p;
          out[i * 2 + 1] = p;
        }
      else
        {
          double max = -G_MAXDOUBLE, sum = 0;
          for (guint j = 0; j < k; j++)
            max = MAX (max, log (clip (raw[i * k + j])) / cal->temperature);
          for (guint j = 0; j < k; j++)
            {
              out[i * k + j] = exp (log (clip (raw[i * k + j])) / cal->temperature - max);
              sum += out[i * k + j];
            }
          for (guint j = 0; j < k; j++)
            out[i * k + j] /= sum;
        }
    }
}

static double
sigma (const AxCalibration *cal,
       const double        *spread,
       guint                i)
{
  if (!cal->use_spread)
    return 1;
  return (isfinite (spread[i]) ? MAX (spread[i], 0) : 0) + cal->beta;
}

AxCalibration *
ax_calibration_fit_range (const double *pred,
                          const double *y,
                          const double *spread,
                          guint         n,
                          double        level)
{
  AxCalibration *cal = calibration_new (AX_TASK_REGRESSION, 0);
  g_autofree double *r = g_new (double, MAX (n, 1));
  guint k;

  cal->level = level;
  if (spread && n > 0)
    {
      g_autofree double *s = g_new (double, n);
      for (guint i = 0; i < n; i++)
        s[i] = isfinite (spread[i]) ? MAX (spread[i], 0) : 0;
      ax_sort_doubles (s, n);
      cal->beta = s[n / 2];
      if (!(cal->beta > 0))
        {
          double sum = 0;
          for (guint i = 0; i < n; i++)
            sum += s[i];
          cal->beta = sum / n;
        }
      /* Every tree agrees on every row: the spread says nothing. */
      cal->use_spread = cal->beta > 0;
    }

  for (guint i = 0; i < n; i++)
    r[i] = fabs (y[i] - pred[i]) / sigma (cal, spread, i);
  ax_sort_doubles (r, n);

  /* The ⌈(n+1)L⌉-th smallest score; past the largest, the largest. */
  k = (guint) ceil ((n + 1) * level - 1e-9);
  cal->q = n == 0 ? 0 : r[MIN (MAX (k, 1), n) - 1];

  if (n <= MAX_SCORES)
    g_array_append_vals (cal->scores, r, n);
  else
    for (guint j = 0; j < MAX_SCORES; j++)
      {
        double v = r[(gsize) floor ((double) j * (n - 1) / (MAX_SCORES - 1) + 0.5)];
        g_array_append_val (cal->scores, v);
      }
  return cal;
}

AxTask
ax_calibration_get_task (const AxCalibration *cal)
{
  return cal->task;
}

guint
ax_calibration_get_n_classes (const AxCalibration *cal)
{
  return cal->n_classes;
}

gboolean
ax_calibration_uses_spread (const AxCalibration *cal)
{
  return cal->use_spread;
}

/* The share of validation scores at most @t, the new row counted among
 * them (k / (n + 1)): a finite sample never makes a value certain. */
static double
score_cdf (const AxCalibration *cal,
           double               t)
{
  const double *s = (const double *) cal->scores->data, *base = s;
  guint len = cal->scores->len;

  if (len == 0)
    return 0;
  /* A binary search without branches to mispredict: the scores at most
   * @t are those before base + len, and at least those before base. */
  while (len > 1)
    {
      guint half = len / 2;
      base = base[half - 1] <= t ? base + half : base;
      len -= half;
    }
  return (double) ((guint) (base - s) + (base[0] <= t)) / (cal->scores->len + 1);
}

void
ax_calibration_apply_range (const AxCalibration *cal,
                            const double        *pred,
                            const double        *spread,
                            guint                n,
                            double              *lower,
                            double              *upper,
                            double              *confidence)
{
  g_return_if_fail (!cal->use_spread || spread != NULL);

  for (guint i = 0; i < n; i++)
    {
      double s = sigma (cal, spread, i);
      lower[i] = pred[i] - cal->q * s;
      upper[i] = pred[i] + cal->q * s;
      confidence[i] = score_cdf (cal, AX_CONFIDENCE_TOLERANCE * fabs (pred[i]) / s);
    }
}

#define CAL_VARIANT_TYPE "(uuddddddbad)"

GVariant *
ax_calibration_to_variant (const AxCalibration *cal)
{
  GVariant *scores = g_variant_new_fixed_array (G_VARIANT_TYPE_DOUBLE, cal->scores->data,
                                                cal->scores->len, sizeof (double));

  return g_variant_new ("(uuddddddb@ad)", (guint32) cal->task, (guint32) cal->n_classes,
                        cal->a, cal->b, cal->temperature, cal->level, cal->q, cal->beta,
                        cal->use_spread, scores);
}

AxCalibration *
ax_calibration_from_variant (GVariant  *variant,
                             GError   **error)
{
  g_autoptr(AxCalibration) cal = NULL;
  g_autoptr(GVariant) scores = NULL;
  guint32 task, n_classes;
  const double *s;
  gsize n;

  if (!g_variant_is_of_type (variant, G_VARIANT_TYPE (CAL_VARIANT_TYPE)))
    goto damaged;
  g_variant_get_child (variant, 0, "u", &task);
  g_variant_get_child (variant, 1, "u", &n_classes);
  if (task > AX_TASK_CLASSIFICATION || (task == AX_TASK_CLASSIFICATION && n_classes < 2))
    goto damaged;
  cal = calibration_new (task, n_classes);
  g_variant_get (variant, "(uuddddddb@ad)", NULL, NULL, &cal->a, &cal->b, &cal->temperature,
                 &cal->level, &cal->q, &cal->beta, &cal->use_spread, &scores);
  s = g_variant_get_fixed_array (scores, &n, sizeof (double));
  g_array_append_vals (cal->scores, s, n);
  if (!(cal->temperature > 0) || !isfinite (cal->q))
    goto damaged;
  return g_steal_pointer (&cal);

damaged:
  g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_BLOB,
               _("The model is damaged: its calibration cannot be read"));
  return NULL;
}

double
ax_calibration_ece (const double *prob,
                    const double *y,
                    guint         n,
                    guint         n_classes,
                    guint         n_bins)
{
  g_autofree double *conf = g_new0 (double, n_bins);
  g_autofree double *hits = g_new0 (double, n_bins);
  g_autofree guint *count = g_new0 (guint, n_bins);
  double ece = 0;

  if (n == 0 || n_bins == 0)
    return NAN;
  for (guint i = 0; i < n; i++)
    {
      guint best = 0, bin;
      for (guint k = 1; k < n_classes; k++)
        if (prob[i * n_classes + k] > prob[i * n_classes + best])
          best = k;
      bin = MIN ((guint) (prob[i * n_classes + best] * n_bins), n_bins - 1);
      conf[bin] += prob[i * n_classes + best];
      hits[bin] += (guint) y[i] == best;
      count[bin]++;
    }
  for (guint b = 0; b < n_bins; b++)
    if (count[b])
      ece += fabs (hits[b] - conf[b]) / n;
  return ece;
}
