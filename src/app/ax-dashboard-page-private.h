/* ax-dashboard-page-private.h — what the dashboard page's files share */
#pragma once

#include "ax-dashboard-page.h"

G_BEGIN_DECLS

struct _AxDashboardPage {
  AdwBin        parent_instance;

  AxProject    *project;
  AxDashboard  *dashboard;        /* the snapshot shown */
  GCancellable *cancellable;      /* of the read under way */
  guint         reload_source;
  gboolean      updating_types;   /* the controls are set in code: no reload */
  char        **model_types;      /* the type dropdown's entries 1.. */

  GtkLabel     *headline;
  GtkDropDown  *range_dropdown;
  GtkDropDown  *type_dropdown;
  GtkDropDown  *severity_dropdown;

  GtkButton    *models_tile;
  GtkLabel     *models_value;
  GtkLabel     *models_detail;
  GtkButton    *predictions_tile;
  GtkLabel     *predictions_value;
  GtkLabel     *predictions_detail;
  GtkButton    *anomalies_tile;
  GtkLabel     *anomalies_value;
  GtkLabel     *anomalies_detail;
  GtkButton    *unresolved_tile;
  GtkLabel     *unresolved_value;
  GtkLabel     *unresolved_detail;
  GtkButton    *sources_tile;
  GtkLabel     *sources_value;
  GtkLabel     *sources_detail;

  GtkStack     *models_stack;
  GtkWidget    *models_empty;
  GtkLabel     *models_empty_title;
  GtkLabel     *models_empty_description;
  GtkButton    *models_empty_button;
  GtkListBox   *models_list;
  GtkBox       *models_chart_box;

  GtkStack     *anomalies_stack;
  GtkWidget    *anomalies_empty;
  GtkLabel     *anomalies_empty_title;
  GtkLabel     *anomalies_empty_description;
  GtkButton    *anomalies_empty_button;
  GtkListBox   *anomalies_list;
  GtkLabel     *anomalies_none;
  GtkLabel     *resolution_label;
  GtkLevelBar  *resolution_bar;
  GtkLabel     *severity_title;
  GtkBox       *severity_chart_box;
  GtkLabel     *recent_title;

  GtkStack     *trends_stack;
  GtkWidget    *trends_empty;
  GtkLabel     *trends_empty_title;
  GtkLabel     *trends_empty_description;
  GtkButton    *trends_empty_button;
  GtkLabel     *volume_label;
  GtkBox       *volume_chart_box;
  GtkLabel     *accuracy_label;
  GtkBox       *accuracy_chart_box;

  /* Made in code (ax-dashboard-page-cards.c). */
  GtkWidget    *models_chart;
  GtkWidget    *severity_chart;
  GtkWidget    *volume_chart;
  GtkWidget    *accuracy_chart;   /* a line per model, over two days or more */
  GtkWidget    *accuracy_bars;    /* a bar per model, when there is one day */
};

/* ax-dashboard-page.c */
void  ax_dashboard_page_update_model_types (AxDashboardPage *self);
/* The least severity the severity filter shows. */
AxSeverity ax_dashboard_page_min_severity  (AxDashboardPage *self);

/* ax-dashboard-page-cards.c: drawing the snapshot into the cards. */
void  ax_dashboard_page_init_cards   (AxDashboardPage *self);
void  ax_dashboard_page_render       (AxDashboardPage *self);
void  ax_dashboard_page_show_error   (AxDashboardPage *self,
                                      const char      *message);
/* "Churn prediction" for "churn_prediction"; newly allocated. */
char *ax_dashboard_page_model_type_label (const char *model_type);

G_END_DECLS
