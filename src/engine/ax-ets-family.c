/* ax-ets-family.c — the ETS models by name, and choosing one by AICc
 *
 * A model is written as in R's forecast::ets(): error, trend and season
 * letters (A additive, M multiplicative, N none, Z any), "d" after a
 * damped trend.  Automatic selection fits every admissible model that
 * matches a pattern (in parallel) and keeps the lowest AICc.  Left out, as
 * ets() leaves them out by default: the multiplicative trend, and the
 * additive error with a multiplicative season (both numerically
 * unstable); multiplicative parts need positive data, seasons at least
 * two full cycles.
 */

#include "ax-config.h"
#include "ax-forecast-private.h"
#include "ax-types.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

/* ------------------------------------------------------------ the names */

static gboolean
spec_error (GError    **error,
            const char *str)
{
  g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
               _("ets_model: “%s” is not a model; write error, trend and season as "
                 "letters (A additive, M multiplicative, N none, Z choose; “d” after "
                 "the trend damps it), e.g. “ANN”, “AAdN”, “MAM” or “ZZZ”"), str);
  return FALSE;
}

gboolean
ax_ets_spec_parse (const char *str,
                   AxEtsSpec  *out,
                   GError    **error)
{
  const char *p = str;
  AxEtsSpec s = { 0 };

  if (str == NULL || *str == '\0')
    {
      *out = (AxEtsSpec) { AX_ETS_ANY, AX_ETS_ANY, -1, AX_ETS_ANY };
      return TRUE;
    }
  switch (g_ascii_toupper (*p++))
    {
    case 'A': s.error = AX_ETS_ADD; break;
    case 'M': s.error = AX_ETS_MULT; break;
    case 'Z': s.error = AX_ETS_ANY; break;
    default: return spec_error (error, str);
    }
  switch (g_ascii_toupper (*p++))
    {
    case 'N': s.trend = AX_ETS_NONE; break;
    case 'A': s.trend = AX_ETS_ADD; break;
    case 'Z': s.trend = AX_ETS_ANY; break;
    case 'M':
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                   _("ets_model: “%s” has a multiplicative trend, which is not offered "
                     "(it is unstable); use an additive or damped trend"), str);
      return FALSE;
    default: return spec_error (error, str);
    }
  s.damped = s.trend == AX_ETS_ANY ? -1 : FALSE;
  if (*p == 'd' || *p == 'D')
    {
      if (s.trend == AX_ETS_NONE)
        return spec_error (error, str);
      s.damped = TRUE;
      p++;
    }
  switch (g_ascii_toupper (*p++))
    {
    case 'N': s.season = AX_ETS_NONE; break;
    case 'A': s.season = AX_ETS_ADD; break;
    case 'M': s.season = AX_ETS_MULT; break;
    case 'Z': s.season = AX_ETS_ANY; break;
    default: return spec_error (error, str);
    }
  if (*p != '\0')
    return spec_error (error, str);
  if (s.error == AX_ETS_ADD && s.season == AX_ETS_MULT)
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                   _("ets_model: “%s” combines an additive error with a multiplicative "
                     "season, which is unstable; use a multiplicative error (“M%c%sM”)"),
                   str, str[1], s.damped == TRUE ? "d" : "");
      return FALSE;
    }
  *out = s;
  return TRUE;
}

static char
kind_letter (AxEtsKind k)
{
  return k == AX_ETS_ADD ? 'A' : k == AX_ETS_MULT ? 'M' : k == AX_ETS_ANY ? 'Z' : 'N';
}

void
ax_ets_spec_code (const AxEtsSpec *spec,
                  char            *buf)
{
  guint i = 0;
  buf[i++] = kind_letter (spec->error);
  buf[i++] = kind_letter (spec->trend);
  if (spec->damped == TRUE)
    buf[i++] = 'd';
  buf[i++] = kind_letter (spec->season);
  buf[i] = '\0';
}

char *
ax_ets_spec_name (const AxEtsSpec *spec)
{
  return g_strdup_printf ("ETS(%c,%c%s,%c)", kind_letter (spec->error),
                          kind_letter (spec->trend), spec->damped == TRUE ? "d" : "",
                          kind_letter (spec->season));
}

/* ------------------------------------------------------------- selection */

typedef struct {
  const double  *y;
  guint          n, m;
  AxEtsSpec     *specs;
  guint          n_specs;
  AxEtsFit     **fits;
  GCancellable  *cancellable;
} SelectJob;

static void
select_task (guint    i,
             gpointer data)
{
  SelectJob *job = data;

  if (!g_cancellable_is_cancelled (job->cancellable))
    job->fits[i] = ax_ets_fit (job->y, job->n, &job->specs[i], job->m, NULL);
}

static gboolean
kind_matches (AxEtsKind pattern,
              AxEtsKind kind)
{
  return pattern == AX_ETS_ANY || pattern == kind;
}

AxEtsFit *
ax_ets_select (const double    *y,
               guint            n,
               const AxEtsSpec *pattern,
               guint            m,
               guint            n_threads,
               GCancellable    *cancellable,
               GError         **error)
{
  /* Slowest first (joint estimation), so that threads finish together. */
  static const AxEtsKind seasons[] = { AX_ETS_MULT, AX_ETS_ADD, AX_ETS_NONE };
  AxEtsSpec specs[18];
  AxEtsFit *fits[18] = { NULL };
  SelectJob job = { y, n, m, specs, 0, fits, cancellable };
  AxEtsFit *best = NULL;

  for (guint si = 0; si < G_N_ELEMENTS (seasons); si++)
    for (int e = AX_ETS_MULT; e >= AX_ETS_ADD; e--)
      for (int t = AX_ETS_NONE; t <= AX_ETS_ADD; t++)
        for (int d = 0; d <= (t == AX_ETS_ADD); d++)
          {
            AxEtsSpec s = { e, t, d, seasons[si] };
            if (!kind_matches (pattern->error, s.error) ||
                !kind_matches (pattern->trend, s.trend) ||
                !kind_matches (pattern->season, s.season) ||
                (pattern->damped != -1 && pattern->damped != s.damped) ||
                (s.error == AX_ETS_ADD && s.season == AX_ETS_MULT) ||
                (s.season != AX_ETS_NONE && (m < 2 || n < 2 * m)))
              continue;
            specs[job.n_specs++] = s;
          }

  ax_run_tasks (job.n_specs, MAX (n_threads, 1), select_task, &job);

  for (guint i = 0; i < job.n_specs; i++)
    {
      if (fits[i] != NULL && (best == NULL || fits[i]->aicc < best->aicc))
        best = fits[i];
    }
  for (guint i = 0; i < job.n_specs; i++)
    if (fits[i] != best)
      ax_ets_fit_free (fits[i]);
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    {
      ax_ets_fit_free (best);
      return NULL;
    }
  if (best == NULL)
    g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_DATA,
                 _("No exponential smoothing model fits the series: it has too few "
                   "observations for the model's parameters"));
  return best;
}
