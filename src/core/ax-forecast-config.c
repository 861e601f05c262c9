/* ax-forecast-config.c — the configuration of a forecast model */

#include "ax-config.h"
#include "ax-forecast-job-private.h"
#include "ax-train-private.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

gboolean
ax_forecast_is_model_type (AxModelType type)
{
  return type == AX_MODEL_SALES_FORECAST || type == AX_MODEL_REVENUE_FORECAST ||
         type == AX_MODEL_DEMAND_PREDICTION || type == AX_MODEL_INVENTORY_OPTIMIZATION;
}

gboolean
ax_forecast_config_applies (const char *config_json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root;
  JsonNode *node;
  AxModelType type;

  if (config_json == NULL || !json_parser_load_from_data (parser, config_json, -1, NULL))
    return FALSE;
  node = json_parser_get_root (parser);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return FALSE;
  root = json_node_get_object (node);
  node = json_object_get_member (root, "model_type");
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING ||
      !ax_model_type_from_string (json_node_get_string (node), &type) || !ax_forecast_is_model_type (type))
    return FALSE;
  node = json_object_get_member (root, "time_column");
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING ||
      *json_node_get_string (node) == '\0')
    return FALSE;
  /* With features it is a regression on them whose splits follow time. */
  node = json_object_get_member (root, "features");
  return node == NULL || JSON_NODE_HOLDS_NULL (node);
}

/* The configuration */


void
ax_forecast_config_free (AxForecastConfig *c)
{
  g_free (c->model_name);
  g_free (c->description);
  g_free (c->algorithm);
  g_free (c->dataset);
  g_free (c->target);
  g_free (c->time_column);
  g_free (c->group_by);
  g_free (c->ets_model);
  g_free (c->ml_algorithm);
  g_clear_pointer (&c->ml_params, ax_params_free);
  g_clear_pointer (&c->hyperparameters, json_node_unref);
  g_clear_pointer (&c->notes, g_ptr_array_unref);
  g_free (c);
}


static const char *const top_keys[] = {
  "model_name", "model_type", "description", "algorithm", "hyperparameters",
  "feature_engineering", "training_config", "validation_split", "test_split",
  "dataset", "target", "time_column", "group_by", "horizon", "frequency", "aggregate",
  "gaps_are_zero", "prediction_level", "prediction_levels", "random_seed", NULL
};
static const char *const forecast_params[] = {
  "ets_model", "period", "multi_seasonal", "backtest_origins", "n_paths", NULL
};
static const char *const tc_keys[] = {
  "service_level", "lead_time", "holding_cost", "ordering_cost", "annual_demand",
  "epochs", "batch_size", "learning_rate", NULL
};

static gboolean
check_keys (JsonObject         *obj,
            const char         *prefix,
            const char *const  *allowed,
            GError            **error)
{
  g_autoptr(GList) members = json_object_get_members (obj);

  for (GList *l = members; l; l = l->next)
    if (!g_strv_contains (allowed, l->data))
      {
        g_autofree char *list = g_strjoinv (", ", (char **) allowed);
        g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                     _("%s%s: unknown key for a forecast model; the keys are %s"),
                     prefix, (const char *) l->data, list);
        return FALSE;
      }
  return TRUE;
}

static gboolean
get_string (JsonObject  *obj,
            const char  *key,
            char       **out,
            GError     **error)
{
  JsonNode *node = json_object_get_member (obj, key);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG, _("%s: must be a string"), key);
      return FALSE;
    }
  g_free (*out);
  *out = *json_node_get_string (node) ? g_strdup (json_node_get_string (node)) : NULL;
  return TRUE;
}

/* Reads number @key of @obj, named @field in errors, into @out when it is
 * there: within [min, max], whole when @integer. */
static gboolean
get_number (JsonObject  *obj,
            const char  *key,
            const char  *field,
            double       min,
            double       max,
            gboolean     integer,
            double      *out,
            GError     **error)
{
  JsonNode *node = json_object_get_member (obj, key);
  GType t;
  double v;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  t = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;
  if (t != G_TYPE_INT64 && t != G_TYPE_DOUBLE)
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                   integer ? _("%s: must be a whole number") : _("%s: must be a number"), field);
      return FALSE;
    }
  v = json_node_get_double (node);
  if ((integer && v != floor (v)) || !(v >= min && v <= max))
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                   integer ? _("%s: must be a whole number between %g and %g, not %g")
                           : _("%s: must be between %g and %g, not %g"),
                   field, min, max, v);
      return FALSE;
    }
  *out = v;
  return TRUE;
}

static gboolean
get_boolean (JsonObject  *obj,
             const char  *key,
             const char  *field,
             gboolean    *out,
             GError     **error)
{
  JsonNode *node = json_object_get_member (obj, key);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG, _("%s: must be true or false"), field);
      return FALSE;
    }
  *out = json_node_get_boolean (node);
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
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG, _("%s: must be an object ({ ... })"), key);
      return NULL;
    }
  return json_node_get_object (node);
}

static gboolean
parse_algorithm (AxForecastConfig  *c,
                 GError         **error)
{
  AxForecastOptions *o = &c->request.options;

  if (c->algorithm == NULL)
    c->algorithm = g_strdup ("auto");
  if (ax_forecast_method_from_string (c->algorithm, &o->method))
    return TRUE;
  if (ax_algorithm_find (c->algorithm) != NULL)
    {
      /* A learning algorithm forecasts as the ml method does. */
      o->method = AX_FORECAST_ML;
      c->ml_algorithm = g_strdup (c->algorithm);
      return TRUE;
    }
  {
    g_autoptr(GString) list = g_string_new (NULL);
    const AxAlgorithm *const *all = ax_algorithm_list ();

    for (guint m = 0; m < AX_N_FORECAST_METHODS; m++)
      g_string_append_printf (list, "%s%s", m ? ", " : "", ax_forecast_method_to_string (m));
    for (guint i = 0; all[i]; i++)
      if (all[i]->regression)
        g_string_append_printf (list, ", %s", all[i]->name);
    g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                 _("algorithm: “%s” is not a forecasting method; use one of %s"),
                 c->algorithm, list->str);
    return FALSE;
  }
}

/* hyperparameters: the forecaster's own, and for the ml method its
 * algorithm's. */
static gboolean
parse_hyperparameters (AxForecastConfig  *c,
                       JsonObject      *hp,
                       GError         **error)
{
  AxForecastOptions *o = &c->request.options;
  g_autoptr(AxParams) given = ax_params_new ();
  g_autoptr(GList) members = hp ? json_object_get_members (hp) : NULL;
  const AxAlgorithm *algo = NULL;
  double v;

  if (hp == NULL && o->method != AX_FORECAST_ML)
    return TRUE;
  if (hp)
    {
      c->hyperparameters = json_node_new (JSON_NODE_OBJECT);
      json_node_set_object (c->hyperparameters, hp);
      if (!get_string (hp, "ets_model", &c->ets_model, error))
        return FALSE;
      o->ets_model = c->ets_model;
      v = o->period;
      if (!get_number (hp, "period", "hyperparameters.period", 0, 100000, TRUE, &v, error))
        return FALSE;
      o->period = (guint) v;
      if (!get_boolean (hp, "multi_seasonal", "hyperparameters.multi_seasonal", &o->multi_seasonal, error))
        return FALSE;
      v = o->backtest_origins;
      if (!get_number (hp, "backtest_origins", "hyperparameters.backtest_origins", 1, 100, TRUE, &v, error))
        return FALSE;
      o->backtest_origins = (guint) v;
      v = o->n_paths;
      if (!get_number (hp, "n_paths", "hyperparameters.n_paths", 100, 1000000, TRUE, &v, error))
        return FALSE;
      o->n_paths = (guint) v;
    }

  if (o->method == AX_FORECAST_ML)
    algo = ax_algorithm_find (c->ml_algorithm ? c->ml_algorithm : "gradient_boosting");
  for (GList *l = members; l; l = l->next)
    {
      const char *key = l->data;
      JsonNode *node = json_object_get_member (hp, key);
      GType t = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;

      if (g_strv_contains (forecast_params, key) || JSON_NODE_HOLDS_NULL (node))
        continue;
      if (algo == NULL)
        {
          g_autofree char *list = g_strjoinv (", ", (char **) forecast_params);
          g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                       _("hyperparameters.%s: not a setting of the “%s” forecast; its settings are %s"),
                       key, c->algorithm, list);
          return FALSE;
        }
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
  if (algo)
    {
      c->ml_params = ax_algorithm_check_params (algo, given, error);
      if (c->ml_params == NULL)
        return FALSE;
      o->ml_algorithm = algo->name;
      o->ml_params = c->ml_params;
    }
  return TRUE;
}

static gboolean
parse_levels (AxForecastConfig  *c,
              JsonObject      *root,
              GError         **error)
{
  JsonNode *list = json_object_get_member (root, "prediction_levels");
  JsonNode *one = json_object_get_member (root, "prediction_level");
  g_autoptr(GString) text = g_string_new (NULL);
  JsonArray *arr;

  if (list && !JSON_NODE_HOLDS_NULL (list) && one && !JSON_NODE_HOLDS_NULL (one))
    {
      g_set_error_literal (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                           _("prediction_level: give either prediction_level or prediction_levels"));
      return FALSE;
    }
  if (one && !JSON_NODE_HOLDS_NULL (one))
    {
      double level = NAN;

      if (!get_number (root, "prediction_level", "prediction_level", 0.5, 0.999, FALSE, &level, error))
        return FALSE;
      c->request.options.n_levels = 1;
      c->request.options.levels[0] = 100 * level;
      return TRUE;
    }
  if (list == NULL || JSON_NODE_HOLDS_NULL (list))
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (list))
    {
      g_set_error_literal (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                           _("prediction_levels: must be a list of percentages, such as [80, 95]"));
      return FALSE;
    }
  arr = json_node_get_array (list);
  for (guint i = 0; i < json_array_get_length (arr); i++)
    {
      JsonNode *el = json_array_get_element (arr, i);
      char buf[G_ASCII_DTOSTR_BUF_SIZE];
      GType t = JSON_NODE_HOLDS_VALUE (el) ? json_node_get_value_type (el) : G_TYPE_INVALID;

      if (t != G_TYPE_INT64 && t != G_TYPE_DOUBLE)
        {
          g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                       _("prediction_levels: item %u must be a percentage"), i + 1);
          return FALSE;
        }
      g_string_append_printf (text, "%s%s", i ? "," : "",
                              g_ascii_dtostr (buf, sizeof buf, json_node_get_double (el)));
    }
  return ax_forecast_parse_levels (text->str, "prediction_levels", &c->request.options, error);
}

static gboolean
parse_training_config (AxForecastConfig  *c,
                       JsonObject      *tc,
                       GError         **error)
{
  AxInventoryParams *p = &c->request.inventory_params;
  static const char *const inventory_keys[] = {
    "service_level", "lead_time", "holding_cost", "ordering_cost", "annual_demand", NULL
  };
  double lead = p->lead_time;

  c->request.inventory = c->model_type == AX_MODEL_INVENTORY_OPTIMIZATION;
  if (tc && !check_keys (tc, "training_config.", tc_keys, error))
    return FALSE;
  if (!c->request.inventory)
    {
      for (guint i = 0; tc && inventory_keys[i]; i++)
        if (json_object_has_member (tc, inventory_keys[i]))
          {
            g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                         _("training_config.%s: plans stock, which is what inventory_optimization models do"),
                         inventory_keys[i]);
            return FALSE;
          }
      return TRUE;
    }
  if (tc && (!get_number (tc, "service_level", "training_config.service_level", 0.5, 0.9999, FALSE,
                          &p->service_level, error) ||
             !get_number (tc, "lead_time", "training_config.lead_time", 1, 10000, TRUE, &lead, error) ||
             !get_number (tc, "holding_cost", "training_config.holding_cost", 1e-12, G_MAXDOUBLE, FALSE,
                          &p->holding_cost, error) ||
             !get_number (tc, "ordering_cost", "training_config.ordering_cost", 1e-12, G_MAXDOUBLE, FALSE,
                          &p->ordering_cost, error) ||
             !get_number (tc, "annual_demand", "training_config.annual_demand", 1e-12, G_MAXDOUBLE, FALSE,
                          &p->annual_demand, error)))
    return FALSE;
  p->lead_time = (guint) lead;
  if (isnan (p->holding_cost))
    {
      g_set_error_literal (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                           _("training_config.holding_cost: is required for inventory_optimization: "
                             "the cost of keeping one unit in stock for a year"));
      return FALSE;
    }
  if (isnan (p->ordering_cost))
    {
      g_set_error_literal (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                           _("training_config.ordering_cost: is required for inventory_optimization: "
                             "the fixed cost of placing one order"));
      return FALSE;
    }
  return ax_inventory_params_check (p, error);
}

AxForecastConfig *
ax_forecast_config_parse (const char  *config_json,
                          GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(AxForecastConfig) c = g_new0 (AxForecastConfig, 1);
  g_autoptr(GError) local = NULL;
  g_autofree char *type = NULL, *frequency = NULL, *aggregate = NULL;
  AxForecastOptions *o = &c->request.options;
  JsonObject *root, *obj;
  JsonNode *node;
  double v;

  c->notes = g_ptr_array_new_with_free_func (g_free);
  ax_forecast_request_init (&c->request);
  c->seed = 42;
  if (!json_parser_load_from_data (parser, config_json, -1, &local))
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                   _("The configuration is not valid JSON: %s"), local->message);
      return NULL;
    }
  node = json_parser_get_root (parser);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                           _("The configuration must be a JSON object ({ ... })"));
      return NULL;
    }
  root = json_node_get_object (node);
  if (!check_keys (root, "", top_keys, error) ||
      !get_string (root, "model_type", &type, error))
    return NULL;
  if (type == NULL || !ax_model_type_from_string (type, &c->model_type) || !ax_forecast_is_model_type (c->model_type))
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                   _("model_type: a forecast is one of sales_forecast, revenue_forecast, "
                     "demand_prediction or inventory_optimization"));
      return NULL;
    }
  if (!get_string (root, "model_name", &c->model_name, error) ||
      !get_string (root, "description", &c->description, error) ||
      !get_string (root, "algorithm", &c->algorithm, error) ||
      !get_string (root, "dataset", &c->dataset, error) ||
      !get_string (root, "target", &c->target, error) ||
      !get_string (root, "time_column", &c->time_column, error) ||
      !get_string (root, "group_by", &c->group_by, error) ||
      !get_string (root, "frequency", &frequency, error) ||
      !get_string (root, "aggregate", &aggregate, error))
    return NULL;
  if (c->model_name == NULL)
    c->model_name = g_strdup (type);
  if (c->dataset == NULL)
    {
      g_set_error_literal (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                           _("dataset: name the dataset of the project to forecast"));
      return NULL;
    }
  if (c->target == NULL)
    {
      g_set_error_literal (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                           _("target: is required: name the column to forecast"));
      return NULL;
    }
  if (c->time_column == NULL)
    {
      g_set_error_literal (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                           _("time_column: name the column that holds the time of each row"));
      return NULL;
    }
  if (frequency && !ax_frequency_from_string (frequency, &c->request.frequency))
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                   _("frequency: “%s” is not a frequency; use auto, hourly, daily, weekly, "
                     "monthly, quarterly or yearly"), frequency);
      return NULL;
    }
  if (aggregate && !ax_aggregate_from_string (aggregate, &c->request.aggregate))
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                   _("aggregate: “%s” is not a way to aggregate; use sum, mean or last"), aggregate);
      return NULL;
    }
  if (!get_boolean (root, "gaps_are_zero", "gaps_are_zero", &c->request.gaps_are_zero, error))
    return NULL;
  v = o->horizon;
  if (!get_number (root, "horizon", "horizon", 1, 100000, TRUE, &v, error))
    return NULL;
  o->horizon = (guint) v;
  v = (double) c->seed;
  if (!get_number (root, "random_seed", "random_seed", 0, 9007199254740992.0, TRUE, &v, error))
    return NULL;
  c->seed = (guint64) v;
  if (!parse_levels (c, root, error) || !parse_algorithm (c, error))
    return NULL;

  obj = get_object (root, "hyperparameters", error);
  if ((obj == NULL && error && *error) || !parse_hyperparameters (c, obj, error))
    return NULL;
  obj = get_object (root, "training_config", error);
  if ((obj == NULL && error && *error) || !parse_training_config (c, obj, error))
    return NULL;
  if (get_object (root, "feature_engineering", error) == NULL && error && *error)
    return NULL;
  v = 0;
  if (!get_number (root, "validation_split", "validation_split", 0, 1, FALSE, &v, error) ||
      !get_number (root, "test_split", "test_split", 0, 1, FALSE, &v, error))
    return NULL;

  /* The guide's example carries settings a forecast has no use for; say
   * so rather than fail on them. */
  if (json_object_has_member (root, "validation_split") || json_object_has_member (root, "test_split"))
    g_ptr_array_add (c->notes, g_strdup (_("validation_split and test_split do not apply to a forecast: "
                                           "it is scored by backtesting over the horizon from several origins")));
  if (json_object_has_member (root, "feature_engineering"))
    g_ptr_array_add (c->notes, g_strdup (_("feature_engineering does not apply to a forecast, "
                                           "which learns from the series itself")));

  c->request.dataset = c->dataset;
  c->request.time_column = c->time_column;
  c->request.value_column = c->target;
  c->request.group_by = c->group_by;
  return g_steal_pointer (&c);
}

char *
ax_forecast_config_to_json (const AxForecastConfig *c)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  const AxForecastRequest *r = &c->request;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "model_name");
  json_builder_add_string_value (b, c->model_name);
  json_builder_set_member_name (b, "model_type");
  json_builder_add_string_value (b, ax_model_type_to_string (c->model_type));
  json_builder_set_member_name (b, "description");
  json_builder_add_string_value (b, c->description ? c->description : "");
  json_builder_set_member_name (b, "algorithm");
  json_builder_add_string_value (b, c->algorithm);
  json_builder_set_member_name (b, "hyperparameters");
  if (c->hyperparameters)
    json_builder_add_value (b, json_node_copy (c->hyperparameters));
  else
    {
      json_builder_begin_object (b);
      json_builder_end_object (b);
    }
  json_builder_set_member_name (b, "dataset");
  json_builder_add_string_value (b, c->dataset);
  json_builder_set_member_name (b, "target");
  json_builder_add_string_value (b, c->target);
  json_builder_set_member_name (b, "time_column");
  json_builder_add_string_value (b, c->time_column);
  if (c->group_by)
    {
      json_builder_set_member_name (b, "group_by");
      json_builder_add_string_value (b, c->group_by);
    }
  if (r->options.horizon)
    {
      json_builder_set_member_name (b, "horizon");
      json_builder_add_int_value (b, r->options.horizon);
    }
  json_builder_set_member_name (b, "frequency");
  json_builder_add_string_value (b, ax_frequency_to_string (r->frequency));
  json_builder_set_member_name (b, "aggregate");
  json_builder_add_string_value (b, ax_aggregate_to_string (r->aggregate));
  json_builder_set_member_name (b, "gaps_are_zero");
  json_builder_add_boolean_value (b, r->gaps_are_zero);
  json_builder_set_member_name (b, "prediction_levels");
  json_builder_begin_array (b);
  for (guint l = 0; l < r->options.n_levels; l++)
    json_builder_add_double_value (b, r->options.levels[l]);
  json_builder_end_array (b);
  if (r->inventory)
    {
      json_builder_set_member_name (b, "training_config");
      json_builder_begin_object (b);
      ax_train_add_number (b, "service_level", r->inventory_params.service_level);
      json_builder_set_member_name (b, "lead_time");
      json_builder_add_int_value (b, r->inventory_params.lead_time);
      ax_train_add_number (b, "holding_cost", r->inventory_params.holding_cost);
      ax_train_add_number (b, "ordering_cost", r->inventory_params.ordering_cost);
      if (isfinite (r->inventory_params.annual_demand))
        ax_train_add_number (b, "annual_demand", r->inventory_params.annual_demand);
      json_builder_end_object (b);
    }
  json_builder_set_member_name (b, "random_seed");
  json_builder_add_int_value (b, (gint64) c->seed);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}
