/* eval.c - the JSONata evaluator, a port of the reference's jsonata.js
 * function by function: paths over sequences with the singleton rules, tuple
 * streams for `@`, `#` and `%`, predicates, grouping, order-by, every
 * operator, blocks and frames, lambdas, closures, partial application,
 * function chaining, tail calls through thunks and a trampoline, transforms,
 * regular expressions, $eval, $clone, $now, $millis; the static frame binding
 * every built-in table of value.h; jn_apply and jn_func_arity for the
 * function library.
 *
 * Errors leave through catch records (context.h) pushed where the reference
 * has its try/catch blocks; the timebox hooks of the official test harness
 * (depth of nested evaluate() calls, elapsed time) stop a runaway expression
 * with U1001, and the C stack is checked on every evaluation step. */
#include "stepsim/jsonata/eval.h"

#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "stepsim/jsonata/context.h"
#include "stepsim/jsonata/errors.h"
#include "stepsim/jsonata/signature.h"

/* ---- frames ---- */

typedef struct ev_bind {
    const char *name;
    uint32_t len, hash;
    jn_val *val; /* NULL: bound to undefined (it still hides outer bindings) */
} ev_bind;

typedef struct ev_frame {
    struct ev_frame *parent;
    ev_bind *b;
    int n, cap;
    bool parallel; /* the reference's isParallelCall */
    ev_bind inl[3];
} ev_frame;

/* A lambda, a partial application (of a lambda or of a native) or a thunk. */
typedef struct ev_lambda {
    jn_val *input;
    ev_frame *env;
    jn_node **params; /* variable nodes */
    int nparams;
    const jn_node *body; /* NULL: a native partial */
    jn_val *native;      /* native partial: the function it applies */
    jn_node **nparams_all; /* native partial: its parameters */
    int n_native;
    const jn_sig *sig;
    bool thunk;
} ev_lambda;

typedef struct ev_transform {
    const jn_node *expr;
    ev_frame *env;
} ev_transform;

/* The position and token the reference writes on a function object when it
 * is called (proc.position, proc.token), per evaluation. */
typedef struct ev_site {
    int pos;
    const char *tok;
} ev_site;

typedef struct ev_sitemap {
    const jn_func **keys;
    ev_site **vals;
    size_t n, cap;
} ev_sitemap;

typedef struct ev {
    jn_ctx *cx;
    ev_frame *root;
    const stc_jsonata_options *o;
    const jn_hostfn *host;
    size_t nhost;
    ev_frame *native_env; /* the environment of the native being called */
    jn_val *input;        /* the evaluation's input (wrapped when an array) */
    /* the timebox */
    bool timebox;
    int depth, max_depth;
    long timelimit;
    int64_t start_ms;
    unsigned ticks;
    uintptr_t floor;
    ev_sitemap sites;
    ev_bind *misses; /* names the host does not resolve */
    int nmisses, capmisses;
} ev;

static ev *EV(jn_ctx *cx) { return cx->eval; }

static ev_frame *frame_new(ev *e, ev_frame *parent)
{
    ev_frame *f = jn_alloc(e->cx, sizeof *f);
    f->parent = parent;
    f->b = f->inl;
    f->cap = 3;
    f->parallel = parent ? parent->parallel : false;
    return f;
}

static void frame_bind(ev *e, ev_frame *f, const char *name, size_t len, uint32_t hash, jn_val *v)
{
    for (int i = 0; i < f->n; i++) {
        ev_bind *b = &f->b[i];
        if (b->hash == hash && b->len == len && !memcmp(b->name, name, len)) {
            b->val = v;
            return;
        }
    }
    if (f->n == f->cap) {
        int cap = f->cap * 2;
        ev_bind *nb = jn_alloc(e->cx, (size_t)cap * sizeof *nb);
        memcpy(nb, f->b, (size_t)f->n * sizeof *nb);
        f->b = nb;
        f->cap = cap;
    }
    f->b[f->n++] = (ev_bind){name, (uint32_t)len, hash, v};
}

static void frame_bind_node(ev *e, ev_frame *f, const jn_node *var, jn_val *v)
{
    frame_bind(e, f, var->str, var->slen, var->hash, v);
}

static bool root_lookup(ev *e, const char *name, size_t len, uint32_t hash, jn_val **out);

/* environment.lookup(name): true when some frame binds it (*out may be NULL). */
static jn_val *lookup(ev *e, ev_frame *f, const char *name, size_t len, uint32_t hash)
{
    for (; f; f = f->parent) {
        for (int i = 0; i < f->n; i++) {
            const ev_bind *b = &f->b[i];
            if (b->hash == hash && b->len == len && !memcmp(b->name, name, len))
                return b->val;
        }
        if (!f->parent) {
            jn_val *v = NULL;
            root_lookup(e, name, len, hash, &v);
            return v;
        }
    }
    return NULL;
}

static jn_val *lookup_cstr(ev *e, ev_frame *f, const char *name)
{
    size_t n = strlen(name);
    return lookup(e, f, name, n, jn_name_hash(name, n));
}

/* ---- the static frame: every built-in, parsed once ---- */

typedef struct sf_ent {
    const char *name;
    size_t len;
    uint32_t hash;
    jn_val *val;
    int partial_params; /* parameters of a partial application of it */
    int partial_undef; /* partially applied, undefined in one of its first N arguments: undefined */
    bool partial_unchecked; /* partially applied: called without its signature */
    bool partial_scalar_undef; /* partially applied to a first argument neither object nor array: undefined */
} sf_ent;

static struct {
    jn_ctx arena;
    sf_ent *ents;
    int n;
    int *index; /* open addressing: entry + 1 */
    int icap;
    jn_node *chain; /* function($f, $g) { function($x){ $g($f($x)) } } */
    jn_native_fn from_millis;
    const jn_sig *transform_sig; /* <(oa):o> */
} sf;
static pthread_once_t sf_once = PTHREAD_ONCE_INIT;

static void sf_add(const jn_builtin *b)
{
    jn_ctx *cx = &sf.arena;
    const char *code;
    int offset;
    const char *value;
    jn_func *f = jn_alloc(cx, sizeof *f);
    f->kind = JN_FN_NATIVE;
    f->name = b->name;
    f->native = b->fn;
    f->sig = b->signature ? jn_sig_parse(cx, b->signature, strlen(b->signature), &code, &offset, &value)
                          : NULL;
    int np = f->sig ? jn_sig_params(f->sig) : 0;
    /* getFunctionArity is the JavaScript implementation's length: the
     * signature's parameters, except where the implementation declares
     * fewer (string's prettify has a default; zip takes `arguments`) */
    f->arity = !strcmp(b->name, "string") ? 1 : !strcmp(b->name, "zip") ? 0 : np;
    jn_val *v = jn_alloc(cx, sizeof *v);
    v->type = JN_FUNC;
    v->u.f = f;
    sf_ent *ent = &sf.ents[sf.n++];
    ent->name = b->name;
    ent->len = strlen(b->name);
    ent->hash = jn_name_hash(b->name, ent->len);
    ent->val = v;
    /* a partial application names the implementation's parameters, at least one */
    ent->partial_params = np > 0 ? np : 1;
    /* The reference calls a partially applied native without its signature
     * (applyNativeFunction). These natives begin with `if (typeof first ===
     * 'undefined') return undefined`, before they look at another argument
     * ($contains at either of its two): partially applied, they answer
     * undefined whatever the others are. */
    static const char *const undef_first[] = {
        "substring", "substringBefore", "substringAfter", "pad", "contains", "split", "join", "match",
        "replace", "round", "power", "lookup", "formatBase", "formatNumber", NULL};
    for (int i = 0; undef_first[i]; i++)
        if (!strcmp(b->name, undef_first[i]))
            ent->partial_undef = !strcmp(b->name, "contains") ? 2 : 1;
    /* $zip takes any values in both (a non-array is an empty list): the
     * reference's call leaves a single argument as it is, not wrapped */
    ent->partial_unchecked = !strcmp(b->name, "zip");
    /* $lookup reads a key only of an object (an array: of its items) */
    ent->partial_scalar_undef = !strcmp(b->name, "lookup");
    if (!strcmp(b->name, "fromMillis"))
        sf.from_millis = b->fn;
}

extern const jn_builtin jn_builtins_eval[];

static void sf_init(void)
{
    jn_ctx_init(&sf.arena);
    const jn_builtin *tables[] = {jn_builtins_funcs, jn_builtins_string, jn_builtins_numfmt,
                                  jn_builtins_datetime, jn_builtins_eval};
    int total = 0;
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++)
        for (const jn_builtin *b = tables[t]; b->name; b++)
            total++;
    sf.ents = jn_alloc(&sf.arena, (size_t)(total + 1) * sizeof *sf.ents);
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++)
        for (const jn_builtin *b = tables[t]; b->name; b++)
            sf_add(b);
    sf.icap = 16;
    while (sf.icap < sf.n * 3)
        sf.icap *= 2;
    sf.index = jn_alloc(&sf.arena, (size_t)sf.icap * sizeof *sf.index);
    for (int i = 0; i < sf.n; i++) {
        int s = (int)(sf.ents[i].hash & (uint32_t)(sf.icap - 1));
        while (sf.index[s])
            s = (s + 1) & (sf.icap - 1);
        sf.index[s] = i + 1;
    }
    const char *code, *value;
    int offset;
    sf.transform_sig = jn_sig_parse(&sf.arena, "<(oa):o>", 8, &code, &offset, &value);
    static const char chain[] = "function($f, $g) { function($x){ $g($f($x)) } }";
    jn_syntax_error err;
    sf.chain = jn_parse(&sf.arena, chain, sizeof chain - 1, &err);
}

static const sf_ent *sf_find(const char *name, size_t len, uint32_t hash)
{
    for (int s = (int)(hash & (uint32_t)(sf.icap - 1)); sf.index[s]; s = (s + 1) & (sf.icap - 1)) {
        const sf_ent *ent = &sf.ents[sf.index[s] - 1];
        if (ent->hash == hash && ent->len == len && !memcmp(ent->name, name, len))
            return ent;
    }
    return NULL;
}

static bool hidden(const ev *e, const char *name, size_t len)
{
    if (!e->o || !e->o->hidden)
        return false;
    for (const char *const *h = e->o->hidden; *h; h++)
        if (strlen(*h) == len && !memcmp(*h, name, len))
            return true;
    return false;
}

/* The names the evaluator looks up live as long as the evaluation at least
 * (the tree's, the arena's): the root frame keeps them without a copy. */
static bool root_lookup(ev *e, const char *name, size_t len, uint32_t hash, jn_val **out)
{
    /* names resolved before are bound in the root frame already */
    for (int i = 0; i < e->nmisses; i++)
        if (e->misses[i].hash == hash && e->misses[i].len == len && !memcmp(e->misses[i].name, name, len))
            goto builtins;
    if (e->o && e->o->bindings && len < 256) {
        char key[256];
        memcpy(key, name, len);
        key[len] = '\0';
        const cJSON *j = cJSON_GetObjectItemCaseSensitive(e->o->bindings, key);
        if (j) {
            jn_val *v = jn_from_cjson(e->cx, j);
            frame_bind(e, e->root, name, len, hash, v);
            *out = v;
            return true;
        }
    }
    for (size_t i = 0; i < e->nhost; i++)
        if (e->host[i].hash == hash && e->host[i].len == len && !memcmp(e->host[i].name, name, len)) {
            *out = e->host[i].fn;
            return true;
        }
    if (e->o && e->o->lookup_value) {
        const stc_jsonata_value *hv = e->o->lookup_value(e->o->lookup_ud, name, len);
        if (hv) {
            jn_val *v = jn_value_of(hv);
            frame_bind(e, e->root, name, len, hash, v);
            *out = v;
            return true;
        }
    }
    if (e->o && e->o->lookup) {
        const cJSON *j = e->o->lookup(e->o->lookup_ud, name, len);
        if (j) {
            jn_val *v = jn_from_cjson(e->cx, j);
            frame_bind(e, e->root, name, len, hash, v);
            *out = v;
            return true;
        }
    }
    if (e->nmisses == e->capmisses) {
        int cap = e->capmisses ? e->capmisses * 2 : 8;
        ev_bind *nm = jn_alloc(e->cx, (size_t)cap * sizeof *nm);
        if (e->nmisses)
            memcpy(nm, e->misses, (size_t)e->nmisses * sizeof *nm);
        e->misses = nm;
        e->capmisses = cap;
    }
    e->misses[e->nmisses++] = (ev_bind){name, (uint32_t)len, hash, NULL};
builtins:;
    const sf_ent *ent = sf_find(name, len, hash);
    if (ent && !hidden(e, name, len)) {
        *out = ent->val;
        return true;
    }
    *out = NULL;
    return false;
}

/* ---- sites ---- */

static ev_site *site_of(ev *e, const jn_func *f)
{
    ev_sitemap *m = &e->sites;
    if (m->cap) {
        size_t mask = m->cap - 1;
        for (size_t s = ((uintptr_t)f >> 4) & mask; m->keys[s]; s = (s + 1) & mask)
            if (m->keys[s] == f)
                return m->vals[s];
    }
    if ((m->n + 1) * 2 > m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 16;
        const jn_func **keys = jn_alloc(e->cx, cap * sizeof *keys);
        ev_site **vals = jn_alloc(e->cx, cap * sizeof *vals);
        for (size_t i = 0; i < m->cap; i++)
            if (m->keys[i]) {
                size_t s = ((uintptr_t)m->keys[i] >> 4) & (cap - 1);
                while (keys[s])
                    s = (s + 1) & (cap - 1);
                keys[s] = m->keys[i];
                vals[s] = m->vals[i];
            }
        m->keys = keys;
        m->vals = vals;
        m->cap = cap;
    }
    size_t mask = m->cap - 1, s = ((uintptr_t)f >> 4) & mask;
    while (m->keys[s])
        s = (s + 1) & mask;
    ev_site *site = jn_alloc(e->cx, sizeof *site);
    site->pos = -1;
    m->keys[s] = f;
    m->vals[s] = site;
    m->n++;
    return site;
}

/* ---- catch records ---- */

#define CATCH_PUSH(e, rec) ((rec)->up = (e)->cx->catches, (e)->cx->catches = (rec))
#define CATCH_POP(e, rec) ((e)->cx->catches = (rec)->up)

static _Noreturn void throw_at(ev *e, const char *code, int position, const char *token, jn_val *value)
{
    jn_errinfo f = {.position = position, .token = token, .value = value};
    jn_throw_x(e->cx, code, &f);
}

static _Noreturn void throw_msg(ev *e, const char *code, const char *message)
{
    jn_errinfo f = {.position = -1, .message = message};
    jn_throw_x(e->cx, code, &f);
}

/* ---- the timebox and the stack ---- */

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void check_runaway(ev *e)
{
    if (e->max_depth > 0 && e->depth > e->max_depth)
        throw_msg(e, "U1001", JN_MSG_STACK);
    /* the clock every 32 steps (a clock read costs more than a step) */
    if (e->timelimit > 0 && (++e->ticks & 31) == 0 && now_ms() - e->start_ms > e->timelimit)
        throw_msg(e, "U1001", JN_MSG_TIMEOUT);
}

/* The harness's hooks count depth and check both limits only where
 * isParallelCall is false; that flag stays set on an environment after a
 * constructor of several items, so a loop under it would never be stopped
 * by time: the clock is read there too (the depth, as the harness keeps it). */
static inline void enter(ev *e, ev_frame *env)
{
    if ((uintptr_t)__builtin_frame_address(0) < e->floor)
        throw_msg(e, "U1001", JN_MSG_STACK);
    if (e->timebox) {
        if (!env->parallel)
            e->depth++;
        check_runaway(e);
    }
}

static inline void leave(ev *e, ev_frame *env)
{
    if (e->timebox) {
        if (!env->parallel)
            e->depth--;
        check_runaway(e);
    }
}

/* The first of several items evaluated "in parallel" (an array constructor's,
 * a grouping's values): in the reference, the harness's entry hook counts it
 * while isParallelCall is still false, then the other items' callbacks set
 * the flag on the shared environment before the first item goes on, so
 * nothing else in the constructor counts, the first item's exit included.
 * The evaluator runs the items in order: count the entry here and raise the
 * flag before the item's evaluation, which then counts nothing. */
static void parallel_first(ev *e, ev_frame *env)
{
    if (!e->timebox)
        return;
    e->depth++;
    check_runaway(e);
    env->parallel = true;
}

/* ---- values ---- */

static jn_val *seq_new(ev *e, size_t cap) { return jn_seq(e->cx, cap); }

/* Materialize a range eval_range left as (first, length), in place: the
 * numbers in one block, then the items. Anything but an unmaterialized
 * range is left as it is. */
static void range_force(ev *e, jn_val *v)
{
    if (!v || v->type != JN_ARR || !(v->flags & JN_RANGE))
        return;
    size_t n = v->u.a.len;
    double a = v->u.a.items[0]->u.n;
    unsigned char *nums = jn_alloc(e->cx, n * JN_NUM_SIZE);
    jn_val **items = jn_alloc(e->cx, n * sizeof *items);
    for (size_t i = 0; i < n; i++) {
        jn_val *num = (jn_val *)(void *)(nums + i * JN_NUM_SIZE);
        num->type = JN_NUM;
        num->u.n = a + (double)i;
        items[i] = num;
    }
    v->u.a.items = items;
    v->u.a.cap = n;
    v->flags &= (uint8_t)~JN_RANGE;
}

static jn_val *seq_of(ev *e, jn_val *v)
{
    jn_val *s = jn_seq(e->cx, 1);
    if (v)
        jn_arr_push(e->cx, s, v);
    return s;
}

static bool is_function(const jn_val *v) { return v && v->type == JN_FUNC; }

/* JavaScript's truthiness of a value. */
static bool truthy(const jn_val *v)
{
    if (!v)
        return false;
    switch ((jn_type)v->type) {
    case JN_NULL: return false;
    case JN_BOOL: return v->u.b;
    case JN_NUM: return v->u.n != 0 && !isnan(v->u.n);
    case JN_STR: return v->u.s.len > 0;
    default: return true;
    }
}

static bool is_lambda(const jn_val *v)
{
    return is_function(v) && (v->u.f->kind == JN_FN_LAMBDA || v->u.f->kind == JN_FN_PARTIAL);
}

static bool is_thunk(const jn_val *v)
{
    return is_lambda(v) && ((const ev_lambda *)v->u.f->impl)->thunk;
}

/* utils.isNumeric: a number that is not NaN; an infinite one throws D1001. */
static bool is_numeric(ev *e, const jn_val *v)
{
    if (!v || v->type != JN_NUM || isnan(v->u.n))
        return false;
    if (isinf(v->u.n))
        throw_at(e, "D1001", -1, NULL, (jn_val *)v);
    return true;
}

static bool is_array_of_numbers(ev *e, const jn_val *v)
{
    if (!jn_is_arr(v))
        return false;
    for (size_t i = 0; i < v->u.a.len; i++)
        if (!is_numeric(e, v->u.a.items[i]))
            return false;
    return true;
}

/* fn.boolean; *defined is false for undefined. */
/* The reference's boolean(): every item of an array is looked at, as its
 * filter does, so that an infinite number anywhere fails with D1001. */
bool jn_boolean(jn_ctx *cx, const jn_val *v)
{
    if (!v)
        return false;
    switch ((jn_type)v->type) {
    case JN_ARR:
        if (jn_stack_low())
            jn_throw_stack(cx);
        if (v->u.a.len == 1)
            return jn_boolean(cx, v->u.a.items[0]);
        if (v->u.a.len > 1) {
            bool any = false;
            for (size_t i = 0; i < v->u.a.len; i++)
                if (jn_boolean(cx, v->u.a.items[i]))
                    any = true;
            return any;
        }
        return false;
    case JN_STR:
        return v->u.s.len > 0;
    case JN_NUM:
        if (isinf(v->u.n))
            jn_throw(cx, "D1001", (jn_val *)v);
        return !isnan(v->u.n) && v->u.n != 0;
    case JN_OBJ:
        return v->u.o.len > 0;
    case JN_BOOL:
        return v->u.b;
    case JN_NULL:
    case JN_FUNC:
        return false;
    }
    return false;
}

static bool to_boolean(ev *e, const jn_val *v) { return jn_boolean(e->cx, v); }

/* fn.append: a plain array of both (arrays spread one level). */
static jn_val *append(ev *e, jn_val *a, jn_val *b)
{
    if (!a)
        return b;
    if (!b)
        return a;
    size_t na = jn_is_arr(a) ? a->u.a.len : 1, nb = jn_is_arr(b) ? b->u.a.len : 1;
    jn_val *r = jn_arr(e->cx, na + nb);
    if (jn_is_arr(a))
        for (size_t i = 0; i < a->u.a.len; i++)
            jn_arr_push(e->cx, r, a->u.a.items[i]);
    else
        jn_arr_push(e->cx, r, a);
    if (jn_is_arr(b))
        for (size_t i = 0; i < b->u.a.len; i++)
            jn_arr_push(e->cx, r, b->u.a.items[i]);
    else
        jn_arr_push(e->cx, r, b);
    return r;
}

/* Append b to an array `into` this code owns (append's result, built in place). */
static void append_into(ev *e, jn_val *into, jn_val *b)
{
    if (jn_is_arr(b) && (b->flags & JN_RANGE) && into->u.a.len == 0) {
        /* an array of the range's numbers: still a range */
        into->flags |= JN_RANGE;
        into->u.a.items = b->u.a.items;
        into->u.a.len = b->u.a.len;
        into->u.a.cap = 0;
        return;
    }
    range_force(e, into);
    range_force(e, b);
    if (jn_is_arr(b) && into->u.a.len == 0) {
        /* share b's items: with no room left (cap = len), the next append
         * copies them, so neither array sees the other change */
        into->u.a.items = b->u.a.items;
        into->u.a.len = into->u.a.cap = b->u.a.len;
        return;
    }
    if (jn_is_arr(b)) {
        size_t need = into->u.a.len + b->u.a.len;
        if (need > into->u.a.cap) { /* one copy, not a doubling chain */
            size_t cap = into->u.a.cap * 2 > need ? into->u.a.cap * 2 : need;
            jn_val **items = jn_alloc(e->cx, cap * sizeof *items);
            if (into->u.a.len)
                memcpy(items, into->u.a.items, into->u.a.len * sizeof *items);
            into->u.a.items = items;
            into->u.a.cap = cap;
        }
        if (b->u.a.len)
            memcpy(into->u.a.items + into->u.a.len, b->u.a.items, b->u.a.len * sizeof *b->u.a.items);
        into->u.a.len = need;
    } else if (b) {
        jn_arr_push(e->cx, into, b);
    }
}

/* fn.lookup */
static jn_val *lookup_field(ev *e, jn_val *input, const char *key, size_t klen)
{
    if (jn_is_arr(input)) {
        jn_val *r = seq_new(e, input->u.a.len);
        for (size_t i = 0; i < input->u.a.len; i++) {
            jn_val *res = lookup_field(e, input->u.a.items[i], key, klen);
            if (!res)
                continue;
            if (jn_is_arr(res))
                for (size_t k = 0; k < res->u.a.len; k++)
                    jn_arr_push(e->cx, r, res->u.a.items[k]);
            else
                jn_arr_push(e->cx, r, res);
        }
        return r;
    }
    if (jn_is_obj(input))
        return jn_obj_get(input, key, klen);
    return NULL;
}

/* Values as the reference's $string writes them (for `&`). */
static void check_finite(ev *e, const jn_val *v)
{
    if (!v)
        return;
    if ((v->type == JN_ARR || v->type == JN_OBJ) && jn_stack_low())
        jn_throw_stack(e->cx);
    if (v->type == JN_NUM) {
        is_numeric(e, v);
    } else if (v->type == JN_ARR) {
        for (size_t i = 0; i < v->u.a.len; i++)
            check_finite(e, v->u.a.items[i]);
    } else if (v->type == JN_OBJ) {
        for (size_t i = 0; i < v->u.o.len; i++)
            check_finite(e, v->u.o.ents[i].val);
    }
}

static jn_val *to_string(ev *e, jn_val *v)
{
    if (!v)
        return NULL;
    if (v->type == JN_STR)
        return v;
    if (v->type == JN_FUNC)
        return jn_str(e->cx, "", 0);
    if (v->type == JN_NUM && !isfinite(v->u.n))
        throw_at(e, "D3001", -1, NULL, v);
    if (jn_is_arr(v) && (v->flags & JN_OUTER_WRAPPER) && v->u.a.len)
        v = v->u.a.items[0];
    check_finite(e, v);
    stc_buf b = {0};
    if (!jn_json_write_checked(&b, v, 0, true)) {
        stc_buf_free(&b);
        jn_throw_stack(e->cx);
    }
    jn_val *r = jn_str(e->cx, b.data ? b.data : "", b.len);
    stc_buf_free(&b);
    return r;
}

/* JavaScript's < on strings: UTF-16 code unit order. UTF-8 byte order is
 * code point order, which differs only between supplementary characters
 * (surrogates D800-DFFF in UTF-16) and E000-FFFF. */
static int str_cmp(const jn_val *a, const jn_val *b)
{
    const unsigned char *p = (const unsigned char *)a->u.s.p, *q = (const unsigned char *)b->u.s.p;
    size_t n = a->u.s.len < b->u.s.len ? a->u.s.len : b->u.s.len;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == q[i])
            continue;
        /* first differing byte: if one side is a 4-byte lead (F0-F4) and the
         * other a 3-byte lead of EE-EF, UTF-16 orders the surrogate first */
        unsigned char x = p[i], y = q[i];
        bool xs = x >= 0xF0, ys = y >= 0xF0;
        bool xh = x == 0xEE || x == 0xEF, yh = y == 0xEE || y == 0xEF;
        if (xs && yh)
            return -1;
        if (ys && xh)
            return 1;
        return x < y ? -1 : 1;
    }
    return a->u.s.len < b->u.s.len ? -1 : a->u.s.len > b->u.s.len ? 1 : 0;
}

/* ---- tuples ---- */

static jn_val *tuple_new(ev *e, jn_val *at)
{
    jn_val *t = jn_obj(e->cx, 4);
    if (at)
        jn_obj_set_borrow(e->cx, t, "@", 1, at);
    return t;
}

static jn_val *tuple_at(jn_val *t) { return jn_obj_get(t, "@", 1); }

static void tuple_set(ev *e, jn_val *t, const char *key, size_t len, jn_val *v)
{
    if (v)
        jn_obj_set_borrow(e->cx, t, key, len, v);
    else
        jn_obj_del(e->cx, t, key, len); /* bound to undefined */
}

static jn_val *tuple_copy(ev *e, const jn_val *t)
{
    jn_val *c = jn_obj(e->cx, t->u.o.len + 2);
    for (size_t i = 0; i < t->u.o.len; i++)
        jn_obj_set_borrow(e->cx, c, t->u.o.ents[i].key, t->u.o.ents[i].klen, t->u.o.ents[i].val);
    return c;
}

static ev_frame *frame_from_tuple(ev *e, ev_frame *env, const jn_val *t)
{
    ev_frame *f = frame_new(e, env);
    for (size_t i = 0; i < t->u.o.len; i++) {
        const jn_objent *en = &t->u.o.ents[i];
        frame_bind(e, f, en->key, en->klen, jn_name_hash(en->key, en->klen), en->val);
    }
    return f;
}

/* ---- evaluation ---- */

static jn_val *evaluate_lazy(ev *e, const jn_node *expr, jn_val *input, ev_frame *env);

/* The value of expr. evaluate_lazy may give an unmaterialized range
 * (JN_RANGE); only the callers that pass one on untouched (an array
 * constructor's items, a function's arguments, the left side of `~>`) call
 * it, everything else calls evaluate, which materializes it. */
static inline jn_val *evaluate(ev *e, const jn_node *expr, jn_val *input, ev_frame *env)
{
    jn_val *r = evaluate_lazy(e, expr, input, env);
    if (r && r->type == JN_ARR && (r->flags & JN_RANGE))
        range_force(e, r);
    return r;
}
static jn_val *apply(ev *e, jn_val *proc, jn_val **args, int nargs, jn_val *input, ev_frame *env);
static jn_val *eval_filter(ev *e, const jn_node *pred, jn_val *input, ev_frame *env);
static jn_val *eval_group(ev *e, const jn_group *g, jn_val *input, ev_frame *env);
static jn_val *eval_sort(ev *e, const jn_node *expr, jn_val *input, ev_frame *env);
static jn_val *eval_function(ev *e, const jn_node *expr, jn_val *input, ev_frame *env, bool has_ctx,
                             jn_val *ctx_value);

/* A list of inputs that may hold one undefined item (the reference's
 * createSequence(undefined)). */
typedef struct ev_list {
    jn_val **v;
    size_t n;
    jn_val *arr; /* the array itself when the list is an array */
    jn_val *one[1];
} ev_list;

/* An undefined item inside a sequence (value.h, jn_undef_item). */
#define undef_item (*jn_undef_item())

/* Item i of a list, undefined for undef_item. */
static inline jn_val *li(const ev_list *l, size_t i)
{
    jn_val *v = l->v[i];
    return v == &undef_item ? NULL : v;
}

static void list_of(ev_list *l, jn_val *input)
{
    if (jn_is_arr(input)) {
        l->v = input->u.a.items;
        l->n = input->u.a.len;
        l->arr = input;
    } else {
        l->one[0] = input;
        l->v = l->one;
        l->n = 1;
        l->arr = NULL;
    }
}

/* `input.length` and `input[i]` of JavaScript, for the rare path step whose
 * input is not an array (a first step `[...][n]` that gave one value): a
 * string iterates its UTF-16 units, an object with a numeric `length` its
 * keys "0".."length-1", a regex closure (a function of two parameters) two
 * undefined; anything else has no length. Returns the length, -1 for none. */
static double js_length(const jn_val *v)
{
    if (!v)
        return -1;
    switch ((jn_type)v->type) {
    case JN_ARR:
        return (double)v->u.a.len;
    case JN_STR:
        return (double)jn_str_u16len(v->u.s.p, v->u.s.len);
    case JN_OBJ: {
        const jn_val *n = jn_obj_get(v, "length", 6);
        return n && n->type == JN_NUM && n->u.n >= 0 ? n->u.n : -1;
    }
    case JN_FUNC:
        return v->u.f->kind == JN_FN_REGEX ? 2 : -1;
    default:
        return -1;
    }
}

static void js_iter(ev *e, ev_list *l, jn_val *v)
{
    if (jn_is_arr(v) || !v) {
        if (v)
            list_of(l, v);
        else
            l->n = 0, l->arr = NULL;
        return;
    }
    double len = js_length(v);
    size_t n = len > 0 ? (size_t)ceil(len) : 0;
    jn_val **items = jn_alloc(e->cx, (n + 1) * sizeof *items);
    if (v->type == JN_STR) {
        const unsigned char *p = (const unsigned char *)v->u.s.p;
        size_t off = 0;
        for (size_t i = 0; i < n && off < v->u.s.len; i++) {
            size_t clen = p[off] >= 0xF0 ? 4 : p[off] >= 0xE0 ? 3 : p[off] >= 0xC0 ? 2 : 1;
            if (clen == 4 && off + 4 <= v->u.s.len && i + 1 < n) {
                /* a supplementary character is two units: each half alone */
                uint32_t cp = ((uint32_t)(p[off] & 7) << 18) | ((uint32_t)(p[off + 1] & 63) << 12) |
                              ((uint32_t)(p[off + 2] & 63) << 6) | (uint32_t)(p[off + 3] & 63);
                uint32_t half[2] = {0xD800 + ((cp - 0x10000) >> 10), 0xDC00 + ((cp - 0x10000) & 0x3FF)};
                for (int h = 0; h < 2; h++) {
                    char u[3] = {(char)(0xE0 | (half[h] >> 12)), (char)(0x80 | ((half[h] >> 6) & 63)),
                                 (char)(0x80 | (half[h] & 63))};
                    items[i + (size_t)h] = jn_str(e->cx, u, 3);
                }
                i++;
            } else {
                if (off + clen > v->u.s.len)
                    clen = v->u.s.len - off;
                items[i] = jn_str(e->cx, v->u.s.p + off, clen);
            }
            off += clen;
        }
    } else if (v->type == JN_OBJ) {
        for (size_t i = 0; i < n; i++) {
            char k[24];
            int kl = snprintf(k, sizeof k, "%zu", i);
            jn_val *it = jn_obj_get(v, k, (size_t)kl);
            items[i] = it ? it : &undef_item;
        }
    } else {
        for (size_t i = 0; i < n; i++)
            items[i] = &undef_item;
    }
    l->v = items;
    l->n = n;
    l->arr = NULL;
}

static jn_val *eval_stages(ev *e, const jn_stages *stages, jn_val *input, ev_frame *env)
{
    jn_val *result = input;
    for (int s = 0; s < stages->n; s++) {
        const jn_stage *st = &stages->v[s];
        if (!st->is_index) {
            result = eval_filter(e, st->expr, result, env);
        } else if (jn_is_arr(result)) {
            for (size_t i = 0; i < result->u.a.len; i++)
                tuple_set(e, result->u.a.items[i], st->name, st->nlen, jn_num(e->cx, (double)i));
        }
    }
    return result;
}

static jn_val *eval_step(ev *e, const jn_node *expr, ev_list *input, ev_frame *env, bool last)
{
    if (expr->type == JN_N_SORT) {
        jn_val *arr = input->arr;
        if (!arr) { /* the list as a sequence */
            arr = seq_new(e, input->n);
            for (size_t i = 0; i < input->n; i++)
                if (li(input, i))
                    jn_arr_push(e->cx, arr, li(input, i));
        }
        jn_val *result = eval_sort(e, expr, arr, env);
        if (expr->stages.n)
            result = eval_stages(e, &expr->stages, result, env);
        return result;
    }
    jn_val *result = seq_new(e, input->n);
    for (size_t i = 0; i < input->n; i++) {
        jn_val *res = evaluate(e, expr, li(input, i), env);
        for (int s = 0; s < expr->stages.n; s++)
            res = eval_filter(e, expr->stages.v[s].expr, res, env);
        if (res)
            jn_arr_push(e->cx, result, res);
    }
    if (last && result->u.a.len == 1 && jn_is_arr(result->u.a.items[0]) && !jn_is_seq(result->u.a.items[0]))
        return result->u.a.items[0];
    /* flatten the sequence */
    jn_val *out = seq_new(e, result->u.a.len);
    for (size_t i = 0; i < result->u.a.len; i++) {
        jn_val *res = result->u.a.items[i];
        if (!jn_is_arr(res) || (res->flags & JN_CONS)) {
            jn_arr_push(e->cx, out, res);
        } else {
            for (size_t k = 0; k < res->u.a.len; k++)
                jn_arr_push(e->cx, out, res->u.a.items[k]);
        }
    }
    return out;
}

static jn_val *eval_tuple_step(ev *e, const jn_node *expr, ev_list *input, jn_val *tuples, ev_frame *env)
{
    jn_val *result;
    if (expr->type == JN_N_SORT) {
        if (tuples) {
            result = eval_sort(e, expr, tuples, env);
        } else {
            jn_val *arr = input->arr ? input->arr : seq_of(e, li(input, 0));
            jn_val *sorted = eval_sort(e, expr, arr, env);
            result = seq_new(e, jn_is_arr(sorted) ? sorted->u.a.len : 1);
            result->flags |= JN_TUPLE_STREAM;
            ev_list sl;
            list_of(&sl, sorted);
            for (size_t i = 0; i < (sorted ? sl.n : 0); i++) {
                jn_val *t = tuple_new(e, li(&sl, i));
                /* tuple[expr.index]: "undefined" when the sort has no index */
                if (expr->index)
                    tuple_set(e, t, expr->index, expr->index_len, jn_num(e->cx, (double)i));
                else
                    tuple_set(e, t, "undefined", 9, jn_num(e->cx, (double)i));
                jn_arr_push(e->cx, result, t);
            }
        }
        if (expr->stages.n)
            result = eval_stages(e, &expr->stages, result, env);
        return result;
    }
    result = seq_new(e, 4);
    result->flags |= JN_TUPLE_STREAM;
    if (!tuples) {
        tuples = jn_arr(e->cx, input->n);
        for (size_t i = 0; i < input->n; i++)
            jn_arr_push(e->cx, tuples, tuple_new(e, li(input, i)));
    }
    for (size_t ee = 0; ee < tuples->u.a.len; ee++) {
        jn_val *tuple = tuples->u.a.items[ee];
        ev_frame *step_env = frame_from_tuple(e, env, tuple);
        jn_val *at = tuple_at(tuple);
        jn_val *res = evaluate(e, expr, at, step_env);
        if (!res)
            continue;
        ev_list rl;
        list_of(&rl, res);
        bool stream = jn_is_arr(res) && (res->flags & JN_TUPLE_STREAM);
        for (size_t bb = 0; bb < rl.n; bb++) {
            jn_val *t = tuple_copy(e, tuple);
            if (stream) {
                const jn_val *src = rl.v[bb];
                for (size_t k = 0; k < src->u.o.len; k++)
                    jn_obj_set_borrow(e->cx, t, src->u.o.ents[k].key, src->u.o.ents[k].klen,
                                      src->u.o.ents[k].val);
            } else {
                if (expr->focus && expr->focus_len) {
                    tuple_set(e, t, expr->focus, expr->focus_len, li(&rl, bb));
                    tuple_set(e, t, "@", 1, at);
                } else {
                    tuple_set(e, t, "@", 1, li(&rl, bb));
                }
                if (expr->index && expr->index_len)
                    tuple_set(e, t, expr->index, expr->index_len, jn_num(e->cx, (double)bb));
                if (expr->ancestor)
                    tuple_set(e, t, expr->ancestor->label, strlen(expr->ancestor->label), at);
            }
            jn_arr_push(e->cx, result, t);
        }
    }
    if (expr->stages.n)
        result = eval_stages(e, &expr->stages, result, env);
    return result;
}

/* A step that is a field name and nothing else. */
static bool plain_name(const jn_node *s)
{
    return s->type == JN_N_NAME && !s->stages.n && !s->predicate.n && !s->group && !s->focus && !s->index &&
           !s->ancestor && !s->tuple && !s->keep_array && !s->keep_singleton && !s->consarray;
}

/* `a.b.c` on an object, while no step meets an array: what eval_path gives
 * (one value, or undefined for none), without its sequences. *done is false
 * when a step meets an array; eval_path then starts over. The steps enter
 * and leave as their evaluation would (the timebox's depth). */
static jn_val *plain_path(ev *e, const jn_node *expr, jn_val *input, ev_frame *env, bool *done)
{
    *done = false;
    jn_val *v = input;
    for (int i = 0; i < expr->steps.n; i++) {
        const jn_node *step = expr->steps.v[i];
        if (!plain_name(step))
            return NULL;
        enter(e, env);
        v = jn_is_obj(v) ? jn_obj_get(v, step->str, step->slen) : NULL;
        leave(e, env);
        if (!v)
            break;
        if (jn_is_arr(v))
            return NULL;
    }
    *done = true;
    return v == &undef_item ? NULL : v;
}

static jn_val *eval_path(ev *e, const jn_node *expr, jn_val *input, ev_frame *env)
{
    if (jn_is_obj(input) && !expr->tuple && !expr->keep_singleton && !expr->keep_array && !expr->group &&
        !expr->predicate.n) {
        bool done;
        jn_val *r = plain_path(e, expr, input, env, &done);
        if (done)
            return r;
    }
    ev_list in;
    if (jn_is_arr(input) && expr->steps.v[0]->type != JN_N_VARIABLE) {
        list_of(&in, input);
    } else {
        jn_val *s = seq_of(e, input);
        list_of(&in, s);
        if (!input) { /* createSequence(undefined): one undefined item */
            in.one[0] = NULL;
            in.v = in.one;
            in.n = 1;
            in.arr = NULL;
        }
    }
    jn_val *result = NULL;
    bool is_tuple_stream = false;
    jn_val *tuples = NULL;
    for (int ii = 0; ii < expr->steps.n; ii++) {
        const jn_node *step = expr->steps.v[ii];
        if (step->tuple)
            is_tuple_stream = true;
        if (ii == 0 && step->consarray) {
            /* the reference hands the constructor its inputSequence, which
             * for an undefined input is createSequence(undefined): one
             * undefined item, that a predicate inside still sees */
            jn_val *seq = in.arr;
            if (!seq) {
                seq = seq_new(e, 1);
                jn_arr_push(e->cx, seq, &undef_item);
            }
            result = evaluate(e, step, seq, env);
        } else if (is_tuple_stream) {
            tuples = eval_tuple_step(e, step, &in, tuples, env);
        } else {
            result = eval_step(e, step, &in, env, ii == expr->steps.n - 1);
        }
        if (!is_tuple_stream && (!result || js_length(result) == 0))
            break;
        if (!step->focus)
            js_iter(e, &in, result);
    }
    if (is_tuple_stream) {
        if (expr->tuple) {
            result = tuples;
        } else {
            result = seq_new(e, tuples ? tuples->u.a.len : 0);
            for (size_t i = 0; tuples && i < tuples->u.a.len; i++) {
                jn_val *at = tuple_at(tuples->u.a.items[i]);
                jn_arr_push(e->cx, result, at ? at : &undef_item);
            }
        }
    }
    if (expr->keep_singleton && result) {
        if (jn_is_arr(result) && (result->flags & JN_CONS) && !(result->flags & JN_SEQ))
            result = seq_of(e, result);
        if (jn_is_seq(result))
            result->flags |= JN_KEEP_SINGLETON;
    }
    if (expr->group)
        result = eval_group(e, expr->group, is_tuple_stream ? tuples : result, env);
    return result;
}

static jn_val *eval_filter(ev *e, const jn_node *pred, jn_val *input, ev_frame *env)
{
    jn_val *results = seq_new(e, 4);
    bool stream = jn_is_arr(input) && (input->flags & JN_TUPLE_STREAM);
    if (stream)
        results->flags |= JN_TUPLE_STREAM;
    ev_list in;
    list_of(&in, input);
    if (pred->type == JN_N_NUMBER) {
        double idx = floor(pred->num);
        if (idx < 0)
            idx = (double)in.n + idx;
        if (idx >= 0 && idx < (double)in.n) {
            jn_val *item = li(&in, (size_t)idx);
            if (item) {
                if (jn_is_arr(item))
                    results = item;
                else
                    jn_arr_push(e->cx, results, item);
            }
        }
        return results;
    }
    for (size_t index = 0; index < in.n; index++) {
        jn_val *item = li(&in, index), *context = item;
        ev_frame *fenv = env;
        if (stream) {
            context = tuple_at(item);
            fenv = frame_from_tuple(e, env, item);
        }
        jn_val *res = evaluate(e, pred, context, fenv);
        if (is_numeric(e, res)) {
            jn_val *w = jn_arr(e->cx, 1);
            jn_arr_push(e->cx, w, res);
            res = w;
        }
        if (is_array_of_numbers(e, res)) {
            for (size_t k = 0; k < res->u.a.len; k++) {
                double ii = floor(res->u.a.items[k]->u.n);
                if (ii < 0)
                    ii = (double)in.n + ii;
                if (ii == (double)index)
                    jn_arr_push(e->cx, results, item ? item : &undef_item);
            }
        } else if (to_boolean(e, res)) {
            jn_arr_push(e->cx, results, item ? item : &undef_item);
        }
    }
    return results;
}

/* ---- operators ---- */

static jn_val *eval_numeric(ev *e, jn_val *lhs, jn_val *rhs, jn_op op)
{
    if (lhs && !is_numeric(e, lhs))
        throw_at(e, "T2001", -1, NULL, lhs);
    if (rhs && !is_numeric(e, rhs))
        throw_at(e, "T2002", -1, NULL, rhs);
    if (!lhs || !rhs)
        return NULL;
    double a = lhs->u.n, b = rhs->u.n, r = 0;
    switch (op) {
    case JN_OP_PLUS: r = a + b; break;
    case JN_OP_MINUS: r = a - b; break;
    case JN_OP_MUL: r = a * b; break;
    case JN_OP_DIV: r = a / b; break;
    case JN_OP_MOD: r = fmod(a, b); break;
    default: break;
    }
    return jn_num(e->cx, r);
}

static jn_val *eval_comparison(ev *e, jn_val *lhs, jn_val *rhs, jn_op op)
{
    bool lc = !lhs || lhs->type == JN_STR || lhs->type == JN_NUM;
    bool rc = !rhs || rhs->type == JN_STR || rhs->type == JN_NUM;
    if (!lc || !rc) {
        bool lstr_or_num = lhs && (lhs->type == JN_STR || lhs->type == JN_NUM);
        throw_at(e, "T2010", -1, NULL, !lstr_or_num ? lhs : rhs);
    }
    if (!lhs || !rhs)
        return NULL;
    if (lhs->type != rhs->type) {
        jn_errinfo f = {.position = -1, .value = lhs, .value2 = rhs};
        jn_throw_x(e->cx, "T2009", &f);
    }
    bool r;
    if (lhs->type == JN_NUM) {
        double a = lhs->u.n, b = rhs->u.n;
        r = op == JN_OP_LT ? a < b : op == JN_OP_LE ? a <= b : op == JN_OP_GT ? a > b : a >= b;
    } else {
        int c = str_cmp(lhs, rhs);
        r = op == JN_OP_LT ? c < 0 : op == JN_OP_LE ? c <= 0 : op == JN_OP_GT ? c > 0 : c >= 0;
    }
    return jn_bool(r);
}

/* JavaScript's === */
static bool strict_equal(const jn_val *a, const jn_val *b)
{
    if (a == b)
        return !(a->type == JN_NUM && isnan(a->u.n));
    if (a->type != b->type)
        return false;
    switch ((jn_type)a->type) {
    case JN_NULL: return true;
    case JN_BOOL: return a->u.b == b->u.b;
    case JN_NUM: return a->u.n == b->u.n;
    case JN_STR: return a->u.s.len == b->u.s.len && !memcmp(a->u.s.p, b->u.s.p, a->u.s.len);
    case JN_FUNC: return a->u.f == b->u.f;
    default: return false; /* objects and arrays: identity */
    }
}

static jn_val *eval_includes(jn_val *lhs, jn_val *rhs)
{
    if (!lhs || !rhs)
        return jn_false();
    if (!jn_is_arr(rhs))
        return jn_bool(strict_equal(rhs, lhs));
    for (size_t i = 0; i < rhs->u.a.len; i++)
        if (strict_equal(rhs->u.a.items[i], lhs))
            return jn_true();
    return jn_false();
}

static bool is_integer(const jn_val *v) { return v->type == JN_NUM && isfinite(v->u.n) && v->u.n == floor(v->u.n); }

/* A range of at least this many numbers stays (first, length) until
 * something needs its items (range_force): `$count([1..10000000])` then
 * costs nothing, where the items take 240 MB (10,000,000 numbers and their
 * pointers). Smaller ranges are built at once. */
#define JN_LAZY_RANGE_MIN 4096

static jn_val *eval_range(ev *e, jn_val *lhs, jn_val *rhs)
{
    if (lhs && !is_integer(lhs))
        throw_at(e, "T2003", -1, NULL, lhs);
    if (rhs && !is_integer(rhs))
        throw_at(e, "T2004", -1, NULL, rhs);
    if (!lhs || !rhs)
        return NULL;
    double a = lhs->u.n, b = rhs->u.n;
    if (a > b)
        return NULL;
    double size = b - a + 1;
    if (size > 1e7)
        throw_at(e, "D2014", -1, NULL, jn_num(e->cx, size));
    jn_val *r = jn_seq(e->cx, 1);
    r->flags |= JN_RANGE;
    r->u.a.items[0] = jn_num(e->cx, a);
    r->u.a.len = (size_t)size;
    r->u.a.cap = 0;
    if (r->u.a.len < JN_LAZY_RANGE_MIN)
        range_force(e, r);
    return r;
}

static jn_val *eval_binary(ev *e, const jn_node *expr, jn_val *input, ev_frame *env)
{
    jn_val *lhs = evaluate(e, expr->lhs, input, env);
    jn_op op = expr->op;
    jn_catch rec = {.kind = JN_CATCH_SET, .position = expr->position, .token = expr->str};
    if (op == JN_OP_AND || op == JN_OP_OR) {
        CATCH_PUSH(e, &rec);
        bool l = to_boolean(e, lhs);
        bool r;
        if (op == JN_OP_AND)
            r = l && to_boolean(e, evaluate(e, expr->rhs, input, env));
        else
            r = l || to_boolean(e, evaluate(e, expr->rhs, input, env));
        CATCH_POP(e, &rec);
        return jn_bool(r);
    }
    jn_val *rhs = evaluate(e, expr->rhs, input, env);
    jn_val *result = NULL;
    CATCH_PUSH(e, &rec);
    switch (op) {
    case JN_OP_PLUS:
    case JN_OP_MINUS:
    case JN_OP_MUL:
    case JN_OP_DIV:
    case JN_OP_MOD:
        result = eval_numeric(e, lhs, rhs, op);
        break;
    case JN_OP_EQ:
    case JN_OP_NE:
        if (!lhs || !rhs) {
            result = jn_false();
        } else {
            int eq = jn_deep_equal_checked(lhs, rhs);
            if (eq < 0)
                jn_throw_stack(e->cx);
            result = jn_bool(eq == (op == JN_OP_EQ));
        }
        break;
    case JN_OP_LT:
    case JN_OP_LE:
    case JN_OP_GT:
    case JN_OP_GE:
        result = eval_comparison(e, lhs, rhs, op);
        break;
    case JN_OP_CONCAT: {
        jn_val *l = lhs ? to_string(e, lhs) : NULL, *r = rhs ? to_string(e, rhs) : NULL;
        size_t ln = l ? l->u.s.len : 0, rn = r ? r->u.s.len : 0;
        char *s = jn_alloc(e->cx, ln + rn + 1);
        if (ln)
            memcpy(s, l->u.s.p, ln);
        if (rn)
            memcpy(s + ln, r->u.s.p, rn);
        s[ln + rn] = '\0';
        result = jn_str_borrow(e->cx, s, ln + rn);
        break;
    }
    case JN_OP_RANGE:
        result = eval_range(e, lhs, rhs);
        break;
    case JN_OP_IN:
        result = eval_includes(lhs, rhs);
        break;
    default:
        break;
    }
    CATCH_POP(e, &rec);
    return result;
}

static jn_val *eval_unary(ev *e, const jn_node *expr, jn_val *input, ev_frame *env)
{
    if (expr->op == JN_OP_MINUS) {
        jn_val *r = evaluate(e, expr->expression, input, env);
        if (!r)
            return NULL;
        if (is_numeric(e, r))
            return jn_num(e->cx, -r->u.n);
        throw_at(e, "D1002", expr->position, expr->str, r);
    }
    if (expr->op == JN_OP_ARRAY) {
        jn_val *result = jn_arr(e->cx, (size_t)expr->exprs.n);
        for (int i = 0; i < expr->exprs.n; i++) {
            const jn_node *item = expr->exprs.v[i];
            env->parallel = i > 0;
            if (i == 0 && expr->exprs.n > 1)
                parallel_first(e, env);
            jn_val *value = evaluate_lazy(e, item, input, env);
            if (!value)
                continue;
            if (item->type == JN_N_UNARY && item->op == JN_OP_ARRAY) {
                range_force(e, result);
                range_force(e, value);
                jn_arr_push(e->cx, result, value);
            } else {
                append_into(e, result, value);
            }
        }
        if (expr->consarray)
            result->flags |= JN_CONS;
        return result;
    }
    /* object constructor */
    return eval_group(e, expr->object, input, env);
}

static jn_val *eval_wildcard(ev *e, jn_val *input)
{
    jn_val *results = seq_new(e, 4);
    if (jn_is_arr(input) && (input->flags & JN_OUTER_WRAPPER) && input->u.a.len > 0)
        input = input->u.a.items[0];
    /* an object's values, or an array's items (its keys are its indices) */
    if (jn_is_obj(input) || jn_is_arr(input)) {
        size_t n = jn_is_obj(input) ? input->u.o.len : input->u.a.len;
        for (size_t i = 0; i < n; i++) {
            jn_val *value = jn_is_obj(input) ? input->u.o.ents[i].val : input->u.a.items[i];
            if (jn_is_arr(value)) {
                /* flatten, then fn.append: the result is a plain array from here */
                jn_val *flat = jn_arr(e->cx, value->u.a.len);
                /* flatten(value), without recursion */
                size_t depth = 0, cap = 16;
                const jn_val **arrs = jn_alloc(e->cx, cap * sizeof *arrs);
                size_t *pos = jn_alloc(e->cx, cap * sizeof *pos);
                arrs[0] = value, pos[0] = 0;
                for (;;) {
                    if (pos[depth] >= arrs[depth]->u.a.len) {
                        if (depth == 0)
                            break;
                        depth--;
                        continue;
                    }
                    jn_val *it = arrs[depth]->u.a.items[pos[depth]++];
                    if (jn_is_arr(it)) {
                        if (++depth == cap) {
                            size_t nc = cap * 2;
                            const jn_val **na = jn_alloc(e->cx, nc * sizeof *na);
                            size_t *np = jn_alloc(e->cx, nc * sizeof *np);
                            memcpy(na, arrs, cap * sizeof *na);
                            memcpy(np, pos, cap * sizeof *np);
                            arrs = na, pos = np, cap = nc;
                        }
                        arrs[depth] = it, pos[depth] = 0;
                    } else {
                        jn_arr_push(e->cx, flat, it);
                    }
                }
                results->flags &= (uint8_t)~JN_SEQ; /* append's concat */
                append_into(e, results, flat);
            } else {
                jn_arr_push(e->cx, results, value);
            }
        }
        /* the reference's sequence flags are enumerable properties of the
         * array: Object.keys lists them after the indices */
        if (jn_is_arr(input)) {
            static const uint8_t flags[] = {JN_SEQ, JN_OUTER_WRAPPER, JN_TUPLE_STREAM, JN_KEEP_SINGLETON};
            for (size_t k = 0; k < sizeof flags; k++)
                if (input->flags & flags[k])
                    jn_arr_push(e->cx, results, jn_true());
        }
    }
    return results;
}

static void recurse_descendants(ev *e, jn_val *input, jn_val *results)
{
    if ((uintptr_t)__builtin_frame_address(0) < e->floor)
        throw_msg(e, "U1001", JN_MSG_STACK);
    if (!jn_is_arr(input))
        jn_arr_push(e->cx, results, input);
    if (jn_is_arr(input)) {
        for (size_t i = 0; i < input->u.a.len; i++)
            recurse_descendants(e, input->u.a.items[i], results);
    } else if (jn_is_obj(input)) {
        for (size_t i = 0; i < input->u.o.len; i++)
            recurse_descendants(e, input->u.o.ents[i].val, results);
    }
}

static jn_val *eval_descendants(ev *e, jn_val *input)
{
    if (!input)
        return NULL;
    jn_val *results = seq_new(e, 8);
    recurse_descendants(e, input, results);
    if (results->u.a.len == 1) /* resultSequence[0]: undefined for an undefined item */
        return results->u.a.items[0] == &undef_item ? NULL : results->u.a.items[0];
    return results;
}

/* ---- grouping ---- */

typedef struct ev_group_ent {
    jn_val *data;   /* the first item, then the owned array append builds */
    bool owned;
    int expr_index;
} ev_group_ent;

/* reduceTupleStream */
static jn_val *reduce_tuples(ev *e, jn_val *stream)
{
    if (!jn_is_arr(stream))
        return stream;
    jn_val *result = tuple_copy(e, stream->u.a.items[0]);
    jn_val *owned = jn_obj(e->cx, 4);
    for (size_t ii = 1; ii < stream->u.a.len; ii++) {
        const jn_val *t = stream->u.a.items[ii];
        for (size_t k = 0; k < t->u.o.len; k++) {
            const jn_objent *en = &t->u.o.ents[k];
            jn_val *cur = jn_obj_get(result, en->key, en->klen);
            if (jn_obj_get(owned, en->key, en->klen)) {
                append_into(e, cur, en->val);
            } else {
                jn_val *r = append(e, cur, en->val);
                if (r && r != cur && r != en->val)
                    jn_obj_set_borrow(e->cx, owned, en->key, en->klen, jn_true());
                tuple_set(e, result, en->key, en->klen, r);
            }
        }
    }
    return result;
}

static jn_val *eval_group(ev *e, const jn_group *g, jn_val *input, ev_frame *env)
{
    jn_val *result = jn_obj(e->cx, 4);
    bool reduce = jn_is_arr(input) && (input->flags & JN_TUPLE_STREAM);
    ev_list in;
    list_of(&in, input);
    if (!input) {
        in.one[0] = NULL;
        in.v = in.one;
        in.n = 1;
    } else if (in.n == 0 && !reduce) {
        /* one undefined item makes the literal object; the reference pushes
         * it into the input array itself, which stays changed */
        if (jn_is_arr(input) && !(input->flags & JN_FROZEN)) {
            jn_arr_push(e->cx, input, &undef_item);
            list_of(&in, input);
        } else {
            in.one[0] = NULL;
            in.v = in.one;
            in.n = 1;
        }
    }
    jn_val *groups = jn_obj(e->cx, 4); /* key -> entry (as a number index into ents) */
    ev_group_ent *ents = NULL;
    size_t nents = 0, capents = 0;
    int npairs = g->pairs.n / 2;
    for (size_t ii = 0; ii < in.n; ii++) {
        jn_val *item = li(&in, ii);
        ev_frame *ienv = reduce ? frame_from_tuple(e, env, item) : env;
        for (int pi = 0; pi < npairs; pi++) {
            jn_val *key = evaluate(e, g->pairs.v[2 * pi], reduce ? tuple_at(item) : item, ienv);
            if (key && key->type != JN_STR)
                throw_at(e, "T1003", g->position, NULL, key);
            if (!key)
                continue;
            if ((key->u.s.len == 15 && !memcmp(key->u.s.p, "_jsonata_lambda", 15)) ||
                (key->u.s.len == 17 && !memcmp(key->u.s.p, "_jsonata_function", 17)))
                throw_at(e, "D1013", g->position, NULL, key);
            jn_val *slot = jn_obj_get(groups, key->u.s.p, key->u.s.len);
            if (slot) {
                ev_group_ent *en = &ents[(size_t)slot->u.n];
                if (en->expr_index != pi)
                    throw_at(e, "D1009", g->position, NULL, key);
                if (en->owned) {
                    append_into(e, en->data, item);
                } else {
                    jn_val *r = append(e, en->data, item);
                    en->owned = r && r != en->data && r != item;
                    en->data = r;
                }
            } else {
                if (nents == capents) {
                    size_t cap = capents ? capents * 2 : 8;
                    ev_group_ent *ne = jn_alloc(e->cx, cap * sizeof *ne);
                    if (nents)
                        memcpy(ne, ents, nents * sizeof *ne);
                    ents = ne;
                    capents = cap;
                }
                ents[nents] = (ev_group_ent){item, false, pi};
                jn_obj_set_borrow(e->cx, groups, key->u.s.p, key->u.s.len, jn_num(e->cx, (double)nents));
                nents++;
            }
        }
    }
    for (size_t k = 0; k < groups->u.o.len; k++) {
        const jn_objent *ge = &groups->u.o.ents[k];
        ev_group_ent *en = &ents[(size_t)ge->val->u.n];
        jn_val *context = en->data;
        ev_frame *venv = env;
        if (reduce) {
            jn_val *tuple = reduce_tuples(e, en->data);
            context = tuple_at(tuple);
            jn_obj_del(e->cx, tuple, "@", 1);
            venv = frame_from_tuple(e, env, tuple);
        }
        env->parallel = k > 0;
        if (k == 0 && groups->u.o.len > 1 && venv == env)
            parallel_first(e, env);
        jn_val *value = evaluate(e, g->pairs.v[2 * en->expr_index + 1], context, venv);
        if (value)
            jn_obj_set_borrow(e->cx, result, ge->key, ge->klen, value);
    }
    return result;
}

/* ---- order-by ---- */

typedef struct sort_ctx {
    ev *e;
    const jn_node *expr;
    ev_frame *env;
    bool tuples;
} sort_ctx;

/* The comparator: true when a must come after b. */
static bool sort_swap(sort_ctx *sc, jn_val *a, jn_val *b)
{
    ev *e = sc->e;
    int comp = 0;
    for (int i = 0; comp == 0 && i < sc->expr->nterms; i++) {
        const jn_sortterm *term = &sc->expr->terms[i];
        jn_val *ctx = a;
        ev_frame *env = sc->env;
        if (sc->tuples) {
            ctx = tuple_at(a);
            env = frame_from_tuple(e, sc->env, a);
        }
        jn_val *aa = evaluate(e, term->expr, ctx, env);
        ctx = b;
        env = sc->env;
        if (sc->tuples) {
            ctx = tuple_at(b);
            env = frame_from_tuple(e, sc->env, b);
        }
        jn_val *bb = evaluate(e, term->expr, ctx, env);
        if (!aa) {
            comp = bb ? 1 : 0;
            continue;
        }
        if (!bb) {
            comp = -1;
            continue;
        }
        bool as = aa->type == JN_STR || aa->type == JN_NUM, bs = bb->type == JN_STR || bb->type == JN_NUM;
        if (!as || !bs)
            throw_at(e, "T2008", sc->expr->position, NULL, !as ? aa : bb);
        if (aa->type != bb->type) {
            jn_errinfo f = {.position = sc->expr->position, .value = aa, .value2 = bb};
            jn_throw_x(e->cx, "T2007", &f);
        }
        int c;
        if (aa->type == JN_NUM)
            c = aa->u.n == bb->u.n ? 0 : aa->u.n < bb->u.n ? -1 : 1;
        else
            c = str_cmp(aa, bb);
        if (c == 0)
            continue;
        comp = c;
        if (term->descending)
            comp = -comp;
    }
    return comp == 1;
}

/* fn.sort's merge sort: the same splits and the same comparisons. */
static void msort(sort_ctx *sc, jn_val **v, size_t n, jn_val **tmp)
{
    if (n <= 1)
        return;
    size_t mid = n / 2;
    msort(sc, v, mid, tmp);
    msort(sc, v + mid, n - mid, tmp);
    size_t i = 0, j = mid, k = 0;
    while (i < mid && j < n) {
        if (sort_swap(sc, v[i], v[j]))
            tmp[k++] = v[j++];
        else
            tmp[k++] = v[i++];
    }
    while (i < mid)
        tmp[k++] = v[i++];
    while (j < n)
        tmp[k++] = v[j++];
    memcpy(v, tmp, n * sizeof *v);
}

static jn_val *eval_sort(ev *e, const jn_node *expr, jn_val *input, ev_frame *env)
{
    if (!input)
        return NULL;
    sort_ctx sc = {e, expr, env, jn_is_arr(input) && (input->flags & JN_TUPLE_STREAM)};
    if (!jn_is_arr(input) || input->u.a.len <= 1)
        return input;
    size_t n = input->u.a.len;
    jn_val *r = jn_arr(e->cx, n);
    memcpy(r->u.a.items, input->u.a.items, n * sizeof *r->u.a.items);
    r->u.a.len = n;
    jn_val **tmp = jn_alloc(e->cx, n * sizeof *tmp);
    msort(&sc, r->u.a.items, n, tmp);
    return r;
}

/* ---- functions ---- */

static jn_val *lambda_value(ev *e, ev_lambda *l, jn_func_kind kind)
{
    jn_val *v = jn_func_new(e->cx, kind, l);
    v->u.f->arity = l->nparams;
    v->u.f->sig = l->sig;
    return v;
}

static jn_val *eval_lambda(ev *e, const jn_node *expr, jn_val *input, ev_frame *env)
{
    ev_lambda *l = jn_alloc(e->cx, sizeof *l);
    l->input = input;
    l->env = env;
    l->params = expr->args.v;
    l->nparams = expr->args.n;
    l->body = expr->body;
    l->sig = expr->signature;
    l->thunk = expr->thunk;
    return lambda_value(e, l, JN_FN_LAMBDA);
}

/* Call a native with the evaluator's state for it. */
static jn_val *call_native(ev *e, jn_val *fn, jn_val **args, int nargs, jn_val *input, ev_frame *env)
{
    jn_ctx *cx = e->cx;
    jn_val *focus = cx->focus;
    void *data = cx->host_data;
    ev_frame *nenv = e->native_env;
    cx->focus = input;
    cx->host_data = fn->u.f->impl;
    e->native_env = env;
    jn_val *r = fn->u.f->native(cx, args, nargs);
    cx->focus = focus;
    cx->host_data = data;
    e->native_env = nenv;
    /* an array's undefined item handed back ($single of [undefined]) is
     * undefined, as arr[i] is in JavaScript */
    return r == jn_undef_item() ? NULL : r;
}

static jn_val *apply_transform(ev *e, jn_val *fn, jn_val *obj);

static jn_val *apply_procedure(ev *e, jn_val *proc, jn_val **args, int nargs)
{
    ev_lambda *l = proc->u.f->impl;
    ev_frame *env = frame_new(e, l->env);
    for (int i = 0; i < l->nparams; i++)
        frame_bind_node(e, env, l->params[i], i < nargs && args[i] != &undef_item ? args[i] : NULL);
    if (l->body)
        return evaluate(e, l->body, l->input, env);
    /* a native partially applied: its arguments by name from the frame */
    jn_val **nargv = jn_alloc(e->cx, (size_t)(l->n_native + 1) * sizeof *nargv);
    for (int i = 0; i < l->n_native; i++)
        nargv[i] = lookup(e, env, l->nparams_all[i]->str, l->nparams_all[i]->slen, l->nparams_all[i]->hash);
    jn_val *native = l->native;
    const jn_func *f = native->u.f;
    if (f->kind == JN_FN_REGEX)
        return jn_regex_apply(e->cx, native, nargv, l->n_native);
    int n = l->n_native;
    const sf_ent *ent = f->name ? sf_find(f->name, strlen(f->name), jn_name_hash(f->name, strlen(f->name))) : NULL;
    if (ent && ent->val != native)
        ent = NULL;
    for (int i = 0; ent && i < ent->partial_undef && i < n; i++)
        if (!nargv[i])
            return NULL;
    if (ent && ent->partial_scalar_undef && n > 0 && !jn_is_obj(nargv[0]) && !jn_is_arr(nargv[0]))
        return NULL;
    /* the reference calls it unchecked: JavaScript takes whatever it gets,
     * C needs the types right, so the signature is checked (T0410) unless
     * the native takes any value */
    if (f->sig && !(ent && ent->partial_unchecked))
        nargv = jn_sig_validate(e->cx, f->sig, nargv, n, NULL, &n);
    if (f->kind == JN_FN_TRANSFORM)
        return apply_transform(e, native, n > 0 ? nargv[0] : NULL);
    return call_native(e, native, nargv, n, NULL, env);
}

static jn_val *apply_inner(ev *e, jn_val *proc, jn_val **args, int nargs, jn_val *input, ev_frame *env)
{
    jn_catch rec = {.kind = JN_CATCH_APPLY};
    bool fn = is_function(proc);
    if (fn) {
        ev_site *site = site_of(e, proc->u.f);
        rec.ppos = &site->pos;
        rec.ptok = &site->tok;
        CATCH_PUSH(e, &rec);
    }
    jn_val *result;
    if (!fn)
        throw_at(e, "T1006", -1, NULL, NULL);
    const jn_func *f = proc->u.f;
    /* an unmaterialized range reaches only a native that reads no item */
    if (!(f->kind == JN_FN_NATIVE && jn_native_reads_no_item(f->native)))
        for (int i = 0; i < nargs; i++)
            range_force(e, args[i]);
    if (f->sig)
        args = jn_sig_validate(e->cx, f->sig, args, nargs, input, &nargs);
    switch (f->kind) {
    case JN_FN_LAMBDA:
    case JN_FN_PARTIAL:
        result = apply_procedure(e, proc, args, nargs);
        break;
    case JN_FN_NATIVE:
        result = call_native(e, proc, args, nargs, input, env);
        break;
    case JN_FN_TRANSFORM:
        result = apply_transform(e, proc, nargs > 0 ? args[0] : NULL);
        break;
    case JN_FN_REGEX:
        result = jn_regex_apply(e->cx, proc, args, nargs);
        break;
    default:
        throw_at(e, "T1006", -1, NULL, NULL);
    }
    CATCH_POP(e, &rec);
    return result;
}

static jn_val *apply(ev *e, jn_val *proc, jn_val **args, int nargs, jn_val *input, ev_frame *env)
{
    jn_val *result = apply_inner(e, proc, args, nargs, input, env);
    while (is_thunk(result)) {
        /* the trampoline: the lambda returned a tail call */
        ev_lambda *t = result->u.f->impl;
        const jn_node *call = t->body;
        jn_val *next = evaluate(e, call->procedure, t->input, t->env);
        if (!is_function(next)) {
            /* the reference sets next.token/next.position on it: a TypeError
             * for undefined; the engine reports what a call would */
            const jn_node *pr = call->procedure;
            throw_at(e, "T1006", pr->position, pr->type == JN_N_PATH ? pr->steps.v[0]->str : pr->str, NULL);
        }
        ev_site *site = site_of(e, next->u.f);
        if (call->procedure->type == JN_N_VARIABLE)
            site->tok = call->procedure->str;
        site->pos = call->procedure->position;
        jn_val **argv = jn_alloc(e->cx, (size_t)(call->args.n + 1) * sizeof *argv);
        for (int i = 0; i < call->args.n; i++)
            argv[i] = evaluate(e, call->args.v[i], t->input, t->env);
        result = apply_inner(e, next, argv, call->args.n, input, env);
    }
    return result;
}

/* The reference's procName: the first step's name, else the node's value
 * (a number literal's value too: `2()` names 2). */
static const char *proc_name(ev *e, const jn_node *procedure)
{
    if (procedure->type == JN_N_PATH)
        return procedure->steps.v[0]->str;
    if (procedure->type == JN_N_NUMBER) {
        char num[32];
        size_t n = jn_num_format(procedure->num, num);
        return jn_strndup(e->cx, num, n);
    }
    return procedure->str;
}

static jn_val *eval_function(ev *e, const jn_node *expr, jn_val *input, ev_frame *env, bool has_ctx,
                             jn_val *ctx_value)
{
    jn_val *proc = evaluate(e, expr->procedure, input, env);
    const jn_node *pr = expr->procedure;
    if (!proc && pr->type == JN_N_PATH) {
        const jn_node *s0 = pr->steps.v[0];
        if (s0->str && truthy(lookup(e, env, s0->str, s0->slen, jn_name_hash(s0->str, s0->slen))))
            throw_at(e, "T1005", expr->position, s0->str, NULL);
    }
    int nargs = expr->args.n + (has_ctx ? 1 : 0);
    jn_val *argbuf[8];
    jn_val **args = nargs <= 8 ? argbuf : jn_alloc(e->cx, (size_t)nargs * sizeof *args);
    int k = 0;
    if (has_ctx)
        args[k++] = ctx_value;
    for (int i = 0; i < expr->args.n; i++)
        args[k++] = evaluate_lazy(e, expr->args.v[i], input, env);
    if (nargs <= 8) { /* natives may keep their arguments */
        jn_val **heap = jn_alloc(e->cx, (size_t)(nargs + 1) * sizeof *heap);
        memcpy(heap, argbuf, (size_t)nargs * sizeof *heap);
        args = heap;
    }
    const char *name = proc_name(e, pr);
    jn_catch rec = {.kind = JN_CATCH_CALL, .position = expr->position, .token = name};
    CATCH_PUSH(e, &rec);
    if (is_function(proc) && proc->u.f->kind != JN_FN_REGEX) {
        ev_site *site = site_of(e, proc->u.f);
        site->tok = name;
        site->pos = expr->position;
    }
    jn_val *result = apply(e, proc, args, nargs, input, env);
    CATCH_POP(e, &rec);
    return result;
}

static jn_node *param_node(ev *e, int i)
{
    jn_node *n = jn_alloc(e->cx, sizeof *n);
    char name[16];
    int len = snprintf(name, sizeof name, "@%d", i);
    n->type = JN_N_VARIABLE;
    n->str = jn_strndup(e->cx, name, (size_t)len);
    n->slen = (size_t)len;
    n->hash = jn_name_hash(n->str, n->slen);
    return n;
}

/* a placeholder `?` among evaluated partial arguments */
static jn_val placeholder;

static jn_val *partial_procedure(ev *e, ev_lambda *proc, jn_node **params, int nparams, jn_val **args,
                                 int nargs, ev_frame *environment)
{
    ev_frame *env = frame_new(e, proc && proc->env ? proc->env : environment);
    ev_lambda *l = jn_alloc(e->cx, sizeof *l);
    l->params = jn_alloc(e->cx, (size_t)(nparams + 1) * sizeof *l->params);
    for (int i = 0; i < nparams; i++) {
        jn_val *arg = i < nargs ? args[i] : NULL;
        if (arg == &placeholder)
            l->params[l->nparams++] = params[i];
        else
            frame_bind_node(e, env, params[i], arg);
    }
    l->input = proc ? proc->input : NULL;
    l->env = env;
    if (proc) {
        l->body = proc->body;
        l->native = proc->native;
        l->nparams_all = proc->nparams_all;
        l->n_native = proc->n_native;
    }
    return lambda_value(e, l, JN_FN_PARTIAL);
}

static jn_val *eval_partial(ev *e, const jn_node *expr, jn_val *input, ev_frame *env)
{
    int nargs = expr->args.n;
    jn_val **args = jn_alloc(e->cx, (size_t)(nargs + 1) * sizeof *args);
    for (int i = 0; i < nargs; i++) {
        const jn_node *a = expr->args.v[i];
        if (a->type == JN_N_OPERATOR && a->slen == 1 && a->str[0] == '?')
            args[i] = &placeholder;
        else
            args[i] = evaluate(e, a, input, env);
    }
    jn_val *proc = evaluate(e, expr->procedure, input, env);
    const jn_node *pr = expr->procedure;
    if (!proc && pr->type == JN_N_PATH) {
        const jn_node *s0 = pr->steps.v[0];
        if (s0->str && truthy(lookup(e, env, s0->str, s0->slen, jn_name_hash(s0->str, s0->slen))))
            throw_at(e, "T1007", expr->position, s0->str, NULL);
    }
    if (is_lambda(proc)) {
        ev_lambda *l = proc->u.f->impl;
        return partial_procedure(e, l, l->params, l->nparams, args, nargs, env);
    }
    if (is_function(proc)) {
        /* a native: a lambda over the implementation's parameters */
        const jn_func *f = proc->u.f;
        int np;
        if (f->kind == JN_FN_REGEX) {
            np = 2; /* function(str, fromIndex) */
        } else if (f->kind == JN_FN_TRANSFORM) {
            np = 1; /* function(obj) */
        } else {
            const sf_ent *ent = f->name ? sf_find(f->name, strlen(f->name), jn_name_hash(f->name, strlen(f->name)))
                                        : NULL;
            if (ent && ent->val == proc && !strcmp(f->name, "string")) {
                /* the reference builds 'function($arg, $prettify = false){ _ }' from
                 * $string's source and fails to parse it */
                jn_errinfo fi = {.position = 26, .token = "=", .value = jn_num(e->cx, 2)};
                jn_throw_x(e->cx, "S0208", &fi);
            }
            if (ent && ent->val == proc)
                np = ent->partial_params;
            else
                np = f->sig && jn_sig_params(f->sig) > 0 ? jn_sig_params(f->sig) : (f->arity > 0 ? f->arity : 1);
        }
        jn_node **params = jn_alloc(e->cx, (size_t)np * sizeof *params);
        for (int i = 0; i < np; i++)
            params[i] = param_node(e, i);
        ev_lambda body = {.native = proc, .nparams_all = params, .n_native = np};
        return partial_procedure(e, &body, params, np, args, nargs, env);
    }
    throw_at(e, "T1008", expr->position, proc_name(e, pr), NULL);
}

static jn_val *eval_apply(ev *e, const jn_node *expr, jn_val *input, ev_frame *env)
{
    jn_val *lhs = evaluate_lazy(e, expr->lhs, input, env);
    if (expr->rhs->type == JN_N_FUNCTION)
        return eval_function(e, expr->rhs, input, env, true, lhs);
    jn_val *func = evaluate(e, expr->rhs, input, env);
    if (!is_function(func))
        throw_at(e, "T2006", expr->position, NULL, func);
    if (is_function(lhs)) {
        jn_val *chain = evaluate(e, sf.chain, jn_null(), env);
        jn_val *args[2] = {lhs, func};
        jn_val **argv = jn_alloc(e->cx, 2 * sizeof *argv);
        memcpy(argv, args, sizeof args);
        return apply(e, chain, argv, 2, jn_null(), env);
    }
    jn_val **argv = jn_alloc(e->cx, sizeof *argv);
    argv[0] = lhs;
    return apply(e, func, argv, 1, jn_null(), env);
}

/* ---- transforms ---- */

/* Whether `target` is reachable from v (an update that would make the
 * clone contain itself; the reference builds such a value and then fails to
 * print it). */
static bool reaches(ev *e, const jn_val *v, const jn_val *target)
{
    if (!v || (v->type != JN_ARR && v->type != JN_OBJ))
        return false;
    /* an explicit stack and a visited set: values may share subtrees */
    size_t cap = 64, n = 0, vcap = 64, vn = 0;
    const jn_val **stack = jn_alloc(e->cx, cap * sizeof *stack);
    const jn_val **seen = jn_alloc(e->cx, vcap * sizeof *seen);
    stack[n++] = v;
    while (n) {
        const jn_val *x = stack[--n];
        if (x == target)
            return true;
        size_t mask = vcap - 1, h = ((uintptr_t)x >> 4) & mask;
        bool dup = false;
        for (; seen[h]; h = (h + 1) & mask)
            if (seen[h] == x) {
                dup = true;
                break;
            }
        if (dup)
            continue;
        seen[h] = x;
        if (++vn * 2 > vcap) {
            size_t ncap = vcap * 2;
            const jn_val **ns = jn_alloc(e->cx, ncap * sizeof *ns);
            for (size_t i = 0; i < vcap; i++)
                if (seen[i]) {
                    size_t k = ((uintptr_t)seen[i] >> 4) & (ncap - 1);
                    while (ns[k])
                        k = (k + 1) & (ncap - 1);
                    ns[k] = seen[i];
                }
            seen = ns;
            vcap = ncap;
        }
        size_t m = x->type == JN_ARR ? x->u.a.len : x->u.o.len;
        for (size_t i = 0; i < m; i++) {
            const jn_val *c = x->type == JN_ARR ? x->u.a.items[i] : x->u.o.ents[i].val;
            if (c->type != JN_ARR && c->type != JN_OBJ)
                continue;
            if (n == cap) {
                const jn_val **ns = jn_alloc(e->cx, cap * 2 * sizeof *ns);
                memcpy(ns, stack, cap * sizeof *ns);
                stack = ns;
                cap *= 2;
            }
            stack[n++] = c;
        }
    }
    return false;
}

/* A key that JavaScript reads as an array index ("0", "17"; not "01", "-1"
 * or 2^32 - 1 and above): its index, or -1. */
static int64_t array_index(const char *k, size_t n)
{
    if (n == 0 || n > 10 || (n > 1 && k[0] == '0'))
        return -1;
    int64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (k[i] < '0' || k[i] > '9')
            return -1;
        v = v * 10 + (k[i] - '0');
    }
    return v < 4294967295LL ? v : -1;
}

/* How far past its end a transform may grow an array (JavaScript makes a
 * sparse array; the engine does not allocate what only a RangeError could
 * print): as many items as the range operator allows. */
#define JN_ARRAY_GROW_MAX 10000000

/* `match[key] = val` for an array match, as JavaScript assigns it: an index
 * sets (or appends, through holes) an item, `length` truncates or grows with
 * holes, any other key is a property JSON never shows. A hole is the
 * undefined an array can hold. */
static void array_assign(ev *e, jn_val *a, const char *key, size_t klen, jn_val *val)
{
    if (a->flags & JN_FROZEN)
        return;
    int64_t idx = array_index(key, klen);
    int64_t len = (int64_t)a->u.a.len, want;
    if (idx >= 0) {
        want = idx + 1 > len ? idx + 1 : len;
    } else if (klen == 6 && !memcmp(key, "length", 6) && val->type == JN_NUM && val->u.n >= 0 &&
               val->u.n < 4294967295.0 && val->u.n == floor(val->u.n)) {
        want = (int64_t)val->u.n;
    } else {
        return;
    }
    if (want - len > JN_ARRAY_GROW_MAX)
        return;
    if (want < len)
        a->u.a.len = (size_t)want;
    while ((int64_t)a->u.a.len < want)
        jn_arr_push(e->cx, a, jn_undef_item());
    if (idx >= 0)
        a->u.a.items[idx] = val;
}

static jn_val *apply_transform(ev *e, jn_val *fn, jn_val *obj)
{
    if (!obj)
        return NULL;
    ev_transform *t = fn->u.f->impl;
    const jn_node *expr = t->expr;
    ev_frame *env = t->env;
    jn_val *clone = lookup_cstr(e, env, "clone");
    if (!is_function(clone))
        throw_at(e, "T2013", expr->position, NULL, NULL);
    jn_val **argv = jn_alloc(e->cx, sizeof *argv);
    argv[0] = obj;
    jn_val *result = apply(e, clone, argv, 1, jn_null(), env);
    jn_val *matches = evaluate(e, expr->pattern, result, env);
    if (!matches)
        return result;
    ev_list ml;
    list_of(&ml, matches);
    for (size_t i = 0; i < ml.n; i++) {
        jn_val *match = li(&ml, i);
        jn_val *update = evaluate(e, expr->update, match, env);
        if (update) {
            if (update->type != JN_OBJ)
                throw_at(e, "T2011", expr->update->position, NULL, update);
            if (jn_is_obj(match))
                for (size_t k = 0; k < update->u.o.len; k++) {
                    jn_val *val = update->u.o.ents[k].val;
                    if (reaches(e, val, match))
                        throw_at(e, "D2016", expr->update->position, NULL, NULL);
                    jn_obj_set_borrow(e->cx, match, update->u.o.ents[k].key, update->u.o.ents[k].klen, val);
                }
            else if (jn_is_arr(match))
                for (size_t k = 0; k < update->u.o.len; k++)
                    array_assign(e, match, update->u.o.ents[k].key, update->u.o.ents[k].klen,
                                 update->u.o.ents[k].val);
        }
        if (expr->del) {
            jn_val *deletions = evaluate(e, expr->del, match, env);
            if (deletions) {
                jn_val *val = deletions;
                if (!jn_is_arr(deletions)) {
                    jn_val *w = jn_arr(e->cx, 1);
                    jn_arr_push(e->cx, w, deletions);
                    deletions = w;
                }
                if (!jn_is_array_of_strings(deletions))
                    throw_at(e, "T2012", expr->del->position, NULL, val);
                for (size_t k = 0; k < deletions->u.a.len; k++) {
                    const jn_val *d = deletions->u.a.items[k];
                    if (jn_is_obj(match)) {
                        jn_obj_del(e->cx, match, d->u.s.p, d->u.s.len);
                    } else if (jn_is_arr(match) && !(match->flags & JN_FROZEN)) {
                        /* delete leaves a hole where an index was */
                        int64_t idx = array_index(d->u.s.p, d->u.s.len);
                        if (idx >= 0 && idx < (int64_t)match->u.a.len)
                            match->u.a.items[idx] = jn_undef_item();
                    }
                }
            }
        }
    }
    return result;
}

static jn_val *eval_transform(ev *e, const jn_node *expr, ev_frame *env)
{
    ev_transform *t = jn_alloc(e->cx, sizeof *t);
    t->expr = expr;
    t->env = env;
    jn_val *v = jn_func_new(e->cx, JN_FN_TRANSFORM, t);
    v->u.f->arity = 1;
    v->u.f->sig = sf.transform_sig;
    return v;
}

/* ---- evaluate ---- */

static jn_val *eval_variable(ev *e, const jn_node *expr, jn_val *input, ev_frame *env)
{
    if (expr->slen == 0)
        return jn_is_arr(input) && (input->flags & JN_OUTER_WRAPPER) ? input->u.a.items[0] : input;
    return lookup(e, env, expr->str, expr->slen, expr->hash);
}

static jn_val *eval_block(ev *e, const jn_node *expr, jn_val *input, ev_frame *env)
{
    ev_frame *frame = frame_new(e, env);
    jn_val *result = NULL;
    for (int i = 0; i < expr->exprs.n; i++)
        result = evaluate(e, expr->exprs.v[i], input, frame);
    return result;
}

static jn_val *eval_condition(ev *e, const jn_node *expr, jn_val *input, ev_frame *env)
{
    jn_val *c = evaluate(e, expr->condition, input, env);
    if (to_boolean(e, c))
        return evaluate(e, expr->then, input, env);
    if (expr->els)
        return evaluate(e, expr->els, input, env);
    return NULL;
}

static jn_val *evaluate_lazy(ev *e, const jn_node *expr, jn_val *input, ev_frame *env)
{
    enter(e, env);
    jn_val *result = NULL;
    switch (expr->type) {
    case JN_N_PATH:
        result = eval_path(e, expr, input, env);
        break;
    case JN_N_BINARY:
        result = eval_binary(e, expr, input, env);
        break;
    case JN_N_UNARY:
        result = eval_unary(e, expr, input, env);
        break;
    case JN_N_NAME:
        result = lookup_field(e, input, expr->str, expr->slen);
        break;
    case JN_N_STRING:
    case JN_N_NUMBER:
    case JN_N_VALUE:
        result = expr->lit;
        break;
    case JN_N_WILDCARD:
        result = eval_wildcard(e, input);
        break;
    case JN_N_DESCENDANT:
        result = eval_descendants(e, input);
        break;
    case JN_N_PARENT:
        result = lookup(e, env, expr->slot->label, strlen(expr->slot->label),
                        jn_name_hash(expr->slot->label, strlen(expr->slot->label)));
        break;
    case JN_N_CONDITION:
        result = eval_condition(e, expr, input, env);
        break;
    case JN_N_BLOCK:
        result = eval_block(e, expr, input, env);
        break;
    case JN_N_BIND:
        result = evaluate(e, expr->rhs, input, env);
        frame_bind_node(e, env, expr->lhs, result);
        break;
    case JN_N_REGEX:
        result = jn_regex_value(e->cx, expr->regex);
        break;
    case JN_N_FUNCTION:
        result = eval_function(e, expr, input, env, false, NULL);
        break;
    case JN_N_VARIABLE:
        result = eval_variable(e, expr, input, env);
        break;
    case JN_N_LAMBDA:
        result = eval_lambda(e, expr, input, env);
        break;
    case JN_N_PARTIAL:
        result = eval_partial(e, expr, input, env);
        break;
    case JN_N_APPLY:
        result = eval_apply(e, expr, input, env);
        break;
    case JN_N_TRANSFORM:
        result = eval_transform(e, expr, env);
        break;
    default:
        break;
    }
    if (expr->predicate.n || expr->group)
        range_force(e, result);
    for (int i = 0; i < expr->predicate.n; i++)
        result = eval_filter(e, expr->predicate.v[i].expr, result, env);
    if (expr->type != JN_N_PATH && expr->group)
        result = eval_group(e, expr->group, result, env);
    leave(e, env);
    if (jn_is_seq(result) && !(result->flags & JN_TUPLE_STREAM)) {
        if (expr->keep_array)
            result->flags |= JN_KEEP_SINGLETON;
        if (result->u.a.len == 0)
            result = NULL;
        else if (result->u.a.len == 1 && !(result->flags & JN_KEEP_SINGLETON))
            result = result->u.a.items[0] == &undef_item ? NULL : result->u.a.items[0];
    }
    return result;
}

/* ---- the built-ins of this file: $eval, $clone, $now, $millis ---- */

static jn_val *fn_eval(jn_ctx *cx, jn_val **argv, int argc)
{
    ev *e = EV(cx);
    jn_val *text = argc > 0 ? argv[0] : NULL;
    if (!text)
        return NULL;
    jn_val *volatile input = cx->focus;
    jn_val *focus = argc > 1 ? argv[1] : NULL;
    if (focus) {
        input = focus;
        if (jn_is_arr(input) && !jn_is_seq(input)) {
            input = seq_of(e, input);
            input->flags |= JN_OUTER_WRAPPER;
        }
    }
    jn_syntax_error err;
    const jn_node *ast = jn_parse(cx, text->u.s.p, text->u.s.len, &err);
    if (!ast) {
        stc_buf msg = {0};
        jn_syntax_error_message(&err, &msg);
        jn_val *m = jn_str(cx, msg.data ? msg.data : "", msg.len);
        stc_buf_free(&msg);
        jn_throw(cx, "D3120", m);
    }
    jmp_buf jb;
    jn_catch rec = {.kind = JN_CATCH_JUMP, .jmp = &jb};
    ev_frame *env = e->native_env ? e->native_env : e->root;
    void *data = cx->host_data;
    jn_val *saved_focus = cx->focus;
    CATCH_PUSH(e, &rec);
    if (setjmp(jb) == 0) {
        jn_val *r = evaluate(e, ast, input, env);
        CATCH_POP(e, &rec);
        return r;
    }
    /* the thrower has popped the records up to ours */
    cx->focus = saved_focus;
    cx->host_data = data;
    e->native_env = env;
    jn_val *m = jn_str_cstr(cx, cx->err_message ? cx->err_message : "");
    jn_throw(cx, "D3121", m);
}

/* JSON.parse(fn.string(arg)): numbers to 15 significant digits, functions
 * as "", NaN as null. */
static jn_val *clone_value(ev *e, jn_val *v)
{
    if ((uintptr_t)__builtin_frame_address(0) < e->floor)
        throw_msg(e, "U1001", JN_MSG_STACK);
    switch ((jn_type)v->type) {
    case JN_NULL:
    case JN_BOOL:
    case JN_STR:
        return v;
    case JN_NUM:
        if (isnan(v->u.n))
            return jn_null();
        if (v->u.n == floor(v->u.n))
            return jn_num(e->cx, v->u.n == 0 ? 0.0 : v->u.n);
        return jn_num(e->cx, jn_num_round15(v->u.n));
    case JN_FUNC:
        return jn_str(e->cx, "", 0);
    case JN_ARR: {
        jn_val *a = jn_arr(e->cx, v->u.a.len);
        for (size_t i = 0; i < v->u.a.len; i++)
            jn_arr_push(e->cx, a, clone_value(e, v->u.a.items[i]));
        return a;
    }
    case JN_OBJ: {
        jn_val *o = jn_obj(e->cx, v->u.o.len);
        for (size_t i = 0; i < v->u.o.len; i++)
            jn_obj_set_borrow(e->cx, o, v->u.o.ents[i].key, v->u.o.ents[i].klen,
                              clone_value(e, v->u.o.ents[i].val));
        return o;
    }
    }
    return NULL;
}

static jn_val *fn_clone(jn_ctx *cx, jn_val **argv, int argc)
{
    ev *e = EV(cx);
    jn_val *arg = argc > 0 ? argv[0] : NULL;
    if (!arg)
        return NULL;
    if (jn_is_arr(arg) && (arg->flags & JN_OUTER_WRAPPER) && arg->u.a.len)
        arg = arg->u.a.items[0];
    check_finite(e, arg);
    return clone_value(e, arg);
}

static jn_val *fn_now(jn_ctx *cx, jn_val **argv, int argc)
{
    jn_val *args[3] = {jn_num(cx, (double)cx->now_ms), argc > 0 ? argv[0] : NULL, argc > 1 ? argv[1] : NULL};
    if (!sf.from_millis)
        throw_msg(EV(cx), "D3137", "$fromMillis is not available");
    jn_val **a = jn_alloc(cx, sizeof args);
    memcpy(a, args, sizeof args);
    return sf.from_millis(cx, a, 3);
}

static jn_val *fn_millis(jn_ctx *cx, jn_val **argv, int argc)
{
    (void)argv;
    (void)argc;
    return jn_num(cx, (double)cx->now_ms);
}

const jn_builtin jn_builtins_eval[] = {
    {"eval", fn_eval, "<sx?:x>"},
    {"clone", fn_clone, "<(oa)-:o>"},
    {"now", fn_now, "<s?s?:s>"},
    {"millis", fn_millis, "<:n>"},
    {NULL, NULL, NULL},
};

/* ---- the API of value.h and eval.h ---- */

jn_val *jn_apply(jn_ctx *cx, jn_val *fn, jn_val **argv, int argc)
{
    ev *e = EV(cx);
    /* items handed on as arguments: an undefined item is undefined again */
    for (int i = 0; i < argc; i++)
        if (argv[i] == jn_undef_item()) {
            jn_val **copy = jn_alloc(cx, (size_t)argc * sizeof *copy);
            for (int k = 0; k < argc; k++)
                copy[k] = argv[k] == jn_undef_item() ? NULL : argv[k];
            argv = copy;
            break;
        }
    if (e)
        return apply(e, fn, argv, argc, jn_null(), e->native_env ? e->native_env : e->root);
    /* outside an evaluation (the function library's unit tests): natives only */
    if (!is_function(fn))
        jn_throw(cx, "T1006", NULL);
    if (fn->u.f->kind == JN_FN_REGEX)
        return jn_regex_apply(cx, fn, argv, argc);
    if (fn->u.f->kind != JN_FN_NATIVE)
        abort();
    if (fn->u.f->sig)
        argv = jn_sig_validate(cx, fn->u.f->sig, argv, argc, jn_null(), &argc);
    return fn->u.f->native(cx, argv, argc);
}

int jn_func_arity(const jn_val *fn)
{
    if (!is_function(fn))
        return 0;
    if (fn->u.f->kind == JN_FN_LAMBDA || fn->u.f->kind == JN_FN_PARTIAL)
        return ((const ev_lambda *)fn->u.f->impl)->nparams;
    return fn->u.f->arity;
}

jn_val *jn_hostfn_new(jn_ctx *cx, const stc_jsonata_function *hf, const char **code, int *offset)
{
    const jn_sig *sig = NULL;
    if (hf->signature) {
        const char *value;
        sig = jn_sig_parse(cx, hf->signature, strlen(hf->signature), code, offset, &value);
        if (!sig)
            return NULL;
    }
    jn_func *f = jn_alloc(cx, sizeof *f);
    f->kind = JN_FN_NATIVE;
    f->name = jn_strndup(cx, hf->name, strlen(hf->name));
    f->native = (jn_native_fn)hf->fn;
    f->sig = sig;
    f->arity = sig ? jn_sig_params(sig) : 0;
    f->impl = hf->data;
    jn_val *v = jn_alloc(cx, sizeof *v);
    v->type = JN_FUNC;
    v->u.f = f;
    return v;
}

/* The evaluation under its catching record (kept apart from the setup so
 * that nothing the setup changed lives across the setjmp). */
static int run_guarded(jn_ctx *cx, ev *e, const jn_node *ast, jn_val **out)
{
    cx->have_jmp = 1;
    if (setjmp(cx->jmp)) {
        cx->have_jmp = 0;
        cx->eval = NULL;
        cx->catches = NULL;
        return -1;
    }
    jn_val *r = evaluate(e, ast, e->input, e->root);
    cx->have_jmp = 0;
    cx->eval = NULL;
    *out = r;
    return 0;
}

int jn_eval_run(jn_ctx *cx, const jn_node *ast, jn_val *input, const stc_jsonata_options *o,
                const jn_hostfn *hostfns, size_t nhostfns, jn_val **out)
{
    pthread_once(&sf_once, sf_init);
    ev *e = jn_alloc(cx, sizeof *e);
    e->cx = cx;
    e->o = o;
    e->host = hostfns;
    e->nhost = nhostfns;
    e->floor = jn_stack_floor();
    e->root = frame_new(e, NULL);
    frame_bind(e, e->root, "$", 1, 0x210C8933u /* jn_name_hash("$", 1) */, input);
    if (jn_is_arr(input) && !jn_is_seq(input)) {
        jn_val *w = seq_of(e, input);
        w->flags |= JN_OUTER_WRAPPER;
        input = w;
    }
    e->input = input;
    if (o && (o->timelimit_ms > 0 || o->depth > 0)) {
        e->timebox = true;
        e->max_depth = o->depth;
        e->timelimit = o->timelimit_ms;
        e->start_ms = now_ms();
    }
    cx->eval = e;
    cx->catches = NULL;
    cx->focus = NULL;
    cx->host_data = NULL;
    return run_guarded(cx, e, ast, out);
}
