/* ax-import.c — bringing a file into a project as a dataset */

#include "ax-config.h"
#include "ax-import.h"
#include "ax-store-datasets.h"
#include "ax-stats.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

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

/* Keeping the numeric values aside for the histograms, whose bins need
 * the final range: records of { column, count, count doubles }, the first
 * SPILL_MEMORY bytes in memory and the rest in a temporary file next to the
 * project (on the disk that receives the dataset anyway, rather than a
 * /tmp that may be in memory).  The file's name is removed as soon as it
 * is made, so nothing is left behind however the import ends.  8 bytes per
 * value, read back once: much less than reading the written rows again. */
#define SPILL_MEMORY (1024 * 1024)
#define SPILL_RECORD 8192

typedef struct {
  guint32 col;
  guint32 n;
} SpillHeader;

typedef struct {
  char       *dir;
  GByteArray *buf;
  int         fd;
} Spill;

static void
spill_init (Spill      *spill,
            const char *project_path)
{
  spill->dir = g_path_get_dirname (project_path);
  spill->buf = g_byte_array_new ();
  spill->fd = -1;
}

static void
spill_clear (Spill *spill)
{
  g_clear_pointer (&spill->dir, g_free);
  g_clear_pointer (&spill->buf, g_byte_array_unref);
  if (spill->fd >= 0)
    close (spill->fd);
  spill->fd = -1;
}

static gboolean
spill_error (Spill   *spill,
             int      errsv,
             GError **error)
{
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
               _("Could not keep temporary data for the column statistics in “%s”: %s"),
               spill->dir, g_strerror (errsv));
  return FALSE;
}

/* Moves what is kept in memory to the file. */
static gboolean
spill_write (Spill   *spill,
             GError **error)
{
  gsize done = 0;

  if (spill->fd < 0)
    {
      /* An anonymous file beside the project: it has no name to clean up
       * and disappears with the process, however that ends.  Where the
       * file system cannot make one, an unlinked file in the temporary
       * folder does the same. */
      spill->fd = open (spill->dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
      if (spill->fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL))
        {
          g_autofree char *path = NULL;
          spill->fd = g_file_open_tmp (NULL, &path, NULL);
          if (spill->fd >= 0)
            g_unlink (path);
        }
      if (spill->fd < 0)
        return spill_error (spill, errno, error);
    }
  while (done < spill->buf->len)
    {
      gssize n = write (spill->fd, spill->buf->data + done, spill->buf->len - done);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return spill_error (spill, n < 0 ? errno : ENOSPC, error);
      done += (gsize) n;
    }
  g_byte_array_set_size (spill->buf, 0);
  return TRUE;
}

/* Keeps the values of the numeric columns of @frame. */
static gboolean
spill_add (Spill          *spill,
           const AxFrame  *frame,
           GError        **error)
{
  for (guint c = 0; c < frame->n_columns; c++)
    {
      const AxColumn *col = &frame->columns[c];

      if (!ax_column_type_is_numeric (col->type))
        continue;
      for (guint r = 0; r < frame->n_rows; )
        {
          guint end = MIN (frame->n_rows, r + SPILL_RECORD);
          gsize at = spill->buf->len;
          SpillHeader h = { c, 0 };
          double *out;

          /* Records are multiples of 8 bytes in malloc'd memory, so the
           * doubles are aligned. */
          g_byte_array_set_size (spill->buf, at + sizeof h + (end - r) * sizeof (double));
          out = (double *) (gpointer) (spill->buf->data + at + sizeof h);
          for (; r < end; r++)
            if (!col->missing[r])
              out[h.n++] = col->type == AX_COLUMN_REAL ? col->reals[r] : (double) col->ints[r];
          memcpy (spill->buf->data + at, &h, sizeof h);
          g_byte_array_set_size (spill->buf, h.n ? at + sizeof h + h.n * sizeof (double) : at);
        }
    }
  return spill->buf->len < SPILL_MEMORY || spill_write (spill, error);
}

/* Gives the records of @data (@len bytes, whole records first) to @stats;
 * returns how many bytes it used. */
static gsize
spill_replay_records (AxStatsBuilder *stats,
                      const guint8   *data,
                      gsize           len)
{
  gsize at = 0;

  while (at + sizeof (SpillHeader) <= len)
    {
      SpillHeader h;
      memcpy (&h, data + at, sizeof h);
      if (at + sizeof h + (gsize) h.n * sizeof (double) > len)
        break;
      ax_stats_builder_add_values (stats, h.col, (const double *) (gconstpointer) (data + at + sizeof h), h.n);
      at += sizeof h + (gsize) h.n * sizeof (double);
    }
  return at;
}

/* Bins every kept value: the file's, then the memory's. */
static gboolean
spill_replay (Spill           *spill,
              AxStatsBuilder  *stats,
              GError         **error)
{
  if (spill->fd >= 0)
    {
      g_autofree guint8 *chunk = g_malloc (SPILL_MEMORY);
      gsize have = 0;

      if (lseek (spill->fd, 0, SEEK_SET) < 0)
        return spill_error (spill, errno, error);
      for (;;)
        {
          gssize n = read (spill->fd, chunk + have, SPILL_MEMORY - have);
          gsize used;
          if (n < 0 && errno == EINTR)
            continue;
          if (n < 0)
            return spill_error (spill, errno, error);
          if (n == 0)
            break;
          have += (gsize) n;
          used = spill_replay_records (stats, chunk, have);
          memmove (chunk, chunk + used, have - used);
          have -= used;
        }
      /* The file holds whole records only. */
      if (have > 0)
        return spill_error (spill, EIO, error);
    }
  spill_replay_records (stats, spill->buf->data, spill->buf->len);
  return TRUE;
}

/* Frames go from the thread that reads and converts (the caller's) to one
 * that writes them, through a queue: while SQLite stores one chunk, the
 * next is being read.  N_FRAMES frames in all, so memory stays bounded:
 * one being filled, one being written, one waiting. */
#define N_FRAMES 3

/* Frames of about CHUNK_CELLS values: large enough to amortise the calls
 * and the hand-over, small enough to keep memory flat however wide the
 * file is. */
#define CHUNK_CELLS (8192 * 16)
#define CHUNK_ROWS_MAX 8192

static const char end_of_frames[] = "end";

typedef struct {
  AxDatasetWriter *writer;
  GAsyncQueue     *full;     /* frames to write, then end_of_frames */
  GAsyncQueue     *empty;    /* frames written and cleared */
  GError          *error;    /* the writer's, read after the join */
  gint             failed;   /* atomic */
} Pipe;

static gpointer
write_frames (gpointer data)
{
  Pipe *pipe = data;

  for (;;)
    {
      AxFrame *frame = g_async_queue_pop (pipe->full);
      if (frame == (gpointer) end_of_frames)
        return NULL;
      if (!g_atomic_int_get (&pipe->failed) && !ax_dataset_writer_append (pipe->writer, frame, &pipe->error))
        g_atomic_int_set (&pipe->failed, TRUE);
      ax_frame_clear (frame);
      g_async_queue_push (pipe->empty, frame);
    }
}

typedef struct {
  AxReader             *reader;
  const AxImportOptions *options;
  const char * const   *tokens;
  AxColumnSpec         *specs;
  AxFrame              *frame;     /* being filled */
  guint                 chunk_rows;
  Pipe                  pipe;
  GThread              *thread;
  AxStatsBuilder       *stats;
  Spill                 spill;
  gint64                n_rows;    /* rows handed to the writer */
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

/* Hands the frame to the writer and takes an empty one. */
static gboolean
flush (Import  *im,
       GError **error)
{
  AxFrame *next;

  if (im->frame->n_rows == 0)
    return TRUE;
  ax_stats_builder_add (im->stats, im->frame);
  if (!spill_add (&im->spill, im->frame, error))
    return FALSE;
  im->n_rows += im->frame->n_rows;
  g_async_queue_push (im->pipe.full, g_steal_pointer (&im->frame));
  next = g_async_queue_pop (im->pipe.empty);
  /* Columns widened from integer to real since this frame was last
   * filled. */
  for (guint c = 0; c < next->n_columns; c++)
    if (im->specs[c].type == AX_COLUMN_REAL && next->columns[c].type == AX_COLUMN_INTEGER)
      ax_frame_column_to_real (next, c);
  im->frame = next;
  /* The writer's error is reported once it has stopped. */
  return !g_atomic_int_get (&im->pipe.failed);
}

/* Stops the writing thread (after what was queued) and frees the frames;
 * FALSE with the writer's error if writing failed. */
static gboolean
stop_writer (Import  *im,
             GError **error)
{
  AxFrame *frame;

  if (im->thread == NULL)
    return TRUE;
  g_async_queue_push (im->pipe.full, (gpointer) end_of_frames);
  g_thread_join (g_steal_pointer (&im->thread));
  while ((frame = g_async_queue_try_pop (im->pipe.empty)) != NULL)
    ax_frame_free (frame);
  g_clear_pointer (&im->frame, ax_frame_free);
  if (im->pipe.error)
    {
      g_propagate_error (error, g_steal_pointer (&im->pipe.error));
      return FALSE;
    }
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
  gint64 n = im->n_rows + im->frame->n_rows;
  double fraction = im->reader->bytes_total
                  ? (double) im->reader->bytes_done / (double) im->reader->bytes_total : -1;

  detail = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Read %'" G_GINT64_FORMAT " row",
                                         "Read %'" G_GINT64_FORMAT " rows", (gulong) n), n);
  ax_progress_report (progress, data, fraction < 0 ? -1 : MIN (fraction, 1.0) * scale, detail);
}

/* Reads the sample's rows, then the rest of the file, into frames handed
 * to the writing thread. */
static gboolean
convert_all (Import       *im,
             GPtrArray    *sample,
             gboolean      at_end,
             AxProgressFunc progress,
             gpointer      progress_data,
             GCancellable *cancellable,
             GError      **error)
{
  for (guint i = 0; i < sample->len; i++)
    {
      SampleRow *row = g_ptr_array_index (sample, i);
      GError *local = NULL;
      if (!add_record (im, (const char * const *) row->fields, row->line, &local) &&
          !handle_bad (im, local, error))
        return FALSE;
      if (im->frame->n_rows == im->chunk_rows && !flush (im, error))
        return FALSE;
    }
  g_ptr_array_set_size (sample, 0);

  while (!at_end)
    {
      const char **fields;
      guint64 line = 0;
      GError *local = NULL;

      if (!ax_reader_next (im->reader, &fields, &line, &local))
        {
          if (local == NULL)
            break;
          if (!handle_bad (im, local, error))
            return FALSE;
          continue;
        }
      if (!add_record (im, fields, line, &local) && !handle_bad (im, local, error))
        return FALSE;
      if (im->frame->n_rows == im->chunk_rows)
        {
          if (g_cancellable_set_error_if_cancelled (cancellable, error) || !flush (im, error))
            return FALSE;
          report (im, progress, progress_data, 0.95);
        }
    }
  return !g_cancellable_set_error_if_cancelled (cancellable, error) && flush (im, error);
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
  g_autoptr(AxFrame) like = NULL;
  g_autoptr(AxStatsBuilder) stats = NULL;
  g_autofree AxColumnSpec *specs = NULL;
  g_autofree char *name = NULL;
  g_autofree char *source = g_file_get_path (file);
  AxDatasetWriter *writer;
  gboolean ok;
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
    like = ax_frame_new (reader->n_columns, (const char * const *) reader->names, types, 0);
  }
  stats = ax_stats_builder_new (like);

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
  im.stats = stats;
  im.result = result;
  im.chunk_rows = CLAMP (CHUNK_CELLS / reader->n_columns, 64, CHUNK_ROWS_MAX);
  result->n_skipped = n_bad;
  result->first_skipped = g_steal_pointer (&sample_first_bad);

  writer = ax_dataset_writer_begin (store, name, like,
                                    source ? source : g_file_peek_path (file),
                                    ax_file_format_to_string (reader->format),
                                    ax_encoding_to_string (reader->encoding), error);
  if (writer == NULL)
    return FALSE;

  spill_init (&im.spill, project_path);
  im.pipe.writer = writer;
  im.pipe.full = g_async_queue_new ();
  im.pipe.empty = g_async_queue_new ();
  {
    g_autofree AxColumnType *types = g_new0 (AxColumnType, reader->n_columns);
    for (guint c = 0; c < reader->n_columns; c++)
      types[c] = specs[c].type;
    for (guint i = 1; i < N_FRAMES; i++)
      g_async_queue_push (im.pipe.empty, ax_frame_new (reader->n_columns, (const char * const *) reader->names,
                                                       types, im.chunk_rows));
    im.frame = ax_frame_new (reader->n_columns, (const char * const *) reader->names, types, im.chunk_rows);
  }
  im.thread = g_thread_try_new ("ax-import-writer", write_frames, &im.pipe, error);
  if (im.thread == NULL)
    goto fail;

  if (!convert_all (&im, sample, at_end, progress, progress_data, cancellable, error))
    goto fail;
  if (!stop_writer (&im, error))
    goto fail;

  /* The histograms, from the values kept aside. */
  ax_progress_report (progress, progress_data, 0.95, _("Computing column statistics"));
  ax_stats_builder_begin_histograms (stats);
  if (!spill_replay (&im.spill, stats, error))
    goto fail;

  for (guint c = 0; c < like->n_columns; c++)
    {
      const AxColumnStats *s = ax_stats_builder_get (stats, c);
      if (specs[c].type == AX_COLUMN_REAL && like->columns[c].type == AX_COLUMN_INTEGER)
        ax_frame_column_to_real (like, c);
      /* A column that looked categorical in the sample but has many more
       * distinct values over the whole file is text. */
      if (like->columns[c].type == AX_COLUMN_CATEGORICAL && !specs[c].fixed &&
          (s->distinct_capped || s->n_distinct > AX_INFER_MAX_CATEGORIES))
        like->columns[c].type = AX_COLUMN_TEXT;
    }

  result->n_rows = ax_dataset_writer_get_n_rows (writer);
  ok = ax_dataset_writer_commit (g_steal_pointer (&writer), like, stats,
                                 result->n_skipped, &result->dataset_id, error);
  if (ok)
    {
      result->dataset_name = g_steal_pointer (&name);
      ax_progress_report (progress, progress_data, 1.0, NULL);
    }
  goto done;

fail:
  /* The writing thread stops before its transaction is rolled back.  When
   * converting stopped because writing had failed, the writer's error is
   * the one to report. */
  stop_writer (&im, error != NULL && *error == NULL ? error : NULL);
  {
    AxFrame *frame;
    while ((frame = g_async_queue_try_pop (im.pipe.empty)) != NULL)
      ax_frame_free (frame);
    g_clear_pointer (&im.frame, ax_frame_free);
  }
  ax_dataset_writer_abort (writer);
  ok = FALSE;

done:
  spill_clear (&im.spill);
  g_async_queue_unref (im.pipe.full);
  g_async_queue_unref (im.pipe.empty);
  return ok;
}
