/*
 * Minimal check macros for the black-box API tests (no cmocka, so that the
 * test executables need nothing beyond cunjing_testlib). A failed check does
 * not stop the test: it prints "not ok FILE:LINE: what" and counts; REQUIRE
 * returns from the current (void) test function when its check fails, for
 * checks whose failure would make the rest meaningless. check_run() names a
 * test, check_done() prints "N passed, M failed" and gives the exit status.
 */
#ifndef CUNJING_TESTS_CHECK_H
#define CUNJING_TESTS_CHECK_H
#include <stdbool.h>
#include <stdint.h>

/* Records one check; prints the message when ok is false. Returns ok. */
bool check_report(bool ok, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Prints a note (a "# " line) without counting. */
void check_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Runs one named test. */
void check_run(const char *name, void (*fn)(void));
/* Prints the totals; returns 0 when nothing failed, else 1. */
int check_done(void);
/* Number of failures so far. */
int check_failures(void);

#define CHECK(cond) check_report(!!(cond), __FILE__, __LINE__, "%s", #cond)
#define CHECKF(cond, ...) check_report(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
#define CHECK_INT(got, want)                                                                       \
    check_report((int64_t)(got) == (int64_t)(want), __FILE__, __LINE__,                            \
                 "%s == %s: got %lld, want %lld", #got, #want, (long long)(got),                   \
                 (long long)(want))
#define CHECK_STR(got, want) check_str_eq(got, want, __FILE__, __LINE__, #got)
#define REQUIRE(cond)                                                                              \
    do {                                                                                           \
        if (!CHECK(cond))                                                                          \
            return;                                                                                \
    } while (0)
#define REQUIREF(cond, ...)                                                                        \
    do {                                                                                           \
        if (!CHECKF(cond, __VA_ARGS__))                                                            \
            return;                                                                                \
    } while (0)

/* Equality of two strings, NULL-safe (NULL equals only NULL). */
bool check_str_eq(const char *got, const char *want, const char *file, int line, const char *what);

#endif
