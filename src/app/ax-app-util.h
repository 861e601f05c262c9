/* ax-app-util.h — small things every view of the window needs */
#pragma once

#include <gtk/gtk.h>

#include "ax-project.h"

G_BEGIN_DECLS

/* The window @widget is in, or NULL before it is in one. */
GtkWindow     *ax_widget_get_window    (GtkWidget  *widget);
/* A short message at the bottom of @widget's project window. */
void           ax_widget_toast         (GtkWidget  *widget,
                                        const char *message);
/* A dialog over @widget's window saying what went wrong, with Close. */
void           ax_widget_show_error    (GtkWidget  *widget,
                                        const char *heading,
                                        const char *message);
/* Views read the project again when it changes.  A view behind others
 * need not: @reload (@view) runs now when @view is shown, else once, the
 * next time it is shown (however many changes came meanwhile). */
typedef void (*AxReloadFunc) (GtkWidget *view);
void           ax_widget_reload_when_shown (GtkWidget    *view,
                                            AxReloadFunc  reload);
/* Runs a reload still waiting for @view to be shown, now. */
void           ax_widget_reload_pending    (GtkWidget    *view);

/* Fills @drop with @first (standing for version 0) and "Version N" for
 * each version of model @model_id in @project (none when @model_id is 0);
 * @versions gets the version of each entry.  Selects *@version when it is
 * listed, else the first entry, setting *@version to 0. */
void           ax_version_drop_fill    (GtkDropDown *drop,
                                        GArray      *versions,
                                        AxProject   *project,
                                        gint64       model_id,
                                        const char  *first,
                                        guint       *version);

/* The files Auspex reads data from (CSV, TSV, text, JSON, NDJSON, Excel),
 * for a file chooser. */
GtkFileFilter *ax_data_file_filter_new (void);

G_END_DECLS
