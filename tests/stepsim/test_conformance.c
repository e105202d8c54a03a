/* test_conformance.c - every case of the AWS-recorded conformance data
 * (tests/data/asl-conformance: choice.jsonl, intrinsics.jsonl,
 * scenarios.jsonl, scenarios-jsonata.jsonl) run through the simulator and
 * compared exactly.
 *
 * Comparison rules (tests/data/asl-conformance/README.md):
 * - expected_output: the execution SUCCEEDED and its output equals the
 *   recording (JSON equality: object key order is free, numbers by value).
 *   A recorded string that is JSON text ("[[0]]") also matches its parsed
 *   value. The recording replaced two generated values by markers, which are
 *   checked by shape: "RandomNumberGenerated" (States.MathRandom) matches an
 *   integer, "generated-uuid" (States.UUID) matches a version-4 UUID.
 * - expected_error: the execution FAILED with that error name (absent = no
 *   name) and cause (absent = none or empty); with cause_unverifiable only
 *   the name is compared.
 * - The context object uses the recording's names: $$.Execution.Name
 *   "<ExecArnPart_0idx>", $$.StateMachine.Name "<ArnPart_0idx>".
 * - Cases listed by source in conformance_exclusions.txt are not run; they
 *   are counted and printed as excluded, never as passed.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/util.h"
#include "stepsim/machine.h"
#include "stepsim/mocks.h"
#include "stepsim/sim.h"

static const char *data_dir(void)
{
    const char *d = getenv("STC_TEST_DATA");
    return d ? d : STC_SOURCE_DIR "/tests";
}

static char **excl_src;
static size_t nexcl;

static void load_exclusions(void)
{
    char *path = stc_xasprintf("%s/stepsim/conformance_exclusions.txt", data_dir());
    char *text = NULL, *err = NULL;
    size_t len;
    if (stc_file_read(path, &text, &len, &err) == 0) {
        for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
            if (line[0] == '#' || line[0] == '\0')
                continue;
            char *tab = strchr(line, '\t');
            if (tab)
                *tab = '\0';
            excl_src = stc_xrealloc(excl_src, (nexcl + 1) * sizeof *excl_src);
            excl_src[nexcl++] = stc_xstrdup(line);
        }
    }
    free(err);
    free(text);
    free(path);
}

static bool excluded(const char *source)
{
    for (size_t i = 0; i < nexcl; i++)
        if (!strcmp(excl_src[i], source))
            return true;
    return false;
}

static bool is_uuid4(const char *s)
{
    if (strlen(s) != 36)
        return false;
    for (int i = 0; i < 36; i++) {
        char c = s[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != '-')
                return false;
        } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            return false;
        }
    }
    return s[14] == '4' && strchr("89ab", s[19]) != NULL;
}

static bool json_equal(const cJSON *a, const cJSON *e);

static bool equal_as_text(const cJSON *actual, const cJSON *expected)
{
    if (!cJSON_IsString(expected))
        return false;
    cJSON *parsed = cJSON_Parse(expected->valuestring);
    bool eq = parsed && !cJSON_IsString(parsed) && json_equal(actual, parsed);
    cJSON_Delete(parsed);
    return eq;
}

/* actual vs expected, with the recording's markers for generated values */
static bool json_equal(const cJSON *a, const cJSON *e)
{
    if (cJSON_IsString(e)) {
        if (!strcmp(e->valuestring, "RandomNumberGenerated"))
            return cJSON_IsNumber(a) && a->valuedouble == floor(a->valuedouble);
        if (!strcmp(e->valuestring, "generated-uuid"))
            return cJSON_IsString(a) && is_uuid4(a->valuestring);
        return cJSON_IsString(a) && !strcmp(a->valuestring, e->valuestring);
    }
    if (cJSON_IsNumber(e))
        return cJSON_IsNumber(a) && a->valuedouble == e->valuedouble;
    if (cJSON_IsBool(e))
        return cJSON_IsBool(a) && cJSON_IsTrue(a) == cJSON_IsTrue(e);
    if (cJSON_IsNull(e))
        return cJSON_IsNull(a);
    if (cJSON_IsArray(e)) {
        if (!cJSON_IsArray(a) || cJSON_GetArraySize(a) != cJSON_GetArraySize(e))
            return false;
        for (const cJSON *x = a->child, *y = e->child; x && y; x = x->next, y = y->next)
            if (!json_equal(x, y))
                return false;
        return true;
    }
    if (cJSON_IsObject(e)) {
        if (!cJSON_IsObject(a) || cJSON_GetArraySize(a) != cJSON_GetArraySize(e))
            return false;
        for (const cJSON *y = e->child; y; y = y->next) {
            const cJSON *x = cJSON_GetObjectItemCaseSensitive(a, y->string);
            if (!x || !json_equal(x, y))
                return false;
        }
        return true;
    }
    return false;
}

static bool str_eq(const char *a, const char *b)
{
    return (!a && !b) || (a && b && !strcmp(a, b));
}

/* Run one case; returns true when it matches the recording. */
static bool run_case(const cJSON *c, char **why)
{
    const cJSON *def = cJSON_GetObjectItemCaseSensitive(c, "definition");
    const cJSON *input = cJSON_GetObjectItemCaseSensitive(c, "input");
    const cJSON *mocks_j = cJSON_GetObjectItemCaseSensitive(c, "mocks");
    const cJSON *exp_out = cJSON_GetObjectItemCaseSensitive(c, "expected_output");
    const cJSON *exp_err = cJSON_GetObjectItemCaseSensitive(c, "expected_error");
    bool unverifiable = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, "cause_unverifiable"));
    char *err = NULL;
    stc_machine *m = stc_machine_load(def, &err);
    if (!m) {
        *why = stc_xasprintf("machine rejected: %s", err);
        free(err);
        return false;
    }
    stc_mocks *mocks = NULL;
    if (mocks_j) {
        if (stc_mocks_from_json(mocks_j, &mocks, &err) < 0) {
            *why = stc_xasprintf("mocks rejected: %s", err);
            free(err);
            stc_machine_free(m);
            return false;
        }
    } else {
        mocks = stc_mocks_new();
    }
    stc_sim_options o;
    stc_sim_options_init(&o);
    o.undo = false;
    o.execution_name = "<ExecArnPart_0idx>";
    o.state_machine_name = "<ArnPart_0idx>";
    o.state_machine_id = "arn:<partition>:states:<region>:111111111111:stateMachine:<ArnPart_0idx>";
    o.task = stc_mocks_task_handler;
    o.task_ctx = mocks;
    o.max_transitions = 10000;
    stc_sim *sim = stc_sim_new(m, &o);
    stc_sim_start(sim, input);
    stc_sim_status st = stc_sim_run(sim, NULL);
    bool ok = false;
    char *out_txt = stc_sim_output(sim) ? cJSON_PrintUnformatted(stc_sim_output(sim)) : NULL;
    if (exp_out) {
        const cJSON *out = stc_sim_output(sim);
        ok = st == STC_SIM_SUCCEEDED && out &&
             (json_equal(out, exp_out) || equal_as_text(out, exp_out));
        if (!ok) {
            char *e = cJSON_PrintUnformatted(exp_out);
            *why = stc_xasprintf("status %s, output %s, error %s, cause %s, message %s; expected "
                                 "output %s",
                                 stc_sim_status_name(st), out_txt ? out_txt : "-",
                                 stc_sim_error(sim) ? stc_sim_error(sim) : "-",
                                 stc_sim_cause(sim) ? stc_sim_cause(sim) : "-",
                                 stc_sim_message(sim) ? stc_sim_message(sim) : "-", e);
            free(e);
        }
    } else {
        const cJSON *ee = cJSON_GetObjectItemCaseSensitive(exp_err, "error");
        const cJSON *ec = cJSON_GetObjectItemCaseSensitive(exp_err, "cause");
        const char *cause = stc_sim_cause(sim);
        ok = st == STC_SIM_FAILED &&
             str_eq(stc_sim_error(sim), cJSON_IsString(ee) ? ee->valuestring : NULL);
        if (ok && !unverifiable) {
            if (cJSON_IsString(ec))
                ok = str_eq(cause, ec->valuestring);
            else
                ok = !cause || !*cause;
        }
        if (!ok) {
            char *e = cJSON_PrintUnformatted(exp_err);
            *why = stc_xasprintf("status %s, output %s, error %s, cause %s, message %s; expected "
                                 "error %s",
                                 stc_sim_status_name(st), out_txt ? out_txt : "-",
                                 stc_sim_error(sim) ? stc_sim_error(sim) : "-",
                                 cause ? cause : "-",
                                 stc_sim_message(sim) ? stc_sim_message(sim) : "-", e);
            free(e);
        }
    }
    free(out_txt);
    stc_sim_free(sim);
    stc_mocks_free(mocks);
    stc_machine_free(m);
    return ok;
}

static void run_file(const char *name, int expected_cases)
{
    char *path = stc_xasprintf("%s/data/asl-conformance/%s", data_dir(), name);
    char *text = NULL, *err = NULL;
    size_t len;
    if (stc_file_read(path, &text, &len, &err) < 0) {
        print_error("%s\n", err);
        free(err);
        free(path);
        fail();
    }
    int passed = 0, failed = 0, skipped = 0, total = 0;
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        cJSON *c = cJSON_Parse(line);
        if (!c)
            continue;
        total++;
        const cJSON *src = cJSON_GetObjectItemCaseSensitive(c, "source");
        const char *source = cJSON_IsString(src) ? src->valuestring : "?";
        if (excluded(source)) {
            skipped++;
            printf("EXCLUDED %s:%d %s\n", name, total, source);
        } else {
            char *why = NULL;
            if (run_case(c, &why)) {
                passed++;
            } else {
                failed++;
                printf("FAIL %s:%d %s\n     %s\n", name, total, source, why ? why : "");
            }
            free(why);
        }
        cJSON_Delete(c);
    }
    printf("%s: %d cases: %d passed, %d failed, %d excluded\n", name, total, passed, failed,
           skipped);
    free(text);
    free(path);
    assert_int_equal(total, expected_cases);
    assert_int_equal(failed, 0);
}

static void test_choice(void **state)
{
    (void)state;
    run_file("choice.jsonl", 246);
}

static void test_intrinsics(void **state)
{
    (void)state;
    run_file("intrinsics.jsonl", 84);
}

static void test_scenarios(void **state)
{
    (void)state;
    run_file("scenarios.jsonl", 136);
}

static void test_scenarios_jsonata(void **state)
{
    (void)state;
    run_file("scenarios-jsonata.jsonl", 55);
}

int main(void)
{
    load_exclusions();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_choice),
        cmocka_unit_test(test_intrinsics),
        cmocka_unit_test(test_scenarios),
        cmocka_unit_test(test_scenarios_jsonata),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    for (size_t i = 0; i < nexcl; i++)
        free(excl_src[i]);
    free(excl_src);
    return rc;
}
