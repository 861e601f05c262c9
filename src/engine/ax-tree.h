/* ax-tree.h — binned features, the growing of one decision tree, and
 * walking trees
 *
 * Private to the tree ensembles: the random forest (ax-forest.c) grows
 * its trees here, and it and gradient boosting (ax-boost-trees.c) walk
 * theirs with the functions below.  Features are binned once into at
 * most 255 quantile bins per feature (uint8 codes, column-major, one more
 * code for a missing value); a tree is grown depth-first on the codes
 * with a histogram per node, the larger child's histogram derived from
 * its parent's minus its smaller sibling's.
 *
 * A grown tree is an array of nodes in which a leaf points to itself, so
 * walking a row down is the same step taken tree->depth times with no test
 * for having arrived (deep trees test now and then).  A node's threshold
 * is a real value between two bin edges: the codes of the training rows
 * follow the same comparison, so a tree sends a training row where it
 * was grown.  Where a missing value goes is learned per split.
 */
#pragma once

#include <math.h>

#include "ax-learn.h"

G_BEGIN_DECLS

/* Value bins per feature; code AX_BINS_MAX is never a value bin, and
 * n_bins[f] (at most AX_BINS_MAX) is feature f's missing code. */
#define AX_BINS_MAX 255u

typedef struct {
  guint     n_rows;
  guint     n_features;
  guint8   *codes;         /* codes[f * n_rows + i] */
  guint16  *n_bins;        /* value bins of each feature, >= 1 */
  float   **edges;         /* n_bins[f] - 1 ascending edges: bin b holds x <= edges[b] */
  guint    *hist_offset;   /* first bin of feature f in a histogram (n_features + 1) */
} AxBinned;

/* The bin edges of the non-missing values among the @n of @col, feature
 * @feature of a matrix, into @edges (room for AX_BINS_MAX - 1),
 * ascending; returns their number.  They are the midpoints between the
 * distinct values when there are at most AX_BINS_MAX of them, else
 * quantiles k/255 of (a sample of at most 200,000 of) the values, the
 * sample fixed by @seed and @feature.  *@min is the smallest value looked
 * at (NAN when every value is missing). */
guint     ax_bin_edges   (const float    *col,
                          guint           n,
                          guint64         seed,
                          guint           feature,
                          float          *edges,
                          float          *min);

/* Bins every feature of @x using up to @n_threads threads.  The edges are
 * quantiles of (a sample of at most 200,000 of) the non-missing values,
 * or the midpoints between the distinct values when there are few enough.
 * Deterministic for a given @seed whatever @n_threads. */
AxBinned *ax_binned_new  (const AxMatrix *x,
                          guint           n_threads,
                          guint64         seed);
void      ax_binned_free (AxBinned       *b);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AxBinned, ax_binned_free)

/* A node of a grown tree.  Its children sit side by side: a row goes to
 * left when its feature is <= threshold, to left + 1 when it is greater,
 * and to @missing (one of the two) when it is missing.  A leaf points to
 * itself, reads feature 0 and has a NAN threshold, which every comparison
 * fails. */
typedef struct {
  guint32  feature;
  float    threshold;
  gint32   left;
  gint32   missing;
} AxTreeNode;

G_STATIC_ASSERT (sizeof (AxTreeNode) == 16);

/* One tree, its nodes in breadth-first order: @values holds n_outputs
 * doubles per node (a leaf's mean or class distribution; zeros in inner
 * nodes). */
typedef struct {
  GArray  *nodes;          /* AxTreeNode, the root first */
  GArray  *values;         /* double */
  guint    depth;          /* longest path from the root, in edges */
  double  *importance;     /* impurity decrease per feature, not normalised */
} AxTree;

AxTree *ax_tree_new  (guint   n_features);
void    ax_tree_free (AxTree *tree);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AxTree, ax_tree_free)

typedef enum {
  AX_CLASS_WEIGHT_NONE,
  AX_CLASS_WEIGHT_BALANCED,
  AX_CLASS_WEIGHT_BALANCED_SUBSAMPLE,
} AxClassWeight;

typedef struct {
  AxTask         task;
  guint          n_classes;          /* classification only */
  guint          max_depth;
  guint          min_samples_split;
  guint          min_samples_leaf;
  guint          max_features;       /* 1..n_features */
  gboolean       bootstrap;
  AxClassWeight  class_weight;
} AxTreeParams;

/* The training rows as the grower sees them: regression targets
 * (centred, @y_offset added back to the leaves) or class indices, and
 * each row's weight (> 0; a row of weight 0 is never used). */
typedef struct {
  const double  *y;
  const guint16 *klass;
  const double  *weight;             /* NULL: every row weighs 1 */
  double         y_offset;
} AxTreeData;

typedef struct _AxTreeGrower AxTreeGrower;

/* A grower holds one thread's scratch space; it is reused for every tree
 * that thread grows.  Everything it is given must outlive it. */
AxTreeGrower *ax_tree_grower_new  (const AxBinned     *binned,
                                   const AxTreeData   *data,
                                   const AxTreeParams *params);
void          ax_tree_grower_free (AxTreeGrower       *g);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AxTreeGrower, ax_tree_grower_free)

/* Grows the tree whose randomness (bootstrap sample, feature draws) comes
 * from @seed alone.  NULL when @cancellable was cancelled meanwhile. */
AxTree       *ax_tree_grow        (AxTreeGrower       *g,
                                   guint64             seed,
                                   GCancellable       *cancellable);

/* A row-major copy of rows [from, from + n) of @x into @out (n_features
 * floats per row), as the walks below read them; FALSE if any value is
 * missing. */
gboolean ax_tree_rows (const AxMatrix *x,
                       guint           from,
                       guint           n,
                       float          *out);

/* A fitted ensemble in this layout, as permutation importance reads it.
 * A node's value is either @n_outputs doubles (@values: the forest) or
 * one float added to output tree_output[t] (@values_f: boosting). */
typedef struct {
  guint              n_trees;
  guint              n_features;
  guint              n_outputs;
  const gsize       *tree_start;     /* n_trees + 1 offsets into nodes */
  const guint       *depth;          /* per tree */
  const AxTreeNode  *nodes;
  const double      *values;
  const float       *values_f;
  const guint       *tree_output;    /* with values_f */
} AxTreeEnsemble;

/* For permutation importance: for each copy c of the rows of @x in which
 * the features f with group[f] == copy_group[c] are taken from row
 * perm[c * n + i] instead of row i, the change of each row's summed node
 * values, delta[((gsize) c * n + i) * n_outputs + k] (0 for a copy_group
 * no feature has).  A tree is walked
 * again only for the rows whose path in it tests a moved feature: the
 * others end in the same leaf.  Copies are shared among every core.
 * @sums (optional, with values_f): the rows' n * n_outputs starting
 * values, to which each tree adds the value of each row's own leaf, in
 * tree order and in float, as a boosting prediction sums them. */
void ax_tree_ensemble_shuffle_deltas (const AxTreeEnsemble *e,
                                      const AxMatrix       *x,
                                      const guint          *group,
                                      guint                 n_copies,
                                      const guint          *copy_group,
                                      const guint          *perm,
                                      double               *delta,
                                      float                *sums);

/* Past this depth a walk checks now and then whether every row has
 * reached its leaf, as the leaves of deep trees lie at many depths. */
#define AX_TREE_WALK_CHECK_DEPTH 16u

static inline gboolean
ax_tree_walk_done (const AxTreeNode *nodes,
                   guint             n,
                   const gint32     *leaf)
{
  for (guint r = 0; r < n; r++)
    if (nodes[leaf[r]].left != leaf[r])
      return FALSE;
  return TRUE;
}

/* One step down for the row at @xr (in a scope with `nodes`): a missing
 * value goes to its node's default side. */
#define AX_TREE_STEP_MISSING(l, xr) \
  G_STMT_START { \
    const AxTreeNode *node_ = &nodes[l]; \
    float v_ = (xr)[node_->feature]; \
    l = isnan (v_) ? node_->missing : node_->left + (v_ > node_->threshold); \
  } G_STMT_END

/* The node each of @n rows ends in: @x is row-major with @stride floats
 * per row.  Rows are walked side by side, one level at a time, so that
 * their memory loads overlap. */
static inline void
ax_tree_walk (const AxTreeNode *nodes,
              guint             depth,
              const float      *x,
              guint             stride,
              guint             n,
              gint32           *leaf)
{
  for (guint r = 0; r < n; r++)
    leaf[r] = 0;
  for (guint d = 0; d < depth; d++)
    {
      for (guint r = 0; r < n; r++)
        AX_TREE_STEP_MISSING (leaf[r], x + (gsize) r * stride);
      if (depth > AX_TREE_WALK_CHECK_DEPTH && d % 4 == 3 && ax_tree_walk_done (nodes, n, leaf))
        break;
    }
}

/* One step down for a row without a missing value. */
#define AX_TREE_STEP(l, xr) \
  G_STMT_START { \
    const AxTreeNode *node_ = &nodes[l]; \
    l = node_->left + ((xr)[node_->feature] > node_->threshold); \
  } G_STMT_END

/* ax_tree_walk() for rows without a missing value.  Shallow trees walk
 * sixteen rows at a time from root to leaf, their nodes in registers: the
 * chains of loads overlap, and nothing goes through memory between
 * levels.  The last rows go level by level. */
static inline void
ax_tree_walk_dense (const AxTreeNode *nodes,
                    guint             depth,
                    const float      *x,
                    guint             stride,
                    guint             n,
                    gint32           *leaf)
{
  guint r = 0;

  if (depth <= AX_TREE_WALK_CHECK_DEPTH)
    for (; r + 16 <= n; r += 16)
      {
        const float *x0 = x + (gsize) r * stride;
        const float *x1 = x0 + stride, *x2 = x1 + stride, *x3 = x2 + stride;
        const float *x4 = x3 + stride, *x5 = x4 + stride, *x6 = x5 + stride, *x7 = x6 + stride;
        const float *x8 = x7 + stride, *x9 = x8 + stride, *xa = x9 + stride, *xb = xa + stride;
        const float *xc = xb + stride, *xd = xc + stride, *xe = xd + stride, *xf = xe + stride;
        gint32 l0 = 0, l1 = 0, l2 = 0, l3 = 0, l4 = 0, l5 = 0, l6 = 0, l7 = 0;
        gint32 l8 = 0, l9 = 0, la = 0, lb = 0, lc = 0, ld = 0, le = 0, lf = 0;

        for (guint d = 0; d < depth; d++)
          {
            AX_TREE_STEP (l0, x0);
            AX_TREE_STEP (l1, x1);
            AX_TREE_STEP (l2, x2);
            AX_TREE_STEP (l3, x3);
            AX_TREE_STEP (l4, x4);
            AX_TREE_STEP (l5, x5);
            AX_TREE_STEP (l6, x6);
            AX_TREE_STEP (l7, x7);
            AX_TREE_STEP (l8, x8);
            AX_TREE_STEP (l9, x9);
            AX_TREE_STEP (la, xa);
            AX_TREE_STEP (lb, xb);
            AX_TREE_STEP (lc, xc);
            AX_TREE_STEP (ld, xd);
            AX_TREE_STEP (le, xe);
            AX_TREE_STEP (lf, xf);
          }
        leaf[r] = l0;
        leaf[r + 1] = l1;
        leaf[r + 2] = l2;
        leaf[r + 3] = l3;
        leaf[r + 4] = l4;
        leaf[r + 5] = l5;
        leaf[r + 6] = l6;
        leaf[r + 7] = l7;
        leaf[r + 8] = l8;
        leaf[r + 9] = l9;
        leaf[r + 10] = la;
        leaf[r + 11] = lb;
        leaf[r + 12] = lc;
        leaf[r + 13] = ld;
        leaf[r + 14] = le;
        leaf[r + 15] = lf;
      }
  x += (gsize) r * stride;
  leaf += r;
  n -= r;

  for (guint i = 0; i < n; i++)
    leaf[i] = 0;
  for (guint d = 0; d < depth; d++)
    {
      for (guint i = 0; i < n; i++)
        {
          const AxTreeNode *node = &nodes[leaf[i]];
          float v = x[(gsize) i * stride + node->feature];

          leaf[i] = node->left + (v > node->threshold);
        }
      if (depth > AX_TREE_WALK_CHECK_DEPTH && d % 4 == 3 && ax_tree_walk_done (nodes, n, leaf))
        break;
    }
}

/* Splitmix64 (Steele, Lea, Flood 2014): seeds and the trees' streams. */
static inline guint64
ax_splitmix64 (guint64 *state)
{
  guint64 z = (*state += G_GUINT64_CONSTANT (0x9e3779b97f4a7c15));

  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  return z ^ (z >> 31);
}

G_END_DECLS
