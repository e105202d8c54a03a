/* signature.c - function signatures, a port of signature.js. The reference
 * turns a signature into a regular expression over one letter per argument
 * ("^([sm])([nm]?)$") and matches the letters of a call against it; each
 * parameter here keeps its character class and quantifier, and a small
 * backtracking matcher gives the same groups as that expression would. */
#include "stepsim/jsonata/signature.h"

#include <string.h>

#include "stepsim/jsonata/context.h"

typedef struct jn_sigparam {
    char type;           /* s n b l o a f j x, or '(' for a choice */
    const char *cls;     /* letters of the character class */
    const char *ctx_cls; /* '-': the class the context value must match */
    bool context;
    int min, max;        /* quantifier: {1,1}, ? {0,1}, + {1,inf} */
    bool lazy;           /* ?? or +? */
    const char *subtype; /* a<...> or f<...>: the text between the brackets */
    uint32_t mask;       /* cls as a set of letters (bit c - 'a') */
    uint32_t ctx_mask;   /* ctx_cls as one */
} jn_sigparam;

struct jn_sig {
    const char *definition;
    jn_sigparam *params;
    int n;
};

#define SIG_INF 1000000

/* Whether the type letter c is in a class (a mask of letters). */
static bool in_class(uint32_t mask, char c) { return c >= 'a' && c <= 'z' && (mask >> (c - 'a') & 1); }

static uint32_t class_mask(const char *cls)
{
    uint32_t m = 0;
    for (const char *c = cls; c && *c; c++)
        if (*c >= 'a' && *c <= 'z')
            m |= 1u << (*c - 'a');
    return m;
}

const char *jn_sig_definition(const jn_sig *sig) { return sig->definition; }
int jn_sig_params(const jn_sig *sig) { return sig->n; }

/* The position of the bracket closing the one at `start`, or len. */
static size_t closing(const char *s, size_t len, size_t start, char open, char close)
{
    int depth = 1;
    size_t p = start;
    while (p < len) {
        p++;
        if (p >= len)
            break;
        if (s[p] == close) {
            if (--depth == 0)
                break;
        } else if (s[p] == open) {
            depth++;
        }
    }
    return p;
}

/* A quantifier letter on the previous parameter: the reference appends it to
 * that parameter's regular expression. */
static void quantify(jn_sigparam *p, char q)
{
    if (p->min == 1 && p->max == 1) {
        if (q == '?')
            p->min = 0;
        else
            p->max = SIG_INF;
    } else if (q == '?') {
        p->lazy = true; /* X?? and X+? are the lazy forms */
    }
    /* other repetitions are not valid JavaScript; the first quantifier stands */
}

jn_sig *jn_sig_parse(jn_ctx *cx, const char *text, size_t len, const char **code, int *offset,
                     const char **value)
{
    jn_sig *sig = jn_alloc(cx, sizeof *sig);
    sig->definition = jn_strndup(cx, text, len);
    int cap = 4;
    sig->params = jn_alloc(cx, (size_t)cap * sizeof *sig->params);
    jn_sigparam none = {0};
    jn_sigparam *prev = &none; /* the reference's prevParam starts as the empty param */
    for (size_t pos = 1; pos < len; pos++) {
        char c = text[pos];
        if (c == ':')
            break;
        jn_sigparam p = {.type = c, .min = 1, .max = 1};
        bool add = false;
        switch (c) {
        case 's':
        case 'n':
        case 'b':
        case 'l':
        case 'o': {
            char *cls = jn_alloc(cx, 3);
            cls[0] = c, cls[1] = 'm';
            p.cls = cls;
            add = true;
            break;
        }
        case 'a':
            p.cls = "asnblfom";
            add = true;
            break;
        case 'f':
            p.cls = "f";
            add = true;
            break;
        case 'j':
            p.cls = "asnblom";
            add = true;
            break;
        case 'x':
            p.cls = "asnblfom";
            add = true;
            break;
        case '-':
            prev->context = true;
            prev->ctx_cls = prev->cls;
            quantify(prev, '?');
            break;
        case '?':
        case '+':
            quantify(prev, c);
            break;
        case '(': {
            size_t end = closing(text, len, pos, '(', ')');
            size_t n = end - pos - 1;
            if (end > len)
                n = len - pos - 1;
            const char *choice = text + pos + 1;
            if (memchr(choice, '<', n)) {
                *code = "S0402";
                *offset = (int)pos;
                *value = jn_strndup(cx, choice, n);
                return NULL;
            }
            char *cls = jn_alloc(cx, n + 2);
            memcpy(cls, choice, n);
            cls[n] = 'm';
            p.cls = cls;
            p.type = '(';
            pos = end;
            add = true;
            break;
        }
        case '<':
            if (prev->type == 'a' || prev->type == 'f') {
                size_t end = closing(text, len, pos, '<', '>');
                size_t n = (end < len ? end : len) - pos - 1;
                prev->subtype = jn_strndup(cx, text + pos + 1, n);
                pos = end;
            } else {
                *code = "S0401";
                *offset = (int)pos;
                char *t = jn_alloc(cx, 2);
                t[0] = prev->type;
                *value = prev->type ? t : NULL;
                return NULL;
            }
            break;
        default:
            break;
        }
        if (add) {
            if (sig->n == cap) {
                cap *= 2;
                jn_sigparam *np = jn_alloc(cx, (size_t)cap * sizeof *np);
                memcpy(np, sig->params, (size_t)sig->n * sizeof *np);
                sig->params = np;
            }
            sig->params[sig->n] = p;
            prev = &sig->params[sig->n];
            sig->n++;
        }
    }
    for (int i = 0; i < sig->n; i++) {
        sig->params[i].mask = class_mask(sig->params[i].cls);
        sig->params[i].ctx_mask = class_mask(sig->params[i].ctx_cls);
    }
    return sig;
}

/* ---- matching ---- */

static char symbol_of(const jn_val *v)
{
    if (!v || v == jn_undef_item())
        return 'm';
    switch ((jn_type)v->type) {
    case JN_NULL: return 'l';
    case JN_BOOL: return 'b';
    case JN_NUM: return 'n';
    case JN_STR: return 's';
    case JN_ARR: return 'a';
    case JN_OBJ: return 'o';
    case JN_FUNC: return 'f';
    }
    return 'm';
}


/* Match params[i..np) against s[pos..len) as the reference's expression
 * would (JavaScript's backtracking order); `anchored`: up to the end ($).
 * Sets start[]/end[] of each group; *mend is where the match ended. */
static bool match_from(const jn_sigparam *params, int np, int i, const char *s, int len, int pos,
                       bool anchored, int *start, int *end, int *mend)
{
    if (i == np) {
        if (anchored && pos != len)
            return false;
        *mend = pos;
        return true;
    }
    const jn_sigparam *p = &params[i];
    int avail = 0;
    while (pos + avail < len && avail < p->max && in_class(p->mask, s[pos + avail]))
        avail++;
    if (avail < p->min)
        return false;
    if (p->lazy) {
        for (int k = p->min; k <= avail; k++) {
            start[i] = pos, end[i] = pos + k;
            if (match_from(params, np, i + 1, s, len, pos + k, anchored, start, end, mend))
                return true;
        }
    } else {
        for (int k = avail; k >= p->min; k--) {
            start[i] = pos, end[i] = pos + k;
            if (match_from(params, np, i + 1, s, len, pos + k, anchored, start, end, mend))
                return true;
        }
    }
    return false;
}

static const char *plural(const char *subtype)
{
    if (!subtype || strlen(subtype) != 1)
        return NULL;
    switch (subtype[0]) {
    case 'a': return "arrays";
    case 'b': return "booleans";
    case 'f': return "functions";
    case 'n': return "numbers";
    case 'o': return "objects";
    case 's': return "strings";
    default: return NULL;
    }
}

static _Noreturn void mismatch(jn_ctx *cx, const jn_sig *sig, jn_val **args, int nargs, const char *s)
{
    int goodTo = 0;
    int *start = jn_alloc(cx, (size_t)(sig->n + 1) * sizeof *start);
    int *end = jn_alloc(cx, (size_t)(sig->n + 1) * sizeof *end);
    for (int k = 1; k <= sig->n; k++) {
        int mend;
        if (!match_from(sig->params, k, 0, s, nargs, 0, false, start, end, &mend))
            break;
        goodTo = mend;
    }
    jn_errinfo f = {.position = -1, .value = goodTo < nargs ? args[goodTo] : NULL, .index = goodTo + 1};
    jn_throw_x(cx, "T0410", &f);
}

jn_val **jn_sig_validate(jn_ctx *cx, const jn_sig *sig, jn_val **args, int nargs, jn_val *context,
                         int *nout)
{
    char sbuf[16];
    char *s = nargs < (int)sizeof sbuf ? sbuf : jn_alloc(cx, (size_t)nargs + 1);
    for (int i = 0; i < nargs; i++)
        s[i] = symbol_of(args[i]);
    s[nargs] = '\0';
    int gs[16], ge[16];
    int *start = sig->n <= 16 ? gs : jn_alloc(cx, (size_t)sig->n * sizeof *start);
    int *end = sig->n <= 16 ? ge : jn_alloc(cx, (size_t)sig->n * sizeof *end);
    int mend;
    if (!match_from(sig->params, sig->n, 0, s, nargs, 0, true, start, end, &mend))
        mismatch(cx, sig, args, nargs, s);

    int cap = sig->n + nargs + 1;
    jn_val **out = jn_alloc(cx, (size_t)cap * sizeof *out);
    int n = 0, argIndex = 0;
    for (int i = 0; i < sig->n; i++) {
        const jn_sigparam *p = &sig->params[i];
        int mlen = end[i] - start[i];
        if (mlen == 0) {
            if (p->context && p->ctx_cls) {
                if (in_class(p->ctx_mask, symbol_of(context))) {
                    out[n++] = context;
                } else {
                    jn_errinfo f = {.position = -1, .value = context, .index = argIndex + 1};
                    jn_throw_x(cx, "T0411", &f);
                }
            } else {
                out[n++] = argIndex < nargs ? args[argIndex] : NULL;
                argIndex++;
            }
            continue;
        }
        for (int k = 0; k < mlen; k++) {
            char single = s[start[i] + k];
            jn_val *arg = argIndex < nargs ? args[argIndex] : NULL;
            if (p->type == 'a') {
                if (single == 'm') {
                    arg = NULL;
                } else {
                    bool ok = true;
                    if (p->subtype) {
                        size_t sl = strlen(p->subtype);
                        if (single != 'a' &&
                            !((size_t)mlen == sl && !memcmp(s + start[i], p->subtype, sl))) {
                            ok = false;
                        } else if (single == 'a' && arg->u.a.len > 0) {
                            char it = symbol_of(arg->u.a.items[0]);
                            if (it != p->subtype[0]) {
                                ok = false;
                            } else {
                                for (size_t j = 0; j < arg->u.a.len; j++)
                                    if (symbol_of(arg->u.a.items[j]) != it) {
                                        ok = false;
                                        break;
                                    }
                            }
                        }
                    }
                    if (!ok) {
                        jn_errinfo f = {.position = -1,
                                        .value = arg,
                                        .index = argIndex + 1,
                                        .type = plural(p->subtype)};
                        jn_throw_x(cx, "T0412", &f);
                    }
                    if (single != 'a') {
                        jn_val *w = jn_arr(cx, 1);
                        jn_arr_push(cx, w, arg);
                        arg = w;
                    }
                }
            }
            out[n++] = arg;
            argIndex++;
        }
    }
    *nout = n;
    return out;
}
