/* ax-histogram-chart.c — adjacent bars over the value axis
 *
 * The binning is ax_scale_histogram(); only the counts are kept, so a
 * column of millions of values costs a few dozen numbers.
 */

#include "ax-config.h"
#include "ax-histogram-chart.h"
#include "ax-chart-private.h"

#include <glib/gi18n.h>
#include <math.h>

struct _AxHistogramChart {
  AxChart   parent_instance;

  guint64  *counts;
  guint     n_bins;
  double    lo, width;
  guint64   total;

  gboolean  laid_out;
  AxAxis    last_x;
  AxRect    last_plot;
};

G_DEFINE_FINAL_TYPE (AxHistogramChart, ax_histogram_chart, AX_TYPE_CHART)

static void
histogram_chart_draw (AxChart      *chart,
                      AxChartFrame *frame)
{
  AxHistogramChart *self = AX_HISTOGRAM_CHART (chart);
  AxAxis xa = { .kind = AX_AXIS_LINEAR, .lo = self->lo, .hi = self->lo + self->n_bins * self->width };
  AxAxis ya = { .kind = AX_AXIS_LINEAR, .nice = TRUE, .lo = 0, .hi = 1 };
  cairo_t *cr = frame->cr;

  for (guint i = 0; i < self->n_bins; i++)
    ya.hi = MAX (ya.hi, (double) self->counts[i]);
  ax_chart_frame_axes (frame, &xa, &ya);

  ax_chart_set_source (cr, &frame->style->accent, 0.85);
  for (guint i = 0; i < self->n_bins; i++)
    {
      double x0 = ax_chart_frame_px (frame, &xa, self->lo + i * self->width);
      double x1 = ax_chart_frame_px (frame, &xa, self->lo + (i + 1) * self->width);
      double y0 = ax_chart_frame_py (frame, &ya, 0), y1 = ax_chart_frame_py (frame, &ya, (double) self->counts[i]);
      /* A hairline gap between bins when they are wide enough to show it. */
      double gap = x1 - x0 > 4 ? 1 : 0;
      if (self->counts[i] == 0)
        continue;
      cairo_rectangle (cr, round (x0) + gap / 2, y1, MAX (round (x1) - round (x0) - gap, 1), y0 - y1);
    }
  cairo_fill (cr);

  if (!frame->exporting)
    {
      self->last_x = xa;
      self->last_plot = frame->plot;
      self->laid_out = TRUE;
    }
}

static char *
histogram_chart_tooltip_text (AxChart *chart,
                              double   px,
                              double   py)
{
  AxHistogramChart *self = AX_HISTOGRAM_CHART (chart);
  AxRect *p = &self->last_plot;
  g_autofree char *a = NULL, *b = NULL, *count = NULL;
  double v;
  long i;

  if (!self->laid_out || px < p->x || px > p->x + p->w || py < p->y || py > p->y + p->h)
    return NULL;
  v = ax_axis_unmap (&self->last_x, px, p->x, p->x + p->w);
  i = (long) floor ((v - self->lo) / self->width);
  if (i < 0 || i >= (long) self->n_bins)
    return NULL;
  a = ax_scale_format_value (self->lo + i * self->width);
  b = ax_scale_format_value (self->lo + (i + 1) * self->width);
  count = ax_scale_format_value ((double) self->counts[i]);
  /* TRANSLATORS: a histogram bin: its range, its count and share */
  return g_strdup_printf (_("%s – %s\n%s values (%.1f%%)"), a, b, count,
                          self->total ? 100.0 * self->counts[i] / self->total : 0.0);
}

static char *
histogram_chart_describe (AxChart *chart)
{
  AxHistogramChart *self = AX_HISTOGRAM_CHART (chart);
  g_autofree char *a = ax_scale_format_value (self->lo);
  g_autofree char *b = ax_scale_format_value (self->lo + self->n_bins * self->width);
  guint top = 0;
  g_autofree char *ta = NULL, *tb = NULL;

  for (guint i = 1; i < self->n_bins; i++)
    if (self->counts[i] > self->counts[top])
      top = i;
  ta = ax_scale_format_value (self->lo + top * self->width);
  tb = ax_scale_format_value (self->lo + (top + 1) * self->width);
  return g_strdup_printf (_("Histogram of %" G_GUINT64_FORMAT " values from %s to %s in %u bins; most are between %s and %s"),
                          self->total, a, b, self->n_bins, ta, tb);
}

static gboolean
histogram_chart_has_data (AxChart *chart)
{
  return AX_HISTOGRAM_CHART (chart)->n_bins > 0;
}

static void
histogram_chart_clear (AxChart *chart)
{
  AxHistogramChart *self = AX_HISTOGRAM_CHART (chart);

  g_clear_pointer (&self->counts, g_free);
  self->n_bins = 0;
  self->total = 0;
  self->laid_out = FALSE;
}

AxHistogramChart *
ax_histogram_chart_new (void)
{
  return g_object_new (AX_TYPE_HISTOGRAM_CHART, NULL);
}

void
ax_histogram_chart_set_values (AxHistogramChart *self,
                               const double     *values,
                               gsize             n,
                               guint             n_bins)
{
  g_return_if_fail (AX_IS_HISTOGRAM_CHART (self));
  g_return_if_fail (n == 0 || values);
  histogram_chart_clear (AX_CHART (self));
  if (n > 0 && ax_scale_histogram (values, n, n_bins, &self->lo, &self->width, &self->n_bins, &self->counts))
    for (guint i = 0; i < self->n_bins; i++)
      self->total += self->counts[i];
  ax_chart_data_changed (AX_CHART (self));
}

static void
ax_histogram_chart_finalize (GObject *object)
{
  histogram_chart_clear (AX_CHART (object));
  G_OBJECT_CLASS (ax_histogram_chart_parent_class)->finalize (object);
}

static void
ax_histogram_chart_class_init (AxHistogramChartClass *klass)
{
  AxChartClass *chart_class = AX_CHART_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = ax_histogram_chart_finalize;
  chart_class->has_data = histogram_chart_has_data;
  chart_class->clear = histogram_chart_clear;
  chart_class->draw = histogram_chart_draw;
  chart_class->tooltip_text = histogram_chart_tooltip_text;
  chart_class->describe = histogram_chart_describe;
}

static void
ax_histogram_chart_init (AxHistogramChart *self)
{
}
