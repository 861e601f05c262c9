/* test-import.c — importing files as datasets, exporting them, jobs
 *
 * The shipped datasets ($AX_DATASETS) go through the whole path: import,
 * statistics, export, and a value-by-value comparison of the exported file
 * with the original.  Generated files cover bad rows, fixed and widened
 * types, cancellation, jobs on a main loop and the project's signals.
 */

#include <glib/gstdio.h>
#include <math.h>
#include <sqlite3.h>
#include <string.h>

#include "ax-export.h"
#include "ax-import.h"
#include "ax-project.h"
#include "ax-test-util.h"

/* Every test starts with an empty project, dir/test.auspex (Fixture). */
static void
fixture_set_up (Fixture       *fx,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  AxStore *store;

  fixture_init (fx, "ax-test-import-XXXXXX");
  store = ax_store_create (fx->project, &error);
  g_assert_no_error (error);
  ax_store_close (store);
}

#define TEST_DATA(path, data, func) \
  g_test_add (path, Fixture, data, fixture_set_up, func, fixture_tear_down)

static AxStore *
open_store (Fixture *fx)
{
  g_autoptr(GError) error = NULL;
  AxStore *store = ax_store_open (fx->project, &error);
  g_assert_no_error (error);
  return store;
}

static GPtrArray *
list_datasets (Fixture *fx)
{
  g_autoptr(AxStore) store = open_store (fx);
  g_autoptr(GError) error = NULL;
  GPtrArray *list = ax_store_list_datasets (store, &error);
  g_assert_no_error (error);
  return list;
}

static AxDatasetInfo *
get_dataset (Fixture    *fx,
             const char *name)
{
  g_autoptr(AxStore) store = open_store (fx);
  g_autoptr(GError) error = NULL;
  AxDatasetInfo *info = ax_store_get_dataset (store, 0, name, &error);
  g_assert_no_error (error);
  return info;
}

/* The number of ds_ tables in the file, whatever `datasets` says.  Opened
 * read-write though it only reads: a read-only connection to a WAL file
 * would leave -wal and -shm files behind. */
static gint64
count_ds_tables (Fixture *fx)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 n;

  g_assert_cmpint (sqlite3_open_v2 (fx->project, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' "
                                           "AND name LIKE 'ds\\_%' ESCAPE '\\'", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

static void
import_ok (Fixture               *fx,
           GFile                 *file,
           const AxImportOptions *options,
           AxImportResult        *result)
{
  AxImportOptions defaults = { 0 };
  g_autoptr(GError) error = NULL;

  g_assert_true (ax_import_file (fx->project, file, options ? options : &defaults,
                                 NULL, NULL, NULL, result, &error));
  g_assert_no_error (error);
  g_assert_nonnull (result->dataset_name);
  g_assert_cmpint (result->dataset_id, >, 0);
}

/* Comparing CSV files */

/* Reads @file through the CSV reader: names and every record. */
static GPtrArray *
read_csv (GFile  *file,
          char ***names)
{
  AxReadOptions opts = { .format = AX_FORMAT_CSV };
  g_autoptr(GError) error = NULL;
  g_autoptr(AxReader) reader = ax_reader_open (file, &opts, NULL, &error);
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  const char **fields;
  guint64 line;

  g_assert_no_error (error);
  *names = g_strdupv (reader->names);
  while (ax_reader_next (reader, &fields, &line, &error))
    {
      char **copy = g_new0 (char *, reader->n_columns + 1);
      for (guint c = 0; c < reader->n_columns; c++)
        copy[c] = g_strdup (fields[c] ? fields[c] : "");
      g_ptr_array_add (rows, copy);
    }
  g_assert_no_error (error);
  return rows;
}

/* Two values are the same if both are missing, both numbers that are equal
 * as doubles, or the same text. */
static gboolean
same_value (const char *a,
            const char *b)
{
  const char *const *tokens = ax_infer_default_missing_tokens ();
  double x, y;

  if (ax_infer_is_missing (a, tokens) || ax_infer_is_missing (b, tokens))
    return ax_infer_is_missing (a, tokens) && ax_infer_is_missing (b, tokens);
  if (ax_parse_real (a, &x) && ax_parse_real (b, &y))
    return x == y;
  return strcmp (a, b) == 0;
}

static void
assert_same_csv (GFile *original,
                 GFile *exported)
{
  g_auto(GStrv) names_a = NULL, names_b = NULL;
  g_autoptr(GPtrArray) a = read_csv (original, &names_a);
  g_autoptr(GPtrArray) b = read_csv (exported, &names_b);

  g_assert_cmpstrv (names_a, names_b);
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint r = 0; r < a->len; r++)
    {
      char **ra = g_ptr_array_index (a, r), **rb = g_ptr_array_index (b, r);
      for (guint c = 0; names_a[c]; c++)
        if (!same_value (ra[c], rb[c]))
          g_error ("row %u, column %s: “%s” was exported as “%s”", r + 1, names_a[c], ra[c], rb[c]);
    }
}

static void
export_ok (Fixture    *fx,
           const char *dataset,
           GFile      *dest)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (ax_export_csv (fx->project, dataset, dest, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
}

/* The shipped datasets */

typedef struct {
  const char *file;
  gint64      rows;
  const char *columns;   /* "name:type name:type ..." */
} Expected;

/* From the files' header rows and a look at every column's values. */
static const Expected shipped[] = {
  { "air_passengers.csv", 144, "month:date passengers:integer" },
  { "chicago_ridership.csv", 5698,
    "date:date ridership:real temp:real percip:real Bulls_Home:integer Bears_Home:integer "
    "Cubs_Home:integer temp_min:real temp_max:real humidity:real weather_rain:real weather_snow:real" },
  { "churn.csv", 5000,
    "state:categorical account_length:integer area_code:categorical international_plan:categorical "
    "voice_mail_plan:categorical number_vmail_messages:integer total_day_minutes:real "
    "total_day_calls:integer total_day_charge:real total_eve_minutes:real total_eve_calls:integer "
    "total_eve_charge:real total_night_minutes:real total_night_calls:integer total_night_charge:real "
    "total_intl_minutes:real total_intl_calls:integer total_intl_charge:real "
    "number_customer_service_calls:integer churn:categorical" },
  { "diamonds.csv", 53940,
    "carat:real cut:categorical color:categorical clarity:categorical depth:real table:real "
    "price:integer x:real y:real z:real" },
  { "dutch_retail_sales.csv", 425, "month:date sales_index:integer" },
  { "shuttle.csv", 58000,
    "V1:integer V2:integer V3:integer V4:integer V5:integer V6:integer V7:integer V8:integer "
    "V9:integer Class:categorical" },
};

static GFile *
shipped_file (const char *name)
{
  const char *dir = g_getenv ("AX_DATASETS");
  g_autofree char *path = NULL;

  g_assert_nonnull (dir);
  path = g_build_filename (dir, name, NULL);
  return g_file_new_for_path (path);
}

static void
test_shipped_all_known (Fixture *fx, gconstpointer data)
{
  const char *dir = g_getenv ("AX_DATASETS");
  g_autoptr(GDir) d = NULL;
  g_autoptr(GError) error = NULL;
  const char *name;
  guint n = 0;

  g_assert_nonnull (dir);
  d = g_dir_open (dir, 0, &error);
  g_assert_no_error (error);
  /* Every CSV shipped has its expectations here. */
  while ((name = g_dir_read_name (d)) != NULL)
    {
      gboolean known = FALSE;
      if (!g_str_has_suffix (name, ".csv"))
        continue;
      for (guint i = 0; i < G_N_ELEMENTS (shipped); i++)
        known |= g_str_equal (shipped[i].file, name);
      if (!known)
        g_test_fail_printf ("%s is shipped but not tested", name);
      n++;
    }
  g_assert_cmpuint (n, ==, G_N_ELEMENTS (shipped));
}

static void
test_shipped (Fixture *fx, gconstpointer data)
{
  const Expected *e = data;
  g_autoptr(GFile) file = shipped_file (e->file);
  g_autoptr(GFile) out = NULL;
  g_autofree char *out_path = fixture_path (fx, "exported.csv");
  g_autofree char *stem = g_strndup (e->file, strlen (e->file) - 4);
  g_auto(GStrv) columns = g_strsplit (e->columns, " ", -1);
  g_autoptr(AxDatasetInfo) info = NULL;
  AxImportResult result = { 0 };

  import_ok (fx, file, NULL, &result);
  g_assert_cmpstr (result.dataset_name, ==, stem);
  g_assert_cmpint (result.n_rows, ==, e->rows);
  g_assert_cmpint (result.n_skipped, ==, 0);
  g_assert_null (result.first_skipped);

  info = get_dataset (fx, stem);
  g_assert_cmpint (info->id, ==, result.dataset_id);
  g_assert_cmpint (info->n_rows, ==, e->rows);
  g_assert_cmpstr (info->format, ==, "csv");
  g_assert_cmpstr (info->encoding, ==, "UTF-8");
  g_assert_true (g_str_has_suffix (info->source, e->file));
  g_assert_cmpuint (info->n_columns, ==, g_strv_length (columns));
  for (guint c = 0; c < info->n_columns; c++)
    {
      g_autofree char *got = g_strdup_printf ("%s:%s", info->columns[c].name,
                                              ax_column_type_to_string (info->columns[c].type));
      g_assert_cmpstr (got, ==, columns[c]);
      /* None of the shipped files has a missing value. */
      g_assert_cmpuint (info->columns[c].stats.n_missing, ==, 0);
      if (ax_column_type_is_numeric (info->columns[c].type))
        {
          guint64 sum = 0;
          g_assert_cmpuint (info->columns[c].stats.n_bins, ==, AX_STATS_BINS);
          for (guint b = 0; b < AX_STATS_BINS; b++)
            sum += info->columns[c].stats.bins[b];
          g_assert_cmpuint (sum, ==, (guint64) e->rows);
        }
    }
  ax_import_result_clear (&result);

  /* Out again, and every value as it was. */
  out = g_file_new_for_path (out_path);
  export_ok (fx, stem, out);
  assert_same_csv (file, out);
}

static void
test_shipped_stats (Fixture *fx, gconstpointer data)
{
  g_autoptr(GFile) file = shipped_file ("diamonds.csv");
  g_autoptr(AxDatasetInfo) info = NULL;
  AxImportResult result = { 0 };
  const AxColumnStats *price, *cut;

  import_ok (fx, file, NULL, &result);
  ax_import_result_clear (&result);
  info = get_dataset (fx, "diamonds");
  price = &info->columns[6].stats;
  cut = &info->columns[1].stats;

  /* Known from the data (summary(diamonds$price) in R). */
  g_assert_cmpstr (info->columns[6].name, ==, "price");
  g_assert_cmpfloat (price->min, ==, 326);
  g_assert_cmpfloat (price->max, ==, 18823);
  g_assert_cmpfloat_with_epsilon (price->mean, 3932.799721913237, 1e-6);
  g_assert_cmpfloat_with_epsilon (price->sd, 3989.439738146379, 1e-6);

  g_assert_cmpstr (info->columns[1].name, ==, "cut");
  g_assert_cmpuint (cut->n_distinct, ==, 5);
  g_assert_cmpuint (cut->n_top, ==, 5);
  g_assert_cmpstr (cut->top[0].value, ==, "Ideal");
  g_assert_cmpuint (cut->top[0].count, ==, 21551);
  g_assert_cmpstr (cut->top[1].value, ==, "Premium");
  g_assert_cmpuint (cut->top[1].count, ==, 13791);
  g_assert_cmpstr (cut->top[4].value, ==, "Fair");
  g_assert_cmpuint (cut->top[4].count, ==, 1610);

  /* air_passengers: dates as days, passengers 104..622. */
  {
    g_autoptr(GFile) air = shipped_file ("air_passengers.csv");
    g_autoptr(AxDatasetInfo) a = NULL;
    import_ok (fx, air, NULL, &result);
    ax_import_result_clear (&result);
    a = get_dataset (fx, "air_passengers");
    g_assert_cmpfloat (a->columns[0].stats.min, ==, ax_days_from_civil (1949, 1, 1));
    g_assert_cmpfloat (a->columns[0].stats.max, ==, ax_days_from_civil (1960, 12, 1));
    g_assert_cmpfloat (a->columns[1].stats.min, ==, 104);
    g_assert_cmpfloat (a->columns[1].stats.max, ==, 622);
    g_assert_cmpfloat_with_epsilon (a->columns[1].stats.mean, 280.2986111111111, 1e-9);
  }
}

/* A small file with what CSV makes hard, through import and export. */
static void
test_round_trip_awkward (Fixture *fx, gconstpointer data)
{
  const char *text =
    "id,name,note,price,day,when,ok\n"
    "1,\"Smith, John\",\"He said \"\"hi\"\"\",1.5,2024-01-31,2024-01-31 08:00:00,true\n"
    "2,Zoë,\"two\nlines\",NA,2024-02-29,,false\n"
    "3,,\"  padded  \",0.1,,2024-03-01T23:59:59,\n"
    "4,\"\",plain,-2.5e-7,1999-12-31,1999-12-31 00:00:00,TRUE\n"
    "5,\"a\r\nb\",\"comma, and \"\"quote\"\"\",100,2000-01-01,2000-01-01 12:00:00,false\n";
  g_autoptr(GFile) file = write_gfile (fx, "awkward.csv", text, -1);
  g_autoptr(GFile) out = NULL;
  g_autofree char *out_path = fixture_path (fx, "awkward-out.csv");
  g_autoptr(AxDatasetInfo) info = NULL;
  AxImportResult result = { 0 };
  static const AxColumnType types[] = {
    AX_COLUMN_INTEGER, AX_COLUMN_TEXT, AX_COLUMN_TEXT, AX_COLUMN_REAL, AX_COLUMN_DATE,
    AX_COLUMN_DATETIME, AX_COLUMN_BOOLEAN,
  };

  import_ok (fx, file, NULL, &result);
  g_assert_cmpint (result.n_rows, ==, 5);
  ax_import_result_clear (&result);
  info = get_dataset (fx, "awkward");
  g_assert_cmpuint (info->n_columns, ==, G_N_ELEMENTS (types));
  for (guint c = 0; c < info->n_columns; c++)
    g_assert_cmpint (info->columns[c].type, ==, types[c]);
  g_assert_cmpuint (info->columns[1].stats.n_missing, ==, 2);
  g_assert_cmpuint (info->columns[3].stats.n_missing, ==, 1);
  g_assert_cmpuint (info->columns[4].stats.n_missing, ==, 1);
  g_assert_cmpuint (info->columns[5].stats.n_missing, ==, 1);
  g_assert_cmpuint (info->columns[6].stats.n_missing, ==, 1);

  out = g_file_new_for_path (out_path);
  export_ok (fx, "awkward", out);

  /* Exactly what the export writes (RFC 4180, CRLF, booleans lower case,
   * date-times with a space, blanks preserved by quoting). */
  {
    g_autofree char *got = NULL;
    g_autoptr(GError) error = NULL;
    g_file_get_contents (out_path, &got, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (got, ==,
      "id,name,note,price,day,when,ok\r\n"
      "1,\"Smith, John\",\"He said \"\"hi\"\"\",1.5,2024-01-31,2024-01-31 08:00:00,true\r\n"
      "2,Zoë,\"two\nlines\",,2024-02-29,,false\r\n"
      "3,,\"  padded  \",0.1,,2024-03-01 23:59:59,\r\n"
      "4,,plain,-2.5e-07,1999-12-31,1999-12-31 00:00:00,true\r\n"
      "5,\"a\r\nb\",\"comma, and \"\"quote\"\"\",100,2000-01-01,2000-01-01 12:00:00,false\r\n");
  }

  /* And imported again, the same dataset. */
  {
    AxImportOptions opts = { .name = "again" };
    g_autoptr(AxDatasetInfo) again = NULL;
    import_ok (fx, out, &opts, &result);
    ax_import_result_clear (&result);
    again = get_dataset (fx, "again");
    for (guint c = 0; c < info->n_columns; c++)
      {
        g_assert_cmpstr (again->columns[c].name, ==, info->columns[c].name);
        g_assert_cmpint (again->columns[c].type, ==, info->columns[c].type);
      }
  }
}

/* Bad rows */

/* 20000 rows "i,i*2,g<i%5>", with a wrong-width row at each line in @bad. */
static GFile *
write_with_bad_rows (Fixture       *fx,
                     const guint   *bad,
                     guint          n_bad,
                     guint         *n_good)
{
  g_autoptr(GString) s = g_string_new ("a,b,c\n");
  guint line = 2, good = 0;

  for (guint i = 0; i < 20000; i++, line++)
    {
      gboolean is_bad = FALSE;
      for (guint k = 0; k < n_bad; k++)
        is_bad |= bad[k] == line;
      if (is_bad)
        g_string_append_printf (s, "%u,%u\n", i, i * 2);
      else
        {
          g_string_append_printf (s, "%u,%u,g%u\n", i, i * 2, i % 5);
          good++;
        }
    }
  *n_good = good;
  return write_gfile (fx, "bad.csv", s->str, (gssize) s->len);
}

static void
test_bad_rows_fail (Fixture *fx, gconstpointer data)
{
  /* One bad row in the sample, one far past it. */
  static const guint lines[][1] = { { 7 }, { 15007 } };

  for (guint k = 0; k < G_N_ELEMENTS (lines); k++)
    {
      guint good;
      g_autoptr(GFile) file = write_with_bad_rows (fx, lines[k], 1, &good);
      g_autofree char *expect = g_strdup_printf ("Line %u", lines[k][0]);
      AxImportOptions opts = { 0 };
      AxImportResult result = { 0 };
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) list = NULL;

      g_assert_false (ax_import_file (fx->project, file, &opts, NULL, NULL, NULL, &result, &error));
      g_assert_error (error, AX_SOURCE_ERROR, AX_SOURCE_ERROR_BAD_ROW);
      g_test_message ("%s", error->message);
      g_assert_true (g_str_has_prefix (error->message, expect));
      g_assert_null (result.dataset_name);
      list = list_datasets (fx);
      g_assert_cmpuint (list->len, ==, 0);
      g_assert_cmpint (count_ds_tables (fx), ==, 0);
    }
}

static void
test_bad_rows_skip (Fixture *fx, gconstpointer data)
{
  static const guint bad[] = { 5, 9000, 12000, 20001 };
  guint good;
  g_autoptr(GFile) file = write_with_bad_rows (fx, bad, G_N_ELEMENTS (bad), &good);
  AxImportOptions opts = { .skip_bad_rows = TRUE };
  AxImportResult result = { 0 };
  g_autoptr(AxDatasetInfo) info = NULL;

  g_assert_cmpuint (good, ==, 20000 - G_N_ELEMENTS (bad));
  import_ok (fx, file, &opts, &result);
  g_assert_cmpint (result.n_rows, ==, good);
  g_assert_cmpint (result.n_skipped, ==, G_N_ELEMENTS (bad));
  g_assert_nonnull (result.first_skipped);
  g_assert_true (g_str_has_prefix (result.first_skipped, "Line 5:"));
  ax_import_result_clear (&result);

  info = get_dataset (fx, "bad");
  g_assert_cmpint (info->n_rows, ==, good);
  g_assert_cmpint (info->n_skipped, ==, G_N_ELEMENTS (bad));
  g_assert_cmpint (info->columns[0].type, ==, AX_COLUMN_INTEGER);
  g_assert_cmpint (info->columns[2].type, ==, AX_COLUMN_CATEGORICAL);
  /* 0..19999 less the four skipped rows (lines 5, 9000, 12000, 20001 hold
   * i = 3, 8998, 11998, 19999). */
  g_assert_cmpfloat (info->columns[0].stats.min, ==, 0);
  g_assert_cmpfloat (info->columns[0].stats.max, ==, 19998);
  g_assert_cmpfloat_with_epsilon (info->columns[0].stats.mean,
                                  (19999.0 * 20000 / 2 - 3 - 8998 - 11998 - 19999) / 19996, 1e-9);
}

static void
test_fixed_type (Fixture *fx, gconstpointer data)
{
  g_autoptr(GFile) file = write_gfile (fx, "fixed.csv",
                                      "n,code,day\n1,7,2024-01-01\n2,8,02/01/2024\n2.5,9,2024-01-03\n4,10,2024-01-04\n", -1);
  AxColumnSpec specs[3] = {
    { AX_COLUMN_INTEGER, 0, TRUE },
    { AX_COLUMN_CATEGORICAL, 0, TRUE },
    { AX_COLUMN_DATE, AX_DATE_ISO, TRUE },
  };
  AxImportOptions opts = { .specs = specs, .n_specs = 3 };
  AxImportResult result = { 0 };
  g_autoptr(GError) error = NULL;

  /* "2.5" does not fit the integer the user chose, and is not widened. */
  g_assert_false (ax_import_file (fx->project, file, &opts, NULL, NULL, NULL, &result, &error));
  g_assert_error (error, AX_SOURCE_ERROR, AX_SOURCE_ERROR_BAD_ROW);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "Line 4"));
  g_assert_nonnull (strstr (error->message, "column 1"));
  g_assert_nonnull (strstr (error->message, "2.5"));
  g_clear_error (&error);
  {
    g_autoptr(GPtrArray) list = list_datasets (fx);
    g_assert_cmpuint (list->len, ==, 0);
  }

  /* Skipping it keeps the types as chosen: numbers as categories, and a
   * fixed date column taking a second layout. */
  opts.skip_bad_rows = TRUE;
  import_ok (fx, file, &opts, &result);
  g_assert_cmpint (result.n_rows, ==, 3);
  g_assert_cmpint (result.n_skipped, ==, 1);
  g_assert_nonnull (strstr (result.first_skipped, "Line 4"));
  ax_import_result_clear (&result);
  {
    g_autoptr(AxDatasetInfo) info = get_dataset (fx, "fixed");
    g_autoptr(AxStore) store = open_store (fx);
    g_autoptr(AxFrame) f = ax_store_read_rows (store, info, 0, 10, &error);

    g_assert_no_error (error);
    g_assert_cmpint (info->columns[0].type, ==, AX_COLUMN_INTEGER);
    g_assert_cmpint (info->columns[1].type, ==, AX_COLUMN_CATEGORICAL);
    g_assert_cmpint (info->columns[2].type, ==, AX_COLUMN_DATE);
    g_assert_cmpuint (f->n_rows, ==, 3);
    g_assert_cmpstr (f->columns[1].strings[0], ==, "7");
    g_assert_cmpstr (f->columns[1].strings[2], ==, "10");
    /* 02/01/2024 read as M/D/Y, the first slash layout: 1 February. */
    g_assert_cmpint (f->columns[2].ints[1], ==, ax_days_from_civil (2024, 2, 1));
  }
}

static void
test_widen (Fixture *fx, gconstpointer data)
{
  /* Integers well past the sample (10000 rows) and the first frames
   * written, then one real. */
  g_autoptr(GString) s = g_string_new ("n,m\n");
  g_autoptr(GFile) file = NULL;
  g_autoptr(AxDatasetInfo) info = NULL;
  g_autoptr(AxStore) store = NULL;
  g_autoptr(GError) error = NULL;
  AxImportResult result = { 0 };
  const guint n = 30000, at = 25000;
  double sum = 0;

  for (guint i = 0; i < n; i++)
    g_string_append_printf (s, i == at ? "%u.5,%u\n" : "%u,%u\n", i, i);
  file = write_gfile (fx, "widen.csv", s->str, (gssize) s->len);
  import_ok (fx, file, NULL, &result);
  g_assert_cmpint (result.n_rows, ==, n);
  ax_import_result_clear (&result);

  info = get_dataset (fx, "widen");
  g_assert_cmpint (info->columns[0].type, ==, AX_COLUMN_REAL);
  g_assert_cmpint (info->columns[1].type, ==, AX_COLUMN_INTEGER);
  g_assert_cmpfloat (info->columns[0].stats.min, ==, 0);
  g_assert_cmpfloat (info->columns[0].stats.max, ==, n - 1);
  g_assert_cmpfloat_with_epsilon (info->columns[0].stats.mean, ((n - 1) * n / 2.0 + 0.5) / n, 1e-9);

  /* Every value reads back as a real, the early ones included. */
  store = open_store (fx);
  for (gint64 first = 0; first < n; first += 8000)
    {
      g_autoptr(AxFrame) f = ax_store_read_rows (store, info, first, 8000, &error);
      g_assert_no_error (error);
      g_assert_cmpint (f->columns[0].type, ==, AX_COLUMN_REAL);
      for (guint r = 0; r < f->n_rows; r++)
        {
          guint i = (guint) first + r;
          g_assert_false (f->columns[0].missing[r]);
          g_assert_cmpfloat (f->columns[0].reals[r], ==, i == at ? i + 0.5 : i);
          g_assert_cmpint (f->columns[1].ints[r], ==, i);
          sum += f->columns[0].reals[r];
        }
    }
  g_assert_cmpfloat (sum, ==, (n - 1) * n / 2.0 + 0.5);
}

static void
test_names (Fixture *fx, gconstpointer data)
{
  g_autoptr(GFile) file = write_gfile (fx, "sales 2024.csv", "a\n1\n", -1);
  AxImportResult result = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *from_file = ax_import_name_for_file (file);

  g_assert_cmpstr (from_file, ==, "sales 2024");
  import_ok (fx, file, NULL, &result);
  g_assert_cmpstr (result.dataset_name, ==, "sales 2024");
  ax_import_result_clear (&result);
  import_ok (fx, file, NULL, &result);
  g_assert_cmpstr (result.dataset_name, ==, "sales 2024 2");
  ax_import_result_clear (&result);

  /* A name given and taken is an error, not a new name. */
  {
    AxImportOptions opts = { .name = "sales 2024" };
    g_assert_false (ax_import_file (fx->project, file, &opts, NULL, NULL, NULL, &result, &error));
    g_assert_error (error, AX_STORE_ERROR, AX_STORE_ERROR_NAME_TAKEN);
    g_clear_error (&error);
  }
  {
    AxImportOptions opts = { .name = "  Spaced  " };
    import_ok (fx, file, &opts, &result);
    g_assert_cmpstr (result.dataset_name, ==, "Spaced");
    ax_import_result_clear (&result);
  }
  {
    g_autoptr(GPtrArray) list = list_datasets (fx);
    g_assert_cmpuint (list->len, ==, 3);
  }
}

static void
test_empty_and_header_only (Fixture *fx, gconstpointer data)
{
  g_autoptr(GFile) empty = write_gfile (fx, "empty.csv", "", 0);
  g_autoptr(GFile) header = write_gfile (fx, "header.csv", "x,y\r\n", -1);
  AxImportOptions opts = { 0 };
  AxImportResult result = { 0 };
  g_autoptr(GError) error = NULL;

  g_assert_false (ax_import_file (fx->project, empty, &opts, NULL, NULL, NULL, &result, &error));
  g_assert_error (error, AX_SOURCE_ERROR, AX_SOURCE_ERROR_EMPTY);
  g_clear_error (&error);
  g_assert_cmpint (count_ds_tables (fx), ==, 0);

  import_ok (fx, header, NULL, &result);
  g_assert_cmpint (result.n_rows, ==, 0);
  ax_import_result_clear (&result);
  {
    g_autoptr(AxDatasetInfo) info = get_dataset (fx, "header");
    g_assert_cmpint (info->n_rows, ==, 0);
    g_assert_cmpuint (info->n_columns, ==, 2);
    g_assert_cmpint (info->columns[0].type, ==, AX_COLUMN_TEXT);
  }
}

/* Missing-value tokens of the caller's choosing. */
static void
test_missing_tokens (Fixture *fx, gconstpointer data)
{
  g_autoptr(GFile) file = write_gfile (fx, "tokens.csv", "a,b\n1,x\n-,y\n3,-\nNA,z\n", -1);
  const char *const tokens[] = { "-", NULL };
  AxImportOptions opts = { .missing_tokens = tokens };
  AxImportResult result = { 0 };
  g_autoptr(AxDatasetInfo) info = NULL;

  import_ok (fx, file, &opts, &result);
  ax_import_result_clear (&result);
  info = get_dataset (fx, "tokens");
  /* "NA" is a value here, so column a is text; "-" is missing. */
  g_assert_cmpint (info->columns[0].type, ==, AX_COLUMN_TEXT);
  g_assert_cmpuint (info->columns[0].stats.n_missing, ==, 1);
  g_assert_cmpuint (info->columns[1].stats.n_missing, ==, 1);
}

/* Cancelling */

typedef struct {
  GCancellable *cancellable;
  double        last;
  guint         calls;
  double        cancel_at;
} Progress;

static void
on_progress (double      fraction,
             const char *detail,
             gpointer    data)
{
  Progress *p = data;

  p->calls++;
  if (fraction >= 0)
    {
      g_assert_cmpfloat (fraction, >=, p->last);
      g_assert_cmpfloat (fraction, <=, 1.0);
      p->last = fraction;
    }
  if (fraction >= p->cancel_at)
    g_cancellable_cancel (p->cancellable);
}

static GFile *
write_big (Fixture    *fx,
           const char *name,
           guint       n_rows)
{
  g_autoptr(GString) s = g_string_sized_new ((gsize) n_rows * 40);

  g_string_append (s, "id,value,group,day\n");
  for (guint i = 0; i < n_rows; i++)
    g_string_append_printf (s, "%u,%u.%02u,g%u,2021-%02u-%02u\n", i, i % 1000, i % 100, i % 7,
                            1 + i % 12, 1 + i % 28);
  return write_gfile (fx, name, s->str, (gssize) s->len);
}

static void
test_cancel (Fixture *fx, gconstpointer data)
{
  g_autoptr(GFile) small = write_gfile (fx, "small.csv", "a\n1\n2\n", -1);
  g_autoptr(GFile) big = write_big (fx, "big.csv", 200000);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  Progress p = { cancellable, -1, 0, 0.45 };
  AxImportOptions opts = { 0 };
  AxImportResult result = { 0 };

  import_ok (fx, small, NULL, &result);
  ax_import_result_clear (&result);

  g_assert_false (ax_import_file (fx->project, big, &opts, on_progress, &p, cancellable, &result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_true (g_cancellable_is_cancelled (cancellable));
  /* It was cancelled halfway, not before it started nor after it ended. */
  g_assert_cmpfloat (p.last, >=, 0.45);
  g_assert_cmpfloat (p.last, <, 0.9);
  g_assert_cmpuint (p.calls, >, 2);
  g_assert_null (result.dataset_name);

  {
    g_autoptr(GPtrArray) list = list_datasets (fx);
    g_assert_cmpuint (list->len, ==, 1);
    g_assert_cmpstr (((AxDatasetInfo *) g_ptr_array_index (list, 0))->name, ==, "small");
  }
  g_assert_cmpint (count_ds_tables (fx), ==, 1);

  /* Cancelled before it starts: nothing either. */
  {
    g_autoptr(GError) e2 = NULL;
    g_assert_false (ax_import_file (fx->project, big, &opts, NULL, NULL, cancellable, &result, &e2));
    g_assert_error (e2, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_assert_cmpint (count_ds_tables (fx), ==, 1);
  }
}

/* Exporting */

static void
test_export_errors (Fixture *fx, gconstpointer data)
{
  g_autoptr(GFile) file = write_gfile (fx, "small.csv", "a,b\n1,x\n2,y\n", -1);
  g_autofree char *dest_path = fixture_path (fx, "out.csv");
  g_autoptr(GFile) dest = g_file_new_for_path (dest_path);
  g_autofree char *nodir = g_build_filename (fx->dir, "no", "out.csv", NULL);
  g_autoptr(GFile) nodest = g_file_new_for_path (nodir);
  g_autoptr(GError) error = NULL;
  AxImportResult result = { 0 };

  import_ok (fx, file, NULL, &result);
  ax_import_result_clear (&result);

  /* An unknown dataset: an error, and no file. */
  g_assert_false (ax_export_csv (fx->project, "nope", dest, NULL, NULL, NULL, &error));
  g_assert_error (error, AX_STORE_ERROR, AX_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (g_file_query_exists (dest, NULL));

  g_assert_false (ax_export_csv (fx->project, "small", nodest, NULL, NULL, NULL, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  /* An existing file is replaced as a whole. */
  g_file_set_contents (dest_path, "old contents that are longer than the new ones\n", -1, &error);
  export_ok (fx, "small", dest);
  {
    g_autofree char *got = NULL;
    g_file_get_contents (dest_path, &got, NULL, &error);
    g_assert_cmpstr (got, ==, "a,b\r\n1,x\r\n2,y\r\n");
  }
}

static void
on_export_progress (double      fraction,
                    const char *detail,
                    gpointer    data)
{
  g_cancellable_cancel (data);
}

static void
test_export_cancel (Fixture *fx, gconstpointer data)
{
  g_autoptr(GFile) big = write_big (fx, "big.csv", 50000);
  g_autofree char *dest_path = fixture_path (fx, "out.csv");
  g_autoptr(GFile) dest = g_file_new_for_path (dest_path);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  AxImportResult result = { 0 };
  g_autofree char *after = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *name;
  guint n_files = 0;

  import_ok (fx, big, NULL, &result);
  ax_import_result_clear (&result);
  g_file_set_contents (dest_path, "earlier export\n", -1, &error);
  g_assert_no_error (error);

  /* Cancelled after the first block: the earlier file stays as it was. */
  g_assert_false (ax_export_csv (fx->project, "big", dest, on_export_progress, cancellable,
                                 cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_file_get_contents (dest_path, &after, NULL, NULL);
  g_assert_cmpstr (after, ==, "earlier export\n");

  /* And nothing else was left in the directory: the project, the input
   * and the earlier export. */
  dir = g_dir_open (fx->dir, 0, NULL);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_test_message ("left: %s", name);
      n_files++;
    }
  if (n_files != 3)
    g_test_fail_printf ("a cancelled export left %u files in the directory instead of 3 "
                        "(a temporary file was not removed)", n_files);
}

/* Jobs and the project */

typedef struct {
  GMainLoop *loop;
  GThread   *main_thread;
  guint      fraction_notes;
  guint      detail_notes;
  gboolean   wrong_thread;
  double     last_fraction;
  gboolean   finished;
  gboolean   ok;
  GError    *error;
  gboolean   cancel_on_progress;
} JobWatch;

static void
on_job_notify (GObject    *object,
               GParamSpec *pspec,
               gpointer    data)
{
  JobWatch *w = data;
  AxJob *job = AX_JOB (object);

  if (g_thread_self () != w->main_thread)
    w->wrong_thread = TRUE;
  if (g_str_equal (pspec->name, "fraction"))
    {
      w->fraction_notes++;
      w->last_fraction = ax_job_get_fraction (job);
      if (w->cancel_on_progress && w->last_fraction > 0.1)
        ax_job_cancel (job);
    }
  else if (g_str_equal (pspec->name, "detail"))
    w->detail_notes++;
}

static void
on_job_done (GObject      *source,
             GAsyncResult *res,
             gpointer      data)
{
  JobWatch *w = data;

  if (g_thread_self () != w->main_thread)
    w->wrong_thread = TRUE;
  w->finished = TRUE;
  w->ok = ax_job_run_finish (AX_JOB (source), res, &w->error);
  g_main_loop_quit (w->loop);
}

static gboolean
on_timeout (gpointer data)
{
  g_error ("the job did not finish in time");
  return G_SOURCE_REMOVE;
}

/* Not fatal: a notification from the worker is a bug in AxJob that the
 * rest of the test can outlive. */
static void
assert_main_thread (JobWatch *w)
{
  if (w->wrong_thread)
    g_test_fail_printf ("a job notification or callback ran outside the main thread");
}

static void
run_job (AxJob    *job,
         JobWatch *w)
{
  guint timeout = g_timeout_add_seconds (60, on_timeout, NULL);

  w->loop = g_main_loop_new (NULL, FALSE);
  w->main_thread = g_thread_self ();
  w->last_fraction = -1;
  g_signal_connect (job, "notify", G_CALLBACK (on_job_notify), w);
  ax_job_run_async (job, on_job_done, w);
  g_main_loop_run (w->loop);
  g_source_remove (timeout);
  g_main_loop_unref (w->loop);

  /* Let queued progress updates run, then make sure none comes late. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
test_job_import (Fixture *fx, gconstpointer data)
{
  g_autoptr(GFile) big = write_big (fx, "jobdata.csv", 150000);
  g_autoptr(GError) error = NULL;
  g_autoptr(AxProject) project = ax_project_open (fx->project, &error);
  g_autoptr(AxJob) job = NULL;
  AxImportOptions opts = { .name = "from a job" };
  JobWatch w = { 0 };
  AxImportResult *result;

  g_assert_no_error (error);
  job = ax_project_import_job (project, big, &opts);
  g_assert_nonnull (job);
  g_assert_nonnull (strstr (ax_job_get_title (job), "jobdata.csv"));
  g_assert_cmpfloat (ax_job_get_fraction (job), <, 0);

  run_job (job, &w);

  g_assert_true (w.finished);
  g_assert_no_error (w.error);
  g_assert_true (w.ok);
  assert_main_thread (&w);
  g_assert_cmpuint (w.fraction_notes, >=, 1);
  g_assert_cmpuint (w.detail_notes, >=, 1);
  /* The last report always arrives. */
  g_assert_cmpfloat (w.last_fraction, ==, 1.0);
  g_assert_cmpfloat (ax_job_get_fraction (job), ==, 1.0);

  result = ax_project_import_job_get_result (job);
  g_assert_cmpstr (result->dataset_name, ==, "from a job");
  g_assert_cmpint (result->n_rows, ==, 150000);
  {
    g_autoptr(GPtrArray) list = ax_project_list_datasets (project, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (list->len, ==, 1);
    g_assert_cmpint (((AxDatasetInfo *) g_ptr_array_index (list, 0))->n_rows, ==, 150000);
  }
}

static void
test_job_cancel (Fixture *fx, gconstpointer data)
{
  g_autoptr(GFile) big = write_big (fx, "jobdata.csv", 300000);
  g_autoptr(GError) error = NULL;
  g_autoptr(AxProject) project = ax_project_open (fx->project, &error);
  g_autoptr(AxJob) job = NULL;
  AxImportOptions opts = { 0 };
  JobWatch w = { .cancel_on_progress = TRUE };

  job = ax_project_import_job (project, big, &opts);
  run_job (job, &w);

  g_assert_true (w.finished);
  g_assert_false (w.ok);
  g_assert_error (w.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&w.error);
  assert_main_thread (&w);
  {
    g_autoptr(GPtrArray) list = ax_project_list_datasets (project, &error);
    g_assert_cmpuint (list->len, ==, 0);
  }
  g_assert_cmpint (count_ds_tables (fx), ==, 0);
}

static void
test_job_export (Fixture *fx, gconstpointer data)
{
  g_autoptr(GFile) file = shipped_file ("air_passengers.csv");
  g_autofree char *dest_path = fixture_path (fx, "air.csv");
  g_autoptr(GFile) dest = g_file_new_for_path (dest_path);
  g_autoptr(GError) error = NULL;
  g_autoptr(AxProject) project = ax_project_open (fx->project, &error);
  g_autoptr(AxJob) job = NULL;
  AxImportResult result = { 0 };
  JobWatch w = { 0 };

  import_ok (fx, file, NULL, &result);
  ax_import_result_clear (&result);
  job = ax_project_export_job (project, "air_passengers", dest);
  run_job (job, &w);
  g_assert_no_error (w.error);
  g_assert_true (w.ok);
  assert_main_thread (&w);
  assert_same_csv (file, dest);

  /* Synchronously, in this thread, for the CLI's sake. */
  {
    g_autoptr(AxJob) again = ax_project_export_job (project, "air_passengers", dest);
    g_assert_true (ax_job_run_sync (again, &error));
    g_assert_no_error (error);
  }
}

static gboolean
report_quickly (AxJob         *job,
                gpointer       data,
                GCancellable  *cancellable,
                GError       **error)
{
  ax_job_progress (0.25, "A quarter", job);
  g_usleep (60000);
  ax_job_progress (1.0, "Done", job);
  return TRUE;
}

/* A job started before the main loop runs (a CLI, a test, a job started
 * from a timeout before the window shows): its progress must still reach
 * the properties on the main context, not in the worker. */
static void
test_job_progress_thread (Fixture *fx, gconstpointer data)
{
  g_autoptr(AxJob) job = ax_job_new ("Quick", report_quickly, NULL, NULL);
  guint timeout = g_timeout_add_seconds (60, on_timeout, NULL);
  JobWatch w = { 0 };

  w.loop = g_main_loop_new (NULL, FALSE);
  w.main_thread = g_thread_self ();
  w.last_fraction = -1;
  g_signal_connect (job, "notify", G_CALLBACK (on_job_notify), &w);
  ax_job_run_async (job, on_job_done, &w);
  /* The worker reports while nobody runs the main context. */
  g_usleep (200000);
  g_main_loop_run (w.loop);
  g_source_remove (timeout);
  g_main_loop_unref (w.loop);
  while (g_main_context_iteration (NULL, FALSE))
    ;

  g_assert_true (w.ok);
  g_assert_cmpuint (w.fraction_notes, >=, 1);
  g_assert_cmpfloat (ax_job_get_fraction (job), ==, 1.0);
  g_assert_cmpstr (ax_job_get_detail (job), ==, "Done");
  assert_main_thread (&w);
}

static void
on_changed (AxProject *project,
            gpointer   data)
{
  (*(guint *) data)++;
}

static void
test_project_changed (Fixture *fx, gconstpointer data)
{
  g_autoptr(GFile) file = write_gfile (fx, "small.csv", "a\n1\n", -1);
  g_autofree char *moved = fixture_path (fx, "moved.auspex");
  g_autoptr(GError) error = NULL;
  g_autoptr(AxProject) project = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autofree char *title = NULL;
  AxImportResult result = { 0 };
  guint changed = 0;
  gint64 a, b;

  import_ok (fx, file, NULL, &result);
  a = result.dataset_id;
  ax_import_result_clear (&result);
  import_ok (fx, file, NULL, &result);
  b = result.dataset_id;
  ax_import_result_clear (&result);

  project = ax_project_open (fx->project, &error);
  g_assert_no_error (error);
  title = ax_project_dup_title (project);
  g_assert_cmpstr (title, ==, "test");
  g_signal_connect (project, "changed", G_CALLBACK (on_changed), &changed);

  g_assert_true (ax_project_rename_dataset (project, a, "renamed", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (changed, ==, 1);

  /* A refused rename changes nothing and says nothing. */
  g_assert_false (ax_project_rename_dataset (project, b, "renamed", &error));
  g_assert_error (error, AX_STORE_ERROR, AX_STORE_ERROR_NAME_TAKEN);
  g_clear_error (&error);
  g_assert_cmpuint (changed, ==, 1);

  g_assert_true (ax_project_delete_dataset (project, b, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (changed, ==, 2);
  list = ax_project_list_datasets (project, &error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpstr (((AxDatasetInfo *) g_ptr_array_index (list, 0))->name, ==, "renamed");

  ax_project_changed (project);
  g_assert_cmpuint (changed, ==, 3);

  /* Save As: the project goes on at the new place. */
  g_assert_true (ax_project_save_as (project, moved, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (changed, ==, 4);
  g_assert_cmpstr (ax_project_get_path (project), ==, moved);
  {
    g_autoptr(GPtrArray) l2 = ax_project_list_datasets (project, &error);
    g_assert_cmpuint (l2->len, ==, 1);
  }
}

int
main (int argc, char **argv)
{
  test_init_keep_going (&argc, &argv);

  TEST ("/import/datasets/all-known", test_shipped_all_known);
  for (guint i = 0; i < G_N_ELEMENTS (shipped); i++)
    {
      g_autofree char *stem = g_strndup (shipped[i].file, strlen (shipped[i].file) - 4);
      g_autofree char *path = g_strdup_printf ("/import/datasets/%s", stem);
      TEST_DATA (path, &shipped[i], test_shipped);
    }
  TEST ("/import/datasets/stats", test_shipped_stats);
  TEST ("/import/round-trip", test_round_trip_awkward);
  TEST ("/import/bad-rows/fail", test_bad_rows_fail);
  TEST ("/import/bad-rows/skip", test_bad_rows_skip);
  TEST ("/import/fixed-type", test_fixed_type);
  TEST ("/import/widen", test_widen);
  TEST ("/import/names", test_names);
  TEST ("/import/empty", test_empty_and_header_only);
  TEST ("/import/missing-tokens", test_missing_tokens);
  TEST ("/import/cancel", test_cancel);
  TEST ("/import/export/errors", test_export_errors);
  TEST ("/import/export/cancel", test_export_cancel);
  TEST ("/import/job/import", test_job_import);
  TEST ("/import/job/cancel", test_job_cancel);
  TEST ("/import/job/export", test_job_export);
  TEST ("/import/job/progress-thread", test_job_progress_thread);
  TEST ("/import/project/changed", test_project_changed);

  return g_test_run ();
}
