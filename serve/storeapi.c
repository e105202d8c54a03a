/* storeapi.c - see storeapi.h. */
#include "serve/storeapi.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "serve/ids.h"

/* One store of the service. */
typedef struct stc_sa_store {
    const char *kind; /* "table", "bucket", "queue" */
    const char *name;
    bool int_keys;
} stc_sa_store;

/* Every store of generation g, in __init__ order, then the bindings'. */
static size_t stc_sa_stores(const stc_gen *g, stc_sa_store **out)
{
    const stc_resources *res = g->svc->resources;
    size_t n = 0, cap = (res ? res->nresources : 0) + g->nstores + 1;
    stc_sa_store *v = stc_xcalloc(cap, sizeof *v);
    for (size_t i = 0; res && i < res->nresources; i++) {
        const stc_resource *r = &res->resources[i];
        if (r->binding != STC_BIND_NONE || r->kind == STC_RES_STORE || r->kind == STC_RES_TOPIC)
            continue;
        v[n].kind = stc_resource_kind_json(r->kind);
        v[n].name = r->attr;
        v[n].int_keys = r->key_type && strcmp(r->key_type, "int") == 0;
        n++;
    }
    for (size_t i = 0; i < g->nstores; i++) {
        v[n].kind = g->stores[i].kind;
        v[n].name = g->stores[i].name;
        n++;
    }
    *out = v;
    return n;
}

static void stc_sa_fail(stc_http_response *rs, int status, char *message)
{
    stc_apigw_error(rs, status, message);
    free(message);
}

typedef struct stc_sa_keys {
    cJSON *keys;
} stc_sa_keys;

static int stc_sa_key_cb(void *ctx, const stc_store_key *k)
{
    stc_sa_keys *c = ctx;
    if (k->is_int) {
        cJSON_AddItemToArray(c->keys, cJSON_CreateNumber((double)k->i));
    } else {
        char *s = stc_xstrndup(k->s, k->len);
        cJSON_AddItemToArray(c->keys, cJSON_CreateString(s));
        free(s);
    }
    return 0;
}

/* The count of a store: items, or a queue's visible messages. */
static int64_t stc_sa_count(stc_store *store, const char *db, bool queue, int64_t now_ms, char **err)
{
    int64_t n = 0;
    int rc = queue ? stc_store_visible(store, db, now_ms, &n, err) : stc_store_count(store, db, &n, err);
    return rc == 0 ? n : -1;
}

static void stc_sa_list(stc_store *store, const stc_sa_store *v, size_t n, int64_t now_ms, stc_http_response *rs)
{
    cJSON *o = cJSON_CreateObject();
    cJSON *a = cJSON_AddArrayToObject(o, "stores");
    for (size_t i = 0; i < n; i++) {
        char *db = stc_xasprintf("%s:%s", v[i].kind, v[i].name);
        char *err = NULL;
        int64_t count = stc_sa_count(store, db, strcmp(v[i].kind, "queue") == 0, now_ms, &err);
        free(db);
        if (count < 0) {
            cJSON_Delete(o);
            stc_sa_fail(rs, 500, err);
            return;
        }
        cJSON *s = cJSON_CreateObject();
        cJSON_AddStringToObject(s, "name", v[i].name);
        cJSON_AddStringToObject(s, "kind", v[i].kind);
        cJSON_AddNumberToObject(s, strcmp(v[i].kind, "queue") == 0 ? "messages" : "items", (double)count);
        cJSON_AddItemToArray(a, s);
    }
    stc_apigw_json_value(rs, 200, o);
}

/* NAME alone: the keys, or the queue's count; POST to a queue sends. */
static void stc_sa_store_root(stc_store *store, stc_trig *trig, const stc_sa_store *s, const char *db,
                              const stc_http_request *rq, int64_t now_ms, stc_http_response *rs)
{
    bool queue = strcmp(s->kind, "queue") == 0;
    char *err = NULL;
    if (queue && strcmp(rq->method, "POST") == 0) {
        char *id = NULL;
        if (stc_store_send(store, db, rq->body ? rq->body : "", rq->body_len, now_ms, &id, &err) != 0) {
            stc_sa_fail(rs, 500, err);
            return;
        }
        stc_trig_message(trig, s->name);
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "MessageId", id);
        free(id);
        stc_apigw_json_value(rs, 200, o);
        return;
    }
    if (strcmp(rq->method, "GET") != 0) {
        stc_apigw_error(rs, 405, "Method Not Allowed");
        return;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "name", s->name);
    cJSON_AddStringToObject(o, "kind", s->kind);
    if (queue) {
        int64_t n = stc_sa_count(store, db, true, now_ms, &err);
        cJSON_AddNumberToObject(o, "messages", (double)n);
    } else {
        stc_sa_keys c = {cJSON_AddArrayToObject(o, "keys")};
        if (stc_store_keys(store, db, stc_sa_key_cb, &c, &err) != 0) {
            cJSON_Delete(o);
            stc_sa_fail(rs, 500, err);
            return;
        }
    }
    if (err) {
        cJSON_Delete(o);
        stc_sa_fail(rs, 500, err);
        return;
    }
    stc_apigw_json_value(rs, 200, o);
}

/* NAME/KEY: one item. */
static void stc_sa_item(stc_store *store, stc_trig *trig, const stc_sa_store *s, const char *db, const char *key,
                        const stc_http_request *rq, int64_t now_ms, stc_http_response *rs)
{
    bool bucket = strcmp(s->kind, "bucket") == 0;
    if (strcmp(s->kind, "queue") == 0) {
        stc_apigw_error(rs, 405, "Method Not Allowed");
        return;
    }
    stc_store_key k = {.s = key, .len = strlen(key)};
    if (s->int_keys) {
        char *end = NULL;
        errno = 0;
        long long v = strtoll(key, &end, 10);
        if (!*key || *end || errno) {
            stc_sa_fail(rs, 400, stc_xasprintf("the keys of %s are integers, not '%s'", s->name, key));
            return;
        }
        k = (stc_store_key){.is_int = true, .i = v};
    }
    char *err = NULL;
    int rc;
    if (strcmp(rq->method, "GET") == 0) {
        stc_store_value v;
        rc = stc_store_get(store, db, &k, &v, &err);
        if (rc == 0) {
            memset(rs, 0, sizeof *rs);
            rs->status = 200;
            stc_http_pair_add(&rs->headers, &rs->nheaders, "content-type",
                              v.is_blob ? "application/octet-stream" : "application/json");
            rs->body = v.data;
            rs->body_len = v.len;
            return;
        }
    } else if (strcmp(rq->method, "PUT") == 0) {
        const char *body = rq->body ? rq->body : "";
        if (!bucket) {
            cJSON *j = cJSON_ParseWithLength(body, rq->body_len);
            bool ok = j != NULL;
            cJSON_Delete(j);
            if (!ok) {
                stc_apigw_error(rs, 400, "a table's value is JSON");
                return;
            }
        }
        rc = stc_store_put(store, db, &k, body, rq->body_len, bucket, &err);
        if (rc == 0 && bucket) {
            char etag[33];
            stc_ids_md5(body, rq->body_len, etag);
            stc_trig_object(trig, s->name, key, true, (int64_t)rq->body_len, etag, now_ms);
        }
    } else if (strcmp(rq->method, "DELETE") == 0) {
        rc = stc_store_del(store, db, &k, &err);
        if (rc == 0 && bucket)
            stc_trig_object(trig, s->name, key, false, 0, NULL, now_ms);
    } else {
        stc_apigw_error(rs, 405, "Method Not Allowed");
        return;
    }
    if (rc < 0) {
        stc_sa_fail(rs, 500, err);
    } else if (rc == 1) {
        stc_sa_fail(rs, 404, stc_xasprintf("%s has no key '%s'", s->name, key));
    } else {
        memset(rs, 0, sizeof *rs);
        rs->status = 204;
    }
}

void stc_storeapi_handle(stc_store *store, stc_trig *trig, const stc_gen *g, const stc_http_request *rq,
                         const char *rest, int64_t now_ms, stc_http_response *rs)
{
    stc_sa_store *v;
    size_t n = stc_sa_stores(g, &v);
    while (*rest == '/')
        rest++;
    if (!*rest) {
        if (strcmp(rq->method, "GET") == 0)
            stc_sa_list(store, v, n, now_ms, rs);
        else
            stc_apigw_error(rs, 405, "Method Not Allowed");
        free(v);
        return;
    }
    const char *slash = strchr(rest, '/');
    char *name = slash ? stc_xstrndup(rest, (size_t)(slash - rest)) : stc_xstrdup(rest);
    const stc_sa_store *s = NULL;
    for (size_t i = 0; i < n && !s; i++)
        if (strcmp(v[i].name, name) == 0)
            s = &v[i];
    if (!s) {
        stc_sa_fail(rs, 404, stc_xasprintf("the service has no store '%s'", name));
    } else {
        char *db = stc_xasprintf("%s:%s", s->kind, s->name);
        if (!slash || !slash[1])
            stc_sa_store_root(store, trig, s, db, rq, now_ms, rs);
        else
            stc_sa_item(store, trig, s, db, slash + 1, rq, now_ms, rs);
        free(db);
    }
    free(name);
    free(v);
}
