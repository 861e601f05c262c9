/* ax-types.c — column types and the parsing of text values into them */

#include "ax-config.h"
#include "ax-types.h"

#include <glib/gi18n-lib.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const type_names[AX_N_COLUMN_TYPES] = {
  "integer", "real", "boolean", "date", "datetime", "categorical", "text",
};

const char *
ax_column_type_to_string (AxColumnType type)
{
  g_return_val_if_fail (type < AX_N_COLUMN_TYPES, "text");
  return type_names[type];
}

gboolean
ax_column_type_from_string (const char   *str,
                            AxColumnType *out_type)
{
  for (guint i = 0; i < AX_N_COLUMN_TYPES; i++)
    if (g_strcmp0 (str, type_names[i]) == 0)
      {
        *out_type = i;
        return TRUE;
      }
  return FALSE;
}

const char *
ax_column_type_label (AxColumnType type)
{
  switch (type)
    {
    case AX_COLUMN_INTEGER:     return _("Integer");
    case AX_COLUMN_REAL:        return _("Real");
    case AX_COLUMN_BOOLEAN:     return _("Boolean");
    case AX_COLUMN_DATE:        return _("Date");
    case AX_COLUMN_DATETIME:    return _("Date and Time");
    case AX_COLUMN_CATEGORICAL: return _("Categorical");
    case AX_COLUMN_TEXT:
    case AX_N_COLUMN_TYPES:
    default:                    return _("Text");
    }
}

gboolean
ax_column_type_is_numeric (AxColumnType type)
{
  return type == AX_COLUMN_INTEGER || type == AX_COLUMN_REAL;
}

gboolean
ax_parse_integer (const char *str,
                  gint64     *out)
{
  const char *p = str;
  gboolean neg = FALSE;
  guint64 v = 0;

  if (*p == '-' || *p == '+')
    neg = (*p++ == '-');
  if (!g_ascii_isdigit (*p))
    return FALSE;
  /* A leading zero marks an identifier (a zip code, "007"): keep it text. */
  if (*p == '0' && p[1] != '\0')
    return FALSE;
  for (; *p; p++)
    {
      if (!g_ascii_isdigit (*p))
        return FALSE;
      if (v > (G_MAXUINT64 - 9) / 10)
        return FALSE;
      v = v * 10 + (guint64) (*p - '0');
    }
  if (!neg && v > (guint64) G_MAXINT64)
    return FALSE;
  if (neg && v > (guint64) G_MAXINT64 + 1)
    return FALSE;
  *out = neg ? (gint64) (0 - v) : (gint64) v;
  return TRUE;
}

/* 10^0 .. 10^22: every one of them is a double exactly. */
static const double exact_powers_of_ten[] = {
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
  1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

gboolean
ax_parse_real (const char *str,
               double     *out)
{
  const char *p = str;
  gboolean digits = FALSE, neg = FALSE;
  guint64 mantissa = 0;
  guint n_significant = 0;
  int exponent = 0;
  gboolean fast = TRUE;
  char *end = NULL;

  /* Check the shape first: g_ascii_strtod also takes "inf", "nan" and hex.
   * On the way, collect the significant digits and the decimal exponent for
   * the fast path below. */
  if (*p == '-' || *p == '+')
    neg = (*p++ == '-');
  /* "01" or "007.5" is an identifier, as for integers; "0.5" is a number. */
  if (p[0] == '0' && g_ascii_isdigit (p[1]))
    return FALSE;
  for (; g_ascii_isdigit (*p); p++)
    {
      digits = TRUE;
      if (mantissa == 0 && *p == '0')
        continue;
      if (n_significant < 19)
        mantissa = mantissa * 10 + (guint64) (*p - '0'), n_significant++;
      else
        fast = FALSE;
    }
  if (*p == '.')
    {
      for (p++; g_ascii_isdigit (*p); p++)
        {
          digits = TRUE;
          if (mantissa == 0 && *p == '0')
            {
              exponent--;
              continue;
            }
          if (n_significant < 19)
            mantissa = mantissa * 10 + (guint64) (*p - '0'), n_significant++, exponent--;
          else
            fast = FALSE;
        }
    }
  if (!digits)
    return FALSE;
  if (*p == 'e' || *p == 'E')
    {
      gboolean neg_exp = FALSE;
      int e = 0;

      p++;
      if (*p == '-' || *p == '+')
        neg_exp = (*p++ == '-');
      if (!g_ascii_isdigit (*p))
        return FALSE;
      for (; g_ascii_isdigit (*p); p++)
        if (e < 10000)
          e = e * 10 + (*p - '0');
      exponent += neg_exp ? -e : e;
    }
  if (*p != '\0')
    return FALSE;

#if FLT_EVAL_METHOD == 0
  /* Clinger's fast path: a mantissa of at most 2^53 and a power of ten up
   * to 10^22 are both exact doubles, and IEEE multiplication and division
   * round correctly, so one operation gives the same double as strtod. */
  if (fast && mantissa <= (G_GUINT64_CONSTANT (1) << 53) && exponent >= -22 && exponent <= 22)
    {
      double v = (double) mantissa;
      v = exponent < 0 ? v / exact_powers_of_ten[-exponent] : v * exact_powers_of_ten[exponent];
      *out = neg ? -v : v;
      return TRUE;
    }
#endif

  errno = 0;
  *out = g_ascii_strtod (str, &end);
  return end == p && isfinite (*out);
}

gboolean
ax_parse_boolean (const char *str,
                  gint64     *out)
{
  if (g_ascii_strcasecmp (str, "true") == 0)
    *out = 1;
  else if (g_ascii_strcasecmp (str, "false") == 0)
    *out = 0;
  else
    return FALSE;
  return TRUE;
}

/* Howard Hinnant's days_from_civil: exact for the proleptic Gregorian
 * calendar, no tables, no time zone. */
gint64
ax_days_from_civil (int y,
                    int m,
                    int d)
{
  y -= m <= 2;
  gint64 era = (y >= 0 ? y : y - 399) / 400;
  unsigned yoe = (unsigned) (y - era * 400);
  unsigned doy = (153 * (unsigned) (m + (m > 2 ? -3 : 9)) + 2) / 5 + (unsigned) d - 1;
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (gint64) doe - 719468;
}

void
ax_civil_from_days (gint64  z,
                    int    *year,
                    int    *month,
                    int    *day)
{
  z += 719468;
  gint64 era = (z >= 0 ? z : z - 146096) / 146097;
  unsigned doe = (unsigned) (z - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  gint64 y = (gint64) yoe + era * 400;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;
  unsigned d = doy - (153 * mp + 2) / 5 + 1;
  unsigned m = mp < 10 ? mp + 3 : mp - 9;
  *year = (int) (y + (m <= 2));
  *month = (int) m;
  *day = (int) d;
}

static int
days_in_month (int y, int m)
{
  static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
    return 29;
  return dm[m - 1];
}

/* Reads exactly @n digits (or between 1 and @n when @loose) at *p. */
static gboolean
read_digits (const char **p,
             guint        n,
             gboolean     loose,
             int         *out)
{
  int v = 0;
  guint i = 0;
  while (i < n && g_ascii_isdigit ((*p)[i]))
    v = v * 10 + ((*p)[i++] - '0');
  if (i == 0 || (!loose && i != n))
    return FALSE;
  *p += i;
  *out = v;
  return TRUE;
}

static gboolean
valid_ymd (int y, int m, int d)
{
  return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= days_in_month (y, m);
}

/* Parses the date part of @str by @order and leaves *end after it. */
static gboolean
parse_date_prefix (const char   *str,
                   AxDateOrder   order,
                   gint64       *out_days,
                   const char  **end)
{
  const char *p = str;
  int y, m, d;
  char sep;

  switch (order)
    {
    case AX_DATE_ISO:
    case AX_DATE_ISO_SLASH:
      sep = order == AX_DATE_ISO ? '-' : '/';
      if (!read_digits (&p, 4, FALSE, &y) || *p++ != sep ||
          !read_digits (&p, 2, FALSE, &m) || *p++ != sep ||
          !read_digits (&p, 2, FALSE, &d))
        return FALSE;
      break;
    case AX_DATE_DMY_DOT:
    case AX_DATE_DMY_SLASH:
      sep = order == AX_DATE_DMY_DOT ? '.' : '/';
      if (!read_digits (&p, 2, TRUE, &d) || *p++ != sep ||
          !read_digits (&p, 2, TRUE, &m) || *p++ != sep ||
          !read_digits (&p, 4, FALSE, &y))
        return FALSE;
      break;
    case AX_DATE_MDY_SLASH:
      if (!read_digits (&p, 2, TRUE, &m) || *p++ != '/' ||
          !read_digits (&p, 2, TRUE, &d) || *p++ != '/' ||
          !read_digits (&p, 4, FALSE, &y))
        return FALSE;
      break;
    case AX_N_DATE_ORDERS:
    default:
      return FALSE;
    }
  if (!valid_ymd (y, m, d))
    return FALSE;
  *out_days = ax_days_from_civil (y, m, d);
  *end = p;
  return TRUE;
}

gboolean
ax_parse_date (const char  *str,
               AxDateOrder  order,
               gint64      *out_days)
{
  const char *end;
  return parse_date_prefix (str, order, out_days, &end) && *end == '\0';
}

gboolean
ax_parse_datetime (const char *str,
                   gint64     *out_seconds)
{
  const char *p;
  gint64 days;
  int hh, mm, ss = 0;

  if (!parse_date_prefix (str, AX_DATE_ISO, &days, &p))
    return FALSE;
  if (*p != ' ' && *p != 'T')
    return FALSE;
  p++;
  if (!read_digits (&p, 2, FALSE, &hh) || *p++ != ':' || !read_digits (&p, 2, FALSE, &mm))
    return FALSE;
  if (*p == ':')
    {
      p++;
      if (!read_digits (&p, 2, FALSE, &ss))
        return FALSE;
      /* Fractions of a second are read and dropped: the store keeps seconds. */
      if (*p == '.')
        {
          p++;
          if (!g_ascii_isdigit (*p))
            return FALSE;
          while (g_ascii_isdigit (*p))
            p++;
        }
    }
  if (*p == 'Z')
    p++;
  if (*p != '\0' || hh > 23 || mm > 59 || ss > 60)
    return FALSE;
  *out_seconds = days * 86400 + hh * 3600 + mm * 60 + MIN (ss, 59);
  return TRUE;
}

/* Two decimal digits of 0 <= v < 100 at p. */
static inline void
put_2digits (char *p,
             int   v)
{
  p[0] = (char) ('0' + v / 10);
  p[1] = (char) ('0' + v % 10);
}

/* "YYYY-MM-DD" at p for a year of four digits: written by hand, since an
 * import formats a date or two per row and printf costs ten times as much. */
static void
put_ymd (char *p,
         int   y,
         int   m,
         int   d)
{
  put_2digits (p, y / 100);
  put_2digits (p + 2, y % 100);
  p[4] = '-';
  put_2digits (p + 5, m);
  p[7] = '-';
  put_2digits (p + 8, d);
}

static gsize
clipped (int   n,
         gsize size)
{
  return n < 0 ? 0 : MIN ((gsize) n, size ? size - 1 : 0);
}

gsize
ax_format_date (gint64  days,
                char   *buf,
                gsize   size)
{
  int y, m, d;
  ax_civil_from_days (days, &y, &m, &d);
  if (y >= 0 && y <= 9999 && size > 10)
    {
      put_ymd (buf, y, m, d);
      buf[10] = '\0';
      return 10;
    }
  return clipped (g_snprintf (buf, size, "%04d-%02d-%02d", y, m, d), size);
}

gsize
ax_format_datetime (gint64  seconds,
                    char   *buf,
                    gsize   size)
{
  gint64 days = seconds >= 0 ? seconds / 86400 : -((-seconds + 86399) / 86400);
  int rest = (int) (seconds - days * 86400);
  int y, m, d;
  ax_civil_from_days (days, &y, &m, &d);
  if (y >= 0 && y <= 9999 && size > 19)
    {
      put_ymd (buf, y, m, d);
      buf[10] = ' ';
      put_2digits (buf + 11, rest / 3600);
      buf[13] = ':';
      put_2digits (buf + 14, rest / 60 % 60);
      buf[16] = ':';
      put_2digits (buf + 17, rest % 60);
      buf[19] = '\0';
      return 19;
    }
  return clipped (g_snprintf (buf, size, "%04d-%02d-%02d %02d:%02d:%02d", y, m, d,
                              rest / 3600, rest / 60 % 60, rest % 60), size);
}

/* The slow, general way: the shortest of %.15g..%.17g that reads back as
 * the same double. */
static void
format_real_printf (double  value,
                    char   *buf,
                    gsize   size)
{
  for (int prec = 15; prec <= 17; prec++)
    {
      g_ascii_formatd (buf, size, prec == 15 ? "%.15g" : prec == 16 ? "%.16g" : "%.17g", value);
      if (g_ascii_strtod (buf, NULL) == value)
        return;
    }
}

#ifdef __SIZEOF_INT128__

/* The fast way, for finite normal values from about 1e-11 to 1e14 (nearly
 * every value a data set holds): the same text as format_real_printf(), in
 * exact integer arithmetic.
 *
 * A value is m * 2^q with m < 2^53.  Its %.Pg digits are the integer
 * N = round(m * 2^q * 10^s) with s = P - 1 - e, e the decimal exponent,
 * rounded half to even as printf does.  With 10^s = 5^s * 2^s and
 * 5^s < 2^63 (s <= 27), m * 5^s fits in 128 bits, and so does everything
 * below.  N * 10^-s reads back as the value exactly when it lies inside
 * the value's rounding interval: between the midpoints to its neighbours,
 * (4m - 2) * 2^(q-2) and (4m + 2) * 2^(q-2) (4m - 1 below a power of two,
 * where the lower neighbour is closer), the midpoints themselves included
 * when m is even (round half to even again). */

typedef unsigned __int128 u128;

static const guint64 pow10_u64[] = {
  G_GUINT64_CONSTANT (1), G_GUINT64_CONSTANT (10), G_GUINT64_CONSTANT (100),
  G_GUINT64_CONSTANT (1000), G_GUINT64_CONSTANT (10000), G_GUINT64_CONSTANT (100000),
  G_GUINT64_CONSTANT (1000000), G_GUINT64_CONSTANT (10000000), G_GUINT64_CONSTANT (100000000),
  G_GUINT64_CONSTANT (1000000000), G_GUINT64_CONSTANT (10000000000),
  G_GUINT64_CONSTANT (100000000000), G_GUINT64_CONSTANT (1000000000000),
  G_GUINT64_CONSTANT (10000000000000), G_GUINT64_CONSTANT (100000000000000),
  G_GUINT64_CONSTANT (1000000000000000), G_GUINT64_CONSTANT (10000000000000000),
  G_GUINT64_CONSTANT (100000000000000000), G_GUINT64_CONSTANT (1000000000000000000),
};

#define MAX_POW5 27

static const guint64 pow5_u64[MAX_POW5 + 1] = {
  G_GUINT64_CONSTANT (1), G_GUINT64_CONSTANT (5), G_GUINT64_CONSTANT (25),
  G_GUINT64_CONSTANT (125), G_GUINT64_CONSTANT (625), G_GUINT64_CONSTANT (3125),
  G_GUINT64_CONSTANT (15625), G_GUINT64_CONSTANT (78125), G_GUINT64_CONSTANT (390625),
  G_GUINT64_CONSTANT (1953125), G_GUINT64_CONSTANT (9765625), G_GUINT64_CONSTANT (48828125),
  G_GUINT64_CONSTANT (244140625), G_GUINT64_CONSTANT (1220703125),
  G_GUINT64_CONSTANT (6103515625), G_GUINT64_CONSTANT (30517578125),
  G_GUINT64_CONSTANT (152587890625), G_GUINT64_CONSTANT (762939453125),
  G_GUINT64_CONSTANT (3814697265625), G_GUINT64_CONSTANT (19073486328125),
  G_GUINT64_CONSTANT (95367431640625), G_GUINT64_CONSTANT (476837158203125),
  G_GUINT64_CONSTANT (2384185791015625), G_GUINT64_CONSTANT (11920928955078125),
  G_GUINT64_CONSTANT (59604644775390625), G_GUINT64_CONSTANT (298023223876953125),
  G_GUINT64_CONSTANT (1490116119384765625), G_GUINT64_CONSTANT (7450580596923828125),
};

/* Rounds x * 2^g to an integer, half to even, into *out.  FALSE when the
 * result would not fit the fast range. */
static gboolean
scaled_round (u128     x,
              int      g,
              guint64 *out)
{
  u128 q, rem, half;

  if (g >= 0)
    {
      if (g >= 64 || (x >> (64 - g)) != 0)
        return FALSE;
      *out = (guint64) (x << g);
      return TRUE;
    }
  if (-g >= 127)
    return FALSE;
  q = x >> -g;
  rem = x - (q << -g);
  half = (u128) 1 << (-g - 1);
  if (rem > half || (rem == half && (q & 1)))
    q++;
  if ((q >> 63) != 0)
    return FALSE;
  *out = (guint64) q;
  return TRUE;
}

/* Whether n * 2^-g lies between lo and hi (the ends included when
 * @inclusive), exactly: 1 or 0, or -1 when out of the fast range. */
static int
reads_back (guint64  n,
            int      g,
            u128     lo,
            u128     hi,
            gboolean inclusive)
{
  u128 left = n;

  if (g < 0)
    {
      if (-g > 70)                      /* n < 2^57 */
        return -1;
      left <<= -g;
    }
  else if (g > 0)
    {
      if (g >= 127 || (hi >> (127 - g)) != 0)
        return -1;
      lo <<= g;
      hi <<= g;
    }
  return inclusive ? lo <= left && left <= hi : lo < left && left < hi;
}

/* Writes the %.Pg text of n * 10^(e - P + 1), n having exactly P digits. */
static void
write_g (char    *buf,
         gboolean negative,
         guint64  n,
         int      prec,
         int      e)
{
  char digits[24];
  int nd = prec, p = 0;

  for (int i = prec - 1; i >= 0; i--)
    {
      digits[i] = (char) ('0' + n % 10);
      n /= 10;
    }
  while (nd > 1 && digits[nd - 1] == '0')
    nd--;
  if (negative)
    buf[p++] = '-';
  if (e < -4 || e >= prec)
    {
      int a = ABS (e);

      buf[p++] = digits[0];
      if (nd > 1)
        {
          buf[p++] = '.';
          memcpy (buf + p, digits + 1, nd - 1);
          p += nd - 1;
        }
      buf[p++] = 'e';
      buf[p++] = e < 0 ? '-' : '+';
      if (a >= 100)
        buf[p++] = (char) ('0' + a / 100);
      buf[p++] = (char) ('0' + a / 10 % 10);
      buf[p++] = (char) ('0' + a % 10);
    }
  else if (e >= 0)
    {
      memcpy (buf + p, digits, e + 1);
      p += e + 1;
      if (nd > e + 1)
        {
          buf[p++] = '.';
          memcpy (buf + p, digits + e + 1, nd - e - 1);
          p += nd - e - 1;
        }
    }
  else
    {
      buf[p++] = '0';
      buf[p++] = '.';
      for (int i = 0; i < -e - 1; i++)
        buf[p++] = '0';
      memcpy (buf + p, digits, nd);
      p += nd;
    }
  buf[p] = '\0';
}

/* n = round(m * 2^q * 10^(prec-1-e)): the %.Pg digits if e is right.
 * FALSE when out of the fast range. */
static gboolean
digits_at (guint64  m,
           int      q,
           int      prec,
           int      e,
           guint64 *n)
{
  int s = prec - 1 - e;

  /* value * 10^s = m * 5^s * 2^(q + s) */
  return s >= 0 && s <= MAX_POW5 && scaled_round ((u128) m * pow5_u64[s], q + s, n);
}

static gboolean
format_real_exact (double  value,
                   char   *buf)
{
  guint64 bits, m, n = 0;
  int biased, q, e0;
  gboolean negative;
  guint lower_gap;

  memcpy (&bits, &value, sizeof bits);
  negative = (bits >> 63) != 0;
  if ((bits << 1) == 0)
    {
      strcpy (buf, negative ? "-0" : "0");
      return TRUE;
    }
  biased = (int) ((bits >> 52) & 0x7ff);
  m = bits & ((G_GUINT64_CONSTANT (1) << 52) - 1);
  if (biased == 0 || biased == 0x7ff)
    return FALSE;                        /* zero, subnormal, infinite, NaN */
  q = biased - 1075;
  /* Just above a power of two the lower neighbour is half as far. */
  lower_gap = m == 0 && biased > 1 ? 1 : 2;
  m |= G_GUINT64_CONSTANT (1) << 52;

  /* printf's exponent for P digits is the smallest e with
   * round(value * 10^(P-1-e)) < 10^P.  Start from log10, give or take one,
   * and step: up while the digits overflow; down while they fall short or,
   * when they are exactly 10^(P-1), might have been rounded up to it. */
  e0 = (int) floor (log10 (fabs (value)));
  for (int prec = 15; prec <= 17; prec++)
    {
      gboolean went_up = FALSE;
      int e = e0, tries = 0;

      for (;;)
        {
          int s = prec - 1 - e;
          guint64 below;
          int ok;

          if (++tries > 4 || !digits_at (m, q, prec, e, &n))
            return FALSE;
          if (n >= pow10_u64[prec])
            {
              e++;
              went_up = TRUE;
              continue;
            }
          if (n < pow10_u64[prec - 1])
            {
              e--;
              continue;
            }
          if (n == pow10_u64[prec - 1] && !went_up)
            {
              if (!digits_at (m, q, prec, e - 1, &below))
                return FALSE;
              if (below < pow10_u64[prec])
                {
                  e--;
                  continue;
                }
            }
          ok = prec == 17 ? 1 : reads_back (n, q + s - 2,
                                            ((u128) 4 * m - lower_gap) * pow5_u64[s],
                                            ((u128) 4 * m + 2) * pow5_u64[s], (m & 1) == 0);
          if (ok < 0)
            return FALSE;
          if (ok)
            {
              write_g (buf, negative, n, prec, e);
              return TRUE;
            }
          break;
        }
    }
  return FALSE;
}

#endif

char *
ax_format_duration (double seconds)
{
  double ms, tenths, whole;

  if (!(seconds >= 0) || !isfinite (seconds))
    return g_strdup ("—");
  /* Each form shows its value rounded half up, and passes to the next
   * once that rounds to the next form's first value. */
  ms = floor (seconds * 1000 + 0.5);
  tenths = floor (seconds * 10 + 0.5);
  whole = floor (seconds + 0.5);
  if (ms < 1)
    /* TRANSLATORS: a duration under a millisecond */
    return g_strdup (_("< 1 ms"));
  if (ms < 1000)
    /* TRANSLATORS: a duration in milliseconds */
    return g_strdup_printf (_("%.0f ms"), ms);
  if (tenths < 100)
    /* TRANSLATORS: a duration in seconds, with one decimal */
    return g_strdup_printf (_("%.1f s"), tenths / 10);
  if (whole < 60)
    /* TRANSLATORS: a duration in seconds */
    return g_strdup_printf (_("%.0f s"), whole);
  if (whole < 3600)
    /* TRANSLATORS: a duration in minutes and seconds */
    return g_strdup_printf (_("%.0f min %02.0f s"), floor (whole / 60), fmod (whole, 60));
  {
    double minutes = floor (seconds / 60 + 0.5);

    /* TRANSLATORS: a duration in hours and minutes */
    return g_strdup_printf (_("%.0f h %02.0f min"), floor (minutes / 60), fmod (minutes, 60));
  }
}

void
ax_format_real (double  value,
                char   *buf,
                gsize   size)
{
#ifdef __SIZEOF_INT128__
  if (size >= 32 && format_real_exact (value, buf))
    return;
#endif
  format_real_printf (value, buf, size);
}

void
ax_append_json_string (GString    *out,
                       const char *str)
{
  g_string_append_c (out, '"');
  for (const char *p = str; *p != '\0'; p++)
    {
      switch (*p)
        {
        case '"':  g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        default:
          if ((guchar) *p < 0x20)
            g_string_append_printf (out, "\\u%04x", (guint) (guchar) *p);
          else
            g_string_append_c (out, *p);
        }
    }
  g_string_append_c (out, '"');
}

typedef struct {
  AxTaskFunc  func;
  gpointer    data;
  guint       n_tasks;
  gint        next;
} Tasks;

static gpointer
tasks_worker (gpointer data)
{
  Tasks *t = data;

  for (;;)
    {
      guint task = (guint) g_atomic_int_add (&t->next, 1);
      if (task >= t->n_tasks)
        return NULL;
      t->func (task, t->data);
    }
}

static GPrivate use_openmp;

void
ax_threads_use_openmp (void)
{
  g_private_set (&use_openmp, GINT_TO_POINTER (1));
}

void
ax_run_on_threads (guint        n_threads,
                   const char  *name,
                   GThreadFunc  func,
                   gpointer     data)
{
  g_autofree GThread **threads = NULL;

#ifdef _OPENMP
  if (n_threads > 1 && g_private_get (&use_openmp) != NULL)
    {
#pragma omp parallel num_threads (n_threads)
      func (data);
      return;
    }
#endif
  threads = g_new0 (GThread *, MAX (n_threads, 1));

  for (guint i = 1; i < n_threads; i++)
    threads[i] = g_thread_new (name, func, data);
  func (data);
  for (guint i = 1; i < n_threads; i++)
    g_thread_join (threads[i]);
}

void
ax_run_tasks (guint       n_tasks,
              guint       n_threads,
              AxTaskFunc  func,
              gpointer    data)
{
  Tasks t = { func, data, n_tasks, 0 };
  guint n;

  n = n_threads > 0 ? n_threads : (guint) g_get_num_processors ();
  n = MIN (n, n_tasks);
  if (n <= 1)
    {
      for (guint i = 0; i < n_tasks; i++)
        func (i, data);
      return;
    }
  ax_run_on_threads (n, "ax-task", tasks_worker, &t);
}
