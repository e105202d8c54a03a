/* common.c - helpers shared by the cmd_* functions. See cli.h. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/util.h"

#if defined(__SANITIZE_ADDRESS__)
#define STC_CLI_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define STC_CLI_ASAN 1
#endif
#endif

bool stc_cli_free_at_exit(void)
{
#ifdef STC_CLI_ASAN
    return true;
#else
    return false;
#endif
}

/* A command keeps at most a handful of structures. */
/* volatile: stores to a table nothing reads could otherwise be dropped. */
static void *volatile stc_cli_kept[16];
static size_t stc_cli_nkept;

void stc_cli_keep(void *p)
{
    if (stc_cli_nkept == STC_ARRAY_LEN(stc_cli_kept))
        abort(); /* a programming error: raise the size */
    stc_cli_kept[stc_cli_nkept++] = p;
}

bool stc_cli_flag(const char *arg, const char *name)
{
    return arg && strcmp(arg, name) == 0;
}

const char *stc_cli_query_language;

int stc_cli_take_query_language(const char *cmd, int *argc, char **argv)
{
    for (int i = 1; i < *argc; i++) {
        if (!stc_cli_flag(argv[i], "--query-language"))
            continue;
        if (i + 1 >= *argc)
            return stc_cli_usage(cmd, "option '--query-language' needs a value: jsonata or jsonpath");
        stc_query_language q;
        if (!stc_query_language_parse(argv[i + 1], &q))
            return stc_cli_usage(cmd, "unknown query language '%s': use jsonata or jsonpath",
                                 argv[i + 1]);
        stc_cli_query_language = argv[i + 1];
        for (int k = i; k + 2 <= *argc; k++)
            argv[k] = argv[k + 2];
        *argc -= 2;
        i--;
    }
    return STC_EXIT_OK;
}

stc_service *stc_cli_load(const char *path, int *status)
{
    stc_service_options opts = {.query_language = stc_cli_query_language};
    stc_service *svc = stc_service_compile_file(path, &opts);
    *status = STC_EXIT_OK;
    if (svc->io_error) {
        stc_cli_print_diags(svc);
        stc_service_free(svc);
        *status = STC_EXIT_IO;
        return NULL;
    }
    if (stc_diags_has_errors(&svc->diags))
        *status = STC_EXIT_INPUT;
    return svc;
}

/* Each diagnostic is quoted from its own file: the module's text is at hand,
 * other files (the SERVICE.stc.yaml configuration) are read once. */
void stc_cli_print_diags(const stc_service *svc)
{
    stc_cli_print_diag_list(svc, &svc->diags);
}

void stc_cli_print_diag_list(const stc_service *svc, const stc_diags *d)
{
    char *other_name = NULL, *other_text = NULL;
    for (size_t i = 0; i < d->count; i++) {
        const stc_diag *dg = &d->items[i];
        const char *text = NULL;
        if (!dg->file || (svc->file && strcmp(dg->file, svc->file) == 0)) {
            text = svc->source;
        } else {
            if (!other_name || strcmp(other_name, dg->file) != 0) {
                free(other_name);
                free(other_text);
                other_name = stc_xstrdup(dg->file);
                other_text = NULL;
                char *err = NULL;
                size_t len = 0;
                if (stc_file_read(dg->file, &other_text, &len, &err) != 0)
                    free(err);
            }
            text = other_text;
        }
        stc_diag_print_one(dg, stderr, text);
    }
    free(other_name);
    free(other_text);
}

void stc_cli_print_json(void *cjson)
{
    char *s = cJSON_Print((cJSON *)cjson);
    if (s) {
        fputs(s, stdout);
        fputc('\n', stdout);
        free(s);
    }
    cJSON_Delete((cJSON *)cjson);
}

int stc_cli_parse(const char *cmd, int argc, char **argv, const stc_cli_opt *opts, const char **pos, int npos)
{
    for (int k = 0; k < npos; k++)
        pos[k] = NULL;
    int npos_seen = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const stc_cli_opt *o = NULL;
        for (const stc_cli_opt *c = opts; c && c->name; c++)
            if (stc_cli_flag(a, c->name) || (c->alias && stc_cli_flag(a, c->alias)))
                o = c;
        if (o && o->value) {
            if (i + 1 >= argc)
                return stc_cli_usage(cmd, "option '%s' needs a value", a);
            *o->value = argv[++i];
        } else if (o) {
            *o->flag = true;
        } else if (a[0] == '-' && a[1]) {
            return stc_cli_usage(cmd, "unknown option '%s'", a);
        } else if (npos_seen < npos) {
            pos[npos_seen++] = a;
        } else {
            return stc_cli_usage(cmd, "unexpected argument '%s'", a);
        }
    }
    return STC_EXIT_OK;
}

static void json_position(const char *text, const char *end, int *line, int *col)
{
    *line = 1;
    *col = 1;
    for (const char *p = text; end && p < end && *p; p++) {
        if (*p == '\n') {
            (*line)++;
            *col = 1;
        } else if ((*p & 0xC0) != 0x80) {
            (*col)++;
        }
    }
}

int stc_cli_read_json_arg(const char *cmd, const char *opt, const char *arg, cJSON **out)
{
    char *text = NULL, *err = NULL;
    size_t len;
    const char *src = arg;
    if (arg[0] == '@') {
        if (stc_file_read(arg + 1, &text, &len, &err) != 0) {
            fprintf(stderr, "stc-tui: %s\n", err);
            free(err);
            return STC_EXIT_IO;
        }
        src = text;
    }
    const char *end = NULL;
    *out = cJSON_ParseWithOpts(src, &end, 1);
    int rc = STC_EXIT_OK;
    if (!*out) {
        int line, col;
        json_position(src, end, &line, &col);
        rc = stc_cli_usage(cmd, "%s: invalid JSON at line %d, column %d", opt, line, col);
    }
    free(text);
    return rc;
}
