/*
 * Unit tests of core/workday: the deadline rule of CONVENTIONS.md (Records):
 * N working days -> workday_end of the Nth working day after the day of
 * submission; N calendar days -> 23:59:59 of the Nth day after it; 0 days ->
 * workday_end of that day when it is a working day and the submission came
 * before workday_end, else of the next working day; all in [time] zone.
 * Expected values are computed by hand (2026-03-02 is a Monday, 2026-12-31
 * a Thursday, 2026-09-30 a Wednesday) and written as ISO times with their
 * offset, parsed here with timegm() so nothing of src/ computes them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/clock.h"
#include "core/workday.h"

/* "YYYY-MM-DDTHH:MM:SS+HH:MM" -> Unix seconds, independently of src/core/clock.c. */
static int64_t T(const char *iso)
{
    struct tm tm = {0};
    char sign;
    int oh, om;
    int n = sscanf(iso, "%d-%d-%dT%d:%d:%d%c%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                   &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &sign, &oh, &om);
    if (n != 9)
        fail_msg("bad test time %s", iso);
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    int64_t t = (int64_t)timegm(&tm);
    int64_t off = (int64_t)(oh * 3600 + om * 60);
    return sign == '-' ? t + off : t - off;
}

static int64_t day_of(int y, int m, int d)
{
    struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d};
    return (int64_t)timegm(&tm) / 86400;
}

static void fmt(int64_t t, char *out, size_t n)
{
    time_t tt = (time_t)(t + 8 * 3600);
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, n, "%Y-%m-%dT%H:%M:%S+08:00", &tm);
}

#define EXPECT_DUE(cal, at, n, working, want)                                                      \
    do {                                                                                           \
        int64_t got_ = workday_due(cal, T(at), n, working);                                        \
        int64_t want_ = T(want);                                                                   \
        if (got_ != want_) {                                                                       \
            char g_[40];                                                                           \
            fmt(got_, g_, sizeof g_);                                                              \
            fail_msg("due(%s, %d %s) = %s, want %s", at, n, working ? "working" : "calendar", g_,  \
                     want);                                                                        \
        }                                                                                          \
    } while (0)

static int setup_shanghai(void **state)
{
    (void)state;
    clock_set_zone("Asia/Shanghai");
    return 0;
}

static void init_parses_end_of_day(void **state)
{
    (void)state;
    struct workday_cal cal;
    assert_true(workday_init(&cal, "17:30"));
    assert_int_equal(cal.end_minutes, 1050);
    assert_int_equal(cal.n_holidays, 0);
    assert_true(workday_init(&cal, "00:00"));
    assert_int_equal(cal.end_minutes, 0);
    assert_true(workday_init(&cal, "23:59"));
    assert_int_equal(cal.end_minutes, 23 * 60 + 59);
    static const char *const bad[] = {"24:00", "17:60", "1730",  "17:30x",
                                      "",      "17",    "-1:30", "ab:cd"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (workday_init(&cal, bad[i]))
            fail_msg("workday_init accepted '%s'", bad[i]);
    assert_false(workday_init(&cal, NULL));
    /* init clears holidays */
    assert_true(workday_init(&cal, "17:30"));
    assert_true(workday_add_holiday(&cal, day_of(2026, 3, 9)));
    assert_true(workday_init(&cal, "17:30"));
    assert_int_equal(cal.n_holidays, 0);
}

static void weekends_and_holidays(void **state)
{
    (void)state;
    struct workday_cal cal;
    assert_true(workday_init(&cal, "17:30"));
    /* 2026-03-02 Mon .. 2026-03-08 Sun */
    static const bool want[7] = {true, true, true, true, true, false, false};
    for (int i = 0; i < 7; i++)
        assert_int_equal(workday_is_working(&cal, day_of(2026, 3, 2 + i)), want[i]);
    assert_false(workday_is_working(&cal, day_of(1970, 1, 3)));   /* a Saturday */
    assert_true(workday_is_working(&cal, day_of(1970, 1, 1)));    /* a Thursday */
    assert_false(workday_is_working(&cal, day_of(1969, 12, 28))); /* a Sunday before the epoch */
    assert_true(workday_is_working(&cal, day_of(1969, 12, 29)));  /* a Monday */
    assert_true(workday_add_holiday(&cal, day_of(2026, 3, 4)));
    assert_true(workday_add_holiday(&cal, day_of(2026, 3, 3)));
    assert_true(workday_add_holiday(&cal, day_of(2026, 3, 4))); /* twice: kept once */
    assert_int_equal(cal.n_holidays, 2);
    assert_true(cal.holidays[0] < cal.holidays[1]);
    assert_false(workday_is_working(&cal, day_of(2026, 3, 3)));
    assert_false(workday_is_working(&cal, day_of(2026, 3, 4)));
    assert_true(workday_is_working(&cal, day_of(2026, 3, 5)));
}

static void n_working_days(void **state)
{
    (void)state;
    struct workday_cal cal;
    assert_true(workday_init(&cal, "17:30"));
    /* Mon morning + 2 -> Wed */
    EXPECT_DUE(&cal, "2026-03-02T10:00:00+08:00", 2, true, "2026-03-04T17:30:00+08:00");
    /* the time of day does not matter for N > 0: Mon evening + 2 -> Wed */
    EXPECT_DUE(&cal, "2026-03-02T21:00:00+08:00", 2, true, "2026-03-04T17:30:00+08:00");
    /* Thu + 2 -> Mon (skipping the weekend) */
    EXPECT_DUE(&cal, "2026-03-05T09:00:00+08:00", 2, true, "2026-03-09T17:30:00+08:00");
    /* Fri + 1 -> Mon; Fri + 2 -> Tue */
    EXPECT_DUE(&cal, "2026-03-06T10:00:00+08:00", 1, true, "2026-03-09T17:30:00+08:00");
    EXPECT_DUE(&cal, "2026-03-06T10:00:00+08:00", 2, true, "2026-03-10T17:30:00+08:00");
    /* on a weekend: Sat + 1 -> Mon, Sun + 2 -> Tue */
    EXPECT_DUE(&cal, "2026-03-07T10:00:00+08:00", 1, true, "2026-03-09T17:30:00+08:00");
    EXPECT_DUE(&cal, "2026-03-08T23:59:59+08:00", 2, true, "2026-03-10T17:30:00+08:00");
    /* 10 working days from Mon 2026-03-02 -> Mon 2026-03-16 */
    EXPECT_DUE(&cal, "2026-03-02T08:00:00+08:00", 10, true, "2026-03-16T17:30:00+08:00");
    /* a holiday on Mon 03-09: Fri + 1 -> Tue, Fri + 2 -> Wed */
    assert_true(workday_add_holiday(&cal, day_of(2026, 3, 9)));
    EXPECT_DUE(&cal, "2026-03-06T10:00:00+08:00", 1, true, "2026-03-10T17:30:00+08:00");
    EXPECT_DUE(&cal, "2026-03-06T10:00:00+08:00", 2, true, "2026-03-11T17:30:00+08:00");
    /* submitted on the holiday itself: + 1 -> Tue */
    EXPECT_DUE(&cal, "2026-03-09T10:00:00+08:00", 1, true, "2026-03-10T17:30:00+08:00");
    /* across the year, New Year's Day a holiday: Thu 12-31 + 2 -> Tue 01-05 */
    assert_true(workday_add_holiday(&cal, day_of(2027, 1, 1)));
    EXPECT_DUE(&cal, "2026-12-31T10:00:00+08:00", 2, true, "2027-01-05T17:30:00+08:00");
    /* another end of day */
    struct workday_cal six;
    assert_true(workday_init(&six, "18:00"));
    EXPECT_DUE(&six, "2026-03-02T10:00:00+08:00", 1, true, "2026-03-03T18:00:00+08:00");
}

static void n_calendar_days(void **state)
{
    (void)state;
    struct workday_cal cal;
    assert_true(workday_init(&cal, "17:30"));
    assert_true(workday_add_holiday(&cal, day_of(2026, 3, 9)));
    /* weekends and holidays count: Fri + 3 -> Mon (a holiday) 23:59:59 */
    EXPECT_DUE(&cal, "2026-03-06T10:00:00+08:00", 3, false, "2026-03-09T23:59:59+08:00");
    EXPECT_DUE(&cal, "2026-03-06T23:59:59+08:00", 1, false, "2026-03-07T23:59:59+08:00");
    EXPECT_DUE(&cal, "2026-03-07T00:00:00+08:00", 1, false, "2026-03-08T23:59:59+08:00");
    /* 45 days from 2026-03-02 -> 2026-04-16; 15 from 2026-12-20 -> 2027-01-04 */
    EXPECT_DUE(&cal, "2026-03-02T10:00:00+08:00", 45, false, "2026-04-16T23:59:59+08:00");
    EXPECT_DUE(&cal, "2026-12-20T18:00:00+08:00", 15, false, "2027-01-04T23:59:59+08:00");
    /* February of a non-leap year: 2026-02-27 + 2 -> 2026-03-01 */
    EXPECT_DUE(&cal, "2026-02-27T12:00:00+08:00", 2, false, "2026-03-01T23:59:59+08:00");
}

static void zero_days(void **state)
{
    (void)state;
    struct workday_cal cal;
    assert_true(workday_init(&cal, "17:30"));
    /* before the end of a working day: that day */
    EXPECT_DUE(&cal, "2026-03-02T00:00:00+08:00", 0, true, "2026-03-02T17:30:00+08:00");
    EXPECT_DUE(&cal, "2026-03-02T10:00:00+08:00", 0, true, "2026-03-02T17:30:00+08:00");
    EXPECT_DUE(&cal, "2026-03-02T17:29:59+08:00", 0, true, "2026-03-02T17:30:00+08:00");
    /* at or after the end: the next working day */
    EXPECT_DUE(&cal, "2026-03-02T17:30:00+08:00", 0, true, "2026-03-03T17:30:00+08:00");
    EXPECT_DUE(&cal, "2026-03-02T23:00:00+08:00", 0, true, "2026-03-03T17:30:00+08:00");
    /* Fri after the end -> Mon; Sat and Sun any time -> Mon */
    EXPECT_DUE(&cal, "2026-03-06T17:30:01+08:00", 0, true, "2026-03-09T17:30:00+08:00");
    EXPECT_DUE(&cal, "2026-03-06T17:00:00+08:00", 0, true, "2026-03-06T17:30:00+08:00");
    EXPECT_DUE(&cal, "2026-03-07T09:00:00+08:00", 0, true, "2026-03-09T17:30:00+08:00");
    EXPECT_DUE(&cal, "2026-03-08T09:00:00+08:00", 0, true, "2026-03-09T17:30:00+08:00");
    /* a holiday Mon: Sun -> Tue; the holiday morning -> Tue; Fri evening -> Tue */
    assert_true(workday_add_holiday(&cal, day_of(2026, 3, 9)));
    EXPECT_DUE(&cal, "2026-03-08T09:00:00+08:00", 0, true, "2026-03-10T17:30:00+08:00");
    EXPECT_DUE(&cal, "2026-03-09T09:00:00+08:00", 0, true, "2026-03-10T17:30:00+08:00");
    EXPECT_DUE(&cal, "2026-03-06T19:00:00+08:00", 0, true, "2026-03-10T17:30:00+08:00");
    /* a national-day week: Wed 09-30 after the end -> Thu 10-08 */
    char path[] = "/tmp/cj-workday-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    static const char text[] = "2026-10-01\n2026-10-02\n2026-10-05\n2026-10-06\n2026-10-07\n";
    assert_int_equal(write(fd, text, sizeof text - 1), (ssize_t)(sizeof text - 1));
    close(fd);
    char err[200] = "";
    assert_true(workday_load_holidays(&cal, path, err, sizeof err));
    unlink(path);
    EXPECT_DUE(&cal, "2026-09-30T18:00:00+08:00", 0, true, "2026-10-08T17:30:00+08:00");
    EXPECT_DUE(&cal, "2026-09-30T10:00:00+08:00", 0, true, "2026-09-30T17:30:00+08:00");
    EXPECT_DUE(&cal, "2026-09-30T10:00:00+08:00", 2, true, "2026-10-09T17:30:00+08:00");
}

/* The day of submission and the end of day are those of Asia/Shanghai, not UTC. */
static void zone_decides(void **state)
{
    (void)state;
    struct workday_cal cal;
    assert_true(workday_init(&cal, "17:30"));
    /* Mon 17:00 UTC = Tue 01:00 in Shanghai: 0 days -> Tue 17:30 +08 (= 09:30 UTC) */
    EXPECT_DUE(&cal, "2026-03-02T17:00:00+00:00", 0, true, "2026-03-03T17:30:00+08:00");
    /* Mon 10:00 UTC = Mon 18:00 +08, after the end -> Tue 17:30 +08 */
    EXPECT_DUE(&cal, "2026-03-02T10:00:00+00:00", 0, true, "2026-03-03T17:30:00+08:00");
    /* Mon 09:00 UTC = Mon 17:00 +08 -> Mon 17:30 +08 */
    EXPECT_DUE(&cal, "2026-03-02T09:00:00+00:00", 0, true, "2026-03-02T17:30:00+08:00");
    /* Fri 20:00 UTC = Sat 04:00 +08: 1 working day -> Mon; 1 calendar day -> Sun 23:59:59 */
    EXPECT_DUE(&cal, "2026-03-06T20:00:00+00:00", 1, true, "2026-03-09T17:30:00+08:00");
    EXPECT_DUE(&cal, "2026-03-06T20:00:00+00:00", 1, false, "2026-03-08T23:59:59+08:00");
    /* Sun 16:30 UTC = Mon 00:30 +08 -> that Monday */
    EXPECT_DUE(&cal, "2026-03-08T16:30:00+00:00", 0, true, "2026-03-09T17:30:00+08:00");
    /* In UTC the same instants fall on other days (the zone is really used). */
    clock_set_zone("UTC");
    EXPECT_DUE(&cal, "2026-03-02T17:00:00+00:00", 0, true, "2026-03-02T17:30:00+00:00");
    EXPECT_DUE(&cal, "2026-03-06T20:00:00+00:00", 1, false, "2026-03-07T23:59:59+00:00");
    clock_set_zone("Asia/Shanghai");
    EXPECT_DUE(&cal, "2026-03-02T17:00:00+00:00", 0, true, "2026-03-03T17:30:00+08:00");
}

static char *write_tmp(const char *text)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/cj-holidays-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    size_t n = strlen(text);
    assert_int_equal(write(fd, text, n), (ssize_t)n);
    close(fd);
    return path;
}

static void holidays_file(void **state)
{
    (void)state;
    struct workday_cal cal;
    char err[256];
    assert_true(workday_init(&cal, "17:30"));
    char *p = write_tmp("# 2026 holidays\n"
                        "\n"
                        "2026-10-01\n"
                        "  2026-10-02  \r\n"
                        "\t# indented comment\n"
                        "2026-01-01\n"
                        "2026-10-01\n");
    err[0] = '\0';
    assert_true(workday_load_holidays(&cal, p, err, sizeof err));
    unlink(p);
    assert_int_equal(cal.n_holidays, 3);
    assert_int_equal(cal.holidays[0], day_of(2026, 1, 1));
    assert_int_equal(cal.holidays[1], day_of(2026, 10, 1));
    assert_int_equal(cal.holidays[2], day_of(2026, 10, 2));
    assert_false(workday_is_working(&cal, day_of(2026, 10, 1)));
    assert_false(workday_is_working(&cal, day_of(2026, 1, 1)));
    assert_true(workday_is_working(&cal, day_of(2026, 10, 8)));

    /* a bad line: refused, naming its number (1-based, counting comments and blanks) */
    static const struct {
        const char *text;
        const char *line;
    } bad[] = {
        {"2026-10-01\n# ok\n\n2026-02-30\n", "line 4"}, {"2026/10/01\n", "line 1"},
        {"2026-10-01\n2026-10-0\n", "line 2"},          {"2026-10-01\nnot a date\n", "line 2"},
        {"2026-10-01 2026-10-02\n", "line 1"},          {"\n\n\n2026-13-01\n", "line 4"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_true(workday_init(&cal, "17:30"));
        p = write_tmp(bad[i].text);
        err[0] = '\0';
        bool ok = workday_load_holidays(&cal, p, err, sizeof err);
        unlink(p);
        if (ok)
            fail_msg("holidays file %zu accepted", i);
        char want[32];
        snprintf(want, sizeof want, "%s:", bad[i].line);
        if (!strstr(err, want))
            fail_msg("file %zu: error '%s' does not name '%s'", i, err, bad[i].line);
    }
    /* a missing file */
    err[0] = '\0';
    assert_false(workday_load_holidays(&cal, "/nonexistent/cj-holidays", err, sizeof err));
    assert_true(err[0] != '\0');
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(init_parses_end_of_day),
        cmocka_unit_test(weekends_and_holidays),
        cmocka_unit_test(n_working_days),
        cmocka_unit_test(n_calendar_days),
        cmocka_unit_test(zero_days),
        cmocka_unit_test(zone_decides),
        cmocka_unit_test(holidays_file),
    };
    return cmocka_run_group_tests(tests, setup_shanghai, NULL);
}
