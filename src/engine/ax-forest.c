/* ax-forest.c — the random forest as an AxAlgorithm
 *
 * Training bins the features once (ax-tree.h), then grows the trees on
 * n_threads workers that take tree indices in turn.  Tree t draws its
 * bootstrap sample and features from a stream seeded by (seed, t) alone,
 * and every sum over trees runs in tree order, so a forest and its step
 * scores are the same whatever the number of threads.  The step scores
 * are reported in tree order as soon as every tree before one is done.
 *
 * A fitted forest is one array of nodes (every tree's, one after the
 * other) and one of node values; prediction walks blocks of rows through
 * each tree in turn, the blocks shared among every core.
 */

#include "ax-config.h"
#include "ax-blob.h"
#include "ax-forest.h"
#include "ax-metrics.h"
#include "ax-tree.h"
#include "ax-types.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#define FOREST_MAGIC   0x41585246u      /* "AXRF" */
#define BLOB_MAGIC     "AXRF"
#define BLOB_VERSION   1u

/* Rows walked through a tree together; their features stay in cache. */
#define BLOCK_ROWS     1024u
/* Probabilities are clipped this far from 0 for the log loss. */
#define LOG_LOSS_EPS   1e-15

struct _AxFitted {
  guint32      magic;
  AxTask       task;
  guint        n_classes;      /* 0 for regression */
  guint        n_outputs;      /* values per node: 1 or n_classes */
  guint        n_features;
  guint        n_trees;
  gsize       *tree_start;     /* n_trees + 1 offsets into nodes */
  guint       *depth;          /* per tree */
  AxTreeNode  *nodes;          /* children indices are relative to the tree */
  double      *values;         /* n_outputs per node */
  double      *importance;     /* n_features, summing to 1 (or all 0) */
};

static const AxParamSpec forest_params[] = {
  { "n_estimators", AX_PARAM_INT, 1, 5000, 100, NULL,
    N_("Number of trees in the forest") },
  { "max_depth", AX_PARAM_INT, 1, 100, 10, NULL,
    N_("Deepest level a tree may grow to (the root is level 0)") },
  { "min_samples_split", AX_PARAM_INT, 2, 1e6, 2, NULL,
    N_("Fewest rows a node must hold to be split") },
  { "min_samples_leaf", AX_PARAM_INT, 1, 1e6, 1, NULL,
    N_("Fewest rows each side of a split must keep") },
  { "max_features", AX_PARAM_CHOICE, 0, 0, 0, "auto|sqrt|log2|all|number",
    N_("Features drawn at each split: “auto” is all for regression and the square root for classification; a number up to 1 is a fraction, above 1 a count") },
  { "bootstrap", AX_PARAM_BOOL, 0, 1, 1, NULL,
    N_("Grow each tree on a sample of the rows drawn with replacement") },
  { "class_weight", AX_PARAM_CHOICE, 0, 0, 0, "none|balanced|balanced_subsample",
    N_("“balanced” weighs each class inversely to its frequency; “balanced_subsample” does so in each tree’s sample") },
  { NULL }
};

static const AxParamSpec *
spec_of (const char *name)
{
  for (const AxParamSpec *s = forest_params; s->name != NULL; s++)
    if (g_str_equal (s->name, name))
      return s;
  g_return_val_if_reached (NULL);
}

/* A number parameter, its default when @params lacks it. */
static double
param_number (const AxParams *params,
              const char     *name)
{
  if (params != NULL && ax_params_has (params, name))
    return ax_params_get_number (params, name);
  return spec_of (name)->def;
}

/* A choice parameter: NULL when @params holds a number for it. */
static const char *
param_choice (const AxParams *params,
              const char     *name)
{
  if (params != NULL && ax_params_has (params, name))
    return ax_params_get_string (params, name);
  return NULL;
}

static guint
resolve_max_features (const AxParams *params,
                      AxTask          task,
                      guint           n_features)
{
  const char *choice = param_choice (params, "max_features");
  double n = MAX (n_features, 1), count;

  if (params != NULL && ax_params_has (params, "max_features") && choice == NULL)
    {
      double v = ax_params_get_number (params, "max_features");
      count = v <= 1 ? floor (v * n) : floor (v);
    }
  else if (choice == NULL || g_str_equal (choice, "auto"))
    count = task == AX_TASK_REGRESSION ? n : floor (sqrt (n));
  else if (g_str_equal (choice, "sqrt"))
    count = floor (sqrt (n));
  else if (g_str_equal (choice, "log2"))
    count = floor (log2 (n));
  else
    count = n;
  return (guint) CLAMP (count, 1, n);
}

static AxClassWeight
resolve_class_weight (const AxParams *params)
{
  const char *choice = param_choice (params, "class_weight");

  if (g_strcmp0 (choice, "balanced") == 0)
    return AX_CLASS_WEIGHT_BALANCED;
  if (g_strcmp0 (choice, "balanced_subsample") == 0)
    return AX_CLASS_WEIGHT_BALANCED_SUBSAMPLE;
  return AX_CLASS_WEIGHT_NONE;
}

static guint
resolve_threads (const AxTrainMonitor *monitor)
{
  guint n = monitor != NULL ? monitor->n_threads : 0;

  return n > 0 ? n : MAX (g_get_num_processors (), 1);
}

/* Tree t's stream starts from a hash of (seed, t). */
static guint64
tree_seed (guint64 seed,
           guint   t)
{
  guint64 state = seed ^ ((guint64) (t + 1) * G_GUINT64_CONSTANT (0xd6e8feb86659fd93));

  return ax_splitmix64 (&state);
}

/* Training */

typedef struct {
  /* Read-only while the workers run. */
  const AxBinned       *binned;
  const AxTreeData     *data;
  const AxTreeParams   *params;
  guint64               seed;
  guint                 n_trees;
  guint                 n_outputs;
  const float          *valid_x;      /* row-major, or NULL */
  gboolean              valid_dense;  /* valid_x has no missing value */
  guint                 n_valid;
  guint                 n_features;
  const double         *valid_y;
  double                valid_sst;    /* regression: sum of squares about the mean */
  const AxTrainMonitor *monitor;
  GCancellable         *cancellable;

  gint                  next;         /* atomic: the next tree to grow */
  gint                  stop;         /* atomic: cancelled */

  GMutex                lock;         /* guards everything below */
  AxTree              **trees;
  double              **valid_pred;   /* a done tree's predictions, until reported */
  double               *valid_sum;    /* n_valid x n_outputs, trees [0, n_reported) */
  guint                 n_done;
  guint                 n_reported;
} FitJob;

static double *
predict_valid (const FitJob *job,
               const AxTree *tree)
{
  const AxTreeNode *nodes = (const AxTreeNode *) tree->nodes->data;
  const double *values = (const double *) tree->values->data;
  guint no = job->n_outputs;
  double *out = g_new (double, (gsize) job->n_valid * no);
  gint32 leaf[BLOCK_ROWS];

  for (guint r0 = 0; r0 < job->n_valid; r0 += BLOCK_ROWS)
    {
      guint n = MIN (BLOCK_ROWS, job->n_valid - r0);
      const float *x = job->valid_x + (gsize) r0 * job->n_features;

      if (job->valid_dense)
        ax_tree_walk_dense (nodes, tree->depth, x, job->n_features, n, leaf);
      else
        ax_tree_walk (nodes, tree->depth, x, job->n_features, n, leaf);
      for (guint r = 0; r < n; r++)
        memcpy (out + (gsize) (r0 + r) * no, values + (gsize) leaf[r] * no, no * sizeof (double));
    }
  return out;
}

/* The validation score of the first @n_trees trees: R2, or log loss. */
static double
valid_score (const FitJob *job,
             guint         n_trees)
{
  double sum = 0;

  if (job->valid_x == NULL)
    return NAN;
  for (guint i = 0; i < job->n_valid; i++)
    {
      if (job->n_outputs == 1)
        {
          double e = job->valid_y[i] - job->valid_sum[i] / n_trees;
          sum += e * e;
        }
      else
        {
          guint k = (guint) job->valid_y[i];
          double p = job->valid_sum[(gsize) i * job->n_outputs + k] / n_trees;
          sum -= log (MAX (p, LOG_LOSS_EPS));
        }
    }
  if (job->n_outputs == 1)
    return job->valid_sst > 0 ? 1 - sum / job->valid_sst : NAN;
  return sum / job->n_valid;
}

/* Called with the lock held each time a tree is done: reports progress,
 * then a step for each tree whose predecessors are all done. */
static void
report_locked (FitJob *job)
{
  const AxTrainMonitor *m = job->monitor;

  if (m != NULL && m->progress != NULL)
    {
      g_autofree char *detail =
        g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Grown %u of %u tree",
                                      "Grown %u of %u trees", job->n_trees),
                         job->n_done, job->n_trees);
      m->progress ((double) job->n_done / job->n_trees, detail, m->progress_data);
    }

  while (job->n_reported < job->n_trees && job->trees[job->n_reported] != NULL)
    {
      guint t = job->n_reported;
      double *pred = job->valid_pred[t];

      if (pred != NULL)
        {
          gsize len = (gsize) job->n_valid * job->n_outputs;
          for (gsize i = 0; i < len; i++)
            job->valid_sum[i] += pred[i];
          g_clear_pointer (&job->valid_pred[t], g_free);
        }
      job->n_reported++;
      if (m != NULL && m->step != NULL)
        m->step (job->n_reported, job->n_trees, valid_score (job, job->n_reported),
                 m->step_data);
    }
}

static gpointer
fit_worker (gpointer user_data)
{
  FitJob *job = user_data;
  g_autoptr(AxTreeGrower) grower = ax_tree_grower_new (job->binned, job->data, job->params);

  while (!g_atomic_int_get (&job->stop))
    {
      gint t = g_atomic_int_add (&job->next, 1);
      AxTree *tree;
      double *pred = NULL;

      if (t >= (gint) job->n_trees)
        break;
      tree = g_cancellable_is_cancelled (job->cancellable)
             ? NULL
             : ax_tree_grow (grower, tree_seed (job->seed, (guint) t), job->cancellable);
      if (tree == NULL)
        {
          g_atomic_int_set (&job->stop, 1);
          break;
        }
      if (job->valid_x != NULL)
        pred = predict_valid (job, tree);

      g_mutex_lock (&job->lock);
      job->trees[t] = tree;
      job->valid_pred[t] = pred;
      job->n_done++;
      report_locked (job);
      g_mutex_unlock (&job->lock);
    }
  return NULL;
}

static gboolean
check_target (const AxMatrix *x,
              const AxTarget *y,
              gboolean        validation,
              GError        **error)
{
  if (y->task == AX_TASK_CLASSIFICATION && (y->n_classes < 2 || y->n_classes > G_MAXUINT16))
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_DATA,
                   _("A classification needs at least 2 classes"));
      return FALSE;
    }
  for (guint i = 0; i < x->n_rows; i++)
    {
      double v = y->y[i];
      gboolean ok = y->task == AX_TASK_REGRESSION
                    ? isfinite (v)
                    : v >= 0 && v < y->n_classes && v == floor (v);

      if (!ok)
        {
          g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_DATA,
                       validation ? _("Validation row %u has no valid target value")
                                  : _("Training row %u has no valid target value"),
                       i + 1);
          return FALSE;
        }
      if (y->weight != NULL && !(isfinite (y->weight[i]) && y->weight[i] >= 0))
        {
          g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_DATA,
                       validation ? _("Validation row %u has a negative or missing weight")
                                  : _("Training row %u has a negative or missing weight"),
                       i + 1);
          return FALSE;
        }
    }
  return TRUE;
}

static void
fitted_free (AxFitted *f)
{
  if (f == NULL)
    return;
  g_free (f->tree_start);
  g_free (f->depth);
  g_free (f->nodes);
  g_free (f->values);
  g_free (f->importance);
  g_free (f);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AxFitted, fitted_free)

static AxFitted *
fitted_new (AxTask task,
            guint  n_classes,
            guint  n_features,
            guint  n_trees)
{
  AxFitted *f = g_new0 (AxFitted, 1);

  f->magic = FOREST_MAGIC;
  f->task = task;
  f->n_classes = task == AX_TASK_CLASSIFICATION ? n_classes : 0;
  f->n_outputs = task == AX_TASK_CLASSIFICATION ? n_classes : 1;
  f->n_features = n_features;
  f->n_trees = n_trees;
  f->tree_start = g_new0 (gsize, n_trees + 1);
  f->depth = g_new0 (guint, n_trees + 1);
  f->importance = g_new0 (double, n_features + 1);
  return f;
}

/* Joins the trees into one fitted forest; importance as scikit-learn's:
 * each tree's normalised, averaged over the trees that split at all. */
static AxFitted *
assemble (AxTree **trees,
          guint    n_trees,
          AxTask   task,
          guint    n_classes,
          guint    n_features)
{
  AxFitted *f = fitted_new (task, n_classes, n_features, n_trees);
  gsize total = 0;
  double sum = 0;

  for (guint t = 0; t < n_trees; t++)
    {
      f->tree_start[t] = total;
      total += trees[t]->nodes->len;
    }
  f->tree_start[n_trees] = total;
  f->nodes = g_new (AxTreeNode, MAX (total, 1));
  f->values = g_new (double, MAX (total * f->n_outputs, 1));

  for (guint t = 0; t < n_trees; t++)
    {
      const AxTree *tree = trees[t];
      double tree_sum = 0;

      memcpy (f->nodes + f->tree_start[t], tree->nodes->data,
              tree->nodes->len * sizeof (AxTreeNode));
      memcpy (f->values + f->tree_start[t] * f->n_outputs, tree->values->data,
              tree->values->len * sizeof (double));
      f->depth[t] = tree->depth;
      for (guint j = 0; j < n_features; j++)
        tree_sum += tree->importance[j];
      if (tree_sum > 0)
        for (guint j = 0; j < n_features; j++)
          f->importance[j] += tree->importance[j] / tree_sum;
    }
  for (guint j = 0; j < n_features; j++)
    sum += f->importance[j];
  for (guint j = 0; j < n_features; j++)
    f->importance[j] = sum > 0 ? f->importance[j] / sum : 0;
  return f;
}

static AxFitted *
forest_fit (const AxMatrix       *train,
            const AxTarget       *train_y,
            const AxMatrix       *valid,
            const AxTarget       *valid_y,
            const AxParams       *params,
            const AxTrainMonitor *monitor,
            GCancellable         *cancellable,
            GError              **error)
{
  AxTask task = train_y->task;
  gboolean regression = task == AX_TASK_REGRESSION;
  guint n = train->n_rows, nf = train->n_features, n_outputs;
  guint n_trees = (guint) param_number (params, "n_estimators");
  guint n_threads = MIN (resolve_threads (monitor), n_trees);
  AxTreeParams tp = { 0 };
  AxTreeData data = { 0 };
  FitJob job = { 0 };
  g_autoptr(AxBinned) binned = NULL;
  g_autofree double *y = NULL;
  g_autofree guint16 *klass = NULL;
  g_autofree double *weight = NULL;
  g_autofree float *valid_x = NULL;
  AxFitted *fitted = NULL;

  g_return_val_if_fail (train != NULL && train_y != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (n == 0)
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_DATA,
                   _("There are no rows to learn from"));
      return NULL;
    }
  if (!check_target (train, train_y, FALSE, error))
    return NULL;
  n_outputs = regression ? 1 : train_y->n_classes;
  if (valid != NULL && valid_y != NULL && valid->n_rows > 0)
    {
      if (valid->n_features != nf || valid_y->task != task
          || (!regression && valid_y->n_classes != train_y->n_classes))
        {
          g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_DATA,
                       _("The validation rows do not match the training rows"));
          return NULL;
        }
      if (!check_target (valid, valid_y, TRUE, error))
        return NULL;
    }
  else
    valid = NULL;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  if (monitor != NULL)
    ax_progress_report (monitor->progress, monitor->progress_data, 0, _("Binning the features"));

  tp.task = task;
  tp.n_classes = regression ? 0 : train_y->n_classes;
  tp.max_depth = (guint) param_number (params, "max_depth");
  tp.min_samples_split = (guint) param_number (params, "min_samples_split");
  tp.min_samples_leaf = (guint) param_number (params, "min_samples_leaf");
  tp.max_features = resolve_max_features (params, task, nf);
  tp.bootstrap = param_number (params, "bootstrap") != 0;
  tp.class_weight = regression ? AX_CLASS_WEIGHT_NONE : resolve_class_weight (params);
  /* scikit-learn treats balanced_subsample without a bootstrap as balanced. */
  if (tp.class_weight == AX_CLASS_WEIGHT_BALANCED_SUBSAMPLE && !tp.bootstrap)
    tp.class_weight = AX_CLASS_WEIGHT_BALANCED;

  if (regression)
    {
      /* Centred targets keep the split sums well conditioned. */
      double mean = 0;

      y = g_new (double, n);
      for (guint i = 0; i < n; i++)
        mean += train_y->y[i];
      mean /= n;
      for (guint i = 0; i < n; i++)
        y[i] = train_y->y[i] - mean;
      data.y = y;
      data.y_offset = mean;
    }
  else
    {
      klass = g_new (guint16, n);
      for (guint i = 0; i < n; i++)
        klass[i] = (guint16) train_y->y[i];
      data.klass = klass;
    }

  if (tp.class_weight == AX_CLASS_WEIGHT_BALANCED)
    {
      /* n / (n_classes * count of the class), as scikit-learn. */
      g_autofree double *count = g_new0 (double, tp.n_classes);

      for (guint i = 0; i < n; i++)
        count[klass[i]] += 1;
      weight = g_new (double, n);
      for (guint i = 0; i < n; i++)
        weight[i] = (train_y->weight != NULL ? train_y->weight[i] : 1.0)
                    * n / (tp.n_classes * count[klass[i]]);
      data.weight = weight;
    }
  else
    data.weight = train_y->weight;

  binned = ax_binned_new (train, n_threads, monitor != NULL ? monitor->seed : 0);

  job.binned = binned;
  job.data = &data;
  job.params = &tp;
  job.seed = monitor != NULL ? monitor->seed : 0;
  job.n_trees = n_trees;
  job.n_outputs = n_outputs;
  job.n_features = nf;
  job.monitor = monitor;
  job.cancellable = cancellable;
  if (valid != NULL)
    {
      valid_x = g_new (float, (gsize) valid->n_rows * nf + 1);
      job.valid_dense = ax_tree_rows (valid, 0, valid->n_rows, valid_x);
      job.valid_x = valid_x;
      job.n_valid = valid->n_rows;
      job.valid_y = valid_y->y;
      job.valid_sst = ax_total_sum_of_squares (valid_y->y, valid->n_rows);
      job.valid_sum = g_new0 (double, (gsize) valid->n_rows * n_outputs);
    }
  job.trees = g_new0 (AxTree *, n_trees);
  job.valid_pred = g_new0 (double *, n_trees);
  g_mutex_init (&job.lock);

  ax_run_on_threads (n_threads, "ax-forest", fit_worker, &job);

  if (!g_cancellable_set_error_if_cancelled (cancellable, error))
    fitted = assemble (job.trees, n_trees, task, tp.n_classes, nf);

  for (guint t = 0; t < n_trees; t++)
    {
      g_clear_pointer (&job.trees[t], ax_tree_free);
      g_clear_pointer (&job.valid_pred[t], g_free);
    }
  g_free (job.trees);
  g_free (job.valid_pred);
  g_free (job.valid_sum);
  g_mutex_clear (&job.lock);
  return fitted;
}

/* Prediction */

typedef struct {
  const AxFitted *f;
  const AxMatrix *x;
  double         *out;       /* predict: as AxAlgorithm.predict */
  double         *sd;        /* spread: per row */
  gint            next;      /* atomic: the next block */
} PredictJob;

/* Predicts @n rows of @xb: their mean over the trees into @out (n_outputs
 * per row) and, when @sd is not NULL, the trees' standard deviation into
 * @sd, in the same walk (@mean is scratch space for it). */
static void
predict_block (const AxFitted *f,
               const float    *xb,
               gboolean        dense,
               guint           n,
               gint32         *leaf,
               double         *out,
               double         *sd,
               double         *mean)
{
  guint no = f->n_outputs;

  memset (out, 0, (gsize) n * no * sizeof (double));
  if (sd != NULL)
    {
      memset (sd, 0, n * sizeof (double));
      memset (mean, 0, n * sizeof (double));
    }

  for (guint t = 0; t < f->n_trees; t++)
    {
      const AxTreeNode *nodes = f->nodes + f->tree_start[t];
      const double *values = f->values + f->tree_start[t] * no;

      if (dense)
        ax_tree_walk_dense (nodes, f->depth[t], xb, f->n_features, n, leaf);
      else
        ax_tree_walk (nodes, f->depth[t], xb, f->n_features, n, leaf);
      if (sd != NULL)
        {
          /* The sum as below, for the same prediction to the last bit;
           * beside it Welford's update: mean the running mean, sd the sum
           * of squared deviations. */
          for (guint r = 0; r < n; r++)
            {
              double v = values[leaf[r]], delta = v - mean[r];
              out[r] += v;
              mean[r] += delta / (t + 1);
              sd[r] += delta * (v - mean[r]);
            }
        }
      else if (no == 1)
        for (guint r = 0; r < n; r++)
          out[r] += values[leaf[r]];
      else if (no == 2)
        {
          /* The loop below for two classes, without its inner loop. */
          double *restrict o = out;

          for (guint r = 0; r < n; r++)
            {
              const double *v = values + (gsize) leaf[r] * 2;
              o[2 * r] += v[0];
              o[2 * r + 1] += v[1];
            }
        }
      else
        for (guint r = 0; r < n; r++)
          {
            const double *v = values + (gsize) leaf[r] * no;
            for (guint k = 0; k < no; k++)
              out[(gsize) r * no + k] += v[k];
          }
    }

  if (sd != NULL)
    for (guint r = 0; r < n; r++)
      sd[r] = f->n_trees > 0 ? sqrt (sd[r] / f->n_trees) : 0;
  if (f->n_trees > 0)
    for (gsize i = 0; i < (gsize) n * no; i++)
      out[i] /= f->n_trees;
}

static gpointer
predict_worker (gpointer user_data)
{
  PredictJob *job = user_data;
  const AxFitted *f = job->f;
  guint n_rows = job->x->n_rows;
  g_autofree float *xb = g_new0 (float, (gsize) BLOCK_ROWS * f->n_features + 1);
  g_autofree double *mean = job->sd != NULL ? g_new (double, BLOCK_ROWS) : NULL;
  g_autofree double *scratch = job->out == NULL ? g_new (double, (gsize) BLOCK_ROWS * f->n_outputs) : NULL;
  gint32 leaf[BLOCK_ROWS];
  gint block;

  while ((block = g_atomic_int_add (&job->next, 1)) < (gint) ((n_rows + BLOCK_ROWS - 1) / BLOCK_ROWS))
    {
      guint r0 = (guint) block * BLOCK_ROWS, n = MIN (BLOCK_ROWS, n_rows - r0);
      gboolean dense = ax_tree_rows (job->x, r0, n, xb);

      predict_block (f, xb, dense, n, leaf,
                     job->out != NULL ? job->out + (gsize) r0 * f->n_outputs : scratch,
                     job->sd != NULL ? job->sd + r0 : NULL, mean);
    }
  return NULL;
}

static void
predict_run (PredictJob *job)
{
  guint n_blocks = (job->x->n_rows + BLOCK_ROWS - 1) / BLOCK_ROWS;
  guint n_threads = MIN (MAX (g_get_num_processors (), 1), n_blocks);

  ax_run_on_threads (n_threads, "ax-forest-predict", predict_worker, job);
}

static void
forest_predict (const AxFitted *fitted,
                const AxMatrix *x,
                double         *out)
{
  PredictJob job = { fitted, x, out, NULL, 0 };

  g_return_if_fail (fitted != NULL && fitted->magic == FOREST_MAGIC);
  g_return_if_fail (x != NULL && x->n_features == fitted->n_features);
  predict_run (&job);
}

void
ax_forest_predict_spread (const AxFitted *fitted,
                          const AxMatrix *x,
                          double         *sd)
{
  ax_forest_predict_with_spread (fitted, x, NULL, sd);
}

void
ax_forest_predict_with_spread (const AxFitted *fitted,
                               const AxMatrix *x,
                               double         *out,
                               double         *sd)
{
  PredictJob job = { fitted, x, out, sd, 0 };

  g_return_if_fail (fitted != NULL && fitted->magic == FOREST_MAGIC);
  g_return_if_fail (x != NULL && x->n_features == fitted->n_features);
  if (fitted->task != AX_TASK_REGRESSION)
    {
      for (guint i = 0; i < x->n_rows; i++)
        sd[i] = NAN;
      job.sd = NULL;
      if (out == NULL)
        return;
    }
  predict_run (&job);
}

static void
forest_predict_shuffled (const AxFitted *f,
                         const AxMatrix *x,
                         const guint    *group,
                         guint           n_copies,
                         const guint    *copy_group,
                         const guint    *perm,
                         double         *out)
{
  AxTreeEnsemble e = { f->n_trees, f->n_features, f->n_outputs, f->tree_start, f->depth,
                       f->nodes, f->values, NULL, NULL };
  gsize width = (gsize) x->n_rows * f->n_outputs;
  g_autofree double *base = g_new (double, MAX (width, 1));

  g_return_if_fail (f != NULL && f->magic == FOREST_MAGIC && x->n_features == f->n_features);

  forest_predict (f, x, base);
  /* The deltas are sums over the trees; the prediction is their mean. */
  ax_tree_ensemble_shuffle_deltas (&e, x, group, n_copies, copy_group, perm, out, NULL);
  for (guint c = 0; c < n_copies; c++)
    for (gsize i = 0; i < width; i++)
      out[c * width + i] = base[i] + out[c * width + i] / MAX (f->n_trees, 1);
}

static double *
forest_importance (const AxFitted *fitted)
{
  g_return_val_if_fail (fitted != NULL && fitted->magic == FOREST_MAGIC, NULL);
  return g_memdup2 (fitted->importance, MAX (fitted->n_features, 1) * sizeof (double));
}

/* The blob, little-endian throughout:
 *
 *   "AXRF", u32 version, u32 task, u32 n_classes, u32 n_features,
 *   u32 n_trees, f64 importance[n_features], u32 nodes[n_trees] (each
 *   tree's node count), then every node (u32 feature, f32 threshold,
 *   i32 left, i32 missing, as AxTreeNode) and every node's n_outputs f64
 *   values. */

static GBytes *
forest_save (const AxFitted *f)
{
  gsize total;
  GByteArray *b;

  g_return_val_if_fail (f->magic == FOREST_MAGIC, NULL);

  total = f->tree_start[f->n_trees];
  b = ax_blob_writer_new (BLOB_MAGIC, BLOB_VERSION,
                          24 + f->n_features * 8 + f->n_trees * 4
                          + total * (16 + 8 * f->n_outputs));
  ax_blob_put_u32 (b, f->task);
  ax_blob_put_u32 (b, f->n_classes);
  ax_blob_put_u32 (b, f->n_features);
  ax_blob_put_u32 (b, f->n_trees);
  for (guint j = 0; j < f->n_features; j++)
    ax_blob_put_f64 (b, f->importance[j]);
  for (guint t = 0; t < f->n_trees; t++)
    ax_blob_put_u32 (b, (guint32) (f->tree_start[t + 1] - f->tree_start[t]));
  for (gsize i = 0; i < total; i++)
    {
      ax_blob_put_u32 (b, f->nodes[i].feature);
      ax_blob_put_f32 (b, f->nodes[i].threshold);
      ax_blob_put_u32 (b, (guint32) f->nodes[i].left);
      ax_blob_put_u32 (b, (guint32) f->nodes[i].missing);
    }
  for (gsize i = 0; i < total * f->n_outputs; i++)
    ax_blob_put_f64 (b, f->values[i]);
  return g_byte_array_free_to_bytes (b);
}

static gpointer
blob_damaged (GError **error)
{
  return ax_blob_error (error, _("The saved random forest is damaged or incomplete"));
}

/* Reads tree @t's nodes, checking that every inner node's children come
 * after it, side by side (so a walk always ends inside the tree), and that
 * it names an existing feature. */
static gboolean
load_tree (AxBlobReader *r,
           AxFitted     *f,
           guint         t)
{
  gsize start = f->tree_start[t];
  guint32 n = (guint32) (f->tree_start[t + 1] - start);
  guint *depth = g_new0 (guint, MAX (n, 1));
  gboolean ok = TRUE;

  for (guint32 i = 0; i < n && ok; i++)
    {
      AxTreeNode *node = &f->nodes[start + i];
      guint32 left, missing;

      ok = ax_blob_read_u32 (r, &node->feature) && ax_blob_read_f32 (r, &node->threshold)
           && ax_blob_read_u32 (r, &left) && ax_blob_read_u32 (r, &missing);
      if (!ok)
        break;
      node->left = (gint32) left;
      node->missing = (gint32) missing;
      if (left == i && missing == i)
        {
          /* Whatever was stored, a walk must stay in a leaf. */
          node->feature = 0;
          node->threshold = NAN;
          continue;
        }
      ok = left > i && left < n - 1 && (missing == left || missing == left + 1)
           && node->feature < f->n_features;
      if (ok)
        {
          depth[left] = depth[i] + 1;
          depth[left + 1] = depth[i] + 1;
          f->depth[t] = MAX (f->depth[t], depth[i] + 1);
        }
    }
  g_free (depth);
  return ok;
}

static AxFitted *
forest_load (GBytes  *blob,
             GError **error)
{
  AxBlobReader r;
  guint32 version, task, n_classes, n_features, n_trees;
  g_autoptr(AxFitted) f = NULL;
  gsize total = 0;

  ax_blob_reader_init (&r, blob);
  if (!ax_blob_read_magic (&r, BLOB_MAGIC))
    return ax_blob_error (error, _("This is not a saved random forest"));
  if (!ax_blob_read_u32 (&r, &version))
    return blob_damaged (error);
  if (version > BLOB_VERSION)
    return ax_blob_error (error, _("The random forest was saved by a newer version of Auspex"));
  if (!ax_blob_read_u32 (&r, &task) || !ax_blob_read_u32 (&r, &n_classes)
      || !ax_blob_read_u32 (&r, &n_features) || !ax_blob_read_u32 (&r, &n_trees)
      || version == 0 || task > AX_TASK_CLASSIFICATION
      || (task == AX_TASK_CLASSIFICATION && (n_classes < 2 || n_classes > G_MAXUINT16))
      || (task == AX_TASK_REGRESSION && n_classes != 0)
      || n_trees == 0 || n_trees > ax_blob_reader_remaining (&r) / 4
      || n_features > ax_blob_reader_remaining (&r) / 8)
    return blob_damaged (error);

  f = fitted_new (task, n_classes, n_features, n_trees);
  for (guint j = 0; j < n_features; j++)
    if (!ax_blob_read_f64 (&r, &f->importance[j]))
      return blob_damaged (error);
  for (guint t = 0; t < n_trees; t++)
    {
      guint32 n;

      if (!ax_blob_read_u32 (&r, &n) || n == 0)
        return blob_damaged (error);
      f->tree_start[t] = total;
      total += n;
    }
  f->tree_start[n_trees] = total;
  if (total > ax_blob_reader_remaining (&r) / (16 + 8 * (gsize) f->n_outputs))
    return blob_damaged (error);

  f->nodes = g_new (AxTreeNode, total);
  f->values = g_new (double, total * f->n_outputs);
  for (guint t = 0; t < n_trees; t++)
    if (!load_tree (&r, f, t))
      return blob_damaged (error);
  for (gsize i = 0; i < total * f->n_outputs; i++)
    if (!ax_blob_read_f64 (&r, &f->values[i]))
      return blob_damaged (error);
  if (ax_blob_reader_remaining (&r) != 0)
    return blob_damaged (error);
  return g_steal_pointer (&f);
}

static void
forest_free (AxFitted *fitted)
{
  g_return_if_fail (fitted == NULL || fitted->magic == FOREST_MAGIC);
  fitted_free (fitted);
}

const AxAlgorithm ax_random_forest_algorithm = {
  .name = "random_forest",
  .label = N_("Random forest"),
  .regression = TRUE,
  .classification = TRUE,
  .params = forest_params,
  .fit = forest_fit,
  .predict = forest_predict,
  .predict_shuffled = forest_predict_shuffled,
  .importance = forest_importance,
  .save = forest_save,
  .load = forest_load,
  .free = forest_free,
};
