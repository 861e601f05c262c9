/* ax-dashboard-page.c — dashboard page: what needs attention and how things stand */

#include "ax-config.h"
#include "ax-dashboard-page.h"

#include <glib/gi18n.h>

struct _AxDashboardPage {
  AdwBin     parent_instance;

  AxProject *project;
};

G_DEFINE_FINAL_TYPE (AxDashboardPage, ax_dashboard_page, ADW_TYPE_BIN)

void
ax_dashboard_page_set_project (AxDashboardPage *self,
                               AxProject *project)
{
  g_return_if_fail (AX_IS_DASHBOARD_PAGE (self));

  g_set_object (&self->project, project);
}

static void
ax_dashboard_page_dispose (GObject *object)
{
  AxDashboardPage *self = AX_DASHBOARD_PAGE (object);

  g_clear_object (&self->project);
  /* AdwBin owns its child: no gtk_widget_dispose_template. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  G_OBJECT_CLASS (ax_dashboard_page_parent_class)->dispose (object);
}

static void
ax_dashboard_page_class_init (AxDashboardPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ax_dashboard_page_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/auspex/Auspex/ui/ax-dashboard-page.ui");
}

static void
ax_dashboard_page_init (AxDashboardPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
