/* ax-application.h — the Auspex application: windows, app actions, files */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define AX_TYPE_APPLICATION (ax_application_get_type ())
G_DECLARE_FINAL_TYPE (AxApplication, ax_application, AX, APPLICATION, AdwApplication)

AxApplication *ax_application_new          (GApplicationFlags  extra_flags);

/* Opens the project at @file in a window: the active window when it shows
 * no project yet, else a new one.  Errors appear in that window. */
void           ax_application_open_project (AxApplication     *self,
                                            GFile             *file);

/* GSettings for window state and recent choices, or NULL when the schema
 * is not installed (running from a build tree without it). */
GSettings     *ax_application_get_settings (AxApplication     *self);

G_END_DECLS
