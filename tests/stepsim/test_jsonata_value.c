/* test_jsonata_value.c - the JSONata value layer: numbers printed as
 * JavaScript prints them, objects in JavaScript key order, JSON.stringify's
 * output, deep equality, the JSON round-trip clone, the arena. Expected values
 * are JavaScript's (ECMA-262 Number::toString, JSON.stringify, property order). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "stepsim/jsonata/context.h"
#include "stepsim/jsonata/value.h"

static void expect_num(double d, const char *want)
{
    char out[32];
    size_t n = jn_num_format(d, out);
    assert_string_equal(out, want);
    assert_int_equal(n, strlen(want));
}

static void test_numbers(void **state)
{
    (void)state;
    expect_num(0, "0");
    expect_num(-0.0, "0");
    expect_num(1, "1");
    expect_num(-42, "-42");
    expect_num(0.1, "0.1");
    expect_num(0.1 + 0.2, "0.30000000000000004");
    expect_num(1.0 / 3, "0.3333333333333333");
    expect_num(123.456, "123.456");
    expect_num(1e21, "1e+21");
    expect_num(1e20, "100000000000000000000");
    expect_num(123456789012345680000.0, "123456789012345680000");
    expect_num(1.5e-7, "1.5e-7");
    expect_num(1e-7, "1e-7");
    expect_num(0.000001, "0.000001");
    expect_num(0.0000012345, "0.0000012345");
    expect_num(9007199254740993.0, "9007199254740992"); /* 2^53 + 1 is not a double */
    expect_num(-1.7976931348623157e308, "-1.7976931348623157e+308");
    expect_num(5e-324, "5e-324");
    expect_num(NAN, "NaN");
    expect_num(INFINITY, "Infinity");
    expect_num(-INFINITY, "-Infinity");
    expect_num(2.5, "2.5");
    expect_num(100.5e10, "1005000000000");
}

static const char *keys_of(jn_val *o, char *buf)
{
    buf[0] = '\0';
    for (size_t i = 0; i < o->u.o.len; i++) {
        if (i)
            strcat(buf, ",");
        strcat(buf, o->u.o.ents[i].key);
    }
    return buf;
}

static void test_object_order(void **state)
{
    (void)state;
    jn_ctx cx;
    jn_ctx_init(&cx);
    char buf[256];
    jn_val *o = jn_obj(&cx, 0);
    /* JavaScript: {b:1, 2:_, a:_, 10:_, 1:_, "01":_, "4294967295":_} has keys
     * 1, 2, 10 (array indices, ascending) then b, a, 01, 4294967295 in insertion order. */
    const char *ks[] = {"b", "2", "a", "10", "1", "01", "4294967295"};
    for (size_t i = 0; i < 7; i++)
        jn_obj_set(&cx, o, ks[i], strlen(ks[i]), jn_num(&cx, (double)i));
    assert_string_equal(keys_of(o, buf), "1,2,10,b,a,01,4294967295");
    /* replacing keeps the position */
    jn_obj_set(&cx, o, "b", 1, jn_true());
    assert_string_equal(keys_of(o, buf), "1,2,10,b,a,01,4294967295");
    assert_true(jn_obj_get(o, "b", 1) == jn_true());
    assert_int_equal((int)jn_obj_get(o, "10", 2)->u.n, 3);
    assert_null(jn_obj_get(o, "c", 1));
    assert_true(jn_obj_del(&cx, o, "2", 1));
    assert_false(jn_obj_del(&cx, o, "2", 1));
    assert_string_equal(keys_of(o, buf), "1,10,b,a,01,4294967295");

    /* many keys: the hash index answers like the linear search */
    jn_val *big = jn_obj(&cx, 0);
    char k[16];
    for (int i = 0; i < 500; i++) {
        snprintf(k, sizeof k, "k%d", i);
        jn_obj_set(&cx, big, k, strlen(k), jn_num(&cx, i));
    }
    for (int i = 0; i < 500; i += 7) {
        snprintf(k, sizeof k, "k%d", i);
        jn_val *v = jn_obj_get(big, k, strlen(k));
        assert_non_null(v);
        assert_int_equal((int)v->u.n, i);
    }
    assert_true(jn_obj_del(&cx, big, "k250", 4));
    assert_null(jn_obj_get(big, "k250", 4));
    assert_int_equal((int)jn_obj_get(big, "k499", 4)->u.n, 499);
    assert_int_equal(big->u.o.len, 499);
    jn_ctx_dispose(&cx);
}

static char *stringify(jn_val *v, int indent, bool p15)
{
    static char out[1024];
    stc_buf b = STC_BUF_INIT;
    jn_json_write(&b, v, indent, p15);
    snprintf(out, sizeof out, "%s", stc_buf_cstr(&b));
    stc_buf_free(&b);
    return out;
}

static void test_json(void **state)
{
    (void)state;
    jn_ctx cx;
    jn_ctx_init(&cx);
    cJSON *j = cJSON_Parse("{\"a\":[1,2.5,\"x\\n\\u0001\\\"\"],\"b\":{},\"c\":[],\"d\":null,"
                           "\"e\":true,\"a\":7}");
    jn_val *v = jn_from_cjson(&cx, j);
    cJSON_Delete(j);
    /* duplicate key: JSON.parse keeps the last value, at the first position */
    assert_string_equal(stringify(v, 0, false),
                        "{\"a\":7,\"b\":{},\"c\":[],\"d\":null,\"e\":true}");
    jn_val *arr = jn_arr(&cx, 0);
    jn_arr_push(&cx, arr, jn_num(&cx, 1));
    jn_arr_push(&cx, arr, jn_str_cstr(&cx, "x\n\x01\""));
    jn_val *inner = jn_obj(&cx, 0);
    jn_obj_set(&cx, inner, "k", 1, jn_num(&cx, 0.1 + 0.2));
    jn_obj_set(&cx, inner, "f", 1, jn_func_new(&cx, JN_FN_NATIVE, NULL));
    jn_arr_push(&cx, arr, inner);
    jn_arr_push(&cx, arr, jn_func_new(&cx, JN_FN_NATIVE, NULL));
    /* functions: left out of objects, null in arrays (JSON.stringify) */
    assert_string_equal(stringify(arr, 0, false),
                        "[1,\"x\\n\\u0001\\\"\",{\"k\":0.30000000000000004},null]");
    /* $string's replacer: toPrecision(15) on non-integers, and a function
     * becomes "" (jsonata-js: $string({"f": $sum, "g": [$sum]}) is
     * {"f":"","g":[""]}) */
    assert_string_equal(stringify(arr, 0, true), "[1,\"x\\n\\u0001\\\"\",{\"k\":0.3,\"f\":\"\"},\"\"]");
    /* an exact tie at the 16th digit rounds away from zero, as toPrecision does
     * (printf would round 123456789012344.5 to the even ...344) */
    assert_true(jn_num_round15(123456789012344.5) == 123456789012345.0);
    assert_true(jn_num_round15(-123456789012344.5) == -123456789012345.0);
    assert_true(jn_num_round15(0.1 + 0.2) == 0.3);
    assert_string_equal(stringify(arr, 2, false),
                        "[\n  1,\n  \"x\\n\\u0001\\\"\",\n  {\n    \"k\": 0.30000000000000004\n  },\n"
                        "  null\n]");
    jn_val *empty = jn_obj(&cx, 0);
    jn_obj_set(&cx, empty, "f", 1, jn_func_new(&cx, JN_FN_NATIVE, NULL));
    assert_string_equal(stringify(empty, 2, false), "{}");
    assert_string_equal(stringify(jn_num(&cx, NAN), 0, false), "null");

    /* to cJSON: the same tree (cJSON's own printer rounds 0.30000000000000004
     * to 0.3, so compare the values, not cJSON's text) */
    cJSON *back = jn_to_cjson(arr);
    assert_int_equal(cJSON_GetArraySize(back), 4);
    assert_true(cJSON_GetArrayItem(back, 0)->valuedouble == 1);
    assert_string_equal(cJSON_GetArrayItem(back, 1)->valuestring, "x\n\x01\"");
    assert_true(cJSON_GetObjectItem(cJSON_GetArrayItem(back, 2), "k")->valuedouble == 0.1 + 0.2);
    assert_null(cJSON_GetObjectItem(cJSON_GetArrayItem(back, 2), "f"));
    assert_true(cJSON_IsNull(cJSON_GetArrayItem(back, 3)));
    cJSON_Delete(back);
    assert_null(jn_to_cjson(NULL));
    assert_null(jn_parse_json(&cx, "{", 1));
    jn_ctx_dispose(&cx);
}

static void test_equal_clone(void **state)
{
    (void)state;
    jn_ctx cx;
    jn_ctx_init(&cx);
    jn_val *a = jn_parse_json(&cx, "{\"x\":[1,{\"y\":null}],\"z\":\"s\"}", 30);
    jn_val *b = jn_parse_json(&cx, "{\"z\":\"s\",\"x\":[1,{\"y\":null}]}", 30);
    jn_val *c = jn_parse_json(&cx, "{\"z\":\"s\",\"x\":[1,{\"y\":false}]}", 31);
    assert_true(jn_deep_equal(a, b));
    assert_false(jn_deep_equal(a, c));
    jn_val *nan = jn_num(&cx, NAN);
    assert_false(jn_deep_equal(nan, nan));
    assert_true(jn_deep_equal(NULL, NULL));
    assert_false(jn_deep_equal(NULL, jn_null()));
    jn_val *seq = jn_seq(&cx, 0);
    jn_arr_push(&cx, seq, a);
    jn_arr_push(&cx, seq, jn_func_new(&cx, JN_FN_NATIVE, NULL));
    jn_val *cl = jn_clone(&cx, seq);
    assert_int_equal(cl->flags, 0);
    assert_string_equal(stringify(cl, 0, false), "[{\"x\":[1,{\"y\":null}],\"z\":\"s\"},null]");
    assert_true(cl->u.a.items[0] != a);
    assert_true(jn_deep_equal(cl->u.a.items[0], a));
    jn_ctx_dispose(&cx);
}

static int deferred_runs;
static void count_run(void *p) { deferred_runs += *(int *)p; }

static void test_arena(void **state)
{
    (void)state;
    jn_ctx cx;
    jn_ctx_init(&cx);
    static int one = 1;
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < 20000; i++) {
            int *p = jn_alloc(&cx, 40);
            assert_int_equal(*p, 0);
            assert_int_equal((uintptr_t)p % 16, 0);
            *p = i;
        }
        char *big = jn_alloc(&cx, 1 << 20);
        assert_int_equal(big[(1 << 20) - 1], 0);
        jn_defer(&cx, count_run, &one);
        jn_defer(&cx, count_run, &one);
        jn_ctx_reset(&cx);
    }
    assert_int_equal(deferred_runs, 6);
    assert_int_equal(jn_str_cplen("a\xc3\xa9\xf0\x9f\x98\x80z", 8), 4);
    assert_int_equal(jn_str_cpoffset("a\xc3\xa9\xf0\x9f\x98\x80z", 8, 2), 3);
    assert_int_equal(jn_str_cpoffset("a\xc3\xa9\xf0\x9f\x98\x80z", 8, 9), 8);
    jn_ctx_dispose(&cx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_numbers),     cmocka_unit_test(test_object_order),
        cmocka_unit_test(test_json),        cmocka_unit_test(test_equal_clone),
        cmocka_unit_test(test_arena),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
