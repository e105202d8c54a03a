/* test_classify.c - method names -> kinds, per docs/naming-convention.md
 * section 1. Each case is one method in a one-class module; the expected
 * kind, unit, diagnostic code and hint were worked out from the convention. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/parse.h"
#include "core/service.h"
#include "core/util.h"

typedef struct {
    const char *decorator; /* NULL or "staticmethod" */
    const char *def;       /* "def name(self, ...)" or "async def ..." */
    stc_method_kind kind;
    stc_unit_type unit;
    const char *code;      /* the warning/error code expected, or NULL for none */
    const char *hint;      /* a substring of the hint, or NULL */
    const char *explain;   /* a substring of the explanation, or NULL */
} stc_case;

#define K(x) STC_KIND_##x
#define U(x) STC_UNIT_##x

static const stc_case cases[] = {
    /* init and dunders */
    {NULL, "def __init__(self, table: str = 'x')", K(INIT), U(NONE), NULL, NULL, "constructor"},
    {NULL, "async def __init__(self)", K(INIT), U(NONE), "STC110", "def __init__", NULL},
    {NULL, "def __repr__(self)", K(IGNORED), U(NONE), NULL, NULL, "dunder"},
    {NULL, "def __eq__(self, other)", K(IGNORED), U(NONE), NULL, NULL, "dunder"},
    /* helpers */
    {NULL, "def __slug(self, s)", K(HELPER), U(NONE), NULL, NULL, "two leading underscores"},
    {NULL, "def __private_thing(self)", K(HELPER), U(NONE), NULL, NULL, "helper"},
    {NULL, "async def __slug(self)", K(HELPER), U(NONE), "STC111", "_slug", NULL},
    /* internal functions and workflows */
    {NULL, "def _send_email(self, address)", K(FUNCTION), U(LAMBDA), NULL, NULL, "internal function"},
    {NULL, "def _helper_thing(self)", K(FUNCTION), U(LAMBDA), NULL, NULL, NULL},
    {NULL, "async def _onboard(self, person_id)", K(FUNCTION), U(STATE_MACHINE), NULL, NULL, "state machine"},
    {NULL, "def _(self)", K(UNCLASSIFIED), U(NONE), NULL, NULL, "no name"},
    /* websocket */
    {NULL, "def on_connect(self, url, connection_id)", K(WEBSOCKET), U(LAMBDA), NULL, NULL, "\"$connect\""},
    {NULL, "def on_disconnect(self, url, connection_id)", K(WEBSOCKET), U(LAMBDA), NULL, NULL, "\"$disconnect\""},
    {NULL, "def on_default(self, url, connection_id)", K(WEBSOCKET), U(LAMBDA), NULL, NULL, "\"$default\""},
    {NULL, "def on_message(self, url, connection_id, text)", K(WEBSOCKET), U(LAMBDA), NULL, NULL, "\"message\""},
    {NULL, "async def on_message(self, url, connection_id, text)", K(WEBSOCKET), U(STATE_MACHINE), NULL, NULL, "state machine"},
    /* create */
    {NULL, "def register_person(self, name, age)", K(REST), U(LAMBDA), NULL, NULL, "create verb -> POST"},
    {NULL, "def add_item(self, name)", K(REST), U(LAMBDA), NULL, NULL, "create verb"},
    {NULL, "def new_game(self)", K(REST), U(LAMBDA), NULL, NULL, "create verb"},
    {NULL, "def insert_row(self, values)", K(REST), U(LAMBDA), NULL, NULL, "create verb"},
    {NULL, "def submit_form(self, fields)", K(REST), U(LAMBDA), NULL, NULL, "create verb"},
    {NULL, "def post_comment(self, text)", K(REST), U(LAMBDA), NULL, NULL, "create verb"},
    {NULL, "def make_booking(self, day)", K(REST), U(LAMBDA), NULL, NULL, "create verb"},
    {NULL, "def enroll_student(self, name)", K(REST), U(LAMBDA), NULL, NULL, "create verb"},
    {NULL, "def subscribe_user(self, email)", K(REST), U(LAMBDA), NULL, NULL, "create verb"},
    {NULL, "def upload_file(self, data: bytes)", K(REST), U(LAMBDA), NULL, NULL, "create verb"},
    {NULL, "async def create_report(self, title)", K(REST), U(STATE_MACHINE), NULL, NULL, "202"},
    /* read */
    {NULL, "def get_person(self, person_id)", K(REST), U(LAMBDA), NULL, NULL, "read verb -> GET"},
    {NULL, "def read_book(self, book_id)", K(REST), U(LAMBDA), NULL, NULL, "read verb"},
    {NULL, "def fetch_page(self, url)", K(REST), U(LAMBDA), NULL, NULL, "read verb"},
    {NULL, "def retrieve_record(self, id)", K(REST), U(LAMBDA), NULL, NULL, "read verb"},
    {NULL, "def show_profile(self, profile_id)", K(REST), U(LAMBDA), NULL, NULL, "read verb"},
    {NULL, "def describe_table(self, name)", K(REST), U(LAMBDA), NULL, NULL, "read verb"},
    {NULL, "def load_config(self)", K(REST), U(LAMBDA), NULL, NULL, "read verb"},
    {NULL, "def view_report(self, report_id)", K(REST), U(LAMBDA), NULL, NULL, "read verb"},
    {NULL, "def find_user(self, email)", K(REST), U(LAMBDA), NULL, NULL, "read verb"},
    {NULL, "def get_person_order(self, person_id, order_id)", K(REST), U(LAMBDA), NULL, NULL, "entity \"person_order\""},
    /* list */
    {NULL, "def list_people(self, limit: int = 10)", K(REST), U(LAMBDA), NULL, NULL, "list verb -> GET"},
    {NULL, "def search_invoices(self, customer, year: int)", K(REST), U(LAMBDA), NULL, NULL, "list verb"},
    {NULL, "def query_logs(self, since)", K(REST), U(LAMBDA), NULL, NULL, "list verb"},
    {NULL, "def browse_products(self)", K(REST), U(LAMBDA), NULL, NULL, "list verb"},
    /* replace */
    {NULL, "def update_address(self, address_id, street)", K(REST), U(LAMBDA), NULL, NULL, "replace verb -> PUT"},
    {NULL, "def put_object(self, key, body)", K(REST), U(LAMBDA), NULL, NULL, "replace verb"},
    {NULL, "def replace_part(self, part_id, part)", K(REST), U(LAMBDA), NULL, NULL, "replace verb"},
    {NULL, "def set_price(self, price_id, amount: float)", K(REST), U(LAMBDA), NULL, NULL, "replace verb"},
    {NULL, "def save_draft(self, draft_id, text)", K(REST), U(LAMBDA), NULL, NULL, "replace verb"},
    {NULL, "def store_blob(self, blob_id, data)", K(REST), U(LAMBDA), NULL, NULL, "replace verb"},
    /* modify */
    {NULL, "def patch_user(self, user_id, name)", K(REST), U(LAMBDA), NULL, NULL, "modify verb -> PATCH"},
    {NULL, "def modify_plan(self, plan_id, tier)", K(REST), U(LAMBDA), NULL, NULL, "modify verb"},
    {NULL, "def change_password(self, password_id, value)", K(REST), U(LAMBDA), NULL, NULL, "modify verb"},
    {NULL, "def edit_post(self, post_id, text)", K(REST), U(LAMBDA), NULL, NULL, "modify verb"},
    {NULL, "def amend_contract(self, contract_id, clause)", K(REST), U(LAMBDA), NULL, NULL, "modify verb"},
    {NULL, "def rename_box(self, box_id, label)", K(REST), U(LAMBDA), NULL, NULL, "modify verb"},
    /* delete */
    {NULL, "def delete_order(self, order_id)", K(REST), U(LAMBDA), NULL, NULL, "delete verb -> DELETE"},
    {NULL, "def remove_member(self, member_id)", K(REST), U(LAMBDA), NULL, NULL, "delete verb"},
    {NULL, "def unregister_person(self, person_id)", K(REST), U(LAMBDA), NULL, NULL, "delete verb"},
    {NULL, "def drop_table(self, name)", K(REST), U(LAMBDA), NULL, NULL, "delete verb"},
    {NULL, "def destroy_session(self, session_id)", K(REST), U(LAMBDA), NULL, NULL, "delete verb"},
    {NULL, "def erase_data(self)", K(REST), U(LAMBDA), NULL, NULL, "delete verb"},
    {NULL, "def cancel_booking(self, booking_id)", K(REST), U(LAMBDA), NULL, NULL, "delete verb"},
    {NULL, "def unsubscribe_user(self, user_id)", K(REST), U(LAMBDA), NULL, NULL, "delete verb"},
    {NULL, "def withdraw_application(self, application_id)", K(REST), U(LAMBDA), NULL, NULL, "delete verb"},
    {NULL, "def delete_orders(self)", K(REST), U(LAMBDA), NULL, NULL, "entity \"orders\""},
    /* action verbs: unknown verb + <entity>_id or id parameter */
    {NULL, "def approve_order(self, order_id, note)", K(REST), U(LAMBDA), NULL, NULL, "action verb"},
    {NULL, "def ship_package(self, id)", K(REST), U(LAMBDA), NULL, NULL, "id parameter id"},
    {NULL, "def export_report(self, report_id)", K(REST), U(LAMBDA), NULL, NULL, "/export"},
    {NULL, "def updte_person(self, person_id)", K(REST), U(LAMBDA), "STC132", "update_person", "action verb"},
    /* near misses and the unclassified */
    {NULL, "def regster_member(self, name)", K(UNCLASSIFIED), U(NONE), "STC131", "did you mean register_member?", NULL},
    {NULL, "def lst_people(self)", K(UNCLASSIFIED), U(NONE), "STC131", "did you mean list_people?", NULL},
    {NULL, "def delet_order(self, name)", K(UNCLASSIFIED), U(NONE), "STC131", "did you mean delete_order?", NULL},
    {NULL, "def frobnicate_widget(self)", K(UNCLASSIFIED), U(NONE), "STC131", "widget_id", NULL},
    {NULL, "def health(self)", K(UNCLASSIFIED), U(NONE), "STC130", "_health", NULL},
    {NULL, "def get(self)", K(UNCLASSIFIED), U(NONE), "STC130", "get_<entity>", NULL},
    {NULL, "def onmessage(self, url, connection_id)", K(UNCLASSIFIED), U(NONE), "STC130", "on_message", NULL},
    {NULL, "def getPerson(self, person_id)", K(UNCLASSIFIED), U(NONE), "STC130", "snake_case", NULL},
    {NULL, "def get__person(self)", K(UNCLASSIFIED), U(NONE), "STC130", "snake_case", NULL},
    {NULL, "def on_(self)", K(UNCLASSIFIED), U(NONE), "STC130", NULL, NULL},
    /* decorated members */
    {"staticmethod", "def get_thing(x)", K(IGNORED), U(NONE), NULL, NULL, "@staticmethod"},
    {"classmethod", "def list_things(cls)", K(IGNORED), U(NONE), NULL, NULL, "@classmethod"},
    {"property", "def get_name(self)", K(IGNORED), U(NONE), NULL, NULL, "@property"},
    {"functools.cached_property", "def total(self)", K(IGNORED), U(NONE), NULL, NULL, "cached_property"},
};

static void run_case(const stc_case *c)
{
    stc_buf src = STC_BUF_INIT;
    stc_buf_puts(&src, "import functools\n\nclass S:\n");
    if (c->decorator)
        stc_buf_printf(&src, "    @%s\n", c->decorator);
    stc_buf_printf(&src, "    %s:\n        pass\n", c->def);
    stc_service_options opts = {0};
    stc_service *svc = stc_service_compile_source("case.py", src.data, src.len, &opts);
    assert_non_null(svc->module);
    assert_int_equal(svc->nunits, 1);
    const stc_unit_info *u = &svc->units[0];
    if (u->kind != c->kind || u->unit != c->unit)
        print_error("case '%s': kind %s unit %s\n", c->def, stc_kind_json(u->kind), stc_unit_json(u->unit));
    assert_int_equal(u->kind, c->kind);
    assert_int_equal(u->unit, c->unit);
    assert_int_equal(u->is_async, strncmp(c->def, "async ", 6) == 0);
    const stc_diag *found = NULL;
    size_t serious = 0;
    for (size_t i = 0; i < svc->diags.count; i++) {
        const stc_diag *dg = &svc->diags.items[i];
        if (dg->severity == STC_SEV_NOTE)
            continue;
        serious++;
        if (c->code && strcmp(dg->code, c->code) == 0)
            found = dg;
    }
    if (c->code) {
        if (!found)
            print_error("case '%s': no %s diagnostic\n", c->def, c->code);
        assert_non_null(found);
        assert_int_equal(serious, 1);
        /* Diagnostics point at the def line (line 4, or 5 after a decorator). */
        assert_int_equal(found->line, c->decorator ? 5 : 4);
        assert_true(found->col == 5 || found->col == 9 || found->col == 15);
        if (c->hint) {
            if (!found->hint || !strstr(found->hint, c->hint))
                print_error("case '%s': hint '%s' lacks '%s'\n", c->def, found->hint ? found->hint : "(none)", c->hint);
            assert_non_null(found->hint);
            assert_non_null(strstr(found->hint, c->hint));
        }
    } else {
        if (serious)
            print_error("case '%s': unexpected %s %s\n", c->def, svc->diags.items[0].code, svc->diags.items[0].message);
        assert_int_equal(serious, 0);
    }
    if (c->explain) {
        if (!strstr(u->explain, c->explain))
            print_error("case '%s': explain '%s' lacks '%s'\n", c->def, u->explain, c->explain);
        assert_non_null(strstr(u->explain, c->explain));
    }
    /* Every explanation starts with the method name. */
    assert_int_equal(strncmp(u->explain, u->method->name, strlen(u->method->name)), 0);
    stc_service_free(svc);
    stc_buf_free(&src);
}

static void test_cases(void **state)
{
    (void)state;
    for (size_t i = 0; i < STC_ARRAY_LEN(cases); i++)
        run_case(&cases[i]);
    print_message("%zu classification cases\n", STC_ARRAY_LEN(cases));
    assert_true(STC_ARRAY_LEN(cases) >= 40);
}

static void compile_expect(const char *src, const char *code, int line, int col, size_t nunits)
{
    stc_service_options opts = {0};
    stc_service *svc = stc_service_compile_source("m.py", src, strlen(src), &opts);
    assert_true(svc->diags.count >= 1);
    assert_string_equal(svc->diags.items[0].code, code);
    assert_int_equal(svc->diags.items[0].line, line);
    assert_int_equal(svc->diags.items[0].col, col);
    assert_int_equal(svc->nunits, nunits);
    stc_service_free(svc);
}

static void test_module_level(void **state)
{
    (void)state;
    compile_expect("", "STC101", 0, 0, 0);
    compile_expect("x = 1\n", "STC101", 1, 1, 0);
    compile_expect("class A:\n    x = 1\n", "STC102", 1, 1, 0);
    /* The last class is the service. */
    stc_service_options opts = {0};
    const char *src = "class E(Exception):\n    pass\n\nclass Svc:\n    def get_x(self, x_id):\n        pass\n";
    stc_service *svc = stc_service_compile_source("m.py", src, strlen(src), &opts);
    assert_string_equal(stc_service_name(svc), "Svc");
    assert_int_equal(svc->nunits, 1);
    stc_service_free(svc);
    /* A method defined twice. */
    compile_expect("class A:\n    def get_x(self, x_id):\n        pass\n    def get_x(self, x_id):\n        pass\n",
                   "STC103", 4, 5, 2);
}

static void test_closest_verb(void **state)
{
    (void)state;
    assert_string_equal(stc_naming_closest_verb("regster"), "register");
    assert_string_equal(stc_naming_closest_verb("updat"), "update");
    assert_string_equal(stc_naming_closest_verb("lst"), "list");
    assert_null(stc_naming_closest_verb("frobnicate"));
    assert_null(stc_naming_closest_verb("ab"));
    assert_int_equal(stc_naming_verb_group("register"), STC_VERB_CREATE);
    assert_int_equal(stc_naming_verb_group("withdraw"), STC_VERB_DELETE);
    assert_int_equal(stc_naming_verb_group("approve"), STC_VERB_NONE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_module_level),
        cmocka_unit_test(test_closest_verb),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    stc_py_finalize();
    return rc;
}
