/* ax-model-io.c — predictions from a trained model, and its saved blob
 *
 * The blob is "AXMD", a little-endian uint32 format version, then one
 * GVariant (little-endian) holding:
 *
 *   s   the configuration as JSON (ax_model_config_to_json)
 *   v   the preprocessing (ax_prep_to_variant)
 *   ay  the algorithm's own blob (AxAlgorithm.save)
 *   v   the calibration (ax_calibration_to_variant)
 *   v   the report: task, classes, split sizes, metrics, curve,
 *       importance, seconds and notes
 *
 * Doubles are stored as their bits, so a loaded model predicts exactly
 * what the saved one did.  A blob from a newer format version is refused.
 */

#include "ax-config.h"
#include "ax-blob.h"
#include "ax-forest.h"
#include "ax-model-private.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#define BLOB_MAGIC   "AXMD"
#define BLOB_VERSION 1
#define BLOB_HEADER  8
#define BLOB_TYPE    "(svayvv)"

/* task, rows, classes, mae, rmse, r2, mape, accuracy, precision, recall,
 * f1, precision_macro, recall_macro, f1_macro, roc_auc, log_loss,
 * confusion */
#define METRICS_TYPE "(uuudddddddddddddat)"
/* task, classes, class names, train, valid and test rows, validation
 * metrics, test metrics (or nothing), curve, importance, seconds, notes */
#define REPORT_TYPE  "(uuasuuu" METRICS_TYPE "m" METRICS_TYPE "a(ud)a(sdd)das)"

double *
ax_model_predict_spread (const AxModel  *model,
                         const AxMatrix *x)
{
  double *sd;

  /* Only the forest knows how much its members disagree. */
  if (model->report.task != AX_TASK_REGRESSION ||
      g_strcmp0 (model->algo->name, ax_random_forest_algorithm.name) != 0)
    return NULL;
  sd = g_new (double, MAX (x->n_rows, 1));
  ax_forest_predict_spread (model->fitted, x, sd);
  return sd;
}

double *
ax_model_predict_raw_spread (const AxModel  *model,
                             const AxMatrix *x,
                             double        **spread)
{
  double *raw;

  if (model->report.task != AX_TASK_REGRESSION ||
      g_strcmp0 (model->algo->name, ax_random_forest_algorithm.name) != 0)
    {
      *spread = ax_model_predict_spread (model, x);
      return ax_model_predict_raw (model, x);
    }
  /* The prediction and its spread in one walk through the trees. */
  raw = g_new (double, MAX (x->n_rows, 1));
  *spread = g_new (double, MAX (x->n_rows, 1));
  ax_forest_predict_with_spread (model->fitted, x, raw, *spread);
  return raw;
}

/* Input conversion */

static gint64
floor_div (gint64 a,
           gint64 b)
{
  gint64 q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

static gboolean
parse_boolean (const char *s,
               gint64     *out)
{
  if (ax_parse_boolean (s, out))
    return TRUE;
  if (g_ascii_strcasecmp (s, "yes") == 0 || strcmp (s, "1") == 0)
    return *out = 1, TRUE;
  if (g_ascii_strcasecmp (s, "no") == 0 || strcmp (s, "0") == 0)
    return *out = 0, TRUE;
  return FALSE;
}

static gboolean
parse_date (const char *s,
            gint64     *days)
{
  gint64 seconds;

  for (AxDateOrder o = 0; o < AX_N_DATE_ORDERS; o++)
    if (ax_parse_date (s, o, days))
      return TRUE;
  if (ax_parse_datetime (s, &seconds))
    return *days = floor_div (seconds, 86400), TRUE;
  return FALSE;
}

static gboolean
parse_datetime (const char *s,
                gint64     *seconds)
{
  gint64 days;

  if (ax_parse_datetime (s, seconds))
    return TRUE;
  for (AxDateOrder o = 0; o < AX_N_DATE_ORDERS; o++)
    if (ax_parse_date (s, o, &days))
      return *seconds = days * 86400, TRUE;
  return FALSE;
}

/* Copies column @src into column @col of @dst, converted to @want (which
 * is REAL for numbers).  Returns FALSE naming row and column when a value
 * cannot be converted. */
static gboolean
convert_column (const AxColumn  *src,
                AxColumnType     want,
                AxFrame         *dst,
                guint            col,
                GError         **error)
{
  for (guint r = 0; r < dst->n_rows; r++)
    {
      g_autofree char *text = NULL;
      const char *what = NULL;
      gint64 iv;
      double dv;

      if (src->missing[r] || (src->strings && src->strings[r] == NULL))
        continue;
      /* Categories and text are copied as they are, below. */
      if (src->strings && want != AX_COLUMN_CATEGORICAL && want != AX_COLUMN_TEXT)
        {
          text = g_strstrip (g_strdup (src->strings[r]));
          if (*text == '\0')
            continue;
        }

      switch (want)
        {
        case AX_COLUMN_REAL:
          if (text && ax_parse_real (text, &dv))
            ax_frame_set_real (dst, col, r, dv);
          else if (src->reals)
            ax_frame_set_real (dst, col, r, src->reals[r]);
          else if (src->type == AX_COLUMN_INTEGER || src->type == AX_COLUMN_BOOLEAN)
            ax_frame_set_real (dst, col, r, (double) src->ints[r]);
          else
            what = _("is not a number");
          break;

        case AX_COLUMN_BOOLEAN:
          if (text && parse_boolean (text, &iv))
            ax_frame_set_int (dst, col, r, iv);
          else if (src->type == AX_COLUMN_BOOLEAN ||
                   (src->type == AX_COLUMN_INTEGER && (src->ints[r] == 0 || src->ints[r] == 1)))
            ax_frame_set_int (dst, col, r, src->ints[r]);
          else if (src->reals && (src->reals[r] == 0 || src->reals[r] == 1))
            ax_frame_set_int (dst, col, r, (gint64) src->reals[r]);
          else
            what = _("is not true or false");
          break;

        case AX_COLUMN_DATE:
          if (text && parse_date (text, &iv))
            ax_frame_set_int (dst, col, r, iv);
          else if (src->type == AX_COLUMN_DATE)
            ax_frame_set_int (dst, col, r, src->ints[r]);
          else if (src->type == AX_COLUMN_DATETIME)
            ax_frame_set_int (dst, col, r, floor_div (src->ints[r], 86400));
          else
            what = _("is not a date");
          break;

        case AX_COLUMN_DATETIME:
          if (text && parse_datetime (text, &iv))
            ax_frame_set_int (dst, col, r, iv);
          else if (src->type == AX_COLUMN_DATETIME)
            ax_frame_set_int (dst, col, r, src->ints[r]);
          else if (src->type == AX_COLUMN_DATE)
            ax_frame_set_int (dst, col, r, src->ints[r] * 86400);
          else
            what = _("is not a date and time");
          break;

        case AX_COLUMN_INTEGER:
        case AX_COLUMN_CATEGORICAL:
        case AX_COLUMN_TEXT:
        case AX_N_COLUMN_TYPES:
        default:
          {
            char buf[64];

            /* Categories as given: training did not trim them either. */
            ax_frame_set_string (dst, col, r, ax_column_format_value (src, r, buf, sizeof buf), -1);
          }
          break;
        }

      if (what)
        {
          char buf[64];
          const char *shown = text;

          if (shown == NULL)
            {
              if (src->type == AX_COLUMN_DATE)
                ax_format_date (src->ints[r], buf, sizeof buf);
              else if (src->type == AX_COLUMN_DATETIME)
                ax_format_datetime (src->ints[r], buf, sizeof buf);
              else if (src->reals)
                ax_format_real (src->reals[r], buf, sizeof buf);
              else
                g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT, src->ints[r]);
              shown = buf;
            }
          /* Translators: row number, column name, the value, then "is not a number" etc. */
          g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_DATA,
                       _("Row %u, column “%s”: “%s” %s"), r + 1, src->name, shown, what);
          return FALSE;
        }
    }
  return TRUE;
}

/* The model's inputs taken from @input by name and converted to the types
 * the model learned. */
static AxFrame *
convert_input (const AxModel  *model,
               const AxFrame  *input,
               GError        **error)
{
  guint n = ax_prep_get_n_inputs (model->prep);
  g_autofree const char **names = g_new0 (const char *, n + 1);
  g_autofree AxColumnType *types = g_new (AxColumnType, MAX (n, 1));
  g_autoptr(AxFrame) out = NULL;

  for (guint i = 0; i < n; i++)
    {
      names[i] = ax_prep_get_input_name (model->prep, i);
      types[i] = ax_prep_get_input_type (model->prep, i);
      if (ax_column_type_is_numeric (types[i]))
        types[i] = AX_COLUMN_REAL;
      if (ax_frame_find_column (input, names[i]) < 0)
        {
          g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_DATA,
                       _("The data has no column “%s”, which the model needs"), names[i]);
          return NULL;
        }
    }
  out = ax_frame_new (n, names, types, input->n_rows);
  for (guint r = 0; r < input->n_rows; r++)
    ax_frame_append_row (out);
  for (guint i = 0; i < n; i++)
    if (!convert_column (&input->columns[ax_frame_find_column (input, names[i])],
                         types[i], out, i, error))
      return NULL;
  return g_steal_pointer (&out);
}

void
ax_predictions_free (AxPredictions *p)
{
  if (p == NULL)
    return;
  g_free (p->value);
  g_free (p->lower);
  g_free (p->upper);
  g_free (p->confidence);
  g_free (p->probability);
  g_free (p->score);
  g_free (p);
}

AxPredictions *
ax_model_predict (const AxModel  *model,
                  const AxFrame  *input,
                  GError        **error)
{
  const AxModelReport *r = &model->report;
  g_autoptr(AxFrame) frame = NULL;
  g_autoptr(AxMatrix) x = NULL;
  g_autoptr(AxPredictions) p = NULL;
  g_autofree double *raw = NULL;
  g_autofree double *spread = NULL;
  guint n;

  g_return_val_if_fail (model != NULL && input != NULL, NULL);

  if (!(frame = convert_input (model, input, error)) ||
      !(x = ax_prep_transform (model->prep, frame, NULL, frame->n_rows, error)))
    return NULL;
  n = x->n_rows;
  if (r->task == AX_TASK_REGRESSION && ax_calibration_uses_spread (model->cal))
    raw = ax_model_predict_raw_spread (model, x, &spread);
  else
    raw = ax_model_predict_raw (model, x);

  p = g_new0 (AxPredictions, 1);
  p->task = r->task;
  p->n_rows = n;
  p->n_classes = r->n_classes;
  p->class_names = r->class_names;
  p->value = g_new (double, MAX (n, 1));
  p->lower = g_new (double, MAX (n, 1));
  p->upper = g_new (double, MAX (n, 1));
  p->confidence = g_new (double, MAX (n, 1));

  if (r->task == AX_TASK_REGRESSION)
    {
      memcpy (p->value, raw, n * sizeof (double));
      ax_calibration_apply_range (model->cal, raw, spread, n, p->lower, p->upper, p->confidence);
      return g_steal_pointer (&p);
    }

  p->probability = g_new (double, MAX ((gsize) n * r->n_classes, 1));
  ax_calibration_apply_classes (model->cal, raw, p->probability, n);
  if (model->config->model_type == AX_MODEL_LEAD_SCORING)
    p->score = g_new (double, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    {
      const double *pr = p->probability + (gsize) i * r->n_classes;
      guint best = 0;

      for (guint k = 1; k < r->n_classes; k++)
        if (pr[k] > pr[best])
          best = k;
      p->value[i] = best;
      p->confidence[i] = pr[best];
      p->lower[i] = p->upper[i] = NAN;
      if (p->score)
        p->score[i] = 100 * pr[1];
    }
  return g_steal_pointer (&p);
}

/* The report */

static GVariant *
metrics_to_variant (const AxMetrics *m)
{
  AxMetrics none = { 0 };
  guint k = 0;

  if (m == NULL)
    m = &none;
  if (m->confusion)
    k = m->n_classes;
  return g_variant_new ("(uuuddddddddddddd@at)", (guint32) m->task, m->n_rows, m->n_classes,
                        m->mae, m->rmse, m->r2, m->mape, m->accuracy, m->precision,
                        m->recall, m->f1, m->precision_macro, m->recall_macro, m->f1_macro,
                        m->roc_auc, m->log_loss,
                        g_variant_new_fixed_array (G_VARIANT_TYPE_UINT64, m->confusion,
                                                   (gsize) k * k, sizeof (guint64)));
}

static AxMetrics *
metrics_from_variant (GVariant *v)
{
  AxMetrics *m = g_new0 (AxMetrics, 1);
  g_autoptr(GVariant) confusion = NULL;
  guint32 task;
  const guint64 *c;
  gsize n;

  g_variant_get (v, METRICS_TYPE, &task, &m->n_rows, &m->n_classes,
                 &m->mae, &m->rmse, &m->r2, &m->mape, &m->accuracy, &m->precision,
                 &m->recall, &m->f1, &m->precision_macro, &m->recall_macro, &m->f1_macro,
                 &m->roc_auc, &m->log_loss, NULL);
  m->task = task == AX_TASK_CLASSIFICATION ? AX_TASK_CLASSIFICATION : AX_TASK_REGRESSION;
  confusion = g_variant_get_child_value (v, 16);
  c = g_variant_get_fixed_array (confusion, &n, sizeof (guint64));
  if (n > 0 && n == (gsize) m->n_classes * m->n_classes)
    m->confusion = g_memdup2 (c, n * sizeof (guint64));
  return m;
}

static GVariant *
report_to_variant (const AxModelReport *r)
{
  const char *const empty[] = { NULL };
  GVariantBuilder curve, importance;

  g_variant_builder_init (&curve, G_VARIANT_TYPE ("a(ud)"));
  for (guint i = 0; r->curve && i < r->curve->len; i++)
    {
      const AxCurvePoint *pt = &g_array_index (r->curve, AxCurvePoint, i);
      g_variant_builder_add (&curve, "(ud)", pt->step, pt->score);
    }
  g_variant_builder_init (&importance, G_VARIANT_TYPE ("a(sdd)"));
  for (guint i = 0; i < r->n_importance; i++)
    g_variant_builder_add (&importance, "(sdd)", r->importance[i].feature,
                           r->importance[i].impurity, r->importance[i].permutation);

  return g_variant_new ("(uu^asuuu@" METRICS_TYPE "@m" METRICS_TYPE "a(ud)a(sdd)d^as)",
                        (guint32) r->task, r->n_classes,
                        r->class_names ? (const char *const *) r->class_names : empty,
                        r->n_train, r->n_valid, r->n_test,
                        metrics_to_variant (r->validation),
                        g_variant_new_maybe (G_VARIANT_TYPE (METRICS_TYPE),
                                             r->test ? metrics_to_variant (r->test) : NULL),
                        &curve, &importance, r->seconds,
                        r->notes ? (const char *const *) r->notes : empty);
}

static gboolean
report_from_variant (AxModelReport  *r,
                     GVariant       *v,
                     GError        **error)
{
  g_autoptr(GVariant) validation = NULL, maybe_test = NULL, test = NULL;
  g_autoptr(GVariantIter) curve = NULL, importance = NULL;
  guint32 task, step;
  double a, b;
  const char *name;

  if (!g_variant_is_of_type (v, G_VARIANT_TYPE (REPORT_TYPE)))
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_BLOB,
                   _("The model is damaged: its report cannot be read"));
      return FALSE;
    }
  g_variant_get (v, "(uu^asuuu@" METRICS_TYPE "@m" METRICS_TYPE "a(ud)a(sdd)d^as)",
                 &task, &r->n_classes, &r->class_names, &r->n_train, &r->n_valid, &r->n_test,
                 &validation, &maybe_test, &curve, &importance, &r->seconds, &r->notes);
  test = g_variant_get_maybe (maybe_test);
  r->task = task == AX_TASK_CLASSIFICATION ? AX_TASK_CLASSIFICATION : AX_TASK_REGRESSION;
  if (r->task == AX_TASK_REGRESSION)
    g_clear_pointer (&r->class_names, g_strfreev);
  r->validation = metrics_from_variant (validation);
  r->test = test ? metrics_from_variant (test) : NULL;
  r->curve = g_array_new (FALSE, FALSE, sizeof (AxCurvePoint));
  while (g_variant_iter_next (curve, "(ud)", &step, &a))
    {
      AxCurvePoint pt = { step, a };
      g_array_append_val (r->curve, pt);
    }
  r->importance = g_new0 (AxImportance, g_variant_iter_n_children (importance));
  while (g_variant_iter_next (importance, "(&sdd)", &name, &a, &b))
    r->importance[r->n_importance++] = (AxImportance) { g_strdup (name), a, b };

  if (r->task == AX_TASK_CLASSIFICATION &&
      (r->n_classes < 2 || g_strv_length (r->class_names) != r->n_classes))
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_BLOB,
                   _("The model is damaged: its classes cannot be read"));
      return FALSE;
    }
  return TRUE;
}

/* Save and load */

GBytes *
ax_model_save (const AxModel *model)
{
  g_autofree char *json = ax_model_config_to_json (model->config);
  g_autoptr(GBytes) fitted = model->algo->save (model->fitted);
  g_autoptr(GVariant) payload = NULL;
  g_autoptr(GByteArray) out = NULL;

  payload = g_variant_ref_sink (g_variant_new ("(sv@ayvv)", json,
                                               ax_prep_to_variant (model->prep),
                                               g_variant_new_from_bytes (G_VARIANT_TYPE_BYTESTRING,
                                                                         fitted, TRUE),
                                               ax_calibration_to_variant (model->cal),
                                               report_to_variant (&model->report)));
  if (G_BYTE_ORDER == G_BIG_ENDIAN)
    {
      GVariant *swapped = g_variant_byteswap (payload);
      g_variant_unref (payload);
      payload = swapped;
    }
  out = ax_blob_writer_new (BLOB_MAGIC, BLOB_VERSION, BLOB_HEADER + g_variant_get_size (payload));
  ax_blob_put_bytes (out, g_variant_get_data (payload), g_variant_get_size (payload));
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

static AxModel *
damaged (GError     **error,
         const char  *what)
{
  return ax_blob_error (error, _("The model is damaged: %s"), what);
}

AxModel *
ax_model_load (GBytes  *blob,
               GError **error)
{
  g_autoptr(AxModel) model = g_new0 (AxModel, 1);
  g_autoptr(GBytes) payload_bytes = NULL, fitted_bytes = NULL;
  g_autoptr(GVariant) payload = NULL, prep = NULL, fitted = NULL, cal = NULL, report = NULL;
  g_autoptr(GError) local = NULL;
  const char *json;
  AxBlobReader r;
  guint32 version;

  g_return_val_if_fail (blob != NULL, NULL);

  ax_blob_reader_init (&r, blob);
  if (!ax_blob_read_magic (&r, BLOB_MAGIC) || !ax_blob_read_u32 (&r, &version))
    return ax_blob_error (error, _("This is not a model saved by Auspex"));
  if (version > BLOB_VERSION)
    return ax_blob_error (error,
                          _("The model was saved by a newer version of Auspex (model format %u; "
                            "this version reads up to %u); update Auspex to use it"),
                          version, BLOB_VERSION);
  if (version == 0)
    return damaged (error, _("its format version is 0"));

  payload_bytes = g_bytes_new_from_bytes (blob, r.pos, ax_blob_reader_remaining (&r));
  payload = g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE (BLOB_TYPE),
                                                          payload_bytes, FALSE));
  if (G_BYTE_ORDER == G_BIG_ENDIAN)
    {
      GVariant *swapped = g_variant_byteswap (payload);
      g_variant_unref (payload);
      payload = swapped;
    }
  /* Every part but the fitted algorithm's bytes, which its loader checks
   * itself: checking the normal form of a byte array looks at each byte,
   * which for a large forest takes longer than loading it. */
  g_variant_get (payload, "(&sv@ayvv)", &json, &prep, &fitted, &cal, &report);
  {
    g_autoptr(GVariant) json_v = g_variant_get_child_value (payload, 0);

    if (!g_variant_is_normal_form (json_v) || !g_variant_is_normal_form (prep) ||
        !g_variant_is_normal_form (cal) || !g_variant_is_normal_form (report) ||
        g_variant_get_size (payload) < g_variant_get_size (json_v) + g_variant_get_size (fitted))
      return damaged (error, _("its contents are cut short or changed"));
  }

  model->config = ax_model_config_from_json (json, &local);
  if (model->config == NULL)
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_BLOB,
                   _("The model's configuration cannot be used: %s"), local->message);
      return NULL;
    }
  model->algo = ax_algorithm_find (model->config->algorithm);
  fitted_bytes = g_variant_get_data_as_bytes (fitted);
  if (!(model->prep = ax_prep_from_variant (prep, error)) ||
      !(model->cal = ax_calibration_from_variant (cal, error)) ||
      !report_from_variant (&model->report, report, error) ||
      !(model->fitted = model->algo->load (fitted_bytes, error)))
    return NULL;
  if (ax_calibration_get_task (model->cal) != model->report.task ||
      (model->report.task == AX_TASK_CLASSIFICATION &&
       ax_calibration_get_n_classes (model->cal) != model->report.n_classes))
    return damaged (error, _("its calibration does not match its task"));
  return g_steal_pointer (&model);
}
