/* ax-bar-chart.c — bars from a zero baseline, either way
 *
 * Values label the bars' ends when there is room; the value axis always
 * includes zero, so a negative bar extends the other way from the same
 * baseline.
 */

#include "ax-config.h"
#include "ax-bar-chart.h"
#include "ax-chart-private.h"

#include <glib/gi18n.h>
#include <math.h>

struct _AxBarChart {
  AxChart    parent_instance;

  char     **labels;
  double    *values;
  GdkRGBA   *colors;      /* NULL: the accent colour */
  char     **value_labels;
  gsize      n;
  gboolean   horizontal;

  gboolean   laid_out;
  AxAxis     last_cat;
  AxRect     last_plot;
};

G_DEFINE_FINAL_TYPE (AxBarChart, ax_bar_chart, AX_TYPE_CHART)

static char *
value_text (AxBarChart *self,
            gsize       i)
{
  if (self->value_labels && self->value_labels[i])
    return g_strdup (self->value_labels[i]);
  return ax_scale_format_value (self->values[i]);
}

static void
bar_chart_draw (AxChart      *chart,
                AxChartFrame *frame)
{
  AxBarChart *self = AX_BAR_CHART (chart);
  AxAxis cat = { .kind = AX_AXIS_CATEGORY, .categories = (const char *const *) self->labels,
                 .n_categories = (guint) self->n, .reversed = self->horizontal };
  AxAxis val = { .kind = AX_AXIS_LINEAR, .nice = TRUE };
  double lo = 0, hi = 0, text_h, widest = 0;
  cairo_t *cr = frame->cr;
  gboolean show_values;

  for (gsize i = 0; i < self->n; i++)
    if (isfinite (self->values[i]))
      {
        g_autofree char *t = value_text (self, i);
        double w;
        lo = MIN (lo, self->values[i]);
        hi = MAX (hi, self->values[i]);
        ax_chart_frame_text_size (frame, t, FALSE, &w, NULL);
        widest = MAX (widest, w);
      }
  if (lo == hi)
    hi = 1;
  ax_chart_frame_text_size (frame, "0", FALSE, NULL, &text_h);

  /* Room for the value labels past the longest bars: a share of the range
   * as wide as the widest label is of the plot (estimated from the area). */
  {
    double extent = self->horizontal ? frame->area.w * 0.7 : frame->area.h * 0.8;
    double need = (self->horizontal ? widest : text_h) + 6;
    double share = extent > need * 2 ? need / (extent - need) : 0;
    show_values = share > 0 && self->n <= 60;
    if (show_values)
      {
        if (hi > 0)
          hi += (hi - lo) * share;
        if (lo < 0)
          lo -= (hi - lo) * share;
      }
  }
  val.lo = lo;
  val.hi = hi;
  if (self->horizontal)
    ax_chart_frame_axes (frame, &val, &cat);
  else
    ax_chart_frame_axes (frame, &cat, &val);

  for (gsize i = 0; i < self->n; i++)
    {
      const GdkRGBA *color = self->colors ? &self->colors[i] : &frame->style->accent;
      double v = self->values[i], slot, thick, c, z, e;
      if (!isfinite (v))
        continue;
      if (self->horizontal)
        {
          slot = frame->plot.h / MAX (self->n, 1);
          c = ax_chart_frame_py (frame, &cat, i);
          z = ax_chart_frame_px (frame, &val, 0);
          e = ax_chart_frame_px (frame, &val, v);
        }
      else
        {
          slot = frame->plot.w / MAX (self->n, 1);
          c = ax_chart_frame_px (frame, &cat, i);
          z = ax_chart_frame_py (frame, &val, 0);
          e = ax_chart_frame_py (frame, &val, v);
        }
      thick = MAX (1, MIN (slot * 0.7, 48));
      ax_chart_set_source (cr, color, 1);
      if (self->horizontal)
        cairo_rectangle (cr, MIN (z, e), round (c - thick / 2), fabs (e - z), round (thick));
      else
        cairo_rectangle (cr, round (c - thick / 2), MIN (z, e), round (thick), fabs (e - z));
      cairo_fill (cr);

      if (show_values)
        {
          g_autofree char *t = value_text (self, i);
          double w;
          ax_chart_frame_text_size (frame, t, FALSE, &w, NULL);
          /* Only where the bars leave room for the text across. */
          if (self->horizontal && slot >= text_h)
            ax_chart_frame_text (frame, t, v >= 0 ? e + 4 : e - 4, c, v >= 0 ? 0 : 1, 0.5,
                                 &frame->style->fg, FALSE, -1, NULL, NULL);
          else if (!self->horizontal && slot >= w + 4)
            ax_chart_frame_text (frame, t, c, v >= 0 ? e - 2 : e + 2, 0.5, v >= 0 ? 1 : 0,
                                 &frame->style->fg, FALSE, -1, NULL, NULL);
        }
    }

  if (!frame->exporting)
    {
      self->last_cat = cat;
      self->last_plot = frame->plot;
      self->laid_out = TRUE;
    }
}

static char *
bar_chart_tooltip_text (AxChart *chart,
                        double   px,
                        double   py)
{
  AxBarChart *self = AX_BAR_CHART (chart);
  AxRect *p = &self->last_plot;
  g_autofree char *v = NULL;
  double c;
  long i;

  if (!self->laid_out || px < p->x || px > p->x + p->w || py < p->y || py > p->y + p->h)
    return NULL;
  if (self->horizontal)
    c = ax_axis_unmap (&self->last_cat, py, p->y + p->h, p->y);
  else
    c = ax_axis_unmap (&self->last_cat, px, p->x, p->x + p->w);
  i = lround (c);
  if (i < 0 || i >= (long) self->n || !isfinite (self->values[i]))
    return NULL;
  v = ax_scale_format_value (self->values[i]);
  if (self->value_labels && self->value_labels[i] && g_strcmp0 (self->value_labels[i], v) != 0)
    return g_strdup_printf ("%s: %s (%s)", self->labels[i] ? self->labels[i] : "", v, self->value_labels[i]);
  return g_strdup_printf ("%s: %s", self->labels[i] ? self->labels[i] : "", v);
}

static char *
bar_chart_describe (AxChart *chart)
{
  AxBarChart *self = AX_BAR_CHART (chart);
  gsize best = 0;

  for (gsize i = 1; i < self->n; i++)
    if (isfinite (self->values[i]) && (!isfinite (self->values[best]) || self->values[i] > self->values[best]))
      best = i;
  {
    g_autofree char *v = ax_scale_format_value (self->values[best]);
    return g_strdup_printf (_("Bar chart of %" G_GSIZE_FORMAT " categories; the largest is %s at %s"),
                            self->n, self->labels[best] ? self->labels[best] : "", v);
  }
}

static gboolean
bar_chart_has_data (AxChart *chart)
{
  return AX_BAR_CHART (chart)->n > 0;
}

static void
bar_chart_clear (AxChart *chart)
{
  AxBarChart *self = AX_BAR_CHART (chart);

  g_clear_pointer (&self->labels, g_strfreev);
  g_clear_pointer (&self->values, g_free);
  g_clear_pointer (&self->colors, g_free);
  g_clear_pointer (&self->value_labels, g_strfreev);
  self->n = 0;
  self->laid_out = FALSE;
}

AxBarChart *
ax_bar_chart_new (void)
{
  return g_object_new (AX_TYPE_BAR_CHART, NULL);
}

void
ax_bar_chart_set_horizontal (AxBarChart *self,
                             gboolean    horizontal)
{
  g_return_if_fail (AX_IS_BAR_CHART (self));
  self->horizontal = !!horizontal;
  self->laid_out = FALSE;
  ax_chart_data_changed (AX_CHART (self));
}

void
ax_bar_chart_set_data (AxBarChart         *self,
                       const char *const  *labels,
                       const double       *values,
                       const GdkRGBA      *colors,
                       gsize               n)
{
  g_return_if_fail (AX_IS_BAR_CHART (self));
  g_return_if_fail (n == 0 || values);
  bar_chart_clear (AX_CHART (self));
  self->n = n;
  self->labels = g_new0 (char *, n + 1);
  for (gsize i = 0; i < n; i++)
    self->labels[i] = g_strdup (labels && labels[i] ? labels[i] : "");
  self->values = g_memdup2 (values, n * sizeof (double));
  self->colors = colors ? g_memdup2 (colors, n * sizeof (GdkRGBA)) : NULL;
  ax_chart_data_changed (AX_CHART (self));
}

void
ax_bar_chart_set_value_labels (AxBarChart        *self,
                               const char *const *texts,
                               gsize              n)
{
  g_return_if_fail (AX_IS_BAR_CHART (self));
  g_clear_pointer (&self->value_labels, g_strfreev);
  /* A missing text falls back to the value. */
  if (texts)
    {
      self->value_labels = g_new0 (char *, self->n + 1);
      for (gsize i = 0; i < self->n; i++)
        self->value_labels[i] = i < n && texts[i] ? g_strdup (texts[i]) : ax_scale_format_value (self->values[i]);
    }
  ax_chart_data_changed (AX_CHART (self));
}

static void
ax_bar_chart_finalize (GObject *object)
{
  bar_chart_clear (AX_CHART (object));
  G_OBJECT_CLASS (ax_bar_chart_parent_class)->finalize (object);
}

static void
ax_bar_chart_class_init (AxBarChartClass *klass)
{
  AxChartClass *chart_class = AX_CHART_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = ax_bar_chart_finalize;
  chart_class->has_data = bar_chart_has_data;
  chart_class->clear = bar_chart_clear;
  chart_class->draw = bar_chart_draw;
  chart_class->tooltip_text = bar_chart_tooltip_text;
  chart_class->describe = bar_chart_describe;
}

static void
ax_bar_chart_init (AxBarChart *self)
{
}
