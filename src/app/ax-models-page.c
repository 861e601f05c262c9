/* ax-models-page.c — Models page: the project's models, their training, evaluation and versions */

#include "ax-config.h"
#include "ax-models-page.h"

#include <glib/gi18n.h>

struct _AxModelsPage {
  AdwBin     parent_instance;

  AxProject *project;
};

G_DEFINE_FINAL_TYPE (AxModelsPage, ax_models_page, ADW_TYPE_BIN)

void
ax_models_page_set_project (AxModelsPage *self,
                            AxProject *project)
{
  g_return_if_fail (AX_IS_MODELS_PAGE (self));

  g_set_object (&self->project, project);
}

static void
ax_models_page_dispose (GObject *object)
{
  AxModelsPage *self = AX_MODELS_PAGE (object);

  g_clear_object (&self->project);
  /* AdwBin owns its child: no gtk_widget_dispose_template. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  G_OBJECT_CLASS (ax_models_page_parent_class)->dispose (object);
}

static void
ax_models_page_class_init (AxModelsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ax_models_page_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/auspex/Auspex/ui/ax-models-page.ui");
}

static void
ax_models_page_init (AxModelsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
