/* Clocks (mc_clock.h): the monotonic clock for durations and UTC timestamps
 * for records. Neither can fail with the clocks used (CLOCK_MONOTONIC and
 * CLOCK_REALTIME always exist on the platforms modelcert builds on). */
#include "mc_clock.h"

#include <stdio.h>
#include <time.h>

double mc_clock_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The current UTC time, compact (20261128T140000) or not, then ".mmmZ" or "Z". */
static void utc_format(char buf[32], int compact, int millis)
{
    struct timespec ts;
    struct tm tm;
    char base[24];
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    if (compact)
        strftime(base, sizeof base, "%Y%m%dT%H%M%S", &tm);
    else
        strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
    if (millis)
        snprintf(buf, 32, "%s.%03dZ", base, (int)(ts.tv_nsec / 1000000) % 1000);
    else
        snprintf(buf, 32, "%sZ", base);
}

void mc_clock_utc(char buf[32], int millis)
{
    utc_format(buf, 0, millis);
}

void mc_clock_utc_compact(char buf[32])
{
    utc_format(buf, 1, 1);
}
