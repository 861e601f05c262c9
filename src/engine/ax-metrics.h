/* ax-metrics.h — how good a model is, on rows it did not learn from
 *
 * Regression: MAE, RMSE, R2 and MAPE (over rows whose actual value is not
 * zero).  Classification: accuracy, precision, recall and F1 (for two
 * classes of the positive class, index 1; macro averages for every class
 * count), ROC-AUC (two classes: exact, with ties; more: the macro average of
 * one-vs-rest), log loss, and the confusion matrix.  NAN where a metric is
 * undefined (R2 of a constant target, AUC with one class present).
 */
#pragma once

#include "ax-learn.h"

G_BEGIN_DECLS

typedef struct {
  AxTask   task;
  guint    n_rows;
  /* Regression. */
  double   mae, rmse, r2, mape;
  /* Classification. */
  guint    n_classes;
  double   accuracy;
  double   precision, recall, f1;             /* binary: of class 1; else macro */
  double   precision_macro, recall_macro, f1_macro;
  double   roc_auc;
  double   log_loss;
  guint64 *confusion;                          /* n_classes x n_classes, [actual * n + predicted] */
} AxMetrics;

/* @pred: regression values, or n_rows x n_classes probabilities. */
AxMetrics *ax_metrics_compute (const AxTarget *truth,
                               guint           n_rows,
                               const double   *pred);
void       ax_metrics_free    (AxMetrics      *m);
/* The one number to compare models by, larger is better: R2 for
 * regression, ROC-AUC for two classes, accuracy otherwise. */
double     ax_metrics_score   (const AxMetrics *m);
/* ax_metrics_score() of the metrics of @pred, without the others. */
double     ax_metrics_score_of (const AxTarget *truth,
                                guint           n_rows,
                                const double   *pred);

/* Σ (y[i] − ȳ)² over the @n (at least 1) values of @y: the total sum of
 * squares that R2 = 1 − residual / total measures against.  Summed in row
 * order, so every caller gets the same bits. */
double     ax_total_sum_of_squares (const double *y,
                                    guint         n);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AxMetrics, ax_metrics_free)

G_END_DECLS
