/* ax-window.c — a project window
 *
 * Shows the welcome page until a project is open, then the project's
 * views.  Project-level actions (win.import, win.save-as,
 * win.close-project) live here; the views own theirs.
 */

#include "ax-config.h"
#include "ax-window.h"
#include "ax-app-util.h"
#include "ax-anomalies-page.h"
#include "ax-dashboard-page.h"
#include "ax-data-view.h"
#include "ax-import-dialog.h"
#include "ax-models-page.h"
#include "ax-predictions-page.h"

#include <glib/gi18n.h>
#include <string.h>

#define MIME_TYPE "application/x-auspex"

struct _AxWindow {
  AdwApplicationWindow  parent_instance;

  AdwToastOverlay      *toast_overlay;
  AdwViewSwitcherTitle *switcher_title;
  GtkStack             *main_stack;
  AdwViewStack         *view_stack;
  GtkWidget            *recent_box;
  GtkListBox           *recent_list;
  GtkWidget            *import_button;
  AxDataView           *data_view;
  AxDashboardPage      *dashboard_page;
  AxModelsPage         *models_page;
  AxPredictionsPage    *predictions_page;
  AxAnomaliesPage      *anomalies_page;

  AxProject            *project;
  GtkFileChooserNative *chooser;
};

G_DEFINE_FINAL_TYPE (AxWindow, ax_window, ADW_TYPE_APPLICATION_WINDOW)

static GSettings *
settings (AxWindow *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  return AX_IS_APPLICATION (app) ? ax_application_get_settings (AX_APPLICATION (app)) : NULL;
}

void
ax_window_toast (AxWindow   *self,
                 const char *message)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
}

AdwToastOverlay *
ax_window_get_toast_overlay (AxWindow *self)
{
  return self->toast_overlay;
}

GtkWidget *
ax_window_get_data_view (AxWindow *self)
{
  return GTK_WIDGET (self->data_view);
}

GtkWidget *
ax_window_get_page (AxWindow   *self,
                    const char *name)
{
  return adw_view_stack_get_child_by_name (self->view_stack, name);
}

void
ax_window_show_page (AxWindow   *self,
                     const char *name)
{
  g_return_if_fail (AX_IS_WINDOW (self));

  if (self->project && adw_view_stack_get_child_by_name (self->view_stack, name))
    adw_view_stack_set_visible_child_name (self->view_stack, name);
}

static void
show_error (AxWindow   *self,
            const char *heading,
            const char *message)
{
  ax_widget_show_error (GTK_WIDGET (self), heading, message);
}

/* Recent projects. */

/* Most recently used first. */
static int
compare_recent (gconstpointer a,
                gconstpointer b)
{
  return g_date_time_compare (gtk_recent_info_get_modified ((GtkRecentInfo *) b),
                              gtk_recent_info_get_modified ((GtkRecentInfo *) a));
}

static void
refill_recent (AxWindow *self)
{
  GtkRecentManager *manager = gtk_recent_manager_get_default ();
  GList *items = gtk_recent_manager_get_items (manager);
  GtkWidget *child;
  guint n = 0;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->recent_list))))
    gtk_list_box_remove (self->recent_list, child);

  items = g_list_sort (items, compare_recent);
  for (GList *l = items; l && n < 8; l = l->next)
    {
      GtkRecentInfo *info = l->data;
      g_autofree char *path = NULL;
      g_autofree char *dir = NULL;
      g_autofree char *title = NULL;
      GtkWidget *row;

      if (g_strcmp0 (gtk_recent_info_get_mime_type (info), MIME_TYPE) != 0 &&
          !g_str_has_suffix (gtk_recent_info_get_uri (info), ".auspex"))
        continue;
      path = g_filename_from_uri (gtk_recent_info_get_uri (info), NULL, NULL);
      if (path == NULL || !g_file_test (path, G_FILE_TEST_IS_REGULAR))
        continue;
      dir = g_path_get_dirname (path);
      title = g_path_get_basename (path);
      if (g_str_has_suffix (title, ".auspex"))
        title[strlen (title) - strlen (".auspex")] = '\0';

      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), dir);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
      g_object_set_data_full (G_OBJECT (row), "path", g_steal_pointer (&path), g_free);
      gtk_list_box_append (self->recent_list, row);
      n++;
    }
  g_list_free_full (items, (GDestroyNotify) gtk_recent_info_unref);
  gtk_widget_set_visible (self->recent_box, n > 0);
}

static void
recent_row_activated (GtkListBox    *box,
                      GtkListBoxRow *row,
                      AxWindow      *self)
{
  const char *path = g_object_get_data (G_OBJECT (row), "path");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  ax_application_open_project (AX_APPLICATION (app), file);
}

static void
remember (AxProject *project)
{
  g_autofree char *uri = g_filename_to_uri (ax_project_get_path (project), NULL, NULL);
  GtkRecentData data = {
    .mime_type = (char *) MIME_TYPE,
    .app_name = (char *) "Auspex",
    .app_exec = (char *) "auspex %u",
  };

  if (uri)
    gtk_recent_manager_add_full (gtk_recent_manager_get_default (), uri, &data);
}

/* The project. */

static void
update_title (AxWindow *self)
{
  if (self->project)
    {
      g_autofree char *title = ax_project_dup_title (self->project);
      g_autofree char *dir = g_path_get_dirname (ax_project_get_path (self->project));
      g_autofree char *home = NULL;

      /* ~/Documents reads better than /home/ada/Documents. */
      if (g_str_has_prefix (dir, g_get_home_dir ()))
        home = g_strconcat ("~", dir + strlen (g_get_home_dir ()), NULL);
      adw_view_switcher_title_set_title (self->switcher_title, title);
      adw_view_switcher_title_set_subtitle (self->switcher_title, home ? home : dir);
      gtk_window_set_title (GTK_WINDOW (self), title);
    }
  else
    {
      adw_view_switcher_title_set_title (self->switcher_title, "Auspex");
      adw_view_switcher_title_set_subtitle (self->switcher_title, NULL);
      gtk_window_set_title (GTK_WINDOW (self), "Auspex");
    }
}

static void
set_project (AxWindow  *self,
             AxProject *project)
{
  if (self->project)
    g_signal_handlers_disconnect_by_data (self->project, self);
  g_set_object (&self->project, project);
  ax_data_view_set_project (self->data_view, project);
  ax_dashboard_page_set_project (self->dashboard_page, project);
  ax_models_page_set_project (self->models_page, project);
  ax_predictions_page_set_project (self->predictions_page, project);
  ax_anomalies_page_set_project (self->anomalies_page, project);
  adw_view_switcher_title_set_view_switcher_enabled (self->switcher_title, project != NULL);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.import", project != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.save-as", project != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.close-project", project != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.find", project != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.show-page", project != NULL);
  gtk_widget_set_visible (self->import_button, project != NULL);

  if (project)
    {
      g_signal_connect_swapped (project, "notify::path", G_CALLBACK (update_title), self);
      remember (project);
      adw_view_stack_set_visible_child_name (self->view_stack, "dashboard");
      gtk_stack_set_visible_child_name (self->main_stack, "project");
    }
  else
    {
      refill_recent (self);
      gtk_stack_set_visible_child_name (self->main_stack, "welcome");
    }
  update_title (self);
}

AxProject *
ax_window_get_project (AxWindow *self)
{
  return self->project;
}

static void
open_project_at (AxWindow *self,
                 GFile    *file)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_file_get_path (file);
  g_autoptr(AxProject) project = NULL;

  if (path == NULL)
    {
      show_error (self, _("Could Not Open Project"), _("Only projects on this computer's file system can be opened."));
      return;
    }
  project = ax_project_open (path, &error);
  if (project == NULL)
    {
      show_error (self, _("Could Not Open Project"), error->message);
      return;
    }
  set_project (self, project);
}

static void
show_imported (AxWindow *self)
{
  adw_view_stack_set_visible_child_name (self->view_stack, "data");
}

static void
import_file (AxWindow *self,
             GFile    *file)
{
  AxImportDialog *dialog;

  if (self->project == NULL)
    {
      ax_window_toast (self, _("Create or open a project first, then import the file into it"));
      return;
    }
  dialog = ax_import_dialog_new (GTK_WINDOW (self), self->project, file);
  g_signal_connect_object (dialog, "imported", G_CALLBACK (ax_data_view_dataset_imported),
                           self->data_view, G_CONNECT_SWAPPED);
  g_signal_connect_object (dialog, "imported", G_CALLBACK (show_imported), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

void
ax_window_open_file (AxWindow *self,
                     GFile    *file)
{
  g_autofree char *name = g_file_get_basename (file);

  if (g_str_has_suffix (name, ".auspex"))
    open_project_at (self, file);
  else
    import_file (self, file);
}

static void
remember_folder (AxWindow *self,
                 GFile    *file)
{
  g_autoptr(GFile) parent = g_file_get_parent (file);
  GSettings *s = settings (self);

  if (s && parent && g_file_peek_path (parent))
    g_settings_set_string (s, "last-folder", g_file_peek_path (parent));
}

/* Runs a file chooser; @done gets the chosen file. */
static void
choose_file (AxWindow             *self,
             const char           *title,
             GtkFileChooserAction  action,
             const char           *accept,
             const char           *suggested_name,
             gboolean              projects_only,
             void                (*done) (AxWindow *, GFile *));

typedef void (*ChosenFunc) (AxWindow *, GFile *);

static void
chooser_response (GtkNativeDialog *dialog,
                  int              response,
                  AxWindow        *self)
{
  ChosenFunc done = g_object_get_data (G_OBJECT (dialog), "done");

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      remember_folder (self, file);
      done (self, file);
    }
  g_clear_object (&self->chooser);
}

static void
choose_file (AxWindow             *self,
             const char           *title,
             GtkFileChooserAction  action,
             const char           *accept,
             const char           *suggested_name,
             gboolean              projects_only,
             void                (*done) (AxWindow *, GFile *))
{
  GSettings *s = settings (self);
  g_autofree char *folder = s ? g_settings_get_string (s, "last-folder") : NULL;

  g_clear_object (&self->chooser);
  self->chooser = gtk_file_chooser_native_new (title, GTK_WINDOW (self), action, accept, _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  if (folder && *folder && g_file_test (folder, G_FILE_TEST_IS_DIR))
    {
      g_autoptr(GFile) dir = g_file_new_for_path (folder);
      gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (self->chooser), dir, NULL);
    }
  if (suggested_name)
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), suggested_name);
  if (projects_only)
    {
      g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
      gtk_file_filter_set_name (filter, _("Auspex Projects"));
      gtk_file_filter_add_mime_type (filter, MIME_TYPE);
      gtk_file_filter_add_suffix (filter, "auspex");
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
    }
  else if (action == GTK_FILE_CHOOSER_ACTION_OPEN)
    {
      g_autoptr(GtkFileFilter) data = ax_data_file_filter_new ();
      g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();
      gtk_file_filter_set_name (all, _("All Files"));
      gtk_file_filter_add_pattern (all, "*");
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), data);
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), all);
    }
  g_object_set_data (G_OBJECT (self->chooser), "done", done);
  g_signal_connect (self->chooser, "response", G_CALLBACK (chooser_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

void
ax_window_create_project (AxWindow *self,
                          GFile    *file)
{
  g_autofree char *path = g_file_get_path (file);
  g_autoptr(GError) error = NULL;
  g_autoptr(AxProject) project = NULL;

  if (path && !g_str_has_suffix (path, ".auspex"))
    {
      char *with = g_strconcat (path, ".auspex", NULL);
      g_free (path);
      path = with;
    }
  /* The chooser has asked about overwriting: replace means replace. */
  if (path && g_file_test (path, G_FILE_TEST_EXISTS) && g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_autoptr(GFile) old = g_file_new_for_path (path);
      if (!g_file_trash (old, NULL, NULL) && !g_file_delete (old, NULL, &error))
        {
          show_error (self, _("Could Not Create Project"), error->message);
          return;
        }
    }
  project = path ? ax_project_create (path, &error) : NULL;
  if (project == NULL)
    {
      show_error (self, _("Could Not Create Project"),
                  error ? error->message : _("Projects must be saved on this computer's file system."));
      return;
    }
  set_project (self, project);
}

void
ax_window_new_project (AxWindow *self)
{
  choose_file (self, _("New Project"), GTK_FILE_CHOOSER_ACTION_SAVE, _("C_reate"),
               _("Untitled.auspex"), TRUE, ax_window_create_project);
}

void
ax_window_choose_project (AxWindow *self)
{
  choose_file (self, _("Open Project"), GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), NULL, TRUE, open_project_at);
}

static void
save_as_chosen (AxWindow *self,
                GFile    *file)
{
  g_autofree char *path = g_file_get_path (file);
  g_autoptr(GError) error = NULL;

  if (path && !g_str_has_suffix (path, ".auspex"))
    {
      char *with = g_strconcat (path, ".auspex", NULL);
      g_free (path);
      path = with;
    }
  if (path == NULL || !ax_project_save_as (self->project, path, &error))
    {
      show_error (self, _("Could Not Save Project"),
                  error ? error->message : _("Projects must be saved on this computer's file system."));
      return;
    }
  remember (self->project);
  ax_window_toast (self, _("Project saved"));
}

static void
import_activated (GtkWidget  *widget,
                  const char *action,
                  GVariant   *param)
{
  choose_file (AX_WINDOW (widget), _("Import Data"), GTK_FILE_CHOOSER_ACTION_OPEN, _("_Import"),
               NULL, FALSE, import_file);
}

static void
save_as_activated (GtkWidget  *widget,
                   const char *action,
                   GVariant   *param)
{
  AxWindow *self = AX_WINDOW (widget);
  g_autofree char *title = ax_project_dup_title (self->project);
  g_autofree char *name = g_strdup_printf (_("%s copy.auspex"), title);

  choose_file (self, _("Save Project As"), GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), name, TRUE, save_as_chosen);
}

static void
close_project_activated (GtkWidget  *widget,
                         const char *action,
                         GVariant   *param)
{
  set_project (AX_WINDOW (widget), NULL);
}

static void
new_window_activated (GtkWidget  *widget,
                      const char *action,
                      GVariant   *param)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (widget));
  gtk_window_present (GTK_WINDOW (ax_window_new (AX_APPLICATION (app))));
}

static void
find_activated (GtkWidget  *widget,
                const char *action,
                GVariant   *param)
{
  AxWindow *self = AX_WINDOW (widget);

  adw_view_stack_set_visible_child_name (self->view_stack, "data");
  ax_data_view_focus_filter (self->data_view);
}

static void
show_page_activated (GtkWidget  *widget,
                     const char *action,
                     GVariant   *param)
{
  ax_window_show_page (AX_WINDOW (widget), g_variant_get_string (param, NULL));
}

/* Drag and drop: a project opens, anything else is imported. */
static gboolean
on_drop (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         AxWindow      *self)
{
  GSList *files;

  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;
  files = g_value_get_boxed (value);
  for (GSList *l = files; l; l = l->next)
    {
      g_autofree char *name = g_file_get_basename (l->data);
      if (g_str_has_suffix (name, ".auspex"))
        ax_application_open_project (AX_APPLICATION (gtk_window_get_application (GTK_WINDOW (self))), l->data);
      else
        import_file (self, l->data);
    }
  return files != NULL;
}

static gboolean
ax_window_close_request (GtkWindow *window)
{
  AxWindow *self = AX_WINDOW (window);
  GSettings *s = settings (self);

  /* Deletions waiting for their undo toast happen now. */
  ax_data_view_flush (self->data_view);
  if (s)
    {
      int width, height;
      gtk_window_get_default_size (window, &width, &height);
      g_settings_set_int (s, "window-width", width);
      g_settings_set_int (s, "window-height", height);
      g_settings_set_boolean (s, "window-maximized", gtk_window_is_maximized (window));
    }
  return GTK_WINDOW_CLASS (ax_window_parent_class)->close_request (window);
}

static void
ax_window_dispose (GObject *object)
{
  AxWindow *self = AX_WINDOW (object);

  if (self->project)
    g_signal_handlers_disconnect_by_data (self->project, self);
  g_clear_object (&self->project);
  g_clear_object (&self->chooser);
  G_OBJECT_CLASS (ax_window_parent_class)->dispose (object);
}

static void
ax_window_class_init (AxWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ax_window_dispose;
  GTK_WINDOW_CLASS (klass)->close_request = ax_window_close_request;

  g_type_ensure (AX_TYPE_DATA_VIEW);
  g_type_ensure (AX_TYPE_DASHBOARD_PAGE);
  g_type_ensure (AX_TYPE_MODELS_PAGE);
  g_type_ensure (AX_TYPE_PREDICTIONS_PAGE);
  g_type_ensure (AX_TYPE_ANOMALIES_PAGE);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/auspex/Auspex/ui/ax-window.ui");
  gtk_widget_class_bind_template_child (widget_class, AxWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, AxWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, AxWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, AxWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, AxWindow, recent_box);
  gtk_widget_class_bind_template_child (widget_class, AxWindow, recent_list);
  gtk_widget_class_bind_template_child (widget_class, AxWindow, data_view);
  gtk_widget_class_bind_template_child (widget_class, AxWindow, dashboard_page);
  gtk_widget_class_bind_template_child (widget_class, AxWindow, models_page);
  gtk_widget_class_bind_template_child (widget_class, AxWindow, predictions_page);
  gtk_widget_class_bind_template_child (widget_class, AxWindow, anomalies_page);
  gtk_widget_class_bind_template_child (widget_class, AxWindow, import_button);
  gtk_widget_class_bind_template_callback (widget_class, recent_row_activated);

  gtk_widget_class_install_action (widget_class, "win.import", NULL, import_activated);
  gtk_widget_class_install_action (widget_class, "win.save-as", NULL, save_as_activated);
  gtk_widget_class_install_action (widget_class, "win.close-project", NULL, close_project_activated);
  gtk_widget_class_install_action (widget_class, "win.new-window", NULL, new_window_activated);
  gtk_widget_class_install_action (widget_class, "win.find", NULL, find_activated);
  gtk_widget_class_install_action (widget_class, "win.show-page", "s", show_page_activated);
}

static void
ax_window_init (AxWindow *self)
{
  GtkDropTarget *drop;

  gtk_widget_init_template (GTK_WIDGET (self));

  drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (on_drop), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));
}

AxWindow *
ax_window_new (AxApplication *app)
{
  AxWindow *self = g_object_new (AX_TYPE_WINDOW, "application", app, NULL);
  GSettings *s = ax_application_get_settings (app);

  if (s)
    {
      gtk_window_set_default_size (GTK_WINDOW (self),
                                   g_settings_get_int (s, "window-width"),
                                   g_settings_get_int (s, "window-height"));
      if (g_settings_get_boolean (s, "window-maximized"))
        gtk_window_maximize (GTK_WINDOW (self));
    }
  set_project (self, NULL);
  return self;
}
