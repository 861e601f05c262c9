/* test-engine-boost.c — gradient boosting (XGBoost) as an AxAlgorithm
 *
 * The data are generated (ax-test-util.h) from a fixed splitmix64
 * stream, so the same rows can be rebuilt elsewhere: friedman1 (Friedman,
 * "Multivariate adaptive regression splines", 1991: y = 10 sin(pi x1 x2) +
 * 20 (x3 - 0.5)^2 + 10 x4 + 5 x5 + N(0, 1), five more uniform features
 * that are noise) for regression, and threshold rules on uniform features
 * for two and three classes.  Thresholds below are what any sound
 * gradient-boosted model reaches on these problems, not values copied from
 * a run.
 */

#include <math.h>
#include <string.h>

#include <json-glib/json-glib.h>
#include <xgboost/c_api.h>

#include "ax-boost-trees.h"
#include "ax-tree.h"
#include "ax-learn.h"
#include "ax-test-util.h"

/* Helpers */

static const AxAlgorithm *
boost (void)
{
  const AxAlgorithm *algo = ax_algorithm_find ("gradient_boosting");

  g_assert_nonnull (algo);
  return algo;
}

/* Checked hyperparameters from "name", value pairs (numbers; a string
 * value for class_weight), NULL-terminated. */
#define params_new(...) check_params (boost (), __VA_ARGS__)

static AxFitted *
fit (const Data           *train,
     const Data           *valid,
     const AxParams       *params,
     const AxTrainMonitor *monitor)
{
  return algo_fit (boost (), train, valid, params, monitor);
}

static double *
predict (const AxFitted *fitted,
         const Data     *d)
{
  return algo_predict (boost (), fitted, d);
}

static double
r2 (const Data   *d,
    const double *pred)
{
  double mean = 0, ss_res = 0, ss_tot = 0;
  guint n = d->x->n_rows;

  for (guint i = 0; i < n; i++)
    mean += d->y[i];
  mean /= n;
  for (guint i = 0; i < n; i++)
    {
      ss_res += (d->y[i] - pred[i]) * (d->y[i] - pred[i]);
      ss_tot += (d->y[i] - mean) * (d->y[i] - mean);
    }
  return 1 - ss_res / ss_tot;
}

static double
log_loss (const Data   *d,
          const double *prob)
{
  guint k = d->target.n_classes;
  double sum = 0;

  for (guint i = 0; i < d->x->n_rows; i++)
    sum -= log (CLAMP (prob[(gsize) i * k + (guint) d->y[i]], 1e-15, 1 - 1e-15));
  return sum / d->x->n_rows;
}

/* Tests */

static void
test_boost_registered (void)
{
  const AxAlgorithm *algo = boost ();
  g_autoptr(AxParams) params = params_new (NULL);
  const char *expected[] = { "n_estimators", "max_depth", "learning_rate", "subsample",
                             "colsample", "min_child_weight", "reg_lambda",
                             "early_stopping_rounds", "class_weight" };
  guint n = 0;

  g_assert_cmpstr (algo->name, ==, "gradient_boosting");
  g_assert_true (algo->regression);
  g_assert_true (algo->classification);
  for (const AxParamSpec *s = algo->params; s->name != NULL; s++, n++)
    {
      g_assert_cmpuint (n, <, G_N_ELEMENTS (expected));
      g_assert_cmpstr (s->name, ==, expected[n]);
      g_assert_nonnull (s->help);
      g_assert_true (ax_params_has (params, s->name));
    }
  g_assert_cmpuint (n, ==, G_N_ELEMENTS (expected));

  /* The defaults of XGBoost's scikit-learn interface. */
  g_assert_cmpfloat (ax_params_get_number (params, "n_estimators"), ==, 100);
  g_assert_cmpfloat (ax_params_get_number (params, "max_depth"), ==, 6);
  g_assert_cmpfloat (ax_params_get_number (params, "learning_rate"), ==, 0.3);
  g_assert_cmpfloat (ax_params_get_number (params, "early_stopping_rounds"), ==, 0);
  g_assert_cmpstr (ax_params_get_string (params, "class_weight"), ==, "none");
}

static void
test_boost_params_refused (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AxParams) given = ax_params_new ();
  g_autoptr(AxParams) checked = NULL;

  ax_params_set_number (given, "max_depth", 31);
  checked = ax_algorithm_check_params (boost (), given, &error);
  g_assert_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG);
  g_assert_null (checked);
  g_assert_nonnull (strstr (error->message, "max_depth"));
}

static void
test_boost_learning_rate_zero (void)
{
  g_autoptr(Data) train = data_new (DATA_FRIEDMAN1, 100, 1);
  g_autoptr(AxParams) params = params_new ("learning_rate", 0.0, NULL);
  g_autoptr(GError) error = NULL;
  AxTrainMonitor monitor = { .seed = 1 };
  AxFitted *fitted;

  fitted = boost ()->fit (train->x, &train->target, NULL, NULL, params, &monitor, NULL, &error);
  g_assert_null (fitted);
  g_assert_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG);
  g_assert_nonnull (strstr (error->message, "hyperparameters.learning_rate"));
}

static void
test_boost_regression (void)
{
  g_autoptr(Data) train = data_new (DATA_FRIEDMAN1, 2000, 1);
  g_autoptr(Data) valid = data_new (DATA_FRIEDMAN1, 500, 2);
  g_autoptr(Data) test = data_new (DATA_FRIEDMAN1, 1000, 3);
  g_autoptr(AxParams) params = params_new ("n_estimators", 200.0, "max_depth", 4.0,
                                           "learning_rate", 0.1, NULL);
  g_auto(FitWatch) w = { 0 };
  AxTrainMonitor monitor = fit_monitor (&w, 42, 0);
  AxFitted *fitted = fit (train, valid, params, &monitor);
  g_autofree double *pred = predict (fitted, test);
  double score = r2 (test, pred);

  g_test_message ("friedman1: R2 on 1000 test rows %.4f", score);
  g_assert_cmpfloat (score, >, 0.85);

  /* One step and one progress report per round, the last complete. */
  g_assert_cmpuint (w.n_steps, ==, 200);
  g_assert_true (w.increasing);
  g_assert_cmpuint (w.n_total, ==, 200);
  g_assert_cmpuint (w.n_progress, ==, 200);
  g_assert_cmpfloat (w.last_fraction, ==, 1.0);
  g_assert_cmpstr (w.last_detail, ==, "Round 200 of 200");
  /* The step score is the validation R2: it rises from about 0 as trees
   * are added. */
  g_assert_cmpfloat (w.scores[0], <, 0.3);
  g_assert_cmpfloat (w.scores[199], >, 0.85);
  g_assert_cmpfloat (w.scores[199], >, w.scores[9]);

  boost ()->free (fitted);
}

static void
test_boost_binary (void)
{
  g_autoptr(Data) train = data_new (DATA_BINARY, 2000, 11);
  g_autoptr(Data) valid = data_new (DATA_BINARY, 500, 12);
  g_autoptr(Data) test = data_new (DATA_BINARY, 1000, 13);
  g_autoptr(AxParams) params = params_new (NULL);
  g_auto(FitWatch) w = { 0 };
  AxTrainMonitor monitor = fit_monitor (&w, 42, 0);
  AxFitted *fitted = fit (train, valid, params, &monitor);
  g_autofree double *prob = predict (fitted, test);
  g_autofree double *valid_prob = predict (fitted, valid);
  double acc = data_accuracy (test, prob, 1e-6);

  g_test_message ("binary: accuracy %.4f, log loss %.4f on 1000 test rows",
                  acc, log_loss (test, prob));
  g_assert_cmpfloat (acc, >, 0.9);

  /* The step score is the validation log loss of the model so far. */
  g_assert_cmpuint (w.n_steps, ==, 100);
  g_assert_cmpfloat (w.scores[0], <, log (2.0));
  g_assert_cmpfloat_with_epsilon (w.scores[99], log_loss (valid, valid_prob), 1e-6);

  boost ()->free (fitted);
}

static void
test_boost_three_class (void)
{
  g_autoptr(Data) train = data_new (DATA_THREE_CLASS, 2000, 21);
  g_autoptr(Data) valid = data_new (DATA_THREE_CLASS, 500, 22);
  g_autoptr(Data) test = data_new (DATA_THREE_CLASS, 1000, 23);
  g_autoptr(AxParams) params = params_new (NULL);
  g_auto(FitWatch) w = { 0 };
  AxTrainMonitor monitor = fit_monitor (&w, 42, 0);
  AxFitted *fitted = fit (train, valid, params, &monitor);
  g_autofree double *prob = predict (fitted, test);
  double acc = data_accuracy (test, prob, 1e-6);

  g_test_message ("three classes: accuracy %.4f, log loss %.4f on 1000 test rows",
                  acc, log_loss (test, prob));
  g_assert_cmpfloat (acc, >, 0.9);
  g_assert_cmpfloat (w.scores[99], <, w.scores[0]);

  boost ()->free (fitted);
}

static void
test_boost_early_stopping (void)
{
  g_autoptr(Data) train = data_new (DATA_NOISY, 1000, 31);
  g_autoptr(Data) valid = data_new (DATA_NOISY, 500, 32);
  g_autoptr(AxParams) params = params_new ("n_estimators", 500.0, "early_stopping_rounds", 10.0,
                                           NULL);
  g_auto(FitWatch) w = { 0 };
  AxTrainMonitor monitor = fit_monitor (&w, 42, 0);
  AxFitted *fitted = fit (train, valid, params, &monitor);
  g_autofree double *pred = predict (fitted, valid);
  guint best = 0;

  /* Deep trees on a weak signal overfit within a few rounds. */
  g_assert_true (w.increasing);
  g_assert_cmpuint (w.n_total, ==, 500);
  g_assert_cmpuint (w.last_step, ==, w.n_steps);
  g_assert_cmpuint (w.n_steps, <, 100);
  g_assert_cmpfloat (w.last_fraction, ==, 1.0);
  g_assert_nonnull (strstr (w.last_detail, "Stopped early"));

  /* Training stops 10 rounds after the best, and the model predicts as it
   * did after that best round. */
  for (guint s = 1; s < w.n_steps; s++)
    if (w.scores[s] > w.scores[best])
      best = s;
  g_assert_cmpuint (best + 10 + 1, ==, w.n_steps);
  g_assert_cmpfloat_with_epsilon (r2 (valid, pred), w.scores[best], 1e-9);
  g_test_message ("early stopping: %u rounds run, best round %u (validation R2 %.4f)",
                  w.n_steps, best + 1, w.scores[best]);

  boost ()->free (fitted);
}

static void
test_boost_no_validation (void)
{
  g_autoptr(Data) train = data_new (DATA_NOISY, 300, 33);
  g_autoptr(AxParams) params = params_new ("n_estimators", 30.0, "early_stopping_rounds", 3.0,
                                           NULL);
  g_auto(FitWatch) w = { 0 };
  AxTrainMonitor monitor = fit_monitor (&w, 42, 0);
  AxFitted *fitted = fit (train, NULL, params, &monitor);

  /* Without validation rows there is nothing to stop on or to score. */
  g_assert_cmpuint (w.n_steps, ==, 30);
  for (guint s = 0; s < w.n_steps; s++)
    g_assert_true (isnan (w.scores[s]));

  boost ()->free (fitted);
}

/* Two fits with the same seed, with row and feature sampling on, predict
 * bit for bit alike and save to the same bytes; another seed differs. */
static void
test_boost_deterministic (void)
{
  g_autoptr(Data) train = data_new (DATA_FRIEDMAN1, 1000, 41);
  g_autoptr(Data) test = data_new (DATA_FRIEDMAN1, 300, 42);
  g_autoptr(AxParams) params = params_new ("n_estimators", 40.0, "subsample", 0.7,
                                           "colsample", 0.6, NULL);
  AxTrainMonitor m1 = { .seed = 7, .n_threads = 1 };
  AxTrainMonitor m2 = { .seed = 7, .n_threads = 2 };
  AxTrainMonitor m3 = { .seed = G_GUINT64_CONSTANT (0xfedcba9876543210) };
  AxFitted *a = fit (train, NULL, params, &m1);
  AxFitted *b = fit (train, NULL, params, &m2);
  AxFitted *c = fit (train, NULL, params, &m3);
  g_autofree double *pa = predict (a, test);
  g_autofree double *pb = predict (b, test);
  g_autofree double *pc = predict (c, test);
  g_autoptr(GBytes) sa = boost ()->save (a);
  g_autoptr(GBytes) sb = boost ()->save (b);

  g_assert_cmpmem (pa, test->x->n_rows * sizeof (double), pb, test->x->n_rows * sizeof (double));
  g_assert_true (g_bytes_equal (sa, sb));
  g_assert_true (memcmp (pa, pc, test->x->n_rows * sizeof (double)) != 0);

  boost ()->free (a);
  boost ()->free (b);
  boost ()->free (c);
}

static void
test_boost_cancel (void)
{
  g_autoptr(Data) train = data_new (DATA_FRIEDMAN1, 500, 51);
  g_autoptr(Data) valid = data_new (DATA_FRIEDMAN1, 100, 52);
  g_autoptr(AxParams) params = params_new ("n_estimators", 1000.0, NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_auto(FitWatch) w = { .cancel_at = 5, .cancellable = cancellable };
  AxTrainMonitor monitor = fit_monitor (&w, 42, 0);
  AxFitted *fitted;

  fitted = boost ()->fit (train->x, &train->target, valid->x, &valid->target,
                          params, &monitor, cancellable, &error);
  g_assert_null (fitted);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (w.n_steps, ==, 5);
}

static void
check_round_trip (const Data   *train,
                  const Data   *valid,
                  const Data   *test,
                  AxParams     *params)
{
  AxTrainMonitor monitor = { .seed = 3 };
  AxFitted *fitted = fit (train, valid, params, &monitor);
  guint width = test->target.task == AX_TASK_REGRESSION ? 1 : test->target.n_classes;
  gsize size = (gsize) test->x->n_rows * width * sizeof (double);
  g_autofree double *before = predict (fitted, test);
  g_autofree double *imp_before = boost ()->importance (fitted);
  g_autoptr(GBytes) blob = boost ()->save (fitted);
  g_autoptr(GBytes) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree double *after = NULL;
  g_autofree double *imp_after = NULL;
  AxFitted *loaded;

  boost ()->free (fitted);
  loaded = boost ()->load (blob, &error);
  g_assert_no_error (error);
  g_assert_nonnull (loaded);

  after = predict (loaded, test);
  g_assert_cmpmem (before, size, after, size);
  imp_after = boost ()->importance (loaded);
  g_assert_cmpmem (imp_before, train->x->n_features * sizeof (double),
                   imp_after, train->x->n_features * sizeof (double));
  again = boost ()->save (loaded);
  g_assert_true (g_bytes_equal (blob, again));

  boost ()->free (loaded);
}

static void
test_boost_save_load (void)
{
  g_autoptr(Data) reg_train = data_new (DATA_FRIEDMAN1, 800, 61);
  g_autoptr(Data) reg_test = data_new (DATA_FRIEDMAN1, 300, 62);
  g_autoptr(Data) noisy_train = data_new (DATA_NOISY, 800, 63);
  g_autoptr(Data) noisy_valid = data_new (DATA_NOISY, 300, 64);
  g_autoptr(Data) bin_train = data_new (DATA_BINARY, 800, 65);
  g_autoptr(Data) bin_test = data_new (DATA_BINARY, 300, 66);
  g_autoptr(Data) three_train = data_new (DATA_THREE_CLASS, 800, 67);
  g_autoptr(Data) three_test = data_new (DATA_THREE_CLASS, 300, 68);
  g_autoptr(AxParams) params = params_new ("n_estimators", 30.0, NULL);
  g_autoptr(AxParams) stopping = params_new ("n_estimators", 200.0,
                                             "early_stopping_rounds", 5.0, NULL);

  check_round_trip (reg_train, NULL, reg_test, params);
  check_round_trip (noisy_train, noisy_valid, noisy_valid, stopping);
  check_round_trip (bin_train, NULL, bin_test, params);
  check_round_trip (three_train, NULL, three_test, params);
}

/* Auspex predicts with the trees it reads from XGBoost's model, not
 * through XGBoost: the predictions must be XGBoost's own to the bit, with
 * missing values and for each link function. */
static void
check_agrees_with_xgboost (const Data     *train,
                           const Data     *test,
                           const AxParams *params)
{
  AxTrainMonitor monitor = { .seed = 7 };
  AxFitted *fitted = fit (train, NULL, params, &monitor);
  g_autofree double *ours = predict (fitted, test);
  g_autoptr(GBytes) blob = boost ()->save (fitted);
  gsize size, n = test->x->n_rows, nf = test->x->n_features;
  const guint8 *bytes = g_bytes_get_data (blob, &size);
  g_autofree float *rows = g_new (float, n * nf);
  BoosterHandle booster = NULL;
  DMatrixHandle d = NULL;
  bst_ulong len;
  const float *theirs;
  guint k = test->target.task == AX_TASK_REGRESSION ? 1 : test->target.n_classes;
  guint mismatches = 0;

  for (gsize i = 0; i < n; i++)
    for (gsize f = 0; f < nf; f++)
      rows[i * nf + f] = test->x->x[f * n + i];
  g_assert_cmpint (XGBoosterCreate (NULL, 0, &booster), ==, 0);
  g_assert_cmpint (XGBoosterLoadModelFromBuffer (booster, bytes + 32, size - 32), ==, 0);
  g_assert_cmpint (XGDMatrixCreateFromMat (rows, n, nf, NAN, &d), ==, 0);
  g_assert_cmpint (XGBoosterPredict (booster, d, 0, 0, 0, &len, &theirs), ==, 0);
  g_assert_cmpuint (len, ==, n * (k == 2 ? 1 : k));

  for (gsize i = 0; i < n; i++)
    if (k == 1)
      mismatches += ours[i] != (double) theirs[i];
    else if (k == 2)
      mismatches += ours[2 * i + 1] != (double) theirs[i] || ours[2 * i] != 1 - (double) theirs[i];
    else
      for (guint c = 0; c < k; c++)
        mismatches += ours[i * k + c] != (double) theirs[i * k + c];
  g_test_message ("%u classes: %u of %" G_GSIZE_FORMAT " rows differ from XGBoost's prediction",
                  k, mismatches, n);
  g_assert_cmpuint (mismatches, ==, 0);

  /* The blob holds the model in XGBoost's UBJSON (version 2); one of
   * version 1, with the model in XGBoost's JSON, predicts the same. */
  {
    const char *json;
    bst_ulong json_len;
    g_autoptr(GByteArray) old = g_byte_array_new ();
    g_autoptr(GBytes) old_blob = NULL;
    guint32 version = GUINT32_TO_LE (1);
    guint64 le_len;
    AxFitted *reloaded;
    g_autofree double *again = NULL;

    g_assert_cmpuint (bytes[4], ==, 2);
    g_assert_cmpint (bytes[32], ==, '{');
    g_assert_cmpint (bytes[33], ==, 'L');
    g_assert_cmpint (XGBoosterSaveModelToBuffer (booster, "{\"format\": \"json\"}", &json_len, &json), ==, 0);
    g_assert_cmpint (json[0], ==, '{');
    g_assert_cmpint (json[1], ==, '"');
    le_len = GUINT64_TO_LE ((guint64) json_len);
    g_byte_array_append (old, bytes, 4);
    g_byte_array_append (old, (const guint8 *) &version, 4);
    g_byte_array_append (old, bytes + 8, 16);
    g_byte_array_append (old, (const guint8 *) &le_len, 8);
    g_byte_array_append (old, (const guint8 *) json, json_len);
    old_blob = g_bytes_new (old->data, old->len);
    reloaded = boost ()->load (old_blob, NULL);
    g_assert_nonnull (reloaded);
    again = predict (reloaded, test);
    g_assert_cmpmem (again, n * MAX (k, 1) * sizeof (double), ours, n * MAX (k, 1) * sizeof (double));
    boost ()->free (reloaded);
  }

  XGDMatrixFree (d);
  XGBoosterFree (booster);
  boost ()->free (fitted);
}

static void
test_boost_agrees_with_xgboost (void)
{
  g_autoptr(Data) reg_train = data_new (DATA_FRIEDMAN1, 1500, 111);
  g_autoptr(Data) reg_test = data_new (DATA_FRIEDMAN1, 2000, 112);
  g_autoptr(Data) bin_train = data_new (DATA_BINARY, 1500, 113);
  g_autoptr(Data) bin_test = data_new (DATA_BINARY, 2000, 114);
  g_autoptr(Data) three_train = data_new (DATA_THREE_CLASS, 1500, 115);
  g_autoptr(Data) three_test = data_new (DATA_THREE_CLASS, 2000, 116);
  g_autoptr(AxParams) params = params_new (NULL);
  g_autoptr(AxParams) deep = params_new ("max_depth", 12.0, "n_estimators", 40.0, NULL);
  Data *all[] = { reg_train, reg_test, bin_train, bin_test, three_train, three_test };
  Rng rng = { 9 };

  /* Without missing values (rows walked eight at a time), then with. */
  check_agrees_with_xgboost (reg_train, reg_test, params);
  check_agrees_with_xgboost (bin_train, bin_test, params);
  check_agrees_with_xgboost (three_train, three_test, params);

  /* A twentieth of every value missing, in training and at prediction. */
  for (guint d = 0; d < G_N_ELEMENTS (all); d++)
    for (gsize i = 0; i < (gsize) all[d]->x->n_rows * all[d]->x->n_features; i++)
      if (rng_uniform (&rng) < 0.05)
        all[d]->x->x[i] = NAN;

  check_agrees_with_xgboost (reg_train, reg_test, params);
  check_agrees_with_xgboost (reg_train, reg_test, deep);
  check_agrees_with_xgboost (bin_train, bin_test, params);
  check_agrees_with_xgboost (three_train, three_test, params);
}

/* The histogram bins are Auspex's own (ax_bin_edges()), not XGBoost's
 * sketch: every split of the fitted trees is at an edge of its feature,
 * nudged up to the next float (XGBoost sends a row left below the
 * condition), for a feature of many values, one of three, and one with
 * missing values. */
static void
test_boost_bins (void)
{
  g_autoptr(Data) train = data_new (DATA_FRIEDMAN1, 1500, 131);
  g_autoptr(AxParams) params = params_new ("n_estimators", 30.0, NULL);
  AxTrainMonitor monitor = { .seed = 3 };
  guint n = train->x->n_rows, nf = train->x->n_features, n_splits = 0;
  g_autofree float *edges = g_new (float, (gsize) nf * AX_BINS_MAX);
  g_autofree guint *n_edges = g_new (guint, nf);
  AxFitted *fitted;
  g_autoptr(GBytes) blob = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  BoosterHandle booster = NULL;
  const char *json;
  bst_ulong json_len;
  gsize size;
  const guint8 *bytes;
  JsonArray *trees;

  /* Feature 3 (10 x4 in y) takes three values, feature 0 misses a tenth. */
  for (guint i = 0; i < n; i++)
    {
      float *x3 = &train->x->x[3 * (gsize) n + i];
      *x3 = floorf (*x3 * 3) / 2;
      if (i % 10 == 0)
        train->x->x[i] = NAN;
    }
  for (guint f = 0; f < nf; f++)
    {
      float min;

      n_edges[f] = ax_bin_edges (train->x->x + (gsize) f * n, n, 0, f, edges + (gsize) f * AX_BINS_MAX, &min);
    }
  g_assert_cmpuint (n_edges[3], ==, 2);
  g_assert_cmpuint (n_edges[1], >, 200);

  fitted = fit (train, NULL, params, &monitor);
  blob = boost ()->save (fitted);
  bytes = g_bytes_get_data (blob, &size);
  g_assert_cmpint (XGBoosterCreate (NULL, 0, &booster), ==, 0);
  g_assert_cmpint (XGBoosterLoadModelFromBuffer (booster, bytes + 32, size - 32), ==, 0);
  g_assert_cmpint (XGBoosterSaveModelToBuffer (booster, "{\"format\": \"json\"}", &json_len, &json), ==, 0);
  g_assert_true (json_parser_load_from_data (parser, json, (gssize) json_len, NULL));
  trees = json_object_get_array_member (
    json_object_get_object_member (
      json_object_get_object_member (
        json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)), "learner"),
        "gradient_booster"),
      "model"),
    "trees");
  g_assert_cmpuint (json_array_get_length (trees), ==, 30);

  for (guint t = 0; t < json_array_get_length (trees); t++)
    {
      JsonObject *tree = json_array_get_object_element (trees, t);
      JsonArray *left = json_object_get_array_member (tree, "left_children");
      JsonArray *feature = json_object_get_array_member (tree, "split_indices");
      JsonArray *cond = json_object_get_array_member (tree, "split_conditions");

      for (guint k = 0; k < json_array_get_length (left); k++)
        {
          guint f = (guint) json_array_get_int_element (feature, k);
          float c = (float) json_array_get_double_element (cond, k);
          gboolean found = FALSE;

          if (json_array_get_int_element (left, k) < 0)
            continue;
          g_assert_cmpuint (f, <, nf);
          for (guint e = 0; e < n_edges[f] && !found; e++)
            found = c == nextafterf (edges[(gsize) f * AX_BINS_MAX + e], INFINITY);
          if (!found)
            g_error ("tree %u node %u: split of feature %u at %.9g is not at an edge", t, k, f, c);
          n_splits++;
        }
    }
  g_test_message ("%u splits, every one at an edge", n_splits);
  g_assert_cmpuint (n_splits, >, 300);

  XGBoosterFree (booster);
  boost ()->free (fitted);
}

/* Scored once fitted (steps_at_end, as the command line asks), the
 * validation steps are the ones scored round by round, to the bit: the
 * validation rows span blocks of AX_BOOST_LOSS_BLOCK, the last one short. */
static void
check_steps_at_end (DataKind kind)
{
  g_autoptr(Data) train = data_new (kind, 1500, 121);
  g_autoptr(Data) valid = data_new (kind, 2 * AX_BOOST_LOSS_BLOCK + 300, 122);
  g_autoptr(AxParams) params = params_new ("n_estimators", 40.0, NULL);
  g_auto(FitWatch) live = { 0 };
  g_auto(FitWatch) later = { 0 };
  AxTrainMonitor m_live = fit_monitor (&live, 8, 0);
  AxTrainMonitor m_later = fit_monitor (&later, 8, 0);
  AxFitted *a, *b;

  m_later.steps_at_end = TRUE;
  a = fit (train, valid, params, &m_live);
  b = fit (train, valid, params, &m_later);
  g_assert_cmpuint (live.n_steps, ==, 40);
  g_assert_cmpuint (later.n_steps, ==, 40);
  g_assert_true (later.in_order);
  g_assert_cmpmem (live.scores, 40 * sizeof (double), later.scores, 40 * sizeof (double));
  g_assert_cmpfloat (later.scores[39], !=, later.scores[0]);
  boost ()->free (a);
  boost ()->free (b);
}

static void
test_boost_steps_at_end (void)
{
  check_steps_at_end (DATA_FRIEDMAN1);
  check_steps_at_end (DATA_BINARY);
  check_steps_at_end (DATA_THREE_CLASS);
}

static GBytes *
small_blob (void)
{
  g_autoptr(Data) train = data_new (DATA_BINARY, 200, 71);
  g_autoptr(AxParams) params = params_new ("n_estimators", 5.0, NULL);
  AxTrainMonitor monitor = { .seed = 1 };
  AxFitted *fitted = fit (train, NULL, params, &monitor);
  GBytes *blob = boost ()->save (fitted);

  boost ()->free (fitted);
  return blob;
}

static void
test_boost_blob_newer (void)
{
  g_autoptr(GBytes) blob = small_blob ();
  gsize size;
  const guint8 *bytes = g_bytes_get_data (blob, &size);
  g_autofree guint8 *data = g_memdup2 (bytes, size);
  g_autoptr(GBytes) newer = NULL;
  g_autoptr(GError) error = NULL;
  guint32 version = GUINT32_TO_LE (3);

  g_assert_cmpmem (data, 4, "AXGB", 4);
  memcpy (data + 4, &version, 4);
  newer = g_bytes_new (data, size);
  g_assert_null (boost ()->load (newer, &error));
  g_assert_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_BLOB);
  g_assert_nonnull (strstr (error->message, "newer version of Auspex"));
}

static void
test_boost_blob_damaged (void)
{
  g_autoptr(GBytes) blob = small_blob ();
  gsize size;
  const guint8 *data = g_bytes_get_data (blob, &size);
  gsize cuts[] = { 0, 3, 8, 20, 31, 32, 33, size / 2, size - 1 };
  g_autofree guint8 *garbled = g_memdup2 (data, size);

  for (guint i = 0; i < G_N_ELEMENTS (cuts); i++)
    {
      g_autoptr(GBytes) part = g_bytes_new (data, cuts[i]);
      g_autoptr(GError) error = NULL;

      g_assert_null (boost ()->load (part, &error));
      g_assert_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_BLOB);
    }

  /* The model cut short, its length in the header: the reader of XGBoost's
   * UBJSON refuses each cut without reading past the end (the sanitizers
   * would say), and bytes changed anywhere are refused or read safely. */
  for (gsize cut = 33; cut < size; cut += MAX ((size - 33) / 300, 1))
    {
      g_autoptr(GByteArray) b = g_byte_array_new ();
      g_autoptr(GBytes) part = NULL;
      g_autoptr(GError) error = NULL;
      guint64 le_len = GUINT64_TO_LE ((guint64) (cut - 32));

      g_byte_array_append (b, data, 24);
      g_byte_array_append (b, (const guint8 *) &le_len, 8);
      g_byte_array_append (b, data + 32, cut - 32);
      part = g_bytes_new (b->data, b->len);
      g_assert_null (boost ()->load (part, &error));
      g_assert_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_BLOB);
    }
  for (gsize at = 32; at < size; at += MAX ((size - 32) / 300, 1))
    for (guint v = 0; v < 3; v++)
      {
        static const guint8 values[] = { 0x00, 0x7f, 0xff };
        g_autofree guint8 *changed = g_memdup2 (data, size);
        g_autoptr(GBytes) bytes = NULL;
        g_autoptr(GError) error = NULL;
        AxFitted *loaded;

        changed[at] = values[v];
        bytes = g_bytes_new (changed, size);
        loaded = boost ()->load (bytes, &error);
        if (loaded == NULL)
          g_assert_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_BLOB);
        boost ()->free (loaded);
      }

  /* Intact header, model bytes that are not a model. */
  memset (garbled + 32, 'x', size - 32);
  {
    g_autoptr(GBytes) bad = g_bytes_new (garbled, size);
    g_autoptr(GError) error = NULL;

    g_assert_null (boost ()->load (bad, &error));
    g_assert_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_BLOB);
  }
}

static void
test_boost_importance (void)
{
  g_autoptr(Data) train = data_new (DATA_FRIEDMAN1, 2000, 81);
  g_autoptr(AxParams) params = params_new (NULL);
  AxTrainMonitor monitor = { .seed = 1 };
  AxFitted *fitted = fit (train, NULL, params, &monitor);
  g_autofree double *imp = boost ()->importance (fitted);
  double sum = 0, least_informative = 1, most_noise = 0;

  for (guint f = 0; f < 10; f++)
    {
      g_assert_cmpfloat (imp[f], >=, 0);
      sum += imp[f];
      if (f < 5)
        least_informative = MIN (least_informative, imp[f]);
      else
        most_noise = MAX (most_noise, imp[f]);
    }
  g_test_message ("importance: informative >= %.4f, noise <= %.4f", least_informative, most_noise);
  g_assert_cmpfloat_with_epsilon (sum, 1.0, 1e-9);
  g_assert_cmpfloat (least_informative, >, most_noise);

  boost ()->free (fitted);
}

/* A feature that never splits gets exactly 0. */
static void
test_boost_importance_unused (void)
{
  g_autoptr(Data) train = data_new (DATA_BINARY, 500, 82);
  g_autoptr(AxParams) params = params_new ("n_estimators", 20.0, NULL);
  AxTrainMonitor monitor = { .seed = 1 };
  AxFitted *fitted;
  g_autofree double *imp = NULL;

  for (guint i = 0; i < train->x->n_rows; i++)
    train->x->x[5 * (gsize) train->x->n_rows + i] = 1.0f;
  fitted = fit (train, NULL, params, &monitor);
  imp = boost ()->importance (fitted);
  g_assert_cmpfloat (imp[5], ==, 0.0);
  g_assert_cmpfloat (imp[0] + imp[1], >, 0.5);

  boost ()->free (fitted);
}

/* A constant target grows no split: every feature gets 0, and every row
 * the same prediction (near the constant: each round's single leaf only
 * moves part of the way from XGBoost's starting score of 0.5). */
static void
test_boost_importance_constant (void)
{
  g_autoptr(Data) train = data_new (DATA_FRIEDMAN1, 200, 83);
  g_autoptr(AxParams) params = params_new ("n_estimators", 10.0, NULL);
  AxTrainMonitor monitor = { .seed = 1 };
  AxFitted *fitted;
  g_autofree double *imp = NULL;
  g_autofree double *pred = NULL;

  for (guint i = 0; i < train->x->n_rows; i++)
    train->y[i] = 2.5;
  fitted = fit (train, NULL, params, &monitor);
  imp = boost ()->importance (fitted);
  for (guint f = 0; f < 10; f++)
    g_assert_cmpfloat (imp[f], ==, 0.0);
  pred = predict (fitted, train);
  g_assert_cmpfloat_with_epsilon (pred[0], 2.5, 0.1);
  for (guint i = 0; i < train->x->n_rows; i++)
    g_assert_cmpfloat (pred[i], ==, pred[0]);

  boost ()->free (fitted);
}

static void
test_boost_missing (void)
{
  g_autoptr(Data) train = data_new (DATA_FRIEDMAN1, 2000, 91);
  g_autoptr(Data) test = data_new (DATA_FRIEDMAN1, 1000, 92);
  g_autoptr(AxParams) params = params_new (NULL);
  AxTrainMonitor monitor = { .seed = 1 };
  AxFitted *fitted;
  g_autofree double *pred = NULL;
  Rng rng = { 5 };

  /* A tenth of every feature missing, in training and at prediction. */
  for (gsize i = 0; i < (gsize) train->x->n_rows * 10; i++)
    if (rng_uniform (&rng) < 0.1)
      train->x->x[i] = NAN;
  for (gsize i = 0; i < (gsize) test->x->n_rows * 10; i++)
    if (rng_uniform (&rng) < 0.1)
      test->x->x[i] = NAN;

  fitted = fit (train, NULL, params, &monitor);
  pred = predict (fitted, test);
  for (guint i = 0; i < test->x->n_rows; i++)
    g_assert_true (isfinite (pred[i]));
  g_test_message ("friedman1 with 10%% missing: R2 %.4f", r2 (test, pred));
  g_assert_cmpfloat (r2 (test, pred), >, 0.6);

  boost ()->free (fitted);
}

/* "balanced" weighs the rare class up, so it is predicted more often. */
static void
test_boost_class_weight (void)
{
  g_autoptr(Data) train = data_new (DATA_RARE, 2000, 101);
  g_autoptr(Data) test = data_new (DATA_RARE, 1000, 102);
  g_autoptr(AxParams) plain = params_new ("n_estimators", 50.0, NULL);
  g_autoptr(AxParams) balanced = params_new ("n_estimators", 50.0,
                                             "class_weight", "balanced", NULL);
  AxTrainMonitor monitor = { .seed = 1 };
  AxFitted *a = fit (train, NULL, plain, &monitor);
  AxFitted *b = fit (train, NULL, balanced, &monitor);
  g_autofree double *pa = predict (a, test);
  g_autofree double *pb = predict (b, test);
  guint rare = 0, called_a = 0, called_b = 0;

  for (guint i = 0; i < test->x->n_rows; i++)
    {
      rare += test->y[i] == 1;
      called_a += pa[2 * i + 1] > 0.5;
      called_b += pb[2 * i + 1] > 0.5;
    }
  g_test_message ("rare class: %u of %u rows; predicted %u times plain, %u balanced",
                  rare, test->x->n_rows, called_a, called_b);
  g_assert_cmpuint (rare, <, test->x->n_rows / 5);
  g_assert_cmpuint (called_b, >, called_a);

  boost ()->free (a);
  boost ()->free (b);
}

static void
test_boost_bad_data (void)
{
  g_autoptr(Data) train = data_new (DATA_BINARY, 100, 111);
  g_autoptr(AxParams) params = params_new (NULL);
  AxTrainMonitor monitor = { .seed = 1 };

  /* One class only. */
  {
    g_autoptr(GError) error = NULL;
    g_autofree double *y = g_new0 (double, 100);
    AxTarget t = train->target;

    t.y = y;
    g_assert_null (boost ()->fit (train->x, &t, NULL, NULL, params, &monitor, NULL, &error));
    g_assert_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_DATA);
  }
  /* A class index out of range. */
  {
    g_autoptr(GError) error = NULL;

    train->y[7] = 2;
    g_assert_null (boost ()->fit (train->x, &train->target, NULL, NULL, params, &monitor,
                                  NULL, &error));
    g_assert_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_DATA);
    g_assert_nonnull (strstr (error->message, "row 8"));
    train->y[7] = 0;
  }
  /* No rows. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(AxMatrix) empty = ax_matrix_new (0, 6);

    g_assert_null (boost ()->fit (empty, &train->target, NULL, NULL, params, &monitor,
                                  NULL, &error));
    g_assert_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_DATA);
  }
}

typedef struct {
  const AxFitted *fitted;
  const Data     *data;
  double         *out;
} PredictJob;

static gpointer
predict_thread (gpointer user_data)
{
  PredictJob *job = user_data;

  for (guint r = 0; r < 5; r++)
    boost ()->predict (job->fitted, job->data->x, job->out);
  return NULL;
}

/* Predictions from several threads at once on one model agree. */
static void
test_boost_threads (void)
{
  g_autoptr(Data) train = data_new (DATA_THREE_CLASS, 1000, 121);
  g_autoptr(Data) test = data_new (DATA_THREE_CLASS, 500, 122);
  g_autoptr(AxParams) params = params_new ("n_estimators", 30.0, NULL);
  AxTrainMonitor monitor = { .seed = 1 };
  AxFitted *fitted = fit (train, NULL, params, &monitor);
  g_autofree double *expected = predict (fitted, test);
  gsize size = (gsize) test->x->n_rows * 3 * sizeof (double);
  PredictJob jobs[4];
  GThread *threads[4];

  for (guint t = 0; t < 4; t++)
    {
      jobs[t] = (PredictJob) { fitted, test, g_malloc (size) };
      threads[t] = g_thread_new ("predict", predict_thread, &jobs[t]);
    }
  for (guint t = 0; t < 4; t++)
    {
      g_thread_join (threads[t]);
      g_assert_cmpmem (jobs[t].out, size, expected, size);
      g_free (jobs[t].out);
    }

  boost ()->free (fitted);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/boost/registered", test_boost_registered);
  g_test_add_func ("/engine/boost/params/refused", test_boost_params_refused);
  g_test_add_func ("/engine/boost/params/learning-rate-zero", test_boost_learning_rate_zero);
  g_test_add_func ("/engine/boost/regression", test_boost_regression);
  g_test_add_func ("/engine/boost/classification/binary", test_boost_binary);
  g_test_add_func ("/engine/boost/classification/three-class", test_boost_three_class);
  g_test_add_func ("/engine/boost/early-stopping", test_boost_early_stopping);
  g_test_add_func ("/engine/boost/no-validation", test_boost_no_validation);
  g_test_add_func ("/engine/boost/deterministic", test_boost_deterministic);
  g_test_add_func ("/engine/boost/cancel", test_boost_cancel);
  g_test_add_func ("/engine/boost/save-load", test_boost_save_load);
  g_test_add_func ("/engine/boost/agrees-with-xgboost", test_boost_agrees_with_xgboost);
  g_test_add_func ("/engine/boost/bins", test_boost_bins);
  g_test_add_func ("/engine/boost/steps-at-end", test_boost_steps_at_end);
  g_test_add_func ("/engine/boost/blob/newer", test_boost_blob_newer);
  g_test_add_func ("/engine/boost/blob/damaged", test_boost_blob_damaged);
  g_test_add_func ("/engine/boost/importance/ranks", test_boost_importance);
  g_test_add_func ("/engine/boost/importance/unused", test_boost_importance_unused);
  g_test_add_func ("/engine/boost/importance/constant", test_boost_importance_constant);
  g_test_add_func ("/engine/boost/missing", test_boost_missing);
  g_test_add_func ("/engine/boost/class-weight", test_boost_class_weight);
  g_test_add_func ("/engine/boost/bad-data", test_boost_bad_data);
  g_test_add_func ("/engine/boost/threads", test_boost_threads);

  return g_test_run ();
}
