/* test_learn.c - learn mode's judging (tui/learn.h) and scheduling
 * (tui/learnsched.h). Expected answers are worked out from the naming
 * convention (docs/naming-convention.md), the diff texts and box numbers from
 * the contracts in the headers, by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/parse.h"
#include "core/util.h"
#include "tui/learn.h"
#include "tui/learnsched.h"

/* ---- helpers ------------------------------------------------------------ */

static void compile_ok(const char *sig, stc_learn_truth *t)
{
    char *err = NULL;
    int r = stc_learn_compile(sig, t, &err);
    if (r != 0)
        fail_msg("'%s' did not compile: %s", sig, err);
}

/* Judge `answer` against `sig`; returns the verdict's diffs joined by '\n'
 * ("" when right). */
static char *judge(const char *sig, const char *answer, bool need)
{
    stc_learn_truth t;
    compile_ok(sig, &t);
    stc_learn_answer a;
    char *err = NULL;
    if (stc_learn_parse(answer, &a, &err) != 0)
        fail_msg("'%s' was not read: %s", answer, err);
    stc_learn_verdict v;
    stc_learn_judge(&t, &a, need, &v);
    stc_buf b = STC_BUF_INIT;
    for (size_t i = 0; i < v.ndiffs; i++)
        stc_buf_printf(&b, "%s%s", i ? "\n" : "", v.diffs[i]);
    assert_true(v.right == (v.ndiffs == 0));
    stc_learn_verdict_free(&v);
    stc_learn_answer_free(&a);
    stc_learn_truth_free(&t);
    return b.data ? stc_buf_take(&b) : stc_xstrdup("");
}

#define assert_judged(sig, answer, need, expected)                                                                   \
    do {                                                                                                             \
        char *got_ = judge(sig, answer, need);                                                                       \
        assert_string_equal(got_, expected);                                                                         \
        free(got_);                                                                                                  \
    } while (0)

/* A reverse answer: its diffs joined, or "ERR: message". */
static char *judge_name(const char *sig, const char *typed, char **mine_answer)
{
    stc_learn_truth t, mine;
    compile_ok(sig, &t);
    stc_learn_verdict v;
    char *err = NULL;
    char *out;
    if (stc_learn_judge_name(&t, typed, &mine, &v, &err) != 0) {
        out = stc_xasprintf("ERR: %s", err);
        free(err);
    } else {
        stc_buf b = STC_BUF_INIT;
        for (size_t i = 0; i < v.ndiffs; i++)
            stc_buf_printf(&b, "%s%s", i ? "\n" : "", v.diffs[i]);
        assert_true(v.right == (v.ndiffs == 0));
        out = b.data ? stc_buf_take(&b) : stc_xstrdup("");
        if (mine_answer)
            *mine_answer = stc_xstrdup(mine.answer);
    }
    stc_learn_verdict_free(&v);
    stc_learn_truth_free(&mine);
    stc_learn_truth_free(&t);
    return out;
}

#define assert_named(sig, typed, expected)                                                                           \
    do {                                                                                                             \
        char *got_ = judge_name(sig, typed, NULL);                                                                   \
        assert_string_equal(got_, expected);                                                                         \
        free(got_);                                                                                                  \
    } while (0)

/* ---- the compiler's answers ---------------------------------------------- */

static void test_compile_answers(void **st)
{
    (void)st;
    static const struct {
        const char *sig;
        stc_learn_kind kind;
        const char *answer;
    } cases[] = {
        /* docs/naming-convention.md, sections 3 and 4 */
        {"def get_person(self, person_id: str)", STC_LK_ROUTE, "GET /people/{person_id}"},
        {"def list_people(self, limit: int = 10)", STC_LK_ROUTE, "GET /people?limit"},
        {"def register_person(self, name, age)", STC_LK_ROUTE, "POST /people body: name, age"},
        {"def approve_order(self, order_id, note)", STC_LK_ROUTE, "POST /orders/{order_id}/approve body: note"},
        {"def search_invoices(self, customer, year: int)", STC_LK_ROUTE, "GET /invoices?customer&year"},
        {"def list_person_orders(self, person_id)", STC_LK_ROUTE, "GET /people/{person_id}/orders"},
        {"def delete_session(self, session_id, reason: str = \"\")", STC_LK_ROUTE,
         "DELETE /sessions/{session_id}?reason"},
        {"def rename_box(self, box_id, label)", STC_LK_ROUTE, "PATCH /boxes/{box_id} body: label"},
        {"async def register_order(self, items)", STC_LK_ROUTE, "POST /orders body: items"},
        /* sections 1 and 2 */
        {"def on_message(self, url, connection_id, text)", STC_LK_WS, "ws message"},
        {"def on_connect(self, url, connection_id)", STC_LK_WS, "ws $connect"},
        {"def _send_email(self, address)", STC_LK_FUNCTION, "internal function"},
        {"async def _onboard(self, person_id)", STC_LK_WORKFLOW, "workflow"},
        {"def __slug(self, s)", STC_LK_HELPER, "helper"},
        {"def __init__(self, sender: str = \"x\")", STC_LK_INIT, "init"},
        {"def __repr__(self)", STC_LK_IGNORED, "ignored"},
        {"@staticmethod\ndef make_id(prefix)", STC_LK_IGNORED, "ignored"},
        {"def regster_person(self, name)", STC_LK_UNCLASSIFIED, "unclassified"},
        {"def health(self):", STC_LK_UNCLASSIFIED, "unclassified"},
    };
    for (size_t i = 0; i < STC_ARRAY_LEN(cases); i++) {
        stc_learn_truth t;
        compile_ok(cases[i].sig, &t);
        assert_int_equal(t.kind, cases[i].kind);
        assert_string_equal(t.answer, cases[i].answer);
        stc_learn_truth_free(&t);
    }
}

static void test_compile_errors_and_signatures(void **st)
{
    (void)st;
    stc_learn_truth t;
    char *err = NULL;
    assert_int_equal(stc_learn_compile("def get_person(self", &t, &err), -1);
    assert_non_null(strstr(err, "not valid Python"));
    free(err);
    assert_int_equal(stc_learn_compile("x = 1", &t, &err), -1);
    assert_string_equal(err, "write one method: [async] def name(self, ...)");
    free(err);
    assert_int_equal(stc_learn_compile("def a(self): pass\ndef b(self)", &t, &err), -1);
    assert_string_equal(err, "write one method: [async] def name(self, ...)");
    free(err);
    assert_int_equal(stc_learn_compile("   ", &t, &err), -1);
    free(err);

    /* the signature written back from the IR */
    compile_ok("async def get_x(self, a, b: int = 1, *args, c, **kw) -> int", &t);
    assert_string_equal(t.params, "self, a, b: int = 1, *args, c, **kw");
    char *sig = stc_learn_signature(t.unit->method);
    assert_string_equal(sig, "async def get_x(self, a, b: int = 1, *args, c, **kw) -> int");
    free(sig);
    stc_learn_truth_free(&t);
    compile_ok("def f(self, a, /, b=2, *, c)", &t);
    assert_string_equal(t.params, "self, a, /, b=2, *, c");
    stc_learn_truth_free(&t);
    compile_ok("@property\ndef size(self)", &t);
    sig = stc_learn_signature(t.unit->method);
    assert_string_equal(sig, "@property\ndef size(self)");
    free(sig);
    stc_learn_truth_free(&t);
}

/* ---- reading answers ------------------------------------------------------ */

static void parse_ok(const char *text, stc_learn_answer *a)
{
    char *err = NULL;
    if (stc_learn_parse(text, a, &err) != 0)
        fail_msg("'%s' was not read: %s", text, err);
}

static void test_parse_routes(void **st)
{
    (void)st;
    stc_learn_answer a;
    parse_ok("get  /People/{person_id}/", &a);
    assert_int_equal(a.kind, STC_LK_ROUTE);
    assert_string_equal(a.method, "GET");
    assert_int_equal(a.nsegs, 2);
    assert_string_equal(a.segs[0].text, "People");
    assert_false(a.segs[0].param);
    assert_string_equal(a.segs[1].text, "person_id");
    assert_true(a.segs[1].param);
    assert_false(a.has_params);
    stc_learn_answer_free(&a);

    parse_ok("GET people/:id", &a);
    assert_int_equal(a.nsegs, 2);
    assert_string_equal(a.segs[0].text, "people");
    assert_true(a.segs[1].param);
    assert_string_equal(a.segs[1].text, "id");
    stc_learn_answer_free(&a);

    parse_ok("GET /people / <person_id>", &a);
    assert_int_equal(a.nsegs, 2);
    assert_true(a.segs[1].param);
    assert_string_equal(a.segs[1].text, "person_id");
    stc_learn_answer_free(&a);

    parse_ok("post /people body: name, age", &a);
    assert_string_equal(a.method, "POST");
    assert_int_equal(a.nsegs, 1);
    assert_true(a.has_params);
    assert_int_equal(a.nbody, 2);
    assert_string_equal(a.body[0], "name");
    assert_string_equal(a.body[1], "age");
    assert_int_equal(a.nquery, 0);
    stc_learn_answer_free(&a);

    parse_ok("GET /people?limit=10&offset", &a);
    assert_int_equal(a.nquery, 2);
    assert_string_equal(a.query[0], "limit");
    assert_string_equal(a.query[1], "offset");
    stc_learn_answer_free(&a);

    parse_ok("GET /people query: limit, offset", &a);
    assert_int_equal(a.nsegs, 1);
    assert_int_equal(a.nquery, 2);
    assert_string_equal(a.query[1], "offset");
    stc_learn_answer_free(&a);

    parse_ok("DELETE /orders/{order_id} (async)", &a);
    assert_int_equal(a.nsegs, 2);
    assert_false(a.has_params);
    stc_learn_answer_free(&a);

    parse_ok("POST /orders body: none", &a);
    assert_true(a.has_params);
    assert_int_equal(a.nbody, 0);
    stc_learn_answer_free(&a);

    parse_ok("patch /boxes/{box_id} BODY label", &a);
    assert_int_equal(a.nbody, 1);
    assert_string_equal(a.body[0], "label");
    char *text = stc_learn_answer_text(&a);
    assert_string_equal(text, "PATCH /boxes/{box_id} body: label");
    free(text);
    stc_learn_answer_free(&a);

    parse_ok("get /People/:person_id?limit body: a", &a);
    text = stc_learn_answer_text(&a);
    assert_string_equal(text, "GET /People/{person_id}?limit body: a");
    free(text);
    stc_learn_answer_free(&a);
}

static void test_parse_kinds_and_keys(void **st)
{
    (void)st;
    static const struct {
        const char *text;
        stc_learn_kind kind;
    } kinds[] = {
        {"Internal Function", STC_LK_FUNCTION}, {"an internal function.", STC_LK_FUNCTION},
        {"FN", STC_LK_FUNCTION},                {"lambda", STC_LK_FUNCTION},
        {"function", STC_LK_FUNCTION},          {"state machine", STC_LK_WORKFLOW},
        {"WF", STC_LK_WORKFLOW},                {"a  workflow", STC_LK_WORKFLOW},
        {"helper", STC_LK_HELPER},              {"constructor", STC_LK_INIT},
        {"__init__", STC_LK_INIT},              {"--", STC_LK_IGNORED},
        {"nothing", STC_LK_IGNORED},            {"??", STC_LK_UNCLASSIFIED},
        {"Not a cloud unit", STC_LK_UNCLASSIFIED},
    };
    for (size_t i = 0; i < STC_ARRAY_LEN(kinds); i++) {
        stc_learn_answer a;
        parse_ok(kinds[i].text, &a);
        if (a.kind != kinds[i].kind)
            fail_msg("'%s' read as kind %d, not %d", kinds[i].text, a.kind, kinds[i].kind);
        stc_learn_answer_free(&a);
    }
    static const struct {
        const char *text, *key;
    } keys[] = {
        {"WS message", "message"},
        {"websocket route key $connect", "$connect"},
        {"$default", "$default"},
        {"ws 'join_room'", "join_room"},
        {"ws: Typing", "Typing"},
        {"route key message", "message"},
    };
    for (size_t i = 0; i < STC_ARRAY_LEN(keys); i++) {
        stc_learn_answer a;
        parse_ok(keys[i].text, &a);
        assert_int_equal(a.kind, STC_LK_WS);
        assert_string_equal(a.ws_key, keys[i].key);
        stc_learn_answer_free(&a);
    }
    static const struct {
        const char *text, *err;
    } bad[] = {
        {"rest", "which route? write it: GET /people/{person_id}"},
        {"websocket", "which route key? write it: ws message"},
        {"GET", "a route needs a path after GET, such as /people/{person_id}"},
        {"GET ?limit", "a route needs a path after GET, such as /people/{person_id}"},
    };
    for (size_t i = 0; i < STC_ARRAY_LEN(bad); i++) {
        stc_learn_answer a;
        char *err = NULL;
        assert_int_equal(stc_learn_parse(bad[i].text, &a, &err), -1);
        assert_string_equal(err, bad[i].err);
        free(err);
    }
    stc_learn_answer a;
    char *err = NULL;
    assert_int_equal(stc_learn_parse("frobnicate the widget", &a, &err), -1);
    assert_string_equal(err, "could not read that as a route, a WebSocket route key (ws KEY) or a kind");
    free(err);
    assert_int_equal(stc_learn_parse("   ", &a, &err), -1);
    assert_non_null(strstr(err, "type an answer"));
    free(err);
}

/* ---- judging forward answers ---------------------------------------------- */

static void test_judge_tolerance(void **st)
{
    (void)st;
    const char *gp = "def get_person(self, person_id: str)";
    assert_judged(gp, "GET /people/{person_id}", false, "");
    assert_judged(gp, "get /PEOPLE/{id}", false, "");   /* no other parameter is named id */
    assert_judged(gp, "GET /people/{}", false, "");
    assert_judged(gp, "GET people/:pid/", false, "");
    assert_judged(gp, "  GET   /people/<person_id>  ", false, "");
    assert_judged(gp, "GET /people/{person_id}?", false, ""); /* an empty query string: none */
    /* the same route after the async markers */
    assert_judged("async def register_order(self, items)", "POST /orders (async) body: items", false, "");
    /* the query and body in any order, any case */
    assert_judged("def register_person(self, name, age)", "POST /people body: Age, NAME", false, "");
    assert_judged("def list_people(self, limit: int = 10)", "GET /people", false, "");
    assert_judged("def list_people(self, limit: int = 10)", "GET /people?limit", true, "");
    assert_judged("def list_people(self, limit: int = 10)", "GET /people query: limit", true, "");
    assert_judged("def get_people(self)", "GET /people", true, ""); /* nothing else to place */
    /* kinds and keys */
    assert_judged("def _send_email(self, address)", "Lambda", false, "");
    assert_judged("async def _onboard(self, person_id)", "state machine", false, "");
    assert_judged("def on_message(self, url, connection_id, text)", "ws Message", false, "");
    assert_judged("def on_connect(self, url, connection_id)", "$connect", false, "");
}

static void test_judge_diffs(void **st)
{
    (void)st;
    const char *gp = "def get_person(self, person_id: str)";
    assert_judged(gp, "GET /persons/{person_id}", false, "path segment 1: yours is \"persons\"; it is \"people\"");
    assert_judged(gp, "GET /people", false, "path: yours has 1 segment (/people); it has 2 (/people/{person_id})");
    assert_judged(gp, "POST /people/{person_id}", false, "HTTP method: yours is POST; it is GET");
    assert_judged(gp, "GET /people/person_id", false,
                  "path segment 2: yours is \"person_id\"; it is the path parameter {person_id}");
    assert_judged(gp, "internal function", false,
                  "kind: yours is an internal function (a Lambda with no route); it is an HTTP route");
    assert_judged(gp, "PUT /persons", false,
                  "HTTP method: yours is PUT; it is GET\n"
                  "path segment 1: yours is \"persons\"; it is \"people\"\n"
                  "path: yours has 1 segment (/persons); it has 2 (/people/{person_id})");

    /* GET /people/{person_id}?name */
    const char *gpn = "def get_person(self, person_id: str, name: str)";
    assert_judged(gpn, "GET /people/{name}", false,
                  "path segment 2: yours is {name}, another parameter of the method; it is {person_id}");
    assert_judged(gpn, "GET /people/{person_id}", false, "");
    assert_judged(gpn, "GET /people/{person_id}?name", false, "");
    assert_judged(gpn, "GET /people/{person_id} body: name", false,
                  "name: it goes in the query string (GET and DELETE have no body), not in the body");
    assert_judged(gpn, "GET /people/{person_id}?person_id&name", false,
                  "person_id: it is in the path, not in the query string");
    assert_judged(gpn, "GET /people/{person_id}?name&age", false, "age: not a parameter of the method");

    assert_judged("def list_people(self, limit: int = 10)", "GET /people", true,
                  "the other parameters: yours does not say where they go; they go ?limit");
    assert_judged("def register_person(self, name, age)", "POST /people", true,
                  "the other parameters: yours does not say where they go; they go body: name, age");
    assert_judged("def register_person(self, name, age)", "POST /people?name&age", false,
                  "name: it goes in the JSON body (POST, PUT and PATCH), not in the query string\n"
                  "age: it goes in the JSON body (POST, PUT and PATCH), not in the query string");
    assert_judged("def register_person(self, name, age)", "POST /people body: name", false,
                  "age: missing; it goes in the JSON body (POST, PUT and PATCH)");
    assert_judged("def rename_box(self, box_id, label)", "PUT /boxes/{box_id}", false,
                  "HTTP method: yours is PUT; it is PATCH");
    assert_judged("def approve_order(self, order_id, note)", "POST /orders/{order_id}", false,
                  "path: yours has 2 segments (/orders/{order_id}); it has 3 (/orders/{order_id}/approve)");
    assert_judged("def approve_order(self, order_id, note)", "POST /orders/{order_id}/approved", false,
                  "path segment 3: yours is \"approved\"; it is \"approve\"");

    const char *om = "def on_message(self, url, connection_id, text)";
    assert_judged(om, "ws msg", false, "route key: yours is \"msg\"; it is \"message\"");
    assert_judged(om, "POST /message", false, "kind: yours is an HTTP route; it is a WebSocket route");
    assert_judged("async def _onboard(self, person_id)", "internal function", false,
                  "kind: yours is an internal function (a Lambda with no route); it is an internal workflow "
                  "(a state machine)");
    assert_judged("def regster_person(self, name)", "POST /people body: name", false,
                  "kind: yours is an HTTP route; it is unclassified (a warning; nothing deployed)");
}

/* ---- judging reverse answers ---------------------------------------------- */

static void test_judge_names(void **st)
{
    (void)st;
    const char *gp = "def get_person(self, person_id: str)";
    assert_named(gp, "get_person", "");
    assert_named(gp, "fetch_person", "");
    assert_named(gp, "show_person", "");
    assert_named(gp, "async get_person", "");
    assert_named(gp, "def find_person(self, person_id: str):", "");
    assert_named(gp, "get_person(pid)", ""); /* GET /people/{pid}: the placeholder's name does not matter */
    assert_named(gp, "delete_person", "HTTP method: yours is DELETE; it is GET");
    assert_named(gp, "getPerson", "kind: yours is unclassified (a warning; nothing deployed); it is an HTTP route");
    char *mine = NULL;
    char *got = judge_name(gp, "get_people", &mine);
    assert_string_equal(got, "path: yours has 1 segment (/people); it has 2 (/people/{person_id})\n"
                             "person_id: it is in the path, not in the query string");
    assert_string_equal(mine, "GET /people?person_id");
    free(got);
    free(mine);
    assert_named(gp, "get person", "ERR: type a method name, such as get_person, or a whole signature");
    assert_named(gp, "", "ERR: type a method name, such as get_person, or a whole signature");
    got = judge_name(gp, "get_person(self", NULL);
    assert_true(strncmp(got, "ERR: not valid Python", 21) == 0);
    free(got);

    const char *oc = "def on_connect(self, url, connection_id)";
    assert_named(oc, "on_connect", "");
    assert_named(oc, "on_default", "route key: yours is \"$default\"; it is \"$connect\"");
    assert_named(oc, "connect", "kind: yours is unclassified (a warning; nothing deployed); it is a WebSocket route");

    /* approve_order: any action verb with order_id? no: the verb is the path's last segment */
    const char *ao = "def approve_order(self, order_id: str, note: str = \"\")";
    assert_named(ao, "approve_order", "");
    assert_named(ao, "accept_order", "path segment 3: yours is \"accept\"; it is \"approve\"");
}

/* ---- rules and curriculum -------------------------------------------------- */

static void test_rules(void **st)
{
    (void)st;
    /* every rule is taught by at least one item, and the compiler agrees that
     * each item shows the rule it is tagged with */
    int per_rule[STC_LEARN_RULE_COUNT] = {0};
    for (size_t i = 0; i < stc_learn_items_count(); i++) {
        stc_learn_truth t;
        compile_ok(stc_learn_item_signature(i), &t);
        stc_learn_rule r = stc_learn_item_rule(i);
        if (!stc_learn_rule_shows(r, &t))
            fail_msg("'%s' is tagged %s, which the compiler does not show (%s)", stc_learn_item_signature(i),
                     stc_learn_rule_key(r), t.answer);
        per_rule[r]++;
        stc_learn_truth_free(&t);
    }
    for (int r = 0; r < STC_LEARN_RULE_COUNT; r++) {
        if (per_rule[r] < 2)
            fail_msg("rule %s has %d item(s); every rule needs at least 2", stc_learn_rule_key((stc_learn_rule)r),
                     per_rule[r]);
        assert_int_equal(stc_learn_rule_find(stc_learn_rule_key((stc_learn_rule)r)), r);
        for (int k = 0; k < r; k++)
            assert_string_not_equal(stc_learn_rule_key((stc_learn_rule)r), stc_learn_rule_key((stc_learn_rule)k));
    }
    assert_int_equal(stc_learn_rule_find("no-such-rule"), -1);

    /* the most specific rule of a module's method */
    static const struct {
        const char *sig;
        stc_learn_rule rule;
    } cases[] = {
        {"def get_person(self, person_id)", STC_LEARN_IRREGULAR},
        {"def list_people(self)", STC_LEARN_PLURAL_ENTITY},
        {"def get_order(self, order_id)", STC_LEARN_VERB_READ},
        {"def create_order(self, items)", STC_LEARN_VERB_CREATE},
        {"def get_ticket(self, id)", STC_LEARN_ITEM_PARAM},
        {"def get_config(self)", STC_LEARN_NO_PARAM},
        {"def get_order_item(self, order_item_id)", STC_LEARN_MULTI_WORD},
        {"def get_person_order(self, person_id, order_id)", STC_LEARN_NESTED},
        {"def approve_order(self, order_id)", STC_LEARN_ACTION},
        {"def updte_person(self, person_id)", STC_LEARN_NEAR_MISS},
        {"def regster_person(self, name)", STC_LEARN_NEAR_MISS},
        {"def ping_server(self)", STC_LEARN_UNCLASSIFIED},
        {"async def register_order(self, items)", STC_LEARN_ASYNC_REST},
        {"def on_connect(self, url, connection_id)", STC_LEARN_WS_SPECIAL},
        {"def on_message(self, url, connection_id, text)", STC_LEARN_WS_ROUTE},
        {"def __init__(self)", STC_LEARN_INIT},
        {"def get_day(self, day_id)", STC_LEARN_IES},
        {"def get_roof(self, roof_id)", STC_LEARN_VES},
        {"def list_news(self)", STC_LEARN_UNCOUNTABLE},
    };
    for (size_t i = 0; i < STC_ARRAY_LEN(cases); i++) {
        stc_learn_truth t;
        compile_ok(cases[i].sig, &t);
        stc_learn_rule got = stc_learn_rule_of(&t);
        if (got != cases[i].rule)
            fail_msg("'%s': rule %s, expected %s", cases[i].sig, stc_learn_rule_key(got),
                     stc_learn_rule_key(cases[i].rule));
        assert_int_equal(stc_learn_rule_of_unit(t.svc, t.unit), cases[i].rule);
        stc_learn_truth_free(&t);
    }

    char *s = stc_learn_rule_statement(STC_LEARN_VERB_READ);
    assert_string_equal(s, "The read verbs (get, read, fetch, retrieve, show, describe, load, view, find) make GET "
                           "on the item (collection when the entity is plural) (section 3, verb vocabulary).");
    free(s);
    s = stc_learn_rule_statement(STC_LEARN_NESTED);
    const char *head = "An entity <parent>_<child> with a <parent>_id parameter nests: ";
    assert_true(strncmp(s, head, strlen(head)) == 0);
    free(s);

    stc_learn_truth t;
    compile_ok("def get_person(self, person_id)", &t);
    assert_true(stc_learn_reversible(&t));
    stc_learn_truth_free(&t);
    compile_ok("async def register_order(self, items)", &t);
    assert_false(stc_learn_reversible(&t));
    stc_learn_truth_free(&t);
    compile_ok("def _send_email(self, a)", &t);
    assert_false(stc_learn_reversible(&t));
    stc_learn_truth_free(&t);
    compile_ok("def on_message(self, url, connection_id)", &t);
    assert_true(stc_learn_reversible(&t));
    stc_learn_truth_free(&t);
}

/* ---- scheduling ----------------------------------------------------------- */

static void test_sched_order(void **st)
{
    (void)st;
    bool all[STC_LEARN_RULE_COUNT];
    for (int r = 0; r < STC_LEARN_RULE_COUNT; r++)
        all[r] = true;
    stc_learnsched s;
    stc_learnsched_init(&s);
    /* new rules come in the order of the list */
    assert_int_equal(stc_learnsched_next(&s, all, NULL, -1), 0);
    /* wrong: box 1, due after one other answer: asked 1, due 1 + 2 - 1 = 2 */
    stc_learnsched_record(&s, 0, false);
    assert_int_equal(s.asked, 1);
    assert_int_equal(s.rules[0].box, 1);
    assert_int_equal(s.rules[0].due, 2);
    assert_int_equal(s.rules[0].wrong, 1);
    assert_int_equal(stc_learnsched_next(&s, all, NULL, 0), 1); /* rule 0 not due yet: a new one */
    /* right at first sight: box 2, due 2 + 4 - 1 = 5 */
    stc_learnsched_record(&s, 1, true);
    assert_int_equal(s.rules[1].box, 2);
    assert_int_equal(s.rules[1].due, 5);
    assert_int_equal(stc_learnsched_next(&s, all, NULL, 1), 0); /* asked 2: rule 0 is due, before new ones */
    stc_learnsched_record(&s, 0, true);                         /* box 1 -> 2, due 3 + 3 = 6 */
    assert_int_equal(s.rules[0].box, 2);
    assert_int_equal(s.rules[0].due, 6);
    assert_int_equal(stc_learnsched_next(&s, all, NULL, 0), 2); /* asked 3: nothing due, rule 2 is new */
    stc_learnsched_record(&s, 2, true);                         /* due 4 + 3 = 7 */
    assert_int_equal(stc_learnsched_next(&s, all, NULL, 2), 3); /* asked 4 */
    stc_learnsched_record(&s, 3, true);                         /* due 5 + 3 = 8 */
    assert_int_equal(stc_learnsched_next(&s, all, NULL, 3), 1); /* asked 5: rule 1 is due (5) */

    /* the preferred new rules (a module's) come first */
    bool prefer[STC_LEARN_RULE_COUNT] = {0};
    prefer[5] = prefer[9] = true;
    stc_learnsched_init(&s);
    assert_int_equal(stc_learnsched_next(&s, all, prefer, -1), 5);
    stc_learnsched_record(&s, 5, true);
    assert_int_equal(stc_learnsched_next(&s, all, prefer, 5), 9);
    stc_learnsched_record(&s, 9, true);
    assert_int_equal(stc_learnsched_next(&s, all, prefer, 9), 0);

    /* the rule just asked is not asked again when another can be */
    bool two[STC_LEARN_RULE_COUNT] = {0};
    two[4] = two[7] = true;
    stc_learnsched_init(&s);
    stc_learnsched_record(&s, 4, false); /* asked 1, due 2 */
    stc_learnsched_record(&s, 7, false); /* asked 2, due 3 */
    assert_int_equal(stc_learnsched_next(&s, two, NULL, 4), 7); /* 4 is due but was just asked */
    assert_int_equal(stc_learnsched_next(&s, two, NULL, 7), 4);
    bool one[STC_LEARN_RULE_COUNT] = {0};
    one[4] = true;
    assert_int_equal(stc_learnsched_next(&s, one, NULL, 4), 4); /* nothing else to ask */
    bool none[STC_LEARN_RULE_COUNT] = {0};
    assert_int_equal(stc_learnsched_next(&s, none, NULL, -1), -1);

    /* when every rule was asked and none is due: the one due soonest */
    stc_learnsched_init(&s);
    stc_learnsched_record(&s, 4, true); /* asked 1, box 2, due 1 + 3 = 4 */
    stc_learnsched_record(&s, 7, true); /* asked 2, box 2, due 2 + 3 = 5 */
    assert_int_equal(stc_learnsched_next(&s, two, NULL, 7), 4);
    assert_int_equal(stc_learnsched_next(&s, two, NULL, 4), 7);
}

static void test_sched_boxes(void **st)
{
    (void)st;
    stc_learnsched s;
    stc_learnsched_init(&s);
    /* right every time: boxes 2, 3, 4, 5, 5; mastered from the fourth */
    const int boxes[] = {2, 3, 4, 5, 5};
    const long dues[] = {1 + 3, 2 + 7, 3 + 15, 4 + 31, 5 + 31};
    for (int i = 0; i < 5; i++) {
        stc_learnsched_record(&s, 2, true);
        assert_int_equal(s.rules[2].box, boxes[i]);
        assert_int_equal(s.rules[2].due, dues[i]);
        assert_int_equal(stc_learnsched_mastered(&s.rules[2]), i >= 3);
    }
    assert_int_equal(stc_learnsched_mastered_count(&s), 1);
    stc_learnsched_record(&s, 2, false); /* back to box 1: asked 6, due 6 + 1 */
    assert_int_equal(s.rules[2].box, 1);
    assert_int_equal(s.rules[2].due, 7);
    assert_int_equal(s.rules[2].right, 5);
    assert_int_equal(s.rules[2].wrong, 1);
    assert_int_equal(stc_learnsched_mastered_count(&s), 0);
}

/* ---- the progress file ----------------------------------------------------- */

static void expect_parse_error(const char *text, const char *expected)
{
    stc_learnsched s;
    char *err = NULL;
    assert_int_equal(stc_learnsched_parse(text, strlen(text), &s, &err), -1);
    assert_string_equal(err, expected);
    assert_int_equal(s.asked, 0); /* fresh */
    free(err);
}

static void test_progress_json(void **st)
{
    (void)st;
    const char *text = "{\"version\": 1, \"asked\": 4, \"rules\": {\"verb-read\": {\"box\": 3, \"due\": 10, "
                       "\"right\": 2, \"wrong\": 1}, \"no-such-rule\": {\"box\": 9}}}";
    stc_learnsched s;
    char *err = NULL;
    assert_int_equal(stc_learnsched_parse(text, strlen(text), &s, &err), 0);
    assert_int_equal(s.asked, 4);
    assert_int_equal(s.rules[STC_LEARN_VERB_READ].box, 3);
    assert_int_equal(s.rules[STC_LEARN_VERB_READ].due, 10);
    assert_int_equal(s.rules[STC_LEARN_VERB_READ].right, 2);
    assert_int_equal(s.rules[STC_LEARN_VERB_READ].wrong, 1);
    assert_int_equal(s.rules[STC_LEARN_VERB_CREATE].box, 0);

    /* written back: only the rules asked, under their keys, and read the same */
    char *json = stc_learnsched_json(&s);
    assert_non_null(strstr(json, "\"verb-read\""));
    assert_null(strstr(json, "\"verb-create\""));
    assert_null(strstr(json, "no-such-rule"));
    stc_learnsched back;
    assert_int_equal(stc_learnsched_parse(json, strlen(json), &back, &err), 0);
    assert_memory_equal(&back, &s, sizeof s);
    free(json);

    expect_parse_error("{\"version\": 1,\n \"asked\": }", "line 2, column 11: not valid JSON");
    expect_parse_error("", "line 1, column 1: not valid JSON");
    expect_parse_error("[]", "not a JSON object");
    expect_parse_error("{\"version\": 2, \"asked\": 0, \"rules\": {}}", "\"version\" is not 1");
    expect_parse_error("{\"asked\": 0, \"rules\": {}}", "\"version\" is not 1");
    expect_parse_error("{\"version\": 1, \"asked\": -1, \"rules\": {}}", "\"asked\" is not a whole number >= 0");
    expect_parse_error("{\"version\": 1, \"asked\": 1.5, \"rules\": {}}", "\"asked\" is not a whole number >= 0");
    expect_parse_error("{\"version\": 1, \"asked\": 0, \"rules\": []}", "\"rules\" is not an object");
    expect_parse_error("{\"version\": 1, \"asked\": 0, \"rules\": {\"verb-read\": {\"box\": 6, \"due\": 0, "
                       "\"right\": 0, \"wrong\": 0}}}",
                       "rule \"verb-read\": \"box\" is not a whole number from 0 to 5");
    expect_parse_error("{\"version\": 1, \"asked\": 0, \"rules\": {\"verb-read\": {\"box\": 1, \"due\": 0, "
                       "\"right\": 0}}}",
                       "rule \"verb-read\": \"wrong\" is not a whole number >= 0");
    expect_parse_error("{\"version\": 1, \"asked\": 0, \"rules\": {\"verb-read\": 3}}",
                       "rule \"verb-read\": is not an object");
}

static void test_progress_files(void **st)
{
    (void)st;
    const char *tmp = getenv("TMPDIR");
    char *tmpl = stc_xasprintf("%s/stc-learn-test.XXXXXX", tmp && *tmp ? tmp : ".");
    char *dir = mkdtemp(tmpl);
    assert_non_null(dir);
    char *path = stc_xasprintf("%s/state/stc-tui/learn.json", dir);
    stc_learnsched s, back;
    char *msg = NULL, *err = NULL;
    /* no file: a fresh start, no message */
    assert_int_equal(stc_learnsched_load(path, &back, &msg), 1);
    assert_null(msg);
    /* saved (folders created) and read back */
    stc_learnsched_init(&s);
    stc_learnsched_record(&s, STC_LEARN_NESTED, false);
    stc_learnsched_record(&s, STC_LEARN_ACTION, true);
    assert_int_equal(stc_learnsched_save(path, &s, &err), 0);
    assert_int_equal(stc_learnsched_load(path, &back, &msg), 0);
    assert_null(msg);
    assert_memory_equal(&back, &s, sizeof s);
    /* not progress: a message, a fresh start, the file kept aside */
    char *bad = stc_xasprintf("%s.bad", path);
    assert_int_equal(stc_file_write_atomic(path, "{\"version\": 1, \"asked\": \"x\"", 27, &err), 0);
    assert_int_equal(stc_learnsched_load(path, &back, &msg), -1);
    assert_string_equal(msg, "learn.json is not learn progress (line 1, column 28: not valid JSON): starting "
                             "afresh; the old file is kept as learn.json.bad");
    free(msg);
    assert_int_equal(back.asked, 0);
    assert_int_equal(access(path, F_OK), -1);
    assert_int_equal(access(bad, F_OK), 0);
    /* not readable (a folder): a message and a fresh start */
    assert_int_equal(mkdir(path, 0700), 0);
    assert_int_equal(stc_learnsched_load(path, &back, &msg), -1);
    assert_non_null(strstr(msg, "starting afresh"));
    free(msg);
    /* ... and a save there fails with a message, leaving nothing behind */
    assert_int_equal(stc_learnsched_save(path, &s, &err), -1);
    assert_non_null(err);
    free(err);
    rmdir(path);
    unlink(bad);
    free(bad);
    char *cmd = stc_xasprintf("rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
    free(cmd);
    free(path);
    free(tmpl);

    /* where the file is */
    setenv("XDG_STATE_HOME", "/srv/state", 1);
    setenv("HOME", "/home/ann", 1);
    char *p = stc_learnsched_path();
    assert_string_equal(p, "/srv/state/stc-tui/learn.json");
    free(p);
    setenv("XDG_STATE_HOME", "relative/state", 1); /* not absolute: ignored, as the XDG spec says */
    p = stc_learnsched_path();
    assert_string_equal(p, "/home/ann/.local/state/stc-tui/learn.json");
    free(p);
    unsetenv("XDG_STATE_HOME");
    p = stc_learnsched_path();
    assert_string_equal(p, "/home/ann/.local/state/stc-tui/learn.json");
    free(p);
    unsetenv("HOME");
    assert_null(stc_learnsched_path());
}

int main(void)
{
    setlocale(LC_ALL, "C.UTF-8");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_compile_answers), cmocka_unit_test(test_compile_errors_and_signatures),
        cmocka_unit_test(test_parse_routes),    cmocka_unit_test(test_parse_kinds_and_keys),
        cmocka_unit_test(test_judge_tolerance), cmocka_unit_test(test_judge_diffs),
        cmocka_unit_test(test_judge_names),     cmocka_unit_test(test_rules),
        cmocka_unit_test(test_sched_order),     cmocka_unit_test(test_sched_boxes),
        cmocka_unit_test(test_progress_json),   cmocka_unit_test(test_progress_files),
    };
    int r = cmocka_run_group_tests(tests, NULL, NULL);
    stc_py_finalize();
    return r;
}
