/* test-engine-forest.c — the random forest as an AxAlgorithm
 *
 * The data are generated (ax-test-util.h) from a fixed splitmix64
 * stream: friedman1 (Friedman, "Multivariate adaptive regression
 * splines", 1991: y = 10 sin(pi x1 x2) + 20 (x3 - 0.5)^2 + 10 x4 + 5 x5 +
 * N(0, 1), five more uniform features that are noise) for regression, and
 * threshold rules on uniform features for two and three classes.  The
 * thresholds are a little under what scikit-learn's forests of the same
 * hyperparameters reach on the same rows (R2 0.886 on friedman1; AUC 0.989
 * for two classes; accuracy 0.939 for three), not values copied from a run
 * of this code.
 */

#include <math.h>
#include <string.h>

#include "ax-forest.h"
#include "ax-metrics.h"
#include "ax-test-util.h"
#include "ax-tree.h"

/* Helpers */

static const AxAlgorithm *
forest (void)
{
  return &ax_random_forest_algorithm;
}

/* Checked hyperparameters from "name", value pairs, NULL-terminated: a
 * string value for max_features and class_weight, else a number. */
#define params_new(...) check_params (forest (), __VA_ARGS__)

static AxFitted *
fit (const Data           *train,
     const Data           *valid,
     const AxParams       *params,
     const AxTrainMonitor *monitor)
{
  return algo_fit (forest (), train, valid, params, monitor);
}

static double *
predict (const AxFitted *fitted,
         const Data     *d)
{
  return algo_predict (forest (), fitted, d);
}

static double
score_of (const Data   *d,
          const double *pred)
{
  g_autoptr(AxMetrics) m = ax_metrics_compute (&d->target, d->x->n_rows, pred);

  return ax_metrics_score (m);
}

/* Tests */

static void
test_forest_params (void)
{
  g_autoptr(AxParams) params = params_new (NULL);
  g_autoptr(AxParams) given = ax_params_new ();
  g_autoptr(AxParams) checked = NULL;
  g_autoptr(GError) error = NULL;
  const char *expected[] = { "n_estimators", "max_depth", "min_samples_split",
                             "min_samples_leaf", "max_features", "bootstrap",
                             "class_weight" };
  guint n = 0;

  g_assert_true (ax_algorithm_find ("random_forest") == forest ());
  g_assert_cmpstr (forest ()->name, ==, "random_forest");
  g_assert_true (forest ()->regression);
  g_assert_true (forest ()->classification);
  for (const AxParamSpec *s = forest ()->params; s->name != NULL; s++, n++)
    {
      g_assert_cmpuint (n, <, G_N_ELEMENTS (expected));
      g_assert_cmpstr (s->name, ==, expected[n]);
      g_assert_nonnull (s->help);
      g_assert_true (ax_params_has (params, s->name));
    }
  g_assert_cmpuint (n, ==, G_N_ELEMENTS (expected));
  g_assert_cmpfloat (ax_params_get_number (params, "n_estimators"), ==, 100);
  g_assert_cmpfloat (ax_params_get_number (params, "max_depth"), ==, 10);
  g_assert_cmpfloat (ax_params_get_number (params, "min_samples_split"), ==, 2);
  g_assert_cmpfloat (ax_params_get_number (params, "min_samples_leaf"), ==, 1);
  g_assert_cmpfloat (ax_params_get_number (params, "bootstrap"), ==, 1);
  g_assert_cmpstr (ax_params_get_string (params, "max_features"), ==, "auto");
  g_assert_cmpstr (ax_params_get_string (params, "class_weight"), ==, "none");

  /* A fraction of the features is accepted; depth 0 is not. */
  ax_params_set_number (given, "max_features", 0.5);
  checked = ax_algorithm_check_params (forest (), given, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (ax_params_get_number (checked, "max_features"), ==, 0.5);
  g_clear_pointer (&checked, ax_params_free);
  ax_params_set_number (given, "max_depth", 0);
  checked = ax_algorithm_check_params (forest (), given, &error);
  g_assert_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG);
  g_assert_null (checked);
  g_assert_nonnull (strstr (error->message, "max_depth"));
}

/* One unpruned tree on every row learns a step function exactly, and its
 * thresholds fall between the training values. */
static void
test_forest_step (void)
{
  g_autoptr(Data) train = data_alloc (200, 1, AX_TASK_REGRESSION, 0);
  g_autoptr(Data) probe = data_alloc (4, 1, AX_TASK_REGRESSION, 0);
  g_autoptr(AxParams) params = params_new ("n_estimators", 1.0, "bootstrap", 0.0,
                                           "max_features", "all", NULL);
  AxTrainMonitor monitor = { .seed = 3 };
  AxFitted *fitted;
  g_autofree double *pred = NULL;
  g_autofree double *probe_pred = NULL;

  for (guint i = 0; i < 200; i++)
    {
      train->x->x[i] = i / 100.0f;
      train->y[i] = i < 100 ? -2.5 : i < 150 ? 4.0 : 7.25;
    }
  fitted = fit (train, NULL, params, &monitor);
  pred = predict (fitted, train);
  for (guint i = 0; i < 200; i++)
    g_assert_cmpfloat (pred[i], ==, train->y[i]);

  /* 0.995 lies between 0.99 and 1.00, 1.495 between 1.49 and 1.50. */
  probe->x->x[0] = 0.994f;
  probe->x->x[1] = 0.996f;
  probe->x->x[2] = 1.494f;
  probe->x->x[3] = 1.496f;
  probe_pred = predict (fitted, probe);
  g_assert_cmpfloat (probe_pred[0], ==, -2.5);
  g_assert_cmpfloat (probe_pred[1], ==, 4.0);
  g_assert_cmpfloat (probe_pred[2], ==, 4.0);
  g_assert_cmpfloat (probe_pred[3], ==, 7.25);
  forest ()->free (fitted);
}

static void
test_forest_friedman (void)
{
  g_autoptr(Data) train = data_new (DATA_FRIEDMAN1, 5000, 1);
  g_autoptr(Data) valid = data_new (DATA_FRIEDMAN1, 1000, 2);
  g_autoptr(Data) test = data_new (DATA_FRIEDMAN1, 2000, 3);
  g_autoptr(AxParams) params = params_new (NULL);
  g_auto(FitWatch) w = { 0 };
  AxTrainMonitor monitor = fit_monitor (&w, 42, 0);
  AxFitted *fitted = fit (train, valid, params, &monitor);
  g_autofree double *pred = predict (fitted, test);
  double score = score_of (test, pred);

  g_test_message ("friedman1, 5000 rows: test R2 %.4f", score);
  g_assert_cmpfloat (score, >=, 0.87);

  /* A step per tree, in order, scored by the validation R2, which ends
   * near the test R2 and well above that of the first tree alone. */
  g_assert_cmpuint (w.n_steps, ==, 100);
  g_assert_true (w.in_order);
  g_assert_cmpuint (w.n_total, ==, 100);
  g_assert_cmpfloat (w.scores[99], >, 0.84);
  g_assert_cmpfloat (w.scores[99], >, w.scores[0] + 0.05);
  g_assert_cmpuint (w.n_progress, >=, 100);
  g_assert_cmpfloat (w.last_fraction, ==, 1.0);
  g_assert_cmpstr (w.last_detail, ==, "Grown 100 of 100 trees");
  forest ()->free (fitted);
}

static void
test_forest_binary (void)
{
  g_autoptr(Data) train = data_new (DATA_BINARY, 3000, 4);
  g_autoptr(Data) valid = data_new (DATA_BINARY, 500, 5);
  g_autoptr(Data) test = data_new (DATA_BINARY, 2000, 6);
  g_autoptr(AxParams) params = params_new ("n_estimators", 50.0, NULL);
  g_auto(FitWatch) w = { 0 };
  AxTrainMonitor monitor = fit_monitor (&w, 7, 0);
  AxFitted *fitted = fit (train, valid, params, &monitor);
  g_autofree double *prob = predict (fitted, test);
  g_autoptr(AxMetrics) m = ax_metrics_compute (&test->target, test->x->n_rows, prob);

  g_test_message ("two classes: AUC %.4f, accuracy %.4f", m->roc_auc, m->accuracy);
  g_assert_cmpfloat (m->roc_auc, >=, 0.98);
  g_assert_cmpfloat (m->accuracy, >=, 0.93);
  for (guint i = 0; i < test->x->n_rows; i++)
    g_assert_cmpfloat_with_epsilon (prob[2 * i] + prob[2 * i + 1], 1.0, 1e-12);
  /* Steps are scored by the validation log loss. */
  g_assert_cmpuint (w.n_steps, ==, 50);
  g_assert_cmpfloat (w.scores[49], >, 0);
  g_assert_cmpfloat (w.scores[49], <, 0.35);
  forest ()->free (fitted);
}

static void
test_forest_three_class (void)
{
  g_autoptr(Data) train = data_new (DATA_THREE_CLASS, 3000, 8);
  g_autoptr(Data) test = data_new (DATA_THREE_CLASS, 2000, 9);
  g_autoptr(AxParams) params = params_new ("n_estimators", 50.0,
                                           "class_weight", "balanced_subsample", NULL);
  AxTrainMonitor monitor = { .seed = 11 };
  AxFitted *fitted = fit (train, NULL, params, &monitor);
  g_autofree double *prob = predict (fitted, test);
  g_autoptr(AxMetrics) m = ax_metrics_compute (&test->target, test->x->n_rows, prob);

  g_test_message ("three classes: accuracy %.4f, AUC %.4f", m->accuracy, m->roc_auc);
  g_assert_cmpfloat (m->accuracy, >=, 0.92);
  g_assert_cmpfloat (m->roc_auc, >=, 0.98);
  forest ()->free (fitted);
}

/* Predictions are bitwise the same for one thread or two, and so are the
 * step scores. */
static void
test_forest_threads (void)
{
  g_autoptr(Data) train = data_new (DATA_FRIEDMAN1, 3000, 12);
  g_autoptr(Data) valid = data_new (DATA_FRIEDMAN1, 500, 13);
  g_autoptr(Data) ctrain = data_new (DATA_THREE_CLASS, 2000, 14);
  g_autoptr(AxParams) params = params_new ("n_estimators", 24.0, "max_features", "sqrt", NULL);
  g_auto(FitWatch) w1 = { 0 };
  g_auto(FitWatch) w2 = { 0 };
  AxTrainMonitor m1 = fit_monitor (&w1, 5, 1), m2 = fit_monitor (&w2, 5, 2);
  AxFitted *f1 = fit (train, valid, params, &m1);
  AxFitted *f2 = fit (train, valid, params, &m2);
  g_autofree double *p1 = predict (f1, valid);
  g_autofree double *p2 = predict (f2, valid);
  AxTrainMonitor cm1 = { .seed = 5, .n_threads = 1 }, cm2 = { .seed = 5, .n_threads = 2 };
  AxFitted *c1 = fit (ctrain, NULL, params, &cm1);
  AxFitted *c2 = fit (ctrain, NULL, params, &cm2);
  g_autofree double *q1 = predict (c1, ctrain);
  g_autofree double *q2 = predict (c2, ctrain);
  AxTrainMonitor m3 = { .seed = 6, .n_threads = 2 };
  AxFitted *f3 = fit (train, NULL, params, &m3);
  g_autofree double *p3 = predict (f3, valid);

  g_assert_cmpmem (p1, valid->x->n_rows * sizeof (double), p2, valid->x->n_rows * sizeof (double));
  g_assert_cmpmem (w1.scores, 24 * sizeof (double), w2.scores, 24 * sizeof (double));
  g_assert_cmpmem (q1, ctrain->x->n_rows * 3 * sizeof (double),
                   q2, ctrain->x->n_rows * 3 * sizeof (double));
  /* Another seed, another forest. */
  g_assert_true (memcmp (p1, p3, valid->x->n_rows * sizeof (double)) != 0);
  forest ()->free (f1);
  forest ()->free (f2);
  forest ()->free (f3);
  forest ()->free (c1);
  forest ()->free (c2);
}

static void
test_forest_cancel (void)
{
  g_autoptr(Data) train = data_new (DATA_FRIEDMAN1, 3000, 15);
  g_autoptr(AxParams) params = params_new ("n_estimators", 500.0, NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_auto(FitWatch) w = { .cancel_at = 3, .cancellable = cancellable };
  AxTrainMonitor monitor = fit_monitor (&w, 1, 2);
  AxFitted *fitted;

  fitted = forest ()->fit (train->x, &train->target, NULL, NULL, params, &monitor,
                           cancellable, &error);
  g_assert_null (fitted);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (w.n_steps, <, 20);

  /* Already cancelled: nothing is grown. */
  g_clear_error (&error);
  w.n_steps = 0;
  fitted = forest ()->fit (train->x, &train->target, NULL, NULL, params, &monitor,
                           cancellable, &error);
  g_assert_null (fitted);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (w.n_steps, ==, 0);
}

static AxFitted *
reload (const AxFitted *fitted)
{
  g_autoptr(GBytes) blob = forest ()->save (fitted);
  g_autoptr(GError) error = NULL;
  AxFitted *back = forest ()->load (blob, &error);

  g_assert_no_error (error);
  g_assert_nonnull (back);
  return back;
}

static void
test_forest_save_load (void)
{
  g_autoptr(Data) train = data_new (DATA_FRIEDMAN1, 2000, 16);
  g_autoptr(Data) test = data_new (DATA_FRIEDMAN1, 500, 17);
  g_autoptr(Data) ctrain = data_new (DATA_THREE_CLASS, 2000, 18);
  g_autoptr(Data) ctest = data_new (DATA_THREE_CLASS, 500, 19);
  g_autoptr(AxParams) params = params_new ("n_estimators", 20.0, NULL);
  AxTrainMonitor monitor = { .seed = 2 };
  AxFitted *fitted = fit (train, NULL, params, &monitor);
  AxFitted *back = reload (fitted);
  AxFitted *cfitted = fit (ctrain, NULL, params, &monitor);
  AxFitted *cback = reload (cfitted);
  g_autofree double *p1 = predict (fitted, test);
  g_autofree double *p2 = predict (back, test);
  g_autofree double *q1 = predict (cfitted, ctest);
  g_autofree double *q2 = predict (cback, ctest);
  g_autofree double *i1 = forest ()->importance (fitted);
  g_autofree double *i2 = forest ()->importance (back);
  g_autoptr(GBytes) b1 = forest ()->save (fitted);
  g_autoptr(GBytes) b2 = forest ()->save (back);

  g_assert_cmpmem (p1, 500 * sizeof (double), p2, 500 * sizeof (double));
  g_assert_cmpmem (q1, 1500 * sizeof (double), q2, 1500 * sizeof (double));
  g_assert_cmpmem (i1, 10 * sizeof (double), i2, 10 * sizeof (double));
  g_assert_true (g_bytes_equal (b1, b2));
  forest ()->free (fitted);
  forest ()->free (back);
  forest ()->free (cfitted);
  forest ()->free (cback);
}

static void
test_forest_blob_newer (void)
{
  g_autoptr(Data) train = data_new (DATA_FRIEDMAN1, 300, 20);
  g_autoptr(AxParams) params = params_new ("n_estimators", 3.0, NULL);
  AxTrainMonitor monitor = { .seed = 2 };
  AxFitted *fitted = fit (train, NULL, params, &monitor);
  g_autoptr(GBytes) blob = forest ()->save (fitted);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) newer = NULL;
  gsize size;
  guint8 *data = g_memdup2 (g_bytes_get_data (blob, &size), g_bytes_get_size (blob));

  g_assert_cmpmem (data, 4, "AXRF", 4);
  g_assert_cmpuint (data[4], ==, 1);     /* format version 1, little-endian */
  data[4] = 2;
  newer = g_bytes_new_take (data, size);
  g_assert_null (forest ()->load (newer, &error));
  g_assert_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_BLOB);
  g_assert_nonnull (strstr (error->message, "newer version of Auspex"));
  forest ()->free (fitted);
}

/* Every cut of a blob, and a few flipped bytes, are refused or load into
 * a forest that predicts without reading out of bounds. */
static void
test_forest_blob_damaged (void)
{
  g_autoptr(Data) train = data_new (DATA_BINARY, 300, 21);
  g_autoptr(AxParams) params = params_new ("n_estimators", 2.0, "max_depth", 3.0, NULL);
  AxTrainMonitor monitor = { .seed = 2 };
  AxFitted *fitted = fit (train, NULL, params, &monitor);
  g_autoptr(GBytes) blob = forest ()->save (fitted);
  gsize size = g_bytes_get_size (blob);
  const guint8 *data = g_bytes_get_data (blob, NULL);
  g_autofree double *prob = g_new (double, 2 * train->x->n_rows);
  Rng rng = { 99 };

  for (gsize cut = 0; cut < size; cut++)
    {
      g_autoptr(GBytes) part = g_bytes_new (data, cut);
      g_autoptr(GError) error = NULL;

      g_assert_null (forest ()->load (part, &error));
      g_assert_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_BLOB);
    }
  for (guint trial = 0; trial < 200; trial++)
    {
      g_autofree guint8 *copy = g_memdup2 (data, size);
      g_autoptr(GBytes) bad = NULL;
      g_autoptr(GError) error = NULL;
      AxFitted *loaded;

      copy[24 + rng_next (&rng) % (size - 24)] ^= (guint8) (1u << (rng_next (&rng) % 8));
      bad = g_bytes_new_take (g_steal_pointer (&copy), size);
      loaded = forest ()->load (bad, &error);
      if (loaded == NULL)
        {
          g_assert_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_BLOB);
          continue;
        }
      forest ()->predict (loaded, train->x, prob);
      forest ()->free (loaded);
    }
  forest ()->free (fitted);
}

static void
test_forest_importance (void)
{
  g_autoptr(Data) train = data_new (DATA_FRIEDMAN1, 3000, 22);
  g_autoptr(AxParams) params = params_new ("n_estimators", 30.0, NULL);
  AxTrainMonitor monitor = { .seed = 4 };
  AxFitted *fitted = fit (train, NULL, params, &monitor);
  g_autofree double *imp = forest ()->importance (fitted);
  double sum = 0, least_informative;

  for (guint f = 0; f < 10; f++)
    {
      g_assert_cmpfloat (imp[f], >=, 0);
      sum += imp[f];
    }
  g_assert_cmpfloat_with_epsilon (sum, 1.0, 1e-12);
  g_test_message ("importance: %.4f %.4f %.4f %.4f %.4f, noise %.4f %.4f %.4f %.4f %.4f",
                  imp[0], imp[1], imp[2], imp[3], imp[4], imp[5], imp[6], imp[7], imp[8], imp[9]);
  /* x1, x2 and x4 carry most of the signal; x6..x10 none. */
  least_informative = MIN (imp[0], MIN (imp[1], imp[3]));
  for (guint f = 5; f < 10; f++)
    g_assert_cmpfloat (imp[f], <, least_informative);
  forest ()->free (fitted);
}

/* Missing values are sent to the side that fits them best: here a
 * missing x1 means y = 10, far above every present value. */
static void
test_forest_missing (void)
{
  guint n = 2000;
  g_autoptr(Data) train = data_alloc (n, 2, AX_TASK_REGRESSION, 0);
  g_autoptr(Data) probe = data_alloc (3, 2, AX_TASK_REGRESSION, 0);
  g_autoptr(AxParams) params = params_new ("n_estimators", 20.0, NULL);
  AxTrainMonitor monitor = { .seed = 8 };
  AxFitted *fitted;
  g_autofree double *pred = NULL;
  Rng rng = { 23 };

  for (guint i = 0; i < n; i++)
    {
      double u = rng_uniform (&rng);
      gboolean missing = i % 5 == 0;

      train->x->x[i] = missing ? NAN : (float) u;
      train->x->x[n + i] = (float) rng_uniform (&rng);
      train->y[i] = missing ? 10 : u;
    }
  fitted = fit (train, NULL, params, &monitor);

  probe->x->x[0] = NAN;
  probe->x->x[1] = 0.25f;
  probe->x->x[2] = 0.75f;
  probe->x->x[3] = probe->x->x[4] = 0.5f;
  /* x2 was never missing in training: a missing x2 takes the side most
   * of the rows took, which changes little. */
  probe->x->x[5] = NAN;
  pred = predict (fitted, probe);
  g_assert_cmpfloat_with_epsilon (pred[0], 10, 1e-9);
  g_assert_cmpfloat_with_epsilon (pred[1], 0.25, 0.02);
  g_assert_cmpfloat_with_epsilon (pred[2], 0.75, 0.05);
  forest ()->free (fitted);
}

/* Identical trees (no bootstrap, every feature) have no spread; a real
 * forest has some, larger where the data are noisier. */
static void
test_forest_spread (void)
{
  g_autoptr(Data) train = data_new (DATA_FRIEDMAN1, 2000, 24);
  g_autoptr(Data) test = data_new (DATA_FRIEDMAN1, 300, 25);
  g_autoptr(Data) ctrain = data_new (DATA_BINARY, 300, 26);
  g_autoptr(AxParams) same = params_new ("n_estimators", 5.0, "bootstrap", 0.0, NULL);
  g_autoptr(AxParams) params = params_new ("n_estimators", 30.0, NULL);
  AxTrainMonitor monitor = { .seed = 9 };
  AxFitted *f1 = fit (train, NULL, same, &monitor);
  AxFitted *f2 = fit (train, NULL, params, &monitor);
  AxFitted *c = fit (ctrain, NULL, params, &monitor);
  g_autofree double *sd = g_new (double, 300);
  double mean_sd = 0;

  ax_forest_predict_spread (f1, test->x, sd);
  for (guint i = 0; i < 300; i++)
    g_assert_cmpfloat (sd[i], ==, 0);
  ax_forest_predict_spread (f2, test->x, sd);
  for (guint i = 0; i < 300; i++)
    {
      g_assert_cmpfloat (sd[i], >=, 0);
      mean_sd += sd[i] / 300;
    }
  g_test_message ("mean spread of 30 trees: %.3f", mean_sd);
  g_assert_cmpfloat (mean_sd, >, 0.3);
  g_assert_cmpfloat (mean_sd, <, 3);
  ax_forest_predict_spread (c, ctrain->x, sd);
  g_assert_true (isnan (sd[0]) && isnan (sd[299]));
  forest ()->free (f1);
  forest ()->free (f2);
  forest ()->free (c);
}

static void
test_forest_bad_data (void)
{
  g_autoptr(Data) empty = data_alloc (0, 3, AX_TASK_REGRESSION, 0);
  g_autoptr(Data) bad = data_new (DATA_BINARY, 50, 27);
  g_autoptr(AxParams) params = params_new ("n_estimators", 2.0, NULL);
  g_autoptr(GError) error = NULL;
  AxTrainMonitor monitor = { .seed = 1 };

  g_assert_null (forest ()->fit (empty->x, &empty->target, NULL, NULL, params, &monitor,
                                 NULL, &error));
  g_assert_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_DATA);
  g_clear_error (&error);

  bad->y[7] = 2;    /* not a class of two */
  g_assert_null (forest ()->fit (bad->x, &bad->target, NULL, NULL, params, &monitor,
                                 NULL, &error));
  g_assert_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_DATA);
  g_assert_nonnull (strstr (error->message, "8"));
}

/* A forest on constant features is one leaf per tree: the mean. */
static void
test_forest_constant (void)
{
  g_autoptr(Data) train = data_alloc (100, 2, AX_TASK_REGRESSION, 0);
  g_autoptr(AxParams) params = params_new ("n_estimators", 3.0, "bootstrap", 0.0, NULL);
  AxTrainMonitor monitor = { .seed = 1 };
  AxFitted *fitted;
  g_autofree double *pred = NULL;
  g_autofree double *imp = NULL;

  for (guint i = 0; i < 100; i++)
    {
      train->x->x[i] = 1;
      train->x->x[100 + i] = 2;
      train->y[i] = i % 2;
    }
  fitted = fit (train, NULL, params, &monitor);
  pred = predict (fitted, train);
  g_assert_cmpfloat_with_epsilon (pred[0], 0.5, 1e-12);
  imp = forest ()->importance (fitted);
  g_assert_cmpfloat (imp[0] + imp[1], ==, 0);
  forest ()->free (fitted);
}

/* With every feature constant a tree is one leaf: the class shares of the
 * rows, weighted.  "balanced" weighs the classes equally; so does
 * "balanced_subsample" in each tree's own sample. */
static void
test_forest_class_weight (void)
{
  g_autoptr(Data) train = data_alloc (100, 2, AX_TASK_CLASSIFICATION, 2);
  g_autofree double *prob = g_new (double, 200);
  const char *weights[] = { "none", "balanced", "balanced_subsample" };
  const double expected[] = { 0.2, 0.5, 0.5 };

  for (guint i = 0; i < 100; i++)
    train->y[i] = i % 5 == 0;
  for (guint k = 0; k < G_N_ELEMENTS (weights); k++)
    {
      g_autoptr(AxParams) params = params_new ("n_estimators", 4.0,
                                               "bootstrap", k == 2 ? 1.0 : 0.0,
                                               "class_weight", weights[k], NULL);
      AxTrainMonitor monitor = { .seed = 1 };
      AxFitted *fitted = fit (train, NULL, params, &monitor);

      forest ()->predict (fitted, train->x, prob);
      g_assert_cmpfloat_with_epsilon (prob[1], expected[k], 1e-12);
      g_assert_cmpfloat_with_epsilon (prob[0] + prob[1], 1, 1e-12);
      forest ()->free (fitted);
    }
}

/* Row weights count as repeats: a weighted mean in the leaf. */
static void
test_forest_row_weights (void)
{
  g_autoptr(Data) train = data_alloc (4, 1, AX_TASK_REGRESSION, 0);
  g_autoptr(AxParams) params = params_new ("n_estimators", 2.0, "bootstrap", 0.0, NULL);
  AxTrainMonitor monitor = { .seed = 1 };
  const double weight[] = { 3, 1, 0, 2 };
  g_autofree double *pred = NULL;
  AxFitted *fitted;

  for (guint i = 0; i < 4; i++)
    train->x->x[i] = 5;
  train->y[0] = 0;
  train->y[1] = 4;
  train->y[2] = 1000;    /* weight 0: never seen */
  train->y[3] = 2;
  train->target.weight = weight;
  fitted = fit (train, NULL, params, &monitor);
  pred = predict (fitted, train);
  g_assert_cmpfloat_with_epsilon (pred[0], (0 * 3 + 4 * 1 + 2 * 2) / 6.0, 1e-12);
  forest ()->free (fitted);
}

/* Every way of choosing max_features gives a working forest; a deep,
 * unbalanced tree predicts its training rows exactly. */
static void
test_forest_max_features (void)
{
  g_autoptr(Data) train = data_new (DATA_FRIEDMAN1, 1500, 28);
  g_autoptr(Data) test = data_new (DATA_FRIEDMAN1, 500, 29);
  const char *choices[] = { "auto", "sqrt", "log2", "all" };
  const double numbers[] = { 0.3, 4 };
  g_autoptr(AxParams) deep = params_new ("n_estimators", 1.0, "bootstrap", 0.0,
                                         "max_depth", 100.0, NULL);
  AxTrainMonitor monitor = { .seed = 3 };
  AxFitted *fitted;
  g_autofree double *pred = NULL;

  for (guint k = 0; k < G_N_ELEMENTS (choices) + G_N_ELEMENTS (numbers); k++)
    {
      g_autoptr(AxParams) given = ax_params_new ();
      g_autoptr(AxParams) params = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree double *p = NULL;
      double score;

      ax_params_set_number (given, "n_estimators", 30);
      if (k < G_N_ELEMENTS (choices))
        ax_params_set_string (given, "max_features", choices[k]);
      else
        ax_params_set_number (given, "max_features", numbers[k - G_N_ELEMENTS (choices)]);
      params = ax_algorithm_check_params (forest (), given, &error);
      g_assert_no_error (error);
      fitted = fit (train, NULL, params, &monitor);
      p = predict (fitted, test);
      score = score_of (test, p);
      g_test_message ("max_features choice %u: R2 %.4f", k, score);
      g_assert_cmpfloat (score, >, 0.7);
      forest ()->free (fitted);
    }

  fitted = fit (train, NULL, deep, &monitor);
  pred = predict (fitted, train);
  for (guint i = 0; i < train->x->n_rows; i++)
    g_assert_cmpfloat_with_epsilon (pred[i], train->y[i], 1e-9);
  forest ()->free (fitted);
}

static int
cmp_float (const void *a,
           const void *b)
{
  float x = *(const float *) a, y = *(const float *) b;

  return (x > y) - (x < y);
}

static float
mid_float (float a,
           float b)
{
  float m = (float) (((double) a + (double) b) / 2);

  return m < b ? m : a;
}

/* The bins' edges are those of the sorted values, computed here the
 * plain way (qsort): midpoints between distinct values when there are
 * few, quantiles when there are many; negative values, both zeros,
 * repeats, huge magnitudes and missing values included. */
static void
test_forest_binning (void)
{
  const guint n = 3000;
  g_autoptr(AxMatrix) x = ax_matrix_new (n, 3);
  g_autoptr(AxBinned) b = NULL;
  Rng rng = { 42 };

  for (guint i = 0; i < n; i++)
    {
      double u = rng_uniform (&rng);
      /* Few distinct values: -3..3 in halves, and both zeros. */
      x->x[i] = i % 97 == 0 ? NAN : i % 5 == 0 ? (i % 2 ? -0.0f : 0.0f) : (float) (floor (u * 13) / 2 - 3);
      /* Many: wide signed magnitudes with repeats. */
      x->x[n + i] = i % 7 == 0 ? x->x[n + i / 2]
                    : (float) ((u - 0.5) * pow (10, 1 + 30 * rng_uniform (&rng)));
      /* One value. */
      x->x[2 * n + i] = 1.5f;
    }
  b = ax_binned_new (x, 2, 7);
  for (guint f = 0; f < 3; f++)
    {
      const float *col = x->x + (gsize) f * n;
      g_autofree float *v = g_new (float, n);
      g_autofree float *want = g_new (float, 255);
      guint m = 0, n_distinct = 0, n_edges = 0;

      for (guint i = 0; i < n; i++)
        if (!isnan (col[i]))
          v[m++] = col[i];
      qsort (v, m, sizeof (float), cmp_float);
      for (guint i = 0; i < m; i++)
        n_distinct += i == 0 || v[i] != v[i - 1];
      if (n_distinct <= 255)
        {
          for (guint i = 1; i < m; i++)
            if (v[i] != v[i - 1])
              want[n_edges++] = mid_float (v[i - 1], v[i]);
        }
      else
        for (guint k = 1; k < 255; k++)
          {
            double pos = (double) k * (m - 1) / 255;
            guint lo = (guint) floor (pos), hi = (guint) ceil (pos);
            float e = v[lo] == v[hi] ? v[lo] : mid_float (v[lo], v[hi]);

            if (e < v[m - 1] && (n_edges == 0 || e > want[n_edges - 1]))
              want[n_edges++] = e;
          }
      g_test_message ("feature %u: %u distinct values, %u edges", f, n_distinct, n_edges);
      g_assert_cmpuint (b->n_bins[f], ==, n_edges + 1);
      for (guint e = 0; e < n_edges; e++)
        g_assert_cmpfloat (b->edges[f][e], ==, want[e]);
      for (guint i = 0; i < n; i++)
        {
          guint code = b->codes[(gsize) f * n + i];

          if (isnan (col[i]))
            g_assert_cmpuint (code, ==, n_edges + 1);
          else
            {
              g_assert_true (code == 0 || b->edges[f][code - 1] < col[i]);
              g_assert_true (code == n_edges || col[i] <= b->edges[f][code]);
            }
        }
    }
  g_assert_cmpuint (b->n_bins[0], ==, 13);
  g_assert_cmpuint (b->n_bins[1], ==, 255);
  g_assert_cmpuint (b->n_bins[2], ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/forest/params", test_forest_params);
  g_test_add_func ("/engine/forest/step", test_forest_step);
  g_test_add_func ("/engine/forest/regression/friedman1", test_forest_friedman);
  g_test_add_func ("/engine/forest/classification/binary", test_forest_binary);
  g_test_add_func ("/engine/forest/classification/three-class", test_forest_three_class);
  g_test_add_func ("/engine/forest/threads", test_forest_threads);
  g_test_add_func ("/engine/forest/cancel", test_forest_cancel);
  g_test_add_func ("/engine/forest/save-load", test_forest_save_load);
  g_test_add_func ("/engine/forest/blob/newer", test_forest_blob_newer);
  g_test_add_func ("/engine/forest/blob/damaged", test_forest_blob_damaged);
  g_test_add_func ("/engine/forest/importance", test_forest_importance);
  g_test_add_func ("/engine/forest/missing", test_forest_missing);
  g_test_add_func ("/engine/forest/class-weight", test_forest_class_weight);
  g_test_add_func ("/engine/forest/row-weights", test_forest_row_weights);
  g_test_add_func ("/engine/forest/max-features", test_forest_max_features);
  g_test_add_func ("/engine/forest/spread", test_forest_spread);
  g_test_add_func ("/engine/forest/bad-data", test_forest_bad_data);
  g_test_add_func ("/engine/forest/constant", test_forest_constant);
  g_test_add_func ("/engine/forest/binning", test_forest_binning);

  return g_test_run ();
}
