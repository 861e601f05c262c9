/* ax-iforest.c — the isolation forest as an AxDetector ("isolation_forest")
 *
 * Liu, Ting and Zhou, "Isolation Forest" (ICDM 2008).  Each tree is grown
 * on max_samples rows (psi) drawn without replacement from the fit rows:
 * a node picks one of the tree's metrics at random and splits at a value
 * drawn uniformly between that metric's least and greatest value in the
 * node, until a node holds one row or the tree reaches the height limit
 * ceil(log2(psi)).  A row's path length h(x) in a tree is the depth of the
 * leaf it falls into plus c(size), the average path length of an
 * unsuccessful search in a binary search tree of the leaf's training
 * rows,
 *
 *   c(n) = 2 H(n - 1) - 2 (n - 1) / n,  H(i) ~ ln(i) + 0.5772156649,
 *
 * (c(2) = 1, c(1) = c(0) = 0), and its score is the paper's
 *
 *   s(x, psi) = 2 ^ (-E(h(x)) / c(psi))
 *
 * in 0..1: near 1 for rows isolated early, about 0.5 or below for the
 * rest.  The splits are those of scikit-learn's IsolationForest (a row goes
 * left when its value is at most the threshold, a metric constant in the
 * node is passed over for another), so the two give the same scores up to
 * the draws.
 *
 * contamination does not change the score: the run reads it for its alert
 * budget, and here it says which fit rows count as normal when the
 * expected ranges are taken (below).
 *
 * Root cause.  Every split on a row's path changes the expected length of
 * the rest of it: before the split, in a node of n training rows, a row
 * still expects c(n) more edges; after it, one edge plus c(n') in the
 * child of n' rows it went to.  The step's credit
 *
 *   g = c(n) - 1 - c(n')
 *
 * is large when the split cut the row off from most of the others (from
 * psi = 256 into a child of 1 row: 9.2) and slightly negative when the
 * row went along with the majority.  Along a path the credits add up to
 * exactly c(psi) - h(x), the shortening of the path that the score
 * measures, so crediting each g to the metric split on splits the
 * anomaly's evidence between the metrics without remainder.  A metric's
 * contribution is its credit summed over the trees, negative sums
 * counting as none, normalised to sum 1 (an even share each when no
 * metric has a positive sum).  The expected range of a metric is the 5th
 * to 95th percentile of the fit rows that the forest itself scores as
 * normal, i.e. below its (1 - contamination) quantile of scores (taken on
 * up to RANGE_SAMPLE fit rows spread evenly over them); the direction
 * says whether the row's value lies above or below that range.
 *
 * Missing values are replaced by the metric's median over the same
 * sample, in fitting and in scoring; such a metric gets no contribution.
 *
 * Tree t draws from a stream seeded by (seed, t) alone, and every sum over
 * trees runs in tree order, so the forest, the scores and the
 * contributions are the same bits whatever the number of threads.  The
 * trees are flat arrays of 16-byte nodes in which a leaf points to itself,
 * so scoring walks a block of rows side by side through a tree a fixed
 * number of levels without a test for having arrived.
 */

#include "ax-config.h"
#include "ax-detect-private.h"
#include "ax-detectors-private.h"
#include "ax-stats.h"
#include "ax-types.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define IFOREST_MAGIC  0x41584946u      /* "AXIF" */
/* Rows walked through the trees together; their values stay in cache. */
#define BLOCK_ROWS     256u
/* Fit rows scored to find the expected ranges and the medians: with
 * contamination 0.1, 18,000 normal rows put the 5th and 95th percentiles
 * within about 0.2 percentile points; scoring more rows would make this
 * the costliest part of a fit. */
#define RANGE_SAMPLE   20000u
#define RANGE_LOW      0.05
#define RANGE_HIGH     0.95
#define EULER_GAMMA    0.5772156649015329

/* Up to this many metrics a leaf's credits are a dense vector. */
#define DENSE_METRICS  32u

/* Four floats added at once (GCC and Clang vector extensions); it may
 * alias the float arrays it is laid over. */
typedef float Float4 __attribute__ ((vector_size (16), may_alias));

/* A node; children are numbered within their tree.  Inner: rows whose
 * value of @feature is at most @threshold go to @left, the others to
 * @left + 1.  Leaf: @left is the node itself and the threshold is +inf,
 * so every comparison keeps a row there; @h is the path length of a row
 * ending here (depth + c(size)). */
typedef struct {
  float    threshold;
  guint32  feature;
  guint32  left;
  float    h;
} IfNode;

G_STATIC_ASSERT (sizeof (IfNode) == 16);

/* One step's credit to the metric split on (see the top of the file). */
typedef struct {
  guint32  metric;
  float    gain;
} IfCredit;

typedef struct {
  guint32    magic;
  guint      n_metrics;
  guint      n_trees;
  guint      psi;             /* rows each tree was grown on */
  guint      n_threads;       /* for scoring; 0 = every core */
  double     c_psi;           /* c(psi), the score's normaliser */
  gsize     *tree_start;      /* n_trees + 1 offsets into nodes */
  guint     *depth;           /* per tree */
  IfNode    *nodes;
  /* Each leaf's credits, summed per metric.  Up to DENSE_METRICS metrics
   * they are a vector of n_padded floats per leaf, added four at a time;
   * past that, n_credits (metric, gain) pairs per leaf, padded with gains
   * of 0 so that every leaf takes the same steps (no path splits on more
   * metrics than it has levels).  Leaf i of tree t starts at
   * credit_start[t] + span[tree_start[t] + i], counted in Float4 or in
   * pairs. */
  gboolean   dense;
  guint      n_padded;        /* n_metrics rounded up to a multiple of 4 */
  guint      n_credits;       /* min (height limit, n_metrics) */
  gsize     *credit_start;    /* per tree */
  guint32   *span;            /* per node */
  Float4    *vectors;         /* dense */
  IfCredit  *credits;         /* sparse */
  float     *fill;            /* per metric: the value a missing one becomes */
  double    *low, *high;      /* per metric: the expected range */
} IForest;

static const AxParamSpec iforest_params[] = {
  { "n_estimators", AX_PARAM_INT, 1, 5000, 100, NULL,
    N_("Number of isolation trees") },
  { "max_samples", AX_PARAM_CHOICE, 0, 0, 0, "auto|number",
    N_("Rows each tree is grown on: “auto” is 256 (or all rows when fewer); a number up to 1 is a fraction of the rows, above 1 a count") },
  { "contamination", AX_PARAM_REAL, 0, 0.5, 0.1, NULL,
    N_("Share of the history expected to be anomalous: left out of the expected ranges, and the default alert budget") },
  { "max_features", AX_PARAM_CHOICE, 0, 0, 0, "all|number",
    N_("Metrics each tree may split on: “all”, a fraction up to 1, or a count above 1") },
  { NULL }
};

/* The average path length of an unsuccessful search in a binary search
 * tree of @n keys (the paper's c(n), as scikit-learn computes it). */
static double
average_path (double n)
{
  if (n <= 1)
    return 0;
  if (n <= 2)
    return 1;
  return 2 * (log (n - 1) + EULER_GAMMA) - 2 * (n - 1) / n;
}

static double
param_number (const AxParams *params,
              const char     *name,
              double          def)
{
  if (params != NULL && ax_params_has (params, name)
      && ax_params_get_string (params, name) == NULL)
    return ax_params_get_number (params, name);
  return def;
}

/* A CHOICE parameter given as a number: a fraction of @total when at most
 * 1, a count otherwise; @def when it holds its string choice. */
static guint
resolve_count (const AxParams *params,
               const char     *name,
               guint           total,
               guint           def)
{
  double v = param_number (params, name, NAN), count;

  if (isnan (v))
    return def;
  count = v <= 1 ? floor (v * total) : floor (v);
  return (guint) CLAMP (count, 1, MAX (total, 1));
}

static guint
resolve_threads (const AxTrainMonitor *monitor)
{
  guint n = monitor != NULL ? monitor->n_threads : 0;

  return n > 0 ? n : MAX (g_get_num_processors (), 1);
}

/* Splitmix64 (Steele, Lea, Flood 2014) drives every draw. */
static inline guint64
next_u64 (guint64 *state)
{
  guint64 z = (*state += G_GUINT64_CONSTANT (0x9e3779b97f4a7c15));

  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  return z ^ (z >> 31);
}

/* Uniform in 0..n-1 (the bias of the modulo is below 2^-40 for any n a
 * matrix can have). */
static inline guint
next_below (guint64 *state,
            guint    n)
{
  return (guint) (next_u64 (state) % n);
}

/* Uniform in [0, 1). */
static inline double
next_unit (guint64 *state)
{
  return (next_u64 (state) >> 11) * 0x1.0p-53;
}

/* Tree t's stream starts from a hash of (seed, t). */
static guint64
tree_seed (guint64 seed,
           guint   t)
{
  guint64 state = seed ^ ((guint64) (t + 1) * G_GUINT64_CONSTANT (0xd6e8feb86659fd93));

  return next_u64 (&state);
}

static void
iforest_free_impl (IForest *f)
{
  if (f == NULL)
    return;
  g_free (f->tree_start);
  g_free (f->depth);
  g_free (f->nodes);
  g_free (f->credit_start);
  g_free (f->span);
  g_free (f->vectors);
  g_free (f->credits);
  g_free (f->fill);
  g_free (f->low);
  g_free (f->high);
  g_free (f);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IForest, iforest_free_impl)

/* Growing one tree */

typedef struct {
  guint32  lo, hi;       /* the node's rows: order[lo..hi) */
  guint32  depth;
  gint32   parent;       /* -1 for the root */
  float    gain;         /* credit of the step from the parent into here */
} Pending;

typedef struct {
  GArray  *nodes;        /* IfNode */
  GArray  *span;         /* guint32, one per node */
  GArray  *credits;      /* IfCredit */
  guint    depth;
} GrownTree;

static void
grown_tree_free (GrownTree *t)
{
  if (t == NULL)
    return;
  g_array_unref (t->nodes);
  g_array_unref (t->span);
  g_array_unref (t->credits);
  g_free (t);
}

/* One worker's scratch space, reused for each tree it grows. */
typedef struct {
  const AxMatrix *x;
  const float    *fill;
  guint           psi;
  guint           limit;        /* height limit */
  guint           n_credits;    /* credits per leaf */
  guint           n_features;   /* metrics per tree (max_features) */
  guint          *sample;       /* psi row indices */
  guint          *hash;         /* open addressing set for the draw */
  guint           hash_mask;
  float          *xs;           /* psi x n_metrics, row-major */
  guint32        *order;        /* psi */
  guint          *features;     /* the tree's metrics */
  guint          *perm;         /* scratch for the feature draw */
  GArray         *pending;      /* Pending, one per node */
} Grower;

static Grower *
grower_new (const AxMatrix *x,
            const float    *fill,
            guint           psi,
            guint           n_features,
            guint           n_credits)
{
  Grower *g = g_new0 (Grower, 1);
  guint size = 16;

  while (size < 2 * psi)
    size *= 2;
  g->x = x;
  g->fill = fill;
  g->psi = psi;
  g->limit = (guint) ceil (log2 (MAX (psi, 2)));
  g->n_credits = n_credits;
  g->n_features = n_features;
  g->sample = g_new (guint, psi);
  g->hash = g_new (guint, size);
  g->hash_mask = size - 1;
  g->xs = g_new (float, (gsize) psi * x->n_features);
  g->order = g_new (guint32, psi);
  g->features = g_new (guint, x->n_features);
  g->perm = g_new (guint, x->n_features);
  g->pending = g_array_new (FALSE, FALSE, sizeof (Pending));
  return g;
}

static void
grower_free (Grower *g)
{
  if (g == NULL)
    return;
  g_free (g->sample);
  g_free (g->hash);
  g_free (g->xs);
  g_free (g->order);
  g_free (g->features);
  g_free (g->perm);
  g_array_unref (g->pending);
  g_free (g);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Grower, grower_free)

static int
compare_guint (const void *a,
               const void *b)
{
  guint x = *(const guint *) a, y = *(const guint *) b;

  return (x > y) - (x < y);
}

/* Draws psi of the n rows without replacement (Floyd's algorithm), in
 * ascending order so that gathering their values runs forward. */
static void
draw_sample (Grower  *g,
             guint64 *rng)
{
  guint n = g->x->n_rows, k = 0;

  if (g->psi == n)
    {
      for (guint i = 0; i < n; i++)
        g->sample[i] = i;
      return;
    }
  memset (g->hash, 0xff, ((gsize) g->hash_mask + 1) * sizeof (guint));
  for (guint j = n - g->psi; j < n; j++)
    {
      guint t = next_below (rng, j + 1), slot;
      gboolean seen = FALSE;

      for (slot = (t * 2654435761u) & g->hash_mask; g->hash[slot] != G_MAXUINT;
           slot = (slot + 1) & g->hash_mask)
        if (g->hash[slot] == t)
          {
            seen = TRUE;
            break;
          }
      if (seen)
        {
          /* j itself cannot be in the set yet: it exceeds every draw so far. */
          t = j;
          for (slot = (t * 2654435761u) & g->hash_mask; g->hash[slot] != G_MAXUINT;
               slot = (slot + 1) & g->hash_mask)
            ;
        }
      g->hash[slot] = t;
      g->sample[k++] = t;
    }
  qsort (g->sample, g->psi, sizeof (guint), compare_guint);
}

/* The tree's metrics: max_features of them, drawn without replacement. */
static void
draw_features (Grower  *g,
               guint64 *rng)
{
  guint nm = g->x->n_features;

  for (guint f = 0; f < nm; f++)
    g->features[f] = f;
  for (guint f = 0; f < g->n_features; f++)
    {
      guint j = f + next_below (rng, nm - f), tmp = g->features[f];
      g->features[f] = g->features[j];
      g->features[j] = tmp;
    }
}

static void
gather (Grower *g)
{
  const AxMatrix *x = g->x;
  guint nm = x->n_features;

  for (guint f = 0; f < nm; f++)
    {
      const float *col = x->x + (gsize) f * x->n_rows;
      for (guint i = 0; i < g->psi; i++)
        {
          float v = col[g->sample[i]];
          g->xs[(gsize) i * nm + f] = isnan (v) ? g->fill[f] : v;
        }
    }
  for (guint i = 0; i < g->psi; i++)
    g->order[i] = i;
}

/* Makes node @i a leaf and records its credits: each ancestor's step
 * credited to the metric that ancestor split on, summed per metric. */
static void
make_leaf (Grower    *g,
           GrownTree *tree,
           guint      i)
{
  const Pending *p = &g_array_index (g->pending, Pending, i);
  IfNode *node = &g_array_index (tree->nodes, IfNode, i);
  guint first = tree->credits->len, used = 0;
  IfCredit *credits;

  node->threshold = INFINITY;
  node->feature = 0;
  node->left = i;
  node->h = (float) (p->depth + average_path (p->hi - p->lo));
  tree->depth = MAX (tree->depth, p->depth);

  g_array_set_size (tree->credits, first + g->n_credits);
  credits = &g_array_index (tree->credits, IfCredit, first);
  for (gint32 child = (gint32) i; ; )
    {
      const Pending *c = &g_array_index (g->pending, Pending, child);
      guint32 metric;
      guint k;

      if (c->parent < 0)
        break;
      metric = g_array_index (tree->nodes, IfNode, c->parent).feature;
      for (k = 0; k < used; k++)
        if (credits[k].metric == metric)
          break;
      if (k == used)
        {
          g_assert (used < g->n_credits);
          credits[used++].metric = metric;
        }
      credits[k].gain += c->gain;
      child = c->parent;
    }
}

static GrownTree *
grow_tree (Grower  *g,
           guint64  seed)
{
  guint64 rng = seed;
  guint nm = g->x->n_features;
  GrownTree *tree = g_new0 (GrownTree, 1);
  Pending root = { 0, g->psi, 0, -1, 0 };
  IfNode blank = { 0 };

  tree->nodes = g_array_sized_new (FALSE, TRUE, sizeof (IfNode), 2 * g->psi);
  tree->span = g_array_sized_new (FALSE, TRUE, sizeof (guint32), 2 * g->psi);
  tree->credits = g_array_new (FALSE, TRUE, sizeof (IfCredit));

  draw_sample (g, &rng);
  draw_features (g, &rng);
  gather (g);

  g_array_set_size (g->pending, 0);
  g_array_append_val (g->pending, root);
  g_array_append_val (tree->nodes, blank);

  /* Breadth first: a node's children are appended side by side after
   * every node already there. */
  for (guint i = 0; i < tree->nodes->len; i++)
    {
      Pending p = g_array_index (g->pending, Pending, i);
      guint size = p.hi - p.lo, f = 0, k, mid;
      float lo = 0, hi = 0, threshold;
      double c_size, cut;

      g_array_append_val (tree->span, tree->credits->len);
      if (size <= 1 || p.depth >= g->limit)
        {
          make_leaf (g, tree, i);
          continue;
        }

      /* The tree's metrics in random order; the first one that is not
       * constant in the node is split on. */
      memcpy (g->perm, g->features, g->n_features * sizeof (guint));
      for (k = 0; k < g->n_features; k++)
        {
          guint j = k + next_below (&rng, g->n_features - k);

          f = g->perm[j];
          g->perm[j] = g->perm[k];
          g->perm[k] = f;
          lo = hi = g->xs[(gsize) g->order[p.lo] * nm + f];
          for (guint r = p.lo + 1; r < p.hi; r++)
            {
              float v = g->xs[(gsize) g->order[r] * nm + f];
              lo = MIN (lo, v);
              hi = MAX (hi, v);
            }
          if (hi > lo)
            break;
        }
      if (k == g->n_features)
        {
          make_leaf (g, tree, i);
          continue;
        }

      /* Uniform in [lo, hi); rounding to a float may reach hi, and then
       * lo keeps both sides non-empty, as in scikit-learn (so does it
       * when infinite values make the draw meaningless). */
      cut = lo + next_unit (&rng) * ((double) hi - lo);
      threshold = (float) cut;
      if (!(threshold < hi))
        threshold = lo;

      mid = p.lo;
      for (guint r = p.lo; r < p.hi; r++)
        if (g->xs[(gsize) g->order[r] * nm + f] <= threshold)
          {
            guint32 tmp = g->order[r];
            g->order[r] = g->order[mid];
            g->order[mid++] = tmp;
          }

      {
        IfNode *node = &g_array_index (tree->nodes, IfNode, i);
        Pending left = { p.lo, mid, p.depth + 1, (gint32) i, 0 };
        Pending right = { mid, p.hi, p.depth + 1, (gint32) i, 0 };

        node->threshold = threshold;
        node->feature = f;
        node->left = tree->nodes->len;
        node->h = 0;
        c_size = average_path (size);
        left.gain = (float) (c_size - 1 - average_path (mid - p.lo));
        right.gain = (float) (c_size - 1 - average_path (p.hi - mid));
        g_array_append_val (g->pending, left);
        g_array_append_val (g->pending, right);
        g_array_append_val (tree->nodes, blank);
        g_array_append_val (tree->nodes, blank);
      }
    }
  return tree;
}

/* Fitting */

typedef struct {
  const AxMatrix       *x;
  const float          *fill;
  guint                 psi;
  guint                 n_features;
  guint                 n_credits;
  guint                 n_trees;
  guint64               seed;
  const AxTrainMonitor *monitor;
  GCancellable         *cancellable;

  gint                  next;        /* atomic: the next tree to grow */
  gint                  stop;        /* atomic: cancelled */

  GMutex                lock;        /* guards everything below */
  GrownTree           **trees;
  guint                 n_done;
  guint                 n_reported;
} FitJob;

static void
report_locked (FitJob *job)
{
  const AxTrainMonitor *m = job->monitor;

  if (m == NULL)
    return;
  if (m->progress != NULL)
    {
      g_autofree char *detail =
        g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Grown %u of %u tree",
                                      "Grown %u of %u trees", job->n_trees),
                         job->n_done, job->n_trees);
      /* The last tenth is left for the expected ranges. */
      m->progress (0.9 * job->n_done / job->n_trees, detail, m->progress_data);
    }
  /* Steps in tree order, each as soon as every tree before it is done. */
  while (job->n_reported < job->n_trees && job->trees[job->n_reported] != NULL)
    {
      job->n_reported++;
      if (m->step != NULL)
        m->step (job->n_reported, job->n_trees, NAN, m->step_data);
    }
}

static gpointer
fit_worker (gpointer user_data)
{
  FitJob *job = user_data;
  g_autoptr(Grower) g = grower_new (job->x, job->fill, job->psi, job->n_features,
                                    job->n_credits);

  while (!g_atomic_int_get (&job->stop))
    {
      gint t = g_atomic_int_add (&job->next, 1);
      GrownTree *tree;

      if (t >= (gint) job->n_trees)
        break;
      if (g_cancellable_is_cancelled (job->cancellable))
        {
          g_atomic_int_set (&job->stop, 1);
          break;
        }
      tree = grow_tree (g, tree_seed (job->seed, (guint) t));

      g_mutex_lock (&job->lock);
      job->trees[t] = tree;
      job->n_done++;
      report_locked (job);
      g_mutex_unlock (&job->lock);
    }
  return NULL;
}

/* Joins the grown trees into the forest's flat arrays, turning the
 * leaves' credit pairs into vectors when the forest keeps them dense. */
static void
assemble (IForest    *f,
          GrownTree **trees)
{
  gsize n_nodes = 0, n_credits = 0;
  guint n4 = f->n_padded / 4;

  f->tree_start = g_new0 (gsize, f->n_trees + 1);
  f->credit_start = g_new0 (gsize, f->n_trees + 1);
  f->depth = g_new0 (guint, f->n_trees + 1);
  for (guint t = 0; t < f->n_trees; t++)
    {
      const GrownTree *tree = trees[t];

      f->tree_start[t] = n_nodes;
      f->credit_start[t] = n_credits;
      n_nodes += tree->nodes->len;
      /* Dense: one vector per leaf, and each leaf has n_credits pairs. */
      n_credits += f->dense ? tree->credits->len / MAX (f->n_credits, 1) * n4
                            : tree->credits->len;
      f->depth[t] = tree->depth;
    }
  f->tree_start[f->n_trees] = n_nodes;
  f->credit_start[f->n_trees] = n_credits;
  f->nodes = g_new (IfNode, n_nodes);
  f->span = g_new (guint32, n_nodes);
  if (f->dense)
    f->vectors = g_new0 (Float4, MAX (n_credits, 1));
  else
    f->credits = g_new (IfCredit, MAX (n_credits, 1));

  for (guint t = 0; t < f->n_trees; t++)
    {
      const GrownTree *tree = trees[t];
      const guint32 *span = (const guint32 *) tree->span->data;
      const IfCredit *pairs = (const IfCredit *) tree->credits->data;
      gsize start = f->tree_start[t];

      memcpy (f->nodes + start, tree->nodes->data, tree->nodes->len * sizeof (IfNode));
      if (!f->dense)
        {
          memcpy (f->span + start, span, tree->nodes->len * sizeof (guint32));
          memcpy (f->credits + f->credit_start[t], pairs, tree->credits->len * sizeof (IfCredit));
          continue;
        }
      for (guint i = 0, leaf = 0; i < tree->nodes->len; i++)
        {
          float *v;

          f->span[start + i] = 0;
          if (g_array_index (tree->nodes, IfNode, i).left != i)
            continue;
          v = (float *) (f->vectors + f->credit_start[t] + (gsize) leaf * n4);
          for (guint k = 0; k < f->n_credits; k++)
            v[pairs[span[i] + k].metric] += pairs[span[i] + k].gain;
          f->span[start + i] = leaf * n4;
          leaf++;
        }
    }
}

/* Scoring */

typedef struct {
  const IForest  *f;
  const AxMatrix *x;
  double         *score;      /* n_rows */
  AxScores       *out;        /* contributions etc., or NULL for scores alone */
  GCancellable   *cancellable;
  gint            next;       /* atomic: the next block */
  gint            stop;       /* atomic: cancelled */
} ScoreJob;

/* Row-major copy of rows [from, from + n) of @x, missing values filled;
 * @missing (when not NULL) marks which were. */
static void
transpose (const AxMatrix *x,
           const float    *fill,
           guint           from,
           guint           n,
           float          *out,
           guint8         *missing)
{
  guint nm = x->n_features;

  for (guint f = 0; f < nm; f++)
    {
      const float *col = x->x + (gsize) f * x->n_rows + from;
      for (guint r = 0; r < n; r++)
        {
          float v = col[r];
          gboolean nan = isnan (v);

          out[(gsize) r * nm + f] = nan ? fill[f] : v;
          if (missing != NULL)
            missing[(gsize) r * nm + f] = nan;
        }
    }
}

/* Contributions of one row from its credit sums, the direction from the
 * expected range. */
static void
explain_row (const IForest *f,
             const float   *xr,
             const guint8  *missing,
             float         *credit,
             double        *contribution,
             double        *direction)
{
  guint nm = f->n_metrics, n_present = 0;
  double total = 0;

  for (guint m = 0; m < nm; m++)
    {
      double c = missing[m] ? 0 : MAX (credit[m], 0);
      credit[m] = c;
      total += c;
      n_present += !missing[m];
    }
  for (guint m = 0; m < nm; m++)
    {
      if (total > 0)
        contribution[m] = credit[m] / total;
      else if (n_present > 0)
        contribution[m] = missing[m] ? 0 : 1.0 / n_present;
      else
        contribution[m] = 1.0 / nm;
      direction[m] = missing[m] ? 0
                     : xr[m] > f->high[m] ? 1
                     : xr[m] < f->low[m] ? -1 : 0;
    }
}

static gpointer
score_worker (gpointer user_data)
{
  ScoreJob *job = user_data;
  const IForest *f = job->f;
  guint nm = f->n_metrics, np = f->n_padded, n_rows = job->x->n_rows;
  guint n_blocks = (n_rows + BLOCK_ROWS - 1) / BLOCK_ROWS;
  gboolean explain = job->out != NULL;
  g_autofree float *xb = g_new (float, (gsize) BLOCK_ROWS * nm);
  g_autofree guint8 *missing = explain ? g_new (guint8, (gsize) BLOCK_ROWS * nm) : NULL;
  /* Rows of n_padded floats: Float4-aligned, as malloc aligns to 16. */
  g_autofree float *credit = explain ? g_new (float, (gsize) BLOCK_ROWS * np) : NULL;
  double h[BLOCK_ROWS];
  guint32 leaf[BLOCK_ROWS];
  gint block;

  while ((block = g_atomic_int_add (&job->next, 1)) < (gint) n_blocks)
    {
      guint r0 = (guint) block * BLOCK_ROWS, n = MIN (BLOCK_ROWS, n_rows - r0);

      if (g_atomic_int_get (&job->stop))
        break;
      if (block % (AX_DETECT_CANCEL_ROWS / BLOCK_ROWS) == 0
          && g_cancellable_is_cancelled (job->cancellable))
        {
          g_atomic_int_set (&job->stop, 1);
          break;
        }

      transpose (job->x, f->fill, r0, n, xb, missing);
      memset (h, 0, sizeof h);
      if (explain)
        memset (credit, 0, (gsize) n * np * sizeof (float));

      for (guint t = 0; t < f->n_trees; t++)
        {
          const IfNode *nodes = f->nodes + f->tree_start[t];
          const guint32 *span = f->span + f->tree_start[t];

          for (guint r = 0; r < n; r++)
            leaf[r] = 0;
          /* Level by level, the rows side by side so that their loads
           * overlap; a row that reached its leaf stays there. */
          for (guint d = 0; d < f->depth[t]; d++)
            for (guint r = 0; r < n; r++)
              {
                const IfNode *node = &nodes[leaf[r]];
                leaf[r] = node->left + (xb[(gsize) r * nm + node->feature] > node->threshold);
              }
          for (guint r = 0; r < n; r++)
            h[r] += nodes[leaf[r]].h;
          if (explain && f->dense)
            for (guint r = 0; r < n; r++)
              {
                Float4 *cr = (Float4 *) (credit + (gsize) r * np);
                const Float4 *v = f->vectors + f->credit_start[t] + span[leaf[r]];
                for (guint k = 0; k < np / 4; k++)
                  cr[k] += v[k];
              }
          else if (explain)
            for (guint r = 0; r < n; r++)
              {
                float *cr = credit + (gsize) r * np;
                const IfCredit *c = f->credits + f->credit_start[t] + span[leaf[r]];
                for (guint k = 0; k < f->n_credits; k++)
                  cr[c[k].metric] += c[k].gain;
              }
        }

      for (guint r = 0; r < n; r++)
        {
          double mean = f->n_trees > 0 ? h[r] / f->n_trees : 0;
          /* With one row per tree every path is empty: nothing is known. */
          job->score[r0 + r] = f->c_psi > 0 ? exp2 (-mean / f->c_psi) : 0.5;
        }
      if (explain)
        for (guint r = 0; r < n; r++)
          {
            gsize at = (gsize) (r0 + r) * nm;
            explain_row (f, xb + (gsize) r * nm, missing + (gsize) r * nm,
                         credit + (gsize) r * np,
                         job->out->contribution + at, job->out->direction + at);
          }
    }
  return NULL;
}

/* FALSE when @cancellable was cancelled before every row was scored. */
static gboolean
score_matrix (const IForest  *f,
              const AxMatrix *x,
              double         *score,
              AxScores       *out,
              GCancellable   *cancellable)
{
  ScoreJob job = { f, x, score, out, cancellable, 0, 0 };
  guint n_blocks = (x->n_rows + BLOCK_ROWS - 1) / BLOCK_ROWS;
  guint n_threads = f->n_threads > 0 ? f->n_threads : MAX (g_get_num_processors (), 1);

  n_threads = MAX (MIN (n_threads, n_blocks), 1);
  ax_run_on_threads (n_threads, "ax-iforest-score", score_worker, &job);
  return !g_atomic_int_get (&job.stop);
}

/* Expected ranges and fill values */

/* Up to RANGE_SAMPLE fit rows, evenly spread, as a matrix of their own. */
static AxMatrix *
range_sample (const AxMatrix *x)
{
  guint n = MIN (x->n_rows, RANGE_SAMPLE), nm = x->n_features;
  AxMatrix *s = ax_matrix_new (n, nm);

  for (guint f = 0; f < nm; f++)
    {
      const float *col = x->x + (gsize) f * x->n_rows;
      for (guint i = 0; i < n; i++)
        s->x[(gsize) f * n + i] = col[(gsize) i * x->n_rows / n];
    }
  return s;
}

/* The @q quantile of @v[0..n) as ax_sorted_quantile() gives it on the
 * sorted values, by selection instead of a sort (reordering @v): the
 * value at the position floor (q (n - 1)) and the least above it. */
static double
select_quantile (double *v,
                 gsize   n,
                 double  q)
{
  double pos, frac, below, above;
  gsize i;

  if (n == 0)
    return NAN;
  pos = q * (n - 1);
  i = (gsize) floor (pos);
  frac = pos - i;
  below = ax_detect_select (v, n, i);
  if (i + 1 >= n)
    return below;
  above = v[i + 1];
  for (gsize j = i + 2; j < n; j++)
    above = MIN (above, v[j]);
  return below + frac * (above - below);
}

/* Each metric's median over the sample: what a missing value becomes. */
static void
find_fill (IForest        *f,
           const AxMatrix *sample)
{
  g_autofree double *v = g_new (double, sample->n_rows + 1);

  for (guint m = 0; m < f->n_metrics; m++)
    {
      gsize k = 0;

      for (guint i = 0; i < sample->n_rows; i++)
        {
          float x = ax_matrix_get (sample, i, m);
          if (!isnan (x))
            v[k++] = x;
        }
      f->fill[m] = k > 0 ? (float) select_quantile (v, k, 0.5) : 0.0f;
    }
}

/* The 5th to 95th percentile of each metric over the sample rows scored
 * below the (1 - contamination) quantile: the n_normal lowest scores,
 * ties going to the earlier row.  FALSE when cancelled. */
static gboolean
find_ranges (IForest        *f,
             const AxMatrix *sample,
             double          contamination,
             GCancellable   *cancellable)
{
  guint n = sample->n_rows, n_normal, n_less = 0, n_tied;
  g_autofree double *score = g_new (double, n + 1);
  g_autofree double *v = g_new (double, n + 1);
  g_autofree guint8 *normal = g_new0 (guint8, n + 1);
  double cut;

  if (!score_matrix (f, sample, score, NULL, cancellable))
    return FALSE;
  n_normal = (guint) ceil ((1 - contamination) * n);
  n_normal = CLAMP (n_normal, MIN (n, 1), n);
  if (n == 0)
    return TRUE;

  memcpy (v, score, n * sizeof (double));
  cut = ax_detect_select (v, n, n_normal - 1);
  for (guint i = 0; i < n; i++)
    n_less += score[i] < cut;
  n_tied = n_normal - n_less;
  for (guint i = 0; i < n; i++)
    if (score[i] < cut || (score[i] == cut && n_tied > 0 && n_tied--))
      normal[i] = 1;

  for (guint m = 0; m < f->n_metrics; m++)
    {
      gsize k = 0;

      for (guint i = 0; i < n; i++)
        {
          float x = ax_matrix_get (sample, i, m);
          if (normal[i] && !isnan (x))
            v[k++] = x;
        }
      f->low[m] = select_quantile (v, k, RANGE_LOW);
      f->high[m] = select_quantile (v, k, RANGE_HIGH);
    }
  return TRUE;
}

/* The detector */

static AxDetectorState *
iforest_fit (const AxSeries       *series,
             const AxParams       *params,
             const AxTrainMonitor *monitor,
             GCancellable         *cancellable,
             GError              **error)
{
  const AxMatrix *x;
  g_autoptr(IForest) f = NULL;
  g_autoptr(AxMatrix) sample = NULL;
  FitJob job = { 0 };
  guint n_threads;
  gboolean cancelled;

  g_return_val_if_fail (series != NULL && series->x != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  x = series->x;
  if (x->n_rows == 0)
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_DATA,
                   _("There are no rows to learn from"));
      return NULL;
    }
  if (x->n_features == 0)
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_DATA,
                   _("There are no metrics to watch"));
      return NULL;
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  f = g_new0 (IForest, 1);
  f->magic = IFOREST_MAGIC;
  f->n_metrics = x->n_features;
  f->n_trees = (guint) param_number (params, "n_estimators", 100);
  f->psi = resolve_count (params, "max_samples", x->n_rows, MIN (256, x->n_rows));
  f->c_psi = average_path (f->psi);
  f->n_credits = MIN ((guint) ceil (log2 (MAX (f->psi, 2))), f->n_metrics);
  f->n_padded = (f->n_metrics + 3) / 4 * 4;
  f->dense = f->n_metrics <= DENSE_METRICS;
  f->n_threads = monitor != NULL ? monitor->n_threads : 0;
  f->fill = g_new0 (float, f->n_metrics);
  f->low = g_new0 (double, f->n_metrics);
  f->high = g_new0 (double, f->n_metrics);

  sample = range_sample (x);
  find_fill (f, sample);

  job.x = x;
  job.fill = f->fill;
  job.psi = f->psi;
  job.n_features = resolve_count (params, "max_features", f->n_metrics, f->n_metrics);
  job.n_credits = f->n_credits;
  job.n_trees = f->n_trees;
  job.seed = monitor != NULL ? monitor->seed : 0;
  job.monitor = monitor;
  job.cancellable = cancellable;
  job.trees = g_new0 (GrownTree *, f->n_trees);
  g_mutex_init (&job.lock);

  n_threads = MIN (resolve_threads (monitor), f->n_trees);
  ax_run_on_threads (n_threads, "ax-iforest", fit_worker, &job);

  cancelled = g_cancellable_set_error_if_cancelled (cancellable, error);
  if (!cancelled)
    assemble (f, job.trees);
  for (guint t = 0; t < f->n_trees; t++)
    g_clear_pointer (&job.trees[t], grown_tree_free);
  g_free (job.trees);
  g_mutex_clear (&job.lock);
  if (cancelled)
    return NULL;

  if (monitor != NULL)
    ax_progress_report (monitor->progress, monitor->progress_data, 0.9,
                        _("Finding the expected ranges"));
  if (!find_ranges (f, sample, param_number (params, "contamination", 0.1), cancellable))
    {
      g_cancellable_set_error_if_cancelled (cancellable, error);
      return NULL;
    }
  if (monitor != NULL)
    ax_progress_report (monitor->progress, monitor->progress_data, 1, NULL);
  return (AxDetectorState *) g_steal_pointer (&f);
}

static AxScores *
iforest_score (const AxDetectorState *state,
               const AxSeries        *series,
               GCancellable          *cancellable,
               GError               **error)
{
  const IForest *f = (const IForest *) state;
  AxScores *out;

  g_return_val_if_fail (f != NULL && f->magic == IFOREST_MAGIC, NULL);
  g_return_val_if_fail (series != NULL && series->x != NULL, NULL);

  if (series->x->n_features != f->n_metrics)
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_DATA,
                   _("The rows to score have %u metrics, the detector was fitted on %u"),
                   series->x->n_features, f->n_metrics);
      return NULL;
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  out = ax_scores_new_shared_ranges (series->x->n_rows, f->n_metrics);
  memcpy (out->expected_low, f->low, f->n_metrics * sizeof (double));
  memcpy (out->expected_high, f->high, f->n_metrics * sizeof (double));
  if (!score_matrix (f, series->x, out->score, out, cancellable))
    {
      ax_scores_free (out);
      g_cancellable_set_error_if_cancelled (cancellable, error);
      return NULL;
    }
  return out;
}

static void
iforest_free (AxDetectorState *state)
{
  IForest *f = (IForest *) state;

  g_return_if_fail (f == NULL || f->magic == IFOREST_MAGIC);
  iforest_free_impl (f);
}

const AxDetector ax_isolation_forest_detector = {
  .name = "isolation_forest",
  .label = N_("Isolation forest"),
  .params = iforest_params,
  .needs_time = FALSE,
  .fit = iforest_fit,
  .score = iforest_score,
  .free = iforest_free,
};
