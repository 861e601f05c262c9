/* ax-infer.c — telling a column's type from its text, and converting text */

#include "ax-config.h"
#include "ax-infer.h"
#include "ax-reader.h"

#include <glib/gi18n-lib.h>
#include <string.h>

typedef struct {
  guint64     n_values;
  gboolean    can_int, can_real, can_bool, can_datetime, any_time;
  gboolean    can_date[AX_N_DATE_ORDERS];
  GHashTable *distinct;      /* capped at AX_INFER_MAX_CATEGORIES + 1 */
} ColumnGuess;

struct _AxTypeGuesser {
  guint         n_columns;
  ColumnGuess  *cols;
  char        **tokens;
};

static const char *const default_tokens[] = { "", "NA", "N/A", "null", "NaN", NULL };

const char * const *
ax_infer_default_missing_tokens (void)
{
  return default_tokens;
}

/* Copies @value without surrounding ASCII blanks into @buf, or returns
 * @value itself when there are none. */
static const char *
trimmed (const char *value,
         char       *buf,
         gsize       size)
{
  gsize len = strlen (value);
  const char *s = value;

  if (len == 0 || (!g_ascii_isspace (s[0]) && !g_ascii_isspace (s[len - 1])))
    return value;
  while (g_ascii_isspace (*s))
    s++, len--;
  while (len > 0 && g_ascii_isspace (s[len - 1]))
    len--;
  if (len >= size)
    len = size - 1;
  memcpy (buf, s, len);
  buf[len] = '\0';
  return buf;
}

gboolean
ax_infer_is_missing (const char         *value,
                     const char * const *tokens)
{
  char buf[64];

  if (value == NULL)
    return TRUE;
  /* Most values start with a character that starts no token: they cannot
   * trim to one, and need neither measuring nor trimming.  ("" and values
   * with leading blanks take the long way.) */
  if (value[0] != '\0' && !g_ascii_isspace (value[0]))
    {
      guint i = 0;
      while (tokens && tokens[i] && tokens[i][0] != value[0])
        i++;
      if (tokens == NULL || tokens[i] == NULL)
        return FALSE;
    }
  if (strlen (value) >= sizeof buf)
    return FALSE;
  value = trimmed (value, buf, sizeof buf);
  for (guint i = 0; tokens && tokens[i]; i++)
    if (strcmp (value, tokens[i]) == 0)
      return TRUE;
  return FALSE;
}

AxTypeGuesser *
ax_type_guesser_new (guint               n_columns,
                     const char * const *missing_tokens)
{
  AxTypeGuesser *self = g_new0 (AxTypeGuesser, 1);

  self->n_columns = n_columns;
  self->tokens = g_strdupv ((char **) (missing_tokens ? missing_tokens : default_tokens));
  self->cols = g_new0 (ColumnGuess, n_columns);
  for (guint i = 0; i < n_columns; i++)
    {
      ColumnGuess *g = &self->cols[i];
      g->can_int = g->can_real = g->can_bool = g->can_datetime = TRUE;
      for (guint k = 0; k < AX_N_DATE_ORDERS; k++)
        g->can_date[k] = TRUE;
      g->distinct = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
    }
  return self;
}

void
ax_type_guesser_free (AxTypeGuesser *self)
{
  if (self == NULL)
    return;
  for (guint i = 0; i < self->n_columns; i++)
    g_hash_table_unref (self->cols[i].distinct);
  g_free (self->cols);
  g_strfreev (self->tokens);
  g_free (self);
}

void
ax_type_guesser_add (AxTypeGuesser      *self,
                     const char * const *fields)
{
  for (guint i = 0; i < self->n_columns; i++)
    {
      ColumnGuess *g = &self->cols[i];
      const char *v = fields[i];
      char buf[128];
      gint64 iv;
      double dv;

      if (ax_infer_is_missing (v, (const char * const *) self->tokens))
        continue;
      g->n_values++;
      if (g_hash_table_size (g->distinct) <= AX_INFER_MAX_CATEGORIES)
        g_hash_table_add (g->distinct, g_strdup (v));

      v = trimmed (v, buf, sizeof buf);
      if (g->can_int && !ax_parse_integer (v, &iv))
        g->can_int = FALSE;
      if (g->can_real && !ax_parse_real (v, &dv))
        g->can_real = FALSE;
      if (g->can_bool && !ax_parse_boolean (v, &iv))
        g->can_bool = FALSE;
      for (guint k = 0; k < AX_N_DATE_ORDERS; k++)
        if (g->can_date[k] && !ax_parse_date (v, k, &iv))
          g->can_date[k] = FALSE;
      if (g->can_datetime)
        {
          if (ax_parse_datetime (v, &iv))
            g->any_time = TRUE;
          else if (!ax_parse_date (v, AX_DATE_ISO, &iv))
            g->can_datetime = FALSE;
        }
    }
}

void
ax_type_guesser_get (AxTypeGuesser *self,
                     guint          col,
                     AxColumnSpec  *out)
{
  ColumnGuess *g = &self->cols[col];
  guint n_distinct = g_hash_table_size (g->distinct);

  memset (out, 0, sizeof *out);
  if (g->n_values == 0)
    out->type = AX_COLUMN_TEXT;
  else if (g->can_int)
    out->type = AX_COLUMN_INTEGER;
  else if (g->can_real)
    out->type = AX_COLUMN_REAL;
  else if (g->can_bool)
    out->type = AX_COLUMN_BOOLEAN;
  else if (g->can_datetime && g->any_time)
    out->type = AX_COLUMN_DATETIME;
  else
    {
      for (guint k = 0; k < AX_N_DATE_ORDERS; k++)
        if (g->can_date[k])
          {
            out->type = AX_COLUMN_DATE;
            out->date_order = k;
            return;
          }
      /* Categories repeat: at most 100 distinct values, each seen twice on
       * average.  Otherwise it is free text (names, comments, identifiers). */
      if (n_distinct <= AX_INFER_MAX_CATEGORIES && (guint64) n_distinct * 2 <= g->n_values)
        out->type = AX_COLUMN_CATEGORICAL;
      else
        out->type = AX_COLUMN_TEXT;
    }
}

/* Stores @v converted to the type of @spec; FALSE, leaving everything as it
 * was, if it is not a value of that type. */
static gboolean
convert (AxFrame      *frame,
         guint         row,
         guint         col,
         AxColumnSpec *spec,
         const char   *v)
{
  gint64 iv;
  double dv;
  gboolean ok = FALSE;

  switch (spec->type)
    {
    case AX_COLUMN_INTEGER:
      if ((ok = ax_parse_integer (v, &iv)))
        ax_frame_set_int (frame, col, row, iv);
      else if (!spec->fixed && ax_parse_real (v, &dv))
        {
          ax_frame_column_to_real (frame, col);
          spec->type = AX_COLUMN_REAL;
          ax_frame_set_real (frame, col, row, dv);
          ok = TRUE;
        }
      break;
    case AX_COLUMN_REAL:
      if ((ok = ax_parse_real (v, &dv)))
        ax_frame_set_real (frame, col, row, dv);
      break;
    case AX_COLUMN_BOOLEAN:
      if ((ok = ax_parse_boolean (v, &iv)))
        ax_frame_set_int (frame, col, row, iv);
      break;
    case AX_COLUMN_DATE:
      if ((ok = ax_parse_date (v, spec->date_order, &iv)))
        ax_frame_set_int (frame, col, row, iv);
      /* A fixed date column also takes the other layouts, ISO first. */
      for (guint k = 0; !ok && spec->fixed && k < AX_N_DATE_ORDERS; k++)
        if ((ok = ax_parse_date (v, k, &iv)))
          ax_frame_set_int (frame, col, row, iv);
      break;
    case AX_COLUMN_DATETIME:
      if ((ok = ax_parse_datetime (v, &iv)))
        ax_frame_set_int (frame, col, row, iv);
      else if ((ok = ax_parse_date (v, AX_DATE_ISO, &iv)))
        ax_frame_set_int (frame, col, row, iv * 86400);
      break;
    case AX_COLUMN_CATEGORICAL:
    case AX_COLUMN_TEXT:
    case AX_N_COLUMN_TYPES:
    default:
      g_assert_not_reached ();
    }
  return ok;
}

gboolean
ax_infer_set_value (AxFrame            *frame,
                    guint               row,
                    guint               col,
                    AxColumnSpec       *spec,
                    const char         *value,
                    const char * const *missing_tokens,
                    guint64             line,
                    GError            **error)
{
  char buf[128];
  const char *v;
  gboolean ok;

  if (ax_infer_is_missing (value, missing_tokens))
    return TRUE;

  if (spec->type == AX_COLUMN_CATEGORICAL || spec->type == AX_COLUMN_TEXT)
    {
      ax_frame_set_string (frame, col, row, value, -1);
      return TRUE;
    }

  /* No parser takes surrounding blanks, so a value that parses as it is
   * needed no trimming: trim only when that fails. */
  ok = convert (frame, row, col, spec, value);
  if (!ok && (v = trimmed (value, buf, sizeof buf)) != value)
    ok = convert (frame, row, col, spec, v);

  if (!ok)
    {
      g_autofree char *shown = g_utf8_make_valid (value, MIN (strlen (value), 40));
      g_set_error (error, AX_SOURCE_ERROR, AX_SOURCE_ERROR_BAD_ROW,
                   /* Translators: Line 12, column 3 (“price”): “abc” is not a value of type Real */
                   _("Line %" G_GUINT64_FORMAT ", column %u (“%s”): “%s” is not a value of type %s"),
                   line, col + 1, frame->columns[col].name, shown,
                   ax_column_type_label (spec->type));
    }
  return ok;
}
