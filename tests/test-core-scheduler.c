/* test-core-scheduler.c — when monitoring is due, and the scheduler doing it
 *
 * The due logic is checked on known dates; the scheduler itself on a small
 * project of its own (a daily series with one planted spike), with its
 * clock set by the test so that nothing waits for real time to pass.
 */

#include "ax-config.h"

#include <glib/gstdio.h>

#include "ax-detect-job.h"
#include "ax-import.h"
#include "ax-model-admin.h"
#include "ax-train.h"
#include "ax-store-models.h"
#include "ax-scheduler.h"
#include "ax-store-anomalies.h"
#include "ax-store-datasets.h"
#include "ax-test-util.h"

static void
fixture_set_up (Fixture       *fx,
                gconstpointer  data)
{
  fixture_init (fx, "ax-test-scheduler-XXXXXX");
}

static GDateTime *
utc (const char *iso)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_utc ();
  GDateTime *t = g_date_time_new_from_iso8601 (iso, tz);

  g_assert_nonnull (t);
  return t;
}

static void
assert_next_due (const char *frequency,
                 const char *last,
                 const char *expected)
{
  g_autoptr(GDateTime) last_run = last ? utc (last) : NULL;
  g_autoptr(GDateTime) due = ax_schedule_next_due (frequency, last_run);
  g_autofree char *text = NULL;

  if (expected == NULL)
    {
      g_assert_null (due);
      return;
    }
  g_assert_nonnull (due);
  text = g_date_time_format_iso8601 (due);
  g_assert_cmpstr (text, ==, expected);
}

static void
test_next_due (Fixture *fx, gconstpointer data)
{
  assert_next_due ("hourly", "2024-03-10T23:30:00Z", "2024-03-11T00:30:00Z");
  assert_next_due ("daily", "2024-02-28T08:00:00Z", "2024-02-29T08:00:00Z");
  assert_next_due ("weekly", "2024-12-28T08:00:00Z", "2025-01-04T08:00:00Z");
  /* A month from the last day of January is the last day of February. */
  assert_next_due ("monthly", "2024-01-31T08:00:00Z", "2024-02-29T08:00:00Z");
  assert_next_due ("monthly", "2023-11-15T08:00:00Z", "2023-12-15T08:00:00Z");
  /* Never run: due at once. */
  assert_next_due ("daily", NULL, "1970-01-01T00:00:00Z");
  /* Not a schedule: only run by hand. */
  assert_next_due ("manual", "2024-01-01T00:00:00Z", NULL);
  assert_next_due ("fortnightly", "2024-01-01T00:00:00Z", NULL);
  assert_next_due (NULL, "2024-01-01T00:00:00Z", NULL);
}

static void
test_is_due (Fixture *fx, gconstpointer data)
{
  g_autoptr(GDateTime) t1 = utc ("2024-05-01T10:58:30Z");
  g_autoptr(GDateTime) t2 = utc ("2024-05-01T10:59:30Z");
  g_autoptr(GDateTime) t3 = utc ("2024-05-02T09:59:00Z");
  g_autoptr(GDateTime) t4 = utc ("2024-05-02T10:00:00Z");

  /* Hourly after 10:00: not at 10:58:30, at 10:59:30 (the minute's slack). */
  g_assert_false (ax_schedule_is_due ("hourly", "2024-05-01T10:00:00Z", t1));
  g_assert_true (ax_schedule_is_due ("hourly", "2024-05-01T10:00:00Z", t2));
  /* Daily: a day on, less the slack. */
  g_assert_false (ax_schedule_is_due ("daily", "2024-05-01T10:00:30Z", t3));
  g_assert_true (ax_schedule_is_due ("daily", "2024-05-01T10:00:30Z", t4));
  g_assert_false (ax_schedule_is_due ("weekly", "2024-05-01T10:00:00Z", t4));
  g_assert_true (ax_schedule_is_due ("weekly", NULL, t1));
  g_assert_false (ax_schedule_is_due ("manual", NULL, t1));
}

/* The scheduler on a project */

typedef struct {
  guint       n_checks;
  guint       n_done_total;
  GPtrArray  *names;       /* of the detections run */
  guint       n_anomalies;
  guint       n_high;      /* high or critical */
  guint       n_failed;
} Seen;

static void
on_detection_finished (AxScheduler *scheduler,
                       gint64       id,
                       const char  *name,
                       GPtrArray   *anomalies,
                       Seen        *seen)
{
  g_assert_cmpint (id, >, 0);
  g_ptr_array_add (seen->names, g_strdup (name));
  seen->n_anomalies += anomalies->len;
  for (guint i = 0; i < anomalies->len; i++)
    {
      AxAnomalyRecord *a = anomalies->pdata[i];
      g_assert_cmpint (a->id, >, 0);
      if (a->severity >= AX_SEVERITY_HIGH)
        seen->n_high++;
    }
}

static void
on_failed (AxScheduler *scheduler,
           const char  *what,
           const char  *message,
           Seen        *seen)
{
  g_test_message ("failed: %s: %s", what, message);
  seen->n_failed++;
}

static void
on_check_finished (AxScheduler *scheduler,
                   guint        n_done,
                   Seen        *seen)
{
  seen->n_checks++;
  seen->n_done_total += n_done;
}

static GDateTime *
test_now (gpointer data)
{
  return g_date_time_ref (*(GDateTime **) data);
}

/* Runs one check to its end. */
static void
check (AxScheduler *scheduler,
       Seen        *seen)
{
  guint before = seen->n_checks;

  g_assert_true (ax_scheduler_check_now (scheduler));
  g_assert_true (ax_scheduler_get_busy (scheduler));
  /* One at a time: a second check is refused while the first runs. */
  g_assert_false (ax_scheduler_check_now (scheduler));
  while (seen->n_checks == before)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (ax_scheduler_get_busy (scheduler));
}

static void
write_series (Fixture *fx,
              guint    n_days,
              guint    spike_day)
{
  g_autoptr(GString) csv = g_string_new ("date,sales\n");
  g_autoptr(GDateTime) start = utc ("2023-01-01T00:00:00Z");

  for (guint d = 0; d < n_days; d++)
    {
      g_autoptr(GDateTime) day = g_date_time_add_days (start, d);
      g_autofree char *date = g_date_time_format (day, "%Y-%m-%d");
      double value = 100 + 10 * ((d * 7919) % 13) / 13.0;

      if (d == spike_day)
        value = 400;
      g_string_append_printf (csv, "%s,%.2f\n", date, value);
    }
  write_file (fx, "sales.csv", csv->str, (gssize) csv->len);
}

static void
import_series (Fixture *fx)
{
  g_autofree char *path = fixture_path (fx, "sales.csv");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  AxImportOptions options = { .name = "sales" };
  AxImportResult result = { 0 };

  g_assert_true (ax_import_file (fx->project, file, &options, NULL, NULL, NULL, &result, &error));
  g_assert_no_error (error);
  ax_import_result_clear (&result);
}

static const char *config_json =
  "{\"detection_name\": \"sales watch\", \"anomaly_type\": \"revenue_anomaly\","
  " \"algorithm\": \"robust_zscore\", \"dataset\": \"sales\", \"time_column\": \"date\","
  " \"monitored_metrics\": [\"sales\"], \"detection_frequency\": \"daily\"}";

static void
test_runs_due_detections (Fixture *fx, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AxScheduler) scheduler = NULL;
  g_autoptr(AxStore) store = NULL;
  g_autoptr(AxDetectionInfo) info = NULL;
  g_autoptr(GDateTime) last = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  AxDetectResult result = { 0 };
  Seen seen = { .names = g_ptr_array_new_with_free_func (g_free) };

  write_series (fx, 120, 1000);
  store = ax_store_create (fx->project, &error);
  g_assert_no_error (error);
  g_clear_pointer (&store, ax_store_close);
  import_series (fx);
  /* The first run, by hand, creates the detection (no spike yet). */
  g_assert_true (ax_detect_run (fx->project, config_json, NULL, NULL, NULL, &result, &error));
  g_assert_no_error (error);
  ax_detect_result_clear (&result);

  store = ax_store_open (fx->project, &error);
  g_assert_no_error (error);
  info = ax_store_get_detection (store, 0, "sales watch", &error);
  g_assert_no_error (error);
  g_assert_true (info->enabled);
  g_assert_cmpuint (info->n_runs, ==, 1);
  last = utc (info->last_run);

  scheduler = ax_scheduler_new (fx->project);
  ax_scheduler_set_now_func (scheduler, test_now, &now, NULL);
  g_signal_connect (scheduler, "detection-finished", G_CALLBACK (on_detection_finished), &seen);
  g_signal_connect (scheduler, "failed", G_CALLBACK (on_failed), &seen);
  g_signal_connect (scheduler, "check-finished", G_CALLBACK (on_check_finished), &seen);

  /* Two hours after the daily run: nothing due. */
  now = g_date_time_add_hours (last, 2);
  check (scheduler, &seen);
  g_assert_cmpuint (seen.n_done_total, ==, 0);
  g_assert_cmpuint (seen.names->len, ==, 0);

  /* New data with a spike arrives; a day later the detection runs and
   * finds it, a high or critical anomaly. */
  write_series (fx, 130, 125);
  {
    g_autoptr(AxDatasetInfo) old = ax_store_get_dataset (store, 0, "sales", &error);
    g_assert_no_error (error);
    g_assert_true (ax_store_delete_dataset (store, old->id, &error));
    g_assert_no_error (error);
  }
  g_clear_pointer (&store, ax_store_close);
  import_series (fx);
  g_clear_pointer (&now, g_date_time_unref);
  now = g_date_time_add_hours (last, 25);
  check (scheduler, &seen);
  g_assert_cmpuint (seen.n_failed, ==, 0);
  g_assert_cmpuint (seen.n_done_total, ==, 1);
  g_assert_cmpuint (seen.names->len, ==, 1);
  g_assert_cmpstr (seen.names->pdata[0], ==, "sales watch");
  g_assert_cmpuint (seen.n_anomalies, >=, 1);
  g_assert_cmpuint (seen.n_high, >=, 1);

  store = ax_store_open (fx->project, &error);
  g_assert_no_error (error);
  g_clear_pointer (&info, ax_detection_info_free);
  info = ax_store_get_detection (store, 0, "sales watch", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (info->n_runs, ==, 2);

  /* Just run: not due again two hours after that run... */
  g_clear_pointer (&last, g_date_time_unref);
  last = utc (info->last_run);
  g_clear_pointer (&now, g_date_time_unref);
  now = g_date_time_add_hours (last, 2);
  check (scheduler, &seen);
  g_assert_cmpuint (seen.n_done_total, ==, 1);

  /* ...but due two days on; unless monitoring is turned off. */
  g_assert_true (ax_store_set_detection_enabled (store, info->id, FALSE, &error));
  g_assert_no_error (error);
  g_clear_pointer (&now, g_date_time_unref);
  now = g_date_time_add_days (last, 30);
  check (scheduler, &seen);
  g_assert_cmpuint (seen.n_done_total, ==, 1);
  g_clear_pointer (&info, ax_detection_info_free);
  info = ax_store_get_detection (store, 0, "sales watch", &error);
  g_assert_false (info->enabled);
  g_assert_cmpuint (info->n_runs, ==, 2);

  g_assert_true (ax_store_set_detection_enabled (store, info->id, TRUE, &error));
  check (scheduler, &seen);
  g_assert_cmpuint (seen.n_done_total, ==, 2);
  g_assert_cmpuint (seen.names->len, ==, 2);
  runs = ax_store_list_detection_runs (store, info->id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, ==, 3);

  /* An unknown detection id is refused by name. */
  g_assert_false (ax_store_set_detection_enabled (store, 9999, TRUE, &error));
  g_assert_error (error, AX_STORE_ERROR, AX_STORE_ERROR_NOT_FOUND);

  g_ptr_array_unref (seen.names);
}

/* A project that is gone is reported, not crashed on. */
static void
test_reports_failure (Fixture *fx, gconstpointer data)
{
  g_autofree char *missing = fixture_path (fx, "gone.auspex");
  g_autoptr(AxScheduler) scheduler = ax_scheduler_new (missing);
  Seen seen = { .names = g_ptr_array_new_with_free_func (g_free) };

  g_signal_connect (scheduler, "failed", G_CALLBACK (on_failed), &seen);
  g_signal_connect (scheduler, "check-finished", G_CALLBACK (on_check_finished), &seen);
  check (scheduler, &seen);
  g_assert_cmpuint (seen.n_failed, ==, 1);
  g_assert_cmpuint (seen.n_done_total, ==, 0);
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
  g_ptr_array_unref (seen.names);
}

typedef struct {
  guint  n;
  gint64 model_id;
  guint  version;
} Retrained;

static void
on_model_retrained (AxScheduler *scheduler,
                    gint64       id,
                    const char  *name,
                    guint        version,
                    const char  *why,
                    Retrained   *seen)
{
  g_assert_cmpstr (name, ==, "sales level");
  g_assert_nonnull (why);
  seen->n++;
  seen->model_id = id;
  seen->version = version;
}

/* A model set to retrain daily is trained again once a day has passed
 * since its latest version, and not before. */
static void
test_retrains_due_models (Fixture *fx, gconstpointer data)
{
  const char *model_json =
    "{\"model_name\": \"sales level\", \"model_type\": \"customer_lifetime_value\","
    " \"algorithm\": \"linear_regression\", \"dataset\": \"sales\", \"target\": \"sales\","
    " \"features\": [\"date\"]}";
  g_autoptr(GError) error = NULL;
  g_autoptr(AxScheduler) scheduler = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  Seen seen = { .names = g_ptr_array_new_with_free_func (g_free) };
  Retrained retrained = { 0 };
  AxTrainResult result = { 0 };

  write_series (fx, 120, 200);
  {
    g_autoptr(AxStore) store = ax_store_create (fx->project, &error);
    g_assert_no_error (error);
  }
  import_series (fx);
  g_assert_true (ax_train_model (fx->project, model_json, NULL, NULL, &result, &error));
  g_assert_no_error (error);
  {
    g_autoptr(AxStore) store = ax_store_open (fx->project, &error);
    g_assert_no_error (error);
    g_assert_true (ax_model_admin_set_retraining (store, result.model_id, "daily", NULL, 0, &error));
    g_assert_no_error (error);
  }

  scheduler = ax_scheduler_new (fx->project);
  ax_scheduler_set_now_func (scheduler, test_now, &now, NULL);
  g_signal_connect (scheduler, "model-retrained", G_CALLBACK (on_model_retrained), &retrained);
  g_signal_connect (scheduler, "failed", G_CALLBACK (on_failed), &seen);
  g_signal_connect (scheduler, "check-finished", G_CALLBACK (on_check_finished), &seen);

  /* Trained just now: not due. */
  check (scheduler, &seen);
  g_assert_cmpuint (retrained.n, ==, 0);

  /* A day and an hour later: version 2. */
  {
    GDateTime *later = g_date_time_add_hours (now, 25);
    g_date_time_unref (now);
    now = later;
  }
  check (scheduler, &seen);
  g_assert_cmpuint (seen.n_failed, ==, 0);
  g_assert_cmpuint (retrained.n, ==, 1);
  g_assert_cmpint (retrained.model_id, ==, result.model_id);
  g_assert_cmpuint (retrained.version, ==, 2);
  {
    g_autoptr(AxStore) store = ax_store_open (fx->project, &error);
    g_autoptr(GPtrArray) versions = ax_store_list_model_versions (store, result.model_id, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (versions->len, ==, 2);
  }
  ax_train_result_clear (&result);
  g_ptr_array_unref (seen.names);
}

int
main (int argc, char **argv)
{
  test_init_keep_going (&argc, &argv);

  TEST ("/core/scheduler/next-due", test_next_due);
  TEST ("/core/scheduler/is-due", test_is_due);
  TEST ("/core/scheduler/runs-due-detections", test_runs_due_detections);
  TEST ("/core/scheduler/reports-failure", test_reports_failure);
  TEST ("/core/scheduler/retrains-due-models", test_retrains_due_models);
  return g_test_run ();
}
