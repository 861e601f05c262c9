/* ax-column-summary.c — a column's type and statistics, above its cells */

#include "ax-config.h"
#include "ax-column-summary.h"

#include <glib/gi18n.h>
#include <math.h>

struct _AxColumnSummary {
  GtkWidget     parent_instance;
  AxColumnType  type;
  gint64        n_rows;
  guint         n_bars;
  double        bars[AX_STATS_BINS];   /* heights 0..1 */
  GtkWidget    *type_label;
  GtkWidget    *line1;
  GtkWidget    *line2;
  GtkWidget    *chart;
};

G_DEFINE_FINAL_TYPE (AxColumnSummary, ax_column_summary, GTK_TYPE_WIDGET)

char *
ax_column_summary_format_number (double v)
{
  if (isnan (v))
    return g_strdup ("—");
  if (fabs (v) >= 1e7 || (v != 0 && fabs (v) < 1e-3))
    return g_strdup_printf ("%.3g", v);
  if (v == floor (v))
    return g_strdup_printf ("%'.0f", v);
  if (fabs (v) >= 100)
    return g_strdup_printf ("%'.1f", v);
  return g_strdup_printf ("%.3g", v);
}

static char *
format_for_type (AxColumnType type,
                 double       v)
{
  char buf[32];

  if (isnan (v))
    return g_strdup ("—");
  if (type == AX_COLUMN_DATE)
    {
      ax_format_date ((gint64) llround (v), buf, sizeof buf);
      return g_strdup (buf);
    }
  if (type == AX_COLUMN_DATETIME)
    {
      ax_format_datetime ((gint64) llround (v), buf, sizeof buf);
      return g_strdup (buf);
    }
  return ax_column_summary_format_number (v);
}

static void
draw_bars (GtkDrawingArea *area,
           cairo_t        *cr,
           int             width,
           int             height,
           gpointer        data)
{
  AxColumnSummary *self = data;
  GdkRGBA color;
  double gap = 1, w;

  if (self->n_bars == 0)
    return;
  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (area)), &color);
  /* Bars in the text colour, faded: they read in light and dark styles. */
  cairo_set_source_rgba (cr, color.red, color.green, color.blue, 0.45);
  w = (width - gap * (self->n_bars - 1)) / self->n_bars;
  for (guint i = 0; i < self->n_bars; i++)
    {
      double h = MAX (self->bars[i] > 0 ? 1.5 : 0, self->bars[i] * height);
      cairo_rectangle (cr, i * (w + gap), height - h, w, h);
    }
  cairo_fill (cr);
}

static void
ax_column_summary_dispose (GObject *object)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))))
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (ax_column_summary_parent_class)->dispose (object);
}

static void
ax_column_summary_class_init (AxColumnSummaryClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = ax_column_summary_dispose;
  gtk_widget_class_set_layout_manager_type (GTK_WIDGET_CLASS (klass), GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (GTK_WIDGET_CLASS (klass), "columnsummary");
}

static GtkWidget *
small_label (void)
{
  GtkWidget *label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  /* Ask for no more than the column's width: long ranges ellipsize rather
   * than push the strip out of line with the columns below. */
  gtk_label_set_max_width_chars (GTK_LABEL (label), 1);
  gtk_widget_add_css_class (label, "caption");
  return label;
}

static void
ax_column_summary_init (AxColumnSummary *self)
{
  GtkLayoutManager *layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));

  gtk_orientable_set_orientation (GTK_ORIENTABLE (layout), GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (layout), 2);

  self->type_label = small_label ();
  gtk_widget_add_css_class (self->type_label, "heading");
  self->line1 = small_label ();
  gtk_widget_add_css_class (self->line1, "dim-label");
  self->line2 = small_label ();
  gtk_widget_add_css_class (self->line2, "dim-label");
  self->chart = gtk_drawing_area_new ();
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (self->chart), 22);
  gtk_widget_set_margin_top (self->chart, 2);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (self->chart), draw_bars, self, NULL);

  gtk_widget_set_parent (self->type_label, GTK_WIDGET (self));
  gtk_widget_set_parent (self->line1, GTK_WIDGET (self));
  gtk_widget_set_parent (self->line2, GTK_WIDGET (self));
  gtk_widget_set_parent (self->chart, GTK_WIDGET (self));
}

GtkWidget *
ax_column_summary_new (const AxDatasetColumn *column,
                       gint64                 n_rows)
{
  AxColumnSummary *self = g_object_new (AX_TYPE_COLUMN_SUMMARY, NULL);
  const AxColumnStats *s = &column->stats;
  g_autofree char *missing = NULL;
  g_autofree char *tooltip = NULL;
  g_autoptr(GString) line2 = g_string_new (NULL);
  double pct = n_rows > 0 ? 100.0 * (double) s->n_missing / (double) n_rows : 0;

  self->type = column->type;
  self->n_rows = n_rows;
  gtk_label_set_label (GTK_LABEL (self->type_label), ax_column_type_label (column->type));

  if (s->n_missing == 0)
    missing = g_strdup (_("None missing"));
  else
    missing = g_strdup_printf (_("%'" G_GUINT64_FORMAT " missing (%.1f%%)"), s->n_missing, pct);

  if (column->type == AX_COLUMN_CATEGORICAL || column->type == AX_COLUMN_TEXT)
    {
      g_autofree char *line1 = NULL;
      guint64 total = s->n_rows > s->n_missing ? s->n_rows - s->n_missing : 0;

      if (s->distinct_capped)
        line1 = g_strdup_printf (_("%s · over %'" G_GUINT64_FORMAT " values"), missing, s->n_distinct);
      else
        line1 = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s · %'" G_GUINT64_FORMAT " value",
                                              "%s · %'" G_GUINT64_FORMAT " values", (gulong) s->n_distinct),
                                 missing, s->n_distinct);
      gtk_label_set_label (GTK_LABEL (self->line1), line1);
      for (guint i = 0; i < s->n_top && i < 3; i++)
        g_string_append_printf (line2, "%s%s %.0f%%", i ? " · " : "", s->top[i].value,
                                total ? 100.0 * (double) s->top[i].count / (double) total : 0.0);
      /* Bars: the share of each of the most common values. */
      self->n_bars = s->n_top;
      for (guint i = 0; i < s->n_top; i++)
        self->bars[i] = s->top[0].count ? (double) s->top[i].count / (double) s->top[0].count : 0;
    }
  else
    {
      g_autofree char *min = format_for_type (column->type, s->min);
      g_autofree char *max = format_for_type (column->type, s->max);
      guint64 peak = 0;

      gtk_label_set_label (GTK_LABEL (self->line1), missing);
      if (column->type == AX_COLUMN_BOOLEAN)
        g_string_append_printf (line2, _("%.1f%% true"), isnan (s->mean) ? 0 : 100 * s->mean);
      else if (ax_column_type_is_numeric (column->type))
        {
          g_autofree char *mean = format_for_type (column->type, s->mean);
          /* Translators: the range and mean of a column: "326 – 18,823 · mean 3,933" */
          g_string_append_printf (line2, _("%s – %s · mean %s"), min, max, mean);
        }
      else
        g_string_append_printf (line2, "%s – %s", min, max);

      self->n_bars = s->n_bins;
      for (guint i = 0; i < s->n_bins; i++)
        peak = MAX (peak, s->bins[i]);
      for (guint i = 0; i < s->n_bins; i++)
        self->bars[i] = peak ? (double) s->bins[i] / (double) peak : 0;
    }
  gtk_label_set_label (GTK_LABEL (self->line2), line2->str);
  gtk_widget_set_visible (self->chart, self->n_bars > 0);

  /* The full figures, for when the strip is too narrow. */
  tooltip = g_strdup_printf ("%s\n%s\n%s", column->name,
                             gtk_label_get_label (GTK_LABEL (self->line1)), line2->str);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), tooltip);
  return GTK_WIDGET (self);
}
