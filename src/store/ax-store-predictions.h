/* ax-store-predictions.h — the prediction history: queries, actuals, context
 *
 * Predictions are written by ax_store_record_predictions()
 * (ax-store-models.h).  This file reads them back for the history view
 * (filtered by model, version and time, a page at a time), records what
 * really happened (actual: a JSON value like the output's "value", with
 * the time it was recorded), keeps the analyst's context notes (the
 * guide's context_metadata, a JSON object) and summarises the accuracy of
 * the predictions whose actual is known, per model and day.
 */
#pragma once

#include "ax-store.h"

G_BEGIN_DECLS

typedef struct {
  gint64       model_id;     /* 0: every model */
  guint        version;      /* 0: every version (needs model_id) */
  const char  *since;        /* ISO 8601 UTC, inclusive; NULL: no bound */
  const char  *until;        /* ISO 8601 UTC, exclusive; NULL: no bound */
  gboolean     with_actual;  /* only predictions whose actual is known */
} AxPredictionFilter;

typedef struct {
  gint64   id;
  gint64   model_id;
  char    *model_name;
  guint    version;
  char    *created;          /* ISO 8601, UTC */
  char    *input;            /* JSON object */
  char    *output;           /* JSON object: value, lower_bound, ... */
  char    *actual;           /* JSON value, or NULL until recorded */
  char    *actual_recorded;  /* ISO 8601, UTC, or NULL */
  char    *context;          /* JSON object, or NULL */
} AxPredictionEntry;

void        ax_prediction_entry_free (AxPredictionEntry *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AxPredictionEntry, ax_prediction_entry_free)

/* The predictions @filter keeps (NULL: all), newest first, skipping
 * @offset and returning at most @limit (0: all); a GPtrArray of
 * AxPredictionEntry. */
GPtrArray  *ax_store_query_predictions   (AxStore                  *self,
                                          const AxPredictionFilter *filter,
                                          guint                     offset,
                                          guint                     limit,
                                          GError                  **error);

/* Prediction @id; AX_STORE_ERROR_NOT_FOUND when there is none. */
AxPredictionEntry *ax_store_get_prediction (AxStore              *self,
                                            gint64                id,
                                            GError              **error);

/* How many predictions @filter keeps (NULL: all); -1 with @error set. */
gint64      ax_store_count_predictions   (AxStore                  *self,
                                          const AxPredictionFilter *filter,
                                          GError                  **error);

/* Records @actuals[i] (JSON text of one value; NULL clears it) as the
 * actual of prediction @ids[i], with the time now, for i < @n, in one
 * transaction (or the caller's).  AX_STORE_ERROR_NOT_FOUND names the
 * first id that does not exist, and nothing is changed. */
gboolean    ax_store_set_prediction_actuals (AxStore              *self,
                                             guint                 n,
                                             const gint64         *ids,
                                             const char * const   *actuals,
                                             GError              **error);

typedef struct {
  gint64   model_id;
  char    *day;           /* "2024-01-15", the UTC day the predictions were made */
  guint    n;             /* predictions with a known actual */
  double   mae;           /* mean |value − actual| where both are numbers, else NAN */
  double   accuracy;      /* share with value = actual (classification) */
  double   in_range;      /* share of numeric actuals within [lower_bound, upper_bound],
                           * NAN when none has a range */
} AxPredictionAccuracy;

void        ax_prediction_accuracy_free (AxPredictionAccuracy *acc);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AxPredictionAccuracy, ax_prediction_accuracy_free)

/* Per model and day, the accuracy of the predictions @filter keeps that
 * have an actual, ordered by model and day; a GPtrArray of
 * AxPredictionAccuracy.  with_actual in @filter is implied. */
GPtrArray  *ax_store_prediction_accuracy_by_day (AxStore                  *self,
                                                 const AxPredictionFilter *filter,
                                                 GError                  **error);

/* The most frequent values of text column @column of dataset @dataset,
 * most frequent first, at most @limit (+ NULL): the categories a form
 * offers.  AX_STORE_ERROR_NOT_FOUND when the dataset or column is
 * missing. */
char      **ax_store_dataset_column_categories (AxStore     *self,
                                                const char  *dataset,
                                                const char  *column,
                                                guint        limit,
                                                GError     **error);

G_END_DECLS
