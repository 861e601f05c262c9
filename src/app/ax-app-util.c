/* ax-app-util.c — small things every view of the window needs */

#include "ax-config.h"
#include "ax-app-util.h"
#include "ax-store-models.h"
#include "ax-window.h"

#include <glib/gi18n.h>

GtkWindow *
ax_widget_get_window (GtkWidget *widget)
{
  GtkRoot *root = gtk_widget_get_root (widget);

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

void
ax_widget_toast (GtkWidget  *widget,
                 const char *message)
{
  GtkRoot *root = gtk_widget_get_root (widget);

  if (AX_IS_WINDOW (root))
    ax_window_toast (AX_WINDOW (root), message);
}

void
ax_widget_show_error (GtkWidget  *widget,
                      const char *heading,
                      const char *message)
{
  GtkWidget *dialog = adw_message_dialog_new (ax_widget_get_window (widget), heading, message);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

#define PENDING_RELOAD "ax-pending-reload"
#define WATCHING_MAP   "ax-pending-reload-watch"

void
ax_widget_reload_pending (GtkWidget *view)
{
  AxReloadFunc reload = (AxReloadFunc) g_object_steal_data (G_OBJECT (view), PENDING_RELOAD);

  if (reload)
    reload (view);
}

void
ax_widget_reload_when_shown (GtkWidget    *view,
                             AxReloadFunc  reload)
{
  if (gtk_widget_get_mapped (view))
    {
      g_object_set_data (G_OBJECT (view), PENDING_RELOAD, NULL);
      reload (view);
      return;
    }
  if (g_object_get_data (G_OBJECT (view), WATCHING_MAP) == NULL)
    {
      g_signal_connect (view, "map", G_CALLBACK (ax_widget_reload_pending), NULL);
      g_object_set_data (G_OBJECT (view), WATCHING_MAP, GINT_TO_POINTER (TRUE));
    }
  g_object_set_data (G_OBJECT (view), PENDING_RELOAD, (gpointer) reload);
}

GtkFileFilter *
ax_data_file_filter_new (void)
{
  static const char *const suffixes[] = { "csv", "tsv", "tab", "txt", "json", "ndjson", "jsonl", "xlsx" };
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Data Files (CSV, TSV, JSON, NDJSON, Excel)"));
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    gtk_file_filter_add_suffix (filter, suffixes[i]);
  return filter;
}

void
ax_version_drop_fill (GtkDropDown *drop,
                      GArray      *versions,
                      AxProject   *project,
                      gint64       model_id,
                      const char  *first,
                      guint       *version)
{
  g_autoptr(GtkStringList) strings = gtk_string_list_new (NULL);
  g_autoptr(GPtrArray) list = NULL;
  guint selected = 0;

  g_array_set_size (versions, 0);
  gtk_string_list_append (strings, first);
  g_array_append_val (versions, (guint) { 0 });
  if (model_id != 0 && project != NULL)
    list = ax_store_list_model_versions (ax_project_get_store (project), model_id, NULL);
  for (guint i = 0; list != NULL && i < list->len; i++)
    {
      AxModelVersion *v = g_ptr_array_index (list, i);
      g_autofree char *label = g_strdup_printf (_("Version %u"), v->version);

      gtk_string_list_append (strings, label);
      g_array_append_val (versions, v->version);
      if (v->version == *version)
        selected = versions->len - 1;
    }
  if (selected == 0)
    *version = 0;
  gtk_drop_down_set_model (drop, G_LIST_MODEL (strings));
  gtk_drop_down_set_selected (drop, selected);
}
