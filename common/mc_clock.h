/* Time, in the two forms modelcert needs: a monotonic clock for durations
 * (never the wall clock, which can jump), and UTC timestamps for records. */
#ifndef MC_CLOCK_H
#define MC_CLOCK_H

#include <stddef.h>

/* Seconds on the monotonic clock, from an arbitrary origin: subtract two readings. */
double mc_clock_seconds(void);

/* The current UTC time, ISO 8601: "2026-11-28T14:00:00Z" (millis 0) or
 * "2026-11-28T14:00:00.123Z" (millis 1). buf needs 32 bytes. */
void mc_clock_utc(char buf[32], int millis);

/* The current UTC time, compact, for file names: "20261128T140000.123Z". buf needs 32 bytes. */
void mc_clock_utc_compact(char buf[32]);

#endif
