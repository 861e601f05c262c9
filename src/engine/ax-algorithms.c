/* ax-algorithms.c — the registry of learning algorithms
 *
 * The order of the list is the order the GUI offers them in: the simple,
 * fast baselines first.  Declarations live in ax-algorithms-private.h.
 */

#include "ax-algorithms-private.h"

static const AxAlgorithm *const algorithms[] = {
  &ax_linear_regression_algorithm,
  &ax_logistic_regression_algorithm,
  /* Tree ensembles (ax-forest.c, ax-boost.c) are listed here. */
  &ax_random_forest_algorithm,
  &ax_gradient_boosting_algorithm,
  NULL
};

const AxAlgorithm *
ax_algorithm_find (const char *name)
{
  for (guint i = 0; algorithms[i] != NULL; i++)
    if (g_strcmp0 (algorithms[i]->name, name) == 0)
      return algorithms[i];
  return NULL;
}

const AxAlgorithm *const *
ax_algorithm_list (void)
{
  return algorithms;
}
