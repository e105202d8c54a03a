/* template_test_util.h - helpers shared by the template and resource tests:
 * compile an example or a module's text, build its template for a mode, read
 * a role's permissions back as sorted "action resource" lines, and a unit's
 * operations on an attribute. */
#ifndef STC_TEMPLATE_TEST_UTIL_H
#define STC_TEMPLATE_TEST_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/aws/template.h"
#include "core/parse.h"
#include "core/resources.h"
#include "core/service.h"
#include "core/util.h"

static inline char *tt_example(const char *name)
{
    const char *data = getenv("STC_TEST_DATA");
    assert_non_null(data);
    return stc_xasprintf("%s/../examples/%s", data, name);
}

/* Compile examples/<name> for `mode` (no config file) and build the template. */
static inline cJSON *tt_template(const char *name, const char *mode, stc_service **svc_out, stc_template_parts *parts)
{
    char *path = tt_example(name);
    stc_service_options opts = {.mode = mode};
    stc_service *svc = stc_service_compile_file(path, &opts);
    free(path);
    assert_false(stc_diags_has_errors(&svc->diags));
    stc_diags d = STC_DIAGS_INIT;
    bool io = false;
    cJSON *t = stc_template_generate(svc, mode, NULL, parts, &d, &io);
    if (!t)
        stc_diags_print(&d, stderr, NULL);
    assert_non_null(t);
    assert_false(stc_diags_has_errors(&d));
    stc_diags_free(&d);
    *svc_out = svc;
    return t;
}

/* Compile a module's text as `file` (no options). */
static inline stc_service *tt_compile_text(const char *file, const char *src)
{
    return stc_service_compile_source(file, src, strlen(src), NULL);
}

/* The template of a compiled service for `mode` (no config file). */
static inline cJSON *tt_text_template(stc_service *svc, const char *mode, stc_template_parts *parts)
{
    stc_diags d = STC_DIAGS_INIT;
    bool io = false;
    cJSON *t = stc_template_generate(svc, mode, NULL, parts, &d, &io);
    if (!t)
        stc_diags_print(&d, stderr, NULL);
    assert_non_null(t);
    stc_diags_free(&d);
    return t;
}

static inline char *tt_res_text(const cJSON *r)
{
    if (cJSON_IsString(r))
        return stc_xstrdup(r->valuestring);
    const cJSON *c = r->child;
    if (c && !strcmp(c->string, "Fn::GetAtt"))
        return stc_xasprintf("%s.%s", cJSON_GetArrayItem(c, 0)->valuestring, cJSON_GetArrayItem(c, 1)->valuestring);
    if (c && !strcmp(c->string, "Ref"))
        return stc_xasprintf("!Ref %s", c->valuestring);
    if (c && !strcmp(c->string, "Fn::Sub"))
        return stc_xasprintf("!Sub %s", c->valuestring);
    char *s = cJSON_PrintUnformatted(r);
    return s;
}

/* v written the way tt_res_text writes it equals want. */
static inline void tt_assert_text(const cJSON *v, const char *want)
{
    assert_non_null(v);
    char *got = tt_res_text(v);
    assert_string_equal(got, want);
    free(got);
}

/* The operations (1u << STC_OP_...) unit `unit` performs on attribute `res`. */
static inline unsigned tt_ops_of(const stc_service *svc, const char *unit, const char *res)
{
    const stc_resources *r = svc->resources;
    for (size_t u = 0; u < r->nunits; u++) {
        if (strcmp(r->units[u].unit->method->name, unit) != 0)
            continue;
        for (size_t i = 0; i < r->units[u].naccesses; i++)
            if (!strcmp(r->resources[r->units[u].accesses[i].resource].attr, res))
                return r->units[u].accesses[i].ops;
        return 0;
    }
    fail_msg("no unit %s", unit);
    return 0;
}

static inline int tt_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The permissions of role `role` in template t: sorted lines
 * "action resource", joined by "\n". */
static inline char *tt_role_perms(const cJSON *t, const char *role)
{
    const cJSON *r = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItem(t, "Resources"), role);
    assert_non_null(r);
    assert_string_equal(cJSON_GetObjectItem(r, "Type")->valuestring, "AWS::IAM::Role");
    const cJSON *pols = cJSON_GetObjectItem(cJSON_GetObjectItem(r, "Properties"), "Policies");
    char **lines = NULL;
    size_t n = 0;
    const cJSON *pol;
    cJSON_ArrayForEach(pol, pols)
    {
        const cJSON *st;
        cJSON_ArrayForEach(st, cJSON_GetObjectItem(cJSON_GetObjectItem(pol, "PolicyDocument"), "Statement"))
        {
            assert_string_equal(cJSON_GetObjectItem(st, "Effect")->valuestring, "Allow");
            const cJSON *acts = cJSON_GetObjectItem(st, "Action"), *ress = cJSON_GetObjectItem(st, "Resource");
            cJSON *al = cJSON_IsArray(acts) ? cJSON_Duplicate(acts, 1) : cJSON_CreateArray();
            if (!cJSON_IsArray(acts))
                cJSON_AddItemToArray(al, cJSON_Duplicate(acts, 1));
            cJSON *rl = cJSON_IsArray(ress) ? cJSON_Duplicate(ress, 1) : cJSON_CreateArray();
            if (!cJSON_IsArray(ress))
                cJSON_AddItemToArray(rl, cJSON_Duplicate(ress, 1));
            const cJSON *a, *x;
            cJSON_ArrayForEach(a, al)
            {
                assert_string_not_equal(a->valuestring, "*");
                cJSON_ArrayForEach(x, rl)
                {
                    char *rt = tt_res_text(x);
                    lines = stc_xrealloc(lines, (n + 1) * sizeof *lines);
                    lines[n++] = stc_xasprintf("%s %s", a->valuestring, rt);
                    free(rt);
                }
            }
            cJSON_Delete(al);
            cJSON_Delete(rl);
        }
    }
    qsort(lines, n, sizeof *lines, tt_cmp);
    stc_buf b = STC_BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        if (i)
            stc_buf_putc(&b, '\n');
        stc_buf_puts(&b, lines[i]);
        free(lines[i]);
    }
    free(lines);
    return stc_buf_take(&b);
}

/* Expected lines, sorted here (given in any order), joined by "\n". */
static inline char *tt_lines(const char *first, ...)
{
    const char *items[64];
    size_t n = 0;
    va_list ap;
    va_start(ap, first);
    for (const char *s = first; s; s = va_arg(ap, const char *))
        items[n++] = s;
    va_end(ap);
    qsort(items, n, sizeof *items, tt_cmp);
    stc_buf b = STC_BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        if (i)
            stc_buf_putc(&b, '\n');
        stc_buf_puts(&b, items[i]);
    }
    return stc_buf_take(&b);
}

#define TT_ASSERT_PERMS(t, role, ...)                        \
    do {                                                     \
        char *got_ = tt_role_perms((t), (role));             \
        char *want_ = tt_lines(__VA_ARGS__, (const char *)0); \
        assert_string_equal(got_, want_);                    \
        free(got_);                                          \
        free(want_);                                         \
    } while (0)

static inline const cJSON *tt_res(const cJSON *t, const char *logical)
{
    return cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItem(t, "Resources"), logical);
}

static inline const cJSON *tt_prop(const cJSON *t, const char *logical, const char *prop)
{
    const cJSON *r = tt_res(t, logical);
    return r ? cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItem(r, "Properties"), prop) : NULL;
}

#endif
