/* ax-boost-trees.h — a fitted XGBoost model's trees, walked by Auspex
 *
 * Private to gradient boosting (ax-boost.c).  The trees are read from
 * XGBoost's own JSON model (the saved blob holds it) into the layout the
 * random forest walks (ax-tree.h), and predicted from there: the same
 * float sums in the same tree order, the same comparisons and the same
 * link functions as XGBoost's CPU predictor, so the predictions are
 * XGBoost's to the bit, without a call into the library, its threads or
 * a copy of the rows in its own format.
 */
#pragma once

#include "ax-learn.h"

G_BEGIN_DECLS

typedef struct _AxBoostTrees AxBoostTrees;

typedef enum {
  AX_BOOST_LINK_IDENTITY,   /* reg:squarederror */
  AX_BOOST_LINK_LOGISTIC,   /* binary:logistic */
  AX_BOOST_LINK_SOFTMAX,    /* multi:softprob */
} AxBoostLink;

/* Reads the first @n_rounds rounds of the model in @model (@len bytes of
 * XGBoost's JSON or UBJSON), which must have @n_features features.  NULL
 * with @error set when it is not such a model or is damaged. */
AxBoostTrees *ax_boost_trees_read    (const char          *model,
                                      gsize                len,
                                      guint                n_features,
                                      guint                n_rounds,
                                      GError             **error);
void          ax_boost_trees_free    (AxBoostTrees        *trees);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AxBoostTrees, ax_boost_trees_free)

AxBoostLink   ax_boost_trees_link    (const AxBoostTrees  *trees);
/* Outputs per row: 1, or the number of classes for multi:softprob. */
guint         ax_boost_trees_groups  (const AxBoostTrees  *trees);

/* XGBoost's "total_gain" importance of each feature (the loss changes of
 * its splits, summed), normalised to sum to 1 (all 0 without a split). */
double       *ax_boost_trees_importance (const AxBoostTrees *trees);

/* XGBoost's prediction of each row of @x: the value (identity), the
 * probability of class 1 (logistic), or the n_groups class
 * probabilities (softmax), into @out, row after row.  Blocks of rows are
 * shared among every core. */
void          ax_boost_trees_predict (const AxBoostTrees  *trees,
                                      const AxMatrix      *x,
                                      float               *out);

/* ax_boost_trees_predict() of @n_copies copies of @x, one after the
 * other, copy c taking the features f with group[f] == copy_group[c]
 * from row perm[c * x->n_rows + i] (for permutation importance: only the
 * paths that test a moved feature are walked again). */
void          ax_boost_trees_predict_shuffled (const AxBoostTrees *trees,
                                               const AxMatrix     *x,
                                               const guint        *group,
                                               guint               n_copies,
                                               const guint        *copy_group,
                                               const guint        *perm,
                                               float              *out);

/* The loss after each of the model's rounds, summed over the rows of @x:
 * sums[round] is the sum over the blocks of AX_BOOST_LOSS_BLOCK rows, in
 * order, of @loss (r0, n, pred, data), pred being XGBoost's prediction of
 * rows r0 .. r0 + n - 1 by the rounds so far (as ax_boost_trees_predict()
 * writes it; XGBoost's prediction of the validation rows during
 * training, to the bit).  Blocks are worked on side by side; @loss must
 * only read shared data. */
#define AX_BOOST_LOSS_BLOCK 1024u

typedef double (*AxBoostLossFunc) (guint        r0,
                                   guint        n,
                                   const float *pred,
                                   gpointer     data);
guint         ax_boost_trees_n_rounds     (const AxBoostTrees *trees);
void          ax_boost_trees_round_losses (const AxBoostTrees *trees,
                                           const AxMatrix     *x,
                                           AxBoostLossFunc     loss,
                                           gpointer            data,
                                           double             *sums);

G_END_DECLS
