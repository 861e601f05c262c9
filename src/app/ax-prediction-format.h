/* ax-prediction-format.h — numbers, percentages and times as the Predictions and Models views write them */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* @v with as many digits as a reader needs: whole numbers from 1,000 on
 * (grouped as the locale groups them), two decimals from 1, three
 * significant digits below; "—" when @v is not finite. */
char *ax_prediction_format_number (double v);

/* A probability @p (0 to 1) in whole percent: "37 %"; "> 99 %" and
 * "< 1 %" where rounding would claim a certainty @p does not have;
 * "—" when @p is not finite. */
char *ax_prediction_format_percent (double p);

/* An ISO 8601 UTC time ("2024-01-15T10:30:00Z") in local time, to the
 * minute ("2024-01-15 11:30"); @iso itself when it does not read. */
char *ax_prediction_format_time   (const char *iso);

G_END_DECLS
