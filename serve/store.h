/* store.h - the tables, buckets and queues of a service run by
 * `stc-tui serve`, in SQLite (Debian's libsqlite3).
 *
 * One code path for both lifetimes: without --state the database is
 * SQLite's ":memory:", with --state DIR it is DIR/state.sqlite3 (WAL
 * journal), so the two behave the same by construction: a missing key is
 * a miss in both, keys come back in the same order, and sizes (counts and
 * value lengths, large values included) are the same.
 *
 * A store is named by the service (`people`, `photos`, `jobs`): the
 * resource attribute of __init__. Two kinds of contents:
 *
 *   items    key -> value, for tables and buckets. A key is text (UTF-8,
 *            any bytes but compared as bytes, which for UTF-8 is code point
 *            order, as Python sorts str) or a 64-bit integer; keys come back
 *            in SQLite's order: integers numerically, then text. A value is
 *            text (a table's JSON) or a blob (a bucket's object), and comes
 *            back as it was put.
 *   messages a FIFO per queue, with SQS's visibility: a message received
 *            by a trigger is hidden until its visibility deadline, then
 *            visible again with its receive count kept; deleting removes it.
 *
 * Every call is one SQLite statement in autocommit mode, prepared once.
 * The store is used from one thread at a time (serve's worker).
 *
 * Ownership: a stc_store owns its connection and statements; values and
 * messages handed out are allocated for the caller (stc_store_value_free,
 * stc_store_msg_free); keys and values passed in are borrowed.
 */
#ifndef STC_SERVE_STORE_H
#define STC_SERVE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct stc_store stc_store;

/* The file name under the --state folder. */
#define STC_STORE_FILE "state.sqlite3"

typedef struct stc_store_key {
    bool is_int;
    int64_t i;     /* is_int */
    const char *s; /* !is_int: len bytes */
    size_t len;
} stc_store_key;

typedef struct stc_store_value {
    bool is_blob;  /* bytes (a bucket object) rather than text */
    char *data;    /* NUL-terminated for convenience; len bytes */
    size_t len;
} stc_store_value;

typedef struct stc_store_msg {
    int64_t seq;          /* the store's handle of the message */
    char *id;             /* the message id (a UUID, as SQS gives) */
    char *body;           /* the message text */
    size_t len;
    int receive_count;    /* 1 the first time it is received */
    int64_t sent_ms;      /* when it was sent, epoch ms */
} stc_store_msg;

/* Open the state: `dir` NULL keeps it in memory; otherwise DIR (created
 * when missing) holds STC_STORE_FILE. Returns NULL with *err (allocated)
 * when the folder or the database cannot be opened. */
stc_store *stc_store_open(const char *dir, char **err);
void stc_store_close(stc_store *s);
/* The database file, or ":memory:". */
const char *stc_store_path(const stc_store *s);

/* Items. Each returns 0 on success; -1 on a database error (*err
 * allocated). get and del return 1 when the key is not there. */
int stc_store_get(stc_store *s, const char *store, const stc_store_key *k, stc_store_value *out, char **err);
int stc_store_put(stc_store *s, const char *store, const stc_store_key *k, const void *data, size_t len,
                  bool is_blob, char **err);
int stc_store_del(stc_store *s, const char *store, const stc_store_key *k, char **err);
int stc_store_has(stc_store *s, const char *store, const stc_store_key *k, bool *has, char **err);
int stc_store_count(stc_store *s, const char *store, int64_t *n, char **err);
/* Every key of a store, in order: calls fn for each (the key is valid
 * during the call only); stops early when fn returns non-zero. */
int stc_store_keys(stc_store *s, const char *store, int (*fn)(void *ctx, const stc_store_key *k), void *ctx,
                   char **err);
void stc_store_value_free(stc_store_value *v);

/* Messages. `now_ms` is the caller's clock (epoch ms), so that tests can
 * drive visibility. */
int stc_store_send(stc_store *s, const char *queue, const char *body, size_t len, int64_t now_ms, char **id_out,
                   char **err);
/* The oldest visible message, deleted (a plain q.get()); 1 when there is none. */
int stc_store_take(stc_store *s, const char *queue, int64_t now_ms, stc_store_msg *out, char **err);
/* Up to `max` visible messages, oldest first, hidden until now_ms +
 * visibility_ms and their receive counts raised; returns how many (or -1). */
int stc_store_receive(stc_store *s, const char *queue, int max, int64_t now_ms, int64_t visibility_ms,
                      stc_store_msg *out, char **err);
int stc_store_delete_msg(stc_store *s, int64_t seq, char **err);
/* Visible messages of a queue (what SQS's ApproximateNumberOfMessages says). */
int stc_store_visible(stc_store *s, const char *queue, int64_t now_ms, int64_t *n, char **err);
/* The earliest time a hidden message of `queue` becomes visible again, or
 * -1 when none is hidden. */
int stc_store_next_visible(stc_store *s, const char *queue, int64_t now_ms, int64_t *at, char **err);
void stc_store_msg_free(stc_store_msg *m);

#endif
