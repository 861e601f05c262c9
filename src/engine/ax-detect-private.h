/* ax-detect-private.h — what the files of anomaly detection share
 *
 * ax-detect-config.c (the configuration), ax-detection.c (the run),
 * ax-feedback.c (false positives) and ax-seasonal.c (the seasonal
 * detector) use these; nothing outside src/engine/ does.
 */
#pragma once

#include "ax-detect.h"

G_BEGIN_DECLS

/* Rows a detector scores between two checks of its GCancellable. */
#define AX_DETECT_CANCEL_ROWS 4096u

/* The @k-th smallest of @v[0..n) (0-based), reordering @v so that the
 * values before position k are no greater and those after no smaller
 * (Hoare's selection); and the median of @v, reordering it (the mean of
 * the middle two for an even count, NAN when empty).  ax-detection.c. */
double ax_detect_select (double *v,
                         gsize   n,
                         gsize   k);
double ax_detect_median (double *v,
                         gsize   n);

/* The severity of @score under @thresholds (indexed by AxSeverity):
 * the highest level whose threshold the score reaches, NONE below "low". */
AxSeverity ax_severity_for_score (const double *thresholds,
                                  double        score);

/* The thresholds of an alert budget (ax-feedback.c): @k of the @n
 * replayed @scores (reordered) reach "low"; the higher levels keep the
 * proportions the @configured thresholds give on them when the scores
 * are @calibrated to the guide's scale, else the configured relative
 * positions between "low" and the highest score.  @out receives five
 * thresholds indexed by AxSeverity, increasing. */
void   ax_alert_budget_thresholds (const double *configured,
                                   double       *scores,
                                   guint         n,
                                   guint         k,
                                   gboolean      calibrated,
                                   double       *out);

/* False-positive feedback (ax-feedback.c).
 *
 * A row's score is multiplied by the damping of the nearest false-positive
 * example of its group:
 *
 *   score' = score × (1 − W · exp (−d² / (2 h²)))
 *
 * d being the largest relative difference |a − b| / max (|a|, |b|) over
 * the metrics' values (and their expected values, when both the row and
 * the example have them; @expected may be NULL), h =
 * AX_FEEDBACK_BANDWIDTH and W = AX_FEEDBACK_WEIGHT.  Returns the factor
 * (1 when no example applies). */
#define AX_FEEDBACK_BANDWIDTH 0.1
#define AX_FEEDBACK_WEIGHT    0.9

double ax_feedback_damping (const AxFeedback *feedback,
                            guint             n_feedback,
                            const char       *group,
                            const double     *values,
                            const double     *expected,
                            guint             n_metrics);

G_END_DECLS
