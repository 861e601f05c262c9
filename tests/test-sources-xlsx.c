/* test-sources-xlsx.c — reading Excel workbooks through ax_reader_open
 *
 * The workbooks are fixtures in tests/data, written by make-xlsx.py; each
 * holds the features one test checks (shared and inline strings, rich
 * text, sparse cells, dates in both date systems, quirks of other writers)
 * or is damaged in one known way.  The tests go through the public reader
 * API only and check known answers: sheet and column names, every field
 * text, missing values as NULL, row numbers, and the errors an analyst
 * would see.
 */

#include "ax-config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "ax-reader.h"

static GFile *
fixture (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", name, NULL);

  return g_file_new_for_path (path);
}

static AxReader *
open_with (const char           *name,
           const AxReadOptions  *options,
           GCancellable         *cancellable,
           GError              **error)
{
  g_autoptr(GFile) file = fixture (name);

  return ax_reader_open (file, options, cancellable, error);
}

static AxReader *
open_ok (const char          *name,
         const AxReadOptions *options)
{
  g_autoptr(GError) error = NULL;
  AxReader *reader = open_with (name, options, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (reader);
  g_assert_cmpint (reader->format, ==, AX_FORMAT_XLSX);
  return reader;
}

static AxReader *
open_sheet (const char *name,
            const char *sheet)
{
  AxReadOptions options = { .format = AX_FORMAT_XLSX, .sheet = sheet };

  return open_ok (name, &options);
}

static void
assert_message (const GError *error,
                const char   *fragment)
{
  if (strstr (error->message, fragment) == NULL)
    g_error ("expected “%s” in “%s”", fragment, error->message);
}

/* Checks that opening @name (sheet @sheet, NULL for the first) fails with
 * @code and a message naming the file and holding @fragment. */
static void
assert_open_fails (const char    *name,
                   const char    *sheet,
                   AxSourceError  code,
                   const char    *fragment)
{
  AxReadOptions options = { .format = AX_FORMAT_XLSX, .sheet = sheet };
  g_autoptr(GError) error = NULL;
  g_autoptr(AxReader) reader = open_with (name, &options, NULL, &error);
  g_autofree char *quoted = g_strdup_printf ("“%s”", name);

  g_assert_null (reader);
  g_assert_error (error, AX_SOURCE_ERROR, (gint) code);
  assert_message (error, quoted);
  assert_message (error, fragment);
}

static void
assert_strv (char              **got,
             const char *const  *expected)
{
  g_assert_nonnull (got);
  g_assert_cmpuint (g_strv_length (got), ==, g_strv_length ((char **) expected));
  for (guint i = 0; expected[i] != NULL; i++)
    g_assert_cmpstr (got[i], ==, expected[i]);
}

static void
assert_names (AxReader          *reader,
              const char *const *names)
{
  g_assert_cmpuint (reader->n_columns, ==, g_strv_length ((char **) names));
  assert_strv (reader->names, names);
}

/* Reads the next record and checks its row number and its fields against
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

/* Checks that the next record is skipped with AX_SOURCE_ERROR_BAD_ROW. */
static void
assert_bad_row (AxReader   *reader,
                const char *fragment)
{
  g_autoptr(GError) error = NULL;
  const char **fields = NULL;
  guint64 line = 0;

  g_assert_false (ax_reader_next (reader, &fields, &line, &error));
  g_assert_error (error, AX_SOURCE_ERROR, AX_SOURCE_ERROR_BAD_ROW);
  assert_message (error, fragment);
}

static void
assert_end (AxReader *reader)
{
  g_autoptr(GError) error = NULL;
  const char **fields = NULL;
  guint64 line = 0;

  g_assert_false (ax_reader_next (reader, &fields, &line, &error));
  g_assert_no_error (error);
  /* And it stays at the end. */
  g_assert_false (ax_reader_next (reader, &fields, &line, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (reader->bytes_done, ==, reader->bytes_total);
}

/* Checks that the stream ends with @code and a message holding @file and
 * @fragment, and that asking again gives the same error. */
static void
assert_fails (AxReader      *reader,
              AxSourceError  code,
              const char    *file,
              const char    *fragment)
{
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GError) error = NULL;
      const char **fields = NULL;
      guint64 line = 0;

      g_assert_false (ax_reader_next (reader, &fields, &line, &error));
      g_assert_error (error, AX_SOURCE_ERROR, (gint) code);
      assert_message (error, file);
      assert_message (error, fragment);
    }
}

static void
test_xlsx_sheets (void)
{
  static const char *const sheets[] = { "Sales", "Costs", NULL };
  static const char *const sales[] = { "Region", "Units", "Price", "Active", "Note", "Date", NULL };
  static const char *const costs[] = { "Item", "Cost", "When", "Day", "Time", "Duration", "Amount", NULL };

  {
    g_autoptr(AxReader) reader = open_sheet ("sales.xlsx", NULL);

    assert_strv (reader->sheets, sheets);
    assert_names (reader, sales);
    g_assert_cmpuint (reader->bytes_total, >, 0);
  }
  {
    g_autoptr(AxReader) reader = open_sheet ("sales.xlsx", "Costs");

    assert_strv (reader->sheets, sheets);
    assert_names (reader, costs);
  }
  {
    /* Excel's sheet names are unique ignoring case, and so is the match. */
    g_autoptr(AxReader) reader = open_sheet ("sales.xlsx", "COSTS");

    assert_names (reader, costs);
  }
  {
    AxReadOptions options = { .format = AX_FORMAT_XLSX, .sheet = "Q3" };
    g_autoptr(GError) error = NULL;
    g_autoptr(AxReader) reader = open_with ("sales.xlsx", &options, NULL, &error);

    g_assert_null (reader);
    g_assert_error (error, AX_SOURCE_ERROR, AX_SOURCE_ERROR_NO_SHEET);
    g_assert_cmpstr (error->message, ==, "Sheet “Q3” does not exist; the workbook has “Sales”, “Costs”");
  }
}

static void
test_xlsx_cells (void)
{
  static const char *const names[] = { "Region", "Units", "Price", "Active", "Note", "Date", NULL };
  /* Shared, inline and formula strings; numbers; booleans; an error. */
  static const char *const row2[] = { "North", "12", "3.5", "true", "first", "2024-01-15" };
  static const char *const row3[] = { "South", "-7", "0.1", "false", "x-y", NULL };
  /* Sparse: missing cells and a styled cell without a value. */
  static const char *const row5[] = { "East", NULL, "0.001", NULL, NULL, "2024-02-15 18:00:00" };
  /* Rich inline text, exponents, 17 digits, an escaped CR; a cell beyond
   * the header is dropped. */
  static const char *const row7[] = { "West", "1.5e+20", "0.30000000000000004", NULL, "Line 1\r\nLine 2", NULL };
  /* XML escapes, "_x005F_" (an escaped "_"), Excel's 1900-02-29. */
  static const char *const row9[] = { "Café & \"Bar\" <3>", "1000000", "2.5", "true", "_x0041_ stays", "1900-02-28" };
  static const char *const row11[] = { "  padded  ", "0", "1.2345678901234568e+17", NULL, NULL, NULL };
  g_autoptr(AxReader) reader = open_sheet ("sales.xlsx", "Sales");

  assert_names (reader, names);
  assert_next (reader, 2, row2);
  assert_next (reader, 3, row3);
  /* Row 4 is absent, row 6 has formatting only. */
  assert_next (reader, 5, row5);
  assert_next (reader, 7, row7);
  assert_bad_row (reader, "Row 8, cell A8: refers to shared text “99”");
  assert_next (reader, 9, row9);
  /* Row 10 has a value beyond the header's columns only. */
  assert_next (reader, 11, row11);
  assert_end (reader);
}

static void
test_xlsx_dates (void)
{
  /* Custom "dd/mm/yyyy hh:mm", built-in 14, custom "yyyy\-mm\-dd;@" and
   * 21 (h:mm:ss); elapsed [h]:mm:ss, a quoted unit holding "d", "y" and
   * "s", and colours in brackets stay numbers. */
  static const char *const row2[] = { "Rent", "1200", "2024-01-15 12:00:00", "2024-01-16", "18:00:00", "1.5", "3" };
  static const char *const row3[] = { "Power", "80.25", "2024-02-15 06:00:00", "1900-03-01", "12:30:00", "0.25", "2.5" };
  static const char *const row4[] = { "Water", "35.5", "2024-03-15 00:00:00", "1900-02-28", "00:00:00", "1.5", "0" };
  g_autoptr(AxReader) reader = open_sheet ("sales.xlsx", "Costs");

  assert_next (reader, 2, row2);
  assert_next (reader, 3, row3);
  assert_next (reader, 4, row4);
  assert_end (reader);
}

static void
test_xlsx_date1904 (void)
{
  static const char *const sheets[] = { "Data", "Blank", NULL };
  static const char *const names[] = { "Label", "Date", "Stamp", "Iso", NULL };
  /* Serial 0 is 1904-01-01; a time format on a value past a day shows the
   * date too; t="d" cells hold ISO text. */
  static const char *const row2[] = { "zero", "1904-01-01", "1904-01-01 12:00:00", "2024-03-01" };
  static const char *const row3[] = { "jan", "2024-01-15", "2024-01-15 18:00:00", "2024-03-01 10:30:00" };

  {
    g_autoptr(AxReader) reader = open_sheet ("dates1904.xlsx", NULL);

    assert_strv (reader->sheets, sheets);
    assert_names (reader, names);
    assert_next (reader, 2, row2);
    assert_next (reader, 3, row3);
    assert_end (reader);
  }
  {
    AxReadOptions options = { .format = AX_FORMAT_XLSX, .sheet = "Blank" };
    g_autoptr(GError) error = NULL;
    g_autoptr(AxReader) reader = open_with ("dates1904.xlsx", &options, NULL, &error);

    g_assert_null (reader);
    g_assert_error (error, AX_SOURCE_ERROR, AX_SOURCE_ERROR_EMPTY);
    assert_message (error, "The sheet “Blank” is empty");
  }
}

static void
test_xlsx_other_writers (void)
{
  static const char *const sheets[] = { "Лист1", NULL };
  static const char *const names[] = { "a", "b", "c", NULL };
  static const char *const row2[] = { "1", "2", "3" };
  static const char *const row4[] = { "x", NULL, "z" };
  static const char *const row5[] = { NULL, "<tag> & more", "true" };
  /* Stored, not deflated; no shared strings or styles; <x:row> and
   * <x:c>; cells and rows without references; a byte-order mark; CDATA;
   * blanks around a value. */
  g_autoptr(AxReader) reader = open_sheet ("libreoffice.xlsx", "лист1");

  assert_strv (reader->sheets, sheets);
  assert_names (reader, names);
  assert_next (reader, 2, row2);
  assert_next (reader, 4, row4);
  assert_next (reader, 5, row5);
  assert_end (reader);
}

static void
test_xlsx_skip_rows (void)
{
  static const char *const names[] = { "id", "name", "amount", NULL };
  static const char *const row5[] = { "1", "Ada", "10.5" };
  static const char *const row6[] = { "2", "Bob", "20" };
  static const char *const row8[] = { "3", NULL, "30" };

  {
    /* Rows 1 to 3 by number, though row 2 is not in the file. */
    AxReadOptions options = { .format = AX_FORMAT_XLSX, .skip_rows = 3 };
    g_autoptr(AxReader) reader = open_ok ("skip-rows.xlsx", &options);

    assert_names (reader, names);
    assert_next (reader, 5, row5);
    assert_next (reader, 6, row6);
    assert_next (reader, 8, row8);
    assert_end (reader);
  }
  {
    AxReadOptions options = { .format = AX_FORMAT_XLSX, .skip_rows = 2 };
    static const char *const one[] = { "Source: finance", NULL };
    static const char *const id[] = { "id" };
    g_autoptr(AxReader) reader = open_ok ("skip-rows.xlsx", &options);

    assert_names (reader, one);
    assert_next (reader, 4, id);
  }
  {
    /* Leading blank rows need no skipping: the title is the header. */
    AxReadOptions options = { .format = AX_FORMAT_XLSX };
    static const char *const title[] = { "Quarterly report", NULL };
    static const char *const source[] = { "Source: finance" };
    g_autoptr(AxReader) reader = open_ok ("skip-rows.xlsx", &options);

    assert_names (reader, title);
    assert_next (reader, 3, source);
  }
}

static void
test_xlsx_no_header (void)
{
  {
    AxReadOptions options = { .format = AX_FORMAT_XLSX, .no_header = TRUE, .skip_rows = 4 };
    static const char *const names[] = { "column_1", "column_2", "column_3", NULL };
    static const char *const row5[] = { "1", "Ada", "10.5" };
    static const char *const row6[] = { "2", "Bob", "20" };
    static const char *const row8[] = { "3", NULL, "30" };
    g_autoptr(AxReader) reader = open_ok ("skip-rows.xlsx", &options);

    assert_names (reader, names);
    assert_next (reader, 5, row5);
    assert_next (reader, 6, row6);
    assert_next (reader, 8, row8);
    assert_end (reader);
  }
  {
    /* The first row decides the columns, here one. */
    AxReadOptions options = { .format = AX_FORMAT_XLSX, .no_header = TRUE };
    static const char *const names[] = { "column_1", NULL };
    static const char *const row1[] = { "Quarterly report" };
    static const char *const row3[] = { "Source: finance" };
    static const char *const row4[] = { "id" };
    g_autoptr(AxReader) reader = open_ok ("skip-rows.xlsx", &options);

    assert_names (reader, names);
    assert_next (reader, 1, row1);
    assert_next (reader, 3, row3);
    assert_next (reader, 4, row4);
  }
}

static void
test_xlsx_big (void)
{
  static const char *const names[] = { "n", "parity", NULL };
  g_autoptr(AxReader) reader = open_sheet ("big.xlsx", NULL);
  guint64 last_done = 0;

  assert_names (reader, names);
  for (guint i = 1; i <= 3000; i++)
    {
      g_autofree char *n = g_strdup_printf ("%u", i);
      const char *row[] = { n, i % 2 ? "odd" : "even" };

      assert_next (reader, i + 1, row);
      g_assert_cmpuint (reader->bytes_done, >=, last_done);
      g_assert_cmpuint (reader->bytes_done, <=, reader->bytes_total);
      last_done = reader->bytes_done;
    }
  assert_end (reader);
}

static void
test_xlsx_auto (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("auspex-xlsx-XXXXXX", &error);
  g_autofree char *copy = NULL;
  g_autofree char *data = NULL;
  gsize len = 0;

  g_assert_no_error (error);
  {
    /* By name. */
    AxReadOptions options = { .format = AX_FORMAT_AUTO };
    g_autoptr(AxReader) reader = open_ok ("sales.xlsx", &options);

    g_assert_cmpstr (reader->names[0], ==, "Region");
  }
  {
    /* By name even when the content is not a workbook. */
    AxReadOptions options = { .format = AX_FORMAT_AUTO };
    g_autoptr(AxReader) reader = open_with ("not-a-zip.xlsx", &options, NULL, &error);

    g_assert_null (reader);
    g_assert_error (error, AX_SOURCE_ERROR, AX_SOURCE_ERROR_UNKNOWN_FORMAT);
    assert_message (error, "is not an Excel workbook (XLSX)");
    g_clear_error (&error);
  }
  {
    /* By content: a ZIP archive under a name that tells nothing. */
    g_autoptr(GFile) source = fixture ("sales.xlsx");
    g_autoptr(GFile) file = NULL;
    AxReadOptions options = { .format = AX_FORMAT_AUTO };
    g_autoptr(AxReader) reader = NULL;

    g_file_load_contents (source, NULL, &data, &len, NULL, &error);
    g_assert_no_error (error);
    copy = g_build_filename (dir, "export.dat", NULL);
    g_file_set_contents (copy, data, (gssize) len, &error);
    g_assert_no_error (error);
    file = g_file_new_for_path (copy);
    reader = ax_reader_open (file, &options, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpint (reader->format, ==, AX_FORMAT_XLSX);
    g_assert_cmpstr (reader->names[0], ==, "Region");
  }
  g_assert_cmpint (g_remove (copy), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
test_xlsx_damaged (void)
{
  assert_open_fails ("not-a-zip.xlsx", NULL, AX_SOURCE_ERROR_UNKNOWN_FORMAT,
                     "is not an Excel workbook (XLSX): it is not a ZIP archive");
  assert_open_fails ("ole.xlsx", NULL, AX_SOURCE_ERROR_UNKNOWN_FORMAT,
                     "is password-protected or an old .xls file; save it as .xlsx");
  assert_open_fails ("truncated.xlsx", NULL, AX_SOURCE_ERROR_MALFORMED, "it may be truncated");
  assert_open_fails ("corrupt-deflate.xlsx", NULL, AX_SOURCE_ERROR_MALFORMED,
                     "the part “xl/worksheets/sheet1.xml” cannot be decompressed");
  assert_open_fails ("zip64.xlsx", NULL, AX_SOURCE_ERROR_UNKNOWN_FORMAT, "uses ZIP64");
  assert_open_fails ("not-a-workbook.xlsx", NULL, AX_SOURCE_ERROR_UNKNOWN_FORMAT,
                     "the ZIP archive has no xl/workbook.xml");
  assert_open_fails ("opendocument.xlsx", NULL, AX_SOURCE_ERROR_UNKNOWN_FORMAT, "OpenDocument");
  assert_open_fails ("missing-part.xlsx", "Two", AX_SOURCE_ERROR_MALFORMED,
                     "the part holding sheet “Two” is missing");

  {
    /* The other sheet of that workbook is fine. */
    static const char *const names[] = { "x", NULL };
    g_autoptr(AxReader) reader = open_sheet ("missing-part.xlsx", "One");

    assert_names (reader, names);
    assert_end (reader);
  }
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *dir = g_dir_make_tmp ("auspex-xlsx-XXXXXX", &error);
    g_autofree char *path = g_build_filename (dir, "empty.xlsx", NULL);
    g_autoptr(GFile) file = g_file_new_for_path (path);
    AxReadOptions options = { .format = AX_FORMAT_AUTO };
    g_autoptr(AxReader) reader = NULL;

    g_file_set_contents (path, "", 0, &error);
    g_assert_no_error (error);
    reader = ax_reader_open (file, &options, NULL, &error);
    g_assert_null (reader);
    g_assert_error (error, AX_SOURCE_ERROR, AX_SOURCE_ERROR_EMPTY);
    assert_message (error, "“empty.xlsx” is empty");
    g_assert_cmpint (g_remove (path), ==, 0);
    g_assert_cmpint (g_rmdir (dir), ==, 0);
  }
}

static void
test_xlsx_bad_xml (void)
{
  static const char *const names[] = { "id", NULL };
  static const char *const row2[] = { "1" };
  /* The rows before the damage are read, then the damage is reported. */
  g_autoptr(AxReader) reader = open_sheet ("bad-xml.xlsx", NULL);

  assert_names (reader, names);
  assert_next (reader, 2, row2);
  assert_fails (reader, AX_SOURCE_ERROR_MALFORMED, "“bad-xml.xlsx”",
                "the part “xl/worksheets/sheet1.xml” is not well-formed XML");
}

static void
test_xlsx_bad_crc (void)
{
  /* Well-formed, but one digit differs from what the archive recorded:
   * noticed when the part has been read to its end. */
  g_autoptr(AxReader) reader = open_sheet ("bad-crc.xlsx", NULL);
  guint n_rows = 0;

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      const char **fields = NULL;
      guint64 line = 0;

      if (ax_reader_next (reader, &fields, &line, &error))
        {
          n_rows++;
          continue;
        }
      if (g_error_matches (error, AX_SOURCE_ERROR, AX_SOURCE_ERROR_BAD_ROW))
        continue;
      g_assert_error (error, AX_SOURCE_ERROR, AX_SOURCE_ERROR_MALFORMED);
      assert_message (error, "“bad-crc.xlsx”");
      assert_message (error, "the part “xl/worksheets/sheet1.xml” does not match its checksum");
      break;
    }
  g_assert_cmpuint (n_rows, ==, 6);
}

static void
test_xlsx_cancel (void)
{
  AxReadOptions options = { .format = AX_FORMAT_XLSX };
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();

  {
    g_autoptr(AxReader) reader = open_with ("big.xlsx", &options, cancellable, NULL);
    const char **fields = NULL;
    guint64 line = 0;
    g_autoptr(GError) error = NULL;

    g_assert_nonnull (reader);
    g_cancellable_cancel (cancellable);
    /* The rows already parsed come out; then reading stops. */
    while (ax_reader_next (reader, &fields, &line, &error))
      g_assert_cmpuint (line, <, 3001);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  }
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(AxReader) reader = open_with ("sales.xlsx", &options, cancellable, &error);

    g_assert_null (reader);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sources/xlsx/sheets", test_xlsx_sheets);
  g_test_add_func ("/sources/xlsx/cells", test_xlsx_cells);
  g_test_add_func ("/sources/xlsx/dates", test_xlsx_dates);
  g_test_add_func ("/sources/xlsx/date1904", test_xlsx_date1904);
  g_test_add_func ("/sources/xlsx/other-writers", test_xlsx_other_writers);
  g_test_add_func ("/sources/xlsx/skip-rows", test_xlsx_skip_rows);
  g_test_add_func ("/sources/xlsx/no-header", test_xlsx_no_header);
  g_test_add_func ("/sources/xlsx/big", test_xlsx_big);
  g_test_add_func ("/sources/xlsx/auto", test_xlsx_auto);
  g_test_add_func ("/sources/xlsx/damaged", test_xlsx_damaged);
  g_test_add_func ("/sources/xlsx/bad-xml", test_xlsx_bad_xml);
  g_test_add_func ("/sources/xlsx/bad-crc", test_xlsx_bad_crc);
  g_test_add_func ("/sources/xlsx/cancel", test_xlsx_cancel);

  return g_test_run ();
}
