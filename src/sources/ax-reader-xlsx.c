/* ax-reader-xlsx.c — Excel workbooks (Office Open XML, .xlsx)
 *
 * An .xlsx file is a ZIP archive of XML parts: xl/workbook.xml lists the
 * sheets, relationship parts (_rels/…/….rels) say which part holds each
 * sheet, xl/sharedStrings.xml holds the text that cells refer to by number,
 * and xl/styles.xml the number formats that make a number a date.  The
 * archive is read here with GIO alone: the central directory at the end of
 * the file locates each part, which is then inflated with GZlibDecompressor
 * (or copied, if stored) and checked against its CRC-32.
 *
 * The workbook, relationships, styles and shared strings are read when the
 * reader is opened; the shared strings are kept whole, since any cell may
 * refer to any of them.  The sheet itself is streamed: one block of it is
 * inflated at a time and fed to GMarkupParseContext, which queues the rows
 * it completes, so memory stays bounded by a block's rows rather than by
 * the sheet.
 *
 * How cells become records, chosen for what an analyst sees in Excel:
 *  - a cell's position comes from its reference (r="C5"), or follows the
 *    previous cell when there is none (legal, and written by some tools);
 *    a column without a cell is missing (NULL);
 *  - rows with no value in any column are skipped, wherever they are:
 *    blank rows separate blocks in a sheet but carry no record;
 *  - skip_rows skips sheet rows 1 to skip_rows by their row numbers, so a
 *    title in row 1 and a header in row 3 is skip_rows = 2 whether or not
 *    row 2 exists in the file;
 *  - the first row kept is the header (or, with no_header, the first
 *    record), and its last non-blank cell decides how many columns there
 *    are; cells to the right of it in later rows are ignored;
 *  - numbers keep the digits that read back as the same double ("42",
 *    "0.1"); numbers formatted as dates become "YYYY-MM-DD", or "YYYY-MM-DD
 *    HH:MM:SS" when the format or the value has a time of day; times of day
 *    alone become "HH:MM:SS"; elapsed-time formats ([h]:mm) stay numbers of
 *    days, since a duration is a quantity;
 *  - booleans become "true" and "false", error values (#DIV/0!) missing.
 */

#include "ax-config.h"
#include "ax-reader.h"
#include "ax-xlsx-zip.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define CHUNK_SIZE   AX_ZIP_CHUNK
#define MAX_COLUMNS  16384          /* column XFD, Excel's last */


/* GDate's day number of 1899-12-30, the day before Excel's serial 1 in the
 * 1900 date system once its 1900-02-29 is accounted for, and of 9999-12-31,
 * the last date Excel shows. */
#define JULIAN_1899_12_30  693594
#define JULIAN_9999_12_31  3652059
/* Days from 1899-12-30 to 1904-01-01, serial 0 of the 1904 date system. */
#define DAYS_TO_1904       1462

/* XML parts */

typedef struct {
  AxZip                 *zip;       /* not owned */
  AxZipPart          *stream;
  GMarkupParseContext *context;
  char                *buf;
  gboolean             started;
} XmlPart;

static void
xml_part_free (XmlPart *x)
{
  if (x == NULL)
    return;
  g_clear_pointer (&x->context, g_markup_parse_context_unref);
  g_clear_pointer (&x->stream, ax_zip_part_free);
  g_free (x->buf);
  g_free (x);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XmlPart, xml_part_free)

static void
set_part_missing (AxZip         *zip,
                  const char  *name,
                  GError     **error)
{
  g_set_error (error, AX_SOURCE_ERROR, AX_SOURCE_ERROR_MALFORMED,
               _("“%s” is damaged: the part “%s” is missing"), zip->display, name);
}

/* Opens part @name for parsing with @parser, which gets @data. */
static XmlPart *
xml_part_open (AxZip                  *zip,
               const char           *name,
               const GMarkupParser  *parser,
               gpointer              data,
               GError              **error)
{
  const AxZipEntry *entry = ax_zip_find (zip, name);
  g_autoptr(XmlPart) x = NULL;

  if (entry == NULL)
    {
      set_part_missing (zip, name, error);
      return NULL;
    }
  x = g_new0 (XmlPart, 1);
  x->zip = zip;
  x->stream = ax_zip_part_open (zip, entry, error);
  if (x->stream == NULL)
    return NULL;
  x->buf = g_malloc (CHUNK_SIZE);
  x->context = g_markup_parse_context_new (parser, G_MARKUP_TREAT_CDATA_AS_TEXT, data, NULL);
  return g_steal_pointer (&x);
}

static void
set_bad_xml (XmlPart  *x,
             GError   *local,
             GError  **error)
{
  /* GMarkup quotes the offending text, which may be the invalid UTF-8
   * that it is complaining about. */
  g_autofree char *why = g_utf8_make_valid (local->message, -1);

  g_set_error (error, AX_SOURCE_ERROR, AX_SOURCE_ERROR_MALFORMED,
               _("“%s” is damaged: the part “%s” is not well-formed XML (%s)"),
               x->zip->display, x->stream->entry->name, why);
  g_error_free (local);
}

/* Inflates the next block of the part and parses it.  Returns 1 after a
 * block, 0 once the part has ended well-formed, -1 with @error set. */
static int
xml_part_pump (XmlPart  *x,
               GError  **error)
{
  GError *local = NULL;
  gssize n = ax_zip_part_read (x->stream, x->buf, CHUNK_SIZE, error);
  const char *p = x->buf;

  if (n < 0)
    return -1;
  if (n == 0)
    {
      if (!g_markup_parse_context_end_parse (x->context, &local))
        {
          set_bad_xml (x, local, error);
          return -1;
        }
      return 0;
    }
  /* GMarkup refuses a byte-order mark, which some writers put first. */
  if (!x->started && n >= 3 && memcmp (p, "\xEF\xBB\xBF", 3) == 0)
    {
      p += 3;
      n -= 3;
    }
  x->started = TRUE;
  if (!g_markup_parse_context_parse (x->context, p, n, &local))
    {
      set_bad_xml (x, local, error);
      return -1;
    }
  return 1;
}

/* Parses the whole of part @name with @parser. */
static gboolean
parse_part (AxZip                  *zip,
            const char           *name,
            const GMarkupParser  *parser,
            gpointer              data,
            GError              **error)
{
  g_autoptr(XmlPart) x = xml_part_open (zip, name, parser, data, error);
  int r;

  if (x == NULL)
    return FALSE;
  while ((r = xml_part_pump (x, error)) > 0)
    ;
  return r == 0;
}

/* Element and attribute names without their namespace prefix: most files
 * use a default namespace, but some writers spell <x:row>. */
static const char *
local_name (const char *name)
{
  const char *colon = strrchr (name, ':');

  return colon ? colon + 1 : name;
}

static const char *
find_attr (const char **names,
           const char **values,
           const char  *local)
{
  for (guint i = 0; names[i] != NULL; i++)
    if (strcmp (local_name (names[i]), local) == 0)
      return values[i];
  return NULL;
}

static gboolean
parse_index (const char *text,
             guint64     max,
             guint64    *out)
{
  return text != NULL && g_ascii_string_to_unsigned (text, 10, 0, max, out, NULL);
}

/* Replaces the _xHHHH_ escapes with which Excel writes characters XML
 * cannot hold (_x000D_ for a carriage return; _x005F_ for "_" itself). */
static void
decode_escapes (GString *s)
{
  gsize out = 0;

  if (strstr (s->str, "_x") == NULL)
    return;
  for (gsize i = 0; i < s->len;)
    {
      if (s->str[i] == '_' && i + 7 <= s->len && s->str[i + 1] == 'x' && s->str[i + 6] == '_' &&
          g_ascii_isxdigit (s->str[i + 2]) && g_ascii_isxdigit (s->str[i + 3]) &&
          g_ascii_isxdigit (s->str[i + 4]) && g_ascii_isxdigit (s->str[i + 5]))
        {
          gunichar c = 0;

          for (guint k = 2; k < 6; k++)
            c = c * 16 + (gunichar) g_ascii_xdigit_value (s->str[i + k]);
          /* The encoding is never longer than the escape, so this can be
           * done in place. */
          if (c != 0 && g_unichar_validate (c))
            {
              out += (gsize) g_unichar_to_utf8 (c, s->str + out);
              i += 7;
              continue;
            }
        }
      s->str[out++] = s->str[i++];
    }
  g_string_truncate (s, out);
}

/* The text of a string item (<si> or <is>): plain <t>, or rich text whose
 * runs <r><t> are joined.  Phonetic guides <rPh> are a reading aid for
 * East Asian text, not part of it. */
typedef struct {
  GString  *text;
  gboolean  in_t;
  guint     phonetic;
} RichText;

static void
rich_text_reset (RichText *rt)
{
  g_string_truncate (rt->text, 0);
  rt->in_t = FALSE;
  rt->phonetic = 0;
}

static void
rich_text_start (RichText   *rt,
                 const char *name)
{
  if (strcmp (name, "t") == 0)
    rt->in_t = TRUE;
  else if (strcmp (name, "rPh") == 0)
    rt->phonetic++;
}

static void
rich_text_end (RichText   *rt,
               const char *name)
{
  if (strcmp (name, "t") == 0)
    rt->in_t = FALSE;
  else if (strcmp (name, "rPh") == 0 && rt->phonetic > 0)
    rt->phonetic--;
}

static void
rich_text_add (RichText   *rt,
               const char *text,
               gsize       len)
{
  if (rt->in_t && rt->phonetic == 0)
    g_string_append_len (rt->text, text, (gssize) len);
}

/* Relationships: which part a workbook's r:id points to */

typedef struct {
  char       *dir;       /* folder of the source part, "" or ending in '/' */
  GHashTable *targets;   /* Id -> part name */
  GHashTable *by_type;   /* last word of the Type URI -> part name (first wins) */
} Rels;

static void
rels_free (Rels *rels)
{
  if (rels == NULL)
    return;
  g_clear_pointer (&rels->targets, g_hash_table_unref);
  g_clear_pointer (&rels->by_type, g_hash_table_unref);
  g_free (rels->dir);
  g_free (rels);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Rels, rels_free)

/* Resolves a relationship's target, a URI relative to the source part's
 * folder ("worksheets/sheet1.xml") or to the package ("/xl/…"). */
static char *
resolve_target (const char *dir,
                const char *target)
{
  g_autofree char *unescaped = g_uri_unescape_string (target, NULL);
  const char *t = unescaped ? unescaped : target;
  g_autofree char *joined = t[0] == '/' ? g_strdup (t + 1) : g_strconcat (dir, t, NULL);
  g_auto(GStrv) parts = g_strsplit (joined, "/", -1);
  g_autoptr(GPtrArray) out = g_ptr_array_new ();

  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (parts[i][0] == '\0' || strcmp (parts[i], ".") == 0)
        continue;
      if (strcmp (parts[i], "..") == 0)
        {
          if (out->len > 0)
            g_ptr_array_remove_index (out, out->len - 1);
          continue;
        }
      g_ptr_array_add (out, parts[i]);
    }
  g_ptr_array_add (out, NULL);
  return g_strjoinv ("/", (char **) out->pdata);
}

static void
rels_start (GMarkupParseContext  *context,
            const char           *element,
            const char          **names,
            const char          **values,
            gpointer              data,
            GError              **error)
{
  Rels *rels = data;
  const char *id, *type, *target, *mode, *word;
  char *part;

  if (strcmp (local_name (element), "Relationship") != 0)
    return;
  id = find_attr (names, values, "Id");
  type = find_attr (names, values, "Type");
  target = find_attr (names, values, "Target");
  mode = find_attr (names, values, "TargetMode");
  if (id == NULL || target == NULL || (mode && g_ascii_strcasecmp (mode, "External") == 0))
    return;
  part = resolve_target (rels->dir, target);
  g_hash_table_replace (rels->targets, g_strdup (id), part);
  /* Transitional and Strict OOXML differ in the URI, not its last word. */
  word = type ? strrchr (type, '/') : NULL;
  if (word != NULL && !g_hash_table_contains (rels->by_type, word + 1))
    g_hash_table_insert (rels->by_type, g_strdup (word + 1), g_strdup (part));
}

/* Reads the relationships of part @source ("" for the package).  A part
 * without relationships has none, which is not an error. */
static Rels *
rels_read (AxZip         *zip,
           const char  *source,
           GError     **error)
{
  static const GMarkupParser parser = { rels_start, NULL, NULL, NULL, NULL };
  g_autoptr(Rels) rels = g_new0 (Rels, 1);
  const char *slash = strrchr (source, '/');
  g_autofree char *path = NULL;

  rels->dir = slash ? g_strndup (source, (gsize) (slash - source + 1)) : g_strdup ("");
  rels->targets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  rels->by_type = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  path = g_strdup_printf ("%s_rels/%s.rels", rels->dir, slash ? slash + 1 : source);
  if (ax_zip_find (zip, path) != NULL && !parse_part (zip, path, &parser, rels, error))
    return NULL;
  return g_steal_pointer (&rels);
}

/* The workbook: sheet names, their relationship ids, the date system */

typedef struct {
  GPtrArray *names;
  GPtrArray *ids;
  gboolean   date1904;
} Workbook;

static void
workbook_start (GMarkupParseContext  *context,
                const char           *element,
                const char          **names,
                const char          **values,
                gpointer              data,
                GError              **error)
{
  Workbook *wb = data;
  const char *name = local_name (element);

  if (strcmp (name, "workbookPr") == 0)
    {
      const char *d = find_attr (names, values, "date1904");
      wb->date1904 = d && (strcmp (d, "1") == 0 || g_ascii_strcasecmp (d, "true") == 0);
    }
  else if (strcmp (name, "sheet") == 0)
    {
      const char *sheet = find_attr (names, values, "name");
      const char *id = find_attr (names, values, "id");   /* r:id */

      if (sheet == NULL)
        return;
      g_ptr_array_add (wb->names, g_strdup (sheet));
      g_ptr_array_add (wb->ids, g_strdup (id ? id : ""));
    }
}

/* Styles: which cell formats show numbers as dates */

typedef enum {
  STYLE_NUMBER,
  STYLE_DATE,       /* a date without a time of day */
  STYLE_DATETIME,
  STYLE_TIME,       /* a time of day without a date */
} StyleKind;

/* The built-in formats that are dates or times (ECMA-376 part 1, 18.8.30):
 * 14–17 dates, 18–21 times, 22 both, 45 and 47 minutes and seconds.  46,
 * [h]:mm:ss, is elapsed time: a duration, which stays a number. */
static StyleKind
builtin_kind (guint id)
{
  if (id >= 14 && id <= 17)
    return STYLE_DATE;
  if ((id >= 18 && id <= 21) || id == 45 || id == 47)
    return STYLE_TIME;
  if (id == 22)
    return STYLE_DATETIME;
  return STYLE_NUMBER;
}

/* Classifies a custom format code by the date and time tokens of its first
 * section, not counting quoted text, escaped or padding characters, and
 * brackets ([Red], [$-409], [<100]).  A bracketed [h], [m] or [s] is elapsed
 * time: a number.  "m" is a month beside a date and a minute beside a time;
 * on its own ("mmm") it is a month. */
static StyleKind
classify_format (const char *code)
{
  gboolean date = FALSE, time = FALSE, month = FALSE;

  for (const char *p = code; *p != '\0' && *p != ';'; p++)
    {
      switch (*p)
        {
        case '"':
          while (p[1] != '\0' && p[1] != '"')
            p++;
          if (p[1] == '"')
            p++;
          break;
        case '\\':
        case '_':
        case '*':
          if (p[1] != '\0')
            p++;
          break;
        case '[':
          {
            const char *close = strchr (p, ']');
            gsize len = close ? (gsize) (close - p - 1) : 0;

            if (close == NULL)
              return STYLE_NUMBER;
            if (len > 0 && strspn (p + 1, "hHmMsS") == len)
              return STYLE_NUMBER;
            p = close;
          }
          break;
        case 'y': case 'Y': case 'd': case 'D':
          date = TRUE;
          break;
        case 'h': case 'H': case 's': case 'S':
          time = TRUE;
          break;
        case 'm': case 'M':
          month = TRUE;
          break;
        case 'a': case 'A':
          if (g_ascii_strncasecmp (p, "AM/PM", 5) == 0 || g_ascii_strncasecmp (p, "A/P", 3) == 0)
            time = TRUE;
          break;
        case 'g': case 'G':
          if (g_ascii_strncasecmp (p, "General", 7) == 0)
            p += 6;
          break;
        default:
          break;
        }
    }
  if (month && !time)
    date = TRUE;
  if (date && time)
    return STYLE_DATETIME;
  if (date)
    return STYLE_DATE;
  if (time)
    return STYLE_TIME;
  return STYLE_NUMBER;
}

typedef struct {
  GHashTable *custom;     /* numFmtId -> StyleKind + 1 */
  GArray     *xf_formats; /* guint numFmtId of each cell format */
  gboolean    in_cell_xfs;
} Styles;

static void
styles_start (GMarkupParseContext  *context,
              const char           *element,
              const char          **names,
              const char          **values,
              gpointer              data,
              GError              **error)
{
  Styles *st = data;
  const char *name = local_name (element);
  guint64 id = 0;

  if (strcmp (name, "cellXfs") == 0)
    st->in_cell_xfs = TRUE;
  else if (strcmp (name, "numFmt") == 0)
    {
      const char *code = find_attr (names, values, "formatCode");

      if (code != NULL && parse_index (find_attr (names, values, "numFmtId"), G_MAXUINT, &id))
        g_hash_table_insert (st->custom, GUINT_TO_POINTER ((guint) id),
                             GUINT_TO_POINTER (classify_format (code) + 1));
    }
  else if (strcmp (name, "xf") == 0 && st->in_cell_xfs)
    {
      guint format;

      /* cellStyleXfs has <xf>s too; only cellXfs' are what "s" counts. */
      parse_index (find_attr (names, values, "numFmtId"), G_MAXUINT, &id);
      format = (guint) id;
      g_array_append_val (st->xf_formats, format);
    }
}

static void
styles_end (GMarkupParseContext  *context,
            const char           *element,
            gpointer              data,
            GError              **error)
{
  Styles *st = data;

  if (strcmp (local_name (element), "cellXfs") == 0)
    st->in_cell_xfs = FALSE;
}

/* Reads the kind of every cell format of part @name. */
static GArray *
styles_read (AxZip         *zip,
             const char  *name,
             GError     **error)
{
  static const GMarkupParser parser = { styles_start, styles_end, NULL, NULL, NULL };
  g_autoptr(GHashTable) custom = g_hash_table_new (NULL, NULL);
  g_autoptr(GArray) xf_formats = g_array_new (FALSE, FALSE, sizeof (guint));
  Styles st = { custom, xf_formats, FALSE };
  GArray *kinds;

  if (!parse_part (zip, name, &parser, &st, error))
    return NULL;
  kinds = g_array_sized_new (FALSE, FALSE, sizeof (guint8), xf_formats->len);
  for (guint i = 0; i < xf_formats->len; i++)
    {
      guint id = g_array_index (xf_formats, guint, i);
      gpointer found = g_hash_table_lookup (custom, GUINT_TO_POINTER (id));
      guint8 kind = found ? (guint8) (GPOINTER_TO_UINT (found) - 1) : (guint8) builtin_kind (id);

      g_array_append_val (kinds, kind);
    }
  return kinds;
}

/* Shared strings */

typedef struct {
  GStringChunk *chunk;
  GPtrArray    *items;   /* const char *, in chunk */
  RichText      rt;
  gboolean      in_si;
} Strings;

static void
strings_start (GMarkupParseContext  *context,
               const char           *element,
               const char          **names,
               const char          **values,
               gpointer              data,
               GError              **error)
{
  Strings *ss = data;
  const char *name = local_name (element);

  if (strcmp (name, "si") == 0)
    {
      ss->in_si = TRUE;
      rich_text_reset (&ss->rt);
    }
  else if (ss->in_si)
    rich_text_start (&ss->rt, name);
}

static void
strings_end (GMarkupParseContext  *context,
             const char           *element,
             gpointer              data,
             GError              **error)
{
  Strings *ss = data;
  const char *name = local_name (element);

  if (strcmp (name, "si") == 0)
    {
      decode_escapes (ss->rt.text);
      g_ptr_array_add (ss->items, g_string_chunk_insert_len (ss->chunk, ss->rt.text->str,
                                                             (gssize) ss->rt.text->len));
      ss->in_si = FALSE;
    }
  else if (ss->in_si)
    rich_text_end (&ss->rt, name);
}

static void
strings_text (GMarkupParseContext  *context,
              const char           *text,
              gsize                 len,
              gpointer              data,
              GError              **error)
{
  Strings *ss = data;

  if (ss->in_si)
    rich_text_add (&ss->rt, text, len);
}

/* Numbers and dates */

/* The shortest of %.15g, %.16g and %.17g that reads back as the same
 * double, so 0.1 stays "0.1"; integral values have no ".0", as in Excel. */
static char *
format_number (double value)
{
  static const char *const formats[] = { "%.15g", "%.16g", "%.17g" };
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (value == floor (value) && fabs (value) < 9007199254740992.0)   /* 2^53 */
    return g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) value);
  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_ascii_formatd (buf, sizeof buf, formats[i], value);
      if (g_ascii_strtod (buf, NULL) == value)
        break;
    }
  return g_strdup (buf);
}

/* Turns a date serial into text, or returns NULL when it is not a date
 * Excel could show (before year 1 or after 9999).  Serials count days from
 * 1900-01-01 = 1, except that Excel kept Lotus 1-2-3's 1900-02-29: serial
 * 60 is that day, which never was, and is shown here as 1900-02-28, while
 * serials below it are one day later than a plain count would make them.
 * In the 1904 date system, serial 0 is 1904-01-01.  The time of day is
 * rounded to the second. */
static char *
serial_to_text (double     serial,
                StyleKind  kind,
                gboolean   date1904)
{
  double seconds = round (serial * 86400.0);
  gint64 total, days, secs, julian;
  GDate date;

  if (!(fabs (seconds) < 1e15))
    return NULL;
  total = (gint64) seconds;
  days = total / 86400;
  secs = total % 86400;
  if (secs < 0)
    {
      secs += 86400;
      days--;
    }

  if (kind == STYLE_TIME && days == 0)
    return g_strdup_printf ("%02d:%02d:%02d", (int) (secs / 3600), (int) (secs / 60 % 60), (int) (secs % 60));

  if (date1904)
    days += DAYS_TO_1904;
  else if (days < 60)
    days += 1;
  julian = JULIAN_1899_12_30 + days;
  if (julian < 1 || julian > JULIAN_9999_12_31)
    return NULL;
  g_date_clear (&date, 1);
  g_date_set_julian (&date, (guint32) julian);

  if (kind == STYLE_DATE && secs == 0)
    return g_strdup_printf ("%04d-%02d-%02d", g_date_get_year (&date),
                            g_date_get_month (&date), g_date_get_day (&date));
  return g_strdup_printf ("%04d-%02d-%02d %02d:%02d:%02d", g_date_get_year (&date),
                          g_date_get_month (&date), g_date_get_day (&date),
                          (int) (secs / 3600), (int) (secs / 60 % 60), (int) (secs % 60));
}

/* TRUE if @text is already what format_number() would make of it: a plain
 * decimal of at most 15 significant digits (which any double reads back
 * as), without redundant zeros, in the range where %g writes no exponent.
 * Most cells are, and this spares them a conversion both ways. */
static gboolean
is_shortest_decimal (const char *text)
{
  const char *p = text;
  guint digits = 0, zeros = 0;

  if (*p == '-')
    p++;
  if (*p == '0')
    {
      p++;
      if (*p == '\0')
        return p == text + 1;                 /* "0", not "-0" */
      if (*p != '.')
        return FALSE;
      /* 0.000123 is written 0.000123 by %g, 0.0000123 as 1.23e-05. */
      for (p++; *p == '0'; p++)
        zeros++;
      if (zeros > 3 || *p == '\0')
        return FALSE;
    }
  else
    {
      for (; g_ascii_isdigit (*p); p++)
        digits++;
      if (digits == 0)
        return FALSE;
      if (*p == '\0')
        return digits <= 15;
      if (*p != '.')
        return FALSE;
      p++;
    }
  for (; g_ascii_isdigit (*p); p++)
    digits++;
  return *p == '\0' && digits <= 15 && p[-1] != '0' && p[-1] != '.';
}

/* A number cell's text, as a date when its format is one. */
static char *
number_text (const char *text,
             StyleKind   kind,
             gboolean    date1904)
{
  g_autofree char *copy = g_strstrip (g_strdup (text));
  char *end = NULL;
  double value;

  if (copy[0] == '\0')
    return NULL;
  if (kind == STYLE_NUMBER && is_shortest_decimal (copy))
    return g_steal_pointer (&copy);
  value = g_ascii_strtod (copy, &end);
  if (end == copy || *end != '\0' || !isfinite (value))
    return g_steal_pointer (&copy);
  if (kind != STYLE_NUMBER)
    {
      char *date = serial_to_text (value, kind, date1904);
      if (date != NULL)
        return date;
    }
  return format_number (value);
}

/* A date cell (t="d", written by some tools and by Strict OOXML) holds ISO
 * 8601 text: it is brought to the form dates from serials take. */
static char *
iso_date_text (const char *text,
               StyleKind   kind)
{
  int y, mo, d, h = 0, mi = 0, s = 0, n = 0;

  if (sscanf (text, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 ||
      y < 1 || mo < 1 || mo > 12 || d < 1 || !g_date_valid_dmy ((GDateDay) d, (GDateMonth) mo, (GDateYear) y))
    return g_strdup (text);
  if (text[n] == 'T' || text[n] == ' ')
    if (sscanf (text + n + 1, "%2d:%2d:%2d", &h, &mi, &s) < 2)
      h = mi = s = 0;
  if (h == 0 && mi == 0 && s == 0 && kind != STYLE_DATETIME)
    return g_strdup_printf ("%04d-%02d-%02d", y, mo, d);
  return g_strdup_printf ("%04d-%02d-%02d %02d:%02d:%02d", y, mo, d, h, mi, s);
}

/* The sheet */

typedef enum {
  CELL_NUMBER,
  CELL_SHARED,      /* t="s": an index into the shared strings */
  CELL_INLINE,      /* t="inlineStr" */
  CELL_STRING,      /* t="str": a formula's text result */
  CELL_BOOLEAN,
  CELL_ERROR,
  CELL_DATE,        /* t="d" */
} CellType;

typedef struct {
  guint64    number;   /* the sheet's row number, 1-based */
  GPtrArray *cells;    /* char *, NULL where no value */
  char      *bad;      /* why the row cannot be read, or NULL */
} Row;

static void
row_free (Row *row)
{
  g_ptr_array_unref (row->cells);
  g_free (row->bad);
  g_free (row);
}

static gboolean
is_blank (const char *value)
{
  if (value == NULL)
    return TRUE;
  for (const char *p = value; *p != '\0'; p++)
    if (!g_ascii_isspace (*p))
      return FALSE;
  return TRUE;
}

/* One past the last column of @row, below @limit, with a value that is
 * not blank: 0 when there is none. */
static guint
row_extent (const Row *row,
            guint      limit)
{
  guint n = MIN (row->cells->len, limit);

  while (n > 0 && is_blank (g_ptr_array_index (row->cells, n - 1)))
    n--;
  return n;
}

typedef struct {
  AxReader      parent;
  AxZip          *zip;
  XmlPart      *sheet;
  char         *sheet_name;
  guint64       skip_rows;
  gboolean      at_end;         /* the sheet has been parsed to its end */
  GQueue        rows;           /* Row *, parsed but not handed out */
  char        **values;         /* the current record, n_columns entries */
  GError       *failed;         /* the error that ended the stream */

  /* What cells refer to */
  GStringChunk *string_chunk;
  GPtrArray    *strings;        /* const char *, in string_chunk */
  GArray       *styles;         /* guint8 StyleKind per cell format */
  gboolean      date1904;

  /* Where the parser is in the sheet */
  gboolean      in_data;        /* inside <sheetData> */
  Row          *row;            /* the row being read */
  guint64       last_row;
  guint         width;          /* cells from this column on are dropped */
  gboolean      in_cell;
  guint         col;
  guint         next_col;
  CellType      type;
  guint         style;
  gboolean      in_v;
  gboolean      has_v;
  gboolean      has_is;
  GString      *v;
  RichText      rt;
} AxReaderXlsx;

/* Reads a cell reference's column ("C5" -> 2), or returns -1 if @ref is not
 * a reference within Excel's columns. */
static gint
parse_column (const char *ref)
{
  gint col = 0;
  const char *p = ref;

  for (; g_ascii_isalpha (*p); p++)
    {
      col = col * 26 + (g_ascii_toupper (*p) - 'A' + 1);
      if (col > MAX_COLUMNS)
        return -1;
    }
  if (p == ref || !g_ascii_isdigit (*p))
    return -1;
  return col - 1;
}

/* A cell's name for messages: its column letters and row. */
static char *
cell_name (guint    col,
           guint64  row)
{
  char letters[8];
  guint i = sizeof letters - 1;

  letters[i] = '\0';
  for (guint c = col + 1; c > 0 && i > 0; c = (c - 1) / 26)
    letters[--i] = (char) ('A' + (c - 1) % 26);
  return g_strdup_printf ("%s%" G_GUINT64_FORMAT, letters + i, row);
}

static CellType
cell_type (const char *t)
{
  if (t == NULL || strcmp (t, "n") == 0)
    return CELL_NUMBER;
  if (strcmp (t, "s") == 0)
    return CELL_SHARED;
  if (strcmp (t, "inlineStr") == 0)
    return CELL_INLINE;
  if (strcmp (t, "str") == 0)
    return CELL_STRING;
  if (strcmp (t, "b") == 0)
    return CELL_BOOLEAN;
  if (strcmp (t, "e") == 0)
    return CELL_ERROR;
  if (strcmp (t, "d") == 0)
    return CELL_DATE;
  return CELL_STRING;
}

static StyleKind
style_kind (AxReaderXlsx *self,
            guint         style)
{
  if (self->styles == NULL || style >= self->styles->len)
    return STYLE_NUMBER;
  return (StyleKind) g_array_index (self->styles, guint8, style);
}

/* The text of the cell just read, or NULL for none; a reference to a
 * shared string that does not exist sets @bad instead. */
static char *
cell_value (AxReaderXlsx  *self,
            char         **bad)
{
  guint64 index;

  if (self->has_is && (self->type == CELL_INLINE || self->type == CELL_NUMBER))
    {
      decode_escapes (self->rt.text);
      return g_strdup (self->rt.text->str);
    }
  if (!self->has_v || self->type == CELL_ERROR)
    return NULL;

  /* Indexes and booleans may come pretty-printed, with blanks around. */
  if (self->type == CELL_SHARED || self->type == CELL_BOOLEAN)
    {
      g_strstrip (self->v->str);
      g_string_set_size (self->v, strlen (self->v->str));
    }

  switch (self->type)
    {
    case CELL_SHARED:
      if (!parse_index (self->v->str, G_MAXUINT, &index) || index >= self->strings->len)
        {
          g_autofree char *name = cell_name (self->col, self->row->number);
          *bad = g_strdup_printf (_("Row %" G_GUINT64_FORMAT ", cell %s: refers to shared text “%s”, "
                                    "which the workbook does not have"),
                                  self->row->number, name, self->v->str);
          return NULL;
        }
      return g_strdup (g_ptr_array_index (self->strings, index));
    case CELL_BOOLEAN:
      if (strcmp (self->v->str, "1") == 0)
        return g_strdup ("true");
      if (strcmp (self->v->str, "0") == 0)
        return g_strdup ("false");
      return g_strdup (self->v->str);
    case CELL_DATE:
      return iso_date_text (self->v->str, style_kind (self, self->style));
    case CELL_NUMBER:
      return number_text (self->v->str, style_kind (self, self->style), self->date1904);
    case CELL_INLINE:
    case CELL_STRING:
    case CELL_ERROR:
    default:
      decode_escapes (self->v);
      return g_strdup (self->v->str);
    }
}

static void
row_begin (AxReaderXlsx  *self,
           const char   **names,
           const char   **values)
{
  guint64 number;

  if (!parse_index (find_attr (names, values, "r"), G_MAXUINT32, &number) || number == 0)
    number = self->last_row + 1;
  self->last_row = number;
  g_clear_pointer (&self->row, row_free);
  self->row = g_new0 (Row, 1);
  self->row->number = number;
  self->row->cells = g_ptr_array_new_with_free_func (g_free);
  self->next_col = 0;
}

/* Queues the row just read, unless it is skipped or blank. */
static void
row_end (AxReaderXlsx *self)
{
  Row *row = g_steal_pointer (&self->row);

  if (row->number <= self->skip_rows || (row->bad == NULL && row_extent (row, G_MAXUINT) == 0))
    row_free (row);
  else
    g_queue_push_tail (&self->rows, row);
}

static void
cell_begin (AxReaderXlsx  *self,
            const char   **names,
            const char   **values)
{
  const char *r = find_attr (names, values, "r");
  gint col = r ? parse_column (r) : -1;
  guint64 style = 0;

  self->col = col >= 0 ? (guint) col : self->next_col;
  self->next_col = self->col + 1;
  self->type = cell_type (find_attr (names, values, "t"));
  parse_index (find_attr (names, values, "s"), G_MAXUINT, &style);
  self->style = (guint) style;
  self->in_cell = TRUE;
  self->has_v = FALSE;
  self->has_is = FALSE;
  g_string_truncate (self->v, 0);
  rich_text_reset (&self->rt);
}

static void
cell_end (AxReaderXlsx *self)
{
  Row *row = self->row;
  char *bad = NULL;
  char *value;

  self->in_cell = FALSE;
  if (self->col >= self->width)
    return;
  value = cell_value (self, &bad);
  if (bad != NULL)
    {
      if (row->bad == NULL)
        row->bad = bad;
      else
        g_free (bad);
    }
  if (value == NULL)
    return;
  if (row->cells->len <= self->col)
    g_ptr_array_set_size (row->cells, (gint) self->col + 1);
  g_free (row->cells->pdata[self->col]);
  row->cells->pdata[self->col] = value;
}

static void
sheet_start (GMarkupParseContext  *context,
             const char           *element,
             const char          **names,
             const char          **values,
             gpointer              data,
             GError              **error)
{
  AxReaderXlsx *self = data;
  const char *name = local_name (element);

  if (!self->in_data)
    self->in_data = strcmp (name, "sheetData") == 0;
  else if (strcmp (name, "row") == 0)
    row_begin (self, names, values);
  else if (self->row == NULL)
    return;
  else if (strcmp (name, "c") == 0)
    cell_begin (self, names, values);
  else if (!self->in_cell)
    return;
  else if (strcmp (name, "v") == 0)
    {
      self->in_v = TRUE;
      self->has_v = TRUE;
      g_string_truncate (self->v, 0);
    }
  else if (strcmp (name, "is") == 0)
    self->has_is = TRUE;
  else if (self->has_is)
    rich_text_start (&self->rt, name);
}

static void
sheet_end (GMarkupParseContext  *context,
           const char           *element,
           gpointer              data,
           GError              **error)
{
  AxReaderXlsx *self = data;
  const char *name = local_name (element);

  if (!self->in_data)
    return;
  if (strcmp (name, "sheetData") == 0)
    self->in_data = FALSE;
  else if (self->row == NULL)
    return;
  else if (strcmp (name, "row") == 0)
    row_end (self);
  else if (!self->in_cell)
    return;
  else if (strcmp (name, "c") == 0)
    cell_end (self);
  else if (strcmp (name, "v") == 0)
    self->in_v = FALSE;
  else if (self->has_is)
    rich_text_end (&self->rt, name);
}

static void
sheet_text (GMarkupParseContext  *context,
            const char           *text,
            gsize                 len,
            gpointer              data,
            GError              **error)
{
  AxReaderXlsx *self = data;

  if (!self->in_cell)
    return;
  if (self->in_v)
    g_string_append_len (self->v, text, (gssize) len);
  else if (self->has_is)
    rich_text_add (&self->rt, text, len);
}

static const GMarkupParser sheet_parser = {
  sheet_start,
  sheet_end,
  sheet_text,
  NULL,
  NULL,
};

/* Parses the next block of the sheet, queueing the rows it completes.  An
 * error ends the sheet and is kept in self->failed. */
static void
pump (AxReaderXlsx *self)
{
  int r = -1;

  if (!g_cancellable_set_error_if_cancelled (self->zip->cancellable, &self->failed))
    r = xml_part_pump (self->sheet, &self->failed);
  self->parent.bytes_done = ax_zip_part_get_position (self->sheet->stream);
  self->at_end = r <= 0;
}

/* The reader */

static gboolean
ax_reader_xlsx_next (AxReader      *reader,
                     const char  ***fields,
                     guint64       *line,
                     GError       **error)
{
  AxReaderXlsx *self = (AxReaderXlsx *) reader;

  for (;;)
    {
      Row *row = g_queue_pop_head (&self->rows);

      if (row == NULL)
        {
          /* The rows read before the sheet turned out damaged are handed
           * out first; the damage is reported, every time, after them. */
          if (self->failed != NULL)
            {
              g_propagate_error (error, g_error_copy (self->failed));
              return FALSE;
            }
          if (self->at_end)
            return FALSE;
          pump (self);
          continue;
        }
      if (row->bad != NULL)
        {
          g_set_error_literal (error, AX_SOURCE_ERROR, AX_SOURCE_ERROR_BAD_ROW, row->bad);
          row_free (row);
          return FALSE;
        }
      /* Rows queued before the header was known may have values only
       * beyond its columns. */
      if (row_extent (row, reader->n_columns) == 0)
        {
          row_free (row);
          continue;
        }
      for (guint i = 0; i < reader->n_columns; i++)
        {
          g_free (self->values[i]);
          self->values[i] = i < row->cells->len ? g_steal_pointer (&row->cells->pdata[i]) : NULL;
        }
      *fields = (const char **) self->values;
      *line = row->number;
      row_free (row);
      return TRUE;
    }
}

static void
ax_reader_xlsx_free (AxReader *reader)
{
  AxReaderXlsx *self = (AxReaderXlsx *) reader;

  if (self->values != NULL)
    for (guint i = 0; i < reader->n_columns; i++)
      g_free (self->values[i]);
  g_free (self->values);
  ax_reader_clear (reader);
  g_queue_clear_full (&self->rows, (GDestroyNotify) row_free);
  g_clear_pointer (&self->row, row_free);
  g_clear_pointer (&self->sheet, xml_part_free);
  g_clear_pointer (&self->zip, ax_zip_free);
  g_clear_pointer (&self->string_chunk, g_string_chunk_free);
  g_clear_pointer (&self->strings, g_ptr_array_unref);
  g_clear_pointer (&self->styles, g_array_unref);
  g_string_free (self->v, TRUE);
  g_string_free (self->rt.text, TRUE);
  g_clear_error (&self->failed);
  g_free (self->sheet_name);
  g_free (self);
}

static const AxReaderVTable xlsx_vtable = {
  ax_reader_xlsx_next,
  ax_reader_xlsx_free,
};

/* Finds the workbook part through the package's relationships, as the
 * format says, falling back to where every writer puts it. */
static char *
find_workbook (AxZip     *zip,
               GError **error)
{
  g_autoptr(Rels) rels = rels_read (zip, "", error);
  const char *part;

  if (rels == NULL)
    return NULL;
  part = g_hash_table_lookup (rels->by_type, "officeDocument");
  if (part != NULL && ax_zip_find (zip, part) != NULL)
    return g_strdup (part);
  if (ax_zip_find (zip, "xl/workbook.xml") != NULL)
    return g_strdup ("xl/workbook.xml");

  if (ax_zip_find (zip, "content.xml") != NULL && ax_zip_find (zip, "mimetype") != NULL)
    g_set_error (error, AX_SOURCE_ERROR, AX_SOURCE_ERROR_UNKNOWN_FORMAT,
                 _("“%s” is not an Excel workbook (XLSX) but an OpenDocument file; save it as .xlsx"),
                 zip->display);
  else
    g_set_error (error, AX_SOURCE_ERROR, AX_SOURCE_ERROR_UNKNOWN_FORMAT,
                 _("“%s” is not an Excel workbook (XLSX): the ZIP archive has no xl/workbook.xml"),
                 zip->display);
  return NULL;
}

/* The index of the sheet called @name: exactly, else ignoring case, as
 * Excel does. */
static gint
find_sheet (GPtrArray  *names,
            const char *name)
{
  g_autofree char *folded = g_utf8_casefold (name, -1);

  for (guint i = 0; i < names->len; i++)
    if (strcmp (g_ptr_array_index (names, i), name) == 0)
      return (gint) i;
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *other = g_utf8_casefold (g_ptr_array_index (names, i), -1);
      if (strcmp (other, folded) == 0)
        return (gint) i;
    }
  return -1;
}

static void
set_no_sheet (GPtrArray   *names,
              const char  *name,
              GError     **error)
{
  g_autoptr(GString) list = g_string_new (NULL);

  for (guint i = 0; i < names->len; i++)
    g_string_append_printf (list, "%s“%s”", i > 0 ? ", " : "", (char *) g_ptr_array_index (names, i));
  g_set_error (error, AX_SOURCE_ERROR, AX_SOURCE_ERROR_NO_SHEET,
               _("Sheet “%s” does not exist; the workbook has %s"), name, list->str);
}

/* Reads the workbook, its relationships, styles and shared strings, and
 * picks the sheet: sets self->sheet_name and returns the sheet's part. */
static char *
open_workbook (AxReaderXlsx         *self,
               const AxReadOptions  *options,
               GError              **error)
{
  static const GMarkupParser workbook_parser = { workbook_start, NULL, NULL, NULL, NULL };
  static const GMarkupParser strings_parser = { strings_start, strings_end, strings_text, NULL, NULL };
  AxReader *reader = (AxReader *) self;
  AxZip *zip = self->zip;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  Workbook wb = { names, ids, FALSE };
  g_autofree char *workbook = NULL;
  g_autoptr(Rels) rels = NULL;
  const char *part;
  gint index = 0;

  workbook = find_workbook (zip, error);
  if (workbook == NULL || !parse_part (zip, workbook, &workbook_parser, &wb, error))
    return NULL;
  if (names->len == 0)
    {
      g_set_error (error, AX_SOURCE_ERROR, AX_SOURCE_ERROR_EMPTY,
                   _("“%s” has no sheets"), zip->display);
      return NULL;
    }
  self->date1904 = wb.date1904;
  reader->sheets = g_new0 (char *, names->len + 1);
  for (guint i = 0; i < names->len; i++)
    reader->sheets[i] = g_strdup (g_ptr_array_index (names, i));

  if (options->sheet != NULL && (index = find_sheet (names, options->sheet)) < 0)
    {
      set_no_sheet (names, options->sheet, error);
      return NULL;
    }
  self->sheet_name = g_strdup (g_ptr_array_index (names, index));

  rels = rels_read (zip, workbook, error);
  if (rels == NULL)
    return NULL;
  part = g_hash_table_lookup (rels->targets, g_ptr_array_index (ids, index));
  if (part == NULL || ax_zip_find (zip, part) == NULL)
    {
      g_set_error (error, AX_SOURCE_ERROR, AX_SOURCE_ERROR_MALFORMED,
                   _("“%s” is damaged: the part holding sheet “%s” is missing"),
                   zip->display, self->sheet_name);
      return NULL;
    }

  {
    const char *styles = g_hash_table_lookup (rels->by_type, "styles");

    if (styles != NULL && ax_zip_find (zip, styles) != NULL &&
        (self->styles = styles_read (zip, styles, error)) == NULL)
      return NULL;
  }
  {
    const char *shared = g_hash_table_lookup (rels->by_type, "sharedStrings");
    Strings ss = { 0 };

    self->string_chunk = g_string_chunk_new (64 * 1024);
    self->strings = g_ptr_array_new ();
    ss.chunk = self->string_chunk;
    ss.items = self->strings;
    ss.rt.text = g_string_new (NULL);
    if (shared != NULL && ax_zip_find (zip, shared) != NULL &&
        !parse_part (zip, shared, &strings_parser, &ss, error))
      {
        g_string_free (ss.rt.text, TRUE);
        return NULL;
      }
    g_string_free (ss.rt.text, TRUE);
  }
  return g_strdup (part);
}

AxReader *
ax_reader_xlsx_new (GFile                *file,
                    const AxReadOptions  *options,
                    GCancellable         *cancellable,
                    GError              **error)
{
  AxReaderXlsx *self = g_new0 (AxReaderXlsx, 1);
  g_autoptr(AxReader) reader = (AxReader *) self;
  g_autofree char *part = NULL;
  Row *first;
  guint n;

  reader->vtable = &xlsx_vtable;
  reader->format = AX_FORMAT_XLSX;
  reader->encoding = AX_ENCODING_UTF8;
  g_queue_init (&self->rows);
  self->v = g_string_new (NULL);
  self->rt.text = g_string_new (NULL);
  self->skip_rows = options->skip_rows;
  self->width = MAX_COLUMNS;

  self->zip = ax_zip_open (file, cancellable, error);
  if (self->zip == NULL)
    return NULL;
  part = open_workbook (self, options, error);
  if (part == NULL)
    return NULL;
  self->sheet = xml_part_open (self->zip, part, &sheet_parser, self, error);
  if (self->sheet == NULL)
    return NULL;
  reader->bytes_total = self->sheet->stream->entry->compressed;

  /* Read as far as the first row kept: the header, or the first record. */
  while (g_queue_is_empty (&self->rows) && !self->at_end)
    pump (self);
  first = g_queue_peek_head (&self->rows);
  if (first == NULL && self->failed != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&self->failed));
      return NULL;
    }
  if (first == NULL)
    {
      g_set_error (error, AX_SOURCE_ERROR, AX_SOURCE_ERROR_EMPTY,
                   _("The sheet “%s” is empty: it has no header and no rows"), self->sheet_name);
      return NULL;
    }
  if (first->bad != NULL)
    {
      g_set_error_literal (error, AX_SOURCE_ERROR, AX_SOURCE_ERROR_MALFORMED, first->bad);
      return NULL;
    }

  n = row_extent (first, G_MAXUINT);
  if (options->no_header)
    {
      g_autofree char **none = g_new0 (char *, n + 1);
      ax_reader_set_names (reader, none, n);
    }
  else
    {
      g_queue_pop_head (&self->rows);
      ax_reader_set_names (reader, (char **) first->cells->pdata, n);
      row_free (first);
    }
  self->width = n;
  self->values = g_new0 (char *, n);
  return g_steal_pointer (&reader);
}
