/*
 * Configuration: an INI file (--config FILE) overlaid by environment
 * variables CUNJING_<SECTION>_<KEY> (upper case), which win. Defaults are the
 * ones CONVENTIONS.md names. config_load() fills a caller-owned struct; the
 * strings inside are owned by it and freed by config_release().
 */
#ifndef CUNJING_CORE_CONFIG_H
#define CUNJING_CORE_CONFIG_H
#include <stdbool.h>
#include <stddef.h>

#define CONFIG_MAX_PROXIES 16

struct config {
    /* [server] */
    char *listen;                              /* "127.0.0.1:8080" */
    int threads;                               /* worker threads (0 = number of CPUs) */
    int max_connections;                       /* global connection cap */
    int max_connections_per_ip;                /* 0 = no cap */
    int timeout_seconds;                       /* idle connection timeout */
    int max_inflight;                          /* requests in progress before 503 overloaded */
    char *trusted_proxies[CONFIG_MAX_PROXIES]; /* whose X-Forwarded-For is believed */
    size_t n_trusted_proxies;
    char *tls_cert_file;
    char *tls_key_file;
    char *public_url; /* how villagers reach the server (receipt QR codes); "" = from Host */
    /* [session] */
    int idle_seconds;
    int absolute_seconds;
    /* [login] */
    int max_failures;
    int failure_window_seconds;
    int lock_seconds;
    int ip_rate_per_minute; /* login attempts per client address per minute */
    /* [password] */
    int min_length;
    int min_classes;
    /* [keys] */
    char *key_file;
    /* [time] */
    char *zone;
    char *workday_end;
    char *holidays_file;
    /* [disputes] */
    int followup_days; /* a resolved dispute is due a follow-up visit after this */
    /* [reminders] */
    int reminders_interval_seconds; /* how often due follow-ups and contacts are checked */
    /* [stats] */
    char *score_weights;   /* "disputes=2,resolved=1,..." for the assistants' scorecard */
    int score_min_records; /* fewer records than this: the score is marked low_volume */
    /* [demo] */
    bool demo_enabled;
    /* [db] */
    int pool_size;
    bool group_commit; /* one writer, one commit per batch of concurrent writes */
    /* [log] */
    char *log_level;
};

/*
 * Fills cfg with the defaults, then the file (when path is not NULL), then the
 * environment. On error returns false and writes one line into errbuf (file
 * and line number, unknown key, bad value).
 */
bool config_load(struct config *cfg, const char *path, char *errbuf, size_t errlen);
void config_release(struct config *cfg);

#endif
