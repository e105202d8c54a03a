/* tmpl.c - see tmpl.h. */
#include "tui/tmpl.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "core/aws/template.h"
#include "core/spec.h"
#include "core/util.h"

static void stc_tmpl_clear_units(stc_tmpl *t)
{
    for (size_t i = 0; i < t->nunits; i++) {
        free(t->units[i].method);
        free(t->units[i].camel);
    }
    free(t->units);
    t->units = NULL;
    t->nunits = 0;
}

void stc_tmpl_free(stc_tmpl *t)
{
    cJSON_Delete(t->tree);
    cJSON_Delete(t->changes);
    free(t->mode);
    free(t->yaml);
    free(t->why);
    free(t->prev_mode);
    free(t->source);
    stc_diags_free(&t->diags);
    stc_tmpl_clear_units(t);
    memset(t, 0, sizeof *t);
}

static double stc_tmpl_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static bool stc_tmpl_same_diag(const stc_diag *a, const stc_diag *b)
{
    return a->line == b->line && a->col == b->col && strcmp(a->code, b->code) == 0 &&
           strcmp(a->message, b->message) == 0 &&
           ((!a->file && !b->file) || (a->file && b->file && strcmp(a->file, b->file) == 0));
}

/* Append the diagnostics of `from` that `svc` (and `into`) do not have. */
static void stc_tmpl_take_diags(stc_diags *into, const stc_diags *from, const stc_service *svc)
{
    for (size_t i = 0; i < from->count; i++) {
        const stc_diag *x = &from->items[i];
        bool dup = false;
        for (size_t j = 0; j < svc->diags.count && !dup; j++)
            dup = stc_tmpl_same_diag(&svc->diags.items[j], x);
        for (size_t j = 0; j < into->count && !dup; j++)
            dup = stc_tmpl_same_diag(&into->items[j], x);
        if (dup)
            continue;
        stc_diag *y = stc_diag_add(into, x->severity, x->file, x->line, x->col, x->code, "%s", x->message);
        if (x->hint)
            stc_diag_set_hint(y, "%s", x->hint);
        if (x->end_line)
            stc_diag_set_end(y, x->end_line, x->end_col);
    }
}

/* Build the template of `mode`; records the units when `units` is set. */
static cJSON *stc_tmpl_build(stc_tmpl *t, const stc_service *svc, const char *mode, const char *config,
                             bool units, stc_diags *d)
{
    stc_template_parts parts;
    memset(&parts, 0, sizeof parts);
    bool io = false;
    cJSON *tree = stc_template_generate(svc, mode, config, &parts, d, &io);
    if (tree)
        stc_template_own(tree); /* kept past the service: compared with the next compile's */
    if (units && parts.spec) {
        stc_tmpl_clear_units(t);
        t->units = stc_xcalloc(parts.spec->nunits + 1, sizeof *t->units);
        for (size_t i = 0; i < parts.spec->nunits; i++) {
            t->units[i].method = stc_xstrdup(parts.spec->units[i].name);
            t->units[i].camel = stc_xstrdup(parts.spec->units[i].camel);
        }
        t->nunits = parts.spec->nunits;
    }
    stc_template_parts_free(&parts);
    return tree;
}

void stc_tmpl_update(stc_tmpl *t, const stc_service *svc, const char *mode, const char *prev_mode,
                     const char *config)
{
    double t0 = stc_tmpl_now_ms();
    /* On a mode change over the same text, the template held is the previous mode's. */
    cJSON *prev = NULL;
    if (prev_mode && t->tree && t->mode && strcmp(t->mode, prev_mode) == 0 && t->source && svc->source &&
        strcmp(t->source, svc->source) == 0) {
        prev = t->tree;
        t->tree = NULL;
    }
    stc_tmpl_free(t);
    t->mode = stc_xstrdup(mode);
    t->source = svc->source ? stc_xstrdup(svc->source) : NULL;
    t->prev_mode = prev_mode ? stc_xstrdup(prev_mode) : NULL;
    size_t errors = stc_diags_count(&svc->diags, STC_SEV_ERROR);
    if (!svc->module || errors) {
        t->why = svc->module ? stc_xasprintf("no template: the module has %zu error%s (see Diagnostics)", errors,
                                             errors == 1 ? "" : "s")
                             : stc_xstrdup("no template: the module does not compile");
        cJSON_Delete(prev);
        t->build_ms = stc_tmpl_now_ms() - t0;
        return;
    }
    stc_diags d = STC_DIAGS_INIT;
    t->tree = stc_tmpl_build(t, svc, mode, config, true, &d);
    stc_tmpl_take_diags(&t->diags, &d, svc);
    stc_diags_free(&d);
    if (!t->tree) {
        t->why = stc_xasprintf("no template for mode %s: see Diagnostics", mode);
        cJSON_Delete(prev);
        t->build_ms = stc_tmpl_now_ms() - t0;
        return;
    }
    if (prev_mode && !prev) {
        stc_diags pd = STC_DIAGS_INIT; /* the previous mode's problems are not this mode's */
        prev = stc_tmpl_build(t, svc, prev_mode, config, false, &pd);
        stc_diags_free(&pd);
    }
    if (prev)
        t->changes = stc_template_diff(prev, t->tree);
    cJSON_Delete(prev);
    t->build_ms = stc_tmpl_now_ms() - t0;
}

const char *stc_tmpl_yaml(stc_tmpl *t)
{
    if (t->yaml || !t->tree)
        return t->yaml;
    stc_buf b = STC_BUF_INIT;
    char *err = NULL;
    if (stc_template_write(t->tree, STC_TEMPLATE_YAML, &b, &err) != 0) {
        t->why = stc_xasprintf("no template: %s", err);
        free(err);
        stc_buf_free(&b);
        cJSON_Delete(t->tree);
        t->tree = NULL;
        cJSON_Delete(t->changes);
        t->changes = NULL;
        return NULL;
    }
    t->yaml = stc_buf_take(&b);
    return t->yaml;
}

static const cJSON *stc_tmpl_section(const stc_tmpl *t, const char *section)
{
    const cJSON *secs = t->changes ? cJSON_GetObjectItem(t->changes, "sections") : NULL, *sec;
    cJSON_ArrayForEach(sec, secs)
    {
        const cJSON *n = cJSON_GetObjectItem(sec, "section");
        if (cJSON_IsString(n) && strcmp(n->valuestring, section) == 0)
            return sec;
    }
    return NULL;
}

static const cJSON *stc_tmpl_named(const cJSON *list, const char *name)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, list)
    {
        const cJSON *n = cJSON_GetObjectItem(e, "name");
        if (cJSON_IsString(n) && strcmp(n->valuestring, name) == 0)
            return e;
    }
    return NULL;
}

const char *stc_tmpl_change(const stc_tmpl *t, const char *section, const char *name, const cJSON **changes)
{
    if (changes)
        *changes = NULL;
    const cJSON *sec = section && name ? stc_tmpl_section(t, section) : NULL;
    if (!sec)
        return NULL;
    if (stc_tmpl_named(cJSON_GetObjectItem(sec, "added"), name))
        return "added";
    const cJSON *c = stc_tmpl_named(cJSON_GetObjectItem(sec, "changed"), name);
    if (!c)
        return NULL;
    if (changes)
        *changes = cJSON_GetObjectItem(c, "changes");
    return "changed";
}

void stc_tmpl_counts(const stc_tmpl *t, int *added, int *removed, int *changed)
{
    *added = *removed = *changed = 0;
    const cJSON *secs = t->changes ? cJSON_GetObjectItem(t->changes, "sections") : NULL, *sec;
    cJSON_ArrayForEach(sec, secs)
    {
        *added += cJSON_GetArraySize(cJSON_GetObjectItem(sec, "added"));
        *removed += cJSON_GetArraySize(cJSON_GetObjectItem(sec, "removed"));
        *changed += cJSON_GetArraySize(cJSON_GetObjectItem(sec, "changed"));
    }
}

const cJSON *stc_tmpl_removed(const stc_tmpl *t, const char *section)
{
    const cJSON *sec = stc_tmpl_section(t, section);
    const cJSON *r = sec ? cJSON_GetObjectItem(sec, "removed") : NULL;
    return r && r->child ? r : NULL;
}

const char *stc_tmpl_method_of(const stc_tmpl *t, const char *entry)
{
    const char *best = NULL;
    size_t best_len = 0;
    for (size_t i = 0; entry && i < t->nunits; i++) {
        size_t n = strlen(t->units[i].camel);
        /* the longest camel prefix followed by an upper-case letter wins */
        if (n > best_len && strncmp(entry, t->units[i].camel, n) == 0 &&
            (entry[n] == '\0' || (entry[n] >= 'A' && entry[n] <= 'Z'))) {
            best = t->units[i].method;
            best_len = n;
        }
    }
    return best;
}

const char *stc_tmpl_camel_of(const stc_tmpl *t, const char *method)
{
    for (size_t i = 0; method && i < t->nunits; i++)
        if (strcmp(t->units[i].method, method) == 0)
            return t->units[i].camel;
    return NULL;
}

char *stc_tmpl_value_text(const cJSON *v)
{
    if (cJSON_IsObject(v) && v->child && !v->child->next) {
        const cJSON *c = v->child;
        if (strcmp(c->string, "Ref") == 0 && cJSON_IsString(c))
            return stc_xasprintf("!Ref %s", c->valuestring);
        if (strcmp(c->string, "Fn::GetAtt") == 0 && cJSON_GetArraySize(c) == 2 &&
            cJSON_IsString(cJSON_GetArrayItem(c, 0)) && cJSON_IsString(cJSON_GetArrayItem(c, 1)))
            return stc_xasprintf("!GetAtt %s.%s", cJSON_GetArrayItem(c, 0)->valuestring,
                                 cJSON_GetArrayItem(c, 1)->valuestring);
        if (strcmp(c->string, "Fn::Sub") == 0 && cJSON_IsString(c))
            return stc_xasprintf("!Sub \"%s\"", c->valuestring);
    }
    char *s = cJSON_PrintUnformatted(v);
    char *r = stc_xstrdup(s ? s : "?");
    free(s);
    return r;
}
