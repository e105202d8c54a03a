/* test_yaml_out.c - core/yaml_out: which strings must be quoted, and the
 * text of a small tree with CloudFormation short forms (written by hand). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "core/yaml_out.h"

static void test_needs_quotes(void **state)
{
    (void)state;
    /* Would read back as null, a boolean (YAML 1.1 or 1.2), a number or a
     * timestamp, or is empty. */
    const char *quoted[] = {"", "null", "NULL", "~", "true", "False", "yes", "No", "on", "OFF", "y", "N",
                            "0", "42", "-7", "+3", "3.12", ".5", "1e3", "1E-3", "0x1F", "0o17", "0b101",
                            ".inf", "-.Inf", ".NaN", "1_000", "_1", "1:30", "2010-09-09", "2026-11-27T23:00:00",
                            "=", "=x", "<<", "<x",
                            "."}; /* "." alone: quoted to be safe, as some YAML 1.1 readers took it for a float */
    for (size_t i = 0; i < sizeof quoted / sizeof *quoted; i++)
        if (!stc_yaml_out_needs_quotes(quoted[i]))
            fail_msg("'%s' should need quotes", quoted[i]);
    /* Plain strings, including near misses of the above. */
    const char *plain[] = {"nulls", "truth", "yess", "onion", "yn", "a1", "1a", "1.2.3", "0x", "1e", "e3",
                           "-", "+", "..", "2010-09", "201a-09-09", "x=1", "a<b", "PAY_PER_REQUEST",
                           "AWS::DynamoDB::Table", "get_person", "v1.0"};
    for (size_t i = 0; i < sizeof plain / sizeof *plain; i++)
        if (stc_yaml_out_needs_quotes(plain[i]))
            fail_msg("'%s' should not need quotes", plain[i]);
}

static void test_write(void **state)
{
    (void)state;
    const char *json =
        "{\"AWSTemplateFormatVersion\": \"2010-09-09\", \"Resources\": {\"T\": {\"Type\": \"AWS::DynamoDB::Table\","
        " \"Properties\": {\"Name\": {\"Fn::Sub\": \"${AWS::StackName}-t\"}, \"Arn\": {\"Fn::GetAtt\": [\"T\", \"Arn\"]},"
        " \"Ref\": {\"Ref\": \"X\"}, \"Tags\": [], \"N\": 3, \"F\": 0.5, \"B\": true, \"Z\": null,"
        " \"S\": \"yes\", \"L\": \"a\\nb\\n\", \"J\": {\"Fn::Join\": [\"\", [\"a\", \"b\"]]}}}}}";
    cJSON *root = cJSON_Parse(json);
    assert_non_null(root);
    stc_buf out = STC_BUF_INIT;
    stc_buf_puts(&out, "# kept\n");
    char *err = NULL;
    assert_int_equal(stc_yaml_out_write(root, STC_YAML_CFN_TAGS, &out, &err), 0);
    assert_null(err);
    assert_string_equal(out.data, "# kept\n"
                                  "AWSTemplateFormatVersion: '2010-09-09'\n"
                                  "Resources:\n"
                                  "  T:\n"
                                  "    Type: AWS::DynamoDB::Table\n"
                                  "    Properties:\n"
                                  "      Name: !Sub ${AWS::StackName}-t\n"
                                  "      Arn: !GetAtt T.Arn\n"
                                  "      Ref: !Ref X\n"
                                  "      Tags: []\n"
                                  "      'N': 3\n" /* a key too: n is a YAML 1.1 boolean */
                                  "      F: 0.5\n"
                                  "      B: true\n"
                                  "      Z: null\n"
                                  "      S: 'yes'\n"
                                  "      L: |\n"
                                  "        a\n"
                                  "        b\n"
                                  "      J: !Join\n"
                                  "      - ''\n"
                                  "      - - a\n"
                                  "        - b\n");
    /* Without the flag the long forms stay. */
    stc_buf plain = STC_BUF_INIT;
    cJSON *small = cJSON_Parse("{\"A\": {\"Ref\": \"X\"}}");
    assert_int_equal(stc_yaml_out_write(small, 0, &plain, &err), 0);
    assert_string_equal(plain.data, "A:\n  Ref: X\n");
    cJSON_Delete(small);
    stc_buf_free(&plain);
    stc_buf_free(&out);
    cJSON_Delete(root);
}

/* ---- the direct writer against libyaml, on random trees ---- */

static unsigned long rng_state = 12345;
static unsigned rnd(unsigned n)
{
    rng_state = rng_state * 6364136223846793005UL + 1442695040888963407UL;
    return (unsigned)((rng_state >> 33) % n);
}

static char *rnd_string(int maxlen)
{
    static const char *const specials[] = {"true", "null", "yes", "No", "1.5", "-3", "2010-09-09", "---x", "...",
                                           " lead", "trail ", "a: b", "a:b", "a #b", "a#b", "- x", "-x", "? x",
                                           ":x", "x:", "", "'q'", "\"d\"", "=", "<<", "~", "0x1F", "1e3", "_1",
                                           "ab\ncd", "tab\there", "caf\xc3\xa9", "${AWS::StackName}-x"};
    if (rnd(4) == 0)
        return stc_xstrdup(specials[rnd(sizeof specials / sizeof *specials)]);
    static const char alphabet[] = "abcXYZ019 :#-?,[]{}&*!|>'\"%@`._/=<~\\$^()+;";
    int n = (int)rnd((unsigned)maxlen + 1);
    char *t = stc_xmalloc((size_t)n + 1);
    for (int i = 0; i < n; i++)
        t[i] = alphabet[rnd(sizeof alphabet - 1)];
    t[n] = '\0';
    return t;
}

static cJSON *rnd_node(int depth);

static cJSON *rnd_scalar(void)
{
    switch (rnd(7)) {
    case 0: return cJSON_CreateNumber((double)(int)rnd(2000) - 1000);
    case 1: return cJSON_CreateNumber(((double)rnd(100000) - 50000) / 64.0);
    case 2: return cJSON_CreateBool(rnd(2));
    case 3: return cJSON_CreateNull();
    default: {
        char *t = rnd_string(12);
        cJSON *v = cJSON_CreateString(t);
        free(t);
        return v;
    }
    }
}

static cJSON *rnd_node(int depth)
{
    unsigned k = depth >= 4 ? 0 : rnd(10);
    if (k < 4)
        return rnd_scalar();
    if (k == 4) { /* a CloudFormation intrinsic */
        static const char *const fns[] = {"Ref", "Fn::Sub", "Fn::GetAtt", "Fn::Join", "Fn::If", "Fn::Transform"};
        const char *fn = fns[rnd(6)];
        cJSON *o = cJSON_CreateObject();
        if (!strcmp(fn, "Fn::GetAtt") && rnd(2)) {
            cJSON *a = cJSON_AddArrayToObject(o, fn);
            char *x = rnd_string(6), *y = rnd_string(6);
            cJSON_AddItemToArray(a, cJSON_CreateString(x));
            cJSON_AddItemToArray(a, cJSON_CreateString(y));
            free(x);
            free(y);
        } else {
            cJSON_AddItemToObject(o, fn, rnd_node(depth + 1));
        }
        return o;
    }
    bool obj = k < 7;
    cJSON *c = obj ? cJSON_CreateObject() : cJSON_CreateArray();
    unsigned n = rnd(4);
    for (unsigned i = 0; i < n; i++) {
        if (obj) {
            char *key = rnd(40) == 0 ? NULL : rnd_string(8);
            if (!key) { /* a key too long for a simple key */
                key = stc_xmalloc(131);
                memset(key, 'k', 130);
                key[130] = '\0';
            }
            cJSON_AddItemToObject(c, key, rnd_node(depth + 1));
            free(key);
        } else {
            cJSON_AddItemToArray(c, rnd_node(depth + 1));
        }
    }
    return c;
}

/* The direct writer and libyaml's emitter give the same text for root
 * (round: the random round, for the message; -1 outside the random test). */
static void writers_agree(cJSON *root, unsigned flags, int round)
{
    stc_buf a = STC_BUF_INIT, b = STC_BUF_INIT;
    char *err = NULL;
    assert_int_equal(stc_yaml_out_write(root, flags, &a, &err), 0);
    assert_int_equal(stc_yaml_out_write(root, flags | STC_YAML_LIBYAML, &b, &err), 0);
    if (strcmp(a.data, b.data) != 0) {
        char *j = cJSON_PrintUnformatted(root);
        fail_msg("round %d, flags %u, tree %s:\n--- direct\n%s--- libyaml\n%s", round, flags, j, a.data,
                 b.data);
    }
    stc_buf_free(&a);
    stc_buf_free(&b);
}

static void test_direct_writer(void **state)
{
    (void)state;
    int direct = 0, total = 0;
    for (int round = 0; round < 4000; round++) {
        cJSON *root = cJSON_CreateObject();
        unsigned n = 1 + rnd(5);
        for (unsigned i = 0; i < n; i++) {
            char *key = rnd_string(8);
            cJSON_AddItemToObject(root, key, rnd_node(0));
            free(key);
        }
        unsigned flags = rnd(4) ? STC_YAML_CFN_TAGS : 0;
        writers_agree(root, flags, round);
        direct += stc_yaml_out_direct(root, flags);
        assert_false(stc_yaml_out_direct(root, flags | STC_YAML_LIBYAML));
        total++;
        cJSON_Delete(root);
    }
    /* Both paths were exercised: most random trees hold some scalar the
     * direct writer leaves to libyaml, but not all. */
    print_message("direct writer used for %d of %d trees\n", direct, total);
    assert_true(direct >= total / 10);
    assert_true(direct < total);
}

/* Both writers on one tree: the same text, and the direct writer used or
 * not as the caller expects. */
static void check_same(cJSON *root, unsigned flags, bool want_direct)
{
    writers_agree(root, flags, -1);
    if (stc_yaml_out_direct(root, flags) != want_direct) {
        char *j = cJSON_PrintUnformatted(root);
        fail_msg("the direct writer should %swrite: %s", want_direct ? "" : "not ", j);
    }
}

/* Cases the random trees do not reach: quotes at every place in a quoted
 * scalar (the direct writer copies the runs between them), indentation
 * deeper than its block of spaces, !GetAtt texts around the size of its
 * stack buffer, keys at the 128-byte limit, a long intrinsic name. */
static void test_direct_writer_edges(void **state)
{
    (void)state;
    static const char *const quoted[] = {"'", "''", "'''", "'a", "a'", "'a'", "a'b'c", "it's 'x'", "a''b",
                                         "- '", ": '", "#'", "'#", "a: 'b'", "a #'b'"};
    for (size_t i = 0; i < sizeof quoted / sizeof *quoted; i++) {
        cJSON *root = cJSON_CreateObject();
        cJSON_AddStringToObject(root, quoted[i], quoted[i]);
        cJSON *seq = cJSON_AddArrayToObject(root, "s");
        cJSON_AddItemToArray(seq, cJSON_CreateString(quoted[i]));
        check_same(root, 0, true);
        cJSON_Delete(root);
    }
    /* 60 levels of mappings, then of sequences and mappings in them:
     * indentation up to about 200 spaces. */
    cJSON *root = cJSON_CreateObject(), *m = root;
    for (int d = 0; d < 60; d++)
        m = cJSON_AddObjectToObject(m, d % 2 ? "k" : "it's");
    cJSON *s = cJSON_AddArrayToObject(m, "seq");
    for (int d = 0; d < 60; d++) {
        cJSON_AddItemToArray(s, cJSON_CreateString("x"));
        if (d % 3 == 0) {
            cJSON *inner = cJSON_CreateObject();
            cJSON_AddItemToArray(s, inner);
            s = cJSON_AddArrayToObject(inner, "in");
        } else {
            cJSON *inner = cJSON_CreateArray();
            cJSON_AddItemToArray(s, inner);
            s = inner;
        }
    }
    cJSON_AddItemToArray(s, cJSON_CreateString("deep"));
    check_same(root, 0, true);
    check_same(root, STC_YAML_CFN_TAGS, true);
    cJSON_Delete(root);
    /* !GetAtt Resource.Attribute of about 256 bytes, plain and quoted. */
    static const size_t lens[] = {1, 100, 250, 251, 252, 253, 254, 400};
    for (size_t i = 0; i < sizeof lens / sizeof *lens; i++) {
        for (int quote = 0; quote < 2; quote++) {
            char *res = stc_xmalloc(lens[i] + 1);
            memset(res, 'r', lens[i]);
            res[0] = quote ? '\'' : 'R';
            res[lens[i]] = '\0';
            root = cJSON_CreateObject();
            cJSON *ga = cJSON_AddArrayToObject(cJSON_AddObjectToObject(root, "A"), "Fn::GetAtt");
            cJSON_AddItemToArray(ga, cJSON_CreateString(res));
            cJSON_AddItemToArray(ga, cJSON_CreateString("Arn"));
            check_same(root, STC_YAML_CFN_TAGS, true);
            check_same(root, 0, true);
            cJSON_Delete(root);
            free(res);
        }
    }
    /* Keys of up to 128 bytes are written directly, longer ones by libyaml. */
    for (size_t len = 127; len <= 129; len++) {
        char key[130];
        memset(key, 'k', len);
        key[0] = '\'';
        key[len] = '\0';
        root = cJSON_CreateObject();
        cJSON_AddStringToObject(root, key, "v");
        check_same(root, 0, len <= 128);
        cJSON_Delete(root);
    }
    /* An intrinsic name longer than the tag buffer is cut the same way. */
    root = cJSON_CreateObject();
    char fn[100] = "Fn::";
    memset(fn + 4, 'F', 80);
    fn[84] = '\0';
    cJSON_AddStringToObject(cJSON_AddObjectToObject(root, "A"), fn, "x");
    check_same(root, STC_YAML_CFN_TAGS, true);
    cJSON_Delete(root);
}

/* Numbers come out as snprintf writes them: "%.0f" for integers under
 * 1e15 (the direct writer's own digits), "%.17g" for the rest. */
static void test_numbers(void **state)
{
    (void)state;
    double values[200] = {0.0, -0.0, 1, -1, 9, 10, -10, 99, 100, 123456789, 1e14, -1e14, 999999999999999.0,
                          -999999999999999.0, 1e15, -1e15, 0.5, -0.25, 1e300, 3.000000001};
    size_t n = 20;
    for (; n < sizeof values / sizeof *values; n++)
        values[n] = ((double)rnd(2000000001) - 1000000000) * (double)(rnd(3) ? 1 : rnd(100000));
    for (size_t i = 0; i < n; i++) {
        double v = values[i];
        char want[128], num[64];
        if (v == floor(v) && fabs(v) < 1e15)
            snprintf(num, sizeof num, "%.0f", v);
        else
            snprintf(num, sizeof num, "%.17g", v);
        snprintf(want, sizeof want, "v: %s\n", num);
        cJSON *root = cJSON_CreateObject();
        cJSON_AddNumberToObject(root, "v", v);
        stc_buf out = STC_BUF_INIT;
        char *err = NULL;
        assert_int_equal(stc_yaml_out_write(root, 0, &out, &err), 0);
        assert_string_equal(out.data, want);
        check_same(root, 0, true);
        stc_buf_free(&out);
        cJSON_Delete(root);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_needs_quotes),
        cmocka_unit_test(test_write),
        cmocka_unit_test(test_direct_writer),
        cmocka_unit_test(test_direct_writer_edges),
        cmocka_unit_test(test_numbers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
