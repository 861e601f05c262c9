/* ax-learn.h — what every learning algorithm sees and gives back
 *
 * The model pipeline (ax-model.h) turns a frame into a dense matrix of
 * features (ax-prep.h) and a target, and hands them to an algorithm through
 * the AxAlgorithm interface below.  An algorithm knows nothing of frames,
 * column types, splits or calibration: it fits numbers to numbers.
 *
 * A new algorithm is one new file defining one `const AxAlgorithm`, listed
 * in ax-algorithms.c (the registry).  The guide calls this "custom
 * algorithm integration".
 */
#pragma once

#include <gio/gio.h>
#include "ax-progress.h"

G_BEGIN_DECLS

#define AX_LEARN_ERROR (ax_learn_error_quark ())

typedef enum {
  AX_LEARN_ERROR_CONFIG,      /* the configuration is invalid: the message names the field */
  AX_LEARN_ERROR_DATA,        /* the data cannot be learned from (no rows, one class, ...) */
  AX_LEARN_ERROR_BLOB,        /* a serialised model is damaged or from a newer version */
  AX_LEARN_ERROR_FAILED,
} AxLearnError;

GQuark ax_learn_error_quark (void);

typedef enum {
  AX_TASK_REGRESSION,
  AX_TASK_CLASSIFICATION,
} AxTask;

/* Features, column-major: x[f * n_rows + i] is feature f of row i.  NAN is
 * a missing value (after preprocessing there are none unless the
 * configuration keeps them for an algorithm that handles them). */
typedef struct {
  guint    n_rows;
  guint    n_features;
  float   *x;
  char   **names;        /* n_features + NULL */
} AxMatrix;

AxMatrix *ax_matrix_new   (guint n_rows, guint n_features);
void      ax_matrix_free  (AxMatrix *m);
static inline float
ax_matrix_get (const AxMatrix *m, guint row, guint feature)
{
  return m->x[(gsize) feature * m->n_rows + row];
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AxMatrix, ax_matrix_free)

/* The target of each row: the value (regression) or the class index
 * 0..n_classes-1 stored as a double (classification).  @weight is NULL or
 * one weight per row (class_weight="balanced" fills it). */
typedef struct {
  AxTask         task;
  guint          n_classes;    /* classification only, >= 2 */
  const double  *y;
  const double  *weight;
} AxTarget;

/* One hyperparameter an algorithm accepts.  Integers and reals carry their
 * range; strings their allowed values ("sqrt|log2|all"); a real where an
 * integer is asked for is an error naming it. */
typedef enum {
  AX_PARAM_INT,
  AX_PARAM_REAL,
  AX_PARAM_BOOL,
  AX_PARAM_CHOICE,   /* a string from choices, or for max_features also a number */
} AxParamType;

typedef struct {
  const char   *name;
  AxParamType   type;
  double        min, max;     /* INT and REAL: inclusive range */
  double        def;          /* default for INT, REAL, BOOL */
  const char   *choices;      /* CHOICE: "|"-separated; the first is the default */
  const char   *help;         /* one line for the GUI and the docs */
} AxParamSpec;

/* Hyperparameter values after checking: every spec'd name is present
 * (the default where the configuration did not set it). */
typedef struct _AxParams AxParams;

AxParams   *ax_params_new        (void);
void        ax_params_free       (AxParams *p);
void        ax_params_set_number (AxParams *p, const char *name, double value);
void        ax_params_set_string (AxParams *p, const char *name, const char *value);
double      ax_params_get_number (const AxParams *p, const char *name);
const char *ax_params_get_string (const AxParams *p, const char *name);  /* NULL if a number */
gboolean    ax_params_has        (const AxParams *p, const char *name);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AxParams, ax_params_free)

/* Training reports each step to a monitor: a tree grown, a boosting round,
 * an optimiser iteration.  @score is the validation score after that step
 * (R2 for regression, log loss for classification) or NAN if the algorithm
 * has no validation data to score on. */
typedef struct {
  AxProgressFunc  progress;
  gpointer        progress_data;
  /* Called from the training thread after each step, may be NULL. */
  void          (*step) (guint step, guint n_steps, double score, gpointer data);
  gpointer        step_data;
  guint           n_threads;   /* 0: every core */
  guint64         seed;
  /* Nobody watches the step scores as they come (the command line): an
   * algorithm may report them all once fitted when that costs less; the
   * scores are the same. */
  gboolean        steps_at_end;
} AxTrainMonitor;

/* A fitted model of one algorithm: opaque to everyone but it. */
typedef struct _AxFitted AxFitted;

typedef struct {
  const char         *name;           /* "random_forest": the configuration's algorithm */
  const char         *label;          /* "Random forest": translatable, for the GUI */
  gboolean            regression;     /* supports AX_TASK_REGRESSION */
  gboolean            classification; /* supports AX_TASK_CLASSIFICATION */
  const AxParamSpec  *params;         /* terminated by { NULL } */

  /* Fits on @train (with an optional @valid set for early stopping and
   * the step scores; may be NULL).  Deterministic for a given
   * monitor->seed and any n_threads.  Honours @cancellable between steps,
   * returning NULL with G_IO_ERROR_CANCELLED. */
  AxFitted *(*fit)         (const AxMatrix      *train,
                            const AxTarget      *train_y,
                            const AxMatrix      *valid,     /* nullable */
                            const AxTarget      *valid_y,   /* nullable */
                            const AxParams      *params,
                            const AxTrainMonitor *monitor,
                            GCancellable        *cancellable,
                            GError             **error);

  /* Regression: out[i] is the prediction for row i (n_rows values).
   * Classification: out[i * n_classes + k] is the probability of class k.
   * May use several threads. */
  void      (*predict)     (const AxFitted      *fitted,
                            const AxMatrix      *x,
                            double              *out);

  /* Optional, for permutation importance: predictions (as predict()) of
   * @n_copies copies of @x, one after the other, in which copy c takes
   * the features f with group[f] == copy_group[c] from row
   * perm[c * x->n_rows + i] instead of row i (a copy_group no feature
   * has: the rows' own predictions).  Tree ensembles re-walk
   * only the paths that test a moved feature; without this the pipeline
   * builds the copies and predicts them. */
  void      (*predict_shuffled) (const AxFitted *fitted,
                                 const AxMatrix *x,
                                 const guint    *group,
                                 guint           n_copies,
                                 const guint    *copy_group,
                                 const guint    *perm,
                                 double         *out);

  /* Impurity (or gain) importance per feature, summing to 1; NULL when the
   * algorithm has none (permutation importance is computed by the
   * pipeline for every algorithm). */
  double   *(*importance)  (const AxFitted      *fitted);

  /* A self-contained byte string and back.  Loading a blob written by a
   * newer format version fails with AX_LEARN_ERROR_BLOB. */
  GBytes   *(*save)        (const AxFitted      *fitted);
  AxFitted *(*load)        (GBytes              *blob,
                            GError             **error);
  void      (*free)        (AxFitted            *fitted);
} AxAlgorithm;

/* The registry (ax-algorithms.c). */
const AxAlgorithm  *ax_algorithm_find  (const char *name);
/* Every registered algorithm, NULL-terminated. */
const AxAlgorithm *const *ax_algorithm_list (void);

/* Checks @config_params (the configuration's "hyperparameters" object as
 * name → value strings/numbers, already parsed) against @algo's specs and
 * fills a complete AxParams.  Unknown names and values out of range are
 * AX_LEARN_ERROR_CONFIG naming "hyperparameters.NAME". */
AxParams *ax_algorithm_check_params (const AxAlgorithm *algo,
                                     AxParams          *given,
                                     GError           **error);

/* The same checking against any { NULL }-terminated spec array: fills a
 * complete AxParams from @given (which may be NULL), or fails with
 * AX_LEARN_ERROR_CONFIG naming "SECTION.NAME" for the first unknown name
 * or bad value ("detection_config.n_estimators: must be ...").  Used for
 * the detectors' detection_config (ax-detect.h). */
AxParams *ax_params_check (const AxParamSpec *specs,
                           const char        *section,
                           const AxParams    *given,
                           GError           **error);

G_END_DECLS
