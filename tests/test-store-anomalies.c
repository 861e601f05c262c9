/* test-store-anomalies.c — anomaly detections, runs and anomalies in the project
 *
 * Saving a run with its anomalies, reading them back, the filters of the
 * list, resolving and marking false positives, the false-positive
 * feedback read back by metric name, later runs of the same detection,
 * deleting a detection with everything it owns, migrating a project from
 * the schema before anomalies, and what a failed save leaves behind.  The
 * anomalies are made here, not by the engine: the store keeps their JSON
 * without looking inside, but for the feedback.  The file is inspected
 * with the SQLite API directly where it matters, so that a test does not
 * trust the code it checks.
 */

#include <glib/gstdio.h>
#include <math.h>
#include <sqlite3.h>
#include <string.h>

#include "ax-store-anomalies.h"
#include "ax-store-datasets.h"
#include "ax-store-models.h"
#include "ax-test-util.h"

static void
fixture_set_up (Fixture       *fx,
                gconstpointer  data)
{
  fixture_init (fx, "ax-test-store-anomalies-XXXXXX");
}

/* The store */

static AxStore *
create_ok (const char *path)
{
  g_autoptr(GError) error = NULL;
  AxStore *store = ax_store_create (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (store);
  return store;
}

static AxStore *
open_ok (const char *path)
{
  g_autoptr(GError) error = NULL;
  AxStore *store = ax_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (store);
  return store;
}

/* What one run of a detection would hand the store. */
typedef struct {
  AxDetectionInfo  detection;
  AxDetectionRun   run;
  GPtrArray       *anomalies;   /* AxAnomalyRecord */
} Run;

static void
run_clear (Run *r)
{
  g_free (r->detection.config);
  g_free (r->run.started);
  g_free (r->run.finished);
  g_clear_pointer (&r->anomalies, g_ptr_array_unref);
}

/* An anomaly of row @row at day @time (NAN: none) with metrics
 * ridership = @ridership and temp = 20 + row. */
static AxAnomalyRecord *
make_anomaly (gint64      row,
              double      time,
              const char *group,
              double      score,
              AxSeverity  severity,
              double      ridership)
{
  AxAnomalyRecord *a = g_new0 (AxAnomalyRecord, 1);

  a->dataset_row = row;
  a->time = time;
  a->group_value = g_strdup (group);
  a->score = score;
  a->raw_score = MIN (1.0, score + 0.01);
  a->severity = severity;
  a->actual = g_strdup_printf ("{\"ridership\": %.3f, \"temp\": %d}", ridership, (int) (20 + row));
  a->expected = g_strdup ("{\"ridership\": {\"low\": 10, \"high\": 20}, \"temp\": {\"low\": 0, \"high\": 90}}");
  a->context = g_strdup_printf ("{\"previous\": [15.1, 15.2], \"row\": %" G_GINT64_FORMAT "}", row);
  a->root_cause = g_strdup ("[{\"metric\": \"ridership\", \"share\": 0.9, \"direction\": \"above\"},"
                            " {\"metric\": \"temp\", \"share\": 0.1, \"direction\": \"inside\"}]");
  return a;
}

/* A run of detection @name over rows @first .. @until - 1 of "chicago". */
static void
make_run (Run        *r,
          const char *name,
          const char *config_extra,
          gint64      first,
          gint64      until)
{
  memset (r, 0, sizeof *r);
  r->detection.name = (char *) name;
  r->detection.config = g_strdup_printf ("{\"detection_name\": \"%s\", \"algorithm\": \"robust_zscore\"%s}",
                                         name, config_extra ? config_extra : "");
  r->detection.anomaly_type = (char *) "operational_anomaly";
  r->detection.algorithm = (char *) "robust_zscore";
  r->detection.dataset = (char *) "chicago";
  r->detection.dataset_imported_at = (char *) "2024-02-01T09:00:00Z";
  r->detection.rows_scored_until = until;
  r->run.started = g_strdup ("2024-03-01T10:00:00Z");
  r->run.finished = g_strdup ("2024-03-01T10:00:02Z");
  r->run.first_row = first;
  r->run.rows_scored = until - first - 2;
  r->run.rows_skipped = 2;
  r->run.thresholds = (char *) "{\"low\": 0.5, \"medium\": 0.7, \"high\": 0.85, \"critical\": 0.95}";
  r->run.n_suppressed = 1;
  r->anomalies = g_ptr_array_new_with_free_func ((GDestroyNotify) ax_anomaly_record_free);
}

static void
save_run_ok (AxStore *store,
             Run     *r,
             gboolean supersede,
             gint64  *out_detection,
             gint64  *out_run)
{
  g_autoptr(GError) error = NULL;
  gint64 detection = 0, run = 0;

  r->run.n_anomalies = r->anomalies->len;
  g_assert_true (ax_store_save_detection_run (store, &r->detection, &r->run, supersede,
                                              (AxAnomalyRecord *const *) r->anomalies->pdata,
                                              r->anomalies->len, &detection, &run, &error));
  g_assert_no_error (error);
  g_assert_cmpint (detection, >, 0);
  g_assert_cmpint (run, >, 0);
  if (out_detection)
    *out_detection = detection;
  if (out_run)
    *out_run = run;
}

/* 2010-01-01 is day 14610 since 1970-01-01. */
#define DAY0 14610.0

/* Saves "ridership" (rows 100, 200, 300 on days DAY0 + row) and "weather"
 * (rows 5 and 6 with no time), returns their ids. */
static void
save_two (AxStore *store,
          gint64  *ridership,
          gint64  *weather)
{
  Run r;

  make_run (&r, "ridership", NULL, 0, 1000);
  g_ptr_array_add (r.anomalies, make_anomaly (100, DAY0 + 100, NULL, 0.72, AX_SEVERITY_MEDIUM, 30));
  g_ptr_array_add (r.anomalies, make_anomaly (200, DAY0 + 200, NULL, 0.97, AX_SEVERITY_CRITICAL, 45));
  g_ptr_array_add (r.anomalies, make_anomaly (300, DAY0 + 300, NULL, 0.55, AX_SEVERITY_LOW, 5));
  save_run_ok (store, &r, FALSE, ridership, NULL);
  run_clear (&r);

  make_run (&r, "weather", NULL, 0, 50);
  g_free (r.run.finished);
  r.run.finished = g_strdup ("2024-03-05T08:00:00Z");
  g_ptr_array_add (r.anomalies, make_anomaly (5, NAN, "north", 0.9, AX_SEVERITY_HIGH, 12));
  g_ptr_array_add (r.anomalies, make_anomaly (6, NAN, "south", 0.6, AX_SEVERITY_LOW, 13));
  save_run_ok (store, &r, FALSE, weather, NULL);
  run_clear (&r);
}

static GPtrArray *
list_ok (AxStore               *store,
         const AxAnomalyFilter *filter)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *list = ax_store_list_anomalies (store, filter, &error);

  g_assert_no_error (error);
  g_assert_nonnull (list);
  return list;
}

/* The dataset rows of @list, "100,200". */
static char *
rows_of (GPtrArray *list)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < list->len; i++)
    {
      AxAnomalyRecord *a = g_ptr_array_index (list, i);
      g_string_append_printf (s, "%s%" G_GINT64_FORMAT, i ? "," : "", a->dataset_row);
    }
  return g_string_free (s, FALSE);
}

static void
assert_rows (AxStore               *store,
             const AxAnomalyFilter *filter,
             const char            *expected)
{
  g_autoptr(GPtrArray) list = list_ok (store, filter);
  g_autofree char *rows = rows_of (list);

  g_assert_cmpstr (rows, ==, expected);
}

/* Saving and reading back */

static void
test_save_and_get (Fixture *fx, gconstpointer data)
{
  g_autoptr(AxStore) store = create_ok (fx->project);
  g_autoptr(GError) error = NULL;
  g_autoptr(AxDetectionInfo) info = NULL;
  g_autoptr(AxAnomalyRecord) got = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  Run r;
  gint64 detection = 0, run = 0, first_id;

  make_run (&r, "ridership", NULL, 0, 5698);
  g_ptr_array_add (r.anomalies, make_anomaly (3391, DAY0 + 0.25, NULL, 0.93, AX_SEVERITY_HIGH, 25.125));
  g_ptr_array_add (r.anomalies, make_anomaly (12, NAN, "O'Hare", 0.51, AX_SEVERITY_LOW, 3));
  save_run_ok (store, &r, FALSE, &detection, &run);

  /* The records are filled in with what the store gave them. */
  for (guint i = 0; i < r.anomalies->len; i++)
    {
      AxAnomalyRecord *a = g_ptr_array_index (r.anomalies, i);
      g_assert_cmpint (a->id, >, 0);
      g_assert_cmpint (a->detection_id, ==, detection);
      g_assert_cmpint (a->run_id, ==, run);
      g_assert_cmpstr (a->detected_at, ==, "2024-03-01T10:00:02Z");
      g_assert_cmpint (a->status, ==, AX_ANOMALY_STATUS_OPEN);
    }
  first_id = ((AxAnomalyRecord *) g_ptr_array_index (r.anomalies, 0))->id;

  info = ax_store_get_detection (store, 0, "ridership", &error);
  g_assert_no_error (error);
  g_assert_cmpint (info->id, ==, detection);
  g_assert_cmpstr (info->name, ==, "ridership");
  g_assert_cmpstr (info->config, ==, r.detection.config);
  g_assert_cmpstr (info->anomaly_type, ==, "operational_anomaly");
  g_assert_cmpstr (info->algorithm, ==, "robust_zscore");
  g_assert_cmpstr (info->dataset, ==, "chicago");
  g_assert_cmpstr (info->dataset_imported_at, ==, "2024-02-01T09:00:00Z");
  g_assert_cmpstr (info->last_run, ==, "2024-03-01T10:00:02Z");
  g_assert_nonnull (info->created);
  g_assert_cmpstr (info->created, ==, info->updated);
  g_assert_cmpint (info->rows_scored_until, ==, 5698);
  g_assert_cmpuint (info->n_runs, ==, 1);
  g_assert_cmpint (info->n_open, ==, 2);
  g_assert_cmpint (info->n_anomalies, ==, 2);
  g_clear_pointer (&info, ax_detection_info_free);
  info = ax_store_get_detection (store, detection, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (info->name, ==, "ridership");

  got = ax_store_get_anomaly (store, first_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (got->id, ==, first_id);
  g_assert_cmpint (got->detection_id, ==, detection);
  g_assert_cmpstr (got->detection_name, ==, "ridership");
  g_assert_cmpstr (got->dataset, ==, "chicago");
  g_assert_cmpint (got->run_id, ==, run);
  g_assert_cmpstr (got->detected_at, ==, "2024-03-01T10:00:02Z");
  g_assert_cmpint (got->dataset_row, ==, 3391);
  g_assert_cmpfloat (got->time, ==, DAY0 + 0.25);
  g_assert_null (got->group_value);
  g_assert_cmpfloat (got->score, ==, 0.93);
  g_assert_cmpfloat_with_epsilon (got->raw_score, 0.94, 1e-12);
  g_assert_cmpint (got->severity, ==, AX_SEVERITY_HIGH);
  g_assert_cmpstr (got->actual, ==, "{\"ridership\": 25.125, \"temp\": 3411}");
  g_assert_nonnull (strstr (got->expected, "\"low\": 10"));
  g_assert_cmpstr (got->context, ==, "{\"previous\": [15.1, 15.2], \"row\": 3391}");
  g_assert_nonnull (strstr (got->root_cause, "\"direction\": \"above\""));
  g_assert_cmpint (got->status, ==, AX_ANOMALY_STATUS_OPEN);
  g_assert_null (got->resolution_notes);
  g_assert_false (got->is_false_positive);
  g_assert_null (got->false_positive_reason);
  g_assert_null (got->resolved_at);
  g_clear_pointer (&got, ax_anomaly_record_free);

  /* No time and a group read back as such. */
  got = ax_store_get_anomaly (store, first_id + 1, &error);
  g_assert_no_error (error);
  g_assert_true (isnan (got->time));
  g_assert_cmpstr (got->group_value, ==, "O'Hare");
  g_assert_cmpint (got->severity, ==, AX_SEVERITY_LOW);

  g_assert_null (ax_store_get_anomaly (store, first_id + 100, &error));
  g_assert_error (error, AX_STORE_ERROR, AX_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (ax_store_get_detection (store, 0, "nothing", &error));
  g_assert_error (error, AX_STORE_ERROR, AX_STORE_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "nothing"));
  g_clear_error (&error);

  runs = ax_store_list_detection_runs (store, detection, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, ==, 1);
  {
    AxDetectionRun *x = g_ptr_array_index (runs, 0);
    g_assert_cmpint (x->id, ==, run);
    g_assert_cmpint (x->detection_id, ==, detection);
    g_assert_cmpstr (x->started, ==, "2024-03-01T10:00:00Z");
    g_assert_cmpstr (x->finished, ==, "2024-03-01T10:00:02Z");
    g_assert_cmpint (x->first_row, ==, 0);
    g_assert_cmpint (x->rows_scored, ==, 5696);
    g_assert_cmpint (x->rows_skipped, ==, 2);
    g_assert_cmpuint (x->n_anomalies, ==, 2);
    g_assert_cmpuint (x->n_suppressed, ==, 1);
    g_assert_nonnull (strstr (x->thresholds, "\"critical\": 0.95"));
  }
  run_clear (&r);
  g_clear_pointer (&store, ax_store_close);

  /* What is in the file, by SQL. */
  {
    sqlite3 *db = raw_open (fx->project, SQLITE_OPEN_READWRITE);
    g_autofree char *severity = raw_text (db, "SELECT group_concat(severity, ',') FROM "
                                              "(SELECT severity FROM anomalies ORDER BY id)");
    g_autofree char *status = raw_text (db, "SELECT group_concat(status, ',') FROM anomalies");
    g_assert_cmpstr (severity, ==, "high,low");
    g_assert_cmpstr (status, ==, "open,open");
    g_assert_cmpint (raw_int (db, "SELECT count(*) FROM anomalies WHERE time IS NULL"), ==, 1);
    g_assert_cmpint (raw_int (db, "SELECT count(*) FROM detection_runs"), ==, 1);
    sqlite3_close (db);
  }
}

static void
test_save_refused (Fixture *fx, gconstpointer data)
{
  g_autoptr(AxStore) store = create_ok (fx->project);
  g_autoptr(GError) error = NULL;
  Run r;

  /* No name. */
  make_run (&r, "", NULL, 0, 10);
  g_assert_false (ax_store_save_detection_run (store, &r.detection, &r.run, FALSE, NULL, 0, NULL, NULL, &error));
  g_assert_error (error, AX_STORE_ERROR, AX_STORE_ERROR_FAILED);
  g_clear_error (&error);
  run_clear (&r);

  /* An anomaly below "low" is not an anomaly. */
  make_run (&r, "ridership", NULL, 0, 10);
  g_ptr_array_add (r.anomalies, make_anomaly (1, DAY0, NULL, 0.9, AX_SEVERITY_HIGH, 30));
  g_ptr_array_add (r.anomalies, make_anomaly (2, DAY0, NULL, 0.1, AX_SEVERITY_NONE, 30));
  g_assert_false (ax_store_save_detection_run (store, &r.detection, &r.run, FALSE,
                                               (AxAnomalyRecord *const *) r.anomalies->pdata,
                                               r.anomalies->len, NULL, NULL, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  /* Nor is anything filled in. */
  g_assert_cmpint (((AxAnomalyRecord *) g_ptr_array_index (r.anomalies, 0))->id, ==, 0);
  run_clear (&r);

  g_clear_pointer (&store, ax_store_close);
  g_assert_cmpint (file_int (fx->project, "SELECT count(*) FROM detections"), ==, 0);
  g_assert_cmpint (file_int (fx->project, "SELECT count(*) FROM detection_runs"), ==, 0);
  g_assert_cmpint (file_int (fx->project, "SELECT count(*) FROM anomalies"), ==, 0);
}

/* Listing */

static void
test_list_filters (Fixture *fx, gconstpointer data)
{
  g_autoptr(AxStore) store = create_ok (fx->project);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) detections = NULL;
  AxAnomalyFilter f;
  gint64 ridership = 0, weather = 0;

  save_two (store, &ridership, &weather);

  detections = ax_store_list_detections (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (detections->len, ==, 2);
  g_assert_cmpstr (((AxDetectionInfo *) g_ptr_array_index (detections, 0))->name, ==, "ridership");
  g_assert_cmpstr (((AxDetectionInfo *) g_ptr_array_index (detections, 1))->name, ==, "weather");

  /* All, the most recent first: the weather anomalies have no time and
   * count by when they were detected (2024), after the 2010 data. */
  assert_rows (store, NULL, "5,6,300,200,100");
  ax_anomaly_filter_init (&f);
  assert_rows (store, &f, "5,6,300,200,100");

  f.detection_id = ridership;
  assert_rows (store, &f, "300,200,100");
  f.detection_id = weather;
  assert_rows (store, &f, "5,6");
  f.detection_id = weather + 100;
  assert_rows (store, &f, "");

  ax_anomaly_filter_init (&f);
  f.severity = AX_SEVERITY_LOW;
  assert_rows (store, &f, "6,300");
  f.severity = AX_SEVERITY_CRITICAL;
  assert_rows (store, &f, "200");
  f.detection_id = weather;
  assert_rows (store, &f, "");

  /* Data time: since is inclusive, until exclusive. */
  ax_anomaly_filter_init (&f);
  f.since = DAY0 + 200;
  f.until = DAY0 + 300;
  assert_rows (store, &f, "200");
  f.until = DAY0 + 300.5;
  assert_rows (store, &f, "300,200");
  f.since = NAN;
  assert_rows (store, &f, "300,200,100");
  /* Detected 2024-03-05T08:00:00Z is day 19787 + 1/3. */
  ax_anomaly_filter_init (&f);
  f.since = 19787;
  assert_rows (store, &f, "5,6");
  f.since = 19787.34;
  assert_rows (store, &f, "");
  f.since = NAN;
  f.until = 19787.33;
  assert_rows (store, &f, "300,200,100");

  /* Status. */
  ax_anomaly_filter_init (&f);
  f.status = AX_ANOMALY_STATUS_RESOLVED;
  assert_rows (store, &f, "");
  f.status = AX_ANOMALY_STATUS_OPEN;
  assert_rows (store, &f, "5,6,300,200,100");

  /* A limit keeps the first. */
  ax_anomaly_filter_init (&f);
  f.limit = 2;
  assert_rows (store, &f, "5,6");

  /* Combined. */
  ax_anomaly_filter_init (&f);
  f.detection_id = ridership;
  f.severity = AX_SEVERITY_MEDIUM;
  f.since = DAY0;
  f.until = DAY0 + 1000;
  assert_rows (store, &f, "100");
}

static void
test_status_names (Fixture *fx, gconstpointer data)
{
  AxAnomalyStatus s = AX_ANOMALY_STATUS_OPEN;

  g_assert_cmpstr (ax_anomaly_status_to_string (AX_ANOMALY_STATUS_OPEN), ==, "open");
  g_assert_cmpstr (ax_anomaly_status_to_string (AX_ANOMALY_STATUS_RESOLVED), ==, "resolved");
  g_assert_cmpstr (ax_anomaly_status_to_string (AX_ANOMALY_STATUS_FALSE_POSITIVE), ==, "false_positive");
  g_assert_true (ax_anomaly_status_from_string ("false_positive", &s));
  g_assert_cmpint (s, ==, AX_ANOMALY_STATUS_FALSE_POSITIVE);
  g_assert_true (ax_anomaly_status_from_string ("resolved", &s));
  g_assert_cmpint (s, ==, AX_ANOMALY_STATUS_RESOLVED);
  g_assert_false (ax_anomaly_status_from_string ("closed", &s));
  g_assert_false (ax_anomaly_status_from_string (NULL, &s));
  g_assert_cmpint (s, ==, AX_ANOMALY_STATUS_RESOLVED);
}

/* Resolving */

static gint64
anomaly_id_of_row (AxStore *store,
                   gint64   row)
{
  g_autoptr(GPtrArray) list = list_ok (store, NULL);

  for (guint i = 0; i < list->len; i++)
    {
      AxAnomalyRecord *a = g_ptr_array_index (list, i);
      if (a->dataset_row == row)
        return a->id;
    }
  g_error ("no anomaly of row %" G_GINT64_FORMAT, row);
  return 0;
}

static void
test_resolve (Fixture *fx, gconstpointer data)
{
  g_autoptr(AxStore) store = create_ok (fx->project);
  g_autoptr(GError) error = NULL;
  g_autoptr(AxAnomalyRecord) a = NULL;
  g_autoptr(AxDetectionInfo) info = NULL;
  AxAnomalyFilter f;
  gint64 ridership = 0, weather = 0, id100, id200, id5;

  save_two (store, &ridership, &weather);
  id100 = anomaly_id_of_row (store, 100);
  id200 = anomaly_id_of_row (store, 200);
  id5 = anomaly_id_of_row (store, 5);

  /* A genuine anomaly, dealt with. */
  g_assert_true (ax_store_resolve_anomaly (store, id200, "Revenue spike due to promotional campaign",
                                           FALSE, NULL, &error));
  g_assert_no_error (error);
  a = ax_store_get_anomaly (store, id200, &error);
  g_assert_no_error (error);
  g_assert_cmpint (a->status, ==, AX_ANOMALY_STATUS_RESOLVED);
  g_assert_cmpstr (a->resolution_notes, ==, "Revenue spike due to promotional campaign");
  g_assert_false (a->is_false_positive);
  g_assert_null (a->false_positive_reason);
  g_assert_nonnull (a->resolved_at);
  g_assert_true (g_str_has_suffix (a->resolved_at, "Z"));
  g_clear_pointer (&a, ax_anomaly_record_free);

  /* A false positive, with its reason. */
  g_assert_true (ax_store_resolve_anomaly (store, id100, "Checked with the CTA", TRUE,
                                           "Holiday service pattern", &error));
  g_assert_no_error (error);
  a = ax_store_get_anomaly (store, id100, &error);
  g_assert_no_error (error);
  g_assert_cmpint (a->status, ==, AX_ANOMALY_STATUS_FALSE_POSITIVE);
  g_assert_true (a->is_false_positive);
  g_assert_cmpstr (a->false_positive_reason, ==, "Holiday service pattern");
  g_clear_pointer (&a, ax_anomaly_record_free);

  /* ... and one without a reason. */
  g_assert_true (ax_store_resolve_anomaly (store, id5, "", TRUE, NULL, &error));
  g_assert_no_error (error);

  ax_anomaly_filter_init (&f);
  f.status = AX_ANOMALY_STATUS_OPEN;
  assert_rows (store, &f, "6,300");
  f.status = AX_ANOMALY_STATUS_RESOLVED;
  assert_rows (store, &f, "200");
  f.status = AX_ANOMALY_STATUS_FALSE_POSITIVE;
  assert_rows (store, &f, "5,100");
  f.detection_id = ridership;
  assert_rows (store, &f, "100");

  info = ax_store_get_detection (store, ridership, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (info->n_open, ==, 1);
  g_assert_cmpint (info->n_anomalies, ==, 3);

  /* A verdict may change: the false positive was genuine after all, and
   * its reason goes. */
  g_assert_true (ax_store_resolve_anomaly (store, id100, "On second thought, a real drop", FALSE, NULL, &error));
  g_assert_no_error (error);
  a = ax_store_get_anomaly (store, id100, &error);
  g_assert_no_error (error);
  g_assert_cmpint (a->status, ==, AX_ANOMALY_STATUS_RESOLVED);
  g_assert_false (a->is_false_positive);
  g_assert_null (a->false_positive_reason);
  g_assert_cmpstr (a->resolution_notes, ==, "On second thought, a real drop");
  g_clear_pointer (&a, ax_anomaly_record_free);

  /* Refused: a reason for something not a false positive, an unknown id. */
  g_assert_false (ax_store_resolve_anomaly (store, id200, "notes", FALSE, "why", &error));
  g_assert_error (error, AX_STORE_ERROR, AX_STORE_ERROR_FAILED);
  g_clear_error (&error);
  g_assert_false (ax_store_resolve_anomaly (store, id200 + 1000, "notes", FALSE, NULL, &error));
  g_assert_error (error, AX_STORE_ERROR, AX_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  a = ax_store_get_anomaly (store, id200, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (a->resolution_notes, ==, "Revenue spike due to promotional campaign");
}

/* Feedback */

static void
test_feedback (Fixture *fx, gconstpointer data)
{
  g_autoptr(AxStore) store = create_ok (fx->project);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) feedback = NULL;
  g_autoptr(GArray) values = NULL;
  g_autoptr(GArray) ids = NULL;
  static const char *const metrics[] = { "temp", "ridership", "humidity", NULL };
  gint64 ridership = 0, weather = 0, id100, id300, id6;

  save_two (store, &ridership, &weather);
  id100 = anomaly_id_of_row (store, 100);
  id300 = anomaly_id_of_row (store, 300);
  id6 = anomaly_id_of_row (store, 6);

  /* Nothing marked yet. */
  feedback = ax_store_get_feedback (store, ridership, metrics, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (feedback->len, ==, 0);
  g_clear_pointer (&feedback, g_array_unref);

  g_assert_true (ax_store_resolve_anomaly (store, id300, "normal", TRUE, "low on purpose", &error));
  g_assert_true (ax_store_resolve_anomaly (store, id100, "normal", TRUE, NULL, &error));
  g_assert_true (ax_store_resolve_anomaly (store, id6, "normal", TRUE, NULL, &error));
  g_assert_no_error (error);

  /* Oldest first, values in the order asked, NAN for a metric it lacks. */
  feedback = ax_store_get_feedback (store, ridership, metrics, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (feedback->len, ==, 2);
  {
    AxFeedback *f = &g_array_index (feedback, AxFeedback, 0);
    g_assert_null (f->group);
    g_assert_cmpuint (f->n_metrics, ==, 3);
    g_assert_cmpfloat (f->values[0], ==, 120);
    g_assert_cmpfloat (f->values[1], ==, 30);
    g_assert_true (isnan (f->values[2]));
    g_assert_cmpfloat_with_epsilon (f->score, 0.73, 1e-12);
    f = &g_array_index (feedback, AxFeedback, 1);
    g_assert_cmpfloat (f->values[0], ==, 320);
    g_assert_cmpfloat (f->values[1], ==, 5);
    g_assert_cmpfloat_with_epsilon (f->score, 0.56, 1e-12);
  }
  g_clear_pointer (&feedback, g_array_unref);

  /* Groups come along; other detections' marks do not. */
  feedback = ax_store_get_feedback (store, weather, metrics + 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (feedback->len, ==, 1);
  g_assert_cmpstr (g_array_index (feedback, AxFeedback, 0).group, ==, "south");
  g_assert_cmpuint (g_array_index (feedback, AxFeedback, 0).n_metrics, ==, 2);
  g_assert_cmpfloat (g_array_index (feedback, AxFeedback, 0).values[0], ==, 13);

  /* Every anomaly of a detection, or those of one status, with ids. */
  values = ax_store_get_anomaly_values (store, ridership, -1, metrics, &ids, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (values->len, ==, 3);
  g_assert_cmpuint (ids->len, ==, 3);
  g_assert_cmpint (g_array_index (ids, gint64, 0), ==, id100);
  g_assert_cmpint (g_array_index (ids, gint64, 2), ==, id300);
  g_assert_cmpfloat (g_array_index (values, AxFeedback, 1).values[1], ==, 45);
  g_clear_pointer (&values, g_array_unref);
  g_clear_pointer (&ids, g_array_unref);
  values = ax_store_get_anomaly_values (store, ridership, AX_ANOMALY_STATUS_OPEN, metrics, &ids, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (values->len, ==, 1);
  g_assert_cmpfloat_with_epsilon (g_array_index (values, AxFeedback, 0).score, 0.98, 1e-12);
}

/* Later runs */

static void
test_rerun (Fixture *fx, gconstpointer data)
{
  g_autoptr(AxStore) store = create_ok (fx->project);
  g_autoptr(GError) error = NULL;
  g_autoptr(AxDetectionInfo) before = NULL;
  g_autoptr(AxDetectionInfo) after = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  AxAnomalyFilter f;
  Run r;
  gint64 ridership = 0, weather = 0, again = 0, run = 0;

  save_two (store, &ridership, &weather);
  before = ax_store_get_detection (store, ridership, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ax_store_resolve_anomaly (store, anomaly_id_of_row (store, 100), "fine", TRUE, NULL, &error));
  g_assert_true (ax_store_resolve_anomaly (store, anomaly_id_of_row (store, 200), "fixed", FALSE, NULL, &error));
  g_assert_no_error (error);

  /* An incremental run, same configuration: anomalies add up, the
   * detection keeps its id and "updated", and moves on. */
  make_run (&r, "ridership", NULL, 1000, 1200);
  g_free (r.run.finished);
  r.run.finished = g_strdup ("2024-03-02T10:00:00Z");
  g_ptr_array_add (r.anomalies, make_anomaly (1100, DAY0 + 1100, NULL, 0.8, AX_SEVERITY_MEDIUM, 40));
  save_run_ok (store, &r, FALSE, &again, &run);
  run_clear (&r);
  g_assert_cmpint (again, ==, ridership);
  after = ax_store_get_detection (store, ridership, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (after->rows_scored_until, ==, 1200);
  g_assert_cmpstr (after->last_run, ==, "2024-03-02T10:00:00Z");
  g_assert_cmpstr (after->updated, ==, before->updated);
  g_assert_cmpstr (after->created, ==, before->created);
  g_assert_cmpuint (after->n_runs, ==, 2);
  g_assert_cmpint (after->n_anomalies, ==, 4);
  g_clear_pointer (&after, ax_detection_info_free);
  ax_anomaly_filter_init (&f);
  f.detection_id = ridership;
  assert_rows (store, &f, "1100,300,200,100");

  /* A changed configuration rescored everything: the open anomalies of
   * earlier runs are replaced, the judged ones kept. */
  make_run (&r, "ridership", ", \"window\": 90", 0, 1200);
  r.detection.algorithm = (char *) "seasonal";
  r.detection.dataset_imported_at = NULL;
  g_ptr_array_add (r.anomalies, make_anomaly (300, DAY0 + 300, NULL, 0.75, AX_SEVERITY_MEDIUM, 5));
  g_ptr_array_add (r.anomalies, make_anomaly (700, DAY0 + 700, NULL, 0.99, AX_SEVERITY_CRITICAL, 50));
  save_run_ok (store, &r, TRUE, &again, NULL);
  run_clear (&r);
  g_assert_cmpint (again, ==, ridership);
  after = ax_store_get_detection (store, ridership, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (after->algorithm, ==, "seasonal");
  g_assert_nonnull (strstr (after->config, "\"window\": 90"));
  g_assert_cmpint (after->rows_scored_until, ==, 1200);
  g_assert_null (after->dataset_imported_at);
  g_assert_cmpuint (after->n_runs, ==, 3);
  g_assert_cmpint (after->n_open, ==, 2);
  assert_rows (store, &f, "700,300,200,100");
  f.status = AX_ANOMALY_STATUS_OPEN;
  assert_rows (store, &f, "700,300");

  /* The other detection is untouched. */
  ax_anomaly_filter_init (&f);
  f.detection_id = weather;
  assert_rows (store, &f, "5,6");

  runs = ax_store_list_detection_runs (store, ridership, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, ==, 3);
  g_assert_cmpint (((AxDetectionRun *) g_ptr_array_index (runs, 1))->id, ==, run);
  g_assert_cmpint (((AxDetectionRun *) g_ptr_array_index (runs, 1))->first_row, ==, 1000);
  g_assert_cmpint (((AxDetectionRun *) g_ptr_array_index (runs, 1))->rows_scored, ==, 198);
  g_assert_cmpuint (((AxDetectionRun *) g_ptr_array_index (runs, 2))->n_anomalies, ==, 2);
}

/* Deleting */

static void
test_cascade_delete (Fixture *fx, gconstpointer data)
{
  g_autoptr(AxStore) store = create_ok (fx->project);
  g_autoptr(GError) error = NULL;
  gint64 ridership = 0, weather = 0;
  sqlite3 *db;

  save_two (store, &ridership, &weather);
  g_assert_true (ax_store_resolve_anomaly (store, anomaly_id_of_row (store, 100), "fine", TRUE, NULL, &error));
  g_assert_no_error (error);

  g_assert_true (ax_store_delete_detection (store, ridership, &error));
  g_assert_no_error (error);
  g_assert_false (ax_store_delete_detection (store, ridership, &error));
  g_assert_error (error, AX_STORE_ERROR, AX_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (ax_store_get_detection (store, ridership, NULL, &error));
  g_assert_error (error, AX_STORE_ERROR, AX_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  assert_rows (store, NULL, "5,6");
  g_clear_pointer (&store, ax_store_close);

  db = raw_open (fx->project, SQLITE_OPEN_READWRITE);
  g_assert_cmpint (raw_int (db, "SELECT count(*) FROM detections"), ==, 1);
  g_assert_cmpint (raw_int (db, "SELECT count(*) FROM detection_runs"), ==, 1);
  g_assert_cmpint (raw_int (db, "SELECT count(*) FROM anomalies"), ==, 2);
  g_assert_cmpint (raw_int (db, "SELECT count(*) FROM pragma_foreign_key_check"), ==, 0);
  sqlite3_close (db);

  /* The name is free again, with nothing of the old one. */
  store = open_ok (fx->project);
  {
    Run r;
    gint64 id = 0;
    g_autoptr(AxDetectionInfo) info = NULL;

    make_run (&r, "ridership", NULL, 0, 10);
    save_run_ok (store, &r, FALSE, &id, NULL);
    run_clear (&r);
    info = ax_store_get_detection (store, id, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (info->n_runs, ==, 1);
    g_assert_cmpint (info->n_anomalies, ==, 0);
  }
}

/* Migrating */

/* The schema of version 2 as released, with models but before anomalies:
 * what a project made by that Auspex holds. */
static const char schema_v2[] =
  "CREATE TABLE project ("
  "  key   TEXT PRIMARY KEY,"
  "  value TEXT NOT NULL);"
  "CREATE TABLE datasets ("
  "  id           INTEGER PRIMARY KEY,"
  "  name         TEXT NOT NULL UNIQUE,"
  "  table_name   TEXT NOT NULL UNIQUE,"
  "  source       TEXT NOT NULL,"
  "  format       TEXT NOT NULL,"
  "  encoding     TEXT NOT NULL,"
  "  imported_at  TEXT NOT NULL,"
  "  row_count    INTEGER NOT NULL,"
  "  skipped_rows INTEGER NOT NULL DEFAULT 0);"
  "CREATE TABLE dataset_columns ("
  "  dataset_id INTEGER NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,"
  "  position   INTEGER NOT NULL,"
  "  name       TEXT NOT NULL,"
  "  type       TEXT NOT NULL,"
  "  n_missing  INTEGER NOT NULL DEFAULT 0,"
  "  n_distinct INTEGER,"
  "  distinct_capped INTEGER NOT NULL DEFAULT 0,"
  "  min REAL, max REAL, mean REAL, sd REAL,"
  "  top        TEXT,"
  "  histogram  TEXT,"
  "  PRIMARY KEY (dataset_id, position));"
  "CREATE TABLE models ("
  "  id             INTEGER PRIMARY KEY,"
  "  name           TEXT NOT NULL UNIQUE,"
  "  model_type     TEXT NOT NULL,"
  "  algorithm      TEXT NOT NULL,"
  "  description    TEXT NOT NULL DEFAULT '',"
  "  created        TEXT NOT NULL,"
  "  updated        TEXT NOT NULL,"
  "  active_version INTEGER,"
  "  is_active      INTEGER NOT NULL DEFAULT 1);"
  "CREATE TABLE model_versions ("
  "  model_id     INTEGER NOT NULL REFERENCES models (id) ON DELETE CASCADE,"
  "  version      INTEGER NOT NULL CHECK (version >= 1),"
  "  created      TEXT NOT NULL,"
  "  config       TEXT NOT NULL CHECK (json_valid (config)),"
  "  metrics      TEXT NOT NULL CHECK (json_valid (metrics)),"
  "  curve        TEXT NOT NULL CHECK (json_valid (curve)),"
  "  importance   TEXT NOT NULL CHECK (json_valid (importance)),"
  "  dataset_name TEXT NOT NULL,"
  "  dataset_hash TEXT NOT NULL,"
  "  n_train      INTEGER NOT NULL,"
  "  n_valid      INTEGER NOT NULL,"
  "  n_test       INTEGER NOT NULL,"
  "  seconds      REAL NOT NULL,"
  "  blob         BLOB NOT NULL,"
  "  PRIMARY KEY (model_id, version));"
  "CREATE TABLE predictions ("
  "  id         INTEGER PRIMARY KEY,"
  "  model_id   INTEGER NOT NULL,"
  "  version    INTEGER NOT NULL,"
  "  created    TEXT NOT NULL,"
  "  input      TEXT NOT NULL CHECK (json_valid (input)),"
  "  output     TEXT NOT NULL CHECK (json_valid (output)),"
  "  FOREIGN KEY (model_id, version) REFERENCES model_versions (model_id, version) ON DELETE CASCADE);"
  "CREATE INDEX predictions_by_model ON predictions (model_id, id);"
  "CREATE INDEX predictions_by_version ON predictions (model_id, version);";

static void
test_migrate_from_2 (Fixture *fx, gconstpointer data)
{
  g_autoptr(AxStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(AxModelInfo) model = NULL;
  g_autoptr(AxDatasetInfo) info = NULL;
  g_autofree char *mode = NULL;
  sqlite3 *db;

  g_assert_cmpint (ax_store_schema_version (), >=, 3);

  /* A version 2 project with a dataset, a model and a prediction. */
  db = raw_open (fx->project, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  {
    g_autofree char *sql = g_strdup_printf ("PRAGMA application_id = %d", AX_STORE_APPLICATION_ID);
    raw_exec (db, sql);
  }
  raw_exec (db, "PRAGMA journal_mode = WAL");
  raw_exec (db, schema_v2);
  raw_exec (db, "INSERT INTO project VALUES ('created_at', '2024-01-01T00:00:00Z');"
                "INSERT INTO datasets VALUES (1, 'tiny', 'ds_1', '/tmp/tiny.csv', 'csv', 'UTF-8', "
                "  '2024-01-01T00:00:00Z', 2, 0);"
                "INSERT INTO dataset_columns (dataset_id, position, name, type) VALUES (1, 0, 'x', 'integer');"
                "CREATE TABLE ds_1 (c0 INTEGER);"
                "INSERT INTO ds_1 VALUES (7), (8);"
                "INSERT INTO models VALUES (1, 'churn', 'churn_prediction', 'random_forest', '', "
                "  '2024-01-02T00:00:00Z', '2024-01-02T00:00:00Z', 1, 1);"
                "INSERT INTO model_versions VALUES (1, 1, '2024-01-02T00:00:00Z', '{}', '{}', '[]', '[]', "
                "  'tiny', 'abc', 1, 1, 0, 0.5, x'00ff');"
                "INSERT INTO predictions VALUES (1, 1, 1, '2024-01-03T00:00:00Z', '{\"x\": 7}', '{\"y\": 1}');"
                "PRAGMA user_version = 2;");
  sqlite3_close (db);

  store = open_ok (fx->project);
  list = ax_store_list_detections (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 0);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = list_ok (store, NULL);
  g_assert_cmpuint (list->len, ==, 0);
  model = ax_store_get_model (store, 0, "churn", &error);
  g_assert_no_error (error);
  g_assert_cmpint (model->n_predictions, ==, 1);
  info = ax_store_get_dataset (store, 0, "tiny", &error);
  g_assert_no_error (error);
  g_assert_cmpint (info->n_rows, ==, 2);
  {
    gint64 ridership = 0, weather = 0;
    save_two (store, &ridership, &weather);
  }
  g_clear_pointer (&store, ax_store_close);

  db = raw_open (fx->project, SQLITE_OPEN_READWRITE);
  g_assert_cmpint (raw_int (db, "PRAGMA user_version"), ==, ax_store_schema_version ());
  g_assert_cmpint (raw_int (db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
                                "name IN ('detections', 'detection_runs', 'anomalies')"), ==, 3);
  g_assert_cmpint (raw_int (db, "SELECT count(*) FROM anomalies"), ==, 5);
  g_assert_cmpint (raw_int (db, "SELECT count(*) FROM model_versions"), ==, 1);
  g_assert_cmpint (raw_int (db, "SELECT count(*) FROM ds_1"), ==, 2);
  mode = raw_text (db, "PRAGMA journal_mode");
  g_assert_cmpstr (mode, ==, "wal");
  {
    g_autofree char *check = raw_text (db, "PRAGMA integrity_check");
    g_assert_cmpstr (check, ==, "ok");
  }
  g_assert_cmpint (raw_int (db, "SELECT count(*) FROM pragma_foreign_key_check"), ==, 0);
  sqlite3_close (db);
}

/* Failures */

static void
test_aborted_save (Fixture *fx, gconstpointer data)
{
  g_autoptr(AxStore) store = create_ok (fx->project);
  g_autoptr(GError) error = NULL;
  g_autoptr(AxDetectionInfo) info = NULL;
  gint64 ridership = 0, weather = 0;
  Run r;

  save_two (store, &ridership, &weather);

  /* The last anomaly's JSON is damaged: the new detection, its run and
   * its other anomalies all go. */
  make_run (&r, "fresh", NULL, 0, 10);
  g_ptr_array_add (r.anomalies, make_anomaly (1, DAY0, NULL, 0.9, AX_SEVERITY_HIGH, 30));
  g_ptr_array_add (r.anomalies, make_anomaly (2, DAY0, NULL, 0.9, AX_SEVERITY_HIGH, 30));
  g_free (((AxAnomalyRecord *) g_ptr_array_index (r.anomalies, 1))->context);
  ((AxAnomalyRecord *) g_ptr_array_index (r.anomalies, 1))->context = g_strdup ("{\"previous\": ");
  g_assert_false (ax_store_save_detection_run (store, &r.detection, &r.run, FALSE,
                                               (AxAnomalyRecord *const *) r.anomalies->pdata,
                                               r.anomalies->len, NULL, NULL, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  /* ... and a failing full rescore of an existing detection neither
   * deletes its open anomalies nor moves it on. */
  r.detection.name = (char *) "ridership";
  r.detection.rows_scored_until = 99999;
  g_assert_false (ax_store_save_detection_run (store, &r.detection, &r.run, TRUE,
                                               (AxAnomalyRecord *const *) r.anomalies->pdata,
                                               r.anomalies->len, NULL, NULL, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  run_clear (&r);
  info = ax_store_get_detection (store, ridership, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (info->rows_scored_until, ==, 1000);
  g_assert_cmpint (info->n_open, ==, 3);
  g_assert_cmpuint (info->n_runs, ==, 1);

  /* Inside the caller's transaction, a failing save undoes only its part. */
  g_assert_true (ax_store_begin (store, &error));
  make_run (&r, "kept", NULL, 0, 10);
  g_ptr_array_add (r.anomalies, make_anomaly (1, DAY0, NULL, 0.9, AX_SEVERITY_HIGH, 30));
  save_run_ok (store, &r, FALSE, NULL, NULL);
  run_clear (&r);
  make_run (&r, "dropped", NULL, 0, 10);
  g_free (r.detection.config);
  r.detection.config = g_strdup ("not json");
  g_assert_false (ax_store_save_detection_run (store, &r.detection, &r.run, FALSE, NULL, 0, NULL, NULL, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  run_clear (&r);
  g_assert_true (ax_store_commit (store, &error));
  g_assert_no_error (error);
  g_clear_pointer (&store, ax_store_close);

  g_assert_cmpint (file_int (fx->project, "SELECT count(*) FROM detections"), ==, 3);
  g_assert_cmpint (file_int (fx->project, "SELECT count(*) FROM detections WHERE name IN ('fresh', 'dropped')"), ==, 0);
  g_assert_cmpint (file_int (fx->project, "SELECT count(*) FROM detection_runs"), ==, 3);
  g_assert_cmpint (file_int (fx->project, "SELECT count(*) FROM anomalies"), ==, 6);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  TEST ("/store/anomalies/save-and-get", test_save_and_get);
  TEST ("/store/anomalies/save-refused", test_save_refused);
  TEST ("/store/anomalies/list-filters", test_list_filters);
  TEST ("/store/anomalies/status-names", test_status_names);
  TEST ("/store/anomalies/resolve", test_resolve);
  TEST ("/store/anomalies/feedback", test_feedback);
  TEST ("/store/anomalies/rerun", test_rerun);
  TEST ("/store/anomalies/cascade-delete", test_cascade_delete);
  TEST ("/store/anomalies/migrate-from-2", test_migrate_from_2);
  TEST ("/store/anomalies/aborted-save", test_aborted_save);

  return g_test_run ();
}
