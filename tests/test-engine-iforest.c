/* test-engine-iforest.c — the isolation forest and robust z-score detectors
 *
 * Data are generated here from a fixed splitmix64 stream: Gaussian metrics
 * with outliers planted at known rows, and uniform metrics (where, by the
 * paper's analysis, no row stands out and scores sit near 0.5).  The
 * robust z-score is checked against medians and MADs worked out by hand
 * (the working is in the comments).
 */

#include <math.h>
#include <string.h>

#include "ax-detect.h"
#include "ax-test-util.h"

/* Data */

static AxMatrix *
matrix_new (guint n_rows,
            guint n_metrics)
{
  AxMatrix *x = ax_matrix_new (n_rows, n_metrics);

  for (guint m = 0; m < n_metrics; m++)
    x->names[m] = g_strdup_printf ("m%u", m);
  return x;
}

static void
set (AxMatrix *x,
     guint     row,
     guint     metric,
     double    value)
{
  x->x[(gsize) metric * x->n_rows + row] = (float) value;
}

/* N(10, 2) in every metric; every 100th row (from row 50) is an outlier
 * 8 standard deviations out in one metric (cycling) with a random sign.
 * @outlier (n_rows) is set to 1 for those rows. */
static AxMatrix *
gaussian_with_outliers (guint    n_rows,
                        guint    n_metrics,
                        guint64  seed,
                        double  *outlier)
{
  AxMatrix *x = matrix_new (n_rows, n_metrics);
  Rng rng = { seed };

  for (guint i = 0; i < n_rows; i++)
    {
      for (guint m = 0; m < n_metrics; m++)
        set (x, i, m, 10 + 2 * rng_normal (&rng));
      outlier[i] = i % 100 == 50;
      if (outlier[i])
        {
          guint m = (i / 100) % n_metrics;
          set (x, i, m, 10 + (rng_next (&rng) & 1 ? 16 : -16));
        }
    }
  return x;
}

/* ROC-AUC of @score against 0/1 @truth: the Mann–Whitney statistic, ties
 * counting a half. */
static double
roc_auc (const double *score,
         const double *truth,
         guint         n)
{
  double pairs = 0, wins = 0;

  for (guint i = 0; i < n; i++)
    if (truth[i] == 1)
      for (guint j = 0; j < n; j++)
        if (truth[j] == 0)
          {
            pairs++;
            wins += score[i] > score[j] ? 1 : score[i] == score[j] ? 0.5 : 0;
          }
  return wins / pairs;
}

static const AxDetector *
detector (const char *name)
{
  const AxDetector *d = ax_detector_find (name);

  g_assert_nonnull (d);
  return d;
}

/* Fits @name with @params (checked) and scores the same rows. */
static AxScores *
fit_and_score (const char           *name,
               AxParams             *given,
               const AxMatrix       *fit_x,
               const AxMatrix       *score_x,
               const AxTrainMonitor *monitor)
{
  const AxDetector *d = detector (name);
  g_autoptr(GError) error = NULL;
  g_autoptr(AxParams) params = ax_detector_check_params (d, given, &error);
  AxSeries fit = { fit_x, NULL }, score = { score_x, NULL };
  AxDetectorState *state;
  AxScores *out;

  g_assert_no_error (error);
  state = d->fit (&fit, params, monitor, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (state);
  out = d->score (state, &score, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (out);
  g_assert_cmpuint (out->n_rows, ==, score_x->n_rows);
  g_assert_cmpuint (out->n_metrics, ==, score_x->n_features);
  d->free (state);
  return out;
}

/* Every row's contributions are >= 0 and sum to 1; scores are in 0..1. */
static void
assert_well_formed (const AxScores *s)
{
  for (guint i = 0; i < s->n_rows; i++)
    {
      double sum = 0;

      g_assert_true (s->score[i] >= 0 && s->score[i] <= 1);
      for (guint m = 0; m < s->n_metrics; m++)
        {
          double c = s->contribution[(gsize) i * s->n_metrics + m];
          double dir = s->direction[(gsize) i * s->n_metrics + m];
          g_assert_true (c >= 0);
          g_assert_true (dir == -1 || dir == 0 || dir == 1);
          sum += c;
        }
      g_assert_cmpfloat_with_epsilon (sum, 1, 1e-9);
    }
}

static guint
top_metric (const AxScores *s,
            guint           row)
{
  guint best = 0;

  for (guint m = 1; m < s->n_metrics; m++)
    if (s->contribution[(gsize) row * s->n_metrics + m]
        > s->contribution[(gsize) row * s->n_metrics + best])
      best = m;
  return best;
}

/* The registry and parameters */

static void
test_registry (void)
{
  const AxDetector *const *list = ax_detector_list ();
  const char *names[] = { "isolation_forest", "robust_zscore", "seasonal" };
  guint n = 0;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      const AxDetector *d = detector (names[i]);
      g_assert_cmpstr (d->name, ==, names[i]);
      g_assert_nonnull (d->label);
      g_assert_nonnull (d->fit);
      g_assert_nonnull (d->score);
      g_assert_nonnull (d->free);
    }
  g_assert_null (ax_detector_find ("one_class_svm"));
  g_assert_null (ax_detector_find (NULL));
  while (list[n] != NULL)
    n++;
  g_assert_cmpuint (n, ==, 3);
  g_assert_true (list[0] == ax_detector_find ("isolation_forest"));
  g_assert_false (ax_detector_find ("isolation_forest")->needs_time);
  g_assert_false (ax_detector_find ("robust_zscore")->needs_time);
}

static void
test_params_defaults (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AxParams) p = ax_detector_check_params (detector ("isolation_forest"), NULL, &error);
  g_autoptr(AxParams) z = NULL;
  g_autoptr(AxParams) given = ax_params_new ();
  g_autoptr(AxParams) q = NULL;

  g_assert_no_error (error);
  g_assert_cmpfloat (ax_params_get_number (p, "n_estimators"), ==, 100);
  g_assert_cmpstr (ax_params_get_string (p, "max_samples"), ==, "auto");
  g_assert_cmpfloat (ax_params_get_number (p, "contamination"), ==, 0.1);
  g_assert_cmpstr (ax_params_get_string (p, "max_features"), ==, "all");
  g_assert_cmpfloat (ax_params_get_number (p, "window"), ==, 0);

  z = ax_detector_check_params (detector ("robust_zscore"), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (ax_params_get_number (z, "threshold"), ==, 3.5);

  ax_params_set_number (given, "max_samples", 0.5);
  ax_params_set_number (given, "max_features", 3);
  ax_params_set_number (given, "window", 1000);
  q = ax_detector_check_params (detector ("isolation_forest"), given, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (ax_params_get_number (q, "max_samples"), ==, 0.5);
  g_assert_cmpfloat (ax_params_get_number (q, "max_features"), ==, 3);
  g_assert_cmpfloat (ax_params_get_number (q, "window"), ==, 1000);
}

typedef struct {
  const char *detector;
  const char *name;
  const char *text;      /* set as a string when not NULL */
  double      number;
} BadParam;

static void
test_params_errors (void)
{
  static const BadParam bad[] = {
    { "isolation_forest", "n_estimators", NULL, 0 },
    { "isolation_forest", "n_estimators", NULL, 10.5 },
    { "isolation_forest", "n_estimators", "many", 0 },
    { "isolation_forest", "max_samples", "lots", 0 },
    { "isolation_forest", "max_samples", NULL, -1 },
    { "isolation_forest", "max_samples", NULL, 2.5 },
    { "isolation_forest", "contamination", NULL, 0.7 },
    { "isolation_forest", "max_features", NULL, 0 },
    { "isolation_forest", "colour", NULL, 1 },
    { "isolation_forest", "window", NULL, -3 },
    { "robust_zscore", "threshold", NULL, -1 },
    { "robust_zscore", "threshold", "high", 0 },
    { "robust_zscore", "n_estimators", NULL, 100 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(AxParams) given = ax_params_new ();
      g_autoptr(GError) error = NULL;
      g_autoptr(AxParams) out = NULL;
      g_autofree char *prefix = g_strdup_printf ("detection_config.%s:", bad[i].name);

      if (bad[i].text != NULL)
        ax_params_set_string (given, bad[i].name, bad[i].text);
      else
        ax_params_set_number (given, bad[i].name, bad[i].number);
      out = ax_detector_check_params (detector (bad[i].detector), given, &error);
      g_assert_null (out);
      g_assert_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG);
      if (!g_str_has_prefix (error->message, prefix))
        g_error ("expected “%s…”, got “%s”", prefix, error->message);
    }
}

/* The isolation forest */

static void
test_iforest_planted (void)
{
  guint n = 5000, nm = 4;
  g_autofree double *truth = g_new (double, n);
  g_autoptr(AxMatrix) x = gaussian_with_outliers (n, nm, 7, truth);
  AxTrainMonitor monitor = { .seed = 42 };
  g_autoptr(AxScores) s = fit_and_score ("isolation_forest", NULL, x, x, &monitor);
  double auc = roc_auc (s->score, truth, n);

  assert_well_formed (s);
  g_test_message ("AUC %.4f", auc);
  g_assert_cmpfloat (auc, >, 0.95);
}

/* The paper's properties: on uniform data E(h) is close to c(psi), so
 * scores sit near 0.5; rows far from the rest score well above. */
static void
test_iforest_paper_scores (void)
{
  guint n = 4000, nm = 2;
  g_autoptr(AxMatrix) x = matrix_new (n, nm);
  g_autoptr(AxMatrix) far = matrix_new (4, nm);
  Rng rng = { 11 };
  AxTrainMonitor monitor = { .seed = 3 };
  g_autoptr(AxScores) s = NULL;
  g_autoptr(AxScores) f = NULL;
  double mean = 0;

  for (guint i = 0; i < n; i++)
    for (guint m = 0; m < nm; m++)
      set (x, i, m, rng_uniform (&rng));
  set (far, 0, 0, 3);   set (far, 0, 1, -2);
  set (far, 1, 0, -2);  set (far, 1, 1, 3);
  set (far, 2, 0, 4);   set (far, 2, 1, 4);
  set (far, 3, 0, -1);  set (far, 3, 1, -1);

  s = fit_and_score ("isolation_forest", NULL, x, x, &monitor);
  f = fit_and_score ("isolation_forest", NULL, x, far, &monitor);
  assert_well_formed (s);
  assert_well_formed (f);
  for (guint i = 0; i < n; i++)
    mean += s->score[i];
  mean /= n;
  g_test_message ("mean score on uniform data %.4f", mean);
  g_assert_cmpfloat (fabs (mean - 0.5), <, 0.06);
  for (guint i = 0; i < far->n_rows; i++)
    {
      g_test_message ("far row %u scores %.4f", i, f->score[i]);
      g_assert_cmpfloat (f->score[i], >, 0.6);
    }
}

static AxScores *
score_with_threads (const AxMatrix *x,
                    guint           n_threads)
{
  g_autoptr(AxParams) given = ax_params_new ();
  AxTrainMonitor monitor = { .seed = 99, .n_threads = n_threads };

  ax_params_set_number (given, "n_estimators", 37);
  ax_params_set_number (given, "max_features", 0.5);
  return fit_and_score ("isolation_forest", given, x, x, &monitor);
}

static void
test_iforest_threads (void)
{
  guint n = 3000, nm = 6;
  g_autofree double *truth = g_new (double, n);
  g_autoptr(AxMatrix) x = gaussian_with_outliers (n, nm, 21, truth);
  g_autoptr(AxScores) one = score_with_threads (x, 1);
  guint counts[] = { 2, 3, 8 };

  for (guint k = 0; k < G_N_ELEMENTS (counts); k++)
    {
      g_autoptr(AxScores) other = score_with_threads (x, counts[k]);
      gsize cells = (gsize) n * nm * sizeof (double);

      g_assert_cmpmem (one->score, n * sizeof (double), other->score, n * sizeof (double));
      g_assert_cmpmem (one->contribution, cells, other->contribution, cells);
      g_assert_cmpmem (one->direction, cells, other->direction, cells);
      g_assert_false (one->ranges_per_row);
      g_assert_cmpmem (one->expected_low, nm * sizeof (double), other->expected_low, nm * sizeof (double));
      g_assert_cmpmem (one->expected_high, nm * sizeof (double), other->expected_high, nm * sizeof (double));
    }
}

static void
test_iforest_seed (void)
{
  guint n = 1000, nm = 3;
  g_autofree double *truth = g_new (double, n);
  g_autoptr(AxMatrix) x = gaussian_with_outliers (n, nm, 5, truth);
  AxTrainMonitor a = { .seed = 1 }, b = { .seed = 2 };
  g_autoptr(AxScores) sa = fit_and_score ("isolation_forest", NULL, x, x, &a);
  g_autoptr(AxScores) sb = fit_and_score ("isolation_forest", NULL, x, x, &b);

  g_assert_true (memcmp (sa->score, sb->score, n * sizeof (double)) != 0);
}

typedef struct {
  GCancellable *cancellable;
  guint         cancel_at;
  guint         steps;
  guint         last_step;
  gboolean      in_order;
} CancelData;

static void
cancel_step (guint    step,
             guint    n_steps,
             double   score,
             gpointer user_data)
{
  CancelData *c = user_data;

  c->in_order &= step == c->last_step + 1;
  c->last_step = step;
  c->steps++;
  if (step == c->cancel_at)
    g_cancellable_cancel (c->cancellable);
}

static void
test_iforest_cancel (void)
{
  guint n = 20000, nm = 4;
  g_autofree double *truth = g_new (double, n);
  g_autoptr(AxMatrix) x = gaussian_with_outliers (n, nm, 8, truth);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(AxParams) given = ax_params_new ();
  g_autoptr(AxParams) params = NULL;
  g_autoptr(GError) error = NULL;
  const AxDetector *d = detector ("isolation_forest");
  CancelData data = { cancellable, 3, 0, 0, TRUE };
  AxTrainMonitor monitor = { .step = cancel_step, .step_data = &data, .seed = 1, .n_threads = 2 };
  AxSeries fit = { x, NULL };
  AxDetectorState *state;

  /* Big trees, so that cancelling lands mid-fit. */
  ax_params_set_number (given, "n_estimators", 400);
  ax_params_set_number (given, "max_samples", 1.0);
  params = ax_detector_check_params (d, given, &error);
  g_assert_no_error (error);

  state = d->fit (&fit, params, &monitor, cancellable, &error);
  g_assert_null (state);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (data.steps, >=, 3);
  g_assert_cmpuint (data.steps, <, 400);
  g_assert_true (data.in_order);
  g_clear_error (&error);

  /* Cancelled before it starts. */
  state = d->fit (&fit, params, NULL, cancellable, &error);
  g_assert_null (state);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* Scoring stops between chunks of rows once cancelled. */
typedef struct {
  GCancellable *cancellable;
  gint          scoring;      /* atomic: the main thread is about to score */
  gint64        cancelled_at;
} ScoreCancel;

static gpointer
cancel_soon (gpointer user_data)
{
  ScoreCancel *c = user_data;

  while (!g_atomic_int_get (&c->scoring))
    g_usleep (100);
  g_usleep (5000);
  c->cancelled_at = g_get_monotonic_time ();
  g_cancellable_cancel (c->cancellable);
  return NULL;
}

static void
test_iforest_score_cancel (void)
{
  /* 200,000 rows take a tenth of a second to score in a release build
   * and seconds under the sanitizers; the cancel comes 5 ms in. */
  guint n = 200000, nm = 2;
  g_autofree double *truth = g_new (double, n);
  g_autoptr(AxMatrix) x = gaussian_with_outliers (n, nm, 31, truth);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(AxParams) params = NULL;
  g_autoptr(GError) error = NULL;
  const AxDetector *d = detector ("isolation_forest");
  AxTrainMonitor monitor = { .seed = 3, .n_threads = 2 };
  AxSeries series = { x, NULL };
  ScoreCancel data = { cancellable, 0, 0 };
  AxDetectorState *state;
  GThread *thread;
  gint64 returned;

  params = ax_detector_check_params (d, NULL, &error);
  g_assert_no_error (error);
  state = d->fit (&series, params, &monitor, NULL, &error);
  g_assert_no_error (error);

  thread = g_thread_new ("cancel-soon", cancel_soon, &data);
  g_atomic_int_set (&data.scoring, 1);
  g_assert_null (d->score (state, &series, cancellable, &error));
  returned = g_get_monotonic_time ();
  g_thread_join (thread);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_test_message ("score returned %.1f ms after the cancel",
                  (returned - data.cancelled_at) / 1000.0);
  /* A chunk is 4,096 rows: milliseconds even under the sanitizers. */
  g_assert_cmpint (returned - data.cancelled_at, <, G_USEC_PER_SEC);
  g_clear_error (&error);

  /* Already cancelled: nothing is scored, for every detector's score. */
  g_assert_null (d->score (state, &series, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  d->free (state);
  for (guint k = 0; k < 2; k++)
    {
      const AxDetector *other = detector (k == 0 ? "robust_zscore" : "seasonal");
      guint small = 2000;
      g_autoptr(AxMatrix) few = gaussian_with_outliers (small, nm, 32, truth);
      g_autofree double *days = g_new (double, small);
      AxSeries timed = { few, days };
      g_autoptr(AxParams) p = ax_detector_check_params (other, NULL, &error);

      g_assert_no_error (error);
      for (guint i = 0; i < small; i++)
        days[i] = 18000 + i / 24.0;
      state = other->fit (&timed, p, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_null (other->score (state, &timed, cancellable, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      g_clear_error (&error);
      other->free (state);
    }
}

/* An outlier in one metric only names that metric first, with the
 * direction of its deviation. */
static void
test_iforest_contributions (void)
{
  guint n = 4000, nm = 6;
  g_autoptr(AxMatrix) x = matrix_new (n, nm);
  g_autoptr(AxMatrix) probe = matrix_new (5, nm);
  Rng rng = { 77 };
  AxTrainMonitor monitor = { .seed = 5 };
  g_autoptr(AxScores) s = NULL;

  for (guint i = 0; i < n; i++)
    for (guint m = 0; m < nm; m++)
      set (x, i, m, 100 + 10 * rng_normal (&rng));
  for (guint i = 0; i < probe->n_rows; i++)
    for (guint m = 0; m < nm; m++)
      set (probe, i, m, 100 + 3 * rng_normal (&rng));
  set (probe, 0, 3, 190);        /* metric 3 far above */
  set (probe, 1, 3, 20);         /* metric 3 far below */
  set (probe, 2, 1, 160);        /* metric 1 above */
  set (probe, 3, 3, 170);        /* metric 3 and, less, metric 5 */
  set (probe, 3, 5, 135);
  for (guint m = 0; m < nm; m++)   /* row 0 without its outlier */
    set (probe, 4, m, m == 3 ? 100 : ax_matrix_get (probe, 0, m));

  s = fit_and_score ("isolation_forest", NULL, x, probe, &monitor);
  assert_well_formed (s);
  for (guint i = 0; i < probe->n_rows; i++)
    g_test_message ("row %u: score %.3f, top metric %u (%.2f)", i, s->score[i],
                    top_metric (s, i), s->contribution[(gsize) i * nm + top_metric (s, i)]);

  g_assert_cmpuint (top_metric (s, 0), ==, 3);
  g_assert_cmpfloat (s->contribution[0 * nm + 3], >, 0.5);
  g_assert_cmpfloat (s->direction[0 * nm + 3], ==, 1);
  g_assert_cmpuint (top_metric (s, 1), ==, 3);
  g_assert_cmpfloat (s->direction[1 * nm + 3], ==, -1);
  g_assert_cmpuint (top_metric (s, 2), ==, 1);
  g_assert_cmpfloat (s->direction[2 * nm + 1], ==, 1);
  g_assert_cmpuint (top_metric (s, 3), ==, 3);
  g_assert_cmpfloat (s->contribution[3 * nm + 5], >, s->contribution[3 * nm + 0]);
  g_assert_cmpfloat (s->contribution[3 * nm + 5], >, s->contribution[3 * nm + 2]);
  /* Values inside the range have no direction. */
  g_assert_cmpfloat (s->direction[0 * nm + 0], ==, 0);
  /* A single metric far out among six lengthens few paths' ends, so the
   * score rises less than for a row out in every metric, but it rises. */
  g_assert_cmpfloat (s->score[0], >, s->score[4] + 0.05);
}

/* Past 32 metrics the credits are kept as pairs rather than vectors: the
 * same answers, and the same bits whatever the number of threads. */
static void
test_iforest_many_metrics (void)
{
  guint n = 3000, nm = 40;
  g_autoptr(AxMatrix) x = matrix_new (n, nm);
  g_autoptr(AxMatrix) probe = matrix_new (2, nm);
  Rng rng = { 4 };
  AxTrainMonitor one = { .seed = 8, .n_threads = 1 }, three = { .seed = 8, .n_threads = 3 };
  g_autoptr(AxScores) s = NULL;
  g_autoptr(AxScores) t = NULL;
  gsize cells = (gsize) probe->n_rows * nm * sizeof (double);

  for (guint i = 0; i < n; i++)
    for (guint m = 0; m < nm; m++)
      set (x, i, m, rng_normal (&rng));
  for (guint i = 0; i < probe->n_rows; i++)
    for (guint m = 0; m < nm; m++)
      set (probe, i, m, 0.3 * rng_normal (&rng));
  set (probe, 0, 37, 9);
  set (probe, 1, 2, -9);

  s = fit_and_score ("isolation_forest", NULL, x, probe, &one);
  t = fit_and_score ("isolation_forest", NULL, x, probe, &three);
  assert_well_formed (s);
  g_assert_cmpuint (top_metric (s, 0), ==, 37);
  g_assert_cmpfloat (s->direction[0 * nm + 37], ==, 1);
  g_assert_cmpuint (top_metric (s, 1), ==, 2);
  g_assert_cmpfloat (s->direction[1 * nm + 2], ==, -1);
  g_assert_cmpmem (s->score, 2 * sizeof (double), t->score, 2 * sizeof (double));
  g_assert_cmpmem (s->contribution, cells, t->contribution, cells);
}

/* The 5th to 95th percentile of the rows scored normal: for N(10, 2),
 * 10 ± 1.645 * 2 = [6.71, 13.29] before trimming, a little narrower
 * after the most anomalous tenth is left out. */
static void
test_iforest_ranges (void)
{
  guint n = 8000, nm = 3;
  g_autofree double *truth = g_new (double, n);
  g_autoptr(AxMatrix) x = gaussian_with_outliers (n, nm, 13, truth);
  AxTrainMonitor monitor = { .seed = 17 };
  g_autoptr(AxScores) s = fit_and_score ("isolation_forest", NULL, x, x, &monitor);

  for (guint m = 0; m < nm; m++)
    {
      double low = s->expected_low[m], high = s->expected_high[m];

      g_test_message ("metric %u: expected %.3f .. %.3f", m, low, high);
      g_assert_cmpfloat (low, >, 6.5);
      g_assert_cmpfloat (low, <, 8);
      g_assert_cmpfloat (high, >, 12);
      g_assert_cmpfloat (high, <, 13.5);
      /* The same range on every row, kept once per metric. */
      g_assert_false (s->ranges_per_row);
      g_assert_cmpuint (ax_scores_range_at (s, n - 1, m), ==, m);
    }
  /* A planted outlier lies outside its metric's range, on its side. */
  for (guint i = 50; i < n; i += 100)
    {
      guint m = (i / 100) % nm;
      double v = ax_matrix_get (x, i, m);
      g_assert_cmpfloat (s->direction[(gsize) i * nm + m], ==, v > 10 ? 1 : -1);
    }
}

static void
test_iforest_missing (void)
{
  guint n = 2000, nm = 3;
  g_autofree double *truth = g_new (double, n);
  g_autoptr(AxMatrix) x = gaussian_with_outliers (n, nm, 31, truth);
  AxTrainMonitor monitor = { .seed = 2 };
  g_autoptr(AxScores) s = NULL;

  for (guint i = 0; i < n; i += 7)
    set (x, i, i % nm, NAN);
  s = fit_and_score ("isolation_forest", NULL, x, x, &monitor);
  assert_well_formed (s);
  for (guint i = 0; i < n; i += 7)
    {
      g_assert_cmpfloat (s->contribution[(gsize) i * nm + i % nm], ==, 0);
      g_assert_cmpfloat (s->direction[(gsize) i * nm + i % nm], ==, 0);
    }
}

static void
test_iforest_small_and_errors (void)
{
  const AxDetector *d = detector ("isolation_forest");
  g_autoptr(AxMatrix) empty = matrix_new (0, 2);
  g_autoptr(AxMatrix) one = matrix_new (1, 2);
  g_autoptr(AxMatrix) three = matrix_new (5, 3);
  g_autoptr(GError) error = NULL;
  g_autoptr(AxParams) params = ax_detector_check_params (d, NULL, &error);
  AxSeries s_empty = { empty, NULL }, s_one = { one, NULL }, s_three = { three, NULL };
  AxDetectorState *state;
  g_autoptr(AxScores) scores = NULL;

  g_assert_no_error (error);
  g_assert_null (d->fit (&s_empty, params, NULL, NULL, &error));
  g_assert_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_DATA);
  g_clear_error (&error);

  /* One row: every tree is a single leaf and nothing stands out. */
  set (one, 0, 0, 1);
  set (one, 0, 1, 2);
  state = d->fit (&s_one, params, NULL, NULL, &error);
  g_assert_no_error (error);
  scores = d->score (state, &s_one, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (scores->score[0], ==, 0.5);

  g_assert_null (d->score (state, &s_three, NULL, &error));
  g_assert_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_DATA);
  d->free (state);
}

/* The robust z-score */

/* Metric 0: 1, 2, 3, 4, 100 — median 3; deviations 2, 1, 0, 1, 97,
 * median 1, scale 1.4826.  Metric 1: 5, 5, 5, 5, 9 — median 5; deviations
 * 0, 0, 0, 0, 4, MAD 0, so the mean absolute deviation 0.8 times 1.2533 =
 * 1.00265.  Metric 2: 7 throughout — scale 7e-9. */
static void
test_zscore_known (void)
{
  static const double m0[] = { 1, 2, 3, 4, 100 }, m1[] = { 5, 5, 5, 5, 9 };
  g_autoptr(AxMatrix) x = matrix_new (5, 3);
  g_autoptr(AxMatrix) probe = matrix_new (4, 3);
  g_autoptr(AxScores) s = NULL;
  double scale0 = 1.4826, scale1 = 0.8 * sqrt (G_PI / 2), scale2 = 7e-9;

  for (guint i = 0; i < 5; i++)
    {
      set (x, i, 0, m0[i]);
      set (x, i, 1, m1[i]);
      set (x, i, 2, 7);
    }
  /* Row 0: every metric at its median.  Row 1: metric 0 at z = 3.5
   * exactly; metric 1 at z = 1.  Row 2: metric 0 at z = 1, metric 1 at
   * z = 2 below: contributions 1/5 and 4/5.  Row 3: metric 2 moved. */
  set (probe, 0, 0, 3);  set (probe, 0, 1, 5);  set (probe, 0, 2, 7);
  set (probe, 1, 0, 3 + 3.5 * scale0); set (probe, 1, 1, 5 + scale1); set (probe, 1, 2, 7);
  set (probe, 2, 0, 3 + scale0); set (probe, 2, 1, 5 - 2 * scale1); set (probe, 2, 2, 7);
  set (probe, 3, 0, 3);  set (probe, 3, 1, 5);  set (probe, 3, 2, 8);

  s = fit_and_score ("robust_zscore", NULL, x, probe, NULL);
  assert_well_formed (s);

  /* Expected ranges: median ± 3.5 scales. */
  g_assert_cmpfloat_with_epsilon (s->expected_low[0], 3 - 3.5 * scale0, 1e-9);
  g_assert_cmpfloat_with_epsilon (s->expected_high[0], 3 + 3.5 * scale0, 1e-9);
  g_assert_cmpfloat_with_epsilon (s->expected_low[1], 5 - 3.5 * scale1, 1e-6);
  g_assert_cmpfloat_with_epsilon (s->expected_high[1], 5 + 3.5 * scale1, 1e-6);
  g_assert_cmpfloat_with_epsilon (s->expected_low[2], 7 - 3.5 * scale2, 1e-12);

  /* Row 0: nothing deviates. */
  g_assert_cmpfloat (s->score[0], ==, 0);
  for (guint m = 0; m < 3; m++)
    {
      g_assert_cmpfloat_with_epsilon (s->contribution[m], 1.0 / 3, 1e-12);
      g_assert_cmpfloat (s->direction[m], ==, 0);
    }

  /* Row 1: z = 3.5 = the threshold scores 0.7 (float rounding of the
   * value aside); contributions 3.5^2 : 1 : 0. */
  g_assert_cmpfloat_with_epsilon (s->score[1], 0.7, 1e-5);
  g_assert_cmpfloat_with_epsilon (s->contribution[3 + 0], 12.25 / 13.25, 1e-5);
  g_assert_cmpfloat_with_epsilon (s->contribution[3 + 1], 1 / 13.25, 1e-5);

  /* Row 2: z = (1, 2): shares 1/5, 4/5; largest z 2 scores
   * 1 - exp (-ln (1 / 0.3) * (2 / 3.5)^2) = 0.32487. */
  g_assert_cmpfloat_with_epsilon (s->contribution[6 + 0], 0.2, 1e-5);
  g_assert_cmpfloat_with_epsilon (s->contribution[6 + 1], 0.8, 1e-5);
  g_assert_cmpfloat_with_epsilon (s->score[2], 1 - exp (-log (1 / 0.3) * 4 / 12.25), 1e-5);
  g_assert_cmpfloat (s->direction[6 + 1], ==, 0);   /* z = 2 is inside the range */

  /* Row 3: the constant metric moved: far out, all of the cause, above. */
  g_assert_cmpfloat (s->score[3], >, 0.999);
  g_assert_cmpfloat_with_epsilon (s->contribution[9 + 2], 1, 1e-9);
  g_assert_cmpfloat (s->direction[9 + 2], ==, 1);
}

/* An even count takes the mean of the two middle values; a custom
 * threshold moves the 0.7 point. */
static void
test_zscore_threshold (void)
{
  static const double v[] = { 4, 1, 3, 2 };   /* median 2.5; deviations 1.5, 0.5, 0.5, 1.5: MAD 1 */
  g_autoptr(AxMatrix) x = matrix_new (4, 1);
  g_autoptr(AxMatrix) probe = matrix_new (3, 1);
  g_autoptr(AxParams) given = ax_params_new ();
  g_autoptr(AxScores) s = NULL;

  for (guint i = 0; i < 4; i++)
    set (x, i, 0, v[i]);
  set (probe, 0, 0, 2.5 + 3 * 1.4826);
  set (probe, 1, 0, 2.5 - 6 * 1.4826);
  set (probe, 2, 0, NAN);
  ax_params_set_number (given, "threshold", 3);
  s = fit_and_score ("robust_zscore", given, x, probe, NULL);

  g_assert_cmpfloat_with_epsilon (s->expected_low[0], 2.5 - 3 * 1.4826, 1e-9);
  g_assert_cmpfloat_with_epsilon (s->expected_high[0], 2.5 + 3 * 1.4826, 1e-9);
  g_assert_cmpfloat_with_epsilon (s->score[0], 0.7, 1e-5);
  g_assert_cmpfloat_with_epsilon (s->score[1], 1 - pow (0.3, 4), 1e-5);
  g_assert_cmpfloat (s->direction[1], ==, -1);
  /* A missing value: nothing to say. */
  g_assert_cmpfloat (s->score[2], ==, 0);
  g_assert_cmpfloat (s->direction[2], ==, 0);
}

static void
test_zscore_planted (void)
{
  guint n = 5000, nm = 5;
  g_autofree double *truth = g_new (double, n);
  g_autoptr(AxMatrix) x = gaussian_with_outliers (n, nm, 7, truth);
  g_autoptr(AxScores) s = fit_and_score ("robust_zscore", NULL, x, x, NULL);

  assert_well_formed (s);
  g_assert_cmpfloat (roc_auc (s->score, truth, n), >, 0.99);
  for (guint i = 50; i < n; i += 100)
    g_assert_cmpuint (top_metric (s, i), ==, (i / 100) % nm);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/detectors/registry", test_registry);
  g_test_add_func ("/engine/detectors/params/defaults", test_params_defaults);
  g_test_add_func ("/engine/detectors/params/errors", test_params_errors);
  g_test_add_func ("/engine/iforest/planted-outliers", test_iforest_planted);
  g_test_add_func ("/engine/iforest/paper-scores", test_iforest_paper_scores);
  g_test_add_func ("/engine/iforest/threads", test_iforest_threads);
  g_test_add_func ("/engine/iforest/seed", test_iforest_seed);
  g_test_add_func ("/engine/iforest/cancel", test_iforest_cancel);
  g_test_add_func ("/engine/iforest/score-cancel", test_iforest_score_cancel);
  g_test_add_func ("/engine/iforest/contributions", test_iforest_contributions);
  g_test_add_func ("/engine/iforest/many-metrics", test_iforest_many_metrics);
  g_test_add_func ("/engine/iforest/ranges", test_iforest_ranges);
  g_test_add_func ("/engine/iforest/missing", test_iforest_missing);
  g_test_add_func ("/engine/iforest/small-and-errors", test_iforest_small_and_errors);
  g_test_add_func ("/engine/zscore/known-answers", test_zscore_known);
  g_test_add_func ("/engine/zscore/threshold", test_zscore_threshold);
  g_test_add_func ("/engine/zscore/planted-outliers", test_zscore_planted);

  return g_test_run ();
}
