/* ax-app-test-util.h — what the programs testing the real window share
 *
 * Header-only, like ax-test-util.h, so that each program stays one file in
 * tests/meson.build: every helper is static inline and a program compiles
 * only those it calls.  Sections:
 *
 *   - the application under test (app), which main() creates and
 *     registers, and new_window() for a mapped 1280×800 window of it;
 *   - running the main loop for a time (wait_ms) or until a condition
 *     holds (WAIT_FOR);
 *   - screenshots, saved as PNG into $G_TEST_BUILDDIR/screenshots/;
 *   - finding a widget below another by type, and a shown toplevel
 *     window by type.
 */
#pragma once

#include <adwaita.h>
#include <glib/gstdio.h>

#include "ax-application.h"
#include "ax-window.h"

/* The application under test: main() creates and registers it. */
static AxApplication *app;

/* Main loop */

static inline gboolean
set_true (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates the main loop for @ms milliseconds. */
static inline void
wait_ms (guint ms)
{
  gboolean done = FALSE;
  g_timeout_add (ms, set_true, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

/* Iterates the main loop until @cond holds or @ms pass. */
#define WAIT_FOR(cond, ms) \
  G_STMT_START { \
    gint64 _end = g_get_monotonic_time () + (ms) * 1000; \
    while (!(cond) && g_get_monotonic_time () < _end) \
      wait_ms (10); \
  } G_STMT_END

/* Screenshots */

/* Draws @widget as it is now and saves it as
 * $G_TEST_BUILDDIR/screenshots/@name (./screenshots/ without the
 * variable). */
static inline void
screenshot (GtkWidget  *widget,
            const char *name)
{
  g_autofree char *dir = g_build_filename (g_getenv ("G_TEST_BUILDDIR") ? g_getenv ("G_TEST_BUILDDIR") : ".",
                                           "screenshots", NULL);
  g_autofree char *path = NULL;
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));

  g_mkdir_with_parents (dir, 0755);
  path = g_build_filename (dir, name, NULL);
  /* A page that has only just changed has no drawing yet: give it frames. */
  for (guint tries = 0; node == NULL && tries < 40; tries++)
    {
      GtkSnapshot *snapshot = gtk_snapshot_new ();
      if (tries > 0)
        wait_ms (50);
      gdk_paintable_snapshot (paintable, snapshot, w, h);
      node = gtk_snapshot_free_to_node (snapshot);
    }
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, w, h));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
}

/* Windows and widgets */

/* A new window of app at 1280×800, presented and mapped. */
static inline AxWindow *
new_window (void)
{
  AxWindow *window = ax_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (window)), 5000);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (window)));
  wait_ms (100);
  return window;
}

/* The first widget of @type at or below @widget (depth first), or NULL. */
static inline GtkWidget *
find_descendant (GtkWidget *widget,
                 GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_descendant (c, type);
      if (found)
        return found;
    }
  return NULL;
}

/* A visible toplevel window of @type, or NULL. */
static inline gpointer
find_toplevel (GType type)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();
  for (GList *l = toplevels; l; l = l->next)
    if (G_TYPE_CHECK_INSTANCE_TYPE (l->data, type) && gtk_widget_get_visible (l->data))
      return l->data;
  return NULL;
}
