/* ax-anomalies-page.c — Anomalies page: detection configurations and the anomalies they found */

#include "ax-config.h"
#include "ax-anomalies-page.h"

#include <glib/gi18n.h>

struct _AxAnomaliesPage {
  AdwBin     parent_instance;

  AxProject *project;
  gint64     shown_anomaly;
};

G_DEFINE_FINAL_TYPE (AxAnomaliesPage, ax_anomalies_page, ADW_TYPE_BIN)

void
ax_anomalies_page_set_project (AxAnomaliesPage *self,
                               AxProject *project)
{
  g_return_if_fail (AX_IS_ANOMALIES_PAGE (self));

  g_set_object (&self->project, project);
}

void
ax_anomalies_page_show_anomaly (AxAnomaliesPage *self,
                                gint64           id)
{
  g_return_if_fail (AX_IS_ANOMALIES_PAGE (self));

  self->shown_anomaly = id;
}

static void
ax_anomalies_page_dispose (GObject *object)
{
  AxAnomaliesPage *self = AX_ANOMALIES_PAGE (object);

  g_clear_object (&self->project);
  /* AdwBin owns its child: no gtk_widget_dispose_template. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  G_OBJECT_CLASS (ax_anomalies_page_parent_class)->dispose (object);
}

static void
ax_anomalies_page_class_init (AxAnomaliesPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ax_anomalies_page_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/auspex/Auspex/ui/ax-anomalies-page.ui");
}

static void
ax_anomalies_page_init (AxAnomaliesPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
