/* test-cli.c — auspex-cli as a person or a script uses it
 *
 * Every test runs the built auspex-cli ($AX_CLI) as a real process in a
 * fresh temporary directory and judges only what it prints, its exit status
 * and the files it leaves.  Each shipped dataset ($AX_DATASETS) goes in and
 * out again and is compared value by value with its original through a
 * small, independent RFC 4180 parser; generated files cover the formats,
 * names, bad rows and every error an analyst can run into.  A failure must
 * be one line on stderr and a non-zero exit, and must leave the project as
 * it was.
 */

#include "ax-config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <locale.h>
#include <math.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>

#include "ax-test-util.h"

static void
fixture_set_up (Fixture       *fx,
                gconstpointer  data)
{
  fixture_init (fx, "ax-test-cli-XXXXXX");
}

/* The dataset an import names after @file: "churn.csv" -> "churn". */
static char *
dataset_name (const char *file)
{
  g_autofree char *base = g_path_get_basename (file);

  g_assert_true (g_str_has_suffix (base, ".csv"));
  return g_strndup (base, strlen (base) - strlen (".csv"));
}

static void
create_project (Fixture *fx)
{
  g_free (cli_ok (fx, "create", PROJECT, NULL));
}

/* JSON */

/* The datasets of PROJECT as `datasets --json` lists them. */
static JsonNode *
list_datasets (Fixture *fx)
{
  g_autofree char *out = cli_ok (fx, "datasets", PROJECT, "--json", NULL);
  JsonNode *root = parse_json (out);

  g_assert_true (JSON_NODE_HOLDS_ARRAY (root));
  return root;
}

static guint
count_datasets (Fixture *fx)
{
  g_autoptr(JsonNode) list = list_datasets (fx);

  return json_array_get_length (json_node_get_array (list));
}

/* The entry called @name in @list (the root of list_datasets), or fail. */
static JsonObject *
find_dataset (JsonNode   *list,
              const char *name)
{
  JsonArray *array = json_node_get_array (list);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *o = json_array_get_object_element (array, i);
      if (g_strcmp0 (json_object_get_string_member (o, "name"), name) == 0)
        return o;
    }
  g_error ("no dataset called '%s' in the list", name);
  return NULL;
}

/* The column types of @dataset, in order, as a NULL-terminated array. */
static char **
column_types (JsonObject *dataset)
{
  JsonArray *columns = json_object_get_array_member (dataset, "columns");
  guint n = json_array_get_length (columns);
  char **types = g_new0 (char *, n + 1);

  for (guint c = 0; c < n; c++)
    types[c] = g_strdup (json_object_get_string_member (json_array_get_object_element (columns, c), "type"));
  return types;
}

static const char *
column_type (JsonObject *dataset,
             const char *column)
{
  JsonArray *columns = json_object_get_array_member (dataset, "columns");

  for (guint c = 0; c < json_array_get_length (columns); c++)
    {
      JsonObject *col = json_array_get_object_element (columns, c);
      if (g_strcmp0 (json_object_get_string_member (col, "name"), column) == 0)
        return json_object_get_string_member (col, "type");
    }
  g_error ("dataset '%s' has no column '%s'", json_object_get_string_member (dataset, "name"), column);
  return NULL;
}

/* An independent RFC 4180 reader */

/* Splits @text into records (NULL-terminated string arrays) as RFC 4180
 * says: fields separated by commas, records by CRLF or LF, quoted fields
 * with doubled quotes and line breaks inside, an optional final line break
 * and UTF-8 byte order mark.  Anything else fails the test, so that what
 * auspex-cli writes is held to the standard too. */
static GPtrArray *
parse_csv (const char *text,
           gsize       len,
           const char *what)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_autoptr(GPtrArray) fields = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) field = g_string_new (NULL);
  const char *p = text, *end = text + len;
  guint line = 1;

  if (len >= 3 && memcmp (p, "\xEF\xBB\xBF", 3) == 0)
    p += 3;
  while (p < end)
    {
      for (;;)
        {
          g_string_truncate (field, 0);
          if (p < end && *p == '"')
            {
              guint start = line;

              for (p++; ; p++)
                {
                  if (p == end)
                    g_error ("%s: line %u: a quoted field is not closed", what, start);
                  if (*p == '"' && p + 1 < end && p[1] == '"')
                    p++;
                  else if (*p == '"')
                    break;
                  else if (*p == '\n')
                    line++;
                  g_string_append_c (field, *p);
                }
              p++;
              if (p < end && *p != ',' && *p != '\r' && *p != '\n')
                g_error ("%s: line %u: text after a closing quote", what, line);
            }
          else
            for (; p < end && *p != ',' && *p != '\r' && *p != '\n'; p++)
              {
                if (*p == '"')
                  g_error ("%s: line %u: a quote in an unquoted field", what, line);
                g_string_append_c (field, *p);
              }
          g_ptr_array_add (fields, g_strndup (field->str, field->len));
          if (p < end && *p == ',')
            {
              p++;
              continue;
            }
          break;
        }
      if (p < end && *p == '\r')
        p++;
      if (p < end)
        {
          if (*p != '\n')
            g_error ("%s: line %u: a carriage return without a line feed", what, line);
          p++;
          line++;
        }
      g_ptr_array_add (fields, NULL);
      g_ptr_array_add (rows, g_ptr_array_steal (fields, NULL));
    }
  return rows;
}

static GPtrArray *
read_csv (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  gsize len = 0;

  g_file_get_contents (path, &text, &len, &error);
  g_assert_no_error (error);
  return parse_csv (text, len, path);
}

/* Comparing values after a round trip */

static gboolean
is_missing (const char *value)
{
  static const char *const tokens[] = { "", "NA", "N/A", "null", "NaN", NULL };
  g_autofree char *t = g_strstrip (g_strdup (value));

  return g_strv_contains (tokens, t);
}

static gboolean
parse_number (const char *value,
              double     *out)
{
  g_autofree char *t = g_strstrip (g_strdup (value));
  char *end = NULL;

  if (t[0] == '\0')
    return FALSE;
  *out = g_ascii_strtod (t, &end);
  return *end == '\0' && isfinite (*out);
}

/* Whether @a (the original) and @b (exported) are the same value of a
 * column of @type: numbers numerically (to 1e-9, relative), booleans
 * whatever their case, every missing-value token alike, anything else
 * exactly. */
static gboolean
same_value (const char *type,
            const char *a,
            const char *b)
{
  gboolean missing_a = is_missing (a), missing_b = is_missing (b);
  double x, y;

  if (missing_a || missing_b)
    return missing_a && missing_b;
  if (g_str_equal (type, "integer") || g_str_equal (type, "real"))
    return parse_number (a, &x) && parse_number (b, &y) &&
           fabs (x - y) <= 1e-9 * MAX (fabs (x), fabs (y));
  if (g_str_equal (type, "boolean"))
    {
      g_autofree char *ta = g_strstrip (g_strdup (a));
      g_autofree char *tb = g_strstrip (g_strdup (b));
      return g_ascii_strcasecmp (ta, tb) == 0;
    }
  return g_str_equal (a, b);
}

/* Exports @name from PROJECT and compares the file with @original, value by
 * value, using the column types the project reports.  Returns the number of
 * data rows. */
static guint
assert_round_trip (Fixture    *fx,
                   const char *original,
                   const char *name)
{
  g_autofree char *out_name = g_strdup_printf ("%s.out.csv", name);
  g_autofree char *out_path = fixture_path (fx, out_name);
  g_autofree char *printed = cli_ok (fx, "export", PROJECT, name, out_name, NULL);
  g_autoptr(JsonNode) list = list_datasets (fx);
  g_auto(GStrv) types = column_types (find_dataset (list, name));
  g_autoptr(GPtrArray) in = read_csv (original);
  g_autoptr(GPtrArray) out = read_csv (out_path);
  const char * const *header;

  g_assert_cmpstr (printed, ==, "");
  g_assert_cmpuint (in->len, >=, 1);
  /* Failures are not fatal (see main()): stop at the first one that would
   * make the next comparison meaningless. */
  if (out->len != in->len)
    {
      check_failed ("%s: %u records, the export of '%s' has %u", original, in->len, name, out->len);
      return in->len - 1;
    }
  header = g_ptr_array_index (in, 0);
  g_assert_cmpstrv (g_ptr_array_index (out, 0), header);
  g_assert_cmpuint (g_strv_length (types), ==, g_strv_length ((char **) header));
  if (g_test_failed ())
    return in->len - 1;

  for (guint r = 1; r < in->len; r++)
    {
      char **a = g_ptr_array_index (in, r);
      char **b = g_ptr_array_index (out, r);

      if (g_strv_length (a) != g_strv_length (types) || g_strv_length (b) != g_strv_length (types))
        {
          check_failed ("%s: record %u has %u fields in the original, %u in the export, "
                        "for %u columns", original, r, g_strv_length (a), g_strv_length (b),
                        g_strv_length (types));
          return in->len - 1;
        }
      for (guint c = 0; types[c]; c++)
        if (!same_value (types[c], a[c], b[c]))
          {
            /* The first difference says enough. */
            check_failed ("%s: record %u, column '%s' (%s): '%s' came back as '%s'",
                          original, r, header[c], types[c], a[c], b[c]);
            return in->len - 1;
          }
    }
  return in->len - 1;
}

/* What we know of the shipped datasets (data/datasets/README.md, and a
 * look at the data): size, and the types a few telling columns must get. */
typedef struct {
  const char         *file;
  gint64              rows;
  guint               columns;
  const char * const *types;   /* column, type, column, type, ..., NULL */
} KnownDataset;

static const KnownDataset known_datasets[] = {
  { "air_passengers.csv", 144, 2,
    (const char * const[]) { "month", "date", "passengers", "integer", NULL } },
  { "chicago_ridership.csv", 5698, 12,
    (const char * const[]) { "date", "date", "ridership", "real", "temp", "real",
                             "Bulls_Home", "integer", "weather_snow", "real", NULL } },
  { "churn.csv", 5000, 20,
    (const char * const[]) { "state", "categorical", "account_length", "integer",
                             "area_code", "categorical", "international_plan", "categorical",
                             "total_day_minutes", "real", "total_day_calls", "integer",
                             "churn", "categorical", NULL } },
  { "diamonds.csv", 53940, 10,
    (const char * const[]) { "carat", "real", "cut", "categorical", "color", "categorical",
                             "clarity", "categorical", "price", "integer", "depth", "real", NULL } },
  { "dutch_retail_sales.csv", 425, 2,
    (const char * const[]) { "month", "date", "sales_index", "integer", NULL } },
  { "shuttle.csv", 58000, 10,
    (const char * const[]) { "V1", "integer", "V9", "integer", "Class", "categorical", NULL } },
};

static const KnownDataset *
find_known (const char *file)
{
  for (guint i = 0; i < G_N_ELEMENTS (known_datasets); i++)
    if (g_str_equal (known_datasets[i].file, file))
      return &known_datasets[i];
  return NULL;
}

static void
assert_types_valid (JsonObject *dataset)
{
  static const char *const valid[] = {
    "integer", "real", "boolean", "date", "datetime", "categorical", "text", NULL
  };
  g_auto(GStrv) types = column_types (dataset);

  for (guint c = 0; types[c]; c++)
    if (!g_strv_contains (valid, types[c]))
      g_error ("column %u of '%s' has the unknown type '%s'", c,
               json_object_get_string_member (dataset, "name"), types[c]);
}

/* Tests */

static void
test_create_empty (Fixture       *fx,
                   gconstpointer  data)
{
  g_autofree char *project = fixture_path (fx, PROJECT);
  g_autofree char *created = cli_ok (fx, "create", PROJECT, NULL);
  g_autofree char *listed = cli_ok (fx, "datasets", PROJECT, NULL);
  g_autoptr(JsonNode) list = list_datasets (fx);

  g_assert_true (g_file_test (project, G_FILE_TEST_IS_REGULAR));
  g_assert_nonnull (strstr (created, PROJECT));
  g_assert_cmpstr (listed, !=, "");
  g_assert_cmpuint (json_array_get_length (json_node_get_array (list)), ==, 0);

  /* --json works for create too. */
  {
    g_autofree char *out = cli_ok (fx, "create", "other.auspex", "--json", NULL);
    g_autoptr(JsonNode) root = parse_json (out);
    JsonObject *o;

    g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
    o = json_node_get_object (root);
    g_assert_cmpstr (json_object_get_string_member (o, "project"), ==, "other.auspex");
    g_assert_cmpint (json_object_get_int_member (o, "schema_version"), >=, 1);
  }
}

static void
test_create_exists (Fixture       *fx,
                    gconstpointer  data)
{
  g_autofree char *path = fixture_path (fx, "notes.auspex");
  g_autofree char *contents = NULL;

  /* create never overwrites anything, a project or not. */
  create_project (fx);
  g_assert_cmpuint (count_datasets (fx), ==, 0);
  cli_fails (fx, PROJECT, "create", PROJECT, NULL);

  write_file (fx, "notes.auspex", "my notes\n", -1);
  cli_fails (fx, "notes.auspex", "create", "notes.auspex", NULL);
  g_file_get_contents (path, &contents, NULL, NULL);
  g_assert_cmpstr (contents, ==, "my notes\n");

  cli_fails (fx, "x.auspex", "create", "no-such-dir/x.auspex", NULL);
}

/* One shipped dataset in and out again; @data is its path. */
static void
test_round_trip (Fixture       *fx,
                 gconstpointer  data)
{
  const char *path = data;
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *name = dataset_name (path);
  const KnownDataset *known = find_known (base);
  g_autoptr(JsonNode) imported = NULL;
  g_autoptr(JsonNode) list = NULL;
  JsonObject *result, *dataset;
  guint n_rows;

  create_project (fx);
  {
    g_autofree char *out = cli_ok (fx, "import", PROJECT, path, "--json", NULL);
    imported = parse_json (out);
  }
  g_assert_true (JSON_NODE_HOLDS_OBJECT (imported));
  result = json_node_get_object (imported);
  g_assert_cmpstr (json_object_get_string_member (result, "dataset"), ==, name);
  g_assert_cmpint (json_object_get_int_member (result, "skipped_rows"), ==, 0);

  n_rows = assert_round_trip (fx, path, name);
  g_assert_cmpint (json_object_get_int_member (result, "rows"), ==, n_rows);

  list = list_datasets (fx);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (list)), ==, 1);
  dataset = find_dataset (list, name);
  g_assert_cmpint (json_object_get_int_member (dataset, "rows"), ==, n_rows);
  assert_types_valid (dataset);
  if (known)
    {
      JsonArray *columns = json_object_get_array_member (dataset, "columns");

      g_assert_cmpint (n_rows, ==, known->rows);
      g_assert_cmpuint (json_array_get_length (columns), ==, known->columns);
      for (guint i = 0; known->types[i]; i += 2)
        if (!g_str_equal (column_type (dataset, known->types[i]), known->types[i + 1]))
          check_failed ("%s: column '%s' is %s, expected %s", base, known->types[i],
                        column_type (dataset, known->types[i]), known->types[i + 1]);
    }
}

/* Missing values in every spelling, quoting, line breaks in fields, a byte
 * order mark, blanks around text, identifiers with leading zeros. */
static void
test_round_trip_tricky (Fixture       *fx,
                        gconstpointer  data)
{
  static const char text[] =
    "\xEF\xBB\xBF" "id,name,amount,when,flag,note,code\r\n"
    "1,Ada,1.50,2024-01-31,true,\"plain\",007\r\n"
    "2,\"Smith, Bob\",NA,2024-02-29,FALSE,\"say \"\"hi\"\"\",012\r\n"
    "3,Zo\xC3\xAB,N/A,,TRUE,\"two\r\nlines\",\r\n"
    "4,  spaced  ,null,NA,false,\" lead\",100\r\n"
    "5,\"\",NaN,2023-12-01,,\"a,b\",0\r\n"
    "6,Eve,-2.5e3,2024-03-01,False,x,013\r\n";
  g_autofree char *path = fixture_path (fx, "tricky.csv");
  g_autoptr(JsonNode) list = NULL;
  JsonObject *dataset;
  const char *code_type;

  write_file (fx, "tricky.csv", text, -1);
  create_project (fx);
  g_free (cli_ok (fx, "import", PROJECT, "tricky.csv", NULL));
  g_assert_cmpuint (assert_round_trip (fx, path, "tricky"), ==, 6);

  list = list_datasets (fx);
  dataset = find_dataset (list, "tricky");
  g_assert_cmpstr (column_type (dataset, "id"), ==, "integer");
  g_assert_cmpstr (column_type (dataset, "amount"), ==, "real");
  g_assert_cmpstr (column_type (dataset, "when"), ==, "date");
  g_assert_cmpstr (column_type (dataset, "flag"), ==, "boolean");
  g_assert_cmpstr (column_type (dataset, "note"), ==, "text");
  /* Leading zeros mark identifiers (zip codes, "007"): they must survive,
   * which a numeric column cannot do. */
  code_type = column_type (dataset, "code");
  if (!g_str_equal (code_type, "text") && !g_str_equal (code_type, "categorical"))
    check_failed ("the column of identifiers 007, 012, 013 became %s and lost its leading zeros",
                  code_type);
}

/* All shipped datasets in one project. */
static void
test_datasets_all (Fixture       *fx,
                   gconstpointer  data)
{
  g_autoptr(JsonNode) list = NULL;
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  JsonArray *array;

  create_project (fx);
  for (guint i = 0; i < G_N_ELEMENTS (known_datasets); i++)
    {
      g_autofree char *path = dataset_path (known_datasets[i].file);
      g_free (cli_ok (fx, "import", PROJECT, path, NULL));
    }

  list = list_datasets (fx);
  array = json_node_get_array (list);
  g_assert_cmpuint (json_array_get_length (array), ==, G_N_ELEMENTS (known_datasets));
  /* known_datasets is in name order, as the list is. */
  for (guint i = 0; i < G_N_ELEMENTS (known_datasets); i++)
    {
      const KnownDataset *k = &known_datasets[i];
      JsonObject *o = json_array_get_object_element (array, i);
      g_autofree char *name = dataset_name (k->file);

      g_assert_cmpstr (json_object_get_string_member (o, "name"), ==, name);
      g_assert_cmpint (json_object_get_int_member (o, "rows"), ==, k->rows);
      g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "columns")), ==, k->columns);
      g_assert_cmpstr (json_object_get_string_member (o, "format"), ==, "csv");
    }

  /* For people: one line per dataset, starting with its name. */
  text = cli_ok (fx, "datasets", PROJECT, NULL);
  lines = g_strsplit (g_strchomp (text), "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, G_N_ELEMENTS (known_datasets));
  for (guint i = 0; i < G_N_ELEMENTS (known_datasets); i++)
    {
      g_autofree char *name = dataset_name (known_datasets[i].file);
      g_autofree char *prefix = g_strconcat (name, "\t", NULL);
      g_assert_true (g_str_has_prefix (lines[i], prefix));
    }
}

static void
test_import_names (Fixture       *fx,
                   gconstpointer  data)
{
  g_autofree char *path = dataset_path ("air_passengers.csv");
  g_autoptr(JsonNode) list = NULL;
  JsonArray *array;

  create_project (fx);

  /* --name, with blanks around it trimmed. */
  {
    g_autofree char *out = cli_ok (fx, "import", PROJECT, path, "--name", "  Passengers 1949  ", "--json", NULL);
    g_autoptr(JsonNode) root = parse_json (out);
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (root), "dataset"), ==, "Passengers 1949");
  }

  /* A name that is taken is refused, naming it, and nothing is added. */
  cli_fails (fx, "Passengers 1949", "import", PROJECT, path, "--name", "Passengers 1949", NULL);
  g_assert_cmpuint (count_datasets (fx), ==, 1);

  /* Without --name the file's name is made unique. */
  g_free (cli_ok (fx, "import", PROJECT, path, NULL));
  {
    g_autofree char *out = cli_ok (fx, "import", PROJECT, path, "--json", NULL);
    g_autoptr(JsonNode) root = parse_json (out);
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (root), "dataset"), ==, "air_passengers 2");
  }
  cli_fails (fx, "air_passengers", "import", PROJECT, path, "--name", "air_passengers", NULL);

  /* A name of blanks only is no name: refused, or the file's name used. */
  {
    g_autoptr(CliRun) run = cli_run (fx, "import", PROJECT, path, "--name", "   ", "--json", NULL);

    if (run->status != 0)
      assert_failed (run, "name");
    else
      {
        g_autoptr(JsonNode) root = parse_json (run->out);
        const char *name = json_object_get_string_member (json_node_get_object (root), "dataset");
        g_autofree char *stripped = g_strstrip (g_strdup (name));

        if (stripped[0] == '\0')
          check_failed ("--name \"   \" imported a dataset with the empty name '%s'", name);
      }
  }

  list = list_datasets (fx);
  array = json_node_get_array (list);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      const char *name = json_object_get_string_member (json_array_get_object_element (array, i), "name");
      assert_round_trip (fx, path, name);
    }
}

static void
test_import_json (Fixture       *fx,
                  gconstpointer  data)
{
  /* A name that says nothing of the format: --format decides. */
  static const char text[] =
    "[{\"id\": 1, \"city\": \"Z\\u00fcrich\", \"t\": 1.5, \"ok\": true, \"day\": \"2024-01-31\","
    "  \"geo\": {\"lat\": 47.37}},\n"
    " {\"id\": 2, \"city\": \"Oslo\", \"t\": null, \"ok\": false, \"day\": \"2024-02-29\"},\n"
    " {\"id\": 3, \"city\": \"Lima\", \"t\": -0.25, \"day\": null, \"geo\": {\"lat\": -12.05}}]\n";
  static const char expected[] =
    "id,city,t,ok,day,geo.lat\r\n"
    "1,Zürich,1.5,true,2024-01-31,47.37\r\n"
    "2,Oslo,,false,2024-02-29,\r\n"
    "3,Lima,-0.25,,,-12.05\r\n";
  g_autofree char *expected_path = fixture_path (fx, "expected.csv");
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) list = NULL;
  JsonObject *dataset;

  write_file (fx, "cities.data", text, -1);
  write_file (fx, "expected.csv", expected, -1);
  create_project (fx);
  {
    g_autofree char *out = cli_ok (fx, "import", PROJECT, "cities.data", "--format", "json", "--json", NULL);
    root = parse_json (out);
  }
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (root), "dataset"), ==, "cities");
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (root), "rows"), ==, 3);

  list = list_datasets (fx);
  dataset = find_dataset (list, "cities");
  g_assert_cmpstr (json_object_get_string_member (dataset, "format"), ==, "json");
  g_assert_cmpstr (column_type (dataset, "id"), ==, "integer");
  g_assert_cmpstr (column_type (dataset, "t"), ==, "real");
  g_assert_cmpstr (column_type (dataset, "ok"), ==, "boolean");
  g_assert_cmpstr (column_type (dataset, "day"), ==, "date");
  g_assert_cmpstr (column_type (dataset, "geo.lat"), ==, "real");
  g_assert_cmpuint (assert_round_trip (fx, expected_path, "cities"), ==, 3);

  /* NDJSON is not a JSON array: --format json says where it went wrong. */
  write_file (fx, "events.data", "{\"a\": 1}\n{\"a\": 2}\n", -1);
  cli_fails (fx, "Line 1", "import", PROJECT, "events.data", "--format", "json", NULL);
  g_assert_cmpuint (count_datasets (fx), ==, 1);
}

static void
test_import_ndjson (Fixture       *fx,
                    gconstpointer  data)
{
  static const char text[] =
    "{\"user\": \"ada\", \"n\": 3, \"at\": \"2024-05-01\"}\n"
    "\n"
    "{\"user\": \"bob\", \"n\": 4.5}\n"
    "{\"n\": null, \"user\": \"cy\", \"extra\": \"late\"}\n";
  static const char expected[] =
    "user,n,at,extra\n"
    "ada,3,2024-05-01,\n"
    "bob,4.5,,\n"
    "cy,,,late\n";
  g_autofree char *expected_path = fixture_path (fx, "expected.csv");
  g_autoptr(JsonNode) list = NULL;
  JsonObject *dataset;

  write_file (fx, "events.log", text, -1);
  write_file (fx, "expected.csv", expected, -1);
  create_project (fx);
  g_free (cli_ok (fx, "import", PROJECT, "events.log", "--format", "ndjson", NULL));

  list = list_datasets (fx);
  dataset = find_dataset (list, "events");
  g_assert_cmpint (json_object_get_int_member (dataset, "rows"), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (dataset, "format"), ==, "ndjson");
  g_assert_cmpstr (column_type (dataset, "n"), ==, "real");
  g_assert_cmpuint (assert_round_trip (fx, expected_path, "events"), ==, 3);
}

static void
test_import_tsv (Fixture       *fx,
                 gconstpointer  data)
{
  /* Every line splits into more fields at commas than at tabs, so only
   * --format tsv reads this right. */
  static const char text[] =
    "name, first\tscore, total\n"
    "Ada, L.\t1,5\n"
    "Bob, K.\t2,0\n"
    "Cy, D.\t3,5\n";
  static const char expected[] =
    "\"name, first\",\"score, total\"\n"
    "\"Ada, L.\",\"1,5\"\n"
    "\"Bob, K.\",\"2,0\"\n"
    "\"Cy, D.\",\"3,5\"\n";
  g_autofree char *expected_path = fixture_path (fx, "expected.csv");
  g_autoptr(JsonNode) list = NULL;
  JsonObject *dataset;

  write_file (fx, "scores.txt", text, -1);
  write_file (fx, "expected.csv", expected, -1);
  create_project (fx);
  g_free (cli_ok (fx, "import", PROJECT, "scores.txt", "--format", "tsv", NULL));

  list = list_datasets (fx);
  dataset = find_dataset (list, "scores");
  g_assert_cmpstr (json_object_get_string_member (dataset, "format"), ==, "tsv");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (dataset, "columns")), ==, 2);
  g_assert_cmpuint (assert_round_trip (fx, expected_path, "scores"), ==, 3);

  /* The format's name is not case-sensitive, and the name's extension is
   * not needed. */
  write_file (fx, "plain", "a\tb\n1\t2\n", -1);
  g_free (cli_ok (fx, "import", PROJECT, "plain", "--format", "TSV", NULL));
  g_assert_cmpuint (count_datasets (fx), ==, 2);
}

/* --skip-rows and --no-header, for reports with a title above the table
 * and tables without one. */
static void
test_import_header_options (Fixture       *fx,
                            gconstpointer  data)
{
  g_autofree char *expected_path = fixture_path (fx, "expected.csv");
  g_autoptr(JsonNode) list = NULL;
  JsonArray *columns;

  write_file (fx, "report.csv", "Sales by region\nexported 2024-05-01\nregion,amount\nNorth,10\nSouth,20\n", -1);
  write_file (fx, "bare.csv", "1,x\n2,y\n3,z\n", -1);
  create_project (fx);

  g_free (cli_ok (fx, "import", PROJECT, "report.csv", "--skip-rows", "2", NULL));
  write_file (fx, "expected.csv", "region,amount\nNorth,10\nSouth,20\n", -1);
  g_assert_cmpuint (assert_round_trip (fx, expected_path, "report"), ==, 2);

  /* Every line is data; the columns get names of their own. */
  g_free (cli_ok (fx, "import", PROJECT, "bare.csv", "--no-header", NULL));
  list = list_datasets (fx);
  columns = json_object_get_array_member (find_dataset (list, "bare"), "columns");
  g_assert_cmpint (json_object_get_int_member (find_dataset (list, "bare"), "rows"), ==, 3);
  g_assert_cmpuint (json_array_get_length (columns), ==, 2);
  for (guint c = 0; c < 2; c++)
    {
      const char *name = json_object_get_string_member (json_array_get_object_element (columns, c), "name");
      g_assert_cmpuint (strlen (name), >, 0);
    }

  /* Skipping every line leaves nothing to import. */
  cli_fails (fx, "empty", "import", PROJECT, "report.csv", "--skip-rows", "99", NULL);
  g_assert_cmpuint (count_datasets (fx), ==, 2);
}

static void
test_skip_bad_rows (Fixture       *fx,
                    gconstpointer  data)
{
  /* Line 3 has a field too many, line 5 a quote that is never closed. */
  static const char text[] =
    "id,name,score\n"
    "1,Ada,1.5\n"
    "2,Bob,2.5,extra\n"
    "3,\"Cy\",3\n"
    "4,\"Di,4\n";
  g_autoptr(CliRun) run = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *result;

  write_file (fx, "scores.csv", text, -1);
  create_project (fx);

  /* Without the flag: the first bad line, and nothing imported. */
  cli_fails (fx, "Line 3", "import", PROJECT, "scores.csv", NULL);
  cli_fails (fx, "Line 3", "import", PROJECT, "scores.csv", "--json", NULL);
  g_assert_cmpuint (count_datasets (fx), ==, 0);

  /* With it: the good rows, and how many were skipped. */
  run = cli_run (fx, "import", PROJECT, "scores.csv", "--skip-bad-rows", "--json", NULL);
  g_assert_cmpint (run->status, ==, 0);
  g_assert_cmpstr (run->err, ==, "");
  root = parse_json (run->out);
  result = json_node_get_object (root);
  g_assert_cmpstr (json_object_get_string_member (result, "dataset"), ==, "scores");
  g_assert_cmpint (json_object_get_int_member (result, "rows"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (result, "skipped_rows"), ==, 2);
  g_assert_nonnull (strstr (json_object_get_string_member (result, "first_skipped"), "Line 3"));
  g_assert_cmpuint (count_datasets (fx), ==, 1);

  /* For people, the count is in the words. */
  {
    g_autofree char *out = cli_ok (fx, "import", PROJECT, "scores.csv", "--skip-bad-rows", NULL);
    g_assert_nonnull (strstr (out, "2"));
    g_assert_nonnull (strstr (out, "Line 3"));
  }

  {
    g_autofree char *expected_path = fixture_path (fx, "expected.csv");
    write_file (fx, "expected.csv", "id,name,score\n1,Ada,1.5\n3,Cy,3\n", -1);
    g_assert_cmpuint (assert_round_trip (fx, expected_path, "scores"), ==, 2);
  }
}

static void
test_unclosed_quote (Fixture       *fx,
                     gconstpointer  data)
{
  static const char text[] =
    "id,name\n"
    "1,Ada\n"
    "2,\"Bob\n"
    "3,Cy\n";
  g_autoptr(JsonNode) root = NULL;
  JsonObject *result;

  write_file (fx, "people.csv", text, -1);
  create_project (fx);
  /* The quote opened on line 3, in the second column, runs to the end. */
  cli_fails (fx, "Line 3, column 2", "import", PROJECT, "people.csv", NULL);
  g_assert_cmpuint (count_datasets (fx), ==, 0);

  {
    g_autofree char *out = cli_ok (fx, "import", PROJECT, "people.csv", "--skip-bad-rows", "--json", NULL);
    root = parse_json (out);
  }
  result = json_node_get_object (root);
  g_assert_cmpint (json_object_get_int_member (result, "rows"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (result, "skipped_rows"), ==, 1);
}

/* A value that does not fit its column's type, after the rows the types
 * were guessed from: the message names line and column. */
static void
test_bad_value (Fixture       *fx,
                gconstpointer  data)
{
  g_autoptr(GString) text = g_string_new ("n,v\n");
  g_autoptr(JsonNode) root = NULL;
  JsonObject *result;
  const guint n = 12000;

  for (guint i = 1; i <= n; i++)
    g_string_append_printf (text, "%u,%s\n", i, i == 11000 ? "x7" : i % 2 ? "1" : "2");
  write_file (fx, "values.csv", text->str, (gssize) text->len);
  create_project (fx);

  cli_fails (fx, "Line 11001, column 2", "import", PROJECT, "values.csv", NULL);
  g_assert_cmpuint (count_datasets (fx), ==, 0);

  {
    g_autofree char *out = cli_ok (fx, "import", PROJECT, "values.csv", "--skip-bad-rows", "--json", NULL);
    root = parse_json (out);
  }
  result = json_node_get_object (root);
  g_assert_cmpint (json_object_get_int_member (result, "rows"), ==, n - 1);
  g_assert_cmpint (json_object_get_int_member (result, "skipped_rows"), ==, 1);
  g_assert_nonnull (strstr (json_object_get_string_member (result, "first_skipped"), "Line 11001, column 2"));
}

/* Ctrl+C during an import stops it, says so, and leaves the project as it
 * was. */
static void
test_import_interrupted (Fixture       *fx,
                         gconstpointer  data)
{
  static const char *const args[] = { "import", PROJECT, "big.csv", NULL };
  g_autofree char *wal = fixture_path (fx, PROJECT "-wal");
  g_autoptr(GString) text = g_string_new ("id,value,label\n");
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(CliRun) run = g_new0 (CliRun, 1);
  gint64 deadline;

  /* Big enough to take most of a second to import, which is ages to wait
   * for a signal sent as soon as the import has begun. */
  for (guint i = 0; i < 400000; i++)
    g_string_append_printf (text, "%u,%u.5,l%u\n", i, i, i % 50);
  write_file (fx, "big.csv", text->str, (gssize) text->len);
  create_project (fx);

  /* The write-ahead log appears when the import opens the project, after
   * the command has set up its signal handling. */
  proc = cli_spawn (fx, args, run);
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (!g_file_test (wal, G_FILE_TEST_EXISTS) && g_get_monotonic_time () < deadline)
    g_usleep (1000);
  g_assert_true (g_file_test (wal, G_FILE_TEST_EXISTS));
  g_subprocess_send_signal (proc, SIGINT);
  cli_wait (proc, run);

  assert_failed (run, "nterrupted");
  g_assert_cmpuint (count_datasets (fx), ==, 0);
}

/* What a file looks like: its size, modification time and contents. */
static char *
file_state (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *sum = NULL;
  GStatBuf st;
  gsize len = 0;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  sum = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guint8 *) contents, len);
  return g_strdup_printf ("%" G_GSIZE_FORMAT " bytes, modified %lld.%09ld, sha256 %s", len,
                          (long long) st.st_mtim.tv_sec, (long) st.st_mtim.tv_nsec, sum);
}

static void
sql (const char *path,
     const char *statements)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL), ==, SQLITE_OK);
  if (sqlite3_exec (db, statements, NULL, NULL, NULL) != SQLITE_OK)
    g_error ("%s: %s", statements, sqlite3_errmsg (db));
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);
}

/* Every command that opens @name fails naming it, and leaves it as it was. */
static void
assert_refused (Fixture    *fx,
                const char *name,
                const char *fragment)
{
  g_autofree char *path = fixture_path (fx, name);
  g_autofree char *csv = dataset_path ("air_passengers.csv");
  g_autofree char *before = file_state (path);
  g_autofree char *out_path = fixture_path (fx, "out.csv");

  cli_fails (fx, fragment, "datasets", name, NULL);
  cli_fails (fx, fragment, "datasets", name, "--json", NULL);
  cli_fails (fx, fragment, "import", name, csv, NULL);
  cli_fails (fx, fragment, "export", name, "air_passengers", "out.csv", NULL);
  cli_fails (fx, name, "create", name, NULL);
  g_assert_false (g_file_test (out_path, G_FILE_TEST_EXISTS));

  {
    g_autofree char *after = file_state (path);
    g_assert_cmpstr (after, ==, before);
  }
}

static void
test_missing_project (Fixture       *fx,
                      gconstpointer  data)
{
  g_autofree char *csv = dataset_path ("air_passengers.csv");
  g_autofree char *path = fixture_path (fx, "missing.auspex");

  cli_fails (fx, "missing.auspex", "datasets", "missing.auspex", NULL);
  cli_fails (fx, "missing.auspex", "import", "missing.auspex", csv, NULL);
  cli_fails (fx, "missing.auspex", "export", "missing.auspex", "air_passengers", "out.csv", NULL);
  /* Reading a project never creates one. */
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

static void
test_not_a_project (Fixture       *fx,
                    gconstpointer  data)
{
  g_autofree char *foreign = fixture_path (fx, "foreign.auspex");
  g_autofree char *damaged = fixture_path (fx, "damaged.auspex");

  write_file (fx, "notes.auspex", "This is not a project.\n", -1);
  assert_refused (fx, "notes.auspex", "notes.auspex");

  /* A database, but someone else's. */
  sql (foreign, "CREATE TABLE t (x); INSERT INTO t VALUES (1);");
  assert_refused (fx, "foreign.auspex", "foreign.auspex");

  /* A project whose first page has been overwritten. */
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *contents = NULL;
    gsize len = 0;

    g_free (cli_ok (fx, "create", "damaged.auspex", NULL));
    g_file_get_contents (damaged, &contents, &len, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (len, >=, 4096);
    memset (contents + 100, 0xAB, 4096 - 100);
    g_file_set_contents (damaged, contents, (gssize) len, &error);
    g_assert_no_error (error);
  }
  assert_refused (fx, "damaged.auspex", "damaged.auspex");
}

static void
test_newer_project (Fixture       *fx,
                    gconstpointer  data)
{
  g_autofree char *path = fixture_path (fx, PROJECT);
  g_autofree char *csv = dataset_path ("air_passengers.csv");

  create_project (fx);
  g_free (cli_ok (fx, "import", PROJECT, csv, NULL));
  sql (path, "PRAGMA user_version = 9999;");
  assert_refused (fx, PROJECT, PROJECT);

  {
    g_autoptr(CliRun) run = cli_run (fx, "datasets", PROJECT, NULL);
    /* Say why, so that the analyst knows to update. */
    assert_failed (run, "newer");
  }
}

static void
test_import_errors (Fixture       *fx,
                    gconstpointer  data)
{
  g_autofree char *csv = dataset_path ("air_passengers.csv");
  g_autofree char *subdir = fixture_path (fx, "folder");

  create_project (fx);
  cli_fails (fx, "nonexistent.csv", "import", PROJECT, "nonexistent.csv", NULL);
  g_assert_cmpint (g_mkdir (subdir, 0755), ==, 0);
  cli_fails (fx, "folder", "import", PROJECT, "folder", NULL);
  /* The unknown format is named back. */
  cli_fails (fx, "xml", "import", PROJECT, csv, "--format", "xml", NULL);
  cli_fails (fx, "--skip-rows", "import", PROJECT, csv, "--skip-rows", "-1", NULL);
  cli_fails (fx, "--bogus", "import", PROJECT, csv, "--bogus", NULL);

  write_file (fx, "empty.csv", "", 0);
  cli_fails (fx, "empty", "import", PROJECT, "empty.csv", NULL);

  g_assert_cmpuint (count_datasets (fx), ==, 0);
}

static void
test_export_errors (Fixture       *fx,
                    gconstpointer  data)
{
  g_autofree char *csv = dataset_path ("air_passengers.csv");
  g_autofree char *out = fixture_path (fx, "out.csv");
  g_autofree char *subdir = fixture_path (fx, "folder");
  g_autofree char *before = NULL;

  create_project (fx);
  g_free (cli_ok (fx, "import", PROJECT, csv, NULL));

  cli_fails (fx, "no such data", "export", PROJECT, "no such data", "out.csv", NULL);
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));

  cli_fails (fx, "no-such-dir/out.csv", "export", PROJECT, "air_passengers", "no-such-dir/out.csv", NULL);
  g_assert_cmpint (g_mkdir (subdir, 0755), ==, 0);
  cli_fails (fx, "folder", "export", PROJECT, "air_passengers", "folder", NULL);

  /* A failed export leaves a file already there as it was. */
  write_file (fx, "out.csv", "keep me\n", -1);
  before = file_state (out);
  cli_fails (fx, "nothing", "export", PROJECT, "nothing", "out.csv", NULL);
  {
    g_autofree char *after = file_state (out);
    g_assert_cmpstr (after, ==, before);
  }

  /* A successful one replaces it, and --json says what was written. */
  {
    g_autofree char *printed = cli_ok (fx, "export", PROJECT, "air_passengers", "out.csv", "--json", NULL);
    g_autoptr(JsonNode) root = parse_json (printed);
    JsonObject *o = json_node_get_object (root);

    g_assert_cmpstr (json_object_get_string_member (o, "dataset"), ==, "air_passengers");
    g_assert_cmpstr (json_object_get_string_member (o, "file"), ==, "out.csv");
  }
  g_assert_cmpuint (assert_round_trip (fx, csv, "air_passengers"), ==, 144);
}

/* An export never writes over the project it reads, however the path is
 * spelled: a slip of the keyboard must not cost the analyst every dataset. */
static void
test_export_over_project (Fixture       *fx,
                          gconstpointer  data)
{
  static const char *const spellings[] = { PROJECT, "./" PROJECT };
  g_autofree char *csv = dataset_path ("air_passengers.csv");
  g_autofree char *project = fixture_path (fx, PROJECT);

  create_project (fx);
  g_free (cli_ok (fx, "import", PROJECT, csv, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (spellings); i++)
    {
      g_autofree char *before = file_state (project);
      g_autofree char *after = NULL;

      cli_fails (fx, PROJECT, "export", PROJECT, "air_passengers", spellings[i], NULL);
      after = file_state (project);
      g_assert_cmpstr (after, ==, before);
      /* A project that is gone cannot be asked anything more. */
      if (g_test_failed ())
        return;
    }
  g_assert_cmpuint (count_datasets (fx), ==, 1);
}

static void
test_usage_errors (Fixture       *fx,
                   gconstpointer  data)
{
  create_project (fx);

  cli_fails (fx, "frobnicate", "frobnicate", PROJECT, NULL);
  cli_fails (fx, "create", "create", NULL);
  cli_fails (fx, "create", "create", "a.auspex", "b.auspex", NULL);
  cli_fails (fx, "datasets", "datasets", NULL);
  cli_fails (fx, "import", "import", PROJECT, NULL);
  cli_fails (fx, "import", "import", NULL);
  cli_fails (fx, "export", "export", PROJECT, "air_passengers", NULL);
  cli_fails (fx, "--bogus", "datasets", PROJECT, "--bogus", NULL);

  /* No command at all is a usage error like any other. */
  {
    g_autoptr(CliRun) run = cli_runv (fx, (const char * const[]) { NULL });
    assert_failed (run, "command");
  }
}

static void
test_help (Fixture       *fx,
           gconstpointer  data)
{
  static const char *const commands[] = { "create", "import", "datasets", "export" };
  g_autofree char *help = cli_ok (fx, "--help", NULL);
  g_autofree char *version = cli_ok (fx, "--version", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    g_assert_nonnull (strstr (help, commands[i]));
  g_assert_true (g_str_has_prefix (version, "auspex-cli "));
}

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  const char *datasets = g_getenv ("AX_DATASETS");

  /* Messages with the CLI's typographic quotes print as they are. */
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  /* A wrong answer fails its test and the run goes on to the next, so that
   * one bug in the command line does not hide the others. */
  g_test_set_nonfatal_assertions ();

  TEST ("/cli/create/empty", test_create_empty);
  TEST ("/cli/create/exists", test_create_exists);

  /* Every CSV shipped, known to this test or not. */
  if (datasets)
    {
      g_autoptr(GDir) dir = g_dir_open (datasets, 0, NULL);
      const char *name;

      while (dir && (name = g_dir_read_name (dir)) != NULL)
        if (g_str_has_suffix (name, ".csv"))
          g_ptr_array_add (files, g_build_filename (datasets, name, NULL));
      g_ptr_array_sort (files, compare_paths);
    }
  for (guint i = 0; i < files->len; i++)
    {
      const char *file = g_ptr_array_index (files, i);
      g_autofree char *base = g_path_get_basename (file);
      g_autofree char *path = g_strconcat ("/cli/round-trip/", base, NULL);
      g_test_add (path, Fixture, file, fixture_set_up, test_round_trip, fixture_tear_down);
    }
  TEST ("/cli/round-trip/tricky", test_round_trip_tricky);
  TEST ("/cli/datasets/all", test_datasets_all);

  TEST ("/cli/import/names", test_import_names);
  TEST ("/cli/import/json", test_import_json);
  TEST ("/cli/import/ndjson", test_import_ndjson);
  TEST ("/cli/import/tsv", test_import_tsv);
  TEST ("/cli/import/header-options", test_import_header_options);
  TEST ("/cli/import/skip-bad-rows", test_skip_bad_rows);
  TEST ("/cli/import/unclosed-quote", test_unclosed_quote);
  TEST ("/cli/import/bad-value", test_bad_value);
  TEST ("/cli/import/interrupted", test_import_interrupted);
  TEST ("/cli/import/errors", test_import_errors);

  TEST ("/cli/errors/missing-project", test_missing_project);
  TEST ("/cli/errors/not-a-project", test_not_a_project);
  TEST ("/cli/errors/newer-project", test_newer_project);
  TEST ("/cli/errors/usage", test_usage_errors);
  TEST ("/cli/export/errors", test_export_errors);
  TEST ("/cli/export/over-project", test_export_over_project);
  TEST ("/cli/help", test_help);

  return g_test_run ();
}
