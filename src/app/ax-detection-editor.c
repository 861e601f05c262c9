/* ax-detection-editor.c — the form for an anomaly detection's configuration
 *
 * The algorithm's settings are not written here: the rows come from the
 * detector's own parameter specs (ax-detect.h), so a new detector shows
 * its settings without a change to this form.  Checking is the engine's
 * (ax_detection_config_from_json()), whose errors begin with the field;
 * the form looks that field up in its table and marks its row.
 */

#include "ax-config.h"
#include "ax-detection-editor.h"
#include "ax-anomaly-item.h"
#include "ax-detect.h"
#include "ax-store-anomalies.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct _AxDetectionEditor {
  AdwWindow             parent_instance;

  AdwEntryRow          *name_row;
  AdwComboRow          *type_row;
  AdwEntryRow          *description_row;
  AdwComboRow          *frequency_row;
  AdwComboRow          *dataset_row;
  AdwComboRow          *time_row;
  AdwComboRow          *group_row;
  AdwPreferencesGroup  *metrics_group;
  AdwPreferencesGroup  *algorithm_group;
  AdwComboRow          *algorithm_row;
  AdwPreferencesGroup  *threshold_group;
  AdwExpanderRow       *budget_row;
  GtkSpinButton        *budget_alerts;
  AdwComboRow          *budget_per_row;
  GtkRevealer          *error_revealer;
  GtkLabel             *error_label;
  GtkScrolledWindow    *scroller;

  AxProject            *project;
  GPtrArray            *datasets;        /* AxDatasetInfo */
  GPtrArray            *frequencies;     /* char*: the values behind frequency_row */
  GHashTable           *fields;          /* field name -> value widget (borrowed) */
  GPtrArray            *metric_rows;     /* rows in metrics_group */
  GPtrArray            *param_rows;      /* rows in algorithm_group after algorithm_row */
  GtkWidget            *error_row;       /* the row marked, or NULL */
  AxDetectionConfig    *editing;         /* the configuration edited, or NULL for a new one */
  char                 *error;
};

G_DEFINE_FINAL_TYPE (AxDetectionEditor, ax_detection_editor, ADW_TYPE_WINDOW)

enum { SAVED, N_SIGNALS };
static guint signals[N_SIGNALS];

static const char *const levels[] = { NULL, "low", "medium", "high", "critical" };
static const char *const budget_pers[] = { "day", "week", "month" };

static const struct {
  const char *value;
  const char *label;
} frequencies[] = {
  { "hourly", N_("Hourly") },
  { "daily", N_("Daily") },
  { "weekly", N_("Weekly") },
  { "monthly", N_("Monthly") },
  { "manual", N_("Only when run by hand") },
};

/* Fields */

static void
set_field (AxDetectionEditor *self,
           const char        *field,
           GtkWidget         *widget,
           GtkWidget         *row)
{
  g_object_set_data (G_OBJECT (widget), "ax-row", row);
  g_hash_table_replace (self->fields, g_strdup (field), widget);
}

GtkWidget *
ax_detection_editor_get_field (AxDetectionEditor *self,
                               const char        *field)
{
  g_return_val_if_fail (AX_IS_DETECTION_EDITOR (self), NULL);
  return g_hash_table_lookup (self->fields, field);
}

const char *
ax_detection_editor_get_error (AxDetectionEditor *self)
{
  g_return_val_if_fail (AX_IS_DETECTION_EDITOR (self), NULL);
  return self->error;
}

static const AxDatasetInfo *
selected_dataset (AxDetectionEditor *self)
{
  guint i = adw_combo_row_get_selected (self->dataset_row);

  return i < self->datasets->len ? self->datasets->pdata[i] : NULL;
}

static const AxDetector *
selected_detector (AxDetectionEditor *self)
{
  const AxDetector *const *list = ax_detector_list ();
  guint i = adw_combo_row_get_selected (self->algorithm_row), n = 0;

  while (list[n])
    n++;
  return i < n ? list[i] : NULL;
}

/* The selected string of a combo row over a GtkStringList; NULL for the
 * first item when @first_is_none. */
static const char *
combo_string (AdwComboRow *row,
              gboolean     first_is_none)
{
  GListModel *model = adw_combo_row_get_model (row);
  guint i = adw_combo_row_get_selected (row);

  if (model == NULL || i == GTK_INVALID_LIST_POSITION || (first_is_none && i == 0))
    return NULL;
  return gtk_string_list_get_string (GTK_STRING_LIST (model), i);
}

static void
combo_select_string (AdwComboRow *row,
                     const char  *value)
{
  GListModel *model = adw_combo_row_get_model (row);

  for (guint i = 0; value && model && i < g_list_model_get_n_items (model); i++)
    if (g_strcmp0 (gtk_string_list_get_string (GTK_STRING_LIST (model), i), value) == 0)
      {
        adw_combo_row_set_selected (row, i);
        return;
      }
}

/* Rows made from the dataset's columns */

static gboolean
column_is_numeric (const AxDatasetColumn *c)
{
  return c->type == AX_COLUMN_INTEGER || c->type == AX_COLUMN_REAL;
}

static void
clear_rows (AdwPreferencesGroup *group,
            GPtrArray           *rows)
{
  for (guint i = 0; i < rows->len; i++)
    adw_preferences_group_remove (group, rows->pdata[i]);
  g_ptr_array_set_size (rows, 0);
}

static void
fill_columns (AxDetectionEditor *self)
{
  const AxDatasetInfo *info = selected_dataset (self);
  g_autoptr(GtkStringList) times = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) groups = gtk_string_list_new (NULL);
  g_autofree char *old_time = g_strdup (combo_string (self->time_row, TRUE));
  g_autofree char *old_group = g_strdup (combo_string (self->group_row, TRUE));
  GHashTableIter iter;
  gpointer key;

  /* Forget the previous dataset's metric checks. */
  g_hash_table_iter_init (&iter, self->fields);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (g_str_has_prefix (key, "monitored_metrics."))
      g_hash_table_iter_remove (&iter);
  clear_rows (self->metrics_group, self->metric_rows);

  gtk_string_list_append (times, _("None"));
  gtk_string_list_append (groups, _("None"));
  for (guint c = 0; info && c < info->n_columns; c++)
    {
      const AxDatasetColumn *col = &info->columns[c];

      if (col->type == AX_COLUMN_DATE || col->type == AX_COLUMN_DATETIME)
        gtk_string_list_append (times, col->name);
      if (col->type == AX_COLUMN_CATEGORICAL || col->type == AX_COLUMN_TEXT ||
          col->type == AX_COLUMN_INTEGER || col->type == AX_COLUMN_BOOLEAN)
        gtk_string_list_append (groups, col->name);
      if (column_is_numeric (col))
        {
          GtkWidget *row = adw_action_row_new ();
          GtkWidget *check = gtk_check_button_new ();
          g_autofree char *field = g_strconcat ("monitored_metrics.", col->name, NULL);

          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), col->name);
          adw_action_row_set_subtitle (ADW_ACTION_ROW (row), ax_column_type_label (col->type));
          gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
          adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
          adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
          adw_preferences_group_add (self->metrics_group, row);
          g_ptr_array_add (self->metric_rows, row);
          set_field (self, field, check, row);
        }
    }
  if (self->metric_rows->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     _("This dataset has no numeric columns to monitor"));
      gtk_widget_add_css_class (row, "dim-label");
      adw_preferences_group_add (self->metrics_group, row);
      g_ptr_array_add (self->metric_rows, row);
    }
  adw_combo_row_set_model (self->time_row, G_LIST_MODEL (times));
  adw_combo_row_set_model (self->group_row, G_LIST_MODEL (groups));
  /* A new detection over dated rows most likely wants the date. */
  if (old_time)
    combo_select_string (self->time_row, old_time);
  else if (g_list_model_get_n_items (G_LIST_MODEL (times)) > 1)
    adw_combo_row_set_selected (self->time_row, 1);
  combo_select_string (self->group_row, old_group);
}

/* Rows made from the detector's parameter specs */

static char *
param_title (const char *name)
{
  char *title = g_strdup (name);

  g_strdelimit (title, "_", ' ');
  title[0] = g_ascii_toupper (title[0]);
  return title;
}

static GtkWidget *
spin_for (double min,
          double max,
          double value,
          gboolean integer)
{
  double step = integer ? 1 : (max - min > 10 ? 0.1 : 0.01);
  GtkWidget *spin = gtk_spin_button_new_with_range (min, max, step);

  gtk_spin_button_set_digits (GTK_SPIN_BUTTON (spin), integer ? 0 : 2);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), value);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  return spin;
}

static void
add_param_row (AxDetectionEditor *self,
               const AxParamSpec *spec,
               const AxParams    *given)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *value = NULL;
  g_autofree char *title = param_title (spec->name);
  g_autofree char *field = g_strconcat ("detection_config.", spec->name, NULL);
  gboolean has = given && ax_params_has (given, spec->name);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (spec->help)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _(spec->help));
  switch (spec->type)
    {
    case AX_PARAM_INT:
    case AX_PARAM_REAL:
      value = spin_for (spec->min, spec->max, has ? ax_params_get_number (given, spec->name) : spec->def,
                        spec->type == AX_PARAM_INT);
      break;
    case AX_PARAM_BOOL:
      value = gtk_switch_new ();
      gtk_switch_set_active (GTK_SWITCH (value), (has ? ax_params_get_number (given, spec->name) : spec->def) != 0);
      gtk_widget_set_valign (value, GTK_ALIGN_CENTER);
      break;
    case AX_PARAM_CHOICE:
    default:
      {
        g_auto(GStrv) choices = g_strsplit (spec->choices ? spec->choices : "", "|", -1);
        const char *current = has ? ax_params_get_string (given, spec->name) : NULL;
        g_autofree char *number = NULL;

        if (has && current == NULL)
          current = number = g_strdup_printf ("%g", ax_params_get_number (given, spec->name));
        if (g_strv_contains ((const char *const *) choices, "number"))
          {
            /* A word or a number: an entry that takes either. */
            value = gtk_entry_new ();
            gtk_editable_set_text (GTK_EDITABLE (value), current ? current : choices[0]);
            gtk_editable_set_width_chars (GTK_EDITABLE (value), 8);
            gtk_widget_set_tooltip_text (value, _("A word from the description, or a number"));
          }
        else
          {
            value = gtk_drop_down_new_from_strings ((const char *const *) choices);
            for (guint i = 0; current && choices[i]; i++)
              if (strcmp (choices[i], current) == 0)
                gtk_drop_down_set_selected (GTK_DROP_DOWN (value), i);
          }
        gtk_widget_set_valign (value, GTK_ALIGN_CENTER);
      }
      break;
    }
  g_object_set_data (G_OBJECT (value), "ax-spec", (gpointer) spec);
  gtk_accessible_update_property (GTK_ACCESSIBLE (value), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), value);
  adw_preferences_group_add (self->algorithm_group, row);
  g_ptr_array_add (self->param_rows, row);
  set_field (self, field, value, row);
}

/* The run's own setting, shared by every detector. */
static const AxParamSpec window_spec = {
  "window", AX_PARAM_INT, 0, 1e9, 0, NULL,
  N_("Rows of history (per series) each run refits on; 0 uses all of it"),
};

static void
fill_params (AxDetectionEditor *self)
{
  const AxDetector *detector = selected_detector (self);
  const AxParams *given = NULL;
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, self->fields);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (g_str_has_prefix (key, "detection_config."))
      g_hash_table_iter_remove (&iter);
  clear_rows (self->algorithm_group, self->param_rows);
  if (detector == NULL)
    return;
  if (self->editing && g_strcmp0 (self->editing->algorithm, detector->name) == 0)
    given = self->editing->detection_config;
  for (const AxParamSpec *spec = detector->params; spec && spec->name; spec++)
    add_param_row (self, spec, given);
  add_param_row (self, &window_spec, given);
  if (detector->needs_time)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (self->algorithm_row),
                                 _("Needs a time column"));
  else
    adw_action_row_set_subtitle (ADW_ACTION_ROW (self->algorithm_row), NULL);
}

/* The configuration as JSON */

static void
add_param_value (JsonBuilder *b,
                 GtkWidget   *value)
{
  const AxParamSpec *spec = g_object_get_data (G_OBJECT (value), "ax-spec");

  json_builder_set_member_name (b, spec->name);
  if (GTK_IS_SPIN_BUTTON (value))
    {
      double v = gtk_spin_button_get_value (GTK_SPIN_BUTTON (value));
      if (spec->type == AX_PARAM_INT)
        json_builder_add_int_value (b, (gint64) llround (v));
      else
        json_builder_add_double_value (b, v);
    }
  else if (GTK_IS_SWITCH (value))
    json_builder_add_boolean_value (b, gtk_switch_get_active (GTK_SWITCH (value)));
  else if (GTK_IS_DROP_DOWN (value))
    {
      GtkStringObject *item = gtk_drop_down_get_selected_item (GTK_DROP_DOWN (value));
      json_builder_add_string_value (b, item ? gtk_string_object_get_string (item) : "");
    }
  else
    {
      const char *text = gtk_editable_get_text (GTK_EDITABLE (value));
      char *end = NULL;
      double v = g_ascii_strtod (text, &end);

      /* "0.5" is a number and "auto" a word: the engine checks either. */
      if (text[0] && end && *end == '\0')
        json_builder_add_double_value (b, v);
      else
        json_builder_add_string_value (b, text);
    }
}

static void
add_string (JsonBuilder *b,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (b, name);
  if (value)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

char *
ax_detection_editor_dup_config (AxDetectionEditor *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  const AxDatasetInfo *info = selected_dataset (self);
  const AxDetector *detector = selected_detector (self);
  guint type = adw_combo_row_get_selected (self->type_row);
  guint freq = adw_combo_row_get_selected (self->frequency_row);
  const char *name = gtk_editable_get_text (GTK_EDITABLE (self->name_row));
  const char *description = gtk_editable_get_text (GTK_EDITABLE (self->description_row));

  json_builder_begin_object (b);
  add_string (b, "detection_name", name);
  add_string (b, "anomaly_type", type < AX_N_ANOMALY_TYPES ? ax_anomaly_type_to_string (type) : NULL);
  if (description[0])
    add_string (b, "description", description);
  add_string (b, "algorithm", detector ? detector->name : NULL);

  json_builder_set_member_name (b, "detection_config");
  json_builder_begin_object (b);
  for (guint i = 0; i < self->param_rows->len; i++)
    {
      GHashTableIter iter;
      gpointer key, value;

      g_hash_table_iter_init (&iter, self->fields);
      while (g_hash_table_iter_next (&iter, &key, &value))
        if (g_object_get_data (value, "ax-row") == self->param_rows->pdata[i] &&
            g_str_has_prefix (key, "detection_config."))
          add_param_value (b, value);
    }
  json_builder_end_object (b);

  json_builder_set_member_name (b, "threshold_config");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "severity_thresholds");
  json_builder_begin_object (b);
  for (guint s = AX_SEVERITY_LOW; s <= AX_SEVERITY_CRITICAL; s++)
    {
      g_autofree char *field = g_strconcat ("threshold_config.severity_thresholds.", levels[s], NULL);
      GtkWidget *spin = g_hash_table_lookup (self->fields, field);
      json_builder_set_member_name (b, levels[s]);
      json_builder_add_double_value (b, gtk_spin_button_get_value (GTK_SPIN_BUTTON (spin)));
    }
  json_builder_end_object (b);
  if (adw_expander_row_get_enable_expansion (self->budget_row))
    {
      guint per = adw_combo_row_get_selected (self->budget_per_row);
      json_builder_set_member_name (b, "alert_budget");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "alerts");
      json_builder_add_int_value (b, gtk_spin_button_get_value_as_int (self->budget_alerts));
      json_builder_set_member_name (b, "per");
      json_builder_add_string_value (b, budget_pers[MIN (per, G_N_ELEMENTS (budget_pers) - 1)]);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);

  json_builder_set_member_name (b, "monitored_metrics");
  json_builder_begin_array (b);
  for (guint c = 0; info && c < info->n_columns; c++)
    {
      g_autofree char *field = g_strconcat ("monitored_metrics.", info->columns[c].name, NULL);
      GtkWidget *check = g_hash_table_lookup (self->fields, field);
      if (check && gtk_check_button_get_active (GTK_CHECK_BUTTON (check)))
        json_builder_add_string_value (b, info->columns[c].name);
    }
  json_builder_end_array (b);

  add_string (b, "detection_frequency", freq < self->frequencies->len ? self->frequencies->pdata[freq] : NULL);
  add_string (b, "dataset", info ? info->name : NULL);
  if (combo_string (self->time_row, TRUE))
    add_string (b, "time_column", combo_string (self->time_row, TRUE));
  if (combo_string (self->group_row, TRUE))
    add_string (b, "group_by", combo_string (self->group_row, TRUE));
  if (self->editing)
    {
      json_builder_set_member_name (b, "random_seed");
      json_builder_add_int_value (b, (gint64) self->editing->random_seed);
    }
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  return json_generator_to_data (gen, NULL);
}

/* Errors */

static void
clear_error (AxDetectionEditor *self)
{
  if (self->error_row)
    gtk_widget_remove_css_class (self->error_row, "error");
  g_clear_object (&self->error_row);
  g_clear_pointer (&self->error, g_free);
  gtk_revealer_set_reveal_child (self->error_revealer, FALSE);
}

/* The widget of the field @message begins with ("a.b.c: ..."), trying
 * shorter prefixes ("a.b") when the form has no widget for the whole. */
static GtkWidget *
widget_for_message (AxDetectionEditor *self,
                    const char        *message)
{
  const char *colon = strstr (message, ": ");
  g_autofree char *field = colon ? g_strndup (message, colon - message) : NULL;

  if (field && g_str_has_prefix (field, "monitored_metrics"))
    {
      /* The first metric's check stands for the list. */
      GHashTableIter iter;
      gpointer key, value;
      g_hash_table_iter_init (&iter, self->fields);
      while (g_hash_table_iter_next (&iter, &key, &value))
        if (g_str_has_prefix (key, "monitored_metrics."))
          return self->metric_rows->len ? self->metric_rows->pdata[0] : value;
      return NULL;
    }
  while (field && field[0])
    {
      GtkWidget *w = g_hash_table_lookup (self->fields, field);
      char *dot;

      if (w)
        return w;
      dot = strrchr (field, '.');
      if (dot == NULL)
        break;
      *dot = '\0';
    }
  return NULL;
}

static void
show_error (AxDetectionEditor *self,
            const char        *message)
{
  GtkWidget *widget;
  GtkWidget *row;

  clear_error (self);
  self->error = g_strdup (message);
  gtk_label_set_text (self->error_label, message);
  gtk_revealer_set_reveal_child (self->error_revealer, TRUE);
  widget = widget_for_message (self, message);
  if (widget == NULL)
    return;
  row = g_object_get_data (G_OBJECT (widget), "ax-row");
  if (row == NULL)
    row = widget;
  self->error_row = g_object_ref (row);
  gtk_widget_add_css_class (row, "error");
  gtk_widget_grab_focus (widget);
}

static void
save_activated (GtkWidget  *widget,
                const char *action,
                GVariant   *param)
{
  AxDetectionEditor *self = AX_DETECTION_EDITOR (widget);
  g_autofree char *json = ax_detection_editor_dup_config (self);
  g_autoptr(AxDetectionConfig) config = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *trimmed = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));

  if (trimmed[0] == '\0')
    {
      show_error (self, _("detection_name: give the detection a name"));
      return;
    }
  config = ax_detection_config_from_json (json, &error);
  if (config == NULL)
    {
      show_error (self, error->message);
      return;
    }
  if (self->editing == NULL && self->project)
    {
      g_autoptr(AxDetectionInfo) existing = ax_store_get_detection (ax_project_get_store (self->project),
                                                                    0, config->detection_name, NULL);
      if (existing)
        {
          g_autofree char *message = g_strdup_printf (_("detection_name: a detection called “%s” exists already; choose another name or edit that one"),
                                                      config->detection_name);
          show_error (self, message);
          return;
        }
    }
  {
    const AxDetector *detector = ax_detector_find (config->algorithm);
    if (detector && detector->needs_time && config->time_column == NULL)
      {
        g_autofree char *message = g_strdup_printf (_("time_column: the %s algorithm needs a time column"),
                                                    _(detector->label));
        show_error (self, message);
        return;
      }
  }
  clear_error (self);
  g_signal_emit (self, signals[SAVED], 0, json);
  gtk_window_close (GTK_WINDOW (self));
}

/* Filling the form */

static void
on_dataset_selected (AxDetectionEditor *self)
{
  fill_columns (self);
}

static void
on_algorithm_selected (AxDetectionEditor *self)
{
  fill_params (self);
}

static void
add_threshold_rows (AxDetectionEditor *self)
{
  static const char *const labels[] = { NULL, N_("Low"), N_("Medium"), N_("High"), N_("Critical") };
  static const double defaults[] = { 0, 0.5, 0.7, 0.85, 0.95 };

  /* The budget row comes after the four levels. */
  g_object_ref (self->budget_row);
  adw_preferences_group_remove (self->threshold_group, GTK_WIDGET (self->budget_row));
  for (guint s = AX_SEVERITY_LOW; s <= AX_SEVERITY_CRITICAL; s++)
    {
      GtkWidget *row = adw_action_row_new ();
      double v = self->editing ? self->editing->threshold_config.thresholds[s] : defaults[s];
      GtkWidget *spin = spin_for (0, 1, v, FALSE);
      g_autofree char *field = g_strconcat ("threshold_config.severity_thresholds.", levels[s], NULL);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _(labels[s]));
      gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL, _(labels[s]), -1);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
      adw_preferences_group_add (self->threshold_group, row);
      set_field (self, field, spin, row);
    }
  adw_preferences_group_add (self->threshold_group, GTK_WIDGET (self->budget_row));
  g_object_unref (self->budget_row);
  set_field (self, "threshold_config.alert_budget", GTK_WIDGET (self->budget_row), NULL);
}

static void
fill_form (AxDetectionEditor *self)
{
  g_autoptr(GtkStringList) types = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) freqs = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) sets = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) algorithms = gtk_string_list_new (NULL);
  const AxDetector *const *detectors = ax_detector_list ();
  const AxDetectionConfig *e = self->editing;

  for (guint t = 0; t < AX_N_ANOMALY_TYPES; t++)
    gtk_string_list_append (types, ax_anomaly_type_label (t));
  adw_combo_row_set_model (self->type_row, G_LIST_MODEL (types));

  for (guint f = 0; f < G_N_ELEMENTS (frequencies); f++)
    {
      gtk_string_list_append (freqs, _(frequencies[f].label));
      g_ptr_array_add (self->frequencies, g_strdup (frequencies[f].value));
    }
  /* A frequency set elsewhere (the CLI) is kept as it is. */
  if (e && e->detection_frequency)
    {
      guint f;
      for (f = 0; f < self->frequencies->len; f++)
        if (strcmp (self->frequencies->pdata[f], e->detection_frequency) == 0)
          break;
      if (f == self->frequencies->len)
        {
          gtk_string_list_append (freqs, e->detection_frequency);
          g_ptr_array_add (self->frequencies, g_strdup (e->detection_frequency));
        }
    }
  adw_combo_row_set_model (self->frequency_row, G_LIST_MODEL (freqs));
  adw_combo_row_set_selected (self->frequency_row, 1);

  for (guint i = 0; i < self->datasets->len; i++)
    gtk_string_list_append (sets, ((AxDatasetInfo *) self->datasets->pdata[i])->name);
  adw_combo_row_set_model (self->dataset_row, G_LIST_MODEL (sets));

  for (guint i = 0; detectors[i]; i++)
    gtk_string_list_append (algorithms, _(detectors[i]->label));
  adw_combo_row_set_model (self->algorithm_row, G_LIST_MODEL (algorithms));

  set_field (self, "detection_name", GTK_WIDGET (self->name_row), NULL);
  set_field (self, "anomaly_type", GTK_WIDGET (self->type_row), NULL);
  set_field (self, "description", GTK_WIDGET (self->description_row), NULL);
  set_field (self, "detection_frequency", GTK_WIDGET (self->frequency_row), NULL);
  set_field (self, "dataset", GTK_WIDGET (self->dataset_row), NULL);
  set_field (self, "time_column", GTK_WIDGET (self->time_row), NULL);
  set_field (self, "group_by", GTK_WIDGET (self->group_row), NULL);
  set_field (self, "algorithm", GTK_WIDGET (self->algorithm_row), NULL);
  add_threshold_rows (self);

  if (e)
    {
      gtk_window_set_title (GTK_WINDOW (self), _("Edit Detection"));
      gtk_editable_set_text (GTK_EDITABLE (self->name_row), e->detection_name);
      /* Runs and anomalies belong to the name: it stays. */
      gtk_widget_set_sensitive (GTK_WIDGET (self->name_row), FALSE);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->name_row),
                                   _("A detection keeps its name; create a new one to use another"));
      adw_combo_row_set_selected (self->type_row, e->anomaly_type);
      gtk_editable_set_text (GTK_EDITABLE (self->description_row), e->description ? e->description : "");
      for (guint f = 0; f < self->frequencies->len; f++)
        if (g_strcmp0 (self->frequencies->pdata[f], e->detection_frequency) == 0)
          adw_combo_row_set_selected (self->frequency_row, f);
      for (guint i = 0; detectors[i]; i++)
        if (g_strcmp0 (detectors[i]->name, e->algorithm) == 0)
          adw_combo_row_set_selected (self->algorithm_row, i);
      for (guint i = 0; i < self->datasets->len; i++)
        if (g_strcmp0 (((AxDatasetInfo *) self->datasets->pdata[i])->name, e->dataset) == 0)
          adw_combo_row_set_selected (self->dataset_row, i);
      if (e->threshold_config.budget_alerts > 0)
        {
          adw_expander_row_set_enable_expansion (self->budget_row, TRUE);
          gtk_spin_button_set_value (self->budget_alerts, e->threshold_config.budget_alerts);
          for (guint p = 0; p < G_N_ELEMENTS (budget_pers); p++)
            if (g_strcmp0 (budget_pers[p], e->threshold_config.budget_per) == 0)
              adw_combo_row_set_selected (self->budget_per_row, p);
        }
    }
  else
    {
      /* The guide's example algorithm. */
      for (guint i = 0; detectors[i]; i++)
        if (g_strcmp0 (detectors[i]->name, "isolation_forest") == 0)
          adw_combo_row_set_selected (self->algorithm_row, i);
    }
  fill_columns (self);
  fill_params (self);
  if (e)
    {
      combo_select_string (self->time_row, e->time_column);
      if (e->time_column == NULL)
        adw_combo_row_set_selected (self->time_row, 0);
      combo_select_string (self->group_row, e->group_by);
      for (guint m = 0; e->monitored_metrics && e->monitored_metrics[m]; m++)
        {
          g_autofree char *field = g_strconcat ("monitored_metrics.", e->monitored_metrics[m], NULL);
          GtkWidget *check = g_hash_table_lookup (self->fields, field);
          if (check)
            gtk_check_button_set_active (GTK_CHECK_BUTTON (check), TRUE);
        }
    }
  g_signal_connect_swapped (self->dataset_row, "notify::selected", G_CALLBACK (on_dataset_selected), self);
  g_signal_connect_swapped (self->algorithm_row, "notify::selected", G_CALLBACK (on_algorithm_selected), self);
}

AxDetectionEditor *
ax_detection_editor_new (GtkWindow  *parent,
                         AxProject  *project,
                         const char *config_json)
{
  AxDetectionEditor *self = g_object_new (AX_TYPE_DETECTION_EDITOR, "transient-for", parent, NULL);
  g_autoptr(GError) error = NULL;

  self->project = project ? g_object_ref (project) : NULL;
  if (project)
    self->datasets = ax_project_list_datasets (project, &error);
  if (self->datasets == NULL)
    self->datasets = g_ptr_array_new_with_free_func ((GDestroyNotify) ax_dataset_info_free);
  if (config_json)
    self->editing = ax_detection_config_from_json (config_json, NULL);
  fill_form (self);
  return self;
}

static void
ax_detection_editor_dispose (GObject *object)
{
  AxDetectionEditor *self = AX_DETECTION_EDITOR (object);

  g_clear_object (&self->error_row);
  gtk_widget_dispose_template (GTK_WIDGET (self), AX_TYPE_DETECTION_EDITOR);
  G_OBJECT_CLASS (ax_detection_editor_parent_class)->dispose (object);
}

static void
ax_detection_editor_finalize (GObject *object)
{
  AxDetectionEditor *self = AX_DETECTION_EDITOR (object);

  g_clear_object (&self->project);
  g_clear_pointer (&self->datasets, g_ptr_array_unref);
  g_clear_pointer (&self->frequencies, g_ptr_array_unref);
  g_clear_pointer (&self->fields, g_hash_table_unref);
  g_clear_pointer (&self->metric_rows, g_ptr_array_unref);
  g_clear_pointer (&self->param_rows, g_ptr_array_unref);
  g_clear_pointer (&self->editing, ax_detection_config_free);
  g_free (self->error);
  G_OBJECT_CLASS (ax_detection_editor_parent_class)->finalize (object);
}

static void
ax_detection_editor_class_init (AxDetectionEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ax_detection_editor_dispose;
  object_class->finalize = ax_detection_editor_finalize;

  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/auspex/Auspex/ui/ax-detection-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, AxDetectionEditor, name_row);
  gtk_widget_class_bind_template_child (widget_class, AxDetectionEditor, type_row);
  gtk_widget_class_bind_template_child (widget_class, AxDetectionEditor, description_row);
  gtk_widget_class_bind_template_child (widget_class, AxDetectionEditor, frequency_row);
  gtk_widget_class_bind_template_child (widget_class, AxDetectionEditor, dataset_row);
  gtk_widget_class_bind_template_child (widget_class, AxDetectionEditor, time_row);
  gtk_widget_class_bind_template_child (widget_class, AxDetectionEditor, group_row);
  gtk_widget_class_bind_template_child (widget_class, AxDetectionEditor, metrics_group);
  gtk_widget_class_bind_template_child (widget_class, AxDetectionEditor, algorithm_group);
  gtk_widget_class_bind_template_child (widget_class, AxDetectionEditor, algorithm_row);
  gtk_widget_class_bind_template_child (widget_class, AxDetectionEditor, threshold_group);
  gtk_widget_class_bind_template_child (widget_class, AxDetectionEditor, budget_row);
  gtk_widget_class_bind_template_child (widget_class, AxDetectionEditor, budget_alerts);
  gtk_widget_class_bind_template_child (widget_class, AxDetectionEditor, budget_per_row);
  gtk_widget_class_bind_template_child (widget_class, AxDetectionEditor, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, AxDetectionEditor, error_label);
  gtk_widget_class_bind_template_child (widget_class, AxDetectionEditor, scroller);

  gtk_widget_class_install_action (widget_class, "editor.save", NULL, save_activated);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "editor.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
ax_detection_editor_init (AxDetectionEditor *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->frequencies = g_ptr_array_new_with_free_func (g_free);
  self->fields = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->metric_rows = g_ptr_array_new ();
  self->param_rows = g_ptr_array_new ();
}
