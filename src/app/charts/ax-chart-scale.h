/* ax-chart-scale.h — the arithmetic of chart axes, with no drawing
 *
 * Nice tick values (1-2-5 steps) and their labels, calendar ticks for time
 * axes (years down to seconds, in UTC), min/max decimation of long series
 * and histogram binning.  Only GLib: the charts draw what these compute,
 * and the tests check it without a display.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define AX_SCALE_MAX_TICKS 64

typedef struct {
  double   value;
  char     label[48];
  gboolean major;     /* a larger unit starts here (a new year, month or day) */
} AxTick;

typedef struct {
  guint  n;
  double step;        /* linear: the step; time: its length in seconds (months 30.44 days) */
  AxTick ticks[AX_SCALE_MAX_TICKS];
} AxTicks;

/* The 1-2-5 step (…, 0.5, 1, 2, 5, 10, …) that divides @range into at most
 * @max_ticks intervals (at least 1 interval).  @range must be > 0. */
double ax_scale_nice_step (double range, guint max_ticks);

/* Widens [*lo, *hi] outward to multiples of the nice step for @max_ticks.
 * An empty range (lo == hi) is widened around its value first. */
void   ax_scale_nice_range (double *lo, double *hi, guint max_ticks);

/* The multiples of the nice step that lie in [lo, hi] (at most @max_ticks + 1
 * of them), labelled with ax_scale_format_number(). */
void   ax_scale_linear_ticks (double lo, double hi, guint max_ticks, AxTicks *out);
/* The same on whole numbers only (a step of at least 1), for counts. */
void   ax_scale_integer_ticks (double lo, double hi, guint max_ticks, AxTicks *out);

/* A tick label for @v on an axis whose step is @step: thousands separators
 * ("12,500") for steps below 1000, SI suffixes ("250k", "1.2M", "3G") from
 * there, and as many decimals as the step needs ("0.25" for step 0.05). */
char  *ax_scale_format_number (double v, double step);

/* @v for a tooltip: about four significant digits, separators, SI suffixes
 * from a million ("3.46M"). */
char  *ax_scale_format_value (double v);

/* Calendar ticks in UTC for the seconds-since-1970 range [lo, hi]: the finest
 * of 1/5/15/30 s, 1/5/15/30 min, 1/3/6/12 h, 1/2/7 days, 1/3/6 months and
 * 1/2/5/10… years giving at most @max_ticks ticks.  Labels are short ("Mar",
 * "14:00") with the context where a larger unit starts ("1950", "Tue 3 Mar",
 * marked major) and on the first tick ("Mar 1950"). */
void   ax_scale_time_ticks (double lo, double hi, guint max_ticks, AxTicks *out);

/* @t (seconds since 1970, UTC) for a tooltip, as precise as @resolution
 * (the series' spacing in seconds): "1958", "March 1958", "Tue 3 Mar 2020",
 * "3 Mar 2020 14:00", "3 Mar 2020 14:00:05". */
char  *ax_scale_format_time (double t, double resolution);

/* The spacing of a sorted series: the median of the first gaps between
 * neighbours (0 when fewer than two points). */
double ax_scale_typical_spacing (const double *x, gsize n);

/* Decimates the points of (@x, @y) — @x ascending — that fall in [@x0, @x1]
 * for drawing @columns pixel columns wide.  Each column keeps its first,
 * lowest, highest and last point, in order (and a NaN when it holds one, to
 * keep gaps), plus the nearest point on each side of the range so lines
 * leave the view.  When the range holds few points they are copied as they
 * are.  Writes at most ax_scale_decimate_capacity(@columns) points to
 * @out_x/@out_y and returns how many. */
gsize  ax_scale_decimate (const double *x, const double *y, gsize n,
                          double x0, double x1, guint columns,
                          double *out_x, double *out_y);
gsize  ax_scale_decimate_capacity (guint columns);

/* Bins @values (NaNs skipped) into @n_bins equal bins from the lowest to the
 * highest value; @n_bins 0 picks the width by Freedman–Diaconis
 * (2·IQR/∛n), rounded up to a nice 1-2-2.5-5 step with bin edges on its
 * multiples, and keeps the count within 5..60.  Returns FALSE when no value
 * is finite.  *@counts is a new array of @out_n_bins counts. */
gboolean ax_scale_histogram (const double *values, gsize n, guint n_bins,
                             double *out_lo, double *out_width, guint *out_n_bins,
                             guint64 **counts);

G_END_DECLS
