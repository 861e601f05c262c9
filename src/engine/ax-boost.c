/* ax-boost.c — gradient-boosted trees, through XGBoost's C API
 *
 * Regression fits reg:squarederror; classification binary:logistic for two
 * classes and multi:softprob for more.  Training runs one boosting round at
 * a time so that each round can be reported, scored on the validation rows
 * and cancelled.  With early stopping the model is cut back to its best
 * round, so prediction, importance and the saved blob all see exactly the
 * trees that are used.
 *
 * XGBoost is needed for training only.  A fitted model is XGBoost's own
 * model (the saved blob holds it as it is) and its trees read from it
 * (ax-boost-trees.c), which predict XGBoost's predictions to the bit
 * without calling it: no booster to load for each prediction, and
 * none of the library's per-call costs on the small batches that
 * permutation importance and single predictions make.
 *
 * XGBoost keeps its global configuration (verbosity) per thread, hence
 * quiet_xgboost() wherever training calls it.
 */

#include "ax-config.h"
#include "ax-algorithms-private.h"
#include "ax-blob.h"
#include "ax-boost-trees.h"
#include "ax-metrics.h"
#include "ax-tree.h"
#include "ax-types.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>
#include <xgboost/c_api.h>

G_DEFINE_AUTO_CLEANUP_FREE_FUNC (DMatrixHandle, XGDMatrixFree, NULL)
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (BoosterHandle, XGBoosterFree, NULL)

/* The blob: a fixed little-endian header, then XGBoost's model as it
 * wrote it.  Version 1 holds its JSON, version 2 its UBJSON (both are
 * read; only Auspex reads the model back, with its own reader). */
#define BLOB_MAGIC        "AXGB"
#define BLOB_VERSION      2u
#define BLOB_HEADER_SIZE  32u  /* magic, version, task, n_classes, n_features, best_iteration, u64 length */

/* XGBoost's default number of histogram bins, given to the quantile
 * DMatrix and the booster alike (they must agree). */
#define MAX_BIN 256

/* Probabilities are clipped this far from 0 and 1 for the log loss. */
#define LOG_LOSS_EPS      1e-15

struct _AxFitted {
  GBytes        *model;         /* XGBoost's UBJSON (or JSON, from version 1 blobs) */
  AxBoostTrees  *trees;
  AxTask         task;
  guint          n_classes;     /* 0 for regression */
  guint          n_features;
  guint          best_iteration; /* 0-based; rounds used = best_iteration + 1 */
};

static const AxParamSpec boost_params[] = {
  { "n_estimators", AX_PARAM_INT, 1, 10000, 100, NULL,
    N_("Number of boosting rounds (trees per class)") },
  { "max_depth", AX_PARAM_INT, 1, 30, 6, NULL,
    N_("Deepest level a tree may grow to") },
  { "learning_rate", AX_PARAM_REAL, 0, 1, 0.3, NULL,
    N_("Shrinkage applied to each new tree, above 0 and at most 1") },
  { "subsample", AX_PARAM_REAL, 0, 1, 1, NULL,
    N_("Fraction of rows sampled for each tree, above 0 and at most 1") },
  { "colsample", AX_PARAM_REAL, 0, 1, 1, NULL,
    N_("Fraction of features sampled for each tree, above 0 and at most 1") },
  { "min_child_weight", AX_PARAM_REAL, 0, 1e6, 1, NULL,
    N_("Smallest total weight (hessian) a leaf may hold") },
  { "reg_lambda", AX_PARAM_REAL, 0, 1e6, 1, NULL,
    N_("L2 regularisation of the leaf values") },
  { "early_stopping_rounds", AX_PARAM_INT, 0, 10000, 0, NULL,
    N_("Stop after this many rounds without a better validation score (0: never)") },
  { "class_weight", AX_PARAM_CHOICE, 0, 0, 0, "none|balanced",
    N_("“balanced” weighs each class inversely to its frequency") },
  { NULL }
};

/* XGBoost keeps its global configuration per thread and logs to the
 * console by default: silence it once in each thread that calls it. */
static void
quiet_xgboost (void)
{
  static GPrivate quiet = G_PRIVATE_INIT (NULL);

  if (g_private_get (&quiet) == NULL)
    {
      XGBSetGlobalConfig ("{\"verbosity\": 0}");
      g_private_set (&quiet, GINT_TO_POINTER (1));
    }
}

/* Turns XGBoost's return code into a GError: FALSE with the library's own
 * message when @rc is not 0. */
static gboolean
xgb_ok (int       rc,
        GError  **error)
{
  if (rc == 0)
    return TRUE;
  g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_FAILED,
               _("Gradient boosting failed: %s"), XGBGetLastError ());
  return FALSE;
}

static double
param_number (const AxParams *params,
              const char     *name)
{
  if (params != NULL && ax_params_has (params, name))
    return ax_params_get_number (params, name);
  for (const AxParamSpec *s = boost_params; s->name != NULL; s++)
    if (strcmp (s->name, name) == 0)
      return s->def;
  g_return_val_if_reached (NAN);
}

static const char *
param_string (const AxParams *params,
              const char     *name,
              const char     *def)
{
  const char *value = NULL;

  if (params != NULL && ax_params_has (params, name))
    value = ax_params_get_string (params, name);
  return value != NULL ? value : def;
}

/* @m's column-major floats as a NumPy-style array interface, which
 * XGBoost reads in place through the strides: no row-major copy. */
static char *
array_interface (const AxMatrix *m)
{
  return g_strdup_printf ("{\"data\": [%" G_GUINTPTR_FORMAT ", true], \"shape\": [%u, %u],"
                          " \"strides\": [%u, %" G_GSIZE_FORMAT "], \"typestr\": \"<f4\","
                          " \"version\": 3}",
                          (guintptr) m->x, m->n_rows, m->n_features,
                          (guint) sizeof (float), (gsize) m->n_rows * sizeof (float));
}

/* A DMatrix of @m, NAN being missing, with its labels and weights when
 * @y is given.  NULL with @error set on failure. */
static DMatrixHandle
make_dmatrix (const AxMatrix  *m,
              const AxTarget  *y,
              const float     *weight,
              int              n_threads,
              GError         **error)
{
  g_autofree char *data = array_interface (m);
  g_autofree char *config = g_strdup_printf ("{\"missing\": NaN, \"nthread\": %d}", n_threads);
  g_auto(DMatrixHandle) d = NULL;

  if (!xgb_ok (XGDMatrixCreateFromDense (data, config, &d), error))
    return NULL;

  if (y != NULL)
    {
      g_autofree float *label = g_new (float, m->n_rows);

      for (guint i = 0; i < m->n_rows; i++)
        label[i] = (float) y->y[i];
      if (!xgb_ok (XGDMatrixSetFloatInfo (d, "label", label, m->n_rows), error))
        return NULL;
    }
  if (weight != NULL &&
      !xgb_ok (XGDMatrixSetFloatInfo (d, "weight", weight, m->n_rows), error))
    return NULL;

  return g_steal_pointer (&d);
}

/* The training rows as XGBoost's quantile DMatrix, which its Python
 * package builds for "hist" too: only the histogram bins of the values
 * (a byte each), where a DMatrix keeps a sparse copy (8 bytes a value)
 * from which training then makes the bins.  XGBoost asks for the data
 * through an iterator: here one batch, the whole matrix read in place. */
typedef struct {
  DMatrixHandle   proxy;
  const char     *data;          /* array interface */
  const float    *label;         /* nullable */
  const float    *weight;        /* nullable */
  guint           n_rows;
  gboolean        given;
  int             rc;
} QuantileBatch;

static void
quantile_reset (DataIterHandle handle)
{
  ((QuantileBatch *) handle)->given = FALSE;
}

static int
quantile_next (DataIterHandle handle)
{
  QuantileBatch *q = handle;

  if (q->given)
    return 0;
  q->given = TRUE;
  q->rc = XGProxyDMatrixSetDataDense (q->proxy, q->data);
  if (q->rc == 0 && q->label != NULL)
    q->rc = XGDMatrixSetFloatInfo (q->proxy, "label", q->label, q->n_rows);
  if (q->rc == 0 && q->weight != NULL)
    q->rc = XGDMatrixSetFloatInfo (q->proxy, "weight", q->weight, q->n_rows);
  return q->rc == 0;
}

/* The quantile DMatrix of @m, with the histogram cuts of @ref (NULL: its
 * own, from XGBoost's quantile sketch). */
static DMatrixHandle
quantile_dmatrix (const AxMatrix  *m,
                  DMatrixHandle    ref,
                  const float     *label,
                  const float     *weight,
                  int              n_threads,
                  GError         **error)
{
  g_autofree char *data = array_interface (m);
  g_autofree char *config = g_strdup_printf ("{\"missing\": NaN, \"nthread\": %d, \"max_bin\": %d}",
                                             n_threads, MAX_BIN);
  g_auto(DMatrixHandle) proxy = NULL;
  g_auto(DMatrixHandle) d = NULL;
  QuantileBatch q = { 0 };

  if (!xgb_ok (XGProxyDMatrixCreate (&proxy), error))
    return NULL;
  q = (QuantileBatch) { proxy, data, label, weight, m->n_rows, FALSE, 0 };
  if (!xgb_ok (XGQuantileDMatrixCreateFromCallback (&q, proxy, ref, quantile_reset, quantile_next,
                                                    config, &d), error) ||
      !xgb_ok (q.rc, error))
    return NULL;
  return g_steal_pointer (&d);
}

/* The histogram bins.  Auspex finds them itself, as for its random forest
 * (ax_bin_edges(): the midpoints between the distinct values of a
 * feature, or exact quantiles of them when there are more than 255), and
 * XGBoost only sorts the values into them: its own quantile sketch took
 * more than half the time of making the quantile DMatrix, for bins no
 * better.  XGBoost takes the bins of a reference quantile DMatrix, made
 * here of the edges themselves: from the distinct values d0 < d1 < ... <
 * dk of a feature (at most max_bin of them) it makes the cuts d1 ... dk
 * and one above dk, a value going to the bin of the first cut above it.
 * So a feature's smallest value followed by its edges, each nudged up to
 * the next float (a value equal to an edge belongs below it), gives
 * these bins. */
typedef struct {
  const AxMatrix *m;
  guint64         seed;
  float          *edges;         /* AX_BINS_MAX per feature */
  guint          *n_edges;
  float          *min;
} CutsJob;

static void
cuts_task (guint    f,
           gpointer data)
{
  CutsJob *job = data;
  float *edges = job->edges + (gsize) f * AX_BINS_MAX;

  job->n_edges[f] = ax_bin_edges (job->m->x + (gsize) f * job->m->n_rows, job->m->n_rows, job->seed, f,
                                  edges, &job->min[f]);
  for (guint k = 0; k < job->n_edges[f]; k++)
    edges[k] = nextafterf (edges[k], INFINITY);
  if (isnan (job->min[f]))
    job->min[f] = 0;
}

static DMatrixHandle
make_quantile_dmatrix (const AxMatrix  *m,
                       const AxTarget  *y,
                       const float     *weight,
                       int              n_threads,
                       guint64          seed,
                       GError         **error)
{
  guint nf = m->n_features, n_ref = 1;
  g_autofree float *label = g_new (float, MAX (m->n_rows, 1));
  g_autofree float *edges = g_new (float, (gsize) nf * AX_BINS_MAX);
  g_autofree guint *n_edges = g_new (guint, nf);
  g_autofree float *min = g_new (float, nf);
  CutsJob job = { m, seed, edges, n_edges, min };
  g_autoptr(AxMatrix) cuts = NULL;
  g_auto(DMatrixHandle) ref = NULL;

  ax_run_tasks (nf, (guint) n_threads, cuts_task, &job);
  for (guint f = 0; f < nf; f++)
    n_ref = MAX (n_ref, n_edges[f] + 1);
  cuts = ax_matrix_new (n_ref, nf);
  for (guint f = 0; f < nf; f++)
    {
      float *col = cuts->x + (gsize) f * n_ref;

      for (guint i = 0; i < n_ref; i++)
        col[i] = min[f];
      memcpy (col + 1, edges + (gsize) f * AX_BINS_MAX, n_edges[f] * sizeof (float));
    }
  ref = quantile_dmatrix (cuts, NULL, NULL, NULL, 1, error);
  if (ref == NULL)
    return NULL;

  for (guint i = 0; i < m->n_rows; i++)
    label[i] = (float) y->y[i];
  return quantile_dmatrix (m, ref, label, weight, n_threads, error);
}

/* Checks that @y can be learned from: finite values, class indices in
 * range, weights not negative, and (training) at least two classes. */
static gboolean
check_target (const AxTarget  *y,
              guint            n_rows,
              gboolean         training,
              GError         **error)
{
  g_autofree guint *seen = NULL;
  guint n_seen = 0;

  if (y->task == AX_TASK_CLASSIFICATION)
    {
      if (y->n_classes < 2)
        {
          g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_DATA,
                       _("Classification needs at least two classes"));
          return FALSE;
        }
      seen = g_new0 (guint, y->n_classes);
    }

  for (guint i = 0; i < n_rows; i++)
    {
      double v = y->y[i];

      if (!isfinite (v))
        {
          g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_DATA,
                       training ? _("Training row %u has no target value")
                                : _("Validation row %u has no target value"),
                       i + 1);
          return FALSE;
        }
      if (seen != NULL)
        {
          if (v < 0 || v >= y->n_classes || v != floor (v))
            {
              g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_DATA,
                           training ? _("The target of training row %u is not a class")
                                    : _("The target of validation row %u is not a class"),
                           i + 1);
              return FALSE;
            }
          if (seen[(guint) v]++ == 0)
            n_seen++;
        }
      if (y->weight != NULL && !(isfinite (y->weight[i]) && y->weight[i] >= 0))
        {
          g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_DATA,
                       training ? _("The weight of training row %u is negative or missing")
                                : _("The weight of validation row %u is negative or missing"),
                       i + 1);
          return FALSE;
        }
    }

  if (training && seen != NULL && n_seen < 2)
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_DATA,
                   _("The training rows hold only one class; a classifier needs at least two"));
      return FALSE;
    }
  return TRUE;
}

/* The row weights XGBoost trains with: the target's own weights when it
 * has them (the pipeline may already have applied class_weight), else
 * sklearn's "balanced" weights n / (classes present × rows of the class)
 * when asked for, else none. */
static float *
row_weights (const AxTarget *y,
             guint           n_rows,
             gboolean        balanced)
{
  float *w;

  if (y->weight != NULL)
    {
      w = g_new (float, n_rows);
      for (guint i = 0; i < n_rows; i++)
        w[i] = (float) y->weight[i];
      return w;
    }
  if (!balanced || y->task != AX_TASK_CLASSIFICATION)
    return NULL;

  {
    g_autofree guint *count = g_new0 (guint, y->n_classes);
    guint present = 0;

    for (guint i = 0; i < n_rows; i++)
      count[(guint) y->y[i]]++;
    for (guint k = 0; k < y->n_classes; k++)
      present += count[k] > 0;

    w = g_new (float, n_rows);
    for (guint i = 0; i < n_rows; i++)
      w[i] = (float) ((double) n_rows / ((double) present * count[(guint) y->y[i]]));
  }
  return w;
}

static gboolean
set_param (BoosterHandle   booster,
           const char     *name,
           const char     *value,
           GError        **error)
{
  return xgb_ok (XGBoosterSetParam (booster, name, value), error);
}

static gboolean
set_real (BoosterHandle   booster,
          const char     *name,
          double          value,
          GError        **error)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  return set_param (booster, name, g_ascii_dtostr (buf, sizeof buf, value), error);
}

static gboolean
set_int (BoosterHandle   booster,
         const char     *name,
         gint64          value,
         GError        **error)
{
  char buf[32];

  g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT, value);
  return set_param (booster, name, buf, error);
}

/* Validation of one round: @score for the monitor (R2, or log loss) and
 * @loss to minimise for early stopping (the squared error, or log loss). */
typedef struct {
  DMatrixHandle   d;
  const AxTarget *y;
  guint           n_rows;
  double          total_ss;     /* regression: sum of squares about the mean */
} Validation;

static void score_predictions (const Validation *v, const float *p, double *score, double *loss);

static gboolean
validate_round (BoosterHandle     booster,
                const Validation *v,
                double           *score,
                double           *loss,
                GError          **error)
{
  /* The whole model, so XGBoost's prediction cache for this DMatrix (it
   * was given to XGBoosterCreate) only adds the newest round. */
  static const char config[] =
    "{\"type\": 0, \"training\": false, \"iteration_begin\": 0,"
    " \"iteration_end\": 0, \"strict_shape\": false}";
  const bst_ulong *shape;
  bst_ulong dim;
  const float *p;

  if (!xgb_ok (XGBoosterPredictFromDMatrix (booster, v->d, config, &shape, &dim, &p), error))
    return FALSE;
  score_predictions (v, p, score, loss);
  return TRUE;
}

/* The loss of validation rows r0 .. r0 + n - 1 predicted as @p (from
 * row r0 on): squared errors, or log losses. */
static double
rows_loss (guint        r0,
           guint        n,
           const float *p,
           gpointer     data)
{
  const Validation *v = data;
  const double *y = v->y->y + r0;
  double sum = 0;

  if (v->y->task == AX_TASK_REGRESSION)
    {
      for (guint i = 0; i < n; i++)
        {
          double e = y[i] - (double) p[i];
          sum += e * e;
        }
      return sum;
    }

  for (guint i = 0; i < n; i++)
    {
      guint c = (guint) y[i];
      double q;

      if (v->y->n_classes == 2)
        q = c == 1 ? (double) p[i] : 1 - (double) p[i];
      else
        q = p[(gsize) i * v->y->n_classes + c];
      sum -= log (CLAMP (q, LOG_LOSS_EPS, 1 - LOG_LOSS_EPS));
    }
  return sum;
}

/* The score and loss of the validation rows from their summed loss. */
static void
score_from_sum (const Validation *v,
                double            sum,
                double           *score,
                double           *loss)
{
  if (v->y->task == AX_TASK_REGRESSION)
    {
      *loss = sum;
      *score = v->total_ss > 0 ? 1 - sum / v->total_ss : NAN;
    }
  else
    *loss = *score = sum / v->n_rows;
}

/* The score and loss of XGBoost's predictions @p of the validation rows,
 * summed in blocks as ax_boost_trees_round_losses() sums them, so that
 * both give the same scores to the bit. */
static void
score_predictions (const Validation *v,
                   const float      *p,
                   double           *score,
                   double           *loss)
{
  guint width = v->y->task == AX_TASK_CLASSIFICATION && v->y->n_classes > 2 ? v->y->n_classes : 1;
  double sum = 0;

  for (guint r0 = 0; r0 < v->n_rows; r0 += AX_BOOST_LOSS_BLOCK)
    sum += rows_loss (r0, MIN (AX_BOOST_LOSS_BLOCK, v->n_rows - r0), p + (gsize) r0 * width,
                      (gpointer) v);
  score_from_sum (v, sum, score, loss);
}

/* The fitted model of XGBoost's UBJSON or JSON @model; NULL with @error
 * set when its trees cannot be read. */
static AxFitted *
fitted_new (GBytes   *model,
            AxTask    task,
            guint     n_classes,
            guint     n_features,
            guint     best_iteration,
            GError  **error)
{
  g_autoptr(AxBoostTrees) trees = NULL;
  AxBoostLink want;
  AxFitted *f;
  gsize len;
  const char *bytes = g_bytes_get_data (model, &len);

  trees = ax_boost_trees_read (bytes, len, n_features, best_iteration + 1, error);
  if (trees == NULL)
    return NULL;
  want = task == AX_TASK_REGRESSION ? AX_BOOST_LINK_IDENTITY
         : n_classes == 2 ? AX_BOOST_LINK_LOGISTIC : AX_BOOST_LINK_SOFTMAX;
  if (ax_boost_trees_link (trees) != want ||
      (want == AX_BOOST_LINK_SOFTMAX && ax_boost_trees_groups (trees) != n_classes))
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_DATA,
                   _("The gradient boosting model does not match its task"));
      return NULL;
    }

  f = g_new0 (AxFitted, 1);
  f->model = g_bytes_ref (model);
  f->trees = g_steal_pointer (&trees);
  f->task = task;
  f->n_classes = task == AX_TASK_CLASSIFICATION ? n_classes : 0;
  f->n_features = n_features;
  f->best_iteration = best_iteration;
  return f;
}

static void
boost_free (AxFitted *fitted)
{
  if (fitted == NULL)
    return;
  g_bytes_unref (fitted->model);
  ax_boost_trees_free (fitted->trees);
  g_free (fitted);
}

static AxFitted *
boost_fit (const AxMatrix       *train,
           const AxTarget       *train_y,
           const AxMatrix       *valid,
           const AxTarget       *valid_y,
           const AxParams       *params,
           const AxTrainMonitor *monitor,
           GCancellable         *cancellable,
           GError              **error)
{
  static const AxTrainMonitor no_monitor = { 0 };
  guint n_estimators = (guint) param_number (params, "n_estimators");
  guint early_rounds = (guint) param_number (params, "early_stopping_rounds");
  double learning_rate = param_number (params, "learning_rate");
  double subsample = param_number (params, "subsample");
  double colsample = param_number (params, "colsample");
  gboolean balanced = g_strcmp0 (param_string (params, "class_weight", "none"), "balanced") == 0;
  AxTask task = train_y->task;
  int n_threads;
  g_autofree float *weight = NULL;
  g_auto(DMatrixHandle) dtrain = NULL;
  g_auto(DMatrixHandle) dvalid = NULL;
  g_auto(BoosterHandle) booster = NULL;
  Validation v = { 0 };
  gboolean live;
  double best_loss = INFINITY;
  guint best_round = 0, rounds = 0;

  if (monitor == NULL)
    monitor = &no_monitor;
  quiet_xgboost ();

  /* The spec's ranges are inclusive; these three must also be above 0. */
  {
    const char *positive[] = { "learning_rate", "subsample", "colsample" };
    double values[] = { learning_rate, subsample, colsample };

    for (guint i = 0; i < G_N_ELEMENTS (values); i++)
      if (!(values[i] > 0 && values[i] <= 1))
        {
          g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                       _("hyperparameters.%s: must be above 0 and at most 1"), positive[i]);
          return NULL;
        }
  }

  if (train->n_rows == 0 || train->n_features == 0)
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_DATA,
                   train->n_rows == 0 ? _("There are no training rows")
                                      : _("There are no features to learn from"));
      return NULL;
    }
  if (!check_target (train_y, train->n_rows, TRUE, error))
    return NULL;
  if (valid != NULL && valid_y != NULL && valid->n_rows > 0)
    {
      if (valid->n_features != train->n_features || valid_y->task != task ||
          (task == AX_TASK_CLASSIFICATION && valid_y->n_classes != train_y->n_classes))
        {
          g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_DATA,
                       _("The validation rows do not have the training rows’ shape"));
          return NULL;
        }
      if (!check_target (valid_y, valid->n_rows, FALSE, error))
        return NULL;
    }
  else
    valid = NULL;

  n_threads = monitor->n_threads > 0 ? (int) monitor->n_threads : (int) g_get_num_processors ();

  weight = row_weights (train_y, train->n_rows, balanced);
  dtrain = make_quantile_dmatrix (train, train_y, weight, n_threads, monitor->seed, error);
  if (dtrain == NULL)
    return NULL;

  /* The validation rows are scored as each round is made when early
   * stopping needs it or someone watches; otherwise once fitted, from the
   * trees themselves (the same predictions, without a call into XGBoost
   * each round). */
  live = valid != NULL && (early_rounds > 0 || !monitor->steps_at_end);
  if (valid != NULL)
    {
      if (live && (dvalid = make_dmatrix (valid, NULL, NULL, n_threads, error)) == NULL)
        return NULL;
      v.d = dvalid;
      v.y = valid_y;
      v.n_rows = valid->n_rows;
      if (task == AX_TASK_REGRESSION)
        v.total_ss = ax_total_sum_of_squares (valid_y->y, valid->n_rows);
    }

  {
    DMatrixHandle cache[2] = { dtrain, dvalid };

    if (!xgb_ok (XGBoosterCreate (cache, dvalid != NULL ? 2 : 1, &booster), error))
      return NULL;
  }

  /* XGBoost's seed is a signed 64-bit integer. */
  if (!set_param (booster, "verbosity", "0", error) ||
      !set_param (booster, "tree_method", "hist", error) ||
      !set_int (booster, "max_bin", MAX_BIN, error) ||
      !set_int (booster, "nthread", n_threads, error) ||
      !set_int (booster, "seed", (gint64) (monitor->seed & G_MAXINT64), error) ||
      !set_int (booster, "max_depth", (gint64) param_number (params, "max_depth"), error) ||
      !set_real (booster, "eta", learning_rate, error) ||
      !set_real (booster, "subsample", subsample, error) ||
      !set_real (booster, "colsample_bytree", colsample, error) ||
      !set_real (booster, "min_child_weight", param_number (params, "min_child_weight"), error) ||
      !set_real (booster, "lambda", param_number (params, "reg_lambda"), error))
    return NULL;

  if (task == AX_TASK_REGRESSION)
    {
      if (!set_param (booster, "objective", "reg:squarederror", error))
        return NULL;
    }
  else if (train_y->n_classes == 2)
    {
      if (!set_param (booster, "objective", "binary:logistic", error))
        return NULL;
    }
  else if (!set_param (booster, "objective", "multi:softprob", error) ||
           !set_int (booster, "num_class", train_y->n_classes, error))
    return NULL;

  for (guint round = 0; round < n_estimators; round++)
    {
      double score = NAN, loss = NAN;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      if (!xgb_ok (XGBoosterUpdateOneIter (booster, (int) round, dtrain), error))
        return NULL;
      rounds = round + 1;

      if (dvalid != NULL && !validate_round (booster, &v, &score, &loss, error))
        return NULL;

      if (monitor->progress != NULL)
        {
          g_autofree char *detail =
            g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Round %u of %u",
                                          "Round %u of %u", n_estimators),
                             rounds, n_estimators);
          ax_progress_report (monitor->progress, monitor->progress_data,
                              (double) rounds / n_estimators, detail);
        }
      if (monitor->step != NULL && (live || valid == NULL))
        monitor->step (rounds, n_estimators, score, monitor->step_data);

      /* As XGBoost's own early stopping: a round improves only if it is
       * strictly better; stop once @early_rounds rounds in a row did not. */
      if (dvalid != NULL && early_rounds > 0)
        {
          if (isfinite (loss) && loss < best_loss)
            {
              best_loss = loss;
              best_round = round;
            }
          else if (round - best_round >= early_rounds)
            break;
        }
      else
        best_round = round;
    }

  /* XGBoost's OpenMP threads are now started and spinning for more work:
   * what this thread runs next on several (the training curve,
   * calibration, permutation importance) runs on them. */
  ax_threads_use_openmp ();

  if (rounds < n_estimators && monitor->progress != NULL)
    {
      g_autofree char *detail =
        g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                      "Stopped early after %u round: the validation score stopped improving",
                                      "Stopped early after %u rounds: the validation score stopped improving",
                                      rounds),
                         rounds);
      ax_progress_report (monitor->progress, monitor->progress_data, 1.0, detail);
    }

  /* Keep only the rounds up to the best one. */
  if (best_round + 1 < rounds)
    {
      g_auto(BoosterHandle) sliced = NULL;

      if (!xgb_ok (XGBoosterSlice (booster, 0, (int) best_round + 1, 1, &sliced), error))
        return NULL;
      XGBoosterFree (booster);
      booster = g_steal_pointer (&sliced);
    }

  {
    bst_ulong len = 0;
    const char *bytes = NULL;
    g_autoptr(GBytes) model = NULL;
    AxFitted *fitted;

    /* UBJSON: XGBoost writes it several times faster than JSON, and the
     * trees are read back from it faster too. */
    if (!xgb_ok (XGBoosterSaveModelToBuffer (booster, "{\"format\": \"ubj\"}", &len, &bytes), error))
      return NULL;
    model = g_bytes_new (bytes, len);
    fitted = fitted_new (model, task, train_y->n_classes, train->n_features, best_round, error);
    if (fitted != NULL && valid != NULL && !live && monitor->step != NULL)
      {
        guint n_rounds = ax_boost_trees_n_rounds (fitted->trees);
        g_autofree double *sums = g_new (double, MAX (n_rounds, 1));

        ax_boost_trees_round_losses (fitted->trees, valid, rows_loss, &v, sums);
        for (guint round = 0; round < n_rounds; round++)
          {
            double score, loss;

            score_from_sum (&v, sums[round], &score, &loss);
            monitor->step (round + 1, n_estimators, score, monitor->step_data);
          }
      }
    return fitted;
  }
}

/* The number of values predict() writes per row. */
static guint
out_width (const AxFitted *fitted)
{
  return fitted->task == AX_TASK_REGRESSION ? 1 : fitted->n_classes;
}

/* Writes XGBoost's @p (n_rows rows of groups values) as predict() does. */
static void
store_predictions (const AxFitted *fitted,
                   const float    *p,
                   guint           n_rows,
                   double         *out)
{
  if (fitted->task == AX_TASK_CLASSIFICATION && fitted->n_classes == 2)
    for (guint i = 0; i < n_rows; i++)
      {
        out[2 * (gsize) i] = 1 - (double) p[i];
        out[2 * (gsize) i + 1] = p[i];
      }
  else
    for (gsize i = 0; i < (gsize) n_rows * out_width (fitted); i++)
      out[i] = p[i];
}

static void
boost_predict (const AxFitted *fitted,
               const AxMatrix *x,
               double         *out)
{
  g_autofree float *p = NULL;

  g_return_if_fail (x->n_features == fitted->n_features);
  if (x->n_rows == 0)
    return;

  p = g_new (float, (gsize) x->n_rows * ax_boost_trees_groups (fitted->trees));
  ax_boost_trees_predict (fitted->trees, x, p);
  store_predictions (fitted, p, x->n_rows, out);
}

static void
boost_predict_shuffled (const AxFitted *fitted,
                        const AxMatrix *x,
                        const guint    *group,
                        guint           n_copies,
                        const guint    *copy_group,
                        const guint    *perm,
                        double         *out)
{
  gsize n = (gsize) x->n_rows * n_copies;
  g_autofree float *p = g_new (float, MAX (n * ax_boost_trees_groups (fitted->trees), 1));

  g_return_if_fail (x->n_features == fitted->n_features);
  ax_boost_trees_predict_shuffled (fitted->trees, x, group, n_copies, copy_group, perm, p);
  store_predictions (fitted, p, (guint) n, out);
}

static double *
boost_importance (const AxFitted *fitted)
{
  return ax_boost_trees_importance (fitted->trees);
}

static GBytes *
boost_save (const AxFitted *fitted)
{
  gsize len;
  const char *model = g_bytes_get_data (fitted->model, &len);
  GByteArray *b = ax_blob_writer_new (BLOB_MAGIC, BLOB_VERSION, BLOB_HEADER_SIZE + len);

  ax_blob_put_u32 (b, fitted->task == AX_TASK_CLASSIFICATION ? 1 : 0);
  ax_blob_put_u32 (b, fitted->n_classes);
  ax_blob_put_u32 (b, fitted->n_features);
  ax_blob_put_u32 (b, fitted->best_iteration);
  ax_blob_put_u64 (b, len);
  ax_blob_put_bytes (b, model, len);
  return g_byte_array_free_to_bytes (b);
}

static AxFitted *
boost_load (GBytes  *blob,
            GError **error)
{
  AxBlobReader r;
  guint32 version, task, n_classes, n_features, best_iteration;
  guint64 len;
  const guint8 *bytes;
  g_autoptr(GBytes) model = NULL;
  g_autoptr(GError) local = NULL;
  AxFitted *fitted;

  ax_blob_reader_init (&r, blob);
  if (!ax_blob_read_magic (&r, BLOB_MAGIC) || !ax_blob_read_u32 (&r, &version))
    return ax_blob_error (error, _("The saved model is not a gradient boosting model"));
  if (version > BLOB_VERSION)
    return ax_blob_error (error, _("The gradient boosting model was saved by a newer version of Auspex"));

  if (!ax_blob_read_u32 (&r, &task) || !ax_blob_read_u32 (&r, &n_classes) ||
      !ax_blob_read_u32 (&r, &n_features) || !ax_blob_read_u32 (&r, &best_iteration) ||
      !ax_blob_read_u64 (&r, &len))
    goto damaged;

  if (version == 0 || task > 1 || n_features == 0 || len != ax_blob_reader_remaining (&r) ||
      (task == 1 && n_classes < 2) || (task == 0 && n_classes != 0) ||
      best_iteration >= G_MAXINT)
    goto damaged;
  bytes = ax_blob_read_bytes (&r, len);
  model = g_bytes_new (bytes, len);
  fitted = fitted_new (model, task == 1 ? AX_TASK_CLASSIFICATION : AX_TASK_REGRESSION,
                       n_classes, n_features, best_iteration, &local);
  if (fitted == NULL)
    return ax_blob_error (error, "%s", local->message);
  return fitted;

damaged:
  return ax_blob_error (error, _("The gradient boosting model is damaged or incomplete"));
}

const AxAlgorithm ax_gradient_boosting_algorithm = {
  .name = "gradient_boosting",
  .label = N_("Gradient boosting"),
  .regression = TRUE,
  .classification = TRUE,
  .params = boost_params,
  .fit = boost_fit,
  .predict = boost_predict,
  .predict_shuffled = boost_predict_shuffled,
  .importance = boost_importance,
  .save = boost_save,
  .load = boost_load,
  .free = boost_free,
};
