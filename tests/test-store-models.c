/* test-store-models.c — models, their versions and predictions in the project
 *
 * Saving versions, listing, reading back configuration, metrics and blob,
 * recording and listing predictions, deleting a model with everything it
 * owns, migrating a project from the schema before models, and what an
 * aborted or killed save leaves behind.  The blobs and JSON are made here,
 * not by the engine: the store keeps them without looking inside.  Files
 * are inspected with the SQLite API directly where it matters, so that a
 * test does not trust the code it checks.
 */

#include <glib/gstdio.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ax-store-datasets.h"
#include "ax-store-models.h"
#include "ax-test-util.h"

static void
fixture_set_up (Fixture       *fx,
                gconstpointer  data)
{
  fixture_init (fx, "ax-test-store-models-XXXXXX");
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

/* A blob of @size bytes whose content depends on @seed. */
static GBytes *
make_blob (gsize size,
           guint seed)
{
  guint8 *data = g_malloc (size ? size : 1);

  for (gsize i = 0; i < size; i++)
    data[i] = (guint8) ((i * 131 + seed * 7) >> 3);
  return g_bytes_new_take (data, size);
}

/* What a training run of "churn" number @run would hand the store. */
typedef struct {
  AxModelInfo    model;
  AxModelVersion version;
} Run;

static void
run_clear (Run *run)
{
  g_free (run->version.config);
  g_free (run->version.metrics);
  g_free (run->version.dataset_hash);
  g_clear_pointer (&run->version.blob, g_bytes_unref);
}

static void
make_run (Run        *run,
          const char *name,
          guint       seed)
{
  memset (run, 0, sizeof *run);
  run->model.name = (char *) name;
  run->model.model_type = (char *) "churn_prediction";
  run->model.algorithm = (char *) "random_forest";
  run->model.description = (char *) "Who is about to leave";
  run->version.config = g_strdup_printf ("{\"model_name\":\"%s\",\"hyperparameters\":{\"n_estimators\":%u}}",
                                         name, 10 * seed);
  run->version.metrics = g_strdup_printf ("{\"validation\":{\"accuracy\":0.%u},\"test\":null}", 80 + seed);
  run->version.curve = (char *) "[{\"step\":1,\"score\":0.5}]";
  run->version.importance = (char *) "[{\"feature\":\"calls\",\"impurity\":0.7,\"permutation\":0.1}]";
  run->version.dataset_name = (char *) "churn";
  run->version.dataset_hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, name, -1);
  run->version.n_train = 700;
  run->version.n_valid = 200;
  run->version.n_test = 100;
  run->version.seconds = 1.5;
  run->version.blob = make_blob (5000 + seed, seed);
}

/* Saves training run @seed of model @name; returns its version. */
static guint
save_ok (AxStore    *store,
         const char *name,
         guint       seed,
         gint64     *out_id)
{
  g_autoptr(GError) error = NULL;
  Run run;
  gint64 id = 0;
  guint version = 0;

  make_run (&run, name, seed);
  g_assert_true (ax_store_save_model_version (store, &run.model, &run.version, &id, &version, &error));
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  g_assert_cmpuint (version, >=, 1);
  run_clear (&run);
  if (out_id)
    *out_id = id;
  return version;
}

static void
assert_bytes_equal (GBytes *a,
                    GBytes *b)
{
  gsize la = 0, lb = 0;
  const guint8 *da = g_bytes_get_data (a, &la);
  const guint8 *db = g_bytes_get_data (b, &lb);

  g_assert_cmpmem (da, la, db, lb);
}

/* Versions */

static void
test_save_versions (Fixture *fx, gconstpointer data)
{
  g_autoptr(AxStore) store = create_ok (fx->project);
  g_autoptr(AxModelInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  gint64 churn = 0, again = 0, sales = 0;
  sqlite3 *db;

  g_assert_cmpuint (save_ok (store, "churn", 1, &churn), ==, 1);
  g_assert_cmpuint (save_ok (store, "churn", 2, &again), ==, 2);
  g_assert_cmpint (again, ==, churn);
  g_assert_cmpuint (save_ok (store, "sales", 3, &sales), ==, 1);
  g_assert_cmpint (sales, !=, churn);
  g_assert_cmpuint (save_ok (store, "churn", 4, &again), ==, 3);
  g_assert_cmpint (again, ==, churn);

  info = ax_store_get_model (store, churn, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (info->name, ==, "churn");
  g_assert_cmpstr (info->model_type, ==, "churn_prediction");
  g_assert_cmpstr (info->algorithm, ==, "random_forest");
  g_assert_cmpstr (info->description, ==, "Who is about to leave");
  g_assert_cmpuint (info->n_versions, ==, 3);
  g_assert_cmpuint (info->active_version, ==, 3);
  g_assert_true (info->is_active);
  g_assert_true (g_str_has_suffix (info->created, "Z"));
  g_assert_cmpint (strcmp (info->created, info->updated), <=, 0);
  g_assert_nonnull (info->latest);
  g_assert_cmpuint (info->latest->version, ==, 3);
  g_assert_null (info->latest->blob);
  g_assert_cmpstr (info->latest->metrics, ==, "{\"validation\":{\"accuracy\":0.84},\"test\":null}");
  g_clear_pointer (&store, ax_store_close);

  /* What the file holds, read with SQLite itself. */
  db = raw_open (fx->project, SQLITE_OPEN_READWRITE);
  g_assert_cmpint (raw_int (db, "SELECT count(*) FROM models"), ==, 2);
  g_assert_cmpint (raw_int (db, "SELECT count(*) FROM model_versions"), ==, 4);
  {
    g_autofree char *versions = raw_text (db, "SELECT group_concat(version, ',') FROM (SELECT version FROM model_versions "
                                              "WHERE model_id = (SELECT id FROM models WHERE name = 'churn') ORDER BY version)");
    g_autofree char *dataset = raw_text (db, "SELECT dataset_name FROM model_versions LIMIT 1");
    g_assert_cmpstr (versions, ==, "1,2,3");
    g_assert_cmpstr (dataset, ==, "churn");
  }
  g_assert_cmpint (raw_int (db, "SELECT length(blob) FROM model_versions WHERE version = 2"), ==, 5002);
  g_assert_cmpint (raw_int (db, "SELECT n_train + n_valid + n_test FROM model_versions LIMIT 1"), ==, 1000);
  sqlite3_close (db);
}

static void
test_save_refused (Fixture *fx, gconstpointer data)
{
  g_autoptr(AxStore) store = create_ok (fx->project);
  g_autoptr(GError) error = NULL;
  Run run;

  make_run (&run, "", 1);
  g_assert_false (ax_store_save_model_version (store, &run.model, &run.version, NULL, NULL, &error));
  g_assert_error (error, AX_STORE_ERROR, AX_STORE_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "name"));
  g_clear_error (&error);
  run.model.name = (char *) "churn";
  g_clear_pointer (&run.version.blob, g_bytes_unref);
  g_assert_false (ax_store_save_model_version (store, &run.model, &run.version, NULL, NULL, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  run_clear (&run);
  g_clear_pointer (&store, ax_store_close);
  g_assert_cmpint (file_int (fx->project, "SELECT count(*) FROM models"), ==, 0);
}

static void
test_list (Fixture *fx, gconstpointer data)
{
  g_autoptr(AxStore) store = create_ok (fx->project);
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GPtrArray) versions = NULL;
  g_autoptr(GError) error = NULL;
  gint64 zeta = 0;

  list = ax_store_list_models (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 0);
  g_clear_pointer (&list, g_ptr_array_unref);

  save_ok (store, "Zeta", 1, &zeta);
  save_ok (store, "alpha", 2, NULL);
  save_ok (store, "Zeta", 3, NULL);
  list = ax_store_list_models (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  {
    AxModelInfo *a = g_ptr_array_index (list, 0);
    AxModelInfo *z = g_ptr_array_index (list, 1);

    /* By name, whatever the case. */
    g_assert_cmpstr (a->name, ==, "alpha");
    g_assert_cmpstr (z->name, ==, "Zeta");
    g_assert_cmpuint (a->n_versions, ==, 1);
    g_assert_cmpuint (z->n_versions, ==, 2);
    g_assert_cmpuint (z->latest->version, ==, 2);
    g_assert_cmpstr (z->latest->metrics, ==, "{\"validation\":{\"accuracy\":0.83},\"test\":null}");
    g_assert_cmpstr (z->latest->dataset_name, ==, "churn");
    g_assert_cmpint (z->latest->n_train, ==, 700);
    g_assert_cmpfloat (z->latest->seconds, ==, 1.5);
    g_assert_cmpint (z->n_predictions, ==, 0);
  }

  versions = ax_store_list_model_versions (store, zeta, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (versions->len, ==, 2);
  for (guint i = 0; i < versions->len; i++)
    {
      AxModelVersion *v = g_ptr_array_index (versions, i);
      g_assert_cmpuint (v->version, ==, i + 1);
      g_assert_cmpint (v->model_id, ==, zeta);
      g_assert_null (v->blob);
      g_assert_nonnull (strstr (v->config, "n_estimators"));
      g_assert_cmpstr (v->curve, ==, "[{\"step\":1,\"score\":0.5}]");
      g_assert_true (g_str_has_prefix (v->importance, "[{\"feature\":\"calls\""));
      g_assert_cmpuint (strlen (v->dataset_hash), ==, 64);
    }
}

static void
test_get_version (Fixture *fx, gconstpointer data)
{
  g_autoptr(AxStore) store = create_ok (fx->project);
  g_autoptr(GError) error = NULL;
  g_autoptr(AxModelInfo) by_name = NULL;
  gint64 id = 0;

  save_ok (store, "churn", 1, &id);
  save_ok (store, "churn", 2, NULL);

  for (guint v = 0; v <= 2; v++)
    {
      g_autoptr(AxModelVersion) version = ax_store_get_model_version (store, id, v, &error);
      g_autoptr(GBytes) expected = make_blob (5000 + (v ? v : 2), v ? v : 2);

      g_assert_no_error (error);
      /* Version 0 is the active one, the latest here. */
      g_assert_cmpuint (version->version, ==, v ? v : 2);
      g_assert_nonnull (version->blob);
      assert_bytes_equal (version->blob, expected);
      g_assert_nonnull (strstr (version->config, v == 1 ? "\"n_estimators\":10" : "\"n_estimators\":20"));
    }

  g_assert_null (ax_store_get_model_version (store, id, 3, &error));
  g_assert_error (error, AX_STORE_ERROR, AX_STORE_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "churn"));
  g_assert_nonnull (strstr (error->message, "3"));
  g_clear_error (&error);
  g_assert_null (ax_store_get_model_version (store, id + 100, 1, &error));
  g_assert_error (error, AX_STORE_ERROR, AX_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  by_name = ax_store_get_model (store, 0, "churn", &error);
  g_assert_no_error (error);
  g_assert_cmpint (by_name->id, ==, id);
  g_assert_null (ax_store_get_model (store, 0, "nope", &error));
  g_assert_error (error, AX_STORE_ERROR, AX_STORE_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "nope"));
  g_clear_error (&error);

  /* Going back to an earlier version makes it the one predictions use. */
  g_assert_true (ax_store_set_active_version (store, id, 1, &error));
  g_assert_no_error (error);
  {
    g_autoptr(AxModelVersion) active = ax_store_get_model_version (store, id, 0, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (active->version, ==, 1);
  }
  g_assert_false (ax_store_set_active_version (store, id, 7, &error));
  g_assert_error (error, AX_STORE_ERROR, AX_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  /* A new training run is active again. */
  g_assert_cmpuint (save_ok (store, "churn", 3, NULL), ==, 3);
  g_clear_pointer (&by_name, ax_model_info_free);
  by_name = ax_store_get_model (store, id, NULL, &error);
  g_assert_cmpuint (by_name->active_version, ==, 3);
}

/* Predictions */

static void
test_predictions (Fixture *fx, gconstpointer data)
{
  g_autoptr(AxStore) store = create_ok (fx->project);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) history = NULL;
  g_autofree char *created = NULL;
  const char *inputs[] = { "{\"calls\":1}", "{\"calls\":2}", "{\"calls\":3}" };
  const char *outputs[] = { "{\"value\":\"no\"}", "{\"value\":\"no\"}", "{\"value\":\"yes\"}" };
  gint64 ids[3] = { 0 };
  gint64 churn = 0, sales = 0, one = 0;

  save_ok (store, "churn", 1, &churn);
  save_ok (store, "churn", 2, NULL);
  save_ok (store, "sales", 3, &sales);

  g_assert_true (ax_store_record_predictions (store, churn, 2, 3, inputs, outputs, NULL, ids, &created, &error));
  g_assert_no_error (error);
  g_assert_cmpint (ids[1], ==, ids[0] + 1);
  g_assert_cmpint (ids[2], ==, ids[0] + 2);
  g_assert_true (g_str_has_suffix (created, "Z"));
  g_assert_cmpuint (strlen (created), ==, strlen ("2024-01-15T10:30:00Z"));
  g_assert_true (ax_store_record_predictions (store, churn, 1, 1, inputs, outputs, NULL, &one, NULL, &error));
  g_assert_true (ax_store_record_predictions (store, sales, 1, 1, inputs + 2, outputs + 2, NULL, NULL, NULL, &error));
  g_assert_no_error (error);

  /* Newest first, limited, per model. */
  history = ax_store_list_predictions (store, churn, 2, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, 2);
  {
    AxPredictionRecord *a = g_ptr_array_index (history, 0);
    AxPredictionRecord *b = g_ptr_array_index (history, 1);
    g_assert_cmpint (a->id, ==, one);
    g_assert_cmpuint (a->version, ==, 1);
    g_assert_cmpint (b->id, ==, ids[2]);
    g_assert_cmpuint (b->version, ==, 2);
    g_assert_cmpint (b->model_id, ==, churn);
    g_assert_cmpstr (b->input, ==, "{\"calls\":3}");
    g_assert_cmpstr (b->output, ==, "{\"value\":\"yes\"}");
    g_assert_cmpstr (b->created, ==, created);
  }
  g_clear_pointer (&history, g_ptr_array_unref);
  history = ax_store_list_predictions (store, churn, 0, &error);
  g_assert_cmpuint (history->len, ==, 4);
  g_clear_pointer (&history, g_ptr_array_unref);
  history = ax_store_list_predictions (store, 0, 0, &error);
  g_assert_cmpuint (history->len, ==, 5);

  {
    g_autoptr(AxModelInfo) info = ax_store_get_model (store, churn, NULL, &error);
    g_assert_cmpint (info->n_predictions, ==, 4);
  }

  /* A version that does not exist records nothing. */
  g_assert_false (ax_store_record_predictions (store, churn, 9, 1, inputs, outputs, NULL, NULL, NULL, &error));
  g_assert_error (error, AX_STORE_ERROR, AX_STORE_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "9"));
  g_clear_error (&error);

  /* A batch is recorded whole or not at all: the third record is not JSON. */
  {
    const char *bad[] = { "{\"calls\":4}", "{\"calls\":5}", "{calls" };
    g_assert_false (ax_store_record_predictions (store, churn, 2, 3, bad, outputs, NULL, NULL, NULL, &error));
    g_assert_nonnull (error);
    g_clear_error (&error);
  }
  g_clear_pointer (&store, ax_store_close);
  g_assert_cmpint (file_int (fx->project, "SELECT count(*) FROM predictions"), ==, 5);
}

static void
test_cascade_delete (Fixture *fx, gconstpointer data)
{
  g_autoptr(AxStore) store = create_ok (fx->project);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  const char *inputs[] = { "{}" };
  const char *outputs[] = { "{\"value\":1}" };
  gint64 churn = 0, sales = 0;
  sqlite3 *db;

  save_ok (store, "churn", 1, &churn);
  save_ok (store, "churn", 2, NULL);
  save_ok (store, "sales", 3, &sales);
  for (guint i = 0; i < 3; i++)
    g_assert_true (ax_store_record_predictions (store, churn, 1 + i % 2, 1, inputs, outputs, NULL, NULL, NULL, &error));
  g_assert_true (ax_store_record_predictions (store, sales, 1, 1, inputs, outputs, NULL, NULL, NULL, &error));
  g_assert_no_error (error);

  g_assert_true (ax_store_delete_model (store, churn, &error));
  g_assert_no_error (error);
  g_assert_false (ax_store_delete_model (store, churn, &error));
  g_assert_error (error, AX_STORE_ERROR, AX_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  list = ax_store_list_models (store, &error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpstr (((AxModelInfo *) g_ptr_array_index (list, 0))->name, ==, "sales");
  g_clear_pointer (&store, ax_store_close);

  db = raw_open (fx->project, SQLITE_OPEN_READWRITE);
  g_assert_cmpint (raw_int (db, "SELECT count(*) FROM models"), ==, 1);
  g_assert_cmpint (raw_int (db, "SELECT count(*) FROM model_versions"), ==, 1);
  g_assert_cmpint (raw_int (db, "SELECT count(*) FROM predictions"), ==, 1);
  {
    g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM predictions WHERE model_id = %" G_GINT64_FORMAT, sales);
    g_assert_cmpint (raw_int (db, sql), ==, 1);
  }
  g_assert_cmpint (raw_int (db, "SELECT count(*) FROM pragma_foreign_key_check"), ==, 0);
  sqlite3_close (db);

  /* The name is free again, and starts over at version 1. */
  store = open_ok (fx->project);
  g_assert_cmpuint (save_ok (store, "churn", 4, NULL), ==, 1);
}

/* Migrating */

/* The schema of version 1 as released, before models: what a project
 * made by that Auspex holds. */
static const char schema_v1[] =
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
  "  PRIMARY KEY (dataset_id, position));";

static void
test_migrate_from_1 (Fixture *fx, gconstpointer data)
{
  g_autoptr(AxStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) models = NULL;
  g_autoptr(AxDatasetInfo) info = NULL;
  g_autofree char *mode = NULL;
  sqlite3 *db;

  g_assert_cmpint (ax_store_schema_version (), >=, 2);

  /* A version 1 project with one small dataset in it. */
  db = raw_open (fx->project, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  {
    g_autofree char *sql = g_strdup_printf ("PRAGMA application_id = %d", AX_STORE_APPLICATION_ID);
    raw_exec (db, sql);
  }
  raw_exec (db, "PRAGMA journal_mode = WAL");
  raw_exec (db, schema_v1);
  raw_exec (db, "INSERT INTO project VALUES ('created_at', '2024-01-01T00:00:00Z');"
                "INSERT INTO datasets VALUES (1, 'tiny', 'ds_1', '/tmp/tiny.csv', 'csv', 'UTF-8', "
                "  '2024-01-01T00:00:00Z', 2, 0);"
                "INSERT INTO dataset_columns (dataset_id, position, name, type) VALUES (1, 0, 'x', 'integer');"
                "CREATE TABLE ds_1 (c0 INTEGER);"
                "INSERT INTO ds_1 VALUES (7), (8);"
                "PRAGMA user_version = 1;");
  sqlite3_close (db);

  store = open_ok (fx->project);
  models = ax_store_list_models (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (models->len, ==, 0);
  info = ax_store_get_dataset (store, 0, "tiny", &error);
  g_assert_no_error (error);
  {
    g_autoptr(AxFrame) rows = ax_store_read_rows (store, info, 0, 10, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (rows->n_rows, ==, 2);
    g_assert_cmpint (rows->columns[0].ints[1], ==, 8);
  }
  g_assert_cmpuint (save_ok (store, "churn", 1, NULL), ==, 1);
  g_clear_pointer (&store, ax_store_close);

  db = raw_open (fx->project, SQLITE_OPEN_READWRITE);
  g_assert_cmpint (raw_int (db, "PRAGMA user_version"), ==, ax_store_schema_version ());
  g_assert_cmpint (raw_int (db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
                                "name IN ('models', 'model_versions', 'predictions')"), ==, 3);
  g_assert_cmpint (raw_int (db, "SELECT count(*) FROM model_versions"), ==, 1);
  g_assert_cmpint (raw_int (db, "SELECT count(*) FROM ds_1"), ==, 2);
  mode = raw_text (db, "PRAGMA journal_mode");
  g_assert_cmpstr (mode, ==, "wal");
  {
    g_autofree char *check = raw_text (db, "PRAGMA integrity_check");
    g_assert_cmpstr (check, ==, "ok");
  }
  sqlite3_close (db);
}

/* Failures */

static void
test_aborted_save (Fixture *fx, gconstpointer data)
{
  g_autoptr(AxStore) store = create_ok (fx->project);
  g_autoptr(GError) error = NULL;
  gint64 churn = 0;
  Run run;

  save_ok (store, "churn", 1, &churn);

  /* The version row fails after the model row went in: neither stays. */
  make_run (&run, "sales", 2);
  g_free (run.version.metrics);
  run.version.metrics = g_strdup ("{\"validation\": ");
  g_assert_false (ax_store_save_model_version (store, &run.model, &run.version, NULL, NULL, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  /* ... nor a new version of an existing model, whose active version and
   * description stay as they were. */
  run.model.name = (char *) "churn";
  run.model.description = (char *) "changed";
  g_assert_false (ax_store_save_model_version (store, &run.model, &run.version, NULL, NULL, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  run_clear (&run);
  {
    g_autoptr(AxModelInfo) info = ax_store_get_model (store, churn, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (info->active_version, ==, 1);
    g_assert_cmpuint (info->n_versions, ==, 1);
    g_assert_cmpstr (info->description, ==, "Who is about to leave");
  }

  /* Inside the caller's transaction, a save rolled back with it is gone. */
  g_assert_true (ax_store_begin (store, &error));
  g_assert_cmpuint (save_ok (store, "inside", 3, NULL), ==, 1);
  g_assert_cmpuint (save_ok (store, "churn", 4, NULL), ==, 2);
  ax_store_rollback (store);

  /* ... and a failing save inside it undoes only its own part. */
  g_assert_true (ax_store_begin (store, &error));
  g_assert_cmpuint (save_ok (store, "kept", 5, NULL), ==, 1);
  make_run (&run, "dropped", 6);
  g_free (run.version.config);
  run.version.config = g_strdup ("not json");
  g_assert_false (ax_store_save_model_version (store, &run.model, &run.version, NULL, NULL, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  run_clear (&run);
  g_assert_true (ax_store_commit (store, &error));
  g_assert_no_error (error);
  g_clear_pointer (&store, ax_store_close);

  g_assert_cmpint (file_int (fx->project, "SELECT count(*) FROM models"), ==, 2);
  g_assert_cmpint (file_int (fx->project, "SELECT count(*) FROM models WHERE name IN ('churn', 'kept')"), ==, 2);
  g_assert_cmpint (file_int (fx->project, "SELECT count(*) FROM model_versions"), ==, 2);
}

/* Saves a model with a blob of @mb megabytes, for the test below to kill. */
static int
save_child (const char *project,
            const char *mb)
{
  g_autoptr(GError) error = NULL;
  AxStore *store = ax_store_open (project, &error);
  Run run;
  gboolean ok;

  if (store == NULL)
    _exit (2);
  make_run (&run, "huge", 9);
  g_bytes_unref (run.version.blob);
  run.version.blob = make_blob ((gsize) g_ascii_strtoull (mb, NULL, 10) << 20, 9);
  ok = ax_store_save_model_version (store, &run.model, &run.version, NULL, NULL, &error);
  _exit (ok ? 0 : 3);
}

static void
test_kill_during_save (Fixture *fx, gconstpointer data)
{
  g_autofree char *wal = g_strconcat (fx->project, "-wal", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  AxStore *store;
  int status = 0;
  gboolean killed;
  gint64 wal_size = -1, churn = 0;

  store = create_ok (fx->project);
  save_ok (store, "churn", 1, &churn);
  ax_store_close (store);

  /* Kill it once a good part of the blob is in the write-ahead log, which
   * the save commits only at its end. */
  {
    const char *args[] = { "--save-child", fx->project, "256", NULL };
    killed = kill_child_when_wal_grows (args, wal, 16 * 1024 * 1024, 60, 500, &wal_size, &status);
  }
  if (!killed)
    {
      g_test_fail_printf ("the saving child was not killed mid-save (WAL %" G_GINT64_FORMAT
                          " bytes, exit status %d)", wal_size, status);
      return;
    }
  g_assert_true (WIFSIGNALED (status));
  g_test_message ("killed the save with %" G_GINT64_FORMAT " bytes in the WAL", wal_size);

  /* The project opens with the earlier model intact and nothing of the
   * half-saved one. */
  store = open_ok (fx->project);
  list = ax_store_list_models (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpstr (((AxModelInfo *) g_ptr_array_index (list, 0))->name, ==, "churn");
  {
    g_autoptr(AxModelVersion) v = ax_store_get_model_version (store, churn, 0, &error);
    g_autoptr(GBytes) expected = make_blob (5001, 1);
    g_assert_no_error (error);
    assert_bytes_equal (v->blob, expected);
  }
  g_assert_null (ax_store_get_model (store, 0, "huge", &error));
  g_assert_error (error, AX_STORE_ERROR, AX_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  ax_store_close (store);

  g_assert_cmpint (file_int (fx->project, "SELECT count(*) FROM model_versions"), ==, 1);
  {
    sqlite3 *db = raw_open (fx->project, SQLITE_OPEN_READWRITE);
    g_autofree char *check = raw_text (db, "PRAGMA integrity_check");
    g_assert_cmpstr (check, ==, "ok");
    sqlite3_close (db);
  }
}

int
main (int argc, char **argv)
{
  if (argc == 4 && strcmp (argv[1], "--save-child") == 0)
    return save_child (argv[2], argv[3]);

  g_test_init (&argc, &argv, NULL);

  TEST ("/store/models/save-versions", test_save_versions);
  TEST ("/store/models/save-refused", test_save_refused);
  TEST ("/store/models/list", test_list);
  TEST ("/store/models/get-version", test_get_version);
  TEST ("/store/models/predictions", test_predictions);
  TEST ("/store/models/cascade-delete", test_cascade_delete);
  TEST ("/store/models/migrate-from-1", test_migrate_from_1);
  TEST ("/store/models/aborted-save", test_aborted_save);
  TEST ("/store/models/kill-during-save", test_kill_during_save);

  return g_test_run ();
}
