/* Calendar dates as people write them in data (docs/privacy.md), parsed and
 * validated for the generalize step's `date` mode. Accepted, nothing else:
 *   YYYY-MM-DD, YYYY-MM-DDThh:mm:ss[.f][Z|+hh:mm|-hh:mm] (the date as written;
 *   a space may stand for the T), YYYY/MM/DD, YYYYMMDD, D.M.YYYY (day and month
 *   of one or two digits), YYYY年M月D日 (month and day of one or two digits).
 * The date must exist in the proleptic Gregorian calendar (leap years: every
 * 4th, not every 100th, every 400th) with a year from 1000 to 9999. NN/NN/YYYY
 * and NN-NN-YYYY are refused as ambiguous (month or day first?), never guessed. */
#ifndef MC_DATE_H
#define MC_DATE_H

#include <stddef.h>

/* The longest text the parser looks at; longer text is refused. */
#define MC_DATE_MAX_LEN 64

typedef enum mc_date_status {
    MC_DATE_OK,
    MC_DATE_FORMAT,     /* none of the accepted forms */
    MC_DATE_AMBIGUOUS,  /* NN/NN/YYYY or NN-NN-YYYY */
    MC_DATE_YEAR_RANGE, /* before 1000 */
    MC_DATE_MONTH_RANGE,
    MC_DATE_DAY_RANGE,  /* day 0 or past the end of its month */
    MC_DATE_TIME_RANGE, /* the time or offset after an ISO date is out of range */
    MC_DATE_TOO_LONG    /* longer than MC_DATE_MAX_LEN bytes */
} mc_date_status;

typedef struct mc_date {
    int year, month, day;
} mc_date;

/* Parses the NUL-terminated text s; on MC_DATE_OK *out holds the date,
 * otherwise *out is unspecified. Never reads past MC_DATE_MAX_LEN + 1 bytes. */
mc_date_status mc_date_parse(mc_date *out, const char *s);
/* Why a date was refused, in words that never repeat the text (for messages
 * about columns that may hold personal data). */
const char *mc_date_status_text(mc_date_status st);
/* Days in month m (1-12) of year y. */
int mc_date_days_in_month(int y, int m);

#endif
