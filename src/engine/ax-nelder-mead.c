/* ax-nelder-mead.c — the downhill simplex minimiser
 *
 * Nelder & Mead (1965) with the usual coefficients (reflection 1,
 * expansion 2, contraction 1/2, shrink 1/2) and the stopping rule of R's
 * optim(): stop when the simplex's best and worst values agree to a
 * relative tolerance, or when the evaluation budget is spent.  The
 * function may return INFINITY outside its domain.
 */

#include "ax-config.h"
#include "ax-forecast-private.h"

#include <math.h>
#include <string.h>

double
ax_nelder_mead (double       (*f) (const double *x, gpointer data),
                gpointer       data,
                double        *x,
                const double  *step,
                guint          dim,
                double         reltol,
                guint          max_evals)
{
  guint np = dim + 1, evals = 0;
  g_autofree double *pts = g_new (double, (gsize) np * dim);
  g_autofree double *fv = g_new (double, np);
  g_autofree double *cen = g_new (double, dim);
  g_autofree double *xr = g_new (double, dim);
  g_autofree double *xe = g_new (double, dim);
  guint best = 0;

  if (dim == 0)
    return f (x, data);
  for (guint i = 0; i < np; i++)
    {
      double *p = pts + (gsize) i * dim;
      memcpy (p, x, sizeof (double) * dim);
      if (i > 0)
        p[i - 1] += step[i - 1];
      fv[i] = f (p, data);
      evals++;
    }

  for (;;)
    {
      guint worst = 0, second = 0;
      double fr, fe;
      double *pw;

      best = 0;
      for (guint i = 1; i < np; i++)
        {
          if (fv[i] < fv[best])
            best = i;
          if (fv[i] > fv[worst] || (isnan (fv[worst]) && !isnan (fv[i])))
            worst = i;
        }
      second = best;
      for (guint i = 0; i < np; i++)
        if (i != worst && fv[i] >= fv[second])
          second = i;
      if (evals >= max_evals ||
          (isfinite (fv[worst]) &&
           fabs (fv[worst] - fv[best]) <= reltol * (fabs (fv[best]) + reltol)))
        break;

      pw = pts + (gsize) worst * dim;
      memset (cen, 0, sizeof (double) * dim);
      for (guint i = 0; i < np; i++)
        if (i != worst)
          for (guint j = 0; j < dim; j++)
            cen[j] += pts[(gsize) i * dim + j] / dim;
      for (guint j = 0; j < dim; j++)
        xr[j] = 2 * cen[j] - pw[j];
      fr = f (xr, data);
      evals++;

      if (fr < fv[best])
        {
          for (guint j = 0; j < dim; j++)
            xe[j] = 3 * cen[j] - 2 * pw[j];
          fe = f (xe, data);
          evals++;
          if (fe < fr)
            memcpy (pw, xe, sizeof (double) * dim), fv[worst] = fe;
          else
            memcpy (pw, xr, sizeof (double) * dim), fv[worst] = fr;
          continue;
        }
      if (fr < fv[second])
        {
          memcpy (pw, xr, sizeof (double) * dim);
          fv[worst] = fr;
          continue;
        }
      /* Contract: outside when the reflection improved on the worst. */
      {
        gboolean outside = fr < fv[worst];
        double fc;
        for (guint j = 0; j < dim; j++)
          xe[j] = outside ? cen[j] + 0.5 * (xr[j] - cen[j]) : cen[j] + 0.5 * (pw[j] - cen[j]);
        fc = f (xe, data);
        evals++;
        if (fc < (outside ? fr : fv[worst]))
          {
            memcpy (pw, xe, sizeof (double) * dim);
            fv[worst] = fc;
            continue;
          }
      }
      /* Shrink towards the best. */
      for (guint i = 0; i < np; i++)
        if (i != best)
          {
            double *p = pts + (gsize) i * dim;
            for (guint j = 0; j < dim; j++)
              p[j] = pts[(gsize) best * dim + j] + 0.5 * (p[j] - pts[(gsize) best * dim + j]);
            fv[i] = f (p, data);
            evals++;
          }
    }
  memcpy (x, pts + (gsize) best * dim, sizeof (double) * dim);
  return fv[best];
}
