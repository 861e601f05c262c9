/* ax-text-input.c — reading a text file as UTF-8 whatever its encoding */

#include "ax-config.h"
#include "ax-text-input.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#define SNIFF_SIZE (64 * 1024)

struct _AxTextInput {
  GFileInputStream *raw;       /* the file, for its position */
  GInputStream     *stream;    /* what is read: raw, or a UTF-16 converter */
  AxEncoding        encoding;
  guint64           size;
  /* Bytes read ahead while sniffing, returned before the stream's. */
  guint8           *head;
  gsize             head_len;
  gsize             head_pos;
  GString          *scratch;   /* Windows-1252 conversion */
};

/* Windows-1252's 0x80..0x9F; the five undefined bytes map as in Latin-1. */
static const gunichar cp1252_high[32] = {
  0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
  0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
  0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
  0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
};

void
ax_text_append_cp1252 (GString    *out,
                       const char *bytes,
                       gsize       len)
{
  for (gsize i = 0; i < len; i++)
    {
      guint8 b = (guint8) bytes[i];
      if (b < 0x80)
        g_string_append_c (out, (char) b);
      else
        g_string_append_unichar (out, b < 0xA0 ? cp1252_high[b - 0x80] : b);
    }
}

gboolean
ax_text_repair_utf8 (GString *str)
{
  if (g_utf8_validate_len (str->str, str->len, NULL))
    return FALSE;
  g_autoptr(GString) fixed = g_string_sized_new (str->len + 8);
  ax_text_append_cp1252 (fixed, str->str, str->len);
  g_string_assign (str, fixed->str);
  return TRUE;
}

/* TRUE if @buf is UTF-8, allowing a character cut off at the end. */
static gboolean
looks_utf8 (const guint8 *buf,
            gsize         len,
            gboolean      at_eof)
{
  const char *end = NULL;
  if (g_utf8_validate_len ((const char *) buf, len, &end))
    return TRUE;
  return !at_eof && (gsize) ((const guint8 *) end - buf) + 4 > len;
}

AxTextInput *
ax_text_input_open (GFile         *file,
                    GCancellable  *cancellable,
                    GError       **error)
{
  g_autoptr(AxTextInput) self = g_new0 (AxTextInput, 1);
  g_autoptr(GFileInfo) info = NULL;
  gsize n = 0;

  self->raw = g_file_read (file, cancellable, error);
  if (self->raw == NULL)
    return NULL;
  info = g_file_input_stream_query_info (self->raw, G_FILE_ATTRIBUTE_STANDARD_SIZE, cancellable, NULL);
  if (info)
    self->size = (guint64) g_file_info_get_size (info);

  self->head = g_malloc (SNIFF_SIZE);
  if (!g_input_stream_read_all (G_INPUT_STREAM (self->raw), self->head, SNIFF_SIZE, &n, cancellable, error))
    return NULL;
  self->head_len = n;

  if (n >= 3 && memcmp (self->head, "\xEF\xBB\xBF", 3) == 0)
    {
      self->encoding = AX_ENCODING_UTF8_BOM;
      self->head_pos = 3;
    }
  else if (n >= 2 && (memcmp (self->head, "\xFF\xFE", 2) == 0 || memcmp (self->head, "\xFE\xFF", 2) == 0))
    {
      gboolean le = self->head[0] == 0xFF;
      g_autoptr(GCharsetConverter) conv = NULL;

      /* Read again from just after the mark through one converter: it keeps
       * state across reads, so a surrogate pair split between two blocks
       * still decodes. */
      self->encoding = le ? AX_ENCODING_UTF16LE : AX_ENCODING_UTF16BE;
      conv = g_charset_converter_new ("UTF-8", le ? "UTF-16LE" : "UTF-16BE", error);
      if (conv == NULL)
        return NULL;
      if (!g_seekable_seek (G_SEEKABLE (self->raw), 2, G_SEEK_SET, cancellable, error))
        return NULL;
      self->stream = g_converter_input_stream_new (G_INPUT_STREAM (self->raw), G_CONVERTER (conv));
      self->head_len = self->head_pos = 0;
    }
  else if (looks_utf8 (self->head, n, n < SNIFF_SIZE))
    self->encoding = AX_ENCODING_UTF8;
  else
    {
      self->encoding = AX_ENCODING_WINDOWS_1252;
      self->scratch = g_string_new (NULL);
    }

  if (self->stream == NULL)
    self->stream = g_object_ref (G_INPUT_STREAM (self->raw));
  return g_steal_pointer (&self);
}

void
ax_text_input_free (AxTextInput *self)
{
  if (self == NULL)
    return;
  g_clear_object (&self->stream);
  g_clear_object (&self->raw);
  g_free (self->head);
  if (self->scratch)
    g_string_free (self->scratch, TRUE);
  g_free (self);
}

static gssize
read_bytes (AxTextInput   *self,
            char          *buf,
            gsize          size,
            GCancellable  *cancellable,
            GError       **error)
{
  if (self->head_pos < self->head_len)
    {
      gsize n = MIN (size, self->head_len - self->head_pos);
      memcpy (buf, self->head + self->head_pos, n);
      self->head_pos += n;
      return (gssize) n;
    }
  return g_input_stream_read (self->stream, buf, size, cancellable, error);
}

gssize
ax_text_input_read (AxTextInput   *self,
                    char          *buf,
                    gsize          size,
                    GCancellable  *cancellable,
                    GError       **error)
{
  if (self->encoding != AX_ENCODING_WINDOWS_1252)
    return read_bytes (self, buf, size, cancellable, error);

  /* Each byte becomes at most three; keep what does not fit for later. */
  while (self->scratch->len == 0)
    {
      char raw[16 * 1024];
      gssize n = read_bytes (self, raw, MIN (sizeof raw, size), cancellable, error);
      if (n <= 0)
        return n;
      ax_text_append_cp1252 (self->scratch, raw, (gsize) n);
    }
  gsize n = MIN (size, self->scratch->len);
  memcpy (buf, self->scratch->str, n);
  g_string_erase (self->scratch, 0, (gssize) n);
  return (gssize) n;
}

AxEncoding
ax_text_input_get_encoding (AxTextInput *self)
{
  return self->encoding;
}

guint64
ax_text_input_get_position (AxTextInput *self)
{
  return (guint64) g_seekable_tell (G_SEEKABLE (self->raw));
}

guint64
ax_text_input_get_size (AxTextInput *self)
{
  return self->size;
}
