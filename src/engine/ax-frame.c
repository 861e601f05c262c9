/* ax-frame.c — a columnar table of typed values with missing values */

#include "ax-frame.h"

#include <string.h>

/* The blocks behind ax_frame_set_string(): copies laid end to end, in
 * blocks that grow from 64 KiB to 1 MiB (or the size of one long value).
 * A cleared frame fills them again from the first, so a frame reused chunk
 * after chunk allocates nothing once it has seen its largest chunk. */
#define STRING_BLOCK_MIN (64 * 1024)
#define STRING_BLOCK_MAX (1024 * 1024)

typedef struct {
  char  *data;
  gsize  size;
} StringBlock;

struct _AxFrameStrings {
  GArray *blocks;   /* StringBlock, in the order they are filled */
  guint   current;  /* the block being filled */
  gsize   used;     /* bytes of it in use */
};

static void
strings_free (AxFrameStrings *s)
{
  if (s == NULL)
    return;
  for (guint i = 0; i < s->blocks->len; i++)
    g_free (g_array_index (s->blocks, StringBlock, i).data);
  g_array_unref (s->blocks);
  g_free (s);
}

/* TRUE if @p points into one of the blocks (so it is not to be freed). */
static gboolean
strings_own (const AxFrameStrings *s,
             const char           *p)
{
  if (s == NULL)
    return FALSE;
  for (guint i = 0; i < s->blocks->len; i++)
    {
      const StringBlock *b = &g_array_index (s->blocks, StringBlock, i);
      /* Compared as integers: the pointers may belong to other objects. */
      if ((guintptr) p >= (guintptr) b->data && (guintptr) p < (guintptr) b->data + b->size)
        return TRUE;
    }
  return FALSE;
}

static char *
strings_alloc (AxFrameStrings *s,
               gsize           need)
{
  StringBlock *b = s->blocks->len ? &g_array_index (s->blocks, StringBlock, s->current) : NULL;

  if (b == NULL || b->size - s->used < need)
    {
      guint next = b ? s->current + 1 : 0;
      if (next >= s->blocks->len || g_array_index (s->blocks, StringBlock, next).size < need)
        {
          gsize last = b ? b->size : 0;
          StringBlock nb;
          nb.size = MAX (need, CLAMP (last * 2, STRING_BLOCK_MIN, STRING_BLOCK_MAX));
          nb.data = g_malloc (nb.size);
          g_array_insert_val (s->blocks, next, nb);
        }
      s->current = next;
      s->used = 0;
      b = &g_array_index (s->blocks, StringBlock, next);
    }
  s->used += need;
  return b->data + s->used - need;
}

static void
free_string (AxFrame *frame,
             char    *p)
{
  if (p != NULL && !strings_own (frame->string_blocks, p))
    g_free (p);
}

static gboolean
uses_ints (AxColumnType type)
{
  return type == AX_COLUMN_INTEGER || type == AX_COLUMN_BOOLEAN ||
         type == AX_COLUMN_DATE || type == AX_COLUMN_DATETIME;
}

static void
column_reserve (AxColumn *c,
                guint     old_cap,
                guint     cap)
{
  c->missing = g_renew (guint8, c->missing, cap);
  memset (c->missing + old_cap, 1, cap - old_cap);
  if (uses_ints (c->type))
    {
      c->ints = g_renew (gint64, c->ints, cap);
      memset (c->ints + old_cap, 0, (cap - old_cap) * sizeof (gint64));
    }
  else if (c->type == AX_COLUMN_REAL)
    {
      c->reals = g_renew (double, c->reals, cap);
      memset (c->reals + old_cap, 0, (cap - old_cap) * sizeof (double));
    }
  else
    {
      c->strings = g_renew (char *, c->strings, cap);
      memset (c->strings + old_cap, 0, (cap - old_cap) * sizeof (char *));
    }
}

AxFrame *
ax_frame_new (guint               n_columns,
              const char * const *names,
              const AxColumnType *types,
              guint               capacity)
{
  AxFrame *frame = g_new0 (AxFrame, 1);

  frame->n_columns = n_columns;
  frame->columns = g_new0 (AxColumn, n_columns);
  frame->capacity = MAX (capacity, 16);
  for (guint i = 0; i < n_columns; i++)
    {
      frame->columns[i].name = g_strdup (names[i]);
      frame->columns[i].type = types[i];
      column_reserve (&frame->columns[i], 0, frame->capacity);
    }
  return frame;
}

void
ax_frame_truncate (AxFrame *frame,
                   guint    n_rows)
{
  if (n_rows >= frame->n_rows)
    return;
  for (guint c = 0; c < frame->n_columns; c++)
    {
      AxColumn *col = &frame->columns[c];
      guint n = frame->n_rows - n_rows;
      if (col->strings)
        for (guint r = n_rows; r < frame->n_rows; r++)
          {
            free_string (frame, col->strings[r]);
            col->strings[r] = NULL;
          }
      if (col->ints)
        memset (col->ints + n_rows, 0, n * sizeof (gint64));
      if (col->reals)
        memset (col->reals + n_rows, 0, n * sizeof (double));
      memset (col->missing + n_rows, 1, n);
    }
  frame->n_rows = n_rows;
  if (n_rows == 0 && frame->string_blocks)
    {
      frame->string_blocks->current = 0;
      frame->string_blocks->used = 0;
    }
}

void
ax_frame_clear (AxFrame *frame)
{
  ax_frame_truncate (frame, 0);
}

void
ax_frame_free (AxFrame *frame)
{
  if (frame == NULL)
    return;
  ax_frame_clear (frame);
  for (guint c = 0; c < frame->n_columns; c++)
    {
      g_free (frame->columns[c].name);
      g_free (frame->columns[c].missing);
      g_free (frame->columns[c].ints);
      g_free (frame->columns[c].reals);
      g_free (frame->columns[c].strings);
    }
  g_free (frame->columns);
  strings_free (frame->string_blocks);
  g_free (frame);
}

guint
ax_frame_append_row (AxFrame *frame)
{
  if (frame->n_rows == frame->capacity)
    {
      guint cap = frame->capacity * 2;
      for (guint c = 0; c < frame->n_columns; c++)
        column_reserve (&frame->columns[c], frame->capacity, cap);
      frame->capacity = cap;
    }
  return frame->n_rows++;
}

void
ax_frame_set_int (AxFrame *frame, guint col, guint row, gint64 value)
{
  AxColumn *c = &frame->columns[col];
  g_assert (uses_ints (c->type) && row < frame->n_rows);
  c->ints[row] = value;
  c->missing[row] = 0;
}

void
ax_frame_set_real (AxFrame *frame, guint col, guint row, double value)
{
  AxColumn *c = &frame->columns[col];
  g_assert (c->type == AX_COLUMN_REAL && row < frame->n_rows);
  c->reals[row] = value;
  c->missing[row] = 0;
}

void
ax_frame_take_string (AxFrame *frame, guint col, guint row, char *value)
{
  AxColumn *c = &frame->columns[col];
  g_assert (c->strings != NULL && row < frame->n_rows);
  free_string (frame, c->strings[row]);
  c->strings[row] = value;
  c->missing[row] = value == NULL;
}

void
ax_frame_set_string (AxFrame    *frame,
                     guint       col,
                     guint       row,
                     const char *value,
                     gssize      len)
{
  AxColumn *c = &frame->columns[col];
  gsize n;
  char *copy;

  g_assert (c->strings != NULL && row < frame->n_rows);
  if (value == NULL)
    {
      ax_frame_take_string (frame, col, row, NULL);
      return;
    }
  n = len < 0 ? strlen (value) : (gsize) len;
  if (frame->string_blocks == NULL)
    {
      frame->string_blocks = g_new0 (AxFrameStrings, 1);
      frame->string_blocks->blocks = g_array_new (FALSE, FALSE, sizeof (StringBlock));
    }
  copy = strings_alloc (frame->string_blocks, n + 1);
  memcpy (copy, value, n);
  copy[n] = '\0';
  free_string (frame, c->strings[row]);
  c->strings[row] = copy;
  c->missing[row] = 0;
}

int
ax_frame_find_column (const AxFrame *frame,
                      const char    *name)
{
  for (guint c = 0; c < frame->n_columns; c++)
    if (g_strcmp0 (frame->columns[c].name, name) == 0)
      return (int) c;
  return -1;
}

void
ax_frame_column_to_real (AxFrame *frame,
                         guint    col)
{
  AxColumn *c = &frame->columns[col];

  g_assert (c->type == AX_COLUMN_INTEGER);
  c->reals = g_new0 (double, frame->capacity);
  for (guint r = 0; r < frame->n_rows; r++)
    c->reals[r] = (double) c->ints[r];
  g_clear_pointer (&c->ints, g_free);
  c->type = AX_COLUMN_REAL;
}

const char *
ax_column_format_value (const AxColumn *column,
                        guint           row,
                        char           *buf,
                        gsize           size)
{
  if (column->missing[row])
    return NULL;
  switch (column->type)
    {
    case AX_COLUMN_INTEGER:
      g_snprintf (buf, size, "%" G_GINT64_FORMAT, column->ints[row]);
      return buf;
    case AX_COLUMN_BOOLEAN:
      return column->ints[row] ? "true" : "false";
    case AX_COLUMN_REAL:
      ax_format_real (column->reals[row], buf, size);
      return buf;
    case AX_COLUMN_DATE:
      ax_format_date (column->ints[row], buf, size);
      return buf;
    case AX_COLUMN_DATETIME:
      ax_format_datetime (column->ints[row], buf, size);
      return buf;
    case AX_COLUMN_CATEGORICAL:
    case AX_COLUMN_TEXT:
    case AX_N_COLUMN_TYPES:
    default:
      return column->strings[row];
    }
}
