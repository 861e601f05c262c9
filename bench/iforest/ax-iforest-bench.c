/* ax-iforest-bench.c — times Auspex's isolation forest on a CSV file of metrics
 *
 *   ax-iforest-bench METRICS.csv SCORES.txt [--threads N] [--seed N]
 *                    [--trees N] [--samples N] [--contamination X]
 *
 * Reads METRICS.csv (a header row of names, then numbers; an empty field
 * is a missing value) into an AxMatrix, fits the "isolation_forest"
 * detector on every row through the AxDetector interface and scores the
 * same rows, as a detection run does, then writes one score per line to
 * SCORES.txt (1 = most anomalous).  Prints one line to stdout:
 *
 *   ROWS METRICS LOAD_S FIT_S SCORE_S THREADS
 *
 * the seconds of reading the file, of fit() and of score(), each by the
 * monotonic clock.  Defaults: 2 threads, seed 42, 100 trees, 256 rows a
 * tree, contamination 0.1.
 *
 * Built by bench/iforest/run.sh against build-release's libax-engine.a;
 * not part of the project's build.
 */

#include "ax-detect.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void G_GNUC_NORETURN G_GNUC_PRINTF (1, 2)
die (const char *format, ...)
{
  va_list args;

  fputs ("ax-iforest-bench: ", stderr);
  va_start (args, format);
  vfprintf (stderr, format, args);
  va_end (args);
  fputc ('\n', stderr);
  exit (1);
}

static const double pow10_exact[] = {
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
  1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

/* One field [s, end) as a number: the common decimal forms directly (at
 * most 19 significant digits and a power of ten up to 10^22, exact in a
 * double), anything else through g_ascii_strtod; an empty field, or one
 * that is no number, is NAN. */
static float
parse_field (const char *s,
             const char *end)
{
  const char *p;
  guint64 mantissa = 0;
  int digits = 0, scale = 0, exponent = 0;
  gboolean negative = FALSE, any = FALSE;

  while (s < end && (*s == ' ' || *s == '"'))
    s++;
  while (end > s && (end[-1] == ' ' || end[-1] == '"' || end[-1] == '\r'))
    end--;
  if (s == end)
    return NAN;

  p = s;
  if (*p == '-' || *p == '+')
    negative = *p++ == '-';
  for (; p < end && g_ascii_isdigit (*p); p++, any = TRUE)
    if (mantissa > 0 || *p != '0')
      {
        if (++digits > 19)
          goto slow;
        mantissa = mantissa * 10 + (guint64) (*p - '0');
      }
  if (p < end && *p == '.')
    for (p++; p < end && g_ascii_isdigit (*p); p++, any = TRUE)
      {
        if (mantissa > 0 || *p != '0')
          if (++digits > 19)
            goto slow;
        mantissa = mantissa * 10 + (guint64) (*p - '0');
        scale--;
      }
  if (!any)
    goto slow;
  if (p < end && (*p == 'e' || *p == 'E'))
    {
      gboolean eneg = FALSE;
      int e = 0, edigits = 0;

      p++;
      if (p < end && (*p == '-' || *p == '+'))
        eneg = *p++ == '-';
      for (; p < end && g_ascii_isdigit (*p) && edigits < 6; p++, edigits++)
        e = e * 10 + (*p - '0');
      if (edigits == 0)
        goto slow;
      exponent = eneg ? -e : e;
    }
  if (p != end)
    goto slow;
  scale += exponent;
  if (mantissa < (G_GUINT64_CONSTANT (1) << 53) && scale >= -22 && scale <= 22)
    {
      double v = (double) mantissa;

      v = scale < 0 ? v / pow10_exact[-scale] : v * pow10_exact[scale];
      return (float) (negative ? -v : v);
    }

slow:
  {
    char buf[128];
    char *stop;
    gsize n = MIN ((gsize) (end - s), sizeof buf - 1);
    double v;

    memcpy (buf, s, n);
    buf[n] = '\0';
    v = g_ascii_strtod (buf, &stop);
    return stop == buf || *stop != '\0' ? NAN : (float) v;
  }
}

/* The lines of @fp after the header. */
static guint
count_rows (FILE *fp)
{
  static char block[1 << 20];
  guint64 lines = 0;
  gsize n;
  char last = '\n';

  while ((n = fread (block, 1, sizeof block, fp)) > 0)
    {
      for (const char *p = block; (p = memchr (p, '\n', block + n - p)) != NULL; p++)
        lines++;
      last = block[n - 1];
    }
  if (last != '\n')
    lines++;
  if (lines > G_MAXUINT)
    die ("too many rows");
  return lines > 0 ? (guint) lines - 1 : 0;
}

static AxMatrix *
read_metrics (const char *path)
{
  FILE *fp = fopen (path, "r");
  char *line = NULL;
  size_t cap = 0;
  ssize_t len;
  guint n_rows, n_metrics = 1, row = 0;
  AxMatrix *x;

  if (fp == NULL)
    die ("cannot open %s: %s", path, g_strerror (errno));
  n_rows = count_rows (fp);
  rewind (fp);

  if ((len = getline (&line, &cap, fp)) <= 0)
    die ("%s is empty", path);
  while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
    line[--len] = '\0';
  for (const char *p = line; *p; p++)
    n_metrics += *p == ',';

  x = ax_matrix_new (n_rows, n_metrics);
  {
    g_auto(GStrv) names = g_strsplit (line, ",", -1);
    for (guint m = 0; m < n_metrics; m++)
      x->names[m] = g_strdup (names[m]);
  }

  while ((len = getline (&line, &cap, fp)) > 0)
    {
      const char *p = line, *end = line + len;
      guint m = 0;

      if (end[-1] == '\n')
        end--;
      if (end == p || (end - p == 1 && *p == '\r'))
        continue;                      /* a blank line */
      if (row >= n_rows)
        die ("%s changed while it was read", path);
      for (;;)
        {
          const char *comma = memchr (p, ',', end - p);
          const char *stop = comma ? comma : end;

          if (m >= n_metrics)
            die ("%s, line %u: more than %u fields", path, row + 2, n_metrics);
          x->x[(gsize) m * n_rows + row] = parse_field (p, stop);
          m++;
          if (comma == NULL)
            break;
          p = comma + 1;
        }
      if (m != n_metrics)
        die ("%s, line %u: %u fields, not %u", path, row + 2, m, n_metrics);
      row++;
    }
  free (line);
  fclose (fp);
  if (row == 0)
    die ("%s has no rows", path);
  /* Blank lines were counted as rows: shrink to the rows read. */
  if (row < n_rows)
    {
      AxMatrix *y = ax_matrix_new (row, n_metrics);
      for (guint m = 0; m < n_metrics; m++)
        {
          memcpy (y->x + (gsize) m * row, x->x + (gsize) m * n_rows, row * sizeof (float));
          y->names[m] = g_strdup (x->names[m]);
        }
      ax_matrix_free (x);
      x = y;
    }
  return x;
}

static double
seconds_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1e6;
}

int
main (int    argc,
      char **argv)
{
  gint threads = 2, trees = 100, samples = 256;
  gint64 seed = 42;
  double contamination = 0.1;
  GOptionEntry entries[] = {
    { "threads", 0, 0, G_OPTION_ARG_INT, &threads, "Threads to fit and score with (0: every core)", "N" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "The forest's random seed", "N" },
    { "trees", 0, 0, G_OPTION_ARG_INT, &trees, "n_estimators", "N" },
    { "samples", 0, 0, G_OPTION_ARG_INT, &samples, "max_samples, a count of rows", "N" },
    { "contamination", 0, 0, G_OPTION_ARG_DOUBLE, &contamination, "contamination", "X" },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new ("METRICS.csv SCORES.txt");
  g_autoptr(GError) error = NULL;
  g_autoptr(AxParams) given = ax_params_new ();
  g_autoptr(AxParams) params = NULL;
  g_autoptr(AxMatrix) x = NULL;
  g_autoptr(AxScores) scores = NULL;
  const AxDetector *detector;
  AxDetectorState *state;
  AxTrainMonitor monitor = { 0 };
  AxSeries series = { 0 };
  double load_s, fit_s, score_s;
  gint64 start;
  FILE *out;

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    die ("%s", error->message);
  if (argc != 3)
    die ("usage: ax-iforest-bench METRICS.csv SCORES.txt [--threads N] [--seed N]");
  if (threads < 0 || trees < 1 || samples < 1)
    die ("--threads, --trees and --samples must be positive");

  detector = ax_detector_find ("isolation_forest");
  if (detector == NULL)
    die ("the engine has no isolation_forest detector");
  ax_params_set_number (given, "n_estimators", trees);
  ax_params_set_number (given, "max_samples", samples);
  ax_params_set_number (given, "contamination", contamination);
  params = ax_detector_check_params (detector, given, &error);
  if (params == NULL)
    die ("%s", error->message);

  start = g_get_monotonic_time ();
  x = read_metrics (argv[1]);
  load_s = seconds_since (start);

  series.x = x;
  series.time = NULL;
  monitor.n_threads = (guint) threads;
  monitor.seed = (guint64) seed;

  start = g_get_monotonic_time ();
  state = detector->fit (&series, params, &monitor, NULL, &error);
  fit_s = seconds_since (start);
  if (state == NULL)
    die ("fit: %s", error->message);

  start = g_get_monotonic_time ();
  scores = detector->score (state, &series, NULL, &error);
  score_s = seconds_since (start);
  if (scores == NULL)
    die ("score: %s", error->message);
  detector->free (state);

  out = fopen (argv[2], "w");
  if (out == NULL)
    die ("cannot write %s: %s", argv[2], g_strerror (errno));
  for (guint i = 0; i < scores->n_rows; i++)
    fprintf (out, "%.17g\n", scores->score[i]);
  if (fclose (out) != 0)
    die ("cannot write %s: %s", argv[2], g_strerror (errno));

  printf ("%u %u %.3f %.3f %.3f %d\n", x->n_rows, x->n_features, load_s, fit_s, score_s, threads);
  return 0;
}
