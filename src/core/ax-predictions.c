/* ax-predictions.c — the Predictions workspace's operations: form, single,
 * batch, actuals and accuracy */

#include "ax-config.h"
#include "ax-predictions.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "ax-export.h"
#include "ax-infer.h"
#include "ax-prep.h"
#include "ax-reader.h"
#include "ax-store-datasets.h"
#include "ax-store-models.h"
#include "ax-train-private.h"

/* JSON text */

/* The number @text spells when it is one whole number, else FALSE. */
static gboolean
parse_number (const char *text,
              double     *out)
{
  g_autofree char *t = g_strstrip (g_strdup (text));
  char *end = NULL;
  double v;

  if (*t == '\0')
    return FALSE;
  v = g_ascii_strtod (t, &end);
  if (end == t || *end != '\0' || !isfinite (v))
    return FALSE;
  *out = v;
  return TRUE;
}

static JsonNode *
parse_json (const char  *text,
            GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (text == NULL || !json_parser_load_from_data (parser, text, -1, error))
    return NULL;
  return json_node_copy (json_parser_get_root (parser));
}

char *
ax_predictions_model_ref (gint64 model_id,
                          guint  version)
{
  return version ? g_strdup_printf ("%" G_GINT64_FORMAT ":%u", model_id, version)
                 : g_strdup_printf ("%" G_GINT64_FORMAT, model_id);
}

/* Progress of a part: maps the part's 0..1 onto [base, base + span]. */
typedef struct {
  AxProgressFunc  func;
  gpointer        data;
  double          base, span;
} Stage;

static void
stage_progress (double      fraction,
                const char *detail,
                gpointer    data)
{
  Stage *s = data;

  if (s->func)
    s->func (fraction < 0 ? -1 : s->base + s->span * CLAMP (fraction, 0, 1), detail, s->data);
}

/* The form */

void
ax_prediction_form_free (AxPredictionForm *form)
{
  if (form == NULL)
    return;
  g_free (form->model_name);
  g_strfreev (form->class_names);
  g_free (form->target);
  g_free (form->dataset);
  for (guint i = 0; i < form->n_fields; i++)
    {
      g_free (form->fields[i].name);
      g_strfreev (form->fields[i].categories);
    }
  g_free (form->fields);
  g_free (form);
}

AxPredictionForm *
ax_prediction_form_load (const char  *project_path,
                         gint64       model_id,
                         guint        version,
                         GError     **error)
{
  g_autoptr(AxStore) store = ax_store_open (project_path, error);
  g_autoptr(AxModelInfo) info = NULL;
  g_autoptr(AxModelVersion) mv = NULL;
  g_autoptr(AxModel) model = NULL;
  g_autoptr(AxDatasetInfo) dataset = NULL;
  g_autoptr(AxPredictionForm) form = NULL;
  const AxModelConfig *config;
  const AxModelReport *report;

  if (store == NULL)
    return NULL;
  info = ax_store_get_model (store, model_id, NULL, error);
  if (info == NULL)
    return NULL;
  mv = ax_store_get_model_version (store, model_id, version, error);
  if (mv == NULL)
    return NULL;
  if (mv->blob == NULL || g_bytes_get_size (mv->blob) == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("Model “%s” version %u has no fitted model to predict with"), info->name, mv->version);
      return NULL;
    }
  model = ax_model_load (mv->blob, error);
  if (model == NULL)
    return NULL;
  config = ax_model_get_config (model);
  report = ax_model_get_report (model);

  form = g_new0 (AxPredictionForm, 1);
  form->model_id = model_id;
  form->model_name = g_strdup (info->name);
  form->version = mv->version;
  form->task = report->task;
  form->n_classes = report->task == AX_TASK_CLASSIFICATION ? report->n_classes : 0;
  form->class_names = report->task == AX_TASK_CLASSIFICATION ? g_strdupv (report->class_names) : NULL;
  form->level = config->prediction_level;
  form->target = g_strdup (config->target);
  form->dataset = g_strdup (mv->dataset_name);
  form->n_fields = ax_model_get_n_inputs (model);
  form->fields = g_new0 (AxPredictionField, form->n_fields);

  /* The training data may have been deleted or replaced since; the form
   * then simply shows less. */
  dataset = ax_store_get_dataset (store, 0, mv->dataset_name, NULL);
  for (guint i = 0; i < form->n_fields; i++)
    {
      AxPredictionField *f = &form->fields[i];
      const AxDatasetColumn *col = NULL;

      f->name = g_strdup (ax_model_get_input_name (model, i));
      f->type = ax_model_get_input_type (model, i);
      f->min = f->max = f->mean = NAN;
      for (guint c = 0; dataset && c < dataset->n_columns; c++)
        if (g_str_equal (dataset->columns[c].name, f->name))
          col = &dataset->columns[c];
      if (col == NULL)
        continue;
      if (f->type == AX_COLUMN_CATEGORICAL || f->type == AX_COLUMN_TEXT || f->type == AX_COLUMN_BOOLEAN)
        {
          if (f->type != AX_COLUMN_BOOLEAN)
            f->categories = ax_store_dataset_column_categories (store, mv->dataset_name, f->name,
                                                                AX_PREP_MAX_CATEGORIES, NULL);
        }
      else
        {
          f->min = col->stats.min;
          f->max = col->stats.max;
          f->mean = col->stats.mean;
        }
    }
  return g_steal_pointer (&form);
}

typedef struct {
  char             *project_path;
  gint64            model_id;
  guint             version;
  AxPredictionForm *form;
} FormJob;

static void
form_job_free (gpointer p)
{
  FormJob *d = p;
  g_free (d->project_path);
  ax_prediction_form_free (d->form);
  g_free (d);
}

static gboolean
run_form (AxJob         *job,
          gpointer       data,
          GCancellable  *cancellable,
          GError       **error)
{
  FormJob *d = data;
  d->form = ax_prediction_form_load (d->project_path, d->model_id, d->version, error);
  return d->form != NULL;
}

AxJob *
ax_prediction_form_job_new (const char *project_path,
                            gint64      model_id,
                            guint       version)
{
  FormJob *d = g_new0 (FormJob, 1);
  d->project_path = g_strdup (project_path);
  d->model_id = model_id;
  d->version = version;
  return ax_job_new (_("Reading the model"), run_form, d, form_job_free);
}

AxPredictionForm *
ax_prediction_form_job_get_result (AxJob *job)
{
  return ((FormJob *) ax_job_get_data (job))->form;
}

AxPredictionForm *
ax_prediction_form_job_steal_result (AxJob *job)
{
  return g_steal_pointer (&((FormJob *) ax_job_get_data (job))->form);
}

/* A single prediction */

gboolean
ax_predictions_predict_one (const char       *project_path,
                            const char       *model_ref,
                            const char       *input_json,
                            const char       *context_json,
                            AxPredictResult  *result,
                            GError          **error)
{
  g_autoptr(JsonNode) context = NULL;
  g_autofree char *context_text = NULL;

  if (context_json && *context_json)
    {
      g_autoptr(GError) local = NULL;
      context = parse_json (context_json, &local);
      if (context == NULL || !JSON_NODE_HOLDS_OBJECT (context))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("context_metadata: must be an object of names and values%s%s"),
                       local ? ": " : "", local ? local->message : "");
          return FALSE;
        }
      context_text = json_to_string (context, FALSE);
    }
  /* Recorded with the prediction, in the same write. */
  return ax_train_predict_json (project_path, model_ref, input_json, context_text, result, error);
}

typedef struct {
  char            *project_path, *model_ref, *input, *context;
  AxPredictResult  result;
} SingleJob;

static void
single_job_free (gpointer p)
{
  SingleJob *d = p;
  g_free (d->project_path);
  g_free (d->model_ref);
  g_free (d->input);
  g_free (d->context);
  ax_predict_result_clear (&d->result);
  g_free (d);
}

static gboolean
run_single (AxJob         *job,
            gpointer       data,
            GCancellable  *cancellable,
            GError       **error)
{
  SingleJob *d = data;
  return ax_predictions_predict_one (d->project_path, d->model_ref, d->input, d->context,
                                     &d->result, error);
}

AxJob *
ax_predictions_single_job_new (const char *project_path,
                               const char *model_ref,
                               const char *input_json,
                               const char *context_json)
{
  SingleJob *d = g_new0 (SingleJob, 1);
  d->project_path = g_strdup (project_path);
  d->model_ref = g_strdup (model_ref);
  d->input = g_strdup (input_json);
  d->context = g_strdup (context_json);
  return ax_job_new (_("Predicting"), run_single, d, single_job_free);
}

AxPredictResult *
ax_predictions_single_job_get_result (AxJob *job)
{
  return &((SingleJob *) ax_job_get_data (job))->result;
}

/* Reading a file back */

char **
ax_predictions_read_header (GFile         *file,
                            GCancellable  *cancellable,
                            GError       **error)
{
  AxReadOptions options = { 0 };
  g_autoptr(AxReader) reader = ax_reader_open (file, &options, cancellable, error);

  return reader ? g_strdupv (reader->names) : NULL;
}

typedef struct {
  GFile  *file;
  char  **names;
} HeaderJob;

static void
header_job_free (gpointer p)
{
  HeaderJob *d = p;
  g_object_unref (d->file);
  g_strfreev (d->names);
  g_free (d);
}

static gboolean
run_header (AxJob         *job,
            gpointer       data,
            GCancellable  *cancellable,
            GError       **error)
{
  HeaderJob *d = data;
  d->names = ax_predictions_read_header (d->file, cancellable, error);
  return d->names != NULL;
}

AxJob *
ax_predictions_header_job_new (GFile *file)
{
  HeaderJob *d = g_new0 (HeaderJob, 1);
  d->file = g_object_ref (file);
  return ax_job_new (_("Reading the file"), run_header, d, header_job_free);
}

char **
ax_predictions_header_job_get_result (AxJob *job)
{
  return ((HeaderJob *) ax_job_get_data (job))->names;
}

/* A batch */

void
ax_prediction_batch_free (AxPredictionBatch *batch)
{
  if (batch == NULL)
    return;
  ax_predict_result_clear (&batch->result);
  if (batch->output)
    g_file_delete (batch->output, NULL, NULL);
  g_clear_object (&batch->output);
  if (batch->dir)
    {
      g_autofree char *input = g_build_filename (batch->dir, "input.csv", NULL);
      g_unlink (input);
      g_rmdir (batch->dir);
    }
  g_free (batch->dir);
  g_strfreev (batch->names);
  g_free (batch->input_types);
  g_free (batch->cells);
  if (batch->chunk)
    g_string_chunk_free (batch->chunk);
  g_free (batch);
}

/* The predictor's rows, kept for display as they are written, and the
 * input columns' types guessed from the first of them as the import
 * guesses them. */
typedef struct {
  AxPredictionBatch *batch;
  GPtrArray         *cells;
  AxTypeGuesser     *guesser;
} Collect;

static void
collect_columns (const char *const *names,
                 guint              n,
                 gpointer           data)
{
  Collect *c = data;

  c->batch->n_columns = n;
  c->batch->names = g_new0 (char *, n + 1);
  for (guint i = 0; i < n; i++)
    c->batch->names[i] = g_strdup (names[i]);
  c->batch->n_inputs = MIN (c->batch->n_inputs, n);
  c->guesser = ax_type_guesser_new (c->batch->n_inputs, ax_infer_default_missing_tokens ());
}

static void
collect_row (const char *const *cells,
             guint              n,
             gpointer           data)
{
  Collect *c = data;

  g_return_if_fail (n == c->batch->n_columns);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (c->cells, *cells[i] ? g_string_chunk_insert_const (c->batch->chunk, cells[i]) : NULL);
  if (c->batch->n_rows < AX_INFER_SAMPLE_ROWS)
    ax_type_guesser_add (c->guesser, cells);
  c->batch->n_rows++;
}

AxPredictionBatch *
ax_prediction_batch_run (const char      *project_path,
                         const char      *model_ref,
                         const char      *dataset,
                         GFile           *input,
                         AxProgressFunc   progress,
                         gpointer         progress_data,
                         GCancellable    *cancellable,
                         GError         **error)
{
  g_autoptr(AxPredictionBatch) batch = g_new0 (AxPredictionBatch, 1);
  g_autoptr(AxReader) reader = NULL;
  g_autofree char *out_path = NULL;
  g_autofree char *source = NULL;
  Stage stage = { progress, progress_data, 0, 1.0 };
  Collect collect = { NULL, NULL, NULL };
  AxPredictSink sink = { collect_columns, collect_row, &collect };

  g_return_val_if_fail (dataset != NULL || input != NULL, NULL);
  batch->dir = g_dir_make_tmp (NULL, error);
  if (batch->dir == NULL)
    return NULL;
  /* A dataset's rows go to the predictor as they are read from the
   * project, as a file's do. */
  if (dataset)
    {
      reader = ax_export_dataset_reader (project_path, dataset, error);
      source = g_strdup (dataset);
    }
  else
    {
      AxReadOptions options = { 0 };

      reader = ax_reader_open (input, &options, cancellable, error);
      source = g_file_get_basename (input);
    }
  if (reader == NULL)
    return NULL;
  batch->n_inputs = reader->n_columns;

  out_path = g_build_filename (batch->dir, "predictions.csv", NULL);
  batch->output = g_file_new_for_path (out_path);
  batch->chunk = g_string_chunk_new (1 << 16);
  collect.batch = batch;
  collect.cells = g_ptr_array_new ();
  if (!ax_train_predict_file (project_path, model_ref, dataset ? NULL : input, g_steal_pointer (&reader),
                              batch->output, source, &sink, stage_progress, &stage, cancellable,
                              &batch->result, error))
    {
      /* Nothing was written: nothing to remove. */
      g_clear_object (&batch->output);
      g_ptr_array_unref (collect.cells);
      g_clear_pointer (&collect.guesser, ax_type_guesser_free);
      return NULL;
    }
  batch->cells = (const char **) g_ptr_array_free (collect.cells, FALSE);
  batch->input_types = g_new (AxColumnType, MAX (batch->n_inputs, 1));
  for (guint c = 0; c < batch->n_inputs; c++)
    {
      AxColumnSpec spec = { AX_COLUMN_TEXT };

      if (collect.guesser)
        ax_type_guesser_get (collect.guesser, c, &spec);
      batch->input_types[c] = spec.type;
    }
  g_clear_pointer (&collect.guesser, ax_type_guesser_free);
  if (progress)
    progress (1.0, NULL, progress_data);
  return g_steal_pointer (&batch);
}

typedef struct {
  char               *project_path, *model_ref, *dataset;
  GFile              *input;
  AxPredictionBatch  *batch;
} BatchJob;

static void
batch_job_free (gpointer p)
{
  BatchJob *d = p;
  g_free (d->project_path);
  g_free (d->model_ref);
  g_free (d->dataset);
  g_clear_object (&d->input);
  ax_prediction_batch_free (d->batch);
  g_free (d);
}

static gboolean
run_batch (AxJob         *job,
           gpointer       data,
           GCancellable  *cancellable,
           GError       **error)
{
  BatchJob *d = data;
  d->batch = ax_prediction_batch_run (d->project_path, d->model_ref, d->dataset, d->input,
                                      ax_job_progress, job, cancellable, error);
  return d->batch != NULL;
}

AxJob *
ax_prediction_batch_job_new (const char *project_path,
                             const char *model_ref,
                             const char *dataset,
                             GFile      *input)
{
  BatchJob *d = g_new0 (BatchJob, 1);
  d->project_path = g_strdup (project_path);
  d->model_ref = g_strdup (model_ref);
  d->dataset = g_strdup (dataset);
  d->input = input ? g_object_ref (input) : NULL;
  return ax_job_new (_("Predicting"), run_batch, d, batch_job_free);
}

AxPredictionBatch *
ax_prediction_batch_job_get_result (AxJob *job)
{
  return ((BatchJob *) ax_job_get_data (job))->batch;
}

/* Actual values */

/* Whether the prediction @output_json (its "value") is a number. */
static gboolean
output_is_numeric (const char *output_json)
{
  g_autoptr(JsonNode) root = parse_json (output_json, NULL);
  JsonObject *o;
  JsonNode *v;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return FALSE;
  o = json_node_get_object (root);
  v = json_object_get_member (o, "value");
  return v && JSON_NODE_HOLDS_VALUE (v) && json_node_get_value_type (v) != G_TYPE_STRING;
}

/* @text as JSON for a prediction whose value is a number (@numeric) or a
 * class; NULL with @error set when a number is wanted and @text is none. */
static char *
actual_json (const char  *text,
             gboolean     numeric,
             GError     **error)
{
  g_autoptr(GString) out = g_string_new (NULL);
  double v;

  if (numeric)
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];
      if (!parse_number (text, &v))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("“%s” is not a number; type the value that happened, such as 1250.5"), text);
          return NULL;
        }
      return g_strdup (g_ascii_dtostr (buf, sizeof buf, v));
    }
  ax_append_json_string (out, text);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

gboolean
ax_predictions_set_actual_text (AxStore     *store,
                                gint64       id,
                                const char  *text,
                                GError     **error)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text ? text : ""));
  g_autofree char *json = NULL;
  const char *values[1];

  if (*stripped != '\0')
    {
      /* The prediction's own output says how to read the text. */
      g_autoptr(AxPredictionEntry) entry = ax_store_get_prediction (store, id, error);
      if (entry == NULL)
        return FALSE;
      json = actual_json (stripped, output_is_numeric (entry->output), error);
      if (json == NULL)
        return FALSE;
    }
  values[0] = json;
  return ax_store_set_prediction_actuals (store, 1, &id, values, error);
}

/* A key's text for matching: numbers in one spelling, text trimmed. */
static char *
number_key (double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  return g_strdup (g_ascii_dtostr (buf, sizeof buf, v));
}

static char *
key_from_text (const char *s)
{
  double v;

  if (s == NULL)
    return NULL;
  if (parse_number (s, &v))
    return number_key (v);
  return g_strstrip (g_strdup (s));
}

static char *
key_from_json (JsonNode *node)
{
  GType t;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NULL;
  t = json_node_get_value_type (node);
  if (t == G_TYPE_STRING)
    return key_from_text (json_node_get_string (node));
  if (t == G_TYPE_INT64)
    return number_key ((double) json_node_get_int (node));
  if (t == G_TYPE_DOUBLE)
    return number_key (json_node_get_double (node));
  if (t == G_TYPE_BOOLEAN)
    return g_strdup (json_node_get_boolean (node) ? "true" : "false");
  return NULL;
}

/* The @name member of the JSON object @json, as a key; NULL if none. */
static char *
member_key (const char *json,
            const char *name)
{
  g_autoptr(JsonNode) root = parse_json (json, NULL);

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  return key_from_json (json_object_get_member (json_node_get_object (root), name));
}

static int
column_index (char      **names,
              const char *name)
{
  for (int i = 0; names[i]; i++)
    if (g_str_equal (names[i], name))
      return i;
  return -1;
}

/* "“actuals.csv”, id 12" for the row of @file whose @key_column is @key. */
static char *
row_name (GFile      *file,
          const char *key_column,
          const char *key)
{
  g_autofree char *base = g_file_get_basename (file);
  return g_strdup_printf (_("“%s”, %s %s"), base, key_column, key);
}

/* ax_predictions_record_actuals(), or its all-or-nothing form when
 * @strict. */
static gboolean
record_actuals (const char      *project_path,
                gint64           model_id,
                GFile           *file,
                const char      *key_column,
                const char      *actual_column,
                gboolean         strict,
                GCancellable    *cancellable,
                AxActualsReport *report,
                GError         **error)
{
  AxReadOptions options = { 0 };
  g_autoptr(AxReader) reader = NULL;
  g_autoptr(AxStore) store = NULL;
  g_autoptr(GHashTable) actual_by_key = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) matched = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) invalid = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) row_keys = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func (g_free);
  AxPredictionFilter filter = { .model_id = model_id };
  const char **fields;
  guint64 line;
  int key_col, actual_col;
  gboolean any_key = FALSE;

  memset (report, 0, sizeof *report);
  reader = ax_reader_open (file, &options, cancellable, error);
  if (reader == NULL)
    return FALSE;
  key_col = column_index (reader->names, key_column);
  actual_col = column_index (reader->names, actual_column);
  if (key_col < 0 || actual_col < 0)
    {
      g_autofree char *base = g_file_get_basename (file);
      g_autofree char *names = g_strjoinv (", ", reader->names);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” has no column “%s”; choose one of its columns: %s"),
                   base, key_col < 0 ? key_column : actual_column, names);
      return FALSE;
    }
  while (ax_reader_next (reader, &fields, &line, error))
    {
      char *key = key_from_text (fields[key_col]);
      if (key == NULL || *key == '\0' || fields[actual_col] == NULL)
        {
          g_free (key);
          continue;
        }
      g_ptr_array_add (row_keys, g_strdup (key));
      g_hash_table_replace (actual_by_key, key, g_strdup (fields[actual_col]));
      if ((row_keys->len & 4095) == 0 && g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
    }
  if (error && *error)
    return FALSE;
  report->n_rows = row_keys->len;

  store = ax_store_open (project_path, error);
  if (store == NULL)
    return FALSE;
  entries = ax_store_query_predictions (store, &filter, 0, 0, error);
  if (entries == NULL)
    return FALSE;
  for (guint i = 0; i < entries->len; i++)
    {
      AxPredictionEntry *e = g_ptr_array_index (entries, i);
      g_autofree char *key = member_key (e->input, key_column);
      const char *text;
      char *json;
      gpointer stored_key;

      if (key == NULL && e->context)
        key = member_key (e->context, key_column);
      if (key != NULL)
        any_key = TRUE;
      if (key == NULL || !g_hash_table_lookup_extended (actual_by_key, key, &stored_key, (gpointer *) &text))
        continue;
      g_hash_table_add (matched, stored_key);
      json = actual_json (text, output_is_numeric (e->output), NULL);
      if (json == NULL && strict)
        {
          g_autofree char *row = row_name (file, key_column, key);
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("%s: “%s” in column “%s” is not a number, and “%s” predicts numbers; "
                         "no actual values were recorded"), row, text, actual_column, e->model_name);
          return FALSE;
        }
      if (json == NULL)
        {
          g_hash_table_add (invalid, stored_key);
          continue;
        }
      g_array_append_val (ids, e->id);
      g_ptr_array_add (values, json);
      if ((i & 4095) == 0 && g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
    }
  /* A key column the file has but the predictions do not: every row
   * would go unmatched, which a script would not notice. */
  if (strict && entries->len > 0 && !any_key)
    {
      AxPredictionEntry *e = g_ptr_array_index (entries, 0);
      g_autofree char *whose = model_id ? g_strdup_printf (_("No prediction of “%s”"), e->model_name)
                                        : g_strdup (_("No prediction"));
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("%s has a value for “%s” to match the file's rows on; "
                     "choose the column that identifies a row in the predictions' input"),
                   whose, key_column);
      return FALSE;
    }
  for (guint i = 0; i < row_keys->len; i++)
    {
      const char *key = g_ptr_array_index (row_keys, i);
      if (!g_hash_table_contains (matched, key))
        report->n_unmatched++;
      else if (g_hash_table_contains (invalid, key))
        report->n_invalid++, report->n_matched++;
      else
        report->n_matched++;
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  if (!ax_store_set_prediction_actuals (store, ids->len, (const gint64 *) ids->data,
                                        (const char * const *) values->pdata, error))
    return FALSE;
  report->n_updated = ids->len;
  return TRUE;
}

gboolean
ax_predictions_record_actuals (const char      *project_path,
                               gint64           model_id,
                               GFile           *file,
                               const char      *key_column,
                               const char      *actual_column,
                               GCancellable    *cancellable,
                               AxActualsReport *report,
                               GError         **error)
{
  return record_actuals (project_path, model_id, file, key_column, actual_column, FALSE,
                         cancellable, report, error);
}

gboolean
ax_predictions_record_actuals_strict (const char      *project_path,
                                      gint64           model_id,
                                      GFile           *file,
                                      const char      *key_column,
                                      const char      *actual_column,
                                      GCancellable    *cancellable,
                                      AxActualsReport *report,
                                      GError         **error)
{
  return record_actuals (project_path, model_id, file, key_column, actual_column, TRUE,
                         cancellable, report, error);
}

typedef struct {
  char            *project_path, *key, *actual;
  gint64           model_id;
  GFile           *file;
  AxActualsReport  report;
} ActualsJob;

static void
actuals_job_free (gpointer p)
{
  ActualsJob *d = p;
  g_free (d->project_path);
  g_free (d->key);
  g_free (d->actual);
  g_object_unref (d->file);
  g_free (d);
}

static gboolean
run_actuals (AxJob         *job,
             gpointer       data,
             GCancellable  *cancellable,
             GError       **error)
{
  ActualsJob *d = data;
  return ax_predictions_record_actuals (d->project_path, d->model_id, d->file, d->key, d->actual,
                                        cancellable, &d->report, error);
}

AxJob *
ax_predictions_actuals_job_new (const char *project_path,
                                gint64      model_id,
                                GFile      *file,
                                const char *key_column,
                                const char *actual_column)
{
  ActualsJob *d = g_new0 (ActualsJob, 1);
  d->project_path = g_strdup (project_path);
  d->model_id = model_id;
  d->file = g_object_ref (file);
  d->key = g_strdup (key_column);
  d->actual = g_strdup (actual_column);
  return ax_job_new (_("Recording actual values"), run_actuals, d, actuals_job_free);
}

const AxActualsReport *
ax_predictions_actuals_job_get_report (AxJob *job)
{
  return &((ActualsJob *) ax_job_get_data (job))->report;
}

/* Accuracy */

void
ax_accuracy_series_free (AxAccuracySeries *series)
{
  if (series == NULL)
    return;
  g_free (series->model_name);
  g_free (series->x);
  g_free (series->y);
  g_free (series->count);
  g_free (series);
}

void
ax_accuracy_summary_free (AxAccuracySummary *summary)
{
  if (summary == NULL)
    return;
  g_clear_pointer (&summary->series, g_ptr_array_unref);
  g_free (summary->predicted);
  g_free (summary->actual);
  g_free (summary);
}

static double
day_start (const char *day)
{
  int y, m, d;
  g_autoptr(GDateTime) dt = NULL;

  if (day == NULL || sscanf (day, "%d-%d-%d", &y, &m, &d) != 3)
    return NAN;
  dt = g_date_time_new_utc (y, m, d, 0, 0, 0);
  return dt ? (double) g_date_time_to_unix (dt) : NAN;
}

/* The JSON number at @node, or FALSE. */
static gboolean
json_number (JsonNode *node,
             double   *out)
{
  GType t;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  t = json_node_get_value_type (node);
  if (t != G_TYPE_INT64 && t != G_TYPE_DOUBLE)
    return FALSE;
  *out = json_node_get_double (node);
  return TRUE;
}

static gboolean
add_pairs (AxStore                  *store,
           const AxPredictionFilter *filter,
           AxAccuracySummary        *summary,
           GError                  **error)
{
  AxPredictionFilter f = *filter;
  g_autoptr(GPtrArray) entries = NULL;

  f.with_actual = TRUE;
  entries = ax_store_query_predictions (store, &f, 0, 5000, error);
  if (entries == NULL)
    return FALSE;
  summary->predicted = g_new (double, MAX (entries->len, 1));
  summary->actual = g_new (double, MAX (entries->len, 1));
  for (guint i = 0; i < entries->len; i++)
    {
      AxPredictionEntry *e = g_ptr_array_index (entries, i);
      g_autoptr(JsonNode) out = parse_json (e->output, NULL);
      g_autoptr(JsonNode) act = parse_json (e->actual, NULL);
      double p, a;

      if (out == NULL || !JSON_NODE_HOLDS_OBJECT (out) ||
          !json_number (json_object_get_member (json_node_get_object (out), "value"), &p) ||
          !json_number (act, &a))
        continue;
      summary->predicted[summary->n_pairs] = p;
      summary->actual[summary->n_pairs] = a;
      summary->n_pairs++;
    }
  return TRUE;
}

AxAccuracySummary *
ax_predictions_accuracy (const char               *project_path,
                         const AxPredictionFilter *filter,
                         GError                  **error)
{
  static const AxPredictionFilter none = { 0 };
  g_autoptr(AxStore) store = ax_store_open (project_path, error);
  g_autoptr(GPtrArray) days = NULL;
  g_autoptr(GPtrArray) models = NULL;
  g_autoptr(AxAccuracySummary) summary = g_new0 (AxAccuracySummary, 1);

  if (filter == NULL)
    filter = &none;
  if (store == NULL)
    return NULL;
  days = ax_store_prediction_accuracy_by_day (store, filter, error);
  if (days == NULL)
    return NULL;
  models = ax_store_list_models (store, error);
  if (models == NULL)
    return NULL;
  summary->series = g_ptr_array_new_with_free_func ((GDestroyNotify) ax_accuracy_series_free);
  for (guint i = 0; i < days->len;)
    {
      AxPredictionAccuracy *first = g_ptr_array_index (days, i);
      AxAccuracySeries *s = g_new0 (AxAccuracySeries, 1);
      guint end = i;

      while (end < days->len &&
             ((AxPredictionAccuracy *) g_ptr_array_index (days, end))->model_id == first->model_id)
        end++;
      s->model_id = first->model_id;
      for (guint m = 0; m < models->len; m++)
        if (((AxModelInfo *) g_ptr_array_index (models, m))->id == s->model_id)
          s->model_name = g_strdup (((AxModelInfo *) g_ptr_array_index (models, m))->name);
      if (s->model_name == NULL)
        s->model_name = g_strdup_printf ("%" G_GINT64_FORMAT, s->model_id);
      /* A model whose values are never numbers is a classifier. */
      s->classification = TRUE;
      for (guint k = i; k < end; k++)
        if (!isnan (((AxPredictionAccuracy *) g_ptr_array_index (days, k))->mae))
          s->classification = FALSE;
      s->n = end - i;
      s->x = g_new (double, s->n);
      s->y = g_new (double, s->n);
      s->count = g_new (guint, s->n);
      for (guint k = i; k < end; k++)
        {
          AxPredictionAccuracy *a = g_ptr_array_index (days, k);
          s->x[k - i] = day_start (a->day);
          s->y[k - i] = s->classification ? a->accuracy : a->mae;
          s->count[k - i] = a->n;
        }
      g_ptr_array_add (summary->series, s);
      i = end;
    }
  if (filter->model_id != 0 && !add_pairs (store, filter, summary, error))
    return NULL;
  return g_steal_pointer (&summary);
}

typedef struct {
  char               *project_path, *since, *until;
  AxPredictionFilter  filter;
  AxAccuracySummary  *summary;
} AccuracyJob;

static void
accuracy_job_free (gpointer p)
{
  AccuracyJob *d = p;
  g_free (d->project_path);
  g_free (d->since);
  g_free (d->until);
  ax_accuracy_summary_free (d->summary);
  g_free (d);
}

static gboolean
run_accuracy (AxJob         *job,
              gpointer       data,
              GCancellable  *cancellable,
              GError       **error)
{
  AccuracyJob *d = data;
  d->summary = ax_predictions_accuracy (d->project_path, &d->filter, error);
  return d->summary != NULL;
}

AxJob *
ax_predictions_accuracy_job_new (const char               *project_path,
                                 const AxPredictionFilter *filter)
{
  AccuracyJob *d = g_new0 (AccuracyJob, 1);
  d->project_path = g_strdup (project_path);
  if (filter)
    d->filter = *filter;
  d->since = g_strdup (d->filter.since);
  d->until = g_strdup (d->filter.until);
  d->filter.since = d->since;
  d->filter.until = d->until;
  return ax_job_new (_("Measuring accuracy"), run_accuracy, d, accuracy_job_free);
}

AxAccuracySummary *
ax_predictions_accuracy_job_get_result (AxJob *job)
{
  return ((AccuracyJob *) ax_job_get_data (job))->summary;
}
