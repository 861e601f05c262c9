/* ax-line-chart.c — series, bands, markers and rules over a shared x axis
 *
 * Every layer is sorted by x when added, so the visible part is found by
 * binary search and decimated to the plot's pixel columns before drawing:
 * a million points cost a few thousand segments per frame.  The y range
 * follows what is visible, so zooming into a quiet period shows its detail.
 */

#include "ax-config.h"
#include "ax-line-chart.h"
#include "ax-chart-private.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdlib.h>

typedef struct {
  char   *name;
  double *x, *y, *y2;   /* y2: bands' upper bound */
  gsize   n;
  guint   color;        /* series index (bands: their series) */
} Layer;

typedef struct {
  double x;
  char  *label;
} Rule;

struct _AxLineChart {
  AxChart    parent_instance;

  GPtrArray *series;
  GPtrArray *bands;
  GPtrArray *markers;
  GArray    *rules;
  gboolean   time_axis;
  gboolean   integer_x;
  double     resolution;    /* typical spacing of the first series */

  gboolean   zoomed;
  double     view_lo, view_hi;

  /* The last drawing on screen, for tooltips and gestures. */
  gboolean   laid_out;
  AxAxis     last_x, last_y;
  AxRect     last_plot;

  gboolean   hover;
  double     hover_x, hover_y;

  double     gesture_lo, gesture_hi, gesture_centre;
};

G_DEFINE_FINAL_TYPE (AxLineChart, ax_line_chart, AX_TYPE_CHART)

static void
layer_free (gpointer data)
{
  Layer *l = data;
  g_free (l->name);
  g_free (l->x);
  g_free (l->y);
  g_free (l->y2);
  g_free (l);
}

typedef struct {
  const double *x;
} SortContext;

static int
compare_index (gconstpointer a, gconstpointer b, gpointer data)
{
  const double *x = ((SortContext *) data)->x;
  double u = x[*(const gsize *) a], v = x[*(const gsize *) b];
  /* NaN x last. */
  if (isnan (u) || isnan (v))
    return isnan (u) - isnan (v);
  return (u > v) - (u < v);
}

/* Copies the points, sorted by x, dropping NaN x. */
static Layer *
layer_new (const char   *name,
           const double *x,
           const double *y,
           const double *y2,
           gsize         n,
           guint         color)
{
  Layer *l = g_new0 (Layer, 1);
  gboolean sorted = TRUE;
  g_autofree gsize *order = NULL;

  l->name = g_strdup (name);
  l->color = color;
  for (gsize i = 1; i < n && sorted; i++)
    sorted = x[i] >= x[i - 1];
  order = g_new (gsize, MAX (n, 1));
  for (gsize i = 0; i < n; i++)
    order[i] = i;
  if (!sorted)
    g_qsort_with_data (order, (gint) n, sizeof (gsize), compare_index, &(SortContext) { x });
  l->x = g_new (double, MAX (n, 1));
  l->y = g_new (double, MAX (n, 1));
  if (y2)
    l->y2 = g_new (double, MAX (n, 1));
  for (gsize i = 0; i < n; i++)
    {
      gsize j = order[i];
      if (!isfinite (x[j]))
        continue;
      l->x[l->n] = x[j];
      l->y[l->n] = y[j];
      if (y2)
        l->y2[l->n] = y2[j];
      l->n++;
    }
  return l;
}

static gsize
lower_bound (const double *x, gsize n, double v)
{
  gsize lo = 0, hi = n;
  while (lo < hi)
    {
      gsize mid = lo + (hi - lo) / 2;
      if (x[mid] < v)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

/* The index in @l whose x is nearest to @v (n when empty). */
static gsize
nearest_index (const Layer *l, double v)
{
  gsize i = lower_bound (l->x, l->n, v);
  if (l->n == 0)
    return 0;
  if (i >= l->n)
    return l->n - 1;
  if (i > 0 && v - l->x[i - 1] < l->x[i] - v)
    return i - 1;
  return i;
}

static gboolean
data_range (AxLineChart *self,
            double      *lo,
            double      *hi)
{
  GPtrArray *groups[] = { self->series, self->bands, self->markers };

  *lo = INFINITY;
  *hi = -INFINITY;
  for (guint g = 0; g < G_N_ELEMENTS (groups); g++)
    for (guint i = 0; i < groups[g]->len; i++)
      {
        Layer *l = g_ptr_array_index (groups[g], i);
        if (l->n == 0)
          continue;
        *lo = MIN (*lo, l->x[0]);
        *hi = MAX (*hi, l->x[l->n - 1]);
      }
  for (guint i = 0; i < self->rules->len; i++)
    {
      double x = g_array_index (self->rules, Rule, i).x;
      if (*lo <= *hi && x >= *lo - (*hi - *lo) * 0.05 && x <= *hi + (*hi - *lo) * 0.05)
        *lo = MIN (*lo, x), *hi = MAX (*hi, x);
    }
  if (!(*lo <= *hi))
    return FALSE;
  if (*lo == *hi)
    {
      double pad = self->time_axis ? 43200 : (fabs (*lo) > 0 ? fabs (*lo) * 0.05 : 0.5);
      *lo -= pad;
      *hi += pad;
    }
  return TRUE;
}

gboolean
ax_line_chart_get_visible_range (AxLineChart *self,
                                 double      *lo,
                                 double      *hi)
{
  double a, b;

  g_return_val_if_fail (AX_IS_LINE_CHART (self), FALSE);
  if (!data_range (self, &a, &b))
    return FALSE;
  if (self->zoomed)
    a = self->view_lo, b = self->view_hi;
  if (lo)
    *lo = a;
  if (hi)
    *hi = b;
  return TRUE;
}

void
ax_line_chart_set_visible_range (AxLineChart *self,
                                 double       lo,
                                 double       hi)
{
  double a, b, min_width;

  g_return_if_fail (AX_IS_LINE_CHART (self));
  if (!data_range (self, &a, &b) || !(hi > lo))
    return;
  /* Never narrower than a few points (or a minute of time). */
  min_width = MAX (self->resolution * 3, (b - a) * 1e-6);
  if (self->time_axis)
    min_width = MAX (min_width, 60);
  if (hi - lo < min_width)
    {
      double c = (lo + hi) / 2;
      lo = c - min_width / 2;
      hi = c + min_width / 2;
    }
  if (hi - lo >= b - a)
    {
      ax_line_chart_reset_zoom (self);
      return;
    }
  /* Slide back inside the data. */
  if (lo < a)
    hi += a - lo, lo = a;
  if (hi > b)
    lo -= hi - b, hi = b;
  self->zoomed = TRUE;
  self->view_lo = lo;
  self->view_hi = hi;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
ax_line_chart_reset_zoom (AxLineChart *self)
{
  g_return_if_fail (AX_IS_LINE_CHART (self));
  self->zoomed = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
zoom_around (AxLineChart *self,
             double       factor,
             double       centre)
{
  double lo, hi;

  if (!ax_line_chart_get_visible_range (self, &lo, &hi))
    return;
  if (!isfinite (centre) || centre < lo || centre > hi)
    centre = (lo + hi) / 2;
  ax_line_chart_set_visible_range (self, centre - (centre - lo) * factor, centre + (hi - centre) * factor);
}

/* The data x under widget x @px in the last layout (NaN before one). */
static double
x_at (AxLineChart *self,
      double       px)
{
  if (!self->laid_out)
    return NAN;
  return ax_axis_unmap (&self->last_x, px, self->last_plot.x, self->last_plot.x + self->last_plot.w);
}

/* Drawing */

static double
band_alpha (AxChartFrame *frame)
{
  return frame->style->dark ? 0.28 : 0.2;
}

static void
line_chart_legend (AxChart      *chart,
                   AxChartFrame *frame)
{
  AxLineChart *self = AX_LINE_CHART (chart);
  gboolean named = FALSE;

  for (guint i = 0; i < self->series->len; i++)
    named |= ((Layer *) g_ptr_array_index (self->series, i))->name != NULL;
  if (self->series->len == 1 && self->bands->len == 0 && self->markers->len == 0)
    named = FALSE;
  for (guint i = 0; named && i < self->series->len; i++)
    {
      Layer *l = g_ptr_array_index (self->series, i);
      ax_chart_frame_add_legend (frame, AX_LEGEND_LINE, ax_chart_frame_series_color (frame, l->color),
                                 l->name ? l->name : _("Series"));
    }
  for (guint i = 0; i < self->bands->len; i++)
    {
      Layer *l = g_ptr_array_index (self->bands, i);
      GdkRGBA shade = *ax_chart_frame_series_color (frame, l->color);
      guint depth = 1;

      /* Bands of one series overlap (95% over 80%): the k-th one added
       * shows k layers of shade. */
      for (guint j = 0; j < i; j++)
        depth += ((Layer *) g_ptr_array_index (self->bands, j))->color == l->color;
      shade.alpha = 1 - pow (1 - band_alpha (frame), depth);
      if (l->name && *l->name)
        ax_chart_frame_add_legend (frame, AX_LEGEND_BAND, &shade, l->name);
    }
  for (guint i = 0; i < self->markers->len; i++)
    {
      Layer *l = g_ptr_array_index (self->markers, i);
      if (l->name && *l->name)
        ax_chart_frame_add_legend (frame, AX_LEGEND_MARKER, &frame->style->error, l->name);
    }
}

typedef struct {
  double *x, *y, *y2;
  gsize   n;
} Points;

static void
points_clear (Points *p)
{
  g_free (p->x);
  g_free (p->y);
  g_free (p->y2);
}

static void
grow_y (double *lo, double *hi, const double *y, gsize n)
{
  for (gsize i = 0; i < n; i++)
    if (isfinite (y[i]))
      *lo = MIN (*lo, y[i]), *hi = MAX (*hi, y[i]);
}

/* Decimates @l over [x0, x1] for @columns pixel columns. */
static void
decimate_layer (const Layer *l,
                double       x0,
                double       x1,
                guint        columns,
                Points      *out)
{
  gsize cap = ax_scale_decimate_capacity (columns);

  out->x = g_new (double, cap);
  out->y = g_new (double, cap);
  out->n = ax_scale_decimate (l->x, l->y, l->n, x0, x1, columns, out->x, out->y);
  if (l->y2)
    {
      /* The upper bound at the lower bound's decimated x, so that each run
       * closes into one polygon. */
      out->y2 = g_new (double, cap);
      for (gsize i = 0; i < out->n; i++)
        out->y2[i] = l->y2[nearest_index (l, out->x[i])];
    }
}

static void
draw_band (AxChartFrame *frame,
           AxAxis       *xa,
           AxAxis       *ya,
           const Points *p,
           const GdkRGBA *color)
{
  cairo_t *cr = frame->cr;
  gsize start = 0;

  ax_chart_set_source (cr, color, band_alpha (frame));
  while (start < p->n)
    {
      gsize end = start;
      /* One polygon per run of finite bounds. */
      while (end < p->n && isfinite (p->y[end]) && isfinite (p->y2[end]))
        end++;
      if (end > start)
        {
          for (gsize i = start; i < end; i++)
            cairo_line_to (cr, ax_chart_frame_px (frame, xa, p->x[i]), ax_chart_frame_py (frame, ya, p->y2[i]));
          for (gsize i = end; i > start; i--)
            cairo_line_to (cr, ax_chart_frame_px (frame, xa, p->x[i - 1]), ax_chart_frame_py (frame, ya, p->y[i - 1]));
          cairo_close_path (cr);
          cairo_fill (cr);
        }
      start = end + 1;
    }
}

static void
draw_line (AxChartFrame *frame,
           AxAxis       *xa,
           AxAxis       *ya,
           const Points *p,
           const GdkRGBA *color)
{
  cairo_t *cr = frame->cr;
  gboolean pen = FALSE;

  cairo_save (cr);
  ax_chart_set_source (cr, color, 1);
  cairo_set_line_width (cr, 2);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  for (gsize i = 0; i < p->n; i++)
    {
      double px, py;
      if (!isfinite (p->y[i]))
        {
          pen = FALSE;
          continue;
        }
      px = ax_chart_frame_px (frame, xa, p->x[i]);
      py = ax_chart_frame_py (frame, ya, p->y[i]);
      /* A lone point between gaps shows as a dot. */
      if (!pen && (i + 1 >= p->n || !isfinite (p->y[i + 1])))
        {
          cairo_stroke (cr);
          cairo_arc (cr, px, py, 2.5, 0, 2 * G_PI);
          cairo_fill (cr);
          continue;
        }
      if (pen)
        cairo_line_to (cr, px, py);
      else
        cairo_move_to (cr, px, py);
      pen = TRUE;
    }
  cairo_stroke (cr);
  cairo_restore (cr);
}

static void
draw_marker (AxChartFrame *frame, double px, double py, const GdkRGBA *fill, double r)
{
  cairo_t *cr = frame->cr;

  cairo_arc (cr, px, py, r, 0, 2 * G_PI);
  ax_chart_set_source (cr, &frame->style->bg, 1);
  cairo_set_line_width (cr, 2);
  cairo_stroke_preserve (cr);
  ax_chart_set_source (cr, fill, 1);
  cairo_fill (cr);
}

/* The x of the point nearest the widget point (@px, @py) in the last
 * layout, over series and markers, measured in pixels; NaN when none. */
static double
nearest_x (AxLineChart *self,
           double       px,
           double       py)
{
  double v = x_at (self, px), best = INFINITY, best_x = NAN;
  GPtrArray *groups[] = { self->series, self->markers };

  if (isnan (v))
    return NAN;
  for (guint g = 0; g < G_N_ELEMENTS (groups); g++)
    for (guint s = 0; s < groups[g]->len; s++)
      {
        Layer *l = g_ptr_array_index (groups[g], s);
        gsize i = lower_bound (l->x, l->n, v);
        /* The neighbours on each side; points at equal x differ in y. */
        for (gsize j = i > 2 ? i - 2 : 0; j < MIN (i + 2, l->n); j++)
          {
            double qx = ax_axis_map (&self->last_x, l->x[j], self->last_plot.x, self->last_plot.x + self->last_plot.w);
            double qy = ax_axis_map (&self->last_y, l->y[j], self->last_plot.y + self->last_plot.h, self->last_plot.y);
            double d;
            if (!isfinite (l->y[j]))
              continue;
            /* The pointer sits over a date: the nearest in x wins (to half
             * a pixel), and y only chooses between layers at that x. */
            d = round (fabs (qx - px) * 2) * 1e6 + fabs (qy - py);
            if (d < best)
              best = d, best_x = l->x[j];
          }
      }
  return best_x;
}

/* How close in x a point must be to count as "at" @x. */
static double
x_tolerance (AxLineChart *self)
{
  double per_px = self->last_plot.w > 0 ? (self->last_x.hi - self->last_x.lo) / self->last_plot.w : 0;
  return MAX (self->resolution * 0.25, per_px * 1.5);
}

static void
line_chart_draw (AxChart      *chart,
                 AxChartFrame *frame)
{
  AxLineChart *self = AX_LINE_CHART (chart);
  AxAxis xa = { .kind = self->time_axis ? AX_AXIS_TIME : AX_AXIS_LINEAR, .integer = self->integer_x };
  AxAxis ya = { .kind = AX_AXIS_LINEAR, .nice = TRUE };
  guint columns = (guint) MAX (frame->area.w, 1);
  g_autofree Points *series = g_new0 (Points, self->series->len + 1);
  g_autofree Points *bands = g_new0 (Points, self->bands->len + 1);
  double lo = INFINITY, hi = -INFINITY;
  cairo_t *cr = frame->cr;

  ax_line_chart_get_visible_range (self, &xa.lo, &xa.hi);
  xa.nice = !self->zoomed && !self->time_axis;

  for (guint i = 0; i < self->series->len; i++)
    {
      decimate_layer (g_ptr_array_index (self->series, i), xa.lo, xa.hi, columns, &series[i]);
      grow_y (&lo, &hi, series[i].y, series[i].n);
    }
  for (guint i = 0; i < self->bands->len; i++)
    {
      decimate_layer (g_ptr_array_index (self->bands, i), xa.lo, xa.hi, columns, &bands[i]);
      grow_y (&lo, &hi, bands[i].y, bands[i].n);
      grow_y (&lo, &hi, bands[i].y2, bands[i].n);
    }
  for (guint i = 0; i < self->markers->len; i++)
    {
      Layer *l = g_ptr_array_index (self->markers, i);
      for (gsize j = lower_bound (l->x, l->n, xa.lo); j < l->n && l->x[j] <= xa.hi; j++)
        if (isfinite (l->y[j]))
          lo = MIN (lo, l->y[j]), hi = MAX (hi, l->y[j]);
    }
  if (!(lo <= hi))
    lo = 0, hi = 1;
  ya.lo = lo;
  ya.hi = hi;

  ax_chart_frame_axes (frame, &xa, &ya);

  cairo_save (cr);
  cairo_rectangle (cr, frame->plot.x - 6, frame->plot.y - 6, frame->plot.w + 12, frame->plot.h + 12);
  cairo_clip (cr);
  cairo_rectangle (cr, frame->plot.x, frame->plot.y - 6, frame->plot.w, frame->plot.h + 6);
  cairo_clip (cr);

  for (guint i = 0; i < self->bands->len; i++)
    {
      Layer *l = g_ptr_array_index (self->bands, i);
      draw_band (frame, &xa, &ya, &bands[i], ax_chart_frame_series_color (frame, l->color));
    }

  /* Rules, dashed, with their label at the top. */
  for (guint i = 0; i < self->rules->len; i++)
    {
      Rule *r = &g_array_index (self->rules, Rule, i);
      double px = round (ax_chart_frame_px (frame, &xa, r->x)) + 0.5;
      if (r->x < xa.lo || r->x > xa.hi)
        continue;
      cairo_save (cr);
      ax_chart_set_source (cr, &frame->style->fg, 0.55);
      cairo_set_line_width (cr, 1);
      cairo_set_dash (cr, (double[]) { 5, 4 }, 2, 0);
      cairo_move_to (cr, px, frame->plot.y);
      cairo_line_to (cr, px, frame->plot.y + frame->plot.h);
      cairo_stroke (cr);
      cairo_restore (cr);
      if (r->label)
        {
          double w;
          ax_chart_frame_text_size (frame, r->label, FALSE, &w, NULL);
          /* Right of the rule, or left of it near the right edge. */
          if (px + 4 + w <= frame->plot.x + frame->plot.w)
            ax_chart_frame_text (frame, r->label, px + 4, frame->plot.y, 0, 0, &frame->style->dim, FALSE, -1, NULL, NULL);
          else
            ax_chart_frame_text (frame, r->label, px - 4, frame->plot.y, 1, 0, &frame->style->dim, FALSE, -1, NULL, NULL);
        }
    }

  for (guint i = 0; i < self->series->len; i++)
    {
      Layer *l = g_ptr_array_index (self->series, i);
      draw_line (frame, &xa, &ya, &series[i], ax_chart_frame_series_color (frame, l->color));
    }
  cairo_restore (cr);

  for (guint i = 0; i < self->markers->len; i++)
    {
      Layer *l = g_ptr_array_index (self->markers, i);
      for (gsize j = lower_bound (l->x, l->n, xa.lo); j < l->n && l->x[j] <= xa.hi; j++)
        if (isfinite (l->y[j]))
          draw_marker (frame, ax_chart_frame_px (frame, &xa, l->x[j]), ax_chart_frame_py (frame, &ya, l->y[j]),
                       &frame->style->error, 4.5);
    }

  if (!frame->exporting)
    {
      self->last_x = xa;
      self->last_y = ya;
      self->last_plot = frame->plot;
      self->laid_out = TRUE;

      /* The hovered date: a guide and the series' points on it. */
      if (self->hover && self->hover_x >= frame->plot.x && self->hover_x <= frame->plot.x + frame->plot.w
          && self->hover_y >= frame->plot.y && self->hover_y <= frame->plot.y + frame->plot.h)
        {
          double x = nearest_x (self, self->hover_x, self->hover_y), tol = x_tolerance (self);
          if (isfinite (x))
            {
              double px = round (ax_chart_frame_px (frame, &xa, x)) + 0.5;
              ax_chart_set_source (cr, &frame->style->fg, 0.35);
              cairo_set_line_width (cr, 1);
              cairo_move_to (cr, px, frame->plot.y);
              cairo_line_to (cr, px, frame->plot.y + frame->plot.h);
              cairo_stroke (cr);
              for (guint i = 0; i < self->series->len; i++)
                {
                  Layer *l = g_ptr_array_index (self->series, i);
                  gsize j = nearest_index (l, x);
                  if (l->n > 0 && fabs (l->x[j] - x) <= tol && isfinite (l->y[j]))
                    draw_marker (frame, ax_chart_frame_px (frame, &xa, l->x[j]), ax_chart_frame_py (frame, &ya, l->y[j]),
                                 ax_chart_frame_series_color (frame, l->color), 4);
                }
            }
        }
    }

  for (guint i = 0; i < self->series->len; i++)
    points_clear (&series[i]);
  for (guint i = 0; i < self->bands->len; i++)
    points_clear (&bands[i]);
}

static char *
format_x (AxLineChart *self,
          double       x)
{
  if (self->time_axis)
    return ax_scale_format_time (x, self->resolution);
  return ax_scale_format_value (x);
}

static char *
line_chart_tooltip_text (AxChart *chart,
                         double   px,
                         double   py)
{
  AxLineChart *self = AX_LINE_CHART (chart);
  const char *x_title = ax_chart_get_x_title (chart);
  const char *y_title = ax_chart_get_y_title (chart);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *xs = NULL;
  double x, tol;
  guint lines = 0;

  if (!self->laid_out || px < self->last_plot.x - 8 || px > self->last_plot.x + self->last_plot.w + 8
      || py < self->last_plot.y - 8 || py > self->last_plot.y + self->last_plot.h + 8)
    return NULL;
  x = nearest_x (self, px, py);
  if (!isfinite (x))
    return NULL;
  tol = x_tolerance (self);
  xs = format_x (self, x);
  if (!self->time_axis && x_title && *x_title)
    g_string_append_printf (text, "%s: %s", x_title, xs);
  else
    g_string_append (text, xs);

  for (guint i = 0; i < self->series->len; i++)
    {
      Layer *l = g_ptr_array_index (self->series, i);
      gsize j = nearest_index (l, x);
      g_autofree char *v = NULL;
      if (l->n == 0 || fabs (l->x[j] - x) > tol || !isfinite (l->y[j]))
        continue;
      v = ax_scale_format_value (l->y[j]);
      g_string_append_printf (text, "\n%s: %s", l->name ? l->name : (y_title ? y_title : _("Value")), v);
      lines++;
    }
  for (guint i = 0; i < self->bands->len; i++)
    {
      Layer *l = g_ptr_array_index (self->bands, i);
      gsize j = nearest_index (l, x);
      g_autofree char *a = NULL, *b = NULL;
      if (l->n == 0 || fabs (l->x[j] - x) > tol || !isfinite (l->y[j]) || !isfinite (l->y2[j]))
        continue;
      a = ax_scale_format_value (l->y[j]);
      b = ax_scale_format_value (l->y2[j]);
      /* TRANSLATORS: a band's name and its range, "95% range: 380 – 450" */
      g_string_append_printf (text, _("\n%s: %s – %s"), l->name ? l->name : _("Range"), a, b);
      lines++;
    }
  for (guint i = 0; i < self->markers->len; i++)
    {
      Layer *l = g_ptr_array_index (self->markers, i);
      gsize j = nearest_index (l, x);
      g_autofree char *v = NULL;
      if (l->n == 0 || fabs (l->x[j] - x) > tol || !isfinite (l->y[j]))
        continue;
      v = ax_scale_format_value (l->y[j]);
      g_string_append_printf (text, "\n%s: %s", l->name ? l->name : _("Marked"), v);
      lines++;
    }
  if (lines == 0)
    return NULL;
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static char *
line_chart_describe (AxChart *chart)
{
  AxLineChart *self = AX_LINE_CHART (chart);
  g_autoptr(GString) names = g_string_new (NULL);
  g_autofree char *from = NULL, *to = NULL;
  gsize points = 0;
  double lo, hi;

  for (guint i = 0; i < self->series->len; i++)
    {
      Layer *l = g_ptr_array_index (self->series, i);
      if (names->len)
        g_string_append (names, ", ");
      g_string_append (names, l->name ? l->name : _("Series"));
      points += l->n;
    }
  data_range (self, &lo, &hi);
  from = format_x (self, lo);
  to = format_x (self, hi);
  return g_strdup_printf (_("Line chart of %s: %" G_GSIZE_FORMAT " points from %s to %s"),
                          names->len ? names->str : _("no series"), points, from, to);
}

static gboolean
line_chart_has_data (AxChart *chart)
{
  AxLineChart *self = AX_LINE_CHART (chart);
  double lo, hi;

  return (self->series->len > 0 || self->bands->len > 0 || self->markers->len > 0) && data_range (self, &lo, &hi);
}

static void
line_chart_clear (AxChart *chart)
{
  AxLineChart *self = AX_LINE_CHART (chart);

  g_ptr_array_set_size (self->series, 0);
  g_ptr_array_set_size (self->bands, 0);
  g_ptr_array_set_size (self->markers, 0);
  g_array_set_size (self->rules, 0);
  self->zoomed = FALSE;
  self->laid_out = FALSE;
  self->resolution = 0;
}

/* Public */

AxLineChart *
ax_line_chart_new (void)
{
  return g_object_new (AX_TYPE_LINE_CHART, NULL);
}

void
ax_line_chart_set_time_axis (AxLineChart *self,
                             gboolean     time_axis)
{
  g_return_if_fail (AX_IS_LINE_CHART (self));
  self->time_axis = !!time_axis;
  ax_chart_data_changed (AX_CHART (self));
}

void
ax_line_chart_set_integer_x (AxLineChart *self,
                             gboolean     integer_x)
{
  g_return_if_fail (AX_IS_LINE_CHART (self));
  self->integer_x = !!integer_x;
  ax_chart_data_changed (AX_CHART (self));
}

guint
ax_line_chart_add_series (AxLineChart  *self,
                          const char   *name,
                          const double *x,
                          const double *y,
                          gsize         n)
{
  Layer *l;

  g_return_val_if_fail (AX_IS_LINE_CHART (self), 0);
  g_return_val_if_fail (n == 0 || (x && y), 0);
  l = layer_new (name, x, y, NULL, n, self->series->len);
  g_ptr_array_add (self->series, l);
  if (self->resolution == 0)
    self->resolution = ax_scale_typical_spacing (l->x, l->n);
  ax_chart_data_changed (AX_CHART (self));
  return self->series->len - 1;
}

void
ax_line_chart_add_band (AxLineChart  *self,
                        guint         series,
                        const char   *name,
                        const double *x,
                        const double *lower,
                        const double *upper,
                        gsize         n)
{
  g_return_if_fail (AX_IS_LINE_CHART (self));
  g_return_if_fail (n == 0 || (x && lower && upper));
  g_ptr_array_add (self->bands, layer_new (name, x, lower, upper, n, series));
  ax_chart_data_changed (AX_CHART (self));
}

void
ax_line_chart_add_markers (AxLineChart  *self,
                           const char   *name,
                           const double *x,
                           const double *y,
                           gsize         n)
{
  g_return_if_fail (AX_IS_LINE_CHART (self));
  g_return_if_fail (n == 0 || (x && y));
  g_ptr_array_add (self->markers, layer_new (name, x, y, NULL, n, 0));
  ax_chart_data_changed (AX_CHART (self));
}

void
ax_line_chart_add_rule (AxLineChart *self,
                        double       x,
                        const char  *label)
{
  Rule r = { x, g_strdup (label) };

  g_return_if_fail (AX_IS_LINE_CHART (self));
  g_array_append_val (self->rules, r);
  ax_chart_data_changed (AX_CHART (self));
}

/* Interaction */

static void
zoom_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  AxLineChart *self = AX_LINE_CHART (widget);
  double centre = self->hover ? x_at (self, self->hover_x) : NAN;

  if (g_str_equal (action_name, "chart.zoom-in"))
    zoom_around (self, 0.5, centre);
  else if (g_str_equal (action_name, "chart.zoom-out"))
    zoom_around (self, 2.0, centre);
  else if (g_str_equal (action_name, "chart.reset-zoom"))
    ax_line_chart_reset_zoom (self);
  else if (self->zoomed)
    {
      double shift = (self->view_hi - self->view_lo) * 0.2;
      if (g_str_equal (action_name, "chart.pan-left"))
        shift = -shift;
      ax_line_chart_set_visible_range (self, self->view_lo + shift, self->view_hi + shift);
    }
}

static void
on_motion (GtkEventControllerMotion *motion,
           double                    x,
           double                    y,
           AxLineChart              *self)
{
  self->hover = TRUE;
  self->hover_x = x;
  self->hover_y = y;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_leave (GtkEventControllerMotion *motion,
          AxLineChart              *self)
{
  self->hover = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static gboolean
on_scroll (GtkEventControllerScroll *scroll,
           double                    dx,
           double                    dy,
           AxLineChart              *self)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (scroll));

  /* Plain scrolling belongs to the page around the chart. */
  if (!(state & GDK_CONTROL_MASK) || dy == 0)
    return FALSE;
  zoom_around (self, pow (1.25, CLAMP (dy, -4, 4)), self->hover ? x_at (self, self->hover_x) : NAN);
  return TRUE;
}

static void
on_pinch_begin (GtkGesture       *gesture,
                GdkEventSequence *sequence,
                AxLineChart      *self)
{
  double cx, cy;

  ax_line_chart_get_visible_range (self, &self->gesture_lo, &self->gesture_hi);
  self->gesture_centre = gtk_gesture_get_bounding_box_center (gesture, &cx, &cy) ? x_at (self, cx) : NAN;
}

static void
on_pinch (GtkGestureZoom *gesture,
          double          scale,
          AxLineChart    *self)
{
  double c = self->gesture_centre, lo = self->gesture_lo, hi = self->gesture_hi;

  if (!(scale > 0))
    return;
  if (!isfinite (c))
    c = (lo + hi) / 2;
  ax_line_chart_set_visible_range (self, c - (c - lo) / scale, c + (hi - c) / scale);
}

static void
on_drag_begin (GtkGestureDrag *gesture,
               double          x,
               double          y,
               AxLineChart    *self)
{
  if (!self->zoomed)
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }
  self->gesture_lo = self->view_lo;
  self->gesture_hi = self->view_hi;
}

static void
on_drag_update (GtkGestureDrag *gesture,
                double          dx,
                double          dy,
                AxLineChart    *self)
{
  double per_px;

  if (!self->zoomed || !self->laid_out || self->last_plot.w <= 0)
    return;
  if (fabs (dx) > 3)
    gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  per_px = (self->gesture_hi - self->gesture_lo) / self->last_plot.w;
  ax_line_chart_set_visible_range (self, self->gesture_lo - dx * per_px, self->gesture_hi - dx * per_px);
}

static void
on_click (GtkGestureClick *gesture,
          int              n_press,
          double           x,
          double           y,
          AxLineChart      *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self));
  if (n_press == 2)
    ax_line_chart_reset_zoom (self);
}

static void
ax_line_chart_finalize (GObject *object)
{
  AxLineChart *self = AX_LINE_CHART (object);

  g_ptr_array_unref (self->series);
  g_ptr_array_unref (self->bands);
  g_ptr_array_unref (self->markers);
  g_array_unref (self->rules);
  G_OBJECT_CLASS (ax_line_chart_parent_class)->finalize (object);
}

static void
rule_clear (gpointer data)
{
  g_free (((Rule *) data)->label);
}

static void
ax_line_chart_class_init (AxLineChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  AxChartClass *chart_class = AX_CHART_CLASS (klass);
  static const struct { guint key; GdkModifierType mods; const char *action; } keys[] = {
    { GDK_KEY_plus, 0, "chart.zoom-in" }, { GDK_KEY_equal, 0, "chart.zoom-in" },
    { GDK_KEY_KP_Add, 0, "chart.zoom-in" }, { GDK_KEY_plus, GDK_CONTROL_MASK, "chart.zoom-in" },
    { GDK_KEY_equal, GDK_CONTROL_MASK, "chart.zoom-in" },
    { GDK_KEY_minus, 0, "chart.zoom-out" }, { GDK_KEY_KP_Subtract, 0, "chart.zoom-out" },
    { GDK_KEY_minus, GDK_CONTROL_MASK, "chart.zoom-out" },
    { GDK_KEY_Home, 0, "chart.reset-zoom" }, { GDK_KEY_0, GDK_CONTROL_MASK, "chart.reset-zoom" },
    { GDK_KEY_Left, 0, "chart.pan-left" }, { GDK_KEY_Right, 0, "chart.pan-right" },
  };

  object_class->finalize = ax_line_chart_finalize;
  chart_class->has_data = line_chart_has_data;
  chart_class->clear = line_chart_clear;
  chart_class->legend = line_chart_legend;
  chart_class->draw = line_chart_draw;
  chart_class->tooltip_text = line_chart_tooltip_text;
  chart_class->describe = line_chart_describe;

  gtk_widget_class_install_action (widget_class, "chart.zoom-in", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "chart.zoom-out", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "chart.reset-zoom", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "chart.pan-left", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "chart.pan-right", NULL, zoom_action);
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    gtk_widget_class_add_binding_action (widget_class, keys[i].key, keys[i].mods, keys[i].action, NULL);
}

static void
ax_line_chart_init (AxLineChart *self)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();
  GtkEventController *scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);
  GtkGesture *pinch = gtk_gesture_zoom_new ();
  GtkGesture *drag = gtk_gesture_drag_new ();
  GtkGesture *click = gtk_gesture_click_new ();

  self->series = g_ptr_array_new_with_free_func (layer_free);
  self->bands = g_ptr_array_new_with_free_func (layer_free);
  self->markers = g_ptr_array_new_with_free_func (layer_free);
  self->rules = g_array_new (FALSE, TRUE, sizeof (Rule));
  g_array_set_clear_func (self->rules, rule_clear);

  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (motion, "enter", G_CALLBACK (on_motion), self);
  g_signal_connect (motion, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
  g_signal_connect (scroll, "scroll", G_CALLBACK (on_scroll), self);
  gtk_widget_add_controller (GTK_WIDGET (self), scroll);
  g_signal_connect (pinch, "begin", G_CALLBACK (on_pinch_begin), self);
  g_signal_connect (pinch, "scale-changed", G_CALLBACK (on_pinch), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (pinch));
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));
  g_signal_connect (click, "pressed", G_CALLBACK (on_click), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
}
