/* ax-prediction-format.c — numbers, percentages and times as the Predictions and Models views write them */

#include "ax-config.h"
#include "ax-prediction-format.h"

#include <math.h>
#include <string.h>

char *
ax_prediction_format_number (double v)
{
  double a = fabs (v);

  if (!isfinite (v))
    return g_strdup ("—");
  if (a >= 1000)
    return g_strdup_printf ("%'.0f", v);
  if (a >= 1 || a == 0)
    {
      char *s = g_strdup_printf ("%.2f", v);
      /* 12.50 → 12.5, 3.00 → 3 */
      char *dot = strchr (s, '.');
      if (dot == NULL)
        dot = strchr (s, ',');
      if (dot)
        {
          char *end = s + strlen (s) - 1;
          while (end > dot && *end == '0')
            *end-- = '\0';
          if (end == dot)
            *end = '\0';
        }
      return s;
    }
  return g_strdup_printf ("%.3g", v);
}

char *
ax_prediction_format_percent (double p)
{
  if (!isfinite (p))
    return g_strdup ("—");
  if (p < 1 && 100 * p >= 99.5)
    return g_strdup ("> 99 %");
  if (p > 0 && 100 * p < 0.5)
    return g_strdup ("< 1 %");
  return g_strdup_printf ("%.0f %%", 100 * p);
}

char *
ax_prediction_format_time (const char *iso)
{
  g_autoptr(GDateTime) utc = iso ? g_date_time_new_from_iso8601 (iso, NULL) : NULL;
  g_autoptr(GDateTime) local = NULL;

  if (utc == NULL)
    return g_strdup (iso ? iso : "");
  local = g_date_time_to_local (utc);
  return g_date_time_format (local, "%Y-%m-%d %H:%M");
}
