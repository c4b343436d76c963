/*
 * Deadline arithmetic on civil days in the configured zone; see workday.h.
 * Days are counted as days since 1970-01-01 (days_from_civil), and a civil
 * day is turned back into a time with date_start() so the zone decides.
 */
#include "core/workday.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/xalloc.h"

bool workday_init(struct workday_cal *cal, const char *workday_end)
{
    memset(cal, 0, sizeof *cal);
    int h, m;
    char extra;
    if (!workday_end || sscanf(workday_end, "%d:%d%c", &h, &m, &extra) != 2 || h < 0 || h > 23 ||
        m < 0 || m > 59)
        return false;
    cal->end_minutes = h * 60 + m;
    return true;
}

static int cmp64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

bool workday_add_holiday(struct workday_cal *cal, int64_t day)
{
    if (bsearch(&day, cal->holidays, cal->n_holidays, sizeof day, cmp64))
        return true;
    if (cal->n_holidays == WORKDAY_MAX_HOLIDAYS)
        return false;
    cal->holidays[cal->n_holidays++] = day;
    qsort(cal->holidays, cal->n_holidays, sizeof cal->holidays[0], cmp64);
    return true;
}

bool workday_load_holidays(struct workday_cal *cal, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "cannot open holidays file %s", path);
        return false;
    }
    char line[128];
    int lineno = 0;
    bool ok = true;
    while (ok && fgets(line, sizeof line, f)) {
        lineno++;
        line[strcspn(line, "\r\n")] = '\0';
        char *s = line;
        while (*s == ' ' || *s == '\t')
            s++;
        if (!*s || *s == '#')
            continue;
        char *e = s + strlen(s);
        while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
            *--e = '\0';
        int y, m, d;
        if (!date_parse(s, &y, &m, &d)) {
            snprintf(err, errlen, "holidays file line %d: expected YYYY-MM-DD", lineno);
            ok = false;
        } else if (!workday_add_holiday(cal, days_from_civil(y, m, d))) {
            snprintf(err, errlen, "holidays file line %d: more than %d holidays", lineno,
                     WORKDAY_MAX_HOLIDAYS);
            ok = false;
        }
    }
    fclose(f);
    return ok;
}

bool workday_is_working(const struct workday_cal *cal, int64_t day)
{
    /* 1970-01-01 was a Thursday: day 0 -> weekday 4 (0 = Sunday). */
    int64_t wd = ((day % 7) + 7 + 4) % 7;
    if (wd == 0 || wd == 6)
        return false;
    return bsearch(&day, cal->holidays, cal->n_holidays, sizeof day, cmp64) == NULL;
}

/* Unix time of minute-of-day `minutes` on civil day `day` in the zone. */
static int64_t at_minutes(int64_t day, int minutes)
{
    /* Back from days to y-m-d (Hinnant's civil_from_days). */
    int64_t z = day + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = yoe + era * 400;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1;
    int64_t m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
    return date_start((int)y, (int)m, (int)d) + (int64_t)minutes * 60;
}

int64_t workday_due(const struct workday_cal *cal, int64_t t, int n, bool working_days)
{
    int y, m, d;
    date_of(t, &y, &m, &d);
    int64_t day = days_from_civil(y, m, d);
    if (!working_days)
        return at_minutes(day + n, 0) + 86400 - 1;
    if (n == 0) {
        if (workday_is_working(cal, day) && t < at_minutes(day, cal->end_minutes))
            return at_minutes(day, cal->end_minutes);
        n = 1;
    }
    for (int k = 0; k < n;) {
        day++;
        if (workday_is_working(cal, day))
            k++;
    }
    return at_minutes(day, cal->end_minutes);
}
