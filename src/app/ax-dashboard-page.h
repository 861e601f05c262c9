/* ax-dashboard-page.h — dashboard page: what needs attention and how things stand */
#pragma once

#include <adwaita.h>
#include "ax-project.h"

G_BEGIN_DECLS

#define AX_TYPE_DASHBOARD_PAGE (ax_dashboard_page_get_type ())
G_DECLARE_FINAL_TYPE (AxDashboardPage, ax_dashboard_page, AX, DASHBOARD_PAGE, AdwBin)

/* Shows @project (or nothing, when NULL); reloads on its "changed" signal. */
void ax_dashboard_page_set_project (AxDashboardPage *self,
                                   AxProject *project);

G_END_DECLS
