/* ax-seasonal.c — the "seasonal" detector: a robust baseline of trend and cycles
 *
 * Each metric gets its own baseline, learnt from its history, in the
 * spirit of STL (Cleveland et al. 1990) with running medians in place of
 * loess, so that anomalies in the history barely move it:
 *
 * 1. Cycles.  The candidates are a day, a week and a year (1, 7 and 365.25
 *    days), each tried when a cycle spans at least four time steps (the
 *    median gap between rows) and the history two cycles.  Their phase bins
 *    are hours of the day, hours (or days) of the week and weeks of the
 *    year, merged on short histories so that a window holds at least five
 *    values.  A cycle's value at a row is the median of the detrended values
 *    of its bin within 28 days, 13 weeks or 7 years around it, so that the
 *    weekly shape may change with the seasons and over the years.  A
 *    candidate is kept when it explains variance out of sample: the even
 *    cycles predict the odd ones and back, which must shrink the trimmed
 *    variance (the largest 5% of squared deviations left out) by 10% or
 *    more.  Shorter periods are tested first, each on what the kept shorter
 *    ones leave, so that several cycles can be kept at once.
 * 2. Trend.  A running median of the values less the cycles, over a year
 *    when the yearly cycle is kept (so that it cannot follow the seasons),
 *    otherwise over three of the longest candidate below a year (at least
 *    15 time steps).  Windows at either end of the history are shifted
 *    inwards rather than cut; beyond the history trend and cycles keep
 *    their last level.  Trend and cycles are re-estimated in turn three
 *    times (backfitting).
 * 3. Scale.  The residuals r = value − baseline are scaled per cell of the
 *    phase of the shortest kept cycle (up to 24 cells: hour of day, day of
 *    week) and of the longest (12: month of year), since noise differs
 *    between a Saturday and a Monday, a January and a July.  A cell's scale
 *    starts from 1.4826 MAD and becomes the root mean square of the
 *    deviations within 4 times it (three rounds): heavy tails such as busy
 *    days count, gross outliers such as holidays do not.  Cell median and
 *    scale are shrunk towards those of all residuals, the whole weighing
 *    as 30 residuals of the cell.
 * 4. Score.  z = (r − center) / scale; a row scores by the map
 *    robust_zscore uses, of the largest |z| of its metrics:
 *    1 − exp (−ln (1/0.3) · (z/k)²), k the "threshold" parameter (3.5):
 *    |z| = k scores 0.7 ("medium"), 2.66 0.5 ("low"), 4.39 0.85 ("high"),
 *    5.52 0.95 ("critical").  The expected range is the baseline ± k ·
 *    scale; the metrics share a row's score in proportion to z².
 */

#include "ax-config.h"
#include "ax-detect-private.h"
#include "ax-detectors-private.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define N_CANDIDATES        3
#define YEAR                365.25
#define MIN_PER_BIN         5.0
#define MIN_EXPLAINED       0.1
#define TRIM                0.05
#define N_BACKFIT           3
#define ANCHORS_PER_WINDOW  32
#define MAD_TO_SD           1.4826
#define CLIP                4.0
#define CLIP_ROUNDS         3
#define MEAN_AD_TO_SD       1.2533141373155003   /* sqrt (pi / 2) */
#define SCALE_EPSILON       1e-9
#define SHRINK              30.0
/* ln (1 / 0.3): |z| = threshold scores 0.7, as in ax-zscore.c. */
#define SCORE_RATE          1.2039728043259361

/* Candidate periods (days), the cycles a bin's window spans and the most
 * bins: hours of the day, hours of the week, weeks of the year (a bin of
 * a day of the year would learn a holiday from the years it fell on a
 * weekday and expect it on a Sunday too). */
static const struct {
  double period;
  double window;
  double max_bins;
} candidates[N_CANDIDATES] = {
  { 1.0, 28, 24 }, { 7.0, 13, 168 }, { YEAR, 7, 52 },
};

typedef struct {
  double  period;            /* days */
  double  width;             /* days: the window a bin's value is the median over */
  guint   n_bins;
  gsize  *start;             /* n_bins + 1 offsets into t and v */
  double *t;                 /* each bin's times, ascending */
  double *v;                 /* and values less trend and the other cycles */
} Cycle;

typedef struct {
  guint   n_cycles;          /* kept, shortest first */
  Cycle   cycles[N_CANDIDATES];
  guint   n_anchors;         /* the trend: values at anchor times, interpolated */
  double *anchor_t;
  double *anchor_v;
  double  seg_period[2];     /* scale cells: phases of the shortest and longest cycle */
  guint   n_segs[2];
  double *center;            /* n_segs[0] x n_segs[1] */
  double *scale;
} MetricModel;

struct _AxDetectorState {
  guint        n_metrics;
  double       threshold;
  MetricModel *models;
  gsize        max_bin;      /* the most values in one bin, for scratch space */
};

static const AxParamSpec seasonal_params[] = {
  { "threshold", AX_PARAM_REAL, 0.5, 100, 3.5, NULL,
    N_("Robust z-score of a residual from the baseline that scores 0.7, the “medium” severity; the expected range is the baseline ± this many") },
  { "periods", AX_PARAM_CHOICE, 0, 0, 0, "auto|none",
    N_("Cycles of the baseline: “auto” tests daily, weekly and yearly cycles on the data; “none” fits a trend only") },
  { NULL }
};

/* Robust statistics */

/* The median absolute deviation from @center; @v is overwritten. */
static double
mad_inplace (double *v,
             gsize   n,
             double  center)
{
  for (gsize i = 0; i < n; i++)
    v[i] = fabs (v[i] - center);
  return ax_detect_median (v, n);
}

/* The mean square deviation from the median without the largest TRIM of
 * squared deviations: a spread that sees a weekend in every week but not
 * a handful of anomalies.  @scratch holds @n values. */
static double
trimmed_variance (const double *v,
                  gsize         n,
                  double       *scratch)
{
  double center, sum = 0;
  gsize keep;

  memcpy (scratch, v, n * sizeof (double));
  center = ax_detect_median (scratch, n);
  for (gsize i = 0; i < n; i++)
    scratch[i] = (v[i] - center) * (v[i] - center);
  keep = MAX ((gsize) 1, (gsize) ceil ((1 - TRIM) * n));
  if (keep < n)
    ax_detect_select (scratch, n, keep - 1);
  for (gsize i = 0; i < keep; i++)
    sum += scratch[i];
  return sum / keep;
}

/* First index with t[i] >= @value in the ascending @t. */
static gsize
lower_bound (const double *t,
             gsize         n,
             double        value)
{
  gsize lo = 0, hi = n;

  while (lo < hi)
    {
      gsize mid = lo + (hi - lo) / 2;
      if (t[mid] < value)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

/* A robust standard deviation of @v about @center (@v overwritten): 1.4826
 * MAD (else 1.2533 times the mean absolute deviation, else a sliver of
 * @level), then the root mean square of the deviations within CLIP times
 * it, CLIP_ROUNDS times (see the top of the file). */
static double
robust_scale (double *v,
              gsize   n,
              double  center,
              double  level)
{
  double sum = 0, s;

  if (n == 0)
    return NAN;
  for (gsize i = 0; i < n; i++)
    sum += fabs (v[i] - center);
  s = MAD_TO_SD * mad_inplace (v, n, center);      /* v now holds |v - center| */
  if (!(s > 0))
    s = MEAN_AD_TO_SD * sum / n;
  if (!(s > 0))
    return SCALE_EPSILON * MAX (1, fabs (level));
  for (guint round = 0; round < CLIP_ROUNDS; round++)
    {
      double sum2 = 0;
      gsize k = 0;

      for (gsize i = 0; i < n; i++)
        if (v[i] <= CLIP * s)
          sum2 += v[i] * v[i], k++;
      if (k == 0 || !(sum2 > 0))
        break;
      s = sqrt (sum2 / k);
    }
  return s;
}

/* Phases */

static gint64
cycle_index (double t,
             double period)
{
  return (gint64) floor (t / period + 1e-9);
}

/* Which of @n equal segments of a cycle of @period @t falls in. */
static guint
phase_segment (double t,
               double period,
               guint  n)
{
  double x = t / period;
  guint b = (guint) ((x - floor (x)) * n + 1e-7);

  /* A phase a rounding error short of 1 starts the next cycle. */
  return b < n ? b : 0;
}

/* Cycles */

static void
cycle_clear (Cycle *c)
{
  g_clear_pointer (&c->start, g_free);
  g_clear_pointer (&c->t, g_free);
  g_clear_pointer (&c->v, g_free);
}

static void
cycle_init (Cycle  *c,
            double  period,
            double  window,
            double  n_bins,
            gsize   n)
{
  c->period = period;
  c->width = period * window;
  c->n_bins = (guint) n_bins;
  c->start = g_new0 (gsize, c->n_bins + 1);
  c->t = g_new (double, MAX (n, 1));
  c->v = g_new (double, MAX (n, 1));
}

/* Bins of candidate @k: one per time step of a cycle, merged so that a
 * window holds at least MIN_PER_BIN values. */
static double
cycle_bins (guint  k,
            double dt,
            double span,
            gsize  n)
{
  double in_window = MIN (candidates[k].window, span / candidates[k].period);
  double merge = in_window >= MIN_PER_BIN ? 1 : ceil (MIN_PER_BIN / MAX (in_window, 1e-9));
  double bins = floor (candidates[k].period / dt / merge + 0.5);

  bins = MIN (bins, candidates[k].max_bins);
  bins = MIN (bins, floor (n / MIN_PER_BIN));
  return MAX (bins, 2);
}

/* Fills @c's bins with the rows (ascending times @t, values @r, bins
 * @bin) whose cycle has parity @parity (-1: every row).  The counting sort
 * is stable, so each bin stays in time order.  Returns the rows used. */
static gsize
cycle_fill (Cycle        *c,
            const double *t,
            const double *r,
            const guint  *bin,
            gsize         n,
            int           parity)
{
  g_autofree gsize *fill = g_new0 (gsize, c->n_bins);
  gsize used = 0;

  memset (c->start, 0, (c->n_bins + 1) * sizeof (gsize));
  for (gsize i = 0; i < n; i++)
    if (parity < 0 || (cycle_index (t[i], c->period) & 1) == parity)
      c->start[bin[i] + 1]++;
  for (guint b = 0; b < c->n_bins; b++)
    c->start[b + 1] += c->start[b];
  for (gsize i = 0; i < n; i++)
    if (parity < 0 || (cycle_index (t[i], c->period) & 1) == parity)
      {
        gsize at = c->start[bin[i]] + fill[bin[i]]++;
        c->t[at] = t[i];
        c->v[at] = r[i];
        used++;
      }
  return used;
}

/* The median of the @v whose ascending times @t (@k of them) lie within
 * @width days around @at, the window shifted inwards rather than cut at
 * either end of @t (the nearest value across a gap wider than it).
 * @scratch holds @k values. */
static double
window_median (const double *t,
               const double *v,
               gsize         k,
               double        at,
               double        width,
               double       *scratch)
{
  double a = at - width / 2, z = at + width / 2;
  gsize lo, hi;

  if (z - a >= t[k - 1] - t[0])
    a = t[0], z = t[k - 1];
  else if (a < t[0])
    a = t[0], z = t[0] + width;
  else if (z > t[k - 1])
    a = t[k - 1] - width, z = t[k - 1];
  lo = lower_bound (t, k, a);
  hi = lower_bound (t, k, nextafter (z, G_MAXDOUBLE));
  if (hi <= lo)
    return v[lo == k || (lo > 0 && at - t[lo - 1] < t[lo] - at) ? lo - 1 : lo];
  memcpy (scratch, v + lo, (hi - lo) * sizeof (double));
  return ax_detect_median (scratch, hi - lo);
}

/* The cycle's value in bin @b at time @t: the median of the bin's values
 * in the window around @t; 0 for an empty bin. */
static double
cycle_value (const Cycle *c,
             guint        b,
             double       t,
             double      *scratch)
{
  gsize first = c->start[b], k = c->start[b + 1] - first;

  return k > 0 ? window_median (c->t + first, c->v + first, k, t, c->width, scratch) : 0;
}

/* How much of the trimmed variance of @r cycle @c explains out of sample
 * (the even cycles predicting the odd and back); -1 when a half is empty. */
static double
cycle_explained (const Cycle  *c,
                 const double *t,
                 const double *r,
                 const guint  *bin,
                 gsize         n,
                 double       *scratch,
                 double       *scratch2)
{
  Cycle half[2] = { { 0 }, { 0 } };
  double explained = -1;

  for (int p = 0; p < 2; p++)
    cycle_init (&half[p], c->period, c->width / c->period, c->n_bins, n);
  if (cycle_fill (&half[0], t, r, bin, n, 0) > 0 && cycle_fill (&half[1], t, r, bin, n, 1) > 0)
    {
      double before, after;

      for (gsize i = 0; i < n; i++)
        scratch2[i] = r[i] - cycle_value (&half[1 - (cycle_index (t[i], c->period) & 1)],
                                          bin[i], t[i], scratch);
      before = trimmed_variance (r, n, scratch);
      after = trimmed_variance (scratch2, n, scratch);
      explained = before > 0 ? 1 - after / before : -1;
    }
  cycle_clear (&half[0]);
  cycle_clear (&half[1]);
  return explained;
}

/* Trend */

/* The running median of @v over windows of @width days, evaluated at
 * anchors about ANCHORS_PER_WINDOW per window and stored in @model. */
static void
trend_fit (MetricModel  *model,
           const double *t,
           const double *v,
           gsize         n,
           double        width,
           double        dt,
           double       *scratch)
{
  gsize stride = MAX ((gsize) 1, (gsize) (width / dt) / ANCHORS_PER_WINDOW);
  guint k = 0;

  g_free (model->anchor_t);
  g_free (model->anchor_v);
  model->anchor_t = g_new (double, n / stride + 2);
  model->anchor_v = g_new (double, n / stride + 2);
  for (gsize i = 0;; i = MIN (i + stride, n - 1))
    {
      if (k == 0 || t[i] > model->anchor_t[k - 1])
        {
          model->anchor_t[k] = t[i];
          model->anchor_v[k++] = window_median (t, v, n, t[i], width, scratch);
        }
      if (i == n - 1)
        break;
    }
  model->n_anchors = k;
}

static double
trend_at (const MetricModel *model,
          double             t)
{
  const double *at = model->anchor_t;
  guint n = model->n_anchors, j;

  if (t <= at[0])
    return model->anchor_v[0];
  if (t >= at[n - 1])
    return model->anchor_v[n - 1];
  j = lower_bound (at, n, t);          /* at[j - 1] < t <= at[j] */
  return model->anchor_v[j - 1] + (model->anchor_v[j] - model->anchor_v[j - 1]) *
         (t - at[j - 1]) / (at[j] - at[j - 1]);
}

/* Fitting one metric */

typedef struct {
  guint  *bin[N_CANDIDATES];   /* each kept cycle's bin of each row */
  double *value[N_CANDIDATES]; /* and its value there */
} Fitted;

/* @r = @y less every cycle but @skip (-1: none) and, with @with_trend,
 * the trend. */
static void
strip_fitted (const MetricModel *model,
              const Fitted      *f,
              const double      *t,
              const double      *y,
              gsize              n,
              int                skip,
              gboolean           with_trend,
              double            *r)
{
  for (gsize i = 0; i < n; i++)
    {
      r[i] = y[i] - (with_trend ? trend_at (model, t[i]) : 0);
      for (guint c = 0; c < model->n_cycles; c++)
        if ((int) c != skip)
          r[i] -= f->value[c][i];
    }
}

/* Re-estimates cycle @c from @r, and its values at the rows. */
static void
cycle_update (MetricModel  *model,
              Fitted       *f,
              guint         c,
              const double *t,
              const double *r,
              gsize         n,
              double       *scratch)
{
  Cycle *cy = &model->cycles[c];

  cycle_fill (cy, t, r, f->bin[c], n, -1);
  for (gsize i = 0; i < n; i++)
    f->value[c][i] = cycle_value (cy, f->bin[c][i], t[i], scratch);
}

/* Tests candidate @k on @r (the values less trend and kept cycles) and
 * keeps it when it explains enough. */
static void
try_cycle (MetricModel  *model,
           Fitted       *f,
           guint         k,
           double        dt,
           double        span,
           const double *t,
           const double *r,
           gsize         n,
           double       *scratch,
           double       *scratch2)
{
  guint c = model->n_cycles;
  Cycle *cy = &model->cycles[c];

  cycle_init (cy, candidates[k].period, candidates[k].window, cycle_bins (k, dt, span, n), n);
  f->bin[c] = g_new (guint, n);
  for (gsize i = 0; i < n; i++)
    f->bin[c][i] = phase_segment (t[i], cy->period, cy->n_bins);
  if (cycle_explained (cy, t, r, f->bin[c], n, scratch, scratch2) >= MIN_EXPLAINED)
    {
      f->value[c] = g_new (double, n);
      model->n_cycles++;
      cycle_update (model, f, c, t, r, n, scratch);
      return;
    }
  cycle_clear (cy);
  g_clear_pointer (&f->bin[c], g_free);
}

static guint
scale_cell (const MetricModel *model,
            double             t)
{
  guint s0 = model->n_segs[0] > 1 ? phase_segment (t, model->seg_period[0], model->n_segs[0]) : 0;
  guint s1 = model->n_segs[1] > 1 ? phase_segment (t, model->seg_period[1], model->n_segs[1]) : 0;

  return s0 * model->n_segs[1] + s1;
}

/* The center and scale of the residuals @e per cell, shrunk towards those
 * of all residuals. */
static void
fit_scale (MetricModel  *model,
           const double *t,
           const double *e,
           gsize         n,
           double        level,
           double       *scratch)
{
  g_autofree guint *cell = g_new (guint, n);
  Cycle cells = { 0 };
  double center, scale;

  model->n_segs[0] = model->n_segs[1] = 1;
  if (model->n_cycles > 0)
    {
      model->seg_period[0] = model->cycles[0].period;
      model->n_segs[0] = MIN (model->cycles[0].n_bins, 24);
    }
  if (model->n_cycles > 1)
    {
      model->seg_period[1] = model->cycles[model->n_cycles - 1].period;
      model->n_segs[1] = MIN (model->cycles[model->n_cycles - 1].n_bins, 12);
    }
  cycle_init (&cells, 1, 1, model->n_segs[0] * model->n_segs[1], n);
  model->center = g_new (double, cells.n_bins);
  model->scale = g_new (double, cells.n_bins);

  memcpy (scratch, e, n * sizeof (double));
  center = ax_detect_median (scratch, n);
  memcpy (scratch, e, n * sizeof (double));
  scale = robust_scale (scratch, n, center, level);

  /* The residuals by cell, as a cycle's values by bin. */
  for (gsize i = 0; i < n; i++)
    cell[i] = scale_cell (model, t[i]);
  cycle_fill (&cells, t, e, cell, n, -1);
  for (guint c = 0; c < cells.n_bins; c++)
    {
      gsize k = cells.start[c + 1] - cells.start[c];
      double *v = cells.v + cells.start[c], mc, sc;

      if (k == 0)
        {
          model->center[c] = center;
          model->scale[c] = scale;
          continue;
        }
      mc = ax_detect_median (v, k);
      sc = robust_scale (v, k, mc, level);
      model->center[c] = (k * mc + SHRINK * center) / (k + SHRINK);
      model->scale[c] = sqrt ((k * sc * sc + SHRINK * scale * scale) / (k + SHRINK));
    }
  cycle_clear (&cells);
}

static void
fit_metric (MetricModel  *model,
            const double *t,
            const double *y,
            gsize         n,
            gboolean      find_cycles)
{
  g_autofree double *r = g_new (double, n);
  g_autofree double *scratch = g_new (double, n);
  g_autofree double *scratch2 = g_new (double, n);
  Fitted f = { { NULL }, { NULL } };
  double span = t[n - 1] - t[0], dt = 1, width = 0, level;
  gsize n_gaps = 0;

  for (gsize i = 1; i < n; i++)
    if (t[i] > t[i - 1])
      scratch[n_gaps++] = t[i] - t[i - 1];
  if (n_gaps > 0)
    dt = ax_detect_median (scratch, n_gaps);
  for (guint k = 0; k < N_CANDIDATES; k++)
    if (candidates[k].period < YEAR && candidates[k].period >= 4 * dt)
      width = 3 * candidates[k].period;
  width = MAX (width, 15 * dt);

  /* Shorter cycles first, against a trend over a few of them. */
  trend_fit (model, t, y, n, width, dt, scratch);
  for (guint k = 0; find_cycles && k < N_CANDIDATES; k++)
    {
      double p = candidates[k].period;

      if (p < 4 * dt || span < 2 * p)
        continue;
      if (p >= YEAR)
        {
          /* The yearly cycle against a trend that cannot follow it. */
          strip_fitted (model, &f, t, y, n, -1, FALSE, r);
          trend_fit (model, t, r, n, YEAR, dt, scratch);
        }
      strip_fitted (model, &f, t, y, n, -1, TRUE, r);
      try_cycle (model, &f, k, dt, span, t, r, n, scratch, scratch2);
    }
  if (model->n_cycles > 0 && model->cycles[model->n_cycles - 1].period >= YEAR)
    width = YEAR;

  for (guint it = 0; it < N_BACKFIT && model->n_cycles > 0; it++)
    {
      strip_fitted (model, &f, t, y, n, -1, FALSE, r);
      trend_fit (model, t, r, n, width, dt, scratch);
      for (guint c = 0; c < model->n_cycles; c++)
        {
          strip_fitted (model, &f, t, y, n, c, TRUE, r);
          cycle_update (model, &f, c, t, r, n, scratch);
        }
    }
  strip_fitted (model, &f, t, y, n, -1, FALSE, r);
  trend_fit (model, t, r, n, width, dt, scratch);

  strip_fitted (model, &f, t, y, n, -1, TRUE, r);
  memcpy (scratch2, y, n * sizeof (double));
  level = ax_detect_median (scratch2, n);
  fit_scale (model, t, r, n, level, scratch);
  for (guint c = 0; c < N_CANDIDATES; c++)
    g_free (f.bin[c]), g_free (f.value[c]);
}

/* The detector */

static void
seasonal_free (AxDetectorState *state)
{
  if (state == NULL)
    return;
  for (guint m = 0; m < state->n_metrics; m++)
    {
      MetricModel *model = &state->models[m];
      for (guint c = 0; c < model->n_cycles; c++)
        cycle_clear (&model->cycles[c]);
      g_free (model->anchor_t);
      g_free (model->anchor_v);
      g_free (model->center);
      g_free (model->scale);
    }
  g_free (state->models);
  g_free (state);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AxDetectorState, seasonal_free)

typedef struct {
  double t, y;
} Point;

static int
point_cmp (const void *a,
           const void *b)
{
  const Point *p = a, *q = b;

  return p->t != q->t ? (p->t > q->t) - (p->t < q->t) : (p->y > q->y) - (p->y < q->y);
}

static AxDetectorState *
seasonal_fit (const AxSeries       *fit,
              const AxParams       *params,
              const AxTrainMonitor *monitor,
              GCancellable         *cancellable,
              GError              **error)
{
  const AxMatrix *x = fit->x;
  g_autoptr(AxDetectorState) state = g_new0 (AxDetectorState, 1);
  g_autofree Point *points = g_new (Point, MAX (x->n_rows, 1));
  g_autofree double *t = g_new (double, MAX (x->n_rows, 1));
  g_autofree double *y = g_new (double, MAX (x->n_rows, 1));
  const char *periods = params ? ax_params_get_string (params, "periods") : NULL;
  double threshold = params && ax_params_has (params, "threshold")
                     ? ax_params_get_number (params, "threshold") : 3.5;

  if (fit->time == NULL)
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_DATA,
                   _("The seasonal detector needs the time of each row: set time_column"));
      return NULL;
    }

  state->n_metrics = x->n_features;
  state->threshold = threshold > 0 ? threshold : 3.5;
  state->models = g_new0 (MetricModel, x->n_features);
  for (guint m = 0; m < x->n_features; m++)
    {
      MetricModel *model = &state->models[m];
      gsize n = 0;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      for (guint i = 0; i < x->n_rows; i++)
        {
          double v = ax_matrix_get (x, i, m);
          if (isfinite (v) && isfinite (fit->time[i]))
            points[n++] = (Point) { fit->time[i], v };
        }
      if (n == 0)
        {
          g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_DATA,
                       _("“%s” has no values with a time to learn a baseline from"),
                       x->names[m] ? x->names[m] : "?");
          return NULL;
        }
      qsort (points, n, sizeof (Point), point_cmp);
      for (gsize i = 0; i < n; i++)
        t[i] = points[i].t, y[i] = points[i].y;
      fit_metric (model, t, y, n, g_strcmp0 (periods, "none") != 0);
      for (guint c = 0; c < model->n_cycles; c++)
        for (guint b = 0; b < model->cycles[c].n_bins; b++)
          state->max_bin = MAX (state->max_bin, model->cycles[c].start[b + 1] - model->cycles[c].start[b]);
      if (monitor)
        ax_progress_report (monitor->progress, monitor->progress_data,
                            (m + 1.0) / x->n_features, NULL);
    }
  return g_steal_pointer (&state);
}

static AxScores *
seasonal_score (const AxDetectorState *state,
                const AxSeries        *series,
                GCancellable          *cancellable,
                GError               **error)
{
  const AxMatrix *x = series->x;
  guint n_metrics = state->n_metrics;
  g_autofree double *z = g_new0 (double, MAX (n_metrics, 1));
  g_autofree double *scratch = g_new (double, state->max_bin + 1);
  double k = state->threshold;
  AxScores *s;

  if (x->n_features != n_metrics || series->time == NULL)
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_DATA,
                   _("The rows to score do not have the metrics and times the baseline was learnt from"));
      return NULL;
    }

  s = ax_scores_new (x->n_rows, n_metrics);
  for (guint i = 0; i < x->n_rows; i++)
    {
      double t = series->time[i], zmax = 0, sum = 0;

      if (i % AX_DETECT_CANCEL_ROWS == 0 && g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          ax_scores_free (s);
          return NULL;
        }
      for (guint m = 0; m < n_metrics; m++)
        {
          const MetricModel *model = &state->models[m];
          double v = ax_matrix_get (x, i, m);
          gsize at = (gsize) i * n_metrics + m;
          double base, scale;
          guint cell;

          z[m] = 0;
          if (!isfinite (t))
            {
              s->expected_low[at] = s->expected_high[at] = NAN;
              continue;
            }
          cell = scale_cell (model, t);
          base = trend_at (model, t) + model->center[cell];
          for (guint c = 0; c < model->n_cycles; c++)
            {
              const Cycle *cy = &model->cycles[c];
              base += cycle_value (cy, phase_segment (t, cy->period, cy->n_bins), t, scratch);
            }
          scale = model->scale[cell];
          s->expected_low[at] = base - k * scale;
          s->expected_high[at] = base + k * scale;
          if (isfinite (v))
            z[m] = (v - base) / scale;
          s->direction[at] = v > s->expected_high[at] ? 1 : v < s->expected_low[at] ? -1 : 0;
          zmax = MAX (zmax, fabs (z[m]));
          sum += z[m] * z[m];
        }
      s->score[i] = 1 - exp (-SCORE_RATE * (zmax / k) * (zmax / k));
      for (guint m = 0; m < n_metrics; m++)
        s->contribution[(gsize) i * n_metrics + m] = sum > 0 ? z[m] * z[m] / sum : 1.0 / n_metrics;
    }
  return s;
}

const AxDetector ax_seasonal_detector = {
  .name = "seasonal",
  .label = N_("Seasonal baseline"),
  .params = seasonal_params,
  .needs_time = TRUE,
  .fit = seasonal_fit,
  .score = seasonal_score,
  .free = seasonal_free,
};
