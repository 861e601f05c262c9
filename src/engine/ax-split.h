/* ax-split.h — which rows train a model, which validate it, which test it
 *
 * Three ways to split, chosen by what the model is:
 *
 *   random      every row has the same chance to land in each part;
 *   stratified  (classification) each class is split on its own, so every
 *               part keeps the class ratios of the data;
 *   time order  (a time column) the oldest rows train, the next validate,
 *               the newest test, as the model will be used: on the future.
 *
 * The sizes are round(n × validation_split) and round(n × test_split)
 * (per class when stratified); the training part gets the rest.  Splits
 * are deterministic for a seed.
 */
#pragma once

#include "ax-learn.h"

G_BEGIN_DECLS

typedef struct {
  guint *train;       /* row indices, ascending (time order: by time) */
  guint *valid;
  guint *test;
  guint  n_train, n_valid, n_test;
} AxSplit;

/* Splits @rows (n_rows indices into the dataset).
 *
 * @y: NULL, or the class index of each listed row (y[i] for rows[i]) when
 *     the split should be stratified over @n_classes classes; the training
 *     part must then hold rows of at least two classes.
 * @time: NULL, or the time of each listed row: the split is then in time
 *     order (ties keep the order of @rows) and @y only serves the class
 *     check.
 *
 * Fails with AX_LEARN_ERROR_DATA, naming the field to change, when a part
 * asked for is empty ("validation_split: ..."), when nothing is left to
 * train on, or when the training rows hold fewer than two classes
 * ("target: ...").  @target names the target column in those messages. */
AxSplit *ax_split_rows (const guint   *rows,
                        guint          n_rows,
                        const double  *y,
                        guint          n_classes,
                        const double  *time,
                        double         validation_split,
                        double         test_split,
                        guint64        seed,
                        const char    *target,
                        GError       **error);
void     ax_split_free (AxSplit       *split);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AxSplit, ax_split_free)

/* A random generator seeded from a 64-bit seed and a stream number, so
 * that each use of randomness in the pipeline (the split, each column's
 * permutation) is independent of the others and reproducible. */
GRand   *ax_split_rand_new (guint64 seed,
                            guint32 stream);
/* Shuffles the @n values of @v in place (Fisher–Yates with @rand: the
 * same permutation on every platform). */
void     ax_split_shuffle  (guint   *v,
                            guint    n,
                            GRand   *rand);

G_END_DECLS
