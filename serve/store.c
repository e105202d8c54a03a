/* store.c - see store.h. */
#include "serve/store.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/util.h"
#include "serve/ids.h"

/* The statements, prepared once. */
#define STC_STORE_SQL(X)                                                                                   \
    X(GET, "SELECT value FROM items WHERE store = ?1 AND key = ?2")                                        \
    X(PUT, "INSERT INTO items(store, key, value) VALUES (?1, ?2, ?3) "                                     \
           "ON CONFLICT(store, key) DO UPDATE SET value = excluded.value")                                 \
    X(DEL, "DELETE FROM items WHERE store = ?1 AND key = ?2")                                              \
    X(HAS, "SELECT 1 FROM items WHERE store = ?1 AND key = ?2")                                            \
    X(COUNT, "SELECT count(*) FROM items WHERE store = ?1")                                                \
    X(KEYS, "SELECT key FROM items WHERE store = ?1 ORDER BY key")                                         \
    X(SEND, "INSERT INTO messages(queue, id, body, sent_at) VALUES (?1, ?2, ?3, ?4)")                      \
    X(NEXT, "SELECT seq, id, body, receive_count, sent_at FROM messages "                                  \
            "WHERE queue = ?1 AND visible_at <= ?2 ORDER BY seq LIMIT ?3")                                 \
    X(HIDE, "UPDATE messages SET receive_count = receive_count + 1, visible_at = ?2 WHERE seq = ?1")       \
    X(DELMSG, "DELETE FROM messages WHERE seq = ?1")                                                       \
    X(VISIBLE, "SELECT count(*) FROM messages WHERE queue = ?1 AND visible_at <= ?2")                      \
    X(HIDDEN, "SELECT min(visible_at) FROM messages WHERE queue = ?1 AND visible_at > ?2")                 \
    X(BEGIN, "BEGIN IMMEDIATE")                                                                            \
    X(COMMIT, "COMMIT")                                                                                    \
    X(ROLLBACK, "ROLLBACK")

enum {
#define X(id, sql) STC_SQL_##id,
    STC_STORE_SQL(X)
#undef X
    STC_SQL__COUNT
};

static const char *const stc_store_sql[] = {
#define X(id, sql) sql,
    STC_STORE_SQL(X)
#undef X
};

static const char stc_store_schema[] =
    "CREATE TABLE IF NOT EXISTS items(store TEXT NOT NULL, key NOT NULL, value,"
    " PRIMARY KEY(store, key)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS messages(seq INTEGER PRIMARY KEY AUTOINCREMENT, queue TEXT NOT NULL,"
    " id TEXT NOT NULL, body TEXT NOT NULL, receive_count INTEGER NOT NULL DEFAULT 0,"
    " visible_at INTEGER NOT NULL DEFAULT 0, sent_at INTEGER NOT NULL);"
    "CREATE INDEX IF NOT EXISTS messages_queue ON messages(queue, visible_at, seq);";

struct stc_store {
    sqlite3 *db;
    char *path;
    sqlite3_stmt *st[STC_SQL__COUNT];
};

static int stc_store_fail(stc_store *s, const char *what, char **err)
{
    if (err)
        *err = stc_xasprintf("%s: %s (%s)", what, sqlite3_errmsg(s->db), s->path);
    return -1;
}

/* The statement `id`, reset and with its bindings cleared. */
static sqlite3_stmt *stc_store_stmt(stc_store *s, int id)
{
    sqlite3_stmt *st = s->st[id];
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return st;
}

static void stc_store_bind_key(sqlite3_stmt *st, int i, const stc_store_key *k)
{
    if (k->is_int)
        sqlite3_bind_int64(st, i, k->i);
    else
        sqlite3_bind_text(st, i, k->s, (int)k->len, SQLITE_STATIC);
}

stc_store *stc_store_open(const char *dir, char **err)
{
    char *path;
    if (dir) {
        if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
            *err = stc_xasprintf("cannot create the state folder '%s': %s", dir, strerror(errno));
            return NULL;
        }
        struct stat sb;
        if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
            *err = stc_xasprintf("the state folder '%s' is not a folder", dir);
            return NULL;
        }
        path = stc_xasprintf("%s/%s", dir, STC_STORE_FILE);
    } else {
        path = stc_xstrdup(":memory:");
    }
    stc_store *s = stc_xcalloc(1, sizeof *s);
    s->path = path;
    if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) !=
        SQLITE_OK) {
        *err = stc_xasprintf("cannot open '%s': %s", path, s->db ? sqlite3_errmsg(s->db) : "out of memory");
        stc_store_close(s);
        return NULL;
    }
    sqlite3_busy_timeout(s->db, 5000);
    char *msg = NULL;
    const char *pragmas = dir ? "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;" : "";
    if (sqlite3_exec(s->db, pragmas, NULL, NULL, &msg) != SQLITE_OK ||
        sqlite3_exec(s->db, stc_store_schema, NULL, NULL, &msg) != SQLITE_OK) {
        *err = stc_xasprintf("cannot prepare '%s': %s", path, msg ? msg : sqlite3_errmsg(s->db));
        sqlite3_free(msg);
        stc_store_close(s);
        return NULL;
    }
    for (int i = 0; i < STC_SQL__COUNT; i++)
        if (sqlite3_prepare_v3(s->db, stc_store_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &s->st[i], NULL) !=
            SQLITE_OK) {
            *err = stc_xasprintf("cannot prepare '%s': %s", path, sqlite3_errmsg(s->db));
            stc_store_close(s);
            return NULL;
        }
    return s;
}

void stc_store_close(stc_store *s)
{
    if (!s)
        return;
    for (int i = 0; i < STC_SQL__COUNT; i++)
        sqlite3_finalize(s->st[i]);
    sqlite3_close(s->db);
    free(s->path);
    free(s);
}

const char *stc_store_path(const stc_store *s)
{
    return s->path;
}

/* ---- items ------------------------------------------------------------ */

int stc_store_get(stc_store *s, const char *store, const stc_store_key *k, stc_store_value *out, char **err)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st = stc_store_stmt(s, STC_SQL_GET);
    sqlite3_bind_text(st, 1, store, -1, SQLITE_STATIC);
    stc_store_bind_key(st, 2, k);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE)
        return 1;
    if (rc != SQLITE_ROW)
        return stc_store_fail(s, "reading an item", err);
    out->is_blob = sqlite3_column_type(st, 0) == SQLITE_BLOB;
    const void *p = out->is_blob ? sqlite3_column_blob(st, 0) : (const void *)sqlite3_column_text(st, 0);
    size_t n = (size_t)sqlite3_column_bytes(st, 0);
    out->data = stc_xmalloc(n + 1);
    if (n)
        memcpy(out->data, p, n);
    out->data[n] = '\0';
    out->len = n;
    sqlite3_reset(st);
    return 0;
}

int stc_store_put(stc_store *s, const char *store, const stc_store_key *k, const void *data, size_t len,
                  bool is_blob, char **err)
{
    sqlite3_stmt *st = stc_store_stmt(s, STC_SQL_PUT);
    sqlite3_bind_text(st, 1, store, -1, SQLITE_STATIC);
    stc_store_bind_key(st, 2, k);
    if (is_blob)
        sqlite3_bind_blob64(st, 3, len ? data : "", len, SQLITE_STATIC);
    else
        sqlite3_bind_text64(st, 3, len ? data : "", len, SQLITE_STATIC, SQLITE_UTF8);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : stc_store_fail(s, "writing an item", err);
}

int stc_store_del(stc_store *s, const char *store, const stc_store_key *k, char **err)
{
    sqlite3_stmt *st = stc_store_stmt(s, STC_SQL_DEL);
    sqlite3_bind_text(st, 1, store, -1, SQLITE_STATIC);
    stc_store_bind_key(st, 2, k);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return stc_store_fail(s, "deleting an item", err);
    return sqlite3_changes(s->db) > 0 ? 0 : 1;
}

int stc_store_has(stc_store *s, const char *store, const stc_store_key *k, bool *has, char **err)
{
    sqlite3_stmt *st = stc_store_stmt(s, STC_SQL_HAS);
    sqlite3_bind_text(st, 1, store, -1, SQLITE_STATIC);
    stc_store_bind_key(st, 2, k);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return stc_store_fail(s, "looking an item up", err);
    *has = rc == SQLITE_ROW;
    return 0;
}

/* One integer from a statement that answers one row (count, min). */
static int stc_store_scalar(stc_store *s, sqlite3_stmt *st, int64_t *n, bool *null, const char *what, char **err)
{
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_reset(st);
        return stc_store_fail(s, what, err);
    }
    if (null)
        *null = sqlite3_column_type(st, 0) == SQLITE_NULL;
    *n = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return 0;
}

int stc_store_count(stc_store *s, const char *store, int64_t *n, char **err)
{
    sqlite3_stmt *st = stc_store_stmt(s, STC_SQL_COUNT);
    sqlite3_bind_text(st, 1, store, -1, SQLITE_STATIC);
    return stc_store_scalar(s, st, n, NULL, "counting items", err);
}

int stc_store_keys(stc_store *s, const char *store, int (*fn)(void *ctx, const stc_store_key *k), void *ctx,
                   char **err)
{
    /* Collected first: fn may call back into the store (the statement would
     * be reset under the loop). */
    stc_store_key *keys = NULL;
    size_t n = 0, cap = 0;
    sqlite3_stmt *st = stc_store_stmt(s, STC_SQL_KEYS);
    sqlite3_bind_text(st, 1, store, -1, SQLITE_STATIC);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            keys = stc_xrealloc(keys, cap * sizeof *keys);
        }
        stc_store_key *k = &keys[n++];
        memset(k, 0, sizeof *k);
        if (sqlite3_column_type(st, 0) == SQLITE_INTEGER) {
            k->is_int = true;
            k->i = sqlite3_column_int64(st, 0);
        } else {
            const char *t = (const char *)sqlite3_column_text(st, 0);
            k->len = (size_t)sqlite3_column_bytes(st, 0);
            k->s = stc_xstrndup(t ? t : "", k->len);
        }
    }
    sqlite3_reset(st);
    int out = 0;
    if (rc != SQLITE_DONE)
        out = stc_store_fail(s, "listing keys", err);
    for (size_t i = 0; i < n; i++) {
        if (out == 0 && fn(ctx, &keys[i]) != 0)
            out = 1;
        free((char *)keys[i].s);
    }
    free(keys);
    return out < 0 ? -1 : 0;
}

void stc_store_value_free(stc_store_value *v)
{
    if (!v)
        return;
    free(v->data);
    v->data = NULL;
    v->len = 0;
}

/* ---- messages ------------------------------------------------------------ */

int stc_store_send(stc_store *s, const char *queue, const char *body, size_t len, int64_t now_ms, char **id_out,
                   char **err)
{
    char id[37];
    stc_ids_uuid(id);
    sqlite3_stmt *st = stc_store_stmt(s, STC_SQL_SEND);
    sqlite3_bind_text(st, 1, queue, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
    sqlite3_bind_text64(st, 3, len ? body : "", len, SQLITE_STATIC, SQLITE_UTF8);
    sqlite3_bind_int64(st, 4, now_ms);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return stc_store_fail(s, "sending a message", err);
    if (id_out)
        *id_out = stc_xstrdup(id);
    return 0;
}

static void stc_store_read_msg(sqlite3_stmt *st, stc_store_msg *m)
{
    m->seq = sqlite3_column_int64(st, 0);
    m->id = stc_xstrdup((const char *)sqlite3_column_text(st, 1));
    const char *b = (const char *)sqlite3_column_text(st, 2);
    m->len = (size_t)sqlite3_column_bytes(st, 2);
    m->body = stc_xstrndup(b ? b : "", m->len);
    m->receive_count = sqlite3_column_int(st, 3);
    m->sent_ms = sqlite3_column_int64(st, 4);
}

/* Run one statement of the transaction helpers. */
static int stc_store_exec(stc_store *s, int id)
{
    sqlite3_stmt *st = stc_store_stmt(s, id);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

int stc_store_take(stc_store *s, const char *queue, int64_t now_ms, stc_store_msg *out, char **err)
{
    memset(out, 0, sizeof *out);
    if (stc_store_exec(s, STC_SQL_BEGIN) != 0)
        return stc_store_fail(s, "receiving a message", err);
    sqlite3_stmt *st = stc_store_stmt(s, STC_SQL_NEXT);
    sqlite3_bind_text(st, 1, queue, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, now_ms);
    sqlite3_bind_int(st, 3, 1);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        stc_store_read_msg(st, out);
    sqlite3_reset(st);
    if (rc == SQLITE_ROW) {
        out->receive_count++;
        sqlite3_stmt *d = stc_store_stmt(s, STC_SQL_DELMSG);
        sqlite3_bind_int64(d, 1, out->seq);
        rc = sqlite3_step(d) == SQLITE_DONE ? SQLITE_ROW : SQLITE_ERROR;
        sqlite3_reset(d);
    }
    if (rc == SQLITE_ERROR || stc_store_exec(s, STC_SQL_COMMIT) != 0) {
        int r = stc_store_fail(s, "receiving a message", err);
        stc_store_exec(s, STC_SQL_ROLLBACK);
        stc_store_msg_free(out);
        return r;
    }
    return rc == SQLITE_ROW ? 0 : 1;
}

int stc_store_receive(stc_store *s, const char *queue, int max, int64_t now_ms, int64_t visibility_ms,
                      stc_store_msg *out, char **err)
{
    if (stc_store_exec(s, STC_SQL_BEGIN) != 0)
        return stc_store_fail(s, "receiving messages", err);
    sqlite3_stmt *st = stc_store_stmt(s, STC_SQL_NEXT);
    sqlite3_bind_text(st, 1, queue, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, now_ms);
    sqlite3_bind_int(st, 3, max);
    int n = 0;
    while (n < max && sqlite3_step(st) == SQLITE_ROW)
        stc_store_read_msg(st, &out[n++]);
    sqlite3_reset(st);
    bool ok = true;
    for (int i = 0; i < n && ok; i++) {
        sqlite3_stmt *h = stc_store_stmt(s, STC_SQL_HIDE);
        sqlite3_bind_int64(h, 1, out[i].seq);
        sqlite3_bind_int64(h, 2, now_ms + visibility_ms);
        ok = sqlite3_step(h) == SQLITE_DONE;
        sqlite3_reset(h);
        out[i].receive_count++;
    }
    if (!ok || stc_store_exec(s, STC_SQL_COMMIT) != 0) {
        int r = stc_store_fail(s, "receiving messages", err);
        stc_store_exec(s, STC_SQL_ROLLBACK);
        for (int i = 0; i < n; i++)
            stc_store_msg_free(&out[i]);
        return r;
    }
    return n;
}

int stc_store_delete_msg(stc_store *s, int64_t seq, char **err)
{
    sqlite3_stmt *st = stc_store_stmt(s, STC_SQL_DELMSG);
    sqlite3_bind_int64(st, 1, seq);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : stc_store_fail(s, "deleting a message", err);
}

int stc_store_visible(stc_store *s, const char *queue, int64_t now_ms, int64_t *n, char **err)
{
    sqlite3_stmt *st = stc_store_stmt(s, STC_SQL_VISIBLE);
    sqlite3_bind_text(st, 1, queue, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, now_ms);
    return stc_store_scalar(s, st, n, NULL, "counting messages", err);
}

int stc_store_next_visible(stc_store *s, const char *queue, int64_t now_ms, int64_t *at, char **err)
{
    sqlite3_stmt *st = stc_store_stmt(s, STC_SQL_HIDDEN);
    sqlite3_bind_text(st, 1, queue, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, now_ms);
    bool null = false;
    if (stc_store_scalar(s, st, at, &null, "reading message visibility", err) != 0)
        return -1;
    if (null)
        *at = -1;
    return 0;
}

void stc_store_msg_free(stc_store_msg *m)
{
    if (!m)
        return;
    free(m->id);
    free(m->body);
    m->id = m->body = NULL;
}
