/* intrinsic.c - parser and evaluator of ASL intrinsic functions. */
#include "stepsim/intrinsic.h"

#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "core/util.h"

#define FAIL "States.IntrinsicFailure"

uint64_t stc_rng_next(stc_rng *r)
{
    uint64_t z = (r->state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void stc_rng_uuid(stc_rng *r, char out[37])
{
    uint64_t hi = stc_rng_next(r), lo = stc_rng_next(r);
    unsigned char u[16];
    for (int i = 0; i < 8; i++) {
        u[i] = (unsigned char)(hi >> (56 - 8 * i));
        u[8 + i] = (unsigned char)(lo >> (56 - 8 * i));
    }
    u[6] = (unsigned char)((u[6] & 0x0f) | 0x40);
    u[8] = (unsigned char)((u[8] & 0x3f) | 0x80);
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0],
             u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13],
             u[14], u[15]);
}

size_t stc_number_format(double d, char buf[32])
{
    if (d == floor(d) && fabs(d) < 1e15) {
        /* an integer: its digits (the simulator sizes every payload it
         * passes on, so this is on the path of every transition) */
        long long n = (long long)d; /* -0 is 0 */
        unsigned long long u = n < 0 ? 0ULL - (unsigned long long)n : (unsigned long long)n;
        char digits[20];
        int k = 0;
        do {
            digits[k++] = (char)('0' + u % 10);
            u /= 10;
        } while (u);
        char *p = buf;
        if (n < 0)
            *p++ = '-';
        while (k)
            *p++ = digits[--k];
        *p = '\0';
        return (size_t)(p - buf);
    }
    int len = snprintf(buf, 32, "%.15g", d);
    if (strtod(buf, NULL) != d)
        len = snprintf(buf, 32, "%.17g", d);
    return (size_t)len;
}

/* ---- AST ---- */

typedef enum arg_kind { ARG_STRING, ARG_NUMBER, ARG_LITERAL, ARG_PATH, ARG_CALL } arg_kind;

typedef struct call call;
typedef struct arg {
    arg_kind kind;
    char *text; /* string literal (raw, escapes kept), path text */
    double num;
    cJSON *lit; /* true/false/null */
    call *call;
    cJSON *value; /* string or number: its value, built once when compiled */
} arg;

struct call {
    char *name; /* without "States." */
    int fn;     /* index of the function in FUNCS, set by check_call */
    arg *args;
    size_t n;
};

static void call_free(call *c);

static void arg_free(arg *a)
{
    free(a->text);
    cJSON_Delete(a->lit);
    cJSON_Delete(a->value);
    if (a->call)
        call_free(a->call);
}

static void call_free(call *c)
{
    for (size_t i = 0; i < c->n; i++)
        arg_free(&c->args[i]);
    free(c->args);
    free(c->name);
    free(c);
}

typedef struct parser {
    const char *s;
    size_t i;
    char *err;
} parser;

static int perr(parser *ps, const char *msg)
{
    if (!ps->err)
        ps->err = stc_xasprintf("%s at offset %zu in '%s'", msg, ps->i, ps->s);
    return -1;
}

static void ws(parser *ps)
{
    while (isspace((unsigned char)ps->s[ps->i]))
        ps->i++;
}

static call *parse_call(parser *ps);

static int parse_arg(parser *ps, arg *a)
{
    memset(a, 0, sizeof *a);
    ws(ps);
    const char *s = ps->s;
    char c = s[ps->i];
    if (c == '\'') {
        size_t st = ++ps->i;
        while (s[ps->i] && s[ps->i] != '\'') {
            if (s[ps->i] == '\\' && s[ps->i + 1])
                ps->i++;
            ps->i++;
        }
        if (s[ps->i] != '\'')
            return perr(ps, "unterminated string literal");
        a->kind = ARG_STRING;
        a->text = stc_xstrndup(s + st, ps->i - st);
        ps->i++;
        return 0;
    }
    if (c == '$') {
        size_t st = ps->i;
        int depth = 0;
        char quote = 0;
        while (s[ps->i]) {
            char ch = s[ps->i];
            if (quote) {
                if (ch == '\\' && s[ps->i + 1])
                    ps->i++;
                else if (ch == quote)
                    quote = 0;
            } else if (ch == '\'' || ch == '"') {
                quote = ch;
            } else if (ch == '[' || ch == '(') {
                depth++;
            } else if (ch == ']' || (ch == ')' && depth > 0)) {
                depth--;
            } else if (depth == 0 && (ch == ',' || ch == ')')) {
                break;
            }
            ps->i++;
        }
        size_t en = ps->i;
        while (en > st && isspace((unsigned char)s[en - 1]))
            en--;
        a->kind = ARG_PATH;
        a->text = stc_xstrndup(s + st, en - st);
        char *msg = NULL;
        if (stc_jsonpath_check(a->text, false, &msg) < 0) {
            perr(ps, msg);
            free(msg);
            return -1;
        }
        return 0;
    }
    if (!strncmp(s + ps->i, "States.", 7)) {
        a->kind = ARG_CALL;
        a->call = parse_call(ps);
        return a->call ? 0 : -1;
    }
    if (!strncmp(s + ps->i, "true", 4) || !strncmp(s + ps->i, "false", 5) ||
        !strncmp(s + ps->i, "null", 4)) {
        a->kind = ARG_LITERAL;
        if (s[ps->i] == 't') {
            a->lit = cJSON_CreateTrue();
            ps->i += 4;
        } else if (s[ps->i] == 'f') {
            a->lit = cJSON_CreateFalse();
            ps->i += 5;
        } else {
            a->lit = cJSON_CreateNull();
            ps->i += 4;
        }
        return 0;
    }
    char *end;
    double d = strtod(s + ps->i, &end);
    if (end == s + ps->i)
        return perr(ps, "expected an argument");
    a->kind = ARG_NUMBER;
    a->num = d;
    ps->i = (size_t)(end - s);
    return 0;
}

static call *parse_call(parser *ps)
{
    ws(ps);
    const char *s = ps->s;
    if (strncmp(s + ps->i, "States.", 7)) {
        perr(ps, "expected 'States.'");
        return NULL;
    }
    ps->i += 7;
    size_t st = ps->i;
    while (isalnum((unsigned char)s[ps->i]))
        ps->i++;
    call *c = stc_xcalloc(1, sizeof *c);
    c->name = stc_xstrndup(s + st, ps->i - st);
    ws(ps);
    if (s[ps->i] != '(') {
        perr(ps, "expected '('");
        call_free(c);
        return NULL;
    }
    ps->i++;
    ws(ps);
    if (s[ps->i] == ')') {
        ps->i++;
        return c;
    }
    for (;;) {
        c->args = stc_xrealloc(c->args, (c->n + 1) * sizeof *c->args);
        if (parse_arg(ps, &c->args[c->n]) < 0) {
            arg_free(&c->args[c->n]);
            call_free(c);
            return NULL;
        }
        c->n++;
        ws(ps);
        if (s[ps->i] == ',') {
            ps->i++;
            continue;
        }
        if (s[ps->i] == ')') {
            ps->i++;
            return c;
        }
        perr(ps, "expected ',' or ')'");
        call_free(c);
        return NULL;
    }
}

/* The functions, in the order of FUNCS: apply() dispatches on the index
 * check_call stored, not on the name (18 string comparisons for the last
 * one on every evaluation). */
enum { FN_Format, FN_StringToJson, FN_JsonToString, FN_Array, FN_ArrayPartition, FN_ArrayContains, FN_ArrayRange, FN_ArrayGetItem, FN_ArrayLength, FN_ArrayUnique, FN_Base64Encode, FN_Base64Decode, FN_Hash, FN_JsonMerge, FN_MathRandom, FN_MathAdd, FN_StringSplit, FN_UUID };

typedef struct fn_info {
    const char *name;
    int min_args, max_args; /* -1: any */
} fn_info;

static const fn_info FUNCS[] = {
    {"Format", 1, -1},         {"StringToJson", 1, 1}, {"JsonToString", 1, 1},
    {"Array", 0, -1},          {"ArrayPartition", 2, 2}, {"ArrayContains", 2, 2},
    {"ArrayRange", 3, 3},      {"ArrayGetItem", 2, 2}, {"ArrayLength", 1, 1},
    {"ArrayUnique", 1, 1},     {"Base64Encode", 1, 1}, {"Base64Decode", 1, 1},
    {"Hash", 2, 2},            {"JsonMerge", 3, 3},    {"MathRandom", 2, 3},
    {"MathAdd", 2, 2},         {"StringSplit", 2, 2},  {"UUID", 0, 0},
};
_Static_assert(STC_ARRAY_LEN(FUNCS) == FN_UUID + 1, "FUNCS and the FN_ enum list the same functions");

static const fn_info *find_fn(const char *name)
{
    for (size_t i = 0; i < STC_ARRAY_LEN(FUNCS); i++)
        if (!strcmp(FUNCS[i].name, name))
            return &FUNCS[i];
    return NULL;
}

static int check_call(call *c, char **msg)
{
    const fn_info *f = find_fn(c->name);
    if (!f) {
        *msg = stc_xasprintf("unknown intrinsic function 'States.%s'", c->name);
        return -1;
    }
    if ((int)c->n < f->min_args || (f->max_args >= 0 && (int)c->n > f->max_args)) {
        *msg = stc_xasprintf("States.%s takes %d%s argument%s, not %zu", c->name, f->min_args,
                             f->max_args < 0 ? " or more" : f->max_args > f->min_args ? " to 3" : "",
                             f->max_args == 1 ? "" : "s", c->n);
        return -1;
    }
    c->fn = (int)(f - FUNCS);
    for (size_t i = 0; i < c->n; i++)
        if (c->args[i].kind == ARG_CALL && check_call(c->args[i].call, msg) < 0)
            return -1;
    return 0;
}

static char *unescape(const char *raw);
static char *unescape_template(const char *raw);

/* Build the values of the constant arguments (string and number literals) of
 * a checked call and its nested calls, so that evaluating the call borrows
 * them instead of building them again. The first argument of States.Format
 * keeps its escaped braces as markers (unescape_template, see fn_format). */
static void build_constants(call *c)
{
    for (size_t i = 0; i < c->n; i++) {
        arg *a = &c->args[i];
        if (a->kind == ARG_STRING) {
            char *t = i == 0 && c->fn == FN_Format ? unescape_template(a->text) : unescape(a->text);
            a->value = cJSON_CreateString(t);
            free(t);
        } else if (a->kind == ARG_NUMBER) {
            a->value = cJSON_CreateNumber(a->num);
        } else if (a->kind == ARG_CALL) {
            build_constants(a->call);
        }
    }
}

static call *compile(const char *expr, char **msg)
{
    parser ps = {expr, 0, NULL};
    call *c = parse_call(&ps);
    if (c) {
        ws(&ps);
        if (expr[ps.i] != '\0') {
            perr(&ps, "unexpected text after the call");
            call_free(c);
            c = NULL;
        }
    }
    if (!c) {
        *msg = ps.err ? ps.err : stc_xstrdup("invalid intrinsic function");
        return NULL;
    }
    free(ps.err);
    if (check_call(c, msg) < 0) {
        call_free(c);
        return NULL;
    }
    build_constants(c);
    return c;
}

/* Compiled calls by text, for stc_intrinsic_eval: a machine's Parameters
 * run the same few calls again and again. Direct-mapped (CALL_CACHE slots,
 * FNV-1a of the text); a slot's call is freed when another text takes it.
 * Only valid calls are kept. Single-threaded, like the simulator; the table
 * stays reachable until exit. */
#define CALL_CACHE 64
static struct {
    char *text;
    call *c;
} call_cache[CALL_CACHE];

/* Borrowed from the cache: valid until the next compile_cached (evaluating
 * a call never compiles another one: nested calls are part of it). */
static const call *compile_cached(const char *expr, char **msg)
{
    size_t slot = stc_name_hash(expr) % CALL_CACHE;
    if (call_cache[slot].text && !strcmp(call_cache[slot].text, expr))
        return call_cache[slot].c;
    call *c = compile(expr, msg);
    if (!c)
        return NULL;
    free(call_cache[slot].text);
    if (call_cache[slot].c)
        call_free(call_cache[slot].c);
    call_cache[slot].text = stc_xstrdup(expr);
    call_cache[slot].c = c;
    return c;
}

bool stc_intrinsic_is_call(const char *s)
{
    if (!s || strncmp(s, "States.", 7))
        return false;
    const char *p = s + 7;
    while (isalnum((unsigned char)*p))
        p++;
    return *p == '(';
}

int stc_intrinsic_check(const char *expr, char **msg)
{
    call *c = compile(expr, msg);
    if (!c)
        return -1;
    call_free(c);
    return 0;
}

/* ---- evaluation ---- */

typedef struct ectx {
    const stc_scope *sc;
    stc_rng *rng;
    stc_rterr *err;
} ectx;

static char *unescape(const char *raw)
{
    stc_buf b = STC_BUF_INIT;
    for (const char *p = raw; *p; p++) {
        if (*p == '\\' && p[1])
            p++;
        stc_buf_putc(&b, *p);
    }
    char *s = stc_buf_take(&b);
    return s ? s : stc_xstrdup("");
}

static int eval_call(const call *c, ectx *x, cJSON **out);

/* The value of one argument: borrowed (*v: a constant of the compiled call,
 * or what a definite path selects in the scope) or built here (*own == *v,
 * freed by the caller: a nested call's result, an indefinite path's array). */
static int eval_arg(const arg *a, ectx *x, const cJSON **v, cJSON **own)
{
    *own = NULL;
    switch (a->kind) {
    case ARG_STRING:
    case ARG_NUMBER: *v = a->value; return 0;
    case ARG_LITERAL: *v = a->lit; return 0;
    case ARG_PATH: return stc_jsonpath_eval_ref(a->text, x->sc, v, own, x->err);
    case ARG_CALL:
        if (eval_call(a->call, x, own) < 0)
            return -1;
        *v = *own;
        return 0;
    }
    return -1;
}

static const char *type_name(const cJSON *v)
{
    if (cJSON_IsString(v))
        return "string";
    if (cJSON_IsNumber(v))
        return "number";
    if (cJSON_IsBool(v))
        return "boolean";
    if (cJSON_IsNull(v))
        return "null";
    if (cJSON_IsArray(v))
        return "array";
    return "object";
}

static int bad_arg(ectx *x, const char *fn, int pos, const char *want, const cJSON *got)
{
    return stc_rterr_set(x->err, FAIL,
                         "States.%s: argument %d must be %s, got %s", fn, pos, want,
                         type_name(got));
}

static bool get_int(const cJSON *v, long *out)
{
    if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble) ||
        fabs(v->valuedouble) > 9.0e15)
        return false;
    *out = (long)v->valuedouble;
    return true;
}

/* Java-style text of a value inside States.Format: strings raw, objects as
 * {k=v, k2=v2}, arrays as [a, b] (what AWS prints). */
static void format_value(const cJSON *v, stc_buf *b)
{
    if (cJSON_IsString(v)) {
        stc_buf_puts(b, v->valuestring);
    } else if (cJSON_IsNumber(v)) {
        char nb[32];
        stc_number_format(v->valuedouble, nb);
        stc_buf_puts(b, nb);
    } else if (cJSON_IsTrue(v)) {
        stc_buf_puts(b, "true");
    } else if (cJSON_IsFalse(v)) {
        stc_buf_puts(b, "false");
    } else if (cJSON_IsNull(v)) {
        stc_buf_puts(b, "null");
    } else if (cJSON_IsArray(v)) {
        stc_buf_putc(b, '[');
        for (const cJSON *c = v->child; c; c = c->next) {
            format_value(c, b);
            if (c->next)
                stc_buf_puts(b, ", ");
        }
        stc_buf_putc(b, ']');
    } else {
        stc_buf_putc(b, '{');
        for (const cJSON *c = v->child; c; c = c->next) {
            stc_buf_printf(b, "%s=", c->string);
            format_value(c, b);
            if (c->next)
                stc_buf_puts(b, ", ");
        }
        stc_buf_putc(b, '}');
    }
}

static int fn_format(const cJSON *const *av, size_t n, ectx *x, cJSON **out)
{
    if (!cJSON_IsString(av[0]))
        return bad_arg(x, "Format", 1, "a string", av[0]);
    /* The template's escapes were removed when the call was compiled
     * (build_constants); the raw form is not at hand here, so escaped braces
     * arrive as "\x01{" markers. */
    const char *t = av[0]->valuestring;
    stc_buf b = STC_BUF_INIT;
    size_t next = 1;
    for (const char *p = t; *p; p++) {
        if (*p == '\x01' && p[1]) {
            stc_buf_putc(&b, p[1]);
            p++;
        } else if (p[0] == '{' && p[1] == '}') {
            if (next >= n) {
                stc_buf_free(&b);
                return stc_rterr_set(x->err, FAIL,
                                     "States.Format: the template has more placeholders than "
                                     "the %zu argument%s given",
                                     n - 1, n == 2 ? "" : "s");
            }
            format_value(av[next++], &b);
            p++;
        } else {
            stc_buf_putc(&b, *p);
        }
    }
    if (next != n) {
        stc_buf_free(&b);
        return stc_rterr_set(x->err, FAIL,
                             "States.Format: %zu argument%s given for %zu placeholder%s", n - 1,
                             n == 2 ? "" : "s", next - 1, next == 2 ? "" : "s");
    }
    *out = cJSON_CreateString(stc_buf_cstr(&b));
    stc_buf_free(&b);
    return 0;
}

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int b64val(char c)
{
    const char *p = strchr(B64, c);
    return (c && p) ? (int)(p - B64) : -1;
}

static int fn_hash(const cJSON *const *av, ectx *x, cJSON **out)
{
    if (!cJSON_IsString(av[1]))
        return bad_arg(x, "Hash", 2, "a string (the algorithm)", av[1]);
    static const struct {
        const char *name;
        const char *ossl;
    } algs[] = {{"MD5", "MD5"}, {"SHA-1", "SHA1"}, {"SHA-256", "SHA256"},
                {"SHA-384", "SHA384"}, {"SHA-512", "SHA512"}};
    const char *ossl = NULL;
    for (size_t i = 0; i < STC_ARRAY_LEN(algs); i++)
        if (!strcmp(av[1]->valuestring, algs[i].name))
            ossl = algs[i].ossl;
    if (!ossl)
        return stc_rterr_set(x->err, FAIL,
                             "States.Hash: unknown algorithm '%s' (MD5, SHA-1, SHA-256, "
                             "SHA-384 or SHA-512)",
                             av[1]->valuestring);
    char *data;
    if (cJSON_IsString(av[0]))
        data = stc_xstrdup(av[0]->valuestring);
    else if (cJSON_IsNull(av[0]))
        return bad_arg(x, "Hash", 1, "a value", av[0]);
    else
        data = cJSON_PrintUnformatted(av[0]);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    const EVP_MD *alg = EVP_get_digestbyname(ossl);
    if (!alg || !EVP_Digest(data, strlen(data), md, &mdlen, alg, NULL)) {
        free(data);
        return stc_rterr_set(x->err, FAIL, "States.Hash: %s is not available", ossl);
    }
    free(data);
    char hex[2 * EVP_MAX_MD_SIZE + 1];
    for (unsigned int i = 0; i < mdlen; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
    *out = cJSON_CreateString(hex);
    return 0;
}

static bool all_space(const char *s)
{
    for (; *s; s++)
        if (!isspace((unsigned char)*s))
            return false;
    return true;
}

static long java_round(double d)
{
    return (long)floor(d + 0.5);
}

static int apply(int id, const char *fn, const cJSON *const *av, size_t n, ectx *x, cJSON **out)
{
    long a, b2, c2;
    if (id == FN_Format)
        return fn_format(av, n, x, out);
    if (id == FN_StringToJson) {
        if (!cJSON_IsString(av[0]))
            return bad_arg(x, fn, 1, "a string", av[0]);
        if (all_space(av[0]->valuestring)) {
            *out = cJSON_CreateNull();
            return 0;
        }
        const char *end = NULL;
        cJSON *v = cJSON_ParseWithOpts(av[0]->valuestring, &end, true);
        if (!v)
            return stc_rterr_set(x->err, FAIL, "States.StringToJson: '%s' is not valid JSON",
                                 av[0]->valuestring);
        *out = v;
        return 0;
    }
    if (id == FN_JsonToString) {
        char *s = cJSON_PrintUnformatted(av[0]);
        *out = cJSON_CreateString(s);
        free(s);
        return 0;
    }
    if (id == FN_Array) {
        cJSON *arr = cJSON_CreateArray();
        for (size_t i = 0; i < n; i++)
            cJSON_AddItemToArray(arr, cJSON_Duplicate(av[i], true));
        *out = arr;
        return 0;
    }
    if (id == FN_ArrayPartition) {
        if (!cJSON_IsArray(av[0]))
            return bad_arg(x, fn, 1, "an array", av[0]);
        if (!get_int(av[1], &a) || a <= 0)
            return stc_rterr_set(x->err, FAIL,
                                 "States.ArrayPartition: the chunk size must be a positive integer");
        cJSON *res = cJSON_CreateArray(), *chunk = NULL;
        long k = 0;
        for (const cJSON *it = av[0]->child; it; it = it->next, k++) {
            if (k % a == 0) {
                chunk = cJSON_CreateArray();
                cJSON_AddItemToArray(res, chunk);
            }
            cJSON_AddItemToArray(chunk, cJSON_Duplicate(it, true));
        }
        *out = res;
        return 0;
    }
    if (id == FN_ArrayContains) {
        if (!cJSON_IsArray(av[0]))
            return bad_arg(x, fn, 1, "an array", av[0]);
        bool found = false;
        for (const cJSON *it = av[0]->child; it && !found; it = it->next)
            found = cJSON_Compare(it, av[1], true);
        *out = cJSON_CreateBool(found);
        return 0;
    }
    if (id == FN_ArrayRange) {
        if (!get_int(av[0], &a) || !get_int(av[1], &b2) || !get_int(av[2], &c2))
            return stc_rterr_set(x->err, FAIL, "States.ArrayRange: the arguments must be integers");
        if (c2 == 0)
            return stc_rterr_set(x->err, FAIL, "States.ArrayRange: the step cannot be 0");
        long count = (b2 - a) / c2 + 1;
        if (count > 1000)
            return stc_rterr_set(x->err, FAIL,
                                 "States.ArrayRange: the result would have %ld items (at most "
                                 "1000 are allowed)",
                                 count);
        cJSON *res = cJSON_CreateArray();
        for (long v = a; c2 > 0 ? v <= b2 : v >= b2; v += c2)
            cJSON_AddItemToArray(res, cJSON_CreateNumber((double)v));
        *out = res;
        return 0;
    }
    if (id == FN_ArrayGetItem) {
        if (!cJSON_IsArray(av[0]))
            return bad_arg(x, fn, 1, "an array", av[0]);
        if (!get_int(av[1], &a) || a < 0)
            return stc_rterr_set(x->err, FAIL,
                                 "States.ArrayGetItem: the index must be a non-negative integer");
        const cJSON *it = a < cJSON_GetArraySize(av[0]) ? cJSON_GetArrayItem(av[0], (int)a) : NULL;
        if (!it)
            return stc_rterr_set(x->err, FAIL,
                                 "States.ArrayGetItem: index %ld is out of bounds (length %d)", a,
                                 cJSON_GetArraySize(av[0]));
        *out = cJSON_Duplicate(it, true);
        return 0;
    }
    if (id == FN_ArrayLength) {
        if (!cJSON_IsArray(av[0]))
            return bad_arg(x, fn, 1, "an array", av[0]);
        *out = cJSON_CreateNumber(cJSON_GetArraySize(av[0]));
        return 0;
    }
    if (id == FN_ArrayUnique) {
        if (!cJSON_IsArray(av[0]))
            return bad_arg(x, fn, 1, "an array", av[0]);
        cJSON *res = cJSON_CreateArray();
        for (const cJSON *it = av[0]->child; it; it = it->next) {
            bool seen = false;
            for (const cJSON *r = res->child; r && !seen; r = r->next)
                seen = cJSON_Compare(r, it, true);
            if (!seen)
                cJSON_AddItemToArray(res, cJSON_Duplicate(it, true));
        }
        *out = res;
        return 0;
    }
    if (id == FN_Base64Encode) {
        if (!cJSON_IsString(av[0]))
            return bad_arg(x, fn, 1, "a string", av[0]);
        const unsigned char *s = (const unsigned char *)av[0]->valuestring;
        size_t len = strlen((const char *)s);
        if (len > 10000)
            return stc_rterr_set(x->err, FAIL,
                                 "States.Base64Encode: the input has more than 10000 characters");
        stc_buf bb = STC_BUF_INIT;
        for (size_t i = 0; i < len; i += 3) {
            unsigned v = (unsigned)s[i] << 16;
            if (i + 1 < len)
                v |= (unsigned)s[i + 1] << 8;
            if (i + 2 < len)
                v |= s[i + 2];
            stc_buf_putc(&bb, B64[(v >> 18) & 63]);
            stc_buf_putc(&bb, B64[(v >> 12) & 63]);
            stc_buf_putc(&bb, i + 1 < len ? B64[(v >> 6) & 63] : '=');
            stc_buf_putc(&bb, i + 2 < len ? B64[v & 63] : '=');
        }
        *out = cJSON_CreateString(stc_buf_cstr(&bb));
        stc_buf_free(&bb);
        return 0;
    }
    if (id == FN_Base64Decode) {
        if (!cJSON_IsString(av[0]))
            return bad_arg(x, fn, 1, "a string", av[0]);
        const char *s = av[0]->valuestring;
        size_t len = strlen(s);
        if (len > 10000)
            return stc_rterr_set(x->err, FAIL,
                                 "States.Base64Decode: the input has more than 10000 characters");
        stc_buf bb = STC_BUF_INIT;
        unsigned acc = 0;
        int bits = 0;
        for (size_t i = 0; i < len; i++) {
            if (s[i] == '=')
                break;
            int v = b64val(s[i]);
            if (v < 0) {
                stc_buf_free(&bb);
                return stc_rterr_set(x->err, FAIL,
                                     "States.Base64Decode: '%s' is not valid base64", s);
            }
            acc = (acc << 6) | (unsigned)v;
            bits += 6;
            if (bits >= 8) {
                bits -= 8;
                stc_buf_putc(&bb, (char)((acc >> bits) & 0xff));
            }
        }
        *out = cJSON_CreateString(stc_buf_cstr(&bb));
        stc_buf_free(&bb);
        return 0;
    }
    if (id == FN_Hash)
        return fn_hash(av, x, out);
    if (id == FN_JsonMerge) {
        if (!cJSON_IsObject(av[0]))
            return bad_arg(x, fn, 1, "an object", av[0]);
        if (!cJSON_IsObject(av[1]))
            return bad_arg(x, fn, 2, "an object", av[1]);
        if (!cJSON_IsBool(av[2]))
            return bad_arg(x, fn, 3, "a boolean", av[2]);
        if (cJSON_IsTrue(av[2]))
            return stc_rterr_set(x->err, FAIL,
                                 "States.JsonMerge: only a shallow merge (false) is supported");
        cJSON *res = cJSON_Duplicate(av[0], true);
        for (const cJSON *it = av[1]->child; it; it = it->next) {
            cJSON *old = cJSON_GetObjectItemCaseSensitive(res, it->string);
            if (old)
                cJSON_ReplaceItemViaPointer(res, old, cJSON_Duplicate(it, true));
            else
                cJSON_AddItemToObject(res, it->string, cJSON_Duplicate(it, true));
        }
        *out = res;
        return 0;
    }
    if (id == FN_MathRandom) {
        if (!cJSON_IsNumber(av[0]) || !cJSON_IsNumber(av[1]))
            return stc_rterr_set(x->err, FAIL, "States.MathRandom: start and end must be numbers");
        long lo = java_round(av[0]->valuedouble), hi = java_round(av[1]->valuedouble);
        if (hi <= lo)
            return stc_rterr_set(x->err, FAIL,
                                 "States.MathRandom: the end (%ld) must be greater than the start "
                                 "(%ld)",
                                 hi, lo);
        uint64_t r;
        if (n == 3) {
            long seed;
            if (!get_int(av[2], &seed))
                return stc_rterr_set(x->err, FAIL, "States.MathRandom: the seed must be an integer");
            stc_rng tmp = {(uint64_t)seed};
            r = stc_rng_next(&tmp);
        } else {
            r = stc_rng_next(x->rng);
        }
        *out = cJSON_CreateNumber((double)(lo + (long)(r % (uint64_t)(hi - lo))));
        return 0;
    }
    if (id == FN_MathAdd) {
        if (!cJSON_IsNumber(av[0]))
            return bad_arg(x, fn, 1, "a number", av[0]);
        if (!cJSON_IsNumber(av[1]))
            return bad_arg(x, fn, 2, "a number", av[1]);
        long s = java_round(av[0]->valuedouble) + java_round(av[1]->valuedouble);
        *out = cJSON_CreateNumber((double)s);
        return 0;
    }
    if (id == FN_StringSplit) {
        if (!cJSON_IsString(av[0]))
            return bad_arg(x, fn, 1, "a string", av[0]);
        if (!cJSON_IsString(av[1]))
            return bad_arg(x, fn, 2, "a string", av[1]);
        const char *s = av[0]->valuestring, *delims = av[1]->valuestring;
        cJSON *res = cJSON_CreateArray();
        size_t i = 0, len = strlen(s);
        while (i < len) {
            while (i < len && *delims && strchr(delims, s[i]))
                i++;
            size_t st = i;
            while (i < len && !(*delims && strchr(delims, s[i])))
                i++;
            if (i > st) {
                char *tok = stc_xstrndup(s + st, i - st);
                cJSON_AddItemToArray(res, cJSON_CreateString(tok));
                free(tok);
            }
        }
        *out = res;
        return 0;
    }
    if (id == FN_UUID) {
        char buf[37];
        stc_rng_uuid(x->rng, buf);
        *out = cJSON_CreateString(buf);
        return 0;
    }
    return stc_rterr_set(x->err, FAIL, "unknown intrinsic function 'States.%s'", fn);
}

/* Format's template keeps escaped braces apart from placeholders: the
 * escaped character is prefixed with \x01 (never valid in ASL text). */
static char *unescape_template(const char *raw)
{
    stc_buf b = STC_BUF_INIT;
    for (const char *p = raw; *p; p++) {
        if (*p == '\\' && p[1]) {
            p++;
            if (*p == '{' || *p == '}')
                stc_buf_putc(&b, '\x01');
        }
        stc_buf_putc(&b, *p);
    }
    char *s = stc_buf_take(&b);
    return s ? s : stc_xstrdup("");
}

static int eval_call(const call *c, ectx *x, cJSON **out)
{
    /* av: the argument values, read only; own: those built for this call */
    enum { SMALL = 4 };
    const cJSON *av_small[SMALL];
    cJSON *own_small[SMALL] = {NULL};
    const cJSON **av = av_small;
    cJSON **own = own_small;
    if (c->n > SMALL) {
        av = stc_xcalloc(c->n, sizeof *av);
        own = stc_xcalloc(c->n, sizeof *own);
    }
    int rc = 0;
    for (size_t i = 0; i < c->n && rc == 0; i++)
        rc = eval_arg(&c->args[i], x, &av[i], &own[i]);
    if (rc == 0)
        rc = apply(c->fn, c->name, av, c->n, x, out);
    for (size_t i = 0; i < c->n; i++)
        cJSON_Delete(own[i]);
    if (av != av_small) {
        free(av);
        free(own);
    }
    return rc;
}

int stc_intrinsic_eval(const char *expr, const stc_scope *sc, stc_rng *rng, cJSON **out,
                       stc_rterr *err)
{
    char *msg = NULL;
    const call *c = compile_cached(expr, &msg);
    if (!c) {
        stc_rterr_set(err, FAIL, "%s", msg);
        free(msg);
        return -1;
    }
    ectx x = {sc, rng, err};
    return eval_call(c, &x, out);
}
