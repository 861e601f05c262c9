/* ax-algorithms-private.h — the algorithms the registry lists
 *
 * Each is defined in its own file (ax-linear.c, ...).  Adding an algorithm
 * is one line here and one entry in ax-algorithms.c.
 */
#pragma once

#include "ax-learn.h"

G_BEGIN_DECLS

extern const AxAlgorithm ax_linear_regression_algorithm;
extern const AxAlgorithm ax_logistic_regression_algorithm;
/* Tree ensembles: ax_random_forest_algorithm (ax-forest.c) and
 * ax_gradient_boosting_algorithm (ax-boost.c) are declared below. */
extern const AxAlgorithm ax_random_forest_algorithm;
extern const AxAlgorithm ax_gradient_boosting_algorithm;

G_END_DECLS
