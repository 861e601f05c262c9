/* ax-infer.h — telling a column's type from its text, and converting text
 *
 * Every reader hands out text; this is where text becomes typed values, the
 * same way for every format.  A guesser looks at a sample of records and
 * proposes a type per column; ax_infer_set_value() then converts each value
 * of the file into a frame.
 */
#pragma once

#include <gio/gio.h>
#include "ax-frame.h"

G_BEGIN_DECLS

/* How many leading records the import looks at to guess types. */
#define AX_INFER_SAMPLE_ROWS 10000

/* A categorical column has at most this many distinct values. */
#define AX_INFER_MAX_CATEGORIES 100

typedef struct {
  AxColumnType type;
  AxDateOrder  date_order;  /* for AX_COLUMN_DATE */
  gboolean     fixed;       /* chosen by the user: never widened */
} AxColumnSpec;

/* The default missing-value tokens: "", NA, N/A, null, NaN. */
const char * const *ax_infer_default_missing_tokens (void);

typedef struct _AxTypeGuesser AxTypeGuesser;

AxTypeGuesser *ax_type_guesser_new   (guint                n_columns,
                                      const char * const  *missing_tokens);
void           ax_type_guesser_free  (AxTypeGuesser       *self);
void           ax_type_guesser_add   (AxTypeGuesser       *self,
                                      const char * const  *fields);
/* The narrowest type every sampled value of @col fits, in the order integer,
 * real, boolean, date, datetime, categorical, text.  A column with no value
 * at all is text. */
void           ax_type_guesser_get   (AxTypeGuesser       *self,
                                      guint                col,
                                      AxColumnSpec        *out_spec);

/* TRUE if @value (NULL allowed) is one of @tokens after trimming blanks. */
gboolean       ax_infer_is_missing   (const char          *value,
                                      const char * const  *tokens);

/* Stores @value, converted to the type of @spec, at (@row, @col) of
 * @frame; a missing value leaves the cell missing.  A value that does not
 * fit returns FALSE with AX_SOURCE_ERROR_BAD_ROW, except that an inferred
 * (not fixed) integer column meeting a real widens: frame and spec become
 * real and TRUE is returned.  @line and @name go into the message. */
gboolean       ax_infer_set_value    (AxFrame             *frame,
                                      guint                row,
                                      guint                col,
                                      AxColumnSpec        *spec,
                                      const char          *value,
                                      const char * const  *missing_tokens,
                                      guint64              line,
                                      GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AxTypeGuesser, ax_type_guesser_free)

G_END_DECLS
