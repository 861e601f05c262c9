/* ax-roc-chart.c — ROC curves on the unit square
 *
 * The plot is kept square so that the chance diagonal sits at 45°, which
 * is how a reader judges how far a curve bows above it.
 */

#include "ax-config.h"
#include "ax-roc-chart.h"
#include "ax-chart-private.h"

#include <glib/gi18n.h>
#include <math.h>

typedef struct {
  char   *name;
  double *fpr, *tpr;
  gsize   n;
  double  auc;
} Curve;

struct _AxRocChart {
  AxChart    parent_instance;

  GPtrArray *curves;

  gboolean   laid_out;
  AxAxis     last_x, last_y;
  AxRect     last_plot;
};

G_DEFINE_FINAL_TYPE (AxRocChart, ax_roc_chart, AX_TYPE_CHART)

static void
curve_free (gpointer data)
{
  Curve *c = data;
  g_free (c->name);
  g_free (c->fpr);
  g_free (c->tpr);
  g_free (c);
}

static char *
curve_label (const Curve *c)
{
  if (isfinite (c->auc))
    return g_strdup_printf (_("%s (AUC %.3f)"), c->name ? c->name : _("Model"), c->auc);
  return g_strdup (c->name ? c->name : _("Model"));
}

static void
roc_chart_legend (AxChart      *chart,
                  AxChartFrame *frame)
{
  AxRocChart *self = AX_ROC_CHART (chart);

  for (guint i = 0; i < self->curves->len; i++)
    {
      g_autofree char *label = curve_label (g_ptr_array_index (self->curves, i));
      ax_chart_frame_add_legend (frame, AX_LEGEND_LINE, ax_chart_frame_series_color (frame, i), label);
    }
  ax_chart_frame_add_legend (frame, AX_LEGEND_DASHED, &frame->style->axis, _("Chance"));
  /* In the empty corner under the curves, as ROC plots usually have it. */
  frame->legend_inside = TRUE;
}

static void
roc_chart_draw (AxChart      *chart,
                AxChartFrame *frame)
{
  AxRocChart *self = AX_ROC_CHART (chart);
  AxAxis xa = { .kind = AX_AXIS_LINEAR, .lo = 0, .hi = 1 };
  AxAxis ya = { .kind = AX_AXIS_LINEAR, .lo = 0, .hi = 1 };
  cairo_t *cr = frame->cr;
  double extra;

  /* Square: the margins ax_chart_frame_axes() will take are the tick
   * labels ("0.8") and the two axis titles; trim the wider side. */
  {
    double lh, lw;
    ax_chart_frame_text_size (frame, "0.8", FALSE, &lw, &lh);
    extra = (frame->area.w - (lw + lh + 12) - 16) - (frame->area.h - (2 * lh + 9) - lh / 2);
    if (extra > 1)
      {
        frame->area.x += extra / 2;
        frame->area.w -= extra;
      }
  }
  ax_chart_frame_axes (frame, &xa, &ya);

  cairo_save (cr);
  cairo_rectangle (cr, frame->plot.x, frame->plot.y, frame->plot.w, frame->plot.h);
  cairo_clip (cr);
  cairo_save (cr);
  ax_chart_set_source (cr, &frame->style->axis, 1);
  cairo_set_line_width (cr, 1.5);
  cairo_set_dash (cr, (double[]) { 4, 3 }, 2, 0);
  cairo_move_to (cr, ax_chart_frame_px (frame, &xa, 0), ax_chart_frame_py (frame, &ya, 0));
  cairo_line_to (cr, ax_chart_frame_px (frame, &xa, 1), ax_chart_frame_py (frame, &ya, 1));
  cairo_stroke (cr);
  cairo_restore (cr);

  cairo_set_line_width (cr, 2);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  for (guint i = 0; i < self->curves->len; i++)
    {
      Curve *c = g_ptr_array_index (self->curves, i);
      ax_chart_set_source (cr, ax_chart_frame_series_color (frame, i), 1);
      for (gsize j = 0; j < c->n; j++)
        cairo_line_to (cr, ax_chart_frame_px (frame, &xa, c->fpr[j]), ax_chart_frame_py (frame, &ya, c->tpr[j]));
      cairo_stroke (cr);
    }
  cairo_restore (cr);
  ax_chart_frame_legend_in_corner (frame, &frame->plot);

  if (!frame->exporting)
    {
      self->last_x = xa;
      self->last_y = ya;
      self->last_plot = frame->plot;
      self->laid_out = TRUE;
    }
}

static char *
roc_chart_tooltip_text (AxChart *chart,
                        double   px,
                        double   py)
{
  AxRocChart *self = AX_ROC_CHART (chart);
  AxRect *p = &self->last_plot;
  double best = 16 * 16;
  Curve *best_c = NULL;
  gsize best_j = 0;

  if (!self->laid_out)
    return NULL;
  for (guint i = 0; i < self->curves->len; i++)
    {
      Curve *c = g_ptr_array_index (self->curves, i);
      for (gsize j = 0; j < c->n; j++)
        {
          double qx = ax_axis_map (&self->last_x, c->fpr[j], p->x, p->x + p->w);
          double qy = ax_axis_map (&self->last_y, c->tpr[j], p->y + p->h, p->y);
          double d = (qx - px) * (qx - px) + (qy - py) * (qy - py);
          if (d < best)
            best = d, best_c = c, best_j = j;
        }
    }
  if (!best_c)
    return NULL;
  {
    g_autofree char *label = curve_label (best_c);
    return g_strdup_printf (_("%s\nFalse positive rate: %.3f\nTrue positive rate: %.3f"),
                            label, best_c->fpr[best_j], best_c->tpr[best_j]);
  }
}

static char *
roc_chart_describe (AxChart *chart)
{
  AxRocChart *self = AX_ROC_CHART (chart);
  g_autoptr(GString) s = g_string_new (_("ROC curve"));

  for (guint i = 0; i < self->curves->len; i++)
    {
      g_autofree char *label = curve_label (g_ptr_array_index (self->curves, i));
      g_string_append_printf (s, "%s %s", i ? "," : ":", label);
    }
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static gboolean
roc_chart_has_data (AxChart *chart)
{
  return AX_ROC_CHART (chart)->curves->len > 0;
}

static void
roc_chart_clear (AxChart *chart)
{
  AxRocChart *self = AX_ROC_CHART (chart);

  g_ptr_array_set_size (self->curves, 0);
  self->laid_out = FALSE;
}

AxRocChart *
ax_roc_chart_new (void)
{
  return g_object_new (AX_TYPE_ROC_CHART, NULL);
}

void
ax_roc_chart_add_curve (AxRocChart   *self,
                        const char   *name,
                        const double *fpr,
                        const double *tpr,
                        gsize         n,
                        double        auc)
{
  Curve *c;

  g_return_if_fail (AX_IS_ROC_CHART (self));
  g_return_if_fail (n == 0 || (fpr && tpr));
  c = g_new0 (Curve, 1);
  c->name = g_strdup (name);
  c->fpr = g_new (double, MAX (n, 1));
  c->tpr = g_new (double, MAX (n, 1));
  for (gsize i = 0; i < n; i++)
    if (isfinite (fpr[i]) && isfinite (tpr[i]))
      {
        c->fpr[c->n] = CLAMP (fpr[i], 0, 1);
        c->tpr[c->n] = CLAMP (tpr[i], 0, 1);
        c->n++;
      }
  c->auc = auc;
  g_ptr_array_add (self->curves, c);
  ax_chart_data_changed (AX_CHART (self));
}

static void
ax_roc_chart_finalize (GObject *object)
{
  g_ptr_array_unref (AX_ROC_CHART (object)->curves);
  G_OBJECT_CLASS (ax_roc_chart_parent_class)->finalize (object);
}

static void
ax_roc_chart_class_init (AxRocChartClass *klass)
{
  AxChartClass *chart_class = AX_CHART_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = ax_roc_chart_finalize;
  chart_class->has_data = roc_chart_has_data;
  chart_class->clear = roc_chart_clear;
  chart_class->legend = roc_chart_legend;
  chart_class->draw = roc_chart_draw;
  chart_class->tooltip_text = roc_chart_tooltip_text;
  chart_class->describe = roc_chart_describe;
}

static void
ax_roc_chart_init (AxRocChart *self)
{
  self->curves = g_ptr_array_new_with_free_func (curve_free);
  ax_chart_set_axis_titles (AX_CHART (self), _("False positive rate"), _("True positive rate"));
}
