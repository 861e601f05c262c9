/* ax-anomaly-detail.c — one anomaly: its metric over time, facts, cause and verdict
 *
 * The chart shows the most contributing metric over the rows around the
 * anomaly (of its group), read from the project in a thread.  The expected
 * band is the range the detector gave the anomaly's row: the isolation
 * forest and the robust z-score expect one range for every row, so it is
 * drawn across the chart; the seasonal baseline's range moves with the
 * season, and only the anomaly's own is stored, so it is drawn across the
 * anomaly and its neighbours only.
 */

#include "ax-config.h"
#include "ax-anomaly-detail.h"
#include "ax-anomaly-item.h"
#include "ax-charts.h"
#include "ax-detect-job.h"
#include "ax-store-datasets.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <math.h>

#define ROWS_AROUND 90

struct _AxAnomalyDetail {
  GtkBox                parent_instance;

  GtkLabel             *badge;
  GtkLabel             *title;
  GtkLabel             *subtitle;
  GtkWidget            *resolve_button;
  GtkWidget            *false_positive_button;
  GtkBox               *chart_box;
  GtkBox               *cause_box;
  AdwPreferencesGroup  *facts_group;
  AdwPreferencesGroup  *context_group;
  AdwPreferencesGroup  *verdict_group;
  AxLineChart          *line_chart;
  AxBarChart           *cause_chart;

  AxProject            *project;
  AxAnomalyRecord      *record;
  GPtrArray            *rows;          /* fact rows to remove on the next anomaly */
  GCancellable         *cancellable;   /* of the series read */
  gboolean              loaded;
  gboolean              have_preview;
  guint                 n_suppressed;
  guint                 n_past;
};

G_DEFINE_FINAL_TYPE (AxAnomalyDetail, ax_anomaly_detail, GTK_TYPE_BOX)

enum { BACK, N_SIGNALS };
static guint signals[N_SIGNALS];

gint64
ax_anomaly_detail_get_id (AxAnomalyDetail *self)
{
  return self->record ? self->record->id : 0;
}

const AxAnomalyRecord *
ax_anomaly_detail_get_record (AxAnomalyDetail *self)
{
  return self->record;
}

gboolean
ax_anomaly_detail_is_loaded (AxAnomalyDetail *self)
{
  return self->loaded;
}

gboolean
ax_anomaly_detail_get_preview (AxAnomalyDetail *self,
                               guint           *n_suppressed,
                               guint           *n_past)
{
  if (n_suppressed)
    *n_suppressed = self->n_suppressed;
  if (n_past)
    *n_past = self->n_past;
  return self->have_preview;
}

/* JSON of the record */

static JsonNode *
parse (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (text == NULL || !json_parser_load_from_data (parser, text, -1, NULL))
    return NULL;
  return json_node_copy (json_parser_get_root (parser));
}

static double
member_number (JsonObject *o,
               const char *name)
{
  JsonNode *n = o && json_object_has_member (o, name) ? json_object_get_member (o, name) : NULL;

  return n && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) != G_TYPE_STRING
         ? json_node_get_double (n) : NAN;
}

static char *
format_number (double v)
{
  if (isnan (v))
    return g_strdup (_("missing"));
  if (fabs (v) >= 1000 || v == floor (v))
    return g_strdup_printf ("%.0f", v);
  return g_strdup_printf ("%.3g", v);
}

/* The most contributing metric, or NULL. */
static char *
top_metric (const AxAnomalyRecord *r)
{
  g_autoptr(JsonNode) causes = parse (r->root_cause);
  JsonArray *a;

  if (causes == NULL || !JSON_NODE_HOLDS_ARRAY (causes))
    return NULL;
  a = json_node_get_array (causes);
  if (json_array_get_length (a) == 0)
    return NULL;
  return g_strdup (json_object_get_string_member_with_default (json_array_get_object_element (a, 0), "metric", ""));
}

/* Facts */

static void
add_fact (AxAnomalyDetail     *self,
          AdwPreferencesGroup *group,
          const char          *title,
          const char          *value)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *label = gtk_label_new (value);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  /* Short facts stay on one line; only long notes wrap. */
  gtk_label_set_wrap (GTK_LABEL (label), g_utf8_strlen (value, -1) > 40);
  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 40);
  gtk_label_set_width_chars (GTK_LABEL (label), MIN (g_utf8_strlen (value, -1), 40));
  gtk_widget_add_css_class (label, "dim-label");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
  adw_preferences_group_add (group, row);
  g_ptr_array_add (self->rows, row);
}

static void
clear_facts (AxAnomalyDetail *self)
{
  for (guint i = 0; i < self->rows->len; i++)
    {
      GtkWidget *row = self->rows->pdata[i];
      GtkWidget *group = gtk_widget_get_ancestor (row, ADW_TYPE_PREFERENCES_GROUP);
      if (group)
        adw_preferences_group_remove (ADW_PREFERENCES_GROUP (group), row);
    }
  g_ptr_array_set_size (self->rows, 0);
}

static void
fill_context (AxAnomalyDetail *self,
              JsonObject      *context)
{
  static const struct { const char *key; const char *title; } sides[] = {
    { "previous", N_("Previous row") }, { "next", N_("Next row") },
  };
  gboolean any = FALSE;

  for (guint s = 0; context && s < G_N_ELEMENTS (sides); s++)
    {
      JsonNode *side = json_object_has_member (context, sides[s].key)
                       ? json_object_get_member (context, sides[s].key) : NULL;
      g_autoptr(GString) text = g_string_new (NULL);
      JsonObject *o, *values;

      if (side == NULL || !JSON_NODE_HOLDS_OBJECT (side))
        continue;
      o = json_node_get_object (side);
      if (json_object_has_member (o, "time") && !json_object_get_null_member (o, "time"))
        g_string_append_printf (text, "%s: ", json_object_get_string_member (o, "time"));
      values = json_object_has_member (o, "values") ? json_object_get_object_member (o, "values") : NULL;
      if (values)
        {
          g_autoptr(GList) names = json_object_get_members (values);
          for (GList *l = names; l; l = l->next)
            {
              g_autofree char *v = format_number (member_number (values, l->data));
              g_string_append_printf (text, "%s%s %s", l == names ? "" : ", ", (char *) l->data, v);
            }
        }
      add_fact (self, self->context_group, _(sides[s].title), text->str);
      any = TRUE;
    }
  if (self->record->group_value)
    add_fact (self, self->context_group, _("Group"), self->record->group_value);
  if (!any && self->record->group_value == NULL)
    add_fact (self, self->context_group, _("Neighbours"), _("None: the row is alone in its series"));
}

static void
fill_cause (AxAnomalyDetail *self)
{
  g_autoptr(JsonNode) causes = parse (self->record->root_cause);
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (double));
  JsonArray *a = causes && JSON_NODE_HOLDS_ARRAY (causes) ? json_node_get_array (causes) : NULL;

  for (guint i = 0; a && i < json_array_get_length (a); i++)
    {
      JsonObject *o = json_array_get_object_element (a, i);
      const char *direction = json_object_get_string_member_with_default (o, "direction", "inside");
      double share = member_number (o, "share") * 100;

      g_ptr_array_add (labels, g_strdup (json_object_get_string_member_with_default (o, "metric", "")));
      g_array_append_val (values, share);
      g_ptr_array_add (texts, g_strdup_printf ("%.0f%% %s", share,
                                              g_str_equal (direction, "above") ? _("above")
                                              : g_str_equal (direction, "below") ? _("below") : _("inside")));
    }
  ax_chart_clear (AX_CHART (self->cause_chart));
  if (values->len > 0)
    {
      ax_bar_chart_set_data (self->cause_chart, (const char *const *) labels->pdata,
                             (const double *) values->data, NULL, values->len);
      ax_bar_chart_set_value_labels (self->cause_chart, (const char *const *) texts->pdata, texts->len);
    }
  gtk_widget_set_size_request (GTK_WIDGET (self->cause_chart), -1, 60 + 36 * MAX (values->len, 1));
}

static void
fill_facts (AxAnomalyDetail *self)
{
  const AxAnomalyRecord *r = self->record;
  g_autoptr(JsonNode) actual = parse (r->actual);
  g_autoptr(JsonNode) expected = parse (r->expected);
  g_autoptr(JsonNode) context = parse (r->context);
  JsonObject *act = actual && JSON_NODE_HOLDS_OBJECT (actual) ? json_node_get_object (actual) : NULL;
  JsonObject *exp = expected && JSON_NODE_HOLDS_OBJECT (expected) ? json_node_get_object (expected) : NULL;
  g_autofree char *score = g_strdup_printf ("%.2f", r->score);
  g_autofree char *when = isnan (r->time) ? NULL : ax_detect_format_time (r->time);
  g_autofree char *row = g_strdup_printf (_("%s, row %" G_GINT64_FORMAT), r->dataset, r->dataset_row + 1);

  clear_facts (self);
  if (fabs (r->score - r->raw_score) > 0.005)
    {
      g_free (score);
      score = g_strdup_printf (_("%.2f (the detector's %.2f, lowered by feedback)"), r->score, r->raw_score);
    }
  add_fact (self, self->facts_group, _("Anomaly score"), score);
  if (act)
    {
      g_autoptr(GList) names = json_object_get_members (act);
      for (GList *l = names; l; l = l->next)
        {
          JsonObject *range = exp && json_object_has_member (exp, l->data)
                              ? json_object_get_object_member (exp, l->data) : NULL;
          g_autofree char *a = format_number (member_number (act, l->data));
          g_autofree char *lo = format_number (member_number (range, "low"));
          g_autofree char *hi = format_number (member_number (range, "high"));
          g_autofree char *title = g_strdup_printf (_("%s: actual against expected"), (char *) l->data);
          g_autofree char *text = range ? g_strdup_printf (_("%s, expected %s to %s"), a, lo, hi) : g_strdup (a);
          add_fact (self, self->facts_group, title, text);
        }
    }
  add_fact (self, self->facts_group, _("Time in the data"), when ? when : _("None (no time column)"));
  add_fact (self, self->facts_group, _("Affected data"), row);
  add_fact (self, self->facts_group, _("Detected at"), r->detected_at);
  add_fact (self, self->facts_group, _("Detection"), r->detection_name);

  fill_context (self, context && JSON_NODE_HOLDS_OBJECT (context) ? json_node_get_object (context) : NULL);

  add_fact (self, self->verdict_group, _("Status"), ax_anomaly_status_label (r->status));
  if (r->status != AX_ANOMALY_STATUS_OPEN)
    {
      add_fact (self, self->verdict_group, _("Notes"), r->resolution_notes && r->resolution_notes[0] ? r->resolution_notes : _("None"));
      if (r->is_false_positive)
        add_fact (self, self->verdict_group, _("Why it is a false positive"),
                  r->false_positive_reason && r->false_positive_reason[0] ? r->false_positive_reason : _("Not given"));
      if (r->resolved_at)
        add_fact (self, self->verdict_group, _("Decided at"), r->resolved_at);
    }
  fill_cause (self);
}

static void
fill_header (AxAnomalyDetail *self)
{
  const AxAnomalyRecord *r = self->record;
  g_autoptr(AxAnomalyItem) item = NULL;
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  AxAnomalyRecord *copy = g_new0 (AxAnomalyRecord, 1);

  /* The item owns a record; give it a shallow-enough copy to format. */
  copy->detection_name = g_strdup (r->detection_name);
  copy->dataset = g_strdup (r->dataset);
  copy->detected_at = g_strdup (r->detected_at);
  copy->group_value = g_strdup (r->group_value);
  copy->root_cause = g_strdup (r->root_cause);
  copy->time = r->time;
  copy->dataset_row = r->dataset_row;
  item = ax_anomaly_item_new (copy);
  title = ax_anomaly_item_dup_title (item);
  subtitle = ax_anomaly_item_dup_subtitle (item);

  gtk_label_set_text (self->badge, ax_severity_label (r->severity));
  for (guint s = AX_SEVERITY_NONE; s <= AX_SEVERITY_CRITICAL; s++)
    gtk_widget_remove_css_class (GTK_WIDGET (self->badge), ax_severity_css_class (s));
  gtk_widget_add_css_class (GTK_WIDGET (self->badge), ax_severity_css_class (r->severity));
  gtk_label_set_text (self->title, title);
  gtk_label_set_text (self->subtitle, subtitle);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "detail.resolve", r->status == AX_ANOMALY_STATUS_OPEN);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "detail.mark-false-positive",
                                 r->status != AX_ANOMALY_STATUS_FALSE_POSITIVE);
}

/* The series, read in a thread */

typedef struct {
  char     *path;
  gint64    detection_id;
  char     *dataset;
  gint64    row;
  char     *group;
  char     *metric;
  /* out */
  GArray   *x;
  GArray   *y;
  gint      anomaly_index;
  gboolean  time_axis;
  gboolean  shared_range;
} SeriesLoad;

static void
series_load_free (gpointer p)
{
  SeriesLoad *s = p;

  g_free (s->path);
  g_free (s->dataset);
  g_free (s->group);
  g_free (s->metric);
  g_clear_pointer (&s->x, g_array_unref);
  g_clear_pointer (&s->y, g_array_unref);
  g_free (s);
}

static double
cell_number (const AxColumn *c,
             guint           i)
{
  if (c->missing && c->missing[i])
    return NAN;
  switch (c->type)
    {
    case AX_COLUMN_REAL: return c->reals[i];
    case AX_COLUMN_DATE: return (double) c->ints[i] * 86400.0;
    case AX_COLUMN_INTEGER:
    case AX_COLUMN_BOOLEAN:
    case AX_COLUMN_DATETIME: return (double) c->ints[i];
    case AX_COLUMN_CATEGORICAL:
    case AX_COLUMN_TEXT:
    default: return NAN;
    }
}

static gboolean
cell_is (const AxColumn *c,
         guint           i,
         const char     *value)
{
  g_autofree char *text = NULL;

  if (c->missing && c->missing[i])
    return FALSE;
  if (c->type == AX_COLUMN_CATEGORICAL || c->type == AX_COLUMN_TEXT)
    return g_strcmp0 (c->strings[i], value) == 0;
  text = g_strdup_printf ("%" G_GINT64_FORMAT, c->ints ? c->ints[i] : 0);
  return g_strcmp0 (text, value) == 0;
}

static void
load_series_thread (GTask        *task,
                    gpointer      source,
                    gpointer      data,
                    GCancellable *cancellable)
{
  SeriesLoad *s = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(AxStore) store = ax_store_open (s->path, &error);
  g_autoptr(AxDetectionInfo) detection = NULL;
  g_autoptr(AxDetectionConfig) config = NULL;
  g_autoptr(AxDatasetInfo) info = NULL;
  g_autoptr(AxFrame) frame = NULL;
  gint64 span = s->group ? 3000 : ROWS_AROUND;
  gint64 first;
  int metric_col, time_col = -1, group_col = -1;
  g_autoptr(GArray) keep = g_array_new (FALSE, FALSE, sizeof (guint));
  guint at = 0, from, to;

  if (store == NULL ||
      (detection = ax_store_get_detection (store, s->detection_id, NULL, &error)) == NULL ||
      (config = ax_detection_config_from_json (detection->config, &error)) == NULL ||
      (info = ax_store_get_dataset (store, 0, s->dataset, &error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  s->shared_range = g_strcmp0 (config->algorithm, "seasonal") != 0;
  first = MAX (0, s->row - span);
  frame = ax_store_read_rows (store, info, first, (guint) (2 * span + 1), &error);
  if (frame == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  metric_col = ax_frame_find_column (frame, s->metric);
  if (config->time_column)
    time_col = ax_frame_find_column (frame, config->time_column);
  if (config->group_by && s->group)
    group_col = ax_frame_find_column (frame, config->group_by);
  if (metric_col < 0)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               _("The dataset “%s” no longer has the column “%s”"), s->dataset, s->metric);
      return;
    }
  for (guint i = 0; i < frame->n_rows; i++)
    {
      if (group_col >= 0 && !cell_is (&frame->columns[group_col], i, s->group))
        continue;
      if (first + i == s->row)
        at = keep->len;
      g_array_append_val (keep, i);
    }
  from = at > ROWS_AROUND ? at - ROWS_AROUND : 0;
  to = MIN (keep->len, at + ROWS_AROUND + 1);
  s->x = g_array_new (FALSE, FALSE, sizeof (double));
  s->y = g_array_new (FALSE, FALSE, sizeof (double));
  s->time_axis = time_col >= 0;
  for (guint k = from; k < to; k++)
    {
      guint i = g_array_index (keep, guint, k);
      double x = time_col >= 0 ? cell_number (&frame->columns[time_col], i) : (double) (first + i + 1);
      double y = cell_number (&frame->columns[metric_col], i);

      if (k == at)
        s->anomaly_index = (gint) s->x->len;
      g_array_append_val (s->x, x);
      g_array_append_val (s->y, y);
    }
  g_task_return_boolean (task, TRUE);
}

static void
series_loaded (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  AxAnomalyDetail *self = AX_ANOMALY_DETAIL (source);
  SeriesLoad *s = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) expected = NULL;
  JsonObject *range = NULL;
  double lo, hi, ax, ay;
  g_autofree char *y_title = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        ax_chart_set_empty_text (AX_CHART (self->line_chart), error->message);
      self->loaded = TRUE;
      return;
    }
  ax_chart_clear (AX_CHART (self->line_chart));
  ax_line_chart_set_time_axis (self->line_chart, s->time_axis);
  ax_chart_set_axis_titles (AX_CHART (self->line_chart), s->time_axis ? NULL : _("Row"), s->metric);
  if (s->x->len == 0)
    {
      ax_chart_set_empty_text (AX_CHART (self->line_chart), _("The anomaly's row is no longer in the dataset"));
      self->loaded = TRUE;
      return;
    }
  ax_line_chart_add_series (self->line_chart, s->metric, (double *) s->x->data, (double *) s->y->data, s->x->len);

  expected = parse (self->record->expected);
  if (expected && JSON_NODE_HOLDS_OBJECT (expected) && json_object_has_member (json_node_get_object (expected), s->metric))
    range = json_object_get_object_member (json_node_get_object (expected), s->metric);
  lo = member_number (range, "low");
  hi = member_number (range, "high");
  if (!isnan (lo) && !isnan (hi))
    {
      guint from = s->shared_range ? 0 : (guint) MAX (0, s->anomaly_index - 1);
      guint to = s->shared_range ? s->x->len : MIN (s->x->len, (guint) s->anomaly_index + 2);
      g_autoptr(GArray) lows = g_array_new (FALSE, FALSE, sizeof (double));
      g_autoptr(GArray) highs = g_array_new (FALSE, FALSE, sizeof (double));

      for (guint i = from; i < to; i++)
        {
          g_array_append_val (lows, lo);
          g_array_append_val (highs, hi);
        }
      ax_line_chart_add_band (self->line_chart, 0, _("Expected range"),
                              &g_array_index (s->x, double, from),
                              (double *) lows->data, (double *) highs->data, to - from);
    }
  ax = g_array_index (s->x, double, s->anomaly_index);
  ay = g_array_index (s->y, double, s->anomaly_index);
  ax_line_chart_add_markers (self->line_chart, _("Anomaly"), &ax, &ay, 1);
  y_title = g_strdup_printf (_("%s around the anomaly"), s->metric);
  ax_chart_set_title (AX_CHART (self->line_chart), y_title);
  self->loaded = TRUE;
}

static void
load_series (AxAnomalyDetail *self)
{
  g_autoptr(GTask) task = NULL;
  SeriesLoad *s;
  g_autofree char *metric = top_metric (self->record);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->loaded = FALSE;
  ax_chart_clear (AX_CHART (self->line_chart));
  ax_chart_set_title (AX_CHART (self->line_chart), NULL);
  if (metric == NULL)
    {
      ax_chart_set_empty_text (AX_CHART (self->line_chart), _("This anomaly names no metric to chart"));
      self->loaded = TRUE;
      return;
    }
  ax_chart_set_empty_text (AX_CHART (self->line_chart), _("Reading the series…"));
  s = g_new0 (SeriesLoad, 1);
  s->path = g_strdup (ax_project_get_path (self->project));
  s->detection_id = self->record->detection_id;
  s->dataset = g_strdup (self->record->dataset);
  s->row = self->record->dataset_row;
  s->group = g_strdup (self->record->group_value);
  s->metric = g_steal_pointer (&metric);
  task = g_task_new (self, self->cancellable, series_loaded, NULL);
  g_task_set_task_data (task, s, series_load_free);
  g_task_run_in_thread (task, load_series_thread);
}

void
ax_anomaly_detail_show (AxAnomalyDetail *self,
                        AxProject       *project,
                        gint64           id)
{
  g_autoptr(GError) error = NULL;
  AxAnomalyRecord *record;

  g_return_if_fail (AX_IS_ANOMALY_DETAIL (self));

  g_set_object (&self->project, project);
  record = project ? ax_store_get_anomaly (ax_project_get_store (project), id, &error) : NULL;
  if (record == NULL)
    {
      g_warning ("Anomaly %" G_GINT64_FORMAT ": %s", id, error ? error->message : "no project");
      return;
    }
  g_clear_pointer (&self->record, ax_anomaly_record_free);
  self->record = record;
  self->have_preview = FALSE;
  fill_header (self);
  fill_facts (self);
  load_series (self);
}

/* Verdicts */

static GtkWidget *
dialog_entry (AdwMessageDialog *dialog,
              const char       *placeholder)
{
  GtkWidget *entry = gtk_entry_new ();

  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), placeholder);
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, placeholder, -1);
  adw_message_dialog_set_extra_child (dialog, entry);
  return entry;
}

static void
apply_verdict (AxAnomalyDetail *self,
               const char      *notes,
               gboolean         false_positive,
               const char      *reason)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AxAnomalyRecord) done = NULL;
  gint64 id = self->record->id;

  /* One row updated: short enough for the main thread. */
  if (!ax_store_resolve_anomaly (ax_project_get_store (self->project), id, notes,
                                 false_positive, reason, &error))
    {
      GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                                  _("Could Not Save the Verdict"), error->message);
      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    }
  ax_anomaly_detail_show (self, self->project, id);
  ax_project_changed (self->project);
}

static void
on_resolve_response (AdwMessageDialog *dialog,
                     const char       *response,
                     AxAnomalyDetail  *self)
{
  GtkWidget *entry = adw_message_dialog_get_extra_child (dialog);

  if (g_strcmp0 (response, "resolve") == 0 && self->record)
    apply_verdict (self, gtk_editable_get_text (GTK_EDITABLE (entry)), FALSE, NULL);
}

static void
resolve_activated (GtkWidget  *widget,
                   const char *action,
                   GVariant   *param)
{
  AxAnomalyDetail *self = AX_ANOMALY_DETAIL (widget);
  GtkWidget *dialog;

  if (self->record == NULL)
    return;
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), _("Resolve Anomaly?"),
                                   _("Record what caused it and what was done, for whoever looks at it next."));
  dialog_entry (ADW_MESSAGE_DIALOG (dialog), _("Resolution notes, e.g. “Revenue spike due to promotional campaign”"));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "resolve", _("_Resolve"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "resolve", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "resolve");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_resolve_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_false_positive_response (AdwMessageDialog *dialog,
                            const char       *response,
                            AxAnomalyDetail  *self)
{
  GtkWidget *entry = adw_message_dialog_get_extra_child (dialog);
  const char *reason = gtk_editable_get_text (GTK_EDITABLE (entry));

  if (g_strcmp0 (response, "mark") == 0 && self->record)
    apply_verdict (self, reason, TRUE, reason[0] ? reason : NULL);
}

typedef struct {
  char   *path;
  gint64  id;
  guint   n_suppressed;
  guint   n_past;
} Preview;

static void
preview_free (gpointer p)
{
  g_free (((Preview *) p)->path);
  g_free (p);
}

static void
preview_thread (GTask        *task,
                gpointer      source,
                gpointer      data,
                GCancellable *cancellable)
{
  Preview *p = data;
  GError *error = NULL;

  if (ax_detect_preview_false_positive (p->path, p->id, &p->n_suppressed, &p->n_past, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
preview_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  AxAnomalyDetail *self = AX_ANOMALY_DETAIL (source);
  Preview *p = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "detail.mark-false-positive", TRUE);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    body = g_strdup_printf (_("Later runs will score rows like this one lower. (How many past anomalies it would have suppressed could not be worked out: %s)"),
                            error->message);
  else
    {
      self->have_preview = TRUE;
      self->n_suppressed = p->n_suppressed;
      self->n_past = p->n_past;
      if (p->n_suppressed == 0)
        body = g_strdup_printf (ngettext ("Later runs will score rows like this one lower. Of the %u other stored anomaly of this detection, none would have been suppressed by it.",
                                          "Later runs will score rows like this one lower. Of the %u other stored anomalies of this detection, none would have been suppressed by it.",
                                          p->n_past), p->n_past);
      else
        body = g_strdup_printf (ngettext ("Later runs will score rows like this one lower. With it, %u of the %u other stored anomalies of this detection would have been suppressed.",
                                          "Later runs will score rows like this one lower. With it, %u of the %u other stored anomalies of this detection would have been suppressed.",
                                          p->n_suppressed), p->n_suppressed, p->n_past);
    }
  if (self->record == NULL || self->record->id != p->id)
    return;
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                   _("Mark as False Positive?"), body);
  dialog_entry (ADW_MESSAGE_DIALOG (dialog), _("Reason, e.g. “Planned maintenance window”"));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "mark", _("_Mark as False Positive"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "mark", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "mark");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_false_positive_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
false_positive_activated (GtkWidget  *widget,
                          const char *action,
                          GVariant   *param)
{
  AxAnomalyDetail *self = AX_ANOMALY_DETAIL (widget);
  g_autoptr(GTask) task = NULL;
  Preview *p;

  if (self->record == NULL)
    return;
  /* The preview first: the dialog says what the mark would do. */
  gtk_widget_action_set_enabled (widget, "detail.mark-false-positive", FALSE);
  p = g_new0 (Preview, 1);
  p->path = g_strdup (ax_project_get_path (self->project));
  p->id = self->record->id;
  task = g_task_new (self, NULL, preview_done, NULL);
  g_task_set_task_data (task, p, preview_free);
  g_task_run_in_thread (task, preview_thread);
}

static void
back_activated (GtkWidget  *widget,
                const char *action,
                GVariant   *param)
{
  g_signal_emit (widget, signals[BACK], 0);
}

static void
ax_anomaly_detail_dispose (GObject *object)
{
  AxAnomalyDetail *self = AX_ANOMALY_DETAIL (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), AX_TYPE_ANOMALY_DETAIL);
  G_OBJECT_CLASS (ax_anomaly_detail_parent_class)->dispose (object);
}

static void
ax_anomaly_detail_finalize (GObject *object)
{
  AxAnomalyDetail *self = AX_ANOMALY_DETAIL (object);

  g_clear_object (&self->project);
  g_clear_pointer (&self->record, ax_anomaly_record_free);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  G_OBJECT_CLASS (ax_anomaly_detail_parent_class)->finalize (object);
}

static void
ax_anomaly_detail_class_init (AxAnomalyDetailClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ax_anomaly_detail_dispose;
  object_class->finalize = ax_anomaly_detail_finalize;
  signals[BACK] = g_signal_new ("back", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/auspex/Auspex/ui/ax-anomaly-detail.ui");
  gtk_widget_class_bind_template_child (widget_class, AxAnomalyDetail, badge);
  gtk_widget_class_bind_template_child (widget_class, AxAnomalyDetail, title);
  gtk_widget_class_bind_template_child (widget_class, AxAnomalyDetail, subtitle);
  gtk_widget_class_bind_template_child (widget_class, AxAnomalyDetail, resolve_button);
  gtk_widget_class_bind_template_child (widget_class, AxAnomalyDetail, false_positive_button);
  gtk_widget_class_bind_template_child (widget_class, AxAnomalyDetail, chart_box);
  gtk_widget_class_bind_template_child (widget_class, AxAnomalyDetail, cause_box);
  gtk_widget_class_bind_template_child (widget_class, AxAnomalyDetail, facts_group);
  gtk_widget_class_bind_template_child (widget_class, AxAnomalyDetail, context_group);
  gtk_widget_class_bind_template_child (widget_class, AxAnomalyDetail, verdict_group);

  gtk_widget_class_install_action (widget_class, "detail.back", NULL, back_activated);
  gtk_widget_class_install_action (widget_class, "detail.resolve", NULL, resolve_activated);
  gtk_widget_class_install_action (widget_class, "detail.mark-false-positive", NULL, false_positive_activated);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "detail.back", NULL);
}

static void
ax_anomaly_detail_init (AxAnomalyDetail *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->rows = g_ptr_array_new ();

  self->line_chart = ax_line_chart_new ();
  gtk_widget_set_vexpand (GTK_WIDGET (self->line_chart), TRUE);
  gtk_box_append (self->chart_box, GTK_WIDGET (self->line_chart));
  self->cause_chart = ax_bar_chart_new ();
  ax_bar_chart_set_horizontal (self->cause_chart, TRUE);
  gtk_box_append (self->cause_box, GTK_WIDGET (self->cause_chart));
}
