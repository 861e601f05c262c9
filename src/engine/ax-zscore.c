/* ax-zscore.c — the robust z-score as an AxDetector ("robust_zscore")
 *
 * Fitting keeps, per metric, the median of the fit rows and their scale:
 * the median absolute deviation from the median times 1.4826, which makes
 * it the standard deviation for normally distributed values (Iglewicz and
 * Hoaglin 1993).  When more than half the values equal the median the MAD
 * is 0; the scale is then the mean absolute deviation from the median
 * times sqrt(pi / 2) = 1.2533 (the same consistency for normal values),
 * and when that is 0 too (a constant metric) a tiny epsilon,
 * 1e-9 * max(1, |median|), so that any change of a metric that never
 * moved scores as far out.
 *
 * A row's robust z of metric m is z_m = |x_m - median_m| / scale_m, and its
 * score is a monotone map of the largest one, scaled by the threshold T
 * (detection_config.threshold, default 3.5):
 *
 *   score = 1 - exp(-ln(1 / 0.3) * (z / T)^2)
 *
 * so that z = T scores 0.7, the default "medium" severity; with T = 3.5,
 * z = 2.66 scores 0.5 ("low"), 4.39 scores 0.85 ("high") and 5.52 scores
 * 0.95 ("critical"), while a row within one scale of every median scores
 * below 0.1.  The expected range of a metric is median ± T * scale, each
 * metric's contribution is its share of the sum of z_m^2 (an even share
 * each when every z is 0), and the direction says which side of the range
 * a value outside it lies.  A missing value has z 0 and no direction.
 */

#include "ax-config.h"
#include "ax-detect-private.h"
#include "ax-detectors-private.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#define ZSCORE_MAGIC   0x41585a53u      /* "AXZS" */
#define MAD_NORMAL     1.4826
#define MEAN_AD_NORMAL 1.2533141373155003   /* sqrt (pi / 2) */
#define SCALE_EPSILON  1e-9
/* ln (1 / 0.3): z = threshold maps to 0.7. */
#define SCORE_RATE     1.2039728043259361

typedef struct {
  guint32  magic;
  guint    n_metrics;
  double   threshold;
  double  *median;         /* per metric; NAN when no fit row has a value */
  double  *scale;          /* per metric, > 0 */
} ZScore;

static const AxParamSpec zscore_params[] = {
  { "threshold", AX_PARAM_REAL, 0.5, 100, 3.5, NULL,
    N_("Robust z-score (distance from the median in scaled MADs) that scores 0.7, the “medium” severity; the expected range is the median ± this many") },
  { NULL }
};

static void
zscore_free_impl (ZScore *z)
{
  if (z == NULL)
    return;
  g_free (z->median);
  g_free (z->scale);
  g_free (z);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ZScore, zscore_free_impl)

/* The k-th smallest of @v[0..n) (0-based), reordering @v so that the
 * values before position k are no greater than it and those after no
 * smaller: Wirth's selection, the pivot the median of three. */
static double
select_kth (double *v,
            gsize   n,
            gsize   k)
{
  gssize lo = 0, hi = (gssize) n - 1, kk = (gssize) k;

  while (lo < hi)
    {
      double a = v[lo], b = v[kk], c = v[hi];
      double pivot = a < b ? (b < c ? b : MAX (a, c)) : (a < c ? a : MAX (b, c));
      gssize i = lo, j = hi;

      do
        {
          while (v[i] < pivot)
            i++;
          while (pivot < v[j])
            j--;
          if (i <= j)
            {
              double tmp = v[i];
              v[i] = v[j];
              v[j] = tmp;
              i++;
              j--;
            }
        }
      while (i <= j);
      if (j < kk)
        lo = i;
      if (kk < i)
        hi = j;
    }
  return v[k];
}

/* The median of @v[0..n), n >= 1, reordering @v; the mean of the two
 * middle values for an even count. */
static double
median_of (double *v,
           gsize   n)
{
  double upper = select_kth (v, n, n / 2), lower;

  if (n % 2 == 1)
    return upper;
  /* select_kth left everything below position n / 2 no greater than it. */
  lower = v[0];
  for (gsize i = 1; i < n / 2; i++)
    lower = MAX (lower, v[i]);
  return (lower + upper) / 2;
}

static AxDetectorState *
zscore_fit (const AxSeries       *series,
            const AxParams       *params,
            const AxTrainMonitor *monitor,
            GCancellable         *cancellable,
            GError              **error)
{
  const AxMatrix *x;
  g_autoptr(ZScore) z = NULL;
  g_autofree double *v = NULL;

  g_return_val_if_fail (series != NULL && series->x != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  x = series->x;
  if (x->n_rows == 0)
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_DATA,
                   _("There are no rows to learn from"));
      return NULL;
    }
  if (x->n_features == 0)
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_DATA,
                   _("There are no metrics to watch"));
      return NULL;
    }

  z = g_new0 (ZScore, 1);
  z->magic = ZSCORE_MAGIC;
  z->n_metrics = x->n_features;
  z->threshold = params != NULL && ax_params_has (params, "threshold")
                 ? ax_params_get_number (params, "threshold") : 3.5;
  if (!(z->threshold > 0))
    z->threshold = 3.5;
  z->median = g_new (double, z->n_metrics);
  z->scale = g_new (double, z->n_metrics);
  v = g_new (double, x->n_rows);

  for (guint m = 0; m < z->n_metrics; m++)
    {
      const float *col = x->x + (gsize) m * x->n_rows;
      double median, mad, mean_ad = 0;
      gsize n = 0;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      if (monitor != NULL)
        ax_progress_report (monitor->progress, monitor->progress_data,
                            (double) m / z->n_metrics, NULL);

      for (guint i = 0; i < x->n_rows; i++)
        if (!isnan (col[i]))
          v[n++] = col[i];
      if (n == 0)
        {
          z->median[m] = NAN;
          z->scale[m] = 1;
          continue;
        }
      median = median_of (v, n);
      for (gsize i = 0; i < n; i++)
        {
          v[i] = fabs (v[i] - median);
          mean_ad += v[i];
        }
      mean_ad /= n;
      mad = median_of (v, n);

      z->median[m] = median;
      if (mad > 0)
        z->scale[m] = MAD_NORMAL * mad;
      else if (mean_ad > 0)
        z->scale[m] = MEAN_AD_NORMAL * mean_ad;
      else
        z->scale[m] = SCALE_EPSILON * MAX (1, fabs (median));
    }
  if (monitor != NULL)
    ax_progress_report (monitor->progress, monitor->progress_data, 1, NULL);
  return (AxDetectorState *) g_steal_pointer (&z);
}

static AxScores *
zscore_score (const AxDetectorState *state,
              const AxSeries        *series,
              GCancellable          *cancellable,
              GError               **error)
{
  const ZScore *z = (const ZScore *) state;
  const AxMatrix *x;
  guint nm;
  AxScores *out;
  g_autofree double *z2 = NULL;

  g_return_val_if_fail (z != NULL && z->magic == ZSCORE_MAGIC, NULL);
  g_return_val_if_fail (series != NULL && series->x != NULL, NULL);

  x = series->x;
  nm = z->n_metrics;
  if (x->n_features != nm)
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_DATA,
                   _("The rows to score have %u metrics, the detector was fitted on %u"),
                   x->n_features, nm);
      return NULL;
    }

  out = ax_scores_new_shared_ranges (x->n_rows, nm);
  for (guint m = 0; m < nm; m++)
    {
      out->expected_low[m] = z->median[m] - z->threshold * z->scale[m];
      out->expected_high[m] = z->median[m] + z->threshold * z->scale[m];
    }
  z2 = g_new (double, nm);
  for (guint i = 0; i < x->n_rows; i++)
    {
      gsize at = (gsize) i * nm;
      double max_z = 0, total = 0;
      guint n_present = 0, n_infinite = 0;

      if (i % AX_DETECT_CANCEL_ROWS == 0 && g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          ax_scores_free (out);
          return NULL;
        }

      for (guint m = 0; m < nm; m++)
        {
          double value = ax_matrix_get (x, i, m), d = value - z->median[m];
          double zm = isnan (d) ? 0 : fabs (d) / z->scale[m];

          z2[m] = zm * zm;
          total += z2[m];
          n_present += !isnan (d);
          n_infinite += isinf (z2[m]);
          max_z = MAX (max_z, zm);
          out->direction[at + m] = isnan (d) ? 0
                                   : value > out->expected_high[m] ? 1
                                   : value < out->expected_low[m] ? -1 : 0;
        }
      /* Shares of the squared z; a z that overflowed takes it all (shared
       * with any other that did), and with every z 0 the metrics that
       * have a value share evenly. */
      for (guint m = 0; m < nm; m++)
        {
          gboolean missing = isnan (ax_matrix_get (x, i, m) - z->median[m]);
          double c;

          if (n_infinite > 0)
            c = isinf (z2[m]) ? 1.0 / n_infinite : 0;
          else if (total > 0)
            c = z2[m] / total;
          else if (n_present > 0)
            c = missing ? 0 : 1.0 / n_present;
          else
            c = 1.0 / nm;
          out->contribution[at + m] = c;
        }
      out->score[i] = 1 - exp (-SCORE_RATE * (max_z / z->threshold) * (max_z / z->threshold));
    }
  return out;
}

static void
zscore_free (AxDetectorState *state)
{
  ZScore *z = (ZScore *) state;

  g_return_if_fail (z == NULL || z->magic == ZSCORE_MAGIC);
  zscore_free_impl (z);
}

const AxDetector ax_robust_zscore_detector = {
  .name = "robust_zscore",
  .label = N_("Robust z-score"),
  .params = zscore_params,
  .needs_time = FALSE,
  .fit = zscore_fit,
  .score = zscore_score,
  .free = zscore_free,
};
