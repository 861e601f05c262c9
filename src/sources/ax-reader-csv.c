/* ax-reader-csv.c — delimited text: CSV, TSV, semicolon and pipe
 *
 * RFC 4180 with the usual liberties: any of , ; TAB | as the delimiter
 * (sniffed from the first block when not given), CRLF or LF line ends,
 * quoted fields with doubled quotes and embedded line breaks, blank lines
 * ignored.  Reading is a byte-at-a-time state machine over 1 MiB blocks, so
 * memory stays bounded by the longest record, whatever the file's size.
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
  char        *block;
  gsize        block_len;
  gsize        block_pos;
  gboolean     eof;
  guint64      line;         /* current physical line, 1-based */
  /* The record being read: NUL-separated fields in buf, offsets in offs. */
  GString     *buf;
  GArray      *offs;         /* gsize */
  const char **fields;       /* n_columns pointers handed out */
  guint        fields_len;
  GString     *fix;          /* for re-encoding a stray Windows-1252 field */
  GPtrArray   *fixed;        /* repaired fields of the current record */
} AxReaderCsv;

static gboolean
refill (AxReaderCsv  *self,
        GError      **error)
{
  gssize n;

  if (self->eof)
    return FALSE;
  if (g_cancellable_set_error_if_cancelled (self->cancellable, error))
    return FALSE;
  n = ax_text_input_read (self->input, self->block, BLOCK_SIZE, self->cancellable, error);
  if (n < 0)
    return FALSE;
  self->block_len = (gsize) n;
  self->block_pos = 0;
  self->parent.bytes_done = ax_text_input_get_position (self->input);
  if (n == 0)
    self->eof = TRUE;
  return n > 0;
}

/* Reads one record into buf/offs.  Returns FALSE at the end of input with
 * nothing read, or on an I/O error.  A record that is malformed still ends at
 * its proper place; *bad describes the first problem. */
static gboolean
read_record (AxReaderCsv  *self,
             guint64      *start_line,
             char        **bad,
             GError      **error)
{
  const char delim = self->parent.delimiter;
  enum { FIELD_START, UNQUOTED, QUOTED, QUOTE_SEEN } state = FIELD_START;
  gboolean any = FALSE;
  guint64 quote_line = 0;

  g_string_truncate (self->buf, 0);
  g_array_set_size (self->offs, 0);
  *bad = NULL;

  for (;;)
    {
      if (self->block_pos == self->block_len)
        {
          GError *local = NULL;
          if (!refill (self, &local))
            {
              if (local)
                {
                  g_propagate_error (error, local);
                  return FALSE;
                }
              /* End of input. */
              if (!any)
                return FALSE;
              if (state == QUOTED && *bad == NULL)
                *bad = g_strdup_printf (_("Line %" G_GUINT64_FORMAT ", column %u: a quoted field is not closed"),
                                        quote_line, self->offs->len);
              g_string_append_c (self->buf, '\0');
              return TRUE;
            }
        }

      const char *p = self->block + self->block_pos;
      const char *end = self->block + self->block_len;

      if (!any)
        {
          /* Blank lines between records are not records. */
          while (p < end && (*p == '\n' || *p == '\r'))
            {
              if (*p == '\n')
                self->line++;
              p++;
            }
          self->block_pos = (gsize) (p - self->block);
          if (p == end)
            continue;
          any = TRUE;
          *start_line = self->line;
          g_array_append_val (self->offs, self->buf->len);
        }

      while (p < end)
        {
          char c = *p;

          if (state == QUOTED)
            {
              /* Copy the run up to the next quote in one go. */
              const char *q = memchr (p, '"', (gsize) (end - p));
              const char *stop = q ? q : end;
              for (const char *n = p; (n = memchr (n, '\n', (gsize) (stop - n))) != NULL; n++)
                self->line++;
              g_string_append_len (self->buf, p, stop - p);
              p = stop;
              if (q)
                {
                  state = QUOTE_SEEN;
                  p++;
                }
              continue;
            }

          if (state == QUOTE_SEEN)
            {
              if (c == '"')
                {
                  g_string_append_c (self->buf, '"');
                  state = QUOTED;
                  p++;
                  continue;
                }
              if (c != delim && c != '\n' && c != '\r' && *bad == NULL)
                *bad = g_strdup_printf (_("Line %" G_GUINT64_FORMAT ", column %u: unexpected text after a closing quote"),
                                        self->line, self->offs->len);
              state = UNQUOTED;
              if (c != delim && c != '\n' && c != '\r')
                {
                  g_string_append_c (self->buf, c);
                  p++;
                  continue;
                }
            }

          if (c == delim)
            {
              g_string_append_c (self->buf, '\0');
              g_array_append_val (self->offs, self->buf->len);
              state = FIELD_START;
              p++;
            }
          else if (c == '\n' || c == '\r')
            {
              /* Let the blank-line skipper eat the LF of a CRLF. */
              self->block_pos = (gsize) (p - self->block);
              g_string_append_c (self->buf, '\0');
              return TRUE;
            }
          else if (c == '"' && state == FIELD_START)
            {
              state = QUOTED;
              quote_line = self->line;
              p++;
            }
          else
            {
              /* Copy an unquoted run up to the next special byte. */
              const char *s = p;
              while (p < end && *p != delim && *p != '\n' && *p != '\r' && *p != '"')
                p++;
              if (p == s)
                {
                  /* A quote inside an unquoted field is kept as it is. */
                  p++;
                }
              g_string_append_len (self->buf, s, p - s);
              state = UNQUOTED;
            }
        }
      self->block_pos = self->block_len;
    }
}

/* Splits the current record into self->fields, re-encoding fields that are
 * not UTF-8. */
static void
expose_fields (AxReaderCsv *self)
{
  guint n = self->offs->len;

  if (n > self->fields_len)
    {
      self->fields = g_renew (const char *, self->fields, n);
      self->fields_len = n;
    }
  g_ptr_array_set_size (self->fixed, 0);
  gboolean valid = g_utf8_validate_len (self->buf->str, self->buf->len, NULL);
  for (guint i = 0; i < n; i++)
    {
      const char *f = self->buf->str + g_array_index (self->offs, gsize, i);
      if (!valid && !g_utf8_validate (f, -1, NULL))
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
  if (self->offs->len != reader->n_columns)
    {
      g_set_error (error, AX_SOURCE_ERROR, AX_SOURCE_ERROR_BAD_ROW,
                   g_dngettext (GETTEXT_PACKAGE,
                                "Line %" G_GUINT64_FORMAT ": %u value where the header has %u columns",
                                "Line %" G_GUINT64_FORMAT ": %u values where the header has %u columns",
                                self->offs->len),
                   start, self->offs->len, reader->n_columns);
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
  g_free (self->block);
  g_string_free (self->buf, TRUE);
  g_string_free (self->fix, TRUE);
  g_array_unref (self->offs);
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
      if (self->block_pos == self->block_len)
        {
          GError *local = NULL;
          if (!refill (self, &local))
            {
              if (local)
                {
                  g_propagate_error (error, local);
                  return FALSE;
                }
              return TRUE;
            }
        }
      const char *p = self->block + self->block_pos;
      const char *nl = memchr (p, '\n', self->block_len - self->block_pos);
      if (nl == NULL)
        {
          self->block_pos = self->block_len;
          continue;
        }
      self->block_pos = (gsize) (nl + 1 - self->block);
      self->line++;
      n--;
    }
  return TRUE;
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
  self->buf = g_string_sized_new (4096);
  self->fix = g_string_new (NULL);
  self->offs = g_array_new (FALSE, FALSE, sizeof (gsize));
  self->fixed = g_ptr_array_new_with_free_func (g_free);
  self->block = g_malloc (BLOCK_SIZE);
  self->line = 1;
  self->cancellable = cancellable ? g_object_ref (cancellable) : NULL;

  self->input = ax_text_input_open (file, cancellable, error);
  if (self->input == NULL)
    return NULL;
  reader->encoding = ax_text_input_get_encoding (self->input);
  reader->bytes_total = ax_text_input_get_size (self->input);

  if (!skip_lines (self, options->skip_rows, error))
    return NULL;
  if (self->block_pos == self->block_len && !self->eof)
    {
      GError *local = NULL;
      if (!refill (self, &local) && local)
        {
          g_propagate_error (error, local);
          return NULL;
        }
    }
  reader->delimiter = options->delimiter ? options->delimiter
                    : sniff_delimiter (self->block + self->block_pos, self->block_len - self->block_pos);

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
      g_autofree char **none = g_new0 (char *, self->offs->len);
      ax_reader_set_names (reader, none, self->offs->len);
      /* The first record is data: hand it out again on the first next(). */
      self->block_pos = 0;
      self->block_len = 0;
      self->eof = FALSE;
      self->line = 1;
      g_clear_pointer (&self->input, ax_text_input_free);
      self->input = ax_text_input_open (file, cancellable, error);
      if (self->input == NULL || !skip_lines (self, options->skip_rows, error))
        return NULL;
    }
  else
    ax_reader_set_names (reader, (char **) self->fields, self->offs->len);

  return g_steal_pointer (&reader);
}
