/* ax-detect-results.c — listing anomalies, resolving them, and showing them
 *
 * The other half of ax-detect-job.h: what the analyst does with what a
 * detection found, and the anomaly in the guide's shape.
 */

#include "ax-config.h"
#include "ax-detect-job.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

/* Times */

char *
ax_detect_format_time (double days)
{
  char buf[64];
  double whole;
  gint64 seconds;

  if (!isfinite (days))
    return NULL;
  whole = floor (days);
  if (days == whole)
    {
      ax_format_date ((gint64) whole, buf, sizeof buf);
      return g_strdup (buf);
    }
  seconds = (gint64) llround (days * 86400.0);
  ax_format_datetime (seconds, buf, sizeof buf);
  /* "YYYY-MM-DD HH:MM:SS" → ISO 8601 in UTC, as the guide writes times. */
  buf[10] = 'T';
  return g_strconcat (buf, "Z", NULL);
}

gboolean
ax_detect_parse_time (const char *text,
                      gboolean    end,
                      double     *out_days)
{
  gint64 days, seconds;

  if (text == NULL)
    return FALSE;
  if (ax_parse_date (text, AX_DATE_ISO, &days))
    {
      *out_days = (double) (days + (end ? 1 : 0));
      return TRUE;
    }
  if (ax_parse_datetime (text, &seconds))
    {
      *out_days = (double) (seconds + (end ? 1 : 0)) / 86400.0;
      return TRUE;
    }
  return FALSE;
}

/* Listing and resolving */

GPtrArray *
ax_detect_list_detections (const char  *project_path,
                           GError     **error)
{
  g_autoptr(AxStore) store = ax_store_open (project_path, error);

  if (store == NULL)
    return NULL;
  return ax_store_list_detections (store, error);
}

static void
set_no_detection_error (AxStore     *store,
                        const char  *name,
                        GError     **error)
{
  g_autoptr(GPtrArray) list = ax_store_list_detections (store, NULL);
  g_autoptr(GString) names = g_string_new (NULL);

  for (guint i = 0; list && i < list->len; i++)
    {
      const AxDetectionInfo *info = g_ptr_array_index (list, i);
      g_string_append_printf (names, "%s“%s”", i ? ", " : "", info->name);
    }
  if (names->len == 0)
    g_set_error (error, AX_STORE_ERROR, AX_STORE_ERROR_NOT_FOUND,
                 _("The project has no anomaly detection called “%s”; it has none yet"), name);
  else
    g_set_error (error, AX_STORE_ERROR, AX_STORE_ERROR_NOT_FOUND,
                 _("The project has no anomaly detection called “%s”; it has %s"), name, names->str);
}

GPtrArray *
ax_detect_list_anomalies (const char             *project_path,
                          const char             *detection_name,
                          const AxAnomalyFilter  *filter,
                          GError                **error)
{
  g_autoptr(AxStore) store = ax_store_open (project_path, error);
  AxAnomalyFilter f;

  if (store == NULL)
    return NULL;
  if (filter)
    f = *filter;
  else
    ax_anomaly_filter_init (&f);
  if (detection_name)
    {
      g_autoptr(GError) local = NULL;
      g_autoptr(AxDetectionInfo) info = ax_store_get_detection (store, 0, detection_name, &local);

      if (info == NULL)
        {
          if (g_error_matches (local, AX_STORE_ERROR, AX_STORE_ERROR_NOT_FOUND))
            set_no_detection_error (store, detection_name, error);
          else
            g_propagate_error (error, g_steal_pointer (&local));
          return NULL;
        }
      f.detection_id = info->id;
    }
  return ax_store_list_anomalies (store, &f, error);
}

AxAnomalyRecord *
ax_detect_resolve (const char  *project_path,
                   gint64       anomaly_id,
                   const char  *notes,
                   gboolean     is_false_positive,
                   const char  *reason,
                   GError     **error)
{
  g_autoptr(AxStore) store = ax_store_open (project_path, error);

  if (store == NULL ||
      !ax_store_resolve_anomaly (store, anomaly_id, notes, is_false_positive, reason, error))
    return NULL;
  return ax_store_get_anomaly (store, anomaly_id, error);
}

/* The preview */

static void
feedback_clear (gpointer p)
{
  AxFeedback *f = p;

  g_clear_pointer (&f->group, g_free);
  g_clear_pointer (&f->values, g_free);
}

/* With an alert budget the thresholds are chosen per run: the preview
 * judges by those of the detection's latest run. */
static gboolean
use_last_thresholds (AxStore            *store,
                     gint64              detection_id,
                     AxDetectionConfig  *config,
                     GError            **error)
{
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(JsonNode) root = NULL;
  const AxDetectionRun *last;
  JsonObject *o;

  if (config->threshold_config.budget_alerts == 0)
    return TRUE;
  runs = ax_store_list_detection_runs (store, detection_id, error);
  if (runs == NULL)
    return FALSE;
  if (runs->len == 0)
    return TRUE;
  last = g_ptr_array_index (runs, runs->len - 1);
  root = json_from_string (last->thresholds, NULL);
  o = root && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  for (AxSeverity s = AX_SEVERITY_LOW; o && s <= AX_SEVERITY_CRITICAL; s++)
    {
      double v = json_object_get_double_member_with_default (o, ax_severity_to_string (s), NAN);
      if (isfinite (v))
        config->threshold_config.thresholds[s] = v;
    }
  return TRUE;
}

gboolean
ax_detect_preview_false_positive (const char  *project_path,
                                  gint64       anomaly_id,
                                  guint       *out_n_suppressed,
                                  guint       *out_n_past,
                                  GError     **error)
{
  static const AxAnomalyStatus past_statuses[] = { AX_ANOMALY_STATUS_OPEN, AX_ANOMALY_STATUS_RESOLVED };
  g_autoptr(AxStore) store = ax_store_open (project_path, error);
  g_autoptr(AxAnomalyRecord) anomaly = NULL;
  g_autoptr(AxDetectionInfo) info = NULL;
  g_autoptr(AxDetectionConfig) config = NULL;
  g_autoptr(GArray) existing = NULL;
  g_autoptr(GArray) past = NULL;
  g_autoptr(GArray) added = NULL;
  g_autoptr(GError) local = NULL;
  const char * const *metrics;
  guint n = 0;

  if (store == NULL)
    return FALSE;
  anomaly = ax_store_get_anomaly (store, anomaly_id, error);
  if (anomaly == NULL)
    return FALSE;
  info = ax_store_get_detection (store, anomaly->detection_id, NULL, error);
  if (info == NULL)
    return FALSE;
  config = ax_detection_config_from_json (info->config, &local);
  if (config == NULL)
    {
      g_set_error (error, local->domain, local->code,
                   _("The configuration of detection “%s” cannot be used: %s"), info->name, local->message);
      return FALSE;
    }
  if (!use_last_thresholds (store, info->id, config, error))
    return FALSE;
  metrics = (const char * const *) config->monitored_metrics;
  existing = ax_store_get_feedback (store, info->id, metrics, error);
  if (existing == NULL)
    return FALSE;

  /* The past: every anomaly of the detection that is not a false
   * positive already, but the one to be marked; that one is @added. */
  past = g_array_new (FALSE, TRUE, sizeof (AxFeedback));
  added = g_array_new (FALSE, TRUE, sizeof (AxFeedback));
  g_array_set_clear_func (past, feedback_clear);
  g_array_set_clear_func (added, feedback_clear);
  for (guint k = 0; k < G_N_ELEMENTS (past_statuses); k++)
    {
      g_autoptr(GArray) ids = NULL;
      g_autoptr(GArray) some = ax_store_get_anomaly_values (store, info->id, (int) past_statuses[k],
                                                            metrics, &ids, error);
      if (some == NULL)
        return FALSE;
      for (guint i = 0; i < some->len; i++)
        g_array_append_vals (g_array_index (ids, gint64, i) == anomaly_id ? added : past,
                             &g_array_index (some, AxFeedback, i), 1);
      /* The contents moved to @past and @added, which free them. */
      g_array_set_clear_func (some, NULL);
    }
  if (added->len == 0)
    {
      /* Already a false positive: its own values are the mark. */
      g_autoptr(GArray) ids = NULL;
      g_autoptr(GArray) all = ax_store_get_anomaly_values (store, info->id, -1, metrics, &ids, error);

      if (all == NULL)
        return FALSE;
      for (guint i = 0; i < all->len; i++)
        if (g_array_index (ids, gint64, i) == anomaly_id)
          {
            AxFeedback *f = &g_array_index (all, AxFeedback, i);

            g_array_append_vals (added, f, 1);
            /* Moved: @all must not free them. */
            f->group = NULL;
            f->values = NULL;
            break;
          }
    }
  g_assert (added->len == 1);
  n = ax_detection_preview_feedback (config,
                                     (const AxFeedback *) (gpointer) existing->data, existing->len,
                                     &g_array_index (added, AxFeedback, 0),
                                     (const AxFeedback *) (gpointer) past->data, past->len);
  if (out_n_suppressed)
    *out_n_suppressed = n;
  if (out_n_past)
    *out_n_past = past->len;
  return TRUE;
}

/* The guide's shape */

static JsonNode *
stored_json (const char *text)
{
  JsonNode *node = text ? json_from_string (text, NULL) : NULL;

  return node ? node : json_node_new (JSON_NODE_NULL);
}

static void
add_string_or_null (JsonBuilder *b,
                    const char  *name,
                    const char  *value)
{
  json_builder_set_member_name (b, name);
  if (value)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

static void
add_number (JsonBuilder *b,
            const char  *name,
            double       v)
{
  json_builder_set_member_name (b, name);
  if (isfinite (v))
    json_builder_add_double_value (b, v);
  else
    json_builder_add_null_value (b);
}

JsonNode *
ax_anomaly_record_to_json (const AxAnomalyRecord *a)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *time = ax_detect_format_time (a->time);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_int_value (b, a->id);
  json_builder_set_member_name (b, "detection_id");
  json_builder_add_int_value (b, a->detection_id);
  add_string_or_null (b, "detection_name", a->detection_name);
  json_builder_set_member_name (b, "run_id");
  json_builder_add_int_value (b, a->run_id);
  add_string_or_null (b, "detected_at", a->detected_at);
  add_string_or_null (b, "severity", a->severity == AX_SEVERITY_NONE ? NULL : ax_severity_to_string (a->severity));
  add_number (b, "anomaly_score", a->score);
  add_number (b, "raw_score", a->raw_score);
  json_builder_set_member_name (b, "affected_data");
  json_builder_begin_object (b);
  add_string_or_null (b, "dataset", a->dataset);
  json_builder_set_member_name (b, "row");
  json_builder_add_int_value (b, a->dataset_row);
  add_string_or_null (b, "time", time);
  add_string_or_null (b, "group", a->group_value);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "expected_range");
  json_builder_add_value (b, stored_json (a->expected));
  json_builder_set_member_name (b, "actual_value");
  json_builder_add_value (b, stored_json (a->actual));
  json_builder_set_member_name (b, "context");
  json_builder_add_value (b, stored_json (a->context));
  json_builder_set_member_name (b, "root_cause_analysis");
  json_builder_add_value (b, stored_json (a->root_cause));
  add_string_or_null (b, "status", ax_anomaly_status_to_string (a->status));
  add_string_or_null (b, "resolution_notes", a->resolution_notes);
  json_builder_set_member_name (b, "is_false_positive");
  json_builder_add_boolean_value (b, a->is_false_positive);
  add_string_or_null (b, "false_positive_reason", a->false_positive_reason);
  add_string_or_null (b, "resolved_at", a->resolved_at);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

char *
ax_anomaly_record_top_cause (const AxAnomalyRecord *a)
{
  g_autoptr(JsonNode) root = stored_json (a->root_cause);
  JsonArray *causes = JSON_NODE_HOLDS_ARRAY (root) ? json_node_get_array (root) : NULL;
  JsonObject *top;
  const char *metric, *direction;
  double share;

  if (causes == NULL || json_array_get_length (causes) == 0)
    return NULL;
  top = json_array_get_object_element (causes, 0);
  if (top == NULL)
    return NULL;
  metric = json_object_get_string_member_with_default (top, "metric", NULL);
  direction = json_object_get_string_member_with_default (top, "direction", "");
  share = json_object_get_double_member_with_default (top, "share", NAN);
  if (metric == NULL)
    return NULL;
  if (g_str_equal (direction, "above"))
    return g_strdup_printf (_("%s above expected, %.0f%%"), metric, share * 100);
  if (g_str_equal (direction, "below"))
    return g_strdup_printf (_("%s below expected, %.0f%%"), metric, share * 100);
  return g_strdup_printf (_("%s, %.0f%%"), metric, share * 100);
}
