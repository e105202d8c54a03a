/* value.c - JSONata values: the arena, construction, objects in JavaScript key
 * order, JSON in and out, numbers printed as JavaScript prints them. */
#include "stepsim/jsonata/value.h"

#include "stepsim/jsonata/context.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "stepsim/jsonata/context.h"

/* ---- arena ---- */

#define JN_BLOCK_SIZE (64u * 1024u)
#define JN_BIG (JN_BLOCK_SIZE / 4u)
#define JN_SPARE_MAX (32u << 20)

struct jn_block {
    jn_block *next;
    size_t size, used;
    size_t dirty; /* data[dirty..size) is still zero (calloc's) */
    bool big;    /* a single large allocation: freed at reset, never reused */
    bool mapped; /* a big one from mmap (zero pages, huge pages where allowed) */
    _Alignas(16) unsigned char data[];
};

/* Big allocations of a megabyte and more come from mmap: the pages are zero
 * already (no memset pass over them) and may be huge pages, so that the
 * hundreds of megabytes of a range like [1..10000000] fault in a few
 * hundred times instead of a hundred thousand. */
#define JN_MAP_MIN (1u << 20)

static void block_free(jn_block *b)
{
    if (b->mapped)
        munmap(b, sizeof *b + b->size);
    else
        free(b);
}

/* A block for small allocations. The first JN_SMALL_BLOCKS a context takes
 * are JN_BLOCK_SIZE bytes from calloc (fresh pages come zero from the
 * kernel, and the C library does not clear them again); an evaluation that
 * needs more gets JN_LARGE_BLOCK bytes mapped with their pages in at once
 * (MAP_POPULATE: one call instead of a fault per page). */
#define JN_SMALL_BLOCKS 16u
#define JN_LARGE_BLOCK (1u << 20)

static jn_block *block_new(jn_ctx *cx)
{
    jn_block *b = NULL;
    if (cx->arena.nblocks++ >= JN_SMALL_BLOCKS) {
        void *m = mmap(NULL, JN_LARGE_BLOCK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE,
                       -1, 0);
        if (m != MAP_FAILED) {
            b = m;
            b->size = JN_LARGE_BLOCK - sizeof *b;
            b->mapped = true;
        }
    }
    if (!b) {
        b = stc_xcalloc(1, sizeof *b + JN_BLOCK_SIZE);
        b->size = JN_BLOCK_SIZE;
        b->mapped = false;
    }
    b->big = false;
    b->dirty = 0;
    return b;
}

struct jn_deferred {
    jn_deferred *next;
    void (*fn)(void *);
    void *p;
};

void jn_ctx_init(jn_ctx *cx)
{
    memset(cx, 0, sizeof *cx);
    cx->err_position = -1;
    cx->cur_position = -1;
}

static void run_deferred(jn_ctx *cx)
{
    jn_deferred *d = cx->arena.deferred;
    cx->arena.deferred = NULL;
    /* in reverse order of registration: the list is newest first */
    while (d) {
        jn_deferred *next = d->next;
        d->fn(d->p);
        d = next;
    }
}

void jn_ctx_reset(jn_ctx *cx)
{
    run_deferred(cx);
    jn_block *b = cx->arena.head;
    while (b) {
        jn_block *next = b->next;
        if (b->big) {
            block_free(b);
        } else if (cx->arena.spare_bytes + b->size <= JN_SPARE_MAX) {
            /* kept for the next evaluation, up to JN_SPARE_MAX: memory given
             * back to the C library goes back to the kernel, and the next
             * evaluation pays for its pages again (the kernel clears each) */
            b->used = 0;
            b->next = cx->arena.spare;
            cx->arena.spare = b;
            cx->arena.spare_bytes += b->size;
        } else {
            block_free(b);
        }
        b = next;
    }
    cx->arena.head = NULL;
    cx->arena.bytes = 0;
}

void jn_ctx_dispose(jn_ctx *cx)
{
    jn_ctx_reset(cx);
    jn_block *b = cx->arena.spare;
    while (b) {
        jn_block *next = b->next;
        block_free(b);
        b = next;
    }
    cx->arena.spare = NULL;
    cx->arena.spare_bytes = 0;
}

void *jn_alloc(jn_ctx *cx, size_t n)
{
    n = (n + 15u) & ~(size_t)15u;
    if (n == 0)
        n = 16;
    cx->arena.bytes += n;
    if (n >= JN_BIG) {
        jn_block *b = NULL;
        bool mapped = false;
        if (n >= JN_MAP_MIN) {
            void *m = mmap(NULL, sizeof *b + n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            if (m != MAP_FAILED) {
#ifdef MADV_HUGEPAGE
                madvise(m, sizeof *b + n, MADV_HUGEPAGE);
#endif
                b = m;
                mapped = true;
            }
        }
        if (!b) {
            b = stc_xmalloc(sizeof *b + n);
            memset(b->data, 0, n);
        }
        b->size = n;
        b->used = n;
        b->big = true;
        b->mapped = mapped;
        /* behind the current block, so the current one keeps filling */
        if (cx->arena.head) {
            b->next = cx->arena.head->next;
            cx->arena.head->next = b;
        } else {
            b->next = NULL;
            cx->arena.head = b;
        }
        return b->data;
    }
    jn_block *h = cx->arena.head;
    if (!h || h->big || h->size - h->used < n) {
        jn_block *b = cx->arena.spare;
        if (b) {
            cx->arena.spare = b->next;
            cx->arena.spare_bytes -= b->size;
        } else {
            b = block_new(cx);
        }
        b->used = 0;
        b->next = cx->arena.head;
        cx->arena.head = b;
        h = b;
    }
    unsigned char *p = h->data + h->used;
    if (h->used < h->dirty) /* clear what an earlier evaluation used */
        memset(p, 0, h->dirty - h->used < n ? h->dirty - h->used : n);
    h->used += n;
    if (h->used > h->dirty)
        h->dirty = h->used;
    return p;
}

char *jn_strndup(jn_ctx *cx, const char *s, size_t n)
{
    char *p = jn_alloc(cx, n + 1);
    if (n)
        memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

void jn_defer(jn_ctx *cx, void (*fn)(void *), void *p)
{
    jn_deferred *d = jn_alloc(cx, sizeof *d);
    d->fn = fn;
    d->p = p;
    d->next = cx->arena.deferred;
    cx->arena.deferred = d;
}

/* ---- construction ---- */

static jn_val v_null = {.type = JN_NULL};
static jn_val v_true = {.type = JN_BOOL, .u.b = true};
static jn_val v_false = {.type = JN_BOOL, .u.b = false};

static jn_val v_undef_item = {.type = JN_NULL};

jn_val *jn_null(void) { return &v_null; }
jn_val *jn_undef_item(void) { return &v_undef_item; }
jn_val *jn_true(void) { return &v_true; }
jn_val *jn_false(void) { return &v_false; }
jn_val *jn_bool(bool b) { return b ? &v_true : &v_false; }

jn_val *jn_num(jn_ctx *cx, double n)
{
    /* the type and the double only (value.h: JN_NUM_SIZE) */
    jn_val *v = jn_alloc(cx, JN_NUM_SIZE);
    v->type = JN_NUM;
    v->u.n = n;
    return v;
}

/* The bytes a value of a kind takes (value.h: only its part of the union). */
#define JN_STR_SIZE (offsetof(jn_val, u) + sizeof(((jn_val *)0)->u.s))
#define JN_ARR_SIZE (offsetof(jn_val, u) + sizeof(((jn_val *)0)->u.a))
#define JN_FUNC_SIZE (offsetof(jn_val, u) + sizeof(((jn_val *)0)->u.f))

jn_val *jn_str_borrow(jn_ctx *cx, const char *s, size_t len)
{
    jn_val *v = jn_alloc(cx, JN_STR_SIZE);
    v->type = JN_STR;
    v->u.s.p = s;
    v->u.s.len = len;
    return v;
}

jn_val *jn_str(jn_ctx *cx, const char *s, size_t len)
{
    /* the value and its bytes in one allocation */
    jn_val *v = jn_alloc(cx, JN_STR_SIZE + len + 1);
    char *p = (char *)v + JN_STR_SIZE;
    if (len)
        memcpy(p, s, len);
    p[len] = '\0';
    v->type = JN_STR;
    v->u.s.p = p;
    v->u.s.len = len;
    return v;
}

jn_val *jn_str_cstr(jn_ctx *cx, const char *s) { return jn_str(cx, s, strlen(s)); }

jn_val *jn_str_take_buf(jn_ctx *cx, stc_buf *b)
{
    jn_val *v = jn_str(cx, b->data ? b->data : "", b->len);
    stc_buf_clear(b);
    return v;
}

jn_val *jn_arr(jn_ctx *cx, size_t cap)
{
    jn_val *v = jn_alloc(cx, JN_ARR_SIZE);
    v->type = JN_ARR;
    if (cap) {
        v->u.a.items = jn_alloc(cx, cap * sizeof *v->u.a.items);
        v->u.a.cap = cap;
    }
    return v;
}

jn_val *jn_seq(jn_ctx *cx, size_t cap)
{
    jn_val *v = jn_arr(cx, cap);
    v->flags = JN_SEQ;
    return v;
}

void jn_arr_push(jn_ctx *cx, jn_val *a, jn_val *v)
{
    if (a->u.a.len == a->u.a.cap) {
        size_t cap = a->u.a.cap ? a->u.a.cap * 2 : 4;
        jn_val **items = jn_alloc(cx, cap * sizeof *items);
        if (a->u.a.len)
            memcpy(items, a->u.a.items, a->u.a.len * sizeof *items);
        a->u.a.items = items;
        a->u.a.cap = cap;
    }
    a->u.a.items[a->u.a.len++] = v;
}

jn_val *jn_obj(jn_ctx *cx, size_t cap)
{
    jn_val *v = jn_alloc(cx, sizeof *v);
    v->type = JN_OBJ;
    if (cap) {
        v->u.o.ents = jn_alloc(cx, cap * sizeof *v->u.o.ents);
        v->u.o.cap = cap;
    }
    return v;
}

jn_val *jn_func_new(jn_ctx *cx, jn_func_kind kind, void *impl)
{
    jn_func *f = jn_alloc(cx, sizeof *f);
    f->kind = kind;
    f->impl = impl;
    jn_val *v = jn_alloc(cx, JN_FUNC_SIZE);
    v->type = JN_FUNC;
    v->u.f = f;
    return v;
}

/* ---- objects ---- */

#define JN_INDEX_MIN 9 /* objects with more keys than this get a hash index */

static uint32_t key_hash(const char *k, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)k[i];
        h *= 16777619u;
    }
    return h;
}

/* A canonical array index as JavaScript orders it: "0" or [1-9][0-9]*, below
 * 2^32 - 1. Sets *idx. */
static bool array_index_key(const char *k, size_t n, uint32_t *idx)
{
    if (n == 0 || n > 10)
        return false;
    if (k[0] == '0')
        return n == 1 ? (*idx = 0, true) : false;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (k[i] < '0' || k[i] > '9')
            return false;
        v = v * 10 + (uint64_t)(k[i] - '0');
    }
    if (v >= 4294967295u)
        return false;
    *idx = (uint32_t)v;
    return true;
}

static void index_rebuild(jn_ctx *cx, jn_val *o)
{
    size_t need = 16;
    while (need < o->u.o.len * 2)
        need *= 2;
    if (o->u.o.icap < need) {
        o->u.o.index = jn_alloc(cx, need * sizeof *o->u.o.index);
        o->u.o.icap = need;
    } else {
        memset(o->u.o.index, 0, o->u.o.icap * sizeof *o->u.o.index);
    }
    size_t mask = o->u.o.icap - 1;
    for (size_t i = 0; i < o->u.o.len; i++) {
        size_t s = o->u.o.ents[i].hash & mask;
        while (o->u.o.index[s])
            s = (s + 1) & mask;
        o->u.o.index[s] = (uint32_t)(i + 1);
    }
}

static long obj_find(const jn_val *o, const char *key, size_t klen, uint32_t h)
{
    if (o->u.o.index) {
        size_t mask = o->u.o.icap - 1;
        for (size_t s = h & mask; o->u.o.index[s]; s = (s + 1) & mask) {
            const jn_objent *e = &o->u.o.ents[o->u.o.index[s] - 1];
            if (e->hash == h && e->klen == klen && !memcmp(e->key, key, klen))
                return (long)(o->u.o.index[s] - 1);
        }
        return -1;
    }
    for (size_t i = 0; i < o->u.o.len; i++) {
        const jn_objent *e = &o->u.o.ents[i];
        if (e->hash == h && e->klen == klen && !memcmp(e->key, key, klen))
            return (long)i;
    }
    return -1;
}

jn_val *jn_obj_get(const jn_val *o, const char *key, size_t klen)
{
    if (!o || o->type != JN_OBJ)
        return NULL;
    long i = obj_find(o, key, klen, key_hash(key, klen));
    return i < 0 ? NULL : o->u.o.ents[i].val;
}

static void obj_put(jn_ctx *cx, jn_val *o, const char *key, size_t klen, jn_val *v, bool copy)
{
    uint32_t h = key_hash(key, klen);
    long found = obj_find(o, key, klen, h);
    if (found >= 0) {
        o->u.o.ents[found].val = v;
        return;
    }
    if (o->u.o.len == o->u.o.cap) {
        size_t cap = o->u.o.cap ? o->u.o.cap * 2 : 4;
        jn_objent *ents = jn_alloc(cx, cap * sizeof *ents);
        if (o->u.o.len)
            memcpy(ents, o->u.o.ents, o->u.o.len * sizeof *ents);
        o->u.o.ents = ents;
        o->u.o.cap = cap;
    }
    size_t pos = o->u.o.len;
    uint32_t idx;
    if (array_index_key(key, klen, &idx)) {
        /* after the last index key below idx: index keys lead, ascending */
        pos = 0;
        while (pos < o->u.o.len) {
            uint32_t other;
            const jn_objent *e = &o->u.o.ents[pos];
            if (!array_index_key(e->key, e->klen, &other) || other > idx)
                break;
            pos++;
        }
        memmove(&o->u.o.ents[pos + 1], &o->u.o.ents[pos],
                (o->u.o.len - pos) * sizeof *o->u.o.ents);
    }
    jn_objent *e = &o->u.o.ents[pos];
    e->key = copy ? jn_strndup(cx, key, klen) : key;
    e->klen = (uint32_t)klen;
    e->hash = h;
    e->val = v;
    o->u.o.len++;
    if (o->u.o.len >= JN_INDEX_MIN) {
        if (pos != o->u.o.len - 1 || !o->u.o.index || o->u.o.len * 2 > o->u.o.icap) {
            index_rebuild(cx, o);
        } else {
            size_t mask = o->u.o.icap - 1, s = h & mask;
            while (o->u.o.index[s])
                s = (s + 1) & mask;
            o->u.o.index[s] = (uint32_t)o->u.o.len;
        }
    }
}

void jn_obj_set(jn_ctx *cx, jn_val *o, const char *key, size_t klen, jn_val *v)
{
    obj_put(cx, o, key, klen, v, true);
}

void jn_obj_set_borrow(jn_ctx *cx, jn_val *o, const char *key, size_t klen, jn_val *v)
{
    obj_put(cx, o, key, klen, v, false);
}

bool jn_obj_del(jn_ctx *cx, jn_val *o, const char *key, size_t klen)
{
    long i = obj_find(o, key, klen, key_hash(key, klen));
    if (i < 0)
        return false;
    memmove(&o->u.o.ents[i], &o->u.o.ents[i + 1],
            (o->u.o.len - (size_t)i - 1) * sizeof *o->u.o.ents);
    o->u.o.len--;
    if (o->u.o.index) {
        if (o->u.o.len >= JN_INDEX_MIN)
            index_rebuild(cx, o);
        else
            o->u.o.index = NULL, o->u.o.icap = 0;
    }
    return true;
}

/* ---- predicates ---- */

bool jn_is_numeric(const jn_val *v)
{
    return v && v->type == JN_NUM && isfinite(v->u.n);
}

bool jn_is_array_of_strings(const jn_val *v)
{
    if (!jn_is_arr(v))
        return false;
    for (size_t i = 0; i < v->u.a.len; i++)
        if (v->u.a.items[i]->type != JN_STR)
            return false;
    return true;
}

bool jn_is_array_of_numbers(const jn_val *v)
{
    if (!jn_is_arr(v))
        return false;
    for (size_t i = 0; i < v->u.a.len; i++)
        if (!jn_is_numeric(v->u.a.items[i]))
            return false;
    return true;
}

/* ---- strings ---- */

size_t jn_str_cplen(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            n++;
    return n;
}

size_t jn_str_cpoffset(const char *s, size_t len, size_t i)
{
    size_t off = 0;
    while (off < len && i > 0) {
        off++;
        while (off < len && ((unsigned char)s[off] & 0xC0) == 0x80)
            off++;
        i--;
    }
    return off;
}

/* ---- numbers ---- */

size_t jn_num_format(double d, char out[32])
{
    if (isnan(d))
        return (size_t)snprintf(out, 32, "NaN");
    if (isinf(d))
        return (size_t)snprintf(out, 32, d < 0 ? "-Infinity" : "Infinity");
    if (d == 0)
        return (size_t)snprintf(out, 32, "0");
    if (d == floor(d) && fabs(d) < 9007199254740992.0) /* integers: no printf (hot) */
        return stc_format_uint((unsigned long long)fabs(d), d < 0, out);
    /* Shortest round-trip digits. For a normal double, when 15 significant
     * digits read back, the shortest form is those digits without trailing
     * zeros (a shorter form D is within half an ulp of d, closer than half the
     * 15-digit spacing, so d rounds to D); else 16 or 17 digits. Subnormals
     * have fewer bits: search every precision. */
    char e[40];
    int prec = fabs(d) < 2.2250738585072014e-308 ? 1 : 15;
    for (; prec <= 17; prec++) {
        snprintf(e, sizeof e, "%.*e", prec - 1, d);
        if (strtod(e, NULL) == d)
            break;
    }
    /* e: [-]D.DDDDe[+-]XX */
    const char *p = e;
    bool neg = false;
    if (*p == '-')
        neg = true, p++;
    char digits[20];
    size_t k = 0;
    for (; *p && *p != 'e'; p++)
        if (*p >= '0' && *p <= '9')
            digits[k++] = *p;
    int exp10 = atoi(p + 1);
    while (k > 1 && digits[k - 1] == '0')
        k--;
    int n = exp10 + 1; /* the decimal point sits after n digits */
    char *o = out;
    if (neg)
        *o++ = '-';
    if ((int)k <= n && n <= 21) {
        memcpy(o, digits, k), o += k;
        for (int i = (int)k; i < n; i++)
            *o++ = '0';
    } else if (0 < n && n <= 21) {
        memcpy(o, digits, (size_t)n), o += n;
        *o++ = '.';
        memcpy(o, digits + n, k - (size_t)n), o += k - (size_t)n;
    } else if (-6 < n && n <= 0) {
        *o++ = '0', *o++ = '.';
        for (int i = 0; i < -n; i++)
            *o++ = '0';
        memcpy(o, digits, k), o += k;
    } else {
        *o++ = digits[0];
        if (k > 1) {
            *o++ = '.';
            memcpy(o, digits + 1, k - 1), o += k - 1;
        }
        o += snprintf(o, 8, "e%c%d", n - 1 < 0 ? '-' : '+', abs(n - 1));
    }
    *o = '\0';
    return (size_t)(o - out);
}

/* ---- JSON in ---- */

jn_val *jn_from_cjson(jn_ctx *cx, const cJSON *j)
{
    if (!j)
        return NULL;
    if (cJSON_IsNull(j))
        return jn_null();
    if (cJSON_IsTrue(j))
        return jn_true();
    if (cJSON_IsFalse(j))
        return jn_false();
    if (cJSON_IsNumber(j))
        return jn_num(cx, j->valuedouble);
    if (cJSON_IsString(j))
        return jn_str_cstr(cx, j->valuestring ? j->valuestring : "");
    if (cJSON_IsArray(j)) {
        jn_val *a = jn_arr(cx, (size_t)cJSON_GetArraySize(j));
        for (const cJSON *c = j->child; c; c = c->next) {
            jn_val *v = jn_from_cjson(cx, c);
            if (v)
                jn_arr_push(cx, a, v);
        }
        return a;
    }
    if (cJSON_IsObject(j)) {
        jn_val *o = jn_obj(cx, (size_t)cJSON_GetArraySize(j));
        for (const cJSON *c = j->child; c; c = c->next) {
            jn_val *v = jn_from_cjson(cx, c);
            if (v && c->string)
                jn_obj_set(cx, o, c->string, strlen(c->string), v);
        }
        return o;
    }
    return NULL; /* cJSON_Raw / invalid: nothing JSON could give */
}

jn_val *jn_parse_json(jn_ctx *cx, const char *text, size_t len)
{
    cJSON *j = cJSON_ParseWithLength(text, len);
    if (!j)
        return NULL;
    jn_val *v = jn_from_cjson(cx, j);
    cJSON_Delete(j);
    return v;
}

/* ---- JSON out ---- */

bool jn_stack_low(void) { return (uintptr_t)__builtin_frame_address(0) < jn_stack_floor(); }

/* Whether v nests deeper than `max` levels of arrays and objects (or than
 * the stack lets this walk go). */
static bool nests_deeper(const jn_val *v, int max)
{
    if (!v || (v->type != JN_ARR && v->type != JN_OBJ))
        return false;
    if (max <= 0 || jn_stack_low())
        return true;
    if (v->type == JN_ARR) {
        for (size_t i = 0; i < v->u.a.len; i++)
            if (nests_deeper(v->u.a.items[i], max - 1))
                return true;
    } else {
        for (size_t i = 0; i < v->u.o.len; i++)
            if (nests_deeper(v->u.o.ents[i].val, max - 1))
                return true;
    }
    return false;
}

static cJSON *to_cjson(const jn_val *v, bool *deep)
{
    if (!v)
        return NULL;
    if ((v->type == JN_ARR || v->type == JN_OBJ) && jn_stack_low()) {
        *deep = true;
        return NULL;
    }
    switch ((jn_type)v->type) {
    case JN_NULL:
        return cJSON_CreateNull();
    case JN_BOOL:
        return cJSON_CreateBool(v->u.b);
    case JN_NUM:
        return isfinite(v->u.n) ? cJSON_CreateNumber(v->u.n == 0 ? 0.0 : v->u.n) : cJSON_CreateNull();
    case JN_STR:
        return cJSON_CreateString(v->u.s.p);
    case JN_ARR: {
        cJSON *a = cJSON_CreateArray();
        for (size_t i = 0; i < v->u.a.len; i++) {
            cJSON *c = to_cjson(v->u.a.items[i], deep);
            if (*deep) {
                cJSON_Delete(a);
                return NULL;
            }
            cJSON_AddItemToArray(a, c ? c : cJSON_CreateNull());
        }
        return a;
    }
    case JN_OBJ: {
        cJSON *o = cJSON_CreateObject();
        for (size_t i = 0; i < v->u.o.len; i++) {
            cJSON *c = to_cjson(v->u.o.ents[i].val, deep);
            if (*deep) {
                cJSON_Delete(o);
                return NULL;
            }
            if (c)
                cJSON_AddItemToObject(o, v->u.o.ents[i].key, c);
        }
        return o;
    }
    case JN_FUNC:
        return NULL;
    }
    return NULL;
}

cJSON *jn_to_cjson_checked(const jn_val *v, bool *too_deep)
{
    *too_deep = nests_deeper(v, JN_JSON_MAX_NESTING);
    if (*too_deep)
        return NULL;
    return to_cjson(v, too_deep);
}

cJSON *jn_to_cjson(const jn_val *v)
{
    bool deep;
    return jn_to_cjson_checked(v, &deep);
}

static void json_string(stc_buf *b, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    stc_buf_putc(b, '"');
    size_t run = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *esc = NULL;
        char u[7];
        switch (c) {
        case '"': esc = "\\\""; break;
        case '\\': esc = "\\\\"; break;
        case '\b': esc = "\\b"; break;
        case '\f': esc = "\\f"; break;
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        case '\t': esc = "\\t"; break;
        default:
            if (c < 0x20) {
                u[0] = '\\', u[1] = 'u', u[2] = '0', u[3] = '0';
                u[4] = hex[c >> 4], u[5] = hex[c & 15], u[6] = '\0';
                esc = u;
            } else if (c == 0xED && i + 2 < len && ((unsigned char)s[i + 1] & 0xE0) == 0xA0) {
                /* a lone surrogate (kept in its 3-byte form): JSON.stringify
                 * writes it as an escape */
                unsigned cu = 0xD000u | (((unsigned char)s[i + 1] & 0x3Fu) << 6) | ((unsigned char)s[i + 2] & 0x3Fu);
                u[0] = '\\', u[1] = 'u', u[2] = hex[(cu >> 12) & 15], u[3] = hex[(cu >> 8) & 15];
                u[4] = hex[(cu >> 4) & 15], u[5] = hex[cu & 15], u[6] = '\0';
                stc_buf_add(b, s + i - run, run);
                run = 0;
                stc_buf_puts(b, u);
                i += 2;
                continue;
            }
        }
        if (esc) {
            stc_buf_add(b, s + i - run, run);
            run = 0;
            stc_buf_puts(b, esc);
        } else {
            run++;
        }
    }
    stc_buf_add(b, s + len - run, run);
    stc_buf_putc(b, '"');
}

static void json_indent(stc_buf *b, int indent, int level)
{
    stc_buf_putc(b, '\n');
    for (int i = 0; i < indent * level; i++)
        stc_buf_putc(b, ' ');
}

double jn_num_round15(double d)
{
    if (!isfinite(d) || d == 0)
        return d;
    /* printf rounds an exact tie to even; toPrecision takes the larger
     * magnitude. A tie is a value whose exact decimal expansion ends with a
     * 5 in the 16th significant digit: glibc prints it exactly. */
    char t[64];
    snprintf(t, sizeof t, "%.40e", fabs(d));
    /* t: D.DDDD...e+XX, digits at 0 and 2.. */
    bool tie = t[16] == '5';
    for (int i = 17; tie && t[i] != 'e'; i++)
        if (t[i] != '0')
            tie = false;
    if (!tie) {
        snprintf(t, sizeof t, "%.14e", d);
        return strtod(t, NULL);
    }
    /* round the 15 digits up by hand */
    char digits[16];
    digits[0] = t[0];
    memcpy(digits + 1, t + 2, 14);
    int exp10 = atoi(strchr(t, 'e') + 1);
    int i = 14;
    while (i >= 0 && digits[i] == '9')
        digits[i--] = '0';
    if (i < 0) {
        digits[0] = '1';
        exp10++;
    } else {
        digits[i]++;
    }
    char u[64];
    snprintf(u, sizeof u, "%s%c.%.14se%d", d < 0 ? "-" : "", digits[0], digits + 1, exp10);
    return strtod(u, NULL);
}

static void json_number(stc_buf *b, double d, bool precision15)
{
    if (!isfinite(d)) {
        stc_buf_puts(b, "null");
        return;
    }
    if (precision15 && d != floor(d))
        d = jn_num_round15(d);
    char out[32];
    size_t n = jn_num_format(d, out);
    stc_buf_add(b, out, n);
}

/* Whether v writes anything in an object (JSON.stringify leaves out
 * undefined and functions; $string's replacer makes a function ""). */
static bool json_present(const jn_val *v, bool p15) { return v && (v->type != JN_FUNC || p15); }

/* false when v nests deeper than the C stack allows (b holds a partial text) */
static bool json_write(stc_buf *b, const jn_val *v, int indent, bool p15, int level)
{
    if (!json_present(v, p15)) {
        stc_buf_puts(b, "null"); /* inside an array */
        return true;
    }
    if ((v->type == JN_ARR || v->type == JN_OBJ) && jn_stack_low())
        return false;
    switch ((jn_type)v->type) {
    case JN_NULL:
        stc_buf_puts(b, "null");
        break;
    case JN_BOOL:
        stc_buf_puts(b, v->u.b ? "true" : "false");
        break;
    case JN_NUM:
        json_number(b, v->u.n, p15);
        break;
    case JN_STR:
        json_string(b, v->u.s.p, v->u.s.len);
        break;
    case JN_ARR:
        if (v->u.a.len == 0) {
            stc_buf_puts(b, "[]");
            break;
        }
        stc_buf_putc(b, '[');
        for (size_t i = 0; i < v->u.a.len; i++) {
            if (i)
                stc_buf_putc(b, ',');
            if (indent)
                json_indent(b, indent, level + 1);
            if (!json_write(b, v->u.a.items[i], indent, p15, level + 1))
                return false;
        }
        if (indent)
            json_indent(b, indent, level);
        stc_buf_putc(b, ']');
        break;
    case JN_OBJ: {
        bool any = false;
        stc_buf_putc(b, '{');
        for (size_t i = 0; i < v->u.o.len; i++) {
            const jn_objent *e = &v->u.o.ents[i];
            if (!json_present(e->val, p15))
                continue;
            if (any)
                stc_buf_putc(b, ',');
            any = true;
            if (indent)
                json_indent(b, indent, level + 1);
            json_string(b, e->key, e->klen);
            stc_buf_puts(b, indent ? ": " : ":");
            if (!json_write(b, e->val, indent, p15, level + 1))
                return false;
        }
        if (any && indent)
            json_indent(b, indent, level);
        stc_buf_putc(b, '}');
        break;
    }
    case JN_FUNC:
        stc_buf_puts(b, "\"\""); /* $string's replacer */
        break;
    }
    return true;
}

bool jn_json_write_checked(stc_buf *b, const jn_val *v, int indent, bool precision15)
{
    if (!v)
        return true;
    if (nests_deeper(v, JN_JSON_MAX_NESTING))
        return false;
    if (v->type == JN_FUNC) {
        stc_buf_puts(b, "\"\"");
        return true;
    }
    return json_write(b, v, indent, precision15, 0);
}

void jn_json_write(stc_buf *b, const jn_val *v, int indent, bool precision15)
{
    (void)jn_json_write_checked(b, v, indent, precision15);
}

/* ---- equality and copies ---- */

/* 1 equal, 0 not, -1 nested deeper than the C stack allows */
int jn_deep_equal_checked(const jn_val *a, const jn_val *b)
{
    if (a == b)
        return !(a && a->type == JN_NUM && isnan(a->u.n));
    if (!a || !b || a->type != b->type)
        return 0;
    if ((a->type == JN_ARR || a->type == JN_OBJ) && jn_stack_low())
        return -1;
    switch ((jn_type)a->type) {
    case JN_NULL:
        return true;
    case JN_BOOL:
        return a->u.b == b->u.b;
    case JN_NUM:
        return a->u.n == b->u.n;
    case JN_STR:
        return a->u.s.len == b->u.s.len && !memcmp(a->u.s.p, b->u.s.p, a->u.s.len);
    case JN_ARR:
        if (a->u.a.len != b->u.a.len)
            return false;
        for (size_t i = 0; i < a->u.a.len; i++) {
            int r = jn_deep_equal_checked(a->u.a.items[i], b->u.a.items[i]);
            if (r <= 0)
                return r;
        }
        return 1;
    case JN_OBJ:
        if (a->u.o.len != b->u.o.len)
            return 0;
        for (size_t i = 0; i < a->u.o.len; i++) {
            const jn_objent *e = &a->u.o.ents[i];
            const jn_val *other = jn_obj_get(b, e->key, e->klen);
            if (!other)
                return 0;
            int r = jn_deep_equal_checked(e->val, other);
            if (r <= 0)
                return r;
        }
        return 1;
    case JN_FUNC:
        return a->u.f == b->u.f;
    }
    return 0;
}

bool jn_deep_equal(const jn_val *a, const jn_val *b) { return jn_deep_equal_checked(a, b) == 1; }

jn_val *jn_clone(jn_ctx *cx, const jn_val *v)
{
    if (!v || v->type == JN_FUNC)
        return NULL;
    switch ((jn_type)v->type) {
    case JN_NULL:
    case JN_BOOL:
        return (jn_val *)v;
    case JN_NUM:
        return isfinite(v->u.n) ? jn_num(cx, v->u.n) : jn_null();
    case JN_STR:
        return jn_str_borrow(cx, v->u.s.p, v->u.s.len); /* strings are immutable */
    case JN_ARR: {
        if (jn_stack_low())
            jn_throw_stack(cx);
        jn_val *a = jn_arr(cx, v->u.a.len);
        for (size_t i = 0; i < v->u.a.len; i++) {
            jn_val *c = jn_clone(cx, v->u.a.items[i]);
            jn_arr_push(cx, a, c ? c : jn_null());
        }
        return a;
    }
    case JN_OBJ: {
        if (jn_stack_low())
            jn_throw_stack(cx);
        jn_val *o = jn_obj(cx, v->u.o.len);
        for (size_t i = 0; i < v->u.o.len; i++) {
            jn_val *c = jn_clone(cx, v->u.o.ents[i].val);
            if (c)
                jn_obj_set_borrow(cx, o, v->u.o.ents[i].key, v->u.o.ents[i].klen, c);
        }
        return o;
    }
    case JN_FUNC:
        break;
    }
    return NULL;
}
