/* test-app-dashboard.c — the dashboard in the real window under Xvfb
 *
 * On a copy of the demo project: the key metrics agree with the store,
 * the cards lead to their pages, the filters change the counts, and a
 * detection run, a verdict and a prediction made behind the window's back
 * show up by themselves once the project announces the change.  On a
 * fresh project each part says what to do first.  Screenshots of each go
 * to the build directory (tests/screenshots/).
 */

#include "ax-config.h"

#include <glib/gstdio.h>
#include <adwaita.h>
#include <sqlite3.h>

#include "ax-application.h"
#include "ax-dashboard-page.h"
#include "ax-detect-job.h"
#include "ax-import.h"
#include "ax-project.h"
#include "ax-train.h"
#include "ax-window.h"
#include "ax-app-test-util.h"

static char *tmpdir;

/* Widgets */

typedef gboolean (*Match) (GtkWidget *widget, gconstpointer data);

static GtkWidget *
find (GtkWidget     *widget,
      Match          match,
      gconstpointer  data)
{
  if (match (widget, data))
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find (c, match, data);
      if (found)
        return found;
    }
  return NULL;
}

static gboolean
is_label_shown (GtkWidget     *widget,
                gconstpointer  text)
{
  return GTK_IS_LABEL (widget) && gtk_widget_is_drawable (widget) &&
         g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), text) == 0;
}

static gboolean
is_button_shown (GtkWidget     *widget,
                 gconstpointer  label)
{
  return GTK_IS_BUTTON (widget) && gtk_widget_is_drawable (widget) &&
         g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0;
}

/* The "Models →" button of a card, or a tile: a button for win.show-page
 * with target @page. */
static gboolean
is_page_button (GtkWidget     *widget,
                gconstpointer  page)
{
  GVariant *target;

  if (!GTK_IS_BUTTON (widget) || !gtk_widget_is_drawable (widget) ||
      g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), "win.show-page") != 0)
    return FALSE;
  target = gtk_actionable_get_action_target_value (GTK_ACTIONABLE (widget));
  return target && g_strcmp0 (g_variant_get_string (target, NULL), page) == 0;
}

static gboolean
is_anomaly_row (GtkWidget     *widget,
                gconstpointer  data)
{
  return GTK_IS_LIST_BOX_ROW (widget) && g_object_get_data (G_OBJECT (widget), "anomaly-id") != NULL;
}

static gboolean
is_scroller (GtkWidget     *widget,
             gconstpointer  data)
{
  return GTK_IS_SCROLLED_WINDOW (widget);
}

static gboolean
is_label_containing (GtkWidget     *widget,
                     gconstpointer  text)
{
  return GTK_IS_LABEL (widget) && gtk_widget_is_drawable (widget) &&
         strstr (gtk_label_get_label (GTK_LABEL (widget)), text) != NULL;
}

static gboolean
label_shown (GtkWidget  *root,
             const char *text)
{
  return find (root, is_label_shown, text) != NULL;
}

static char *
count_text (gint64 n)
{
  return g_strdup_printf ("%'" G_GINT64_FORMAT, n);
}

/* The dashboard */

static void
on_loaded (AxDashboardPage *page,
           guint           *n)
{
  (*n)++;
}

/* Waits for the next snapshot after @before loads. */
static const AxDashboard *
wait_loaded (AxDashboardPage *page,
             guint           *n_loaded,
             guint            before)
{
  WAIT_FOR (*n_loaded > before, 10000);
  g_assert_cmpuint (*n_loaded, >, before);
  wait_ms (50);
  return ax_dashboard_page_get_dashboard (page);
}

static gint64
sql_int (const char *path,
         const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 v;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  v = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return v;
}

/* The snapshot's key metrics are what SQL counts in @path. */
static void
assert_counts (const AxDashboard *d,
               const char        *path)
{
  g_assert_cmpint (d->n_datasets, ==, sql_int (path, "SELECT count(*) FROM datasets"));
  g_assert_cmpint (d->n_models_active, ==, sql_int (path, "SELECT count(*) FROM models WHERE is_active"));
  g_assert_cmpint (d->n_models_inactive, ==, sql_int (path, "SELECT count(*) FROM models WHERE NOT is_active"));
  g_assert_cmpint (d->n_predictions, ==, sql_int (path, "SELECT count(*) FROM predictions"));
  g_assert_cmpint (d->n_actuals, ==, sql_int (path, "SELECT count(*) FROM predictions WHERE actual IS NOT NULL"));
  g_assert_cmpint (d->n_anomalies, ==, sql_int (path, "SELECT count(*) FROM anomalies"));
  g_assert_cmpint (d->n_unresolved, ==, sql_int (path, "SELECT count(*) FROM anomalies WHERE status = 'open'"));
  g_assert_cmpint (d->n_resolved, ==, sql_int (path, "SELECT count(*) FROM anomalies WHERE status = 'resolved'"));
  g_assert_cmpint (d->n_false_positive, ==, sql_int (path, "SELECT count(*) FROM anomalies WHERE status = 'false_positive'"));
  g_assert_cmpint (d->n_detections, ==, sql_int (path, "SELECT count(*) FROM detections"));
}

static void
test_dashboard_demo (void)
{
  g_autofree char *copy = g_build_filename (tmpdir, "Auspex Demo.auspex", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GFile) file = NULL;
  gsize len = 0;
  AxWindow *window;
  AxDashboardPage *page;
  AxProject *project;
  const AxDashboard *d;
  guint n_loaded = 0, before;
  gint64 n_predictions, n_open, n_anomalies;

  g_assert_true (g_file_get_contents (g_getenv ("AX_DEMO"), &contents, &len, NULL));
  g_assert_true (g_file_set_contents (copy, contents, (gssize) len, NULL));
  file = g_file_new_for_path (copy);

  window = new_window ();
  page = AX_DASHBOARD_PAGE (ax_window_get_page (window, "dashboard"));
  g_assert_nonnull (page);
  g_signal_connect (page, "loaded", G_CALLBACK (on_loaded), &n_loaded);
  ax_window_open_file (window, file);
  project = ax_window_get_project (window);
  g_assert_nonnull (project);
  /* A project opens on its dashboard. */
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (page)));
  d = wait_loaded (page, &n_loaded, 0);

  /* The demo ships with something to see, and the counts are the store's. */
  assert_counts (d, copy);
  g_assert_cmpuint (d->n_datasets, ==, 5);
  g_assert_cmpuint (d->n_models_active, ==, 3);
  g_assert_cmpint (d->n_predictions, >, 0);
  g_assert_cmpint (d->n_actuals, >, 0);
  g_assert_cmpint (d->n_anomalies, >, 0);
  g_assert_cmpuint (d->accuracy->len, >, 0);
  g_assert_cmpuint (d->recent->len, ==, 6);
  {
    g_autofree char *predictions = count_text (d->n_predictions);
    g_autofree char *open = count_text (d->n_unresolved);
    g_assert_true (label_shown (GTK_WIDGET (page), predictions));
    g_assert_true (label_shown (GTK_WIDGET (page), open));
    g_assert_true (label_shown (GTK_WIDGET (page), "Diamond price"));
  }
  wait_ms (600);  /* past the welcome page's crossfade */
  screenshot (GTK_WIDGET (window), "dashboard-demo.png");

  /* The prediction trends, further down. */
  {
    GtkWidget *scroller = find (GTK_WIDGET (page), is_scroller, NULL);
    GtkAdjustment *adj;
    g_assert_nonnull (scroller);
    adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
    gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj));
    wait_ms (300);
    screenshot (GTK_WIDGET (window), "dashboard-trends.png");
    gtk_adjustment_set_value (adj, 0);
  }

  /* Each card leads to its page. */
  {
    const char *pages[] = { "models", "anomalies", "predictions", "data" };
    for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
      {
        GtkWidget *button = find (GTK_WIDGET (page), is_page_button, pages[i]);
        g_assert_nonnull (button);
        g_signal_emit_by_name (button, "clicked");
        WAIT_FOR (gtk_widget_get_mapped (ax_window_get_page (window, pages[i])), 2000);
        g_assert_true (gtk_widget_get_mapped (ax_window_get_page (window, pages[i])));
        g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (page)));
        ax_window_show_page (window, "dashboard");
        g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (page)));
      }
  }
  /* And an anomaly opens on the anomalies page. */
  {
    GtkWidget *row = find (GTK_WIDGET (page), is_anomaly_row, NULL);
    GtkWidget *list;
    g_assert_nonnull (row);
    list = gtk_widget_get_parent (row);
    g_assert_true (GTK_IS_LIST_BOX (list));
    g_signal_emit_by_name (list, "row-activated", row);
    WAIT_FOR (gtk_widget_get_mapped (ax_window_get_page (window, "anomalies")), 2000);
    g_assert_true (gtk_widget_get_mapped (ax_window_get_page (window, "anomalies")));
    wait_ms (300);
    ax_window_show_page (window, "dashboard");
  }

  /* Filters change the counts: high and critical anomalies only, then
   * the churn models only. */
  before = n_loaded;
  ax_dashboard_page_set_filter (page, 0, NULL, AX_SEVERITY_HIGH);
  d = wait_loaded (page, &n_loaded, before);
  g_assert_cmpint (d->n_anomalies, ==, sql_int (copy, "SELECT count(*) FROM anomalies WHERE severity IN ('high', 'critical')"));
  g_assert_cmpint (d->n_anomalies, <, sql_int (copy, "SELECT count(*) FROM anomalies"));
  g_assert_cmpint (d->by_severity[AX_SEVERITY_LOW], ==, 0);
  before = n_loaded;
  ax_dashboard_page_set_filter (page, 30, "churn_prediction", AX_SEVERITY_HIGH);
  d = wait_loaded (page, &n_loaded, before);
  g_assert_cmpuint (d->models->len, ==, 1);
  g_assert_cmpint (d->n_predictions, ==,
                   sql_int (copy, "SELECT count(*) FROM predictions AS p JOIN models AS m ON m.id = p.model_id"
                                  " WHERE m.model_type = 'churn_prediction'"));
  g_assert_cmpint (d->n_predictions, <, sql_int (copy, "SELECT count(*) FROM predictions"));
  g_assert_true (label_shown (GTK_WIDGET (page), "Customer churn"));
  g_assert_false (label_shown (GTK_WIDGET (page), "Diamond price"));
  wait_ms (300);
  screenshot (GTK_WIDGET (window), "dashboard-filtered.png");
  before = n_loaded;
  ax_dashboard_page_set_filter (page, 0, NULL, AX_SEVERITY_NONE);
  d = wait_loaded (page, &n_loaded, before);
  assert_counts (d, copy);

  /* Changes made through core, announced as a job's end would: the
   * dashboard reloads by itself. */
  n_anomalies = d->n_anomalies;
  n_open = d->n_unresolved;
  n_predictions = d->n_predictions;
  {
    g_autoptr(GError) error = NULL;
    AxDetectResult result = { 0 };
    const char *config =
      "{\"detection_name\": \"Temperature check\", \"anomaly_type\": \"quality_anomaly\","
      " \"algorithm\": \"robust_zscore\", \"detection_config\": {\"threshold\": 3.0},"
      " \"monitored_metrics\": [\"temp\"], \"dataset\": \"Chicago ridership\", \"time_column\": \"date\"}";

    g_assert_true (ax_detect_run (copy, config, NULL, NULL, NULL, &result, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (result.anomalies->len, >, 0);
    ax_detect_result_clear (&result);
    before = n_loaded;
    ax_project_changed (project);
    d = wait_loaded (page, &n_loaded, before);
    assert_counts (d, copy);
    g_assert_cmpint (d->n_anomalies, >, n_anomalies);
    g_assert_cmpuint (d->n_detections, ==, 2);
    n_open = d->n_unresolved;
  }
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(AxAnomalyRecord) record = NULL;
    gint64 id = ((const AxDashboardAnomaly *) d->recent->pdata[0])->id;

    g_assert_cmpint (((const AxDashboardAnomaly *) d->recent->pdata[0])->status, ==, AX_ANOMALY_STATUS_OPEN);
    record = ax_detect_resolve (copy, id, "Sensor recalibrated", FALSE, NULL, &error);
    g_assert_no_error (error);
    before = n_loaded;
    ax_project_changed (project);
    d = wait_loaded (page, &n_loaded, before);
    assert_counts (d, copy);
    g_assert_cmpint (d->n_unresolved, ==, n_open - 1);
  }
  {
    g_autoptr(GError) error = NULL;
    AxPredictResult result = { 0 };

    g_assert_true (ax_predict_json (copy, "Diamond price",
                                    "{\"carat\": 0.7, \"cut\": \"Ideal\", \"color\": \"E\", \"clarity\": \"VS1\","
                                    " \"depth\": 61.5, \"table\": 56}", &result, &error));
    g_assert_no_error (error);
    ax_predict_result_clear (&result);
    before = n_loaded;
    ax_project_changed (project);
    d = wait_loaded (page, &n_loaded, before);
    assert_counts (d, copy);
    g_assert_cmpint (d->n_predictions, ==, n_predictions + 1);
  }

  /* Training in this window shows on the model's row, and a model's
   * first training as a row of its own, until it ends. */
  before = n_loaded;
  ax_project_training_started (project, "Diamond price");
  ax_project_training_started (project, "Lead scores");
  d = wait_loaded (page, &n_loaded, before);
  g_assert_nonnull (find (GTK_WIDGET (page), is_label_containing, "training a new version now"));
  g_assert_true (label_shown (GTK_WIDGET (page), "Lead scores"));
  g_assert_nonnull (find (GTK_WIDGET (page), is_label_containing, "Training its first version now"));
  wait_ms (300);
  screenshot (GTK_WIDGET (window), "dashboard-training.png");
  before = n_loaded;
  ax_project_training_ended (project, "Diamond price");
  ax_project_training_ended (project, "Lead scores");
  d = wait_loaded (page, &n_loaded, before);
  g_assert_null (find (GTK_WIDGET (page), is_label_containing, "training a new version now"));
  g_assert_false (label_shown (GTK_WIDGET (page), "Lead scores"));
  assert_counts (d, copy);

  /* Dark style. */
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);
  wait_ms (400);
  screenshot (GTK_WIDGET (window), "dashboard-dark.png");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);

  gtk_window_destroy (GTK_WINDOW (window));
}

/* A fresh project: each part says what to do first, and the buttons do
 * it; once data is in, the next step is offered. */
static void
test_dashboard_empty (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "Fresh.auspex", NULL);
  g_autofree char *csv = g_build_filename (g_getenv ("AX_DATASETS"), "air_passengers.csv", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  AxWindow *window = new_window ();
  AxDashboardPage *page = AX_DASHBOARD_PAGE (ax_window_get_page (window, "dashboard"));
  const AxDashboard *d;
  guint n_loaded = 0, before;

  g_signal_connect (page, "loaded", G_CALLBACK (on_loaded), &n_loaded);
  ax_window_create_project (window, file);
  g_assert_nonnull (ax_window_get_project (window));
  d = wait_loaded (page, &n_loaded, 0);
  assert_counts (d, path);
  g_assert_cmpuint (d->n_datasets, ==, 0);
  wait_ms (500);

  /* No zeros: what to do first. */
  g_assert_false (label_shown (GTK_WIDGET (page), "0"));
  g_assert_true (label_shown (GTK_WIDGET (page), "Import data"));
  g_assert_true (label_shown (GTK_WIDGET (page), "No Models Yet"));
  g_assert_true (label_shown (GTK_WIDGET (page), "No Detections Yet"));
  g_assert_true (label_shown (GTK_WIDGET (page), "No Predictions Yet"));
  {
    /* Everything needs data first. */
    GtkWidget *button = find (GTK_WIDGET (page), is_button_shown, "_Import Data…");
    g_assert_nonnull (button);
    g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (button)), ==, "win.import");
    g_assert_null (find (GTK_WIDGET (page), is_button_shown, "_Create a Model"));
  }
  screenshot (GTK_WIDGET (window), "dashboard-empty.png");

  /* With data in, the next step: create a model, set up a detection. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GFile) csv_file = g_file_new_for_path (csv);
    AxImportOptions options = { .name = "Air passengers" };
    AxImportResult result = { 0 };
    GtkWidget *button;

    g_assert_true (ax_import_file (path, csv_file, &options, NULL, NULL, NULL, &result, &error));
    g_assert_no_error (error);
    ax_import_result_clear (&result);
    before = n_loaded;
    ax_project_changed (ax_window_get_project (window));
    d = wait_loaded (page, &n_loaded, before);
    g_assert_cmpuint (d->n_datasets, ==, 1);
    g_assert_true (label_shown (GTK_WIDGET (page), "1"));
    g_assert_true (label_shown (GTK_WIDGET (page), "No Models Yet"));
    g_assert_null (find (GTK_WIDGET (page), is_button_shown, "_Import Data…"));
    button = find (GTK_WIDGET (page), is_button_shown, "_Create a Model");
    g_assert_nonnull (button);
    g_signal_emit_by_name (button, "clicked");
    WAIT_FOR (gtk_widget_get_mapped (ax_window_get_page (window, "models")), 2000);
    g_assert_true (gtk_widget_get_mapped (ax_window_get_page (window, "models")));
    ax_window_show_page (window, "dashboard");
    g_assert_true (label_shown (GTK_WIDGET (page), "No Detections Yet"));
    button = find (GTK_WIDGET (page), is_button_shown, "_Set Up a Detection");
    g_assert_nonnull (button);
    g_signal_emit_by_name (button, "clicked");
    WAIT_FOR (gtk_widget_get_mapped (ax_window_get_page (window, "anomalies")), 2000);
    g_assert_true (gtk_widget_get_mapped (ax_window_get_page (window, "anomalies")));
  }
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  int rc;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  tmpdir = g_dir_make_tmp (NULL, &error);
  g_assert_no_error (error);
  /* Recent files go to a private place, not the tester's. */
  g_setenv ("XDG_DATA_HOME", tmpdir, TRUE);

  app = ax_application_new (G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));

  g_test_add_func ("/app/dashboard/demo", test_dashboard_demo);
  g_test_add_func ("/app/dashboard/empty", test_dashboard_empty);
  rc = g_test_run ();

  g_object_unref (app);
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", tmpdir);
    (void) system (cmd);
  }
  g_free (tmpdir);
  return rc;
}
