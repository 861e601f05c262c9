/* test-core-dashboard.c — the dashboard's figures on a project of known content
 *
 * A project with one dataset, three models (one deactivated), predictions
 * on known days with some actual values, and two detection runs whose
 * anomalies have known severities and verdicts; the dashboard must count
 * exactly what was put there, for each filter.
 */

#include "ax-config.h"

#include <math.h>

#include "ax-dashboard.h"
#include "ax-import.h"
#include "ax-store-anomalies.h"
#include "ax-store-models.h"
#include "ax-test-util.h"

static void
fixture_set_up (Fixture       *fx,
                gconstpointer  data)
{
  fixture_init (fx, NULL);
}

/* 2024-03-10T12:00:00Z: the present of every query. */
#define NOW 1710072000

static gint64
day_of (const char *iso)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_iso8601 (iso, NULL);
  g_assert_nonnull (dt);
  return g_date_time_to_unix (dt) / 86400;
}

static gint64
save_model (AxStore    *store,
            const char *name,
            const char *type,
            const char *metrics)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) blob = g_bytes_new_static ("blob", 4);
  AxModelInfo info = { .name = (char *) name, .model_type = (char *) type,
                       .algorithm = (char *) "random_forest", .description = (char *) "" };
  AxModelVersion version = { .config = (char *) "{}", .metrics = (char *) metrics,
                             .curve = (char *) "[]", .importance = (char *) "[]",
                             .dataset_name = (char *) "sales", .dataset_hash = (char *) "00",
                             .n_train = 10, .n_valid = 2, .n_test = 1, .seconds = 0.5,
                             .blob = blob };
  gint64 id = 0;
  guint v = 0;

  g_assert_true (ax_store_save_model_version (store, &info, &version, &id, &v, &error));
  g_assert_no_error (error);
  return id;
}

/* Records one prediction of @model_id with output @value (JSON) and gives
 * it the time @created and the actual @actual (JSON, nullable). */
static void
predict (AxStore    *store,
         sqlite3    *db,
         gint64      model_id,
         const char *value,
         const char *created,
         const char *actual)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *output = g_strdup_printf ("{\"value\": %s, \"lower_bound\": null}", value);
  const char *inputs[] = { "{\"x\": 1}" };
  const char *outputs[] = { output };
  gint64 id = 0;
  g_autofree char *sql = NULL;

  g_assert_true (ax_store_record_predictions (store, model_id, 1, 1, inputs, outputs, NULL, &id, NULL, &error));
  g_assert_no_error (error);
  sql = sqlite3_mprintf ("UPDATE predictions SET created = %Q, actual = %Q WHERE id = %lld",
                         created, actual, (long long) id);
  raw_exec (db, sql);
  sqlite3_free (g_steal_pointer (&sql));
}

static AxAnomalyRecord *
anomaly (gint64     row,
         AxSeverity severity,
         double     score)
{
  AxAnomalyRecord *a = g_new0 (AxAnomalyRecord, 1);

  a->dataset_row = row;
  a->time = 19700.0 + row;
  a->score = score;
  a->raw_score = score;
  a->severity = severity;
  a->actual = g_strdup_printf ("{\"sales\": %d}", (int) (100 + row));
  a->expected = g_strdup ("{\"sales\": {\"low\": 10, \"high\": 20}}");
  a->context = g_strdup ("{}");
  a->root_cause = g_strdup ("[{\"metric\": \"sales\", \"share\": 1, \"direction\": \"above\"}]");
  return a;
}

/* A run of detection @name finishing at @finished with anomalies of
 * @severities (one per row); their ids go to @ids. */
static void
detect (AxStore          *store,
        const char       *name,
        const char       *finished,
        const AxSeverity *severities,
        guint             n,
        gint64           *ids)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) anomalies = g_ptr_array_new_with_free_func ((GDestroyNotify) ax_anomaly_record_free);
  AxDetectionInfo detection = { .name = (char *) name, .config = (char *) "{}",
                                .anomaly_type = (char *) "revenue_anomaly",
                                .algorithm = (char *) "robust_zscore", .dataset = (char *) "sales",
                                .rows_scored_until = 20 };
  AxDetectionRun run = { .started = (char *) finished, .finished = (char *) finished,
                         .rows_scored = 20, .n_anomalies = n,
                         .thresholds = (char *) "{\"low\": 0.5, \"medium\": 0.7, \"high\": 0.85, \"critical\": 0.95}" };

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (anomalies, anomaly (i, severities[i], 0.5 + 0.1 * i));
  g_assert_true (ax_store_save_detection_run (store, &detection, &run, FALSE,
                                              (AxAnomalyRecord *const *) anomalies->pdata, n,
                                              NULL, NULL, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < n; i++)
    ids[i] = ((AxAnomalyRecord *) anomalies->pdata[i])->id;
}

typedef struct {
  gint64 price, churn, old;
  gint64 march[4];     /* anomalies of the run of 2024-03-01 */
  gint64 february[2];  /* of the run of 2024-02-01 */
} Known;

/* The project every test reads:
 * - dataset "sales" (3 rows);
 * - "price" (price_optimization, regression: test R² 0.95), "churn"
 *   (churn_prediction, classification: no test rows, validation accuracy
 *   0.8), "old" (churn_prediction, deactivated);
 * - predictions of price: 2 on 2024-03-10 (100 → actual 110, 50 → 50),
 *   2 on 2024-03-01 (no actual); of churn: 3 on 2024-01-01 ("yes" →
 *   "yes", "yes" → {"value": "no"}, "no" → none);
 * - run of "orders" at 2024-03-01: low, medium, high, critical, of which
 *   the high one is resolved and the low one a false positive; run of
 *   "returns" at 2024-02-01: critical, low (both open). */
static void
make_project (Fixture *fx,
              Known   *k)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *csv = fixture_path (fx, "sales.csv");
  g_autoptr(GFile) file = NULL;
  AxImportOptions options = { .name = "sales" };
  AxImportResult result = { 0 };
  g_autoptr(AxStore) store = NULL;
  sqlite3 *db;
  static const AxSeverity march[] = { AX_SEVERITY_LOW, AX_SEVERITY_MEDIUM, AX_SEVERITY_HIGH, AX_SEVERITY_CRITICAL };
  static const AxSeverity february[] = { AX_SEVERITY_CRITICAL, AX_SEVERITY_LOW };

  store = ax_store_create (fx->project, &error);
  g_assert_no_error (error);
  g_clear_pointer (&store, ax_store_close);
  write_file (fx, "sales.csv", "day,sales\n2024-01-01,10\n2024-01-02,12\n2024-01-03,90\n", -1);
  file = g_file_new_for_path (csv);
  g_assert_true (ax_import_file (fx->project, file, &options, NULL, NULL, NULL, &result, &error));
  g_assert_no_error (error);
  ax_import_result_clear (&result);

  store = ax_store_open (fx->project, &error);
  g_assert_no_error (error);
  db = raw_open (fx->project, SQLITE_OPEN_READWRITE);
  k->price = save_model (store, "price", "price_optimization",
                         "{\"task\": \"regression\", \"validation\": {\"r2\": 0.9}, \"test\": {\"r2\": 0.95}}");
  k->churn = save_model (store, "churn", "churn_prediction",
                         "{\"task\": \"classification\", \"validation\": {\"accuracy\": 0.8}, \"test\": null}");
  k->old = save_model (store, "old", "churn_prediction",
                       "{\"task\": \"classification\", \"validation\": {\"accuracy\": 0.7}, \"test\": null}");
  raw_exec (db, "UPDATE models SET is_active = 0 WHERE name = 'old'");
  raw_exec (db, "UPDATE models SET deployed = '2024-03-05T08:00:00Z' WHERE name = 'price'");

  predict (store, db, k->price, "100", "2024-03-10T09:00:00Z", "110");
  predict (store, db, k->price, "50", "2024-03-10T10:00:00Z", "50");
  predict (store, db, k->price, "70", "2024-03-01T10:00:00Z", NULL);
  predict (store, db, k->price, "80", "2024-03-01T11:00:00Z", NULL);
  predict (store, db, k->churn, "\"yes\"", "2024-01-01T10:00:00Z", "\"yes\"");
  predict (store, db, k->churn, "\"yes\"", "2024-01-01T10:00:00Z", "{\"value\": \"no\"}");
  predict (store, db, k->churn, "\"no\"", "2024-01-01T10:00:00Z", NULL);

  detect (store, "orders", "2024-03-01T10:00:00Z", march, 4, k->march);
  detect (store, "returns", "2024-02-01T10:00:00Z", february, 2, k->february);
  g_assert_true (ax_store_resolve_anomaly (store, k->march[2], "Promotion ran that day", FALSE, NULL, &error));
  g_assert_true (ax_store_resolve_anomaly (store, k->march[0], "Stock count", TRUE, "Known restock", &error));
  g_assert_no_error (error);
  sqlite3_close (db);
}

static AxDashboard *
query (Fixture           *fx,
       AxDashboardFilter *filter)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AxStore) store = ax_store_open (fx->project, &error);
  AxDashboard *d;

  g_assert_no_error (error);
  filter->now = NOW;
  d = ax_dashboard_query (store, filter, &error);
  g_assert_no_error (error);
  g_assert_nonnull (d);
  return d;
}

static AxDashboardModel *
find_model (AxDashboard *d,
            const char  *name)
{
  for (guint i = 0; i < d->models->len; i++)
    {
      AxDashboardModel *m = g_ptr_array_index (d->models, i);
      if (g_str_equal (m->name, name))
        return m;
    }
  return NULL;
}

static void
test_everything (Fixture       *fx,
                 gconstpointer  data)
{
  Known k;
  AxDashboardFilter filter;
  g_autoptr(AxDashboard) d = NULL;
  AxDashboardModel *price, *churn, *old;
  const AxDashboardDay *day;
  const AxDashboardAccuracy *acc;
  const AxDashboardAnomaly *a;

  make_project (fx, &k);
  ax_dashboard_filter_init (&filter);
  d = query (fx, &filter);

  g_assert_cmpuint (d->n_datasets, ==, 1);
  g_assert_cmpuint (d->n_models_total, ==, 3);
  g_assert_cmpuint (d->n_detections, ==, 2);
  g_assert_cmpuint (d->n_detections_enabled, ==, 2);
  g_assert_cmpint (d->n_predictions_total, ==, 7);
  g_assert_cmpint (d->n_anomalies_total, ==, 6);
  g_assert_cmpuint (d->n_models_active, ==, 2);
  g_assert_cmpuint (d->n_models_inactive, ==, 1);
  g_assert_cmpint (d->n_predictions, ==, 7);
  g_assert_cmpint (d->n_actuals, ==, 4);
  g_assert_cmpint (d->n_anomalies, ==, 6);
  g_assert_cmpint (d->n_unresolved, ==, 4);
  g_assert_cmpint (d->n_resolved, ==, 1);
  g_assert_cmpint (d->n_false_positive, ==, 1);
  g_assert_cmpint (d->by_severity[AX_SEVERITY_LOW], ==, 2);
  g_assert_cmpint (d->by_severity[AX_SEVERITY_MEDIUM], ==, 1);
  g_assert_cmpint (d->by_severity[AX_SEVERITY_HIGH], ==, 1);
  g_assert_cmpint (d->by_severity[AX_SEVERITY_CRITICAL], ==, 2);
  g_assert_cmpstrv (d->model_types, ((const char *[]) { "churn_prediction", "price_optimization", NULL }));

  /* Models, by name, with their headline metric and volume. */
  g_assert_cmpuint (d->models->len, ==, 3);
  g_assert_cmpstr (((AxDashboardModel *) d->models->pdata[0])->name, ==, "churn");
  price = find_model (d, "price");
  churn = find_model (d, "churn");
  old = find_model (d, "old");
  g_assert_cmpstr (price->task, ==, "regression");
  g_assert_cmpstr (price->metric_name, ==, "r2");
  g_assert_cmpfloat_with_epsilon (price->metric_value, 0.95, 1e-12);   /* test rows first */
  g_assert_cmpint (price->n_predictions, ==, 4);
  g_assert_cmpint (price->n_actuals, ==, 2);
  g_assert_cmpstr (price->deployed, ==, "2024-03-05T08:00:00Z");
  g_assert_true (price->is_active);
  g_assert_cmpuint (price->n_versions, ==, 1);
  g_assert_cmpuint (price->active_version, ==, 1);
  g_assert_nonnull (price->last_trained);
  g_assert_cmpstr (churn->metric_name, ==, "accuracy");
  g_assert_cmpfloat_with_epsilon (churn->metric_value, 0.8, 1e-12);   /* no test rows: validation */
  g_assert_cmpint (churn->n_predictions, ==, 3);
  g_assert_null (churn->deployed);
  g_assert_false (old->is_active);
  g_assert_cmpint (old->n_predictions, ==, 0);

  /* Daily volume, oldest first, only days with predictions. */
  g_assert_cmpuint (d->daily->len, ==, 3);
  day = &g_array_index (d->daily, AxDashboardDay, 0);
  g_assert_cmpint (day->day, ==, day_of ("2024-01-01T00:00:00Z"));
  g_assert_cmpint (day->n, ==, 3);
  day = &g_array_index (d->daily, AxDashboardDay, 1);
  g_assert_cmpint (day->day, ==, day_of ("2024-03-01T00:00:00Z"));
  g_assert_cmpint (day->n, ==, 2);
  day = &g_array_index (d->daily, AxDashboardDay, 2);
  g_assert_cmpint (day->day, ==, day_of ("2024-03-10T00:00:00Z"));
  g_assert_cmpint (day->n, ==, 2);

  /* Accuracy: churn 1 right of 2 on 2024-01-01 (a bare actual and one in
   * an object); price 1 − mean(|100−110|/110, 0) on 2024-03-10. */
  g_assert_cmpuint (d->accuracy->len, ==, 2);
  acc = &g_array_index (d->accuracy, AxDashboardAccuracy, 0);
  g_assert_cmpint (acc->model_id, ==, k.churn);
  g_assert_cmpint (acc->day, ==, day_of ("2024-01-01T00:00:00Z"));
  g_assert_cmpuint (acc->n, ==, 2);
  g_assert_cmpfloat_with_epsilon (acc->accuracy, 0.5, 1e-12);
  acc = &g_array_index (d->accuracy, AxDashboardAccuracy, 1);
  g_assert_cmpint (acc->model_id, ==, k.price);
  g_assert_cmpuint (acc->n, ==, 2);
  g_assert_cmpfloat_with_epsilon (acc->accuracy, 1.0 - (10.0 / 110.0) / 2, 1e-12);

  /* The latest anomalies: the March run's first, most recent data first. */
  g_assert_cmpuint (d->recent->len, ==, 6);
  a = d->recent->pdata[0];
  g_assert_cmpint (a->id, ==, k.march[3]);
  g_assert_cmpint (a->severity, ==, AX_SEVERITY_CRITICAL);
  g_assert_cmpint (a->status, ==, AX_ANOMALY_STATUS_OPEN);
  g_assert_cmpstr (a->detection_name, ==, "orders");
  g_assert_cmpstr (a->dataset, ==, "sales");
  g_assert_cmpstr (a->metric, ==, "sales");
  g_assert_cmpfloat (a->actual, ==, 103);
  g_assert_cmpfloat (a->expected_low, ==, 10);
  g_assert_cmpfloat (a->expected_high, ==, 20);
  g_assert_cmpfloat (a->time, ==, 19703);
  g_assert_cmpint (((AxDashboardAnomaly *) d->recent->pdata[1])->status, ==, AX_ANOMALY_STATUS_RESOLVED);
  g_assert_cmpint (((AxDashboardAnomaly *) d->recent->pdata[3])->status, ==, AX_ANOMALY_STATUS_FALSE_POSITIVE);
  g_assert_cmpint (((AxDashboardAnomaly *) d->recent->pdata[4])->id, ==, k.february[1]);

  /* The figures agree with the store's own lists. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(AxStore) store = ax_store_open (fx->project, &error);
    g_autoptr(GPtrArray) models = ax_store_list_models (store, &error);
    g_autoptr(GPtrArray) all = ax_store_list_anomalies (store, NULL, &error);
    gint64 n = 0;

    g_assert_no_error (error);
    for (guint i = 0; i < models->len; i++)
      {
        AxModelInfo *info = models->pdata[i];
        g_assert_cmpint (find_model (d, info->name)->n_predictions, ==, info->n_predictions);
        n += info->n_predictions;
      }
    g_assert_cmpint (n, ==, d->n_predictions);
    g_assert_cmpint (all->len, ==, d->n_anomalies);
  }
}

static void
test_filters (Fixture       *fx,
              gconstpointer  data)
{
  Known k;
  AxDashboardFilter filter;

  make_project (fx, &k);

  /* The last 30 days (from 2024-02-09T12:00): March's predictions and
   * anomalies only; models are counted whatever their age. */
  {
    g_autoptr(AxDashboard) d = NULL;
    ax_dashboard_filter_init (&filter);
    filter.days = 30;
    d = query (fx, &filter);
    g_assert_cmpint (d->since, ==, NOW - 30 * 86400);
    g_assert_cmpuint (d->n_models_active, ==, 2);
    g_assert_cmpint (d->n_predictions, ==, 4);
    g_assert_cmpint (d->n_actuals, ==, 2);
    g_assert_cmpint (find_model (d, "churn")->n_predictions, ==, 0);
    g_assert_cmpuint (d->daily->len, ==, 2);
    g_assert_cmpuint (d->accuracy->len, ==, 1);
    g_assert_cmpint (d->n_anomalies, ==, 4);
    g_assert_cmpint (d->n_unresolved, ==, 2);
    g_assert_cmpint (d->by_severity[AX_SEVERITY_CRITICAL], ==, 1);
    g_assert_cmpuint (d->recent->len, ==, 4);
    /* The totals are of the whole project. */
    g_assert_cmpint (d->n_predictions_total, ==, 7);
    g_assert_cmpint (d->n_anomalies_total, ==, 6);
  }

  /* The last 7 days (from 2024-03-03T12:00): two predictions, no anomaly. */
  {
    g_autoptr(AxDashboard) d = NULL;
    ax_dashboard_filter_init (&filter);
    filter.days = 7;
    d = query (fx, &filter);
    g_assert_cmpint (d->n_predictions, ==, 2);
    g_assert_cmpint (d->n_anomalies, ==, 0);
    g_assert_cmpuint (d->recent->len, ==, 0);
  }

  /* Churn models only. */
  {
    g_autoptr(AxDashboard) d = NULL;
    ax_dashboard_filter_init (&filter);
    filter.model_type = "churn_prediction";
    d = query (fx, &filter);
    g_assert_cmpuint (d->models->len, ==, 2);
    g_assert_null (find_model (d, "price"));
    g_assert_cmpuint (d->n_models_active, ==, 1);
    g_assert_cmpuint (d->n_models_inactive, ==, 1);
    g_assert_cmpint (d->n_predictions, ==, 3);
    g_assert_cmpuint (d->daily->len, ==, 1);
    g_assert_cmpuint (d->accuracy->len, ==, 1);
    /* Anomalies are not of a model. */
    g_assert_cmpint (d->n_anomalies, ==, 6);
    g_assert_cmpuint (d->n_models_total, ==, 3);
  }

  /* High and critical anomalies only, and a shorter list. */
  {
    g_autoptr(AxDashboard) d = NULL;
    ax_dashboard_filter_init (&filter);
    filter.min_severity = AX_SEVERITY_HIGH;
    filter.n_recent = 2;
    d = query (fx, &filter);
    g_assert_cmpint (d->n_anomalies, ==, 3);
    g_assert_cmpint (d->n_unresolved, ==, 2);
    g_assert_cmpint (d->n_resolved, ==, 1);
    g_assert_cmpint (d->by_severity[AX_SEVERITY_LOW], ==, 0);
    g_assert_cmpuint (d->recent->len, ==, 2);
    g_assert_cmpint (((AxDashboardAnomaly *) d->recent->pdata[0])->id, ==, k.march[3]);
    g_assert_cmpint (((AxDashboardAnomaly *) d->recent->pdata[1])->id, ==, k.march[2]);
    g_assert_cmpint (d->n_predictions, ==, 7);
  }
}

static void
test_empty (Fixture       *fx,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AxStore) store = ax_store_create (fx->project, &error);
  g_autoptr(AxDashboard) d = NULL;

  g_assert_no_error (error);
  d = ax_dashboard_query (store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (d->n_datasets, ==, 0);
  g_assert_cmpuint (d->n_models_total, ==, 0);
  g_assert_cmpuint (d->n_detections, ==, 0);
  g_assert_cmpint (d->n_predictions_total, ==, 0);
  g_assert_cmpint (d->n_anomalies_total, ==, 0);
  g_assert_cmpuint (d->models->len, ==, 0);
  g_assert_cmpuint (d->recent->len, ==, 0);
  g_assert_cmpuint (d->daily->len, ==, 0);
  g_assert_cmpuint (d->accuracy->len, ==, 0);
  g_assert_cmpstrv (d->model_types, ((const char *[]) { NULL }));
  g_assert_cmpint (d->since, ==, 0);
  g_assert_cmpint (llabs (d->now - g_get_real_time () / G_USEC_PER_SEC), <, 5);
}

static void
on_queried (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  *(GAsyncResult **) data = g_object_ref (result);
}

/* In a worker thread with its own connection, as the window does; and a
 * project that cannot be read gives an error, not a dashboard. */
static void
test_async (Fixture       *fx,
            gconstpointer  data)
{
  Known k;
  AxDashboardFilter filter;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(AxDashboard) d = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *missing = fixture_path (fx, "missing.auspex");

  make_project (fx, &k);
  ax_dashboard_filter_init (&filter);
  filter.now = NOW;
  filter.days = 30;
  filter.model_type = "price_optimization";
  ax_dashboard_query_async (fx->project, &filter, NULL, on_queried, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  d = ax_dashboard_query_finish (result, &error);
  g_assert_no_error (error);
  g_assert_cmpint (d->n_predictions, ==, 4);
  g_assert_cmpuint (d->models->len, ==, 1);
  g_clear_object (&result);

  ax_dashboard_query_async (missing, NULL, NULL, on_queried, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (ax_dashboard_query_finish (result, &error));
  g_assert_nonnull (error);
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  TEST ("/core/dashboard/everything", test_everything);
  TEST ("/core/dashboard/filters", test_filters);
  TEST ("/core/dashboard/empty", test_empty);
  TEST ("/core/dashboard/async", test_async);

  return g_test_run ();
}
