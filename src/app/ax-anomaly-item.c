/* ax-anomaly-item.c — an anomaly as an item of the anomalies list */

#include "ax-config.h"
#include "ax-anomaly-item.h"
#include "ax-detect-job.h"

#include <glib/gi18n.h>
#include <math.h>

struct _AxAnomalyItem {
  GObject          parent_instance;
  AxAnomalyRecord *record;
};

G_DEFINE_FINAL_TYPE (AxAnomalyItem, ax_anomaly_item, G_TYPE_OBJECT)

AxAnomalyItem *
ax_anomaly_item_new (AxAnomalyRecord *record)
{
  AxAnomalyItem *self = g_object_new (AX_TYPE_ANOMALY_ITEM, NULL);

  self->record = record;
  return self;
}

const AxAnomalyRecord *
ax_anomaly_item_get_record (AxAnomalyItem *self)
{
  g_return_val_if_fail (AX_IS_ANOMALY_ITEM (self), NULL);
  return self->record;
}

char *
ax_anomaly_item_dup_title (AxAnomalyItem *self)
{
  g_autofree char *cause = ax_anomaly_record_top_cause (self->record);

  if (cause)
    return g_steal_pointer (&cause);
  return g_strdup_printf (_("Row %" G_GINT64_FORMAT " of %s"), self->record->dataset_row + 1,
                          self->record->dataset);
}

char *
ax_anomaly_item_dup_subtitle (AxAnomalyItem *self)
{
  const AxAnomalyRecord *r = self->record;
  g_autofree char *when = isnan (r->time) ? NULL : ax_detect_format_time (r->time);
  g_autoptr(GString) text = g_string_new (NULL);

  g_string_append (text, when ? when : r->detected_at);
  if (r->group_value)
    g_string_append_printf (text, " · %s", r->group_value);
  g_string_append_printf (text, " · %s", r->detection_name);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

const char *
ax_severity_label (AxSeverity severity)
{
  switch (severity)
    {
    case AX_SEVERITY_LOW: return _("Low");
    case AX_SEVERITY_MEDIUM: return _("Medium");
    case AX_SEVERITY_HIGH: return _("High");
    case AX_SEVERITY_CRITICAL: return _("Critical");
    case AX_SEVERITY_NONE:
    default: return _("None");
    }
}

const char *
ax_severity_css_class (AxSeverity severity)
{
  switch (severity)
    {
    case AX_SEVERITY_LOW: return "severity-low";
    case AX_SEVERITY_MEDIUM: return "severity-medium";
    case AX_SEVERITY_HIGH: return "severity-high";
    case AX_SEVERITY_CRITICAL: return "severity-critical";
    case AX_SEVERITY_NONE:
    default: return "severity-none";
    }
}

const char *
ax_anomaly_status_label (AxAnomalyStatus status)
{
  switch (status)
    {
    case AX_ANOMALY_STATUS_RESOLVED: return _("Resolved");
    case AX_ANOMALY_STATUS_FALSE_POSITIVE: return _("False positive");
    case AX_ANOMALY_STATUS_OPEN:
    default: return _("Open");
    }
}

const char *
ax_anomaly_type_label (AxAnomalyType type)
{
  switch (type)
    {
    case AX_ANOMALY_REVENUE: return _("Revenue anomaly");
    case AX_ANOMALY_INVENTORY: return _("Inventory anomaly");
    case AX_ANOMALY_TRANSACTION: return _("Transaction anomaly");
    case AX_ANOMALY_CUSTOMER_BEHAVIOR: return _("Customer behavior anomaly");
    case AX_ANOMALY_OPERATIONAL: return _("Operational anomaly");
    case AX_ANOMALY_QUALITY: return _("Quality anomaly");
    case AX_N_ANOMALY_TYPES:
    default: return "";
    }
}

static void
ax_anomaly_item_finalize (GObject *object)
{
  g_clear_pointer (&AX_ANOMALY_ITEM (object)->record, ax_anomaly_record_free);
  G_OBJECT_CLASS (ax_anomaly_item_parent_class)->finalize (object);
}

static void
ax_anomaly_item_class_init (AxAnomalyItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ax_anomaly_item_finalize;
}

static void
ax_anomaly_item_init (AxAnomalyItem *self)
{
}
