/*
 * The API test harness: a real cunjing process per test file on a loopback
 * port, driven over HTTP with libcurl (or a raw socket where curl would
 * correct the request), plus the CLI runner, JSON helpers, TOTP codes and the
 * exact error-shape assertion. The database backend is chosen in exactly one
 * place, tserver_db_url(), from CUNJING_TEST_DB ("sqlite" or "postgresql").
 * Everything a server writes goes to files in its temporary directory, so no
 * pipe can fill; tserver_stop() fails the test when the server exited
 * non-zero or its stderr holds a sanitizer report.
 */
#ifndef CUNJING_TESTS_HARNESS_H
#define CUNJING_TESTS_HARNESS_H
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "check.h"

#define T_PATH 1024
#define T_MAX_SECRETS 16
#define T_PASSWORD "Cunjing@2026"

/* ---- CLI ---------------------------------------------------------------- */

struct tcli {
    int status;     /* exit status, or 128+signal */
    char *out;      /* stdout (NUL-terminated, owned) */
    char *err;      /* stderr (NUL-terminated, owned) */
    bool timed_out; /* killed (SIGKILL) after the timeout */
};

/*
 * Runs $CUNJING_BIN with the NULL-terminated arguments, feeding stdin_text
 * (may be NULL: empty stdin). Returns false when it could not run at all.
 * A sanitizer report on stderr counts as a failed check.
 */
bool tcli_run(struct tcli *r, const char *stdin_text, const char *const *argv);
/* Same, killing the process after timeout_s seconds (tcli_run: 240 s). */
bool tcli_run_timeout(struct tcli *r, const char *stdin_text, double timeout_s,
                      const char *const *argv);
/* Same with the arguments as a NULL-terminated list. */
bool tcli(struct tcli *r, const char *stdin_text, ...) __attribute__((sentinel));
void tcli_free(struct tcli *r);
/* Number of lines in text (a final line without '\n' counts). */
int tcount_lines(const char *text);
/* Whether text names the number n as a separate token (no digit beside it). */
bool tmentions_number(const char *text, long long n);

/* ---- server ------------------------------------------------------------- */

struct tsecret {
    char user[64];
    char base32[128];
    int64_t last_step;
};

struct tserver {
    char dir[256];         /* fresh temporary directory */
    char db_path[T_PATH];  /* DIR/c.db (SQLite only; "" for PostgreSQL) */
    char db_url[T_PATH];   /* sqlite:DIR/c.db, or postgresql://cunjing@/NAME?host=..&port=.. */
    char key_path[T_PATH]; /* DIR/cunjing.key (for PostgreSQL passed as CUNJING_KEYS_FILE) */
    char out_path[T_PATH];
    char err_path[T_PATH];
    char *demo_out; /* stdout of `cunjing demo` (owned) */
    pid_t pid;      /* 0 when not running */
    int port;
    char base[64]; /* http://127.0.0.1:PORT */
    int starts;
    struct tsecret secrets[T_MAX_SECRETS];
    int nsecrets;
};

/* Which backend the suite runs on: "sqlite" (default) or "postgresql". */
const char *tserver_backend(void);
bool tserver_is_pg(void);
/*
 * Writes the URL of a fresh database: SQLite: DIR/NAME.db; PostgreSQL: a new
 * database (unique name cj_PID_N_NAME) created on the server that
 * scripts/pgtmp.sh started in $CUNJING_TEST_PG_DIR, dropped at exit.
 */
bool tserver_db_url(const char *dir, const char *name, char *out, size_t outsz);

/* ---- direct database access (SQLite file or PostgreSQL over libpq) ------- */

/* A resident ID number: the 17 digits given and their GB 11643 check digit. */
void tmake_id(const char *first17, char out[19]);

/* Runs sql (several statements allowed); on failure the message in err. */
bool tdb_exec(const char *url, const char *sql, char *err, size_t errsz);
/* First column of the first row as text (owned), NULL on error or NULL. */
char *tdb_text(const char *url, const char *query);
/* First column of the first row as an integer, -1 on error. */
long long tdb_int(const char *url, const char *query);
/*
 * A copy of the database at from_url, its URL in out: SQLite: VACUUM INTO
 * DIR/c.db (DIR must exist); PostgreSQL: CREATE DATABASE ... TEMPLATE (nobody
 * may be connected to the source), dir unused. Key files are the caller's.
 */
bool tdb_copy(const char *from_url, const char *dir, char *out, size_t outsz);
/* The port of the server scripts/pgtmp.sh runs in pgdir (its postmaster.pid). */
int tpg_port(const char *pgdir);
/* URL of database dbname on the server in pgdir. */
bool tpg_url(const char *pgdir, const char *dbname, char *out, size_t outsz);
/* Creates a database of a unique name (with tag) on the server in pgdir. */
bool tpg_createdb(const char *pgdir, const char *tag, char *out, size_t outsz);

/* Temporary dir, `cunjing init`, and with demo `cunjing demo` (secrets kept).
 * For PostgreSQL it sets CUNJING_KEYS_FILE=DIR/cunjing.key in this process's
 * environment, so that every later CLI run and server uses that key file. */
bool tserver_setup(struct tserver *s, bool demo);
/* A second server on from's database (and key file, TOTP secrets): its own
 * temporary directory for its logs; start it with tserver_start. */
bool tserver_clone(struct tserver *s, const struct tserver *from);
/* Spawns `serve` with extra "KEY=VALUE" environment (NULL-terminated, may be
 * NULL) and waits (20 s) for "listening on http://127.0.0.1:PORT". */
bool tserver_start(struct tserver *s, const char *const *env);
/* SIGTERM, wait (SIGKILL after 10 s); checks exit 0 and no sanitizer report. */
bool tserver_stop(struct tserver *s);
/* Stops if running and removes the directory. */
void tserver_cleanup(struct tserver *s);
/* Remembers a TOTP secret (base32) of a user. */
void tserver_add_secret(struct tserver *s, const char *user, const char *base32);
/* Finds in text the otpauth:// line of user and remembers its secret. */
bool tserver_secret_from_text(struct tserver *s, const char *user, const char *text);
/* Extracts the secret=... of the first otpauth:// line of text into out. */
bool totpauth_secret(const char *text, char *out, size_t outsz);
/*
 * A fresh TOTP code for user: of the current 30-second step, or of the step
 * after the last one handed out (codes are single-use on the server).
 */
bool tserver_totp(struct tserver *s, const char *user, char out[7]);
/* The code of base32 secret at Unix time t. */
bool ttotp_at(const char *base32, int64_t t, char out[7]);
/* A 6-digit code that is wrong for user's secret within +-3 steps of now. */
void tserver_wrong_totp(struct tserver *s, const char *user, char out[7]);
/* Whether file holds an ASan/UBSan/LSan report. */
bool tfile_has_sanitizer_report(const char *path);
/* Reads a whole file (owned, NUL-terminated), NULL when missing. */
char *tread_file(const char *path);
bool twrite_file(const char *path, const char *data, size_t len);
bool tcopy_file(const char *from, const char *to);
void tsleep_ms(long ms);
double tnow(void);

/* ---- HTTP --------------------------------------------------------------- */

struct treq {
    const char *method;         /* default GET, or POST when body is set */
    const char *path;           /* "/api/v1/..." */
    const char *body;           /* raw bytes, may hold NULs */
    size_t body_len;            /* 0: strlen(body) */
    const char *content_type;   /* default application/json when body set; "" for none */
    const char *token;          /* Authorization: Bearer */
    const char *cookie;         /* Cookie: header value ("name=value") */
    const char *csrf;           /* X-CSRF-Token */
    const char *const *headers; /* extra "Name: value" lines, NULL-terminated */
    long timeout_ms;            /* whole request; 0: 30 s */
};

struct tresp {
    long status;   /* 0 on transport failure */
    char *headers; /* raw header block of the final response */
    char *body;
    size_t body_len;
    json_t *json;   /* parsed body when it is JSON */
    char what[160]; /* "METHOD PATH" for messages */
};

bool thttp(struct tserver *s, const struct treq *q, struct tresp *r);
bool tget(struct tserver *s, const char *path, const char *token, struct tresp *r);
bool tpost(struct tserver *s, const char *path, const char *token, const char *json_body,
           struct tresp *r);
/* One part of a multipart/form-data upload: a text field (value) or a file
 * (data/len with filename and declared type). */
struct tpart {
    const char *name;
    const char *value; /* text field when data is NULL */
    const void *data;  /* file contents (binary) */
    size_t len;
    const char *filename; /* default "file.bin" */
    const char *type;     /* declared Content-Type; default application/octet-stream */
};
/* POST path as multipart/form-data (libcurl mime) with Bearer token. The
 * status is kept when the server answered before reading the whole body. */
bool tupload(struct tserver *s, const char *path, const char *token, const struct tpart *parts,
             size_t nparts, struct tresp *r);
/* Sends raw bytes on a new connection and reads the answer (timeout_ms). */
bool traw(struct tserver *s, const char *bytes, size_t len, int timeout_ms, struct tresp *r);
void tresp_free(struct tresp *r);
/* The value of header name (case-insensitive) of r, copied; false if absent. */
bool tresp_header(const struct tresp *r, const char *name, char *out, size_t outsz);
/* All "items" of a list, following next_cursor (limit=100); NULL on error. */
json_t *tget_all(struct tserver *s, const char *path, const char *token, long *status);

/* ---- JSON --------------------------------------------------------------- */

/* Member at a dotted path ("error.code", "items.0.id"); NULL when absent. */
json_t *tj(json_t *root, const char *path);
/* String at a dotted path, NULL when absent or not a string. */
const char *tjs(json_t *root, const char *path);
/* The first element of array arr whose member key equals string value. */
json_t *tfind(json_t *arr, const char *key, const char *value);
/* Compact JSON text of j for messages (static rotating buffers, truncated). */
const char *tdump(json_t *j);
/* Whether a string array contains s. */
bool tarray_has(json_t *arr, const char *s);

/* ---- login -------------------------------------------------------------- */

struct tsession {
    char token[256];
    char csrf[256];
    char cookie[512]; /* "name=value" from Set-Cookie */
    char user_id[128];
    char username[64];
};

/* POST /api/v1/auth/login with the given fields (totp NULL: left out). */
bool tlogin_raw(struct tserver *s, const char *user, const char *password, const char *totp,
                struct tresp *r);
/* Logs in with T_PASSWORD (or password) and a fresh TOTP when the user has
 * a secret; fails the check unless 200. */
bool tlogin(struct tserver *s, const char *user, const char *password, struct tsession *out);

/* ---- assertions --------------------------------------------------------- */

/* For texpect_error: any field (or none) is accepted. */
extern const char *const T_ANY_FIELD;
/*
 * Checks the exact error answer: status, application/json,
 * {"error":{"code","message","field"?, extra named members},"request_id"}
 * with the given code and field (NULL: no field), and no SQL, file path or
 * stack in the message.
 */
bool texpect_error(const char *file, int line, const struct tresp *r, long status, const char *code,
                   const char *field);
#define EXPECT_ERROR(r, status, code, field)                                                       \
    texpect_error(__FILE__, __LINE__, r, status, code, field)
/* Checks a status, printing the body when it differs. */
bool texpect_status(const char *file, int line, const struct tresp *r, long status);
#define EXPECT_STATUS(r, status) texpect_status(__FILE__, __LINE__, r, status)

/* ---- Server-Sent Events --------------------------------------------------- */

/*
 * A GET /api/v1/events stream read by libcurl in a background thread: every
 * byte received goes into a buffer; the stream ends after duration_ms, when
 * the server closes it, or at tsse_close(). Lock-protected; poll it with
 * tsse_wait().
 */
struct tsse;
/*
 * Opens the stream of token on s (last_event_id NULL: no Last-Event-ID
 * header) and waits (5 s) for the response headers. Returns the stream (never
 * NULL); tsse_status() tells what the server answered (0: nothing yet).
 */
struct tsse *tsse_open(struct tserver *s, const char *token, const char *last_event_id,
                       long duration_ms);
long tsse_status(struct tsse *e);
/* Waits up to timeout_ms until the received text contains needle (e.g.
 * "event: bulletin
" or a record id); true when it does. */
bool tsse_wait(struct tsse *e, const char *needle, long timeout_ms);
/* Whether the received text contains needle now. */
bool tsse_has(struct tsse *e, const char *needle);
/* A copy of the received text (owned). */
char *tsse_text(struct tsse *e);
/*
 * The events received so far, parsed: [{"id": "N", "event": "...", "data":
 * parsed JSON or the raw string}] (comments and retry: lines skipped; only
 * complete events, ended by a blank line). Owned.
 */
json_t *tsse_events(struct tsse *e);
/* Stops the transfer, joins the thread, frees everything. NULL is fine. */
void tsse_close(struct tsse *e);

#endif
