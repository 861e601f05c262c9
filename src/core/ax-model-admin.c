/* ax-model-admin.c — deploying, versions, retraining, and what the editor asks */

#include "ax-config.h"
#include "ax-model-admin.h"
#include "ax-train-private.h"
#include "ax-forecast-job-private.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

gboolean
ax_model_admin_type_forecasts (AxModelType type)
{
  return ax_forecast_is_model_type (type);
}

gboolean
ax_model_admin_type_classifies (AxModelType type)
{
  return type == AX_MODEL_CHURN_PREDICTION || type == AX_MODEL_LEAD_SCORING;
}

const char *
ax_model_admin_default_algorithm (AxModelType type)
{
  /* Forests need no scaling and few settings: the guide's own example.
   * Boosting usually wins on smooth numeric targets such as prices and
   * lifetime values. */
  switch (type)
    {
    case AX_MODEL_PRICE_OPTIMIZATION:
    case AX_MODEL_CUSTOMER_LIFETIME_VALUE:
      return "gradient_boosting";
    case AX_MODEL_SALES_FORECAST:
    case AX_MODEL_DEMAND_PREDICTION:
    case AX_MODEL_CHURN_PREDICTION:
    case AX_MODEL_REVENUE_FORECAST:
    case AX_MODEL_INVENTORY_OPTIMIZATION:
    case AX_MODEL_LEAD_SCORING:
    case AX_N_MODEL_TYPES:
    default:
      return "random_forest";
    }
}

const AxParamSpec *
ax_model_admin_algorithm_params (const char *algorithm)
{
  const AxAlgorithm *algo = ax_algorithm_find (algorithm);

  return algo ? algo->params : NULL;
}

char *
ax_model_admin_error_field (const GError *error)
{
  const char *colon;

  if (error == NULL || error->message == NULL)
    return NULL;
  colon = strstr (error->message, ": ");
  if (colon == NULL || colon == error->message)
    return NULL;
  for (const char *p = error->message; p < colon; p++)
    if (!(g_ascii_isalnum (*p) || *p == '_' || *p == '.'))
      return NULL;
  return g_strndup (error->message, (gsize) (colon - error->message));
}

gboolean
ax_model_admin_check_config (const char  *config_json,
                             GError     **error)
{
  if (ax_forecast_config_applies (config_json))
    {
      g_autoptr(AxForecastConfig) fc = ax_forecast_config_parse (config_json, error);
      return fc != NULL;
    }
  else
    {
      g_autoptr(AxModelConfig) config = ax_model_config_from_json (config_json, error);

      if (config == NULL)
        return FALSE;
      if (config->dataset == NULL || config->dataset[0] == '\0')
        {
          g_set_error_literal (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                               _("dataset: choose the dataset to train on"));
          return FALSE;
        }
      if (config->target == NULL || config->target[0] == '\0')
        {
          g_set_error_literal (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                               _("target: choose the column to predict"));
          return FALSE;
        }
      return TRUE;
    }
}

static JsonObject *
parse_object (JsonParser *parser,
              const char *json)
{
  JsonNode *root;

  if (json == NULL || !json_parser_load_from_data (parser, json, -1, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  return root && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
}

static double
member_number (JsonObject *o,
               const char *name)
{
  JsonNode *n = o ? json_object_get_member (o, name) : NULL;

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n))
    return NAN;
  return json_node_get_double (n);
}

/* The test metrics of a stored metrics object, else the validation ones. */
static JsonObject *
held_out_metrics (JsonObject *root)
{
  JsonNode *n = json_object_get_member (root, "test");

  if (n == NULL || !JSON_NODE_HOLDS_OBJECT (n))
    n = json_object_get_member (root, "validation");
  return n && JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
}

gboolean
ax_model_admin_headline (const char   *metrics_json,
                         const char  **name,
                         double       *value)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root = parse_object (parser, metrics_json);
  JsonObject *m;
  const char *task;
  JsonArray *classes;

  *name = NULL;
  *value = NAN;
  if (root == NULL || (m = held_out_metrics (root)) == NULL)
    return FALSE;
  task = json_object_get_string_member_with_default (root, "task", "");
  classes = json_object_get_member (root, "classes") && JSON_NODE_HOLDS_ARRAY (json_object_get_member (root, "classes"))
            ? json_object_get_array_member (root, "classes") : NULL;
  if (g_str_equal (task, "forecast"))
    *name = "smape";
  else if (g_str_equal (task, "classification"))
    *name = classes && json_array_get_length (classes) == 2 ? "roc_auc" : "accuracy";
  else
    *name = "r2";
  *value = member_number (m, *name);
  return isfinite (*value);
}

/* Deploying */

gboolean
ax_model_admin_set_active (AxStore   *store,
                           gint64     model_id,
                           gboolean   active,
                           GError   **error)
{
  return ax_store_set_model_deployment (store, model_id, active, 0, error);
}

gboolean
ax_model_admin_rollback (AxStore   *store,
                         gint64     model_id,
                         guint      version,
                         GError   **error)
{
  if (version == 0)
    {
      g_set_error_literal (error, AX_STORE_ERROR, AX_STORE_ERROR_NOT_FOUND,
                           _("Model versions are numbered from 1"));
      return FALSE;
    }
  return ax_store_set_model_deployment (store, model_id, TRUE, version, error);
}

/* Retraining */

static const char *const frequencies[] = { "never", "daily", "weekly", "monthly", NULL };

/* Metrics a rule may watch; those where larger is worse come last. */
static const char *const rule_metrics[] = {
  "r2", "accuracy", "precision", "recall", "f1", "roc_auc",
  "mae", "rmse", "mape", "log_loss", NULL
};
#define FIRST_LOWER_BETTER 6

static int
metric_index (const char *metric)
{
  for (int i = 0; rule_metrics[i]; i++)
    if (g_strcmp0 (rule_metrics[i], metric) == 0)
      return i;
  return -1;
}

gboolean
ax_model_admin_set_retraining (AxStore     *store,
                               gint64       model_id,
                               const char  *frequency,
                               const char  *metric,
                               double       drop,
                               GError     **error)
{
  gboolean rule = metric != NULL && metric[0] != '\0';

  if (frequency == NULL || !g_strv_contains (frequencies, frequency))
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                   _("retrain_frequency: “%s” is not a frequency; use never, daily, weekly or monthly"),
                   frequency ? frequency : "");
      return FALSE;
    }
  if (rule && metric_index (metric) < 0)
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                   _("retrain_metric: “%s” is not a metric; use r2, mae, rmse, mape, accuracy, "
                     "precision, recall, f1, roc_auc or log_loss"), metric);
      return FALSE;
    }
  if (rule && !(isfinite (drop) && drop > 0))
    {
      g_set_error_literal (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                           _("retrain_drop: must be a number above 0, in the metric’s own units"));
      return FALSE;
    }
  return ax_store_set_model_retraining (store, model_id, frequency, rule ? metric : NULL,
                                        rule ? drop : NAN, error);
}

/* The value of a recorded prediction or actual: a bare value, or an
 * object's "value". */
static JsonNode *
value_of (JsonNode *node)
{
  if (node && JSON_NODE_HOLDS_OBJECT (node))
    return json_object_get_member (json_node_get_object (node), "value");
  return node;
}

static double
metric_value (const AxMetrics *m,
              const char      *metric)
{
  static const struct { const char *name; gsize offset; } fields[] = {
    { "r2", G_STRUCT_OFFSET (AxMetrics, r2) },
    { "mae", G_STRUCT_OFFSET (AxMetrics, mae) },
    { "rmse", G_STRUCT_OFFSET (AxMetrics, rmse) },
    { "mape", G_STRUCT_OFFSET (AxMetrics, mape) },
    { "accuracy", G_STRUCT_OFFSET (AxMetrics, accuracy) },
    { "precision", G_STRUCT_OFFSET (AxMetrics, precision) },
    { "recall", G_STRUCT_OFFSET (AxMetrics, recall) },
    { "f1", G_STRUCT_OFFSET (AxMetrics, f1) },
    { "roc_auc", G_STRUCT_OFFSET (AxMetrics, roc_auc) },
    { "log_loss", G_STRUCT_OFFSET (AxMetrics, log_loss) },
  };
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    if (g_str_equal (fields[i].name, metric))
      return G_STRUCT_MEMBER (double, m, fields[i].offset);
  return NAN;
}

gboolean
ax_model_admin_measure_actuals (AxStore     *store,
                                gint64       model_id,
                                guint        version,
                                const char  *metric,
                                double      *value,
                                double      *baseline,
                                guint       *n_rows,
                                GError     **error)
{
  g_autoptr(AxModelVersion) v = NULL;
  g_autoptr(GPtrArray) actuals = NULL;
  g_autoptr(JsonParser) mparser = json_parser_new ();
  g_autoptr(GArray) y = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) pred = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(AxMetrics) m = NULL;
  JsonObject *root;
  JsonArray *classes = NULL;
  guint n_classes = 0;
  AxTarget truth;

  *value = *baseline = NAN;
  *n_rows = 0;
  /* The version's metrics, without its blob. */
  {
    g_autoptr(GPtrArray) versions = ax_store_list_model_versions (store, model_id, error);
    if (versions == NULL)
      return FALSE;
    for (guint i = 0; i < versions->len; i++)
      {
        AxModelVersion *it = versions->pdata[i];
        if (it->version == version)
          v = g_steal_pointer (&versions->pdata[i]);
      }
  }
  if (v == NULL)
    {
      g_set_error (error, AX_STORE_ERROR, AX_STORE_ERROR_NOT_FOUND,
                   _("The model with id %" G_GINT64_FORMAT " has no version %u"), model_id, version);
      return FALSE;
    }
  root = parse_object (mparser, v->metrics);
  if (root)
    {
      JsonNode *c = json_object_get_member (root, "classes");
      *baseline = member_number (held_out_metrics (root), metric);
      if (c && JSON_NODE_HOLDS_ARRAY (c))
        {
          classes = json_node_get_array (c);
          n_classes = json_array_get_length (classes);
        }
    }

  actuals = ax_store_list_recorded_actuals (store, model_id, version, error);
  if (actuals == NULL)
    return FALSE;
  for (guint i = 0; i < actuals->len; i++)
    {
      AxRecordedActual *a = actuals->pdata[i];
      g_autoptr(JsonParser) po = json_parser_new ();
      g_autoptr(JsonParser) pa = json_parser_new ();
      JsonNode *out, *act, *ov, *av;

      if (!json_parser_load_from_data (po, a->output, -1, NULL) ||
          !json_parser_load_from_data (pa, a->actual, -1, NULL))
        continue;
      out = json_parser_get_root (po);
      act = json_parser_get_root (pa);
      ov = value_of (out);
      av = value_of (act);
      if (ov == NULL || av == NULL || !JSON_NODE_HOLDS_VALUE (ov) || !JSON_NODE_HOLDS_VALUE (av))
        continue;
      if (classes == NULL)
        {
          double p = json_node_get_double (ov), t;
          if (json_node_get_value_type (av) == G_TYPE_STRING)
            t = g_ascii_strtod (json_node_get_string (av), NULL);
          else
            t = json_node_get_double (av);
          if (!isfinite (p) || !isfinite (t))
            continue;
          g_array_append_val (y, t);
          g_array_append_val (pred, p);
        }
      else
        {
          /* The actual class by name (a number or boolean as its text);
           * the prediction's probabilities by class. */
          g_autofree char *name = json_node_get_value_type (av) == G_TYPE_STRING
                                  ? g_strdup (json_node_get_string (av))
                                  : json_node_get_value_type (av) == G_TYPE_BOOLEAN
                                  ? g_strdup (json_node_get_boolean (av) ? "true" : "false")
                                  : g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (av));
          JsonObject *probs = JSON_NODE_HOLDS_OBJECT (out) &&
                              json_object_has_member (json_node_get_object (out), "probabilities")
                              ? json_object_get_object_member (json_node_get_object (out), "probabilities") : NULL;
          double t = -1;

          for (guint k = 0; k < n_classes; k++)
            if (g_strcmp0 (json_array_get_string_element (classes, k), name) == 0)
              t = k;
          if (t < 0 || probs == NULL)
            continue;
          g_array_append_val (y, t);
          for (guint k = 0; k < n_classes; k++)
            {
              double p = member_number (probs, json_array_get_string_element (classes, k));
              g_array_append_val (pred, p);
            }
        }
    }
  *n_rows = y->len;
  if (y->len == 0)
    return TRUE;
  truth = (AxTarget) { classes ? AX_TASK_CLASSIFICATION : AX_TASK_REGRESSION,
                       n_classes, (const double *) y->data, NULL };
  m = ax_metrics_compute (&truth, y->len, (const double *) pred->data);
  *value = metric_value (m, metric);
  return TRUE;
}

void
ax_model_due_free (AxModelDue *due)
{
  if (due == NULL)
    return;
  g_free (due->model_name);
  g_free (due->detail);
  g_free (due);
}

static GDateTime *
parse_time (const char *iso)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();

  return iso ? g_date_time_new_from_iso8601 (iso, utc) : NULL;
}

GPtrArray *
ax_model_admin_list_due (const char  *project_path,
                         GDateTime   *now,
                         GError     **error)
{
  g_autoptr(AxStore) store = ax_store_open (project_path, error);
  g_autoptr(GPtrArray) models = NULL;
  g_autoptr(GPtrArray) due = g_ptr_array_new_with_free_func ((GDestroyNotify) ax_model_due_free);

  if (store == NULL || (models = ax_store_list_models (store, error)) == NULL)
    return NULL;
  for (guint i = 0; i < models->len; i++)
    {
      AxModelInfo *info = models->pdata[i];
      g_autoptr(AxModelAdmin) admin = ax_store_get_model_admin (store, info->id, error);
      g_autoptr(GDateTime) latest = NULL;
      g_autoptr(GDateTime) next = NULL;
      AxModelDue *d = NULL;

      if (admin == NULL)
        return NULL;
      if (admin->latest_created == NULL)
        continue;
      latest = parse_time (admin->latest_created);
      if (latest && g_strcmp0 (admin->retrain_frequency, "daily") == 0)
        next = g_date_time_add_days (latest, 1);
      else if (latest && g_strcmp0 (admin->retrain_frequency, "weekly") == 0)
        next = g_date_time_add_weeks (latest, 1);
      else if (latest && g_strcmp0 (admin->retrain_frequency, "monthly") == 0)
        next = g_date_time_add_months (latest, 1);
      if (next && g_date_time_compare (next, now) <= 0)
        {
          d = g_new0 (AxModelDue, 1);
          d->reason = AX_RETRAIN_DUE_SCHEDULE;
          d->detail = g_strdup_printf (_("Retrained %s; the schedule is %s"),
                                       admin->latest_created, admin->retrain_frequency);
        }
      else if (admin->retrain_metric && isfinite (admin->retrain_drop) && admin->active_version > 0)
        {
          double value, baseline;
          guint n;
          int idx = metric_index (admin->retrain_metric);

          if (!ax_model_admin_measure_actuals (store, info->id, admin->active_version,
                                               admin->retrain_metric, &value, &baseline, &n, error))
            return NULL;
          if (n >= AX_RETRAIN_MIN_ACTUALS && isfinite (value) && isfinite (baseline) && idx >= 0)
            {
              double worse = idx >= FIRST_LOWER_BETTER ? value - baseline : baseline - value;
              if (worse >= admin->retrain_drop)
                {
                  d = g_new0 (AxModelDue, 1);
                  d->reason = AX_RETRAIN_DUE_DEGRADATION;
                  d->detail = g_strdup_printf (_("%s is %.4g on %u recorded actuals against %.4g "
                                                 "when trained, worse by more than %.4g"),
                                               admin->retrain_metric, value, n, baseline,
                                               admin->retrain_drop);
                }
            }
        }
      if (d)
        {
          d->model_id = info->id;
          d->model_name = g_strdup (info->name);
          g_ptr_array_add (due, d);
        }
    }
  return g_steal_pointer (&due);
}

char *
ax_model_admin_retrain_config (AxStore  *store,
                               gint64    model_id,
                               GError  **error)
{
  g_autoptr(AxModelInfo) info = ax_store_get_model (store, model_id, NULL, error);
  g_autoptr(GPtrArray) versions = NULL;

  if (info == NULL || (versions = ax_store_list_model_versions (store, model_id, error)) == NULL)
    return NULL;
  for (guint i = 0; i < versions->len; i++)
    {
      AxModelVersion *v = versions->pdata[i];
      if (v->version == info->active_version)
        return g_strdup (v->config);
    }
  g_set_error (error, AX_STORE_ERROR, AX_STORE_ERROR_NOT_FOUND,
               _("Model “%s” has no version to retrain from; train it first"), info->name);
  return NULL;
}
