/* ax-model-config.c — the JSON configuration of a predictive model
 *
 * The configuration is the user guide's JSON ("Creating a Predictive
 * Model") plus the fields a desktop model needs: dataset, target,
 * features, time_column, random_seed and prediction_level.  Every error
 * starts with the field it is about ("test_split: ...") so the GUI can put
 * it next to the field and the CLI can print it as is.
 *
 * Defaults: model_name is the model type, algorithm random_forest,
 * normalize standard, handle_missing mean, training_config as in the
 * guide (100, 32, 0.001), validation_split 0.2, test_split 0.1,
 * random_seed 42, prediction_level 0.9.  training_config reaches an
 * algorithm only if it is trained by gradient descent (it has an "epochs"
 * hyperparameter), as hyperparameters the configuration did not set.
 */

#include "ax-config.h"
#include "ax-model.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

static const struct {
  const char *name;
  const char *label;
} model_types[AX_N_MODEL_TYPES] = {
  [AX_MODEL_SALES_FORECAST]          = { "sales_forecast",          N_("Sales forecast") },
  [AX_MODEL_DEMAND_PREDICTION]       = { "demand_prediction",       N_("Demand prediction") },
  [AX_MODEL_CHURN_PREDICTION]        = { "churn_prediction",        N_("Churn prediction") },
  [AX_MODEL_REVENUE_FORECAST]        = { "revenue_forecast",        N_("Revenue forecast") },
  [AX_MODEL_INVENTORY_OPTIMIZATION]  = { "inventory_optimization",  N_("Inventory optimization") },
  [AX_MODEL_CUSTOMER_LIFETIME_VALUE] = { "customer_lifetime_value", N_("Customer lifetime value") },
  [AX_MODEL_PRICE_OPTIMIZATION]      = { "price_optimization",      N_("Price optimization") },
  [AX_MODEL_LEAD_SCORING]            = { "lead_scoring",            N_("Lead scoring") },
};

const char *
ax_model_type_to_string (AxModelType type)
{
  g_return_val_if_fail (type < AX_N_MODEL_TYPES, NULL);
  return model_types[type].name;
}

gboolean
ax_model_type_from_string (const char  *str,
                           AxModelType *out)
{
  if (str == NULL)
    return FALSE;
  for (guint t = 0; t < AX_N_MODEL_TYPES; t++)
    if (strcmp (str, model_types[t].name) == 0)
      {
        if (out)
          *out = t;
        return TRUE;
      }
  return FALSE;
}

const char *
ax_model_type_label (AxModelType type)
{
  g_return_val_if_fail (type < AX_N_MODEL_TYPES, NULL);
  return _(model_types[type].label);
}

/* The keys a configuration may have.  The guide's keys come first. */
static const char *const top_keys[] = {
  "model_name", "model_type", "description", "algorithm", "hyperparameters",
  "feature_engineering", "training_config", "validation_split", "test_split",
  "dataset", "target", "features", "time_column", "random_seed",
  "prediction_level", NULL
};
static const char *const fe_keys[] = {
  "normalize", "handle_missing", "missing_constant", NULL
};
static const char *const tc_keys[] = {
  "epochs", "batch_size", "learning_rate", NULL
};
static const char *const missing_names[] = {
  [AX_MISSING_MEAN] = "mean", [AX_MISSING_MEDIAN] = "median",
  [AX_MISSING_MODE] = "mode", [AX_MISSING_CONSTANT] = "constant",
  [AX_MISSING_DROP] = "drop",
};
static const char *const normalize_names[] = {
  [AX_NORMALIZE_STANDARD] = "standard", [AX_NORMALIZE_MINMAX] = "minmax",
  [AX_NORMALIZE_NONE] = "none",
};

/* Edit distance, to suggest the key a typo was meant to be. */
static guint
edit_distance (const char *a,
               const char *b)
{
  gsize la = strlen (a), lb = strlen (b);
  g_autofree guint *row = g_new (guint, lb + 1);

  for (gsize j = 0; j <= lb; j++)
    row[j] = j;
  for (gsize i = 1; i <= la; i++)
    {
      guint diag = row[0];
      row[0] = i;
      for (gsize j = 1; j <= lb; j++)
        {
          guint up = row[j];
          guint best = MIN (row[j] + 1, row[j - 1] + 1);
          row[j] = MIN (best, diag + (a[i - 1] != b[j - 1]));
          diag = up;
        }
    }
  return row[lb];
}

static gboolean
check_keys (JsonObject         *obj,
            const char         *prefix,
            const char *const  *allowed,
            GError            **error)
{
  g_autoptr(GList) members = json_object_get_members (obj);

  for (GList *l = members; l; l = l->next)
    {
      const char *key = l->data;
      const char *best = NULL;
      guint best_d = G_MAXUINT;

      if (g_strv_contains (allowed, key))
        continue;
      for (guint i = 0; allowed[i]; i++)
        {
          guint d = edit_distance (key, allowed[i]);
          if (d < best_d)
            best_d = d, best = allowed[i];
        }
      if (best && best_d <= 2)
        g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                     _("%s%s: unknown key; did you mean “%s”?"), prefix, key, best);
      else
        {
          g_autofree char *list = g_strjoinv (", ", (char **) allowed);
          g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                       _("%s%s: unknown key; the keys are %s"), prefix, key, list);
        }
      return FALSE;
    }
  return TRUE;
}

static gboolean
get_string (JsonObject  *obj,
            const char  *key,
            const char  *field,
            char       **out,
            GError     **error)
{
  JsonNode *node = json_object_get_member (obj, key);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                   _("%s: must be a string"), field);
      return FALSE;
    }
  g_free (*out);
  *out = g_strdup (json_node_get_string (node));
  return TRUE;
}

static gboolean
node_is_number (JsonNode *node)
{
  GType t;

  if (!JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  t = json_node_get_value_type (node);
  return t == G_TYPE_INT64 || t == G_TYPE_DOUBLE;
}

/* Reads a number in [min, max]; @integer refuses fractions. */
static gboolean
get_number (JsonObject  *obj,
            const char  *key,
            const char  *field,
            double       min,
            double       max,
            gboolean     integer,
            double      *out,
            gboolean    *given,
            GError     **error)
{
  JsonNode *node = json_object_get_member (obj, key);
  double v;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!node_is_number (node))
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                   integer ? _("%s: must be a whole number") : _("%s: must be a number"),
                   field);
      return FALSE;
    }
  v = json_node_get_double (node);
  if (integer && v != floor (v))
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                   _("%s: must be a whole number, not %g"), field, v);
      return FALSE;
    }
  if (!(v >= min && v <= max))
    {
      if (max >= 1e15)
        g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                     _("%s: must be at least %g, not %g"), field, min, v);
      else
        g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                     _("%s: must be between %g and %g, not %g"), field, min, max, v);
      return FALSE;
    }
  *out = v;
  if (given)
    *given = TRUE;
  return TRUE;
}

static JsonObject *
get_object (JsonObject  *obj,
            const char  *key,
            GError     **error)
{
  JsonNode *node = json_object_get_member (obj, key);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                   _("%s: must be an object ({ ... })"), key);
      return NULL;
    }
  return json_node_get_object (node);
}

static gboolean
parse_feature_engineering (AxModelConfig  *c,
                           JsonObject     *fe,
                           GError        **error)
{
  JsonNode *node;

  if (!check_keys (fe, "feature_engineering.", fe_keys, error))
    return FALSE;

  node = json_object_get_member (fe, "normalize");
  if (node && !JSON_NODE_HOLDS_NULL (node))
    {
      GType t = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;
      gboolean ok = FALSE;

      if (t == G_TYPE_BOOLEAN)
        {
          c->normalize = json_node_get_boolean (node) ? AX_NORMALIZE_STANDARD : AX_NORMALIZE_NONE;
          ok = TRUE;
        }
      else if (t == G_TYPE_STRING)
        for (guint i = 0; i < G_N_ELEMENTS (normalize_names); i++)
          if (strcmp (json_node_get_string (node), normalize_names[i]) == 0)
            {
              c->normalize = i;
              ok = TRUE;
            }
      if (!ok)
        {
          g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                       _("feature_engineering.normalize: use true, false, "
                         "\"standard\", \"minmax\" or \"none\""));
          return FALSE;
        }
    }

  node = json_object_get_member (fe, "handle_missing");
  if (node && !JSON_NODE_HOLDS_NULL (node))
    {
      gboolean ok = FALSE;

      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        for (guint i = 0; i < G_N_ELEMENTS (missing_names); i++)
          if (strcmp (json_node_get_string (node), missing_names[i]) == 0)
            {
              c->handle_missing = i;
              ok = TRUE;
            }
      if (!ok)
        {
          g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                       _("feature_engineering.handle_missing: use \"mean\", \"median\", "
                         "\"mode\", \"constant\" or \"drop\""));
          return FALSE;
        }
    }

  return get_number (fe, "missing_constant", "feature_engineering.missing_constant",
                     -G_MAXDOUBLE, G_MAXDOUBLE, FALSE, &c->missing_constant, NULL, error);
}

/* Reads "hyperparameters" into @given, and training_config into @given
 * for an algorithm trained by gradient descent (one that has "epochs"). */
static gboolean
parse_hyperparameters (JsonObject  *hp,
                       AxParams    *given,
                       GError     **error)
{
  g_autoptr(GList) members = hp ? json_object_get_members (hp) : NULL;

  for (GList *l = members; l; l = l->next)
    {
      const char *key = l->data;
      JsonNode *node = json_object_get_member (hp, key);
      GType t = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;

      if (JSON_NODE_HOLDS_NULL (node))
        continue;
      if (t == G_TYPE_INT64 || t == G_TYPE_DOUBLE)
        ax_params_set_number (given, key, json_node_get_double (node));
      else if (t == G_TYPE_BOOLEAN)
        ax_params_set_number (given, key, json_node_get_boolean (node) ? 1 : 0);
      else if (t == G_TYPE_STRING)
        ax_params_set_string (given, key, json_node_get_string (node));
      else
        {
          g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                       _("hyperparameters.%s: must be a number, true/false or a string"), key);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
algorithm_has_param (const AxAlgorithm *algo,
                     const char        *name)
{
  for (const AxParamSpec *s = algo->params; s && s->name; s++)
    if (strcmp (s->name, name) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
parse_features (AxModelConfig  *c,
                JsonNode       *node,
                GError        **error)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  JsonArray *arr;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                   _("features: must be a list of column names"));
      return FALSE;
    }
  arr = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (arr); i++)
    {
      JsonNode *el = json_array_get_element (arr, i);
      const char *name;

      if (!JSON_NODE_HOLDS_VALUE (el) || json_node_get_value_type (el) != G_TYPE_STRING ||
          *(name = json_node_get_string (el)) == '\0')
        {
          g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                       _("features: item %u must be a column name"), i + 1);
          return FALSE;
        }
      for (guint j = 0; j < names->len; j++)
        if (strcmp (names->pdata[j], name) == 0)
          {
            g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                         _("features: “%s” is listed twice"), name);
            return FALSE;
          }
      g_ptr_array_add (names, g_strdup (name));
    }
  if (names->len == 0)
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                   _("features: name at least one column, or leave the key out "
                     "to use every column"));
      return FALSE;
    }
  g_ptr_array_add (names, NULL);
  c->features = (char **) g_ptr_array_steal (names, NULL);
  return TRUE;
}

static AxModelConfig *
config_new_defaults (void)
{
  AxModelConfig *c = g_new0 (AxModelConfig, 1);

  c->normalize = AX_NORMALIZE_STANDARD;
  c->handle_missing = AX_MISSING_MEAN;
  c->missing_constant = 0;
  c->epochs = 100;
  c->batch_size = 32;
  c->learning_rate = 0.001;
  c->validation_split = 0.2;
  c->test_split = 0.1;
  c->random_seed = 42;
  c->prediction_level = 0.9;
  return c;
}

static gboolean
parse_config (AxModelConfig  *c,
              JsonObject     *root,
              GError        **error)
{
  g_autofree char *type = NULL;
  g_autoptr(AxParams) given = ax_params_new ();
  const AxAlgorithm *algo;
  JsonObject *obj;
  gboolean epochs_set = FALSE, batch_set = FALSE, lr_set = FALSE;
  double v;

  if (!check_keys (root, "", top_keys, error))
    return FALSE;

  if (!get_string (root, "model_type", "model_type", &type, error))
    return FALSE;
  if (type == NULL)
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                   _("model_type: is required"));
      return FALSE;
    }
  if (!ax_model_type_from_string (type, &c->model_type))
    {
      g_autoptr(GString) list = g_string_new (NULL);
      for (guint t = 0; t < AX_N_MODEL_TYPES; t++)
        g_string_append_printf (list, "%s%s", t ? ", " : "", model_types[t].name);
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                   _("model_type: “%s” is not a model type; use one of %s"), type, list->str);
      return FALSE;
    }

  if (!get_string (root, "model_name", "model_name", &c->model_name, error) ||
      !get_string (root, "description", "description", &c->description, error) ||
      !get_string (root, "algorithm", "algorithm", &c->algorithm, error) ||
      !get_string (root, "dataset", "dataset", &c->dataset, error) ||
      !get_string (root, "target", "target", &c->target, error) ||
      !get_string (root, "time_column", "time_column", &c->time_column, error))
    return FALSE;
  if (c->model_name == NULL || *c->model_name == '\0')
    {
      g_free (c->model_name);
      c->model_name = g_strdup (model_types[c->model_type].name);
    }
  if (c->algorithm == NULL)
    c->algorithm = g_strdup ("random_forest");
  if (c->target == NULL || *c->target == '\0')
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                   _("target: is required: name the column to predict"));
      return FALSE;
    }
  if (c->time_column && *c->time_column == '\0')
    g_clear_pointer (&c->time_column, g_free);
  if (c->time_column && strcmp (c->time_column, c->target) == 0)
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                   _("time_column: “%s” is the target; choose the column that orders the rows"),
                   c->time_column);
      return FALSE;
    }

  algo = ax_algorithm_find (c->algorithm);
  if (algo == NULL)
    {
      g_autoptr(GString) list = g_string_new (NULL);
      const AxAlgorithm *const *all = ax_algorithm_list ();
      for (guint i = 0; all[i]; i++)
        g_string_append_printf (list, "%s%s", i ? ", " : "", all[i]->name);
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                   _("algorithm: “%s” is not an algorithm; use one of %s"),
                   c->algorithm, list->str);
      return FALSE;
    }
  if ((c->model_type == AX_MODEL_CHURN_PREDICTION || c->model_type == AX_MODEL_LEAD_SCORING) &&
      !algo->classification)
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                   _("algorithm: %s predicts numbers and cannot predict classes for %s; "
                     "use a classification algorithm such as random_forest"),
                   algo->name, model_types[c->model_type].name);
      return FALSE;
    }

  if (!parse_features (c, json_object_get_member (root, "features"), error))
    return FALSE;
  if (c->features && g_strv_contains ((const char *const *) c->features, c->target))
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                   _("features: “%s” is the target and cannot also be a feature"), c->target);
      return FALSE;
    }

  obj = get_object (root, "feature_engineering", error);
  if (obj == NULL && error && *error)
    return FALSE;
  if (obj && !parse_feature_engineering (c, obj, error))
    return FALSE;

  obj = get_object (root, "training_config", error);
  if (obj == NULL && error && *error)
    return FALSE;
  if (obj)
    {
      double epochs = c->epochs, batch = c->batch_size;

      if (!check_keys (obj, "training_config.", tc_keys, error) ||
          !get_number (obj, "epochs", "training_config.epochs", 1, 1000000, TRUE,
                       &epochs, &epochs_set, error) ||
          !get_number (obj, "batch_size", "training_config.batch_size", 1, 1000000, TRUE,
                       &batch, &batch_set, error) ||
          !get_number (obj, "learning_rate", "training_config.learning_rate", 1e-12, 1000, FALSE,
                       &c->learning_rate, &lr_set, error))
        return FALSE;
      c->epochs = (guint) epochs;
      c->batch_size = (guint) batch;
    }

  if (!get_number (root, "validation_split", "validation_split", 0, 1, FALSE,
                   &c->validation_split, NULL, error) ||
      !get_number (root, "test_split", "test_split", 0, 1, FALSE,
                   &c->test_split, NULL, error) ||
      !get_number (root, "prediction_level", "prediction_level", 0.5, 0.999, FALSE,
                   &c->prediction_level, NULL, error))
    return FALSE;
  if (c->validation_split <= 0)
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                   _("validation_split: must be above 0: the validation rows score the "
                     "model and calibrate its ranges and confidence"));
      return FALSE;
    }
  if (c->validation_split + c->test_split >= 1)
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                   _("validation_split: validation_split + test_split is %g and leaves "
                     "no rows to train on; keep the sum below 1"),
                   c->validation_split + c->test_split);
      return FALSE;
    }
  v = c->random_seed;
  if (!get_number (root, "random_seed", "random_seed", 0, 9007199254740992.0, TRUE,
                   &v, NULL, error))
    return FALSE;
  c->random_seed = (guint64) v;

  obj = get_object (root, "hyperparameters", error);
  if (obj == NULL && error && *error)
    return FALSE;
  if (!parse_hyperparameters (obj, given, error))
    return FALSE;
  /* training_config drives the algorithms trained by gradient descent;
   * an explicit hyperparameter of the same name wins. */
  if (algorithm_has_param (algo, "epochs"))
    {
      if (epochs_set && !ax_params_has (given, "epochs"))
        ax_params_set_number (given, "epochs", c->epochs);
      if (batch_set && algorithm_has_param (algo, "batch_size") && !ax_params_has (given, "batch_size"))
        ax_params_set_number (given, "batch_size", c->batch_size);
      if (lr_set && algorithm_has_param (algo, "learning_rate") && !ax_params_has (given, "learning_rate"))
        ax_params_set_number (given, "learning_rate", c->learning_rate);
    }
  c->hyperparameters = ax_algorithm_check_params (algo, given, error);
  return c->hyperparameters != NULL;
}

AxModelConfig *
ax_model_config_from_json (const char  *json,
                           GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(AxModelConfig) c = config_new_defaults ();
  g_autoptr(GError) local = NULL;
  JsonNode *root;

  g_return_val_if_fail (json != NULL, NULL);

  if (!json_parser_load_from_data (parser, json, -1, &local))
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                   _("The configuration is not valid JSON: %s"), local->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                   _("The configuration must be a JSON object ({ ... })"));
      return NULL;
    }
  if (!parse_config (c, json_node_get_object (root), error))
    return NULL;
  return g_steal_pointer (&c);
}

static void
add_params (JsonBuilder       *b,
            const AxAlgorithm *algo,
            const AxParams    *params)
{
  json_builder_set_member_name (b, "hyperparameters");
  json_builder_begin_object (b);
  for (const AxParamSpec *s = algo ? algo->params : NULL; s && s->name; s++)
    {
      const char *str;

      if (!ax_params_has (params, s->name))
        continue;
      json_builder_set_member_name (b, s->name);
      str = ax_params_get_string (params, s->name);
      if (str)
        json_builder_add_string_value (b, str);
      else if (s->type == AX_PARAM_BOOL)
        json_builder_add_boolean_value (b, ax_params_get_number (params, s->name) != 0);
      else if (s->type == AX_PARAM_INT)
        json_builder_add_int_value (b, (gint64) ax_params_get_number (params, s->name));
      else
        json_builder_add_double_value (b, ax_params_get_number (params, s->name));
    }
  json_builder_end_object (b);
}

char *
ax_model_config_to_json (const AxModelConfig *c)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (c != NULL, NULL);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "model_name");
  json_builder_add_string_value (b, c->model_name);
  json_builder_set_member_name (b, "model_type");
  json_builder_add_string_value (b, ax_model_type_to_string (c->model_type));
  if (c->description)
    {
      json_builder_set_member_name (b, "description");
      json_builder_add_string_value (b, c->description);
    }
  json_builder_set_member_name (b, "algorithm");
  json_builder_add_string_value (b, c->algorithm);
  add_params (b, ax_algorithm_find (c->algorithm), c->hyperparameters);

  json_builder_set_member_name (b, "feature_engineering");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "normalize");
  json_builder_add_string_value (b, normalize_names[c->normalize]);
  json_builder_set_member_name (b, "handle_missing");
  json_builder_add_string_value (b, missing_names[c->handle_missing]);
  json_builder_set_member_name (b, "missing_constant");
  json_builder_add_double_value (b, c->missing_constant);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "training_config");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "epochs");
  json_builder_add_int_value (b, c->epochs);
  json_builder_set_member_name (b, "batch_size");
  json_builder_add_int_value (b, c->batch_size);
  json_builder_set_member_name (b, "learning_rate");
  json_builder_add_double_value (b, c->learning_rate);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "validation_split");
  json_builder_add_double_value (b, c->validation_split);
  json_builder_set_member_name (b, "test_split");
  json_builder_add_double_value (b, c->test_split);
  if (c->dataset)
    {
      json_builder_set_member_name (b, "dataset");
      json_builder_add_string_value (b, c->dataset);
    }
  json_builder_set_member_name (b, "target");
  json_builder_add_string_value (b, c->target);
  if (c->features)
    {
      json_builder_set_member_name (b, "features");
      json_builder_begin_array (b);
      for (guint i = 0; c->features[i]; i++)
        json_builder_add_string_value (b, c->features[i]);
      json_builder_end_array (b);
    }
  if (c->time_column)
    {
      json_builder_set_member_name (b, "time_column");
      json_builder_add_string_value (b, c->time_column);
    }
  json_builder_set_member_name (b, "random_seed");
  json_builder_add_int_value (b, (gint64) c->random_seed);
  json_builder_set_member_name (b, "prediction_level");
  json_builder_add_double_value (b, c->prediction_level);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  return json_generator_to_data (gen, NULL);
}

AxModelConfig *
ax_model_config_copy (const AxModelConfig *c)
{
  const AxAlgorithm *algo;
  AxModelConfig *copy;

  g_return_val_if_fail (c != NULL, NULL);

  copy = g_new0 (AxModelConfig, 1);
  *copy = *c;
  copy->model_name = g_strdup (c->model_name);
  copy->description = g_strdup (c->description);
  copy->algorithm = g_strdup (c->algorithm);
  copy->dataset = g_strdup (c->dataset);
  copy->target = g_strdup (c->target);
  copy->features = g_strdupv (c->features);
  copy->time_column = g_strdup (c->time_column);
  copy->hyperparameters = NULL;
  if (c->hyperparameters)
    {
      copy->hyperparameters = ax_params_new ();
      algo = ax_algorithm_find (c->algorithm);
      for (const AxParamSpec *s = algo ? algo->params : NULL; s && s->name; s++)
        {
          const char *str;

          if (!ax_params_has (c->hyperparameters, s->name))
            continue;
          str = ax_params_get_string (c->hyperparameters, s->name);
          if (str)
            ax_params_set_string (copy->hyperparameters, s->name, str);
          else
            ax_params_set_number (copy->hyperparameters, s->name,
                                  ax_params_get_number (c->hyperparameters, s->name));
        }
    }
  return copy;
}

void
ax_model_config_free (AxModelConfig *c)
{
  if (c == NULL)
    return;
  g_free (c->model_name);
  g_free (c->description);
  g_free (c->algorithm);
  g_clear_pointer (&c->hyperparameters, ax_params_free);
  g_free (c->dataset);
  g_free (c->target);
  g_strfreev (c->features);
  g_free (c->time_column);
  g_free (c);
}
