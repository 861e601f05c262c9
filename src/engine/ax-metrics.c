/* ax-metrics.c — regression and classification metrics
 *
 * Every metric is unweighted: the metrics describe how the model does on
 * the rows as they are, whatever weights training used.
 */

#include "ax-metrics.h"

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

typedef struct {
  guint64  key;          /* orders as the score does */
  double   score;
  guint    positive;
} Scored;

/* A key that orders doubles (no NaN) as their values do. */
static inline guint64
score_key (double v)
{
  guint64 u;

  if (v == 0)
    v = 0;      /* -0 sorts with +0 */
  memcpy (&u, &v, sizeof u);
  return (u & G_GUINT64_CONSTANT (0x8000000000000000)) ? ~u : u | G_GUINT64_CONSTANT (0x8000000000000000);
}

/* Sorts @n scored rows by score: a least-significant-digit radix sort of
 * the keys, eight passes of 8 bits, any pass whose digit is the same in
 * every key skipped.  @tmp holds @n. */
static void
sort_scored (Scored *s,
             Scored *tmp,
             guint   n)
{
  for (guint shift = 0; shift < 64; shift += 8)
    {
      guint count[256] = { 0 }, at = 0;

      for (guint i = 0; i < n; i++)
        count[(s[i].key >> shift) & 0xff]++;
      if (count[(s[0].key >> shift) & 0xff] == n)
        continue;
      for (guint d = 0; d < 256; d++)
        {
          guint c = count[d];
          count[d] = at;
          at += c;
        }
      for (guint i = 0; i < n; i++)
        tmp[count[(s[i].key >> shift) & 0xff]++] = s[i];
      memcpy (s, tmp, (gsize) n * sizeof *s);
    }
}

/* The area under the ROC curve of scores[i * stride] for the rows whose
 * class is @positive against all others: the Mann-Whitney U statistic over
 * average ranks, so tied scores count one half.  NAN when either side has
 * no rows. */
static double
auc_one_vs_rest (const double *y,
                 const double *pred,
                 guint         n,
                 guint         stride,
                 guint         positive)
{
  g_autofree Scored *s = g_new (Scored, MAX (n, 1));
  g_autofree Scored *tmp = g_new (Scored, MAX (n, 1));
  double rank_sum = 0;
  guint64 n_pos = 0, n_neg;

  for (guint i = 0; i < n; i++)
    {
      s[i].score = pred[(gsize) i * stride + positive];
      s[i].key = score_key (s[i].score);
      s[i].positive = (guint) y[i] == positive;
      n_pos += s[i].positive;
    }
  n_neg = n - n_pos;
  if (n_pos == 0 || n_neg == 0)
    return NAN;

  sort_scored (s, tmp, n);
  for (guint i = 0; i < n;)
    {
      guint j = i, pos_in_tie = 0;
      double avg_rank;

      while (j < n && s[j].score == s[i].score)
        pos_in_tie += s[j++].positive;
      /* Ranks i+1 .. j, averaged over the tie. */
      avg_rank = (i + 1 + j) / 2.0;
      rank_sum += avg_rank * pos_in_tie;
      i = j;
    }
  return (rank_sum - (double) n_pos * (n_pos + 1) / 2) / ((double) n_pos * n_neg);
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
