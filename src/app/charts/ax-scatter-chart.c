/* ax-scatter-chart.c — points with an optional diagonal or zero line
 *
 * Many points overplot: beyond a few thousand, each pixel is drawn once
 * (an occupancy bitmap), which looks the same and keeps drawing fast.
 */

#include "ax-config.h"
#include "ax-scatter-chart.h"
#include "ax-chart-private.h"

#include <glib/gi18n.h>
#include <math.h>

struct _AxScatterChart {
  AxChart   parent_instance;

  double   *x, *y;
  gsize     n;
  gboolean  diagonal;
  gboolean  zero_line;

  gboolean  laid_out;
  AxAxis    last_x, last_y;
  AxRect    last_plot;
};

G_DEFINE_FINAL_TYPE (AxScatterChart, ax_scatter_chart, AX_TYPE_CHART)

static void
scatter_chart_draw (AxChart      *chart,
                    AxChartFrame *frame)
{
  AxScatterChart *self = AX_SCATTER_CHART (chart);
  AxAxis xa = { .kind = AX_AXIS_LINEAR, .nice = TRUE, .lo = INFINITY, .hi = -INFINITY };
  AxAxis ya = { .kind = AX_AXIS_LINEAR, .nice = TRUE, .lo = INFINITY, .hi = -INFINITY };
  cairo_t *cr = frame->cr;
  g_autofree guint8 *seen = NULL;
  int bw = 0, bh = 0;
  double r = self->n > 2000 ? 1.8 : 3;

  for (gsize i = 0; i < self->n; i++)
    {
      xa.lo = MIN (xa.lo, self->x[i]), xa.hi = MAX (xa.hi, self->x[i]);
      ya.lo = MIN (ya.lo, self->y[i]), ya.hi = MAX (ya.hi, self->y[i]);
    }
  if (self->diagonal)
    {
      /* One range for both axes, so that the diagonal runs corner to corner. */
      xa.lo = ya.lo = MIN (xa.lo, ya.lo);
      xa.hi = ya.hi = MAX (xa.hi, ya.hi);
      ax_scale_nice_range (&xa.lo, &xa.hi, 6);
      ya.lo = xa.lo, ya.hi = xa.hi;
      xa.nice = ya.nice = FALSE;
    }
  if (self->zero_line)
    ya.lo = MIN (ya.lo, 0), ya.hi = MAX (ya.hi, 0);
  ax_chart_frame_axes (frame, &xa, &ya);

  cairo_save (cr);
  cairo_rectangle (cr, frame->plot.x, frame->plot.y, frame->plot.w, frame->plot.h);
  cairo_clip (cr);

  if (self->zero_line || self->diagonal)
    {
      cairo_save (cr);
      ax_chart_set_source (cr, &frame->style->fg, 0.6);
      cairo_set_line_width (cr, 1.5);
      cairo_set_dash (cr, (double[]) { 6, 4 }, 2, 0);
      if (self->diagonal)
        {
          cairo_move_to (cr, ax_chart_frame_px (frame, &xa, xa.lo), ax_chart_frame_py (frame, &ya, xa.lo));
          cairo_line_to (cr, ax_chart_frame_px (frame, &xa, xa.hi), ax_chart_frame_py (frame, &ya, xa.hi));
        }
      if (self->zero_line)
        {
          double py = round (ax_chart_frame_py (frame, &ya, 0)) + 0.5;
          cairo_move_to (cr, frame->plot.x, py);
          cairo_line_to (cr, frame->plot.x + frame->plot.w, py);
        }
      cairo_stroke (cr);
      cairo_restore (cr);
    }

  if (self->n > 4000)
    {
      bw = (int) ceil (frame->plot.w) + 1;
      bh = (int) ceil (frame->plot.h) + 1;
      seen = g_new0 (guint8, (gsize) bw * bh);
    }
  ax_chart_set_source (cr, &frame->style->accent, self->n > 2000 ? 0.45 : 0.7);
  for (gsize i = 0; i < self->n; i++)
    {
      double px = ax_chart_frame_px (frame, &xa, self->x[i]);
      double py = ax_chart_frame_py (frame, &ya, self->y[i]);
      if (seen)
        {
          int cx = (int) (px - frame->plot.x), cy = (int) (py - frame->plot.y);
          if (cx < 0 || cy < 0 || cx >= bw || cy >= bh || seen[(gsize) cy * bw + cx])
            continue;
          seen[(gsize) cy * bw + cx] = 1;
        }
      cairo_new_sub_path (cr);
      cairo_arc (cr, px, py, r, 0, 2 * G_PI);
      /* Fill in batches: one huge path is slow to rasterise. */
      if (i % 512 == 511)
        cairo_fill (cr);
    }
  cairo_fill (cr);
  cairo_restore (cr);

  if (!frame->exporting)
    {
      self->last_x = xa;
      self->last_y = ya;
      self->last_plot = frame->plot;
      self->laid_out = TRUE;
    }
}

static char *
scatter_chart_tooltip_text (AxChart *chart,
                            double   px,
                            double   py)
{
  AxScatterChart *self = AX_SCATTER_CHART (chart);
  AxRect *p = &self->last_plot;
  const char *xt = ax_chart_get_x_title (chart), *yt = ax_chart_get_y_title (chart);
  double best = 12 * 12;
  gsize best_i = G_MAXSIZE;
  g_autofree char *xs = NULL, *ys = NULL;

  if (!self->laid_out)
    return NULL;
  for (gsize i = 0; i < self->n; i++)
    {
      double qx = ax_axis_map (&self->last_x, self->x[i], p->x, p->x + p->w);
      double qy = ax_axis_map (&self->last_y, self->y[i], p->y + p->h, p->y);
      double d = (qx - px) * (qx - px) + (qy - py) * (qy - py);
      if (d < best)
        best = d, best_i = i;
    }
  if (best_i == G_MAXSIZE)
    return NULL;
  xs = ax_scale_format_value (self->x[best_i]);
  ys = ax_scale_format_value (self->y[best_i]);
  return g_strdup_printf ("%s: %s\n%s: %s", xt && *xt ? xt : "x", xs, yt && *yt ? yt : "y", ys);
}

static char *
scatter_chart_describe (AxChart *chart)
{
  AxScatterChart *self = AX_SCATTER_CHART (chart);
  const char *xt = ax_chart_get_x_title (chart), *yt = ax_chart_get_y_title (chart);

  return g_strdup_printf (_("Scatter chart of %" G_GSIZE_FORMAT " points, %s against %s%s"), self->n,
                          yt && *yt ? yt : "y", xt && *xt ? xt : "x",
                          self->diagonal ? _(", with the line where they are equal") : "");
}

static gboolean
scatter_chart_has_data (AxChart *chart)
{
  return AX_SCATTER_CHART (chart)->n > 0;
}

static void
scatter_chart_clear (AxChart *chart)
{
  AxScatterChart *self = AX_SCATTER_CHART (chart);

  g_clear_pointer (&self->x, g_free);
  g_clear_pointer (&self->y, g_free);
  self->n = 0;
  self->laid_out = FALSE;
}

AxScatterChart *
ax_scatter_chart_new (void)
{
  return g_object_new (AX_TYPE_SCATTER_CHART, NULL);
}

void
ax_scatter_chart_set_data (AxScatterChart *self,
                           const double   *x,
                           const double   *y,
                           gsize           n)
{
  g_return_if_fail (AX_IS_SCATTER_CHART (self));
  g_return_if_fail (n == 0 || (x && y));
  scatter_chart_clear (AX_CHART (self));
  self->x = g_new (double, MAX (n, 1));
  self->y = g_new (double, MAX (n, 1));
  for (gsize i = 0; i < n; i++)
    if (isfinite (x[i]) && isfinite (y[i]))
      {
        self->x[self->n] = x[i];
        self->y[self->n] = y[i];
        self->n++;
      }
  ax_chart_data_changed (AX_CHART (self));
}

void
ax_scatter_chart_set_diagonal (AxScatterChart *self,
                               gboolean        diagonal)
{
  g_return_if_fail (AX_IS_SCATTER_CHART (self));
  self->diagonal = !!diagonal;
  ax_chart_data_changed (AX_CHART (self));
}

void
ax_scatter_chart_set_zero_line (AxScatterChart *self,
                                gboolean        zero_line)
{
  g_return_if_fail (AX_IS_SCATTER_CHART (self));
  self->zero_line = !!zero_line;
  ax_chart_data_changed (AX_CHART (self));
}

static void
ax_scatter_chart_finalize (GObject *object)
{
  scatter_chart_clear (AX_CHART (object));
  G_OBJECT_CLASS (ax_scatter_chart_parent_class)->finalize (object);
}

static void
ax_scatter_chart_class_init (AxScatterChartClass *klass)
{
  AxChartClass *chart_class = AX_CHART_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = ax_scatter_chart_finalize;
  chart_class->has_data = scatter_chart_has_data;
  chart_class->clear = scatter_chart_clear;
  chart_class->draw = scatter_chart_draw;
  chart_class->tooltip_text = scatter_chart_tooltip_text;
  chart_class->describe = scatter_chart_describe;
}

static void
ax_scatter_chart_init (AxScatterChart *self)
{
}
