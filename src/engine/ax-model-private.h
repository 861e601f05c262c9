/* ax-model-private.h — the model's layout, shared by its two files
 *
 * ax-model.c trains (the pipeline); ax-model-io.c predicts, saves and
 * loads.
 */
#pragma once

#include "ax-calibrate.h"
#include "ax-model.h"
#include "ax-prep.h"

G_BEGIN_DECLS

struct _AxModel {
  AxModelConfig     *config;
  const AxAlgorithm *algo;
  AxPrep            *prep;
  AxFitted          *fitted;
  AxCalibration     *cal;
  AxModelReport      report;
  /* Training's held-out rows (ax_model_get_held_out()); not saved. */
  gboolean           held_test;
  guint              held_n;
  double            *held_actual;
  double            *held_predicted;
  double            *held_probability;
};

/* The algorithm's own output for @x: n_rows values, or n_rows × n_classes
 * probabilities before calibration.  Free with g_free(). */
double *ax_model_predict_raw    (const AxModel  *model,
                                 const AxMatrix *x);
/* The algorithm's difficulty estimate of each row of @x (for a random
 * forest, the standard deviation of its trees' predictions), or NULL when
 * it has none.  Free with g_free(). */
double *ax_model_predict_spread (const AxModel  *model,
                                 const AxMatrix *x);
/* ax_model_predict_raw() and, into *spread, ax_model_predict_spread(),
 * in one pass where the algorithm can (the forest's trees are walked
 * once for both). */
double *ax_model_predict_raw_spread (const AxModel  *model,
                                     const AxMatrix *x,
                                     double        **spread);
/* Frees what @report holds and zeroes it. */
void    ax_model_report_clear   (AxModelReport  *report);

G_END_DECLS
