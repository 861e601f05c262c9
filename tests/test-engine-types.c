/* test-engine-types.c — parsing and formatting values, frames, statistics
 *
 * Known answers only: every expected value below was worked out by hand or
 * from an independent source (Python's datetime for day numbers, statistics
 * for the standard deviations), never copied from a run of the code.
 */

#include <float.h>
#include <math.h>
#include <string.h>

#include "ax-frame.h"
#include "ax-stats.h"
#include "ax-types.h"

/* Column types */

static void
test_types_names (void)
{
  for (AxColumnType t = 0; t < AX_N_COLUMN_TYPES; t++)
    {
      AxColumnType back = AX_N_COLUMN_TYPES;
      const char *name = ax_column_type_to_string (t);

      g_assert_nonnull (name);
      g_assert_true (ax_column_type_from_string (name, &back));
      g_assert_cmpint (back, ==, t);
      g_assert_nonnull (ax_column_type_label (t));
    }
  g_assert_cmpstr (ax_column_type_to_string (AX_COLUMN_INTEGER), ==, "integer");
  g_assert_cmpstr (ax_column_type_to_string (AX_COLUMN_CATEGORICAL), ==, "categorical");
  g_assert_cmpstr (ax_column_type_to_string (AX_COLUMN_DATETIME), ==, "datetime");

  {
    AxColumnType out = AX_COLUMN_REAL;
    g_assert_false (ax_column_type_from_string ("Integer", &out));
    g_assert_false (ax_column_type_from_string ("", &out));
    g_assert_false (ax_column_type_from_string (NULL, &out));
    g_assert_cmpint (out, ==, AX_COLUMN_REAL);
  }

  g_assert_true (ax_column_type_is_numeric (AX_COLUMN_INTEGER));
  g_assert_true (ax_column_type_is_numeric (AX_COLUMN_REAL));
  g_assert_false (ax_column_type_is_numeric (AX_COLUMN_BOOLEAN));
  g_assert_false (ax_column_type_is_numeric (AX_COLUMN_DATE));
  g_assert_false (ax_column_type_is_numeric (AX_COLUMN_TEXT));
}

/* Parsing */

static void
test_parse_integer (void)
{
  static const struct { const char *text; gint64 value; } good[] = {
    { "0", 0 },
    { "7", 7 },
    { "-42", -42 },
    { "+15", 15 },
    { "-0", 0 },
    { "1234567890", 1234567890 },
    { "9223372036854775807", G_MAXINT64 },
    { "-9223372036854775808", G_MININT64 },
  };
  static const char *const bad[] = {
    "", "-", "+", "007", "00", "-01", "1.0", "1e3", " 1", "1 ", "12a", "a12",
    "0x10", "1,000", "9223372036854775808", "-9223372036854775809",
    "99999999999999999999", "184467440737095516160", "--1", "+-1", "½",
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      gint64 v = 12345;
      g_test_message ("integer: %s", good[i].text);
      g_assert_true (ax_parse_integer (good[i].text, &v));
      g_assert_cmpint (v, ==, good[i].value);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      gint64 v = 12345;
      g_test_message ("not an integer: '%s'", bad[i]);
      g_assert_false (ax_parse_integer (bad[i], &v));
      g_assert_cmpint (v, ==, 12345);
    }
}

static void
test_parse_real (void)
{
  static const struct { const char *text; double value; } good[] = {
    { "0", 0.0 },
    { "1.5", 1.5 },
    { "-0.25", -0.25 },
    { ".5", 0.5 },
    { "5.", 5.0 },
    { "+2.5e+2", 250.0 },
    { "1e3", 1000.0 },
    { "1E-3", 0.001 },
    { "-.5e1", -5.0 },
    { "42", 42.0 },
    { "0.1", 0.1 },
    { "1.7976931348623157e308", DBL_MAX },
    { "4.9406564584124654e-324", 4.9406564584124654e-324 },
  };
  static const char *const bad[] = {
    "", ".", "-", "+", "e5", ".e5", "1e", "1e+", "1.2.3", "1,5", " 1.5", "1.5 ",
    "nan", "NaN", "inf", "-inf", "Infinity", "0x1p3", "1e400", "-1e400", "1.5f",
    "abc", "1_000",
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      double v = -1;
      g_test_message ("real: %s", good[i].text);
      g_assert_true (ax_parse_real (good[i].text, &v));
      g_assert_cmpfloat (v, ==, good[i].value);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      double v = -1;
      g_test_message ("not a real: '%s'", bad[i]);
      g_assert_false (ax_parse_real (bad[i], &v));
    }
}

static void
test_parse_boolean (void)
{
  static const struct { const char *text; gint64 value; } good[] = {
    { "true", 1 }, { "TRUE", 1 }, { "True", 1 }, { "tRuE", 1 },
    { "false", 0 }, { "FALSE", 0 }, { "False", 0 },
  };
  static const char *const bad[] = {
    "", "t", "f", "yes", "no", "1", "0", "truee", " true", "false ", "T", "on",
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      gint64 v = 7;
      g_assert_true (ax_parse_boolean (good[i].text, &v));
      g_assert_cmpint (v, ==, good[i].value);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      gint64 v = 7;
      g_test_message ("not a boolean: '%s'", bad[i]);
      g_assert_false (ax_parse_boolean (bad[i], &v));
    }
}

/* Day numbers from Python: (date(y, m, d) - date(1970, 1, 1)).days */
static const struct { int y, m, d; gint64 days; } known_days[] = {
  { 1970, 1, 1, 0 },
  { 1969, 12, 31, -1 },
  { 2000, 1, 1, 10957 },
  { 2024, 2, 29, 19782 },
  { 2024, 3, 31, 19813 },
  { 1900, 3, 1, -25508 },
  { 1, 1, 1, -719162 },
  { 9999, 12, 31, 2932896 },
};

static void
test_parse_date_orders (void)
{
  /* The same day, 2024-03-31, in every layout. */
  static const struct { AxDateOrder order; const char *text; } same[] = {
    { AX_DATE_ISO, "2024-03-31" },
    { AX_DATE_ISO_SLASH, "2024/03/31" },
    { AX_DATE_DMY_DOT, "31.03.2024" },
    { AX_DATE_DMY_DOT, "31.3.2024" },
    { AX_DATE_MDY_SLASH, "03/31/2024" },
    { AX_DATE_MDY_SLASH, "3/31/2024" },
    { AX_DATE_DMY_SLASH, "31/03/2024" },
    { AX_DATE_DMY_SLASH, "31/3/2024" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (same); i++)
    {
      gint64 days = 0;
      g_test_message ("order %d: %s", same[i].order, same[i].text);
      g_assert_true (ax_parse_date (same[i].text, same[i].order, &days));
      g_assert_cmpint (days, ==, 19813);

      /* No other layout reads this text as a date. */
      for (AxDateOrder o = 0; o < AX_N_DATE_ORDERS; o++)
        if (o != same[i].order)
          g_assert_false (ax_parse_date (same[i].text, o, &days));
    }

  for (guint i = 0; i < G_N_ELEMENTS (known_days); i++)
    {
      char iso[32], dmy[32], mdy[32], dot[32], slash[32];
      gint64 days = 12345678;

      g_snprintf (iso, sizeof iso, "%04d-%02d-%02d", known_days[i].y, known_days[i].m, known_days[i].d);
      g_snprintf (slash, sizeof slash, "%04d/%02d/%02d", known_days[i].y, known_days[i].m, known_days[i].d);
      g_snprintf (dot, sizeof dot, "%02d.%02d.%04d", known_days[i].d, known_days[i].m, known_days[i].y);
      g_snprintf (mdy, sizeof mdy, "%02d/%02d/%04d", known_days[i].m, known_days[i].d, known_days[i].y);
      g_snprintf (dmy, sizeof dmy, "%02d/%02d/%04d", known_days[i].d, known_days[i].m, known_days[i].y);
      g_assert_true (ax_parse_date (iso, AX_DATE_ISO, &days));
      g_assert_cmpint (days, ==, known_days[i].days);
      g_assert_true (ax_parse_date (slash, AX_DATE_ISO_SLASH, &days));
      g_assert_cmpint (days, ==, known_days[i].days);
      g_assert_true (ax_parse_date (dot, AX_DATE_DMY_DOT, &days));
      g_assert_cmpint (days, ==, known_days[i].days);
      g_assert_true (ax_parse_date (mdy, AX_DATE_MDY_SLASH, &days));
      g_assert_cmpint (days, ==, known_days[i].days);
      g_assert_true (ax_parse_date (dmy, AX_DATE_DMY_SLASH, &days));
      g_assert_cmpint (days, ==, known_days[i].days);
    }

  /* Ambiguous text: 01/02/2024 is 2 January as M/D/Y, 1 February as D/M/Y. */
  {
    gint64 mdy = 0, dmy = 0;
    g_assert_true (ax_parse_date ("01/02/2024", AX_DATE_MDY_SLASH, &mdy));
    g_assert_true (ax_parse_date ("01/02/2024", AX_DATE_DMY_SLASH, &dmy));
    g_assert_cmpint (mdy, ==, ax_days_from_civil (2024, 1, 2));
    g_assert_cmpint (dmy, ==, ax_days_from_civil (2024, 2, 1));
  }
}

static void
test_parse_date_invalid (void)
{
  static const struct { AxDateOrder order; const char *text; } bad[] = {
    /* Days that do not exist. */
    { AX_DATE_ISO, "2023-02-29" },
    { AX_DATE_ISO, "1900-02-29" },
    { AX_DATE_ISO, "2100-02-29" },
    { AX_DATE_ISO, "2023-04-31" },
    { AX_DATE_ISO, "2023-06-31" },
    { AX_DATE_ISO, "2023-09-31" },
    { AX_DATE_ISO, "2023-11-31" },
    { AX_DATE_ISO, "2023-01-32" },
    { AX_DATE_ISO, "2023-13-01" },
    { AX_DATE_ISO, "2023-00-10" },
    { AX_DATE_ISO, "2023-05-00" },
    { AX_DATE_ISO, "0000-01-01" },
    { AX_DATE_ISO_SLASH, "2023/02/29" },
    { AX_DATE_DMY_DOT, "29.02.2023" },
    { AX_DATE_DMY_DOT, "31.04.2023" },
    { AX_DATE_MDY_SLASH, "02/29/2023" },
    { AX_DATE_MDY_SLASH, "13/01/2023" },
    { AX_DATE_DMY_SLASH, "29/02/2023" },
    { AX_DATE_DMY_SLASH, "01/13/2023" },
    /* Wrong shapes. */
    { AX_DATE_ISO, "" },
    { AX_DATE_ISO, "2024-3-5" },
    { AX_DATE_ISO, "24-03-05" },
    { AX_DATE_ISO, "2024-03-05 " },
    { AX_DATE_ISO, " 2024-03-05" },
    { AX_DATE_ISO, "2024-03-05x" },
    { AX_DATE_ISO, "2024-03-05T00:00:00" },
    { AX_DATE_ISO, "20240305" },
    { AX_DATE_ISO, "2024/03/05" },
    { AX_DATE_ISO, "2024-03/05" },
    { AX_DATE_ISO, "+2024-03-05" },
    { AX_DATE_ISO_SLASH, "2024-03-05" },
    { AX_DATE_DMY_DOT, "5.3.24" },
    { AX_DATE_DMY_DOT, "005.03.2024" },
    { AX_DATE_DMY_DOT, "05.03.20245" },
    { AX_DATE_MDY_SLASH, "3/5/24" },
    { AX_DATE_DMY_SLASH, "5/3/" },
    { AX_DATE_DMY_SLASH, "//2024" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      gint64 days = 777;
      g_test_message ("not a date in order %d: '%s'", bad[i].order, bad[i].text);
      g_assert_false (ax_parse_date (bad[i].text, bad[i].order, &days));
    }

  /* The leap days that do exist. */
  {
    gint64 days;
    g_assert_true (ax_parse_date ("2000-02-29", AX_DATE_ISO, &days));
    g_assert_true (ax_parse_date ("2024-02-29", AX_DATE_ISO, &days));
    g_assert_true (ax_parse_date ("1600-02-29", AX_DATE_ISO, &days));
    g_assert_true (ax_parse_date ("29.02.2000", AX_DATE_DMY_DOT, &days));
    g_assert_cmpint (days, ==, 11016);
  }
}

static void
test_parse_datetime (void)
{
  /* 2024-03-31 12:34:56 is 1711888496 s after the epoch (Python). */
  static const struct { const char *text; gint64 seconds; } good[] = {
    { "2024-03-31 12:34:56", 1711888496 },
    { "2024-03-31T12:34:56", 1711888496 },
    { "2024-03-31T12:34:56Z", 1711888496 },
    { "2024-03-31 12:34:56.789", 1711888496 },
    { "2024-03-31T12:34:56.5Z", 1711888496 },
    { "2024-03-31 12:34", 1711888440 },
    { "1970-01-01 00:00:00", 0 },
    { "1969-12-31 23:59:59", -1 },
    { "1970-01-01 23:59:60", 86399 },   /* a leap second is kept in its day */
    { "2000-02-29 00:00:01", 951782401 },
  };
  static const char *const bad[] = {
    "", "2024-03-31", "2024-03-31 ", "2024-03-31 12", "2024-03-31 12:3",
    "2024-03-31 24:00:00", "2024-03-31 12:60:00", "2024-03-31 12:00:61",
    "2024-03-31 12:00:00+02:00", "2024-03-31 12:00:00 ", "2024-03-31 12:00:00.",
    "2023-02-29 12:00:00", "31.03.2024 12:00:00", "2024-03-31_12:00:00",
    "2024-03-31 12:00:00ZZ", "12:00:00",
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      gint64 s = 3;
      g_test_message ("datetime: %s", good[i].text);
      g_assert_true (ax_parse_datetime (good[i].text, &s));
      g_assert_cmpint (s, ==, good[i].seconds);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      gint64 s = 3;
      g_test_message ("not a datetime: '%s'", bad[i]);
      g_assert_false (ax_parse_datetime (bad[i], &s));
    }
}

/* Calendar arithmetic */

static void
test_civil_known (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (known_days); i++)
    {
      int y, m, d;
      g_assert_cmpint (ax_days_from_civil (known_days[i].y, known_days[i].m, known_days[i].d),
                       ==, known_days[i].days);
      ax_civil_from_days (known_days[i].days, &y, &m, &d);
      g_assert_cmpint (y, ==, known_days[i].y);
      g_assert_cmpint (m, ==, known_days[i].m);
      g_assert_cmpint (d, ==, known_days[i].d);
    }
}

static int
month_length (int y, int m)
{
  static const int len[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
  gboolean leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : len[m - 1];
}

/* Walks every day from 4000 BC (proleptic) to AD 9999 with an independent
 * calendar and checks both directions, and that day numbers are consecutive. */
static void
test_civil_round_trip (void)
{
  int y = -4000, m = 1, d = 1;
  gint64 expect = ax_days_from_civil (y, m, d);
  guint64 n = 0;

  /* The 400-year Gregorian cycle has 146097 days. */
  g_assert_cmpint (ax_days_from_civil (2400, 1, 1) - ax_days_from_civil (2000, 1, 1), ==, 146097);
  /* 0001-01-01 less ten 400-year cycles, less the 366 days of -4000. */
  g_assert_cmpint (ax_days_from_civil (-4000, 1, 1), ==, -719162 - 10 * 146097 - 366);

  while (y < 10000)
    {
      int yy, mm, dd;

      g_assert_cmpint (ax_days_from_civil (y, m, d), ==, expect);
      ax_civil_from_days (expect, &yy, &mm, &dd);
      if (yy != y || mm != m || dd != d)
        g_error ("day %" G_GINT64_FORMAT ": expected %d-%d-%d, got %d-%d-%d",
                 expect, y, m, d, yy, mm, dd);

      expect++;
      n++;
      if (++d > month_length (y, m))
        {
          d = 1;
          if (++m > 12)
            {
              m = 1;
              y++;
            }
        }
    }
  /* 14000 years of 365.2425 days. */
  g_assert_cmpuint (n, ==, 14000 / 400 * 146097);
}

/* Formatting */

static void
test_format_date (void)
{
  char buf[32];

  ax_format_date (0, buf, sizeof buf);
  g_assert_cmpstr (buf, ==, "1970-01-01");
  ax_format_date (-1, buf, sizeof buf);
  g_assert_cmpstr (buf, ==, "1969-12-31");
  ax_format_date (19813, buf, sizeof buf);
  g_assert_cmpstr (buf, ==, "2024-03-31");
  ax_format_date (-719162, buf, sizeof buf);
  g_assert_cmpstr (buf, ==, "0001-01-01");
  ax_format_date (2932896, buf, sizeof buf);
  g_assert_cmpstr (buf, ==, "9999-12-31");

  ax_format_datetime (0, buf, sizeof buf);
  g_assert_cmpstr (buf, ==, "1970-01-01 00:00:00");
  ax_format_datetime (-1, buf, sizeof buf);
  g_assert_cmpstr (buf, ==, "1969-12-31 23:59:59");
  ax_format_datetime (-86400, buf, sizeof buf);
  g_assert_cmpstr (buf, ==, "1969-12-31 00:00:00");
  ax_format_datetime (-86401, buf, sizeof buf);
  g_assert_cmpstr (buf, ==, "1969-12-30 23:59:59");
  ax_format_datetime (1711888496, buf, sizeof buf);
  g_assert_cmpstr (buf, ==, "2024-03-31 12:34:56");

  /* Both directions agree over a wide range, before and after the epoch. */
  for (gint64 s = -5000000000; s < 5000000000; s += 7777777 + 13)
    {
      gint64 back = 0, days = 0;
      ax_format_datetime (s, buf, sizeof buf);
      g_assert_true (ax_parse_datetime (buf, &back));
      g_assert_cmpint (back, ==, s);
      ax_format_date (s / 86400, buf, sizeof buf);
      g_assert_true (ax_parse_date (buf, AX_DATE_ISO, &days));
      g_assert_cmpint (days, ==, s / 86400);
    }
}

static void
assert_real_round_trip (double value)
{
  char buf[64];
  double back = NAN;

  ax_format_real (value, buf, sizeof buf);
  if (!ax_parse_real (buf, &back) || memcmp (&back, &value, sizeof value) != 0)
    g_error ("%.17g was written as '%s' and read back as %.17g", value, buf, back);
}

static void
test_format_real (void)
{
  static const double awkward[] = {
    0.0, 1.0, -1.0, 0.1, 0.2, 0.3, 0.1 + 0.2, 1.0 / 3.0, 2.0 / 3.0, 4.35, 1e-5,
    123456.789, 1e15, 1e16, 1e21, 1e22, 1e23, 9007199254740993.0, 9007199254740991.0,
    DBL_MAX, -DBL_MAX, DBL_MIN, 4.9406564584124654e-324, 2.2250738585072009e-308,
    5e-324 * 3, 1.7976931348623155e308, 0.30000000000000004, 100.0, 3.141592653589793,
    2.718281828459045, 1e-300, 123456789012345678.0, 0.000001, 1.0 - DBL_EPSILON,
    1.0 + DBL_EPSILON, 299792458.0, -273.15, 6.02214076e23,
  };
  char buf[64];

  for (guint i = 0; i < G_N_ELEMENTS (awkward); i++)
    assert_real_round_trip (awkward[i]);

  /* Shortest form where a short one reads back. */
  ax_format_real (0.1, buf, sizeof buf);
  g_assert_cmpstr (buf, ==, "0.1");
  ax_format_real (100.0, buf, sizeof buf);
  g_assert_cmpstr (buf, ==, "100");
  ax_format_real (-273.15, buf, sizeof buf);
  g_assert_cmpstr (buf, ==, "-273.15");
  ax_format_real (0.1 + 0.2, buf, sizeof buf);
  g_assert_cmpstr (buf, ==, "0.30000000000000004");
  ax_format_real (1.0 / 3.0, buf, sizeof buf);
  g_assert_cmpstr (buf, ==, "0.3333333333333333");

  /* Random bit patterns over the whole range of finite doubles. */
  for (guint i = 0; i < 200000; i++)
    {
      guint64 bits = ((guint64) g_test_rand_int () << 32) | (guint32) g_test_rand_int ();
      double v;
      memcpy (&v, &bits, sizeof v);
      if (!isfinite (v) || v == 0)
        continue;
      assert_real_round_trip (v);
    }
}

/* What ax_format_real() promises, the slow way: the first of %.15g, %.16g
 * and %.17g that reads back as the same double. */
static void
assert_real_as_printf (double value)
{
  char buf[64], expect[64];

  for (int prec = 15; prec <= 17; prec++)
    {
      g_ascii_formatd (expect, sizeof expect, prec == 15 ? "%.15g" : prec == 16 ? "%.16g" : "%.17g", value);
      if (g_ascii_strtod (expect, NULL) == value)
        break;
    }
  ax_format_real (value, buf, sizeof buf);
  if (strcmp (buf, expect) != 0)
    g_error ("%a was written as '%s', not '%s'", value, buf, expect);
  assert_real_round_trip (value);
}

static guint64
rand_bits (void)
{
  return ((guint64) g_test_rand_int () << 32) | (guint32) g_test_rand_int ();
}

static void
test_format_real_fast (void)
{
  double subnormal = DBL_MIN;

  /* Signed zeros, subnormals, integers, powers of two and of ten and
   * their neighbours (where the rounding interval is lopsided or the
   * digits roll over to one more). */
  assert_real_as_printf (0.0);
  assert_real_as_printf (-0.0);
  for (int i = 0; i < 60; i++)
    {
      subnormal /= 2;
      assert_real_as_printf (subnormal);
      assert_real_as_printf (-nextafter (subnormal, 1.0));
    }
  for (int k = -1074; k <= 1023; k++)
    {
      double p = ldexp (1.0, k);
      assert_real_as_printf (p);
      assert_real_as_printf (nextafter (p, 0.0));
      if (k < 1023)
        assert_real_as_printf (-nextafter (p, INFINITY));
    }
  for (int k = -30; k <= 30; k++)
    {
      double p = pow (10.0, k);
      double below = p, above = p;
      assert_real_as_printf (p);
      for (int i = 0; i < 8; i++)
        {
          below = nextafter (below, 0.0);
          above = nextafter (above, INFINITY);
          assert_real_as_printf (below);
          assert_real_as_printf (above);
        }
      assert_real_as_printf (p * 0.9999999999999999);
      assert_real_as_printf (p * 9.999999999999999);
      assert_real_as_printf (p * 9.9999999999999995);
    }
  for (gint64 i = -2000; i <= 2000; i++)
    assert_real_as_printf ((double) i);
  assert_real_as_printf (99999999999999.99);
  assert_real_as_printf (999999999999999.9);
  assert_real_as_printf (9007199254740993.0);

  for (guint i = 0; i < 60000; i++)
    {
      guint64 bits = rand_bits ();
      double v;

      switch (i % 5)
        {
        case 0:                 /* uniform in [0, 1) and scaled */
          v = ldexp ((double) (bits >> 11), -53) * pow (10.0, (int) (bits % 24) - 10);
          break;
        case 1:                 /* short decimals, as data files hold */
          v = (double) (gint64) (bits % 20000001 - 10000000) / pow (10.0, (int) (bits >> 40) % 12);
          break;
        case 2:                 /* single-precision values */
          v = (float) ldexp ((double) (bits >> 11), -53 + (int) (bits % 40) - 20);
          break;
        case 3:                 /* integers up to 2^53 */
          v = (double) (gint64) (bits >> 11) * ((bits & 1) ? -1 : 1);
          break;
        default:                /* any exponent, any sign */
          v = ldexp ((double) ((bits >> 11) | 1), (int) (bits % 2200) - 1126);
          if (bits & 2)
            v = -v;
          break;
        }
      if (isfinite (v))
        assert_real_as_printf (v);
    }
}

/* Frames */

static AxFrame *
new_frame (void)
{
  const char *names[] = { "id", "price", "label", "day" };
  AxColumnType types[] = { AX_COLUMN_INTEGER, AX_COLUMN_REAL, AX_COLUMN_TEXT, AX_COLUMN_DATE };
  return ax_frame_new (4, names, types, 2);
}

static void
test_frame_append (void)
{
  g_autoptr(AxFrame) f = new_frame ();

  g_assert_cmpuint (f->n_columns, ==, 4);
  g_assert_cmpuint (f->n_rows, ==, 0);
  g_assert_cmpstr (f->columns[2].name, ==, "label");
  g_assert_cmpint (ax_frame_find_column (f, "price"), ==, 1);
  g_assert_cmpint (ax_frame_find_column (f, "day"), ==, 3);
  g_assert_cmpint (ax_frame_find_column (f, "nope"), ==, -1);

  /* Far past the initial capacity: the frame grows. */
  for (guint i = 0; i < 1000; i++)
    {
      guint r = ax_frame_append_row (f);
      g_assert_cmpuint (r, ==, i);
      /* A new row is all missing. */
      for (guint c = 0; c < f->n_columns; c++)
        g_assert_true (f->columns[c].missing[r]);
      if (i % 3 != 0)
        ax_frame_set_int (f, 0, r, (gint64) i * 10);
      if (i % 5 != 0)
        ax_frame_set_real (f, 1, r, i / 4.0);
      if (i % 7 != 0)
        ax_frame_take_string (f, 2, r, g_strdup_printf ("row %u", i));
      ax_frame_set_int (f, 3, r, (gint64) i - 500);
    }
  g_assert_cmpuint (f->n_rows, ==, 1000);
  g_assert_cmpuint (f->capacity, >=, 1000);

  for (guint i = 0; i < 1000; i++)
    {
      g_assert_cmpint (f->columns[0].missing[i], ==, i % 3 == 0);
      g_assert_cmpint (f->columns[0].ints[i], ==, i % 3 == 0 ? 0 : (gint64) i * 10);
      g_assert_cmpint (f->columns[1].missing[i], ==, i % 5 == 0);
      g_assert_cmpfloat (f->columns[1].reals[i], ==, i % 5 == 0 ? 0.0 : i / 4.0);
      g_assert_cmpint (f->columns[2].missing[i], ==, i % 7 == 0);
      if (i % 7 == 0)
        g_assert_null (f->columns[2].strings[i]);
      else
        {
          g_autofree char *expect = g_strdup_printf ("row %u", i);
          g_assert_cmpstr (f->columns[2].strings[i], ==, expect);
        }
      g_assert_cmpint (f->columns[3].ints[i], ==, (gint64) i - 500);
    }

  /* Replacing a string frees the old one; NULL makes the cell missing. */
  ax_frame_take_string (f, 2, 1, g_strdup ("replaced"));
  g_assert_cmpstr (f->columns[2].strings[1], ==, "replaced");
  ax_frame_take_string (f, 2, 1, NULL);
  g_assert_true (f->columns[2].missing[1]);
  g_assert_null (f->columns[2].strings[1]);
}

static void
test_frame_truncate (void)
{
  g_autoptr(AxFrame) f = new_frame ();

  for (guint i = 0; i < 40; i++)
    {
      guint r = ax_frame_append_row (f);
      ax_frame_set_int (f, 0, r, i + 1);
      ax_frame_set_real (f, 1, r, i + 0.5);
      ax_frame_take_string (f, 2, r, g_strdup_printf ("s%u", i));
      ax_frame_set_int (f, 3, r, i);
    }

  /* Truncating to more rows than there are does nothing. */
  ax_frame_truncate (f, 40);
  ax_frame_truncate (f, 100);
  g_assert_cmpuint (f->n_rows, ==, 40);

  ax_frame_truncate (f, 25);
  g_assert_cmpuint (f->n_rows, ==, 25);
  g_assert_cmpint (f->columns[0].ints[24], ==, 25);
  g_assert_cmpstr (f->columns[2].strings[24], ==, "s24");

  /* A row appended after a truncate is all missing, not what was there. */
  {
    guint r = ax_frame_append_row (f);
    g_assert_cmpuint (r, ==, 25);
    for (guint c = 0; c < f->n_columns; c++)
      g_assert_true (f->columns[c].missing[r]);
    g_assert_cmpint (f->columns[0].ints[r], ==, 0);
    g_assert_cmpfloat (f->columns[1].reals[r], ==, 0.0);
    g_assert_null (f->columns[2].strings[r]);
  }

  ax_frame_clear (f);
  g_assert_cmpuint (f->n_rows, ==, 0);
  g_assert_cmpuint (f->capacity, >=, 40);
  g_assert_cmpuint (ax_frame_append_row (f), ==, 0);
  g_assert_true (f->columns[2].missing[0]);
  g_assert_null (f->columns[2].strings[0]);
}

static void
test_frame_column_to_real (void)
{
  const char *names[] = { "n", "other" };
  AxColumnType types[] = { AX_COLUMN_INTEGER, AX_COLUMN_INTEGER };
  g_autoptr(AxFrame) f = ax_frame_new (2, names, types, 4);

  for (guint i = 0; i < 10; i++)
    {
      guint r = ax_frame_append_row (f);
      if (i != 4)
        ax_frame_set_int (f, 0, r, (gint64) i * 3 - 9);
      ax_frame_set_int (f, 1, r, i);
    }

  ax_frame_column_to_real (f, 0);
  g_assert_cmpint (f->columns[0].type, ==, AX_COLUMN_REAL);
  g_assert_null (f->columns[0].ints);
  g_assert_nonnull (f->columns[0].reals);
  for (guint i = 0; i < 10; i++)
    {
      g_assert_cmpint (f->columns[0].missing[i], ==, i == 4);
      g_assert_cmpfloat (f->columns[0].reals[i], ==, i == 4 ? 0.0 : i * 3.0 - 9.0);
      /* The other column is untouched. */
      g_assert_cmpint (f->columns[1].type, ==, AX_COLUMN_INTEGER);
      g_assert_cmpint (f->columns[1].ints[i], ==, i);
    }

  /* The widened column keeps growing with the frame, and takes reals. */
  for (guint i = 10; i < 300; i++)
    {
      guint r = ax_frame_append_row (f);
      g_assert_true (f->columns[0].missing[r]);
      ax_frame_set_real (f, 0, r, i + 0.25);
      ax_frame_set_int (f, 1, r, i);
    }
  g_assert_cmpfloat (f->columns[0].reals[299], ==, 299.25);
  g_assert_cmpfloat (f->columns[0].reals[9], ==, 18.0);
  ax_frame_truncate (f, 5);
  g_assert_true (f->columns[0].missing[5]);
  g_assert_cmpfloat (f->columns[0].reals[5], ==, 0.0);
}

/* Statistics */

static void
test_stats_numeric (void)
{
  const char *names[] = { "x", "r" };
  AxColumnType types[] = { AX_COLUMN_INTEGER, AX_COLUMN_REAL };
  g_autoptr(AxFrame) a = ax_frame_new (2, names, types, 16);
  g_autoptr(AxFrame) b = ax_frame_new (2, names, types, 16);
  g_autoptr(AxStatsBuilder) sb = ax_stats_builder_new (a);
  const AxColumnStats *s;
  guint64 sum = 0;

  /* x: 0..20 over two frames, with three missing values between them;
   * r: 1..10 in the first frame, everything else missing. */
  for (int i = 0; i <= 10; i++)
    {
      guint r = ax_frame_append_row (a);
      ax_frame_set_int (a, 0, r, i);
      if (i >= 1)
        ax_frame_set_real (a, 1, r, i);
    }
  ax_frame_append_row (a);
  for (int i = 11; i <= 20; i++)
    {
      guint r = ax_frame_append_row (b);
      ax_frame_set_int (b, 0, r, i);
    }
  ax_frame_append_row (b);
  ax_frame_append_row (b);

  ax_stats_builder_add (sb, a);
  ax_stats_builder_add (sb, b);
  ax_stats_builder_begin_histograms (sb);
  ax_stats_builder_add (sb, a);
  ax_stats_builder_add (sb, b);

  s = ax_stats_builder_get (sb, 0);
  g_assert_cmpuint (s->n_rows, ==, 24);
  g_assert_cmpuint (s->n_missing, ==, 3);
  g_assert_cmpfloat (s->min, ==, 0);
  g_assert_cmpfloat (s->max, ==, 20);
  g_assert_cmpfloat_with_epsilon (s->mean, 10.0, 1e-12);
  /* Sample standard deviation of 0..20: sqrt(38.5). */
  g_assert_cmpfloat_with_epsilon (s->sd, sqrt (38.5), 1e-12);
  g_assert_cmpuint (s->n_top, ==, 0);
  /* Twenty bins of width 1 over [0, 20]: one value each, the maximum joins
   * the last bin. */
  g_assert_cmpuint (s->n_bins, ==, AX_STATS_BINS);
  for (guint i = 0; i < AX_STATS_BINS; i++)
    {
      g_assert_cmpuint (s->bins[i], ==, i == AX_STATS_BINS - 1 ? 2 : 1);
      sum += s->bins[i];
    }
  g_assert_cmpuint (sum, ==, s->n_rows - s->n_missing);

  s = ax_stats_builder_get (sb, 1);
  g_assert_cmpuint (s->n_rows, ==, 24);
  g_assert_cmpuint (s->n_missing, ==, 14);
  g_assert_cmpfloat (s->min, ==, 1);
  g_assert_cmpfloat (s->max, ==, 10);
  g_assert_cmpfloat_with_epsilon (s->mean, 5.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (s->sd, 3.0276503540974917, 1e-12);
  sum = 0;
  for (guint i = 0; i < s->n_bins; i++)
    sum += s->bins[i];
  g_assert_cmpuint (s->n_bins, ==, AX_STATS_BINS);
  g_assert_cmpuint (sum, ==, 10);
  /* Width 0.45 from 1: 1 -> bin 0, 10 -> clamped into bin 19. */
  g_assert_cmpuint (s->bins[0], ==, 1);
  g_assert_cmpuint (s->bins[19], ==, 1);
}

static void
test_stats_edge_cases (void)
{
  const char *names[] = { "one", "none", "flag", "day", "grow" };
  AxColumnType types[] = { AX_COLUMN_REAL, AX_COLUMN_INTEGER, AX_COLUMN_BOOLEAN,
                           AX_COLUMN_DATE, AX_COLUMN_INTEGER };
  g_autoptr(AxFrame) a = ax_frame_new (5, names, types, 16);
  g_autoptr(AxFrame) b = ax_frame_new (5, names, types, 16);
  g_autoptr(AxStatsBuilder) sb = ax_stats_builder_new (a);
  const AxColumnStats *s;
  static const gint64 flags[] = { 1, 0, 1, 1 };

  for (guint i = 0; i < 4; i++)
    {
      guint r = ax_frame_append_row (a);
      if (i == 2)
        ax_frame_set_real (a, 0, r, 42.5);
      ax_frame_set_int (a, 2, r, flags[i]);
      ax_frame_set_int (a, 3, r, 19813 + (gint64) i * 10);
      if (i < 3)
        ax_frame_set_int (a, 4, r, i + 1);
    }
  /* The integer column "grow" widens to real in the second frame, as it
   * does mid-import. */
  ax_frame_column_to_real (b, 4);
  ax_frame_set_real (b, 4, ax_frame_append_row (b), 4.5);

  ax_stats_builder_add (sb, a);
  ax_stats_builder_add (sb, b);
  ax_stats_builder_begin_histograms (sb);
  ax_stats_builder_add (sb, a);
  ax_stats_builder_add (sb, b);

  /* One value: no spread, every count in the first bin. */
  s = ax_stats_builder_get (sb, 0);
  g_assert_cmpuint (s->n_missing, ==, 4);
  g_assert_cmpfloat (s->min, ==, 42.5);
  g_assert_cmpfloat (s->max, ==, 42.5);
  g_assert_cmpfloat (s->mean, ==, 42.5);
  g_assert_cmpfloat (s->sd, ==, 0);
  g_assert_cmpuint (s->n_bins, ==, AX_STATS_BINS);
  g_assert_cmpuint (s->bins[0], ==, 1);

  /* No value at all: NaN everywhere, no histogram. */
  s = ax_stats_builder_get (sb, 1);
  g_assert_cmpuint (s->n_rows, ==, 5);
  g_assert_cmpuint (s->n_missing, ==, 5);
  g_assert_true (isnan (s->min));
  g_assert_true (isnan (s->max));
  g_assert_true (isnan (s->mean));
  g_assert_true (isnan (s->sd));
  g_assert_cmpuint (s->n_bins, ==, 0);

  /* Booleans: the mean is the share of true. */
  s = ax_stats_builder_get (sb, 2);
  g_assert_cmpuint (s->n_missing, ==, 1);
  g_assert_cmpfloat (s->mean, ==, 0.75);
  g_assert_cmpfloat (s->min, ==, 0);
  g_assert_cmpfloat (s->max, ==, 1);

  /* Dates in days. */
  s = ax_stats_builder_get (sb, 3);
  g_assert_cmpfloat (s->min, ==, 19813);
  g_assert_cmpfloat (s->max, ==, 19843);
  g_assert_cmpfloat (s->mean, ==, 19828);

  /* 1, 2, 3 then 4.5 after widening. */
  s = ax_stats_builder_get (sb, 4);
  g_assert_cmpuint (s->n_missing, ==, 1);
  g_assert_cmpfloat (s->min, ==, 1);
  g_assert_cmpfloat (s->max, ==, 4.5);
  g_assert_cmpfloat_with_epsilon (s->mean, 2.625, 1e-12);
  g_assert_cmpfloat_with_epsilon (s->sd, 1.4930394055974097, 1e-12);
  {
    guint64 sum = 0;
    for (guint i = 0; i < s->n_bins; i++)
      sum += s->bins[i];
    g_assert_cmpuint (s->n_bins, ==, AX_STATS_BINS);
    g_assert_cmpuint (sum, ==, 4);
  }
}

/* Many values go through a radix sort, few through comparisons: both
 * give the ascending order, with negatives, both zeros, infinities, the
 * smallest and largest doubles and many equal values. */
static void
test_stats_sort_doubles (void)
{
  static const double special[] = { 0.0, -0.0, INFINITY, -INFINITY, DBL_MIN, -DBL_MIN,
                                    DBL_MAX, -DBL_MAX, 4.9e-324, 1.0, -1.0 };
  guint sizes[] = { 0, 1, 7, 255, 256, 3001 };
  guint64 state = 88172645463325252ull;

  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    {
      guint n = sizes[s];
      g_autofree double *v = g_new (double, MAX (n, 1));
      g_autofree double *want = NULL;

      for (guint i = 0; i < n; i++)
        {
          state ^= state << 13, state ^= state >> 7, state ^= state << 17;
          if (i % 5 == 0)
            v[i] = special[state % G_N_ELEMENTS (special)];
          else if (i % 5 == 1)
            v[i] = (double) (state % 7) - 3;          /* many equal values */
          else
            v[i] = ((double) (state >> 11) * 0x1.0p-53 - 0.5) * pow (10, (double) (state % 40) - 20);
        }
      /* The order wanted, by insertion. */
      want = g_memdup2 (v, MAX (n, 1) * sizeof (double));
      for (guint i = 1; i < n; i++)
        for (guint j = i; j > 0 && want[j - 1] > want[j]; j--)
          {
            double t = want[j];
            want[j] = want[j - 1];
            want[j - 1] = t;
          }
      ax_sort_doubles (v, n);
      for (guint i = 0; i < n; i++)
        {
          g_assert_cmpfloat (v[i], ==, want[i]);
          if (i > 0)
            g_assert_true (v[i - 1] <= v[i]);
        }
    }
}

static void
test_stats_categories (void)
{
  const char *names[] = { "fruit", "note" };
  AxColumnType types[] = { AX_COLUMN_CATEGORICAL, AX_COLUMN_TEXT };
  /* 3 pear, 2 apple, 2 fig, 1 kiwi, 1 lime, 1 date; 2 missing. */
  static const char *const fruit[] = {
    "pear", "apple", NULL, "fig", "pear", "kiwi", "apple", "lime", NULL, "fig", "pear", "date",
  };
  g_autoptr(AxFrame) f = ax_frame_new (2, names, types, 4);
  g_autoptr(AxStatsBuilder) sb = ax_stats_builder_new (f);
  const AxColumnStats *s;

  for (guint i = 0; i < G_N_ELEMENTS (fruit); i++)
    {
      guint r = ax_frame_append_row (f);
      ax_frame_take_string (f, 0, r, g_strdup (fruit[i]));
      ax_frame_take_string (f, 1, r, g_strdup_printf ("note %u", i));
    }
  ax_stats_builder_add (sb, f);
  ax_stats_builder_begin_histograms (sb);
  ax_stats_builder_add (sb, f);

  s = ax_stats_builder_get (sb, 0);
  g_assert_cmpuint (s->n_rows, ==, 12);
  g_assert_cmpuint (s->n_missing, ==, 2);
  g_assert_cmpuint (s->n_distinct, ==, 6);
  g_assert_false (s->distinct_capped);
  g_assert_true (isnan (s->min));
  g_assert_true (isnan (s->mean));
  g_assert_cmpuint (s->n_bins, ==, 0);
  /* Most common first; equal counts in alphabetical order. */
  g_assert_cmpuint (s->n_top, ==, AX_STATS_TOP);
  g_assert_cmpstr (s->top[0].value, ==, "pear");
  g_assert_cmpuint (s->top[0].count, ==, 3);
  g_assert_cmpstr (s->top[1].value, ==, "apple");
  g_assert_cmpuint (s->top[1].count, ==, 2);
  g_assert_cmpstr (s->top[2].value, ==, "fig");
  g_assert_cmpuint (s->top[2].count, ==, 2);
  g_assert_cmpstr (s->top[3].value, ==, "date");
  g_assert_cmpuint (s->top[3].count, ==, 1);
  g_assert_cmpstr (s->top[4].value, ==, "kiwi");
  g_assert_cmpuint (s->top[4].count, ==, 1);

  s = ax_stats_builder_get (sb, 1);
  g_assert_cmpuint (s->n_missing, ==, 0);
  g_assert_cmpuint (s->n_distinct, ==, 12);
  g_assert_cmpuint (s->n_top, ==, AX_STATS_TOP);
  g_assert_cmpuint (s->top[0].count, ==, 1);
  g_assert_cmpstr (s->top[0].value, ==, "note 0");
}

static void
test_format_duration (void)
{
  const struct { double seconds; const char *text; } cases[] = {
    { 0, "< 1 ms" }, { 0.0004, "< 1 ms" }, { 0.0005, "1 ms" }, { 0.044, "44 ms" },
    { 0.9994, "999 ms" }, { 0.9996, "1.0 s" }, { 2.44, "2.4 s" }, { 9.94, "9.9 s" },
    { 9.96, "10 s" }, { 37.4, "37 s" }, { 59.6, "1 min 00 s" }, { 365, "6 min 05 s" },
    { 3599.4, "59 min 59 s" }, { 3599.6, "1 h 00 min" }, { 7440, "2 h 04 min" },
    { 90000, "25 h 00 min" }, { -1, "—" }, { NAN, "—" }, { INFINITY, "—" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = ax_format_duration (cases[i].seconds);

      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/types/names", test_types_names);
  g_test_add_func ("/engine/types/parse/integer", test_parse_integer);
  g_test_add_func ("/engine/types/parse/real", test_parse_real);
  g_test_add_func ("/engine/types/parse/boolean", test_parse_boolean);
  g_test_add_func ("/engine/types/parse/date/orders", test_parse_date_orders);
  g_test_add_func ("/engine/types/parse/date/invalid", test_parse_date_invalid);
  g_test_add_func ("/engine/types/parse/datetime", test_parse_datetime);
  g_test_add_func ("/engine/types/civil/known", test_civil_known);
  g_test_add_func ("/engine/types/civil/round-trip", test_civil_round_trip);
  g_test_add_func ("/engine/types/format/date", test_format_date);
  g_test_add_func ("/engine/types/format/real", test_format_real);
  g_test_add_func ("/engine/types/format/real-fast", test_format_real_fast);
  g_test_add_func ("/engine/types/format/duration", test_format_duration);
  g_test_add_func ("/engine/frame/append", test_frame_append);
  g_test_add_func ("/engine/frame/truncate", test_frame_truncate);
  g_test_add_func ("/engine/frame/column-to-real", test_frame_column_to_real);
  g_test_add_func ("/engine/stats/numeric", test_stats_numeric);
  g_test_add_func ("/engine/stats/edge-cases", test_stats_edge_cases);
  g_test_add_func ("/engine/stats/categories", test_stats_categories);
  g_test_add_func ("/engine/stats/sort-doubles", test_stats_sort_doubles);

  return g_test_run ();
}
