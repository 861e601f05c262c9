/* test-sources-csv.c — the CSV reader and type inference
 *
 * Every test writes the exact bytes of a small file into its own temporary
 * directory and reads it back through ax_reader_open(), as the import does.
 */

#include <glib/gstdio.h>
#include <string.h>

#include "ax-infer.h"
#include "ax-reader.h"
#include "ax-test-util.h"

static void
fixture_set_up (Fixture       *fx,
                gconstpointer  data)
{
  fixture_init (fx, "ax-test-csv-XXXXXX");
}

/* A check that marks the test failed but lets it go on: for what a known
 * bug in src/ gets wrong, so that the rest of the program still runs. */
#define EXPECT_CMPINT(a, op, b) G_STMT_START { \
    gint64 a_ = (a), b_ = (b); \
    if (!(a_ op b_)) \
      g_test_fail_printf ("%s:%d: expected %s %s %s, got %" G_GINT64_FORMAT " and %" G_GINT64_FORMAT, \
                          __FILE__, __LINE__, #a, #op, #b, a_, b_); \
  } G_STMT_END

static AxReader *
open_ok (GFile               *file,
         const AxReadOptions *options)
{
  AxReadOptions defaults = { 0 };
  g_autoptr(GError) error = NULL;
  AxReader *reader = ax_reader_open (file, options ? options : &defaults, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (reader);
  return reader;
}

static AxReader *
open_text (Fixture             *fx,
           const char          *text,
           const AxReadOptions *options)
{
  g_autoptr(GFile) file = write_gfile (fx, "data.csv", text, -1);
  return open_ok (file, options);
}

/* One call of next(): a record, a skipped bad row, or the end. */
typedef struct {
  char    **fields;   /* NULL unless a record; missing values become "<NULL>" */
  guint64   line;
  GError   *error;    /* set for a bad row */
} Item;

static void
item_clear (gpointer p)
{
  Item *item = p;
  g_strfreev (item->fields);
  g_clear_error (&item->error);
}

/* Reads to the end; asserts that the only errors are bad rows. */
static GArray *
read_all (AxReader *reader)
{
  GArray *items = g_array_new (FALSE, TRUE, sizeof (Item));

  g_array_set_clear_func (items, item_clear);
  for (guint guard = 0; guard < 10000000; guard++)
    {
      const char **fields = NULL;
      guint64 line = 0;
      GError *error = NULL;
      Item item = { 0 };

      if (ax_reader_next (reader, &fields, &line, &error))
        {
          item.fields = g_new0 (char *, reader->n_columns + 1);
          for (guint c = 0; c < reader->n_columns; c++)
            item.fields[c] = g_strdup (fields[c] ? fields[c] : "<NULL>");
          item.line = line;
        }
      else if (error == NULL)
        break;
      else
        {
          g_assert_error (error, AX_SOURCE_ERROR, AX_SOURCE_ERROR_BAD_ROW);
          item.error = error;
        }
      g_array_append_val (items, item);
    }
  return items;
}

static void
assert_record (GArray     *items,
               guint       i,
               guint64     line,
               const char *first,
               ...)
{
  Item *item;
  va_list ap;
  guint c = 0;

  g_assert_cmpuint (i, <, items->len);
  item = &g_array_index (items, Item, i);
  g_assert_no_error (item->error);
  g_assert_nonnull (item->fields);
  g_assert_cmpuint (item->line, ==, line);
  va_start (ap, first);
  for (const char *v = first; v != NULL; v = va_arg (ap, const char *), c++)
    {
      g_assert_nonnull (item->fields[c]);
      g_assert_cmpstr (item->fields[c], ==, v);
    }
  va_end (ap);
  g_assert_null (item->fields[c]);
}

static void
assert_bad_row (GArray     *items,
                guint       i,
                const char *fragment)
{
  Item *item;

  g_assert_cmpuint (i, <, items->len);
  item = &g_array_index (items, Item, i);
  g_assert_error (item->error, AX_SOURCE_ERROR, AX_SOURCE_ERROR_BAD_ROW);
  /* Not fatal: the rest of the test still says something. */
  if (strstr (item->error->message, fragment) == NULL)
    g_test_fail_printf ("expected '%s' in the message '%s'", fragment, item->error->message);
}

static void
assert_names (AxReader   *reader,
              const char *first,
              ...)
{
  va_list ap;
  guint c = 0;

  va_start (ap, first);
  for (const char *v = first; v != NULL; v = va_arg (ap, const char *), c++)
    {
      g_assert_cmpuint (c, <, reader->n_columns);
      g_assert_cmpstr (reader->names[c], ==, v);
    }
  va_end (ap);
  g_assert_cmpuint (reader->n_columns, ==, c);
  g_assert_null (reader->names[c]);
}

/* Delimiters */

static void
check_delimiter (Fixture    *fx,
                 const char *text,
                 char        delim)
{
  g_autoptr(AxReader) reader = open_text (fx, text, NULL);
  g_autoptr(GArray) items = read_all (reader);

  g_assert_cmpint (reader->delimiter, ==, delim);
  /* A sniffed tab may be reported as CSV or TSV: both mean the same. */
  if (delim == '\t')
    g_assert_true (reader->format == AX_FORMAT_CSV || reader->format == AX_FORMAT_TSV);
  else
    g_assert_cmpint (reader->format, ==, AX_FORMAT_CSV);
  assert_names (reader, "name", "note", "n", NULL);
  g_assert_cmpuint (items->len, ==, 3);
}

static void
test_delimiter_comma (Fixture *fx, gconstpointer data)
{
  g_autoptr(AxReader) reader = NULL;
  g_autoptr(GArray) items = NULL;

  check_delimiter (fx, "name,note,n\n\"a;b\",\"x|y\t z\",1\nplain,\"c;d;e\",2\n\"f|g\",h,3\n", ',');
  reader = open_text (fx, "name,note,n\n\"a;b\",\"x|y\t z\",1\nplain,\"c;d;e\",2\n\"f|g\",h,3\n", NULL);
  items = read_all (reader);
  assert_record (items, 0, 2, "a;b", "x|y\t z", "1", NULL);
  assert_record (items, 1, 3, "plain", "c;d;e", "2", NULL);
  assert_record (items, 2, 4, "f|g", "h", "3", NULL);
}

static void
test_delimiter_semicolon (Fixture *fx, gconstpointer data)
{
  g_autoptr(AxReader) reader = NULL;
  g_autoptr(GArray) items = NULL;
  /* Decimal commas, unquoted, as spreadsheets in many locales write them:
   * three comma "fields" per line must not beat two semicolon ones. */
  const char *text = "name;note;n\n\"a,b,c\";1,5;2,5\nx;\"y,z\";3,25\nw;v;4,0\n";

  check_delimiter (fx, text, ';');
  reader = open_text (fx, text, NULL);
  items = read_all (reader);
  assert_record (items, 0, 2, "a,b,c", "1,5", "2,5", NULL);
  assert_record (items, 1, 3, "x", "y,z", "3,25", NULL);
  assert_record (items, 2, 4, "w", "v", "4,0", NULL);
}

static void
test_delimiter_tab (Fixture *fx, gconstpointer data)
{
  g_autoptr(AxReader) reader = NULL;
  g_autoptr(GArray) items = NULL;
  const char *text = "name\tnote\tn\na, b\t\"c\td\"\t1\ne;f\tg|h\t2\n\"i\"\tj,k,l\t3\n";

  check_delimiter (fx, text, '\t');
  reader = open_text (fx, text, NULL);
  items = read_all (reader);
  assert_record (items, 0, 2, "a, b", "c\td", "1", NULL);
  assert_record (items, 1, 3, "e;f", "g|h", "2", NULL);
  assert_record (items, 2, 4, "i", "j,k,l", "3", NULL);
}

static void
test_delimiter_pipe (Fixture *fx, gconstpointer data)
{
  g_autoptr(AxReader) reader = NULL;
  g_autoptr(GArray) items = NULL;
  const char *text = "name|note|n\n\"a|b\"|c,d|1\ne;f|\"g,h,i\"|2\nj|k\tl|3\n";

  check_delimiter (fx, text, '|');
  reader = open_text (fx, text, NULL);
  items = read_all (reader);
  assert_record (items, 0, 2, "a|b", "c,d", "1", NULL);
  assert_record (items, 1, 3, "e;f", "g,h,i", "2", NULL);
  assert_record (items, 2, 4, "j", "k\tl", "3", NULL);
}

static void
test_delimiter_given (Fixture *fx, gconstpointer data)
{
  /* Sniffing would say comma; the caller says semicolon. */
  AxReadOptions opts = { .format = AX_FORMAT_CSV, .delimiter = ';' };
  g_autoptr(AxReader) reader = open_text (fx, "a,b;c\n1,2;3\n", &opts);
  g_autoptr(GArray) items = read_all (reader);

  g_assert_cmpint (reader->delimiter, ==, ';');
  assert_names (reader, "a,b", "c", NULL);
  assert_record (items, 0, 2, "1,2", "3", NULL);

  /* TSV: the tab is used whatever the content looks like. */
  {
    AxReadOptions tsv = { .format = AX_FORMAT_TSV };
    g_autoptr(AxReader) r2 = open_text (fx, "a,b\tc\n1,2\t3\n", &tsv);
    g_autoptr(GArray) it2 = read_all (r2);
    g_assert_cmpint (r2->delimiter, ==, '\t');
    g_assert_cmpint (r2->format, ==, AX_FORMAT_TSV);
    assert_names (r2, "a,b", "c", NULL);
    assert_record (it2, 0, 2, "1,2", "3", NULL);
  }

  /* A .tsv name picks TSV on its own. */
  {
    g_autoptr(GFile) file = write_gfile (fx, "data.tsv", "a,b\tc\n1,2\t3\n", -1);
    g_autoptr(AxReader) r3 = open_ok (file, NULL);
    g_assert_cmpint (r3->delimiter, ==, '\t');
    assert_names (r3, "a,b", "c", NULL);
  }
}

/* Quoting and lines */

static void
test_quoting (Fixture *fx, gconstpointer data)
{
  const char *text =
    "id,text,n\r\n"                              /* line 1 */
    "1,\"He said \"\"hi\"\"\",2\r\n"             /* line 2 */
    "2,\"multi\r\nline\",3\r\n"                  /* lines 3-4 */
    "3,\"a\nb\nc\",4\r\n"                        /* lines 5-7 */
    "4,\"\",\"\"\"\"\r\n"                        /* line 8 */
    "5,\"x,y\",\"\"\"quoted\"\" and, comma\"\r\n" /* line 9 */
    "6,plain,7\r\n";                             /* line 10 */
  g_autoptr(AxReader) reader = open_text (fx, text, NULL);
  g_autoptr(GArray) items = read_all (reader);

  g_assert_cmpint (reader->delimiter, ==, ',');
  assert_names (reader, "id", "text", "n", NULL);
  g_assert_cmpuint (items->len, ==, 6);
  assert_record (items, 0, 2, "1", "He said \"hi\"", "2", NULL);
  assert_record (items, 1, 3, "2", "multi\r\nline", "3", NULL);
  assert_record (items, 2, 5, "3", "a\nb\nc", "4", NULL);
  assert_record (items, 3, 8, "4", "", "\"", NULL);
  assert_record (items, 4, 9, "5", "x,y", "\"quoted\" and, comma", NULL);
  assert_record (items, 5, 10, "6", "plain", "7", NULL);
}

static void
test_quote_inside_unquoted (Fixture *fx, gconstpointer data)
{
  /* A quote that does not start a field is an ordinary character. */
  g_autoptr(AxReader) reader = open_text (fx, "size,what\n12\",inch\n5'6\",tall \"guy\"\n", NULL);
  g_autoptr(GArray) items = read_all (reader);

  g_assert_cmpuint (items->len, ==, 2);
  assert_record (items, 0, 2, "12\"", "inch", NULL);
  assert_record (items, 1, 3, "5'6\"", "tall \"guy\"", NULL);
}

static void
test_crlf (Fixture *fx, gconstpointer data)
{
  /* CRLF throughout, and no line break after the last record. */
  g_autoptr(AxReader) reader = open_text (fx, "a,b,c\r\n1,2,3\r\n4,,6\r\n7,8,9", NULL);
  g_autoptr(GArray) items = read_all (reader);

  assert_names (reader, "a", "b", "c", NULL);
  g_assert_cmpuint (items->len, ==, 3);
  assert_record (items, 0, 2, "1", "2", "3", NULL);
  assert_record (items, 1, 3, "4", "", "6", NULL);
  assert_record (items, 2, 4, "7", "8", "9", NULL);
}

static void
test_blank_lines (Fixture *fx, gconstpointer data)
{
  const char *text =
    "\n"            /* 1 */
    "a,b\n"         /* 2 */
    "\n"            /* 3 */
    "1,2\n"         /* 4 */
    "\r\n"          /* 5 */
    "\n"            /* 6 */
    "3,4\r\n"       /* 7 */
    "\r\n"          /* 8 */
    "5,6\n"         /* 9 */
    "\n\n";         /* 10, 11 */
  g_autoptr(AxReader) reader = open_text (fx, text, NULL);
  g_autoptr(GArray) items = read_all (reader);

  assert_names (reader, "a", "b", NULL);
  g_assert_cmpuint (items->len, ==, 3);
  assert_record (items, 0, 4, "1", "2", NULL);
  assert_record (items, 1, 7, "3", "4", NULL);
  assert_record (items, 2, 9, "5", "6", NULL);
}

static void
test_header_names (Fixture *fx, gconstpointer data)
{
  g_autoptr(AxReader) reader = open_text (fx, "a,a,,b, a ,,\"\",column_3\n1,2,3,4,5,6,7,8\n", NULL);
  g_autoptr(GArray) items = read_all (reader);

  /* Repeats get _2, _3; empty names column_<position>; a real column
   * called column_3 after a generated one still gets a name of its own. */
  assert_names (reader, "a", "a_2", "column_3", "b", "a_3", "column_6", "column_7", "column_3_2", NULL);
  assert_record (items, 0, 2, "1", "2", "3", "4", "5", "6", "7", "8", NULL);
}

static void
test_header_only (Fixture *fx, gconstpointer data)
{
  g_autoptr(AxReader) reader = open_text (fx, "x,y\n", NULL);
  g_autoptr(GArray) items = read_all (reader);

  assert_names (reader, "x", "y", NULL);
  g_assert_cmpuint (items->len, ==, 0);
}

static void
test_no_header (Fixture *fx, gconstpointer data)
{
  AxReadOptions opts = { .no_header = TRUE };
  g_autoptr(AxReader) reader = open_text (fx, "1,2,3\n4,5,6\n", &opts);
  g_autoptr(GArray) items = read_all (reader);

  assert_names (reader, "column_1", "column_2", "column_3", NULL);
  g_assert_cmpuint (items->len, ==, 2);
  assert_record (items, 0, 1, "1", "2", "3", NULL);
  assert_record (items, 1, 2, "4", "5", "6", NULL);
}

static void
test_skip_rows (Fixture *fx, gconstpointer data)
{
  const char *text = "Report of 2024\nexported by a tool; ignore\nx,y\n1,2\n3,4\n";

  {
    AxReadOptions opts = { .skip_rows = 2 };
    g_autoptr(AxReader) reader = open_text (fx, text, &opts);
    g_autoptr(GArray) items = read_all (reader);

    g_assert_cmpint (reader->delimiter, ==, ',');
    assert_names (reader, "x", "y", NULL);
    g_assert_cmpuint (items->len, ==, 2);
    assert_record (items, 0, 4, "1", "2", NULL);
    assert_record (items, 1, 5, "3", "4", NULL);
  }
  {
    AxReadOptions opts = { .skip_rows = 3, .no_header = TRUE };
    g_autoptr(AxReader) reader = open_text (fx, text, &opts);
    g_autoptr(GArray) items = read_all (reader);

    assert_names (reader, "column_1", "column_2", NULL);
    g_assert_cmpuint (items->len, ==, 2);
    assert_record (items, 0, 4, "1", "2", NULL);
    assert_record (items, 1, 5, "3", "4", NULL);
  }
}

/* Encodings */

static void
test_utf8_bom (Fixture *fx, gconstpointer data)
{
  g_autoptr(AxReader) reader = open_text (fx, "\xEF\xBB\xBFname,city\nJosé,Zürich\n", NULL);
  g_autoptr(GArray) items = read_all (reader);

  g_assert_cmpint (reader->encoding, ==, AX_ENCODING_UTF8_BOM);
  /* The mark is not part of the first name. */
  assert_names (reader, "name", "city", NULL);
  assert_record (items, 0, 2, "José", "Zürich", NULL);

  {
    g_autoptr(AxReader) plain = open_text (fx, "name,city\nJosé,Zürich\n", NULL);
    g_assert_cmpint (plain->encoding, ==, AX_ENCODING_UTF8);
  }
}

/* The UTF-16 bytes of @utf8, with a byte order mark. */
static GByteArray *
utf16_bytes (const char *utf8,
             gboolean    little_endian)
{
  g_autoptr(GError) error = NULL;
  glong n = 0;
  g_autofree gunichar2 *units = g_utf8_to_utf16 (utf8, -1, NULL, &n, &error);
  GByteArray *out = g_byte_array_new ();

  g_assert_no_error (error);
  for (glong i = -1; i < n; i++)
    {
      guint16 u = i < 0 ? 0xFEFF : units[i];
      guint8 b[2];
      b[0] = little_endian ? (u & 0xFF) : (u >> 8);
      b[1] = little_endian ? (u >> 8) : (u & 0xFF);
      g_byte_array_append (out, b, 2);
    }
  return out;
}

static void
check_utf16 (Fixture  *fx,
             gboolean  little_endian)
{
  /* Non-ASCII in the header, a character outside the BMP (a surrogate
   * pair), a quoted comma and an embedded line break. */
  const char *text = "name,Größe\r\n\"Zoë, 🙂\",12\r\n\"two\nlines\",€7\r\n";
  g_autoptr(GByteArray) bytes = utf16_bytes (text, little_endian);
  g_autoptr(GFile) file = write_gfile (fx, "utf16.csv", (const char *) bytes->data, bytes->len);
  g_autoptr(AxReader) reader = open_ok (file, NULL);
  g_autoptr(GArray) items = read_all (reader);

  g_assert_cmpint (reader->encoding, ==, little_endian ? AX_ENCODING_UTF16LE : AX_ENCODING_UTF16BE);
  g_assert_cmpint (reader->delimiter, ==, ',');
  assert_names (reader, "name", "Größe", NULL);
  g_assert_cmpuint (items->len, ==, 2);
  assert_record (items, 0, 2, "Zoë, 🙂", "12", NULL);
  assert_record (items, 1, 3, "two\nlines", "€7", NULL);
}

static void
test_utf16le (Fixture *fx, gconstpointer data)
{
  check_utf16 (fx, TRUE);
}

static void
test_utf16be (Fixture *fx, gconstpointer data)
{
  check_utf16 (fx, FALSE);
}

static void
test_utf16_large (Fixture *fx, gconstpointer data)
{
  /* Larger than the sniffing block and the reader's 1 MiB block, so the
   * converter's state carries surrogate pairs across reads. */
  g_autoptr(GString) text = g_string_new ("id,word\n");
  g_autoptr(GByteArray) bytes = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(AxReader) reader = NULL;
  g_autoptr(GArray) items = NULL;
  const guint n = 80000;

  for (guint i = 0; i < n; i++)
    g_string_append_printf (text, "%u,\"é🙂%u\"\n", i, i % 97);
  bytes = utf16_bytes (text->str, TRUE);
  g_assert_cmpuint (bytes->len, >, 2 * 1024 * 1024);
  file = write_gfile (fx, "big16.csv", (const char *) bytes->data, bytes->len);
  reader = open_ok (file, NULL);
  items = read_all (reader);

  g_assert_cmpint (reader->encoding, ==, AX_ENCODING_UTF16LE);
  g_assert_cmpuint (items->len, ==, n);
  for (guint i = 0; i < n; i++)
    {
      Item *item = &g_array_index (items, Item, i);
      g_autofree char *id = g_strdup_printf ("%u", i);
      g_autofree char *word = g_strdup_printf ("é🙂%u", i % 97);
      g_assert_no_error (item->error);
      g_assert_cmpuint (item->line, ==, i + 2);
      g_assert_cmpstr (item->fields[0], ==, id);
      g_assert_cmpstr (item->fields[1], ==, word);
    }
}

static void
test_windows_1252 (Fixture *fx, gconstpointer data)
{
  g_autoptr(GFile) file = write_gfile (fx, "latin.csv", "name;price\nCaf\xe9;\x80 5\nna\xefve;\x93quoted\x94\n", -1);
  g_autoptr(AxReader) reader = open_ok (file, NULL);
  g_autoptr(GArray) items = read_all (reader);

  g_assert_cmpint (reader->encoding, ==, AX_ENCODING_WINDOWS_1252);
  g_assert_cmpint (reader->delimiter, ==, ';');
  assert_names (reader, "name", "price", NULL);
  g_assert_cmpuint (items->len, ==, 2);
  assert_record (items, 0, 2, "Café", "€ 5", NULL);
  assert_record (items, 1, 3, "naïve", "“quoted”", NULL);
}

static void
test_stray_latin1 (Fixture *fx, gconstpointer data)
{
  /* UTF-8 for well past the sniffed block, then one Windows-1252 byte: only
   * that field is re-read as Windows-1252. */
  g_autoptr(GString) text = g_string_new ("n,word\n");
  g_autoptr(GFile) file = NULL;
  g_autoptr(AxReader) reader = NULL;
  g_autoptr(GArray) items = NULL;
  guint rows = 0;

  while (text->len < 200 * 1024)
    g_string_append_printf (text, "%u,Zürich\n", rows++);
  g_string_append_printf (text, "%u,Caf\xe9\n", rows++);
  g_string_append_printf (text, "%u,Zürich\n", rows++);
  file = write_gfile (fx, "stray.csv", text->str, (gssize) text->len);
  reader = open_ok (file, NULL);
  items = read_all (reader);

  g_assert_cmpint (reader->encoding, ==, AX_ENCODING_UTF8);
  g_assert_cmpuint (items->len, ==, rows);
  {
    g_autofree char *a = g_strdup_printf ("%u", rows - 3);
    g_autofree char *b = g_strdup_printf ("%u", rows - 2);
    g_autofree char *c = g_strdup_printf ("%u", rows - 1);
    /* Record k (from 0) is on line k + 2. */
    assert_record (items, rows - 3, rows - 1, a, "Zürich", NULL);
    assert_record (items, rows - 2, rows, b, "Café", NULL);
    assert_record (items, rows - 1, rows + 1, c, "Zürich", NULL);
  }
}

/* Records across the reader's 1 MiB blocks: every state of the parser ends
 * up at a block boundary somewhere in 3 MiB of varied records. */
static void
test_block_boundaries (Fixture *fx, gconstpointer data)
{
  g_autoptr(GString) text = g_string_new ("id,quoted,plain\r\n");
  g_autoptr(GPtrArray) expect = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) lines = g_array_new (FALSE, FALSE, sizeof (guint64));
  g_autoptr(GFile) file = NULL;
  g_autoptr(AxReader) reader = NULL;
  g_autoptr(GArray) items = NULL;
  guint64 line = 2;
  guint i = 0;

  while (text->len < 3 * 1024 * 1024)
    {
      GString *q = g_string_new (NULL);
      guint len = (i * 7919) % 53;
      guint64 breaks = 0;

      /* A quoted value with doubled quotes and a line break now and then. */
      for (guint k = 0; k < len; k++)
        {
          char c = "ab\"c,d\ne;f"[(i + k) % 10];
          g_string_append_c (q, c);
          if (c == '\n')
            breaks++;
        }
      g_string_append_printf (text, "%u,\"", i);
      for (const char *p = q->str; *p; p++)
        {
          if (*p == '"')
            g_string_append_c (text, '"');
          g_string_append_c (text, *p);
        }
      g_string_append_printf (text, "\",v%u%s", i, i % 3 == 0 ? "\r\n" : "\n");
      g_ptr_array_add (expect, g_string_free (q, FALSE));
      g_array_append_val (lines, line);
      line += 1 + breaks;
      i++;
    }
  file = write_gfile (fx, "blocks.csv", text->str, (gssize) text->len);
  reader = open_ok (file, NULL);
  items = read_all (reader);

  g_assert_cmpuint (reader->bytes_total, ==, text->len);
  g_assert_cmpuint (reader->bytes_done, ==, text->len);
  g_assert_cmpuint (items->len, ==, i);
  for (guint r = 0; r < i; r++)
    {
      Item *item = &g_array_index (items, Item, r);
      g_autofree char *id = g_strdup_printf ("%u", r);
      g_autofree char *plain = g_strdup_printf ("v%u", r);

      g_assert_no_error (item->error);
      g_assert_cmpuint (item->line, ==, g_array_index (lines, guint64, r));
      g_assert_cmpstr (item->fields[0], ==, id);
      g_assert_cmpstr (item->fields[1], ==, g_ptr_array_index (expect, r));
      g_assert_cmpstr (item->fields[2], ==, plain);
    }
}

/* Malformed input */

static void
test_unclosed_quote (Fixture *fx, gconstpointer data)
{
  g_autoptr(AxReader) reader = open_text (fx, "a,b\n1,2\n3,\"open\n4,5\n", NULL);
  g_autoptr(GArray) items = read_all (reader);

  g_assert_cmpuint (items->len, ==, 2);
  assert_record (items, 0, 2, "1", "2", NULL);
  /* The quote opens in the second field of line 3. */
  assert_bad_row (items, 1, "Line 3");
  assert_bad_row (items, 1, "column 2");
}

static void
test_unclosed_quote_header (Fixture *fx, gconstpointer data)
{
  g_autoptr(GFile) file = write_gfile (fx, "bad.csv", "a,\"b\n1,2\n", -1);
  AxReadOptions opts = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(AxReader) reader = ax_reader_open (file, &opts, NULL, &error);

  g_assert_null (reader);
  g_assert_error (error, AX_SOURCE_ERROR, AX_SOURCE_ERROR_MALFORMED);
  g_assert_nonnull (strstr (error->message, "Line 1"));
}

static void
test_field_count (Fixture *fx, gconstpointer data)
{
  const char *text =
    "a,b,c\n"         /* 1 */
    "1,2,3\n"         /* 2 */
    "4,5\n"           /* 3: one short */
    "6,7,8\n"         /* 4 */
    "9,10,11,12\n"    /* 5: one too many */
    "\"x\ny\",14,15\n"/* 6-7 */
    "16\n"            /* 8 */
    "17,18,19";       /* 9 */
  g_autoptr(AxReader) reader = open_text (fx, text, NULL);
  g_autoptr(GArray) items = read_all (reader);

  g_assert_cmpuint (items->len, ==, 7);
  assert_record (items, 0, 2, "1", "2", "3", NULL);
  assert_bad_row (items, 1, "Line 3");
  assert_bad_row (items, 1, "2 values");
  assert_record (items, 2, 4, "6", "7", "8", NULL);
  assert_bad_row (items, 3, "Line 5");
  assert_bad_row (items, 3, "4 values");
  assert_record (items, 4, 6, "x\ny", "14", "15", NULL);
  assert_bad_row (items, 5, "Line 8");
  assert_record (items, 6, 9, "17", "18", "19", NULL);
}

static void
test_text_after_quote (Fixture *fx, gconstpointer data)
{
  g_autoptr(AxReader) reader = open_text (fx, "a,b\n\"x\"y,2\n3,4\n5,\"z\" \n6,7\n", NULL);
  g_autoptr(GArray) items = read_all (reader);

  g_assert_cmpuint (items->len, ==, 4);
  assert_bad_row (items, 0, "Line 2");
  assert_bad_row (items, 0, "column 1");
  assert_record (items, 1, 3, "3", "4", NULL);
  assert_bad_row (items, 2, "Line 4");
  assert_bad_row (items, 2, "column 2");
  assert_record (items, 3, 5, "6", "7", NULL);
}

static void
test_empty (Fixture *fx, gconstpointer data)
{
  static const struct { const char *bytes; gssize len; guint skip; } empties[] = {
    { "", 0, 0 },
    { "\n\n\r\n", -1, 0 },
    { "\xEF\xBB\xBF", -1, 0 },
    { "\xFF\xFE", 2, 0 },
    { "one line\n", -1, 1 },
    { "a,b\n1,2\n", -1, 5 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (empties); i++)
    {
      g_autoptr(GFile) file = write_gfile (fx, "empty.csv", empties[i].bytes, empties[i].len);
      AxReadOptions opts = { .skip_rows = empties[i].skip };
      g_autoptr(GError) error = NULL;
      g_autoptr(AxReader) reader = NULL;

      g_test_message ("empty case %u", i);
      reader = ax_reader_open (file, &opts, NULL, &error);
      g_assert_error (error, AX_SOURCE_ERROR, AX_SOURCE_ERROR_EMPTY);
      g_assert_null (reader);
    }
}

static void
test_missing_file (Fixture *fx, gconstpointer data)
{
  g_autofree char *path = g_build_filename (fx->dir, "nope.csv", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  AxReadOptions opts = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(AxReader) reader = ax_reader_open (file, &opts, NULL, &error);

  g_assert_null (reader);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
}

/* Type inference */

static AxColumnSpec
guess (const char * const *values,
       const char * const *tokens)
{
  g_autoptr(AxTypeGuesser) g = ax_type_guesser_new (1, tokens);
  AxColumnSpec spec;

  for (guint i = 0; values[i] != NULL; i++)
    {
      const char *row[1] = { values[i] };
      ax_type_guesser_add (g, row);
    }
  ax_type_guesser_get (g, 0, &spec);
  g_assert_false (spec.fixed);
  return spec;
}

#define GUESS(...) guess ((const char *const[]) { __VA_ARGS__, NULL }, NULL)

static void
test_guess_numbers (Fixture *fx, gconstpointer data)
{
  g_assert_cmpint (GUESS ("1", "-2", "300", "+4").type, ==, AX_COLUMN_INTEGER);
  g_assert_cmpint (GUESS ("0", "1", "1", "0").type, ==, AX_COLUMN_INTEGER);
  g_assert_cmpint (GUESS ("1", "2.5", "-3e2").type, ==, AX_COLUMN_REAL);
  g_assert_cmpint (GUESS ("1.0", "2.0").type, ==, AX_COLUMN_REAL);
  g_assert_cmpint (GUESS (" 12 ", "13").type, ==, AX_COLUMN_INTEGER);
  g_assert_cmpint (GUESS ("1", "2", "x").type, ==, AX_COLUMN_TEXT);
  /* 1,5 is not a number here (and not a category with 2 values). */
  g_assert_cmpint (GUESS ("1,5", "2,5").type, ==, AX_COLUMN_TEXT);
}

static void
test_guess_leading_zeros (Fixture *fx, gconstpointer data)
{
  /* Identifiers with leading zeros are not numbers: reading "007" as 7
   * would lose what makes it an identifier (ax-types.h). */
  EXPECT_CMPINT (GUESS ("007", "012", "0042").type, ==, AX_COLUMN_TEXT);
  EXPECT_CMPINT (GUESS ("02134", "10001", "94105").type, ==, AX_COLUMN_TEXT);
  EXPECT_CMPINT (GUESS ("00", "01", "02", "00", "01", "02").type, ==, AX_COLUMN_CATEGORICAL);
  /* A real below one still starts with a zero, and is a real. */
  g_assert_cmpint (GUESS ("0.5", "0", "10.25").type, ==, AX_COLUMN_REAL);
}

static void
test_guess_boolean (Fixture *fx, gconstpointer data)
{
  g_assert_cmpint (GUESS ("true", "FALSE", "True").type, ==, AX_COLUMN_BOOLEAN);
  g_assert_cmpint (GUESS ("true", "NA", "false").type, ==, AX_COLUMN_BOOLEAN);
  /* yes/no is a category, not a boolean. */
  g_assert_cmpint (GUESS ("yes", "no", "yes", "no").type, ==, AX_COLUMN_CATEGORICAL);
}

static void
test_guess_dates (Fixture *fx, gconstpointer data)
{
  AxColumnSpec s;

  s = GUESS ("2024-01-31", "2024-02-29", "1999-12-31");
  g_assert_cmpint (s.type, ==, AX_COLUMN_DATE);
  g_assert_cmpint (s.date_order, ==, AX_DATE_ISO);

  s = GUESS ("31/01/2024", "15/02/2024", "01/03/2024");
  g_assert_cmpint (s.type, ==, AX_COLUMN_DATE);
  g_assert_cmpint (s.date_order, ==, AX_DATE_DMY_SLASH);

  s = GUESS ("01/31/2024", "2/15/2024");
  g_assert_cmpint (s.type, ==, AX_COLUMN_DATE);
  g_assert_cmpint (s.date_order, ==, AX_DATE_MDY_SLASH);

  s = GUESS ("31.01.2024", "1.2.2024");
  g_assert_cmpint (s.type, ==, AX_COLUMN_DATE);
  g_assert_cmpint (s.date_order, ==, AX_DATE_DMY_DOT);

  s = GUESS ("2024/01/31", "2024/02/01");
  g_assert_cmpint (s.type, ==, AX_COLUMN_DATE);
  g_assert_cmpint (s.date_order, ==, AX_DATE_ISO_SLASH);

  /* One impossible day and the column is not a date any more. */
  s = GUESS ("2024-01-31", "2023-02-29", "2024-03-01");
  g_assert_cmpint (s.type, !=, AX_COLUMN_DATE);
  /* Mixed layouts are not one date column. */
  s = GUESS ("2024-01-31", "31/01/2024");
  g_assert_cmpint (s.type, !=, AX_COLUMN_DATE);
}

static void
test_guess_datetime (Fixture *fx, gconstpointer data)
{
  g_assert_cmpint (GUESS ("2024-01-31 10:00:00", "2024-02-01T11:30", "2024-02-01T11:30:00Z").type,
                   ==, AX_COLUMN_DATETIME);
  /* Midnight written as a bare date among date-times. */
  g_assert_cmpint (GUESS ("2024-01-31", "2024-02-01 10:00").type, ==, AX_COLUMN_DATETIME);
  g_assert_cmpint (GUESS ("2024-01-31 25:00", "2024-02-01 10:00").type, !=, AX_COLUMN_DATETIME);
}

static void
test_guess_categorical (Fixture *fx, gconstpointer data)
{
  /* Three values seen six times: a category. */
  g_assert_cmpint (GUESS ("red", "green", "red", "blue", "green", "red").type, ==, AX_COLUMN_CATEGORICAL);
  /* All different: free text. */
  g_assert_cmpint (GUESS ("alice", "bob", "carol").type, ==, AX_COLUMN_TEXT);
  g_assert_cmpint (GUESS ("Lorem ipsum dolor", "sit amet").type, ==, AX_COLUMN_TEXT);

  /* More than 100 distinct values is text, however often each repeats. */
  {
    g_autoptr(AxTypeGuesser) g = ax_type_guesser_new (1, NULL);
    AxColumnSpec spec;
    for (guint rep = 0; rep < 5; rep++)
      for (guint i = 0; i < 101; i++)
        {
          g_autofree char *v = g_strdup_printf ("k%u", i);
          const char *row[1] = { v };
          ax_type_guesser_add (g, row);
        }
    ax_type_guesser_get (g, 0, &spec);
    g_assert_cmpint (spec.type, ==, AX_COLUMN_TEXT);
  }
  {
    g_autoptr(AxTypeGuesser) g = ax_type_guesser_new (1, NULL);
    AxColumnSpec spec;
    for (guint rep = 0; rep < 5; rep++)
      for (guint i = 0; i < 100; i++)
        {
          g_autofree char *v = g_strdup_printf ("k%u", i);
          const char *row[1] = { v };
          ax_type_guesser_add (g, row);
        }
    ax_type_guesser_get (g, 0, &spec);
    g_assert_cmpint (spec.type, ==, AX_COLUMN_CATEGORICAL);
  }
}

static void
test_guess_missing (Fixture *fx, gconstpointer data)
{
  const char *const custom[] = { "-", "?", NULL };
  AxColumnSpec s;

  /* The default tokens, with blanks around them, and NULL. */
  g_assert_cmpint (GUESS ("1", "NA", "", "null", "N/A", "NaN", " NA ", "2").type, ==, AX_COLUMN_INTEGER);
  {
    const char *row_a[2] = { NULL, "x" };
    g_autoptr(AxTypeGuesser) g = ax_type_guesser_new (2, NULL);
    ax_type_guesser_add (g, row_a);
    ax_type_guesser_get (g, 0, &s);
    /* A column with no value at all is text. */
    g_assert_cmpint (s.type, ==, AX_COLUMN_TEXT);
  }
  g_assert_cmpint (GUESS ("NA", "", "null").type, ==, AX_COLUMN_TEXT);

  /* Custom tokens replace the defaults. */
  s = guess ((const char *const[]) { "-", "1", "?", "2", NULL }, custom);
  g_assert_cmpint (s.type, ==, AX_COLUMN_INTEGER);
  s = guess ((const char *const[]) { "NA", "1", "2", NULL }, custom);
  g_assert_cmpint (s.type, ==, AX_COLUMN_TEXT);

  g_assert_true (ax_infer_is_missing (NULL, ax_infer_default_missing_tokens ()));
  g_assert_true (ax_infer_is_missing ("", ax_infer_default_missing_tokens ()));
  g_assert_true (ax_infer_is_missing ("  ", ax_infer_default_missing_tokens ()));
  g_assert_true (ax_infer_is_missing (" N/A\t", ax_infer_default_missing_tokens ()));
  g_assert_true (ax_infer_is_missing ("NaN", ax_infer_default_missing_tokens ()));
  g_assert_false (ax_infer_is_missing ("na", ax_infer_default_missing_tokens ()));
  g_assert_false (ax_infer_is_missing ("0", ax_infer_default_missing_tokens ()));
  g_assert_false (ax_infer_is_missing ("NA", custom));
  g_assert_true (ax_infer_is_missing ("?", custom));
}

static void
test_set_value (Fixture *fx, gconstpointer data)
{
  const char *names[] = { "n", "when", "flag" };
  AxColumnType types[] = { AX_COLUMN_INTEGER, AX_COLUMN_DATE, AX_COLUMN_BOOLEAN };
  const char *const *tokens = ax_infer_default_missing_tokens ();
  g_autoptr(AxFrame) f = ax_frame_new (3, names, types, 4);
  AxColumnSpec n = { AX_COLUMN_INTEGER, 0, FALSE };
  AxColumnSpec when = { AX_COLUMN_DATE, AX_DATE_DMY_SLASH, FALSE };
  AxColumnSpec flag = { AX_COLUMN_BOOLEAN, 0, TRUE };
  g_autoptr(GError) error = NULL;
  guint r;

  r = ax_frame_append_row (f);
  g_assert_true (ax_infer_set_value (f, r, 0, &n, " 41 ", tokens, 2, &error));
  g_assert_true (ax_infer_set_value (f, r, 1, &when, "31/12/1999", tokens, 2, &error));
  g_assert_true (ax_infer_set_value (f, r, 2, &flag, "NA", tokens, 2, &error));
  g_assert_no_error (error);
  g_assert_cmpint (f->columns[0].ints[0], ==, 41);
  g_assert_cmpint (f->columns[1].ints[0], ==, 10956);
  g_assert_true (f->columns[2].missing[0]);

  /* An inferred integer column meeting a real widens, keeping its values. */
  r = ax_frame_append_row (f);
  g_assert_true (ax_infer_set_value (f, r, 0, &n, "2.5", tokens, 3, &error));
  g_assert_no_error (error);
  g_assert_cmpint (n.type, ==, AX_COLUMN_REAL);
  g_assert_cmpint (f->columns[0].type, ==, AX_COLUMN_REAL);
  g_assert_cmpfloat (f->columns[0].reals[0], ==, 41.0);
  g_assert_cmpfloat (f->columns[0].reals[1], ==, 2.5);

  /* A date in another layout does not fit an inferred date column ... */
  g_assert_false (ax_infer_set_value (f, r, 1, &when, "1999-12-31", tokens, 3, &error));
  g_assert_error (error, AX_SOURCE_ERROR, AX_SOURCE_ERROR_BAD_ROW);
  g_assert_nonnull (strstr (error->message, "Line 3"));
  g_assert_nonnull (strstr (error->message, "when"));
  g_assert_nonnull (strstr (error->message, "1999-12-31"));
  g_clear_error (&error);
  /* ... but does fit one the user fixed as a date. */
  when.fixed = TRUE;
  g_assert_true (ax_infer_set_value (f, r, 1, &when, "1999-12-31", tokens, 3, &error));
  g_assert_cmpint (f->columns[1].ints[1], ==, 10956);

  /* A fixed boolean takes no other value. */
  g_assert_false (ax_infer_set_value (f, r, 2, &flag, "yes", tokens, 3, &error));
  g_assert_error (error, AX_SOURCE_ERROR, AX_SOURCE_ERROR_BAD_ROW);
  g_assert_nonnull (strstr (error->message, "column 3"));
  g_assert_true (f->columns[2].missing[1]);
}

int
main (int argc, char **argv)
{
  test_init_keep_going (&argc, &argv);

  TEST ("/sources/csv/delimiter/comma", test_delimiter_comma);
  TEST ("/sources/csv/delimiter/semicolon", test_delimiter_semicolon);
  TEST ("/sources/csv/delimiter/tab", test_delimiter_tab);
  TEST ("/sources/csv/delimiter/pipe", test_delimiter_pipe);
  TEST ("/sources/csv/delimiter/given", test_delimiter_given);
  TEST ("/sources/csv/quoting", test_quoting);
  TEST ("/sources/csv/quote-inside-unquoted", test_quote_inside_unquoted);
  TEST ("/sources/csv/crlf", test_crlf);
  TEST ("/sources/csv/blank-lines", test_blank_lines);
  TEST ("/sources/csv/header/names", test_header_names);
  TEST ("/sources/csv/header/only", test_header_only);
  TEST ("/sources/csv/header/none", test_no_header);
  TEST ("/sources/csv/skip-rows", test_skip_rows);
  TEST ("/sources/csv/encoding/utf8-bom", test_utf8_bom);
  TEST ("/sources/csv/encoding/utf16le", test_utf16le);
  TEST ("/sources/csv/encoding/utf16be", test_utf16be);
  TEST ("/sources/csv/encoding/utf16-large", test_utf16_large);
  TEST ("/sources/csv/encoding/windows-1252", test_windows_1252);
  TEST ("/sources/csv/encoding/stray-latin1", test_stray_latin1);
  TEST ("/sources/csv/block-boundaries", test_block_boundaries);
  TEST ("/sources/csv/malformed/unclosed-quote", test_unclosed_quote);
  TEST ("/sources/csv/malformed/unclosed-quote-header", test_unclosed_quote_header);
  TEST ("/sources/csv/malformed/field-count", test_field_count);
  TEST ("/sources/csv/malformed/text-after-quote", test_text_after_quote);
  TEST ("/sources/csv/empty", test_empty);
  TEST ("/sources/csv/missing-file", test_missing_file);
  TEST ("/sources/infer/numbers", test_guess_numbers);
  TEST ("/sources/infer/leading-zeros", test_guess_leading_zeros);
  TEST ("/sources/infer/boolean", test_guess_boolean);
  TEST ("/sources/infer/dates", test_guess_dates);
  TEST ("/sources/infer/datetime", test_guess_datetime);
  TEST ("/sources/infer/categorical", test_guess_categorical);
  TEST ("/sources/infer/missing", test_guess_missing);
  TEST ("/sources/infer/set-value", test_set_value);

  return g_test_run ();
}
