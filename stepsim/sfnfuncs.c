/* sfnfuncs.c - the JSONata functions AWS adds (see sfnfuncs.h). */
#include "stepsim/sfnfuncs.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "core/util.h"
#include "stepsim/jexpr.h"
#include "stepsim/jsonata/value.h"

/* A signature error on argument `index` (1-based), as the engine's own
 * signature check reports it: T0410 "Argument 2 of function "range" does
 * not match function signature". */
_Noreturn static void bad_arg(jn_ctx *cx, int index)
{
    jn_errinfo info = {.position = -1, .index = index};
    jn_throw_x(cx, "T0410", &info);
}

_Noreturn static void fail_with(jn_ctx *cx, const char *code, const char *message)
{
    jn_errinfo info = {.position = -1, .message = message};
    jn_throw_x(cx, code, &info);
}

static jn_val *arg(jn_val **argv, int argc, int i)
{
    return i < argc ? argv[i] : NULL;
}

/* A number argument truncated toward zero (AWS: -1.7 is -1), or T0410. */
static double whole(jn_ctx *cx, jn_val *v, int index)
{
    if (!jn_is_num(v) || !isfinite(v->u.n))
        bad_arg(cx, index);
    return trunc(v->u.n);
}

static jn_val *fn_partition(jn_ctx *cx, jn_val **argv, int argc)
{
    jn_val *a = arg(argv, argc, 0), *size = arg(argv, argc, 1);
    if (!a)
        return NULL;
    if (!jn_is_arr(a))
        fail_with(cx, "T0412", "Argument 1 of function \"partition\" must be an array of undefined");
    if (a->u.a.len == 0)
        return NULL;
    if (!size) {
        jn_val *one = jn_arr(cx, 1);
        jn_arr_push(cx, one, a);
        return one;
    }
    double n = whole(cx, size, 2);
    if (n < 0)
        fail_with(cx, "D3137", "Second argument must be zero or greater");
    if (n == 0)
        return NULL;
    size_t chunk = n > (double)a->u.a.len ? a->u.a.len : (size_t)n;
    jn_val *out = jn_arr(cx, (a->u.a.len + chunk - 1) / chunk);
    for (size_t i = 0; i < a->u.a.len; i += chunk) {
        size_t end = i + chunk < a->u.a.len ? i + chunk : a->u.a.len;
        jn_val *part = jn_arr(cx, end - i);
        for (size_t k = i; k < end; k++)
            jn_arr_push(cx, part, a->u.a.items[k]);
        jn_arr_push(cx, out, part);
    }
    return out;
}

/* A range larger than this is refused rather than built (the engine's own
 * range operator stops at 10,000,000 items: D2014). */
#define STC_SFN_RANGE_MAX 10000000.0

static jn_val *fn_range(jn_ctx *cx, jn_val **argv, int argc)
{
    double start = whole(cx, arg(argv, argc, 0), 1);
    double end = whole(cx, arg(argv, argc, 1), 2);
    jn_val *stepv = arg(argv, argc, 2);
    if (!stepv)
        return NULL;
    double step = whole(cx, stepv, 3);
    if (step == 0 || (step > 0 && start > end) || (step < 0 && start < end))
        return NULL;
    if (start == end)
        return jn_num(cx, start);
    double count = floor((end - start) / step) + 1;
    if (count > STC_SFN_RANGE_MAX)
        fail_with(cx, "D2014", "The size of the sequence allocated by the range operator (..) "
                               "must not exceed 1e7");
    jn_val *out = jn_arr(cx, (size_t)count);
    for (double i = 0; i < count; i++)
        jn_arr_push(cx, out, jn_num(cx, start + i * step));
    return out;
}

static jn_val *fn_hash(jn_ctx *cx, jn_val **argv, int argc)
{
    jn_val *text = arg(argv, argc, 0), *alg = arg(argv, argc, 1);
    if (!jn_is_str(text))
        bad_arg(cx, 1);
    if (!alg)
        return NULL;
    if (!jn_is_str(alg))
        bad_arg(cx, 2);
    static const char *const names[][2] = {{"MD5", "MD5"},         {"SHA-1", "SHA1"},
                                           {"SHA-256", "SHA256"}, {"SHA-384", "SHA384"},
                                           {"SHA-512", "SHA512"}};
    const char *ossl = NULL;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(alg->u.s.p, names[i][0]))
            ossl = names[i][1];
    if (!ossl) {
        char *msg = jn_alloc(cx, alg->u.s.len + 96);
        snprintf(msg, alg->u.s.len + 96,
                 "Hash algorithm '%s' must be one of SHA-1, SHA-384, SHA-256, SHA-512, MD5",
                 alg->u.s.p);
        fail_with(cx, "D3137", msg);
    }
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    const EVP_MD *md_alg = EVP_get_digestbyname(ossl);
    if (!md_alg || !EVP_Digest(text->u.s.p, text->u.s.len, md, &len, md_alg, NULL))
        fail_with(cx, "D3137", "The hash algorithm is not available");
    char hex[2 * EVP_MAX_MD_SIZE + 1];
    for (unsigned int i = 0; i < len; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
    return jn_str(cx, hex, 2 * (size_t)len);
}

double stc_sfnfuncs_java_random(int64_t seed)
{
    const uint64_t mask = (UINT64_C(1) << 48) - 1, mul = UINT64_C(0x5DEECE66D);
    uint64_t s = ((uint64_t)seed ^ mul) & mask;
    s = (s * mul + 0xB) & mask;
    uint64_t a = s >> (48 - 26);
    s = (s * mul + 0xB) & mask;
    uint64_t b = s >> (48 - 27);
    return (double)((a << 27) + b) * 0x1.0p-53;
}

static stc_rng *rng_of(jn_ctx *cx)
{
    return stc_jenv_rng(jn_ctx_host_data(cx));
}

static jn_val *fn_random(jn_ctx *cx, jn_val **argv, int argc)
{
    jn_val *seed = arg(argv, argc, 0);
    if (seed) {
        double d = whole(cx, seed, 1);
        if (fabs(d) >= 9.2233720368547758e18)
            bad_arg(cx, 1);
        return jn_num(cx, stc_sfnfuncs_java_random((int64_t)d));
    }
    return jn_num(cx, (double)(stc_rng_next(rng_of(cx)) >> 11) * 0x1.0p-53);
}

static jn_val *fn_uuid(jn_ctx *cx, jn_val **argv, int argc)
{
    (void)argv;
    (void)argc;
    char buf[37];
    stc_rng_uuid(rng_of(cx), buf);
    return jn_str(cx, buf, 36);
}

static int key_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* True when object `o` has a key twice (its keys sorted: n log n, so that a
 * large document cannot make $parse quadratic). `keys` is scratch space of
 * at least as many entries as `o` has members. */
static bool repeats_a_key(const cJSON *o, const char **keys)
{
    size_t n = 0;
    for (const cJSON *c = o->child; c; c = c->next)
        keys[n++] = c->string;
    qsort(keys, n, sizeof *keys, key_cmp);
    for (size_t i = 1; i < n; i++)
        if (!strcmp(keys[i - 1], keys[i]))
            return true;
    return false;
}

/* JSON text as AWS reads it: one document, nothing after it, no key twice
 * in any object. */
static bool strict_json(const char *s, size_t len)
{
    const char *end = NULL;
    cJSON *j = cJSON_ParseWithLengthOpts(s, len, &end, false);
    if (!j)
        return false;
    while (end < s + len && (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r'))
        end++;
    bool ok = end == s + len;
    /* every object and array, depth first, on a stack of its own */
    size_t sp = 0, cap = 16, kcap = 0;
    const cJSON **stack = stc_xmalloc(cap * sizeof *stack);
    const char **keys = NULL;
    stack[sp++] = j;
    while (ok && sp > 0) {
        const cJSON *n = stack[--sp];
        size_t members = 0;
        for (const cJSON *c = n->child; c; c = c->next) {
            members++;
            if (c->child) {
                if (sp == cap) {
                    cap *= 2;
                    stack = stc_xrealloc(stack, cap * sizeof *stack);
                }
                stack[sp++] = c;
            }
        }
        if (cJSON_IsObject(n) && members > 1) {
            if (members > kcap) {
                kcap = members;
                keys = stc_xrealloc(keys, kcap * sizeof *keys);
            }
            ok = !repeats_a_key(n, keys);
        }
    }
    free(keys);
    free(stack);
    cJSON_Delete(j);
    return ok;
}

static jn_val *fn_parse(jn_ctx *cx, jn_val **argv, int argc)
{
    jn_val *text = arg(argv, argc, 0);
    if (!text)
        return NULL;
    if (!jn_is_str(text))
        bad_arg(cx, 1);
    jn_val *v = strict_json(text->u.s.p, text->u.s.len)
                    ? jn_parse_json(cx, text->u.s.p, text->u.s.len)
                    : NULL;
    if (!v)
        fail_with(cx, "D3137", "Invalid JSON");
    return v;
}

static const stc_jsonata_function FUNCS[] = {
    {"partition", fn_partition, "<x?x?:x>", NULL},
    {"range", fn_range, "<x?x?x?:x>", NULL},
    {"hash", fn_hash, "<x?x?:x>", NULL},
    {"random", fn_random, "<x?:n>", NULL},
    {"uuid", fn_uuid, "<:s>", NULL},
    {"parse", fn_parse, "<x?:x>", NULL},
};

const stc_jsonata_function *stc_sfnfuncs_table(size_t *n)
{
    *n = sizeof FUNCS / sizeof FUNCS[0];
    return FUNCS;
}
