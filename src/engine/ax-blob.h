/* ax-blob.h — the binary layout fitted models are saved in (engine-private)
 *
 * Every saved model starts with four magic bytes and a uint32 format
 * version, then the fields its own file describes, all little-endian, so
 * that a blob saved on one machine loads on any other.  A writer appends
 * to a GByteArray.  A reader walks a blob and never reads past its end: a
 * truncated or damaged blob makes a read return FALSE, never an
 * out-of-bounds access, and the loader says which model it was.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Writing */

/* A new array holding @magic (four bytes, no NUL) and @version, with room
 * reserved for @size bytes in all (only a hint).  Append the fields with
 * the functions below; g_byte_array_free_to_bytes() makes the blob. */
GByteArray   *ax_blob_writer_new      (const char   *magic,
                                       guint32       version,
                                       gsize         size);
void          ax_blob_put_u32         (GByteArray   *b,
                                       guint32       v);
void          ax_blob_put_u64         (GByteArray   *b,
                                       guint64       v);
/* Floats and doubles are stored as their bits: they load back exactly. */
void          ax_blob_put_f32         (GByteArray   *b,
                                       float         v);
void          ax_blob_put_f64         (GByteArray   *b,
                                       double        v);
void          ax_blob_put_bytes       (GByteArray   *b,
                                       const void   *data,
                                       gsize         len);

/* Reading */

typedef struct {
  const guint8 *data;
  gsize         len;
  gsize         pos;   /* the next byte to read */
} AxBlobReader;

/* Starts reading @blob, which must outlive the reader, at its first byte. */
void          ax_blob_reader_init     (AxBlobReader *r,
                                       GBytes       *blob);
/* The bytes not read yet. */
gsize         ax_blob_reader_remaining (const AxBlobReader *r);

/* Each read returns TRUE and moves past the value, or returns FALSE and
 * leaves the reader (and *@out) as they were when too few bytes remain. */
gboolean      ax_blob_read_u32        (AxBlobReader *r,
                                       guint32      *out);
gboolean      ax_blob_read_u64        (AxBlobReader *r,
                                       guint64      *out);
gboolean      ax_blob_read_f32        (AxBlobReader *r,
                                       float        *out);
gboolean      ax_blob_read_f64        (AxBlobReader *r,
                                       double       *out);
/* TRUE and past them when the next four bytes are @magic; FALSE (not
 * moved) when they differ or fewer remain. */
gboolean      ax_blob_read_magic      (AxBlobReader *r,
                                       const char   *magic);
/* The next @len bytes, in place in the blob, or NULL (not moved) when
 * fewer remain. */
const guint8 *ax_blob_read_bytes      (AxBlobReader *r,
                                       gsize         len);

/* Sets @error to AX_LEARN_ERROR_BLOB with the message @format makes, and
 * returns NULL, for a loader's `return ax_blob_error (error, ...)`. */
gpointer      ax_blob_error           (GError      **error,
                                       const char   *format,
                                       ...) G_GNUC_PRINTF (2, 3);

G_END_DECLS
