/* io.c - InputPath, Parameters, ResultSelector, ResultPath, OutputPath. */
#include "stepsim/io.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

static size_t json_size(const cJSON *v, size_t acc, size_t stop)
{
    if (acc > stop)
        return acc;
    if (cJSON_IsString(v)) {
        acc += 2;
        for (const unsigned char *p = (const unsigned char *)v->valuestring; *p; p++) {
            if (*p == '"' || *p == '\\' || *p == '\b' || *p == '\f' || *p == '\n' ||
                *p == '\r' || *p == '\t')
                acc += 2;
            else if (*p < 0x20)
                acc += 6;
            else
                acc++;
        }
        return acc;
    }
    if (cJSON_IsNumber(v)) {
        char nb[32];
        return acc + stc_number_format(v->valuedouble, nb);
    }
    if (cJSON_IsTrue(v))
        return acc + 4;
    if (cJSON_IsFalse(v))
        return acc + 5;
    if (cJSON_IsArray(v) || cJSON_IsObject(v)) {
        bool obj = cJSON_IsObject(v);
        acc += 2;
        for (const cJSON *c = v->child; c && acc <= stop; c = c->next) {
            if (c != v->child)
                acc++;
            if (obj) {
                cJSON key = {.type = cJSON_String, .valuestring = c->string};
                acc = json_size(&key, acc, stop) + 1;
            }
            acc = json_size(c, acc, stop);
        }
        return acc;
    }
    return acc + 4; /* null (and anything cJSON would print as null) */
}

size_t stc_io_json_size(const cJSON *v, size_t stop)
{
    return v ? json_size(v, 0, stop) : 0;
}

/* A `.$` path of a payload template that selects nothing: AWS names the
 * path, the field and the document it looked in. */
static int missing_path(const char *path, const char *key, const stc_scope *sc, stc_rterr *err)
{
    const cJSON *doc = sc->input;
    if (path[1] == '$')
        doc = sc->context ? sc->context : sc->lookup_var ? sc->lookup_var(sc->var_ud, NULL) : NULL;
    char *text = doc ? cJSON_PrintUnformatted(doc) : stc_xstrdup("null");
    stc_rterr_set(err, "States.Runtime",
                  "The JSONPath '%s' specified for the field '%s' could not be found in the input "
                  "'%s'",
                  path, key, text);
    free(text);
    return -1;
}

int stc_io_dynamic(const char *expr, const stc_scope *sc, stc_rng *rng, cJSON **out,
                   stc_rterr *err)
{
    if (stc_intrinsic_is_call(expr))
        return stc_intrinsic_eval(expr, sc, rng, out, err);
    if (stc_jsonpath_is_path(expr))
        return stc_jsonpath_eval(expr, sc, out, err);
    return stc_rterr_set(err, "States.Runtime",
                         "'%s' is neither a path nor an intrinsic function call", expr);
}

int stc_io_template(const cJSON *tmpl, const stc_scope *sc, stc_rng *rng, cJSON **out,
                    stc_rterr *err)
{
    if (cJSON_IsObject(tmpl)) {
        cJSON *res = cJSON_CreateObject();
        for (const cJSON *c = tmpl->child; c; c = c->next) {
            size_t len = strlen(c->string);
            cJSON *v = NULL;
            if (len > 2 && !strcmp(c->string + len - 2, ".$")) {
                if (!cJSON_IsString(c)) {
                    cJSON_Delete(res);
                    return stc_rterr_set(err, "States.Runtime",
                                         "the value of '%s' must be a string (a path or an "
                                         "intrinsic function)",
                                         c->string);
                }
                const char *expr = c->valuestring;
                int rc = stc_io_dynamic(expr, sc, rng, &v, err);
                /* a path on `$` or `$$` that parsed but selected nothing
                 * (a variable's own message stays: AWS names the variable) */
                if (rc < 0 && !stc_intrinsic_is_call(expr) && stc_jsonpath_is_path(expr) &&
                    (expr[1] == '\0' || expr[1] == '.' || expr[1] == '[' || expr[1] == '$')) {
                    char *msg = NULL;
                    if (stc_jsonpath_check(expr, false, &msg) == 0)
                        missing_path(expr, c->string, sc, err);
                    free(msg);
                }
                if (rc < 0) {
                    cJSON_Delete(res);
                    return -1;
                }
                /* the key without ".$"; cJSON_AddItemToObject copies it */
                char small[64];
                char *key = len - 2 < sizeof small ? small : stc_xmalloc(len - 1);
                memcpy(key, c->string, len - 2);
                key[len - 2] = '\0';
                cJSON_AddItemToObject(res, key, v);
                if (key != small)
                    free(key);
            } else {
                if (stc_io_template(c, sc, rng, &v, err) < 0) {
                    cJSON_Delete(res);
                    return -1;
                }
                cJSON_AddItemToObject(res, c->string, v);
            }
        }
        *out = res;
        return 0;
    }
    if (cJSON_IsArray(tmpl)) {
        cJSON *res = cJSON_CreateArray();
        for (const cJSON *c = tmpl->child; c; c = c->next) {
            cJSON *v = NULL;
            if (stc_io_template(c, sc, rng, &v, err) < 0) {
                cJSON_Delete(res);
                return -1;
            }
            cJSON_AddItemToArray(res, v);
        }
        *out = res;
        return 0;
    }
    *out = cJSON_Duplicate(tmpl, true);
    return 0;
}

int stc_io_path_ref(const cJSON *p, const char *field, const stc_scope *sc, const cJSON **out,
                    cJSON **owned, stc_rterr *err)
{
    *owned = NULL;
    if (!p) {
        *out = sc->input;
        return 0;
    }
    if (cJSON_IsNull(p)) {
        *out = *owned = cJSON_CreateObject();
        return 0;
    }
    if (!cJSON_IsString(p))
        return stc_rterr_set(err, "States.Runtime", "%s must be a string or null", field);
    if (stc_jsonpath_eval(p->valuestring, sc, owned, err) < 0)
        return -1;
    *out = *owned;
    return 0;
}

int stc_io_path_field(const cJSON *state, const char *field, const stc_scope *sc, cJSON **out,
                      stc_rterr *err)
{
    const cJSON *v;
    cJSON *owned;
    if (stc_io_path_ref(cJSON_GetObjectItemCaseSensitive(state, field), field, sc, &v, &owned,
                        err) < 0)
        return -1;
    *out = owned ? owned : cJSON_Duplicate(v, true);
    return 0;
}

int stc_io_result_path_at(const cJSON *p, const cJSON *raw_input, cJSON *result, cJSON **out,
                          stc_rterr *err)
{
    if (!p) {
        *out = result;
        return 0;
    }
    if (cJSON_IsNull(p)) {
        cJSON_Delete(result);
        *out = cJSON_Duplicate(raw_input, true);
        return 0;
    }
    if (!cJSON_IsString(p)) {
        cJSON_Delete(result);
        return stc_rterr_set(err, "States.Runtime", "ResultPath must be a string or null");
    }
    cJSON *doc = cJSON_Duplicate(raw_input, true);
    if (stc_jsonpath_set(p->valuestring, &doc, result, err) < 0) {
        cJSON_Delete(doc);
        return -1;
    }
    *out = doc;
    return 0;
}

int stc_io_result_path(const cJSON *node, const cJSON *raw_input, cJSON *result, cJSON **out,
                       stc_rterr *err)
{
    return stc_io_result_path_at(cJSON_GetObjectItemCaseSensitive(node, "ResultPath"), raw_input,
                                 result, out, err);
}
