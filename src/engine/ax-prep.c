/* ax-prep.c — preprocessing learned on the training rows */

#include "ax-config.h"
#include "ax-prep.h"
#include "ax-stats.h"
#include "ax-types.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef enum {
  KIND_NUMBER,
  KIND_BOOLEAN,
  KIND_CATEGORY,
  KIND_DATE,
  KIND_DATETIME,
  N_KINDS
} Kind;

/* Calendar parts, in feature order. */
static const char *const date_parts[] = {
  "year", "month", "day", "weekday", "yearday", "hour"
};
#define N_DATE_PARTS 5
#define N_DATETIME_PARTS 6

typedef struct {
  char          *name;
  AxColumnType   type;
  Kind           kind;
  double         impute;         /* number, boolean: the value; date: days or seconds */
  gboolean       impute_const;   /* date: every calendar part takes @impute */
  char         **levels;         /* category: most frequent first */
  guint          n_levels;
  int            missing_level;  /* category: level of a missing value, -1: other */
  gboolean       has_other;      /* category: an "(other)" feature (else other is all 0) */
  guint          first;          /* first feature */
  guint          n_features;
} Input;

typedef struct {
  char   *name;
  guint   input;
  double  shift, scale;          /* x' = (x - shift) / scale */
} Feature;

struct _AxPrep {
  GArray *inputs;     /* Input */
  GArray *features;   /* Feature */
};

static void
input_clear (gpointer p)
{
  Input *in = p;
  g_free (in->name);
  g_strfreev (in->levels);
}

static void
feature_clear (gpointer p)
{
  Feature *f = p;
  g_free (f->name);
}

static AxPrep *
prep_new (void)
{
  AxPrep *prep = g_new0 (AxPrep, 1);

  prep->inputs = g_array_new (FALSE, TRUE, sizeof (Input));
  g_array_set_clear_func (prep->inputs, input_clear);
  prep->features = g_array_new (FALSE, TRUE, sizeof (Feature));
  g_array_set_clear_func (prep->features, feature_clear);
  return prep;
}

void
ax_prep_free (AxPrep *prep)
{
  if (prep == NULL)
    return;
  g_array_unref (prep->inputs);
  g_array_unref (prep->features);
  g_free (prep);
}

static Kind
kind_of_type (AxColumnType type)
{
  switch (type)
    {
    case AX_COLUMN_INTEGER:
    case AX_COLUMN_REAL:
      return KIND_NUMBER;
    case AX_COLUMN_BOOLEAN:
      return KIND_BOOLEAN;
    case AX_COLUMN_DATE:
      return KIND_DATE;
    case AX_COLUMN_DATETIME:
      return KIND_DATETIME;
    case AX_COLUMN_CATEGORICAL:
    case AX_COLUMN_TEXT:
    case AX_N_COLUMN_TYPES:
    default:
      return KIND_CATEGORY;
    }
}

/* The value of a number, boolean, date or datetime cell; FALSE if missing. */
static gboolean
cell_number (const AxColumn *c,
             guint           row,
             double         *out)
{
  if (c->missing[row])
    return FALSE;
  *out = c->reals ? c->reals[row] : (double) c->ints[row];
  return isfinite (*out);
}

static gint64
floor_div (gint64 a,
           gint64 b)
{
  gint64 q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

/* Calendar parts of a date (days) or date-time (seconds). */
static void
calendar_parts (Kind    kind,
                double  value,
                double *parts)
{
  gint64 v = (gint64) floor (value);
  gint64 days = kind == KIND_DATETIME ? floor_div (v, 86400) : v;
  int y, m, d;

  ax_civil_from_days (days, &y, &m, &d);
  parts[0] = y;
  parts[1] = m;
  parts[2] = d;
  parts[3] = (double) (((days + 3) % 7 + 7) % 7);   /* 1970-01-01 was a Thursday */
  parts[4] = (double) (days - ax_days_from_civil (y, 1, 1) + 1);
  if (kind == KIND_DATETIME)
    parts[5] = (double) ((v - days * 86400) / 3600);
}

/* Puts the k-th smallest of @n values at v[k], the smaller ones before it
 * and the larger after (Hoare's selection, median of three pivots). */
static void
select_kth (double *v,
            guint   n,
            guint   k)
{
  guint lo = 0, hi = n - 1;

  while (hi > lo)
    {
      guint mid = lo + (hi - lo) / 2, i = lo, j = hi;
      double a = v[lo], b = v[mid], c = v[hi], pivot;

      pivot = a < b ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b));
      while (i <= j)
        {
          while (v[i] < pivot)
            i++;
          while (v[j] > pivot)
            j--;
          if (i <= j)
            {
              double t = v[i];
              v[i] = v[j];
              v[j] = t;
              i++;
              if (j == 0)
                break;
              j--;
            }
        }
      if (k <= j)
        hi = j;
      else if (k >= i)
        lo = i;
      else
        return;
    }
}

/* Mean, median or mode of @n values (reordered in place).  Only the mode
 * sorts them; the median selects. */
static double
summary (double    *v,
         guint      n,
         AxMissing  how)
{
  double best;
  guint best_run = 0;

  if (n == 0)
    return 0;
  switch (how)
    {
    case AX_MISSING_MEDIAN:
      select_kth (v, n, n / 2);
      if (n % 2)
        return v[n / 2];
      /* The largest of the lower half. */
      best = v[0];
      for (guint i = 1; i < n / 2; i++)
        best = MAX (best, v[i]);
      return (best + v[n / 2]) / 2;
    case AX_MISSING_MODE:
      ax_sort_doubles (v, n);
      best = v[0];
      for (guint i = 0; i < n;)
        {
          guint j = i;
          while (j < n && v[j] == v[i])
            j++;
          if (j - i > best_run)
            best_run = j - i, best = v[i];
          i = j;
        }
      return best;
    case AX_MISSING_MEAN:
    case AX_MISSING_CONSTANT:
    case AX_MISSING_DROP:
    default:
      {
        double sum = 0;
        for (guint i = 0; i < n; i++)
          sum += v[i];
        return sum / n;
      }
    }
}

/* Appends a feature of the input being fitted to @features; its input's
 * index is set when the inputs are put together. */
static void
add_feature (GArray       *features,
             char         *name,
             const double *values,
             guint         n,
             AxNormalize   normalize)
{
  Feature f = { name, 0, 0, 1 };

  if (values && n > 0 && normalize == AX_NORMALIZE_STANDARD)
    {
      double mean = 0, ss = 0;
      for (guint i = 0; i < n; i++)
        mean += values[i];
      mean /= n;
      for (guint i = 0; i < n; i++)
        ss += (values[i] - mean) * (values[i] - mean);
      f.shift = mean;
      f.scale = sqrt (ss / n) > 1e-12 ? sqrt (ss / n) : 1;
    }
  else if (values && n > 0 && normalize == AX_NORMALIZE_MINMAX)
    {
      double lo = values[0], hi = values[0];
      for (guint i = 1; i < n; i++)
        lo = MIN (lo, values[i]), hi = MAX (hi, values[i]);
      f.shift = lo;
      f.scale = hi - lo > 1e-12 ? hi - lo : 1;
    }
  g_array_append_val (features, f);
}

/* One input being fitted, on its own (inputs are fitted side by side). */
typedef struct {
  Input           in;
  const AxColumn *column;
  gboolean        named;
  gboolean        keep;          /* FALSE: left out (an identifier, a constant) */
  GArray         *features;      /* Feature, the input's own */
  char           *note;
} InputFit;

/* The note of an input left out because every training row gives it the
 * same features (@n_present: its training rows with a value). */
static char *
constant_note (const char *name,
               guint       n_present)
{
  if (n_present == 0)
    return g_strdup_printf (_("“%s” has no value in any training row and is not used as a feature"),
                            name);
  return g_strdup_printf (_("“%s” has the same value in every training row and is not used "
                            "as a feature"), name);
}

/* Returns FALSE when every training row has the same value, missing ones
 * imputed: a feature that cannot tell rows apart, left out. */
static gboolean
fit_numeric (InputFit            *fit,
             const AxColumn      *c,
             const guint         *rows,
             guint                n_rows,
             const AxPrepOptions *opt)
{
  Input *in = &fit->in;
  g_autofree double *v = g_new (double, MAX (n_rows, 1));
  guint n = 0;
  gboolean same = TRUE;
  double first;

  for (guint i = 0; i < n_rows; i++)
    if (cell_number (c, rows[i], &v[n]))
      n++;
  first = n > 0 ? v[0] : 0;
  for (guint i = 1; i < n && same; i++)
    same = v[i] == first;

  if (in->kind == KIND_NUMBER || in->kind == KIND_BOOLEAN)
    {
      in->n_features = 1;
      add_feature (fit->features, g_strdup (in->name), v, n,
                   in->kind == KIND_NUMBER ? opt->normalize : AX_NORMALIZE_NONE);
      if (opt->missing == AX_MISSING_CONSTANT)
        in->impute = opt->missing_constant;
      else
        in->impute = summary (v, n, opt->missing == AX_MISSING_DROP ? AX_MISSING_MEAN : opt->missing);
    }
  else
    {
      /* Dates: statistics of each calendar part over the present values. */
      guint n_parts = in->kind == KIND_DATETIME ? N_DATETIME_PARTS : N_DATE_PARTS;
      g_autofree double *parts = g_new (double, (gsize) n * n_parts);
      g_autofree double *col = g_new (double, MAX (n, 1));

      for (guint i = 0; i < n; i++)
        {
          double p[N_DATETIME_PARTS];
          calendar_parts (in->kind, v[i], p);
          for (guint k = 0; k < n_parts; k++)
            parts[(gsize) k * n + i] = p[k];
        }
      in->n_features = n_parts;
      for (guint k = 0; k < n_parts; k++)
        {
          memcpy (col, parts + (gsize) k * n, n * sizeof (double));
          add_feature (fit->features, g_strdup_printf ("%s.%s", in->name, date_parts[k]),
                       col, n, opt->normalize);
        }
      if (opt->missing == AX_MISSING_CONSTANT)
        {
          in->impute_const = TRUE;
          in->impute = opt->missing_constant;
        }
      else
        in->impute = floor (summary (v, n, opt->missing == AX_MISSING_DROP ? AX_MISSING_MEAN : opt->missing));
    }

  if (n == 0 || (same && (n == n_rows || in->impute == first)))
    {
      fit->note = constant_note (in->name, n);
      return FALSE;
    }
  return TRUE;
}

typedef struct {
  const char *value;
  guint       count;
} LevelCount;

/* A category input's values and their indexes (levels when
 * transforming, distinct values when fitting): an open-addressing table
 * at most half full, hashed (FNV-1a) and compared inline for every row,
 * as GHashTable's calls cost more than the lookup itself.  The strings
 * stay their owner's. */
typedef struct {
  guint32     hash;
  guint32     index;           /* + 1; 0: an empty slot */
  const char *value;
} LevelSlot;

typedef struct {
  LevelSlot *slots;
  guint      mask;
  guint      n;
} LevelTable;

static inline guint32
level_hash (const char *s)
{
  guint32 h = 2166136261u;

  for (; *s; s++)
    h = (h ^ (guint8) *s) * 16777619u;
  return h;
}

static void
level_table_clear (LevelTable *t)
{
  g_clear_pointer (&t->slots, g_free);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (LevelTable, level_table_clear)

/* @value's index, -1 when it has none. */
static inline int
level_table_find (const LevelTable *t,
                  const char       *value,
                  guint32           hash)
{
  for (guint at = hash & t->mask; t->slots[at].index != 0; at = (at + 1) & t->mask)
    if (t->slots[at].hash == hash && strcmp (t->slots[at].value, value) == 0)
      return (int) t->slots[at].index - 1;
  return -1;
}

static void
level_table_place (LevelTable *t,
                   LevelSlot   slot)
{
  guint at = slot.hash & t->mask;

  while (t->slots[at].index != 0)
    at = (at + 1) & t->mask;
  t->slots[at] = slot;
}

/* Makes room: called once before the first value, then as it fills. */
static void
level_table_grow (LevelTable *t)
{
  g_autofree LevelSlot *old = t->slots;
  guint old_size = old ? t->mask + 1 : 0, size = MAX (old_size * 2, 64);

  t->slots = g_new0 (LevelSlot, size);
  t->mask = size - 1;
  for (guint k = 0; k < old_size; k++)
    if (old[k].index != 0)
      level_table_place (t, old[k]);
}

/* Adds @value (not in @t yet) with @index. */
static void
level_table_add (LevelTable *t,
                 const char *value,
                 guint32     hash,
                 guint       index)
{
  if ((t->n + 1) * 2 > t->mask + 1)
    level_table_grow (t);
  level_table_place (t, (LevelSlot) { hash, index + 1, value });
  t->n++;
}

static int
cmp_level (const void *a,
           const void *b)
{
  const LevelCount *x = a, *y = b;

  if (x->count != y->count)
    return x->count > y->count ? -1 : 1;
  return strcmp (x->value, y->value);
}

/* Returns FALSE when the column is an identifier or the same in every
 * training row: left out. */
static gboolean
fit_category (InputFit            *fit,
              const AxColumn      *c,
              gboolean             named,
              const guint         *rows,
              guint                n_rows,
              const AxPrepOptions *opt)
{
  Input *in = &fit->in;
  g_autoptr(GArray) found = g_array_new (FALSE, FALSE, sizeof (LevelCount));
  g_auto(LevelTable) seen = { 0 };
  LevelCount *levels;
  guint n_present = 0, n_distinct;

  level_table_grow (&seen);
  for (guint r = 0; r < n_rows; r++)
    {
      const char *s = c->strings[rows[r]];
      guint32 h;
      int at;

      if (c->missing[rows[r]])
        continue;
      n_present++;
      h = level_hash (s);
      if ((at = level_table_find (&seen, s, h)) < 0)
        {
          g_array_append_val (found, ((LevelCount) { s, 0 }));
          at = (int) found->len - 1;
          level_table_add (&seen, s, h, (guint) at);
        }
      g_array_index (found, LevelCount, at).count++;
    }
  n_distinct = found->len;

  if (c->type == AX_COLUMN_TEXT && !named &&
      n_distinct > AX_PREP_MAX_CATEGORIES && n_distinct * 2 > n_present)
    {
      fit->note = g_strdup_printf (_("“%s” looks like an identifier (%u different values "
                                     "in %u rows) and is not used as a feature; list it "
                                     "in “features” to use its %u most common values"),
                                   in->name, n_distinct, n_present, AX_PREP_MAX_CATEGORIES);
      return FALSE;
    }

  levels = (LevelCount *) (gpointer) found->data;
  qsort (levels, n_distinct, sizeof (LevelCount), cmp_level);

  in->n_levels = MIN (n_distinct, AX_PREP_MAX_CATEGORIES);
  in->levels = g_new0 (char *, in->n_levels + 1);
  in->missing_level = (opt->missing == AX_MISSING_CONSTANT || in->n_levels == 0) ? -1 : 0;
  /* The "(other)" indicator only where training rows land in it: a
   * constant column would only dilute the features a forest samples.
   * Without it, a value unseen in training has every indicator 0. */
  in->has_other = n_distinct > in->n_levels || in->n_levels == 0 ||
                  (in->missing_level < 0 && n_present < n_rows);
  in->n_features = in->n_levels + in->has_other;
  for (guint k = 0; k < in->n_levels; k++)
    {
      in->levels[k] = g_strdup (levels[k].value);
      add_feature (fit->features, g_strdup_printf ("%s=%s", in->name, levels[k].value),
                   NULL, 0, AX_NORMALIZE_NONE);
    }
  if (in->has_other)
    add_feature (fit->features, g_strdup_printf ("%s=(other)", in->name), NULL, 0, AX_NORMALIZE_NONE);
  /* One indicator only: every row, missing ones too, has it. */
  if (in->n_features == 1)
    {
      fit->note = constant_note (in->name, n_present);
      return FALSE;
    }
  return TRUE;
}

typedef struct {
  InputFit            *fits;
  const guint         *rows;
  guint                n_rows;
  const AxPrepOptions *options;
} PrepFit;

static void
fit_input (guint    i,
           gpointer data)
{
  PrepFit *p = data;
  InputFit *fit = &p->fits[i];

  if (fit->in.kind == KIND_CATEGORY)
    fit->keep = fit_category (fit, fit->column, fit->named, p->rows, p->n_rows, p->options);
  else
    fit->keep = fit_numeric (fit, fit->column, p->rows, p->n_rows, p->options);
}

/* Threads pay off only on enough values. */
static guint
threads_for (guint n_rows,
             guint n_columns)
{
  return (gsize) n_rows * n_columns < (1u << 16) ? 1 : 0;
}

AxPrep *
ax_prep_fit (const AxFrame        *frame,
             const char *const    *inputs,
             const gboolean       *named,
             const guint          *rows,
             guint                 n_rows,
             const AxPrepOptions  *options,
             GPtrArray            *notes,
             GError              **error)
{
  g_autoptr(AxPrep) prep = prep_new ();
  g_autofree InputFit *fits = NULL;
  guint n_inputs = inputs ? g_strv_length ((char **) inputs) : 0;
  PrepFit job = { NULL, rows, n_rows, options };
  g_autofree char *first_note = NULL;

  for (guint i = 0; i < n_inputs; i++)
    if (ax_frame_find_column (frame, inputs[i]) < 0)
      {
        g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                     _("features: the dataset has no column “%s”"), inputs[i]);
        return NULL;
      }

  /* Each input on its own, side by side; then put together in order. */
  fits = g_new0 (InputFit, MAX (n_inputs, 1));
  for (guint i = 0; i < n_inputs; i++)
    {
      InputFit *fit = &fits[i];

      fit->column = &frame->columns[ax_frame_find_column (frame, inputs[i])];
      fit->named = named && named[i];
      fit->in.name = g_strdup (inputs[i]);
      fit->in.type = fit->column->type;
      fit->in.kind = kind_of_type (fit->column->type);
      fit->in.missing_level = -1;
      fit->features = g_array_new (FALSE, TRUE, sizeof (Feature));
    }
  job.fits = fits;
  ax_run_tasks (n_inputs, threads_for (n_rows, n_inputs), fit_input, &job);

  for (guint i = 0; i < n_inputs; i++)
    {
      InputFit *fit = &fits[i];

      if (fit->note != NULL && first_note == NULL)
        first_note = g_strdup (fit->note);
      if (fit->note != NULL && notes != NULL)
        g_ptr_array_add (notes, g_steal_pointer (&fit->note));
      g_clear_pointer (&fit->note, g_free);
      if (fit->keep)
        {
          fit->in.first = prep->features->len;
          for (guint k = 0; k < fit->features->len; k++)
            {
              Feature f = g_array_index (fit->features, Feature, k);

              f.input = prep->inputs->len;
              g_array_append_val (prep->features, f);
            }
          g_array_append_val (prep->inputs, fit->in);
        }
      else
        {
          for (guint k = 0; k < fit->features->len; k++)
            feature_clear (&g_array_index (fit->features, Feature, k));
          input_clear (&fit->in);
        }
      g_array_unref (fit->features);
    }

  if (prep->features->len == 0 && first_note != NULL)
    {
      /* Say why the columns were left out. */
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                   _("features: no column is left to learn from: %s"), first_note);
      return NULL;
    }
  if (prep->features->len == 0)
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                   _("features: no column is left to learn from; list the columns to use"));
      return NULL;
    }
  return g_steal_pointer (&prep);
}

guint
ax_prep_get_n_inputs (const AxPrep *prep)
{
  return prep->inputs->len;
}

const char *
ax_prep_get_input_name (const AxPrep *prep,
                        guint         input)
{
  g_return_val_if_fail (input < prep->inputs->len, NULL);
  return g_array_index (prep->inputs, Input, input).name;
}

AxColumnType
ax_prep_get_input_type (const AxPrep *prep,
                        guint         input)
{
  g_return_val_if_fail (input < prep->inputs->len, AX_COLUMN_REAL);
  return g_array_index (prep->inputs, Input, input).type;
}

guint
ax_prep_get_n_features (const AxPrep *prep)
{
  return prep->features->len;
}

const char *
ax_prep_get_feature_name (const AxPrep *prep,
                          guint         feature)
{
  g_return_val_if_fail (feature < prep->features->len, NULL);
  return g_array_index (prep->features, Feature, feature).name;
}

guint
ax_prep_get_feature_input (const AxPrep *prep,
                           guint         feature)
{
  g_return_val_if_fail (feature < prep->features->len, 0);
  return g_array_index (prep->features, Feature, feature).input;
}

static gboolean
types_match (AxColumnType learned,
             AxColumnType given)
{
  if (learned == given)
    return TRUE;
  return ax_column_type_is_numeric (learned) && ax_column_type_is_numeric (given);
}

static void
transform_input (const AxPrep   *prep,
                 const Input    *in,
                 const AxColumn *c,
                 const guint    *rows,
                 AxMatrix       *m)
{
  const Feature *f = &g_array_index (prep->features, Feature, in->first);
  guint n = m->n_rows;
  float *x = m->x + (gsize) in->first * n;

  switch (in->kind)
    {
    case KIND_NUMBER:
    case KIND_BOOLEAN:
      for (guint i = 0; i < n; i++)
        {
          double v;

          if (!cell_number (c, rows ? rows[i] : i, &v))
            v = in->impute;
          x[i] = (float) ((v - f->shift) / f->scale);
        }
      break;

    case KIND_DATE:
    case KIND_DATETIME:
      for (guint i = 0; i < n; i++)
        {
          double v, parts[N_DATETIME_PARTS];

          if (cell_number (c, rows ? rows[i] : i, &v))
            calendar_parts (in->kind, v, parts);
          else if (in->impute_const)
            for (guint k = 0; k < in->n_features; k++)
              parts[k] = in->impute;
          else
            calendar_parts (in->kind, in->impute, parts);
          for (guint k = 0; k < in->n_features; k++)
            x[(gsize) k * n + i] = (float) ((parts[k] - f[k].shift) / f[k].scale);
        }
      break;

    case KIND_CATEGORY:
    case N_KINDS:
    default:
      {
        g_auto(LevelTable) index = { 0 };

        level_table_grow (&index);
        for (guint k = 0; k < in->n_levels; k++)
          level_table_add (&index, in->levels[k], level_hash (in->levels[k]), k);
        memset (x, 0, (gsize) in->n_features * n * sizeof (float));
        for (guint i = 0; i < n; i++)
          {
            guint row = rows ? rows[i] : i;
            int level;

            if (c->missing[row])
              level = in->missing_level;
            else
              level = level_table_find (&index, c->strings[row], level_hash (c->strings[row]));
            if (level >= 0 || in->has_other)
              x[(gsize) (level < 0 ? in->n_levels : (guint) level) * n + i] = 1;
          }
      }
      break;
    }
}

typedef struct {
  const AxPrep   *prep;
  const AxFrame  *frame;
  const int      *columns;
  const guint    *rows;
  AxMatrix       *m;
} PrepTransform;

static void
transform_task (guint    i,
                gpointer data)
{
  PrepTransform *t = data;

  transform_input (t->prep, &g_array_index (t->prep->inputs, Input, i),
                   &t->frame->columns[t->columns[i]], t->rows, t->m);
}

AxMatrix *
ax_prep_transform (const AxPrep   *prep,
                   const AxFrame  *frame,
                   const guint    *rows,
                   guint           n_rows,
                   GError        **error)
{
  g_autoptr(AxMatrix) m = NULL;
  g_autofree int *columns = g_new (int, MAX (prep->inputs->len, 1));
  PrepTransform job = { prep, frame, columns, rows, NULL };

  g_return_val_if_fail (rows != NULL || n_rows == frame->n_rows, NULL);

  for (guint i = 0; i < prep->inputs->len; i++)
    {
      const Input *in = &g_array_index (prep->inputs, Input, i);
      int col = ax_frame_find_column (frame, in->name);

      if (col < 0)
        {
          g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_DATA,
                       _("The data has no column “%s”, which the model needs"), in->name);
          return NULL;
        }
      if (!types_match (in->type, frame->columns[col].type))
        {
          g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_DATA,
                       _("Column “%s” holds %s values; the model learned it as %s"),
                       in->name, ax_column_type_label (frame->columns[col].type),
                       ax_column_type_label (in->type));
          return NULL;
        }
      columns[i] = col;
    }

  m = ax_matrix_new (n_rows, prep->features->len);
  for (guint f = 0; f < prep->features->len; f++)
    {
      g_free (m->names[f]);
      m->names[f] = g_strdup (g_array_index (prep->features, Feature, f).name);
    }
  job.m = m;
  ax_run_tasks (prep->inputs->len, threads_for (n_rows, prep->inputs->len), transform_task, &job);
  return g_steal_pointer (&m);
}

/* Inputs: (name, column type, impute, impute is constant, levels,
 * level of a missing value, has "(other)"); features: (name, input,
 * shift, scale). */
#define PREP_VARIANT_TYPE "(a(sudbasib)a(sudd))"

GVariant *
ax_prep_to_variant (const AxPrep *prep)
{
  GVariantBuilder inputs, features;

  g_variant_builder_init (&inputs, G_VARIANT_TYPE ("a(sudbasib)"));
  for (guint i = 0; i < prep->inputs->len; i++)
    {
      const Input *in = &g_array_index (prep->inputs, Input, i);
      const char *const empty[] = { NULL };

      g_variant_builder_add (&inputs, "(sudb^asib)", in->name, (guint32) in->type,
                             in->impute, in->impute_const,
                             in->levels ? (const char *const *) in->levels : empty,
                             (gint32) in->missing_level, in->has_other);
    }
  g_variant_builder_init (&features, G_VARIANT_TYPE ("a(sudd)"));
  for (guint f = 0; f < prep->features->len; f++)
    {
      const Feature *ft = &g_array_index (prep->features, Feature, f);
      g_variant_builder_add (&features, "(sudd)", ft->name, (guint32) ft->input,
                             ft->shift, ft->scale);
    }
  return g_variant_new (PREP_VARIANT_TYPE, &inputs, &features);
}

static AxPrep *
damaged (GError **error)
{
  g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_BLOB,
               _("The model is damaged: its preprocessing cannot be read"));
  return NULL;
}

AxPrep *
ax_prep_from_variant (GVariant  *variant,
                      GError   **error)
{
  g_autoptr(AxPrep) prep = prep_new ();
  g_autoptr(GVariantIter) inputs = NULL, features = NULL;
  const char *name;
  guint32 type, input;
  double impute, shift, scale;
  gboolean impute_const, has_other;
  char **levels;
  gint32 missing_level;
  guint next = 0;

  if (!g_variant_is_of_type (variant, G_VARIANT_TYPE (PREP_VARIANT_TYPE)))
    return damaged (error);

  g_variant_get (variant, PREP_VARIANT_TYPE, &inputs, &features);
  while (g_variant_iter_next (inputs, "(&sudb^asib)", &name, &type, &impute,
                              &impute_const, &levels, &missing_level, &has_other))
    {
      Input in = {
        .name = g_strdup (name),
        .type = type,
        .impute = impute,
        .impute_const = impute_const,
        .levels = levels,
        .n_levels = g_strv_length (levels),
        .missing_level = missing_level,
        .has_other = has_other,
      };

      if (type >= AX_N_COLUMN_TYPES)
        {
          input_clear (&in);
          return damaged (error);
        }
      in.kind = kind_of_type (type);
      in.first = next;
      in.n_features = in.kind == KIND_CATEGORY ? in.n_levels + (in.has_other != 0) :
                      in.kind == KIND_DATE ? N_DATE_PARTS :
                      in.kind == KIND_DATETIME ? N_DATETIME_PARTS : 1;
      next += in.n_features;
      g_array_append_val (prep->inputs, in);
      if (missing_level >= (gint32) in.n_levels)
        return damaged (error);
    }
  while (g_variant_iter_next (features, "(&sudd)", &name, &input, &shift, &scale))
    {
      Feature f = { g_strdup (name), input, shift, scale };
      g_array_append_val (prep->features, f);
      if (input >= prep->inputs->len || scale == 0)
        return damaged (error);
    }
  if (prep->features->len != next || next == 0)
    return damaged (error);
  for (guint i = 0; i < prep->inputs->len; i++)
    {
      const Input *in = &g_array_index (prep->inputs, Input, i);
      for (guint k = 0; k < in->n_features; k++)
        if (g_array_index (prep->features, Feature, in->first + k).input != i)
          return damaged (error);
    }
  return g_steal_pointer (&prep);
}
