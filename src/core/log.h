/*
 * Logging to stderr, one line per event: "TIME LEVEL message". Thread-safe
 * (each line is written under the stdio lock). Never log secrets, tokens,
 * passwords or full ID numbers; callers mask first (person/idnum.h).
 */
#ifndef CUNJING_CORE_LOG_H
#define CUNJING_CORE_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Writes a prepared line (already formatted, e.g. JSON) followed by '\n'. */
void log_raw(const char *line);
/* Messages below level are dropped (default LOG_INFO). Set once at start. */
void log_set_level(enum log_level level);

#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
