/* ax-reader.c — choosing a reader, and what every reader shares */

#include "ax-config.h"
#include "ax-reader.h"

#include <glib/gi18n-lib.h>
#include <string.h>

G_DEFINE_QUARK (ax-source-error-quark, ax_source_error)

static const char *const format_names[] = {
  "auto", "csv", "tsv", "json", "ndjson", "xlsx",
};

const char *
ax_file_format_to_string (AxFileFormat format)
{
  g_return_val_if_fail (format <= AX_FORMAT_XLSX, "auto");
  return format_names[format];
}

gboolean
ax_file_format_from_string (const char   *str,
                            AxFileFormat *out_format)
{
  for (guint i = 0; i < G_N_ELEMENTS (format_names); i++)
    if (g_ascii_strcasecmp (str, format_names[i]) == 0)
      {
        *out_format = i;
        return TRUE;
      }
  return FALSE;
}

const char *
ax_encoding_to_string (AxEncoding encoding)
{
  switch (encoding)
    {
    case AX_ENCODING_UTF8:         return "UTF-8";
    case AX_ENCODING_UTF8_BOM:     return "UTF-8 (BOM)";
    case AX_ENCODING_UTF16LE:      return "UTF-16LE";
    case AX_ENCODING_UTF16BE:      return "UTF-16BE";
    case AX_ENCODING_WINDOWS_1252: return "Windows-1252";
    default:                       return "UTF-8";
    }
}

AxFileFormat
ax_file_format_guess (const char   *filename,
                      const guint8 *head,
                      gsize         head_len)
{
  g_autofree char *lower = g_ascii_strdown (filename ? filename : "", -1);
  gsize i = 0;

  /* Spreadsheets: .xlsm is XLSX with macros; an old .xls (or a
   * password-protected workbook, the same kind of file) goes to the XLSX
   * reader too, which says what to do with it. */
  if (g_str_has_suffix (lower, ".xlsx") || g_str_has_suffix (lower, ".xlsm") ||
      g_str_has_suffix (lower, ".xls"))
    return AX_FORMAT_XLSX;
  if (g_str_has_suffix (lower, ".ndjson") || g_str_has_suffix (lower, ".jsonl"))
    return AX_FORMAT_NDJSON;
  if (g_str_has_suffix (lower, ".json"))
    return AX_FORMAT_JSON;
  if (g_str_has_suffix (lower, ".tsv") || g_str_has_suffix (lower, ".tab"))
    return AX_FORMAT_TSV;
  if (g_str_has_suffix (lower, ".csv") || g_str_has_suffix (lower, ".txt"))
    return AX_FORMAT_CSV;

  /* No telling name: look at the content. */
  if (head_len >= 4 && memcmp (head, "PK\003\004", 4) == 0)
    return AX_FORMAT_XLSX;
  if (head_len >= 8 && memcmp (head, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0)
    return AX_FORMAT_XLSX;
  if (head_len >= 3 && memcmp (head, "\xEF\xBB\xBF", 3) == 0)
    i = 3;
  while (i < head_len && g_ascii_isspace (head[i]))
    i++;
  if (i < head_len && head[i] == '[')
    return AX_FORMAT_JSON;
  if (i < head_len && head[i] == '{')
    return AX_FORMAT_NDJSON;
  return AX_FORMAT_CSV;
}

AxReader *
ax_reader_open (GFile                *file,
                const AxReadOptions  *options,
                GCancellable         *cancellable,
                GError              **error)
{
  AxReadOptions opts = *options;

  if (opts.format == AX_FORMAT_AUTO)
    {
      g_autofree char *name = g_file_get_basename (file);
      g_autoptr(GFileInputStream) in = g_file_read (file, cancellable, error);
      guint8 head[64];
      gsize n = 0;

      if (in == NULL)
        return NULL;
      if (!g_input_stream_read_all (G_INPUT_STREAM (in), head, sizeof head, &n, cancellable, error))
        return NULL;
      opts.format = ax_file_format_guess (name, head, n);
    }

  switch (opts.format)
    {
    case AX_FORMAT_TSV:
      opts.delimiter = '\t';
      G_GNUC_FALLTHROUGH;
    case AX_FORMAT_CSV:
      return ax_reader_csv_new (file, &opts, cancellable, error);
    case AX_FORMAT_JSON:
      return ax_reader_json_new (file, &opts, FALSE, cancellable, error);
    case AX_FORMAT_NDJSON:
      return ax_reader_json_new (file, &opts, TRUE, cancellable, error);
    case AX_FORMAT_XLSX:
      return ax_reader_xlsx_new (file, &opts, cancellable, error);
    case AX_FORMAT_AUTO:
    default:
      g_set_error (error, AX_SOURCE_ERROR, AX_SOURCE_ERROR_UNKNOWN_FORMAT,
                   _("Unknown file format"));
      return NULL;
    }
}

void
ax_reader_free (AxReader *self)
{
  if (self != NULL)
    self->vtable->free (self);
}

void
ax_reader_set_names (AxReader  *self,
                     char     **raw,
                     guint      n)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  g_strfreev (self->names);
  self->n_columns = n;
  self->names = g_new0 (char *, n + 1);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *base = raw[i] ? g_strstrip (g_strdup (raw[i])) : NULL;
      char *name;

      if (base == NULL || base[0] == '\0')
        {
          g_free (base);
          base = g_strdup_printf ("column_%u", i + 1);
        }
      name = g_strdup (base);
      for (guint k = 2; g_hash_table_contains (seen, name); k++)
        {
          g_free (name);
          name = g_strdup_printf ("%s_%u", base, k);
        }
      self->names[i] = name;
      g_hash_table_add (seen, name);
    }
}

void
ax_reader_clear (AxReader *self)
{
  g_clear_pointer (&self->names, g_strfreev);
  g_clear_pointer (&self->sheets, g_strfreev);
}
