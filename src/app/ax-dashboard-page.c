/* ax-dashboard-page.c — dashboard page: what needs attention and how things stand
 *
 * The page keeps no figures of its own: each time the project changes or
 * a filter does, it reads a fresh AxDashboard in a worker thread (the
 * counts scan the predictions table, which can be long) and redraws the
 * cards from it (ax-dashboard-page-cards.c).  A read still running when
 * the next one starts is cancelled, so the last one asked for wins.
 */

#include "ax-config.h"
#include "ax-app-util.h"
#include "ax-dashboard-page-private.h"

#include <glib/gi18n.h>

G_DEFINE_FINAL_TYPE (AxDashboardPage, ax_dashboard_page, ADW_TYPE_BIN)

enum {
  SIGNAL_LOADED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const guint range_days[] = { 7, 30, 90, 0 };
#define RANGE_ALL 3

static const AxSeverity severity_choices[] = {
  AX_SEVERITY_NONE, AX_SEVERITY_MEDIUM, AX_SEVERITY_HIGH, AX_SEVERITY_CRITICAL
};

AxSeverity
ax_dashboard_page_min_severity (AxDashboardPage *self)
{
  guint severity = gtk_drop_down_get_selected (self->severity_dropdown);

  return severity < G_N_ELEMENTS (severity_choices) ? severity_choices[severity] : AX_SEVERITY_NONE;
}

/* The filter the controls show. */
static void
current_filter (AxDashboardPage   *self,
                AxDashboardFilter *filter)
{
  guint range = gtk_drop_down_get_selected (self->range_dropdown);
  guint type = gtk_drop_down_get_selected (self->type_dropdown);

  ax_dashboard_filter_init (filter);
  filter->days = range < G_N_ELEMENTS (range_days) ? range_days[range] : 0;
  /* Entry 0 is "All model types"; entry i is self->model_types[i - 1]. */
  if (type != GTK_INVALID_LIST_POSITION && type > 0 && self->model_types &&
      type - 1 < g_strv_length (self->model_types))
    filter->model_type = self->model_types[type - 1];
  filter->min_severity = ax_dashboard_page_min_severity (self);
  filter->n_recent = 6;
}

static void
show_snapshot (GtkWidget *widget)
{
  AxDashboardPage *self = AX_DASHBOARD_PAGE (widget);

  if (self->dashboard == NULL)
    return;
  ax_dashboard_page_update_model_types (self);
  ax_dashboard_page_render (self);
}

static void
on_loaded (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  g_autoptr(AxDashboardPage) self = data;
  g_autoptr(GError) error = NULL;
  AxDashboard *d = ax_dashboard_query_finish (result, &error);

  if (d == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->project == NULL)
        return;
      g_clear_object (&self->cancellable);
      ax_dashboard_page_show_error (self, error->message);
      return;
    }
  if (self->project == NULL || g_cancellable_is_cancelled (self->cancellable))
    {
      ax_dashboard_free (d);
      return;
    }
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->dashboard, ax_dashboard_free);
  self->dashboard = d;
  /* The snapshot is read in any case (ax_dashboard_page_get_dashboard());
   * building the cards is the main thread's work, which a dashboard behind
   * another view does when it is shown again. */
  ax_widget_reload_when_shown (GTK_WIDGET (self), show_snapshot);
  g_signal_emit (self, signals[SIGNAL_LOADED], 0);
}

static gboolean
reload_now (gpointer data)
{
  AxDashboardPage *self = data;
  AxDashboardFilter filter;

  self->reload_source = 0;
  if (self->project == NULL)
    return G_SOURCE_REMOVE;
  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  current_filter (self, &filter);
  ax_dashboard_query_async (ax_project_get_path (self->project), &filter, self->cancellable,
                            on_loaded, g_object_ref (self));
  return G_SOURCE_REMOVE;
}

/* Reads the figures again once the current main-loop turn is over, so
 * that several changes at once (a filter set in code, a job's end) cost
 * one read. */
static void
schedule_reload (AxDashboardPage *self)
{
  if (self->reload_source == 0 && !self->updating_types)
    self->reload_source = g_idle_add_full (G_PRIORITY_DEFAULT, reload_now, self, NULL);
}

static void
on_project_changed (AxDashboardPage *self)
{
  schedule_reload (self);
}

static void
on_filter_changed (AxDashboardPage *self)
{
  schedule_reload (self);
}

void
ax_dashboard_page_set_project (AxDashboardPage *self,
                               AxProject       *project)
{
  g_return_if_fail (AX_IS_DASHBOARD_PAGE (self));

  if (self->project == project)
    return;
  if (self->project)
    g_signal_handlers_disconnect_by_data (self->project, self);
  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->dashboard, ax_dashboard_free);
  g_set_object (&self->project, project);
  if (project == NULL)
    return;
  g_signal_connect_swapped (project, "changed", G_CALLBACK (on_project_changed), self);
  g_signal_connect_swapped (project, "training-changed", G_CALLBACK (on_project_changed), self);
  /* A new project starts with every filter open. */
  self->updating_types = TRUE;
  gtk_drop_down_set_selected (self->range_dropdown, RANGE_ALL);
  gtk_drop_down_set_selected (self->type_dropdown, 0);
  gtk_drop_down_set_selected (self->severity_dropdown, 0);
  self->updating_types = FALSE;
  {
    g_autofree char *title = ax_project_dup_title (project);
    gtk_label_set_label (self->headline, title);
  }
  schedule_reload (self);
}

const AxDashboard *
ax_dashboard_page_get_dashboard (AxDashboardPage *self)
{
  g_return_val_if_fail (AX_IS_DASHBOARD_PAGE (self), NULL);
  return self->dashboard;
}

void
ax_dashboard_page_set_filter (AxDashboardPage *self,
                              guint            days,
                              const char      *model_type,
                              AxSeverity       min_severity)
{
  guint range = RANGE_ALL, type = 0, severity = 0;

  g_return_if_fail (AX_IS_DASHBOARD_PAGE (self));
  for (guint i = 0; i < G_N_ELEMENTS (range_days); i++)
    if (range_days[i] == days)
      range = i;
  for (guint i = 0; model_type && self->model_types && self->model_types[i]; i++)
    if (g_str_equal (self->model_types[i], model_type))
      type = i + 1;
  for (guint i = 0; i < G_N_ELEMENTS (severity_choices); i++)
    if (severity_choices[i] <= min_severity)
      severity = i;
  gtk_drop_down_set_selected (self->range_dropdown, range);
  gtk_drop_down_set_selected (self->type_dropdown, type);
  gtk_drop_down_set_selected (self->severity_dropdown, severity);
  schedule_reload (self);
}

/* Keeps the model-type choices to the types the project has, and the
 * selected one selected. */
void
ax_dashboard_page_update_model_types (AxDashboardPage *self)
{
  guint selected = gtk_drop_down_get_selected (self->type_dropdown);
  g_autofree char *keep = NULL;
  g_autoptr(GtkStringList) list = NULL;
  guint new_selected = 0;

  if (self->model_types && g_strv_equal ((const char * const *) self->model_types,
                                         (const char * const *) self->dashboard->model_types))
    return;
  if (selected != GTK_INVALID_LIST_POSITION && selected > 0 && self->model_types &&
      selected - 1 < g_strv_length (self->model_types))
    keep = g_strdup (self->model_types[selected - 1]);
  g_strfreev (self->model_types);
  self->model_types = g_strdupv (self->dashboard->model_types);
  list = gtk_string_list_new (NULL);
  gtk_string_list_append (list, _("All model types"));
  for (guint i = 0; self->model_types[i]; i++)
    {
      g_autofree char *label = ax_dashboard_page_model_type_label (self->model_types[i]);
      gtk_string_list_append (list, label);
      if (g_strcmp0 (keep, self->model_types[i]) == 0)
        new_selected = i + 1;
    }
  self->updating_types = TRUE;
  gtk_drop_down_set_model (self->type_dropdown, G_LIST_MODEL (list));
  gtk_drop_down_set_selected (self->type_dropdown, new_selected);
  self->updating_types = FALSE;
  /* The type asked for has gone: read again without it. */
  if (keep && new_selected == 0)
    schedule_reload (self);
}

static void
ax_dashboard_page_dispose (GObject *object)
{
  AxDashboardPage *self = AX_DASHBOARD_PAGE (object);

  if (self->project)
    g_signal_handlers_disconnect_by_data (self->project, self);
  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->reload_source, g_source_remove);
  g_clear_object (&self->project);
  g_clear_pointer (&self->dashboard, ax_dashboard_free);
  g_clear_pointer (&self->model_types, g_strfreev);
  /* AdwBin owns its child: no gtk_widget_dispose_template. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  G_OBJECT_CLASS (ax_dashboard_page_parent_class)->dispose (object);
}

static void
ax_dashboard_page_class_init (AxDashboardPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ax_dashboard_page_dispose;

  /* A new snapshot is shown. */
  signals[SIGNAL_LOADED] = g_signal_new ("loaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/auspex/Auspex/ui/ax-dashboard-page.ui");
#define CHILD(name) gtk_widget_class_bind_template_child (widget_class, AxDashboardPage, name)
  CHILD (headline);
  CHILD (range_dropdown);
  CHILD (type_dropdown);
  CHILD (severity_dropdown);
  CHILD (models_tile);
  CHILD (models_value);
  CHILD (models_detail);
  CHILD (predictions_tile);
  CHILD (predictions_value);
  CHILD (predictions_detail);
  CHILD (anomalies_tile);
  CHILD (anomalies_value);
  CHILD (anomalies_detail);
  CHILD (unresolved_tile);
  CHILD (unresolved_value);
  CHILD (unresolved_detail);
  CHILD (sources_tile);
  CHILD (sources_value);
  CHILD (sources_detail);
  CHILD (models_stack);
  CHILD (models_empty);
  CHILD (models_empty_title);
  CHILD (models_empty_description);
  CHILD (models_empty_button);
  CHILD (models_list);
  CHILD (models_chart_box);
  CHILD (anomalies_stack);
  CHILD (anomalies_empty);
  CHILD (anomalies_empty_title);
  CHILD (anomalies_empty_description);
  CHILD (anomalies_empty_button);
  CHILD (anomalies_list);
  CHILD (anomalies_none);
  CHILD (resolution_label);
  CHILD (resolution_bar);
  CHILD (severity_title);
  CHILD (severity_chart_box);
  CHILD (recent_title);
  CHILD (trends_stack);
  CHILD (trends_empty);
  CHILD (trends_empty_title);
  CHILD (trends_empty_description);
  CHILD (trends_empty_button);
  CHILD (volume_label);
  CHILD (volume_chart_box);
  CHILD (accuracy_label);
  CHILD (accuracy_chart_box);
#undef CHILD
}

static void
ax_dashboard_page_init (AxDashboardPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_drop_down_set_selected (self->range_dropdown, RANGE_ALL);
  g_signal_connect_swapped (self->range_dropdown, "notify::selected", G_CALLBACK (on_filter_changed), self);
  g_signal_connect_swapped (self->type_dropdown, "notify::selected", G_CALLBACK (on_filter_changed), self);
  g_signal_connect_swapped (self->severity_dropdown, "notify::selected", G_CALLBACK (on_filter_changed), self);
  ax_dashboard_page_init_cards (self);
}
