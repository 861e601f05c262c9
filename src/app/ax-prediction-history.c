/* ax-prediction-history.c — every prediction, with filters, actual values and accuracy charts
 *
 * The table shows the newest predictions the filters keep, a page at a
 * time (short reads on the main thread's connection); the Actual cell is
 * editable.  Actuals from a file and the accuracy summary under the table
 * run as jobs.
 */

#include "ax-config.h"
#include "ax-app-util.h"
#include "ax-prediction-history.h"

#include <glib/gi18n.h>
#include <math.h>

#include "ax-charts.h"
#include "ax-prediction-format.h"
#include "ax-store-models.h"
#include "ax-window.h"

#define PAGE_SIZE 200

/* A prediction, as the table's items */

#define AX_TYPE_PREDICTION_ITEM (ax_prediction_item_get_type ())
G_DECLARE_FINAL_TYPE (AxPredictionItem, ax_prediction_item, AX, PREDICTION_ITEM, GObject)

struct _AxPredictionItem {
  GObject            parent_instance;
  AxPredictionEntry *entry;
};

G_DEFINE_FINAL_TYPE (AxPredictionItem, ax_prediction_item, G_TYPE_OBJECT)

static void
ax_prediction_item_finalize (GObject *object)
{
  ax_prediction_entry_free (AX_PREDICTION_ITEM (object)->entry);
  G_OBJECT_CLASS (ax_prediction_item_parent_class)->finalize (object);
}

static void
ax_prediction_item_class_init (AxPredictionItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ax_prediction_item_finalize;
}

static void ax_prediction_item_init (AxPredictionItem *self) { }

/* The view */

typedef enum {
  COL_ID, COL_TIME, COL_MODEL, COL_INPUT, COL_VALUE, COL_RANGE, COL_CONFIDENCE, COL_ACTUAL, COL_CONTEXT,
  N_COLS
} Column;

struct _AxPredictionHistory {
  AdwBin           parent_instance;

  AxProject       *project;
  GListStore      *items;
  GArray          *model_ids;      /* gint64 per model_filter entry; 0: all */
  GArray          *versions;       /* guint per version_filter entry; 0: all */
  gint64           model_id;
  guint            version;
  GDateTime       *since, *until;  /* days, local; NULL: open */
  gint64           n_matching;
  gboolean         filling;
  AxJob           *accuracy_job;
  AxJob           *header_job;
  AxJob           *actuals_job;
  AxActualsReport  report;
  gboolean         have_report;
  GtkFileChooserNative *chooser;

  GtkDropDown     *model_filter;
  GtkDropDown     *version_filter;
  GtkMenuButton   *since_button;
  GtkMenuButton   *until_button;
  GtkCalendar     *since_calendar;
  GtkCalendar     *until_calendar;
  GtkLabel        *count_label;
  GtkStack        *table_stack;
  GtkColumnView   *table;
  GtkWidget       *more_button;
  GtkBox          *charts_box;
  AxLineChart     *accuracy_chart;
  AxScatterChart  *scatter_chart;
};

G_DEFINE_FINAL_TYPE (AxPredictionHistory, ax_prediction_history, ADW_TYPE_BIN)

/* The filter, with the dates as UTC text bounds; free the strings. */
static void
make_filter (AxPredictionHistory *self,
             AxPredictionFilter  *filter,
             char               **since,
             char               **until)
{
  memset (filter, 0, sizeof *filter);
  filter->model_id = self->model_id;
  filter->version = self->version;
  *since = *until = NULL;
  if (self->since)
    {
      g_autoptr(GDateTime) utc = g_date_time_to_utc (self->since);
      *since = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
    }
  if (self->until)
    {
      g_autoptr(GDateTime) next = g_date_time_add_days (self->until, 1);
      g_autoptr(GDateTime) utc = g_date_time_to_utc (next);
      *until = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
    }
  filter->since = *since;
  filter->until = *until;
}

/* Cells */

static JsonObject *
parse_object (const char *json,
              JsonNode  **keep)
{
  *keep = json ? json_from_string (json, NULL) : NULL;
  return *keep && JSON_NODE_HOLDS_OBJECT (*keep) ? json_node_get_object (*keep) : NULL;
}

static char *
node_text (JsonNode *node)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return g_strdup ("—");
  if (JSON_NODE_HOLDS_VALUE (node))
    {
      GType t = json_node_get_value_type (node);
      if (t == G_TYPE_STRING)
        return g_strdup (json_node_get_string (node));
      if (t == G_TYPE_BOOLEAN)
        return g_strdup (json_node_get_boolean (node) ? _("yes") : _("no"));
      return ax_prediction_format_number (json_node_get_double (node));
    }
  return json_to_string (node, FALSE);
}

/* "carat 0.3, cut Ideal, …" */
static char *
members_text (JsonObject  *o,
              const char  *skip)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GList) names = o ? json_object_get_members (o) : NULL;

  for (GList *l = names; l; l = l->next)
    {
      g_autofree char *v = NULL;
      if (skip && g_str_equal (l->data, skip))
        continue;
      v = node_text (json_object_get_member (o, l->data));
      if (out->len)
        g_string_append (out, ", ");
      g_string_append_printf (out, "%s %s", (const char *) l->data, v);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static char *
cell_text (AxPredictionEntry *e,
           Column             col)
{
  g_autoptr(JsonNode) keep = NULL;
  JsonObject *o;

  switch (col)
    {
    case COL_ID:
      return g_strdup_printf ("%" G_GINT64_FORMAT, e->id);
    case COL_TIME:
      return ax_prediction_format_time (e->created);
    case COL_MODEL:
      return g_strdup_printf (_("%s v%u"), e->model_name, e->version);
    case COL_INPUT:
      o = parse_object (e->input, &keep);
      return members_text (o, NULL);
    case COL_VALUE:
      o = parse_object (e->output, &keep);
      return node_text (o ? json_object_get_member (o, "value") : NULL);
    case COL_RANGE:
      o = parse_object (e->output, &keep);
      if (o && json_object_has_member (o, "lower_bound") &&
          !JSON_NODE_HOLDS_NULL (json_object_get_member (o, "lower_bound")))
        {
          g_autofree char *lo = node_text (json_object_get_member (o, "lower_bound"));
          g_autofree char *hi = node_text (json_object_get_member (o, "upper_bound"));
          return g_strdup_printf ("%s – %s", lo, hi);
        }
      return g_strdup ("");
    case COL_CONFIDENCE:
      o = parse_object (e->output, &keep);
      if (o && json_object_has_member (o, "confidence") &&
          !JSON_NODE_HOLDS_NULL (json_object_get_member (o, "confidence")))
        return ax_prediction_format_percent (json_object_get_double_member (o, "confidence"));
      return g_strdup ("");
    case COL_ACTUAL:
      if (e->actual == NULL)
        return g_strdup ("");
      keep = json_from_string (e->actual, NULL);
      return keep && JSON_NODE_HOLDS_VALUE (keep) && json_node_get_value_type (keep) != G_TYPE_STRING
             ? g_strdup (e->actual) : node_text (keep);
    case COL_CONTEXT:
      o = parse_object (e->context, &keep);
      return members_text (o, "request_source");
    case N_COLS:
    default:
      return NULL;
    }
}

static void
setup_label (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             gpointer                  data)
{
  Column col = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (factory), "column"));
  GtkWidget *label = gtk_inscription_new (NULL);

  gtk_inscription_set_min_chars (GTK_INSCRIPTION (label), col == COL_ID ? 3 : col == COL_TIME ? 16 : 6);
  gtk_inscription_set_nat_chars (GTK_INSCRIPTION (label),
                                 col == COL_INPUT || col == COL_CONTEXT ? 36 : col == COL_ID ? 5 : col == COL_TIME ? 17 : 12);
  if (col == COL_ID || col == COL_VALUE || col == COL_RANGE || col == COL_CONFIDENCE)
    {
      gtk_inscription_set_xalign (GTK_INSCRIPTION (label), 1);
      gtk_widget_add_css_class (label, "numeric");
    }
  gtk_list_item_set_child (item, label);
}

static void
bind_label (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  data)
{
  Column col = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (factory), "column"));
  AxPredictionItem *it = gtk_list_item_get_item (item);
  g_autofree char *text = it ? cell_text (it->entry, col) : NULL;
  GtkInscription *label = GTK_INSCRIPTION (gtk_list_item_get_child (item));

  gtk_inscription_set_text (label, text);
  if (col == COL_INPUT || col == COL_CONTEXT)
    gtk_widget_set_tooltip_text (GTK_WIDGET (label), text && *text ? text : NULL);
}

static gboolean commit_actual (AxPredictionHistory *self, AxPredictionItem *item, const char *text);

static void
on_actual_editing (GtkEditableLabel    *label,
                   GParamSpec          *pspec,
                   AxPredictionHistory *self)
{
  GtkListItem *li = g_object_get_data (G_OBJECT (label), "list-item");
  AxPredictionItem *it = li ? gtk_list_item_get_item (li) : NULL;
  g_autofree char *before = NULL;

  if (gtk_editable_label_get_editing (label) || it == NULL)
    return;
  before = cell_text (it->entry, COL_ACTUAL);
  if (g_strcmp0 (before, gtk_editable_get_text (GTK_EDITABLE (label))) == 0)
    return;
  if (!commit_actual (self, it, gtk_editable_get_text (GTK_EDITABLE (label))))
    gtk_editable_set_text (GTK_EDITABLE (label), before);
}

static void
setup_actual (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              AxPredictionHistory      *self)
{
  GtkWidget *label = gtk_editable_label_new ("");

  gtk_editable_set_width_chars (GTK_EDITABLE (label), 8);
  /* Aligned as the predictions beside it. */
  gtk_editable_set_alignment (GTK_EDITABLE (label), 1);
  gtk_widget_add_css_class (label, "numeric");
  gtk_widget_set_tooltip_text (label, _("Type the value that really happened; Enter records it"));
  g_object_set_data (G_OBJECT (label), "list-item", item);
  g_signal_connect (label, "notify::editing", G_CALLBACK (on_actual_editing), self);
  gtk_list_item_set_child (item, label);
}

static void
bind_actual (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             gpointer                  data)
{
  AxPredictionItem *it = gtk_list_item_get_item (item);
  g_autofree char *text = it ? cell_text (it->entry, COL_ACTUAL) : NULL;

  gtk_editable_set_text (GTK_EDITABLE (gtk_list_item_get_child (item)), text ? text : "");
}

static void
add_columns (AxPredictionHistory *self)
{
  static const char *const titles[N_COLS] = {
    N_("No."), N_("Made"), N_("Model"), N_("Inputs"), N_("Predicted"), N_("Range"),
    N_("Confidence"), N_("Actual"), N_("Context"),
  };

  for (int c = 0; c < N_COLS; c++)
    {
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      g_autoptr(GtkColumnViewColumn) column = NULL;

      g_object_set_data (G_OBJECT (factory), "column", GINT_TO_POINTER (c));
      if (c == COL_ACTUAL)
        {
          g_signal_connect (factory, "setup", G_CALLBACK (setup_actual), self);
          g_signal_connect (factory, "bind", G_CALLBACK (bind_actual), self);
        }
      else
        {
          g_signal_connect (factory, "setup", G_CALLBACK (setup_label), NULL);
          g_signal_connect (factory, "bind", G_CALLBACK (bind_label), NULL);
        }
      column = gtk_column_view_column_new (_(titles[c]), factory);
      gtk_column_view_column_set_resizable (column, TRUE);
      if (c == COL_INPUT || c == COL_CONTEXT)
        gtk_column_view_column_set_expand (column, TRUE);
      gtk_column_view_append_column (self->table, column);
    }
}

/* Loading */

static void
on_accuracy (GObject      *source,
             GAsyncResult *res,
             gpointer      user_data)
{
  g_autoptr(AxPredictionHistory) self = user_data;
  AxJob *job = AX_JOB (source);
  g_autoptr(GError) error = NULL;
  AxAccuracySummary *summary;
  gboolean classification = FALSE, regression = FALSE;

  if (!ax_job_run_finish (job, res, &error) || self->accuracy_job != job)
    {
      if (self->accuracy_job == job)
        g_clear_object (&self->accuracy_job);
      if (error && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Could not measure the accuracy: %s", error->message);
      return;
    }
  summary = ax_predictions_accuracy_job_get_result (job);
  ax_chart_clear (AX_CHART (self->accuracy_chart));
  ax_chart_clear (AX_CHART (self->scatter_chart));
  for (guint i = 0; i < summary->series->len; i++)
    {
      AxAccuracySeries *s = g_ptr_array_index (summary->series, i);
      g_autofree double *y = g_new (double, s->n);
      /* Shares as percentages, errors as they are. */
      for (gsize k = 0; k < s->n; k++)
        y[k] = s->classification ? 100 * s->y[k] : s->y[k];
      ax_line_chart_add_series (self->accuracy_chart, s->model_name, s->x, y, s->n);
      classification |= s->classification;
      regression |= !s->classification;
    }
  ax_chart_set_axis_titles (AX_CHART (self->accuracy_chart), _("Day predicted"),
                            classification && regression ? _("Error (MAE) or % right")
                            : classification ? _("% right") : _("Mean absolute error"));
  if (summary->n_pairs)
    ax_scatter_chart_set_data (self->scatter_chart, summary->actual, summary->predicted, summary->n_pairs);
  ax_chart_set_empty_text (AX_CHART (self->scatter_chart),
                           self->model_id ? _("Record actual values of this model’s number predictions to compare them")
                                          : _("Choose one model to compare its predictions with what happened"));
  g_clear_object (&self->accuracy_job);
}

static void
load_accuracy (AxPredictionHistory *self)
{
  AxPredictionFilter filter;
  g_autofree char *since = NULL, *until = NULL;

  if (self->accuracy_job)
    ax_job_cancel (self->accuracy_job);
  g_clear_object (&self->accuracy_job);
  if (self->project == NULL)
    return;
  make_filter (self, &filter, &since, &until);
  self->accuracy_job = ax_predictions_accuracy_job_new (ax_project_get_path (self->project), &filter);
  ax_job_run_async (self->accuracy_job, on_accuracy, g_object_ref (self));
}

static void
update_count (AxPredictionHistory *self)
{
  guint shown = g_list_model_get_n_items (G_LIST_MODEL (self->items));
  g_autofree char *text = NULL;

  if (self->n_matching > shown)
    text = g_strdup_printf (_("Showing the newest %u of %" G_GINT64_FORMAT), shown, self->n_matching);
  else
    text = g_strdup_printf (g_dngettext (NULL, "%" G_GINT64_FORMAT " prediction",
                                         "%" G_GINT64_FORMAT " predictions", self->n_matching),
                            self->n_matching);
  gtk_label_set_text (self->count_label, text);
  gtk_widget_set_visible (self->more_button, self->n_matching > shown);
  gtk_stack_set_visible_child_name (self->table_stack, self->n_matching > 0 ? "table" : "empty");
}

/* Appends the next page; @reset starts over. */
static void
load_page (AxPredictionHistory *self,
           gboolean             reset)
{
  AxPredictionFilter filter;
  g_autofree char *since = NULL, *until = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  AxStore *store;
  guint offset;

  if (self->project == NULL)
    {
      g_list_store_remove_all (self->items);
      self->n_matching = 0;
      update_count (self);
      return;
    }
  store = ax_project_get_store (self->project);
  make_filter (self, &filter, &since, &until);
  offset = reset ? 0 : g_list_model_get_n_items (G_LIST_MODEL (self->items));
  entries = ax_store_query_predictions (store, &filter, offset, PAGE_SIZE, &error);
  if (entries == NULL)
    {
      ax_widget_toast (GTK_WIDGET (self), error->message);
      return;
    }
  self->n_matching = ax_store_count_predictions (store, &filter, NULL);
  for (guint i = 0; i < entries->len; i++)
    {
      AxPredictionItem *item = g_object_new (AX_TYPE_PREDICTION_ITEM, NULL);
      item->entry = g_ptr_array_index (entries, i);
      entries->pdata[i] = NULL;
      g_ptr_array_add (items, item);
    }
  g_list_store_splice (self->items, offset, reset ? g_list_model_get_n_items (G_LIST_MODEL (self->items)) : 0,
                       items->pdata, items->len);
  update_count (self);
}

static void
fill_versions (AxPredictionHistory *self)
{
  ax_version_drop_fill (self->version_filter, self->versions, self->project, self->model_id,
                        _("All versions"), &self->version);
  gtk_widget_set_sensitive (GTK_WIDGET (self->version_filter), self->model_id != 0);
}

static void
fill_filters (AxPredictionHistory *self)
{
  g_autoptr(GtkStringList) strings = gtk_string_list_new (NULL);
  g_autoptr(GPtrArray) models = NULL;
  guint selected = 0;

  self->filling = TRUE;
  g_array_set_size (self->model_ids, 0);
  gtk_string_list_append (strings, _("All models"));
  g_array_append_val (self->model_ids, (gint64) { 0 });
  if (self->project)
    models = ax_store_list_models (ax_project_get_store (self->project), NULL);
  for (guint i = 0; models && i < models->len; i++)
    {
      AxModelInfo *info = g_ptr_array_index (models, i);
      gtk_string_list_append (strings, info->name);
      g_array_append_val (self->model_ids, info->id);
      if (info->id == self->model_id)
        selected = i + 1;
    }
  if (selected == 0)
    self->model_id = 0;
  gtk_drop_down_set_model (self->model_filter, G_LIST_MODEL (strings));
  gtk_drop_down_set_selected (self->model_filter, selected);
  fill_versions (self);
  self->filling = FALSE;
}

static void
reload (AxPredictionHistory *self)
{
  fill_filters (self);
  load_page (self, TRUE);
  load_accuracy (self);
}

static void
on_model_filter (AxPredictionHistory *self)
{
  guint i = gtk_drop_down_get_selected (self->model_filter);

  if (self->filling || i >= self->model_ids->len)
    return;
  self->model_id = g_array_index (self->model_ids, gint64, i);
  self->version = 0;
  reload (self);
}

static void
on_version_filter (AxPredictionHistory *self)
{
  guint i = gtk_drop_down_get_selected (self->version_filter);

  if (self->filling || i >= self->versions->len)
    return;
  self->version = g_array_index (self->versions, guint, i);
  load_page (self, TRUE);
  load_accuracy (self);
}

static void
show_date (GtkMenuButton *button,
           GDateTime     *date)
{
  g_autofree char *text = date ? g_date_time_format (date, "%Y-%m-%d") : NULL;
  gtk_menu_button_set_label (button, text ? text : _("Any date"));
}

static void
on_day_selected (AxPredictionHistory *self,
                 GtkCalendar         *calendar)
{
  g_autoptr(GDateTime) picked = gtk_calendar_get_date (calendar);
  GDateTime *day = g_date_time_new_local (g_date_time_get_year (picked), g_date_time_get_month (picked),
                                          g_date_time_get_day_of_month (picked), 0, 0, 0);

  if (calendar == self->since_calendar)
    {
      g_clear_pointer (&self->since, g_date_time_unref);
      self->since = day;
      show_date (self->since_button, day);
      gtk_menu_button_popdown (self->since_button);
    }
  else
    {
      g_clear_pointer (&self->until, g_date_time_unref);
      self->until = day;
      show_date (self->until_button, day);
      gtk_menu_button_popdown (self->until_button);
    }
  load_page (self, TRUE);
  load_accuracy (self);
}

static void
clear_date_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  AxPredictionHistory *self = AX_PREDICTION_HISTORY (widget);

  if (g_str_equal (action_name, "history.clear-since"))
    {
      g_clear_pointer (&self->since, g_date_time_unref);
      show_date (self->since_button, NULL);
      gtk_menu_button_popdown (self->since_button);
    }
  else
    {
      g_clear_pointer (&self->until, g_date_time_unref);
      show_date (self->until_button, NULL);
      gtk_menu_button_popdown (self->until_button);
    }
  load_page (self, TRUE);
  load_accuracy (self);
}

static void
show_more_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  load_page (AX_PREDICTION_HISTORY (widget), FALSE);
}

/* Actual values typed in */

static gboolean
commit_actual (AxPredictionHistory *self,
               AxPredictionItem    *item,
               const char          *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AxPredictionEntry) fresh = NULL;
  AxStore *store;

  if (self->project == NULL)
    return FALSE;
  store = ax_project_get_store (self->project);
  if (!ax_predictions_set_actual_text (store, item->entry->id, text, &error))
    {
      ax_widget_toast (GTK_WIDGET (self), error->message);
      return FALSE;
    }
  fresh = ax_store_get_prediction (store, item->entry->id, NULL);
  if (fresh)
    {
      ax_prediction_entry_free (item->entry);
      item->entry = g_steal_pointer (&fresh);
    }
  load_accuracy (self);
  return TRUE;
}

gboolean
ax_prediction_history_set_actual (AxPredictionHistory *self,
                                  guint                position,
                                  const char          *text)
{
  g_autoptr(AxPredictionItem) item = g_list_model_get_item (G_LIST_MODEL (self->items), position);

  g_return_val_if_fail (AX_IS_PREDICTION_HISTORY (self), FALSE);
  if (item == NULL || !commit_actual (self, item, text))
    return FALSE;
  /* Redraw the row with what was stored. */
  g_list_store_splice (self->items, position, 1, (gpointer *) &item, 1);
  return TRUE;
}

/* Actual values from a file */

static void
on_actuals_done (GObject      *source,
                 GAsyncResult *res,
                 gpointer      user_data)
{
  g_autoptr(AxPredictionHistory) self = user_data;
  AxJob *job = AX_JOB (source);
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  if (!ax_job_run_finish (job, res, &error))
    {
      if (self->actuals_job == job)
        g_clear_object (&self->actuals_job);
      message = g_strdup_printf (_("Could not record the actual values: %s"), error->message);
      ax_widget_toast (GTK_WIDGET (self), message);
      return;
    }
  self->report = *ax_predictions_actuals_job_get_report (job);
  self->have_report = TRUE;
  g_clear_object (&self->actuals_job);
  message = g_strdup_printf (_("Recorded %" G_GUINT64_FORMAT " actual values: %" G_GUINT64_FORMAT
                               " rows matched, %" G_GUINT64_FORMAT " matched no prediction"
                               "%s"),
                             self->report.n_updated, self->report.n_matched, self->report.n_unmatched,
                             self->report.n_invalid ? _(", some values could not be read") : "");
  ax_widget_toast (GTK_WIDGET (self), message);
  if (self->project)
    ax_project_changed (self->project);
}

typedef struct {
  AxPredictionHistory *self;
  GFile               *file;
  GtkStringList       *keys;
  GtkStringList       *columns;
  AdwComboRow         *key_row;
  AdwComboRow         *actual_row;
} ActualsDialog;

static void
actuals_dialog_free (gpointer p)
{
  ActualsDialog *d = p;
  g_object_unref (d->self);
  g_object_unref (d->file);
  g_object_unref (d->keys);
  g_object_unref (d->columns);
  g_free (d);
}

static void
on_actuals_response (AdwMessageDialog *dialog,
                     const char       *response,
                     ActualsDialog    *d)
{
  GtkStringObject *key, *actual;
  AxPredictionHistory *self = d->self;

  if (!g_str_equal (response, "record") || self->project == NULL || self->actuals_job)
    return;
  key = adw_combo_row_get_selected_item (d->key_row);
  actual = adw_combo_row_get_selected_item (d->actual_row);
  if (key == NULL || actual == NULL)
    return;
  self->actuals_job = ax_predictions_actuals_job_new (ax_project_get_path (self->project), self->model_id,
                                                      d->file, gtk_string_object_get_string (key),
                                                      gtk_string_object_get_string (actual));
  ax_job_run_async (self->actuals_job, on_actuals_done, g_object_ref (self));
}

/* The names that the predictions shown carry in their input or context:
 * what a key column can match. */
static GHashTable *
prediction_keys (AxPredictionHistory *self)
{
  GHashTable *keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint n = MIN (g_list_model_get_n_items (G_LIST_MODEL (self->items)), PAGE_SIZE);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(AxPredictionItem) item = g_list_model_get_item (G_LIST_MODEL (self->items), i);
      const char *jsons[2] = { item->entry->input, item->entry->context };
      for (guint j = 0; j < 2; j++)
        {
          g_autoptr(JsonNode) keep = NULL;
          JsonObject *o = parse_object (jsons[j], &keep);
          g_autoptr(GList) names = o ? json_object_get_members (o) : NULL;
          for (GList *l = names; l; l = l->next)
            g_hash_table_add (keys, g_strdup (l->data));
        }
    }
  return keys;
}

static void
on_header_read (GObject      *source,
                GAsyncResult *res,
                gpointer      user_data)
{
  g_autoptr(AxPredictionHistory) self = user_data;
  AxJob *job = AX_JOB (source);
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) known = NULL;
  g_autofree char *base = NULL;
  g_autofree char *body = NULL;
  ActualsDialog *d;
  GtkWidget *dialog, *list;
  char **names;
  guint actual_pick = 0, n_keys = 0;
  const char *target = NULL;

  if (!ax_job_run_finish (job, res, &error))
    {
      g_autofree char *message = g_strdup_printf (_("Could not read the file: %s"), error->message);
      if (self->header_job == job)
        g_clear_object (&self->header_job);
      ax_widget_toast (GTK_WIDGET (self), message);
      return;
    }
  if (self->header_job != job)
    return;
  names = ax_predictions_header_job_get_result (job);
  known = prediction_keys (self);
  d = g_new0 (ActualsDialog, 1);
  d->self = g_object_ref (self);
  d->file = g_object_ref (g_object_get_data (G_OBJECT (job), "file"));
  d->keys = gtk_string_list_new (NULL);
  d->columns = gtk_string_list_new (NULL);
  /* The model's target is the natural actual value column. */
  if (self->model_id && self->project)
    {
      g_autoptr(AxModelVersion) v = ax_store_get_model_version (ax_project_get_store (self->project),
                                                                self->model_id, 0, NULL);
      g_autoptr(JsonNode) keep = NULL;
      JsonObject *config = v ? parse_object (v->config, &keep) : NULL;
      if (config && json_object_has_member (config, "target"))
        target = g_intern_string (json_object_get_string_member (config, "target"));
    }
  for (guint i = 0; names[i]; i++)
    {
      gtk_string_list_append (d->columns, names[i]);
      if (g_hash_table_contains (known, names[i]))
        {
          gtk_string_list_append (d->keys, names[i]);
          n_keys++;
        }
      if (target && g_str_equal (names[i], target))
        actual_pick = i;
    }
  g_clear_object (&self->header_job);

  base = g_file_get_basename (d->file);
  if (n_keys == 0)
    {
      body = g_strdup_printf (_("None of the columns of “%s” is an input or a context detail of the predictions shown, so no row can be matched. Add a column the predictions share, such as an identifier."), base);
      dialog = adw_message_dialog_new (ax_widget_get_window (GTK_WIDGET (self)), _("No Key Column"), body);
      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
      actuals_dialog_free (d);
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    }
  body = g_strdup_printf (_("Rows of “%s” are matched to predictions whose input or context has the same key; each match records the row’s actual value."), base);
  dialog = adw_message_dialog_new (ax_widget_get_window (GTK_WIDGET (self)), _("Record Actual Values"), body);
  list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  d->key_row = ADW_COMBO_ROW (adw_combo_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (d->key_row), _("_Key column"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (d->key_row), TRUE);
  adw_combo_row_set_model (d->key_row, G_LIST_MODEL (d->keys));
  d->actual_row = ADW_COMBO_ROW (adw_combo_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (d->actual_row), _("_Actual value column"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (d->actual_row), TRUE);
  adw_combo_row_set_model (d->actual_row, G_LIST_MODEL (d->columns));
  adw_combo_row_set_selected (d->actual_row, actual_pick);
  gtk_list_box_append (GTK_LIST_BOX (list), GTK_WIDGET (d->key_row));
  gtk_list_box_append (GTK_LIST_BOX (list), GTK_WIDGET (d->actual_row));
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), list);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                    "record", _("_Record"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "record", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "record");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "ax-actuals", d, actuals_dialog_free);
  g_signal_connect (dialog, "response", G_CALLBACK (on_actuals_response), d);
  gtk_window_present (GTK_WINDOW (dialog));
}

void
ax_prediction_history_open_actuals (AxPredictionHistory *self,
                                    GFile               *file)
{
  g_return_if_fail (AX_IS_PREDICTION_HISTORY (self));
  if (self->header_job)
    ax_job_cancel (self->header_job);
  g_clear_object (&self->header_job);
  self->header_job = ax_predictions_header_job_new (file);
  g_object_set_data_full (G_OBJECT (self->header_job), "file", g_object_ref (file), g_object_unref);
  ax_job_run_async (self->header_job, on_header_read, g_object_ref (self));
}

static void
on_open_response (GtkNativeDialog     *chooser,
                  int                  response,
                  AxPredictionHistory *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      ax_prediction_history_open_actuals (self, file);
    }
  g_clear_object (&self->chooser);
}

static void
record_csv_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  AxPredictionHistory *self = AX_PREDICTION_HISTORY (widget);
  g_autoptr(GtkFileFilter) filter = ax_data_file_filter_new ();

  g_clear_object (&self->chooser);
  self->chooser = gtk_file_chooser_native_new (_("Record Actual Values"), ax_widget_get_window (GTK_WIDGET (self)),
                                               GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), NULL);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_open_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/* Public */

void
ax_prediction_history_set_project (AxPredictionHistory *self,
                                   AxProject           *project)
{
  g_return_if_fail (AX_IS_PREDICTION_HISTORY (self));
  g_set_object (&self->project, project);
  reload (self);
}

void
ax_prediction_history_set_filter_model (AxPredictionHistory *self,
                                        gint64               model_id)
{
  g_return_if_fail (AX_IS_PREDICTION_HISTORY (self));
  self->model_id = model_id;
  self->version = 0;
  reload (self);
}

void
ax_prediction_history_set_filter_dates (AxPredictionHistory *self,
                                        GDateTime           *since,
                                        GDateTime           *until)
{
  g_clear_pointer (&self->since, g_date_time_unref);
  g_clear_pointer (&self->until, g_date_time_unref);
  self->since = since ? g_date_time_ref (since) : NULL;
  self->until = until ? g_date_time_ref (until) : NULL;
  show_date (self->since_button, self->since);
  show_date (self->until_button, self->until);
  load_page (self, TRUE);
  load_accuracy (self);
}

GtkColumnView *
ax_prediction_history_get_table (AxPredictionHistory *self)
{
  return self->table;
}

gint64
ax_prediction_history_get_n_matching (AxPredictionHistory *self)
{
  return self->n_matching;
}

const AxActualsReport *
ax_prediction_history_get_last_report (AxPredictionHistory *self)
{
  return self->have_report ? &self->report : NULL;
}

gboolean
ax_prediction_history_is_busy (AxPredictionHistory *self)
{
  return self->accuracy_job || self->header_job || self->actuals_job;
}

GtkWidget *
ax_prediction_history_get_accuracy_chart (AxPredictionHistory *self)
{
  return GTK_WIDGET (self->accuracy_chart);
}

GtkWidget *
ax_prediction_history_get_scatter_chart (AxPredictionHistory *self)
{
  return GTK_WIDGET (self->scatter_chart);
}

static void
ax_prediction_history_dispose (GObject *object)
{
  AxPredictionHistory *self = AX_PREDICTION_HISTORY (object);

  if (self->accuracy_job)
    ax_job_cancel (self->accuracy_job);
  g_clear_object (&self->accuracy_job);
  g_clear_object (&self->header_job);
  g_clear_object (&self->actuals_job);
  g_clear_object (&self->chooser);
  if (self->table)
    gtk_column_view_set_model (self->table, NULL);
  g_clear_object (&self->items);
  g_clear_object (&self->project);
  g_clear_pointer (&self->since, g_date_time_unref);
  g_clear_pointer (&self->until, g_date_time_unref);
  adw_bin_set_child (ADW_BIN (self), NULL);
  G_OBJECT_CLASS (ax_prediction_history_parent_class)->dispose (object);
}

static void
ax_prediction_history_finalize (GObject *object)
{
  AxPredictionHistory *self = AX_PREDICTION_HISTORY (object);

  g_array_unref (self->model_ids);
  g_array_unref (self->versions);
  G_OBJECT_CLASS (ax_prediction_history_parent_class)->finalize (object);
}

static void
ax_prediction_history_class_init (AxPredictionHistoryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ax_prediction_history_dispose;
  object_class->finalize = ax_prediction_history_finalize;
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/auspex/Auspex/ui/ax-prediction-history.ui");
  gtk_widget_class_bind_template_child (widget_class, AxPredictionHistory, model_filter);
  gtk_widget_class_bind_template_child (widget_class, AxPredictionHistory, version_filter);
  gtk_widget_class_bind_template_child (widget_class, AxPredictionHistory, since_button);
  gtk_widget_class_bind_template_child (widget_class, AxPredictionHistory, until_button);
  gtk_widget_class_bind_template_child (widget_class, AxPredictionHistory, since_calendar);
  gtk_widget_class_bind_template_child (widget_class, AxPredictionHistory, until_calendar);
  gtk_widget_class_bind_template_child (widget_class, AxPredictionHistory, count_label);
  gtk_widget_class_bind_template_child (widget_class, AxPredictionHistory, table_stack);
  gtk_widget_class_bind_template_child (widget_class, AxPredictionHistory, table);
  gtk_widget_class_bind_template_child (widget_class, AxPredictionHistory, more_button);
  gtk_widget_class_bind_template_child (widget_class, AxPredictionHistory, charts_box);
  gtk_widget_class_install_action (widget_class, "history.clear-since", NULL, clear_date_action);
  gtk_widget_class_install_action (widget_class, "history.clear-until", NULL, clear_date_action);
  gtk_widget_class_install_action (widget_class, "history.show-more", NULL, show_more_action);
  gtk_widget_class_install_action (widget_class, "history.record-csv", NULL, record_csv_action);
}

static void
ax_prediction_history_init (AxPredictionHistory *self)
{
  g_autoptr(GtkNoSelection) selection = NULL;

  self->model_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->versions = g_array_new (FALSE, FALSE, sizeof (guint));
  gtk_widget_init_template (GTK_WIDGET (self));
  self->items = g_list_store_new (AX_TYPE_PREDICTION_ITEM);
  selection = gtk_no_selection_new (G_LIST_MODEL (g_object_ref (self->items)));
  gtk_column_view_set_model (self->table, GTK_SELECTION_MODEL (selection));
  add_columns (self);

  self->accuracy_chart = ax_line_chart_new ();
  ax_line_chart_set_time_axis (self->accuracy_chart, TRUE);
  ax_chart_set_title (AX_CHART (self->accuracy_chart), _("Accuracy over Time"));
  ax_chart_set_empty_text (AX_CHART (self->accuracy_chart),
                           _("Record actual values to see how right the predictions were, day by day"));
  gtk_box_append (self->charts_box, GTK_WIDGET (self->accuracy_chart));
  self->scatter_chart = ax_scatter_chart_new ();
  ax_scatter_chart_set_diagonal (self->scatter_chart, TRUE);
  ax_chart_set_title (AX_CHART (self->scatter_chart), _("Actual against Predicted"));
  ax_chart_set_axis_titles (AX_CHART (self->scatter_chart), _("Actual"), _("Predicted"));
  gtk_box_append (self->charts_box, GTK_WIDGET (self->scatter_chart));

  g_signal_connect_swapped (self->model_filter, "notify::selected", G_CALLBACK (on_model_filter), self);
  g_signal_connect_swapped (self->version_filter, "notify::selected", G_CALLBACK (on_version_filter), self);
  g_signal_connect_swapped (self->since_calendar, "day-selected", G_CALLBACK (on_day_selected), self);
  g_signal_connect_swapped (self->until_calendar, "day-selected", G_CALLBACK (on_day_selected), self);
}
