/* ax-stats.c — per-column summary statistics, computed in one streaming pass */

#include "ax-stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Distinct values of a text column: an open-addressing table (linear
 * probing) whose keys are copied end to end into blocks.  Table and keys
 * together stay within the column's share of DISTINCT_BUDGET bytes, so
 * long distinct texts in many columns cannot make the builder grow without
 * bound; past the budget or AX_STATS_MAX_DISTINCT values, new values are
 * no longer counted and the column is marked distinct_capped. */
#define DISTINCT_BUDGET     (64 * 1024 * 1024)
#define DISTINCT_MIN_SHARE  (64 * 1024)
#define KEY_BLOCK           (64 * 1024)

typedef struct {
  const char *key;     /* NULL for an empty slot */
  guint32     hash;
  guint32     len;
  guint64     count;
} Slot;

typedef struct {
  Slot       *slots;
  guint       mask;    /* number of slots - 1 */
  guint       n;
  GPtrArray  *blocks;  /* key storage */
  char       *free_at; /* the rest of the last block */
  gsize       free_len;
  gsize       bytes;   /* slots and blocks */
  gsize       budget;
} Distinct;

typedef struct {
  AxColumnType   type;
  AxColumnStats  stats;
  double         m2;          /* Welford's running sum of squares */
  guint64        n_values;
  Distinct      *distinct;    /* strings only */
} Acc;

struct _AxStatsBuilder {
  guint       n_columns;
  Acc        *acc;
  gboolean    histograms;
};

void
ax_column_stats_clear (AxColumnStats *stats)
{
  for (guint i = 0; i < stats->n_top; i++)
    g_free (stats->top[i].value);
  memset (stats, 0, sizeof *stats);
}

/* A 64-bit hash a word at a time, finished with MurmurHash3's fmix64. */
static guint64
hash_bytes (const char *s,
            gsize       len)
{
  const guint64 k = G_GUINT64_CONSTANT (0x9E3779B97F4A7C15);
  guint64 h = k ^ len;
  guint64 w;

  for (; len >= 8; s += 8, len -= 8)
    {
      memcpy (&w, s, 8);
      h = (h ^ w) * k;
      h ^= h >> 29;
    }
  if (len > 0)
    {
      w = 0;
      memcpy (&w, s, len);
      h = (h ^ w) * k;
      h ^= h >> 29;
    }
  h ^= h >> 33;
  h *= G_GUINT64_CONSTANT (0xff51afd7ed558ccd);
  h ^= h >> 33;
  h *= G_GUINT64_CONSTANT (0xc4ceb9fe1a85ec53);
  h ^= h >> 33;
  return h;
}

static Distinct *
distinct_new (gsize budget)
{
  Distinct *d = g_new0 (Distinct, 1);

  d->mask = 63;
  d->slots = g_new0 (Slot, d->mask + 1);
  d->blocks = g_ptr_array_new_with_free_func (g_free);
  d->budget = budget;
  d->bytes = (d->mask + 1) * sizeof (Slot);
  return d;
}

static void
distinct_free (Distinct *d)
{
  if (d == NULL)
    return;
  g_free (d->slots);
  g_ptr_array_unref (d->blocks);
  g_free (d);
}

/* Doubles the table; FALSE if that would pass the budget. */
static gboolean
distinct_grow (Distinct *d)
{
  guint size = (d->mask + 1) * 2;
  Slot *slots;

  if (d->bytes + (gsize) (d->mask + 1) * sizeof (Slot) > d->budget)
    return FALSE;
  slots = g_new0 (Slot, size);
  for (guint i = 0; i <= d->mask; i++)
    if (d->slots[i].key)
      {
        guint j = d->slots[i].hash & (size - 1);
        while (slots[j].key)
          j = (j + 1) & (size - 1);
        slots[j] = d->slots[i];
      }
  g_free (d->slots);
  d->slots = slots;
  d->bytes += (gsize) (d->mask + 1) * sizeof (Slot);
  d->mask = size - 1;
  return TRUE;
}

/* A copy of @len bytes of @s plus a NUL in the key blocks, or NULL past the
 * budget. */
static const char *
distinct_copy_key (Distinct   *d,
                   const char *s,
                   gsize       len)
{
  char *copy;

  if (d->free_len < len + 1)
    {
      gsize size = MAX (KEY_BLOCK, len + 1);
      if (d->bytes + size > d->budget)
        return NULL;
      d->free_at = g_malloc (size);
      d->free_len = size;
      d->bytes += size;
      g_ptr_array_add (d->blocks, d->free_at);
    }
  copy = d->free_at;
  memcpy (copy, s, len);
  copy[len] = '\0';
  d->free_at += len + 1;
  d->free_len -= len + 1;
  return copy;
}

/* Counts one occurrence of the @len bytes at @s, whose hash is @h; FALSE if
 * it is a new value that no longer fits. */
static gboolean
distinct_add (Distinct   *d,
              const char *s,
              gsize       len,
              guint32     h)
{
  guint i = h & d->mask;
  const char *key;

  for (; d->slots[i].key; i = (i + 1) & d->mask)
    {
      Slot *slot = &d->slots[i];
      if (slot->hash == h && slot->len == len && memcmp (slot->key, s, len) == 0)
        {
          slot->count++;
          return TRUE;
        }
    }
  if (d->n >= AX_STATS_MAX_DISTINCT || len > G_MAXUINT32)
    return FALSE;
  /* Keep the table at most 70 % full. */
  if ((d->n + 1) * 10 > (d->mask + 1) * 7)
    {
      if (!distinct_grow (d))
        return FALSE;
      for (i = h & d->mask; d->slots[i].key; i = (i + 1) & d->mask)
        ;
    }
  key = distinct_copy_key (d, s, len);
  if (key == NULL)
    return FALSE;
  d->slots[i].key = key;
  d->slots[i].hash = h;
  d->slots[i].len = (guint32) len;
  d->slots[i].count = 1;
  d->n++;
  return TRUE;
}

#if defined(__GNUC__)
#define PREFETCH(p) __builtin_prefetch (p)
#else
#define PREFETCH(p) ((void) 0)
#endif

/* Counts the values of a text column.  A table of many distinct values
 * does not fit the cache, and every lookup would wait for memory in turn:
 * so the hashes of a batch of rows are computed first and their slots and
 * keys fetched together, then looked up. */
static void
count_strings (Acc            *a,
               const AxColumn *col,
               guint           n_rows)
{
  enum { BATCH = 32 };
  Distinct *d = a->distinct;
  guint32 hashes[BATCH];
  gsize lens[BATCH];

  for (guint first = 0; first < n_rows; first += BATCH)
    {
      guint n = MIN (BATCH, n_rows - first);

      for (guint i = 0; i < n; i++)
        {
          const char *s = col->strings[first + i];
          if (col->missing[first + i])
            continue;
          lens[i] = strlen (s);
          hashes[i] = (guint32) hash_bytes (s, lens[i]);
          PREFETCH (&d->slots[hashes[i] & d->mask]);
        }
      /* By now the first slots have arrived: fetch the keys they point to. */
      for (guint i = 0; i < n; i++)
        if (!col->missing[first + i])
          {
            const char *key = d->slots[hashes[i] & d->mask].key;
            if (key)
              PREFETCH (key);
          }
      for (guint i = 0; i < n; i++)
        if (col->missing[first + i])
          a->stats.n_missing++;
        else if (!distinct_add (d, col->strings[first + i], lens[i], hashes[i]))
          a->stats.distinct_capped = TRUE;
    }
}

AxStatsBuilder *
ax_stats_builder_new (const AxFrame *like)
{
  AxStatsBuilder *self = g_new0 (AxStatsBuilder, 1);
  guint n_strings = 0;
  gsize share;

  for (guint c = 0; c < like->n_columns; c++)
    if (like->columns[c].type == AX_COLUMN_CATEGORICAL || like->columns[c].type == AX_COLUMN_TEXT)
      n_strings++;
  share = MAX (DISTINCT_BUDGET / MAX (n_strings, 1), DISTINCT_MIN_SHARE);

  self->n_columns = like->n_columns;
  self->acc = g_new0 (Acc, like->n_columns);
  for (guint c = 0; c < like->n_columns; c++)
    {
      Acc *a = &self->acc[c];
      a->type = like->columns[c].type;
      a->stats.min = a->stats.max = a->stats.mean = a->stats.sd = NAN;
      if (a->type == AX_COLUMN_CATEGORICAL || a->type == AX_COLUMN_TEXT)
        a->distinct = distinct_new (share);
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
      distinct_free (self->acc[c].distinct);
    }
  g_free (self->acc);
  g_free (self);
}

static inline double
value_at (const AxColumn *col,
          guint           r)
{
  return col->type == AX_COLUMN_REAL ? col->reals[r] : (double) col->ints[r];
}

/* Adds the values of a numeric, boolean, date or datetime column.  The
 * frame's own count, mean and sum of squared deviations come first, in two
 * tight loops; they are then merged into the running figures with Chan,
 * Golub and LeVeque's pairwise update, as stable as Welford's one value at
 * a time but with one division per frame instead of one per value. */
static void
add_numbers (Acc            *a,
             const AxColumn *col,
             guint           n_rows)
{
  AxColumnStats *s = &a->stats;
  guint64 n = 0;
  double sum = 0, lo = INFINITY, hi = -INFINITY, mean, m2 = 0;

  for (guint r = 0; r < n_rows; r++)
    if (!col->missing[r])
      {
        double x = value_at (col, r);
        n++;
        sum += x;
        lo = MIN (lo, x);
        hi = MAX (hi, x);
      }
  s->n_missing += n_rows - n;
  if (n == 0)
    return;
  mean = sum / (double) n;
  for (guint r = 0; r < n_rows; r++)
    if (!col->missing[r])
      {
        double d = value_at (col, r) - mean;
        m2 += d * d;
      }

  if (a->n_values == 0)
    {
      s->min = lo;
      s->max = hi;
      s->mean = mean;
      a->m2 = m2;
    }
  else
    {
      double total = (double) (a->n_values + n);
      double delta = mean - s->mean;
      s->min = MIN (s->min, lo);
      s->max = MAX (s->max, hi);
      s->mean += delta * (double) n / total;
      a->m2 += m2 + delta * delta * (double) a->n_values * (double) n / total;
    }
  a->n_values += n;
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
              add_to_bin (a, value_at (col, r));
          continue;
        }

      a->stats.n_rows += frame->n_rows;
      if (col->type == AX_COLUMN_CATEGORICAL || col->type == AX_COLUMN_TEXT)
        count_strings (a, col, frame->n_rows);
      else
        add_numbers (a, col, frame->n_rows);
    }
}

/* Most common first; equal counts in byte order. */
static int
compare_counts (guint64     count_a,
                const char *a,
                guint64     count_b,
                const char *b)
{
  if (count_a != count_b)
    return count_a > count_b ? -1 : 1;
  return strcmp (a, b);
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

  if (a->distinct && s->n_top == 0)
    {
      const Slot *top[AX_STATS_TOP];
      guint n_top = 0;

      s->n_distinct = a->distinct->n;
      /* Insertion into the few best seen so far. */
      for (guint i = 0; i <= a->distinct->mask; i++)
        {
          const Slot *slot = &a->distinct->slots[i];
          guint at;
          if (slot->key == NULL)
            continue;
          at = n_top;
          while (at > 0 && compare_counts (slot->count, slot->key, top[at - 1]->count, top[at - 1]->key) < 0)
            at--;
          if (at >= AX_STATS_TOP)
            continue;
          if (n_top < AX_STATS_TOP)
            n_top++;
          memmove (top + at + 1, top + at, (n_top - 1 - at) * sizeof top[0]);
          top[at] = slot;
        }
      s->n_top = n_top;
      for (guint i = 0; i < n_top; i++)
        {
          s->top[i].value = g_strdup (top[i]->key);
          s->top[i].count = top[i]->count;
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

void
ax_stats_builder_add_values (AxStatsBuilder *self,
                             guint           col,
                             const double   *values,
                             gsize           n)
{
  Acc *a;

  g_return_if_fail (self->histograms && col < self->n_columns);
  a = &self->acc[col];
  if (a->stats.n_bins == 0)
    return;
  for (gsize i = 0; i < n; i++)
    add_to_bin (a, values[i]);
}

const AxColumnStats *
ax_stats_builder_get (AxStatsBuilder *self,
                      guint           col)
{
  g_return_val_if_fail (col < self->n_columns, NULL);
  finish_first_pass (&self->acc[col]);
  return &self->acc[col].stats;
}

static int
compare_double (const void *a,
                const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/* A key that orders doubles (no NaN) as their values do (-0 before +0),
 * and back. */
static inline guint64
double_key (double v)
{
  guint64 u;

  memcpy (&u, &v, sizeof u);
  return (u & G_GUINT64_CONSTANT (0x8000000000000000)) ? ~u : u | G_GUINT64_CONSTANT (0x8000000000000000);
}

static inline double
key_double (guint64 k)
{
  guint64 u = (k & G_GUINT64_CONSTANT (0x8000000000000000)) ? k & ~G_GUINT64_CONSTANT (0x8000000000000000) : ~k;
  double v;

  memcpy (&v, &u, sizeof v);
  return v;
}

/* Few values are sorted by comparison; more by a least-significant-digit
 * radix sort of their keys, eight passes of 8 bits, any pass whose digit
 * is the same in every key skipped. */
void
ax_sort_doubles (double *v,
                 gsize   n)
{
  g_autofree guint64 *keys = NULL, *tmp = NULL;

  if (n < 256)
    {
      qsort (v, n, sizeof (double), compare_double);
      return;
    }
  keys = g_new (guint64, n);
  tmp = g_new (guint64, n);
  for (gsize i = 0; i < n; i++)
    keys[i] = double_key (v[i]);
  for (guint shift = 0; shift < 64; shift += 8)
    {
      gsize count[256] = { 0 }, at = 0;

      for (gsize i = 0; i < n; i++)
        count[(keys[i] >> shift) & 0xff]++;
      if (count[(keys[0] >> shift) & 0xff] == n)
        continue;
      for (guint d = 0; d < 256; d++)
        {
          gsize c = count[d];
          count[d] = at;
          at += c;
        }
      for (gsize i = 0; i < n; i++)
        tmp[count[(keys[i] >> shift) & 0xff]++] = keys[i];
      memcpy (keys, tmp, n * sizeof (guint64));
    }
  for (gsize i = 0; i < n; i++)
    v[i] = key_double (keys[i]);
}

double
ax_sorted_quantile (const double *v,
                    gsize         n,
                    double        q)
{
  double pos, frac;
  gsize i;

  if (n == 0)
    return NAN;
  pos = q * (n - 1);
  i = (gsize) floor (pos);
  frac = pos - i;
  return i + 1 < n ? v[i] + frac * (v[i + 1] - v[i]) : v[n - 1];
}
