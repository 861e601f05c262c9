/* ax-boost-trees.c — reading XGBoost's model and predicting with it
 *
 * The model, in XGBoost's JSON or its binary form of it (UBJSON, which
 * XGBoost writes several times faster), is read by a small scanner that
 * keeps only what prediction needs (the objective, the base score, and
 * each tree's children, split features, split values and default
 * directions) and skips the rest unparsed: the model of 100 rounds is
 * about 700 KB of JSON, which a general parser would turn into some
 * 150,000 nodes first.
 *
 * XGBoost 1.7's CPU predictor, followed here: each row's margin starts at
 * the base score (as a margin: logit(base_score) for binary:logistic) in
 * float, and each tree's leaf value is added in float, in tree order; a
 * split sends a row left when value < split_condition, to its default
 * side when the value is missing; the logistic link is
 * 1 / (1 + exp(min(-x, 88.7)) + 1e-16) in float, softmax subtracts the
 * largest margin and divides by the sum accumulated in double.
 */

#include "ax-config.h"
#include "ax-boost-trees.h"
#include "ax-tree.h"
#include "ax-types.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK_ROWS   256u
#define MAX_NESTING  64u
#define MAX_GROUPS   1000u

struct _AxBoostTrees {
  AxBoostLink  link;
  guint        n_features;
  guint        n_groups;
  guint        n_trees;
  guint        per_round;     /* trees per round: groups x parallel trees */
  float       *base;          /* n_groups margins */
  gsize       *tree_start;    /* n_trees + 1 offsets into nodes */
  guint       *depth;         /* per tree */
  guint       *group;         /* per tree */
  AxTreeNode  *nodes;         /* children indices are relative to the tree */
  float       *values;        /* per node: the leaf value (0 in inner nodes) */
  double      *importance;    /* n_features: total gain */
};

/* Scanning */

typedef struct {
  const char *p, *end;
  guint       nesting;
  gboolean    ubj;           /* UBJSON, else JSON text */
} Scan;


static void
skip_space (Scan *s)
{
  while (s->p < s->end && (*s->p == ' ' || *s->p == '\n' || *s->p == '\r' || *s->p == '\t'))
    s->p++;
}

/* Whether only (JSON's) space is left. */
static gboolean
at_end (Scan *s)
{
  if (!s->ubj)
    skip_space (s);
  return s->p == s->end;
}

static gboolean
eat (Scan *s,
     char  c)
{
  skip_space (s);
  if (s->p < s->end && *s->p == c)
    {
      s->p++;
      return TRUE;
    }
  return FALSE;
}

/* The raw text between the quotes (escapes left as they are). */
static gboolean
read_string (Scan        *s,
             const char **str,
             gsize       *len)
{
  const char *start;

  if (!eat (s, '"'))
    return FALSE;
  start = s->p;
  while (s->p < s->end && *s->p != '"')
    s->p += *s->p == '\\' ? 2 : 1;
  if (s->p >= s->end)
    return FALSE;
  *str = start;
  *len = (gsize) (s->p - start);
  s->p++;
  return TRUE;
}

static gboolean
is_key (const char *key,
        gsize       len,
        const char *name)
{
  return strlen (name) == len && memcmp (key, name, len) == 0;
}

static gboolean skip_value (Scan *s);

/* Calls @member for each member of an object; it must read the value. */
typedef gboolean (*MemberFunc) (Scan *s, const char *key, gsize len, gpointer data);

static gboolean ubj_read_object  (Scan *s, MemberFunc member, gpointer data);
static gboolean ubj_skip_value   (Scan *s);
static gboolean ubj_read_string  (Scan *s, const char **str, gsize *len);
static gboolean ubj_read_number  (Scan *s, double *out);
static gboolean ubj_read_numbers (Scan *s, GArray *out, GArray *ints);

static gboolean
read_object (Scan       *s,
             MemberFunc  member,
             gpointer    data)
{
  if (s->ubj)
    return ubj_read_object (s, member, data);
  if (!eat (s, '{') || ++s->nesting > MAX_NESTING)
    return FALSE;
  if (!eat (s, '}'))
    {
      do
        {
          const char *key;
          gsize len;

          if (!read_string (s, &key, &len) || !eat (s, ':') || !member (s, key, len, data))
            return FALSE;
        }
      while (eat (s, ','));
      if (!eat (s, '}'))
        return FALSE;
    }
  s->nesting--;
  return TRUE;
}

static gboolean
skip_member (Scan       *s,
             const char *key,
             gsize       len,
             gpointer    data)
{
  return skip_value (s);
}

static gboolean
skip_value (Scan *s)
{
  if (s->ubj)
    return ubj_skip_value (s);
  skip_space (s);
  if (s->p >= s->end)
    return FALSE;
  if (*s->p == '{')
    return read_object (s, skip_member, NULL);
  if (*s->p == '[')
    {
      s->p++;
      if (++s->nesting > MAX_NESTING)
        return FALSE;
      if (!eat (s, ']'))
        {
          do
            if (!skip_value (s))
              return FALSE;
          while (eat (s, ','));
          if (!eat (s, ']'))
            return FALSE;
        }
      s->nesting--;
      return TRUE;
    }
  if (*s->p == '"')
    {
      const char *str;
      gsize len;
      return read_string (s, &str, &len);
    }
  {
    const char *start = s->p;
    while (s->p < s->end && (g_ascii_isalnum (*s->p) || *s->p == '-' || *s->p == '+' || *s->p == '.'))
      s->p++;
    return s->p > start;
  }
}

/* The number in @str (@len bytes; "[x]", XGBoost 3's vector base score,
 * gives x). */
static gboolean
parse_number (const char *str,
              gsize       len,
              double     *out)
{
  char buf[64];
  char *end;

  if (len >= 2 && str[0] == '[' && str[len - 1] == ']')
    {
      str++;
      len -= 2;
      if (memchr (str, ',', len) != NULL)
        return FALSE;
    }
  if (len == 0 || len >= sizeof buf)
    return FALSE;
  memcpy (buf, str, len);
  buf[len] = '\0';
  *out = g_ascii_strtod (buf, &end);
  return *end == '\0';
}

/* A number, written as one or inside a string ("5E-1", as XGBoost writes
 * its parameters). */
static gboolean
read_number (Scan   *s,
             double *out)
{
  const char *str;
  gsize len;

  if (s->ubj)
    return ubj_read_number (s, out);
  skip_space (s);
  if (s->p < s->end && *s->p == '"')
    {
      if (!read_string (s, &str, &len))
        return FALSE;
    }
  else
    {
      str = s->p;
      while (s->p < s->end && (g_ascii_isalnum (*s->p) || *s->p == '-' || *s->p == '+' || *s->p == '.'))
        s->p++;
      len = (gsize) (s->p - str);
    }
  return parse_number (str, len, out);
}

/* An array of numbers into @out (doubles), or of whole numbers into @ints
 * (gint64); booleans are 0 and 1. */
static gboolean
read_numbers (Scan   *s,
              GArray *out,
              GArray *ints)
{
  if (s->ubj)
    return ubj_read_numbers (s, out, ints);
  if (!eat (s, '['))
    return FALSE;
  if (eat (s, ']'))
    return TRUE;
  do
    {
      skip_space (s);
      if (ints != NULL)
        {
          gint64 v = 0;
          gboolean neg = FALSE, any = FALSE;

          if (s->end - s->p >= 4 && memcmp (s->p, "true", 4) == 0)
            v = 1, any = TRUE, s->p += 4;
          else if (s->end - s->p >= 5 && memcmp (s->p, "false", 5) == 0)
            any = TRUE, s->p += 5;
          else
            {
              if (s->p < s->end && *s->p == '-')
                neg = TRUE, s->p++;
              while (s->p < s->end && g_ascii_isdigit (*s->p) && v < G_MAXINT32)
                v = v * 10 + (*s->p++ - '0'), any = TRUE;
            }
          if (!any || (s->p < s->end && (g_ascii_isdigit (*s->p) || *s->p == '.' || *s->p == 'E' || *s->p == 'e')))
            return FALSE;
          v = neg ? -v : v;
          g_array_append_val (ints, v);
        }
      else
        {
          double v;
          if (!read_number (s, &v))
            return FALSE;
          g_array_append_val (out, v);
        }
    }
  while (eat (s, ','));
  return eat (s, ']');
}

/* UBJSON, as XGBoost writes it: an object is '{', then each key (its
 * length as an integer, then its bytes) and value, then '}'; an array is
 * '[' and its values up to ']', or '[' '#' count and that many values, or
 * '[' '$' type '#' count and that many values of one type, bare.  Numbers
 * are big-endian: 'i' int8, 'U' uint8, 'I' int16, 'l' int32, 'L' int64,
 * 'd' float32, 'D' float64; strings are 'S', a length, the bytes. */

static gsize
ubj_size (char marker)
{
  switch (marker)
    {
    case 'i': case 'U': case 'C': return 1;
    case 'I': return 2;
    case 'l': case 'd': return 4;
    case 'L': case 'D': return 8;
    default: return 0;
    }
}

static gboolean
ubj_marker (Scan *s,
            char *marker)
{
  if (s->p >= s->end)
    return FALSE;
  *marker = *s->p++;
  return TRUE;
}

/* A number of type @marker, which must be one, as a double; integers
 * beyond 2^53 are refused. */
static gboolean
ubj_value (Scan   *s,
           char    marker,
           double *out)
{
  gsize size = ubj_size (marker);
  const guint8 *b = (const guint8 *) s->p;
  guint64 u = 0;

  if (size == 0 || marker == 'C' || (gsize) (s->end - s->p) < size)
    return FALSE;
  for (gsize i = 0; i < size; i++)
    u = u << 8 | b[i];
  s->p += size;
  switch (marker)
    {
    case 'i': *out = (gint8) u; return TRUE;
    case 'U': *out = (guint8) u; return TRUE;
    case 'I': *out = (gint16) u; return TRUE;
    case 'l': *out = (gint32) u; return TRUE;
    case 'L':
      *out = (double) (gint64) u;
      return (gint64) u >= -(G_GINT64_CONSTANT (1) << 53) && (gint64) u <= (G_GINT64_CONSTANT (1) << 53);
    case 'd':
      {
        guint32 u32 = (guint32) u;
        float f;
        memcpy (&f, &u32, sizeof f);
        *out = f;
        return TRUE;
      }
    case 'D':
      memcpy (out, &u, sizeof *out);
      return TRUE;
    default:
      return FALSE;
    }
}

/* A length or count: an integer, at most what is left of the input. */
static gboolean
ubj_count (Scan  *s,
           gsize *n)
{
  char marker;
  double v;

  if (!ubj_marker (s, &marker) || marker == 'd' || marker == 'D' || !ubj_value (s, marker, &v) ||
      v < 0 || v > (double) (s->end - s->p))
    return FALSE;
  *n = (gsize) v;
  return TRUE;
}

/* The bytes of a key (no marker) or, with @marked, of a string value. */
static gboolean
ubj_bytes (Scan        *s,
           gboolean     marked,
           const char **str,
           gsize       *len)
{
  char marker;

  if (marked && (!ubj_marker (s, &marker) || (marker != 'S' && marker != 'H')))
    return FALSE;
  if (!ubj_count (s, len))
    return FALSE;
  *str = s->p;
  s->p += *len;
  return TRUE;
}

static gboolean
ubj_read_string (Scan        *s,
                 const char **str,
                 gsize       *len)
{
  return ubj_bytes (s, TRUE, str, len);
}

/* After an array's '[': its type (0 if none) and count (G_MAXSIZE if it
 * ends with ']'). */
static gboolean
ubj_array_header (Scan  *s,
                  char  *type,
                  gsize *count)
{
  *type = 0;
  *count = G_MAXSIZE;
  if (s->p < s->end && *s->p == '$')
    {
      s->p++;
      if (!ubj_marker (s, type) || s->p >= s->end || *s->p != '#')
        return FALSE;
    }
  if (s->p < s->end && *s->p == '#')
    {
      s->p++;
      if (!ubj_count (s, count))
        return FALSE;
    }
  /* A typed array's values take their bytes: refuse counts beyond them. */
  return *type == 0 || (ubj_size (*type) > 0 && *count <= (gsize) (s->end - s->p) / ubj_size (*type));
}

/* Whether the array read with ubj_array_header() has a value left
 * (the @i-th), eating its closing ']' when it has not. */
static gboolean
ubj_array_more (Scan  *s,
                gsize  count,
                gsize  i)
{
  if (count != G_MAXSIZE)
    return i < count;
  if (s->p < s->end && *s->p == ']')
    {
      s->p++;
      return FALSE;
    }
  return s->p < s->end;
}

static gboolean
ubj_read_object (Scan       *s,
                 MemberFunc  member,
                 gpointer    data)
{
  if (s->p >= s->end || *s->p != '{' || ++s->nesting > MAX_NESTING)
    return FALSE;
  s->p++;
  for (;;)
    {
      const char *key;
      gsize len;

      if (s->p >= s->end)
        return FALSE;
      if (*s->p == '}')
        break;
      if (!ubj_bytes (s, FALSE, &key, &len) || !member (s, key, len, data))
        return FALSE;
    }
  s->p++;
  s->nesting--;
  return TRUE;
}

static gboolean
ubj_skip_value (Scan *s)
{
  char marker;

  if (s->p >= s->end)
    return FALSE;
  if (*s->p == '{')
    return ubj_read_object (s, skip_member, NULL);
  if (!ubj_marker (s, &marker))
    return FALSE;
  switch (marker)
    {
    case '[':
      {
        char type;
        gsize count;

        if (++s->nesting > MAX_NESTING || !ubj_array_header (s, &type, &count))
          return FALSE;
        if (type != 0)
          s->p += count * ubj_size (type);
        else
          for (gsize i = 0; ubj_array_more (s, count, i); i++)
            if (!ubj_skip_value (s))
              return FALSE;
        s->nesting--;
        return TRUE;
      }
    case 'S':
    case 'H':
      {
        const char *str;
        gsize len;

        s->p--;
        return ubj_read_string (s, &str, &len);
      }
    case 'T': case 'F': case 'Z': case 'N':
      return TRUE;
    default:
      if (ubj_size (marker) == 0 || (gsize) (s->end - s->p) < ubj_size (marker))
        return FALSE;
      s->p += ubj_size (marker);
      return TRUE;
    }
}

/* A number, or a string holding one (as XGBoost writes its parameters). */
static gboolean
ubj_read_number (Scan   *s,
                 double *out)
{
  char marker;

  if (s->p < s->end && (*s->p == 'S' || *s->p == 'H'))
    {
      const char *str;
      gsize len;

      return ubj_read_string (s, &str, &len) && parse_number (str, len, out);
    }
  return ubj_marker (s, &marker) && ubj_value (s, marker, out);
}

/* As read_numbers(); whole numbers must be integers in gint32's range. */
static gboolean
ubj_read_numbers (Scan   *s,
                  GArray *out,
                  GArray *ints)
{
  char marker, type;
  gsize count;

  if (!ubj_marker (s, &marker) || marker != '[' || !ubj_array_header (s, &type, &count))
    return FALSE;
  for (gsize i = 0; ubj_array_more (s, count, i); i++)
    {
      double v;
      char t = type;

      if (t == 0 && !ubj_marker (s, &t))
        return FALSE;
      if (ints != NULL && (t == 'T' || t == 'F'))
        v = t == 'T';
      else if (!ubj_value (s, t, &v))
        return FALSE;
      if (ints != NULL)
        {
          gint64 w = (gint64) v;

          if (t == 'd' || t == 'D' || v < G_MININT32 || v > G_MAXINT32)
            return FALSE;
          g_array_append_val (ints, w);
        }
      else
        g_array_append_val (out, v);
    }
  return TRUE;
}

/* The model */

typedef struct {
  GArray  *left, *right, *feature, *default_left, *split_type;   /* gint64 */
  GArray  *cond, *gain;                                          /* double */
} TreeArrays;

typedef struct {
  /* learner_model_param and the objective */
  double      base_score;
  gboolean    has_base_score;
  double      num_class;
  double      num_feature;
  char       *objective;
  char       *booster;
  double      num_parallel_tree;
  GArray     *tree_info;      /* gint64 */
  /* the trees read so far, laid out */
  GArray     *starts;         /* gsize */
  GArray     *depths;         /* guint */
  GArray     *nodes;          /* AxTreeNode */
  GArray     *values;         /* float */
  GArray     *gains;          /* double: each split's loss change, 0 in leaves */
  guint       n_features;
  gboolean    bad_tree;       /* a tree was refused */
} Model;

static char *
read_string_value (Scan *s)
{
  const char *str;
  gsize len;

  if (s->ubj)
    return ubj_read_string (s, &str, &len) ? g_strndup (str, len) : NULL;
  return read_string (s, &str, &len) ? g_strndup (str, len) : NULL;
}

static gboolean
tree_member (Scan       *s,
             const char *key,
             gsize       len,
             gpointer    data)
{
  TreeArrays *t = data;

  if (is_key (key, len, "left_children"))
    return read_numbers (s, NULL, t->left);
  if (is_key (key, len, "right_children"))
    return read_numbers (s, NULL, t->right);
  if (is_key (key, len, "split_indices"))
    return read_numbers (s, NULL, t->feature);
  if (is_key (key, len, "default_left"))
    return read_numbers (s, NULL, t->default_left);
  if (is_key (key, len, "split_type"))
    return read_numbers (s, NULL, t->split_type);
  if (is_key (key, len, "split_conditions"))
    return read_numbers (s, t->cond, NULL);
  if (is_key (key, len, "loss_changes"))
    return read_numbers (s, t->gain, NULL);
  return skip_value (s);
}

/* Lays out one tree breadth-first, each node's children side by side, a
 * leaf pointing to itself (as ax-tree.h walks it). */
static gboolean
add_tree (Model            *m,
          const TreeArrays *t)
{
  guint n = t->left->len;
  gsize start = m->nodes->len;
  g_autofree gint32 *order = NULL;     /* new index -> XGBoost's */
  g_autofree guint *level = NULL;
  g_autofree guint8 *seen = NULL;
  guint next = 1, depth = 0;

  if (n == 0 || t->right->len != n || t->feature->len != n || t->default_left->len != n ||
      t->cond->len != n || t->gain->len != n || (t->split_type->len != 0 && t->split_type->len != n) || n > G_MAXINT32 / 2)
    return FALSE;
  order = g_new (gint32, n);
  level = g_new (guint, n);
  seen = g_new0 (guint8, n);
  order[0] = 0;
  level[0] = 0;
  seen[0] = 1;
  g_array_set_size (m->nodes, start + n);
  g_array_set_size (m->values, start + n);
  g_array_set_size (m->gains, start + n);
  for (guint i = 0; i < next; i++)
    {
      guint o = (guint) order[i];
      gint64 l = g_array_index (t->left, gint64, o), r = g_array_index (t->right, gint64, o);
      gint64 f = g_array_index (t->feature, gint64, o);
      double c = g_array_index (t->cond, double, o);
      AxTreeNode *node = &g_array_index (m->nodes, AxTreeNode, start + i);

      depth = MAX (depth, level[i]);
      if (l == -1 && r == -1)
        {
          if (!isfinite (c))
            return FALSE;
          *node = (AxTreeNode) { 0, NAN, (gint32) i, (gint32) i };
          g_array_index (m->values, float, start + i) = (float) c;
          g_array_index (m->gains, double, start + i) = 0;
          continue;
        }
      /* Numerical splits only: Auspex gives XGBoost no categories. */
      if (l < 0 || r < 0 || l >= n || r >= n || seen[l] || seen[r] || f < 0 || f >= m->n_features ||
          isnan (c) || (t->split_type->len != 0 && g_array_index (t->split_type, gint64, o) != 0) ||
          next + 2 > n)
        return FALSE;
      seen[l] = seen[r] = 1;
      order[next] = (gint32) l;
      order[next + 1] = (gint32) r;
      level[next] = level[next + 1] = level[i] + 1;
      /* Right when !(v < c), that is v > the float just below c. */
      *node = (AxTreeNode) { (guint32) f, nextafterf ((float) c, -INFINITY), (gint32) next,
                             (gint32) next + (g_array_index (t->default_left, gint64, o) ? 0 : 1) };
      g_array_index (m->values, float, start + i) = 0;
      g_array_index (m->gains, double, start + i) = g_array_index (t->gain, double, o);
      next += 2;
    }
  /* Nodes XGBoost deleted are not reachable: drop them. */
  g_array_set_size (m->nodes, start + next);
  g_array_set_size (m->values, start + next);
  g_array_set_size (m->gains, start + next);
  g_array_append_val (m->starts, start);
  g_array_append_val (m->depths, depth);
  return TRUE;
}

/* Reads one tree object and lays it out. */
static gboolean
read_tree (Scan       *s,
           Model      *m,
           TreeArrays *t)
{
  g_array_set_size (t->left, 0);
  g_array_set_size (t->right, 0);
  g_array_set_size (t->feature, 0);
  g_array_set_size (t->default_left, 0);
  g_array_set_size (t->split_type, 0);
  g_array_set_size (t->cond, 0);
  g_array_set_size (t->gain, 0);
  if (!read_object (s, tree_member, t))
    return FALSE;
  if (!add_tree (m, t))
    {
      m->bad_tree = TRUE;
      return FALSE;
    }
  return TRUE;
}

static gboolean
trees_array (Scan  *s,
             Model *m)
{
  TreeArrays t = {
    g_array_new (FALSE, FALSE, sizeof (gint64)), g_array_new (FALSE, FALSE, sizeof (gint64)),
    g_array_new (FALSE, FALSE, sizeof (gint64)), g_array_new (FALSE, FALSE, sizeof (gint64)),
    g_array_new (FALSE, FALSE, sizeof (gint64)), g_array_new (FALSE, FALSE, sizeof (double)),
    g_array_new (FALSE, FALSE, sizeof (double)),
  };
  gboolean ok = FALSE;

  if (s->ubj)
    {
      char marker, type;
      gsize count;

      if (!ubj_marker (s, &marker) || marker != '[' || !ubj_array_header (s, &type, &count) || type != 0)
        goto out;
      for (gsize i = 0; ubj_array_more (s, count, i); i++)
        if (!read_tree (s, m, &t))
          goto out;
    }
  else
    {
      if (!eat (s, '['))
        goto out;
      if (!eat (s, ']'))
        {
          do
            if (!read_tree (s, m, &t))
              goto out;
          while (eat (s, ','));
          if (!eat (s, ']'))
            goto out;
        }
    }
  ok = TRUE;
out:
  g_array_unref (t.left);
  g_array_unref (t.right);
  g_array_unref (t.feature);
  g_array_unref (t.default_left);
  g_array_unref (t.split_type);
  g_array_unref (t.cond);
  g_array_unref (t.gain);
  return ok;
}

static gboolean
param_member (Scan       *s,
              const char *key,
              gsize       len,
              gpointer    data)
{
  Model *m = data;

  if (is_key (key, len, "base_score"))
    return m->has_base_score = read_number (s, &m->base_score);
  if (is_key (key, len, "num_class"))
    return read_number (s, &m->num_class);
  if (is_key (key, len, "num_feature"))
    return read_number (s, &m->num_feature);
  if (is_key (key, len, "num_parallel_tree"))
    return read_number (s, &m->num_parallel_tree);
  return skip_value (s);
}

static gboolean
name_member (Scan       *s,
             const char *key,
             gsize       len,
             gpointer    data)
{
  char **name = data;

  if (is_key (key, len, "name"))
    {
      g_free (*name);
      return (*name = read_string_value (s)) != NULL;
    }
  return skip_value (s);
}

static gboolean
model_member (Scan       *s,
              const char *key,
              gsize       len,
              gpointer    data)
{
  Model *m = data;

  if (is_key (key, len, "gbtree_model_param"))
    return read_object (s, param_member, m);
  if (is_key (key, len, "tree_info"))
    return read_numbers (s, NULL, m->tree_info);
  if (is_key (key, len, "trees"))
    return trees_array (s, m);
  return skip_value (s);
}

static gboolean
booster_member (Scan       *s,
                const char *key,
                gsize       len,
                gpointer    data)
{
  Model *m = data;

  if (is_key (key, len, "name"))
    {
      g_free (m->booster);
      return (m->booster = read_string_value (s)) != NULL;
    }
  if (is_key (key, len, "model"))
    return read_object (s, model_member, m);
  return skip_value (s);
}

static gboolean
learner_member (Scan       *s,
                const char *key,
                gsize       len,
                gpointer    data)
{
  Model *m = data;

  if (is_key (key, len, "learner_model_param"))
    return read_object (s, param_member, m);
  if (is_key (key, len, "objective"))
    return read_object (s, name_member, &m->objective);
  if (is_key (key, len, "gradient_booster"))
    return read_object (s, booster_member, m);
  return skip_value (s);
}

static gboolean
root_member (Scan       *s,
             const char *key,
             gsize       len,
             gpointer    data)
{
  if (is_key (key, len, "learner"))
    return read_object (s, learner_member, data);
  return skip_value (s);
}

static void
model_clear (Model *m)
{
  g_free (m->objective);
  g_free (m->booster);
  g_array_unref (m->tree_info);
  g_array_unref (m->starts);
  g_array_unref (m->depths);
  g_array_unref (m->nodes);
  g_array_unref (m->values);
  g_array_unref (m->gains);
}

AxBoostTrees *
ax_boost_trees_read (const char  *model,
                     gsize        len,
                     guint        n_features,
                     guint        n_rounds,
                     GError     **error)
{
  Model m = { 0 };
  /* UBJSON's first key starts with its length's integer marker; JSON's
   * with a quote (or space). */
  Scan s = { model, model + len, 0, len >= 2 && model[0] == '{' && ubj_size (model[1]) > 0 };
  g_autoptr(AxBoostTrees) t = NULL;
  guint groups, per_round, n_trees;

  g_return_val_if_fail (model != NULL, NULL);

  m.num_parallel_tree = 1;
  m.tree_info = g_array_new (FALSE, FALSE, sizeof (gint64));
  m.starts = g_array_new (FALSE, FALSE, sizeof (gsize));
  m.depths = g_array_new (FALSE, FALSE, sizeof (guint));
  m.nodes = g_array_new (FALSE, FALSE, sizeof (AxTreeNode));
  m.values = g_array_new (FALSE, FALSE, sizeof (float));
  m.gains = g_array_new (FALSE, FALSE, sizeof (double));
  m.n_features = n_features;
  /* XGBoost writes the trees before the number of classes (its keys are
   * in alphabetical order): every tree is laid out, and those past the
   * rounds wanted are dropped below. */
  if (!read_object (&s, root_member, &m) || !at_end (&s) ||
      g_strcmp0 (m.booster, "gbtree") != 0 || !m.has_base_score ||
      !isfinite (m.base_score) || m.num_feature != n_features ||
      !(m.num_class >= 0 && m.num_class <= MAX_GROUPS) ||
      !(m.num_parallel_tree >= 1 && m.num_parallel_tree <= 1000))
    goto damaged;

  groups = MAX ((guint) m.num_class, 1);
  per_round = groups * (guint) m.num_parallel_tree;
  n_trees = (guint64) n_rounds * per_round <= m.starts->len ? n_rounds * per_round : 0;
  if (n_trees == 0 || m.tree_info->len < n_trees)
    goto damaged;

  t = g_new0 (AxBoostTrees, 1);
  t->n_features = n_features;
  t->n_groups = groups;
  t->n_trees = n_trees;
  t->per_round = per_round;
  if (g_strcmp0 (m.objective, "reg:squarederror") == 0 && groups == 1)
    t->link = AX_BOOST_LINK_IDENTITY;
  else if (g_strcmp0 (m.objective, "binary:logistic") == 0 && groups == 1 &&
           m.base_score > 0 && m.base_score < 1)
    t->link = AX_BOOST_LINK_LOGISTIC;
  else if (g_strcmp0 (m.objective, "multi:softprob") == 0 && groups >= 2)
    t->link = AX_BOOST_LINK_SOFTMAX;
  else
    {
      g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_DATA,
                   _("The gradient boosting model has an objective Auspex does not predict with (“%s”)"),
                   m.objective != NULL ? m.objective : "");
      model_clear (&m);
      return NULL;
    }

  t->base = g_new (float, groups);
  for (guint k = 0; k < groups; k++)
    {
      float b = (float) m.base_score;
      /* XGBoost's ProbToMargin for the logistic link, in float. */
      t->base[k] = t->link == AX_BOOST_LINK_LOGISTIC ? -logf (1.0f / b - 1.0f) : b;
    }
  t->group = g_new (guint, n_trees);
  t->depth = g_new (guint, n_trees);
  t->tree_start = g_new (gsize, n_trees + 1);
  for (guint i = 0; i < n_trees; i++)
    {
      gint64 g = g_array_index (m.tree_info, gint64, i);

      if (g < 0 || g >= groups)
        goto damaged;
      t->group[i] = (guint) g;
      t->depth[i] = g_array_index (m.depths, guint, i);
      t->tree_start[i] = g_array_index (m.starts, gsize, i);
    }
  t->tree_start[n_trees] = n_trees < m.starts->len ? g_array_index (m.starts, gsize, n_trees) : m.nodes->len;
  t->nodes = g_memdup2 (m.nodes->data, t->tree_start[n_trees] * sizeof (AxTreeNode));
  t->values = g_memdup2 (m.values->data, t->tree_start[n_trees] * sizeof (float));
  /* XGBoost's "total_gain" importance: the loss changes of each feature's
   * splits, summed (leaves have none). */
  t->importance = g_new0 (double, MAX (n_features, 1));
  for (gsize i = 0; i < t->tree_start[n_trees]; i++)
    {
      double gain = g_array_index (m.gains, double, i);

      if (isfinite (gain) && gain > 0)
        t->importance[t->nodes[i].feature] += gain;
    }
  model_clear (&m);
  return g_steal_pointer (&t);

damaged:
  g_set_error (error, AX_LEARN_ERROR, AX_LEARN_ERROR_DATA,
               m.bad_tree ? _("The gradient boosting model has a damaged tree")
                          : _("The gradient boosting model is damaged or incomplete"));
  model_clear (&m);
  return NULL;
}

void
ax_boost_trees_free (AxBoostTrees *t)
{
  if (t == NULL)
    return;
  g_free (t->base);
  g_free (t->tree_start);
  g_free (t->depth);
  g_free (t->group);
  g_free (t->nodes);
  g_free (t->values);
  g_free (t->importance);
  g_free (t);
}

AxBoostLink
ax_boost_trees_link (const AxBoostTrees *t)
{
  return t->link;
}

guint
ax_boost_trees_groups (const AxBoostTrees *t)
{
  return t->n_groups;
}

double *
ax_boost_trees_importance (const AxBoostTrees *t)
{
  double *imp = g_new0 (double, MAX (t->n_features, 1));
  double total = 0;

  for (guint j = 0; j < t->n_features; j++)
    total += t->importance[j];
  if (total > 0)
    for (guint j = 0; j < t->n_features; j++)
      imp[j] = t->importance[j] / total;
  return imp;
}

/* Prediction */

typedef struct {
  const AxBoostTrees *t;
  const AxMatrix     *x;
  float              *out;
  gboolean            margin;    /* leave out the link */
  gint                next;      /* atomic: the next block */
} PredictJob;


static inline float
logistic (float x)
{
  return 1.0f / (expf (MIN (-x, 88.7f)) + 1.0f + 1e-16f);
}

/* XGBoost's link of @n rows of margins, in place. */
static void
apply_link (const AxBoostTrees *t,
            guint               n,
            float              *out)
{
  guint ng = t->n_groups;

  if (t->link == AX_BOOST_LINK_LOGISTIC)
    for (guint r = 0; r < n; r++)
      out[r] = logistic (out[r]);
  else if (t->link == AX_BOOST_LINK_SOFTMAX)
    for (guint r = 0; r < n; r++)
      {
        float *p = out + (gsize) r * ng, wmax = p[0];
        double sum = 0;

        for (guint k = 1; k < ng; k++)
          wmax = fmaxf (p[k], wmax);
        for (guint k = 0; k < ng; k++)
          {
            p[k] = expf (p[k] - wmax);
            sum += p[k];
          }
        for (guint k = 0; k < ng; k++)
          p[k] /= (float) sum;
      }
}

/* The margins of @n rows of @xb into @out. */
static void
predict_block (const AxBoostTrees *t,
               const float        *xb,
               gboolean            dense,
               guint               n,
               gint32             *leaf,
               float              *out)
{
  guint ng = t->n_groups;

  for (guint r = 0; r < n; r++)
    for (guint k = 0; k < ng; k++)
      out[(gsize) r * ng + k] = t->base[k];

  for (guint i = 0; i < t->n_trees; i++)
    {
      const AxTreeNode *nodes = t->nodes + t->tree_start[i];
      const float *values = t->values + t->tree_start[i];
      float *o = out + t->group[i];

      if (dense)
        ax_tree_walk_dense (nodes, t->depth[i], xb, t->n_features, n, leaf);
      else
        ax_tree_walk (nodes, t->depth[i], xb, t->n_features, n, leaf);
      for (guint r = 0; r < n; r++)
        o[(gsize) r * ng] += values[leaf[r]];
    }
}

static gpointer
predict_worker (gpointer data)
{
  PredictJob *job = data;
  const AxBoostTrees *t = job->t;
  guint n_rows = job->x->n_rows, n_blocks = (n_rows + BLOCK_ROWS - 1) / BLOCK_ROWS;
  g_autofree float *xb = g_new0 (float, (gsize) BLOCK_ROWS * t->n_features + 1);
  gint32 leaf[BLOCK_ROWS];
  gint block;

  while ((block = g_atomic_int_add (&job->next, 1)) < (gint) n_blocks)
    {
      guint r0 = (guint) block * BLOCK_ROWS, n = MIN (BLOCK_ROWS, n_rows - r0);
      gboolean dense = ax_tree_rows (job->x, r0, n, xb);

      float *out = job->out + (gsize) r0 * t->n_groups;

      predict_block (t, xb, dense, n, leaf, out);
      if (!job->margin)
        apply_link (t, n, out);
    }
  return NULL;
}

static void
predict_run (const AxBoostTrees *t,
             const AxMatrix     *x,
             gboolean            margin,
             float              *out)
{
  PredictJob job = { t, x, out, margin, 0 };
  guint n_blocks = (x->n_rows + BLOCK_ROWS - 1) / BLOCK_ROWS;
  guint n_threads = MIN (MAX (g_get_num_processors (), 1), n_blocks);

  g_return_if_fail (t != NULL && x != NULL && x->n_features == t->n_features);

  ax_run_on_threads (n_threads, "ax-boost-predict", predict_worker, &job);
}

void
ax_boost_trees_predict (const AxBoostTrees *t,
                        const AxMatrix     *x,
                        float              *out)
{
  predict_run (t, x, FALSE, out);
}

void
ax_boost_trees_predict_shuffled (const AxBoostTrees *t,
                                 const AxMatrix     *x,
                                 const guint        *group,
                                 guint               n_copies,
                                 const guint        *copy_group,
                                 const guint        *perm,
                                 float              *out)
{
  AxTreeEnsemble e = { t->n_trees, t->n_features, t->n_groups, t->tree_start, t->depth,
                       t->nodes, NULL, t->values, t->group };
  gsize width = (gsize) x->n_rows * t->n_groups;
  g_autofree float *margin = g_new (float, MAX (width, 1));
  g_autofree double *delta = g_new (double, MAX (width * n_copies, 1));

  g_return_if_fail (x->n_features == t->n_features);

  /* The rows' own margins, from the leaves the shuffles start from. */
  for (guint r = 0; r < x->n_rows; r++)
    for (guint k = 0; k < t->n_groups; k++)
      margin[(gsize) r * t->n_groups + k] = t->base[k];
  ax_tree_ensemble_shuffle_deltas (&e, x, group, n_copies, copy_group, perm, delta, margin);
  for (guint c = 0; c < n_copies; c++)
    {
      float *o = out + c * width;

      for (gsize i = 0; i < width; i++)
        o[i] = (float) ((double) margin[i] + delta[c * width + i]);
      apply_link (t, x->n_rows, o);
    }
}

guint
ax_boost_trees_n_rounds (const AxBoostTrees *t)
{
  return t->n_trees / t->per_round;
}

typedef struct {
  const AxBoostTrees *t;
  const AxMatrix     *x;
  AxBoostLossFunc     loss;
  gpointer            data;
  double             *block_sums;    /* [block * n_rounds + round] */
} RoundLosses;

static void
round_losses_block (guint    block,
                    gpointer data)
{
  RoundLosses *job = data;
  const AxBoostTrees *t = job->t;
  guint nf = t->n_features, ng = t->n_groups, per_round = t->per_round;
  guint n_rounds = t->n_trees / per_round;
  guint r0 = block * AX_BOOST_LOSS_BLOCK, n = MIN (AX_BOOST_LOSS_BLOCK, job->x->n_rows - r0);
  g_autofree float *rows = g_new (float, (gsize) n * nf + 1);
  g_autofree float *margin = g_new (float, (gsize) n * ng + 1);
  g_autofree float *pred = g_new (float, (gsize) n * ng + 1);
  g_autofree gint32 *leaf = g_new (gint32, MAX (n, 1));
  gboolean dense = ax_tree_rows (job->x, r0, n, rows);

  for (guint r = 0; r < n; r++)
    for (guint k = 0; k < ng; k++)
      margin[(gsize) r * ng + k] = t->base[k];
  for (guint round = 0; round < n_rounds; round++)
    {
      for (guint i = round * per_round; i < (round + 1) * per_round; i++)
        {
          const AxTreeNode *nodes = t->nodes + t->tree_start[i];
          const float *values = t->values + t->tree_start[i];
          float *o = margin + t->group[i];

          if (dense)
            ax_tree_walk_dense (nodes, t->depth[i], rows, nf, n, leaf);
          else
            ax_tree_walk (nodes, t->depth[i], rows, nf, n, leaf);
          for (guint r = 0; r < n; r++)
            o[(gsize) r * ng] += values[leaf[r]];
        }
      memcpy (pred, margin, (gsize) n * ng * sizeof (float));
      apply_link (t, n, pred);
      job->block_sums[(gsize) block * n_rounds + round] = job->loss (r0, n, pred, job->data);
    }
}

void
ax_boost_trees_round_losses (const AxBoostTrees *t,
                             const AxMatrix     *x,
                             AxBoostLossFunc     loss,
                             gpointer            data,
                             double             *sums)
{
  guint n_rounds = t->n_trees / t->per_round;
  guint n_blocks = (x->n_rows + AX_BOOST_LOSS_BLOCK - 1) / AX_BOOST_LOSS_BLOCK;
  g_autofree double *block_sums = g_new (double, (gsize) n_blocks * n_rounds + 1);
  RoundLosses job = { t, x, loss, data, block_sums };

  g_return_if_fail (x->n_features == t->n_features);

  ax_run_tasks (n_blocks, 0, round_losses_block, &job);
  for (guint round = 0; round < n_rounds; round++)
    {
      double sum = 0;

      for (guint b = 0; b < n_blocks; b++)
        sum += block_sums[(gsize) b * n_rounds + round];
      sums[round] = sum;
    }
}
