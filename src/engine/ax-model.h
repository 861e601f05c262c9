/* ax-model.h — a predictive model: configuration, training, prediction
 *
 * The configuration is the JSON of the user guide ("Creating a Predictive
 * Model"): model_name, model_type, description, algorithm,
 * hyperparameters, feature_engineering, training_config,
 * validation_split, test_split; plus dataset, target, features (default:
 * every other column), time_column (splits then follow time) and
 * random_seed, and prediction_level (default 0.9) for the ranges.
 *
 * Training runs the whole pipeline on a frame: split (random, stratified
 * for classification, or in time order), preprocessing learned on the
 * training rows only, the algorithm, metrics on the validation and test
 * rows, impurity and permutation importance, and calibration of ranges
 * and confidence on the validation rows (split conformal).  A fitted model
 * saves to one versioned blob and loads back to identical predictions.
 */
#pragma once

#include "ax-frame.h"
#include "ax-learn.h"
#include "ax-metrics.h"

G_BEGIN_DECLS

typedef enum {
  AX_MODEL_SALES_FORECAST,
  AX_MODEL_DEMAND_PREDICTION,
  AX_MODEL_CHURN_PREDICTION,
  AX_MODEL_REVENUE_FORECAST,
  AX_MODEL_INVENTORY_OPTIMIZATION,
  AX_MODEL_CUSTOMER_LIFETIME_VALUE,
  AX_MODEL_PRICE_OPTIMIZATION,
  AX_MODEL_LEAD_SCORING,
  AX_N_MODEL_TYPES
} AxModelType;

const char *ax_model_type_to_string   (AxModelType type);     /* "sales_forecast" */
gboolean    ax_model_type_from_string (const char *str, AxModelType *out);
const char *ax_model_type_label       (AxModelType type);     /* "Sales forecast", translated */

typedef enum {
  AX_NORMALIZE_STANDARD,   /* "standard" or true */
  AX_NORMALIZE_MINMAX,     /* "minmax" */
  AX_NORMALIZE_NONE,       /* "none" or false */
} AxNormalize;

typedef enum {
  AX_MISSING_MEAN,
  AX_MISSING_MEDIAN,
  AX_MISSING_MODE,
  AX_MISSING_CONSTANT,     /* feature_engineering.missing_constant, default 0 */
  AX_MISSING_DROP,         /* rows with a missing feature or target are left out */
} AxMissing;

typedef struct {
  char         *model_name;
  AxModelType   model_type;
  char         *description;
  char         *algorithm;
  AxParams     *hyperparameters;     /* checked and complete */
  AxNormalize   normalize;
  AxMissing     handle_missing;
  double        missing_constant;
  /* training_config: kept as given; epochs, batch_size and learning_rate
   * drive the gradient-trained linear models. */
  guint         epochs;
  guint         batch_size;
  double        learning_rate;
  double        validation_split;    /* default 0.2 */
  double        test_split;          /* default 0.1 */
  char         *dataset;
  char         *target;
  char        **features;            /* NULL: every column but target and time_column */
  char         *time_column;         /* NULL: random (or stratified) splits */
  guint64       random_seed;         /* default 42 */
  double        prediction_level;    /* default 0.9 */
} AxModelConfig;

/* Parses and checks a configuration.  Errors are AX_LEARN_ERROR_CONFIG and
 * name the field: "model_type: “forecast” is not a model type; use one of
 * sales_forecast, ...", "hyperparameters.max_depth: must be between 1 and
 * 100".  Checks that need the data (the target exists, the splits leave
 * rows) happen in ax_model_train(). */
AxModelConfig *ax_model_config_from_json (const char           *json,
                                          GError              **error);
char          *ax_model_config_to_json   (const AxModelConfig  *config);
AxModelConfig *ax_model_config_copy      (const AxModelConfig  *config);
void           ax_model_config_free      (AxModelConfig        *config);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AxModelConfig, ax_model_config_free)

typedef struct {
  char   *feature;          /* a column of the dataset */
  double  impurity;         /* NAN when the algorithm has none */
  double  permutation;      /* drop in the validation score when shuffled */
} AxImportance;

typedef struct {
  guint   step;             /* 1-based tree or round */
  double  score;            /* validation R2 or log loss after it */
} AxCurvePoint;

/* What training found, for the store and the views. */
typedef struct {
  AxTask         task;
  guint          n_classes;
  char         **class_names;        /* classification: n_classes + NULL */
  guint          n_train, n_valid, n_test;
  AxMetrics     *validation;
  AxMetrics     *test;               /* NULL when test_split is 0 */
  GArray        *curve;              /* AxCurvePoint */
  guint          n_importance;
  AxImportance  *importance;         /* sorted, most important first */
  double         seconds;
  /* Translated sentences about what training left out and why ("“id”
   * looks like an identifier ...", "12 rows without a value of ... were
   * left out"), NULL-terminated, possibly empty. */
  char         **notes;
} AxModelReport;

typedef struct _AxModel AxModel;

/* Trains on @data (the whole dataset; the model splits it).  Progress
 * reaches monitor->progress with the fraction, the ETA-able detail and,
 * through monitor->step, the validation score after each step.  NULL with
 * G_IO_ERROR_CANCELLED when cancelled. */
AxModel             *ax_model_train       (const AxModelConfig  *config,
                                           const AxFrame        *data,
                                           const AxTrainMonitor *monitor,
                                           GCancellable         *cancellable,
                                           GError              **error);
/* ax_model_train() that takes @data and frees it as soon as the model's
 * inputs are prepared from it, before fitting: the dataset and the
 * algorithm's own copies are then never in memory together. */
AxModel             *ax_model_train_take  (const AxModelConfig  *config,
                                           AxFrame              *data,
                                           const AxTrainMonitor *monitor,
                                           GCancellable         *cancellable,
                                           GError              **error);
void                 ax_model_free        (AxModel              *model);
const AxModelConfig *ax_model_get_config  (const AxModel        *model);
const AxModelReport *ax_model_get_report  (const AxModel        *model);

/* The held-out rows a model just trained was last scored on: the test
 * rows, or the validation rows when there are none (*@test says which),
 * in the split's order: each row's target as encoded (the value, or the
 * class index), its prediction as ax_model_predict() makes it (the value,
 * or the most probable class) and, for a classification, its n_classes
 * calibrated probabilities (else NULL).  FALSE for a model loaded from a
 * blob: these are kept only in memory, not saved. */
gboolean             ax_model_get_held_out (const AxModel  *model,
                                            gboolean       *test,
                                            guint          *n_rows,
                                            const double  **actual,
                                            const double  **predicted,
                                            const double  **probability);
/* The input columns a prediction needs, with their types. */
guint                ax_model_get_n_inputs (const AxModel       *model);
const char          *ax_model_get_input_name (const AxModel     *model, guint i);
AxColumnType         ax_model_get_input_type (const AxModel     *model, guint i);

typedef struct {
  AxTask    task;
  guint     n_rows;
  guint     n_classes;
  char    **class_names;   /* borrowed from the model */
  double   *value;         /* regression: the prediction; classification:
                            * the predicted class index */
  double   *lower;         /* regression: the range at the model's
                            * prediction_level; classification: NAN */
  double   *upper;
  double   *confidence;    /* 0..1, see the README for its meaning */
  double   *probability;   /* classification: n_rows x n_classes, calibrated */
  double   *score;         /* lead_scoring: 0..100, else NULL */
} AxPredictions;

/* Predicts every row of @input.  Columns are matched by name; extra
 * columns are ignored; a missing one is an error naming it; values of a
 * different type are converted (text "12.5" to a real) or are an error
 * naming row and column. */
AxPredictions       *ax_model_predict     (const AxModel        *model,
                                           const AxFrame        *input,
                                           GError              **error);
void                 ax_predictions_free  (AxPredictions        *p);

/* A versioned, self-contained blob: configuration, preprocessing, the
 * fitted algorithm, calibration and report. */
GBytes              *ax_model_save        (const AxModel        *model);
AxModel             *ax_model_load        (GBytes               *blob,
                                           GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AxModel, ax_model_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AxPredictions, ax_predictions_free)

G_END_DECLS
