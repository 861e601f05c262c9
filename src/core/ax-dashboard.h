/* ax-dashboard.h — how a project stands, in one snapshot
 *
 * The dashboard's figures (the guide's "ML Analytics Dashboard"): key
 * metrics (models active and inactive, predictions made, anomalies
 * detected and unresolved, data sources), each model's headline metric and
 * prediction volume, the latest anomalies with the severity and status
 * counts, and the daily prediction volume with the accuracy of the
 * predictions whose actual value has been recorded.
 *
 * ax_dashboard_query() fills an AxDashboard from one store connection with
 * a few aggregate queries; it reads only, and may run in any thread that
 * owns its connection (the window runs it in a worker thread).
 */
#pragma once

#include <gio/gio.h>
#include "ax-store.h"
#include "ax-store-anomalies.h"

G_BEGIN_DECLS

/* What the dashboard shows.  Start from ax_dashboard_filter_init(), which
 * selects everything. */
typedef struct {
  /* Predictions made and anomalies detected in the last @days days (up to
   * @now); 0: all of them. */
  guint       days;
  /* Models (and their predictions) of this model_type only; NULL: all. */
  const char *model_type;
  /* Anomalies of at least this severity; AX_SEVERITY_NONE or LOW: all. */
  AxSeverity  min_severity;
  /* The present, seconds since 1970-01-01 UTC; 0: the clock's. */
  gint64      now;
  /* How many of the latest anomalies to list (0: a default of 6). */
  guint       n_recent;
} AxDashboardFilter;

void ax_dashboard_filter_init (AxDashboardFilter *filter);

typedef struct {
  gint64    id;
  char     *name;
  char     *model_type;      /* "churn_prediction", ... */
  char     *algorithm;
  char     *task;            /* "regression", "classification", "forecast" */
  gboolean  is_active;
  guint     active_version;
  guint     n_versions;
  /* The headline metric of the active version: R² for a regression, accuracy
   * for a classification, MAPE in percent for a forecast (on the test rows where
   * there are some, else the validation rows); NULL / NAN when unknown. */
  const char *metric_name;   /* ax_model_admin_headline()'s: "r2", "roc_auc",
                              * "accuracy" or "smape" (in percent): static */
  double    metric_value;
  gint64    n_predictions;   /* in the filter's date range */
  gint64    n_actuals;       /* of those, with their actual value recorded */
  char     *last_trained;    /* ISO 8601, UTC: the latest version */
  char     *deployed;        /* ISO 8601, UTC: last activation; NULL if never */
} AxDashboardModel;

typedef struct {
  gint64           id;
  char            *detection_name;
  char            *dataset;
  AxSeverity       severity;
  AxAnomalyStatus  status;
  double           score;
  double           time;          /* the row's time, days since 1970-01-01; NAN if none */
  char            *detected_at;   /* ISO 8601, UTC */
  char            *metric;        /* the first monitored metric found unusual; nullable */
  double           actual;        /* its value (NAN if unknown) */
  double           expected_low, expected_high;
} AxDashboardAnomaly;

typedef struct {
  gint64   day;          /* days since 1970-01-01 (UTC) */
  gint64   n;            /* predictions made that day */
} AxDashboardDay;

typedef struct {
  gint64   model_id;
  gint64   day;          /* the day the predictions were made */
  guint    n;            /* predictions of that day with an actual value */
  /* Classification: the share predicted right.  Regression and forecast:
   * 1 − the mean absolute percentage error (at least 0), over those of
   * non-zero actual value.  0..1. */
  double   accuracy;
} AxDashboardAccuracy;

typedef struct {
  /* Totals of the whole project, whatever the filter: what exists at all,
   * for the "what to do first" states. */
  guint      n_datasets;
  guint      n_models_total;
  guint      n_detections;
  guint      n_detections_enabled;
  gint64     n_predictions_total;
  gint64     n_anomalies_total;

  /* Key metrics, as filtered. */
  guint      n_models_active;
  guint      n_models_inactive;
  gint64     n_predictions;
  gint64     n_actuals;                 /* predictions with an actual value */
  gint64     n_anomalies;
  gint64     n_unresolved;              /* open */
  gint64     n_resolved;
  gint64     n_false_positive;
  gint64     by_severity[5];            /* indexed by AxSeverity */

  GPtrArray *models;                    /* AxDashboardModel, by name */
  GPtrArray *recent;                    /* AxDashboardAnomaly, latest first */
  GArray    *daily;                     /* AxDashboardDay, oldest first, days with predictions only */
  GArray    *accuracy;                  /* AxDashboardAccuracy, by day then model */
  char     **model_types;               /* the project's model types, sorted; NULL-terminated */
  gint64     since;                     /* the range's start, seconds since 1970 (0: none) */
  gint64     now;                       /* the present the range ends at */
} AxDashboard;

void         ax_dashboard_free  (AxDashboard *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AxDashboard, ax_dashboard_free)

/* Reads the dashboard of the project @store is connected to, as @filter
 * (NULL: everything) selects.  NULL with @error set if the project cannot
 * be read. */
AxDashboard *ax_dashboard_query (AxStore                 *store,
                                 const AxDashboardFilter *filter,
                                 GError                 **error);

/* The same in a worker thread with its own connection to the project at
 * @project_path; @filter is copied.  The result is an AxDashboard. */
void         ax_dashboard_query_async  (const char              *project_path,
                                        const AxDashboardFilter *filter,
                                        GCancellable            *cancellable,
                                        GAsyncReadyCallback      callback,
                                        gpointer                 user_data);
AxDashboard *ax_dashboard_query_finish (GAsyncResult            *result,
                                        GError                 **error);

G_END_DECLS
