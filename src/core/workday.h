/*
 * Working days and deadlines, by the rule of CONVENTIONS.md ("Records"):
 * working days skip Saturdays, Sundays and listed holidays; the working day
 * ends at workday_end in the configured zone. N working days from a
 * submission: workday_end of the Nth working day after the submission's day.
 * N calendar days: 23:59:59 of the Nth day after it. 0 days: workday_end of
 * the submission's day if it is a working day and the submission came
 * before workday_end, else of the next working day.
 *
 * A struct workday_cal is filled once (holidays file, end of day) and is
 * read-only afterwards, so threads share it.
 */
#ifndef CUNJING_CORE_WORKDAY_H
#define CUNJING_CORE_WORKDAY_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WORKDAY_MAX_HOLIDAYS 512

struct workday_cal {
    int end_minutes; /* minutes after midnight: 17:30 -> 1050 */
    size_t n_holidays;
    int64_t holidays[WORKDAY_MAX_HOLIDAYS]; /* days since 1970-01-01, sorted */
};

/* "17:30" -> cal->end_minutes; false on a bad time. Clears the holidays. */
bool workday_init(struct workday_cal *cal, const char *workday_end);
/*
 * Reads one YYYY-MM-DD a line ('#' comments and blank lines skipped).
 * False with "line N: ..." in err on a bad line or too many holidays.
 */
bool workday_load_holidays(struct workday_cal *cal, const char *path, char *err, size_t errlen);
/* Adds one holiday (days since the epoch); keeps the list sorted. */
bool workday_add_holiday(struct workday_cal *cal, int64_t day);
/* Whether the civil day (days since the epoch) is a working day. */
bool workday_is_working(const struct workday_cal *cal, int64_t day);
/* The deadline for a submission at t (Unix seconds), n days of the unit. */
int64_t workday_due(const struct workday_cal *cal, int64_t t, int n, bool working_days);

#endif
