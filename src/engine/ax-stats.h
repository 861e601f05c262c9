/* ax-stats.h — per-column summary statistics, computed in one streaming pass
 *
 * What a column header shows: how many values are missing, the range and
 * mean (numbers, booleans as the share of true, dates in days, date-times in
 * seconds), the most common categories, and a histogram.  Frames are fed
 * one after another so a dataset of any size is summarised in bounded
 * memory.  The histogram needs the range, so it takes a second pass:
 * feed every frame once, call ax_stats_builder_begin_histograms(), feed
 * them again (or, when only the numeric values were kept aside, give
 * those to ax_stats_builder_add_values()).
 */
#pragma once

#include "ax-frame.h"

G_BEGIN_DECLS

#define AX_STATS_TOP 5
#define AX_STATS_BINS 20

typedef struct {
  char    *value;
  guint64  count;
} AxCategoryCount;

typedef struct {
  guint64          n_rows;
  guint64          n_missing;
  /* Numeric, boolean, date and datetime columns; NAN when no value. */
  double           min, max, mean, sd;
  /* Categorical and text columns: distinct values and the most common.
   * Exact up to AX_STATS_MAX_DISTINCT values, as long as the column's
   * values fit its share of the builder's memory budget (64 MB over all
   * text columns, at least 64 KB each); past either limit new values are no
   * longer counted and distinct_capped is set. */
  guint64          n_distinct;
  gboolean         distinct_capped;
  guint            n_top;
  AxCategoryCount  top[AX_STATS_TOP];
  /* Numeric columns: AX_STATS_BINS equal bins over [min, max]. */
  guint            n_bins;
  guint64          bins[AX_STATS_BINS];
} AxColumnStats;

#define AX_STATS_MAX_DISTINCT 100000

void ax_column_stats_clear (AxColumnStats *stats);

typedef struct _AxStatsBuilder AxStatsBuilder;

/* A builder for frames with the columns and types of @like. */
AxStatsBuilder *ax_stats_builder_new              (const AxFrame   *like);
void            ax_stats_builder_free             (AxStatsBuilder  *self);
void            ax_stats_builder_add              (AxStatsBuilder  *self,
                                                   const AxFrame   *frame);
void            ax_stats_builder_begin_histograms (AxStatsBuilder  *self);
/* After ax_stats_builder_begin_histograms(): bins @n values of numeric
 * column @col as adding the frames they came from again would.  For a
 * caller that kept the numeric values aside rather than the frames. */
void            ax_stats_builder_add_values       (AxStatsBuilder  *self,
                                                   guint            col,
                                                   const double    *values,
                                                   gsize            n);
/* Returns the statistics of column @col; valid until the builder is freed. */
const AxColumnStats *ax_stats_builder_get         (AxStatsBuilder  *self,
                                                   guint            col);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AxStatsBuilder, ax_stats_builder_free)

/* Sorts the @n values of @v in ascending order, for medians and
 * quantiles (a NAN compares equal to everything: leave them out). */
void            ax_sort_doubles                   (double          *v,
                                                   gsize            n);
/* The @q quantile (0 to 1) of the @n sorted values @v, interpolating
 * linearly between neighbours (numpy's default); NAN when @n is 0. */
double          ax_sorted_quantile                (const double    *v,
                                                   gsize            n,
                                                   double           q);

G_END_DECLS
