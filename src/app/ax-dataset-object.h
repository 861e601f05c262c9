/* ax-dataset-object.h — a dataset as an item of the sidebar's list model */
#pragma once

#include <glib-object.h>
#include "ax-store-datasets.h"

G_BEGIN_DECLS

#define AX_TYPE_DATASET_OBJECT (ax_dataset_object_get_type ())
G_DECLARE_FINAL_TYPE (AxDatasetObject, ax_dataset_object, AX, DATASET_OBJECT, GObject)

/* Takes ownership of @info. */
AxDatasetObject     *ax_dataset_object_new      (AxDatasetInfo   *info);
const AxDatasetInfo *ax_dataset_object_get_info (AxDatasetObject *self);

G_END_DECLS
