/* test_tui_sim.c - the workbench's simulator flow: default inputs, answers
 * typed for Tasks without a mock (tui/simctl.h), and the mocks files beside
 * a module (tui/mockdlg.h). Expected values are worked out from
 * examples/people.py and the modules below. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/service.h"
#include "core/util.h"
#include "core/workflow.h"
#include "tui/app.h"
#include "tui/mockdlg.h"
#include "tui/simctl.h"
#include "tui/tmpl.h"

static const char *data_dir(void)
{
    const char *d = getenv("STC_TEST_DATA");
    if (!d)
        fail_msg("STC_TEST_DATA is not set");
    return d;
}

/* ---- default input -------------------------------------------------- */

static void test_default_input(void **st)
{
    (void)st;
    static const char src[] =
        "from typing import Optional\n"
        "\n"
        "class S:\n"
        "    async def _w(self, person_id: str, email: str, name: str, home_url: str, count: int,\n"
        "                 price: float, ok: bool, tags: list[str], ids: list[int], meta: dict,\n"
        "                 n: Optional[int], plain, id: str, note: Optional[str] = None,\n"
        "                 limit: int = 10, label: str = 'x', mode: str = \"fast\", on: bool = True,\n"
        "                 ratio: float = 0.5, items: list = [], odd: str = 'it''s') -> str:\n"
        "        return \"x\"\n";
    stc_service_options so = {.query_language = "jsonpath"}; /* JSONPath state names */
    stc_service *svc = stc_service_compile_source("s.py", src, strlen(src), &so);
    const stc_unit_info *u = stc_service_unit(svc, "_w");
    assert_non_null(u);
    char *in = stc_simctl_default_input(u->method);
    /* 'it''s' is two adjacent literals: not a JSON literal, so an example */
    assert_string_equal(in, "{\"person_id\":\"person-1\",\"email\":\"ann@example.com\",\"name\":\"Ann\","
                            "\"home_url\":\"https://example.com\",\"count\":1,\"price\":1.5,\"ok\":true,"
                            "\"tags\":[\"example\"],\"ids\":[1],\"meta\":{},\"n\":1,\"plain\":\"example\","
                            "\"id\":\"id-1\",\"note\":null,\"limit\":10,\"label\":\"x\",\"mode\":\"fast\","
                            "\"on\":true,\"ratio\":0.5,\"items\":[],\"odd\":\"example\"}");
    free(in);
    in = stc_simctl_default_input(NULL);
    assert_string_equal(in, "{}");
    free(in);
    stc_service_free(svc);
}

/* ---- answers -------------------------------------------------------- */

static void check_answer(const char *text, const char *want)
{
    char *err = NULL;
    cJSON *e = stc_simctl_parse_answer(text, &err);
    if (!want) {
        assert_null(e);
        assert_non_null(err);
        free(err);
        return;
    }
    if (!e)
        fail_msg("'%s' refused: %s", text, err);
    char *got = cJSON_PrintUnformatted(e);
    assert_string_equal(got, want);
    free(got);
    cJSON_Delete(e);
}

static void test_parse_answer(void **st)
{
    (void)st;
    check_answer("true", "{\"return\":true}");
    check_answer("  null ", "{\"return\":null}");
    check_answer("\"done\"", "{\"return\":\"done\"}");
    check_answer("{\"a\": [1, 2]}", "{\"return\":{\"a\":[1,2]}}");
    check_answer("3.5", "{\"return\":3.5}");
    check_answer("raise PaymentDeclined", "{\"raise\":\"PaymentDeclined\"}");
    check_answer("raise PaymentDeclined: card expired", "{\"raise\":\"PaymentDeclined\",\"cause\":\"card expired\"}");
    check_answer("raise States.Timeout:", "{\"raise\":\"States.Timeout\",\"cause\":\"\"}");
    check_answer("raise  E :  a: b", "{\"raise\":\"E\",\"cause\":\"a: b\"}");
    check_answer("raised", NULL);   /* not the keyword, not JSON */
    check_answer("done", NULL);
    check_answer("", NULL);
    check_answer("   ", NULL);
    check_answer("raise", NULL);
    check_answer("raise : why", NULL);
    check_answer("raise Two words: x", NULL);
    check_answer("true false", NULL);
    char *err = NULL;
    assert_null(stc_simctl_parse_answer("done", &err));
    assert_string_equal(err, "not JSON (text needs quotes: \"done\"), nor raise ErrorName: cause");
    free(err);
}

static bool rich_has(const stc_simctl *s, const char *needle)
{
    stc_rich r = STC_RICH_INIT;
    stc_simctl_describe(s, &r, 40);
    char *t = stc_rich_text(&r);
    bool found = strstr(t, needle) != NULL;
    free(t);
    stc_rich_free(&r);
    return found;
}

/* people.py _onboard with no mocks file: every Task asks. */
static void test_ask_flow(void **st)
{
    (void)st;
    char *path = stc_xasprintf("%s/../examples/people.py", data_dir());
    stc_service_options so = {.query_language = "jsonpath"}; /* JSONPath state names */
    stc_service *svc = stc_service_compile_file(path, &so);
    const stc_workflow *wf = stc_workflows_find(svc->workflows, "_onboard");
    assert_non_null(wf);
    stc_simctl *s = stc_simctl_new();
    char *err = NULL;
    assert_int_equal(stc_simctl_start(s, "_onboard", wf->asl, wf, svc->workflows, &err), 0);
    assert_string_equal(stc_simctl_input_text(s), "{\"person_id\":\"person-1\",\"email\":\"ann@example.com\"}");
    assert_null(stc_simctl_mocks_path(s));
    assert_false(stc_simctl_waiting(s));
    assert_null(stc_simctl_answer(s, "true", &err)); /* nothing waits yet */
    free(err);
    err = NULL;

    assert_string_equal(stc_simctl_step(s), "step 1: next Call _send_email (line 49)");
    /* the step into the Task asks, and is undone: the Task is still next */
    assert_string_equal(stc_simctl_step(s), "Call _send_email (line 49): no mock for _send_email; give its return value");
    assert_true(stc_simctl_waiting(s));
    assert_string_equal(stc_simctl_current(s), "Call _send_email (line 49)");
    assert_string_equal(stc_simctl_wait_call(s), "_send_email(address=\"ann@example.com\")");
    assert_string_equal(stc_simctl_wait_key(s), "_send_email");
    assert_true(rich_has(s, "_onboard WAITING  step 1"));
    assert_true(rich_has(s, "needs  _send_email(address=\"ann@example.com\") -> ?"));

    /* a refused answer changes nothing */
    assert_null(stc_simctl_answer(s, "nope", &err));
    free(err);
    err = NULL;
    assert_true(stc_simctl_waiting(s));
    assert_int_equal(stc_simctl_answer_count(s), 0);

    /* false: the step goes on */
    assert_string_equal(stc_simctl_answer(s, "false", &err), "step 2: next tries = 1 (line 50)");
    assert_false(stc_simctl_waiting(s));
    assert_int_equal(stc_simctl_answer_count(s), 1);

    /* G runs through the loop and the Wait to the second call, which asks */
    assert_string_equal(stc_simctl_run(s), "Call _send_email (line 55): no mock for _send_email; give its return value");
    assert_string_equal(stc_simctl_current(s), "Call _send_email (line 55)");
    assert_true(rich_has(s, "t = +10 s"));
    /* true: the run resumes, up to _mark_active */
    assert_string_equal(stc_simctl_answer(s, "true", &err),
                        "Call _mark_active (line 57): no mock for _mark_active; give its return value");
    assert_string_equal(stc_simctl_wait_call(s), "_mark_active(person_id=\"person-1\")");
    assert_string_equal(stc_simctl_answer(s, "null", &err), "execution SUCCEEDED after 13 steps");
    assert_true(rich_has(s, "output \"done\""));
    assert_true(rich_has(s, "asked  _send_email: false true; _mark_active: null"));
    assert_int_equal(stc_simctl_answer_count(s), 3);

    /* back to the start and forward again: the answers replay */
    for (int i = 0; i < 13; i++)
        stc_simctl_back(s);
    assert_string_equal(stc_simctl_current(s), "Start _onboard");
    assert_string_equal(stc_simctl_run(s), "execution SUCCEEDED after 13 steps");
    /* a restart (new input) replays them too */
    assert_int_equal(stc_simctl_set_input(s, "{\"person_id\":\"p-2\",\"email\":\"bo@example.com\"}", &err), 0);
    assert_string_equal(stc_simctl_run(s), "execution SUCCEEDED after 13 steps");

    /* no mocks file again: the answers are forgotten */
    assert_int_equal(stc_simctl_load_mocks(s, NULL, &err), 0);
    assert_int_equal(stc_simctl_answer_count(s), 0);
    stc_simctl_step(s);
    stc_simctl_step(s);
    assert_true(stc_simctl_waiting(s));
    assert_string_equal(stc_simctl_wait_call(s), "_send_email(address=\"bo@example.com\")");
    /* raise: the Task fails; the workflow's handler turns it into its error */
    assert_string_equal(stc_simctl_answer(s, "raise OnboardingFailed: no way", &err),
                        "step 2: next Lambda error? -> Fail with the exception");
    assert_string_equal(stc_simctl_run(s), "execution FAILED: OnboardingFailed: no way");

    /* a mocks file answers what it has; the rest still asks */
    char *mocks = stc_xasprintf("%s/../examples/people.unreachable.mocks.yaml", data_dir());
    assert_int_equal(stc_simctl_load_mocks(s, mocks, &err), 0);
    assert_string_equal(stc_simctl_mocks_path(s), mocks);
    assert_string_equal(stc_simctl_run(s), "execution FAILED: OnboardingFailed: could not reach bo@example.com");
    free(mocks);

    stc_simctl_free(s);
    stc_service_free(svc);
    free(path);
}

/* ---- mocks files beside the module ---------------------------------- */

static void put(const char *dir, const char *name, const char *text)
{
    char *p = stc_xasprintf("%s/%s", dir, name);
    char *err = NULL;
    if (stc_file_write_atomic(p, text, strlen(text), &err) != 0)
        fail_msg("%s", err);
    free(p);
}

static void test_mocks_files(void **st)
{
    (void)st;
    char tmpl[] = "/tmp/stc-mockdlg-XXXXXX";
    char *dir = mkdtemp(tmpl);
    assert_non_null(dir);
    assert_null(stc_mockdlg_default(NULL));
    char *mod = stc_xasprintf("%s/svc.py", dir);
    put(dir, "svc.py", "class S:\n    pass\n");
    assert_null(stc_mockdlg_default(mod));
    char **v;
    assert_int_equal(stc_mockdlg_scripts(mod, &v), 0);
    free(v);

    put(dir, "svc.mocks.json", "{}");
    char *d = stc_mockdlg_default(mod);
    char *want = stc_xasprintf("%s/svc.mocks.json", dir);
    assert_string_equal(d, want);
    free(d);
    free(want);
    put(dir, "svc.mocks.yaml", "\n  # The default script.  \n# second line\n_f:\n  - return: 1\n");
    put(dir, "svc.b.mocks.yaml", "_f:\n  - return: 2\n# a comment after the first entry\n");
    put(dir, "svc.a.mocks.json", "{\"_f\": {\"return\": 3}}");
    put(dir, "svcx.mocks.yaml", "{}");      /* another module's */
    put(dir, "other.mocks.yaml", "{}");
    put(dir, "svc..mocks.yaml", "{}");      /* no script name */
    put(dir, "svc.mocks.yaml.bak", "{}");
    char *sub = stc_xasprintf("%s/svc.dir.mocks.yaml", dir);
    assert_int_equal(mkdir(sub, 0700), 0); /* not a file */
    d = stc_mockdlg_default(mod);
    want = stc_xasprintf("%s/svc.mocks.yaml", dir);
    assert_string_equal(d, want);
    free(want);
    free(d);
    size_t n = stc_mockdlg_scripts(mod, &v);
    static const char *const names[] = {"svc.mocks.yaml", "svc.mocks.json", "svc.a.mocks.json",
                                        "svc.b.mocks.yaml"};
    assert_int_equal(n, 4);
    for (size_t i = 0; i < n; i++) {
        char *p = stc_xasprintf("%s/%s", dir, names[i]);
        assert_string_equal(v[i], p);
        free(p);
    }
    char *desc = stc_mockdlg_describe(v[0]);
    assert_string_equal(desc, "The default script.");
    free(desc);
    assert_null(stc_mockdlg_describe(v[3])); /* no comment before the first entry */
    assert_null(stc_mockdlg_describe(v[1]));
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);

    /* a state machine file and a path without a folder */
    put(dir, "wait.asl.json", "{}");
    put(dir, "wait.mocks.yml", "{}");
    char cwd[PATH_MAX];
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir(dir), 0);
    d = stc_mockdlg_default("wait.asl.json");
    assert_string_equal(d, "wait.mocks.yml");
    free(d);
    n = stc_mockdlg_scripts("svc.py", &v);
    assert_int_equal(n, 4);
    assert_string_equal(v[0], "svc.mocks.yaml");
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
    assert_int_equal(chdir(cwd), 0);

    char *cmd = stc_xasprintf("rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
    free(cmd);
    free(sub);
    free(mod);
}

/* The workbench loads the default mocks file; one that does not load is
 * STC956 and the simulator has no mocks. */
static void test_app_default_mocks(void **st)
{
    (void)st;
    char tmpl[] = "/tmp/stc-appmocks-XXXXXX";
    char *dir = mkdtemp(tmpl);
    assert_non_null(dir);
    put(dir, "w.py", "class S:\n    def _f(self) -> bool:\n        return True\n\n"
                     "    async def _w(self) -> bool:\n        return self._f()\n");
    char *mod = stc_xasprintf("%s/w.py", dir);
    char *mocks = stc_xasprintf("%s/w.mocks.yaml", dir);
    put(dir, "w.mocks.yaml", "# fine\n_f:\n  - return: false\n");
    stc_app_options o = {.path = mod};
    char *err = NULL;
    stc_app *app = stc_app_new(&o, false, &err);
    assert_non_null(app);
    assert_string_equal(stc_simctl_mocks_path(app->sim), mocks);
    assert_int_equal(app->ui_diags.count, 0);
    stc_app_free(app);

    put(dir, "w.mocks.yaml", "_f:\n  - retrun: false\n");
    app = stc_app_new(&o, false, &err);
    assert_non_null(app);
    assert_null(stc_simctl_mocks_path(app->sim));
    assert_int_equal(app->ui_diags.count, 1);
    const stc_diag *d = &app->ui_diags.items[0];
    assert_string_equal(d->code, "STC956");
    assert_int_equal(d->severity, STC_SEV_WARNING);
    assert_string_equal(d->file, mocks);
    char *want = stc_xasprintf("the mocks file beside the module was not loaded: %s: mock '_f' entry 1 "
                               "needs exactly one of 'return' and 'raise'", mocks);
    assert_string_equal(d->message, want);
    assert_string_equal(app->message, want);
    free(want);
    stc_app_free(app);

    char *cmd = stc_xasprintf("rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
    free(cmd);
    free(mod);
    free(mocks);
}

/* ---- the template pane's text, written on demand -------------------- */

static void test_tmpl_yaml_on_demand(void **st)
{
    (void)st;
    static const char src[] = "class S:\n"
                              "    def get_item(self, item_id: str) -> dict:\n"
                              "        return {}\n";
    stc_service_options so = {.query_language = "jsonpath"}; /* JSONPath state names */
    stc_service *svc = stc_service_compile_source("s.py", src, strlen(src), &so);
    stc_tmpl t;
    memset(&t, 0, sizeof t);
    stc_tmpl_update(&t, svc, "dev", NULL, NULL);
    /* the tree is built (its diagnostics count on the first frame), the text is not */
    assert_non_null(t.tree);
    assert_null(t.yaml);
    const char *y = stc_tmpl_yaml(&t);
    assert_non_null(y);
    static const char head[] = "AWSTemplateFormatVersion: '2010-09-09'\nDescription: S (s.py), dev mode.";
    assert_int_equal(strncmp(y, head, strlen(head)), 0);
    assert_ptr_equal(stc_tmpl_yaml(&t), y); /* written once */
    /* a mode change drops the text; the comparison is still built at once */
    stc_tmpl_update(&t, svc, "prod", "dev", NULL);
    assert_null(t.yaml);
    assert_non_null(t.changes);
    assert_string_equal(t.prev_mode, "dev");
    y = stc_tmpl_yaml(&t);
    static const char head2[] = "AWSTemplateFormatVersion: '2010-09-09'\nDescription: S (s.py), prod mode.";
    assert_int_equal(strncmp(y, head2, strlen(head2)), 0);
    stc_tmpl_free(&t);
    stc_service_free(svc);
    /* no module: no text, and the reason */
    static const char bad[] = "class S(:\n";
    svc = stc_service_compile_source("s.py", bad, strlen(bad), &so);
    stc_tmpl_update(&t, svc, "dev", NULL, NULL);
    assert_null(stc_tmpl_yaml(&t));
    assert_string_equal(t.why, "no template: the module does not compile");
    stc_tmpl_free(&t);
    stc_service_free(svc);
}

int main(void)
{
    setlocale(LC_ALL, "C.UTF-8");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_input),
        cmocka_unit_test(test_parse_answer),
        cmocka_unit_test(test_ask_flow),
        cmocka_unit_test(test_mocks_files),
        cmocka_unit_test(test_app_default_mocks),
        cmocka_unit_test(test_tmpl_yaml_on_demand),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
