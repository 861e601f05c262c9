/* ax-cli.c — auspex-cli, the command-line front end
 *
 * Every command drives src/core/ exactly as the window does.  Output is
 * for people, or JSON with --json; a failure prints one line on stderr and
 * exits 1, and never leaves a half-written project.
 */

#include "ax-config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <locale.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ax-export.h"
#include "ax-import.h"
#include "ax-store-datasets.h"

typedef struct {
  const char *name;
  const char *args;
  const char *summary;
  int (*run) (int argc, char **argv);
} Command;

static gboolean opt_json;

static int
fail (GError *error)
{
  g_printerr ("auspex-cli: %s\n", error->message);
  g_error_free (error);
  return 1;
}

static int
fail_usage (GOptionContext *ctx,
            const char     *message)
{
  g_printerr ("auspex-cli: %s\n", message);
  (void) ctx;
  return 2;
}

static void
print_json (JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autofree char *text = json_to_string (root, TRUE);
  g_print ("%s\n", text);
}

/* Parses the options common to a command; leaves positional arguments in
 * argv.  Returns FALSE (with a message printed) on a bad option. */
static gboolean
parse (GOptionContext  *ctx,
       GOptionEntry    *entries,
       int             *argc,
       char          ***argv)
{
  g_autoptr(GError) error = NULL;
  GOptionEntry common[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json, N_("Print machine-readable JSON"), NULL },
    { NULL }
  };

  g_option_context_set_translation_domain (ctx, GETTEXT_PACKAGE);
  if (entries)
    g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (ctx, common, GETTEXT_PACKAGE);
  if (!g_option_context_parse (ctx, argc, argv, &error))
    {
      g_printerr ("auspex-cli: %s\n", error->message);
      return FALSE;
    }
  return TRUE;
}

static int
cmd_create (int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new (_("PROJECT — create an empty project"));
  g_autoptr(GError) error = NULL;
  g_autoptr(AxStore) store = NULL;

  if (!parse (ctx, NULL, &argc, &argv))
    return 2;
  if (argc != 2)
    return fail_usage (ctx, _("create takes one argument: the project file to create"));
  store = ax_store_create (argv[1], &error);
  if (store == NULL)
    return fail (g_steal_pointer (&error));
  if (opt_json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "project");
      json_builder_add_string_value (b, argv[1]);
      json_builder_set_member_name (b, "schema_version");
      json_builder_add_int_value (b, ax_store_schema_version ());
      json_builder_end_object (b);
      print_json (b);
    }
  else
    g_print (_("Created %s\n"), argv[1]);
  return 0;
}

/* Ctrl+C or a polite kill cancels a long command the way Cancel does in
 * the window: the work stops at the next progress report and rolls back,
 * so the project is left as it was. */
static volatile sig_atomic_t interrupted;
static GCancellable *interrupt_cancellable;

static void
on_interrupt (int signum)
{
  interrupted = 1;
}

static GCancellable *
cancel_on_interrupt (void)
{
  struct sigaction sa = { 0 };

  interrupt_cancellable = g_cancellable_new ();
  sa.sa_handler = on_interrupt;
  sigemptyset (&sa.sa_mask);
  sigaction (SIGINT, &sa, NULL);
  sigaction (SIGTERM, &sa, NULL);
  return interrupt_cancellable;
}

/* Prints progress on a terminal, on one line that rewrites itself. */
static void
cli_progress (double      fraction,
              const char *detail,
              gpointer    data)
{
  static gint64 last;
  gint64 now = g_get_monotonic_time ();

  if (interrupted && interrupt_cancellable)
    g_cancellable_cancel (interrupt_cancellable);

  if (!isatty (STDERR_FILENO) || (now - last < 200000 && fraction < 1))
    return;
  last = now;
  if (fraction >= 0)
    g_printerr ("\r%3.0f%%  %s\033[K", fraction * 100, detail ? detail : "");
  else
    g_printerr ("\r%s\033[K", detail ? detail : "");
  if (fraction >= 1)
    g_printerr ("\r\033[K");
}

static int
cmd_import (int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new (_("PROJECT FILE — import a file as a dataset"));
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL, *format = NULL, *sheet = NULL;
  gboolean skip_bad = FALSE, no_header = FALSE;
  int skip_rows = 0;
  GOptionEntry entries[] = {
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, N_("Name of the dataset (default: the file name)"), N_("NAME") },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format, N_("csv, tsv, json, ndjson or xlsx (default: from the file)"), N_("FORMAT") },
    { "sheet", 0, 0, G_OPTION_ARG_STRING, &sheet, N_("The XLSX sheet to import (default: the first)"), N_("SHEET") },
    { "skip-bad-rows", 0, 0, G_OPTION_ARG_NONE, &skip_bad, N_("Skip rows that cannot be read, and report how many"), NULL },
    { "no-header", 0, 0, G_OPTION_ARG_NONE, &no_header, N_("The first row is data, not column names"), NULL },
    { "skip-rows", 0, 0, G_OPTION_ARG_INT, &skip_rows, N_("Rows to skip before the header"), N_("N") },
    { NULL }
  };
  AxImportOptions options = { 0 };
  AxImportResult result = { 0 };
  g_autoptr(GFile) file = NULL;
  g_autoptr(GCancellable) cancellable = NULL;

  if (!parse (ctx, entries, &argc, &argv))
    return 2;
  if (argc != 3)
    return fail_usage (ctx, _("import takes two arguments: the project and the file to import"));
  if (format && !ax_file_format_from_string (format, &options.read.format))
    {
      g_printerr ("auspex-cli: ");
      g_printerr (_("unknown format “%s”: --format must be one of csv, tsv, json, ndjson, xlsx"), format);
      g_printerr ("\n");
      return 2;
    }
  if (skip_rows < 0)
    {
      g_printerr ("auspex-cli: %s\n", _("--skip-rows must not be negative"));
      return 2;
    }
  options.read.sheet = sheet;
  options.read.no_header = no_header;
  options.read.skip_rows = (guint) skip_rows;
  options.name = name;
  options.skip_bad_rows = skip_bad;
  file = g_file_new_for_commandline_arg (argv[2]);

  cancellable = cancel_on_interrupt ();
  if (!ax_import_file (argv[1], file, &options, cli_progress, NULL, cancellable, &result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_clear_error (&error);
          g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               _("Import interrupted; the project is as it was before"));
        }
      return fail (g_steal_pointer (&error));
    }

  if (opt_json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "dataset");
      json_builder_add_string_value (b, result.dataset_name);
      json_builder_set_member_name (b, "id");
      json_builder_add_int_value (b, result.dataset_id);
      json_builder_set_member_name (b, "rows");
      json_builder_add_int_value (b, result.n_rows);
      json_builder_set_member_name (b, "skipped_rows");
      json_builder_add_int_value (b, result.n_skipped);
      if (result.first_skipped)
        {
          json_builder_set_member_name (b, "first_skipped");
          json_builder_add_string_value (b, result.first_skipped);
        }
      json_builder_end_object (b);
      print_json (b);
    }
  else
    {
      g_print (g_dngettext (GETTEXT_PACKAGE, "Imported “%s”: %'" G_GINT64_FORMAT " row\n",
                            "Imported “%s”: %'" G_GINT64_FORMAT " rows\n", (gulong) result.n_rows),
               result.dataset_name, result.n_rows);
      if (result.n_skipped)
        g_print (_("Skipped %'" G_GINT64_FORMAT " bad rows; the first: %s\n"),
                 result.n_skipped, result.first_skipped);
    }
  ax_import_result_clear (&result);
  return 0;
}

static int
cmd_datasets (int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new (_("PROJECT — list the datasets of a project"));
  g_autoptr(GError) error = NULL;
  g_autoptr(AxStore) store = NULL;
  g_autoptr(GPtrArray) list = NULL;

  if (!parse (ctx, NULL, &argc, &argv))
    return 2;
  if (argc != 2)
    return fail_usage (ctx, _("datasets takes one argument: the project"));
  store = ax_store_open (argv[1], &error);
  if (store == NULL || (list = ax_store_list_datasets (store, &error)) == NULL)
    return fail (g_steal_pointer (&error));

  if (opt_json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      json_builder_begin_array (b);
      for (guint i = 0; i < list->len; i++)
        {
          AxDatasetInfo *info = g_ptr_array_index (list, i);
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "name");
          json_builder_add_string_value (b, info->name);
          json_builder_set_member_name (b, "rows");
          json_builder_add_int_value (b, info->n_rows);
          json_builder_set_member_name (b, "source");
          json_builder_add_string_value (b, info->source);
          json_builder_set_member_name (b, "format");
          json_builder_add_string_value (b, info->format);
          json_builder_set_member_name (b, "imported_at");
          json_builder_add_string_value (b, info->imported_at);
          json_builder_set_member_name (b, "columns");
          json_builder_begin_array (b);
          for (guint c = 0; c < info->n_columns; c++)
            {
              const AxDatasetColumn *col = &info->columns[c];
              json_builder_begin_object (b);
              json_builder_set_member_name (b, "name");
              json_builder_add_string_value (b, col->name);
              json_builder_set_member_name (b, "type");
              json_builder_add_string_value (b, ax_column_type_to_string (col->type));
              json_builder_set_member_name (b, "missing");
              json_builder_add_int_value (b, (gint64) col->stats.n_missing);
              if (!isnan (col->stats.min))
                {
                  json_builder_set_member_name (b, "min");
                  json_builder_add_double_value (b, col->stats.min);
                  json_builder_set_member_name (b, "max");
                  json_builder_add_double_value (b, col->stats.max);
                  json_builder_set_member_name (b, "mean");
                  json_builder_add_double_value (b, col->stats.mean);
                }
              if (col->stats.n_top)
                {
                  json_builder_set_member_name (b, "distinct");
                  json_builder_add_int_value (b, (gint64) col->stats.n_distinct);
                }
              json_builder_end_object (b);
            }
          json_builder_end_array (b);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      print_json (b);
      return 0;
    }

  if (list->len == 0)
    g_print (_("The project has no datasets yet. Import one with: auspex-cli import %s FILE\n"), argv[1]);
  for (guint i = 0; i < list->len; i++)
    {
      AxDatasetInfo *info = g_ptr_array_index (list, i);
      g_print ("%s\t%'" G_GINT64_FORMAT " rows\t", info->name, info->n_rows);
      for (guint c = 0; c < info->n_columns; c++)
        g_print ("%s%s:%s", c ? ", " : "", info->columns[c].name,
                 ax_column_type_to_string (info->columns[c].type));
      g_print ("\n");
    }
  return 0;
}

static int
cmd_export (int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new (_("PROJECT DATASET OUT.csv — write a dataset as CSV"));
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) dest = NULL;
  g_autoptr(GCancellable) cancellable = NULL;

  if (!parse (ctx, NULL, &argc, &argv))
    return 2;
  if (argc != 4)
    return fail_usage (ctx, _("export takes three arguments: the project, the dataset and the CSV file to write"));
  dest = g_file_new_for_commandline_arg (argv[3]);
  cancellable = cancel_on_interrupt ();
  if (!ax_export_csv (argv[1], argv[2], dest, cli_progress, NULL, cancellable, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_clear_error (&error);
          g_set_error (&error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                       _("Export interrupted; “%s” was not written"), argv[3]);
        }
      return fail (g_steal_pointer (&error));
    }
  if (opt_json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "dataset");
      json_builder_add_string_value (b, argv[2]);
      json_builder_set_member_name (b, "file");
      json_builder_add_string_value (b, argv[3]);
      json_builder_end_object (b);
      print_json (b);
    }
  return 0;
}

static const Command commands[] = {
  { "create",   "PROJECT",              N_("Create an empty project"), cmd_create },
  { "import",   "PROJECT FILE",         N_("Import a CSV, TSV, JSON, NDJSON or XLSX file as a dataset"), cmd_import },
  { "datasets", "PROJECT",              N_("List the datasets of a project"), cmd_datasets },
  { "export",   "PROJECT DATASET FILE", N_("Write a dataset as CSV"), cmd_export },
};

static void
usage (FILE *out)
{
  fprintf (out, "%s\n\n", _("Usage: auspex-cli COMMAND [OPTION…] ARGUMENTS"));
  fprintf (out, "%s\n", _("Commands:"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-9s %-22s %s\n", commands[i].name, commands[i].args, _(commands[i].summary));
  fprintf (out, "\n%s\n", _("Run “auspex-cli COMMAND --help” for a command's options."));
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, AX_LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (argc < 2)
    {
      g_printerr ("auspex-cli: %s\n", _("no command given; run auspex-cli --help for the list"));
      return 2;
    }
  if (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h"))
    {
      usage (stdout);
      return 0;
    }
  if (g_str_equal (argv[1], "--version"))
    {
      g_print ("auspex-cli %s\n", AX_VERSION);
      return 0;
    }
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (argv[1], commands[i].name))
      {
        /* The command sees itself as argv[0]. */
        return commands[i].run (argc - 1, argv + 1);
      }
  g_printerr ("auspex-cli: ");
  g_printerr (_("unknown command “%s”; run auspex-cli --help for the list"), argv[1]);
  g_printerr ("\n");
  return 2;
}
