/* ax-store-model-admin.h — a model's deployment and retraining settings
 *
 * What the window and the scheduler keep of a model beyond its versions
 * (schema 4): whether it is deployed and since when, how often it is
 * retrained, and the degradation rule (retrain when the metric
 * retrain_metric, measured on the actual values recorded for its
 * predictions, has worsened by retrain_drop).  Also the recorded actuals
 * themselves, and replacing a version's metrics (to add what training
 * measured after the version was stored).
 */
#pragma once

#include "ax-store.h"

G_BEGIN_DECLS

typedef struct {
  gint64   model_id;
  gboolean is_active;
  guint    active_version;
  char    *retrain_frequency;   /* "never", "daily", "weekly" or "monthly" */
  char    *retrain_metric;      /* NULL: no degradation rule */
  double   retrain_drop;        /* NAN: no degradation rule */
  char    *deployed;            /* ISO 8601, UTC; NULL: never deployed */
  char    *latest_created;      /* ISO 8601, UTC: the newest version; NULL if none */
} AxModelAdmin;

void          ax_model_admin_free (AxModelAdmin *admin);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AxModelAdmin, ax_model_admin_free)

/* The settings of model @model_id; AX_STORE_ERROR_NOT_FOUND if there is
 * no such model. */
AxModelAdmin *ax_store_get_model_admin       (AxStore     *self,
                                              gint64       model_id,
                                              GError     **error);

/* Stores @frequency (one of the four above) and the degradation rule:
 * @metric NULL (or @drop NAN) clears it. */
gboolean      ax_store_set_model_retraining  (AxStore     *self,
                                              gint64       model_id,
                                              const char  *frequency,
                                              const char  *metric,
                                              double       drop,
                                              GError     **error);

/* Activates (@active TRUE) or deactivates model @model_id.  With
 * @version not 0, that version becomes the active one (it must exist).
 * Activating stamps models.deployed with the time now.  One transaction. */
gboolean      ax_store_set_model_deployment  (AxStore     *self,
                                              gint64       model_id,
                                              gboolean     active,
                                              guint        version,
                                              GError     **error);

/* Replaces the metrics JSON of version @version of model @model_id. */
gboolean      ax_store_set_version_metrics   (AxStore     *self,
                                              gint64       model_id,
                                              guint        version,
                                              const char  *metrics,
                                              GError     **error);

typedef struct {
  char *output;   /* JSON: the prediction as recorded */
  char *actual;   /* JSON: what really happened */
} AxRecordedActual;

void          ax_recorded_actual_free        (AxRecordedActual *a);

/* The predictions of version @version of model @model_id that have an
 * actual value recorded, oldest first; a GPtrArray of AxRecordedActual. */
GPtrArray    *ax_store_list_recorded_actuals (AxStore     *self,
                                              gint64       model_id,
                                              guint        version,
                                              GError     **error);

G_END_DECLS
