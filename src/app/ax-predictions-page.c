/* ax-predictions-page.c — Predictions page: single and batch predictions, and their history */

#include "ax-config.h"
#include "ax-predictions-page.h"

#include <glib/gi18n.h>

struct _AxPredictionsPage {
  AdwBin     parent_instance;

  AxProject *project;
};

G_DEFINE_FINAL_TYPE (AxPredictionsPage, ax_predictions_page, ADW_TYPE_BIN)

void
ax_predictions_page_set_project (AxPredictionsPage *self,
                                 AxProject *project)
{
  g_return_if_fail (AX_IS_PREDICTIONS_PAGE (self));

  g_set_object (&self->project, project);
}

static void
ax_predictions_page_dispose (GObject *object)
{
  AxPredictionsPage *self = AX_PREDICTIONS_PAGE (object);

  g_clear_object (&self->project);
  /* AdwBin owns its child: no gtk_widget_dispose_template. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  G_OBJECT_CLASS (ax_predictions_page_parent_class)->dispose (object);
}

static void
ax_predictions_page_class_init (AxPredictionsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ax_predictions_page_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/auspex/Auspex/ui/ax-predictions-page.ui");
}

static void
ax_predictions_page_init (AxPredictionsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
