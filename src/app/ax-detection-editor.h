/* ax-detection-editor.h — the form for an anomaly detection's configuration
 *
 * Every field of the guide's "Create Detection Configuration": name,
 * anomaly type, description, algorithm with the settings its detector
 * declares, severity thresholds (or an alert budget), monitored metrics
 * picked from the dataset's numeric columns, frequency, dataset, time
 * column and group-by.  "Save and Run" checks the configuration with the
 * engine, marks the field an error names, and otherwise emits "saved"
 * with the configuration's JSON and closes.
 */
#pragma once

#include <adwaita.h>
#include "ax-project.h"

G_BEGIN_DECLS

#define AX_TYPE_DETECTION_EDITOR (ax_detection_editor_get_type ())
G_DECLARE_FINAL_TYPE (AxDetectionEditor, ax_detection_editor, AX, DETECTION_EDITOR, AdwWindow)

/* An editor for a new detection (@config_json NULL) or for the detection
 * @config_json describes (its name then stays as it is). */
AxDetectionEditor *ax_detection_editor_new (GtkWindow  *parent,
                                            AxProject  *project,
                                            const char *config_json);

/* The widget holding configuration field @field: "detection_name",
 * "anomaly_type", "description", "detection_frequency", "dataset",
 * "time_column", "group_by", "algorithm", "detection_config.NAME",
 * "threshold_config.severity_thresholds.LEVEL",
 * "threshold_config.alert_budget", "monitored_metrics.COLUMN" (a check
 * button); NULL if the form has none now. */
GtkWidget         *ax_detection_editor_get_field (AxDetectionEditor *self,
                                                  const char        *field);

/* The configuration as the form holds it (not checked). */
char              *ax_detection_editor_dup_config (AxDetectionEditor *self);

/* The message shown for the last refused save, or NULL. */
const char        *ax_detection_editor_get_error (AxDetectionEditor *self);

G_END_DECLS
