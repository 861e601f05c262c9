/* ax-heatmap-chart.h — a matrix of shaded cells showing their values,
 * e.g. a confusion matrix */
#pragma once

#include "ax-chart.h"

G_BEGIN_DECLS

#define AX_TYPE_HEATMAP_CHART (ax_heatmap_chart_get_type ())
G_DECLARE_FINAL_TYPE (AxHeatmapChart, ax_heatmap_chart, AX, HEATMAP_CHART, AxChart)

AxHeatmapChart *ax_heatmap_chart_new (void);
/* Sets the matrix (copied).  Rows run top-down with @row_labels on the
 * left, columns left to right with @col_labels below; the axis titles
 * (ax_chart_set_axis_titles: x for columns, y for rows) name them, e.g.
 * "Predicted" and "Actual".  A cell's shade is its value over the largest. */
void  ax_heatmap_chart_set_matrix (AxHeatmapChart *self,
                                   const char *const *row_labels, const char *const *col_labels,
                                   const double *values /* row-major */, guint n_rows, guint n_cols);

G_END_DECLS
