/* ax-test-util.h — what the test programs share
 *
 * Header-only, so that each program stays one file in tests/meson.build:
 * every helper is static inline and a program compiles only those it
 * calls.  Sections:
 *
 *   - a temporary directory per test (Fixture) and files in it;
 *   - soft failures that let a test go on after a wrong answer;
 *   - running the built auspex-cli ($AX_CLI) as a real process;
 *   - raw SQLite, for looking into project files without the store, and
 *     killing a child that writes one;
 *   - random numbers and generated data for the learning algorithms.
 *
 * A program defines fixture_set_up() (usually one fixture_init() call) and
 * registers tests with TEST(); fixture_tear_down() removes everything.
 */
#pragma once

#include <glib.h>
#include <glib/gstdio.h>
#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>

#include "ax-learn.h"

/* Temporary directories */

typedef struct {
  char *dir;       /* made for the test, removed with all it holds */
  char *project;   /* dir/test.auspex, not created */
} Fixture;

/* Makes @fx's directory from @tmpl, such as "ax-test-store-XXXXXX". */
static inline void
fixture_init (Fixture    *fx,
              const char *tmpl)
{
  g_autoptr(GError) error = NULL;

  fx->dir = g_dir_make_tmp (tmpl, &error);
  g_assert_no_error (error);
  fx->project = g_build_filename (fx->dir, "test.auspex", NULL);
}

/* Removes @path and, when it is a directory (not a link to one),
 * everything in it. */
static inline void
remove_tree (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      g_assert_nonnull (dir);
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          remove_tree (child);
        }
      g_assert_cmpint (g_rmdir (path), ==, 0);
    }
  else
    g_assert_cmpint (g_unlink (path), ==, 0);
}

static inline void
fixture_tear_down (Fixture       *fx,
                   gconstpointer  data)
{
  remove_tree (fx->dir);
  g_free (fx->project);
  g_free (fx->dir);
}

#define TEST(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

/* g_test_init() with --keep-going added: every test runs even after one
 * fails, so that a known bug does not hide what the later tests would
 * say. */
static inline void
test_init_keep_going (int    *argc,
                      char ***argv)
{
  /* Static, so that the array g_test_init() goes on pointing into stays
   * reachable until the program ends. */
  static char **args;

  args = g_new0 (char *, *argc + 2);
  memcpy (args, *argv, sizeof (char *) * *argc);
  args[(*argc)++] = (char *) "--keep-going";
  *argv = args;
  g_test_init (argc, argv, NULL);
}

/* @name in the fixture's directory. */
static inline char *
fixture_path (Fixture    *fx,
              const char *name)
{
  return g_build_filename (fx->dir, name, NULL);
}

/* Writes @len bytes of @text (-1: up to its NUL) to @name in the
 * fixture's directory. */
static inline void
write_file (Fixture    *fx,
            const char *name,
            const char *text,
            gssize      len)
{
  g_autofree char *path = fixture_path (fx, name);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, text, len, &error);
  g_assert_no_error (error);
}

/* As write_file(), and returns the file written. */
static inline GFile *
write_gfile (Fixture    *fx,
             const char *name,
             const char *text,
             gssize      len)
{
  g_autofree char *path = fixture_path (fx, name);

  write_file (fx, name, text, len);
  return g_file_new_for_path (path);
}

/* The value of environment variable @name, which meson test sets. */
static inline const char *
required_env (const char *name)
{
  const char *value = g_getenv (name);

  if (value == NULL || value[0] == '\0')
    g_error ("%s is not set; run this test through meson test", name);
  return value;
}

/* Shipped dataset @file ($AX_DATASETS/@file). */
static inline char *
dataset_path (const char *file)
{
  return g_build_filename (required_env ("AX_DATASETS"), file, NULL);
}

/* Soft failures */

/* Fails the running test and lets it go on (main() makes failures
 * non-fatal), logging each message so that one wrong answer does not hide
 * the next. */
static inline void G_GNUC_PRINTF (1, 2)
check_failed (const char *format,
              ...)
{
  g_autofree char *message = NULL;
  va_list ap;

  va_start (ap, format);
  message = g_strdup_vprintf (format, ap);
  va_end (ap);
  g_test_message ("FAIL: %s", message);
  /* TAP takes one line after "not ok"; the whole message is above it. */
  g_test_fail_printf ("%.*s", (int) strcspn (message, "\n"), message);
}

/* Running auspex-cli */

typedef struct {
  char *command;   /* for messages */
  int   status;
  char *out;
  char *err;
} CliRun;

static inline void
cli_run_free (CliRun *run)
{
  g_free (run->command);
  g_free (run->out);
  g_free (run->err);
  g_free (run);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CliRun, cli_run_free)

static inline char *
bytes_to_string (GBytes *bytes)
{
  gsize len = 0;
  const char *data = bytes ? g_bytes_get_data (bytes, &len) : NULL;

  return g_strndup (data ? data : "", len);
}

/* Starts auspex-cli with the NULL-terminated arguments in @args, in the
 * fixture's directory, with no input; @run gets the command line. */
static inline GSubprocess *
cli_spawn (Fixture            *fx,
           const char * const *args,
           CliRun             *run)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  GSubprocess *proc;

  g_ptr_array_add (argv, (gpointer) required_env ("AX_CLI"));
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  run->command = g_strjoinv (" ", (char **) argv->pdata + 1);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_set_stdin_file_path (launcher, "/dev/null");
  g_subprocess_launcher_set_cwd (launcher, fx->dir);
  /* The messages are checked in English, whatever the tester's language. */
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "LANGUAGE");
  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  return proc;
}

/* Waits for @proc to end and fills in @run.  A crash (a sanitizer's abort
 * included) fails the test. */
static inline void
cli_wait (GSubprocess *proc,
          CliRun      *run)
{
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GBytes) err = NULL;
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate (proc, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  run->out = bytes_to_string (out);
  run->err = bytes_to_string (err);

  if (!g_subprocess_get_if_exited (proc))
    {
      check_failed ("'auspex-cli %s' was killed by signal %d; stderr:\n%s", run->command,
                    g_subprocess_get_if_signaled (proc) ? g_subprocess_get_term_sig (proc) : 0,
                    run->err);
      run->status = -1;
    }
  else
    run->status = g_subprocess_get_exit_status (proc);
}

/* Runs auspex-cli with the NULL-terminated arguments in @args to its end. */
static inline CliRun *
cli_runv (Fixture            *fx,
          const char * const *args)
{
  CliRun *run = g_new0 (CliRun, 1);
  g_autoptr(GSubprocess) proc = cli_spawn (fx, args, run);

  cli_wait (proc, run);
  return run;
}

static inline CliRun *
cli_run_va (Fixture    *fx,
            const char *first,
            va_list     ap)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();

  for (const char *a = first; a; a = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) a);
  g_ptr_array_add (args, NULL);
  return cli_runv (fx, (const char * const *) args->pdata);
}

static inline CliRun * G_GNUC_NULL_TERMINATED
cli_run (Fixture    *fx,
         const char *first,
         ...)
{
  va_list ap;
  CliRun *run;

  va_start (ap, first);
  run = cli_run_va (fx, first, ap);
  va_end (ap);
  return run;
}

/* Runs a command that must succeed quietly, and returns what it printed. */
static inline char * G_GNUC_NULL_TERMINATED
cli_ok (Fixture    *fx,
        const char *first,
        ...)
{
  g_autoptr(CliRun) run = NULL;
  va_list ap;

  va_start (ap, first);
  run = cli_run_va (fx, first, ap);
  va_end (ap);
  if (run->status != 0 || run->err[0] != '\0')
    g_error ("'auspex-cli %s' exited with %d; stderr:\n%s", run->command, run->status, run->err);
  return g_steal_pointer (&run->out);
}

/* Checks that @run failed as the README promises: a non-zero exit, nothing
 * on stdout, and exactly one non-empty line on stderr that holds
 * @fragment.  A wrong answer fails the test but lets it go on, so that one
 * wrong message does not hide the next. */
static inline void
assert_failed (CliRun     *run,
               const char *fragment)
{
  const char *message = run->err;
  const char *nl = strchr (run->err, '\n');
  g_autofree char *err = g_strchomp (g_strdup (run->err));

  if (g_str_has_prefix (message, "auspex-cli: "))
    message += strlen ("auspex-cli: ");
  if (run->status == 0)
    check_failed ("'auspex-cli %s' succeeded but should have failed; stdout:\n%s",
                  run->command, run->out);
  else if (run->out[0] != '\0')
    check_failed ("'auspex-cli %s' failed but printed on stdout:\n%s", run->command, run->out);
  else if (nl == NULL || nl[1] != '\0')
    check_failed ("'auspex-cli %s': stderr must be exactly one line, got:\n%s",
                  run->command, err);
  else if (strlen (message) < 2)
    check_failed ("'auspex-cli %s': the message is empty", run->command);
  else if (strstr (run->err, fragment) == NULL)
    check_failed ("'auspex-cli %s': expected '%s' in the message, got: %s",
                  run->command, fragment, err);
}

/* Runs a command that must fail with a one-line message holding
 * @fragment. */
static inline void G_GNUC_NULL_TERMINATED
cli_fails (Fixture    *fx,
           const char *fragment,
           const char *first,
           ...)
{
  g_autoptr(CliRun) run = NULL;
  va_list ap;

  va_start (ap, first);
  run = cli_run_va (fx, first, ap);
  va_end (ap);
  assert_failed (run, fragment);
}

/* @text parsed as JSON, or fail. */
static inline JsonNode *
parse_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  if (!json_parser_load_from_data (parser, text, -1, &error))
    g_error ("not valid JSON (%s):\n%s", error->message, text);
  return json_node_copy (json_parser_get_root (parser));
}

/* What the CLI tests read back: members of its JSON, its CSV files and
 * its project, looked into with SQLite directly */

/* The project the CLI tests work on, relative to the fixture's directory. */
#define PROJECT "project.auspex"

/* Member @name of @o, which must be an object. */
static inline JsonObject *
member_object (JsonObject *o,
               const char *name)
{
  JsonNode *node = json_object_get_member (o, name);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    g_error ("member '%s' is not an object", name);
  return json_node_get_object (node);
}

/* A number member, or NAN when it is null; a missing member fails. */
static inline double
member_number (JsonObject *o,
               const char *name)
{
  JsonNode *node = json_object_get_member (o, name);

  if (node == NULL)
    g_error ("no member '%s'", name);
  if (JSON_NODE_HOLDS_NULL (node))
    return NAN;
  g_assert_true (JSON_NODE_HOLDS_VALUE (node));
  g_assert_true (json_node_get_value_type (node) == G_TYPE_INT64 ||
                 json_node_get_value_type (node) == G_TYPE_DOUBLE);
  return json_node_get_double (node);
}

/* An independent RFC 4180 reader: records as NULL-terminated string arrays. */
static inline GPtrArray *
read_csv_records (const char *path)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_autoptr(GPtrArray) fields = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) field = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  const char *p, *end;
  gsize len = 0;

  g_file_get_contents (path, &text, &len, &error);
  g_assert_no_error (error);
  p = text;
  end = text + len;
  while (p < end)
    {
      for (;;)
        {
          g_string_truncate (field, 0);
          if (*p == '"')
            {
              for (p++; ; p++)
                {
                  if (p == end)
                    g_error ("%s: a quoted field is not closed", path);
                  if (*p == '"' && p + 1 < end && p[1] == '"')
                    p++;
                  else if (*p == '"')
                    break;
                  g_string_append_c (field, *p);
                }
              p++;
            }
          else
            for (; p < end && *p != ',' && *p != '\r' && *p != '\n'; p++)
              {
                if (*p == '"')
                  g_error ("%s: a quote in an unquoted field", path);
                g_string_append_c (field, *p);
              }
          g_ptr_array_add (fields, g_strndup (field->str, field->len));
          if (p < end && *p == ',')
            {
              p++;
              continue;
            }
          break;
        }
      if (p < end && *p == '\r')
        p++;
      if (p < end)
        {
          if (*p != '\n')
            g_error ("%s: a carriage return without a line feed", path);
          p++;
        }
      g_ptr_array_add (fields, NULL);
      g_ptr_array_add (rows, g_ptr_array_steal (fields, NULL));
    }
  return rows;
}

/* The index of column @name in the header record @header, or -1. */
static inline int
column_index (char      **header,
              const char *name)
{
  for (int c = 0; header[c]; c++)
    if (g_str_equal (header[c], name))
      return c;
  return -1;
}

/* A finite number written in full as @text; FALSE for an empty field. */
static inline gboolean
parse_finite (const char *text,
              double     *out)
{
  char *end = NULL;

  if (text == NULL || text[0] == '\0')
    return FALSE;
  *out = g_ascii_strtod (text, &end);
  return *end == '\0' && isfinite (*out);
}

/* The one integer @sql answers about PROJECT, opened and closed again. */
static inline gint64
project_int (Fixture    *fx,
             const char *sql)
{
  g_autofree char *path = fixture_path (fx, PROJECT);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 v;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    g_error ("%s: %s", sql, sqlite3_errmsg (db));
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  v = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);
  return v;
}

/* Raw SQLite, for looking at files without the store */

static inline sqlite3 *
raw_open (const char *path,
          int         flags)
{
  sqlite3 *db = NULL;
  int rc = sqlite3_open_v2 (path, &db, flags, NULL);
  if (rc != SQLITE_OK)
    g_error ("sqlite3_open_v2 %s: %s", path, db ? sqlite3_errmsg (db) : "no memory");
  return db;
}

static inline void
raw_exec (sqlite3    *db,
          const char *sql)
{
  char *msg = NULL;
  if (sqlite3_exec (db, sql, NULL, NULL, &msg) != SQLITE_OK)
    g_error ("%s: %s", sql, msg);
}

/* The one integer @sql answers. */
static inline gint64
raw_int (sqlite3    *db,
         const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 v;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    g_error ("%s: %s", sql, sqlite3_errmsg (db));
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  v = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return v;
}

/* The one text @sql answers. */
static inline char *
raw_text (sqlite3    *db,
          const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  char *v;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    g_error ("%s: %s", sql, sqlite3_errmsg (db));
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  v = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return v;
}

/* Opens @path and returns the answer of @sql; closes again.  Read-write
 * although it only reads: a read-only connection to a WAL database cannot
 * remove the -wal and -shm files it creates, and would leave them behind. */
static inline gint64
file_int (const char *path,
          const char *sql)
{
  sqlite3 *db = raw_open (path, SQLITE_OPEN_READWRITE);
  gint64 v = raw_int (db, sql);
  sqlite3_close (db);
  return v;
}

/* The size of @path in bytes, or -1 when it does not exist. */
static inline gint64
file_size (const char *path)
{
  GStatBuf st;
  return g_stat (path, &st) == 0 ? (gint64) st.st_size : -1;
}

/* Runs this test program again with the NULL-terminated arguments @args
 * (its main() recognises them and does the writing), and kills it with
 * SIGKILL as soon as the write-ahead log @wal holds more than @wal_bytes,
 * looking every @poll_us microseconds for at most @timeout_s seconds.
 * Returns TRUE once it is killed; FALSE when it ended first or the time
 * ran out.  Either way *@wal_size is the log's last size seen and
 * *@status the child's wait status. */
static inline gboolean
kill_child_when_wal_grows (const char * const *args,
                           const char         *wal,
                           gint64              wal_bytes,
                           gint64              timeout_s,
                           gulong              poll_us,
                           gint64             *wal_size,
                           int                *status)
{
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  gboolean killed = FALSE;
  gint64 deadline;
  GPid pid = 0;

  g_assert_nonnull (self);
  g_ptr_array_add (argv, self);
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  g_spawn_async (NULL, (char **) argv->pdata, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                 &pid, &error);
  g_assert_no_error (error);

  *wal_size = -1;
  *status = 0;
  deadline = g_get_monotonic_time () + timeout_s * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < deadline)
    {
      pid_t done = waitpid (pid, status, WNOHANG);
      g_assert_cmpint (done, !=, -1);
      if (done == pid)
        break;
      *wal_size = file_size (wal);
      if (*wal_size > wal_bytes)
        {
          g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
          g_assert_cmpint (waitpid (pid, status, 0), ==, pid);
          killed = TRUE;
          break;
        }
      g_usleep (poll_us);
    }
  g_spawn_close_pid (pid);
  return killed;
}

/* Random numbers: a fixed splitmix64 stream, so that the same rows can be
 * rebuilt anywhere */

typedef struct {
  guint64 state;
} Rng;

/* splitmix64 (Steele, Lea, Flood 2014). */
static inline guint64
rng_next (Rng *r)
{
  guint64 z = (r->state += G_GUINT64_CONSTANT (0x9e3779b97f4a7c15));

  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  return z ^ (z >> 31);
}

/* Uniform in [0, 1) with 53 random bits. */
static inline double
rng_uniform (Rng *r)
{
  return (double) (rng_next (r) >> 11) * 0x1.0p-53;
}

/* Standard normal by Box–Muller (one value per two uniforms). */
static inline double
rng_normal (Rng *r)
{
  double u1 = rng_uniform (r), u2 = rng_uniform (r);

  return sqrt (-2 * log (1 - u1)) * cos (2 * G_PI * u2);
}

/* Data for the learning algorithms: a matrix and its target */

typedef struct {
  AxMatrix *x;
  double   *y;
  AxTarget  target;
} Data;

static inline void
data_free (Data *d)
{
  ax_matrix_free (d->x);
  g_free (d->y);
  g_free (d);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Data, data_free)

/* @n_rows rows of @n_features features named x0, x1, ..., all 0, and a
 * target of @task (@n_classes for classification) whose values are all 0. */
static inline Data *
data_alloc (guint  n_rows,
            guint  n_features,
            AxTask task,
            guint  n_classes)
{
  Data *d = g_new0 (Data, 1);

  d->x = ax_matrix_new (n_rows, n_features);
  for (guint f = 0; f < n_features; f++)
    d->x->names[f] = g_strdup_printf ("x%u", f);
  d->y = g_new0 (double, n_rows + 1);
  d->target.task = task;
  d->target.n_classes = n_classes;
  d->target.y = d->y;
  return d;
}

typedef enum {
  DATA_FRIEDMAN1,     /* regression, 10 features, 0..4 informative */
  DATA_BINARY,        /* 2 classes, 6 features, 0 and 1 informative */
  DATA_THREE_CLASS,   /* 3 classes, 6 features, 0 and 1 informative */
  DATA_NOISY,         /* regression, 5 features, a weak signal in 0 */
  DATA_RARE,          /* 2 classes, 4 features, class 1 in about 10% of rows */
} DataKind;

/* @n_rows rows of problem @kind drawn from the stream @seed starts: for
 * each row its uniform features in order, then the noise of its target.
 * friedman1 is Friedman's ("Multivariate adaptive regression splines",
 * 1991): y = 10 sin(pi x1 x2) + 20 (x3 - 0.5)^2 + 10 x4 + 5 x5 + N(0, 1),
 * with five more features that are noise; the others are threshold rules
 * on uniform features. */
static inline Data *
data_new (DataKind kind,
          guint    n_rows,
          guint64  seed)
{
  static const guint n_features[] = { 10, 6, 6, 5, 4 };
  static const guint n_classes[] = { 0, 2, 3, 0, 2 };
  guint nf = n_features[kind];
  Data *d = data_alloc (n_rows, nf,
                        n_classes[kind] > 0 ? AX_TASK_CLASSIFICATION : AX_TASK_REGRESSION,
                        n_classes[kind]);
  Rng rng = { seed };

  for (guint i = 0; i < n_rows; i++)
    {
      double u[10], s;

      for (guint f = 0; f < nf; f++)
        {
          u[f] = rng_uniform (&rng);
          d->x->x[(gsize) f * n_rows + i] = (float) u[f];
        }
      switch (kind)
        {
        case DATA_FRIEDMAN1:
          d->y[i] = 10 * sin (G_PI * u[0] * u[1]) + 20 * (u[2] - 0.5) * (u[2] - 0.5) +
                    10 * u[3] + 5 * u[4] + rng_normal (&rng);
          break;
        case DATA_BINARY:
          s = u[0] + 2 * u[1] - 1.5 + 0.1 * rng_normal (&rng);
          d->y[i] = s > 0;
          break;
        case DATA_THREE_CLASS:
          s = 0.7 * u[0] + 0.3 * u[1] + 0.02 * rng_normal (&rng);
          d->y[i] = s < 1.0 / 3 ? 0 : s < 2.0 / 3 ? 1 : 2;
          break;
        case DATA_NOISY:
          d->y[i] = 3 * u[0] + 2 * rng_normal (&rng);
          break;
        case DATA_RARE:
          s = u[0] + u[1] - 1.55 + 0.3 * rng_normal (&rng);
          d->y[i] = s > 0;
          break;
        default:
          g_assert_not_reached ();
        }
    }
  return d;
}

/* Checked hyperparameters of @algo from "name", value pairs after @first,
 * NULL-terminated: a string for a choice, else a double.  Checking must
 * succeed. */
static inline AxParams *
check_params (const AxAlgorithm *algo,
              const char        *first,
              ...)
{
  g_autoptr(AxParams) given = ax_params_new ();
  g_autoptr(GError) error = NULL;
  AxParams *checked;
  va_list ap;

  va_start (ap, first);
  for (const char *name = first; name != NULL; name = va_arg (ap, const char *))
    {
      const AxParamSpec *spec = algo->params;

      while (spec != NULL && spec->name != NULL && strcmp (spec->name, name) != 0)
        spec++;
      if (spec != NULL && spec->name != NULL && spec->type == AX_PARAM_CHOICE)
        ax_params_set_string (given, name, va_arg (ap, const char *));
      else
        ax_params_set_number (given, name, va_arg (ap, double));
    }
  va_end (ap);

  checked = ax_algorithm_check_params (algo, given, &error);
  g_assert_no_error (error);
  g_assert_nonnull (checked);
  return checked;
}

/* What a training run reported through its monitor. */
typedef struct {
  guint          n_steps;
  guint          last_step;
  guint          n_total;
  double        *scores;         /* indexed by step - 1 */
  gboolean       increasing;     /* each step above the one before */
  gboolean       in_order;       /* each step the one after the one before */
  guint          cancel_at;      /* cancel @cancellable at this step; 0: never */
  GCancellable  *cancellable;
  guint          n_progress;
  double         last_fraction;
  char          *last_detail;
} FitWatch;

static inline void
fit_watch_step (guint    step,
                guint    n_steps,
                double   score,
                gpointer data)
{
  FitWatch *w = data;

  if (w->scores == NULL)
    {
      w->scores = g_new (double, n_steps);
      w->increasing = w->in_order = TRUE;
    }
  g_assert_cmpuint (step, >=, 1);
  g_assert_cmpuint (step, <=, n_steps);
  if (step <= w->last_step)
    w->increasing = FALSE;
  if (step != w->last_step + 1)
    w->in_order = FALSE;
  w->scores[step - 1] = score;
  w->n_steps++;
  w->last_step = step;
  w->n_total = n_steps;
  if (w->cancel_at != 0 && step == w->cancel_at)
    g_cancellable_cancel (w->cancellable);
}

/* Progress must go from 0 to 1 and never back. */
static inline void
fit_watch_progress (double      fraction,
                    const char *detail,
                    gpointer    data)
{
  FitWatch *w = data;

  g_assert_cmpfloat (fraction, >=, w->last_fraction);
  g_assert_cmpfloat (fraction, <=, 1);
  w->last_fraction = fraction;
  g_free (w->last_detail);
  w->last_detail = g_strdup (detail);
  w->n_progress++;
}

static inline void
fit_watch_clear (FitWatch *w)
{
  g_free (w->scores);
  g_free (w->last_detail);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (FitWatch, fit_watch_clear)

/* A monitor reporting to @w, with @seed and @n_threads (0: every core). */
static inline AxTrainMonitor
fit_monitor (FitWatch *w,
             guint64   seed,
             guint     n_threads)
{
  AxTrainMonitor m = {
    .progress = fit_watch_progress, .progress_data = w,
    .step = fit_watch_step, .step_data = w,
    .n_threads = n_threads, .seed = seed,
  };
  return m;
}

/* @algo fitted to @train (validated on @valid unless NULL); must succeed. */
static inline AxFitted *
algo_fit (const AxAlgorithm    *algo,
          const Data           *train,
          const Data           *valid,
          const AxParams       *params,
          const AxTrainMonitor *monitor)
{
  g_autoptr(GError) error = NULL;
  AxFitted *fitted;

  fitted = algo->fit (train->x, &train->target,
                      valid ? valid->x : NULL, valid ? &valid->target : NULL,
                      params, monitor, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (fitted);
  return fitted;
}

/* @algo's predictions for the rows of @d: one value per row, or one
 * probability per class.  Free with g_free(). */
static inline double *
algo_predict (const AxAlgorithm *algo,
              const AxFitted    *fitted,
              const Data        *d)
{
  guint width = d->target.task == AX_TASK_REGRESSION ? 1 : d->target.n_classes;
  double *out = g_new (double, (gsize) MAX (d->x->n_rows, 1) * width);

  algo->predict (fitted, d->x, out);
  return out;
}

/* The share of the rows of @d whose most probable class in @prob (a row
 * of n_classes probabilities each) is their own, after checking that each
 * row is a distribution: every probability in [0, 1], the sum 1 within
 * @eps. */
static inline double
data_accuracy (const Data   *d,
               const double *prob,
               double        eps)
{
  guint k = d->target.n_classes, right = 0;

  for (guint i = 0; i < d->x->n_rows; i++)
    {
      const double *p = prob + (gsize) i * k;
      guint best = 0;
      double sum = 0;

      for (guint c = 0; c < k; c++)
        {
          g_assert_cmpfloat (p[c], >=, 0);
          g_assert_cmpfloat (p[c], <=, 1);
          sum += p[c];
          if (p[c] > p[best])
            best = c;
        }
      g_assert_cmpfloat_with_epsilon (sum, 1.0, eps);
      right += best == (guint) d->y[i];
    }
  return (double) right / d->x->n_rows;
}
