/* ax-model-editor.c — the form that defines (or changes) a model and trains it */

#include "ax-config.h"
#include "ax-model-editor.h"
#include "ax-model-admin.h"

#include <glib/gi18n.h>
#include <math.h>

struct _AxModelEditor {
  AdwWindow             parent_instance;

  AdwViewStack         *pages;
  AdwPreferencesPage   *model_page;
  AdwPreferencesPage   *training_page;
  AdwEntryRow          *name_row;
  AdwComboRow          *type_row;
  AdwEntryRow          *description_row;
  AdwComboRow          *dataset_row;
  AdwComboRow          *target_row;
  AdwComboRow          *time_row;
  GtkWidget            *series_row;
  GtkSwitch            *series_switch;
  AdwPreferencesGroup  *features_group;
  AdwComboRow          *algorithm_row;
  AdwPreferencesGroup  *params_group;
  AdwComboRow          *normalize_row;
  AdwComboRow          *missing_row;
  GtkWidget            *constant_row;
  GtkSpinButton        *constant_spin;
  AdwPreferencesGroup  *config_group;

  AxProject            *project;
  gboolean              editing;
  GPtrArray            *datasets;      /* AxDatasetInfo */
  GPtrArray            *feature_rows;  /* AdwActionRow, data "column", "check" */
  GPtrArray            *param_rows;    /* AdwActionRow, data "spec", "widget" */
  GHashTable           *field_rows;    /* field name -> row (borrowed) */
  GtkSpinButton        *epochs, *batch, *rate, *valid_split, *test_split, *seed;
  gboolean              loading;
};

G_DEFINE_FINAL_TYPE (AxModelEditor, ax_model_editor, ADW_TYPE_WINDOW)

enum { SIGNAL_TRAIN, N_SIGNALS };
static guint signals[N_SIGNALS];

static const AxDatasetInfo *
current_dataset (AxModelEditor *self)
{
  guint i = adw_combo_row_get_selected (self->dataset_row);

  return self->datasets && i < self->datasets->len ? self->datasets->pdata[i] : NULL;
}

static char *
selected_string (AdwComboRow *row)
{
  GObject *item = adw_combo_row_get_selected_item (row);

  return item ? g_strdup (gtk_string_object_get_string (GTK_STRING_OBJECT (item))) : NULL;
}

static void
select_string (AdwComboRow *row,
               const char  *value)
{
  GListModel *model = adw_combo_row_get_model (row);

  for (guint i = 0; model && value && i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GtkStringObject) s = g_list_model_get_item (model, i);
      if (g_str_equal (gtk_string_object_get_string (s), value))
        {
          adw_combo_row_set_selected (row, i);
          return;
        }
    }
}

static AxModelType
current_type (AxModelEditor *self)
{
  return (AxModelType) MIN (adw_combo_row_get_selected (self->type_row), AX_N_MODEL_TYPES - 1);
}

/* Errors at their field */

static void
register_field (AxModelEditor *self,
                const char    *field,
                GtkWidget     *row)
{
  g_hash_table_replace (self->field_rows, g_strdup (field), row);
  if (ADW_IS_ACTION_ROW (row))
    g_object_set_data_full (G_OBJECT (row), "plain-subtitle",
                            g_strdup (adw_action_row_get_subtitle (ADW_ACTION_ROW (row))), g_free);
}

static void
clear_errors (AxModelEditor *self)
{
  GHashTableIter it;
  gpointer row;

  g_hash_table_iter_init (&it, self->field_rows);
  while (g_hash_table_iter_next (&it, NULL, &row))
    {
      gulong handler = GPOINTER_TO_SIZE (g_object_get_data (row, "error-handler"));

      if (handler != 0)
        {
          g_signal_handler_disconnect (row, handler);
          g_object_set_data (row, "error-handler", NULL);
        }
      if (!gtk_widget_has_css_class (row, "error"))
        continue;
      gtk_widget_remove_css_class (row, "error");
      if (ADW_IS_ACTION_ROW (row))
        adw_action_row_set_subtitle (ADW_ACTION_ROW (row), g_object_get_data (row, "plain-subtitle"));
      else
        {
          GtkWidget *group = gtk_widget_get_ancestor (row, ADW_TYPE_PREFERENCES_GROUP);
          if (group && ADW_PREFERENCES_GROUP (group) != self->features_group)
            {
              adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), NULL);
              gtk_widget_remove_css_class (group, "error");
            }
          else if (group)
            adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                                   _("The columns the model learns from"));
        }
    }
}

/* The field in error was changed: the message no longer applies. */
static void
on_error_row_changed (AxModelEditor *self)
{
  clear_errors (self);
}

GtkWidget *
ax_model_editor_get_field_row (AxModelEditor *self,
                               const char    *field)
{
  return field ? g_hash_table_lookup (self->field_rows, field) : NULL;
}

void
ax_model_editor_show_error (AxModelEditor *self,
                            const char    *field,
                            const char    *message)
{
  GtkWidget *row = ax_model_editor_get_field_row (self, field);
  /* The message without the field's name, which the row shows already. */
  const char *text = field && g_str_has_prefix (message, field) && g_str_has_prefix (message + strlen (field), ": ")
                     ? message + strlen (field) + 2 : message;
  g_autofree char *nice = NULL;

  clear_errors (self);
  if (row == NULL)
    {
      /* No row of that name (a check that needs the data): near the top. */
      row = g_hash_table_lookup (self->field_rows, "model_name");
      text = message;
    }
  nice = g_strdup (text);
  if (nice[0])
    nice[0] = g_unichar_toupper (nice[0]);
  gtk_widget_add_css_class (row, "error");
  /* Until the field is edited or chosen again. */
  if (GTK_IS_EDITABLE (row) || ADW_IS_COMBO_ROW (row))
    {
      gulong handler = g_signal_connect_swapped (row, GTK_IS_EDITABLE (row) ? "changed" : "notify::selected",
                                                 G_CALLBACK (on_error_row_changed), self);
      g_object_set_data (G_OBJECT (row), "error-handler", GSIZE_TO_POINTER (handler));
    }
  if (ADW_IS_ACTION_ROW (row))
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), nice);
  else
    {
      /* Entry rows and the checklist have no subtitle: their group's
       * description, just above, says it. */
      GtkWidget *group = ADW_IS_PREFERENCES_GROUP (row) ? row : gtk_widget_get_ancestor (row, ADW_TYPE_PREFERENCES_GROUP);
      if (group)
        adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), nice);
    }
  adw_view_stack_set_visible_child_name (self->pages,
                                         gtk_widget_get_ancestor (row, ADW_TYPE_PREFERENCES_PAGE)
                                         == GTK_WIDGET (self->training_page) ? "training" : "model");
  gtk_widget_grab_focus (row);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, nice, -1);
}

/* Rows made in code */

static GtkSpinButton *
add_spin_row (AxModelEditor       *self,
              AdwPreferencesGroup *group,
              const char          *field,
              const char          *title,
              const char          *subtitle,
              double               min,
              double               max,
              double               step,
              guint                digits,
              double               value)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *spin = gtk_spin_button_new_with_range (min, max, step);

  gtk_spin_button_set_digits (GTK_SPIN_BUTTON (spin), digits);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), value);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), spin);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  adw_preferences_group_add (group, row);
  register_field (self, field, row);
  return GTK_SPIN_BUTTON (spin);
}

static void
clear_rows (AdwPreferencesGroup *group,
            GPtrArray           *rows)
{
  for (guint i = 0; i < rows->len; i++)
    adw_preferences_group_remove (group, rows->pdata[i]);
  g_ptr_array_set_size (rows, 0);
}

/* Hyperparameters, from the registry's specs */

static void
build_params (AxModelEditor *self)
{
  g_autofree char *algorithm = selected_string (self->algorithm_row);
  const AxParamSpec *specs = ax_model_admin_algorithm_params (algorithm);

  for (guint i = 0; i < self->param_rows->len; i++)
    {
      g_autofree char *field = g_strconcat ("hyperparameters.",
                                            ((const AxParamSpec *) g_object_get_data (self->param_rows->pdata[i], "spec"))->name, NULL);
      g_hash_table_remove (self->field_rows, field);
    }
  clear_rows (self->params_group, self->param_rows);
  for (const AxParamSpec *s = specs; s && s->name; s++)
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *w;
      g_autofree char *field = g_strconcat ("hyperparameters.", s->name, NULL);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), s->name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _(s->help));
      switch (s->type)
        {
        case AX_PARAM_INT:
        case AX_PARAM_REAL:
          w = gtk_spin_button_new_with_range (s->min, s->max,
                                              s->type == AX_PARAM_INT ? 1 : MAX ((s->max - s->min) / 1000, 1e-4));
          gtk_spin_button_set_digits (GTK_SPIN_BUTTON (w), s->type == AX_PARAM_INT ? 0 : 4);
          gtk_spin_button_set_value (GTK_SPIN_BUTTON (w), s->def);
          break;
        case AX_PARAM_BOOL:
          w = gtk_switch_new ();
          gtk_switch_set_active (GTK_SWITCH (w), s->def != 0);
          break;
        case AX_PARAM_CHOICE:
        default:
          {
            g_auto(GStrv) choices = g_strsplit (s->choices, "|", -1);
            GtkStringList *list = gtk_string_list_new (NULL);
            for (guint k = 0; choices[k]; k++)
              /* "number" stands for any number, which a list cannot offer. */
              if (!g_str_equal (choices[k], "number"))
                gtk_string_list_append (list, choices[k]);
            w = gtk_drop_down_new (G_LIST_MODEL (list), NULL);
          }
          break;
        }
      gtk_widget_set_valign (w, GTK_ALIGN_CENTER);
      gtk_accessible_update_property (GTK_ACCESSIBLE (w), GTK_ACCESSIBLE_PROPERTY_LABEL, s->name, -1);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), w);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), w);
      g_object_set_data (G_OBJECT (row), "spec", (gpointer) s);
      g_object_set_data (G_OBJECT (row), "widget", w);
      adw_preferences_group_add (self->params_group, row);
      g_ptr_array_add (self->param_rows, row);
      register_field (self, field, row);
    }
}

static void
set_param (AxModelEditor *self,
           const char    *name,
           JsonNode      *value)
{
  for (guint i = 0; i < self->param_rows->len; i++)
    {
      const AxParamSpec *s = g_object_get_data (self->param_rows->pdata[i], "spec");
      GtkWidget *w = g_object_get_data (self->param_rows->pdata[i], "widget");

      if (!g_str_equal (s->name, name) || !JSON_NODE_HOLDS_VALUE (value))
        continue;
      if (GTK_IS_SPIN_BUTTON (w))
        gtk_spin_button_set_value (GTK_SPIN_BUTTON (w), json_node_get_double (value));
      else if (GTK_IS_SWITCH (w))
        gtk_switch_set_active (GTK_SWITCH (w), json_node_get_value_type (value) == G_TYPE_BOOLEAN
                                                 ? json_node_get_boolean (value) : json_node_get_double (value) != 0);
      else if (GTK_IS_DROP_DOWN (w) && json_node_get_value_type (value) == G_TYPE_STRING)
        {
          GListModel *m = gtk_drop_down_get_model (GTK_DROP_DOWN (w));
          for (guint k = 0; k < g_list_model_get_n_items (m); k++)
            {
              g_autoptr(GtkStringObject) so = g_list_model_get_item (m, k);
              if (g_str_equal (gtk_string_object_get_string (so), json_node_get_string (value)))
                gtk_drop_down_set_selected (GTK_DROP_DOWN (w), k);
            }
        }
    }
}

/* Columns: target, time and the feature checklist */

static void
update_feature_sensitivity (AxModelEditor *self)
{
  g_autofree char *target = selected_string (self->target_row);
  g_autofree char *time = adw_combo_row_get_selected (self->time_row) > 0 ? selected_string (self->time_row) : NULL;
  gboolean series = gtk_widget_get_visible (self->series_row) && gtk_switch_get_active (self->series_switch);

  for (guint i = 0; i < self->feature_rows->len; i++)
    {
      GtkWidget *row = self->feature_rows->pdata[i];
      const char *column = g_object_get_data (G_OBJECT (row), "column");
      gboolean usable = !series && g_strcmp0 (column, target) != 0 && g_strcmp0 (column, time) != 0;

      gtk_widget_set_sensitive (row, usable);
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->features_group), !series);
}

static void
build_columns (AxModelEditor *self)
{
  const AxDatasetInfo *info = current_dataset (self);
  g_autoptr(GtkStringList) targets = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) times = gtk_string_list_new (NULL);
  AxModelType type = current_type (self);
  int best_target = -1;

  g_hash_table_remove (self->field_rows, "features");
  clear_rows (self->features_group, self->feature_rows);
  gtk_string_list_append (times, _("None"));
  for (guint c = 0; info && c < info->n_columns; c++)
    {
      const AxDatasetColumn *col = &info->columns[c];
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *check = gtk_check_button_new ();

      gtk_string_list_append (targets, col->name);
      if (col->type == AX_COLUMN_DATE || col->type == AX_COLUMN_DATETIME)
        gtk_string_list_append (times, col->name);
      /* A sensible target: a class column for classifiers, the last
       * number otherwise. */
      if (ax_model_admin_type_classifies (type)
          ? (col->type == AX_COLUMN_BOOLEAN || col->type == AX_COLUMN_CATEGORICAL) &&
            (best_target < 0 || col->stats.n_distinct <= 2)
          : ax_column_type_is_numeric (col->type) && col->type != AX_COLUMN_BOOLEAN)
        best_target = (int) c;

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), col->name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), ax_column_type_label (col->type));
      gtk_check_button_set_active (GTK_CHECK_BUTTON (check), TRUE);
      gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL, col->name, -1);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
      g_object_set_data_full (G_OBJECT (row), "column", g_strdup (col->name), g_free);
      g_object_set_data (G_OBJECT (row), "check", check);
      adw_preferences_group_add (self->features_group, row);
      g_ptr_array_add (self->feature_rows, row);
    }
  g_hash_table_replace (self->field_rows, g_strdup ("features"), self->features_group);
  adw_combo_row_set_model (self->target_row, G_LIST_MODEL (targets));
  adw_combo_row_set_model (self->time_row, G_LIST_MODEL (times));
  if (best_target >= 0)
    adw_combo_row_set_selected (self->target_row, (guint) best_target);
  adw_combo_row_set_selected (self->time_row, 0);
  update_feature_sensitivity (self);
}

static void
on_dataset_changed (AxModelEditor *self)
{
  if (!self->loading)
    build_columns (self);
}

static void
on_columns_changed (AxModelEditor *self)
{
  update_feature_sensitivity (self);
}

/* Defaults per model type: the algorithm, the class target, a forecast
 * over time where the type forecasts and the data has dates. */
static void
on_type_changed (AxModelEditor *self)
{
  AxModelType type = current_type (self);

  gtk_widget_set_visible (self->series_row, ax_model_admin_type_forecasts (type));
  if (self->loading)
    return;
  select_string (self->algorithm_row, ax_model_admin_default_algorithm (type));
  build_columns (self);
}

static void
on_missing_changed (AxModelEditor *self)
{
  g_autofree char *missing = selected_string (self->missing_row);

  gtk_widget_set_sensitive (self->constant_row, g_strcmp0 (missing, "constant") == 0);
}

/* The configuration */

static void
add_spin_member (JsonBuilder   *b,
                 const char    *name,
                 GtkSpinButton *spin,
                 gboolean       integer)
{
  json_builder_set_member_name (b, name);
  if (integer)
    json_builder_add_int_value (b, (gint64) gtk_spin_button_get_value (spin));
  else
    json_builder_add_double_value (b, gtk_spin_button_get_value (spin));
}

char *
ax_model_editor_get_config (AxModelEditor *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *algorithm = selected_string (self->algorithm_row);
  g_autofree char *normalize = selected_string (self->normalize_row);
  g_autofree char *missing = selected_string (self->missing_row);
  g_autofree char *target = selected_string (self->target_row);
  g_autofree char *time = adw_combo_row_get_selected (self->time_row) > 0 ? selected_string (self->time_row) : NULL;
  const AxDatasetInfo *info = current_dataset (self);
  gboolean series = gtk_widget_get_visible (self->series_row) && gtk_switch_get_active (self->series_switch);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "model_name");
  json_builder_add_string_value (b, gtk_editable_get_text (GTK_EDITABLE (self->name_row)));
  json_builder_set_member_name (b, "model_type");
  json_builder_add_string_value (b, ax_model_type_to_string (current_type (self)));
  json_builder_set_member_name (b, "description");
  json_builder_add_string_value (b, gtk_editable_get_text (GTK_EDITABLE (self->description_row)));
  json_builder_set_member_name (b, "algorithm");
  json_builder_add_string_value (b, algorithm ? algorithm : "");
  json_builder_set_member_name (b, "hyperparameters");
  json_builder_begin_object (b);
  for (guint i = 0; i < self->param_rows->len; i++)
    {
      const AxParamSpec *s = g_object_get_data (self->param_rows->pdata[i], "spec");
      GtkWidget *w = g_object_get_data (self->param_rows->pdata[i], "widget");

      json_builder_set_member_name (b, s->name);
      if (GTK_IS_SPIN_BUTTON (w))
        {
          if (s->type == AX_PARAM_INT)
            json_builder_add_int_value (b, (gint64) gtk_spin_button_get_value (GTK_SPIN_BUTTON (w)));
          else
            json_builder_add_double_value (b, gtk_spin_button_get_value (GTK_SPIN_BUTTON (w)));
        }
      else if (GTK_IS_SWITCH (w))
        json_builder_add_boolean_value (b, gtk_switch_get_active (GTK_SWITCH (w)));
      else
        {
          GObject *item = gtk_drop_down_get_selected_item (GTK_DROP_DOWN (w));
          json_builder_add_string_value (b, item ? gtk_string_object_get_string (GTK_STRING_OBJECT (item)) : "");
        }
    }
  json_builder_end_object (b);
  if (!series)
    {
      json_builder_set_member_name (b, "feature_engineering");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "normalize");
      json_builder_add_string_value (b, normalize);
      json_builder_set_member_name (b, "handle_missing");
      json_builder_add_string_value (b, missing);
      add_spin_member (b, "missing_constant", self->constant_spin, FALSE);
      json_builder_end_object (b);
      json_builder_set_member_name (b, "training_config");
      json_builder_begin_object (b);
      add_spin_member (b, "epochs", self->epochs, TRUE);
      add_spin_member (b, "batch_size", self->batch, TRUE);
      add_spin_member (b, "learning_rate", self->rate, FALSE);
      json_builder_end_object (b);
      add_spin_member (b, "validation_split", self->valid_split, FALSE);
      add_spin_member (b, "test_split", self->test_split, FALSE);
    }
  json_builder_set_member_name (b, "dataset");
  json_builder_add_string_value (b, info ? info->name : "");
  json_builder_set_member_name (b, "target");
  json_builder_add_string_value (b, target ? target : "");
  if (!series)
    {
      json_builder_set_member_name (b, "features");
      json_builder_begin_array (b);
      for (guint i = 0; i < self->feature_rows->len; i++)
        {
          GtkWidget *row = self->feature_rows->pdata[i];
          if (gtk_widget_get_sensitive (row) &&
              gtk_check_button_get_active (g_object_get_data (G_OBJECT (row), "check")))
            json_builder_add_string_value (b, g_object_get_data (G_OBJECT (row), "column"));
        }
      json_builder_end_array (b);
    }
  if (time)
    {
      json_builder_set_member_name (b, "time_column");
      json_builder_add_string_value (b, time);
    }
  add_spin_member (b, "random_seed", self->seed, TRUE);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return json_to_string (root, TRUE);
}

static void
load_config (AxModelEditor *self,
             const char    *config_json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *o, *fe, *tc, *hp;
  AxModelType type;
  JsonNode *features;

  if (!json_parser_load_from_data (parser, config_json, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return;
  o = json_node_get_object (json_parser_get_root (parser));
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), json_object_get_string_member_with_default (o, "model_name", ""));
  gtk_editable_set_text (GTK_EDITABLE (self->description_row), json_object_get_string_member_with_default (o, "description", ""));
  if (ax_model_type_from_string (json_object_get_string_member_with_default (o, "model_type", ""), &type))
    adw_combo_row_set_selected (self->type_row, type);
  for (guint i = 0; self->datasets && i < self->datasets->len; i++)
    if (g_strcmp0 (((AxDatasetInfo *) self->datasets->pdata[i])->name,
                   json_object_get_string_member_with_default (o, "dataset", "")) == 0)
      adw_combo_row_set_selected (self->dataset_row, i);
  build_columns (self);
  select_string (self->target_row, json_object_get_string_member_with_default (o, "target", NULL));
  select_string (self->time_row, json_object_get_string_member_with_default (o, "time_column", NULL));
  features = json_object_get_member (o, "features");
  gtk_switch_set_active (self->series_switch, features == NULL || JSON_NODE_HOLDS_NULL (features));
  if (features && JSON_NODE_HOLDS_ARRAY (features))
    {
      JsonArray *a = json_node_get_array (features);
      for (guint i = 0; i < self->feature_rows->len; i++)
        {
          GtkWidget *row = self->feature_rows->pdata[i];
          gboolean on = FALSE;
          for (guint k = 0; k < json_array_get_length (a); k++)
            if (g_strcmp0 (json_array_get_string_element (a, k), g_object_get_data (G_OBJECT (row), "column")) == 0)
              on = TRUE;
          gtk_check_button_set_active (g_object_get_data (G_OBJECT (row), "check"), on);
        }
    }
  select_string (self->algorithm_row, json_object_get_string_member_with_default (o, "algorithm", NULL));
  build_params (self);
  hp = json_object_has_member (o, "hyperparameters") ? json_object_get_object_member (o, "hyperparameters") : NULL;
  if (hp)
    {
      g_autoptr(GList) members = json_object_get_members (hp);
      for (GList *m = members; m; m = m->next)
        set_param (self, m->data, json_object_get_member (hp, m->data));
    }
  fe = json_object_has_member (o, "feature_engineering") ? json_object_get_object_member (o, "feature_engineering") : NULL;
  if (fe)
    {
      JsonNode *n = json_object_get_member (fe, "normalize");
      if (n && json_node_get_value_type (n) == G_TYPE_BOOLEAN)
        select_string (self->normalize_row, json_node_get_boolean (n) ? "standard" : "none");
      else
        select_string (self->normalize_row, json_object_get_string_member_with_default (fe, "normalize", "standard"));
      select_string (self->missing_row, json_object_get_string_member_with_default (fe, "handle_missing", "mean"));
      gtk_spin_button_set_value (self->constant_spin, json_object_get_double_member_with_default (fe, "missing_constant", 0));
    }
  tc = json_object_has_member (o, "training_config") ? json_object_get_object_member (o, "training_config") : NULL;
  if (tc)
    {
      gtk_spin_button_set_value (self->epochs, json_object_get_double_member_with_default (tc, "epochs", 100));
      gtk_spin_button_set_value (self->batch, json_object_get_double_member_with_default (tc, "batch_size", 32));
      gtk_spin_button_set_value (self->rate, json_object_get_double_member_with_default (tc, "learning_rate", 0.001));
    }
  gtk_spin_button_set_value (self->valid_split, json_object_get_double_member_with_default (o, "validation_split", 0.2));
  gtk_spin_button_set_value (self->test_split, json_object_get_double_member_with_default (o, "test_split", 0.1));
  gtk_spin_button_set_value (self->seed, json_object_get_double_member_with_default (o, "random_seed", 42));
  update_feature_sensitivity (self);
}

/* Train: check, mark the field, or hand the configuration over. */
static void
train_activated (GtkWidget  *widget,
                 const char *action,
                 GVariant   *param)
{
  AxModelEditor *self = AX_MODEL_EDITOR (widget);
  g_autofree char *config = ax_model_editor_get_config (self);
  g_autoptr(GError) error = NULL;
  g_autofree char *field = NULL;

  clear_errors (self);
  if (gtk_editable_get_text (GTK_EDITABLE (self->name_row))[0] == '\0')
    {
      ax_model_editor_show_error (self, "model_name", _("model_name: give the model a name"));
      return;
    }
  if (!ax_model_admin_check_config (config, &error))
    {
      field = ax_model_admin_error_field (error);
      ax_model_editor_show_error (self, field, error->message);
      return;
    }
  g_signal_emit (self, signals[SIGNAL_TRAIN], 0, config);
  gtk_window_close (GTK_WINDOW (self));
}

static void
ax_model_editor_dispose (GObject *object)
{
  AxModelEditor *self = AX_MODEL_EDITOR (object);

  g_clear_object (&self->project);
  g_clear_pointer (&self->datasets, g_ptr_array_unref);
  g_clear_pointer (&self->feature_rows, g_ptr_array_unref);
  g_clear_pointer (&self->param_rows, g_ptr_array_unref);
  g_clear_pointer (&self->field_rows, g_hash_table_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), AX_TYPE_MODEL_EDITOR);
  G_OBJECT_CLASS (ax_model_editor_parent_class)->dispose (object);
}

static void
ax_model_editor_class_init (AxModelEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ax_model_editor_dispose;
  signals[SIGNAL_TRAIN] = g_signal_new ("train", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                        NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/auspex/Auspex/ui/ax-model-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, AxModelEditor, pages);
  gtk_widget_class_bind_template_child (widget_class, AxModelEditor, model_page);
  gtk_widget_class_bind_template_child (widget_class, AxModelEditor, training_page);
  gtk_widget_class_bind_template_child (widget_class, AxModelEditor, name_row);
  gtk_widget_class_bind_template_child (widget_class, AxModelEditor, type_row);
  gtk_widget_class_bind_template_child (widget_class, AxModelEditor, description_row);
  gtk_widget_class_bind_template_child (widget_class, AxModelEditor, dataset_row);
  gtk_widget_class_bind_template_child (widget_class, AxModelEditor, target_row);
  gtk_widget_class_bind_template_child (widget_class, AxModelEditor, time_row);
  gtk_widget_class_bind_template_child (widget_class, AxModelEditor, series_row);
  gtk_widget_class_bind_template_child (widget_class, AxModelEditor, series_switch);
  gtk_widget_class_bind_template_child (widget_class, AxModelEditor, features_group);
  gtk_widget_class_bind_template_child (widget_class, AxModelEditor, algorithm_row);
  gtk_widget_class_bind_template_child (widget_class, AxModelEditor, params_group);
  gtk_widget_class_bind_template_child (widget_class, AxModelEditor, normalize_row);
  gtk_widget_class_bind_template_child (widget_class, AxModelEditor, missing_row);
  gtk_widget_class_bind_template_child (widget_class, AxModelEditor, constant_row);
  gtk_widget_class_bind_template_child (widget_class, AxModelEditor, constant_spin);
  gtk_widget_class_bind_template_child (widget_class, AxModelEditor, config_group);
  gtk_widget_class_install_action (widget_class, "editor.train", NULL, train_activated);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
ax_model_editor_init (AxModelEditor *self)
{
  g_autoptr(GtkStringList) types = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) algorithms = gtk_string_list_new (NULL);
  const AxAlgorithm *const *all = ax_algorithm_list ();

  gtk_widget_init_template (GTK_WIDGET (self));
  self->feature_rows = g_ptr_array_new ();
  self->param_rows = g_ptr_array_new ();
  self->field_rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint t = 0; t < AX_N_MODEL_TYPES; t++)
    gtk_string_list_append (types, ax_model_type_label (t));
  adw_combo_row_set_model (self->type_row, G_LIST_MODEL (types));
  for (guint i = 0; all[i]; i++)
    gtk_string_list_append (algorithms, all[i]->name);
  adw_combo_row_set_model (self->algorithm_row, G_LIST_MODEL (algorithms));

  register_field (self, "model_name", GTK_WIDGET (self->name_row));
  register_field (self, "model_type", GTK_WIDGET (self->type_row));
  register_field (self, "description", GTK_WIDGET (self->description_row));
  register_field (self, "dataset", GTK_WIDGET (self->dataset_row));
  register_field (self, "target", GTK_WIDGET (self->target_row));
  register_field (self, "time_column", GTK_WIDGET (self->time_row));
  register_field (self, "algorithm", GTK_WIDGET (self->algorithm_row));
  register_field (self, "feature_engineering.normalize", GTK_WIDGET (self->normalize_row));
  register_field (self, "feature_engineering.handle_missing", GTK_WIDGET (self->missing_row));
  register_field (self, "feature_engineering.missing_constant", self->constant_row);
  adw_combo_row_set_selected (self->missing_row, 0);

  self->epochs = add_spin_row (self, self->config_group, "training_config.epochs", _("Epochs"),
                               _("Passes over the data, for gradient-trained algorithms"), 1, 1000000, 1, 0, 100);
  self->batch = add_spin_row (self, self->config_group, "training_config.batch_size", _("Batch size"),
                              _("Rows per gradient step"), 1, 1000000, 1, 0, 32);
  self->rate = add_spin_row (self, self->config_group, "training_config.learning_rate", _("Learning rate"),
                             _("Step size of gradient descent"), 0.00001, 10, 0.0001, 5, 0.001);
  self->valid_split = add_spin_row (self, self->config_group, "validation_split", _("Validation split"),
                                    _("Share of the rows that tunes and scores while training"), 0, 0.9, 0.05, 2, 0.2);
  self->test_split = add_spin_row (self, self->config_group, "test_split", _("Test split"),
                                   _("Share of the rows held back for the final metrics"), 0, 0.9, 0.05, 2, 0.1);
  self->seed = add_spin_row (self, self->config_group, "random_seed", _("Random seed"),
                             _("The same seed gives the same model on the same data"), 0, 2147483647, 1, 0, 42);

  g_signal_connect_swapped (self->type_row, "notify::selected", G_CALLBACK (on_type_changed), self);
  g_signal_connect_swapped (self->dataset_row, "notify::selected", G_CALLBACK (on_dataset_changed), self);
  g_signal_connect_swapped (self->target_row, "notify::selected", G_CALLBACK (on_columns_changed), self);
  g_signal_connect_swapped (self->time_row, "notify::selected", G_CALLBACK (on_columns_changed), self);
  g_signal_connect_swapped (self->series_switch, "notify::active", G_CALLBACK (on_columns_changed), self);
  g_signal_connect_swapped (self->algorithm_row, "notify::selected", G_CALLBACK (build_params), self);
  g_signal_connect_swapped (self->missing_row, "notify::selected", G_CALLBACK (on_missing_changed), self);
  on_missing_changed (self);
}

AxModelEditor *
ax_model_editor_new (GtkWindow  *parent,
                     AxProject  *project,
                     const char *config_json)
{
  AxModelEditor *self = g_object_new (AX_TYPE_MODEL_EDITOR, "transient-for", parent, NULL);
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);

  self->project = g_object_ref (project);
  self->datasets = ax_project_list_datasets (project, NULL);
  for (guint i = 0; self->datasets && i < self->datasets->len; i++)
    gtk_string_list_append (names, ((AxDatasetInfo *) self->datasets->pdata[i])->name);
  self->loading = TRUE;
  adw_combo_row_set_model (self->dataset_row, G_LIST_MODEL (names));
  self->loading = FALSE;
  self->editing = config_json != NULL;
  if (config_json)
    {
      self->loading = TRUE;
      load_config (self, config_json);
      self->loading = FALSE;
      gtk_editable_set_editable (GTK_EDITABLE (self->name_row), FALSE);
      gtk_window_set_title (GTK_WINDOW (self), _("Edit Model"));
    }
  else
    {
      select_string (self->algorithm_row, ax_model_admin_default_algorithm (current_type (self)));
      build_params (self);
      on_type_changed (self);
      gtk_window_set_title (GTK_WINDOW (self), _("New Model"));
    }
  return self;
}
