/* ax-stats.h — per-column summary statistics, computed in one streaming pass
 *
 * What a column header shows: how many values are missing, the range and
 * mean (numbers, booleans as the share of true, dates in days, date-times in
 * seconds), the most common categories, and a histogram.  Frames are fed
 * one after another so a dataset of any size is summarised in bounded
 * memory.  The histogram needs the range, so it takes a second pass:
 * feed every frame once, call ax_stats_builder_begin_histograms(), feed
 * them again.
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
  /* Categorical and text columns: distinct values (exact up to
   * AX_STATS_MAX_DISTINCT, then distinct_capped) and the most common. */
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

AxStatsBuilder *ax_stats_builder_new              (const AxFrame   *like);
void            ax_stats_builder_free             (AxStatsBuilder  *self);
void            ax_stats_builder_add              (AxStatsBuilder  *self,
                                                   const AxFrame   *frame);
void            ax_stats_builder_begin_histograms (AxStatsBuilder  *self);
/* Returns the statistics of column @col; valid until the builder is freed. */
const AxColumnStats *ax_stats_builder_get         (AxStatsBuilder  *self,
                                                   guint            col);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AxStatsBuilder, ax_stats_builder_free)

G_END_DECLS
