/* ax-text-input.h — reading a text file as UTF-8 whatever its encoding
 *
 * Detects the encoding from the first bytes: a UTF-8 byte order mark (dropped),
 * UTF-16 LE/BE with a byte order mark (converted), valid UTF-8, or else
 * Windows-1252 (a superset of Latin-1 for printable text, converted).  Read
 * calls then return UTF-8 only.
 */
#pragma once

#include <gio/gio.h>
#include "ax-reader.h"

G_BEGIN_DECLS

typedef struct _AxTextInput AxTextInput;

AxTextInput *ax_text_input_open         (GFile         *file,
                                         GCancellable  *cancellable,
                                         GError       **error);
void         ax_text_input_free         (AxTextInput   *self);

/* Reads up to @size bytes of UTF-8 into @buf; returns 0 at the end of the
 * file and -1 with @error set on failure.  A multi-byte character may be
 * split across two reads. */
gssize       ax_text_input_read         (AxTextInput   *self,
                                         char          *buf,
                                         gsize          size,
                                         GCancellable  *cancellable,
                                         GError       **error);

AxEncoding   ax_text_input_get_encoding (AxTextInput   *self);

/* Bytes of the file consumed so far, and its size (0 if unknown). */
guint64      ax_text_input_get_position (AxTextInput   *self);
guint64      ax_text_input_get_size     (AxTextInput   *self);

/* If @str is not valid UTF-8, replaces it with its
 * Windows-1252 reading and returns TRUE.  For files whose first block was
 * UTF-8 but that hold a stray Latin-1 byte further on. */
gboolean     ax_text_repair_utf8        (GString       *str);

/* Converts Windows-1252 bytes to UTF-8, appending to @out. */
void         ax_text_append_cp1252      (GString       *out,
                                         const char    *bytes,
                                         gsize          len);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AxTextInput, ax_text_input_free)

G_END_DECLS
