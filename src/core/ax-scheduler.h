/* ax-scheduler.h — running a project's monitoring while the app is open
 *
 * One AxScheduler per open project.  Every minute (ax_scheduler_start())
 * it looks for work that is due: the enabled anomaly detections whose
 * detection_frequency has elapsed since their last run, then the models
 * whose retraining is due (ax_model_admin_list_due(): their frequency has
 * elapsed, or their metric on recorded actuals fell by their rule's drop),
 * retrained on their active version's configuration.  It does that work
 * in a worker thread, one item at a time, each with its own connection to
 * the project, and reports each item on the main context it was created
 * in ("detection-finished", "model-retrained" (id, name, new version, why),
 * "failed") so that the app can reload its views and raise notifications.
 *
 * Its clock can be replaced (ax_scheduler_set_now_func()) and a check can
 * be asked for at once (ax_scheduler_check_now()), so that tests need not
 * wait for the time to come.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The frequencies a detection may name (detection_frequency) that the
 * scheduler acts on; any other value ("manual") means it runs only when
 * asked to. */
#define AX_SCHEDULE_FREQUENCIES "hourly", "daily", "weekly", "monthly"

/* When a detection last run at @last_run (UTC) is next due at
 * @frequency ("hourly", "daily", "weekly" or "monthly"): @last_run plus
 * that period.  NULL when @frequency is none of these (it is never due by
 * itself).  A detection never run (@last_run NULL) is due at once: the
 * result is then the Unix epoch. */
GDateTime *ax_schedule_next_due (const char *frequency,
                                 GDateTime  *last_run);

/* Whether a detection at @frequency that last finished at @last_run (ISO
 * 8601 as the store keeps it; NULL: never run) is due at @now.  A minute
 * of slack is allowed, so that checks made each minute do not push an
 * hourly run later every hour. */
gboolean   ax_schedule_is_due   (const char *frequency,
                                 const char *last_run,
                                 GDateTime  *now);

#define AX_TYPE_SCHEDULER (ax_scheduler_get_type ())
G_DECLARE_FINAL_TYPE (AxScheduler, ax_scheduler, AX, SCHEDULER, GObject)

/* The current time as the scheduler should see it, in UTC (a new
 * reference). */
typedef GDateTime *(*AxSchedulerNowFunc) (gpointer user_data);

/* A scheduler for the project at @project_path; it does nothing until
 * started or asked to check. */
AxScheduler *ax_scheduler_new            (const char         *project_path);

/* The project moved ("Save As"): later work goes to @project_path. */
void         ax_scheduler_set_project_path (AxScheduler      *self,
                                            const char       *project_path);
const char  *ax_scheduler_get_project_path (AxScheduler      *self);

/* Replaces the clock (NULL: the real one, g_date_time_new_now_utc()). */
void         ax_scheduler_set_now_func   (AxScheduler        *self,
                                          AxSchedulerNowFunc  func,
                                          gpointer            user_data,
                                          GDestroyNotify      destroy);

/* Checks every @interval_seconds from now on (the first check after one
 * interval, once the window has settled); 0 stops checking. */
void         ax_scheduler_start          (AxScheduler        *self,
                                          guint               interval_seconds);

/* Starts a check at once and returns TRUE, or returns FALSE when a check
 * is still running (the work it found is done one item at a time). */
gboolean     ax_scheduler_check_now      (AxScheduler        *self);

/* Whether a check is running ("busy" notifies). */
gboolean     ax_scheduler_get_busy       (AxScheduler        *self);

/* Stops the running check at its next cancellation point; nothing of the
 * item in flight is stored. */
void         ax_scheduler_cancel         (AxScheduler        *self);

/* Signals (all emitted on the main context the scheduler was made in):
 *
 * "detection-finished" (gint64 detection_id, const char *detection_name,
 *     GPtrArray *anomalies): a scheduled run stored; @anomalies holds the
 *     AxAnomalyRecord it found, as stored (ids set), most severe first.
 * "failed" (const char *what, const char *message): an item could not be
 *     done; @what names it ("Detection “revenue”").
 * "check-finished" (guint n_done): a check ended after doing @n_done
 *     items. */

G_END_DECLS
