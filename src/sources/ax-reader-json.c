/* ax-reader-json.c — JSON arrays of objects, and NDJSON
 *
 * Neither kind of file is loaded whole.  A byte scanner walks the text in
 * blocks and cuts out one record at a time — a top-level object of the array,
 * or one line of NDJSON — and only that text goes through json-glib, so memory
 * stays bounded by the largest record whatever the size of the file.
 *
 * Columns are the union of the keys of all records in order of first
 * appearance, with nested objects flattened to dotted names ("address.city").
 * The header must be known before the first record is handed out, so opening
 * the reader makes a first pass over the whole file for keys only, and
 * records are then read in a second pass from the start.
 */

#include "ax-config.h"
#include "ax-reader.h"
#include "ax-text-input.h"
#include "ax-types.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>

#define BLOCK_SIZE (256 * 1024)

/* Where the scanner of a JSON array is, between records. */
typedef enum {
  AT_START,       /* before the opening "[" */
  AT_FIRST,       /* after "[": an object or "]" */
  AT_ITEM,        /* after ",": an object */
  AT_SEPARATOR,   /* after an object: "," or "]" */
  AT_END,         /* after "]": only white space may follow */
} ScanState;

typedef enum {
  SCAN_RECORD,    /* text holds one record */
  SCAN_END,       /* no more records */
  SCAN_ERROR,     /* @error is set */
} ScanResult;

typedef struct {
  AxTextInput  *input;
  GCancellable *cancellable;
  gboolean      ndjson;
  char         *block;
  gsize         block_len;
  gsize         block_pos;
  gboolean      eof;
  guint64       position;      /* of the file, after the last block read */
  guint64       line;          /* of the next byte, 1-based */
  guint64       column;        /* of the next character, 1-based */
  ScanState     state;         /* JSON only */
  guint         n_items;       /* JSON: array items met so far */
  GString      *text;          /* the current record */
  GString      *stack;         /* JSON: brackets open in the current record */
  guint64       start_line;    /* where the current record starts */
  guint64       start_column;
} Scanner;

typedef struct {
  AxReader      parent;
  Scanner      *scanner;       /* the second pass, over the records */
  JsonParser   *parser;
  GPtrArray    *keys;          /* raw flattened keys, in column order */
  GHashTable   *columns;       /* key (owned by keys) -> column index + 1 */
  char        **values;        /* the current record, n_columns entries */
  GString      *name;          /* scratch for dotted names */
  GError       *failed;        /* the error that ended the stream */
} AxReaderJson;

/* Scanning */

static void
scanner_free (Scanner *sc)
{
  if (sc == NULL)
    return;
  g_clear_pointer (&sc->input, ax_text_input_free);
  g_clear_object (&sc->cancellable);
  g_free (sc->block);
  g_string_free (sc->text, TRUE);
  g_string_free (sc->stack, TRUE);
  g_free (sc);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Scanner, scanner_free)

/* Opens @file for one pass from its first byte. */
static Scanner *
scanner_open (GFile         *file,
              gboolean       ndjson,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autoptr(Scanner) sc = g_new0 (Scanner, 1);

  sc->text = g_string_sized_new (4096);
  sc->stack = g_string_new (NULL);
  sc->ndjson = ndjson;
  sc->line = 1;
  sc->column = 1;
  sc->state = AT_START;
  sc->cancellable = cancellable ? g_object_ref (cancellable) : NULL;
  sc->input = ax_text_input_open (file, cancellable, error);
  if (sc->input == NULL)
    return NULL;
  sc->block = g_malloc (BLOCK_SIZE);
  return g_steal_pointer (&sc);
}

/* Makes sure a byte is waiting in the block: returns 1, or 0 at the end of
 * the file, or -1 with @error set. */
static int
fill (Scanner  *sc,
      GError  **error)
{
  gssize n;

  if (sc->block_pos < sc->block_len)
    return 1;
  if (sc->eof)
    return 0;
  n = ax_text_input_read (sc->input, sc->block, BLOCK_SIZE, sc->cancellable, error);
  if (n < 0)
    return -1;
  sc->block_len = (gsize) n;
  sc->block_pos = 0;
  /* Asking the file once per block rather than once per record saves a
   * system call per record. */
  sc->position = ax_text_input_get_position (sc->input);
  if (n == 0)
    sc->eof = TRUE;
  return n > 0;
}

/* Moves the line and column past byte @c.  Columns count characters, so
 * the continuation bytes of a UTF-8 sequence do not move them. */
static inline void
advance (Scanner *sc,
         char     c)
{
  if (c == '\n')
    {
      sc->line++;
      sc->column = 1;
    }
  else if (((guchar) c & 0xC0) != 0x80)
    sc->column++;
}

/* Skips JSON white space: returns 1 with a byte waiting, 0 at the end of
 * the file, -1 on error. */
static int
skip_space (Scanner  *sc,
            GError  **error)
{
  for (;;)
    {
      int r = fill (sc, error);
      char c;

      if (r <= 0)
        return r;
      c = sc->block[sc->block_pos];
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
        return 1;
      advance (sc, c);
      sc->block_pos++;
    }
}

/* Consumes the byte waiting in the block. */
static void
take (Scanner *sc)
{
  advance (sc, sc->block[sc->block_pos]);
  sc->block_pos++;
}

/* Reads the object that starts at the waiting "{" into sc->text, through its
 * closing brace.  Brackets are matched on a stack rather than counted: a
 * stray "]" or "}" then ends the text where json-glib will report it, instead
 * of letting the object run on into the following ones. */
static gboolean
scan_object (Scanner  *sc,
             GError  **error)
{
  gboolean in_string = FALSE;
  gboolean escaped = FALSE;

  g_string_truncate (sc->text, 0);
  g_string_truncate (sc->stack, 0);
  sc->start_line = sc->line;
  sc->start_column = sc->column;

  for (;;)
    {
      int r = fill (sc, error);
      gboolean done = FALSE;

      if (r < 0)
        return FALSE;
      if (r == 0)
        {
          g_set_error (error, AX_SOURCE_ERROR, AX_SOURCE_ERROR_MALFORMED,
                       _("Line %" G_GUINT64_FORMAT ": the file ends inside the object that starts here; it may be truncated"),
                       sc->start_line);
          return FALSE;
        }

      const char *s = sc->block + sc->block_pos;
      const char *end = sc->block + sc->block_len;
      const char *p = s;

      while (p < end && !done)
        {
          char c = *p++;

          advance (sc, c);
          if (in_string)
            {
              if (escaped)
                escaped = FALSE;
              else if (c == '\\')
                escaped = TRUE;
              else if (c == '"')
                in_string = FALSE;
              continue;
            }
          switch (c)
            {
            case '"':
              in_string = TRUE;
              break;
            case '{':
            case '[':
              g_string_append_c (sc->stack, c);
              break;
            case '}':
            case ']':
              if (sc->stack->str[sc->stack->len - 1] != (c == '}' ? '{' : '['))
                done = TRUE;   /* mismatched: let json-glib say so */
              else
                {
                  g_string_truncate (sc->stack, sc->stack->len - 1);
                  done = sc->stack->len == 0;
                }
              break;
            default:
              break;
            }
        }
      g_string_append_len (sc->text, s, p - s);
      sc->block_pos = (gsize) (p - sc->block);
      if (done)
        return TRUE;
    }
}

/* Reads the next line into sc->text without its line break.  Returns 1, or 0
 * at the end of the file, or -1 on error. */
static int
scan_line (Scanner  *sc,
           GError  **error)
{
  gboolean any = FALSE;

  g_string_truncate (sc->text, 0);
  sc->start_line = sc->line;
  sc->start_column = 1;

  for (;;)
    {
      int r = fill (sc, error);

      if (r <= 0)
        return r < 0 ? -1 : any;

      const char *p = sc->block + sc->block_pos;
      gsize avail = sc->block_len - sc->block_pos;
      const char *nl = memchr (p, '\n', avail);
      gsize n = nl ? (gsize) (nl - p) : avail;

      g_string_append_len (sc->text, p, (gssize) n);
      sc->block_pos += nl ? n + 1 : n;
      any = TRUE;
      if (nl)
        {
          sc->line++;
          if (sc->text->len > 0 && sc->text->str[sc->text->len - 1] == '\r')
            g_string_truncate (sc->text, sc->text->len - 1);
          return 1;
        }
    }
}

static gboolean
is_blank (const GString *text)
{
  for (gsize i = 0; i < text->len; i++)
    if (!g_ascii_isspace (text->str[i]))
      return FALSE;
  return TRUE;
}

static void
set_not_array (Scanner  *sc,
               GError  **error)
{
  g_set_error (error, AX_SOURCE_ERROR, AX_SOURCE_ERROR_MALFORMED,
               _("Line %" G_GUINT64_FORMAT ", column %" G_GUINT64_FORMAT ": the file must be a JSON array of objects"),
               sc->line, sc->column);
}

/* The JSON array's grammar between records: "[", objects separated by
 * commas, "]", then nothing but white space. */
static ScanResult
scan_next_json (Scanner  *sc,
                GError  **error)
{
  for (;;)
    {
      int r = skip_space (sc, error);
      char c;

      if (r < 0)
        return SCAN_ERROR;
      if (r == 0)
        {
          /* An empty file has no records; the caller says so. */
          if (sc->state == AT_START || sc->state == AT_END)
            return SCAN_END;
          g_set_error (error, AX_SOURCE_ERROR, AX_SOURCE_ERROR_MALFORMED,
                       _("Line %" G_GUINT64_FORMAT ": the file ends before the array is closed; it may be truncated"),
                       sc->line);
          return SCAN_ERROR;
        }

      c = sc->block[sc->block_pos];
      switch (sc->state)
        {
        case AT_START:
          if (c != '[')
            {
              set_not_array (sc, error);
              return SCAN_ERROR;
            }
          take (sc);
          sc->state = AT_FIRST;
          break;

        case AT_FIRST:
        case AT_ITEM:
          if (c == '{')
            {
              sc->n_items++;
              if (!scan_object (sc, error))
                return SCAN_ERROR;
              sc->state = AT_SEPARATOR;
              return SCAN_RECORD;
            }
          if (c == ']' && sc->state == AT_FIRST)
            {
              take (sc);
              sc->state = AT_END;
              break;
            }
          if (c == ']')
            g_set_error (error, AX_SOURCE_ERROR, AX_SOURCE_ERROR_MALFORMED,
                         _("Line %" G_GUINT64_FORMAT ", column %" G_GUINT64_FORMAT ": a comma is followed by the end of the array"),
                         sc->line, sc->column);
          else
            g_set_error (error, AX_SOURCE_ERROR, AX_SOURCE_ERROR_MALFORMED,
                         _("Line %" G_GUINT64_FORMAT ", column %" G_GUINT64_FORMAT ": the file must be a JSON array of objects, but item %u is not an object"),
                         sc->line, sc->column, sc->n_items + 1);
          return SCAN_ERROR;

        case AT_SEPARATOR:
          if (c != ',' && c != ']')
            {
              g_set_error (error, AX_SOURCE_ERROR, AX_SOURCE_ERROR_MALFORMED,
                           _("Line %" G_GUINT64_FORMAT ", column %" G_GUINT64_FORMAT ": expected “,” or “]” after the object that starts on line %" G_GUINT64_FORMAT),
                           sc->line, sc->column, sc->start_line);
              return SCAN_ERROR;
            }
          take (sc);
          sc->state = c == ',' ? AT_ITEM : AT_END;
          break;

        case AT_END:
        default:
          g_set_error (error, AX_SOURCE_ERROR, AX_SOURCE_ERROR_MALFORMED,
                       _("Line %" G_GUINT64_FORMAT ", column %" G_GUINT64_FORMAT ": there is more text after the end of the array"),
                       sc->line, sc->column);
          return SCAN_ERROR;
        }
    }
}

/* Cuts out the next record's text into sc->text, with where it starts.
 * NDJSON goes by lines rather than by brackets so that a broken line costs
 * that line only and reading resumes with the next one. */
static ScanResult
scanner_next (Scanner  *sc,
              GError  **error)
{
  if (g_cancellable_set_error_if_cancelled (sc->cancellable, error))
    return SCAN_ERROR;
  if (!sc->ndjson)
    return scan_next_json (sc, error);

  for (;;)
    {
      int r = scan_line (sc, error);

      if (r < 0)
        return SCAN_ERROR;
      if (r == 0)
        return SCAN_END;
      if (!is_blank (sc->text))
        return SCAN_RECORD;
    }
}

/* Parsing */

/* TRUE for an integer literal (an optional "-" and @len digits in all) that
 * json-glib would misread: GScanner wraps values beyond 64 bits without a
 * word (18446744073709551616 comes back as -1) and reads a leading zero as
 * octal (0012 comes back as 10). */
static gboolean
integer_misread (const char *s,
                 gsize       len)
{
  gboolean negative = s[0] == '-';
  const char *digits = s + negative;
  gsize n = len - negative;

  if (n > 1 && digits[0] == '0')
    return TRUE;
  if (n != 19)
    return n > 19;
  return strncmp (digits, negative ? "9223372036854775808" : "9223372036854775807", 19) > 0;
}

static inline gboolean
is_number_char (char c)
{
  return g_ascii_isdigit (c) || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-';
}

/* Turns the integer literals that json-glib would misread into strings, so
 * that their fields keep the digits as written.  Leaves @text alone (and
 * costs one pass) when there are none, which is nearly always. */
static void
quote_misread_integers (GString *text)
{
  g_autoptr(GString) out = NULL;
  gboolean in_string = FALSE;
  gboolean escaped = FALSE;
  gsize copied = 0;

  for (gsize i = 0; i < text->len; i++)
    {
      char c = text->str[i];
      gsize j;

      if (in_string)
        {
          if (escaped)
            escaped = FALSE;
          else if (c == '\\')
            escaped = TRUE;
          else if (c == '"')
            in_string = FALSE;
          continue;
        }
      if (c == '"')
        {
          in_string = TRUE;
          continue;
        }
      if (c != '-' && !g_ascii_isdigit (c))
        continue;

      /* Take the whole number, fraction and exponent included: the digits
       * after "." or "e" are no integer of their own. */
      for (j = i + 1; j < text->len && g_ascii_isdigit (text->str[j]); j++)
        ;
      gsize int_end = j;
      while (j < text->len && is_number_char (text->str[j]))
        j++;
      if (j == int_end && integer_misread (text->str + i, j - i))
        {
          if (out == NULL)
            out = g_string_sized_new (text->len + 16);
          g_string_append_len (out, text->str + copied, (gssize) (i - copied));
          g_string_append_c (out, '"');
          g_string_append_len (out, text->str + i, (gssize) (j - i));
          g_string_append_c (out, '"');
          copied = j;
        }
      i = j - 1;
    }

  if (out != NULL)
    {
      g_string_append_len (out, text->str + copied, (gssize) (text->len - copied));
      g_string_truncate (text, 0);
      g_string_append_len (text, out->str, (gssize) out->len);
    }
}

/* Rewrites json-glib's "<data>:LINE:POS: Parse error: what" as "Line L,
 * column C: not valid JSON: what" with L and C in the file rather than in the
 * record's text.  json-glib counts bytes along the line; the file's columns
 * count characters.  A message of another shape is kept whole. */
static char *
describe_parse_error (const Scanner *sc,
                      const char    *message)
{
  static const char prefix[] = "Parse error: ";
  guint err_line = 0, err_pos = 0;
  int consumed = 0;

  if (sscanf (message, "<data>:%u:%u: %n", &err_line, &err_pos, &consumed) < 2 ||
      consumed == 0 || err_line == 0)
    return g_strdup_printf (_("Line %" G_GUINT64_FORMAT ": not valid JSON: %s"),
                            sc->start_line, message);

  const char *what = message + consumed;
  if (g_str_has_prefix (what, prefix))
    what += strlen (prefix);

  /* Find the error's line in the record's text. */
  const char *s = sc->text->str;
  const char *end = sc->text->str + sc->text->len;
  for (guint l = 1; l < err_line && s < end; l++)
    {
      const char *nl = memchr (s, '\n', (gsize) (end - s));
      s = nl ? nl + 1 : end;
    }
  const char *eol = memchr (s, '\n', (gsize) (end - s));
  gsize line_len = (gsize) ((eol ? eol : end) - s);
  glong chars = g_utf8_strlen (s, (gssize) MIN ((gsize) MAX (err_pos, 1), line_len));
  guint64 column = (err_line == 1 ? sc->start_column - 1 : 0) + (guint64) MAX (chars, 1);

  return g_strdup_printf (_("Line %" G_GUINT64_FORMAT ", column %" G_GUINT64_FORMAT ": not valid JSON: %s"),
                          sc->start_line + err_line - 1, column, what);
}

/* Parses the record in sc->text.  Returns its object, owned by @parser and
 * valid until the next parse, or NULL with @error set: AX_SOURCE_ERROR_BAD_ROW
 * for NDJSON, where the next line may be fine, else AX_SOURCE_ERROR_MALFORMED. */
static JsonObject *
parse_record (JsonParser  *parser,
              Scanner     *sc,
              GError     **error)
{
  int code = sc->ndjson ? AX_SOURCE_ERROR_BAD_ROW : AX_SOURCE_ERROR_MALFORMED;
  g_autoptr(GError) local = NULL;
  JsonNode *root;

  /* The encoding is judged on the file's first block; a stray Latin-1 byte
   * further on would make json-glib refuse the whole record. */
  ax_text_repair_utf8 (sc->text);
  quote_misread_integers (sc->text);

  if (!json_parser_load_from_data (parser, sc->text->str, (gssize) sc->text->len, &local))
    {
      g_autofree char *message = describe_parse_error (sc, local->message);
      g_set_error_literal (error, AX_SOURCE_ERROR, code, message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, AX_SOURCE_ERROR, code,
                   _("Line %" G_GUINT64_FORMAT ": not a JSON object"), sc->start_line);
      return NULL;
    }
  return json_node_get_object (root);
}

typedef void (*LeafFunc) (AxReaderJson *self,
                          const char   *name,
                          JsonNode     *node);

/* Calls @func for each value of @object that becomes a field, under its
 * dotted name: nested objects are walked into, anything else (arrays
 * included) is a leaf.  self->name holds the prefix and is restored. */
static void
walk_object (AxReaderJson *self,
             JsonObject   *object,
             LeafFunc      func)
{
  gsize len = self->name->len;
  JsonObjectIter iter;
  const char *key;
  JsonNode *node;

  json_object_iter_init_ordered (&iter, object);
  while (json_object_iter_next_ordered (&iter, &key, &node))
    {
      g_string_truncate (self->name, len);
      if (len > 0)
        g_string_append_c (self->name, '.');
      g_string_append (self->name, key);
      if (JSON_NODE_HOLDS_OBJECT (node))
        walk_object (self, json_node_get_object (node), func);
      else
        func (self, self->name->str, node);
    }
  g_string_truncate (self->name, len);
}

/* Appends the shortest of %.15g, %.16g and %.17g that reads back as the same
 * double, so 0.1 stays "0.1" where g_ascii_dtostr() would give
 * 0.10000000000000001.  An integral value keeps a ".0": it was written as a
 * real, and type inference should see it as one. */
static void
append_real (GString *out,
             double   value)
{
  static const char *const formats[] = { "%.15g", "%.16g", "%.17g" };
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_ascii_formatd (buf, sizeof buf, formats[i], value);
      if (g_ascii_strtod (buf, NULL) == value)
        break;
    }
  g_string_append (out, buf);
  if (strspn (buf, "-0123456789") == strlen (buf))
    g_string_append (out, ".0");
}

/* Appends @node as compact JSON text.  This is json_to_string() but for
 * reals, which it always writes with 17 digits ([0.1] would come out as
 * [0.10000000000000001]); the fields of an array should read like the
 * fields of a column. */
static void
append_json (GString  *out,
             JsonNode *node)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_NULL:
      g_string_append (out, "null");
      return;

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        guint n = json_array_get_length (array);

        g_string_append_c (out, '[');
        for (guint i = 0; i < n; i++)
          {
            if (i > 0)
              g_string_append_c (out, ',');
            append_json (out, json_array_get_element (array, i));
          }
        g_string_append_c (out, ']');
        return;
      }

    case JSON_NODE_OBJECT:
      {
        JsonObjectIter iter;
        const char *key;
        JsonNode *member;
        gboolean first = TRUE;

        g_string_append_c (out, '{');
        json_object_iter_init_ordered (&iter, json_node_get_object (node));
        while (json_object_iter_next_ordered (&iter, &key, &member))
          {
            if (!first)
              g_string_append_c (out, ',');
            first = FALSE;
            ax_append_json_string (out, key);
            g_string_append_c (out, ':');
            append_json (out, member);
          }
        g_string_append_c (out, '}');
        return;
      }

    case JSON_NODE_VALUE:
    default:
      break;
    }

  GType type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64)
    g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
  else if (type == G_TYPE_DOUBLE)
    append_real (out, json_node_get_double (node));
  else if (type == G_TYPE_BOOLEAN)
    g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
  else
    ax_append_json_string (out, json_node_get_string (node));
}

/* A leaf's field text: a string as it is, a null as NULL (missing), anything
 * else as its JSON text — numbers and booleans as written, arrays whole. */
static char *
node_to_text (JsonNode *node)
{
  GString *out;

  if (JSON_NODE_HOLDS_NULL (node))
    return NULL;
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (node));
  out = g_string_new (NULL);
  append_json (out, node);
  return g_string_free (out, FALSE);
}

static void
add_key (AxReaderJson *self,
         const char   *name,
         JsonNode     *node G_GNUC_UNUSED)
{
  char *key;

  if (g_hash_table_contains (self->columns, name))
    return;
  key = g_strdup (name);
  g_ptr_array_add (self->keys, key);
  g_hash_table_insert (self->columns, key, GUINT_TO_POINTER (self->keys->len));
}

static void
set_value (AxReaderJson *self,
           const char   *name,
           JsonNode     *node)
{
  guint index = GPOINTER_TO_UINT (g_hash_table_lookup (self->columns, name));

  /* A key the first pass did not see means the file changed in between:
   * its value has no column to go to. */
  if (index == 0)
    return;
  g_free (self->values[index - 1]);
  self->values[index - 1] = node_to_text (node);
}

/* The reader */

static gboolean
ax_reader_json_next (AxReader      *reader,
                     const char  ***fields,
                     guint64       *line,
                     GError       **error)
{
  AxReaderJson *self = (AxReaderJson *) reader;
  Scanner *sc = self->scanner;
  GError *local = NULL;
  JsonObject *object;

  if (self->failed != NULL)
    {
      g_propagate_error (error, g_error_copy (self->failed));
      return FALSE;
    }
  for (guint i = 0; i < reader->n_columns; i++)
    g_clear_pointer (&self->values[i], g_free);

  switch (scanner_next (sc, &local))
    {
    case SCAN_END:
      reader->bytes_done = sc->position;
      return FALSE;
    case SCAN_ERROR:
      self->failed = g_error_copy (local);
      g_propagate_error (error, local);
      return FALSE;
    case SCAN_RECORD:
    default:
      break;
    }

  reader->bytes_done = sc->position;
  *line = sc->start_line;
  object = parse_record (self->parser, sc, &local);
  if (object == NULL)
    {
      if (!g_error_matches (local, AX_SOURCE_ERROR, AX_SOURCE_ERROR_BAD_ROW))
        self->failed = g_error_copy (local);
      g_propagate_error (error, local);
      return FALSE;
    }
  walk_object (self, object, set_value);
  *fields = (const char **) self->values;
  return TRUE;
}

static void
ax_reader_json_free (AxReader *reader)
{
  AxReaderJson *self = (AxReaderJson *) reader;

  if (self->values != NULL)
    for (guint i = 0; i < reader->n_columns; i++)
      g_free (self->values[i]);
  g_free (self->values);
  ax_reader_clear (reader);
  g_clear_pointer (&self->scanner, scanner_free);
  g_clear_object (&self->parser);
  g_clear_pointer (&self->columns, g_hash_table_unref);
  g_clear_pointer (&self->keys, g_ptr_array_unref);
  g_string_free (self->name, TRUE);
  g_clear_error (&self->failed);
  g_free (self);
}

static const AxReaderVTable json_vtable = {
  ax_reader_json_next,
  ax_reader_json_free,
};

/* The first pass: reads every record for its keys only.  Fails on anything
 * that would end the second pass too, so a broken JSON array is reported when
 * the file is opened; NDJSON's bad lines are left for next() to report. */
static gboolean
collect_keys (AxReaderJson  *self,
              GFile         *file,
              gboolean       ndjson,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autoptr(Scanner) sc = scanner_open (file, ndjson, cancellable, error);
  g_autoptr(GError) first_bad = NULL;
  guint64 n_records = 0;

  if (sc == NULL)
    return FALSE;

  for (;;)
    {
      GError *local = NULL;
      JsonObject *object;
      ScanResult r = scanner_next (sc, error);

      if (r == SCAN_ERROR)
        return FALSE;
      if (r == SCAN_END)
        break;
      object = parse_record (self->parser, sc, &local);
      if (object == NULL)
        {
          if (!g_error_matches (local, AX_SOURCE_ERROR, AX_SOURCE_ERROR_BAD_ROW))
            {
              g_propagate_error (error, local);
              return FALSE;
            }
          if (first_bad == NULL)
            first_bad = local;
          else
            g_error_free (local);
          continue;
        }
      n_records++;
      walk_object (self, object, add_key);
    }

  if (self->keys->len > 0)
    return TRUE;
  /* Not one good line: most likely not NDJSON at all, and the first bad
   * line says more about that than "no records" would. */
  if (first_bad != NULL)
    g_set_error_literal (error, AX_SOURCE_ERROR, AX_SOURCE_ERROR_MALFORMED, first_bad->message);
  else if (n_records == 0)
    g_set_error_literal (error, AX_SOURCE_ERROR, AX_SOURCE_ERROR_EMPTY,
                         _("The file holds no records"));
  else
    g_set_error_literal (error, AX_SOURCE_ERROR, AX_SOURCE_ERROR_EMPTY,
                         _("The file’s records have no fields"));
  return FALSE;
}

AxReader *
ax_reader_json_new (GFile                *file,
                    const AxReadOptions  *options G_GNUC_UNUSED,
                    gboolean              ndjson,
                    GCancellable         *cancellable,
                    GError              **error)
{
  AxReaderJson *self = g_new0 (AxReaderJson, 1);
  g_autoptr(AxReader) reader = (AxReader *) self;

  reader->vtable = &json_vtable;
  reader->format = ndjson ? AX_FORMAT_NDJSON : AX_FORMAT_JSON;
  self->parser = json_parser_new_immutable ();
  self->keys = g_ptr_array_new_with_free_func (g_free);
  self->columns = g_hash_table_new (g_str_hash, g_str_equal);
  self->name = g_string_new (NULL);

  if (!collect_keys (self, file, ndjson, cancellable, error))
    return NULL;

  self->scanner = scanner_open (file, ndjson, cancellable, error);
  if (self->scanner == NULL)
    return NULL;
  reader->encoding = ax_text_input_get_encoding (self->scanner->input);
  reader->bytes_total = ax_text_input_get_size (self->scanner->input);
  reader->bytes_done = ax_text_input_get_position (self->scanner->input);
  ax_reader_set_names (reader, (char **) self->keys->pdata, self->keys->len);
  self->values = g_new0 (char *, reader->n_columns);
  return g_steal_pointer (&reader);
}
