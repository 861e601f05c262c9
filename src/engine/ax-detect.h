/* ax-detect.h — anomaly detection: detectors, configuration, explained anomalies
 *
 * The configuration is the JSON of the user guide ("Setting Up Anomaly
 * Detection"): detection_name, anomaly_type (revenue_anomaly,
 * inventory_anomaly, transaction_anomaly, customer_behavior_anomaly,
 * operational_anomaly, quality_anomaly), description, algorithm,
 * detection_config, threshold_config.severity_thresholds (low, medium,
 * high, critical), monitored_metrics, detection_frequency; plus dataset,
 * time_column, group_by (one series per value, e.g. per store), random_seed,
 * and optionally threshold_config.alert_budget ({"alerts": 3, "per": "week"})
 * instead of fixed thresholds, and detection_config.window (rows or days of
 * history a run refits on).
 *
 * A detector scores rows of a matrix of monitored metrics: a score in 0..1
 * per row (1 = most anomalous), an expected range per metric, and each
 * metric's contribution to the score (the root cause).  The run
 * (ax_detection_run) turns scores into anomalies: severity from the
 * thresholds, context, the ranked root cause, and the false-positive
 * feedback of earlier runs.
 *
 * A new detector is one new file defining one `const AxDetector`, listed in
 * ax-detectors.c.
 */
#pragma once

#include "ax-frame.h"
#include "ax-learn.h"

G_BEGIN_DECLS

typedef enum {
  AX_ANOMALY_REVENUE,
  AX_ANOMALY_INVENTORY,
  AX_ANOMALY_TRANSACTION,
  AX_ANOMALY_CUSTOMER_BEHAVIOR,
  AX_ANOMALY_OPERATIONAL,
  AX_ANOMALY_QUALITY,
  AX_N_ANOMALY_TYPES
} AxAnomalyType;

const char *ax_anomaly_type_to_string   (AxAnomalyType type);   /* "revenue_anomaly" */
gboolean    ax_anomaly_type_from_string (const char *str, AxAnomalyType *out);

typedef enum {
  AX_SEVERITY_NONE,        /* below "low": not an anomaly */
  AX_SEVERITY_LOW,
  AX_SEVERITY_MEDIUM,
  AX_SEVERITY_HIGH,
  AX_SEVERITY_CRITICAL,
} AxSeverity;

const char *ax_severity_to_string   (AxSeverity s);              /* "low", ... */
gboolean    ax_severity_from_string (const char *str, AxSeverity *out);

/* What a detector is given: the monitored metrics of the rows to learn
 * from (@fit) and to score (@score, often the same rows), column-major as
 * in AxMatrix (names = the metrics), with the time of each row in days
 * (NAN when there is no time column) for detectors that use it. */
typedef struct {
  const AxMatrix *x;
  const double   *time;          /* n_rows, days since 1970-01-01 (fractional), or NULL */
} AxSeries;

/* A detector's output for each scored row.  The expected range is kept
 * per row when it varies (the seasonal baseline) and once per metric when
 * it is the same for every row (the isolation forest, the robust z-score):
 * read it through ax_scores_range_at(). */
typedef struct {
  guint    n_rows;
  guint    n_metrics;
  double  *score;                /* n_rows, 0..1 */
  gboolean ranges_per_row;       /* FALSE: expected_low/high hold n_metrics values */
  double  *expected_low;         /* n_rows x n_metrics, [row * n_metrics + m], or n_metrics */
  double  *expected_high;
  double  *contribution;         /* n_rows x n_metrics, >= 0, summing to 1 per row */
  double  *direction;            /* n_rows x n_metrics: +1 above expected, -1 below, 0 inside */
} AxScores;

/* Expected ranges per row. */
AxScores *ax_scores_new  (guint n_rows, guint n_metrics);
/* One expected range per metric, shared by every row. */
AxScores *ax_scores_new_shared_ranges (guint n_rows, guint n_metrics);
void      ax_scores_free (AxScores *s);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AxScores, ax_scores_free)

/* Where metric @m's expected range for @row is in expected_low/high. */
static inline gsize
ax_scores_range_at (const AxScores *s,
                    guint           row,
                    guint           m)
{
  return s->ranges_per_row ? (gsize) row * s->n_metrics + m : m;
}

typedef struct _AxDetectorState AxDetectorState;   /* a fitted detector, opaque */

typedef struct {
  const char         *name;       /* "isolation_forest", "robust_zscore", "seasonal" */
  const char         *label;      /* translatable */
  const AxParamSpec  *params;     /* detection_config keys it accepts; { NULL }-terminated */
  gboolean            needs_time; /* seasonal: the configuration must name a time_column */

  AxDetectorState *(*fit)   (const AxSeries       *fit,
                             const AxParams       *params,
                             const AxTrainMonitor *monitor,
                             GCancellable         *cancellable,
                             GError              **error);
  /* Scores @score's rows; may use several threads.  Checks @cancellable
   * (nullable) between chunks of rows: G_IO_ERROR_CANCELLED, NULL. */
  AxScores        *(*score) (const AxDetectorState *state,
                             const AxSeries        *score,
                             GCancellable          *cancellable,
                             GError               **error);
  void             (*free)  (AxDetectorState       *state);
} AxDetector;

const AxDetector        *ax_detector_find (const char *name);
const AxDetector *const *ax_detector_list (void);   /* NULL-terminated */

/* Checks a configuration's detection_config (@given, may be NULL) against
 * @detector's specs plus the run's own key "window" (a whole number of
 * rows, 0 = all), and returns the complete AxParams, defaults filled in.
 * Errors are AX_LEARN_ERROR_CONFIG naming "detection_config.NAME". */
AxParams                *ax_detector_check_params (const AxDetector *detector,
                                                   const AxParams   *given,
                                                   GError          **error);

/* The configuration. */

typedef struct {
  double  thresholds[5];         /* indexed by AxSeverity; [NONE] unused */
  guint   budget_alerts;         /* 0: no alert budget, thresholds as given */
  char   *budget_per;            /* "day", "week", "month" */
} AxThresholdConfig;

typedef struct {
  char              *detection_name;
  AxAnomalyType      anomaly_type;
  char              *description;
  char              *algorithm;
  AxParams          *detection_config;   /* checked against the detector's specs */
  AxThresholdConfig  threshold_config;   /* defaults 0.5, 0.7, 0.85, 0.95 */
  char             **monitored_metrics;  /* numeric columns, at least one */
  char              *detection_frequency;/* "hourly", "daily", "weekly", ... kept as given */
  char              *dataset;
  char              *time_column;        /* nullable */
  char              *group_by;           /* nullable */
  guint64            random_seed;        /* default 42 */
  guint              window;             /* rows of history to refit on per series; 0 = all */
} AxDetectionConfig;

/* Errors are AX_LEARN_ERROR_CONFIG naming the field
 * ("threshold_config.severity_thresholds.high: must be between medium
 * (0.7) and critical (0.95)"). */
AxDetectionConfig *ax_detection_config_from_json (const char *json, GError **error);
char              *ax_detection_config_to_json   (const AxDetectionConfig *config);
void               ax_detection_config_free      (AxDetectionConfig *config);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AxDetectionConfig, ax_detection_config_free)

/* False-positive feedback given to a run: earlier anomalies an analyst
 * marked false positive, by their metric values (and group).  A row is
 * damped by the nearest example of its group (ax-feedback.c); with
 * @expected the likeness also asks for a like expectation, so that a busy
 * weekday marked false (21,000 riders where 17,000 were expected) does not
 * damp 21,000 on a Saturday, where 7,000 were.  Give @expected for the
 * feedback and for the past anomalies of a preview alike, or for
 * neither. */
typedef struct {
  char    *group;                /* nullable */
  guint    n_metrics;
  double  *values;               /* the monitored metrics' values of that row */
  double   score;                /* its score when it was marked */
  double  *expected;             /* nullable: n_metrics, the middle of each metric's
                                  * expected range then ((low + high) / 2) */
} AxFeedback;

/* One anomaly found by a run. */
typedef struct {
  gint64       row;              /* 0-based row of the dataset */
  double       time;             /* days since epoch, NAN without time_column */
  char        *group;            /* nullable */
  double       score;            /* 0..1, after feedback */
  double       raw_score;        /* 0..1, the detector's */
  AxSeverity   severity;
  double      *actual;           /* n_metrics */
  double      *expected_low;     /* n_metrics */
  double      *expected_high;    /* n_metrics */
  /* Root cause: the metrics ranked by contribution, most first. */
  guint       *cause_metric;     /* n_metrics indices into monitored_metrics */
  double      *cause_share;      /* n_metrics, summing to 1 */
  double      *cause_direction;  /* n_metrics: +1 above, -1 below */
  char        *context;          /* JSON: neighbouring values, the group */
} AxAnomaly;

typedef struct {
  guint       n_metrics;
  char      **metrics;           /* borrowed from the config */
  guint64     n_scored;          /* rows scored by this run */
  double     *scores;            /* every scored row's score, n_scored (for --scores) */
  gint64     *scored_rows;       /* their dataset rows */
  AxSeverity *scored_severity;
  GPtrArray  *anomalies;         /* AxAnomaly*, most severe first */
  double      thresholds[5];     /* as applied (the alert budget's choice when set) */
  guint       budget_alerts;     /* alerts the replayed history was set to raise (the
                                  * alert budget, or contamination x the replayed rows);
                                  * 0: the configured thresholds were applied */
  guint64     n_replayed;        /* rows of history replayed to set the thresholds */
  guint       n_suppressed;      /* anomalies that feedback pushed below "low" */
  guint64     n_skipped;         /* rows from first_row on not scored: a metric, the time
                                  * or the group missing */
} AxDetectionResult;

/* Runs a detection on @data: fits on the window of history (per group)
 * and scores rows from @first_row on (0 for a first run; the last run's
 * row count for an incremental one).  @feedback may be NULL. */
AxDetectionResult *ax_detection_run  (const AxDetectionConfig *config,
                                      const AxFrame           *data,
                                      gint64                   first_row,
                                      const AxFeedback        *feedback,
                                      guint                    n_feedback,
                                      const AxTrainMonitor    *monitor,
                                      GCancellable            *cancellable,
                                      GError                 **error);
void               ax_detection_result_free (AxDetectionResult *r);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AxDetectionResult, ax_detection_result_free)

void               ax_anomaly_free (AxAnomaly *a);

/* How many of @past (scores and metric values of stored anomalies) the
 * given new feedback would have suppressed: the preview shown before a
 * false-positive mark is applied.  @past[i].score is the anomaly's
 * raw_score (before feedback) and its @expected the middle of its
 * expected ranges; a past anomaly counts when @existing feedback leaves
 * it at or above config's "low" threshold and @added then takes it
 * below.  For an alert-budget configuration, put the thresholds
 * the run applied (AxDetectionResult.thresholds) in config's
 * threshold_config.thresholds. */
guint              ax_detection_preview_feedback (const AxDetectionConfig *config,
                                                  const AxFeedback        *existing,
                                                  guint                    n_existing,
                                                  const AxFeedback        *added,
                                                  const AxFeedback        *past,
                                                  guint                    n_past);

G_END_DECLS
