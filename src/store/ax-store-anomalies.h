/* ax-store-anomalies.h — anomaly detections, their runs and the anomalies found
 *
 * A detection is a name with a configuration (`detections`): the JSON of
 * the guide's "Create Detection Configuration", its anomaly type, algorithm
 * and dataset, and how far into the dataset it has scored
 * (rows_scored_until, the dataset's row count at its last run), so that
 * the next run scores only the rows added since.  Every run is kept
 * (`detection_runs`) with the thresholds it applied, and every anomaly it
 * found (`anomalies`) with its score, severity, the actual values and
 * expected range of each monitored metric, its context and root cause, and
 * the analyst's verdict: open, resolved, or false positive, with notes.
 *
 * The JSON an anomaly keeps:
 *   actual      {"metric": value, ...}  (null for a missing value)
 *   expected    {"metric": {"low": x, "high": y}, ...}
 *   context     an object, as the engine wrote it
 *   root_cause  [{"metric": m, "share": s, "direction": "above"|"below"|"inside"}, ...],
 *               most contributing first
 * The store checks that they are valid JSON; the false-positive feedback
 * (ax_store_get_feedback()) reads actual's values by metric name.
 *
 * Deleting a detection deletes its runs and their anomalies.
 */
#pragma once

#include "ax-store.h"
/* For AxSeverity and AxFeedback only: the store runs no detection. */
#include "ax-detect.h"

G_BEGIN_DECLS

typedef enum {
  AX_ANOMALY_STATUS_OPEN,
  AX_ANOMALY_STATUS_RESOLVED,
  AX_ANOMALY_STATUS_FALSE_POSITIVE,
} AxAnomalyStatus;

/* "open", "resolved", "false_positive". */
const char *ax_anomaly_status_to_string   (AxAnomalyStatus  status);
gboolean    ax_anomaly_status_from_string (const char      *str,
                                           AxAnomalyStatus *out);

typedef struct {
  gint64   id;
  char    *name;               /* the configuration's detection_name */
  char    *config;             /* JSON: the configuration of the last run */
  char    *anomaly_type;       /* "revenue_anomaly", ... */
  char    *algorithm;          /* "robust_zscore", ... */
  char    *dataset;            /* the dataset's name */
  char    *dataset_imported_at;/* when that dataset was imported, as of the last run; nullable */
  char    *created;            /* ISO 8601, UTC */
  char    *updated;            /* ISO 8601, UTC: when the configuration last changed */
  char    *last_run;           /* ISO 8601, UTC: when the last run finished; NULL before one */
  gint64   rows_scored_until;  /* the dataset's row count at the last run */
  guint    n_runs;
  gint64   n_open;             /* anomalies still open */
  gint64   n_anomalies;        /* every anomaly, whatever its status */
  gboolean enabled;            /* monitored: the scheduler runs it at its detection_frequency */
} AxDetectionInfo;

void ax_detection_info_free (AxDetectionInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AxDetectionInfo, ax_detection_info_free)

typedef struct {
  gint64   id;
  gint64   detection_id;
  char    *started;            /* ISO 8601, UTC */
  char    *finished;           /* ISO 8601, UTC */
  gint64   first_row;          /* the run covered rows first_row .. the dataset's end then */
  gint64   rows_scored;
  gint64   rows_skipped;       /* rows from first_row on left unscored: a value they need is missing */
  guint    n_anomalies;        /* as found by the run (later full runs may supersede open ones) */
  char    *thresholds;         /* JSON {"low": x, "medium": .., "high": .., "critical": ..} as applied */
  guint    n_suppressed;       /* anomalies the false-positive feedback pushed below "low" */
} AxDetectionRun;

void ax_detection_run_free (AxDetectionRun *run);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AxDetectionRun, ax_detection_run_free)

typedef struct {
  gint64           id;
  gint64           detection_id;
  char            *detection_name;        /* read only: filled in when read */
  char            *dataset;               /* read only: the detection's dataset */
  gint64           run_id;
  char            *detected_at;           /* ISO 8601, UTC: when its run finished */
  gint64           dataset_row;           /* 0-based row of the dataset */
  double           time;                  /* the row's time, days since 1970-01-01; NAN if none */
  char            *group_value;           /* nullable */
  double           score;                 /* 0..1, after feedback */
  double           raw_score;             /* 0..1, the detector's */
  AxSeverity       severity;              /* low .. critical */
  char            *actual;                /* JSON, see above */
  char            *expected;
  char            *context;
  char            *root_cause;
  AxAnomalyStatus  status;
  char            *resolution_notes;      /* NULL while open */
  gboolean         is_false_positive;
  char            *false_positive_reason; /* nullable */
  char            *resolved_at;           /* ISO 8601, UTC; NULL while open */
} AxAnomalyRecord;

void ax_anomaly_record_free (AxAnomalyRecord *record);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AxAnomalyRecord, ax_anomaly_record_free)

/* Saves one run of a detection with the anomalies it found, in one
 * transaction (or the caller's, see ax_store_begin()):
 *
 * - the detection called @detection->name is created, or updated: its
 *   config, anomaly_type, algorithm, dataset, dataset_imported_at and
 *   rows_scored_until are taken from @detection, last_run becomes @run->finished, and updated
 *   changes when the configuration did;
 * - @run is added (every field but id and detection_id);
 * - when @supersede_open, the anomalies of earlier runs of the detection
 *   that are still open are deleted first: a run that rescored every row
 *   replaces them, while resolved and false-positive ones stay as the
 *   analyst's record;
 * - the @n_anomalies records are added as open anomalies of the run
 *   (every field from dataset_row to root_cause; detected_at is
 *   @run->finished).
 *
 * On success, *@out_detection_id and *@out_run_id (both nullable) are set
 * and each record's id, detection_id, run_id, detected_at and status are
 * filled in.  On failure nothing is changed. */
gboolean         ax_store_save_detection_run (AxStore                *self,
                                              const AxDetectionInfo  *detection,
                                              const AxDetectionRun   *run,
                                              gboolean                supersede_open,
                                              AxAnomalyRecord *const *anomalies,
                                              guint                   n_anomalies,
                                              gint64                 *out_detection_id,
                                              gint64                 *out_run_id,
                                              GError                **error);

/* Every detection, ordered by name; a GPtrArray of AxDetectionInfo. */
GPtrArray       *ax_store_list_detections    (AxStore      *self,
                                              GError      **error);

/* One detection by id, or by name when @id is 0;
 * AX_STORE_ERROR_NOT_FOUND if there is none. */
AxDetectionInfo *ax_store_get_detection      (AxStore      *self,
                                              gint64        id,
                                              const char   *name,
                                              GError      **error);

/* Deletes a detection with its runs and anomalies. */
gboolean         ax_store_delete_detection   (AxStore      *self,
                                              gint64        id,
                                              GError      **error);

/* Turns monitoring of detection @id on or off (detections.enabled): the
 * scheduler runs only enabled detections; running one by hand is always
 * possible.  AX_STORE_ERROR_NOT_FOUND if there is none with @id. */
gboolean         ax_store_set_detection_enabled (AxStore   *self,
                                                 gint64     id,
                                                 gboolean   enabled,
                                                 GError   **error);

/* The runs of detection @detection_id, oldest first; a GPtrArray of
 * AxDetectionRun. */
GPtrArray       *ax_store_list_detection_runs (AxStore     *self,
                                               gint64       detection_id,
                                               GError     **error);

/* Which anomalies ax_store_list_anomalies() returns.  Start from
 * ax_anomaly_filter_init(), which selects every anomaly. */
typedef struct {
  gint64      detection_id;   /* 0: of every detection */
  int         severity;       /* an AxSeverity (exactly that one), or -1 for any */
  int         status;         /* an AxAnomalyStatus, or -1 for any */
  /* A time range, days since 1970-01-01 UTC: since <= t < until (NAN: no
   * bound).  t is the anomaly's data time, the value of the time column
   * in its row; an anomaly without one (its detection has no
   * time_column) is placed by detected_at instead. */
  double      since;
  double      until;
  guint       limit;          /* 0: all */
} AxAnomalyFilter;

void             ax_anomaly_filter_init      (AxAnomalyFilter *filter);

/* The anomalies @filter (NULL: all) selects, most recent data first
 * (then highest score); a GPtrArray of AxAnomalyRecord. */
GPtrArray       *ax_store_list_anomalies     (AxStore               *self,
                                              const AxAnomalyFilter *filter,
                                              GError               **error);

/* One anomaly; AX_STORE_ERROR_NOT_FOUND if there is none with @id. */
AxAnomalyRecord *ax_store_get_anomaly        (AxStore      *self,
                                              gint64        id,
                                              GError      **error);

/* Records the analyst's verdict on anomaly @id: @notes (not NULL), and
 * either a genuine anomaly dealt with (status "resolved") or, with
 * @is_false_positive, a false positive with an optional @reason (status
 * "false_positive", fed back to later runs).  resolved_at is now.  A
 * verdict may be given again; the latest counts.  @reason without
 * @is_false_positive is refused. */
gboolean         ax_store_resolve_anomaly    (AxStore      *self,
                                              gint64        id,
                                              const char   *notes,
                                              gboolean      is_false_positive,
                                              const char   *reason,
                                              GError      **error);

/* The false-positive feedback of detection @detection_id for a run that
 * monitors @metrics (NULL-terminated): one AxFeedback per anomaly marked
 * false positive, oldest first, with its group, its raw_score (the
 * detector's, before feedback) and its values of @metrics in that order,
 * read by name from its actual values (NAN where it has none for a
 * metric, or the value was missing).  A GArray of AxFeedback that frees
 * their contents with it. */
GArray          *ax_store_get_feedback       (AxStore             *self,
                                              gint64               detection_id,
                                              const char * const  *metrics,
                                              GError             **error);

/* The same, as AxFeedback, for every anomaly of @detection_id selected by
 * @status (-1: all), each with its anomaly id in @out_ids (nullable; a
 * GArray of gint64 in the same order).  For previews of feedback over
 * past anomalies. */
GArray          *ax_store_get_anomaly_values (AxStore             *self,
                                              gint64               detection_id,
                                              int                  status,
                                              const char * const  *metrics,
                                              GArray             **out_ids,
                                              GError             **error);

G_END_DECLS
