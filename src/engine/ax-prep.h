/* ax-prep.h — from a frame's columns to an algorithm's numbers
 *
 * Preprocessing is learned on the training rows only, stored with the
 * model and applied the same way to every row the model later sees:
 *
 *   integer, real   missing values imputed (mean, median, mode or a
 *                   constant), then normalised (standard or min-max);
 *   boolean         0/1, missing values imputed the same way;
 *   categorical,    one-hot over the AX_PREP_MAX_CATEGORIES most frequent
 *   text            values of the training rows plus an "(other)" bucket
 *                   for the rest and for values never seen in training
 *                   ("region=north", "region=(other)"); missing values go
 *                   to the most frequent value (constant: to "(other)");
 *   date, datetime  calendar parts: year, month, day of month, day of week
 *                   (Monday 0), day of year and, for date-times, hour
 *                   ("order_date.month"), imputed as a date and normalised
 *                   like numbers.
 *
 * A text column whose training values are nearly all different is an
 * identifier: it is left out, with a note, unless the configuration named
 * it in "features".  An input that every training row has the same
 * value of (after imputing the missing ones) is left out, with a note: it
 * cannot tell rows apart (a time column that only orders the rows, say).
 * With handle_missing "drop" the training rows have no
 * missing values; at prediction a missing value is then imputed with the
 * training mean (the most frequent value for categories).
 */
#pragma once

#include "ax-frame.h"
#include "ax-learn.h"
#include "ax-model.h"

G_BEGIN_DECLS

#define AX_PREP_MAX_CATEGORIES 30

typedef struct {
  AxNormalize  normalize;
  AxMissing    missing;
  double       missing_constant;
} AxPrepOptions;

typedef struct _AxPrep AxPrep;

/* Learns the preprocessing of the columns called @inputs (a NULL-terminated
 * list) from rows @rows of @frame.  @named[i] is TRUE where the
 * configuration listed inputs[i] itself (an identifier-like text column is
 * then kept).  Columns left out are explained in @notes (translated
 * sentences, owned by the array), which may be NULL.  Fails with
 * AX_LEARN_ERROR_CONFIG naming "features" when no column is left. */
AxPrep       *ax_prep_fit              (const AxFrame        *frame,
                                        const char *const    *inputs,
                                        const gboolean       *named,
                                        const guint          *rows,
                                        guint                 n_rows,
                                        const AxPrepOptions  *options,
                                        GPtrArray            *notes,
                                        GError              **error);
void          ax_prep_free             (AxPrep               *prep);

/* The columns the preprocessing reads, with the types it learned them as. */
guint         ax_prep_get_n_inputs     (const AxPrep *prep);
const char   *ax_prep_get_input_name   (const AxPrep *prep, guint input);
AxColumnType  ax_prep_get_input_type   (const AxPrep *prep, guint input);

/* The features it makes, and the input each comes from. */
guint         ax_prep_get_n_features   (const AxPrep *prep);
const char   *ax_prep_get_feature_name (const AxPrep *prep, guint feature);
guint         ax_prep_get_feature_input (const AxPrep *prep, guint feature);

/* Makes the feature matrix of rows @rows of @frame (every row when @rows
 * is NULL; then @n_rows must be frame->n_rows).  The frame's columns are
 * found by name and must have the learned types, except that integer and
 * real columns stand for each other.  Fails with AX_LEARN_ERROR_DATA
 * naming the column otherwise. */
AxMatrix     *ax_prep_transform        (const AxPrep         *prep,
                                        const AxFrame        *frame,
                                        const guint          *rows,
                                        guint                 n_rows,
                                        GError              **error);

/* Serialisation inside a model blob. */
GVariant     *ax_prep_to_variant       (const AxPrep         *prep);
AxPrep       *ax_prep_from_variant     (GVariant             *variant,
                                        GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AxPrep, ax_prep_free)

G_END_DECLS
