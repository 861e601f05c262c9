/* ax-split.c — random, stratified and time-ordered splits of rows */

#include "ax-config.h"
#include "ax-split.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

GRand *
ax_split_rand_new (guint64 seed,
                   guint32 stream)
{
  guint32 words[3] = { (guint32) seed, (guint32) (seed >> 32), stream };

  return g_rand_new_with_seed_array (words, G_N_ELEMENTS (words));
}

void
ax_split_shuffle (guint *v,
                  guint  n,
                  GRand *rand)
{
  for (guint i = n; i > 1; i--)
    {
      guint j = g_rand_int_range (rand, 0, (gint32) i);
      guint t = v[i - 1];
      v[i - 1] = v[j];
      v[j] = t;
    }
}

static int
cmp_guint (const void *a,
           const void *b)
{
  guint x = *(const guint *) a, y = *(const guint *) b;
  return (x > y) - (x < y);
}

typedef struct {
  double time;
  guint  pos;
} TimeKey;

static int
cmp_time (const void *a,
          const void *b)
{
  const TimeKey *x = a, *y = b;

  if (x->time != y->time)
    return x->time < y->time ? -1 : 1;
  return (x->pos > y->pos) - (x->pos < y->pos);
}

static guint
part_size (guint  n,
           double share)
{
  return (guint) floor (n * share + 0.5);
}

void
ax_split_free (AxSplit *split)
{
  if (split == NULL)
    return;
  g_free (split->train);
  g_free (split->valid);
  g_free (split->test);
  g_free (split);
}

/* Positions (0..n_rows-1) in parts: the caller maps them to rows. */
static void
split_random (AxSplit *s,
              guint    n_rows,
              double   vs,
              double   ts,
              GRand   *rand)
{
  g_autofree guint *pos = g_new (guint, n_rows);

  for (guint i = 0; i < n_rows; i++)
    pos[i] = i;
  ax_split_shuffle (pos, n_rows, rand);
  s->n_test = part_size (n_rows, ts);
  s->n_valid = MIN (part_size (n_rows, vs), n_rows - s->n_test);
  s->n_train = n_rows - s->n_test - s->n_valid;
  memcpy (s->test, pos, s->n_test * sizeof (guint));
  memcpy (s->valid, pos + s->n_test, s->n_valid * sizeof (guint));
  memcpy (s->train, pos + s->n_test + s->n_valid, s->n_train * sizeof (guint));
}

static void
split_stratified (AxSplit      *s,
                  guint         n_rows,
                  const double *y,
                  guint         n_classes,
                  double        vs,
                  double        ts,
                  GRand        *rand)
{
  g_autofree guint *pos = g_new (guint, n_rows);
  g_autofree guint *start = g_new0 (guint, n_classes + 1);

  /* Counting sort by class keeps each class's rows in their order. */
  for (guint i = 0; i < n_rows; i++)
    start[(guint) y[i] + 1]++;
  for (guint k = 0; k < n_classes; k++)
    start[k + 1] += start[k];
  {
    g_autofree guint *fill = g_memdup2 (start, n_classes * sizeof (guint));
    for (guint i = 0; i < n_rows; i++)
      pos[fill[(guint) y[i]]++] = i;
  }

  s->n_train = s->n_valid = s->n_test = 0;
  for (guint k = 0; k < n_classes; k++)
    {
      guint *part = pos + start[k];
      guint n = start[k + 1] - start[k];
      guint nt = part_size (n, ts);
      guint nv = MIN (part_size (n, vs), n - nt);

      ax_split_shuffle (part, n, rand);
      memcpy (s->test + s->n_test, part, nt * sizeof (guint));
      memcpy (s->valid + s->n_valid, part + nt, nv * sizeof (guint));
      memcpy (s->train + s->n_train, part + nt + nv, (n - nt - nv) * sizeof (guint));
      s->n_test += nt;
      s->n_valid += nv;
      s->n_train += n - nt - nv;
    }
}

static void
split_time (AxSplit      *s,
            guint         n_rows,
            const double *time,
            double        vs,
            double        ts)
{
  g_autofree TimeKey *keys = NULL;
  gboolean sorted = TRUE;

  /* Data sets usually come in time order, which needs no sorting. */
  for (guint i = 1; i < n_rows; i++)
    sorted &= time[i - 1] <= time[i];
  if (!sorted)
    {
      keys = g_new (TimeKey, n_rows);
      for (guint i = 0; i < n_rows; i++)
        keys[i] = (TimeKey) { time[i], i };
      qsort (keys, n_rows, sizeof (TimeKey), cmp_time);
    }

  s->n_test = part_size (n_rows, ts);
  s->n_valid = MIN (part_size (n_rows, vs), n_rows - s->n_test);
  s->n_train = n_rows - s->n_test - s->n_valid;
  for (guint i = 0; i < n_rows; i++)
    {
      guint p = keys ? keys[i].pos : i;
      if (i < s->n_train)
        s->train[i] = p;
      else if (i < s->n_train + s->n_valid)
        s->valid[i - s->n_train] = p;
      else
        s->test[i - s->n_train - s->n_valid] = p;
    }
}

static gboolean
check_parts (const AxSplit *s,
             guint          n_rows,
             const double  *y,
             guint          n_classes,
             double         vs,
             double         ts,
             const char    *target,
             GError       **error)
{
  if (vs > 0 && s->n_valid == 0)
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_DATA,
                   _("validation_split: %g of %u rows leaves no validation rows; "
                     "raise it or use more rows"), vs, n_rows);
      return FALSE;
    }
  if (ts > 0 && s->n_test == 0)
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_DATA,
                   _("test_split: %g of %u rows leaves no test rows; "
                     "raise it, set it to 0 or use more rows"), ts, n_rows);
      return FALSE;
    }
  if (s->n_train == 0)
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_DATA,
                   _("validation_split: with test_split it leaves none of the %u rows "
                     "to train on; lower them or use more rows"), n_rows);
      return FALSE;
    }
  if (y && n_classes >= 2)
    {
      g_autofree guint *count = g_new0 (guint, n_classes);
      guint present = 0;

      for (guint i = 0; i < s->n_train; i++)
        count[(guint) y[s->train[i]]]++;
      for (guint k = 0; k < n_classes; k++)
        present += count[k] > 0;
      if (present < 2)
        {
          g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_DATA,
                       _("target: the training rows hold only one value of “%s”; "
                         "a classifier needs rows of at least two classes"),
                       target ? target : "");
          return FALSE;
        }
    }
  return TRUE;
}

AxSplit *
ax_split_rows (const guint   *rows,
               guint          n_rows,
               const double  *y,
               guint          n_classes,
               const double  *time,
               double         validation_split,
               double         test_split,
               guint64        seed,
               const char    *target,
               GError       **error)
{
  g_autoptr(AxSplit) s = g_new0 (AxSplit, 1);
  g_autoptr(GRand) rand = ax_split_rand_new (seed, 0);

  if (n_rows == 0)
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_DATA,
                   _("target: no row has a value of “%s” to learn from"),
                   target ? target : "");
      return NULL;
    }

  s->train = g_new (guint, n_rows);
  s->valid = g_new (guint, n_rows);
  s->test = g_new (guint, n_rows);
  if (time)
    split_time (s, n_rows, time, validation_split, test_split);
  else if (y && n_classes >= 2)
    split_stratified (s, n_rows, y, n_classes, validation_split, test_split, rand);
  else
    split_random (s, n_rows, validation_split, test_split, rand);

  if (!check_parts (s, n_rows, y, n_classes, validation_split, test_split, target, error))
    return NULL;

  /* Positions to rows; random parts in ascending row order so the
   * matrices (and so the fit) do not depend on the shuffle's order. */
  for (guint p = 0; p < 3; p++)
    {
      guint *part = p == 0 ? s->train : p == 1 ? s->valid : s->test;
      guint n = p == 0 ? s->n_train : p == 1 ? s->n_valid : s->n_test;

      if (!time)
        qsort (part, n, sizeof (guint), cmp_guint);
      for (guint i = 0; i < n; i++)
        part[i] = rows[part[i]];
    }
  return g_steal_pointer (&s);
}
