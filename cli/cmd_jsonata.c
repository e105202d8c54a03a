/* cmd_jsonata.c - `stc-tui jsonata`: evaluate a JSONata expression.
 *
 *   stc-tui jsonata EXPR [--input JSON|@FILE] [--bindings JSON|@FILE]
 *   stc-tui jsonata --batch FILE.jsonl [--datasets DIR]
 *
 * One expression prints its value as JSON (numbers as JavaScript prints
 * them), nothing for an undefined value, or `jsonata: CODE at POS: message`
 * on stderr with exit status 1. The batch form reads one case a line in the
 * format of the official test suite and prints one line for each:
 * {"result": ...}, {"undefined": true} or {"error": {"code", "position",
 * "token", "message"}}. Neither form starts the embedded Python interpreter.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "stepsim/jsonata/jsonata.h"

/* Compact JSON with ", " and ": " between items, as the batch lines are
 * written (outside strings only). */
static void spaced(stc_buf *out, const char *s, size_t n)
{
    bool in_str = false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        stc_buf_putc(out, c);
        if (in_str) {
            if (c == '\\' && i + 1 < n)
                stc_buf_putc(out, s[++i]);
            else if (c == '"')
                in_str = false;
        } else if (c == '"') {
            in_str = true;
        } else if (c == ',' || c == ':') {
            stc_buf_putc(out, ' ');
        }
    }
}

static void put_json_string(stc_buf *out, const char *s)
{
    cJSON *j = cJSON_CreateString(s);
    char *t = cJSON_PrintUnformatted(j);
    stc_buf_puts(out, t);
    free(t);
    cJSON_Delete(j);
}

static void put_error(stc_buf *out, const stc_jsonata_error *err)
{
    stc_buf_puts(out, "{\"error\": {\"code\": ");
    put_json_string(out, err->code);
    if (err->position >= 0)
        stc_buf_printf(out, ", \"position\": %d", err->position);
    else
        stc_buf_puts(out, ", \"position\": null");
    stc_buf_puts(out, ", \"token\": ");
    if (err->token)
        put_json_string(out, err->token);
    else
        stc_buf_puts(out, "null");
    stc_buf_puts(out, ", \"message\": ");
    put_json_string(out, err->message ? err->message : "");
    stc_buf_puts(out, "}}");
}

static void print_error(const stc_jsonata_error *err)
{
    if (err->position >= 0)
        fprintf(stderr, "jsonata: %s at %d: %s\n", err->code, err->position, err->message ? err->message : "");
    else
        fprintf(stderr, "jsonata: %s: %s\n", err->code, err->message ? err->message : "");
}

static int run_one(const char *expr, const char *input_arg, const char *bindings_arg)
{
    cJSON *input = NULL, *bindings = NULL;
    int rc = STC_EXIT_OK;
    if (input_arg && (rc = stc_cli_read_json_arg("jsonata", "--input", input_arg, &input)) != STC_EXIT_OK)
        return rc;
    if (bindings_arg && (rc = stc_cli_read_json_arg("jsonata", "--bindings", bindings_arg, &bindings)) != STC_EXIT_OK) {
        cJSON_Delete(input);
        return rc;
    }
    if (bindings && !cJSON_IsObject(bindings)) {
        cJSON_Delete(input);
        cJSON_Delete(bindings);
        return stc_cli_usage("jsonata", "--bindings: a JSON object of variables is expected");
    }
    stc_jsonata_error err = {.position = -1};
    stc_jsonata *e = stc_jsonata_compile(expr, strlen(expr), &err);
    if (!e) {
        print_error(&err);
        stc_jsonata_error_clear(&err);
        cJSON_Delete(input);
        cJSON_Delete(bindings);
        return STC_EXIT_INPUT;
    }
    stc_jsonata_evaluator *ev = stc_jsonata_evaluator_new();
    stc_jsonata_options o;
    stc_jsonata_options_init(&o);
    o.bindings = bindings;
    stc_buf out = STC_BUF_INIT;
    bool undefined = false;
    if (stc_jsonata_eval_text(ev, e, input, &o, 2, &out, &undefined, &err) != 0) {
        print_error(&err);
        rc = STC_EXIT_INPUT;
    } else if (!undefined) {
        fwrite(out.data, 1, out.len, stdout);
        fputc('\n', stdout);
    }
    stc_buf_free(&out);
    stc_jsonata_error_clear(&err);
    stc_jsonata_evaluator_free(ev);
    stc_jsonata_free(e);
    cJSON_Delete(input);
    cJSON_Delete(bindings);
    return rc;
}

/* ---- batch ---- */

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static int hex4(const char *p)
{
    int v = 0;
    for (int i = 0; i < 4; i++) {
        int d = hexval(p[i]);
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

/* JSON allows a lone surrogate escape (the suite has "\ud800"); cJSON does
 * not. Such an escape becomes its three UTF-8-style bytes, the form the
 * engine keeps a lone surrogate in. */
static char *lone_surrogates(const char *s, size_t n)
{
    stc_buf b = STC_BUF_INIT;
    bool in_str = false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!in_str) {
            if (c == '"')
                in_str = true;
            stc_buf_putc(&b, c);
            continue;
        }
        if (c == '"') {
            in_str = false;
            stc_buf_putc(&b, c);
            continue;
        }
        if (c != '\\' || i + 1 >= n) {
            stc_buf_putc(&b, c);
            continue;
        }
        if (s[i + 1] == 'u' && i + 5 < n) {
            int cu = hex4(s + i + 2);
            if (cu >= 0xD800 && cu <= 0xDFFF) {
                bool pair = false;
                if (cu <= 0xDBFF && i + 11 < n && s[i + 6] == '\\' && s[i + 7] == 'u') {
                    int lo = hex4(s + i + 8);
                    pair = lo >= 0xDC00 && lo <= 0xDFFF;
                }
                if (pair) {
                    stc_buf_add(&b, s + i, 12);
                    i += 11;
                } else {
                    char u[3] = {(char)(0xE0 | (cu >> 12)), (char)(0x80 | ((cu >> 6) & 0x3F)),
                                 (char)(0x80 | (cu & 0x3F))};
                    stc_buf_add(&b, u, 3);
                    i += 5;
                }
                continue;
            }
        }
        stc_buf_putc(&b, c);
        stc_buf_putc(&b, s[++i]);
    }
    return stc_buf_take(&b);
}

typedef struct dataset {
    char *name;
    cJSON *json;
    struct dataset *next;
} dataset;

static const cJSON *load_dataset(dataset **cache, const char *dir, const char *name, char **why)
{
    for (dataset *d = *cache; d; d = d->next)
        if (!strcmp(d->name, name))
            return d->json;
    if (!dir) {
        *why = stc_xstrdup("a case names a dataset and no --datasets DIR was given");
        return NULL;
    }
    stc_buf path = STC_BUF_INIT;
    stc_buf_printf(&path, "%s/%s.json", dir, name);
    char *text = NULL, *err = NULL;
    size_t len;
    if (stc_file_read(stc_buf_cstr(&path), &text, &len, &err) != 0) {
        stc_buf_free(&path);
        *why = err;
        return NULL;
    }
    char *fixed = lone_surrogates(text, len);
    cJSON *j = cJSON_Parse(fixed);
    free(fixed);
    free(text);
    if (!j) {
        stc_buf m = STC_BUF_INIT;
        stc_buf_printf(&m, "%s: invalid JSON", stc_buf_cstr(&path));
        *why = stc_buf_take(&m);
        stc_buf_free(&path);
        return NULL;
    }
    stc_buf_free(&path);
    dataset *d = stc_xcalloc(1, sizeof *d);
    d->name = stc_xstrdup(name);
    d->json = j;
    d->next = *cache;
    *cache = d;
    return j;
}

/* One case line -> one output line in `out`. Returns false for a line that
 * is not a case (the reason in *why). */
static bool run_case(stc_jsonata_evaluator *ev, const cJSON *c, const char *dir, dataset **cache,
                     stc_buf *out, char **why)
{
    const cJSON *expr = cJSON_GetObjectItemCaseSensitive(c, "expr");
    if (!cJSON_IsString(expr)) {
        *why = stc_xstrdup("the case has no \"expr\" string");
        return false;
    }
    const cJSON *input = NULL;
    const cJSON *data = cJSON_GetObjectItemCaseSensitive(c, "data");
    const cJSON *ds = cJSON_GetObjectItemCaseSensitive(c, "dataset");
    if (data) {
        input = data;
    } else if (cJSON_IsString(ds)) {
        input = load_dataset(cache, dir, ds->valuestring, why);
        if (!input)
            return false;
    }
    stc_jsonata_options o;
    stc_jsonata_options_init(&o);
    const cJSON *b = cJSON_GetObjectItemCaseSensitive(c, "bindings");
    if (cJSON_IsObject(b))
        o.bindings = b;
    const cJSON *tl = cJSON_GetObjectItemCaseSensitive(c, "timelimit");
    const cJSON *dp = cJSON_GetObjectItemCaseSensitive(c, "depth");
    if (cJSON_IsNumber(tl))
        o.timelimit_ms = (long)tl->valuedouble;
    if (cJSON_IsNumber(dp))
        o.depth = (int)dp->valuedouble;

    stc_jsonata_error err = {.position = -1};
    const char *text = expr->valuestring;
    stc_jsonata *e = stc_jsonata_compile(text, strlen(text), &err);
    if (!e) {
        put_error(out, &err);
        stc_jsonata_error_clear(&err);
        return true;
    }
    stc_buf res = STC_BUF_INIT;
    bool undefined = false;
    if (stc_jsonata_eval_text(ev, e, input, &o, 0, &res, &undefined, &err) != 0) {
        put_error(out, &err);
    } else if (undefined) {
        stc_buf_puts(out, "{\"undefined\": true}");
    } else {
        stc_buf_puts(out, "{\"result\": ");
        spaced(out, res.data ? res.data : "", res.len);
        stc_buf_putc(out, '}');
    }
    stc_buf_free(&res);
    stc_jsonata_error_clear(&err);
    stc_jsonata_free(e);
    return true;
}

static int run_batch(const char *path, const char *dir)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
    if (!f) {
        fprintf(stderr, "stc-tui: cannot read '%s': %s\n", path, strerror(errno));
        return STC_EXIT_IO;
    }
    stc_jsonata_evaluator *ev = stc_jsonata_evaluator_new();
    dataset *cache = NULL;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    long lineno = 0;
    int rc = STC_EXIT_OK;
    stc_buf out = STC_BUF_INIT;
    while ((n = getline(&line, &cap, f)) >= 0) {
        lineno++;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        size_t k = 0;
        while (k < (size_t)n && (line[k] == ' ' || line[k] == '\t'))
            k++;
        if (k == (size_t)n)
            continue;
        char *fixed = lone_surrogates(line, (size_t)n);
        cJSON *c = cJSON_Parse(fixed);
        free(fixed);
        char *why = NULL;
        stc_buf_clear(&out);
        if (!cJSON_IsObject(c)) {
            why = stc_xstrdup("invalid JSON");
        } else if (!run_case(ev, c, dir, &cache, &out, &why)) {
            stc_buf_clear(&out);
        }
        if (why) {
            fprintf(stderr, "stc-tui: %s:%ld: %s\n", path, lineno, why);
            stc_buf_puts(&out, "{\"error\": {\"code\": null, \"position\": null, \"token\": null, \"message\": ");
            put_json_string(&out, why);
            stc_buf_puts(&out, "}}");
            free(why);
            rc = STC_EXIT_INPUT;
        }
        stc_buf_putc(&out, '\n');
        fwrite(out.data, 1, out.len, stdout);
        cJSON_Delete(c);
    }
    fflush(stdout);
    stc_buf_free(&out);
    free(line);
    if (f != stdin)
        fclose(f);
    while (cache) {
        dataset *next = cache->next;
        cJSON_Delete(cache->json);
        free(cache->name);
        free(cache);
        cache = next;
    }
    stc_jsonata_evaluator_free(ev);
    return rc;
}

int stc_cmd_jsonata(int argc, char **argv)
{
    const char *expr = NULL, *input = NULL, *bindings = NULL, *batch = NULL, *datasets = NULL;
    /* an expression may start with '-' ("-price"): only "--" words are options */
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char **slot = stc_cli_flag(a, "--input")      ? &input
                            : stc_cli_flag(a, "--bindings") ? &bindings
                            : stc_cli_flag(a, "--batch")    ? &batch
                            : stc_cli_flag(a, "--datasets") ? &datasets
                                                            : NULL;
        if (slot) {
            if (i + 1 >= argc)
                return stc_cli_usage("jsonata", "option '%s' needs a value", a);
            *slot = argv[++i];
        } else if (a[0] == '-' && a[1] == '-') {
            return stc_cli_usage("jsonata", "unknown option '%s'", a);
        } else if (!expr) {
            expr = a;
        } else {
            return stc_cli_usage("jsonata", "unexpected argument '%s'", a);
        }
    }
    if (batch) {
        if (expr || input || bindings)
            return stc_cli_usage("jsonata", "--batch takes no expression, --input or --bindings");
        return run_batch(batch, datasets);
    }
    if (!expr)
        return stc_cli_usage("jsonata", "missing EXPR");
    if (datasets)
        return stc_cli_usage("jsonata", "--datasets goes with --batch");
    return run_one(expr, input, bindings);
}
