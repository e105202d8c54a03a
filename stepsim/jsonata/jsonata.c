/* jsonata.c - the JSONata engine's public API (jsonata.h): compiled
 * expressions, evaluators that keep their memory from one evaluation to the
 * next, bindings, host functions, and errors copied out for the caller. */
#include "stepsim/jsonata/jsonata.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "stepsim/jsonata/ast.h"
#include "stepsim/jsonata/context.h"
#include "stepsim/jsonata/errors.h"
#include "stepsim/jsonata/eval.h"

struct stc_jsonata {
    jn_ctx arena; /* the tree, its strings, literals, signatures and regexes */
    char *text;
    size_t len;
    const jn_node *ast;
};

struct stc_jsonata_value {
    jn_ctx arena;
    jn_val *v;
};

/* Mark every array of v frozen: the evaluator changes no array so marked. */
static void freeze(jn_val *v)
{
    if (!v)
        return;
    if (v->type == JN_ARR) {
        v->flags |= JN_FROZEN;
        for (size_t i = 0; i < v->u.a.len; i++)
            freeze(v->u.a.items[i]);
    } else if (v->type == JN_OBJ) {
        for (size_t i = 0; i < v->u.o.len; i++)
            freeze(v->u.o.ents[i].val);
    }
}

stc_jsonata_value *stc_jsonata_value_new(const cJSON *json)
{
    stc_jsonata_value *v = stc_xcalloc(1, sizeof *v);
    jn_ctx_init(&v->arena);
    v->v = jn_from_cjson(&v->arena, json);
    freeze(v->v);
    return v;
}

void stc_jsonata_value_free(stc_jsonata_value *v)
{
    if (!v)
        return;
    jn_ctx_dispose(&v->arena);
    free(v);
}

jn_val *jn_value_of(const stc_jsonata_value *v) { return v ? v->v : NULL; }

struct stc_jsonata_evaluator {
    jn_ctx cx;   /* one evaluation's values, emptied before the next */
    jn_ctx perm; /* host functions, kept while the host passes the same list */
    const stc_jsonata_function *fns;
    size_t nfns;
    jn_hostfn *host;
    size_t nhost;
    uint64_t rng; /* the generator's state when no seed is given */
};

void stc_jsonata_error_clear(stc_jsonata_error *e)
{
    if (!e)
        return;
    free(e->token);
    free(e->message);
    memset(e, 0, sizeof *e);
    e->position = -1;
}

static char *dup_or_null(const char *s) { return s ? stc_xstrdup(s) : NULL; }

static void set_error(stc_jsonata_error *err, const char *code, int position, const char *token,
                      const char *message)
{
    if (!err)
        return;
    stc_jsonata_error_clear(err);
    snprintf(err->code, sizeof err->code, "%s", code);
    err->position = position;
    err->token = dup_or_null(token);
    err->message = dup_or_null(message ? message : "");
}

stc_jsonata *stc_jsonata_compile(const char *text, size_t len, stc_jsonata_error *err)
{
    stc_jsonata *e = stc_xcalloc(1, sizeof *e);
    jn_ctx_init(&e->arena);
    e->text = stc_xmalloc(len + 1);
    memcpy(e->text, text, len);
    e->text[len] = '\0';
    e->len = len;
    jn_syntax_error se;
    e->ast = jn_parse(&e->arena, e->text, len, &se);
    if (!e->ast) {
        stc_buf msg = STC_BUF_INIT;
        jn_syntax_error_message(&se, &msg);
        set_error(err, se.code, se.position, se.token, stc_buf_cstr(&msg));
        stc_buf_free(&msg);
        stc_jsonata_free(e);
        return NULL;
    }
    return e;
}

void stc_jsonata_free(stc_jsonata *e)
{
    if (!e)
        return;
    jn_ctx_dispose(&e->arena);
    free(e->text);
    free(e);
}

const char *stc_jsonata_text(const stc_jsonata *e) { return e->text; }

stc_jsonata_evaluator *stc_jsonata_evaluator_new(void)
{
    stc_jsonata_evaluator *ev = stc_xcalloc(1, sizeof *ev);
    jn_ctx_init(&ev->cx);
    jn_ctx_init(&ev->perm);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ev->rng = (uint64_t)ts.tv_sec * 1000000007u ^ (uint64_t)ts.tv_nsec ^ (uint64_t)(uintptr_t)ev;
    return ev;
}

void stc_jsonata_evaluator_free(stc_jsonata_evaluator *ev)
{
    if (!ev)
        return;
    jn_ctx_dispose(&ev->cx);
    jn_ctx_dispose(&ev->perm);
    free(ev);
}

void stc_jsonata_options_init(stc_jsonata_options *o)
{
    memset(o, 0, sizeof *o);
    o->now_ms = -1;
}

/* The host's functions as values, parsed once for as long as the host
 * passes the same list. */
static int host_functions(stc_jsonata_evaluator *ev, const stc_jsonata_options *o, stc_jsonata_error *err)
{
    const stc_jsonata_function *fns = o ? o->functions : NULL;
    size_t n = o ? o->nfunctions : 0;
    if (fns == ev->fns && n == ev->nfns)
        return 0;
    jn_ctx_reset(&ev->perm);
    ev->fns = NULL;
    ev->nfns = 0;
    ev->nhost = 0;
    ev->host = n ? jn_alloc(&ev->perm, n * sizeof *ev->host) : NULL;
    for (size_t i = 0; i < n; i++) {
        const char *code = NULL;
        int offset = 0;
        jn_val *v = jn_hostfn_new(&ev->perm, &fns[i], &code, &offset);
        if (!v) {
            char msg[160];
            snprintf(msg, sizeof msg, "host function $%s: invalid signature %s", fns[i].name,
                     fns[i].signature);
            set_error(err, code ? code : "S0401", offset, fns[i].name, msg);
            jn_ctx_reset(&ev->perm);
            ev->host = NULL;
            return -1;
        }
        jn_hostfn *h = &ev->host[ev->nhost++];
        h->name = v->u.f->name;
        h->len = strlen(h->name);
        h->hash = jn_name_hash(h->name, h->len);
        h->fn = v;
    }
    ev->fns = fns;
    ev->nfns = n;
    return 0;
}

static int64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Evaluate into ev->cx; 0 with *result, or -1 with err set. */
static int run(stc_jsonata_evaluator *ev, const stc_jsonata *e, const cJSON *input,
               const stc_jsonata_options *o, jn_val **result, stc_jsonata_error *err)
{
    jn_ctx *cx = &ev->cx;
    jn_ctx_reset(cx);
    if (host_functions(ev, o, err) != 0)
        return -1;
    cx->now_ms = o && o->now_ms >= 0 ? o->now_ms : wall_ms();
    if (o && o->seed) {
        cx->rng = o->seed;
    } else {
        cx->rng = ev->rng;
        ev->rng = ev->rng * 6364136223846793005ull + 1442695040888963407ull;
    }
    jn_val *in = input ? jn_from_cjson(cx, input) : NULL;
    if (jn_eval_run(cx, e->ast, in, o, ev->host, ev->nhost, result) != 0) {
        set_error(err, cx->err_code, cx->err_position, cx->err_token, cx->err_message);
        return -1;
    }
    return 0;
}

/* A result nested deeper than JN_JSON_MAX_NESTING levels (or than the C
 * stack lets it be written out: a tail-recursive lambda that wraps an object
 * a million times): U1001, where the reference's JSON.stringify fails with a
 * RangeError. */
static int too_deep(stc_jsonata_error *err)
{
    set_error(err, "U1001", -1, NULL, JN_MSG_STACK);
    return -1;
}

int stc_jsonata_eval(stc_jsonata_evaluator *ev, const stc_jsonata *e, const cJSON *input,
                     const stc_jsonata_options *o, cJSON **out, stc_jsonata_error *err)
{
    jn_val *r;
    *out = NULL;
    if (run(ev, e, input, o, &r, err) != 0)
        return -1;
    bool deep;
    *out = jn_to_cjson_checked(r, &deep);
    return deep ? too_deep(err) : 0;
}

int stc_jsonata_eval_kind(stc_jsonata_evaluator *ev, const stc_jsonata *e, const cJSON *input,
                          const stc_jsonata_options *o, cJSON **out, stc_jsonata_kind *kind,
                          stc_jsonata_error *err)
{
    jn_val *r;
    *out = NULL;
    if (run(ev, e, input, o, &r, err) != 0)
        return -1;
    *kind = !r ? STC_JSONATA_UNDEFINED : r->type == JN_FUNC ? STC_JSONATA_FUNCTION : STC_JSONATA_JSON;
    bool deep = false;
    if (*kind == STC_JSONATA_JSON)
        *out = jn_to_cjson_checked(r, &deep);
    return deep ? too_deep(err) : 0;
}

int stc_jsonata_eval_text(stc_jsonata_evaluator *ev, const stc_jsonata *e, const cJSON *input,
                          const stc_jsonata_options *o, int indent, stc_buf *out, bool *undefined,
                          stc_jsonata_error *err)
{
    jn_val *r;
    if (run(ev, e, input, o, &r, err) != 0)
        return -1;
    *undefined = r == NULL;
    size_t at = out->len;
    if (!jn_json_write_checked(out, r, indent, false)) {
        out->len = at; /* nothing of the unfinished text */
        if (out->data)
            out->data[at] = '\0';
        return too_deep(err);
    }
    return 0;
}
