/* ax-chart-private.h — what chart kinds share to draw: the style, the
 * frame being drawn, axes and text
 *
 * The base hands each drawing an AxChartFrame: the cairo context, the
 * colours, and the area left after the title and legend.  A kind lays out
 * its axes with ax_chart_frame_axes(), which draws grid, ticks and titles
 * and sets frame->plot, then maps its data with ax_axis_map().
 */
#pragma once

#include <adwaita.h>
#include <pango/pangocairo.h>

#include "ax-chart.h"
#include "ax-chart-scale.h"

G_BEGIN_DECLS

#define AX_CHART_PALETTE_SIZE 8

typedef struct {
  GdkRGBA fg;        /* text */
  GdkRGBA dim;       /* tick labels */
  GdkRGBA grid;      /* grid lines */
  GdkRGBA axis;      /* axis lines, rules */
  GdkRGBA bg;        /* the view's background (exports, outlines) */
  GdkRGBA accent;
  GdkRGBA error;
  GdkRGBA palette[AX_CHART_PALETTE_SIZE];
  gboolean dark;
} AxChartStyle;

typedef struct {
  double x, y, w, h;
} AxRect;

typedef enum {
  AX_LEGEND_LINE,
  AX_LEGEND_DASHED,
  AX_LEGEND_BAND,
  AX_LEGEND_MARKER,
  AX_LEGEND_BOX,
} AxLegendKind;

typedef enum {
  AX_AXIS_LINEAR,
  AX_AXIS_TIME,
  AX_AXIS_CATEGORY,
} AxAxisKind;

typedef struct {
  AxAxisKind kind;
  double     lo, hi;            /* the range shown; categories: set by layout */
  gboolean   nice;              /* widen lo/hi to the ticks (linear only) */
  const char *const *categories;
  guint      n_categories;
  gboolean   reversed;          /* draw from hi to lo (categories top-down) */
  gboolean   no_grid;
  AxTicks    ticks;             /* filled by the layout */
  guint      category_every;    /* categories: label every n-th (1 = all) */
  gboolean   integer;           /* linear: ticks on whole numbers only */
} AxAxis;

struct _AxChartFrame {
  cairo_t            *cr;
  const AxChartStyle *style;
  AxChart            *chart;
  PangoFontDescription *font;
  double              width, height;  /* the whole chart */
  AxRect              area;           /* left for axes and data */
  AxRect              plot;           /* where data goes (after ax_chart_frame_axes) */
  gboolean            exporting;
  gboolean            legend_inside;  /* set by legend(): the kind draws it */
  GArray             *legend;         /* private to ax-chart.c */
};

/* The palette colour for series @i (wraps around). */
const GdkRGBA *ax_chart_frame_series_color (AxChartFrame *frame, guint i);

void ax_chart_frame_add_legend (AxChartFrame *frame, AxLegendKind kind,
                                const GdkRGBA *color, const char *label);

/* Draws the legend stacked in the bottom right corner of @rect (for kinds
 * that set frame->legend_inside), when it fits. */
void ax_chart_frame_legend_in_corner (AxChartFrame *frame, const AxRect *rect);

/* Text: @xalign/@yalign 0 = left/top of the text at (x, y), 0.5 centred, 1
 * right/bottom.  @max_width > 0 ellipsizes.  Returns the drawn size. */
void ax_chart_frame_text      (AxChartFrame *frame, const char *text, double x, double y,
                               double xalign, double yalign, const GdkRGBA *color,
                               gboolean bold, double max_width, double *out_w, double *out_h);
void ax_chart_frame_text_size (AxChartFrame *frame, const char *text, gboolean bold,
                               double *out_w, double *out_h);

/* Lays out and draws the two axes (grid, tick labels, axis titles) in
 * frame->area, computing ticks that fit, and sets frame->plot. */
void ax_chart_frame_axes      (AxChartFrame *frame, AxAxis *x, AxAxis *y);

/* Maps @v on @axis into the pixel range [p0, p1] (p0 ↔ lo). */
double ax_axis_map   (const AxAxis *axis, double v, double p0, double p1);
/* The inverse of ax_axis_map(). */
double ax_axis_unmap (const AxAxis *axis, double p, double p0, double p1);
/* Pixel x / y of a value in the frame's plot. */
double ax_chart_frame_px (AxChartFrame *frame, const AxAxis *x, double v);
double ax_chart_frame_py (AxChartFrame *frame, const AxAxis *y, double v);

void ax_chart_set_source (cairo_t *cr, const GdkRGBA *color, double alpha);

/* Subclasses call this when their data changed: redraws and updates the
 * accessible label. */
void ax_chart_data_changed (AxChart *self);

/* Where the last drawing put the plot (widget coordinates). */
void ax_chart_remember_plot (AxChart *self, const AxRect *plot);

/* The chart's style now (light or dark, accent, palette). */
void ax_chart_get_style (AxChart *self, AxChartStyle *style);

/* Mixes @a toward @b by @t (0 = a, 1 = b). */
GdkRGBA ax_chart_mix (const GdkRGBA *a, const GdkRGBA *b, double t);

G_END_DECLS
