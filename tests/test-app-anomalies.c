/* test-app-anomalies.c — the anomalies page under Xvfb
 *
 * On a fresh project holding the shipped Chicago ridership data: sets up
 * a detection through the editor's widgets (a wrong threshold first, which
 * the editor names), runs it, filters the anomalies, opens one, resolves
 * one and marks another a false positive (checked in the project), and
 * lets the scheduler run the detection when its clock says it is due,
 * which raises a notification that opens the anomaly.  Screenshots of each
 * step go to tests/screenshots/anomalies-*.png.
 */

#include "ax-config.h"

#include <glib/gstdio.h>
#include <adwaita.h>
#include <math.h>
#include <sqlite3.h>

#include "ax-anomalies-page.h"
#include "ax-anomaly-detail.h"
#include "ax-anomaly-item.h"
#include "ax-application.h"
#include "ax-detection-editor.h"
#include "ax-import.h"
#include "ax-project.h"
#include "ax-store-anomalies.h"
#include "ax-store-datasets.h"
#include "ax-window.h"
#include "ax-dashboard-page.h"
#include "ax-app-test-util.h"

static char *tmpdir;

static guint
n_results (AxAnomaliesPage *page)
{
  return g_list_model_get_n_items (ax_anomalies_page_get_results (page));
}

static const AxAnomalyRecord *
result_at (AxAnomaliesPage *page,
           guint            i)
{
  g_autoptr(AxAnomalyItem) item = g_list_model_get_item (ax_anomalies_page_get_results (page), i);
  /* The list store keeps the item alive. */
  return ax_anomaly_item_get_record (item);
}

static void
wait_loaded (AxAnomaliesPage *page)
{
  wait_ms (20);
  WAIT_FOR (!ax_anomalies_page_is_loading (page), 10000);
  g_assert_false (ax_anomalies_page_is_loading (page));
}

static GtkWidget *
template_child (gpointer    widget,
                GType       type,
                const char *name)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (widget), type, name);
  g_assert_nonnull (child);
  return GTK_WIDGET (child);
}

/* Writes chicago.csv: the shipped data with ridership at row @row set to
 * @value (thousands). */
static char *
write_chicago (const char *name,
               guint       row,
               const char *value)
{
  g_autofree char *src = g_build_filename (g_getenv ("AX_DATASETS"), "chicago_ridership.csv", NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  char *path = g_build_filename (tmpdir, name, NULL);

  g_assert_true (g_file_get_contents (src, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      if (lines[i][0] == '\0')
        continue;
      if (value && i == row + 1)
        {
          g_auto(GStrv) f = g_strsplit (lines[i], ",", -1);
          g_free (f[1]);
          f[1] = g_strdup (value);
          g_autofree char *joined = g_strjoinv (",", f);
          g_string_append_printf (out, "%s\n", joined);
        }
      else
        g_string_append_printf (out, "%s\n", lines[i]);
    }
  g_assert_true (g_file_set_contents (path, out->str, (gssize) out->len, NULL));
  return path;
}

static void
import_chicago (const char *project,
                const char *csv)
{
  g_autoptr(GFile) file = g_file_new_for_path (csv);
  g_autoptr(GError) error = NULL;
  AxImportOptions options = { .name = "chicago" };
  AxImportResult result = { 0 };

  g_assert_true (ax_import_file (project, file, &options, NULL, NULL, NULL, &result, &error));
  g_assert_no_error (error);
  ax_import_result_clear (&result);
}

static AdwMessageDialog *
wait_message_dialog (void)
{
  AdwMessageDialog *dialog = NULL;

  WAIT_FOR ((dialog = find_toplevel (ADW_TYPE_MESSAGE_DIALOG)) != NULL, 10000);
  g_assert_nonnull (dialog);
  wait_ms (300);
  return dialog;
}

static GDateTime *
later_now (gpointer data)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  return g_date_time_add_days (now, 2);
}

static void
on_notified (AxAnomaliesPage *page,
             gint64           id,
             gint64          *out)
{
  *out = id;
}

static void
on_check_finished (AxScheduler *scheduler,
                   guint        n_done,
                   guint       *out)
{
  *out = n_done + 1;
}

/* A notification server of our own on the test's session bus, so that the
 * notification is seen as the desktop would see it. */
static const char notifications_xml[] =
  "<node><interface name='org.freedesktop.Notifications'>"
  "<method name='Notify'><arg type='s' direction='in'/><arg type='u' direction='in'/>"
  "<arg type='s' direction='in'/><arg type='s' direction='in'/><arg type='s' direction='in'/>"
  "<arg type='as' direction='in'/><arg type='a{sv}' direction='in'/><arg type='i' direction='in'/>"
  "<arg type='u' direction='out'/></method>"
  "<method name='CloseNotification'><arg type='u' direction='in'/></method>"
  "<method name='GetCapabilities'><arg type='as' direction='out'/></method>"
  "<method name='GetServerInformation'><arg type='s' direction='out'/><arg type='s' direction='out'/>"
  "<arg type='s' direction='out'/><arg type='s' direction='out'/></method>"
  "</interface></node>";

static char *notified_summary;

static void
notifications_call (GDBusConnection       *connection,
                    const char            *sender,
                    const char            *path,
                    const char            *interface,
                    const char            *method,
                    GVariant              *params,
                    GDBusMethodInvocation *invocation,
                    gpointer               data)
{
  if (g_str_equal (method, "Notify"))
    {
      const char *summary = NULL;
      g_variant_get_child (params, 3, "&s", &summary);
      g_free (notified_summary);
      notified_summary = g_strdup (summary);
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(u)", 1));
    }
  else if (g_str_equal (method, "GetCapabilities"))
    {
      const char *caps[] = { "actions", "body", NULL };
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(^as)", caps));
    }
  else if (g_str_equal (method, "GetServerInformation"))
    g_dbus_method_invocation_return_value (invocation, g_variant_new ("(ssss)", "test", "auspex", "1", "1.2"));
  else
    g_dbus_method_invocation_return_value (invocation, NULL);
}

static void
start_notification_server (void)
{
  static const GDBusInterfaceVTable vtable = { notifications_call, NULL, NULL, { 0 } };
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (notifications_xml, &error);
  GDBusConnection *bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  GVariant *reply;

  g_assert_no_error (error);
  g_dbus_connection_register_object (bus, "/org/freedesktop/Notifications", info->interfaces[0],
                                     &vtable, NULL, NULL, &error);
  g_assert_no_error (error);
  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "RequestName",
                                       g_variant_new ("(su)", "org.freedesktop.Notifications", 4),
                                       NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
  g_variant_unref (reply);
}

static gint64
sql_count (const char *path,
           const char *query)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 n = -1;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, query, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

static void
test_anomalies_workflow (void)
{
  g_autofree char *project_path = g_build_filename (tmpdir, "Ridership.auspex", NULL);
  g_autofree char *csv = write_chicago ("chicago.csv", 0, NULL);
  g_autoptr(GFile) project_file = g_file_new_for_path (project_path);
  g_autoptr(GError) error = NULL;
  AxWindow *window;
  AxAnomaliesPage *page;
  AxDetectionEditor *editor;
  AxAnomalyDetail *detail;
  AxProject *project;
  gint64 resolved_id, false_id, notified = 0, n_found;
  AxDashboardPage *dashboard;
  guint checked = 0;

  {
    g_autoptr(AxProject) p = ax_project_create (project_path, &error);
    g_assert_no_error (error);
  }
  import_chicago (project_path, csv);

  window = ax_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (window)), 5000);
  ax_window_open_file (window, project_file);
  project = ax_window_get_project (window);
  g_assert_nonnull (project);
  ax_window_show_page (window, "anomalies");
  page = AX_ANOMALIES_PAGE (ax_window_get_page (window, "anomalies"));
  g_assert_nonnull (ax_anomalies_page_get_scheduler (page));
  wait_ms (500);
  screenshot (GTK_WIDGET (window), "anomalies-empty.png");

  /* The editor, filled in through its widgets. */
  gtk_widget_activate_action (GTK_WIDGET (page), "anomalies.new", NULL);
  WAIT_FOR ((editor = find_toplevel (AX_TYPE_DETECTION_EDITOR)) != NULL, 5000);
  g_assert_nonnull (editor);
  {
    GtkWidget *w;
    const AxDetector *const *detectors = ax_detector_list ();
    guint seasonal = 0;

    gtk_editable_set_text (GTK_EDITABLE (ax_detection_editor_get_field (editor, "detection_name")), "Ridership watch");
    adw_combo_row_set_selected (ADW_COMBO_ROW (ax_detection_editor_get_field (editor, "anomaly_type")),
                                AX_ANOMALY_OPERATIONAL);
    gtk_editable_set_text (GTK_EDITABLE (ax_detection_editor_get_field (editor, "description")),
                           "Daily CTA rides against the weekly and yearly pattern");
    for (guint i = 0; detectors[i]; i++)
      if (g_str_equal (detectors[i]->name, "seasonal"))
        seasonal = i;
    adw_combo_row_set_selected (ADW_COMBO_ROW (ax_detection_editor_get_field (editor, "algorithm")), seasonal);
    /* The seasonal detector's own settings appear, from its specs. */
    g_assert_nonnull (ax_detection_editor_get_field (editor, "detection_config.periods"));
    g_assert_null (ax_detection_editor_get_field (editor, "detection_config.n_estimators"));
    w = ax_detection_editor_get_field (editor, "detection_config.threshold");
    g_assert_true (GTK_IS_SPIN_BUTTON (w));
    gtk_spin_button_set_value (GTK_SPIN_BUTTON (w), 4.0);
    w = ax_detection_editor_get_field (editor, "monitored_metrics.ridership");
    g_assert_true (GTK_IS_CHECK_BUTTON (w));
    gtk_check_button_set_active (GTK_CHECK_BUTTON (w), TRUE);
    /* The date column is picked as the time column. */
    {
      AdwComboRow *time_row = ADW_COMBO_ROW (ax_detection_editor_get_field (editor, "time_column"));
      GtkStringObject *o = adw_combo_row_get_selected_item (time_row);
      g_assert_cmpstr (gtk_string_object_get_string (o), ==, "date");
    }
    /* High below medium: refused, naming the field. */
    w = ax_detection_editor_get_field (editor, "threshold_config.severity_thresholds.high");
    gtk_spin_button_set_value (GTK_SPIN_BUTTON (w), 0.6);
    gtk_widget_activate_action (GTK_WIDGET (editor), "editor.save", NULL);
    g_assert_nonnull (ax_detection_editor_get_error (editor));
    g_assert_true (g_str_has_prefix (ax_detection_editor_get_error (editor),
                                     "threshold_config.severity_thresholds.high"));
    g_assert_true (gtk_widget_has_css_class (gtk_widget_get_ancestor (w, ADW_TYPE_ACTION_ROW), "error"));
    g_assert_true (gtk_widget_get_visible (GTK_WIDGET (editor)));
    wait_ms (400);
    screenshot (GTK_WIDGET (editor), "anomalies-editor-error.png");
    gtk_spin_button_set_value (GTK_SPIN_BUTTON (w), 0.85);
    {
      g_autofree char *json = ax_detection_editor_dup_config (editor);
      g_assert_nonnull (strstr (json, "\"detection_frequency\":\"daily\""));
      g_assert_nonnull (strstr (json, "\"time_column\":\"date\""));
    }
    gtk_widget_activate_action (GTK_WIDGET (editor), "editor.save", NULL);
  }
  WAIT_FOR (find_toplevel (AX_TYPE_DETECTION_EDITOR) == NULL, 5000);

  /* The run: progress with Cancel, then the results. */
  g_assert_nonnull (ax_anomalies_page_get_run (page));
  g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (template_child (page, AX_TYPE_ANOMALIES_PAGE, "run_revealer"))));
  screenshot (GTK_WIDGET (window), "anomalies-running.png");
  WAIT_FOR (ax_anomalies_page_get_run (page) == NULL, 30000);
  g_assert_null (ax_anomalies_page_get_run (page));
  wait_loaded (page);
  g_assert_cmpuint (n_results (page), >, 10);
  /* Newest data first. */
  g_assert_cmpfloat (result_at (page, 0)->time, >=, result_at (page, n_results (page) - 1)->time);
  wait_ms (400);
  screenshot (GTK_WIDGET (window), "anomalies-results.png");

  /* The dashboard has counted them by itself. */
  dashboard = AX_DASHBOARD_PAGE (ax_window_get_page (window, "dashboard"));
  n_found = sql_count (project_path, "SELECT count(*) FROM anomalies");
  WAIT_FOR (ax_dashboard_page_get_dashboard (dashboard) &&
            ax_dashboard_page_get_dashboard (dashboard)->n_anomalies == n_found, 10000);
  g_assert_cmpint (ax_dashboard_page_get_dashboard (dashboard)->n_anomalies, ==, n_found);
  g_assert_cmpint (ax_dashboard_page_get_dashboard (dashboard)->n_unresolved, ==, n_found);

  /* Filter: critical only. */
  gtk_drop_down_set_selected (GTK_DROP_DOWN (template_child (page, AX_TYPE_ANOMALIES_PAGE, "severity_filter")), 4);
  wait_loaded (page);
  g_assert_cmpuint (n_results (page), >, 1);
  for (guint i = 0; i < n_results (page); i++)
    g_assert_cmpint (result_at (page, i)->severity, ==, AX_SEVERITY_CRITICAL);
  resolved_id = result_at (page, 0)->id;
  false_id = result_at (page, 1)->id;

  /* Open one: the detail with its chart. */
  g_signal_emit_by_name (template_child (page, AX_TYPE_ANOMALIES_PAGE, "results_view"), "activate", 0);
  detail = AX_ANOMALY_DETAIL (template_child (page, AX_TYPE_ANOMALIES_PAGE, "detail"));
  g_assert_cmpint (ax_anomaly_detail_get_id (detail), ==, resolved_id);
  WAIT_FOR (ax_anomaly_detail_is_loaded (detail), 10000);
  g_assert_true (ax_anomaly_detail_is_loaded (detail));
  wait_ms (500);
  screenshot (GTK_WIDGET (window), "anomalies-detail.png");

  /* Resolve it with notes. */
  gtk_widget_activate_action (GTK_WIDGET (detail), "detail.resolve", NULL);
  {
    AdwMessageDialog *dialog = wait_message_dialog ();
    gtk_editable_set_text (GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog)),
                           "Holiday: the service ran a Sunday timetable");
    screenshot (GTK_WIDGET (dialog), "anomalies-resolve-dialog.png");
    adw_message_dialog_response (dialog, "resolve");
    gtk_window_destroy (GTK_WINDOW (dialog));
  }
  {
    g_autoptr(AxAnomalyRecord) r = ax_store_get_anomaly (ax_project_get_store (project), resolved_id, &error);
    g_assert_no_error (error);
    g_assert_cmpint (r->status, ==, AX_ANOMALY_STATUS_RESOLVED);
    g_assert_cmpstr (r->resolution_notes, ==, "Holiday: the service ran a Sunday timetable");
    g_assert_false (r->is_false_positive);
  }
  g_assert_cmpint (ax_anomaly_detail_get_record (detail)->status, ==, AX_ANOMALY_STATUS_RESOLVED);
  wait_ms (300);
  screenshot (GTK_WIDGET (window), "anomalies-resolved.png");

  /* Mark another a false positive: the preview comes first. */
  ax_anomalies_page_show_anomaly (page, false_id);
  gtk_widget_activate_action (GTK_WIDGET (detail), "detail.mark-false-positive", NULL);
  {
    AdwMessageDialog *dialog = wait_message_dialog ();
    guint n_suppressed = 0, n_past = 0;
    g_assert_true (ax_anomaly_detail_get_preview (detail, &n_suppressed, &n_past));
    g_assert_cmpuint (n_past, >, 0);
    g_assert_cmpuint (n_suppressed, <=, n_past);
    g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "other stored anomal"));
    gtk_editable_set_text (GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog)), "Snowstorm closed the city");
    screenshot (GTK_WIDGET (dialog), "anomalies-false-positive-dialog.png");
    adw_message_dialog_response (dialog, "mark");
    gtk_window_destroy (GTK_WINDOW (dialog));
  }
  {
    g_autoptr(AxAnomalyRecord) r = ax_store_get_anomaly (ax_project_get_store (project), false_id, &error);
    g_assert_no_error (error);
    g_assert_cmpint (r->status, ==, AX_ANOMALY_STATUS_FALSE_POSITIVE);
    g_assert_true (r->is_false_positive);
    g_assert_cmpstr (r->false_positive_reason, ==, "Snowstorm closed the city");
  }

  /* The dashboard's unresolved count went down by the two verdicts. */
  WAIT_FOR (ax_dashboard_page_get_dashboard (dashboard)->n_unresolved == n_found - 2, 10000);
  g_assert_cmpint (ax_dashboard_page_get_dashboard (dashboard)->n_unresolved, ==, n_found - 2);
  g_assert_cmpint (ax_dashboard_page_get_dashboard (dashboard)->n_anomalies, ==, n_found);

  /* Back to the list; filter by status. */
  gtk_widget_activate_action (GTK_WIDGET (detail), "detail.back", NULL);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (template_child (page, AX_TYPE_ANOMALIES_PAGE, "severity_filter")), 0);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (template_child (page, AX_TYPE_ANOMALIES_PAGE, "status_filter")), 3);
  wait_loaded (page);
  g_assert_cmpuint (n_results (page), ==, 1);
  g_assert_cmpint (result_at (page, 0)->id, ==, false_id);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (template_child (page, AX_TYPE_ANOMALIES_PAGE, "status_filter")), 2);
  wait_loaded (page);
  g_assert_cmpuint (n_results (page), ==, 1);
  g_assert_cmpint (result_at (page, 0)->id, ==, resolved_id);
  /* And by date range: 2001 only. */
  gtk_drop_down_set_selected (GTK_DROP_DOWN (template_child (page, AX_TYPE_ANOMALIES_PAGE, "status_filter")), 0);
  gtk_editable_set_text (GTK_EDITABLE (template_child (page, AX_TYPE_ANOMALIES_PAGE, "since_entry")), "2001-01-01");
  gtk_editable_set_text (GTK_EDITABLE (template_child (page, AX_TYPE_ANOMALIES_PAGE, "until_entry")), "2001-12-31");
  g_signal_emit_by_name (template_child (page, AX_TYPE_ANOMALIES_PAGE, "until_entry"), "activate");
  wait_loaded (page);
  g_assert_cmpuint (n_results (page), >, 0);
  for (guint i = 0; i < n_results (page); i++)
    {
      double t = result_at (page, i)->time;
      g_assert_cmpfloat (t, >=, 11323);   /* 2001-01-01 */
      g_assert_cmpfloat (t, <, 11688);    /* 2002-01-01 */
    }
  wait_ms (300);
  screenshot (GTK_WIDGET (window), "anomalies-filtered.png");
  gtk_editable_set_text (GTK_EDITABLE (template_child (page, AX_TYPE_ANOMALIES_PAGE, "since_entry")), "");
  gtk_editable_set_text (GTK_EDITABLE (template_child (page, AX_TYPE_ANOMALIES_PAGE, "until_entry")), "");
  g_signal_emit_by_name (template_child (page, AX_TYPE_ANOMALIES_PAGE, "until_entry"), "activate");
  wait_loaded (page);

  /* The scheduler: new data with a far spike; two days later by its
   * clock, the daily detection is due, runs, and the spike raises a
   * notification that opens it. */
  {
    g_autofree char *spiked = write_chicago ("chicago-new.csv", 5000, "95");
    AxScheduler *scheduler = ax_anomalies_page_get_scheduler (page);
    g_autoptr(AxDatasetInfo) old = ax_store_get_dataset (ax_project_get_store (project), 0, "chicago", &error);

    g_assert_no_error (error);
    g_assert_true (ax_store_delete_dataset (ax_project_get_store (project), old->id, &error));
    import_chicago (project_path, spiked);
    g_signal_connect (page, "anomaly-notified", G_CALLBACK (on_notified), &notified);
    g_signal_connect (scheduler, "check-finished", G_CALLBACK (on_check_finished), &checked);
    /* Not due by the real clock: it ran a moment ago. */
    g_assert_true (ax_scheduler_check_now (scheduler));
    WAIT_FOR (checked > 0, 30000);
    g_assert_cmpuint (checked, ==, 1);
    g_assert_cmpint (notified, ==, 0);
    checked = 0;
    ax_scheduler_set_now_func (scheduler, later_now, NULL, NULL);
    g_assert_true (ax_scheduler_check_now (scheduler));
    WAIT_FOR (checked > 0, 30000);
    g_assert_cmpuint (checked, ==, 2);
    g_assert_cmpint (notified, >, 0);
    /* The desktop got it. */
    WAIT_FOR (notified_summary != NULL, 5000);
    g_assert_nonnull (notified_summary);
    g_assert_nonnull (strstr (notified_summary, "“Ridership watch”"));
    {
      g_autoptr(AxAnomalyRecord) r = ax_store_get_anomaly (ax_project_get_store (project), notified, &error);
      g_assert_no_error (error);
      g_assert_cmpint (r->severity, >=, AX_SEVERITY_HIGH);
      g_assert_cmpint (r->dataset_row, ==, 5000);
    }
    /* The notification's default action. */
    ax_window_show_page (window, "dashboard");
    gtk_widget_activate_action (GTK_WIDGET (window), "app.show-anomaly", "(sx)", project_path, notified);
    g_assert_cmpint (ax_anomaly_detail_get_id (detail), ==, notified);
    WAIT_FOR (ax_anomaly_detail_is_loaded (detail), 10000);
    wait_ms (500);
    screenshot (GTK_WIDGET (window), "anomalies-notified-detail.png");
    ax_scheduler_set_now_func (scheduler, NULL, NULL, NULL);
  }

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  int rc;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  tmpdir = g_dir_make_tmp ("auspex-anomalies-XXXXXX", NULL);
  g_setenv ("XDG_DATA_HOME", tmpdir, TRUE);

  app = ax_application_new (G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));

  start_notification_server ();
  g_test_add_func ("/app/anomalies/workflow", test_anomalies_workflow);
  rc = g_test_run ();

  g_object_unref (app);
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", tmpdir);
    (void) system (cmd);
  }
  g_free (tmpdir);
  return rc;
}
