/* ax-import-dialog.c — choosing how a file is read, then importing it
 *
 * Two pages in a stack.  "options" has the reading options on the left
 * and, on the right, the first rows as the import would read them, with a
 * type picker above each column.  Every option change reads the preview
 * again in a worker thread; a newer request cancels an older one, and only
 * the newest result is shown.  "progress" follows the import job while it
 * runs; the dialog goes back to "options" when the job is cancelled or
 * fails, and closes once it has committed.
 */

#include "ax-config.h"
#include "ax-import-dialog.h"
#include "ax-store.h"
#include "ax-types.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#define PREVIEW_ROWS      50
/* Lets a burst of changes (holding a spin button's arrow) settle before
 * the file is read again. */
#define PREVIEW_DELAY_MS  150
#define MAX_COLUMN_WIDTH  280
/* A cell's padding in the data-table style, and room for a header's
 * padding, around the text itself. */
#define CELL_PADDING      28

struct _AxImportDialog {
  AdwWindow            parent_instance;

  AdwWindowTitle      *window_title;
  GtkWidget           *cancel_button;
  GtkWidget           *import_button;
  GtkStack            *main_stack;
  GtkWidget           *error_box;
  GtkLabel            *error_label;
  AdwEntryRow         *name_row;
  AdwPreferencesGroup *reading_group;
  AdwComboRow         *format_row;
  AdwComboRow         *sheet_row;
  GtkStringList       *sheet_list;
  GtkWidget           *header_row;
  GtkSwitch           *header_switch;
  GtkWidget           *skip_row;
  GtkSpinButton       *skip_spin;
  GtkSwitch           *skip_bad_switch;
  GtkLabel            *preview_caption;
  GtkWidget           *warning_box;
  GtkLabel            *warning_label;
  GtkLabel            *warning_detail;
  GtkStack            *preview_stack;
  GtkSpinner          *preview_spinner;
  GtkScrolledWindow   *types_scroller;
  GtkScrolledWindow   *table_scroller;
  GtkBox              *types_strip;
  GtkColumnView       *table;
  AdwStatusPage       *preview_error;
  AdwStatusPage       *progress_page;
  GtkProgressBar      *progress_bar;
  GtkLabel            *detail_label;
  GtkLabel            *eta_label;

  AxProject           *project;
  GFile               *file;

  /* The preview shown (NULL while none has been read, or reading failed)
   * and the column types the import will use: the inferred ones, fixed
   * where the person picked another type. */
  AxImportPreview     *preview;
  AxColumnSpec        *specs;
  /* Types picked, by column name, so that a pick survives reading the
   * preview again with other options. */
  GHashTable          *picked;
  GCancellable        *preview_cancellable;
  guint                preview_timeout;
  gboolean             preview_pending;   /* options changed, preview not yet read */

  AxJob               *job;
  guint                pulse_timeout;
  gboolean             close_after_job;
  gboolean             disposed;
};

enum { PROP_0, PROP_PROJECT, PROP_FILE, N_PROPS };
static GParamSpec *properties[N_PROPS];

enum { IMPORTED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (AxImportDialog, ax_import_dialog, ADW_TYPE_WINDOW)

static void start_preview (AxImportDialog *self);

/* State. */

static char *
dup_name (AxImportDialog *self)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
}

static void
update_actions (AxImportDialog *self)
{
  g_autofree char *name = dup_name (self);
  gboolean ready = self->job == NULL && self->preview != NULL && !self->preview_pending && name[0] != '\0';

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "import.import", ready);
}

/* The format the file is read as: the one picked, else the one detected. */
static AxFileFormat
effective_format (AxImportDialog *self)
{
  AxFileFormat format = adw_combo_row_get_selected (self->format_row);

  if (format == AX_FORMAT_AUTO && self->preview)
    format = self->preview->format;
  return format;
}

/* Fills @read from the option rows; the sheet name is borrowed from the
 * sheet list and must be copied to outlive it. */
static void
get_read_options (AxImportDialog *self,
                  AxReadOptions  *read)
{
  memset (read, 0, sizeof *read);
  read->format = adw_combo_row_get_selected (self->format_row);
  read->no_header = !gtk_switch_get_active (self->header_switch);
  read->skip_rows = (guint) gtk_spin_button_get_value_as_int (self->skip_spin);
  if (gtk_widget_get_visible (GTK_WIDGET (self->sheet_row)))
    {
      guint i = adw_combo_row_get_selected (self->sheet_row);
      if (i != GTK_INVALID_LIST_POSITION)
        read->sheet = gtk_string_list_get_string (self->sheet_list, i);
    }
}

static void
hide_error (AxImportDialog *self)
{
  gtk_widget_set_visible (self->error_box, FALSE);
  gtk_widget_remove_css_class (GTK_WIDGET (self->name_row), "error");
}

/* Shows why an import failed, on the options page, with a hint where
 * there is an obvious thing to change. */
static void
show_error (AxImportDialog *self,
            const GError   *error)
{
  g_autofree char *text = NULL;

  if (g_error_matches (error, AX_SOURCE_ERROR, AX_SOURCE_ERROR_BAD_ROW))
    /* Translators: %s is why a row could not be read ("Line 5, column 2: …") */
    text = g_strdup_printf (_("%s. Turn on “Skip rows that cannot be read” to import the other rows."),
                            error->message);
  else
    text = g_strdup (error->message);
  gtk_label_set_label (self->error_label, text);
  gtk_widget_set_visible (self->error_box, TRUE);

  if (g_error_matches (error, AX_STORE_ERROR, AX_STORE_ERROR_NAME_TAKEN))
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->name_row), "error");
      gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
    }
}

/* The preview table. */

static void
cell_setup (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  data)
{
  GtkWidget *cell = gtk_inscription_new (NULL);

  gtk_inscription_set_text_overflow (GTK_INSCRIPTION (cell), GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);
  gtk_list_item_set_child (item, cell);
}

/* The model is a plain list as long as the preview; a cell finds its text
 * by its position, since the preview is never sorted or filtered. */
static void
cell_bind (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           AxImportDialog           *self)
{
  GtkInscription *cell = GTK_INSCRIPTION (gtk_list_item_get_child (item));
  guint col = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (factory), "column"));
  guint pos = gtk_list_item_get_position (item);
  const char *text = NULL;
  gboolean missing;

  if (self->preview == NULL || pos >= self->preview->rows->len)
    return;
  text = g_ptr_array_index ((GPtrArray *) g_ptr_array_index (self->preview->rows, pos), col);
  /* What the import will store as missing reads as a dimmed dash. */
  missing = ax_infer_is_missing (text, ax_infer_default_missing_tokens ());
  gtk_inscription_set_text (cell, missing ? "—" : text);
  gtk_inscription_set_xalign (cell, ax_column_type_is_numeric (self->preview->specs[col].type) ? 1.0 : 0.0);
  if (missing)
    gtk_widget_add_css_class (GTK_WIDGET (cell), "dim-label");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (cell), "dim-label");
}

static void
clear_table (AxImportDialog *self)
{
  GListModel *columns = gtk_column_view_get_columns (self->table);
  GtkWidget *child;

  gtk_column_view_set_model (self->table, NULL);
  while (g_list_model_get_n_items (columns) > 0)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, 0);
      gtk_column_view_remove_column (self->table, column);
    }
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->types_strip))))
    gtk_box_remove (self->types_strip, child);
}

static int
text_width (GtkWidget  *widget,
            const char *text)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, text);
  int width;

  pango_layout_get_pixel_size (layout, &width, NULL);
  return width;
}

/* Wide enough for the column's name and its longest previewed value, but
 * never narrower than its type picker. */
static int
column_width (AxImportDialog *self,
              guint           col,
              int             picker_width)
{
  const char *longest = self->preview->names[col];
  glong longest_len = g_utf8_strlen (longest, -1);

  for (guint r = 0; r < self->preview->rows->len; r++)
    {
      const char *text = g_ptr_array_index ((GPtrArray *) g_ptr_array_index (self->preview->rows, r), col);
      glong len = text ? g_utf8_strlen (text, -1) : 0;
      if (len > longest_len)
        {
          longest = text;
          longest_len = len;
        }
    }
  return CLAMP (text_width (GTK_WIDGET (self->table), longest) + CELL_PADDING, picker_width, MAX_COLUMN_WIDTH);
}

/* The first date layout every previewed value of @col reads in, so that a
 * column picked as a date is read the way its values are written. */
static AxDateOrder
guess_date_order (AxImportDialog *self,
                  guint           col)
{
  for (AxDateOrder order = 0; order < AX_N_DATE_ORDERS; order++)
    {
      gboolean all = TRUE;
      for (guint r = 0; r < self->preview->rows->len && all; r++)
        {
          const char *text = g_ptr_array_index ((GPtrArray *) g_ptr_array_index (self->preview->rows, r), col);
          g_autofree char *value = NULL;
          gint64 days;

          if (ax_infer_is_missing (text, ax_infer_default_missing_tokens ()))
            continue;
          value = g_strstrip (g_strdup (text));
          all = ax_parse_date (value, order, &days);
        }
      if (all)
        return order;
    }
  return self->preview->specs[col].type == AX_COLUMN_DATE ? self->preview->specs[col].date_order : AX_DATE_ISO;
}

/* Sets column @col to @type: picking the inferred type again undoes the
 * pick; any other makes the column's spec fixed. */
static void
set_column_type (AxImportDialog *self,
                 guint           col,
                 AxColumnType    type)
{
  const AxColumnSpec *inferred = &self->preview->specs[col];

  if (type == inferred->type)
    {
      self->specs[col] = *inferred;
      g_hash_table_remove (self->picked, self->preview->names[col]);
      return;
    }
  self->specs[col].type = type;
  self->specs[col].fixed = TRUE;
  self->specs[col].date_order = type == AX_COLUMN_DATE ? guess_date_order (self, col) : AX_DATE_ISO;
  g_hash_table_insert (self->picked, g_strdup (self->preview->names[col]), GINT_TO_POINTER (type));
}

static void
type_picked (GtkDropDown    *picker,
             GParamSpec     *pspec,
             AxImportDialog *self)
{
  guint col = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (picker), "column"));

  set_column_type (self, col, gtk_drop_down_get_selected (picker));
}

static void
picker_width_changed (GtkColumnViewColumn *column,
                      GParamSpec          *pspec,
                      GtkWidget           *picker)
{
  gtk_widget_set_size_request (picker, gtk_column_view_column_get_fixed_width (column), -1);
}

static GtkWidget *
type_picker_new (AxImportDialog *self,
                 guint           col)
{
  const char *labels[AX_N_COLUMN_TYPES + 1];
  g_autofree char *description = NULL;
  GtkWidget *picker;

  for (guint t = 0; t < AX_N_COLUMN_TYPES; t++)
    labels[t] = ax_column_type_label (t);
  labels[AX_N_COLUMN_TYPES] = NULL;

  picker = gtk_drop_down_new_from_strings (labels);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (picker), self->specs[col].type);
  gtk_widget_set_margin_start (picker, 6);
  gtk_widget_set_margin_end (picker, 6);
  gtk_widget_set_margin_top (picker, 6);
  gtk_widget_set_margin_bottom (picker, 6);
  /* Translators: %s is a column name */
  description = g_strdup_printf (_("Type of “%s”"), self->preview->names[col]);
  gtk_widget_set_tooltip_text (picker, description);
  gtk_accessible_update_property (GTK_ACCESSIBLE (picker), GTK_ACCESSIBLE_PROPERTY_LABEL, description, -1);
  g_object_set_data (G_OBJECT (picker), "column", GUINT_TO_POINTER (col));
  g_signal_connect (picker, "notify::selected", G_CALLBACK (type_picked), self);
  return picker;
}

/* The narrowest a column may be: its type picker showing the widest
 * type's name. */
static int
picker_min_width (AxImportDialog *self)
{
  int widest = 0;

  for (guint t = 0; t < AX_N_COLUMN_TYPES; t++)
    widest = MAX (widest, text_width (GTK_WIDGET (self->types_strip), ax_column_type_label (t)));
  /* The button's padding, its arrow, and the picker's margins. */
  return widest + 56;
}

static void
fill_table (AxImportDialog *self)
{
  AxImportPreview *preview = self->preview;
  g_autoptr(GtkStringList) rows = gtk_string_list_new (NULL);
  g_autoptr(GtkNoSelection) model = NULL;
  int min_width = picker_min_width (self);

  for (guint c = 0; c < preview->n_columns; c++)
    {
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      g_autoptr(GtkColumnViewColumn) column = NULL;
      GtkWidget *picker = type_picker_new (self, c);
      int width = column_width (self, c, min_width);

      g_object_set_data (G_OBJECT (factory), "column", GUINT_TO_POINTER (c));
      g_signal_connect (factory, "setup", G_CALLBACK (cell_setup), NULL);
      g_signal_connect (factory, "bind", G_CALLBACK (cell_bind), self);
      column = gtk_column_view_column_new (preview->names[c], factory);
      gtk_column_view_column_set_resizable (column, TRUE);
      gtk_column_view_column_set_fixed_width (column, width);
      gtk_column_view_append_column (self->table, column);

      gtk_widget_set_size_request (picker, width - 12, -1);
      gtk_box_append (self->types_strip, picker);
      g_signal_connect_object (column, "notify::fixed-width", G_CALLBACK (picker_width_changed), picker, 0);
    }

  for (guint r = 0; r < preview->rows->len; r++)
    gtk_string_list_append (rows, "");
  model = gtk_no_selection_new (G_LIST_MODEL (g_steal_pointer (&rows)));
  gtk_column_view_set_model (self->table, GTK_SELECTION_MODEL (model));
}

/* The option rows that follow what was read. */

static void
update_sheets (AxImportDialog *self)
{
  g_autofree char *current = NULL;
  guint n_old = g_list_model_get_n_items (G_LIST_MODEL (self->sheet_list));
  guint select = 0;
  AxReadOptions read;

  get_read_options (self, &read);
  current = g_strdup (read.sheet);

  g_signal_handlers_block_matched (self->sheet_row, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, self);
  gtk_string_list_splice (self->sheet_list, 0, n_old, (const char * const *) self->preview->sheets);
  for (guint i = 0; current && self->preview->sheets && self->preview->sheets[i]; i++)
    if (g_strcmp0 (self->preview->sheets[i], current) == 0)
      select = i;
  if (self->preview->sheets)
    adw_combo_row_set_selected (self->sheet_row, select);
  g_signal_handlers_unblock_matched (self->sheet_row, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, self);
  gtk_widget_set_visible (GTK_WIDGET (self->sheet_row), self->preview->sheets != NULL);
}

static const char *
delimiter_name (char delimiter)
{
  switch (delimiter)
    {
    case ',':  return _("Comma");
    case ';':  return _("Semicolon");
    case '\t': return _("Tab");
    case '|':  return _("Vertical bar");
    case ' ':  return _("Space");
    default:   return NULL;
    }
}

/* The format row's subtitle says what "Automatic" found; the group's
 * description the encoding and delimiter; the header and skip rows apply
 * only to formats with rows. */
static void
update_detected (AxImportDialog *self)
{
  AxImportPreview *preview = self->preview;
  GListModel *formats = adw_combo_row_get_model (self->format_row);
  AxFileFormat format = effective_format (self);
  gboolean tabular = format != AX_FORMAT_JSON && format != AX_FORMAT_NDJSON;
  g_autofree char *subtitle = NULL;
  g_autofree char *description = NULL;

  if (preview && adw_combo_row_get_selected (self->format_row) == AX_FORMAT_AUTO)
    /* Translators: %s is a file format ("CSV") */
    subtitle = g_strdup_printf (_("Detected: %s"),
                                gtk_string_list_get_string (GTK_STRING_LIST (formats), preview->format));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->format_row), subtitle ? subtitle : "");

  if (preview && (preview->format == AX_FORMAT_CSV || preview->format == AX_FORMAT_TSV))
    {
      const char *name = delimiter_name (preview->delimiter);
      g_autofree char *quoted = name ? NULL : g_strdup_printf ("“%c”", preview->delimiter);
      /* Translators: "Encoding: UTF-8 · Delimiter: Comma" */
      description = g_strdup_printf (_("Encoding: %s · Delimiter: %s"),
                                     ax_encoding_to_string (preview->encoding), name ? name : quoted);
    }
  else if (preview && (preview->format == AX_FORMAT_JSON || preview->format == AX_FORMAT_NDJSON))
    description = g_strdup_printf (_("Encoding: %s"), ax_encoding_to_string (preview->encoding));
  adw_preferences_group_set_description (self->reading_group, description);

  gtk_widget_set_sensitive (self->header_row, tabular);
  gtk_widget_set_sensitive (self->skip_row, tabular);
}

static void
update_warning (AxImportDialog *self)
{
  AxImportPreview *preview = self->preview;
  g_autofree char *sample = NULL;
  g_autofree char *text = NULL;
  g_autofree char *detail = NULL;

  gtk_widget_set_visible (self->warning_box, preview && preview->n_bad_rows > 0);
  if (preview == NULL || preview->n_bad_rows == 0)
    return;

  sample = g_strdup_printf ("%'u", (guint) AX_INFER_SAMPLE_ROWS);
  /* Translators: "3 rows in the first 10,000 cannot be read" */
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "%u row in the first %s cannot be read",
                                       "%u rows in the first %s cannot be read",
                                       preview->n_bad_rows),
                          preview->n_bad_rows, sample);
  gtk_label_set_label (self->warning_label, text);

  if (gtk_switch_get_active (self->skip_bad_switch))
    /* Translators: %s is why the first bad row cannot be read */
    detail = g_strdup_printf (_("%s. Such rows will be skipped."), preview->first_bad);
  else
    detail = g_strdup_printf (_("%s. Turn on “Skip rows that cannot be read” to import the other rows."),
                              preview->first_bad);
  gtk_label_set_label (self->warning_detail, detail);
}

static void
update_caption (AxImportDialog *self)
{
  AxImportPreview *preview = self->preview;
  g_autofree char *rows = NULL;
  g_autofree char *columns = NULL;
  g_autofree char *caption = NULL;

  if (preview->rows->len == 0)
    rows = g_strdup (_("No rows, only column names"));
  else
    rows = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "First %u row", "First %u rows", preview->rows->len),
                            preview->rows->len);
  columns = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u column", "%u columns", preview->n_columns),
                             preview->n_columns);
  /* Translators: "First 50 rows · 10 columns" */
  caption = g_strdup_printf (_("%s · %s"), rows, columns);
  gtk_label_set_label (self->preview_caption, caption);
}

/* Reading the preview. */

typedef struct {
  GFile         *file;
  AxReadOptions  read;
  char          *sheet;
} PreviewRequest;

static void
preview_request_free (gpointer data)
{
  PreviewRequest *request = data;

  g_clear_object (&request->file);
  g_free (request->sheet);
  g_free (request);
}

static void
read_preview (GTask        *task,
              gpointer      source,
              gpointer      data,
              GCancellable *cancellable)
{
  PreviewRequest *request = data;
  AxImportOptions options = { .read = request->read };
  GError *error = NULL;
  AxImportPreview *preview;

  options.read.sheet = request->sheet;
  preview = ax_import_preview (request->file, &options, PREVIEW_ROWS, cancellable, &error);
  if (preview)
    g_task_return_pointer (task, preview, (GDestroyNotify) ax_import_preview_free);
  else
    g_task_return_error (task, error);
}

static void
show_preview (AxImportDialog  *self,
              AxImportPreview *preview)
{
  clear_table (self);
  g_clear_pointer (&self->preview, ax_import_preview_free);
  g_clear_pointer (&self->specs, g_free);
  self->preview = preview;

  if (preview == NULL)
    {
      update_detected (self);
      update_warning (self);
      gtk_label_set_label (self->preview_caption, "");
      return;
    }

  self->specs = g_memdup2 (preview->specs, preview->n_columns * sizeof (AxColumnSpec));
  for (guint c = 0; c < preview->n_columns; c++)
    {
      gpointer type;
      if (g_hash_table_lookup_extended (self->picked, preview->names[c], NULL, &type))
        set_column_type (self, c, GPOINTER_TO_INT (type));
    }

  update_sheets (self);
  update_detected (self);
  update_warning (self);
  update_caption (self);
  fill_table (self);
  gtk_stack_set_visible_child_name (self->preview_stack, "table");
}

static void
preview_ready (GObject      *source,
               GAsyncResult *result,
               gpointer      data)
{
  AxImportDialog *self = AX_IMPORT_DIALOG (source);
  GTask *task = G_TASK (result);
  g_autoptr(GError) error = NULL;
  AxImportPreview *preview = g_task_propagate_pointer (task, &error);

  /* A newer request has replaced this one, or the dialog is gone. */
  if (g_task_get_cancellable (task) != self->preview_cancellable)
    {
      ax_import_preview_free (preview);
      return;
    }
  g_clear_object (&self->preview_cancellable);
  self->preview_pending = FALSE;
  gtk_spinner_stop (self->preview_spinner);

  show_preview (self, preview);
  if (preview == NULL)
    {
      adw_status_page_set_description (self->preview_error, error->message);
      gtk_stack_set_visible_child_name (self->preview_stack, "error");
    }
  update_actions (self);
}

/* Reads the preview again with the current options, in a thread. */
static void
start_preview (AxImportDialog *self)
{
  g_autoptr(GTask) task = NULL;
  PreviewRequest *request = g_new0 (PreviewRequest, 1);

  g_clear_handle_id (&self->preview_timeout, g_source_remove);
  if (self->preview_cancellable)
    g_cancellable_cancel (self->preview_cancellable);
  g_clear_object (&self->preview_cancellable);
  self->preview_cancellable = g_cancellable_new ();
  self->preview_pending = TRUE;

  request->file = g_object_ref (self->file);
  get_read_options (self, &request->read);
  request->sheet = g_strdup (request->read.sheet);
  request->read.sheet = NULL;

  task = g_task_new (self, self->preview_cancellable, preview_ready, NULL);
  g_task_set_source_tag (task, start_preview);
  g_task_set_task_data (task, request, preview_request_free);
  /* Nothing to clean up: a cancelled read may finish unseen. */
  g_task_set_return_on_cancel (task, TRUE);
  g_task_run_in_thread (task, read_preview);

  /* Whatever is shown stays until the new preview replaces it, except an
   * error, which no longer applies. */
  if (self->preview == NULL)
    {
      gtk_spinner_start (self->preview_spinner);
      gtk_stack_set_visible_child_name (self->preview_stack, "loading");
    }
  update_actions (self);
}

static gboolean
preview_timeout_cb (gpointer data)
{
  AxImportDialog *self = data;

  self->preview_timeout = 0;
  start_preview (self);
  return G_SOURCE_REMOVE;
}

static void
option_changed (AxImportDialog *self)
{
  hide_error (self);
  self->preview_pending = TRUE;
  g_clear_handle_id (&self->preview_timeout, g_source_remove);
  self->preview_timeout = g_timeout_add (PREVIEW_DELAY_MS, preview_timeout_cb, self);
  update_actions (self);
}

static void
format_changed (AxImportDialog *self)
{
  update_detected (self);
  option_changed (self);
}

static void
skip_bad_changed (AxImportDialog *self)
{
  hide_error (self);
  update_warning (self);
}

static void
name_changed (AxImportDialog *self)
{
  hide_error (self);
  update_actions (self);
}

/* Importing. */

static char *
format_eta (double seconds)
{
  guint n;

  if (seconds < 0)
    return g_strdup ("");
  if (seconds < 5)
    return g_strdup (_("A few seconds left"));
  if (seconds < 60)
    {
      n = (guint) (seconds + 0.5);
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "About %u second left", "About %u seconds left", n), n);
    }
  if (seconds < 3600)
    {
      n = (guint) (seconds / 60 + 0.5);
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "About %u minute left", "About %u minutes left", n), n);
    }
  n = (guint) (seconds / 3600 + 0.5);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "About %u hour left", "About %u hours left", n), n);
}

static void
job_fraction_changed (AxImportDialog *self)
{
  double fraction = ax_job_get_fraction (self->job);

  if (fraction >= 0)
    gtk_progress_bar_set_fraction (self->progress_bar, fraction);
}

static void
job_detail_changed (AxImportDialog *self)
{
  const char *detail = ax_job_get_detail (self->job);

  if (!g_cancellable_is_cancelled (ax_job_get_cancellable (self->job)))
    gtk_label_set_label (self->detail_label, detail ? detail : "");
}

static void
job_eta_changed (AxImportDialog *self)
{
  g_autofree char *eta = format_eta (ax_job_get_eta (self->job));

  gtk_label_set_label (self->eta_label, eta);
}

/* While the job cannot tell how far it has got, the bar pulses. */
static gboolean
pulse_cb (gpointer data)
{
  AxImportDialog *self = data;

  if (self->job && ax_job_get_fraction (self->job) < 0)
    gtk_progress_bar_pulse (self->progress_bar);
  return G_SOURCE_CONTINUE;
}

static void
set_importing (AxImportDialog *self,
               gboolean        importing)
{
  gtk_stack_set_visible_child_name (self->main_stack, importing ? "progress" : "options");
  /* The progress page has its own Cancel button; the header's pair would
   * only repeat it. */
  gtk_widget_set_visible (self->cancel_button, !importing);
  gtk_widget_set_visible (self->import_button, !importing);
  if (importing)
    self->pulse_timeout = g_timeout_add (100, pulse_cb, self);
  else
    g_clear_handle_id (&self->pulse_timeout, g_source_remove);
  update_actions (self);
}

static void
import_finished (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  g_autoptr(AxImportDialog) self = data;
  AxJob *job = AX_JOB (source);
  AxImportResult *import = ax_project_import_job_get_result (job);
  g_autoptr(GError) error = NULL;
  gboolean ok = ax_job_run_finish (job, result, &error);

  g_signal_handlers_disconnect_by_data (job, self);
  g_clear_object (&self->job);

  if (ok)
    {
      ax_project_changed (self->project);
      g_signal_emit (self, signals[IMPORTED], 0, import->dataset_name, import->n_rows, import->n_skipped);
      if (!self->disposed)
        gtk_window_close (GTK_WINDOW (self));
      return;
    }

  /* Destroyed while the job was running: nothing is left to show. */
  if (self->disposed)
    return;
  set_importing (self, FALSE);
  if (self->close_after_job)
    {
      gtk_window_close (GTK_WINDOW (self));
      return;
    }
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    show_error (self, error);
}

static void
import_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  AxImportDialog *self = AX_IMPORT_DIALOG (widget);
  g_autofree char *name = dup_name (self);
  AxImportOptions options = { 0 };

  if (self->job || self->preview == NULL || self->preview_pending || name[0] == '\0')
    return;

  /* The specs match the preview's columns, and the preview was read with
   * these very options (none is pending). */
  get_read_options (self, &options.read);
  options.name = name;
  options.specs = self->specs;
  options.n_specs = self->preview->n_columns;
  options.skip_bad_rows = gtk_switch_get_active (self->skip_bad_switch);

  hide_error (self);
  self->close_after_job = FALSE;
  self->job = ax_project_import_job (self->project, self->file, &options);
  g_signal_connect_object (self->job, "notify::fraction", G_CALLBACK (job_fraction_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->job, "notify::detail", G_CALLBACK (job_detail_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->job, "notify::eta", G_CALLBACK (job_eta_changed), self, G_CONNECT_SWAPPED);

  adw_status_page_set_title (self->progress_page, ax_job_get_title (self->job));
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_label_set_label (self->detail_label, _("Starting…"));
  gtk_label_set_label (self->eta_label, "");
  set_importing (self, TRUE);

  ax_job_run_async (self->job, import_finished, g_object_ref (self));
}

/* Cancel, Escape: stops a running import (the dialog then goes back to
 * its options), otherwise closes the dialog. */
static void
cancel_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  AxImportDialog *self = AX_IMPORT_DIALOG (widget);

  if (self->job)
    {
      gtk_label_set_label (self->detail_label, _("Cancelling…"));
      gtk_label_set_label (self->eta_label, "");
      ax_job_cancel (self->job);
    }
  else
    gtk_window_close (GTK_WINDOW (self));
}

/* Closing the window while importing cancels the import and closes once
 * the job has stopped, so nothing is left half done behind it. */
static gboolean
ax_import_dialog_close_request (GtkWindow *window)
{
  AxImportDialog *self = AX_IMPORT_DIALOG (window);

  if (self->job)
    {
      self->close_after_job = TRUE;
      ax_job_cancel (self->job);
      return TRUE;
    }
  return GTK_WINDOW_CLASS (ax_import_dialog_parent_class)->close_request (window);
}

/* Object. */

static void
ax_import_dialog_constructed (GObject *object)
{
  AxImportDialog *self = AX_IMPORT_DIALOG (object);
  g_autofree char *base = NULL;
  g_autofree char *title = NULL;
  g_autofree char *name = NULL;

  G_OBJECT_CLASS (ax_import_dialog_parent_class)->constructed (object);
  g_return_if_fail (self->project != NULL && self->file != NULL);

  base = g_file_get_basename (self->file);
  /* Translators: %s is a file name */
  title = g_strdup_printf (_("Import “%s”"), base);
  gtk_window_set_title (GTK_WINDOW (self), title);
  adw_window_title_set_title (self->window_title, title);

  name = ax_import_name_for_file (self->file);
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), name);

  start_preview (self);
}

static void
ax_import_dialog_dispose (GObject *object)
{
  AxImportDialog *self = AX_IMPORT_DIALOG (object);

  self->disposed = TRUE;
  g_clear_handle_id (&self->preview_timeout, g_source_remove);
  g_clear_handle_id (&self->pulse_timeout, g_source_remove);
  if (self->preview_cancellable)
    g_cancellable_cancel (self->preview_cancellable);
  g_clear_object (&self->preview_cancellable);
  if (self->job)
    {
      g_signal_handlers_disconnect_by_data (self->job, self);
      ax_job_cancel (self->job);
      g_clear_object (&self->job);
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), AX_TYPE_IMPORT_DIALOG);
  G_OBJECT_CLASS (ax_import_dialog_parent_class)->dispose (object);
}

static void
ax_import_dialog_finalize (GObject *object)
{
  AxImportDialog *self = AX_IMPORT_DIALOG (object);

  g_clear_pointer (&self->preview, ax_import_preview_free);
  g_clear_pointer (&self->specs, g_free);
  g_clear_pointer (&self->picked, g_hash_table_unref);
  g_clear_object (&self->project);
  g_clear_object (&self->file);
  G_OBJECT_CLASS (ax_import_dialog_parent_class)->finalize (object);
}

static void
ax_import_dialog_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  AxImportDialog *self = AX_IMPORT_DIALOG (object);

  switch (prop_id)
    {
    case PROP_PROJECT: g_value_set_object (value, self->project); break;
    case PROP_FILE:    g_value_set_object (value, self->file); break;
    default:           G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ax_import_dialog_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  AxImportDialog *self = AX_IMPORT_DIALOG (object);

  switch (prop_id)
    {
    case PROP_PROJECT: self->project = g_value_dup_object (value); break;
    case PROP_FILE:    self->file = g_value_dup_object (value); break;
    default:           G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ax_import_dialog_class_init (AxImportDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = ax_import_dialog_constructed;
  object_class->dispose = ax_import_dialog_dispose;
  object_class->finalize = ax_import_dialog_finalize;
  object_class->get_property = ax_import_dialog_get_property;
  object_class->set_property = ax_import_dialog_set_property;
  GTK_WINDOW_CLASS (klass)->close_request = ax_import_dialog_close_request;

  properties[PROP_PROJECT] = g_param_spec_object ("project", NULL, NULL, AX_TYPE_PROJECT,
                                                  G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FILE] = g_param_spec_object ("file", NULL, NULL, G_TYPE_FILE,
                                               G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * AxImportDialog::imported:
   * @name: the new dataset's name
   * @n_rows: rows imported
   * @n_skipped: rows skipped because they could not be read
   *
   * The import has committed; the dialog closes right after.
   */
  signals[IMPORTED] = g_signal_new ("imported", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                                    G_TYPE_STRING, G_TYPE_INT64, G_TYPE_INT64);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/auspex/Auspex/ui/ax-import-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, AxImportDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, AxImportDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, AxImportDialog, import_button);
  gtk_widget_class_bind_template_child (widget_class, AxImportDialog, main_stack);
  gtk_widget_class_bind_template_child (widget_class, AxImportDialog, error_box);
  gtk_widget_class_bind_template_child (widget_class, AxImportDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, AxImportDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, AxImportDialog, reading_group);
  gtk_widget_class_bind_template_child (widget_class, AxImportDialog, format_row);
  gtk_widget_class_bind_template_child (widget_class, AxImportDialog, sheet_row);
  gtk_widget_class_bind_template_child (widget_class, AxImportDialog, sheet_list);
  gtk_widget_class_bind_template_child (widget_class, AxImportDialog, header_row);
  gtk_widget_class_bind_template_child (widget_class, AxImportDialog, header_switch);
  gtk_widget_class_bind_template_child (widget_class, AxImportDialog, skip_row);
  gtk_widget_class_bind_template_child (widget_class, AxImportDialog, skip_spin);
  gtk_widget_class_bind_template_child (widget_class, AxImportDialog, skip_bad_switch);
  gtk_widget_class_bind_template_child (widget_class, AxImportDialog, preview_caption);
  gtk_widget_class_bind_template_child (widget_class, AxImportDialog, warning_box);
  gtk_widget_class_bind_template_child (widget_class, AxImportDialog, warning_label);
  gtk_widget_class_bind_template_child (widget_class, AxImportDialog, warning_detail);
  gtk_widget_class_bind_template_child (widget_class, AxImportDialog, preview_stack);
  gtk_widget_class_bind_template_child (widget_class, AxImportDialog, preview_spinner);
  gtk_widget_class_bind_template_child (widget_class, AxImportDialog, types_scroller);
  gtk_widget_class_bind_template_child (widget_class, AxImportDialog, table_scroller);
  gtk_widget_class_bind_template_child (widget_class, AxImportDialog, types_strip);
  gtk_widget_class_bind_template_child (widget_class, AxImportDialog, table);
  gtk_widget_class_bind_template_child (widget_class, AxImportDialog, preview_error);
  gtk_widget_class_bind_template_child (widget_class, AxImportDialog, progress_page);
  gtk_widget_class_bind_template_child (widget_class, AxImportDialog, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, AxImportDialog, detail_label);
  gtk_widget_class_bind_template_child (widget_class, AxImportDialog, eta_label);
  gtk_widget_class_bind_template_callback (widget_class, name_changed);
  gtk_widget_class_bind_template_callback (widget_class, format_changed);
  gtk_widget_class_bind_template_callback (widget_class, option_changed);
  gtk_widget_class_bind_template_callback (widget_class, skip_bad_changed);

  gtk_widget_class_install_action (widget_class, "import.import", NULL, import_activated);
  gtk_widget_class_install_action (widget_class, "import.cancel", NULL, cancel_activated);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "import.cancel", NULL);
}

static void
ax_import_dialog_init (AxImportDialog *self)
{
  self->picked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gtk_widget_init_template (GTK_WIDGET (self));
  /* The type pickers scroll sideways with the table they sit above. */
  gtk_scrolled_window_set_hadjustment (self->types_scroller,
                                       gtk_scrolled_window_get_hadjustment (self->table_scroller));
}

AxImportDialog *
ax_import_dialog_new (GtkWindow *parent,
                      AxProject *project,
                      GFile     *file)
{
  g_return_val_if_fail (AX_IS_PROJECT (project), NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);

  return g_object_new (AX_TYPE_IMPORT_DIALOG,
                       "transient-for", parent,
                       "project", project,
                       "file", file,
                       NULL);
}
