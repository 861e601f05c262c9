/* test-core-models.c — deploying, rolling back, retraining and the held-out sample
 *
 * Trains small models through the Models workspace's job (ax-model-admin.h)
 * on data made here, and checks what the window and the scheduler rely
 * on: the live curve, the stored sample that retraces the split exactly
 * (also when stored after training by another path, as auspex-cli does),
 * a forecast model's test period with its ranges,
 * activation and rollback with their deployed time, the retraining
 * schedule and degradation rule, and which models are due.
 */

#include "ax-config.h"
#include "ax-test-util.h"
#include "ax-model-admin.h"
#include "ax-import.h"
#include "ax-project.h"

#define PROJECT_FILE "test.auspex"

static void
fixture_set_up (Fixture       *fx,
                gconstpointer  data)
{
  fixture_init (fx, "ax-test-core-models-XXXXXX");
}

/* A regression (y from x1, x2 and a category) and a class (whether y is
 * large) over @n rows, imported as dataset "data". */
static void
import_data (Fixture *fx,
             guint    n)
{
  g_autoptr(GString) csv = g_string_new ("x1,x2,region,y,big\n");
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  AxImportOptions options = { 0 };
  AxImportResult result = { 0 };
  AxStore *store = NULL;
  static const char *const regions[] = { "north", "south", "east" };

  for (guint i = 0; i < n; i++)
    {
      double x1 = g_rand_double (rand), x2 = g_rand_double (rand);
      guint r = g_rand_int_range (rand, 0, 3);
      double y = 10 * x1 + 5 * x2 * x2 + 3 * r + g_rand_double (rand);
      g_string_append_printf (csv, "%.5f,%.5f,%s,%.5f,%s\n", x1, x2, regions[r], y,
                              y > 9 ? "yes" : "no");
    }
  file = write_gfile (fx, "data.csv", csv->str, (gssize) csv->len);
  g_clear_pointer (&store, ax_store_close);
  store = ax_store_create (fx->project, &error);
  g_assert_no_error (error);
  g_clear_pointer (&store, ax_store_close);
  options.name = "data";
  g_assert_true (ax_import_file (fx->project, file, &options, NULL, NULL, NULL, &result, &error));
  g_assert_no_error (error);
  ax_import_result_clear (&result);
}

static AxTrainResult *
train (AxJob       *job,
       const char  *config)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (ax_job_run_sync (job, &error));
  g_assert_no_error (error);
  return ax_model_admin_train_job_get_result (job);
}

static const char *const regression_config =
  "{\"model_name\": \"sales\", \"model_type\": \"sales_forecast\", \"algorithm\": \"random_forest\","
  " \"hyperparameters\": {\"n_estimators\": 12, \"max_depth\": 6},"
  " \"dataset\": \"data\", \"target\": \"y\", \"features\": [\"x1\", \"x2\", \"region\"],"
  " \"validation_split\": 0.2, \"test_split\": 0.1, \"random_seed\": 3}";

static const char *const class_config =
  "{\"model_name\": \"churn\", \"model_type\": \"churn_prediction\", \"algorithm\": \"random_forest\","
  " \"hyperparameters\": {\"n_estimators\": 10},"
  " \"dataset\": \"data\", \"target\": \"big\", \"features\": [\"x1\", \"x2\", \"region\"],"
  " \"random_seed\": 5}";

static JsonObject *
sample_of (JsonParser *parser,
           const char *metrics)
{
  JsonObject *root;

  g_assert_true (json_parser_load_from_data (parser, metrics, -1, NULL));
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_true (json_object_has_member (root, "sample"));
  return json_object_get_object_member (root, "sample");
}

/* The job keeps each tree's score, and the version gets a sample of the
 * test rows whose R² is the one training reported. */
static void
test_train_curve_and_sample (Fixture       *fx,
                             gconstpointer  data)
{
  g_autoptr(AxJob) job = NULL;
  g_autoptr(AxJob) job2 = NULL;
  g_autoptr(GArray) curve = g_array_new (FALSE, FALSE, sizeof (AxCurvePoint));
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonParser) parser2 = json_parser_new ();
  g_autoptr(AxStore) store = NULL;
  g_autoptr(AxModelVersion) stored = NULL;
  AxTrainResult *result;
  JsonObject *sample;
  JsonArray *actual, *predicted, *probs;
  double sse = 0, sst = 0, mean = 0, r2, reported;
  const char *name;
  guint n;

  import_data (fx, 600);
  job = ax_model_admin_train_job_new (fx->project, regression_config);
  g_assert_cmpstr (ax_job_get_title (job), ==, "Training “sales”");
  result = train (job, regression_config);
  g_assert_cmpuint (result->version, ==, 1);
  g_assert_cmpuint (ax_model_admin_train_job_get_curve (job, 0, curve), ==, 12);
  g_assert_cmpuint (curve->len, ==, 12);
  /* From the middle on: only the rest. */
  g_array_set_size (curve, 0);
  g_assert_cmpuint (ax_model_admin_train_job_get_curve (job, 10, curve), ==, 12);
  g_assert_cmpuint (curve->len, ==, 2);

  /* The sample as stored, not only as returned. */
  store = ax_store_open (fx->project, NULL);
  stored = ax_store_get_model_version (store, result->model_id, 1, NULL);
  g_assert_nonnull (stored);
  sample = sample_of (parser, stored->metrics);
  g_assert_cmpstr (json_object_get_string_member (sample, "part"), ==, "test");
  actual = json_object_get_array_member (sample, "actual");
  predicted = json_object_get_array_member (sample, "predicted");
  n = json_array_get_length (actual);
  g_assert_cmpuint (n, ==, 60);
  g_assert_cmpuint (json_array_get_length (predicted), ==, n);
  for (guint i = 0; i < n; i++)
    mean += json_array_get_double_element (actual, i) / n;
  for (guint i = 0; i < n; i++)
    {
      double a = json_array_get_double_element (actual, i), p = json_array_get_double_element (predicted, i);
      sse += (a - p) * (a - p);
      sst += (a - mean) * (a - mean);
    }
  r2 = 1 - sse / sst;
  g_assert_true (ax_model_admin_headline (stored->metrics, &name, &reported));
  g_assert_cmpstr (name, ==, "r2");
  g_assert_cmpfloat_with_epsilon (r2, reported, 1e-9);
  g_assert_cmpfloat (r2, >, 0.5);

  /* A classifier: probabilities per class, ROC from them. */
  job2 = ax_model_admin_train_job_new (fx->project, class_config);
  result = train (job2, class_config);
  sample = sample_of (parser2, result->metrics);
  probs = json_object_get_array_member (sample, "probabilities");
  actual = json_object_get_array_member (sample, "actual");
  n = json_array_get_length (probs);
  g_assert_cmpuint (n, ==, 60);
  g_assert_cmpuint (json_array_get_length (json_array_get_array_element (probs, 0)), ==, 2);
  {
    g_autofree gboolean *pos = g_new (gboolean, n);
    g_autofree double *score = g_new (double, n);
    g_autofree double *fpr = NULL, *tpr = NULL;
    gsize k;
    double auc = 0;

    for (guint i = 0; i < n; i++)
      {
        pos[i] = json_array_get_double_element (actual, i) == 1;
        score[i] = json_array_get_double_element (json_array_get_array_element (probs, i), 1);
      }
    k = ax_model_admin_roc (pos, score, n, &fpr, &tpr);
    g_assert_cmpfloat (fpr[0], ==, 0);
    g_assert_cmpfloat (fpr[k - 1], ==, 1);
    g_assert_cmpfloat (tpr[k - 1], ==, 1);
    for (gsize i = 1; i < k; i++)
      auc += (fpr[i] - fpr[i - 1]) * (tpr[i] + tpr[i - 1]) / 2;
    g_assert_true (ax_model_admin_headline (result->metrics, &name, &reported));
    g_assert_cmpstr (name, ==, "roc_auc");
    g_assert_cmpfloat_with_epsilon (auc, reported, 1e-9);
  }
}

/* Training outside the job (as auspex-cli does) stores no sample; adding
 * it afterwards gives the same sample the job stores. */
static void
test_store_sample_after_training (Fixture       *fx,
                                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AxStore) store = NULL;
  g_autoptr(AxModelVersion) before = NULL, after = NULL, by_job = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonParser) parser2 = json_parser_new ();
  g_autoptr(AxJob) job = NULL;
  g_autofree char *metrics = NULL;
  AxTrainResult result = { 0 };
  JsonObject *sample, *sample2;

  import_data (fx, 400);
  g_assert_true (ax_train_model (fx->project, regression_config, NULL, NULL, &result, &error));
  g_assert_no_error (error);
  store = ax_store_open (fx->project, &error);
  before = ax_store_get_model_version (store, result.model_id, result.version, &error);
  g_assert_nonnull (before);
  g_assert_null (strstr (before->metrics, "\"sample\""));

  g_assert_true (ax_model_admin_store_sample (fx->project, &result, NULL, &metrics, &error));
  g_assert_no_error (error);
  after = ax_store_get_model_version (store, result.model_id, result.version, &error);
  g_assert_cmpstr (after->metrics, ==, metrics);
  sample = sample_of (parser, after->metrics);
  g_assert_cmpstr (json_object_get_string_member (sample, "part"), ==, "test");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (sample, "actual")), ==, 40);

  /* The job's version 2, trained alike, has the very same sample. */
  job = ax_model_admin_train_job_new (fx->project, regression_config);
  g_assert_true (ax_job_run_sync (job, &error));
  by_job = ax_store_get_model_version (store, result.model_id, 2, &error);
  g_assert_nonnull (by_job);
  sample2 = sample_of (parser2, by_job->metrics);
  {
    g_autoptr(JsonNode) a = json_node_init_object (json_node_alloc (), sample);
    g_autoptr(JsonNode) b = json_node_init_object (json_node_alloc (), sample2);
    g_autofree char *ta = json_to_string (a, FALSE);
    g_autofree char *tb = json_to_string (b, FALSE);
    g_assert_cmpstr (ta, ==, tb);
  }
  ax_train_result_clear (&result);
}

static double
element (JsonObject *o,
         const char *member,
         guint       i)
{
  return json_array_get_double_element (json_object_get_array_member (o, member), i);
}

/* A forecast model's version holds its test period: the last horizon
 * forecast from the periods before it, with the actual values, the 80 and
 * 95 % ranges nested about the forecast, and the history before it. */
static void
test_forecast_test_period (Fixture       *fx,
                           gconstpointer  data)
{
  g_autoptr(GString) csv = g_string_new ("month,units\n");
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(AxStore) store = NULL;
  g_autoptr(AxModelVersion) version = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  AxImportOptions options = { 0 };
  AxImportResult imported = { 0 };
  AxTrainResult result = { 0 };
  double units[96];
  JsonObject *root, *tp, *series;
  JsonArray *all;
  const char *arrays[] = { "time", "actual", "forecast", "lower_80", "upper_80", "lower_95", "upper_95" };
  gboolean some_width = FALSE;
  guint n;

  for (guint t = 0; t < 96; t++)
    {
      units[t] = round (200 + 2.5 * t + 40 * sin (2 * G_PI * t / 12) + 10 * g_rand_double (rand));
      g_string_append_printf (csv, "%04u-%02u-01,%.0f\n", 2010 + t / 12, 1 + t % 12, units[t]);
    }
  file = write_gfile (fx, "monthly.csv", csv->str, (gssize) csv->len);
  store = ax_store_create (fx->project, &error);
  g_assert_no_error (error);
  g_clear_pointer (&store, ax_store_close);
  options.name = "monthly";
  g_assert_true (ax_import_file (fx->project, file, &options, NULL, NULL, NULL, &imported, &error));
  g_assert_no_error (error);
  ax_import_result_clear (&imported);

  g_assert_true (ax_train_model (fx->project,
                                 "{\"model_name\": \"units\", \"model_type\": \"demand_prediction\","
                                 " \"dataset\": \"monthly\", \"target\": \"units\", \"time_column\": \"month\","
                                 " \"horizon\": 6, \"random_seed\": 1}",
                                 NULL, NULL, &result, &error));
  g_assert_no_error (error);
  g_assert_nonnull (result.forecast);
  /* Nothing to add after training: it is stored already. */
  g_assert_true (ax_model_admin_store_sample (fx->project, &result, NULL, NULL, &error));

  store = ax_store_open (fx->project, &error);
  version = ax_store_get_model_version (store, result.model_id, result.version, &error);
  g_assert_nonnull (version);
  g_assert_true (json_parser_load_from_data (parser, version->metrics, -1, &error));
  root = json_node_get_object (json_parser_get_root (parser));
  tp = json_object_get_object_member (root, "test_period");
  g_assert_nonnull (tp);
  g_assert_cmpfloat (json_array_get_double_element (json_object_get_array_member (tp, "levels"), 0), ==, 80);
  g_assert_cmpfloat (json_array_get_double_element (json_object_get_array_member (tp, "levels"), 1), ==, 95);
  all = json_object_get_array_member (tp, "series");
  g_assert_cmpuint (json_array_get_length (all), ==, 1);
  series = json_array_get_object_element (all, 0);
  g_assert_true (json_object_get_null_member (series, "item"));
  g_assert_cmpstr (json_object_get_string_member (series, "model"), !=, "");

  /* The last six months, from the origin on. */
  n = json_array_get_length (json_object_get_array_member (series, "time"));
  g_assert_cmpuint (n, ==, 6);
  for (guint k = 0; k < G_N_ELEMENTS (arrays); k++)
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (series, arrays[k])), ==, n);
  g_assert_cmpstr (json_object_get_string_member (series, "origin"), ==, "2017-07-01");
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (series, "time"), 0), ==, "2017-07-01");
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (series, "time"), 5), ==, "2017-12-01");
  for (guint i = 0; i < n; i++)
    {
      double lo95 = element (series, "lower_95", i), lo80 = element (series, "lower_80", i);
      double f = element (series, "forecast", i);
      double hi80 = element (series, "upper_80", i), hi95 = element (series, "upper_95", i);

      g_assert_cmpfloat (element (series, "actual", i), ==, units[90 + i]);
      g_assert_cmpfloat (lo95, <=, lo80);
      g_assert_cmpfloat (lo80, <=, f);
      g_assert_cmpfloat (f, <=, hi80);
      g_assert_cmpfloat (hi80, <=, hi95);
      some_width = some_width || hi95 > lo95;
      /* A forecast, not the answer: near it, from the past alone. */
      g_assert_cmpfloat (fabs (f - units[90 + i]), <, 0.25 * units[90 + i]);
    }
  g_assert_true (some_width);

  /* The history ends the period before the origin. */
  n = json_array_get_length (json_object_get_array_member (series, "history_time"));
  g_assert_cmpuint (n, ==, 36);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (series, "history")), ==, n);
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (series, "history_time"), n - 1),
                   ==, "2017-06-01");
  g_assert_cmpfloat (element (series, "history", n - 1), ==, units[89]);
  ax_train_result_clear (&result);
}

/* Deactivate, activate (stamps deployed), roll back to version 1. */
static void
test_deploy_and_rollback (Fixture       *fx,
                          gconstpointer  data)
{
  g_autoptr(AxJob) j1 = ax_model_admin_train_job_new (fx->project, regression_config);
  g_autoptr(AxJob) j2 = ax_model_admin_train_job_new (fx->project, regression_config);
  g_autoptr(AxStore) store = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id;

  import_data (fx, 200);
  id = train (j1, regression_config)->model_id;
  g_assert_cmpuint (train (j2, regression_config)->version, ==, 2);
  store = ax_store_open (fx->project, NULL);
  {
    g_autoptr(AxModelAdmin) a = ax_store_get_model_admin (store, id, &error);
    g_assert_no_error (error);
    g_assert_true (a->is_active);
    g_assert_cmpuint (a->active_version, ==, 2);
    g_assert_null (a->deployed);
    g_assert_cmpstr (a->retrain_frequency, ==, "never");
  }
  g_assert_true (ax_model_admin_set_active (store, id, FALSE, &error));
  {
    g_autoptr(AxModelAdmin) a = ax_store_get_model_admin (store, id, NULL);
    g_assert_false (a->is_active);
    g_assert_null (a->deployed);
  }
  g_assert_true (ax_model_admin_set_active (store, id, TRUE, &error));
  {
    g_autoptr(AxModelAdmin) a = ax_store_get_model_admin (store, id, NULL);
    g_assert_true (a->is_active);
    g_assert_nonnull (a->deployed);
  }
  g_assert_true (ax_model_admin_set_active (store, id, FALSE, &error));
  g_assert_true (ax_model_admin_rollback (store, id, 1, &error));
  {
    g_autoptr(AxModelAdmin) a = ax_store_get_model_admin (store, id, NULL);
    g_assert_true (a->is_active);
    g_assert_cmpuint (a->active_version, ==, 1);
  }
  /* A version that is not there changes nothing. */
  g_assert_false (ax_model_admin_rollback (store, id, 7, &error));
  g_assert_error (error, AX_STORE_ERROR, AX_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  {
    g_autoptr(AxModelAdmin) a = ax_store_get_model_admin (store, id, NULL);
    g_assert_cmpuint (a->active_version, ==, 1);
  }
  g_assert_false (ax_model_admin_set_active (store, 999, TRUE, &error));
  g_assert_error (error, AX_STORE_ERROR, AX_STORE_ERROR_NOT_FOUND);
}

static gboolean
due_has (GPtrArray       *due,
         const char      *name,
         AxRetrainReason  reason)
{
  for (guint i = 0; i < due->len; i++)
    {
      AxModelDue *d = due->pdata[i];
      if (g_str_equal (d->model_name, name) && d->reason == reason)
        return TRUE;
    }
  return FALSE;
}

/* Schedules fall due when their time has passed since the latest
 * version; the degradation rule when the recorded actuals show the
 * metric worse by the drop. */
static void
test_retraining_due (Fixture       *fx,
                     gconstpointer  data)
{
  g_autoptr(AxJob) job = ax_model_admin_train_job_new (fx->project, regression_config);
  g_autoptr(AxStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) in_2_days = g_date_time_add_days (now, 2);
  g_autoptr(GDateTime) in_10_days = g_date_time_add_days (now, 10);
  g_autoptr(GDateTime) in_40_days = g_date_time_add_days (now, 40);
  g_autoptr(GPtrArray) due = NULL;
  double value, baseline;
  guint n;
  gint64 id;

  import_data (fx, 200);
  id = train (job, regression_config)->model_id;
  store = ax_store_open (fx->project, NULL);

  /* Field-named errors. */
  g_assert_false (ax_model_admin_set_retraining (store, id, "hourly", NULL, NAN, &error));
  g_assert_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG);
  g_assert_true (g_str_has_prefix (error->message, "retrain_frequency: "));
  g_clear_error (&error);
  g_assert_false (ax_model_admin_set_retraining (store, id, "weekly", "r2", -1, &error));
  g_assert_true (g_str_has_prefix (error->message, "retrain_drop: "));
  g_clear_error (&error);
  g_assert_false (ax_model_admin_set_retraining (store, id, "weekly", "speed", 0.1, &error));
  g_assert_true (g_str_has_prefix (error->message, "retrain_metric: "));
  g_clear_error (&error);

  /* Never: not due even in forty days. */
  due = ax_model_admin_list_due (fx->project, in_40_days, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (due->len, ==, 0);
  g_clear_pointer (&due, g_ptr_array_unref);

  g_assert_true (ax_model_admin_set_retraining (store, id, "weekly", "mae", 1.0, &error));
  {
    g_autoptr(AxModelAdmin) a = ax_store_get_model_admin (store, id, NULL);
    g_assert_cmpstr (a->retrain_frequency, ==, "weekly");
    g_assert_cmpstr (a->retrain_metric, ==, "mae");
    g_assert_cmpfloat (a->retrain_drop, ==, 1.0);
  }
  due = ax_model_admin_list_due (fx->project, in_2_days, &error);
  g_assert_cmpuint (due->len, ==, 0);
  g_clear_pointer (&due, g_ptr_array_unref);
  due = ax_model_admin_list_due (fx->project, in_10_days, &error);
  g_assert_cmpuint (due->len, ==, 1);
  g_assert_true (due_has (due, "sales", AX_RETRAIN_DUE_SCHEDULE));
  g_clear_pointer (&due, g_ptr_array_unref);

  /* Predictions with actuals: first close to what was predicted, then far
   * off.  Fewer than the minimum never trigger. */
  for (guint i = 0; i < 8; i++)
    {
      AxPredictResult pr = { 0 };
      g_autofree char *input = g_strdup_printf ("{\"x1\": %.2f, \"x2\": 0.5, \"region\": \"north\"}", i / 8.0);
      g_assert_true (ax_predict_json (fx->project, "sales", input, &pr, &error));
      g_assert_no_error (error);
      ax_predict_result_clear (&pr);
    }
  {
    sqlite3 *db = raw_open (fx->project, SQLITE_OPEN_READWRITE);
    /* Exact actuals: MAE 0 on recorded actuals. */
    raw_exec (db, "UPDATE predictions SET actual = json_extract(output, '$.value'), "
                  "actual_recorded = '2030-01-01T00:00:00Z'");
    sqlite3_close (db);
  }
  g_assert_true (ax_model_admin_measure_actuals (store, id, 1, "mae", &value, &baseline, &n, &error));
  g_assert_cmpuint (n, ==, 8);
  g_assert_cmpfloat_with_epsilon (value, 0, 1e-9);
  g_assert_cmpfloat (baseline, >, 0);
  due = ax_model_admin_list_due (fx->project, now, &error);
  g_assert_cmpuint (due->len, ==, 0);
  g_clear_pointer (&due, g_ptr_array_unref);
  {
    sqlite3 *db = raw_open (fx->project, SQLITE_OPEN_READWRITE);
    /* Off by 5 each: MAE 5, more than 1 worse than when trained. */
    raw_exec (db, "UPDATE predictions SET actual = json_extract(output, '$.value') + 5");
    sqlite3_close (db);
  }
  g_assert_true (ax_model_admin_measure_actuals (store, id, 1, "mae", &value, &baseline, &n, &error));
  g_assert_cmpfloat_with_epsilon (value, 5, 1e-9);
  due = ax_model_admin_list_due (fx->project, now, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (due->len, ==, 1);
  g_assert_true (due_has (due, "sales", AX_RETRAIN_DUE_DEGRADATION));
  g_clear_pointer (&due, g_ptr_array_unref);

  /* Clearing the rule: no longer due. */
  g_assert_true (ax_model_admin_set_retraining (store, id, "never", NULL, NAN, &error));
  due = ax_model_admin_list_due (fx->project, now, &error);
  g_assert_cmpuint (due->len, ==, 0);
}

/* The configuration checks name the field the editor marks. */
static void
test_config_errors (Fixture       *fx,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *field = NULL;
  const AxParamSpec *specs = ax_model_admin_algorithm_params ("random_forest");

  g_assert_nonnull (specs);
  g_assert_cmpstr (specs[0].name, ==, "n_estimators");
  g_assert_null (ax_model_admin_algorithm_params ("no_such"));
  g_assert_false (ax_model_admin_check_config (
    "{\"model_name\": \"m\", \"model_type\": \"churn_prediction\", \"algorithm\": \"random_forest\","
    " \"hyperparameters\": {\"max_depth\": 0}, \"dataset\": \"d\", \"target\": \"t\"}", &error));
  field = ax_model_admin_error_field (error);
  g_assert_cmpstr (field, ==, "hyperparameters.max_depth");
  g_clear_error (&error);
  g_clear_pointer (&field, g_free);
  g_assert_false (ax_model_admin_check_config (
    "{\"model_name\": \"m\", \"model_type\": \"churn_prediction\", \"dataset\": \"d\", \"target\": \"\"}",
    &error));
  field = ax_model_admin_error_field (error);
  g_assert_cmpstr (field, ==, "target");
  g_clear_error (&error);
  g_assert_true (ax_model_admin_check_config (regression_config, &error));
  g_assert_no_error (error);
  g_assert_true (ax_model_admin_type_forecasts (AX_MODEL_SALES_FORECAST));
  g_assert_false (ax_model_admin_type_forecasts (AX_MODEL_LEAD_SCORING));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  TEST ("/core/models/train-curve-and-sample", test_train_curve_and_sample);
  TEST ("/core/models/store-sample-after-training", test_store_sample_after_training);
  TEST ("/core/models/forecast-test-period", test_forecast_test_period);
  TEST ("/core/models/deploy-and-rollback", test_deploy_and_rollback);
  TEST ("/core/models/retraining-due", test_retraining_due);
  TEST ("/core/models/config-errors", test_config_errors);
  return g_test_run ();
}
