/* yaml_out.c - see yaml_out.h. */
#include "core/yaml_out.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

typedef struct stc_yw {
    yaml_emitter_t em;
    unsigned flags;
    int failed;
} stc_yw;

static int stc_yw_output(void *data, unsigned char *buffer, size_t size)
{
    stc_buf_add((stc_buf *)data, (const char *)buffer, size);
    return 1;
}

static void stc_yw_emit(stc_yw *w, yaml_event_t *ev)
{
    if (w->failed) {
        yaml_event_delete(ev);
        return;
    }
    /* yaml_emitter_emit consumes the event, also on failure. */
    if (!yaml_emitter_emit(&w->em, ev))
        w->failed = 1;
}

static bool stc_ieq(const char *a, const char *b)
{
    return strcasecmp(a, b) == 0;
}

static bool stc_looks_numeric(const char *s)
{
    const char *p = s;
    if (*p == '+' || *p == '-')
        p++;
    if (stc_ieq(p, ".inf") || stc_ieq(p, ".nan"))
        return true;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'o' || p[1] == 'b'))
        return p[2] != '\0';
    bool digits = false, dot = false;
    for (; *p; p++) {
        if (isdigit((unsigned char)*p) || *p == '_') {
            digits = digits || isdigit((unsigned char)*p);
        } else if (*p == '.' && !dot) {
            dot = true;
        } else if ((*p == 'e' || *p == 'E') && digits) {
            p++;
            if (*p == '+' || *p == '-')
                p++;
            if (!*p)
                return false;
            for (; *p; p++)
                if (!isdigit((unsigned char)*p))
                    return false;
            return true;
        } else if (*p == ':' && digits) {
            continue; /* YAML 1.1 sexagesimal, 1:30 */
        } else {
            return false;
        }
    }
    return digits || (dot && s[0] == '.' && s[1] == '\0');
}

static bool stc_looks_timestamp(const char *s)
{
    /* YYYY-MM-DD, optionally followed by a time. */
    for (int i = 0; i < 10; i++) {
        char c = s[i];
        if (i == 4 || i == 7) {
            if (c != '-')
                return false;
        } else if (!isdigit((unsigned char)c)) {
            return false;
        }
    }
    return true;
}

/* stc_yaml_out_needs_quotes for s of length n (the direct writer knows it). */
static bool stc_needs_quotes_n(const char *s, size_t n)
{
#define STC_WORD(w) {w, sizeof w - 1}
    static const struct {
        const char *text;
        size_t len;
    } words[] = {STC_WORD("null"), STC_WORD("~"),  STC_WORD("true"), STC_WORD("false"), STC_WORD("yes"),
                 STC_WORD("no"),   STC_WORD("on"), STC_WORD("off"),  STC_WORD("y"),     STC_WORD("n")};
#undef STC_WORD
    if (!n)
        return true;
    /* The words are at most 5 bytes long; numbers and timestamps start with
     * a digit, a sign or a dot (".inf", ".5"). */
    if (n <= 5) {
        int first = tolower((unsigned char)s[0]);
        for (size_t i = 0; i < STC_ARRAY_LEN(words); i++)
            if (words[i].len == n && first == words[i].text[0] && stc_ieq(s, words[i].text))
                return true;
    }
    bool numeric_start = isdigit((unsigned char)s[0]) || s[0] == '+' || s[0] == '-' || s[0] == '.' ||
                         s[0] == '_';
    return (numeric_start && (stc_looks_numeric(s) || stc_looks_timestamp(s))) || s[0] == '=' || s[0] == '<';
}

bool stc_yaml_out_needs_quotes(const char *s)
{
    return stc_needs_quotes_n(s, strlen(s));
}

static void stc_yw_scalar(stc_yw *w, const char *tag, const char *text, bool is_string)
{
    yaml_event_t ev;
    yaml_scalar_style_t style = YAML_ANY_SCALAR_STYLE;
    int plain_implicit = 1, quoted_implicit = 1;
    if (is_string) {
        if (strchr(text, '\n'))
            style = YAML_LITERAL_SCALAR_STYLE;
        else if (stc_yaml_out_needs_quotes(text))
            style = YAML_SINGLE_QUOTED_SCALAR_STYLE;
        /* A quoted scalar is a string whatever its text; plain ones of this
         * text resolve to strings too. */
    } else {
        quoted_implicit = 0;
    }
    if (tag)
        plain_implicit = quoted_implicit = 0;
    yaml_scalar_event_initialize(&ev, NULL, (yaml_char_t *)tag, (yaml_char_t *)text, (int)strlen(text),
                                 plain_implicit, quoted_implicit, style);
    stc_yw_emit(w, &ev);
}

/* A scalar node's text: the string, the number as printed (integers without
 * a fraction), true/false or null; *is_string tells which. */
static const char *stc_scalar_text(const cJSON *n, char *numbuf, size_t numsz, bool *is_string)
{
    *is_string = false;
    if (cJSON_IsString(n)) {
        *is_string = true;
        return n->valuestring;
    }
    if (cJSON_IsNumber(n)) {
        double v = n->valuedouble;
        if (isfinite(v) && v == floor(v) && fabs(v) < 1e15) /* as "%.0f" writes it, -0 too */
            stc_format_uint((unsigned long long)fabs(v), signbit(v), numbuf);
        else
            snprintf(numbuf, numsz, "%.17g", v);
        return numbuf;
    }
    if (cJSON_IsBool(n))
        return cJSON_IsTrue(n) ? "true" : "false";
    return "null";
}

static void stc_yw_node(stc_yw *w, const cJSON *n, const char *tag);

/* The short-form tag of a one-key intrinsic object ("!Ref", "!Sub"), or NULL.
 * A name too long for buf is cut, as snprintf would (both writers use this). */
static const char *stc_cfn_tag(const cJSON *n, char *buf, size_t bufsz)
{
    if (!cJSON_IsObject(n) || !n->child || n->child->next)
        return NULL;
    const char *k = n->child->string, *name;
    if (strcmp(k, "Ref") == 0)
        name = k;
    else if (strncmp(k, "Fn::", 4) == 0 && k[4] && strcmp(k, "Fn::Transform") != 0)
        name = k + 4;
    else
        return NULL;
    size_t len = strnlen(name, bufsz - 2);
    buf[0] = '!';
    memcpy(buf + 1, name, len);
    buf[len + 1] = '\0';
    return buf;
}

/* When n, whose short-form tag is `tag`, is {"Fn::GetAtt": [two strings]}:
 * true with the two strings, which the !GetAtt short form writes as
 * "Resource.Attribute". */
static bool stc_getatt_parts(const cJSON *n, const char *tag, const char **res, const char **attr)
{
    if (!tag || strcmp(tag, "!GetAtt") != 0)
        return false;
    const cJSON *v = n->child;
    if (cJSON_GetArraySize(v) != 2 || !cJSON_IsString(v->child) || !cJSON_IsString(v->child->next))
        return false;
    *res = v->child->valuestring;
    *attr = v->child->next->valuestring;
    return true;
}

static void stc_yw_node(stc_yw *w, const cJSON *n, const char *tag)
{
    char numbuf[64];
    yaml_event_t ev;
    /* A node has one tag: an intrinsic directly inside another keeps its
     * long form (!Base64 {Fn::Sub: ...}), as CloudFormation reads it. */
    if ((w->flags & STC_YAML_CFN_TAGS) && !tag) {
        char tbuf[64];
        const char *t = stc_cfn_tag(n, tbuf, sizeof tbuf);
        if (t) {
            /* !GetAtt Resource.Attribute, when both parts are strings. */
            const char *res, *attr;
            if (stc_getatt_parts(n, t, &res, &attr)) {
                char *getatt = stc_xasprintf("%s.%s", res, attr);
                stc_yw_scalar(w, t, getatt, true);
                free(getatt);
                return;
            }
            stc_yw_node(w, n->child, t);
            return;
        }
    }
    if (cJSON_IsObject(n)) {
        yaml_mapping_start_event_initialize(&ev, NULL, (yaml_char_t *)tag, tag == NULL,
                                            YAML_BLOCK_MAPPING_STYLE);
        stc_yw_emit(w, &ev);
        for (const cJSON *c = n->child; c; c = c->next) {
            stc_yw_scalar(w, NULL, c->string, true);
            stc_yw_node(w, c, NULL);
        }
        yaml_mapping_end_event_initialize(&ev);
        stc_yw_emit(w, &ev);
    } else if (cJSON_IsArray(n)) {
        yaml_sequence_start_event_initialize(&ev, NULL, (yaml_char_t *)tag, tag == NULL,
                                             n->child ? YAML_BLOCK_SEQUENCE_STYLE : YAML_FLOW_SEQUENCE_STYLE);
        stc_yw_emit(w, &ev);
        for (const cJSON *c = n->child; c; c = c->next)
            stc_yw_node(w, c, NULL);
        yaml_sequence_end_event_initialize(&ev);
        stc_yw_emit(w, &ev);
    } else {
        bool is_string;
        const char *text = stc_scalar_text(n, numbuf, sizeof numbuf, &is_string);
        stc_yw_scalar(w, tag, text, is_string);
    }
}

/* ---- the direct writer ------------------------------------------------------
 *
 * libyaml's emitter was a quarter of `stc-tui template` on large services
 * (bench/README.md). Most templates hold only short single-line ASCII
 * scalars, for which the block layout libyaml produces (indent 2, sequences
 * in a mapping not indented, compact "- key: v" and "- - a", "[]" and "{}"
 * for empty collections, " !Tag" before a node) and its choice between plain
 * and single-quoted style are simple rules. The direct writer stops at the
 * first scalar that is not of that kind (non-printable or non-ASCII bytes,
 * a line break, a leading or trailing space, a document marker, a key over
 * 128 bytes), and the document goes through libyaml instead. test_yaml_out checks the two
 * writers byte for byte on random trees. */


/* The output is appended in runs: each call makes room once and copies
 * with memcpy (stc_buf_putc per byte was most of the writer's time). The
 * text is NUL-terminated only at the end of the document; the room always
 * includes the byte for it. */
static inline char *stc_yd_room(stc_buf *b, size_t n)
{
    if (b->len + n + 1 > b->cap)
        stc_buf_reserve(b, n);
    return b->data + b->len;
}

static inline void stc_yd_put(stc_buf *b, const char *s, size_t n)
{
    memcpy(stc_yd_room(b, n), s, n);
    b->len += n;
}

static inline void stc_yd_putc(stc_buf *b, char c)
{
    *stc_yd_room(b, 1) = c;
    b->len++;
}

/* What one pass over a scalar's text tells the writer. */
typedef struct stc_yd_text {
    size_t len;
    size_t quotes; /* single quotes in it (doubled when it is quoted) */
    bool simple;   /* short single-line printable ASCII: see below */
    bool plain;    /* libyaml's rule (analyze_scalar, block context) allows it plain */
} stc_yd_text;

/* The bytes the scan must look at: NUL (the end), control characters,
 * DEL and non-ASCII bytes (not simple), and # : ' (which change the style).
 * All other bytes are printable ASCII that the scan only steps over. */
#define STC_YD_16(x) x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x
static const bool stc_yd_notable[256] = {
    STC_YD_16(true), STC_YD_16(true), /* 0x00-0x1F */
    ['#'] = true, ['\''] = true, [':'] = true,
    [0x7F] = true, STC_YD_16(true), STC_YD_16(true), STC_YD_16(true), STC_YD_16(true), /* 0x7F-0xBF */
    STC_YD_16(true), STC_YD_16(true), STC_YD_16(true), STC_YD_16(true), /* 0xC0-0xFF */
};
#undef STC_YD_16

/* One pass over s. A simple scalar is printable ASCII without a leading or
 * trailing space and does not start with a document marker; a simple key is
 * also at most 128 bytes (libyaml's limit for a simple key). */
static stc_yd_text stc_yd_scan(const char *s, bool key)
{
    stc_yd_text t = {.simple = true, .plain = true};
    const unsigned char *u = (const unsigned char *)s, *p = u;
    for (;; p++) {
        while (!stc_yd_notable[*p])
            p++;
        unsigned char c = *p;
        if (c == '\0')
            break;
        if (c < 0x20 || c > 0x7E) {
            t.simple = false;
            return t;
        }
        if (c == '\'')
            t.quotes++;
        else if (c == ':' && (p[1] == '\0' || p[1] == ' '))
            t.plain = false; /* ": " or a trailing ':' would read as a mapping key */
        else if (c == '#' && p > u && p[-1] == ' ')
            t.plain = false; /* " #" starts a comment */
    }
    size_t n = t.len = (size_t)(p - u);
    if ((key && n > 128) || (n && (s[0] == ' ' || s[n - 1] == ' ')) ||
        (n >= 3 && (!strncmp(s, "---", 3) || !strncmp(s, "...", 3)))) {
        t.simple = false;
        return t;
    }
    /* The first character: an indicator, or "? ", ": ", "- ". */
    switch (s[0]) {
    case '\0':
    case '#': case ',': case '[': case ']': case '{': case '}': case '&': case '*': case '!':
    case '|': case '>': case '\'': case '"': case '%': case '@': case '`':
        t.plain = false;
        break;
    case '?': case ':': case '-':
        if (s[1] == '\0' || s[1] == ' ')
            t.plain = false;
        break;
    default:
        break;
    }
    return t;
}

/* Writes a simple scalar; false (nothing written) when it is not simple. */
static bool stc_yd_scalar(stc_buf *b, const char *text, bool is_string, bool key)
{
    stc_yd_text t = stc_yd_scan(text, key);
    if (!t.simple)
        return false;
    bool quote = !t.plain || (is_string && stc_needs_quotes_n(text, t.len));
    if (!quote) {
        stc_yd_put(b, text, t.len);
        return true;
    }
    /* 'text' with each ' doubled: the runs between quotes are copied whole. */
    char *o = stc_yd_room(b, t.len + t.quotes + 2);
    *o++ = '\'';
    const char *p = text, *end = text + t.len;
    for (size_t i = 0; i < t.quotes; i++) {
        const char *q = memchr(p, '\'', (size_t)(end - p));
        size_t run = (size_t)(q - p) + 1;
        memcpy(o, p, run);
        o += run;
        *o++ = '\'';
        p = q + 1;
    }
    memcpy(o, p, (size_t)(end - p));
    o += end - p;
    *o++ = '\'';
    b->len = (size_t)(o - b->data);
    return true;
}

/* A line break and `ind` spaces. */
static void stc_yd_indent(stc_buf *b, int ind)
{
    static const char spaces[] = "                                                                ";
    stc_yd_putc(b, '\n');
    for (size_t left = (size_t)ind; left > 0;) {
        size_t n = left < sizeof spaces - 1 ? left : sizeof spaces - 1;
        stc_yd_put(b, spaces, n);
        left -= n;
    }
}

/* The writer gives up (returns false) at the first scalar that is not
 * simple; the caller then drops what it wrote and uses libyaml. */
enum { STC_YD_MAP, STC_YD_SEQ };
static bool stc_yd_value(stc_buf *b, const cJSON *n, unsigned flags, int ind, int ctx);

static bool stc_yd_mapping(stc_buf *b, const cJSON *n, unsigned flags, int ind, bool first_inline)
{
    for (const cJSON *c = n->child; c; c = c->next) {
        if (c != n->child || !first_inline)
            stc_yd_indent(b, ind);
        if (!stc_yd_scalar(b, c->string, true, true))
            return false;
        stc_yd_putc(b, ':');
        if (!stc_yd_value(b, c, flags, ind, STC_YD_MAP))
            return false;
    }
    return true;
}

static bool stc_yd_sequence(stc_buf *b, const cJSON *n, unsigned flags, int ind, bool first_inline)
{
    for (const cJSON *c = n->child; c; c = c->next) {
        if (c != n->child || !first_inline)
            stc_yd_indent(b, ind);
        stc_yd_putc(b, '-');
        if (!stc_yd_value(b, c, flags, ind, STC_YD_SEQ))
            return false;
    }
    return true;
}

/* " !GetAtt Resource.Attribute": the scalar is put together on the stack
 * when it fits (templates have thousands of these). */
static bool stc_yd_getatt(stc_buf *b, const char *tag, const char *res, const char *attr)
{
    char local[256];
    size_t lr = strlen(res), la = strlen(attr), n = lr + 1 + la;
    char *text = n < sizeof local ? local : stc_xmalloc(n + 1);
    memcpy(text, res, lr);
    text[lr] = '.';
    memcpy(text + lr + 1, attr, la + 1);
    stc_yd_putc(b, ' ');
    stc_yd_put(b, tag, strlen(tag));
    stc_yd_putc(b, ' ');
    bool ok = stc_yd_scalar(b, text, true, false);
    if (text != local)
        free(text);
    return ok;
}

/* A node after "key:" (ctx MAP, ind = the key's column) or "-" (ctx SEQ,
 * ind = the dash's column). The value of a short-form intrinsic keeps its
 * own long form (a node has one tag), as in stc_yw_node. */
static bool stc_yd_value(stc_buf *b, const cJSON *n, unsigned flags, int ind, int ctx)
{
    char tbuf[64], numbuf[64];
    const char *tag = (flags & STC_YAML_CFN_TAGS) ? stc_cfn_tag(n, tbuf, sizeof tbuf) : NULL;
    if (tag) {
        const char *res, *attr;
        if (stc_getatt_parts(n, tag, &res, &attr))
            return stc_yd_getatt(b, tag, res, attr);
        n = n->child;
    }
    bool coll = cJSON_IsObject(n) || cJSON_IsArray(n);
    if (!coll || !n->child) {
        stc_yd_putc(b, ' ');
        if (tag) {
            stc_yd_put(b, tag, strlen(tag));
            stc_yd_putc(b, ' ');
        }
        if (coll) {
            stc_yd_put(b, cJSON_IsObject(n) ? "{}" : "[]", 2);
            return true;
        }
        bool is_string;
        const char *text = stc_scalar_text(n, numbuf, sizeof numbuf, &is_string);
        return stc_yd_scalar(b, text, is_string, false);
    }
    if (tag) {
        stc_yd_putc(b, ' ');
        stc_yd_put(b, tag, strlen(tag));
    } else if (ctx == STC_YD_SEQ) {
        stc_yd_putc(b, ' ');
    }
    bool inline_first = !tag && ctx == STC_YD_SEQ;
    if (cJSON_IsObject(n))
        return stc_yd_mapping(b, n, flags, ind + 2, inline_first);
    return stc_yd_sequence(b, n, flags, ctx == STC_YD_MAP ? ind : ind + 2, inline_first);
}

/* The document written directly into b, or false (b then holds a partial
 * text, for the caller to drop). */
static bool stc_yd_document(stc_buf *b, const cJSON *root, unsigned flags)
{
    char tbuf[64];
    if ((flags & STC_YAML_LIBYAML) || !cJSON_IsObject(root) || !root->child ||
        ((flags & STC_YAML_CFN_TAGS) && stc_cfn_tag(root, tbuf, sizeof tbuf)))
        return false;
    if (!stc_yd_mapping(b, root, flags, 0, true))
        return false;
    stc_buf_putc(b, '\n'); /* and the NUL the runs before left out */
    return true;
}

bool stc_yaml_out_direct(const cJSON *root, unsigned flags)
{
    stc_buf b = STC_BUF_INIT;
    bool ok = stc_yd_document(&b, root, flags);
    stc_buf_free(&b);
    return ok;
}

int stc_yaml_out_write(const cJSON *root, unsigned flags, stc_buf *out, char **err)
{
    size_t start = out->len;
    if (stc_yd_document(out, root, flags))
        return 0;
    out->len = start; /* not simple after all: drop the partial text */
    if (out->data)
        out->data[start] = '\0';
    stc_yw w = {.flags = flags};
    yaml_event_t ev;
    if (!yaml_emitter_initialize(&w.em)) {
        *err = stc_xstrdup("cannot initialize the YAML emitter");
        return -1;
    }
    yaml_emitter_set_output(&w.em, stc_yw_output, out);
    yaml_emitter_set_unicode(&w.em, 1);
    yaml_emitter_set_indent(&w.em, 2);
    yaml_emitter_set_width(&w.em, -1);
    yaml_emitter_set_break(&w.em, YAML_LN_BREAK);
    yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
    stc_yw_emit(&w, &ev);
    yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1);
    stc_yw_emit(&w, &ev);
    stc_yw_node(&w, root, NULL);
    yaml_document_end_event_initialize(&ev, 1);
    stc_yw_emit(&w, &ev);
    yaml_stream_end_event_initialize(&ev);
    stc_yw_emit(&w, &ev);
    if (!w.failed && !yaml_emitter_flush(&w.em))
        w.failed = 1;
    int rc = 0;
    if (w.failed) {
        *err = stc_xasprintf("YAML emitter: %s", w.em.problem ? w.em.problem : "unknown error");
        rc = -1;
        out->len = start; /* nothing appended on failure */
        if (out->data)
            out->data[start] = '\0';
    }
    yaml_emitter_delete(&w.em);
    return rc;
}
