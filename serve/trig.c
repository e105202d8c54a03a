/* trig.c - see trig.h. */
#include "serve/trig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/util.h"
#include "serve/apigw.h"
#include "serve/ids.h"
#include "serve/sched.h"

typedef struct stc_tentry {
    stc_trigger_kind kind;
    char *target;
    bool workflow;
    char *source;          /* expression, bucket, queue or topic ARN */
    char *name;            /* schedules: the rule's logical name */
    cJSON *input;          /* schedules: the input, or NULL */
    char *prefix, *suffix;
    int batch;
    char **params;         /* the target's parameter names */
    size_t nparams;
    stc_sched sched;
    bool sched_ok;
    int64_t base_ms, next_ms;
    int64_t visibility_ms;
    /* queues */
    bool poll;             /* look for messages at once */
    int64_t poll_at;       /* epoch ms, -1: nothing planned */
} stc_tentry;

struct stc_trig {
    bool fast;
    stc_tentry *v;
    size_t n;
    stc_delivery *head, *tail; /* due now */
};

void stc_delivery_free(stc_delivery *d)
{
    if (!d)
        return;
    free(d->target);
    cJSON_Delete(d->payload);
    free(d->what);
    free(d->queue);
    free(d->seqs);
    for (size_t i = 0; i < d->nmsgs; i++)
        free(d->ids[i]);
    free(d->ids);
    free(d);
}

stc_trig *stc_trig_new(bool fast)
{
    stc_trig *t = stc_xcalloc(1, sizeof *t);
    t->fast = fast;
    return t;
}

static void stc_tentry_free(stc_tentry *e)
{
    free(e->target);
    free(e->source);
    free(e->name);
    cJSON_Delete(e->input);
    free(e->prefix);
    free(e->suffix);
    for (size_t i = 0; i < e->nparams; i++)
        free(e->params[i]);
    free(e->params);
}

void stc_trig_free(stc_trig *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n; i++)
        stc_tentry_free(&t->v[i]);
    free(t->v);
    while (t->head) {
        stc_delivery *d = t->head;
        t->head = d->next;
        stc_delivery_free(d);
    }
    free(t);
}

static bool stc_tentry_takes(const stc_tentry *e, const char *name)
{
    for (size_t i = 0; i < e->nparams; i++)
        if (strcmp(e->params[i], name) == 0)
            return true;
    return false;
}

void stc_trig_load(stc_trig *t, stc_gen *g, int64_t now_ms)
{
    const stc_triggers *trs = g->svc->config ? g->svc->config->triggers : NULL;
    size_t mode = g->svc->config->mode;
    stc_tentry *v = stc_xcalloc(trs ? trs->count + 1 : 1, sizeof *v);
    size_t n = 0;
    for (size_t i = 0; trs && i < trs->count; i++) {
        const stc_trigger *tr = &trs->items[i];
        if (!tr->unit || !tr->target || !stc_trigger_enabled(tr, mode))
            continue;
        stc_tentry *e = &v[n++];
        e->kind = tr->kind;
        e->target = stc_xstrdup(tr->target);
        e->workflow = tr->unit->unit == STC_UNIT_STATE_MACHINE;
        e->source = stc_xstrdup(tr->source);
        e->input = tr->input ? cJSON_Duplicate(tr->input, true) : NULL;
        e->prefix = tr->prefix ? stc_xstrdup(tr->prefix) : NULL;
        e->suffix = tr->suffix ? stc_xstrdup(tr->suffix) : NULL;
        e->batch = tr->batch_size > 0 ? tr->batch_size : 10;
        const stc_method *m = tr->unit->method;
        e->params = stc_xcalloc(m->nparams + 1, sizeof *e->params);
        for (size_t k = 0; k < m->nparams; k++)
            if (!m->params[k].vararg && !m->params[k].kwarg)
                e->params[e->nparams++] = stc_xstrdup(m->params[k].name);
        const stc_spec_unit *su = stc_spec_unit_find(g->spec, tr->target);
        e->name = stc_xasprintf("%sTrigger%zu", su ? su->camel : tr->target, tr->ordinal);
        if (e->kind == STC_TRIGGER_SCHEDULE) {
            char *err = NULL;
            e->sched_ok = stc_sched_parse(e->source, &e->sched, &err) == 0;
            free(err);
            e->base_ms = now_ms;
            for (size_t k = 0; k < t->n; k++) /* an unchanged schedule keeps its clock */
                if (t->v[k].kind == STC_TRIGGER_SCHEDULE && strcmp(t->v[k].name, e->name) == 0 &&
                    strcmp(t->v[k].source, e->source) == 0 && strcmp(t->v[k].target, e->target) == 0)
                    e->base_ms = t->v[k].base_ms;
            e->next_ms = e->sched_ok ? stc_sched_next(&e->sched, now_ms, e->base_ms) : -1;
        }
        if (e->kind == STC_TRIGGER_QUEUE) {
            int timeout = stc_gen_timeout(g, tr->target);
            int64_t vis = 6 * (int64_t)timeout * 1000;
            if (vis < 30000)
                vis = 30000;
            if (vis > 43200000)
                vis = 43200000;
            e->visibility_ms = t->fast ? 1000 : vis;
            e->poll = true;
            e->poll_at = -1;
        }
    }
    for (size_t i = 0; i < t->n; i++)
        stc_tentry_free(&t->v[i]);
    free(t->v);
    t->v = v;
    t->n = n;
}

static void stc_trig_push(stc_trig *t, stc_delivery *d)
{
    d->next = NULL;
    if (t->tail)
        t->tail->next = d;
    else
        t->head = d;
    t->tail = d;
}

static stc_delivery *stc_delivery_new(const stc_tentry *e, cJSON *payload, char *what)
{
    stc_delivery *d = stc_xcalloc(1, sizeof *d);
    d->kind = e->kind;
    d->target = stc_xstrdup(e->target);
    d->workflow = e->workflow;
    d->payload = payload;
    d->what = what;
    return d;
}

/* The EventBridge envelope: {"version", "id", "detail-type", "source",
 * "account", "time", "region", "resources", "detail"}. */
static cJSON *stc_trig_envelope(const char *detail_type, const char *source, const char *resource, int64_t now_ms)
{
    char id[37], when[32];
    stc_ids_uuid(id);
    stc_ids_iso8601(now_ms, when, sizeof when);
    cJSON *ev = cJSON_CreateObject();
    cJSON_AddStringToObject(ev, "version", "0");
    cJSON_AddStringToObject(ev, "id", id);
    cJSON_AddStringToObject(ev, "detail-type", detail_type);
    cJSON_AddStringToObject(ev, "source", source);
    cJSON_AddStringToObject(ev, "account", STC_APIGW_ACCOUNT);
    cJSON_AddStringToObject(ev, "time", when);
    cJSON_AddStringToObject(ev, "region", STC_APIGW_REGION);
    cJSON *res = cJSON_AddArrayToObject(ev, "resources");
    cJSON_AddItemToArray(res, cJSON_CreateString(resource));
    return ev;
}

/* What a schedule sends its target (docs/triggers.md: the rule's target). */
static cJSON *stc_trig_schedule_payload(const stc_tentry *e, int64_t now_ms)
{
    char when[32];
    stc_ids_iso8601(now_ms, when, sizeof when);
    bool time = stc_tentry_takes(e, "time") && !(e->input && cJSON_GetObjectItemCaseSensitive(e->input, "time"));
    if (!time && !e->input && !e->workflow) {
        char *rule = stc_xasprintf("arn:aws:events:" STC_APIGW_REGION ":" STC_APIGW_ACCOUNT ":rule/%s", e->name);
        cJSON *ev = stc_trig_envelope("Scheduled Event", "aws.events", rule, now_ms);
        free(rule);
        cJSON_AddObjectToObject(ev, "detail");
        return ev;
    }
    cJSON *in = e->input ? cJSON_Duplicate(e->input, true) : cJSON_CreateObject();
    if (time)
        cJSON_AddStringToObject(in, "time", when);
    return in;
}

static void stc_trig_schedule(stc_trig *t, stc_tentry *e, int64_t now_ms)
{
    char *what = stc_xasprintf("schedule %s", e->name);
    stc_trig_push(t, stc_delivery_new(e, stc_trig_schedule_payload(e, now_ms), what));
}

static bool stc_trig_filter(const stc_tentry *e, const char *key, size_t len)
{
    size_t pl = e->prefix ? strlen(e->prefix) : 0, sl = e->suffix ? strlen(e->suffix) : 0;
    if (pl && (len < pl || memcmp(key, e->prefix, pl) != 0))
        return false;
    if (sl && (len < sl || memcmp(key + len - sl, e->suffix, sl) != 0))
        return false;
    return !(pl && sl && len < pl + sl);
}

void stc_trig_object(stc_trig *t, const char *bucket, const char *key, bool created, int64_t size, const char *etag,
                     int64_t now_ms)
{
    stc_trigger_kind kind = created ? STC_TRIGGER_OBJECT_CREATED : STC_TRIGGER_OBJECT_REMOVED;
    size_t klen = strlen(key);
    for (size_t i = 0; i < t->n; i++) {
        stc_tentry *e = &t->v[i];
        if (e->kind != kind || strcmp(e->source, bucket) != 0 || !stc_trig_filter(e, key, klen))
            continue;
        char when[32], seq[24];
        stc_ids_iso8601(now_ms, when, sizeof when);
        snprintf(seq, sizeof seq, "%016llX", (unsigned long long)now_ms);
        cJSON *payload;
        if (e->workflow) { /* the fields its parameters name (an input transformer) */
            payload = e->input ? cJSON_Duplicate(e->input, true) : cJSON_CreateObject();
            if (stc_tentry_takes(e, "key"))
                cJSON_AddStringToObject(payload, "key", key);
            if (created && stc_tentry_takes(e, "size"))
                cJSON_AddNumberToObject(payload, "size", (double)size);
            if (created && stc_tentry_takes(e, "etag"))
                cJSON_AddStringToObject(payload, "etag", etag ? etag : "");
            if (stc_tentry_takes(e, "bucket"))
                cJSON_AddStringToObject(payload, "bucket", bucket);
            if (stc_tentry_takes(e, "time"))
                cJSON_AddStringToObject(payload, "time", when);
        } else { /* EventBridge's S3 event */
            char *arn = stc_xasprintf("arn:aws:s3:::%s", bucket);
            payload = stc_trig_envelope(created ? "Object Created" : "Object Deleted", "aws.s3", arn, now_ms);
            free(arn);
            cJSON *detail = cJSON_AddObjectToObject(payload, "detail");
            cJSON_AddStringToObject(detail, "version", "0");
            cJSON_AddStringToObject(cJSON_AddObjectToObject(detail, "bucket"), "name", bucket);
            cJSON *obj = cJSON_AddObjectToObject(detail, "object");
            cJSON_AddStringToObject(obj, "key", key);
            if (created) {
                cJSON_AddNumberToObject(obj, "size", (double)size);
                cJSON_AddStringToObject(obj, "etag", etag ? etag : "");
            }
            cJSON_AddStringToObject(obj, "sequencer", seq);
            char rid[17];
            stc_ids_short(rid);
            cJSON_AddStringToObject(detail, "request-id", rid);
            cJSON_AddStringToObject(detail, "requester", STC_APIGW_ACCOUNT);
            cJSON_AddStringToObject(detail, "source-ip-address", "127.0.0.1");
            cJSON_AddStringToObject(detail, "reason", created ? "PutObject" : "DeleteObject");
            if (!created)
                cJSON_AddStringToObject(detail, "deletion-type", "Permanently Deleted");
        }
        char *what = stc_xasprintf("%s %s/%s", stc_trigger_kind_json(kind), bucket, key);
        stc_trig_push(t, stc_delivery_new(e, payload, what));
    }
}

void stc_trig_message(stc_trig *t, const char *queue)
{
    for (size_t i = 0; i < t->n; i++)
        if (t->v[i].kind == STC_TRIGGER_QUEUE && strcmp(t->v[i].source, queue) == 0)
            t->v[i].poll = true;
}

/* A batch of the queue's visible messages, as an SQS event. */
static stc_delivery *stc_trig_queue_batch(stc_tentry *e, stc_store *store, int64_t now_ms)
{
    char *qname = stc_xasprintf("queue:%s", e->source);
    stc_store_msg msgs[10];
    char *err = NULL;
    int n = stc_store_receive(store, qname, e->batch > 10 ? 10 : e->batch, now_ms, e->visibility_ms, msgs, &err);
    if (n <= 0) {
        free(err);
        int64_t at = -1;
        if (stc_store_next_visible(store, qname, now_ms, &at, &err) != 0)
            free(err);
        e->poll = false;
        e->poll_at = at;
        free(qname);
        return NULL;
    }
    free(qname);
    cJSON *ev = cJSON_CreateObject();
    cJSON *recs = cJSON_AddArrayToObject(ev, "Records");
    stc_delivery *d = NULL;
    char *arn = stc_xasprintf("arn:aws:sqs:" STC_APIGW_REGION ":" STC_APIGW_ACCOUNT ":%s", e->source);
    int64_t *seqs = stc_xcalloc((size_t)n, sizeof *seqs);
    char **ids = stc_xcalloc((size_t)n, sizeof *ids);
    for (int i = 0; i < n; i++) {
        cJSON *r = cJSON_CreateObject();
        char rh[37], num[24], md5[33];
        stc_ids_uuid(rh);
        cJSON_AddStringToObject(r, "messageId", msgs[i].id);
        cJSON_AddStringToObject(r, "receiptHandle", rh);
        cJSON_AddStringToObject(r, "body", msgs[i].body);
        cJSON *a = cJSON_AddObjectToObject(r, "attributes");
        snprintf(num, sizeof num, "%d", msgs[i].receive_count);
        cJSON_AddStringToObject(a, "ApproximateReceiveCount", num);
        snprintf(num, sizeof num, "%lld", (long long)msgs[i].sent_ms);
        cJSON_AddStringToObject(a, "SentTimestamp", num);
        cJSON_AddStringToObject(a, "SenderId", STC_APIGW_ACCOUNT);
        snprintf(num, sizeof num, "%lld", (long long)now_ms);
        cJSON_AddStringToObject(a, "ApproximateFirstReceiveTimestamp", num);
        cJSON_AddObjectToObject(r, "messageAttributes");
        stc_ids_md5(msgs[i].body, msgs[i].len, md5);
        cJSON_AddStringToObject(r, "md5OfBody", md5);
        cJSON_AddStringToObject(r, "eventSource", "aws:sqs");
        cJSON_AddStringToObject(r, "eventSourceARN", arn);
        cJSON_AddStringToObject(r, "awsRegion", STC_APIGW_REGION);
        cJSON_AddItemToArray(recs, r);
        seqs[i] = msgs[i].seq;
        ids[i] = msgs[i].id;
        msgs[i].id = NULL;
        stc_store_msg_free(&msgs[i]);
    }
    free(arn);
    d = stc_delivery_new(e, ev, stc_xasprintf("queue %s (%d message%s)", e->source, n, n == 1 ? "" : "s"));
    d->queue = stc_xstrdup(e->source);
    d->seqs = seqs;
    d->ids = ids;
    d->nmsgs = (size_t)n;
    return d;
}

stc_delivery *stc_trig_take(stc_trig *t, stc_store *store, int64_t now_ms)
{
    if (t->head) {
        stc_delivery *d = t->head;
        t->head = d->next;
        if (!t->head)
            t->tail = NULL;
        d->next = NULL;
        return d;
    }
    for (size_t i = 0; i < t->n; i++) {
        stc_tentry *e = &t->v[i];
        if (e->kind == STC_TRIGGER_SCHEDULE && e->next_ms >= 0 && e->next_ms <= now_ms) {
            e->next_ms = stc_sched_next(&e->sched, now_ms, e->base_ms);
            stc_trig_schedule(t, e, now_ms);
            return stc_trig_take(t, store, now_ms);
        }
    }
    for (size_t i = 0; i < t->n; i++) {
        stc_tentry *e = &t->v[i];
        if (e->kind != STC_TRIGGER_QUEUE || !(e->poll || (e->poll_at >= 0 && e->poll_at <= now_ms)))
            continue;
        stc_delivery *d = stc_trig_queue_batch(e, store, now_ms);
        if (d)
            return d;
    }
    return NULL;
}

int64_t stc_trig_due(stc_trig *t, stc_store *store, int64_t now_ms)
{
    (void)store;
    if (t->head)
        return 0;
    int64_t due = -1;
    for (size_t i = 0; i < t->n; i++) {
        const stc_tentry *e = &t->v[i];
        int64_t at = -1;
        if (e->kind == STC_TRIGGER_SCHEDULE)
            at = e->next_ms;
        else if (e->kind == STC_TRIGGER_QUEUE)
            at = e->poll ? now_ms : e->poll_at;
        if (at < 0)
            continue;
        if (at <= now_ms)
            return 0;
        if (due < 0 || at < due)
            due = at;
    }
    return due;
}

size_t stc_trig_settle(stc_trig *t, stc_store *store, const stc_delivery *d, const cJSON *result, int64_t now_ms)
{
    (void)now_ms;
    size_t failed = 0;
    const cJSON *fails = result ? cJSON_GetObjectItemCaseSensitive(result, "batchItemFailures") : NULL;
    for (size_t i = 0; i < d->nmsgs; i++) {
        bool ok = result != NULL;
        for (const cJSON *f = cJSON_IsArray(fails) ? fails->child : NULL; ok && f; f = f->next) {
            const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(f, "itemIdentifier"));
            if (id && strcmp(id, d->ids[i]) == 0)
                ok = false;
        }
        char *err = NULL;
        if (ok) {
            if (stc_store_delete_msg(store, d->seqs[i], &err) != 0)
                free(err);
        } else {
            failed++;
        }
    }
    stc_trig_message(t, d->queue); /* look again: more may wait, or failures come back later */
    return failed;
}

size_t stc_trig_fire(stc_trig *t, const char *name, int64_t now_ms)
{
    size_t n = 0;
    for (size_t i = 0; i < t->n; i++) {
        stc_tentry *e = &t->v[i];
        if (e->kind != STC_TRIGGER_SCHEDULE || (name && strcmp(e->name, name) != 0))
            continue;
        stc_trig_schedule(t, e, now_ms);
        n++;
    }
    return n;
}

int stc_trig_publish(stc_trig *t, const cJSON *req, int64_t now_ms, char **err)
{
    const char *topic = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(req, "topic"));
    const cJSON *msg = cJSON_GetObjectItemCaseSensitive(req, "message");
    const cJSON *subject = cJSON_GetObjectItemCaseSensitive(req, "subject");
    if (!cJSON_IsObject(req) || !topic || !msg || (subject && !cJSON_IsString(subject) && !cJSON_IsNull(subject))) {
        *err = stc_xstrdup("publish takes {\"topic\": ARN, \"message\": ..., \"subject\": optional text}");
        return -1;
    }
    char *text = cJSON_IsString(msg) ? stc_xstrdup(msg->valuestring) : cJSON_PrintUnformatted(msg);
    char id[37];
    int n = stc_trig_publish_text(t, topic, text, cJSON_IsString(subject) ? subject->valuestring : NULL, now_ms, id);
    free(text);
    return n;
}

int stc_trig_publish_text(stc_trig *t, const char *topic, const char *text, const char *subject, int64_t now_ms,
                          char id[37])
{
    stc_ids_uuid(id);
    int n = 0;
    for (size_t i = 0; i < t->n; i++) {
        stc_tentry *e = &t->v[i];
        if (e->kind != STC_TRIGGER_TOPIC || strcmp(e->source, topic) != 0)
            continue;
        char sub[37], when[40];
        stc_ids_uuid(sub);
        stc_ids_iso8601_ms(now_ms, when, sizeof when);
        cJSON *ev = cJSON_CreateObject();
        cJSON *r = cJSON_CreateObject();
        cJSON_AddItemToArray(cJSON_AddArrayToObject(ev, "Records"), r);
        cJSON_AddStringToObject(r, "EventSource", "aws:sns");
        cJSON_AddStringToObject(r, "EventVersion", "1.0");
        char *subarn = stc_xasprintf("%s:%s", topic, sub);
        cJSON_AddStringToObject(r, "EventSubscriptionArn", subarn);
        free(subarn);
        cJSON *sns = cJSON_AddObjectToObject(r, "Sns");
        cJSON_AddStringToObject(sns, "Type", "Notification");
        cJSON_AddStringToObject(sns, "MessageId", id);
        cJSON_AddStringToObject(sns, "TopicArn", topic);
        if (subject)
            cJSON_AddStringToObject(sns, "Subject", subject);
        else
            cJSON_AddNullToObject(sns, "Subject");
        cJSON_AddStringToObject(sns, "Message", text);
        cJSON_AddStringToObject(sns, "Timestamp", when);
        cJSON_AddStringToObject(sns, "SignatureVersion", "1");
        cJSON_AddObjectToObject(sns, "MessageAttributes");
        stc_trig_push(t, stc_delivery_new(e, ev, stc_xasprintf("topic %s", topic)));
        n++;
    }
    return n;
}

cJSON *stc_trig_schedules_json(const stc_trig *t)
{
    cJSON *o = cJSON_CreateObject();
    cJSON *a = cJSON_AddArrayToObject(o, "schedules");
    for (size_t i = 0; i < t->n; i++) {
        const stc_tentry *e = &t->v[i];
        if (e->kind != STC_TRIGGER_SCHEDULE)
            continue;
        cJSON *s = cJSON_CreateObject();
        cJSON_AddStringToObject(s, "name", e->name);
        cJSON_AddStringToObject(s, "expression", e->source);
        cJSON_AddStringToObject(s, "target", e->target);
        if (e->next_ms >= 0) {
            char when[32];
            stc_ids_iso8601(e->next_ms, when, sizeof when);
            cJSON_AddStringToObject(s, "next", when);
        } else {
            cJSON_AddNullToObject(s, "next");
        }
        cJSON_AddItemToArray(a, s);
    }
    return o;
}
