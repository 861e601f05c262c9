/* ax-series.c — regular series from frames: frequencies, aggregation, gaps,
 * seasonal periods
 *
 * A series is a grid of consecutive periods from the first row's period to
 * the last row's.  Rows are assigned to the period that contains their
 * time (weekly periods start on the weekday of the earliest row, the
 * others on the hour, day, or first day of the month, quarter or year) and
 * combined by the chosen aggregate.  A period without any row is a gap: it
 * stays NAN (or is 0 with gaps_are_zero), and the models treat it as
 * unobserved rather than inventing a value.
 */

#include "ax-config.h"
#include "ax-forecast-private.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The longest grid a series may have (some 570 years of hours). */
#define MAX_PERIODS 5000000u

/* ------------------------------------------------------------ the series */

void
ax_series_free (AxTimeSeries *series)
{
  if (series == NULL)
    return;
  g_free (series->name);
  g_free (series->time_column);
  g_free (series->time);
  g_free (series->y);
  g_strfreev (series->driver_names);
  g_free (series->drivers);
  g_free (series);
}

AxTimeSeries *
ax_series_copy (const AxTimeSeries *s)
{
  AxTimeSeries *c = g_memdup2 (s, sizeof *s);
  c->name = g_strdup (s->name);
  c->time_column = g_strdup (s->time_column);
  c->time = g_memdup2 (s->time, sizeof (double) * MAX (s->n, 1));
  c->y = g_memdup2 (s->y, sizeof (double) * MAX (s->n, 1));
  c->driver_names = g_strdupv (s->driver_names);
  c->drivers = s->drivers != NULL
               ? g_memdup2 (s->drivers, sizeof (double) * s->n * s->n_drivers) : NULL;
  return c;
}

/* Observed count, constraints and periods, from y. */
static void
series_describe (AxTimeSeries *s)
{
  s->n_missing = 0;
  s->nonnegative = TRUE;
  s->integer = TRUE;
  for (guint i = 0; i < s->n; i++)
    {
      double v = s->y[i];
      if (isnan (v))
        {
          s->n_missing++;
          continue;
        }
      if (v < 0)
        s->nonnegative = FALSE;
      if (fabs (v - round (v)) > 1e-9 * MAX (1.0, fabs (v)))
        s->integer = FALSE;
    }
  s->n_periods = ax_series_detect_periods (s->y, s->n, s->frequency,
                                           s->periods, AX_SERIES_MAX_PERIODS);
}

AxTimeSeries *
ax_series_new (AxFrequency   freq,
               guint         n,
               const double *time,
               const double *y)
{
  AxTimeSeries *s = g_new0 (AxTimeSeries, 1);

  g_return_val_if_fail (freq > AX_FREQUENCY_AUTO && freq < AX_N_FREQUENCIES, NULL);
  s->frequency = freq;
  s->n = n;
  s->time = g_new (double, MAX (n, 1));
  s->y = g_new (double, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    {
      s->time[i] = ax_frequency_advance (freq, time != NULL ? time[0] : 0, (int) i);
      s->y[i] = y[i];
    }
  s->driver_names = g_new0 (char *, 1);
  series_describe (s);
  return s;
}

static gboolean
column_time (const AxColumn *c,
             guint           row,
             double         *out)
{
  if (c->missing[row])
    return FALSE;
  switch (c->type)
    {
    case AX_COLUMN_DATE:
    case AX_COLUMN_INTEGER:
      *out = (double) c->ints[row];
      return TRUE;
    case AX_COLUMN_DATETIME:
      *out = (double) c->ints[row] / 86400.0;
      return TRUE;
    case AX_COLUMN_REAL:
      *out = c->reals[row];
      return isfinite (*out);
    case AX_COLUMN_BOOLEAN:
    case AX_COLUMN_CATEGORICAL:
    case AX_COLUMN_TEXT:
    case AX_N_COLUMN_TYPES:
    default:
      return FALSE;
    }
}

static gboolean
column_number (const AxColumn *c,
               guint           row,
               double         *out)
{
  if (c->missing[row])
    return FALSE;
  *out = c->type == AX_COLUMN_REAL ? c->reals[row] : (double) c->ints[row];
  return isfinite (*out);
}

/* The item of a row as text, into @buf; NULL when missing. */
static const char *
column_key (const AxColumn *c,
            guint           row,
            char           *buf,
            gsize           size)
{
  if (c->missing[row])
    return NULL;
  switch (c->type)
    {
    case AX_COLUMN_CATEGORICAL:
    case AX_COLUMN_TEXT:
      return c->strings[row];
    case AX_COLUMN_REAL:
      ax_format_real (c->reals[row], buf, size);
      return buf;
    case AX_COLUMN_DATE:
      ax_format_date (c->ints[row], buf, size);
      return buf;
    case AX_COLUMN_DATETIME:
      ax_format_datetime (c->ints[row], buf, size);
      return buf;
    case AX_COLUMN_INTEGER:
    case AX_COLUMN_BOOLEAN:
    case AX_N_COLUMN_TYPES:
    default:
      g_snprintf (buf, size, "%" G_GINT64_FORMAT, c->ints[row]);
      return buf;
    }
}

static const AxColumn *
find_column (const AxFrame *frame,
             const char    *field,
             const char    *name,
             gboolean       numeric,
             GError       **error)
{
  int col;

  if (name == NULL || *name == '\0')
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                   _("%s: a column must be named"), field);
      return NULL;
    }
  col = ax_frame_find_column (frame, name);
  if (col < 0)
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                   _("%s: no column “%s” in the data"), field, name);
      return NULL;
    }
  if (numeric && !ax_column_type_is_numeric (frame->columns[col].type))
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                   _("%s: “%s” is not numeric"), field, name);
      return NULL;
    }
  return &frame->columns[col];
}

/* Index of period start @p on the grid that starts at @start. */
static gint64
period_index (AxFrequency freq,
              double      start,
              double      p)
{
  if (ax_frequency_months (freq) > 0)
    return (gint64) llround (ax_frequency_periods_between (freq, start, p));
  if (freq == AX_FREQUENCY_HOURLY)
    return (gint64) llround ((p - start) * 24);
  return (gint64) llround ((p - start) / ax_frequency_days[freq]);
}

static double
series_floor (AxFrequency freq,
              double      anchor,
              double      t)
{
  if (freq == AX_FREQUENCY_WEEKLY)
    return anchor + 7 * floor ((floor (t + 1e-9) - anchor) / 7);
  return ax_frequency_floor (freq, t);
}

gint64
ax_series_locate (const AxTimeSeries *series,
                  double          time_days)
{
  return period_index (series->frequency, series->time[0],
                       series_floor (series->frequency, series->time[0], time_days));
}

AxTimeSeries *
ax_series_new_from_frame (const AxFrame       *frame,
                          const AxSeriesSpec  *spec,
                          GError             **error)
{
  const AxColumn *tc, *vc, *ic = NULL;
  g_autoptr(GPtrArray) dcols = g_ptr_array_new ();
  g_autofree double *times = NULL;
  g_autofree guint *rows = NULL;
  g_autofree double *count = NULL;
  g_autoptr(AxTimeSeries) s = NULL;
  AxFrequency freq = spec->frequency;
  double t_min = INFINITY, t_max = -INFINITY, anchor = 0;
  guint n_rows = 0, n_observed = 0;
  gint64 n_grid;
  char buf[64];

  if ((tc = find_column (frame, "time_column", spec->time_column, FALSE, error)) == NULL)
    return NULL;
  if (tc->type == AX_COLUMN_BOOLEAN || tc->type == AX_COLUMN_CATEGORICAL ||
      tc->type == AX_COLUMN_TEXT)
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                   _("time_column: “%s” holds neither dates nor times"), spec->time_column);
      return NULL;
    }
  if ((vc = find_column (frame, "value_column", spec->value_column, TRUE, error)) == NULL)
    return NULL;
  if (spec->item_column != NULL &&
      (ic = find_column (frame, "item_column", spec->item_column, FALSE, error)) == NULL)
    return NULL;
  for (guint d = 0; spec->drivers != NULL && spec->drivers[d] != NULL; d++)
    {
      const AxColumn *c = find_column (frame, "drivers", spec->drivers[d], TRUE, error);
      if (c == NULL)
        return NULL;
      g_ptr_array_add (dcols, (gpointer) c);
    }

  /* The rows that belong to the series, and their times. */
  times = g_new (double, MAX (frame->n_rows, 1));
  rows = g_new (guint, MAX (frame->n_rows, 1));
  for (guint r = 0; r < frame->n_rows; r++)
    {
      double t;
      if (ic != NULL && spec->item != NULL)
        {
          const char *key = column_key (ic, r, buf, sizeof buf);
          if (key == NULL || strcmp (key, spec->item) != 0)
            continue;
        }
      if (!column_time (tc, r, &t))
        continue;
      times[n_rows] = t;
      rows[n_rows++] = r;
      t_min = MIN (t_min, t);
      t_max = MAX (t_max, t);
    }
  if (freq == AX_FREQUENCY_AUTO)
    freq = ax_frequency_detect (times, n_rows);
  if (freq == AX_FREQUENCY_AUTO)
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_DATA,
                   _("time_column: the series needs rows at two different times at least"));
      return NULL;
    }
  if (tc->type == AX_COLUMN_DATE && freq == AX_FREQUENCY_HOURLY)
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                   _("frequency: “%s” holds dates, which cannot make an hourly series"),
                   spec->time_column);
      return NULL;
    }

  anchor = floor (t_min + 1e-9);
  t_min = series_floor (freq, anchor, t_min);
  n_grid = period_index (freq, t_min, series_floor (freq, anchor, t_max)) + 1;
  if (n_grid > MAX_PERIODS)
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_DATA,
                   _("frequency: the data spans %" G_GINT64_FORMAT " %s periods, more than %u"),
                   n_grid, ax_frequency_to_string (freq), MAX_PERIODS);
      return NULL;
    }

  s = g_new0 (AxTimeSeries, 1);
  s->name = g_strdup (spec->item != NULL ? spec->item : spec->value_column);
  s->time_column = g_strdup (spec->time_column);
  s->frequency = freq;
  s->datetime = tc->type == AX_COLUMN_DATETIME;
  s->n = (guint) n_grid;
  s->time = g_new (double, s->n);
  s->y = g_new (double, s->n);
  s->n_drivers = dcols->len;
  s->driver_names = g_new0 (char *, dcols->len + 1);
  s->drivers = dcols->len > 0 ? g_new0 (double, (gsize) s->n * dcols->len) : NULL;
  count = g_new0 (double, (gsize) s->n * (1 + dcols->len));
  for (guint d = 0; d < dcols->len; d++)
    s->driver_names[d] = g_strdup (spec->drivers[d]);
  for (guint i = 0; i < s->n; i++)
    {
      s->time[i] = freq == AX_FREQUENCY_WEEKLY ? t_min + 7.0 * i
                                               : ax_frequency_advance (freq, t_min, (int) i);
      s->y[i] = 0;
    }

  /* Aggregate: sums and counts per period (LAST keeps the latest row). */
  {
    g_autofree double *last_t = g_new (double, s->n);
    for (guint i = 0; i < s->n; i++)
      last_t[i] = -INFINITY;
    for (guint k = 0; k < n_rows; k++)
      {
        guint r = rows[k];
        gint64 i = period_index (freq, t_min, series_floor (freq, anchor, times[k]));
        double v;
        if (i < 0 || i >= (gint64) s->n)
          continue;
        if (column_number (vc, r, &v))
          {
            if (spec->aggregate == AX_AGGREGATE_LAST)
              {
                if (times[k] >= last_t[i])
                  s->y[i] = v, last_t[i] = times[k], count[i] = 1;
              }
            else
              s->y[i] += v, count[i] += 1;
          }
        for (guint d = 0; d < dcols->len; d++)
          if (column_number (dcols->pdata[d], r, &v))
            {
              s->drivers[(gsize) d * s->n + i] += v;
              count[(gsize) (d + 1) * s->n + i] += 1;
            }
      }
  }
  for (guint i = 0; i < s->n; i++)
    {
      if (count[i] == 0)
        s->y[i] = spec->gaps_are_zero && spec->aggregate == AX_AGGREGATE_SUM ? 0 : NAN;
      else if (spec->aggregate == AX_AGGREGATE_MEAN)
        s->y[i] /= count[i];
      if (!isnan (s->y[i]))
        n_observed++;
    }
  /* Drivers: the mean per period; gaps carry the last value forward (the
   * first value backward before it). */
  for (guint d = 0; d < dcols->len; d++)
    {
      double *x = s->drivers + (gsize) d * s->n, *c = count + (gsize) (d + 1) * s->n;
      double last = NAN;
      for (guint i = 0; i < s->n; i++)
        if (c[i] > 0)
          {
            x[i] /= c[i];
            if (isnan (last))
              for (guint j = 0; j < i; j++)
                x[j] = x[i];
            last = x[i];
          }
        else
          x[i] = isnan (last) ? 0 : last;
    }
  if (n_observed < 3)
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_DATA,
                   _("value_column: the series has %u periods with a value; at least 3 are needed"),
                   n_observed);
      return NULL;
    }
  series_describe (s);
  return g_steal_pointer (&s);
}

static int
compare_strings (const void *a,
                 const void *b)
{
  return g_utf8_collate (*(char *const *) a, *(char *const *) b);
}

char **
ax_series_list_items (const AxFrame  *frame,
                      const char     *item_column,
                      GError        **error)
{
  const AxColumn *c = find_column (frame, "item_column", item_column, FALSE, error);
  g_autoptr(GHashTable) seen = NULL;
  GPtrArray *items;
  char buf[64];

  if (c == NULL)
    return NULL;
  seen = g_hash_table_new (g_str_hash, g_str_equal);
  items = g_ptr_array_new ();
  for (guint r = 0; r < frame->n_rows; r++)
    {
      const char *key = column_key (c, r, buf, sizeof buf);
      char *copy;
      if (key == NULL || g_hash_table_contains (seen, key))
        continue;
      copy = g_strdup (key);
      g_ptr_array_add (items, copy);
      g_hash_table_add (seen, copy);
    }
  qsort (items->pdata, items->len, sizeof (gpointer), compare_strings);
  g_ptr_array_add (items, NULL);
  return (char **) g_ptr_array_free (items, FALSE);
}

/* ------------------------------------------------------ seasonal periods */

/* Centred moving average of length @w (2 x w when w is even) into @out;
 * NAN where the window does not fit. */
static void
centred_average (const double *y,
                 guint         n,
                 guint         w,
                 double       *out)
{
  guint half = w / 2;
  double sum = 0;

  for (guint i = 0; i < n; i++)
    out[i] = NAN;
  if (w < 2 || n < w + 1)
    {
      if (w < 2)
        memcpy (out, y, sizeof (double) * n);
      return;
    }
  if (w % 2 == 1)
    {
      for (guint i = 0; i < w; i++)
        sum += y[i];
      for (guint c = half; c + half < n; c++)
        {
          out[c] = sum / w;
          if (c + half + 1 < n)
            sum += y[c + half + 1] - y[c - half];
        }
      return;
    }
  /* 2 x w: weights 1/2w at both ends, 1/w inside. */
  for (guint i = 0; i <= w; i++)
    sum += y[i];
  for (guint c = half; c + half < n; c++)
    {
      out[c] = (sum - 0.5 * (y[c - half] + y[c + half])) / w;
      if (c + half + 1 < n)
        sum += y[c + half + 1] - y[c - half];
    }
}

/* Autocorrelation of the finite values of @r at @lag. */
static double
autocorrelation (const double *r,
                 guint         n,
                 guint         lag)
{
  double mean = 0, num = 0, den = 0;
  guint k = 0;

  for (guint i = 0; i < n; i++)
    if (isfinite (r[i]))
      mean += r[i], k++;
  if (k < lag + 3)
    return 0;
  mean /= k;
  for (guint i = 0; i < n; i++)
    if (isfinite (r[i]))
      {
        den += (r[i] - mean) * (r[i] - mean);
        if (i + lag < n && isfinite (r[i + lag]))
          num += (r[i] - mean) * (r[i + lag] - mean);
      }
  return den > 0 ? num / den : 0;
}

static double
variance (const double *r,
          guint         n)
{
  double mean = 0, ss = 0;
  guint k = 0;

  for (guint i = 0; i < n; i++)
    if (isfinite (r[i]))
      mean += r[i], k++;
  if (k < 2)
    return 0;
  mean /= k;
  for (guint i = 0; i < n; i++)
    if (isfinite (r[i]))
      ss += (r[i] - mean) * (r[i] - mean);
  return ss / k;
}

/* Removes from @r the mean per position modulo @p. */
static void
remove_seasonal_means (double *r,
                       guint   n,
                       guint   p)
{
  g_autofree double *sum = g_new0 (double, p);
  g_autofree guint *cnt = g_new0 (guint, p);

  for (guint i = 0; i < n; i++)
    if (isfinite (r[i]))
      sum[i % p] += r[i], cnt[i % p]++;
  for (guint i = 0; i < n; i++)
    if (isfinite (r[i]) && cnt[i % p] > 0)
      r[i] -= sum[i % p] / cnt[i % p];
}

guint
ax_series_detect_periods (const double *y,
                          guint         n,
                          AxFrequency   freq,
                          guint        *periods,
                          guint         max)
{
  static const guint candidates[AX_N_FREQUENCIES][2] = {
    { 0, 0 }, { 24, 168 }, { 7, 365 }, { 52, 0 }, { 12, 0 }, { 4, 0 }, { 0, 0 },
  };
  g_autofree double *filled = g_new (double, MAX (n, 1));
  g_autofree double *trend = g_new (double, MAX (n, 1));
  g_autofree double *r = g_new (double, MAX (n, 1));
  g_autofree double *smooth = g_new (double, MAX (n, 1));
  guint found[2], n_found = 0, first = G_MAXUINT, last = 0;
  double strength[2];

  if (freq >= AX_N_FREQUENCIES || max == 0)
    return 0;
  /* Linear interpolation over gaps; the ends are not extrapolated. */
  for (guint i = 0; i < n; i++)
    if (isfinite (y[i]))
      first = MIN (first, i), last = i;
  if (first == G_MAXUINT)
    return 0;
  for (guint i = first, prev = first; i <= last; i++)
    if (isfinite (y[i]))
      {
        for (guint j = prev + 1; j < i; j++)
          filled[j - first] = y[prev] + (y[i] - y[prev]) * (j - prev) / (double) (i - prev);
        filled[i - first] = y[i];
        prev = i;
      }
  n = last - first + 1;

  for (guint c = 0; c < 2; c++)
    {
      guint p = candidates[freq][c], w;
      double acf;
      if (p == 0 || n < 2 * p + 1)
        continue;
      centred_average (filled, n, p, trend);
      for (guint i = 0; i < n; i++)
        r[i] = filled[i] - trend[i];
      for (guint k = 0; k < n_found; k++)
        remove_seasonal_means (r, n, found[k]);
      /* A long cycle shows through day-to-day noise once smoothed. */
      w = MAX (n_found > 0 ? found[n_found - 1] : 0, p / 24);
      if (w >= 2)
        {
          guint half = w / 2;
          for (guint i = 0; i < n; i++)
            {
              double sum = 0;
              guint k = 0;
              for (guint j = i >= half ? i - half : 0; j < MIN (n, i + half + 1); j++)
                if (isfinite (r[j]))
                  sum += r[j], k++;
              smooth[i] = k > 0 && isfinite (r[i]) ? sum / k : NAN;
            }
          memcpy (r, smooth, sizeof (double) * n);
        }
      /* A series the moving average explains (a straight line) has no
       * season, whatever its rounding errors correlate with. */
      if (variance (r, n) <= 1e-12 * variance (filled, n))
        continue;
      acf = autocorrelation (r, n, p);
      if (acf > 0.3)
        {
          found[n_found] = p;
          strength[n_found++] = acf;
        }
    }
  if (n_found == 2 && strength[1] > strength[0])
    {
      guint t = found[0];
      found[0] = found[1], found[1] = t;
    }
  for (guint k = 0; k < MIN (n_found, max); k++)
    periods[k] = found[k];
  return MIN (n_found, max);
}
