/* test-app-predictions.c — the Predictions page under Xvfb
 *
 * On a project holding a sample of the diamonds data with a small forest
 * trained on it (through core, to keep the test fast), drives the page as
 * an analyst would: a single prediction through the form, a batch over
 * the dataset with its table and CSV export, actual values typed into a
 * cell and matched from a CSV on an identifier, and the accuracy charts
 * that follow.  Screenshots go to the build directory (tests/screenshots/).
 */

#include "ax-config.h"

#include <glib/gstdio.h>
#include <adwaita.h>
#include <math.h>

#include "ax-application.h"
#include "ax-charts.h"
#include "ax-import.h"
#include "ax-prediction-format.h"
#include "ax-predictions-page.h"
#include "ax-project.h"
#include "ax-store-predictions.h"
#include "ax-train.h"
#include "ax-window.h"
#include "ax-app-test-util.h"

#define N_SAMPLE 1500

static char *tmpdir;

/* The first N_SAMPLE diamonds with an id column in front. */
static char *
write_sample (void)
{
  g_autofree char *src = g_build_filename (g_getenv ("AX_DATASETS"), "diamonds.csv", NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GString) out = g_string_new ("id,");
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (tmpdir, "diamonds_sample.csv", NULL);

  g_assert_true (g_file_get_contents (src, &text, NULL, &error));
  lines = g_strsplit (text, "\n", N_SAMPLE + 2);
  g_string_append_printf (out, "%s\n", g_strstrip (lines[0]));
  for (guint i = 1; i <= N_SAMPLE; i++)
    g_string_append_printf (out, "%u,%s\n", i, g_strstrip (lines[i]));
  g_assert_true (g_file_set_contents (path, out->str, out->len, &error));
  return path;
}

/* The price column (the 8th) of sample rows @first .. @last as "id,price". */
static void
write_actuals (const char *sample,
               const char *dest,
               guint       first,
               guint       last)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GString) out = g_string_new ("id,price\n");

  g_assert_true (g_file_get_contents (sample, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = first; i <= last; i++)
    {
      g_auto(GStrv) cells = g_strsplit (lines[i], ",", -1);
      g_string_append_printf (out, "%s,%s\n", cells[0], cells[7]);
    }
  /* Three rows no prediction has. */
  g_string_append (out, "900001,1\n900002,2\n900003,3\n");
  g_assert_true (g_file_set_contents (dest, out->str, out->len, NULL));
}

/* The first mapped widget of @type at or below @widget, or NULL. */
static GtkWidget *
find_mapped_descendant (GtkWidget *widget,
                        GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type) && gtk_widget_get_mapped (widget))
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_mapped_descendant (c, type);
      if (found)
        return found;
    }
  return NULL;
}

static AdwMessageDialog *
find_message_dialog (void)
{
  return find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
}

static void
test_predictions_workflow (void)
{
  AxWindow *window = ax_window_new (app);
  g_autofree char *project_path = g_build_filename (tmpdir, "Diamonds.auspex", NULL);
  g_autoptr(GFile) project_file = g_file_new_for_path (project_path);
  g_autofree char *sample = write_sample ();
  g_autoptr(GFile) sample_file = g_file_new_for_path (sample);
  g_autoptr(GError) error = NULL;
  AxImportOptions options = { .name = "diamonds_sample" };
  AxImportResult imported = { 0 };
  AxTrainResult trained = { 0 };
  AxPredictionsPage *page;
  AxPredictionSingle *single;
  AxPredictionBatchView *batch;
  AxPredictionHistory *history;
  gint64 t0;

  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (window)), 5000);
  ax_window_create_project (window, project_file);
  g_assert_nonnull (ax_window_get_project (window));
  page = AX_PREDICTIONS_PAGE (ax_window_get_page (window, "predictions"));
  single = ax_predictions_page_get_single (page);
  batch = ax_predictions_page_get_batch (page);
  history = ax_predictions_page_get_history (page);

  /* No model yet: the page says where to go. */
  ax_window_show_page (window, "predictions");
  wait_ms (1000);
  screenshot (GTK_WIDGET (window), "predictions-empty.png");

  /* The data and a small forest, behind the window's back. */
  g_assert_true (ax_import_file (project_path, sample_file, &options, NULL, NULL, NULL, &imported, &error));
  g_assert_no_error (error);
  g_assert_cmpint (imported.n_rows, ==, N_SAMPLE);
  ax_import_result_clear (&imported);
  t0 = g_get_monotonic_time ();
  g_assert_true (ax_train_model (project_path,
    "{\"model_name\": \"diamond price\", \"model_type\": \"price_optimization\", \"algorithm\": \"random_forest\","
    " \"hyperparameters\": {\"n_estimators\": 20, \"max_depth\": 8},"
    " \"dataset\": \"diamonds_sample\", \"target\": \"price\","
    " \"features\": [\"carat\", \"cut\", \"color\", \"clarity\", \"depth\", \"table\"]}",
    NULL, NULL, &trained, &error));
  g_assert_no_error (error);
  g_test_message ("trained in %.2f s", (double) (g_get_monotonic_time () - t0) / G_USEC_PER_SEC);
  ax_train_result_clear (&trained);
  ax_project_changed (ax_window_get_project (window));

  /* Single: the form is built from the model's inputs. */
  WAIT_FOR (ax_prediction_single_is_ready (single), 10000);
  g_assert_true (ax_prediction_single_is_ready (single));
  {
    GtkWidget *carat = ax_prediction_single_get_input (single, "carat");
    GtkWidget *cut = ax_prediction_single_get_input (single, "cut");
    GtkStringObject *chosen;
    guint i, n;

    g_assert_true (GTK_IS_SPIN_BUTTON (carat));
    g_assert_true (ADW_IS_COMBO_ROW (cut));
    /* The categories seen in training. */
    n = g_list_model_get_n_items (adw_combo_row_get_model (ADW_COMBO_ROW (cut)));
    g_assert_cmpuint (n, ==, 5);
    gtk_spin_button_set_value (GTK_SPIN_BUTTON (carat), 1.2);
    for (i = 0; i < n; i++)
      {
        g_autoptr(GtkStringObject) s = g_list_model_get_item (adw_combo_row_get_model (ADW_COMBO_ROW (cut)), i);
        if (g_str_equal (gtk_string_object_get_string (s), "Premium"))
          break;
      }
    g_assert_cmpuint (i, <, n);
    adw_combo_row_set_selected (ADW_COMBO_ROW (cut), i);
    chosen = adw_combo_row_get_selected_item (ADW_COMBO_ROW (cut));
    g_assert_cmpstr (gtk_string_object_get_string (chosen), ==, "Premium");
  }
  gtk_editable_set_text (ax_prediction_single_get_context_entry (single, "notes"), "Quote for a walk-in customer");
  gtk_editable_set_text (ax_prediction_single_get_context_entry (single, "details"), "order_id = A-1017");
  gtk_widget_activate_action (GTK_WIDGET (single), "single.predict", NULL);
  WAIT_FOR (ax_prediction_single_get_last_id (single) > 0, 10000);
  g_assert_cmpint (ax_prediction_single_get_last_id (single), >, 0);
  {
    const char *value = ax_prediction_single_get_text (single, "value");
    g_autoptr(AxPredictionEntry) entry = ax_store_get_prediction (
      ax_project_get_store (ax_window_get_project (window)), ax_prediction_single_get_last_id (single), &error);

    g_assert_no_error (error);
    g_assert_cmpstr (value, !=, "—");
    g_assert_nonnull (strstr (ax_prediction_single_get_text (single, "range"), "90 % range"));
    g_assert_nonnull (strstr (ax_prediction_single_get_text (single, "confidence"), "%"));
    /* What the figure means is a tooltip away. */
    g_assert_nonnull (ax_prediction_single_get_text (single, "confidence-meaning"));
    g_assert_nonnull (strstr (ax_prediction_single_get_text (single, "confidence-meaning"), "within 10 %"));
    g_assert_nonnull (strstr (entry->input, "\"cut\":\"Premium\""));
    g_assert_nonnull (strstr (entry->context, "\"order_id\":\"A-1017\""));
    g_assert_nonnull (strstr (entry->context, "walk-in"));
  }
  wait_ms (300);
  screenshot (GTK_WIDGET (window), "predictions-single.png");

  /* Batch over the dataset: rows in the table, then exported. */
  ax_predictions_page_show (page, "batch");
  ax_prediction_batch_view_run_dataset (batch, "diamonds_sample");
  g_assert_true (ax_prediction_batch_view_is_busy (batch));
  WAIT_FOR (!ax_prediction_batch_view_is_busy (batch), 30000);
  g_assert_cmpuint (ax_prediction_batch_view_get_n_rows (batch), ==, N_SAMPLE);
  g_assert_cmpstr (ax_prediction_batch_view_get_cell (batch, 0, "id"), ==, "1");
  g_assert_nonnull (ax_prediction_batch_view_get_cell (batch, 0, "prediction"));
  g_assert_nonnull (ax_prediction_batch_view_get_cell (batch, 0, "lower_bound"));
  g_assert_cmpuint (g_list_model_get_n_items (gtk_column_view_get_columns (ax_prediction_batch_view_get_table (batch))),
                    ==, 11 + 4);
  /* Numbers are right-aligned, the input's ("carat") as the predictions;
   * text ("cut") stays left. */
  {
    GListModel *columns = gtk_column_view_get_columns (ax_prediction_batch_view_get_table (batch));
    guint n_right = 0;

    for (guint c = 0; c < g_list_model_get_n_items (columns); c++)
      {
        g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, c);
        const char *title = gtk_column_view_column_get_title (column);
        gboolean right = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (gtk_column_view_column_get_factory (column)),
                                                             "numeric"));

        if (g_str_equal (title, "carat") || g_str_equal (title, "Prediction"))
          g_assert_true (right);
        if (g_str_equal (title, "cut"))
          g_assert_false (right);
        n_right += right;
      }
    /* id, carat, depth, table, price, x, y, z and the four predicted. */
    g_assert_cmpuint (n_right, ==, 12);
  }
  wait_ms (300);
  screenshot (GTK_WIDGET (window), "predictions-batch.png");
  {
    g_autofree char *out_path = g_build_filename (tmpdir, "exported.csv", NULL);
    g_autoptr(GFile) out = g_file_new_for_path (out_path);
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;

    ax_prediction_batch_view_export (batch, out);
    WAIT_FOR (g_file_test (out_path, G_FILE_TEST_EXISTS), 5000);
    wait_ms (200);
    g_assert_true (g_file_get_contents (out_path, &text, NULL, &error));
    lines = g_strsplit (text, "\r\n", -1);
    g_assert_cmpuint (g_strv_length (lines), ==, N_SAMPLE + 2);   /* header, rows, "" */
    g_assert_true (g_str_has_prefix (lines[0], "id,carat,cut,"));
    g_assert_true (g_str_has_suffix (lines[0], ",prediction,lower_bound,upper_bound,confidence"));
    g_assert_true (g_str_has_prefix (lines[1], "1,0.23,Ideal,"));
  }

  /* History: every prediction; an actual typed into a cell. */
  ax_predictions_page_show (page, "history");
  WAIT_FOR (ax_prediction_history_get_n_matching (history) == N_SAMPLE + 1, 5000);
  g_assert_cmpint (ax_prediction_history_get_n_matching (history), ==, N_SAMPLE + 1);
  wait_ms (300);
  {
    GtkWidget *cell = find_mapped_descendant (GTK_WIDGET (ax_prediction_history_get_table (history)),
                                              GTK_TYPE_EDITABLE_LABEL);
    GListModel *rows = G_LIST_MODEL (gtk_column_view_get_model (ax_prediction_history_get_table (history)));
    g_autoptr(GObject) first = g_list_model_get_item (rows, 0);
    AxStore *store = ax_project_get_store (ax_window_get_project (window));
    g_autoptr(GPtrArray) newest = ax_store_query_predictions (store, NULL, 0, 1, &error);
    g_autoptr(AxPredictionEntry) entry = NULL;

    g_assert_nonnull (first);
    g_assert_nonnull (cell);
    gtk_editable_label_start_editing (GTK_EDITABLE_LABEL (cell));
    gtk_editable_set_text (GTK_EDITABLE (cell), "2750");
    gtk_editable_label_stop_editing (GTK_EDITABLE_LABEL (cell), TRUE);
    wait_ms (100);
    /* The first cell found belongs to some row on screen: the one
     * prediction with an actual now. */
    {
      AxPredictionFilter with_actual = { .with_actual = TRUE };
      g_autoptr(GPtrArray) known = ax_store_query_predictions (store, &with_actual, 0, 0, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (known->len, ==, 1);
      entry = g_ptr_array_steal_index (known, 0);
    }
    g_assert_cmpstr (entry->actual, ==, "2750");
    g_assert_nonnull (entry->actual_recorded);
    g_assert_cmpuint (newest->len, ==, 1);

    g_assert_true (ax_prediction_history_set_actual (history, 1, "3100.5"));
  }

  /* Actuals from a CSV matched on the id. */
  {
    g_autofree char *actuals = g_build_filename (tmpdir, "actual prices.csv", NULL);
    g_autoptr(GFile) actuals_file = g_file_new_for_path (actuals);
    AdwMessageDialog *dialog;
    const AxActualsReport *report;

    write_actuals (sample, actuals, 1, 300);
    ax_prediction_history_open_actuals (history, actuals_file);
    WAIT_FOR ((dialog = find_message_dialog ()) != NULL, 5000);
    g_assert_nonnull (dialog);
    wait_ms (300);
    screenshot (GTK_WIDGET (dialog), "predictions-actuals-dialog.png");
    adw_message_dialog_response (dialog, "record");
    WAIT_FOR (ax_prediction_history_get_last_report (history) != NULL, 10000);
    report = ax_prediction_history_get_last_report (history);
    g_assert_nonnull (report);
    g_assert_cmpuint (report->n_rows, ==, 303);
    g_assert_cmpuint (report->n_matched, ==, 300);
    g_assert_cmpuint (report->n_unmatched, ==, 3);
    g_assert_cmpuint (report->n_updated, ==, 300);
    WAIT_FOR (find_message_dialog () == NULL, 2000);
  }

  /* The accuracy charts follow. */
  WAIT_FOR (!ax_prediction_history_is_busy (history) &&
            ax_chart_has_data (AX_CHART (ax_prediction_history_get_accuracy_chart (history))) &&
            ax_chart_has_data (AX_CHART (ax_prediction_history_get_scatter_chart (history))), 10000);
  g_assert_true (ax_chart_has_data (AX_CHART (ax_prediction_history_get_accuracy_chart (history))));
  g_assert_true (ax_chart_has_data (AX_CHART (ax_prediction_history_get_scatter_chart (history))));
  wait_ms (500);
  screenshot (GTK_WIDGET (window), "predictions-history.png");

  /* Text where a number belongs is refused with a message, and nothing
   * changes. */
  g_assert_false (ax_prediction_history_set_actual (history, 1, "a lot"));
  {
    AxPredictionFilter with_actual = { .with_actual = TRUE };
    g_assert_cmpint (ax_store_count_predictions (ax_project_get_store (ax_window_get_project (window)),
                                                 &with_actual, NULL), ==, 302);
  }

  gtk_window_destroy (GTK_WINDOW (window));
  wait_ms (100);
}

/* Percentages do not round a near-certainty up to one, nor a small
 * chance down to none. */
static void
test_predictions_percent (void)
{
  struct { double p; const char *text; } cases[] = {
    { 0.37, "37 %" }, { 0.994, "99 %" }, { 0.996, "> 99 %" }, { 1.0, "100 %" },
    { 0.0, "0 %" }, { 0.004, "< 1 %" }, { 0.006, "1 %" }, { NAN, "—" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = ax_prediction_format_percent (cases[i].p);
      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

int
main (int argc, char **argv)
{
  int rc;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  tmpdir = g_dir_make_tmp ("auspex-app-predictions-XXXXXX", NULL);
  g_setenv ("XDG_DATA_HOME", tmpdir, TRUE);

  app = ax_application_new (G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));

  g_test_add_func ("/app/predictions/percent", test_predictions_percent);
  g_test_add_func ("/app/predictions/workflow", test_predictions_workflow);
  rc = g_test_run ();

  g_object_unref (app);
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", tmpdir);
    (void) system (cmd);
  }
  g_free (tmpdir);
  return rc;
}
