/* mocks.c - the mocks file: loader (libyaml / cJSON) and the default handler. */
#include "stepsim/mocks.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "core/util.h"

struct stc_mocks {
    cJSON *doc; /* {"key": [entry, ...]} normalised */
};

/* ---- YAML -> cJSON ---- */

static cJSON *scalar_to_json(const yaml_node_t *n)
{
    const char *s = (const char *)n->data.scalar.value;
    size_t len = n->data.scalar.length;
    if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return cJSON_CreateString(s);
    if (len == 0 || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") ||
        !strcmp(s, "NULL"))
        return cJSON_CreateNull();
    if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE"))
        return cJSON_CreateTrue();
    if (!strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "FALSE"))
        return cJSON_CreateFalse();
    const char *p = s;
    if (*p == '-' || *p == '+')
        p++;
    if (isdigit((unsigned char)*p) || (*p == '.' && isdigit((unsigned char)p[1]))) {
        char *end;
        errno = 0;
        double d = strtod(s, &end);
        if (*end == '\0' && errno == 0 && isfinite(d))
            return cJSON_CreateNumber(d);
    }
    return cJSON_CreateString(s);
}

/* Values one YAML document may expand to. Aliases make a document a graph:
 * a node that refers to itself through an alias (or a "billion laughs" chain
 * of aliases) would otherwise expand exponentially. */
#define STC_YAML_MAX_VALUES 1000000

typedef struct yaml_conv {
    yaml_document_t *doc;
    size_t values; /* produced so far */
} yaml_conv;

static cJSON *node_to_json(yaml_conv *cv, yaml_node_t *n, int depth)
{
    if (!n || depth > 200 || ++cv->values > STC_YAML_MAX_VALUES)
        return cJSON_CreateNull();
    switch (n->type) {
    case YAML_SCALAR_NODE: return scalar_to_json(n);
    case YAML_SEQUENCE_NODE: {
        cJSON *a = cJSON_CreateArray();
        for (yaml_node_item_t *it = n->data.sequence.items.start;
             it < n->data.sequence.items.top && cv->values <= STC_YAML_MAX_VALUES; it++)
            cJSON_AddItemToArray(a, node_to_json(cv, yaml_document_get_node(cv->doc, *it), depth + 1));
        return a;
    }
    case YAML_MAPPING_NODE: {
        cJSON *o = cJSON_CreateObject();
        for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
             p < n->data.mapping.pairs.top && cv->values <= STC_YAML_MAX_VALUES; p++) {
            yaml_node_t *k = yaml_document_get_node(cv->doc, p->key);
            const char *key = (k && k->type == YAML_SCALAR_NODE) ? (const char *)k->data.scalar.value
                                                                 : "";
            cJSON_AddItemToObject(o, key, node_to_json(cv, yaml_document_get_node(cv->doc, p->value),
                                                       depth + 1));
        }
        return o;
    }
    default: return cJSON_CreateNull();
    }
}

cJSON *stc_yaml_to_json(const char *text, char **err)
{
    yaml_parser_t parser;
    yaml_document_t doc;
    if (!yaml_parser_initialize(&parser)) {
        *err = stc_xstrdup("cannot initialise the YAML parser");
        return NULL;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, strlen(text));
    if (!yaml_parser_load(&parser, &doc)) {
        *err = stc_xasprintf("invalid YAML at line %zu, column %zu: %s",
                             parser.problem_mark.line + 1, parser.problem_mark.column + 1,
                             parser.problem ? parser.problem : "syntax error");
        yaml_parser_delete(&parser);
        return NULL;
    }
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    yaml_conv cv = {&doc, 0};
    cJSON *out = root ? node_to_json(&cv, root, 0) : cJSON_CreateObject();
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    if (cv.values > STC_YAML_MAX_VALUES) {
        cJSON_Delete(out);
        *err = stc_xasprintf("the YAML document expands to more than %d values (an alias that "
                             "refers to itself, or aliases of aliases)", STC_YAML_MAX_VALUES);
        return NULL;
    }
    return out;
}

/* ---- mocks ---- */

static int check_entry(const char *key, size_t i, const cJSON *e, char **err)
{
    if (!cJSON_IsObject(e)) {
        *err = stc_xasprintf("mock '%s' entry %zu must be a mapping with 'return' or 'raise'", key,
                             i + 1);
        return -1;
    }
    const cJSON *ret = cJSON_GetObjectItemCaseSensitive(e, "return");
    const cJSON *raise = cJSON_GetObjectItemCaseSensitive(e, "raise");
    const cJSON *cause = cJSON_GetObjectItemCaseSensitive(e, "cause");
    if ((ret != NULL) == (raise != NULL)) {
        *err = stc_xasprintf("mock '%s' entry %zu needs exactly one of 'return' and 'raise'", key,
                             i + 1);
        return -1;
    }
    if (raise && !cJSON_IsString(raise)) {
        *err = stc_xasprintf("mock '%s' entry %zu: 'raise' must be an error name", key, i + 1);
        return -1;
    }
    if (cause && (!cJSON_IsString(cause) || !raise)) {
        *err = stc_xasprintf("mock '%s' entry %zu: 'cause' must be a string next to 'raise'", key,
                             i + 1);
        return -1;
    }
    for (const cJSON *c = e->child; c; c = c->next)
        if (strcmp(c->string, "return") && strcmp(c->string, "raise") && strcmp(c->string, "cause")) {
            *err = stc_xasprintf("mock '%s' entry %zu: unknown field '%s' (return, raise, cause)",
                                 key, i + 1, c->string);
            return -1;
        }
    return 0;
}

stc_mocks *stc_mocks_new(void)
{
    stc_mocks *m = stc_xcalloc(1, sizeof *m);
    m->doc = cJSON_CreateObject();
    return m;
}

int stc_mocks_from_json(const cJSON *obj, stc_mocks **out, char **err)
{
    if (!cJSON_IsObject(obj)) {
        *err = stc_xstrdup("a mocks file must be a mapping from names to results");
        return -1;
    }
    stc_mocks *m = stc_mocks_new();
    for (const cJSON *k = obj->child; k; k = k->next) {
        cJSON *list;
        if (cJSON_IsArray(k)) {
            if (cJSON_GetArraySize(k) == 0) {
                *err = stc_xasprintf("mock '%s' has no entries", k->string);
                stc_mocks_free(m);
                return -1;
            }
            list = cJSON_Duplicate(k, true);
        } else {
            list = cJSON_CreateArray();
            cJSON_AddItemToArray(list, cJSON_Duplicate(k, true));
        }
        size_t i = 0;
        for (const cJSON *e = list->child; e; e = e->next, i++)
            if (check_entry(k->string, i, e, err) < 0) {
                cJSON_Delete(list);
                stc_mocks_free(m);
                return -1;
            }
        cJSON_AddItemToObject(m->doc, k->string, list);
    }
    *out = m;
    return 0;
}

int stc_mocks_parse(const char *text, const char *name, stc_mocks **out, char **err)
{
    const char *p = text;
    while (isspace((unsigned char)*p))
        p++;
    cJSON *doc;
    char *perr = NULL;
    if (*p == '{') {
        doc = cJSON_Parse(text);
        if (!doc)
            perr = stc_xstrdup("invalid JSON");
    } else {
        doc = stc_yaml_to_json(text, &perr);
    }
    if (!doc) {
        *err = stc_xasprintf("%s: %s", name, perr);
        free(perr);
        return -1;
    }
    if (cJSON_IsNull(doc)) { /* an empty YAML file */
        cJSON_Delete(doc);
        doc = cJSON_CreateObject();
    }
    char *merr = NULL;
    int rc = stc_mocks_from_json(doc, out, &merr);
    cJSON_Delete(doc);
    if (rc < 0) {
        *err = stc_xasprintf("%s: %s", name, merr);
        free(merr);
    }
    return rc;
}

int stc_mocks_load(const char *path, stc_mocks **out, char **err, bool *io_error)
{
    char *text = NULL;
    size_t len = 0;
    *io_error = false;
    if (stc_file_read(path, &text, &len, err) < 0) {
        *io_error = true;
        return -1;
    }
    int rc = stc_mocks_parse(text, path, out, err);
    free(text);
    return rc;
}

void stc_mocks_free(stc_mocks *m)
{
    if (!m)
        return;
    cJSON_Delete(m->doc);
    free(m);
}

bool stc_mocks_has(const stc_mocks *m, const char *key)
{
    return m && cJSON_GetObjectItemCaseSensitive(m->doc, key) != NULL;
}

bool stc_mocks_get(const stc_mocks *m, const char *key, unsigned call, stc_mock_entry *out)
{
    const cJSON *list = m ? cJSON_GetObjectItemCaseSensitive(m->doc, key) : NULL;
    if (!list)
        return false;
    int n = cJSON_GetArraySize(list);
    const cJSON *e = cJSON_GetArrayItem(list, (int)call < n ? (int)call : n - 1);
    const cJSON *raise = cJSON_GetObjectItemCaseSensitive(e, "raise");
    const cJSON *cause = cJSON_GetObjectItemCaseSensitive(e, "cause");
    out->ret = cJSON_GetObjectItemCaseSensitive(e, "return");
    out->raise = raise ? raise->valuestring : NULL;
    out->cause = cause ? cause->valuestring : NULL;
    return true;
}

int stc_mocks_task_handler(void *ctx, stc_sim *sim, const char *state_name, const char *resource,
                           const cJSON *input, cJSON **result, char **error, char **cause)
{
    (void)input;
    const stc_mocks *m = ctx;
    stc_mock_entry e;
    if (!stc_mocks_has(m, state_name)) {
        *error = stc_xasprintf("no mock for Task state '%s' (resource %s); add an entry keyed "
                               "'%s' to the mocks file",
                               state_name, resource, state_name);
        return STC_TASK_ABORT;
    }
    stc_mocks_get(m, state_name, stc_sim_call_index(sim, state_name), &e);
    if (e.raise) {
        *error = stc_xstrdup(e.raise);
        *cause = e.cause ? stc_xstrdup(e.cause) : NULL;
        return STC_TASK_FAILED;
    }
    *result = cJSON_Duplicate(e.ret, true);
    return STC_TASK_OK;
}
