/* ax-model.c — the model pipeline: split, prepare, fit, evaluate, calibrate
 *
 * Prediction and the saved blob are in ax-model-io.c; both share the
 * model's layout through ax-model-private.h.
 */

#include "ax-config.h"
#include "ax-model-private.h"
#include "ax-split.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Permutation importance shuffles each column this many times, among at
 * most this many validation rows (drawn at random when there are more):
 * enough to rank the columns, and it keeps the importance from costing as
 * much as the fit on large data sets. */
#define PERMUTATION_REPEATS 3
#define PERMUTATION_ROWS 2500
/* Values (rows x features) of the shuffled copies predicted in one call. */
#define PERMUTATION_BATCH_VALUES (4u << 20)
#define MAX_CLASSES 100

/* Progress: preparing takes the first tenth, fitting up to 80%, scoring,
 * importance and calibration the rest. */
#define FIT_START 0.1
#define FIT_END   0.8

void
ax_model_report_clear (AxModelReport *r)
{
  g_strfreev (r->class_names);
  g_clear_pointer (&r->validation, ax_metrics_free);
  g_clear_pointer (&r->test, ax_metrics_free);
  g_clear_pointer (&r->curve, g_array_unref);
  for (guint i = 0; i < r->n_importance; i++)
    g_free (r->importance[i].feature);
  g_free (r->importance);
  g_strfreev (r->notes);
  memset (r, 0, sizeof *r);
}

void
ax_model_free (AxModel *model)
{
  if (model == NULL)
    return;
  if (model->fitted)
    model->algo->free (model->fitted);
  g_clear_pointer (&model->prep, ax_prep_free);
  g_clear_pointer (&model->cal, ax_calibration_free);
  g_clear_pointer (&model->config, ax_model_config_free);
  ax_model_report_clear (&model->report);
  g_free (model->held_actual);
  g_free (model->held_predicted);
  g_free (model->held_probability);
  g_free (model);
}

const AxModelConfig *
ax_model_get_config (const AxModel *model)
{
  return model->config;
}

const AxModelReport *
ax_model_get_report (const AxModel *model)
{
  return &model->report;
}

gboolean
ax_model_get_held_out (const AxModel  *model,
                       gboolean       *test,
                       guint          *n_rows,
                       const double  **actual,
                       const double  **predicted,
                       const double  **probability)
{
  g_return_val_if_fail (model != NULL, FALSE);
  if (model->held_actual == NULL)
    return FALSE;
  *test = model->held_test;
  *n_rows = model->held_n;
  *actual = model->held_actual;
  *predicted = model->held_predicted;
  *probability = model->held_probability;
  return TRUE;
}

guint
ax_model_get_n_inputs (const AxModel *model)
{
  return ax_prep_get_n_inputs (model->prep);
}

const char *
ax_model_get_input_name (const AxModel *model,
                         guint          i)
{
  return ax_prep_get_input_name (model->prep, i);
}

AxColumnType
ax_model_get_input_type (const AxModel *model,
                         guint          i)
{
  return ax_prep_get_input_type (model->prep, i);
}

double *
ax_model_predict_raw (const AxModel  *model,
                      const AxMatrix *x)
{
  guint k = model->report.task == AX_TASK_CLASSIFICATION ? model->report.n_classes : 1;
  double *out = g_new (double, MAX ((gsize) x->n_rows * k, 1));

  model->algo->predict (model->fitted, x, out);
  return out;
}

/* The target */

typedef struct {
  AxTask    task;
  guint     n_classes;
  char    **class_names;
  double   *y;              /* per dataset row, NAN where missing */
} Target;

static void
target_clear (Target *t)
{
  g_strfreev (t->class_names);
  g_free (t->y);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Target, target_clear)

/* For two classes, the class that reads as "no" comes first, so that
 * class 1 — the one precision, recall and lead scores are about — is the
 * positive one ("yes", "true", "1"), whatever the alphabet says. */
static gboolean
looks_negative (const char *s)
{
  static const char *const negatives[] = {
    "0", "false", "no", "n", "f", "negative", "neg", "none", "off", NULL
  };
  for (guint i = 0; negatives[i]; i++)
    if (g_ascii_strcasecmp (s, negatives[i]) == 0)
      return TRUE;
  return FALSE;
}

static int
cmp_str (const void *a,
         const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* Class names and indices of a categorical, text, boolean or numeric
 * target column. */
static gboolean
encode_classes (const AxModelConfig *config,
                const AxColumn      *c,
                guint                n_rows,
                Target              *t,
                GError             **error)
{
  /* value -> the order it was first seen in + 1 */
  g_autoptr(GHashTable) index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autofree guint *seen = g_new (guint, MAX (n_rows, 1));
  guint order[MAX_CLASSES + 1];
  gboolean strings = c->strings != NULL;

  if (c->type == AX_COLUMN_DATE || c->type == AX_COLUMN_DATETIME)
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                   _("target: “%s” holds dates, which cannot be predicted as classes"),
                   config->target);
      return FALSE;
    }
  for (guint r = 0; r < n_rows; r++)
    {
      char buf[64];
      const char *s = ax_column_format_value (c, r, buf, sizeof buf);

      seen[r] = s ? GPOINTER_TO_UINT (g_hash_table_lookup (index, s)) : 0;
      if (s && seen[r] == 0)
        {
          char *key = g_strdup (s);
          g_ptr_array_add (names, key);
          seen[r] = names->len;
          g_hash_table_insert (index, key, GUINT_TO_POINTER (names->len));
          if (names->len > MAX_CLASSES)
            {
              g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                           _("target: “%s” has more than %u different values; %s predicts "
                             "a class, so choose a column with a few values (such as yes/no)"),
                           config->target, MAX_CLASSES, ax_model_type_to_string (config->model_type));
              return FALSE;
            }
        }
    }
  if (names->len < 2)
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_DATA,
                   _("target: “%s” has fewer than two different values; a classifier "
                     "needs rows of at least two classes"), config->target);
      return FALSE;
    }

  /* Numbers in numeric order, booleans false first, text alphabetically. */
  if (strings)
    qsort (names->pdata, names->len, sizeof (char *), cmp_str);
  else
    {
      g_autofree double *v = g_new (double, names->len);
      for (guint i = 0; i < names->len; i++)
        v[i] = c->type == AX_COLUMN_BOOLEAN ? g_str_equal (names->pdata[i], "true")
                                            : g_ascii_strtod (names->pdata[i], NULL);
      for (guint i = 1; i < names->len; i++)
        for (guint j = i; j > 0 && v[j - 1] > v[j]; j--)
          {
            double tv = v[j]; v[j] = v[j - 1]; v[j - 1] = tv;
            gpointer tp = names->pdata[j]; names->pdata[j] = names->pdata[j - 1]; names->pdata[j - 1] = tp;
          }
    }
  if (names->len == 2 && looks_negative (names->pdata[1]) && !looks_negative (names->pdata[0]))
    {
      gpointer tp = names->pdata[0];
      names->pdata[0] = names->pdata[1];
      names->pdata[1] = tp;
    }
  if (config->model_type == AX_MODEL_LEAD_SCORING && names->len != 2)
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                   _("target: lead scoring needs a target of two values (converted or not); "
                     "“%s” has %u"), config->target, names->len);
      return FALSE;
    }

  t->n_classes = names->len;
  t->class_names = g_new0 (char *, names->len + 1);
  for (guint i = 0; i < names->len; i++)
    {
      t->class_names[i] = g_strdup (names->pdata[i]);
      order[GPOINTER_TO_UINT (g_hash_table_lookup (index, names->pdata[i]))] = i;
    }
  for (guint r = 0; r < n_rows; r++)
    if (seen[r] > 0)
      t->y[r] = order[seen[r]];
  return TRUE;
}

static gboolean
encode_target (const AxModelConfig *config,
               const AxAlgorithm   *algo,
               const AxFrame       *data,
               Target              *t,
               GError             **error)
{
  int col = ax_frame_find_column (data, config->target);
  const AxColumn *c;

  if (col < 0)
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                   _("target: the dataset has no column “%s”"), config->target);
      return FALSE;
    }
  c = &data->columns[col];
  t->task = (config->model_type == AX_MODEL_CHURN_PREDICTION ||
             config->model_type == AX_MODEL_LEAD_SCORING ||
             c->type == AX_COLUMN_CATEGORICAL || c->type == AX_COLUMN_TEXT ||
             c->type == AX_COLUMN_BOOLEAN)
            ? AX_TASK_CLASSIFICATION : AX_TASK_REGRESSION;
  if (t->task == AX_TASK_CLASSIFICATION && !algo->classification)
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                   _("algorithm: %s predicts numbers, but “%s” holds classes; use a "
                     "classification algorithm such as random_forest or logistic_regression"),
                   algo->name, config->target);
      return FALSE;
    }
  if (t->task == AX_TASK_REGRESSION && !algo->regression)
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                   _("algorithm: %s predicts classes, but “%s” holds numbers; use a "
                     "regression algorithm such as random_forest or linear_regression"),
                   algo->name, config->target);
      return FALSE;
    }

  t->y = g_new (double, MAX (data->n_rows, 1));
  for (guint r = 0; r < data->n_rows; r++)
    t->y[r] = NAN;
  if (t->task == AX_TASK_CLASSIFICATION)
    return encode_classes (config, c, data->n_rows, t, error);

  if (!ax_column_type_is_numeric (c->type))
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                   _("target: “%s” holds %s values; %s predicts a number"),
                   config->target, ax_column_type_label (c->type),
                   ax_model_type_to_string (config->model_type));
      return FALSE;
    }
  for (guint r = 0; r < data->n_rows; r++)
    if (!c->missing[r])
      {
        double v = c->reals ? c->reals[r] : (double) c->ints[r];
        t->y[r] = isfinite (v) ? v : NAN;
      }
  return TRUE;
}

/* The columns to learn from: the configuration's features (or every
 * other column) and the time column. */
static gboolean
collect_inputs (const AxModelConfig *config,
                const AxFrame       *data,
                GPtrArray           *inputs,
                GArray              *named,
                GError             **error)
{
  gboolean yes = TRUE, no = FALSE;

  if (config->time_column)
    {
      int tc = ax_frame_find_column (data, config->time_column);
      AxColumnType type;

      if (tc < 0)
        {
          g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                       _("time_column: the dataset has no column “%s”"), config->time_column);
          return FALSE;
        }
      type = data->columns[tc].type;
      if (type != AX_COLUMN_DATE && type != AX_COLUMN_DATETIME && !ax_column_type_is_numeric (type))
        {
          g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                       _("time_column: “%s” holds %s values; choose a date, date-time or "
                         "number column"), config->time_column, ax_column_type_label (type));
          return FALSE;
        }
    }

  if (config->features)
    for (guint i = 0; config->features[i]; i++)
      {
        if (ax_frame_find_column (data, config->features[i]) < 0)
          {
            g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                         _("features: the dataset has no column “%s”"), config->features[i]);
            return FALSE;
          }
        g_ptr_array_add (inputs, config->features[i]);
        g_array_append_val (named, yes);
      }
  else
    for (guint c = 0; c < data->n_columns; c++)
      {
        char *name = data->columns[c].name;
        if (g_str_equal (name, config->target) || g_strcmp0 (name, config->time_column) == 0)
          continue;
        g_ptr_array_add (inputs, name);
        g_array_append_val (named, no);
      }
  /* The time column itself becomes calendar features. */
  if (config->time_column &&
      !g_ptr_array_find_with_equal_func (inputs, config->time_column, g_str_equal, NULL))
    {
      g_ptr_array_add (inputs, config->time_column);
      g_array_append_val (named, yes);
    }
  g_ptr_array_add (inputs, NULL);
  return TRUE;
}

/* The training monitor between the algorithm and the caller: records the
 * curve, rescales progress into the fitting stage. */
typedef struct {
  const AxTrainMonitor *outer;
  GMutex                lock;
  GArray               *curve;
} Relay;

static void
relay_progress (double      fraction,
                const char *detail,
                gpointer    data)
{
  Relay *relay = data;

  if (fraction >= 0)
    fraction = FIT_START + (FIT_END - FIT_START) * CLAMP (fraction, 0, 1);
  ax_progress_report (relay->outer->progress, relay->outer->progress_data, fraction, detail);
}

static void
relay_step (guint    step,
            guint    n_steps,
            double   score,
            gpointer data)
{
  Relay *relay = data;
  AxCurvePoint point = { step, score };

  g_mutex_lock (&relay->lock);
  g_array_append_val (relay->curve, point);
  g_mutex_unlock (&relay->lock);
  if (relay->outer->step)
    relay->outer->step (step, n_steps, score, relay->outer->step_data);
}

static int
cmp_curve (const void *a,
           const void *b)
{
  const AxCurvePoint *x = a, *y = b;
  return (x->step > y->step) - (x->step < y->step);
}

static int
cmp_importance (const void *a,
                const void *b)
{
  const AxImportance *x = a, *y = b;
  double px = isnan (x->permutation) ? -G_MAXDOUBLE : x->permutation;
  double py = isnan (y->permutation) ? -G_MAXDOUBLE : y->permutation;
  double ix = isnan (x->impurity) ? -G_MAXDOUBLE : x->impurity;
  double iy = isnan (y->impurity) ? -G_MAXDOUBLE : y->impurity;

  if (px != py)
    return px > py ? -1 : 1;
  if (ix != iy)
    return ix > iy ? -1 : 1;
  return strcmp (x->feature, y->feature);
}

static int
cmp_uint (const void *a,
          const void *b)
{
  guint x = *(const guint *) a, y = *(const guint *) b;
  return (x > y) - (x < y);
}

/* The algorithm's predict_shuffled() for those without one: the shuffled
 * copies built as one matrix and predicted in one call (one round of the
 * algorithm's threads for many copies, which counts on small validation
 * sets). */
static void
predict_shuffled_copies (AxModel        *model,
                         const AxMatrix *valid,
                         const guint    *group,
                         guint           n_copies,
                         const guint    *copy_group,
                         const guint    *perm,
                         double         *out)
{
  guint n = valid->n_rows;
  g_autoptr(AxMatrix) big = ax_matrix_new (n * n_copies, valid->n_features);

  for (guint c = 0; c < n_copies; c++)
    for (guint f = 0; f < valid->n_features; f++)
      {
        const float *col = valid->x + (gsize) f * n;
        const guint *p = perm + (gsize) c * n;
        float *to = big->x + (gsize) f * big->n_rows + (gsize) c * n;

        if (group[f] == copy_group[c])
          for (guint i = 0; i < n; i++)
            to[i] = col[p[i]];
        else
          memcpy (to, col, n * sizeof (float));
      }
  model->algo->predict (model->fitted, big, out);
}

/* Impurity importance summed from features back to columns, and the mean
 * drop of the validation score when a column's values are shuffled among
 * the validation rows, or PERMUTATION_ROWS of them (every feature made
 * from the column moves with it). */
static gboolean
measure_importance (AxModel              *model,
                    AxMatrix             *valid,
                    const AxTarget       *valid_y,
                    const AxTrainMonitor *monitor,
                    GCancellable         *cancellable,
                    GError              **error)
{
  AxModelReport *r = &model->report;
  guint n_inputs = ax_prep_get_n_inputs (model->prep), n = valid->n_rows;
  guint n_features = valid->n_features;
  g_autofree double *impurity = model->algo->importance ? model->algo->importance (model->fitted) : NULL;
  g_autoptr(AxMatrix) sample = NULL;
  g_autofree double *sample_y = NULL, *sample_w = NULL;
  AxTarget sample_t;
  double base_score = NAN;
  g_autofree guint *group = g_new (guint, MAX (n_features, 1));
  guint width, per_group;

  if (n > PERMUTATION_ROWS)
    {
      /* A random sample of the validation rows, in their order. */
      g_autoptr(GRand) rand = ax_split_rand_new (model->config->random_seed, 0);
      g_autofree guint *rows = g_new (guint, n);

      for (guint i = 0; i < n; i++)
        rows[i] = i;
      for (guint i = 0; i < PERMUTATION_ROWS; i++)
        {
          guint k = g_rand_int_range (rand, (gint32) i, (gint32) n), t = rows[i];
          rows[i] = rows[k];
          rows[k] = t;
        }
      qsort (rows, PERMUTATION_ROWS, sizeof (guint), cmp_uint);
      sample = ax_matrix_new (PERMUTATION_ROWS, n_features);
      for (guint f = 0; f < n_features; f++)
        for (guint i = 0; i < PERMUTATION_ROWS; i++)
          sample->x[(gsize) f * PERMUTATION_ROWS + i] = valid->x[(gsize) f * n + rows[i]];
      sample_y = g_new (double, PERMUTATION_ROWS);
      sample_w = valid_y->weight ? g_new (double, PERMUTATION_ROWS) : NULL;
      for (guint i = 0; i < PERMUTATION_ROWS; i++)
        {
          sample_y[i] = valid_y->y[rows[i]];
          if (sample_w)
            sample_w[i] = valid_y->weight[rows[i]];
        }
      sample_t = *valid_y;
      sample_t.y = sample_y;
      sample_t.weight = sample_w;
      valid = sample;
      valid_y = &sample_t;
      n = PERMUTATION_ROWS;
    }
  r->n_importance = n_inputs;
  r->importance = g_new0 (AxImportance, n_inputs);
  for (guint j = 0; j < n_inputs; j++)
    {
      r->importance[j].feature = g_strdup (ax_prep_get_input_name (model->prep, j));
      r->importance[j].impurity = impurity ? 0 : NAN;
      r->importance[j].permutation = 0;
    }
  for (guint f = 0; impurity && f < n_features; f++)
    r->importance[ax_prep_get_feature_input (model->prep, f)].impurity += impurity[f];

  /* The shuffled copies of several columns are predicted together; the
   * first batch has before them a copy that moves nothing (of a group no
   * feature has), the rows' own predictions. */
  width = r->task == AX_TASK_CLASSIFICATION ? r->n_classes : 1;
  per_group = MAX (1, PERMUTATION_BATCH_VALUES / MAX ((gsize) n * n_features * PERMUTATION_REPEATS, 1));
  for (guint f = 0; f < n_features; f++)
    group[f] = ax_prep_get_feature_input (model->prep, f);
  for (guint j0 = 0; j0 < n_inputs; j0 += per_group)
    {
      guint own = j0 == 0, j1 = MIN (j0 + per_group, n_inputs);
      guint n_copies = own + (j1 - j0) * PERMUTATION_REPEATS;
      g_autofree guint *perm = g_new (guint, (gsize) n * n_copies + 1);
      g_autofree guint *copy_group = g_new (guint, n_copies);
      g_autofree double *pred = g_new (double, (gsize) n * n_copies * width + 1);
      g_autofree char *detail = g_strdup_printf (_("Measuring the importance of “%s”"),
                                                 r->importance[j0].feature);

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      ax_progress_report (monitor->progress, monitor->progress_data,
                          FIT_END + (0.95 - FIT_END) * j0 / n_inputs, detail);
      if (own)
        {
          copy_group[0] = G_MAXUINT;
          for (guint i = 0; i < n; i++)
            perm[i] = i;
        }
      for (guint j = j0; j < j1; j++)
        {
          g_autoptr(GRand) rand = ax_split_rand_new (model->config->random_seed, 1 + j);

          for (guint rep = 0; rep < PERMUTATION_REPEATS; rep++)
            {
              guint c = own + (j - j0) * PERMUTATION_REPEATS + rep;
              guint *p = perm + (gsize) c * n;

              copy_group[c] = j;
              for (guint i = 0; i < n; i++)
                p[i] = i;
              ax_split_shuffle (p, n, rand);
            }
        }
      if (model->algo->predict_shuffled != NULL)
        model->algo->predict_shuffled (model->fitted, valid, group, n_copies, copy_group, perm, pred);
      else
        predict_shuffled_copies (model, valid, group, n_copies, copy_group, perm, pred);
      if (own)
        base_score = ax_metrics_score_of (valid_y, n, pred);
      for (guint j = j0; j < j1; j++)
        {
          double drop = 0;

          for (guint rep = 0; rep < PERMUTATION_REPEATS; rep++)
            {
              gsize first = (gsize) (own + (j - j0) * PERMUTATION_REPEATS + rep) * n;

              drop += base_score - ax_metrics_score_of (valid_y, n, pred + first * width);
            }
          r->importance[j].permutation = drop / PERMUTATION_REPEATS;
        }
      ax_progress_report (monitor->progress, monitor->progress_data,
                          FIT_END + (0.95 - FIT_END) * j1 / n_inputs, detail);
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
    }
  qsort (r->importance, n_inputs, sizeof (AxImportance), cmp_importance);
  return TRUE;
}

/* Keeps the @n held-out rows' targets and predictions @pred (values, or
 * calibrated probabilities) for ax_model_get_held_out(). */
static void
keep_held_out (AxModel        *model,
               const double   *pred,
               const AxTarget *y,
               guint           n,
               gboolean        test)
{
  guint k = model->report.n_classes;

  model->held_test = test;
  model->held_n = n;
  model->held_actual = g_memdup2 (y->y, MAX (n, 1) * sizeof (double));
  if (model->report.task != AX_TASK_CLASSIFICATION)
    {
      model->held_predicted = g_memdup2 (pred, MAX (n, 1) * sizeof (double));
      return;
    }
  /* The most probable class, the first of equals, as ax_model_predict(). */
  model->held_probability = g_memdup2 (pred, MAX ((gsize) n * k, 1) * sizeof (double));
  model->held_predicted = g_new (double, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    {
      const double *pr = pred + (gsize) i * k;
      guint best = 0;

      for (guint c = 1; c < k; c++)
        if (pr[c] > pr[best])
          best = c;
      model->held_predicted[i] = best;
    }
}

/* Fills the calibration and the metrics from the validation and test
 * predictions. */
static void
evaluate (AxModel        *model,
          const AxMatrix *valid,
          const AxTarget *valid_y,
          const AxMatrix *test,
          const AxTarget *test_y)
{
  AxModelReport *r = &model->report;
  g_autofree double *spread = NULL;
  g_autofree double *pv = r->task == AX_TASK_CLASSIFICATION
                          ? ax_model_predict_raw (model, valid)
                          : ax_model_predict_raw_spread (model, valid, &spread);
  g_autofree double *pt = test ? ax_model_predict_raw (model, test) : NULL;

  if (r->task == AX_TASK_CLASSIFICATION)
    {
      model->cal = ax_calibration_fit_classes (pv, valid_y->y, valid->n_rows, r->n_classes);
      ax_calibration_apply_classes (model->cal, pv, pv, valid->n_rows);
      if (pt)
        ax_calibration_apply_classes (model->cal, pt, pt, test->n_rows);
    }
  else
    {
      model->cal = ax_calibration_fit_range (pv, valid_y->y, spread, valid->n_rows,
                                             model->config->prediction_level);
    }
  r->validation = ax_metrics_compute (valid_y, valid->n_rows, pv);
  if (pt)
    r->test = ax_metrics_compute (test_y, test->n_rows, pt);
  keep_held_out (model, pt ? pt : pv, pt ? test_y : valid_y, pt ? test->n_rows : valid->n_rows,
                 pt != NULL);
}

static double *
gather (const double *y,
        const guint  *rows,
        guint         n)
{
  double *out = g_new (double, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    out[i] = y[rows[i]];
  return out;
}

/* Notes for the report that @n rows (when any) were left out for having
 * no value of @column. */
static void
note_rows_without (GPtrArray  *notes,
                   guint       n,
                   const char *column)
{
  if (n > 0)
    g_ptr_array_add (notes, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                          "%u row without a value of “%s” was left out",
                                                          "%u rows without a value of “%s” were left out",
                                                          n),
                                             n, column));
}

/* The pipeline; frees *owned (which is @data) once it is no longer
 * needed when @owned is given. */
static AxModel *
train (const AxModelConfig  *config,
       const AxFrame        *data,
       AxFrame             **owned,
       const AxTrainMonitor *monitor,
       GCancellable         *cancellable,
       GError              **error)
{
  static const AxTrainMonitor no_monitor = { 0 };
  gint64 start = g_get_monotonic_time ();
  g_autoptr(AxModel) model = g_new0 (AxModel, 1);
  g_auto(Target) target = { 0 };
  g_autoptr(GPtrArray) inputs = g_ptr_array_new ();
  g_autoptr(GArray) named = g_array_new (FALSE, FALSE, sizeof (gboolean));
  g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
  g_autofree guint *rows = g_new (guint, MAX (data->n_rows, 1));
  g_autofree double *row_y = NULL, *row_time = NULL;
  g_autofree double *y_train = NULL, *y_valid = NULL, *y_test = NULL;
  g_autoptr(AxSplit) split = NULL;
  g_autoptr(AxMatrix) x_train = NULL, x_valid = NULL, x_test = NULL;
  AxPrepOptions prep_options = { config->normalize, config->handle_missing, config->missing_constant };
  AxTrainMonitor inner;
  AxTarget t_train, t_valid, t_test;
  Relay relay = { 0 };
  guint n_rows = 0, n_no_target = 0, n_no_time = 0, n_dropped = 0;
  int time_col = -1;

  g_return_val_if_fail (config != NULL && data != NULL, NULL);

  if (monitor == NULL)
    monitor = &no_monitor;
  model->config = ax_model_config_copy (config);
  model->algo = ax_algorithm_find (config->algorithm);
  if (model->algo == NULL)
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                   _("algorithm: “%s” is not an algorithm"), config->algorithm);
      return NULL;
    }
  ax_progress_report (monitor->progress, monitor->progress_data, 0, _("Preparing the data"));

  if (!encode_target (config, model->algo, data, &target, error) ||
      !collect_inputs (config, data, inputs, named, error))
    return NULL;
  model->report.task = target.task;
  model->report.n_classes = target.n_classes;
  model->report.class_names = g_strdupv (target.class_names);

  /* Rows to learn from: with a target value, a time, and (when dropping)
   * no missing feature. */
  if (config->time_column)
    time_col = ax_frame_find_column (data, config->time_column);
  for (guint r = 0; r < data->n_rows; r++)
    {
      gboolean complete = TRUE;

      if (isnan (target.y[r]))
        {
          n_no_target++;
          continue;
        }
      if (time_col >= 0 && data->columns[time_col].missing[r])
        {
          n_no_time++;
          continue;
        }
      for (guint i = 0; config->handle_missing == AX_MISSING_DROP && inputs->pdata[i]; i++)
        if (data->columns[ax_frame_find_column (data, inputs->pdata[i])].missing[r])
          complete = FALSE;
      if (!complete)
        {
          n_dropped++;
          continue;
        }
      rows[n_rows++] = r;
    }
  note_rows_without (notes, n_no_target, config->target);
  note_rows_without (notes, n_no_time, config->time_column);
  if (n_dropped)
    g_ptr_array_add (notes, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                          "%u row with missing values was left out "
                                                          "(handle_missing is “drop”)",
                                                          "%u rows with missing values were left out "
                                                          "(handle_missing is “drop”)",
                                                          n_dropped),
                                             n_dropped));

  row_y = gather (target.y, rows, n_rows);
  if (time_col >= 0)
    {
      const AxColumn *tc = &data->columns[time_col];
      row_time = g_new (double, MAX (n_rows, 1));
      for (guint i = 0; i < n_rows; i++)
        row_time[i] = tc->reals ? tc->reals[rows[i]] : (double) tc->ints[rows[i]];
    }
  split = ax_split_rows (rows, n_rows,
                         target.task == AX_TASK_CLASSIFICATION ? row_y : NULL, target.n_classes,
                         row_time, config->validation_split, config->test_split,
                         config->random_seed, config->target, error);
  if (split == NULL)
    return NULL;
  model->report.n_train = split->n_train;
  model->report.n_valid = split->n_valid;
  model->report.n_test = split->n_test;
  y_train = gather (target.y, split->train, split->n_train);
  y_valid = gather (target.y, split->valid, split->n_valid);
  y_test = gather (target.y, split->test, split->n_test);
  /* Freed as soon as done with, so that the memory (kept by the process)
   * serves the matrices below instead of fresh pages. */
  g_clear_pointer (&target.y, g_free);
  g_clear_pointer (&rows, g_free);
  g_clear_pointer (&row_y, g_free);
  g_clear_pointer (&row_time, g_free);

  model->prep = ax_prep_fit (data, (const char *const *) inputs->pdata, (const gboolean *) named->data,
                             split->train, split->n_train, &prep_options, notes, error);
  if (model->prep == NULL ||
      !(x_train = ax_prep_transform (model->prep, data, split->train, split->n_train, error)) ||
      !(x_valid = ax_prep_transform (model->prep, data, split->valid, split->n_valid, error)) ||
      (split->n_test && !(x_test = ax_prep_transform (model->prep, data, split->test, split->n_test, error))))
    return NULL;
  t_train = (AxTarget) { target.task, target.n_classes, y_train, NULL };
  t_valid = (AxTarget) { target.task, target.n_classes, y_valid, NULL };
  t_test = (AxTarget) { target.task, target.n_classes, y_test, NULL };
  /* Nothing below reads the dataset. */
  if (owned != NULL)
    {
      data = NULL;
      g_clear_pointer (owned, ax_frame_free);
    }

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  ax_progress_report (monitor->progress, monitor->progress_data, FIT_START, _("Training"));
  relay.outer = monitor;
  relay.curve = g_array_new (FALSE, FALSE, sizeof (AxCurvePoint));
  g_mutex_init (&relay.lock);
  inner = *monitor;
  inner.progress = relay_progress;
  inner.progress_data = &relay;
  inner.step = relay_step;
  inner.step_data = &relay;
  inner.seed = config->random_seed;
  model->fitted = model->algo->fit (x_train, &t_train, x_valid, &t_valid,
                                    config->hyperparameters, &inner, cancellable, error);
  g_mutex_clear (&relay.lock);
  g_array_sort (relay.curve, cmp_curve);
  model->report.curve = relay.curve;
  /* Nothing below reads the training rows: their memory (kept by the
   * process) serves the steps below. */
  g_clear_pointer (&x_train, ax_matrix_free);
  g_clear_pointer (&y_train, g_free);
  if (model->fitted == NULL)
    return NULL;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  ax_progress_report (monitor->progress, monitor->progress_data, FIT_END,
                      _("Scoring the validation and test rows"));
  evaluate (model, x_valid, &t_valid, x_test, &t_test);
  if (!measure_importance (model, x_valid, &t_valid, monitor, cancellable, error))
    return NULL;

  g_ptr_array_add (notes, NULL);
  model->report.notes = (char **) g_ptr_array_steal (notes, NULL);
  model->report.seconds = (g_get_monotonic_time () - start) / 1e6;
  ax_progress_report (monitor->progress, monitor->progress_data, 1, _("Trained"));
  return g_steal_pointer (&model);
}

AxModel *
ax_model_train (const AxModelConfig  *config,
                const AxFrame        *data,
                const AxTrainMonitor *monitor,
                GCancellable         *cancellable,
                GError              **error)
{
  return train (config, data, NULL, monitor, cancellable, error);
}

AxModel *
ax_model_train_take (const AxModelConfig  *config,
                     AxFrame              *data,
                     const AxTrainMonitor *monitor,
                     GCancellable         *cancellable,
                     GError              **error)
{
  AxFrame *owned = data;
  AxModel *model = train (config, data, &owned, monitor, cancellable, error);

  g_clear_pointer (&owned, ax_frame_free);
  return model;
}
