/* ax-linear.c — ridge regression and multinomial logistic regression
 *
 * Both models are a weight per feature and output plus an intercept, so
 * they share the fitted structure, prediction's inner loop and the blob.
 *
 * Ridge minimises Σ wᵢ (yᵢ − b − xᵢ·β)² + α‖β‖², solved exactly: the data
 * are centred (so the intercept is not penalised) and the normal equations
 * (X'WX + αI) β = X'Wy are solved by Cholesky in double precision.
 *
 * Logistic regression minimises, as scikit-learn's "multinomial" with an
 * L2 penalty does, C Σ wᵢ (−log softmax(zᵢ)_yᵢ) + ½‖W‖², here divided by
 * C Σ wᵢ so that the tolerance does not depend on the number of rows.  The
 * optimiser is L-BFGS (Nocedal & Wright, Numerical Optimization, 2nd ed.,
 * algorithms 7.4 and 7.5) with a backtracking Armijo line search; the
 * objective is convex, so curvature pairs with s·y ≤ 0 are only numerical
 * noise and are skipped.
 *
 * Sums over rows are taken over fixed blocks of rows whose partial results
 * are added in block order, so the fit is the same bit for bit whatever
 * the number of threads.
 */

#include "ax-config.h"
#include "ax-algorithms-private.h"
#include "ax-blob.h"
#include "ax-metrics.h"
#include "ax-types.h"

#include <glib/gi18n-lib.h>
#include <float.h>
#include <math.h>
#include <string.h>

typedef enum {
  KIND_RIDGE = 0,
  KIND_LOGISTIC = 1,
} Kind;

struct _AxFitted {
  Kind     kind;
  guint    n_features;
  guint    n_outputs;    /* 1 for ridge; the number of classes for logistic */
  double  *intercept;    /* n_outputs */
  double  *coef;         /* coef[f * n_outputs + k] */
};

static AxFitted *
fitted_new (Kind  kind,
            guint n_features,
            guint n_outputs)
{
  AxFitted *m = g_new0 (AxFitted, 1);

  m->kind = kind;
  m->n_features = n_features;
  m->n_outputs = n_outputs;
  m->intercept = g_new0 (double, n_outputs);
  m->coef = g_new0 (double, (gsize) n_features * n_outputs + 1);
  return m;
}

static void
linear_free (AxFitted *m)
{
  if (m == NULL)
    return;
  g_free (m->intercept);
  g_free (m->coef);
  g_free (m);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AxFitted, linear_free)

/* Threads pay off only on enough arithmetic. */
static guint
threads_for (const AxTrainMonitor *monitor,
             double                work)
{
  if (work < 1 << 18)
    return 1;
  return monitor != NULL ? monitor->n_threads : 0;
}

/* Rows per block: a function of the row count only (see the top). */
static guint
block_rows (guint n_rows)
{
  return MAX (2048, (n_rows + 255) / 256);
}

static void
report_progress (const AxTrainMonitor *monitor,
                 double                fraction,
                 const char           *detail)
{
  if (monitor != NULL)
    ax_progress_report (monitor->progress, monitor->progress_data, fraction, detail);
}

static void
report_step (const AxTrainMonitor *monitor,
             guint                 step,
             guint                 n_steps,
             double                score)
{
  if (monitor != NULL && monitor->step != NULL)
    monitor->step (step, n_steps, score, monitor->step_data);
}

/* Checks that there are training rows and that every one can be used.
 * Linear models cannot use a row with a missing feature: the pipeline
 * fills them in unless told not to, and then this is what the analyst
 * sees. */
static gboolean
check_rows (const AxMatrix *x,
            const AxTarget *y,
            const char     *algorithm,
            GError        **error)
{
  if (x->n_rows == 0)
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_DATA,
                   _("There are no training rows to learn from"));
      return FALSE;
    }
  for (guint f = 0; f < x->n_features; f++)
    {
      const float *col = x->x + (gsize) f * x->n_rows;
      for (guint i = 0; i < x->n_rows; i++)
        if (!isfinite (col[i]))
          {
            g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_DATA,
                         _("The feature “%s” has missing values, which %s cannot use; "
                           "fill them in with feature_engineering.handle_missing"),
                         x->names[f] != NULL ? x->names[f] : "?", algorithm);
            return FALSE;
          }
    }
  for (guint i = 0; i < x->n_rows; i++)
    if (!isfinite (y->y[i]) || (y->weight != NULL && !(y->weight[i] >= 0)))
      {
        g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_DATA,
                     _("Training row %u has a missing target or an invalid weight"), i + 1);
        return FALSE;
      }
  return TRUE;
}

/* Prediction */

/* out[i * K + k] = intercept[k] + Σ_f coef[f * K + k] x[f, i]. */
static void
linear_scores (const AxFitted *m,
               const AxMatrix *x,
               double         *out)
{
  guint k = m->n_outputs;

  for (guint i = 0; i < x->n_rows; i++)
    memcpy (out + (gsize) i * k, m->intercept, k * sizeof (double));
  for (guint f = 0; f < m->n_features; f++)
    {
      const float *col = x->x + (gsize) f * x->n_rows;
      const double *w = m->coef + (gsize) f * k;

      for (guint i = 0; i < x->n_rows; i++)
        {
          double v = col[i];
          double *o = out + (gsize) i * k;
          for (guint c = 0; c < k; c++)
            o[c] += w[c] * v;
        }
    }
}

/* In place: @z (k scores) becomes probabilities; returns log Σ exp(z). */
static double
softmax (double *z,
         guint   k)
{
  double top = z[0], sum = 0, lse;

  for (guint c = 1; c < k; c++)
    top = MAX (top, z[c]);
  for (guint c = 0; c < k; c++)
    sum += exp (z[c] - top);
  lse = top + log (sum);
  for (guint c = 0; c < k; c++)
    z[c] = exp (z[c] - lse);
  return lse;
}

static void
linear_predict (const AxFitted *m,
                const AxMatrix *x,
                double         *out)
{
  g_return_if_fail (x->n_features == m->n_features);

  linear_scores (m, x, out);
  if (m->kind == KIND_LOGISTIC)
    for (guint i = 0; i < x->n_rows; i++)
      softmax (out + (gsize) i * m->n_outputs, m->n_outputs);
}

static double *
linear_importance (const AxFitted *m)
{
  return NULL;
}

/* The blob: "AXLN", then little-endian uint32 format version, kind,
 * n_features and n_outputs, then the doubles intercept[n_outputs] and
 * coef[n_features * n_outputs]. */

#define BLOB_MAGIC   "AXLN"
#define BLOB_VERSION 1
#define BLOB_HEADER  (4 + 4 * 4)

static GBytes *
linear_save (const AxFitted *m)
{
  gsize n_coef = (gsize) m->n_features * m->n_outputs;
  GByteArray *b = ax_blob_writer_new (BLOB_MAGIC, BLOB_VERSION,
                                      BLOB_HEADER + 8 * (m->n_outputs + n_coef));

  ax_blob_put_u32 (b, m->kind);
  ax_blob_put_u32 (b, m->n_features);
  ax_blob_put_u32 (b, m->n_outputs);
  for (guint k = 0; k < m->n_outputs; k++)
    ax_blob_put_f64 (b, m->intercept[k]);
  for (gsize j = 0; j < n_coef; j++)
    ax_blob_put_f64 (b, m->coef[j]);
  return g_byte_array_free_to_bytes (b);
}

static AxFitted *
linear_load (Kind     kind,
             GBytes  *blob,
             GError **error)
{
  AxBlobReader r;
  guint32 version, stored_kind, n_features, n_outputs;
  guint64 n_coef;
  AxFitted *m;

  ax_blob_reader_init (&r, blob);
  if (!ax_blob_read_magic (&r, BLOB_MAGIC) || !ax_blob_read_u32 (&r, &version))
    return ax_blob_error (error, _("The saved linear model is damaged: it does not start as one"));
  if (version > BLOB_VERSION)
    return ax_blob_error (error,
                          _("The linear model was saved by a newer version of Auspex "
                            "(format %u; this version reads up to %u); update Auspex to use it"),
                          version, BLOB_VERSION);
  if (version == 0 || !ax_blob_read_u32 (&r, &stored_kind) ||
      !ax_blob_read_u32 (&r, &n_features) || !ax_blob_read_u32 (&r, &n_outputs))
    return ax_blob_error (error, _("The saved linear model is damaged: its header is incomplete"));
  if (stored_kind != kind)
    return ax_blob_error (error,
                          kind == KIND_RIDGE
                          ? _("The saved model is not a linear regression")
                          : _("The saved model is not a logistic regression"));
  n_coef = (guint64) n_features * n_outputs;
  if ((kind == KIND_RIDGE ? n_outputs != 1 : n_outputs < 2)
      || ax_blob_reader_remaining (&r) != 8 * ((guint64) n_outputs + n_coef))
    return ax_blob_error (error, _("The saved linear model is damaged: it is truncated or its sizes do not match"));

  /* The size was checked: every read below succeeds. */
  m = fitted_new (kind, n_features, n_outputs);
  for (guint k = 0; k < n_outputs; k++)
    ax_blob_read_f64 (&r, &m->intercept[k]);
  for (guint64 j = 0; j < n_coef; j++)
    ax_blob_read_f64 (&r, &m->coef[j]);
  return m;
}

static AxFitted *
ridge_load (GBytes  *blob,
            GError **error)
{
  return linear_load (KIND_RIDGE, blob, error);
}

static AxFitted *
logistic_load (GBytes  *blob,
               GError **error)
{
  return linear_load (KIND_LOGISTIC, blob, error);
}

/* Σ a[j] b[j], in four interleaved partial sums for speed; the order is
 * fixed, so the result is too. */
static double
dot (const double *a,
     const double *b,
     guint         n)
{
  double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  guint j = 0;

  for (; j + 4 <= n; j += 4)
    {
      s0 += a[j] * b[j];
      s1 += a[j + 1] * b[j + 1];
      s2 += a[j + 2] * b[j + 2];
      s3 += a[j + 3] * b[j + 3];
    }
  for (; j < n; j++)
    s0 += a[j] * b[j];
  return (s0 + s1) + (s2 + s3);
}

/* Ridge regression */

/* The centred weighted Gram matrix X'W X and X'W y are summed over blocks
 * of rows.  A block is copied once as doubles, scaled by √wᵢ and centred
 * (D, sized to stay in cache); then each task adds D'D for GRAM_COLS rows
 * of the matrix's upper triangle, with GRAM_COLS independent sums per
 * entry that the processor overlaps.  Each entry is a sum over blocks in
 * block order, so the result does not depend on the number of threads. */
#define GRAM_COLS 8

typedef struct {
  guint           p;
  guint           len;      /* rows in this block */
  guint           stride;   /* rows D has room for */
  const double   *d;        /* d[f * stride + i] = √wᵢ (x[f, i] − mean[f]) */
  const double   *dy;       /* √wᵢ (yᵢ − ȳ) */
  double         *gram;     /* p x p, upper triangle: gram[a * p + b], b >= a */
  double         *rhs;      /* X'W(y − ȳ) */
} Gram;

static void
gram_block (guint    task,
            gpointer data)
{
  Gram *g = data;
  guint p = g->p, len = g->len, a0 = task * GRAM_COLS, na = MIN (GRAM_COLS, p - a0);
  const double *u[GRAM_COLS];

  /* Past the last feature, point at the first: those sums are dropped. */
  for (guint k = 0; k < GRAM_COLS; k++)
    u[k] = g->d + (gsize) (k < na ? a0 + k : a0) * g->stride;
  for (guint k = 0; k < na; k++)
    g->rhs[a0 + k] += dot (u[k], g->dy, len);

  for (guint b = a0; b < p; b++)
    {
      const double *v = g->d + (gsize) b * g->stride;
      double s[GRAM_COLS] = { 0 };

      G_STATIC_ASSERT (GRAM_COLS == 8);
      for (guint i = 0; i < len; i++)
        {
          double vi = v[i];
          s[0] += u[0][i] * vi;
          s[1] += u[1][i] * vi;
          s[2] += u[2][i] * vi;
          s[3] += u[3][i] * vi;
          s[4] += u[4][i] * vi;
          s[5] += u[5][i] * vi;
          s[6] += u[6][i] * vi;
          s[7] += u[7][i] * vi;
        }
      for (guint k = 0; k < na && a0 + k <= b; k++)
        g->gram[(gsize) (a0 + k) * p + b] += s[k];
    }
}

/* Cholesky factor of A = upper(gram) + ridge·I, written below the diagonal
 * of @gram with the diagonal in @diag, so that the upper triangle survives
 * for another attempt.  FALSE if A is not numerically positive definite
 * (or on cancellation).
 *
 * Column blocks, left to right (Crout): the block's rows on and above the
 * diagonal first, then every later row's entries in the block, which are
 * independent of one another and shared out among threads.  Every entry
 * is the same expression whatever the split, so the factor is too. */
#define CHOL_BLOCK 64

typedef struct {
  double       *gram;
  const double *diag;
  guint         p, j0, j1;
} Chol;

static inline void
chol_entry (double       *gram,
            const double *diag,
            guint         p,
            guint         i,
            guint         j)
{
  double *li = gram + (gsize) i * p;

  li[j] = (gram[(gsize) j * p + i] - dot (li, gram + (gsize) j * p, j)) / diag[j];
}

static void
chol_rows (guint    task,
           gpointer data)
{
  Chol *c = data;
  guint first = c->j1 + task * CHOL_BLOCK, last = MIN (c->p, first + CHOL_BLOCK);

  for (guint i = first; i < last; i++)
    for (guint j = c->j0; j < c->j1; j++)
      chol_entry (c->gram, c->diag, c->p, i, j);
}

static gboolean
cholesky (double               *gram,
          double                ridge,
          double               *diag,
          guint                 p,
          const AxTrainMonitor *monitor,
          GCancellable         *cancellable)
{
  for (guint j0 = 0; j0 < p; j0 += CHOL_BLOCK)
    {
      Chol c = { gram, diag, p, j0, MIN (p, j0 + CHOL_BLOCK) };
      guint n_below = p - c.j1;

      if (g_cancellable_is_cancelled (cancellable))
        return FALSE;
      for (guint i = c.j0; i < c.j1; i++)
        {
          double *li = gram + (gsize) i * p;
          double s;

          for (guint j = c.j0; j < i; j++)
            chol_entry (gram, diag, p, i, j);
          s = gram[(gsize) i * p + i] + ridge - dot (li, li, i);
          if (!(s > 0 && isfinite (s)))
            return FALSE;
          diag[i] = sqrt (s);
        }
      ax_run_tasks ((n_below + CHOL_BLOCK - 1) / CHOL_BLOCK,
                 threads_for (monitor, (double) n_below * (c.j1 - c.j0) * c.j1),
                 chol_rows, &c);
    }
  return TRUE;
}

static void
cholesky_solve (const double *gram,
                const double *diag,
                guint         p,
                double       *x)      /* in: right-hand side; out: solution */
{
  for (guint i = 0; i < p; i++)
    {
      const double *li = gram + (gsize) i * p;
      for (guint k = 0; k < i; k++)
        x[i] -= li[k] * x[k];
      x[i] /= diag[i];
    }
  for (guint i = p; i-- > 0;)
    {
      for (guint k = i + 1; k < p; k++)
        x[i] -= gram[(gsize) k * p + i] * x[k];
      x[i] /= diag[i];
    }
}

static double
r2_score (const AxFitted *m,
          const AxMatrix *x,
          const AxTarget *y)
{
  g_autofree double *pred = g_new (double, MAX (x->n_rows, 1));
  double ss_res = 0, ss_tot;

  if (x->n_rows == 0)
    return NAN;
  linear_predict (m, x, pred);
  for (guint i = 0; i < x->n_rows; i++)
    ss_res += (y->y[i] - pred[i]) * (y->y[i] - pred[i]);
  ss_tot = ax_total_sum_of_squares (y->y, x->n_rows);
  return ss_tot > 0 ? 1 - ss_res / ss_tot : NAN;
}

static AxFitted *
ridge_fit (const AxMatrix       *train,
           const AxTarget       *train_y,
           const AxMatrix       *valid,
           const AxTarget       *valid_y,
           const AxParams       *params,
           const AxTrainMonitor *monitor,
           GCancellable         *cancellable,
           GError              **error)
{
  guint n = train->n_rows, p = train->n_features;
  double alpha = ax_params_get_number (params, "alpha");
  gboolean intercept = ax_params_get_number (params, "fit_intercept") != 0;
  g_autoptr(AxFitted) m = NULL;
  g_autofree double *w = NULL, *mean = NULL, *gram = NULL, *d = NULL, *dy = NULL;
  g_autofree double *rhs = NULL, *diag = NULL, *beta = NULL;
  double sw = 0, ymean = 0, scale = 0, jitter = 0;
  guint block;
  Gram g;

  if (train_y->task != AX_TASK_REGRESSION)
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                   _("algorithm: linear_regression predicts numbers; use logistic_regression for classes"));
      return NULL;
    }
  if (!check_rows (train, train_y, "linear_regression", error))
    return NULL;

  gram = g_try_malloc0_n ((gsize) p * p + 1, sizeof (double));
  if (gram == NULL)
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_DATA,
                   _("There are too many features (%u) for linear regression to fit in memory"), p);
      return NULL;
    }

  w = g_new (double, n);
  for (guint i = 0; i < n; i++)
    {
      w[i] = train_y->weight != NULL ? train_y->weight[i] : 1;
      sw += w[i];
    }
  if (!(sw > 0))
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_DATA,
                   _("Every training row has a weight of zero"));
      return NULL;
    }

  mean = g_new0 (double, p + 1);
  if (intercept)
    {
      for (guint f = 0; f < p; f++)
        {
          const float *col = train->x + (gsize) f * n;
          double s = 0;
          for (guint i = 0; i < n; i++)
            s += w[i] * col[i];
          mean[f] = s / sw;
        }
      for (guint i = 0; i < n; i++)
        ymean += w[i] * train_y->y[i];
      ymean /= sw;
    }

  /* Blocks of about 2 MB of doubles; the block size depends on the shape
   * of the data only. */
  block = CLAMP ((1u << 18) / MAX (p, 1), 16, 8192);
  d = g_try_malloc_n ((gsize) block * p + 1, sizeof (double));
  rhs = g_new0 (double, p + 1);
  dy = g_new (double, block);
  if (d == NULL)
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_DATA,
                   _("There are too many features (%u) for linear regression to fit in memory"), p);
      return NULL;
    }
  g = (Gram) { p, 0, block, d, dy, gram, rhs };
  report_progress (monitor, 0, _("Summing the feature products"));
  for (guint r0 = 0; r0 < n; r0 += block)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      g.len = MIN (block, n - r0);
      for (guint i = 0; i < g.len; i++)
        dy[i] = sqrt (w[r0 + i]) * (train_y->y[r0 + i] - ymean);
      for (guint f = 0; f < p; f++)
        {
          const float *col = train->x + (gsize) f * n + r0;
          for (guint i = 0; i < g.len; i++)
            d[(gsize) f * block + i] = sqrt (w[r0 + i]) * ((double) col[i] - mean[f]);
        }
      ax_run_tasks ((p + GRAM_COLS - 1) / GRAM_COLS,
                 threads_for (monitor, (double) g.len * p * p / 2),
                 gram_block, &g);
      report_progress (monitor, 0.8 * (r0 + g.len) / n, _("Summing the feature products"));
    }

  /* Without a penalty, collinear features leave the matrix singular: add
   * the smallest ridge that makes it solvable, relative to its scale. */
  report_progress (monitor, 0.8, _("Solving for the coefficients"));
  for (guint f = 0; f < p; f++)
    scale = MAX (scale, gram[(gsize) f * p + f]);
  scale = scale > 0 ? scale : 1;
  diag = g_new (double, p + 1);
  for (;;)
    {
      if (cholesky (gram, alpha + jitter, diag, p, monitor, cancellable))
        break;
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      jitter = jitter == 0 ? 1e-12 * scale : jitter * 100;
      if (jitter > 1e-2 * scale)
        {
          g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_DATA,
                       _("Linear regression could not solve for the coefficients; "
                         "raise hyperparameters.alpha"));
          return NULL;
        }
    }
  beta = g_steal_pointer (&rhs);
  cholesky_solve (gram, diag, p, beta);

  m = fitted_new (KIND_RIDGE, p, 1);
  memcpy (m->coef, beta, p * sizeof (double));
  m->intercept[0] = ymean;
  for (guint f = 0; f < p; f++)
    m->intercept[0] -= beta[f] * mean[f];

  report_step (monitor, 1, 1,
               valid != NULL && valid_y != NULL ? r2_score (m, valid, valid_y) : NAN);
  report_progress (monitor, 1, NULL);
  return g_steal_pointer (&m);
}

/* Logistic regression: the objective and its gradient */

typedef struct {
  const AxMatrix *x;
  const double   *y;
  const double   *w;
  guint           k;
  guint           rows_per_block;
  const double   *theta;    /* (p + 1) x k: theta[f * k + c], row p the intercepts */
  double         *loss;     /* per block */
  double         *grad;     /* per block, (p + 1) x k */
} Objective;

static void
objective_block (guint    block,
                 gpointer data)
{
  Objective *o = data;
  guint n = o->x->n_rows, p = o->x->n_features, k = o->k;
  guint r0 = block * o->rows_per_block, r1 = MIN (n, r0 + o->rows_per_block);
  guint len = r1 - r0;
  gsize stride = (gsize) (p + 1) * k;
  double *grad = o->grad + block * stride;
  g_autofree double *z = g_new (double, (gsize) len * k);
  double loss = 0;

  for (guint i = 0; i < len; i++)
    memcpy (z + (gsize) i * k, o->theta + (gsize) p * k, k * sizeof (double));
  for (guint f = 0; f < p; f++)
    {
      const float *col = o->x->x + (gsize) f * n + r0;
      const double *t = o->theta + (gsize) f * k;
      for (guint i = 0; i < len; i++)
        for (guint c = 0; c < k; c++)
          z[(gsize) i * k + c] += t[c] * col[i];
    }

  /* z becomes the residual wᵢ (pᵢ − 1[yᵢ = c]). */
  for (guint i = 0; i < len; i++)
    {
      double *zi = z + (gsize) i * k;
      guint yi = (guint) o->y[r0 + i];
      double wi = o->w[r0 + i];
      double z_y = zi[yi];

      loss += wi * (softmax (zi, k) - z_y);
      zi[yi] -= 1;
      for (guint c = 0; c < k; c++)
        zi[c] *= wi;
    }

  memset (grad, 0, stride * sizeof (double));
  for (guint f = 0; f < p; f++)
    {
      const float *col = o->x->x + (gsize) f * n + r0;
      double *gf = grad + (gsize) f * k;
      for (guint i = 0; i < len; i++)
        for (guint c = 0; c < k; c++)
          gf[c] += z[(gsize) i * k + c] * col[i];
    }
  for (guint i = 0; i < len; i++)
    for (guint c = 0; c < k; c++)
      grad[(gsize) p * k + c] += z[(gsize) i * k + c];
  o->loss[block] = loss;
}

typedef struct {
  Objective  obj;
  guint      n_blocks;
  guint      n_threads;
  guint      dim;
  double     inv_sw;        /* 1 / Σ wᵢ */
  double     lambda;        /* 1 / (C Σ wᵢ) */
  gboolean   intercept;
} Problem;

/* f(θ) and ∇f(θ) into @grad. */
static double
evaluate (Problem      *pb,
          const double *theta,
          double       *grad)
{
  guint p = pb->obj.x->n_features, k = pb->obj.k;
  double f = 0, penalty = 0;

  pb->obj.theta = theta;
  ax_run_tasks (pb->n_blocks, pb->n_threads, objective_block, &pb->obj);

  memset (grad, 0, pb->dim * sizeof (double));
  for (guint b = 0; b < pb->n_blocks; b++)
    {
      const double *gb = pb->obj.grad + (gsize) b * pb->dim;
      f += pb->obj.loss[b];
      for (guint j = 0; j < pb->dim; j++)
        grad[j] += gb[j];
    }
  f *= pb->inv_sw;
  for (guint j = 0; j < pb->dim; j++)
    grad[j] *= pb->inv_sw;
  for (gsize j = 0; j < (gsize) p * k; j++)
    {
      penalty += theta[j] * theta[j];
      grad[j] += pb->lambda * theta[j];
    }
  if (!pb->intercept)
    memset (grad + (gsize) p * k, 0, k * sizeof (double));
  return f + 0.5 * pb->lambda * penalty;
}

static double
max_abs (const double *a,
         guint         n)
{
  double m = 0;

  for (guint j = 0; j < n; j++)
    m = MAX (m, fabs (a[j]));
  return m;
}

static void
theta_to_fitted (const double *theta,
                 AxFitted     *m)
{
  gsize n_coef = (gsize) m->n_features * m->n_outputs;

  memcpy (m->coef, theta, n_coef * sizeof (double));
  memcpy (m->intercept, theta + n_coef, m->n_outputs * sizeof (double));
}

/* Unweighted log loss of the current model on the validation rows, with
 * probabilities clipped as ax-metrics.c does. */
static double
validation_log_loss (const AxFitted *m,
                     const AxMatrix *x,
                     const AxTarget *y,
                     double         *scratch)
{
  guint k = m->n_outputs;
  double loss = 0;

  if (x->n_rows == 0)
    return NAN;
  linear_predict (m, x, scratch);
  for (guint i = 0; i < x->n_rows; i++)
    loss -= log (CLAMP (scratch[(gsize) i * k + (guint) y->y[i]], 1e-15, 1 - 1e-15));
  return loss / x->n_rows;
}

#define LBFGS_MEMORY 10
#define ARMIJO       1e-4

/* L-BFGS two-loop recursion: d = −H∇f from the stored pairs, oldest first
 * at index (newest + 1 + j) mod m. */
static void
lbfgs_direction (const double *g,
                 double       *d,
                 double      **s,
                 double      **yv,
                 double       *rho,
                 double       *a,
                 guint         n_pairs,
                 guint         newest,
                 guint         dim)
{
  for (guint j = 0; j < dim; j++)
    d[j] = -g[j];
  for (guint t = 0; t < n_pairs; t++)
    {
      guint i = (newest + LBFGS_MEMORY - t) % LBFGS_MEMORY;
      a[i] = rho[i] * dot (s[i], d, dim);
      for (guint j = 0; j < dim; j++)
        d[j] -= a[i] * yv[i][j];
    }
  if (n_pairs > 0)
    {
      double gamma = dot (s[newest], yv[newest], dim) / dot (yv[newest], yv[newest], dim);
      for (guint j = 0; j < dim; j++)
        d[j] *= gamma;
    }
  for (guint t = n_pairs; t-- > 0;)
    {
      guint i = (newest + LBFGS_MEMORY - t) % LBFGS_MEMORY;
      double b = rho[i] * dot (yv[i], d, dim);
      for (guint j = 0; j < dim; j++)
        d[j] += (a[i] - b) * s[i][j];
    }
}

static AxFitted *
logistic_fit (const AxMatrix       *train,
              const AxTarget       *train_y,
              const AxMatrix       *valid,
              const AxTarget       *valid_y,
              const AxParams       *params,
              const AxTrainMonitor *monitor,
              GCancellable         *cancellable,
              GError              **error)
{
  guint n = train->n_rows, p = train->n_features, k = train_y->n_classes;
  double c_inv = ax_params_get_number (params, "C");
  guint max_iter = (guint) ax_params_get_number (params, "max_iter");
  double tol = ax_params_get_number (params, "tol");
  gboolean balanced = g_strcmp0 (ax_params_get_string (params, "class_weight"), "balanced") == 0;
  gboolean score_valid = valid != NULL && valid_y != NULL && valid->n_rows > 0;
  g_autoptr(AxFitted) m = NULL;
  g_autofree double *w = NULL, *counts = NULL, *theta = NULL, *grad = NULL;
  g_autofree double *x_new = NULL, *grad_new = NULL, *d = NULL, *a = NULL, *rho = NULL;
  g_autofree double *pair_mem = NULL, *block_loss = NULL, *block_grad = NULL;
  g_autofree double *scratch = NULL;
  double *s[LBFGS_MEMORY], *yv[LBFGS_MEMORY];
  guint n_pairs = 0, newest = LBFGS_MEMORY - 1, n_present = 0, dim;
  double sw = 0, f;
  Problem pb;

  if (train_y->task != AX_TASK_CLASSIFICATION || k < 2)
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                   _("algorithm: logistic_regression predicts classes; use linear_regression for numbers"));
      return NULL;
    }
  if (!check_rows (train, train_y, "logistic_regression", error))
    return NULL;

  counts = g_new0 (double, k);
  for (guint i = 0; i < n; i++)
    {
      double yi = train_y->y[i];
      if (!(yi >= 0 && yi < k && yi == floor (yi)))
        {
          g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_DATA,
                       _("Training row %u has no valid class"), i + 1);
          return NULL;
        }
      counts[(guint) yi]++;
    }
  for (guint c = 0; c < k; c++)
    n_present += counts[c] > 0;
  if (n_present < 2)
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_DATA,
                   _("Every training row has the same class; a classifier needs at least two"));
      return NULL;
    }

  /* Balanced weights as scikit-learn: n / (classes present × class count).
   * Weights the pipeline already computed take precedence. */
  w = g_new (double, n);
  for (guint i = 0; i < n; i++)
    {
      if (train_y->weight != NULL)
        w[i] = train_y->weight[i];
      else if (balanced)
        w[i] = n / (n_present * counts[(guint) train_y->y[i]]);
      else
        w[i] = 1;
      sw += w[i];
    }
  if (!(sw > 0))
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_DATA,
                   _("Every training row has a weight of zero"));
      return NULL;
    }

  dim = (p + 1) * k;
  pb.obj.x = train;
  pb.obj.y = train_y->y;
  pb.obj.w = w;
  pb.obj.k = k;
  pb.obj.rows_per_block = block_rows (n);
  pb.n_blocks = (n + pb.obj.rows_per_block - 1) / pb.obj.rows_per_block;
  pb.n_threads = threads_for (monitor, (double) n * dim);
  pb.dim = dim;
  pb.inv_sw = 1 / sw;
  pb.lambda = 1 / (c_inv * sw);
  pb.intercept = ax_params_get_number (params, "fit_intercept") != 0;
  block_loss = g_new (double, pb.n_blocks);
  block_grad = g_new (double, (gsize) pb.n_blocks * dim);
  pb.obj.loss = block_loss;
  pb.obj.grad = block_grad;

  theta = g_new0 (double, dim);
  grad = g_new (double, dim);
  x_new = g_new (double, dim);
  grad_new = g_new (double, dim);
  d = g_new (double, dim);
  a = g_new (double, LBFGS_MEMORY);
  rho = g_new (double, LBFGS_MEMORY);
  pair_mem = g_new (double, (gsize) 2 * LBFGS_MEMORY * dim);
  for (guint i = 0; i < LBFGS_MEMORY; i++)
    {
      s[i] = pair_mem + (gsize) i * dim;
      yv[i] = pair_mem + (gsize) (LBFGS_MEMORY + i) * dim;
    }
  m = fitted_new (KIND_LOGISTIC, p, k);
  if (score_valid)
    scratch = g_new (double, (gsize) valid->n_rows * k);

  f = evaluate (&pb, theta, grad);
  for (guint iter = 1; iter <= max_iter && max_abs (grad, dim) > tol; iter++)
    {
      g_autofree char *detail = NULL;
      double gd, t, f_new = f, f_old = f;
      gboolean accepted = FALSE;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;

      lbfgs_direction (grad, d, s, yv, rho, a, n_pairs, newest, dim);
      gd = dot (grad, d, dim);
      if (!(gd < 0))
        {
          /* Not a descent direction: forget the history. */
          n_pairs = 0;
          for (guint j = 0; j < dim; j++)
            d[j] = -grad[j];
          gd = dot (grad, d, dim);
        }
      /* Without curvature information, a first step of length at most 1. */
      t = n_pairs > 0 ? 1 : MIN (1, 1 / sqrt (-gd));
      for (guint tries = 0; tries < 60; tries++, t *= 0.5)
        {
          for (guint j = 0; j < dim; j++)
            x_new[j] = theta[j] + t * d[j];
          f_new = evaluate (&pb, x_new, grad_new);
          if (f_new <= f + ARMIJO * t * gd)
            {
              accepted = TRUE;
              break;
            }
        }
      if (!accepted)
        break;   /* No decrease within rounding: as good as it gets. */

      newest = (newest + 1) % LBFGS_MEMORY;
      for (guint j = 0; j < dim; j++)
        {
          s[newest][j] = x_new[j] - theta[j];
          yv[newest][j] = grad_new[j] - grad[j];
        }
      {
        double sy = dot (s[newest], yv[newest], dim);
        double yy = dot (yv[newest], yv[newest], dim);
        if (sy > 1e-10 * yy && yy > 0)
          {
            rho[newest] = 1 / sy;
            n_pairs = MIN (n_pairs + 1, LBFGS_MEMORY);
          }
        else
          newest = (newest + LBFGS_MEMORY - 1) % LBFGS_MEMORY;
      }
      memcpy (theta, x_new, dim * sizeof (double));
      memcpy (grad, grad_new, dim * sizeof (double));
      f = f_new;

      theta_to_fitted (theta, m);
      report_step (monitor, iter, max_iter,
                   score_valid ? validation_log_loss (m, valid, valid_y, scratch) : NAN);
      detail = g_strdup_printf (_("Iteration %u of at most %u"), iter, max_iter);
      report_progress (monitor, (double) iter / max_iter, detail);

      if (f_old - f <= 16 * DBL_EPSILON * MAX (1, fabs (f)))
        break;
    }

  theta_to_fitted (theta, m);
  report_progress (monitor, 1, NULL);
  return g_steal_pointer (&m);
}

/* The algorithms */

static const AxParamSpec ridge_params[] = {
  { "alpha", AX_PARAM_REAL, 0, 1e6, 1.0, NULL,
    N_("Strength of the penalty on large coefficients; 0 is ordinary least squares") },
  { "fit_intercept", AX_PARAM_BOOL, 0, 1, 1, NULL,
    N_("Learn a constant term (otherwise the model passes through zero)") },
  { NULL }
};

static const AxParamSpec logistic_params[] = {
  { "C", AX_PARAM_REAL, 1e-6, 1e6, 1.0, NULL,
    N_("Inverse strength of the penalty: smaller values give simpler models") },
  { "max_iter", AX_PARAM_INT, 1, 10000, 200, NULL,
    N_("Most optimiser iterations") },
  { "tol", AX_PARAM_REAL, 0, 1, 1e-6, NULL,
    N_("Stop when the largest gradient component falls below this") },
  { "fit_intercept", AX_PARAM_BOOL, 0, 1, 1, NULL,
    N_("Learn a constant term for each class") },
  { "class_weight", AX_PARAM_CHOICE, 0, 0, 0, "none|balanced",
    N_("“balanced” weights rows so that every class counts as much in total") },
  { NULL }
};

const AxAlgorithm ax_linear_regression_algorithm = {
  .name = "linear_regression",
  .label = N_("Linear regression"),
  .regression = TRUE,
  .classification = FALSE,
  .params = ridge_params,
  .fit = ridge_fit,
  .predict = linear_predict,
  .importance = linear_importance,
  .save = linear_save,
  .load = ridge_load,
  .free = linear_free,
};

const AxAlgorithm ax_logistic_regression_algorithm = {
  .name = "logistic_regression",
  .label = N_("Logistic regression"),
  .regression = FALSE,
  .classification = TRUE,
  .params = logistic_params,
  .fit = logistic_fit,
  .predict = linear_predict,
  .importance = linear_importance,
  .save = linear_save,
  .load = logistic_load,
  .free = linear_free,
};
