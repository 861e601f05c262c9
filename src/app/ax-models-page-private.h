/* ax-models-page-private.h — what the Models page's files share
 *
 * ax-models-page.c holds the list, its filters, the actions and training;
 * ax-model-detail.c fills the selected model's overview, evaluation,
 * versions (with the comparison of two) and retraining tabs.
 */
#pragma once

#include "ax-models-page.h"
#include "ax-model-admin.h"

G_BEGIN_DECLS

struct _AxModelsPage {
  AdwBin          parent_instance;

  GtkStack       *stack;
  GtkSearchEntry *search_entry;
  GtkDropDown    *type_filter;
  GtkDropDown    *state_filter;
  GtkDropDown    *metric_filter;
  GtkListBox     *model_list;
  GtkWidget      *no_match_label;
  GtkWidget      *header_box;
  GtkLabel       *title_label;
  GtkLabel       *subtitle_label;
  GtkSwitch      *active_switch;
  GtkWidget      *train_button;
  GtkRevealer    *training_revealer;
  GtkLabel       *training_label;
  GtkProgressBar *training_bar;
  GtkLabel       *eta_label;
  GtkBox         *curve_box;
  GtkWidget      *detail_switcher;
  AdwViewStack   *detail_stack;
  GtkBox         *overview_box;
  GtkBox         *evaluation_box;
  GtkBox         *versions_box;
  GtkBox         *retraining_box;

  AxProject      *project;
  gulong          changed_id;
  GPtrArray      *models;          /* AxModelInfo, as listed */
  gint64          selected_id;
  gboolean        updating;

  /* Training */
  AxJob          *job;
  char           *job_model;       /* the name being trained */
  GtkWidget      *curve_chart;     /* AxLineChart */
  GArray         *curve;           /* AxCurvePoint */
  guint           curve_timer;

  /* Versions picked for comparison (0: none). */
  guint           compare_a, compare_b;
};

/* The model selected in the list, or NULL. */
const AxModelInfo *ax_models_page_get_selected (AxModelsPage *self);

/* Fills the four tabs for the selected model (ax-model-detail.c). */
void ax_model_detail_show (AxModelsPage *self);

/* Shows a metric's value as the cards and tables do ("0.912", "12.3 %"). */
char *ax_model_detail_format_metric (const char *name,
                                     double      value);
/* A metric's label ("R²", "ROC-AUC"). */
const char *ax_model_detail_metric_label (const char *name);

G_END_DECLS
