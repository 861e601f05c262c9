/* ax-tree.c — quantile binning and the growing of one decision tree
 *
 * The grower follows scikit-learn's depth-first builder where the outcome
 * depends on it: a node becomes a leaf at max_depth, below
 * min_samples_split rows, when it cannot leave min_samples_leaf rows on
 * each side, or when it is pure; otherwise it takes the best split of the
 * features drawn for it, drawing past max_features when the ones drawn are
 * constant in the node.  Row counts are of distinct rows in the bootstrap
 * sample; impurities are weighted by how often a row was drawn.
 *
 * Splits are scored by their impurity proxy (scikit-learn's
 * "proxy_impurity_improvement"): sum(w y)^2 / sum(w) over both sides for
 * the squared error, sum_k w_k^2 / sum(w) for Gini.  The node's impurity
 * decrease, used for importance, is the proxy of the split minus that of
 * the node.
 */

#include "ax-tree.h"
#include "ax-types.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Walking */

gboolean
ax_tree_rows (const AxMatrix *x,
              guint           from,
              guint           n,
              float          *out)
{
  guint nf = x->n_features;
  gboolean dense = TRUE;

  for (guint f = 0; f < nf; f++)
    {
      const float *col = x->x + (gsize) f * x->n_rows + from;
      for (guint r = 0; r < n; r++)
        {
          out[(gsize) r * nf + f] = col[r];
          dense &= !isnan (col[r]);
        }
    }
  return dense;
}

/* Permutation importance */

/* A row whose path in a tree tests a group: the path's first node that
 * does, where a walk of the row with that group moved starts (the nodes
 * above it send the moved row the same way), and the steps left below
 * it. */
typedef struct {
  guint32  row;
  gint32   node;
  guint32  steps;
} PathStart;

typedef struct {
  const AxTreeEnsemble *e;
  const float          *rows;        /* row-major */
  gboolean              dense;       /* no value missing */
  guint                 n;
  const guint          *group;
  guint                 n_groups;
  const guint          *copy_group;
  const guint          *perm;
  double               *delta;
  guint                 n_copies;
  guint                 t0, t1;      /* the trees of this pass */
  /* For tree t0 + t: each row's leaf, and per group the rows whose path
   * tests it, starts[t][offsets[t * (n_groups + 1) + g] ...]. */
  gint32               *base;        /* [t * n + i] */
  guint                *offsets;
  PathStart           **starts;
  gint                  next_tree;   /* atomic, from t0 */
  gint                  next_copy;   /* atomic */
} ShuffleJob;

/* Bytes of leaves and path starts kept at once: more trees take more
 * passes. */
#define SHUFFLE_BUDGET (32u << 20)

/* The leaves of the @m rows s[k].row of @x (row-major, @nf floats a row)
 * in the tree of @nodes, each walked from s[k].node, eight side by side;
 * @dense: no value of @x is missing. */
static inline void
walk_from_with (gboolean          dense,
                 const AxTreeNode *nodes,
           const float      *x,
           guint             nf,
           const PathStart  *s,
           guint             m,
           gint32           *leaf)
{
  guint k = 0;

  for (; k + 8 <= m; k += 8)
    {
      const PathStart *p = s + k;
      const float *x0 = x + (gsize) p[0].row * nf, *x1 = x + (gsize) p[1].row * nf;
      const float *x2 = x + (gsize) p[2].row * nf, *x3 = x + (gsize) p[3].row * nf;
      const float *x4 = x + (gsize) p[4].row * nf, *x5 = x + (gsize) p[5].row * nf;
      const float *x6 = x + (gsize) p[6].row * nf, *x7 = x + (gsize) p[7].row * nf;
      gint32 l0 = p[0].node, l1 = p[1].node, l2 = p[2].node, l3 = p[3].node;
      gint32 l4 = p[4].node, l5 = p[5].node, l6 = p[6].node, l7 = p[7].node;
      guint steps = 0;

      /* A leaf points to itself: the rows with fewer steps left wait. */
      for (guint j = 0; j < 8; j++)
        steps = MAX (steps, p[j].steps);
      for (guint d = 0; d < steps; d++)
        {
          if (dense)
            {
              AX_TREE_STEP (l0, x0);
              AX_TREE_STEP (l1, x1);
              AX_TREE_STEP (l2, x2);
              AX_TREE_STEP (l3, x3);
              AX_TREE_STEP (l4, x4);
              AX_TREE_STEP (l5, x5);
              AX_TREE_STEP (l6, x6);
              AX_TREE_STEP (l7, x7);
            }
          else
            {
              AX_TREE_STEP_MISSING (l0, x0);
              AX_TREE_STEP_MISSING (l1, x1);
              AX_TREE_STEP_MISSING (l2, x2);
              AX_TREE_STEP_MISSING (l3, x3);
              AX_TREE_STEP_MISSING (l4, x4);
              AX_TREE_STEP_MISSING (l5, x5);
              AX_TREE_STEP_MISSING (l6, x6);
              AX_TREE_STEP_MISSING (l7, x7);
            }
          if (steps > AX_TREE_WALK_CHECK_DEPTH && d % 4 == 3 &&
              nodes[l0].left == l0 && nodes[l1].left == l1 && nodes[l2].left == l2 &&
              nodes[l3].left == l3 && nodes[l4].left == l4 && nodes[l5].left == l5 &&
              nodes[l6].left == l6 && nodes[l7].left == l7)
            break;
        }
      leaf[k] = l0;
      leaf[k + 1] = l1;
      leaf[k + 2] = l2;
      leaf[k + 3] = l3;
      leaf[k + 4] = l4;
      leaf[k + 5] = l5;
      leaf[k + 6] = l6;
      leaf[k + 7] = l7;
    }
  for (; k < m; k++)
    {
      const float *xr = x + (gsize) s[k].row * nf;
      gint32 l = s[k].node;

      while (nodes[l].left != l)
        AX_TREE_STEP_MISSING (l, xr);
      leaf[k] = l;
    }
}

/* walk_from_with() made twice, the test of @dense out of the loop. */
static void
walk_from (gboolean          dense,
           const AxTreeNode *nodes,
           const float      *x,
           guint             nf,
           const PathStart  *s,
           guint             m,
           gint32           *leaf)
{
  if (dense)
    walk_from_with (TRUE, nodes, x, nf, s, m, leaf);
  else
    walk_from_with (FALSE, nodes, x, nf, s, m, leaf);
}

/* A leaf's path, as permutation importance needs it: for each group the
 * path tests, the first node that does and the steps left below it. */
typedef struct {
  guint    group;
  gint32   node;
  guint32  steps;
} GroupStart;

/* Grows @p (of *@cap elements of @size bytes) to hold @n. */
static gpointer
ensure (gpointer  p,
        gsize    *cap,
        gsize     n,
        gsize     size)
{
  if (n <= *cap)
    return p;
  *cap = MAX (n, *cap * 2);
  return g_realloc_n (p, *cap, size);
}

/* For each tree of the pass: each row's leaf, and where the path of each
 * row starts to test each group.  A row's path is its leaf's, so the
 * starts are worked out once per leaf the rows reach, and written out
 * leaf by leaf for the leaf's rows. */
static gpointer
shuffle_tree_worker (gpointer data)
{
  ShuffleJob *job = data;
  const AxTreeEnsemble *e = job->e;
  guint n = job->n, nf = e->n_features, ng = job->n_groups;
  g_autofree guint *fill = NULL, *by_leaf = g_new (guint, MAX (n, 1));
  g_autofree gint32 *parent = NULL, *list_at = NULL, *path = NULL;
  g_autofree guint *leaf_rows = NULL;
  g_autofree GroupStart *lists = NULL;
  gsize fill_cap = 0, node_cap = 0, at_cap = 0, rows_cap = 0, lists_cap = 0, path_cap = 0;
  gint t;

  while ((t = g_atomic_int_add (&job->next_tree, 1)) < (gint) (job->t1 - job->t0))
    {
      guint tree = job->t0 + (guint) t, depth = e->depth[tree];
      const AxTreeNode *nodes = e->nodes + e->tree_start[tree];
      gsize n_nodes = e->tree_start[tree + 1] - e->tree_start[tree], n_lists = 0;
      gint32 *base = job->base + (gsize) t * n;
      guint *offsets = job->offsets + (gsize) t * (ng + 1);
      PathStart *starts;

      if (job->dense)
        ax_tree_walk_dense (nodes, depth, job->rows, nf, n, base);
      else
        ax_tree_walk (nodes, depth, job->rows, nf, n, base);

      parent = ensure (parent, &node_cap, n_nodes, sizeof (gint32));
      list_at = ensure (list_at, &at_cap, n_nodes, sizeof (gint32));
      leaf_rows = ensure (leaf_rows, &rows_cap, n_nodes + 1, sizeof (guint));
      path = ensure (path, &path_cap, depth + 1, sizeof (gint32));
      parent[0] = -1;
      for (gsize k = 0; k < n_nodes; k++)
        if (nodes[k].left != (gint32) k)
          parent[nodes[k].left] = parent[nodes[k].left + 1] = (gint32) k;

      /* The rows in order of their leaves: leaf k's are
       * by_leaf[leaf_rows[k] .. leaf_rows[k + 1]). */
      memset (leaf_rows, 0, (n_nodes + 1) * sizeof (guint));
      for (guint i = 0; i < n; i++)
        leaf_rows[base[i] + 1]++;
      for (gsize k = 0; k < n_nodes; k++)
        leaf_rows[k + 1] += leaf_rows[k];
      for (guint i = 0; i < n; i++)
        by_leaf[leaf_rows[base[i]]++] = i;
      for (gsize k = n_nodes; k > 0; k--)
        leaf_rows[k] = leaf_rows[k - 1];
      leaf_rows[0] = 0;

      /* Each leaf the rows reach: up from it, then down its path noting
       * the first node of each group; the list ends with a marker.  Its
       * rows count in those groups. */
      memset (offsets, 0, (ng + 1) * sizeof (guint));
      for (gsize leaf = 0; leaf < n_nodes; leaf++)
        {
          guint count = leaf_rows[leaf + 1] - leaf_rows[leaf], n_path = 0, first = (guint) n_lists;

          list_at[leaf] = -1;
          if (count == 0)
            continue;
          for (gint32 l = parent[leaf]; l >= 0; l = parent[l])
            path[n_path++] = l;
          lists = ensure (lists, &lists_cap, n_lists + n_path + 1, sizeof (GroupStart));
          for (guint level = 0; level < n_path; level++)
            {
              gint32 l = path[n_path - 1 - level];
              guint g = job->group[nodes[l].feature], k = first;

              while (k < n_lists && lists[k].group != g)
                k++;
              if (k == n_lists)
                {
                  lists[n_lists++] = (GroupStart) { g, l, depth - level };
                  offsets[g + 1] += count;
                }
            }
          lists[n_lists++] = (GroupStart) { G_MAXUINT, -1, 0 };
          list_at[leaf] = (gint32) first;
        }
      for (guint g = 0; g < ng; g++)
        offsets[g + 1] += offsets[g];

      /* Each group's rows, leaf by leaf. */
      fill = ensure (fill, &fill_cap, ng, sizeof (guint));
      memcpy (fill, offsets, ng * sizeof (guint));
      starts = job->starts[t] = g_new (PathStart, MAX (offsets[ng], 1));
      for (gsize leaf = 0; leaf < n_nodes; leaf++)
        {
          if (list_at[leaf] < 0)
            continue;
          for (const GroupStart *gs = &lists[list_at[leaf]]; gs->group != G_MAXUINT; gs++)
            {
              PathStart *to = starts + fill[gs->group];

              for (guint k = leaf_rows[leaf]; k < leaf_rows[leaf + 1]; k++)
                *to++ = (PathStart) { by_leaf[k], gs->node, gs->steps };
              fill[gs->group] = (guint) (to - starts);
            }
        }
    }
  return NULL;
}

static gpointer
shuffle_copy_worker (gpointer data)
{
  ShuffleJob *job = data;
  const AxTreeEnsemble *e = job->e;
  guint n = job->n, nf = e->n_features, no = e->n_outputs, ng = job->n_groups;
  g_autofree float *xs = g_memdup2 (job->rows, ((gsize) n * nf + 1) * sizeof (float));
  g_autofree gint32 *leaf = g_new (gint32, MAX (n, 1));
  gint c;

  while ((c = g_atomic_int_add (&job->next_copy, 1)) < (gint) job->n_copies)
    {
      guint g = job->copy_group[c];
      const guint *perm = job->perm + (gsize) c * n;
      double *delta = job->delta + (gsize) c * n * no;

      /* The rows with this group's features moved (put back below). */
      for (guint f = 0; f < nf; f++)
        if (job->group[f] == g)
          for (guint i = 0; i < n; i++)
            xs[(gsize) i * nf + f] = job->rows[(gsize) perm[i] * nf + f];

      for (guint t = 0; t < job->t1 - job->t0 && g < ng; t++)
        {
          guint tree = job->t0 + t;
          const guint *offsets = job->offsets + (gsize) t * (ng + 1);
          const PathStart *s = job->starts[t] + offsets[g];
          guint m = offsets[g + 1] - offsets[g];
          const gint32 *base = job->base + (gsize) t * n;

          walk_from (job->dense, e->nodes + e->tree_start[tree], xs, nf, s, m, leaf);
          /* Without a branch where one output changes: a row whose leaf
           * did not move adds exactly 0. */
          if (e->values_f != NULL)
            {
              const float *v = e->values_f + e->tree_start[tree];
              double *d = delta + e->tree_output[tree];

              for (guint k = 0; k < m; k++)
                {
                  guint i = s[k].row;
                  d[(gsize) i * no] += (double) v[leaf[k]] - (double) v[base[i]];
                }
            }
          else if (no == 1)
            {
              const double *v = e->values + e->tree_start[tree];

              for (guint k = 0; k < m; k++)
                {
                  guint i = s[k].row;
                  delta[i] += v[leaf[k]] - v[base[i]];
                }
            }
          else
            for (guint k = 0; k < m; k++)
              {
                guint i = s[k].row;
                gint32 l = leaf[k], b = base[i];
                const double *v = e->values + e->tree_start[tree] * no;

                if (l == b)
                  continue;
                for (guint o = 0; o < no; o++)
                  delta[(gsize) i * no + o] += v[(gsize) l * no + o] - v[(gsize) b * no + o];
              }
        }

      for (guint f = 0; f < nf; f++)
        if (job->group[f] == g)
          for (guint i = 0; i < n; i++)
            xs[(gsize) i * nf + f] = job->rows[(gsize) i * nf + f];
    }
  return NULL;
}

void
ax_tree_ensemble_shuffle_deltas (const AxTreeEnsemble *e,
                                 const AxMatrix       *x,
                                 const guint          *group,
                                 guint                 n_copies,
                                 const guint          *copy_group,
                                 const guint          *perm,
                                 double               *delta,
                                 float                *sums)
{
  guint n = x->n_rows, nf = e->n_features, ng = 0, max_depth = 1;
  g_autofree float *rows = g_new (float, (gsize) n * nf + 1);
  guint n_threads = MAX (g_get_num_processors (), 1);
  ShuffleJob job = { e, rows, FALSE, n, group, 0, copy_group, perm, delta, n_copies };
  GThreadFunc phases[] = { shuffle_tree_worker, shuffle_copy_worker };
  gsize per_tree;
  guint chunk;

  g_return_if_fail (x->n_features == nf);
  g_return_if_fail (sums == NULL || e->values_f != NULL);

  for (guint f = 0; f < nf; f++)
    ng = MAX (ng, group[f] + 1);
  for (guint t = 0; t < e->n_trees; t++)
    max_depth = MAX (max_depth, e->depth[t]);
  job.n_groups = ng;
  /* A tree keeps a leaf per row and at most a start per row and group. */
  per_tree = (gsize) MAX (n, 1) * (sizeof (gint32) + MIN (max_depth, ng) * sizeof (PathStart))
             + (ng + 1) * sizeof (guint);
  chunk = (guint) CLAMP (SHUFFLE_BUDGET / per_tree, 1, MAX (e->n_trees, 1));
  job.base = g_new (gint32, (gsize) chunk * n + 1);
  job.offsets = g_new (guint, (gsize) chunk * (ng + 1));
  job.starts = g_new0 (PathStart *, chunk);

  job.dense = ax_tree_rows (x, 0, n, rows);
  memset (delta, 0, (gsize) n_copies * n * e->n_outputs * sizeof (double));
  for (job.t0 = 0; job.t0 < e->n_trees; job.t0 = job.t1)
    {
      job.t1 = MIN (job.t0 + chunk, e->n_trees);
      job.next_tree = job.next_copy = 0;
      for (guint p = 0; p < G_N_ELEMENTS (phases); p++)
        ax_run_on_threads (n_threads, "ax-tree-shuffle", phases[p], &job);
      /* In tree order, as a boosting prediction adds them up. */
      for (guint t = job.t0; sums != NULL && t < job.t1; t++)
        {
          const float *v = e->values_f + e->tree_start[t];
          const gint32 *leaf = job.base + (gsize) (t - job.t0) * n;
          float *s = sums + e->tree_output[t];

          for (guint i = 0; i < n; i++)
            s[(gsize) i * e->n_outputs] += v[leaf[i]];
        }
      for (guint t = 0; t < job.t1 - job.t0; t++)
        g_clear_pointer (&job.starts[t], g_free);
    }
  g_free (job.base);
  g_free (job.offsets);
  g_free (job.starts);
}

/* Binning */

#define BIN_SAMPLE 200000u
#define FEW_VALUES 8u
#define FEW_SCAN 256u

/* A key that orders floats (no NaN) as their values do, -0 and +0 alike. */
static inline guint32
float_key (float v)
{
  guint32 u;

  if (v == 0)
    v = 0;      /* -0 sorts with +0 */
  memcpy (&u, &v, sizeof u);
  return (u & 0x80000000u) ? ~u : u | 0x80000000u;
}

/* Sorts @m floats (no NaN) ascending, equal values in their order: a
 * least-significant-digit radix sort on float_key(), four passes of 8
 * bits, any pass whose digit is the same in every value skipped.  @tmp
 * holds @m floats. */
static void
sort_floats (float   *v,
             float   *tmp,
             guint    m)
{
  guint count[4][256] = { { 0 } };
  float *from = v, *to = tmp;

  for (guint i = 0; i < m; i++)
    {
      guint32 k = float_key (v[i]);
      count[0][k & 0xff]++;
      count[1][(k >> 8) & 0xff]++;
      count[2][(k >> 16) & 0xff]++;
      count[3][k >> 24]++;
    }
  for (guint pass = 0; pass < 4; pass++)
    {
      guint shift = pass * 8, sum = 0;
      gboolean one_digit = FALSE;

      for (guint d = 0; d < 256; d++)
        {
          guint c = count[pass][d];
          if (c == m)
            one_digit = TRUE;
          count[pass][d] = sum;
          sum += c;
        }
      if (one_digit)
        continue;
      for (guint i = 0; i < m; i++)
        to[count[pass][(float_key (from[i]) >> shift) & 0xff]++] = from[i];
      {
        float *t = from;
        from = to;
        to = t;
      }
    }
  if (from != v)
    memcpy (v, from, m * sizeof (float));
}

/* The midpoint of a < b as a float that still separates them. */
static float
midpoint (float a,
          float b)
{
  float m = (float) (((double) a + (double) b) / 2);

  return m < b ? m : a;
}

guint
ax_bin_edges (const float *col,
              guint        n,
              guint64      seed,
              guint        feature,
              float       *edges,
              float       *min)
{
  guint64 stream = seed ^ ((guint64) feature * G_GUINT64_CONSTANT (0xd1b54a32d192ed03));
  g_autofree float *v = g_new (float, MAX (n, 1));
  g_autofree float *tmp = NULL;
  guint m = 0, n_edges = 0, n_distinct = 0;

  for (guint i = 0; i < n; i++)
    if (!isnan (col[i]))
      v[m++] = col[i];

  if (m > BIN_SAMPLE)
    {
      /* A partial Fisher–Yates shuffle draws the sample. */
      for (guint i = 0; i < BIN_SAMPLE; i++)
        {
          guint j = i + (guint) (((ax_splitmix64 (&stream) >> 32) * (m - i)) >> 32);
          float t = v[i];
          v[i] = v[j];
          v[j] = t;
        }
      m = BIN_SAMPLE;
    }
  /* Few distinct values (a one-hot feature's two) are found without
   * sorting them all: the distinct values of the first FEW_SCAN, when
   * every value is one of them (checked without a branch per value). */
  {
    float few[FEW_VALUES] = { 0 };
    guint n_few = 0;
    gboolean all = m > 0;

    for (guint i = 0; i < MIN (m, FEW_SCAN) && all; i++)
      {
        guint k = 0;

        while (k < n_few && few[k] != v[i])
          k++;
        if (k == n_few && n_few == FEW_VALUES)
          all = FALSE;
        else if (k == n_few)
          few[n_few++] = v[i];
      }
    for (guint k = n_few; k < FEW_VALUES && all; k++)
      few[k] = few[0];
    for (guint i0 = FEW_SCAN; i0 < m && all; i0 += FEW_SCAN)
      for (guint i = i0; i < MIN (i0 + FEW_SCAN, m); i++)
        {
          float x = v[i];
          gboolean in = FALSE;

          for (guint k = 0; k < FEW_VALUES; k++)
            in |= x == few[k];
          all &= in;
        }
    if (all)
      {
        m = n_few;
        memcpy (v, few, m * sizeof (float));
      }
  }
  tmp = g_new (float, MAX (m, 1));
  sort_floats (v, tmp, m);
  *min = m > 0 ? v[0] : NAN;

  for (guint i = 0; i < m; i++)
    if (i == 0 || v[i] != v[i - 1])
      n_distinct++;

  if (n_distinct <= AX_BINS_MAX)
    {
      for (guint i = 1; i < m; i++)
        if (v[i] != v[i - 1])
          edges[n_edges++] = midpoint (v[i - 1], v[i]);
    }
  else
    {
      /* Quantiles k/255 by the midpoint rule, kept strictly increasing and
       * below the largest value so that no bin starts out empty. */
      for (guint k = 1; k < AX_BINS_MAX; k++)
        {
          double pos = (double) k * (m - 1) / AX_BINS_MAX;
          guint lo = (guint) floor (pos), hi = (guint) ceil (pos);
          float e = v[lo] == v[hi] ? v[lo] : midpoint (v[lo], v[hi]);

          if (e < v[m - 1] && (n_edges == 0 || e > edges[n_edges - 1]))
            edges[n_edges++] = e;
        }
    }
  return n_edges;
}

static void
bin_feature (const AxMatrix *x,
             AxBinned       *b,
             guint           f,
             guint64         seed)
{
  const float *col = x->x + (gsize) f * x->n_rows;
  guint8 *codes = b->codes + (gsize) f * x->n_rows;
  float *edges = g_new (float, AX_BINS_MAX);
  float min;
  guint n_edges = ax_bin_edges (col, x->n_rows, seed, f, edges, &min);

  b->n_bins[f] = (guint16) (n_edges + 1);
  b->edges[f] = edges;

  for (guint i = 0; i < x->n_rows; i++)
    {
      float value = col[i];
      guint lo = 0, len = n_edges;

      if (isnan (value))
        {
          codes[i] = (guint8) (n_edges + 1);
          continue;
        }
      /* The number of edges below the value. */
      while (len > 0)
        {
          guint half = len / 2;
          if (edges[lo + half] < value)
            {
              lo += half + 1;
              len -= half + 1;
            }
          else
            len = half;
        }
      codes[i] = (guint8) lo;
    }
}

typedef struct {
  const AxMatrix *x;
  AxBinned       *b;
  guint64         seed;
  gint            next;
} BinJob;

static gpointer
bin_worker (gpointer data)
{
  BinJob *job = data;
  gint f;

  while ((f = g_atomic_int_add (&job->next, 1)) < (gint) job->x->n_features)
    bin_feature (job->x, job->b, (guint) f, job->seed);
  return NULL;
}

AxBinned *
ax_binned_new (const AxMatrix *x,
               guint           n_threads,
               guint64         seed)
{
  AxBinned *b = g_new0 (AxBinned, 1);
  BinJob job = { x, b, seed, 0 };

  b->n_rows = x->n_rows;
  b->n_features = x->n_features;
  b->codes = g_malloc ((gsize) x->n_rows * x->n_features + 1);
  b->n_bins = g_new0 (guint16, x->n_features + 1);
  b->edges = g_new0 (float *, x->n_features + 1);
  b->hist_offset = g_new0 (guint, x->n_features + 1);

  n_threads = CLAMP (n_threads, 1, MAX (x->n_features, 1));
  ax_run_on_threads (n_threads, "ax-forest-bin", bin_worker, &job);

  for (guint f = 0; f < x->n_features; f++)
    b->hist_offset[f + 1] = b->hist_offset[f] + b->n_bins[f] + 1;
  return b;
}

void
ax_binned_free (AxBinned *b)
{
  if (b == NULL)
    return;
  for (guint f = 0; f < b->n_features; f++)
    g_free (b->edges[f]);
  g_free (b->edges);
  g_free (b->n_bins);
  g_free (b->hist_offset);
  g_free (b->codes);
  g_free (b);
}

/* Trees */

AxTree *
ax_tree_new (guint n_features)
{
  AxTree *tree = g_new0 (AxTree, 1);

  tree->nodes = g_array_new (FALSE, TRUE, sizeof (AxTreeNode));
  tree->values = g_array_new (FALSE, TRUE, sizeof (double));
  tree->importance = g_new0 (double, MAX (n_features, 1));
  return tree;
}

void
ax_tree_free (AxTree *tree)
{
  if (tree == NULL)
    return;
  g_array_unref (tree->nodes);
  g_array_unref (tree->values);
  g_free (tree->importance);
  g_free (tree);
}

/* The grower */

/* Histograms kept for pending nodes stay under this many bytes per
 * grower; past it a node builds its own from its rows. */
#define HIST_BUDGET (64u << 20)

/* A classification node of this many rows or more, when every weight is
 * a whole number, fills its histogram in HIST_COPIES interleaved copies
 * then adds them up: consecutive rows often fall in the same bin (always,
 * nearly, for a one-hot feature's two), and one copy would make each
 * addition wait for the previous one.  Sums of whole numbers below 2^53
 * are exact in any order, so the histogram is the same to the bit. */
#define HIST_COPIES 4u
#define HIST_COPIES_MIN_ROWS 64u
#define HIST_COPIES_MAX_STATS 4u

/* A node of at most this many rows, under half as many as a feature has
 * bins, fills only the bins its rows occupy and lists them in order, and
 * the split scan reads that list: most nodes of a deep tree are small,
 * and clearing and scanning every bin for them cost more than their rows.
 * The bins hold the same sums, added in the same order, and the scan
 * skipped the empty ones anyway, so the splits are the same. */
#define SPARSE_MAX_ROWS 64u

/* Per bin: the row count, then sum(w) and sum(w y) (regression) or
 * sum(w) of each class (classification). */
typedef struct {
  double  *data;
  guint8  *valid;       /* per feature: its bins are filled (HIST_FULL), or
                         * only the occupied ones (HIST_SPARSE) */
} Hist;

enum { HIST_FULL = 1, HIST_SPARSE = 2 };

typedef struct {
  guint32  begin, end;
  guint    depth;
  gint32   parent;      /* -1 for the root */
  gboolean is_left;
  Hist    *hist;        /* NULL: built as needed */
  double   ymin, ymax;  /* regression: equal when the node is pure */
} Pending;

/* A node while the tree grows, numbered in the order nodes are taken up;
 * relayout() turns them into AxTreeNodes. */
typedef struct {
  guint32  feature;
  float    threshold;
  gint32   left, right;     /* a leaf's own index */
  gboolean missing_left;
} GrowNode;

typedef struct {
  double   gain;
  guint    feature;
  guint    bin;         /* the last bin that goes left */
  gboolean missing_left;
} Split;

struct _AxTreeGrower {
  const AxBinned    *binned;
  const AxTreeData  *data;
  AxTreeParams       p;
  guint              n_stats;    /* doubles per bin */
  guint              n_outputs;  /* values per node */
  gsize              hist_len;   /* doubles per histogram */

  guint32           *count;      /* times each row was drawn */
  guint32           *rows, *rows_tmp;
  double            *w, *w_tmp;
  double            *y, *y_tmp;      /* regression */
  guint16           *k, *k_tmp;      /* classification */
  guint             *perm;       /* feature draw order */
  double            *class_acc;  /* n_classes scratch */
  double            *class_w;    /* n_classes: balanced_subsample weights */

  Pending           *stack;
  double            *totals;     /* n_stats per stack slot */
  guint              n_stack;

  Hist              *scratch;
  double            *copies;     /* HIST_COPIES - 1 copies of a feature's bins, or NULL */
  guint16           *occupied;   /* per feature, SPARSE_MAX_ROWS: a sparse histogram's bins */
  guint             *n_occupied; /* per feature */
  GPtrArray         *free_hists;
  guint              n_hists, max_hists;
};

static Hist *
hist_new (AxTreeGrower *g)
{
  Hist *h = g_new0 (Hist, 1);

  h->data = g_new (double, g->hist_len);
  h->valid = g_new0 (guint8, g->binned->n_features + 1);
  return h;
}

static void
hist_free (Hist *h)
{
  g_free (h->data);
  g_free (h->valid);
  g_free (h);
}

static void
hist_clear_valid (AxTreeGrower *g,
                  Hist         *h)
{
  memset (h->valid, 0, g->binned->n_features);
}

/* A histogram for a node to keep, or NULL past the budget. */
static Hist *
hist_acquire (AxTreeGrower *g)
{
  Hist *h;

  if (g->free_hists->len > 0)
    h = g_ptr_array_steal_index_fast (g->free_hists, g->free_hists->len - 1);
  else if (g->n_hists < g->max_hists)
    {
      h = hist_new (g);
      g->n_hists++;
    }
  else
    return NULL;
  hist_clear_valid (g, h);
  return h;
}

static void
hist_release (AxTreeGrower *g,
              Hist         *h)
{
  if (h != NULL && h != g->scratch)
    g_ptr_array_add (g->free_hists, h);
}

AxTreeGrower *
ax_tree_grower_new (const AxBinned     *binned,
                    const AxTreeData   *data,
                    const AxTreeParams *params)
{
  AxTreeGrower *g = g_new0 (AxTreeGrower, 1);
  guint n = MAX (binned->n_rows, 1);
  gboolean regression = params->task == AX_TASK_REGRESSION;
  gsize hist_bytes;

  g->binned = binned;
  g->data = data;
  g->p = *params;
  g->n_stats = regression ? 3 : 1 + params->n_classes;
  g->n_outputs = regression ? 1 : params->n_classes;
  g->hist_len = (gsize) binned->hist_offset[binned->n_features] * g->n_stats;

  g->count = g_new (guint32, n);
  g->rows = g_new (guint32, n);
  g->rows_tmp = g_new (guint32, n);
  g->w = g_new (double, n);
  g->w_tmp = g_new (double, n);
  if (regression)
    {
      g->y = g_new (double, n);
      g->y_tmp = g_new (double, n);
    }
  else
    {
      g->k = g_new (guint16, n);
      g->k_tmp = g_new (guint16, n);
    }
  g->perm = g_new (guint, binned->n_features + 1);
  g->class_acc = g_new0 (double, MAX (params->n_classes, 1));
  g->class_w = g_new0 (double, MAX (params->n_classes, 1));

  g->stack = g_new0 (Pending, params->max_depth + 2);
  g->totals = g_new0 (double, (gsize) (params->max_depth + 2) * g->n_stats);

  hist_bytes = MAX (g->hist_len * sizeof (double), 1);
  g->scratch = hist_new (g);
  /* Whole weights: bootstrap counts, with no row or class weights. */
  if (!regression && g->n_stats <= HIST_COPIES_MAX_STATS && data->weight == NULL
      && params->class_weight != AX_CLASS_WEIGHT_BALANCED_SUBSAMPLE)
    g->copies = g_new (double, (gsize) (HIST_COPIES - 1) * (AX_BINS_MAX + 1) * g->n_stats);
  g->occupied = g_new (guint16, (gsize) MAX (binned->n_features, 1) * SPARSE_MAX_ROWS);
  g->n_occupied = g_new0 (guint, MAX (binned->n_features, 1));
  g->free_hists = g_ptr_array_new_with_free_func ((GDestroyNotify) hist_free);
  g->max_hists = (guint) CLAMP (HIST_BUDGET / hist_bytes, 1, params->max_depth + 2);
  return g;
}

void
ax_tree_grower_free (AxTreeGrower *g)
{
  if (g == NULL)
    return;
  g_free (g->count);
  g_free (g->rows);
  g_free (g->rows_tmp);
  g_free (g->w);
  g_free (g->w_tmp);
  g_free (g->y);
  g_free (g->y_tmp);
  g_free (g->k);
  g_free (g->k_tmp);
  g_free (g->perm);
  g_free (g->class_acc);
  g_free (g->class_w);
  g_free (g->stack);
  g_free (g->totals);
  hist_free (g->scratch);
  g_free (g->copies);
  g_free (g->occupied);
  g_free (g->n_occupied);
  g_ptr_array_unref (g->free_hists);
  g_free (g);
}

static inline guint
rng_below (guint64 *state,
           guint    n)
{
  return (guint) (((ax_splitmix64 (state) >> 32) * n) >> 32);
}

/* Fills feature @f's bins of @h from rows [begin, end). */
static void
hist_build (AxTreeGrower *g,
            Hist         *h,
            guint         f,
            guint32       begin,
            guint32       end)
{
  const AxBinned *b = g->binned;
  const guint8 *codes = b->codes + (gsize) f * b->n_rows;
  const guint32 *rows = g->rows;
  const double *w = g->w;
  guint s = g->n_stats;
  double *restrict hf = h->data + (gsize) b->hist_offset[f] * s;

  memset (hf, 0, (gsize) (b->n_bins[f] + 1) * s * sizeof (double));
  if (g->y != NULL)
    {
      const double *y = g->y;
      for (guint32 j = begin; j < end; j++)
        {
          double *c = hf + (gsize) codes[rows[j]] * 3;
          c[0] += 1;
          c[1] += w[j];
          c[2] += w[j] * y[j];
        }
    }
  else if (g->copies != NULL && end - begin >= MAX (HIST_COPIES_MIN_ROWS, b->n_bins[f] + 1u))
    {
      const guint16 *k = g->k;
      gsize len = (gsize) (b->n_bins[f] + 1) * s;
      double *restrict c1 = g->copies, *restrict c2 = c1 + len, *restrict c3 = c2 + len;
      guint32 j = begin;

      memset (c1, 0, 3 * len * sizeof (double));
      for (; j + HIST_COPIES <= end; j += HIST_COPIES)
        {
          double *a = hf + (gsize) codes[rows[j]] * s;
          double *a1 = c1 + (gsize) codes[rows[j + 1]] * s;
          double *a2 = c2 + (gsize) codes[rows[j + 2]] * s;
          double *a3 = c3 + (gsize) codes[rows[j + 3]] * s;

          a[0] += 1;
          a[1 + k[j]] += w[j];
          a1[0] += 1;
          a1[1 + k[j + 1]] += w[j + 1];
          a2[0] += 1;
          a2[1 + k[j + 2]] += w[j + 2];
          a3[0] += 1;
          a3[1 + k[j + 3]] += w[j + 3];
        }
      for (; j < end; j++)
        {
          double *c = hf + (gsize) codes[rows[j]] * s;
          c[0] += 1;
          c[1 + k[j]] += w[j];
        }
      for (gsize i = 0; i < len; i++)
        hf[i] += (c1[i] + c2[i]) + c3[i];
    }
  else
    {
      const guint16 *k = g->k;
      for (guint32 j = begin; j < end; j++)
        {
          double *c = hf + (gsize) codes[rows[j]] * s;
          c[0] += 1;
          c[1 + k[j]] += w[j];
        }
    }
  h->valid[f] = HIST_FULL;
}

/* hist_build() of a small node: only the missing bin and the bins its
 * rows fall in are cleared and filled (in the same order), and those
 * value bins are listed in order. */
static void
hist_build_sparse (AxTreeGrower *g,
                   Hist         *h,
                   guint         f,
                   guint32       begin,
                   guint32       end)
{
  const AxBinned *b = g->binned;
  const guint8 *codes = b->codes + (gsize) f * b->n_rows;
  const guint32 *rows = g->rows;
  const double *w = g->w;
  guint s = g->n_stats, nb = b->n_bins[f], n_occ = 0;
  double *restrict hf = h->data + (gsize) b->hist_offset[f] * s;
  guint16 *occ = g->occupied + (gsize) f * SPARSE_MAX_ROWS;

  memset (hf + (gsize) nb * s, 0, s * sizeof (double));
  for (guint32 j = begin; j < end; j++)
    memset (hf + (gsize) codes[rows[j]] * s, 0, s * sizeof (double));
  for (guint32 j = begin; j < end; j++)
    {
      guint code = codes[rows[j]];
      double *c = hf + (gsize) code * s;

      if (c[0] == 0 && code != nb)
        occ[n_occ++] = (guint16) code;
      c[0] += 1;
      if (g->y != NULL)
        {
          c[1] += w[j];
          c[2] += w[j] * g->y[j];
        }
      else
        c[1 + g->k[j]] += w[j];
    }
  for (guint i = 1; i < n_occ; i++)
    {
      guint16 v = occ[i];
      guint k = i;

      for (; k > 0 && occ[k - 1] > v; k--)
        occ[k] = occ[k - 1];
      occ[k] = v;
    }
  g->n_occupied[f] = n_occ;
  h->valid[f] = HIST_SPARSE;
}

/* @big -= @small over feature @f's bins. */
static void
hist_subtract (AxTreeGrower *g,
               Hist         *big,
               const Hist   *small,
               guint         f)
{
  const AxBinned *b = g->binned;
  gsize from = (gsize) b->hist_offset[f] * g->n_stats;
  gsize to = (gsize) b->hist_offset[f + 1] * g->n_stats;

  for (gsize i = from; i < to; i++)
    big->data[i] -= small->data[i];
}

/* The proxy of a node or side: sum(w y)^2 / sum(w), or sum_k w_k^2 / sum(w). */
static double
proxy (const AxTreeGrower *g,
       const double       *tot)
{
  double sw = 0, sq = 0;

  if (g->y != NULL)
    return tot[1] > 0 ? tot[2] * tot[2] / tot[1] : 0;
  for (guint k = 0; k < g->p.n_classes; k++)
    {
      sw += tot[1 + k];
      sq += tot[1 + k] * tot[1 + k];
    }
  return sw > 0 ? sq / sw : 0;
}

/* Offers every split of feature @f to @best; FALSE when the feature is
 * constant in the node (one occupied bin, the missing one included). */
static gboolean
scan_feature (AxTreeGrower *g,
              const Hist   *h,
              guint         f,
              const double *tot,
              Split        *best)
{
  const AxBinned *b = g->binned;
  guint s = g->n_stats, nb = b->n_bins[f];
  const double *hf = h->data + (gsize) b->hist_offset[f] * s;
  const double *miss = hf + (gsize) nb * s;
  gboolean has_missing = miss[0] > 0;
  double min_leaf = g->p.min_samples_leaf;
  guint occupied = has_missing;
  /* A sparse histogram's occupied bins, in order; else every bin. */
  const guint16 *occ = h->valid[f] == HIST_SPARSE ? g->occupied + (gsize) f * SPARSE_MAX_ROWS : NULL;
  guint n_scan = occ != NULL ? g->n_occupied[f] : nb;

  if (occ != NULL)
    occupied += n_scan;
  else
    for (guint bin = 0; bin < nb && occupied < 2; bin++)
      occupied += hf[(gsize) bin * s] > 0;
  if (occupied < 2)
    return FALSE;

  for (guint pass = 0; pass < (has_missing ? 2u : 1u); pass++)
    {
      gboolean missing_left = pass == 1;
      /* Missing values right: every value bin may go left. */
      guint last = has_missing && !missing_left ? nb : nb - 1;
      double ln = missing_left ? miss[0] : 0;

      if (g->y != NULL)
        {
          double lw = missing_left ? miss[1] : 0, lwy = missing_left ? miss[2] : 0;

          for (guint q = 0; q < n_scan; q++)
            {
              guint bin = occ != NULL ? occ[q] : q;
              const double *c = hf + (gsize) bin * 3;
              double rn, rw, rwy, gain;

              if (bin >= last)
                break;
              if (c[0] == 0)
                continue;
              ln += c[0];
              lw += c[1];
              lwy += c[2];
              rn = tot[0] - ln;
              if (ln < min_leaf)
                continue;
              if (rn < min_leaf)
                break;
              rw = tot[1] - lw;
              rwy = tot[2] - lwy;
              if (!(lw > 0 && rw > 0))
                continue;
              gain = lwy * lwy / lw + rwy * rwy / rw;
              if (gain > best->gain)
                *best = (Split) { gain, f, bin,
                                  has_missing ? missing_left : lw > rw };
            }
        }
      else if (g->p.n_classes == 2)
        {
          /* The loop below for two classes, its sums in registers; the
           * same operations in the same order, so the same gains. */
          double l0 = missing_left ? miss[1] : 0, l1 = missing_left ? miss[2] : 0;
          double t0 = tot[1], t1 = tot[2];
          double tw = (0 + t0) + t1, lw = (0 + l0) + l1;

          for (guint q = 0; q < n_scan; q++)
            {
              guint bin = occ != NULL ? occ[q] : q;
              const double *c = hf + (gsize) bin * 3;
              double rn, rw, r0, r1, gain;

              if (bin >= last)
                break;
              if (c[0] == 0)
                continue;
              ln += c[0];
              l0 += c[1];
              lw += c[1];
              l1 += c[2];
              lw += c[2];
              rn = tot[0] - ln;
              if (ln < min_leaf)
                continue;
              if (rn < min_leaf)
                break;
              rw = tw - lw;
              if (!(lw > 0 && rw > 0))
                continue;
              r0 = t0 - l0;
              r1 = t1 - l1;
              gain = ((0 + l0 * l0) + l1 * l1) / lw + ((0 + r0 * r0) + r1 * r1) / rw;
              if (gain > best->gain)
                *best = (Split) { gain, f, bin,
                                  has_missing ? missing_left : lw > rw };
            }
        }
      else
        {
          guint nk = g->p.n_classes;
          double *lk = g->class_acc, tw = 0, lw = 0;

          for (guint k = 0; k < nk; k++)
            {
              lk[k] = missing_left ? miss[1 + k] : 0;
              lw += lk[k];
              tw += tot[1 + k];
            }
          for (guint q = 0; q < n_scan; q++)
            {
              guint bin = occ != NULL ? occ[q] : q;
              const double *c = hf + (gsize) bin * s;
              double rn, rw, sl = 0, sr = 0, gain;

              if (bin >= last)
                break;
              if (c[0] == 0)
                continue;
              ln += c[0];
              for (guint k = 0; k < nk; k++)
                {
                  lk[k] += c[1 + k];
                  lw += c[1 + k];
                }
              rn = tot[0] - ln;
              if (ln < min_leaf)
                continue;
              if (rn < min_leaf)
                break;
              rw = tw - lw;
              if (!(lw > 0 && rw > 0))
                continue;
              for (guint k = 0; k < nk; k++)
                {
                  double r = tot[1 + k] - lk[k];
                  sl += lk[k] * lk[k];
                  sr += r * r;
                }
              gain = sl / lw + sr / rw;
              if (gain > best->gain)
                *best = (Split) { gain, f, bin,
                                  has_missing ? missing_left : lw > rw };
            }
        }
    }
  return TRUE;
}

/* Moves the rows of [begin, end) that go left to the front, keeping the
 * order, and sums each side.  Returns the first row of the right side. */
static guint32
partition (AxTreeGrower *g,
           const Pending *e,
           guint          f,
           guint          last_bin,
           gboolean       missing_left,
           double        *tl,
           double        *tr,
           Pending       *left,
           Pending       *right)
{
  const guint8 *codes = g->binned->codes + (gsize) f * g->binned->n_rows;
  guint missing = g->binned->n_bins[f];
  guint s = g->n_stats;
  guint32 nl = e->begin, nr = 0;

  memset (tl, 0, s * sizeof (double));
  memset (tr, 0, s * sizeof (double));
  left->ymin = right->ymin = INFINITY;
  left->ymax = right->ymax = -INFINITY;

  for (guint32 j = e->begin; j < e->end; j++)
    {
      guint32 row = g->rows[j];
      guint code = codes[row];
      gboolean go_left = code <= last_bin || (code == missing && missing_left);
      double *t = go_left ? tl : tr;
      double w = g->w[j];

      t[0] += 1;
      if (g->y != NULL)
        {
          double y = g->y[j];
          Pending *side = go_left ? left : right;

          t[1] += w;
          t[2] += w * y;
          side->ymin = MIN (side->ymin, y);
          side->ymax = MAX (side->ymax, y);
          if (go_left)
            g->y[nl] = y;
          else
            g->y_tmp[nr] = y;
        }
      else
        {
          t[1 + g->k[j]] += w;
          if (go_left)
            g->k[nl] = g->k[j];
          else
            g->k_tmp[nr] = g->k[j];
        }
      if (go_left)
        {
          g->rows[nl] = row;
          g->w[nl] = w;
          nl++;
        }
      else
        {
          g->rows_tmp[nr] = row;
          g->w_tmp[nr] = w;
          nr++;
        }
    }

  memcpy (g->rows + nl, g->rows_tmp, nr * sizeof (guint32));
  memcpy (g->w + nl, g->w_tmp, nr * sizeof (double));
  if (g->y != NULL)
    memcpy (g->y + nl, g->y_tmp, nr * sizeof (double));
  else
    memcpy (g->k + nl, g->k_tmp, nr * sizeof (guint16));
  return nl;
}

static gboolean
is_pure (const AxTreeGrower *g,
         const Pending      *e,
         const double       *tot)
{
  guint present = 0;

  if (g->y != NULL)
    return e->ymin == e->ymax;
  for (guint k = 0; k < g->p.n_classes; k++)
    present += tot[1 + k] > 0;
  return present <= 1;
}

static gboolean
must_be_leaf (const AxTreeGrower *g,
              const Pending      *e,
              const double       *tot)
{
  guint32 n = e->end - e->begin;

  return e->depth >= g->p.max_depth
         || n < g->p.min_samples_split
         || n < 2 * g->p.min_samples_leaf
         || is_pure (g, e, tot);
}

static void
set_leaf_values (const AxTreeGrower *g,
                 double             *values,
                 const double       *tot)
{
  if (g->y != NULL)
    {
      values[0] = g->data->y_offset + (tot[1] > 0 ? tot[2] / tot[1] : 0);
      return;
    }
  {
    double sw = 0;
    for (guint k = 0; k < g->p.n_classes; k++)
      sw += tot[1 + k];
    for (guint k = 0; k < g->p.n_classes; k++)
      values[k] = sw > 0 ? tot[1 + k] / sw : 1.0 / g->p.n_classes;
  }
}

static void
push (AxTreeGrower  *g,
      const Pending *e,
      const double  *tot)
{
  g_assert (g->n_stack < g->p.max_depth + 2);
  g->stack[g->n_stack] = *e;
  memcpy (g->totals + (gsize) g->n_stack * g->n_stats, tot, g->n_stats * sizeof (double));
  g->n_stack++;
}

/* Draws the bootstrap sample and lays out the rows in it; returns their
 * number. */
static guint32
sample_rows (AxTreeGrower *g,
             guint64      *state)
{
  const AxTreeData *d = g->data;
  guint n = g->binned->n_rows;
  guint32 m = 0;
  double *class_w = g->class_w;
  gboolean subsample = g->y == NULL && g->p.bootstrap
                       && g->p.class_weight == AX_CLASS_WEIGHT_BALANCED_SUBSAMPLE;

  if (g->p.bootstrap)
    {
      memset (g->count, 0, n * sizeof (guint32));
      for (guint i = 0; i < n; i++)
        g->count[rng_below (state, n)]++;
    }
  else
    for (guint i = 0; i < n; i++)
      g->count[i] = 1;

  if (subsample)
    {
      /* scikit-learn's "balanced_subsample": n / (n_classes * count of the
       * class), counted in the bootstrap sample with repeats. */
      memset (class_w, 0, g->p.n_classes * sizeof (double));
      for (guint i = 0; i < n; i++)
        class_w[d->klass[i]] += g->count[i];
      for (guint k = 0; k < g->p.n_classes; k++)
        class_w[k] = class_w[k] > 0 ? (double) n / (g->p.n_classes * class_w[k]) : 0;
    }

  for (guint i = 0; i < n; i++)
    {
      double w;

      if (g->count[i] == 0)
        continue;
      w = g->count[i] * (d->weight != NULL ? d->weight[i] : 1.0);
      if (subsample)
        w *= class_w[d->klass[i]];
      if (!(w > 0))
        continue;
      g->rows[m] = i;
      g->w[m] = w;
      if (g->y != NULL)
        g->y[m] = d->y[i];
      else
        g->k[m] = d->klass[i];
      m++;
    }
  return m;
}

/* Numbers the grown nodes breadth-first, each node's children side by
 * side, into @tree. */
static void
relayout (AxTree         *tree,
          const GArray   *grown,
          const GArray   *grown_values,
          guint           n_outputs)
{
  guint n = grown->len;
  const GrowNode *old = (const GrowNode *) grown->data;
  const double *old_values = (const double *) grown_values->data;
  g_autofree guint32 *order = g_new (guint32, n);     /* new index -> old */
  guint32 next = 1;

  g_array_set_size (tree->nodes, n);
  g_array_set_size (tree->values, (gsize) n * n_outputs);
  order[0] = 0;
  for (guint32 i = 0; i < next; i++)
    {
      const GrowNode *o = &old[order[i]];
      AxTreeNode *node = &g_array_index (tree->nodes, AxTreeNode, i);

      memcpy (&g_array_index (tree->values, double, (gsize) i * n_outputs),
              old_values + (gsize) order[i] * n_outputs, n_outputs * sizeof (double));
      if (o->left == (gint32) order[i])
        {
          *node = (AxTreeNode) { 0, NAN, (gint32) i, (gint32) i };
          continue;
        }
      order[next] = (guint32) o->left;
      order[next + 1] = (guint32) o->right;
      *node = (AxTreeNode) { o->feature, o->threshold, (gint32) next,
                             (gint32) next + (o->missing_left ? 0 : 1) };
      next += 2;
    }
  g_assert (next == n);
}

AxTree *
ax_tree_grow (AxTreeGrower *g,
              guint64       seed,
              GCancellable *cancellable)
{
  const AxBinned *b = g->binned;
  guint nf = b->n_features, s = g->n_stats, mf = g->p.max_features;
  g_autoptr(AxTree) tree = ax_tree_new (nf);
  g_autoptr(GArray) nodes = g_array_new (FALSE, TRUE, sizeof (GrowNode));
  g_autoptr(GArray) values = g_array_new (FALSE, TRUE, sizeof (double));
  guint64 state = seed;
  g_autofree double *tot = g_new (double, s);
  g_autofree double *tl = g_new (double, s);
  g_autofree double *tr = g_new (double, s);
  double avg_bins = nf > 0 ? (double) b->hist_offset[nf] / nf : 0;
  guint32 n_in;
  guint visited = 0;
  Pending root = { 0 };

  n_in = sample_rows (g, &state);
  for (guint f = 0; f < nf; f++)
    g->perm[f] = f;

  memset (tot, 0, s * sizeof (double));
  root.end = n_in;
  root.parent = -1;
  root.ymin = INFINITY;
  root.ymax = -INFINITY;
  for (guint32 j = 0; j < n_in; j++)
    {
      tot[0] += 1;
      if (g->y != NULL)
        {
          tot[1] += g->w[j];
          tot[2] += g->w[j] * g->y[j];
          root.ymin = MIN (root.ymin, g->y[j]);
          root.ymax = MAX (root.ymax, g->y[j]);
        }
      else
        tot[1 + g->k[j]] += g->w[j];
    }
  g->n_stack = 0;
  push (g, &root, tot);

  while (g->n_stack > 0)
    {
      Pending e, pl, pr;
      Split best = { -INFINITY, G_MAXUINT, 0, FALSE };
      guint32 index = nodes->len, mid;
      GrowNode *node;
      Hist *h;
      gboolean owned, sparse = FALSE;
      guint nonconstant = 0;

      g->n_stack--;
      e = g->stack[g->n_stack];
      memcpy (tot, g->totals + (gsize) g->n_stack * s, s * sizeof (double));

      if ((++visited & 63) == 0 && g_cancellable_is_cancelled (cancellable))
        {
          hist_release (g, e.hist);
          while (g->n_stack > 0)
            hist_release (g, g->stack[--g->n_stack].hist);
          return NULL;
        }

      g_array_set_size (nodes, index + 1);
      g_array_set_size (values, (gsize) (index + 1) * g->n_outputs);
      tree->depth = MAX (tree->depth, e.depth);
      if (e.parent >= 0)
        {
          GrowNode *parent = &g_array_index (nodes, GrowNode, e.parent);
          if (e.is_left)
            parent->left = (gint32) index;
          else
            parent->right = (gint32) index;
        }
      node = &g_array_index (nodes, GrowNode, index);
      *node = (GrowNode) { 0, NAN, (gint32) index, (gint32) index, FALSE };

      if (must_be_leaf (g, &e, tot))
        {
          set_leaf_values (g, &g_array_index (values, double, (gsize) index * g->n_outputs), tot);
          hist_release (g, e.hist);
          continue;
        }

      h = e.hist != NULL ? e.hist : hist_acquire (g);
      owned = h != NULL;
      if (!owned)
        {
          h = g->scratch;
          hist_clear_valid (g, h);
        }

      /* Draw features until max_features non-constant ones are seen. */
      for (guint i = 0; i < nf && nonconstant < mf; i++)
        {
          guint f;

          if (mf < nf)
            {
              guint j = i + rng_below (&state, nf - i);
              guint t = g->perm[i];
              g->perm[i] = g->perm[j];
              g->perm[j] = t;
            }
          f = g->perm[i];
          if (!h->valid[f])
            {
              if (e.end - e.begin <= SPARSE_MAX_ROWS && 2 * (e.end - e.begin) < b->n_bins[f])
                {
                  hist_build_sparse (g, h, f, e.begin, e.end);
                  sparse = TRUE;
                }
              else
                hist_build (g, h, f, e.begin, e.end);
            }
          nonconstant += scan_feature (g, h, f, tot, &best);
        }

      if (best.feature == G_MAXUINT)
        {
          set_leaf_values (g, &g_array_index (values, double, (gsize) index * g->n_outputs), tot);
          if (owned)
            hist_release (g, h);
          continue;
        }

      {
        /* Centre the threshold in the run of bins empty in this node. */
        guint f = best.feature, nb = b->n_bins[f], next = best.bin + 1;
        const double *hf = h->data + (gsize) b->hist_offset[f] * s;
        guint cut;

        if (h->valid[f] == HIST_SPARSE)
          {
            const guint16 *occ = g->occupied + (gsize) f * SPARSE_MAX_ROWS;
            guint q = 0;

            while (occ[q] != best.bin)
              q++;
            next = q + 1 < g->n_occupied[f] ? occ[q + 1] : nb;
          }
        else
          while (next < nb && hf[(gsize) next * s] == 0)
            next++;
        cut = next >= nb ? nb - 1 : (best.bin + next - 1) / 2;

        node->feature = f;
        node->missing_left = best.missing_left;
        node->threshold = cut >= nb - 1 ? INFINITY : b->edges[f][cut];
        tree->importance[f] += MAX (best.gain - proxy (g, tot), 0);

        pl = (Pending) { e.begin, 0, e.depth + 1, (gint32) index, TRUE, NULL, 0, 0 };
        pr = (Pending) { 0, e.end, e.depth + 1, (gint32) index, FALSE, NULL, 0, 0 };
        mid = partition (g, &e, f, cut, best.missing_left, tl, tr, &pl, &pr);
        pl.end = mid;
        pr.begin = mid;
      }

      {
        gboolean left_small = mid - e.begin <= e.end - mid;
        Pending *ps = left_small ? &pl : &pr, *pb = left_small ? &pr : &pl;
        const double *ts = left_small ? tl : tr, *tb = left_small ? tr : tl;
        gboolean need_s = !must_be_leaf (g, ps, ts);
        gboolean need_b = !must_be_leaf (g, pb, tb);
        guint32 ns = ps->end - ps->begin, nbig = pb->end - pb->begin;

        /* Filling the smaller child's histogram for every feature the
         * node has costs its rows (and the bins, to subtract); it saves
         * each child the building of the features it will draw. */
        double drawn = nf > 0 ? (double) mf / nf : 0;
        double saved = drawn * ((need_s ? ns : 0) + (need_b ? nbig : 0));
        double cost = ns + avg_bins * s;

        /* A sparse histogram cannot be subtracted from. */
        if (owned && need_b && saved > cost && !sparse)
          {
            /* The larger child's histogram is its parent's minus the
             * smaller child's, feature by feature. */
            Hist *hs = need_s ? hist_acquire (g) : NULL;
            Hist *into = hs != NULL ? hs : g->scratch;

            hist_clear_valid (g, into);
            for (guint f = 0; f < nf; f++)
              if (h->valid[f])
                {
                  hist_build (g, into, f, ps->begin, ps->end);
                  hist_subtract (g, h, into, f);
                }
            pb->hist = h;
            ps->hist = hs;
          }
        else if (owned && (need_b || need_s))
          {
            hist_clear_valid (g, h);
            (need_b ? pb : ps)->hist = h;
          }
        else if (owned)
          hist_release (g, h);

        push (g, pb, tb);
        push (g, ps, ts);
      }
    }

  relayout (tree, nodes, values, g->n_outputs);
  return g_steal_pointer (&tree);
}
