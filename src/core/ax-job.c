/* ax-job.c — a long operation on a worker thread */

#include "ax-config.h"
#include "ax-job.h"

#include <errno.h>

#ifdef __GLIBC__
#include <malloc.h>
#endif

#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

/* How much nicer than the thread starting it a job's thread runs.  The
 * window's main loop must keep drawing while a job keeps every core busy;
 * on Linux a thread's nice value is its own, and the threads a job starts
 * (the forest's, XGBoost's) inherit it. */
#define JOB_NICENESS 10

struct _AxJob {
  GObject        parent_instance;
  char          *title;
  AxJobFunc      func;
  gpointer       data;
  GDestroyNotify destroy;
  GCancellable  *cancellable;
  GMainContext  *context;
  gint64         started;      /* monotonic µs */

  /* Written by the worker, read on the main context. */
  GMutex         lock;
  double         pending_fraction;
  char          *pending_detail;
  gboolean       update_queued;
  gint64         last_update;

  double         fraction;
  char          *detail;
  double         eta;
};

enum { PROP_0, PROP_TITLE, PROP_FRACTION, PROP_DETAIL, PROP_ETA, N_PROPS };
static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (AxJob, ax_job, G_TYPE_OBJECT)

static void
ax_job_finalize (GObject *object)
{
  AxJob *self = AX_JOB (object);

  if (self->destroy)
    self->destroy (self->data);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_mutex_clear (&self->lock);
  g_free (self->pending_detail);
  g_free (self->detail);
  g_free (self->title);
  G_OBJECT_CLASS (ax_job_parent_class)->finalize (object);
}

static void
ax_job_get_property (GObject    *object,
                     guint       prop_id,
                     GValue     *value,
                     GParamSpec *pspec)
{
  AxJob *self = AX_JOB (object);

  switch (prop_id)
    {
    case PROP_TITLE:    g_value_set_string (value, self->title); break;
    case PROP_FRACTION: g_value_set_double (value, self->fraction); break;
    case PROP_DETAIL:   g_value_set_string (value, self->detail); break;
    case PROP_ETA:      g_value_set_double (value, self->eta); break;
    default:            G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ax_job_class_init (AxJobClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ax_job_finalize;
  object_class->get_property = ax_job_get_property;

  properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL,
                                                G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_FRACTION] = g_param_spec_double ("fraction", NULL, NULL, -1, 1, -1,
                                                   G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_DETAIL] = g_param_spec_string ("detail", NULL, NULL, NULL,
                                                 G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_ETA] = g_param_spec_double ("eta", NULL, NULL, -1, G_MAXDOUBLE, -1,
                                              G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ax_job_init (AxJob *self)
{
  g_mutex_init (&self->lock);
  self->cancellable = g_cancellable_new ();
  self->context = g_main_context_ref_thread_default ();
  self->fraction = self->pending_fraction = -1;
  self->eta = -1;
}

AxJob *
ax_job_new (const char     *title,
            AxJobFunc       func,
            gpointer        data,
            GDestroyNotify  destroy)
{
  AxJob *self = g_object_new (AX_TYPE_JOB, NULL);

  self->title = g_strdup (title);
  self->func = func;
  self->data = data;
  self->destroy = destroy;
  return self;
}

/* On the job's main context: publish what the worker reported. */
static gboolean
apply_update (gpointer data)
{
  AxJob *self = data;
  double fraction;
  g_autofree char *detail = NULL;

  g_mutex_lock (&self->lock);
  fraction = self->pending_fraction;
  detail = g_strdup (self->pending_detail);
  self->update_queued = FALSE;
  g_mutex_unlock (&self->lock);

  if (fraction != self->fraction)
    {
      double elapsed = (double) (g_get_monotonic_time () - self->started) / G_USEC_PER_SEC;
      self->fraction = fraction;
      /* Only estimate once there is enough behind us to go by. */
      self->eta = fraction > 0.02 && elapsed > 0.5 ? elapsed * (1 - fraction) / fraction : -1;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION]);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ETA]);
    }
  if (g_strcmp0 (detail, self->detail) != 0)
    {
      g_free (self->detail);
      self->detail = g_steal_pointer (&detail);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DETAIL]);
    }
  return G_SOURCE_REMOVE;
}

void
ax_job_progress (double      fraction,
                 const char *detail,
                 gpointer    job)
{
  AxJob *self = job;
  gint64 now = g_get_monotonic_time ();
  gboolean queue = FALSE;

  g_mutex_lock (&self->lock);
  self->pending_fraction = fraction;
  if (detail)
    {
      g_free (self->pending_detail);
      self->pending_detail = g_strdup (detail);
    }
  /* At most one pending update, and not more than ~20 a second, except the
   * last one which must always arrive. */
  if (!self->update_queued && (now - self->last_update > 50000 || fraction >= 1))
    {
      self->update_queued = TRUE;
      self->last_update = now;
      queue = TRUE;
    }
  g_mutex_unlock (&self->lock);

  /* Always through a source: g_main_context_invoke() would run the update
   * right here, in the worker, whenever no thread happens to own the
   * context at this moment. */
  if (queue)
    {
      g_autoptr(GSource) source = g_idle_source_new ();
      g_source_set_priority (source, G_PRIORITY_DEFAULT);
      g_source_set_callback (source, apply_update, g_object_ref (self), g_object_unref);
      g_source_set_static_name (source, "[auspex] job progress");
      g_source_attach (source, self->context);
    }
}

static void
lower_priority (void)
{
#ifdef __linux__
  pid_t tid = (pid_t) syscall (SYS_gettid);
  int nice;

  errno = 0;
  nice = getpriority (PRIO_PROCESS, (id_t) tid);
  if (errno == 0)
    (void) setpriority (PRIO_PROCESS, (id_t) tid, MIN (nice + JOB_NICENESS, 19));
#endif
}

void
ax_job_setup_memory (void)
{
#ifdef __GLIBC__
  mallopt (M_MMAP_THRESHOLD, 32 << 20);
  mallopt (M_TRIM_THRESHOLD, 256 << 20);
#endif
}

/* What the job freed, back to the system (see ax_job_setup_memory()). */
static void
release_memory (void)
{
#ifdef __GLIBC__
  malloc_trim (0);
#endif
}

/* A thread of its own rather than GIO's shared pool: its lowered
 * priority must not outlive the job. */
static gpointer
job_thread (gpointer data)
{
  g_autoptr(GTask) task = data;
  AxJob *self = g_task_get_source_object (task);
  GError *error = NULL;

  lower_priority ();
  if (self->func (self, self->data, g_task_get_cancellable (task), &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
  release_memory ();
  return NULL;
}

void
ax_job_run_async (AxJob               *self,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, self->cancellable, callback, user_data);

  self->started = g_get_monotonic_time ();
  g_task_set_source_tag (task, ax_job_run_async);
  /* The function checks the cancellable itself and cleans up; its result
   * must be delivered even when cancelled. */
  g_task_set_return_on_cancel (task, FALSE);
  g_thread_unref (g_thread_new ("ax-job", job_thread, g_steal_pointer (&task)));
}

gboolean
ax_job_run_finish (AxJob         *self,
                   GAsyncResult  *result,
                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
ax_job_run_sync (AxJob   *self,
                 GError **error)
{
  self->started = g_get_monotonic_time ();
  return self->func (self, self->data, self->cancellable, error);
}

void
ax_job_cancel (AxJob *self)
{
  g_cancellable_cancel (self->cancellable);
}

GCancellable *
ax_job_get_cancellable (AxJob *self)
{
  return self->cancellable;
}

const char *
ax_job_get_title (AxJob *self)
{
  return self->title;
}

double
ax_job_get_fraction (AxJob *self)
{
  return self->fraction;
}

const char *
ax_job_get_detail (AxJob *self)
{
  return self->detail;
}

double
ax_job_get_eta (AxJob *self)
{
  return self->eta;
}

gpointer
ax_job_get_data (AxJob *self)
{
  return self->data;
}
