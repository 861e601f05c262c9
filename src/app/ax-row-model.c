/* ax-row-model.c — a dataset's rows as a GListModel, read on demand */

#include "ax-config.h"
#include "ax-row-model.h"

#include <stdio.h>
#include <string.h>

#define PAGE_ROWS 128
#define MAX_PAGES 16

/* A row item: the display strings of one row, copied out of its page. */
struct _AxRow {
  GObject  parent_instance;
  gint64   index;
  guint    n;
  char   **texts;
};

G_DEFINE_FINAL_TYPE (AxRow, ax_row, G_TYPE_OBJECT)

static void
ax_row_finalize (GObject *object)
{
  AxRow *self = AX_ROW (object);

  for (guint i = 0; i < self->n; i++)
    g_free (self->texts[i]);
  g_free (self->texts);
  G_OBJECT_CLASS (ax_row_parent_class)->finalize (object);
}

static void
ax_row_class_init (AxRowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ax_row_finalize;
}

static void
ax_row_init (AxRow *self)
{
}

const char *
ax_row_get_text (AxRow *self,
                 guint  col)
{
  return col < self->n ? self->texts[col] : NULL;
}

gint64
ax_row_get_index (AxRow *self)
{
  return self->index;
}

void
ax_format_cell (const AxFrame *frame,
                guint          row,
                guint          col,
                char          *buf,
                gsize          size)
{
  const AxColumn *c = &frame->columns[col];

  switch (c->type)
    {
    case AX_COLUMN_INTEGER:
      g_snprintf (buf, size, "%" G_GINT64_FORMAT, c->ints[row]);
      break;
    case AX_COLUMN_BOOLEAN:
      g_strlcpy (buf, c->ints[row] ? "true" : "false", size);
      break;
    case AX_COLUMN_REAL:
      ax_format_real (c->reals[row], buf, size);
      break;
    case AX_COLUMN_DATE:
      ax_format_date (c->ints[row], buf, size);
      break;
    case AX_COLUMN_DATETIME:
      ax_format_datetime (c->ints[row], buf, size);
      break;
    case AX_COLUMN_CATEGORICAL:
    case AX_COLUMN_TEXT:
    case AX_N_COLUMN_TYPES:
    default:
      g_strlcpy (buf, c->strings[row], size);
      break;
    }
}

/* The model. */

typedef struct {
  guint    number;     /* page number in the shown order */
  AxFrame *frame;
} Page;

struct _AxRowModel {
  GObject        parent_instance;
  AxStore       *store;
  AxDatasetInfo *info;
  GArray        *order;   /* gint64 row numbers, or NULL for all */
  GQueue         pages;   /* Page*, most recently used first */
};

static GType
ax_row_model_get_item_type (GListModel *model)
{
  return AX_TYPE_ROW;
}

static guint
ax_row_model_get_n_items (GListModel *model)
{
  AxRowModel *self = AX_ROW_MODEL (model);

  if (self->order)
    return self->order->len;
  return (guint) MIN (self->info->n_rows, G_MAXUINT);
}

static void
page_free (gpointer data)
{
  Page *page = data;
  ax_frame_free (page->frame);
  g_free (page);
}

static Page *
get_page (AxRowModel *self,
          guint       number)
{
  g_autoptr(GError) error = NULL;
  Page *page;

  for (GList *l = self->pages.head; l; l = l->next)
    {
      page = l->data;
      if (page->number == number)
        {
          g_queue_unlink (&self->pages, l);
          g_queue_push_head_link (&self->pages, l);
          return page;
        }
    }

  page = g_new0 (Page, 1);
  page->number = number;
  if (self->order)
    {
      guint first = number * PAGE_ROWS;
      guint n = MIN (PAGE_ROWS, self->order->len - first);
      page->frame = ax_store_read_rows_at (self->store, self->info,
                                           &g_array_index (self->order, gint64, first), n, &error);
    }
  else
    page->frame = ax_store_read_rows (self->store, self->info, (gint64) number * PAGE_ROWS, PAGE_ROWS, &error);
  if (page->frame == NULL)
    {
      /* The file went away under us (another program): show empty cells
       * rather than crash; the view reloads on the next change. */
      g_warning ("Could not read rows: %s", error->message);
      g_free (page);
      return NULL;
    }
  g_queue_push_head (&self->pages, page);
  if (self->pages.length > MAX_PAGES)
    page_free (g_queue_pop_tail (&self->pages));
  return page;
}

static gpointer
ax_row_model_get_item (GListModel *model,
                       guint       position)
{
  AxRowModel *self = AX_ROW_MODEL (model);
  AxRow *row;
  Page *page;
  guint r = position % PAGE_ROWS;

  if (position >= ax_row_model_get_n_items (model))
    return NULL;
  row = g_object_new (AX_TYPE_ROW, NULL);
  row->index = self->order ? g_array_index (self->order, gint64, position) : position;
  row->n = self->info->n_columns;
  row->texts = g_new0 (char *, row->n);
  page = get_page (self, position / PAGE_ROWS);
  if (page == NULL || r >= page->frame->n_rows)
    return row;
  for (guint c = 0; c < row->n; c++)
    {
      char buf[64];
      if (page->frame->columns[c].missing[r])
        continue;
      if (page->frame->columns[c].strings)
        row->texts[c] = g_strdup (page->frame->columns[c].strings[r]);
      else
        {
          ax_format_cell (page->frame, r, c, buf, sizeof buf);
          row->texts[c] = g_strdup (buf);
        }
    }
  return row;
}

static void
ax_row_model_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = ax_row_model_get_item_type;
  iface->get_n_items = ax_row_model_get_n_items;
  iface->get_item = ax_row_model_get_item;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (AxRowModel, ax_row_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, ax_row_model_list_model_init))

static void
ax_row_model_finalize (GObject *object)
{
  AxRowModel *self = AX_ROW_MODEL (object);

  g_queue_clear_full (&self->pages, page_free);
  g_clear_pointer (&self->order, g_array_unref);
  ax_dataset_info_free (self->info);
  G_OBJECT_CLASS (ax_row_model_parent_class)->finalize (object);
}

static void
ax_row_model_class_init (AxRowModelClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ax_row_model_finalize;
}

static void
ax_row_model_init (AxRowModel *self)
{
  g_queue_init (&self->pages);
}

/* A deep copy, so the model does not depend on the caller's list. */
static AxDatasetInfo *
copy_info (const AxDatasetInfo *info)
{
  AxDatasetInfo *copy = g_new0 (AxDatasetInfo, 1);

  copy->id = info->id;
  copy->name = g_strdup (info->name);
  copy->n_rows = info->n_rows;
  copy->n_columns = info->n_columns;
  copy->columns = g_new0 (AxDatasetColumn, info->n_columns);
  for (guint c = 0; c < info->n_columns; c++)
    {
      copy->columns[c].name = g_strdup (info->columns[c].name);
      copy->columns[c].type = info->columns[c].type;
    }
  return copy;
}

AxRowModel *
ax_row_model_new (AxStore             *store,
                  const AxDatasetInfo *info)
{
  AxRowModel *self = g_object_new (AX_TYPE_ROW_MODEL, NULL);

  self->store = store;
  self->info = copy_info (info);
  return self;
}

const AxDatasetInfo *
ax_row_model_get_info (AxRowModel *self)
{
  return self->info;
}

void
ax_row_model_set_order (AxRowModel *self,
                        GArray     *order)
{
  guint old = ax_row_model_get_n_items (G_LIST_MODEL (self));

  g_clear_pointer (&self->order, g_array_unref);
  self->order = order;
  g_queue_clear_full (&self->pages, page_free);
  g_list_model_items_changed (G_LIST_MODEL (self), 0, old, ax_row_model_get_n_items (G_LIST_MODEL (self)));
}
