/* test-engine-model.c — the model pipeline: configuration, preprocessing,
 * splits, training, calibration, prediction, saving
 *
 * Data are generated here (friedman1: Friedman, "Multivariate adaptive
 * regression splines", 1991, y = 10 sin(pi x1 x2) + 20 (x3 - 0.5)^2 +
 * 10 x4 + 5 x5 + N(0, 1) with five more uniform noise features) or read
 * from the shared churn data (data/datasets/churn.csv, 5,000 rows, target
 * "churn" yes/no) with the small CSV reader below.  Thresholds are what a
 * sound model reaches on these problems (scikit-learn's random forest with
 * the same settings gets R2 ~0.9 on friedman1 and ROC-AUC ~0.92 on
 * churn), and what calibration promises (90% ranges hold 85-95% of new
 * rows; expected calibration error below 0.05).
 */

#include <math.h>
#include <string.h>

#include "ax-calibrate.h"
#include "ax-model.h"
#include "ax-prep.h"
#include "ax-split.h"
#include "ax-test-util.h"

/* Data */

/* friedman1 with columns x1..x10 and y, and with @with_class a boolean
 * "big": y above 14.5 (about half the rows). */
static AxFrame *
friedman1_full (guint    n_rows,
                guint64  seed,
                gboolean with_class)
{
  const char *names[] = { "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "y", "big" };
  AxColumnType types[12];
  AxFrame *f;
  Rng rng = { seed };

  for (guint c = 0; c < 12; c++)
    types[c] = c < 11 ? AX_COLUMN_REAL : AX_COLUMN_BOOLEAN;
  f = ax_frame_new (with_class ? 12 : 11, names, types, n_rows);
  for (guint i = 0; i < n_rows; i++)
    {
      guint r = ax_frame_append_row (f);
      double x[10], y;

      for (guint c = 0; c < 10; c++)
        {
          x[c] = rng_uniform (&rng);
          ax_frame_set_real (f, c, r, x[c]);
        }
      y = 10 * sin (G_PI * x[0] * x[1]) + 20 * (x[2] - 0.5) * (x[2] - 0.5) +
          10 * x[3] + 5 * x[4] + rng_normal (&rng);
      ax_frame_set_real (f, 10, r, y);
      if (with_class)
        ax_frame_set_int (f, 11, r, y > 14.5);
    }
  return f;
}

static AxFrame *
friedman1 (guint   n_rows,
           guint64 seed)
{
  return friedman1_full (n_rows, seed, FALSE);
}

/* A CSV field: quoted ("...", "" for a quote) or bare. */
static char *
csv_field (const char **p,
           gboolean    *quoted)
{
  GString *s = g_string_new (NULL);

  *quoted = **p == '"';
  if (*quoted)
    {
      (*p)++;
      while (**p && !(**p == '"' && (*p)[1] != '"'))
        {
          if (**p == '"')
            (*p)++;
          g_string_append_c (s, *(*p)++);
        }
      if (**p == '"')
        (*p)++;
    }
  else
    while (**p && **p != ',')
      g_string_append_c (s, *(*p)++);
  if (**p == ',')
    (*p)++;
  return g_string_free (s, FALSE);
}

/* Reads a simple CSV (header, comma, no newlines inside fields): a column
 * of bare numbers is real, any other is categorical; empty is missing. */
static AxFrame *
load_csv (const char *name)
{
  g_autofree char *path = g_build_filename (g_getenv ("AX_DATASETS"), name, NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func (g_free);
  g_autofree AxColumnType *types = NULL;
  g_autoptr(GError) error = NULL;
  AxFrame *f;
  guint n_cols, n_rows = 0;
  const char *p;

  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  g_assert_no_error (error);
  lines = g_strsplit (text, "\n", -1);
  for (p = lines[0]; *p;)
    {
      gboolean q;
      g_ptr_array_add (names, csv_field (&p, &q));
    }
  n_cols = names->len;
  types = g_new (AxColumnType, n_cols);
  for (guint c = 0; c < n_cols; c++)
    types[c] = AX_COLUMN_REAL;
  for (guint l = 1; lines[l]; l++)
    {
      if (*g_strchomp (lines[l]) == '\0')
        continue;
      p = lines[l];
      for (guint c = 0; c < n_cols; c++)
        {
          gboolean q;
          char *v = csv_field (&p, &q);
          double d;
          if (q || (*v && !ax_parse_real (v, &d)))
            types[c] = AX_COLUMN_CATEGORICAL;
          g_ptr_array_add (cells, v);
        }
      n_rows++;
    }
  g_ptr_array_add (names, NULL);
  f = ax_frame_new (n_cols, (const char *const *) names->pdata, types, n_rows);
  for (guint r = 0; r < n_rows; r++)
    {
      ax_frame_append_row (f);
      for (guint c = 0; c < n_cols; c++)
        {
          const char *v = cells->pdata[r * n_cols + c];
          double d;
          if (*v == '\0')
            continue;
          if (types[c] == AX_COLUMN_REAL && ax_parse_real (v, &d))
            ax_frame_set_real (f, c, r, d);
          else
            ax_frame_take_string (f, c, r, g_strdup (v));
        }
    }
  return f;
}

static AxModelConfig *
config_parse (const char *json)
{
  g_autoptr(GError) error = NULL;
  AxModelConfig *c = ax_model_config_from_json (json, &error);

  g_assert_no_error (error);
  g_assert_nonnull (c);
  return c;
}

static AxModel *
train (const char    *json,
       const AxFrame *data)
{
  g_autoptr(AxModelConfig) c = config_parse (json);
  g_autoptr(GError) error = NULL;
  AxModel *m = ax_model_train (c, data, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (m);
  return m;
}

/* The model's predictions of the given rows of @data. */
static AxPredictions *
predict_rows (const AxModel *m,
              const AxFrame *data)
{
  g_autoptr(GError) error = NULL;
  AxPredictions *p = ax_model_predict (m, data, &error);

  g_assert_no_error (error);
  g_assert_nonnull (p);
  g_assert_cmpuint (p->n_rows, ==, data->n_rows);
  return p;
}

/* Model types */

static void
test_model_types (void)
{
  for (AxModelType t = 0; t < AX_N_MODEL_TYPES; t++)
    {
      AxModelType back = AX_N_MODEL_TYPES;
      g_assert_true (ax_model_type_from_string (ax_model_type_to_string (t), &back));
      g_assert_cmpint (back, ==, t);
      g_assert_nonnull (ax_model_type_label (t));
    }
  g_assert_cmpstr (ax_model_type_to_string (AX_MODEL_LEAD_SCORING), ==, "lead_scoring");
  g_assert_cmpstr (ax_model_type_label (AX_MODEL_CHURN_PREDICTION), ==, "Churn prediction");
  g_assert_false (ax_model_type_from_string ("forecast", NULL));
  g_assert_false (ax_model_type_from_string (NULL, NULL));
}

/* Configuration */

static const char guide_json[] =
  "{\n"
  "  \"model_name\": \"sales_forecast_2024\",\n"
  "  \"model_type\": \"sales_forecast\",\n"
  "  \"description\": \"Monthly sales forecasting model\",\n"
  "  \"algorithm\": \"random_forest\",\n"
  "  \"hyperparameters\": {\n"
  "    \"n_estimators\": 100,\n"
  "    \"max_depth\": 10,\n"
  "    \"min_samples_split\": 2\n"
  "  },\n"
  "  \"feature_engineering\": {\n"
  "    \"normalize\": true,\n"
  "    \"handle_missing\": \"mean\"\n"
  "  },\n"
  "  \"training_config\": {\n"
  "    \"epochs\": 100,\n"
  "    \"batch_size\": 32,\n"
  "    \"learning_rate\": 0.001\n"
  "  },\n"
  "  \"validation_split\": 0.2,\n"
  "  \"test_split\": 0.1,\n"
  "  \"target\": \"sales\"\n"
  "}\n";

static void
test_config_guide (void)
{
  g_autoptr(AxModelConfig) c = config_parse (guide_json);
  g_autoptr(AxModelConfig) back = NULL, copy = NULL;
  g_autofree char *json = NULL, *json2 = NULL;

  g_assert_cmpstr (c->model_name, ==, "sales_forecast_2024");
  g_assert_cmpint (c->model_type, ==, AX_MODEL_SALES_FORECAST);
  g_assert_cmpstr (c->description, ==, "Monthly sales forecasting model");
  g_assert_cmpstr (c->algorithm, ==, "random_forest");
  g_assert_cmpfloat (ax_params_get_number (c->hyperparameters, "n_estimators"), ==, 100);
  g_assert_cmpfloat (ax_params_get_number (c->hyperparameters, "max_depth"), ==, 10);
  g_assert_true (ax_params_has (c->hyperparameters, "min_samples_leaf"));   /* completed */
  g_assert_cmpint (c->normalize, ==, AX_NORMALIZE_STANDARD);
  g_assert_cmpint (c->handle_missing, ==, AX_MISSING_MEAN);
  g_assert_cmpuint (c->epochs, ==, 100);
  g_assert_cmpuint (c->batch_size, ==, 32);
  g_assert_cmpfloat (c->learning_rate, ==, 0.001);
  g_assert_cmpfloat (c->validation_split, ==, 0.2);
  g_assert_cmpfloat (c->test_split, ==, 0.1);
  g_assert_cmpstr (c->target, ==, "sales");
  g_assert_null (c->features);
  g_assert_null (c->time_column);
  g_assert_cmpuint (c->random_seed, ==, 42);
  g_assert_cmpfloat (c->prediction_level, ==, 0.9);

  /* What is written reads back the same. */
  json = ax_model_config_to_json (c);
  back = config_parse (json);
  json2 = ax_model_config_to_json (back);
  g_assert_cmpstr (json, ==, json2);
  copy = ax_model_config_copy (back);
  g_clear_pointer (&json2, g_free);
  json2 = ax_model_config_to_json (copy);
  g_assert_cmpstr (json, ==, json2);

  /* The other spellings. */
  {
    g_autoptr(AxModelConfig) d = config_parse (
      "{\"model_type\": \"churn_prediction\", \"algorithm\": \"logistic_regression\","
      " \"target\": \"churn\", \"features\": [\"a\", \"b\"], \"time_column\": \"day\","
      " \"random_seed\": 7, \"prediction_level\": 0.8, \"dataset\": \"customers\","
      " \"feature_engineering\": {\"normalize\": \"minmax\", \"handle_missing\": \"constant\","
      " \"missing_constant\": -1}}");
    g_assert_cmpstr (d->model_name, ==, "churn_prediction");
    g_assert_cmpint (d->normalize, ==, AX_NORMALIZE_MINMAX);
    g_assert_cmpint (d->handle_missing, ==, AX_MISSING_CONSTANT);
    g_assert_cmpfloat (d->missing_constant, ==, -1);
    g_assert_cmpuint (g_strv_length (d->features), ==, 2);
    g_assert_cmpstr (d->time_column, ==, "day");
    g_assert_cmpstr (d->dataset, ==, "customers");
    g_assert_cmpuint (d->random_seed, ==, 7);
    g_assert_cmpfloat (d->prediction_level, ==, 0.8);
  }
  {
    g_autoptr(AxModelConfig) d = config_parse (
      "{\"model_type\": \"demand_prediction\", \"target\": \"units\","
      " \"feature_engineering\": {\"normalize\": false}}");
    g_assert_cmpint (d->normalize, ==, AX_NORMALIZE_NONE);
    g_assert_cmpstr (d->algorithm, ==, "random_forest");
  }
}

static void
test_config_errors (void)
{
  static const struct {
    const char *json;
    const char *field;    /* the message starts with it */
  } cases[] = {
    { "{\"model_type\": \"forecast\", \"target\": \"y\"}", "model_type" },
    { "{\"target\": \"y\"}", "model_type" },
    { "{\"model_type\": 3, \"target\": \"y\"}", "model_type" },
    { "{\"model_type\": \"sales_forecast\", \"algorithm\": \"deep_net\", \"target\": \"y\"}", "algorithm" },
    { "{\"model_type\": \"sales_forecast\", \"algorithm\": 1, \"target\": \"y\"}", "algorithm" },
    { "{\"model_type\": \"churn_prediction\", \"algorithm\": \"linear_regression\", \"target\": \"y\"}", "algorithm" },
    { "{\"model_type\": \"sales_forecast\"}", "target" },
    { "{\"model_type\": \"sales_forecast\", \"target\": \"\"}", "target" },
    { "{\"model_type\": \"sales_forecast\", \"target\": [\"y\"]}", "target" },
    { "{\"model_type\": \"sales_forecast\", \"target\": \"y\", \"hyperparameters\": {\"max_depth\": 0}}", "hyperparameters.max_depth" },
    { "{\"model_type\": \"sales_forecast\", \"target\": \"y\", \"hyperparameters\": {\"max_depth\": 2.5}}", "hyperparameters.max_depth" },
    { "{\"model_type\": \"sales_forecast\", \"target\": \"y\", \"hyperparameters\": {\"n_estimators\": -5}}", "hyperparameters.n_estimators" },
    { "{\"model_type\": \"sales_forecast\", \"target\": \"y\", \"hyperparameters\": {\"depth\": 3}}", "hyperparameters.depth" },
    { "{\"model_type\": \"sales_forecast\", \"target\": \"y\", \"hyperparameters\": {\"max_depth\": [3]}}", "hyperparameters.max_depth" },
    { "{\"model_type\": \"sales_forecast\", \"target\": \"y\", \"hyperparameters\": 3}", "hyperparameters" },
    { "{\"model_type\": \"churn_prediction\", \"algorithm\": \"logistic_regression\", \"target\": \"y\", \"hyperparameters\": {\"C\": -1}}", "hyperparameters.C" },
    { "{\"model_type\": \"sales_forecast\", \"target\": \"y\", \"validation_split\": 0.6, \"test_split\": 0.4}", "validation_split" },
    { "{\"model_type\": \"sales_forecast\", \"target\": \"y\", \"validation_split\": -0.1}", "validation_split" },
    { "{\"model_type\": \"sales_forecast\", \"target\": \"y\", \"validation_split\": 0}", "validation_split" },
    { "{\"model_type\": \"sales_forecast\", \"target\": \"y\", \"validation_split\": \"0.2\"}", "validation_split" },
    { "{\"model_type\": \"sales_forecast\", \"target\": \"y\", \"test_split\": -0.1}", "test_split" },
    { "{\"model_type\": \"sales_forecast\", \"target\": \"y\", \"test_split\": 1.5}", "test_split" },
    { "{\"model_type\": \"sales_forecast\", \"target\": \"y\", \"feature_engineering\": {\"normalize\": 5}}", "feature_engineering.normalize" },
    { "{\"model_type\": \"sales_forecast\", \"target\": \"y\", \"feature_engineering\": {\"normalize\": \"zscore\"}}", "feature_engineering.normalize" },
    { "{\"model_type\": \"sales_forecast\", \"target\": \"y\", \"feature_engineering\": {\"handle_missing\": \"avg\"}}", "feature_engineering.handle_missing" },
    { "{\"model_type\": \"sales_forecast\", \"target\": \"y\", \"feature_engineering\": {\"missing_constant\": \"zero\"}}", "feature_engineering.missing_constant" },
    { "{\"model_type\": \"sales_forecast\", \"target\": \"y\", \"feature_engineering\": {\"normalise\": true}}", "feature_engineering.normalise" },
    { "{\"model_type\": \"sales_forecast\", \"target\": \"y\", \"feature_engineering\": []}", "feature_engineering" },
    { "{\"model_type\": \"sales_forecast\", \"target\": \"y\", \"training_config\": {\"epochs\": 1.5}}", "training_config.epochs" },
    { "{\"model_type\": \"sales_forecast\", \"target\": \"y\", \"training_config\": {\"batch_size\": 0}}", "training_config.batch_size" },
    { "{\"model_type\": \"sales_forecast\", \"target\": \"y\", \"training_config\": {\"learning_rate\": \"fast\"}}", "training_config.learning_rate" },
    { "{\"model_type\": \"sales_forecast\", \"target\": \"y\", \"training_config\": {\"momentum\": 0.9}}", "training_config.momentum" },
    { "{\"model_type\": \"sales_forecast\", \"target\": \"y\", \"features\": \"a\"}", "features" },
    { "{\"model_type\": \"sales_forecast\", \"target\": \"y\", \"features\": []}", "features" },
    { "{\"model_type\": \"sales_forecast\", \"target\": \"y\", \"features\": [\"a\", \"a\"]}", "features" },
    { "{\"model_type\": \"sales_forecast\", \"target\": \"y\", \"features\": [\"y\"]}", "features" },
    { "{\"model_type\": \"sales_forecast\", \"target\": \"y\", \"time_column\": \"y\"}", "time_column" },
    { "{\"model_type\": \"sales_forecast\", \"target\": \"y\", \"random_seed\": -1}", "random_seed" },
    { "{\"model_type\": \"sales_forecast\", \"target\": \"y\", \"prediction_level\": 1.5}", "prediction_level" },
    { "{\"model_type\": \"sales_forecast\", \"target\": \"y\", \"description\": 5}", "description" },
    { "{\"model_type\": \"sales_forecast\", \"targte\": \"y\"}", "targte" },
    { "{\"model_type\": \"sales_forecast\", \"target\": \"y\", \"colour\": \"red\"}", "colour" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(AxModelConfig) c = ax_model_config_from_json (cases[i].json, &error);
      g_autofree char *prefix = g_strconcat (cases[i].field, ":", NULL);

      g_test_message ("%s -> %s", cases[i].json, error ? error->message : "(no error)");
      g_assert_null (c);
      g_assert_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG);
      g_assert_true (g_str_has_prefix (error->message, prefix));
    }

  /* A typo is answered with the key it was meant to be. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(AxModelConfig) c =
      ax_model_config_from_json ("{\"model_type\": \"sales_forecast\", \"targte\": \"y\"}", &error);
    g_assert_nonnull (strstr (error->message, "“target”"));
  }
  /* Not JSON, or not an object. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(AxModelConfig) c = ax_model_config_from_json ("{\"model_type\": ", &error);
    g_assert_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG);
  }
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(AxModelConfig) c = ax_model_config_from_json ("[1, 2]", &error);
    g_assert_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG);
  }
}

/* Checks that need the data fail in training, naming the field. */
static void
test_config_data_errors (void)
{
  g_autoptr(AxFrame) data = friedman1 (200, 1);
  static const struct {
    const char *json;
    const char *field;
  } cases[] = {
    { "{\"model_type\": \"sales_forecast\", \"algorithm\": \"linear_regression\", \"target\": \"sales\"}", "target" },
    { "{\"model_type\": \"sales_forecast\", \"algorithm\": \"linear_regression\", \"target\": \"y\", \"features\": [\"x1\", \"x11\"]}", "features" },
    { "{\"model_type\": \"sales_forecast\", \"algorithm\": \"linear_regression\", \"target\": \"y\", \"time_column\": \"when\"}", "time_column" },
    { "{\"model_type\": \"churn_prediction\", \"algorithm\": \"logistic_regression\", \"target\": \"y\"}", "target" },
    { "{\"model_type\": \"sales_forecast\", \"algorithm\": \"linear_regression\", \"target\": \"y\", \"validation_split\": 0.001}", "validation_split" },
    { "{\"model_type\": \"sales_forecast\", \"algorithm\": \"linear_regression\", \"target\": \"y\", \"test_split\": 0.001}", "test_split" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(AxModelConfig) c = config_parse (cases[i].json);
      g_autoptr(GError) error = NULL;
      g_autoptr(AxModel) m = ax_model_train (c, data, NULL, NULL, &error);
      g_autofree char *prefix = g_strconcat (cases[i].field, ":", NULL);

      g_test_message ("%s -> %s", cases[i].json, error ? error->message : "(no error)");
      g_assert_null (m);
      g_assert_nonnull (error);
      g_assert_true (error->domain == AX_LEARN_ERROR);
      g_assert_true (g_str_has_prefix (error->message, prefix));
    }

  /* A regression algorithm on a class target. */
  {
    const char *names[] = { "x", "label" };
    AxColumnType types[] = { AX_COLUMN_REAL, AX_COLUMN_CATEGORICAL };
    g_autoptr(AxFrame) f = ax_frame_new (2, names, types, 10);
    g_autoptr(AxModelConfig) c = config_parse (
      "{\"model_type\": \"customer_lifetime_value\", \"algorithm\": \"linear_regression\", \"target\": \"label\"}");
    g_autoptr(GError) error = NULL;
    g_autoptr(AxModel) m = NULL;

    for (guint i = 0; i < 40; i++)
      {
        guint r = ax_frame_append_row (f);
        ax_frame_set_real (f, 0, r, i);
        ax_frame_take_string (f, 1, r, g_strdup (i % 2 ? "a" : "b"));
      }
    m = ax_model_train (c, f, NULL, NULL, &error);
    g_assert_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG);
    g_assert_true (g_str_has_prefix (error->message, "algorithm:"));

    /* A lead score is the chance of one of two outcomes. */
    for (guint i = 0; i < 40; i += 3)
      {
        ax_frame_take_string (f, 1, i, g_strdup ("c"));
      }
    g_clear_pointer (&c, ax_model_config_free);
    g_clear_error (&error);
    c = config_parse ("{\"model_type\": \"lead_scoring\", \"algorithm\": \"logistic_regression\","
                      " \"target\": \"label\"}");
    m = ax_model_train (c, f, NULL, NULL, &error);
    g_assert_null (m);
    g_assert_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG);
    g_assert_true (g_str_has_prefix (error->message, "target:"));
  }
}

/* Splits */

static guint *
iota (guint n)
{
  guint *v = g_new (guint, n);
  for (guint i = 0; i < n; i++)
    v[i] = i;
  return v;
}

/* Every row in exactly one part. */
static void
assert_partition (const AxSplit *s,
                  guint          n)
{
  g_autofree guint *seen = g_new0 (guint, n);

  g_assert_cmpuint (s->n_train + s->n_valid + s->n_test, ==, n);
  for (guint i = 0; i < s->n_train; i++)
    seen[s->train[i]]++;
  for (guint i = 0; i < s->n_valid; i++)
    seen[s->valid[i]]++;
  for (guint i = 0; i < s->n_test; i++)
    seen[s->test[i]]++;
  for (guint i = 0; i < n; i++)
    g_assert_cmpuint (seen[i], ==, 1);
}

static void
test_split_random (void)
{
  g_autofree guint *rows = iota (1000);
  g_autoptr(GError) error = NULL;
  g_autoptr(AxSplit) a = ax_split_rows (rows, 1000, NULL, 0, NULL, 0.2, 0.1, 7, "y", &error);
  g_autoptr(AxSplit) b = ax_split_rows (rows, 1000, NULL, 0, NULL, 0.2, 0.1, 7, "y", &error);
  g_autoptr(AxSplit) c = ax_split_rows (rows, 1000, NULL, 0, NULL, 0.2, 0.1, 8, "y", &error);
  g_autoptr(AxSplit) none = ax_split_rows (rows, 1000, NULL, 0, NULL, 0.25, 0, 7, "y", &error);

  g_assert_no_error (error);
  g_assert_cmpuint (a->n_train, ==, 700);
  g_assert_cmpuint (a->n_valid, ==, 200);
  g_assert_cmpuint (a->n_test, ==, 100);
  assert_partition (a, 1000);
  /* Deterministic per seed, different across seeds. */
  g_assert_cmpmem (a->valid, a->n_valid * sizeof (guint), b->valid, b->n_valid * sizeof (guint));
  g_assert_true (memcmp (a->valid, c->valid, a->n_valid * sizeof (guint)) != 0);
  /* Random: the validation rows are spread over the data. */
  g_assert_cmpuint (a->valid[0], <, 50);
  g_assert_cmpuint (a->valid[a->n_valid - 1], >, 950);
  g_assert_cmpuint (none->n_test, ==, 0);
  g_assert_cmpuint (none->n_valid, ==, 250);
}

static void
test_split_stratified (void)
{
  const guint n = 1000;
  g_autofree guint *rows = iota (n);
  g_autofree double *y = g_new (double, n);
  g_autoptr(GError) error = NULL;
  g_autoptr(AxSplit) s = NULL;
  guint pos[3] = { 0 };

  /* 10% of class 1, 30% of class 2, clustered at the end. */
  for (guint i = 0; i < n; i++)
    y[i] = i < 600 ? 0 : i < 700 ? 1 : 2;
  s = ax_split_rows (rows, n, y, 3, NULL, 0.2, 0.1, 3, "y", &error);
  g_assert_no_error (error);
  assert_partition (s, n);
  for (guint p = 0; p < 3; p++)
    {
      const guint *part = p == 0 ? s->train : p == 1 ? s->valid : s->test;
      guint m = p == 0 ? s->n_train : p == 1 ? s->n_valid : s->n_test;
      guint count[3] = { 0 };

      for (guint i = 0; i < m; i++)
        count[(guint) y[part[i]]]++;
      /* The class ratios of the whole, to the row. */
      g_assert_cmpuint (count[0], ==, (guint) (0.6 * m + 0.5));
      g_assert_cmpuint (count[1], ==, (guint) (0.1 * m + 0.5));
      g_assert_cmpuint (count[2], ==, (guint) (0.3 * m + 0.5));
      pos[p] = m;
    }
  g_assert_cmpuint (pos[0], ==, 700);
  g_assert_cmpuint (pos[1], ==, 200);
  g_assert_cmpuint (pos[2], ==, 100);
}

static void
test_split_time (void)
{
  const guint n = 500;
  g_autofree guint *rows = g_new (guint, n);
  g_autofree double *time = g_new (double, n);
  g_autoptr(GError) error = NULL;
  g_autoptr(AxSplit) s = NULL;
  Rng rng = { 11 };
  double train_max = -G_MAXDOUBLE, valid_min = G_MAXDOUBLE, valid_max = -G_MAXDOUBLE;
  double test_min = G_MAXDOUBLE;

  /* Rows 1000.. in shuffled time order. */
  for (guint i = 0; i < n; i++)
    {
      rows[i] = 1000 + i;
      time[i] = floor (rng_uniform (&rng) * 10000);
    }
  s = ax_split_rows (rows, n, NULL, 0, time, 0.2, 0.2, 3, "y", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (s->n_train, ==, 300);
  g_assert_cmpuint (s->n_valid, ==, 100);
  g_assert_cmpuint (s->n_test, ==, 100);
  for (guint i = 0; i < s->n_train; i++)
    train_max = MAX (train_max, time[s->train[i] - 1000]);
  for (guint i = 0; i < s->n_valid; i++)
    {
      valid_min = MIN (valid_min, time[s->valid[i] - 1000]);
      valid_max = MAX (valid_max, time[s->valid[i] - 1000]);
    }
  for (guint i = 0; i < s->n_test; i++)
    test_min = MIN (test_min, time[s->test[i] - 1000]);
  /* Oldest train, then validation, then the newest test. */
  g_assert_cmpfloat (train_max, <=, valid_min);
  g_assert_cmpfloat (valid_max, <=, test_min);
  for (guint i = 1; i < s->n_train; i++)
    g_assert_cmpfloat (time[s->train[i - 1] - 1000], <=, time[s->train[i] - 1000]);

  /* Rows already in time order (ties too) keep their order. */
  for (guint i = 0; i < n; i++)
    time[i] = i / 7;
  g_clear_pointer (&s, ax_split_free);
  s = ax_split_rows (rows, n, NULL, 0, time, 0.2, 0.2, 3, "y", &error);
  g_assert_no_error (error);
  for (guint i = 0; i < n; i++)
    g_assert_cmpuint (i < 300 ? s->train[i] : i < 400 ? s->valid[i - 300] : s->test[i - 400], ==, 1000 + i);
}

static void
test_split_errors (void)
{
  g_autofree guint *rows = iota (10);
  double y[10] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
  struct {
    guint n;
    const double *y;
    double vs, ts;
    const char *field;
  } cases[] = {
    { 10, NULL, 0.01, 0.1, "validation_split:" },
    { 10, NULL, 0.2, 0.01, "test_split:" },
    { 2, NULL, 0.5, 0.4, "validation_split:" },   /* nothing left to train on */
    { 0, NULL, 0.2, 0.1, "target:" },
    { 10, y, 0.2, 0.1, "target:" },               /* class 1's only row is held out */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(AxSplit) s = ax_split_rows (rows, cases[i].n, cases[i].y, cases[i].y ? 2 : 0,
                                            NULL, cases[i].vs, cases[i].ts, 1, "churn", &error);
      if (s && cases[i].y)
        {
          /* Stratified: the lone row of class 1 stays in training, so the
           * check passes; move it out by splitting in time order instead. */
          double time[10] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 };
          g_clear_pointer (&s, ax_split_free);
          s = ax_split_rows (rows, 10, y, 2, time, 0.2, 0.1, 1, "churn", &error);
        }
      g_test_message ("case %u: %s", i, error ? error->message : "(no error)");
      g_assert_null (s);
      g_assert_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_DATA);
      g_assert_true (g_str_has_prefix (error->message, cases[i].field));
    }
}

/* Preprocessing */

enum { P_NUM, P_COUNT, P_FLAG, P_REGION, P_DAY, P_STAMP, P_ID, P_NOTE, P_N };

/* Eight rows of every column type, with missing values in row 7. */
static AxFrame *
prep_frame (void)
{
  const char *names[] = { "num", "count", "flag", "region", "day", "stamp", "id", "note" };
  AxColumnType types[] = { AX_COLUMN_REAL, AX_COLUMN_INTEGER, AX_COLUMN_BOOLEAN,
                           AX_COLUMN_CATEGORICAL, AX_COLUMN_DATE, AX_COLUMN_DATETIME,
                           AX_COLUMN_TEXT, AX_COLUMN_TEXT };
  const double num[] = { 1, 3, 3, 8, 10, 11, 5 };
  const char *region[] = { "north", "south", "north", "east", "north", "south", "west" };
  AxFrame *f = ax_frame_new (P_N, names, types, 8);

  for (guint i = 0; i < 8; i++)
    {
      guint r = ax_frame_append_row (f);
      if (i == 7)
        continue;    /* every value missing */
      ax_frame_set_real (f, P_NUM, r, num[i]);
      ax_frame_set_int (f, P_COUNT, r, i * 2);
      ax_frame_set_int (f, P_FLAG, r, i % 3 == 0);
      ax_frame_take_string (f, P_REGION, r, g_strdup (region[i]));
      /* 2024-03-31 (a Sunday) plus i days; its 12:00 plus i hours. */
      ax_frame_set_int (f, P_DAY, r, ax_days_from_civil (2024, 3, 31) + i);
      ax_frame_set_int (f, P_STAMP, r, (ax_days_from_civil (2024, 3, 31) * 24 + 12 + i) * 3600);
      ax_frame_take_string (f, P_ID, r, g_strdup_printf ("C-%04u", i * 37));
      ax_frame_take_string (f, P_NOTE, r, g_strdup (i < 4 ? "a" : "b"));
    }
  return f;
}

static AxPrep *
prep_fit (const AxFrame *f,
          AxNormalize    normalize,
          AxMissing      missing,
          GPtrArray     *notes)
{
  const char *inputs[] = { "num", "count", "flag", "region", "day", "stamp", "id", "note", NULL };
  AxPrepOptions opt = { normalize, missing, -2 };
  g_autofree guint *rows = iota (f->n_rows);
  g_autoptr(GError) error = NULL;
  AxPrep *prep = ax_prep_fit (f, inputs, NULL, rows, f->n_rows, &opt, notes, &error);

  g_assert_no_error (error);
  g_assert_nonnull (prep);
  return prep;
}

static int
feature_index (const AxPrep *prep,
               const char   *name)
{
  for (guint i = 0; i < ax_prep_get_n_features (prep); i++)
    if (g_str_equal (ax_prep_get_feature_name (prep, i), name))
      return i;
  return -1;
}

static float
cell (const AxPrep   *prep,
      const AxMatrix *m,
      guint           row,
      const char     *feature)
{
  int f = feature_index (prep, feature);

  g_assert_cmpint (f, >=, 0);
  return ax_matrix_get (m, row, f);
}

static void
test_prep_missing (void)
{
  g_autoptr(AxFrame) f = prep_frame ();
  static const struct {
    AxMissing how;
    double    num;       /* imputed: of 1, 3, 3, 8, 10, 11, 5 */
    double    flag;      /* of 1, 0, 0, 1, 0, 0, 1 */
    const char *region;  /* the one-hot feature set for a missing region */
    double    month;
  } cases[] = {
    { AX_MISSING_MEAN, 41.0 / 7, 3.0 / 7, "region=north", 4 },
    { AX_MISSING_MEDIAN, 5, 0, "region=north", 4 },
    { AX_MISSING_MODE, 3, 0, "region=north", 3 },
    { AX_MISSING_CONSTANT, -2, -2, "region=(other)", -2 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(AxPrep) prep = prep_fit (f, AX_NORMALIZE_NONE, cases[i].how, NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(AxMatrix) m = ax_prep_transform (prep, f, NULL, f->n_rows, &error);

      g_assert_no_error (error);
      g_assert_cmpfloat_with_epsilon (cell (prep, m, 7, "num"), cases[i].num, 1e-5);
      g_assert_cmpfloat_with_epsilon (cell (prep, m, 7, "flag"), cases[i].flag, 1e-5);
      g_assert_cmpfloat (cell (prep, m, 7, cases[i].region), ==, 1);
      g_assert_cmpfloat (cell (prep, m, 7, "day.month"), ==, cases[i].month);
      /* Present values untouched. */
      g_assert_cmpfloat (cell (prep, m, 0, "num"), ==, 1);
      g_assert_cmpfloat (cell (prep, m, 0, "region=north"), ==, 1);
    }
}

static int
cmp_double (const void *a,
            const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

/* The median imputed is the sorted middle, for odd and even counts, with
 * ties and long runs of one value. */
static void
test_prep_median (void)
{
  const char *names[] = { "v", NULL };
  AxColumnType types[] = { AX_COLUMN_REAL };
  AxPrepOptions opt = { AX_NORMALIZE_NONE, AX_MISSING_MEDIAN, 0 };

  for (guint n = 1; n < 300; n += 1 + n / 20)
    for (guint kind = 0; kind < 3; kind++)
      {
        g_autoptr(AxFrame) f = ax_frame_new (1, names, types, n + 1);
        g_autofree double *sorted = g_new (double, n);
        g_autofree guint *rows = iota (n + 1);
        g_autoptr(GError) error = NULL;
        g_autoptr(AxPrep) prep = NULL;
        g_autoptr(AxMatrix) m = NULL;
        double expect;

        for (guint i = 0; i < n; i++)
          {
            guint r = ax_frame_append_row (f);
            double v = kind == 0 ? g_test_rand_double_range (-5, 5)
                     : kind == 1 ? (double) g_test_rand_int_range (0, 4)
                     : (double) (n - i);
            ax_frame_set_real (f, 0, r, v);
            sorted[i] = v;
          }
        ax_frame_append_row (f);        /* missing */
        qsort (sorted, n, sizeof (double), cmp_double);
        expect = n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        prep = ax_prep_fit (f, names, NULL, rows, n + 1, &opt, NULL, &error);
        if (sorted[0] == sorted[n - 1])
          {
            /* One value, imputed too: the only input is left out. */
            g_assert_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG);
            continue;
          }
        g_assert_no_error (error);
        m = ax_prep_transform (prep, f, NULL, f->n_rows, &error);
        g_assert_no_error (error);
        g_assert_cmpfloat (ax_matrix_get (m, n, 0), ==, (float) expect);
      }
}

/* handle_missing "drop" leaves the incomplete rows out of training. */
static void
test_prep_missing_drop (void)
{
  g_autoptr(AxFrame) f = friedman1 (300, 5);
  g_autoptr(AxModel) m = NULL;
  const AxModelReport *r;
  guint n_complete = 0;
  gboolean noted = FALSE;

  for (guint i = 0; i < 300; i += 7)
    {
      f->columns[i % 10].missing[i] = 1;
      f->columns[i % 10].reals[i] = 0;
    }
  f->columns[10].missing[1] = 1;    /* and a row without a target */
  for (guint i = 0; i < 300; i++)
    n_complete += i % 7 != 0 && i != 1;
  m = train ("{\"model_type\": \"sales_forecast\", \"algorithm\": \"linear_regression\","
             " \"target\": \"y\", \"feature_engineering\": {\"handle_missing\": \"drop\"}}", f);
  r = ax_model_get_report (m);
  g_assert_cmpuint (r->n_train + r->n_valid + r->n_test, ==, n_complete);
  for (guint i = 0; r->notes[i]; i++)
    noted |= strstr (r->notes[i], "drop") != NULL;
  g_assert_true (noted);
  /* The row without a target is always left out, and said so. */
  g_assert_nonnull (strstr (r->notes[0], "1 row without a value of “y” was left out"));

  /* Prediction still answers every row, imputing the missing values. */
  {
    g_autoptr(AxPredictions) p = predict_rows (m, f);
    for (guint i = 0; i < p->n_rows; i++)
      g_assert_true (isfinite (p->value[i]));
  }

  /* With the mean instead, every row with a target trains. */
  {
    g_autoptr(AxModel) m2 = train ("{\"model_type\": \"sales_forecast\", \"algorithm\": "
                                   "\"linear_regression\", \"target\": \"y\"}", f);
    r = ax_model_get_report (m2);
    g_assert_cmpuint (r->n_train + r->n_valid + r->n_test, ==, 299);
  }
}

static void
test_prep_encoding (void)
{
  g_autoptr(AxFrame) f = prep_frame ();
  g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(AxPrep) prep = NULL;
  g_autoptr(AxMatrix) m = NULL;
  g_autoptr(GError) error = NULL;

  prep = prep_fit (f, AX_NORMALIZE_NONE, AX_MISSING_MEAN, notes);
  m = ax_prep_transform (prep, f, NULL, f->n_rows, &error);
  g_assert_no_error (error);

  /* Booleans 0/1, categories one-hot by frequency plus "(other)". */
  g_assert_cmpfloat (cell (prep, m, 0, "flag"), ==, 1);
  g_assert_cmpfloat (cell (prep, m, 1, "flag"), ==, 0);
  g_assert_cmpstr (ax_prep_get_feature_name (prep, feature_index (prep, "region=north")), ==, "region=north");
  g_assert_cmpint (feature_index (prep, "region=north"), <, feature_index (prep, "region=south"));
  g_assert_cmpfloat (cell (prep, m, 1, "region=south"), ==, 1);
  g_assert_cmpfloat (cell (prep, m, 1, "region=north"), ==, 0);
  /* Every region fits: no "(other)" indicator, which training would
   * never set; an unseen region has every indicator 0. */
  g_assert_cmpint (feature_index (prep, "region=(other)"), ==, -1);
  g_assert_cmpfloat (cell (prep, m, 0, "note=a"), ==, 1);

  /* Calendar parts: 2024-03-31 is a Sunday (6), day 91 of a leap year. */
  g_assert_cmpfloat (cell (prep, m, 0, "day.year"), ==, 2024);
  g_assert_cmpfloat (cell (prep, m, 0, "day.month"), ==, 3);
  g_assert_cmpfloat (cell (prep, m, 0, "day.day"), ==, 31);
  g_assert_cmpfloat (cell (prep, m, 0, "day.weekday"), ==, 6);
  g_assert_cmpfloat (cell (prep, m, 0, "day.yearday"), ==, 91);
  g_assert_cmpfloat (cell (prep, m, 1, "day.month"), ==, 4);
  g_assert_cmpfloat (cell (prep, m, 1, "day.weekday"), ==, 0);
  g_assert_cmpfloat (cell (prep, m, 3, "stamp.hour"), ==, 15);
  g_assert_cmpint (feature_index (prep, "day.hour"), ==, -1);

  /* Few values: even a text column of all-different values is kept. */
  g_assert_cmpint (feature_index (prep, "id=C-0037"), >=, 0);
  g_assert_cmpuint (notes->len, ==, 0);

  /* Many all-different values: an identifier, left out with a note,
   * unless the features name it. */
  {
    const char *names[] = { "customer", "plan", "spend" };
    AxColumnType types[] = { AX_COLUMN_TEXT, AX_COLUMN_TEXT, AX_COLUMN_REAL };
    g_autoptr(AxFrame) c = ax_frame_new (3, names, types, 100);
    const char *inputs[] = { "customer", "plan", "spend", NULL };
    gboolean named[] = { TRUE, FALSE, FALSE };
    AxPrepOptions opt = { AX_NORMALIZE_NONE, AX_MISSING_MEAN, 0 };
    g_autofree guint *rows = iota (100);
    g_autoptr(AxPrep) p2 = NULL, p3 = NULL;

    for (guint i = 0; i < 100; i++)
      {
        guint r = ax_frame_append_row (c);
        ax_frame_take_string (c, 0, r, g_strdup_printf ("C-%05u", i * 7919 % 100000));
        ax_frame_take_string (c, 1, r, g_strdup (i % 3 ? "basic" : "pro"));
        ax_frame_set_real (c, 2, r, i);
      }
    g_ptr_array_set_size (notes, 0);
    p2 = ax_prep_fit (c, inputs, NULL, rows, 100, &opt, notes, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (ax_prep_get_n_inputs (p2), ==, 2);
    g_assert_cmpstr (ax_prep_get_input_name (p2, 0), ==, "plan");
    g_assert_cmpint (feature_index (p2, "plan=basic"), >=, 0);
    g_assert_cmpuint (notes->len, ==, 1);
    g_assert_nonnull (strstr (notes->pdata[0], "“customer”"));

    p3 = ax_prep_fit (c, inputs, named, rows, 100, &opt, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (ax_prep_get_n_inputs (p3), ==, 3);
    g_assert_cmpuint (ax_prep_get_n_features (p3), ==, (AX_PREP_MAX_CATEGORIES + 1) + 2 + 1);
  }

  /* Thirty categories by frequency, the rest in "(other)"; unseen ones too. */
  {
    const char *names[] = { "shop" };
    AxColumnType types[] = { AX_COLUMN_CATEGORICAL };
    g_autoptr(AxFrame) s = ax_frame_new (1, names, types, 100);
    const char *inputs[] = { "shop", NULL };
    AxPrepOptions opt = { AX_NORMALIZE_NONE, AX_MISSING_MEAN, 0 };
    g_autofree guint *rows = NULL;
    g_autoptr(AxPrep) p2 = NULL;
    g_autoptr(AxMatrix) m2 = NULL;
    guint n = 0;

    /* Shop k (0..39) appears 41 - k times. */
    for (guint k = 0; k < 40; k++)
      for (guint j = 0; j < 41 - k; j++, n++)
        ax_frame_take_string (s, 0, ax_frame_append_row (s), g_strdup_printf ("shop%02u", k));
    rows = iota (n);
    p2 = ax_prep_fit (s, inputs, NULL, rows, n, &opt, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (ax_prep_get_n_features (p2), ==, AX_PREP_MAX_CATEGORIES + 1);
    g_assert_cmpint (feature_index (p2, "shop=shop29"), >=, 0);
    g_assert_cmpint (feature_index (p2, "shop=shop30"), ==, -1);
    ax_frame_take_string (s, 0, ax_frame_append_row (s), g_strdup ("brand new"));
    m2 = ax_prep_transform (p2, s, NULL, s->n_rows, &error);
    g_assert_no_error (error);
    g_assert_cmpfloat (cell (p2, m2, 0, "shop=shop00"), ==, 1);
    g_assert_cmpfloat (cell (p2, m2, n - 1, "shop=(other)"), ==, 1);   /* shop39 */
    g_assert_cmpfloat (cell (p2, m2, n, "shop=(other)"), ==, 1);       /* unseen */
  }
}

/* An input the same in every training row (missing values imputed) is
 * left out with a note; one that imputing makes differ is kept. */
static void
test_prep_constant (void)
{
  const char *names[] = { "x", "block", "kind", "flag", "gap", "empty", "when" };
  AxColumnType types[] = { AX_COLUMN_REAL, AX_COLUMN_INTEGER, AX_COLUMN_CATEGORICAL,
                           AX_COLUMN_BOOLEAN, AX_COLUMN_REAL, AX_COLUMN_REAL, AX_COLUMN_DATE };
  const char *inputs[] = { "x", "block", "kind", "flag", "gap", "empty", "when", NULL };
  g_autoptr(AxFrame) f = ax_frame_new (7, names, types, 40);
  g_autofree guint *rows = iota (40);
  g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(AxPrep) mean = NULL, constant = NULL;
  g_autoptr(AxMatrix) m = NULL;

  for (guint i = 0; i < 40; i++)
    {
      guint r = ax_frame_append_row (f);

      ax_frame_set_real (f, 0, r, i);
      ax_frame_set_int (f, 1, r, 7);
      ax_frame_take_string (f, 2, r, g_strdup ("retail"));
      ax_frame_set_int (f, 3, r, 1);
      if (i % 5)
        ax_frame_set_real (f, 4, r, 2.5);
      ax_frame_set_int (f, 6, r, 20000);
    }
  /* A row not trained on differs; it is predicted all the same. */
  ax_frame_set_int (f, 1, ax_frame_append_row (f), 8);

  mean = ax_prep_fit (f, inputs, NULL, rows, 40, &(AxPrepOptions) { AX_NORMALIZE_STANDARD, AX_MISSING_MEAN, 0 },
                      notes, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ax_prep_get_n_inputs (mean), ==, 1);
  g_assert_cmpstr (ax_prep_get_input_name (mean, 0), ==, "x");
  g_assert_cmpuint (ax_prep_get_n_features (mean), ==, 1);
  g_assert_cmpuint (notes->len, ==, 6);
  g_assert_nonnull (strstr (notes->pdata[0], "“block” has the same value in every training row"));
  g_assert_nonnull (strstr (notes->pdata[1], "“kind”"));
  g_assert_nonnull (strstr (notes->pdata[2], "“flag”"));
  g_assert_nonnull (strstr (notes->pdata[3], "“gap”"));
  g_assert_nonnull (strstr (notes->pdata[4], "“empty” has no value in any training row"));
  g_assert_nonnull (strstr (notes->pdata[5], "“when”"));
  m = ax_prep_transform (mean, f, NULL, f->n_rows, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (m->n_features, ==, 1);
  g_assert_cmpuint (m->n_rows, ==, 41);

  /* Missing values of "gap" imputed as 0 make it tell rows apart. */
  constant = ax_prep_fit (f, inputs, NULL, rows, 40, &(AxPrepOptions) { AX_NORMALIZE_NONE, AX_MISSING_CONSTANT, 0 },
                          NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ax_prep_get_n_inputs (constant), ==, 2);
  g_assert_cmpstr (ax_prep_get_input_name (constant, 1), ==, "gap");

  /* Nothing left: the error says why. */
  {
    const char *only[] = { "block", "kind", NULL };
    g_autoptr(AxPrep) none = ax_prep_fit (f, only, NULL, rows, 40,
                                          &(AxPrepOptions) { AX_NORMALIZE_NONE, AX_MISSING_MEAN, 0 },
                                          NULL, &error);

    g_assert_null (none);
    g_assert_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG);
    g_assert_nonnull (strstr (error->message, "no column is left to learn from: “block” has the same value"));
  }
}

static void
test_prep_normalize (void)
{
  g_autoptr(AxFrame) f = prep_frame ();
  g_autoptr(GError) error = NULL;

  for (guint k = 0; k < 2; k++)
    {
      g_autoptr(AxPrep) prep = prep_fit (f, k ? AX_NORMALIZE_MINMAX : AX_NORMALIZE_STANDARD,
                                         AX_MISSING_MEAN, NULL);
      g_autofree guint *rows = iota (7);
      g_autoptr(AxMatrix) m = ax_prep_transform (prep, f, rows, 7, &error);
      int fi = feature_index (prep, "count");
      double sum = 0, ss = 0, lo = G_MAXDOUBLE, hi = -G_MAXDOUBLE;

      /* The present values of "count": 0, 2, ..., 12. */
      g_assert_no_error (error);
      for (guint i = 0; i < 7; i++)
        {
          double v = ax_matrix_get (m, i, fi);
          sum += v, ss += v * v;
          lo = MIN (lo, v), hi = MAX (hi, v);
        }
      if (k == 0)
        {
          g_assert_cmpfloat_with_epsilon (sum / 7, 0, 1e-6);
          g_assert_cmpfloat_with_epsilon (ss / 7, 1, 1e-5);
        }
      else
        {
          g_assert_cmpfloat_with_epsilon (lo, 0, 1e-6);
          g_assert_cmpfloat_with_epsilon (hi, 1, 1e-6);
        }
      /* Indicators stay 0/1. */
      g_assert_cmpfloat (cell (prep, m, 0, "region=north"), ==, 1);
      g_assert_cmpfloat (cell (prep, m, 0, "flag"), ==, 1);
    }
}

static void
test_prep_variant (void)
{
  g_autoptr(AxFrame) f = prep_frame ();
  g_autoptr(AxPrep) prep = prep_fit (f, AX_NORMALIZE_STANDARD, AX_MISSING_MEDIAN, NULL);
  g_autoptr(GVariant) v = g_variant_ref_sink (ax_prep_to_variant (prep));
  g_autoptr(GError) error = NULL;
  g_autoptr(AxPrep) back = ax_prep_from_variant (v, &error);
  g_autoptr(AxMatrix) a = NULL, b = NULL;

  g_assert_no_error (error);
  a = ax_prep_transform (prep, f, NULL, f->n_rows, &error);
  b = ax_prep_transform (back, f, NULL, f->n_rows, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (a->n_features, ==, b->n_features);
  g_assert_cmpmem (a->x, (gsize) a->n_rows * a->n_features * sizeof (float),
                   b->x, (gsize) b->n_rows * b->n_features * sizeof (float));
  for (guint i = 0; i < a->n_features; i++)
    g_assert_cmpstr (a->names[i], ==, b->names[i]);

  /* A variant of another type is refused. */
  {
    g_autoptr(GVariant) bad = g_variant_ref_sink (g_variant_new_string ("x"));
    g_autoptr(AxPrep) none = ax_prep_from_variant (bad, &error);
    g_assert_null (none);
    g_assert_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_BLOB);
  }
}

/* Training and prediction */

/* Rows @rows of @data (every row when NULL) as a new frame. */
static AxFrame *
frame_select (const AxFrame *data,
              const guint   *rows,
              guint          n)
{
  g_autofree const char **names = g_new0 (const char *, data->n_columns + 1);
  g_autofree AxColumnType *types = g_new (AxColumnType, data->n_columns);
  AxFrame *f;

  for (guint c = 0; c < data->n_columns; c++)
    {
      names[c] = data->columns[c].name;
      types[c] = data->columns[c].type;
    }
  f = ax_frame_new (data->n_columns, names, types, n);
  for (guint i = 0; i < n; i++)
    {
      guint r = ax_frame_append_row (f), src = rows ? rows[i] : i;
      for (guint c = 0; c < data->n_columns; c++)
        {
          const AxColumn *col = &data->columns[c];
          if (col->missing[src])
            continue;
          if (col->reals)
            ax_frame_set_real (f, c, r, col->reals[src]);
          else if (col->ints)
            ax_frame_set_int (f, c, r, col->ints[src]);
          else
            ax_frame_set_string (f, c, r, col->strings[src], -1);
        }
    }
  return f;
}

/* The test rows of a model trained on @data: the pipeline's split redone
 * (every row has a target; @y the class of each row, or NULL). */
static AxFrame *
test_rows (const AxFrame *data,
           const double  *y,
           guint          n_classes,
           double         vs,
           double         ts,
           guint64        seed,
           guint         *n_test)
{
  g_autofree guint *rows = iota (data->n_rows);
  g_autoptr(GError) error = NULL;
  g_autoptr(AxSplit) s = ax_split_rows (rows, data->n_rows, y, n_classes, NULL, vs, ts,
                                        seed, "y", &error);

  g_assert_no_error (error);
  *n_test = s->n_test;
  return frame_select (data, s->test, s->n_test);
}

static const char forest_friedman_json[] =
  "{\"model_type\": \"sales_forecast\", \"algorithm\": \"random_forest\", \"target\": \"y\","
  " \"hyperparameters\": {\"n_estimators\": 100, \"max_depth\": 10},"
  " \"validation_split\": 0.2, \"test_split\": 0.2, \"random_seed\": 3}";

/* friedman1 through the whole pipeline: accuracy, ranges, confidence. */
static void
test_model_forest_friedman1 (void)
{
  g_autoptr(AxFrame) data = friedman1 (8000, 1);
  g_autoptr(AxModel) m = train (forest_friedman_json, data);
  const AxModelReport *r = ax_model_get_report (m);
  guint n_test, covered = 0, within = 0;
  g_autoptr(AxFrame) fresh = test_rows (data, NULL, 0, 0.2, 0.2, 3, &n_test);
  g_autoptr(AxPredictions) p = predict_rows (m, fresh);
  double mean_conf = 0, width_easy = 0, width_hard = 0;

  g_test_message ("friedman1: validation R2 %.4f, test R2 %.4f, RMSE %.3f",
                  r->validation->r2, r->test->r2, r->test->rmse);
  g_assert_cmpint (r->task, ==, AX_TASK_REGRESSION);
  g_assert_cmpuint (r->n_train, ==, 4800);
  g_assert_cmpuint (r->n_valid, ==, 1600);
  g_assert_cmpuint (r->n_test, ==, 1600);
  g_assert_cmpuint (n_test, ==, 1600);
  g_assert_cmpfloat (r->test->r2, >=, 0.88);

  /* 90% ranges hold 85-95% of the test rows; the confidence
   * (the chance of being within 10%) matches how often that happens. */
  for (guint i = 0; i < p->n_rows; i++)
    {
      double y = fresh->columns[10].reals[i];
      g_assert_cmpfloat (p->lower[i], <=, p->value[i]);
      g_assert_cmpfloat (p->upper[i], >=, p->value[i]);
      g_assert_cmpfloat (p->confidence[i], >=, 0);
      g_assert_cmpfloat (p->confidence[i], <=, 1);
      covered += y >= p->lower[i] && y <= p->upper[i];
      within += fabs (y - p->value[i]) <= 0.1 * fabs (p->value[i]);
      mean_conf += p->confidence[i];
    }
  mean_conf /= p->n_rows;
  g_test_message ("friedman1: coverage %.3f; mean confidence %.3f, within 10%% %.3f",
                  (double) covered / p->n_rows, mean_conf, (double) within / p->n_rows);
  g_assert_cmpfloat ((double) covered / p->n_rows, >=, 0.85);
  g_assert_cmpfloat ((double) covered / p->n_rows, <=, 0.95);
  g_assert_cmpfloat (fabs (mean_conf - (double) within / p->n_rows), <, 0.05);

  /* The ranges widen where the trees disagree: not all the same width. */
  for (guint i = 0; i < p->n_rows; i++)
    {
      double w = p->upper[i] - p->lower[i];
      if (i == 0 || w < width_easy)
        width_easy = w;
      if (w > width_hard)
        width_hard = w;
    }
  g_assert_cmpfloat (width_hard, >, 1.2 * width_easy);

  /* The informative columns x1..x5 come before the noise x6..x10. */
  g_assert_cmpuint (r->n_importance, ==, 10);
  for (guint i = 0; i < 5; i++)
    {
      int k = atoi (r->importance[i].feature + 1);
      g_test_message ("importance %s: permutation %.4f, impurity %.4f", r->importance[i].feature,
                      r->importance[i].permutation, r->importance[i].impurity);
      g_assert_cmpint (k, <=, 5);
      g_assert_cmpfloat (r->importance[i].permutation, >, 0.01);
      g_assert_true (isfinite (r->importance[i].impurity));
    }
  for (guint i = 1; i < r->n_importance; i++)
    g_assert_cmpfloat (r->importance[i - 1].permutation, >=, r->importance[i].permutation);

  /* One curve point per tree. */
  g_assert_cmpuint (r->curve->len, ==, 100);
  g_assert_cmpuint (g_array_index (r->curve, AxCurvePoint, 99).step, ==, 100);
}

/* The shared churn data through the pipeline: ranking and calibration.
 * A held-out part of 1,000 rows gives an AUC within about ±0.015, so the
 * AUC is the mean over ten seeds (each its own split); the calibration
 * error is checked for every one. */
#define CHURN_RUNS 10

static void
test_model_churn (void)
{
  g_autoptr(AxFrame) data = load_csv ("churn.csv");
  g_autofree double *y = g_new (double, data->n_rows);
  int col = ax_frame_find_column (data, "churn");
  double sum_auc = 0, max_ece = 0;

  g_assert_cmpuint (data->n_rows, ==, 5000);
  g_assert_cmpint (col, >=, 0);
  for (guint i = 0; i < data->n_rows; i++)
    y[i] = g_str_equal (data->columns[col].strings[i], "yes");

  for (guint seed = 1; seed <= CHURN_RUNS; seed++)
    {
      g_autofree char *json = g_strdup_printf (
        "{\"model_type\": \"churn_prediction\", \"algorithm\": \"random_forest\","
        " \"target\": \"churn\", \"hyperparameters\": {\"n_estimators\": 100},"
        " \"validation_split\": 0.2, \"test_split\": 0.2, \"random_seed\": %u}", seed);
      g_autoptr(AxModel) m = train (json, data);
      const AxModelReport *r = ax_model_get_report (m);
      g_autofree double *ty = NULL;
      g_autoptr(AxFrame) test = NULL;
      g_autoptr(AxPredictions) p = NULL;
      guint n_test;
      double ece;

      g_assert_cmpint (r->task, ==, AX_TASK_CLASSIFICATION);
      g_assert_cmpuint (r->n_classes, ==, 2);
      g_assert_cmpstr (r->class_names[0], ==, "no");
      g_assert_cmpstr (r->class_names[1], ==, "yes");
      g_assert_cmpuint (r->n_test, ==, 1000);
      sum_auc += r->test->roc_auc;

      /* Expected calibration error on the test rows, which neither
       * training nor calibration saw. */
      test = test_rows (data, y, 2, 0.2, 0.2, seed, &n_test);
      g_assert_cmpuint (n_test, ==, r->n_test);
      p = predict_rows (m, test);
      ty = g_new (double, n_test);
      for (guint i = 0; i < n_test; i++)
        ty[i] = g_str_equal (test->columns[col].strings[i], "yes");
      ece = ax_calibration_ece (p->probability, ty, p->n_rows, 2, 10);
      max_ece = MAX (max_ece, ece);
      g_test_message ("churn, seed %u: validation AUC %.4f, test AUC %.4f, accuracy %.4f, "
                      "ECE %.4f", seed, r->validation->roc_auc, r->test->roc_auc,
                      r->test->accuracy, ece);
      g_assert_cmpfloat (ece, <, 0.05);
      g_assert_cmpfloat (r->test->roc_auc, >=, 0.85);

      if (seed > 1)
        continue;
      for (guint i = 0; i < p->n_rows; i++)
        {
          const double *pr = p->probability + 2 * i;
          g_assert_cmpfloat_with_epsilon (pr[0] + pr[1], 1, 1e-12);
          g_assert_cmpfloat (p->confidence[i], ==, MAX (pr[0], pr[1]));
          g_assert_cmpfloat (p->value[i], ==, pr[1] > pr[0] ? 1 : 0);
          g_assert_true (isnan (p->lower[i]) && isnan (p->upper[i]));
        }
      g_assert_null (p->score);

      /* The importance is per dataset column: "state" once, whatever
       * its one-hot parts. */
      {
        guint n_state = 0;
        for (guint i = 0; i < r->n_importance; i++)
          n_state += g_str_equal (r->importance[i].feature, "state");
        g_assert_cmpuint (n_state, ==, 1);
        g_assert_cmpuint (r->n_importance, ==, 19);
        g_test_message ("churn: most important %s, %s, %s", r->importance[0].feature,
                        r->importance[1].feature, r->importance[2].feature);
      }
    }
  g_test_message ("churn: mean test AUC %.4f, largest ECE %.4f", sum_auc / CHURN_RUNS, max_ece);
  g_assert_cmpfloat (sum_auc / CHURN_RUNS, >=, 0.90);
}

static void
assert_same_predictions (const AxPredictions *a,
                         const AxPredictions *b)
{
  gsize n = a->n_rows * sizeof (double);

  g_assert_cmpuint (a->n_rows, ==, b->n_rows);
  g_assert_cmpint (a->task, ==, b->task);
  g_assert_cmpmem (a->value, n, b->value, n);
  g_assert_cmpmem (a->lower, n, b->lower, n);
  g_assert_cmpmem (a->upper, n, b->upper, n);
  g_assert_cmpmem (a->confidence, n, b->confidence, n);
  g_assert_true ((a->probability == NULL) == (b->probability == NULL));
  if (a->probability)
    g_assert_cmpmem (a->probability, n * a->n_classes, b->probability, n * b->n_classes);
  g_assert_true ((a->score == NULL) == (b->score == NULL));
  if (a->score)
    g_assert_cmpmem (a->score, n, b->score, n);
}

static void
test_model_save_load (void)
{
  const char *configs[] = {
    "{\"model_type\": \"revenue_forecast\", \"algorithm\": \"random_forest\", \"target\": \"y\","
    " \"features\": [\"x1\", \"x2\", \"x3\", \"x4\", \"x5\"], \"hyperparameters\": {\"n_estimators\": 20}}",
    "{\"model_type\": \"revenue_forecast\", \"algorithm\": \"linear_regression\", \"target\": \"y\","
    " \"features\": [\"x1\", \"x2\", \"x3\", \"x4\", \"x5\"], \"test_split\": 0}",
    "{\"model_type\": \"lead_scoring\", \"algorithm\": \"random_forest\", \"target\": \"big\","
    " \"features\": [\"x1\", \"x2\", \"x3\", \"x4\", \"x5\"], \"hyperparameters\": {\"n_estimators\": 20}}",
    "{\"model_type\": \"price_optimization\", \"algorithm\": \"gradient_boosting\", \"target\": \"y\","
    " \"features\": [\"x1\", \"x2\", \"x3\", \"x4\", \"x5\"], \"hyperparameters\": {\"n_estimators\": 20}}",
    "{\"model_type\": \"churn_prediction\", \"algorithm\": \"logistic_regression\", \"target\": \"big\","
    " \"features\": [\"x1\", \"x2\", \"x3\", \"x4\", \"x5\"]}",
  };
  g_autoptr(AxFrame) data = friedman1_full (600, 8, TRUE);

  for (guint k = 0; k < G_N_ELEMENTS (configs); k++)
    {
      g_autoptr(AxFrame) input = frame_select (data, NULL, 200);
      g_autoptr(AxModel) m = train (configs[k], data);
      g_autoptr(GBytes) blob = ax_model_save (m);
      g_autoptr(GError) error = NULL;
      g_autoptr(AxModel) back = ax_model_load (blob, &error);
      g_autoptr(AxPredictions) p = NULL, q = NULL;
      const AxModelReport *r, *rb;

      g_assert_no_error (error);
      g_assert_nonnull (back);
      p = predict_rows (m, input);
      q = predict_rows (back, input);
      assert_same_predictions (p, q);

      /* The report and configuration come back too. */
      r = ax_model_get_report (m);
      rb = ax_model_get_report (back);
      g_assert_cmpuint (r->n_train, ==, rb->n_train);
      g_assert_cmpuint (r->n_test, ==, rb->n_test);
      g_assert_cmpmem (&r->validation->rmse, sizeof (double), &rb->validation->rmse, sizeof (double));
      g_assert_cmpmem (&r->validation->roc_auc, sizeof (double), &rb->validation->roc_auc, sizeof (double));
      g_assert_true ((r->test == NULL) == (rb->test == NULL));
      g_assert_cmpuint (r->curve->len, ==, rb->curve->len);
      g_assert_cmpuint (r->n_importance, ==, rb->n_importance);
      for (guint i = 0; i < r->n_importance; i++)
        g_assert_cmpstr (r->importance[i].feature, ==, rb->importance[i].feature);
      g_assert_cmpstrv (r->class_names, rb->class_names);
      g_assert_cmpuint (ax_model_get_n_inputs (back), ==, ax_model_get_n_inputs (m));
      g_assert_cmpstr (ax_model_get_config (back)->target, ==, ax_model_get_config (m)->target);
      if (r->task == AX_TASK_CLASSIFICATION)
        g_assert_cmpuint (r->validation->confusion[3], ==, rb->validation->confusion[3]);

      /* Saving the loaded model gives the same bytes. */
      {
        g_autoptr(GBytes) again = ax_model_save (back);
        g_assert_true (g_bytes_equal (blob, again));
      }

      if (k == 2)
        {
          /* Lead scores: 100 × the probability of the positive class. */
          g_assert_cmpstr (r->class_names[1], ==, "true");
          for (guint i = 0; i < p->n_rows; i++)
            {
              g_assert_cmpfloat (p->score[i], ==, 100 * p->probability[2 * i + 1]);
              g_assert_cmpfloat (p->score[i], >=, 0);
              g_assert_cmpfloat (p->score[i], <=, 100);
            }
        }
    }
}

static void
test_model_blob_errors (void)
{
  g_autoptr(AxFrame) data = friedman1 (300, 2);
  g_autoptr(AxModel) m = train ("{\"model_type\": \"sales_forecast\", \"algorithm\": "
                                "\"linear_regression\", \"target\": \"y\"}", data);
  g_autoptr(GBytes) blob = ax_model_save (m);
  gsize size;
  const guint8 *bytes = g_bytes_get_data (blob, &size);

  /* Saved by a newer version. */
  {
    g_autofree guint8 *copy = g_memdup2 (bytes, size);
    g_autoptr(GBytes) newer = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(AxModel) none = NULL;

    g_assert_cmpmem (copy, 4, "AXMD", 4);
    copy[4] = 2;
    newer = g_bytes_new (copy, size);
    none = ax_model_load (newer, &error);
    g_assert_null (none);
    g_assert_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_BLOB);
    g_assert_nonnull (strstr (error->message, "saved by a newer version of Auspex"));
  }
  /* Cut short, or not a model at all. */
  {
    g_autoptr(GBytes) cut = g_bytes_new_from_bytes (blob, 0, size / 2);
    g_autoptr(GBytes) other = g_bytes_new_static ("PK\3\4 not a model", 17);
    g_autoptr(GError) error = NULL;
    g_autoptr(AxModel) none = ax_model_load (cut, &error);

    g_assert_null (none);
    g_assert_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_BLOB);
    g_clear_error (&error);
    none = ax_model_load (other, &error);
    g_assert_null (none);
    g_assert_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_BLOB);
  }
}

typedef struct {
  GCancellable *cancellable;
  double        cancel_at;
  double        last;
  guint         calls;
  guint         steps;
  gboolean      backwards;
} Watch;

static void
watch_progress (double      fraction,
                const char *detail,
                gpointer    data)
{
  Watch *w = data;

  w->calls++;
  if (fraction >= 0)
    {
      w->backwards |= fraction + 1e-12 < w->last;
      w->last = fraction;
    }
  if (w->cancellable && fraction >= w->cancel_at)
    g_cancellable_cancel (w->cancellable);
}

static void
watch_step (guint    step,
            guint    n_steps,
            double   score,
            gpointer data)
{
  Watch *w = data;
  g_atomic_int_inc (&w->steps);
}

static void
test_model_progress_cancel (void)
{
  g_autoptr(AxFrame) data = friedman1 (1000, 4);
  g_autoptr(AxModelConfig) c = config_parse (forest_friedman_json);

  /* Progress only goes forward, to 1; steps reach the caller. */
  {
    Watch w = { 0 };
    AxTrainMonitor mon = { watch_progress, &w, watch_step, &w, 0, 0 };
    g_autoptr(GError) error = NULL;
    g_autoptr(AxModel) m = ax_model_train (c, data, &mon, NULL, &error);

    g_assert_no_error (error);
    g_assert_false (w.backwards);
    g_assert_cmpfloat (w.last, ==, 1);
    g_assert_cmpuint (w.steps, ==, 100);
    g_assert_cmpuint (ax_model_get_report (m)->curve->len, ==, 100);
  }

  /* Cancelled at several stages: an error, nothing leaked. */
  for (guint k = 0; k < 4; k++)
    {
      const double at[] = { 0, 0.3, 0.81, 0.9 };
      g_autoptr(GCancellable) cancellable = g_cancellable_new ();
      Watch w = { cancellable, at[k] };
      AxTrainMonitor mon = { watch_progress, &w, NULL, NULL, 0, 0 };
      g_autoptr(GError) error = NULL;
      g_autoptr(AxModel) m = ax_model_train (c, data, &mon, cancellable, &error);

      g_assert_null (m);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    }
}

static void
test_model_determinism (void)
{
  g_autoptr(AxFrame) data = load_csv ("churn.csv");
  g_autoptr(AxFrame) input = frame_select (data, NULL, 300);
#define CHURN_SEED(s) "{\"model_type\": \"churn_prediction\", \"algorithm\": \"random_forest\"," \
                      " \"target\": \"churn\", \"hyperparameters\": {\"n_estimators\": 30}," \
                      " \"random_seed\": " #s "}"
  const char *seed1 = CHURN_SEED (1), *seed2 = CHURN_SEED (2);
  g_autoptr(AxModelConfig) c1 = config_parse (seed1);
  g_autoptr(AxModel) a = train (seed1, data);
  g_autoptr(AxModel) c = train (seed2, data);
  g_autoptr(AxPredictions) pa = predict_rows (a, input);
  g_autoptr(AxPredictions) pc = predict_rows (c, input);

  /* The same seed gives the same model on one thread or many. */
  for (guint threads = 1; threads <= 2; threads++)
    {
      AxTrainMonitor mon = { .n_threads = threads, .seed = 999 };
      g_autoptr(GError) error = NULL;
      g_autoptr(AxModel) b = ax_model_train (c1, data, &mon, NULL, &error);
      g_autoptr(AxPredictions) pb = NULL;

      g_assert_no_error (error);
      pb = predict_rows (b, input);
      assert_same_predictions (pa, pb);
      g_assert_cmpmem (&ax_model_get_report (a)->importance[0].permutation, sizeof (double),
                       &ax_model_get_report (b)->importance[0].permutation, sizeof (double));
    }
  /* Another seed, another model. */
  g_assert_true (memcmp (pa->probability, pc->probability, 300 * 2 * sizeof (double)) != 0);
}

/* Prediction input: matched by name, converted, or an error naming it. */
static void
test_model_predict_input (void)
{
  const char *names[] = { "price", "region", "opened", "promo", "sales" };
  AxColumnType types[] = { AX_COLUMN_REAL, AX_COLUMN_CATEGORICAL, AX_COLUMN_DATE,
                           AX_COLUMN_BOOLEAN, AX_COLUMN_REAL };
  const char *regions[] = { "north", "south", "east" };
  g_autoptr(AxFrame) data = ax_frame_new (5, names, types, 300);
  g_autoptr(AxModel) m = NULL;
  Rng rng = { 21 };

  for (guint i = 0; i < 300; i++)
    {
      guint r = ax_frame_append_row (data);
      double price = 10 + 10 * rng_uniform (&rng);
      guint region = i % 3;
      ax_frame_set_real (data, 0, r, price);
      ax_frame_take_string (data, 1, r, g_strdup (regions[region]));
      ax_frame_set_int (data, 2, r, 19000 + i);
      ax_frame_set_int (data, 3, r, i % 2);
      ax_frame_set_real (data, 4, r, 100 - 3 * price + 10 * region + 5 * (i % 2) + rng_normal (&rng));
    }
  m = train ("{\"model_type\": \"price_optimization\", \"algorithm\": \"linear_regression\","
             " \"target\": \"sales\"}", data);
  g_assert_cmpuint (ax_model_get_n_inputs (m), ==, 4);
  g_assert_cmpstr (ax_model_get_input_name (m, 0), ==, "price");
  g_assert_cmpint (ax_model_get_input_type (m, 2), ==, AX_COLUMN_DATE);

  /* Everything as text, in another order, with an extra column and an
   * unseen region: converted and predicted like the typed values. */
  {
    const char *tnames[] = { "note", "promo", "opened", "region", "price" };
    AxColumnType ttypes[] = { AX_COLUMN_TEXT, AX_COLUMN_TEXT, AX_COLUMN_TEXT, AX_COLUMN_TEXT,
                              AX_COLUMN_TEXT };
    g_autoptr(AxFrame) text = ax_frame_new (5, tnames, ttypes, 3);
    g_autoptr(AxFrame) typed = frame_select (data, NULL, 2);
    g_autoptr(AxPredictions) pt = NULL, pd = NULL;
    g_autoptr(GError) error = NULL;
    char buf[64];

    for (guint i = 0; i < 2; i++)
      {
        guint r = ax_frame_append_row (text);
        ax_frame_take_string (text, 0, r, g_strdup ("ignored"));
        ax_frame_take_string (text, 1, r, g_strdup (i % 2 ? "true" : "false"));
        ax_format_date (19000 + i, buf, sizeof buf);
        ax_frame_take_string (text, 2, r, g_strdup (buf));
        ax_frame_take_string (text, 3, r, g_strdup (regions[i % 3]));
        ax_format_real (data->columns[0].reals[i], buf, sizeof buf);
        ax_frame_take_string (text, 4, r, g_strdup_printf (" %s ", buf));
      }
    pt = ax_model_predict (m, text, &error);
    g_assert_no_error (error);
    pd = predict_rows (m, typed);
    g_assert_cmpmem (pt->value, 2 * sizeof (double), pd->value, 2 * sizeof (double));

    /* An unseen category and a missing value still predict. */
    {
      guint r = ax_frame_append_row (text);
      g_autoptr(AxPredictions) p3 = NULL;
      ax_frame_take_string (text, 3, r, g_strdup ("atlantis"));
      ax_frame_take_string (text, 4, r, g_strdup ("12.5"));
      p3 = ax_model_predict (m, text, &error);
      g_assert_no_error (error);
      g_assert_true (isfinite (p3->value[2]));
      g_assert_cmpfloat (p3->lower[2], <, p3->upper[2]);
    }

    /* A value that is not a number: the row and column are named. */
    {
      g_autoptr(AxPredictions) bad = NULL;
      ax_frame_take_string (text, 4, 1, g_strdup ("12,5 EUR"));
      bad = ax_model_predict (m, text, &error);
      g_assert_null (bad);
      g_assert_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_DATA);
      g_assert_nonnull (strstr (error->message, "Row 2"));
      g_assert_nonnull (strstr (error->message, "“price”"));
      g_assert_nonnull (strstr (error->message, "12,5 EUR"));
      g_clear_error (&error);
      ax_frame_take_string (text, 2, 0, g_strdup ("yesterday"));
      ax_frame_take_string (text, 4, 1, g_strdup ("12.5"));
      bad = ax_model_predict (m, text, &error);
      g_assert_null (bad);
      g_assert_nonnull (strstr (error->message, "Row 1"));
      g_assert_nonnull (strstr (error->message, "“opened”"));
    }
  }

  /* No rows: no predictions, no error. */
  {
    g_autoptr(AxFrame) empty = frame_select (data, NULL, 0);
    g_autoptr(AxPredictions) p = predict_rows (m, empty);
    g_assert_cmpuint (p->n_rows, ==, 0);
  }

  /* A column the model needs is missing. */
  {
    const char *mnames[] = { "price", "region", "promo" };
    AxColumnType mtypes[] = { AX_COLUMN_REAL, AX_COLUMN_CATEGORICAL, AX_COLUMN_BOOLEAN };
    g_autoptr(AxFrame) less = ax_frame_new (3, mnames, mtypes, 1);
    g_autoptr(GError) error = NULL;
    g_autoptr(AxPredictions) p = NULL;

    ax_frame_append_row (less);
    p = ax_model_predict (m, less, &error);
    g_assert_null (p);
    g_assert_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_DATA);
    g_assert_nonnull (strstr (error->message, "“opened”"));
  }
}

/* A time column: calendar features, splits in time order. */
static void
test_model_time_column (void)
{
  const char *names[] = { "day", "spend", "sales" };
  AxColumnType types[] = { AX_COLUMN_DATE, AX_COLUMN_REAL, AX_COLUMN_REAL };
  g_autoptr(AxFrame) data = ax_frame_new (3, names, types, 730);
  g_autoptr(AxModel) m = NULL;
  const AxModelReport *r;
  gboolean has_day = FALSE;
  Rng rng = { 5 };

  /* Two years of daily sales with a weekly pattern; shuffled rows. */
  for (guint i = 0; i < 730; i++)
    {
      guint r2 = ax_frame_append_row (data);
      guint d = (i * 367) % 730;
      double spend = rng_uniform (&rng);
      ax_frame_set_int (data, 0, r2, ax_days_from_civil (2022, 1, 1) + d);
      ax_frame_set_real (data, 1, r2, spend);
      ax_frame_set_real (data, 2, r2, 100 + 20 * ((d + 5) % 7 >= 5) + 30 * spend + rng_normal (&rng));
    }
  m = train ("{\"model_type\": \"sales_forecast\", \"algorithm\": \"random_forest\","
             " \"target\": \"sales\", \"time_column\": \"day\","
             " \"hyperparameters\": {\"n_estimators\": 30}}", data);
  r = ax_model_get_report (m);
  g_assert_cmpuint (r->n_train, ==, 511);
  g_assert_cmpuint (r->n_valid, ==, 146);
  g_assert_cmpuint (r->n_test, ==, 73);
  for (guint i = 0; i < r->n_importance; i++)
    has_day |= g_str_equal (r->importance[i].feature, "day");
  g_assert_true (has_day);
  g_assert_cmpuint (ax_model_get_n_inputs (m), ==, 2);
  /* Weekday and spend explain the future rows too. */
  g_test_message ("time column: test R2 %.3f", r->test->r2);
  g_assert_cmpfloat (r->test->r2, >, 0.8);
}

/* Three classes: temperature scaling, probabilities that sum to one. */
static void
test_model_multiclass (void)
{
  const char *names[] = { "a", "b", "tier" };
  AxColumnType types[] = { AX_COLUMN_REAL, AX_COLUMN_REAL, AX_COLUMN_CATEGORICAL };
  g_autoptr(AxFrame) data = ax_frame_new (3, names, types, 1500);
  g_autoptr(AxModel) m = NULL;
  g_autoptr(AxPredictions) p = NULL;
  const AxModelReport *r;
  Rng rng = { 17 };

  for (guint i = 0; i < 1500; i++)
    {
      guint row = ax_frame_append_row (data);
      double a = rng_uniform (&rng), b = rng_uniform (&rng), s = a + b + 0.3 * rng_normal (&rng);
      ax_frame_set_real (data, 0, row, a);
      ax_frame_set_real (data, 1, row, b);
      ax_frame_take_string (data, 2, row, g_strdup (s < 0.7 ? "bronze" : s < 1.3 ? "silver" : "gold"));
    }
  m = train ("{\"model_type\": \"customer_lifetime_value\", \"algorithm\": \"logistic_regression\","
             " \"target\": \"tier\"}", data);
  r = ax_model_get_report (m);
  g_assert_cmpint (r->task, ==, AX_TASK_CLASSIFICATION);
  g_assert_cmpuint (r->n_classes, ==, 3);
  g_assert_cmpstr (r->class_names[0], ==, "bronze");
  g_assert_cmpstr (r->class_names[2], ==, "silver");
  g_assert_cmpfloat (r->test->accuracy, >, 0.6);
  p = predict_rows (m, data);
  for (guint i = 0; i < p->n_rows; i++)
    {
      const double *pr = p->probability + 3 * i;
      g_assert_cmpfloat_with_epsilon (pr[0] + pr[1] + pr[2], 1, 1e-9);
      g_assert_cmpfloat (p->confidence[i], ==, pr[(guint) p->value[i]]);
      g_assert_cmpfloat (p->confidence[i], >=, 1.0 / 3 - 1e-12);
    }
  g_assert_null (p->score);
}

/* Without a difficulty estimate the ranges are plain split conformal:
 * one width, and still 85-95% coverage. */
static void
test_model_linear_ranges (void)
{
  g_autoptr(AxFrame) data = friedman1 (3000, 12);
  g_autoptr(AxModel) m = train ("{\"model_type\": \"demand_prediction\", \"algorithm\":"
                                " \"linear_regression\", \"target\": \"y\","
                                " \"validation_split\": 0.3, \"test_split\": 0.3}", data);
  guint n_test, covered = 0;
  g_autoptr(AxFrame) test = test_rows (data, NULL, 0, 0.3, 0.3, 42, &n_test);
  g_autoptr(AxPredictions) p = predict_rows (m, test);

  for (guint i = 0; i < p->n_rows; i++)
    {
      double y = test->columns[10].reals[i];
      covered += y >= p->lower[i] && y <= p->upper[i];
      g_assert_cmpfloat_with_epsilon (p->upper[i] - p->lower[i], p->upper[0] - p->lower[0], 1e-9);
    }
  g_test_message ("linear: coverage %.3f of %u", (double) covered / n_test, n_test);
  g_assert_cmpfloat ((double) covered / n_test, >=, 0.85);
  g_assert_cmpfloat ((double) covered / n_test, <=, 0.95);
}

/* Calibration on its own: Platt scaling fixes overconfident scores. */
static void
test_calibrate_classes (void)
{
  const guint n = 20000;
  g_autofree double *prob = g_new (double, 2 * n);
  g_autofree double *y = g_new (double, n);
  g_autofree double *cal_prob = g_new (double, 2 * n);
  g_autoptr(AxCalibration) cal = NULL;
  Rng rng = { 3 };

  /* True probability q; the model says q pushed towards 0 and 1. */
  for (guint i = 0; i < n; i++)
    {
      double q = rng_uniform (&rng);
      double z = 3 * log (q / (1 - q));
      prob[2 * i + 1] = 1 / (1 + exp (-z));
      prob[2 * i] = 1 - prob[2 * i + 1];
      y[i] = rng_uniform (&rng) < q;
    }
  cal = ax_calibration_fit_classes (prob, y, n / 2, 2);
  ax_calibration_apply_classes (cal, prob + n, cal_prob, n / 2);
  g_test_message ("ECE before %.4f, after %.4f",
                  ax_calibration_ece (prob + n, y + n / 2, n / 2, 2, 10),
                  ax_calibration_ece (cal_prob, y + n / 2, n / 2, 2, 10));
  g_assert_cmpfloat (ax_calibration_ece (prob + n, y + n / 2, n / 2, 2, 10), >, 0.08);
  g_assert_cmpfloat (ax_calibration_ece (cal_prob, y + n / 2, n / 2, 2, 10), <, 0.02);
}

/* A range's confidence is the share of the validation scores (absolute
 * residuals here: no spread) at most 0.1 |prediction|, the new row counted
 * among them (k / (n + 1), never 1): checked against a plain count at the
 * scores, between them, below and above them, with repeated scores, for
 * every number of scores up to 40. */
static void
test_calibrate_range_confidence (void)
{
  for (guint n = 1; n <= 40; n++)
    {
      g_autofree double *pred = g_new0 (double, n);
      g_autofree double *y = g_new (double, n);
      g_autofree double *at = g_new (double, 4 * n + 2);
      g_autofree double *lower = g_new (double, 4 * n + 2);
      g_autofree double *upper = g_new (double, 4 * n + 2);
      g_autofree double *conf = g_new (double, 4 * n + 2);
      g_autoptr(AxCalibration) cal = NULL;
      guint m = 0;

      /* Residuals 1, 2, 2, 4, 5, 5, ...: every third one repeated. */
      for (guint i = 0; i < n; i++)
        y[i] = (i % 2 ? -1.0 : 1.0) * (i - i / 3 + 1);
      cal = ax_calibration_fit_range (pred, y, NULL, n, 0.9);
      g_assert_false (ax_calibration_uses_spread (cal));
      for (guint i = 0; i < n; i++)
        {
          double r = i - i / 3 + 1;
          at[m++] = r / AX_CONFIDENCE_TOLERANCE;
          at[m++] = -(r + 0.5) / AX_CONFIDENCE_TOLERANCE;
          at[m++] = (r - 0.25) / AX_CONFIDENCE_TOLERANCE;
          at[m++] = nextafter (r, 0) / AX_CONFIDENCE_TOLERANCE;
        }
      at[m++] = 0;
      at[m++] = 1e9;
      ax_calibration_apply_range (cal, at, NULL, m, lower, upper, conf);
      for (guint j = 0; j < m; j++)
        {
          double t = AX_CONFIDENCE_TOLERANCE * fabs (at[j]);
          guint below = 0;

          for (guint i = 0; i < n; i++)
            below += fabs (y[i]) <= t;
          g_assert_cmpfloat (conf[j], ==, (double) below / (n + 1));
          g_assert_cmpfloat (conf[j], <, 1);
        }
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/model/types", test_model_types);
  g_test_add_func ("/engine/model/config/guide", test_config_guide);
  g_test_add_func ("/engine/model/config/errors", test_config_errors);
  g_test_add_func ("/engine/model/config/data-errors", test_config_data_errors);
  g_test_add_func ("/engine/model/split/random", test_split_random);
  g_test_add_func ("/engine/model/split/stratified", test_split_stratified);
  g_test_add_func ("/engine/model/split/time", test_split_time);
  g_test_add_func ("/engine/model/split/errors", test_split_errors);
  g_test_add_func ("/engine/model/prep/missing", test_prep_missing);
  g_test_add_func ("/engine/model/prep/median", test_prep_median);
  g_test_add_func ("/engine/model/prep/missing-drop", test_prep_missing_drop);
  g_test_add_func ("/engine/model/prep/encoding", test_prep_encoding);
  g_test_add_func ("/engine/model/prep/constant", test_prep_constant);
  g_test_add_func ("/engine/model/prep/normalize", test_prep_normalize);
  g_test_add_func ("/engine/model/prep/variant", test_prep_variant);
  g_test_add_func ("/engine/model/calibrate/classes", test_calibrate_classes);
  g_test_add_func ("/engine/model/calibrate/range-confidence", test_calibrate_range_confidence);
  g_test_add_func ("/engine/model/train/forest-friedman1", test_model_forest_friedman1);
  g_test_add_func ("/engine/model/train/churn", test_model_churn);
  g_test_add_func ("/engine/model/train/time-column", test_model_time_column);
  g_test_add_func ("/engine/model/train/multiclass", test_model_multiclass);
  g_test_add_func ("/engine/model/train/linear-ranges", test_model_linear_ranges);
  g_test_add_func ("/engine/model/train/progress-cancel", test_model_progress_cancel);
  g_test_add_func ("/engine/model/train/determinism", test_model_determinism);
  g_test_add_func ("/engine/model/predict/input", test_model_predict_input);
  g_test_add_func ("/engine/model/save-load/round-trip", test_model_save_load);
  g_test_add_func ("/engine/model/save-load/errors", test_model_blob_errors);

  return g_test_run ();
}
