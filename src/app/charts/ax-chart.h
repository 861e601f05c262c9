/* ax-chart.h — the base of Auspex's charts: title, axis titles, legend,
 * tooltip, empty text, context menu and export
 *
 * Each chart kind (ax-line-chart.h, ax-bar-chart.h, …) subclasses AxChart
 * and draws its data with cairo; the base lays out the title and legend,
 * draws the empty text when there is no data, keeps the accessible label
 * up to date, and exports any chart to PNG, SVG or PDF.  Colours come from
 * the widget's style, in light and dark.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define AX_TYPE_CHART (ax_chart_get_type ())
G_DECLARE_DERIVABLE_TYPE (AxChart, ax_chart, AX, CHART, GtkWidget)

typedef enum {
  AX_CHART_FORMAT_PNG,
  AX_CHART_FORMAT_SVG,
  AX_CHART_FORMAT_PDF,
} AxChartFormat;

typedef struct _AxChartFrame AxChartFrame;

struct _AxChartClass
{
  GtkWidgetClass parent_class;

  /* Whether there is anything to draw; without data the empty text shows. */
  gboolean (*has_data)      (AxChart *self);
  /* Drops all data (ax_chart_clear() then redraws). */
  void     (*clear)         (AxChart *self);
  /* Adds the chart's legend entries with ax_chart_frame_add_legend(). */
  void     (*legend)        (AxChart *self, AxChartFrame *frame);
  /* Draws axes and data into frame->area (see ax-chart-private.h). */
  void     (*draw)          (AxChart *self, AxChartFrame *frame);
  /* The tooltip for the widget point (@x, @y) of the last drawing, or NULL. */
  char *   (*tooltip_text)  (AxChart *self, double x, double y);
  /* One sentence describing the data, for the accessible label. */
  char *   (*describe)      (AxChart *self);

  gpointer padding[8];
};

/* Sets the title drawn above the chart (NULL or "" for none). */
void     ax_chart_set_title       (AxChart *self, const char *title);
const char *ax_chart_get_title    (AxChart *self);
/* Sets the titles of the x and y axes (either may be NULL). */
void     ax_chart_set_axis_titles (AxChart *self, const char *x_title, const char *y_title);
const char *ax_chart_get_x_title  (AxChart *self);
const char *ax_chart_get_y_title  (AxChart *self);
/* Shown centred when the chart has no data, e.g. "Train the model to see its curve". */
void     ax_chart_set_empty_text  (AxChart *self, const char *text);
/* Removes all data. */
void     ax_chart_clear           (AxChart *self);
/* Whether the chart has data to draw. */
gboolean ax_chart_has_data        (AxChart *self);
/* Draws the chart at @width x @height (pixels for PNG, points for SVG and
 * PDF) into @file, replacing it. */
gboolean ax_chart_export          (AxChart *self, GFile *file, AxChartFormat format,
                                   int width, int height, GError **error);
/* The tooltip text for the widget point (@x, @y) as the last drawing laid
 * it out (the same text the tooltip shows), or NULL when nothing is there. */
char    *ax_chart_get_tooltip_text (AxChart *self, double x, double y);
/* The rectangle the data was plotted in by the last drawing, in widget
 * coordinates; FALSE before the first drawing or without data. */
gboolean ax_chart_get_plot_area   (AxChart *self, graphene_rect_t *out);

/* Every chart has a context menu (right click / long press / Menu key or
 * Shift+F10) with "Export as PNG…", "SVG…", "PDF…" (a file chooser), and a
 * tooltip with the values under the pointer.  The actions are
 * "chart.export" with the format's name ("png", "svg", "pdf") and
 * "chart.menu". */

G_END_DECLS
