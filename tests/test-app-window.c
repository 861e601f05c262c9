/* test-app-window.c — the real window under Xvfb: project, import, browse
 *
 * Drives the application as a person would: creates a project, imports a
 * CSV through the import dialog, sees its rows in the table, sorts and
 * filters them, renames, deletes and undoes, and saves screenshots of what
 * it saw into the build directory (tests/screenshots/).
 */

#include "ax-config.h"

#include <glib/gstdio.h>
#include <adwaita.h>

#include "ax-application.h"
#include "ax-data-view.h"
#include "ax-import-dialog.h"
#include "ax-row-model.h"
#include "ax-window.h"
#include "ax-import.h"
#include "ax-project.h"
#include "ax-app-test-util.h"

static char *tmpdir;

static AxImportDialog *
find_import_dialog (void)
{
  return find_toplevel (AX_TYPE_IMPORT_DIALOG);
}

static void
on_imported (AxImportDialog *dialog,
             const char     *name,
             gint64          n_rows,
             gint64          n_skipped,
             gint64         *out_rows)
{
  *out_rows = n_rows;
}

static guint
n_rows_shown (AxDataView *view)
{
  GtkSelectionModel *model = gtk_column_view_get_model (ax_data_view_get_table (view));
  return model ? g_list_model_get_n_items (G_LIST_MODEL (model)) : 0;
}

static char *
cell_text (AxDataView *view,
           guint       row,
           guint       col)
{
  GtkSelectionModel *model = gtk_column_view_get_model (ax_data_view_get_table (view));
  g_autoptr(AxRow) item = g_list_model_get_item (G_LIST_MODEL (model), row);
  return item ? g_strdup (ax_row_get_text (item, col)) : NULL;
}

static void
test_window_import_and_browse (void)
{
  AxWindow *window = new_window ();
  AxDataView *view = AX_DATA_VIEW (ax_window_get_data_view (window));
  g_autofree char *project_path = g_build_filename (tmpdir, "Sales Analysis.auspex", NULL);
  g_autofree char *csv = g_build_filename (g_getenv ("AX_DATASETS"), "air_passengers.csv", NULL);
  g_autoptr(GFile) project_file = g_file_new_for_path (project_path);
  g_autoptr(GFile) csv_file = g_file_new_for_path (csv);
  AxImportDialog *dialog;
  GtkWidget *import_button;
  gint64 imported_rows = -1;
  g_autofree char *first = NULL;
  g_autofree char *top = NULL;

  /* The welcome page first. */
  g_assert_null (ax_window_get_project (window));
  screenshot (GTK_WIDGET (window), "welcome.png");

  /* New Project, as the chooser would answer it. */
  ax_window_create_project (window, project_file);
  g_assert_nonnull (ax_window_get_project (window));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Sales Analysis");
  g_assert_true (g_file_test (project_path, G_FILE_TEST_IS_REGULAR));
  wait_ms (500);  /* past the page's crossfade */
  screenshot (GTK_WIDGET (window), "empty-project.png");

  /* Import through the dialog. */
  ax_window_open_file (window, csv_file);
  WAIT_FOR ((dialog = find_import_dialog ()) != NULL, 5000);
  g_assert_nonnull (dialog);
  g_signal_connect (dialog, "imported", G_CALLBACK (on_imported), &imported_rows);
  import_button = gtk_window_get_default_widget (GTK_WINDOW (dialog));
  g_assert_nonnull (import_button);
  /* The preview runs in a thread; Import is ready when it is. */
  WAIT_FOR (gtk_widget_get_sensitive (import_button) && gtk_widget_is_sensitive (import_button), 10000);
  wait_ms (200);
  screenshot (GTK_WIDGET (dialog), "import-dialog.png");
  g_signal_emit_by_name (import_button, "clicked");
  WAIT_FOR (imported_rows >= 0, 20000);
  g_assert_cmpint (imported_rows, ==, 144);
  WAIT_FOR (find_import_dialog () == NULL, 5000);

  /* The rows are in the table. */
  WAIT_FOR (n_rows_shown (view) == 144, 5000);
  g_assert_cmpstr (ax_data_view_get_dataset_name (view), ==, "air_passengers");
  g_assert_cmpuint (n_rows_shown (view), ==, 144);
  first = cell_text (view, 0, 1);
  g_assert_cmpstr (first, ==, "112");
  g_free (first);
  first = cell_text (view, 0, 0);
  g_assert_cmpstr (first, ==, "1949-01-01");
  wait_ms (300);
  screenshot (GTK_WIDGET (window), "data-browser.png");

  /* Sort by passengers, largest first: the SQL runs in a thread. */
  {
    GListModel *columns = gtk_column_view_get_columns (ax_data_view_get_table (view));
    g_autoptr(GtkColumnViewColumn) passengers = g_list_model_get_item (columns, 1);
    gtk_column_view_sort_by_column (ax_data_view_get_table (view), passengers, GTK_SORT_DESCENDING);
    WAIT_FOR ((g_free (top), top = cell_text (view, 0, 1)) && g_strcmp0 (top, "622") == 0, 5000);
    g_assert_cmpstr (top, ==, "622");
  }

  /* Filter: the twelve months of 1960. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.find", NULL);
  {
    GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (window));
    GtkWidget *entry = focus ? gtk_widget_get_ancestor (focus, GTK_TYPE_SEARCH_ENTRY) : NULL;
    g_assert_nonnull (entry);
    gtk_editable_set_text (GTK_EDITABLE (entry), "1960-");
    WAIT_FOR (n_rows_shown (view) == 12, 5000);
    g_assert_cmpuint (n_rows_shown (view), ==, 12);
    gtk_editable_set_text (GTK_EDITABLE (entry), "");
    WAIT_FOR (n_rows_shown (view) == 144, 5000);
  }

  /* Delete, then undo: the dataset is back; delete for good: it is gone. */
  gtk_widget_activate_action (GTK_WIDGET (view), "data.delete", NULL);
  g_assert_null (ax_data_view_get_dataset_name (view));
  gtk_widget_activate_action (GTK_WIDGET (view), "data.undo-delete", NULL);
  g_assert_cmpstr (ax_data_view_get_dataset_name (view), ==, "air_passengers");
  gtk_widget_activate_action (GTK_WIDGET (view), "data.delete", NULL);
  ax_data_view_flush (view);
  {
    g_autoptr(GPtrArray) left = ax_project_list_datasets (ax_window_get_project (window), NULL);
    g_assert_cmpuint (left->len, ==, 0);
  }

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_window_refuses_non_project (void)
{
  AxWindow *window = new_window ();
  g_autofree char *path = g_build_filename (tmpdir, "notes.auspex", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GList) toplevels = NULL;
  gboolean dialog_shown = FALSE;

  g_assert_true (g_file_set_contents (path, "just some text\n", -1, NULL));
  ax_window_open_file (window, file);
  g_assert_null (ax_window_get_project (window));
  wait_ms (100);
  toplevels = gtk_window_list_toplevels ();
  for (GList *l = toplevels; l; l = l->next)
    if (ADW_IS_MESSAGE_DIALOG (l->data))
      {
        dialog_shown = TRUE;
        g_assert_nonnull (strstr (adw_message_dialog_get_body (l->data), "not an Auspex project"));
        gtk_window_destroy (l->data);
      }
  g_assert_true (dialog_shown);
  g_assert_true (g_file_get_contents (path, &after, NULL, NULL));
  g_assert_cmpstr (after, ==, "just some text\n");
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The shipped demo project opens and browses: categorical summaries, a
 * larger table, and the screenshot the software centre shows. */
static void
test_window_demo_project (void)
{
  AxWindow *window;
  AxDataView *view;
  g_autofree char *copy = g_build_filename (tmpdir, "Auspex Demo.auspex", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GFile) file = NULL;
  gsize len = 0;
  g_autofree char *cut = NULL;

  g_assert_true (g_file_get_contents (g_getenv ("AX_DEMO"), &contents, &len, NULL));
  g_assert_true (g_file_set_contents (copy, contents, (gssize) len, NULL));
  file = g_file_new_for_path (copy);

  window = new_window ();
  view = AX_DATA_VIEW (ax_window_get_data_view (window));
  ax_window_open_file (window, file);
  g_assert_nonnull (ax_window_get_project (window));
  /* A project opens on its dashboard; Alt+2 is the Data view. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "data");
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (view)));
  g_assert_true (ax_data_view_select (view, "Diamond prices"));
  WAIT_FOR (n_rows_shown (view) == 53940, 5000);
  g_assert_cmpuint (n_rows_shown (view), ==, 53940);
  cut = cell_text (view, 0, 1);
  g_assert_cmpstr (cut, ==, "Ideal");
  wait_ms (500);
  screenshot (GTK_WIDGET (window), "demo-diamonds.png");
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
count_paint (guint *painted)
{
  (*painted)++;
}

/* A million rows: the table pages them from the project on demand, so a
 * jump to the end shows the right rows at once, and scrolling through
 * reads only the pages it shows.  Times are reported, not asserted. */
static void
test_window_million_rows (void)
{
  g_autofree char *project_path = g_build_filename (tmpdir, "Big.auspex", NULL);
  g_autofree char *csv = g_build_filename (tmpdir, "big.csv", NULL);
  g_autoptr(GFile) project_file = g_file_new_for_path (project_path);
  g_autoptr(GString) text = g_string_sized_new (24 * 1000000);
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) csv_file = NULL;
  AxImportOptions options = { 0 };
  AxImportResult result = { 0 };
  AxWindow *window;
  AxDataView *view;
  GtkWidget *scroller;
  GtkAdjustment *adj;
  GdkFrameClock *clock;
  g_autofree char *cell = NULL;
  gint64 t0;
  double worst_ms = 0, total_ms = 0;
  const guint n_rows = 1000000, n_steps = 200;

  g_string_append (text, "id,region,amount\n");
  for (guint i = 0; i < n_rows; i++)
    g_string_append_printf (text, "%u,%s,%u.%02u\n", i,
                            (const char *[]) { "north", "south", "east", "west" }[i % 4],
                            (i * 7919u) % 10000u, i % 100u);
  g_assert_true (g_file_set_contents (csv, text->str, (gssize) text->len, NULL));
  csv_file = g_file_new_for_path (csv);

  window = new_window ();
  view = AX_DATA_VIEW (ax_window_get_data_view (window));
  ax_window_create_project (window, project_file);
  g_assert_nonnull (ax_window_get_project (window));

  /* Import through the dialog and cancel halfway: the dialog goes back to
   * its options and the project holds nothing of it. */
  {
    AxImportDialog *dialog;
    GtkWidget *import_button;
    GtkProgressBar *bar;
    g_autoptr(GPtrArray) left = NULL;

    ax_window_open_file (window, csv_file);
    WAIT_FOR ((dialog = find_import_dialog ()) != NULL, 5000);
    g_assert_nonnull (dialog);
    import_button = gtk_window_get_default_widget (GTK_WINDOW (dialog));
    WAIT_FOR (gtk_widget_is_sensitive (import_button), 10000);
    g_signal_emit_by_name (import_button, "clicked");
    bar = GTK_PROGRESS_BAR (find_descendant (GTK_WIDGET (dialog), GTK_TYPE_PROGRESS_BAR));
    g_assert_nonnull (bar);
    /* The import takes about half a second: cancel as soon as it moves. */
    WAIT_FOR (gtk_progress_bar_get_fraction (bar) > 0.02, 20000);
    g_assert_cmpfloat (gtk_progress_bar_get_fraction (bar), <, 1.0);
    gtk_widget_activate_action (GTK_WIDGET (dialog), "import.cancel", NULL);
    WAIT_FOR (gtk_widget_get_visible (import_button), 10000);
    g_assert_true (gtk_widget_get_visible (import_button));
    left = ax_project_list_datasets (ax_window_get_project (window), NULL);
    g_assert_cmpuint (left->len, ==, 0);
    gtk_window_close (GTK_WINDOW (dialog));
    WAIT_FOR (find_import_dialog () == NULL, 5000);
  }

  /* Then import it for real, behind the window's back, as another
   * window would, and let the project tell the view. */
  options.name = "million";
  ax_import_file (project_path, csv_file, &options, NULL, NULL, NULL, &result, &error);
  g_assert_no_error (error);
  g_assert_cmpint (result.n_rows, ==, n_rows);
  ax_import_result_clear (&result);
  ax_project_changed (ax_window_get_project (window));
  ax_window_show_page (window, "data");
  WAIT_FOR (ax_data_view_select (view, "million"), 2000);
  g_assert_true (ax_data_view_select (view, "million"));
  WAIT_FOR (n_rows_shown (view) == n_rows, 5000);
  g_assert_cmpuint (n_rows_shown (view), ==, n_rows);

  scroller = gtk_widget_get_ancestor (GTK_WIDGET (ax_data_view_get_table (view)), GTK_TYPE_SCROLLED_WINDOW);
  g_assert_nonnull (scroller);
  adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
  WAIT_FOR (gtk_adjustment_get_upper (adj) > gtk_adjustment_get_page_size (adj), 5000);
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));

  /* Scroll through the table in even steps, a frame each: what a person
   * dragging the scrollbar asks of it. */
  for (guint i = 1; i <= n_steps; i++)
    {
      double target = (gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj)) * i / n_steps;
      double ms;
      guint painted = 0;
      gulong id = g_signal_connect_swapped (clock, "after-paint", G_CALLBACK (count_paint), &painted);
      t0 = g_get_monotonic_time ();
      gtk_adjustment_set_value (adj, target);
      /* Until the frame with the new rows has been laid out and drawn. */
      while (painted == 0)
        g_main_context_iteration (NULL, TRUE);
      ms = (double) (g_get_monotonic_time () - t0) / 1000;
      g_signal_handler_disconnect (clock, id);
      total_ms += ms;
      worst_ms = MAX (worst_ms, ms);
    }
  g_test_message ("1,000,000 rows: %u scroll steps, %.2f ms per drawn frame on average, %.2f ms at worst",
                  n_steps, total_ms / n_steps, worst_ms);

  /* At the end, the last row is the last row of the file. */
  cell = cell_text (view, n_rows - 1, 0);
  g_assert_cmpstr (cell, ==, "999999");
  g_free (cell);
  cell = cell_text (view, 500000, 1);
  g_assert_cmpstr (cell, ==, "north");
  wait_ms (300);
  screenshot (GTK_WIDGET (window), "million-rows-end.png");

  /* Rename through the store's action, as the dialog's Rename does. */
  {
    g_autoptr(GPtrArray) list = ax_project_list_datasets (ax_window_get_project (window), NULL);
    AxDatasetInfo *info = g_ptr_array_index (list, 0);
    g_assert_true (ax_project_rename_dataset (ax_window_get_project (window), info->id, "Million rows", &error));
    g_assert_no_error (error);
    WAIT_FOR (g_strcmp0 (ax_data_view_get_dataset_name (view), "Million rows") == 0, 2000);
    g_assert_cmpstr (ax_data_view_get_dataset_name (view), ==, "Million rows");
  }
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  int rc;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  tmpdir = g_dir_make_tmp ("auspex-app-XXXXXX", NULL);
  /* Recent files go to a private place, not the tester's. */
  g_setenv ("XDG_DATA_HOME", tmpdir, TRUE);

  app = ax_application_new (G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
  /* Startup has run: resources, actions and accelerators are in place. */

  g_test_add_func ("/app/window/import-and-browse", test_window_import_and_browse);
  g_test_add_func ("/app/window/refuses-non-project", test_window_refuses_non_project);
  g_test_add_func ("/app/window/demo-project", test_window_demo_project);
  g_test_add_func ("/app/window/million-rows", test_window_million_rows);
  rc = g_test_run ();

  g_object_unref (app);
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", tmpdir);
    (void) system (cmd);
  }
  g_free (tmpdir);
  return rc;
}
