/* main.c — the auspex program */

#include "ax-config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "ax-application.h"
#include "ax-job.h"

int
main (int argc, char **argv)
{
  g_autoptr(AxApplication) app = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, AX_LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  ax_job_setup_memory ();

  app = ax_application_new (G_APPLICATION_DEFAULT_FLAGS);
  return g_application_run (G_APPLICATION (app), argc, argv);
}
