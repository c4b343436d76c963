/*
 * INI configuration with environment overrides. Keys are declared once in
 * the table below with their type and place in struct config; the file parser
 * and the environment pass share it, so a key cannot be known to one and not
 * the other. Unknown sections or keys in the file are errors (a typo must not
 * silently leave a default in force).
 */
#include "core/config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

enum kind { K_STR, K_INT, K_BOOL, K_LIST };

struct key {
    const char *section;
    const char *name;
    enum kind kind;
    size_t off;
};

#define S(sec, k, f)                                                                               \
    {                                                                                              \
        sec, k, K_STR, offsetof(struct config, f)                                                  \
    }
#define I(sec, k, f)                                                                               \
    {                                                                                              \
        sec, k, K_INT, offsetof(struct config, f)                                                  \
    }
#define B(sec, k, f)                                                                               \
    {                                                                                              \
        sec, k, K_BOOL, offsetof(struct config, f)                                                 \
    }

static const struct key keys[] = {
    S("server", "listen", listen),
    I("server", "threads", threads),
    I("server", "max_connections", max_connections),
    I("server", "max_connections_per_ip", max_connections_per_ip),
    I("server", "timeout_seconds", timeout_seconds),
    I("server", "max_inflight", max_inflight),
    {"server", "trusted_proxies", K_LIST, offsetof(struct config, trusted_proxies)},
    S("server", "tls_cert_file", tls_cert_file),
    S("server", "tls_key_file", tls_key_file),
    S("server", "public_url", public_url),
    I("session", "idle_seconds", idle_seconds),
    I("session", "absolute_seconds", absolute_seconds),
    I("login", "max_failures", max_failures),
    I("login", "failure_window_seconds", failure_window_seconds),
    I("login", "lock_seconds", lock_seconds),
    I("login", "ip_rate_per_minute", ip_rate_per_minute),
    I("password", "min_length", min_length),
    I("password", "min_classes", min_classes),
    S("keys", "file", key_file),
    S("time", "zone", zone),
    S("time", "workday_end", workday_end),
    S("time", "holidays_file", holidays_file),
    I("disputes", "followup_days", followup_days),
    I("reminders", "interval_seconds", reminders_interval_seconds),
    S("stats", "score_weights", score_weights),
    I("stats", "score_min_records", score_min_records),
    B("demo", "enabled", demo_enabled),
    I("db", "pool_size", pool_size),
    B("db", "group_commit", group_commit),
    S("log", "level", log_level),
};

static void set_str(char **slot, const char *v)
{
    free(*slot);
    *slot = *v ? xstrdup(v) : NULL;
}

static bool apply(struct config *cfg, const struct key *k, const char *v, char *errbuf,
                  size_t errlen, const char *where)
{
    char *base = (char *)cfg + k->off;
    switch (k->kind) {
    case K_STR:
        set_str((char **)(void *)base, v);
        return true;
    case K_INT: {
        char *end;
        errno = 0;
        long n = strtol(v, &end, 10);
        if (errno || end == v || *end || n < 0 || n > 100000000) {
            snprintf(errbuf, errlen, "%s: [%s] %s: not a non-negative integer: %s", where,
                     k->section, k->name, v);
            return false;
        }
        *(int *)(void *)base = (int)n;
        return true;
    }
    case K_BOOL:
        if (!strcmp(v, "true") || !strcmp(v, "1") || !strcmp(v, "yes") || !strcmp(v, "on")) {
            *(bool *)(void *)base = true;
        } else if (!strcmp(v, "false") || !strcmp(v, "0") || !strcmp(v, "no") ||
                   !strcmp(v, "off")) {
            *(bool *)(void *)base = false;
        } else {
            snprintf(errbuf, errlen, "%s: [%s] %s: not a boolean: %s", where, k->section, k->name,
                     v);
            return false;
        }
        return true;
    case K_LIST: {
        for (size_t i = 0; i < cfg->n_trusted_proxies; i++)
            free(cfg->trusted_proxies[i]);
        cfg->n_trusted_proxies = 0;
        char *copy = xstrdup(v);
        char *save = NULL;
        for (char *t = strtok_r(copy, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
            if (cfg->n_trusted_proxies == CONFIG_MAX_PROXIES) {
                free(copy);
                snprintf(errbuf, errlen, "%s: too many trusted_proxies (max %d)", where,
                         CONFIG_MAX_PROXIES);
                return false;
            }
            cfg->trusted_proxies[cfg->n_trusted_proxies++] = xstrdup(t);
        }
        free(copy);
        return true;
    }
    }
    return false;
}

static void defaults(struct config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->listen = xstrdup("127.0.0.1:8080");
    cfg->threads = 0;
    cfg->max_connections = 2048;
    cfg->max_connections_per_ip = 0; /* carrier NAT puts whole villages behind one address */
    cfg->timeout_seconds = 15;
    cfg->max_inflight = 256;
    cfg->idle_seconds = 1800;
    cfg->absolute_seconds = 43200;
    cfg->max_failures = 5;
    cfg->failure_window_seconds = 900;
    cfg->lock_seconds = 900;
    cfg->ip_rate_per_minute = 60;
    cfg->min_length = 10;
    cfg->min_classes = 3;
    cfg->zone = xstrdup("Asia/Shanghai");
    cfg->workday_end = xstrdup("17:30");
    cfg->pool_size = 8;
    cfg->group_commit = true;
    cfg->followup_days = 30;
    cfg->reminders_interval_seconds = 60;
    cfg->score_weights = xstrdup("disputes=2,resolved=1,intel=1,intel_valid=3,help_education=1,"
                                 "visits=0.5,publicity=1,household=1,cases=5");
    cfg->score_min_records = 5;
    cfg->log_level = xstrdup("info");
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = '\0';
    return s;
}

static const struct key *find_key(const char *section, const char *name)
{
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (!strcmp(keys[i].section, section) && !strcmp(keys[i].name, name))
            return &keys[i];
    return NULL;
}

static bool load_file(struct config *cfg, const char *path, char *errbuf, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(errbuf, errlen, "cannot open config file %s: %s", path, strerror(errno));
        return false;
    }
    char line[1024];
    char section[64] = "";
    int lineno = 0;
    bool ok = true;
    while (ok && fgets(line, sizeof line, f)) {
        lineno++;
        char where[64];
        snprintf(where, sizeof where, "config line %d", lineno);
        char *s = trim(line);
        if (!*s || *s == '#' || *s == ';')
            continue;
        if (*s == '[') {
            char *e = strchr(s, ']');
            if (!e || e[1]) {
                snprintf(errbuf, errlen, "%s: bad section header", where);
                ok = false;
                break;
            }
            *e = '\0';
            snprintf(section, sizeof section, "%s", trim(s + 1));
            continue;
        }
        char *eq = strchr(s, '=');
        if (!eq) {
            snprintf(errbuf, errlen, "%s: expected key = value", where);
            ok = false;
            break;
        }
        *eq = '\0';
        char *k = trim(s), *v = trim(eq + 1);
        size_t vl = strlen(v);
        if (vl >= 2 && v[0] == '"' && v[vl - 1] == '"') {
            v[vl - 1] = '\0';
            v++;
        }
        const struct key *key = find_key(section, k);
        if (!key) {
            snprintf(errbuf, errlen, "%s: unknown key [%s] %s", where, section, k);
            ok = false;
            break;
        }
        ok = apply(cfg, key, v, errbuf, errlen, where);
    }
    fclose(f);
    return ok;
}

bool config_load(struct config *cfg, const char *path, char *errbuf, size_t errlen)
{
    defaults(cfg);
    if (path && !load_file(cfg, path, errbuf, errlen))
        return false;
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        char env[96];
        snprintf(env, sizeof env, "CUNJING_%s_%s", keys[i].section, keys[i].name);
        for (char *p = env; *p; p++)
            *p = (char)toupper((unsigned char)*p);
        const char *v = getenv(env);
        if (v && !apply(cfg, &keys[i], v, errbuf, errlen, env))
            return false;
    }
    return true;
}

void config_release(struct config *cfg)
{
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        if (keys[i].kind == K_STR) {
            char **slot = (char **)(void *)((char *)cfg + keys[i].off);
            free(*slot);
            *slot = NULL;
        }
    }
    for (size_t i = 0; i < cfg->n_trusted_proxies; i++)
        free(cfg->trusted_proxies[i]);
    cfg->n_trusted_proxies = 0;
}
