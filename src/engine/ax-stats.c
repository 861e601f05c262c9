/* ax-stats.c — per-column summary statistics, computed in one streaming pass */

#include "ax-stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  AxColumnType   type;
  AxColumnStats  stats;
  double         m2;          /* Welford's running sum of squares */
  guint64        n_values;
  GHashTable    *counts;      /* value -> count, strings only */
} Acc;

struct _AxStatsBuilder {
  guint     n_columns;
  Acc      *acc;
  gboolean  histograms;
};

void
ax_column_stats_clear (AxColumnStats *stats)
{
  for (guint i = 0; i < stats->n_top; i++)
    g_free (stats->top[i].value);
  memset (stats, 0, sizeof *stats);
}

AxStatsBuilder *
ax_stats_builder_new (const AxFrame *like)
{
  AxStatsBuilder *self = g_new0 (AxStatsBuilder, 1);

  self->n_columns = like->n_columns;
  self->acc = g_new0 (Acc, like->n_columns);
  for (guint c = 0; c < like->n_columns; c++)
    {
      Acc *a = &self->acc[c];
      a->type = like->columns[c].type;
      a->stats.min = a->stats.max = a->stats.mean = a->stats.sd = NAN;
      if (a->type == AX_COLUMN_CATEGORICAL || a->type == AX_COLUMN_TEXT)
        a->counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
    }
  return self;
}

void
ax_stats_builder_free (AxStatsBuilder *self)
{
  if (self == NULL)
    return;
  for (guint c = 0; c < self->n_columns; c++)
    {
      ax_column_stats_clear (&self->acc[c].stats);
      g_clear_pointer (&self->acc[c].counts, g_hash_table_unref);
    }
  g_free (self->acc);
  g_free (self);
}

static void
add_number (Acc    *a,
            double  x)
{
  AxColumnStats *s = &a->stats;
  double delta;

  if (a->n_values++ == 0)
    {
      s->min = s->max = x;
      s->mean = 0;
    }
  s->min = MIN (s->min, x);
  s->max = MAX (s->max, x);
  delta = x - s->mean;
  s->mean += delta / (double) a->n_values;
  a->m2 += delta * (x - s->mean);
}

static void
add_to_bin (Acc    *a,
            double  x)
{
  AxColumnStats *s = &a->stats;
  double width = (s->max - s->min) / AX_STATS_BINS;
  guint b = width > 0 ? (guint) ((x - s->min) / width) : 0;
  s->bins[MIN (b, AX_STATS_BINS - 1)]++;
}

void
ax_stats_builder_add (AxStatsBuilder *self,
                      const AxFrame  *frame)
{
  g_return_if_fail (frame->n_columns == self->n_columns);

  for (guint c = 0; c < self->n_columns; c++)
    {
      const AxColumn *col = &frame->columns[c];
      Acc *a = &self->acc[c];

      /* An integer column may have been widened to real mid-import. */
      a->type = col->type;
      if (self->histograms)
        {
          if (!ax_column_type_is_numeric (col->type) || a->stats.n_bins == 0)
            continue;
          for (guint r = 0; r < frame->n_rows; r++)
            if (!col->missing[r])
              add_to_bin (a, col->type == AX_COLUMN_REAL ? col->reals[r] : (double) col->ints[r]);
          continue;
        }

      a->stats.n_rows += frame->n_rows;
      for (guint r = 0; r < frame->n_rows; r++)
        {
          if (col->missing[r])
            {
              a->stats.n_missing++;
              continue;
            }
          switch (col->type)
            {
            case AX_COLUMN_REAL:
              add_number (a, col->reals[r]);
              break;
            case AX_COLUMN_CATEGORICAL:
            case AX_COLUMN_TEXT:
              {
                guint64 *n = g_hash_table_lookup (a->counts, col->strings[r]);
                if (n != NULL)
                  (*n)++;
                else if (g_hash_table_size (a->counts) < AX_STATS_MAX_DISTINCT)
                  {
                    n = g_new (guint64, 1);
                    *n = 1;
                    g_hash_table_insert (a->counts, g_strdup (col->strings[r]), n);
                  }
                else
                  a->stats.distinct_capped = TRUE;
              }
              break;
            case AX_COLUMN_INTEGER:
            case AX_COLUMN_BOOLEAN:
            case AX_COLUMN_DATE:
            case AX_COLUMN_DATETIME:
            case AX_N_COLUMN_TYPES:
            default:
              add_number (a, (double) col->ints[r]);
              break;
            }
        }
    }
}

static int
compare_counts (gconstpointer pa,
                gconstpointer pb)
{
  const AxCategoryCount *a = pa, *b = pb;
  if (a->count != b->count)
    return a->count > b->count ? -1 : 1;
  return strcmp (a->value, b->value);
}

/* Fills sd and the top categories once every frame has been seen. */
static void
finish_first_pass (Acc *a)
{
  AxColumnStats *s = &a->stats;

  if (a->n_values > 1)
    s->sd = sqrt (a->m2 / (double) (a->n_values - 1));
  else if (a->n_values == 1)
    s->sd = 0;

  if (a->counts && s->n_top == 0)
    {
      GHashTableIter it;
      gpointer key, value;
      g_autoptr(GArray) all = g_array_new (FALSE, FALSE, sizeof (AxCategoryCount));

      s->n_distinct = g_hash_table_size (a->counts);
      g_hash_table_iter_init (&it, a->counts);
      while (g_hash_table_iter_next (&it, &key, &value))
        {
          AxCategoryCount cc = { key, *(guint64 *) value };
          g_array_append_val (all, cc);
        }
      g_array_sort (all, compare_counts);
      s->n_top = MIN (all->len, AX_STATS_TOP);
      for (guint i = 0; i < s->n_top; i++)
        {
          s->top[i].value = g_strdup (g_array_index (all, AxCategoryCount, i).value);
          s->top[i].count = g_array_index (all, AxCategoryCount, i).count;
        }
    }
}

void
ax_stats_builder_begin_histograms (AxStatsBuilder *self)
{
  self->histograms = TRUE;
  for (guint c = 0; c < self->n_columns; c++)
    {
      Acc *a = &self->acc[c];
      finish_first_pass (a);
      if (ax_column_type_is_numeric (a->type) && a->n_values > 0)
        a->stats.n_bins = AX_STATS_BINS;
    }
}

const AxColumnStats *
ax_stats_builder_get (AxStatsBuilder *self,
                      guint           col)
{
  g_return_val_if_fail (col < self->n_columns, NULL);
  finish_first_pass (&self->acc[col]);
  return &self->acc[col].stats;
}
