/* ax-store-models.h — predictive models, their versions and predictions
 *
 * A model is a name with a type and an algorithm (`models`).  Every
 * training run adds a version (`model_versions`): the configuration, the
 * metrics on the validation and test rows, the training curve, the feature
 * importance, the fitted model as a blob, and the dataset it learned from
 * by name and content hash.  Every prediction made with a version is kept
 * (`predictions`) with its input, its output and the time.  Configuration,
 * metrics, curve, importance, input and output are JSON text; the store
 * checks that they are valid JSON and leaves their meaning to core.
 *
 * Deleting a model deletes its versions and their predictions.
 */
#pragma once

#include "ax-store.h"

G_BEGIN_DECLS

typedef struct {
  gint64   model_id;
  guint    version;        /* 1, 2, ... per model */
  char    *created;        /* ISO 8601, UTC */
  char    *config;         /* JSON object: the configuration trained with */
  char    *metrics;        /* JSON object: {"validation": {...}, "test": {...} or null} */
  char    *curve;          /* JSON array */
  char    *importance;     /* JSON array */
  char    *dataset_name;
  char    *dataset_hash;   /* hex SHA-256 of the dataset's rows, in order */
  gint64   n_train, n_valid, n_test;
  double   seconds;        /* training time */
  GBytes  *blob;           /* the fitted model; NULL where not asked for */
} AxModelVersion;

void            ax_model_version_free (AxModelVersion *version);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AxModelVersion, ax_model_version_free)

typedef struct {
  gint64          id;
  char           *name;
  char           *model_type;      /* "churn_prediction", ... */
  char           *algorithm;       /* "random_forest", ... */
  char           *description;     /* "" when there is none */
  char           *created;         /* ISO 8601, UTC: the first version */
  char           *updated;         /* ISO 8601, UTC: the latest version */
  guint           active_version;  /* the version predictions use */
  gboolean        is_active;       /* FALSE: deactivated by the analyst */
  guint           n_versions;
  gint64          n_predictions;
  AxModelVersion *latest;          /* without its blob; NULL if no version */
} AxModelInfo;

void            ax_model_info_free (AxModelInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AxModelInfo, ax_model_info_free)

/* Adds a version to the model called @model->name, creating the model
 * first if there is none of that name; the model takes @model's type,
 * algorithm and description, and the new version becomes the active one.
 * Of @version, every field but model_id, version and created is stored
 * (blob included, which must not be NULL).  The version number is one more
 * than the model's highest.  All of it is one transaction: on failure, or
 * if the process dies halfway, the project is as it was.  Joins the
 * caller's transaction when one is open (ax_store_begin()). */
gboolean        ax_store_save_model_version   (AxStore               *self,
                                               const AxModelInfo     *model,
                                               const AxModelVersion  *version,
                                               gint64                *out_model_id,
                                               guint                 *out_version,
                                               GError               **error);

/* Every model, ordered by name, each with its latest version (without the
 * blob); a GPtrArray of AxModelInfo. */
GPtrArray      *ax_store_list_models          (AxStore               *self,
                                               GError               **error);

/* One model by id, or by name when @id is 0; AX_STORE_ERROR_NOT_FOUND if
 * there is none. */
AxModelInfo    *ax_store_get_model            (AxStore               *self,
                                               gint64                 id,
                                               const char            *name,
                                               GError               **error);

/* Every version of model @model_id, oldest first, without blobs; a
 * GPtrArray of AxModelVersion. */
GPtrArray      *ax_store_list_model_versions  (AxStore               *self,
                                               gint64                 model_id,
                                               GError               **error);

/* Version @version of model @model_id with its blob; version 0 is the
 * model's active version.  AX_STORE_ERROR_NOT_FOUND names what is
 * missing. */
AxModelVersion *ax_store_get_model_version    (AxStore               *self,
                                               gint64                 model_id,
                                               guint                  version,
                                               GError               **error);

/* Makes @version the one predictions use by default. */
gboolean        ax_store_set_active_version   (AxStore               *self,
                                               gint64                 model_id,
                                               guint                  version,
                                               GError               **error);

/* Deletes a model with its versions and their predictions. */
gboolean        ax_store_delete_model         (AxStore               *self,
                                               gint64                 model_id,
                                               GError               **error);

/* Records @n_rows predictions of version @version of model @model_id,
 * all with the same time: @inputs[i] and @outputs[i] are JSON objects,
 * and @contexts[i] (@contexts nullable, and each of them) one too: where
 * the prediction came from and the analyst's context notes.
 * @out_ids (NULL or room for @n_rows) gets their ids, and @out_created
 * (nullable) the time written.  One transaction, or the caller's when one
 * is open (ax_store_begin()), so that a long batch can be recorded in
 * parts and still appear at once or not at all. */
gboolean        ax_store_record_predictions   (AxStore               *self,
                                               gint64                 model_id,
                                               guint                  version,
                                               guint                  n_rows,
                                               const char * const    *inputs,
                                               const char * const    *outputs,
                                               const char * const    *contexts,
                                               gint64                *out_ids,
                                               char                 **out_created,
                                               GError               **error);

typedef struct {
  gint64   id;
  gint64   model_id;
  guint    version;
  char    *created;     /* ISO 8601, UTC */
  char    *input;       /* JSON */
  char    *output;      /* JSON */
} AxPredictionRecord;

void            ax_prediction_record_free     (AxPredictionRecord *record);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AxPredictionRecord, ax_prediction_record_free)

/* The latest @limit predictions (0: all) of model @model_id (0: of every
 * model), newest first; a GPtrArray of AxPredictionRecord.  The guide's
 * "prediction history". */
GPtrArray      *ax_store_list_predictions     (AxStore               *self,
                                               gint64                 model_id,
                                               guint                  limit,
                                               GError               **error);

G_END_DECLS
