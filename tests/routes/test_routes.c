/* test_routes.c - the route table, pluralization and the routes stage's
 * diagnostics (core/routes.h, core/inflect.h).
 *
 * Data-driven parts read tests/routes/cases.txt and tests/routes/plurals.txt
 * (formats at the top of each file); every mismatch is printed with its line
 * before the test fails. The rest asserts positions of diagnostics and the
 * JSON shape of the table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "core/inflect.h"
#include "core/parse.h"
#include "core/routes.h"
#include "core/service.h"
#include "core/util.h"

static char *read_data(const char *name)
{
    const char *dir = getenv("STC_TEST_DATA");
    char *path = stc_xasprintf("%s/routes/%s", dir ? dir : STC_SOURCE_DIR "/tests", name);
    char *text = NULL, *err = NULL;
    size_t len;
    if (stc_file_read(path, &text, &len, &err) != 0) {
        fprintf(stderr, "%s\n", err);
        free(err);
        free(path);
        fail_msg("cannot read test data %s", name);
    }
    free(path);
    return text;
}

static stc_service *compile(const char *src)
{
    stc_service_options opts = {0};
    return stc_service_compile_source("svc.py", src, strlen(src), &opts);
}

/* One method as the only member of class S. */
static stc_service *compile_def(const char *def)
{
    char *src = stc_xasprintf("class S:\n    %s:\n        pass\n", def);
    stc_service *svc = compile(src);
    free(src);
    return svc;
}

static char *method_name(const char *def)
{
    const char *p = strstr(def, "def ");
    assert_non_null(p);
    p += 4;
    return stc_xstrndup(p, strcspn(p, "("));
}

/* "GET /people?[limit]", "POST /people body: name, [email] async", "WS message". */
static char *render(const stc_service *svc, const char *name)
{
    const stc_route *r = stc_routes_for(svc, name);
    const stc_ws_route *w = stc_routes_ws_for(svc, name);
    const stc_unit_info *u = stc_service_unit(svc, name);
    stc_buf b = STC_BUF_INIT;
    if (r) {
        stc_buf_printf(&b, "%s %s", r->http_method, r->path);
        for (size_t i = r->npath; i < r->npath + r->nquery; i++) {
            assert_int_equal(r->params[i].in, STC_IN_QUERY);
            stc_buf_printf(&b, r->params[i].required ? "%s%s" : "%s[%s]", i == r->npath ? "?" : "&",
                           r->params[i].name);
        }
        for (size_t i = r->npath + r->nquery; i < r->nparams; i++) {
            assert_int_equal(r->params[i].in, STC_IN_BODY);
            stc_buf_printf(&b, r->params[i].required ? "%s%s" : "%s[%s]",
                           i == r->npath + r->nquery ? " body: " : ", ", r->params[i].name);
        }
        for (size_t i = 0; i < r->npath; i++) {
            assert_int_equal(r->params[i].in, STC_IN_PATH);
            assert_true(r->params[i].required);
        }
        if (r->is_async)
            stc_buf_puts(&b, " async");
    } else if (w) {
        stc_buf_printf(&b, "WS %s%s", w->route_key, w->is_async ? " async" : "");
    } else if (u && u->kind == STC_KIND_UNCLASSIFIED) {
        stc_buf_puts(&b, "unclassified");
    } else {
        stc_buf_puts(&b, "none");
    }
    return stc_buf_take(&b);
}

static int check_route_line(const char *def, const char *want, int lineno)
{
    stc_service *svc = compile_def(def);
    char *name = method_name(def);
    char *got = render(svc, name);
    int bad = 0;
    if (strcmp(got, want) != 0) {
        fprintf(stderr, "cases.txt:%d: %s\n  want: %s\n  got:  %s\n", lineno, def, want, got);
        bad = 1;
    }
    if (stc_diags_has_errors(&svc->diags)) {
        fprintf(stderr, "cases.txt:%d: %s: unexpected errors\n", lineno, def);
        stc_diags_print(&svc->diags, stderr, NULL);
        bad = 1;
    }
    free(got);
    free(name);
    stc_service_free(svc);
    return bad;
}

static const stc_route_param *find_param(const stc_service *svc, const char *method, const char *param)
{
    const stc_route *r = stc_routes_for(svc, method);
    for (size_t i = 0; r && i < r->nparams; i++)
        if (strcmp(r->params[i].name, param) == 0)
            return &r->params[i];
    return NULL;
}

static int check_schema_line(const char *def, const char *want, int lineno)
{
    char pname[64], req[16];
    int off = 0;
    if (sscanf(want, "%63s %15s %n", pname, req, &off) != 2 || !off) {
        fprintf(stderr, "cases.txt:%d: malformed schema case\n", lineno);
        return 1;
    }
    cJSON *want_json = cJSON_Parse(want + off);
    if (!want_json) {
        fprintf(stderr, "cases.txt:%d: malformed JSON\n", lineno);
        return 1;
    }
    stc_service *svc = compile_def(def);
    char *name = method_name(def);
    const stc_route_param *p = find_param(svc, name, pname);
    int bad = 0;
    if (!p) {
        fprintf(stderr, "cases.txt:%d: no route parameter %s\n", lineno, pname);
        bad = 1;
    } else {
        cJSON *got = stc_schema_to_json(&p->schema, p->default_json);
        if (!cJSON_Compare(got, want_json, true)) {
            char *g = cJSON_PrintUnformatted(got);
            fprintf(stderr, "cases.txt:%d: %s\n  want: %s\n  got:  %s\n", lineno, def, want + off, g);
            free(g);
            bad = 1;
        }
        bool want_req = strcmp(req, "required") == 0;
        if (p->required != want_req) {
            fprintf(stderr, "cases.txt:%d: %s should be %s\n", lineno, pname, req);
            bad = 1;
        }
        cJSON_Delete(got);
    }
    cJSON_Delete(want_json);
    free(name);
    stc_service_free(svc);
    return bad;
}

static int check_explain_line(const char *def, const char *want, int lineno)
{
    stc_service *svc = compile_def(def);
    char *name = method_name(def);
    const stc_unit_info *u = stc_service_unit(svc, name);
    int bad = 0;
    if (!u || !u->explain || strcmp(u->explain, want) != 0) {
        fprintf(stderr, "cases.txt:%d:\n  want: %s\n  got:  %s\n", lineno, want,
                u && u->explain ? u->explain : "(none)");
        bad = 1;
    }
    free(name);
    stc_service_free(svc);
    return bad;
}

/* Split `text` into lines in place, keeping empty ones (for line numbers). */
static char *next_line(char **p)
{
    if (!*p || !**p)
        return NULL;
    char *line = *p;
    char *nl = strchr(line, '\n');
    if (nl) {
        *nl = '\0';
        *p = nl + 1;
    } else {
        *p = line + strlen(line);
    }
    return line;
}

static void test_cases(void **state)
{
    (void)state;
    char *text = read_data("cases.txt");
    int lineno = 0, bad = 0, routes = 0, schemas = 0, explains = 0;
    char *cur = text;
    for (char *line; (line = next_line(&cur));) {
        lineno++;
        if (!line[0] || line[0] == '#')
            continue;
        char *sep = strstr(line, " => ");
        if (!sep) {
            fprintf(stderr, "cases.txt: malformed line: %s\n", line);
            bad++;
            continue;
        }
        *sep = '\0';
        const char *want = sep + 4;
        if (strncmp(line, "schema ", 7) == 0) {
            bad += check_schema_line(line + 7, want, lineno);
            schemas++;
        } else if (strncmp(line, "explain ", 8) == 0) {
            bad += check_explain_line(line + 8, want, lineno);
            explains++;
        } else {
            bad += check_route_line(line, want, lineno);
            routes++;
        }
    }
    fprintf(stderr, "cases.txt: %d route, %d schema, %d explain cases, %d failed\n", routes, schemas, explains, bad);
    assert_true(routes >= 69);
    free(text);
    assert_int_equal(bad, 0);
}

static int plural_line(const char *s, const char *p, const char *rule, const char *flag, int lineno)
{
    bool mass = flag && strcmp(flag, "mass") == 0;
    const char *want_back = flag && strncmp(flag, "singular=", 9) == 0 ? flag + 9 : s;
    int bad = 0;
    stc_plural_rule r;
    char *got = stc_inflect_plural(s, &r);
    if (strcmp(got, p) != 0 || strcmp(stc_inflect_rule_name(r), rule) != 0) {
        fprintf(stderr, "plurals.txt:%d: plural(%s): want %s (%s), got %s (%s)\n", lineno, s, p, rule, got,
                stc_inflect_rule_name(r));
        bad = 1;
    }
    char *back = stc_inflect_singular(p, NULL);
    if (strcmp(back, want_back) != 0) {
        fprintf(stderr, "plurals.txt:%d: singular(%s): want %s, got %s\n", lineno, p, want_back, back);
        bad = 1;
    }
    bool uncountable = strcmp(rule, "uncountable") == 0;
    char *sing = NULL;
    stc_plural_rule pr = STC_PLURAL_NONE;
    bool is_pl = stc_inflect_is_plural(p, &sing, &pr);
    if (is_pl != !(uncountable || mass)) {
        fprintf(stderr, "plurals.txt:%d: is_plural(%s) is %d\n", lineno, p, is_pl);
        bad = 1;
    } else if (is_pl && (strcmp(sing, s) != 0 || pr != r)) {
        fprintf(stderr, "plurals.txt:%d: is_plural(%s) gives %s (%s)\n", lineno, p, sing,
                stc_inflect_rule_name(pr));
        bad = 1;
    }
    if (stc_inflect_is_plural(s, NULL, NULL) && !uncountable) {
        fprintf(stderr, "plurals.txt:%d: the singular %s is taken for a plural\n", lineno, s);
        bad = 1;
    }
    free(sing);
    free(got);
    free(back);
    return bad;
}

static void test_plurals(void **state)
{
    (void)state;
    char *text = read_data("plurals.txt");
    char *cur = text;
    int lineno = 0, bad = 0, pairs = 0, others = 0;
    for (char *line; (line = next_line(&cur));) {
        lineno++;
        if (!line[0] || line[0] == '#')
            continue;
        char a[64], b[64], c[64], d[64];
        int n = sscanf(line, "%63s %63s %63s %63s", a, b, c, d);
        if (strcmp(a, "singular") == 0 && n == 3) {
            char *got = stc_inflect_singular(b, NULL);
            if (strcmp(got, c) != 0 || !stc_inflect_is_plural(b, NULL, NULL)) {
                fprintf(stderr, "plurals.txt:%d: singular(%s): want %s, got %s\n", lineno, b, c, got);
                bad++;
            }
            free(got);
            others++;
        } else if (strcmp(a, "notplural") == 0 && n == 2) {
            char *got = stc_inflect_singular(b, NULL);
            if (stc_inflect_is_plural(b, NULL, NULL) || (strcmp(got, b) != 0 && strcmp(b, "data") != 0)) {
                fprintf(stderr, "plurals.txt:%d: %s is taken for a plural (singular %s)\n", lineno, b, got);
                bad++;
            }
            free(got);
            others++;
        } else if (n == 3 || (n == 4 && (strcmp(d, "mass") == 0 || strncmp(d, "singular=", 9) == 0))) {
            bad += plural_line(a, b, c, n == 4 ? d : NULL, lineno);
            pairs++;
        } else {
            fprintf(stderr, "plurals.txt:%d: malformed line\n", lineno);
            bad++;
        }
    }
    fprintf(stderr, "plurals.txt: %d pairs, %d other cases, %d failed\n", pairs, others, bad);
    assert_true(pairs >= 80);
    free(text);
    assert_int_equal(bad, 0);
}

/* ---- diagnostics with positions --------------------------------------- */

static const stc_diag *find_diag(const stc_service *svc, const char *code, int nth)
{
    for (size_t i = 0; i < svc->diags.count; i++)
        if (strcmp(svc->diags.items[i].code, code) == 0 && nth-- == 0)
            return &svc->diags.items[i];
    return NULL;
}

static size_t count_diag(const stc_service *svc, const char *code)
{
    size_t n = 0;
    for (size_t i = 0; i < svc->diags.count; i++)
        n += strcmp(svc->diags.items[i].code, code) == 0;
    return n;
}

static void test_http_conflict(void **state)
{
    (void)state;
    stc_service *svc = compile("class S:\n"                                /* 1 */
                               "    def get_person(self, person_id):\n"    /* 2 */
                               "        pass\n"                            /* 3 */
                               "\n"                                        /* 4 */
                               "    def fetch_person(self, person_id):\n"  /* 5 */
                               "        pass\n"                            /* 6 */
                               "    def delete_person(self, person_id):\n" /* 7 */
                               "        pass\n");
    const stc_diag *dg = find_diag(svc, "STC301", 0);
    assert_non_null(dg);
    assert_int_equal(dg->severity, STC_SEV_ERROR);
    assert_int_equal(dg->line, 5);
    assert_int_equal(dg->col, 9);
    assert_string_equal(dg->message, "route conflict: 'get_person' (line 2) and 'fetch_person' (line 5) both map "
                                     "to GET /people/{person_id}");
    assert_non_null(dg->hint);
    assert_int_equal(count_diag(svc, "STC301"), 1); /* DELETE on the same path is another route */
    assert_int_equal(count_diag(svc, "STC304"), 0);
    stc_service_free(svc);

    /* Different parameter names, same route; and two create verbs. */
    svc = compile("class S:\n"
                  "    def register_person(self, name):\n"     /* 2 */
                  "        pass\n"
                  "    def get_person(self, person_id):\n"     /* 4 */
                  "        pass\n"
                  "    def show_person(self, name):\n"         /* 6 */
                  "        pass\n"
                  "    async def create_person(self, name):\n" /* 8 */
                  "        pass\n");
    assert_int_equal(count_diag(svc, "STC301"), 2);
    dg = find_diag(svc, "STC301", 0);
    assert_int_equal(dg->line, 6);
    assert_int_equal(dg->col, 9);
    assert_string_equal(dg->message, "route conflict: 'get_person' (line 4) and 'show_person' (line 6) both map "
                                     "to GET /people/{name}");
    dg = find_diag(svc, "STC301", 1);
    assert_int_equal(dg->line, 8);
    assert_int_equal(dg->col, 15); /* "    async def " is 14 columns */
    assert_string_equal(dg->message, "route conflict: 'register_person' (line 2) and 'create_person' (line 8) both "
                                     "map to POST /people");
    stc_service_free(svc);
}

static void test_ws_conflict(void **state)
{
    (void)state;
    stc_service *svc = compile("class S:\n"
                               "    def on_message(self, url, connection_id, text):\n" /* 2 */
                               "        pass\n"
                               "    def on_message(self, url, connection_id):\n"       /* 4 */
                               "        pass\n");
    const stc_diag *dg = find_diag(svc, "STC302", 0);
    assert_non_null(dg);
    assert_int_equal(dg->severity, STC_SEV_ERROR);
    assert_int_equal(dg->line, 4);
    assert_int_equal(dg->col, 9);
    assert_string_equal(dg->message, "route conflict: 'on_message' (line 2) and 'on_message' (line 4) both map to "
                                     "WebSocket route key message");
    stc_service_free(svc);
}

static void test_ws_params(void **state)
{
    (void)state;
    stc_service *svc = compile("class S:\n"
                               "    def on_message(self, text):\n"                       /* 2: text at col 26 */
                               "        pass\n"
                               "    def on_connect(self, url):\n"                        /* 4: no connection_id */
                               "        pass\n"
                               "    def on_send(self, url, conn_id, text):\n"            /* 6: conn_id at col 28 */
                               "        pass\n"
                               "    async def on_upload(self, key):\n"                   /* 8: async too: key at col 31 */
                               "        pass\n"
                               "    def on_default(self, url, connection_id, extra=1):\n" /* 10: fine */
                               "        pass\n"
                               "    def on_disconnect(\n"                                /* 12 */
                               "            self,\n"
                               "            connection_id, url):\n"                      /* 14: col 13 */
                               "        pass\n");
    assert_int_equal(count_diag(svc, "STC303"), 5);
    const stc_diag *dg = find_diag(svc, "STC303", 0);
    assert_int_equal(dg->severity, STC_SEV_WARNING);
    assert_int_equal(dg->line, 2);
    assert_int_equal(dg->col, 26);
    assert_string_equal(dg->message, "WebSocket handler 'on_message': parameter 1 after self is 'text', expected 'url'");
    dg = find_diag(svc, "STC303", 1);
    assert_int_equal(dg->line, 4);
    assert_int_equal(dg->col, 9);
    assert_string_equal(dg->message, "WebSocket handler 'on_connect' has no parameter 'connection_id'");
    dg = find_diag(svc, "STC303", 2);
    assert_int_equal(dg->line, 6);
    assert_int_equal(dg->col, 28);
    assert_string_equal(dg->message,
                        "WebSocket handler 'on_send': parameter 2 after self is 'conn_id', expected 'connection_id'");
    /* An async handler is started with url and connection_id first too. */
    dg = find_diag(svc, "STC303", 3);
    assert_int_equal(dg->line, 8);
    assert_int_equal(dg->col, 31);
    assert_string_equal(dg->message, "WebSocket handler 'on_upload': parameter 1 after self is 'key', expected 'url'");
    assert_non_null(strstr(dg->hint, "write async def on_upload(self, url, connection_id, ...)"));
    dg = find_diag(svc, "STC303", 4);
    assert_int_equal(dg->line, 14);
    assert_int_equal(dg->col, 13);
    assert_non_null(strstr(dg->hint, "def on_disconnect(self, url, connection_id, ...)"));
    /* The message fields skip url and connection_id. */
    const stc_ws_route *w = stc_routes_ws_for(svc, "on_default");
    assert_non_null(w);
    assert_string_equal(w->route_key, "$default");
    assert_int_equal(w->nparams, 1);
    assert_string_equal(w->params[0].name, "extra");
    assert_false(w->params[0].required);
    stc_service_free(svc);
}

static void test_path_param_diags(void **state)
{
    (void)state;
    stc_service *svc = compile("class S:\n"
                               "    def get_person(self, person_id):\n"             /* 2 */
                               "        pass\n"
                               "    def delete_person(self, name):\n"               /* 4 */
                               "        pass\n"
                               "    def get_order(self, order_id: str = 'x'):\n"    /* 6: col 25 */
                               "        pass\n"
                               "    def create_note(self, text, *tags, **extra):\n" /* 8: tags col 34, extra col 42 */
                               "        pass\n");
    const stc_diag *dg = find_diag(svc, "STC304", 0);
    assert_non_null(dg);
    assert_int_equal(dg->severity, STC_SEV_WARNING);
    assert_int_equal(dg->line, 4);
    assert_int_equal(dg->col, 9);
    assert_string_equal(dg->message, "'delete_person' (line 4) names the path parameter after /people {name}, but "
                                     "'get_person' (line 2) names it {person_id}");
    assert_int_equal(count_diag(svc, "STC301"), 0);
    dg = find_diag(svc, "STC306", 0);
    assert_non_null(dg);
    assert_int_equal(dg->line, 6);
    assert_int_equal(dg->col, 25);
    assert_int_equal(count_diag(svc, "STC305"), 2);
    dg = find_diag(svc, "STC305", 0);
    assert_int_equal(dg->line, 8);
    assert_int_equal(dg->col, 34);
    assert_string_equal(dg->message, "parameter '*tags' of 'create_note' cannot be mapped to the route; it is ignored");
    dg = find_diag(svc, "STC305", 1);
    assert_int_equal(dg->col, 42);
    stc_service_free(svc);
}

/* ---- the API and the JSON shape ---------------------------------------- */

static void test_api_and_json(void **state)
{
    (void)state;
    stc_service *svc = compile("from typing import Optional\n"
                               "class People:\n"
                               "    def register_person(self, name: str, age: int, email: Optional[str] = None) -> dict:\n"
                               "        pass\n"
                               "    def get_person(self, person_id: str) -> dict:\n"
                               "        pass\n"
                               "    def _send(self, x):\n"
                               "        pass\n"
                               "    async def approve_person(self, person_id, note=''):\n"
                               "        pass\n"
                               "    def on_message(self, url, connection_id, text):\n"
                               "        pass\n"
                               "    def on_connect(self, url, connection_id):\n"
                               "        pass\n");
    assert_false(stc_diags_has_errors(&svc->diags));
    assert_non_null(svc->routes);
    assert_int_equal(svc->routes->nhttp, 3);
    assert_int_equal(svc->routes->nws, 2);
    assert_null(stc_routes_for(svc, "_send"));
    assert_null(stc_routes_for(svc, "on_message"));
    assert_null(stc_routes_ws_for(svc, "get_person"));

    const stc_route *r = stc_routes_for(svc, "register_person");
    assert_non_null(r);
    assert_string_equal(r->http_method, "POST");
    assert_string_equal(r->path, "/people");
    assert_string_equal(r->collection, "people");
    assert_string_equal(r->singular, "person");
    assert_int_equal(r->rule, STC_PLURAL_IRREGULAR);
    assert_false(r->item);
    assert_int_equal(r->npath, 0);
    assert_int_equal(r->nquery, 0);
    assert_int_equal(r->nbody, 3);
    assert_true(r->params[0].required);
    assert_true(r->params[1].required);
    assert_false(r->params[2].required);
    assert_string_equal(r->params[2].default_json, "null");
    char *t = stc_schema_text(&r->params[2].schema);
    assert_string_equal(t, "string | null");
    free(t);
    assert_int_equal(r->returns.type, STC_SCHEMA_OBJECT);

    r = stc_routes_for(svc, "approve_person");
    assert_string_equal(r->path, "/people/{person_id}/approve");
    assert_true(r->is_async);
    assert_true(r->item);
    assert_int_equal(r->unit->unit, STC_UNIT_STATE_MACHINE);
    assert_string_equal(r->params[1].default_json, "\"\"");
    assert_int_equal(r->params[1].schema.type, STC_SCHEMA_STRING);

    cJSON *got = stc_routes_to_json(svc->routes);
    cJSON *want = cJSON_Parse(
        "{\"http\": ["
        "{\"method\": \"POST\", \"path\": \"/people\", \"function\": \"register_person\", \"async\": false,"
        " \"path_params\": [], \"query_params\": [], \"body_params\": [\"name\", \"age\", \"email\"]},"
        "{\"method\": \"GET\", \"path\": \"/people/{person_id}\", \"function\": \"get_person\", \"async\": false,"
        " \"path_params\": [\"person_id\"], \"query_params\": [], \"body_params\": []},"
        "{\"method\": \"POST\", \"path\": \"/people/{person_id}/approve\", \"function\": \"approve_person\","
        " \"async\": true, \"path_params\": [\"person_id\"], \"query_params\": [], \"body_params\": [\"note\"]}],"
        " \"websocket\": ["
        "{\"route_key\": \"message\", \"function\": \"on_message\", \"async\": false},"
        "{\"route_key\": \"$connect\", \"function\": \"on_connect\", \"async\": false}]}");
    assert_non_null(want);
    assert_true(cJSON_Compare(got, want, true));
    /* Key order is part of the contract. */
    const char *order[] = {"method", "path", "function", "async", "path_params", "query_params", "body_params"};
    cJSON *first = cJSON_GetArrayItem(cJSON_GetObjectItem(got, "http"), 0);
    size_t k = 0;
    for (cJSON *c = first->child; c; c = c->next, k++)
        assert_string_equal(c->string, order[k]);
    assert_int_equal(k, 7);
    assert_string_equal(got->child->string, "http");
    assert_string_equal(got->child->next->string, "websocket");
    cJSON_Delete(got);
    cJSON_Delete(want);
    stc_service_free(svc);
}

static void test_no_service(void **state)
{
    (void)state;
    stc_service *svc = compile("x = 1\n");
    assert_non_null(svc->routes);
    assert_int_equal(svc->routes->nhttp, 0);
    assert_null(stc_routes_for(svc, "get_x"));
    cJSON *j = stc_routes_to_json(svc->routes);
    char *s = cJSON_PrintUnformatted(j);
    assert_string_equal(s, "{\"http\":[],\"websocket\":[]}");
    free(s);
    cJSON_Delete(j);
    stc_service_free(svc);
    /* A syntax error: no module, no table; lookups are safe. */
    svc = compile("class S(:\n");
    assert_null(stc_routes_for(svc, "get_x"));
    stc_service_free(svc);
}

int main(void)
{
    char *err = NULL;
    if (stc_py_init(&err) != 0) {
        fprintf(stderr, "%s\n", err);
        free(err);
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),         cmocka_unit_test(test_plurals),
        cmocka_unit_test(test_http_conflict), cmocka_unit_test(test_ws_conflict),
        cmocka_unit_test(test_ws_params),     cmocka_unit_test(test_path_param_diags),
        cmocka_unit_test(test_api_and_json),  cmocka_unit_test(test_no_service),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    stc_py_finalize();
    return rc;
}
