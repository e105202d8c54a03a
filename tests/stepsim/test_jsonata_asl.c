/* test_jsonata_asl.c - JSONata states in the simulator. Expected values are
 * worked out from AWS's documentation ("Transforming data with JSONata in
 * Step Functions", "Passing data between states with variables", the state
 * pages, the ASL specification) and the causes AWS writes (the recorded
 * executions of tests/data/asl-conformance show their form), not from
 * program output:
 * - QueryLanguage at the top and per state; a JSONata machine cannot have
 *   JSONPath states; nested states inherit the top level's language;
 * - each language's fields are refused in the other's states at load, and
 *   an expression that does not parse refuses the machine naming the field;
 * - $states.input / result / errorOutput / context where AWS offers them;
 * - Assign and Output read the variables of the state's entry;
 * - States.QueryEvaluationError causes: undefined, unsupported (function),
 *   unexpected type, and the engine's errors ("threw an error during
 *   evaluation. T2001: ..."); $eval is not there (T1006);
 * - the functions AWS adds: $partition, $range, $hash, $random, $uuid, $parse.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "sim_test_util.h"

#define PREFIX2 "An error occurred while executing the state 'A' (entered at the event id #2). "

/* A one-state JSONata machine: state A of type `type` with the JSON members
 * `fields` (without braces), ending. */
static char *one_state(const char *type, const char *fields)
{
    bool end = strcmp(type, "Choice") && strcmp(type, "Succeed") && strcmp(type, "Fail");
    return stc_xasprintf("{\"QueryLanguage\":\"JSONata\",\"StartAt\":\"A\",\"States\":{\"A\":{"
                         "\"Type\":\"%s\"%s%s%s},\"Z\":{\"Type\":\"Succeed\"}}}",
                         type, *fields ? "," : "", fields, end ? ",\"End\":true" : "");
}

/* Run a Pass whose Output is `expr`; expect `output`. */
static void expect_pass(const char *output_field, const char *input, const char *output)
{
    char *fields = stc_xasprintf("\"Output\":%s", output_field);
    char *asl = one_state("Pass", fields);
    run r = sim_start(asl, input, NULL, false);
    expect_output(&r, output);
    finish(&r);
    free(asl);
    free(fields);
}

/* Run a Pass whose Output is `output_field`; expect the execution to fail
 * with States.QueryEvaluationError and PREFIX2 + `cause`. */
static void expect_pass_error(const char *output_field, const char *input, const char *cause)
{
    char *fields = stc_xasprintf("\"Output\":%s", output_field);
    char *asl = one_state("Pass", fields);
    run r = sim_start(asl, input, NULL, false);
    char *full = stc_xasprintf(PREFIX2 "%s", cause);
    expect_failure(&r, "States.QueryEvaluationError", full);
    free(full);
    finish(&r);
    free(asl);
    free(fields);
}

static void test_languages_at_load(void **state)
{
    (void)state;
    expect_bad("{\"QueryLanguage\":\"JSONata\",\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\","
               "\"QueryLanguage\":\"JSONPath\",\"End\":true}}}",
               "state 'A': 'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole "
               "state machine");
    expect_bad("{\"QueryLanguage\":\"JSONata\",\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\","
               "\"InputPath\":\"$.a\",\"End\":true}}}",
               "state 'A': The QueryLanguage is set to 'JSONata', but field 'InputPath' is only "
               "supported for the 'JSONPath' QueryLanguage");
    expect_bad("{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Task\",\"QueryLanguage\":\"JSONata\","
               "\"Resource\":\"r\",\"Parameters\":{},\"End\":true}}}",
               "field 'Parameters' is only supported for the 'JSONPath' QueryLanguage");
    expect_bad("{\"QueryLanguage\":\"JSONata\",\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\","
               "\"Result\":1,\"End\":true}}}",
               "field 'Result' is only supported for the 'JSONPath' QueryLanguage");
    expect_bad("{\"QueryLanguage\":\"JSONata\",\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Wait\","
               "\"SecondsPath\":\"$.s\",\"End\":true}}}",
               "field 'SecondsPath' is only supported for the 'JSONPath' QueryLanguage");
    expect_bad("{\"QueryLanguage\":\"JSONata\",\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Choice\","
               "\"Choices\":[{\"Variable\":\"$.x\",\"IsPresent\":true,\"Next\":\"Z\"}]},"
               "\"Z\":{\"Type\":\"Succeed\"}}}",
               "state 'A': Choices[0]: The QueryLanguage is set to 'JSONata', but field "
               "'Variable' is only supported for the 'JSONPath' QueryLanguage");
    expect_bad("{\"QueryLanguage\":\"JSONata\",\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Task\","
               "\"Resource\":\"r\",\"Catch\":[{\"ErrorEquals\":[\"States.ALL\"],\"ResultPath\":\"$.e\","
               "\"Next\":\"Z\"}],\"End\":true},\"Z\":{\"Type\":\"Succeed\"}}}",
               "state 'A': Catch[0]: The QueryLanguage is set to 'JSONata', but field 'ResultPath'");
    expect_bad("{\"QueryLanguage\":\"JSONata\",\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Choice\","
               "\"Choices\":[{\"Next\":\"Z\"}]},\"Z\":{\"Type\":\"Succeed\"}}}",
               "Choices[0]: a JSONata Choice rule needs 'Condition'");
    /* a field the state type has not */
    expect_bad("{\"QueryLanguage\":\"JSONata\",\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\","
               "\"Arguments\":{},\"End\":true}}}",
               "state 'A': Field 'Arguments' is not supported");
    expect_bad("{\"QueryLanguage\":\"JSONata\",\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Fail\","
               "\"Output\":1}}}",
               "state 'A': Field 'Output' is not supported");
    expect_bad("{\"QueryLanguage\":\"JSONata\",\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Succeed\","
               "\"Assign\":{\"x\":1}}}}",
               "state 'A': Field 'Assign' is not supported");
    expect_bad("{\"StartAt\":\"M\",\"States\":{\"M\":{\"Type\":\"Map\",\"End\":true,\"ItemProcessor\":{"
               "\"QueryLanguage\":\"JSONata\",\"StartAt\":\"I\",\"States\":{\"I\":{\"Type\":\"Pass\","
               "\"End\":true}}}}}}",
               "state 'M': ItemProcessor: Field 'QueryLanguage' is not supported");
    expect_bad("{\"QueryLanguage\":\"JSONata2\",\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Succeed\"}}}",
               "'QueryLanguage' must be \"JSONPath\" or \"JSONata\"");
    /* a JSONata Map in a JSONPath machine: the states inside are JSONPath
     * (they inherit the top level's language), so Output there is refused */
    expect_bad("{\"StartAt\":\"M\",\"States\":{\"M\":{\"Type\":\"Map\",\"QueryLanguage\":\"JSONata\","
               "\"End\":true,\"ItemProcessor\":{\"StartAt\":\"I\",\"States\":{\"I\":{\"Type\":\"Pass\","
               "\"Output\":1,\"End\":true}}}}}}",
               "state 'M': ItemProcessor: state 'I': The QueryLanguage is set to 'JSONPath', but "
               "field 'Output' is only supported for the 'JSONata' QueryLanguage");
    /* an expression that does not parse refuses the machine, naming the
     * state and the field inside the template */
    expect_bad("{\"QueryLanguage\":\"JSONata\",\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\","
               "\"Output\":{\"total\":[1,\"{% 1 + %}\"]},\"End\":true}}}",
               "state 'A': 'Output/total[1]': the JSONata expression '1 +' does not parse: ");
    expect_bad("{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Choice\",\"QueryLanguage\":\"JSONata\","
               "\"Choices\":[{\"Condition\":\"{% $x = %}\",\"Next\":\"Z\"}]},\"Z\":{\"Type\":\"Succeed\"}}}",
               "state 'A': 'Choices[0]/Condition': the JSONata expression '$x =' does not parse");
}

static void test_states_variable(void **state)
{
    (void)state;
    /* $states.input is the state input; a string that is not exactly
     * {% ... %} is kept as it is (AWS: "$.no.such.path" stays a string) */
    expect_pass("{\"in\":\"{% $states.input.a %}\",\"lit\":\"$.a\",\"half\":\"{% 1 \",\"n\":[1,\"{% 2 %}\"]}",
                "{\"a\":7}", "{\"in\":7,\"lit\":\"$.a\",\"half\":\"{% 1 \",\"n\":[1,2]}");
    /* $states.context: the context object, as $$ in JSONPath */
    expect_pass("\"{% $states.context.State.Name & '/' & $states.context.Execution.StartTime %}\"", "{}",
                "\"A/2026-01-01T00:00:00.000Z\"");
    /* a Task's Output and Assign read $states.result and $states.input */
    run r = sim_start("{\"QueryLanguage\":\"JSONata\",\"StartAt\":\"T\",\"States\":{\"T\":{\"Type\":\"Task\","
                  "\"Resource\":\"r\",\"Arguments\":{\"n\":\"{% $states.input.n * 2 %}\"},"
                  "\"Assign\":{\"r\":\"{% $states.result %}\"},"
                  "\"Output\":{\"in\":\"{% $states.input %}\",\"res\":\"{% $states.result %}\"},\"Next\":\"U\"},"
                  "\"U\":{\"Type\":\"Pass\",\"Output\":\"{% $r %}\",\"End\":true}}}",
                  "{\"n\":21}", "T:\n  - return: {\"got\": 42}\n", true);
    stc_sim_step(r.sim);
    /* the Task received its Arguments */
    bool seen = false;
    for (size_t i = 0; i < stc_sim_event_count(r.sim); i++) {
        const stc_sim_event *ev = stc_sim_event_at(r.sim, i);
        if (ev->type == STC_EV_TASK_SCHEDULED) {
            assert_json(cJSON_GetObjectItemCaseSensitive(ev->details, "parameters"), "{\"n\":42}");
            seen = true;
        }
        if (ev->type == STC_EV_TASK_EXITED)
            assert_json(cJSON_GetObjectItemCaseSensitive(ev->details, "output"),
                        "{\"in\":{\"n\":21},\"res\":{\"got\":42}}");
    }
    assert_true(seen);
    expect_output(&r, "{\"got\":42}");
    finish(&r);
    /* $states.result and $states.errorOutput only where AWS offers them: it
     * refuses the machine otherwise (a quoted name is not a reading) */
    expect_bad("{\"QueryLanguage\":\"JSONata\",\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\","
               "\"Output\":{\"s\":\"{% '$states.result' %}\",\"r\":\"{% $states . result.x %}\"},\"End\":true}}}",
               "state 'A': 'Output/r': the JSONata expression '$states . result.x' reads "
               "$states.result, which only the Output and Assign of a Task, Parallel or Map state "
               "can read");
    expect_bad("{\"QueryLanguage\":\"JSONata\",\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Task\","
               "\"Resource\":\"r\",\"Arguments\":{\"e\":\"{% $states.errorOutput %}\"},\"End\":true}}}",
               "state 'A': 'Arguments/e': the JSONata expression '$states.errorOutput' reads "
               "$states.errorOutput, which only the Output and Assign of a Catch can read");
    expect_bad("{\"QueryLanguage\":\"JSONata\",\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Task\","
               "\"Resource\":\"r\",\"Catch\":[{\"ErrorEquals\":[\"States.ALL\"],\"Output\":"
               "\"{% $states.result %}\",\"Next\":\"A\"}],\"End\":true}}}",
               "state 'A': 'Catch[0]/Output': the JSONata expression '$states.result' reads "
               "$states.result");
    /* a Catch reads $states.errorOutput; without Output its output is the
     * error output */
    r = sim_start("{\"QueryLanguage\":\"JSONata\",\"StartAt\":\"T\",\"States\":{\"T\":{\"Type\":\"Task\","
              "\"Resource\":\"r\",\"Catch\":[{\"ErrorEquals\":[\"States.ALL\"],\"Assign\":{"
              "\"e\":\"{% $states.errorOutput.Error %}\"},\"Output\":{\"was\":\"{% $states.input.k %}\","
              "\"err\":\"{% $states.errorOutput %}\"},\"Next\":\"U\"}],\"End\":true},"
              "\"U\":{\"Type\":\"Pass\",\"Output\":{\"e\":\"{% $e %}\",\"in\":\"{% $states.input %}\"},"
              "\"End\":true}}}",
              "{\"k\":1}", "T:\n  - raise: Boom\n    cause: bad\n", false);
    expect_output(&r, "{\"e\":\"Boom\",\"in\":{\"was\":1,\"err\":{\"Error\":\"Boom\",\"Cause\":\"bad\"}}}");
    finish(&r);
}

static void test_evaluation_order(void **state)
{
    (void)state;
    /* Output and Assign of one state read the variables of its entry: x is 1
     * in B's Output although B assigns 2; the two values of C swap */
    run r = sim_start("{\"QueryLanguage\":\"JSONata\",\"StartAt\":\"A\",\"States\":{"
                  "\"A\":{\"Type\":\"Pass\",\"Assign\":{\"x\":1,\"y\":10},\"Next\":\"B\"},"
                  "\"B\":{\"Type\":\"Pass\",\"Assign\":{\"x\":\"{% $x + 1 %}\"},\"Output\":\"{% $x %}\","
                  "\"Next\":\"C\"},"
                  "\"C\":{\"Type\":\"Pass\",\"Assign\":{\"x\":\"{% $y %}\",\"y\":\"{% $x %}\"},"
                  "\"Output\":{\"in\":\"{% $states.input %}\",\"x\":\"{% $x %}\"},\"Next\":\"D\"},"
                  "\"D\":{\"Type\":\"Pass\",\"Output\":{\"c\":\"{% $states.input %}\",\"x\":\"{% $x %}\","
                  "\"y\":\"{% $y %}\"},\"End\":true}}}",
                  "{}", NULL, false);
    expect_output(&r, "{\"c\":{\"in\":1,\"x\":2},\"x\":10,\"y\":2}");
    finish(&r);
    /* a JSONPath state reads what a JSONata state assigned, and back */
    r = sim_start("{\"StartAt\":\"A\",\"States\":{"
              "\"A\":{\"Type\":\"Pass\",\"QueryLanguage\":\"JSONata\",\"Assign\":{\"v\":\"{% [1,2] %}\"},"
              "\"Next\":\"B\"},"
              "\"B\":{\"Type\":\"Pass\",\"Parameters\":{\"n.$\":\"States.ArrayLength($v)\"},"
              "\"Assign\":{\"w.$\":\"$v[0]\"},\"Next\":\"C\"},"
              "\"C\":{\"Type\":\"Pass\",\"QueryLanguage\":\"JSONata\",\"Output\":\"{% $states.input.n + $w %}\","
              "\"End\":true}}}",
              "{}", NULL, false);
    expect_output(&r, "3");
    finish(&r);
    /* iterations read outer variables and keep their own inside */
    r = sim_start("{\"QueryLanguage\":\"JSONata\",\"StartAt\":\"A\",\"States\":{"
              "\"A\":{\"Type\":\"Pass\",\"Assign\":{\"k\":10},\"Next\":\"M\"},"
              "\"M\":{\"Type\":\"Map\",\"Items\":\"{% [1,2,3] %}\",\"ItemProcessor\":{\"StartAt\":\"I\","
              "\"States\":{\"I\":{\"Type\":\"Pass\",\"Assign\":{\"mine\":\"{% $states.input * $k %}\"},"
              "\"Next\":\"J\"},\"J\":{\"Type\":\"Pass\",\"Output\":\"{% $mine %}\",\"End\":true}}},"
              "\"Output\":{\"r\":\"{% $states.result %}\",\"k\":\"{% $k %}\"},\"End\":true}}}",
              "{}", NULL, false);
    expect_output(&r, "{\"r\":[10,20,30],\"k\":10}");
    finish(&r);
}

static void test_query_errors(void **state)
{
    (void)state;
    expect_pass_error("{\"a\":{\"b\":[\"{% $nope %}\"]}}", "{}",
                      "The JSONata expression '$nope' specified for the field 'Output/a/b[0]' "
                      "returned nothing (undefined).");
    expect_pass_error("\"{% function($x){$x} %}\"", "{}",
                      "The JSONata expression 'function($x){$x}' specified for the field 'Output' "
                      "returned an unsupported result type.");
    expect_pass_error("\"{% 'a' + 1 %}\"", "{}",
                      "The JSONata expression ''a' + 1' specified for the field 'Output' threw an "
                      "error during evaluation. T2001: The left side of the \"+\" operator must "
                      "evaluate to a number");
    /* $eval is not in AWS's JSONata: calling it calls nothing */
    expect_pass_error("\"{% $eval('1') %}\"", "{}",
                      "The JSONata expression '$eval('1')' specified for the field 'Output' threw "
                      "an error during evaluation. T1006: Attempted to invoke a non-function");
    /* a runaway expression stops with the engine's limit (the reference's
     * U1001 message), never a crash: the state fails */
    expect_pass_error("\"{% ($f := function($n){ 1 + $f($n + 1) }; $f(0)) %}\"", "{}",
                      "The JSONata expression '($f := function($n){ 1 + $f($n + 1) }; $f(0))' "
                      "specified for the field 'Output' threw an error during evaluation. U1001: "
                      "Stack overflow error: Check for non-terminating recursive function.  "
                      "Consider rewriting as tail-recursive.");
    /* States.QueryEvaluationError is caught like other errors */
    run r = sim_start("{\"QueryLanguage\":\"JSONata\",\"StartAt\":\"T\",\"States\":{\"T\":{\"Type\":\"Task\","
                  "\"Resource\":\"r\",\"Output\":\"{% $states.result.missing %}\",\"Catch\":[{"
                  "\"ErrorEquals\":[\"States.QueryEvaluationError\"],\"Output\":\"{% $states.errorOutput.Error %}\","
                  "\"Next\":\"Z\"}],\"End\":true},\"Z\":{\"Type\":\"Succeed\"}}}",
                  "{}", "T:\n  - return: {}\n", false);
    expect_output(&r, "\"States.QueryEvaluationError\"");
    finish(&r);
}

static void test_typed_fields(void **state)
{
    (void)state;
    char *asl;
    run r;
    /* Choice: a Condition must give a boolean; nothing is an error, not a
     * reason to take Default */
    asl = one_state("Choice", "\"Choices\":[{\"Condition\":\"{% $states.input.n %}\",\"Next\":\"Z\"}],"
                              "\"Default\":\"Z\"");
    r = sim_start(asl, "{\"n\":\"yes\"}", NULL, false);
    expect_failure(&r, "States.QueryEvaluationError",
                   PREFIX2 "The JSONata expression '$states.input.n' specified for the field "
                           "'Choices[0]/Condition' returned an unexpected result type. Expected "
                           "'boolean', but was 'string' for value: \"yes\"");
    finish(&r);
    r = sim_start(asl, "{}", NULL, false);
    expect_failure(&r, "States.QueryEvaluationError",
                   PREFIX2 "The JSONata expression '$states.input.n' specified for the field "
                           "'Choices[0]/Condition' returned nothing (undefined).");
    finish(&r);
    free(asl);
    /* the matched rule's Output and Assign, else the state's (Default) */
    asl = stc_xasprintf("{\"QueryLanguage\":\"JSONata\",\"StartAt\":\"A\",\"States\":{\"A\":{"
                        "\"Type\":\"Choice\",\"Choices\":[{\"Condition\":\"{%% $states.input.n > 1 %%}\","
                        "\"Output\":\"big\",\"Assign\":{\"t\":\"rule\"},\"Next\":\"Z\"}],"
                        "\"Default\":\"Z\",\"Output\":\"small\",\"Assign\":{\"t\":\"default\"}},"
                        "\"Z\":{\"Type\":\"Pass\",\"Output\":[\"{%% $states.input %%}\",\"{%% $t %%}\"],"
                        "\"End\":true}}}");
    r = sim_start(asl, "{\"n\":2}", NULL, false);
    expect_output(&r, "[\"big\",\"rule\"]");
    finish(&r);
    r = sim_start(asl, "{\"n\":0}", NULL, false);
    expect_output(&r, "[\"small\",\"default\"]");
    finish(&r);
    free(asl);
    /* Wait: Seconds from an expression moves the virtual clock */
    asl = one_state("Wait", "\"Seconds\":\"{% $states.input.s * 2 %}\"");
    r = sim_start(asl, "{\"s\":30}", NULL, false);
    expect_output(&r, "{\"s\":30}");
    assert_true(stc_sim_time(r.sim) == STC_SIM_DEFAULT_EPOCH_MS + 60000);
    finish(&r);
    r = sim_start(asl, "{\"s\":-1}", NULL, false);
    expect_failure(&r, "States.QueryEvaluationError",
                   PREFIX2 "The value of the field 'Seconds' must be a non-negative integer, but "
                           "was -2");
    finish(&r);
    free(asl);
    asl = one_state("Wait", "\"Timestamp\":\"{% $states.input.t %}\"");
    r = sim_start(asl, "{\"t\":\"2026-01-01T01:00:00Z\"}", NULL, false);
    expect_output(&r, "{\"t\":\"2026-01-01T01:00:00Z\"}");
    assert_true(stc_sim_time(r.sim) == STC_SIM_DEFAULT_EPOCH_MS + 3600000);
    finish(&r);
    free(asl);
    /* Fail: Error and Cause from expressions, strings only */
    asl = one_state("Fail", "\"Error\":\"{% 'E.' & $states.input.k %}\",\"Cause\":\"{% $string($states.input) %}\"");
    r = sim_start(asl, "{\"k\":\"x\"}", NULL, false);
    expect_failure(&r, "E.x", "{\"k\":\"x\"}");
    finish(&r);
    free(asl);
    asl = one_state("Fail", "\"Error\":\"{% $states.input.k %}\"");
    r = sim_start(asl, "{\"k\":1}", NULL, false);
    expect_failure(&r, "States.QueryEvaluationError",
                   PREFIX2 "The JSONata expression '$states.input.k' specified for the field "
                           "'Error' returned an unexpected result type. Expected 'string', but was "
                           "'number' for value: 1");
    finish(&r);
    free(asl);
    /* Task: TimeoutSeconds must be a positive integer */
    asl = one_state("Task", "\"Resource\":\"r\",\"TimeoutSeconds\":\"{% 0 %}\"");
    r = sim_start(asl, "{}", "A:\n  - return: 1\n", false);
    expect_failure(&r, "States.QueryEvaluationError",
                   PREFIX2 "The value of the field 'TimeoutSeconds' must be a positive integer, "
                           "but was 0");
    finish(&r);
    free(asl);
    /* Map: Items must give an array; without Items the input must be one */
    asl = one_state("Map", "\"Items\":\"{% $states.input %}\",\"ItemProcessor\":{\"StartAt\":\"I\","
                           "\"States\":{\"I\":{\"Type\":\"Pass\",\"End\":true}}}");
    r = sim_start(asl, "{\"a\":1}", NULL, false);
    expect_failure(&r, "States.QueryEvaluationError",
                   PREFIX2 "The JSONata expression '$states.input' specified for the field 'Items' "
                           "returned an unexpected result type. Expected 'array', but was "
                           "'object' for value: {\"a\":1}");
    finish(&r);
    free(asl);
    asl = one_state("Map", "\"ItemSelector\":{\"v\":\"{% $states.context.Map.Item.Value %}\","
                           "\"i\":\"{% $states.context.Map.Item.Index %}\",\"all\":\"{% $count($states.input) %}\"},"
                           "\"ItemProcessor\":{\"StartAt\":\"I\",\"States\":{\"I\":{\"Type\":\"Pass\",\"End\":true}}}");
    r = sim_start(asl, "[\"a\",\"b\"]", NULL, false);
    expect_output(&r, "[{\"v\":\"a\",\"i\":0,\"all\":2},{\"v\":\"b\",\"i\":1,\"all\":2}]");
    finish(&r);
    r = sim_start(asl, "\"abc\"", NULL, false);
    expect_failure(&r, "States.QueryEvaluationError",
                   PREFIX2 "Map state input must be an array but was: \"abc\"");
    finish(&r);
    free(asl);
    /* Parallel: Arguments is the branches' input, $states.result the array */
    asl = one_state("Parallel", "\"Arguments\":{\"n\":\"{% $states.input.n + 1 %}\"},"
                                "\"Output\":\"{% $sum($states.result.n) %}\",\"Branches\":["
                                "{\"StartAt\":\"B\",\"States\":{\"B\":{\"Type\":\"Pass\",\"End\":true}}},"
                                "{\"StartAt\":\"C\",\"States\":{\"C\":{\"Type\":\"Pass\",\"End\":true}}}]");
    r = sim_start(asl, "{\"n\":1}", NULL, false);
    expect_output(&r, "4");
    finish(&r);
    free(asl);
}

static void test_aws_functions(void **state)
{
    (void)state;
    expect_pass("\"{% $partition([1,2,3,4,5], 2) %}\"", "{}", "[[1,2],[3,4],[5]]");
    expect_pass("\"{% $range(0, 10, 2) %}\"", "{}", "[0,2,4,6,8,10]");
    expect_pass("\"{% $range(10, 1, -4) %}\"", "{}", "[10,6,2]");
    expect_pass("\"{% $append([], $range(7, 7, 1)) %}\"", "{}", "[7]");
    /* the digests of "abc" (FIPS 180-2 and RFC 1321 test vectors) */
    expect_pass("\"{% $hash('abc', 'SHA-256') %}\"", "{}",
                "\"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\"");
    expect_pass("\"{% $hash('abc', 'MD5') %}\"", "{}", "\"900150983cd24fb0d6963f7d28e17f72\"");
    /* java.util.Random(42).nextDouble(), the number AWS gives */
    expect_pass("\"{% $random(42) %}\"", "{}", "0.7275636800328681");
    expect_pass("\"{% $random(42) = $random(42) and $random() < 1 %}\"", "{}", "true");
    expect_pass("\"{% $parse('{\\\"a\\\": [1, true]}') %}\"", "{}", "{\"a\":[1,true]}");
    expect_pass("\"{% $contains($uuid(), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/) %}\"",
                "{}", "true");
    /* a key twice in any object is not JSON as AWS reads it, however many
     * objects come before it; 50,000 distinct keys are */
    expect_pass_error("\"{% $parse('[' & $join([1..100].('{\\\"x\\\":1}'), ',') & ',{\\\"c\\\":1,\\\"c\\\":2}]') %}\"",
                      "{}",
                      "The JSONata expression '$parse('[' & $join([1..100].('{\"x\":1}'), ',') & "
                      "',{\"c\":1,\"c\":2}]')' specified for the field 'Output' threw an error "
                      "during evaluation. D3137: Invalid JSON");
    expect_pass("\"{% $count($keys($parse('{' & $join([1..50000].('\\\"k' & $ & '\\\":0'), ',') & '}'))) %}\"",
                "{}", "50000");
    expect_pass_error("\"{% $parse('{') %}\"", "{}",
                      "The JSONata expression '$parse('{')' specified for the field 'Output' threw "
                      "an error during evaluation. D3137: Invalid JSON");
    expect_pass_error("\"{% $range('0', 4, 1) %}\"", "{}",
                      "The JSONata expression '$range('0', 4, 1)' specified for the field 'Output' "
                      "threw an error during evaluation. T0410: Argument 1 of function \"range\" "
                      "does not match function signature");
    expect_pass_error("\"{% $hash('abc', 'SHA-3') %}\"", "{}",
                      "The JSONata expression '$hash('abc', 'SHA-3')' specified for the field "
                      "'Output' threw an error during evaluation. D3137: Hash algorithm 'SHA-3' "
                      "must be one of SHA-1, SHA-384, SHA-256, SHA-512, MD5");
    /* $uuid() and $random() draw from the seeded generator: a run repeats */
    char *asl = one_state("Pass", "\"Output\":[\"{% $uuid() %}\",\"{% $random() %}\"]");
    run r1 = sim_start(asl, "{}", NULL, false), r2 = sim_start(asl, "{}", NULL, false);
    assert_int_equal(stc_sim_run(r1.sim, NULL), STC_SIM_SUCCEEDED);
    assert_int_equal(stc_sim_run(r2.sim, NULL), STC_SIM_SUCCEEDED);
    assert_true(cJSON_Compare(stc_sim_output(r1.sim), stc_sim_output(r2.sim), true));
    finish(&r1);
    finish(&r2);
    free(asl);
}

static void test_evaluate_prompt(void **state)
{
    (void)state;
    /* the prompt's evaluation of JSONata: $states.input, variables, context
     * of the next state, with or without the delimiters */
    run r = sim_start("{\"QueryLanguage\":\"JSONata\",\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\","
                  "\"Assign\":{\"v\":5},\"Output\":{\"n\":3},\"Next\":\"B\"},\"B\":{\"Type\":\"Pass\","
                  "\"End\":true}}}",
                  "{}", NULL, false);
    stc_sim_step(r.sim);
    assert_true(stc_sim_current_jsonata(r.sim));
    cJSON *out = NULL;
    char *err = NULL;
    bool fn = false;
    assert_int_equal(stc_sim_evaluate(r.sim, "$states.input.n * $v & $states.context.State.Name", true,
                                      &out, &fn, &err),
                     0);
    assert_json(out, "\"15B\"");
    cJSON_Delete(out);
    assert_int_equal(stc_sim_evaluate(r.sim, " {% $v %} ", true, &out, &fn, &err), 0);
    assert_json(out, "5");
    cJSON_Delete(out);
    assert_int_equal(stc_sim_evaluate(r.sim, "$nothing", true, &out, &fn, &err), 0);
    assert_null(out);
    assert_false(fn);
    assert_int_equal(stc_sim_evaluate(r.sim, "$sum", true, &out, &fn, &err), 0);
    assert_null(out);
    assert_true(fn);
    assert_int_equal(stc_sim_evaluate(r.sim, "$v +", true, &out, &fn, &err), -1);
    assert_non_null(strstr(err, "S0207"));
    free(err);
    finish(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_languages_at_load),
        cmocka_unit_test(test_states_variable),
        cmocka_unit_test(test_evaluation_order),
        cmocka_unit_test(test_query_errors),
        cmocka_unit_test(test_typed_fields),
        cmocka_unit_test(test_aws_functions),
        cmocka_unit_test(test_evaluate_prompt),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
