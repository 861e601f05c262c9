/* ax-ets.c — exponential smoothing state-space models: estimation
 *
 * The ETS family of Hyndman, Koehler, Ord & Snyder (2008), "Forecasting
 * with Exponential Smoothing", in the parametrisation of R's
 * forecast::ets(): additive or multiplicative error, no, additive or
 * damped additive trend, no, additive or multiplicative season.  The
 * multiplicative trend and the additive error with a multiplicative season
 * are left out, as ets() does by default (they are numerically unstable).
 *
 * Estimation maximises the likelihood, -2 log L = n log(SSE) + 2 sum
 * log|yhat| (the second term for multiplicative errors; the constant is
 * dropped as ets() drops it, so AIC values are comparable with R's), over
 * the smoothing parameters under ets()'s "usual" bounds (1e-4 < alpha <
 * 0.9999, beta < alpha, gamma < 1 - alpha, 0.8 < phi < 0.98), which a
 * logistic reparametrisation turns into an unbounded problem for
 * Nelder–Mead.  The initial states:
 *
 *   - models without a multiplicative season are linear in their initial
 *     states, so for given smoothing parameters the best initial states
 *     are a least-squares problem: the recursion is run on the data from
 *     zero states and on the unit states (one lane each, in one pass) and
 *     the normal equations are solved.  Nelder–Mead then searches only
 *     the two to four smoothing parameters.  With a multiplicative error
 *     the squares are weighted by 1/y^2, the relative errors' scale;
 *   - models with a multiplicative season optimise the initial states
 *     jointly with the smoothing parameters, from ets()'s heuristic start
 *     (a classical decomposition, then a regression on the first seasons
 *     of the seasonally adjusted data).
 *
 * Missing observations leave the error out of the likelihood and move
 * the states as forecast.
 */

#include "ax-config.h"
#include "ax-forecast-private.h"

#include <math.h>
#include <string.h>

#define LO      1e-4
#define HI      0.9999
#define PHI_LO  0.8
#define PHI_HI  0.98

/* Nelder–Mead budgets: function evaluations per parameter. */
#define EVALS_PER_DIM_PROFILE 120
#define EVALS_PER_DIM_JOINT   60
#define NM_RELTOL             1e-6

/* The least-squares initial states are fitted to the first
 * max(PROFILE_MIN, PROFILE_SEASONS m) observations: their influence on
 * later errors fades as the states learn, and solving on a long series
 * would cost k^2 per observation for nothing. */
#define PROFILE_MIN           300
#define PROFILE_SEASONS       12

/* ------------------------------------------------------------ the model */

void
ax_ets_fit_free (AxEtsFit *fit)
{
  if (fit == NULL)
    return;
  g_free (fit->s0);
  g_free (fit->s);
  g_free (fit);
}

AxEtsFit *
ax_ets_fit_copy (const AxEtsFit *fit)
{
  AxEtsFit *c = g_memdup2 (fit, sizeof *fit);
  c->s0 = g_memdup2 (fit->s0, sizeof (double) * fit->m);
  c->s = g_memdup2 (fit->s, sizeof (double) * fit->m);
  return c;
}

void
ax_ets_coef (const AxEtsFit *fit,
             AxEtsCoef      *out)
{
  out->trend = fit->spec.trend == AX_ETS_ADD;
  out->season = fit->spec.season;
  out->alpha = fit->alpha;
  out->beta = fit->beta;
  out->gamma = fit->gamma;
  out->phi = fit->spec.damped == TRUE ? fit->phi : 1;
}

/* Runs the recursion over @y from the states (l, b, s), which end as the
 * final states.  Returns -2 log L up to its constant, or INFINITY when a
 * multiplicative model leaves the positive states. */
static double
filter (const AxEtsCoef *c,
        AxEtsKind        error,
        guint            m,
        const double    *y,
        guint            n,
        double          *l,
        double          *b,
        double          *s,
        double          *sse_out,
        guint           *n_obs_out)
{
  gboolean mult_error = error == AX_ETS_MULT, mult_season = c->season == AX_ETS_MULT;
  double sse = 0, sumlog = 0;
  guint k = 0, p = 0;

  for (guint t = 0; t < n; t++)
    {
      double *sp = s + p, yt = y[t];
      double yhat = ax_ets_step (c, l, b, sp, yt);
      if (yt == yt)
        {
          double e;
          if (mult_error)
            {
              if (!(yhat > 0))
                return INFINITY;
              e = (yt - yhat) / yhat;
              sumlog += log (yhat);
            }
          else
            e = yt - yhat;
          sse += e * e;
          k++;
        }
      if (mult_season && !(*l > 0 && *sp > 0))
        return INFINITY;
      if (++p == m)
        p = 0;
    }
  if (sse_out != NULL)
    *sse_out = sse;
  if (n_obs_out != NULL)
    *n_obs_out = k;
  if (!isfinite (sse) || k == 0)
    return INFINITY;
  return k * log (MAX (sse, 1e-300)) + 2 * sumlog;
}

/* ------------------------------------------------------------ estimation */

typedef struct {
  const double  *y;
  guint          n, m;
  AxEtsSpec      spec;
  gboolean       profile;
  guint          n_smooth;
  double         scale;
  double         l0, b0;
  double        *s0;         /* m */
  double        *s_work;     /* m */
  /* Profiling: lanes, normal equations, weights. */
  gboolean       fixed;      /* joint: the states stay as they are */
  guint          k, n_profile;
  double        *lane_l, *lane_b, *lane_s, *z, *gram, *rhs, *w;
} Problem;

static double
logistic (double u)
{
  return 1 / (1 + exp (-u));
}

static double
logit (double p)
{
  p = CLAMP (p, 1e-6, 1 - 1e-6);
  return log (p / (1 - p));
}

static void
unpack (const Problem *pb,
        const double  *u,
        AxEtsCoef     *c)
{
  guint i = 0;

  c->trend = pb->spec.trend == AX_ETS_ADD;
  c->season = pb->spec.season;
  c->alpha = LO + (HI - LO) * logistic (u[i++]);
  c->beta = c->trend ? LO + (c->alpha - LO) * logistic (u[i++]) : 0;
  c->gamma = c->season != AX_ETS_NONE ? LO + (1 - c->alpha - LO) * logistic (u[i++]) : 0;
  c->phi = pb->spec.damped == TRUE ? PHI_LO + (PHI_HI - PHI_LO) * logistic (u[i++]) : 1;
}

static void
pack_smooth (const Problem *pb,
             double alpha, double beta, double gamma, double phi,
             double        *u)
{
  guint i = 0;

  alpha = CLAMP (alpha, LO, HI);
  u[i++] = logit ((alpha - LO) / (HI - LO));
  if (pb->spec.trend == AX_ETS_ADD)
    u[i++] = logit (CLAMP ((beta - LO) / MAX (alpha - LO, 1e-12), 0.02, 0.98));
  if (pb->spec.season != AX_ETS_NONE)
    u[i++] = logit (CLAMP ((gamma - LO) / MAX (1 - alpha - LO, 1e-12), 0.02, 0.98));
  if (pb->spec.damped == TRUE)
    u[i++] = logit ((CLAMP (phi, PHI_LO, PHI_HI) - PHI_LO) / (PHI_HI - PHI_LO));
}

/* Joint vector: the initial states after the smoothing parameters, the
 * seasonal state of position 0 following from the others. */
static void
unpack_states (Problem      *pb,
               const double *u)
{
  guint i = pb->n_smooth;
  double sum = 0, sscale = pb->spec.season == AX_ETS_MULT ? 1 : pb->scale;

  pb->l0 = u[i++] * pb->scale;
  if (pb->spec.trend == AX_ETS_ADD)
    pb->b0 = u[i++] * pb->scale;
  if (pb->spec.season == AX_ETS_NONE)
    return;
  for (guint p = 1; p < pb->m; p++)
    sum += pb->s0[p] = u[i++] * sscale;
  pb->s0[0] = (pb->spec.season == AX_ETS_MULT ? pb->m : 0) - sum;
}

static void
pack_states (const Problem *pb,
             double        *u)
{
  guint i = pb->n_smooth;
  double sscale = pb->spec.season == AX_ETS_MULT ? 1 : pb->scale;

  u[i++] = pb->l0 / pb->scale;
  if (pb->spec.trend == AX_ETS_ADD)
    u[i++] = pb->b0 / pb->scale;
  if (pb->spec.season != AX_ETS_NONE)
    for (guint p = 1; p < pb->m; p++)
      u[i++] = pb->s0[p] / sscale;
}

gboolean
ax_solve_spd (double *a,
           double *x,
           guint   k)
{
  double trace = 0;

  for (guint i = 0; i < k; i++)
    trace += a[i * k + i];
  for (guint i = 0; i < k; i++)
    a[i * k + i] += 1e-10 * trace / k + 1e-300;
  for (guint j = 0; j < k; j++)
    {
      double d = a[j * k + j];
      for (guint p = 0; p < j; p++)
        d -= a[p * k + j] * a[p * k + j];
      if (!(d > 0))
        return FALSE;
      d = sqrt (d);
      a[j * k + j] = d;
      for (guint i = j + 1; i < k; i++)
        {
          double v = a[j * k + i];
          for (guint p = 0; p < j; p++)
            v -= a[p * k + j] * a[p * k + i];
          a[j * k + i] = v / d;
        }
    }
  for (guint i = 0; i < k; i++)       /* R' z = x */
    {
      double v = x[i];
      for (guint p = 0; p < i; p++)
        v -= a[p * k + i] * x[p];
      x[i] = v / a[i * k + i];
    }
  for (guint i = k; i-- > 0;)         /* R x = z */
    {
      double v = x[i];
      for (guint p = i + 1; p < k; p++)
        v -= a[i * k + p] * x[p];
      x[i] = v / a[i * k + i];
    }
  return TRUE;
}

/* The least-squares initial states for the smoothing parameters @c of a
 * linear model, into pb->l0, b0, s0. */
static gboolean
profile_states (Problem         *pb,
                const AxEtsCoef *c)
{
  guint k = pb->k, m = pb->m, lanes = k + 1, p = 0;
  gboolean trend = c->trend, season = c->season != AX_ETS_NONE;
  double *L = pb->lane_l, *B = pb->lane_b, *S = pb->lane_s, *z = pb->z;

  memset (L, 0, sizeof (double) * lanes);
  memset (B, 0, sizeof (double) * lanes);
  memset (S, 0, sizeof (double) * lanes * m);
  memset (pb->gram, 0, sizeof (double) * k * k);
  memset (pb->rhs, 0, sizeof (double) * k);
  L[1] = 1;
  if (trend)
    B[2] = 1;
  if (season)
    for (guint q = 1; q < m; q++)
      {
        guint lane = 1 + trend + q;
        S[lane * m + q] = 1;
        S[lane * m] = -1;
      }

  for (guint t = 0; t < pb->n_profile; t++)
    {
      double yt = pb->y[t];
      gboolean observed = yt == yt;
      z[0] = ax_ets_step (c, &L[0], &B[0], &S[p], yt);
      for (guint j = 1; j < lanes; j++)
        z[j] = ax_ets_step (c, &L[j], &B[j], &S[j * m + p], observed ? 0 : NAN);
      if (observed)
        {
          double w = pb->w != NULL ? pb->w[t] : 1, r = w * (yt - z[0]);
          for (guint a = 0; a < k; a++)
            {
              double wa = w * z[a + 1];
              double *row = pb->gram + a * k;
              pb->rhs[a] += r * z[a + 1];
              for (guint bb = a; bb < k; bb++)
                row[bb] += wa * z[bb + 1];
            }
        }
      if (++p == m)
        p = 0;
    }
  if (!ax_solve_spd (pb->gram, pb->rhs, k))
    return FALSE;
  pb->l0 = pb->rhs[0];
  pb->b0 = trend ? pb->rhs[1] : 0;
  if (season)
    {
      double sum = 0;
      for (guint q = 1; q < m; q++)
        sum += pb->s0[q] = pb->rhs[1 + trend + q - 1];
      pb->s0[0] = -sum;
    }
  return isfinite (pb->l0) && isfinite (pb->b0);
}

static double
objective (const double *u,
           gpointer      data)
{
  Problem *pb = data;
  AxEtsCoef c;
  double l, b;

  unpack (pb, u, &c);
  if (pb->profile)
    {
      if (!profile_states (pb, &c))
        return INFINITY;
    }
  else if (!pb->fixed)
    unpack_states (pb, u);
  l = pb->l0;
  b = pb->b0;
  memcpy (pb->s_work, pb->s0, sizeof (double) * pb->m);
  if (pb->spec.season == AX_ETS_MULT)
    for (guint p = 0; p < pb->m; p++)
      if (!(pb->s_work[p] > 0))
        return INFINITY;
  return filter (&c, pb->spec.error, pb->m, pb->y, pb->n, &l, &b, pb->s_work, NULL, NULL);
}

/* ets()'s initial states: a classical decomposition (a regression on one
 * harmonic when the series is shorter than three seasons), then the level
 * and trend from the first seasons of the seasonally adjusted data. */
static void
initial_states (Problem *pb)
{
  guint n = pb->n, m = pb->m, maxn, cnt = 0;
  g_autofree double *sa = g_new (double, n);
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  gboolean mult = pb->spec.season == AX_ETS_MULT;

  memcpy (sa, pb->y, sizeof (double) * n);
  if (pb->spec.season != AX_ETS_NONE)
    {
      g_autofree double *trend = g_new (double, n);
      g_autofree double *fig = g_new0 (double, m);
      g_autofree guint *k = g_new0 (guint, m);
      double mean = 0;
      guint half = m / 2;

      /* Centred moving average (2 x m for even m) over observed values. */
      for (guint t = 0; t < n; t++)
        {
          double sum = 0, wsum = 0;
          trend[t] = NAN;
          if (t < half || t + half >= n)
            continue;
          for (guint j = t - half; j <= t + half; j++)
            {
              double w = (m % 2 == 0 && (j == t - half || j == t + half)) ? 0.5 : 1;
              if (isfinite (pb->y[j]))
                sum += w * pb->y[j], wsum += w;
            }
          trend[t] = wsum > 0.5 * m ? sum / wsum : NAN;
        }
      if (n < 3 * m)
        {
          /* Too short to decompose: the level is the mean of the data. */
          double s = 0;
          guint c = 0;
          for (guint t = 0; t < n; t++)
            if (isfinite (pb->y[t]))
              s += pb->y[t], c++;
          for (guint t = 0; t < n; t++)
            trend[t] = s / MAX (c, 1);
        }
      for (guint t = 0; t < n; t++)
        if (isfinite (pb->y[t]) && isfinite (trend[t]) && (!mult || trend[t] > 0))
          {
            fig[t % m] += mult ? pb->y[t] / trend[t] : pb->y[t] - trend[t];
            k[t % m]++;
          }
      for (guint p = 0; p < m; p++)
        {
          fig[p] = k[p] > 0 ? fig[p] / k[p] : (mult ? 1 : 0);
          mean += fig[p] / m;
        }
      for (guint p = 0; p < m; p++)
        pb->s0[p] = mult ? MAX (fig[p] / mean, 1e-2) : fig[p] - mean;
      if (mult)
        {
          double sum = 0;
          for (guint p = 0; p < m; p++)
            sum += pb->s0[p];
          for (guint p = 0; p < m; p++)
            pb->s0[p] *= m / sum;
        }
      for (guint t = 0; t < n; t++)
        sa[t] = mult ? pb->y[t] / pb->s0[t % m] : pb->y[t] - pb->s0[t % m];
    }
  else
    pb->s0[0] = pb->spec.season == AX_ETS_MULT ? 1 : 0;

  maxn = MIN (MAX (10, 2 * m), n);
  for (guint t = 0; t < maxn; t++)
    if (isfinite (sa[t]))
      {
        double x = t + 1;
        sx += x, sy += sa[t], sxx += x * x, sxy += x * sa[t];
        cnt++;
      }
  if (pb->spec.trend == AX_ETS_NONE || cnt < 2)
    {
      pb->l0 = cnt > 0 ? sy / cnt : 0;
      pb->b0 = 0;
    }
  else
    {
      double slope = (cnt * sxy - sx * sy) / MAX (cnt * sxx - sx * sx, 1e-300);
      pb->b0 = slope;
      pb->l0 = (sy - slope * sx) / cnt;
      if (fabs (pb->l0 + pb->b0) < 1e-8)
        pb->l0 *= 1 + 1e-3, pb->b0 *= 1 + 1e-3;
    }
}

static guint
n_states_free (const AxEtsSpec *spec,
               guint            m)
{
  return 1 + (spec->trend == AX_ETS_ADD) + (spec->season != AX_ETS_NONE ? m - 1 : 0);
}

static guint
n_smoothing (const AxEtsSpec *spec)
{
  return 1 + (spec->trend == AX_ETS_ADD) + (spec->season != AX_ETS_NONE) + (spec->damped == TRUE);
}

void
ax_ets_refilter (AxEtsFit     *fit,
                 const double *y,
                 guint         n)
{
  AxEtsCoef c;
  double sse = 0, lik;
  guint n_obs = 0, np = fit->n_par;

  ax_ets_coef (fit, &c);
  fit->l = fit->l0;
  fit->b = fit->b0;
  memcpy (fit->s, fit->s0, sizeof (double) * fit->m);
  lik = filter (&c, fit->spec.error, fit->m, y, n, &fit->l, &fit->b, fit->s, &sse, &n_obs);
  fit->n = n;
  fit->n_obs = n_obs;
  fit->sigma2 = sse / (n_obs > np ? n_obs - np : MAX (n_obs, 1));
  fit->loglik = -0.5 * lik;
  fit->aic = lik + 2.0 * np;
  fit->bic = lik + log ((double) n_obs) * np;
  fit->aicc = n_obs > np + 1 ? fit->aic + 2.0 * np * (np + 1) / (n_obs - np - 1) : INFINITY;
}

AxEtsFit *
ax_ets_fit (const double    *y,
            guint            n,
            const AxEtsSpec *spec,
            guint            m,
            const AxEtsFit  *warm)
{
  Problem pb = { 0 };
  g_autofree double *u = NULL, *step = NULL;
  g_autofree double *s0 = NULL, *s_work = NULL;
  g_autofree double *lane_l = NULL, *lane_b = NULL, *lane_s = NULL, *z = NULL;
  g_autofree double *gram = NULL, *rhs = NULL, *w = NULL;
  guint n_obs = 0, n_par, dim, budget;
  double sum_abs = 0, alpha, beta, gamma, phi;
  gboolean mult = spec->error == AX_ETS_MULT || spec->season == AX_ETS_MULT;
  AxEtsFit *fit;

  g_return_val_if_fail (spec->error != AX_ETS_ANY && spec->trend != AX_ETS_ANY &&
                        spec->season != AX_ETS_ANY && spec->damped != -1, NULL);
  if (spec->season == AX_ETS_NONE)
    m = 1;
  else if (m < 2 || n < 2 * m)
    return NULL;
  for (guint t = 0; t < n; t++)
    if (isfinite (y[t]))
      {
        if (mult && !(y[t] > 0))
          return NULL;
        sum_abs += fabs (y[t]);
        n_obs++;
      }
  n_par = n_smoothing (spec) + n_states_free (spec, m) + 1;
  if (n_obs <= n_par + 3)
    return NULL;

  pb.y = y;
  pb.n = n;
  pb.m = m;
  pb.spec = *spec;
  pb.profile = spec->season != AX_ETS_MULT;
  pb.n_smooth = n_smoothing (spec);
  pb.scale = MAX (sum_abs / n_obs, 1e-10);
  pb.s0 = s0 = g_new0 (double, m);
  pb.s_work = s_work = g_new0 (double, m);
  dim = pb.n_smooth + (pb.profile ? 0 : n_states_free (spec, m));
  u = g_new0 (double, dim + n_states_free (spec, m));
  step = g_new (double, dim);

  if (warm != NULL && warm->m == m)
    {
      alpha = warm->alpha, beta = warm->beta, gamma = warm->gamma, phi = warm->phi;
      pb.l0 = warm->l0, pb.b0 = warm->b0;
      memcpy (pb.s0, warm->s0, sizeof (double) * m);
      if (warm->spec.trend != AX_ETS_ADD && spec->trend == AX_ETS_ADD)
        beta = 0.1 * alpha, pb.b0 = 0;
    }
  else
    {
      alpha = LO + 0.2 * (HI - LO) / m;
      beta = LO + 0.1 * (HI - LO);
      if (beta > alpha)
        beta = 0.2 * alpha;
      gamma = LO + 0.05 * (HI - LO);
      if (gamma > 1 - alpha)
        gamma = 0.5 * (1 - alpha);
      phi = PHI_LO + 0.99 * (PHI_HI - PHI_LO);
      initial_states (&pb);
    }
  pack_smooth (&pb, alpha, beta, gamma, phi, u);
  for (guint i = 0; i < pb.n_smooth; i++)
    step[i] = 1.0;

  if (pb.profile)
    {
      pb.k = n_states_free (spec, m);
      pb.n_profile = MIN (n, MAX (PROFILE_MIN, PROFILE_SEASONS * m));
      pb.lane_l = lane_l = g_new (double, pb.k + 1);
      pb.lane_b = lane_b = g_new (double, pb.k + 1);
      pb.lane_s = lane_s = g_new (double, (pb.k + 1) * m);
      pb.z = z = g_new (double, pb.k + 1);
      pb.gram = gram = g_new (double, pb.k * pb.k);
      pb.rhs = rhs = g_new (double, pb.k);
      if (spec->error == AX_ETS_MULT)
        {
          pb.w = w = g_new (double, n);
          for (guint t = 0; t < n; t++)
            w[t] = isfinite (y[t]) ? 1 / (y[t] * y[t]) : 0;
        }
    }
  else
    {
      guint i = pb.n_smooth;
      pack_states (&pb, u);
      step[i++] = 0.05;
      if (spec->trend == AX_ETS_ADD)
        step[i++] = 0.01;
      for (; i < dim; i++)
        step[i] = 0.05;
    }

  if (warm == NULL)
    {
      /* Nelder–Mead finds the optimum near its start: begin from the best
       * of ets()'s start and a coarse grid of the smoothing parameters. */
      static const double grid_alpha[] = { 0.1, 0.35, 0.7, 0.95 };
      static const double grid_gamma[] = { 0.1, 0.5, 0.95 };
      g_autofree double *trial = g_memdup2 (u, sizeof (double) * (dim + 1));
      double best;

      pb.fixed = !pb.profile;
      best = objective (u, &pb);
      for (guint a = 0; a < G_N_ELEMENTS (grid_alpha); a++)
        for (guint g = 0; g < (spec->season != AX_ETS_NONE ? G_N_ELEMENTS (grid_gamma) : 1); g++)
          {
            double v;
            pack_smooth (&pb, grid_alpha[a], 0.1 * grid_alpha[a],
                         grid_gamma[g] * (1 - grid_alpha[a]), 0.95, trial);
            v = objective (trial, &pb);
            if (v < best)
              {
                best = v;
                memcpy (u, trial, sizeof (double) * pb.n_smooth);
              }
          }
      pb.fixed = FALSE;
    }
  if (!pb.profile && warm == NULL)
    {
      /* The smoothing parameters first, from the heuristic states: a few
       * cheap dimensions that bring the joint search near its optimum. */
      pb.fixed = TRUE;
      ax_nelder_mead (objective, &pb, u, step, pb.n_smooth, NM_RELTOL,
                      EVALS_PER_DIM_PROFILE * pb.n_smooth);
      pb.fixed = FALSE;
    }
  budget = (pb.profile ? EVALS_PER_DIM_PROFILE : EVALS_PER_DIM_JOINT) * dim;
  if (warm != NULL)
    budget /= 2;
  ax_nelder_mead (objective, &pb, u, step, dim, NM_RELTOL, budget);
  /* A restart from the best point undoes most of Nelder–Mead's early
   * collapses, for a fraction of the first run's cost. */
  for (guint i = 0; i < dim; i++)
    step[i] *= 0.25;
  ax_nelder_mead (objective, &pb, u, step, dim, NM_RELTOL, budget / 3);
  if (!isfinite (objective (u, &pb)))
    return NULL;

  fit = g_new0 (AxEtsFit, 1);
  fit->spec = *spec;
  fit->m = m;
  {
    AxEtsCoef c;
    unpack (&pb, u, &c);
    fit->alpha = c.alpha;
    fit->beta = c.trend ? c.beta : NAN;
    fit->gamma = c.season != AX_ETS_NONE ? c.gamma : NAN;
    fit->phi = spec->damped == TRUE ? c.phi : (spec->trend == AX_ETS_ADD ? 1 : NAN);
  }
  fit->l0 = pb.l0;
  fit->b0 = pb.b0;
  fit->s0 = g_memdup2 (pb.s0, sizeof (double) * m);
  fit->s = g_new (double, m);
  fit->n_par = n_par;
  ax_ets_refilter (fit, y, n);
  if (!isfinite (fit->aic))
    {
      ax_ets_fit_free (fit);
      return NULL;
    }
  return fit;
}
