/* ax-forest.h — the random forest, and what it offers beyond AxAlgorithm
 *
 * ax_random_forest_algorithm ("random_forest") fits regression and
 * classification forests of histogram-split trees (ax-tree.h).  Its
 * hyperparameters are those of scikit-learn's RandomForestRegressor and
 * RandomForestClassifier of the same names: n_estimators, max_depth
 * (1..100; there is no "unlimited", 100 is deeper than any tree a data set
 * that fits in memory gives), min_samples_split, min_samples_leaf,
 * max_features ("auto" is all features for regression and the square root
 * of their number for classification, as scikit-learn's defaults; a number
 * up to 1 is a fraction of the features, above 1 a count), bootstrap and
 * class_weight.  Its importance is scikit-learn's mean decrease in
 * impurity; a forest none of whose trees could split gives all zeros.
 */
#pragma once

#include "ax-learn.h"

G_BEGIN_DECLS

extern const AxAlgorithm ax_random_forest_algorithm;

/* For a regression forest fitted by ax_random_forest_algorithm: sd[i] is
 * the standard deviation of the trees' predictions for row i of @x (over
 * the trees, dividing by their number).  A classification forest gives
 * NAN for every row. */
void ax_forest_predict_spread (const AxFitted *fitted,
                               const AxMatrix *x,
                               double         *sd);

/* The forest's prediction into @out (as AxAlgorithm.predict; NULL for
 * none) and the spread into @sd, in one walk through the trees. */
void ax_forest_predict_with_spread (const AxFitted *fitted,
                                    const AxMatrix *x,
                                    double         *out,
                                    double         *sd);

G_END_DECLS
