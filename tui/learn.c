/* learn.c - see learn.h. */
#include "tui/learn.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/inflect.h"
#include "core/naming.h"
#include "core/util.h"

/* ---- tables ------------------------------------------------------------ */

typedef struct stc_learn_rule_info {
    const char *key, *title, *statement;
    stc_verb_group group;
} stc_learn_rule_info;

static const stc_learn_rule_info stc_learn_rules[] = {
#define RULE(id, key, title, group, statement) {key, title, statement, STC_VERB_##group},
#include "tui/learn_rules.def"
#undef RULE
};

typedef struct stc_learn_kind_info {
    const char *name, *phrase, *spellings;
} stc_learn_kind_info;

static const stc_learn_kind_info stc_learn_kinds[] = {
#define LKIND(id, name, phrase, spellings) {name, phrase, spellings},
#include "tui/learn_kinds.def"
#undef LKIND
};

typedef struct stc_learn_item_info {
    stc_learn_rule rule;
    const char *signature;
} stc_learn_item_info;

static const stc_learn_item_info stc_learn_curriculum[] = {
#define ITEM(rule, signature) {STC_LEARN_##rule, signature},
#include "tui/learn_items.def"
#undef ITEM
};

const char *stc_learn_rule_key(stc_learn_rule r)
{
    return stc_learn_rules[r].key;
}

const char *stc_learn_rule_title(stc_learn_rule r)
{
    return stc_learn_rules[r].title;
}

typedef struct stc_learn_verbs_ctx {
    stc_verb_group group;
    stc_buf *out;
    bool first;
} stc_learn_verbs_ctx;

static void stc_learn_verbs_fn(const char *verb, stc_verb_group g, void *ctx)
{
    stc_learn_verbs_ctx *c = ctx;
    if (g != c->group)
        return;
    stc_buf_puts(c->out, c->first ? "" : ", ");
    stc_buf_puts(c->out, verb);
    c->first = false;
}

char *stc_learn_group_verbs(stc_verb_group g)
{
    stc_buf b = STC_BUF_INIT;
    stc_learn_verbs_ctx c = {g, &b, true};
    stc_naming_each_verb(stc_learn_verbs_fn, &c);
    return b.data ? stc_buf_take(&b) : stc_xstrdup("");
}

char *stc_learn_rule_statement(stc_learn_rule r)
{
    const stc_learn_rule_info *ri = &stc_learn_rules[r];
    if (ri->group == STC_VERB_NONE)
        return stc_xstrdup(ri->statement);
    char *verbs = stc_learn_group_verbs(ri->group);
    char *s = stc_xasprintf("The %s verbs (%s) make %s on the %s (section 3, verb vocabulary).",
                            stc_naming_group_name(ri->group), verbs, stc_naming_group_method(ri->group),
                            stc_naming_group_path(ri->group));
    free(verbs);
    return s;
}

int stc_learn_rule_find(const char *key)
{
    for (int r = 0; r < STC_LEARN_RULE_COUNT; r++)
        if (strcmp(stc_learn_rules[r].key, key) == 0)
            return r;
    return -1;
}

const char *stc_learn_kind_name(stc_learn_kind k)
{
    return stc_learn_kinds[k].name;
}

const char *stc_learn_kind_phrase(stc_learn_kind k)
{
    return stc_learn_kinds[k].phrase;
}

const char *stc_learn_kind_spellings(stc_learn_kind k)
{
    return stc_learn_kinds[k].spellings;
}

size_t stc_learn_items_count(void)
{
    return STC_ARRAY_LEN(stc_learn_curriculum);
}

stc_learn_rule stc_learn_item_rule(size_t i)
{
    return stc_learn_curriculum[i].rule;
}

const char *stc_learn_item_signature(size_t i)
{
    return stc_learn_curriculum[i].signature;
}

/* ---- signatures --------------------------------------------------------- */

static char *stc_learn_params_text(const stc_method *m)
{
    stc_buf b = STC_BUF_INIT;
    bool any = false, star = false;
    if (m->self_name) {
        stc_buf_puts(&b, m->self_name);
        any = true;
    }
    for (size_t i = 0; i < m->nparams; i++) {
        const stc_param *p = &m->params[i];
        if (p->kwonly && !star) {
            stc_buf_puts(&b, any ? ", *" : "*");
            any = star = true;
        }
        stc_buf_puts(&b, any ? ", " : "");
        any = true;
        if (p->vararg) {
            stc_buf_putc(&b, '*');
            star = true;
        } else if (p->kwarg) {
            stc_buf_puts(&b, "**");
        }
        stc_buf_puts(&b, p->name);
        if (p->annotation)
            stc_buf_printf(&b, ": %s", p->annotation);
        if (p->default_text)
            stc_buf_printf(&b, p->annotation ? " = %s" : "=%s", p->default_text);
        if (p->posonly && (i + 1 == m->nparams || !m->params[i + 1].posonly))
            stc_buf_puts(&b, ", /");
    }
    return stc_buf_take(&b);
}

char *stc_learn_signature(const stc_method *m)
{
    stc_buf b = STC_BUF_INIT;
    for (size_t i = 0; i < m->ndecorators; i++)
        stc_buf_printf(&b, "@%s\n", m->decorators[i]);
    char *params = stc_learn_params_text(m);
    stc_buf_printf(&b, "%sdef %s(%s)", m->is_async ? "async " : "", m->name, params);
    free(params);
    if (m->returns)
        stc_buf_printf(&b, " -> %s", m->returns);
    return stc_buf_take(&b);
}

/* ---- the compiler's answer ---------------------------------------------- */

static stc_learn_kind stc_learn_kind_of(const stc_unit_info *u)
{
    switch (u->kind) {
    case STC_KIND_REST: return STC_LK_ROUTE;
    case STC_KIND_WEBSOCKET: return STC_LK_WS;
    case STC_KIND_FUNCTION: return u->unit == STC_UNIT_STATE_MACHINE ? STC_LK_WORKFLOW : STC_LK_FUNCTION;
    case STC_KIND_HELPER: return STC_LK_HELPER;
    case STC_KIND_INIT: return STC_LK_INIT;
    case STC_KIND_IGNORED: return STC_LK_IGNORED;
    case STC_KIND_UNCLASSIFIED: break;
    }
    return STC_LK_UNCLASSIFIED;
}

/* "GET /people/{person_id}?limit&offset body: name, age" */
static char *stc_learn_route_text(const stc_route *r)
{
    stc_buf b = STC_BUF_INIT;
    stc_buf_printf(&b, "%s %s", r->http_method, r->path);
    for (size_t i = 0; i < r->nparams; i++)
        if (r->params[i].in == STC_IN_QUERY)
            stc_buf_printf(&b, "%c%s", i == r->npath ? '?' : '&', r->params[i].name);
    for (size_t i = 0, k = 0; i < r->nparams; i++)
        if (r->params[i].in == STC_IN_BODY)
            stc_buf_printf(&b, "%s%s", k++ ? ", " : " body: ", r->params[i].name);
    return stc_buf_take(&b);
}

/* The first error of a compile, its line counted in the signature. */
static char *stc_learn_compile_error(const stc_service *svc)
{
    for (size_t i = 0; i < svc->diags.count; i++) {
        const stc_diag *dg = &svc->diags.items[i];
        if (dg->severity == STC_SEV_ERROR)
            return stc_xasprintf("not valid Python: %s", dg->message);
    }
    return stc_xstrdup("not valid Python");
}

int stc_learn_compile(const char *signature, stc_learn_truth *t, char **err)
{
    memset(t, 0, sizeof *t);
    /* the signature without trailing blanks and colon, each line indented
     * into the class */
    size_t n = strlen(signature);
    while (n && (isspace((unsigned char)signature[n - 1]) || signature[n - 1] == ':'))
        n--;
    while (n && isspace((unsigned char)*signature)) {
        signature++;
        n--;
    }
    /* decorator lines, then the def line */
    const char *last = signature + n;
    while (last > signature && last[-1] != '\n')
        last--;
    while (*last == ' ' || *last == '\t')
        last++;
    if (strncmp(last, "def ", 4) != 0 && strncmp(last, "async def ", 10) != 0) {
        *err = stc_xstrdup("write one method: [async] def name(self, ...)");
        return -1;
    }
    stc_buf src = STC_BUF_INIT;
    stc_buf_puts(&src, "class Learn:\n    ");
    for (size_t i = 0; i < n; i++) {
        stc_buf_putc(&src, signature[i]);
        if (signature[i] == '\n')
            stc_buf_puts(&src, "    ");
    }
    stc_buf_puts(&src, ":\n        ...\n");
    /* "<learn>" names no file: nothing beside it is read (no configuration) */
    stc_service *svc = stc_service_compile_source("<learn>", src.data, src.len, NULL);
    stc_buf_free(&src);
    if (!svc->module) {
        *err = stc_learn_compile_error(svc);
        stc_service_free(svc);
        return -1;
    }
    if (!svc->module->service || svc->module->nclasses != 1 || svc->nunits != 1 ||
        svc->module->body.count != 1) {
        *err = stc_xstrdup("write one method: [async] def name(self, ...)");
        stc_service_free(svc);
        return -1;
    }
    t->svc = svc;
    t->unit = &svc->units[0];
    t->kind = stc_learn_kind_of(t->unit);
    const char *name = t->unit->method->name;
    t->route = t->kind == STC_LK_ROUTE ? stc_routes_find(svc->routes, name) : NULL;
    t->ws = t->kind == STC_LK_WS ? stc_routes_find_ws(svc->routes, name) : NULL;
    if (t->route)
        t->answer = stc_learn_route_text(t->route);
    else if (t->ws)
        t->answer = stc_xasprintf("ws %s", t->ws->route_key);
    else
        t->answer = stc_xstrdup(stc_learn_kind_name(t->kind));
    t->params = stc_learn_params_text(t->unit->method);
    return 0;
}

void stc_learn_truth_free(stc_learn_truth *t)
{
    if (!t)
        return;
    stc_service_free(t->svc);
    free(t->answer);
    free(t->params);
    memset(t, 0, sizeof *t);
}

bool stc_learn_reversible(const stc_learn_truth *t)
{
    return (t->route && !t->route->is_async) || t->ws;
}

/* ---- rules in a compiled method ----------------------------------------- */

/* The entity's last part after the parent: "order" for person_order when
 * nested, else the whole entity. */
static const char *stc_learn_child(const stc_learn_truth *t)
{
    const char *e = t->unit->entity ? t->unit->entity : "";
    const char *us = strchr(e, '_');
    return t->route && t->route->parent && us ? us + 1 : e;
}

static bool stc_learn_ends(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

static bool stc_learn_near_miss(const stc_learn_truth *t)
{
    const stc_unit_info *u = t->unit;
    if (u->kind == STC_KIND_UNCLASSIFIED)
        return u->hint && strstr(u->hint, "did you mean");
    return t->route && u->group == STC_VERB_ACTION && u->verb && stc_naming_closest_verb(u->verb);
}

bool stc_learn_rule_shows(stc_learn_rule r, const stc_learn_truth *t)
{
    const stc_unit_info *u = t->unit;
    const stc_route *rt = t->route;
    const char *key = t->ws ? t->ws->route_key : "";
    const char *sing = rt && rt->singular ? rt->singular : "";
    switch (r) {
    case STC_LEARN_VERB_CREATE: return rt && u->group == STC_VERB_CREATE;
    case STC_LEARN_VERB_READ: return rt && u->group == STC_VERB_READ;
    case STC_LEARN_VERB_LIST: return rt && u->group == STC_VERB_LIST;
    case STC_LEARN_VERB_REPLACE: return rt && u->group == STC_VERB_REPLACE;
    case STC_LEARN_VERB_MODIFY: return rt && u->group == STC_VERB_MODIFY;
    case STC_LEARN_VERB_DELETE: return rt && u->group == STC_VERB_DELETE;
    case STC_LEARN_QUERY_BODY: return rt && rt->nquery + rt->nbody > 0;
    case STC_LEARN_ITEM_PARAM: {
        /* the item parameter is not simply the first one named <entity>_id */
        if (!rt || !rt->item || !rt->npath)
            return false;
        const stc_param *ip = rt->params[rt->npath - 1].param;
        const stc_param *first = NULL;
        for (size_t i = 0; i < u->method->nparams && !first; i++)
            if (rt->npath < 2 || &u->method->params[i] != rt->params[0].param)
                first = &u->method->params[i];
        char *id = stc_xasprintf("%s_id", stc_learn_child(t));
        bool other = strcmp(ip->name, id) != 0 || ip != first;
        free(id);
        return other;
    }
    case STC_LEARN_NO_PARAM:
        return rt && u->group != STC_VERB_CREATE && u->group != STC_VERB_LIST && !rt->plural_entity && !rt->item;
    case STC_LEARN_IRREGULAR: return rt && rt->rule == STC_PLURAL_IRREGULAR;
    case STC_LEARN_IES:
        /* and the counter-case: a vowel before the y (day -> days) */
        return rt && (rt->rule == STC_PLURAL_IES ||
                      (rt->rule == STC_PLURAL_REGULAR && strlen(sing) >= 2 && sing[strlen(sing) - 1] == 'y' &&
                       strchr("aeiou", sing[strlen(sing) - 2])));
    case STC_LEARN_ES: return rt && rt->rule == STC_PLURAL_ES;
    case STC_LEARN_VES:
        /* and the f words that are not on the list (roof -> roofs) */
        return rt && (rt->rule == STC_PLURAL_VES || (rt->rule == STC_PLURAL_REGULAR &&
                                                     (stc_learn_ends(sing, "f") || stc_learn_ends(sing, "fe"))));
    case STC_LEARN_UNCOUNTABLE: return rt && rt->rule == STC_PLURAL_UNCOUNTABLE;
    case STC_LEARN_MULTI_WORD: return rt && !rt->parent && u->entity && strchr(u->entity, '_');
    case STC_LEARN_PLURAL_ENTITY: return rt && rt->plural_entity;
    case STC_LEARN_NESTED: return rt && rt->parent;
    case STC_LEARN_ACTION: return rt && u->group == STC_VERB_ACTION;
    case STC_LEARN_ASYNC_REST: return rt && rt->is_async;
    case STC_LEARN_FUNCTION: return t->kind == STC_LK_FUNCTION;
    case STC_LEARN_WORKFLOW: return t->kind == STC_LK_WORKFLOW;
    case STC_LEARN_HELPER: return t->kind == STC_LK_HELPER;
    case STC_LEARN_INIT: return t->kind == STC_LK_INIT;
    case STC_LEARN_IGNORED: return t->kind == STC_LK_IGNORED;
    case STC_LEARN_WS_ROUTE: return t->ws && key[0] != '$';
    case STC_LEARN_WS_SPECIAL: return t->ws && key[0] == '$';
    case STC_LEARN_NEAR_MISS: return stc_learn_near_miss(t);
    case STC_LEARN_UNCLASSIFIED: return t->kind == STC_LK_UNCLASSIFIED;
    case STC_LEARN_RULE_COUNT: break;
    }
    return false;
}

/* Most specific first: the first rule a method shows is the one its question
 * teaches. Every method shows one of them (a REST one its verb group). */
static const stc_learn_rule stc_learn_priority[] = {
    STC_LEARN_IGNORED,     STC_LEARN_INIT,          STC_LEARN_HELPER,      STC_LEARN_WORKFLOW,
    STC_LEARN_FUNCTION,    STC_LEARN_WS_SPECIAL,    STC_LEARN_WS_ROUTE,    STC_LEARN_NEAR_MISS,
    STC_LEARN_UNCLASSIFIED, STC_LEARN_ASYNC_REST,   STC_LEARN_NESTED,      STC_LEARN_ACTION,
    STC_LEARN_PLURAL_ENTITY, STC_LEARN_IRREGULAR,   STC_LEARN_UNCOUNTABLE, STC_LEARN_VES,
    STC_LEARN_IES,         STC_LEARN_ES,            STC_LEARN_MULTI_WORD,  STC_LEARN_NO_PARAM,
    STC_LEARN_ITEM_PARAM,  STC_LEARN_VERB_CREATE,   STC_LEARN_VERB_READ,   STC_LEARN_VERB_LIST,
    STC_LEARN_VERB_REPLACE, STC_LEARN_VERB_MODIFY,  STC_LEARN_VERB_DELETE, STC_LEARN_QUERY_BODY,
};

stc_learn_rule stc_learn_rule_of(const stc_learn_truth *t)
{
    for (size_t i = 0; i < STC_ARRAY_LEN(stc_learn_priority); i++)
        if (stc_learn_rule_shows(stc_learn_priority[i], t))
            return stc_learn_priority[i];
    return STC_LEARN_UNCLASSIFIED;
}

stc_learn_rule stc_learn_rule_of_unit(const stc_service *svc, const stc_unit_info *u)
{
    stc_learn_truth t = {0};
    t.unit = u;
    t.kind = stc_learn_kind_of(u);
    if (t.kind == STC_LK_ROUTE)
        t.route = stc_routes_find(svc->routes, u->method->name);
    else if (t.kind == STC_LK_WS)
        t.ws = stc_routes_find_ws(svc->routes, u->method->name);
    return stc_learn_rule_of(&t);
}

/* ---- reading an answer -------------------------------------------------- */

static void stc_learn_strv_add(char ***v, size_t *n, const char *s, size_t len)
{
    *v = stc_xrealloc(*v, (*n + 1) * sizeof **v);
    (*v)[(*n)++] = stc_xstrndup(s, len);
}

static void stc_learn_strv_free(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

void stc_learn_answer_free(stc_learn_answer *a)
{
    if (!a)
        return;
    free(a->method);
    for (size_t i = 0; i < a->nsegs; i++)
        free(a->segs[i].text);
    free(a->segs);
    stc_learn_strv_free(a->query, a->nquery);
    stc_learn_strv_free(a->body, a->nbody);
    free(a->ws_key);
    memset(a, 0, sizeof *a);
}

/* `s` with blanks collapsed to one space and trimmed; in lower case when
 * `lower` (the positions stay those of the case-kept copy). */
static char *stc_learn_collapse(const char *s, bool lower)
{
    stc_buf b = STC_BUF_INIT;
    bool space = false;
    for (; *s; s++) {
        if (isspace((unsigned char)*s)) {
            space = b.len > 0;
            continue;
        }
        if (space)
            stc_buf_putc(&b, ' ');
        space = false;
        stc_buf_putc(&b, lower ? (char)tolower((unsigned char)*s) : *s);
    }
    return stc_buf_take(&b);
}

static char *stc_learn_norm(const char *s)
{
    return stc_learn_collapse(s, true);
}

/* Is `word` one of the '|'-separated spellings? */
static bool stc_learn_spelled(const char *spellings, const char *word)
{
    size_t wl = strlen(word);
    for (const char *p = spellings; *p;) {
        size_t k = strcspn(p, "|");
        if (k == wl && strncmp(p, word, k) == 0)
            return true;
        p += k;
        if (*p)
            p++;
    }
    return false;
}

static const char *const stc_learn_http_methods[] = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"};

static const char stc_learn_formats[] =
    "answer with a route (GET /people/{person_id}, ?query, body: a, b), a WebSocket route key (ws message) "
    "or a kind (internal function, workflow, helper, init, ignored, unclassified)";

/* A list of parameter names: "a, b", "a&b", "a b"; "none" and "-" say
 * there are none. */
static void stc_learn_names(const char *s, size_t len, char ***v, size_t *n)
{
    size_t i = 0;
    while (i < len) {
        while (i < len && strchr(" ,&;:?", s[i]))
            i++;
        size_t st = i;
        while (i < len && !strchr(" ,&;:?=", s[i]))
            i++;
        size_t wl = i - st;
        if (wl && !(wl == 4 && strncasecmp(s + st, "none", 4) == 0) &&
            !(wl == 7 && strncasecmp(s + st, "nothing", 7) == 0) && !(wl == 1 && s[st] == '-'))
            stc_learn_strv_add(v, n, s + st, wl);
        if (i < len && s[i] == '=') /* ?limit=10: the value does not matter */
            while (i < len && !strchr(" ,&;", s[i]))
                i++;
    }
}

/* Where the word `w` (lower case) starts in `lower` as a whole word, from
 * `from`, or -1. */
static long stc_learn_word_at(const char *lower, size_t from, const char *w)
{
    size_t wl = strlen(w);
    for (const char *p = strstr(lower + from, w); p; p = strstr(p + 1, w)) {
        bool start = p == lower || strchr(" ", p[-1]);
        bool end = !p[wl] || strchr(" :", p[wl]);
        if (start && end)
            return (long)(p - lower);
    }
    return -1;
}

static int stc_learn_parse_route(const char *method, const char *rest, stc_learn_answer *a, char **err)
{
    a->kind = STC_LK_ROUTE;
    a->method = stc_xstrdup(method);
    for (char *p = a->method; *p; p++)
        *p = (char)toupper((unsigned char)*p);
    /* the words without the async markers ("(async)", "async", "202"),
     * one space apart, and the same in lower case to find the keywords */
    stc_buf kept = STC_BUF_INIT, kept_orig = STC_BUF_INIT;
    char *w = stc_xstrdup(rest), *save = NULL;
    for (char *tok = strtok_r(w, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
        if (strcasecmp(tok, "(async)") == 0 || strcasecmp(tok, "async") == 0 || strcmp(tok, "202") == 0 ||
            strcmp(tok, "(202)") == 0)
            continue;
        stc_buf_puts(&kept_orig, kept_orig.len ? " " : "");
        stc_buf_puts(&kept_orig, tok);
    }
    free(w);
    char *r = stc_learn_norm(stc_buf_cstr(&kept_orig));
    const char *src = stc_buf_cstr(&kept_orig);
    long kq = stc_learn_word_at(r, 0, "query"), kb = stc_learn_word_at(r, 0, "body");
    size_t path_end = strlen(r);
    if (kq >= 0 && (size_t)kq < path_end)
        path_end = (size_t)kq;
    if (kb >= 0 && (size_t)kb < path_end)
        path_end = (size_t)kb;
    /* the path and its query string, without blanks */
    for (size_t i = 0; i < path_end; i++)
        if (!isspace((unsigned char)src[i]))
            stc_buf_putc(&kept, src[i]);
    const char *path = stc_buf_cstr(&kept);
    const char *qs = strchr(path, '?');
    size_t plen = qs ? (size_t)(qs - path) : strlen(path);
    if (qs) {
        a->has_params = true;
        stc_learn_names(qs + 1, strlen(qs + 1), &a->query, &a->nquery);
    }
    int status = 0;
    if (plen == 0) {
        *err = stc_xasprintf("a route needs a path after %s, such as /people/{person_id}", a->method);
        status = -1;
    }
    for (size_t i = 0; i < plen && status == 0;) {
        while (i < plen && path[i] == '/')
            i++;
        size_t st = i;
        while (i < plen && path[i] != '/')
            i++;
        if (i == st)
            break;
        const char *s = path + st;
        size_t sl = i - st;
        stc_learn_seg seg = {NULL, false};
        if (sl >= 2 && ((s[0] == '{' && s[sl - 1] == '}') || (s[0] == '<' && s[sl - 1] == '>'))) {
            seg.param = true;
            seg.text = stc_xstrndup(s + 1, sl - 2);
        } else if (s[0] == ':') {
            seg.param = true;
            seg.text = stc_xstrndup(s + 1, sl - 1);
        } else {
            seg.text = stc_xstrndup(s, sl);
        }
        a->segs = stc_xrealloc(a->segs, (a->nsegs + 1) * sizeof *a->segs);
        a->segs[a->nsegs++] = seg;
    }
    /* "query: a, b" and "body: a, b", in either order */
    long keys[2] = {kq, kb};
    for (int k = 0; k < 2 && status == 0; k++) {
        if (keys[k] < 0)
            continue;
        size_t from = (size_t)keys[k] + (k == 0 ? 5 : 4);
        long other = keys[1 - k];
        size_t to = other > keys[k] ? (size_t)other : strlen(src);
        a->has_params = true;
        if (k == 0)
            stc_learn_names(src + from, to - from, &a->query, &a->nquery);
        else
            stc_learn_names(src + from, to - from, &a->body, &a->nbody);
    }
    stc_buf_free(&kept);
    stc_buf_free(&kept_orig);
    free(r);
    return status;
}

int stc_learn_parse(const char *text, stc_learn_answer *a, char **err)
{
    memset(a, 0, sizeof *a);
    *err = NULL;
    char *norm = stc_learn_norm(text);
    if (!*norm) {
        free(norm);
        *err = stc_xasprintf("type an answer: %s", stc_learn_formats);
        return -1;
    }
    /* a kind: without "a", "an", "the" and a final "." */
    const char *k = norm;
    for (const char *art = "a \0an \0the \0"; *art; art += strlen(art) + 1)
        if (strncmp(k, art, strlen(art)) == 0)
            k += strlen(art);
    char *kind = stc_xstrdup(k);
    size_t kl = strlen(kind);
    while (kl && kind[kl - 1] == '.')
        kind[--kl] = '\0';
    int status = 1; /* 1: not read yet */
    for (int i = 0; i < STC_LK_COUNT && status == 1; i++) {
        if (!stc_learn_spelled(stc_learn_kinds[i].spellings, kind))
            continue;
        if (i == STC_LK_ROUTE) {
            *err = stc_xstrdup("which route? write it: GET /people/{person_id}");
            status = -1;
        } else if (i == STC_LK_WS) {
            *err = stc_xstrdup("which route key? write it: ws message");
            status = -1;
        } else {
            a->kind = (stc_learn_kind)i;
            status = 0;
        }
    }
    free(kind);
    /* a WebSocket route key: "ws message", "websocket route key $connect", "$connect" */
    if (status == 1) {
        const char *p = norm;
        bool ws = false;
        for (const char *lead = "websocket\0web socket\0ws\0"; *lead && !ws; lead += strlen(lead) + 1)
            if (strncmp(p, lead, strlen(lead)) == 0 && (p[strlen(lead)] == ' ' || p[strlen(lead)] == ':')) {
                p += strlen(lead);
                ws = true;
            }
        if (!ws && strncmp(p, "route key ", 10) == 0)
            ws = true;
        for (const char *skip = " \0:\0route\0key\0"; ws && *skip;) {
            size_t sl = strlen(skip);
            if (strncmp(p, skip, sl) == 0 && (sl == 1 || p[sl] == ' ' || p[sl] == ':' || !p[sl])) {
                p += sl;
                skip = " \0:\0route\0key\0"; /* again from the start */
                continue;
            }
            skip += sl + 1;
        }
        if (ws || norm[0] == '$') {
            /* the key as typed (case kept), without quotes */
            char *orig = stc_learn_collapse(text, false);
            const char *key = orig + (p - norm);
            size_t n = strcspn(key, " ");
            while (n && strchr("\"'`", key[n - 1]))
                n--;
            while (n && strchr("\"'`", *key)) {
                key++;
                n--;
            }
            if (!n) {
                *err = stc_xstrdup("which route key? write it: ws message");
                status = -1;
            } else {
                a->kind = STC_LK_WS;
                a->ws_key = stc_xstrndup(key, n);
                status = 0;
            }
            free(orig);
        }
    }
    /* a route: METHOD /path ... */
    if (status == 1) {
        size_t first = strcspn(text + strspn(text, " \t"), " \t");
        const char *word = text + strspn(text, " \t");
        for (size_t i = 0; i < STC_ARRAY_LEN(stc_learn_http_methods) && status == 1; i++)
            if (first == strlen(stc_learn_http_methods[i]) &&
                strncasecmp(word, stc_learn_http_methods[i], first) == 0)
                status = stc_learn_parse_route(stc_learn_http_methods[i], word + first, a, err);
    }
    if (status == 1) {
        *err = stc_xstrdup("could not read that as a route, a WebSocket route key (ws KEY) or a kind");
        status = -1;
    }
    free(norm);
    if (status != 0)
        stc_learn_answer_free(a);
    return status;
}

char *stc_learn_answer_text(const stc_learn_answer *a)
{
    if (a->kind == STC_LK_WS)
        return stc_xasprintf("ws %s", a->ws_key ? a->ws_key : "");
    if (a->kind != STC_LK_ROUTE)
        return stc_xstrdup(stc_learn_kind_name(a->kind));
    stc_buf b = STC_BUF_INIT;
    stc_buf_printf(&b, "%s ", a->method ? a->method : "");
    for (size_t i = 0; i < a->nsegs; i++)
        stc_buf_printf(&b, a->segs[i].param ? "/{%s}" : "/%s", a->segs[i].text);
    if (!a->nsegs)
        stc_buf_putc(&b, '/');
    for (size_t i = 0; i < a->nquery; i++)
        stc_buf_printf(&b, "%c%s", i ? '&' : '?', a->query[i]);
    for (size_t i = 0; i < a->nbody; i++)
        stc_buf_printf(&b, "%s%s", i ? ", " : " body: ", a->body[i]);
    return stc_buf_take(&b);
}

/* ---- judging ------------------------------------------------------------- */

void stc_learn_verdict_free(stc_learn_verdict *v)
{
    if (!v)
        return;
    stc_learn_strv_free(v->diffs, v->ndiffs);
    memset(v, 0, sizeof *v);
}

static void stc_learn_diff(stc_learn_verdict *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void stc_learn_diff(stc_learn_verdict *v, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = stc_xvasprintf(fmt, ap);
    va_end(ap);
    v->diffs = stc_xrealloc(v->diffs, (v->ndiffs + 1) * sizeof *v->diffs);
    v->diffs[v->ndiffs++] = s;
}

static bool stc_learn_has(char *const *v, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(v[i], name) == 0)
            return true;
    return false;
}

/* The route's parameters of one kind, as a name list. */
static size_t stc_learn_route_names(const stc_route *r, stc_param_in in, const char ***out)
{
    const char **v = stc_xcalloc(r->nparams + 1, sizeof *v);
    size_t n = 0;
    for (size_t i = 0; i < r->nparams; i++)
        if (r->params[i].in == in)
            v[n++] = r->params[i].name;
    *out = v;
    return n;
}

static bool stc_learn_method_param(const stc_method *m, const char *name)
{
    for (size_t i = 0; i < m->nparams; i++)
        if (strcasecmp(m->params[i].name, name) == 0)
            return true;
    return false;
}

static char *stc_learn_segs_text(const stc_learn_seg *s, size_t n)
{
    stc_buf b = STC_BUF_INIT;
    for (size_t i = 0; i < n; i++)
        stc_buf_printf(&b, s[i].param ? "/{%s}" : "/%s", s[i].text);
    return n ? stc_buf_take(&b) : stc_xstrdup("/");
}

/* The segments of a compiled path ("/people/{person_id}"). */
static size_t stc_learn_path_segs(const char *path, stc_learn_seg **out)
{
    stc_learn_seg *v = NULL;
    size_t n = 0;
    for (const char *p = path; *p;) {
        while (*p == '/')
            p++;
        size_t k = strcspn(p, "/");
        if (!k)
            break;
        v = stc_xrealloc(v, (n + 1) * sizeof *v);
        v[n].param = p[0] == '{' && k >= 2 && p[k - 1] == '}';
        v[n].text = v[n].param ? stc_xstrndup(p + 1, k - 2) : stc_xstrndup(p, k);
        n++;
        p += k;
    }
    *out = v;
    return n;
}

static void stc_learn_segs_free(stc_learn_seg *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(s[i].text);
    free(s);
}

/* Parameters the answer placed in `place` (query or body) that the route
 * does not put there. */
static void stc_learn_misplaced(const stc_route *r, char *const *names, size_t n, stc_param_in place,
                                stc_learn_verdict *v)
{
    const char *where = place == STC_IN_QUERY ? "the query string" : "the body";
    for (size_t i = 0; i < n; i++) {
        bool found = false;
        for (size_t k = 0; k < r->nparams && !found; k++) {
            const stc_route_param *p = &r->params[k];
            if (strcasecmp(p->name, names[i]) != 0)
                continue;
            found = true;
            if (p->in == STC_IN_PATH)
                stc_learn_diff(v, "%s: it is in the path, not in %s", p->name, where);
            /* in the other place: reported from the route's side */
        }
        if (!found)
            stc_learn_diff(v, "%s: not a parameter of the method", names[i]);
    }
}

/* The route's parameters of kind `in` that the answer does not put there. */
static void stc_learn_missing(const stc_route *r, const stc_learn_answer *a, stc_param_in in,
                              stc_learn_verdict *v)
{
    const char **names;
    size_t n = stc_learn_route_names(r, in, &names);
    char *const *mine = in == STC_IN_QUERY ? a->query : a->body;
    size_t nmine = in == STC_IN_QUERY ? a->nquery : a->nbody;
    char *const *other = in == STC_IN_QUERY ? a->body : a->query;
    size_t nother = in == STC_IN_QUERY ? a->nbody : a->nquery;
    const char *goes = in == STC_IN_QUERY ? "the query string (GET and DELETE have no body)"
                                          : "the JSON body (POST, PUT and PATCH)";
    for (size_t i = 0; i < n; i++) {
        if (stc_learn_has(mine, nmine, names[i]))
            continue;
        if (stc_learn_has(other, nother, names[i]))
            stc_learn_diff(v, "%s: it goes in %s, not in the %s", names[i], goes,
                           in == STC_IN_QUERY ? "body" : "query string");
        else
            stc_learn_diff(v, "%s: missing; it goes in %s", names[i], goes);
    }
    free(names);
}

static void stc_learn_judge_route(const stc_learn_truth *t, const stc_learn_answer *a, bool need_params,
                                  stc_learn_verdict *v)
{
    const stc_route *r = t->route;
    if (strcasecmp(a->method, r->http_method) != 0)
        stc_learn_diff(v, "HTTP method: yours is %s; it is %s", a->method, r->http_method);
    stc_learn_seg *want;
    size_t nwant = stc_learn_path_segs(r->path, &want);
    size_t common = a->nsegs < nwant ? a->nsegs : nwant;
    for (size_t i = 0; i < common; i++) {
        const stc_learn_seg *x = &a->segs[i], *y = &want[i];
        if (!x->param && !y->param && strcasecmp(x->text, y->text) != 0)
            stc_learn_diff(v, "path segment %zu: yours is \"%s\"; it is \"%s\"", i + 1, x->text, y->text);
        else if (!x->param && y->param)
            stc_learn_diff(v, "path segment %zu: yours is \"%s\"; it is the path parameter {%s}", i + 1, x->text,
                           y->text);
        else if (x->param && !y->param)
            stc_learn_diff(v, "path segment %zu: yours is the path parameter {%s}; it is \"%s\"", i + 1, x->text,
                           y->text);
        else if (x->param && y->param && *x->text && strcasecmp(x->text, y->text) != 0 &&
                 stc_learn_method_param(t->unit->method, x->text))
            /* a placeholder's name matters only when it names another parameter */
            stc_learn_diff(v, "path segment %zu: yours is {%s}, another parameter of the method; it is {%s}", i + 1,
                           x->text, y->text);
    }
    if (a->nsegs != nwant) {
        char *mine = stc_learn_segs_text(a->segs, a->nsegs);
        stc_learn_diff(v, "path: yours has %zu segment%s (%s); it has %zu (%s)", a->nsegs, a->nsegs == 1 ? "" : "s",
                       mine, nwant, r->path);
        free(mine);
    }
    stc_learn_segs_free(want, nwant);
    if (!a->has_params && !need_params)
        return;
    if (!a->has_params && r->nquery + r->nbody > 0) {
        char *full = stc_learn_route_text(r);
        const char *rest = full + strlen(r->http_method) + 1 + strlen(r->path);
        while (*rest == ' ')
            rest++;
        stc_learn_diff(v, "the other parameters: yours does not say where they go; they go %s", rest);
        free(full);
        return;
    }
    stc_learn_missing(r, a, STC_IN_QUERY, v);
    stc_learn_missing(r, a, STC_IN_BODY, v);
    stc_learn_misplaced(r, a->query, a->nquery, STC_IN_QUERY, v);
    stc_learn_misplaced(r, a->body, a->nbody, STC_IN_BODY, v);
}

void stc_learn_judge(const stc_learn_truth *t, const stc_learn_answer *a, bool need_params, stc_learn_verdict *v)
{
    memset(v, 0, sizeof *v);
    if (a->kind != t->kind) {
        stc_learn_diff(v, "kind: yours is %s; it is %s", stc_learn_kind_phrase(a->kind),
                       stc_learn_kind_phrase(t->kind));
    } else if (t->kind == STC_LK_ROUTE && t->route) {
        stc_learn_judge_route(t, a, need_params, v);
    } else if (t->kind == STC_LK_WS && t->ws && strcasecmp(a->ws_key ? a->ws_key : "", t->ws->route_key) != 0) {
        stc_learn_diff(v, "route key: yours is \"%s\"; it is \"%s\"", a->ws_key ? a->ws_key : "",
                       t->ws->route_key);
    }
    v->right = v->ndiffs == 0;
}

/* A compiled method as an answer (for reverse questions). */
static void stc_learn_answer_of(const stc_learn_truth *t, stc_learn_answer *a)
{
    memset(a, 0, sizeof *a);
    a->kind = t->kind;
    if (t->ws)
        a->ws_key = stc_xstrdup(t->ws->route_key);
    if (!t->route)
        return;
    a->method = stc_xstrdup(t->route->http_method);
    a->nsegs = stc_learn_path_segs(t->route->path, &a->segs);
    a->has_params = true;
    for (size_t i = 0; i < t->route->nparams; i++) {
        const stc_route_param *p = &t->route->params[i];
        if (p->in == STC_IN_QUERY)
            stc_learn_strv_add(&a->query, &a->nquery, p->name, strlen(p->name));
        else if (p->in == STC_IN_BODY)
            stc_learn_strv_add(&a->body, &a->nbody, p->name, strlen(p->name));
    }
}

int stc_learn_judge_name(const stc_learn_truth *t, const char *typed, stc_learn_truth *mine, stc_learn_verdict *v,
                         char **err)
{
    memset(mine, 0, sizeof *mine);
    memset(v, 0, sizeof *v);
    *err = NULL;
    const char *p = typed;
    while (isspace((unsigned char)*p))
        p++;
    bool is_async = strncmp(p, "async ", 6) == 0;
    if (is_async)
        p += 6;
    while (isspace((unsigned char)*p))
        p++;
    if (strncmp(p, "def ", 4) == 0)
        p += 4;
    while (isspace((unsigned char)*p))
        p++;
    const char *name = p;
    if (*p == '_' || isalpha((unsigned char)*p))
        while (*p == '_' || isalnum((unsigned char)*p))
            p++;
    size_t nlen = (size_t)(p - name);
    while (isspace((unsigned char)*p))
        p++;
    char *sig = NULL;
    size_t rest = strlen(p);
    while (rest && (isspace((unsigned char)p[rest - 1]) || p[rest - 1] == ':'))
        rest--;
    if (nlen && rest == 0) {
        sig = stc_xasprintf("%sdef %.*s(%s)", is_async ? "async " : "", (int)nlen, name, t->params);
    } else if (nlen && *p == '(') {
        /* the learner's own parameters; self first */
        const char *in = p + 1;
        while (isspace((unsigned char)*in))
            in++;
        bool self = strncmp(in, "self", 4) == 0 && !(in[4] == '_' || isalnum((unsigned char)in[4]));
        sig = stc_xasprintf("%sdef %.*s(%s%s%.*s", is_async ? "async " : "", (int)nlen, name,
                            self ? "" : "self", self || *in == ')' ? "" : ", ", (int)(rest - (size_t)(in - p)), in);
    } else {
        *err = stc_xstrdup("type a method name, such as get_person, or a whole signature");
        return -1;
    }
    int r = stc_learn_compile(sig, mine, err);
    free(sig);
    if (r != 0)
        return -1;
    stc_learn_answer a;
    stc_learn_answer_of(mine, &a);
    stc_learn_judge(t, &a, true, v);
    stc_learn_answer_free(&a);
    return 0;
}
