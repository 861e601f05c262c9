/* ax-xlsx-zip.c — the ZIP container of an XLSX workbook */

#include "ax-config.h"
#include "ax-xlsx-zip.h"
#include "ax-reader.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#define EOCD_SIZE    22             /* end of central directory, without comment */
#define MAX_COMMENT  65535
#define SIG_LOCAL        0x04034b50
#define SIG_CENTRAL      0x02014b50
#define SIG_EOCD         0x06054b50
#define SIG_ZIP64_LOCATOR 0x07064b50

static inline guint16
get16 (const guint8 *p)
{
  return (guint16) (p[0] | (p[1] << 8));
}

static inline guint32
get32 (const guint8 *p)
{
  return (guint32) p[0] | ((guint32) p[1] << 8) | ((guint32) p[2] << 16) | ((guint32) p[3] << 24);
}

/* The ZIP archive */



static void
zip_entry_free (AxZipEntry *entry)
{
  g_free (entry->name);
  g_free (entry);
}

void
ax_zip_free (AxZip *zip)
{
  if (zip == NULL)
    return;
  g_clear_object (&zip->in);
  g_clear_object (&zip->cancellable);
  g_clear_pointer (&zip->entries, g_hash_table_unref);
  g_free (zip->display);
  g_free (zip);
}


static void
set_truncated (AxZip     *zip,
               GError **error)
{
  g_set_error (error, AX_SOURCE_ERROR, AX_SOURCE_ERROR_MALFORMED,
               _("“%s” is damaged: the file ends early; it may be truncated"), zip->display);
}

static void
set_bad_directory (AxZip     *zip,
                   GError **error)
{
  g_set_error (error, AX_SOURCE_ERROR, AX_SOURCE_ERROR_MALFORMED,
               _("“%s” is damaged: its ZIP directory cannot be read"), zip->display);
}

static void
set_zip64 (AxZip     *zip,
           GError **error)
{
  g_set_error (error, AX_SOURCE_ERROR, AX_SOURCE_ERROR_UNKNOWN_FORMAT,
               _("“%s” uses ZIP64, an archive layout for very large files that cannot be read here; "
                 "save it again from Excel or LibreOffice"), zip->display);
}

/* Reads exactly @len bytes at @offset; a short read means the file was cut. */
static gboolean
zip_read_at (AxZip      *zip,
             guint64   offset,
             void     *buf,
             gsize     len,
             GError  **error)
{
  gsize n = 0;

  if (!g_seekable_seek (G_SEEKABLE (zip->in), (goffset) offset, G_SEEK_SET, zip->cancellable, error) ||
      !g_input_stream_read_all (zip->in, buf, len, &n, zip->cancellable, error))
    return FALSE;
  if (n < len)
    {
      set_truncated (zip, error);
      return FALSE;
    }
  return TRUE;
}

/* Reads the central directory that starts at @offset into zip->entries. */
static gboolean
zip_read_directory (AxZip      *zip,
                    guint64   offset,
                    guint32   length,
                    guint     n_entries,
                    GError  **error)
{
  g_autofree guint8 *cd = g_malloc (MAX (length, 1));
  gsize p = 0;

  if (!zip_read_at (zip, offset, cd, length, error))
    return FALSE;

  for (guint i = 0; i < n_entries; i++)
    {
      AxZipEntry *entry;
      guint16 name_len, extra_len, comment_len;
      char *lower;

      if (p + 46 > length || get32 (cd + p) != SIG_CENTRAL)
        {
          set_bad_directory (zip, error);
          return FALSE;
        }
      name_len = get16 (cd + p + 28);
      extra_len = get16 (cd + p + 30);
      comment_len = get16 (cd + p + 32);
      if (p + 46 + name_len + extra_len + comment_len > length)
        {
          set_bad_directory (zip, error);
          return FALSE;
        }
      if (get32 (cd + p + 20) == 0xFFFFFFFF || get32 (cd + p + 24) == 0xFFFFFFFF ||
          get32 (cd + p + 42) == 0xFFFFFFFF)
        {
          set_zip64 (zip, error);
          return FALSE;
        }

      entry = g_new0 (AxZipEntry, 1);
      entry->flags = get16 (cd + p + 8);
      entry->method = get16 (cd + p + 10);
      entry->crc = get32 (cd + p + 16);
      entry->compressed = get32 (cd + p + 20);
      entry->size = get32 (cd + p + 24);
      entry->offset = get32 (cd + p + 42);
      entry->name = g_strndup ((const char *) cd + p + 46, name_len);
      p += 46 + (gsize) name_len + extra_len + comment_len;

      /* Part names are ASCII; some Windows tools write backslashes. */
      g_strdelimit (entry->name, "\\", '/');
      if (!g_utf8_validate (entry->name, -1, NULL))
        {
          zip_entry_free (entry);
          continue;
        }
      lower = g_ascii_strdown (entry->name[0] == '/' ? entry->name + 1 : entry->name, -1);
      if (g_hash_table_contains (zip->entries, lower))
        {
          g_free (lower);
          zip_entry_free (entry);
          continue;
        }
      g_hash_table_insert (zip->entries, lower, entry);
    }
  return TRUE;
}

/* Opens @file as a ZIP archive and reads its directory.  The messages say
 * what the file is instead when it is not an archive. */
AxZip *
ax_zip_open (GFile         *file,
          GCancellable  *cancellable,
          GError       **error)
{
  static const guint8 ole[] = { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1 };
  g_autoptr(AxZip) zip = g_new0 (AxZip, 1);
  g_autofree guint8 *tail = NULL;
  guint8 head[8] = { 0 };
  gsize tail_len, head_len;
  gssize eocd = -1;
  guint64 tail_start, cd_offset;
  guint32 cd_size;
  guint16 n_entries;

  zip->display = g_file_get_basename (file);
  zip->cancellable = cancellable ? g_object_ref (cancellable) : NULL;
  zip->entries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                        (GDestroyNotify) zip_entry_free);
  zip->in = G_INPUT_STREAM (g_file_read (file, cancellable, error));
  if (zip->in == NULL)
    return NULL;
  if (!g_seekable_can_seek (G_SEEKABLE (zip->in)) ||
      !g_seekable_seek (G_SEEKABLE (zip->in), 0, G_SEEK_END, cancellable, error))
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, AX_SOURCE_ERROR, AX_SOURCE_ERROR_FAILED,
                     _("“%s” cannot be read: an Excel workbook must be read from a local file"),
                     zip->display);
      return NULL;
    }
  zip->size = (guint64) g_seekable_tell (G_SEEKABLE (zip->in));
  if (zip->size == 0)
    {
      g_set_error (error, AX_SOURCE_ERROR, AX_SOURCE_ERROR_EMPTY,
                   _("“%s” is empty"), zip->display);
      return NULL;
    }

  head_len = (gsize) MIN (zip->size, sizeof head);
  if (!zip_read_at (zip, 0, head, head_len, error))
    return NULL;
  /* Excel encrypts a workbook by wrapping it in an OLE compound file, the
   * container of the old .xls format too. */
  if (head_len == sizeof ole && memcmp (head, ole, sizeof ole) == 0)
    {
      g_set_error (error, AX_SOURCE_ERROR, AX_SOURCE_ERROR_UNKNOWN_FORMAT,
                   _("“%s” is password-protected or an old .xls file; save it as .xlsx, without a password"),
                   zip->display);
      return NULL;
    }

  /* The end record is the last thing in the file but for a comment of up
   * to 64 KiB, so it is searched for backwards. */
  tail_len = (gsize) MIN (zip->size, EOCD_SIZE + MAX_COMMENT);
  tail_start = zip->size - tail_len;
  tail = g_malloc (tail_len);
  if (!zip_read_at (zip, tail_start, tail, tail_len, error))
    return NULL;
  for (gssize i = (gssize) tail_len - EOCD_SIZE; i >= 0; i--)
    if (get32 (tail + i) == SIG_EOCD && (gsize) i + EOCD_SIZE + get16 (tail + i + 20) <= tail_len)
      {
        eocd = i;
        break;
      }
  if (eocd < 0)
    {
      if (head_len >= 4 && get32 (head) == SIG_LOCAL)
        g_set_error (error, AX_SOURCE_ERROR, AX_SOURCE_ERROR_MALFORMED,
                     _("“%s” is damaged: the end of its ZIP archive is missing; it may be truncated"),
                     zip->display);
      else
        g_set_error (error, AX_SOURCE_ERROR, AX_SOURCE_ERROR_UNKNOWN_FORMAT,
                     _("“%s” is not an Excel workbook (XLSX): it is not a ZIP archive"),
                     zip->display);
      return NULL;
    }

  n_entries = get16 (tail + eocd + 10);
  cd_size = get32 (tail + eocd + 12);
  cd_offset = get32 (tail + eocd + 16);
  if ((eocd >= 20 && get32 (tail + eocd - 20) == SIG_ZIP64_LOCATOR) ||
      n_entries == 0xFFFF || cd_size == 0xFFFFFFFF || cd_offset == 0xFFFFFFFF)
    {
      set_zip64 (zip, error);
      return NULL;
    }
  if (get16 (tail + eocd + 4) != 0 || get16 (tail + eocd + 6) != 0)
    {
      g_set_error (error, AX_SOURCE_ERROR, AX_SOURCE_ERROR_UNKNOWN_FORMAT,
                   _("“%s” is not an Excel workbook (XLSX): it is one part of a split ZIP archive"),
                   zip->display);
      return NULL;
    }
  if (cd_offset + cd_size > tail_start + (guint64) eocd)
    {
      set_bad_directory (zip, error);
      return NULL;
    }
  if (!zip_read_directory (zip, cd_offset, cd_size, n_entries, error))
    return NULL;
  return g_steal_pointer (&zip);
}

const AxZipEntry *
ax_zip_find (AxZip        *zip,
          const char *name)
{
  g_autofree char *lower = g_ascii_strdown (name, -1);

  return g_hash_table_lookup (zip->entries, lower);
}

/* Parts, read as a stream */


void
ax_zip_part_free (AxZipPart *ps)
{
  if (ps == NULL)
    return;
  g_clear_object (&ps->inflater);
  g_free (ps->in);
  g_free (ps);
}


/* The CRC-32 of ZIP (and zlib), table-driven. */
static guint32
crc32_update (guint32       crc,
              const guint8 *p,
              gsize         n)
{
  static guint32 table[256];
  static gsize ready = 0;

  if (g_once_init_enter (&ready))
    {
      for (guint32 i = 0; i < 256; i++)
        {
          guint32 c = i;
          for (guint k = 0; k < 8; k++)
            c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
          table[i] = c;
        }
      g_once_init_leave (&ready, 1);
    }
  crc = ~crc;
  while (n-- > 0)
    crc = table[(crc ^ *p++) & 0xFF] ^ (crc >> 8);
  return ~crc;
}

AxZipPart *
ax_zip_part_open (AxZip             *zip,
                  const AxZipEntry  *entry,
                  GError         **error)
{
  g_autoptr(AxZipPart) ps = NULL;
  guint8 local[30];
  guint64 start;

  /* ZIP's own encryption; Excel's is caught earlier (an OLE file). */
  if (entry->flags & 1)
    {
      g_set_error (error, AX_SOURCE_ERROR, AX_SOURCE_ERROR_UNKNOWN_FORMAT,
                   _("“%s” is password-protected; save it as .xlsx without a password"),
                   zip->display);
      return NULL;
    }
  if (entry->method != 0 && entry->method != 8)
    {
      g_set_error (error, AX_SOURCE_ERROR, AX_SOURCE_ERROR_UNKNOWN_FORMAT,
                   _("“%s” is compressed in a way that cannot be read here (ZIP method %u); "
                     "save it again from Excel or LibreOffice"),
                   zip->display, (guint) entry->method);
      return NULL;
    }
  if (entry->offset + sizeof local > zip->size)
    {
      set_truncated (zip, error);
      return NULL;
    }
  if (!zip_read_at (zip, entry->offset, local, sizeof local, error))
    return NULL;
  if (get32 (local) != SIG_LOCAL)
    {
      g_set_error (error, AX_SOURCE_ERROR, AX_SOURCE_ERROR_MALFORMED,
                   _("“%s” is damaged: the part “%s” is not where its ZIP directory says"),
                   zip->display, entry->name);
      return NULL;
    }
  /* The local header's sizes may be zero (streamed writers put them in a
   * descriptor after the data); the central directory's are the ones. */
  start = entry->offset + sizeof local + get16 (local + 26) + get16 (local + 28);
  if (start + entry->compressed > zip->size)
    {
      set_truncated (zip, error);
      return NULL;
    }

  ps = g_new0 (AxZipPart, 1);
  ps->zip = zip;
  ps->entry = entry;
  ps->next = start;
  ps->left = entry->compressed;
  ps->in = g_malloc (AX_ZIP_CHUNK);
  if (entry->method == 8)
    ps->inflater = G_CONVERTER (g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_RAW));
  return g_steal_pointer (&ps);
}

/* Compressed bytes of the part read so far. */
guint64
ax_zip_part_get_position (AxZipPart *ps)
{
  return ps->entry->compressed - ps->left;
}

/* Reads up to @size bytes of the part's content into @buf.  Returns how
 * many, 0 at the end of the part (once its size and CRC have been checked),
 * or -1 with @error set. */
gssize
ax_zip_part_read (AxZipPart  *ps,
                  char        *buf,
                  gsize        size,
                  GError     **error)
{
  AxZip *zip = ps->zip;

  while (!ps->finished)
    {
      gsize n_read = 0, n_written = 0;

      if (ps->in_pos == ps->in_len && ps->left > 0)
        {
          gsize n = (gsize) MIN (ps->left, AX_ZIP_CHUNK);

          if (!zip_read_at (zip, ps->next, ps->in, n, error))
            return -1;
          ps->next += n;
          ps->left -= n;
          ps->in_pos = 0;
          ps->in_len = n;
        }

      if (ps->inflater == NULL)
        {
          n_written = MIN (size, ps->in_len - ps->in_pos);
          memcpy (buf, ps->in + ps->in_pos, n_written);
          ps->in_pos += n_written;
          ps->finished = ps->left == 0 && ps->in_pos == ps->in_len;
        }
      else
        {
          g_autoptr(GError) local = NULL;
          GConverterResult res;

          res = g_converter_convert (ps->inflater, ps->in + ps->in_pos, ps->in_len - ps->in_pos,
                                     buf, size,
                                     ps->left == 0 ? G_CONVERTER_INPUT_AT_END : G_CONVERTER_NO_FLAGS,
                                     &n_read, &n_written, &local);
          if (res == G_CONVERTER_ERROR)
            {
              /* Wanting more input when there is none: the data was cut. */
              if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT))
                g_set_error (error, AX_SOURCE_ERROR, AX_SOURCE_ERROR_MALFORMED,
                             _("“%s” is damaged: the part “%s” ends early"),
                             zip->display, ps->entry->name);
              else
                g_set_error (error, AX_SOURCE_ERROR, AX_SOURCE_ERROR_MALFORMED,
                             _("“%s” is damaged: the part “%s” cannot be decompressed (%s)"),
                             zip->display, ps->entry->name, local->message);
              return -1;
            }
          ps->in_pos += n_read;
          ps->finished = res == G_CONVERTER_FINISHED;
        }

      if (n_written > 0)
        {
          ps->crc = crc32_update (ps->crc, (const guint8 *) buf, n_written);
          ps->produced += n_written;
          return (gssize) n_written;
        }
    }

  if (ps->produced != ps->entry->size || ps->crc != ps->entry->crc)
    {
      g_set_error (error, AX_SOURCE_ERROR, AX_SOURCE_ERROR_MALFORMED,
                   _("“%s” is damaged: the part “%s” does not match its checksum"),
                   zip->display, ps->entry->name);
      return -1;
    }
  return 0;
}
