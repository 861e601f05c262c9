/* ax-scheduler.c — running a project's monitoring while the app is open
 *
 * A check runs in one GTask thread: it reads which detections are due,
 * then runs them one after the other, so that two scheduled runs never
 * compete for the cores (or for the project's write lock) with each
 * other.  What each item produced is handed to the main context with
 * an idle source each, in order: sources of one priority are
 * dispatched in the order they were attached, so "check-finished" always
 * comes after the items of its check.
 */

#include "ax-config.h"
#include "ax-scheduler.h"
#include "ax-detect-job.h"
#include "ax-model-admin.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <string.h>

/* Due logic */

/* A scheduled run may start this much before its time: see
 * ax_schedule_is_due(). */
#define SLACK_SECONDS 60

GDateTime *
ax_schedule_next_due (const char *frequency,
                      GDateTime  *last_run)
{
  if (g_strcmp0 (frequency, "hourly") != 0 && g_strcmp0 (frequency, "daily") != 0 &&
      g_strcmp0 (frequency, "weekly") != 0 && g_strcmp0 (frequency, "monthly") != 0)
    return NULL;
  if (last_run == NULL)
    return g_date_time_new_from_unix_utc (0);
  if (strcmp (frequency, "hourly") == 0)
    return g_date_time_add_hours (last_run, 1);
  if (strcmp (frequency, "daily") == 0)
    return g_date_time_add_days (last_run, 1);
  if (strcmp (frequency, "weekly") == 0)
    return g_date_time_add_weeks (last_run, 1);
  /* A month from Jan 31 is Feb 28 (or 29): GLib clamps the day. */
  return g_date_time_add_months (last_run, 1);
}

gboolean
ax_schedule_is_due (const char *frequency,
                    const char *last_run,
                    GDateTime  *now)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GDateTime) last = NULL;
  g_autoptr(GDateTime) due = NULL;

  g_return_val_if_fail (now != NULL, FALSE);

  if (last_run)
    {
      last = g_date_time_new_from_iso8601 (last_run, utc);
      /* A time the store did not write: run now rather than never. */
      if (last == NULL)
        g_warning ("Unreadable last run time “%s”", last_run);
    }
  due = ax_schedule_next_due (frequency, last);
  if (due == NULL)
    return FALSE;
  return g_date_time_difference (due, now) <= SLACK_SECONDS * G_TIME_SPAN_SECOND;
}

/* The scheduler */

struct _AxScheduler {
  GObject             parent_instance;

  char               *project_path;
  AxSchedulerNowFunc  now_func;
  gpointer            now_data;
  GDestroyNotify      now_destroy;
  GSource            *timer;
  GCancellable       *cancellable;   /* of the running check; NULL when idle */
  GMainContext       *context;
};

G_DEFINE_FINAL_TYPE (AxScheduler, ax_scheduler, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  DETECTION_FINISHED,
  MODEL_RETRAINED,
  FAILED,
  CHECK_FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

AxScheduler *
ax_scheduler_new (const char *project_path)
{
  AxScheduler *self;

  g_return_val_if_fail (project_path != NULL, NULL);

  self = g_object_new (AX_TYPE_SCHEDULER, NULL);
  self->project_path = g_strdup (project_path);
  return self;
}

void
ax_scheduler_set_project_path (AxScheduler *self,
                               const char  *project_path)
{
  g_return_if_fail (AX_IS_SCHEDULER (self));
  g_return_if_fail (project_path != NULL);

  g_free (self->project_path);
  self->project_path = g_strdup (project_path);
}

const char *
ax_scheduler_get_project_path (AxScheduler *self)
{
  g_return_val_if_fail (AX_IS_SCHEDULER (self), NULL);
  return self->project_path;
}

void
ax_scheduler_set_now_func (AxScheduler        *self,
                           AxSchedulerNowFunc  func,
                           gpointer            user_data,
                           GDestroyNotify      destroy)
{
  g_return_if_fail (AX_IS_SCHEDULER (self));

  if (self->now_destroy)
    self->now_destroy (self->now_data);
  self->now_func = func;
  self->now_data = user_data;
  self->now_destroy = destroy;
}

gboolean
ax_scheduler_get_busy (AxScheduler *self)
{
  g_return_val_if_fail (AX_IS_SCHEDULER (self), FALSE);
  return self->cancellable != NULL;
}

void
ax_scheduler_cancel (AxScheduler *self)
{
  g_return_if_fail (AX_IS_SCHEDULER (self));

  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
}

/* What a check's thread hands to the main context, one per event. */
typedef enum {
  EVENT_DETECTION,
  EVENT_RETRAINED,
  EVENT_FAILED,
  EVENT_FINISHED,
} EventKind;

typedef struct {
  AxScheduler *self;          /* a reference */
  GCancellable *cancellable;  /* the check's, to tell a stale event */
  EventKind    kind;
  gint64       id;
  char        *name;          /* the detection's, or what failed */
  char        *message;
  GPtrArray   *anomalies;
  guint        version;       /* a retrained model's new version */
  guint        n_done;
} Event;

static void
event_free (gpointer p)
{
  Event *e = p;

  g_object_unref (e->self);
  g_object_unref (e->cancellable);
  g_free (e->name);
  g_free (e->message);
  g_clear_pointer (&e->anomalies, g_ptr_array_unref);
  g_free (e);
}

static gboolean
event_dispatch (gpointer p)
{
  Event *e = p;
  AxScheduler *self = e->self;

  switch (e->kind)
    {
    case EVENT_DETECTION:
      g_signal_emit (self, signals[DETECTION_FINISHED], 0, e->id, e->name, e->anomalies);
      break;
    case EVENT_RETRAINED:
      g_signal_emit (self, signals[MODEL_RETRAINED], 0, e->id, e->name, e->version, e->message);
      break;
    case EVENT_FAILED:
      g_signal_emit (self, signals[FAILED], 0, e->name, e->message);
      break;
    case EVENT_FINISHED:
      /* Only the check that is running clears "busy": a cancelled check
       * may finish after a new one started. */
      if (self->cancellable == e->cancellable)
        {
          g_clear_object (&self->cancellable);
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
        }
      g_signal_emit (self, signals[CHECK_FINISHED], 0, e->n_done);
      break;
    }
  return G_SOURCE_REMOVE;
}

typedef struct {
  AxScheduler  *self;         /* a reference */
  char         *project_path;
  GDateTime    *now;
  GCancellable *cancellable;
  GMainContext *context;
} Check;

static void
check_free (gpointer p)
{
  Check *c = p;

  g_object_unref (c->self);
  g_free (c->project_path);
  g_date_time_unref (c->now);
  g_object_unref (c->cancellable);
  g_main_context_unref (c->context);
  g_free (c);
}

static void
post (Check *c,
      Event *e)
{
  GSource *source = g_idle_source_new ();

  e->self = g_object_ref (c->self);
  e->cancellable = g_object_ref (c->cancellable);
  /* Not g_main_context_invoke(): it calls back in this thread when no
   * thread runs the context at the moment. */
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, event_dispatch, e, event_free);
  g_source_set_static_name (source, "ax-scheduler-event");
  g_source_attach (source, c->context);
  g_source_unref (source);
}

static void
post_failure (Check      *c,
              const char *what,
              const char *message)
{
  Event *e = g_new0 (Event, 1);

  e->kind = EVENT_FAILED;
  e->name = g_strdup (what);
  e->message = g_strdup (message);
  post (c, e);
}

/* The detection_frequency of a stored configuration, or NULL. */
static char *
config_frequency (const char *config_json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;
  JsonObject *object;

  if (config_json == NULL || !json_parser_load_from_data (parser, config_json, -1, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (!JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  object = json_node_get_object (root);
  if (!json_object_has_member (object, "detection_frequency") ||
      json_node_get_value_type (json_object_get_member (object, "detection_frequency")) != G_TYPE_STRING)
    return NULL;
  return g_strdup (json_object_get_string_member (object, "detection_frequency"));
}

/* Runs the due detections one by one; returns how many were stored. */
static guint
run_due_detections (Check    *c,
                    gboolean *listed)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) detections = ax_detect_list_detections (c->project_path, &error);
  guint n_done = 0;

  if (detections == NULL)
    {
      post_failure (c, _("Anomaly monitoring"), error->message);
      *listed = FALSE;
      return 0;
    }
  *listed = TRUE;
  for (guint i = 0; i < detections->len && !g_cancellable_is_cancelled (c->cancellable); i++)
    {
      AxDetectionInfo *info = detections->pdata[i];
      g_autofree char *frequency = config_frequency (info->config);
      g_autoptr(GError) run_error = NULL;
      AxDetectResult result = { 0 };
      Event *e;

      if (!info->enabled || !ax_schedule_is_due (frequency, info->last_run, c->now))
        continue;
      if (!ax_detect_run (c->project_path, info->config, NULL, NULL, c->cancellable, &result, &run_error))
        {
          if (!g_error_matches (run_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            {
              g_autofree char *what = g_strdup_printf (_("Detection “%s”"), info->name);
              post_failure (c, what, run_error->message);
            }
          continue;
        }
      n_done++;
      e = g_new0 (Event, 1);
      e->kind = EVENT_DETECTION;
      e->id = result.detection_id;
      e->name = g_steal_pointer (&result.detection_name);
      e->anomalies = g_steal_pointer (&result.anomalies);
      post (c, e);
      ax_detect_result_clear (&result);
    }
  return n_done;
}

static void
cancel_job (GCancellable *cancellable,
            AxJob        *job)
{
  ax_job_cancel (job);
}

/* Models whose retraining is due (their frequency has elapsed, or their
 * metric on recorded actuals fell by their rule's drop) are trained again
 * on their active version's configuration, as "Retrain Now" does. */
static guint
run_due_retraining (Check *c)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) due = ax_model_admin_list_due (c->project_path, c->now, &error);
  guint n_done = 0;

  if (due == NULL)
    {
      post_failure (c, _("Model retraining"), error->message);
      return 0;
    }
  for (guint i = 0; i < due->len && !g_cancellable_is_cancelled (c->cancellable); i++)
    {
      AxModelDue *d = due->pdata[i];
      g_autoptr(GError) train_error = NULL;
      g_autoptr(AxStore) store = ax_store_open (c->project_path, &train_error);
      g_autofree char *config = store ? ax_model_admin_retrain_config (store, d->model_id, &train_error) : NULL;
      g_autoptr(AxJob) job = NULL;
      g_autofree char *what = g_strdup_printf (_("Retraining “%s”"), d->model_name);
      AxTrainResult *result;
      gulong handler;
      Event *e;

      g_clear_pointer (&store, ax_store_close);
      if (config == NULL)
        {
          post_failure (c, what, train_error->message);
          continue;
        }
      job = ax_model_admin_train_job_new (c->project_path, config);
      handler = g_cancellable_connect (c->cancellable, G_CALLBACK (cancel_job), job, NULL);
      if (!ax_job_run_sync (job, &train_error))
        {
          g_cancellable_disconnect (c->cancellable, handler);
          if (!g_error_matches (train_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            post_failure (c, what, train_error->message);
          continue;
        }
      g_cancellable_disconnect (c->cancellable, handler);
      result = ax_model_admin_train_job_get_result (job);
      n_done++;
      e = g_new0 (Event, 1);
      e->kind = EVENT_RETRAINED;
      e->id = result->model_id;
      e->name = g_strdup (result->model_name);
      e->version = result->version;
      e->message = g_strdup (d->detail);
      post (c, e);
    }
  return n_done;
}

static void
check_thread (GTask        *task,
              gpointer      source,
              gpointer      data,
              GCancellable *cancellable)
{
  Check *c = data;
  Event *e = g_new0 (Event, 1);
  gboolean listed;

  e->kind = EVENT_FINISHED;
  e->n_done = run_due_detections (c, &listed);
  /* A project that could not be read has said so once. */
  if (listed)
    e->n_done += run_due_retraining (c);
  post (c, e);
  g_task_return_boolean (task, TRUE);
}

gboolean
ax_scheduler_check_now (AxScheduler *self)
{
  g_autoptr(GTask) task = NULL;
  Check *c;

  g_return_val_if_fail (AX_IS_SCHEDULER (self), FALSE);

  if (self->cancellable)
    return FALSE;
  self->cancellable = g_cancellable_new ();
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);

  c = g_new0 (Check, 1);
  c->self = g_object_ref (self);
  c->project_path = g_strdup (self->project_path);
  c->now = self->now_func ? self->now_func (self->now_data) : g_date_time_new_now_utc ();
  c->cancellable = g_object_ref (self->cancellable);
  c->context = g_main_context_ref (self->context);

  /* The events carry the results; the task only owns the thread. */
  task = g_task_new (NULL, c->cancellable, NULL, NULL);
  g_task_set_name (task, "ax-scheduler-check");
  g_task_set_task_data (task, c, check_free);
  g_task_run_in_thread (task, check_thread);
  return TRUE;
}

static gboolean
on_timeout (gpointer data)
{
  ax_scheduler_check_now (AX_SCHEDULER (data));
  return G_SOURCE_CONTINUE;
}

static void
stop_timer (AxScheduler *self)
{
  if (self->timer)
    {
      g_source_destroy (self->timer);
      g_clear_pointer (&self->timer, g_source_unref);
    }
}

void
ax_scheduler_start (AxScheduler *self,
                    guint        interval_seconds)
{
  g_return_if_fail (AX_IS_SCHEDULER (self));

  stop_timer (self);
  if (interval_seconds > 0)
    {
      self->timer = g_timeout_source_new_seconds (interval_seconds);
      g_source_set_callback (self->timer, on_timeout, self, NULL);
      g_source_set_name (self->timer, "ax-scheduler");
      g_source_attach (self->timer, self->context);
    }
}

static void
ax_scheduler_dispose (GObject *object)
{
  AxScheduler *self = AX_SCHEDULER (object);

  stop_timer (self);
  ax_scheduler_cancel (self);
  G_OBJECT_CLASS (ax_scheduler_parent_class)->dispose (object);
}

static void
ax_scheduler_finalize (GObject *object)
{
  AxScheduler *self = AX_SCHEDULER (object);

  ax_scheduler_set_now_func (self, NULL, NULL, NULL);
  g_clear_object (&self->cancellable);
  g_main_context_unref (self->context);
  g_free (self->project_path);
  G_OBJECT_CLASS (ax_scheduler_parent_class)->finalize (object);
}

static void
ax_scheduler_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  AxScheduler *self = AX_SCHEDULER (object);

  switch (prop_id)
    {
    case PROP_BUSY:
      g_value_set_boolean (value, ax_scheduler_get_busy (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ax_scheduler_class_init (AxSchedulerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ax_scheduler_dispose;
  object_class->finalize = ax_scheduler_finalize;
  object_class->get_property = ax_scheduler_get_property;

  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[DETECTION_FINISHED] =
    g_signal_new ("detection-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                  G_TYPE_INT64, G_TYPE_STRING, G_TYPE_PTR_ARRAY);
  signals[MODEL_RETRAINED] =
    g_signal_new ("model-retrained", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 4,
                  G_TYPE_INT64, G_TYPE_STRING, G_TYPE_UINT, G_TYPE_STRING);
  signals[FAILED] =
    g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
  signals[CHECK_FINISHED] =
    g_signal_new ("check-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
}

static void
ax_scheduler_init (AxScheduler *self)
{
  self->context = g_main_context_ref_thread_default ();
}
