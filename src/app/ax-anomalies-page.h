/* ax-anomalies-page.h — Anomalies page: detection configurations and the anomalies they found */
#pragma once

#include <adwaita.h>
#include "ax-project.h"
#include "ax-scheduler.h"

G_BEGIN_DECLS

#define AX_TYPE_ANOMALIES_PAGE (ax_anomalies_page_get_type ())
G_DECLARE_FINAL_TYPE (AxAnomaliesPage, ax_anomalies_page, AX, ANOMALIES_PAGE, AdwBin)

/* Shows @project (or nothing, when NULL); reloads on its "changed" signal.
 * While a project is shown, its scheduler runs the enabled detections at
 * their frequency, and a new high or critical anomaly raises a desktop
 * notification whose default action opens it (app.show-anomaly). */
void ax_anomalies_page_set_project (AxAnomaliesPage *self,
                                   AxProject *project);

/* Shows anomaly @id of the project in detail (its chart, root cause and
 * verdict), as the dashboard and the desktop notifications open it.  The
 * caller switches the window to this page. */
void ax_anomalies_page_show_anomaly (AxAnomaliesPage *self,
                                     gint64           id);

/* The project's scheduler (NULL without a project). */
AxScheduler *ax_anomalies_page_get_scheduler (AxAnomaliesPage *self);

/* The anomalies the list shows now (AxAnomalyItem), and whether a reload of
 * them is in flight. */
GListModel  *ax_anomalies_page_get_results   (AxAnomaliesPage *self);
gboolean     ax_anomalies_page_is_loading    (AxAnomaliesPage *self);

/* The detection run the page started and still runs ("Run now", or the
 * editor's "Save and Run"), or NULL. */
AxJob       *ax_anomalies_page_get_run       (AxAnomaliesPage *self);

/* Signals: "anomaly-notified" (gint64 id): a desktop notification was sent
 * for anomaly @id. */

G_END_DECLS
