/* ax-calibrate.h — prediction ranges and confidence, calibrated on the
 * validation rows
 *
 * Classification.  The algorithm's class probabilities are recalibrated
 * on the validation rows: two classes by Platt scaling (a logistic
 * regression of the outcome on the logit of the algorithm's probability,
 * with Platt's smoothed targets), more classes by temperature scaling
 * (p_k ∝ p_k^(1/T)).  Both have one or two parameters, so a few hundred
 * validation rows fit them without overfitting, and both keep the order
 * of the rows (ROC-AUC is unchanged).  The confidence of a prediction is
 * the calibrated probability of the predicted class.
 *
 * Regression (split conformal, normalised).  On the validation rows the
 * nonconformity score of a row is |actual − predicted| / σ, where σ is the
 * difficulty of the row: spread + β for an algorithm that reports one
 * (the standard deviation of a forest's trees; β the median spread, so
 * that rows the trees agree on do not get an empty range), and 1 for the
 * others.  With n validation rows and level L, q is the ⌈(n+1)L⌉-th
 * smallest score, and the range is predicted ± q·σ: for rows exchangeable
 * with the validation rows it holds the actual value with probability at
 * least L.  The confidence of a prediction is the share of validation rows
 * whose score is at most AX_CONFIDENCE_TOLERANCE × |predicted| / σ: an
 * estimate of the probability that the actual value falls within ±10% of
 * the prediction.
 */
#pragma once

#include "ax-learn.h"

G_BEGIN_DECLS

#define AX_CONFIDENCE_TOLERANCE 0.10

typedef struct _AxCalibration AxCalibration;

/* Fits the probability calibration on @n validation rows: @prob holds
 * n × n_classes probabilities of the algorithm, @y the class indices. */
AxCalibration *ax_calibration_fit_classes (const double  *prob,
                                           const double  *y,
                                           guint          n,
                                           guint          n_classes);
/* Calibrates @n rows of probabilities from @raw into @out (may be @raw). */
void           ax_calibration_apply_classes (const AxCalibration *cal,
                                             const double        *raw,
                                             double              *out,
                                             guint                n);

/* Fits the ranges on @n validation rows at @level (0..1).  @spread is
 * NULL or the algorithm's difficulty estimate of each row. */
AxCalibration *ax_calibration_fit_range   (const double  *pred,
                                           const double  *y,
                                           const double  *spread,
                                           guint          n,
                                           double         level);
/* Whether the calibration uses a difficulty estimate, which must then be
 * given to ax_calibration_apply_range(). */
gboolean       ax_calibration_uses_spread (const AxCalibration *cal);
/* Ranges and confidence of @n predictions. */
void           ax_calibration_apply_range (const AxCalibration *cal,
                                           const double        *pred,
                                           const double        *spread,
                                           guint                n,
                                           double              *lower,
                                           double              *upper,
                                           double              *confidence);

AxTask         ax_calibration_get_task    (const AxCalibration *cal);
guint          ax_calibration_get_n_classes (const AxCalibration *cal);

void           ax_calibration_free        (AxCalibration *cal);

GVariant      *ax_calibration_to_variant  (const AxCalibration *cal);
AxCalibration *ax_calibration_from_variant (GVariant           *variant,
                                            GError            **error);

/* Expected calibration error of the top label: rows are binned by the
 * probability of their predicted class into @n_bins equal bins over
 * [0, 1]; the result is the row-weighted mean over bins of
 * |accuracy − mean probability|. */
double         ax_calibration_ece         (const double  *prob,
                                           const double  *y,
                                           guint          n,
                                           guint          n_classes,
                                           guint          n_bins);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AxCalibration, ax_calibration_free)

G_END_DECLS
