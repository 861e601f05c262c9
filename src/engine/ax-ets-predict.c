/* ax-ets-predict.c — ETS forecasts and their distribution
 *
 * Point forecasts run the recursion forward without errors.  For the
 * linear models with additive errors (class 1 of Hyndman et al. 2008,
 * ch. 6) the forecast errors are a linear combination of future
 * innovations, e_{n+h} = eps_{n+h} + sum_{j<h} c_j eps_{n+h-j} with
 * c_j = alpha + beta (phi + ... + phi^j) + gamma [j mod m = 0], so each
 * step's variance and the variance of running totals (needed over a lead
 * time) are exact.  The other models are simulated: sample paths drawn
 * from the fitted model with Gaussian innovations of the estimated
 * variance, from a seeded generator.
 */

#include "ax-config.h"
#include "ax-forecast-private.h"

#include <math.h>
#include <string.h>

void
ax_ets_forecast (const AxEtsFit *fit,
                 guint           h,
                 double         *mean)
{
  AxEtsCoef c;
  double l = fit->l, b = fit->b;
  g_autofree double *s = g_memdup2 (fit->s, sizeof (double) * fit->m);

  ax_ets_coef (fit, &c);
  for (guint i = 0; i < h; i++)
    mean[i] = ax_ets_step (&c, &l, &b, s + (fit->n + i) % fit->m, NAN);
}

gboolean
ax_ets_gaussian (const AxEtsFit *fit,
                 guint           h,
                 double         *sd,
                 double         *cum_sd)
{
  AxEtsCoef c;
  g_autofree double *cj = g_new0 (double, MAX (h, 1));
  double phi_j = 0, phi_pow = 1, var = 1, cum = 0;

  if (fit->spec.error != AX_ETS_ADD || fit->spec.season == AX_ETS_MULT)
    return FALSE;
  ax_ets_coef (fit, &c);
  for (guint j = 1; j < h; j++)
    {
      phi_pow *= c.phi;
      phi_j += phi_pow;
      cj[j] = c.alpha + (c.trend ? c.beta * phi_j : 0) +
              (c.season != AX_ETS_NONE && j % fit->m == 0 ? c.gamma : 0);
    }
  for (guint i = 0; i < h; i++)
    {
      if (i > 0)
        var += cj[i] * cj[i];
      sd[i] = sqrt (fit->sigma2 * var);
    }
  /* Total of steps 1..H: innovation k enters with weight 1 + C_{H-k}
   * where C_i = c_1 + ... + c_i. */
  if (cum_sd != NULL)
    {
      g_autofree double *C = g_new0 (double, MAX (h, 1));
      for (guint i = 1; i < h; i++)
        C[i] = C[i - 1] + cj[i];
      for (guint H = 1; H <= h; H++)
        {
          cum = 0;
          for (guint k = 1; k <= H; k++)
            {
              double wgt = 1 + C[H - k];
              cum += wgt * wgt;
            }
          cum_sd[H - 1] = sqrt (fit->sigma2 * cum);
        }
    }
  return TRUE;
}

/* A standard normal deviate (Marsaglia's polar method). */
static double
gauss (GRand *rng)
{
  double u, v, s;

  do
    {
      u = g_rand_double_range (rng, -1, 1);
      v = g_rand_double_range (rng, -1, 1);
      s = u * u + v * v;
    }
  while (s >= 1 || s == 0);
  return u * sqrt (-2 * log (s) / s);
}

void
ax_ets_simulate (const AxEtsFit *fit,
                 guint           h,
                 guint           n_paths,
                 guint64         seed,
                 double         *paths)
{
  guint32 seeds[2] = { (guint32) seed, (guint32) (seed >> 32) };
  g_autoptr(GRand) rng = g_rand_new_with_seed_array (seeds, 2);
  g_autofree double *s = g_new (double, fit->m);
  double sigma = sqrt (fit->sigma2);
  gboolean mult_season = fit->spec.season == AX_ETS_MULT;
  AxEtsCoef c;

  ax_ets_coef (fit, &c);
  for (guint p = 0; p < n_paths; p++)
    {
      double l = fit->l, b = fit->b;
      double *out = paths + (gsize) p * h;
      memcpy (s, fit->s, sizeof (double) * fit->m);
      for (guint i = 0; i < h; i++)
        {
          double *sp = s + (fit->n + i) % fit->m;
          double phib = c.trend ? c.phi * b : 0;
          double q = l + phib;
          double yhat = mult_season ? q * *sp : c.season == AX_ETS_ADD ? q + *sp : q;
          double e = sigma * gauss (rng);
          double y = fit->spec.error == AX_ETS_MULT ? yhat * (1 + e) : yhat + e;
          /* A multiplicative season needs positive states; a path that
           * would leave them keeps its last admissible ones. */
          if (mult_season && !(y > 0 && q > 0))
            {
              out[i] = y;
              l = q;
              b = phib;
              continue;
            }
          ax_ets_step (&c, &l, &b, sp, y);
          out[i] = y;
        }
    }
}
