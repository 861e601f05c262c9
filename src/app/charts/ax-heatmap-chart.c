/* ax-heatmap-chart.c — shaded cells with their values
 *
 * Shades run from the background to the accent colour; each cell's text
 * takes whichever of the text colour and the background contrasts more
 * with its shade, so it stays readable in light and dark style.
 */

#include "ax-config.h"
#include "ax-heatmap-chart.h"
#include "ax-chart-private.h"

#include <glib/gi18n.h>
#include <math.h>

struct _AxHeatmapChart {
  AxChart   parent_instance;

  char    **row_labels;
  char    **col_labels;
  double   *values;
  guint     n_rows, n_cols;

  gboolean  laid_out;
  AxAxis    last_x, last_y;
  AxRect    last_plot;
};

G_DEFINE_FINAL_TYPE (AxHeatmapChart, ax_heatmap_chart, AX_TYPE_CHART)

static double
luminance (const GdkRGBA *c)
{
  return 0.2126 * c->red + 0.7152 * c->green + 0.0722 * c->blue;
}

static void
heatmap_chart_draw (AxChart      *chart,
                    AxChartFrame *frame)
{
  AxHeatmapChart *self = AX_HEATMAP_CHART (chart);
  AxAxis xa = { .kind = AX_AXIS_CATEGORY, .categories = (const char *const *) self->col_labels,
                .n_categories = self->n_cols };
  AxAxis ya = { .kind = AX_AXIS_CATEGORY, .categories = (const char *const *) self->row_labels,
                .n_categories = self->n_rows, .reversed = TRUE };
  const AxChartStyle *st = frame->style;
  cairo_t *cr = frame->cr;
  double max = 0, cw, ch, text_h;
  GdkRGBA bg = st->bg;

  for (guint i = 0; i < self->n_rows * self->n_cols; i++)
    if (isfinite (self->values[i]))
      max = MAX (max, fabs (self->values[i]));
  /* Cells no larger than a readable tile: a 2×2 matrix on a big window
   * stays a compact block, centred, rather than four walls of colour. */
  {
    double lh, label_w = 0, w, est_w, est_h, max_w;
    ax_chart_frame_text_size (frame, "0", FALSE, NULL, &lh);
    for (guint r = 0; r < self->n_rows; r++)
      {
        ax_chart_frame_text_size (frame, self->row_labels[r], FALSE, &w, NULL);
        label_w = MAX (label_w, w);
      }
    label_w = MIN (label_w, frame->area.w * 0.4);
    est_w = frame->area.w - label_w - 6 - lh - 6 - 4;
    est_h = frame->area.h - 2 * lh - 9;
    max_w = self->n_cols * 220.0;
    if (est_w > max_w)
      {
        frame->area.x += (est_w - max_w) / 2;
        frame->area.w -= est_w - max_w;
      }
    if (est_h > self->n_rows * 160.0)
      {
        frame->area.y += (est_h - self->n_rows * 160.0) / 2;
        frame->area.h -= est_h - self->n_rows * 160.0;
      }
  }
  ax_chart_frame_axes (frame, &xa, &ya);
  cw = frame->plot.w / self->n_cols;
  ch = frame->plot.h / self->n_rows;
  ax_chart_frame_text_size (frame, "0", FALSE, NULL, &text_h);

  for (guint r = 0; r < self->n_rows; r++)
    for (guint c = 0; c < self->n_cols; c++)
      {
        double v = self->values[r * self->n_cols + c];
        double x = frame->plot.x + c * cw, y = frame->plot.y + r * ch;
        double t = max > 0 && isfinite (v) ? fabs (v) / max : 0;
        GdkRGBA shade = ax_chart_mix (&bg, &st->accent, 0.08 + 0.92 * t);
        const GdkRGBA *ink;
        g_autofree char *text = NULL;
        double w;

        shade.alpha = 1;
        ax_chart_set_source (cr, &shade, 1);
        cairo_rectangle (cr, round (x) + 1, round (y) + 1, round (x + cw) - round (x) - 2, round (y + ch) - round (y) - 2);
        cairo_fill (cr);
        if (!isfinite (v))
          continue;
        ink = fabs (luminance (&shade) - luminance (&st->fg)) >= fabs (luminance (&shade) - luminance (&bg)) ? &st->fg : &bg;
        text = ax_scale_format_value (v);
        ax_chart_frame_text_size (frame, text, FALSE, &w, NULL);
        if (w + 4 <= cw && text_h <= ch)
          ax_chart_frame_text (frame, text, x + cw / 2, y + ch / 2, 0.5, 0.5, ink, t > 0.5, -1, NULL, NULL);
      }

  if (!frame->exporting)
    {
      self->last_x = xa;
      self->last_y = ya;
      self->last_plot = frame->plot;
      self->laid_out = TRUE;
    }
}

static char *
heatmap_chart_tooltip_text (AxChart *chart,
                            double   px,
                            double   py)
{
  AxHeatmapChart *self = AX_HEATMAP_CHART (chart);
  AxRect *p = &self->last_plot;
  const char *xt = ax_chart_get_x_title (chart), *yt = ax_chart_get_y_title (chart);
  g_autofree char *v = NULL;
  long r, c;

  if (!self->laid_out || px < p->x || px >= p->x + p->w || py < p->y || py >= p->y + p->h)
    return NULL;
  c = (long) floor ((px - p->x) / (p->w / self->n_cols));
  r = (long) floor ((py - p->y) / (p->h / self->n_rows));
  if (r < 0 || c < 0 || r >= self->n_rows || c >= self->n_cols)
    return NULL;
  v = ax_scale_format_value (self->values[r * self->n_cols + c]);
  return g_strdup_printf ("%s: %s\n%s: %s\n%s", yt && *yt ? yt : _("Row"), self->row_labels[r],
                          xt && *xt ? xt : _("Column"), self->col_labels[c], v);
}

static char *
heatmap_chart_describe (AxChart *chart)
{
  AxHeatmapChart *self = AX_HEATMAP_CHART (chart);
  g_autoptr(GString) s = g_string_new (NULL);

  g_string_append_printf (s, _("Heat map of %u rows by %u columns"), self->n_rows, self->n_cols);
  /* Small matrices (confusion matrices) are read out whole. */
  if (self->n_rows * self->n_cols <= 25)
    for (guint r = 0; r < self->n_rows; r++)
      {
        g_string_append_printf (s, "; %s:", self->row_labels[r]);
        for (guint c = 0; c < self->n_cols; c++)
          {
            g_autofree char *v = ax_scale_format_value (self->values[r * self->n_cols + c]);
            g_string_append_printf (s, "%s %s %s", c ? "," : "", self->col_labels[c], v);
          }
      }
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static gboolean
heatmap_chart_has_data (AxChart *chart)
{
  AxHeatmapChart *self = AX_HEATMAP_CHART (chart);
  return self->n_rows > 0 && self->n_cols > 0;
}

static void
heatmap_chart_clear (AxChart *chart)
{
  AxHeatmapChart *self = AX_HEATMAP_CHART (chart);

  g_clear_pointer (&self->row_labels, g_strfreev);
  g_clear_pointer (&self->col_labels, g_strfreev);
  g_clear_pointer (&self->values, g_free);
  self->n_rows = self->n_cols = 0;
  self->laid_out = FALSE;
}

AxHeatmapChart *
ax_heatmap_chart_new (void)
{
  return g_object_new (AX_TYPE_HEATMAP_CHART, NULL);
}

static char **
copy_labels (const char *const *labels,
             guint              n)
{
  char **out = g_new0 (char *, n + 1);
  for (guint i = 0; i < n; i++)
    out[i] = labels && labels[i] ? g_strdup (labels[i]) : g_strdup_printf ("%u", i + 1);
  return out;
}

void
ax_heatmap_chart_set_matrix (AxHeatmapChart    *self,
                             const char *const *row_labels,
                             const char *const *col_labels,
                             const double      *values,
                             guint              n_rows,
                             guint              n_cols)
{
  g_return_if_fail (AX_IS_HEATMAP_CHART (self));
  g_return_if_fail (n_rows == 0 || n_cols == 0 || values);
  heatmap_chart_clear (AX_CHART (self));
  if (n_rows > 0 && n_cols > 0)
    {
      self->n_rows = n_rows;
      self->n_cols = n_cols;
      self->row_labels = copy_labels (row_labels, n_rows);
      self->col_labels = copy_labels (col_labels, n_cols);
      self->values = g_memdup2 (values, (gsize) n_rows * n_cols * sizeof (double));
    }
  ax_chart_data_changed (AX_CHART (self));
}

static void
ax_heatmap_chart_finalize (GObject *object)
{
  heatmap_chart_clear (AX_CHART (object));
  G_OBJECT_CLASS (ax_heatmap_chart_parent_class)->finalize (object);
}

static void
ax_heatmap_chart_class_init (AxHeatmapChartClass *klass)
{
  AxChartClass *chart_class = AX_CHART_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = ax_heatmap_chart_finalize;
  chart_class->has_data = heatmap_chart_has_data;
  chart_class->clear = heatmap_chart_clear;
  chart_class->draw = heatmap_chart_draw;
  chart_class->tooltip_text = heatmap_chart_tooltip_text;
  chart_class->describe = heatmap_chart_describe;
}

static void
ax_heatmap_chart_init (AxHeatmapChart *self)
{
}
