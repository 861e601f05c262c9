/* ax-import.c — bringing a file into a project as a dataset */

#include "ax-config.h"
#include "ax-import.h"
#include "ax-store-datasets.h"
#include "ax-stats.h"

#include <glib/gi18n-lib.h>
#include <string.h>

/* Rows per frame written to the store: large enough to amortise the calls,
 * small enough to keep memory flat. */
#define CHUNK_ROWS 8192

void
ax_import_result_clear (AxImportResult *result)
{
  g_clear_pointer (&result->dataset_name, g_free);
  g_clear_pointer (&result->first_skipped, g_free);
}

char *
ax_import_name_for_file (GFile *file)
{
  g_autofree char *base = g_file_get_basename (file);
  char *dot = strrchr (base, '.');

  if (dot && dot != base)
    *dot = '\0';
  return g_steal_pointer (&base);
}

typedef struct {
  guint64  line;
  char   **fields;
} SampleRow;

static void
sample_row_free (gpointer p)
{
  /* A row and its strings are one block (read_sample). */
  g_free (p);
}

/* Reads up to @max records (kept as copies) into @sample; bad rows are
 * counted and remembered, or end the read unless @skip_bad. */
static gboolean
read_sample (AxReader     *reader,
             guint         max,
             gboolean      skip_bad,
             GPtrArray    *sample,
             guint        *n_bad,
             char        **first_bad,
             gboolean     *at_end,
             GError      **error)
{
  *at_end = FALSE;
  while (sample->len < max)
    {
      const char **fields;
      guint64 line = 0;
      GError *local = NULL;

      if (!ax_reader_next (reader, &fields, &line, &local))
        {
          if (local == NULL)
            {
              *at_end = TRUE;
              return TRUE;
            }
          if (g_error_matches (local, AX_SOURCE_ERROR, AX_SOURCE_ERROR_BAD_ROW) && skip_bad)
            {
              (*n_bad)++;
              if (*first_bad == NULL)
                *first_bad = g_strdup (local->message);
              g_error_free (local);
              continue;
            }
          g_propagate_error (error, local);
          return FALSE;
        }

      /* One allocation per row: the pointer array, then the strings. */
      gsize size = sizeof (SampleRow) + reader->n_columns * sizeof (char *);
      for (guint c = 0; c < reader->n_columns; c++)
        size += fields[c] ? strlen (fields[c]) + 1 : 0;
      SampleRow *row = g_malloc (size);
      char *p = (char *) row + sizeof (SampleRow) + reader->n_columns * sizeof (char *);
      row->line = line;
      row->fields = (char **) ((char *) row + sizeof (SampleRow));
      for (guint c = 0; c < reader->n_columns; c++)
        {
          if (fields[c] == NULL)
            {
              row->fields[c] = NULL;
              continue;
            }
          gsize n = strlen (fields[c]) + 1;
          memcpy (p, fields[c], n);
          row->fields[c] = p;
          p += n;
        }
      g_ptr_array_add (sample, row);
    }
  return TRUE;
}

/* Infers a spec per column from @sample, then applies the fixed ones of
 * @options. */
static AxColumnSpec *
decide_specs (AxReader               *reader,
              GPtrArray              *sample,
              const AxImportOptions  *options)
{
  g_autoptr(AxTypeGuesser) guesser = ax_type_guesser_new (reader->n_columns, options->missing_tokens);
  AxColumnSpec *specs = g_new0 (AxColumnSpec, reader->n_columns);

  for (guint i = 0; i < sample->len; i++)
    ax_type_guesser_add (guesser, (const char * const *) ((SampleRow *) g_ptr_array_index (sample, i))->fields);
  for (guint c = 0; c < reader->n_columns; c++)
    {
      ax_type_guesser_get (guesser, c, &specs[c]);
      if (options->specs && c < options->n_specs && options->specs[c].fixed)
        specs[c] = options->specs[c];
    }
  return specs;
}

static AxReader *
open_reader (GFile                  *file,
             const AxImportOptions  *options,
             GCancellable           *cancellable,
             GError                **error)
{
  AxReader *reader = ax_reader_open (file, &options->read, cancellable, error);

  if (reader && reader->n_columns == 0)
    {
      g_set_error_literal (error, AX_SOURCE_ERROR, AX_SOURCE_ERROR_EMPTY,
                           _("The file has no columns"));
      g_clear_pointer (&reader, ax_reader_free);
    }
  return reader;
}

void
ax_import_preview_free (AxImportPreview *preview)
{
  if (preview == NULL)
    return;
  g_strfreev (preview->names);
  g_strfreev (preview->sheets);
  g_free (preview->specs);
  g_clear_pointer (&preview->rows, g_ptr_array_unref);
  g_free (preview->first_bad);
  g_free (preview);
}

AxImportPreview *
ax_import_preview (GFile                  *file,
                   const AxImportOptions  *options,
                   guint                   max_rows,
                   GCancellable           *cancellable,
                   GError                **error)
{
  g_autoptr(AxReader) reader = open_reader (file, options, cancellable, error);
  g_autoptr(GPtrArray) sample = g_ptr_array_new_with_free_func (sample_row_free);
  g_autoptr(AxImportPreview) preview = NULL;
  gboolean at_end;

  if (reader == NULL)
    return NULL;
  preview = g_new0 (AxImportPreview, 1);
  /* The preview always looks past bad rows: it reports them instead. */
  if (!read_sample (reader, AX_INFER_SAMPLE_ROWS, TRUE, sample,
                    &preview->n_bad_rows, &preview->first_bad, &at_end, error))
    return NULL;

  preview->format = reader->format;
  preview->encoding = reader->encoding;
  preview->delimiter = reader->delimiter;
  preview->n_columns = reader->n_columns;
  preview->names = g_strdupv (reader->names);
  preview->sheets = g_strdupv (reader->sheets);
  preview->specs = decide_specs (reader, sample, options);
  preview->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  for (guint i = 0; i < sample->len && i < max_rows; i++)
    {
      SampleRow *row = g_ptr_array_index (sample, i);
      GPtrArray *copy = g_ptr_array_new_full (reader->n_columns, g_free);
      for (guint c = 0; c < reader->n_columns; c++)
        g_ptr_array_add (copy, g_strdup (row->fields[c]));
      g_ptr_array_add (preview->rows, copy);
    }
  return g_steal_pointer (&preview);
}

typedef struct {
  AxReader             *reader;
  const AxImportOptions *options;
  const char * const   *tokens;
  AxColumnSpec         *specs;
  AxFrame              *frame;
  AxDatasetWriter      *writer;
  AxStatsBuilder       *stats;
  AxImportResult       *result;
} Import;

/* Converts one record into the next row of the frame; a value that does not
 * fit removes the row again and returns FALSE. */
static gboolean
add_record (Import              *im,
            const char * const  *fields,
            guint64              line,
            GError             **error)
{
  guint r = ax_frame_append_row (im->frame);

  for (guint c = 0; c < im->frame->n_columns; c++)
    if (!ax_infer_set_value (im->frame, r, c, &im->specs[c], fields[c], im->tokens, line, error))
      {
        ax_frame_truncate (im->frame, r);
        return FALSE;
      }
  return TRUE;
}

static gboolean
flush (Import  *im,
       GError **error)
{
  if (im->frame->n_rows == 0)
    return TRUE;
  ax_stats_builder_add (im->stats, im->frame);
  if (!ax_dataset_writer_append (im->writer, im->frame, error))
    return FALSE;
  ax_frame_clear (im->frame);
  return TRUE;
}

static gboolean
handle_bad (Import  *im,
            GError  *local,
            GError **error)
{
  if (im->options->skip_bad_rows && g_error_matches (local, AX_SOURCE_ERROR, AX_SOURCE_ERROR_BAD_ROW))
    {
      im->result->n_skipped++;
      if (im->result->first_skipped == NULL)
        im->result->first_skipped = g_strdup (local->message);
      g_error_free (local);
      return TRUE;
    }
  g_propagate_error (error, local);
  return FALSE;
}

static void
report (Import         *im,
        AxProgressFunc  progress,
        gpointer        data,
        double          scale)
{
  g_autofree char *detail = NULL;
  gint64 n = ax_dataset_writer_get_n_rows (im->writer) + im->frame->n_rows;
  double fraction = im->reader->bytes_total
                  ? (double) im->reader->bytes_done / (double) im->reader->bytes_total : -1;

  detail = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Read %'" G_GINT64_FORMAT " row",
                                         "Read %'" G_GINT64_FORMAT " rows", (gulong) n), n);
  ax_progress_report (progress, data, fraction < 0 ? -1 : MIN (fraction, 1.0) * scale, detail);
}

gboolean
ax_import_file (const char             *project_path,
                GFile                  *file,
                const AxImportOptions  *options,
                AxProgressFunc          progress,
                gpointer                progress_data,
                GCancellable           *cancellable,
                AxImportResult         *result,
                GError                **error)
{
  g_autoptr(AxStore) store = NULL;
  g_autoptr(AxReader) reader = NULL;
  g_autoptr(GPtrArray) sample = g_ptr_array_new_with_free_func (sample_row_free);
  g_autoptr(AxFrame) frame = NULL;
  g_autoptr(AxStatsBuilder) stats = NULL;
  g_autofree AxColumnSpec *specs = NULL;
  g_autofree char *name = NULL;
  g_autofree char *source = g_file_get_path (file);
  guint n_bad = 0;
  gboolean at_end = FALSE;
  Import im = { 0 };
  guint sample_bad = 0;
  g_autofree char *sample_first_bad = NULL;

  memset (result, 0, sizeof *result);
  store = ax_store_open (project_path, error);
  if (store == NULL)
    return FALSE;
  reader = open_reader (file, options, cancellable, error);
  if (reader == NULL)
    return FALSE;

  ax_progress_report (progress, progress_data, 0, _("Reading the first rows"));
  /* Bad rows in the sample count the same as later ones. */
  if (!read_sample (reader, AX_INFER_SAMPLE_ROWS, options->skip_bad_rows, sample,
                    &sample_bad, &sample_first_bad, &at_end, error))
    return FALSE;
  n_bad = sample_bad;
  specs = decide_specs (reader, sample, options);

  {
    g_autofree AxColumnType *types = g_new0 (AxColumnType, reader->n_columns);
    for (guint c = 0; c < reader->n_columns; c++)
      types[c] = specs[c].type;
    frame = ax_frame_new (reader->n_columns, (const char * const *) reader->names, types, CHUNK_ROWS);
  }
  stats = ax_stats_builder_new (frame);

  if (options->name)
    {
      name = g_strstrip (g_strdup (options->name));
      if (name[0] == '\0')
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               _("A dataset needs a name; leave the name out to use the file's"));
          return FALSE;
        }
    }
  else
    {
      g_autofree char *base = ax_import_name_for_file (file);
      name = ax_store_unique_dataset_name (store, base, error);
      if (name == NULL)
        return FALSE;
    }

  im.reader = reader;
  im.options = options;
  im.tokens = options->missing_tokens ? options->missing_tokens : ax_infer_default_missing_tokens ();
  im.specs = specs;
  im.frame = frame;
  im.stats = stats;
  im.result = result;
  result->n_skipped = n_bad;
  result->first_skipped = g_steal_pointer (&sample_first_bad);

  im.writer = ax_dataset_writer_begin (store, name, frame,
                                       source ? source : g_file_peek_path (file),
                                       ax_file_format_to_string (reader->format),
                                       ax_encoding_to_string (reader->encoding), error);
  if (im.writer == NULL)
    return FALSE;

  /* The sample first, then the rest of the file. */
  for (guint i = 0; i < sample->len; i++)
    {
      SampleRow *row = g_ptr_array_index (sample, i);
      GError *local = NULL;
      if (!add_record (&im, (const char * const *) row->fields, row->line, &local) &&
          !handle_bad (&im, local, error))
        goto fail;
      if (frame->n_rows == CHUNK_ROWS && !flush (&im, error))
        goto fail;
    }
  g_ptr_array_set_size (sample, 0);

  while (!at_end)
    {
      const char **fields;
      guint64 line = 0;
      GError *local = NULL;

      if (!ax_reader_next (reader, &fields, &line, &local))
        {
          if (local == NULL)
            break;
          if (!handle_bad (&im, local, error))
            goto fail;
          continue;
        }
      if (!add_record (&im, fields, line, &local) && !handle_bad (&im, local, error))
        goto fail;
      if (frame->n_rows == CHUNK_ROWS)
        {
          if (g_cancellable_set_error_if_cancelled (cancellable, error) || !flush (&im, error))
            goto fail;
          report (&im, progress, progress_data, 0.9);
        }
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error) || !flush (&im, error))
    goto fail;

  /* Second pass over what was written, for the histograms. */
  ax_progress_report (progress, progress_data, 0.9, _("Computing column statistics"));
  ax_stats_builder_begin_histograms (stats);
  {
    const AxDatasetInfo *info = ax_dataset_writer_get_info (im.writer);
    for (gint64 first = 0; first < info->n_rows; first += 65536)
      {
        g_autoptr(AxFrame) chunk = ax_store_read_rows (store, info, first, 65536, error);
        if (chunk == NULL || g_cancellable_set_error_if_cancelled (cancellable, error))
          goto fail;
        ax_stats_builder_add (stats, chunk);
      }
  }

  /* A column that looked categorical in the sample but has many more
   * distinct values over the whole file is text. */
  for (guint c = 0; c < frame->n_columns; c++)
    {
      const AxColumnStats *s = ax_stats_builder_get (stats, c);
      if (frame->columns[c].type == AX_COLUMN_CATEGORICAL && !specs[c].fixed &&
          (s->distinct_capped || s->n_distinct > AX_INFER_MAX_CATEGORIES))
        frame->columns[c].type = AX_COLUMN_TEXT;
    }

  result->n_rows = ax_dataset_writer_get_n_rows (im.writer);
  if (!ax_dataset_writer_commit (g_steal_pointer (&im.writer), frame, stats,
                                 result->n_skipped, &result->dataset_id, error))
    return FALSE;
  result->dataset_name = g_steal_pointer (&name);
  ax_progress_report (progress, progress_data, 1.0, NULL);
  return TRUE;

fail:
  ax_dataset_writer_abort (im.writer);
  return FALSE;
}
