/* test_ir.c - the IR of a representative module, node by node.
 * Expected dumps are written by hand from the source below: lines and
 * columns count from 1, columns in code points, end columns exclusive. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/parse.h"
#include "core/util.h"

static const char SRC[] =
    "import json\n"                                         /* 1 */
    "from asyncio import sleep as nap\n"                    /* 2 */
    "LIMIT: int = 3\n"                                      /* 3 */
    "\n"                                                    /* 4 */
    "class Err(Exception):\n"                               /* 5 */
    "    pass\n"                                            /* 6 */
    "\n"                                                    /* 7 */
    "class Svc:\n"                                          /* 8 */
    "    @staticmethod\n"                                   /* 9 */
    "    def util(a): pass\n"                               /* 10 */
    "    def get_item(self, item_id: str, *, limit: int = 10) -> dict:\n" /* 11 */
    "        return self.items[item_id]\n"                  /* 12 */
    "    async def _flow(self, n, d={}):\n"                 /* 13 */
    "        while n > 0:\n"                                /* 14 */
    "            n -= 1\n"                                  /* 15 */
    "            if n == 2 and not d:\n"                    /* 16 */
    "                break\n"                               /* 17 */
    "            await nap(1)\n"                            /* 18 */
    "        x = [self._f(i) for i in range(n)]\n"          /* 19 */
    "        return f\"{n}-{x!r}\"\n"                       /* 20 */
    "    def _g(self):\n"                                   /* 21 */
    "        s = \"\xc3\xa9\xc3\xa9\"; t = None\n"          /* 22: s = "éé"; t = None */
    "        match s:\n"                                    /* 23 */
    "            case _:\n"                                 /* 24 */
    "                pass\n";                               /* 25 */

static stc_module *mod;
static stc_diags diags = STC_DIAGS_INIT;

static int setup(void **state)
{
    (void)state;
    mod = stc_parse_source("svc.py", SRC, sizeof SRC - 1, &diags);
    return mod ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    stc_module_free(mod);
    stc_diags_free(&diags);
    return 0;
}

static void expect_dump(const stc_node *n, const char *expected)
{
    char *got = stc_node_dump(n);
    if (strcmp(got, expected) != 0)
        print_error("expected:\n%s\ngot:\n%s\n", expected, got);
    assert_string_equal(got, expected);
    free(got);
}

static void test_module_structure(void **state)
{
    (void)state;
    assert_int_equal(diags.count, 0);
    assert_int_equal(mod->body.count, 5);
    assert_int_equal(mod->imports.count, 2);
    assert_int_equal(mod->globals.count, 1);
    assert_int_equal(mod->nclasses, 2);
    assert_string_equal(mod->classes[0].name, "Err");
    assert_non_null(mod->service);
    assert_string_equal(mod->service->name, "Svc");
    assert_int_equal(mod->service->pos.line, 8);
    assert_int_equal(mod->service->nmethods, 4);
    expect_dump(mod->imports.items[0], "IMPORT 1:1-1:12\n  l1=ALIAS json 1:8-1:12\n");
    expect_dump(mod->imports.items[1],
                "IMPORT_FROM [asyncio] 2:1-2:33\n  l1=ALIAS sleep [nap] 2:21-2:33\n");
    expect_dump(mod->globals.items[0],
                "ANN_ASSIGN 3:1-3:15\n  a=NAME LIMIT 3:1-3:6\n  b=NAME int 3:8-3:11\n"
                "  c=CONSTANT 3 3:14-3:15\n");
}

static void test_alias_names(void **state)
{
    (void)state;
    const stc_node *alias = mod->imports.items[1]->l1.items[0];
    /* ALIAS: id = name, sval = asname. */
    assert_string_equal(alias->id, "sleep");
    assert_string_equal(alias->sval, "nap");
}

static void test_methods_and_params(void **state)
{
    (void)state;
    const stc_method *util = &mod->service->methods[0];
    assert_string_equal(util->name, "util");
    assert_int_equal(util->ndecorators, 1);
    assert_string_equal(util->decorators[0], "staticmethod");
    assert_int_equal(util->pos.line, 10);
    assert_int_equal(util->pos.col, 5);

    const stc_method *get = &mod->service->methods[1];
    assert_string_equal(get->name, "get_item");
    assert_false(get->is_async);
    assert_string_equal(get->self_name, "self");
    assert_int_equal(get->nparams, 2);
    assert_string_equal(get->params[0].name, "item_id");
    assert_string_equal(get->params[0].annotation, "str");
    assert_null(get->params[0].default_text);
    assert_false(get->params[0].kwonly);
    assert_string_equal(get->params[1].name, "limit");
    assert_string_equal(get->params[1].annotation, "int");
    assert_string_equal(get->params[1].default_text, "10");
    assert_true(get->params[1].kwonly);
    assert_string_equal(get->returns, "dict");
    assert_int_equal(get->name_pos.line, 11);
    assert_int_equal(get->name_pos.col, 9);
    assert_int_equal(get->name_pos.end_col, 17);

    const stc_method *flow = &mod->service->methods[2];
    assert_true(flow->is_async);
    assert_int_equal(flow->name_pos.col, 15);
    assert_int_equal(flow->nparams, 2);
    assert_null(flow->params[0].annotation);
    assert_string_equal(flow->params[1].default_text, "{}");
}

static void test_get_item_body(void **state)
{
    (void)state;
    const stc_method *get = &mod->service->methods[1];
    assert_int_equal(get->body->count, 1);
    expect_dump(get->body->items[0],
                "RETURN 12:9-12:35\n"
                "  a=SUBSCRIPT 12:16-12:35\n"
                "    a=ATTRIBUTE items 12:16-12:26\n"
                "      a=NAME self 12:16-12:20\n"
                "    b=NAME item_id 12:27-12:34\n");
}

static void test_flow_body(void **state)
{
    (void)state;
    const stc_method *flow = &mod->service->methods[2];
    assert_int_equal(flow->body->count, 3);
    expect_dump(flow->body->items[0],
                "WHILE 14:9-18:25\n"
                "  a=COMPARE 14:15-14:20\n"
                "    a=NAME n 14:15-14:16\n"
                "    l1=CONSTANT 0 14:19-14:20\n"
                "    l2=OP >\n"
                "  l0=AUG_ASSIGN - 15:13-15:19\n"
                "    a=NAME n 15:13-15:14\n"
                "    b=CONSTANT 1 15:18-15:19\n"
                "  l0=IF 16:13-17:22\n"
                "    a=BOOL_OP and 16:16-16:32\n"
                "      l1=COMPARE 16:16-16:22\n"
                "        a=NAME n 16:16-16:17\n"
                "        l1=CONSTANT 2 16:21-16:22\n"
                "        l2=OP ==\n"
                "      l1=UNARY_OP not 16:27-16:32\n"
                "        a=NAME d 16:31-16:32\n"
                "    l0=BREAK 17:17-17:22\n"
                "  l0=EXPR 18:13-18:25\n"
                "    a=AWAIT 18:13-18:25\n"
                "      a=CALL 18:19-18:25\n"
                "        a=NAME nap 18:19-18:22\n"
                "        l1=CONSTANT 1 18:23-18:24\n");
    expect_dump(flow->body->items[1],
                "ASSIGN 19:9-19:43\n"
                "  a=LIST_COMP 19:13-19:43\n"
                "    a=CALL 19:14-19:24\n"
                "      a=ATTRIBUTE _f 19:14-19:21\n"
                "        a=NAME self 19:14-19:18\n"
                "      l1=NAME i 19:22-19:23\n"
                "    l1=COMPREHENSION\n"
                "      a=NAME i 19:29-19:30\n"
                "      b=CALL 19:34-19:42\n"
                "        a=NAME range 19:34-19:39\n"
                "        l1=NAME n 19:40-19:41\n"
                "  l1=NAME x 19:9-19:10\n");
    /* f"{n}-{x!r}": conversion 'r' is 114 in FormattedValue.level */
    const stc_node *ret = flow->body->items[2];
    assert_int_equal(ret->kind, STC_N_RETURN);
    const stc_node *js = ret->a;
    assert_int_equal(js->kind, STC_N_JOINED_STR);
    assert_int_equal(js->l1.count, 3);
    assert_int_equal(js->l1.items[0]->kind, STC_N_FORMATTED_VALUE);
    assert_int_equal(js->l1.items[0]->level, -1);
    assert_string_equal(js->l1.items[0]->a->id, "n");
    assert_int_equal(js->l1.items[1]->kind, STC_N_CONSTANT);
    assert_int_equal(js->l1.items[1]->cval.kind, STC_CONST_STR);
    assert_string_equal(js->l1.items[1]->sval, "-");
    assert_int_equal(js->l1.items[2]->level, 'r');
}

static void test_unicode_columns_and_unsupported(void **state)
{
    (void)state;
    const stc_method *g = &mod->service->methods[3];
    assert_int_equal(g->body->count, 3);
    /* s = "éé"; t = None -- "éé" is 4 bytes but 2 code points */
    expect_dump(g->body->items[0],
                "ASSIGN 22:9-22:17\n  a=CONSTANT '\xc3\xa9\xc3\xa9' 22:13-22:17\n  l1=NAME s 22:9-22:10\n");
    expect_dump(g->body->items[1],
                "ASSIGN 22:19-22:27\n  a=CONSTANT None 22:23-22:27\n  l1=NAME t 22:19-22:20\n");
    const stc_node *m = g->body->items[2];
    assert_int_equal(m->kind, STC_N_UNSUPPORTED);
    assert_string_equal(m->py_type, "Match");
    assert_int_equal(m->pos.line, 23);
    assert_int_equal(m->pos.col, 9);
    assert_int_equal(m->pos.end_line, 25);
    char *text = stc_module_text(mod, g->body->items[0]->a->pos);
    assert_string_equal(text, "\"\xc3\xa9\xc3\xa9\"");
    free(text);
}

static void test_constants(void **state)
{
    (void)state;
    static const char src[] = "x = [None, True, 7, 2.5, 'a\\x00b', b'\\x01', 99999999999999999999999, 1j, ...]\n";
    stc_diags d = STC_DIAGS_INIT;
    stc_module *m = stc_parse_source("c.py", src, sizeof src - 1, &d);
    assert_non_null(m);
    const stc_node *l = m->body.items[0]->a;
    assert_int_equal(l->l1.count, 9);
    assert_int_equal(l->l1.items[0]->cval.kind, STC_CONST_NONE);
    assert_int_equal(l->l1.items[1]->cval.kind, STC_CONST_BOOL);
    assert_true(l->l1.items[1]->cval.bval);
    assert_int_equal(l->l1.items[2]->cval.kind, STC_CONST_INT);
    assert_int_equal(l->l1.items[2]->cval.ival, 7);
    assert_int_equal(l->l1.items[3]->cval.kind, STC_CONST_FLOAT);
    assert_true(l->l1.items[3]->cval.fval == 2.5);
    assert_int_equal(l->l1.items[4]->cval.kind, STC_CONST_STR);
    assert_int_equal(l->l1.items[4]->slen, 3);
    assert_memory_equal(l->l1.items[4]->sval, "a\0b", 3);
    assert_int_equal(l->l1.items[5]->cval.kind, STC_CONST_BYTES);
    assert_int_equal(l->l1.items[5]->slen, 1);
    assert_int_equal(l->l1.items[6]->cval.kind, STC_CONST_BIGINT);
    assert_string_equal(l->l1.items[6]->sval, "99999999999999999999999");
    assert_int_equal(l->l1.items[7]->cval.kind, STC_CONST_COMPLEX);
    assert_string_equal(l->l1.items[7]->sval, "1j");
    assert_int_equal(l->l1.items[8]->cval.kind, STC_CONST_ELLIPSIS);
    stc_module_free(m);
    stc_diags_free(&d);
}

static void test_dict_unpack_and_try(void **state)
{
    (void)state;
    static const char src[] =
        "try:\n"
        "    y = {**a, 'k': 1}\n"
        "except (E, F) as e:\n"
        "    raise G('x') from e\n"
        "else:\n"
        "    pass\n"
        "finally:\n"
        "    del y\n";
    stc_diags d = STC_DIAGS_INIT;
    stc_module *m = stc_parse_source("t.py", src, sizeof src - 1, &d);
    assert_non_null(m);
    expect_dump(m->body.items[0],
                "TRY 1:1-8:10\n"
                "  l0=ASSIGN 2:5-2:22\n"
                "    a=DICT 2:9-2:22\n"
                "      l1=NULL\n"
                "      l1=CONSTANT 'k' 2:15-2:18\n"
                "      l2=NAME a 2:12-2:13\n"
                "      l2=CONSTANT 1 2:20-2:21\n"
                "    l1=NAME y 2:5-2:6\n"
                "  l1=EXCEPT_HANDLER e 3:1-4:24\n"
                "    a=TUPLE 3:8-3:14\n"
                "      l1=NAME E 3:9-3:10\n"
                "      l1=NAME F 3:12-3:13\n"
                "    l0=RAISE 4:5-4:24\n"
                "      a=CALL 4:11-4:17\n"
                "        a=NAME G 4:11-4:12\n"
                "        l1=CONSTANT 'x' 4:13-4:16\n"
                "      b=NAME e 4:23-4:24\n"
                "  l2=PASS 6:5-6:9\n"
                "  l3=DELETE 8:5-8:10\n"
                "    l1=NAME y 8:9-8:10\n");
    stc_module_free(m);
    stc_diags_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_module_structure),
        cmocka_unit_test(test_alias_names),
        cmocka_unit_test(test_methods_and_params),
        cmocka_unit_test(test_get_item_body),
        cmocka_unit_test(test_flow_body),
        cmocka_unit_test(test_unicode_columns_and_unsupported),
        cmocka_unit_test(test_constants),
        cmocka_unit_test(test_dict_unpack_and_try),
    };
    int rc = cmocka_run_group_tests(tests, setup, teardown);
    stc_py_finalize();
    return rc;
}
