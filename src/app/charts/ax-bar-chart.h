/* ax-bar-chart.h — categorical bars, vertical or horizontal, signed values */
#pragma once

#include "ax-chart.h"

G_BEGIN_DECLS

#define AX_TYPE_BAR_CHART (ax_bar_chart_get_type ())
G_DECLARE_FINAL_TYPE (AxBarChart, ax_bar_chart, AX, BAR_CHART, AxChart)

AxBarChart *ax_bar_chart_new      (void);
/* Horizontal bars list the categories top-down (good for long labels). */
void  ax_bar_chart_set_horizontal (AxBarChart *self, gboolean horizontal);
/* @colors may be NULL (accent colour); negative values extend the other way.
 * Arrays are copied; a NaN value leaves its category empty. */
void  ax_bar_chart_set_data       (AxBarChart *self, const char *const *labels,
                                   const double *values, const GdkRGBA *colors, gsize n);
/* Optional text shown at the end of each bar instead of the value (may be NULL). */
void  ax_bar_chart_set_value_labels (AxBarChart *self, const char *const *texts, gsize n);

G_END_DECLS
