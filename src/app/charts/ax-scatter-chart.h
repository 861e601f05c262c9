/* ax-scatter-chart.h — points, e.g. predicted vs actual (with the
 * diagonal) or residuals (with the zero line) */
#pragma once

#include "ax-chart.h"

G_BEGIN_DECLS

#define AX_TYPE_SCATTER_CHART (ax_scatter_chart_get_type ())
G_DECLARE_FINAL_TYPE (AxScatterChart, ax_scatter_chart, AX, SCATTER_CHART, AxChart)

AxScatterChart *ax_scatter_chart_new (void);
/* Sets the points (copied; pairs with a NaN are skipped). */
void  ax_scatter_chart_set_data      (AxScatterChart *self, const double *x, const double *y, gsize n);
/* Draws the line y = x, with both axes on the same range. */
void  ax_scatter_chart_set_diagonal  (AxScatterChart *self, gboolean diagonal);
/* Draws the line y = 0 (the range then includes 0). */
void  ax_scatter_chart_set_zero_line (AxScatterChart *self, gboolean zero_line);

G_END_DECLS
