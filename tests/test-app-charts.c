/* test-app-charts.c — the chart widgets: their arithmetic, and each chart
 * drawn in a real window under Xvfb
 *
 * The scale tests (ticks, dates, decimation, binning) need no display.
 * The window tests put every chart kind in a window with realistic data,
 * save screenshots into the build directory (tests/screenshots/chart-*.png)
 * at 1280×800, at 320×200 and in dark style, export each chart to PNG, SVG
 * and PDF, and drive the line chart's zoom and tooltip.
 */

#include "ax-config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <math.h>
#include <string.h>

#include "ax-charts.h"
#include "ax-chart-scale.h"
#include "ax-app-test-util.h"

static char *tmpdir;

/* Helpers */

/* A window showing @chart at @w × @h, mapped and drawn once. */
static GtkWindow *
show_chart (AxChart *chart,
            int      w,
            int      h)
{
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 12);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (chart));
  gtk_window_set_child (window, box);
  gtk_window_set_default_size (window, w, h);
  gtk_window_present (window);
  WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (chart)) && gtk_widget_get_width (GTK_WIDGET (chart)) > 0, 5000);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (chart)));
  wait_ms (150);
  return window;
}

static void
close_window (GtkWindow *window)
{
  gtk_window_destroy (window);
  wait_ms (20);
}

static gboolean
file_starts_with (const char *path,
                  const char *prefix,
                  const char *contains)
{
  g_autofree char *data = NULL;
  gsize len;

  if (!g_file_get_contents (path, &data, &len, NULL))
    return FALSE;
  if (len < strlen (prefix) || memcmp (data, prefix, strlen (prefix)) != 0)
    return FALSE;
  return contains == NULL || strstr (data, contains) != NULL;
}

/* Exports @chart to PNG, SVG and PDF under @name and checks each file. */
static void
check_exports (AxChart    *chart,
               const char *name)
{
  g_autofree char *png = g_strdup_printf ("%s/%s.png", tmpdir, name);
  g_autofree char *svg = g_strdup_printf ("%s/%s.svg", tmpdir, name);
  g_autofree char *pdf = g_strdup_printf ("%s/%s.pdf", tmpdir, name);
  g_autoptr(GFile) fpng = g_file_new_for_path (png);
  g_autoptr(GFile) fsvg = g_file_new_for_path (svg);
  g_autoptr(GFile) fpdf = g_file_new_for_path (pdf);
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  const guint8 *pixels;
  int stride, n_channels;
  guint distinct = 0;

  g_assert_true (ax_chart_export (chart, fpng, AX_CHART_FORMAT_PNG, 900, 560, &error));
  g_assert_no_error (error);
  g_assert_true (ax_chart_export (chart, fsvg, AX_CHART_FORMAT_SVG, 900, 560, &error));
  g_assert_no_error (error);
  g_assert_true (ax_chart_export (chart, fpdf, AX_CHART_FORMAT_PDF, 900, 560, &error));
  g_assert_no_error (error);

  pixbuf = gdk_pixbuf_new_from_file (png, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, 900);
  g_assert_cmpint (gdk_pixbuf_get_height (pixbuf), ==, 560);
  /* Something was drawn: the picture is not one flat colour. */
  pixels = gdk_pixbuf_read_pixels (pixbuf);
  stride = gdk_pixbuf_get_rowstride (pixbuf);
  n_channels = gdk_pixbuf_get_n_channels (pixbuf);
  for (int y = 0; y < 560; y += 2)
    for (int x = 1; x < 900; x++)
      {
        const guint8 *a = pixels + y * stride + (x - 1) * n_channels, *b = a + n_channels;
        distinct += memcmp (a, b, 3) != 0;
      }
  g_assert_cmpuint (distinct, >, 100);

  g_assert_true (file_starts_with (svg, "<?xml", "<svg"));
  g_assert_true (file_starts_with (pdf, "%PDF", NULL));
}

/* Data */

static double
parse_day (const char *text)
{
  g_autofree char *iso = g_strdup_printf ("%sT00:00:00Z", text);
  g_autoptr(GDateTime) dt = g_date_time_new_from_iso8601 (iso, NULL);
  g_assert_nonnull (dt);
  return (double) g_date_time_to_unix (dt);
}

static double
utc (int y, int m, int d, int h)
{
  g_autoptr(GDateTime) dt = g_date_time_new_utc (y, m, d, h, 0, 0);
  return (double) g_date_time_to_unix (dt);
}

/* Reads the "month","passengers" file: 144 months from 1949. */
static gsize
load_air_passengers (double **x,
                     double **y)
{
  g_autofree char *path = g_build_filename (g_getenv ("AX_DATASETS"), "air_passengers.csv", NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  gsize n = 0;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  *x = g_new (double, g_strv_length (lines));
  *y = g_new (double, g_strv_length (lines));
  for (guint i = 1; lines[i]; i++)
    {
      g_auto(GStrv) f = g_strsplit (lines[i], ",", 2);
      if (!f[0] || !f[1])
        continue;
      g_strstrip (g_strdelimit (f[0], "\"", ' '));
      (*x)[n] = parse_day (f[0]);
      (*y)[n] = g_ascii_strtod (f[1], NULL);
      n++;
    }
  g_assert_cmpuint (n, ==, 144);
  return n;
}

/* The price column of diamonds.csv (53,940 values). */
static gsize
load_diamond_prices (double **out)
{
  g_autofree char *path = g_build_filename (g_getenv ("AX_DATASETS"), "diamonds.csv", NULL);
  g_autofree char *text = NULL;
  char *line, *save = NULL;
  gsize n = 0, cap = 60000;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  *out = g_new (double, cap);
  line = strtok_r (text, "\n", &save);  /* the header */
  while ((line = strtok_r (NULL, "\n", &save)) != NULL && n < cap)
    {
      g_auto(GStrv) f = g_strsplit (line, ",", 8);
      if (g_strv_length (f) >= 7)
        (*out)[n++] = g_ascii_strtod (f[6], NULL);
    }
  g_assert_cmpuint (n, ==, 53940);
  return n;
}

/* The air passengers with a seasonal forecast of 1959–1960 (last year's
 * month times the year-on-year growth), its 80% and 95% ranges, the
 * months where the actuals fell outside the 95% range, and a rule where
 * the forecast starts. */
static AxLineChart *
air_passengers_chart (void)
{
  AxLineChart *chart = ax_line_chart_new ();
  g_autofree double *x = NULL, *y = NULL;
  gsize n = load_air_passengers (&x, &y), start = n - 24;
  double fx[24], fy[24], lo80[24], hi80[24], lo95[24], hi95[24], ax[24], ay[24];
  double growth = 0, a = 0, b = 0, sd = 0;
  gsize n_anom = 0;
  guint actual, forecast;

  /* The yearly growth over the six years before the forecast. */
  for (gsize i = start - 84; i < start - 72; i++)
    a += y[i], b += y[i + 72];
  growth = pow (b / a, 1 / 6.0);
  for (gsize i = start - 12; i < start; i++)
    sd += pow (y[i] - y[i - 12] * growth, 2);
  sd = sqrt (sd / 12);
  for (gsize k = 0; k < 24; k++)
    {
      gsize src = start - 12 + (k % 12);
      double h = 1 + k / 12.0;
      fx[k] = x[start + k];
      fy[k] = y[src] * pow (growth, 1 + k / 12);
      lo80[k] = fy[k] - 1.28 * sd * sqrt (h);
      hi80[k] = fy[k] + 1.28 * sd * sqrt (h);
      lo95[k] = fy[k] - 1.96 * sd * sqrt (h);
      hi95[k] = fy[k] + 1.96 * sd * sqrt (h);
      if (y[start + k] < lo95[k] || y[start + k] > hi95[k])
        ax[n_anom] = x[start + k], ay[n_anom] = y[start + k], n_anom++;
    }
  /* Make sure one anomaly is there to see: the highest month. */
  if (n_anom == 0)
    ax[0] = x[139], ay[0] = y[139], n_anom = 1;

  ax_chart_set_title (AX_CHART (chart), "Monthly airline passengers");
  ax_chart_set_axis_titles (AX_CHART (chart), NULL, "Passengers (thousands)");
  ax_line_chart_set_time_axis (chart, TRUE);
  actual = ax_line_chart_add_series (chart, "Passengers", x, y, n);
  forecast = ax_line_chart_add_series (chart, "Forecast", fx, fy, 24);
  g_assert_cmpuint (actual, ==, 0);
  g_assert_cmpuint (forecast, ==, 1);
  ax_line_chart_add_band (chart, forecast, "95% range", fx, lo95, hi95, 24);
  ax_line_chart_add_band (chart, forecast, "80% range", fx, lo80, hi80, 24);
  ax_line_chart_add_markers (chart, "Anomaly", ax, ay, n_anom);
  ax_line_chart_add_rule (chart, x[start], "Forecast");
  return chart;
}

static AxHeatmapChart *
confusion_chart (void)
{
  AxHeatmapChart *chart = ax_heatmap_chart_new ();
  const char *labels[] = { "Churned", "Stayed" };
  const double matrix[] = { 412, 98, 61, 1429 };

  ax_chart_set_title (AX_CHART (chart), "Confusion matrix");
  ax_chart_set_axis_titles (AX_CHART (chart), "Predicted", "Actual");
  ax_heatmap_chart_set_matrix (chart, labels, labels, matrix, 2, 2);
  return chart;
}

/* A smooth ROC curve (binormal, separation @d) through 41 points. */
static void
binormal_roc (double d, double *fpr, double *tpr)
{
  for (int i = 0; i <= 40; i++)
    {
      double t = -4 + i * 0.2 + d;
      fpr[40 - i] = 0.5 * erfc (t / M_SQRT2);
      tpr[40 - i] = 0.5 * erfc ((t - d) / M_SQRT2);
    }
  /* A classifier's curve runs from (0, 0) to (1, 1). */
  fpr[0] = tpr[0] = 0;
  fpr[40] = tpr[40] = 1;
}

static AxRocChart *
roc_chart (void)
{
  AxRocChart *chart = ax_roc_chart_new ();
  double f1[41], t1[41], f2[41], t2[41];

  binormal_roc (1.6, f1, t1);
  binormal_roc (0.9, f2, t2);
  ax_chart_set_title (AX_CHART (chart), "ROC curve");
  ax_roc_chart_add_curve (chart, "Gradient boosting", f1, t1, 41, 0.871);
  ax_roc_chart_add_curve (chart, "Logistic regression", f2, t2, 41, 0.738);
  return chart;
}

static AxBarChart *
importance_chart (void)
{
  AxBarChart *chart = ax_bar_chart_new ();
  const char *labels[] = { "Contract length", "Monthly charges", "Tenure", "Support calls",
                           "Paperless billing", "Senior citizen", "Online backup", "Streaming TV" };
  const double values[] = { 0.142, 0.087, -0.121, 0.064, 0.021, 0.013, -0.035, -0.006 };

  ax_chart_set_title (AX_CHART (chart), "Effect on churn probability");
  ax_chart_set_axis_titles (AX_CHART (chart), "Change in probability", NULL);
  ax_bar_chart_set_horizontal (chart, TRUE);
  ax_bar_chart_set_data (chart, labels, values, NULL, G_N_ELEMENTS (values));
  return chart;
}

static AxHistogramChart *
prices_chart (void)
{
  AxHistogramChart *chart = ax_histogram_chart_new ();
  g_autofree double *prices = NULL;
  gsize n = load_diamond_prices (&prices);

  ax_chart_set_title (AX_CHART (chart), "Diamond prices");
  ax_chart_set_axis_titles (AX_CHART (chart), "Price (USD)", "Diamonds");
  ax_histogram_chart_set_values (chart, prices, n, 0);
  return chart;
}

static AxScatterChart *
predicted_chart (void)
{
  AxScatterChart *chart = ax_scatter_chart_new ();
  g_autofree double *prices = NULL;
  gsize n = load_diamond_prices (&prices);
  g_autofree double *pred = g_new (double, n);
  guint32 s = 7;

  /* Predictions with an error growing with the price. */
  for (gsize i = 0; i < n; i++)
    {
      double u;
      s = s * 1664525u + 1013904223u;
      u = (s >> 8) / 16777216.0 - 0.5;
      pred[i] = prices[i] * (1 + 0.35 * u);
    }
  ax_chart_set_title (AX_CHART (chart), "Predicted vs actual price");
  ax_chart_set_axis_titles (AX_CHART (chart), "Actual price (USD)", "Predicted price (USD)");
  ax_scatter_chart_set_data (chart, prices, pred, n);
  ax_scatter_chart_set_diagonal (chart, TRUE);
  return chart;
}

/* Scale tests, no display */

static void
check_labels (const AxTicks *t,
              const char    *expected)
{
  g_autoptr(GString) got = g_string_new (NULL);
  for (guint i = 0; i < t->n; i++)
    g_string_append_printf (got, "%s%s", i ? "|" : "", t->ticks[i].label);
  g_assert_cmpstr (got->str, ==, expected);
}

static void
test_scale_nice_ticks (void)
{
  AxTicks t;
  double lo = 3, hi = 97;

  g_assert_cmpfloat (ax_scale_nice_step (100, 5), ==, 20);
  g_assert_cmpfloat (ax_scale_nice_step (100, 10), ==, 10);
  g_assert_cmpfloat (ax_scale_nice_step (7, 5), ==, 2);
  g_assert_cmpfloat (ax_scale_nice_step (0.9, 4), ==, 0.5);

  ax_scale_nice_range (&lo, &hi, 5);
  g_assert_cmpfloat (lo, ==, 0);
  g_assert_cmpfloat (hi, ==, 100);

  ax_scale_linear_ticks (0, 1000, 5, &t);
  check_labels (&t, "0|200|400|600|800|1,000");
  ax_scale_linear_ticks (0, 15000, 4, &t);
  check_labels (&t, "0|5k|10k|15k");
  ax_scale_linear_ticks (0, 3.4e6, 4, &t);
  check_labels (&t, "0|1M|2M|3M");
  ax_scale_linear_ticks (0, 1.4e6, 7, &t);
  check_labels (&t, "0|200k|400k|600k|800k|1M|1.2M|1.4M");
  ax_scale_linear_ticks (-1, 1, 4, &t);
  check_labels (&t, "−1.0|−0.5|0.0|0.5|1.0");
  ax_scale_linear_ticks (0.12, 0.31, 4, &t);
  check_labels (&t, "0.15|0.20|0.25|0.30");
  ax_scale_linear_ticks (326, 18823, 6, &t);
  check_labels (&t, "5k|10k|15k");

  /* Counts tick on whole numbers however few they are. */
  ax_scale_integer_ticks (1, 2, 5, &t);
  check_labels (&t, "1|2");
  ax_scale_integer_ticks (1, 6, 8, &t);
  check_labels (&t, "1|2|3|4|5|6");
  ax_scale_integer_ticks (0, 100, 5, &t);
  check_labels (&t, "0|20|40|60|80|100");

  {
    g_autofree char *a = ax_scale_format_number (1234567, 1);
    g_autofree char *b = ax_scale_format_value (1234567);
    g_autofree char *c = ax_scale_format_value (362);
    g_autofree char *d = ax_scale_format_value (0.012345);
    g_autofree char *e = ax_scale_format_value (-2.5);
    g_autofree char *f = ax_scale_format_value (48213.7);
    g_autofree char *g = ax_scale_format_value (525.114);
    g_autofree char *h = ax_scale_format_value (0);
    g_assert_cmpstr (a, ==, "1,234,567");
    g_assert_cmpstr (b, ==, "1.23M");
    g_assert_cmpstr (c, ==, "362");
    g_assert_cmpstr (d, ==, "0.01235");
    g_assert_cmpstr (e, ==, "−2.5");
    g_assert_cmpstr (f, ==, "48,214");
    g_assert_cmpstr (g, ==, "525.1");
    g_assert_cmpstr (h, ==, "0");
  }
}

static void
test_scale_date_ticks (void)
{
  AxTicks t;
  double lo = utc (1949, 1, 1, 0), hi = utc (1960, 12, 1, 0);

  /* Twelve years of months: a tick a year, labelled by the year. */
  ax_scale_time_ticks (lo, hi, 12, &t);
  check_labels (&t, "1949|1950|1951|1952|1953|1954|1955|1956|1957|1958|1959|1960");
  /* Less room: every second year. */
  ax_scale_time_ticks (lo, hi, 7, &t);
  check_labels (&t, "1950|1952|1954|1956|1958|1960");
  g_assert_true (t.ticks[0].value == utc (1950, 1, 1, 0));

  /* One year: quarters, the first with its year, January as the year. */
  ax_scale_time_ticks (utc (1958, 2, 1, 0), utc (1959, 1, 31, 0), 5, &t);
  check_labels (&t, "Apr 1958|Jul|Oct|1959");
  g_assert_true (t.ticks[3].major);

  /* Three days of hours: every six hours, days named at midnight. */
  ax_scale_time_ticks (utc (2020, 3, 2, 0), utc (2020, 3, 5, 0), 12, &t);
  g_assert_cmpuint (t.n, ==, 13);
  g_assert_cmpfloat (t.step, ==, 6 * 3600);
  g_assert_cmpstr (t.ticks[0].label, ==, "Mon 2 Mar");
  g_assert_true (t.ticks[0].major);
  g_assert_cmpstr (t.ticks[1].label, ==, "06:00");
  g_assert_false (t.ticks[1].major);
  g_assert_cmpstr (t.ticks[2].label, ==, "12:00");
  g_assert_cmpstr (t.ticks[4].label, ==, "Tue 3 Mar");
  g_assert_cmpstr (t.ticks[12].label, ==, "Thu 5 Mar");

  /* Two weeks: days (2020 is a leap year); a month's first day shows the month. */
  ax_scale_time_ticks (utc (2020, 2, 24, 0), utc (2020, 3, 8, 0), 8, &t);
  check_labels (&t, "24 Feb 2020|26 Feb|28 Feb|Mar|3 Mar|5 Mar|7 Mar");

  /* An afternoon: quarter hours from 13:00. */
  ax_scale_time_ticks (utc (2020, 3, 2, 13), utc (2020, 3, 2, 14), 5, &t);
  check_labels (&t, "2 Mar 13:00|13:15|13:30|13:45|14:00");

  /* Tooltips name the date as precisely as the data. */
  {
    g_autofree char *month = ax_scale_format_time (utc (1958, 3, 1, 0), 31 * 86400.0);
    g_autofree char *hour = ax_scale_format_time (utc (2020, 3, 2, 14), 3600);
    g_autofree char *day = ax_scale_format_time (utc (2020, 3, 2, 0), 86400);
    g_assert_cmpstr (month, ==, "March 1958");
    g_assert_cmpstr (hour, ==, "2 Mar 2020 14:00");
    g_assert_cmpstr (day, ==, "Mon 2 Mar 2020");
  }
}

static void
test_scale_decimate (void)
{
  const gsize n = 1000000;
  const guint columns = 1000;
  g_autofree double *x = g_new (double, n);
  g_autofree double *y = g_new (double, n);
  g_autofree double *ox = g_new (double, ax_scale_decimate_capacity (columns));
  g_autofree double *oy = g_new (double, ax_scale_decimate_capacity (columns));
  g_autofree double *cmin = g_new (double, columns);
  g_autofree double *cmax = g_new (double, columns);
  g_autofree gboolean *seen_min = g_new0 (gboolean, columns);
  g_autofree gboolean *seen_max = g_new0 (gboolean, columns);
  guint32 s = 1;
  double v = 0;
  gsize k;

  for (gsize i = 0; i < n; i++)
    {
      s = s * 1664525u + 1013904223u;
      v += (s >> 8) / 16777216.0 - 0.5;
      x[i] = (double) i;
      y[i] = v;
    }
  k = ax_scale_decimate (x, y, n, 0, (double) n, columns, ox, oy);
  g_test_message ("1,000,000 points decimated to %" G_GSIZE_FORMAT " for %u columns", k, columns);
  g_assert_cmpuint (k, <=, 4 * columns + 2);
  g_assert_cmpuint (k, >=, 2 * columns);
  for (gsize i = 1; i < k; i++)
    g_assert_cmpfloat (ox[i], >=, ox[i - 1]);

  /* Every column's lowest and highest value survive. */
  for (guint c = 0; c < columns; c++)
    cmin[c] = INFINITY, cmax[c] = -INFINITY;
  for (gsize i = 0; i < n; i++)
    {
      guint c = (guint) (x[i] * columns / n);
      cmin[c] = MIN (cmin[c], y[i]);
      cmax[c] = MAX (cmax[c], y[i]);
    }
  for (gsize i = 0; i < k; i++)
    {
      guint c = (guint) (ox[i] * columns / n);
      if (c >= columns)
        continue;
      seen_min[c] |= oy[i] == cmin[c];
      seen_max[c] |= oy[i] == cmax[c];
    }
  for (guint c = 0; c < columns; c++)
    {
      g_assert_true (seen_min[c]);
      g_assert_true (seen_max[c]);
    }

  /* A window of the data: only its points, plus one on each side. */
  k = ax_scale_decimate (x, y, n, 1000, 1100, columns, ox, oy);
  g_assert_cmpuint (k, ==, 103);
  g_assert_cmpfloat (ox[0], ==, 999);
  g_assert_cmpfloat (ox[k - 1], ==, 1101);

  /* Gaps stay gaps. */
  y[500000] = NAN;
  k = ax_scale_decimate (x, y, n, 0, (double) n, columns, ox, oy);
  {
    gboolean gap = FALSE;
    for (gsize i = 0; i < k; i++)
      gap |= isnan (oy[i]);
    g_assert_true (gap);
  }
}

static void
test_scale_histogram (void)
{
  g_autofree double *prices = NULL;
  gsize n = load_diamond_prices (&prices);
  g_autofree guint64 *counts = NULL;
  double lo, width;
  guint n_bins;
  guint64 total = 0;
  const double steps[] = { 1, 2, 2.5, 5 };
  gboolean nice = FALSE;

  g_assert_true (ax_scale_histogram (prices, n, 0, &lo, &width, &n_bins, &counts));
  g_test_message ("diamond prices: %u bins of %g from %g", n_bins, width, lo);
  g_assert_cmpuint (n_bins, >=, 5);
  g_assert_cmpuint (n_bins, <=, 60);
  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    nice |= fabs (width / pow (10, floor (log10 (width))) - steps[i]) < 1e-9;
  g_assert_true (nice);
  g_assert_cmpfloat (fmod (lo, width), ==, 0);
  g_assert_cmpfloat (lo, <=, 326);
  g_assert_cmpfloat (lo + n_bins * width, >, 18823);
  for (guint i = 0; i < n_bins; i++)
    total += counts[i];
  g_assert_cmpuint (total, ==, n);
  g_clear_pointer (&counts, g_free);

  /* A set number of equal bins from the lowest to the highest value. */
  g_assert_true (ax_scale_histogram ((double[]) { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, NAN }, 12, 5,
                                     &lo, &width, &n_bins, &counts));
  g_assert_cmpuint (n_bins, ==, 5);
  g_assert_cmpfloat (lo, ==, 0);
  g_assert_cmpfloat (width, ==, 2);
  g_assert_cmpuint (counts[0], ==, 2);
  g_assert_cmpuint (counts[4], ==, 3);   /* 8, 9 and the top value 10 */
  g_clear_pointer (&counts, g_free);

  g_assert_false (ax_scale_histogram ((double[]) { NAN, INFINITY }, 2, 0, &lo, &width, &n_bins, &counts));
}

/* Window tests */

static void
test_line_air_passengers (void)
{
  AxLineChart *chart = air_passengers_chart ();
  GtkWindow *window = show_chart (AX_CHART (chart), 1280, 800);
  graphene_rect_t plot;
  double lo, hi, lo0, hi0, px;
  g_autofree char *tip = NULL;
  g_autofree char *tip_band = NULL;

  screenshot (GTK_WIDGET (window), "chart-line.png");
  g_assert_true (ax_chart_get_plot_area (AX_CHART (chart), &plot));
  g_assert_cmpfloat (plot.size.width, >, 900);

  /* The tooltip over June 1955 names the month and the passengers. */
  g_assert_true (ax_line_chart_get_visible_range (chart, &lo0, &hi0));
  g_assert_cmpfloat (lo0, ==, utc (1949, 1, 1, 0));
  g_assert_cmpfloat (hi0, ==, utc (1960, 12, 1, 0));
  px = plot.origin.x + (utc (1955, 6, 1, 0) - lo0) / (hi0 - lo0) * plot.size.width;
  tip = ax_chart_get_tooltip_text (AX_CHART (chart), px + 1, plot.origin.y + plot.size.height / 2);
  g_assert_cmpstr (tip, ==, "June 1955\nPassengers: 315");
  /* In the forecast: the actual, the forecast and both ranges. */
  px = plot.origin.x + (utc (1960, 7, 1, 0) - lo0) / (hi0 - lo0) * plot.size.width;
  tip_band = ax_chart_get_tooltip_text (AX_CHART (chart), px, plot.origin.y + plot.size.height / 2);
  g_test_message ("tooltip: %s", tip_band);
  g_assert_true (g_str_has_prefix (tip_band, "July 1960\nPassengers: 622\nForecast: "));
  g_assert_nonnull (strstr (tip_band, "\n95% range: "));
  g_assert_nonnull (strstr (tip_band, "\n80% range: "));
  g_assert_nonnull (strstr (tip_band, " – "));
  /* Far outside the plot there is nothing to tell. */
  g_assert_null (ax_chart_get_tooltip_text (AX_CHART (chart), 2, 2));

  /* Zoom in (the + key's action) halves the range; pan moves it; Home resets. */
  gtk_widget_activate_action (GTK_WIDGET (chart), "chart.zoom-in", NULL);
  g_assert_true (ax_line_chart_get_visible_range (chart, &lo, &hi));
  g_assert_cmpfloat (fabs ((hi - lo) - (hi0 - lo0) / 2), <, 1);
  gtk_widget_activate_action (GTK_WIDGET (chart), "chart.zoom-in", NULL);
  gtk_widget_activate_action (GTK_WIDGET (chart), "chart.zoom-in", NULL);
  g_assert_true (ax_line_chart_get_visible_range (chart, &lo, &hi));
  g_assert_cmpfloat (fabs ((hi - lo) - (hi0 - lo0) / 8), <, 1);
  wait_ms (100);
  screenshot (GTK_WIDGET (window), "chart-line-zoomed.png");
  {
    double plo = lo, phi = hi;
    gtk_widget_activate_action (GTK_WIDGET (chart), "chart.pan-left", NULL);
    g_assert_true (ax_line_chart_get_visible_range (chart, &lo, &hi));
    g_assert_cmpfloat (lo, <, plo);
    g_assert_cmpfloat (fabs ((hi - lo) - (phi - plo)), <, 1);
  }
  gtk_widget_activate_action (GTK_WIDGET (chart), "chart.zoom-out", NULL);
  g_assert_true (ax_line_chart_get_visible_range (chart, &lo, &hi));
  g_assert_cmpfloat (fabs ((hi - lo) - (hi0 - lo0) / 4), <, 1);
  /* Never past the data. */
  ax_line_chart_set_visible_range (chart, lo0 - 1e9, lo0 + 86400 * 400);
  g_assert_true (ax_line_chart_get_visible_range (chart, &lo, &hi));
  g_assert_cmpfloat (lo, ==, lo0);
  gtk_widget_activate_action (GTK_WIDGET (chart), "chart.reset-zoom", NULL);
  g_assert_true (ax_line_chart_get_visible_range (chart, &lo, &hi));
  g_assert_cmpfloat (lo, ==, lo0);
  g_assert_cmpfloat (hi, ==, hi0);

  /* Three days of hourly data. */
  {
    double x[72], y[72];
    for (int i = 0; i < 72; i++)
      {
        x[i] = utc (2020, 3, 2, 0) + i * 3600.0;
        y[i] = 1200 + 800 * sin ((i % 24 - 6) * G_PI / 12) + (i % 7) * 40;
      }
    ax_chart_clear (AX_CHART (chart));
    ax_chart_set_title (AX_CHART (chart), "Riders per hour");
    ax_chart_set_axis_titles (AX_CHART (chart), NULL, "Riders");
    ax_line_chart_add_series (chart, "Riders", x, y, 72);
    wait_ms (100);
    screenshot (GTK_WIDGET (window), "chart-line-hours.png");
    g_assert_true (ax_chart_get_plot_area (AX_CHART (chart), &plot));
    px = plot.origin.x + (10 * 3600.0) / (71 * 3600.0) * plot.size.width;
    g_free (tip);
    tip = ax_chart_get_tooltip_text (AX_CHART (chart), px, plot.origin.y + 10);
    g_assert_true (g_str_has_prefix (tip, "2 Mar 2020 10:00\nRiders: "));
  }
  close_window (window);
}

static void
test_line_million (void)
{
  AxLineChart *chart = ax_line_chart_new ();
  const gsize n = 1000000;
  g_autofree double *x = g_new (double, n);
  g_autofree double *y = g_new (double, n);
  GtkWindow *window;
  gint64 t0;
  guint32 s = 3;
  double v = 0;

  for (gsize i = 0; i < n; i++)
    {
      s = s * 1664525u + 1013904223u;
      v += (s >> 8) / 16777216.0 - 0.5;
      x[i] = utc (2020, 1, 1, 0) + i * 60.0;
      y[i] = 1000 + v;
    }
  ax_chart_set_title (AX_CHART (chart), "A million sensor readings");
  ax_line_chart_set_time_axis (chart, TRUE);
  ax_line_chart_add_series (chart, "Reading", x, y, n);
  window = show_chart (AX_CHART (chart), 1280, 800);
  t0 = g_get_monotonic_time ();
  screenshot (GTK_WIDGET (window), "chart-line-million.png");
  g_test_message ("a 1,000,000-point series drew in %.0f ms", (g_get_monotonic_time () - t0) / 1000.0);
  /* Far below the ~seconds that a million segments would take. */
  g_assert_cmpint (g_get_monotonic_time () - t0, <, 2 * G_USEC_PER_SEC);
  gtk_widget_activate_action (GTK_WIDGET (chart), "chart.zoom-in", NULL);
  gtk_widget_activate_action (GTK_WIDGET (chart), "chart.zoom-in", NULL);
  check_exports (AX_CHART (chart), "million");
  close_window (window);
}

static void
test_bar_horizontal (void)
{
  AxBarChart *chart = importance_chart ();
  GtkWindow *window = show_chart (AX_CHART (chart), 1280, 800);
  graphene_rect_t plot;
  g_autofree char *tip = NULL;

  screenshot (GTK_WIDGET (window), "chart-bar.png");
  g_assert_true (ax_chart_get_plot_area (AX_CHART (chart), &plot));
  /* The third bar from the top is "Tenure". */
  tip = ax_chart_get_tooltip_text (AX_CHART (chart), plot.origin.x + plot.size.width / 2,
                                   plot.origin.y + plot.size.height * 2.5 / 8);
  g_assert_cmpstr (tip, ==, "Tenure: −0.121");
  check_exports (AX_CHART (chart), "bar");
  close_window (window);

  /* Vertical, with texts at the bars' ends. */
  {
    AxBarChart *bars = ax_bar_chart_new ();
    const char *labels[] = { "Q1", "Q2", "Q3", "Q4" };
    const double values[] = { 1.25e6, 2.1e6, -0.4e6, 3.05e6 };
    const char *texts[] = { "+12%", "+68%", "−119%", "" };
    ax_chart_set_title (AX_CHART (bars), "Net revenue by quarter");
    ax_bar_chart_set_data (bars, labels, values, NULL, 4);
    ax_bar_chart_set_value_labels (bars, texts, 3);
    window = show_chart (AX_CHART (bars), 800, 500);
    screenshot (GTK_WIDGET (window), "chart-bar-vertical.png");
    close_window (window);
  }
}

static void
test_heatmap_confusion (void)
{
  AxHeatmapChart *chart = confusion_chart ();
  GtkWindow *window = show_chart (AX_CHART (chart), 1280, 800);
  graphene_rect_t plot;
  g_autofree char *tip = NULL;

  screenshot (GTK_WIDGET (window), "chart-heatmap.png");
  g_assert_true (ax_chart_get_plot_area (AX_CHART (chart), &plot));
  /* Bottom left: actually stayed, predicted churned. */
  tip = ax_chart_get_tooltip_text (AX_CHART (chart), plot.origin.x + plot.size.width / 4,
                                   plot.origin.y + plot.size.height * 3 / 4);
  g_assert_cmpstr (tip, ==, "Actual: Stayed\nPredicted: Churned\n61");
  check_exports (AX_CHART (chart), "heatmap");

  /* The Menu key's action opens the export menu. */
  {
    GtkWidget *menu = NULL;
    gtk_widget_activate_action (GTK_WIDGET (chart), "chart.menu", NULL);
    for (GtkWidget *c = gtk_widget_get_first_child (GTK_WIDGET (chart)); c; c = gtk_widget_get_next_sibling (c))
      if (GTK_IS_POPOVER_MENU (c))
        menu = c;
    g_assert_nonnull (menu);
    WAIT_FOR (gtk_widget_get_mapped (menu), 2000);
    g_assert_true (gtk_widget_get_visible (menu));
    wait_ms (100);
    screenshot (menu, "chart-menu.png");
    gtk_popover_popdown (GTK_POPOVER (menu));
  }
  close_window (window);
}

static void
test_roc (void)
{
  AxRocChart *chart = roc_chart ();
  GtkWindow *window = show_chart (AX_CHART (chart), 1280, 800);
  graphene_rect_t plot;
  g_autofree char *tip = NULL;

  screenshot (GTK_WIDGET (window), "chart-roc.png");
  g_assert_true (ax_chart_get_plot_area (AX_CHART (chart), &plot));
  /* Square, so the diagonal is at 45°. */
  g_assert_cmpfloat (fabs (plot.size.width - plot.size.height), <, 3);
  /* The top right corner is (1, 1) on both curves. */
  tip = ax_chart_get_tooltip_text (AX_CHART (chart), plot.origin.x + plot.size.width, plot.origin.y);
  g_assert_nonnull (tip);
  g_assert_true (g_str_has_suffix (tip, "False positive rate: 1.000\nTrue positive rate: 1.000"));
  check_exports (AX_CHART (chart), "roc");
  close_window (window);
}

static void
test_histogram_prices (void)
{
  AxHistogramChart *chart = prices_chart ();
  GtkWindow *window = show_chart (AX_CHART (chart), 1280, 800);
  graphene_rect_t plot;
  g_autofree char *tip = NULL;

  screenshot (GTK_WIDGET (window), "chart-histogram.png");
  g_assert_true (ax_chart_get_plot_area (AX_CHART (chart), &plot));
  tip = ax_chart_get_tooltip_text (AX_CHART (chart), plot.origin.x + 3, plot.origin.y + plot.size.height - 2);
  g_test_message ("tooltip: %s", tip);
  g_assert_true (g_str_has_prefix (tip, "0 – "));
  g_assert_nonnull (strstr (tip, " values ("));
  check_exports (AX_CHART (chart), "histogram");
  close_window (window);
}

static void
test_scatter_predicted (void)
{
  AxScatterChart *chart = predicted_chart ();
  GtkWindow *window = show_chart (AX_CHART (chart), 1280, 800);

  screenshot (GTK_WIDGET (window), "chart-scatter.png");
  check_exports (AX_CHART (chart), "scatter");
  close_window (window);

  /* Residuals around the zero line. */
  {
    AxScatterChart *res = ax_scatter_chart_new ();
    double x[400], y[400];
    for (int i = 0; i < 400; i++)
      {
        x[i] = 300 + i * 45;
        y[i] = sin (i * 12.9898) * 0.08 * x[i];
      }
    ax_chart_set_title (AX_CHART (res), "Residuals");
    ax_chart_set_axis_titles (AX_CHART (res), "Predicted price (USD)", "Residual (USD)");
    ax_scatter_chart_set_data (res, x, y, 400);
    ax_scatter_chart_set_zero_line (res, TRUE);
    window = show_chart (AX_CHART (res), 800, 500);
    screenshot (GTK_WIDGET (window), "chart-residuals.png");
    close_window (window);
  }
}

static void
test_empty_and_accessible (void)
{
  AxLineChart *chart = ax_line_chart_new ();
  GtkWindow *window;
  double x[] = { 1, 2, 3 }, y[] = { 4, 5, 6 };

  ax_chart_set_title (AX_CHART (chart), "Validation curve");
  ax_chart_set_empty_text (AX_CHART (chart), "Train the model to see its curve");
  g_assert_false (ax_chart_has_data (AX_CHART (chart)));
  window = show_chart (AX_CHART (chart), 640, 400);
  screenshot (GTK_WIDGET (window), "chart-empty.png");
  g_assert_false (ax_chart_get_plot_area (AX_CHART (chart), &(graphene_rect_t) { 0 }));
  g_assert_null (ax_chart_get_tooltip_text (AX_CHART (chart), 320, 200));
  g_assert_cmpint (gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (chart)), ==, GTK_ACCESSIBLE_ROLE_IMG);

  ax_line_chart_add_series (chart, "Loss", x, y, 3);
  g_assert_true (ax_chart_has_data (AX_CHART (chart)));
  wait_ms (100);
  g_assert_true (ax_chart_get_plot_area (AX_CHART (chart), &(graphene_rect_t) { 0 }));
  ax_chart_clear (AX_CHART (chart));
  g_assert_false (ax_chart_has_data (AX_CHART (chart)));
  /* An empty chart still exports (its empty text). */
  check_exports (AX_CHART (chart), "empty");
  close_window (window);
}

/* Every chart in a small window, then the line chart in dark style. */
static void
test_small_and_dark (void)
{
  struct { AxChart *chart; const char *name; } charts[] = {
    { AX_CHART (air_passengers_chart ()), "chart-small-line.png" },
    { AX_CHART (importance_chart ()), "chart-small-bar.png" },
    { AX_CHART (confusion_chart ()), "chart-small-heatmap.png" },
    { AX_CHART (roc_chart ()), "chart-small-roc.png" },
    { AX_CHART (prices_chart ()), "chart-small-histogram.png" },
  };
  AdwStyleManager *style = adw_style_manager_get_default ();

  for (guint i = 0; i < G_N_ELEMENTS (charts); i++)
    {
      GtkWindow *window = show_chart (charts[i].chart, 320, 200);
      graphene_rect_t plot;
      screenshot (GTK_WIDGET (window), charts[i].name);
      /* Still a plot to read at this size. */
      g_assert_true (ax_chart_get_plot_area (charts[i].chart, &plot));
      g_assert_cmpfloat (plot.size.width, >, 80);
      g_assert_cmpfloat (plot.size.height, >, 20);
      close_window (window);
    }

  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  WAIT_FOR (adw_style_manager_get_dark (style), 2000);
  g_assert_true (adw_style_manager_get_dark (style));
  {
    GtkWindow *window = show_chart (AX_CHART (air_passengers_chart ()), 1280, 800);
    screenshot (GTK_WIDGET (window), "chart-dark-line.png");
    close_window (window);
    window = show_chart (AX_CHART (confusion_chart ()), 800, 500);
    screenshot (GTK_WIDGET (window), "chart-dark-heatmap.png");
    close_window (window);
    window = show_chart (AX_CHART (roc_chart ()), 800, 500);
    screenshot (GTK_WIDGET (window), "chart-dark-roc.png");
    close_window (window);
  }
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
}

int
main (int argc, char **argv)
{
  int ret;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  /* Known labels: the C locale's marks. */
  setlocale (LC_NUMERIC, "C");
  setlocale (LC_TIME, "C");
  tmpdir = g_dir_make_tmp (NULL, NULL);
  g_assert_nonnull (tmpdir);

  g_test_add_func ("/charts/scale/nice-ticks", test_scale_nice_ticks);
  g_test_add_func ("/charts/scale/date-ticks", test_scale_date_ticks);
  g_test_add_func ("/charts/scale/decimate", test_scale_decimate);
  g_test_add_func ("/charts/scale/histogram", test_scale_histogram);
  g_test_add_func ("/charts/line/air-passengers", test_line_air_passengers);
  g_test_add_func ("/charts/line/million", test_line_million);
  g_test_add_func ("/charts/bar/horizontal", test_bar_horizontal);
  g_test_add_func ("/charts/heatmap/confusion", test_heatmap_confusion);
  g_test_add_func ("/charts/roc", test_roc);
  g_test_add_func ("/charts/histogram/prices", test_histogram_prices);
  g_test_add_func ("/charts/scatter/predicted", test_scatter_predicted);
  g_test_add_func ("/charts/empty", test_empty_and_accessible);
  g_test_add_func ("/charts/small-and-dark", test_small_and_dark);

  ret = g_test_run ();

  {
    g_autoptr(GDir) dir = g_dir_open (tmpdir, 0, NULL);
    const char *name;
    while (dir && (name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *path = g_build_filename (tmpdir, name, NULL);
        g_unlink (path);
      }
    g_rmdir (tmpdir);
  }
  g_free (tmpdir);
  return ret;
}
