/* ax-import-dialog.h — choosing how a file is read, then importing it */
#pragma once

#include <adwaita.h>
#include "ax-project.h"

G_BEGIN_DECLS

#define AX_TYPE_IMPORT_DIALOG (ax_import_dialog_get_type ())
G_DECLARE_FINAL_TYPE (AxImportDialog, ax_import_dialog, AX, IMPORT_DIALOG, AdwWindow)

/* A modal dialog, transient for @parent, that previews @file with the
 * reading options the person picks (format, sheet, header row, rows to
 * skip, column types) and imports it into @project as a dataset when they
 * press Import.  The import runs as an AxJob while the dialog shows its
 * progress and can cancel it; an error leaves the dialog open on its
 * options so they can be changed and the import tried again.
 *
 * Once the import has committed, the dialog calls ax_project_changed(),
 * emits "imported" (dataset name, rows imported, rows skipped) and closes
 * itself.  Call gtk_window_present() to show it. */
AxImportDialog *ax_import_dialog_new (GtkWindow *parent,
                                      AxProject *project,
                                      GFile     *file);

G_END_DECLS
