/* ax-window.h — a project window */
#pragma once

#include <adwaita.h>
#include "ax-application.h"
#include "ax-project.h"

G_BEGIN_DECLS

#define AX_TYPE_WINDOW (ax_window_get_type ())
G_DECLARE_FINAL_TYPE (AxWindow, ax_window, AX, WINDOW, AdwApplicationWindow)

AxWindow  *ax_window_new            (AxApplication *app);
/* The project shown, or NULL on the welcome page. */
AxProject *ax_window_get_project    (AxWindow      *self);

/* Opens @file: a project replaces the welcome page; any other file is
 * offered for import into the open project. */
void       ax_window_open_file      (AxWindow      *self,
                                     GFile         *file);
/* Asks where to create a new project, then opens it. */
void       ax_window_new_project    (AxWindow      *self);
/* Creates a project at @file (".auspex" is added when missing), replacing
 * a file there, and shows it; what "New Project" does once a place is
 * chosen. */
void       ax_window_create_project (AxWindow      *self,
                                     GFile         *file);
/* Asks which project to open. */
void       ax_window_choose_project (AxWindow      *self);
/* Shows a short message at the bottom of the window. */
void       ax_window_toast          (AxWindow      *self,
                                     const char    *message);
AdwToastOverlay *ax_window_get_toast_overlay (AxWindow *self);
GtkWidget *ax_window_get_data_view  (AxWindow      *self);
/* The project's views, by name: "dashboard", "data", "models",
 * "predictions", "anomalies". */
GtkWidget *ax_window_get_page       (AxWindow      *self,
                                     const char    *name);
/* Brings view @name forward (also the action win.show-page). */
void       ax_window_show_page      (AxWindow      *self,
                                     const char    *name);

G_END_DECLS
