/* ax-roc-chart.h — ROC curves with the chance diagonal and AUC in the legend */
#pragma once

#include "ax-chart.h"

G_BEGIN_DECLS

#define AX_TYPE_ROC_CHART (ax_roc_chart_get_type ())
G_DECLARE_FINAL_TYPE (AxRocChart, ax_roc_chart, AX, ROC_CHART, AxChart)

AxRocChart *ax_roc_chart_new      (void);
/* Adds a curve through (@fpr[i], @tpr[i]) in order (copied); the legend
 * reads "@name (AUC 0.87)".  Axis titles default to the rates' names. */
void  ax_roc_chart_add_curve      (AxRocChart *self, const char *name,
                                   const double *fpr, const double *tpr, gsize n, double auc);

G_END_DECLS
