/*
 * The audit log end to end: logins (success and failure), a user created by
 * the admin and a 403 denial appear in GET /api/v1/audit with the contract's
 * item shape; the from/to/user/action filters and cursor paging work; then,
 * with the server stopped, `cunjing audit verify` passes on the database and
 * fails, naming the seq, on copies where a row was edited, a middle row
 * deleted, the last row edited, a row forged at the end or the tail cut. The
 * database's own refusal of UPDATE and DELETE on audit_log (its triggers) is
 * checked first; tampering drops those triggers on a copy (SQLite: a file
 * copy made by VACUUM INTO; PostgreSQL: CREATE DATABASE ... TEMPLATE, where
 * the triggers are disabled with ALTER TABLE ... DISABLE TRIGGER USER, and
 * TRUNCATE is refused too).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "harness.h"

static struct tserver srv;
static struct tsession yang, admin, auditor;
static char denied_request_id[128];
static char created_user_id[128];
static json_t *all_items;

static const char *item_keys[] = {"seq",    "at",     "user",   "role",      "ip",
                                  "action", "object", "result", "request_id"};

static void act(void)
{
    struct tresp r;
    REQUIRE(tlogin(&srv, "yangjianzi", NULL, &yang));
    tlogin_raw(&srv, "yangjianzi", "Wrong#Password1", NULL, &r);
    EXPECT_ERROR(&r, 401, "invalid_credentials", NULL);
    tresp_free(&r);
    REQUIRE(tlogin(&srv, "admin", NULL, &admin));
    struct tsession bureau;
    REQUIRE(tlogin(&srv, "bureau", NULL, &bureau));
    long st;
    json_t *top = tget_all(&srv, "/api/v1/areas", bureau.token, &st);
    const char *county = top ? tjs(top, "0.id") : NULL;
    char body[512];
    snprintf(body, sizeof body,
             "{\"username\":\"audit_u1\",\"name\":\"审计测试\",\"role\":\"bureau\",\"area_ids\":["
             "\"%s\"],"
             "\"password\":\"Xin#Mima2026ab\"}",
             county ? county : "");
    tpost(&srv, "/api/v1/users", admin.token, body, &r);
    if (EXPECT_STATUS(&r, 201))
        snprintf(created_user_id, sizeof created_user_id, "%s",
                 tjs(r.json, "id") ? tjs(r.json, "id") : "");
    tresp_free(&r);
    json_decref(top);
    tget(&srv, "/api/v1/users", yang.token, &r);
    EXPECT_ERROR(&r, 403, "forbidden", NULL);
    const char *rid = tjs(r.json, "request_id");
    snprintf(denied_request_id, sizeof denied_request_id, "%s", rid ? rid : "");
    tresp_free(&r);
    REQUIRE(tlogin(&srv, "auditor", NULL, &auditor));
}

static bool is_login(json_t *it)
{
    const char *a = tjs(it, "action");
    return a && strstr(a, "login");
}

static void test_entries(void)
{
    long st;
    all_items = tget_all(&srv, "/api/v1/audit", auditor.token, &st);
    REQUIREF(all_items && json_array_size(all_items) >= 5, "auditor lists the audit log");
    size_t i;
    json_t *it;
    long long prev = -1;
    bool ok_login = false, failed_login = false, created = false, denial = false;
    json_array_foreach(all_items, i, it)
    {
        CHECKF(json_object_size(it) == 9, "audit item has 9 members: %s", tdump(it));
        for (size_t k = 0; k < sizeof item_keys / sizeof *item_keys; k++)
            CHECKF(json_object_get(it, item_keys[k]) != NULL, "audit item has %s: %s", item_keys[k],
                   tdump(it));
        long long seq = json_integer_value(json_object_get(it, "seq"));
        CHECKF(json_is_integer(json_object_get(it, "seq")) && (prev < 0 || seq < prev),
               "newest first: seq %lld after %lld", seq, prev);
        prev = seq;
        const char *at = tjs(it, "at");
        size_t al = at ? strlen(at) : 0;
        CHECKF(al >= 20 && at[10] == 'T' &&
                   (at[al - 1] == 'Z' || at[al - 6] == '+' || at[al - 6] == '-'),
               "at is ISO 8601 with offset: %s", at ? at : "-");
        const char *user = tjs(it, "user"), *result = tjs(it, "result");
        if (!user || !result)
            continue;
        if (!strcmp(user, "yangjianzi") && is_login(it) && !strcmp(result, "ok")) {
            ok_login = true;
            CHECK_STR(tjs(it, "ip"), "127.0.0.1");
            CHECK_STR(tjs(it, "role"), "assistant");
        }
        if (!strcmp(user, "yangjianzi") && is_login(it) && strcmp(result, "ok") != 0)
            failed_login = true;
        const char *action = tjs(it, "action"), *object = tjs(it, "object");
        if (!strcmp(user, "admin") && action && strstr(action, "user") &&
            (strstr(action, "create") || strstr(action, "add"))) {
            created = true;
            CHECK_STR(result, "ok");
            CHECKF(object && created_user_id[0] && strstr(object, created_user_id),
                   "user create names the new user: %s", object ? object : "-");
        }
        const char *rid = tjs(it, "request_id");
        if (rid && denied_request_id[0] && !strcmp(rid, denied_request_id)) {
            denial = true;
            CHECK_STR(user, "yangjianzi");
            CHECKF(!strcmp(result, "denied") || !strcmp(result, "forbidden"), "denial result: %s",
                   result);
        }
    }
    CHECKF(ok_login, "a successful login of yangjianzi is audited");
    CHECKF(failed_login, "a failed login of yangjianzi is audited");
    CHECKF(created, "the admin's user create is audited");
    CHECKF(denial, "the 403 (request_id %s) is audited", denied_request_id);
}

static void shanghai_date(int days, char out[11])
{
    time_t t = time(NULL) + 8 * 3600 + (time_t)days * 86400;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

static json_t *audit_list(const char *query, long *st)
{
    char p[512];
    snprintf(p, sizeof p, "/api/v1/audit%s", query);
    return tget_all(&srv, p, auditor.token, st);
}

static void test_filters(void)
{
    REQUIRE(all_items);
    long st;
    json_t *l = audit_list("?user=yangjianzi", &st);
    CHECKF(l && json_array_size(l) >= 3, "user=yangjianzi: %zu items", l ? json_array_size(l) : 0);
    size_t i;
    json_t *it;
    json_array_foreach(l, i, it)
    {
        CHECK_STR(tjs(it, "user"), "yangjianzi");
    }
    json_decref(l);
    const char *login_action = NULL;
    json_array_foreach(all_items, i, it)
    {
        if (is_login(it) && tjs(it, "result") && !strcmp(tjs(it, "result"), "ok"))
            login_action = tjs(it, "action");
    }
    REQUIRE(login_action);
    char q[256];
    snprintf(q, sizeof q, "?action=%s", login_action);
    l = audit_list(q, &st);
    CHECKF(l && json_array_size(l) >= 4, "action=%s: %zu items", login_action,
           l ? json_array_size(l) : 0);
    json_array_foreach(l, i, it)
    {
        CHECK_STR(tjs(it, "action"), login_action);
    }
    json_decref(l);
    snprintf(q, sizeof q, "?action=%s&user=admin", login_action);
    l = audit_list(q, &st);
    CHECKF(l && json_array_size(l) >= 1, "action and user together");
    json_array_foreach(l, i, it)
    {
        CHECK_STR(tjs(it, "user"), "admin");
        CHECK_STR(tjs(it, "action"), login_action);
    }
    json_decref(l);
    char today[11], tomorrow[11], yesterday[11];
    shanghai_date(0, today);
    shanghai_date(1, tomorrow);
    shanghai_date(-1, yesterday);
    snprintf(q, sizeof q, "?from=%s&to=%s", today, today);
    l = audit_list(q, &st);
    CHECKF(l && json_array_size(l) >= json_array_size(all_items),
           "from=to=today holds everything (%zu of %zu)", l ? json_array_size(l) : 0,
           json_array_size(all_items));
    json_decref(l);
    snprintf(q, sizeof q, "?from=%s", tomorrow);
    l = audit_list(q, &st);
    CHECKF(l && json_array_size(l) == 0, "from=tomorrow is empty (%zu)",
           l ? json_array_size(l) : 0);
    json_decref(l);
    snprintf(q, sizeof q, "?to=%s", yesterday);
    l = audit_list(q, &st);
    CHECKF(l && json_array_size(l) == 0, "to=yesterday is empty (%zu)", l ? json_array_size(l) : 0);
    json_decref(l);
    struct tresp r;
    tget(&srv, "/api/v1/audit?from=2026-13-45", auditor.token, &r);
    EXPECT_ERROR(&r, 422, "invalid_field", "from");
    tresp_free(&r);
}

static void test_paging(void)
{
    REQUIRE(all_items);
    char *cursor = NULL;
    long long prev = -1;
    size_t seen = 0, pages = 0;
    json_t *seqs = json_object();
    for (; pages < 500; pages++) {
        char p[1024];
        if (cursor)
            snprintf(p, sizeof p, "/api/v1/audit?limit=2&cursor=%s", cursor);
        else
            snprintf(p, sizeof p, "/api/v1/audit?limit=2");
        struct tresp r;
        tget(&srv, p, auditor.token, &r);
        free(cursor);
        cursor = NULL;
        if (!EXPECT_STATUS(&r, 200)) {
            tresp_free(&r);
            break;
        }
        json_t *items = json_object_get(r.json, "items");
        CHECKF(json_array_size(items) <= 2, "limit=2 gives at most 2 items");
        size_t i;
        json_t *it;
        json_array_foreach(items, i, it)
        {
            long long seq = json_integer_value(json_object_get(it, "seq"));
            CHECKF(prev < 0 || seq < prev, "pages continue newest first: %lld after %lld", seq,
                   prev);
            prev = seq;
            char k[32];
            snprintf(k, sizeof k, "%lld", seq);
            CHECKF(!json_object_get(seqs, k), "seq %lld on two pages", seq);
            json_object_set_new(seqs, k, json_true());
            seen++;
        }
        const char *next = tjs(r.json, "next_cursor");
        CHECKF(json_object_get(r.json, "next_cursor") != NULL, "next_cursor member present");
        if (next && *next) {
            CHECKF(json_array_size(items) == 2, "a page before the last is full");
            /* cursors in our tests are URL-safe; encode the few that are not */
            size_t n = strlen(next);
            cursor = malloc(n * 3 + 1);
            size_t o = 0;
            for (size_t c = 0; c < n; c++) {
                unsigned char ch = (unsigned char)next[c];
                if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                    (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' || ch == '.')
                    cursor[o++] = (char)ch;
                else
                    o += (size_t)snprintf(cursor + o, 4, "%%%02X", ch);
            }
            cursor[o] = '\0';
        }
        tresp_free(&r);
        if (!cursor)
            break;
    }
    free(cursor);
    CHECKF(pages >= 2, "several pages of 2");
    size_t i;
    json_t *it;
    json_array_foreach(all_items, i, it)
    {
        char k[32];
        snprintf(k, sizeof k, "%lld", (long long)json_integer_value(json_object_get(it, "seq")));
        if (!CHECKF(json_object_get(seqs, k) != NULL, "paging reached seq %s", k))
            break;
    }
    CHECKF(seen >= json_array_size(all_items), "paging saw %zu of %zu", seen,
           json_array_size(all_items));
    json_decref(seqs);
}

/* ---- tampering ---------------------------------------------------------- */

/*
 * The statements that lift the append-only rule on a copy: SQLite drops the
 * trigger; PostgreSQL disables the table's triggers (its owner may).
 */
static const char *allow_update(void)
{
    return tserver_is_pg() ? "ALTER TABLE audit_log DISABLE TRIGGER USER; "
                           : "DROP TRIGGER audit_log_no_update; ";
}

static const char *allow_delete(void)
{
    return tserver_is_pg() ? "ALTER TABLE audit_log DISABLE TRIGGER USER; "
                           : "DROP TRIGGER audit_log_no_delete; ";
}

/*
 * A copy of the database, its URL in url: SQLite: DIR/name/c.db with the key
 * file beside it; PostgreSQL: CREATE DATABASE ... TEMPLATE (the same key file,
 * CUNJING_KEYS_FILE).
 */
static bool make_copy(const char *name, char *url, size_t urlsz)
{
    char dir[512], key_from[T_PATH], key_to[T_PATH];
    snprintf(dir, sizeof dir, "%s/%.200s", srv.dir, name);
    mkdir(dir, 0700);
    if (!CHECKF(tdb_copy(srv.db_url, dir, url, urlsz), "copy of the database for %s", name))
        return false;
    if (tserver_is_pg())
        return true;
    snprintf(key_from, sizeof key_from, "%s/cunjing.key", srv.dir);
    snprintf(key_to, sizeof key_to, "%s/cunjing.key", dir);
    if (!CHECKF(tcopy_file(key_from, key_to), "copy the key file %s", key_from))
        return false;
    chmod(key_to, 0600);
    return true;
}

static int verify(const char *url, char **output)
{
    struct tcli c;
    tcli(&c, NULL, "audit", "verify", "--db", url, NULL);
    size_t n = strlen(c.out) + strlen(c.err) + 2;
    *output = malloc(n);
    snprintf(*output, n, "%s\n%s", c.out, c.err);
    int st = c.status;
    tcli_free(&c);
    return st;
}

static void test_verify_and_tamper(void)
{
    char *out;
    int st = verify(srv.db_url, &out);
    CHECKF(st == 0, "audit verify on the intact database: exit %d\n%s", st, out);
    free(out);
    struct stat kst;
    CHECKF(stat(srv.key_path, &kst) == 0 && (kst.st_mode & 0777) == 0600,
           "init made %s (%s) with mode 0600", srv.key_path,
           tserver_is_pg() ? "CUNJING_KEYS_FILE" : "beside the database");
    long long max = tdb_int(srv.db_url, "SELECT max(seq) FROM audit_log");
    REQUIREF(max >= 6, "at least 6 audit rows (%lld)", max);
    long long mid = max / 2;
    char url[T_PATH], stmt[512], err[512];

    /* the database itself refuses UPDATE and DELETE (and TRUNCATE) */
    REQUIRE(make_copy("refuse", url, sizeof url));
    snprintf(stmt, sizeof stmt, "UPDATE audit_log SET result = 'ok2' WHERE seq = %lld", mid);
    CHECKF(!tdb_exec(url, stmt, err, sizeof err), "UPDATE audit_log refused");
    snprintf(stmt, sizeof stmt, "DELETE FROM audit_log WHERE seq = %lld", mid);
    CHECKF(!tdb_exec(url, stmt, err, sizeof err), "DELETE FROM audit_log refused");
    CHECKF(!tdb_exec(url, "DELETE FROM audit_log", err, sizeof err), "DELETE of every row refused");
    if (tserver_is_pg())
        CHECKF(!tdb_exec(url, "TRUNCATE audit_log", err, sizeof err), "TRUNCATE refused");
    CHECKF(tdb_int(url, "SELECT count(*) FROM audit_log") == max, "no row removed");
    CHECKF(tdb_int(url, "SELECT count(*) FROM audit_log WHERE result = 'ok2'") == 0,
           "no row changed");
    st = verify(url, &out);
    CHECKF(st == 0, "copy still verifies: exit %d\n%s", st, out);
    free(out);

    /* a middle row edited */
    REQUIRE(make_copy("edit", url, sizeof url));
    snprintf(stmt, sizeof stmt, "%sUPDATE audit_log SET result = result || 'x' WHERE seq = %lld",
             allow_update(), mid);
    CHECKF(tdb_exec(url, stmt, err, sizeof err), "tamper: %s", err);
    st = verify(url, &out);
    CHECKF(st != 0, "edited row %lld: verify exit %d", mid, st);
    CHECKF(tmentions_number(out, mid), "verify names the edited seq %lld:\n%s", mid, out);
    free(out);

    /* the user of a row edited */
    REQUIRE(make_copy("edit_user", url, sizeof url));
    snprintf(stmt, sizeof stmt, "%sUPDATE audit_log SET user_name = 'someone' WHERE seq = %lld",
             allow_update(), mid + 1);
    CHECKF(tdb_exec(url, stmt, err, sizeof err), "tamper: %s", err);
    st = verify(url, &out);
    CHECKF(st != 0 && tmentions_number(out, mid + 1), "edited user of %lld: exit %d\n%s", mid + 1,
           st, out);
    free(out);

    /* a middle row deleted */
    REQUIRE(make_copy("delete", url, sizeof url));
    snprintf(stmt, sizeof stmt, "%sDELETE FROM audit_log WHERE seq = %lld", allow_delete(), mid);
    CHECKF(tdb_exec(url, stmt, err, sizeof err), "tamper: %s", err);
    st = verify(url, &out);
    CHECKF(st != 0, "deleted row %lld: verify exit %d", mid, st);
    CHECKF(tmentions_number(out, mid) || tmentions_number(out, mid + 1),
           "verify names the deleted seq %lld (or the next):\n%s", mid, out);
    if (!tmentions_number(out, mid))
        check_note("deleted seq %lld: verify names %lld instead", mid, mid + 1);
    free(out);

    /* the last row edited */
    REQUIRE(make_copy("edit_last", url, sizeof url));
    snprintf(stmt, sizeof stmt, "%sUPDATE audit_log SET action = 'x' WHERE seq = %lld",
             allow_update(), max);
    CHECKF(tdb_exec(url, stmt, err, sizeof err), "tamper: %s", err);
    st = verify(url, &out);
    CHECKF(st != 0 && tmentions_number(out, max), "edited last row %lld: exit %d\n%s", max, st,
           out);
    free(out);

    /* the tail cut */
    REQUIRE(make_copy("tail", url, sizeof url));
    snprintf(stmt, sizeof stmt, "%sDELETE FROM audit_log WHERE seq > %lld", allow_delete(),
             max - 2);
    CHECKF(tdb_exec(url, stmt, err, sizeof err), "tamper: %s", err);
    st = verify(url, &out);
    CHECKF(st != 0, "tail cut after %lld: verify exit %d\n%s", max - 2, st, out);
    free(out);

    /* a row forged at the end */
    REQUIRE(make_copy("forge", url, sizeof url));
    snprintf(stmt, sizeof stmt,
             "INSERT INTO audit_log (seq, at, user_name, role, ip, action, object, result, "
             "request_id, prev_hash, hash) SELECT seq + 1, at, user_name, role, ip, action, "
             "object, result, 'forged', hash, hash FROM audit_log WHERE seq = %lld",
             max);
    CHECKF(tdb_exec(url, stmt, err, sizeof err), "forge: %s", err);
    st = verify(url, &out);
    CHECKF(st != 0 && tmentions_number(out, max + 1), "forged row %lld: exit %d\n%s", max + 1, st,
           out);
    free(out);
}

int main(void)
{
    if (!tserver_setup(&srv, true)) {
        tserver_cleanup(&srv);
        check_done();
        return 1;
    }
    const char *const env[] = {"CUNJING_LOGIN_IP_RATE_PER_MINUTE=1000", NULL};
    if (tserver_start(&srv, env)) {
        check_run("actions", act);
        check_run("entries", test_entries);
        check_run("filters", test_filters);
        check_run("paging", test_paging);
        tserver_stop(&srv);
        check_run("verify_and_tamper", test_verify_and_tamper);
    }
    json_decref(all_items);
    tserver_cleanup(&srv);
    return check_done();
}
