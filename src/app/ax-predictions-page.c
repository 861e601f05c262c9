/* ax-predictions-page.c — Predictions page: single and batch predictions, and their history
 *
 * The page chooses the model (and version) that single and batch
 * predictions use, and switches between its three views.  Everything it
 * shows is read from the store again when the project changes; the
 * views keep what the analyst typed as long as the model they work with
 * stays the same.
 */

#include "ax-config.h"
#include "ax-app-util.h"
#include "ax-predictions-page.h"

#include <glib/gi18n.h>
#include "ax-store-models.h"

struct _AxPredictionsPage {
  AdwBin                 parent_instance;

  AxProject             *project;
  gulong                 changed_id;
  GArray                *model_ids;     /* gint64, parallel to model_drop's strings */
  GArray                *versions;      /* guint, parallel to version_drop's (0: active) */
  gint64                 model_id;      /* the selection shown */
  guint                  version;
  guint                  active_version;
  gboolean               filling;       /* drop-downs being refilled: ignore their changes */

  GtkStack              *outer;
  GtkDropDown           *model_drop;
  GtkDropDown           *version_drop;
  AdwViewStack          *views;
  AxPredictionSingle    *single;
  AxPredictionBatchView *batch;
  AxPredictionHistory   *history;
};

G_DEFINE_FINAL_TYPE (AxPredictionsPage, ax_predictions_page, ADW_TYPE_BIN)

/* The models that have a version, ordered by name. */
static GPtrArray *
list_trained_models (AxPredictionsPage *self)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *models = ax_store_list_models (ax_project_get_store (self->project), &error);

  if (models == NULL)
    {
      g_warning ("Could not list the models: %s", error->message);
      return g_ptr_array_new ();
    }
  for (guint i = models->len; i-- > 0;)
    if (((AxModelInfo *) g_ptr_array_index (models, i))->n_versions == 0)
      g_ptr_array_remove_index (models, i);
  return models;
}

/* Tells the views which model and version to work with. */
static void
apply_selection (AxPredictionsPage *self)
{
  guint resolved = self->version ? self->version : self->active_version;

  ax_prediction_single_set_model (self->single, self->project, self->model_id, self->version, resolved);
  ax_prediction_batch_view_set_model (self->batch, self->project, self->model_id, self->version);
}

static void
fill_versions (AxPredictionsPage *self,
               AxModelInfo       *info)
{
  g_autofree char *active = g_strdup_printf (_("Active (version %u)"), info->active_version);

  ax_version_drop_fill (self->version_drop, self->versions, self->project, info->id, active,
                        &self->version);
}

static void
reload (AxPredictionsPage *self)
{
  g_autoptr(GPtrArray) models = NULL;
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  AxModelInfo *chosen = NULL;
  guint selected = 0;
  gint64 before = self->model_id;

  if (self->project == NULL)
    return;
  models = list_trained_models (self);
  gtk_stack_set_visible_child_name (self->outer, models->len ? "main" : "empty");
  ax_prediction_history_set_project (self->history, self->project);
  ax_prediction_batch_view_set_project (self->batch, self->project);
  if (models->len == 0)
    {
      self->model_id = 0;
      return;
    }

  self->filling = TRUE;
  g_array_set_size (self->model_ids, 0);
  for (guint i = 0; i < models->len; i++)
    {
      AxModelInfo *info = g_ptr_array_index (models, i);
      gtk_string_list_append (names, info->name);
      g_array_append_val (self->model_ids, info->id);
      if (info->id == self->model_id)
        selected = i;
    }
  chosen = g_ptr_array_index (models, selected);
  if (chosen->id != self->model_id)
    self->version = 0;
  self->model_id = chosen->id;
  self->active_version = chosen->active_version;
  gtk_drop_down_set_model (self->model_drop, G_LIST_MODEL (names));
  gtk_drop_down_set_selected (self->model_drop, selected);
  fill_versions (self, chosen);
  self->filling = FALSE;
  apply_selection (self);
  /* The history follows the model chosen here; its own filter can then
   * widen to every model. */
  if (self->model_id != before)
    ax_prediction_history_set_filter_model (self->history, self->model_id);
}

static void
on_project_changed (AxProject         *project,
                    AxPredictionsPage *self)
{
  ax_widget_reload_when_shown (GTK_WIDGET (self), (AxReloadFunc) reload);
}

static void
on_model_selected (AxPredictionsPage *self)
{
  guint i = gtk_drop_down_get_selected (self->model_drop);

  if (self->filling || i == GTK_INVALID_LIST_POSITION || i >= self->model_ids->len)
    return;
  if (g_array_index (self->model_ids, gint64, i) == self->model_id)
    return;
  self->model_id = g_array_index (self->model_ids, gint64, i);
  self->version = 0;
  ax_prediction_history_set_filter_model (self->history, self->model_id);
  reload (self);
}

static void
on_version_selected (AxPredictionsPage *self)
{
  guint i = gtk_drop_down_get_selected (self->version_drop);

  if (self->filling || i == GTK_INVALID_LIST_POSITION || i >= self->versions->len)
    return;
  self->version = g_array_index (self->versions, guint, i);
  apply_selection (self);
}

void
ax_predictions_page_set_project (AxPredictionsPage *self,
                                 AxProject *project)
{
  g_return_if_fail (AX_IS_PREDICTIONS_PAGE (self));

  if (self->project == project)
    return;
  g_clear_signal_handler (&self->changed_id, self->project);
  g_set_object (&self->project, project);
  self->model_id = 0;
  self->version = 0;
  if (project == NULL)
    {
      ax_prediction_history_set_project (self->history, NULL);
      ax_prediction_batch_view_set_project (self->batch, NULL);
      ax_prediction_single_set_model (self->single, NULL, 0, 0, 0);
      gtk_stack_set_visible_child_name (self->outer, "empty");
      return;
    }
  self->changed_id = g_signal_connect (project, "changed", G_CALLBACK (on_project_changed), self);
  reload (self);
}

gboolean
ax_predictions_page_select_model (AxPredictionsPage *self,
                                  gint64             model_id,
                                  guint              version)
{
  g_return_val_if_fail (AX_IS_PREDICTIONS_PAGE (self), FALSE);

  for (guint i = 0; i < self->model_ids->len; i++)
    if (g_array_index (self->model_ids, gint64, i) == model_id)
      {
        self->model_id = model_id;
        self->version = version;
        ax_prediction_history_set_filter_model (self->history, model_id);
        reload (self);
        return TRUE;
      }
  return FALSE;
}

void
ax_predictions_page_show (AxPredictionsPage *self,
                          const char        *view)
{
  adw_view_stack_set_visible_child_name (self->views, view);
}

AxPredictionSingle *
ax_predictions_page_get_single (AxPredictionsPage *self)
{
  return self->single;
}

AxPredictionBatchView *
ax_predictions_page_get_batch (AxPredictionsPage *self)
{
  return self->batch;
}

AxPredictionHistory *
ax_predictions_page_get_history (AxPredictionsPage *self)
{
  return self->history;
}

static void
ax_predictions_page_dispose (GObject *object)
{
  AxPredictionsPage *self = AX_PREDICTIONS_PAGE (object);

  g_clear_signal_handler (&self->changed_id, self->project);
  g_clear_object (&self->project);
  /* AdwBin owns its child: no gtk_widget_dispose_template. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  G_OBJECT_CLASS (ax_predictions_page_parent_class)->dispose (object);
}

static void
ax_predictions_page_finalize (GObject *object)
{
  AxPredictionsPage *self = AX_PREDICTIONS_PAGE (object);

  g_array_unref (self->model_ids);
  g_array_unref (self->versions);
  G_OBJECT_CLASS (ax_predictions_page_parent_class)->finalize (object);
}

static void
ax_predictions_page_class_init (AxPredictionsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ax_predictions_page_dispose;
  object_class->finalize = ax_predictions_page_finalize;
  g_type_ensure (AX_TYPE_PREDICTION_SINGLE);
  g_type_ensure (AX_TYPE_PREDICTION_BATCH_VIEW);
  g_type_ensure (AX_TYPE_PREDICTION_HISTORY);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/auspex/Auspex/ui/ax-predictions-page.ui");
  gtk_widget_class_bind_template_child (widget_class, AxPredictionsPage, outer);
  gtk_widget_class_bind_template_child (widget_class, AxPredictionsPage, model_drop);
  gtk_widget_class_bind_template_child (widget_class, AxPredictionsPage, version_drop);
  gtk_widget_class_bind_template_child (widget_class, AxPredictionsPage, views);
  gtk_widget_class_bind_template_child (widget_class, AxPredictionsPage, single);
  gtk_widget_class_bind_template_child (widget_class, AxPredictionsPage, batch);
  gtk_widget_class_bind_template_child (widget_class, AxPredictionsPage, history);
}

static void
ax_predictions_page_init (AxPredictionsPage *self)
{
  self->model_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->versions = g_array_new (FALSE, FALSE, sizeof (guint));
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_swapped (self->model_drop, "notify::selected", G_CALLBACK (on_model_selected), self);
  g_signal_connect_swapped (self->version_drop, "notify::selected", G_CALLBACK (on_version_selected), self);
}
