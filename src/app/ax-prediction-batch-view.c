/* ax-prediction-batch-view.c — predicting a dataset or a file, with progress, a table and export
 *
 * The batch runs as a job (ax_prediction_batch_job_new()); its results
 * stay in the job's AxPredictionBatch, which the table reads cell by cell
 * through a list model of row numbers, so a large batch costs one string
 * per cell and no widget per row that is not shown.
 */

#include "ax-config.h"
#include "ax-app-util.h"
#include "ax-prediction-batch-view.h"

#include <glib/gi18n.h>
#include <math.h>

#include "ax-export.h"
#include "ax-prediction-format.h"
#include "ax-predictions.h"
#include "ax-window.h"

/* A row number, as the table's items */

#define AX_TYPE_BATCH_ROW (ax_batch_row_get_type ())
G_DECLARE_FINAL_TYPE (AxBatchRow, ax_batch_row, AX, BATCH_ROW, GObject)

struct _AxBatchRow {
  GObject parent_instance;
  guint   row;
};

G_DEFINE_FINAL_TYPE (AxBatchRow, ax_batch_row, G_TYPE_OBJECT)

static void ax_batch_row_class_init (AxBatchRowClass *klass) { }
static void ax_batch_row_init (AxBatchRow *self) { }

/* Rows 0 .. n-1, made when asked for */

#define AX_TYPE_BATCH_ROWS (ax_batch_rows_get_type ())
G_DECLARE_FINAL_TYPE (AxBatchRows, ax_batch_rows, AX, BATCH_ROWS, GObject)

struct _AxBatchRows {
  GObject parent_instance;
  guint   n;
};

static GType
ax_batch_rows_get_item_type (GListModel *model)
{
  return AX_TYPE_BATCH_ROW;
}

static guint
ax_batch_rows_get_n_items (GListModel *model)
{
  return AX_BATCH_ROWS (model)->n;
}

static gpointer
ax_batch_rows_get_item (GListModel *model,
                        guint       position)
{
  AxBatchRow *row;

  if (position >= AX_BATCH_ROWS (model)->n)
    return NULL;
  row = g_object_new (AX_TYPE_BATCH_ROW, NULL);
  row->row = position;
  return row;
}

static void
ax_batch_rows_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = ax_batch_rows_get_item_type;
  iface->get_n_items = ax_batch_rows_get_n_items;
  iface->get_item = ax_batch_rows_get_item;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (AxBatchRows, ax_batch_rows, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, ax_batch_rows_list_model_init))

static void ax_batch_rows_class_init (AxBatchRowsClass *klass) { }
static void ax_batch_rows_init (AxBatchRows *self) { }

/* The view */

struct _AxPredictionBatchView {
  AdwBin          parent_instance;

  AxProject      *project;
  gint64          model_id;
  guint           version;
  AxJob          *job;          /* running */
  AxJob          *done;         /* the last batch: owns its results */
  GtkStringList  *datasets;
  GtkFileChooserNative *chooser;

  AdwComboRow    *dataset_row;
  GtkWidget      *progress_box;
  GtkProgressBar *progress_bar;
  GtkLabel       *progress_label;
  GtkStack       *results_stack;
  GtkLabel       *summary_label;
  GtkColumnView  *table;
};

G_DEFINE_FINAL_TYPE (AxPredictionBatchView, ax_prediction_batch_view, ADW_TYPE_BIN)

static AxPredictionBatch *
results (AxPredictionBatchView *self)
{
  return self->done ? ax_prediction_batch_job_get_result (self->done) : NULL;
}

static void
update_actions (AxPredictionBatchView *self)
{
  gboolean idle = self->job == NULL && self->model_id != 0 && self->project != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "batch.predict-dataset",
                                 idle && g_list_model_get_n_items (G_LIST_MODEL (self->datasets)) > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "batch.predict-file", idle);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "batch.cancel", self->job != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "batch.export", results (self) != NULL);
}

/* The table */

static void
setup_cell (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  data)
{
  GtkWidget *label = gtk_inscription_new (NULL);
  gboolean numeric = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (factory), "numeric"));

  gtk_inscription_set_min_chars (GTK_INSCRIPTION (label), 6);
  gtk_inscription_set_nat_chars (GTK_INSCRIPTION (label), 10);
  if (numeric)
    {
      gtk_inscription_set_xalign (GTK_INSCRIPTION (label), 1);
      gtk_widget_add_css_class (label, "numeric");
    }
  gtk_list_item_set_child (item, label);
}

static void
bind_cell (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           AxPredictionBatchView    *self)
{
  AxPredictionBatch *batch = results (self);
  AxBatchRow *row = gtk_list_item_get_item (item);
  guint col = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (factory), "column"));
  const char *text = NULL;

  g_autofree char *shown = NULL;

  if (batch && row && row->row < batch->n_rows && col < batch->n_columns)
    text = batch->cells[(gsize) row->row * batch->n_columns + col];
  /* The file keeps every digit; the table shows what a reader needs. */
  if (text && col >= batch->n_inputs)
    {
      char *end = NULL;
      double v = g_ascii_strtod (text, &end);
      if (end != text && *end == '\0')
        shown = g_str_equal (batch->names[col], "confidence") || g_str_has_prefix (batch->names[col], "probability_")
                ? ax_prediction_format_percent (v) : ax_prediction_format_number (v);
    }
  gtk_inscription_set_text (GTK_INSCRIPTION (gtk_list_item_get_child (item)), shown ? shown : text ? text : "");
}

static const char *
column_title (const char *name)
{
  if (g_str_equal (name, "prediction"))
    return _("Prediction");
  if (g_str_equal (name, "lower_bound"))
    return _("Lower");
  if (g_str_equal (name, "upper_bound"))
    return _("Upper");
  if (g_str_equal (name, "confidence"))
    return _("Confidence");
  return name;
}

/* Numbers are right-aligned, the inputs' as the predictions': every
 * column the prediction adds but a classification's predicted class. */
static gboolean
column_is_numeric (const AxPredictionBatch *batch,
                   guint                    c)
{
  if (c < batch->n_inputs)
    return ax_column_type_is_numeric (batch->input_types[c]);
  return !(c == batch->n_inputs && batch->result.task == AX_TASK_CLASSIFICATION);
}

static void
show_results (AxPredictionBatchView *self)
{
  AxPredictionBatch *batch = results (self);
  GListModel *columns = gtk_column_view_get_columns (self->table);
  g_autoptr(AxBatchRows) rows = g_object_new (AX_TYPE_BATCH_ROWS, NULL);
  g_autoptr(GtkNoSelection) selection = NULL;
  g_autofree char *summary = NULL;

  while (g_list_model_get_n_items (columns) > 0)
    {
      g_autoptr(GtkColumnViewColumn) c = g_list_model_get_item (columns, 0);
      gtk_column_view_remove_column (self->table, c);
    }
  if (batch == NULL)
    {
      gtk_column_view_set_model (self->table, NULL);
      gtk_stack_set_visible_child_name (self->results_stack, "none");
      return;
    }
  for (guint c = 0; c < batch->n_columns; c++)
    {
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      g_autoptr(GtkColumnViewColumn) column = NULL;

      g_object_set_data (G_OBJECT (factory), "column", GUINT_TO_POINTER (c));
      g_object_set_data (G_OBJECT (factory), "numeric", GINT_TO_POINTER (column_is_numeric (batch, c)));
      g_signal_connect (factory, "setup", G_CALLBACK (setup_cell), NULL);
      g_signal_connect (factory, "bind", G_CALLBACK (bind_cell), self);
      column = gtk_column_view_column_new (column_title (batch->names[c]), factory);
      gtk_column_view_column_set_resizable (column, TRUE);
      gtk_column_view_append_column (self->table, column);
    }
  rows->n = batch->n_rows;
  selection = gtk_no_selection_new (G_LIST_MODEL (g_steal_pointer (&rows)));
  gtk_column_view_set_model (self->table, GTK_SELECTION_MODEL (selection));
  summary = g_strdup_printf (g_dngettext (NULL, "%u prediction with %s version %u",
                                          "%u predictions with %s version %u", batch->n_rows),
                             batch->n_rows, batch->result.model_name, batch->result.version);
  gtk_label_set_text (self->summary_label, summary);
  gtk_stack_set_visible_child_name (self->results_stack, "table");
}

/* Running */

static void
on_progress (AxJob                 *job,
             GParamSpec            *pspec,
             AxPredictionBatchView *self)
{
  double fraction = ax_job_get_fraction (job);
  double eta = ax_job_get_eta (job);
  const char *detail = ax_job_get_detail (job);
  g_autofree char *text = NULL;

  if (fraction < 0)
    gtk_progress_bar_pulse (self->progress_bar);
  else
    gtk_progress_bar_set_fraction (self->progress_bar, fraction);
  if (eta >= 0)
    text = g_strdup_printf (_("%s · about %.0f s left"), detail ? detail : _("Predicting"), ceil (eta));
  gtk_label_set_text (self->progress_label, text ? text : detail ? detail : _("Predicting"));
}

static void
on_batch_done (GObject      *source,
               GAsyncResult *res,
               gpointer      user_data)
{
  g_autoptr(AxPredictionBatchView) self = user_data;
  AxJob *job = AX_JOB (source);
  g_autoptr(GError) error = NULL;
  gboolean ok = ax_job_run_finish (job, res, &error);

  g_signal_handlers_disconnect_by_data (job, self);
  if (self->job != job)
    return;
  gtk_widget_set_visible (self->progress_box, FALSE);
  if (ok)
    {
      g_set_object (&self->done, job);
      show_results (self);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    ax_widget_toast (GTK_WIDGET (self), _("Batch cancelled; nothing was recorded"));
  else
    ax_widget_show_error (GTK_WIDGET (self), _("Could Not Predict"), error->message);
  g_clear_object (&self->job);
  update_actions (self);
  if (ok && self->project)
    ax_project_changed (self->project);
}

static void
start (AxPredictionBatchView *self,
       const char            *dataset,
       GFile                 *file)
{
  g_autofree char *ref = NULL;

  if (self->job || self->project == NULL || self->model_id == 0)
    return;
  ref = ax_predictions_model_ref (self->model_id, self->version);
  self->job = ax_prediction_batch_job_new (ax_project_get_path (self->project), ref, dataset, file);
  g_signal_connect (self->job, "notify::fraction", G_CALLBACK (on_progress), self);
  g_signal_connect (self->job, "notify::detail", G_CALLBACK (on_progress), self);
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_label_set_text (self->progress_label, _("Predicting"));
  gtk_widget_set_visible (self->progress_box, TRUE);
  update_actions (self);
  ax_job_run_async (self->job, on_batch_done, g_object_ref (self));
}

void
ax_prediction_batch_view_run_dataset (AxPredictionBatchView *self,
                                      const char            *name)
{
  g_return_if_fail (AX_IS_PREDICTION_BATCH_VIEW (self));
  start (self, name, NULL);
}

void
ax_prediction_batch_view_run_file (AxPredictionBatchView *self,
                                   GFile                 *file)
{
  g_return_if_fail (AX_IS_PREDICTION_BATCH_VIEW (self));
  start (self, NULL, file);
}

static void
predict_dataset_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  AxPredictionBatchView *self = AX_PREDICTION_BATCH_VIEW (widget);
  GtkStringObject *item = adw_combo_row_get_selected_item (self->dataset_row);

  if (item)
    start (self, gtk_string_object_get_string (item), NULL);
}

static void
on_open_response (GtkNativeDialog       *chooser,
                  int                    response,
                  AxPredictionBatchView *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      start (self, NULL, file);
    }
  g_clear_object (&self->chooser);
}

static void
predict_file_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  AxPredictionBatchView *self = AX_PREDICTION_BATCH_VIEW (widget);
  g_autoptr(GtkFileFilter) filter = ax_data_file_filter_new ();

  g_clear_object (&self->chooser);
  self->chooser = gtk_file_chooser_native_new (_("Predict a File"), ax_widget_get_window (widget),
                                               GTK_FILE_CHOOSER_ACTION_OPEN, _("_Predict"), NULL);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_open_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  AxPredictionBatchView *self = AX_PREDICTION_BATCH_VIEW (widget);

  if (self->job)
    ax_job_cancel (self->job);
}

/* Export */

static void
on_copied (GObject      *source,
           GAsyncResult *res,
           gpointer      user_data)
{
  g_autoptr(AxPredictionBatchView) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_file_copy_finish (G_FILE (source), res, &error))
    {
      g_autofree char *message = g_strdup_printf (_("Could not save the predictions: %s"), error->message);
      ax_widget_toast (GTK_WIDGET (self), message);
      return;
    }
  ax_widget_toast (GTK_WIDGET (self), _("Predictions saved"));
}

void
ax_prediction_batch_view_export (AxPredictionBatchView *self,
                                 GFile                 *dest)
{
  AxPredictionBatch *batch = results (self);

  g_return_if_fail (AX_IS_PREDICTION_BATCH_VIEW (self));
  if (batch == NULL || batch->output == NULL)
    return;
  if (self->project && ax_export_is_project_file (ax_project_get_path (self->project), dest))
    {
      ax_widget_toast (GTK_WIDGET (self), _("Will not write over the project itself; choose another file"));
      return;
    }
  g_file_copy_async (batch->output, dest, G_FILE_COPY_OVERWRITE, G_PRIORITY_DEFAULT,
                     NULL, NULL, NULL, on_copied, g_object_ref (self));
}

static void
on_save_response (GtkNativeDialog       *chooser,
                  int                    response,
                  AxPredictionBatchView *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      ax_prediction_batch_view_export (self, file);
    }
  g_clear_object (&self->chooser);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  AxPredictionBatchView *self = AX_PREDICTION_BATCH_VIEW (widget);
  AxPredictionBatch *batch = results (self);
  g_autofree char *name = NULL;

  if (batch == NULL)
    return;
  name = g_strdup_printf (_("%s predictions.csv"), batch->result.model_name);
  g_clear_object (&self->chooser);
  self->chooser = gtk_file_chooser_native_new (_("Export Predictions"), ax_widget_get_window (widget),
                                               GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), NULL);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_save_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/* Public */

void
ax_prediction_batch_view_set_project (AxPredictionBatchView *self,
                                      AxProject             *project)
{
  g_autoptr(GPtrArray) datasets = NULL;
  g_autofree char *chosen = NULL;
  GtkStringObject *item;
  guint n_old;

  g_return_if_fail (AX_IS_PREDICTION_BATCH_VIEW (self));
  if (self->project != project)
    {
      g_clear_object (&self->done);
      show_results (self);
    }
  g_set_object (&self->project, project);
  item = adw_combo_row_get_selected_item (self->dataset_row);
  chosen = item ? g_strdup (gtk_string_object_get_string (item)) : NULL;
  n_old = g_list_model_get_n_items (G_LIST_MODEL (self->datasets));
  datasets = project ? ax_project_list_datasets (project, NULL) : NULL;
  {
    g_autoptr(GPtrArray) names = g_ptr_array_new ();
    guint selected = 0;
    for (guint i = 0; datasets && i < datasets->len; i++)
      {
        AxDatasetInfo *info = g_ptr_array_index (datasets, i);
        if (chosen && g_str_equal (info->name, chosen))
          selected = i;
        g_ptr_array_add (names, info->name);
      }
    g_ptr_array_add (names, NULL);
    gtk_string_list_splice (self->datasets, 0, n_old, (const char * const *) names->pdata);
    if (names->len > 1)
      adw_combo_row_set_selected (self->dataset_row, selected);
  }
  update_actions (self);
}

void
ax_prediction_batch_view_set_model (AxPredictionBatchView *self,
                                    AxProject             *project,
                                    gint64                 model_id,
                                    guint                  version)
{
  g_return_if_fail (AX_IS_PREDICTION_BATCH_VIEW (self));
  if (self->project != project)
    ax_prediction_batch_view_set_project (self, project);
  self->model_id = model_id;
  self->version = version;
  update_actions (self);
}

gboolean
ax_prediction_batch_view_is_busy (AxPredictionBatchView *self)
{
  return self->job != NULL;
}

guint
ax_prediction_batch_view_get_n_rows (AxPredictionBatchView *self)
{
  AxPredictionBatch *batch = results (self);
  return batch ? batch->n_rows : 0;
}

GtkColumnView *
ax_prediction_batch_view_get_table (AxPredictionBatchView *self)
{
  return self->table;
}

const char *
ax_prediction_batch_view_get_cell (AxPredictionBatchView *self,
                                   guint                  row,
                                   const char            *column)
{
  AxPredictionBatch *batch = results (self);

  for (guint c = 0; batch && row < batch->n_rows && c < batch->n_columns; c++)
    if (g_str_equal (batch->names[c], column))
      return batch->cells[(gsize) row * batch->n_columns + c];
  return NULL;
}

static void
ax_prediction_batch_view_dispose (GObject *object)
{
  AxPredictionBatchView *self = AX_PREDICTION_BATCH_VIEW (object);

  if (self->job)
    {
      g_signal_handlers_disconnect_by_data (self->job, self);
      ax_job_cancel (self->job);
    }
  g_clear_object (&self->job);
  if (self->table)
    gtk_column_view_set_model (self->table, NULL);
  g_clear_object (&self->done);
  g_clear_object (&self->chooser);
  g_clear_object (&self->project);
  g_clear_object (&self->datasets);
  adw_bin_set_child (ADW_BIN (self), NULL);
  G_OBJECT_CLASS (ax_prediction_batch_view_parent_class)->dispose (object);
}

static void
ax_prediction_batch_view_class_init (AxPredictionBatchViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ax_prediction_batch_view_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/auspex/Auspex/ui/ax-prediction-batch-view.ui");
  gtk_widget_class_bind_template_child (widget_class, AxPredictionBatchView, dataset_row);
  gtk_widget_class_bind_template_child (widget_class, AxPredictionBatchView, progress_box);
  gtk_widget_class_bind_template_child (widget_class, AxPredictionBatchView, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, AxPredictionBatchView, progress_label);
  gtk_widget_class_bind_template_child (widget_class, AxPredictionBatchView, results_stack);
  gtk_widget_class_bind_template_child (widget_class, AxPredictionBatchView, summary_label);
  gtk_widget_class_bind_template_child (widget_class, AxPredictionBatchView, table);
  gtk_widget_class_install_action (widget_class, "batch.predict-dataset", NULL, predict_dataset_action);
  gtk_widget_class_install_action (widget_class, "batch.predict-file", NULL, predict_file_action);
  gtk_widget_class_install_action (widget_class, "batch.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "batch.export", NULL, export_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "batch.cancel", NULL);
}

static void
ax_prediction_batch_view_init (AxPredictionBatchView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->datasets = gtk_string_list_new (NULL);
  adw_combo_row_set_model (self->dataset_row, G_LIST_MODEL (self->datasets));
  update_actions (self);
}
