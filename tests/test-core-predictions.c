/* test-core-predictions.c — the Predictions workspace's core: form, single
 * prediction with context, batch, actuals typed and matched from a CSV,
 * accuracy per day, and the history's queries */

#include "ax-config.h"

#include <math.h>

#include "ax-import.h"
#include "ax-predictions.h"
#include "ax-reader.h"
#include "ax-store-models.h"
#include "ax-store-predictions.h"
#include "ax-test-util.h"

#define N_ROWS 240

/* Rows i = 1..N_ROWS: size 1..10 in steps, region of three, a date, sales
 * that follow size and region, and a label that follows size. */
static double
size_of (guint i)
{
  return 1.0 + (double) ((i * 37) % 91) / 10.0;
}

static double
sales_of (guint i)
{
  static const double region_add[] = { 0, 15, 40 };
  return 10.0 * size_of (i) + region_add[i % 3] + (double) ((i * 13) % 7);
}

static const char *const regions[] = { "north", "south", "east" };

static void
fixture_set_up (Fixture       *fx,
                gconstpointer  data)
{
  g_autoptr(GString) csv = g_string_new ("id,size,region,day,sales,label\n");
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  AxImportOptions options = { .name = "shop" };
  AxImportResult imported = { 0 };
  AxTrainResult trained = { 0 };

  fixture_init (fx, "ax-test-core-predictions-XXXXXX");
  for (guint i = 1; i <= N_ROWS; i++)
    g_string_append_printf (csv, "%u,%.1f,%s,2024-%02u-%02u,%.1f,%s\n", i, size_of (i),
                            regions[i % 3], 1 + i % 12, 1 + i % 28, sales_of (i),
                            size_of (i) > 5.5 ? "big" : "small");
  write_file (fx, "shop.csv", csv->str, -1);
  ax_store_close (ax_store_create (fx->project, &error));
  g_assert_no_error (error);
  path = fixture_path (fx, "shop.csv");
  file = g_file_new_for_path (path);
  g_assert_true (ax_import_file (fx->project, file, &options, NULL, NULL, NULL, &imported, &error));
  g_assert_no_error (error);
  g_assert_cmpint (imported.n_rows, ==, N_ROWS);
  ax_import_result_clear (&imported);

  g_assert_true (ax_train_model (fx->project,
    "{\"model_name\": \"sales\", \"model_type\": \"sales_forecast\", \"algorithm\": \"random_forest\","
    " \"hyperparameters\": {\"n_estimators\": 12, \"max_depth\": 6},"
    " \"dataset\": \"shop\", \"target\": \"sales\", \"features\": [\"size\", \"region\", \"day\"]}",
    NULL, NULL, &trained, &error));
  g_assert_no_error (error);
  ax_train_result_clear (&trained);
  g_assert_true (ax_train_model (fx->project,
    "{\"model_name\": \"kind\", \"model_type\": \"churn_prediction\", \"algorithm\": \"random_forest\","
    " \"hyperparameters\": {\"n_estimators\": 8, \"max_depth\": 4},"
    " \"dataset\": \"shop\", \"target\": \"label\", \"features\": [\"size\", \"region\"]}",
    NULL, NULL, &trained, &error));
  g_assert_no_error (error);
  ax_train_result_clear (&trained);
}

static gint64
model_id (Fixture    *fx,
          const char *name)
{
  g_autoptr(AxStore) store = ax_store_open (fx->project, NULL);
  g_autoptr(AxModelInfo) info = ax_store_get_model (store, 0, name, NULL);
  g_assert_nonnull (info);
  return info->id;
}

static void
test_form (Fixture       *fx,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AxPredictionForm) form = ax_prediction_form_load (fx->project, model_id (fx, "sales"), 0, &error);
  g_autoptr(AxPredictionForm) kind = NULL;
  double lo = INFINITY, hi = -INFINITY;
  gboolean seen[3] = { FALSE };

  g_assert_no_error (error);
  g_assert_nonnull (form);
  g_assert_cmpuint (form->version, ==, 1);
  g_assert_cmpint (form->task, ==, AX_TASK_REGRESSION);
  g_assert_cmpstr (form->target, ==, "sales");
  g_assert_cmpfloat_with_epsilon (form->level, 0.9, 1e-9);
  g_assert_cmpuint (form->n_fields, ==, 3);
  for (guint i = 1; i <= N_ROWS; i++)
    lo = MIN (lo, size_of (i)), hi = MAX (hi, size_of (i));
  for (guint f = 0; f < form->n_fields; f++)
    {
      AxPredictionField *field = &form->fields[f];
      if (g_str_equal (field->name, "size"))
        {
          g_assert_true (ax_column_type_is_numeric (field->type));
          g_assert_cmpfloat_with_epsilon (field->min, lo, 1e-9);
          g_assert_cmpfloat_with_epsilon (field->max, hi, 1e-9);
        }
      else if (g_str_equal (field->name, "region"))
        {
          g_assert_nonnull (field->categories);
          g_assert_cmpuint (g_strv_length (field->categories), ==, 3);
          for (guint k = 0; k < 3; k++)
            for (guint r = 0; r < 3; r++)
              seen[r] |= g_str_equal (field->categories[k], regions[r]);
          g_assert_true (seen[0] && seen[1] && seen[2]);
        }
      else
        {
          g_assert_cmpstr (field->name, ==, "day");
          g_assert_cmpint (field->type, ==, AX_COLUMN_DATE);
          g_assert_false (isnan (field->min));
        }
    }

  kind = ax_prediction_form_load (fx->project, model_id (fx, "kind"), 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (kind->task, ==, AX_TASK_CLASSIFICATION);
  g_assert_cmpuint (kind->n_classes, ==, 2);

  /* A version that does not exist says so. */
  g_assert_null (ax_prediction_form_load (fx->project, model_id (fx, "sales"), 7, &error));
  g_assert_error (error, AX_STORE_ERROR, AX_STORE_ERROR_NOT_FOUND);
}

static void
test_single_with_context (Fixture       *fx,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *ref = ax_predictions_model_ref (model_id (fx, "sales"), 1);
  AxPredictResult result = { 0 };
  g_autoptr(AxStore) store = NULL;
  g_autoptr(AxPredictionEntry) entry = NULL;
  g_autoptr(JsonNode) context = NULL;
  AxPredictionFilter filter = { .model_id = model_id (fx, "sales"), .version = 1 };

  g_assert_cmpstr (ref, ==, "1:1");
  g_assert_true (ax_predictions_predict_one (fx->project, ref,
                                             "{\"size\": 4.0, \"region\": \"east\", \"day\": \"2024-03-05\"}",
                                             "{\"request_source\": \"desktop\", \"user_notes\": \"Year-end\"}",
                                             &result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (result.n_rows, ==, 1);
  /* 10 × 4 + 40 + noise: the forest is near. */
  g_assert_cmpfloat (fabs (result.predictions->value[0] - 83.0), <, 15.0);
  g_assert_cmpfloat (result.predictions->lower[0], <=, result.predictions->value[0]);
  g_assert_cmpfloat (result.predictions->upper[0], >=, result.predictions->value[0]);

  store = ax_store_open (fx->project, &error);
  entry = ax_store_get_prediction (store, result.first_id, &error);
  g_assert_no_error (error);
  g_assert_null (entry->actual);
  context = json_from_string (entry->context, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (context), "user_notes"), ==, "Year-end");
  g_assert_cmpint (ax_store_count_predictions (store, &filter, &error), ==, 1);
  filter.version = 2;
  g_assert_cmpint (ax_store_count_predictions (store, &filter, &error), ==, 0);
  filter.version = 0;
  filter.until = "2000-01-01";
  g_assert_cmpint (ax_store_count_predictions (store, &filter, &error), ==, 0);
  filter.until = NULL;
  filter.since = "2000-01-01";
  g_assert_cmpint (ax_store_count_predictions (store, &filter, &error), ==, 1);
  filter.with_actual = TRUE;
  g_assert_cmpint (ax_store_count_predictions (store, &filter, &error), ==, 0);

  /* Typed actuals: a number for a number, refused otherwise, cleared by "". */
  g_assert_false (ax_predictions_set_actual_text (store, result.first_id, "lots", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_clear_error (&error);
  g_assert_true (ax_predictions_set_actual_text (store, result.first_id, " 90.5 ", &error));
  g_assert_no_error (error);
  g_clear_pointer (&entry, ax_prediction_entry_free);
  entry = ax_store_get_prediction (store, result.first_id, &error);
  g_assert_cmpstr (entry->actual, ==, "90.5");
  g_assert_nonnull (entry->actual_recorded);
  g_assert_cmpint (ax_store_count_predictions (store, &filter, &error), ==, 1);
  g_assert_true (ax_predictions_set_actual_text (store, result.first_id, "", &error));
  g_clear_pointer (&entry, ax_prediction_entry_free);
  entry = ax_store_get_prediction (store, result.first_id, &error);
  g_assert_null (entry->actual);
  g_assert_null (entry->actual_recorded);
  g_assert_false (ax_predictions_set_actual_text (store, 9999, "1", &error));
  g_assert_error (error, AX_STORE_ERROR, AX_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* A context that is not an object is refused before predicting. */
  g_assert_false (ax_predictions_predict_one (fx->project, ref, "{\"size\": 4.0, \"region\": \"east\", \"day\": null}",
                                              "[1, 2]", &result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_cmpint (ax_store_count_predictions (store, NULL, NULL), ==, 1);
  ax_predict_result_clear (&result);
}

static void
test_batch_actuals_accuracy (Fixture       *fx,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 sales = model_id (fx, "sales");
  g_autofree char *ref = ax_predictions_model_ref (sales, 0);
  g_autoptr(AxPredictionBatch) batch = NULL;
  g_autoptr(GString) actuals = g_string_new ("id;sales;note\n");
  g_autofree char *actuals_path = NULL;
  g_autoptr(GFile) actuals_file = NULL;
  g_autoptr(AxStore) store = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(AxAccuracySummary) summary = NULL;
  g_autoptr(GCancellable) cancelled = g_cancellable_new ();
  AxActualsReport report;
  AxPredictionFilter filter = { .model_id = sales };
  int pred_col = -1;
  double mae = 0;

  batch = ax_prediction_batch_run (fx->project, ref, "shop", NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (batch->n_rows, ==, N_ROWS);
  g_assert_cmpuint (batch->result.n_rows, ==, N_ROWS);
  g_assert_cmpuint (batch->n_inputs, ==, 6);
  g_assert_cmpstr (batch->names[0], ==, "id");
  for (guint c = 0; c < batch->n_columns; c++)
    if (g_str_equal (batch->names[c], "prediction"))
      pred_col = (int) c;
  g_assert_cmpint (pred_col, ==, 6);
  g_assert_cmpstr (batch->names[7], ==, "lower_bound");
  g_assert_cmpstr (batch->cells[0], ==, "1");
  g_assert_nonnull (batch->cells[pred_col]);
  g_assert_true (g_file_query_exists (batch->output, NULL));

  /* The rows kept for display are the file's, cell for cell. */
  {
    AxReadOptions options = { .format = AX_FORMAT_CSV, .delimiter = ',' };
    g_autoptr(AxReader) written = ax_reader_open (batch->output, &options, NULL, &error);
    const char **fields;
    guint64 line;
    guint row = 0;

    g_assert_no_error (error);
    g_assert_cmpuint (written->n_columns, ==, batch->n_columns);
    for (guint c = 0; c < batch->n_columns; c++)
      g_assert_cmpstr (written->names[c], ==, batch->names[c]);
    while (ax_reader_next (written, &fields, &line, &error))
      {
        g_assert_cmpuint (row, <, batch->n_rows);
        for (guint c = 0; c < batch->n_columns; c++)
          g_assert_cmpstr (fields[c] && *fields[c] ? fields[c] : NULL, ==,
                           batch->cells[(gsize) row * batch->n_columns + c]);
        row++;
      }
    g_assert_no_error (error);
    g_assert_cmpuint (row, ==, batch->n_rows);
  }

  /* Each recorded row carries its id in its context. */
  store = ax_store_open (fx->project, &error);
  entries = ax_store_query_predictions (store, &filter, 0, 3, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 3);
  g_assert_nonnull (strstr (((AxPredictionEntry *) entries->pdata[0])->context, "\"id\":\"240\""));
  g_assert_nonnull (strstr (((AxPredictionEntry *) entries->pdata[0])->context, "\"source\":\"shop\""));
  g_clear_pointer (&entries, g_ptr_array_unref);
  entries = ax_store_query_predictions (store, &filter, 238, 10, &error);
  g_assert_cmpuint (entries->len, ==, 2);
  g_clear_pointer (&entries, g_ptr_array_unref);

  /* Actuals for ids 1..100 (spelled "1.0" for some), and five unknown ids. */
  for (guint i = 1; i <= 100; i++)
    g_string_append_printf (actuals, i % 2 ? "%u;%.1f;x\n" : "%u.0;%.1f;x\n", i, sales_of (i) + 1.0);
  for (guint i = 1001; i <= 1005; i++)
    g_string_append_printf (actuals, "%u;5;x\n", i);
  write_file (fx, "actuals.csv", actuals->str, -1);
  actuals_path = fixture_path (fx, "actuals.csv");
  actuals_file = g_file_new_for_path (actuals_path);

  g_assert_false (ax_predictions_record_actuals (fx->project, sales, actuals_file, "customer", "sales",
                                                 NULL, &report, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_true (ax_predictions_record_actuals (fx->project, sales, actuals_file, "id", "sales",
                                                NULL, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.n_rows, ==, 105);
  g_assert_cmpuint (report.n_matched, ==, 100);
  g_assert_cmpuint (report.n_unmatched, ==, 5);
  g_assert_cmpuint (report.n_invalid, ==, 0);
  g_assert_cmpuint (report.n_updated, ==, 100);
  filter.with_actual = TRUE;
  g_assert_cmpint (ax_store_count_predictions (store, &filter, &error), ==, 100);

  /* Text in a number's place counts as matched but unreadable. */
  {
    g_autofree char *bad_path = NULL;
    g_autoptr(GFile) bad = NULL;
    write_file (fx, "bad.csv", "id,sales\n3,n/a\n", -1);
    bad_path = fixture_path (fx, "bad.csv");
    bad = g_file_new_for_path (bad_path);
    g_assert_true (ax_predictions_record_actuals (fx->project, sales, bad, "id", "sales",
                                                  NULL, &report, &error));
    g_assert_cmpuint (report.n_matched, ==, 1);
    g_assert_cmpuint (report.n_invalid, ==, 1);
    g_assert_cmpuint (report.n_updated, ==, 0);
  }

  summary = ax_predictions_accuracy (fx->project, &(AxPredictionFilter) { .model_id = sales }, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (summary->series->len, ==, 1);
  {
    AxAccuracySeries *s = g_ptr_array_index (summary->series, 0);
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    g_assert_cmpstr (s->model_name, ==, "sales");
    g_assert_false (s->classification);
    g_assert_cmpuint (s->n, ==, 1);
    g_assert_cmpuint (s->count[0], ==, 100);
    g_assert_cmpfloat (fabs (s->x[0] - (double) (g_date_time_to_unix (now) / 86400 * 86400)), <, 86400.5);
    g_assert_cmpuint (summary->n_pairs, ==, 100);
    for (gsize i = 0; i < summary->n_pairs; i++)
      mae += fabs (summary->predicted[i] - summary->actual[i]) / (double) summary->n_pairs;
    g_assert_cmpfloat_with_epsilon (s->y[0], mae, 1e-6);
    g_assert_cmpfloat (mae, >, 0.0);
  }

  /* A cancelled batch records nothing. */
  g_cancellable_cancel (cancelled);
  g_clear_pointer (&batch, ax_prediction_batch_free);
  batch = ax_prediction_batch_run (fx->project, ref, "shop", NULL, NULL, NULL, cancelled, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (batch);
  g_assert_cmpint (ax_store_count_predictions (store, NULL, NULL), ==, N_ROWS);
}

static void
test_classification_accuracy (Fixture       *fx,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 kind = model_id (fx, "kind");
  g_autofree char *ref = ax_predictions_model_ref (kind, 0);
  g_autoptr(AxStore) store = NULL;
  g_autoptr(AxAccuracySummary) summary = NULL;
  gint64 ids[2];
  AxPredictResult r = { 0 };

  for (guint i = 0; i < 2; i++)
    {
      g_assert_true (ax_predictions_predict_one (fx->project, ref,
                                                 i ? "{\"size\": 9.5, \"region\": \"north\"}"
                                                   : "{\"size\": 1.5, \"region\": \"north\"}",
                                                 NULL, &r, &error));
      g_assert_no_error (error);
      g_assert_cmpint (r.predictions->task, ==, AX_TASK_CLASSIFICATION);
      ids[i] = r.first_id;
      ax_predict_result_clear (&r);
    }
  store = ax_store_open (fx->project, &error);
  /* A class is text: "small" is right for the first, wrong for the second. */
  g_assert_true (ax_predictions_set_actual_text (store, ids[0], "small", &error));
  g_assert_true (ax_predictions_set_actual_text (store, ids[1], "small", &error));
  g_assert_no_error (error);
  summary = ax_predictions_accuracy (fx->project, &(AxPredictionFilter) { .model_id = kind }, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (summary->series->len, ==, 1);
  g_assert_true (((AxAccuracySeries *) summary->series->pdata[0])->classification);
  g_assert_cmpfloat_with_epsilon (((AxAccuracySeries *) summary->series->pdata[0])->y[0], 0.5, 1e-9);
  g_assert_cmpuint (summary->n_pairs, ==, 0);
}

static void
test_categories (Fixture       *fx,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AxStore) store = ax_store_open (fx->project, &error);
  g_auto(GStrv) two = ax_store_dataset_column_categories (store, "shop", "label", 0, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (two), ==, 2);
  g_assert_null (ax_store_dataset_column_categories (store, "shop", "nope", 5, &error));
  g_assert_error (error, AX_STORE_ERROR, AX_STORE_ERROR_NOT_FOUND);
}

int
main (int    argc,
      char **argv)
{
  test_init_keep_going (&argc, &argv);
  TEST ("/core/predictions/form", test_form);
  TEST ("/core/predictions/single-with-context", test_single_with_context);
  TEST ("/core/predictions/batch-actuals-accuracy", test_batch_actuals_accuracy);
  TEST ("/core/predictions/classification-accuracy", test_classification_accuracy);
  TEST ("/core/predictions/categories", test_categories);
  return g_test_run ();
}
