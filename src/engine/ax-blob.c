/* ax-blob.c — writing and reading saved models' little-endian fields */

#include "ax-config.h"
#include "ax-blob.h"
#include "ax-learn.h"

#include <string.h>

GByteArray *
ax_blob_writer_new (const char *magic,
                    guint32     version,
                    gsize       size)
{
  GByteArray *b = g_byte_array_sized_new (MAX (size, 8));

  g_byte_array_append (b, (const guint8 *) magic, 4);
  ax_blob_put_u32 (b, version);
  return b;
}

void
ax_blob_put_u32 (GByteArray *b,
                 guint32     v)
{
  v = GUINT32_TO_LE (v);
  g_byte_array_append (b, (const guint8 *) &v, 4);
}

void
ax_blob_put_u64 (GByteArray *b,
                 guint64     v)
{
  v = GUINT64_TO_LE (v);
  g_byte_array_append (b, (const guint8 *) &v, 8);
}

void
ax_blob_put_f32 (GByteArray *b,
                 float       v)
{
  guint32 bits;

  memcpy (&bits, &v, 4);
  ax_blob_put_u32 (b, bits);
}

void
ax_blob_put_f64 (GByteArray *b,
                 double      v)
{
  guint64 bits;

  memcpy (&bits, &v, 8);
  ax_blob_put_u64 (b, bits);
}

void
ax_blob_put_bytes (GByteArray *b,
                   const void *data,
                   gsize       len)
{
  g_byte_array_append (b, data, len);
}

void
ax_blob_reader_init (AxBlobReader *r,
                     GBytes       *blob)
{
  r->data = g_bytes_get_data (blob, &r->len);
  r->pos = 0;
}

gsize
ax_blob_reader_remaining (const AxBlobReader *r)
{
  return r->len - r->pos;
}

const guint8 *
ax_blob_read_bytes (AxBlobReader *r,
                    gsize         len)
{
  const guint8 *p;

  if (r->len - r->pos < len)
    return NULL;
  p = r->data + r->pos;
  r->pos += len;
  return p;
}

gboolean
ax_blob_read_magic (AxBlobReader *r,
                    const char   *magic)
{
  if (r->len - r->pos < 4 || memcmp (r->data + r->pos, magic, 4) != 0)
    return FALSE;
  r->pos += 4;
  return TRUE;
}

gboolean
ax_blob_read_u32 (AxBlobReader *r,
                  guint32      *out)
{
  const guint8 *p = ax_blob_read_bytes (r, 4);
  guint32 v;

  if (p == NULL)
    return FALSE;
  memcpy (&v, p, 4);
  *out = GUINT32_FROM_LE (v);
  return TRUE;
}

gboolean
ax_blob_read_u64 (AxBlobReader *r,
                  guint64      *out)
{
  const guint8 *p = ax_blob_read_bytes (r, 8);
  guint64 v;

  if (p == NULL)
    return FALSE;
  memcpy (&v, p, 8);
  *out = GUINT64_FROM_LE (v);
  return TRUE;
}

gboolean
ax_blob_read_f32 (AxBlobReader *r,
                  float        *out)
{
  guint32 bits;

  if (!ax_blob_read_u32 (r, &bits))
    return FALSE;
  memcpy (out, &bits, 4);
  return TRUE;
}

gboolean
ax_blob_read_f64 (AxBlobReader *r,
                  double       *out)
{
  guint64 bits;

  if (!ax_blob_read_u64 (r, &bits))
    return FALSE;
  memcpy (out, &bits, 8);
  return TRUE;
}

gpointer
ax_blob_error (GError     **error,
               const char  *format,
               ...)
{
  va_list args;

  if (error == NULL)
    return NULL;
  va_start (args, format);
  g_propagate_error (error, g_error_new_valist (AX_LEARN_ERROR, AX_LEARN_ERROR_BLOB, format, args));
  va_end (args);
  return NULL;
}
