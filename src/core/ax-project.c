/* ax-project.c — an open project, as the front ends see it */

#include "ax-config.h"
#include "ax-project.h"
#include "ax-export.h"

#include <glib/gi18n-lib.h>
#include <string.h>

struct _AxProject {
  GObject    parent_instance;
  AxStore   *store;
  GPtrArray *training;   /* model names, NULL-terminated */
};

enum { CHANGED, TRAINING_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

enum { PROP_0, PROP_PATH, N_PROPS };
static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (AxProject, ax_project, G_TYPE_OBJECT)

static void
ax_project_finalize (GObject *object)
{
  AxProject *self = AX_PROJECT (object);

  g_clear_pointer (&self->store, ax_store_close);
  g_clear_pointer (&self->training, g_ptr_array_unref);
  G_OBJECT_CLASS (ax_project_parent_class)->finalize (object);
}

static void
ax_project_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  AxProject *self = AX_PROJECT (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, ax_project_get_path (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ax_project_class_init (AxProjectClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ax_project_finalize;
  object_class->get_property = ax_project_get_property;

  properties[PROP_PATH] = g_param_spec_string ("path", NULL, NULL, NULL,
                                               G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[TRAINING_CHANGED] = g_signal_new ("training-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                            0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
ax_project_init (AxProject *self)
{
  self->training = g_ptr_array_new_null_terminated (2, g_free, TRUE);
}

static gboolean
find_training (AxProject  *self,
               const char *model_name,
               guint      *index)
{
  return g_ptr_array_find_with_equal_func (self->training, model_name, g_str_equal, index);
}

void
ax_project_training_started (AxProject  *self,
                             const char *model_name)
{
  g_return_if_fail (AX_IS_PROJECT (self));
  g_return_if_fail (model_name != NULL);

  if (find_training (self, model_name, NULL))
    return;
  g_ptr_array_add (self->training, g_strdup (model_name));
  g_signal_emit (self, signals[TRAINING_CHANGED], 0);
}

void
ax_project_training_ended (AxProject  *self,
                           const char *model_name)
{
  guint index;

  g_return_if_fail (AX_IS_PROJECT (self));
  g_return_if_fail (model_name != NULL);

  if (!find_training (self, model_name, &index))
    return;
  g_ptr_array_remove_index (self->training, index);
  g_signal_emit (self, signals[TRAINING_CHANGED], 0);
}

gboolean
ax_project_is_training (AxProject  *self,
                        const char *model_name)
{
  g_return_val_if_fail (AX_IS_PROJECT (self), FALSE);

  return model_name != NULL && find_training (self, model_name, NULL);
}

const char *const *
ax_project_get_training (AxProject *self)
{
  g_return_val_if_fail (AX_IS_PROJECT (self), NULL);

  return (const char *const *) self->training->pdata;
}

static AxProject *
wrap (AxStore *store)
{
  AxProject *self;

  if (store == NULL)
    return NULL;
  self = g_object_new (AX_TYPE_PROJECT, NULL);
  self->store = store;
  return self;
}

AxProject *
ax_project_create (const char  *path,
                   GError     **error)
{
  return wrap (ax_store_create (path, error));
}

AxProject *
ax_project_open (const char  *path,
                 GError     **error)
{
  return wrap (ax_store_open (path, error));
}

const char *
ax_project_get_path (AxProject *self)
{
  return ax_store_get_path (self->store);
}

char *
ax_project_dup_title (AxProject *self)
{
  char *base = g_path_get_basename (ax_project_get_path (self));

  if (g_str_has_suffix (base, ".auspex"))
    base[strlen (base) - strlen (".auspex")] = '\0';
  return base;
}

AxStore *
ax_project_get_store (AxProject *self)
{
  return self->store;
}

void
ax_project_changed (AxProject *self)
{
  g_signal_emit (self, signals[CHANGED], 0);
}

GPtrArray *
ax_project_list_datasets (AxProject  *self,
                          GError    **error)
{
  return ax_store_list_datasets (self->store, error);
}

gboolean
ax_project_rename_dataset (AxProject   *self,
                           gint64       id,
                           const char  *name,
                           GError     **error)
{
  if (!ax_store_rename_dataset (self->store, id, name, error))
    return FALSE;
  ax_project_changed (self);
  return TRUE;
}

gboolean
ax_project_delete_dataset (AxProject  *self,
                           gint64      id,
                           GError    **error)
{
  if (!ax_store_delete_dataset (self->store, id, error))
    return FALSE;
  ax_project_changed (self);
  return TRUE;
}

gboolean
ax_project_save_as (AxProject   *self,
                    const char  *path,
                    GError     **error)
{
  AxStore *moved;

  if (!ax_store_save_copy (self->store, path, NULL, error))
    return FALSE;
  moved = ax_store_open (path, error);
  if (moved == NULL)
    return FALSE;
  ax_store_close (self->store);
  self->store = moved;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PATH]);
  ax_project_changed (self);
  return TRUE;
}

/* Jobs. */

typedef struct {
  char            *project_path;
  GFile           *file;
  AxImportOptions  options;
  char            *name;
  char            *sheet;
  AxColumnSpec    *specs;
  char           **tokens;
  AxImportResult   result;
} ImportData;

static void
import_data_free (gpointer p)
{
  ImportData *d = p;

  g_free (d->project_path);
  g_clear_object (&d->file);
  g_free (d->name);
  g_free (d->sheet);
  g_free (d->specs);
  g_strfreev (d->tokens);
  ax_import_result_clear (&d->result);
  g_free (d);
}

static gboolean
run_import (AxJob         *job,
            gpointer       data,
            GCancellable  *cancellable,
            GError       **error)
{
  ImportData *d = data;

  return ax_import_file (d->project_path, d->file, &d->options, ax_job_progress, job,
                         cancellable, &d->result, error);
}

AxJob *
ax_project_import_job (AxProject              *self,
                       GFile                  *file,
                       const AxImportOptions  *options)
{
  ImportData *d = g_new0 (ImportData, 1);
  g_autofree char *base = g_file_get_basename (file);
  g_autofree char *title = g_strdup_printf (_("Importing “%s”"), base);

  d->project_path = g_strdup (ax_project_get_path (self));
  d->file = g_object_ref (file);
  d->options = *options;
  d->name = g_strdup (options->name);
  d->sheet = g_strdup (options->read.sheet);
  d->specs = options->specs ? g_memdup2 (options->specs, options->n_specs * sizeof (AxColumnSpec)) : NULL;
  d->tokens = options->missing_tokens ? g_strdupv ((char **) options->missing_tokens) : NULL;
  d->options.name = d->name;
  d->options.read.sheet = d->sheet;
  d->options.specs = d->specs;
  d->options.missing_tokens = (const char * const *) d->tokens;
  return ax_job_new (title, run_import, d, import_data_free);
}

AxImportResult *
ax_project_import_job_get_result (AxJob *job)
{
  return &((ImportData *) ax_job_get_data (job))->result;
}

typedef struct {
  char  *project_path;
  char  *name;
  GFile *dest;
} ExportData;

static void
export_data_free (gpointer p)
{
  ExportData *d = p;

  g_free (d->project_path);
  g_free (d->name);
  g_clear_object (&d->dest);
  g_free (d);
}

static gboolean
run_export (AxJob         *job,
            gpointer       data,
            GCancellable  *cancellable,
            GError       **error)
{
  ExportData *d = data;

  return ax_export_csv (d->project_path, d->name, d->dest, ax_job_progress, job, cancellable, error);
}

AxJob *
ax_project_export_job (AxProject  *self,
                       const char *name,
                       GFile      *dest)
{
  ExportData *d = g_new0 (ExportData, 1);
  g_autofree char *title = g_strdup_printf (_("Exporting “%s”"), name);

  d->project_path = g_strdup (ax_project_get_path (self));
  d->name = g_strdup (name);
  d->dest = g_object_ref (dest);
  return ax_job_new (title, run_export, d, export_data_free);
}
