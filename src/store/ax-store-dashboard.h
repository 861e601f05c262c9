/* ax-store-dashboard.h — the aggregate reads behind the dashboard
 *
 * The dashboard (src/core/ax-dashboard.h) shows counts over the whole
 * project: models with their prediction volume, predictions per day, the
 * accuracy of those with an actual value, anomalies per severity and
 * status, the latest anomalies.  ax_store_read_dashboard() runs those
 * aggregate queries in one read transaction, so that every figure is of
 * the same moment, and returns the rows as they are stored (metrics and
 * anomaly details as JSON text); what the figures mean is core's to say.
 * It only reads: a dashboard never changes the project.
 */
#pragma once

#include "ax-store.h"
#include "ax-store-anomalies.h"

G_BEGIN_DECLS

typedef struct {
  /* Predictions made and anomalies detected from this time on (ISO 8601,
   * UTC, as the store writes times); NULL or "": all of them. */
  const char *since;
  /* Models (and their predictions) of this model_type only; NULL: all. */
  const char *model_type;
  /* Anomalies of at least this severity; AX_SEVERITY_NONE or LOW: all. */
  AxSeverity  min_severity;
  /* How many of the latest anomalies to list. */
  guint       n_recent;
} AxStoreDashboardFilter;

typedef struct {
  gint64    id;
  char     *name;
  char     *model_type;
  char     *algorithm;
  gboolean  is_active;
  guint     active_version;
  guint     n_versions;
  char     *updated;         /* ISO 8601, UTC: the latest version */
  char     *deployed;        /* ISO 8601, UTC: last activation; NULL if never */
  char     *metrics;         /* the active version's metrics JSON; nullable */
  gint64    n_predictions;   /* made since the filter's since */
  gint64    n_actuals;       /* of those, with their actual value recorded */
} AxStoreDashboardModel;

typedef struct {
  gint64   day;              /* days since 1970-01-01 (UTC) */
  gint64   n;                /* predictions made that day */
} AxStoreDashboardDay;

/* The predictions of one model made on one day whose actual value is
 * recorded, compared with what was predicted. */
typedef struct {
  gint64   model_id;
  gint64   day;              /* days since 1970-01-01 (UTC) */
  guint    n;                /* with an actual value */
  guint    n_equal;          /* predicted value equal to the actual */
  /* The mean of |predicted − actual| / |actual| over those whose values
   * are both numbers and whose actual is not zero; NAN if none is. */
  double   mean_ape;
} AxStoreDashboardAccuracy;

typedef struct {
  AxSeverity       severity;
  AxAnomalyStatus  status;
  gint64           n;
} AxStoreDashboardAnomalyCount;

typedef struct {
  gint64           id;
  char            *detection_name;
  char            *dataset;
  AxSeverity       severity;
  AxAnomalyStatus  status;
  double           score;
  double           time;           /* the row's time, days since 1970-01-01; NAN if none */
  char            *detected_at;    /* ISO 8601, UTC */
  char            *actual;         /* JSON object: metric → value; nullable */
  char            *expected;       /* JSON object: metric → {low, high}; nullable */
  char            *root_cause;     /* JSON array of {metric, ...}, first most; nullable */
} AxStoreDashboardAnomaly;

typedef struct {
  /* Totals of the whole project, whatever the filter. */
  guint      n_datasets;
  guint      n_models;
  guint      n_detections;
  guint      n_detections_enabled;
  gint64     n_predictions;
  gint64     n_anomalies;

  char     **model_types;     /* every model_type in the project, sorted; NULL-terminated */

  /* As filtered. */
  GPtrArray *models;          /* AxStoreDashboardModel, by name (case-insensitive) */
  GArray    *daily;           /* AxStoreDashboardDay, oldest first, days with predictions only */
  GArray    *accuracy;        /* AxStoreDashboardAccuracy, by day then model */
  GArray    *anomaly_counts;  /* AxStoreDashboardAnomalyCount, one per severity and status found */
  GPtrArray *recent;          /* AxStoreDashboardAnomaly, latest first, at most n_recent */
} AxStoreDashboard;

void  ax_store_dashboard_free (AxStoreDashboard *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AxStoreDashboard, ax_store_dashboard_free)

/* Reads the dashboard's rows as @filter (NULL: everything, and no recent
 * anomalies) selects, in one read transaction that it ends before
 * returning.  NULL with @error set if the project cannot be read. */
AxStoreDashboard *ax_store_read_dashboard (AxStore                      *self,
                                           const AxStoreDashboardFilter *filter,
                                           GError                      **error);

G_END_DECLS
