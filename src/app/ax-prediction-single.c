/* ax-prediction-single.c — one prediction from a form built from the model's inputs
 *
 * The form is the one part of the page built in C: its rows depend on the
 * model.  Reading the model (its blob, and its training data's categories
 * and ranges) and predicting both run as jobs; the result card shows the
 * value, its range at the model's level and the confidence, or for a
 * classifier each class's probability.
 */

#include "ax-config.h"
#include "ax-prediction-single.h"

#include <glib/gi18n.h>
#include <math.h>

#include "ax-predictions.h"
#include "ax-prediction-format.h"

typedef struct {
  char          *name;
  AxColumnType   type;
  GtkWidget     *row;      /* in inputs_group */
  GtkWidget     *input;    /* the value: spin, combo row, switch, calendar or entry row */
  GtkWidget     *button;   /* dates: the menu button showing the date */
} Field;

struct _AxPredictionSingle {
  AdwBin               parent_instance;

  AxProject           *project;
  gint64               model_id;
  guint                version;      /* 0: active */
  guint                resolved;     /* the version the form was built for */
  AxPredictionForm    *form;
  GArray              *fields;       /* Field */
  AxJob               *form_job;
  AxJob               *predict_job;
  gint64               last_id;
  GtkWidget           *empty_row;

  AdwPreferencesGroup *inputs_group;
  AdwEntryRow         *notes_row;
  AdwEntryRow         *tags_row;
  GtkLabel            *error_label;
  GtkLabel            *result_title;
  GtkLabel            *value_label;
  GtkLabel            *range_label;
  GtkLabel            *confidence_label;
  GtkLevelBar         *confidence_bar;
  GtkBox              *classes_box;
  GtkLabel            *stamp_label;
};

G_DEFINE_FINAL_TYPE (AxPredictionSingle, ax_prediction_single, ADW_TYPE_BIN)

static void
field_clear (gpointer p)
{
  Field *f = p;
  g_free (f->name);
}

static void
update_sensitivity (AxPredictionSingle *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "single.predict",
                                 self->form != NULL && self->predict_job == NULL);
}

static void
show_error (AxPredictionSingle *self,
            const char         *message)
{
  gtk_label_set_text (self->error_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void
clear_result (AxPredictionSingle *self,
              const char         *hint)
{
  GtkWidget *child;

  gtk_label_set_text (self->value_label, "—");
  gtk_label_set_text (self->range_label, hint);
  gtk_label_set_text (self->stamp_label, "");
  gtk_widget_set_visible (GTK_WIDGET (self->confidence_label), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->confidence_bar), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->classes_box), FALSE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->classes_box))) != NULL)
    gtk_box_remove (self->classes_box, child);
}

static void
clear_fields (AxPredictionSingle *self)
{
  for (guint i = 0; i < self->fields->len; i++)
    adw_preferences_group_remove (self->inputs_group, g_array_index (self->fields, Field, i).row);
  g_array_set_size (self->fields, 0);
  if (self->empty_row)
    {
      adw_preferences_group_remove (self->inputs_group, self->empty_row);
      self->empty_row = NULL;
    }
}

/* Dates */

static GDateTime *
date_of_days (double days)
{
  if (!isfinite (days))
    return NULL;
  return g_date_time_new_from_unix_utc ((gint64) floor (days) * 86400);
}

static void
on_day_selected (GtkCalendar *calendar,
                 GtkMenuButton *button)
{
  g_autoptr(GDateTime) date = gtk_calendar_get_date (calendar);
  g_autofree char *text = g_date_time_format (date, "%Y-%m-%d");

  gtk_menu_button_set_label (button, text);
  gtk_menu_button_popdown (button);
}

/* Building the form */

static GtkWidget *
number_row (const AxPredictionField *pf,
            Field                   *f)
{
  GtkWidget *row = adw_action_row_new ();
  GtkAdjustment *adj;
  GtkWidget *spin;
  gboolean integer = pf->type == AX_COLUMN_INTEGER;
  double span = isfinite (pf->max - pf->min) ? pf->max - pf->min : 100;
  guint digits = integer ? 0 : span >= 1000 ? 1 : span >= 1 ? 2 : 4;
  double start = isfinite (pf->mean) ? pf->mean : 0;

  if (integer)
    start = round (start);
  adj = gtk_adjustment_new (start, -1e15, 1e15, integer ? 1 : pow (10, -(double) digits) * 10, 10, 0);
  spin = gtk_spin_button_new (adj, 1, digits);
  gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (spin), FALSE);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  gtk_editable_set_width_chars (GTK_EDITABLE (spin), 10);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL, pf->name, -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), spin);
  if (isfinite (pf->min) && isfinite (pf->max))
    {
      g_autofree char *lo = ax_prediction_format_number (pf->min);
      g_autofree char *hi = ax_prediction_format_number (pf->max);
      g_autofree char *sub = g_strdup_printf (_("Number · training range %s – %s"), lo, hi);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), sub);
    }
  else
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("Number"));
  f->input = spin;
  return row;
}

static GtkWidget *
category_row (const AxPredictionField *pf,
              Field                   *f)
{
  GtkWidget *row = adw_combo_row_new ();
  g_autoptr(GtkStringList) strings = gtk_string_list_new ((const char * const *) pf->categories);
  g_autofree char *sub = g_strdup_printf (g_dngettext (NULL, "Category · %u value seen in training",
                                                       "Category · %u values seen in training",
                                                       g_strv_length (pf->categories)),
                                          g_strv_length (pf->categories));

  adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (strings));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), sub);
  f->input = row;
  return row;
}

static GtkWidget *
date_row (const AxPredictionField *pf,
          Field                   *f)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *button = gtk_menu_button_new ();
  GtkWidget *popover = gtk_popover_new ();
  GtkWidget *calendar = gtk_calendar_new ();
  gboolean datetime = pf->type == AX_COLUMN_DATETIME;
  /* Date-time ranges are in seconds, dates in days. */
  double lo = datetime ? pf->min / 86400 : pf->min, hi = datetime ? pf->max / 86400 : pf->max;
  g_autoptr(GDateTime) first = date_of_days (lo);
  g_autoptr(GDateTime) last = date_of_days (hi);
  g_autoptr(GDateTime) start = last ? g_date_time_ref (last) : g_date_time_new_now_utc ();
  g_autofree char *text = g_date_time_format (start, "%Y-%m-%d");
  g_autofree char *sub = NULL;

  gtk_calendar_select_day (GTK_CALENDAR (calendar), start);
  gtk_popover_set_child (GTK_POPOVER (popover), calendar);
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (button), popover);
  gtk_menu_button_set_label (GTK_MENU_BUTTON (button), text);
  gtk_menu_button_set_always_show_arrow (GTK_MENU_BUTTON (button), TRUE);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, _("Choose the date"));
  g_signal_connect (calendar, "day-selected", G_CALLBACK (on_day_selected), button);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), button);
  if (first && last)
    {
      g_autofree char *a = g_date_time_format (first, "%Y-%m-%d");
      g_autofree char *b = g_date_time_format (last, "%Y-%m-%d");
      sub = g_strdup_printf (datetime ? _("Date and time (midnight) · training range %s – %s")
                                      : _("Date · training range %s – %s"), a, b);
    }
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), sub ? sub : datetime ? _("Date and time (midnight)") : _("Date"));
  f->input = calendar;
  f->button = button;
  return row;
}

static GtkWidget *
switch_row (const AxPredictionField *pf,
            Field                   *f)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *sw = gtk_switch_new ();

  gtk_widget_set_valign (sw, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), sw);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), sw);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("Yes or no"));
  f->input = sw;
  return row;
}

static void
build_form (AxPredictionSingle *self)
{
  AxPredictionForm *form = self->form;
  g_autofree char *title = NULL;

  clear_fields (self);
  for (guint i = 0; i < form->n_fields; i++)
    {
      const AxPredictionField *pf = &form->fields[i];
      Field f = { .name = g_strdup (pf->name), .type = pf->type };

      if (ax_column_type_is_numeric (pf->type) && pf->type != AX_COLUMN_BOOLEAN)
        f.row = number_row (pf, &f);
      else if (pf->type == AX_COLUMN_DATE || pf->type == AX_COLUMN_DATETIME)
        f.row = date_row (pf, &f);
      else if (pf->type == AX_COLUMN_BOOLEAN)
        f.row = switch_row (pf, &f);
      else if (pf->categories && pf->categories[0])
        f.row = category_row (pf, &f);
      else
        {
          f.row = adw_entry_row_new ();
          f.input = f.row;
        }
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (f.row), pf->name);
      adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (f.row), FALSE);
      adw_preferences_group_add (self->inputs_group, f.row);
      g_array_append_val (self->fields, f);
    }
  title = g_strdup_printf (_("Predicted %s"), form->target ? form->target : _("value"));
  gtk_label_set_text (self->result_title, title);
  clear_result (self, _("Fill in the inputs and press Predict."));
}

static void
on_form_loaded (GObject      *source,
                GAsyncResult *res,
                gpointer      user_data)
{
  g_autoptr(AxPredictionSingle) self = user_data;
  AxJob *job = AX_JOB (source);
  g_autoptr(GError) error = NULL;

  if (!ax_job_run_finish (job, res, &error))
    {
      if (self->form_job == job)
        {
          g_clear_object (&self->form_job);
          self->empty_row = adw_action_row_new ();
          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->empty_row), _("This model cannot be used here"));
          adw_action_row_set_subtitle (ADW_ACTION_ROW (self->empty_row), error->message);
          adw_preferences_group_add (self->inputs_group, self->empty_row);
          update_sensitivity (self);
        }
      return;
    }
  if (self->form_job != job)
    return;
  self->form = ax_prediction_form_job_steal_result (job);
  g_clear_object (&self->form_job);
  build_form (self);
  update_sensitivity (self);
}

void
ax_prediction_single_set_model (AxPredictionSingle *self,
                                AxProject          *project,
                                gint64              model_id,
                                guint               version,
                                guint               resolved)
{
  g_return_if_fail (AX_IS_PREDICTION_SINGLE (self));

  if (self->project == project && self->model_id == model_id && self->resolved == resolved &&
      (self->form != NULL || self->form_job != NULL))
    {
      self->version = version;
      return;
    }
  g_set_object (&self->project, project);
  self->model_id = model_id;
  self->version = version;
  self->resolved = resolved;
  g_clear_pointer (&self->form, ax_prediction_form_free);
  clear_fields (self);
  show_error (self, NULL);
  clear_result (self, _("Fill in the inputs and press Predict."));
  if (self->form_job)
    ax_job_cancel (self->form_job);
  g_clear_object (&self->form_job);
  update_sensitivity (self);
  if (project == NULL || model_id == 0)
    return;
  self->form_job = ax_prediction_form_job_new (ax_project_get_path (project), model_id, resolved);
  ax_job_run_async (self->form_job, on_form_loaded, g_object_ref (self));
}

/* Predicting */

/* The inputs as a JSON object of column → value. */
static char *
inputs_json (AxPredictionSingle *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  for (guint i = 0; i < self->fields->len; i++)
    {
      Field *f = &g_array_index (self->fields, Field, i);

      json_builder_set_member_name (b, f->name);
      if (GTK_IS_SPIN_BUTTON (f->input))
        {
          GtkSpinButton *spin = GTK_SPIN_BUTTON (f->input);
          gtk_spin_button_update (spin);
          if (f->type == AX_COLUMN_INTEGER)
            json_builder_add_int_value (b, (gint64) llround (gtk_spin_button_get_value (spin)));
          else
            json_builder_add_double_value (b, gtk_spin_button_get_value (spin));
        }
      else if (ADW_IS_COMBO_ROW (f->input))
        {
          GtkStringObject *item = adw_combo_row_get_selected_item (ADW_COMBO_ROW (f->input));
          if (item)
            json_builder_add_string_value (b, gtk_string_object_get_string (item));
          else
            json_builder_add_null_value (b);
        }
      else if (GTK_IS_SWITCH (f->input))
        json_builder_add_boolean_value (b, gtk_switch_get_active (GTK_SWITCH (f->input)));
      else if (GTK_IS_CALENDAR (f->input))
        {
          g_autoptr(GDateTime) date = gtk_calendar_get_date (GTK_CALENDAR (f->input));
          g_autofree char *text = g_date_time_format (date, f->type == AX_COLUMN_DATETIME
                                                            ? "%Y-%m-%d 00:00:00" : "%Y-%m-%d");
          json_builder_add_string_value (b, text);
        }
      else
        {
          const char *text = gtk_editable_get_text (GTK_EDITABLE (f->input));
          if (text && *text)
            json_builder_add_string_value (b, text);
          else
            json_builder_add_null_value (b);
        }
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

/* The context notes as the guide's context_metadata; NULL with @error set
 * when the details do not read as name = value pairs. */
static char *
context_json (AxPredictionSingle  *self,
              GError             **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  const char *notes = gtk_editable_get_text (GTK_EDITABLE (self->notes_row));
  const char *details = gtk_editable_get_text (GTK_EDITABLE (self->tags_row));
  g_auto(GStrv) pairs = g_strsplit (details ? details : "", ",", -1);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "request_source");
  json_builder_add_string_value (b, "desktop");
  if (notes && *notes)
    {
      json_builder_set_member_name (b, "user_notes");
      json_builder_add_string_value (b, notes);
    }
  for (guint i = 0; pairs[i]; i++)
    {
      g_autofree char *pair = g_strstrip (g_strdup (pairs[i]));
      char *eq;
      if (*pair == '\0')
        continue;
      eq = strchr (pair, '=');
      if (eq == NULL || eq == pair)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("Details: “%s” is not a pair; write name = value"), pair);
          return NULL;
        }
      *eq = '\0';
      json_builder_set_member_name (b, g_strstrip (pair));
      json_builder_add_string_value (b, g_strstrip (eq + 1));
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

static void
show_result (AxPredictionSingle    *self,
             const AxPredictResult *result)
{
  const AxPredictions *p = result->predictions;
  g_autofree char *stamp = NULL;
  double level = self->form ? self->form->level : 0.9;

  clear_result (self, "");
  if (p->task == AX_TASK_CLASSIFICATION)
    {
      guint k = (guint) p->value[0];
      gtk_label_set_text (self->value_label, k < p->n_classes ? p->class_names[k] : "?");
      gtk_label_set_text (self->range_label, _("The most likely class; each class’s probability:"));
      for (guint c = 0; c < p->n_classes && p->probability; c++)
        {
          GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
          GtkWidget *name = gtk_label_new (p->class_names[c]);
          GtkWidget *bar = gtk_level_bar_new_for_interval (0, 1);
          double prob = p->probability[c];
          g_autofree char *pct = ax_prediction_format_percent (prob);
          GtkWidget *value = gtk_label_new (pct);

          gtk_label_set_xalign (GTK_LABEL (name), 0);
          gtk_label_set_width_chars (GTK_LABEL (name), 8);
          gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
          gtk_level_bar_set_value (GTK_LEVEL_BAR (bar), prob);
          gtk_widget_set_hexpand (bar, TRUE);
          gtk_widget_set_valign (bar, GTK_ALIGN_CENTER);
          gtk_label_set_width_chars (GTK_LABEL (value), 5);
          gtk_label_set_xalign (GTK_LABEL (value), 1);
          gtk_widget_add_css_class (value, "numeric");
          gtk_box_append (GTK_BOX (row), name);
          gtk_box_append (GTK_BOX (row), bar);
          gtk_box_append (GTK_BOX (row), value);
          gtk_box_append (self->classes_box, row);
        }
      gtk_widget_set_visible (GTK_WIDGET (self->classes_box), TRUE);
    }
  else
    {
      g_autofree char *value = ax_prediction_format_number (p->value[0]);
      gtk_label_set_text (self->value_label, value);
      if (p->lower && p->upper && isfinite (p->lower[0]) && isfinite (p->upper[0]))
        {
          g_autofree char *lo = ax_prediction_format_number (p->lower[0]);
          g_autofree char *hi = ax_prediction_format_number (p->upper[0]);
          g_autofree char *range = g_strdup_printf (_("%.0f %% range: %s – %s"), 100 * level, lo, hi);
          gtk_label_set_text (self->range_label, range);
        }
    }
  if (p->confidence && isfinite (p->confidence[0]))
    {
      g_autofree char *pct = ax_prediction_format_percent (p->confidence[0]);
      g_autofree char *conf = g_strdup_printf (_("Confidence: %s"), pct);
      /* What the figure means, as the README defines it. */
      const char *meaning = p->task == AX_TASK_CLASSIFICATION
        ? _("The calibrated probability that the predicted class is right")
        : _("The estimated chance that the actual value lands within 10 % of the prediction, "
            "from how the model did on rows it did not learn from");

      gtk_label_set_text (self->confidence_label, conf);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->confidence_label), meaning);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->confidence_bar), meaning);
      gtk_level_bar_set_value (self->confidence_bar, CLAMP (p->confidence[0], 0, 1));
      gtk_widget_set_visible (GTK_WIDGET (self->confidence_label), TRUE);
      gtk_widget_set_visible (GTK_WIDGET (self->confidence_bar), TRUE);
    }
  {
    g_autofree char *when = ax_prediction_format_time (result->created);
    stamp = g_strdup_printf (_("Prediction %" G_GINT64_FORMAT " with %s version %u, made %s; kept in the history."),
                             result->first_id, result->model_name, result->version, when);
  }
  gtk_label_set_text (self->stamp_label, stamp);
}

static void
on_predicted (GObject      *source,
              GAsyncResult *res,
              gpointer      user_data)
{
  g_autoptr(AxPredictionSingle) self = user_data;
  AxJob *job = AX_JOB (source);
  g_autoptr(GError) error = NULL;
  gboolean ok = ax_job_run_finish (job, res, &error);

  if (self->predict_job != job)
    return;
  if (ok)
    {
      AxPredictResult *result = ax_predictions_single_job_get_result (job);
      self->last_id = result->first_id;
      show_result (self, result);
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    show_error (self, error->message);
  g_clear_object (&self->predict_job);
  update_sensitivity (self);
  /* The history and the dashboard count it. */
  if (ok && self->project)
    ax_project_changed (self->project);
}

static void
predict_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  AxPredictionSingle *self = AX_PREDICTION_SINGLE (widget);
  g_autoptr(GError) error = NULL;
  g_autofree char *input = NULL;
  g_autofree char *context = NULL;
  g_autofree char *ref = NULL;

  if (self->form == NULL || self->predict_job != NULL || self->project == NULL)
    return;
  context = context_json (self, &error);
  if (context == NULL)
    {
      show_error (self, error->message);
      return;
    }
  show_error (self, NULL);
  input = inputs_json (self);
  ref = ax_predictions_model_ref (self->model_id, self->resolved);
  self->predict_job = ax_predictions_single_job_new (ax_project_get_path (self->project), ref, input, context);
  update_sensitivity (self);
  gtk_label_set_text (self->range_label, _("Predicting…"));
  ax_job_run_async (self->predict_job, on_predicted, g_object_ref (self));
}

gboolean
ax_prediction_single_is_ready (AxPredictionSingle *self)
{
  g_return_val_if_fail (AX_IS_PREDICTION_SINGLE (self), FALSE);
  return self->form != NULL && self->predict_job == NULL;
}

GtkWidget *
ax_prediction_single_get_input (AxPredictionSingle *self,
                                const char         *name)
{
  g_return_val_if_fail (AX_IS_PREDICTION_SINGLE (self), NULL);
  for (guint i = 0; i < self->fields->len; i++)
    if (g_str_equal (g_array_index (self->fields, Field, i).name, name))
      return g_array_index (self->fields, Field, i).input;
  return NULL;
}

GtkEditable *
ax_prediction_single_get_context_entry (AxPredictionSingle *self,
                                        const char         *which)
{
  return GTK_EDITABLE (g_str_equal (which, "notes") ? self->notes_row : self->tags_row);
}

gint64
ax_prediction_single_get_last_id (AxPredictionSingle *self)
{
  return self->last_id;
}

const char *
ax_prediction_single_get_text (AxPredictionSingle *self,
                               const char         *part)
{
  if (g_str_equal (part, "value"))
    return gtk_label_get_text (self->value_label);
  if (g_str_equal (part, "range"))
    return gtk_label_get_text (self->range_label);
  if (g_str_equal (part, "confidence"))
    return gtk_label_get_text (self->confidence_label);
  if (g_str_equal (part, "confidence-meaning"))
    return gtk_widget_get_tooltip_text (GTK_WIDGET (self->confidence_label));
  return gtk_widget_get_visible (GTK_WIDGET (self->error_label)) ? gtk_label_get_text (self->error_label) : NULL;
}

static void
ax_prediction_single_dispose (GObject *object)
{
  AxPredictionSingle *self = AX_PREDICTION_SINGLE (object);

  if (self->form_job)
    ax_job_cancel (self->form_job);
  g_clear_object (&self->form_job);
  g_clear_object (&self->predict_job);
  g_clear_object (&self->project);
  g_clear_pointer (&self->form, ax_prediction_form_free);
  adw_bin_set_child (ADW_BIN (self), NULL);
  G_OBJECT_CLASS (ax_prediction_single_parent_class)->dispose (object);
}

static void
ax_prediction_single_finalize (GObject *object)
{
  AxPredictionSingle *self = AX_PREDICTION_SINGLE (object);

  g_array_unref (self->fields);
  G_OBJECT_CLASS (ax_prediction_single_parent_class)->finalize (object);
}

static void
ax_prediction_single_class_init (AxPredictionSingleClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ax_prediction_single_dispose;
  object_class->finalize = ax_prediction_single_finalize;
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/auspex/Auspex/ui/ax-prediction-single.ui");
  gtk_widget_class_bind_template_child (widget_class, AxPredictionSingle, inputs_group);
  gtk_widget_class_bind_template_child (widget_class, AxPredictionSingle, notes_row);
  gtk_widget_class_bind_template_child (widget_class, AxPredictionSingle, tags_row);
  gtk_widget_class_bind_template_child (widget_class, AxPredictionSingle, error_label);
  gtk_widget_class_bind_template_child (widget_class, AxPredictionSingle, result_title);
  gtk_widget_class_bind_template_child (widget_class, AxPredictionSingle, value_label);
  gtk_widget_class_bind_template_child (widget_class, AxPredictionSingle, range_label);
  gtk_widget_class_bind_template_child (widget_class, AxPredictionSingle, confidence_label);
  gtk_widget_class_bind_template_child (widget_class, AxPredictionSingle, confidence_bar);
  gtk_widget_class_bind_template_child (widget_class, AxPredictionSingle, classes_box);
  gtk_widget_class_bind_template_child (widget_class, AxPredictionSingle, stamp_label);
  gtk_widget_class_install_action (widget_class, "single.predict", NULL, predict_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "single.predict", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK, "single.predict", NULL);
}

static void
ax_prediction_single_init (AxPredictionSingle *self)
{
  self->fields = g_array_new (FALSE, TRUE, sizeof (Field));
  g_array_set_clear_func (self->fields, field_clear);
  gtk_widget_init_template (GTK_WIDGET (self));
  update_sensitivity (self);
}
