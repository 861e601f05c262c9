/* ax-model-detail.c — the selected model's overview, evaluation, versions and retraining
 *
 * Everything here is read from the store (the version's configuration,
 * metrics with the held-out sample, curve and importance) and redrawn on
 * each change of the project; nothing is kept that the store does not
 * hold.
 */

#include "ax-config.h"
#include "ax-models-page-private.h"
#include "ax-charts.h"
#include "ax-prediction-format.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

/* Formatting metrics */

static const struct { const char *name; const char *label; } metric_labels[] = {
  { "r2", N_("R²") }, { "mae", N_("MAE") }, { "rmse", N_("RMSE") }, { "mape", N_("MAPE") },
  { "accuracy", N_("Accuracy") }, { "precision", N_("Precision") }, { "recall", N_("Recall") },
  { "f1", N_("F1") }, { "roc_auc", N_("ROC-AUC") }, { "log_loss", N_("Log loss") },
  { "smape", N_("sMAPE") }, { "mase", N_("MASE") },
};

const char *
ax_model_detail_metric_label (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (metric_labels); i++)
    if (g_str_equal (metric_labels[i].name, name))
      return _(metric_labels[i].label);
  if (g_str_has_prefix (name, "coverage_"))
    return _("Coverage");
  return name;
}

char *
ax_model_detail_format_metric (const char *name,
                               double      value)
{
  if (!isfinite (value))
    return g_strdup ("—");
  /* A regression's MAPE is a fraction; a forecast's errors are percent. */
  if (g_str_equal (name, "mape"))
    return g_strdup_printf ("%.1f %%", 100 * value);
  if (g_str_equal (name, "smape") || g_str_equal (name, "forecast_mape") || g_str_has_prefix (name, "coverage_"))
    return g_strdup_printf ("%.1f %%", value);
  if (g_str_equal (name, "mae") || g_str_equal (name, "rmse"))
    return g_strdup_printf ("%.4g", value);
  return g_strdup_printf ("%.3f", value);
}

/* Small helpers */

static void
clear_box (GtkBox *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (box))) != NULL)
    gtk_box_remove (box, child);
}

static JsonObject *
parse_object (JsonParser *parser,
              const char *json)
{
  JsonNode *root;

  if (json == NULL || !json_parser_load_from_data (parser, json, -1, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  return root && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
}

static JsonObject *
object_member (JsonObject *o,
               const char *name)
{
  JsonNode *n = o ? json_object_get_member (o, name) : NULL;

  return n && JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
}

static JsonArray *
array_member (JsonObject *o,
              const char *name)
{
  JsonNode *n = o ? json_object_get_member (o, name) : NULL;

  return n && JSON_NODE_HOLDS_ARRAY (n) ? json_node_get_array (n) : NULL;
}

static double
number_member (JsonObject *o,
               const char *name)
{
  JsonNode *n = o ? json_object_get_member (o, name) : NULL;

  return n && JSON_NODE_HOLDS_VALUE (n) ? json_node_get_double (n) : NAN;
}

static JsonObject *
held_out (JsonObject *metrics,
          const char **part)
{
  JsonObject *m = object_member (metrics, "test");

  *part = _("test rows");
  if (m == NULL)
    {
      m = object_member (metrics, "validation");
      *part = g_strcmp0 (json_object_get_string_member_with_default (metrics, "task", ""), "forecast") == 0
              ? _("rolling-origin backtest") : _("validation rows");
    }
  return m;
}

static GtkWidget *
heading (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "heading");
  return label;
}

static GtkWidget *
info_row (AdwPreferencesGroup *group,
          const char          *title,
          const char          *value)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *label = gtk_label_new (value);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  /* The row gives its suffix no more than the label's minimum width, a
   * wrapping label's longest word: short values broke onto three lines
   * beside empty space.  Values up to 40 characters now keep to one. */
  gtk_label_set_width_chars (GTK_LABEL (label), (int) MIN (g_utf8_strlen (value, -1), 40));
  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_widget_add_css_class (label, "dim-label");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
  adw_preferences_group_add (group, row);
  return row;
}

/* A row of what training said of the data ("“block” has the same value
 * in every training row…"): the sentence itself, wrapped, after an
 * information icon. */
static void
note_row (AdwPreferencesGroup *group,
          const char          *note)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-information-symbolic");

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), note);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
  gtk_widget_add_css_class (icon, "dim-label");
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  adw_preferences_group_add (group, row);
}

/* The metrics a card row shows for a task, in order. */
static const char *const regression_cards[] = { "r2", "mae", "rmse", "mape", NULL };
static const char *const class_cards[] = { "accuracy", "precision", "recall", "f1", "roc_auc", "log_loss", NULL };
static const char *const forecast_cards[] = { "smape", "mase", NULL };

static const char *const *
cards_of (const char *task)
{
  if (g_strcmp0 (task, "classification") == 0)
    return class_cards;
  if (g_strcmp0 (task, "forecast") == 0)
    return forecast_cards;
  return regression_cards;
}

static GtkWidget *
metric_card (const char *label,
             const char *value)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *v = gtk_label_new (value);
  GtkWidget *l = gtk_label_new (label);

  gtk_widget_add_css_class (box, "card");
  gtk_widget_set_size_request (box, 120, -1);
  gtk_widget_set_margin_top (v, 12);
  gtk_widget_set_margin_start (v, 12);
  gtk_widget_set_margin_end (v, 12);
  gtk_widget_set_margin_bottom (l, 12);
  gtk_widget_add_css_class (v, "title-2");
  gtk_widget_add_css_class (l, "caption");
  gtk_widget_add_css_class (l, "dim-label");
  gtk_widget_set_name (v, "metric-value");
  gtk_box_append (GTK_BOX (box), v);
  gtk_box_append (GTK_BOX (box), l);
  gtk_accessible_update_property (GTK_ACCESSIBLE (box), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  return box;
}

/* The metric cards of @metrics, wrapping as the page narrows. */
static GtkWidget *
metric_cards (JsonObject *metrics)
{
  GtkWidget *flow = gtk_flow_box_new ();
  const char *task = json_object_get_string_member_with_default (metrics, "task", "regression");
  const char *part;
  JsonObject *m = held_out (metrics, &part);

  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (flow), GTK_SELECTION_NONE);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (flow), 8);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (flow), 12);
  gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (flow), 12);
  gtk_flow_box_set_homogeneous (GTK_FLOW_BOX (flow), TRUE);
  for (const char *const *c = cards_of (task); *c; c++)
    {
      g_autofree char *v = g_str_equal (task, "forecast") && g_str_equal (*c, "mape")
                           ? ax_model_detail_format_metric ("forecast_mape", number_member (m, *c))
                           : ax_model_detail_format_metric (*c, number_member (m, *c));
      gtk_flow_box_append (GTK_FLOW_BOX (flow), metric_card (ax_model_detail_metric_label (*c), v));
    }
  if (g_str_equal (task, "forecast") && m)
    {
      g_autoptr(GList) members = json_object_get_members (m);
      for (GList *l = members; l; l = l->next)
        if (g_str_has_prefix (l->data, "coverage_"))
          {
            g_autofree char *v = ax_model_detail_format_metric (l->data, number_member (m, l->data));
            g_autofree char *label = g_strdup_printf (_("Coverage of the %s %% range"), (const char *) l->data + 9);
            gtk_flow_box_append (GTK_FLOW_BOX (flow), metric_card (label, v));
          }
    }
  return flow;
}

/* Charts */

static GtkWidget *
chart_frame (GtkWidget  *chart,
             int         height)
{
  gtk_widget_set_size_request (chart, 320, height);
  gtk_widget_set_hexpand (chart, TRUE);
  gtk_widget_add_css_class (chart, "card");
  return chart;
}

/* The sample's actual and predicted values; NULL when there is none. */
static gboolean
sample_arrays (JsonObject  *metrics,
               double     **actual,
               double     **predicted,
               gsize       *n)
{
  JsonObject *sample = object_member (metrics, "sample");
  JsonArray *a = array_member (sample, "actual"), *p = array_member (sample, "predicted");

  if (a == NULL || p == NULL || json_array_get_length (a) != json_array_get_length (p) ||
      json_array_get_length (a) == 0)
    return FALSE;
  *n = json_array_get_length (a);
  *actual = g_new (double, *n);
  *predicted = g_new (double, *n);
  for (guint i = 0; i < *n; i++)
    {
      (*actual)[i] = json_array_get_double_element (a, i);
      (*predicted)[i] = json_array_get_double_element (p, i);
    }
  return TRUE;
}

static GtkWidget *
importance_chart (const char *importance_json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  AxBarChart *chart = ax_bar_chart_new ();
  JsonArray *a = NULL;
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (double));

  if (json_parser_load_from_data (parser, importance_json ? importance_json : "[]", -1, NULL) &&
      JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)))
    a = json_node_get_array (json_parser_get_root (parser));
  for (guint i = 0; a && i < json_array_get_length (a) && i < 15; i++)
    {
      JsonObject *o = json_array_get_object_element (a, i);
      double v = number_member (o, "permutation");
      if (!isfinite (v))
        v = number_member (o, "impurity");
      g_ptr_array_add (labels, (gpointer) json_object_get_string_member_with_default (o, "feature", ""));
      g_array_append_val (values, v);
    }
  ax_bar_chart_set_horizontal (chart, TRUE);
  ax_chart_set_title (AX_CHART (chart), _("Feature importance"));
  ax_chart_set_axis_titles (AX_CHART (chart), _("Drop in the validation score when shuffled"), NULL);
  ax_chart_set_empty_text (AX_CHART (chart), _("This version has no feature importance"));
  if (values->len)
    ax_bar_chart_set_data (chart, (const char *const *) labels->pdata, (const double *) values->data, NULL, values->len);
  /* Tall enough for every bar to keep its name and value: the chart
   * leaves out names and values that do not fit across a bar. */
  return chart_frame (GTK_WIDGET (chart), MAX (280, 100 + 26 * (int) values->len));
}

static GtkWidget *
curve_chart (const char *curve_json,
             const char *task)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  AxLineChart *chart = ax_line_chart_new ();
  JsonArray *a = NULL;
  g_autoptr(GArray) x = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) y = g_array_new (FALSE, FALSE, sizeof (double));

  if (json_parser_load_from_data (parser, curve_json ? curve_json : "[]", -1, NULL) &&
      JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)))
    a = json_node_get_array (json_parser_get_root (parser));
  for (guint i = 0; a && i < json_array_get_length (a); i++)
    {
      JsonObject *o = json_array_get_object_element (a, i);
      double sx = number_member (o, "step"), sy = number_member (o, "score");
      g_array_append_val (x, sx);
      g_array_append_val (y, sy);
    }
  ax_chart_set_title (AX_CHART (chart), _("Validation curve"));
  ax_line_chart_set_integer_x (chart, TRUE);
  ax_chart_set_axis_titles (AX_CHART (chart), _("Tree or round"),
                            g_strcmp0 (task, "classification") == 0 ? _("Log loss") : _("R²"));
  ax_chart_set_empty_text (AX_CHART (chart), _("This algorithm trains in one step"));
  if (x->len)
    ax_line_chart_add_series (chart, _("Validation score"), (double *) x->data, (double *) y->data, x->len);
  return chart_frame (GTK_WIDGET (chart), 240);
}

/* Forecasts */

/* A time as a forecast writes it ("1960-01-01", "2016-07-04 13:00:00",
 * or a number) as a chart's x: seconds since 1970 for a date or a date
 * and time, with *@is_time set; else the number, with *@is_time cleared. */
static double
forecast_x (const char *text,
            gboolean   *is_time)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GDateTime) dt = NULL;
  g_autofree char *iso = NULL;
  char *end = NULL;
  double v;

  if (text == NULL)
    text = "";
  if (strlen (text) == 10)
    iso = g_strconcat (text, "T00:00:00", NULL);
  else
    {
      iso = g_strdup (text);
      if (strlen (iso) > 10 && iso[10] == ' ')
        iso[10] = 'T';
    }
  dt = g_date_time_new_from_iso8601 (iso, utc);
  if (dt)
    {
      *is_time = TRUE;
      return (double) g_date_time_to_unix (dt);
    }
  *is_time = FALSE;
  v = g_ascii_strtod (text, &end);
  return end != text ? v : NAN;
}

/* The numbers of @a (NAN for null), or NULL unless it has @n. */
static double *
json_numbers (JsonArray *a,
              guint      n)
{
  double *out;

  if (a == NULL || json_array_get_length (a) != n)
    return NULL;
  out = g_new (double, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    {
      JsonNode *e = json_array_get_element (a, i);
      out[i] = JSON_NODE_HOLDS_VALUE (e) ? json_node_get_double (e) : NAN;
    }
  return out;
}

/* The x of every time in @a; *@all_time stays TRUE only if each is a date. */
static double *
json_times (JsonArray *a,
            gboolean  *all_time)
{
  guint n = a ? json_array_get_length (a) : 0;
  double *out = g_new (double, MAX (n, 1));

  for (guint i = 0; i < n; i++)
    {
      gboolean is_time = FALSE;
      out[i] = forecast_x (json_array_get_string_element (a, i), &is_time);
      *all_time = *all_time && is_time;
    }
  return out;
}

/* Draws one series of a version's test period (see
 * ax_model_admin_forecast_test_period()) into @chart: the actual values
 * before and through the test period, the forecast made at its start
 * with its 95% and 80% ranges, and a rule where it starts. */
static void
fill_test_period (AxLineChart *chart,
                  JsonObject  *series)
{
  JsonArray *time = array_member (series, "time"), *history_time = array_member (series, "history_time");
  guint n = time ? json_array_get_length (time) : 0;
  guint nh = history_time ? json_array_get_length (history_time) : 0;
  g_autofree double *actual = json_numbers (array_member (series, "actual"), n);
  g_autofree double *mean = json_numbers (array_member (series, "forecast"), n);
  g_autofree double *lo80 = json_numbers (array_member (series, "lower_80"), n);
  g_autofree double *hi80 = json_numbers (array_member (series, "upper_80"), n);
  g_autofree double *lo95 = json_numbers (array_member (series, "lower_95"), n);
  g_autofree double *hi95 = json_numbers (array_member (series, "upper_95"), n);
  g_autofree double *history = json_numbers (array_member (series, "history"), nh);
  g_autofree double *tx = NULL, *hx = NULL, *ax = NULL, *ay = NULL;
  gboolean all_time = TRUE;
  guint f;

  ax_chart_clear (AX_CHART (chart));
  if (n == 0 || !actual || !mean || !lo80 || !hi80 || !lo95 || !hi95)
    return;
  if (history == NULL)
    nh = 0;
  tx = json_times (time, &all_time);
  hx = json_times (history_time, &all_time);
  ax = g_new (double, nh + n);
  ay = g_new (double, nh + n);
  for (guint i = 0; i < nh; i++)
    ax[i] = hx[i], ay[i] = history[i];
  for (guint i = 0; i < n; i++)
    ax[nh + i] = tx[i], ay[nh + i] = actual[i];
  ax_line_chart_set_time_axis (chart, all_time);
  ax_line_chart_add_series (chart, _("Actual"), ax, ay, nh + n);
  f = ax_line_chart_add_series (chart, _("Forecast"), tx, mean, n);
  ax_line_chart_add_band (chart, f, _("95 % range"), tx, lo95, hi95, n);
  ax_line_chart_add_band (chart, f, _("80 % range"), tx, lo80, hi80, n);
  ax_line_chart_add_rule (chart, tx[0], _("Test period"));
}

/* Draws into @chart the forecasts recorded with the version (most recent
 * first) of series @item (NULL: the first series recorded): each period
 * once, as last forecast, with its widest range. */
static void
fill_ahead (AxLineChart *chart,
            GPtrArray   *forecast,
            const char  *item)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GArray) x = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) y = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) lo = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) hi = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *first_item = NULL, *range = NULL;
  gboolean all_time = TRUE;
  double level = NAN;
  guint s;

  ax_chart_clear (AX_CHART (chart));
  for (guint i = 0; forecast && i < forecast->len; i++)
    {
      g_autoptr(JsonParser) pin = json_parser_new ();
      g_autoptr(JsonParser) pout = json_parser_new ();
      AxPredictionRecord *rec = forecast->pdata[i];
      JsonObject *in = parse_object (pin, rec->input), *out = parse_object (pout, rec->output);
      const char *time = json_object_get_string_member_with_default (in, "time", "");
      const char *its = json_object_get_string_member_with_default (in, "item", NULL);
      gboolean is_time = FALSE;
      double v;

      if (item == NULL && i == 0)
        item = first_item = g_strdup (its);
      if (g_strcmp0 (its, item) != 0 || g_hash_table_contains (seen, time))
        continue;
      g_hash_table_add (seen, g_strdup (time));
      v = forecast_x (time, &is_time);
      all_time = all_time && is_time;
      g_array_append_val (x, v);
      v = number_member (out, "value");
      g_array_append_val (y, v);
      v = number_member (out, "lower_bound");
      g_array_append_val (lo, v);
      v = number_member (out, "upper_bound");
      g_array_append_val (hi, v);
      level = number_member (out, "level");
    }
  if (x->len == 0)
    return;
  range = isfinite (level) ? g_strdup_printf (_("%g %% range"), level) : g_strdup (_("Prediction range"));
  ax_line_chart_set_time_axis (chart, all_time);
  s = ax_line_chart_add_series (chart, _("Forecast"), (double *) x->data, (double *) y->data, x->len);
  ax_line_chart_add_band (chart, s, range, (double *) x->data, (double *) lo->data, (double *) hi->data, x->len);
}

static void
on_test_series_selected (GtkDropDown *drop,
                         GParamSpec  *pspec,
                         AxLineChart *chart)
{
  JsonArray *series = g_object_get_data (G_OBJECT (drop), "series");
  AxLineChart *ahead = g_object_get_data (G_OBJECT (drop), "ahead");
  guint i = gtk_drop_down_get_selected (drop);
  JsonObject *o;

  if (series == NULL || i >= json_array_get_length (series))
    return;
  o = json_array_get_object_element (series, i);
  fill_test_period (chart, o);
  if (ahead)
    fill_ahead (ahead, g_object_get_data (G_OBJECT (drop), "forecast"),
                json_object_get_string_member_with_default (o, "item", NULL));
}

/* The charts of a forecast version: its test period and, with the
 * forecasts recorded with it (@forecast, nullable), the future it
 * forecast; with a choice of series when the model forecasts several.
 * Returns the next free row of @grid. */
static int
forecast_charts (GtkGrid              *grid,
                 int                   row,
                 int                   column,
                 int                   width,
                 JsonObject           *metrics,
                 const AxModelVersion *v,
                 GPtrArray            *forecast)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *config = parse_object (parser, v->config);
  JsonArray *series = array_member (object_member (metrics, "test_period"), "series");
  guint n = series ? json_array_get_length (series) : 0;
  AxLineChart *chart = ax_line_chart_new ();
  AxLineChart *ahead = NULL;
  GtkWidget *drop = NULL;

  ax_chart_set_title (AX_CHART (chart), _("Test period: the forecast against what happened"));
  ax_chart_set_axis_titles (AX_CHART (chart), NULL,
                            json_object_get_string_member_with_default (config, "target", NULL));
  ax_chart_set_empty_text (AX_CHART (chart),
                           number_member (metrics, "backtest_origins") == 0
                           ? _("The series is too short to hold back a test period")
                           : _("Retrain to see this chart: the version was stored without its test period"));
  if (n > 1)
    {
      g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
      GtkWidget *label = gtk_label_new_with_mnemonic (_("_Series"));
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

      for (guint i = 0; i < n; i++)
        {
          JsonObject *o = json_array_get_object_element (series, i);
          gtk_string_list_append (names, json_object_get_string_member_with_default (o, "item", "—"));
        }
      drop = gtk_drop_down_new (G_LIST_MODEL (g_steal_pointer (&names)), NULL);
      gtk_widget_set_tooltip_text (drop, _("The series whose charts are shown"));
      gtk_label_set_mnemonic_widget (GTK_LABEL (label), drop);
      g_object_set_data_full (G_OBJECT (drop), "series", json_array_ref (series),
                              (GDestroyNotify) json_array_unref);
      g_signal_connect_object (drop, "notify::selected", G_CALLBACK (on_test_series_selected), chart, 0);
      gtk_box_append (GTK_BOX (box), label);
      gtk_box_append (GTK_BOX (box), drop);
      gtk_grid_attach (grid, box, column, row++, width, 1);
    }
  if (n > 0)
    fill_test_period (chart, json_array_get_object_element (series, 0));
  gtk_grid_attach (grid, chart_frame (GTK_WIDGET (chart), 300), column, row++, width, 1);
  if (forecast == NULL)
    return row;

  ahead = ax_line_chart_new ();
  ax_chart_set_title (AX_CHART (ahead), _("Forecast ahead, with its range"));
  ax_chart_set_axis_titles (AX_CHART (ahead), NULL,
                            json_object_get_string_member_with_default (config, "target", NULL));
  ax_chart_set_empty_text (AX_CHART (ahead), _("No forecasts were recorded with this version"));
  fill_ahead (ahead, forecast,
              n > 0 ? json_object_get_string_member_with_default (json_array_get_object_element (series, 0),
                                                                  "item", NULL) : NULL);
  if (drop)
    {
      g_object_set_data_full (G_OBJECT (drop), "ahead", g_object_ref (ahead), g_object_unref);
      g_object_set_data_full (G_OBJECT (drop), "forecast", g_ptr_array_ref (forecast),
                              (GDestroyNotify) g_ptr_array_unref);
    }
  gtk_grid_attach (grid, chart_frame (GTK_WIDGET (ahead), 280), column, row++, width, 1);
  return row;
}

/* The charts of one version for its task, appended to @grid in two
 * columns from row @row on; returns the next free row. */
static int
add_charts (GtkGrid      *grid,
            int           row,
            int           column,
            int           width,
            JsonObject   *metrics,
            const AxModelVersion *v,
            GPtrArray    *forecast)
{
  const char *task = json_object_get_string_member_with_default (metrics, "task", "regression");
  g_autofree double *actual = NULL, *predicted = NULL;
  gsize n = 0;
  gboolean have = sample_arrays (metrics, &actual, &predicted, &n);
  const char *none = _("Retrain to see this chart: the version was stored without its held-out rows");

  if (g_str_equal (task, "regression"))
    {
      AxScatterChart *scatter = ax_scatter_chart_new ();
      AxScatterChart *resid = ax_scatter_chart_new ();
      g_autofree double *r = g_new (double, MAX (n, 1));

      ax_chart_set_title (AX_CHART (scatter), _("Predicted against actual"));
      ax_chart_set_axis_titles (AX_CHART (scatter), _("Actual"), _("Predicted"));
      ax_chart_set_empty_text (AX_CHART (scatter), none);
      ax_scatter_chart_set_diagonal (scatter, TRUE);
      ax_chart_set_title (AX_CHART (resid), _("Residuals"));
      ax_chart_set_axis_titles (AX_CHART (resid), _("Predicted"), _("Actual − predicted"));
      ax_chart_set_empty_text (AX_CHART (resid), none);
      ax_scatter_chart_set_zero_line (resid, TRUE);
      if (have)
        {
          for (gsize i = 0; i < n; i++)
            r[i] = actual[i] - predicted[i];
          ax_scatter_chart_set_data (scatter, actual, predicted, n);
          ax_scatter_chart_set_data (resid, predicted, r, n);
        }
      /* Side by side, or one above the other in a one-column layout. */
      gtk_grid_attach (grid, chart_frame (GTK_WIDGET (scatter), 280), column, row, 1, 1);
      gtk_grid_attach (grid, chart_frame (GTK_WIDGET (resid), 280), column + (width == 1 ? 0 : 1),
                       row + (width == 1 ? 1 : 0), 1, 1);
      row += width == 1 ? 2 : 1;
    }
  else if (g_str_equal (task, "classification"))
    {
      JsonArray *classes = array_member (metrics, "classes");
      const char *part;
      JsonArray *confusion = array_member (held_out (metrics, &part), "confusion");
      guint k = classes ? json_array_get_length (classes) : 0;
      AxHeatmapChart *heat = ax_heatmap_chart_new ();
      AxRocChart *roc = ax_roc_chart_new ();

      ax_chart_set_title (AX_CHART (heat), _("Confusion matrix"));
      ax_chart_set_axis_titles (AX_CHART (heat), _("Predicted"), _("Actual"));
      if (confusion && k > 0 && json_array_get_length (confusion) == k)
        {
          g_autofree const char **names = g_new0 (const char *, k + 1);
          g_autofree double *cells = g_new (double, (gsize) k * k);
          for (guint a = 0; a < k; a++)
            {
              JsonArray *rowa = json_array_get_array_element (confusion, a);
              names[a] = json_array_get_string_element (classes, a);
              for (guint p = 0; p < k; p++)
                cells[a * k + p] = p < json_array_get_length (rowa) ? json_array_get_double_element (rowa, p) : 0;
            }
          ax_heatmap_chart_set_matrix (heat, names, names, cells, k, k);
        }
      ax_chart_set_title (AX_CHART (roc), _("ROC curve"));
      ax_chart_set_empty_text (AX_CHART (roc), none);
      {
        JsonObject *sample = object_member (metrics, "sample");
        JsonArray *probs = array_member (sample, "probabilities");
        if (probs && have && json_array_get_length (probs) == n && k >= 2)
          {
            /* Two classes: the positive class; more: one curve per class
             * against the rest. */
            for (guint c = (k == 2 ? 1 : 0); c < k; c++)
              {
                g_autofree gboolean *pos = g_new (gboolean, n);
                g_autofree double *score = g_new (double, n);
                g_autofree double *fpr = NULL, *tpr = NULL;
                g_autofree char *name = NULL;
                double auc = 0;
                gsize m;

                for (gsize i = 0; i < n; i++)
                  {
                    JsonArray *pi = json_array_get_array_element (probs, i);
                    pos[i] = actual[i] == c;
                    score[i] = c < json_array_get_length (pi) ? json_array_get_double_element (pi, c) : 0;
                  }
                m = ax_model_admin_roc (pos, score, n, &fpr, &tpr);
                for (gsize i = 1; i < m; i++)
                  auc += (fpr[i] - fpr[i - 1]) * (tpr[i] + tpr[i - 1]) / 2;
                name = g_strdup (json_array_get_string_element (classes, c));
                ax_roc_chart_add_curve (roc, name, fpr, tpr, m, auc);
              }
          }
      }
      gtk_grid_attach (grid, chart_frame (GTK_WIDGET (heat), 280), column, row, 1, 1);
      gtk_grid_attach (grid, chart_frame (GTK_WIDGET (roc), 280), column + (width == 1 ? 0 : 1),
                       row + (width == 1 ? 1 : 0), 1, 1);
      row += width == 1 ? 2 : 1;
    }
  else if (g_str_equal (task, "forecast"))
    /* What the version is judged by: its test period; then, where the
     * recorded forecasts are at hand, the future it forecast.  A forecast
     * has neither feature importance nor a curve. */
    return forecast_charts (grid, row, column, width, metrics, v, forecast);
  gtk_grid_attach (grid, importance_chart (v->importance), column, row, 1, 1);
  if (width == 2)
    gtk_grid_attach (grid, curve_chart (v->curve, task), column + 1, row, 1, 1);
  return row + 1;
}

/* The version @number of @versions. */
static AxModelVersion *
find_version (GPtrArray *versions,
              guint      number)
{
  for (guint i = 0; versions && i < versions->len; i++)
    if (((AxModelVersion *) versions->pdata[i])->version == number)
      return versions->pdata[i];
  return NULL;
}

/* The forecasts recorded with @version (a forecast model's predictions). */
static GPtrArray *
recorded_forecast (AxModelsPage *self,
                   gint64        model_id,
                   guint         version)
{
  g_autoptr(GPtrArray) all = ax_store_list_predictions (ax_project_get_store (self->project), model_id, 2000, NULL);
  GPtrArray *mine = g_ptr_array_new_with_free_func ((GDestroyNotify) ax_prediction_record_free);

  for (guint i = 0; all && i < all->len; i++)
    {
      AxPredictionRecord *r = all->pdata[i];
      if (r->version == version)
        g_ptr_array_add (mine, g_steal_pointer (&all->pdata[i]));
    }
  return mine;
}

/* Overview */

static void
show_overview (AxModelsPage          *self,
               const AxModelInfo     *info,
               const AxModelVersion  *v,
               const AxModelAdmin    *admin)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonParser) metrics_parser = json_parser_new ();
  JsonObject *config = v ? parse_object (parser, v->config) : NULL;
  JsonObject *metrics = v ? parse_object (metrics_parser, v->metrics) : NULL;
  JsonArray *notes = array_member (metrics, "notes");
  AdwPreferencesGroup *model = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  AdwPreferencesGroup *data = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  AdwPreferencesGroup *training = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  g_autofree char *version_text = NULL;
  g_autofree char *rows_text = NULL;
  g_autofree char *seconds = NULL;
  g_autofree char *deployed = NULL;

  clear_box (self->overview_box);
  adw_preferences_group_set_title (model, _("Model"));
  adw_preferences_group_set_title (data, _("Data"));
  adw_preferences_group_set_title (training, _("Training"));
  {
    g_autofree char *trained = v ? ax_prediction_format_time (v->created) : g_strdup ("—");

    version_text = g_strdup_printf (_("%u of %u, trained %s"), info->active_version, info->n_versions,
                                    trained);
  }
  info_row (model, _("Active version"), version_text);
  deployed = admin && admin->deployed ? ax_prediction_format_time (admin->deployed) : g_strdup (_("Not deployed yet"));
  info_row (model, info->is_active ? _("Deployed since") : _("Deactivated; last deployed"), deployed);
  {
    g_autofree char *n = g_strdup_printf ("%'" G_GINT64_FORMAT, info->n_predictions);
    info_row (model, _("Predictions made"), n);
  }
  if (v)
    {
      JsonArray *features = array_member (config, "features");
      g_autoptr(GString) list = g_string_new (NULL);

      info_row (data, _("Dataset"), v->dataset_name);
      info_row (data, _("Target"), json_object_get_string_member_with_default (config, "target", "—"));
      for (guint i = 0; features && i < json_array_get_length (features); i++)
        g_string_append_printf (list, "%s%s", i ? ", " : "", json_array_get_string_element (features, i));
      if (list->len == 0)
        g_string_assign (list, metrics && g_strcmp0 (json_object_get_string_member_with_default (metrics, "task", ""),
                                                     "forecast") == 0
                               ? _("The series alone, over time")
                               : _("Every column but the target"));
      info_row (data, _("Features"), list->str);
      info_row (data, _("Time column"), json_object_get_string_member_with_default (config, "time_column", _("None")));
      rows_text = g_strdup_printf (_("%'" G_GINT64_FORMAT " to train, %'" G_GINT64_FORMAT " to validate, %'"
                                     G_GINT64_FORMAT " to test"), v->n_train, v->n_valid, v->n_test);
      info_row (data, _("Rows"), rows_text);
      /* What training left out, and why. */
      for (guint i = 0; notes && i < json_array_get_length (notes); i++)
        note_row (data, json_array_get_string_element (notes, i));

      info_row (training, _("Algorithm"), info->algorithm);
      {
        g_autoptr(GString) hp = g_string_new (NULL);
        JsonObject *h = object_member (config, "hyperparameters");
        g_autoptr(GList) members = h ? json_object_get_members (h) : NULL;
        for (GList *l = members; l; l = l->next)
          {
            JsonNode *n = json_object_get_member (h, l->data);
            g_autofree char *text = JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING
                                    ? g_strdup (json_node_get_string (n)) : json_to_string (n, FALSE);
            g_string_append_printf (hp, "%s%s = %s", hp->len ? ", " : "", (const char *) l->data, text);
          }
        info_row (training, _("Hyperparameters"), hp->len ? hp->str : _("Defaults"));
      }
      {
        JsonObject *fe = object_member (config, "feature_engineering");
        g_autofree char *text = fe ? g_strdup_printf (_("normalize %s, missing values: %s"),
                                                      json_object_get_string_member_with_default (fe, "normalize", "—"),
                                                      json_object_get_string_member_with_default (fe, "handle_missing", "—"))
                                   : g_strdup (_("None"));
        info_row (training, _("Feature engineering"), text);
      }
      {
        g_autofree char *splits = g_strdup_printf (_("validation %.0f %%, test %.0f %%, seed %.0f"),
                                                   100 * number_member (config, "validation_split"),
                                                   100 * number_member (config, "test_split"),
                                                   number_member (config, "random_seed"));
        if (!isfinite (number_member (config, "validation_split")))
          g_clear_pointer (&splits, g_free);
        info_row (training, _("Splits"), splits ? splits : _("Rolling-origin backtest"));
      }
      seconds = ax_format_duration (v->seconds);
      info_row (training, _("Training time"), seconds);
    }
  gtk_box_append (self->overview_box, GTK_WIDGET (model));
  gtk_box_append (self->overview_box, GTK_WIDGET (data));
  gtk_box_append (self->overview_box, GTK_WIDGET (training));
}

/* Evaluation */

static void
show_evaluation (AxModelsPage         *self,
                 const AxModelInfo    *info,
                 const AxModelVersion *v)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *metrics = v ? parse_object (parser, v->metrics) : NULL;
  g_autoptr(GPtrArray) forecast = NULL;
  GtkWidget *grid;
  const char *part;
  g_autofree char *title = NULL;

  clear_box (self->evaluation_box);
  if (metrics == NULL)
    return;
  held_out (metrics, &part);
  title = g_strdup_printf (_("Version %u, measured on the %s"), v->version, part);
  gtk_box_append (self->evaluation_box, heading (title));
  gtk_box_append (self->evaluation_box, metric_cards (metrics));
  if (g_strcmp0 (json_object_get_string_member_with_default (metrics, "task", ""), "forecast") == 0)
    forecast = recorded_forecast (self, info->id, v->version);
  grid = gtk_grid_new ();
  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 12);
  gtk_grid_set_column_homogeneous (GTK_GRID (grid), TRUE);
  add_charts (GTK_GRID (grid), 0, 0, 2, metrics, v, forecast);
  gtk_box_append (self->evaluation_box, grid);
}

/* Versions and their comparison */

static void
on_compare_toggled (GtkCheckButton *check,
                    AxModelsPage   *self)
{
  guint version = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (check), "version"));

  if (gtk_check_button_get_active (check))
    {
      if (self->compare_a == 0)
        self->compare_a = version;
      else if (self->compare_b == 0)
        self->compare_b = version;
      else
        {
          self->compare_a = self->compare_b;
          self->compare_b = version;
        }
    }
  else if (self->compare_a == version)
    {
      self->compare_a = self->compare_b;
      self->compare_b = 0;
    }
  else if (self->compare_b == version)
    self->compare_b = 0;
  /* Redrawn after the signal: the check button is destroyed with it. */
  g_idle_add_once ((GSourceOnceFunc) ax_model_detail_show, self);
}

static GtkWidget *
comparison (AxModelsPage         *self,
            const AxModelInfo    *info,
            const AxModelVersion *a,
            const AxModelVersion *b)
{
  g_autoptr(JsonParser) pa = json_parser_new ();
  g_autoptr(JsonParser) pb = json_parser_new ();
  JsonObject *ma = parse_object (pa, a->metrics), *mb = parse_object (pb, b->metrics);
  const char *task = ma ? json_object_get_string_member_with_default (ma, "task", "regression") : "regression";
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *table = gtk_grid_new ();
  GtkWidget *grid = gtk_grid_new ();
  const char *part_a, *part_b;
  JsonObject *ha = ma ? held_out (ma, &part_a) : NULL, *hb = mb ? held_out (mb, &part_b) : NULL;
  g_autofree char *title = g_strdup_printf (_("Version %u against version %u"), a->version, b->version);
  int r = 1;

  gtk_box_append (GTK_BOX (box), heading (title));
  gtk_widget_add_css_class (table, "card");
  gtk_grid_set_column_spacing (GTK_GRID (table), 24);
  gtk_grid_set_row_spacing (GTK_GRID (table), 6);
  gtk_widget_set_halign (table, GTK_ALIGN_START);
  for (int c = 0; c < 3; c++)
    {
      g_autofree char *h = c == 0 ? g_strdup (_("Metric")) : g_strdup_printf (_("Version %u"), c == 1 ? a->version : b->version);
      GtkWidget *l = gtk_label_new (h);
      gtk_widget_add_css_class (l, "heading");
      gtk_widget_set_margin_top (l, 12);
      gtk_widget_set_margin_start (l, c == 0 ? 12 : 0);
      gtk_widget_set_margin_end (l, c == 2 ? 12 : 0);
      gtk_label_set_xalign (GTK_LABEL (l), c == 0 ? 0 : 1);
      gtk_grid_attach (GTK_GRID (table), l, c, 0, 1, 1);
    }
  for (const char *const *m = cards_of (task); *m; m++, r++)
    {
      g_autofree char *va = ax_model_detail_format_metric (*m, number_member (ha, *m));
      g_autofree char *vb = ax_model_detail_format_metric (*m, number_member (hb, *m));
      GtkWidget *l0 = gtk_label_new (ax_model_detail_metric_label (*m));
      GtkWidget *l1 = gtk_label_new (va), *l2 = gtk_label_new (vb);
      gtk_label_set_xalign (GTK_LABEL (l0), 0);
      gtk_label_set_xalign (GTK_LABEL (l1), 1);
      gtk_label_set_xalign (GTK_LABEL (l2), 1);
      gtk_widget_set_margin_start (l0, 12);
      gtk_widget_set_margin_end (l2, 12);
      gtk_widget_add_css_class (l1, "numeric");
      gtk_widget_add_css_class (l2, "numeric");
      gtk_grid_attach (GTK_GRID (table), l0, 0, r, 1, 1);
      gtk_grid_attach (GTK_GRID (table), l1, 1, r, 1, 1);
      gtk_grid_attach (GTK_GRID (table), l2, 2, r, 1, 1);
    }
  for (int c = 0; c < 3; c++)
    gtk_widget_set_margin_bottom (gtk_grid_get_child_at (GTK_GRID (table), c, r - 1), 12);
  gtk_box_append (GTK_BOX (box), table);

  /* Each version's charts side by side, one column each, under its name. */
  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 12);
  gtk_grid_set_column_homogeneous (GTK_GRID (grid), TRUE);
  for (int c = 0; c < 2; c++)
    {
      g_autofree char *name = g_strdup_printf (_("Version %u"), c == 0 ? a->version : b->version);
      GtkWidget *l = heading (name);

      gtk_widget_set_margin_top (l, 6);
      gtk_grid_attach (GTK_GRID (grid), l, c, 0, 1, 1);
    }
  if (ma)
    add_charts (GTK_GRID (grid), 1, 0, 1, ma, a, NULL);
  if (mb)
    add_charts (GTK_GRID (grid), 1, 1, 1, mb, b, NULL);
  gtk_box_append (GTK_BOX (box), grid);
  return box;
}

static void
show_versions (AxModelsPage      *self,
               const AxModelInfo *info,
               GPtrArray         *versions)
{
  GtkWidget *list = gtk_list_box_new ();
  GtkWidget *hint;

  clear_box (self->versions_box);
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  for (guint i = versions ? versions->len : 0; i-- > 0;)
    {
      const AxModelVersion *v = versions->pdata[i];
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *check = gtk_check_button_new ();
      g_autofree char *title = g_strdup_printf (_("Version %u"), v->version);
      g_autofree char *subtitle = NULL;
      g_autofree char *when = ax_prediction_format_time (v->created);
      const char *metric;
      double value;

      if (ax_model_admin_headline (v->metrics, &metric, &value))
        {
          g_autofree char *f = ax_model_detail_format_metric (metric, value);
          subtitle = g_strdup_printf (_("%s · %s %s · %'" G_GINT64_FORMAT " training rows of “%s”"), when,
                                      ax_model_detail_metric_label (metric), f, v->n_train, v->dataset_name);
        }
      else
        subtitle = g_strdup_printf (_("%s · on “%s”"), when, v->dataset_name);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_check_button_set_active (GTK_CHECK_BUTTON (check), v->version == self->compare_a || v->version == self->compare_b);
      gtk_widget_set_tooltip_text (check, _("Compare this version"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Compare this version"), -1);
      g_object_set_data (G_OBJECT (check), "version", GUINT_TO_POINTER (v->version));
      g_signal_connect (check, "toggled", G_CALLBACK (on_compare_toggled), self);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
      if (v->version == info->active_version)
        {
          GtkWidget *label = gtk_label_new (info->is_active ? _("Active") : _("Active when deployed"));
          gtk_widget_add_css_class (label, "accent");
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
        }
      else
        {
          GtkWidget *button = gtk_button_new_with_mnemonic (_("_Roll Back"));
          gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
          gtk_widget_set_tooltip_text (button, _("Make this version the active one and deploy it"));
          gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "models.rollback");
          gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "u", v->version);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
        }
      gtk_list_box_append (GTK_LIST_BOX (list), row);
    }
  gtk_box_append (self->versions_box, list);
  if (self->compare_a && self->compare_b && find_version (versions, self->compare_a) &&
      find_version (versions, self->compare_b))
    {
      guint lo = MIN (self->compare_a, self->compare_b), hi = MAX (self->compare_a, self->compare_b);
      gtk_box_append (self->versions_box, comparison (self, info, find_version (versions, lo), find_version (versions, hi)));
    }
  else
    {
      hint = gtk_label_new (_("Tick two versions to compare their metrics and charts side by side"));
      gtk_widget_add_css_class (hint, "dim-label");
      gtk_box_append (self->versions_box, hint);
    }
}

/* Retraining */

static const char *const frequency_ids[] = { "never", "daily", "weekly", "monthly", NULL };
static const char *const rule_ids[] = { "", "r2", "mae", "rmse", "mape", "accuracy", "precision",
                                        "recall", "f1", "roc_auc", "log_loss", NULL };

static void
save_retraining (AxModelsPage *self)
{
  const AxModelInfo *info = ax_models_page_get_selected (self);
  GtkWidget *freq = g_object_get_data (G_OBJECT (self->retraining_box), "frequency");
  GtkWidget *metric = g_object_get_data (G_OBJECT (self->retraining_box), "metric");
  GtkWidget *drop = g_object_get_data (G_OBJECT (self->retraining_box), "drop");
  g_autoptr(GError) error = NULL;
  guint f, m;

  if (info == NULL || self->updating || freq == NULL)
    return;
  f = adw_combo_row_get_selected (ADW_COMBO_ROW (freq));
  m = adw_combo_row_get_selected (ADW_COMBO_ROW (metric));
  if (!ax_model_admin_set_retraining (ax_project_get_store (self->project), info->id,
                                      frequency_ids[MIN (f, 3)], rule_ids[MIN (m, G_N_ELEMENTS (rule_ids) - 2)],
                                      gtk_spin_button_get_value (GTK_SPIN_BUTTON (drop)), &error))
    {
      GtkWidget *row = gtk_widget_get_ancestor (drop, ADW_TYPE_ACTION_ROW);
      gtk_widget_add_css_class (row, "error");
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), error->message);
      return;
    }
}

static void
show_retraining (AxModelsPage         *self,
                 const AxModelInfo    *info,
                 const AxModelAdmin   *admin)
{
  AdwPreferencesGroup *group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  AdwPreferencesGroup *now = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  GtkWidget *freq = adw_combo_row_new ();
  GtkWidget *metric = adw_combo_row_new ();
  GtkWidget *drop_row = adw_action_row_new ();
  GtkWidget *drop = gtk_spin_button_new_with_range (0.001, 1000, 0.01);
  GtkWidget *button = gtk_button_new_with_mnemonic (_("Retrain _Now"));
  GtkWidget *status = adw_action_row_new ();
  const char *freq_labels[] = { _("Never"), _("Daily"), _("Weekly"), _("Monthly"), NULL };
  g_autoptr(GtkStringList) metrics = gtk_string_list_new (NULL);
  g_autofree char *status_text = NULL;
  guint sel = 0;

  clear_box (self->retraining_box);
  self->updating = TRUE;
  adw_preferences_group_set_title (group, _("Schedule"));
  adw_preferences_group_set_description (group, _("The scheduler retrains the model with its active configuration "
                                                  "when the time has come or its accuracy has fallen"));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (freq), _("_Frequency"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (freq), TRUE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (freq), _("Time since the latest version"));
  adw_combo_row_set_model (ADW_COMBO_ROW (freq), G_LIST_MODEL (gtk_string_list_new (freq_labels)));
  for (guint i = 0; frequency_ids[i]; i++)
    if (admin && g_strcmp0 (admin->retrain_frequency, frequency_ids[i]) == 0)
      adw_combo_row_set_selected (ADW_COMBO_ROW (freq), i);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (metric), _("_Degradation metric"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (metric), TRUE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (metric), _("Measured on the actual values recorded for predictions"));
  gtk_string_list_append (metrics, _("No degradation rule"));
  for (guint i = 1; rule_ids[i]; i++)
    {
      gtk_string_list_append (metrics, ax_model_detail_metric_label (rule_ids[i]));
      if (admin && g_strcmp0 (admin->retrain_metric, rule_ids[i]) == 0)
        sel = i;
    }
  adw_combo_row_set_model (ADW_COMBO_ROW (metric), G_LIST_MODEL (metrics));
  adw_combo_row_set_selected (ADW_COMBO_ROW (metric), sel);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (drop_row), _("Retrain when worse by"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (drop_row), _("In the metric’s own units, against the value when trained"));
  gtk_spin_button_set_digits (GTK_SPIN_BUTTON (drop), 3);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (drop), admin && isfinite (admin->retrain_drop) ? admin->retrain_drop : 0.05);
  gtk_widget_set_valign (drop, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (drop), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Retrain when worse by"), -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (drop_row), drop);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (drop_row), drop);
  gtk_widget_set_sensitive (drop_row, sel != 0);
  adw_preferences_group_add (group, freq);
  adw_preferences_group_add (group, metric);
  adw_preferences_group_add (group, drop_row);
  g_object_set_data (G_OBJECT (self->retraining_box), "frequency", freq);
  g_object_set_data (G_OBJECT (self->retraining_box), "metric", metric);
  g_object_set_data (G_OBJECT (self->retraining_box), "drop", drop);
  g_signal_connect_swapped (freq, "notify::selected", G_CALLBACK (save_retraining), self);
  g_signal_connect_swapped (metric, "notify::selected", G_CALLBACK (save_retraining), self);
  g_signal_connect_swapped (drop, "value-changed", G_CALLBACK (save_retraining), self);
  g_object_bind_property_full (metric, "selected", drop_row, "sensitive", G_BINDING_DEFAULT,
                               NULL, NULL, NULL, NULL);

  adw_preferences_group_set_title (now, _("Accuracy on Recorded Actuals"));
  if (admin && admin->retrain_metric && info->active_version)
    {
      double value, baseline;
      guint n;
      if (ax_model_admin_measure_actuals (ax_project_get_store (self->project), info->id, info->active_version,
                                          admin->retrain_metric, &value, &baseline, &n, NULL) && n > 0)
        {
          g_autofree char *fv = ax_model_detail_format_metric (admin->retrain_metric, value);
          g_autofree char *fb = ax_model_detail_format_metric (admin->retrain_metric, baseline);
          status_text = g_strdup_printf (_("%s is %s on %u recorded actuals; %s when trained"),
                                         ax_model_detail_metric_label (admin->retrain_metric), fv, n, fb);
        }
    }
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (status),
                                 status_text ? status_text : _("No actual values recorded for this version yet"));
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "models.train");
  gtk_widget_set_tooltip_text (button, _("Train a new version now with the active configuration (F5)"));
  adw_action_row_add_suffix (ADW_ACTION_ROW (status), button);
  adw_preferences_group_add (now, status);
  gtk_box_append (self->retraining_box, GTK_WIDGET (group));
  gtk_box_append (self->retraining_box, GTK_WIDGET (now));
  self->updating = FALSE;
}

void
ax_model_detail_show (AxModelsPage *self)
{
  const AxModelInfo *info = ax_models_page_get_selected (self);
  g_autoptr(GPtrArray) versions = NULL;
  g_autoptr(AxModelAdmin) admin = NULL;
  AxModelVersion *v;

  if (info == NULL || self->project == NULL)
    {
      clear_box (self->overview_box);
      clear_box (self->evaluation_box);
      clear_box (self->versions_box);
      clear_box (self->retraining_box);
      return;
    }
  versions = ax_store_list_model_versions (ax_project_get_store (self->project), info->id, NULL);
  admin = ax_store_get_model_admin (ax_project_get_store (self->project), info->id, NULL);
  v = find_version (versions, info->active_version);
  show_overview (self, info, v, admin);
  show_evaluation (self, info, v);
  show_versions (self, info, versions);
  show_retraining (self, info, admin);
}
