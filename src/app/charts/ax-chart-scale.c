/* ax-chart-scale.c — nice ticks, calendar ticks, decimation and binning
 *
 * See ax-chart-scale.h.  Dates are civil dates in UTC computed from day
 * numbers (Howard Hinnant's days_from_civil), so ticks cost no allocation;
 * GDateTime only formats the few labels.
 */

#include "ax-config.h"
#include "ax-chart-scale.h"

#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY 86400.0

double
ax_scale_nice_step (double range,
                    guint  max_ticks)
{
  double raw, mag, norm;

  if (max_ticks < 1)
    max_ticks = 1;
  if (!(range > 0) || !isfinite (range))
    return 1.0;
  raw = range / max_ticks;
  mag = pow (10.0, floor (log10 (raw)));
  norm = raw / mag;
  /* A little slack so that 1.0000000002 stays 1. */
  if (norm <= 1.0 + 1e-9)
    return mag;
  if (norm <= 2.0 + 1e-9)
    return 2 * mag;
  if (norm <= 5.0 + 1e-9)
    return 5 * mag;
  return 10 * mag;
}

void
ax_scale_nice_range (double *lo,
                     double *hi,
                     guint   max_ticks)
{
  double step;

  if (!isfinite (*lo) || !isfinite (*hi))
    {
      *lo = 0;
      *hi = 1;
      return;
    }
  if (*hi < *lo)
    {
      double t = *lo;
      *lo = *hi;
      *hi = t;
    }
  if (*hi == *lo)
    {
      double pad = fabs (*lo) > 0 ? fabs (*lo) * 0.1 : 1.0;
      *lo -= pad;
      *hi += pad;
    }
  step = ax_scale_nice_step (*hi - *lo, max_ticks);
  *lo = floor (*lo / step + 1e-9) * step;
  *hi = ceil (*hi / step - 1e-9) * step;
}

/* The locale's decimal point and thousands separator; a C locale has no
 * separator, and a "," then reads best. */
static void
number_marks (const char **point,
              const char **sep)
{
  struct lconv *lc = localeconv ();

  *point = lc->decimal_point && *lc->decimal_point ? lc->decimal_point : ".";
  if (lc->thousands_sep && *lc->thousands_sep)
    *sep = lc->thousands_sep;
  else
    *sep = strcmp (*point, ",") == 0 ? "\u202f" : ",";
}

/* Formats |v| with @decimals decimals, groups the integer digits, adds the
 * sign and @suffix; @trim drops trailing fractional zeros. */
static char *
format_grouped (double      v,
                int         decimals,
                gboolean    trim,
                const char *suffix)
{
  const char *point, *sep;
  char buf[64], fmt[8];
  GString *out = g_string_new (NULL);
  const char *digits, *dot;
  gsize int_len;

  number_marks (&point, &sep);
  decimals = CLAMP (decimals, 0, 12);
  /* Always format in the C style, then apply the marks ourselves. */
  g_snprintf (fmt, sizeof fmt, "%%.%df", decimals);
  g_ascii_formatd (buf, sizeof buf, fmt, fabs (v));
  if (trim && strchr (buf, '.'))
    {
      char *end = buf + strlen (buf) - 1;
      while (*end == '0')
        *end-- = 0;
      if (*end == '.')
        *end = 0;
    }
  /* No "-0". */
  if (v < 0 && strspn (buf, "0.") != strlen (buf))
    g_string_append (out, "−");
  digits = buf;
  dot = strchr (digits, '.');
  int_len = dot ? (gsize) (dot - digits) : strlen (digits);
  for (gsize i = 0; i < int_len; i++)
    {
      if (i > 0 && (int_len - i) % 3 == 0)
        g_string_append (out, sep);
      g_string_append_c (out, digits[i]);
    }
  if (dot)
    {
      g_string_append (out, point);
      g_string_append (out, dot + 1);
    }
  g_string_append (out, suffix);
  return g_string_free (out, FALSE);
}

static int
decimals_for (double step)
{
  if (!(step > 0))
    return 0;
  return MAX (0, (int) -floor (log10 (step) + 1e-9));
}

char *
ax_scale_format_number (double v,
                        double step)
{
  static const struct { double div; const char *suffix; } si[] = {
    { 1e12, "T" }, { 1e9, "G" }, { 1e6, "M" }, { 1e3, "k" },
  };

  if (!isfinite (v))
    return g_strdup ("–");
  if (step > 0 && fabs (v) < step * 1e-6)
    v = 0;
  if (step >= 1000)
    for (guint i = 0; i < G_N_ELEMENTS (si); i++)
      if (fabs (v) >= si[i].div)
        return format_grouped (v / si[i].div, decimals_for (step / si[i].div), TRUE, si[i].suffix);
  return format_grouped (v, decimals_for (step), FALSE, "");
}

char *
ax_scale_format_value (double v)
{
  double a = fabs (v);

  if (!isfinite (v))
    return g_strdup ("–");
  if (a >= 1e12)
    return format_grouped (v / 1e12, 2, TRUE, "T");
  if (a >= 1e9)
    return format_grouped (v / 1e9, 2, TRUE, "G");
  if (a >= 1e6)
    return format_grouped (v / 1e6, 2, TRUE, "M");
  if (a >= 1000)
    return format_grouped (v, 0, FALSE, "");
  if (a == 0)
    return g_strdup ("0");
  if (a >= 100)
    return format_grouped (v, 1, TRUE, "");
  if (a >= 10)
    return format_grouped (v, 2, TRUE, "");
  if (a >= 1)
    return format_grouped (v, 3, TRUE, "");
  /* Small values: four significant digits. */
  return format_grouped (v, MIN (12, 3 - (int) floor (log10 (a))), TRUE, "");
}

/* ax_scale_linear_ticks() with a step of at least @min_step. */
static void
ticks_at_least (double   lo,
                double   hi,
                guint    max_ticks,
                double   min_step,
                AxTicks *out)
{
  double step, first;

  memset (out, 0, sizeof *out);
  if (!isfinite (lo) || !isfinite (hi) || hi <= lo)
    return;
  max_ticks = CLAMP (max_ticks, 1, AX_SCALE_MAX_TICKS - 1);
  step = MAX (ax_scale_nice_step (hi - lo, max_ticks), min_step);
  out->step = step;
  first = ceil (lo / step - 1e-9);
  for (double k = first; out->n < AX_SCALE_MAX_TICKS; k++)
    {
      double v = k * step;
      g_autofree char *label = NULL;

      if (v > hi + step * 1e-9)
        break;
      if (fabs (v) < step * 1e-9)
        v = 0;
      label = ax_scale_format_number (v, step);
      out->ticks[out->n].value = v;
      g_strlcpy (out->ticks[out->n].label, label, sizeof out->ticks[0].label);
      out->n++;
    }
}

void
ax_scale_linear_ticks (double   lo,
                       double   hi,
                       guint    max_ticks,
                       AxTicks *out)
{
  ticks_at_least (lo, hi, max_ticks, 0, out);
}

void
ax_scale_integer_ticks (double   lo,
                        double   hi,
                        guint    max_ticks,
                        AxTicks *out)
{
  ticks_at_least (lo, hi, max_ticks, 1, out);
}


/* Civil dates */

typedef enum { U_SECOND, U_MINUTE, U_HOUR, U_DAY, U_WEEK, U_MONTH, U_YEAR } Unit;

static gint64
days_from_civil (gint64 y, int m, int d)
{
  gint64 era, yoe, doy, doe;

  y -= m <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = y - era * 400;
  doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

static void
civil_from_days (gint64 z, gint64 *y, int *m, int *d)
{
  gint64 era, doe, yoe, doy, mp;

  z += 719468;
  era = (z >= 0 ? z : z - 146096) / 146097;
  doe = z - era * 146097;
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp = (5 * doy + 2) / 153;
  *d = (int) (doy - (153 * mp + 2) / 5 + 1);
  *m = (int) (mp < 10 ? mp + 3 : mp - 9);
  *y = yoe + era * 400 + (*m <= 2);
}

static const struct { Unit unit; int count; double seconds; } time_steps[] = {
  { U_SECOND, 1, 1 }, { U_SECOND, 5, 5 }, { U_SECOND, 15, 15 }, { U_SECOND, 30, 30 },
  { U_MINUTE, 1, 60 }, { U_MINUTE, 5, 300 }, { U_MINUTE, 15, 900 }, { U_MINUTE, 30, 1800 },
  { U_HOUR, 1, 3600 }, { U_HOUR, 3, 3 * 3600 }, { U_HOUR, 6, 6 * 3600 }, { U_HOUR, 12, 12 * 3600 },
  { U_DAY, 1, DAY }, { U_DAY, 2, 2 * DAY }, { U_WEEK, 1, 7 * DAY },
  { U_MONTH, 1, 30.44 * DAY }, { U_MONTH, 3, 91.3 * DAY }, { U_MONTH, 6, 182.6 * DAY },
  { U_YEAR, 1, 365.25 * DAY }, { U_YEAR, 2, 2 * 365.25 * DAY }, { U_YEAR, 5, 5 * 365.25 * DAY },
  { U_YEAR, 10, 10 * 365.25 * DAY }, { U_YEAR, 20, 20 * 365.25 * DAY }, { U_YEAR, 50, 50 * 365.25 * DAY },
  { U_YEAR, 100, 100 * 365.25 * DAY }, { U_YEAR, 200, 200 * 365.25 * DAY },
  { U_YEAR, 500, 500 * 365.25 * DAY }, { U_YEAR, 1000, 1000 * 365.25 * DAY },
};

static void
format_utc (char       *buf,
            gsize       size,
            double      t,
            const char *fmt)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc ((gint64) floor (t));
  g_autofree char *s = dt ? g_date_time_format (dt, fmt) : NULL;

  g_strlcpy (buf, s ? s : "", size);
}

/* The first tick at or before @t for the step, in seconds. */
static double
floor_to_step (double t, Unit unit, int count)
{
  gint64 days = (gint64) floor (t / DAY);
  double in_day = t - days * DAY;
  gint64 y;
  int m, d;

  switch (unit)
    {
    case U_SECOND:
      return floor (t / count) * count;
    case U_MINUTE:
      return floor (t / (60.0 * count)) * 60.0 * count;
    case U_HOUR:
      return days * DAY + floor (in_day / (3600.0 * count)) * 3600.0 * count;
    case U_DAY:
      return (double) (days - (((days % count) + count) % count)) * DAY;
    case U_WEEK:
      /* Weeks start on Monday; day 0 (1970-01-01) was a Thursday. */
      return (double) (days - (((days + 3) % 7) + 7) % 7) * DAY;
    case U_MONTH:
      civil_from_days (days, &y, &m, &d);
      m = ((m - 1) / count) * count + 1;
      return (double) days_from_civil (y, m, 1) * DAY;
    case U_YEAR:
    default:
      civil_from_days (days, &y, &m, &d);
      y = (gint64) floor ((double) y / count) * count;
      return (double) days_from_civil (y, 1, 1) * DAY;
    }
}

static double
advance (double t, Unit unit, int count)
{
  gint64 days = (gint64) floor (t / DAY), y;
  int m, d;

  switch (unit)
    {
    case U_SECOND: return t + count;
    case U_MINUTE: return t + 60.0 * count;
    case U_HOUR: return t + 3600.0 * count;
    case U_DAY: return t + DAY * count;
    case U_WEEK: return t + 7 * DAY * count;
    case U_MONTH:
      civil_from_days (days, &y, &m, &d);
      m += count;
      y += (m - 1) / 12;
      m = (m - 1) % 12 + 1;
      return (double) days_from_civil (y, m, 1) * DAY;
    case U_YEAR:
    default:
      civil_from_days (days, &y, &m, &d);
      return (double) days_from_civil (y + count, 1, 1) * DAY;
    }
}

static void
label_time_tick (AxTick *tick, Unit unit, gboolean first)
{
  double t = tick->value;
  gint64 days = (gint64) floor (t / DAY), y;
  double in_day = t - days * DAY;
  int m, d;
  const char *fmt;

  civil_from_days (days, &y, &m, &d);
  tick->major = FALSE;
  switch (unit)
    {
    case U_YEAR:
      fmt = "%Y";
      break;
    case U_MONTH:
      if (m == 1)
        fmt = "%Y", tick->major = TRUE;
      else
        fmt = first ? "%b %Y" : "%b";
      break;
    case U_DAY:
    case U_WEEK:
      if (m == 1 && d == 1)
        fmt = "%Y", tick->major = TRUE;
      else if (d == 1)
        fmt = "%b", tick->major = TRUE;
      else
        fmt = first ? "%-d %b %Y" : "%-d %b";
      break;
    case U_HOUR:
      if (in_day == 0)
        fmt = "%a %-d %b", tick->major = TRUE;
      else
        fmt = first ? "%-d %b %H:%M" : "%H:%M";
      break;
    case U_MINUTE:
      if (in_day == 0)
        fmt = "%a %-d %b", tick->major = TRUE;
      else
        fmt = first ? "%-d %b %H:%M" : "%H:%M";
      break;
    case U_SECOND:
    default:
      if (fmod (t, 60) == 0)
        fmt = "%H:%M", tick->major = TRUE;
      else
        fmt = first ? "%H:%M:%S" : ":%S";
      break;
    }
  format_utc (tick->label, sizeof tick->label, t, fmt);
}

void
ax_scale_time_ticks (double   lo,
                     double   hi,
                     guint    max_ticks,
                     AxTicks *out)
{
  guint s;
  double t;

  memset (out, 0, sizeof *out);
  if (!isfinite (lo) || !isfinite (hi) || hi <= lo)
    return;
  max_ticks = CLAMP (max_ticks, 1, AX_SCALE_MAX_TICKS - 1);
  for (s = 0; s + 1 < G_N_ELEMENTS (time_steps); s++)
    if ((hi - lo) / time_steps[s].seconds <= max_ticks)
      break;
  if ((hi - lo) / time_steps[s].seconds > max_ticks)
    {
      /* Beyond a thousand years per tick: plain numbers of years. */
      double step = ax_scale_nice_step ((hi - lo) / (365.25 * DAY), max_ticks);
      for (s = G_N_ELEMENTS (time_steps) - 1; s > 0 && time_steps[s].count > step; s--)
        ;
      out->step = step * 365.25 * DAY;
      for (double k = ceil ((1970 + lo / (365.25 * DAY)) / step); out->n < AX_SCALE_MAX_TICKS; k++)
        {
          gint64 year = (gint64) (k * step);
          double v = (double) days_from_civil (year, 1, 1) * DAY;
          if (v > hi)
            break;
          out->ticks[out->n].value = v;
          g_snprintf (out->ticks[out->n].label, sizeof out->ticks[0].label, "%" G_GINT64_FORMAT, year);
          out->n++;
        }
      return;
    }
  out->step = time_steps[s].seconds;
  t = floor_to_step (lo, time_steps[s].unit, time_steps[s].count);
  for (; t <= hi && out->n < AX_SCALE_MAX_TICKS; t = advance (t, time_steps[s].unit, time_steps[s].count))
    {
      if (t < lo)
        continue;
      out->ticks[out->n].value = t;
      label_time_tick (&out->ticks[out->n], time_steps[s].unit, out->n == 0);
      out->n++;
    }
}

char *
ax_scale_format_time (double t,
                      double resolution)
{
  char buf[64];
  const char *fmt;

  if (!isfinite (t))
    return g_strdup ("–");
  if (resolution >= 360 * DAY)
    fmt = "%Y";
  else if (resolution >= 28 * DAY)
    fmt = "%B %Y";
  else if (resolution >= DAY)
    fmt = "%a %-d %b %Y";
  else if (resolution >= 60)
    fmt = "%-d %b %Y %H:%M";
  else
    fmt = "%-d %b %Y %H:%M:%S";
  format_utc (buf, sizeof buf, t, fmt);
  return g_strdup (buf);
}

static int
compare_doubles (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

double
ax_scale_typical_spacing (const double *x,
                          gsize         n)
{
  double gaps[15];
  guint k = 0;

  for (gsize i = 1; i < n && k < G_N_ELEMENTS (gaps); i++)
    if (isfinite (x[i]) && isfinite (x[i - 1]) && x[i] > x[i - 1])
      gaps[k++] = x[i] - x[i - 1];
  if (k == 0)
    return 0;
  qsort (gaps, k, sizeof gaps[0], compare_doubles);
  return gaps[k / 2];
}

/* Decimation */

gsize
ax_scale_decimate_capacity (guint columns)
{
  return 5 * (gsize) MAX (columns, 1) + 4;
}

/* The first index whose x is >= @v (n when none). */
static gsize
lower_bound (const double *x, gsize n, double v)
{
  gsize lo = 0, hi = n;

  while (lo < hi)
    {
      gsize mid = lo + (hi - lo) / 2;
      if (x[mid] < v)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

gsize
ax_scale_decimate (const double *x,
                   const double *y,
                   gsize         n,
                   double        x0,
                   double        x1,
                   guint         columns,
                   double       *out_x,
                   double       *out_y)
{
  gsize first, last, k = 0;
  double scale;

  if (n == 0 || !(x1 > x0))
    return 0;
  columns = MAX (columns, 1);
  /* One point beyond each side, so that lines run off the edges. */
  first = lower_bound (x, n, x0);
  if (first > 0)
    first--;
  last = lower_bound (x, n, x1);
  if (last >= n)
    last = n - 1;
  if (last + 1 < n && x[last] <= x1)
    last++;
  if (last < first)
    return 0;
  if (last - first + 1 <= 2 * (gsize) columns)
    {
      for (gsize i = first; i <= last; i++, k++)
        out_x[k] = x[i], out_y[k] = y[i];
      return k;
    }
  scale = columns / (x1 - x0);
  for (gsize i = first; i <= last;)
    {
      long col = (long) floor ((x[i] - x0) * scale);
      gsize a = i, lo_i = G_MAXSIZE, hi_i = G_MAXSIZE, nan_i = G_MAXSIZE, z = i;
      gsize pick[5];
      guint n_pick = 0;

      /* Points left or right of the view stand alone. */
      if (col < 0 || col >= (long) columns)
        {
          out_x[k] = x[i], out_y[k] = y[i], k++;
          i++;
          continue;
        }
      for (; i <= last && (long) floor ((x[i] - x0) * scale) == col; i++)
        {
          z = i;
          if (isnan (y[i]))
            {
              if (nan_i == G_MAXSIZE)
                nan_i = i;
              continue;
            }
          if (lo_i == G_MAXSIZE || y[i] < y[lo_i])
            lo_i = i;
          if (hi_i == G_MAXSIZE || y[i] > y[hi_i])
            hi_i = i;
        }
      pick[n_pick++] = a;
      if (lo_i != G_MAXSIZE)
        pick[n_pick++] = lo_i;
      if (hi_i != G_MAXSIZE)
        pick[n_pick++] = hi_i;
      if (nan_i != G_MAXSIZE)
        pick[n_pick++] = nan_i;
      pick[n_pick++] = z;
      /* In index order, without repeats (at most five, usually four). */
      for (guint p = 1; p < n_pick; p++)
        for (guint q = p; q > 0 && pick[q] < pick[q - 1]; q--)
          {
            gsize t = pick[q];
            pick[q] = pick[q - 1];
            pick[q - 1] = t;
          }
      for (guint p = 0; p < n_pick; p++)
        if (p == 0 || pick[p] != pick[p - 1])
          out_x[k] = x[pick[p]], out_y[k] = y[pick[p]], k++;
    }
  return k;
}

/* Histograms */

gboolean
ax_scale_histogram (const double *values,
                    gsize         n,
                    guint         n_bins,
                    double       *out_lo,
                    double       *out_width,
                    guint        *out_n_bins,
                    guint64     **counts)
{
  g_autofree double *sorted = g_new (double, MAX (n, 1));
  gsize m = 0;
  double lo, hi, width;

  for (gsize i = 0; i < n; i++)
    if (isfinite (values[i]))
      sorted[m++] = values[i];
  if (m == 0)
    return FALSE;
  qsort (sorted, m, sizeof (double), compare_doubles);
  lo = sorted[0];
  hi = sorted[m - 1];

  if (hi == lo)
    {
      /* One value: one bin around it, wide enough to see. */
      double pad = fabs (lo) > 0 ? fabs (lo) * 0.05 : 0.5;
      n_bins = 1;
      lo -= pad;
      width = 2 * pad;
    }
  else if (n_bins > 0)
    width = (hi - lo) / n_bins;
  else
    {
      double q1 = sorted[(gsize) floor (0.25 * (m - 1))];
      double q3 = sorted[(gsize) floor (0.75 * (m - 1))];
      double h = 2 * (q3 - q1) / cbrt ((double) m);
      static const double mults[] = { 1, 2, 2.5, 5 };
      gboolean found = FALSE;

      if (!(h > 0))
        h = (hi - lo) / 10;
      /* Between 5 and 60 bins on nice edges; the nice width nearest above
       * Freedman–Diaconis' first, then finer or coarser ones if the count
       * leaves the range. */
      h = MAX (h, (hi - lo) / 60);
      h = MIN (h, (hi - lo) / 5);
      for (double mag = pow (10, floor (log10 (h)) - 1); !found && mag < h * 100; mag *= 10)
        for (guint i = 0; i < G_N_ELEMENTS (mults) && !found; i++)
          {
            double w = mults[i] * mag, start = floor (lo / w) * w;
            double cnt = floor ((hi - start) / w) + 1;
            if (w >= h * (1 - 1e-9) && cnt >= 5 && cnt <= 60)
              width = w, lo = start, found = TRUE;
          }
      if (!found)
        width = (hi - lo) / 20;
      n_bins = (guint) floor ((hi - lo) / width) + 1;
      /* The top value on the last edge belongs to the last bin. */
      if (n_bins > 1 && lo + (n_bins - 1) * width >= hi)
        n_bins--;
    }

  *counts = g_new0 (guint64, n_bins);
  for (gsize i = 0; i < m; i++)
    {
      long b = (long) floor ((sorted[i] - lo) / width);
      (*counts)[CLAMP (b, 0, (long) n_bins - 1)]++;
    }
  *out_lo = lo;
  *out_width = width;
  *out_n_bins = n_bins;
  return TRUE;
}
