/* cmd_diff.c - `stc-tui diff SERVICE.py --mode A --against B [--config FILE] [--json]`:
 * what changes in the template from mode A to mode B, resource by resource. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd_template.h"

/* A value on one line: intrinsics in their short form, the rest as JSON. */
static char *stc_diff_text(const cJSON *v)
{
    if (cJSON_IsObject(v) && v->child && !v->child->next) {
        const cJSON *c = v->child;
        if (strcmp(c->string, "Ref") == 0 && cJSON_IsString(c))
            return stc_xasprintf("!Ref %s", c->valuestring);
        if (strcmp(c->string, "Fn::GetAtt") == 0 && cJSON_GetArraySize(c) == 2)
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

static void stc_diff_print(const cJSON *diff, const char *service, const char *a, const char *b)
{
    printf("%s: template of mode %s -> mode %s\n", service, a, b);
    int nadd = 0, nrem = 0, nchg = 0;
    const cJSON *sec;
    cJSON_ArrayForEach(sec, cJSON_GetObjectItem(diff, "sections"))
    {
        const cJSON *added = cJSON_GetObjectItem(sec, "added"), *removed = cJSON_GetObjectItem(sec, "removed"),
                    *changed = cJSON_GetObjectItem(sec, "changed");
        if (!added->child && !removed->child && !changed->child)
            continue;
        printf("\n%s\n", cJSON_GetObjectItem(sec, "section")->valuestring);
        bool res = strcmp(cJSON_GetObjectItem(sec, "section")->valuestring, "Resources") == 0;
        const cJSON *e;
        cJSON_ArrayForEach(e, added)
        {
            const cJSON *ty = cJSON_GetObjectItem(e, "type");
            printf("  + %s%s%s%s\n", cJSON_GetObjectItem(e, "name")->valuestring, ty ? " (" : "",
                   ty ? ty->valuestring : "", ty ? ")" : "");
            nadd += res;
        }
        cJSON_ArrayForEach(e, removed)
        {
            const cJSON *ty = cJSON_GetObjectItem(e, "type");
            printf("  - %s%s%s%s\n", cJSON_GetObjectItem(e, "name")->valuestring, ty ? " (" : "",
                   ty ? ty->valuestring : "", ty ? ")" : "");
            nrem += res;
        }
        cJSON_ArrayForEach(e, changed)
        {
            const cJSON *ty = cJSON_GetObjectItem(e, "type");
            printf("  ~ %s%s%s%s\n", cJSON_GetObjectItem(e, "name")->valuestring, ty ? " (" : "",
                   ty ? ty->valuestring : "", ty ? ")" : "");
            nchg += res;
            const cJSON *c;
            cJSON_ArrayForEach(c, cJSON_GetObjectItem(e, "changes"))
            {
                const char *op = cJSON_GetObjectItem(c, "op")->valuestring;
                const char *p = cJSON_GetObjectItem(c, "path")->valuestring;
                const cJSON *from = cJSON_GetObjectItem(c, "from"), *to = cJSON_GetObjectItem(c, "to");
                char *f = from ? stc_diff_text(from) : NULL, *t = to ? stc_diff_text(to) : NULL;
                if (strcmp(op, "added") == 0)
                    printf("      + %s: %s\n", p, t);
                else if (strcmp(op, "removed") == 0)
                    printf("      - %s: %s\n", p, f);
                else
                    printf("      ~ %s: %s -> %s\n", p, f, t);
                free(f);
                free(t);
            }
        }
    }
    printf("\n%d resource%s added, %d removed, %d changed\n", nadd, nadd == 1 ? "" : "s", nrem, nchg);
}

int stc_cmd_diff(int argc, char **argv)
{
    const char *path = NULL, *a = NULL, *b = NULL, *config = NULL;
    bool json = false;
    const stc_cli_opt opts[] = {{"--mode", NULL, NULL, &a},
                                {"--against", NULL, NULL, &b},
                                {"--config", NULL, NULL, &config},
                                {"--json", NULL, &json, NULL},
                                {NULL, NULL, NULL, NULL}};
    if (stc_cli_parse("diff", argc, argv, opts, &path, 1) != STC_EXIT_OK)
        return STC_EXIT_USAGE;
    if (!path)
        return stc_cli_usage("diff", "missing SERVICE.py");
    if (!a || !b)
        return stc_cli_usage("diff", "give both --mode A and --against B");
    if (!stc_cmd_template_check_mode("diff", a) || !stc_cmd_template_check_mode("diff", b))
        return STC_EXIT_USAGE;
    int status;
    stc_service *svc = stc_cmd_template_load(path, a, config, &status);
    if (!svc)
        return status;
    if (status != STC_EXIT_OK) {
        stc_service_free(svc);
        return status;
    }
    stc_diags d = STC_DIAGS_INIT;
    stc_template_parts pa, pb;
    bool ioa = false, iob = false;
    cJSON *ta = stc_template_generate(svc, a, NULL, &pa, &d, &ioa);
    cJSON *tb = NULL;
    memset(&pb, 0, sizeof pb);
    if (ta) {
        /* The second build reports only what the first did not. */
        stc_diags d2 = STC_DIAGS_INIT;
        tb = stc_template_generate(svc, b, config, &pb, &d2, &iob);
        for (size_t i = 0; i < d2.count; i++) {
            const stc_diag *x = &d2.items[i];
            bool dup = false;
            for (size_t j = 0; j < d.count && !dup; j++)
                dup = d.items[j].line == x->line && d.items[j].col == x->col &&
                      strcmp(d.items[j].code, x->code) == 0 && strcmp(d.items[j].message, x->message) == 0;
            if (!dup) {
                stc_diag *y = stc_diag_add(&d, x->severity, x->file, x->line, x->col, x->code, "%s", x->message);
                if (x->hint)
                    stc_diag_set_hint(y, "%s", x->hint);
            }
        }
        stc_diags_free(&d2);
    }
    stc_diags_sort(&d);
    stc_cli_print_diag_list(svc, &d);
    if (ta && tb) {
        cJSON *diff = stc_template_diff(ta, tb);
        if (json) {
            cJSON_AddStringToObject(diff, "from", a);
            cJSON_AddStringToObject(diff, "to", b);
            stc_cli_print_json(diff);
        } else {
            stc_diff_print(diff, stc_service_name(svc), a, b);
            cJSON_Delete(diff);
        }
    } else {
        status = ioa || iob ? STC_EXIT_IO : STC_EXIT_INPUT;
    }
    cJSON_Delete(ta);
    cJSON_Delete(tb);
    stc_template_parts_free(&pa);
    stc_template_parts_free(&pb);
    stc_diags_free(&d);
    stc_service_free(svc);
    return status;
}
