/* ax-application.c — the Auspex application: windows, app actions, files */

#include "ax-config.h"
#include "ax-application.h"
#include "ax-window.h"
#include "ax-anomalies-page.h"

#include <glib/gi18n.h>

#ifdef __GLIBC__
#include <malloc.h>
#endif

struct _AxApplication {
  AdwApplication  parent_instance;
  GSettings      *settings;
};

G_DEFINE_FINAL_TYPE (AxApplication, ax_application, ADW_TYPE_APPLICATION)

static AxWindow *
window_for_project (AxApplication *self)
{
  GtkWindow *active = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (AX_IS_WINDOW (active) && ax_window_get_project (AX_WINDOW (active)) == NULL)
    return AX_WINDOW (active);
  return ax_window_new (self);
}

void
ax_application_open_project (AxApplication *self,
                             GFile         *file)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));
  g_autofree char *path = g_file_get_path (file);
  AxWindow *window;

  /* A project already open is brought forward, not opened twice. */
  for (GList *l = windows; l; l = l->next)
    if (AX_IS_WINDOW (l->data))
      {
        AxProject *project = ax_window_get_project (l->data);
        if (project && g_strcmp0 (ax_project_get_path (project), path) == 0)
          {
            gtk_window_present (l->data);
            return;
          }
      }
  window = window_for_project (self);
  gtk_window_present (GTK_WINDOW (window));
  ax_window_open_file (window, file);
}

GSettings *
ax_application_get_settings (AxApplication *self)
{
  return self->settings;
}

static void
ax_application_activate (GApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    window = GTK_WINDOW (ax_window_new (AX_APPLICATION (app)));
  gtk_window_present (window);
}

static void
ax_application_open (GApplication  *app,
                     GFile        **files,
                     int            n_files,
                     const char    *hint)
{
  for (int i = 0; i < n_files; i++)
    ax_application_open_project (AX_APPLICATION (app), files[i]);
}

static void
new_project_activated (GSimpleAction *action,
                       GVariant      *param,
                       gpointer       user_data)
{
  AxWindow *window = window_for_project (AX_APPLICATION (user_data));

  gtk_window_present (GTK_WINDOW (window));
  ax_window_new_project (window);
}

static void
open_project_activated (GSimpleAction *action,
                        GVariant      *param,
                        gpointer       user_data)
{
  GtkWindow *active = gtk_application_get_active_window (GTK_APPLICATION (user_data));
  AxWindow *window = AX_IS_WINDOW (active) ? AX_WINDOW (active) : ax_window_new (AX_APPLICATION (user_data));

  gtk_window_present (GTK_WINDOW (window));
  ax_window_choose_project (window);
}

static void
about_activated (GSimpleAction *action,
                 GVariant      *param,
                 gpointer       user_data)
{
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (user_data));
  const char *developers[] = { "The Auspex developers", NULL };
  GtkWidget *about = adw_about_window_new ();

  g_object_set (about,
                "transient-for", parent,
                "application-name", "Auspex",
                "application-icon", AX_APP_ID,
                "developer-name", _("The Auspex developers"),
                "version", AX_VERSION,
                "website", "https://github.com/auspex/auspex",
                "issue-url", "https://github.com/auspex/auspex/issues",
                "license-type", GTK_LICENSE_GPL_3_0,
                "developers", developers,
                "comments", _("Predictive models, anomaly detection and data for business analysts, on your own machine."),
                NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
quit_activated (GSimpleAction *action,
                GVariant      *param,
                gpointer       user_data)
{
  g_autoptr(GList) windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (user_data)));

  /* Close each window so it saves its state and finishes pending work;
   * the application quits when the last one is gone. */
  for (GList *l = windows; l; l = l->next)
    gtk_window_close (l->data);
}

/* The default action of an anomaly's desktop notification: (project
 * path, anomaly id).  Brings the project's window forward, opening the
 * project if no window shows it, and the anomaly on its page. */
static void
show_anomaly_activated (GSimpleAction *action,
                        GVariant      *param,
                        gpointer       user_data)
{
  AxApplication *self = AX_APPLICATION (user_data);
  const char *path = NULL;
  gint64 id = 0;
  g_autoptr(GFile) file = NULL;
  GtkWindow *window = NULL;

  g_variant_get (param, "(&sx)", &path, &id);
  file = g_file_new_for_path (path);
  ax_application_open_project (self, file);
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l; l = l->next)
    if (AX_IS_WINDOW (l->data) && ax_window_get_project (l->data) &&
        g_strcmp0 (ax_project_get_path (ax_window_get_project (l->data)), path) == 0)
      window = l->data;
  if (window == NULL)
    return;
  gtk_window_present (window);
  ax_window_show_page (AX_WINDOW (window), "anomalies");
  ax_anomalies_page_show_anomaly (AX_ANOMALIES_PAGE (ax_window_get_page (AX_WINDOW (window), "anomalies")), id);
}

static const GActionEntry app_actions[] = {
  { "new", new_project_activated },
  { "open", open_project_activated },
  { "about", about_activated },
  { "quit", quit_activated },
  { "show-anomaly", show_anomaly_activated, "(sx)" },
};

/* Drawing without a GPU allocates and frees a window-sized surface for
 * every frame.  glibc would hand that memory back to the kernel each time
 * and fault it in again on the next frame (a third of a frame's time while
 * a progress bar moves); the window keeps it instead. */
static void
keep_frame_memory (void)
{
#ifdef __GLIBC__
  mallopt (M_MMAP_THRESHOLD, 32 * 1024 * 1024);
  mallopt (M_TRIM_THRESHOLD, 64 * 1024 * 1024);
#endif
}

static void
ax_application_startup (GApplication *app)
{
  AxApplication *self = AX_APPLICATION (app);
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = source ? g_settings_schema_source_lookup (source, AX_APP_ID, TRUE) : NULL;
  static const struct { const char *action; const char *accels[3]; } accels[] = {
    { "app.new", { "<Control>n", NULL } },
    { "app.open", { "<Control>o", NULL } },
    { "app.quit", { "<Control>q", NULL } },
    { "win.save-as", { "<Control><Shift>s", NULL } },
    { "win.close-project", { "<Control>w", NULL } },
    { "win.import", { "<Control>i", NULL } },
    { "win.find", { "<Control>f", NULL } },
    { "win.new-window", { "<Control><Shift>n", NULL } },
    { "win.show-page::dashboard", { "<Alt>1", NULL } },
    { "win.show-page::data", { "<Alt>2", NULL } },
    { "win.show-page::models", { "<Alt>3", NULL } },
    { "win.show-page::predictions", { "<Alt>4", NULL } },
    { "win.show-page::anomalies", { "<Alt>5", NULL } },
    { "data.rename", { "F2", NULL } },
    { "data.export", { "<Control>e", NULL } },
    { "data.delete", { "Delete", NULL } },
    { "models.new", { "<Control><Shift>m", NULL } },
    { "models.train", { "F5", "<Control>r" } },
    { "models.delete", { "Delete", NULL } },
  };

  G_APPLICATION_CLASS (ax_application_parent_class)->startup (app);
  keep_frame_memory ();

  if (schema)
    self->settings = g_settings_new (AX_APP_ID);
  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions), app);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (app), accels[i].action, accels[i].accels);
}

static void
ax_application_finalize (GObject *object)
{
  g_clear_object (&AX_APPLICATION (object)->settings);
  G_OBJECT_CLASS (ax_application_parent_class)->finalize (object);
}

static void
ax_application_class_init (AxApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = ax_application_finalize;
  app_class->activate = ax_application_activate;
  app_class->open = ax_application_open;
  app_class->startup = ax_application_startup;
}

static void
ax_application_init (AxApplication *self)
{
}

AxApplication *
ax_application_new (GApplicationFlags extra_flags)
{
  return g_object_new (AX_TYPE_APPLICATION,
                       "application-id", AX_APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN | extra_flags,
                       "resource-base-path", "/io/github/auspex/Auspex",
                       NULL);
}
