/* test-engine-learn.c — hyperparameters, the registry, metrics and the
 * linear models
 *
 * Metric expectations were worked out by hand (the working is in the
 * comments); the models are checked against functions they must recover.
 */

#include <math.h>
#include <string.h>

#include "ax-learn.h"
#include "ax-metrics.h"
#include "ax-split.h"
#include "ax-test-util.h"

#define EPS 1e-9

static const AxAlgorithm *
algo (const char *name)
{
  const AxAlgorithm *a = ax_algorithm_find (name);

  g_assert_nonnull (a);
  return a;
}

/* Checks @given against @a and expects an error naming @field and
 * containing @also (if not NULL). */
static void
expect_config_error (const AxAlgorithm *a,
                     AxParams          *given,
                     const char        *field,
                     const char        *also)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AxParams) out = ax_algorithm_check_params (a, given, &error);
  g_autofree char *prefix = g_strdup_printf ("hyperparameters.%s:", field);

  g_assert_null (out);
  g_assert_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG);
  g_assert_true (g_str_has_prefix (error->message, prefix));
  if (also != NULL && strstr (error->message, also) == NULL)
    g_error ("“%s” does not mention “%s”", error->message, also);
}

/* Parameters */

static void
test_params_table (void)
{
  g_autoptr(AxParams) p = ax_params_new ();

  g_assert_false (ax_params_has (p, "alpha"));
  g_assert_true (isnan (ax_params_get_number (p, "alpha")));
  g_assert_null (ax_params_get_string (p, "alpha"));

  ax_params_set_number (p, "alpha", 2.5);
  g_assert_true (ax_params_has (p, "alpha"));
  g_assert_cmpfloat (ax_params_get_number (p, "alpha"), ==, 2.5);
  g_assert_null (ax_params_get_string (p, "alpha"));

  ax_params_set_string (p, "alpha", "big");
  g_assert_cmpstr (ax_params_get_string (p, "alpha"), ==, "big");
  g_assert_true (isnan (ax_params_get_number (p, "alpha")));

  ax_params_set_number (p, "alpha", 3);
  g_assert_null (ax_params_get_string (p, "alpha"));
  g_assert_cmpfloat (ax_params_get_number (p, "alpha"), ==, 3);
}

static void
test_params_defaults (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AxParams) given = ax_params_new ();
  g_autoptr(AxParams) out = NULL;
  g_autoptr(AxParams) out2 = NULL;

  out = ax_algorithm_check_params (algo ("logistic_regression"), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (ax_params_get_number (out, "C"), ==, 1.0);
  g_assert_cmpfloat (ax_params_get_number (out, "max_iter"), ==, 200);
  g_assert_cmpfloat (ax_params_get_number (out, "tol"), ==, 1e-6);
  g_assert_cmpfloat (ax_params_get_number (out, "fit_intercept"), ==, 1);
  g_assert_cmpstr (ax_params_get_string (out, "class_weight"), ==, "none");

  ax_params_set_number (given, "C", 0.5);
  ax_params_set_string (given, "fit_intercept", "false");
  ax_params_set_string (given, "class_weight", "balanced");
  out2 = ax_algorithm_check_params (algo ("logistic_regression"), given, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (ax_params_get_number (out2, "C"), ==, 0.5);
  g_assert_cmpfloat (ax_params_get_number (out2, "fit_intercept"), ==, 0);
  g_assert_cmpfloat (ax_params_get_number (out2, "max_iter"), ==, 200);
  g_assert_cmpstr (ax_params_get_string (out2, "class_weight"), ==, "balanced");
}

static void
test_params_errors (void)
{
  const AxAlgorithm *lr = algo ("logistic_regression");
  const AxAlgorithm *ridge = algo ("linear_regression");

  {
    g_autoptr(AxParams) p = ax_params_new ();
    ax_params_set_number (p, "n_estimators", 10);
    expect_config_error (lr, p, "n_estimators", "max_iter");
  }
  {
    g_autoptr(AxParams) p = ax_params_new ();
    ax_params_set_number (p, "C", 0);
    expect_config_error (lr, p, "C", "between 1e-06 and 1000000");
  }
  {
    g_autoptr(AxParams) p = ax_params_new ();
    ax_params_set_number (p, "alpha", -1);
    expect_config_error (ridge, p, "alpha", "between 0 and 1000000");
  }
  {
    g_autoptr(AxParams) p = ax_params_new ();
    ax_params_set_number (p, "alpha", NAN);
    expect_config_error (ridge, p, "alpha", NULL);
  }
  {
    g_autoptr(AxParams) p = ax_params_new ();
    ax_params_set_number (p, "max_iter", 2.5);
    expect_config_error (lr, p, "max_iter", "whole number between 1 and 10000");
  }
  {
    g_autoptr(AxParams) p = ax_params_new ();
    ax_params_set_number (p, "max_iter", 20000);
    expect_config_error (lr, p, "max_iter", "10000");
  }
  {
    g_autoptr(AxParams) p = ax_params_new ();
    ax_params_set_string (p, "max_iter", "many");
    expect_config_error (lr, p, "max_iter", "“many”");
  }
  {
    g_autoptr(AxParams) p = ax_params_new ();
    ax_params_set_string (p, "class_weight", "auto");
    expect_config_error (lr, p, "class_weight", "none, balanced");
  }
  {
    g_autoptr(AxParams) p = ax_params_new ();
    ax_params_set_number (p, "class_weight", 0.5);
    expect_config_error (lr, p, "class_weight", "none, balanced");
  }
  {
    g_autoptr(AxParams) p = ax_params_new ();
    ax_params_set_number (p, "fit_intercept", 2);
    expect_config_error (ridge, p, "fit_intercept", "true or false");
  }
  {
    /* The first problem in the order given is the one reported. */
    g_autoptr(AxParams) p = ax_params_new ();
    ax_params_set_number (p, "alpha", -1);
    ax_params_set_number (p, "beta", 1);
    expect_config_error (ridge, p, "beta", "alpha, fit_intercept");
  }
}

static const AxParamSpec choice_specs[] = {
  { "max_features", AX_PARAM_CHOICE, 0, 0, 0, "sqrt|log2|all|number", "help" },
  { "criterion", AX_PARAM_CHOICE, 0, 0, 0, "gini|entropy", "help" },
  { NULL }
};

static const AxAlgorithm choice_algorithm = {
  .name = "choices",
  .label = "Choices",
  .params = choice_specs,
};

static void
test_params_choice_number (void)
{
  static const double good[] = { 0.5, 1, 1e-3, 7, 1000 };
  static const double bad[] = { 0, -1, 2.5, 1.5, INFINITY, NAN };
  g_autoptr(GError) error = NULL;
  g_autoptr(AxParams) defaults = ax_algorithm_check_params (&choice_algorithm, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (ax_params_get_string (defaults, "max_features"), ==, "sqrt");
  g_assert_cmpstr (ax_params_get_string (defaults, "criterion"), ==, "gini");

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(AxParams) p = ax_params_new ();
      g_autoptr(AxParams) out = NULL;

      ax_params_set_number (p, "max_features", good[i]);
      out = ax_algorithm_check_params (&choice_algorithm, p, &error);
      g_assert_no_error (error);
      g_assert_null (ax_params_get_string (out, "max_features"));
      g_assert_cmpfloat (ax_params_get_number (out, "max_features"), ==, good[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(AxParams) p = ax_params_new ();
      ax_params_set_number (p, "max_features", bad[i]);
      expect_config_error (&choice_algorithm, p, "max_features", "sqrt, log2, all");
    }
  {
    g_autoptr(AxParams) p = ax_params_new ();
    g_autoptr(AxParams) out = NULL;

    ax_params_set_string (p, "max_features", "log2");
    out = ax_algorithm_check_params (&choice_algorithm, p, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (ax_params_get_string (out, "max_features"), ==, "log2");
  }
  {
    /* "number" is a marker, not a value. */
    g_autoptr(AxParams) p = ax_params_new ();
    ax_params_set_string (p, "max_features", "number");
    expect_config_error (&choice_algorithm, p, "max_features", NULL);
  }
  {
    g_autoptr(AxParams) p = ax_params_new ();
    ax_params_set_number (p, "criterion", 1);
    expect_config_error (&choice_algorithm, p, "criterion", "gini, entropy");
  }
}

/* Registry and matrix */

static void
test_registry (void)
{
  const AxAlgorithm *const *list = ax_algorithm_list ();
  gboolean seen_linear = FALSE, seen_logistic = FALSE;

  g_assert_null (ax_algorithm_find ("no_such_algorithm"));
  g_assert_null (ax_algorithm_find (NULL));
  for (guint i = 0; list[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(AxParams) p = NULL;

      g_assert_true (ax_algorithm_find (list[i]->name) == list[i]);
      g_assert_nonnull (list[i]->label);
      g_assert_true (list[i]->regression || list[i]->classification);
      g_assert_nonnull (list[i]->fit);
      g_assert_nonnull (list[i]->predict);
      g_assert_nonnull (list[i]->save);
      g_assert_nonnull (list[i]->load);
      g_assert_nonnull (list[i]->free);
      /* Every algorithm's defaults pass its own checks. */
      p = ax_algorithm_check_params (list[i], NULL, &error);
      g_assert_no_error (error);
      seen_linear |= g_str_equal (list[i]->name, "linear_regression");
      seen_logistic |= g_str_equal (list[i]->name, "logistic_regression");
    }
  g_assert_true (seen_linear && seen_logistic);
  g_assert_true (algo ("linear_regression")->regression);
  g_assert_false (algo ("linear_regression")->classification);
  g_assert_true (algo ("logistic_regression")->classification);
  g_assert_false (algo ("logistic_regression")->regression);
}

static void
test_matrix (void)
{
  g_autoptr(AxMatrix) m = ax_matrix_new (3, 2);

  g_assert_cmpuint (m->n_rows, ==, 3);
  g_assert_cmpuint (m->n_features, ==, 2);
  g_assert_null (m->names[0]);
  g_assert_null (m->names[2]);
  m->names[1] = g_strdup ("price");
  m->x[1 * 3 + 2] = 4.5f;
  g_assert_cmpfloat (ax_matrix_get (m, 2, 1), ==, 4.5f);
  g_assert_cmpfloat (ax_matrix_get (m, 0, 0), ==, 0);
}

/* Metrics */

static void
test_metrics_regression (void)
{
  {
    /* errors 0, 0, 0, -1: MAE 1/4, RMSE sqrt(1/4); ȳ = 2.5,
     * SS_tot = 2.25 + 0.25 + 0.25 + 2.25 = 5, so R2 = 1 - 1/5. */
    static const double y[] = { 1, 2, 3, 4 }, pred[] = { 1, 2, 3, 5 };
    AxTarget t = { AX_TASK_REGRESSION, 0, y, NULL };
    g_autoptr(AxMetrics) m = ax_metrics_compute (&t, 4, pred);

    g_assert_cmpuint (m->n_rows, ==, 4);
    g_assert_cmpfloat_with_epsilon (m->mae, 0.25, EPS);
    g_assert_cmpfloat_with_epsilon (m->rmse, 0.5, EPS);
    g_assert_cmpfloat_with_epsilon (m->r2, 0.8, EPS);
    /* |−1/4| over four rows. */
    g_assert_cmpfloat_with_epsilon (m->mape, 0.0625, EPS);
    g_assert_cmpfloat_with_epsilon (ax_metrics_score (m), 0.8, EPS);
    g_assert_null (m->confusion);
  }
  {
    /* MAPE leaves out the row whose actual is 0: (|−1/2| + |1/4|) / 2. */
    static const double y[] = { 0, 2, 4 }, pred[] = { 1, 1, 5 };
    AxTarget t = { AX_TASK_REGRESSION, 0, y, NULL };
    g_autoptr(AxMetrics) m = ax_metrics_compute (&t, 3, pred);

    g_assert_cmpfloat_with_epsilon (m->mape, 0.375, EPS);
    g_assert_cmpfloat_with_epsilon (m->mae, 1.0, EPS);
  }
  {
    /* A constant target has no R2; all-zero actuals no MAPE. */
    static const double y[] = { 0, 0, 0 }, pred[] = { 1, 0, -1 };
    AxTarget t = { AX_TASK_REGRESSION, 0, y, NULL };
    g_autoptr(AxMetrics) m = ax_metrics_compute (&t, 3, pred);

    g_assert_true (isnan (m->r2));
    g_assert_true (isnan (m->mape));
    g_assert_cmpfloat_with_epsilon (m->rmse, sqrt (2.0 / 3), EPS);
  }
  {
    AxTarget t = { AX_TASK_REGRESSION, 0, NULL, NULL };
    g_autoptr(AxMetrics) m = ax_metrics_compute (&t, 0, NULL);

    g_assert_true (isnan (m->mae) && isnan (m->r2));
  }
}

static void
test_metrics_binary (void)
{
  /* p(class 1) = 0.1, 0.4, 0.35, 0.8 for classes 0, 0, 1, 1.
   * Predicted (argmax): 0, 0, 0, 1.  Confusion [[2, 0], [1, 1]].
   * Class 1: precision 1/1, recall 1/2, F1 2/3.
   * Class 0: precision 2/3, recall 1, F1 0.8.
   * AUC: positives 0.35 and 0.8 against negatives 0.1 and 0.4: pairs won
   * 1 + 2 of 4.  Log loss: −(ln 0.9 + ln 0.6 + ln 0.35 + ln 0.8) / 4
   * = (0.1053605 + 0.5108256 + 1.0498221 + 0.2231436) / 4 = 0.4722880. */
  static const double y[] = { 0, 0, 1, 1 };
  static const double p[] = { 0.9, 0.1, 0.6, 0.4, 0.65, 0.35, 0.2, 0.8 };
  AxTarget t = { AX_TASK_CLASSIFICATION, 2, y, NULL };
  g_autoptr(AxMetrics) m = ax_metrics_compute (&t, 4, p);
  static const guint64 confusion[] = { 2, 0, 1, 1 };

  g_assert_cmpuint (m->n_classes, ==, 2);
  g_assert_cmpmem (m->confusion, sizeof confusion, confusion, sizeof confusion);
  g_assert_cmpfloat_with_epsilon (m->accuracy, 0.75, EPS);
  g_assert_cmpfloat_with_epsilon (m->precision, 1.0, EPS);
  g_assert_cmpfloat_with_epsilon (m->recall, 0.5, EPS);
  g_assert_cmpfloat_with_epsilon (m->f1, 2.0 / 3, EPS);
  g_assert_cmpfloat_with_epsilon (m->precision_macro, (2.0 / 3 + 1) / 2, EPS);
  g_assert_cmpfloat_with_epsilon (m->recall_macro, 0.75, EPS);
  g_assert_cmpfloat_with_epsilon (m->f1_macro, (0.8 + 2.0 / 3) / 2, EPS);
  g_assert_cmpfloat_with_epsilon (m->roc_auc, 0.75, EPS);
  g_assert_cmpfloat_with_epsilon (m->log_loss, 0.4722880, 1e-7);
  g_assert_cmpfloat_with_epsilon (ax_metrics_score (m), 0.75, EPS);
  g_assert_true (isnan (m->r2));
}

static void
test_metrics_auc_ties (void)
{
  {
    /* Every score the same: no ranking at all. */
    static const double y[] = { 0, 1, 0, 1, 1 };
    static const double p[] = { .5, .5, .5, .5, .5, .5, .5, .5, .5, .5 };
    AxTarget t = { AX_TASK_CLASSIFICATION, 2, y, NULL };
    g_autoptr(AxMetrics) m = ax_metrics_compute (&t, 5, p);

    g_assert_cmpfloat_with_epsilon (m->roc_auc, 0.5, EPS);
  }
  {
    /* Positives 0.5 and 0.9, negatives 0.5 and 0.2: 0.5 vs 0.5 is a tie
     * (½), the rest are won: 3.5 of 4 pairs. */
    static const double y[] = { 0, 1, 0, 1 };
    static const double p[] = { .5, .5, .5, .5, .8, .2, .1, .9 };
    AxTarget t = { AX_TASK_CLASSIFICATION, 2, y, NULL };
    g_autoptr(AxMetrics) m = ax_metrics_compute (&t, 4, p);

    g_assert_cmpfloat_with_epsilon (m->roc_auc, 0.875, EPS);
  }
  {
    /* One class only: no curve.  A probability of 0 for the actual class
     * is clipped to 1e-15 in the log loss. */
    static const double y[] = { 1, 1 };
    static const double p[] = { 1, 0, 0, 1 };
    AxTarget t = { AX_TASK_CLASSIFICATION, 2, y, NULL };
    g_autoptr(AxMetrics) m = ax_metrics_compute (&t, 2, p);

    g_assert_true (isnan (m->roc_auc));
    g_assert_cmpfloat_with_epsilon (m->log_loss, -log (1e-15) / 2, 1e-9);
  }
}

/* ax_metrics_score_of() is the score of ax_metrics_compute(); the
 * area under the curve, sorted by radix, is the share of (positive,
 * negative) pairs won, ties counting half, on scores with many ties,
 * negatives and both zeros. */
static void
test_metrics_score_of (void)
{
  enum { N = 3000, K = 3 };
  g_autofree double *y2 = g_new (double, N), *p2 = g_new (double, 2 * N);
  g_autofree double *y3 = g_new (double, N), *p3 = g_new (double, K * N);
  g_autofree double *yr = g_new (double, N), *pr = g_new (double, N);
  AxTarget binary = { AX_TASK_CLASSIFICATION, 2, y2, NULL };
  AxTarget three = { AX_TASK_CLASSIFICATION, K, y3, NULL };
  AxTarget regression = { AX_TASK_REGRESSION, 0, yr, NULL };
  g_autoptr(AxMetrics) m2 = NULL, m3 = NULL, mr = NULL;
  Rng rng = { 5 };
  double won = 0;
  guint64 n_pos = 0;

  for (guint i = 0; i < N; i++)
    {
      double u = rng_uniform (&rng), sum = 0;

      y2[i] = rng_uniform (&rng) < 0.3 + 0.4 * u;
      /* Scores on a coarse grid (ties), some negative, +0 and -0. */
      p2[2 * i + 1] = (floor (u * 40) - 10) / 16;
      if (p2[2 * i + 1] == 0 && i % 2)
        p2[2 * i + 1] = -0.0;
      p2[2 * i] = 1 - p2[2 * i + 1];
      n_pos += y2[i] == 1;

      y3[i] = floor (rng_uniform (&rng) * K);
      for (guint c = 0; c < K; c++)
        sum += p3[i * K + c] = rng_uniform (&rng) + (c == y3[i]) * 0.3;
      for (guint c = 0; c < K; c++)
        p3[i * K + c] /= sum;

      yr[i] = 10 * u + rng_normal (&rng);
      pr[i] = 10 * u;
    }
  for (guint i = 0; i < N; i++)
    for (guint j = 0; y2[i] == 1 && j < N; j++)
      if (y2[j] == 0)
        won += p2[2 * i + 1] > p2[2 * j + 1] ? 1 : p2[2 * i + 1] == p2[2 * j + 1] ? 0.5 : 0;

  m2 = ax_metrics_compute (&binary, N, p2);
  m3 = ax_metrics_compute (&three, N, p3);
  mr = ax_metrics_compute (&regression, N, pr);
  g_assert_cmpfloat_with_epsilon (m2->roc_auc, won / ((double) n_pos * (N - n_pos)), 1e-12);
  g_assert_cmpfloat (m2->roc_auc, >, 0.6);
  g_assert_cmpfloat (ax_metrics_score_of (&binary, N, p2), ==, ax_metrics_score (m2));
  g_assert_cmpfloat (ax_metrics_score_of (&three, N, p3), ==, ax_metrics_score (m3));
  g_assert_cmpfloat (ax_metrics_score_of (&regression, N, pr), ==, ax_metrics_score (mr));
  g_assert_cmpfloat (ax_metrics_score (m3), >, 0.4);
  g_assert_cmpfloat (ax_metrics_score (mr), >, 0.8);
}

static void
test_metrics_multiclass (void)
{
  /* Predicted 0, 1, 1, 2 for actual 0, 1, 2, 2: accuracy 3/4.
   * Per class (P, R, F1): 0 (1, 1, 1); 1 (1/2, 1, 2/3); 2 (1, 1/2, 2/3).
   * One-vs-rest AUC: class 0 wins all 3 pairs (1); class 1 (0.4) beats
   * 0.2 and 0.1, loses to 0.5 (2/3); class 2 (0.3, 0.8 against 0.1, 0.3)
   * wins 1 + ½ + 2 of 4 (0.875).  Macro AUC (1 + 2/3 + 0.875) / 3. */
  static const double y[] = { 0, 1, 2, 2 };
  static const double p[] = {
    .7, .2, .1,
    .3, .4, .3,
    .2, .5, .3,
    .1, .1, .8,
  };
  static const guint64 confusion[] = { 1, 0, 0, 0, 1, 0, 0, 1, 1 };
  AxTarget t = { AX_TASK_CLASSIFICATION, 3, y, NULL };
  g_autoptr(AxMetrics) m = ax_metrics_compute (&t, 4, p);

  g_assert_cmpmem (m->confusion, sizeof confusion, confusion, sizeof confusion);
  g_assert_cmpfloat_with_epsilon (m->accuracy, 0.75, EPS);
  g_assert_cmpfloat_with_epsilon (m->precision_macro, 2.5 / 3, EPS);
  g_assert_cmpfloat_with_epsilon (m->recall_macro, 2.5 / 3, EPS);
  g_assert_cmpfloat_with_epsilon (m->f1_macro, (1 + 4.0 / 3) / 3, EPS);
  g_assert_cmpfloat_with_epsilon (m->precision, m->precision_macro, EPS);
  g_assert_cmpfloat_with_epsilon (m->roc_auc, (1 + 2.0 / 3 + 0.875) / 3, EPS);
  g_assert_cmpfloat_with_epsilon (m->log_loss,
                                  -(log (.7) + log (.4) + log (.3) + log (.8)) / 4, EPS);
  g_assert_cmpfloat_with_epsilon (ax_metrics_score (m), 0.75, EPS);
}

/* Data for the models */

static void
set_x (Data   *d,
       guint   row,
       guint   f,
       double  v)
{
  d->x->x[(gsize) f * d->x->n_rows + row] = (float) v;
}

/* y = 3 + 2 x0 − x1 + 0.5 x2, no noise, x uniform in [−2, 2). */
static Data *
linear_data (guint   n,
             guint32 seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  static const double beta[] = { 2, -1, 0.5 };
  Data *d = data_alloc (n, 3, AX_TASK_REGRESSION, 0);

  for (guint i = 0; i < n; i++)
    {
      d->y[i] = 3;
      for (guint f = 0; f < 3; f++)
        {
          /* Values exact in float, so the function is exact too. */
          double v = (double) (float) g_rand_double_range (rand, -2, 2);
          set_x (d, i, f, v);
          d->y[i] += beta[f] * v;
        }
    }
  return d;
}

/* Gaussian blobs around @k centres on a circle of radius 4, sd 1. */
static Data *
blob_data (guint   n,
           guint   k,
           guint   n_features,
           guint32 seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  Data *d = data_alloc (n, n_features, AX_TASK_CLASSIFICATION, k);

  for (guint i = 0; i < n; i++)
    {
      guint c = i % k;
      double angle = 2 * G_PI * c / k;

      d->y[i] = c;
      for (guint f = 0; f < n_features; f++)
        {
          /* Box-Muller. */
          double u1 = g_rand_double_range (rand, 1e-12, 1);
          double u2 = g_rand_double (rand);
          double z = sqrt (-2 * log (u1)) * cos (2 * G_PI * u2);
          double centre = f == 0 ? 4 * cos (angle) : f == 1 ? 4 * sin (angle) : 0;
          set_x (d, i, f, centre + z);
        }
    }
  return d;
}

typedef struct {
  guint   n_steps;
  double  first_score, last_score;
  guint   cancel_at;
  GCancellable *cancellable;
  double  last_fraction;
} Watch;

static void
on_step (guint    step,
         guint    n_steps,
         double   score,
         gpointer data)
{
  Watch *w = data;

  w->n_steps++;
  g_assert_cmpuint (step, ==, w->n_steps);
  g_assert_cmpuint (step, <=, n_steps);
  if (step == 1)
    w->first_score = score;
  w->last_score = score;
  if (w->cancel_at == step)
    g_cancellable_cancel (w->cancellable);
}

static void
on_progress (double      fraction,
             const char *detail,
             gpointer    data)
{
  Watch *w = data;

  g_assert_cmpfloat (fraction, >=, w->last_fraction);
  g_assert_cmpfloat (fraction, <=, 1);
  w->last_fraction = fraction;
}

static AxFitted *
fit (const char     *algorithm,
     const Data     *train,
     const Data     *valid,
     const AxParams *p,
     Watch          *watch,
     guint           n_threads,
     GCancellable   *cancellable,
     GError        **error)
{
  Watch own = { 0 };
  AxTrainMonitor monitor = {
    on_progress, watch ? watch : &own, on_step, watch ? watch : &own, n_threads, 42,
  };

  return algo (algorithm)->fit (train->x, &train->target,
                                valid ? valid->x : NULL, valid ? &valid->target : NULL,
                                p, &monitor, cancellable, error);
}

static double *
predict (const char     *algorithm,
         const AxFitted *fitted,
         const AxMatrix *x,
         guint           n_outputs)
{
  double *out = g_new (double, (gsize) x->n_rows * n_outputs);

  algo (algorithm)->predict (fitted, x, out);
  return out;
}

/* Coefficients read back through prediction: row 0 is the origin, row
 * f + 1 the unit vector of feature f. */
static void
ridge_coefficients (const AxFitted *fitted,
                    guint           p,
                    double         *intercept,
                    double         *coef)
{
  g_autoptr(AxMatrix) probe = ax_matrix_new (p + 1, p);
  g_autofree double *out = NULL;

  for (guint f = 0; f < p; f++)
    probe->x[(gsize) f * (p + 1) + f + 1] = 1;
  out = predict ("linear_regression", fitted, probe, 1);
  *intercept = out[0];
  for (guint f = 0; f < p; f++)
    coef[f] = out[f + 1] - out[0];
}

/* Ridge regression */

static void
test_ridge_recovers (void)
{
  g_autoptr(Data) train = linear_data (200, 1);
  g_autoptr(Data) valid = linear_data (50, 2);
  g_autoptr(AxParams) p = check_params (algo ("linear_regression"), "alpha", 1e-9, NULL);
  g_autoptr(GError) error = NULL;
  Watch watch = { 0 };
  AxFitted *fitted = fit ("linear_regression", train, valid, p, &watch, 1, NULL, &error);
  double intercept, coef[3];

  g_assert_no_error (error);
  g_assert_nonnull (fitted);
  ridge_coefficients (fitted, 3, &intercept, coef);
  g_assert_cmpfloat_with_epsilon (intercept, 3, 1e-6);
  g_assert_cmpfloat_with_epsilon (coef[0], 2, 1e-6);
  g_assert_cmpfloat_with_epsilon (coef[1], -1, 1e-6);
  g_assert_cmpfloat_with_epsilon (coef[2], 0.5, 1e-6);
  g_assert_null (algo ("linear_regression")->importance (fitted));

  g_assert_cmpuint (watch.n_steps, ==, 1);
  g_assert_cmpfloat_with_epsilon (watch.last_score, 1, 1e-9);
  g_assert_cmpfloat (watch.last_fraction, ==, 1);
  algo ("linear_regression")->free (fitted);
}

static void
test_ridge_shrinks (void)
{
  g_autoptr(Data) train = linear_data (200, 3);
  g_autoptr(AxParams) weak = check_params (algo ("linear_regression"), "alpha", 1e-9, NULL);
  g_autoptr(AxParams) mid = check_params (algo ("linear_regression"), "alpha", 100.0, NULL);
  g_autoptr(AxParams) strong = check_params (algo ("linear_regression"), "alpha", 1e6, NULL);
  const AxParams *all[] = { weak, mid, strong };
  double norm[3], intercept[3];

  for (guint j = 0; j < 3; j++)
    {
      g_autoptr(GError) error = NULL;
      AxFitted *fitted = fit ("linear_regression", train, NULL, all[j], NULL, 1, NULL, &error);
      double coef[3];

      g_assert_no_error (error);
      ridge_coefficients (fitted, 3, &intercept[j], coef);
      norm[j] = sqrt (coef[0] * coef[0] + coef[1] * coef[1] + coef[2] * coef[2]);
      algo ("linear_regression")->free (fitted);
    }
  g_assert_cmpfloat (norm[1], <, norm[0]);
  g_assert_cmpfloat (norm[2], <, 0.01 * norm[0]);
  /* The intercept is not penalised: with the slopes gone it is ȳ, near 3. */
  g_assert_cmpfloat (fabs (intercept[2] - 3), <, 0.5);
}

static void
test_ridge_no_intercept_and_collinear (void)
{
  g_autoptr(Data) d = data_alloc (20, 3, AX_TASK_REGRESSION, 0);
  g_autoptr(AxParams) p = check_params (algo ("linear_regression"), "alpha", 0.0, "fit_intercept", 0.0, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AxMatrix) probe = ax_matrix_new (1, 3);
  g_autofree double *out = NULL;
  AxFitted *fitted;

  /* x1 repeats x0 and x2 is 0: without a penalty the system is singular,
   * and any split of the slope 4 between x0 and x1 fits. */
  for (guint i = 0; i < 20; i++)
    {
      set_x (d, i, 0, i);
      set_x (d, i, 1, i);
      d->y[i] = 4.0 * i;
    }
  fitted = fit ("linear_regression", d, NULL, p, NULL, 1, NULL, &error);
  g_assert_no_error (error);
  probe->x[0] = probe->x[1] = 10;
  out = predict ("linear_regression", fitted, probe, 1);
  g_assert_cmpfloat_with_epsilon (out[0], 40, 1e-4);
  probe->x[0] = probe->x[1] = 0;
  g_free (out);
  out = predict ("linear_regression", fitted, probe, 1);
  g_assert_cmpfloat (out[0], ==, 0);
  algo ("linear_regression")->free (fitted);
}

static void
test_ridge_bad_data (void)
{
  g_autoptr(AxParams) p = check_params (algo ("linear_regression"), NULL);
  {
    g_autoptr(Data) d = linear_data (10, 4);
    g_autoptr(GError) error = NULL;

    set_x (d, 3, 1, NAN);
    g_assert_null (fit ("linear_regression", d, NULL, p, NULL, 1, NULL, &error));
    g_assert_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_DATA);
    g_assert_nonnull (strstr (error->message, "“x1”"));
  }
  {
    g_autoptr(Data) d = data_alloc (0, 2, AX_TASK_REGRESSION, 0);
    g_autoptr(GError) error = NULL;

    g_assert_null (fit ("linear_regression", d, NULL, p, NULL, 1, NULL, &error));
    g_assert_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_DATA);
  }
  {
    g_autoptr(Data) d = blob_data (10, 2, 2, 5);
    g_autoptr(GError) error = NULL;

    g_assert_null (fit ("linear_regression", d, NULL, p, NULL, 1, NULL, &error));
    g_assert_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG);
  }
}

/* Logistic regression */

static void
check_logistic (guint k)
{
  g_autoptr(Data) train = blob_data (600, k, 2, 10 + k);
  g_autoptr(Data) valid = blob_data (300, k, 2, 20 + k);
  g_autoptr(AxParams) p = check_params (algo ("logistic_regression"), NULL);
  g_autoptr(GError) error = NULL;
  g_autofree double *prob = NULL;
  Watch watch = { 0 };
  AxFitted *fitted = fit ("logistic_regression", train, valid, p, &watch, 0, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (fitted);
  prob = predict ("logistic_regression", fitted, valid->x, k);
  g_assert_cmpfloat (data_accuracy (valid, prob, 1e-12), >, 0.95);

  /* One step per iteration, each scored by the validation log loss. */
  g_assert_cmpuint (watch.n_steps, >=, 2);
  g_assert_cmpuint (watch.n_steps, <=, 200);
  g_assert_true (isfinite (watch.last_score));
  g_assert_cmpfloat (watch.last_score, <, watch.first_score);
  g_assert_cmpfloat (watch.last_score, <, 0.2);
  g_assert_cmpfloat (watch.last_fraction, ==, 1);
  g_assert_null (algo ("logistic_regression")->importance (fitted));
  algo ("logistic_regression")->free (fitted);
}

static void
test_logistic_two_classes (void)
{
  check_logistic (2);
}

static void
test_logistic_three_classes (void)
{
  check_logistic (3);
}

static void
test_logistic_balanced (void)
{
  /* 90 rows of class 0 and 10 of class 1, overlapping. */
  g_autoptr(Data) d = data_alloc (100, 1, AX_TASK_CLASSIFICATION, 2);
  g_autoptr(AxParams) plain = check_params (algo ("logistic_regression"), NULL);
  g_autoptr(AxParams) given = ax_params_new ();
  g_autoptr(AxParams) balanced = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree double *p_plain = NULL, *p_balanced = NULL;
  double mean_plain = 0, mean_balanced = 0;
  AxFitted *a, *b;

  for (guint i = 0; i < 100; i++)
    {
      d->y[i] = i >= 90;
      set_x (d, i, 0, (i % 10) / 10.0 + (i >= 90 ? 0.3 : 0));
    }
  ax_params_set_string (given, "class_weight", "balanced");
  balanced = ax_algorithm_check_params (algo ("logistic_regression"), given, &error);
  g_assert_no_error (error);

  a = fit ("logistic_regression", d, NULL, plain, NULL, 1, NULL, &error);
  g_assert_no_error (error);
  b = fit ("logistic_regression", d, NULL, balanced, NULL, 1, NULL, &error);
  g_assert_no_error (error);
  p_plain = predict ("logistic_regression", a, d->x, 2);
  p_balanced = predict ("logistic_regression", b, d->x, 2);
  /* With an unpenalised intercept, the optimum's (weighted) mean
   * probability equals the (weighted) share of the class: 10% plainly,
   * one half when each class weighs 100 / (2 × its count). */
  for (guint i = 0; i < 100; i++)
    {
      double w = i >= 90 ? 100.0 / 20 : 100.0 / 180;
      mean_plain += p_plain[2 * i + 1] / 100;
      mean_balanced += w * p_balanced[2 * i + 1] / 100;
    }
  g_assert_cmpfloat_with_epsilon (mean_plain, 0.1, 1e-4);
  g_assert_cmpfloat_with_epsilon (mean_balanced, 0.5, 1e-4);
  algo ("logistic_regression")->free (a);
  algo ("logistic_regression")->free (b);
}

static void
test_logistic_bad_data (void)
{
  g_autoptr(AxParams) p = check_params (algo ("logistic_regression"), NULL);
  {
    g_autoptr(Data) d = blob_data (10, 2, 2, 1);
    g_autoptr(GError) error = NULL;

    for (guint i = 0; i < 10; i++)
      d->y[i] = 1;
    g_assert_null (fit ("logistic_regression", d, NULL, p, NULL, 1, NULL, &error));
    g_assert_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_DATA);
  }
  {
    g_autoptr(Data) d = linear_data (10, 1);
    g_autoptr(GError) error = NULL;

    g_assert_null (fit ("logistic_regression", d, NULL, p, NULL, 1, NULL, &error));
    g_assert_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG);
  }
}

/* Blobs */

static void
check_round_trip (const char *algorithm,
                  const Data *train,
                  guint       n_outputs)
{
  const AxAlgorithm *a = algo (algorithm);
  g_autoptr(AxParams) p = check_params (algo (algorithm), NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) blob = NULL;
  g_autoptr(GBytes) blob2 = NULL;
  g_autofree double *before = NULL, *after = NULL;
  AxFitted *fitted = fit (algorithm, train, NULL, p, NULL, 1, NULL, &error);
  AxFitted *loaded;

  g_assert_no_error (error);
  blob = a->save (fitted);
  g_assert_cmpmem (g_bytes_get_data (blob, NULL), 4, "AXLN", 4);
  loaded = a->load (blob, &error);
  g_assert_no_error (error);
  before = predict (algorithm, fitted, train->x, n_outputs);
  after = predict (algorithm, loaded, train->x, n_outputs);
  g_assert_cmpmem (before, train->x->n_rows * n_outputs * sizeof (double),
                   after, train->x->n_rows * n_outputs * sizeof (double));
  blob2 = a->save (loaded);
  g_assert_true (g_bytes_equal (blob, blob2));
  a->free (fitted);
  a->free (loaded);
}

static void
test_blob_round_trip (void)
{
  g_autoptr(Data) reg = linear_data (100, 7);
  g_autoptr(Data) cls = blob_data (150, 3, 4, 7);

  check_round_trip ("linear_regression", reg, 1);
  check_round_trip ("logistic_regression", cls, 3);
}

static void
expect_blob_error (const char   *algorithm,
                   const guint8 *data,
                   gsize         size,
                   const char   *also)
{
  g_autoptr(GBytes) blob = g_bytes_new (data, size);
  g_autoptr(GError) error = NULL;

  g_assert_null (algo (algorithm)->load (blob, &error));
  g_assert_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_BLOB);
  if (also != NULL && strstr (error->message, also) == NULL)
    g_error ("“%s” does not mention “%s”", error->message, also);
}

static void
test_blob_refused (void)
{
  g_autoptr(Data) d = linear_data (30, 8);
  g_autoptr(AxParams) p = check_params (algo ("linear_regression"), NULL);
  g_autoptr(GError) error = NULL;
  AxFitted *fitted = fit ("linear_regression", d, NULL, p, NULL, 1, NULL, &error);
  g_autoptr(GBytes) blob = algo ("linear_regression")->save (fitted);
  gsize size;
  g_autofree guint8 *data = g_memdup2 (g_bytes_get_data (blob, &size), g_bytes_get_size (blob));

  g_assert_no_error (error);
  algo ("linear_regression")->free (fitted);

  /* Every truncation is refused, down to nothing. */
  for (gsize cut = 0; cut < size; cut++)
    expect_blob_error ("linear_regression", data, cut, NULL);
  /* Trailing bytes too. */
  {
    g_autofree guint8 *longer = g_malloc0 (size + 8);
    memcpy (longer, data, size);
    expect_blob_error ("linear_regression", longer, size + 8, NULL);
  }
  /* A linear regression is not a logistic one. */
  expect_blob_error ("logistic_regression", data, size, NULL);
  /* Format version 2, little-endian. */
  data[4] = 2;
  expect_blob_error ("linear_regression", data, size, "newer version of Auspex");
  data[4] = 1;
  data[0] = 'X';
  expect_blob_error ("linear_regression", data, size, NULL);
}

/* Cancellation and determinism */

static void
test_cancel (void)
{
  g_autoptr(Data) cls = blob_data (400, 3, 3, 9);
  g_autoptr(Data) reg = linear_data (100, 9);
  g_autoptr(AxParams) lp = check_params (algo ("logistic_regression"), "tol", 0.0, NULL);
  g_autoptr(AxParams) rp = check_params (algo ("linear_regression"), NULL);
  {
    /* Cancelled while running, from the step callback. */
    g_autoptr(GCancellable) cancellable = g_cancellable_new ();
    g_autoptr(GError) error = NULL;
    Watch watch = { .cancel_at = 3, .cancellable = cancellable };

    g_assert_null (fit ("logistic_regression", cls, cls, lp, &watch, 1, cancellable, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_assert_cmpuint (watch.n_steps, ==, 3);
  }
  {
    g_autoptr(GCancellable) cancellable = g_cancellable_new ();
    g_autoptr(GError) error = NULL;

    g_cancellable_cancel (cancellable);
    g_assert_null (fit ("linear_regression", reg, NULL, rp, NULL, 1, cancellable, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  }
}

static GBytes *
fit_blob (const char     *algorithm,
          const Data     *train,
          const AxParams *p,
          guint           n_threads)
{
  g_autoptr(GError) error = NULL;
  AxFitted *fitted = fit (algorithm, train, NULL, p, NULL, n_threads, NULL, &error);
  GBytes *blob;

  g_assert_no_error (error);
  blob = algo (algorithm)->save (fitted);
  algo (algorithm)->free (fitted);
  return blob;
}

static void
test_deterministic (void)
{
  /* Large enough for the sums to be split over threads. */
  g_autoptr(Data) cls = blob_data (30000, 3, 6, 11);
  g_autoptr(Data) reg = data_alloc (30000, 24, AX_TASK_REGRESSION, 0);
  g_autoptr(GRand) rand = g_rand_new_with_seed (12);
  g_autoptr(AxParams) lp = check_params (algo ("logistic_regression"), "max_iter", 30.0, NULL);
  g_autoptr(AxParams) rp = check_params (algo ("linear_regression"), NULL);
  static const guint threads[] = { 1, 3, 8 };
  g_autoptr(GBytes) lref = fit_blob ("logistic_regression", cls, lp, 0);
  g_autoptr(GBytes) rref = NULL;

  for (guint i = 0; i < reg->x->n_rows; i++)
    {
      for (guint f = 0; f < 24; f++)
        set_x (reg, i, f, g_rand_double (rand));
      reg->y[i] = g_rand_double (rand);
    }
  rref = fit_blob ("linear_regression", reg, rp, 0);

  for (guint t = 0; t < G_N_ELEMENTS (threads); t++)
    {
      g_autoptr(GBytes) lb = fit_blob ("logistic_regression", cls, lp, threads[t]);
      g_autoptr(GBytes) rb = fit_blob ("linear_regression", reg, rp, threads[t]);

      g_assert_true (g_bytes_equal (lb, lref));
      g_assert_true (g_bytes_equal (rb, rref));
    }
}

/* predict_shuffled() gives what predicting the shuffled copies gives
 * (the tree ensembles walk again only the paths that test a moved
 * feature, from the first node that does), with and without missing
 * values among the rows, and with a feature of three values, which many
 * moved rows keep. */
static void
check_shuffled (const char *name,
                DataKind    kind,
                double      missing,
                double      tolerance)
{
  const AxAlgorithm *a = algo (name);
  g_autoptr(Data) train = data_new (kind, 1500, 31);
  g_autoptr(Data) test = data_new (kind, 300, 32);
  g_autoptr(AxParams) params = check_params (a, "n_estimators", 25.0, NULL);
  AxTrainMonitor monitor = { .seed = 5 };
  AxFitted *fitted;
  guint n = test->x->n_rows, nf = test->x->n_features;
  guint width = test->target.task == AX_TASK_REGRESSION ? 1 : test->target.n_classes;
  guint n_groups = (nf + 1) / 2, n_copies = n_groups * 2;
  g_autofree guint *group = g_new (guint, nf);
  g_autofree guint *copy_group = g_new (guint, n_copies);
  g_autofree guint *perm = g_new (guint, (gsize) n * n_copies);
  g_autofree double *fast = g_new (double, (gsize) n * n_copies * width);
  g_autofree double *slow = g_new (double, (gsize) n * n_copies * width);
  g_autoptr(AxMatrix) big = ax_matrix_new (n * n_copies, nf);
  g_autoptr(GRand) rand = g_rand_new_with_seed (33);
  double worst = 0;

  g_assert_nonnull (a->predict_shuffled);
  /* Feature 1 takes three values, so that many moved rows keep theirs. */
  for (guint d = 0; d < 2; d++)
    {
      AxMatrix *x = d == 0 ? train->x : test->x;

      for (guint i = 0; i < x->n_rows; i++)
        x->x[x->n_rows + i] = floorf (x->x[x->n_rows + i] * 3);
    }
  fitted = algo_fit (a, train, NULL, params, &monitor);
  /* Features in pairs; values missing at the rate asked. */
  for (guint f = 0; f < nf; f++)
    group[f] = f / 2;
  for (gsize i = 0; i < (gsize) n * nf; i++)
    if (g_rand_double (rand) < missing)
      test->x->x[i] = NAN;
  for (guint c = 0; c < n_copies; c++)
    {
      guint *p = perm + (gsize) c * n;

      copy_group[c] = c / 2;
      for (guint i = 0; i < n; i++)
        p[i] = i;
      ax_split_shuffle (p, n, rand);
      for (guint f = 0; f < nf; f++)
        for (guint i = 0; i < n; i++)
          big->x[(gsize) f * big->n_rows + (gsize) c * n + i] =
            test->x->x[(gsize) f * n + (group[f] == copy_group[c] ? p[i] : i)];
    }

  a->predict_shuffled (fitted, test->x, group, n_copies, copy_group, perm, fast);
  a->predict (fitted, big, slow);
  for (gsize i = 0; i < (gsize) n * n_copies * width; i++)
    worst = MAX (worst, fabs (fast[i] - slow[i]));
  g_test_message ("%s, %g missing: largest difference %g over %u copies of %u rows",
                  name, missing, worst, n_copies, n);
  g_assert_cmpfloat (worst, <=, tolerance);

  /* A copy that moves nothing (a group no feature has) predicts what
   * predict() does, to the bit: the rows' own predictions. */
  {
    guint none = G_MAXUINT;
    g_autofree guint *same = g_new (guint, n);
    g_autofree double *own = g_new (double, (gsize) n * width);

    for (guint i = 0; i < n; i++)
      same[i] = i;
    a->predict_shuffled (fitted, test->x, group, 1, &none, same, own);
    a->predict (fitted, test->x, slow);
    for (gsize i = 0; i < (gsize) n * width; i++)
      g_assert_cmpfloat (own[i], ==, slow[i]);
  }
  a->free (fitted);
}

static void
test_predict_shuffled (void)
{
  /* The forest sums doubles in another order; boosting adds the changes
   * to its float margins in double.  Both give the rows' own predictions
   * exactly. */
  for (guint i = 0; i < 2; i++)
    {
      double missing = i == 0 ? 0 : 0.02;

      check_shuffled ("random_forest", DATA_FRIEDMAN1, missing, 1e-9);
      check_shuffled ("random_forest", DATA_THREE_CLASS, missing, 1e-12);
      check_shuffled ("gradient_boosting", DATA_FRIEDMAN1, missing, 1e-5);
      check_shuffled ("gradient_boosting", DATA_BINARY, missing, 1e-6);
      check_shuffled ("gradient_boosting", DATA_THREE_CLASS, missing, 1e-6);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/learn/params/table", test_params_table);
  g_test_add_func ("/engine/learn/params/defaults", test_params_defaults);
  g_test_add_func ("/engine/learn/params/errors", test_params_errors);
  g_test_add_func ("/engine/learn/params/choice-number", test_params_choice_number);
  g_test_add_func ("/engine/learn/registry", test_registry);
  g_test_add_func ("/engine/learn/predict-shuffled", test_predict_shuffled);
  g_test_add_func ("/engine/learn/matrix", test_matrix);
  g_test_add_func ("/engine/learn/metrics/regression", test_metrics_regression);
  g_test_add_func ("/engine/learn/metrics/binary", test_metrics_binary);
  g_test_add_func ("/engine/learn/metrics/auc-ties", test_metrics_auc_ties);
  g_test_add_func ("/engine/learn/metrics/multiclass", test_metrics_multiclass);
  g_test_add_func ("/engine/learn/metrics/score-of", test_metrics_score_of);
  g_test_add_func ("/engine/learn/ridge/recovers", test_ridge_recovers);
  g_test_add_func ("/engine/learn/ridge/shrinks", test_ridge_shrinks);
  g_test_add_func ("/engine/learn/ridge/no-intercept-collinear", test_ridge_no_intercept_and_collinear);
  g_test_add_func ("/engine/learn/ridge/bad-data", test_ridge_bad_data);
  g_test_add_func ("/engine/learn/logistic/two-classes", test_logistic_two_classes);
  g_test_add_func ("/engine/learn/logistic/three-classes", test_logistic_three_classes);
  g_test_add_func ("/engine/learn/logistic/balanced", test_logistic_balanced);
  g_test_add_func ("/engine/learn/logistic/bad-data", test_logistic_bad_data);
  g_test_add_func ("/engine/learn/blob/round-trip", test_blob_round_trip);
  g_test_add_func ("/engine/learn/blob/refused", test_blob_refused);
  g_test_add_func ("/engine/learn/cancel", test_cancel);
  g_test_add_func ("/engine/learn/deterministic", test_deterministic);

  return g_test_run ();
}
