/* ax-learn.c — the matrix, the hyperparameter table and its checking */

#include "ax-config.h"
#include "ax-learn.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

G_DEFINE_QUARK (ax-learn-error-quark, ax_learn_error)

/* Matrix */

AxMatrix *
ax_matrix_new (guint n_rows,
               guint n_features)
{
  AxMatrix *m = g_new0 (AxMatrix, 1);

  m->n_rows = n_rows;
  m->n_features = n_features;
  m->x = g_malloc0_n ((gsize) n_rows * n_features + 1, sizeof (float));
  /* The names start unset; whoever fills the matrix stores owned strings. */
  m->names = g_new0 (char *, (gsize) n_features + 1);
  return m;
}

void
ax_matrix_free (AxMatrix *m)
{
  if (m == NULL)
    return;
  /* Not g_strfreev(): a name left unset would end it early. */
  for (guint f = 0; f < m->n_features; f++)
    g_free (m->names[f]);
  g_free (m->names);
  g_free (m->x);
  g_free (m);
}

/* Parameters
 *
 * A handful of entries per algorithm, kept in the order they were set so
 * that checking reports the first problem of the configuration first. */

typedef struct {
  char   *name;
  char   *string;     /* NULL: the value is @number */
  double  number;
} Entry;

struct _AxParams {
  GArray *entries;    /* Entry */
};

static void
entry_clear (gpointer data)
{
  Entry *e = data;

  g_free (e->name);
  g_free (e->string);
}

AxParams *
ax_params_new (void)
{
  AxParams *p = g_new0 (AxParams, 1);

  p->entries = g_array_new (FALSE, TRUE, sizeof (Entry));
  g_array_set_clear_func (p->entries, entry_clear);
  return p;
}

void
ax_params_free (AxParams *p)
{
  if (p == NULL)
    return;
  g_array_unref (p->entries);
  g_free (p);
}

static Entry *
find_entry (const AxParams *p,
            const char     *name)
{
  for (guint i = 0; i < p->entries->len; i++)
    {
      Entry *e = &g_array_index (p->entries, Entry, i);
      if (g_str_equal (e->name, name))
        return e;
    }
  return NULL;
}

static Entry *
ensure_entry (AxParams   *p,
              const char *name)
{
  Entry *e = find_entry (p, name);

  if (e == NULL)
    {
      Entry fresh = { g_strdup (name), NULL, 0 };
      g_array_append_val (p->entries, fresh);
      e = &g_array_index (p->entries, Entry, p->entries->len - 1);
    }
  g_clear_pointer (&e->string, g_free);
  e->number = 0;
  return e;
}

void
ax_params_set_number (AxParams   *p,
                      const char *name,
                      double      value)
{
  g_return_if_fail (p != NULL && name != NULL);
  ensure_entry (p, name)->number = value;
}

void
ax_params_set_string (AxParams   *p,
                      const char *name,
                      const char *value)
{
  g_return_if_fail (p != NULL && name != NULL && value != NULL);
  ensure_entry (p, name)->string = g_strdup (value);
}

/* NAN when @name is absent or holds a string. */
double
ax_params_get_number (const AxParams *p,
                      const char     *name)
{
  const Entry *e;

  g_return_val_if_fail (p != NULL && name != NULL, NAN);
  e = find_entry (p, name);
  return e != NULL && e->string == NULL ? e->number : NAN;
}

const char *
ax_params_get_string (const AxParams *p,
                      const char     *name)
{
  const Entry *e;

  g_return_val_if_fail (p != NULL && name != NULL, NULL);
  e = find_entry (p, name);
  return e != NULL ? e->string : NULL;
}

gboolean
ax_params_has (const AxParams *p,
               const char     *name)
{
  g_return_val_if_fail (p != NULL && name != NULL, FALSE);
  return find_entry (p, name) != NULL;
}

/* Checking */

static const AxParamSpec *
find_spec (const AxParamSpec *specs,
           const char        *name)
{
  for (const AxParamSpec *s = specs; s != NULL && s->name != NULL; s++)
    if (g_str_equal (s->name, name))
      return s;
  return NULL;
}

static char *
spec_names (const AxParamSpec *specs)
{
  GString *out = g_string_new (NULL);

  for (const AxParamSpec *s = specs; s != NULL && s->name != NULL; s++)
    {
      if (out->len > 0)
        g_string_append (out, ", ");
      g_string_append (out, s->name);
    }
  return g_string_free (out, FALSE);
}

/* The choices without the "number" token, comma-separated for a message. */
static char *
choice_list (const AxParamSpec *spec,
             gboolean          *out_number)
{
  g_auto(GStrv) tokens = g_strsplit (spec->choices, "|", -1);
  GString *out = g_string_new (NULL);

  *out_number = FALSE;
  for (guint i = 0; tokens[i] != NULL; i++)
    {
      if (g_str_equal (tokens[i], "number"))
        {
          *out_number = TRUE;
          continue;
        }
      if (out->len > 0)
        g_string_append (out, ", ");
      g_string_append (out, tokens[i]);
    }
  return g_string_free (out, FALSE);
}

static gboolean
choice_has (const AxParamSpec *spec,
            const char        *value)
{
  g_auto(GStrv) tokens = g_strsplit (spec->choices, "|", -1);

  if (g_str_equal (value, "number"))
    return FALSE;
  return g_strv_contains ((const char * const *) tokens, value);
}

static char *
choice_default (const AxParamSpec *spec)
{
  const char *bar = strchr (spec->choices, '|');

  return bar ? g_strndup (spec->choices, bar - spec->choices) : g_strdup (spec->choices);
}

static gboolean
is_whole (double x)
{
  return isfinite (x) && x == floor (x);
}

static gboolean
check_number (const AxParamSpec *spec,
              const char        *section,
              double             value,
              GError           **error)
{
  gboolean in_range = isfinite (value) && value >= spec->min && value <= spec->max;

  if (spec->type == AX_PARAM_INT && !(in_range && is_whole (value)))
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                   _("%s.%s: must be a whole number between %.15g and %.15g, not %.15g"),
                   section, spec->name, spec->min, spec->max, value);
      return FALSE;
    }
  if (spec->type == AX_PARAM_REAL && !in_range)
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                   _("%s.%s: must be a number between %.15g and %.15g, not %.15g"),
                   section, spec->name, spec->min, spec->max, value);
      return FALSE;
    }
  return TRUE;
}

/* A number given for a CHOICE whose choices include "number": a fraction
 * in (0, 1], or a whole count of at least 1 (and at most spec->max when the
 * spec gives a range). */
static gboolean
check_choice_number (const AxParamSpec *spec,
                     double             value)
{
  gboolean bounded = spec->max > spec->min;

  if (isfinite (value) && value > 0 && value <= 1)
    return TRUE;
  if (is_whole (value) && value >= 1 && (!bounded || value <= spec->max))
    return TRUE;
  return FALSE;
}

static gboolean
check_one (const AxParamSpec *spec,
           const char        *section,
           const Entry       *given,
           AxParams          *out,
           GError           **error)
{
  switch (spec->type)
    {
    case AX_PARAM_INT:
    case AX_PARAM_REAL:
      if (given == NULL)
        {
          ax_params_set_number (out, spec->name, spec->def);
          return TRUE;
        }
      if (given->string != NULL)
        {
          g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                       spec->type == AX_PARAM_INT
                       ? _("%s.%s: must be a whole number between %.15g and %.15g, not the text “%s”")
                       : _("%s.%s: must be a number between %.15g and %.15g, not the text “%s”"),
                       section, spec->name, spec->min, spec->max, given->string);
          return FALSE;
        }
      if (!check_number (spec, section, given->number, error))
        return FALSE;
      ax_params_set_number (out, spec->name, given->number);
      return TRUE;

    case AX_PARAM_BOOL:
      if (given == NULL)
        {
          ax_params_set_number (out, spec->name, spec->def != 0);
          return TRUE;
        }
      if (given->string == NULL && (given->number == 0 || given->number == 1))
        {
          ax_params_set_number (out, spec->name, given->number);
          return TRUE;
        }
      if (given->string != NULL
          && (g_str_equal (given->string, "true") || g_str_equal (given->string, "false")))
        {
          ax_params_set_number (out, spec->name, g_str_equal (given->string, "true"));
          return TRUE;
        }
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                   _("%s.%s: must be true or false"), section, spec->name);
      return FALSE;

    case AX_PARAM_CHOICE:
    default:
      {
        gboolean allows_number;
        g_autofree char *list = choice_list (spec, &allows_number);

        if (given == NULL)
          {
            g_autofree char *def = choice_default (spec);
            ax_params_set_string (out, spec->name, def);
            return TRUE;
          }
        if (given->string != NULL && choice_has (spec, given->string))
          {
            ax_params_set_string (out, spec->name, given->string);
            return TRUE;
          }
        if (given->string == NULL && allows_number
            && check_choice_number (spec, given->number))
          {
            ax_params_set_number (out, spec->name, given->number);
            return TRUE;
          }

        if (allows_number)
          {
            g_autofree char *count = spec->max > spec->min
              ? g_strdup_printf (_("a whole number from 1 to %.15g"), spec->max)
              : g_strdup (_("a whole number of at least 1"));
            g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                         _("%s.%s: use one of %s, a fraction greater than 0 and at most 1, or %s"),
                         section, spec->name, list, count);
          }
        else if (given->string != NULL)
          g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                       _("%s.%s: “%s” is not allowed; use one of %s"),
                       section, spec->name, given->string, list);
        else
          g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                       _("%s.%s: must be one of %s, not a number"),
                       section, spec->name, list);
        return FALSE;
      }
    }
}

/* The first of @given's names that @specs lacks, or NULL. */
static const char *
unknown_name (const AxParamSpec *specs,
              const AxParams    *given)
{
  if (given != NULL)
    for (guint i = 0; i < given->entries->len; i++)
      {
        const Entry *e = &g_array_index (given->entries, Entry, i);
        if (find_spec (specs, e->name) == NULL)
          return e->name;
      }
  return NULL;
}

AxParams *
ax_params_check (const AxParamSpec *specs,
                 const char        *section,
                 const AxParams    *given,
                 GError           **error)
{
  g_autoptr(AxParams) out = ax_params_new ();
  const char *unknown;

  g_return_val_if_fail (section != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  unknown = unknown_name (specs, given);
  if (unknown != NULL)
    {
      g_autofree char *names = spec_names (specs);
      if (*names == '\0')
        g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                     _("%s.%s: no settings are accepted here"), section, unknown);
      else
        g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                     _("%s.%s: there is no such setting; use one of %s"),
                     section, unknown, names);
      return NULL;
    }

  for (const AxParamSpec *s = specs; s != NULL && s->name != NULL; s++)
    if (!check_one (s, section, given != NULL ? find_entry (given, s->name) : NULL, out, error))
      return NULL;

  return g_steal_pointer (&out);
}

AxParams *
ax_algorithm_check_params (const AxAlgorithm *algo,
                           AxParams          *given,
                           GError           **error)
{
  const char *unknown;

  g_return_val_if_fail (algo != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  unknown = unknown_name (algo->params, given);
  if (unknown != NULL)
    {
      g_autofree char *names = spec_names (algo->params);
      if (*names == '\0')
        g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                     _("hyperparameters.%s: the algorithm %s takes no hyperparameters"),
                     unknown, algo->name);
      else
        g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_CONFIG,
                     _("hyperparameters.%s: the algorithm %s has no such hyperparameter; use one of %s"),
                     unknown, algo->name, names);
      return NULL;
    }
  return ax_params_check (algo->params, "hyperparameters", given, error);
}
