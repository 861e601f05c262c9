/* ax-export.c — writing a dataset out as CSV */

#include "ax-config.h"
#include "ax-export.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

void
ax_export_append_field (GString    *out,
                        const char *value)
{
  gsize len = strlen (value);
  gboolean quote = len > 0 && (g_ascii_isspace (value[0]) || g_ascii_isspace (value[len - 1]));

  if (!quote)
    quote = strpbrk (value, ",\"\r\n") != NULL;
  if (!quote)
    {
      g_string_append_len (out, value, (gssize) len);
      return;
    }
  g_string_append_c (out, '"');
  for (const char *p = value; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

void
ax_export_append_number (GString *out,
                         double   v)
{
  char buf[64];

  if (!isfinite (v))
    return;
  ax_format_real (v, buf, sizeof buf);
  g_string_append (out, buf);
}

void
ax_export_append_value (GString        *out,
                        const AxColumn *col,
                        guint           r)
{
  char buf[64];
  const char *text = ax_column_format_value (col, r, buf, sizeof buf);

  if (text == NULL)
    return;
  /* Only text may hold what CSV must quote; numbers and dates never do. */
  if (col->strings != NULL)
    ax_export_append_field (out, text);
  else
    g_string_append (out, text);
}

gboolean
ax_export_is_project_file (const char *project_path,
                           GFile      *file)
{
  g_autofree char *path = g_file_get_path (file);
  GStatBuf a, b;

  if (project_path == NULL || path == NULL ||
      g_stat (project_path, &a) != 0 || g_stat (path, &b) != 0)
    return FALSE;
  return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

gboolean
ax_export_csv (const char     *project_path,
               const char     *name,
               GFile          *dest,
               AxProgressFunc  progress,
               gpointer        progress_data,
               GCancellable   *cancellable,
               GError        **error)
{
  g_autoptr(AxStore) store = ax_store_open (project_path, error);
  g_autoptr(AxDatasetInfo) info = NULL;
  g_autoptr(GFileOutputStream) out = NULL;
  g_autoptr(GString) buf = g_string_sized_new (1 << 20);
  g_autoptr(GCancellable) abandon = g_cancellable_new ();

  if (store == NULL)
    return FALSE;
  info = ax_store_get_dataset (store, 0, name, error);
  if (info == NULL)
    return FALSE;
  if (ax_export_is_project_file (project_path, dest))
    {
      g_autofree char *base = g_path_get_basename (project_path);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   _("Will not write “%s” over the project “%s” itself; choose another file"), name, base);
      return FALSE;
    }
  /* g_file_replace writes a temporary file and renames it on close. */
  out = g_file_replace (dest, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION, cancellable, error);
  if (out == NULL)
    return FALSE;

  for (guint c = 0; c < info->n_columns; c++)
    {
      if (c)
        g_string_append_c (buf, ',');
      ax_export_append_field (buf, info->columns[c].name);
    }
  g_string_append (buf, "\r\n");

  for (gint64 first = 0; first < info->n_rows; first += 8192)
    {
      g_autoptr(AxFrame) frame = ax_store_read_rows (store, info, first, 8192, error);
      if (frame == NULL)
        goto fail;
      for (guint r = 0; r < frame->n_rows; r++)
        {
          for (guint c = 0; c < frame->n_columns; c++)
            {
              if (c)
                g_string_append_c (buf, ',');
              ax_export_append_value (buf, &frame->columns[c], r);
            }
          g_string_append (buf, "\r\n");
        }
      if (!g_output_stream_write_all (G_OUTPUT_STREAM (out), buf->str, buf->len, NULL, cancellable, error))
        goto fail;
      g_string_truncate (buf, 0);
      ax_progress_report (progress, progress_data, (double) (first + frame->n_rows) / (double) MAX (info->n_rows, 1), NULL);
    }
  if (!g_output_stream_write_all (G_OUTPUT_STREAM (out), buf->str, buf->len, NULL, cancellable, error))
    goto fail;
  return g_output_stream_close (G_OUTPUT_STREAM (out), cancellable, error);

fail:
  /* Closing with a cancelled cancellable drops the temporary file. */
  g_cancellable_cancel (abandon);
  g_output_stream_close (G_OUTPUT_STREAM (out), abandon, NULL);
  return FALSE;
}

/* Reading a dataset as records */

#define READER_CHUNK 8192

typedef struct {
  AxReader        base;
  AxStore        *store;
  AxDatasetInfo  *info;
  AxFrame        *frame;      /* the chunk being read */
  gint64          first;      /* its first row */
  guint           next;       /* its next row */
  const char    **fields;
  char           *bufs;       /* 64 bytes per column */
} DatasetReader;

static gboolean
dataset_reader_next (AxReader      *reader,
                     const char  ***fields,
                     guint64       *line,
                     GError       **error)
{
  DatasetReader *self = (DatasetReader *) reader;

  if (self->frame == NULL || self->next >= self->frame->n_rows)
    {
      if (self->frame != NULL)
        self->first += self->frame->n_rows;
      g_clear_pointer (&self->frame, ax_frame_free);
      if (self->first >= self->info->n_rows)
        return FALSE;
      self->frame = ax_store_read_rows (self->store, self->info, self->first, READER_CHUNK, error);
      if (self->frame == NULL || self->frame->n_rows == 0)
        return FALSE;
      self->next = 0;
    }
  for (guint c = 0; c < reader->n_columns; c++)
    self->fields[c] = ax_column_format_value (&self->frame->columns[c], self->next,
                                              self->bufs + (gsize) c * 64, 64);
  *fields = self->fields;
  *line = (guint64) (self->first + self->next) + 2;
  self->next++;
  reader->bytes_done = (guint64) (self->first + self->next);
  return TRUE;
}

static void
dataset_reader_free (AxReader *reader)
{
  DatasetReader *self = (DatasetReader *) reader;

  g_clear_pointer (&self->frame, ax_frame_free);
  g_clear_pointer (&self->info, ax_dataset_info_free);
  g_clear_pointer (&self->store, ax_store_close);
  g_free (self->fields);
  g_free (self->bufs);
  ax_reader_clear (reader);
  g_free (self);
}

static const AxReaderVTable dataset_reader_vtable = {
  dataset_reader_next,
  dataset_reader_free,
};

AxReader *
ax_export_dataset_reader (const char  *project_path,
                          const char  *name,
                          GError     **error)
{
  g_autoptr(AxStore) store = ax_store_open (project_path, error);
  g_autoptr(AxDatasetInfo) info = NULL;
  g_autofree char **names = NULL;
  DatasetReader *self;

  if (store == NULL || (info = ax_store_get_dataset (store, 0, name, error)) == NULL)
    return NULL;
  self = g_new0 (DatasetReader, 1);
  self->base.vtable = &dataset_reader_vtable;
  self->base.format = AX_FORMAT_CSV;
  self->base.delimiter = ',';
  names = g_new0 (char *, info->n_columns + 1);
  for (guint c = 0; c < info->n_columns; c++)
    names[c] = info->columns[c].name;
  ax_reader_set_names (&self->base, names, info->n_columns);
  self->base.bytes_total = (guint64) info->n_rows;
  self->fields = g_new0 (const char *, info->n_columns + 1);
  self->bufs = g_new (char, (gsize) MAX (info->n_columns, 1) * 64);
  self->store = g_steal_pointer (&store);
  self->info = g_steal_pointer (&info);
  return &self->base;
}
