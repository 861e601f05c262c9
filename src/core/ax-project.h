/* ax-project.h — an open project, as the front ends see it
 *
 * Holds the path and a connection for short reads on the thread that
 * opened it (the main thread in the app), and announces changes with the
 * "changed" signal so views redraw from the store rather than keeping state
 * of their own.  Long work (import, export) runs as an AxJob with its own
 * connection; call ax_project_changed() when it ends.
 */
#pragma once

#include <gio/gio.h>
#include "ax-store-datasets.h"
#include "ax-import.h"
#include "ax-job.h"

G_BEGIN_DECLS

#define AX_TYPE_PROJECT (ax_project_get_type ())
G_DECLARE_FINAL_TYPE (AxProject, ax_project, AX, PROJECT, GObject)

AxProject  *ax_project_create          (const char    *path,
                                        GError       **error);
AxProject  *ax_project_open            (const char    *path,
                                        GError       **error);
const char *ax_project_get_path        (AxProject     *self);
/* The file name without ".auspex", for window titles. */
char       *ax_project_dup_title       (AxProject     *self);
AxStore    *ax_project_get_store       (AxProject     *self);

/* Emits "changed"; views reload what they show. */
void        ax_project_changed         (AxProject     *self);

/* The models this window is training now, by name, so that every view can
 * say so; each change emits "training-changed". */
void        ax_project_training_started (AxProject    *self,
                                         const char   *model_name);
void        ax_project_training_ended  (AxProject     *self,
                                        const char    *model_name);
gboolean    ax_project_is_training     (AxProject     *self,
                                        const char    *model_name);
/* The names, in the order training started (NULL-terminated, owned by
 * the project: valid until the next change). */
const char *const *ax_project_get_training (AxProject *self);

GPtrArray  *ax_project_list_datasets   (AxProject     *self,
                                        GError       **error);
gboolean    ax_project_rename_dataset  (AxProject     *self,
                                        gint64         id,
                                        const char    *name,
                                        GError       **error);
gboolean    ax_project_delete_dataset  (AxProject     *self,
                                        gint64         id,
                                        GError       **error);

/* Copies the project to @path and goes on working there ("Save As"). */
gboolean    ax_project_save_as         (AxProject     *self,
                                        const char    *path,
                                        GError       **error);

/* A job importing @file with @options (copied); its data is the
 * AxImportResult, valid once the job has finished. */
AxJob      *ax_project_import_job      (AxProject              *self,
                                        GFile                  *file,
                                        const AxImportOptions  *options);
AxImportResult *ax_project_import_job_get_result (AxJob *job);

/* A job writing dataset @name to @dest as CSV. */
AxJob      *ax_project_export_job      (AxProject     *self,
                                        const char    *name,
                                        GFile         *dest);

G_END_DECLS
