/* ax-detectors-private.h — the detectors the registry lists
 *
 * Each is defined in its own file: isolation_forest in ax-iforest.c,
 * robust_zscore in ax-zscore.c, seasonal in ax-seasonal.c.  Adding a
 * detector is one line here and one entry in ax-detectors.c.
 */
#pragma once

#include "ax-detect.h"

G_BEGIN_DECLS

extern const AxDetector ax_isolation_forest_detector;
extern const AxDetector ax_robust_zscore_detector;
extern const AxDetector ax_seasonal_detector;

G_END_DECLS
