/* ax-job.h — a long operation on a worker thread
 *
 * The one pattern for import, export, training, detection and sync: a
 * function runs in a GTask thread, reports progress through ax_job_progress
 * (an AxProgressFunc taking the job as its data), and can be cancelled.
 * Progress reaches the job's properties on the main context it was created
 * in, at most about twenty times a second, so views simply bind to
 * "fraction", "detail" and "eta".
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define AX_TYPE_JOB (ax_job_get_type ())
G_DECLARE_FINAL_TYPE (AxJob, ax_job, AX, JOB, GObject)

/* Runs in the worker thread; returns FALSE with @error set on failure. */
typedef gboolean (*AxJobFunc) (AxJob         *job,
                               gpointer       data,
                               GCancellable  *cancellable,
                               GError       **error);

AxJob        *ax_job_new             (const char          *title,
                                      AxJobFunc            func,
                                      gpointer             data,
                                      GDestroyNotify       destroy);
void          ax_job_run_async       (AxJob               *self,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
gboolean      ax_job_run_finish      (AxJob               *self,
                                      GAsyncResult        *result,
                                      GError             **error);
/* Sets how the process keeps memory, once, before its first job (each
 * program's main() calls it): blocks of up to 32 MiB come from the heap,
 * and up to 256 MiB of what is freed stays with the process, instead of
 * going back to the system after each step of a job and coming back a
 * page at a time (training allocates and frees tens of megabytes from
 * step to step: a few percent of its time went to those page faults).
 * A job run in its own thread hands back what is left over when it ends. */
void          ax_job_setup_memory    (void);

/* Runs the job in the calling thread (for the CLI and tests). */
gboolean      ax_job_run_sync        (AxJob               *self,
                                      GError             **error);

void          ax_job_cancel          (AxJob               *self);
GCancellable *ax_job_get_cancellable (AxJob               *self);
const char   *ax_job_get_title       (AxJob               *self);
/* 0..1, or negative while unknown. */
double        ax_job_get_fraction    (AxJob               *self);
const char   *ax_job_get_detail      (AxJob               *self);
/* Seconds left, estimated from the pace so far; negative while unknown. */
double        ax_job_get_eta         (AxJob               *self);
gpointer      ax_job_get_data        (AxJob               *self);

/* An AxProgressFunc: pass the job as its user data.  Thread-safe. */
void          ax_job_progress        (double               fraction,
                                      const char          *detail,
                                      gpointer             job);

G_END_DECLS
