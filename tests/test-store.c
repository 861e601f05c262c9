/* test-store.c — the project file
 *
 * Creating, opening, refusing and migrating project files, the dataset
 * tables, copies, and what a crash in the middle of an import leaves behind.
 * Files are inspected with the SQLite API directly, not through the store,
 * so that a test does not trust the code it checks.
 */

#include <glib/gstdio.h>
#include <math.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ax-import.h"
#include "ax-store-datasets.h"
#include "ax-test-util.h"

static void
fixture_set_up (Fixture       *fx,
                gconstpointer  data)
{
  fixture_init (fx, "ax-test-store-XXXXXX");
}

/* A check that marks the test failed but lets it go on, for what a known
 * bug gets wrong, so that the rest of the test still runs. */
#define EXPECT(cond, ...) G_STMT_START { \
    if (!(cond)) \
      g_test_fail_printf (__VA_ARGS__); \
  } G_STMT_END

/* Files */

static GBytes *
read_bytes (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize len = 0;

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, len);
}

static gboolean
exists_with_suffix (const char *path,
                    const char *suffix)
{
  g_autofree char *p = g_strconcat (path, suffix, NULL);
  return g_file_test (p, G_FILE_TEST_EXISTS);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* The names in @dir, sorted, joined with spaces. */
static char *
list_dir (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  while (dir && (name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (" ", (char **) names->pdata);
}

/* Raw SQLite (ax-test-util.h) looks at files without the store. */

static gint64
count_ds_tables (const char *path)
{
  return file_int (path, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name LIKE 'ds\\_%' ESCAPE '\\'");
}

/* Datasets */

#define N_COLS 4

/* Row i of the test dataset: id = i, x = i / 4 (missing every 7th), label
 * one of three, day 2020-01-01 + i. */
static AxFrame *
make_frame (guint first,
            guint n)
{
  const char *names[N_COLS] = { "id", "x", "label", "day" };
  AxColumnType types[N_COLS] = { AX_COLUMN_INTEGER, AX_COLUMN_REAL, AX_COLUMN_CATEGORICAL, AX_COLUMN_DATE };
  AxFrame *f = ax_frame_new (N_COLS, names, types, n);

  for (guint i = first; i < first + n; i++)
    {
      guint r = ax_frame_append_row (f);
      ax_frame_set_int (f, 0, r, i);
      if (i % 7 != 3)
        ax_frame_set_real (f, 1, r, i / 4.0);
      ax_frame_take_string (f, 2, r, g_strdup_printf ("L%u", i % 3));
      ax_frame_set_int (f, 3, r, ax_days_from_civil (2020, 1, 1) + i);
    }
  return f;
}

/* Writes a dataset of @n_rows rows in frames of 1000 and returns its id. */
static gint64
add_dataset (AxStore    *store,
             const char *name,
             guint       n_rows)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AxFrame) like = make_frame (0, 0);
  g_autoptr(AxStatsBuilder) stats = ax_stats_builder_new (like);
  AxDatasetWriter *w;
  gint64 id = 0;

  w = ax_dataset_writer_begin (store, name, like, "/tmp/source.csv", "csv", "UTF-8", &error);
  g_assert_no_error (error);
  g_assert_nonnull (w);
  for (guint first = 0; first < n_rows; first += 1000)
    {
      g_autoptr(AxFrame) f = make_frame (first, MIN (1000, n_rows - first));
      ax_stats_builder_add (stats, f);
      g_assert_true (ax_dataset_writer_append (w, f, &error));
      g_assert_no_error (error);
    }
  g_assert_cmpint (ax_dataset_writer_get_n_rows (w), ==, n_rows);
  ax_stats_builder_begin_histograms (stats);
  for (guint first = 0; first < n_rows; first += 1000)
    {
      g_autoptr(AxFrame) f = make_frame (first, MIN (1000, n_rows - first));
      ax_stats_builder_add (stats, f);
    }
  g_assert_true (ax_dataset_writer_commit (w, like, stats, 2, &id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

/* Checks every row of a dataset written by add_dataset(). */
static void
assert_dataset_rows (AxStore             *store,
                     const AxDatasetInfo *info,
                     guint                n_rows)
{
  g_autoptr(GError) error = NULL;
  guint seen = 0;

  g_assert_cmpint (info->n_rows, ==, n_rows);
  for (gint64 first = 0; first < n_rows; first += 777)
    {
      g_autoptr(AxFrame) f = ax_store_read_rows (store, info, first, 777, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (f->n_columns, ==, N_COLS);
      for (guint r = 0; r < f->n_rows; r++)
        {
          guint i = (guint) first + r;
          g_autofree char *label = g_strdup_printf ("L%u", i % 3);
          g_assert_false (f->columns[0].missing[r]);
          g_assert_cmpint (f->columns[0].ints[r], ==, i);
          g_assert_cmpint (f->columns[1].missing[r], ==, i % 7 == 3);
          if (i % 7 != 3)
            g_assert_cmpfloat (f->columns[1].reals[r], ==, i / 4.0);
          g_assert_cmpstr (f->columns[2].strings[r], ==, label);
          g_assert_cmpint (f->columns[3].ints[r], ==, ax_days_from_civil (2020, 1, 1) + i);
          seen++;
        }
    }
  g_assert_cmpuint (seen, ==, n_rows);
}

static GPtrArray *
list_ok (AxStore *store)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *list = ax_store_list_datasets (store, &error);
  g_assert_no_error (error);
  g_assert_nonnull (list);
  return list;
}

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

/* Creating */

static void
test_create (Fixture *fx, gconstpointer data)
{
  g_autoptr(AxStore) store = create_ok (fx->project);
  g_autoptr(GPtrArray) list = NULL;
  sqlite3 *db;
  g_autofree char *mode = NULL;
  g_autofree char *created = NULL;

  g_assert_cmpstr (ax_store_get_path (store), ==, fx->project);
  g_assert_cmpint (ax_store_schema_version (), >=, 1);
  list = list_ok (store);
  g_assert_cmpuint (list->len, ==, 0);
  g_clear_pointer (&store, ax_store_close);

  /* What the header says, read with SQLite itself. */
  db = raw_open (fx->project, SQLITE_OPEN_READWRITE);
  g_assert_cmpint (raw_int (db, "PRAGMA application_id"), ==, AX_STORE_APPLICATION_ID);
  g_assert_cmpint (raw_int (db, "PRAGMA application_id"), ==, 0x41585350);
  g_assert_cmpint (raw_int (db, "PRAGMA user_version"), ==, ax_store_schema_version ());
  mode = raw_text (db, "PRAGMA journal_mode");
  g_assert_cmpstr (mode, ==, "wal");
  g_assert_cmpint (raw_int (db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
                                "name IN ('project', 'datasets', 'dataset_columns')"), ==, 3);
  created = raw_text (db, "SELECT value FROM project WHERE key = 'created_at'");
  g_assert_true (g_str_has_prefix (created, "20"));
  g_free (created);
  created = raw_text (db, "PRAGMA integrity_check");
  g_assert_cmpstr (created, ==, "ok");
  sqlite3_close (db);
}

static void
test_create_exists (Fixture *fx, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) before = NULL, after = NULL;
  AxStore *store;

  /* Any file at all: even a project is not overwritten. */
  g_file_set_contents (fx->project, "precious,data\n1,2\n", -1, &error);
  g_assert_no_error (error);
  before = read_bytes (fx->project);
  store = ax_store_create (fx->project, &error);
  g_assert_null (store);
  g_assert_error (error, AX_STORE_ERROR, AX_STORE_ERROR_EXISTS);
  after = read_bytes (fx->project);
  g_assert_true (g_bytes_equal (before, after));
  g_clear_error (&error);

  g_assert_cmpint (g_unlink (fx->project), ==, 0);
  g_clear_pointer (&store, ax_store_close);
  store = create_ok (fx->project);
  add_dataset (store, "kept", 10);
  ax_store_close (store);
  store = ax_store_create (fx->project, &error);
  g_assert_null (store);
  g_assert_error (error, AX_STORE_ERROR, AX_STORE_ERROR_EXISTS);
  store = open_ok (fx->project);
  {
    g_autoptr(GPtrArray) list = list_ok (store);
    g_assert_cmpuint (list->len, ==, 1);
  }
  ax_store_close (store);
}

static void
test_create_no_dir (Fixture *fx, gconstpointer data)
{
  g_autofree char *path = g_build_filename (fx->dir, "no", "such", "dir.auspex", NULL);
  g_autoptr(GError) error = NULL;
  AxStore *store = ax_store_create (path, &error);

  g_assert_null (store);
  g_assert_error (error, AX_STORE_ERROR, AX_STORE_ERROR_IO);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

/* Opening */

static void
test_open_reopen (Fixture *fx, gconstpointer data)
{
  g_autoptr(AxStore) store = create_ok (fx->project);
  g_autoptr(GPtrArray) list = NULL;
  gint64 a, b;

  a = add_dataset (store, "alpha", 2500);
  b = add_dataset (store, "beta", 10);
  g_assert_cmpint (a, !=, b);
  g_clear_pointer (&store, ax_store_close);
  /* Closing the last connection folds the WAL back into the file. */
  g_assert_false (exists_with_suffix (fx->project, "-wal"));
  g_assert_false (exists_with_suffix (fx->project, "-shm"));

  store = open_ok (fx->project);
  list = list_ok (store);
  g_assert_cmpuint (list->len, ==, 2);
  {
    AxDatasetInfo *alpha = g_ptr_array_index (list, 0);
    AxDatasetInfo *beta = g_ptr_array_index (list, 1);

    g_assert_cmpstr (alpha->name, ==, "alpha");
    g_assert_cmpint (alpha->id, ==, a);
    g_assert_cmpstr (alpha->source, ==, "/tmp/source.csv");
    g_assert_cmpstr (alpha->format, ==, "csv");
    g_assert_cmpstr (alpha->encoding, ==, "UTF-8");
    g_assert_nonnull (alpha->imported_at);
    g_assert_cmpint (alpha->n_skipped, ==, 2);
    g_assert_cmpuint (alpha->n_columns, ==, N_COLS);
    g_assert_cmpstr (alpha->columns[0].name, ==, "id");
    g_assert_cmpint (alpha->columns[0].type, ==, AX_COLUMN_INTEGER);
    g_assert_cmpint (alpha->columns[1].type, ==, AX_COLUMN_REAL);
    g_assert_cmpint (alpha->columns[2].type, ==, AX_COLUMN_CATEGORICAL);
    g_assert_cmpint (alpha->columns[3].type, ==, AX_COLUMN_DATE);
    assert_dataset_rows (store, alpha, 2500);

    /* Statistics survive the round trip through the file: id is 0..2499. */
    g_assert_cmpfloat (alpha->columns[0].stats.min, ==, 0);
    g_assert_cmpfloat (alpha->columns[0].stats.max, ==, 2499);
    g_assert_cmpfloat_with_epsilon (alpha->columns[0].stats.mean, 1249.5, 1e-9);
    g_assert_cmpuint (alpha->columns[0].stats.n_missing, ==, 0);
    /* i % 7 == 3 for 357 of 0..2499. */
    g_assert_cmpuint (alpha->columns[1].stats.n_missing, ==, 357);
    g_assert_cmpuint (alpha->columns[0].stats.n_bins, ==, AX_STATS_BINS);
    {
      guint64 sum = 0;
      for (guint i = 0; i < AX_STATS_BINS; i++)
        sum += alpha->columns[0].stats.bins[i];
      g_assert_cmpuint (sum, ==, 2500);
    }
    /* L0 for 834 rows, L1 and L2 for 833 each. */
    g_assert_cmpuint (alpha->columns[2].stats.n_distinct, ==, 3);
    g_assert_cmpuint (alpha->columns[2].stats.n_top, ==, 3);
    g_assert_cmpstr (alpha->columns[2].stats.top[0].value, ==, "L0");
    g_assert_cmpuint (alpha->columns[2].stats.top[0].count, ==, 834);
    g_assert_cmpstr (alpha->columns[2].stats.top[1].value, ==, "L1");
    g_assert_cmpuint (alpha->columns[2].stats.top[1].count, ==, 833);

    g_assert_cmpstr (beta->name, ==, "beta");
    assert_dataset_rows (store, beta, 10);
  }

  /* By id and by name. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(AxDatasetInfo) by_id = ax_store_get_dataset (store, b, NULL, &error);
    g_autoptr(AxDatasetInfo) by_name = ax_store_get_dataset (store, 0, "alpha", &error);
    g_autoptr(AxDatasetInfo) none = NULL;

    g_assert_no_error (error);
    g_assert_cmpstr (by_id->name, ==, "beta");
    g_assert_cmpint (by_name->id, ==, a);
    none = ax_store_get_dataset (store, 0, "gamma", &error);
    g_assert_null (none);
    g_assert_error (error, AX_STORE_ERROR, AX_STORE_ERROR_NOT_FOUND);
    g_clear_error (&error);
    none = ax_store_get_dataset (store, 9999, NULL, &error);
    g_assert_null (none);
    g_assert_error (error, AX_STORE_ERROR, AX_STORE_ERROR_NOT_FOUND);
  }
}

static void
test_open_missing (Fixture *fx, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  AxStore *store = ax_store_open (fx->project, &error);

  g_assert_null (store);
  g_assert_nonnull (error);
  g_assert_true (error->domain == AX_STORE_ERROR);
  /* Opening never creates a file. */
  g_assert_false (g_file_test (fx->project, G_FILE_TEST_EXISTS));

  /* Nor does it open a directory. */
  g_clear_error (&error);
  store = ax_store_open (fx->dir, &error);
  g_assert_null (store);
  g_assert_nonnull (error);
}

/* Opens @path expecting @code, and checks the file is as it was: the same
 * bytes, and no journal, -wal or -shm file where there was none. */
static void
assert_refused (const char   *path,
                AxStoreError  code,
                const char   *fragment)
{
  g_autoptr(GBytes) before = read_bytes (path);
  g_autoptr(GBytes) after = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *listing_before = list_dir (dir);
  g_autofree char *listing_after = NULL;
  AxStore *store;

  store = ax_store_open (path, &error);
  g_assert_null (store);
  g_assert_error (error, AX_STORE_ERROR, (int) code);
  g_test_message ("refused: %s", error->message);
  if (fragment && strstr (error->message, fragment) == NULL)
    g_test_fail_printf ("expected '%s' in '%s'", fragment, error->message);

  after = read_bytes (path);
  g_assert_true (g_bytes_equal (before, after));
  listing_after = list_dir (dir);
  EXPECT (g_strcmp0 (listing_before, listing_after) == 0,
          "opening left files behind: before [%s], after [%s]", listing_before, listing_after);
}

static void
test_open_csv (Fixture *fx, gconstpointer data)
{
  g_autofree char *path = g_build_filename (fx->dir, "sales.csv", NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, "region,amount\nnorth,12\nsouth,7\n", -1, &error);
  g_assert_no_error (error);
  assert_refused (path, AX_STORE_ERROR_NOT_PROJECT, "Import");
}

static void
test_open_other_app (Fixture *fx, gconstpointer data)
{
  g_autofree char *path = g_build_filename (fx->dir, "other.sqlite", NULL);
  g_autofree char *empty = g_build_filename (fx->dir, "empty.db", NULL);
  g_autofree char *wal = g_build_filename (fx->dir, "other-wal.sqlite", NULL);
  sqlite3 *db;

  /* Another program's database: application_id 0, a table of its own. */
  db = raw_open (path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  raw_exec (db, "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);"
                "INSERT INTO notes (body) VALUES ('hello');");
  sqlite3_close (db);
  assert_refused (path, AX_STORE_ERROR_NOT_PROJECT, "not an Auspex project");
  g_assert_cmpint (file_int (path, "PRAGMA application_id"), ==, 0);
  g_assert_cmpint (file_int (path, "PRAGMA user_version"), ==, 0);

  /* An empty database file (SQLite creates it with zero bytes). */
  db = raw_open (empty, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  sqlite3_close (db);
  g_assert_true (g_file_test (empty, G_FILE_TEST_EXISTS));
  assert_refused (empty, AX_STORE_ERROR_NOT_PROJECT, NULL);

  /* Another program's database in WAL mode. */
  db = raw_open (wal, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  raw_exec (db, "PRAGMA journal_mode = WAL; CREATE TABLE t (x); INSERT INTO t VALUES (1);");
  sqlite3_close (db);
  g_assert_false (exists_with_suffix (wal, "-wal"));
  assert_refused (wal, AX_STORE_ERROR_NOT_PROJECT, NULL);
}

static void
test_open_too_new (Fixture *fx, gconstpointer data)
{
  AxStore *store = create_ok (fx->project);
  sqlite3 *db;

  add_dataset (store, "data", 100);
  ax_store_close (store);
  db = raw_open (fx->project, SQLITE_OPEN_READWRITE);
  raw_exec (db, "PRAGMA user_version = 99");
  sqlite3_close (db);
  g_assert_false (exists_with_suffix (fx->project, "-wal"));
  g_assert_false (exists_with_suffix (fx->project, "-shm"));

  assert_refused (fx->project, AX_STORE_ERROR_TOO_NEW, "newer version");
  g_assert_cmpint (file_int (fx->project, "PRAGMA user_version"), ==, 99);
}

static void
test_open_corrupt (Fixture *fx, gconstpointer data)
{
  g_autofree char *garbled = g_build_filename (fx->dir, "garbled.auspex", NULL);
  g_autofree char *stub = g_build_filename (fx->dir, "stub.auspex", NULL);
  g_autoptr(GBytes) whole = NULL;
  g_autoptr(GError) error = NULL;
  AxStore *store = create_ok (fx->project);
  const guint8 *bytes;
  gsize len;

  add_dataset (store, "data", 20000);
  ax_store_close (store);
  whole = read_bytes (fx->project);
  bytes = g_bytes_get_data (whole, &len);
  g_assert_cmpuint (len, >, 64 * 1024);

  /* The first page's b-tree (the schema) overwritten with noise, the
   * 100-byte file header left as it was. */
  {
    g_autofree guint8 *copy = g_memdup2 (bytes, len);
    for (gsize i = 100; i < 4096 && i < len; i++)
      copy[i] = (guint8) (i * 37 + 11);
    g_file_set_contents (garbled, (const char *) copy, (gssize) len, &error);
    g_assert_no_error (error);
  }
  assert_refused (garbled, AX_STORE_ERROR_CORRUPT, NULL);

  /* Only the start of the file survived: the header and part of page 1. */
  g_file_set_contents (stub, (const char *) bytes, 1000, &error);
  g_assert_no_error (error);
  assert_refused (stub, AX_STORE_ERROR_CORRUPT, NULL);
}

/* A project cut off at half its size (a copy that did not finish, a full
 * disk): the header still reads, the data does not.  Opening must refuse it
 * as damaged rather than hand out a project that fails later. */
static void
test_open_truncated (Fixture *fx, gconstpointer data)
{
  g_autofree char *half = g_build_filename (fx->dir, "half.auspex", NULL);
  g_autoptr(GBytes) whole = NULL;
  g_autoptr(GError) error = NULL;
  AxStore *store = create_ok (fx->project);
  const guint8 *bytes;
  gsize len;

  add_dataset (store, "data", 20000);
  ax_store_close (store);
  whole = read_bytes (fx->project);
  bytes = g_bytes_get_data (whole, &len);
  g_file_set_contents (half, (const char *) bytes, (gssize) (len / 2), &error);
  g_assert_no_error (error);

  assert_refused (half, AX_STORE_ERROR_CORRUPT, NULL);
}

/* Migrating */

static void
test_migrate_from_0 (Fixture *fx, gconstpointer data)
{
  g_autoptr(AxStore) store = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autofree char *mode = NULL;
  sqlite3 *db;

  /* What the very first Auspex would have left: ours, version 0, nothing in
   * it yet. */
  db = raw_open (fx->project, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  {
    g_autofree char *sql = g_strdup_printf ("PRAGMA application_id = %d", AX_STORE_APPLICATION_ID);
    raw_exec (db, sql);
  }
  raw_exec (db, "PRAGMA user_version = 0");
  sqlite3_close (db);
  g_assert_cmpint (file_int (fx->project, "PRAGMA application_id"), ==, AX_STORE_APPLICATION_ID);
  g_assert_cmpint (file_int (fx->project, "SELECT count(*) FROM sqlite_master"), ==, 0);

  store = open_ok (fx->project);
  list = list_ok (store);
  g_assert_cmpuint (list->len, ==, 0);
  add_dataset (store, "after-migration", 50);
  g_clear_pointer (&store, ax_store_close);

  db = raw_open (fx->project, SQLITE_OPEN_READWRITE);
  g_assert_cmpint (raw_int (db, "PRAGMA user_version"), ==, ax_store_schema_version ());
  g_assert_cmpint (raw_int (db, "PRAGMA application_id"), ==, AX_STORE_APPLICATION_ID);
  g_assert_cmpint (raw_int (db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
                                "name IN ('project', 'datasets', 'dataset_columns')"), ==, 3);
  g_assert_cmpint (raw_int (db, "SELECT count(*) FROM datasets"), ==, 1);
  mode = raw_text (db, "PRAGMA journal_mode");
  sqlite3_close (db);
  /* A migrated project is a project like any other, WAL included. */
  EXPECT (g_strcmp0 (mode, "wal") == 0,
          "a project migrated from version 0 is in journal mode '%s', not 'wal'", mode);

  store = open_ok (fx->project);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = list_ok (store);
  g_assert_cmpuint (list->len, ==, 1);
  assert_dataset_rows (store, g_ptr_array_index (list, 0), 50);
}

/* Datasets */

static void
test_rename (Fixture *fx, gconstpointer data)
{
  g_autoptr(AxStore) store = create_ok (fx->project);
  g_autoptr(GError) error = NULL;
  gint64 a = add_dataset (store, "sales", 5);
  gint64 b = add_dataset (store, "costs", 5);

  g_assert_true (ax_store_rename_dataset (store, a, "Sales 2024", &error));
  g_assert_no_error (error);
  {
    g_autoptr(AxDatasetInfo) info = ax_store_get_dataset (store, a, NULL, &error);
    g_assert_cmpstr (info->name, ==, "Sales 2024");
    assert_dataset_rows (store, info, 5);
  }

  /* The name of another dataset is taken; its own is not. */
  g_assert_false (ax_store_rename_dataset (store, b, "Sales 2024", &error));
  g_assert_error (error, AX_STORE_ERROR, AX_STORE_ERROR_NAME_TAKEN);
  g_clear_error (&error);
  g_assert_true (ax_store_rename_dataset (store, a, "Sales 2024", &error));
  g_assert_no_error (error);

  /* Blanks around a name are dropped; a blank name is refused. */
  g_assert_true (ax_store_rename_dataset (store, b, "  Costs  ", &error));
  g_assert_no_error (error);
  {
    g_autoptr(AxDatasetInfo) info = ax_store_get_dataset (store, 0, "Costs", &error);
    g_assert_no_error (error);
    g_assert_cmpint (info->id, ==, b);
  }
  g_assert_false (ax_store_rename_dataset (store, b, "   ", &error));
  g_assert_error (error, AX_STORE_ERROR, AX_STORE_ERROR_FAILED);
  g_clear_error (&error);

  g_assert_false (ax_store_rename_dataset (store, 4242, "ghost", &error));
  g_assert_error (error, AX_STORE_ERROR, AX_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Listed by name, whatever the case. */
  {
    g_autoptr(GPtrArray) list = list_ok (store);
    g_assert_cmpuint (list->len, ==, 2);
    g_assert_cmpstr (((AxDatasetInfo *) g_ptr_array_index (list, 0))->name, ==, "Costs");
    g_assert_cmpstr (((AxDatasetInfo *) g_ptr_array_index (list, 1))->name, ==, "Sales 2024");
  }
}

static void
test_delete (Fixture *fx, gconstpointer data)
{
  g_autoptr(AxStore) store = create_ok (fx->project);
  g_autoptr(GError) error = NULL;
  g_autofree char *table = NULL;
  gint64 a = add_dataset (store, "keep", 300);
  gint64 b = add_dataset (store, "drop", 300);

  g_assert_true (ax_store_delete_dataset (store, b, &error));
  g_assert_no_error (error);
  {
    g_autoptr(GPtrArray) list = list_ok (store);
    g_assert_cmpuint (list->len, ==, 1);
    g_assert_cmpint (((AxDatasetInfo *) g_ptr_array_index (list, 0))->id, ==, a);
    assert_dataset_rows (store, g_ptr_array_index (list, 0), 300);
  }
  g_assert_null (ax_store_get_dataset (store, b, NULL, &error));
  g_assert_error (error, AX_STORE_ERROR, AX_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_clear_pointer (&store, ax_store_close);

  /* Its table is gone, and its column rows with it (foreign keys with
   * ON DELETE CASCADE only work when the connection turned them on). */
  table = g_strdup_printf ("SELECT count(*) FROM sqlite_master WHERE name = 'ds_%" G_GINT64_FORMAT "'", b);
  g_assert_cmpint (file_int (fx->project, table), ==, 0);
  g_assert_cmpint (count_ds_tables (fx->project), ==, 1);
  {
    g_autofree char *cols = g_strdup_printf ("SELECT count(*) FROM dataset_columns WHERE dataset_id = %" G_GINT64_FORMAT, b);
    g_assert_cmpint (file_int (fx->project, cols), ==, 0);
    g_assert_cmpint (file_int (fx->project, "SELECT count(*) FROM dataset_columns"), ==, N_COLS);
  }

  /* The name is free again. */
  store = open_ok (fx->project);
  add_dataset (store, "drop", 3);
}

static void
test_unique_name (Fixture *fx, gconstpointer data)
{
  g_autoptr(AxStore) store = create_ok (fx->project);
  g_autoptr(GError) error = NULL;
  g_autofree char *n1 = NULL, *n2 = NULL, *n3 = NULL, *n4 = NULL;

  n1 = ax_store_unique_dataset_name (store, "sales", &error);
  g_assert_cmpstr (n1, ==, "sales");
  add_dataset (store, "sales", 1);
  n2 = ax_store_unique_dataset_name (store, "sales", &error);
  g_assert_cmpstr (n2, ==, "sales 2");
  add_dataset (store, "sales 2", 1);
  n3 = ax_store_unique_dataset_name (store, "sales", &error);
  g_assert_cmpstr (n3, ==, "sales 3");
  n4 = ax_store_unique_dataset_name (store, "costs", &error);
  g_assert_cmpstr (n4, ==, "costs");
  g_assert_no_error (error);

  /* Writing a dataset under a taken name fails and leaves nothing. */
  {
    g_autoptr(AxFrame) like = make_frame (0, 0);
    AxDatasetWriter *w = ax_dataset_writer_begin (store, "sales", like, "x", "csv", "UTF-8", &error);
    g_assert_null (w);
    g_assert_error (error, AX_STORE_ERROR, AX_STORE_ERROR_NAME_TAKEN);
  }
  g_clear_pointer (&store, ax_store_close);
  g_assert_cmpint (count_ds_tables (fx->project), ==, 2);
  g_assert_cmpint (file_int (fx->project, "SELECT count(*) FROM datasets"), ==, 2);
}

static void
test_read_rows (Fixture *fx, gconstpointer data)
{
  g_autoptr(AxStore) store = create_ok (fx->project);
  g_autoptr(GError) error = NULL;
  g_autoptr(AxDatasetInfo) info = NULL;
  gint64 id = add_dataset (store, "rows", 1000);
  static const gint64 picks[] = { 999, 0, 500, 2000, 7 };

  info = ax_store_get_dataset (store, id, NULL, &error);
  g_assert_no_error (error);

  /* A window at the end is short. */
  {
    g_autoptr(AxFrame) f = ax_store_read_rows (store, info, 990, 100, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (f->n_rows, ==, 10);
    g_assert_cmpint (f->columns[0].ints[0], ==, 990);
  }
  {
    g_autoptr(AxFrame) f = ax_store_read_rows (store, info, 1000, 100, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (f->n_rows, ==, 0);
  }

  /* Rows by number, in the order asked; one past the end is missing. */
  {
    g_autoptr(AxFrame) f = ax_store_read_rows_at (store, info, picks, G_N_ELEMENTS (picks), &error);
    g_assert_no_error (error);
    g_assert_cmpuint (f->n_rows, ==, 5);
    g_assert_cmpint (f->columns[0].ints[0], ==, 999);
    g_assert_cmpint (f->columns[0].ints[1], ==, 0);
    g_assert_cmpint (f->columns[0].ints[2], ==, 500);
    g_assert_true (f->columns[0].missing[3]);
    g_assert_cmpint (f->columns[0].ints[4], ==, 7);
    g_assert_cmpstr (f->columns[2].strings[2], ==, "L2");
  }

  /* Filter (any column, any case, % and _ taken literally) and sort. */
  {
    g_autoptr(GArray) rows = ax_store_query_rows (store, info, "l1", -1, FALSE, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (rows->len, ==, 333);
    g_assert_cmpint (g_array_index (rows, gint64, 0), ==, 1);
    g_assert_cmpint (g_array_index (rows, gint64, 1), ==, 4);
  }
  {
    g_autoptr(GArray) rows = ax_store_query_rows (store, info, "%", -1, FALSE, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (rows->len, ==, 0);
  }
  {
    g_autoptr(GArray) rows = ax_store_query_rows (store, info, NULL, 0, TRUE, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (rows->len, ==, 1000);
    g_assert_cmpint (g_array_index (rows, gint64, 0), ==, 999);
    g_assert_cmpint (g_array_index (rows, gint64, 999), ==, 0);
  }
}

static void
test_writer_abort (Fixture *fx, gconstpointer data)
{
  g_autoptr(AxStore) store = create_ok (fx->project);
  g_autoptr(GError) error = NULL;
  g_autoptr(AxFrame) like = make_frame (0, 0);
  AxDatasetWriter *w;

  add_dataset (store, "before", 20);
  w = ax_dataset_writer_begin (store, "half", like, "src", "csv", "UTF-8", &error);
  g_assert_no_error (error);
  for (guint first = 0; first < 5000; first += 1000)
    {
      g_autoptr(AxFrame) f = make_frame (first, 1000);
      g_assert_true (ax_dataset_writer_append (w, f, &error));
    }
  g_assert_cmpint (ax_dataset_writer_get_n_rows (w), ==, 5000);
  g_assert_cmpint (ax_dataset_writer_get_info (w)->n_rows, ==, 5000);
  ax_dataset_writer_abort (w);

  /* Nothing of it, through the store ... */
  {
    g_autoptr(GPtrArray) list = list_ok (store);
    g_assert_cmpuint (list->len, ==, 1);
    g_assert_cmpstr (((AxDatasetInfo *) g_ptr_array_index (list, 0))->name, ==, "before");
  }
  g_assert_null (ax_store_get_dataset (store, 0, "half", &error));
  g_clear_error (&error);
  g_clear_pointer (&store, ax_store_close);

  /* ... nor in the file. */
  g_assert_cmpint (count_ds_tables (fx->project), ==, 1);
  g_assert_cmpint (file_int (fx->project, "SELECT count(*) FROM datasets"), ==, 1);
  g_assert_cmpint (file_int (fx->project, "SELECT count(*) FROM dataset_columns"), ==, N_COLS);

  /* And the store is usable afterwards, the name free. */
  store = open_ok (fx->project);
  add_dataset (store, "half", 5);
}

static void
test_transaction (Fixture *fx, gconstpointer data)
{
  g_autoptr(AxStore) store = create_ok (fx->project);
  g_autoptr(GError) error = NULL;
  gint64 a = add_dataset (store, "a", 5);

  /* Several changes in one transaction, rolled back together. */
  g_assert_true (ax_store_begin (store, &error));
  g_assert_true (ax_store_rename_dataset (store, a, "renamed", &error));
  g_assert_no_error (error);
  ax_store_rollback (store);
  {
    g_autoptr(AxDatasetInfo) info = ax_store_get_dataset (store, a, NULL, &error);
    g_assert_cmpstr (info->name, ==, "a");
  }
  g_assert_true (ax_store_begin (store, &error));
  g_assert_true (ax_store_rename_dataset (store, a, "renamed", &error));
  g_assert_true (ax_store_commit (store, &error));
  g_assert_no_error (error);
  {
    g_autoptr(AxDatasetInfo) info = ax_store_get_dataset (store, a, NULL, &error);
    g_assert_cmpstr (info->name, ==, "renamed");
  }
}

/* Copies */

static void
test_save_copy (Fixture *fx, gconstpointer data)
{
  g_autofree char *copy = g_build_filename (fx->dir, "copy.auspex", NULL);
  g_autofree char *nodir = g_build_filename (fx->dir, "missing", "copy.auspex", NULL);
  g_autofree char *listing = NULL;
  g_autoptr(AxStore) store = create_ok (fx->project);
  g_autoptr(GError) error = NULL;

  add_dataset (store, "one", 3000);
  add_dataset (store, "two", 7);

  g_assert_true (ax_store_save_copy (store, copy, NULL, &error));
  g_assert_no_error (error);

  /* The copy is a project of its own, with both datasets. */
  {
    g_autoptr(AxStore) c = open_ok (copy);
    g_autoptr(GPtrArray) list = list_ok (c);
    g_assert_cmpuint (list->len, ==, 2);
    assert_dataset_rows (c, g_ptr_array_index (list, 0), 3000);
    assert_dataset_rows (c, g_ptr_array_index (list, 1), 7);
    /* Changing the copy does not change the original. */
    g_assert_true (ax_store_delete_dataset (c, ((AxDatasetInfo *) g_ptr_array_index (list, 1))->id, &error));
  }
  {
    g_autoptr(GPtrArray) list = list_ok (store);
    g_assert_cmpuint (list->len, ==, 2);
  }
  g_assert_cmpint (file_int (copy, "PRAGMA application_id"), ==, AX_STORE_APPLICATION_ID);
  g_assert_cmpint (file_int (copy, "PRAGMA user_version"), ==, ax_store_schema_version ());

  /* Saving again replaces the earlier copy. */
  add_dataset (store, "three", 1);
  g_assert_true (ax_store_save_copy (store, copy, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (file_int (copy, "SELECT count(*) FROM datasets"), ==, 3);

  /* Into a directory that does not exist: an error, nothing written. */
  g_assert_false (ax_store_save_copy (store, nodir, NULL, &error));
  g_assert_nonnull (error);
  g_assert_false (g_file_test (nodir, G_FILE_TEST_EXISTS));

  /* A cancelled copy leaves the earlier one as it was. */
  {
    g_autoptr(GCancellable) cancel = g_cancellable_new ();
    g_autoptr(GBytes) before = read_bytes (copy);
    g_autoptr(GBytes) after = NULL;
    g_autoptr(GError) e2 = NULL;

    g_cancellable_cancel (cancel);
    g_assert_false (ax_store_save_copy (store, copy, cancel, &e2));
    g_assert_error (e2, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    after = read_bytes (copy);
    g_assert_true (g_bytes_equal (before, after));
  }

  /* No temporary files left beside the copies. */
  g_clear_pointer (&store, ax_store_close);
  listing = list_dir (fx->dir);
  g_assert_cmpstr (listing, ==, "copy.auspex test.auspex");
}

/* A crash in the middle of an import */

/* The child of the kill test: imports @csv into @project and exits. */
static int
import_child (const char *project,
              const char *csv)
{
  g_autoptr(GFile) file = g_file_new_for_path (csv);
  g_autoptr(GError) error = NULL;
  AxImportOptions options = { 0 };
  AxImportResult result = { 0 };
  gboolean ok;

  options.name = "big";
  ok = ax_import_file (project, file, &options, NULL, NULL, NULL, &result, &error);
  ax_import_result_clear (&result);
  _exit (ok ? 0 : 3);
}

static void
write_big_csv (const char *path,
               guint       n_rows)
{
  g_autoptr(GString) s = g_string_sized_new ((gsize) n_rows * 80);
  g_autoptr(GError) error = NULL;

  g_string_append (s, "id,value,group,day,comment\n");
  for (guint i = 0; i < n_rows; i++)
    g_string_append_printf (s, "%u,%u.%02u,g%u,2020-%02u-%02u,\"row %u, some text to make it longer\"\n",
                            i, i % 1000, i % 97, i % 13, 1 + i % 12, 1 + i % 28, i);
  g_file_set_contents (path, s->str, (gssize) s->len, &error);
  g_assert_no_error (error);
}

static void
test_kill_during_import (Fixture *fx, gconstpointer data)
{
  g_autofree char *big = g_build_filename (fx->dir, "big.csv", NULL);
  g_autofree char *wal = g_strconcat (fx->project, "-wal", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  AxStore *store;
  int status = 0;
  gboolean killed;
  gint64 wal_size = -1;
  gint64 small_id;

  write_big_csv (big, 300000);

  store = create_ok (fx->project);
  small_id = add_dataset (store, "small", 1234);
  ax_store_close (store);

  /* Kill it once it has written a good part of the new dataset into the
   * WAL, which it commits only at the very end. */
  {
    const char *args[] = { "--import-child", fx->project, big, NULL };
    killed = kill_child_when_wal_grows (args, wal, 4 * 1024 * 1024, 20, 2000, &wal_size, &status);
  }
  if (!killed)
    {
      g_test_fail_printf ("the import child was not killed mid-import (WAL %" G_GINT64_FORMAT
                          " bytes, exit status %d)", wal_size, status);
      return;
    }
  g_assert_true (WIFSIGNALED (status));
  g_assert_cmpint (WTERMSIG (status), ==, SIGKILL);
  g_test_message ("killed the import with %" G_GINT64_FORMAT " bytes in the WAL", wal_size);

  /* The project opens, has the earlier dataset intact, and nothing of the
   * half-written one. */
  store = open_ok (fx->project);
  list = list_ok (store);
  g_assert_cmpuint (list->len, ==, 1);
  {
    AxDatasetInfo *info = g_ptr_array_index (list, 0);
    g_assert_cmpstr (info->name, ==, "small");
    g_assert_cmpint (info->id, ==, small_id);
    assert_dataset_rows (store, info, 1234);
  }
  g_assert_null (ax_store_get_dataset (store, 0, "big", &error));
  g_assert_error (error, AX_STORE_ERROR, AX_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  ax_store_close (store);

  g_assert_cmpint (count_ds_tables (fx->project), ==, 1);
  g_assert_cmpint (file_int (fx->project, "SELECT count(*) FROM datasets"), ==, 1);
  g_assert_cmpint (file_int (fx->project, "SELECT count(*) FROM dataset_columns"), ==, N_COLS);
  {
    sqlite3 *db = raw_open (fx->project, SQLITE_OPEN_READWRITE);
    g_autofree char *check = raw_text (db, "PRAGMA integrity_check");
    g_assert_cmpstr (check, ==, "ok");
    sqlite3_close (db);
  }

  /* And the same import, run to the end this time, works. */
  {
    g_autoptr(GFile) file = g_file_new_for_path (big);
    AxImportOptions options = { .name = "big" };
    AxImportResult result = { 0 };
    g_assert_true (ax_import_file (fx->project, file, &options, NULL, NULL, NULL, &result, &error));
    g_assert_no_error (error);
    g_assert_cmpint (result.n_rows, ==, 300000);
    ax_import_result_clear (&result);
  }
}

int
main (int argc, char **argv)
{
  if (argc == 4 && strcmp (argv[1], "--import-child") == 0)
    return import_child (argv[2], argv[3]);

  test_init_keep_going (&argc, &argv);

  TEST ("/store/create", test_create);
  TEST ("/store/create/exists", test_create_exists);
  TEST ("/store/create/no-dir", test_create_no_dir);
  TEST ("/store/open/reopen", test_open_reopen);
  TEST ("/store/open/missing", test_open_missing);
  TEST ("/store/open/csv", test_open_csv);
  TEST ("/store/open/other-app", test_open_other_app);
  TEST ("/store/open/too-new", test_open_too_new);
  TEST ("/store/open/corrupt", test_open_corrupt);
  TEST ("/store/open/truncated", test_open_truncated);
  TEST ("/store/migrate/from-0", test_migrate_from_0);
  TEST ("/store/datasets/rename", test_rename);
  TEST ("/store/datasets/delete", test_delete);
  TEST ("/store/datasets/unique-name", test_unique_name);
  TEST ("/store/datasets/read", test_read_rows);
  TEST ("/store/writer/abort", test_writer_abort);
  TEST ("/store/transaction", test_transaction);
  TEST ("/store/save-copy", test_save_copy);
  TEST ("/store/kill-during-import", test_kill_during_import);

  return g_test_run ();
}
