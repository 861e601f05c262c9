/* ax-train-predict.c — predicting with a stored model version
 *
 * One JSON object (the guide's input_data), or every row of a file read
 * through the import's readers, written out as CSV with the predictions.
 * Each prediction is recorded in the project with its input and output.
 */

#include "ax-config.h"
#include "ax-train-private.h"
#include "ax-export.h"
#include "ax-infer.h"
#include "ax-reader.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

/* Rows per prediction batch when predicting a file: large enough for the
 * engine to spread over its threads, small enough to keep memory flat. */
#define PREDICT_ROWS 8192

void
ax_predict_result_clear (AxPredictResult *result)
{
  g_clear_pointer (&result->model_name, g_free);
  g_clear_pointer (&result->created, g_free);
  g_clear_pointer (&result->predictions, ax_predictions_free);
  g_clear_pointer (&result->model, ax_model_free);
  g_clear_pointer (&result->input, json_node_unref);
  memset (result, 0, sizeof *result);
}

/* JSON text, written directly: one record per predicted row adds up. */

static void
append_json_number (GString *out,
                    double   v)
{
  char buf[64];

  if (!isfinite (v))
    {
      g_string_append (out, "null");
      return;
    }
  ax_format_real (v, buf, sizeof buf);
  g_string_append (out, buf);
}

static void
append_json_cell (GString        *out,
                  const AxColumn *col,
                  guint           r)
{
  char buf[64];

  if (col->missing[r])
    g_string_append (out, "null");
  else if (col->type == AX_COLUMN_REAL)
    append_json_number (out, col->reals[r]);
  else if (col->type == AX_COLUMN_INTEGER || col->type == AX_COLUMN_BOOLEAN)
    g_string_append (out, ax_column_format_value (col, r, buf, sizeof buf));
  else /* dates, date-times and text */
    ax_append_json_string (out, ax_column_format_value (col, r, buf, sizeof buf));
}

/* Whether @s is a number as JSON writes one: -?(0|[1-9][0-9]*)(.[0-9]+)?
 * ([eE][+-]?[0-9]+)?, nothing around it. */
static gboolean
is_json_number (const char *s)
{
  const char *p = s;

  if (*p == '-')
    p++;
  if (*p == '0')
    p++;
  else if (*p >= '1' && *p <= '9')
    while (g_ascii_isdigit (*p))
      p++;
  else
    return FALSE;
  if (*p == '.')
    {
      if (!g_ascii_isdigit (*++p))
        return FALSE;
      while (g_ascii_isdigit (*p))
        p++;
    }
  if (*p == 'e' || *p == 'E')
    {
      p++;
      if (*p == '+' || *p == '-')
        p++;
      if (!g_ascii_isdigit (*p))
        return FALSE;
      while (g_ascii_isdigit (*p))
        p++;
    }
  return *p == '\0';
}

/* Row @r's value of @col read from the file's text @field: a real the
 * file wrote as JSON would (nearly always) is recorded as written, which
 * is the same number, without formatting it again. */
static void
append_json_input (GString        *out,
                   const AxColumn *col,
                   guint           r,
                   const char     *field)
{
  if (col->type == AX_COLUMN_REAL && !col->missing[r] && isfinite (col->reals[r]) &&
      field != NULL && is_json_number (field))
    g_string_append (out, field);
  else
    append_json_cell (out, col, r);
}

/* The recorded output of row @r: {"value", "lower_bound", "upper_bound",
 * "confidence", and "probabilities" or "score" where they apply}. */
static void
append_output_json (GString             *out,
                    const AxPredictions *p,
                    guint                r)
{
  g_string_append (out, "{\"value\":");
  if (p->task == AX_TASK_CLASSIFICATION)
    {
      guint k = (guint) p->value[r];
      ax_append_json_string (out, k < p->n_classes ? p->class_names[k] : "");
    }
  else
    append_json_number (out, p->value[r]);
  g_string_append (out, ",\"lower_bound\":");
  append_json_number (out, p->lower ? p->lower[r] : NAN);
  g_string_append (out, ",\"upper_bound\":");
  append_json_number (out, p->upper ? p->upper[r] : NAN);
  g_string_append (out, ",\"confidence\":");
  append_json_number (out, p->confidence ? p->confidence[r] : NAN);
  if (p->task == AX_TASK_CLASSIFICATION && p->probability)
    {
      g_string_append (out, ",\"probabilities\":{");
      for (guint k = 0; k < p->n_classes; k++)
        {
          if (k)
            g_string_append_c (out, ',');
          ax_append_json_string (out, p->class_names[k]);
          g_string_append_c (out, ':');
          append_json_number (out, p->probability[(gsize) r * p->n_classes + k]);
        }
      g_string_append_c (out, '}');
    }
  if (p->score)
    {
      g_string_append (out, ",\"score\":");
      append_json_number (out, p->score[r]);
    }
  g_string_append_c (out, '}');
}

/* Predicting on one JSON object */

static const char *
json_type_name (JsonNode *node)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    return _("an object");
  if (JSON_NODE_HOLDS_ARRAY (node))
    return _("a list");
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_BOOLEAN:
      return _("true or false");
    case G_TYPE_STRING:
      return _("text");
    default:
      return _("a number");
    }
}

/* Stores @node (a value, not null) at row 0 of column @c, converted to the
 * column's type. */
static gboolean
set_json_value (AxFrame     *frame,
                guint        c,
                JsonNode    *node,
                GError     **error)
{
  AxColumn *col = &frame->columns[c];
  GType vtype = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;
  gboolean numeric = vtype == G_TYPE_INT64 || vtype == G_TYPE_DOUBLE;
  const char *text = vtype == G_TYPE_STRING ? json_node_get_string (node) : NULL;
  g_autofree char *trimmed = text ? g_strstrip (g_strdup (text)) : NULL;
  gint64 iv;
  double dv;
  char buf[64];

  if (vtype == G_TYPE_INVALID)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("input_data.%s: expected one value, not %s"), col->name, json_type_name (node));
      return FALSE;
    }
  switch (col->type)
    {
    case AX_COLUMN_INTEGER:
      /* Only made for integer-valued numbers (frame_from_json). */
      ax_frame_set_int (frame, c, 0, json_node_get_int (node));
      return TRUE;
    case AX_COLUMN_REAL:
      if (numeric)
        ax_frame_set_real (frame, c, 0, json_node_get_double (node));
      else if (trimmed && ax_parse_real (trimmed, &dv))
        ax_frame_set_real (frame, c, 0, dv);
      else
        break;
      return TRUE;
    case AX_COLUMN_BOOLEAN:
      if (vtype == G_TYPE_BOOLEAN)
        ax_frame_set_int (frame, c, 0, json_node_get_boolean (node));
      else if (vtype == G_TYPE_INT64 && (json_node_get_int (node) == 0 || json_node_get_int (node) == 1))
        ax_frame_set_int (frame, c, 0, json_node_get_int (node));
      else if (trimmed && ax_parse_boolean (trimmed, &iv))
        ax_frame_set_int (frame, c, 0, iv);
      else
        break;
      return TRUE;
    case AX_COLUMN_DATE:
      if (trimmed && (ax_parse_date (trimmed, AX_DATE_ISO, &iv) || ax_parse_date (trimmed, AX_DATE_ISO_SLASH, &iv)))
        ax_frame_set_int (frame, c, 0, iv);
      else
        break;
      return TRUE;
    case AX_COLUMN_DATETIME:
      if (trimmed && ax_parse_datetime (trimmed, &iv))
        ax_frame_set_int (frame, c, 0, iv);
      else if (trimmed && ax_parse_date (trimmed, AX_DATE_ISO, &iv))
        ax_frame_set_int (frame, c, 0, iv * 86400);
      else
        break;
      return TRUE;
    case AX_COLUMN_CATEGORICAL:
    case AX_COLUMN_TEXT:
    case AX_N_COLUMN_TYPES:
    default:
      if (text)
        ax_frame_take_string (frame, c, 0, g_strdup (text));
      else if (vtype == G_TYPE_INT64)
        ax_frame_take_string (frame, c, 0, g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node)));
      else if (vtype == G_TYPE_BOOLEAN)
        ax_frame_take_string (frame, c, 0, g_strdup (json_node_get_boolean (node) ? "true" : "false"));
      else
        {
          ax_format_real (json_node_get_double (node), buf, sizeof buf);
          ax_frame_take_string (frame, c, 0, g_strdup (buf));
        }
      return TRUE;
    }

  if (text)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                 _("input_data.%s: “%s” is not a value of type %s"),
                 col->name, text, ax_column_type_label (col->type));
  else
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                 _("input_data.%s: expected a value of type %s, not %s"),
                 col->name, ax_column_type_label (col->type), json_type_name (node));
  return FALSE;
}

/* A one-row frame of the model's inputs, taken from @object. */
static AxFrame *
frame_from_json (const AxModel  *model,
                 const char     *model_name,
                 JsonObject     *object,
                 GError        **error)
{
  guint n = ax_model_get_n_inputs (model);
  g_autofree const char **names = g_new0 (const char *, n + 1);
  g_autofree AxColumnType *types = g_new0 (AxColumnType, n + 1);
  g_autoptr(AxFrame) frame = NULL;

  for (guint i = 0; i < n; i++)
    {
      JsonNode *node;

      names[i] = ax_model_get_input_name (model, i);
      types[i] = ax_model_get_input_type (model, i);
      node = json_object_get_member (object, names[i]);
      if (node == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("input_data: “%s” is missing; model “%s” needs it (give null for an unknown value)"),
                       names[i], model_name);
          return NULL;
        }
      /* An integer input given a fraction takes it as a real; the model
       * converts. */
      if (types[i] == AX_COLUMN_INTEGER &&
          !(JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64))
        types[i] = AX_COLUMN_REAL;
    }
  frame = ax_frame_new (n, names, types, 1);
  ax_frame_append_row (frame);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_object_get_member (object, names[i]);
      if (!JSON_NODE_HOLDS_NULL (node) && !set_json_value (frame, i, node, error))
        return NULL;
    }
  return g_steal_pointer (&frame);
}

gboolean
ax_train_predict_json (const char       *project_path,
                       const char       *model_ref,
                       const char       *input_json,
                       const char       *context,
                       AxPredictResult  *result,
                       GError          **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local = NULL;
  g_autoptr(AxStore) store = NULL;
  g_autoptr(AxFrame) frame = NULL;
  g_autoptr(GString) output = g_string_new (NULL);
  g_autofree char *input = NULL;
  JsonNode *root;
  JsonObject *object;
  const char *inputs[1], *outputs[1];
  gint64 id = 0, t0;

  memset (result, 0, sizeof *result);
  if (!json_parser_load_from_data (parser, input_json, -1, &local))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The input is not valid JSON: %s"), local->message);
      goto fail;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("The input must be one JSON object of column names and values, such as {\"price\": 12.5}"));
      goto fail;
    }
  object = json_node_get_object (root);
  /* The guide's request: {"model_id": 1, "input_data": {...}}. */
  if (json_object_has_member (object, "input_data"))
    {
      JsonNode *inner = json_object_get_member (object, "input_data");
      if (!JSON_NODE_HOLDS_OBJECT (inner))
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                               _("input_data: must be an object of column names and values"));
          goto fail;
        }
      root = inner;
      object = json_node_get_object (inner);
    }

  store = ax_store_open (project_path, error);
  if (store == NULL || !ax_train_load_model (store, model_ref, result, error))
    goto fail;
  frame = frame_from_json (result->model, result->model_name, object, error);
  if (frame == NULL)
    goto fail;
  t0 = g_get_monotonic_time ();
  result->predictions = ax_model_predict (result->model, frame, error);
  if (result->predictions == NULL)
    goto fail;
  result->model_seconds = (double) (g_get_monotonic_time () - t0) / G_USEC_PER_SEC;

  input = json_to_string (root, FALSE);
  append_output_json (output, result->predictions, 0);
  inputs[0] = input;
  outputs[0] = output->str;
  if (!ax_store_record_predictions (store, result->model_id, result->version, 1,
                                    inputs, outputs, &context, &id, &result->created, error))
    goto fail;
  result->n_rows = 1;
  result->first_id = id;
  result->input = json_node_copy (root);
  return TRUE;

fail:
  /* Nothing half-filled for the caller to free. */
  ax_predict_result_clear (result);
  return FALSE;
}

gboolean
ax_predict_json (const char       *project_path,
                 const char       *model_ref,
                 const char       *input_json,
                 AxPredictResult  *result,
                 GError          **error)
{
  return ax_train_predict_json (project_path, model_ref, input_json, NULL, result, error);
}

static void
add_range_member (JsonBuilder *b,
                  const char  *name,
                  const double *values)
{
  ax_train_add_number (b, name, values ? values[0] : NAN);
}

JsonNode *
ax_predict_result_to_json (const AxPredictResult *result)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  const AxPredictions *p = result->predictions;

  g_return_val_if_fail (p != NULL && p->n_rows > 0, NULL);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "prediction_id");
  json_builder_add_int_value (b, result->first_id);
  json_builder_set_member_name (b, "model_id");
  json_builder_add_int_value (b, result->model_id);
  json_builder_set_member_name (b, "model_name");
  json_builder_add_string_value (b, result->model_name);
  json_builder_set_member_name (b, "model_version");
  json_builder_add_int_value (b, result->version);

  json_builder_set_member_name (b, "predicted_value");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "value");
  if (p->task == AX_TASK_CLASSIFICATION)
    {
      guint k = (guint) p->value[0];
      json_builder_add_string_value (b, k < p->n_classes ? p->class_names[k] : NULL);
    }
  else if (isfinite (p->value[0]))
    json_builder_add_double_value (b, p->value[0]);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "prediction_range");
  json_builder_begin_object (b);
  add_range_member (b, "lower_bound", p->lower);
  add_range_member (b, "upper_bound", p->upper);
  json_builder_end_object (b);
  if (p->task == AX_TASK_CLASSIFICATION && p->probability)
    {
      json_builder_set_member_name (b, "probabilities");
      json_builder_begin_object (b);
      for (guint k = 0; k < p->n_classes; k++)
        ax_train_add_number (b, p->class_names[k], p->probability[k]);
      json_builder_end_object (b);
    }
  if (p->score)
    ax_train_add_number (b, "score", p->score[0]);
  json_builder_end_object (b);

  add_range_member (b, "confidence_score", p->confidence);
  json_builder_set_member_name (b, "prediction_timestamp");
  json_builder_add_string_value (b, result->created);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* Predicting on a file */

/* A record of the file as read: its fields ("" where missing) and the
 * line it starts on, for messages. */
typedef struct {
  guint64   line;
  char    **fields;
} Record;

static void
record_free (gpointer p)
{
  Record *rec = p;

  g_strfreev (rec->fields);
  g_free (rec);
}

typedef struct {
  AxPredictResult    *result;
  AxStore            *store;
  AxReader           *reader;
  GOutputStream      *out;
  AxColumnSpec       *specs;      /* one per column of the file */
  const char * const *tokens;
  GPtrArray          *records;    /* the batch, as read */
  GString            *text;       /* CSV being written */
  gboolean            has_score;
  const char         *source;     /* for each prediction's context, or NULL */
  gboolean           *used;       /* per column of the file: a model input */
  const AxPredictSink *sink;      /* nullable */
} Batch;

/* Converts the batch's records into a frame of the file's columns: the
 * model's inputs typed as it wants them, the rest as text. */
static AxFrame *
batch_frame (Batch   *b,
             GError **error)
{
  AxReader *reader = b->reader;
  g_autofree AxColumnType *types = g_new0 (AxColumnType, reader->n_columns);
  g_autoptr(AxFrame) frame = NULL;

  for (guint c = 0; c < reader->n_columns; c++)
    types[c] = b->specs[c].type;
  frame = ax_frame_new (reader->n_columns, (const char * const *) reader->names, types, b->records->len);
  for (guint i = 0; i < b->records->len; i++)
    {
      Record *rec = g_ptr_array_index (b->records, i);
      guint r = ax_frame_append_row (frame);

      for (guint c = 0; c < reader->n_columns; c++)
        if (!ax_infer_set_value (frame, r, c, &b->specs[c], rec->fields[c], b->tokens, rec->line, error))
          return NULL;
    }
  return g_steal_pointer (&frame);
}

/* Reads up to PREDICT_ROWS records into b->records. */
static gboolean
read_batch (Batch    *b,
            gboolean *at_end,
            GError  **error)
{
  AxReader *reader = b->reader;

  g_ptr_array_set_size (b->records, 0);
  while (b->records->len < PREDICT_ROWS)
    {
      g_autoptr(GError) local = NULL;
      const char **fields;
      guint64 line = 0;
      Record *rec;

      if (!ax_reader_next (reader, &fields, &line, &local))
        {
          if (local)
            {
              g_propagate_error (error, g_steal_pointer (&local));
              return FALSE;
            }
          *at_end = TRUE;
          return TRUE;
        }
      rec = g_new0 (Record, 1);
      rec->line = line;
      rec->fields = g_new0 (char *, reader->n_columns + 1);
      for (guint c = 0; c < reader->n_columns; c++)
        rec->fields[c] = g_strdup (fields[c] ? fields[c] : "");
      g_ptr_array_add (b->records, rec);
    }
  return TRUE;
}

/* A batch prediction's context: where it came from and the row's columns
 * the model does not use (an identifier, the target). */
static void
append_context_json (GString     *json,
                     const Batch *b,
                     char       **fields,
                     guint        row)
{
  AxReader *reader = b->reader;

  g_string_append (json, "{\"request_source\":\"batch\",\"source\":");
  ax_append_json_string (json, b->source);
  g_string_append_printf (json, ",\"row\":%u", row);
  for (guint c = 0; c < reader->n_columns; c++)
    {
      const char *name = reader->names[c];

      if (b->used[c] || fields[c][0] == '\0' || g_str_equal (name, "request_source") ||
          g_str_equal (name, "source") || g_str_equal (name, "row"))
        continue;
      g_string_append_c (json, ',');
      ax_append_json_string (json, name);
      g_string_append_c (json, ':');
      ax_append_json_string (json, fields[c]);
    }
  g_string_append_c (json, '}');
}

/* Predicts the batch, appends its CSV lines to b->text and records it. */
static gboolean
predict_batch (Batch    *b,
               GError  **error)
{
  AxPredictResult *result = b->result;
  AxReader *reader = b->reader;
  g_autoptr(AxFrame) frame = NULL;
  g_autoptr(AxPredictions) p = NULL;
  g_autofree const char **inputs = NULL, **outputs = NULL, **contexts = NULL;
  g_autofree gsize *offsets = NULL;
  g_autofree gint64 *ids = NULL;
  g_autoptr(GString) json = g_string_sized_new (1 << 16);
  g_autofree char *created = NULL;
  g_autoptr(GString) cells = g_string_sized_new (256);
  /* Outputs: the value, its range and confidence, probabilities, score. */
  g_autofree gsize *out_at = NULL;
  g_autofree const char **row_cells = NULL;
  guint n_out;
  gint64 t0;

  if (b->records->len == 0)
    return TRUE;
  frame = batch_frame (b, error);
  if (frame == NULL)
    return FALSE;
  t0 = g_get_monotonic_time ();
  p = ax_model_predict (result->model, frame, error);
  if (p == NULL)
    return FALSE;
  result->model_seconds += (double) (g_get_monotonic_time () - t0) / G_USEC_PER_SEC;
  out_at = g_new (gsize, 5 + (gsize) p->n_classes);
  row_cells = g_new (const char *, reader->n_columns + 5 + (gsize) p->n_classes);

  /* Every record's input, output and context JSON in one buffer, each
   * ended by a NUL: their starts are gathered once the buffer has stopped
   * moving. */
  offsets = g_new (gsize, 3 * (gsize) p->n_rows);
  for (guint r = 0; r < p->n_rows; r++)
    {
      char **fields = ((Record *) g_ptr_array_index (b->records, r))->fields;

      for (guint c = 0; c < reader->n_columns; c++)
        {
          /* What the file said, as it said it. */
          if (c)
            g_string_append_c (b->text, ',');
          ax_export_append_field (b->text, fields[c]);
        }
      /* The row's outputs, each ended by a NUL, then written out. */
      g_string_truncate (cells, 0);
      n_out = 0;
      if (p->task == AX_TASK_CLASSIFICATION)
        {
          guint k = (guint) p->value[r];
          g_string_append (cells, k < p->n_classes ? p->class_names[k] : "");
        }
      else
        ax_export_append_number (cells, p->value[r]);
      out_at[n_out++] = 0;
      g_string_append_c (cells, '\0');
      {
        double more[] = { p->lower ? p->lower[r] : NAN, p->upper ? p->upper[r] : NAN,
                          p->confidence ? p->confidence[r] : NAN };

        for (guint i = 0; i < G_N_ELEMENTS (more); i++)
          {
            out_at[n_out++] = cells->len;
            ax_export_append_number (cells, more[i]);
            g_string_append_c (cells, '\0');
          }
      }
      if (p->task == AX_TASK_CLASSIFICATION && p->probability)
        for (guint k = 0; k < p->n_classes; k++)
          {
            out_at[n_out++] = cells->len;
            ax_export_append_number (cells, p->probability[(gsize) r * p->n_classes + k]);
            g_string_append_c (cells, '\0');
          }
      if (b->has_score)
        {
          out_at[n_out++] = cells->len;
          ax_export_append_number (cells, p->score ? p->score[r] : NAN);
          g_string_append_c (cells, '\0');
        }
      for (guint i = 0; i < n_out; i++)
        {
          g_string_append_c (b->text, ',');
          ax_export_append_field (b->text, cells->str + out_at[i]);
        }
      if (b->sink != NULL)
        {
          for (guint c = 0; c < reader->n_columns; c++)
            row_cells[c] = fields[c] ? fields[c] : "";
          for (guint i = 0; i < n_out; i++)
            row_cells[reader->n_columns + i] = cells->str + out_at[i];
          b->sink->row (row_cells, reader->n_columns + n_out, b->sink->data);
        }
      g_string_append (b->text, "\r\n");

      offsets[3 * (gsize) r] = json->len;
      g_string_append_c (json, '{');
      for (guint c = 0; c < frame->n_columns; c++)
        {
          if (c)
            g_string_append_c (json, ',');
          ax_append_json_string (json, frame->columns[c].name);
          g_string_append_c (json, ':');
          append_json_input (json, &frame->columns[c], r, fields[c]);
        }
      g_string_append_c (json, '}');
      g_string_append_c (json, '\0');
      offsets[3 * (gsize) r + 1] = json->len;
      append_output_json (json, p, r);
      g_string_append_c (json, '\0');
      offsets[3 * (gsize) r + 2] = json->len;
      if (b->source != NULL)
        append_context_json (json, b, fields, result->n_rows + r + 1);
      g_string_append_c (json, '\0');
    }
  inputs = g_new (const char *, MAX (p->n_rows, 1));
  outputs = g_new (const char *, MAX (p->n_rows, 1));
  contexts = b->source != NULL ? g_new (const char *, MAX (p->n_rows, 1)) : NULL;
  for (guint r = 0; r < p->n_rows; r++)
    {
      inputs[r] = json->str + offsets[3 * (gsize) r];
      outputs[r] = json->str + offsets[3 * (gsize) r + 1];
      if (contexts != NULL)
        contexts[r] = json->str + offsets[3 * (gsize) r + 2];
    }

  ids = g_new0 (gint64, p->n_rows);
  if (!ax_store_record_predictions (b->store, result->model_id, result->version, p->n_rows,
                                    inputs, outputs, contexts, ids, &created, error))
    return FALSE;
  if (result->n_rows == 0)
    {
      result->first_id = ids[0];
      result->created = g_steal_pointer (&created);
    }
  result->n_rows += p->n_rows;
  return TRUE;
}

static void
append_header (Batch *b)
{
  AxReader *reader = b->reader;
  const AxModelReport *report = ax_model_get_report (b->result->model);
  static const char *const fixed[] = { "prediction", "lower_bound", "upper_bound", "confidence" };
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  for (guint c = 0; c < reader->n_columns; c++)
    g_ptr_array_add (names, g_strdup (reader->names[c]));
  for (guint i = 0; i < G_N_ELEMENTS (fixed); i++)
    g_ptr_array_add (names, g_strdup (fixed[i]));
  if (report->task == AX_TASK_CLASSIFICATION)
    for (guint k = 0; k < report->n_classes; k++)
      g_ptr_array_add (names, g_strconcat ("probability_", report->class_names[k], NULL));
  if (b->has_score)
    g_ptr_array_add (names, g_strdup ("score"));

  for (guint i = 0; i < names->len; i++)
    {
      if (i)
        g_string_append_c (b->text, ',');
      ax_export_append_field (b->text, names->pdata[i]);
    }
  g_string_append (b->text, "\r\n");
  if (b->sink != NULL)
    b->sink->columns ((const char *const *) names->pdata, names->len, b->sink->data);
}

static gboolean
write_text (Batch         *b,
            GCancellable  *cancellable,
            GError       **error)
{
  if (!g_output_stream_write_all (b->out, b->text->str, b->text->len, NULL, cancellable, error))
    return FALSE;
  g_string_truncate (b->text, 0);
  return TRUE;
}

gboolean
ax_train_predict_file (const char          *project_path,
                       const char          *model_ref,
                       GFile               *input,
                       AxReader            *given,
                       GFile               *output,
                       const char          *source,
                       const AxPredictSink *sink,
                       AxProgressFunc       progress,
                       gpointer             progress_data,
                       GCancellable        *cancellable,
                       AxPredictResult     *result,
                       GError             **error)
{
  g_autoptr(AxStore) store = NULL;
  g_autoptr(AxReader) reader = given;
  g_autoptr(GFileOutputStream) out = NULL;
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func (record_free);
  g_autoptr(GString) text = g_string_sized_new (1 << 20);
  g_autoptr(GFile) tmp = NULL;
  g_autofree AxColumnSpec *specs = NULL;
  g_autofree gboolean *used = NULL;
  g_autofree char *in_base = input ? g_file_get_basename (input) : g_strdup (source);
  AxReadOptions read_options = { 0 };
  Batch b = { 0 };
  gboolean at_end = FALSE;
  gboolean in_transaction = FALSE;

  memset (result, 0, sizeof *result);
  store = ax_store_open (project_path, error);
  if (store == NULL || !ax_train_load_model (store, model_ref, result, error))
    goto fail;
  if (ax_export_is_project_file (project_path, output))
    {
      g_autofree char *base = g_path_get_basename (project_path);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   _("Will not write predictions over the project “%s” itself; choose another file"), base);
      goto fail;
    }
  if (reader == NULL)
    reader = ax_reader_open (input, &read_options, cancellable, error);
  if (reader == NULL)
    goto fail;

  /* Every input the model needs must be a column of the file. */
  specs = g_new0 (AxColumnSpec, reader->n_columns + 1);
  used = g_new0 (gboolean, reader->n_columns + 1);
  for (guint c = 0; c < reader->n_columns; c++)
    specs[c] = (AxColumnSpec) { .type = AX_COLUMN_TEXT, .fixed = TRUE };
  for (guint i = 0; i < ax_model_get_n_inputs (result->model); i++)
    {
      const char *name = ax_model_get_input_name (result->model, i);
      AxColumnType type = ax_model_get_input_type (result->model, i);
      int c = -1;

      for (guint k = 0; k < reader->n_columns && c < 0; k++)
        if (g_strcmp0 (reader->names[k], name) == 0)
          c = (int) k;
      if (c < 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("“%s” has no column “%s”; model “%s” needs it"),
                       in_base, name, result->model_name);
          goto fail;
        }
      /* An integer input meeting a fraction reads on as a real, as at
       * import; a date takes any layout the import knows, ISO first. */
      specs[c] = (AxColumnSpec) { .type = type, .date_order = AX_DATE_ISO,
                                  .fixed = type != AX_COLUMN_INTEGER };
      used[c] = TRUE;
    }

  /* Written beside @output and renamed over it at the end: a failure
   * leaves whatever was there before (g_file_replace() would write a new
   * file in place). */
  {
    g_autoptr(GFile) parent = g_file_get_parent (output);
    g_autofree char *base = g_file_get_basename (output);
    g_autofree char *name = g_strdup_printf (".%s.part-%d", base, (int) getpid ());

    if (parent == NULL)
      {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME,
                     _("Cannot write predictions to “%s”; choose a file in a folder"), base);
        goto fail;
      }
    tmp = g_file_get_child (parent, name);
  }
  out = g_file_replace (tmp, NULL, FALSE, G_FILE_CREATE_NONE, cancellable, error);
  if (out == NULL)
    goto fail;
  b.result = result;
  b.store = store;
  b.reader = reader;
  b.out = G_OUTPUT_STREAM (out);
  b.specs = specs;
  b.tokens = ax_infer_default_missing_tokens ();
  b.records = records;
  b.text = text;
  b.has_score = ax_model_get_config (result->model)->model_type == AX_MODEL_LEAD_SCORING;
  b.source = source;
  b.used = used;
  b.sink = sink;
  append_header (&b);

  /* Every batch joins one transaction: the predictions appear together,
   * with the file, or not at all. */
  if (!ax_store_begin (store, error))
    goto fail;
  in_transaction = TRUE;
  while (!at_end)
    {
      g_autofree char *detail = NULL;

      if (!read_batch (&b, &at_end, error) ||
          g_cancellable_set_error_if_cancelled (cancellable, error) ||
          !predict_batch (&b, error) ||
          !write_text (&b, cancellable, error))
        {
          if (error && *error && (*error)->domain == AX_LEARN_ERROR)
            g_prefix_error (error, "%s: ", in_base);
          goto fail;
        }
      detail = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Predicted %'u row", "Predicted %'u rows",
                                             result->n_rows), result->n_rows);
      ax_progress_report (progress, progress_data,
                          reader->bytes_total ? MIN (1.0, (double) reader->bytes_done / (double) reader->bytes_total) : -1,
                          detail);
    }
  if (!write_text (&b, cancellable, error) ||
      !g_output_stream_close (G_OUTPUT_STREAM (out), cancellable, error) ||
      !g_file_move (tmp, output, G_FILE_COPY_OVERWRITE, cancellable, NULL, NULL, error))
    goto fail;
  in_transaction = FALSE;
  if (!ax_store_commit (store, error))
    {
      /* The file is in place but the project does not know of it. */
      g_file_delete (output, NULL, NULL);
      goto fail;
    }
  if (result->created == NULL)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
      result->created = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
    }
  ax_progress_report (progress, progress_data, 1.0, NULL);
  return TRUE;

fail:
  if (in_transaction)
    ax_store_rollback (store);
  if (out != NULL && !g_output_stream_is_closed (G_OUTPUT_STREAM (out)))
    g_output_stream_close (G_OUTPUT_STREAM (out), NULL, NULL);
  if (out != NULL)
    g_file_delete (tmp, NULL, NULL);
  ax_predict_result_clear (result);
  return FALSE;
}


gboolean
ax_predict_file (const char       *project_path,
                 const char       *model_ref,
                 GFile            *input,
                 GFile            *output,
                 AxProgressFunc    progress,
                 gpointer          progress_data,
                 GCancellable     *cancellable,
                 AxPredictResult  *result,
                 GError          **error)
{
  return ax_train_predict_file (project_path, model_ref, input, NULL, output, NULL, NULL, progress,
                                progress_data, cancellable, result, error);
}

typedef struct {
  char            *project_path;
  char            *model_ref;
  GFile           *input;
  GFile           *output;
  AxPredictResult  result;
} PredictData;

static void
predict_data_free (gpointer p)
{
  PredictData *d = p;

  g_free (d->project_path);
  g_free (d->model_ref);
  g_clear_object (&d->input);
  g_clear_object (&d->output);
  ax_predict_result_clear (&d->result);
  g_free (d);
}

static gboolean
run_predict (AxJob         *job,
             gpointer       data,
             GCancellable  *cancellable,
             GError       **error)
{
  PredictData *d = data;

  return ax_predict_file (d->project_path, d->model_ref, d->input, d->output,
                          ax_job_progress, job, cancellable, &d->result, error);
}

AxJob *
ax_predict_job_new (const char *project_path,
                    const char *model_ref,
                    GFile      *input,
                    GFile      *output)
{
  PredictData *d = g_new0 (PredictData, 1);
  g_autofree char *base = g_file_get_basename (input);
  g_autofree char *title = g_strdup_printf (_("Predicting “%s”"), base);

  d->project_path = g_strdup (project_path);
  d->model_ref = g_strdup (model_ref);
  d->input = g_object_ref (input);
  d->output = g_object_ref (output);
  return ax_job_new (title, run_predict, d, predict_data_free);
}

AxPredictResult *
ax_predict_job_get_result (AxJob *job)
{
  return &((PredictData *) ax_job_get_data (job))->result;
}
