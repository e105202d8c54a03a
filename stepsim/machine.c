/* machine.c - load and validate ASL documents (see machine.h). */
#include "stepsim/machine.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "stepsim/choice.h"
#include "stepsim/intrinsic.h"
#include "stepsim/jsonpath.h"

static const char *const TYPE_NAMES[] = {
#define X(id, name) name,
    STC_STATE_TYPES(X)
#undef X
};

const char *stc_state_type_name(stc_state_type t)
{
    return (size_t)t < STC_ARRAY_LEN(TYPE_NAMES) ? TYPE_NAMES[t] : "?";
}

/* A variable some state assigns, for the scope rule. */
typedef struct assigned {
    const char *name;  /* borrowed from the document; ".$" kept (see namelen) */
    size_t namelen;
    const char *state; /* the state that assigns it */
} assigned;

typedef struct loader {
    stc_buf where; /* "state 'Par': Branches[0]: " prefix */
    char *err;
    /* variables assigned by the machines around the one being loaded (the
     * outer scopes), innermost last */
    assigned *outer;
    size_t nouter, capouter;
    bool top_jsonata; /* the top-level QueryLanguage is JSONata: every state's */
    bool any_jsonata; /* some state is a JSONata state */
} loader;

static int fail(loader *L, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(loader *L, const char *fmt, ...)
{
    if (L->err)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    char *msg = stc_xvasprintf(fmt, ap);
    va_end(ap);
    L->err = stc_xasprintf("%s%s", stc_buf_cstr(&L->where), msg);
    free(msg);
    return -1;
}

static void machine_free_nested(stc_machine *m);

static void buf_truncate(stc_buf *b, size_t len)
{
    if (b->data && len <= b->len) {
        b->len = len;
        b->data[len] = '\0';
    }
}

static void jsonata_free(stc_state *s)
{
    stc_state_jsonata *j = &s->j;
    stc_jtmpl *one[] = {j->arguments, j->output,    j->assign,    j->items,
                        j->item_selector, j->max_concurrency, j->tol_count, j->tol_percentage,
                        j->seconds,   j->timestamp, j->timeout,   j->heartbeat,
                        j->credentials, j->error,   j->cause};
    for (size_t i = 0; i < STC_ARRAY_LEN(one); i++)
        stc_jtmpl_free(one[i]);
    for (size_t i = 0; i < s->nchoices; i++) {
        stc_jtmpl_free(j->rule_condition ? j->rule_condition[i] : NULL);
        stc_jtmpl_free(j->rule_output ? j->rule_output[i] : NULL);
        stc_jtmpl_free(j->rule_assign ? j->rule_assign[i] : NULL);
    }
    for (size_t i = 0; i < s->ncatch; i++) {
        stc_jtmpl_free(j->catch_output ? j->catch_output[i] : NULL);
        stc_jtmpl_free(j->catch_assign ? j->catch_assign[i] : NULL);
    }
    free(j->rule_condition);
    free(j->rule_output);
    free(j->rule_assign);
    free(j->catch_output);
    free(j->catch_assign);
}

static void state_free(stc_state *s)
{
    jsonata_free(s);
    free(s->name);
    free(s->choice_next);
    free(s->choice_assign);
    free(s->catch_next);
    for (size_t i = 0; i < s->nbranches; i++)
        machine_free_nested(s->branches[i]);
    free(s->branches);
    if (s->processor)
        machine_free_nested(s->processor);
}

static void machine_free_nested(stc_machine *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n; i++)
        state_free(&m->states[i]);
    free(m->states);
    cJSON_Delete(m->doc);
    free(m);
}

void stc_machine_free(stc_machine *m)
{
    machine_free_nested(m);
}

int stc_machine_find(const stc_machine *m, const char *name)
{
    for (size_t i = 0; i < m->n; i++)
        if (!strcmp(m->states[i].name, name))
            return (int)i;
    return -1;
}

static bool is_jsonata(const cJSON *node)
{
    const cJSON *q = cJSON_GetObjectItemCaseSensitive(node, "QueryLanguage");
    return cJSON_IsString(q) && strcmp(q->valuestring, "JSONPath") != 0;
}

/* The entries of a state's Choices array (Choice rules), then of its Catch
 * array: `it` starts zeroed; each call returns the next entry, with its
 * label ("Choices[2]", "Catch[0]") and whether it is a rule, or NULL. */
typedef struct entry_iter {
    int list;          /* 0 Choices, 1 Catch, 2 done */
    const cJSON *next; /* the entry after the one returned */
    size_t i;
    bool started, rule;
    char label[32];
} entry_iter;

static const cJSON *next_entry(const cJSON *st, entry_iter *it)
{
    static const char *const lists[] = {"Choices", "Catch"};
    while (it->list < 2) {
        if (!it->started) {
            const cJSON *arr = cJSON_GetObjectItemCaseSensitive(st, lists[it->list]);
            it->next = cJSON_IsArray(arr) ? arr->child : NULL;
            it->i = 0;
            it->started = true;
        }
        if (it->next) {
            const cJSON *e = it->next;
            it->next = e->next;
            it->rule = it->list == 0;
            snprintf(it->label, sizeof it->label, "%s[%zu]", lists[it->list], it->i++);
            return e;
        }
        it->list++;
        it->started = false;
    }
    return NULL;
}

/* ---- workflow variables ---- */

/* AWS: a variable name is a Unicode identifier (ID_Start, then ID_Continue)
 * of at most 80 characters; "states" is reserved. Letters, digits and '_'
 * are checked here, any non-ASCII character is taken as a letter. */
static bool valid_var_name(const char *s, size_t n)
{
    if (n == 0 || (s[0] >= '0' && s[0] <= '9'))
        return false;
    if (n == 6 && !memcmp(s, "states", 6))
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!(c >= 0x80 || c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9')))
            return false;
    }
    return stc_utf8_count(s, n) <= 80;
}

/* The variables an Assign object assigns: check their names and add them to
 * *list (the scope of the machine being loaded). `field` names the place. */
static int collect_assign(loader *L, const cJSON *as, const char *state, const char *field,
                          bool jsonpath, assigned **list, size_t *n, size_t *cap)
{
    if (!as)
        return 0;
    if (!cJSON_IsObject(as))
        return fail(L, "state '%s': '%s' must be an object of variable names", state, field);
    for (const cJSON *c = as->child; c; c = c->next) {
        size_t len = strlen(c->string);
        if (jsonpath && len > 2 && !strcmp(c->string + len - 2, ".$"))
            len -= 2;
        if (!valid_var_name(c->string, len))
            return fail(L,
                        "state '%s': '%s': '%.*s' is not a variable name (a Unicode identifier "
                        "of at most 80 characters, not 'states'; a part of a variable such as "
                        "x.y or x[2] cannot be assigned)",
                        state, field, (int)len, c->string);
        if (*n == *cap) {
            *cap = *cap ? *cap * 2 : 16;
            *list = stc_xrealloc(*list, *cap * sizeof **list);
        }
        (*list)[(*n)++] = (assigned){c->string, len, state};
    }
    return 0;
}

static bool is_jsonata(const cJSON *node);

/* Every variable the states of machine `def` assign (their own Assign, their
 * Choice rules', their Catch entries'): the machine's scope. */
static int collect_scope(loader *L, const cJSON *def, bool top_jsonata, assigned **list,
                         size_t *n)
{
    size_t cap = 0;
    const cJSON *states = cJSON_GetObjectItemCaseSensitive(def, "States");
    for (const cJSON *st = states ? states->child : NULL; st; st = st->next) {
        bool jp = !(top_jsonata || is_jsonata(st));
        if (collect_assign(L, cJSON_GetObjectItemCaseSensitive(st, "Assign"), st->string, "Assign",
                           jp, list, n, &cap) < 0)
            return -1;
        entry_iter it = {0};
        for (const cJSON *r; (r = next_entry(st, &it));) {
            char field[48];
            snprintf(field, sizeof field, "%s.Assign", it.label);
            if (collect_assign(L, cJSON_GetObjectItemCaseSensitive(r, "Assign"), st->string, field,
                               jp, list, n, &cap) < 0)
                return -1;
        }
    }
    return 0;
}

/* AWS's scope rule: a Parallel branch or Map iteration reads the variables of
 * the scopes around it, and cannot assign one of them. */
static int check_scope(loader *L, const assigned *mine, size_t n)
{
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < L->nouter; k++)
            if (mine[i].namelen == L->outer[k].namelen &&
                !memcmp(mine[i].name, L->outer[k].name, mine[i].namelen))
                return fail(L,
                            "state '%s': 'Assign': the variable '%.*s' is assigned in an outer "
                            "scope too (by state '%s'); a Parallel branch or Map iteration "
                            "cannot assign a variable of a scope around it",
                            mine[i].state, (int)mine[i].namelen, mine[i].name,
                            L->outer[k].state);
    return 0;
}

/* ---- query languages ---- */

/* Fields of one query language only, on a state, a Choice rule or a Catch
 * entry (AWS refuses the others' fields with the message below). */
static const char *const JSONATA_ONLY[] = {"Arguments", "Output", "Items", "Condition"};

static int refuse_field(loader *L, const char *where, const char *field, bool jsonata)
{
    return fail(L, "%sThe QueryLanguage is set to '%s', but field '%s' is only supported for the "
                   "'%s' QueryLanguage",
                where, jsonata ? "JSONata" : "JSONPath", field, jsonata ? "JSONPath" : "JSONata");
}

static const char *const JSONPATH_ONLY[] = {
    "InputPath",          "OutputPath",           "Parameters",         "ResultSelector",
    "ResultPath",         "Result",               "ItemsPath",          "SecondsPath",
    "TimestampPath",      "TimeoutSecondsPath",   "HeartbeatSecondsPath", "MaxConcurrencyPath",
    "ToleratedFailureCountPath", "ToleratedFailurePercentagePath", "ErrorPath", "CausePath"};

static bool in_list(const char *k, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(k, list[i]))
            return true;
    return false;
}

/* `rule`: node is a Choice rule, whose JSONata form has only Condition,
 * Next, Assign, Output and Comment (Variable, And, StringEquals... are
 * JSONPath's). */
static int check_fields_of(loader *L, const cJSON *node, const char *where, bool jsonata,
                           bool rule)
{
    static const char *const JSONATA_RULE[] = {"Condition", "Next", "Assign", "Output", "Comment"};
    for (const cJSON *c = node->child; c; c = c->next) {
        if (!jsonata && in_list(c->string, JSONATA_ONLY, STC_ARRAY_LEN(JSONATA_ONLY)))
            return refuse_field(L, where, c->string, jsonata);
        if (jsonata && (rule ? !in_list(c->string, JSONATA_RULE, STC_ARRAY_LEN(JSONATA_RULE))
                             : in_list(c->string, JSONPATH_ONLY, STC_ARRAY_LEN(JSONPATH_ONLY))))
            return refuse_field(L, where, c->string, jsonata);
    }
    return 0;
}

/* The fields of state `st`, its Choice rules and its Catch entries against
 * its query language. */
static int check_language_fields(loader *L, const cJSON *st, bool jsonata)
{
    if (check_fields_of(L, st, "", jsonata, false) < 0)
        return -1;
    entry_iter it = {0};
    for (const cJSON *r; (r = next_entry(st, &it));) {
        char where[40];
        snprintf(where, sizeof where, "%s: ", it.label);
        if (cJSON_IsObject(r) && check_fields_of(L, r, where, jsonata, it.rule) < 0)
            return -1;
    }
    return 0;
}

static int check_path_field(loader *L, const cJSON *st, const char *field, bool reference)
{
    const cJSON *p = cJSON_GetObjectItemCaseSensitive(st, field);
    if (!p || cJSON_IsNull(p))
        return 0;
    if (!cJSON_IsString(p))
        return fail(L, "'%s' must be a string or null", field);
    char *msg = NULL;
    if (stc_jsonpath_check(p->valuestring, reference, &msg) < 0) {
        fail(L, "'%s': %s", field, msg);
        free(msg);
        return -1;
    }
    return 0;
}

static int check_template(loader *L, const cJSON *t, const char *field)
{
    if (cJSON_IsArray(t)) {
        for (const cJSON *c = t->child; c; c = c->next)
            if (check_template(L, c, field) < 0)
                return -1;
        return 0;
    }
    if (!cJSON_IsObject(t))
        return 0;
    for (const cJSON *c = t->child; c; c = c->next) {
        size_t len = strlen(c->string);
        if (len > 2 && !strcmp(c->string + len - 2, ".$")) {
            if (!cJSON_IsString(c))
                return fail(L, "%s: '%s' must be a string (a path or an intrinsic function)",
                            field, c->string);
            char *msg = NULL;
            int rc = 0;
            if (stc_intrinsic_is_call(c->valuestring))
                rc = stc_intrinsic_check(c->valuestring, &msg);
            else if (stc_jsonpath_is_path(c->valuestring))
                rc = stc_jsonpath_check(c->valuestring, false, &msg);
            else
                return fail(L, "%s: '%s' is '%s', neither a path nor an intrinsic function", field,
                            c->string, c->valuestring);
            if (rc < 0) {
                fail(L, "%s: '%s': %s", field, c->string, msg);
                free(msg);
                return -1;
            }
        } else if (check_template(L, c, field) < 0) {
            return -1;
        }
    }
    return 0;
}

static int check_error_list(loader *L, const cJSON *r, const char *what, size_t idx, bool last)
{
    const cJSON *ee = cJSON_GetObjectItemCaseSensitive(r, "ErrorEquals");
    if (!cJSON_IsArray(ee) || cJSON_GetArraySize(ee) == 0)
        return fail(L, "%s[%zu]: 'ErrorEquals' must be a non-empty array of error names", what,
                    idx);
    for (const cJSON *e = ee->child; e; e = e->next) {
        if (!cJSON_IsString(e))
            return fail(L, "%s[%zu]: 'ErrorEquals' must hold strings", what, idx);
        if (!strcmp(e->valuestring, "States.ALL") && (cJSON_GetArraySize(ee) != 1 || !last))
            return fail(L,
                        "%s[%zu]: 'States.ALL' must appear alone, in the last entry of %s", what,
                        idx, what);
    }
    return 0;
}

static int check_retry(loader *L, const cJSON *st)
{
    const cJSON *retry = cJSON_GetObjectItemCaseSensitive(st, "Retry");
    if (!retry)
        return 0;
    if (!cJSON_IsArray(retry))
        return fail(L, "'Retry' must be an array");
    size_t i = 0;
    for (const cJSON *r = retry->child; r; r = r->next, i++) {
        if (!cJSON_IsObject(r))
            return fail(L, "Retry[%zu] must be an object", i);
        if (check_error_list(L, r, "Retry", i, r->next == NULL) < 0)
            return -1;
        const cJSON *v;
        if ((v = cJSON_GetObjectItemCaseSensitive(r, "IntervalSeconds")) &&
            (!cJSON_IsNumber(v) || v->valuedouble < 1 || v->valuedouble != floor(v->valuedouble)))
            return fail(L, "Retry[%zu]: 'IntervalSeconds' must be a positive integer", i);
        if ((v = cJSON_GetObjectItemCaseSensitive(r, "MaxAttempts")) &&
            (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble != floor(v->valuedouble)))
            return fail(L, "Retry[%zu]: 'MaxAttempts' must be a non-negative integer", i);
        if ((v = cJSON_GetObjectItemCaseSensitive(r, "BackoffRate")) &&
            (!cJSON_IsNumber(v) || v->valuedouble < 1.0))
            return fail(L, "Retry[%zu]: 'BackoffRate' must be a number >= 1.0", i);
        if ((v = cJSON_GetObjectItemCaseSensitive(r, "MaxDelaySeconds")) &&
            (!cJSON_IsNumber(v) || v->valuedouble < 1 || v->valuedouble != floor(v->valuedouble)))
            return fail(L, "Retry[%zu]: 'MaxDelaySeconds' must be a positive integer", i);
        if ((v = cJSON_GetObjectItemCaseSensitive(r, "JitterStrategy")) &&
            (!cJSON_IsString(v) ||
             (strcmp(v->valuestring, "FULL") && strcmp(v->valuestring, "NONE"))))
            return fail(L, "Retry[%zu]: 'JitterStrategy' must be \"FULL\" or \"NONE\"", i);
    }
    return 0;
}

static int resolve(loader *L, const stc_machine *m, const cJSON *node, const char *field,
                   const char *ctx, int *out)
{
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(node, field);
    if (!cJSON_IsString(n))
        return fail(L, "%s'%s' must be a state name", ctx, field);
    int idx = stc_machine_find(m, n->valuestring);
    if (idx < 0)
        return fail(L, "%s'%s' names no state '%s'", ctx, field, n->valuestring);
    *out = idx;
    return 0;
}

static stc_machine *load_machine(loader *L, const cJSON *def);

static bool has(const cJSON *st, const char *field)
{
    return cJSON_GetObjectItemCaseSensitive(st, field) != NULL;
}

static int load_nested(loader *L, const cJSON *def, const char *label, stc_machine **out)
{
    size_t mark = L->where.len;
    stc_buf_printf(&L->where, "%s: ", label);
    /* the states inside inherit the top level's language (AWS) */
    if (cJSON_IsObject(def) && has(def, "QueryLanguage")) {
        *out = NULL;
        fail(L, "Field 'QueryLanguage' is not supported");
        buf_truncate(&L->where, mark);
        return -1;
    }
    *out = load_machine(L, def);
    buf_truncate(&L->where, mark);
    return *out ? 0 : -1;
}


static void lookup_fields(stc_state *s)
{
    const cJSON *st = s->def;
    stc_state_fields *f = &s->f;
    f->input_path = cJSON_GetObjectItemCaseSensitive(st, "InputPath");
    f->output_path = cJSON_GetObjectItemCaseSensitive(st, "OutputPath");
    f->result_path = cJSON_GetObjectItemCaseSensitive(st, "ResultPath");
    f->parameters = cJSON_GetObjectItemCaseSensitive(st, "Parameters");
    f->result = cJSON_GetObjectItemCaseSensitive(st, "Result");
    f->result_selector = cJSON_GetObjectItemCaseSensitive(st, "ResultSelector");
    f->assign = cJSON_GetObjectItemCaseSensitive(st, "Assign");
    f->choices = cJSON_GetObjectItemCaseSensitive(st, "Choices");
}

/* Compile JSONata field `field` of `node` into *out (NULL when absent). */
static int jfield(loader *L, const cJSON *node, const char *field, const char *label,
                  stc_jtmpl **out)
{
    char *msg = NULL;
    if (stc_jtmpl_compile(cJSON_GetObjectItemCaseSensitive(node, field), label ? label : field,
                          out, &msg) < 0) {
        fail(L, "%s", msg);
        free(msg);
        return -1;
    }
    return 0;
}

/* A JSONata numeric field: a number (checked like the JSONPath one) or an
 * expression evaluated when the state runs. */
static int jnumber(loader *L, const cJSON *st, const char *field, stc_jtmpl **out, bool integer,
                   double min)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(st, field);
    if (!v)
        return 0;
    if (cJSON_IsNumber(v)) {
        if (v->valuedouble < min || (integer && v->valuedouble != floor(v->valuedouble)))
            return fail(L, "'%s' must be %s", field,
                        !integer ? "a number between 0 and 100"
                        : min > 0 ? "a positive integer"
                                  : "a non-negative integer");
        return jfield(L, st, field, NULL, out);
    }
    if (cJSON_IsString(v)) {
        if (jfield(L, st, field, NULL, out) < 0)
            return -1;
        if (!stc_jtmpl_is_literal(*out))
            return 0;
    }
    return fail(L, "'%s' must be a number or a JSONata expression \"{%% ... %%}\"", field);
}

/* The JSONata fields of state s (its language is JSONata). */
/* The JSONata fields each state type has (AWS refuses the others with
 * "Field 'X' is not supported"): bit per stc_state_type. */
#define T(x) (1u << STC_STATE_##x)
static const struct {
    const char *field;
    unsigned types;
} JSONATA_FIELDS[] = {
    {"Arguments", T(TASK) | T(PARALLEL)},
    {"Output", ~T(FAIL)},
    {"Assign", ~(T(SUCCEED) | T(FAIL))},
    {"Items", T(MAP)},
    {"ItemSelector", T(MAP)},
    {"Credentials", T(TASK)},
};
#undef T

static int load_jsonata_fields(loader *L, stc_state *s)
{
    const cJSON *st = s->def;
    stc_state_jsonata *j = &s->j;
    for (size_t i = 0; i < STC_ARRAY_LEN(JSONATA_FIELDS); i++)
        if (has(st, JSONATA_FIELDS[i].field) && !(JSONATA_FIELDS[i].types & (1u << s->type)))
            return fail(L, "Field '%s' is not supported", JSONATA_FIELDS[i].field);
    static const char *const objects[] = {"Arguments", "Assign", "Credentials", "ItemSelector"};
    for (size_t i = 0; i < STC_ARRAY_LEN(objects); i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(st, objects[i]);
        if (v && !cJSON_IsObject(v) && !(cJSON_IsString(v) && strcmp(objects[i], "Assign")))
            return fail(L, "'%s' must be an object%s", objects[i],
                        strcmp(objects[i], "Assign") ? " or a JSONata expression" : "");
    }
    if (jfield(L, st, "Output", NULL, &j->output) < 0 ||
        jfield(L, st, "Assign", NULL, &j->assign) < 0 ||
        jfield(L, st, "Arguments", NULL, &j->arguments) < 0)
        return -1;
    switch (s->type) {
    case STC_STATE_TASK:
        if (jnumber(L, st, "TimeoutSeconds", &j->timeout, true, 1) < 0 ||
            jnumber(L, st, "HeartbeatSeconds", &j->heartbeat, true, 1) < 0 ||
            jfield(L, st, "Credentials", NULL, &j->credentials) < 0)
            return -1;
        break;
    case STC_STATE_WAIT: {
        if (has(st, "Seconds") == has(st, "Timestamp"))
            return fail(L, "a Wait needs exactly one of Seconds, Timestamp");
        if (jnumber(L, st, "Seconds", &j->seconds, true, 0) < 0)
            return -1;
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(st, "Timestamp");
        if (v) {
            int64_t sec;
            long ns;
            if (!cJSON_IsString(v))
                return fail(L, "'Timestamp' must be a string");
            if (jfield(L, st, "Timestamp", NULL, &j->timestamp) < 0)
                return -1;
            if (stc_jtmpl_is_literal(j->timestamp) && !stc_timestamp_parse(v->valuestring, &sec, &ns))
                return fail(L, "'Timestamp' must be an RFC 3339 timestamp such as "
                               "\"2026-01-01T00:00:00Z\" or a JSONata expression");
        }
        break;
    }
    case STC_STATE_FAIL: {
        static const char *const f[] = {"Error", "Cause"};
        for (size_t i = 0; i < 2; i++) {
            const cJSON *v = cJSON_GetObjectItemCaseSensitive(st, f[i]);
            if (v && !cJSON_IsString(v))
                return fail(L, "'%s' must be a string or a JSONata expression", f[i]);
        }
        if (jfield(L, st, "Error", NULL, &j->error) < 0 || jfield(L, st, "Cause", NULL, &j->cause) < 0)
            return -1;
        break;
    }
    case STC_STATE_MAP: {
        const cJSON *items = cJSON_GetObjectItemCaseSensitive(st, "Items");
        if (items && !cJSON_IsArray(items) && !cJSON_IsString(items))
            return fail(L, "'Items' must be an array or a JSONata expression");
        if (jfield(L, st, "Items", NULL, &j->items) < 0)
            return -1;
        if (j->items && stc_jtmpl_is_literal(j->items) && !cJSON_IsArray(items))
            return fail(L, "'Items' must be an array or a JSONata expression");
        if (jfield(L, st, "ItemSelector", NULL, &j->item_selector) < 0 ||
            jnumber(L, st, "MaxConcurrency", &j->max_concurrency, true, 0) < 0 ||
            jnumber(L, st, "ToleratedFailureCount", &j->tol_count, true, 0) < 0 ||
            jnumber(L, st, "ToleratedFailurePercentage", &j->tol_percentage, false, 0) < 0)
            return -1;
        const cJSON *tp = cJSON_GetObjectItemCaseSensitive(st, "ToleratedFailurePercentage");
        if (cJSON_IsNumber(tp) && tp->valuedouble > 100)
            return fail(L, "'ToleratedFailurePercentage' must be a number between 0 and 100");
        break;
    }
    default: break;
    }
    return 0;
}

/* A JSONata Choice rule: Condition (a boolean or an expression), Next, and
 * optionally Output and Assign. */
static int load_jsonata_rule(loader *L, stc_state *s, const cJSON *r, size_t i)
{
    char label[64];
    if (!cJSON_IsObject(r))
        return fail(L, "Choices[%zu] must be an object", i);
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(r, "Condition");
    if (!c)
        return fail(L, "Choices[%zu]: a JSONata Choice rule needs 'Condition'", i);
    if (!cJSON_IsBool(c) && !cJSON_IsString(c))
        return fail(L, "Choices[%zu]: 'Condition' must be true, false or a JSONata expression", i);
    snprintf(label, sizeof label, "Choices[%zu]/Condition", i);
    if (jfield(L, r, "Condition", label, &s->j.rule_condition[i]) < 0)
        return -1;
    if (cJSON_IsString(c) && stc_jtmpl_is_literal(s->j.rule_condition[i]))
        return fail(L, "Choices[%zu]: 'Condition' must be true, false or a JSONata expression "
                       "\"{%% ... %%}\"",
                    i);
    snprintf(label, sizeof label, "Choices[%zu]/Output", i);
    if (jfield(L, r, "Output", label, &s->j.rule_output[i]) < 0)
        return -1;
    snprintf(label, sizeof label, "Choices[%zu]/Assign", i);
    return jfield(L, r, "Assign", label, &s->j.rule_assign[i]);
}

static int reads_fail(loader *L, const stc_jtmpl *t, const char *member)
{
    const stc_jtmpl *x = stc_jtmpl_reads_states(t, member);
    if (!x)
        return 0;
    return fail(L, "'%s': the JSONata expression '%s' reads $states.%s, which %s", stc_jtmpl_field(x),
                stc_jtmpl_expr_text(x), member,
                !strcmp(member, "result")
                    ? "only the Output and Assign of a Task, Parallel or Map state can read"
                    : "only the Output and Assign of a Catch can read");
}

/* $states.result and $states.errorOutput only where AWS offers them (it
 * refuses the machine otherwise): result in the Output and Assign of a
 * Task, Parallel or Map state, errorOutput in a Catch's Output and Assign. */
static int check_states_reads(loader *L, const stc_state *s)
{
    const stc_state_jsonata *j = &s->j;
    bool result = s->type == STC_STATE_TASK || s->type == STC_STATE_PARALLEL ||
                  s->type == STC_STATE_MAP;
    const stc_jtmpl *fields[] = {j->output,          j->assign,    j->arguments, j->items,
                                 j->item_selector,   j->max_concurrency, j->tol_count,
                                 j->tol_percentage,  j->seconds,   j->timestamp, j->timeout,
                                 j->heartbeat,       j->credentials, j->error,   j->cause};
    for (size_t i = 0; i < STC_ARRAY_LEN(fields); i++) {
        if ((!(result && i < 2) && reads_fail(L, fields[i], "result") < 0) ||
            reads_fail(L, fields[i], "errorOutput") < 0)
            return -1;
    }
    for (size_t i = 0; i < s->nchoices; i++) {
        const stc_jtmpl *r[] = {j->rule_condition[i], j->rule_output[i], j->rule_assign[i]};
        for (size_t k = 0; k < 3; k++)
            if (reads_fail(L, r[k], "result") < 0 || reads_fail(L, r[k], "errorOutput") < 0)
                return -1;
    }
    for (size_t i = 0; i < s->ncatch; i++)
        if (reads_fail(L, j->catch_output[i], "result") < 0 ||
            reads_fail(L, j->catch_assign[i], "result") < 0)
            return -1;
    return 0;
}

static int load_state(loader *L, stc_machine *m, stc_state *s)
{
    const cJSON *st = s->def;
    lookup_fields(s);
    const cJSON *ql = cJSON_GetObjectItemCaseSensitive(st, "QueryLanguage");
    if (ql) {
        if (!cJSON_IsString(ql) ||
            (strcmp(ql->valuestring, "JSONPath") && strcmp(ql->valuestring, "JSONata")))
            return fail(L, "'QueryLanguage' must be \"JSONPath\" or \"JSONata\"");
        if (L->top_jsonata && !strcmp(ql->valuestring, "JSONPath"))
            return fail(L, "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole "
                           "state machine");
    }
    s->jsonata = L->top_jsonata || (ql && !strcmp(ql->valuestring, "JSONata"));
    L->any_jsonata |= s->jsonata;
    if (check_language_fields(L, st, s->jsonata) < 0)
        return -1;
    bool jsonata = s->jsonata;
    bool terminal = s->type == STC_STATE_SUCCEED || s->type == STC_STATE_FAIL;
    bool choice = s->type == STC_STATE_CHOICE;
    const cJSON *end = cJSON_GetObjectItemCaseSensitive(st, "End");
    bool is_end = cJSON_IsTrue(end);
    if (end && !cJSON_IsBool(end))
        return fail(L, "'End' must be true or false");
    if (terminal || choice) {
        if (has(st, "Next") || is_end)
            return fail(L, "a %s state cannot have 'Next' or 'End'", stc_state_type_name(s->type));
    } else {
        if (has(st, "Next") && is_end)
            return fail(L, "'Next' and 'End' cannot both be given");
        if (!has(st, "Next") && !is_end)
            return fail(L, "needs 'Next' or \"End\": true");
        if (has(st, "Next") && resolve(L, m, st, "Next", "", &s->next) < 0)
            return -1;
    }
    if (jsonata) {
        if (load_jsonata_fields(L, s) < 0)
            return -1;
    } else {
        if (check_path_field(L, st, "InputPath", false) < 0 ||
            check_path_field(L, st, "OutputPath", false) < 0 ||
            check_path_field(L, st, "ResultPath", true) < 0)
            return -1;
        static const char *const templates[] = {"Parameters", "ResultSelector", "ItemSelector",
                                                "Assign", "Credentials"};
        for (size_t i = 0; i < STC_ARRAY_LEN(templates); i++) {
            const cJSON *t = cJSON_GetObjectItemCaseSensitive(st, templates[i]);
            if (t && !cJSON_IsObject(t) && strcmp(templates[i], "Assign"))
                return fail(L, "'%s' must be an object", templates[i]);
            if (t && check_template(L, t, templates[i]) < 0)
                return -1;
        }
    }
    if (check_retry(L, st) < 0)
        return -1;
    const cJSON *catch = cJSON_GetObjectItemCaseSensitive(st, "Catch");
    if (catch) {
        if (!cJSON_IsArray(catch))
            return fail(L, "'Catch' must be an array");
        s->ncatch = (size_t)cJSON_GetArraySize(catch);
        s->catch_next = stc_xcalloc(s->ncatch ? s->ncatch : 1, sizeof(int));
        if (jsonata) {
            s->j.catch_output = stc_xcalloc(s->ncatch ? s->ncatch : 1, sizeof(stc_jtmpl *));
            s->j.catch_assign = stc_xcalloc(s->ncatch ? s->ncatch : 1, sizeof(stc_jtmpl *));
        }
        size_t i = 0;
        for (const cJSON *c = catch->child; c; c = c->next, i++) {
            char ctx[32];
            snprintf(ctx, sizeof ctx, "Catch[%zu]: ", i);
            if (!cJSON_IsObject(c))
                return fail(L, "Catch[%zu] must be an object", i);
            if (check_error_list(L, c, "Catch", i, c->next == NULL) < 0 ||
                resolve(L, m, c, "Next", ctx, &s->catch_next[i]) < 0)
                return -1;
            if (!jsonata && check_path_field(L, c, "ResultPath", true) < 0)
                return -1;
            if (jsonata) {
                char label[48];
                snprintf(label, sizeof label, "Catch[%zu]/Output", i);
                if (jfield(L, c, "Output", label, &s->j.catch_output[i]) < 0)
                    return -1;
                snprintf(label, sizeof label, "Catch[%zu]/Assign", i);
                if (jfield(L, c, "Assign", label, &s->j.catch_assign[i]) < 0)
                    return -1;
            }
        }
    }
    switch (s->type) {
    case STC_STATE_TASK: {
        const cJSON *r = cJSON_GetObjectItemCaseSensitive(st, "Resource");
        if (!cJSON_IsString(r))
            return fail(L, "a Task needs a string 'Resource'");
        break;
    }
    case STC_STATE_CHOICE: {
        const cJSON *choices = cJSON_GetObjectItemCaseSensitive(st, "Choices");
        if (!cJSON_IsArray(choices) || cJSON_GetArraySize(choices) == 0)
            return fail(L, "'Choices' must be a non-empty array");
        s->nchoices = (size_t)cJSON_GetArraySize(choices);
        s->choice_next = stc_xcalloc(s->nchoices, sizeof(int));
        s->choice_assign = stc_xcalloc(s->nchoices, sizeof *s->choice_assign);
        if (jsonata) {
            s->j.rule_condition = stc_xcalloc(s->nchoices, sizeof(stc_jtmpl *));
            s->j.rule_output = stc_xcalloc(s->nchoices, sizeof(stc_jtmpl *));
            s->j.rule_assign = stc_xcalloc(s->nchoices, sizeof(stc_jtmpl *));
        }
        size_t i = 0;
        for (const cJSON *r = choices->child; r; r = r->next, i++) {
            if (jsonata) {
                if (load_jsonata_rule(L, s, r, i) < 0)
                    return -1;
            } else {
                char *msg = NULL;
                if (stc_choice_check(r, true, &msg) < 0) {
                    fail(L, "Choices[%zu]: %s", i, msg);
                    free(msg);
                    return -1;
                }
            }
            char ctx[32];
            snprintf(ctx, sizeof ctx, "Choices[%zu]: ", i);
            if (resolve(L, m, r, "Next", ctx, &s->choice_next[i]) < 0)
                return -1;
            s->choice_assign[i] = cJSON_GetObjectItemCaseSensitive(r, "Assign");
        }
        s->default_next = -1;
        if (has(st, "Default") && resolve(L, m, st, "Default", "", &s->default_next) < 0)
            return -1;
        break;
    }
    case STC_STATE_WAIT: {
        if (jsonata)
            break; /* load_jsonata_fields */
        static const char *const f[] = {"Seconds", "SecondsPath", "Timestamp", "TimestampPath"};
        int count = 0;
        for (size_t i = 0; i < 4; i++)
            count += has(st, f[i]);
        if (count != 1)
            return fail(L, "a Wait needs exactly one of Seconds, SecondsPath, Timestamp, "
                           "TimestampPath");
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(st, "Seconds");
        if (v && (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble != floor(v->valuedouble)))
            return fail(L, "'Seconds' must be a non-negative integer");
        v = cJSON_GetObjectItemCaseSensitive(st, "Timestamp");
        int64_t sec;
        long ns;
        if (v && (!cJSON_IsString(v) || !stc_timestamp_parse(v->valuestring, &sec, &ns)))
            return fail(L, "'Timestamp' must be an RFC 3339 timestamp such as "
                           "\"2026-01-01T00:00:00Z\"");
        if (check_path_field(L, st, "SecondsPath", false) < 0 ||
            check_path_field(L, st, "TimestampPath", false) < 0)
            return -1;
        break;
    }
    case STC_STATE_FAIL:
        if (has(st, "Error") && has(st, "ErrorPath"))
            return fail(L, "'Error' and 'ErrorPath' cannot both be given");
        if (has(st, "Cause") && has(st, "CausePath"))
            return fail(L, "'Cause' and 'CausePath' cannot both be given");
        break;
    case STC_STATE_PARALLEL: {
        const cJSON *br = cJSON_GetObjectItemCaseSensitive(st, "Branches");
        if (!cJSON_IsArray(br) || cJSON_GetArraySize(br) == 0)
            return fail(L, "'Branches' must be a non-empty array");
        s->nbranches = (size_t)cJSON_GetArraySize(br);
        s->branches = stc_xcalloc(s->nbranches, sizeof *s->branches);
        size_t i = 0;
        for (const cJSON *b = br->child; b; b = b->next, i++) {
            char label[32];
            snprintf(label, sizeof label, "Branches[%zu]", i);
            if (load_nested(L, b, label, &s->branches[i]) < 0)
                return -1;
        }
        break;
    }
    case STC_STATE_MAP: {
        const char *field = has(st, "ItemProcessor") ? "ItemProcessor" : "Iterator";
        const cJSON *proc = cJSON_GetObjectItemCaseSensitive(st, field);
        if (!proc)
            return fail(L, "a Map needs 'ItemProcessor' (or the older 'Iterator')");
        if (has(st, "ItemReader") || has(st, "ResultWriter") || has(st, "ItemBatcher"))
            return fail(L, "ItemReader, ItemBatcher and ResultWriter (distributed Map over S3) "
                           "are not supported by the simulator");
        if (!jsonata && check_path_field(L, st, "ItemsPath", false) < 0)
            return -1;
        if (load_nested(L, proc, field, &s->processor) < 0)
            return -1;
        break;
    }
    default: break;
    }
    return jsonata ? check_states_reads(L, s) : 0;
}

static stc_machine *load_machine(loader *L, const cJSON *def)
{
    if (!cJSON_IsObject(def)) {
        fail(L, "a state machine must be a JSON object");
        return NULL;
    }
    const cJSON *states = cJSON_GetObjectItemCaseSensitive(def, "States");
    const cJSON *start = cJSON_GetObjectItemCaseSensitive(def, "StartAt");
    if (!cJSON_IsObject(states) || !states->child) {
        fail(L, "missing or empty 'States' object");
        return NULL;
    }
    if (!start) {
        fail(L, "missing 'StartAt'");
        return NULL;
    }
    if (!cJSON_IsString(start)) {
        fail(L, "'StartAt' must be a state name");
        return NULL;
    }
    stc_machine *m = stc_xcalloc(1, sizeof *m);
    m->def = def;
    m->n = (size_t)cJSON_GetArraySize(states);
    m->states = stc_xcalloc(m->n, sizeof *m->states);
    size_t i = 0;
    for (const cJSON *s = states->child; s; s = s->next, i++) {
        stc_state *st = &m->states[i];
        st->name = stc_xstrdup(s->string);
        st->def = s;
        st->next = -1;
        st->default_next = -1;
        for (size_t k = 0; k < i; k++)
            if (!strcmp(m->states[k].name, st->name)) {
                fail(L, "two states are named '%s'", st->name);
                goto bad;
            }
        if (!cJSON_IsObject(s)) {
            fail(L, "state '%s' must be an object", s->string);
            goto bad;
        }
        const cJSON *type = cJSON_GetObjectItemCaseSensitive(s, "Type");
        if (!cJSON_IsString(type)) {
            fail(L, "state '%s': missing 'Type'", s->string);
            goto bad;
        }
        size_t t;
        for (t = 0; t < STC_ARRAY_LEN(TYPE_NAMES); t++)
            if (!strcmp(TYPE_NAMES[t], type->valuestring))
                break;
        if (t == STC_ARRAY_LEN(TYPE_NAMES)) {
            fail(L, "state '%s': unknown Type '%s'", s->string, type->valuestring);
            goto bad;
        }
        st->type = (stc_state_type)t;
    }
    m->start = stc_machine_find(m, start->valuestring);
    if (m->start < 0) {
        fail(L, "'StartAt' names no state '%s'", start->valuestring);
        goto bad;
    }
    assigned *mine = NULL;
    size_t nmine = 0;
    if (collect_scope(L, def, L->top_jsonata, &mine, &nmine) < 0 || check_scope(L, mine, nmine) < 0) {
        free(mine);
        goto bad;
    }
    size_t outer_mark = L->nouter;
    if (L->nouter + nmine > L->capouter) {
        L->capouter = L->nouter + nmine + 16;
        L->outer = stc_xrealloc(L->outer, L->capouter * sizeof *L->outer);
    }
    if (nmine)
        memcpy(L->outer + L->nouter, mine, nmine * sizeof *mine);
    L->nouter += nmine;
    free(mine);
    for (i = 0; i < m->n; i++) {
        size_t mark = L->where.len;
        stc_buf_printf(&L->where, "state '%s': ", m->states[i].name);
        int rc = load_state(L, m, &m->states[i]);
        buf_truncate(&L->where, mark);
        if (rc < 0) {
            L->nouter = outer_mark;
            goto bad;
        }
    }
    L->nouter = outer_mark;
    return m;
bad:
    machine_free_nested(m);
    return NULL;
}

stc_machine *stc_machine_load(const cJSON *asl, char **err)
{
    loader L = {STC_BUF_INIT, NULL, NULL, 0, 0, false, false};
    cJSON *copy = cJSON_Duplicate(asl, true);
    const cJSON *ql = cJSON_GetObjectItemCaseSensitive(copy, "QueryLanguage");
    stc_machine *m = NULL;
    if (ql && (!cJSON_IsString(ql) ||
               (strcmp(ql->valuestring, "JSONPath") && strcmp(ql->valuestring, "JSONata"))))
        fail(&L, "'QueryLanguage' must be \"JSONPath\" or \"JSONata\"");
    else
        L.top_jsonata = ql && !strcmp(ql->valuestring, "JSONata");
    if (copy && !L.err)
        m = load_machine(&L, copy);
    if (!copy)
        fail(&L, "a state machine must be a JSON object");
    stc_buf_free(&L.where);
    free(L.outer);
    if (!m) {
        cJSON_Delete(copy);
        *err = L.err;
        return NULL;
    }
    m->doc = copy;
    m->jsonata = L.top_jsonata;
    m->any_jsonata = L.any_jsonata;
    free(L.err);
    return m;
}

stc_machine *stc_machine_load_text(const char *text, char **err)
{
    const char *end = NULL;
    cJSON *doc = cJSON_ParseWithOpts(text, &end, true);
    if (!doc) {
        int line = 1, col = 1;
        const char *stop = end ? end : cJSON_GetErrorPtr();
        for (const char *p = text; stop && p < stop && *p; p++) {
            if (*p == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        *err = stc_xasprintf("invalid JSON at line %d, column %d", line, col);
        return NULL;
    }
    stc_machine *m = stc_machine_load(doc, err);
    cJSON_Delete(doc);
    return m;
}
