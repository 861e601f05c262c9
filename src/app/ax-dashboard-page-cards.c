/* ax-dashboard-page-cards.c — drawing a dashboard snapshot into the page's cards
 *
 * Key metrics as tiles, then three cards: model performance, recent
 * anomalies and prediction trends.  Where the project has nothing yet of
 * what a part shows, the part says what to do first, with a button that
 * does it, instead of showing zeros.
 */

#include "ax-config.h"
#include "ax-dashboard-page-private.h"
#include "ax-anomalies-page.h"
#include "ax-charts.h"
#include "ax-window.h"
#include "ax-model.h"

#include <glib/gi18n.h>
#include <math.h>

#define SECONDS_PER_DAY 86400.0

char *
ax_dashboard_page_model_type_label (const char *model_type)
{
  AxModelType type;
  char *label;

  if (ax_model_type_from_string (model_type, &type))
    return g_strdup (ax_model_type_label (type));
  /* A type this build does not know: its name, readable. */
  label = g_strdup (model_type ? model_type : "");
  for (char *p = label; *p; p++)
    if (*p == '_')
      *p = ' ';
  if (*label)
    label[0] = g_ascii_toupper (label[0]);
  return label;
}

static char *
count_text (gint64 n)
{
  return g_strdup_printf ("%'" G_GINT64_FORMAT, n);
}

static void
set_count (GtkLabel *label,
           gint64    n)
{
  g_autofree char *text = count_text (n);
  gtk_label_set_label (label, text);
  gtk_widget_remove_css_class (GTK_WIDGET (label), "dashboard-call");
}

/* A tile that says what to do instead of a zero. */
static void
set_call (GtkLabel   *label,
          const char *text)
{
  gtk_label_set_label (label, text);
  gtk_widget_add_css_class (GTK_WIDGET (label), "dashboard-call");
}

static void
set_action (GtkWidget  *actionable,
            const char *action,
            const char *page)
{
  /* No action while the target changes: the old action with the new
   * target (or the reverse) would be a type mismatch. */
  gtk_actionable_set_action_name (GTK_ACTIONABLE (actionable), NULL);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (actionable),
                                          page ? g_variant_new_string (page) : NULL);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (actionable), action);
}

/* "3 hours ago", "yesterday", "12 Mar 2024": when @iso was, seen from @now. */
static char *
when_text (const char *iso,
           gint64      now)
{
  g_autoptr(GDateTime) t = iso ? g_date_time_new_from_iso8601 (iso, NULL) : NULL;
  gint64 ago;

  if (t == NULL)
    return g_strdup (_("never"));
  ago = now - g_date_time_to_unix (t);
  if (ago < 60)
    return g_strdup (_("just now"));
  if (ago < 3600)
    return g_strdup_printf (g_dngettext (NULL, "%d minute ago", "%d minutes ago", ago / 60), (int) (ago / 60));
  if (ago < 86400)
    return g_strdup_printf (g_dngettext (NULL, "%d hour ago", "%d hours ago", ago / 3600), (int) (ago / 3600));
  if (ago < 2 * 86400)
    return g_strdup (_("yesterday"));
  if (ago < 30 * 86400)
    return g_strdup_printf (g_dngettext (NULL, "%d day ago", "%d days ago", ago / 86400), (int) (ago / 86400));
  {
    g_autoptr(GDateTime) local = g_date_time_to_local (t);
    return g_date_time_format (local, "%-d %b %Y");
  }
}

/* A day (days since 1970) as "12 Mar 2024". */
static char *
day_text (double day)
{
  g_autoptr(GDateTime) t = g_date_time_new_from_unix_utc ((gint64) floor (day) * 86400);
  g_autofree char *s = t ? g_date_time_format (t, "%-d %b %Y") : NULL;
  return g_strdup (s ? g_strstrip (s) : "");
}

static char *
value_text (double v)
{
  if (!isfinite (v))
    return g_strdup ("–");
  if (fabs (v) >= 1000 || v == floor (v))
    return g_strdup_printf ("%'.0f", v);
  return g_strdup_printf ("%.3g", v);
}

static char *
range_text (const AxDashboard *d)
{
  if (d->since == 0)
    return g_strdup (_("in all"));
  return g_strdup_printf (g_dngettext (NULL, "in the last %d day", "in the last %d days",
                                       (d->now - d->since) / 86400),
                          (int) ((d->now - d->since) / 86400));
}

/* A horizontal bar chart @n bars high, whatever its natural height. */
static void
set_chart_height (GtkWidget *chart,
                  guint      n)
{
  GtkWidget *clamp = gtk_widget_get_parent (chart);
  int height = 60 + 32 * (int) MIN (MAX (n, 1), 8);

  /* At least that high, and no higher than that either. */
  gtk_widget_set_size_request (chart, -1, height);
  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), height);
  adw_clamp_set_tightening_threshold (ADW_CLAMP (clamp), height);
}

/* Removes every row of @list (gtk_list_box_remove_all is GTK 4.12). */
static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

/* Key metrics */

static void
render_tiles (AxDashboardPage   *self,
              const AxDashboard *d)
{
  g_autofree char *range = range_text (d);
  g_autofree char *detail = NULL;

  /* Models: active and inactive. */
  if (d->n_models_total == 0)
    {
      set_call (self->models_value, _("Create a model"));
      gtk_label_set_label (self->models_detail, d->n_datasets ? _("Train one on a dataset to start predicting")
                                                              : _("Import data first, then train a model on it"));
    }
  else
    {
      set_count (self->models_value, d->n_models_active + d->n_models_inactive);
      detail = g_strdup_printf (_("%u active · %u inactive"), d->n_models_active, d->n_models_inactive);
      gtk_label_set_label (self->models_detail, detail);
      g_clear_pointer (&detail, g_free);
    }

  /* Predictions made in the range. */
  if (d->n_predictions_total == 0)
    {
      set_call (self->predictions_value, _("Make a prediction"));
      gtk_label_set_label (self->predictions_detail, d->n_models_total ? _("None made yet with your models")
                                                                      : _("Train a model first"));
    }
  else
    {
      set_count (self->predictions_value, d->n_predictions);
      detail = g_strdup_printf (_("%s · %'" G_GINT64_FORMAT " with actual outcomes"), range, d->n_actuals);
      gtk_label_set_label (self->predictions_detail, detail);
      g_clear_pointer (&detail, g_free);
    }

  /* Anomalies detected, and those still unresolved. */
  if (d->n_detections == 0)
    {
      set_call (self->anomalies_value, _("Set up a detection"));
      gtk_label_set_label (self->anomalies_detail, _("Watch a metric for unusual values"));
      set_call (self->unresolved_value, _("Nothing to review"));
      gtk_label_set_label (self->unresolved_detail, _("Anomalies found appear here for a verdict"));
    }
  else
    {
      set_count (self->anomalies_value, d->n_anomalies);
      detail = g_strdup_printf (g_dngettext (NULL, "%s · %u detection", "%s · %u detections", d->n_detections),
                                range, d->n_detections);
      gtk_label_set_label (self->anomalies_detail, detail);
      g_clear_pointer (&detail, g_free);
      set_count (self->unresolved_value, d->n_unresolved);
      detail = g_strdup_printf (_("%'" G_GINT64_FORMAT " resolved · %'" G_GINT64_FORMAT " false positives"),
                                d->n_resolved, d->n_false_positive);
      gtk_label_set_label (self->unresolved_detail, detail);
      g_clear_pointer (&detail, g_free);
    }
  if (d->n_unresolved > 0)
    gtk_widget_add_css_class (GTK_WIDGET (self->unresolved_value), "warning");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->unresolved_value), "warning");

  /* Data sources: the datasets. */
  if (d->n_datasets == 0)
    {
      set_call (self->sources_value, _("Import data"));
      gtk_label_set_label (self->sources_detail, _("CSV, JSON or Excel files"));
      set_action (GTK_WIDGET (self->sources_tile), "win.import", NULL);
    }
  else
    {
      set_count (self->sources_value, d->n_datasets);
      gtk_label_set_label (self->sources_detail, g_dngettext (NULL, "dataset in the project", "datasets in the project",
                                                              d->n_datasets));
      set_action (GTK_WIDGET (self->sources_tile), "win.show-page", "data");
    }
}

/* Model performance */

static const char *
metric_label (const char *name)
{
  if (g_strcmp0 (name, "r2") == 0)
    return "R²";
  if (g_strcmp0 (name, "roc_auc") == 0)
    return "ROC-AUC";
  if (g_strcmp0 (name, "accuracy") == 0)
    return _("Accuracy");
  if (g_strcmp0 (name, "smape") == 0)
    return "sMAPE";
  return "";
}

static char *
metric_text (const AxDashboardModel *m)
{
  if (m->metric_name == NULL || !isfinite (m->metric_value))
    return g_strdup (_("not measured"));
  if (g_str_equal (m->metric_name, "r2") || g_str_equal (m->metric_name, "roc_auc"))
    return g_strdup_printf ("%s %.3f", metric_label (m->metric_name), m->metric_value);
  /* A forecast's sMAPE is stored in percent already. */
  if (g_str_equal (m->metric_name, "smape"))
    return g_strdup_printf ("%s %.1f%%", metric_label (m->metric_name), m->metric_value);
  return g_strdup_printf ("%s %.1f%%", metric_label (m->metric_name), 100 * m->metric_value);
}

/* A model this window is training for the first time: not in the
 * project yet. */
static GtkWidget *
first_training_row (const char *name)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *spinner = gtk_spinner_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("Training its first version now"));
  gtk_spinner_start (GTK_SPINNER (spinner));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), spinner);
  return row;
}

static GtkWidget *
model_row (const AxDashboardModel *m,
           gint64                  now,
           const char             *range,
           gboolean                training)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *metric, *volume;
  g_autofree char *type = ax_dashboard_page_model_type_label (m->model_type);
  g_autofree char *trained = when_text (m->last_trained, now);
  g_autofree char *metric_s = metric_text (m);
  g_autoptr(GString) subtitle = g_string_new (type);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), m->name);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  if (training)
    g_string_append_printf (subtitle, _(" · version %u of %u · training a new version now"),
                            m->active_version, m->n_versions);
  else
    g_string_append_printf (subtitle, _(" · version %u of %u · trained %s"), m->active_version, m->n_versions, trained);
  if (m->deployed)
    {
      g_autofree char *deployed = when_text (m->deployed, now);
      g_string_append_printf (subtitle, _(" · deployed %s"), deployed);
    }
  if (!m->is_active)
    g_string_append (subtitle, _(" · inactive"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle->str);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 2);

  metric = gtk_label_new (metric_s);
  gtk_label_set_xalign (GTK_LABEL (metric), 1);
  gtk_widget_add_css_class (metric, "heading");
  gtk_widget_add_css_class (metric, "numeric");
  if (m->metric_name)
    gtk_widget_set_tooltip_text (metric, g_str_equal (m->metric_name, "smape")
                                         ? _("Symmetric mean absolute percentage error on the backtest: lower is better")
                                         : g_str_equal (m->metric_name, "r2")
                                           ? _("Share of the variation explained, on rows the model did not learn from")
                                           : g_str_equal (m->metric_name, "roc_auc")
                                             ? _("How well it ranks the positive class above the other (1 is perfect), on rows the model did not learn from")
                                             : _("Share predicted right, on rows the model did not learn from"));
  volume = gtk_label_new (NULL);
  {
    g_autofree char *n = count_text (m->n_predictions);
    g_autofree char *text = g_strdup_printf (g_dngettext (NULL, "%s prediction %s", "%s predictions %s",
                                                          m->n_predictions), n, range);
    gtk_label_set_label (GTK_LABEL (volume), text);
  }
  gtk_label_set_xalign (GTK_LABEL (volume), 1);
  gtk_widget_add_css_class (volume, "caption");
  gtk_widget_add_css_class (volume, "dim-label");
  gtk_box_append (GTK_BOX (box), metric);
  gtk_box_append (GTK_BOX (box), volume);
  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), box);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  return row;
}

static void
show_empty (GtkStack      *stack,
            GtkLabel      *title_label,
            GtkLabel      *description_label,
            GtkButton     *button,
            const char    *title,
            const char    *description,
            const char    *label,
            const char    *action,
            const char    *page)
{
  gtk_label_set_label (title_label, title);
  gtk_label_set_label (description_label, description);
  gtk_button_set_label (button, label);
  set_action (GTK_WIDGET (button), action, page);
  gtk_stack_set_visible_child_name (stack, "empty");
}

static void
render_models (AxDashboardPage   *self,
               const AxDashboard *d)
{
  g_autofree char *range = range_text (d);

  const char *const *training = self->project ? ax_project_get_training (self->project) : NULL;
  guint n_new = 0;

  clear_list (self->models_list);
  /* Models being trained here for the first time are not stored yet. */
  for (guint t = 0; training && training[t]; t++)
    {
      gboolean known = FALSE;
      for (guint i = 0; i < d->models->len && !known; i++)
        known = g_str_equal (((const AxDashboardModel *) d->models->pdata[i])->name, training[t]);
      if (!known)
        {
          gtk_list_box_append (self->models_list, first_training_row (training[t]));
          n_new++;
        }
    }
  if (d->n_models_total == 0 && n_new > 0)
    {
      ax_chart_clear (AX_CHART (self->models_chart));
      gtk_stack_set_visible_child_name (self->models_stack, "content");
      return;
    }
  if (d->n_models_total == 0)
    {
      if (d->n_datasets == 0)
        show_empty (self->models_stack, self->models_empty_title, self->models_empty_description,
                    self->models_empty_button,
                    _("No Models Yet"), _("Import data first, then train a model on it to predict prices, churn or sales"),
                    _("_Import Data…"), "win.import", NULL);
      else
        show_empty (self->models_stack, self->models_empty_title, self->models_empty_description,
                    self->models_empty_button,
                    _("No Models Yet"), _("Train a model on one of your datasets to see how well it predicts"),
                    _("_Create a Model"), "win.show-page", "models");
      return;
    }
  {
    g_autoptr(GPtrArray) labels = g_ptr_array_new ();
    g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (double));
    g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);

    for (guint i = 0; i < d->models->len; i++)
      {
        const AxDashboardModel *m = d->models->pdata[i];
        double v = (double) m->n_predictions;

        gtk_list_box_append (self->models_list,
                             model_row (m, d->now, range,
                                        self->project && ax_project_is_training (self->project, m->name)));
        g_ptr_array_add (labels, m->name);
        g_array_append_val (values, v);
        g_ptr_array_add (texts, count_text (m->n_predictions));
      }
    ax_bar_chart_set_data (AX_BAR_CHART (self->models_chart), (const char *const *) labels->pdata,
                           (const double *) values->data, NULL, labels->len);
    ax_bar_chart_set_value_labels (AX_BAR_CHART (self->models_chart), (const char *const *) texts->pdata, texts->len);
    set_chart_height (self->models_chart, labels->len);
  }
  gtk_stack_set_visible_child_name (self->models_stack, "content");
}

/* Recent anomalies */

static const char *const severity_names[] = { NULL, N_("Low"), N_("Medium"), N_("High"), N_("Critical") };
static const char *const severity_classes[] = { NULL, "severity-low", "severity-medium", "severity-high", "severity-critical" };

static GtkWidget *
severity_badge (AxSeverity severity)
{
  GtkWidget *badge = gtk_label_new (_(severity_names[severity]));

  gtk_widget_add_css_class (badge, "severity-badge");
  gtk_widget_add_css_class (badge, severity_classes[severity]);
  gtk_widget_set_valign (badge, GTK_ALIGN_CENTER);
  gtk_label_set_width_chars (GTK_LABEL (badge), 7);
  return badge;
}

static GtkWidget *
anomaly_row (const AxDashboardAnomaly *a,
             gint64                    now)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *title = NULL;
  g_autoptr(GString) subtitle = g_string_new (NULL);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  if (a->metric && isfinite (a->actual) && isfinite (a->expected_low) && a->actual < a->expected_low)
    title = g_strdup_printf (_("%s below expected"), a->metric);
  else if (a->metric && isfinite (a->actual) && isfinite (a->expected_high) && a->actual > a->expected_high)
    title = g_strdup_printf (_("%s above expected"), a->metric);
  else if (a->metric)
    title = g_strdup_printf (_("Unusual %s"), a->metric);
  else
    title = g_strdup (_("Unusual row"));
  title[0] = g_ascii_toupper (title[0]);
  if (isfinite (a->time))
    {
      g_autofree char *day = day_text (a->time);
      g_autofree char *full = g_strdup_printf (_("%s on %s"), title, day);
      g_free (title);
      title = g_steal_pointer (&full);
    }
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);

  g_string_append (subtitle, a->detection_name);
  if (a->metric && isfinite (a->actual))
    {
      g_autofree char *v = value_text (a->actual);
      g_autofree char *lo = value_text (a->expected_low);
      g_autofree char *hi = value_text (a->expected_high);
      g_string_append_printf (subtitle, _(" · %s, expected %s to %s"), v, lo, hi);
    }
  if (a->status == AX_ANOMALY_STATUS_RESOLVED)
    g_string_append (subtitle, _(" · resolved"));
  else if (a->status == AX_ANOMALY_STATUS_FALSE_POSITIVE)
    g_string_append (subtitle, _(" · false positive"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle->str);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), severity_badge (a->severity));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_object_set_data (G_OBJECT (row), "anomaly-id", GINT_TO_POINTER ((int) a->id));
  {
    g_autofree char *tip = g_strdup_printf (_("Open this anomaly (score %.2f)"), a->score);
    gtk_widget_set_tooltip_text (row, tip);
  }
  (void) now;
  return row;
}

/* Severity colours, the same in light and dark: GNOME's palette. */
static const GdkRGBA severity_colors[] = {
  { 0.6, 0.6, 0.6, 1 },
  { 0.208, 0.518, 0.894, 1 },   /* blue 3 */
  { 0.898, 0.647, 0.039, 1 },   /* yellow 5 */
  { 1.0, 0.471, 0.0, 1 },       /* orange 3 */
  { 0.878, 0.106, 0.141, 1 },   /* red 3 */
};

static void
render_anomalies (AxDashboardPage   *self,
                  const AxDashboard *d)
{
  g_autofree char *range = range_text (d);
  gint64 decided = d->n_resolved + d->n_false_positive;

  clear_list (self->anomalies_list);
  if (d->n_detections == 0)
    {
      if (d->n_datasets == 0)
        show_empty (self->anomalies_stack, self->anomalies_empty_title, self->anomalies_empty_description,
                    self->anomalies_empty_button,
                    _("No Detections Yet"), _("Import data first, then watch its metrics for unusual values"),
                    _("_Import Data…"), "win.import", NULL);
      else
        show_empty (self->anomalies_stack, self->anomalies_empty_title, self->anomalies_empty_description,
                    self->anomalies_empty_button,
                    _("No Detections Yet"), _("Set up a detection to watch a business metric for unusual values"),
                    _("_Set Up a Detection"), "win.show-page", "anomalies");
      return;
    }
  gtk_stack_set_visible_child_name (self->anomalies_stack, "content");

  if (d->n_anomalies == 0)
    {
      g_autofree char *none = g_strdup_printf (_("No anomalies %s at this severity: nothing needs attention"), range);
      gtk_label_set_label (self->anomalies_none, none);
      gtk_widget_set_visible (GTK_WIDGET (self->anomalies_none), TRUE);
      gtk_widget_set_visible (GTK_WIDGET (self->resolution_label), FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->resolution_bar), FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->severity_chart_box), FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->severity_title), FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->recent_title), FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->anomalies_list), FALSE);
      return;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->anomalies_none), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->resolution_label), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->resolution_bar), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->severity_chart_box), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->severity_title), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->recent_title), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->anomalies_list), TRUE);

  {
    g_autofree char *n = count_text (d->n_anomalies);
    g_autofree char *open = count_text (d->n_unresolved);
    g_autofree char *text = g_strdup_printf (_("%s anomalies %s: %s open, %'" G_GINT64_FORMAT " resolved, "
                                               "%'" G_GINT64_FORMAT " false positives"),
                                             n, range, open, d->n_resolved, d->n_false_positive);
    gtk_label_set_label (self->resolution_label, text);
    gtk_level_bar_set_value (self->resolution_bar, (double) decided / (double) d->n_anomalies);
  }

  /* The severities the filter shows, most severe first. */
  {
    const char *labels[4];
    double values[4];
    GdkRGBA colors[4];
    char *texts[4] = { NULL };
    AxSeverity least = MAX (AX_SEVERITY_LOW, ax_dashboard_page_min_severity (self));
    guint n = 0;

    for (AxSeverity s = AX_SEVERITY_CRITICAL; s >= least; s--)
      {
        labels[n] = _(severity_names[s]);
        values[n] = (double) d->by_severity[s];
        colors[n] = severity_colors[s];
        texts[n] = count_text (d->by_severity[s]);
        n++;
      }
    ax_bar_chart_set_data (AX_BAR_CHART (self->severity_chart), labels, values, colors, n);
    ax_bar_chart_set_value_labels (AX_BAR_CHART (self->severity_chart), (const char *const *) texts, n);
    set_chart_height (self->severity_chart, n);
    for (guint i = 0; i < n; i++)
      g_free (texts[i]);
  }

  for (guint i = 0; i < d->recent->len; i++)
    gtk_list_box_append (self->anomalies_list, anomaly_row (d->recent->pdata[i], d->now));
}

/* Prediction trends */

static void
render_trends (AxDashboardPage   *self,
               const AxDashboard *d)
{
  g_autofree char *range = range_text (d);
  AxLineChart *accuracy = AX_LINE_CHART (self->accuracy_chart);
  AxBarChart *volume = AX_BAR_CHART (self->volume_chart);

  ax_chart_clear (AX_CHART (accuracy));
  ax_chart_clear (AX_CHART (self->accuracy_bars));
  ax_chart_clear (AX_CHART (volume));
  if (d->n_predictions_total == 0)
    {
      if (d->n_datasets == 0)
        show_empty (self->trends_stack, self->trends_empty_title, self->trends_empty_description,
                    self->trends_empty_button,
                    _("No Predictions Yet"), _("Import data and train a model on it; its predictions appear here day by day"),
                    _("_Import Data…"), "win.import", NULL);
      else if (d->n_models_total == 0)
        show_empty (self->trends_stack, self->trends_empty_title, self->trends_empty_description,
                    self->trends_empty_button,
                    _("No Predictions Yet"), _("Train a model first; the predictions made with it appear here day by day"),
                    _("_Create a Model"), "win.show-page", "models");
      else
        show_empty (self->trends_stack, self->trends_empty_title, self->trends_empty_description,
                    self->trends_empty_button,
                    _("No Predictions Yet"), _("Predict with one of your models; each day’s predictions and their accuracy appear here"),
                    _("_Make a Prediction"), "win.show-page", "predictions");
      return;
    }
  gtk_stack_set_visible_child_name (self->trends_stack, "content");

  /* Daily volume: every day of a bounded range (zeros included), or of
   * the span of days with predictions for "all time", at most 120 bars. */
  {
    const AxDashboardDay *days = (const AxDashboardDay *) d->daily->data;
    gint64 first, last, n_days;
    g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
    g_autoptr(GArray) values = g_array_new (FALSE, TRUE, sizeof (double));
    gint64 busiest = -1, busiest_n = 0;
    g_autofree char *total = count_text (d->n_predictions);
    g_autofree char *text = NULL;

    last = d->now / 86400;
    first = d->since ? d->since / 86400 + 1 : (d->daily->len ? days[0].day : last);
    if (d->since == 0 && d->daily->len)
      last = MAX (last, days[d->daily->len - 1].day);
    /* At least two weeks, so that one busy day is seen among quiet ones. */
    first = MIN (first, last - 13);
    if (last - first + 1 > 120)
      first = last - 119;
    n_days = last - first + 1;
    g_array_set_size (values, n_days);
    for (guint i = 0; i < d->daily->len; i++)
      {
        if (days[i].day >= first && days[i].day <= last)
          g_array_index (values, double, days[i].day - first) += (double) days[i].n;
        if (days[i].n > busiest_n)
          busiest_n = days[i].n, busiest = days[i].day;
      }
    for (gint64 day = first; day <= last; day++)
      {
        g_autoptr(GDateTime) t = g_date_time_new_from_unix_utc (day * 86400);
        g_autofree char *s = g_date_time_format (t, "%-d %b");
        g_ptr_array_add (labels, g_strdup (g_strstrip (s)));
      }
    ax_bar_chart_set_data (volume, (const char *const *) labels->pdata, (const double *) values->data,
                           NULL, (gsize) n_days);
    /* Counts over the busy days only: a row of zeros is noise. */
    {
      g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
      for (gint64 i = 0; i < n_days; i++)
        {
          double v = g_array_index (values, double, i);
          g_ptr_array_add (texts, v > 0 ? count_text ((gint64) v) : g_strdup (""));
        }
      ax_bar_chart_set_value_labels (volume, (const char *const *) texts->pdata, texts->len);
    }
    if (busiest >= 0)
      {
        g_autofree char *day = day_text ((double) busiest);
        g_autofree char *most = count_text (busiest_n);
        text = g_strdup_printf (_("%s predictions %s; the busiest day was %s with %s"), total, range, day, most);
      }
    else
      text = g_strdup_printf (_("No predictions %s"), range);
    gtk_label_set_label (self->volume_label, text);
  }

  /* Accuracy over time, one line per model, where actuals exist. */
  if (d->accuracy->len == 0)
    {
      gtk_label_set_label (self->accuracy_label,
                           _("No actual outcomes recorded in this period. Record them on the Predictions page "
                             "to follow how accurate each model stays."));
      gtk_widget_set_visible (self->accuracy_chart, FALSE);
      gtk_widget_set_visible (gtk_widget_get_parent (self->accuracy_bars), FALSE);
    }
  else
    {
      g_autoptr(GString) summary = g_string_new (NULL);
      g_autoptr(GPtrArray) names = g_ptr_array_new ();
      g_autoptr(GArray) overall = g_array_new (FALSE, FALSE, sizeof (double));
      g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
      gsize most_days = 0;

      for (guint i = 0; i < d->models->len; i++)
        {
          const AxDashboardModel *m = d->models->pdata[i];
          g_autoptr(GArray) x = g_array_new (FALSE, FALSE, sizeof (double));
          g_autoptr(GArray) y = g_array_new (FALSE, FALSE, sizeof (double));
          double sum = 0;
          guint n = 0;

          for (guint k = 0; k < d->accuracy->len; k++)
            {
              const AxDashboardAccuracy *a = &g_array_index (d->accuracy, AxDashboardAccuracy, k);
              double xv = (double) a->day * SECONDS_PER_DAY, yv = 100 * a->accuracy;
              if (a->model_id != m->id)
                continue;
              g_array_append_val (x, xv);
              g_array_append_val (y, yv);
              sum += a->accuracy * a->n;
              n += a->n;
            }
          if (n == 0)
            continue;
          ax_line_chart_add_series (accuracy, m->name, (const double *) x->data, (const double *) y->data, x->len);
          most_days = MAX (most_days, x->len);
          {
            double pct = 100 * sum / n;
            g_ptr_array_add (names, m->name);
            g_array_append_val (overall, pct);
            g_ptr_array_add (texts, g_strdup_printf ("%.1f%%", pct));
          }
          if (summary->len)
            g_string_append (summary, "\n");
          g_string_append_printf (summary, g_dngettext (NULL, "%s: %.1f%% on %u prediction", "%s: %.1f%% on %u predictions", n),
                                  m->name, 100 * sum / n, n);
        }
      g_string_append (summary, "\n");
      g_string_append (summary, _("Classification: the share predicted right; regression and forecasts: "
                                  "100% minus the mean absolute percentage error."));
      gtk_label_set_label (self->accuracy_label, summary->str);
      /* A line needs two days; until then, one bar per model. */
      ax_bar_chart_set_data (AX_BAR_CHART (self->accuracy_bars), (const char *const *) names->pdata,
                             (const double *) overall->data, NULL, names->len);
      ax_bar_chart_set_value_labels (AX_BAR_CHART (self->accuracy_bars), (const char *const *) texts->pdata,
                                     texts->len);
      set_chart_height (self->accuracy_bars, names->len);
      gtk_widget_set_visible (self->accuracy_chart, most_days >= 2);
      gtk_widget_set_visible (gtk_widget_get_parent (self->accuracy_bars), most_days < 2);
    }
}

void
ax_dashboard_page_render (AxDashboardPage *self)
{
  const AxDashboard *d = self->dashboard;

  gboolean filterable;

  if (d == NULL)
    return;
  /* Nothing made or found yet: nothing to filter. */
  filterable = d->n_predictions_total > 0 || d->n_anomalies_total > 0 || d->n_models_total > 0;
  gtk_widget_set_visible (GTK_WIDGET (self->range_dropdown), filterable);
  gtk_widget_set_visible (GTK_WIDGET (self->type_dropdown), filterable);
  gtk_widget_set_visible (GTK_WIDGET (self->severity_dropdown), filterable);
  render_tiles (self, d);
  render_models (self, d);
  render_anomalies (self, d);
  render_trends (self, d);
}

void
ax_dashboard_page_show_error (AxDashboardPage *self,
                              const char      *message)
{
  g_autofree char *text = g_strdup_printf (_("The dashboard could not be read: %s"), message);
  gtk_label_set_label (self->headline, text);
}

/* Opening what a row shows */

static void
on_anomaly_activated (GtkListBox    *list,
                      GtkListBoxRow *row,
                      gpointer       data)
{
  AxDashboardPage *self = data;
  gint64 id = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (row), "anomaly-id"));
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *page;

  if (!AX_IS_WINDOW (root))
    return;
  page = ax_window_get_page (AX_WINDOW (root), "anomalies");
  if (page && AX_IS_ANOMALIES_PAGE (page))
    ax_anomalies_page_show_anomaly (AX_ANOMALIES_PAGE (page), id);
  ax_window_show_page (AX_WINDOW (root), "anomalies");
}

static void
on_model_activated (GtkListBox    *list,
                    GtkListBoxRow *row,
                    gpointer       data)
{
  gtk_widget_activate_action (GTK_WIDGET (data), "win.show-page", "s", "models");
}

/* @chart in a vertical clamp: a bar chart as high as its bars need
 * (set_chart_height()), not the charts' natural height. */
static GtkWidget *
clamped (GtkWidget *chart)
{
  GtkWidget *clamp = adw_clamp_new ();

  gtk_orientable_set_orientation (GTK_ORIENTABLE (clamp), GTK_ORIENTATION_VERTICAL);
  adw_clamp_set_child (ADW_CLAMP (clamp), chart);
  gtk_widget_set_vexpand (clamp, FALSE);
  gtk_widget_set_valign (clamp, GTK_ALIGN_START);
  set_chart_height (chart, 4);
  return clamp;
}

void
ax_dashboard_page_init_cards (AxDashboardPage *self)
{
  /* The cards' captions name the charts; the charts' own titles are for
   * their exports. */
  self->models_chart = GTK_WIDGET (ax_bar_chart_new ());
  ax_bar_chart_set_horizontal (AX_BAR_CHART (self->models_chart), TRUE);
  gtk_box_append (self->models_chart_box, clamped (self->models_chart));

  self->severity_chart = GTK_WIDGET (ax_bar_chart_new ());
  ax_bar_chart_set_horizontal (AX_BAR_CHART (self->severity_chart), TRUE);
  gtk_box_append (self->severity_chart_box, clamped (self->severity_chart));

  self->volume_chart = GTK_WIDGET (ax_bar_chart_new ());
  ax_chart_set_empty_text (AX_CHART (self->volume_chart), _("No predictions in this period"));
  gtk_widget_set_size_request (self->volume_chart, -1, 220);
  gtk_box_append (self->volume_chart_box, self->volume_chart);

  self->accuracy_chart = GTK_WIDGET (ax_line_chart_new ());
  ax_line_chart_set_time_axis (AX_LINE_CHART (self->accuracy_chart), TRUE);
  ax_chart_set_axis_titles (AX_CHART (self->accuracy_chart), NULL, _("Accuracy (%)"));
  gtk_widget_set_size_request (self->accuracy_chart, -1, 220);
  gtk_box_append (self->accuracy_chart_box, self->accuracy_chart);

  self->accuracy_bars = GTK_WIDGET (ax_bar_chart_new ());
  ax_bar_chart_set_horizontal (AX_BAR_CHART (self->accuracy_bars), TRUE);
  ax_chart_set_axis_titles (AX_CHART (self->accuracy_bars), _("Accuracy (%)"), NULL);
  gtk_box_append (self->accuracy_chart_box, clamped (self->accuracy_bars));

  g_signal_connect (self->anomalies_list, "row-activated", G_CALLBACK (on_anomaly_activated), self);
  g_signal_connect (self->models_list, "row-activated", G_CALLBACK (on_model_activated), self);
}
