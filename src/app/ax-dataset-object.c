/* ax-dataset-object.c — a dataset as an item of the sidebar's list model */

#include "ax-config.h"
#include "ax-dataset-object.h"

#include <glib/gi18n.h>

struct _AxDatasetObject {
  GObject        parent_instance;
  AxDatasetInfo *info;
};

enum { PROP_0, PROP_NAME, PROP_SUMMARY, N_PROPS };
static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (AxDatasetObject, ax_dataset_object, G_TYPE_OBJECT)

static char *
summary (AxDatasetObject *self)
{
  g_autofree char *rows = g_strdup_printf ("%'" G_GINT64_FORMAT, self->info->n_rows);

  /* Translators: "53,940 rows · 10 columns" */
  return g_strdup_printf (_("%s rows · %u columns"), rows, self->info->n_columns);
}

static void
ax_dataset_object_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  AxDatasetObject *self = AX_DATASET_OBJECT (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->info->name);
      break;
    case PROP_SUMMARY:
      g_value_take_string (value, summary (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ax_dataset_object_finalize (GObject *object)
{
  ax_dataset_info_free (AX_DATASET_OBJECT (object)->info);
  G_OBJECT_CLASS (ax_dataset_object_parent_class)->finalize (object);
}

static void
ax_dataset_object_class_init (AxDatasetObjectClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = ax_dataset_object_get_property;
  object_class->finalize = ax_dataset_object_finalize;
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL,
                                               G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SUMMARY] = g_param_spec_string ("summary", NULL, NULL, NULL,
                                                  G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ax_dataset_object_init (AxDatasetObject *self)
{
}

AxDatasetObject *
ax_dataset_object_new (AxDatasetInfo *info)
{
  AxDatasetObject *self = g_object_new (AX_TYPE_DATASET_OBJECT, NULL);
  self->info = info;
  return self;
}

const AxDatasetInfo *
ax_dataset_object_get_info (AxDatasetObject *self)
{
  return self->info;
}
