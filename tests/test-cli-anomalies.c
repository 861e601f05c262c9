/* test-cli-anomalies.c — detecting, listing and resolving anomalies with auspex-cli
 *
 * Every test runs the built auspex-cli ($AX_CLI) as a real process in a
 * fresh temporary directory holding a project with a copy of the shipped
 * Chicago ridership data ($AX_DATASETS/chicago_ridership.csv: daily CTA
 * rides in thousands, 2001–2016) imported as "chicago", into which the
 * test has planted a few spikes far above any real day.  It judges only
 * what the command prints, its exit status and the files it leaves; the
 * project is looked into with SQLite directly.  A failure must be one
 * line on stderr naming what is wrong, a non-zero exit, and must leave
 * the project as it was.
 */

#include "ax-config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <locale.h>
#include <math.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>

#include "ax-detect-job.h"
#include "ax-test-util.h"

/* The planted spikes: dataset rows and their ridership, far above the
 * real data's highest day (26 thousand).  60 and 61 are alike, so that a
 * false-positive mark on one teaches about the other; 45 and 80 are not
 * like either. */
static const struct {
  gint64      row;
  const char *value;
} spikes[] = {
  { 1500, "45" },
  { 2500, "60" },
  { 3300, "61" },
  { 4000, "80" },
};

#define N_ROWS 5698
#define MARKED 1   /* spikes[MARKED] is marked false positive */
#define ALIKE  2   /* ... and spikes[ALIKE] looks just like it */

/* The date of each data row of chicago_ridership.csv, "2001-01-22". */
static GPtrArray *dates;

/* Writes chicago.csv: the shipped file with the spikes planted. */
static void
write_planted_copy (Fixture *fx)
{
  g_autofree char *path = dataset_path ("chicago_ridership.csv");
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  guint n;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (text, "\n", -1);
  n = g_strv_length (lines);
  /* date, ridership, ...: no quoted commas in these lines. */
  g_assert_true (g_str_has_prefix (lines[0], "\"date\",\"ridership\","));
  for (guint i = 0; i < n; i++)
    {
      g_auto(GStrv) fields = NULL;

      if (lines[i][0] == '\0')
        continue;
      fields = g_strsplit (g_strchomp (lines[i]), ",", -1);
      for (guint k = 0; i > 0 && k < G_N_ELEMENTS (spikes); k++)
        if (spikes[k].row == (gint64) i - 1)
          {
            g_free (fields[1]);
            fields[1] = g_strdup (spikes[k].value);
          }
      if (i > 0 && dates->len < i)
        g_ptr_array_add (dates, g_strndup (fields[0] + 1, strlen (fields[0]) - 2));
      {
        g_autofree char *line = g_strjoinv (",", fields);
        g_string_append_printf (out, "%s\n", line);
      }
    }
  g_assert_cmpuint (dates->len, ==, N_ROWS);
  write_file (fx, "chicago.csv", out->str, -1);
}

static void
fixture_set_up (Fixture       *fx,
                gconstpointer  data)
{
  fixture_init (fx, "ax-test-cli-anomalies-XXXXXX");
  g_free (cli_ok (fx, "create", PROJECT, NULL));
  write_planted_copy (fx);
  g_free (cli_ok (fx, "import", PROJECT, "chicago.csv", "--name", "chicago", NULL));
}

/* A detection of daily ridership with a weekly and yearly baseline;
 * @detection_config is the inside of that object. */
static char *
seasonal_config (const char *description,
                 const char *detection_config)
{
  return g_strdup_printf ("{\"detection_name\": \"ridership_watch\", \"anomaly_type\": \"operational_anomaly\","
                          " \"description\": \"%s\", \"algorithm\": \"seasonal\","
                          " \"detection_config\": {%s},"
                          " \"threshold_config\": {\"severity_thresholds\":"
                          "   {\"low\": 0.5, \"medium\": 0.7, \"high\": 0.85, \"critical\": 0.95}},"
                          " \"monitored_metrics\": [\"ridership\"], \"detection_frequency\": \"daily\","
                          " \"dataset\": \"chicago\", \"time_column\": \"date\"}",
                          description, detection_config);
}

/* Runs detect with @config (written to config.json) and returns the
 * --json answer, with every anomaly of the run (--top 0). */
static JsonNode *
detect (Fixture    *fx,
        const char *config,
        const char *scores)
{
  g_autofree char *out = NULL;

  write_file (fx, "config.json", config, -1);
  if (scores)
    out = cli_ok (fx, "detect", PROJECT, "--config", "config.json", "--scores", scores, "--json",
                  "--top", "0", NULL);
  else
    out = cli_ok (fx, "detect", PROJECT, "--config", "config.json", "--json", "--top", "0", NULL);
  return parse_json (out);
}

/* `anomalies --json` with the extra arguments given, NULL-terminated
 * (@first may be that NULL). */
static JsonNode *
list_anomalies (Fixture    *fx,
                const char *first,
                ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(CliRun) run = NULL;
  JsonNode *root;
  va_list ap;

  g_ptr_array_add (args, (gpointer) "anomalies");
  g_ptr_array_add (args, (gpointer) PROJECT);
  g_ptr_array_add (args, (gpointer) "--json");
  va_start (ap, first);
  for (const char *a = first; a; a = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) a);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  run = cli_runv (fx, (const char * const *) args->pdata);
  if (run->status != 0 || run->err[0] != '\0')
    g_error ("'auspex-cli %s' exited with %d; stderr:\n%s", run->command, run->status, run->err);
  root = parse_json (run->out);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (root));
  return root;
}

static JsonArray *
anomalies_of (JsonNode *root)
{
  if (JSON_NODE_HOLDS_ARRAY (root))
    return json_node_get_array (root);
  return json_object_get_array_member (json_node_get_object (root), "anomalies");
}

static JsonObject *
anomaly_at (JsonArray *list,
            guint      i)
{
  return json_array_get_object_element (list, i);
}

/* The data time of @a, "2010-05-03". */
static const char *
anomaly_time (JsonObject *a)
{
  return json_object_get_string_member (member_object (a, "affected_data"), "time");
}

/* The anomaly of dataset row @row in @list, or NULL. */
static JsonObject *
find_row (JsonArray *list,
          gint64     row)
{
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *a = json_array_get_object_element (list, i);
      if (json_object_get_int_member (member_object (a, "affected_data"), "row") == row)
        return a;
    }
  return NULL;
}

static const char *const severities[] = { "low", "medium", "high", "critical", NULL };

/* Checks one anomaly of the --json output: the guide's fields, for the
 * detection "ridership_watch" of the dataset "chicago". */
static void
assert_anomaly_shape (JsonObject *a)
{
  static const char *const members[] = {
    "id", "detection_id", "detection_name", "run_id", "detected_at", "severity", "anomaly_score",
    "raw_score", "affected_data", "expected_range", "actual_value", "context", "root_cause_analysis",
    "status", "resolution_notes", "is_false_positive", "false_positive_reason", "resolved_at",
  };
  JsonObject *affected = member_object (a, "affected_data");
  JsonObject *expected = member_object (member_object (a, "expected_range"), "ridership");
  JsonObject *actual = member_object (a, "actual_value");
  JsonArray *causes = json_object_get_array_member (a, "root_cause_analysis");
  const char *stamp = json_object_get_string_member (a, "detected_at");
  gint64 row = json_object_get_int_member (affected, "row");
  double share = 0;

  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    if (!json_object_has_member (a, members[i]))
      check_failed ("an anomaly has no member '%s'", members[i]);
  g_assert_cmpint (json_object_get_int_member (a, "id"), >, 0);
  g_assert_cmpstr (json_object_get_string_member (a, "detection_name"), ==, "ridership_watch");
  g_assert_true (g_str_has_suffix (stamp, "Z"));
  g_assert_cmpuint (strlen (stamp), ==, strlen ("2024-01-15T10:30:00Z"));
  g_assert_true (g_strv_contains (severities, json_object_get_string_member (a, "severity")));
  g_assert_cmpfloat (member_number (a, "anomaly_score"), >=, 0.5);
  g_assert_cmpfloat (member_number (a, "anomaly_score"), <=, 1);
  g_assert_cmpstr (json_object_get_string_member (affected, "dataset"), ==, "chicago");
  g_assert_cmpint (row, >=, 0);
  g_assert_cmpint (row, <, N_ROWS);
  g_assert_cmpstr (json_object_get_string_member (affected, "time"), ==, g_ptr_array_index (dates, row));
  g_assert_true (json_object_has_member (affected, "group"));
  g_assert_cmpfloat (member_number (expected, "low"), <=, member_number (expected, "high"));
  g_assert_false (isnan (member_number (actual, "ridership")));
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_object_get_member (a, "context")));
  g_assert_nonnull (causes);
  g_assert_cmpuint (json_array_get_length (causes), >=, 1);
  for (guint i = 0; i < json_array_get_length (causes); i++)
    {
      JsonObject *c = json_array_get_object_element (causes, i);
      const char *direction = json_object_get_string_member (c, "direction");
      g_assert_cmpstr (json_object_get_string_member (c, "metric"), ==, "ridership");
      g_assert_true (g_str_equal (direction, "above") || g_str_equal (direction, "below") ||
                     g_str_equal (direction, "inside"));
      share += member_number (c, "share");
    }
  g_assert_cmpfloat_with_epsilon (share, 1.0, 1e-6);
}

/* Checks the anomaly of a planted spike: found, severe, above the
 * expected range, open. */
static void
assert_spike (JsonArray *list,
              guint      k)
{
  JsonObject *a = find_row (list, spikes[k].row);
  JsonObject *cause;
  const char *severity;
  double value = g_ascii_strtod (spikes[k].value, NULL);

  if (a == NULL)
    {
      check_failed ("the spike of %s planted in row %" G_GINT64_FORMAT " was not found",
                    spikes[k].value, spikes[k].row);
      return;
    }
  severity = json_object_get_string_member (a, "severity");
  if (!g_str_equal (severity, "high") && !g_str_equal (severity, "critical"))
    check_failed ("the spike in row %" G_GINT64_FORMAT " is only of %s severity", spikes[k].row, severity);
  g_assert_cmpfloat (member_number (member_object (a, "actual_value"), "ridership"), ==, value);
  g_assert_cmpfloat (member_number (member_object (member_object (a, "expected_range"), "ridership"), "high"),
                     <, value);
  cause = json_array_get_object_element (json_object_get_array_member (a, "root_cause_analysis"), 0);
  g_assert_cmpstr (json_object_get_string_member (cause, "direction"), ==, "above");
  g_assert_cmpstr (json_object_get_string_member (a, "status"), ==, "open");
  g_assert_false (json_object_get_boolean_member (a, "is_false_positive"));
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (a, "resolution_notes")));
}

/* Checks the --scores file: every row once, with its time, a score in
 * 0..1 and a severity; returns how many rows are not "none". */
static guint
assert_scores (Fixture *fx,
               const char *name,
               JsonArray  *anomalies)
{
  g_autofree char *path = fixture_path (fx, name);
  g_autoptr(GPtrArray) rows = read_csv_records (path);
  static const char *const header[] = { "dataset_row", "group", "time", "score", "severity", NULL };
  g_autofree guint8 *seen = g_new0 (guint8, N_ROWS);
  guint n_flagged = 0;

  g_assert_cmpstrv ((char **) g_ptr_array_index (rows, 0), header);
  g_assert_cmpuint (rows->len, ==, N_ROWS + 1);
  for (guint r = 1; r < rows->len && !g_test_failed (); r++)
    {
      char **f = g_ptr_array_index (rows, r);
      double row = -1, score = -1;

      g_assert_cmpuint (g_strv_length (f), ==, 5);
      g_assert_true (parse_finite (f[0], &row));
      g_assert_true (row >= 0 && row < N_ROWS && !seen[(guint) row]);
      seen[(guint) row] = 1;
      g_assert_cmpstr (f[1], ==, "");
      g_assert_cmpstr (f[2], ==, g_ptr_array_index (dates, (guint) row));
      g_assert_true (parse_finite (f[3], &score));
      g_assert_true (score >= 0 && score <= 1);
      if (g_str_equal (f[4], "none"))
        continue;
      g_assert_true (g_strv_contains (severities, f[4]));
      n_flagged++;
      /* Each flagged row is one of the anomalies, with the same score. */
      {
        JsonObject *a = find_row (anomalies, (gint64) row);
        if (a == NULL)
          check_failed ("row %g is %s in the scores but not an anomaly", row, f[4]);
        else
          {
            g_assert_cmpstr (json_object_get_string_member (a, "severity"), ==, f[4]);
            g_assert_cmpfloat_with_epsilon (member_number (a, "anomaly_score"), score, 1e-12);
          }
      }
    }
  return n_flagged;
}

/* Tests */

static void
test_round_trip (Fixture       *fx,
                 gconstpointer  data)
{
  g_autofree char *config = seasonal_config ("Daily CTA ridership", "");
  g_autoptr(JsonNode) first = detect (fx, config, "scores.csv");
  JsonObject *r = json_node_get_object (first);
  JsonArray *found = anomalies_of (first);
  guint n_found = json_array_get_length (found);
  g_autoptr(JsonNode) all = NULL;
  g_autofree char *text = NULL;
  gint64 detection_id, marked_id, resolved_id, previous_max_id = 0;

  /* The first run scores every row and finds the spikes. */
  detection_id = json_object_get_int_member (r, "detection_id");
  g_assert_cmpint (detection_id, >, 0);
  g_assert_cmpstr (json_object_get_string_member (r, "detection_name"), ==, "ridership_watch");
  g_assert_cmpstr (json_object_get_string_member (r, "dataset"), ==, "chicago");
  g_assert_cmpint (json_object_get_int_member (r, "first_row"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (r, "rows_scored"), ==, N_ROWS);
  g_assert_cmpint (json_object_get_int_member (r, "dataset_rows"), ==, N_ROWS);
  g_assert_true (json_object_get_boolean_member (r, "rescored_all"));
  g_assert_cmpint (json_object_get_int_member (r, "false_positives_fed_back"), ==, 0);
  g_assert_cmpfloat (member_number (member_object (r, "thresholds"), "critical"), ==, 0.95);
  g_assert_cmpuint (n_found, >=, G_N_ELEMENTS (spikes));
  /* The real data has its own unusual days (holidays above all: the
   * baseline is a working day), but they are a minority. */
  g_assert_cmpuint (n_found, <, N_ROWS / 4);
  g_test_message ("the first run found %u anomalies", n_found);
  for (guint i = 0; i < n_found; i++)
    {
      JsonObject *a = json_array_get_object_element (found, i);
      assert_anomaly_shape (a);
      g_assert_cmpint (json_object_get_int_member (a, "detection_id"), ==, detection_id);
      previous_max_id = MAX (previous_max_id, json_object_get_int_member (a, "id"));
    }
  for (guint k = 0; k < G_N_ELEMENTS (spikes); k++)
    assert_spike (found, k);
  /* Most severe first. */
  for (guint i = 1; i < n_found; i++)
    g_assert_cmpfloat (member_number (json_array_get_object_element (found, i - 1), "anomaly_score"), >=,
                       member_number (json_array_get_object_element (found, i), "anomaly_score"));
  g_assert_cmpuint (assert_scores (fx, "scores.csv", found), ==, n_found);

  g_assert_cmpint (project_int (fx, "SELECT count(*) FROM detections"), ==, 1);
  g_assert_cmpint (project_int (fx, "SELECT rows_scored_until FROM detections"), ==, N_ROWS);
  g_assert_cmpint (project_int (fx, "SELECT count(*) FROM detection_runs"), ==, 1);
  g_assert_cmpint (project_int (fx, "SELECT count(*) FROM anomalies WHERE status = 'open'"), ==, n_found);

  /* anomalies lists the same, and its filters select. */
  all = list_anomalies (fx, NULL);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (all)), ==, n_found);
  for (guint k = 0; k < G_N_ELEMENTS (spikes); k++)
    assert_spike (json_node_get_array (all), k);
  {
    g_autoptr(JsonNode) named = list_anomalies (fx, "--detection", "ridership_watch", NULL);
    g_assert_cmpuint (json_array_get_length (json_node_get_array (named)), ==, n_found);
  }
  for (guint s = 0; severities[s]; s++)
    {
      g_autoptr(JsonNode) some = list_anomalies (fx, "--severity", severities[s], NULL);
      JsonArray *list = json_node_get_array (some);
      guint expected = 0;

      for (guint i = 0; i < n_found; i++)
        expected += g_str_equal (json_object_get_string_member (json_array_get_object_element (found, i), "severity"),
                                 severities[s]);
      g_assert_cmpuint (json_array_get_length (list), ==, expected);
      for (guint i = 0; i < json_array_get_length (list); i++)
        g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (list, i), "severity"),
                         ==, severities[s]);
    }
  {
    /* Data time: --since and --until include the days they name. */
    const char *day = g_ptr_array_index (dates, spikes[MARKED].row);
    const char *later = g_ptr_array_index (dates, spikes[ALIKE].row);
    g_autoptr(JsonNode) one_day = list_anomalies (fx, "--since", day, "--until", day, NULL);
    g_autoptr(JsonNode) from = list_anomalies (fx, "--since", later, NULL);
    g_autoptr(JsonNode) to = list_anomalies (fx, "--until", day, NULL);
    JsonArray *list = json_node_get_array (one_day);
    guint n_from = 0, n_to = 0;

    g_assert_cmpuint (json_array_get_length (list), ==, 1);
    g_assert_nonnull (find_row (list, spikes[MARKED].row));
    for (guint i = 0; i < n_found; i++)
      {
        const char *t = anomaly_time (anomaly_at (found, i));
        n_from += strcmp (t, later) >= 0;
        n_to += strcmp (t, day) <= 0;
      }
    g_assert_cmpuint (json_array_get_length (json_node_get_array (from)), ==, n_from);
    g_assert_cmpuint (json_array_get_length (json_node_get_array (to)), ==, n_to);
    g_assert_nonnull (find_row (json_node_get_array (from), spikes[ALIKE].row));
    g_assert_null (find_row (json_node_get_array (from), spikes[MARKED].row));
    /* The most recent first. */
    list = json_node_get_array (from);
    for (guint i = 1; i < json_array_get_length (list); i++)
      g_assert_cmpint (strcmp (anomaly_time (anomaly_at (list, i - 1)), anomaly_time (anomaly_at (list, i))), >, 0);
  }

  /* The listing for people names the anomalies by id. */
  marked_id = json_object_get_int_member (find_row (found, spikes[MARKED].row), "id");
  resolved_id = json_object_get_int_member (find_row (found, spikes[0].row), "id");
  text = cli_ok (fx, "anomalies", PROJECT, "--status", "open", NULL);
  {
    g_autofree char *needle = g_strdup_printf ("%" G_GINT64_FORMAT "\t", marked_id);
    g_assert_nonnull (strstr (text, needle));
    g_assert_nonnull (strstr (text, "ridership above expected"));
  }
  g_clear_pointer (&text, g_free);

  /* Preview first: the mark would have suppressed the spike just like it,
   * and nothing changes. */
  {
    g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, marked_id);
    g_autofree char *out = cli_ok (fx, "resolve", PROJECT, id, "--false-positive", "--reason", "Festival",
                                   "--preview", "--json", NULL);
    g_autoptr(JsonNode) preview = parse_json (out);
    JsonObject *p = json_node_get_object (preview);

    g_assert_cmpint (json_object_get_int_member (p, "anomaly_id"), ==, marked_id);
    g_assert_cmpint (json_object_get_int_member (p, "would_suppress"), ==, 1);
    g_assert_cmpint (json_object_get_int_member (p, "past_anomalies"), ==, n_found - 1);
    g_assert_false (json_object_get_boolean_member (p, "applied"));
    g_assert_cmpint (project_int (fx, "SELECT count(*) FROM anomalies WHERE status = 'open'"), ==, n_found);
    g_free (out);
    out = cli_ok (fx, "resolve", PROJECT, id, "--false-positive", "--preview", NULL);
    g_assert_nonnull (strstr (out, "would have suppressed 1 of"));

    /* Then the mark. */
    g_free (out);
    out = cli_ok (fx, "resolve", PROJECT, id, "--notes", "Lollapalooza weekend, expected crowds",
                  "--false-positive", "--reason", "Planned event", "--json", NULL);
    {
      g_autoptr(JsonNode) done = parse_json (out);
      JsonObject *a = json_node_get_object (done);
      g_assert_cmpint (json_object_get_int_member (a, "id"), ==, marked_id);
      g_assert_cmpstr (json_object_get_string_member (a, "status"), ==, "false_positive");
      g_assert_true (json_object_get_boolean_member (a, "is_false_positive"));
      g_assert_cmpstr (json_object_get_string_member (a, "resolution_notes"), ==,
                       "Lollapalooza weekend, expected crowds");
      g_assert_cmpstr (json_object_get_string_member (a, "false_positive_reason"), ==, "Planned event");
      g_assert_true (g_str_has_suffix (json_object_get_string_member (a, "resolved_at"), "Z"));
    }
  }
  /* A genuine one, resolved. */
  {
    g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, resolved_id);
    g_autofree char *out = cli_ok (fx, "resolve", PROJECT, id, "--notes", "Fare system outage; fixed", NULL);
    g_assert_nonnull (strstr (out, "resolved"));
  }
  {
    g_autoptr(JsonNode) fp = list_anomalies (fx, "--status", "false_positive", NULL);
    g_autoptr(JsonNode) resolved = list_anomalies (fx, "--status", "resolved", NULL);
    g_autoptr(JsonNode) open = list_anomalies (fx, "--status", "open", NULL);
    g_assert_cmpuint (json_array_get_length (json_node_get_array (fp)), ==, 1);
    g_assert_nonnull (find_row (json_node_get_array (fp), spikes[MARKED].row));
    g_assert_cmpuint (json_array_get_length (json_node_get_array (resolved)), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (json_node_get_array (resolved), 0),
                                                    "resolution_notes"), ==, "Fare system outage; fixed");
    g_assert_cmpuint (json_array_get_length (json_node_get_array (open)), ==, n_found - 2);
  }

  /* Running again without changes scores no rows: the dataset has none
   * the detection has not seen.  Nor does a new description. */
  {
    g_autoptr(JsonNode) again = detect (fx, config, NULL);
    g_autofree char *described = seasonal_config ("Daily CTA ridership, all lines", "");
    g_autoptr(JsonNode) redescribed = NULL;
    JsonObject *o = json_node_get_object (again);

    g_assert_cmpint (json_object_get_int_member (o, "rows_scored"), ==, 0);
    g_assert_cmpint (json_object_get_int_member (o, "first_row"), ==, N_ROWS);
    g_assert_false (json_object_get_boolean_member (o, "rescored_all"));
    g_assert_cmpuint (json_array_get_length (anomalies_of (again)), ==, 0);
    g_assert_cmpint (json_object_get_int_member (o, "detection_id"), ==, detection_id);
    redescribed = detect (fx, described, NULL);
    g_assert_cmpint (json_object_get_int_member (json_node_get_object (redescribed), "rows_scored"), ==, 0);
    g_free (text);
    text = cli_ok (fx, "detect", PROJECT, "--config", "config.json", NULL);
    g_assert_nonnull (strstr (text, "no new rows"));
  }
  g_assert_cmpint (project_int (fx, "SELECT count(*) FROM detection_runs"), ==, 4);
  g_assert_cmpint (project_int (fx, "SELECT count(*) FROM anomalies"), ==, n_found);

  /* So does a dataset imported again under the same name, as far as the
   * detection can tell: every row is scored again. */
  {
    g_autofree char *path = fixture_path (fx, PROJECT);
    sqlite3 *db = NULL;

    g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_exec (db, "UPDATE datasets SET imported_at = '2030-01-01T00:00:00Z'", NULL, NULL, NULL),
                     ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);
  }
  {
    g_autoptr(JsonNode) reimported = detect (fx, config, NULL);
    JsonObject *o = json_node_get_object (reimported);

    g_assert_true (json_object_get_boolean_member (o, "rescored_all"));
    g_assert_cmpint (json_object_get_int_member (o, "rows_scored"), ==, N_ROWS);
    /* The false positive is fed back here too. */
    g_assert_null (find_row (anomalies_of (reimported), spikes[MARKED].row));
    g_assert_nonnull (find_row (anomalies_of (reimported), spikes[3].row));
    for (guint i = 0; i < json_array_get_length (anomalies_of (reimported)); i++)
      previous_max_id = MAX (previous_max_id,
                             json_object_get_int_member (anomaly_at (anomalies_of (reimported), i), "id"));
  }

  /* A changed configuration rescores every row, with the false positive
   * fed back: neither it nor the spike just like it is reported again,
   * while the others are. */
  {
    g_autofree char *changed = seasonal_config ("Daily CTA ridership", "\"threshold\": 4");
    g_autoptr(JsonNode) rescored = detect (fx, changed, NULL);
    JsonObject *o = json_node_get_object (rescored);
    JsonArray *list = anomalies_of (rescored);

    g_assert_true (json_object_get_boolean_member (o, "rescored_all"));
    g_assert_cmpint (json_object_get_int_member (o, "first_row"), ==, 0);
    g_assert_cmpint (json_object_get_int_member (o, "rows_scored"), ==, N_ROWS);
    g_assert_cmpint (json_object_get_int_member (o, "false_positives_fed_back"), ==, 1);
    g_assert_cmpint (json_object_get_int_member (o, "suppressed"), >=, 2);
    g_assert_null (find_row (list, spikes[MARKED].row));
    g_assert_null (find_row (list, spikes[ALIKE].row));
    assert_spike (list, 3);
    for (guint i = 0; i < json_array_get_length (list); i++)
      {
        JsonObject *a = json_array_get_object_element (list, i);
        assert_anomaly_shape (a);
        g_assert_cmpint (json_object_get_int_member (a, "id"), >, previous_max_id);
      }

    /* The open anomalies of the earlier run are replaced by the new
     * run's; the analyst's verdicts stay. */
    g_assert_cmpint (project_int (fx, "SELECT count(*) FROM anomalies WHERE status = 'open'"), ==,
                     json_array_get_length (list));
    g_assert_cmpint (project_int (fx, "SELECT count(*) FROM anomalies WHERE status = 'false_positive'"), ==, 1);
    g_assert_cmpint (project_int (fx, "SELECT count(*) FROM anomalies WHERE status = 'resolved'"), ==, 1);
    g_assert_cmpint (project_int (fx, "SELECT count(*) FROM detections"), ==, 1);
    g_assert_cmpint (project_int (fx, "SELECT count(*) FROM detection_runs"), ==, 6);
  }
}

/* The robust z-score detector, with no time column. */
static void
test_robust_zscore (Fixture       *fx,
                    gconstpointer  data)
{
  g_autoptr(JsonNode) root = NULL;
  JsonArray *list;

  write_file (fx, "config.json",
              "{\"detection_name\": \"temperature\", \"anomaly_type\": \"quality_anomaly\","
              " \"algorithm\": \"robust_zscore\", \"detection_config\": {\"threshold\": 3.5},"
              " \"monitored_metrics\": [\"ridership\", \"temp\"],"
              " \"dataset\": \"chicago\"}", -1);
  {
    g_autofree char *out = cli_ok (fx, "detect", PROJECT, "--config", "config.json", "--json", NULL);
    root = parse_json (out);
  }
  list = anomalies_of (root);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (root), "rows_scored"), ==, N_ROWS);
  for (guint k = 0; k < G_N_ELEMENTS (spikes); k++)
    {
      JsonObject *a = find_row (list, spikes[k].row);
      JsonObject *top;

      if (a == NULL)
        {
          check_failed ("robust_zscore did not find the spike in row %" G_GINT64_FORMAT, spikes[k].row);
          continue;
        }
      /* No time column: no time, and ridership is the cause. */
      g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (member_object (a, "affected_data"), "time")));
      top = json_array_get_object_element (json_object_get_array_member (a, "root_cause_analysis"), 0);
      g_assert_cmpstr (json_object_get_string_member (top, "metric"), ==, "ridership");
      g_assert_cmpstr (json_object_get_string_member (top, "direction"), ==, "above");
      g_assert_nonnull (member_object (member_object (a, "expected_range"), "temp"));
    }
  /* Listing by detection name keeps the detections apart. */
  {
    g_autofree char *config = seasonal_config ("Daily", "");
    g_autoptr(JsonNode) seasonal = detect (fx, config, NULL);
    g_autoptr(JsonNode) mine = list_anomalies (fx, "--detection", "temperature", NULL);
    g_autoptr(JsonNode) theirs = list_anomalies (fx, "--detection", "ridership_watch", NULL);

    g_assert_cmpuint (json_array_get_length (json_node_get_array (mine)), ==, json_array_get_length (list));
    g_assert_cmpuint (json_array_get_length (json_node_get_array (theirs)), ==,
                      json_array_get_length (anomalies_of (seasonal)));
    cli_fails (fx, "“ridership_watch”, “temperature”", "anomalies", PROJECT, "--detection", "nothing", NULL);
  }
}

/* One series per group: each anomaly names its group, as the scores do. */
static void
test_group_by (Fixture       *fx,
               gconstpointer  data)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autofree char *path = fixture_path (fx, "groups.csv");
  g_autofree char *original = dataset_path ("chicago_ridership.csv");
  g_autoptr(GPtrArray) source = read_csv_records (original);
  JsonArray *list;
  GHashTable *groups = g_hash_table_new (g_str_hash, g_str_equal);

  write_file (fx, "config.json",
              "{\"detection_name\": \"by_game\", \"anomaly_type\": \"operational_anomaly\","
              " \"algorithm\": \"robust_zscore\", \"monitored_metrics\": [\"ridership\"],"
              " \"dataset\": \"chicago\", \"time_column\": \"date\", \"group_by\": \"Bulls_Home\"}", -1);
  {
    g_autofree char *out = cli_ok (fx, "detect", PROJECT, "--config", "config.json", "--scores", "groups.csv",
                                   "--json", NULL);
    root = parse_json (out);
  }
  list = anomalies_of (root);
  rows = read_csv_records (path);
  g_assert_cmpuint (rows->len, ==, N_ROWS + 1);
  for (guint r = 1; r < rows->len; r++)
    {
      char **f = g_ptr_array_index (rows, r);
      char **src = g_ptr_array_index (source, (guint) g_ascii_strtoll (f[0], NULL, 10) + 1);

      /* Bulls_Home is the fifth column of the data. */
      g_assert_cmpstr (f[1], ==, src[4]);
      g_hash_table_add (groups, f[1]);
    }
  g_assert_cmpuint (g_hash_table_size (groups), ==, 2);
  for (guint k = 0; k < G_N_ELEMENTS (spikes); k++)
    g_assert_nonnull (find_row (list, spikes[k].row));
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *affected = member_object (json_array_get_object_element (list, i), "affected_data");
      gint64 row = json_object_get_int_member (affected, "row");
      char **f = g_ptr_array_index (rows, (guint) row + 1);

      g_assert_cmpint (g_ascii_strtoll (f[0], NULL, 10), ==, row);
      g_assert_cmpstr (json_object_get_string_member (affected, "group"), ==, f[1]);
    }
  g_hash_table_unref (groups);
}

static void
test_config_errors (Fixture       *fx,
                    gconstpointer  data)
{
  /* Each case is the members after detection_name and anomaly_type. */
#define REVENUE "{\"detection_name\": \"x\", \"anomaly_type\": \"revenue_anomaly\", "
#define RIDERSHIP "\"monitored_metrics\": [\"ridership\"], "
  static const struct {
    const char *config;
    const char *fragment;
  } cases[] = {
    { REVENUE "\"algorithm\": \"seasonal\", " RIDERSHIP "\"dataset\": \"chicago\", \"time_column\": \"date\","
      " \"threshold_config\": {\"severity_thresholds\":"
      " {\"low\": 0.5, \"medium\": 0.9, \"high\": 0.8, \"critical\": 0.95}}}",
      "threshold_config.severity_thresholds" },
    { REVENUE "\"algorithm\": \"robust_zscore\", \"monitored_metrics\": [\"riders\"], \"dataset\": \"chicago\"}",
      "monitored_metrics: dataset “chicago” has no column “riders”" },
    { REVENUE "\"algorithm\": \"robust_zscore\", \"monitored_metrics\": [], \"dataset\": \"chicago\"}",
      "monitored_metrics" },
    { REVENUE "\"algorithm\": \"seasonal\", " RIDERSHIP "\"dataset\": \"chicago\", \"time_column\": \"day\"}",
      "time_column: dataset “chicago” has no column “day”" },
    { REVENUE "\"algorithm\": \"robust_zscore\", " RIDERSHIP "\"dataset\": \"chicago\", \"group_by\": \"line\"}",
      "group_by" },
    { REVENUE "\"algorithm\": \"prophecy\", " RIDERSHIP "\"dataset\": \"chicago\"}",
      "algorithm" },
    { REVENUE "\"algorithm\": \"robust_zscore\", " RIDERSHIP "\"dataset\": \"chicago\","
      " \"detection_config\": {\"threshold\": -1}}",
      "detection_config.threshold" },
    { REVENUE "\"algorithm\": \"robust_zscore\", " RIDERSHIP "\"dataset\": \"ridership\"}",
      "dataset: the project has no dataset called “ridership”; it has “chicago”" },
    { REVENUE "\"algorithm\": \"robust_zscore\", " RIDERSHIP "\"time_column\": \"date\"}",
      "dataset" },
    { "{\"detection_name\": \"x\", \"anomaly_type\": \"weather_anomaly\", \"algorithm\": \"robust_zscore\","
      " " RIDERSHIP "\"dataset\": \"chicago\"}",
      "anomaly_type" },
    { REVENUE "\"algorithm\": \"seasonal\", " RIDERSHIP "\"dataset\": \"chicago\"}",
      "time_column" },
  };
#undef REVENUE
#undef RIDERSHIP


  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *fragment = g_strconcat ("config.json: ", cases[i].fragment, NULL);
      write_file (fx, "config.json", cases[i].config, -1);
      cli_fails (fx, fragment, "detect", PROJECT, "--config", "config.json", NULL);
    }
  write_file (fx, "config.json", "{\"detection_name\": ", -1);
  cli_fails (fx, "config.json", "detect", PROJECT, "--config", "config.json", NULL);
  cli_fails (fx, "--config", "detect", PROJECT, NULL);
  cli_fails (fx, "missing.json", "detect", PROJECT, "--config", "missing.json", NULL);
  g_assert_cmpint (project_int (fx, "SELECT count(*) FROM detections"), ==, 0);
  g_assert_cmpint (project_int (fx, "SELECT count(*) FROM detection_runs"), ==, 0);
}

static void
test_usage_errors (Fixture       *fx,
                   gconstpointer  data)
{
  g_autofree char *config = seasonal_config ("Daily", "");
  g_autoptr(JsonNode) first = detect (fx, config, NULL);
  JsonObject *a = json_array_get_object_element (anomalies_of (first), 0);
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (a, "id"));
  g_autofree char *missing = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (a, "id") + 100000);

  cli_fails (fx, "severity", "anomalies", PROJECT, "--severity", "urgent", NULL);
  cli_fails (fx, "none", "anomalies", PROJECT, "--severity", "none", NULL);
  cli_fails (fx, "status", "anomalies", PROJECT, "--status", "closed", NULL);
  cli_fails (fx, "--since", "anomalies", PROJECT, "--since", "last week", NULL);
  cli_fails (fx, "--until", "anomalies", PROJECT, "--until", "2014-13-01", NULL);
  cli_fails (fx, "not an anomaly id", "resolve", PROJECT, "twelve", "--notes", "x", NULL);
  cli_fails (fx, "not an anomaly id", "resolve", PROJECT, "0", "--notes", "x", NULL);
  cli_fails (fx, "no anomaly with id", "resolve", PROJECT, missing, "--notes", "x", NULL);
  cli_fails (fx, "no anomaly with id", "resolve", PROJECT, missing, "--false-positive", "--preview", NULL);
  cli_fails (fx, "--notes", "resolve", PROJECT, id, NULL);
  cli_fails (fx, "--false-positive", "resolve", PROJECT, id, "--notes", "x", "--reason", "why", NULL);
  cli_fails (fx, "--false-positive", "resolve", PROJECT, id, "--notes", "x", "--preview", NULL);
  cli_fails (fx, "resolve takes two arguments", "resolve", PROJECT, NULL);
  cli_fails (fx, "anomalies takes one argument", "anomalies", NULL);
  g_assert_cmpint (project_int (fx, "SELECT count(*) FROM anomalies WHERE status <> 'open'"), ==, 0);
}

/* The scores file and the project appear together or not at all. */
static void
test_scores_file (Fixture       *fx,
                  gconstpointer  data)
{
  g_autofree char *config = seasonal_config ("Daily", "");
  g_autofree char *keep = fixture_path (fx, "kept.csv");

  write_file (fx, "config.json", config, -1);
  /* A folder that does not exist: nothing is stored. */
  cli_fails (fx, "Cannot write scores to “scores.csv”: there is no folder", "detect", PROJECT,
             "--config", "config.json", "--scores", "no/such/dir/scores.csv", NULL);
  g_assert_cmpint (project_int (fx, "SELECT count(*) FROM detections"), ==, 0);
  /* Never over the project itself. */
  cli_fails (fx, "project", "detect", PROJECT, "--config", "config.json", "--scores", PROJECT, NULL);
  g_assert_cmpint (project_int (fx, "SELECT count(*) FROM detections"), ==, 0);
  /* A failing run leaves an earlier file as it was, and no temporary
   * file behind. */
  write_file (fx, "kept.csv", "precious\n", -1);
  write_file (fx, "bad.json", "{\"detection_name\": \"x\", \"anomaly_type\": \"revenue_anomaly\","
                              " \"algorithm\": \"robust_zscore\","
                              " \"monitored_metrics\": [\"riders\"], \"dataset\": \"chicago\"}", -1);
  cli_fails (fx, "riders", "detect", PROJECT, "--config", "bad.json", "--scores", "kept.csv", NULL);
  {
    g_autofree char *text = NULL;
    g_autoptr(GDir) dir = g_dir_open (fx->dir, 0, NULL);
    const char *name;

    g_file_get_contents (keep, &text, NULL, NULL);
    g_assert_cmpstr (text, ==, "precious\n");
    while ((name = g_dir_read_name (dir)) != NULL)
      g_assert_false (strstr (name, ".part-") != NULL);
  }
  /* A run with no new rows writes the header only. */
  {
    g_autoptr(JsonNode) first = detect (fx, config, "kept.csv");
    g_autoptr(JsonNode) again = detect (fx, config, "kept.csv");
    g_autofree char *text = NULL;

    g_file_get_contents (keep, &text, NULL, NULL);
    g_assert_cmpstr (text, ==, "dataset_row,group,time,score,severity\n");
  }
}

/* Ctrl+C stops a run and leaves the project as it was. */
static void
test_interrupted (Fixture       *fx,
                  gconstpointer  data)
{
  static const char *const args[] = { "detect", PROJECT, "--config", "slow.json", "--scores", "slow.csv", NULL };
  g_autofree char *diamonds = dataset_path ("diamonds.csv");
  g_autofree char *wal = fixture_path (fx, PROJECT "-wal");
  g_autofree char *scores = fixture_path (fx, "slow.csv");
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(CliRun) run = g_new0 (CliRun, 1);
  gint64 deadline, started;

  /* Thousands of trees over 54,000 rows: seconds of work, which is ages
   * to wait for a signal sent as soon as the run has begun. */
  g_free (cli_ok (fx, "import", PROJECT, diamonds, "--name", "diamonds", NULL));
  write_file (fx, "slow.json",
              "{\"detection_name\": \"slow\", \"anomaly_type\": \"quality_anomaly\","
              " \"algorithm\": \"isolation_forest\", \"detection_config\": {\"n_estimators\": 2000},"
              " \"monitored_metrics\": [\"carat\", \"depth\", \"table\", \"price\", \"x\", \"y\", \"z\"],"
              " \"dataset\": \"diamonds\"}", -1);
  /* Checkpoint the import so that the write-ahead log appears only when
   * the run opens the project, after the command has set up its signal
   * handling. */
  g_assert_cmpint (project_int (fx, "SELECT count(*) FROM datasets"), ==, 2);
  {
    g_autofree char *path = fixture_path (fx, PROJECT);
    sqlite3 *db = NULL;
    g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_exec (db, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);
  }
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
  proc = cli_spawn (fx, args, run);
  started = g_get_monotonic_time ();
  deadline = started + 30 * G_USEC_PER_SEC;
  while (!g_file_test (wal, G_FILE_TEST_EXISTS) && g_get_monotonic_time () < deadline)
    g_usleep (1000);
  g_assert_true (g_file_test (wal, G_FILE_TEST_EXISTS));
  g_usleep (300000);
  g_subprocess_send_signal (proc, SIGINT);
  cli_wait (proc, run);
  g_test_message ("the interrupted run ended after %.1f s",
                  (double) (g_get_monotonic_time () - started) / G_USEC_PER_SEC);

  assert_failed (run, "nterrupted");
  g_assert_cmpint (project_int (fx, "SELECT count(*) FROM detections"), ==, 0);
  g_assert_cmpint (project_int (fx, "SELECT count(*) FROM detection_runs"), ==, 0);
  g_assert_cmpint (project_int (fx, "SELECT count(*) FROM anomalies"), ==, 0);
  g_assert_false (g_file_test (scores, G_FILE_TEST_EXISTS));
  {
    g_autoptr(GDir) dir = g_dir_open (fx->dir, 0, NULL);
    const char *name;

    while ((name = g_dir_read_name (dir)) != NULL)
      g_assert_false (strstr (name, ".part-") != NULL);
  }
}

/* detect reports a summary and the highest-scoring anomalies (100 by
 * default, --top N), and says how the thresholds were chosen; anomalies
 * lists every one. */
static void
test_top_and_thresholds (Fixture       *fx,
                         gconstpointer  data)
{
  g_autofree char *config = seasonal_config ("Daily CTA ridership", "\"threshold\": 2");
  g_autofree char *out = NULL, *text = NULL;
  g_autoptr(JsonNode) root = NULL, all = NULL;
  JsonObject *r, *by;
  JsonArray *shown, *every;
  gint64 found, sum = 0;
  const char *forest =
    "{\"detection_name\": \"forest_watch\", \"anomaly_type\": \"operational_anomaly\","
    " \"algorithm\": \"isolation_forest\", \"detection_config\": {\"contamination\": 0.05},"
    " \"monitored_metrics\": [\"ridership\"], \"detection_frequency\": \"daily\","
    " \"dataset\": \"chicago\", \"time_column\": \"date\"}";

  write_file (fx, "config.json", config, -1);
  out = cli_ok (fx, "detect", PROJECT, "--config", "config.json", "--json", NULL);
  root = parse_json (out);
  r = json_node_get_object (root);
  shown = json_object_get_array_member (r, "anomalies");
  found = json_object_get_int_member (r, "anomalies_found");
  g_test_message ("%" G_GINT64_FORMAT " anomalies found", found);
  /* A threshold of 2 makes plenty: more than the 100 shown. */
  g_assert_cmpint (found, >, 100);
  g_assert_cmpint (json_object_get_int_member (r, "anomalies_shown"), ==, 100);
  g_assert_cmpuint (json_array_get_length (shown), ==, 100);
  g_assert_cmpstr (json_object_get_string_member (r, "thresholds_chosen_by"), ==, "configuration");
  g_assert_false (json_object_has_member (r, "budget_alerts"));
  by = member_object (r, "anomalies_by_severity");
  for (guint s = 0; severities[s]; s++)
    sum += json_object_get_int_member (by, severities[s]);
  g_assert_cmpint (sum, ==, found);

  /* The 100 shown are the 100 highest scores of all that anomalies lists. */
  all = list_anomalies (fx, NULL);
  every = json_node_get_array (all);
  g_assert_cmpint (json_array_get_length (every), ==, found);
  {
    g_autofree double *scores = g_new (double, found);
    guint n_above = 0;
    double lowest_shown = member_number (anomaly_at (shown, 99), "anomaly_score");

    for (guint i = 0; i < found; i++)
      n_above += member_number (anomaly_at (every, i), "anomaly_score") > lowest_shown;
    g_assert_cmpuint (n_above, <, 100);
    for (guint i = 1; i < 100; i++)
      g_assert_cmpfloat (member_number (anomaly_at (shown, i - 1), "anomaly_score"), >=,
                         member_number (anomaly_at (shown, i), "anomaly_score"));
  }

  /* In text: the configured thresholds, and nothing new to score. */
  text = cli_ok (fx, "detect", PROJECT, "--config", "config.json", NULL);
  g_assert_nonnull (strstr (text, "no new rows"));
  g_clear_pointer (&text, g_free);
  {
    g_autofree char *again = seasonal_config ("Daily CTA ridership", "\"threshold\": 2.5");

    write_file (fx, "config.json", again, -1);
    text = cli_ok (fx, "detect", PROJECT, "--config", "config.json", "--top", "1", NULL);
    g_assert_nonnull (strstr (text, "Thresholds as configured: low 0.500, medium 0.700, high 0.850, critical 0.950\n"));
    g_clear_pointer (&text, g_free);
  }

  /* Another detection, the isolation forest, in text with --top 3. */
  write_file (fx, "config.json", forest, -1);
  text = cli_ok (fx, "detect", PROJECT, "--config", "config.json", "--top", "3", NULL);
  g_test_message ("%s", text);
  {
    g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
    guint n_lines = 0, n_rows = 0;

    for (guint i = 0; lines[i]; i++)
      {
        n_lines += lines[i][0] != '\0';
        n_rows += g_ascii_isdigit (lines[i][0]);
      }
    /* Summary, thresholds, counts, three anomalies, how many more. */
    g_assert_cmpuint (n_rows, ==, 3);
    g_assert_cmpuint (n_lines, ==, 7);
    g_assert_nonnull (strstr (text, "Thresholds set by the contamination"));
    g_assert_nonnull (strstr (text, "anomalies " PROJECT " --detection forest_watch lists them all"));
  }

  /* Its scores hardly reach the guide's 0.7 (only the planted spikes
   * do): the thresholds that its contamination sets are still four
   * distinct levels, each with anomalies.  (A changed contamination
   * rescores every row.) */
  {
    g_autofree char *changed = g_strdup (forest);
    char *at = strstr (changed, "0.05");

    at[3] = '6';
    write_file (fx, "config.json", changed, -1);
  }
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&root, json_node_unref);
  out = cli_ok (fx, "detect", PROJECT, "--config", "config.json", "--json", NULL);
  root = parse_json (out);
  r = json_node_get_object (root);
  g_assert_true (json_object_get_boolean_member (r, "rescored_all"));
  g_assert_cmpstr (json_object_get_string_member (r, "thresholds_chosen_by"), ==, "contamination");
  g_assert_cmpint (json_object_get_int_member (r, "replayed_rows"), ==, N_ROWS);
  g_assert_cmpint (json_object_get_int_member (r, "budget_alerts"), ==, (gint64) floor (0.06 * N_ROWS + 0.5));
  by = member_object (r, "anomalies_by_severity");
  for (guint s = 0; severities[s]; s++)
    {
      double t = member_number (member_object (r, "thresholds"), severities[s]);

      g_test_message ("%s: %.4f, %" G_GINT64_FORMAT " anomalies", severities[s], t,
                      json_object_get_int_member (by, severities[s]));
      g_assert_cmpint (json_object_get_int_member (by, severities[s]), >, 0);
      if (s > 0)
        g_assert_cmpfloat (t, >, member_number (member_object (r, "thresholds"), severities[s - 1]) + 0.001);
    }
}

/* Cancelling a run while it scores (through the core API, as the window
 * does): it stops within a chunk of rows, with G_IO_ERROR_CANCELLED, and
 * the project keeps the earlier run and its anomalies untouched. */
typedef struct {
  GCancellable *cancellable;
  gint64        cancelled_at;
} ScoringCancel;

static void
cancel_when_scoring (double      fraction,
                     const char *detail,
                     gpointer    user_data)
{
  ScoringCancel *c = user_data;

  if (detail && g_str_has_prefix (detail, "Scoring") && c->cancelled_at == 0)
    {
      c->cancelled_at = g_get_monotonic_time ();
      g_cancellable_cancel (c->cancellable);
    }
}

static void
test_cancel_scoring (Fixture       *fx,
                     gconstpointer  data)
{
  g_autofree char *project = fixture_path (fx, PROJECT);
  g_autofree char *seasonal = seasonal_config ("baseline", "");
  static const char *const facts[] = {
    "SELECT count(*) FROM anomalies", "SELECT total(id) FROM anomalies",
    "SELECT total(run_id) FROM anomalies", "SELECT count(*) FROM detection_runs",
    "SELECT count(*) FROM detections",
  };
  gint64 before[G_N_ELEMENTS (facts)];
  g_autofree char *scores_path = fixture_path (fx, "cancelled.csv");
  g_autoptr(GFile) scores = g_file_new_for_path (scores_path);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  ScoringCancel cancel = { cancellable, 0 };
  AxTrainMonitor monitor = { .progress = cancel_when_scoring, .progress_data = &cancel };
  AxDetectResult result = { 0 };
  gint64 returned;
  /* The same detection with another algorithm: every row is rescored. */
  const char *forest =
    "{\"detection_name\": \"ridership_watch\", \"anomaly_type\": \"operational_anomaly\","
    " \"algorithm\": \"isolation_forest\", \"detection_config\": {\"n_estimators\": 300},"
    " \"monitored_metrics\": [\"ridership\"], \"detection_frequency\": \"daily\","
    " \"dataset\": \"chicago\", \"time_column\": \"date\"}";

  g_assert_true (ax_detect_run (project, seasonal, NULL, NULL, NULL, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (result.anomalies->len, >, 0);
  ax_detect_result_clear (&result);
  for (guint i = 0; i < G_N_ELEMENTS (facts); i++)
    before[i] = project_int (fx, facts[i]);

  g_assert_false (ax_detect_run (project, forest, scores, &monitor, cancellable, &result, &error));
  returned = g_get_monotonic_time ();
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (cancel.cancelled_at, >, 0);
  g_test_message ("the run returned %.1f ms after the cancel",
                  (returned - cancel.cancelled_at) / 1000.0);
  g_assert_cmpint (returned - cancel.cancelled_at, <, G_USEC_PER_SEC);
  g_assert_null (result.anomalies);

  for (guint i = 0; i < G_N_ELEMENTS (facts); i++)
    g_assert_cmpint (project_int (fx, facts[i]), ==, before[i]);
  g_assert_cmpint (before[3], ==, 1);
  g_assert_false (g_file_test (scores_path, G_FILE_TEST_EXISTS));
}

static void
test_empty (Fixture       *fx,
            gconstpointer  data)
{
  g_autofree char *text = cli_ok (fx, "anomalies", PROJECT, NULL);
  g_autofree char *json = cli_ok (fx, "anomalies", PROJECT, "--json", NULL);

  g_autoptr(JsonNode) root = parse_json (json);

  g_assert_nonnull (strstr (text, "no anomalies yet"));
  g_assert_true (JSON_NODE_HOLDS_ARRAY (root));
  g_assert_cmpuint (json_array_get_length (json_node_get_array (root)), ==, 0);
  cli_fails (fx, "no anomaly detection called “x”; it has none yet",
             "anomalies", PROJECT, "--detection", "x", NULL);
}

static void
test_help (Fixture       *fx,
           gconstpointer  data)
{
  static const char *const commands[] = { "detect", "anomalies", "resolve" };
  g_autofree char *help = cli_ok (fx, "--help", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    g_assert_nonnull (strstr (help, commands[i]));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autofree char *text = cli_ok (fx, commands[i], "--help", NULL);
      g_assert_nonnull (strstr (text, "PROJECT"));
    }
}

int
main (int   argc,
      char *argv[])
{
  int status;

  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  /* A wrong answer fails its test and the run goes on. */
  g_test_set_nonfatal_assertions ();
  dates = g_ptr_array_new_with_free_func (g_free);

  TEST ("/cli/anomalies/round-trip", test_round_trip);
  TEST ("/cli/anomalies/robust-zscore", test_robust_zscore);
  TEST ("/cli/anomalies/group-by", test_group_by);
  TEST ("/cli/anomalies/config-errors", test_config_errors);
  TEST ("/cli/anomalies/usage-errors", test_usage_errors);
  TEST ("/cli/anomalies/scores-file", test_scores_file);
  TEST ("/cli/anomalies/interrupted", test_interrupted);
  TEST ("/cli/anomalies/cancel-scoring", test_cancel_scoring);
  TEST ("/cli/anomalies/top-and-thresholds", test_top_and_thresholds);
  TEST ("/cli/anomalies/empty", test_empty);
  TEST ("/cli/anomalies/help", test_help);

  status = g_test_run ();
  g_ptr_array_unref (dates);
  return status;
}
