/* ax-detectors.c — the registry of anomaly detectors
 *
 * The order of the list is the order the GUI offers them in: the
 * multivariate default first.  Declarations live in
 * ax-detectors-private.h.
 */

#include "ax-config.h"
#include "ax-detectors-private.h"

#include <glib/gi18n-lib.h>

static const AxDetector *const detectors[] = {
  &ax_isolation_forest_detector,
  &ax_robust_zscore_detector,
  &ax_seasonal_detector,
  NULL
};

const AxDetector *
ax_detector_find (const char *name)
{
  for (guint i = 0; detectors[i] != NULL; i++)
    if (g_strcmp0 (detectors[i]->name, name) == 0)
      return detectors[i];
  return NULL;
}

const AxDetector *const *
ax_detector_list (void)
{
  return detectors;
}

/* Keys of detection_config that belong to the run rather than to one
 * detector; every detector accepts them. */
static const AxParamSpec run_params[] = {
  { "window", AX_PARAM_INT, 0, G_MAXUINT, 0, NULL,
    N_("Rows of history each run refits on, per series; 0 is all of them") },
  { NULL }
};

AxParams *
ax_detector_check_params (const AxDetector *detector,
                          const AxParams   *given,
                          GError          **error)
{
  g_autoptr(GArray) specs = g_array_new (TRUE, TRUE, sizeof (AxParamSpec));

  g_return_val_if_fail (detector != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  for (const AxParamSpec *s = detector->params; s != NULL && s->name != NULL; s++)
    g_array_append_val (specs, *s);
  for (const AxParamSpec *s = run_params; s->name != NULL; s++)
    g_array_append_val (specs, *s);
  return ax_params_check ((const AxParamSpec *) specs->data, "detection_config", given, error);
}
