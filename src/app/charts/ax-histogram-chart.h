/* ax-histogram-chart.h — the distribution of one numeric column */
#pragma once

#include "ax-chart.h"

G_BEGIN_DECLS

#define AX_TYPE_HISTOGRAM_CHART (ax_histogram_chart_get_type ())
G_DECLARE_FINAL_TYPE (AxHistogramChart, ax_histogram_chart, AX, HISTOGRAM_CHART, AxChart)

AxHistogramChart *ax_histogram_chart_new (void);
/* Bins @values (NaNs skipped).  @n_bins 0 = automatic (Freedman–Diaconis,
 * clamped to 5..60, on nice bin edges). */
void  ax_histogram_chart_set_values (AxHistogramChart *self, const double *values, gsize n, guint n_bins);

G_END_DECLS
