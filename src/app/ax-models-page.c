/* ax-models-page.c — Models page: the project's models, their training, evaluation and versions
 *
 * The list with its filters, the actions (new, edit, train, cancel,
 * delete, deploy) and the training run with its live curve.  The tabs of
 * the selected model are filled by ax-model-detail.c.
 */

#include "ax-config.h"
#include "ax-app-util.h"
#include "ax-models-page-private.h"
#include "ax-model-editor.h"
#include "ax-window.h"
#include "ax-charts.h"

#include <glib/gi18n.h>
#include <math.h>

G_DEFINE_FINAL_TYPE (AxModelsPage, ax_models_page, ADW_TYPE_BIN)

static void start_training (AxModelsPage *self, const char *config_json);

const AxModelInfo *
ax_models_page_get_selected (AxModelsPage *self)
{
  for (guint i = 0; self->models && i < self->models->len; i++)
    {
      const AxModelInfo *info = self->models->pdata[i];
      if (info->id == self->selected_id)
        return info;
    }
  return NULL;
}

/* The list */

static gboolean
type_of (const AxModelInfo *info,
         AxModelType       *type)
{
  return ax_model_type_from_string (info->model_type, type);
}

static char *
row_subtitle (const AxModelInfo *info)
{
  AxModelType type;
  const char *metric;
  double value;
  g_autofree char *score = NULL;

  if (info->latest && ax_model_admin_headline (info->latest->metrics, &metric, &value))
    {
      g_autofree char *v = ax_model_detail_format_metric (metric, value);
      score = g_strdup_printf (" · %s %s", ax_model_detail_metric_label (metric), v);
    }
  return g_strdup_printf (_("%s · %s · v%u%s"),
                          type_of (info, &type) ? ax_model_type_label (type) : info->model_type,
                          info->algorithm, info->n_versions, score ? score : "");
}

static GtkWidget *
make_row (const AxModelInfo *info)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *subtitle = row_subtitle (info);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), info->name);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 2);
  if (!info->is_active)
    {
      GtkWidget *label = gtk_label_new (_("Inactive"));
      gtk_widget_add_css_class (label, "dim-label");
      gtk_widget_add_css_class (label, "caption");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
    }
  g_object_set_data (G_OBJECT (row), "info", (gpointer) info);
  return row;
}

static gboolean
filter_row (GtkListBoxRow *row,
            gpointer       data)
{
  AxModelsPage *self = data;
  const AxModelInfo *info = g_object_get_data (G_OBJECT (row), "info");
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  guint type_i = gtk_drop_down_get_selected (self->type_filter);
  guint state_i = gtk_drop_down_get_selected (self->state_filter);
  guint metric_i = gtk_drop_down_get_selected (self->metric_filter);
  static const double thresholds[] = { 0, 0.5, 0.7, 0.9 };
  AxModelType type;
  const char *metric;
  double value = NAN;

  if (info == NULL)
    return FALSE;
  if (text[0])
    {
      g_autofree char *needle = g_utf8_casefold (text, -1);
      g_autofree char *name = g_utf8_casefold (info->name, -1);
      g_autofree char *desc = g_utf8_casefold (info->description ? info->description : "", -1);
      if (!strstr (name, needle) && !strstr (desc, needle))
        return FALSE;
    }
  if (type_i > 0 && type_i != GTK_INVALID_LIST_POSITION &&
      (!type_of (info, &type) || (guint) type != type_i - 1))
    return FALSE;
  if ((state_i == 1 && !info->is_active) || (state_i == 2 && info->is_active))
    return FALSE;
  if (metric_i > 0 && metric_i != GTK_INVALID_LIST_POSITION)
    {
      if (!info->latest || !ax_model_admin_headline (info->latest->metrics, &metric, &value))
        return FALSE;
      /* sMAPE is an error in percent: a forecast scores 1 − sMAPE/100. */
      if (g_str_equal (metric, "smape"))
        value = 1 - value / 100;
      if (metric_i < G_N_ELEMENTS (thresholds) ? value < thresholds[metric_i] : value >= 0.5)
        return FALSE;
    }
  return TRUE;
}

static void
update_no_match (AxModelsPage *self)
{
  gboolean any = FALSE, rows = FALSE;

  for (GtkWidget *c = gtk_widget_get_first_child (GTK_WIDGET (self->model_list)); c; c = gtk_widget_get_next_sibling (c))
    if (GTK_IS_LIST_BOX_ROW (c))
      {
        rows = TRUE;
        if (filter_row (GTK_LIST_BOX_ROW (c), self))
          any = TRUE;
      }
  /* Before the first model is trained there is nothing to filter. */
  gtk_label_set_text (GTK_LABEL (self->no_match_label),
                      rows ? _("No model matches the filters") : _("No models yet"));
  gtk_widget_set_visible (self->no_match_label, !any);
}

static void
on_filter_changed (AxModelsPage *self)
{
  gtk_list_box_invalidate_filter (self->model_list);
  update_no_match (self);
}

static void
update_actions (AxModelsPage *self)
{
  const AxModelInfo *info = ax_models_page_get_selected (self);
  gboolean training = self->job != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "models.new", self->project != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "models.edit", info != NULL && !training);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "models.train", info != NULL && !training);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "models.delete", info != NULL && !training);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "models.cancel", training);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "models.rollback", info != NULL && !training);
  gtk_widget_set_sensitive (GTK_WIDGET (self->active_switch), info != NULL);
  /* While the first model trains there is no model yet: only its
   * progress shows, not the controls and tabs of a model. */
  gtk_widget_set_visible (self->header_box, info != NULL);
  gtk_widget_set_visible (self->detail_switcher, info != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->detail_stack), info != NULL);
}

static void
show_selected (AxModelsPage *self)
{
  const AxModelInfo *info = ax_models_page_get_selected (self);
  AxModelType type;

  self->updating = TRUE;
  if (info)
    {
      g_autofree char *subtitle = g_strdup_printf (_("%s · %s · active version %u of %u%s%s"),
                                                   type_of (info, &type) ? ax_model_type_label (type) : info->model_type,
                                                   info->algorithm, info->active_version, info->n_versions,
                                                   info->description[0] ? " · " : "", info->description);
      gtk_label_set_text (self->title_label, info->name);
      gtk_label_set_text (self->subtitle_label, subtitle);
      gtk_switch_set_active (self->active_switch, info->is_active);
    }
  self->updating = FALSE;
  ax_model_detail_show (self);
  update_actions (self);
}

static void
on_row_selected (AxModelsPage  *self,
                 GtkListBoxRow *row)
{
  const AxModelInfo *info = row ? g_object_get_data (G_OBJECT (row), "info") : NULL;

  if (self->updating || info == NULL || info->id == self->selected_id)
    return;
  self->selected_id = info->id;
  self->compare_a = self->compare_b = 0;
  show_selected (self);
}

static void
select_row_of (AxModelsPage *self,
               gint64        id)
{
  for (GtkWidget *c = gtk_widget_get_first_child (GTK_WIDGET (self->model_list)); c; c = gtk_widget_get_next_sibling (c))
    {
      const AxModelInfo *info = g_object_get_data (G_OBJECT (c), "info");
      if (info && info->id == id)
        gtk_list_box_select_row (self->model_list, GTK_LIST_BOX_ROW (c));
    }
}

static void
reload (AxModelsPage *self)
{
  g_autoptr(GError) error = NULL;
  GtkWidget *child;

  self->updating = TRUE;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->model_list))) != NULL)
    gtk_list_box_remove (self->model_list, child);
  g_clear_pointer (&self->models, g_ptr_array_unref);
  if (self->project)
    self->models = ax_store_list_models (ax_project_get_store (self->project), &error);
  if (error)
    g_warning ("Could not list the models: %s", error->message);
  for (guint i = 0; self->models && i < self->models->len; i++)
    gtk_list_box_append (self->model_list, make_row (self->models->pdata[i]));
  if (ax_models_page_get_selected (self) == NULL)
    self->selected_id = self->models && self->models->len ? ((AxModelInfo *) self->models->pdata[0])->id : 0;
  select_row_of (self, self->selected_id);
  self->updating = FALSE;
  gtk_stack_set_visible_child_name (self->stack,
                                    (self->models && self->models->len) || self->job ? "models" : "empty");
  update_no_match (self);
  show_selected (self);
}

/* Behind another view, the page reads the project when it is shown. */
static void
project_changed (AxModelsPage *self)
{
  ax_widget_reload_when_shown (GTK_WIDGET (self), (AxReloadFunc) reload);
}

/* Public for tests: select a model by name. */
gboolean
ax_models_page_select (AxModelsPage *self,
                       const char   *name)
{
  for (guint i = 0; self->models && i < self->models->len; i++)
    {
      const AxModelInfo *info = self->models->pdata[i];
      if (g_str_equal (info->name, name))
        {
          select_row_of (self, info->id);
          if (self->selected_id != info->id)
            {
              self->selected_id = info->id;
              show_selected (self);
            }
          return TRUE;
        }
    }
  return FALSE;
}

void
ax_models_page_set_project (AxModelsPage *self,
                            AxProject    *project)
{
  g_return_if_fail (AX_IS_MODELS_PAGE (self));

  if (self->project == project)
    return;
  if (self->job)
    ax_job_cancel (self->job);
  if (self->project && self->changed_id)
    g_signal_handler_disconnect (self->project, self->changed_id);
  self->changed_id = 0;
  g_set_object (&self->project, project);
  self->selected_id = 0;
  if (project)
    self->changed_id = g_signal_connect_swapped (project, "changed", G_CALLBACK (project_changed), self);
  reload (self);
}

/* Deploying */

static void
on_active_changed (AxModelsPage *self)
{
  const AxModelInfo *info = ax_models_page_get_selected (self);
  g_autoptr(GError) error = NULL;
  gboolean active = gtk_switch_get_active (self->active_switch);

  if (self->updating || info == NULL || info->is_active == active)
    return;
  if (!ax_model_admin_set_active (ax_project_get_store (self->project), info->id, active, &error))
    {
      ax_widget_show_error (GTK_WIDGET (self), _("Could Not Change the Model"), error->message);
      return;
    }
  {
    g_autofree char *msg = g_strdup_printf (active ? _("“%s” is deployed") : _("“%s” is deactivated"), info->name);
    ax_widget_toast (GTK_WIDGET (self), msg);
  }
  ax_project_changed (self->project);
}

/* Training */

static void
update_curve (AxModelsPage *self)
{
  g_autofree double *x = NULL, *y = NULL;

  if (self->curve_chart == NULL)
    return;
  ax_chart_clear (AX_CHART (self->curve_chart));
  if (self->curve->len == 0)
    return;
  x = g_new (double, self->curve->len);
  y = g_new (double, self->curve->len);
  for (guint i = 0; i < self->curve->len; i++)
    {
      const AxCurvePoint *p = &g_array_index (self->curve, AxCurvePoint, i);
      x[i] = p->step;
      y[i] = p->score;
    }
  ax_line_chart_add_series (AX_LINE_CHART (self->curve_chart), _("Validation score"), x, y, self->curve->len);
}

static gboolean
poll_curve (gpointer data)
{
  AxModelsPage *self = data;
  guint before = self->curve->len;

  if (self->job == NULL)
    return G_SOURCE_CONTINUE;
  ax_model_admin_train_job_get_curve (self->job, before, self->curve);
  if (self->curve->len != before)
    update_curve (self);
  return G_SOURCE_CONTINUE;
}

static void
on_job_progress (AxModelsPage *self)
{
  double fraction, eta;
  const char *detail;

  if (self->job == NULL)
    return;
  fraction = ax_job_get_fraction (self->job);
  eta = ax_job_get_eta (self->job);
  detail = ax_job_get_detail (self->job);
  if (fraction >= 0)
    gtk_progress_bar_set_fraction (self->training_bar, fraction);
  else
    gtk_progress_bar_pulse (self->training_bar);
  if (eta >= 0)
    {
      g_autofree char *text = eta < 60
                              ? g_strdup_printf (_("%s · about %.0f s left"), detail ? detail : "", ceil (eta))
                              : g_strdup_printf (_("%s · about %.0f min left"), detail ? detail : "", ceil (eta / 60));
      gtk_label_set_text (self->eta_label, text);
    }
  else
    gtk_label_set_text (self->eta_label, detail ? detail : "");
}

static void
on_trained (GObject      *source,
            GAsyncResult *res,
            gpointer      data)
{
  g_autoptr(AxModelsPage) self = data;
  g_autoptr(AxJob) job = AX_JOB (source);
  g_autoptr(GError) error = NULL;
  g_autofree char *config = NULL;

  g_object_ref (job);
  /* The project that was told of this training is told it ended, even
   * when the page has moved on. */
  {
    AxProject *project = g_object_get_data (G_OBJECT (job), "project");
    const char *name = g_object_get_data (G_OBJECT (job), "model-name");
    if (project && name)
      ax_project_training_ended (project, name);
  }
  if (self->job != job)
    return;
  g_clear_handle_id (&self->curve_timer, g_source_remove);
  g_signal_handlers_disconnect_by_data (job, self);
  poll_curve (self);
  g_clear_object (&self->job);
  /* Hidden at once: the revealer alone keeps its room until its
   * animation has run. */
  gtk_revealer_set_reveal_child (self->training_revealer, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->training_revealer), FALSE);
  if (!ax_job_run_finish (job, res, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        ax_widget_toast (GTK_WIDGET (self), _("Training cancelled; nothing was stored"));
      else if (g_error_matches (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG) ||
               g_error_matches (error, AX_LEARN_ERROR, AX_LEARN_ERROR_DATA))
        {
          /* Back to the form, with the message at the field it names. */
          AxModelEditor *editor;
          g_autofree char *field = ax_model_admin_error_field (error);

          config = g_object_steal_data (G_OBJECT (job), "config");
          editor = ax_model_editor_new (ax_widget_get_window (GTK_WIDGET (self)), self->project, config);
          g_signal_connect_swapped (editor, "train", G_CALLBACK (start_training), self);
          gtk_window_present (GTK_WINDOW (editor));
          ax_model_editor_show_error (editor, field, error->message);
        }
      else
        ax_widget_show_error (GTK_WIDGET (self), _("Training Failed"), error->message);
      g_clear_pointer (&self->job_model, g_free);
      reload (self);
      return;
    }
  {
    AxTrainResult *r = ax_model_admin_train_job_get_result (job);
    g_autofree char *msg = g_strdup_printf (_("Trained “%s” version %u"), r->model_name, r->version);
    self->selected_id = r->model_id;
    ax_widget_toast (GTK_WIDGET (self), msg);
  }
  g_clear_pointer (&self->job_model, g_free);
  ax_project_changed (self->project);
  adw_view_stack_set_visible_child_name (self->detail_stack, "evaluation");
}

static void
start_training (AxModelsPage *self,
                const char   *config_json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *label = NULL;

  if (self->job || self->project == NULL)
    return;
  self->job = ax_model_admin_train_job_new (ax_project_get_path (self->project), config_json);
  g_object_set_data_full (G_OBJECT (self->job), "config", g_strdup (config_json), g_free);
  if (json_parser_load_from_data (parser, config_json, -1, NULL) &&
      JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    self->job_model = g_strdup (json_object_get_string_member_with_default (
      json_node_get_object (json_parser_get_root (parser)), "model_name", ""));
  if (self->job_model && *self->job_model)
    {
      g_object_set_data_full (G_OBJECT (self->job), "project", g_object_ref (self->project), g_object_unref);
      g_object_set_data_full (G_OBJECT (self->job), "model-name", g_strdup (self->job_model), g_free);
      ax_project_training_started (self->project, self->job_model);
    }
  g_array_set_size (self->curve, 0);
  update_curve (self);
  label = g_strdup (ax_job_get_title (self->job));
  gtk_label_set_text (self->training_label, label);
  gtk_label_set_text (self->eta_label, _("Starting"));
  gtk_progress_bar_set_fraction (self->training_bar, 0);
  gtk_widget_set_visible (GTK_WIDGET (self->training_revealer), TRUE);
  gtk_revealer_set_reveal_child (self->training_revealer, TRUE);
  /* At once: a crossfade drawn in software would hold up the window just
   * as training starts. */
  gtk_stack_set_visible_child_full (self->stack, "models", GTK_STACK_TRANSITION_TYPE_NONE);
  g_signal_connect_swapped (self->job, "notify::fraction", G_CALLBACK (on_job_progress), self);
  g_signal_connect_swapped (self->job, "notify::detail", G_CALLBACK (on_job_progress), self);
  g_signal_connect_swapped (self->job, "notify::eta", G_CALLBACK (on_job_progress), self);
  self->curve_timer = g_timeout_add (100, poll_curve, self);
  ax_job_run_async (self->job, on_trained, g_object_ref (self));
  update_actions (self);
}

/* Public for tests: the running job, if any. */
AxJob *
ax_models_page_get_job (AxModelsPage *self)
{
  return self->job;
}

static void
new_activated (GtkWidget  *widget,
               const char *action,
               GVariant   *param)
{
  AxModelsPage *self = AX_MODELS_PAGE (widget);
  AxModelEditor *editor;

  if (self->project == NULL)
    return;
  editor = ax_model_editor_new (ax_widget_get_window (GTK_WIDGET (self)), self->project, NULL);
  g_signal_connect_swapped (editor, "train", G_CALLBACK (start_training), self);
  gtk_window_present (GTK_WINDOW (editor));
}

static void
edit_activated (GtkWidget  *widget,
                const char *action,
                GVariant   *param)
{
  AxModelsPage *self = AX_MODELS_PAGE (widget);
  const AxModelInfo *info = ax_models_page_get_selected (self);
  g_autofree char *config = NULL;
  g_autoptr(GError) error = NULL;
  AxModelEditor *editor;

  if (info == NULL)
    return;
  config = ax_model_admin_retrain_config (ax_project_get_store (self->project), info->id, &error);
  if (config == NULL)
    {
      ax_widget_show_error (GTK_WIDGET (self), _("Could Not Open the Model"), error->message);
      return;
    }
  editor = ax_model_editor_new (ax_widget_get_window (GTK_WIDGET (self)), self->project, config);
  g_signal_connect_swapped (editor, "train", G_CALLBACK (start_training), self);
  gtk_window_present (GTK_WINDOW (editor));
}

static void
train_activated (GtkWidget  *widget,
                 const char *action,
                 GVariant   *param)
{
  AxModelsPage *self = AX_MODELS_PAGE (widget);
  const AxModelInfo *info = ax_models_page_get_selected (self);
  g_autofree char *config = NULL;
  g_autoptr(GError) error = NULL;

  if (info == NULL || self->job)
    return;
  config = ax_model_admin_retrain_config (ax_project_get_store (self->project), info->id, &error);
  if (config == NULL)
    {
      ax_widget_show_error (GTK_WIDGET (self), _("Could Not Retrain the Model"), error->message);
      return;
    }
  start_training (self, config);
}

static void
cancel_activated (GtkWidget  *widget,
                  const char *action,
                  GVariant   *param)
{
  AxModelsPage *self = AX_MODELS_PAGE (widget);

  if (self->job)
    ax_job_cancel (self->job);
}

static void
on_delete_response (AdwMessageDialog *dialog,
                    const char       *response,
                    AxModelsPage     *self)
{
  gint64 id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (dialog), "model-id"));
  g_autoptr(GError) error = NULL;

  if (!g_str_equal (response, "delete") || self->project == NULL)
    return;
  if (!ax_store_delete_model (ax_project_get_store (self->project), id, &error))
    {
      ax_widget_show_error (GTK_WIDGET (self), _("Could Not Delete the Model"), error->message);
      return;
    }
  self->selected_id = 0;
  ax_project_changed (self->project);
}

static void
delete_activated (GtkWidget  *widget,
                  const char *action,
                  GVariant   *param)
{
  AxModelsPage *self = AX_MODELS_PAGE (widget);
  const AxModelInfo *info = ax_models_page_get_selected (self);
  GtkWidget *dialog;
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;

  if (info == NULL)
    return;
  heading = g_strdup_printf (_("Delete “%s”?"), info->name);
  body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "Its %u version and every prediction made with it are deleted too. This cannot be undone.",
                                       "Its %u versions and every prediction made with them are deleted too. This cannot be undone.",
                                       info->n_versions), info->n_versions);
  dialog = adw_message_dialog_new (ax_widget_get_window (GTK_WIDGET (self)), heading, body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "delete", _("_Delete"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "model-id", GSIZE_TO_POINTER ((gsize) info->id));
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_delete_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
rollback_activated (GtkWidget  *widget,
                    const char *action,
                    GVariant   *param)
{
  AxModelsPage *self = AX_MODELS_PAGE (widget);
  const AxModelInfo *info = ax_models_page_get_selected (self);
  guint version = g_variant_get_uint32 (param);
  g_autoptr(GError) error = NULL;
  g_autofree char *msg = NULL;

  if (info == NULL)
    return;
  if (!ax_model_admin_rollback (ax_project_get_store (self->project), info->id, version, &error))
    {
      ax_widget_show_error (GTK_WIDGET (self), _("Could Not Roll Back"), error->message);
      return;
    }
  msg = g_strdup_printf (_("“%s” uses version %u again"), info->name, version);
  ax_widget_toast (GTK_WIDGET (self), msg);
  ax_project_changed (self->project);
}

static void
ax_models_page_dispose (GObject *object)
{
  AxModelsPage *self = AX_MODELS_PAGE (object);

  if (self->job)
    {
      ax_job_cancel (self->job);
      g_signal_handlers_disconnect_by_data (self->job, self);
      g_clear_object (&self->job);
    }
  g_clear_handle_id (&self->curve_timer, g_source_remove);
  if (self->project && self->changed_id)
    g_signal_handler_disconnect (self->project, self->changed_id);
  self->changed_id = 0;
  g_clear_object (&self->project);
  g_clear_pointer (&self->models, g_ptr_array_unref);
  g_clear_pointer (&self->job_model, g_free);
  g_clear_pointer (&self->curve, g_array_unref);
  /* AdwBin owns its child: no gtk_widget_dispose_template. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  G_OBJECT_CLASS (ax_models_page_parent_class)->dispose (object);
}

static void
ax_models_page_class_init (AxModelsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ax_models_page_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/auspex/Auspex/ui/ax-models-page.ui");
  gtk_widget_class_bind_template_child (widget_class, AxModelsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, AxModelsPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, AxModelsPage, type_filter);
  gtk_widget_class_bind_template_child (widget_class, AxModelsPage, state_filter);
  gtk_widget_class_bind_template_child (widget_class, AxModelsPage, metric_filter);
  gtk_widget_class_bind_template_child (widget_class, AxModelsPage, model_list);
  gtk_widget_class_bind_template_child (widget_class, AxModelsPage, no_match_label);
  gtk_widget_class_bind_template_child (widget_class, AxModelsPage, title_label);
  gtk_widget_class_bind_template_child (widget_class, AxModelsPage, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, AxModelsPage, active_switch);
  gtk_widget_class_bind_template_child (widget_class, AxModelsPage, train_button);
  gtk_widget_class_bind_template_child (widget_class, AxModelsPage, training_revealer);
  gtk_widget_class_bind_template_child (widget_class, AxModelsPage, training_label);
  gtk_widget_class_bind_template_child (widget_class, AxModelsPage, training_bar);
  gtk_widget_class_bind_template_child (widget_class, AxModelsPage, eta_label);
  gtk_widget_class_bind_template_child (widget_class, AxModelsPage, curve_box);
  gtk_widget_class_bind_template_child (widget_class, AxModelsPage, detail_stack);
  gtk_widget_class_bind_template_child (widget_class, AxModelsPage, overview_box);
  gtk_widget_class_bind_template_child (widget_class, AxModelsPage, evaluation_box);
  gtk_widget_class_bind_template_child (widget_class, AxModelsPage, versions_box);
  gtk_widget_class_bind_template_child (widget_class, AxModelsPage, retraining_box);
  gtk_widget_class_bind_template_child (widget_class, AxModelsPage, header_box);
  gtk_widget_class_bind_template_child (widget_class, AxModelsPage, detail_switcher);
  gtk_widget_class_install_action (widget_class, "models.new", NULL, new_activated);
  gtk_widget_class_install_action (widget_class, "models.edit", NULL, edit_activated);
  gtk_widget_class_install_action (widget_class, "models.train", NULL, train_activated);
  gtk_widget_class_install_action (widget_class, "models.cancel", NULL, cancel_activated);
  gtk_widget_class_install_action (widget_class, "models.delete", NULL, delete_activated);
  gtk_widget_class_install_action (widget_class, "models.rollback", "u", rollback_activated);
}

static void
ax_models_page_init (AxModelsPage *self)
{
  g_autoptr(GtkStringList) types = gtk_string_list_new (NULL);

  gtk_widget_init_template (GTK_WIDGET (self));
  self->curve = g_array_new (FALSE, FALSE, sizeof (AxCurvePoint));
  gtk_string_list_append (types, _("Any type"));
  for (guint t = 0; t < AX_N_MODEL_TYPES; t++)
    gtk_string_list_append (types, ax_model_type_label (t));
  gtk_drop_down_set_model (self->type_filter, G_LIST_MODEL (types));

  self->curve_chart = GTK_WIDGET (ax_line_chart_new ());
  gtk_widget_set_hexpand (self->curve_chart, TRUE);
  ax_chart_set_title (AX_CHART (self->curve_chart), _("Validation curve"));
  ax_line_chart_set_integer_x (AX_LINE_CHART (self->curve_chart), TRUE);
  ax_chart_set_axis_titles (AX_CHART (self->curve_chart), _("Tree or round"),
                            _("Score (R², or log loss for classes)"));
  ax_chart_set_empty_text (AX_CHART (self->curve_chart), _("The score appears after the first tree or round"));
  gtk_box_append (self->curve_box, self->curve_chart);

  gtk_list_box_set_filter_func (self->model_list, filter_row, self, NULL);
  g_signal_connect_swapped (self->model_list, "row-selected", G_CALLBACK (on_row_selected), self);
  g_signal_connect_swapped (self->search_entry, "search-changed", G_CALLBACK (on_filter_changed), self);
  g_signal_connect_swapped (self->type_filter, "notify::selected", G_CALLBACK (on_filter_changed), self);
  g_signal_connect_swapped (self->state_filter, "notify::selected", G_CALLBACK (on_filter_changed), self);
  g_signal_connect_swapped (self->metric_filter, "notify::selected", G_CALLBACK (on_filter_changed), self);
  g_signal_connect_swapped (self->active_switch, "notify::active", G_CALLBACK (on_active_changed), self);
  update_actions (self);
}
