/* ax-chart.c — the base of the charts: frame, legend, text, axes, export
 *
 * A drawing goes: background (exports only) → title → legend → the kind's
 * draw() with what is left, or the empty text when there is no data.  The
 * same function draws into the widget's snapshot and into an export
 * surface, so an exported chart is what the window shows.
 */

#include "ax-config.h"
#include "ax-app-util.h"
#include "ax-chart-private.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <glib/gi18n.h>
#include <math.h>

typedef struct {
  char *title;
  char *x_title;
  char *y_title;
  char *empty_text;

  AxRect   plot;
  gboolean plot_valid;

  GtkWidget *menu;
  GtkFileChooserNative *chooser;
  AxChartFormat chooser_format;
} AxChartPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (AxChart, ax_chart, GTK_TYPE_WIDGET)

typedef struct {
  AxLegendKind kind;
  GdkRGBA      color;
  char        *label;
} LegendItem;

static void
legend_item_clear (gpointer data)
{
  g_free (((LegendItem *) data)->label);
}

static const char *format_names[] = { "png", "svg", "pdf" };

/* Style */

/* GNOME's palette (blue, green, orange, purple, red, brown, yellow, grey),
 * a step lighter in dark style so lines keep their contrast. */
static const char *palette_light[AX_CHART_PALETTE_SIZE] = {
  "#3584e4", "#26a269", "#e66100", "#9141ac", "#c01c28", "#986a44", "#c88800", "#5e5c64",
};
static const char *palette_dark[AX_CHART_PALETTE_SIZE] = {
  "#62a0ea", "#33d17a", "#ffa348", "#c061cb", "#f66151", "#cdab8f", "#f6d32d", "#c0bfbc",
};

GdkRGBA
ax_chart_mix (const GdkRGBA *a,
              const GdkRGBA *b,
              double         t)
{
  GdkRGBA c = {
    a->red + (b->red - a->red) * t,
    a->green + (b->green - a->green) * t,
    a->blue + (b->blue - a->blue) * t,
    a->alpha + (b->alpha - a->alpha) * t,
  };
  return c;
}

void
ax_chart_get_style (AxChart      *self,
                    AxChartStyle *s)
{
  GtkWidget *widget = GTK_WIDGET (self);
  GtkStyleContext *ctx = gtk_widget_get_style_context (widget);
  gboolean rooted = gtk_widget_get_root (widget) != NULL;

  memset (s, 0, sizeof *s);
  s->dark = adw_style_manager_get_dark (adw_style_manager_get_default ());

  /* A chart outside any window (exported directly) has no cascade. */
  if (rooted)
    gtk_style_context_get_color (ctx, &s->fg);
  else
    gdk_rgba_parse (&s->fg, s->dark ? "#ffffff" : "rgba(0,0,0,0.8)");
  if (!rooted || !gtk_style_context_lookup_color (ctx, "view_bg_color", &s->bg))
    gdk_rgba_parse (&s->bg, s->dark ? "#1e1e1e" : "#ffffff");
  if (!rooted || !gtk_style_context_lookup_color (ctx, "accent_color", &s->accent))
    gdk_rgba_parse (&s->accent, s->dark ? "#78aeed" : "#1c71d8");
  if (!rooted || !gtk_style_context_lookup_color (ctx, "error_color", &s->error))
    gdk_rgba_parse (&s->error, s->dark ? "#ff7b63" : "#c01c28");
  s->bg.alpha = 1;

  s->dim = s->fg;
  s->dim.alpha *= 0.7;
  s->grid = s->fg;
  s->grid.alpha *= s->dark ? 0.12 : 0.1;
  s->axis = s->fg;
  s->axis.alpha *= 0.4;
  for (guint i = 0; i < AX_CHART_PALETTE_SIZE; i++)
    gdk_rgba_parse (&s->palette[i], s->dark ? palette_dark[i] : palette_light[i]);
  /* The first series follows the accent colour. */
  s->palette[0] = s->accent;
  s->palette[0].alpha = 1;
}

const GdkRGBA *
ax_chart_frame_series_color (AxChartFrame *frame,
                             guint         i)
{
  return &frame->style->palette[i % AX_CHART_PALETTE_SIZE];
}

void
ax_chart_set_source (cairo_t       *cr,
                     const GdkRGBA *color,
                     double         alpha)
{
  cairo_set_source_rgba (cr, color->red, color->green, color->blue, color->alpha * alpha);
}

/* Text */

static PangoLayout *
make_layout (AxChartFrame *frame,
             const char   *text,
             gboolean      bold,
             double        max_width)
{
  PangoLayout *layout = pango_cairo_create_layout (frame->cr);
  g_autoptr(PangoFontDescription) font = pango_font_description_copy (frame->font);

  if (bold)
    pango_font_description_set_weight (font, PANGO_WEIGHT_BOLD);
  pango_layout_set_font_description (layout, font);
  pango_layout_set_text (layout, text, -1);
  if (max_width > 0)
    {
      pango_layout_set_width (layout, (int) (max_width * PANGO_SCALE));
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
    }
  return layout;
}

void
ax_chart_frame_text_size (AxChartFrame *frame,
                          const char   *text,
                          gboolean      bold,
                          double       *out_w,
                          double       *out_h)
{
  g_autoptr(PangoLayout) layout = make_layout (frame, text, bold, -1);
  int w, h;

  pango_layout_get_pixel_size (layout, &w, &h);
  if (out_w)
    *out_w = w;
  if (out_h)
    *out_h = h;
}

void
ax_chart_frame_text (AxChartFrame  *frame,
                     const char    *text,
                     double         x,
                     double         y,
                     double         xalign,
                     double         yalign,
                     const GdkRGBA *color,
                     gboolean       bold,
                     double         max_width,
                     double        *out_w,
                     double        *out_h)
{
  g_autoptr(PangoLayout) layout = make_layout (frame, text, bold, max_width);
  int w, h;

  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_save (frame->cr);
  ax_chart_set_source (frame->cr, color, 1);
  cairo_move_to (frame->cr, round (x - w * xalign), round (y - h * yalign));
  pango_cairo_show_layout (frame->cr, layout);
  cairo_restore (frame->cr);
  if (out_w)
    *out_w = w;
  if (out_h)
    *out_h = h;
}

/* Legend */

void
ax_chart_frame_add_legend (AxChartFrame  *frame,
                           AxLegendKind   kind,
                           const GdkRGBA *color,
                           const char    *label)
{
  LegendItem item = { kind, *color, g_strdup (label ? label : "") };
  g_array_append_val (frame->legend, item);
}

static void
draw_swatch (AxChartFrame     *frame,
             const LegendItem *item,
             double            x,
             double            cy)
{
  cairo_t *cr = frame->cr;

  cairo_save (cr);
  switch (item->kind)
    {
    case AX_LEGEND_LINE:
    case AX_LEGEND_DASHED:
      ax_chart_set_source (cr, &item->color, 1);
      cairo_set_line_width (cr, 2.5);
      if (item->kind == AX_LEGEND_DASHED)
        cairo_set_dash (cr, (double[]) { 4, 3 }, 2, 0);
      cairo_move_to (cr, x, cy);
      cairo_line_to (cr, x + 16, cy);
      cairo_stroke (cr);
      break;
    case AX_LEGEND_BAND:
      /* The colour's alpha is the band's shade as drawn. */
      ax_chart_set_source (cr, &item->color, 1);
      cairo_rectangle (cr, x, cy - 6, 16, 12);
      cairo_fill (cr);
      break;
    case AX_LEGEND_MARKER:
      ax_chart_set_source (cr, &item->color, 1);
      cairo_arc (cr, x + 8, cy, 4.5, 0, 2 * G_PI);
      cairo_fill (cr);
      break;
    case AX_LEGEND_BOX:
    default:
      ax_chart_set_source (cr, &item->color, 1);
      cairo_rectangle (cr, x + 2, cy - 6, 12, 12);
      cairo_fill (cr);
      break;
    }
  cairo_restore (cr);
}

/* Lays the legend out in rows under the title, left-aligned with the area,
 * and shrinks the area by the rows' height. */
/* Flows the legend's items into rows @max_w wide from (@x0, @y0); draws
 * them when @draw.  Returns the height taken. */
static double
flow_legend (AxChartFrame *frame,
             double        x0,
             double        y0,
             double        max_w,
             gboolean      draw)
{
  const double gap = 18, swatch = 16 + 6;
  double x = x0, y = y0, row_h = 0;

  for (guint i = 0; i < frame->legend->len; i++)
    {
      LegendItem *item = &g_array_index (frame->legend, LegendItem, i);
      double w, h;

      ax_chart_frame_text_size (frame, item->label, FALSE, &w, &h);
      w = MIN (w, max_w - swatch);
      if (x > x0 && swatch + w > x0 + max_w - x)
        {
          x = x0;
          y += row_h + 4;
        }
      row_h = MAX (row_h, h);
      if (draw)
        {
          draw_swatch (frame, item, x, y + h / 2);
          ax_chart_frame_text (frame, item->label, x + swatch, y, 0, 0, &frame->style->fg, FALSE,
                               max_w - swatch, NULL, NULL);
        }
      x += swatch + w + gap;
    }
  return y + row_h - y0;
}

/* Lays the legend out in rows under the title and shrinks the area by
 * their height.  A small chart whose legend would take more than a
 * quarter of it goes without (the tooltip still names each series). */
static void
draw_legend (AxChartFrame *frame)
{
  double h;

  if (frame->legend->len == 0 || frame->legend_inside)
    return;
  h = flow_legend (frame, frame->area.x, frame->area.y, frame->area.w, FALSE);
  if (h > frame->area.h * 0.25)
    return;
  flow_legend (frame, frame->area.x, frame->area.y, frame->area.w, TRUE);
  frame->area.y += h + 10;
  frame->area.h -= h + 10;
}

void
ax_chart_frame_legend_in_corner (AxChartFrame *frame,
                                 const AxRect *rect)
{
  const double pad = 8, swatch = 16 + 6;
  double w = 0, h = 0, y;
  GdkRGBA bg = frame->style->bg;

  if (frame->legend->len == 0)
    return;
  for (guint i = 0; i < frame->legend->len; i++)
    {
      double iw, ih;
      ax_chart_frame_text_size (frame, g_array_index (frame->legend, LegendItem, i).label, FALSE, &iw, &ih);
      w = MAX (w, swatch + iw);
      h += ih + (i ? 2 : 0);
    }
  /* Only where it leaves most of the plot visible. */
  if (w + 2 * pad > rect->w * 0.75 || h + 2 * pad > rect->h * 0.6)
    return;
  bg.alpha = 0.85;
  ax_chart_set_source (frame->cr, &bg, 1);
  cairo_rectangle (frame->cr, rect->x + rect->w - w - 2 * pad - 4, rect->y + rect->h - h - 2 * pad - 4,
                   w + 2 * pad, h + 2 * pad);
  cairo_fill (frame->cr);
  y = rect->y + rect->h - h - pad - 4;
  for (guint i = 0; i < frame->legend->len; i++)
    {
      LegendItem *item = &g_array_index (frame->legend, LegendItem, i);
      double ih, x = rect->x + rect->w - w - pad - 4;
      ax_chart_frame_text_size (frame, item->label, FALSE, NULL, &ih);
      draw_swatch (frame, item, x, y + ih / 2);
      ax_chart_frame_text (frame, item->label, x + swatch, y, 0, 0, &frame->style->fg, FALSE, -1, NULL, NULL);
      y += ih + 2;
    }
}

/* Axes */

double
ax_axis_map (const AxAxis *axis,
             double        v,
             double        p0,
             double        p1)
{
  double t = axis->hi > axis->lo ? (v - axis->lo) / (axis->hi - axis->lo) : 0.5;
  if (axis->reversed)
    t = 1 - t;
  return p0 + t * (p1 - p0);
}

double
ax_axis_unmap (const AxAxis *axis,
               double        p,
               double        p0,
               double        p1)
{
  double t = p1 != p0 ? (p - p0) / (p1 - p0) : 0.5;
  if (axis->reversed)
    t = 1 - t;
  return axis->lo + t * (axis->hi - axis->lo);
}

double
ax_chart_frame_px (AxChartFrame *frame,
                   const AxAxis *x,
                   double        v)
{
  return ax_axis_map (x, v, frame->plot.x, frame->plot.x + frame->plot.w);
}

double
ax_chart_frame_py (AxChartFrame *frame,
                   const AxAxis *y,
                   double        v)
{
  return ax_axis_map (y, v, frame->plot.y + frame->plot.h, frame->plot.y);
}

static double
max_label_width (AxChartFrame *frame,
                 const AxAxis *axis)
{
  double best = 0, w;

  if (axis->kind == AX_AXIS_CATEGORY)
    for (guint i = 0; i < axis->n_categories; i++)
      {
        ax_chart_frame_text_size (frame, axis->categories[i] ? axis->categories[i] : "", FALSE, &w, NULL);
        best = MAX (best, w);
      }
  else
    for (guint i = 0; i < axis->ticks.n; i++)
      {
        ax_chart_frame_text_size (frame, axis->ticks.ticks[i].label, axis->ticks.ticks[i].major, &w, NULL);
        best = MAX (best, w);
      }
  return best;
}

static void
compute_ticks (AxAxis  *axis,
               double   lo,
               double   hi,
               guint    max_ticks)
{
  axis->lo = lo;
  axis->hi = hi;
  if (axis->kind == AX_AXIS_TIME)
    ax_scale_time_ticks (lo, hi, max_ticks, &axis->ticks);
  else
    {
      /* Widen to a finer step than the ticks' so that a small chart's few
       * ticks do not leave half the plot empty. */
      if (axis->nice || axis->hi <= axis->lo)
        ax_scale_nice_range (&axis->lo, &axis->hi, MAX (max_ticks, 5));
      void (*ticks) (double, double, guint, AxTicks *) =
        axis->integer ? ax_scale_integer_ticks : ax_scale_linear_ticks;

      ticks (axis->lo, axis->hi, max_ticks, &axis->ticks);
      for (guint m = max_ticks + 1; axis->ticks.n < 2 && m <= 10 && !axis->integer; m++)
        ticks (axis->lo, axis->hi, m, &axis->ticks);
    }
}

/* Whether the x tick labels, centred on their ticks, leave room between them. */
static gboolean
x_labels_fit (AxChartFrame *frame,
              const AxAxis *x,
              double        p0,
              double        p1)
{
  double prev_right = -G_MAXDOUBLE;

  for (guint i = 0; i < x->ticks.n; i++)
    {
      double w, px = ax_axis_map (x, x->ticks.ticks[i].value, p0, p1);
      ax_chart_frame_text_size (frame, x->ticks.ticks[i].label, x->ticks.ticks[i].major, &w, NULL);
      if (px - w / 2 < prev_right + 10)
        return FALSE;
      prev_right = px + w / 2;
    }
  return TRUE;
}

void
ax_chart_frame_axes (AxChartFrame *frame,
                     AxAxis       *x,
                     AxAxis       *y)
{
  const AxChartStyle *st = frame->style;
  cairo_t *cr = frame->cr;
  AxRect a = frame->area;
  const char *x_title = ax_chart_get_x_title (frame->chart);
  const char *y_title = ax_chart_get_y_title (frame->chart);
  double lh, pad = 6, bottom, top, left, right, plot_h, plot_w, y_label_w;
  double x_lo = x->lo, x_hi = x->hi, y_lo = y->lo, y_hi = y->hi;

  ax_chart_frame_text_size (frame, "0", FALSE, NULL, &lh);
  /* Axis titles only where they fit whole: an ellipsized title says less
   * than none, and a tiny chart needs the room for data. */
  if (y_title && *y_title)
    {
      double tw;
      ax_chart_frame_text_size (frame, y_title, FALSE, &tw, NULL);
      if (tw > a.h - 3 * lh)
        y_title = NULL;
    }
  if (x_title && *x_title && a.h < 6 * lh)
    x_title = NULL;
  bottom = lh + pad;
  if (x_title && *x_title)
    bottom += lh + pad / 2;
  top = y->kind == AX_AXIS_CATEGORY ? 0 : lh / 2;
  plot_h = MAX (a.h - bottom - top, 10);

  /* The value axis: about one tick per 2.5 lines of text. */
  if (y->kind == AX_AXIS_CATEGORY)
    {
      y->lo = -0.5;
      y->hi = y->n_categories - 0.5;
      y_label_w = MIN (max_label_width (frame, y), a.w * 0.4);
      y->category_every = MAX (1, (guint) ceil ((lh + 2) / (plot_h / MAX (y->n_categories, 1))));
    }
  else
    {
      compute_ticks (y, y_lo, y_hi, (guint) CLAMP (plot_h / (lh * 2.5), 2, 10));
      y_label_w = max_label_width (frame, y);
    }
  left = y_label_w + pad;
  if (y_title && *y_title)
    left += lh + pad;
  right = x->kind == AX_AXIS_CATEGORY ? 4 : 16;
  plot_w = MAX (a.w - left - right, 10);

  if (x->kind == AX_AXIS_CATEGORY)
    {
      double slot = plot_w / MAX (x->n_categories, 1);
      x->lo = -0.5;
      x->hi = x->n_categories - 0.5;
      x->category_every = MAX (1, (guint) ceil ((max_label_width (frame, x) + 8) / slot));
    }
  else
    {
      /* Room for labels about 80 px apart; fewer when they collide. */
      guint max_ticks = (guint) CLAMP (plot_w / 80, 2, 16);
      for (;; max_ticks--)
        {
          compute_ticks (x, x_lo, x_hi, max_ticks);
          if (max_ticks <= 2 || x_labels_fit (frame, x, a.x + left, a.x + left + plot_w))
            break;
        }
    }

  frame->plot = (AxRect) { a.x + left, a.y + top, plot_w, plot_h };

  /* Grid and tick labels. */
  cairo_save (cr);
  cairo_set_line_width (cr, 1);
  if (y->kind != AX_AXIS_CATEGORY)
    for (guint i = 0; i < y->ticks.n; i++)
      {
        double py = round (ax_chart_frame_py (frame, y, y->ticks.ticks[i].value)) + 0.5;
        gboolean zero = y->ticks.ticks[i].value == 0 && y->lo < 0;
        if (!y->no_grid || zero)
          {
            ax_chart_set_source (cr, zero ? &st->axis : &st->grid, 1);
            cairo_move_to (cr, frame->plot.x, py);
            cairo_line_to (cr, frame->plot.x + plot_w, py);
            cairo_stroke (cr);
          }
        ax_chart_frame_text (frame, y->ticks.ticks[i].label, frame->plot.x - pad, py, 1, 0.5,
                             &st->dim, FALSE, -1, NULL, NULL);
      }
  else
    for (guint i = 0; i < y->n_categories; i += y->category_every)
      ax_chart_frame_text (frame, y->categories[i] ? y->categories[i] : "", frame->plot.x - pad,
                           ax_chart_frame_py (frame, y, i), 1, 0.5, &st->fg, FALSE, y_label_w, NULL, NULL);

  if (x->kind != AX_AXIS_CATEGORY)
    for (guint i = 0; i < x->ticks.n; i++)
      {
        double px = round (ax_chart_frame_px (frame, x, x->ticks.ticks[i].value)) + 0.5;
        gboolean zero = x->ticks.ticks[i].value == 0 && x->lo < 0 && x->kind == AX_AXIS_LINEAR;
        if (!x->no_grid || zero)
          {
            ax_chart_set_source (cr, zero ? &st->axis : &st->grid, x->ticks.ticks[i].major ? 2 : 1);
            cairo_move_to (cr, px, frame->plot.y);
            cairo_line_to (cr, px, frame->plot.y + plot_h);
            cairo_stroke (cr);
          }
        ax_chart_frame_text (frame, x->ticks.ticks[i].label, px, frame->plot.y + plot_h + pad / 2, 0.5, 0,
                             x->ticks.ticks[i].major ? &st->fg : &st->dim, x->ticks.ticks[i].major, -1, NULL, NULL);
      }
  else
    {
      double slot = plot_w / MAX (x->n_categories, 1);
      for (guint i = 0; i < x->n_categories; i += x->category_every)
        ax_chart_frame_text (frame, x->categories[i] ? x->categories[i] : "", ax_chart_frame_px (frame, x, i),
                             frame->plot.y + plot_h + pad / 2, 0.5, 0, &st->fg, FALSE,
                             slot * x->category_every - 4, NULL, NULL);
    }

  /* The baseline. */
  ax_chart_set_source (cr, &st->axis, 1);
  cairo_move_to (cr, frame->plot.x, round (frame->plot.y + plot_h) + 0.5);
  cairo_line_to (cr, frame->plot.x + plot_w, round (frame->plot.y + plot_h) + 0.5);
  cairo_stroke (cr);
  cairo_restore (cr);

  /* Axis titles (the x title only when it fits under the plot). */
  if (x_title && *x_title)
    {
      double tw;
      ax_chart_frame_text_size (frame, x_title, FALSE, &tw, NULL);
      if (tw > plot_w)
        x_title = NULL;
    }
  if (x_title && *x_title)
    ax_chart_frame_text (frame, x_title, frame->plot.x + plot_w / 2, a.y + a.h, 0.5, 1,
                         &st->fg, FALSE, plot_w, NULL, NULL);
  if (y_title && *y_title)
    {
      cairo_save (cr);
      cairo_translate (cr, a.x, frame->plot.y + plot_h / 2);
      cairo_rotate (cr, -G_PI / 2);
      ax_chart_frame_text (frame, y_title, 0, 0, 0.5, 0, &st->fg, FALSE, plot_h, NULL, NULL);
      cairo_restore (cr);
    }
}

/* Drawing */

static void
draw_empty (AxChartFrame *frame,
            const char   *text)
{
  g_autoptr(PangoLayout) layout = make_layout (frame, text, FALSE, -1);
  int w, h;

  pango_layout_set_width (layout, (int) (MAX (frame->area.w - 24, 40) * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
  pango_layout_get_pixel_size (layout, &w, &h);
  ax_chart_set_source (frame->cr, &frame->style->dim, 1);
  cairo_move_to (frame->cr, frame->area.x + 12, round (frame->area.y + (frame->area.h - h) / 2));
  pango_cairo_show_layout (frame->cr, layout);
}

static void
draw_all (AxChart  *self,
          cairo_t  *cr,
          double    width,
          double    height,
          gboolean  exporting)
{
  AxChartPrivate *priv = ax_chart_get_instance_private (self);
  AxChartClass *klass = AX_CHART_GET_CLASS (self);
  AxChartStyle style;
  AxChartFrame frame = { 0 };
  PangoContext *pango = gtk_widget_get_pango_context (GTK_WIDGET (self));
  const double margin = exporting ? 16 : 4;

  ax_chart_get_style (self, &style);
  frame.cr = cr;
  frame.style = &style;
  frame.chart = self;
  frame.font = pango_font_description_copy (pango_context_get_font_description (pango));
  frame.width = width;
  frame.height = height;
  frame.exporting = exporting;
  frame.area = (AxRect) { margin, margin, MAX (width - 2 * margin, 1), MAX (height - 2 * margin, 1) };
  frame.legend = g_array_new (FALSE, TRUE, sizeof (LegendItem));
  g_array_set_clear_func (frame.legend, legend_item_clear);

  if (exporting)
    {
      ax_chart_set_source (cr, &style.bg, 1);
      cairo_paint (cr);
    }

  if (priv->title && *priv->title)
    {
      double h;
      g_autoptr(PangoFontDescription) title_font = pango_font_description_copy (frame.font);
      PangoFontDescription *body_font = frame.font;

      pango_font_description_set_size (title_font, pango_font_description_get_size (body_font) * 1.1);
      frame.font = title_font;
      ax_chart_frame_text (&frame, priv->title, frame.area.x, frame.area.y, 0, 0, &style.fg, TRUE,
                           frame.area.w, NULL, &h);
      frame.font = body_font;
      frame.area.y += h + 8;
      frame.area.h -= h + 8;
    }

  if (!klass->has_data (self))
    {
      draw_empty (&frame, priv->empty_text ? priv->empty_text : _("No data"));
      if (!exporting)
        priv->plot_valid = FALSE;
    }
  else
    {
      if (klass->legend)
        klass->legend (self, &frame);
      draw_legend (&frame);
      if (frame.area.w > 20 && frame.area.h > 20)
        {
          cairo_save (cr);
          klass->draw (self, &frame);
          cairo_restore (cr);
          if (!exporting)
            ax_chart_remember_plot (self, &frame.plot);
        }
    }
  g_array_unref (frame.legend);
  pango_font_description_free (frame.font);
}

void
ax_chart_remember_plot (AxChart      *self,
                        const AxRect *plot)
{
  AxChartPrivate *priv = ax_chart_get_instance_private (self);

  priv->plot = *plot;
  priv->plot_valid = TRUE;
}

static void
ax_chart_snapshot (GtkWidget   *widget,
                   GtkSnapshot *snapshot)
{
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  cairo_t *cr;

  if (w <= 0 || h <= 0)
    return;
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, w, h));
  draw_all (AX_CHART (widget), cr, w, h, FALSE);
  cairo_destroy (cr);
}

static void
ax_chart_measure (GtkWidget      *widget,
                  GtkOrientation  orientation,
                  int             for_size,
                  int            *minimum,
                  int            *natural,
                  int            *minimum_baseline,
                  int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *minimum = 160, *natural = 400;
  else
    *minimum = 100, *natural = 260;
}

static void
ax_chart_size_allocate (GtkWidget *widget,
                        int        width,
                        int        height,
                        int        baseline)
{
  AxChartPrivate *priv = ax_chart_get_instance_private (AX_CHART (widget));

  if (priv->menu)
    gtk_popover_present (GTK_POPOVER (priv->menu));
}

/* Export */

typedef struct {
  GOutputStream *out;
  GError        *error;
} WriteClosure;

static cairo_status_t
write_to_stream (void                *closure,
                 const unsigned char *data,
                 unsigned int         length)
{
  WriteClosure *wc = closure;

  if (wc->error)
    return CAIRO_STATUS_WRITE_ERROR;
  if (!g_output_stream_write_all (wc->out, data, length, NULL, NULL, &wc->error))
    return CAIRO_STATUS_WRITE_ERROR;
  return CAIRO_STATUS_SUCCESS;
}

gboolean
ax_chart_export (AxChart       *self,
                 GFile         *file,
                 AxChartFormat  format,
                 int            width,
                 int            height,
                 GError       **error)
{
  g_autoptr(GFileOutputStream) out = NULL;
  g_autofree char *name = NULL;
  WriteClosure wc = { NULL, NULL };
  cairo_surface_t *surface;
  cairo_status_t status;
  cairo_t *cr;

  g_return_val_if_fail (AX_IS_CHART (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);
  g_return_val_if_fail (format <= AX_CHART_FORMAT_PDF, FALSE);

  name = g_file_get_parse_name (file);
  if (width <= 0 || height <= 0 || width > 20000 || height > 20000)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("Could not export the chart to “%s”: a size of %d × %d is not between 1 and 20000"),
                   name, width, height);
      return FALSE;
    }
  out = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION, NULL, error);
  if (!out)
    return FALSE;
  wc.out = G_OUTPUT_STREAM (out);

  if (format == AX_CHART_FORMAT_SVG)
    surface = cairo_svg_surface_create_for_stream (write_to_stream, &wc, width, height);
  else if (format == AX_CHART_FORMAT_PDF)
    surface = cairo_pdf_surface_create_for_stream (write_to_stream, &wc, width, height);
  else
    surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);

  cr = cairo_create (surface);
  draw_all (self, cr, width, height, TRUE);
  status = cairo_status (cr);
  cairo_destroy (cr);
  if (status == CAIRO_STATUS_SUCCESS)
    {
      if (format == AX_CHART_FORMAT_PNG)
        status = cairo_surface_write_to_png_stream (surface, write_to_stream, &wc);
      else
        {
          cairo_surface_finish (surface);
          status = cairo_surface_status (surface);
        }
    }
  cairo_surface_destroy (surface);

  if (wc.error)
    {
      g_propagate_prefixed_error (error, wc.error, _("Could not write the chart to “%s”: "), name);
      return FALSE;
    }
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Could not draw the chart for “%s”: %s"),
                   name, cairo_status_to_string (status));
      return FALSE;
    }
  return g_output_stream_close (G_OUTPUT_STREAM (out), NULL, error);
}

static void
on_chooser_response (GtkNativeDialog *native,
                     int              response,
                     AxChart         *self)
{
  AxChartPrivate *priv = ax_chart_get_instance_private (self);

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));
      g_autoptr(GError) error = NULL;
      /* The size on screen, but never smaller than a readable page figure. */
      int w = MAX (gtk_widget_get_width (GTK_WIDGET (self)), 800);
      int h = MAX (gtk_widget_get_height (GTK_WIDGET (self)), 500);

      if (file && !ax_chart_export (self, file, priv->chooser_format, w, h, &error))
        ax_widget_show_error (GTK_WIDGET (self), _("Could Not Export the Chart"), error->message);
    }
  g_clear_object (&priv->chooser);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  AxChart *self = AX_CHART (widget);
  AxChartPrivate *priv = ax_chart_get_instance_private (self);
  const char *fmt = g_variant_get_string (parameter, NULL);
  g_autofree char *base = NULL, *file_name = NULL;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  static const char *mime[] = { "image/png", "image/svg+xml", "application/pdf" };
  static const char *titles[] = { N_("Export Chart as PNG"), N_("Export Chart as SVG"), N_("Export Chart as PDF") };
  static const char *filter_names[] = { N_("PNG images"), N_("SVG images"), N_("PDF documents") };
  guint f;

  for (f = 0; f < G_N_ELEMENTS (format_names); f++)
    if (g_strcmp0 (fmt, format_names[f]) == 0)
      break;
  if (f == G_N_ELEMENTS (format_names))
    return;

  g_clear_object (&priv->chooser);
  priv->chooser_format = (AxChartFormat) f;
  priv->chooser = gtk_file_chooser_native_new (_(titles[f]), ax_widget_get_window (widget),
                                               GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (priv->chooser), TRUE);
  gtk_file_filter_set_name (filter, _(filter_names[f]));
  gtk_file_filter_add_mime_type (filter, mime[f]);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (priv->chooser), filter);
  base = g_strdup (priv->title && *priv->title ? priv->title : _("Chart"));
  g_strdelimit (base, "/\\:", '-');
  file_name = g_strdup_printf ("%s.%s", base, format_names[f]);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (priv->chooser), file_name);
  g_signal_connect (priv->chooser, "response", G_CALLBACK (on_chooser_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (priv->chooser));
}

/* Context menu */

static void
popup_menu_at (AxChart *self,
               double   x,
               double   y)
{
  AxChartPrivate *priv = ax_chart_get_instance_private (self);

  if (!priv->menu)
    {
      g_autoptr(GMenu) menu = g_menu_new ();
      g_menu_append (menu, _("Export as _PNG…"), "chart.export::png");
      g_menu_append (menu, _("Export as _SVG…"), "chart.export::svg");
      g_menu_append (menu, _("Export as P_DF…"), "chart.export::pdf");
      priv->menu = gtk_popover_menu_new_from_model (G_MENU_MODEL (menu));
      gtk_popover_set_has_arrow (GTK_POPOVER (priv->menu), FALSE);
      gtk_widget_set_halign (priv->menu, GTK_ALIGN_START);
      gtk_widget_set_parent (priv->menu, GTK_WIDGET (self));
    }
  gtk_popover_set_pointing_to (GTK_POPOVER (priv->menu), &(GdkRectangle) { (int) x, (int) y, 1, 1 });
  gtk_popover_popup (GTK_POPOVER (priv->menu));
}

static void
menu_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  popup_menu_at (AX_CHART (widget), gtk_widget_get_width (widget) / 2.0, gtk_widget_get_height (widget) / 2.0);
}

static void
on_right_click (GtkGestureClick *gesture,
                int              n_press,
                double           x,
                double           y,
                AxChart         *self)
{
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  popup_menu_at (self, x, y);
}

static void
on_long_press (GtkGestureLongPress *gesture,
               double               x,
               double               y,
               AxChart             *self)
{
  popup_menu_at (self, x, y);
}

/* Tooltip and accessibility */

char *
ax_chart_get_tooltip_text (AxChart *self,
                           double   x,
                           double   y)
{
  AxChartPrivate *priv = ax_chart_get_instance_private (self);
  AxChartClass *klass = AX_CHART_GET_CLASS (self);

  g_return_val_if_fail (AX_IS_CHART (self), NULL);
  if (!priv->plot_valid || !klass->tooltip_text || !klass->has_data (self))
    return NULL;
  return klass->tooltip_text (self, x, y);
}

gboolean
ax_chart_get_plot_area (AxChart         *self,
                        graphene_rect_t *out)
{
  AxChartPrivate *priv = ax_chart_get_instance_private (self);

  g_return_val_if_fail (AX_IS_CHART (self), FALSE);
  if (!priv->plot_valid)
    return FALSE;
  graphene_rect_init (out, priv->plot.x, priv->plot.y, priv->plot.w, priv->plot.h);
  return TRUE;
}

static gboolean
on_query_tooltip (GtkWidget  *widget,
                  int         x,
                  int         y,
                  gboolean    keyboard,
                  GtkTooltip *tooltip)
{
  g_autofree char *text = NULL;

  if (keyboard)
    return FALSE;
  text = ax_chart_get_tooltip_text (AX_CHART (widget), x, y);
  if (!text)
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
update_accessible (AxChart *self)
{
  AxChartPrivate *priv = ax_chart_get_instance_private (self);
  AxChartClass *klass = AX_CHART_GET_CLASS (self);
  g_autofree char *description = NULL;
  g_autofree char *label = NULL;

  if (klass->has_data (self) && klass->describe)
    description = klass->describe (self);
  else
    description = g_strdup (priv->empty_text ? priv->empty_text : _("No data"));
  if (priv->title && *priv->title)
    label = g_strdup_printf ("%s. %s", priv->title, description);
  else
    label = g_steal_pointer (&description);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

void
ax_chart_data_changed (AxChart *self)
{
  update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Public setters */

static void
set_string (char       **field,
            const char  *value)
{
  if (g_strcmp0 (*field, value) != 0)
    {
      g_free (*field);
      *field = g_strdup (value);
    }
}

void
ax_chart_set_title (AxChart    *self,
                    const char *title)
{
  AxChartPrivate *priv = ax_chart_get_instance_private (self);

  g_return_if_fail (AX_IS_CHART (self));
  set_string (&priv->title, title);
  ax_chart_data_changed (self);
}

const char *
ax_chart_get_title (AxChart *self)
{
  AxChartPrivate *priv = ax_chart_get_instance_private (self);
  return priv->title;
}

void
ax_chart_set_axis_titles (AxChart    *self,
                          const char *x_title,
                          const char *y_title)
{
  AxChartPrivate *priv = ax_chart_get_instance_private (self);

  g_return_if_fail (AX_IS_CHART (self));
  set_string (&priv->x_title, x_title);
  set_string (&priv->y_title, y_title);
  ax_chart_data_changed (self);
}

const char *
ax_chart_get_x_title (AxChart *self)
{
  AxChartPrivate *priv = ax_chart_get_instance_private (self);
  return priv->x_title;
}

const char *
ax_chart_get_y_title (AxChart *self)
{
  AxChartPrivate *priv = ax_chart_get_instance_private (self);
  return priv->y_title;
}

void
ax_chart_set_empty_text (AxChart    *self,
                         const char *text)
{
  AxChartPrivate *priv = ax_chart_get_instance_private (self);

  g_return_if_fail (AX_IS_CHART (self));
  set_string (&priv->empty_text, text);
  ax_chart_data_changed (self);
}

void
ax_chart_clear (AxChart *self)
{
  g_return_if_fail (AX_IS_CHART (self));
  if (AX_CHART_GET_CLASS (self)->clear)
    AX_CHART_GET_CLASS (self)->clear (self);
  ax_chart_data_changed (self);
}

gboolean
ax_chart_has_data (AxChart *self)
{
  g_return_val_if_fail (AX_IS_CHART (self), FALSE);
  return AX_CHART_GET_CLASS (self)->has_data (self);
}

/* Class */

static gboolean
no_data (AxChart *self)
{
  return FALSE;
}

static void
on_dark_changed (AxChart *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
ax_chart_dispose (GObject *object)
{
  AxChartPrivate *priv = ax_chart_get_instance_private (AX_CHART (object));

  g_clear_pointer (&priv->menu, gtk_widget_unparent);
  if (priv->chooser)
    {
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (priv->chooser));
      g_clear_object (&priv->chooser);
    }
  G_OBJECT_CLASS (ax_chart_parent_class)->dispose (object);
}

static void
ax_chart_finalize (GObject *object)
{
  AxChartPrivate *priv = ax_chart_get_instance_private (AX_CHART (object));

  g_free (priv->title);
  g_free (priv->x_title);
  g_free (priv->y_title);
  g_free (priv->empty_text);
  G_OBJECT_CLASS (ax_chart_parent_class)->finalize (object);
}

static void
ax_chart_class_init (AxChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ax_chart_dispose;
  object_class->finalize = ax_chart_finalize;
  widget_class->snapshot = ax_chart_snapshot;
  widget_class->measure = ax_chart_measure;
  widget_class->size_allocate = ax_chart_size_allocate;
  widget_class->query_tooltip = on_query_tooltip;
  klass->has_data = no_data;

  gtk_widget_class_install_action (widget_class, "chart.export", "s", export_action);
  gtk_widget_class_install_action (widget_class, "chart.menu", NULL, menu_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Menu, 0, "chart.menu", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F10, GDK_SHIFT_MASK, "chart.menu", NULL);
  gtk_widget_class_set_css_name (widget_class, "chart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
ax_chart_init (AxChart *self)
{
  GtkGesture *click = gtk_gesture_click_new ();
  GtkGesture *press = gtk_gesture_long_press_new ();

  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
  g_signal_connect (click, "pressed", G_CALLBACK (on_right_click), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  gtk_gesture_single_set_touch_only (GTK_GESTURE_SINGLE (press), TRUE);
  g_signal_connect (press, "pressed", G_CALLBACK (on_long_press), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (press));

  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (on_dark_changed), self, G_CONNECT_SWAPPED);
  update_accessible (self);
}
