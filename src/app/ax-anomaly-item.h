/* ax-anomaly-item.h — an anomaly as an item of the anomalies list */
#pragma once

#include <glib-object.h>
#include "ax-store-anomalies.h"

G_BEGIN_DECLS

#define AX_TYPE_ANOMALY_ITEM (ax_anomaly_item_get_type ())
G_DECLARE_FINAL_TYPE (AxAnomalyItem, ax_anomaly_item, AX, ANOMALY_ITEM, GObject)

/* Takes @record. */
AxAnomalyItem         *ax_anomaly_item_new        (AxAnomalyRecord *record);
const AxAnomalyRecord *ax_anomaly_item_get_record (AxAnomalyItem   *self);

/* One line saying what happened ("ridership below expected"), the data
 * time and detection under it, and the status as a person reads it. */
char                  *ax_anomaly_item_dup_title    (AxAnomalyItem *self);
char                  *ax_anomaly_item_dup_subtitle (AxAnomalyItem *self);

/* "Low", "Medium", ... translated; and the badge's style class
 * ("severity-low", ...). */
const char            *ax_severity_label       (AxSeverity       severity);
const char            *ax_severity_css_class   (AxSeverity       severity);
/* "Open", "Resolved", "False positive", translated. */
const char            *ax_anomaly_status_label (AxAnomalyStatus  status);
/* The anomaly type's name for people ("Revenue anomaly"), translated. */
const char            *ax_anomaly_type_label   (AxAnomalyType    type);

G_END_DECLS
