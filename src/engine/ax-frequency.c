/* ax-frequency.c — the frequencies of a series and their calendar
 *
 * Hourly, daily and weekly periods are fixed numbers of days; monthly,
 * quarterly and yearly ones follow the calendar (a period starts on the
 * first day of its month, quarter or year), so that a series keeps its
 * periods aligned across months of different lengths.  Detection picks
 * the frequency whose typical spacing is nearest the median spacing of
 * the data, on a log scale.
 */

#include "ax-config.h"
#include "ax-forecast-private.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const frequency_names[AX_N_FREQUENCIES] = {
  "auto", "hourly", "daily", "weekly", "monthly", "quarterly", "yearly",
};

/* Typical spacing of each frequency in days. */
const double ax_frequency_days[AX_N_FREQUENCIES] = {
  0, 1.0 / 24, 1, 7, 365.2425 / 12, 365.2425 / 4, 365.2425,
};

const char *
ax_frequency_to_string (AxFrequency freq)
{
  g_return_val_if_fail (freq < AX_N_FREQUENCIES, NULL);
  return frequency_names[freq];
}

gboolean
ax_frequency_from_string (const char  *str,
                          AxFrequency *out)
{
  for (guint i = 0; str != NULL && i < AX_N_FREQUENCIES; i++)
    if (g_ascii_strcasecmp (str, frequency_names[i]) == 0)
      {
        *out = i;
        return TRUE;
      }
  return FALSE;
}

double
ax_frequency_per_year (AxFrequency freq)
{
  static const double per_year[AX_N_FREQUENCIES] = { 0, 8766, 365.25, 365.25 / 7, 12, 4, 1 };
  g_return_val_if_fail (freq < AX_N_FREQUENCIES, 0);
  return per_year[freq];
}

static int
compare_double (const void *a,
                const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

AxFrequency
ax_frequency_detect (const double *time_days,
                     guint         n)
{
  g_autofree double *t = g_new (double, MAX (n, 1));
  g_autofree double *gaps = NULL;
  guint m = 0, n_gaps = 0;
  AxFrequency best = AX_FREQUENCY_AUTO;
  double best_dist = INFINITY, spacing;

  for (guint i = 0; i < n; i++)
    if (isfinite (time_days[i]))
      t[m++] = time_days[i];
  qsort (t, m, sizeof (double), compare_double);
  gaps = g_new (double, MAX (m, 1));
  for (guint i = 1; i < m; i++)
    if (t[i] - t[i - 1] > 1e-6)
      gaps[n_gaps++] = t[i] - t[i - 1];
  if (n_gaps == 0)
    return AX_FREQUENCY_AUTO;
  qsort (gaps, n_gaps, sizeof (double), compare_double);
  spacing = gaps[n_gaps / 2];

  for (guint f = AX_FREQUENCY_HOURLY; f < AX_N_FREQUENCIES; f++)
    {
      double d = fabs (log (spacing / ax_frequency_days[f]));
      if (d < best_dist)
        best_dist = d, best = f;
    }
  return best;
}

static double
month_start (int year,
             int month)
{
  int y = year + (month - 1 >= 0 ? (month - 1) / 12 : (month - 12) / 12);
  int mo = ((month - 1) % 12 + 12) % 12 + 1;
  return (double) ax_days_from_civil (y, mo, 1);
}

double
ax_frequency_floor (AxFrequency freq,
                    double      time_days)
{
  int y, mo, d;
  double day = floor (time_days + 1e-9);

  switch (freq)
    {
    case AX_FREQUENCY_HOURLY:
      return floor (time_days * 24 + 1e-6) / 24;
    case AX_FREQUENCY_WEEKLY:
      return day - fmod (fmod (day + 3, 7) + 7, 7);
    case AX_FREQUENCY_MONTHLY:
    case AX_FREQUENCY_QUARTERLY:
    case AX_FREQUENCY_YEARLY:
      ax_civil_from_days ((gint64) day, &y, &mo, &d);
      if (freq == AX_FREQUENCY_QUARTERLY)
        mo = (mo - 1) / 3 * 3 + 1;
      else if (freq == AX_FREQUENCY_YEARLY)
        mo = 1;
      return month_start (y, mo);
    case AX_FREQUENCY_AUTO:
    case AX_FREQUENCY_DAILY:
    case AX_N_FREQUENCIES:
    default:
      return day;
    }
}

int
ax_frequency_months (AxFrequency freq)
{
  return freq == AX_FREQUENCY_MONTHLY ? 1 : freq == AX_FREQUENCY_QUARTERLY ? 3 :
         freq == AX_FREQUENCY_YEARLY ? 12 : 0;
}

double
ax_frequency_advance (AxFrequency freq,
                      double      time_days,
                      int         steps)
{
  int y, mo, d, k = ax_frequency_months (freq);

  if (k == 0)
    return freq == AX_FREQUENCY_HOURLY
           ? (round (time_days * 24) + steps) / 24
           : time_days + (double) steps * ax_frequency_days[freq == AX_FREQUENCY_AUTO ? AX_FREQUENCY_DAILY : freq];
  ax_civil_from_days ((gint64) floor (time_days + 1e-9), &y, &mo, &d);
  return month_start (y, mo + steps * k);
}

double
ax_frequency_periods_between (AxFrequency freq,
                              double      t0,
                              double      t1)
{
  int y0, m0, d0, y1, m1, d1, k = ax_frequency_months (freq);

  if (k == 0)
    return (t1 - t0) / ax_frequency_days[freq == AX_FREQUENCY_AUTO ? AX_FREQUENCY_DAILY : freq];
  ax_civil_from_days ((gint64) floor (t0 + 1e-9), &y0, &m0, &d0);
  ax_civil_from_days ((gint64) floor (t1 + 1e-9), &y1, &m1, &d1);
  return ((y1 * 12 + m1) - (y0 * 12 + m0)) / (double) k;
}

guint
ax_frequency_calendar (AxFrequency freq,
                       double      time_days,
                       double     *out)
{
  double day = floor (time_days + 1e-9);
  int y, mo, d;
  guint n = 0;

  ax_civil_from_days ((gint64) day, &y, &mo, &d);
  if (freq == AX_FREQUENCY_HOURLY)
    out[n++] = round ((time_days - day) * 24);
  if (freq == AX_FREQUENCY_HOURLY || freq == AX_FREQUENCY_DAILY)
    out[n++] = fmod (fmod (day + 3, 7) + 7, 7);          /* 0 = Monday */
  if (freq == AX_FREQUENCY_DAILY)
    out[n++] = d;
  if (freq == AX_FREQUENCY_DAILY || freq == AX_FREQUENCY_WEEKLY)
    out[n++] = day - (double) ax_days_from_civil (y, 1, 1);   /* day of year */
  if (freq != AX_FREQUENCY_HOURLY && freq != AX_FREQUENCY_YEARLY)
    out[n++] = freq == AX_FREQUENCY_QUARTERLY ? (mo - 1) / 3 + 1 : mo;
  return n;
}

double
ax_period_exact (AxFrequency freq,
                 guint       period)
{
  if (freq == AX_FREQUENCY_DAILY && period == 365)
    return 365.25;
  if (freq == AX_FREQUENCY_WEEKLY && period == 52)
    return 365.25 / 7;
  if (freq == AX_FREQUENCY_HOURLY && period == 8766)
    return 8766;
  return period;
}

static const char *const aggregate_names[] = { "sum", "mean", "last" };

const char *
ax_aggregate_to_string (AxAggregate agg)
{
  g_return_val_if_fail (agg <= AX_AGGREGATE_LAST, NULL);
  return aggregate_names[agg];
}

gboolean
ax_aggregate_from_string (const char  *str,
                          AxAggregate *out)
{
  for (guint i = 0; str != NULL && i < G_N_ELEMENTS (aggregate_names); i++)
    if (g_ascii_strcasecmp (str, aggregate_names[i]) == 0)
      {
        *out = i;
        return TRUE;
      }
  return FALSE;
}
