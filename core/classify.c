/* classify.c - see classify.h and docs/naming-convention.md. */
#include "core/classify.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

static const char *const kind_json[] = {
#define KIND(id, json, badge) json,
#include "core/method_kinds.def"
#undef KIND
};
static const char *const kind_badge[] = {
#define KIND(id, json, badge) badge,
#include "core/method_kinds.def"
#undef KIND
};

const char *stc_kind_json(stc_method_kind k)
{
    return kind_json[k];
}

const char *stc_kind_badge(stc_method_kind k)
{
    return kind_badge[k];
}

const char *stc_unit_json(stc_unit_type u)
{
    switch (u) {
    case STC_UNIT_LAMBDA:
        return "lambda";
    case STC_UNIT_STATE_MACHINE:
        return "state_machine";
    case STC_UNIT_NONE:
        break;
    }
    return "none";
}

static bool stc_is_dunder(const char *s)
{
    size_t n = strlen(s);
    return n > 4 && s[0] == '_' && s[1] == '_' && s[n - 1] == '_' && s[n - 2] == '_';
}

/* A name made of lowercase words joined by single underscores. */
static bool stc_is_snake(const char *s)
{
    if (!*s || *s == '_')
        return false;
    char prev = '_';
    for (const char *p = s; *p; p++) {
        if (*p == '_' && prev == '_')
            return false;
        if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '_'))
            return false;
        prev = *p;
    }
    return prev != '_';
}

static bool stc_has_param(const stc_method *m, const char *name)
{
    for (size_t i = 0; i < m->nparams; i++)
        if (strcmp(m->params[i].name, name) == 0)
            return true;
    return false;
}

static const char *stc_special_decorator(const stc_method *m)
{
    for (size_t i = 0; i < m->ndecorators; i++) {
        const char *d = m->decorators[i];
        if (strcmp(d, "staticmethod") == 0 || strcmp(d, "classmethod") == 0 ||
            strcmp(d, "property") == 0 || strstr(d, ".setter") || strstr(d, ".getter") ||
            strstr(d, ".deleter") || strcmp(d, "functools.cached_property") == 0 ||
            strcmp(d, "cached_property") == 0)
            return d;
    }
    return NULL;
}

static void stc_classify_rest(stc_unit_info *u, const stc_module *mod, stc_diags *d)
{
    const stc_method *m = u->method;
    const char *name = m->name;
    const char *us = strchr(name, '_');
    if (!stc_is_snake(name) || !us) {
        /* A single word ("get", "health") or not snake_case. */
        u->kind = STC_KIND_UNCLASSIFIED;
        stc_verb_group g = stc_is_snake(name) ? stc_naming_verb_group(name) : STC_VERB_NONE;
        if (g != STC_VERB_NONE) {
            u->explain = stc_xasprintf("%s: verb \"%s\" with no entity after it -> not a cloud unit",
                                       name, name);
            u->hint = stc_xasprintf("name the entity: %s_<entity>, for example %s_item", name, name);
        } else if (strncmp(name, "on", 2) == 0 && name[2] && name[2] != '_' && stc_is_snake(name)) {
            u->explain = stc_xasprintf("%s: not of the form <verb>_<entity>, _name, on_name or __name -> not a cloud unit", name);
            u->hint = stc_xasprintf("did you mean on_%s (a WebSocket handler)?", name + 2);
        } else {
            u->explain = stc_xasprintf("%s: not of the form <verb>_<entity>, _name, on_name or __name -> not a cloud unit", name);
            if (!stc_is_snake(name))
                u->hint = stc_xstrdup("method names are snake_case words: <verb>_<entity>, _name, on_name or __name");
            else
                u->hint = stc_xasprintf("add a verb and an entity (e.g. get_%s), or make it internal (_%s)", name, name);
        }
        stc_diag *dg = stc_diag_add(d, STC_SEV_WARNING, mod->file, m->name_pos.line, m->name_pos.col,
                                    "STC130", "method '%s' is not a cloud unit and will not be deployed", name);
        stc_diag_set_hint(dg, "%s", u->hint);
        return;
    }
    u->verb = stc_xstrndup(name, (size_t)(us - name));
    u->entity = stc_xstrdup(us + 1);
    stc_verb_group g = stc_naming_verb_group(u->verb);
    if (g != STC_VERB_NONE) {
        u->kind = STC_KIND_REST;
        u->group = g;
        u->explain = stc_xasprintf("%s: verb \"%s\" is a %s verb -> %s; entity \"%s\"", name, u->verb,
                                   stc_naming_group_name(g), stc_naming_group_method(g), u->entity);
        return;
    }
    char *id_param = stc_xasprintf("%s_id", u->entity);
    const char *found = stc_has_param(m, id_param) ? id_param : stc_has_param(m, "id") ? "id" : NULL;
    /* A nested entity <parent>_<child> with a <parent>_id parameter: the
     * child's id makes an action too (approve_person_order(self, person_id,
     * order_id) -> POST /people/{person_id}/orders/{order_id}/approve). */
    char *child_id = NULL;
    const char *us2 = strchr(u->entity, '_');
    if (!found && us2) {
        char *parent_id = stc_xasprintf("%.*s_id", (int)(us2 - u->entity), u->entity);
        child_id = stc_xasprintf("%s_id", us2 + 1);
        if (stc_has_param(m, parent_id) && stc_has_param(m, child_id))
            found = child_id;
        free(parent_id);
    }
    if (found) {
        u->kind = STC_KIND_REST;
        u->group = STC_VERB_ACTION;
        u->explain = stc_xasprintf("%s: \"%s\" is not a known verb, but the method has the id parameter %s "
                                   "-> action verb: POST on the %s item + /%s",
                                   name, u->verb, found, u->entity, u->verb);
        const char *near = stc_naming_closest_verb(u->verb);
        if (near) {
            stc_diag *dg = stc_diag_add(d, STC_SEV_WARNING, mod->file, m->name_pos.line, m->name_pos.col,
                                        "STC132", "'%s' is taken as an action verb (POST .../%s), but it is close "
                                        "to the known verb '%s'", u->verb, u->verb, near);
            stc_diag_set_hint(dg, "did you mean %s_%s?", near, u->entity);
        }
        free(id_param);
        free(child_id);
        return;
    }
    free(child_id);
    u->kind = STC_KIND_UNCLASSIFIED;
    const char *close = stc_naming_closest_verb(u->verb);
    u->explain = stc_xasprintf("%s: \"%s\" is not a known verb and the method has no %s or id parameter "
                               "-> not a cloud unit",
                               name, u->verb, id_param);
    if (close)
        u->hint = stc_xasprintf("did you mean %s_%s?", close, u->entity);
    else
        u->hint = stc_xasprintf("start with a known verb (get, list, create, update, patch, delete, ...), "
                                "or add a parameter %s to make \"%s\" an action",
                                id_param, u->verb);
    stc_diag *dg = stc_diag_add(d, STC_SEV_WARNING, mod->file, m->name_pos.line, m->name_pos.col, "STC131",
                                "method '%s' is not a cloud unit: \"%s\" is not a known verb", name, u->verb);
    stc_diag_set_hint(dg, "%s", u->hint);
    free(id_param);
}

static void stc_classify_one(stc_unit_info *u, const stc_module *mod, stc_diags *d)
{
    const stc_method *m = u->method;
    const char *name = m->name;
    u->is_async = m->is_async;
    const char *special = stc_special_decorator(m);
    if (special) {
        u->kind = STC_KIND_IGNORED;
        u->explain = stc_xasprintf("%s: decorated with @%s -> not a cloud unit, ignored", name, special);
        stc_diag_add(d, STC_SEV_NOTE, mod->file, m->pos.line, m->pos.col, "STC120",
                     "'%s' is a @%s member and is ignored", name, special);
        return;
    }
    if (strcmp(name, "__init__") == 0) {
        u->kind = STC_KIND_INIT;
        u->explain = stc_xasprintf("__init__: the constructor -> service parameters and resources; never a cloud function");
        if (m->is_async) {
            stc_diag *dg = stc_diag_add(d, STC_SEV_ERROR, mod->file, m->pos.line, m->pos.col, "STC110",
                                        "__init__ cannot be async");
            stc_diag_set_hint(dg, "write 'def __init__', and move asynchronous work into an async method");
        }
        return;
    }
    if (stc_is_dunder(name)) {
        u->kind = STC_KIND_IGNORED;
        u->explain = stc_xasprintf("%s: a special (dunder) method other than __init__ -> ignored", name);
        return;
    }
    if (strncmp(name, "__", 2) == 0) {
        u->kind = STC_KIND_HELPER;
        u->explain = stc_xasprintf("%s: two leading underscores -> helper: plain code shipped inside every "
                                   "function's package, not a cloud function", name);
        if (m->is_async) {
            stc_diag *dg = stc_diag_add(d, STC_SEV_ERROR, mod->file, m->pos.line, m->pos.col, "STC111",
                                        "helper '%s' cannot be async: a helper is plain code, not a workflow", name);
            stc_diag_set_hint(dg, "make it an internal workflow (one underscore: %s) or drop 'async'", name + 1);
        }
        return;
    }
    if (name[0] == '_') {
        if (!name[1]) {
            u->kind = STC_KIND_UNCLASSIFIED;
            u->explain = stc_xstrdup("_: no name after the underscore -> not a cloud unit");
            return;
        }
        u->kind = STC_KIND_FUNCTION;
        u->unit = m->is_async ? STC_UNIT_STATE_MACHINE : STC_UNIT_LAMBDA;
        if (m->is_async)
            u->explain = stc_xasprintf("%s: one leading underscore -> internal unit; async -> a state machine, "
                                       "started by other units, triggers or tests", name);
        else
            u->explain = stc_xasprintf("%s: one leading underscore -> internal function (Lambda), invoked by "
                                       "workflows, events or tests", name);
        return;
    }
    if (strncmp(name, "on_", 3) == 0 && name[3]) {
        u->kind = STC_KIND_WEBSOCKET;
        u->unit = m->is_async ? STC_UNIT_STATE_MACHINE : STC_UNIT_LAMBDA;
        u->ws_name = stc_xstrdup(name + 3);
        const char *key = strcmp(u->ws_name, "connect") == 0      ? "$connect"
                          : strcmp(u->ws_name, "disconnect") == 0 ? "$disconnect"
                          : strcmp(u->ws_name, "default") == 0    ? "$default"
                                                                  : u->ws_name;
        u->explain = stc_xasprintf("%s: prefix \"on_\" -> WebSocket handler for route key \"%s\"%s", name, key,
                                   m->is_async ? "; async -> starts a state machine" : "");
        return;
    }
    stc_classify_rest(u, mod, d);
    if (u->kind == STC_KIND_REST) {
        u->unit = m->is_async ? STC_UNIT_STATE_MACHINE : STC_UNIT_LAMBDA;
        if (m->is_async) {
            char *e = stc_xasprintf("%s; async -> starts a state machine and answers 202 with the execution id",
                                    u->explain);
            free(u->explain);
            u->explain = e;
        }
    }
}

static const stc_method *stc_sort_methods;

static int stc_method_name_cmp(const void *a, const void *b)
{
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    int c = strcmp(stc_sort_methods[i].name, stc_sort_methods[j].name);
    return c ? c : (i < j ? -1 : (i > j));
}

stc_unit_info *stc_classify(const stc_module *m, stc_diags *d)
{
    if (!m)
        return NULL;
    if (!m->service) {
        int line = m->body.count ? 1 : 0;
        stc_diag *dg = stc_diag_add(d, STC_SEV_ERROR, m->file, line, line ? 1 : 0, "STC101",
                                    m->body.count ? "the module defines no class: there is no service"
                                                  : "the module is empty: there is no service");
        stc_diag_set_hint(dg, "define the service as a class at module level; the last class is the service");
        return NULL;
    }
    const stc_class *c = m->service;
    if (c->nmethods == 0) {
        stc_diag *dg = stc_diag_add(d, STC_SEV_WARNING, m->file, c->pos.line, c->pos.col, "STC102",
                                    "service class '%s' has no methods: nothing to deploy", c->name);
        stc_diag_set_hint(dg, "add methods such as get_item(self, item_id) or _process(self, data)");
    }
    stc_unit_info *units = stc_xcalloc(c->nmethods ? c->nmethods : 1, sizeof *units);
    for (size_t i = 0; i < c->nmethods; i++) {
        units[i].method = &c->methods[i];
        stc_classify_one(&units[i], m, d);
    }
    /* A method defined twice: Python keeps the last one. Sort the indices by
     * name (then position) so this stays O(n log n) on huge modules. */
    if (c->nmethods > 1) {
        size_t *idx = stc_xmalloc(c->nmethods * sizeof *idx);
        for (size_t i = 0; i < c->nmethods; i++)
            idx[i] = i;
        stc_sort_methods = c->methods;
        qsort(idx, c->nmethods, sizeof *idx, stc_method_name_cmp);
        for (size_t k = 1; k < c->nmethods; k++) {
            const stc_method *first = &c->methods[idx[k - 1]], *again = &c->methods[idx[k]];
            if (strcmp(first->name, again->name) != 0)
                continue;
            size_t f = k - 1;
            while (f > 0 && strcmp(c->methods[idx[f - 1]].name, again->name) == 0)
                f--;
            first = &c->methods[idx[f]];
            stc_diag *dg = stc_diag_add(d, STC_SEV_ERROR, m->file, again->pos.line, again->pos.col, "STC103",
                                        "method '%s' is defined twice (first at line %d)", again->name,
                                        first->pos.line);
            stc_diag_set_hint(dg, "rename or remove one of them; Python would silently keep the last");
        }
        free(idx);
    }
    return units;
}

void stc_units_free(stc_unit_info *units, size_t n)
{
    if (!units)
        return;
    for (size_t i = 0; i < n; i++) {
        free(units[i].explain);
        free(units[i].hint);
        free(units[i].verb);
        free(units[i].entity);
        free(units[i].ws_name);
    }
    free(units);
}
