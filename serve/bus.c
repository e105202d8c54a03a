/* bus.c - see bus.h. */
#include "serve/bus.h"

#include <libwebsockets.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/util.h"

stc_msg *stc_msg_new(stc_msg_kind kind)
{
    stc_msg *m = stc_xcalloc(1, sizeof *m);
    m->kind = kind;
    return m;
}

void stc_msg_free(stc_msg *m)
{
    if (!m)
        return;
    stc_http_request_free(&m->rq);
    stc_http_response_free(&m->rs);
    free(m->text);
    free(m);
}

void stc_bus_init(stc_bus *b)
{
    memset(b, 0, sizeof *b);
    pthread_mutex_init(&b->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&b->cv, &ca);
    pthread_condattr_destroy(&ca);
}

static void stc_msg_list_free(stc_msg *m)
{
    while (m) {
        stc_msg *next = m->next;
        stc_msg_free(m);
        m = next;
    }
}

void stc_bus_destroy(stc_bus *b)
{
    stc_msg_list_free(b->in_head);
    stc_msg_list_free(b->out_head);
    for (size_t i = 0; i < b->nconns; i++)
        stc_conn_release(&b->conns[i]);
    free(b->conns);
    free(b->ws_auth.auth);
    free(b->ws_auth.issuer);
    free(b->ws_auth.audience);
    pthread_cond_destroy(&b->cv);
    pthread_mutex_destroy(&b->mu);
}

void stc_bus_to_worker(stc_bus *b, stc_msg *m)
{
    m->next = NULL;
    pthread_mutex_lock(&b->mu);
    if (b->in_tail)
        b->in_tail->next = m;
    else
        b->in_head = m;
    b->in_tail = m;
    b->in_count++;
    pthread_cond_signal(&b->cv);
    pthread_mutex_unlock(&b->mu);
}

stc_msg *stc_bus_worker_take(stc_bus *b, double until_mono_ms)
{
    pthread_mutex_lock(&b->mu);
    if (!b->in_head && until_mono_ms != 0) {
        if (until_mono_ms < 0) {
            pthread_cond_wait(&b->cv, &b->mu);
        } else {
            struct timespec ts;
            ts.tv_sec = (time_t)(until_mono_ms / 1000);
            ts.tv_nsec = (long)((until_mono_ms - (double)ts.tv_sec * 1000) * 1e6);
            if (ts.tv_nsec < 0)
                ts.tv_nsec = 0;
            if (ts.tv_nsec > 999999999)
                ts.tv_nsec = 999999999;
            pthread_cond_timedwait(&b->cv, &b->mu, &ts);
        }
    }
    stc_msg *m = b->in_head;
    if (m) {
        b->in_head = m->next;
        if (!b->in_head)
            b->in_tail = NULL;
        b->in_count--;
        m->next = NULL;
    }
    pthread_mutex_unlock(&b->mu);
    return m;
}

void stc_bus_to_front(stc_bus *b, stc_msg *m)
{
    m->next = NULL;
    pthread_mutex_lock(&b->mu);
    if (b->out_tail)
        b->out_tail->next = m;
    else
        b->out_head = m;
    b->out_tail = m;
    struct lws_context *ctx = b->lws;
    pthread_mutex_unlock(&b->mu);
    if (ctx)
        lws_cancel_service(ctx);
}

stc_msg *stc_bus_front_take_all(stc_bus *b)
{
    pthread_mutex_lock(&b->mu);
    stc_msg *m = b->out_head;
    b->out_head = b->out_tail = NULL;
    pthread_mutex_unlock(&b->mu);
    return m;
}

/* ---- connections ------------------------------------------------------------ */

static stc_conn *stc_bus_conn_find(stc_bus *b, const char *id)
{
    for (size_t i = 0; i < b->nconns; i++)
        if (strcmp(b->conns[i].id, id) == 0)
            return &b->conns[i];
    return NULL;
}

void stc_conn_release(stc_conn *c)
{
    free(c->user_agent);
    free(c->context);
    c->user_agent = c->context = NULL;
}

void stc_bus_set_ws_auth(stc_bus *b, const char *auth, const char *issuer, const char *audience)
{
    pthread_mutex_lock(&b->mu);
    free(b->ws_auth.auth);
    free(b->ws_auth.issuer);
    free(b->ws_auth.audience);
    b->ws_auth.auth = auth ? stc_xstrdup(auth) : NULL;
    b->ws_auth.issuer = issuer ? stc_xstrdup(issuer) : NULL;
    b->ws_auth.audience = audience ? stc_xstrdup(audience) : NULL;
    pthread_mutex_unlock(&b->mu);
}

stc_ws_auth stc_bus_ws_auth(stc_bus *b)
{
    pthread_mutex_lock(&b->mu);
    stc_ws_auth a = {b->ws_auth.auth ? stc_xstrdup(b->ws_auth.auth) : NULL,
                     b->ws_auth.issuer ? stc_xstrdup(b->ws_auth.issuer) : NULL,
                     b->ws_auth.audience ? stc_xstrdup(b->ws_auth.audience) : NULL};
    pthread_mutex_unlock(&b->mu);
    return a;
}

void stc_ws_auth_free(stc_ws_auth *a)
{
    free(a->auth);
    free(a->issuer);
    free(a->audience);
}

void stc_bus_conn_add(stc_bus *b, const char *id, uint64_t serial, const char *source_ip, const char *user_agent,
                      const char *context, int64_t now_ms)
{
    pthread_mutex_lock(&b->mu);
    if (b->nconns == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 16;
        b->conns = stc_xrealloc(b->conns, b->cap * sizeof *b->conns);
    }
    stc_conn *c = &b->conns[b->nconns++];
    memset(c, 0, sizeof *c);
    snprintf(c->id, sizeof c->id, "%s", id);
    snprintf(c->source_ip, sizeof c->source_ip, "%s", source_ip ? source_ip : "");
    c->serial = serial;
    c->state = STC_CONN_CONNECTING;
    c->user_agent = user_agent ? stc_xstrdup(user_agent) : NULL;
    c->context = context ? stc_xstrdup(context) : NULL;
    c->connected_at = c->last_active = now_ms;
    pthread_mutex_unlock(&b->mu);
}

uint64_t stc_bus_conn_set(stc_bus *b, const char *id, int state)
{
    pthread_mutex_lock(&b->mu);
    stc_conn *c = stc_bus_conn_find(b, id);
    uint64_t serial = 0;
    if (c) {
        if (c->state != STC_CONN_CLOSED)
            c->state = state;
        serial = c->serial;
    }
    pthread_mutex_unlock(&b->mu);
    return serial;
}

bool stc_bus_conn_accept(stc_bus *b, const char *id)
{
    pthread_mutex_lock(&b->mu);
    stc_conn *c = stc_bus_conn_find(b, id);
    bool ok = c && c->state != STC_CONN_CLOSED;
    if (ok) {
        c->state = STC_CONN_OPEN;
        c->accepted = true;
    }
    pthread_mutex_unlock(&b->mu);
    return ok;
}

void stc_bus_conn_remove(stc_bus *b, const char *id)
{
    pthread_mutex_lock(&b->mu);
    stc_conn *c = stc_bus_conn_find(b, id);
    if (c) {
        stc_conn_release(c);
        *c = b->conns[--b->nconns];
    }
    pthread_mutex_unlock(&b->mu);
}

bool stc_bus_conn_get(stc_bus *b, const char *id, stc_conn *out)
{
    pthread_mutex_lock(&b->mu);
    stc_conn *c = stc_bus_conn_find(b, id);
    if (c) {
        *out = *c;
        out->user_agent = c->user_agent ? stc_xstrdup(c->user_agent) : NULL;
        out->context = c->context ? stc_xstrdup(c->context) : NULL;
    }
    pthread_mutex_unlock(&b->mu);
    return c != NULL;
}

void stc_bus_conn_touch(stc_bus *b, const char *id, int64_t now_ms)
{
    pthread_mutex_lock(&b->mu);
    stc_conn *c = stc_bus_conn_find(b, id);
    if (c)
        c->last_active = now_ms;
    pthread_mutex_unlock(&b->mu);
}

void stc_bus_log(stc_bus *b, const char *line)
{
    (void)b;
    flockfile(stdout);
    fputs(line, stdout);
    fputc('\n', stdout);
    fflush(stdout);
    funlockfile(stdout);
}
