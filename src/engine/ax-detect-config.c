/* ax-detect-config.c — the JSON configuration of an anomaly detection
 *
 * The configuration is the user guide's JSON ("Setting Up Anomaly
 * Detection") plus what a desktop detection needs: dataset, time_column,
 * group_by, random_seed, threshold_config.alert_budget and
 * detection_config.window.  Every error starts with the field it is about
 * ("threshold_config.severity_thresholds.high: ...") so the GUI can put it
 * next to the field and the CLI can print it as is.
 *
 * Defaults: detection_name is the anomaly type, algorithm
 * isolation_forest (the guide's example), severity thresholds 0.5, 0.7,
 * 0.85 and 0.95 (the guide's), no alert budget, window 0 (all history),
 * random_seed 42.  detection_config holds "window" and the chosen
 * detector's own settings (its AxParamSpec list), each checked against its
 * type and range.
 */

#include "ax-config.h"
#include "ax-detect-private.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

static const struct {
  const char *name;
  const char *label;
} anomaly_types[AX_N_ANOMALY_TYPES] = {
  [AX_ANOMALY_REVENUE]           = { "revenue_anomaly",           N_("Revenue anomaly") },
  [AX_ANOMALY_INVENTORY]         = { "inventory_anomaly",         N_("Inventory anomaly") },
  [AX_ANOMALY_TRANSACTION]       = { "transaction_anomaly",       N_("Transaction anomaly") },
  [AX_ANOMALY_CUSTOMER_BEHAVIOR] = { "customer_behavior_anomaly", N_("Customer behavior anomaly") },
  [AX_ANOMALY_OPERATIONAL]       = { "operational_anomaly",       N_("Operational anomaly") },
  [AX_ANOMALY_QUALITY]           = { "quality_anomaly",           N_("Quality anomaly") },
};

static const char *const severity_names[] = {
  [AX_SEVERITY_NONE] = "none", [AX_SEVERITY_LOW] = "low", [AX_SEVERITY_MEDIUM] = "medium",
  [AX_SEVERITY_HIGH] = "high", [AX_SEVERITY_CRITICAL] = "critical",
};

static const double default_thresholds[5] = { 0, 0.5, 0.7, 0.85, 0.95 };

static const char *const budget_periods[] = { "day", "week", "month", NULL };

const char *
ax_anomaly_type_to_string (AxAnomalyType type)
{
  g_return_val_if_fail (type < AX_N_ANOMALY_TYPES, NULL);
  return anomaly_types[type].name;
}

gboolean
ax_anomaly_type_from_string (const char    *str,
                             AxAnomalyType *out)
{
  if (str == NULL)
    return FALSE;
  for (guint t = 0; t < AX_N_ANOMALY_TYPES; t++)
    if (strcmp (str, anomaly_types[t].name) == 0)
      {
        if (out)
          *out = t;
        return TRUE;
      }
  return FALSE;
}

const char *
ax_severity_to_string (AxSeverity s)
{
  g_return_val_if_fail (s <= AX_SEVERITY_CRITICAL, NULL);
  return severity_names[s];
}

gboolean
ax_severity_from_string (const char *str,
                         AxSeverity *out)
{
  if (str == NULL)
    return FALSE;
  for (guint s = 0; s <= AX_SEVERITY_CRITICAL; s++)
    if (strcmp (str, severity_names[s]) == 0)
      {
        if (out)
          *out = s;
        return TRUE;
      }
  return FALSE;
}

AxSeverity
ax_severity_for_score (const double *thresholds,
                       double        score)
{
  for (int s = AX_SEVERITY_CRITICAL; s >= AX_SEVERITY_LOW; s--)
    if (score >= thresholds[s])
      return (AxSeverity) s;
  return AX_SEVERITY_NONE;
}

/* JSON helpers */

static const char *const top_keys[] = {
  "detection_name", "anomaly_type", "description", "algorithm", "detection_config",
  "threshold_config", "monitored_metrics", "detection_frequency",
  "dataset", "time_column", "group_by", "random_seed", NULL
};
static const char *const threshold_keys[] = { "severity_thresholds", "alert_budget", NULL };
static const char *const level_keys[] = { "low", "medium", "high", "critical", NULL };
static const char *const budget_keys[] = { "alerts", "per", NULL };

static gboolean
set_config_error (GError     **error,
                  const char  *format,
                  ...) G_GNUC_PRINTF (2, 3);

static gboolean
set_config_error (GError     **error,
                  const char  *format,
                  ...)
{
  va_list args;

  va_start (args, format);
  g_propagate_error (error, g_error_new_valist (AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG, format, args));
  va_end (args);
  return FALSE;
}

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
          row[j] = MIN (MIN (row[j] + 1, row[j - 1] + 1), diag + (a[i - 1] != b[j - 1]));
          diag = up;
        }
    }
  return row[lb];
}

/* An error for the unknown key @key of @prefix, suggesting the nearest of
 * @allowed. */
static gboolean
unknown_key (const char        *prefix,
             const char        *key,
             const char *const *allowed,
             GError           **error)
{
  const char *best = NULL;
  guint best_d = G_MAXUINT;
  g_autofree char *list = NULL;

  for (guint i = 0; allowed[i]; i++)
    {
      guint d = edit_distance (key, allowed[i]);
      if (d < best_d)
        best_d = d, best = allowed[i];
    }
  if (best && best_d <= 2)
    return set_config_error (error, _("%s%s: unknown key; did you mean “%s”?"), prefix, key, best);
  list = g_strjoinv (", ", (char **) allowed);
  return set_config_error (error, _("%s%s: unknown key; the keys are %s"), prefix, key, list);
}

static gboolean
check_keys (JsonObject        *obj,
            const char        *prefix,
            const char *const *allowed,
            GError           **error)
{
  g_autoptr(GList) members = json_object_get_members (obj);

  for (GList *l = members; l; l = l->next)
    if (!g_strv_contains (allowed, l->data))
      return unknown_key (prefix, l->data, allowed, error);
  return TRUE;
}

static JsonNode *
get_member (JsonObject *obj,
            const char *key)
{
  JsonNode *node = obj ? json_object_get_member (obj, key) : NULL;

  return node && !JSON_NODE_HOLDS_NULL (node) ? node : NULL;
}

static gboolean
get_string (JsonObject  *obj,
            const char  *key,
            const char  *field,
            char       **out,
            GError     **error)
{
  JsonNode *node = get_member (obj, key);

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return set_config_error (error, _("%s: must be a string"), field);
  g_free (*out);
  *out = g_strdup (json_node_get_string (node));
  if (**out == '\0')
    g_clear_pointer (out, g_free);
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

/* Reads a number in [min, max]; @integer refuses fractions.  @out keeps
 * its value when the key is absent. */
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
  JsonNode *node = get_member (obj, key);
  double v;

  if (node == NULL)
    return TRUE;
  if (!node_is_number (node))
    return set_config_error (error, integer ? _("%s: must be a whole number") : _("%s: must be a number"),
                             field);
  v = json_node_get_double (node);
  if (integer && v != floor (v))
    return set_config_error (error, _("%s: must be a whole number, not %g"), field, v);
  if (!(v >= min && v <= max))
    {
      if (max >= 1e15)
        return set_config_error (error, _("%s: must be at least %g, not %g"), field, min, v);
      return set_config_error (error, _("%s: must be between %g and %g, not %g"), field, min, max, v);
    }
  *out = v;
  return TRUE;
}

/* The object at @key, NULL when absent (or on error, with @error set). */
static JsonObject *
get_object (JsonObject  *obj,
            const char  *key,
            const char  *field,
            GError     **error)
{
  JsonNode *node = get_member (obj, key);

  if (node == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      set_config_error (error, _("%s: must be an object ({ ... })"), field);
      return NULL;
    }
  return json_node_get_object (node);
}

/* detection_config: "window" and the detector's settings, as name → value
 * for ax_detector_check_params(). */
static gboolean
parse_detection_config (AxDetectionConfig  *c,
                        const AxDetector   *det,
                        JsonObject         *obj,
                        GError            **error)
{
  g_autoptr(AxParams) given = ax_params_new ();
  g_autoptr(GList) members = obj ? json_object_get_members (obj) : NULL;

  for (GList *l = members; l; l = l->next)
    {
      const char *key = l->data;
      JsonNode *node = json_object_get_member (obj, key);
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
        return set_config_error (error, _("detection_config.%s: must be a number, true/false "
                                          "or a string"), key);
    }
  c->detection_config = ax_detector_check_params (det, given, error);
  if (c->detection_config == NULL)
    return FALSE;
  c->window = (guint) ax_params_get_number (c->detection_config, "window");
  return TRUE;
}

/* threshold_config */

static char *
bound_text (const double *t,
            int           s)
{
  if (s < AX_SEVERITY_LOW)
    return g_strdup ("0");
  if (s > AX_SEVERITY_CRITICAL)
    return g_strdup ("1");
  return g_strdup_printf ("%s (%g)", severity_names[s], t[s]);
}

static gboolean
parse_thresholds (AxDetectionConfig  *c,
                  JsonObject         *obj,
                  GError            **error)
{
  double *t = c->threshold_config.thresholds;
  gboolean given[5] = { FALSE };

  if (!check_keys (obj, "threshold_config.severity_thresholds.", level_keys, error))
    return FALSE;
  for (int s = AX_SEVERITY_LOW; s <= AX_SEVERITY_CRITICAL; s++)
    {
      g_autofree char *field = g_strdup_printf ("threshold_config.severity_thresholds.%s",
                                                severity_names[s]);
      given[s] = get_member (obj, severity_names[s]) != NULL;
      if (!get_number (obj, severity_names[s], field, 0, 1, FALSE, &t[s], error))
        return FALSE;
    }
  /* Each threshold lies strictly between its neighbours (0 below "low",
   * 1 at most for "critical"); blame the one the configuration set. */
  for (int s = AX_SEVERITY_LOW; s <= AX_SEVERITY_CRITICAL; s++)
    {
      double lo = s == AX_SEVERITY_LOW ? 0 : t[s - 1];
      int blame = s;

      if (t[s] > lo)
        continue;
      if (!given[s] && s > AX_SEVERITY_LOW)
        blame = s - 1;
      {
        g_autofree char *below = bound_text (t, blame - 1);
        g_autofree char *above = bound_text (t, blame + 1);
        return set_config_error (error, _("threshold_config.severity_thresholds.%s: must be "
                                          "between %s and %s, not %g"),
                                 severity_names[blame], below, above, t[blame]);
      }
    }
  return TRUE;
}

static gboolean
parse_budget (AxDetectionConfig  *c,
              JsonObject         *obj,
              GError            **error)
{
  double alerts = 0;
  g_autofree char *per = NULL;

  if (!check_keys (obj, "threshold_config.alert_budget.", budget_keys, error))
    return FALSE;
  if (get_member (obj, "alerts") == NULL)
    return set_config_error (error, _("threshold_config.alert_budget.alerts: is required: "
                                      "how many alerts per day, week or month"));
  if (!get_number (obj, "alerts", "threshold_config.alert_budget.alerts", 1, 1e6, TRUE,
                   &alerts, error) ||
      !get_string (obj, "per", "threshold_config.alert_budget.per", &per, error))
    return FALSE;
  if (per == NULL || !g_strv_contains (budget_periods, per))
    return set_config_error (error, _("threshold_config.alert_budget.per: use “day”, “week” "
                                      "or “month”"));
  c->threshold_config.budget_alerts = (guint) alerts;
  c->threshold_config.budget_per = g_steal_pointer (&per);
  return TRUE;
}

static gboolean
parse_threshold_config (AxDetectionConfig  *c,
                        JsonObject         *obj,
                        GError            **error)
{
  JsonObject *sub;

  if (!check_keys (obj, "threshold_config.", threshold_keys, error))
    return FALSE;
  sub = get_object (obj, "severity_thresholds", "threshold_config.severity_thresholds", error);
  if ((sub == NULL && error && *error) || (sub && !parse_thresholds (c, sub, error)))
    return FALSE;
  sub = get_object (obj, "alert_budget", "threshold_config.alert_budget", error);
  if ((sub == NULL && error && *error) || (sub && !parse_budget (c, sub, error)))
    return FALSE;
  return TRUE;
}

/* monitored_metrics */

static gboolean
parse_metrics (AxDetectionConfig  *c,
               JsonNode           *node,
               GError            **error)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  JsonArray *arr;

  if (node == NULL)
    return set_config_error (error, _("monitored_metrics: is required: list the numeric "
                                      "columns to watch"));
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return set_config_error (error, _("monitored_metrics: must be a list of column names"));
  arr = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (arr); i++)
    {
      JsonNode *el = json_array_get_element (arr, i);
      const char *name;

      if (!JSON_NODE_HOLDS_VALUE (el) || json_node_get_value_type (el) != G_TYPE_STRING ||
          *(name = json_node_get_string (el)) == '\0')
        return set_config_error (error, _("monitored_metrics: item %u must be a column name"), i + 1);
      for (guint j = 0; j < names->len; j++)
        if (strcmp (names->pdata[j], name) == 0)
          return set_config_error (error, _("monitored_metrics: “%s” is listed twice"), name);
      g_ptr_array_add (names, g_strdup (name));
    }
  if (names->len == 0)
    return set_config_error (error, _("monitored_metrics: name at least one numeric column"));
  g_ptr_array_add (names, NULL);
  c->monitored_metrics = (char **) g_ptr_array_steal (names, NULL);
  return TRUE;
}

/* The whole configuration */

static gboolean
parse_config (AxDetectionConfig  *c,
              JsonObject         *root,
              GError            **error)
{
  g_autofree char *type = NULL;
  const AxDetector *det;
  JsonObject *obj;
  double seed = c->random_seed;

  if (!check_keys (root, "", top_keys, error))
    return FALSE;

  if (!get_string (root, "anomaly_type", "anomaly_type", &type, error))
    return FALSE;
  if (type == NULL || !ax_anomaly_type_from_string (type, &c->anomaly_type))
    {
      g_autoptr(GString) list = g_string_new (NULL);
      for (guint t = 0; t < AX_N_ANOMALY_TYPES; t++)
        g_string_append_printf (list, "%s%s", t ? ", " : "", anomaly_types[t].name);
      if (type == NULL)
        return set_config_error (error, _("anomaly_type: is required; use one of %s"), list->str);
      return set_config_error (error, _("anomaly_type: “%s” is not an anomaly type; use one of %s"),
                               type, list->str);
    }

  if (!get_string (root, "detection_name", "detection_name", &c->detection_name, error) ||
      !get_string (root, "description", "description", &c->description, error) ||
      !get_string (root, "algorithm", "algorithm", &c->algorithm, error) ||
      !get_string (root, "detection_frequency", "detection_frequency", &c->detection_frequency, error) ||
      !get_string (root, "dataset", "dataset", &c->dataset, error) ||
      !get_string (root, "time_column", "time_column", &c->time_column, error) ||
      !get_string (root, "group_by", "group_by", &c->group_by, error))
    return FALSE;
  if (c->detection_name == NULL)
    c->detection_name = g_strdup (anomaly_types[c->anomaly_type].name);
  if (c->algorithm == NULL)
    c->algorithm = g_strdup ("isolation_forest");

  det = ax_detector_find (c->algorithm);
  if (det == NULL)
    {
      g_autoptr(GString) list = g_string_new (NULL);
      const AxDetector *const *all = ax_detector_list ();
      for (guint i = 0; all[i]; i++)
        g_string_append_printf (list, "%s%s", i ? ", " : "", all[i]->name);
      return set_config_error (error, _("algorithm: “%s” is not a detector; use one of %s"),
                               c->algorithm, list->str);
    }

  if (!parse_metrics (c, get_member (root, "monitored_metrics"), error))
    return FALSE;
  if (c->time_column && g_strv_contains ((const char *const *) c->monitored_metrics, c->time_column))
    return set_config_error (error, _("time_column: “%s” is also a monitored metric"), c->time_column);
  if (c->group_by && g_strv_contains ((const char *const *) c->monitored_metrics, c->group_by))
    return set_config_error (error, _("group_by: “%s” is also a monitored metric"), c->group_by);
  if (c->group_by && g_strcmp0 (c->group_by, c->time_column) == 0)
    return set_config_error (error, _("group_by: “%s” is the time column"), c->group_by);
  if (det->needs_time && c->time_column == NULL)
    return set_config_error (error, _("time_column: the %s detector needs the time of each row; "
                                      "name a date or date-time column"), det->name);

  obj = get_object (root, "detection_config", "detection_config", error);
  if (obj == NULL && error && *error)
    return FALSE;
  if (!parse_detection_config (c, det, obj, error))
    return FALSE;

  obj = get_object (root, "threshold_config", "threshold_config", error);
  if ((obj == NULL && error && *error) || (obj && !parse_threshold_config (c, obj, error)))
    return FALSE;
  if (c->threshold_config.budget_alerts > 0 && c->time_column == NULL)
    return set_config_error (error, _("threshold_config.alert_budget: counting alerts per %s "
                                      "needs a time_column"), c->threshold_config.budget_per);

  if (!get_number (root, "random_seed", "random_seed", 0, 9007199254740992.0, TRUE, &seed, error))
    return FALSE;
  c->random_seed = (guint64) seed;
  return TRUE;
}

AxDetectionConfig *
ax_detection_config_from_json (const char  *json,
                               GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(AxDetectionConfig) c = g_new0 (AxDetectionConfig, 1);
  g_autoptr(GError) local = NULL;
  JsonNode *root;

  g_return_val_if_fail (json != NULL, NULL);

  memcpy (c->threshold_config.thresholds, default_thresholds, sizeof default_thresholds);
  c->random_seed = 42;
  if (!json_parser_load_from_data (parser, json, -1, &local))
    {
      set_config_error (error, _("The configuration is not valid JSON: %s"), local->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      set_config_error (error, _("The configuration must be a JSON object ({ ... })"));
      return NULL;
    }
  if (!parse_config (c, json_node_get_object (root), error))
    return NULL;
  return g_steal_pointer (&c);
}

static void
add_string (JsonBuilder *b,
            const char  *key,
            const char  *value)
{
  if (value == NULL)
    return;
  json_builder_set_member_name (b, key);
  json_builder_add_string_value (b, value);
}

static void
add_detection_config (JsonBuilder             *b,
                      const AxDetectionConfig *c)
{
  const AxDetector *det = ax_detector_find (c->algorithm);

  json_builder_set_member_name (b, "detection_config");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "window");
  json_builder_add_int_value (b, c->window);
  for (const AxParamSpec *s = det ? det->params : NULL; s && s->name && c->detection_config; s++)
    {
      const char *str;

      if (!ax_params_has (c->detection_config, s->name))
        continue;
      json_builder_set_member_name (b, s->name);
      str = ax_params_get_string (c->detection_config, s->name);
      if (str)
        json_builder_add_string_value (b, str);
      else if (s->type == AX_PARAM_BOOL)
        json_builder_add_boolean_value (b, ax_params_get_number (c->detection_config, s->name) != 0);
      else if (s->type == AX_PARAM_INT)
        json_builder_add_int_value (b, (gint64) ax_params_get_number (c->detection_config, s->name));
      else
        json_builder_add_double_value (b, ax_params_get_number (c->detection_config, s->name));
    }
  json_builder_end_object (b);
}

char *
ax_detection_config_to_json (const AxDetectionConfig *c)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  const AxThresholdConfig *tc;

  g_return_val_if_fail (c != NULL, NULL);
  tc = &c->threshold_config;

  json_builder_begin_object (b);
  add_string (b, "detection_name", c->detection_name);
  add_string (b, "anomaly_type", ax_anomaly_type_to_string (c->anomaly_type));
  add_string (b, "description", c->description);
  add_string (b, "algorithm", c->algorithm);
  add_detection_config (b, c);

  json_builder_set_member_name (b, "threshold_config");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "severity_thresholds");
  json_builder_begin_object (b);
  for (int s = AX_SEVERITY_LOW; s <= AX_SEVERITY_CRITICAL; s++)
    {
      json_builder_set_member_name (b, severity_names[s]);
      json_builder_add_double_value (b, tc->thresholds[s]);
    }
  json_builder_end_object (b);
  if (tc->budget_alerts > 0)
    {
      json_builder_set_member_name (b, "alert_budget");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "alerts");
      json_builder_add_int_value (b, tc->budget_alerts);
      add_string (b, "per", tc->budget_per);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);

  json_builder_set_member_name (b, "monitored_metrics");
  json_builder_begin_array (b);
  for (guint i = 0; c->monitored_metrics && c->monitored_metrics[i]; i++)
    json_builder_add_string_value (b, c->monitored_metrics[i]);
  json_builder_end_array (b);
  add_string (b, "detection_frequency", c->detection_frequency);
  add_string (b, "dataset", c->dataset);
  add_string (b, "time_column", c->time_column);
  add_string (b, "group_by", c->group_by);
  json_builder_set_member_name (b, "random_seed");
  json_builder_add_int_value (b, (gint64) c->random_seed);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  return json_generator_to_data (gen, NULL);
}

void
ax_detection_config_free (AxDetectionConfig *c)
{
  if (c == NULL)
    return;
  g_free (c->detection_name);
  g_free (c->description);
  g_free (c->algorithm);
  g_clear_pointer (&c->detection_config, ax_params_free);
  g_free (c->threshold_config.budget_per);
  g_strfreev (c->monitored_metrics);
  g_free (c->detection_frequency);
  g_free (c->dataset);
  g_free (c->time_column);
  g_free (c->group_by);
  g_free (c);
}
