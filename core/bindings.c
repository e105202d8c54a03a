/* bindings.c - see bindings.h and docs/config.md ("Bindings"). */
#include "core/bindings.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

const stc_binding_cfg *stc_bindings_find(const stc_bindings *b, const char *param)
{
    for (size_t i = 0; b && param && i < b->count; i++)
        if (strcmp(b->items[i].param, param) == 0)
            return &b->items[i];
    return NULL;
}

void stc_bindings_free(stc_bindings *b)
{
    if (!b)
        return;
    for (size_t i = 0; i < b->count; i++) {
        for (size_t m = 0; m < STC_BINDINGS_MAX_MODES; m++) {
            free(b->items[i].modes[m].existing);
            free(b->items[i].modes[m].secret);
            cJSON_Delete(b->items[i].modes[m].value);
        }
        free(b->items[i].param);
    }
    free(b->items);
    free(b->path);
    free(b);
}

/* A DynamoDB table name: 3 to 255 of [A-Za-z0-9_.-]. */
static bool stc_table_name_ok(const char *s)
{
    size_t n = strlen(s);
    if (n < 3 || n > 255)
        return false;
    for (const char *p = s; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '_' && *p != '.' && *p != '-')
            return false;
    return true;
}

/* An S3 bucket name (3 to 63 of [a-z0-9.-], a letter or digit at both ends),
 * optionally followed by /prefix. */
static bool stc_bucket_name_ok(const char *s)
{
    const char *slash = strchr(s, '/');
    size_t n = slash ? (size_t)(slash - s) : strlen(s);
    if (n < 3 || n > 63 || !isalnum((unsigned char)s[0]) || !isalnum((unsigned char)s[n - 1]))
        return false;
    for (size_t i = 0; i < n; i++)
        if (!(islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) || s[i] == '.' || s[i] == '-'))
            return false;
    return true;
}

/* Is `s` a Secrets Manager secret name or ARN (by_ssm false), or an SSM
 * parameter name or ARN? The reason it is not, or NULL. */
static const char *stc_secret_name_why(const char *s, bool by_ssm)
{
    if (strncmp(s, "arn:", 4) == 0) {
        if (by_ssm ? !strstr(s, ":ssm:") || !strstr(s, ":parameter/") : !strstr(s, ":secretsmanager:") ||
                                                                         !strstr(s, ":secret:"))
            return by_ssm ? "an SSM parameter ARN (arn:aws:ssm:<region>:<account>:parameter/<name>)"
                          : "a Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>)";
        return NULL;
    }
    size_t n = strlen(s);
    bool ok = n >= 1 && n <= (by_ssm ? 1011u : 512u);
    for (size_t i = 0; ok && i < n; i++)
        ok = isalnum((unsigned char)s[i]) || strchr(by_ssm ? "_.-/" : "/_+=.@-", s[i]);
    if (ok && by_ssm && strchr(s, '/') && s[0] != '/')
        ok = false;
    if (!ok)
        return by_ssm ? "an SSM parameter name (a-z A-Z 0-9 _ . - /; a path starts with /)"
                      : "a Secrets Manager secret name (1 to 512 of a-z A-Z 0-9 / _ + = . @ -)";
    return NULL;
}

static const stc_service_param *stc_bind_param(const stc_resources *res, const char *name)
{
    for (size_t i = 0; res && i < res->nparams; i++)
        if (strcmp(res->params[i].name, name) == 0)
            return &res->params[i];
    return NULL;
}

bool stc_bindings_check(stc_bindings *b, const stc_resources *res, stc_diags *d)
{
    bool ok = true;
    for (size_t i = 0; i < b->count; i++) {
        stc_binding_cfg *e = &b->items[i];
        const stc_service_param *p = stc_bind_param(res, e->param);
        const stc_resource *r = p && p->type == STC_PARAM_BINDING && p->resource >= 0 ? &res->resources[p->resource]
                                                                                       : NULL;
        bool secret_only = p && p->type == STC_PARAM_STRING;
        for (size_t m = 0; secret_only && m < b->nmodes && m < STC_BINDINGS_MAX_MODES; m++)
            secret_only = !e->modes[m].store_line && !e->modes[m].existing_line && !e->modes[m].value_line;
        if (!p || (p->type != STC_PARAM_BINDING && p->type != STC_PARAM_JSON && !secret_only)) {
            stc_diag *dg = stc_diag_add(d, STC_SEV_ERROR, b->path, e->line, e->col, "STC524",
                                        p ? "'%s' is a plain parameter of __init__: it names no resource and is no "
                                            "jdict (only secret: or ssm: may keep a str parameter)"
                                          : "the service has no __init__ parameter '%s'",
                                        e->param);
            stc_buf names = STC_BUF_INIT;
            for (size_t k = 0; res && k < res->nparams; k++)
                if (res->params[k].type == STC_PARAM_BINDING || res->params[k].type == STC_PARAM_JSON)
                    stc_buf_printf(&names, "%s%s", names.len ? ", " : "", res->params[k].name);
            if (names.len)
                stc_diag_set_hint(dg, "keys under bindings: are the parameters that name resources or are jdicts: %s",
                                  stc_buf_cstr(&names));
            else
                stc_diag_set_hint(dg, "bind a resource in __init__ (self.x = MutableMapping.get_mapping(name)) or "
                                      "type a parameter jdict");
            stc_buf_free(&names);
            ok = false;
            continue;
        }
        for (size_t m = 0; m < b->nmodes && m < STC_BINDINGS_MAX_MODES; m++) {
            stc_binding_mode *bm = &e->modes[m];
            if (bm->store_line && (!r || r->kind != STC_RES_STORE)) {
                stc_diag *dg = stc_diag_add(d, STC_SEV_ERROR, b->path, bm->store_line, bm->store_col, "STC522",
                                            "'store' applies to a Mapping or MutableMapping binding, and '%s' %s",
                                            e->param, r ? "names a channel" : "is a jdict");
                stc_diag_set_hint(dg, "remove it");
                ok = false;
                break;
            }
            if (bm->existing_line && !r) {
                stc_diag *dg = stc_diag_add(d, STC_SEV_ERROR, b->path, bm->existing_line, bm->existing_col, "STC522",
                                            "'existing' applies to a binding, and '%s' is a jdict", e->param);
                stc_diag_set_hint(dg, "give its configuration with value:");
                ok = false;
                break;
            }
            if (bm->existing && r) {
                const char *why = NULL;
                if (r->kind == STC_RES_TOPIC && (strncmp(bm->existing, "arn:", 4) != 0 || !strstr(bm->existing, ":sns:")))
                    why = "an SNS topic ARN (arn:aws:sns:<region>:<account>:<topic>)";
                else if (r->kind == STC_RES_STORE && bm->store == STC_STORE_TABLE && !stc_table_name_ok(bm->existing))
                    why = "a DynamoDB table name (3 to 255 of A-Z a-z 0-9 _ . -)";
                else if (r->kind == STC_RES_STORE && bm->store == STC_STORE_BUCKET && !stc_bucket_name_ok(bm->existing))
                    why = "an S3 bucket name (3 to 63 of a-z 0-9 . -), optionally with /prefix";
                if (why) {
                    stc_diag *dg = stc_diag_add(d, STC_SEV_ERROR, b->path, bm->existing_line, bm->existing_col,
                                                "STC522", "'existing' of '%s' is '%s', not %s", e->param,
                                                bm->existing, why);
                    stc_diag_set_hint(dg, "name the resource the stack should use, or remove existing: to create it");
                    ok = false;
                    break;
                }
            }
            if (bm->secret_line && (r || bm->value_line)) {
                stc_diag *dg = stc_diag_add(d, STC_SEV_ERROR, b->path, bm->secret_line, bm->secret_col, "STC522",
                                            r ? "a secret applies to a str or jdict parameter, and '%s' names a resource"
                                              : "'%s' takes its value from a secret and from value: at once",
                                            e->param);
                stc_diag_set_hint(dg, r ? "remove secret: / ssm:" : "keep one of them");
                ok = false;
                break;
            }
            const char *why = bm->secret ? stc_secret_name_why(bm->secret, bm->secret_source == STC_SECRET_SSM) : NULL;
            if (why) {
                stc_diag *dg = stc_diag_add(d, STC_SEV_ERROR, b->path, bm->secret_line, bm->secret_col, "STC522",
                                            "'%s' of '%s' is '%s', not %s",
                                            bm->secret_source == STC_SECRET_SSM ? "ssm" : "secret", e->param,
                                            bm->secret, why);
                stc_diag_set_hint(dg, "name the secret the functions read at run time");
                ok = false;
                break;
            }
            if (bm->value_line && r && r->kind != STC_RES_TOPIC) {
                stc_diag *dg = stc_diag_add(d, STC_SEV_ERROR, b->path, bm->value_line, bm->value_col, "STC522",
                                            "'value' applies to a jdict parameter or a channel's configuration, and "
                                            "'%s' names a store",
                                            e->param);
                stc_diag_set_hint(dg, "name the store with existing:, or remove value:");
                ok = false;
                break;
            }
        }
    }
    b->checked = ok;
    return ok;
}
