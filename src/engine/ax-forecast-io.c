/* ax-forecast-io.c — a fitted forecaster as one versioned blob
 *
 * "AXFC", a little-endian uint32 format version, then one little-endian
 * GVariant holding the series, the options, the seed, the fitted model's
 * parameters (not its states: loading runs the model over the series
 * again, which gives the very same states) and the report.  Doubles are
 * stored as their bits, so a loaded forecaster predicts exactly what the
 * saved one did.  A blob from a newer format version is refused.
 *
 * Version 2 adds the ranges' calibration (the backtest origins, the
 * sorted scores, the model's own backtest coverage); a version 1 blob
 * loads without calibration, as it was fitted.
 */

#include "ax-config.h"
#include "ax-blob.h"
#include "ax-forecast-private.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#define BLOB_MAGIC   "AXFC"
#define BLOB_VERSION 2u
#define BLOB_HEADER  8

#define ACC_TYPE     "(udddddad)"
#define SERIES_TYPE  "(subadadasadaubbms)"
#define OPTIONS_TYPE "(usuadiiubusu)"
#define ETS_TYPE     "(suddddddadu)"
#define MODEL_TYPE   "(uuuddadauadm" ETS_TYPE "mvu)"
#define REPORT_TYPE  "(usuadbbu" ACC_TYPE "a(su" ACC_TYPE ")das)"
#define CALIB_TYPE   "(uadad)"
#define BLOB_TYPE_V1 "(" SERIES_TYPE OPTIONS_TYPE "t" MODEL_TYPE REPORT_TYPE ")"
#define BLOB_TYPE    "(" SERIES_TYPE OPTIONS_TYPE "t" MODEL_TYPE REPORT_TYPE CALIB_TYPE ")"

static GVariant *
doubles (const double *v,
         gsize         n)
{
  return g_variant_new_fixed_array (G_VARIANT_TYPE_DOUBLE, v, n, sizeof (double));
}

static GVariant *
uints (const guint *v,
       gsize        n)
{
  return g_variant_new_fixed_array (G_VARIANT_TYPE_UINT32, v, n, sizeof (guint32));
}

static GVariant *
accuracy_to_variant (const AxForecastAccuracy *a)
{
  return g_variant_new ("(uddddd@ad)", a->n, a->mae, a->rmse, a->mape, a->smape, a->mase,
                        doubles (a->coverage, AX_FORECAST_MAX_LEVELS));
}

static void
accuracy_from_variant (GVariant           *v,
                       AxForecastAccuracy *a)
{
  g_autoptr(GVariant) cov = NULL;
  const double *c;
  gsize n;

  g_variant_get (v, "(uddddd@ad)", &a->n, &a->mae, &a->rmse, &a->mape, &a->smape,
                 &a->mase, &cov);
  c = g_variant_get_fixed_array (cov, &n, sizeof (double));
  for (guint l = 0; l < AX_FORECAST_MAX_LEVELS; l++)
    a->coverage[l] = l < n ? c[l] : NAN;
}

GBytes *
ax_forecast_save (const AxForecaster *fc)
{
  const AxTimeSeries *s = fc->series;
  const AxForecastOptions *o = &fc->options;
  const AxFcModel *m = fc->model;
  const AxForecastReport *r = &fc->report;
  GVariantBuilder cands;
  GVariant *ets = NULL, *ml = NULL, *v;
  g_autoptr(GVariant) blob = NULL;
  g_autoptr(GByteArray) out = NULL;
  guint fk = 0;

  for (guint i = 0; i < m->n_fourier; i++)
    fk += 2 * m->fourier_k[i];
  if (m->ets != NULL)
    {
      char code[5];
      ax_ets_spec_code (&m->ets->spec, code);
      ets = g_variant_new ("(sudddddd@adu)", code, m->ets->m, m->ets->alpha, m->ets->beta,
                           m->ets->gamma, m->ets->phi, m->ets->l0, m->ets->b0,
                           doubles (m->ets->s0, m->ets->m), m->ets->n_par);
    }
  if (m->ml != NULL)
    ml = ax_fc_ml_to_variant (m->ml);
  g_variant_builder_init (&cands, G_VARIANT_TYPE ("a(su" ACC_TYPE ")"));
  for (guint c = 0; c < r->n_candidates; c++)
    g_variant_builder_add (&cands, "(su@" ACC_TYPE ")", r->candidates[c].name,
                           (guint32) r->candidates[c].method,
                           accuracy_to_variant (&r->candidates[c].backtest));

  v = g_variant_new ("(@" SERIES_TYPE "@" OPTIONS_TYPE "t@" MODEL_TYPE "@" REPORT_TYPE
                     "@" CALIB_TYPE ")",
    g_variant_new ("(sub@ad@ad@as@ad@aubbms)", s->name != NULL ? s->name : "",
                   (guint32) s->frequency, s->datetime,
                   doubles (s->time, s->n), doubles (s->y, s->n),
                   g_variant_new_strv ((const char * const *) s->driver_names, s->n_drivers),
                   doubles (s->drivers, (gsize) s->n * s->n_drivers),
                   uints (s->periods, s->n_periods), s->nonnegative, s->integer,
                   s->time_column),
    g_variant_new ("(usu@adiiubusu)", (guint32) o->method,
                   o->ets_model != NULL ? o->ets_model : "", o->horizon,
                   doubles (o->levels, o->n_levels), o->nonnegative, o->integer, o->period,
                   o->multi_seasonal, o->backtest_origins,
                   o->ml_algorithm != NULL ? o->ml_algorithm : "", o->n_paths),
    fc->seed,
    g_variant_new ("(uuudd@ad@au@adm@" ETS_TYPE "mvu)", (guint32) m->method, m->n, m->m,
                   m->sigma, m->slope, doubles (m->fourier_period, m->n_fourier),
                   uints (m->fourier_k, m->n_fourier), doubles (m->fourier_coef, fk),
                   ets, ml, m->ets_offset),
    g_variant_new ("(usu@adbbu@" ACC_TYPE "@a(su" ACC_TYPE ")d^as)",
                   (guint32) r->method, r->name, r->horizon, doubles (r->levels, r->n_levels),
                   r->nonnegative, r->integer, r->backtest_origins,
                   accuracy_to_variant (&r->backtest), g_variant_builder_end (&cands),
                   r->seconds, r->notes),
    g_variant_new ("(u@ad@ad)", fc->calib_origins, doubles (fc->calib, fc->n_calib),
                   doubles (r->model_coverage, AX_FORECAST_MAX_LEVELS)));
  blob = g_variant_ref_sink (v);
  if (G_BYTE_ORDER != G_LITTLE_ENDIAN)
    {
      GVariant *le = g_variant_byteswap (blob);
      g_variant_unref (blob);
      blob = le;
    }
  out = ax_blob_writer_new (BLOB_MAGIC, BLOB_VERSION, BLOB_HEADER + g_variant_get_size (blob));
  ax_blob_put_bytes (out, g_variant_get_data (blob), g_variant_get_size (blob));
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

static gboolean
damaged (GError **error)
{
  ax_blob_error (error, _("The saved forecast is damaged"));
  return FALSE;
}

static AxTimeSeries *
series_from_variant (GVariant  *v,
                     GError   **error)
{
  g_autoptr(AxTimeSeries) s = g_new0 (AxTimeSeries, 1);
  g_autoptr(GVariant) time = NULL, y = NULL, names = NULL, drivers = NULL, periods = NULL;
  const double *tv, *yv, *dv;
  const guint32 *pv;
  gsize nt, ny, nd, np;
  guint32 freq;

  g_variant_get (v, "(sub@ad@ad@as@ad@aubbms)", &s->name, &freq, &s->datetime, &time, &y,
                 &names, &drivers, &periods, &s->nonnegative, &s->integer, &s->time_column);
  tv = g_variant_get_fixed_array (time, &nt, sizeof (double));
  yv = g_variant_get_fixed_array (y, &ny, sizeof (double));
  dv = g_variant_get_fixed_array (drivers, &nd, sizeof (double));
  pv = g_variant_get_fixed_array (periods, &np, sizeof (guint32));
  s->driver_names = g_variant_dup_strv (names, NULL);
  s->n_drivers = g_strv_length (s->driver_names);
  if (freq == AX_FREQUENCY_AUTO || freq >= AX_N_FREQUENCIES || nt != ny || nt < 3 ||
      nd != nt * s->n_drivers || np > AX_SERIES_MAX_PERIODS)
    return damaged (error), NULL;
  s->frequency = freq;
  s->n = nt;
  s->time = g_memdup2 (tv, sizeof (double) * nt);
  s->y = g_memdup2 (yv, sizeof (double) * nt);
  s->drivers = nd > 0 ? g_memdup2 (dv, sizeof (double) * nd) : NULL;
  s->n_periods = np;
  if (np > 0)
    memcpy (s->periods, pv, sizeof (guint32) * np);
  for (guint i = 0; i < s->n; i++)
    s->n_missing += isnan (s->y[i]);
  return g_steal_pointer (&s);
}

static AxFcModel *
model_from_variant (GVariant        *v,
                    const AxTimeSeries  *s,
                    GError         **error)
{
  g_autoptr(AxFcModel) m = g_new0 (AxFcModel, 1);
  g_autoptr(GVariant) fp = NULL, fk = NULL, fc = NULL, ets = NULL, ml = NULL;
  const double *fpv, *fcv;
  const guint32 *fkv;
  gsize nfp, nfk, nfc, total = 0;
  guint32 method;

  g_variant_get_child (v, 0, "u", &method);
  g_variant_get_child (v, 1, "u", &m->n);
  g_variant_get_child (v, 2, "u", &m->m);
  g_variant_get_child (v, 3, "d", &m->sigma);
  g_variant_get_child (v, 4, "d", &m->slope);
  fp = g_variant_get_child_value (v, 5);
  fk = g_variant_get_child_value (v, 6);
  fc = g_variant_get_child_value (v, 7);
  ets = g_variant_get_child_value (v, 8);
  ml = g_variant_get_child_value (v, 9);
  g_variant_get_child (v, 10, "u", &m->ets_offset);
  fpv = g_variant_get_fixed_array (fp, &nfp, sizeof (double));
  fkv = g_variant_get_fixed_array (fk, &nfk, sizeof (guint32));
  fcv = g_variant_get_fixed_array (fc, &nfc, sizeof (double));
  for (gsize i = 0; i < nfk; i++)
    total += 2 * (gsize) fkv[i];
  if (method == AX_FORECAST_AUTO || method >= AX_N_FORECAST_METHODS || m->n != s->n ||
      m->m == 0 || m->ets_offset + 3 > s->n || nfp != nfk || nfp > AX_SERIES_MAX_PERIODS || nfc != total)
    return damaged (error), NULL;
  m->method = method;
  m->y = g_memdup2 (s->y, sizeof (double) * s->n);
  m->t_end = s->time[s->n - 1];
  m->frequency = s->frequency;
  m->n_fourier = nfp;
  m->fourier_coef = g_new0 (double, MAX (nfc, 1));
  if (nfp > 0)
    {
      memcpy (m->fourier_period, fpv, sizeof (double) * nfp);
      memcpy (m->fourier_k, fkv, sizeof (guint32) * nfk);
      memcpy (m->fourier_coef, fcv, sizeof (double) * nfc);
    }

  if (method == AX_FORECAST_ETS)
    {
      g_autoptr(GVariant) inner = g_variant_get_maybe (ets);
      g_autoptr(GVariant) s0 = NULL;
      g_autoptr(AxEtsFit) e = g_new0 (AxEtsFit, 1);
      g_autofree double *adj = NULL;
      const char *code;
      const double *s0v;
      gsize ns0;

      if (inner == NULL)
        return damaged (error), NULL;
      g_variant_get (inner, "(&sudddddd@adu)", &code, &e->m, &e->alpha, &e->beta, &e->gamma,
                     &e->phi, &e->l0, &e->b0, &s0, &e->n_par);
      s0v = g_variant_get_fixed_array (s0, &ns0, sizeof (double));
      if (!ax_ets_spec_parse (code, &e->spec, NULL) || e->spec.error == AX_ETS_ANY ||
          e->spec.trend == AX_ETS_ANY || e->spec.season == AX_ETS_ANY ||
          e->m == 0 || ns0 != e->m)
        return damaged (error), NULL;
      e->s0 = g_memdup2 (s0v, sizeof (double) * ns0);
      e->s = g_new (double, e->m);
      adj = g_memdup2 (s->y, sizeof (double) * s->n);
      for (guint t = 0; t < s->n; t++)
        adj[t] -= ax_fc_fourier_value (m, t);
      ax_ets_refilter (e, adj + m->ets_offset, s->n - m->ets_offset);
      m->ets = g_steal_pointer (&e);
    }
  else if (method == AX_FORECAST_ML)
    {
      g_autoptr(GVariant) boxed = g_variant_get_maybe (ml);
      g_autoptr(GVariant) inner = boxed != NULL ? g_variant_get_variant (boxed) : NULL;
      if (inner == NULL)
        return damaged (error), NULL;
      m->ml = ax_fc_ml_from_variant (inner, error);
      if (m->ml == NULL)
        return NULL;
    }
  return g_steal_pointer (&m);
}

AxForecaster *
ax_forecast_load (GBytes  *bytes,
                  GError **error)
{
  AxBlobReader reader;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GVariant) v = NULL, sv = NULL, ov = NULL, mv = NULL, rv = NULL, cv = NULL;
  g_autoptr(GVariant) levels = NULL, rlevels = NULL, acc = NULL;
  g_autoptr(GVariantIter) cands = NULL;
  g_autoptr(AxForecaster) fc = g_new0 (AxForecaster, 1);
  AxForecastOptions *o = &fc->options;
  AxForecastReport *r = &fc->report;
  guint32 version, method;
  const double *lv;
  gsize nl;
  char *ets_model = NULL, *ml_algorithm = NULL;

  ax_blob_reader_init (&reader, bytes);
  if (!ax_blob_read_magic (&reader, BLOB_MAGIC) || !ax_blob_read_u32 (&reader, &version))
    return damaged (error), NULL;
  if (version > BLOB_VERSION)
    return ax_blob_error (error,
                          _("The forecast was saved by a newer version of Auspex (format %u); "
                            "this version reads format %u"), version, BLOB_VERSION);
  body = g_bytes_new_from_bytes (bytes, reader.pos, ax_blob_reader_remaining (&reader));
  v = g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE (version >= 2 ? BLOB_TYPE
                                                                    : BLOB_TYPE_V1),
                                                    body, FALSE));
  if (version == 0 || !g_variant_is_normal_form (v))
    return damaged (error), NULL;
  if (G_BYTE_ORDER != G_LITTLE_ENDIAN)
    {
      GVariant *native = g_variant_byteswap (v);
      g_variant_unref (v);
      v = native;
    }
  if (version >= 2)
    g_variant_get (v, "(@" SERIES_TYPE "@" OPTIONS_TYPE "t@" MODEL_TYPE "@" REPORT_TYPE
                   "@" CALIB_TYPE ")", &sv, &ov, &fc->seed, &mv, &rv, &cv);
  else
    g_variant_get (v, "(@" SERIES_TYPE "@" OPTIONS_TYPE "t@" MODEL_TYPE "@" REPORT_TYPE ")",
                   &sv, &ov, &fc->seed, &mv, &rv);

  if ((fc->series = series_from_variant (sv, error)) == NULL)
    return NULL;
  g_variant_get (ov, "(usu@adiiubusu)", &method, &ets_model, &o->horizon, &levels,
                 &o->nonnegative, &o->integer, &o->period, &o->multi_seasonal,
                 &o->backtest_origins, &ml_algorithm, &o->n_paths);
  fc->ets_model = *ets_model != '\0' ? ets_model : (g_free (ets_model), NULL);
  fc->ml_algorithm = ml_algorithm;
  o->ets_model = fc->ets_model;
  o->ml_algorithm = fc->ml_algorithm;
  o->method = method;
  lv = g_variant_get_fixed_array (levels, &nl, sizeof (double));
  if (method >= AX_N_FORECAST_METHODS || nl == 0 || nl > AX_FORECAST_MAX_LEVELS)
    return damaged (error), NULL;
  o->n_levels = nl;
  memcpy (o->levels, lv, sizeof (double) * nl);

  if ((fc->model = model_from_variant (mv, fc->series, error)) == NULL)
    return NULL;

  g_variant_get (rv, "(usu@adbbu@" ACC_TYPE "a(su" ACC_TYPE ")d^as)", &method, NULL,
                 &r->horizon, &rlevels, &r->nonnegative, &r->integer, &r->backtest_origins,
                 &acc, &cands, &r->seconds, &r->notes);
  lv = g_variant_get_fixed_array (rlevels, &nl, sizeof (double));
  if (nl == 0 || nl > AX_FORECAST_MAX_LEVELS || r->horizon == 0)
    return damaged (error), NULL;
  r->n_levels = nl;
  memcpy (r->levels, lv, sizeof (double) * nl);
  r->frequency = fc->series->frequency;
  r->n_obs = fc->series->n - fc->series->n_missing;
  accuracy_from_variant (acc, &r->backtest);
  r->n_candidates = g_variant_iter_n_children (cands);
  r->candidates = g_new0 (AxForecastCandidate, MAX (r->n_candidates, 1));
  for (guint c = 0; c < r->n_candidates; c++)
    {
      g_autoptr(GVariant) cand = g_variant_iter_next_value (cands);
      g_autoptr(GVariant) cacc = g_variant_get_child_value (cand, 2);
      guint32 cm;
      g_variant_get_child (cand, 0, "s", &r->candidates[c].name);
      g_variant_get_child (cand, 1, "u", &cm);
      r->candidates[c].method = MIN (cm, AX_N_FORECAST_METHODS - 1);
      accuracy_from_variant (cacc, &r->candidates[c].backtest);
    }
  ax_forecast_report_model (r, fc->model);

  for (guint l = 0; l < AX_FORECAST_MAX_LEVELS; l++)
    {
      r->model_coverage[l] = r->backtest.coverage[l];
      r->range_levels[l] = l < r->n_levels ? r->levels[l] : NAN;
    }
  if (cv != NULL)
    {
      g_autoptr(GVariant) scores = NULL, cover = NULL;
      const double *sc, *mc;
      gsize ns, nc;

      g_variant_get (cv, "(u@ad@ad)", &fc->calib_origins, &scores, &cover);
      sc = g_variant_get_fixed_array (scores, &ns, sizeof (double));
      mc = g_variant_get_fixed_array (cover, &nc, sizeof (double));
      if (nc != AX_FORECAST_MAX_LEVELS || (ns > 0 && fc->calib_origins < 2))
        return damaged (error), NULL;
      for (gsize i = 0; i < ns; i++)
        if (!(sc[i] >= 0 && sc[i] <= 1) || (i > 0 && sc[i] < sc[i - 1]))
          return damaged (error), NULL;
      fc->n_calib = ns;
      fc->calib = ns > 0 ? g_memdup2 (sc, sizeof (double) * ns) : NULL;
      memcpy (r->model_coverage, mc, sizeof r->model_coverage);
      ax_forecast_calibrated_levels (fc, r->levels, r->n_levels, r->range_levels);
    }
  return g_steal_pointer (&fc);
}
