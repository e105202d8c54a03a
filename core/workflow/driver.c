/* driver.c - the workflow compiler's driver and public API, state emission
 * and state names. See workflow.h and wf.h. */
#include "core/workflow.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/parse.h"
#include "core/util.h"
#include "core/workflow/jsonata.h"

/* ASL limits a state name to 80 characters. */
#define WF_NAME_MAX 80

static const char *const wf_codes[] = {
#define WF_CODE(id, code, what) code,
#include "core/workflow/codes.def"
#undef WF_CODE
};

const char *wf_code_text(enum wf_code code)
{
    return wf_codes[code];
}

bool stc_workflow_is_code(const char *code)
{
    for (size_t i = 0; i < STC_ARRAY_LEN(wf_codes); i++)
        if (strcmp(wf_codes[i], code) == 0)
            return true;
    return false;
}

stc_diag *wf_diag(wf_ctx *c, const stc_node *at, enum wf_code code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = stc_xvasprintf(fmt, ap);
    va_end(ap);
    stc_pos p = at ? at->pos : c->pos;
    if (!p.line)
        p = c->pos;
    stc_severity sev = code == WF_E_UNREACHABLE ? STC_SEV_WARNING : STC_SEV_ERROR;
    stc_diag *dg = stc_diag_add(c->d, sev, c->m->file, p.line, p.col, wf_codes[code], "%s", msg);
    if (p.end_line)
        stc_diag_set_end(dg, p.end_line, p.end_col);
    free(msg);
    if (sev == STC_SEV_ERROR)
        c->errors++;
    return dg;
}

cJSON *wf_state(const char *type)
{
    cJSON *st = cJSON_CreateObject();
    stc_asl_add_lit(st, "Type", type);
    return st;
}

/* ---- names ---- */

/* Cut `s` to at most `max` code points (UTF-8), adding "..." when cut. */
static void wf_cut(char *s, int max)
{
    if (strlen(s) <= (size_t)max) /* no more code points than bytes */
        return;
    int cps = 0;
    size_t keep = 0;
    for (size_t i = 0; s[i]; i++) {
        if (((unsigned char)s[i] & 0xC0) != 0x80) {
            if (cps == max - 3)
                keep = i;
            cps++;
        }
    }
    if (cps > max)
        strcpy(s + keep, "...");
}

/* Cleaned text, built one raw byte at a time: whitespace and control
 * characters collapse into single spaces (none at the start or the end), and
 * "${", which would be taken for a template substitution, becomes "$ {".
 * The text is then cut to `max` code points (wf_cut), so the cleaning stops
 * once it has more: a statement's source text can be long. */
typedef struct wf_clean_buf {
    stc_buf *b;
    int max;
    int cps;     /* code points in b */
    bool space;  /* a space is due before the next visible byte */
    char prev;   /* the previous raw byte */
} wf_clean_buf;

/* Append n raw bytes, cleaned. */
static void wf_clean_add(wf_clean_buf *cb, const char *s, size_t n)
{
    stc_buf *b = cb->b;
    size_t len = b->len;
    const int max = cb->max;
    int cps = cb->cps;
    bool space = cb->space;
    char prev = cb->prev;
    size_t i = 0;
    while (i < n && cps <= max) {
        /* a chunk at a time, with room for a space before each byte */
        size_t end = n - i < 64 ? n : i + 64;
        b->len = len;
        stc_buf_reserve(b, 2 * (end - i));
        char *out = b->data;
        for (; i < end; i++) {
            unsigned char ch = (unsigned char)s[i];
            if (ch <= ' ' || ch == 0x7f) {
                space = len > 0;
                continue;
            }
            if (space || (ch == '{' && (i ? s[i - 1] : prev) == '$')) {
                out[len++] = ' ';
                cps++;
                space = false;
            }
            out[len++] = (char)ch;
            cps += (ch & 0xC0) != 0x80; /* not a UTF-8 continuation byte */
            if (cps > max) {
                i++;
                break;
            }
        }
    }
    if (i)
        cb->prev = s[i - 1];
    if (b->data)
        b->data[len] = '\0';
    b->len = len;
    cb->cps = cps;
    cb->space = space;
}

static void wf_clean_puts(wf_clean_buf *cb, const char *s)
{
    wf_clean_add(cb, s, strlen(s));
}

/* True when fmt has no conversion but %s, %d, %zu, %lld and %%, which
 * wf_vformat formats by hand. */
static bool wf_plain_format(const char *fmt)
{
    for (const char *p = strchr(fmt, '%'); p; p = strchr(p + 2, '%')) {
        if (p[1] == 'z' && p[2] == 'u')
            p++;
        else if (p[1] == 'l' && p[2] == 'l' && p[3] == 'd')
            p += 2;
        else if (p[1] != 's' && p[1] != 'd' && p[1] != '%')
            return false;
    }
    return true;
}

/* A number's text appended without printf (stc_format_uint). */
static void wf_buf_uint(stc_buf *b, unsigned long long u, bool minus)
{
    char text[24];
    stc_buf_add(b, text, stc_format_uint(u, minus, text));
}

void wf_vformat(stc_buf *b, const char *fmt, va_list ap)
{
    if (!wf_plain_format(fmt)) {
        char *s = stc_xvasprintf(fmt, ap);
        stc_buf_puts(b, s);
        free(s);
        return;
    }
    const char *p = fmt;
    for (const char *pc; (pc = strchr(p, '%'));) {
        stc_buf_add(b, p, (size_t)(pc - p));
        p = pc + 2;
        if (pc[1] == 's') {
            const char *arg = va_arg(ap, const char *);
            stc_buf_puts(b, arg ? arg : "(null)");
        } else if (pc[1] == 'd') {
            int v = va_arg(ap, int);
            wf_buf_uint(b, v < 0 ? 0u - (unsigned)v : (unsigned)v, v < 0);
        } else if (pc[1] == 'z') {
            wf_buf_uint(b, va_arg(ap, size_t), false);
            p++;
        } else if (pc[1] == 'l') {
            long long v = va_arg(ap, long long);
            wf_buf_uint(b, v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v, v < 0);
            p += 2;
        } else {
            stc_buf_putc(b, '%');
        }
    }
    stc_buf_puts(b, p);
}

void wf_bprintf(stc_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    wf_vformat(b, fmt, ap);
    va_end(ap);
}

char *wf_strf(const char *fmt, ...)
{
    stc_buf b = STC_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    wf_vformat(&b, fmt, ap);
    va_end(ap);
    return stc_buf_take(&b);
}

const char *wf_name(wf_ctx *c, const char *fmt, ...)
{
    /* the set's buffers are reused from name to name */
    wf_name_set *set = c->name_set;
    stc_buf_clear(&set->raw);
    stc_buf_clear(&set->text);
    va_list ap;
    va_start(ap, fmt);
    wf_vformat(&set->raw, fmt, ap);
    va_end(ap);
    wf_clean_buf cb = {&set->text, WF_NAME_MAX, 0, false, 0};
    wf_clean_add(&cb, set->raw.data, set->raw.len);
    char *name = stc_xstrdup(set->text.len ? stc_buf_cstr(&set->text) : "State");
    wf_cut(name, WF_NAME_MAX);
    if (stc_name_index_find(&set->index, name) >= 0) {
        char *base = name;
        for (int k = 2;; k++) {
            char suffix[16];
            snprintf(suffix, sizeof suffix, " #%d", k);
            char *b2 = stc_xstrdup(base);
            wf_cut(b2, WF_NAME_MAX - (int)strlen(suffix));
            name = wf_strf("%s%s", b2, suffix);
            free(b2);
            if (stc_name_index_find(&set->index, name) < 0)
                break;
            free(name);
        }
        free(base);
    }
    if (c->nnames == c->capnames) {
        c->capnames = c->capnames ? c->capnames * 2 : 32;
        c->names = stc_xrealloc(c->names, c->capnames * sizeof *c->names);
    }
    c->names[c->nnames++] = name;
    stc_name_index_add(&set->index, name);
    return name;
}

char *wf_text(wf_ctx *c, const stc_node *n, int max)
{
    char *raw = stc_module_text(c->m, n->pos);
    stc_buf b = STC_BUF_INIT;
    wf_clean_buf cb = {&b, max, 0, false, 0};
    wf_clean_puts(&cb, raw ? raw : "");
    free(raw);
    char *t = stc_buf_take(&b);
    wf_cut(t, max);
    return t;
}

/* ---- emission ---- */

/* The copy of a state name the machine owns (wf_name made it, or it is
 * added to the pool): the state table and the ASL's Next fields use it. */
static const char *wf_owned_name(wf_ctx *c, const char *name)
{
    const stc_name_index *ix = &c->name_set->index;
    long i = stc_name_index_find(ix, name);
    if (i >= 0)
        return ix->names[i];
    /* not a name from wf_name: own a copy (kept out of the set, which only
     * wf_name's names make unique) */
    if (c->nnames == c->capnames) {
        c->capnames = c->capnames ? c->capnames * 2 : 32;
        c->names = stc_xrealloc(c->names, c->capnames * sizeof *c->names);
    }
    c->names[c->nnames] = stc_xstrdup(name);
    return c->names[c->nnames++];
}

static void wf_record(wf_ctx *c, const char *name, cJSON *st, stc_wf_call call, const char *callee)
{
    stc_workflow *wf = c->wf;
    if (wf->nstates == c->capstates) {
        c->capstates = c->capstates ? 2 * c->capstates : 64;
        wf->states = stc_xrealloc(wf->states, c->capstates * sizeof *wf->states);
    }
    stc_wf_state *s = &wf->states[wf->nstates++];
    s->name = (char *)wf_owned_name(c, name);
    const char *type = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(st, "Type"));
    static const char *const types[] = {"Pass", "Task", "Choice", "Wait", "Succeed", "Fail",
                                        "Parallel", "Map"};
    s->type = "Pass";
    for (size_t i = 0; type && i < STC_ARRAY_LEN(types); i++)
        if (strcmp(types[i], type) == 0)
            s->type = types[i];
    s->pos = c->pos;
    s->call = call;
    s->callee = callee ? stc_xstrdup(callee) : NULL;
}

const char *wf_add(wf_ctx *c, cJSON *st, const char *name, stc_wf_call call, const char *callee)
{
    wf_scope *sc = c->scope;
    if (!sc->started) {
        cJSON_SetValuestring(cJSON_GetObjectItemCaseSensitive(sc->obj, "StartAt"), name);
        sc->started = true;
    }
    cJSON_AddItemToObject(sc->states, name, st);
    wf_record(c, name, st, call, callee);
    return name;
}

const char *wf_add_late(wf_ctx *c, cJSON *st, const char *name)
{
    wf_scope *sc = c->scope;
    if (!sc->late)
        sc->late = cJSON_CreateObject();
    cJSON_AddItemToObject(sc->late, name, st);
    wf_record(c, name, st, STC_WF_CALL_NONE, NULL);
    return name;
}

void wf_scope_close(wf_scope *sc)
{
    if (!sc->late)
        return;
    while (sc->late->child) {
        cJSON *it = sc->late->child;
        cJSON_DetachItemViaPointer(sc->late, it);
        cJSON_AddItemToObject(sc->states, it->string, it);
    }
    cJSON_Delete(sc->late);
    sc->late = NULL;
}

const char *wf_emit(wf_ctx *c, cJSON *st, const char *name, stc_wf_call call, const char *callee)
{
    wf_scope *sc = c->scope;
    stc_asl_exits_patch_ref(&sc->dangling, wf_owned_name(c, name));
    if (sc->want_first && !sc->first_emit)
        sc->first_emit = name;
    return wf_add(c, st, name, call, callee);
}

void wf_then(wf_ctx *c, cJSON *st)
{
    stc_asl_exits_add(&c->scope->dangling, st, "Next");
}

bool wf_live(const wf_ctx *c)
{
    return c->scope->dangling.count > 0;
}

bool wf_is_local(const wf_ctx *c, const char *name)
{
    for (size_t i = 0; i < c->nlocals; i++)
        if (strcmp(c->locals[i], name) == 0)
            return true;
    return false;
}

const stc_unit_info *wf_unit(const wf_ctx *c, const char *name)
{
    long i = stc_name_index_find(c->unit_index, name);
    return i >= 0 ? &c->units[i] : NULL;
}

/* ---- loops that continue as new ---- */

cJSON *wf_resume_choice(wf_ctx *c)
{
    wf_scope *sc = c->scope;
    cJSON *startat = cJSON_GetObjectItemCaseSensitive(sc->obj, "StartAt");
    char *normal = stc_xstrdup(cJSON_GetStringValue(startat));
    cJSON *ch = wf_state("Choice");
    cJSON *chs = stc_asl_add_arr(ch, "Choices");
    stc_asl_add_str(ch, "Default", normal);
    free(normal);
    const stc_method *mt = c->method;
    c->pos = mt->name_pos.line ? mt->name_pos : mt->pos;
    const char *name = wf_name(c, "Continued?");
    wf_add(c, ch, name, STC_WF_CALL_NONE, NULL);
    /* first in States, and where the machine starts */
    cJSON_DetachItemViaPointer(sc->states, ch);
    cJSON_InsertItemInArray(sc->states, 0, ch);
    cJSON_SetValuestring(startat, name);
    return chs;
}

/* ---- errors ---- */

const char *wf_raise_target(wf_ctx *c)
{
    if (c->errto) {
        *c->errto_used = true;
        return c->errto->name;
    }
    return c->be->uncaught(c);
}

/* ---- one method ---- */

static void wf_scope_free(wf_scope *sc)
{
    cJSON_Delete(sc->late);
    for (size_t i = 0; i < sc->nnorms; i++)
        free(sc->norms[i].target);
    free(sc->norms);
    stc_asl_exits_free(&sc->dangling);
    free(sc->where);
}

void wf_scope_enter(wf_ctx *c, wf_scope *sc, cJSON *obj, char *where, wf_scope_save *save)
{
    memset(sc, 0, sizeof *sc);
    sc->obj = obj;
    stc_asl_add_str(obj, "StartAt", "");
    sc->states = stc_asl_add_obj(obj, "States");
    sc->where = where;
    save->scope = c->scope;
    save->errto = c->errto;
    save->errto_used = c->errto_used;
    c->scope = sc;
    c->errto = NULL;
    c->errto_used = NULL;
}

void wf_scope_leave(wf_ctx *c, wf_scope *sc, const wf_scope_save *save)
{
    wf_scope_close(sc);
    wf_scope_free(sc);
    c->scope = save->scope;
    c->errto = save->errto;
    c->errto_used = save->errto_used;
}

static const char *wf_basename(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static void wf_compile_method(stc_workflow *wf, const stc_module *m, const stc_unit_info *units,
                              size_t nunits, const stc_name_index *unit_index,
                              wf_name_set *names, stc_diags *d)
{
    wf_ctx c = {0};
    wj_be jn = {0};
    bool jsonata = wf->language == STC_QL_JSONATA;
    c.be = jsonata ? &wf_jsonata : &wf_jsonpath;
    c.bx = jsonata ? &jn : NULL;
    c.name_set = names;
    c.m = m;
    c.method = wf->method;
    c.units = units;
    c.nunits = nunits;
    c.unit_index = unit_index;
    c.d = d;
    c.wf = wf;

    cJSON *asl = cJSON_CreateObject();
    char *comment = wf_strf("%s.%s (%s, line %d), compiled by stc-tui", m->service->name,
                                  wf->method->name, wf_basename(m->file), wf->method->pos.line);
    stc_asl_add_str(asl, "Comment", comment);
    free(comment);
    if (jsonata)
        stc_asl_add_lit(asl, "QueryLanguage", "JSONata");
    stc_asl_add_str(asl, "StartAt", "");
    wf_scope main = {0};
    main.obj = asl;
    main.states = stc_asl_add_obj(asl, "States");
    main.where = stc_xstrdup("");
    c.scope = &main;

    for (size_t i = 0; i < wf->method->nparams; i++) {
        c.locals = stc_xrealloc(c.locals, (c.nlocals + 1) * sizeof *c.locals);
        c.locals[c.nlocals++] = stc_xstrdup(wf->method->params[i].name);
    }
    wf_collect_locals(&c, wf->method->body);
    c.be->start(&c);
    wf_block(&c, wf->method->body);
    c.be->finish(&c);
    wf_scope_close(&main);
    if (c.errors)
        cJSON_Delete(asl);
    else
        wf->asl = asl;
    wf_scope_free(&main);
    wf->names = c.names;
    wf->nnames = c.nnames;
    stc_name_index_clear(&c.name_set->index);
    for (size_t i = 0; i < c.nlocals; i++)
        free(c.locals[i]);
    free(c.locals);
    for (size_t i = 0; i < c.nrefs; i++)
        free(c.refs[i]);
    free(c.refs);
    free(c.restarts);
    free(c.types);
}

/* ---- public API ---- */

const char *stc_query_language_name(stc_query_language q)
{
    return q == STC_QL_JSONPATH ? "jsonpath" : "jsonata";
}

bool stc_query_language_parse(const char *s, stc_query_language *out)
{
    if (s && strcmp(s, "jsonata") == 0)
        *out = STC_QL_JSONATA;
    else if (s && strcmp(s, "jsonpath") == 0)
        *out = STC_QL_JSONPATH;
    else
        return false;
    return true;
}

stc_workflows *stc_workflows_compile(const stc_module *m, const stc_unit_info *units,
                                     size_t nunits, stc_diags *d)
{
    return stc_workflows_compile_opts(m, units, nunits, NULL, d);
}

stc_workflows *stc_workflows_compile_opts(const stc_module *m, const stc_unit_info *units,
                                          size_t nunits, const stc_wf_options *o, stc_diags *d)
{
    stc_workflows *w = stc_xcalloc(1, sizeof *w);
    if (!m || !m->service || !units)
        return w;
    stc_name_index ix = {0};
    for (size_t i = 0; i < nunits; i++)
        stc_name_index_add(&ix, units[i].method->name);
    wf_name_set names = {0}; /* emptied after each machine */
    for (size_t i = 0; i < nunits; i++) {
        if (units[i].unit != STC_UNIT_STATE_MACHINE || !units[i].method->is_async)
            continue;
        w->items = stc_xrealloc(w->items, (w->count + 1) * sizeof *w->items);
        stc_workflow *wf = &w->items[w->count++];
        memset(wf, 0, sizeof *wf);
        wf->method = units[i].method;
        wf->language = !o ? STC_QL_JSONATA : o->lang ? o->lang(o->ud, wf->method->name)
                                                     : o->language;
        wf_compile_method(wf, m, units, nunits, &ix, &names, d);
    }
    stc_name_index_free(&ix);
    stc_name_index_free(&names.index);
    stc_buf_free(&names.raw);
    stc_buf_free(&names.text);
    return w;
}

void stc_workflows_free(stc_workflows *w)
{
    if (!w)
        return;
    for (size_t i = 0; i < w->count; i++) {
        stc_workflow *wf = &w->items[i];
        cJSON_Delete(wf->asl);
        for (size_t k = 0; k < wf->nstates; k++)
            free(wf->states[k].callee);
        free(wf->states);
        for (size_t k = 0; k < wf->nnames; k++)
            free(wf->names[k]);
        free(wf->names);
    }
    free(w->items);
    free(w);
}

const stc_workflow *stc_workflows_find(const stc_workflows *w, const char *name)
{
    for (size_t i = 0; w && i < w->count; i++)
        if (strcmp(w->items[i].method->name, name) == 0)
            return &w->items[i];
    return NULL;
}

const stc_wf_state *stc_workflow_state(const stc_workflow *wf, const char *name)
{
    for (size_t i = 0; i < wf->nstates; i++)
        if (strcmp(wf->states[i].name, name) == 0)
            return &wf->states[i];
    return NULL;
}

static long wf_span(stc_pos p)
{
    return (long)(p.end_line - p.line) * 100000L + (p.end_col - p.col);
}

size_t stc_workflow_states_at_line(const stc_workflow *wf, int line, const stc_wf_state **out,
                                   size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < wf->nstates; i++) {
        const stc_wf_state *s = &wf->states[i];
        int end = s->pos.end_line ? s->pos.end_line : s->pos.line;
        if (line < s->pos.line || line > end)
            continue;
        if (n < max) {
            /* insertion by span, narrowest first; stable for equal spans */
            size_t j = n;
            while (j > 0 && wf_span(out[j - 1]->pos) > wf_span(s->pos)) {
                out[j] = out[j - 1];
                j--;
            }
            out[j] = s;
        }
        n++;
    }
    return n;
}

static const char *const wf_call_names[] = {"", "function", "workflow", "restart"};

cJSON *stc_workflow_source_map_json(const stc_workflow *wf, const char *file)
{
    cJSON *root = cJSON_CreateObject();
    stc_asl_add_str(root, "method", wf->method->name);
    stc_asl_add_str(root, "file", file ? file : "");
    cJSON *states = stc_asl_add_arr(root, "states");
    cJSON *lines = stc_asl_add_obj(root, "lines");
    for (size_t i = 0; i < wf->nstates; i++) {
        const stc_wf_state *s = &wf->states[i];
        cJSON *o = cJSON_CreateObject();
        stc_asl_add_str(o, "name", s->name);
        stc_asl_add_str(o, "type", s->type);
        stc_asl_add_num(o, "line", s->pos.line);
        stc_asl_add_num(o, "col", s->pos.col);
        stc_asl_add_num(o, "end_line", s->pos.end_line);
        stc_asl_add_num(o, "end_col", s->pos.end_col);
        if (s->call != STC_WF_CALL_NONE) {
            stc_asl_add_str(o, "call", wf_call_names[s->call]);
            if (s->callee)
                stc_asl_add_str(o, "calls", s->callee);
        }
        cJSON_AddItemToArray(states, o);
    }
    int last = 0;
    for (size_t i = 0; i < wf->nstates; i++) {
        int e = wf->states[i].pos.end_line ? wf->states[i].pos.end_line : wf->states[i].pos.line;
        if (e > last)
            last = e;
    }
    const stc_wf_state **buf = stc_xcalloc(wf->nstates ? wf->nstates : 1, sizeof *buf);
    for (int line = 1; line <= last; line++) {
        size_t n = stc_workflow_states_at_line(wf, line, buf, wf->nstates);
        if (!n)
            continue;
        char key[16];
        snprintf(key, sizeof key, "%d", line);
        cJSON *arr = cJSON_AddArrayToObject(lines, key);
        for (size_t i = 0; i < n; i++)
            cJSON_AddItemToArray(arr, cJSON_CreateString(buf[i]->name));
    }
    free(buf);
    return root;
}

char *stc_workflow_placeholder(const char *method_name, stc_wf_call kind)
{
    stc_buf b = STC_BUF_INIT;
    const char *p = method_name;
    while (*p == '_')
        p++;
    bool up = true;
    for (; *p; p++) {
        if (*p == '_') {
            up = true;
            continue;
        }
        stc_buf_putc(&b, up ? (char)toupper((unsigned char)*p) : *p);
        up = false;
    }
    stc_buf_puts(&b, kind == STC_WF_CALL_WORKFLOW ? "StateMachineArn" : "FunctionArn");
    return stc_buf_take(&b);
}
