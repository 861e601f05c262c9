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
#include "ax-train.h"

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
  /* One line, whatever the message: scripts read the first. */
  g_strdelimit (error->message, "\r\n", ' ');
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

/* Members of the object @b is building. */

static void
add_string (JsonBuilder *b,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, value);
}

static void
add_int (JsonBuilder *b,
         const char  *name,
         gint64       value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, value);
}

static void
add_double (JsonBuilder *b,
            const char  *name,
            double       value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_double_value (b, value);
}

static void
add_boolean (JsonBuilder *b,
             const char  *name,
             gboolean     value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_boolean_value (b, value);
}

/* Fails with @error; when it is the cancellation that Ctrl+C or SIGTERM
 * caused, with the message @format makes instead, which says what the
 * interrupted command left behind. */
static int G_GNUC_PRINTF (2, 3)
fail_interrupted (GError     *error,
                  const char *format,
                  ...)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *message = NULL;
      va_list ap;

      va_start (ap, format);
      message = g_strdup_vprintf (format, ap);
      va_end (ap);
      g_error_free (error);
      error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, message);
    }
  return fail (error);
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
      add_string (b, "project", argv[1]);
      add_int (b, "schema_version", ax_store_schema_version ());
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
    return fail_interrupted (g_steal_pointer (&error),
                             _("Import interrupted; the project is as it was before"));

  if (opt_json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      add_string (b, "dataset", result.dataset_name);
      add_int (b, "id", result.dataset_id);
      add_int (b, "rows", result.n_rows);
      add_int (b, "skipped_rows", result.n_skipped);
      if (result.first_skipped)
        {
          add_string (b, "first_skipped", result.first_skipped);
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
          add_string (b, "name", info->name);
          add_int (b, "rows", info->n_rows);
          add_string (b, "source", info->source);
          add_string (b, "format", info->format);
          add_string (b, "imported_at", info->imported_at);
          json_builder_set_member_name (b, "columns");
          json_builder_begin_array (b);
          for (guint c = 0; c < info->n_columns; c++)
            {
              const AxDatasetColumn *col = &info->columns[c];
              json_builder_begin_object (b);
              add_string (b, "name", col->name);
              add_string (b, "type", ax_column_type_to_string (col->type));
              add_int (b, "missing", (gint64) col->stats.n_missing);
              if (!isnan (col->stats.min))
                {
                  add_double (b, "min", col->stats.min);
                  add_double (b, "max", col->stats.max);
                  add_double (b, "mean", col->stats.mean);
                }
              if (col->stats.n_top)
                {
                  add_int (b, "distinct", (gint64) col->stats.n_distinct);
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
    return fail_interrupted (g_steal_pointer (&error),
                             _("Export interrupted; “%s” was not written"), argv[3]);
  if (opt_json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      add_string (b, "dataset", argv[2]);
      add_string (b, "file", argv[3]);
      json_builder_end_object (b);
      print_json (b);
    }
  return 0;
}

/* Models */

/* Training reports each tree or round too; a Ctrl+C between progress
 * reports is seen there. */
static void
cli_step (guint    step,
          guint    n_steps,
          double   score,
          gpointer data)
{
  if (interrupted && interrupt_cancellable)
    g_cancellable_cancel (interrupt_cancellable);
}

static JsonNode *
parse_stored_json (const char *text)
{
  JsonNode *node = text ? json_from_string (text, NULL) : NULL;

  return node ? node : json_node_new (JSON_NODE_NULL);
}

static double
metric (JsonObject *o,
        const char *name)
{
  JsonNode *node = o ? json_object_get_member (o, name) : NULL;

  return node && JSON_NODE_HOLDS_VALUE (node) ? json_node_get_double (node) : NAN;
}

/* "accuracy 0.953, precision 0.912, ..." from one side of a metrics
 * object as ax-train stores it. */
static char *
format_metrics (JsonObject *set)
{
  static const struct { const char *key; const char *label; } names[] = {
    { "mae", N_("MAE") }, { "rmse", N_("RMSE") }, { "r2", N_("R²") }, { "mape", N_("MAPE") },
    { "accuracy", N_("accuracy") }, { "precision", N_("precision") }, { "recall", N_("recall") },
    { "f1", N_("F1") }, { "roc_auc", N_("ROC-AUC") }, { "log_loss", N_("log loss") },
  };
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      double v = metric (set, names[i].key);
      if (!json_object_has_member (set, names[i].key))
        continue;
      g_string_append_printf (out, "%s%s ", out->len ? ", " : "", _(names[i].label));
      if (isfinite (v))
        g_string_append_printf (out, "%.4g", v);
      else
        g_string_append (out, "–");
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* Prints the validation and test lines of a stored metrics object. */
static void
print_metrics (const char *metrics_json,
               const char *indent)
{
  g_autoptr(JsonNode) node = parse_stored_json (metrics_json);
  JsonObject *o = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  static const char *const sides[] = { "validation", "test" };

  for (guint i = 0; o && i < G_N_ELEMENTS (sides); i++)
    {
      JsonNode *side = json_object_get_member (o, sides[i]);
      g_autofree char *text = NULL;

      if (side == NULL || !JSON_NODE_HOLDS_OBJECT (side))
        continue;
      text = format_metrics (json_node_get_object (side));
      g_print ("%s%s: %s\n", indent, i == 0 ? _("Validation") : _("Test"), text);
    }
}

static int
cmd_train (int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new (_("PROJECT --config CONFIG.json — train a model, or a new version of it"));
  g_autoptr(GError) error = NULL;
  g_autofree char *config_path = NULL;
  g_autofree char *config = NULL;
  g_autoptr(GCancellable) cancellable = NULL;
  GOptionEntry entries[] = {
    { "config", 0, 0, G_OPTION_ARG_FILENAME, &config_path, N_("The model's configuration (JSON, as in the guide)"), N_("FILE") },
    { NULL }
  };
  AxTrainMonitor monitor = { .progress = cli_progress, .step = cli_step };
  AxTrainResult result = { 0 };
  const AxModelReport *report;

  if (!parse (ctx, entries, &argc, &argv))
    return 2;
  if (argc != 2)
    return fail_usage (ctx, _("train takes one argument: the project"));
  if (config_path == NULL)
    return fail_usage (ctx, _("train needs --config FILE: the model's configuration"));
  if (!g_file_get_contents (config_path, &config, NULL, &error))
    return fail (g_steal_pointer (&error));

  cancellable = cancel_on_interrupt ();
  if (!ax_train_model (argv[1], config, &monitor, cancellable, &result, &error))
    {
      if (error->domain == AX_LEARN_ERROR)
        {
          g_autofree char *base = g_path_get_basename (config_path);
          g_prefix_error (&error, "%s: ", base);
        }
      return fail_interrupted (g_steal_pointer (&error),
                               _("Training interrupted; the project is as it was before"));
    }
  report = ax_model_get_report (result.model);

  if (opt_json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      add_int (b, "model_id", result.model_id);
      add_string (b, "model_name", result.model_name);
      add_int (b, "version", result.version);
      add_string (b, "dataset", result.dataset_name);
      add_string (b, "dataset_hash", result.dataset_hash);
      add_int (b, "n_train", report->n_train);
      add_int (b, "n_valid", report->n_valid);
      add_int (b, "n_test", report->n_test);
      add_double (b, "seconds", report->seconds);
      json_builder_set_member_name (b, "metrics");
      json_builder_add_value (b, parse_stored_json (result.metrics));
      json_builder_set_member_name (b, "notes");
      json_builder_begin_array (b);
      for (guint i = 0; report->notes && report->notes[i]; i++)
        json_builder_add_string_value (b, report->notes[i]);
      json_builder_end_array (b);
      json_builder_end_object (b);
      print_json (b);
    }
  else
    {
      g_print (_("Trained “%s” (model %" G_GINT64_FORMAT ", version %u) on “%s” in %.1f s: "
                 "%'u rows to train, %'u to validate, %'u to test\n"),
               result.model_name, result.model_id, result.version, result.dataset_name,
               report->seconds, report->n_train, report->n_valid, report->n_test);
      print_metrics (result.metrics, "  ");
      for (guint i = 0; report->notes && report->notes[i]; i++)
        g_print ("  %s\n", report->notes[i]);
    }
  ax_train_result_clear (&result);
  return 0;
}

static void
print_prediction (const AxPredictResult *result)
{
  const AxPredictions *p = result->predictions;
  g_autoptr(GString) line = g_string_new (NULL);

  g_string_append_printf (line, _("Prediction %" G_GINT64_FORMAT " by “%s” version %u: "),
                          result->first_id, result->model_name, result->version);
  if (p->task == AX_TASK_CLASSIFICATION)
    {
      guint k = (guint) p->value[0];
      g_string_append (line, k < p->n_classes ? p->class_names[k] : "?");
    }
  else
    g_string_append_printf (line, "%.6g", p->value[0]);
  if (p->lower && p->upper && isfinite (p->lower[0]) && isfinite (p->upper[0]))
    g_string_append_printf (line, _(" (range %.6g to %.6g)"), p->lower[0], p->upper[0]);
  if (p->confidence && isfinite (p->confidence[0]))
    g_string_append_printf (line, _(", confidence %.2f"), p->confidence[0]);
  if (p->task == AX_TASK_CLASSIFICATION && p->probability)
    {
      g_string_append (line, _("; probabilities"));
      for (guint k = 0; k < p->n_classes; k++)
        g_string_append_printf (line, "%s %s %.3f", k ? "," : "", p->class_names[k], p->probability[k]);
    }
  if (p->score)
    g_string_append_printf (line, _("; score %.1f"), p->score[0]);
  g_print ("%s\n", line->str);
}

static int
cmd_predict (int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new (_("PROJECT --model ID[:VERSION] (--input JSON | --csv IN.csv --output OUT.csv) — predict with a model"));
  g_autoptr(GError) error = NULL;
  g_autofree char *model = NULL, *input = NULL, *csv = NULL, *output = NULL;
  g_autoptr(GCancellable) cancellable = NULL;
  GOptionEntry entries[] = {
    { "model", 0, 0, G_OPTION_ARG_STRING, &model, N_("The model: its id or name, with :VERSION for another than the active version"), N_("ID[:VERSION]") },
    { "input", 0, 0, G_OPTION_ARG_STRING, &input, N_("One input as a JSON object of column names and values"), N_("JSON") },
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &csv, N_("Predict every row of this file (CSV, TSV, JSON, NDJSON or XLSX)"), N_("FILE") },
    { "output", 0, 0, G_OPTION_ARG_FILENAME, &output, N_("Where to write the rows of --csv with their predictions (CSV)"), N_("FILE") },
    { NULL }
  };
  AxPredictResult result = { 0 };

  if (!parse (ctx, entries, &argc, &argv))
    return 2;
  if (argc != 2)
    return fail_usage (ctx, _("predict takes one argument: the project"));
  if (model == NULL)
    return fail_usage (ctx, _("predict needs --model ID[:VERSION]: the model's id or name"));
  if ((input == NULL) == (csv == NULL))
    return fail_usage (ctx, _("predict needs either --input JSON or --csv FILE --output FILE"));
  if (csv && output == NULL)
    return fail_usage (ctx, _("predict --csv needs --output FILE: where to write the predictions"));
  if (input && output)
    return fail_usage (ctx, _("--output goes with --csv; --input prints its prediction"));

  if (input)
    {
      if (!ax_predict_json (argv[1], model, input, &result, &error))
        return fail (g_steal_pointer (&error));
      if (opt_json)
        {
          g_autoptr(JsonNode) root = ax_predict_result_to_json (&result);
          g_autofree char *text = json_to_string (root, TRUE);
          g_print ("%s\n", text);
        }
      else
        print_prediction (&result);
      ax_predict_result_clear (&result);
      return 0;
    }

  {
    g_autoptr(GFile) in = g_file_new_for_commandline_arg (csv);
    g_autoptr(GFile) out = g_file_new_for_commandline_arg (output);

    cancellable = cancel_on_interrupt ();
    if (!ax_predict_file (argv[1], model, in, out, cli_progress, NULL, cancellable, &result, &error))
      return fail_interrupted (g_steal_pointer (&error),
                               _("Prediction interrupted; “%s” was not written and the project is as it was before"),
                               output);
  }
  if (opt_json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      add_int (b, "model_id", result.model_id);
      add_string (b, "model_name", result.model_name);
      add_int (b, "model_version", result.version);
      add_int (b, "rows", result.n_rows);
      json_builder_set_member_name (b, "first_prediction_id");
      if (result.n_rows)
        json_builder_add_int_value (b, result.first_id);
      else
        json_builder_add_null_value (b);
      add_string (b, "output", output);
      add_string (b, "prediction_timestamp", result.created);
      json_builder_end_object (b);
      print_json (b);
    }
  else
    g_print (g_dngettext (GETTEXT_PACKAGE, "Predicted %'u row with “%s” version %u into %s\n",
                          "Predicted %'u rows with “%s” version %u into %s\n", result.n_rows),
             result.n_rows, result.model_name, result.version, output);
  ax_predict_result_clear (&result);
  return 0;
}

static void
add_version_json (JsonBuilder          *b,
                  const AxModelVersion *v)
{
  json_builder_begin_object (b);
  add_int (b, "version", v->version);
  add_string (b, "created", v->created);
  add_string (b, "dataset", v->dataset_name);
  add_string (b, "dataset_hash", v->dataset_hash);
  add_int (b, "n_train", v->n_train);
  add_int (b, "n_valid", v->n_valid);
  add_int (b, "n_test", v->n_test);
  add_double (b, "seconds", v->seconds);
  json_builder_set_member_name (b, "metrics");
  json_builder_add_value (b, parse_stored_json (v->metrics));
  json_builder_end_object (b);
}

static int
cmd_models (int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new (_("PROJECT — list the models of a project"));
  g_autoptr(GError) error = NULL;
  g_autoptr(AxStore) store = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GPtrArray) versions = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  g_autoptr(JsonBuilder) b = json_builder_new ();

  if (!parse (ctx, NULL, &argc, &argv))
    return 2;
  if (argc != 2)
    return fail_usage (ctx, _("models takes one argument: the project"));
  store = ax_store_open (argv[1], &error);
  if (store == NULL || (list = ax_store_list_models (store, &error)) == NULL)
    return fail (g_steal_pointer (&error));
  for (guint i = 0; i < list->len; i++)
    {
      AxModelInfo *info = g_ptr_array_index (list, i);
      GPtrArray *v = ax_store_list_model_versions (store, info->id, &error);
      if (v == NULL)
        return fail (g_steal_pointer (&error));
      g_ptr_array_add (versions, v);
    }

  if (!opt_json)
    {
      if (list->len == 0)
        g_print (_("The project has no models yet. Train one with: auspex-cli train %s --config FILE\n"), argv[1]);
      for (guint i = 0; i < list->len; i++)
        {
          AxModelInfo *info = g_ptr_array_index (list, i);
          GPtrArray *v = g_ptr_array_index (versions, i);

          g_print (_("%" G_GINT64_FORMAT "\t%s\t%s, %s; active version %u of %u; %'" G_GINT64_FORMAT " predictions\n"),
                   info->id, info->name, info->model_type, info->algorithm,
                   info->active_version, info->n_versions, info->n_predictions);
          for (guint k = 0; k < v->len; k++)
            {
              AxModelVersion *ver = g_ptr_array_index (v, k);
              g_print (_("  version %u, %s, on “%s” (%'" G_GINT64_FORMAT " rows to train, sha256 %.12s)\n"),
                       ver->version, ver->created, ver->dataset_name, ver->n_train, ver->dataset_hash);
              print_metrics (ver->metrics, "    ");
            }
        }
      return 0;
    }

  json_builder_begin_array (b);
  for (guint i = 0; i < list->len; i++)
    {
      AxModelInfo *info = g_ptr_array_index (list, i);
      GPtrArray *v = g_ptr_array_index (versions, i);

      json_builder_begin_object (b);
      add_int (b, "id", info->id);
      add_string (b, "name", info->name);
      add_string (b, "model_type", info->model_type);
      add_string (b, "algorithm", info->algorithm);
      add_string (b, "description", info->description);
      add_string (b, "created", info->created);
      add_string (b, "updated", info->updated);
      add_boolean (b, "is_active", info->is_active);
      add_int (b, "active_version", info->active_version);
      add_int (b, "predictions", info->n_predictions);
      json_builder_set_member_name (b, "versions");
      json_builder_begin_array (b);
      for (guint k = 0; k < v->len; k++)
        add_version_json (b, g_ptr_array_index (v, k));
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  print_json (b);
  return 0;
}

static const Command commands[] = {
  { "create",   "PROJECT",              N_("Create an empty project"), cmd_create },
  { "import",   "PROJECT FILE",         N_("Import a CSV, TSV, JSON, NDJSON or XLSX file as a dataset"), cmd_import },
  { "datasets", "PROJECT",              N_("List the datasets of a project"), cmd_datasets },
  { "export",   "PROJECT DATASET FILE", N_("Write a dataset as CSV"), cmd_export },
  { "train",    "PROJECT --config FILE", N_("Train a model, or a new version of it"), cmd_train },
  { "predict",  "PROJECT --model ID",   N_("Predict with a model: --input JSON, or --csv FILE --output FILE"), cmd_predict },
  { "models",   "PROJECT",              N_("List the models of a project, their versions and metrics"), cmd_models },
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
