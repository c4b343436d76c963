/*
 * Implementation of check.h: counters and TAP-ish output on stdout. Not
 * thread-safe; the API tests check from their main thread only.
 */
#include "check.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int passes;
static int failures;

bool check_report(bool ok, const char *file, int line, const char *fmt, ...)
{
    if (ok) {
        passes++;
        return true;
    }
    failures++;
    printf("not ok %s:%d: ", file, line);
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
    return false;
}

void check_note(const char *fmt, ...)
{
    printf("# ");
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
}

bool check_str_eq(const char *got, const char *want, const char *file, int line, const char *what)
{
    bool ok = (got == NULL && want == NULL) || (got && want && strcmp(got, want) == 0);
    return check_report(ok, file, line, "%s: got \"%s\", want \"%s\"", what, got ? got : "(null)",
                        want ? want : "(null)");
}

void check_run(const char *name, void (*fn)(void))
{
    int before = failures;
    printf("# test %s\n", name);
    fflush(stdout);
    fn();
    printf("%s %s\n", failures == before ? "ok" : "FAILED", name);
    fflush(stdout);
}

int check_failures(void)
{
    return failures;
}

int check_done(void)
{
    printf("%d passed, %d failed\n", passes, failures);
    fflush(stdout);
    return failures ? 1 : 0;
}
