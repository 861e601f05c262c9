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

#include "ax-detect-job.h"
#include "ax-export.h"
#include "ax-forecast-job.h"
#include "ax-import.h"
#include "ax-job.h"
#include "ax-model-admin.h"
#include "ax-predictions.h"
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
    { "smape", N_("sMAPE") }, { "mase", N_("MASE") },
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
      g_print ("%s%s: %s\n", indent,
               i == 1 ? _("Test")
                      : g_strcmp0 (json_object_get_string_member_with_default (o, "task", ""), "forecast") == 0
                        ? _("Backtest") : _("Validation"),
               text);
    }
}

/* Forecasts: what the forecaster chose and how it backtested */

/* "sMAPE 3.21%, MASE 0.452, MAE 12.3, RMSE 15.1, 80% range held 83.3%,
 * 95% range held 97.2%". */
static char *
format_accuracy (const AxForecastAccuracy *a,
                 guint                     n_levels,
                 const double             *levels)
{
  g_autoptr(GString) s = g_string_new (NULL);

  g_string_append_printf (s, _("sMAPE %.2f%%, MASE %.3g, MAE %.4g, RMSE %.4g"),
                          a->smape, a->mase, a->mae, a->rmse);
  if (isfinite (a->mape))
    g_string_append_printf (s, _(", MAPE %.2f%%"), a->mape);
  for (guint l = 0; l < n_levels; l++)
    if (isfinite (a->coverage[l]))
      g_string_append_printf (s, _(", %g%% range held %.1f%%"), levels[l], a->coverage[l]);
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static void
print_forecast_rows (const AxForecastResult     *result,
                     const AxForecastPrediction *p)
{
  g_autoptr(GString) line = g_string_new (NULL);

  g_string_append_printf (line, "  %-12s %12s", "time", "forecast");
  for (guint l = 0; l < p->n_levels; l++)
    {
      g_autofree char *lower = ax_forecast_bound_name ("lower", p->levels[l]);
      g_autofree char *upper = ax_forecast_bound_name ("upper", p->levels[l]);
      g_string_append_printf (line, " %12s %12s", lower, upper);
    }
  g_print ("%s\n", line->str);
  for (guint h = 0; h < p->horizon; h++)
    {
      g_autofree char *time = ax_forecast_format_time (result, p->time[h]);

      g_string_printf (line, "  %-12s %12.6g", time ? time : "", p->mean[h]);
      for (guint l = 0; l < p->n_levels; l++)
        g_string_append_printf (line, " %12.6g %12.6g",
                                p->lower[l * p->horizon + h], p->upper[l * p->horizon + h]);
      g_print ("%s\n", line->str);
    }
}

/* "Ranges calibrated on the backtest: 80% is the model's 71.2% range (its
 * own 80% range held 88.9%), 95% its 93.4% range (held 97.2%)", when the
 * calibration moved any level. */
static void
print_forecast_calibration (const AxForecastReport *r)
{
  g_autoptr(GString) s = g_string_new (NULL);
  gboolean moved = FALSE;

  for (guint l = 0; l < r->n_levels; l++)
    moved |= isfinite (r->range_levels[l]) && r->range_levels[l] != r->levels[l];
  if (!moved)
    return;
  for (guint l = 0; l < r->n_levels; l++)
    {
      if (l == 0)
        g_string_append_printf (s, _("%g%% is the model’s %.1f%% range (its own %g%% range "
                                     "held %.1f%%)"),
                                r->levels[l], r->range_levels[l], r->levels[l],
                                r->model_coverage[l]);
      else
        g_string_append_printf (s, _(", %g%% its %.1f%% range (held %.1f%%)"),
                                r->levels[l], r->range_levels[l], r->model_coverage[l]);
    }
  g_print (_("  Ranges calibrated on the backtest: %s\n"), s->str);
}

/* Per series: the chosen model, its backtest, the other candidates, the
 * stock plan, and with @rows the forecasts themselves. */
static void
print_forecast_result (const AxForecastResult *result,
                       gboolean                rows)
{
  for (guint i = 0; i < result->items->len; i++)
    {
      const AxForecastItem *fi = result->items->pdata[i];
      const AxForecastReport *r = ax_forecast_get_report (fi->forecaster);
      g_autofree char *accuracy = format_accuracy (&r->backtest, r->n_levels, r->levels);

      if (fi->item)
        g_print ("%s “%s”\n", result->group_by, fi->item);
      g_print (_("  Model: %s, %s, from %'u periods\n"),
               r->name, ax_frequency_to_string (r->frequency), r->n_obs);
      g_print (g_dngettext (GETTEXT_PACKAGE,
                            "  Backtest (%u origin, %u periods ahead): %s\n",
                            "  Backtest (%u origins, %u periods ahead): %s\n", r->backtest_origins),
               r->backtest_origins, r->horizon, accuracy);
      print_forecast_calibration (r);
      if (r->n_candidates > 1)
        {
          g_autoptr(GString) line = g_string_new (NULL);

          for (guint c = 0; c < r->n_candidates; c++)
            g_string_append_printf (line, "%s%s %.2f%%", c ? ", " : "",
                                    r->candidates[c].name, r->candidates[c].backtest.smape);
          g_print (_("  Candidates by sMAPE: %s\n"), line->str);
        }
      if (fi->plan)
        g_print (_("  Inventory: safety stock %.6g, reorder point %.6g, order quantity %.6g "
                   "(demand over the lead time %.6g, %.3g orders a year, %.6g a year in costs)\n"),
                 fi->plan->safety_stock, fi->plan->reorder_point, fi->plan->order_quantity,
                 fi->plan->lead_time_mean, fi->plan->orders_per_year, fi->plan->annual_cost);
      for (guint k = 0; r->notes && r->notes[k]; k++)
        g_print ("  %s\n", r->notes[k]);
      if (rows)
        print_forecast_rows (result, fi->prediction);
    }
  for (guint k = 0; result->notes && result->notes[k]; k++)
    g_print ("%s\n", result->notes[k]);
}

static void
print_forecast_json (const AxForecastResult *result,
                     const char             *output)
{
  g_autoptr(JsonNode) root = ax_forecast_result_to_json (result, TRUE);
  g_autofree char *text = NULL;

  if (output)
    json_object_set_string_member (json_node_get_object (root), "output", output);
  text = json_to_string (root, TRUE);
  g_print ("%s\n", text);
}

/* The end of cmd_train for a forecast model. */
static int
finish_forecast_training (AxTrainResult *result)
{
  const AxForecastResult *fr = result->forecast;

  if (opt_json)
    print_forecast_json (fr, NULL);
  else
    {
      g_autofree char *took = ax_format_duration (fr->seconds);

      g_print (g_dngettext (GETTEXT_PACKAGE,
                            "Trained “%s” (model %" G_GINT64_FORMAT ", version %u) on “%s” in %s: "
                            "forecast “%s”, %'u prediction recorded\n",
                            "Trained “%s” (model %" G_GINT64_FORMAT ", version %u) on “%s” in %s: "
                            "forecast “%s”, %'u predictions recorded\n", fr->n_predictions),
               result->model_name, result->model_id, result->version, result->dataset_name,
               took, fr->value_column, fr->n_predictions);
      print_forecast_result (fr, TRUE);
    }
  ax_train_result_clear (result);
  return 0;
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
  AxTrainMonitor monitor = { .progress = cli_progress, .step = cli_step,
                              /* printed once trained */
                              .steps_at_end = TRUE };
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
  /* The held-out rows of the evaluation charts; the version stands without. */
  if (!ax_model_admin_store_sample (argv[1], &result, cancellable, NULL, &error))
    g_clear_error (&error);
  if (result.forecast)
    return finish_forecast_training (&result);
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
      g_autofree char *took = ax_format_duration (report->seconds);

      g_print (_("Trained “%s” (model %" G_GINT64_FORMAT ", version %u) on “%s” in %s: "
                 "%'u rows to train, %'u to validate, %'u to test\n"),
               result.model_name, result.model_id, result.version, result.dataset_name,
               took, report->n_train, report->n_valid, report->n_test);
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
      json_builder_set_member_name (b, "model_seconds");
      json_builder_add_double_value (b, result.model_seconds);
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

/* Records the outcomes that really happened, matched to predictions on a
 * key column, so that accuracy can be followed over time. */
static int
cmd_actuals (int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new (_("PROJECT --model ID --csv FILE --key COLUMN --value COLUMN — record actual outcomes"));
  g_autoptr(GError) error = NULL;
  g_autofree char *model = NULL, *csv = NULL, *key = NULL, *value = NULL;
  GOptionEntry entries[] = {
    { "model", 0, 0, G_OPTION_ARG_STRING, &model, N_("The model whose predictions the outcomes are of: its id or name"), N_("ID") },
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &csv, N_("The outcomes: a file (CSV, TSV, JSON, NDJSON or XLSX) with the key and value columns"), N_("FILE") },
    { "key", 0, 0, G_OPTION_ARG_STRING, &key, N_("The column identifying a row, also in the predictions' input"), N_("COLUMN") },
    { "value", 0, 0, G_OPTION_ARG_STRING, &value, N_("The column holding the actual outcome"), N_("COLUMN") },
    { NULL }
  };
  g_autoptr(AxStore) store = NULL;
  g_autoptr(GFile) file = NULL;
  AxActualsReport report = { 0 };
  gint64 model_id = 0;
  guint version = 0;

  if (!parse (ctx, entries, &argc, &argv))
    return 2;
  if (argc != 2)
    return fail_usage (ctx, _("actuals takes one argument: the project"));
  if (model == NULL || csv == NULL || key == NULL || value == NULL)
    return fail_usage (ctx, _("actuals needs --model ID, --csv FILE, --key COLUMN and --value COLUMN"));
  store = ax_store_open (argv[1], &error);
  if (store == NULL || !ax_train_resolve_model (store, model, &model_id, &version, &error))
    return fail (g_steal_pointer (&error));
  g_clear_pointer (&store, ax_store_close);
  file = g_file_new_for_commandline_arg (csv);
  /* All or nothing: a script cannot act on a count of values left out. */
  if (!ax_predictions_record_actuals_strict (argv[1], model_id, file, key, value, NULL, &report, &error))
    return fail (g_steal_pointer (&error));
  if (opt_json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      add_int (b, "model_id", model_id);
      add_int (b, "rows", (gint64) report.n_rows);
      add_int (b, "matched", (gint64) report.n_matched);
      add_int (b, "unmatched", (gint64) report.n_unmatched);
      add_int (b, "invalid", (gint64) report.n_invalid);
      add_int (b, "updated", (gint64) report.n_updated);
      json_builder_end_object (b);
      print_json (b);
    }
  else
    g_print (g_dngettext (GETTEXT_PACKAGE,
                          "Recorded %" G_GUINT64_FORMAT " actual outcome (rows read: %" G_GUINT64_FORMAT
                          ", matched: %" G_GUINT64_FORMAT ", unmatched: %" G_GUINT64_FORMAT ")\n",
                          "Recorded %" G_GUINT64_FORMAT " actual outcomes (rows read: %" G_GUINT64_FORMAT
                          ", matched: %" G_GUINT64_FORMAT ", unmatched: %" G_GUINT64_FORMAT ")\n",
                          report.n_updated),
             report.n_updated, report.n_rows, report.n_matched, report.n_unmatched);
  return 0;
}

/* Anomalies */

/* "2010-05-03 (row 3391)", or "row 3391" without a time. */
static char *
anomaly_where (const AxAnomalyRecord *a)
{
  g_autofree char *time = ax_detect_format_time (a->time);
  g_autoptr(GString) s = g_string_new (NULL);

  if (time)
    g_string_append_printf (s, _("%s (row %'" G_GINT64_FORMAT ")"), time, a->dataset_row);
  else
    g_string_append_printf (s, _("row %'" G_GINT64_FORMAT), a->dataset_row);
  if (a->group_value)
    g_string_append_printf (s, _(" in group “%s”"), a->group_value);
  return g_string_free (g_steal_pointer (&s), FALSE);
}

/* One line per anomaly: id, severity, score, where, top cause. */
static void
print_anomaly_line (const AxAnomalyRecord *a,
                    gboolean               with_detection)
{
  g_autofree char *where = anomaly_where (a);
  g_autofree char *cause = ax_anomaly_record_top_cause (a);
  g_autoptr(GString) line = g_string_new (NULL);

  g_string_append_printf (line, "%" G_GINT64_FORMAT "\t%s\t%.3f\t%s",
                          a->id, ax_severity_to_string (a->severity), a->score, where);
  if (with_detection)
    g_string_append_printf (line, "\t%s\t%s", a->detection_name, ax_anomaly_status_to_string (a->status));
  if (cause)
    g_string_append_printf (line, "\t%s", cause);
  g_print ("%s\n", line->str);
}

/* How the applied thresholds were chosen, for detect's report: "alert_budget",
 * "contamination" or "configuration". */
static const char *
thresholds_chosen_by (const AxDetectResult *result,
                      const char           *config_json)
{
  g_autoptr(AxDetectionConfig) config = NULL;

  if (result->budget_alerts == 0)
    return "configuration";
  config = ax_detection_config_from_json (config_json, NULL);
  return config && config->threshold_config.budget_alerts > 0 ? "alert_budget" : "contamination";
}

/* "low 0.612, medium 0.646, high 0.672, critical 0.689", to three
 * decimals, or more where that would show two levels alike. */
static char *
thresholds_text (const double *thresholds)
{
  g_autoptr(GString) s = g_string_new (NULL);
  int digits = 3;

  for (AxSeverity a = AX_SEVERITY_LOW; a < AX_SEVERITY_CRITICAL; a++)
    for (; digits < 9; digits++)
      {
        char one[G_ASCII_DTOSTR_BUF_SIZE], next[G_ASCII_DTOSTR_BUF_SIZE];

        g_snprintf (one, sizeof one, "%.*f", digits, thresholds[a]);
        g_snprintf (next, sizeof next, "%.*f", digits, thresholds[a + 1]);
        if (strcmp (one, next) != 0)
          break;
      }
  for (AxSeverity a = AX_SEVERITY_LOW; a <= AX_SEVERITY_CRITICAL; a++)
    g_string_append_printf (s, "%s%s %.*f", a > AX_SEVERITY_LOW ? ", " : "",
                            ax_severity_to_string (a), digits, thresholds[a]);
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static int
cmd_detect (int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new (_("PROJECT --config CONFIG.json — run an anomaly detection, creating or updating it"));
  g_autoptr(GError) error = NULL;
  g_autofree char *config_path = NULL, *scores_path = NULL;
  g_autofree char *config = NULL;
  g_autoptr(GFile) scores = NULL;
  g_autoptr(GCancellable) cancellable = NULL;
  gint top = 100;
  GOptionEntry entries[] = {
    { "config", 0, 0, G_OPTION_ARG_FILENAME, &config_path, N_("The detection's configuration (JSON, as in the guide)"), N_("FILE") },
    { "scores", 0, 0, G_OPTION_ARG_FILENAME, &scores_path, N_("Also write every scored row with its score and severity (CSV)"), N_("FILE") },
    { "top", 0, 0, G_OPTION_ARG_INT, &top, N_("Show the N highest-scoring anomalies of the run (default 100; 0 shows them all; `anomalies` lists them all)"), N_("N") },
    { NULL }
  };
  AxTrainMonitor monitor = { .progress = cli_progress, .step = cli_step };
  AxDetectResult result = { 0 };
  guint n_shown, counts[AX_SEVERITY_CRITICAL + 1] = { 0 };
  const char *chosen_by;

  if (!parse (ctx, entries, &argc, &argv))
    return 2;
  if (argc != 2)
    return fail_usage (ctx, _("detect takes one argument: the project"));
  if (config_path == NULL)
    return fail_usage (ctx, _("detect needs --config FILE: the detection's configuration"));
  if (!g_file_get_contents (config_path, &config, NULL, &error))
    return fail (g_steal_pointer (&error));
  if (top < 0)
    return fail_usage (ctx, _("--top takes a number of anomalies, 0 or more"));
  if (scores_path)
    scores = g_file_new_for_commandline_arg (scores_path);

  cancellable = cancel_on_interrupt ();
  if (!ax_detect_run (argv[1], config, scores, &monitor, cancellable, &result, &error))
    {
      if (error->domain == AX_LEARN_ERROR && error->code == AX_LEARN_ERROR_CONFIG)
        {
          g_autofree char *base = g_path_get_basename (config_path);
          g_prefix_error (&error, "%s: ", base);
        }
      return fail_interrupted (g_steal_pointer (&error),
                               _("Detection interrupted; the project is as it was before"));
    }

  /* The anomalies come most severe first, and severity rises with the
   * score: the first N are the N highest scores. */
  n_shown = top == 0 ? result.anomalies->len : MIN ((guint) top, result.anomalies->len);
  for (guint i = 0; i < result.anomalies->len; i++)
    counts[((AxAnomalyRecord *) g_ptr_array_index (result.anomalies, i))->severity]++;
  chosen_by = thresholds_chosen_by (&result, config);

  if (opt_json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      add_int (b, "detection_id", result.detection_id);
      add_string (b, "detection_name", result.detection_name);
      add_string (b, "dataset", result.dataset_name);
      add_int (b, "run_id", result.run_id);
      add_string (b, "started", result.started);
      add_string (b, "finished", result.finished);
      add_int (b, "first_row", result.first_row);
      add_int (b, "rows_scored", (gint64) result.n_scored);
      add_int (b, "rows_skipped", (gint64) result.n_skipped);
      add_int (b, "dataset_rows", result.n_rows);
      add_boolean (b, "rescored_all", result.rescored_all);
      add_int (b, "false_positives_fed_back", result.n_feedback);
      add_int (b, "suppressed", result.n_suppressed);
      json_builder_set_member_name (b, "thresholds");
      json_builder_begin_object (b);
      for (AxSeverity s = AX_SEVERITY_LOW; s <= AX_SEVERITY_CRITICAL; s++)
        {
          add_double (b, ax_severity_to_string (s), result.thresholds[s]);
        }
      json_builder_end_object (b);
      add_string (b, "thresholds_chosen_by", chosen_by);
      if (result.budget_alerts > 0)
        {
          add_int (b, "budget_alerts", result.budget_alerts);
          add_int (b, "replayed_rows", (gint64) result.n_replayed);
        }
      if (scores_path)
        {
          add_string (b, "scores", scores_path);
        }
      add_int (b, "anomalies_found", result.anomalies->len);
      json_builder_set_member_name (b, "anomalies_by_severity");
      json_builder_begin_object (b);
      for (AxSeverity s = AX_SEVERITY_LOW; s <= AX_SEVERITY_CRITICAL; s++)
        add_int (b, ax_severity_to_string (s), counts[s]);
      json_builder_end_object (b);
      add_int (b, "anomalies_shown", n_shown);
      json_builder_set_member_name (b, "anomalies");
      json_builder_begin_array (b);
      for (guint i = 0; i < n_shown; i++)
        json_builder_add_value (b, ax_anomaly_record_to_json (g_ptr_array_index (result.anomalies, i)));
      json_builder_end_array (b);
      json_builder_end_object (b);
      print_json (b);
    }
  else if (result.first_row >= result.n_rows)
    g_print (_("Detection “%s” (id %" G_GINT64_FORMAT "): no new rows in “%s” since the last run "
               "(%'" G_GINT64_FORMAT " rows scored)\n"),
             result.detection_name, result.detection_id, result.dataset_name, result.n_rows);
  else
    {
      g_print (g_dngettext (GETTEXT_PACKAGE,
                            "Detection “%s” (id %" G_GINT64_FORMAT ") scored %'" G_GUINT64_FORMAT " row of “%s”%s: ",
                            "Detection “%s” (id %" G_GINT64_FORMAT ") scored %'" G_GUINT64_FORMAT " rows of “%s”%s: ",
                            (gulong) result.n_scored),
               result.detection_name, result.detection_id, result.n_scored, result.dataset_name,
               result.rescored_all ? _(" (every row)") : _(" (the new rows)"));
      g_print (g_dngettext (GETTEXT_PACKAGE, "%u anomaly", "%u anomalies", result.anomalies->len),
               result.anomalies->len);
      if (result.n_suppressed)
        g_print (g_dngettext (GETTEXT_PACKAGE, ", %u more suppressed by false-positive feedback",
                              ", %u more suppressed by false-positive feedback", result.n_suppressed),
                 result.n_suppressed);
      g_print ("\n");
      if (result.n_skipped)
        g_print (g_dngettext (GETTEXT_PACKAGE,
                              "%'" G_GUINT64_FORMAT " row was not scored: a value it needs is missing\n",
                              "%'" G_GUINT64_FORMAT " rows were not scored: a value they need is missing\n",
                              (gulong) result.n_skipped),
                 result.n_skipped);
      {
        g_autofree char *levels = thresholds_text (result.thresholds);

        if (result.budget_alerts == 0)
          g_print (_("Thresholds as configured: %s\n"), levels);
        else
          g_print (g_strcmp0 (chosen_by, "alert_budget") == 0
                   ? _("Thresholds set by the alert budget, %'u alerts on %'" G_GUINT64_FORMAT " rows of history: %s\n")
                   : _("Thresholds set by the contamination, %'u alerts on %'" G_GUINT64_FORMAT " rows of history: %s\n"),
                   result.budget_alerts, result.n_replayed, levels);
      }
      if (result.anomalies->len > 0)
        g_print (_("By severity: %'u critical, %'u high, %'u medium, %'u low\n"),
                 counts[AX_SEVERITY_CRITICAL], counts[AX_SEVERITY_HIGH],
                 counts[AX_SEVERITY_MEDIUM], counts[AX_SEVERITY_LOW]);
      for (guint i = 0; i < n_shown; i++)
        print_anomaly_line (g_ptr_array_index (result.anomalies, i), FALSE);
      if (n_shown < result.anomalies->len)
        g_print (_("… and %'u more; auspex-cli anomalies %s --detection %s lists them all\n"),
                 result.anomalies->len - n_shown, argv[1], result.detection_name);
    }
  ax_detect_result_clear (&result);
  return 0;
}

static int
cmd_anomalies (int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new (_("PROJECT — list the anomalies found"));
  g_autoptr(GError) error = NULL;
  g_autofree char *detection = NULL, *severity = NULL, *status = NULL, *since = NULL, *until = NULL;
  g_autoptr(GPtrArray) list = NULL;
  GOptionEntry entries[] = {
    { "detection", 0, 0, G_OPTION_ARG_STRING, &detection, N_("Only the anomalies of this detection"), N_("NAME") },
    { "severity", 0, 0, G_OPTION_ARG_STRING, &severity, N_("Only this severity: low, medium, high or critical"), N_("SEVERITY") },
    { "status", 0, 0, G_OPTION_ARG_STRING, &status, N_("Only this status: open, resolved or false_positive"), N_("STATUS") },
    { "since", 0, 0, G_OPTION_ARG_STRING, &since, N_("Only from this date on (the row's time, else when detected)"), N_("DATE") },
    { "until", 0, 0, G_OPTION_ARG_STRING, &until, N_("Only up to this date, included"), N_("DATE") },
    { NULL }
  };
  AxAnomalyFilter filter;
  AxSeverity s = AX_SEVERITY_NONE;
  AxAnomalyStatus st = AX_ANOMALY_STATUS_OPEN;

  ax_anomaly_filter_init (&filter);
  if (!parse (ctx, entries, &argc, &argv))
    return 2;
  if (argc != 2)
    return fail_usage (ctx, _("anomalies takes one argument: the project"));
  if (severity)
    {
      if (!ax_severity_from_string (severity, &s) || s == AX_SEVERITY_NONE)
        {
          g_autofree char *msg = g_strdup_printf (_("unknown severity “%s”: --severity must be one of low, medium, high, critical"), severity);
          return fail_usage (ctx, msg);
        }
      filter.severity = (int) s;
    }
  if (status)
    {
      if (!ax_anomaly_status_from_string (status, &st))
        {
          g_autofree char *msg = g_strdup_printf (_("unknown status “%s”: --status must be one of open, resolved, false_positive"), status);
          return fail_usage (ctx, msg);
        }
      filter.status = (int) st;
    }
  if (since && !ax_detect_parse_time (since, FALSE, &filter.since))
    {
      g_autofree char *msg = g_strdup_printf (_("--since “%s” is not a date; write it as YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ"), since);
      return fail_usage (ctx, msg);
    }
  if (until && !ax_detect_parse_time (until, TRUE, &filter.until))
    {
      g_autofree char *msg = g_strdup_printf (_("--until “%s” is not a date; write it as YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ"), until);
      return fail_usage (ctx, msg);
    }

  list = ax_detect_list_anomalies (argv[1], detection, &filter, &error);
  if (list == NULL)
    return fail (g_steal_pointer (&error));

  if (opt_json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      json_builder_begin_array (b);
      for (guint i = 0; i < list->len; i++)
        json_builder_add_value (b, ax_anomaly_record_to_json (g_ptr_array_index (list, i)));
      json_builder_end_array (b);
      print_json (b);
      return 0;
    }
  if (list->len == 0)
    {
      if (detection || severity || status || since || until)
        g_print (_("No anomalies match.\n"));
      else
        g_print (_("The project has no anomalies yet. Run a detection with: auspex-cli detect %s --config FILE\n"), argv[1]);
    }
  for (guint i = 0; i < list->len; i++)
    print_anomaly_line (g_ptr_array_index (list, i), TRUE);
  return 0;
}

/* An anomaly id as `anomalies` prints it. */
static gboolean
parse_anomaly_id (const char *text,
                  gint64     *out)
{
  guint64 v = 0;

  if (!g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT64, &v, NULL))
    return FALSE;
  *out = (gint64) v;
  return TRUE;
}

static int
cmd_resolve (int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new (_("PROJECT ANOMALY_ID --notes TEXT [--false-positive [--reason TEXT]] — record the verdict on an anomaly"));
  g_autoptr(GError) error = NULL;
  g_autofree char *notes = NULL, *reason = NULL;
  gboolean false_positive = FALSE, preview = FALSE;
  GOptionEntry entries[] = {
    { "notes", 0, 0, G_OPTION_ARG_STRING, &notes, N_("What was found and done"), N_("TEXT") },
    { "false-positive", 0, 0, G_OPTION_ARG_NONE, &false_positive, N_("The anomaly is a false positive: later runs learn from it"), NULL },
    { "reason", 0, 0, G_OPTION_ARG_STRING, &reason, N_("Why it is a false positive"), N_("TEXT") },
    { "preview", 0, 0, G_OPTION_ARG_NONE, &preview, N_("Only show how many past anomalies the false-positive mark would have suppressed"), NULL },
    { NULL }
  };
  g_autoptr(AxAnomalyRecord) record = NULL;
  gint64 id = 0;

  if (!parse (ctx, entries, &argc, &argv))
    return 2;
  if (argc != 3)
    return fail_usage (ctx, _("resolve takes two arguments: the project and the anomaly's id"));
  if (!parse_anomaly_id (argv[2], &id))
    {
      g_autofree char *msg = g_strdup_printf (_("“%s” is not an anomaly id; auspex-cli anomalies lists them"), argv[2]);
      return fail_usage (ctx, msg);
    }
  if (reason && !false_positive)
    return fail_usage (ctx, _("--reason goes with --false-positive"));

  if (preview)
    {
      guint n = 0, n_past = 0;

      if (!false_positive)
        return fail_usage (ctx, _("--preview shows what --false-positive would do; give both"));
      if (!ax_detect_preview_false_positive (argv[1], id, &n, &n_past, &error))
        return fail (g_steal_pointer (&error));
      if (opt_json)
        {
          g_autoptr(JsonBuilder) b = json_builder_new ();
          json_builder_begin_object (b);
          add_int (b, "anomaly_id", id);
          add_int (b, "would_suppress", n);
          add_int (b, "past_anomalies", n_past);
          add_boolean (b, "applied", FALSE);
          json_builder_end_object (b);
          print_json (b);
        }
      else
        g_print (g_dngettext (GETTEXT_PACKAGE,
                              "Marking anomaly %" G_GINT64_FORMAT " as a false positive would have suppressed %u of %u other past anomaly; nothing was changed\n",
                              "Marking anomaly %" G_GINT64_FORMAT " as a false positive would have suppressed %u of %u other past anomalies; nothing was changed\n",
                              n_past),
                 id, n, n_past);
      return 0;
    }

  if (notes == NULL)
    return fail_usage (ctx, _("resolve needs --notes TEXT: what was found and done"));
  record = ax_detect_resolve (argv[1], id, notes, false_positive, reason, &error);
  if (record == NULL)
    return fail (g_steal_pointer (&error));
  if (opt_json)
    {
      g_autoptr(JsonNode) root = ax_anomaly_record_to_json (record);
      g_autofree char *text = json_to_string (root, TRUE);
      g_print ("%s\n", text);
    }
  else if (false_positive)
    g_print (_("Anomaly %" G_GINT64_FORMAT " of “%s” marked as a false positive; later runs learn from it\n"),
             record->id, record->detection_name);
  else
    g_print (_("Anomaly %" G_GINT64_FORMAT " of “%s” resolved\n"), record->id, record->detection_name);
  return 0;
}

/* Forecasts */

static int
cmd_forecast (int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new (_("PROJECT --dataset NAME --time-column T --value-column V [--horizon H] — forecast a series"));
  g_autoptr(GError) error = NULL;
  g_autofree char *dataset = NULL, *time_column = NULL, *value_column = NULL, *group_by = NULL;
  g_autofree char *levels = NULL, *output = NULL, *method = NULL, *frequency = NULL;
  g_autofree char *aggregate = NULL, *model = NULL;
  g_autoptr(GCancellable) cancellable = NULL;
  int horizon = 0, period = 0;
  GOptionEntry entries[] = {
    { "dataset", 0, 0, G_OPTION_ARG_STRING, &dataset, N_("The dataset of the project that holds the series"), N_("NAME") },
    { "time-column", 0, 0, G_OPTION_ARG_STRING, &time_column, N_("The column with the time of each row (dates, date-times or days)"), N_("COLUMN") },
    { "value-column", 0, 0, G_OPTION_ARG_STRING, &value_column, N_("The column to forecast"), N_("COLUMN") },
    { "horizon", 0, 0, G_OPTION_ARG_INT, &horizon, N_("Periods to forecast (default: one season, or 10)"), N_("H") },
    { "level", 0, 0, G_OPTION_ARG_STRING, &levels, N_("Prediction ranges, in percent (default: 80,95)"), N_("L,…") },
    { "group-by", 0, 0, G_OPTION_ARG_STRING, &group_by, N_("Forecast one series per value of this column"), N_("COLUMN") },
    { "output", 0, 0, G_OPTION_ARG_FILENAME, &output, N_("Write the forecasts to this file (CSV)"), N_("FILE") },
    { "method", 0, 0, G_OPTION_ARG_STRING, &method, N_("auto (default), ets, naive, snaive, drift or ml"), N_("METHOD") },
    { "frequency", 0, 0, G_OPTION_ARG_STRING, &frequency, N_("hourly, daily, weekly, monthly, quarterly or yearly (default: from the data)"), N_("FREQ") },
    { "aggregate", 0, 0, G_OPTION_ARG_STRING, &aggregate, N_("How rows of one period add up: sum (default), mean or last"), N_("HOW") },
    { "period", 0, 0, G_OPTION_ARG_INT, &period, N_("The seasonal period in periods (default: found in the data)"), N_("N") },
    { "model", 0, 0, G_OPTION_ARG_STRING, &model, N_("Forecast with a stored forecast model instead, and record its forecasts"), N_("ID[:VERSION]") },
    { NULL }
  };
  AxTrainMonitor monitor = { .progress = cli_progress, .step = cli_step };
  AxForecastRequest request;
  AxForecastResult result = { 0 };

  if (!parse (ctx, entries, &argc, &argv))
    return 2;
  if (argc != 2)
    return fail_usage (ctx, _("forecast takes one argument: the project"));
  if (horizon < 0)
    return fail_usage (ctx, _("--horizon must be a number of periods, 1 or more"));
  if (period < 0)
    return fail_usage (ctx, _("--period must not be negative"));

  ax_forecast_request_init (&request);
  if (levels && !ax_forecast_parse_levels (levels, "--level", &request.options, &error))
    return fail_usage (ctx, error->message);

  if (model)
    {
      g_autoptr(GFile) file = output ? g_file_new_for_commandline_arg (output) : NULL;

      if (dataset || time_column || value_column || group_by || method || frequency || aggregate || period)
        return fail_usage (ctx, _("--model forecasts as the model was trained; it takes only --horizon, --level and --output"));
      if (!ax_forecast_stored_model (argv[1], model, (guint) horizon, levels ? &request.options : NULL,
                                     file, &result, &error))
        return fail (g_steal_pointer (&error));
    }
  else
    {
      if (dataset == NULL)
        return fail_usage (ctx, _("forecast needs --dataset NAME: the dataset that holds the series"));
      if (time_column == NULL)
        return fail_usage (ctx, _("forecast needs --time-column COLUMN: the column with the time of each row"));
      if (value_column == NULL)
        return fail_usage (ctx, _("forecast needs --value-column COLUMN: the column to forecast"));
      if (method && !ax_forecast_method_from_string (method, &request.options.method))
        return fail_usage (ctx, _("--method must be one of auto, ets, naive, snaive, drift, ml"));
      if (frequency && !ax_frequency_from_string (frequency, &request.frequency))
        return fail_usage (ctx, _("--frequency must be one of auto, hourly, daily, weekly, monthly, quarterly, yearly"));
      if (aggregate && !ax_aggregate_from_string (aggregate, &request.aggregate))
        return fail_usage (ctx, _("--aggregate must be one of sum, mean, last"));
      request.dataset = dataset;
      request.time_column = time_column;
      request.value_column = value_column;
      request.group_by = group_by;
      request.options.horizon = (guint) horizon;
      request.options.period = (guint) period;

      cancellable = cancel_on_interrupt ();
      if (!ax_forecast_dataset (argv[1], &request, &monitor, cancellable, &result, &error))
        return fail_interrupted (g_steal_pointer (&error), _("Forecast interrupted"));
      if (output)
        {
          g_autoptr(GFile) file = g_file_new_for_commandline_arg (output);

          if (!ax_forecast_write_csv (&result, argv[1], file, NULL, &error))
            {
              ax_forecast_result_clear (&result);
              return fail (g_steal_pointer (&error));
            }
        }
    }

  if (opt_json)
    print_forecast_json (&result, output);
  else
    {
      guint n_rows = 0;

      for (guint i = 0; i < result.items->len; i++)
        n_rows += ((AxForecastItem *) result.items->pdata[i])->prediction->horizon;
      if (result.model_name)
        g_print (g_dngettext (GETTEXT_PACKAGE,
                              "Forecast “%s” with “%s” version %u: %'u prediction recorded\n",
                              "Forecast “%s” with “%s” version %u: %'u predictions recorded\n",
                              result.n_predictions),
                 result.value_column, result.model_name, result.version, result.n_predictions);
      else
        g_print (g_dngettext (GETTEXT_PACKAGE,
                              "Forecast “%s” of “%s”: %'u series in %.2f s\n",
                              "Forecast “%s” of “%s”: %'u series in %.2f s\n", result.items->len),
                 result.value_column, result.dataset_name, result.items->len, result.seconds);
      print_forecast_result (&result, output == NULL);
      if (output)
        g_print (g_dngettext (GETTEXT_PACKAGE, "Wrote %'u forecast to %s\n",
                              "Wrote %'u forecasts to %s\n", n_rows),
                 n_rows, output);
    }
  ax_forecast_result_clear (&result);
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
  { "actuals",  "PROJECT --model ID",   N_("Record actual outcomes of predictions from a file: --csv, --key, --value"), cmd_actuals },
  { "forecast", "PROJECT --dataset NAME", N_("Forecast a series: --time-column, --value-column, --horizon; or --model ID"), cmd_forecast },
  { "detect",   "PROJECT --config FILE", N_("Run an anomaly detection, creating or updating it"), cmd_detect },
  { "anomalies", "PROJECT",             N_("List the anomalies found: --detection, --severity, --status, --since, --until"), cmd_anomalies },
  { "resolve",  "PROJECT ANOMALY_ID",   N_("Resolve an anomaly, or mark it a false positive"), cmd_resolve },
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
  ax_job_setup_memory ();

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
