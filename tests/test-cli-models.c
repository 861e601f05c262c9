/* test-cli-models.c — training, predicting and listing models with auspex-cli
 *
 * Every test runs the built auspex-cli ($AX_CLI) as a real process in a
 * fresh temporary directory holding a project with the shipped churn data
 * ($AX_DATASETS/churn.csv) imported, and judges only what it prints, its
 * exit status and the files it leaves; the project is looked into with
 * SQLite directly.  Models are kept small (a few dozen trees) so that the
 * suite stays quick.  A failure must be one line on stderr naming what is
 * wrong, a non-zero exit, and must leave the project as it was.
 */

#include "ax-config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <locale.h>
#include <math.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>

#include "ax-test-util.h"

/* A project with churn.csv imported as "churn". */
static void
fixture_set_up (Fixture       *fx,
                gconstpointer  data)
{
  g_autofree char *churn = dataset_path ("churn.csv");

  fixture_init (fx, "ax-test-cli-models-XXXXXX");
  g_free (cli_ok (fx, "create", PROJECT, NULL));
  g_free (cli_ok (fx, "import", PROJECT, churn, NULL));
}

#define CHURN_CONFIG \
  "{\"model_name\": \"churn_rf\", \"model_type\": \"churn_prediction\"," \
  " \"description\": \"Customers about to leave\", \"algorithm\": \"random_forest\"," \
  " \"hyperparameters\": {\"n_estimators\": 30, \"max_depth\": 10}," \
  " \"feature_engineering\": {\"normalize\": true, \"handle_missing\": \"mean\"}," \
  " \"dataset\": \"churn\", \"target\": \"churn\"," \
  " \"validation_split\": 0.2, \"test_split\": 0.1}"

/* Trains from @config (written to config.json) and returns the --json
 * answer. */
static JsonNode *
train (Fixture    *fx,
       const char *config)
{
  g_autofree char *out = NULL;

  write_file (fx, "config.json", config, -1);
  out = cli_ok (fx, "train", PROJECT, "--config", "config.json", "--json", NULL);
  return parse_json (out);
}

static JsonNode *
list_models (Fixture *fx)
{
  g_autofree char *out = cli_ok (fx, "models", PROJECT, "--json", NULL);
  JsonNode *root = parse_json (out);

  g_assert_true (JSON_NODE_HOLDS_ARRAY (root));
  return root;
}

static guint
count_models (Fixture *fx)
{
  g_autoptr(JsonNode) list = list_models (fx);

  return json_array_get_length (json_node_get_array (list));
}

static void
assert_fraction (double      v,
                 const char *what)
{
  if (!(v >= 0 && v <= 1))
    check_failed ("%s is %g, not in 0..1", what, v);
}

/* The first data row of churn.csv as the guide's input_data, the target
 * left out; @drop (nullable) leaves out that column too, @replace and
 * @with (nullable) set one member to a raw JSON value. */
static char *
churn_input (const char *drop,
             const char *replace,
             const char *with)
{
  g_autofree char *path = dataset_path ("churn.csv");
  g_autoptr(GPtrArray) rows = read_csv_records (path);
  char **header = g_ptr_array_index (rows, 0);
  char **first = g_ptr_array_index (rows, 1);
  g_autoptr(GString) json = g_string_new ("{");

  for (guint c = 0; header[c]; c++)
    {
      double v;

      if (g_str_equal (header[c], "churn") || g_strcmp0 (header[c], drop) == 0)
        continue;
      if (json->len > 1)
        g_string_append (json, ", ");
      g_string_append_printf (json, "\"%s\": ", header[c]);
      if (g_strcmp0 (header[c], replace) == 0)
        g_string_append (json, with);
      else if (parse_finite (first[c], &v))
        g_string_append (json, first[c]);
      else
        g_string_append_printf (json, "\"%s\"", first[c]);
    }
  g_string_append_c (json, '}');
  return g_string_free (g_steal_pointer (&json), FALSE);
}

/* Checks a --input --json answer: the guide's shape, for classification
 * with @classes. */
static void
assert_response (JsonObject         *r,
                 gint64              model_id,
                 guint               version,
                 const char * const *classes)
{
  JsonObject *value = member_object (r, "predicted_value");
  JsonObject *range = member_object (value, "prediction_range");
  const char *stamp = json_object_get_string_member (r, "prediction_timestamp");

  g_assert_cmpint (json_object_get_int_member (r, "prediction_id"), >, 0);
  g_assert_cmpint (json_object_get_int_member (r, "model_id"), ==, model_id);
  g_assert_cmpint (json_object_get_int_member (r, "model_version"), ==, version);
  assert_fraction (member_number (r, "confidence_score"), "confidence_score");
  g_assert_nonnull (stamp);
  g_assert_true (g_str_has_suffix (stamp, "Z"));
  g_assert_cmpuint (strlen (stamp), ==, strlen ("2024-01-15T10:30:00Z"));

  if (classes)
    {
      JsonObject *probabilities = member_object (value, "probabilities");
      const char *label = json_object_get_string_member (value, "value");
      double sum = 0;

      g_assert_nonnull (label);
      g_assert_true (g_strv_contains (classes, label));
      for (guint k = 0; classes[k]; k++)
        {
          double p = member_number (probabilities, classes[k]);
          assert_fraction (p, "a probability");
          sum += p;
        }
      g_assert_cmpfloat_with_epsilon (sum, 1.0, 1e-6);
      g_assert_cmpuint (json_object_get_size (probabilities), ==, g_strv_length ((char **) classes));
      g_assert_true (json_object_has_member (range, "lower_bound"));
      g_assert_true (json_object_has_member (range, "upper_bound"));
    }
  else
    {
      double v = member_number (value, "value");
      double lower = member_number (range, "lower_bound");
      double upper = member_number (range, "upper_bound");

      if (!(lower <= v && v <= upper))
        check_failed ("the range %g..%g does not hold the prediction %g", lower, upper, v);
    }
}

/* Checks an output file of predict --csv against its input: the input's
 * columns as they were, then the prediction columns.  Returns the number
 * of data rows. */
static guint
assert_output (const char         *input,
               const char         *output,
               const char * const *classes,
               gboolean            has_score)
{
  g_autoptr(GPtrArray) in = read_csv_records (input);
  g_autoptr(GPtrArray) out = read_csv_records (output);
  char **in_header = g_ptr_array_index (in, 0);
  char **header = g_ptr_array_index (out, 0);
  guint n_in = g_strv_length (in_header);
  g_autoptr(GPtrArray) expected = g_ptr_array_new_with_free_func (g_free);
  int prediction, lower, upper, confidence, score;

  for (guint c = 0; c < n_in; c++)
    g_ptr_array_add (expected, g_strdup (in_header[c]));
  g_ptr_array_add (expected, g_strdup ("prediction"));
  g_ptr_array_add (expected, g_strdup ("lower_bound"));
  g_ptr_array_add (expected, g_strdup ("upper_bound"));
  g_ptr_array_add (expected, g_strdup ("confidence"));
  for (guint k = 0; classes && classes[k]; k++)
    g_ptr_array_add (expected, g_strconcat ("probability_", classes[k], NULL));
  if (has_score)
    g_ptr_array_add (expected, g_strdup ("score"));
  g_ptr_array_add (expected, NULL);
  g_assert_cmpstrv (header, (char **) expected->pdata);
  g_assert_cmpuint (out->len, ==, in->len);

  prediction = column_index (header, "prediction");
  lower = column_index (header, "lower_bound");
  upper = column_index (header, "upper_bound");
  confidence = column_index (header, "confidence");
  score = column_index (header, "score");
  for (guint r = 1; r < out->len && !g_test_failed (); r++)
    {
      char **a = g_ptr_array_index (in, r);
      char **b = g_ptr_array_index (out, r);
      double c = NAN, v = NAN, lo = NAN, hi = NAN;

      g_assert_cmpuint (g_strv_length (b), ==, g_strv_length (header));
      for (guint i = 0; i < n_in; i++)
        if (!g_str_equal (a[i], b[i]))
          check_failed ("row %u, column '%s': '%s' came out as '%s'", r, in_header[i], a[i], b[i]);
      if (!parse_finite (b[confidence], &c))
        check_failed ("row %u: the confidence '%s' is not a number", r, b[confidence]);
      assert_fraction (c, "a confidence");
      if (classes)
        {
          double sum = 0;

          g_assert_true (g_strv_contains (classes, b[prediction]));
          for (guint k = 0; classes[k]; k++)
            {
              double p = -1;
              parse_finite (b[confidence + 1 + k], &p);
              assert_fraction (p, "a probability");
              sum += p;
            }
          g_assert_cmpfloat_with_epsilon (sum, 1.0, 1e-6);
          /* A class has no range: the bounds are left empty. */
          g_assert_cmpstr (b[lower], ==, "");
          g_assert_cmpstr (b[upper], ==, "");
        }
      else
        {
          g_assert_true (parse_finite (b[prediction], &v));
          g_assert_true (parse_finite (b[lower], &lo));
          g_assert_true (parse_finite (b[upper], &hi));
          if (!(lo <= v && v <= hi))
            check_failed ("row %u: the range %g..%g does not hold the prediction %g", r, lo, hi, v);
        }
      if (has_score)
        {
          double s = -1;
          g_assert_true (parse_finite (b[score], &s));
          if (!(s >= 0 && s <= 100))
            check_failed ("row %u: the score %g is not in 0..100", r, s);
        }
    }
  return out->len - 1;
}

/* Tests */

static const char *const churn_classes[] = { "no", "yes", NULL };

static void
test_round_trip (Fixture       *fx,
                 gconstpointer  data)
{
  g_autoptr(JsonNode) trained = train (fx, CHURN_CONFIG);
  g_autoptr(JsonNode) retrained = NULL;
  g_autoptr(JsonNode) list = NULL;
  g_autofree char *input = churn_input (NULL, NULL, NULL);
  g_autofree char *churn = dataset_path ("churn.csv");
  g_autofree char *out_path = fixture_path (fx, "out.csv");
  g_autofree char *id_text = NULL;
  g_autofree char *v1 = NULL;
  JsonObject *t = json_node_get_object (trained);
  JsonObject *metrics = member_object (t, "metrics");
  JsonObject *validation = member_object (metrics, "validation");
  JsonObject *test = member_object (metrics, "test");
  gint64 model_id = json_object_get_int_member (t, "model_id");
  gint64 rows;

  /* Training: version 1 of a new model, with metrics on both sides. */
  g_assert_cmpint (model_id, >, 0);
  g_assert_cmpint (json_object_get_int_member (t, "version"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (t, "model_name"), ==, "churn_rf");
  g_assert_cmpstr (json_object_get_string_member (t, "dataset"), ==, "churn");
  g_assert_cmpuint (strlen (json_object_get_string_member (t, "dataset_hash")), ==, 64);
  rows = json_object_get_int_member (t, "n_train") + json_object_get_int_member (t, "n_valid") +
         json_object_get_int_member (t, "n_test");
  g_assert_cmpint (rows, ==, 5000);
  g_assert_cmpint (json_object_get_int_member (t, "n_test"), >, 0);
  assert_fraction (member_number (validation, "accuracy"), "validation accuracy");
  assert_fraction (member_number (test, "accuracy"), "test accuracy");
  assert_fraction (member_number (validation, "roc_auc"), "validation ROC-AUC");
  /* Churn is learnable: a forest does clearly better than guessing. */
  g_assert_cmpfloat (member_number (validation, "accuracy"), >, 0.85);

  list = list_models (fx);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (list)), ==, 1);
  {
    JsonObject *m = json_array_get_object_element (json_node_get_array (list), 0);
    JsonArray *versions = json_object_get_array_member (m, "versions");

    g_assert_cmpint (json_object_get_int_member (m, "id"), ==, model_id);
    g_assert_cmpstr (json_object_get_string_member (m, "name"), ==, "churn_rf");
    g_assert_cmpstr (json_object_get_string_member (m, "model_type"), ==, "churn_prediction");
    g_assert_cmpstr (json_object_get_string_member (m, "algorithm"), ==, "random_forest");
    g_assert_cmpstr (json_object_get_string_member (m, "description"), ==, "Customers about to leave");
    g_assert_cmpint (json_object_get_int_member (m, "active_version"), ==, 1);
    g_assert_cmpuint (json_array_get_length (versions), ==, 1);
    assert_fraction (member_number (member_object (member_object (json_array_get_object_element (versions, 0),
                                                                  "metrics"), "validation"), "accuracy"),
                     "listed validation accuracy");
  }

  /* One prediction, by name, in the guide's shape. */
  {
    g_autofree char *out = cli_ok (fx, "predict", PROJECT, "--model", "churn_rf", "--input", input, "--json", NULL);
    g_autoptr(JsonNode) r = parse_json (out);
    assert_response (json_node_get_object (r), model_id, 1, churn_classes);
  }
  /* ... and without --json, one line for a person. */
  {
    g_autofree char *out = cli_ok (fx, "predict", PROJECT, "--model", "churn_rf", "--input", input, NULL);
    g_assert_nonnull (strstr (out, "churn_rf"));
    g_assert_nonnull (strchr (out, '\n'));
    g_assert_true (strchr (out, '\n')[1] == '\0');
  }
  g_assert_cmpint (project_int (fx, "SELECT count(*) FROM predictions"), ==, 2);

  /* Every row of a file. */
  {
    g_autofree char *out = cli_ok (fx, "predict", PROJECT, "--model", "churn_rf", "--csv", churn,
                                   "--output", "out.csv", "--json", NULL);
    g_autoptr(JsonNode) r = parse_json (out);
    JsonObject *o = json_node_get_object (r);

    g_assert_cmpint (json_object_get_int_member (o, "rows"), ==, 5000);
    g_assert_cmpint (json_object_get_int_member (o, "model_version"), ==, 1);
    /* The model's share of the time: some, and less than the whole. */
    g_assert_cmpfloat (json_object_get_double_member (o, "model_seconds"), >, 0);
    g_assert_cmpfloat (json_object_get_double_member (o, "model_seconds"), <, 60);
    g_assert_cmpuint (assert_output (churn, out_path, churn_classes, FALSE), ==, 5000);
  }
  g_assert_cmpint (project_int (fx, "SELECT count(*) FROM predictions"), ==, 5002);
  g_assert_cmpint (project_int (fx, "SELECT count(*) FROM predictions WHERE json_valid (input) "
                                    "AND json_extract (output, '$.value') IN ('no', 'yes') "
                                    "AND json_extract (input, '$.state') IS NOT NULL"), ==, 5002);
  /* The file's first row, its numbers as the file wrote them. */
  g_assert_cmpint (project_int (fx, "SELECT count(*) FROM predictions WHERE id = 3 "
                                    "AND json_extract (input, '$.total_day_minutes') = 265.1 "
                                    "AND json_extract (input, '$.total_intl_charge') = 2.7 "
                                    "AND json_extract (input, '$.account_length') = 128"), ==, 1);

  /* Training again under the same name: version 2, of the same data. */
  retrained = train (fx, CHURN_CONFIG);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (retrained), "model_id"), ==, model_id);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (retrained), "version"), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (retrained), "dataset_hash"), ==,
                   json_object_get_string_member (t, "dataset_hash"));
  g_clear_pointer (&list, json_node_unref);
  list = list_models (fx);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (list)), ==, 1);
  {
    JsonObject *m = json_array_get_object_element (json_node_get_array (list), 0);
    JsonArray *versions = json_object_get_array_member (m, "versions");
    g_assert_cmpuint (json_array_get_length (versions), ==, 2);
    g_assert_cmpint (json_object_get_int_member (m, "active_version"), ==, 2);
    g_assert_cmpint (json_object_get_int_member (m, "predictions"), ==, 5002);
  }

  /* By id, the active version; with :1, the first one. */
  id_text = g_strdup_printf ("%" G_GINT64_FORMAT, model_id);
  v1 = g_strdup_printf ("%" G_GINT64_FORMAT ":1", model_id);
  {
    g_autofree char *out = cli_ok (fx, "predict", PROJECT, "--model", id_text, "--input", input, "--json", NULL);
    g_autoptr(JsonNode) r = parse_json (out);
    assert_response (json_node_get_object (r), model_id, 2, churn_classes);
  }
  {
    g_autofree char *out = cli_ok (fx, "predict", PROJECT, "--model", v1, "--input", input, "--json", NULL);
    g_autoptr(JsonNode) r = parse_json (out);
    assert_response (json_node_get_object (r), model_id, 1, churn_classes);
  }
  {
    g_autofree char *out = cli_ok (fx, "predict", PROJECT, "--model", "churn_rf:2", "--input", input, "--json", NULL);
    g_autoptr(JsonNode) r = parse_json (out);
    assert_response (json_node_get_object (r), model_id, 2, churn_classes);
  }
  g_assert_cmpint (project_int (fx, "SELECT count(*) FROM predictions WHERE version = 1"), ==, 5003);
  g_assert_cmpint (project_int (fx, "SELECT count(*) FROM predictions WHERE version = 2"), ==, 2);

  /* A person's listing names the model and both versions. */
  {
    g_autofree char *out = cli_ok (fx, "models", PROJECT, NULL);
    g_assert_nonnull (strstr (out, "churn_rf"));
    g_assert_nonnull (strstr (out, "version 1"));
    g_assert_nonnull (strstr (out, "version 2"));
  }
}

/* A number to predict: ranges that hold the prediction. */
static void
test_regression (Fixture       *fx,
                 gconstpointer  data)
{
  g_autoptr(JsonNode) trained = train (fx,
    "{\"model_name\": \"day_charge\", \"model_type\": \"revenue_forecast\","
    " \"algorithm\": \"random_forest\", \"hyperparameters\": {\"n_estimators\": 20},"
    " \"dataset\": \"churn\", \"target\": \"total_day_charge\","
    " \"features\": [\"total_day_minutes\", \"total_day_calls\", \"state\", \"international_plan\"],"
    " \"validation_split\": 0.2, \"test_split\": 0.1}");
  JsonObject *t = json_node_get_object (trained);
  JsonObject *validation = member_object (member_object (t, "metrics"), "validation");
  g_autofree char *input = churn_input (NULL, NULL, NULL);
  g_autofree char *churn = dataset_path ("churn.csv");
  g_autofree char *out_path = fixture_path (fx, "out.csv");
  gint64 model_id = json_object_get_int_member (t, "model_id");

  /* The charge is the minutes times a tariff: nearly exact. */
  g_assert_cmpfloat (member_number (validation, "r2"), >, 0.9);
  g_assert_cmpfloat (member_number (validation, "mae"), >=, 0);
  g_assert_true (json_object_has_member (validation, "rmse"));

  {
    g_autofree char *out = cli_ok (fx, "predict", PROJECT, "--model", "day_charge", "--input", input, "--json", NULL);
    g_autoptr(JsonNode) r = parse_json (out);
    assert_response (json_node_get_object (r), model_id, 1, NULL);
  }
  g_free (cli_ok (fx, "predict", PROJECT, "--model", "day_charge", "--csv", churn, "--output", "out.csv", NULL));
  g_assert_cmpuint (assert_output (churn, out_path, NULL, FALSE), ==, 5000);
}

/* Lead scoring adds a score from 0 to 100. */
static void
test_lead_scoring (Fixture       *fx,
                   gconstpointer  data)
{
  g_autoptr(JsonNode) trained = train (fx,
    "{\"model_name\": \"leads\", \"model_type\": \"lead_scoring\","
    " \"algorithm\": \"random_forest\", \"hyperparameters\": {\"n_estimators\": 10},"
    " \"dataset\": \"churn\", \"target\": \"churn\"}");
  g_autofree char *churn = dataset_path ("churn.csv");
  g_autofree char *out_path = fixture_path (fx, "out.csv");
  g_autofree char *input = churn_input (NULL, NULL, NULL);

  g_assert_cmpint (json_object_get_int_member (json_node_get_object (trained), "version"), ==, 1);
  g_free (cli_ok (fx, "predict", PROJECT, "--model", "leads", "--csv", churn, "--output", "out.csv", NULL));
  g_assert_cmpuint (assert_output (churn, out_path, churn_classes, TRUE), ==, 5000);
  {
    g_autofree char *out = cli_ok (fx, "predict", PROJECT, "--model", "leads", "--input", input, "--json", NULL);
    g_autoptr(JsonNode) r = parse_json (out);
    JsonObject *value = member_object (json_node_get_object (r), "predicted_value");
    double score = member_number (value, "score");
    g_assert_cmpfloat (score, >=, 0);
    g_assert_cmpfloat (score, <=, 100);
  }
}

/* Each configuration error is one line naming the field, and trains
 * nothing. */
static void
test_config_errors (Fixture       *fx,
                    gconstpointer  data)
{
  static const struct { const char *field; const char *config; } cases[] = {
    { "model_type", "{\"model_name\": \"m\", \"model_type\": \"forecast\", \"dataset\": \"churn\", \"target\": \"churn\"}" },
    { "model_type", "{\"model_name\": \"m\", \"dataset\": \"churn\", \"target\": \"churn\"}" },
    { "algorithm", "{\"model_type\": \"churn_prediction\", \"algorithm\": \"magic\", \"dataset\": \"churn\", \"target\": \"churn\"}" },
    { "hyperparameters.max_depth", "{\"model_type\": \"churn_prediction\", \"algorithm\": \"random_forest\","
                                   " \"hyperparameters\": {\"max_depth\": 0}, \"dataset\": \"churn\", \"target\": \"churn\"}" },
    { "hyperparameters.n_estimators", "{\"model_type\": \"churn_prediction\", \"algorithm\": \"random_forest\","
                                      " \"hyperparameters\": {\"n_estimators\": 2.5}, \"dataset\": \"churn\", \"target\": \"churn\"}" },
    { "hyperparameters.colour", "{\"model_type\": \"churn_prediction\", \"algorithm\": \"random_forest\","
                                " \"hyperparameters\": {\"colour\": 3}, \"dataset\": \"churn\", \"target\": \"churn\"}" },
    { "validation_split", "{\"model_type\": \"churn_prediction\", \"validation_split\": 1.5,"
                          " \"dataset\": \"churn\", \"target\": \"churn\"}" },
    { "test_split", "{\"model_type\": \"churn_prediction\", \"test_split\": \"lots\","
                    " \"dataset\": \"churn\", \"target\": \"churn\"}" },
    { "target", "{\"model_type\": \"churn_prediction\", \"dataset\": \"churn\"}" },
    { "target", "{\"model_type\": \"churn_prediction\", \"dataset\": \"churn\", \"target\": \"no_such_column\"}" },
    { "dataset", "{\"model_type\": \"churn_prediction\", \"target\": \"churn\"}" },
    { "dataset", "{\"model_type\": \"churn_prediction\", \"dataset\": \"sales\", \"target\": \"churn\"}" },
    { "features", "{\"model_type\": \"churn_prediction\", \"dataset\": \"churn\", \"target\": \"churn\","
                  " \"features\": [\"state\", \"no_such_column\"]}" },
    { "JSON", "{\"model_type\": \"churn_prediction\", " },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      write_file (fx, "config.json", cases[i].config, -1);
      cli_fails (fx, cases[i].field, "train", PROJECT, "--config", "config.json", NULL);
      cli_fails (fx, cases[i].field, "train", PROJECT, "--config", "config.json", "--json", NULL);
    }
  cli_fails (fx, "missing.json", "train", PROJECT, "--config", "missing.json", NULL);
  cli_fails (fx, "--config", "train", PROJECT, NULL);
  cli_fails (fx, "train", "train", NULL);
  g_assert_cmpuint (count_models (fx), ==, 0);
  g_assert_cmpint (project_int (fx, "SELECT count(*) FROM model_versions"), ==, 0);
}

static void
test_predict_errors (Fixture       *fx,
                     gconstpointer  data)
{
  g_autoptr(JsonNode) trained = train (fx, CHURN_CONFIG);
  g_autofree char *no_minutes = churn_input ("total_day_minutes", NULL, NULL);
  g_autofree char *bad_minutes = churn_input (NULL, "total_day_minutes", "\"lots\"");
  g_autofree char *input = churn_input (NULL, NULL, NULL);
  g_autofree char *out_path = fixture_path (fx, "out.csv");
  g_autofree char *churn = dataset_path ("churn.csv");

  /* Inputs the model needs are named when they are missing or wrong. */
  cli_fails (fx, "total_day_minutes", "predict", PROJECT, "--model", "churn_rf", "--input", no_minutes, NULL);
  cli_fails (fx, "total_day_minutes", "predict", PROJECT, "--model", "churn_rf", "--input", no_minutes, "--json", NULL);
  cli_fails (fx, "total_day_minutes", "predict", PROJECT, "--model", "churn_rf", "--input", bad_minutes, NULL);
  cli_fails (fx, "JSON", "predict", PROJECT, "--model", "churn_rf", "--input", "{\"state\": ", NULL);
  cli_fails (fx, "object", "predict", PROJECT, "--model", "churn_rf", "--input", "[1, 2]", NULL);

  /* A file without a column the model needs. */
  write_file (fx, "partial.csv", "state,account_length\nKS,128\n", -1);
  cli_fails (fx, "area_code", "predict", PROJECT, "--model", "churn_rf", "--csv", "partial.csv",
             "--output", "out.csv", NULL);
  /* A value that is not of its column's type names line and column. */
  {
    g_autoptr(GPtrArray) rows = read_csv_records (churn);
    g_autoptr(GString) text = g_string_new (NULL);
    char **header = g_ptr_array_index (rows, 0);
    int minutes = column_index (header, "total_day_minutes");

    for (guint r = 0; r < 4; r++)
      {
        char **row = g_ptr_array_index (rows, r);
        for (guint c = 0; row[c]; c++)
          g_string_append_printf (text, "%s%s", c ? "," : "",
                                  r == 3 && (int) c == minutes ? "lots" : row[c]);
        g_string_append_c (text, '\n');
      }
    write_file (fx, "bad.csv", text->str, -1);
    cli_fails (fx, "total_day_minutes", "predict", PROJECT, "--model", "churn_rf", "--csv", "bad.csv",
               "--output", "out.csv", NULL);
  }
  g_assert_false (g_file_test (out_path, G_FILE_TEST_EXISTS));

  /* Models and versions that do not exist. */
  cli_fails (fx, "nope", "predict", PROJECT, "--model", "nope", "--input", input, NULL);
  cli_fails (fx, "99", "predict", PROJECT, "--model", "99", "--input", input, NULL);
  cli_fails (fx, "version 9", "predict", PROJECT, "--model", "churn_rf:9", "--input", input, NULL);
  cli_fails (fx, "version", "predict", PROJECT, "--model", "churn_rf:0", "--input", input, NULL);

  /* Usage. */
  cli_fails (fx, "--model", "predict", PROJECT, "--input", input, NULL);
  cli_fails (fx, "--input", "predict", PROJECT, "--model", "churn_rf", NULL);
  cli_fails (fx, "--input", "predict", PROJECT, "--model", "churn_rf", "--input", input, "--csv", churn,
             "--output", "out.csv", NULL);
  cli_fails (fx, "--output", "predict", PROJECT, "--model", "churn_rf", "--csv", churn, NULL);
  cli_fails (fx, "predict", "predict", NULL);
  cli_fails (fx, "models", "models", NULL);
  cli_fails (fx, "missing.auspex", "models", "missing.auspex", NULL);
  cli_fails (fx, "missing.auspex", "predict", "missing.auspex", "--model", "1", "--input", input, NULL);

  /* Not one of them left a prediction behind, nor the file. */
  g_assert_cmpint (project_int (fx, "SELECT count(*) FROM predictions"), ==, 0);
  g_assert_false (g_file_test (out_path, G_FILE_TEST_EXISTS));

  /* A file that is there stays as it was when predicting into it fails. */
  write_file (fx, "out.csv", "precious\n", -1);
  cli_fails (fx, "area_code", "predict", PROJECT, "--model", "churn_rf", "--csv", "partial.csv",
             "--output", "out.csv", NULL);
  {
    g_autofree char *text = NULL;
    g_file_get_contents (out_path, &text, NULL, NULL);
    g_assert_cmpstr (text, ==, "precious\n");
  }
  /* And the project is never an output. */
  cli_fails (fx, "project", "predict", PROJECT, "--model", "churn_rf", "--csv", churn,
             "--output", PROJECT, NULL);
  g_assert_cmpuint (count_models (fx), ==, 1);
}

static void
test_train_interrupted (Fixture       *fx,
                        gconstpointer  data)
{
  static const char *const args[] = { "train", PROJECT, "--config", "config.json", NULL };
  g_autofree char *wal = fixture_path (fx, PROJECT "-wal");
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(CliRun) run = g_new0 (CliRun, 1);
  gint64 deadline, started;

  /* Enough trees to take many seconds, which is ages to wait for a signal
   * sent as soon as training has begun. */
  write_file (fx, "config.json",
              "{\"model_name\": \"slow\", \"model_type\": \"churn_prediction\","
              " \"algorithm\": \"random_forest\", \"hyperparameters\": {\"n_estimators\": 1000, \"max_depth\": 30},"
              " \"dataset\": \"churn\", \"target\": \"churn\"}", -1);
  /* The write-ahead log appears when training opens the project, after
   * the command has set up its signal handling. */
  proc = cli_spawn (fx, args, run);
  started = g_get_monotonic_time ();
  deadline = started + 30 * G_USEC_PER_SEC;
  while (!g_file_test (wal, G_FILE_TEST_EXISTS) && g_get_monotonic_time () < deadline)
    g_usleep (1000);
  g_assert_true (g_file_test (wal, G_FILE_TEST_EXISTS));
  g_usleep (100000);
  g_subprocess_send_signal (proc, SIGINT);
  cli_wait (proc, run);
  g_test_message ("interrupted training ended after %.1f s",
                  (double) (g_get_monotonic_time () - started) / G_USEC_PER_SEC);

  assert_failed (run, "nterrupted");
  g_assert_cmpuint (count_models (fx), ==, 0);
  g_assert_cmpint (project_int (fx, "SELECT count(*) FROM model_versions"), ==, 0);
}

static void
test_empty (Fixture       *fx,
            gconstpointer  data)
{
  g_autofree char *text = cli_ok (fx, "models", PROJECT, NULL);

  g_assert_cmpuint (count_models (fx), ==, 0);
  g_assert_nonnull (strstr (text, "no models"));
}

static void
test_help (Fixture       *fx,
           gconstpointer  data)
{
  static const char *const commands[] = { "train", "predict", "models" };
  g_autofree char *help = cli_ok (fx, "--help", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    g_assert_nonnull (strstr (help, commands[i]));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autofree char *text = cli_ok (fx, commands[i], "--help", NULL);
      g_assert_nonnull (strstr (text, "PROJECT"));
    }
}

/* Actual outcomes recorded from a file, matched to batch predictions on
 * an id the model does not use; a file that cannot be recorded whole is
 * refused whole. */
static void
test_actuals (Fixture       *fx,
              gconstpointer  data)
{
  g_autoptr(GString) sales = g_string_new ("id,price,visits,sales\n");
  g_autoptr(JsonNode) trained = NULL;
  /* The actuals' sum and count, times ten, as recorded. */
  const char *sum_sql = "SELECT CAST(round(total(json_extract(actual, '$')) * 10) AS INTEGER) FROM predictions";
  const char *count_sql = "SELECT count(*) FROM predictions WHERE actual IS NOT NULL";

  for (guint i = 1; i <= 40; i++)
    {
      double price = 1 + (i * 7 % 10), visits = 10 + (i * 13 % 90);
      g_string_append_printf (sales, "%u,%.1f,%.0f,%.1f\n", i, price, visits, 3 * price + 0.5 * visits);
    }
  write_file (fx, "sales.csv", sales->str, -1);
  g_free (cli_ok (fx, "import", PROJECT, "sales.csv", NULL));
  trained = train (fx,
    "{\"model_name\": \"sales_rf\", \"model_type\": \"revenue_forecast\","
    " \"algorithm\": \"random_forest\", \"hyperparameters\": {\"n_estimators\": 10},"
    " \"dataset\": \"sales\", \"target\": \"sales\", \"features\": [\"price\", \"visits\"]}");
  write_file (fx, "new.csv",
              "id,price,visits\n101,4.5,21\n102,5.5,22\n103,6.5,23\n104,7.5,24\n105,1.5,25\n106,2.5,26\n", -1);
  g_free (cli_ok (fx, "predict", PROJECT, "--model", "sales_rf", "--csv", "new.csv", "--output", "out.csv", NULL));
  g_assert_cmpint (project_int (fx, "SELECT count(*) FROM predictions"), ==, 6);

  /* Three rows match (one with its id spelled "102.0"), two match none. */
  write_file (fx, "actuals.csv", "id,actual\n101,40\n102.0,41.5\n103,42\n998,5\n999,6\n", -1);
  {
    g_autofree char *out = cli_ok (fx, "actuals", PROJECT, "--model", "sales_rf", "--csv", "actuals.csv",
                                   "--key", "id", "--value", "actual", NULL);
    g_assert_nonnull (strstr (out, "Recorded 3 actual outcomes"));
    g_assert_nonnull (strstr (out, "rows read: 5"));
    g_assert_nonnull (strstr (out, "matched: 3"));
    g_assert_nonnull (strstr (out, "unmatched: 2"));
  }
  {
    g_autofree char *model = g_strdup_printf ("%" G_GINT64_FORMAT,
                                              json_object_get_int_member (json_node_get_object (trained), "model_id"));
    g_autofree char *out = cli_ok (fx, "actuals", PROJECT, "--model", model, "--csv", "actuals.csv",
                                   "--key", "id", "--value", "actual", "--json", NULL);
    g_autoptr(JsonNode) root = parse_json (out);
    JsonObject *r = json_node_get_object (root);
    g_assert_cmpint (json_object_get_int_member (r, "rows"), ==, 5);
    g_assert_cmpint (json_object_get_int_member (r, "matched"), ==, 3);
    g_assert_cmpint (json_object_get_int_member (r, "unmatched"), ==, 2);
    g_assert_cmpint (json_object_get_int_member (r, "updated"), ==, 3);
  }
  /* Numbers, on the predictions of those ids. */
  g_assert_cmpint (project_int (fx, count_sql), ==, 3);
  g_assert_cmpint (project_int (fx, "SELECT count(*) FROM predictions WHERE json_type(actual) IN ('integer', 'real')"), ==, 3);
  g_assert_cmpint (project_int (fx, "SELECT count(*) FROM predictions WHERE"
                                    " CAST(json_extract(input, '$.id') AS INTEGER) = 102 AND json_extract(actual, '$') = 41.5"), ==, 1);
  g_assert_cmpint (project_int (fx, "SELECT count(*) FROM predictions WHERE actual IS NULL AND"
                                    " CAST(json_extract(input, '$.id') AS INTEGER) >= 104"), ==, 3);
  g_assert_cmpint (project_int (fx, sum_sql), ==, 1235);

  /* Each failure names what is wrong and records nothing, not even the
   * rows that could be read. */
  write_file (fx, "bad.csv", "id,actual\n101,77\n102,n/a\n", -1);
  cli_fails (fx, "id 102: “n/a” in column “actual” is not a number", "actuals", PROJECT, "--model", "sales_rf",
             "--csv", "bad.csv", "--key", "id", "--value", "actual", NULL);
  cli_fails (fx, "“n/a”", "actuals", PROJECT, "--model", "sales_rf",
             "--csv", "bad.csv", "--key", "id", "--value", "actual", "--json", NULL);
  cli_fails (fx, "no column “customer”", "actuals", PROJECT, "--model", "sales_rf",
             "--csv", "actuals.csv", "--key", "customer", "--value", "actual", NULL);
  cli_fails (fx, "no column “sales”", "actuals", PROJECT, "--model", "sales_rf",
             "--csv", "actuals.csv", "--key", "id", "--value", "sales", NULL);
  /* A column of the file that the predictions do not have. */
  cli_fails (fx, "“actual” to match", "actuals", PROJECT, "--model", "sales_rf",
             "--csv", "actuals.csv", "--key", "actual", "--value", "id", NULL);
  cli_fails (fx, "“nope”", "actuals", PROJECT, "--model", "nope",
             "--csv", "actuals.csv", "--key", "id", "--value", "actual", NULL);
  cli_fails (fx, "99", "actuals", PROJECT, "--model", "99",
             "--csv", "actuals.csv", "--key", "id", "--value", "actual", NULL);
  cli_fails (fx, "missing.csv", "actuals", PROJECT, "--model", "sales_rf",
             "--csv", "missing.csv", "--key", "id", "--value", "actual", NULL);
  cli_fails (fx, "--value", "actuals", PROJECT, "--model", "sales_rf", "--csv", "actuals.csv", "--key", "id", NULL);
  g_assert_cmpint (project_int (fx, count_sql), ==, 3);
  g_assert_cmpint (project_int (fx, sum_sql), ==, 1235);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  /* A wrong answer fails its test and the run goes on. */
  g_test_set_nonfatal_assertions ();

  TEST ("/cli/models/round-trip", test_round_trip);
  TEST ("/cli/models/regression", test_regression);
  TEST ("/cli/models/lead-scoring", test_lead_scoring);
  TEST ("/cli/models/config-errors", test_config_errors);
  TEST ("/cli/models/predict-errors", test_predict_errors);
  TEST ("/cli/models/train-interrupted", test_train_interrupted);
  TEST ("/cli/models/empty", test_empty);
  TEST ("/cli/models/help", test_help);
  TEST ("/cli/models/actuals", test_actuals);

  return g_test_run ();
}
