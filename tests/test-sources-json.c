/* test-sources-json.c — reading JSON arrays and NDJSON through ax_reader_open
 *
 * Each test writes its small files into a fresh temporary directory, opens
 * them through the public reader API only, and checks known answers: column
 * names in order of first appearance, field texts, missing values as NULL,
 * the lines records start on, and the errors an analyst would see.
 */

#include "ax-config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "ax-reader.h"

/* A temporary directory, removed with everything in it. */
static char *
make_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("auspex-json-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static void
remove_dir (char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_assert_cmpint (g_remove (path), ==, 0);
    }
  g_assert_cmpint (g_rmdir (dir), ==, 0);
  g_free (dir);
}

static GFile *
write_file (const char *dir,
            const char *name,
            const char *data,
            gssize      len)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, data, len, &error);
  g_assert_no_error (error);
  return g_file_new_for_path (path);
}

static AxReader *
open_as (GFile         *file,
         AxFileFormat   format,
         GCancellable  *cancellable,
         GError       **error)
{
  AxReadOptions options = { .format = format };

  return ax_reader_open (file, &options, cancellable, error);
}

static AxReader *
open_ok (GFile        *file,
         AxFileFormat  format)
{
  g_autoptr(GError) error = NULL;
  AxReader *reader = open_as (file, format, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (reader);
  return reader;
}

/* Writes @data to @name and checks that opening it as @format fails with
 * @code and a message holding @fragment. */
static void
assert_open_fails (const char   *dir,
                   const char   *name,
                   const char   *data,
                   AxFileFormat  format,
                   AxSourceError code,
                   const char   *fragment)
{
  g_autoptr(GFile) file = write_file (dir, name, data, -1);
  g_autoptr(GError) error = NULL;
  g_autoptr(AxReader) reader = open_as (file, format, NULL, &error);

  g_assert_null (reader);
  g_assert_error (error, AX_SOURCE_ERROR, (gint) code);
  if (strstr (error->message, fragment) == NULL)
    g_error ("“%s”: expected “%s” in “%s”", data, fragment, error->message);
}

static void
assert_names (AxReader          *reader,
              const char *const *names)
{
  g_assert_cmpuint (reader->n_columns, ==, g_strv_length ((char **) names));
  for (guint i = 0; i < reader->n_columns; i++)
    g_assert_cmpstr (reader->names[i], ==, names[i]);
  g_assert_null (reader->names[reader->n_columns]);
}

/* Reads the next record and checks where it starts and its fields against
 * @expected (n_columns entries, NULL for a missing value). */
static void
assert_next (AxReader          *reader,
             guint64            line,
             const char *const *expected)
{
  g_autoptr(GError) error = NULL;
  const char **fields = NULL;
  guint64 got = 0;

  g_assert_true (ax_reader_next (reader, &fields, &got, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (got, ==, line);
  for (guint i = 0; i < reader->n_columns; i++)
    g_assert_cmpstr (fields[i], ==, expected[i]);
}

/* Checks that the next record is skipped with AX_SOURCE_ERROR_BAD_ROW and a
 * message holding @fragment. */
static void
assert_bad_row (AxReader   *reader,
                const char *fragment)
{
  g_autoptr(GError) error = NULL;
  const char **fields = NULL;
  guint64 line = 0;

  g_assert_false (ax_reader_next (reader, &fields, &line, &error));
  g_assert_error (error, AX_SOURCE_ERROR, AX_SOURCE_ERROR_BAD_ROW);
  if (strstr (error->message, fragment) == NULL)
    g_error ("expected “%s” in “%s”", fragment, error->message);
}

static void
assert_end (AxReader *reader)
{
  g_autoptr(GError) error = NULL;
  const char **fields = NULL;
  guint64 line = 0;

  g_assert_false (ax_reader_next (reader, &fields, &line, &error));
  g_assert_no_error (error);
}

static void
test_json_array (void)
{
  /* Scalars of every kind, a string holding brackets and escaped quotes,
   * a null, a key missing from some objects and keys first met in the last,
   * an integer beyond 64 bits, one with leading zeros (json-glib would
   * misread both), and reals whose fractions and exponents start with 0. */
  static const char data[] =
    "[\n"
    "  {\"id\": 1, \"name\": \"Ada\", \"score\": 0.1, \"ok\": true, \"tags\": [\"x\\\"y\", 2, 0.1, null]},\n"
    "  {\"id\": 2, \"name\": \"Bob \\\"B\\\" {x}[\", \"score\": 2.0, \"ok\": false, \"note\": null},\n"
    "  {\n"
    "    \"id\": 18446744073709551616,\n"
    "    \"name\": \"Zo\\u00eb\\tZ\",\n"
    "    \"score\": -1.5e-7,\n"
    "    \"extra\": \"late key\",\n"
    "    \"zip\": 00123,\n"
    "    \"reals\": [0.0938, 1e-07, 2.5E+05, -0.01]\n"
    "  }\n"
    "]\n";
  static const char *const names[] = { "id", "name", "score", "ok", "tags", "note", "extra", "zip", "reals", NULL };
  static const char *const row1[] = { "1", "Ada", "0.1", "true", "[\"x\\\"y\",2,0.1,null]", NULL, NULL, NULL, NULL };
  static const char *const row2[] = { "2", "Bob \"B\" {x}[", "2.0", "false", NULL, NULL, NULL, NULL, NULL };
  static const char *const row3[] = {
    "18446744073709551616", "Zoë\tZ", "-1.5e-07", NULL, NULL, NULL, "late key", "00123",
    "[0.0938,1e-07,250000.0,-0.01]"
  };
  char *dir = make_dir ();
  g_autoptr(GFile) file = write_file (dir, "people.json", data, -1);

  {
    /* Once through format detection from the name. */
    g_autoptr(AxReader) reader = open_ok (file, AX_FORMAT_AUTO);

    g_assert_cmpint (reader->format, ==, AX_FORMAT_JSON);
    g_assert_cmpint (reader->encoding, ==, AX_ENCODING_UTF8);
    g_assert_cmpuint (reader->bytes_total, ==, strlen (data));
    assert_names (reader, names);
    assert_next (reader, 2, row1);
    assert_next (reader, 3, row2);
    assert_next (reader, 4, row3);
    assert_end (reader);
    g_assert_cmpuint (reader->bytes_done, ==, reader->bytes_total);
  }
  {
    g_autoptr(AxReader) reader = open_ok (file, AX_FORMAT_JSON);

    assert_names (reader, names);
    assert_next (reader, 2, row1);
  }

  remove_dir (dir);
}

static void
test_json_nested (void)
{
  static const char data[] =
    "[{\"id\": 1, \"address\": {\"city\": \"Paris\", \"geo\": {\"lat\": 48.85, \"lon\": 2.35}},"
    " \"items\": [{\"a\": 1}, {\"b\": null}]},\n"
    " {\"id\": 2, \"address\": {\"zip\": \"0150\", \"city\": \"Oslo\"}, \"empty\": {}},\n"
    " {\"id\": 3, \"address\": {\"geo\": {\"lat\": -33.9}}}]";
  static const char *const names[] = {
    "id", "address.city", "address.geo.lat", "address.geo.lon", "items", "address.zip", NULL
  };
  static const char *const row1[] = { "1", "Paris", "48.85", "2.35", "[{\"a\":1},{\"b\":null}]", NULL };
  static const char *const row2[] = { "2", "Oslo", NULL, NULL, NULL, "0150" };
  static const char *const row3[] = { "3", NULL, "-33.9", NULL, NULL, NULL };
  char *dir = make_dir ();
  g_autoptr(GFile) file = write_file (dir, "nested.json", data, -1);
  g_autoptr(AxReader) reader = open_ok (file, AX_FORMAT_JSON);

  assert_names (reader, names);
  assert_next (reader, 1, row1);
  assert_next (reader, 2, row2);
  assert_next (reader, 3, row3);
  assert_end (reader);

  remove_dir (dir);
}

static void
test_ndjson_lines (void)
{
  /* CRLF line ends, blank lines (also of spaces) and no final line break. */
  static const char data[] =
    "{\"a\": 1, \"b\": \"x\"}\r\n"
    "\r\n"
    "{\"b\": \"y\", \"c\": [1, 2]}\r\n"
    "   \n"
    "{\"a\": 3}";
  static const char *const names[] = { "a", "b", "c", NULL };
  static const char *const row1[] = { "1", "x", NULL };
  static const char *const row2[] = { NULL, "y", "[1,2]" };
  static const char *const row3[] = { "3", NULL, NULL };
  char *dir = make_dir ();
  g_autoptr(GFile) file = write_file (dir, "events.ndjson", data, -1);
  g_autoptr(AxReader) reader = open_ok (file, AX_FORMAT_NDJSON);

  g_assert_cmpint (reader->format, ==, AX_FORMAT_NDJSON);
  assert_names (reader, names);
  assert_next (reader, 1, row1);
  assert_next (reader, 3, row2);
  assert_next (reader, 5, row3);
  assert_end (reader);

  remove_dir (dir);
}

static void
test_ndjson_bad_line (void)
{
  static const char data[] =
    "{\"a\": 1}\n"
    "{\"a\": 2, \"b\": true}\n"
    "{\"a\": 3,, \"b\": false}\n"
    "[1, 2]\n"
    "{\"a\": 5\n"
    "\n"
    "{\"a\": 7, \"c\": \"é\"}\n";
  static const char *const names[] = { "a", "b", "c", NULL };
  static const char *const row1[] = { "1", NULL, NULL };
  static const char *const row2[] = { "2", "true", NULL };
  static const char *const row7[] = { "7", NULL, "é" };
  char *dir = make_dir ();
  g_autoptr(GFile) file = write_file (dir, "events.ndjson", data, -1);
  g_autoptr(AxReader) reader = open_ok (file, AX_FORMAT_NDJSON);

  assert_names (reader, names);
  assert_next (reader, 1, row1);
  assert_next (reader, 2, row2);
  assert_bad_row (reader, "Line 3, column ");
  assert_bad_row (reader, "Line 4: not a JSON object");
  assert_bad_row (reader, "Line 5");
  /* Reading goes on after the bad lines. */
  assert_next (reader, 7, row7);
  assert_end (reader);

  /* A file with no good line at all is not NDJSON: say why at once. */
  assert_open_fails (dir, "table.ndjson", "name,age\nAda,36\n", AX_FORMAT_NDJSON,
                     AX_SOURCE_ERROR_MALFORMED, "Line 1");

  remove_dir (dir);
}

static void
test_json_utf16 (void)
{
  /* UTF-16LE with a byte order mark, characters outside ASCII and outside
   * the BMP, and a key first met in the second object. */
  static const char text[] =
    "[\n"
    " {\"città\": \"Zürich\", \"n\": 1},\n"
    " {\"n\": 2, \"emoji\": \"😀\"}\n"
    "]\n";
  static const char *const names[] = { "città", "n", "emoji", NULL };
  static const char *const row1[] = { "Zürich", "1", NULL };
  static const char *const row2[] = { NULL, "2", "😀" };
  g_autoptr(GError) error = NULL;
  gsize len = 0;
  g_autofree char *utf16 = g_convert (text, -1, "UTF-16LE", "UTF-8", NULL, &len, &error);
  g_assert_no_error (error);
  g_autofree char *data = g_malloc (len + 2);
  memcpy (data, "\xFF\xFE", 2);
  memcpy (data + 2, utf16, len);

  char *dir = make_dir ();
  g_autoptr(GFile) file = write_file (dir, "cities.json", data, (gssize) len + 2);
  g_autoptr(AxReader) reader = open_ok (file, AX_FORMAT_JSON);

  g_assert_cmpint (reader->encoding, ==, AX_ENCODING_UTF16LE);
  g_assert_cmpuint (reader->bytes_total, ==, len + 2);
  assert_names (reader, names);
  assert_next (reader, 2, row1);
  assert_next (reader, 3, row2);
  assert_end (reader);
  g_assert_cmpuint (reader->bytes_done, ==, reader->bytes_total);

  remove_dir (dir);
}

static void
test_json_windows_1252 (void)
{
  static const char data[] = "[{\"name\": \"caf\xE9 \x80\"}]";
  static const char *const names[] = { "name", NULL };
  static const char *const row1[] = { "café €" };
  char *dir = make_dir ();
  g_autoptr(GFile) file = write_file (dir, "menu.json", data, -1);
  g_autoptr(AxReader) reader = open_ok (file, AX_FORMAT_JSON);

  g_assert_cmpint (reader->encoding, ==, AX_ENCODING_WINDOWS_1252);
  assert_names (reader, names);
  assert_next (reader, 1, row1);
  assert_end (reader);

  remove_dir (dir);
}

static void
test_json_not_array (void)
{
  char *dir = make_dir ();

  assert_open_fails (dir, "a.json", "{\"a\": 1}\n", AX_FORMAT_JSON,
                     AX_SOURCE_ERROR_MALFORMED, "Line 1, column 1: the file must be a JSON array of objects");
  assert_open_fails (dir, "b.json", "\"just text\"", AX_FORMAT_JSON,
                     AX_SOURCE_ERROR_MALFORMED, "Line 1");
  assert_open_fails (dir, "c.json", "[{\"a\": 1},\n  42]", AX_FORMAT_JSON,
                     AX_SOURCE_ERROR_MALFORMED, "Line 2, column 3: the file must be a JSON array of objects, but item 2");
  assert_open_fails (dir, "d.json", "[[{\"a\": 1}]]", AX_FORMAT_JSON,
                     AX_SOURCE_ERROR_MALFORMED, "Line 1");
  assert_open_fails (dir, "e.json", "[{\"a\": 1}\n {\"a\": 2}]", AX_FORMAT_JSON,
                     AX_SOURCE_ERROR_MALFORMED, "Line 2");
  assert_open_fails (dir, "f.json", "[{\"a\": 1}]\n\nmore", AX_FORMAT_JSON,
                     AX_SOURCE_ERROR_MALFORMED, "Line 3");

  remove_dir (dir);
}

static void
test_json_truncated (void)
{
  char *dir = make_dir ();

  /* Cut off inside an object: the line where that object starts. */
  assert_open_fails (dir, "a.json", "[\n{\"a\": 1},\n{\"a\": 2, \"b\": \"tex", AX_FORMAT_JSON,
                     AX_SOURCE_ERROR_MALFORMED, "Line 3");
  assert_open_fails (dir, "b.json", "[\n{\"a\": 1},\n", AX_FORMAT_JSON,
                     AX_SOURCE_ERROR_MALFORMED, "Line 3");
  assert_open_fails (dir, "c.json", "[{\"a\": 1}", AX_FORMAT_JSON,
                     AX_SOURCE_ERROR_MALFORMED, "Line 1");
  /* Broken syntax inside an object of an array ends the whole file. */
  assert_open_fails (dir, "d.json", "[\n{\"a\": 1},\n{\"a\": 2 \"b\": 3}\n]", AX_FORMAT_JSON,
                     AX_SOURCE_ERROR_MALFORMED, "Line 3, column ");
  assert_open_fails (dir, "e.json", "[\n{\"a\": 1},\n{\n  \"a\": [1, 2}\n]", AX_FORMAT_JSON,
                     AX_SOURCE_ERROR_MALFORMED, "Line 4");
  assert_open_fails (dir, "f.json", "[\n{\"a\": 1},\n]", AX_FORMAT_JSON,
                     AX_SOURCE_ERROR_MALFORMED, "Line 3");

  remove_dir (dir);
}

static void
test_json_empty (void)
{
  char *dir = make_dir ();

  assert_open_fails (dir, "a.json", "", AX_FORMAT_JSON, AX_SOURCE_ERROR_EMPTY, "no records");
  assert_open_fails (dir, "b.json", " \n\t\n", AX_FORMAT_JSON, AX_SOURCE_ERROR_EMPTY, "no records");
  assert_open_fails (dir, "c.json", "[]", AX_FORMAT_JSON, AX_SOURCE_ERROR_EMPTY, "no records");
  assert_open_fails (dir, "d.json", "[ {}, {\"a\": {}} ]", AX_FORMAT_JSON, AX_SOURCE_ERROR_EMPTY, "no fields");
  assert_open_fails (dir, "e.ndjson", "", AX_FORMAT_NDJSON, AX_SOURCE_ERROR_EMPTY, "no records");
  assert_open_fails (dir, "f.ndjson", "\n  \n\r\n", AX_FORMAT_NDJSON, AX_SOURCE_ERROR_EMPTY, "no records");
  assert_open_fails (dir, "g.ndjson", "{}\n{}\n", AX_FORMAT_NDJSON, AX_SOURCE_ERROR_EMPTY, "no fields");

  remove_dir (dir);
}

/* Many records and one long string, so that records and strings straddle the
 * reader's blocks; @data says whether to write NDJSON. */
static void
test_large (gconstpointer data)
{
  const gboolean ndjson = GPOINTER_TO_INT (data);
  const guint n = 40000;
  g_autoptr(GString) text = g_string_new (ndjson ? "" : "[\n");
  g_autofree char *long_value = g_strnfill (700 * 1024, 'x');
  char *dir = make_dir ();
  guint64 line = 0;
  guint count = 0;

  /* Brackets inside a string must not count. */
  long_value[1000] = '{';
  long_value[2000] = ']';
  for (guint i = 0; i < n; i++)
    {
      g_string_append_printf (text, "{\"i\": %u, \"s\": \"{[\\\"%u\\\"]}\"", i, i);
      if (i == n / 2)
        g_string_append_printf (text, ", \"long\": \"%s\"", long_value);
      g_string_append (text, "}");
      g_string_append (text, ndjson ? "\n" : i + 1 < n ? ",\n" : "\n]\n");
    }

  g_autoptr(GFile) file = write_file (dir, ndjson ? "big.ndjson" : "big.json", text->str, (gssize) text->len);
  g_autoptr(AxReader) reader = open_ok (file, ndjson ? AX_FORMAT_NDJSON : AX_FORMAT_JSON);
  static const char *const names[] = { "i", "s", "long", NULL };
  const char **fields;
  g_autoptr(GError) error = NULL;

  assert_names (reader, names);
  while (ax_reader_next (reader, &fields, &line, &error))
    {
      g_autofree char *i = g_strdup_printf ("%u", count);
      g_autofree char *s = g_strdup_printf ("{[\"%u\"]}", count);

      g_assert_cmpuint (line, ==, count + (ndjson ? 1 : 2));
      g_assert_cmpstr (fields[0], ==, i);
      g_assert_cmpstr (fields[1], ==, s);
      if (count == n / 2)
        g_assert_cmpstr (fields[2], ==, long_value);
      else
        g_assert_null (fields[2]);
      count++;
    }
  g_assert_no_error (error);
  g_assert_cmpuint (count, ==, n);
  g_assert_cmpuint (reader->bytes_done, ==, text->len);

  remove_dir (dir);
}

static void
test_json_cancel (void)
{
  char *dir = make_dir ();
  g_autoptr(GFile) file = write_file (dir, "two.json", "[{\"a\": 1}, {\"a\": 2}]", -1);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  const char **fields;
  guint64 line;

  {
    g_autoptr(AxReader) reader = open_as (file, AX_FORMAT_JSON, cancellable, &error);

    g_assert_no_error (error);
    g_assert_true (ax_reader_next (reader, &fields, &line, &error));
    g_cancellable_cancel (cancellable);
    g_assert_false (ax_reader_next (reader, &fields, &line, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_clear_error (&error);
  }
  {
    g_autoptr(AxReader) reader = open_as (file, AX_FORMAT_JSON, cancellable, &error);

    g_assert_null (reader);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  }

  remove_dir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sources/json/array", test_json_array);
  g_test_add_func ("/sources/json/nested", test_json_nested);
  g_test_add_func ("/sources/json/utf16", test_json_utf16);
  g_test_add_func ("/sources/json/windows-1252", test_json_windows_1252);
  g_test_add_func ("/sources/json/not-array", test_json_not_array);
  g_test_add_func ("/sources/json/truncated", test_json_truncated);
  g_test_add_func ("/sources/json/empty", test_json_empty);
  g_test_add_data_func ("/sources/json/large", GINT_TO_POINTER (FALSE), test_large);
  g_test_add_func ("/sources/json/cancel", test_json_cancel);
  g_test_add_func ("/sources/ndjson/lines", test_ndjson_lines);
  g_test_add_func ("/sources/ndjson/bad-line", test_ndjson_bad_line);
  g_test_add_data_func ("/sources/ndjson/large", GINT_TO_POINTER (TRUE), test_large);

  return g_test_run ();
}
