/* ax-types.h — column types and the parsing of text values into them
 *
 * The engine's notion of a column type, shared by every layer: importers
 * infer it, the store keeps it, the views show it and models use it.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  AX_COLUMN_INTEGER,
  AX_COLUMN_REAL,
  AX_COLUMN_BOOLEAN,
  AX_COLUMN_DATE,
  AX_COLUMN_DATETIME,
  AX_COLUMN_CATEGORICAL,
  AX_COLUMN_TEXT,
  AX_N_COLUMN_TYPES
} AxColumnType;

/* Date layouts understood when parsing text. ISO first: it is what the
 * store writes and what an inferred column prefers when several fit. */
typedef enum {
  AX_DATE_ISO,        /* 2024-03-31 */
  AX_DATE_ISO_SLASH,  /* 2024/03/31 */
  AX_DATE_DMY_DOT,    /* 31.03.2024 */
  AX_DATE_MDY_SLASH,  /* 03/31/2024 */
  AX_DATE_DMY_SLASH,  /* 31/03/2024 */
  AX_N_DATE_ORDERS
} AxDateOrder;

/* The stable lower-case name of a type ("integer", "categorical", ...),
 * as written in the project file and printed by the CLI. */
const char   *ax_column_type_to_string   (AxColumnType type);

/* Parses a name written by ax_column_type_to_string(); returns FALSE for
 * anything else. */
gboolean      ax_column_type_from_string (const char   *str,
                                          AxColumnType *out_type);

/* A translated, capitalised name for the UI ("Integer"). */
const char   *ax_column_type_label       (AxColumnType type);

/* TRUE for integer and real. */
gboolean      ax_column_type_is_numeric  (AxColumnType type);

/* The parsers take a NUL-terminated value without surrounding blanks and
 * return TRUE only if the whole string is a value of the type.
 *
 * Integers: optional sign and decimal digits, no leading zeros (so "007",
 * an identifier, stays text), within gint64.  Reals: decimal or scientific
 * notation with '.' as the separator; not "nan" or "inf" (those are missing
 * values).  Booleans: true/false in any case.  Dates give days since
 * 1970-01-01; date-times give seconds since 1970-01-01 00:00:00 as written
 * (no time zone is applied; a trailing 'Z' is accepted). */
gboolean      ax_parse_integer  (const char *str, gint64  *out);
gboolean      ax_parse_real     (const char *str, double  *out);
gboolean      ax_parse_boolean  (const char *str, gint64  *out);
gboolean      ax_parse_date     (const char *str, AxDateOrder order, gint64 *out_days);
gboolean      ax_parse_datetime (const char *str, gint64 *out_seconds);

/* Days since 1970-01-01 for a proleptic Gregorian date, and back. */
gint64        ax_days_from_civil (int year, int month, int day);
void          ax_civil_from_days (gint64 days, int *year, int *month, int *day);

/* Writes "YYYY-MM-DD" or "YYYY-MM-DD HH:MM:SS" into buf (at least 32 bytes)
 * and returns the length written, without the NUL. */
gsize         ax_format_date     (gint64 days,    char *buf, gsize size);
gsize         ax_format_datetime (gint64 seconds, char *buf, gsize size);

/* Writes a real so that parsing it back gives the same double ("%.17g"
 * shortened where a shorter form round-trips). */
void          ax_format_real     (double value,   char *buf, gsize size);

/* How long something took, for people (newly allocated, translated):
 * "< 1 ms" and "440 ms" under a second, "2.4 s" under ten, "37 s" under
 * a minute, then "6 min 05 s" and "2 h 04 min"; "—" when unknown. */
char         *ax_format_duration (double seconds);

/* Appends @str (UTF-8) to @out as a JSON string literal. */
void          ax_append_json_string (GString *out, const char *str);

/* Runs func (0 .. n_tasks - 1) on up to @n_threads threads (0: every
 * core), the calling thread among them; returns when all are done.  Tasks
 * must write to disjoint places; a caller that combines them in task order
 * gets results independent of the thread count. */
typedef void (*AxTaskFunc) (guint task, gpointer data);

/* Runs @func (@data) on @n_threads threads at once (at least 1), the
 * calling thread among them, and returns when all are done: for workers
 * that share out the work themselves and keep their own scratch space.
 * A worker must never wait for another: a call from inside another one
 * may run @func on the calling thread alone. */
void          ax_run_on_threads  (guint n_threads, const char *name, GThreadFunc func, gpointer data);

/* Tells ax_run_on_threads() that the calling thread has run OpenMP work
 * (XGBoost's training) and so has OpenMP's threads started and waiting:
 * from then on its calls run on those threads, instead of new threads
 * competing for the cores with OpenMP's still spinning after their last
 * work.  (A thread that has not started them would wait for them.) */
void          ax_threads_use_openmp (void);

void          ax_run_tasks       (guint n_tasks, guint n_threads, AxTaskFunc func, gpointer data);

G_END_DECLS
