/* ax-frame.h — a columnar table of typed values with missing values
 *
 * The unit in which data moves through Auspex: a source fills a frame, the
 * store writes it, the engine computes on it.  Columns are plain arrays:
 *
 *   integer, boolean (0/1), date (days since 1970-01-01) and datetime
 *   (seconds since 1970-01-01 00:00:00) use ints[];
 *   real uses reals[];
 *   categorical and text use strings[] (UTF-8 owned by the frame: either
 *   taken with ax_frame_take_string() or copied into the frame's string
 *   blocks by ax_frame_set_string()).
 *
 * missing[i] is nonzero where row i has no value; the value slot is then 0,
 * 0.0 or NULL.
 */
#pragma once

#include <glib.h>
#include "ax-types.h"

G_BEGIN_DECLS

typedef struct {
  char         *name;
  AxColumnType  type;
  guint8       *missing;
  gint64       *ints;
  double       *reals;
  char        **strings;
} AxColumn;

typedef struct _AxFrameStrings AxFrameStrings;

typedef struct {
  guint            n_rows;
  guint            capacity;
  guint            n_columns;
  AxColumn        *columns;
  AxFrameStrings  *string_blocks;  /* private: see ax_frame_set_string() */
} AxFrame;

/* A frame with the given column names and types and room for @capacity
 * rows (it grows as needed). */
AxFrame  *ax_frame_new          (guint               n_columns,
                                 const char * const *names,
                                 const AxColumnType *types,
                                 guint               capacity);
void      ax_frame_free         (AxFrame            *frame);

/* Appends a row of missing values and returns its index; fill it with the
 * setters below. */
guint     ax_frame_append_row   (AxFrame            *frame);
void      ax_frame_set_int      (AxFrame *frame, guint col, guint row, gint64 value);
void      ax_frame_set_real     (AxFrame *frame, guint col, guint row, double value);
void      ax_frame_take_string  (AxFrame *frame, guint col, guint row, char *value);
/* Stores a copy of the @len bytes at @value (-1: up to its NUL), followed by
 * a NUL, at (@row, @col).  The copy goes into blocks the frame keeps for
 * the purpose, so that filling a frame with many short strings costs no
 * allocation per value; the blocks are reused after ax_frame_clear() and
 * freed with the frame.  strings[row] reads the same either way. */
void      ax_frame_set_string   (AxFrame *frame, guint col, guint row,
                                 const char *value, gssize len);

/* Turns integer column @col into a real one, keeping its values. */
void      ax_frame_column_to_real (AxFrame *frame, guint col);

/* Removes every row, keeping columns and capacity (and the string blocks
 * of ax_frame_set_string(), for reuse). */
void      ax_frame_clear        (AxFrame            *frame);
/* Removes the rows from @n_rows on. */
void      ax_frame_truncate     (AxFrame            *frame,
                                 guint               n_rows);

/* Returns the index of the column called @name, or -1. */
int       ax_frame_find_column  (const AxFrame      *frame,
                                 const char         *name);

/* The value at @row of @column as text, as the project file and a CSV
 * export write it: NULL when it is missing; a categorical or text value
 * itself; "true" or "false"; otherwise written into @buf (64 bytes are
 * enough): integers in decimal, reals by ax_format_real(), dates and
 * date-times by ax_format_date() and ax_format_datetime(). */
const char *ax_column_format_value (const AxColumn *column,
                                    guint           row,
                                    char           *buf,
                                    gsize           size);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AxFrame, ax_frame_free)

G_END_DECLS
