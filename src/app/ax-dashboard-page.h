/* ax-dashboard-page.h — dashboard page: what needs attention and how things stand */
#pragma once

#include <adwaita.h>
#include "ax-dashboard.h"
#include "ax-project.h"

G_BEGIN_DECLS

#define AX_TYPE_DASHBOARD_PAGE (ax_dashboard_page_get_type ())
G_DECLARE_FINAL_TYPE (AxDashboardPage, ax_dashboard_page, AX, DASHBOARD_PAGE, AdwBin)

/* Shows @project (or nothing, when NULL); reloads on its "changed" signal.
 * The figures are read in a worker thread; the page emits "loaded" each
 * time a new snapshot is shown. */
void ax_dashboard_page_set_project (AxDashboardPage *self,
                                   AxProject *project);

/* The snapshot shown, or NULL before the first one has been read. */
const AxDashboard *ax_dashboard_page_get_dashboard (AxDashboardPage *self);

/* Sets the filter controls, as the analyst would: the last @days days (7,
 * 30 or 90; 0: all time), models of @model_type (NULL: all), anomalies of
 * at least @min_severity (AX_SEVERITY_NONE: all; LOW counts as all).  The
 * page reloads. */
void ax_dashboard_page_set_filter (AxDashboardPage *self,
                                  guint            days,
                                  const char      *model_type,
                                  AxSeverity       min_severity);

G_END_DECLS
