/* ax-data-view.c — the Data view: the project's datasets and their rows
 *
 * A sidebar of datasets; for the selected one a strip of column summaries
 * (type and statistics) over a GtkColumnView whose model pages rows from
 * the project on demand (AxRowModel).  Sorting and filtering run as SQL in
 * a worker thread and hand the view an ordered list of row numbers.
 */

#include "ax-config.h"
#include "ax-app-util.h"
#include "ax-data-view.h"
#include "ax-column-summary.h"
#include "ax-dataset-object.h"
#include "ax-row-model.h"
#include "ax-window.h"

#include <glib/gi18n.h>

#define COLUMN_WIDTH 172

struct _AxDataView {
  AdwBin               parent_instance;

  GtkStack            *stack;
  GtkListView         *sidebar;
  GtkLabel            *title_label;
  GtkLabel            *subtitle_label;
  GtkSearchEntry      *filter_entry;
  GtkScrolledWindow   *summary_scroller;
  GtkScrolledWindow   *table_scroller;
  GtkBox              *summary_strip;
  GtkColumnView       *table;
  GtkSpinner          *busy_spinner;
  GtkLabel            *status_label;

  AxProject           *project;
  GListStore          *datasets;
  GtkSingleSelection  *selection;
  AxRowModel          *rows;
  GCancellable        *query;

  int                  sort_column;
  gboolean             sort_descending;
  int                  probe_hit;
  AxRow               *probe_a;
  AxRow               *probe_b;

  gint64               pending_delete;
  AdwToast            *delete_toast;
  GtkFileChooserNative *chooser;
};

G_DEFINE_FINAL_TYPE (AxDataView, ax_data_view, ADW_TYPE_BIN)

static void run_query (AxDataView *self);
static void filter_changed (AxDataView *self);

static const AxDatasetInfo *
current_info (AxDataView *self)
{
  AxDatasetObject *item = gtk_single_selection_get_selected_item (self->selection);
  return item ? ax_dataset_object_get_info (item) : NULL;
}

static void
update_status (AxDataView *self)
{
  const AxDatasetInfo *info = current_info (self);
  const char *filter = gtk_editable_get_text (GTK_EDITABLE (self->filter_entry));
  g_autofree char *text = NULL;
  g_autofree char *total = NULL;
  guint shown;

  if (info == NULL || self->rows == NULL)
    {
      gtk_label_set_label (self->status_label, "");
      return;
    }
  shown = g_list_model_get_n_items (G_LIST_MODEL (self->rows));
  total = g_strdup_printf ("%'" G_GINT64_FORMAT, info->n_rows);
  if (filter[0])
    text = g_strdup_printf (_("%'u of %s rows contain “%s”"), shown, total, filter);
  else
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s row", "%s rows", (gulong) info->n_rows), total);
  gtk_label_set_label (self->status_label, text);
}

/* Cells. */

static void
cell_setup (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  data)
{
  GtkWidget *cell = gtk_inscription_new (NULL);

  gtk_inscription_set_xalign (GTK_INSCRIPTION (cell), GPOINTER_TO_INT (data) ? 1.0 : 0.0);
  gtk_inscription_set_text_overflow (GTK_INSCRIPTION (cell), GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);
  gtk_list_item_set_child (item, cell);
}

static void
cell_bind (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  data)
{
  GtkWidget *cell = gtk_list_item_get_child (item);
  guint col = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (factory), "column"));
  const char *text = ax_row_get_text (gtk_list_item_get_item (item), col);

  /* A missing value reads as a dimmed dash, never as an empty string. */
  gtk_inscription_set_text (GTK_INSCRIPTION (cell), text ? text : "—");
  if (text)
    gtk_widget_remove_css_class (cell, "dim-label");
  else
    gtk_widget_add_css_class (cell, "dim-label");
}

/* Sorting.  GTK 4.8 cannot tell which column a GtkColumnView sorts by
 * (gtk_column_view_sorter_get_primary_sort_column is 4.10), so each column
 * gets a sorter that records its index when asked to compare two probe
 * rows: the first column asked is the primary one, and the sign of the
 * answer gives the direction. */

typedef struct {
  AxDataView *view;
  int         column;
} Probe;

static int
probe_compare (gconstpointer a,
               gconstpointer b,
               gpointer      data)
{
  Probe *probe = data;

  if (probe->view->probe_hit < 0)
    probe->view->probe_hit = probe->column;
  return GTK_ORDERING_SMALLER;
}

static void
sorter_changed (GtkSorter       *sorter,
                GtkSorterChange  change,
                AxDataView      *self)
{
  GtkOrdering order;

  self->probe_hit = -1;
  order = gtk_sorter_compare (sorter, self->probe_a, self->probe_b);
  self->sort_column = self->probe_hit;
  self->sort_descending = order == GTK_ORDERING_LARGER;
  run_query (self);
}

/* Columns. */

static void
summary_width_changed (GtkColumnViewColumn *column,
                       GParamSpec          *pspec,
                       GtkWidget           *summary)
{
  gtk_widget_set_size_request (summary, gtk_column_view_column_get_fixed_width (column), -1);
}

static void
clear_columns (AxDataView *self)
{
  GListModel *columns = gtk_column_view_get_columns (self->table);
  GtkWidget *child;

  while (g_list_model_get_n_items (columns) > 0)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, 0);
      gtk_column_view_remove_column (self->table, column);
    }
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->summary_strip))))
    gtk_box_remove (self->summary_strip, child);
}

static void
show_dataset (AxDataView *self)
{
  const AxDatasetInfo *info = current_info (self);
  g_autoptr(GtkNoSelection) model = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *source = NULL;
  g_autofree char *rows = NULL;

  g_cancellable_cancel (self->query);
  g_clear_object (&self->query);
  gtk_column_view_set_model (self->table, NULL);
  clear_columns (self);
  g_clear_object (&self->rows);
  self->sort_column = -1;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "data.rename", info != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "data.export", info != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "data.delete", info != NULL);
  if (info == NULL)
    {
      gtk_label_set_label (self->title_label, "");
      gtk_label_set_label (self->subtitle_label, "");
      update_status (self);
      return;
    }

  source = g_path_get_basename (info->source);
  rows = g_strdup_printf ("%'" G_GINT64_FORMAT, info->n_rows);
  /* Translators: "53,940 rows · 10 columns · from diamonds.csv" */
  subtitle = g_strdup_printf (_("%s rows · %u columns · from %s"), rows, info->n_columns, source);
  gtk_label_set_label (self->title_label, info->name);
  gtk_label_set_label (self->subtitle_label, subtitle);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->subtitle_label), info->source);

  for (guint c = 0; c < info->n_columns; c++)
    {
      const AxDatasetColumn *col = &info->columns[c];
      gboolean numeric = ax_column_type_is_numeric (col->type);
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      g_autoptr(GtkColumnViewColumn) column = NULL;
      Probe *probe = g_new0 (Probe, 1);
      GtkSorter *sorter;
      GtkWidget *summary;

      g_object_set_data (G_OBJECT (factory), "column", GUINT_TO_POINTER (c));
      g_signal_connect (factory, "setup", G_CALLBACK (cell_setup), GINT_TO_POINTER (numeric));
      g_signal_connect (factory, "bind", G_CALLBACK (cell_bind), NULL);
      column = gtk_column_view_column_new (col->name, factory);
      probe->view = self;
      probe->column = (int) c;
      sorter = GTK_SORTER (gtk_custom_sorter_new (probe_compare, probe, g_free));
      gtk_column_view_column_set_sorter (column, sorter);
      g_object_unref (sorter);
      gtk_column_view_column_set_resizable (column, TRUE);
      gtk_column_view_column_set_fixed_width (column, COLUMN_WIDTH);
      gtk_column_view_append_column (self->table, column);

      summary = ax_column_summary_new (col, info->n_rows);
      gtk_widget_set_size_request (summary, COLUMN_WIDTH, -1);
      gtk_widget_add_css_class (summary, "column-summary");
      gtk_box_append (self->summary_strip, summary);
      g_signal_connect_object (column, "notify::fixed-width", G_CALLBACK (summary_width_changed), summary, 0);
    }

  self->rows = ax_row_model_new (ax_project_get_store (self->project), info);
  model = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->rows)));
  gtk_column_view_set_model (self->table, GTK_SELECTION_MODEL (model));

  g_signal_handlers_block_by_func (self->filter_entry, filter_changed, self);
  gtk_editable_set_text (GTK_EDITABLE (self->filter_entry), "");
  g_signal_handlers_unblock_by_func (self->filter_entry, filter_changed, self);
  update_status (self);
}

/* Sort and filter queries, in a thread with a connection of their own. */

typedef struct {
  char          *path;
  AxDatasetInfo *info;
  char          *filter;
  int            column;
  gboolean       descending;
} Query;

static void
query_free (Query *q)
{
  g_free (q->path);
  g_free (q->filter);
  g_free (q);
}

static void
query_thread (GTask        *task,
              gpointer      source,
              gpointer      data,
              GCancellable *cancellable)
{
  Query *q = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(AxStore) store = ax_store_open (q->path, &error);
  GArray *order;

  if (store == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  order = ax_store_query_rows (store, q->info, q->filter, q->column, q->descending, cancellable, &error);
  if (order == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, order, (GDestroyNotify) g_array_unref);
}

static void
query_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  GArray *order = g_task_propagate_pointer (G_TASK (result), &error);
  AxDataView *self;

  if (order == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = AX_DATA_VIEW (source);
  gtk_spinner_stop (self->busy_spinner);
  gtk_widget_set_visible (GTK_WIDGET (self->busy_spinner), FALSE);
  if (order == NULL)
    {
      ax_widget_toast (GTK_WIDGET (self), error->message);
      return;
    }
  if (self->rows)
    ax_row_model_set_order (self->rows, order);
  else
    g_array_unref (order);
  update_status (self);
}

static void
run_query (AxDataView *self)
{
  const AxDatasetInfo *info = current_info (self);
  const char *filter = gtk_editable_get_text (GTK_EDITABLE (self->filter_entry));
  g_autoptr(GTask) task = NULL;
  Query *q;

  g_cancellable_cancel (self->query);
  g_clear_object (&self->query);
  if (info == NULL || self->rows == NULL)
    return;
  if (filter[0] == '\0' && self->sort_column < 0)
    {
      gtk_spinner_stop (self->busy_spinner);
  gtk_widget_set_visible (GTK_WIDGET (self->busy_spinner), FALSE);
      ax_row_model_set_order (self->rows, NULL);
      update_status (self);
      return;
    }

  q = g_new0 (Query, 1);
  q->path = g_strdup (ax_project_get_path (self->project));
  q->info = (AxDatasetInfo *) ax_row_model_get_info (self->rows);
  q->filter = g_strdup (filter);
  q->column = self->sort_column;
  q->descending = self->sort_descending;
  self->query = g_cancellable_new ();
  task = g_task_new (self, self->query, query_done, NULL);
  /* The model (and so q->info) outlives the query: the view cancels a
   * query before it drops the model. */
  g_task_set_task_data (task, q, (GDestroyNotify) query_free);
  gtk_spinner_start (self->busy_spinner);
  gtk_widget_set_visible (GTK_WIDGET (self->busy_spinner), TRUE);
  gtk_label_set_label (self->status_label, filter[0] ? _("Filtering…") : _("Sorting…"));
  g_task_run_in_thread (task, query_thread);
}

static void
filter_changed (AxDataView *self)
{
  run_query (self);
}

/* The dataset list. */

static void
reload (AxDataView *self,
        gint64      select_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  guint select = GTK_INVALID_LIST_POSITION;

  if (self->project == NULL)
    {
      g_list_store_remove_all (self->datasets);
      return;
    }
  list = ax_project_list_datasets (self->project, &error);
  if (list == NULL)
    {
      ax_widget_toast (GTK_WIDGET (self), error->message);
      return;
    }
  g_signal_handlers_block_by_func (self->selection, show_dataset, self);
  g_list_store_remove_all (self->datasets);
  for (guint i = 0; i < list->len; i++)
    {
      AxDatasetInfo *info = g_ptr_array_index (list, i);
      g_autoptr(AxDatasetObject) item = NULL;

      if (info->id == self->pending_delete)
        continue;
      if (info->id == select_id)
        select = g_list_model_get_n_items (G_LIST_MODEL (self->datasets));
      g_ptr_array_index (list, i) = NULL;
      item = ax_dataset_object_new (info);
      g_list_store_append (self->datasets, item);
    }
  if (select == GTK_INVALID_LIST_POSITION && g_list_model_get_n_items (G_LIST_MODEL (self->datasets)) > 0)
    select = 0;
  gtk_single_selection_set_selected (self->selection, select);
  g_signal_handlers_unblock_by_func (self->selection, show_dataset, self);

  gtk_stack_set_visible_child_name (self->stack,
                                    g_list_model_get_n_items (G_LIST_MODEL (self->datasets)) ? "data" : "empty");
  show_dataset (self);
}

static gint64
current_id (AxDataView *self)
{
  const AxDatasetInfo *info = current_info (self);
  return info ? info->id : 0;
}

static void
reload_current (GtkWidget *widget)
{
  AxDataView *self = AX_DATA_VIEW (widget);

  reload (self, current_id (self));
}

/* Behind another view, the list is read again when it is shown. */
static void
project_changed (AxDataView *self)
{
  ax_widget_reload_when_shown (GTK_WIDGET (self), reload_current);
}

void
ax_data_view_set_project (AxDataView *self,
                          AxProject  *project)
{
  ax_data_view_flush (self);
  if (self->project)
    g_signal_handlers_disconnect_by_data (self->project, self);
  g_set_object (&self->project, project);
  if (project)
    g_signal_connect_swapped (project, "changed", G_CALLBACK (project_changed), self);
  reload (self, 0);
}

gboolean
ax_data_view_select (AxDataView *self,
                     const char *name)
{
  guint n;

  ax_widget_reload_pending (GTK_WIDGET (self));
  n = g_list_model_get_n_items (G_LIST_MODEL (self->datasets));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(AxDatasetObject) item = g_list_model_get_item (G_LIST_MODEL (self->datasets), i);
      if (g_strcmp0 (ax_dataset_object_get_info (item)->name, name) == 0)
        {
          gtk_single_selection_set_selected (self->selection, i);
          return TRUE;
        }
    }
  return FALSE;
}

void
ax_data_view_dataset_imported (AxDataView *self,
                               const char *name,
                               gint64      n_rows,
                               gint64      n_skipped)
{
  g_autofree char *message = NULL;

  reload (self, 0);
  ax_data_view_select (self, name);
  if (n_skipped > 0)
    message = g_strdup_printf (_("Imported “%s”: %'" G_GINT64_FORMAT " rows, %'" G_GINT64_FORMAT " skipped"),
                               name, n_rows, n_skipped);
  else
    message = g_strdup_printf (_("Imported “%s”: %'" G_GINT64_FORMAT " rows"), name, n_rows);
  ax_widget_toast (GTK_WIDGET (self), message);
}

void
ax_data_view_focus_filter (AxDataView *self)
{
  if (current_info (self))
    gtk_widget_grab_focus (GTK_WIDGET (self->filter_entry));
}

GtkColumnView *
ax_data_view_get_table (AxDataView *self)
{
  return self->table;
}

const char *
ax_data_view_get_dataset_name (AxDataView *self)
{
  const AxDatasetInfo *info = current_info (self);
  return info ? info->name : NULL;
}

/* Delete, with undo. */

void
ax_data_view_flush (AxDataView *self)
{
  g_autoptr(GError) error = NULL;
  gint64 id = self->pending_delete;

  if (id == 0 || self->project == NULL)
    return;
  self->pending_delete = 0;
  if (self->delete_toast)
    {
      g_signal_handlers_disconnect_by_data (self->delete_toast, self);
      adw_toast_dismiss (self->delete_toast);
      g_clear_object (&self->delete_toast);
    }
  if (!ax_project_delete_dataset (self->project, id, &error))
    ax_widget_toast (GTK_WIDGET (self), error->message);
}

static void
delete_toast_dismissed (AdwToast   *t,
                        AxDataView *self)
{
  g_clear_object (&self->delete_toast);
  ax_data_view_flush (self);
}

static void
delete_activated (GtkWidget  *widget,
                  const char *action,
                  GVariant   *param)
{
  AxDataView *self = AX_DATA_VIEW (widget);
  const AxDatasetInfo *info = current_info (self);
  g_autofree char *title = NULL;
  GtkRoot *root = gtk_widget_get_root (widget);

  if (info == NULL)
    return;
  /* One pending deletion at a time: an earlier one is carried out now. */
  ax_data_view_flush (self);
  self->pending_delete = info->id;
  title = g_strdup_printf (_("“%s” deleted"), info->name);
  reload (self, 0);

  self->delete_toast = adw_toast_new (title);
  g_object_ref (self->delete_toast);
  adw_toast_set_button_label (self->delete_toast, _("_Undo"));
  adw_toast_set_action_name (self->delete_toast, "data.undo-delete");
  adw_toast_set_timeout (self->delete_toast, 8);
  g_signal_connect (self->delete_toast, "dismissed", G_CALLBACK (delete_toast_dismissed), self);
  if (AX_IS_WINDOW (root))
    adw_toast_overlay_add_toast (ax_window_get_toast_overlay (AX_WINDOW (root)), g_object_ref (self->delete_toast));
  else
    ax_data_view_flush (self);
}

static void
undo_delete_activated (GtkWidget  *widget,
                       const char *action,
                       GVariant   *param)
{
  AxDataView *self = AX_DATA_VIEW (widget);
  gint64 id = self->pending_delete;

  self->pending_delete = 0;
  if (self->delete_toast)
    g_signal_handlers_disconnect_by_data (self->delete_toast, self);
  g_clear_object (&self->delete_toast);
  reload (self, id);
}

/* Rename. */

static void
rename_response (AdwMessageDialog *dialog,
                 const char       *response,
                 AxDataView       *self)
{
  GtkEditable *entry = g_object_get_data (G_OBJECT (dialog), "entry");
  gint64 id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (dialog), "id"));
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (response, "rename") != 0 || self->project == NULL)
    return;
  if (!ax_project_rename_dataset (self->project, id, gtk_editable_get_text (entry), &error))
    ax_widget_toast (GTK_WIDGET (self), error->message);
}

static void
rename_entry_changed (GtkEditable      *entry,
                      AdwMessageDialog *dialog)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (entry)));
  adw_message_dialog_set_response_enabled (dialog, "rename", text[0] != '\0');
}

static void
rename_activated (GtkWidget  *widget,
                  const char *action,
                  GVariant   *param)
{
  AxDataView *self = AX_DATA_VIEW (widget);
  const AxDatasetInfo *info = current_info (self);
  GtkWidget *dialog, *entry;

  if (info == NULL)
    return;
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), _("Rename Dataset"), NULL);
  entry = gtk_entry_new ();
  gtk_editable_set_text (GTK_EDITABLE (entry), info->name);
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "rename", _("_Rename"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "rename", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "rename");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "entry", entry);
  g_object_set_data (G_OBJECT (dialog), "id", GSIZE_TO_POINTER (info->id));
  g_signal_connect (entry, "changed", G_CALLBACK (rename_entry_changed), dialog);
  g_signal_connect_object (dialog, "response", G_CALLBACK (rename_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (entry);
}

/* Export. */

static void
export_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(AxDataView) self = user_data;
  g_autoptr(GError) error = NULL;
  GFile *dest = g_object_get_data (source, "dest");

  if (!ax_job_run_finish (AX_JOB (source), result, &error))
    ax_widget_toast (GTK_WIDGET (self), error->message);
  else
    {
      g_autofree char *base = g_file_get_basename (dest);
      g_autofree char *message = g_strdup_printf (_("Exported to “%s”"), base);
      ax_widget_toast (GTK_WIDGET (self), message);
    }
  g_object_unref (source);
}

static void
export_response (GtkNativeDialog *chooser,
                 int              response,
                 AxDataView      *self)
{
  const AxDatasetInfo *info = current_info (self);

  if (response == GTK_RESPONSE_ACCEPT && info && self->project)
    {
      g_autoptr(GFile) dest = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      AxJob *job = ax_project_export_job (self->project, info->name, dest);
      g_object_set_data_full (G_OBJECT (job), "dest", g_object_ref (dest), g_object_unref);
      ax_job_run_async (job, export_done, g_object_ref (self));
    }
  g_clear_object (&self->chooser);
}

static void
export_activated (GtkWidget  *widget,
                  const char *action,
                  GVariant   *param)
{
  AxDataView *self = AX_DATA_VIEW (widget);
  const AxDatasetInfo *info = current_info (self);
  g_autofree char *name = NULL;

  if (info == NULL)
    return;
  name = g_strdup_printf ("%s.csv", info->name);
  g_clear_object (&self->chooser);
  self->chooser = gtk_file_chooser_native_new (_("Export Dataset as CSV"),
                                               GTK_WINDOW (gtk_widget_get_root (widget)),
                                               GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
  g_signal_connect (self->chooser, "response", G_CALLBACK (export_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
ax_data_view_dispose (GObject *object)
{
  AxDataView *self = AX_DATA_VIEW (object);

  ax_data_view_flush (self);
  g_cancellable_cancel (self->query);
  g_clear_object (&self->query);
  if (self->project)
    g_signal_handlers_disconnect_by_data (self->project, self);
  if (self->delete_toast)
    g_signal_handlers_disconnect_by_data (self->delete_toast, self);
  if (self->selection)
    g_signal_handlers_disconnect_by_data (self->selection, self);

  /* The widgets go first: they hold the models below.  (AdwBin owns its
   * child, so no gtk_widget_dispose_template: it would unparent it twice.) */
  adw_bin_set_child (ADW_BIN (self), NULL);

  g_clear_object (&self->delete_toast);
  g_clear_object (&self->rows);
  g_clear_object (&self->chooser);
  g_clear_object (&self->probe_a);
  g_clear_object (&self->probe_b);
  g_clear_object (&self->selection);
  g_clear_object (&self->datasets);
  g_clear_object (&self->project);
  G_OBJECT_CLASS (ax_data_view_parent_class)->dispose (object);
}

static void
ax_data_view_class_init (AxDataViewClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = ax_data_view_dispose;
  g_type_ensure (AX_TYPE_DATASET_OBJECT);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/auspex/Auspex/ui/ax-data-view.ui");
  gtk_widget_class_bind_template_child (widget_class, AxDataView, stack);
  gtk_widget_class_bind_template_child (widget_class, AxDataView, sidebar);
  gtk_widget_class_bind_template_child (widget_class, AxDataView, title_label);
  gtk_widget_class_bind_template_child (widget_class, AxDataView, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, AxDataView, filter_entry);
  gtk_widget_class_bind_template_child (widget_class, AxDataView, summary_scroller);
  gtk_widget_class_bind_template_child (widget_class, AxDataView, table_scroller);
  gtk_widget_class_bind_template_child (widget_class, AxDataView, summary_strip);
  gtk_widget_class_bind_template_child (widget_class, AxDataView, table);
  gtk_widget_class_bind_template_child (widget_class, AxDataView, busy_spinner);
  gtk_widget_class_bind_template_child (widget_class, AxDataView, status_label);
  gtk_widget_class_bind_template_callback (widget_class, filter_changed);

  gtk_widget_class_install_action (widget_class, "data.rename", NULL, rename_activated);
  gtk_widget_class_install_action (widget_class, "data.export", NULL, export_activated);
  gtk_widget_class_install_action (widget_class, "data.delete", NULL, delete_activated);
  gtk_widget_class_install_action (widget_class, "data.undo-delete", NULL, undo_delete_activated);
}

static void
ax_data_view_init (AxDataView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->sort_column = -1;
  self->datasets = g_list_store_new (AX_TYPE_DATASET_OBJECT);
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->datasets)));
  gtk_single_selection_set_autoselect (self->selection, TRUE);
  gtk_list_view_set_model (self->sidebar, GTK_SELECTION_MODEL (self->selection));
  g_signal_connect_swapped (self->selection, "notify::selected", G_CALLBACK (show_dataset), self);

  self->probe_a = g_object_new (AX_TYPE_ROW, NULL);
  self->probe_b = g_object_new (AX_TYPE_ROW, NULL);
  g_signal_connect (gtk_column_view_get_sorter (self->table), "changed", G_CALLBACK (sorter_changed), self);

  /* The summary strip scrolls sideways with the table. */
  gtk_scrolled_window_set_hadjustment (self->summary_scroller,
                                       gtk_scrolled_window_get_hadjustment (self->table_scroller));
}
