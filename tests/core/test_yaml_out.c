/* test_yaml_out.c - core/yaml_out: which strings must be quoted, and the
 * text of a small tree with CloudFormation short forms (written by hand). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_needs_quotes),
        cmocka_unit_test(test_write),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
