/* ax-progress.h — how long operations report how far they have got
 *
 * Every long call of the engine, the store and the sources takes an
 * AxProgressFunc and a GCancellable.  The function is called from the
 * thread doing the work, often; it must be cheap and thread-safe (the job
 * wrapper in core throttles and marshals it to the main loop).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* @fraction is in 0..1, or negative when unknown; @detail is a short
 * translated sentence ("Read 120,000 rows") or NULL. */
typedef void (*AxProgressFunc) (double      fraction,
                                const char *detail,
                                gpointer    user_data);

static inline void
ax_progress_report (AxProgressFunc func,
                    gpointer       user_data,
                    double         fraction,
                    const char    *detail)
{
  if (func)
    func (fraction, detail, user_data);
}

/* One stage of a longer operation: reports its own 0..1 as
 * base .. base + span of the whole.  Pass ax_progress_stage_report as the
 * stage's AxProgressFunc and the AxProgressStage as its data. */
typedef struct {
  AxProgressFunc  func;
  gpointer        data;
  double          base;
  double          span;
} AxProgressStage;

static inline void
ax_progress_stage_report (double      fraction,
                          const char *detail,
                          gpointer    user_data)
{
  AxProgressStage *s = user_data;

  ax_progress_report (s->func, s->data,
                      fraction < 0 ? -1 : s->base + s->span * CLAMP (fraction, 0, 1), detail);
}

G_END_DECLS
