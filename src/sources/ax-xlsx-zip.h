/* ax-xlsx-zip.h — the ZIP container of an XLSX workbook (private)
 *
 * Just enough ZIP for Office Open XML, read with GIO alone: the central
 * directory at the end of the file locates each part, which is streamed
 * back inflated with GZlibDecompressor (or copied, if stored) and checked
 * against its size and CRC-32.  Messages name the workbook and say what to
 * do about it.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define AX_ZIP_CHUNK (64 * 1024)

typedef struct {
  char    *name;          /* as stored, with '/' separators */
  guint16  flags;
  guint16  method;        /* 0 stored, 8 deflated */
  guint32  crc;
  guint64  compressed;
  guint64  size;
  guint64  offset;        /* of the local header */
} AxZipEntry;

typedef struct {
  GInputStream *in;
  GCancellable *cancellable;
  char         *display;  /* the file's name, for messages */
  guint64       size;
  GHashTable   *entries;  /* lower-case name -> AxZipEntry */
} AxZip;

typedef struct {
  AxZip            *zip;        /* not owned */
  const AxZipEntry *entry;      /* owned by zip */
  GConverter     *inflater;   /* NULL for a stored part */
  guint64         next;       /* offset in the file of the next compressed byte */
  guint64         left;       /* compressed bytes not read yet */
  guint64         produced;   /* bytes handed out */
  guint32         crc;        /* of the bytes handed out */
  guint8         *in;         /* compressed bytes read from the file */
  gsize           in_pos;
  gsize           in_len;
  gboolean        finished;
} AxZipPart;

void             ax_zip_free              (AxZip           *zip);
/* Opens @file as a ZIP archive and reads its directory. */
AxZip           *ax_zip_open              (GFile           *file,
                                           GCancellable    *cancellable,
                                           GError         **error);
/* The part called @name (matched ignoring case), or NULL. */
const AxZipEntry *ax_zip_find             (AxZip           *zip,
                                           const char      *name);

void             ax_zip_part_free         (AxZipPart       *part);
AxZipPart       *ax_zip_part_open         (AxZip           *zip,
                                           const AxZipEntry *entry,
                                           GError         **error);
/* Compressed bytes of the part read so far. */
guint64          ax_zip_part_get_position (AxZipPart       *part);
/* Reads up to @size bytes of the part into @buf: how many, 0 at its end
 * (once its size and CRC have been checked), or -1 with @error set. */
gssize           ax_zip_part_read         (AxZipPart       *part,
                                           char            *buf,
                                           gsize            size,
                                           GError         **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AxZip, ax_zip_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AxZipPart, ax_zip_part_free)

G_END_DECLS
