/*
 * Time: Unix seconds (UTC) everywhere in storage, ISO 8601 with offset in
 * JSON, dates in the configured zone ([time] zone). The zone is process-wide
 * (TZ), set once by clock_set_zone() before threads start.
 */
#ifndef CUNJING_CORE_CLOCK_H
#define CUNJING_CORE_CLOCK_H
#include <stdbool.h>
#include <stdint.h>

#define TIME_ISO_LEN 32

/* Sets the zone used for rendering and day boundaries ("Asia/Shanghai"). */
void clock_set_zone(const char *zone);
/* Wall clock, Unix seconds. */
int64_t clock_now(void);
/* Monotonic milliseconds, for durations. */
int64_t clock_mono_ms(void);
/* Monotonic microseconds, for durations. */
int64_t clock_mono_us(void);
/* "2026-11-28T22:17:00+08:00" in the configured zone. */
void time_iso(int64_t t, char out[TIME_ISO_LEN]);
/* "2026-11-28T14:17:00Z". */
void time_iso_utc(int64_t t, char out[TIME_ISO_LEN]);
/*
 * Parses "YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)" (an offset is required)
 * into Unix seconds. False on anything else or an impossible date.
 */
bool time_parse_iso(const char *s, int64_t *out);
/* Parses "YYYY-MM-DD", a real calendar date. */
bool date_parse(const char *s, int *y, int *m, int *d);
/* Whether y-m-d is a real date (Gregorian). */
bool date_valid(int y, int m, int d);
/* Unix seconds of 00:00:00 of y-m-d in the configured zone. */
int64_t date_start(int y, int m, int d);
/* y-m-d of t in the configured zone. */
void date_of(int64_t t, int *y, int *m, int *d);
/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
int64_t days_from_civil(int y, int m, int d);

#endif
