/* ax-anomalies-page.h — Anomalies page: detection configurations and the anomalies they found */
#pragma once

#include <adwaita.h>
#include "ax-project.h"

G_BEGIN_DECLS

#define AX_TYPE_ANOMALIES_PAGE (ax_anomalies_page_get_type ())
G_DECLARE_FINAL_TYPE (AxAnomaliesPage, ax_anomalies_page, AX, ANOMALIES_PAGE, AdwBin)

/* Shows @project (or nothing, when NULL); reloads on its "changed" signal. */
void ax_anomalies_page_set_project (AxAnomaliesPage *self,
                                   AxProject *project);

/* Shows anomaly @id of the project in detail (its chart, root cause and
 * verdict), as the dashboard and the desktop notifications open it.  The
 * caller switches the window to this page. */
void ax_anomalies_page_show_anomaly (AxAnomaliesPage *self,
                                     gint64           id);

G_END_DECLS
