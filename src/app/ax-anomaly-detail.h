/* ax-anomaly-detail.h — one anomaly: its metric over time, facts, cause and verdict */
#pragma once

#include <adwaita.h>
#include "ax-project.h"
#include "ax-store-anomalies.h"

G_BEGIN_DECLS

#define AX_TYPE_ANOMALY_DETAIL (ax_anomaly_detail_get_type ())
G_DECLARE_FINAL_TYPE (AxAnomalyDetail, ax_anomaly_detail, AX, ANOMALY_DETAIL, GtkBox)

/* Shows anomaly @id of @project (reads it from the project; the chart's
 * series is read in a thread).  Emits "back" when the person goes back,
 * and calls ax_project_changed() after a verdict. */
void                   ax_anomaly_detail_show        (AxAnomalyDetail *self,
                                                      AxProject       *project,
                                                      gint64           id);
gint64                 ax_anomaly_detail_get_id      (AxAnomalyDetail *self);
const AxAnomalyRecord *ax_anomaly_detail_get_record  (AxAnomalyDetail *self);
/* Whether the chart's series has been read and drawn. */
gboolean               ax_anomaly_detail_is_loaded   (AxAnomalyDetail *self);
/* The false-positive preview shown in the dialog, once computed:
 * suppressed of n_past (FALSE before). */
gboolean               ax_anomaly_detail_get_preview (AxAnomalyDetail *self,
                                                      guint           *n_suppressed,
                                                      guint           *n_past);

G_END_DECLS
