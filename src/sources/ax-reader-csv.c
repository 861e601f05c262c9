/* ax-reader-csv.c — delimited text: CSV, TSV, semicolon and pipe
 *
 * RFC 4180 with the usual liberties: any of , ; TAB | as the delimiter
 * (sniffed from the first block when not given), CRLF or LF line ends,
 * quoted fields with doubled quotes and embedded line breaks, blank lines
 * ignored.  Reading is a state machine over 1 MiB blocks that unquotes and
 * splits each record where it lies (no copy of the fields), so memory stays
 * bounded by the longest record, whatever the file's size.
 */

#include "ax-config.h"
#include "ax-reader.h"
#include "ax-text-input.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#define BLOCK_SIZE (1024 * 1024)

typedef struct {
  AxReader     parent;
  AxTextInput *input;
  GCancellable *cancellable;
  /* The input, read a block at a time.  Records are parsed in place: each
   * field is unquoted where it lies and ends with a NUL written over its
   * delimiter, so a field handed out points into buf.  buf holds cap bytes
   * plus one for a sentinel after the last byte read. */
  char        *buf;
  gsize        cap;
  gsize        len;          /* bytes in buf */
  gsize        pos;          /* where the next record starts */
  gsize        rec;          /* where the current record starts */
  gsize        valid_end;    /* input bytes before it are known UTF-8 (from
                              * the current record's start at least) */
  gboolean     rec_valid;    /* the current record is all UTF-8 */
  gboolean     eof;
  guint64      line;         /* current physical line, 1-based */
  gsize       *offs;         /* field starts, from rec */
  guint        n_fields;
  guint        offs_size;
  const char **fields;       /* n_columns pointers handed out */
  guint        fields_len;
  GString     *fix;          /* for re-encoding a stray Windows-1252 field */
  GPtrArray   *fixed;        /* repaired fields of the current record */
  guint8       special[256]; /* bytes that stop an unquoted run */
} AxReaderCsv;

/* Moves valid_end forward over the input from @from (where a record
 * starts, or where validating last stopped) as far as it is UTF-8.  A
 * character cut at the end of the bytes read stops it too, until the rest
 * has been read. */
static void
check_utf8 (AxReaderCsv *self,
            gsize        from)
{
  const char *end = NULL;
  gsize i = from;

  /* Plain ASCII, eight bytes at a time, is by far the most common. */
  for (; i + 8 <= self->len; i += 8)
    {
      guint64 w;
      memcpy (&w, self->buf + i, 8);
      if (w & G_GUINT64_CONSTANT (0x8080808080808080))
        break;
    }
  if (i < self->len && !g_utf8_validate_len (self->buf + i, self->len - i, &end))
    self->valid_end = (gsize) (end - self->buf);
  else
    self->valid_end = self->len;
}

/* Reads more input after what buf holds.  The current record (from rec
 * on) is kept: moved to the front, and buf grows when it fills it whole.
 * Returns the number of bytes read, 0 at the end of the input, -1 on error;
 * afterwards rec is 0. */
static gssize
fill (AxReaderCsv  *self,
      GError      **error)
{
  gsize keep = self->rec;
  gssize n;

  if (keep > 0)
    {
      memmove (self->buf, self->buf + keep, self->len - keep);
      self->len -= keep;
      self->pos -= MIN (self->pos, keep);
      self->valid_end -= MIN (self->valid_end, keep);
      self->rec = 0;
    }
  if (self->eof)
    return 0;
  if (self->len == self->cap)
    {
      self->cap *= 2;
      self->buf = g_realloc (self->buf, self->cap + 1);
    }
  if (g_cancellable_set_error_if_cancelled (self->cancellable, error))
    return -1;
  n = ax_text_input_read (self->input, self->buf + self->len, self->cap - self->len,
                          self->cancellable, error);
  if (n < 0)
    return -1;
  self->parent.bytes_done = ax_text_input_get_position (self->input);
  if (n == 0)
    {
      self->eof = TRUE;
      return 0;
    }
  self->len += (gsize) n;
  /* The sentinel: an unquoted run stops at the end without a bounds check. */
  self->buf[self->len] = '\n';
  check_utf8 (self, self->valid_end);
  return n;
}

static inline void
push_field (AxReaderCsv *self,
            gsize        start)
{
  if (self->n_fields == self->offs_size)
    {
      self->offs_size = MAX (16, self->offs_size * 2);
      self->offs = g_renew (gsize, self->offs, self->offs_size);
    }
  self->offs[self->n_fields++] = start;
}

/* Reads the next record in place: self->offs gets its fields' starts.
 * Returns FALSE at the end of input with nothing read, or on an I/O error.
 * A record that is malformed still ends at its proper place; *bad
 * describes the first problem. */
static gboolean
read_record (AxReaderCsv  *self,
             guint64      *start_line,
             char        **bad,
             GError      **error)
{
  const char delim = self->parent.delimiter;
  const guint8 *special = self->special;
  enum { FIELD_START, UNQUOTED, QUOTED, QUOTE_SEEN } state = FIELD_START;
  guint64 quote_line = 0;
  gsize r = 0, w = 0;       /* reading and writing, from the record's start */
  gsize end;
  char *b;

  self->n_fields = 0;
  *bad = NULL;

  /* Blank lines between records are not records. */
  for (;;)
    {
      while (self->pos < self->len && (self->buf[self->pos] == '\n' || self->buf[self->pos] == '\r'))
        {
          if (self->buf[self->pos] == '\n')
            self->line++;
          self->pos++;
        }
      if (self->pos < self->len)
        break;
      self->rec = self->pos;
      gssize n = fill (self, error);
      if (n <= 0)
        return FALSE;
    }
  self->rec = self->pos;
  *start_line = self->line;
  push_field (self, r);
  b = self->buf + self->rec;
  end = self->len - self->rec;

  for (;;)
    {
      char c;

      if (r == end)
        {
          gssize n = fill (self, error);
          if (n < 0)
            return FALSE;
          b = self->buf + self->rec;
          end = self->len - self->rec;
          if (n == 0)
            {
              /* End of input: the record ends here. */
              if (state == QUOTED && *bad == NULL)
                *bad = g_strdup_printf (_("Line %" G_GUINT64_FORMAT ", column %u: a quoted field is not closed"),
                                        quote_line, self->n_fields);
              b[w] = '\0';
              self->pos = self->len;
              break;
            }
          continue;
        }

      if (state == QUOTED)
        {
          /* Move the run up to the next quote in one go. */
          const char *q = memchr (b + r, '"', end - r);
          gsize stop = q ? (gsize) (q - b) : end;
          for (const char *nl = b + r; (nl = memchr (nl, '\n', (gsize) (b + stop - nl))) != NULL; nl++)
            self->line++;
          if (w != r)
            memmove (b + w, b + r, stop - r);
          w += stop - r;
          r = stop;
          if (q)
            {
              state = QUOTE_SEEN;
              r++;
            }
          continue;
        }

      c = b[r];
      if (state == QUOTE_SEEN)
        {
          if (c == '"')
            {
              b[w++] = '"';
              state = QUOTED;
              r++;
              continue;
            }
          state = UNQUOTED;
          if (c != delim && c != '\n' && c != '\r')
            {
              if (*bad == NULL)
                *bad = g_strdup_printf (_("Line %" G_GUINT64_FORMAT ", column %u: unexpected text after a closing quote"),
                                        self->line, self->n_fields);
              b[w++] = c;
              r++;
              continue;
            }
        }

      if (c == delim)
        {
          b[w] = '\0';
          w = ++r;
          push_field (self, r);
          state = FIELD_START;
        }
      else if (c == '\n' || c == '\r')
        {
          /* A CRLF's LF is left to the blank-line skipper. */
          b[w] = '\0';
          if (c == '\n')
            self->line++;
          self->pos = self->rec + r + 1;
          break;
        }
      else if (c == '"' && state == FIELD_START)
        {
          state = QUOTED;
          quote_line = self->line;
          w = ++r;
          self->offs[self->n_fields - 1] = r;
        }
      else
        {
          /* An unquoted run up to the next special byte (at worst the
           * sentinel after the end). */
          gsize s = r;
          while (!special[(guint8) b[r]])
            r++;
          if (r == s)
            {
              /* A quote inside an unquoted field is kept as it is. */
              r++;
            }
          if (w != s)
            memmove (b + w, b + s, r - s);
          w += r - s;
          state = UNQUOTED;
        }
    }

  /* Whether the record's input was UTF-8; if not, validating goes on after
   * it (its fields are checked one by one). */
  self->rec_valid = self->rec + r <= self->valid_end;
  if (!self->rec_valid)
    check_utf8 (self, MIN (self->pos, self->len));
  return TRUE;
}

/* Points self->fields at the fields of the current record, re-encoding
 * those that are not UTF-8. */
static void
expose_fields (AxReaderCsv *self)
{
  guint n = self->n_fields;
  const char *b = self->buf + self->rec;

  if (n > self->fields_len)
    {
      self->fields = g_renew (const char *, self->fields, n);
      self->fields_len = n;
    }
  g_ptr_array_set_size (self->fixed, 0);
  for (guint i = 0; i < n; i++)
    {
      const char *f = b + self->offs[i];
      if (!self->rec_valid && !g_utf8_validate (f, -1, NULL))
        {
          g_string_truncate (self->fix, 0);
          ax_text_append_cp1252 (self->fix, f, strlen (f));
          f = g_strdup (self->fix->str);
          g_ptr_array_add (self->fixed, (gpointer) f);
        }
      self->fields[i] = f;
    }
}

static gboolean
ax_reader_csv_next (AxReader      *reader,
                    const char  ***fields,
                    guint64       *line,
                    GError       **error)
{
  AxReaderCsv *self = (AxReaderCsv *) reader;
  g_autofree char *bad = NULL;
  guint64 start = 0;

  if (!read_record (self, &start, &bad, error))
    return FALSE;
  *line = start;
  if (bad)
    {
      g_set_error_literal (error, AX_SOURCE_ERROR, AX_SOURCE_ERROR_BAD_ROW, bad);
      return FALSE;
    }
  if (self->n_fields != reader->n_columns)
    {
      g_set_error (error, AX_SOURCE_ERROR, AX_SOURCE_ERROR_BAD_ROW,
                   g_dngettext (GETTEXT_PACKAGE,
                                "Line %" G_GUINT64_FORMAT ": %u value where the header has %u columns",
                                "Line %" G_GUINT64_FORMAT ": %u values where the header has %u columns",
                                self->n_fields),
                   start, self->n_fields, reader->n_columns);
      return FALSE;
    }
  expose_fields (self);
  *fields = self->fields;
  return TRUE;
}

static void
ax_reader_csv_free (AxReader *reader)
{
  AxReaderCsv *self = (AxReaderCsv *) reader;

  ax_reader_clear (reader);
  g_clear_pointer (&self->input, ax_text_input_free);
  g_clear_object (&self->cancellable);
  g_free (self->buf);
  g_string_free (self->fix, TRUE);
  g_free (self->offs);
  g_ptr_array_unref (self->fixed);
  g_free (self->fields);
  g_free (self);
}

static const AxReaderVTable csv_vtable = {
  ax_reader_csv_next,
  ax_reader_csv_free,
};

/* Counts the fields of each of the first lines of @text for @delim, minding
 * quotes, and returns how many lines agree with the most common count
 * (weighted by that count, so a delimiter that splits into more columns wins
 * a tie).  A count of 1 scores nothing. */
static guint
score_delimiter (const char *text,
                 gsize       len,
                 char        delim)
{
  g_autoptr(GHashTable) counts = g_hash_table_new (NULL, NULL);
  gboolean quoted = FALSE;
  guint fields = 1, lines = 0, best = 0;
  gsize i;

  for (i = 0; i < len && lines < 100; i++)
    {
      char c = text[i];
      if (c == '"')
        quoted = !quoted;
      else if (!quoted && c == delim)
        fields++;
      else if (!quoted && c == '\n')
        {
          guint k = GPOINTER_TO_UINT (g_hash_table_lookup (counts, GUINT_TO_POINTER (fields))) + 1;
          g_hash_table_insert (counts, GUINT_TO_POINTER (fields), GUINT_TO_POINTER (k));
          fields = 1;
          lines++;
        }
    }
  /* A last line without a line break counts too. */
  if (lines == 0 && i > 0)
    g_hash_table_insert (counts, GUINT_TO_POINTER (fields), GUINT_TO_POINTER (1));

  GHashTableIter it;
  gpointer key, value;
  g_hash_table_iter_init (&it, counts);
  while (g_hash_table_iter_next (&it, &key, &value))
    {
      guint nf = GPOINTER_TO_UINT (key), k = GPOINTER_TO_UINT (value);
      if (nf > 1 && k * 64 + MIN (nf, 63) > best)
        best = k * 64 + MIN (nf, 63);
    }
  return best;
}

static char
sniff_delimiter (const char *text,
                 gsize       len)
{
  static const char candidates[] = { ',', ';', '\t', '|' };
  char best = ',';
  guint best_score = 0;

  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    {
      guint s = score_delimiter (text, len, candidates[i]);
      if (s > best_score)
        {
          best_score = s;
          best = candidates[i];
        }
    }
  return best;
}

/* Skips @n physical lines. */
static gboolean
skip_lines (AxReaderCsv  *self,
            guint         n,
            GError      **error)
{
  while (n > 0)
    {
      const char *nl;

      if (self->pos == self->len)
        {
          gssize got;
          self->rec = self->pos;
          got = fill (self, error);
          if (got < 0)
            return FALSE;
          if (got == 0)
            return TRUE;
        }
      nl = memchr (self->buf + self->pos, '\n', self->len - self->pos);
      if (nl == NULL)
        {
          self->pos = self->len;
          continue;
        }
      self->pos = (gsize) (nl + 1 - self->buf);
      self->line++;
      n--;
    }
  return TRUE;
}

/* Forgets what was read: the next read starts from the new input. */
static void
reset_input (AxReaderCsv *self)
{
  self->len = self->pos = self->rec = self->valid_end = 0;
  self->eof = FALSE;
  self->line = 1;
}

AxReader *
ax_reader_csv_new (GFile                *file,
                   const AxReadOptions  *options,
                   GCancellable         *cancellable,
                   GError              **error)
{
  AxReaderCsv *self = g_new0 (AxReaderCsv, 1);
  g_autoptr(AxReader) reader = (AxReader *) self;
  g_autofree char *bad = NULL;
  guint64 start = 0;

  reader->vtable = &csv_vtable;
  reader->format = options->delimiter == '\t' ? AX_FORMAT_TSV : AX_FORMAT_CSV;
  self->cap = BLOCK_SIZE;
  self->buf = g_malloc (self->cap + 1);
  self->fix = g_string_new (NULL);
  self->fixed = g_ptr_array_new_with_free_func (g_free);
  self->cancellable = cancellable ? g_object_ref (cancellable) : NULL;
  reset_input (self);

  self->input = ax_text_input_open (file, cancellable, error);
  if (self->input == NULL)
    return NULL;
  reader->encoding = ax_text_input_get_encoding (self->input);
  reader->bytes_total = ax_text_input_get_size (self->input);

  if (!skip_lines (self, options->skip_rows, error))
    return NULL;
  if (self->pos == self->len)
    {
      self->rec = self->pos;
      if (fill (self, error) < 0)
        return NULL;
    }
  reader->delimiter = options->delimiter ? options->delimiter
                    : sniff_delimiter (self->buf + self->pos, self->len - self->pos);
  self->special[(guint8) '\n'] = self->special[(guint8) '\r'] = 1;
  self->special[(guint8) '"'] = self->special[(guint8) reader->delimiter] = 1;

  if (!read_record (self, &start, &bad, error))
    {
      if (error && *error == NULL)
        g_set_error_literal (error, AX_SOURCE_ERROR, AX_SOURCE_ERROR_EMPTY,
                             _("The file is empty: it has no header and no rows"));
      return NULL;
    }
  if (bad)
    {
      g_set_error_literal (error, AX_SOURCE_ERROR, AX_SOURCE_ERROR_MALFORMED, bad);
      return NULL;
    }

  expose_fields (self);
  if (options->no_header)
    {
      g_autofree char **none = g_new0 (char *, self->n_fields);
      ax_reader_set_names (reader, none, self->n_fields);
      /* The first record is data: hand it out again on the first next(). */
      reset_input (self);
      g_clear_pointer (&self->input, ax_text_input_free);
      self->input = ax_text_input_open (file, cancellable, error);
      if (self->input == NULL || !skip_lines (self, options->skip_rows, error))
        return NULL;
    }
  else
    ax_reader_set_names (reader, (char **) self->fields, self->n_fields);

  return g_steal_pointer (&reader);
}
