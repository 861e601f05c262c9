/* ax-anomalies-page.c — Anomalies page: detection configurations and the anomalies they found
 *
 * On the left the detections, each with its monitoring switch, "Run now"
 * and "Edit"; under them the progress of a run.  On the right the
 * anomalies, filtered by severity, status, detection and date range and
 * read in a thread, or one anomaly in detail (AxAnomalyDetail).  The page
 * also owns the project's AxScheduler and turns its new high and critical
 * anomalies into desktop notifications.
 */

#include "ax-config.h"
#include "ax-app-util.h"
#include "ax-anomalies-page.h"
#include "ax-anomaly-detail.h"
#include "ax-anomaly-item.h"
#include "ax-detect-job.h"
#include "ax-detection-editor.h"
#include "ax-window.h"

#include <glib/gi18n.h>
#include <math.h>

/* How often the scheduler looks for due detections. */
#define CHECK_INTERVAL_SECONDS 60

struct _AxAnomaliesPage {
  AdwBin           parent_instance;

  GtkStack        *stack;
  GtkListBox      *detections_list;
  GtkRevealer     *run_revealer;
  GtkLabel        *run_label;
  GtkProgressBar  *run_progress;
  GtkStack        *content_stack;
  GtkDropDown     *severity_filter;
  GtkDropDown     *status_filter;
  GtkDropDown     *detection_filter;
  GtkEntry        *since_entry;
  GtkEntry        *until_entry;
  GtkLabel        *count_label;
  GtkStack        *results_stack;
  GtkListView     *results_view;
  AdwStatusPage   *none_page;
  AxAnomalyDetail *detail;

  AxProject       *project;
  AxScheduler     *scheduler;
  GPtrArray       *detections;      /* AxDetectionInfo, as listed */
  GListStore      *results;         /* AxAnomalyItem */
  GCancellable    *load_cancellable;
  guint            load_serial;
  gboolean         loading;
  AxJob           *run;
  gint64           shown_anomaly;
  gboolean         filling;         /* filters being refilled: no reload */
};

G_DEFINE_FINAL_TYPE (AxAnomaliesPage, ax_anomalies_page, ADW_TYPE_BIN)

enum { ANOMALY_NOTIFIED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void reload (AxAnomaliesPage *self);
static void load_results (AxAnomaliesPage *self);

AxScheduler *
ax_anomalies_page_get_scheduler (AxAnomaliesPage *self)
{
  return self->scheduler;
}

GListModel *
ax_anomalies_page_get_results (AxAnomaliesPage *self)
{
  return G_LIST_MODEL (self->results);
}

gboolean
ax_anomalies_page_is_loading (AxAnomaliesPage *self)
{
  return self->loading;
}

AxJob *
ax_anomalies_page_get_run (AxAnomaliesPage *self)
{
  return self->run;
}

static const AxDetectionInfo *
find_detection (AxAnomaliesPage *self,
                gint64           id)
{
  for (guint i = 0; self->detections && i < self->detections->len; i++)
    if (((AxDetectionInfo *) self->detections->pdata[i])->id == id)
      return self->detections->pdata[i];
  return NULL;
}

/* Running a detection */

static void
update_run_actions (AxAnomaliesPage *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "anomalies.run", self->run == NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "anomalies.cancel-run", self->run != NULL);
}

static void
on_run_progress (AxAnomaliesPage *self)
{
  double fraction = ax_job_get_fraction (self->run);
  const char *detail = ax_job_get_detail (self->run);

  if (fraction < 0)
    gtk_progress_bar_pulse (self->run_progress);
  else
    gtk_progress_bar_set_fraction (self->run_progress, fraction);
  gtk_progress_bar_set_text (self->run_progress, detail && detail[0] ? detail : NULL);
}

static void
run_done (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(AxAnomaliesPage) self = user_data;
  AxJob *job = AX_JOB (source);
  g_autoptr(GError) error = NULL;

  g_signal_handlers_disconnect_by_data (job, self);
  if (!ax_job_run_finish (job, result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        ax_widget_toast (GTK_WIDGET (self), _("Detection cancelled; nothing was stored"));
      else
        ax_widget_show_error (GTK_WIDGET (self), _("Detection Failed"), error->message);
    }
  else
    {
      AxDetectResult *r = ax_detect_job_get_result (job);
      g_autofree char *message = NULL;

      if (r->anomalies->len == 0)
        message = g_strdup_printf (_("“%s” found no anomalies in %" G_GUINT64_FORMAT " rows"),
                                   r->detection_name, r->n_scored);
      else
        message = g_strdup_printf (ngettext ("“%s” found %u anomaly in %" G_GUINT64_FORMAT " rows",
                                             "“%s” found %u anomalies in %" G_GUINT64_FORMAT " rows",
                                             r->anomalies->len),
                                   r->detection_name, r->anomalies->len, r->n_scored);
      ax_widget_toast (GTK_WIDGET (self), message);
    }
  g_clear_object (&self->run);
  gtk_revealer_set_reveal_child (self->run_revealer, FALSE);
  update_run_actions (self);
  if (self->project)
    ax_project_changed (self->project);
}

static void
start_run (AxAnomaliesPage *self,
           const char      *config_json)
{
  g_autoptr(AxDetectionConfig) config = ax_detection_config_from_json (config_json, NULL);
  g_autofree char *label = NULL;

  if (self->run || self->project == NULL)
    return;
  self->run = ax_detect_job_new (ax_project_get_path (self->project), config_json, NULL);
  label = g_strdup_printf (_("Running “%s”…"), config ? config->detection_name : "");
  gtk_label_set_text (self->run_label, label);
  gtk_progress_bar_set_fraction (self->run_progress, 0);
  gtk_progress_bar_set_text (self->run_progress, NULL);
  gtk_revealer_set_reveal_child (self->run_revealer, TRUE);
  g_signal_connect_swapped (self->run, "notify::fraction", G_CALLBACK (on_run_progress), self);
  g_signal_connect_swapped (self->run, "notify::detail", G_CALLBACK (on_run_progress), self);
  update_run_actions (self);
  ax_job_run_async (self->run, run_done, g_object_ref (self));
}

static void
run_activated (GtkWidget  *widget,
               const char *action,
               GVariant   *param)
{
  AxAnomaliesPage *self = AX_ANOMALIES_PAGE (widget);
  const AxDetectionInfo *info = find_detection (self, g_variant_get_int64 (param));

  if (info)
    start_run (self, info->config);
}

static void
cancel_run_activated (GtkWidget  *widget,
                      const char *action,
                      GVariant   *param)
{
  AxAnomaliesPage *self = AX_ANOMALIES_PAGE (widget);

  if (self->run)
    ax_job_cancel (self->run);
}

static void
on_editor_saved (AxAnomaliesPage *self,
                 const char      *config_json)
{
  start_run (self, config_json);
}

static void
open_editor (AxAnomaliesPage *self,
             const char      *config_json)
{
  AxDetectionEditor *editor;

  if (self->project == NULL)
    return;
  editor = ax_detection_editor_new (ax_widget_get_window (GTK_WIDGET (self)), self->project, config_json);
  g_signal_connect_object (editor, "saved", G_CALLBACK (on_editor_saved), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (editor));
}

static void
new_activated (GtkWidget  *widget,
               const char *action,
               GVariant   *param)
{
  AxAnomaliesPage *self = AX_ANOMALIES_PAGE (widget);
  g_autoptr(GPtrArray) datasets = self->project ? ax_project_list_datasets (self->project, NULL) : NULL;

  if (datasets == NULL || datasets->len == 0)
    {
      ax_widget_toast (GTK_WIDGET (self), _("Import a dataset first: a detection watches a dataset's columns"));
      return;
    }
  open_editor (self, NULL);
}

static void
edit_activated (GtkWidget  *widget,
                const char *action,
                GVariant   *param)
{
  AxAnomaliesPage *self = AX_ANOMALIES_PAGE (widget);
  const AxDetectionInfo *info = find_detection (self, g_variant_get_int64 (param));

  if (info)
    open_editor (self, info->config);
}

/* The detections */

static void
on_enabled_changed (GtkSwitch       *sw,
                    GParamSpec      *pspec,
                    AxAnomaliesPage *self)
{
  gint64 id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (sw), "ax-id"));
  g_autoptr(GError) error = NULL;

  if (self->project == NULL)
    return;
  if (!ax_store_set_detection_enabled (ax_project_get_store (self->project), id,
                                       gtk_switch_get_active (sw), &error))
    {
      ax_widget_show_error (GTK_WIDGET (self), _("Could Not Change Monitoring"), error->message);
      return;
    }
  ax_widget_toast (GTK_WIDGET (self), gtk_switch_get_active (sw) ? _("Monitoring on: the detection runs at its frequency")
                                          : _("Monitoring off: the detection runs only when you run it"));
}

static const char *
frequency_label (const char *config_json)
{
  g_autoptr(AxDetectionConfig) config = ax_detection_config_from_json (config_json, NULL);
  const char *f = config ? config->detection_frequency : NULL;

  if (g_strcmp0 (f, "hourly") == 0) return _("hourly");
  if (g_strcmp0 (f, "daily") == 0) return _("daily");
  if (g_strcmp0 (f, "weekly") == 0) return _("weekly");
  if (g_strcmp0 (f, "monthly") == 0) return _("monthly");
  return _("by hand");
}

static GtkWidget *
detection_row (AxAnomaliesPage       *self,
               const AxDetectionInfo *info)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *sw = gtk_switch_new ();
  GtkWidget *run = gtk_button_new_from_icon_name ("media-playback-start-symbolic");
  GtkWidget *edit = gtk_button_new_from_icon_name ("document-edit-symbolic");
  g_autofree char *subtitle = NULL;
  g_autofree char *a11y = NULL;

  subtitle = g_strdup_printf (ngettext ("%s · %s · %" G_GINT64_FORMAT " open",
                                        "%s · %s · %" G_GINT64_FORMAT " open", (gulong) info->n_open),
                              info->dataset, frequency_label (info->config), info->n_open);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), info->name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);

  gtk_switch_set_active (GTK_SWITCH (sw), info->enabled);
  gtk_widget_set_valign (sw, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (sw, _("Monitor: run at its frequency while Auspex is open"));
  a11y = g_strdup_printf (_("Monitor “%s”"), info->name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (sw), GTK_ACCESSIBLE_PROPERTY_LABEL, a11y, -1);
  g_object_set_data (G_OBJECT (sw), "ax-id", GSIZE_TO_POINTER ((gsize) info->id));
  g_signal_connect (sw, "notify::active", G_CALLBACK (on_enabled_changed), self);

  gtk_widget_set_valign (run, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (run, "flat");
  gtk_widget_set_tooltip_text (run, _("Run Now"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (run), "anomalies.run");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (run), "x", info->id);

  gtk_widget_set_valign (edit, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (edit, "flat");
  gtk_widget_set_tooltip_text (edit, _("Edit Configuration"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (edit), "anomalies.edit");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (edit), "x", info->id);

  adw_action_row_add_suffix (ADW_ACTION_ROW (row), run);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), edit);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), sw);
  g_object_set_data (G_OBJECT (row), "ax-id", GSIZE_TO_POINTER ((gsize) info->id));
  gtk_widget_set_name (row, info->name);
  return row;
}

static void
fill_detection_filter (AxAnomaliesPage *self)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  GtkStringObject *old = gtk_drop_down_get_selected_item (self->detection_filter);
  g_autofree char *keep = old && gtk_drop_down_get_selected (self->detection_filter) > 0
                          ? g_strdup (gtk_string_object_get_string (old)) : NULL;

  self->filling = TRUE;
  gtk_string_list_append (names, _("Any detection"));
  for (guint i = 0; i < self->detections->len; i++)
    gtk_string_list_append (names, ((AxDetectionInfo *) self->detections->pdata[i])->name);
  gtk_drop_down_set_model (self->detection_filter, G_LIST_MODEL (names));
  gtk_drop_down_set_selected (self->detection_filter, 0);
  for (guint i = 0; keep && i < self->detections->len; i++)
    if (g_strcmp0 (((AxDetectionInfo *) self->detections->pdata[i])->name, keep) == 0)
      gtk_drop_down_set_selected (self->detection_filter, i + 1);
  self->filling = FALSE;
}

static void
reload (AxAnomaliesPage *self)
{
  g_autoptr(GError) error = NULL;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->detections_list))))
    gtk_list_box_remove (self->detections_list, child);
  g_clear_pointer (&self->detections, g_ptr_array_unref);
  if (self->project == NULL)
    {
      g_list_store_remove_all (self->results);
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }
  self->detections = ax_store_list_detections (ax_project_get_store (self->project), &error);
  if (self->detections == NULL)
    {
      self->detections = g_ptr_array_new_with_free_func ((GDestroyNotify) ax_detection_info_free);
      ax_widget_toast (GTK_WIDGET (self), error->message);
    }
  for (guint i = 0; i < self->detections->len; i++)
    gtk_list_box_append (self->detections_list, detection_row (self, self->detections->pdata[i]));
  fill_detection_filter (self);
  gtk_stack_set_visible_child_name (self->stack, self->detections->len > 0 ? "main" : "empty");
  load_results (self);
  /* A verdict changes the anomaly shown: show it as it is now. */
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->content_stack), "detail") == 0 &&
      ax_anomaly_detail_get_id (self->detail) > 0)
    {
      g_autoptr(AxAnomalyRecord) now = ax_store_get_anomaly (ax_project_get_store (self->project),
                                                             ax_anomaly_detail_get_id (self->detail), NULL);
      const AxAnomalyRecord *shown = ax_anomaly_detail_get_record (self->detail);
      if (now == NULL)
        gtk_stack_set_visible_child_name (self->content_stack, "results");
      else if (shown && now->status != shown->status)
        ax_anomaly_detail_show (self->detail, self->project, now->id);
    }
}

/* Behind another view, the page reads the project when it is shown. */
static void
project_changed (AxAnomaliesPage *self)
{
  ax_widget_reload_when_shown (GTK_WIDGET (self), (AxReloadFunc) reload);
}

/* The anomalies, read in a thread */

typedef struct {
  char            *path;
  AxAnomalyFilter  filter;
  GPtrArray       *records;
  guint            serial;
} Load;

static void
load_free (gpointer p)
{
  Load *l = p;

  g_free (l->path);
  g_clear_pointer (&l->records, g_ptr_array_unref);
  g_free (l);
}

static void
load_thread (GTask        *task,
             gpointer      source,
             gpointer      data,
             GCancellable *cancellable)
{
  Load *l = data;
  GError *error = NULL;

  l->records = ax_detect_list_anomalies (l->path, NULL, &l->filter, &error);
  if (l->records == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
set_none_text (AxAnomaliesPage *self,
               gboolean         filtered)
{
  gboolean any_run = FALSE;

  for (guint i = 0; self->detections && i < self->detections->len; i++)
    any_run |= ((AxDetectionInfo *) self->detections->pdata[i])->n_runs > 0;
  adw_status_page_set_description (self->none_page,
                                   filtered ? _("No anomaly matches these filters; widen them to see more")
                                   : any_run ? _("The detections have found nothing unusual so far")
                                   : _("Run a detection to look for anomalies"));
}

static void
load_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  AxAnomaliesPage *self = AX_ANOMALIES_PAGE (source);
  Load *l = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autofree char *count = NULL;
  gboolean filtered;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && l->serial == self->load_serial)
        {
          self->loading = FALSE;
          ax_widget_toast (GTK_WIDGET (self), error->message);
        }
      return;
    }
  if (l->serial != self->load_serial)
    return;
  self->loading = FALSE;
  items = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < l->records->len; i++)
    g_ptr_array_add (items, ax_anomaly_item_new (g_steal_pointer (&l->records->pdata[i])));
  g_list_store_splice (self->results, 0, g_list_model_get_n_items (G_LIST_MODEL (self->results)),
                       items->pdata, items->len);
  filtered = l->filter.severity >= 0 || l->filter.status >= 0 || l->filter.detection_id > 0 ||
             !isnan (l->filter.since) || !isnan (l->filter.until);
  count = g_strdup_printf (ngettext ("%u anomaly", "%u anomalies", items->len), items->len);
  gtk_label_set_text (self->count_label, count);
  set_none_text (self, filtered);
  gtk_stack_set_visible_child_name (self->results_stack, items->len > 0 ? "list" : "none");
}

/* Reads a date entry into *@out (NAN when empty); marks it when it does
 * not read. */
static gboolean
read_date (GtkEntry *entry,
           gboolean  end,
           double   *out)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));

  *out = NAN;
  gtk_widget_remove_css_class (GTK_WIDGET (entry), "error");
  if (text[0] == '\0')
    return TRUE;
  if (ax_detect_parse_time (text, end, out))
    return TRUE;
  gtk_widget_add_css_class (GTK_WIDGET (entry), "error");
  return FALSE;
}

static void
load_results (AxAnomaliesPage *self)
{
  g_autoptr(GTask) task = NULL;
  guint severity = gtk_drop_down_get_selected (self->severity_filter);
  guint status = gtk_drop_down_get_selected (self->status_filter);
  guint detection = gtk_drop_down_get_selected (self->detection_filter);
  Load *l;

  if (self->project == NULL || self->filling)
    return;
  l = g_new0 (Load, 1);
  ax_anomaly_filter_init (&l->filter);
  if (!read_date (self->since_entry, FALSE, &l->filter.since) ||
      !read_date (self->until_entry, TRUE, &l->filter.until))
    {
      load_free (l);
      return;
    }
  if (severity > 0 && severity != GTK_INVALID_LIST_POSITION)
    l->filter.severity = (int) severity;     /* 1 = low ... 4 = critical, as AxSeverity */
  if (status > 0 && status != GTK_INVALID_LIST_POSITION)
    l->filter.status = (int) status - 1;     /* as AxAnomalyStatus */
  if (detection > 0 && detection != GTK_INVALID_LIST_POSITION && detection - 1 < self->detections->len)
    l->filter.detection_id = ((AxDetectionInfo *) self->detections->pdata[detection - 1])->id;
  l->path = g_strdup (ax_project_get_path (self->project));
  l->serial = ++self->load_serial;
  self->loading = TRUE;

  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  self->load_cancellable = g_cancellable_new ();
  task = g_task_new (self, self->load_cancellable, load_done, NULL);
  g_task_set_task_data (task, l, load_free);
  g_task_run_in_thread (task, load_thread);
}

/* Rows of the anomalies list */

static void
setup_row (GtkSignalListItemFactory *factory,
           GtkListItem              *list_item,
           gpointer                  data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *badge = gtk_label_new (NULL);
  GtkWidget *texts = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *title = gtk_label_new (NULL);
  GtkWidget *subtitle = gtk_label_new (NULL);
  GtkWidget *score = gtk_label_new (NULL);
  GtkWidget *status = gtk_label_new (NULL);

  gtk_widget_add_css_class (badge, "severity-badge");
  gtk_widget_set_valign (badge, GTK_ALIGN_CENTER);
  gtk_widget_set_size_request (badge, 76, -1);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (subtitle), 0);
  gtk_label_set_ellipsize (GTK_LABEL (subtitle), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (subtitle, "dim-label");
  gtk_widget_add_css_class (subtitle, "caption");
  gtk_widget_set_hexpand (texts, TRUE);
  gtk_widget_set_valign (texts, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (texts), title);
  gtk_box_append (GTK_BOX (texts), subtitle);
  gtk_widget_add_css_class (score, "numeric");
  gtk_widget_set_tooltip_text (score, _("Anomaly score"));
  gtk_widget_set_size_request (status, 110, -1);
  gtk_label_set_xalign (GTK_LABEL (status), 1);
  gtk_widget_add_css_class (status, "dim-label");
  gtk_box_append (GTK_BOX (box), badge);
  gtk_box_append (GTK_BOX (box), texts);
  gtk_box_append (GTK_BOX (box), score);
  gtk_box_append (GTK_BOX (box), status);
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_list_item_set_child (list_item, box);
}

static void
bind_row (GtkSignalListItemFactory *factory,
          GtkListItem              *list_item,
          gpointer                  data)
{
  AxAnomalyItem *item = gtk_list_item_get_item (list_item);
  const AxAnomalyRecord *r = ax_anomaly_item_get_record (item);
  GtkWidget *box = gtk_list_item_get_child (list_item);
  GtkWidget *badge = gtk_widget_get_first_child (box);
  GtkWidget *texts = gtk_widget_get_next_sibling (badge);
  GtkWidget *score = gtk_widget_get_next_sibling (texts);
  GtkWidget *status = gtk_widget_get_next_sibling (score);
  g_autofree char *title = ax_anomaly_item_dup_title (item);
  g_autofree char *subtitle = ax_anomaly_item_dup_subtitle (item);
  g_autofree char *score_text = g_strdup_printf ("%.2f", r->score);

  for (guint s = AX_SEVERITY_NONE; s <= AX_SEVERITY_CRITICAL; s++)
    gtk_widget_remove_css_class (badge, ax_severity_css_class (s));
  gtk_widget_add_css_class (badge, ax_severity_css_class (r->severity));
  gtk_label_set_text (GTK_LABEL (badge), ax_severity_label (r->severity));
  gtk_label_set_text (GTK_LABEL (gtk_widget_get_first_child (texts)), title);
  gtk_label_set_text (GTK_LABEL (gtk_widget_get_last_child (texts)), subtitle);
  gtk_label_set_text (GTK_LABEL (score), score_text);
  gtk_label_set_text (GTK_LABEL (status), ax_anomaly_status_label (r->status));
}

static void
on_result_activated (GtkListView     *view,
                     guint            position,
                     AxAnomaliesPage *self)
{
  g_autoptr(AxAnomalyItem) item = g_list_model_get_item (G_LIST_MODEL (self->results), position);

  if (item)
    ax_anomalies_page_show_anomaly (self, ax_anomaly_item_get_record (item)->id);
}

void
ax_anomalies_page_show_anomaly (AxAnomaliesPage *self,
                                gint64           id)
{
  g_return_if_fail (AX_IS_ANOMALIES_PAGE (self));

  self->shown_anomaly = id;
  if (self->project == NULL)
    return;
  gtk_stack_set_visible_child_name (self->stack, "main");
  ax_anomaly_detail_show (self->detail, self->project, id);
  if (ax_anomaly_detail_get_id (self->detail) == id)
    gtk_stack_set_visible_child_name (self->content_stack, "detail");
  else
    ax_widget_toast (GTK_WIDGET (self), _("That anomaly is no longer in the project"));
}

static void
on_detail_back (AxAnomaliesPage *self)
{
  gtk_stack_set_visible_child_name (self->content_stack, "results");
  gtk_widget_grab_focus (GTK_WIDGET (self->results_view));
}

/* The scheduler and notifications */

static void
notify_anomalies (AxAnomaliesPage *self,
                  const char      *detection_name,
                  GPtrArray       *anomalies)
{
  GApplication *app = g_application_get_default ();
  AxAnomalyRecord *top = NULL;
  guint n_serious = 0;
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;
  g_autofree char *cause = NULL;
  g_autofree char *id = NULL;

  for (guint i = 0; i < anomalies->len; i++)
    {
      AxAnomalyRecord *a = anomalies->pdata[i];
      if (a->severity < AX_SEVERITY_HIGH)
        continue;
      n_serious++;
      /* Most severe first, as the run returns them. */
      if (top == NULL)
        top = a;
    }
  if (top == NULL)
    return;
  cause = ax_anomaly_record_top_cause (top);
  title = g_strdup_printf (_("%s anomaly in “%s”"), ax_severity_label (top->severity), detection_name);
  if (n_serious > 1)
    body = g_strdup_printf (ngettext ("%s, and %u more high or critical anomaly",
                                      "%s, and %u more high or critical anomalies", n_serious - 1),
                            cause ? cause : top->dataset, n_serious - 1);
  else
    body = g_strdup (cause ? cause : top->dataset);
  notification = g_notification_new (title);
  g_notification_set_body (notification, body);
  g_notification_set_priority (notification, top->severity == AX_SEVERITY_CRITICAL
                               ? G_NOTIFICATION_PRIORITY_HIGH : G_NOTIFICATION_PRIORITY_NORMAL);
  g_notification_set_default_action_and_target (notification, "app.show-anomaly", "(sx)",
                                                ax_project_get_path (self->project), top->id);
  g_notification_add_button_with_target (notification, _("Open"), "app.show-anomaly", "(sx)",
                                         ax_project_get_path (self->project), top->id);
  /* One per detection: a newer run's replaces an older one's. */
  id = g_strdup_printf ("anomaly-%s-%s", ax_project_get_path (self->project), detection_name);
  if (app)
    g_application_send_notification (app, id, notification);
  g_signal_emit (self, signals[ANOMALY_NOTIFIED], 0, top->id);
}

static void
on_scheduled_detection (AxScheduler     *scheduler,
                        gint64           detection_id,
                        const char      *detection_name,
                        GPtrArray       *anomalies,
                        AxAnomaliesPage *self)
{
  if (self->project == NULL)
    return;
  ax_project_changed (self->project);
  notify_anomalies (self, detection_name, anomalies);
}

static void
on_scheduled_retrain (AxScheduler     *scheduler,
                      gint64           model_id,
                      const char      *model_name,
                      guint            version,
                      const char      *why,
                      AxAnomaliesPage *self)
{
  g_autofree char *text = g_strdup_printf (_("“%s” was retrained: version %u"), model_name, version);

  if (self->project == NULL)
    return;
  ax_project_changed (self->project);
  ax_widget_toast (GTK_WIDGET (self), text);
}

static void
on_scheduled_failure (AxScheduler     *scheduler,
                      const char      *what,
                      const char      *message,
                      AxAnomaliesPage *self)
{
  g_autofree char *text = g_strdup_printf (_("%s could not run: %s"), what, message);

  ax_widget_toast (GTK_WIDGET (self), text);
}

static void
stop_scheduler (AxAnomaliesPage *self)
{
  if (self->scheduler == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->scheduler, self);
  ax_scheduler_start (self->scheduler, 0);
  ax_scheduler_cancel (self->scheduler);
  g_clear_object (&self->scheduler);
}

static void
on_project_path (AxAnomaliesPage *self)
{
  if (self->scheduler && self->project)
    ax_scheduler_set_project_path (self->scheduler, ax_project_get_path (self->project));
}

void
ax_anomalies_page_set_project (AxAnomaliesPage *self,
                               AxProject *project)
{
  g_return_if_fail (AX_IS_ANOMALIES_PAGE (self));

  if (self->project == project)
    return;
  if (self->project)
    g_signal_handlers_disconnect_by_data (self->project, self);
  stop_scheduler (self);
  if (self->run)
    ax_job_cancel (self->run);
  g_set_object (&self->project, project);
  gtk_stack_set_visible_child_name (self->content_stack, "results");
  if (project)
    {
      g_signal_connect_swapped (project, "changed", G_CALLBACK (project_changed), self);
      g_signal_connect_swapped (project, "notify::path", G_CALLBACK (on_project_path), self);
      self->scheduler = ax_scheduler_new (ax_project_get_path (project));
      g_signal_connect (self->scheduler, "detection-finished", G_CALLBACK (on_scheduled_detection), self);
      g_signal_connect (self->scheduler, "model-retrained", G_CALLBACK (on_scheduled_retrain), self);
      g_signal_connect (self->scheduler, "failed", G_CALLBACK (on_scheduled_failure), self);
      ax_scheduler_start (self->scheduler, CHECK_INTERVAL_SECONDS);
    }
  reload (self);
}

static void
on_filter_changed (AxAnomaliesPage *self)
{
  load_results (self);
}

static void
ax_anomalies_page_dispose (GObject *object)
{
  AxAnomaliesPage *self = AX_ANOMALIES_PAGE (object);

  if (self->project)
    g_signal_handlers_disconnect_by_data (self->project, self);
  stop_scheduler (self);
  if (self->run)
    ax_job_cancel (self->run);
  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  g_clear_object (&self->project);
  g_clear_pointer (&self->detections, g_ptr_array_unref);
  /* AdwBin owns its child: no gtk_widget_dispose_template. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  G_OBJECT_CLASS (ax_anomalies_page_parent_class)->dispose (object);
}

static void
ax_anomalies_page_finalize (GObject *object)
{
  AxAnomaliesPage *self = AX_ANOMALIES_PAGE (object);

  g_clear_object (&self->results);
  G_OBJECT_CLASS (ax_anomalies_page_parent_class)->finalize (object);
}

static void
ax_anomalies_page_class_init (AxAnomaliesPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ax_anomalies_page_dispose;
  object_class->finalize = ax_anomalies_page_finalize;
  signals[ANOMALY_NOTIFIED] = g_signal_new ("anomaly-notified", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                            0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);

  g_type_ensure (AX_TYPE_ANOMALY_DETAIL);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/auspex/Auspex/ui/ax-anomalies-page.ui");
  gtk_widget_class_bind_template_child (widget_class, AxAnomaliesPage, stack);
  gtk_widget_class_bind_template_child (widget_class, AxAnomaliesPage, detections_list);
  gtk_widget_class_bind_template_child (widget_class, AxAnomaliesPage, run_revealer);
  gtk_widget_class_bind_template_child (widget_class, AxAnomaliesPage, run_label);
  gtk_widget_class_bind_template_child (widget_class, AxAnomaliesPage, run_progress);
  gtk_widget_class_bind_template_child (widget_class, AxAnomaliesPage, content_stack);
  gtk_widget_class_bind_template_child (widget_class, AxAnomaliesPage, severity_filter);
  gtk_widget_class_bind_template_child (widget_class, AxAnomaliesPage, status_filter);
  gtk_widget_class_bind_template_child (widget_class, AxAnomaliesPage, detection_filter);
  gtk_widget_class_bind_template_child (widget_class, AxAnomaliesPage, since_entry);
  gtk_widget_class_bind_template_child (widget_class, AxAnomaliesPage, until_entry);
  gtk_widget_class_bind_template_child (widget_class, AxAnomaliesPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, AxAnomaliesPage, results_stack);
  gtk_widget_class_bind_template_child (widget_class, AxAnomaliesPage, results_view);
  gtk_widget_class_bind_template_child (widget_class, AxAnomaliesPage, none_page);
  gtk_widget_class_bind_template_child (widget_class, AxAnomaliesPage, detail);

  gtk_widget_class_install_action (widget_class, "anomalies.new", NULL, new_activated);
  gtk_widget_class_install_action (widget_class, "anomalies.run", "x", run_activated);
  gtk_widget_class_install_action (widget_class, "anomalies.edit", "x", edit_activated);
  gtk_widget_class_install_action (widget_class, "anomalies.cancel-run", NULL, cancel_run_activated);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_d, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "anomalies.new", NULL);
}

static void
ax_anomalies_page_init (AxAnomaliesPage *self)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkNoSelection) selection = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->results = g_list_store_new (AX_TYPE_ANOMALY_ITEM);
  selection = gtk_no_selection_new (G_LIST_MODEL (g_object_ref (self->results)));
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row), NULL);
  gtk_list_view_set_factory (self->results_view, factory);
  g_object_unref (factory);
  gtk_list_view_set_model (self->results_view, GTK_SELECTION_MODEL (selection));
  g_signal_connect (self->results_view, "activate", G_CALLBACK (on_result_activated), self);
  g_signal_connect_swapped (self->detail, "back", G_CALLBACK (on_detail_back), self);
  g_signal_connect_swapped (self->severity_filter, "notify::selected", G_CALLBACK (on_filter_changed), self);
  g_signal_connect_swapped (self->status_filter, "notify::selected", G_CALLBACK (on_filter_changed), self);
  g_signal_connect_swapped (self->detection_filter, "notify::selected", G_CALLBACK (on_filter_changed), self);
  g_signal_connect_swapped (self->since_entry, "activate", G_CALLBACK (on_filter_changed), self);
  g_signal_connect_swapped (self->until_entry, "activate", G_CALLBACK (on_filter_changed), self);
  update_run_actions (self);
}
