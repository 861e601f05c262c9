/* ax-feedback.c — how many alerts: the alert budget and false-positive feedback
 *
 * Alert budget.  With threshold_config.alert_budget ("alerts": N, "per":
 * "week") the thresholds come from a replay of the history rather than
 * the configuration: every fitted row of every series is scored, and
 * "low" is set so that the replay raises K = N × (the history's time span
 * in days, weeks or months of 30.44 days) alerts: the midpoint between the
 * K-th and the K+1-th highest replayed score.  A detector with a
 * "contamination" setting (the isolation forest, whose scores are not
 * calibrated to the guide's thresholds) has such a budget by default, K =
 * contamination × the replayed rows, as scikit-learn sets its offset; an
 * explicit alert_budget takes precedence and contamination 0 keeps the
 * configured thresholds.
 *
 * medium, high and critical: for a detector whose scores follow the
 * guide's scale (seasonal, robust_zscore) they keep the configured
 * thresholds' proportions: if the configured thresholds would make 40% of
 * the replay's alerts medium or worse, the budget's "medium" is set where
 * 40% of its K alerts are (at least one alert, and fewer than the level
 * below has, so that the levels stay apart).  For the isolation forest,
 * whose scores are not on that scale (most rows score above the guide's
 * 0.5, hardly any reach 0.7), and for a configured level that no replayed
 * score reaches, a level is placed at its configured relative position
 * in the gap between the last level placed (by count, else "low") and
 * the highest replayed score: with the guide's 0.5, 0.7, 0.85 and 0.95,
 * medium, high and critical sit 40%, 70% and 90% of the way from the new
 * "low" to the top score, so that they are distinct and the top replayed
 * rows reach each.  Only where scores tie do two levels come within a
 * rounding step of each other.  The replay uses raw scores, so that
 * marking false positives lowers the number of alerts below the budget
 * rather than raising others in their place.
 *
 * Feedback.  An analyst's "false positive" mark is kept as the metric values of the
 * row, its group and (optionally) the values the detector expected there.
 * Every later run damps the score of each row by the nearest such example
 * of the same group:
 *
 *   score' = score × (1 − W · exp (−d² / (2 h²)))
 *   d      = the largest over the metrics of rel (x_m, f_m) [and rel (e_m, g_m)]
 *   rel (a, b) = |a − b| / max (|a|, |b|)
 *
 * x the row's values, f the example's, e and g their expected values
 * (compared when both sides have them), W = 0.9 and h = 0.1.  The
 * distance is relative (0 for equal values, 1 when one is zero and the
 * other not, 2 for opposite signs), so it needs no statistics of the
 * data: a run, a preview and a stored anomaly compute the same number from
 * values alone.  A row within about 10% of an example in every metric
 * keeps under half its score (a score of 1 falls below the default "low"
 * of 0.5 within 11%); 30% off in any one metric, the damping is about 1%,
 * so unlike anomalies keep their score.  Only the nearest example counts, so that many marks far from a
 * row cannot add up to damp it, and W < 1 keeps the ranking among damped
 * rows.  Likeness is of values (and expectations), not of causes: a true
 * anomaly that looks like a marked false positive in every metric is
 * damped too.
 */

#include "ax-config.h"
#include "ax-detect-private.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Alert budget */

static int
double_desc (const void *a,
             const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x < y) - (x > y);
}

/* The threshold that @k of the descending @sorted (@n) scores reach: the
 * midpoint between the k-th and the next, or the k-th where they tie. */
static double
threshold_for_count (const double *sorted,
                     guint         n,
                     guint         k)
{
  if (k == 0)
    return sorted[0] < 1 ? (sorted[0] + 1) / 2 : 1;
  if (k >= n)
    return sorted[n - 1];
  return sorted[k - 1] > sorted[k] ? (sorted[k - 1] + sorted[k]) / 2 : sorted[k - 1];
}

void
ax_alert_budget_thresholds (const double *configured,
                            double       *scores,
                            guint         n,
                            guint         k,
                            gboolean      calibrated,
                            double       *out)
{
  guint n_cfg_low = 0, k_prev = k;
  int base = AX_SEVERITY_LOW;     /* the last level placed by a count */
  double top;

  memcpy (out, configured, 5 * sizeof (double));
  if (n == 0)
    return;
  qsort (scores, n, sizeof (double), double_desc);
  top = scores[0];
  out[AX_SEVERITY_LOW] = CLAMP (threshold_for_count (scores, n, k), 1e-9, 1);
  for (guint i = 0; i < n && scores[i] >= configured[AX_SEVERITY_LOW]; i++)
    n_cfg_low++;
  for (int s = AX_SEVERITY_MEDIUM; s <= AX_SEVERITY_CRITICAL; s++)
    {
      guint n_cfg = 0;
      gboolean placed = FALSE;
      double t = 0;

      for (guint i = 0; i < n && scores[i] >= configured[s]; i++)
        n_cfg++;
      /* By count: the configured share of the budget's alerts, at least
       * one and fewer than the level below takes. */
      if (calibrated && n_cfg > 0 && n_cfg_low > 0 && base == s - 1 && k_prev > 1)
        {
          guint ks = (guint) floor ((double) k * n_cfg / n_cfg_low + 0.5);

          ks = MIN (MAX (ks, 1), k_prev - 1);
          t = threshold_for_count (scores, n, ks);
          placed = t > out[s - 1];
          if (placed)
            {
              k_prev = ks;
              base = s;
            }
        }
      /* Otherwise in the gap up to the highest replayed score, at the
       * configured relative position. */
      if (!placed)
        t = out[base] + (configured[s] - configured[base]) / (1 - configured[base]) *
                        (top - out[base]);
      /* Keep the levels in order even where scores tie. */
      out[s] = MIN (MAX (t, nextafter (out[s - 1], 2)), 1);
    }
}

/* False-positive feedback */

static double
rel2 (double a,
      double b)
{
  double den = MAX (fabs (a), fabs (b)), d;

  if (!isfinite (a) || !isfinite (b))
    return 1;
  d = den > 0 ? fabs (a - b) / den : 0;
  return d * d;
}

/* The largest squared relative difference over the metrics' values (and
 * expected values): alike only when alike in every metric. */
static double
distance2 (const double     *values,
           const double     *expected,
           const AxFeedback *f,
           guint             n)
{
  gboolean context = expected != NULL && f->expected != NULL;
  double d2 = 0;

  for (guint m = 0; m < n; m++)
    {
      d2 = MAX (d2, rel2 (values[m], f->values[m]));
      if (context)
        d2 = MAX (d2, rel2 (expected[m], f->expected[m]));
    }
  return d2;
}

/* exp (−d² / (2 h²)) of the nearest example of @group; 0 when none. */
static double
nearest_kernel (const AxFeedback *feedback,
                guint             n_feedback,
                const char       *group,
                const double     *values,
                const double     *expected,
                guint             n_metrics)
{
  double nearest = G_MAXDOUBLE;

  for (guint f = 0; f < n_feedback; f++)
    {
      const AxFeedback *fb = &feedback[f];

      if (fb->n_metrics != n_metrics || fb->values == NULL || g_strcmp0 (fb->group, group) != 0)
        continue;
      nearest = MIN (nearest, distance2 (values, expected, fb, n_metrics));
    }
  if (nearest == G_MAXDOUBLE)
    return 0;
  return exp (-nearest / (2 * AX_FEEDBACK_BANDWIDTH * AX_FEEDBACK_BANDWIDTH));
}

double
ax_feedback_damping (const AxFeedback *feedback,
                     guint             n_feedback,
                     const char       *group,
                     const double     *values,
                     const double     *expected,
                     guint             n_metrics)
{
  return 1 - AX_FEEDBACK_WEIGHT * nearest_kernel (feedback, n_feedback, group, values,
                                                  expected, n_metrics);
}

guint
ax_detection_preview_feedback (const AxDetectionConfig *config,
                               const AxFeedback        *existing,
                               guint                    n_existing,
                               const AxFeedback        *added,
                               const AxFeedback        *past,
                               guint                    n_past)
{
  double low;
  guint count = 0;

  g_return_val_if_fail (config != NULL, 0);
  g_return_val_if_fail (added != NULL, 0);
  g_return_val_if_fail (past != NULL || n_past == 0, 0);

  low = config->threshold_config.thresholds[AX_SEVERITY_LOW];
  for (guint i = 0; i < n_past; i++)
    {
      const AxFeedback *p = &past[i];
      double k_before = nearest_kernel (existing, n_existing, p->group, p->values,
                                        p->expected, p->n_metrics);
      double k_added = nearest_kernel (added, 1, p->group, p->values, p->expected, p->n_metrics);
      double before = p->score * (1 - AX_FEEDBACK_WEIGHT * k_before);
      double after = p->score * (1 - AX_FEEDBACK_WEIGHT * MAX (k_before, k_added));

      if (before >= low && after < low)
        count++;
    }
  return count;
}
