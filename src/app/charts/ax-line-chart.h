/* ax-line-chart.h — several series over a numeric or time axis, shaded
 * bands, highlighted markers and labelled rules, with zoom and pan */
#pragma once

#include "ax-chart.h"

G_BEGIN_DECLS

#define AX_TYPE_LINE_CHART (ax_line_chart_get_type ())
G_DECLARE_FINAL_TYPE (AxLineChart, ax_line_chart, AX, LINE_CHART, AxChart)

AxLineChart *ax_line_chart_new          (void);
/* Whether x values are times: seconds since 1970-01-01 UTC, with calendar
 * ticks that read well at every zoom (years, months, days, hours). */
void  ax_line_chart_set_time_axis (AxLineChart *self, gboolean time_axis);
/* Whether x values are counts (trees, rounds): ticks on whole numbers. */
void  ax_line_chart_set_integer_x (AxLineChart *self, gboolean integer_x);
/* Adds a series (arrays copied; a NaN y is a gap; points are sorted by x).
 * Returns the series' index; colours come from a palette in order. */
guint ax_line_chart_add_series    (AxLineChart *self, const char *name,
                                   const double *x, const double *y, gsize n);
/* A shaded range (e.g. 80% / 95% prediction range, expected band) in the
 * colour of series @series, drawn beneath the lines. */
void  ax_line_chart_add_band      (AxLineChart *self, guint series, const char *name,
                                   const double *x, const double *lower, const double *upper,
                                   gsize n);
/* Highlighted points (e.g. anomalies), drawn on top in the error colour. */
void  ax_line_chart_add_markers   (AxLineChart *self, const char *name,
                                   const double *x, const double *y, gsize n);
/* A labelled vertical rule (e.g. "Test period" start, "Now"). */
void  ax_line_chart_add_rule      (AxLineChart *self, double x, const char *label);
/* Zoom (scroll with Ctrl, pinch, +/-) and pan (drag, Left/Right) on the x
 * axis; Home / double click resets.  Series of 1,000,000 points are
 * decimated (min/max per pixel column).  The actions are "chart.zoom-in",
 * "chart.zoom-out", "chart.reset-zoom", "chart.pan-left", "chart.pan-right". */
void  ax_line_chart_reset_zoom    (AxLineChart *self);
/* The x range shown (all the data when not zoomed); FALSE without data. */
gboolean ax_line_chart_get_visible_range (AxLineChart *self, double *lo, double *hi);
/* Shows [@lo, @hi] of the x axis (clamped to the data). */
void  ax_line_chart_set_visible_range (AxLineChart *self, double lo, double hi);

G_END_DECLS
