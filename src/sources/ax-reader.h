/* ax-reader.h — the record stream every file importer provides
 *
 * A reader turns a file into a header (column names) and a stream of
 * records, each an array of UTF-8 strings, one per column, NULL where the
 * file has no value (a JSON null, a missing key, an empty XLSX cell).  Type
 * inference and conversion into frames happen after the reader, the same
 * way for every format (ax-infer.h, ax-import in core).
 *
 * One file per format: ax-reader-csv.c, ax-reader-json.c (JSON and NDJSON),
 * ax-reader-xlsx.c.  ax_reader_open() picks one.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define AX_SOURCE_ERROR (ax_source_error_quark ())

typedef enum {
  AX_SOURCE_ERROR_FAILED,
  AX_SOURCE_ERROR_UNKNOWN_FORMAT,   /* cannot tell or read this kind of file */
  AX_SOURCE_ERROR_MALFORMED,        /* the file as a whole is broken: stop */
  AX_SOURCE_ERROR_BAD_ROW,          /* one record is broken; the reader has
                                     * skipped it and next() may be called again */
  AX_SOURCE_ERROR_NO_SHEET,         /* XLSX: the named sheet does not exist */
  AX_SOURCE_ERROR_EMPTY,            /* no columns at all */
} AxSourceError;

GQuark ax_source_error_quark (void);

typedef enum {
  AX_FORMAT_AUTO,
  AX_FORMAT_CSV,      /* any delimiter: comma, semicolon, tab, pipe (sniffed) */
  AX_FORMAT_TSV,      /* CSV with a tab delimiter */
  AX_FORMAT_JSON,     /* an array of objects */
  AX_FORMAT_NDJSON,   /* one object per line */
  AX_FORMAT_XLSX,
} AxFileFormat;

typedef enum {
  AX_ENCODING_UTF8,
  AX_ENCODING_UTF8_BOM,
  AX_ENCODING_UTF16LE,
  AX_ENCODING_UTF16BE,
  AX_ENCODING_WINDOWS_1252,
} AxEncoding;

typedef struct {
  AxFileFormat  format;        /* AX_FORMAT_AUTO: from the name, then the content */
  char          delimiter;     /* CSV: 0 sniffs it */
  const char   *sheet;         /* XLSX: NULL for the first sheet */
  gboolean      no_header;     /* CSV/XLSX: the first row is data, columns are
                                * named column_1, column_2, ... */
  guint         skip_rows;     /* CSV/XLSX: rows to skip before the header */
} AxReadOptions;

typedef struct _AxReader AxReader;

typedef struct {
  /* Reads the next record.  On TRUE, *fields holds n_columns strings (or
   * NULL for missing values) owned by the reader, valid until the next call,
   * and *line the 1-based line (CSV, JSON, NDJSON) or row (XLSX)
   * number where the record starts.  On FALSE, @error is unset at the end of
   * the input; AX_SOURCE_ERROR_BAD_ROW means this record was skipped and
   * reading may go on; any other error ends the stream. */
  gboolean (*next) (AxReader      *self,
                    const char  ***fields,
                    guint64       *line,
                    GError       **error);
  void     (*free) (AxReader      *self);
} AxReaderVTable;

struct _AxReader {
  const AxReaderVTable *vtable;
  AxFileFormat          format;     /* the format actually read */
  AxEncoding            encoding;   /* text formats: what was detected */
  char                  delimiter;  /* CSV: what was used */
  guint                 n_columns;
  char                **names;      /* n_columns unique, non-empty names (+ NULL) */
  char                **sheets;     /* XLSX: every sheet's name (+ NULL), else NULL */
  guint64               bytes_total;/* size of the file, 0 if unknown */
  guint64               bytes_done; /* how far reading has got, for progress */
};

/* Opens @file and reads as far as the header.  Errors are for a person:
 * "Sheet “Q3” does not exist", "The file is not valid JSON: line 3 ...". */
AxReader     *ax_reader_open          (GFile                *file,
                                       const AxReadOptions  *options,
                                       GCancellable         *cancellable,
                                       GError              **error);

static inline gboolean
ax_reader_next (AxReader      *self,
                const char  ***fields,
                guint64       *line,
                GError       **error)
{
  return self->vtable->next (self, fields, line, error);
}

void          ax_reader_free          (AxReader             *self);

/* Guesses the format from the file name, then from the first bytes. */
AxFileFormat  ax_file_format_guess    (const char           *filename,
                                       const guint8         *head,
                                       gsize                 head_len);
const char   *ax_file_format_to_string   (AxFileFormat format);
gboolean      ax_file_format_from_string (const char   *str,
                                          AxFileFormat *out_format);
const char   *ax_encoding_to_string   (AxEncoding            encoding);

/* Helpers for reader implementations. */

/* Fills reader->names from @raw (n entries, NULL or "" allowed): empty names
 * become column_<i>, repeated names get _2, _3, ... */
void          ax_reader_set_names     (AxReader             *self,
                                       char                **raw,
                                       guint                 n);

/* Frees the fields common to every reader; implementations call it last. */
void          ax_reader_clear         (AxReader             *self);

/* Per-format constructors, called by ax_reader_open(). */
AxReader     *ax_reader_csv_new       (GFile *file, const AxReadOptions *options,
                                       GCancellable *cancellable, GError **error);
AxReader     *ax_reader_json_new      (GFile *file, const AxReadOptions *options,
                                       gboolean ndjson,
                                       GCancellable *cancellable, GError **error);
AxReader     *ax_reader_xlsx_new      (GFile *file, const AxReadOptions *options,
                                       GCancellable *cancellable, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AxReader, ax_reader_free)

G_END_DECLS
