/* ax-metrics.c — regression and classification metrics
 *
 * Every metric is unweighted: the metrics describe how the model does on
 * the rows as they are, whatever weights training used.
 */

#include "ax-metrics.h"
#include "ax-stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Probabilities are clipped before the logarithm, as scikit-learn does, so
 * that one confident mistake costs -log(1e-15) ≈ 34.5 and not infinity. */
#define LOG_LOSS_EPS 1e-15

static void
regression_metrics (AxMetrics    *m,
                    const double *y,
                    const double *pred)
{
  double sum_abs = 0, sum_sq = 0, ss_tot, sum_ape = 0;
  guint n = m->n_rows, n_ape = 0;

  if (n == 0)
    {
      m->mae = m->rmse = m->r2 = m->mape = NAN;
      return;
    }
  for (guint i = 0; i < n; i++)
    {
      double e = y[i] - pred[i];

      sum_abs += fabs (e);
      sum_sq += e * e;
      if (y[i] != 0)
        {
          sum_ape += fabs (e / y[i]);
          n_ape++;
        }
    }
  ss_tot = ax_total_sum_of_squares (y, n);

  m->mae = sum_abs / n;
  m->rmse = sqrt (sum_sq / n);
  m->r2 = ss_tot > 0 ? 1 - sum_sq / ss_tot : NAN;
  m->mape = n_ape > 0 ? sum_ape / n_ape : NAN;
}

/* The area under the ROC curve of scores[i * stride] for the rows whose
 * class is @positive against all others: the share of (positive,
 * negative) pairs the positive wins, a tie counting one half (the
 * Mann-Whitney U statistic).  NAN when either side has no rows. */
static double
auc_one_vs_rest (const double *y,
                 const double *pred,
                 guint         n,
                 guint         stride,
                 guint         positive)
{
  g_autofree double *pos = g_new (double, MAX (n, 1)), *neg = g_new (double, MAX (n, 1));
  gsize n_pos = 0, n_neg = 0, below = 0, not_above = 0;
  double u = 0;

  for (guint i = 0; i < n; i++)
    {
      double s = pred[(gsize) i * stride + positive];

      if ((guint) y[i] == positive)
        pos[n_pos++] = s;
      else
        neg[n_neg++] = s;
    }
  if (n_pos == 0 || n_neg == 0)
    return NAN;

  ax_sort_doubles (pos, n_pos);
  ax_sort_doubles (neg, n_neg);
  for (gsize i = 0; i < n_pos; i++)
    {
      /* Negatives below this positive, and not above it. */
      while (below < n_neg && neg[below] < pos[i])
        below++;
      not_above = MAX (not_above, below);
      while (not_above < n_neg && neg[not_above] <= pos[i])
        not_above++;
      u += below + 0.5 * (not_above - below);
    }
  return u / ((double) n_pos * n_neg);
}

static guint
argmax (const double *p,
        guint         k)
{
  guint best = 0;

  for (guint c = 1; c < k; c++)
    if (p[c] > p[best])
      best = c;
  return best;
}

/* Precision, recall and F1 of class @c from the confusion matrix; 0 where
 * a denominator is zero (no row predicted or present), as scikit-learn. */
static void
class_prf (const AxMetrics *m,
           guint            c,
           double          *precision,
           double          *recall,
           double          *f1)
{
  guint k = m->n_classes;
  guint64 tp = m->confusion[c * k + c], predicted = 0, actual = 0;

  for (guint j = 0; j < k; j++)
    {
      predicted += m->confusion[j * k + c];
      actual += m->confusion[c * k + j];
    }
  *precision = predicted > 0 ? (double) tp / predicted : 0;
  *recall = actual > 0 ? (double) tp / actual : 0;
  *f1 = *precision + *recall > 0 ? 2 * *precision * *recall / (*precision + *recall) : 0;
}

static void
classification_metrics (AxMetrics    *m,
                        const double *y,
                        const double *pred)
{
  guint n = m->n_rows, k = m->n_classes;
  guint64 correct = 0;
  double log_loss = 0, auc_sum = 0;
  guint n_auc = 0;

  m->confusion = g_new0 (guint64, (gsize) k * k);
  if (n == 0)
    {
      m->accuracy = m->precision = m->recall = m->f1 = NAN;
      m->precision_macro = m->recall_macro = m->f1_macro = NAN;
      m->roc_auc = m->log_loss = NAN;
      return;
    }

  for (guint i = 0; i < n; i++)
    {
      const double *p = pred + (gsize) i * k;
      guint actual = (guint) y[i], predicted = argmax (p, k);

      m->confusion[actual * k + predicted]++;
      correct += actual == predicted;
      log_loss -= log (CLAMP (p[actual], LOG_LOSS_EPS, 1 - LOG_LOSS_EPS));
    }
  m->accuracy = (double) correct / n;
  m->log_loss = log_loss / n;

  m->precision_macro = m->recall_macro = m->f1_macro = 0;
  for (guint c = 0; c < k; c++)
    {
      double p, r, f;

      class_prf (m, c, &p, &r, &f);
      m->precision_macro += p / k;
      m->recall_macro += r / k;
      m->f1_macro += f / k;
    }
  if (k == 2)
    class_prf (m, 1, &m->precision, &m->recall, &m->f1);
  else
    {
      m->precision = m->precision_macro;
      m->recall = m->recall_macro;
      m->f1 = m->f1_macro;
    }

  if (k == 2)
    m->roc_auc = auc_one_vs_rest (y, pred, n, k, 1);
  else
    {
      /* Classes absent from the rows (or the only one present) have no
       * curve and are left out of the average. */
      for (guint c = 0; c < k; c++)
        {
          double auc = auc_one_vs_rest (y, pred, n, k, c);
          if (!isnan (auc))
            {
              auc_sum += auc;
              n_auc++;
            }
        }
      m->roc_auc = n_auc > 0 ? auc_sum / n_auc : NAN;
    }
}

AxMetrics *
ax_metrics_compute (const AxTarget *truth,
                    guint           n_rows,
                    const double   *pred)
{
  AxMetrics *m;

  g_return_val_if_fail (truth != NULL, NULL);
  g_return_val_if_fail (n_rows == 0 || (truth->y != NULL && pred != NULL), NULL);

  m = g_new0 (AxMetrics, 1);
  m->task = truth->task;
  m->n_rows = n_rows;
  m->mae = m->rmse = m->r2 = m->mape = NAN;
  m->accuracy = m->precision = m->recall = m->f1 = NAN;
  m->precision_macro = m->recall_macro = m->f1_macro = NAN;
  m->roc_auc = m->log_loss = NAN;

  if (truth->task == AX_TASK_REGRESSION)
    {
      regression_metrics (m, truth->y, pred);
      return m;
    }

  g_return_val_if_fail (truth->n_classes >= 2, m);
  for (guint i = 0; i < n_rows; i++)
    g_return_val_if_fail (truth->y[i] >= 0 && truth->y[i] < truth->n_classes, m);
  m->n_classes = truth->n_classes;
  classification_metrics (m, truth->y, pred);
  return m;
}

void
ax_metrics_free (AxMetrics *m)
{
  if (m == NULL)
    return;
  g_free (m->confusion);
  g_free (m);
}

double
ax_total_sum_of_squares (const double *y,
                         guint         n)
{
  double mean = 0, ss = 0;

  for (guint i = 0; i < n; i++)
    mean += y[i];
  mean /= n;
  for (guint i = 0; i < n; i++)
    ss += (y[i] - mean) * (y[i] - mean);
  return ss;
}

double
ax_metrics_score (const AxMetrics *m)
{
  g_return_val_if_fail (m != NULL, NAN);

  if (m->task == AX_TASK_REGRESSION)
    return m->r2;
  if (m->n_classes == 2)
    return m->roc_auc;
  return m->accuracy;
}

double
ax_metrics_score_of (const AxTarget *truth,
                     guint           n_rows,
                     const double   *pred)
{
  guint k = truth->n_classes;
  guint64 correct = 0;

  g_return_val_if_fail (n_rows == 0 || (truth->y != NULL && pred != NULL), NAN);

  if (n_rows == 0)
    return NAN;
  if (truth->task == AX_TASK_REGRESSION)
    {
      double sum_sq = 0, ss_tot;

      for (guint i = 0; i < n_rows; i++)
        {
          double e = truth->y[i] - pred[i];
          sum_sq += e * e;
        }
      ss_tot = ax_total_sum_of_squares (truth->y, n_rows);
      return ss_tot > 0 ? 1 - sum_sq / ss_tot : NAN;
    }
  if (k == 2)
    return auc_one_vs_rest (truth->y, pred, n_rows, k, 1);
  for (guint i = 0; i < n_rows; i++)
    correct += (guint) truth->y[i] == argmax (pred + (gsize) i * k, k);
  return (double) correct / n_rows;
}
