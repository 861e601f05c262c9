/* ax-detect-job.h — running anomaly detections and acting on what they find
 *
 * The one detection path of Auspex, used by the window, by `auspex-cli
 * detect`, `anomalies` and `resolve`, and by the API server.  A run reads
 * the dataset the configuration names (ax-detect.h) from the project,
 * feeds back the anomalies the analyst marked false positive, runs the
 * engine over the rows not scored yet, and stores the run with the
 * anomalies it found (ax-store-anomalies.h).
 *
 * Runs are incremental: a detection remembers the dataset's row count at
 * its last run and the next run scores only the rows after it.  A new
 * detection, a changed configuration (anything but description and
 * detection_frequency) or a dataset imported again under the same name
 * since rescores every row; the open anomalies of earlier runs are then replaced by the new
 * run's, while resolved and false-positive ones stay.
 *
 * Each function opens its own connection to the project, so it may run in
 * any thread; ax_detect_job_new() wraps a run as an AxJob.  Running is in
 * ax-detect-job.c; listing, resolving and the JSON in ax-detect-results.c.  On error or
 * cancellation the project (and the scores file) are as they were.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include "ax-detect.h"
#include "ax-job.h"
#include "ax-store-anomalies.h"

G_BEGIN_DECLS

typedef struct {
  gint64      detection_id;
  char       *detection_name;
  char       *dataset_name;
  gint64      run_id;
  char       *started;          /* ISO 8601, UTC */
  char       *finished;
  gint64      first_row;        /* the first dataset row scored (0-based) */
  gint64      n_rows;           /* the dataset's rows: scored up to here now */
  guint64     n_scored;         /* rows scored by this run */
  guint64     n_skipped;        /* rows from first_row on not scored: a value they need is missing */
  gboolean    rescored_all;     /* new detection, changed configuration or replaced dataset */
  guint       n_feedback;       /* false positives fed back to the run */
  guint       n_suppressed;     /* anomalies the feedback pushed below "low" */
  double      thresholds[5];    /* as applied, indexed by AxSeverity */
  GPtrArray  *anomalies;        /* AxAnomalyRecord as stored, most severe first */
  guint       budget_alerts;    /* the alerts the thresholds were set to raise on the
                                 * replayed history (alert budget or contamination);
                                 * 0: the configured thresholds */
  guint64     n_replayed;       /* rows of history replayed to choose them */
} AxDetectResult;

/* Frees what @result holds and zeroes it.  ax_detect_run() fills @result
 * on success only. */
void             ax_detect_result_clear   (AxDetectResult       *result);

/* Runs the detection @config_json describes (the guide's configuration,
 * see ax-detect.h; "dataset" names the project's dataset to watch) and
 * stores the run, creating the detection on its first run.  With @scores
 * (nullable) also writes every scored row as CSV: dataset_row, group,
 * time, score, severity ("none" below "low"); the file is written beside
 * @scores and renamed over it at the end.  @monitor (nullable) receives
 * progress.  Configuration errors are AX_LEARN_ERROR_CONFIG and begin
 * with the field ("monitored_metrics: ...").  G_IO_ERROR_CANCELLED when
 * cancelled, with nothing stored or written. */
gboolean         ax_detect_run            (const char           *project_path,
                                           const char           *config_json,
                                           GFile                *scores,
                                           const AxTrainMonitor *monitor,
                                           GCancellable         *cancellable,
                                           AxDetectResult       *result,
                                           GError              **error);

/* A job running ax_detect_run(); its result is valid once it has
 * finished successfully. */
AxJob           *ax_detect_job_new        (const char           *project_path,
                                           const char           *config_json,
                                           GFile                *scores);
AxDetectResult  *ax_detect_job_get_result (AxJob                *job);

/* Every detection of the project; a GPtrArray of AxDetectionInfo. */
GPtrArray       *ax_detect_list_detections (const char          *project_path,
                                            GError             **error);

/* The anomalies @filter selects (see ax_store_list_anomalies()), of the
 * detection called @detection_name when it is not NULL (which overrides
 * @filter->detection_id); AX_STORE_ERROR_NOT_FOUND names an unknown
 * detection and those there are.  A GPtrArray of AxAnomalyRecord. */
GPtrArray       *ax_detect_list_anomalies (const char             *project_path,
                                           const char             *detection_name,
                                           const AxAnomalyFilter  *filter,
                                           GError                **error);

/* Records the analyst's verdict on anomaly @anomaly_id (see
 * ax_store_resolve_anomaly()) and returns the anomaly as it now is. */
AxAnomalyRecord *ax_detect_resolve        (const char           *project_path,
                                           gint64                anomaly_id,
                                           const char           *notes,
                                           gboolean              is_false_positive,
                                           const char           *reason,
                                           GError              **error);

/* How many stored anomalies of the same detection, other than @anomaly_id
 * and not already false positives, marking @anomaly_id a false positive
 * would have suppressed given the false positives marked so far
 * (ax_detection_preview_feedback()); nothing is changed.  *@out_n_past
 * (nullable) gets how many were considered. */
gboolean         ax_detect_preview_false_positive (const char *project_path,
                                                   gint64      anomaly_id,
                                                   guint      *out_n_suppressed,
                                                   guint      *out_n_past,
                                                   GError    **error);

/* The anomaly in the guide's shape: id, detection_id, detection_name,
 * run_id, detected_at, severity, anomaly_score, raw_score, affected_data
 * {dataset, row, time, group}, expected_range {metric: {low, high}},
 * actual_value {metric: value}, context, root_cause_analysis [{metric,
 * share, direction}], status, resolution_notes, is_false_positive,
 * false_positive_reason, resolved_at. */
JsonNode        *ax_anomaly_record_to_json (const AxAnomalyRecord *record);

/* The most contributing metric of @record's root cause, for a one-line
 * summary ("ridership above expected, 91%"); NULL if it has none. */
char            *ax_anomaly_record_top_cause (const AxAnomalyRecord *record);

/* @days (since 1970-01-01, UTC) as "YYYY-MM-DD" when it is a whole day,
 * else "YYYY-MM-DDTHH:MM:SSZ"; NULL for NAN. */
char            *ax_detect_format_time    (double                days);

/* Reads "YYYY-MM-DD" or an ISO 8601 date-time ("2024-01-15T10:30:00Z")
 * into days since 1970-01-01.  With @end, a date means the end of that
 * day and a date-time the end of that second, so that "until" bounds
 * include what they name (AxAnomalyFilter's until is exclusive). */
gboolean         ax_detect_parse_time     (const char           *text,
                                           gboolean              end,
                                           double               *out_days);

G_END_DECLS
