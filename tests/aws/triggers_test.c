/* triggers_test.c - core/triggers.c and the trigger parts of the template:
 * schedule expressions, diagnostics at YAML positions, checks against the
 * service, and the resources and roles examples/photos.py gets per mode.
 * Expected values worked out by hand from docs/triggers.md. */
#include "template_test_util.h"

#include "core/triggers.h"

/* ---- schedule expressions --------------------------------------------------- */

typedef struct {
    const char *expr;
    bool valid;
    const char *why; /* a piece of the message when invalid */
} sched_case;

static const sched_case sched_cases[] = {
    {"rate(1 minute)", true, NULL},
    {"rate(5 minutes)", true, NULL},
    {"rate(1 hour)", true, NULL},
    {"rate(12 hours)", true, NULL},
    {"rate(1 day)", true, NULL},
    {"rate(7 days)", true, NULL},
    {"rate(1 minutes)", false, "singular unit 'minute'"},
    {"rate(1 days)", false, "singular unit 'day'"},
    {"rate(5 minute)", false, "plural unit 'minutes'"},
    {"rate(2 hour)", false, "plural unit 'hours'"},
    {"rate(0 minutes)", false, "not a positive whole number"},
    {"rate(-1 minutes)", false, "not a positive whole number"},
    {"rate(1.5 hours)", false, "not a positive whole number"},
    {"rate(1 week)", false, "minute(s), hour(s) or day(s)"},
    {"rate(5minutes)", false, "separated by one space"},
    {"rate(5  minutes)", false, "minute(s), hour(s) or day(s)"},
    {"cron(0 12 * * ? *)", true, NULL},
    {"cron(0 8 ? * MON-FRI *)", true, NULL},
    {"cron(15 10 ? * 6L 2025-2030)", true, NULL},
    {"cron(0/15 * * * ? *)", true, NULL},
    {"cron(0 18 ? * MON#1 *)", true, NULL},
    {"cron(0 0 L * ? *)", true, NULL},
    {"cron(0 9 15W * ? *)", true, NULL},
    {"cron(0 10 * JAN,JUL ? *)", true, NULL},
    {"cron(5,35 14 * * ? *)", true, NULL},
    {"cron(0 12 * * ?)", false, "has 5 fields"},
    {"cron(0 12 * * * *)", false, "exactly one of day-of-month and day-of-week must be '?'"},
    {"cron(0 12 ? * ? *)", false, "(both are)"},
    {"cron(0 12 1 * MON *)", false, "exactly one of day-of-month and day-of-week"},
    {"cron(60 12 * * ? *)", false, "'60' is not a valid minutes value"},
    {"cron(0 24 * * ? *)", false, "'24' is not a valid hours value"},
    {"cron(0 12 32 * ? *)", false, "'32' is not a valid day-of-month value"},
    {"cron(0 12 * 13 ? *)", false, "'13' is not a valid month value"},
    {"cron(0 12 ? * 8 *)", false, "'8' is not a valid day-of-week value"},
    {"cron(0 12 ? * MON#6 *)", false, "'MON#6' is not a valid day-of-week value"},
    {"cron(0 12 * * ? 1969)", false, "'1969' is not a valid year value"},
    {"cron(0/0 12 * * ? *)", false, "'0/0' is not a valid minutes value"},
    {"cron(? 12 * * ? *)", false, "'?' is not allowed in the minutes field"},
    {"cron(0 12 * FOO ? *)", false, "'FOO' is not a valid month value"},
    {"every 5 minutes", false, "must be rate(...) or cron(...)"},
};

static void test_schedule_expressions(void **state)
{
    (void)state;
    for (size_t i = 0; i < STC_ARRAY_LEN(sched_cases); i++) {
        const sched_case *c = &sched_cases[i];
        char *why = NULL, *hint = NULL;
        bool ok = stc_schedule_valid(c->expr, &why, &hint);
        if (ok != c->valid || (!ok && !strstr(why, c->why)))
            fail_msg("%s: valid=%d why=%s", c->expr, ok, why ? why : "(none)");
        free(why);
        free(hint);
    }
}

/* ---- diagnostics at YAML positions -------------------------------------- */

static const char module_src[] =
    "from asyncio import Queue\n"
    "from typing import MutableMapping\n"
    "\n"
    "\n"
    "class S:\n"
    "    def __init__(self):\n"
    "        self.files: MutableMapping[str, bytes] = {}\n"
    "        self.rows: MutableMapping[str, dict] = {}\n"
    "        self.jobs: Queue[dict] = Queue()\n"
    "\n"
    "    def get_row(self, row_id: str) -> dict:\n"
    "        return self.rows[row_id]\n"
    "\n"
    "    def _on_file(self, key: str, size: int) -> None:\n"
    "        self.rows[key] = {\"size\": size}\n"
    "\n"
    "    def _bad_key(self, key: int) -> None:\n"
    "        pass\n"
    "\n"
    "    def _needs_owner(self, key: str, owner: str) -> None:\n"
    "        pass\n"
    "\n"
    "    def _work(self, message: dict, receive_count: int = 1) -> None:\n"
    "        pass\n"
    "\n"
    "    def _every(self, days: int, label: str = \"x\") -> None:\n"
    "        pass\n"
    "\n"
    "    async def _flow(self, key: str) -> str:\n"
    "        return key\n";

/* Compile module_src, load `yaml` as its configuration and check the
 * triggers. Returns the diagnostics (caller frees). */
static stc_diags run(const char *yaml)
{
    stc_service_options opts = {.mode = "dev"};
    stc_service *svc = stc_service_compile_source("svc.py", module_src, strlen(module_src), &opts);
    assert_false(stc_diags_has_errors(&svc->diags));
    stc_diags d = STC_DIAGS_INIT;
    stc_config *c = stc_config_load(stc_aws_config_schema(), "dev", "svc.stc.yaml", yaml, strlen(yaml), svc->units,
                                    svc->nunits, &d);
    if (c && c->triggers)
        stc_triggers_check(c->triggers, svc->units, svc->nunits, svc->resources, &d);
    stc_config_free(c);
    stc_service_free(svc);
    return d;
}

typedef struct {
    const char *yaml;
    const char *code;
    int line, col;
    const char *msg;  /* a piece of the message */
    const char *hint; /* a piece of the hint, or NULL */
} diag_case;

static const diag_case diag_cases[] = {
    {"triggers:\n  - schedule: rate(1 hours)\n    target: _every\n    input: {days: 1}\n", "STC535", 2, 15,
     "singular unit 'hour'", "rate(1 hour)"},
    {"triggers:\n  - schedule: cron(0 12 * * ?)\n    target: _every\n    input: {days: 1}\n", "STC536", 2, 15,
     "has 5 fields", "add the year field"},
    {"triggers:\n  - schedule: cron(0 12 * * * *)\n    target: _every\n    input: {days: 1}\n", "STC536", 2, 15,
     "must be '?'", "put ? in one of them"},
    {"triggers:\n  - schedule: rate(1 day)\n    target: get_row\n", "STC534", 3, 13, "'get_row' is a rest unit (line 11)",
     "internal function or workflow"},
    {"triggers:\n  - schedule: rate(1 day)\n    target: _evry\n", "STC534", 3, 13, "no method '_evry'",
     "did you mean '_every'?"},
    {"triggers:\n  - schedule: rate(1 day)\n    target: _every\n", "STC539", 3, 13,
     "nothing gives its parameter 'days'", "input: {days: ...}"},
    {"triggers:\n  - schedule: rate(1 day)\n    target: _every\n    input: {days: seven}\n", "STC539", 3, 13,
     "input 'days' is a string", NULL},
    {"triggers:\n  - schedule: rate(1 day)\n    target: _every\n    input: {days: 7, weeks: 1}\n", "STC539", 3, 13,
     "input 'weeks' is not a parameter of _every (line 26)", NULL},
    {"triggers:\n  - object_created: files\n    target: _bad_key\n", "STC539", 3, 13,
     "passes 'key' as str, but _bad_key(key: int)", "annotate key: str"},
    {"triggers:\n  - object_created: files\n    target: _needs_owner\n", "STC539", 3, 13,
     "nothing gives its parameter 'owner'", "key: str, size: int, bucket: str, etag: str, time: str"},
    {"triggers:\n  - object_removed: files\n    target: _on_file\n", "STC539", 3, 13,
     "nothing gives its parameter 'size'", NULL},
    {"triggers:\n  - object_created: rows\n    target: _on_file\n", "STC537", 2, 21, "self.rows is a table", NULL},
    {"triggers:\n  - object_created: fils\n    target: _on_file\n", "STC537", 2, 21, "no object store named 'fils'",
     "did you mean 'files'?"},
    {"triggers:\n  - queue: jobs\n    target: _flow\n", "STC540", 3, 13, "'_flow' is a workflow",
     "internal function that starts the workflow"},
    {"triggers:\n  - topic: arn:aws:sns:eu-west-1:123456789012:news\n    target: _flow\n", "STC540", 3, 13,
     "a topic trigger delivers", NULL},
    {"triggers:\n  - topic: news\n    target: _work\n", "STC538", 2, 12, "'news' is not an SNS topic ARN", NULL},
    {"triggers:\n  - queue: jobs\n    tagret: _work\n", "STC531", 3, 5, "unknown key 'tagret'",
     "did you mean 'target'?"},
    {"triggers:\n  - queue: jobs\n    schedule: rate(1 day)\n    target: _work\n", "STC532", 3, 5,
     "has 'queue' and 'schedule'", NULL},
    {"triggers:\n  - target: _work\n", "STC532", 2, 5, "no source", NULL},
    {"triggers:\n  - queue: jobs\n", "STC533", 2, 5, "no target", NULL},
    {"triggers:\n  - queue: jobs\n    target: _work\n    batch_size: 11\n", "STC541", 4, 17, "from 1 to 10", NULL},
    {"triggers:\n  - queue: jobs\n    target: _work\n    enabled: {prd: false}\n", "STC542", 4, 15,
     "unknown mode 'prd'", "did you mean 'prod'?"},
    {"triggers:\n  - queue: jobs\n    target: _work\n    input: {x: 1}\n", "STC531", 4, 12,
     "'input' applies to schedules", NULL},
    {"triggers:\n  - object_created: files\n    target: _on_file\n    prefix: \"a*\"\n", "STC541", 4, 13,
     "'*' and '?' are not allowed", NULL},
    {"triggers:\n  - queue: jobs\n    target: _work\n  - queue: jobs\n    target: _work\n", "STC543", 4, 12,
     "already has a trigger (line 2)", NULL},
    {"triggers:\n  - queue: jobs\n    target: _work\n    enabled: false\n", "STC544", 2, 5,
     "disabled in every mode", NULL},
    {"triggers: {queue: jobs}\n", "STC530", 1, 11, "must be a list", NULL},
    {"triggers:\n  - rate(1 day)\n", "STC530", 2, 5, "must be a mapping", NULL},
};

static void test_diagnostics(void **state)
{
    (void)state;
    for (size_t i = 0; i < STC_ARRAY_LEN(diag_cases); i++) {
        const diag_case *c = &diag_cases[i];
        stc_diags d = run(c->yaml);
        if (d.count != 1) {
            stc_diags_print(&d, stderr, NULL);
            fail_msg("case %zu (%s): %zu diagnostics, want 1", i, c->code, d.count);
        }
        const stc_diag *g = &d.items[0];
        if (strcmp(g->code, c->code) != 0 || g->line != c->line || g->col != c->col || !strstr(g->message, c->msg) ||
            (c->hint && (!g->hint || !strstr(g->hint, c->hint))) || strcmp(g->file, "svc.stc.yaml") != 0)
            fail_msg("case %zu: got %s %d:%d '%s' hint '%s'; want %s %d:%d '%s' hint '%s'", i, g->code, g->line,
                     g->col, g->message, g->hint ? g->hint : "", c->code, c->line, c->col, c->msg,
                     c->hint ? c->hint : "");
        stc_diags_free(&d);
    }
}

static void test_valid_entries(void **state)
{
    (void)state;
    const char *yaml = "triggers:\n"
                       "  - object_created: files\n    target: _on_file\n    prefix: in/\n"
                       "  - object_removed: files\n    target: _flow\n"
                       "  - queue: jobs\n    target: _work\n    batch_size: 3\n"
                       "  - schedule: cron(0 3 * * ? *)\n    target: _every\n    input: {days: 7, label: nightly}\n"
                       "    enabled: {dev: false}\n"
                       "  - topic: arn:aws:sns:eu-west-1:123456789012:news\n    target: _work\n";
    stc_diags d = run(yaml);
    if (d.count)
        stc_diags_print(&d, stderr, NULL);
    assert_int_equal(d.count, 0);
    stc_diags_free(&d);
}

/* ---- examples/photos.py: template per mode ---------------------------------- */

static const char *str_at(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void test_photos_prod(void **state)
{
    (void)state;
    stc_service *svc;
    stc_template_parts parts;
    cJSON *t = tt_template("photos.py", "prod", &svc, &parts);

    /* the bucket sends its events to EventBridge */
    const cJSON *nc = tt_prop(t, "PhotosBucket", "NotificationConfiguration");
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetObjectItem(nc, "EventBridgeConfiguration"),
                                                 "EventBridgeEnabled")));
    assert_null(tt_prop(t, "ThumbnailsBucket", "NotificationConfiguration"));
    /* object created -> rule -> the function, allowed by a permission scoped to the rule */
    const cJSON *pat = tt_prop(t, "OnPhotoCreatedTrigger1Rule", "EventPattern");
    assert_string_equal(cJSON_GetArrayItem(cJSON_GetObjectItem(pat, "detail-type"), 0)->valuestring, "Object Created");
    const cJSON *detail = cJSON_GetObjectItem(pat, "detail");
    char *bn = tt_res_text(cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetObjectItem(detail, "bucket"), "name"), 0));
    assert_string_equal(bn, "!Ref PhotosBucket");
    free(bn);
    assert_string_equal(
        str_at(cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetObjectItem(detail, "object"), "key"), 0), "suffix"),
        ".jpg");
    const cJSON *target = cJSON_GetArrayItem(tt_prop(t, "OnPhotoCreatedTrigger1Rule", "Targets"), 0);
    char *arn = tt_res_text(cJSON_GetObjectItem(target, "Arn"));
    assert_string_equal(arn, "OnPhotoCreatedFunction.Arn");
    free(arn);
    assert_null(cJSON_GetObjectItem(target, "Input")); /* the function gets the S3 event itself */
    assert_null(cJSON_GetObjectItem(target, "InputTransformer"));
    assert_string_equal(cJSON_GetStringValue(tt_prop(t, "OnPhotoCreatedTrigger1Permission", "Principal")),
                        "events.amazonaws.com");
    char *src = tt_res_text(tt_prop(t, "OnPhotoCreatedTrigger1Permission", "SourceArn"));
    assert_string_equal(src, "OnPhotoCreatedTrigger1Rule.Arn");
    free(src);
    assert_string_equal(cJSON_GetStringValue(cJSON_GetArrayItem(
                            cJSON_GetObjectItem(tt_prop(t, "OnPhotoRemovedTrigger1Rule", "EventPattern"), "detail-type"),
                            0)),
                        "Object Deleted");

    /* the queue: a mapping with batch failures, visibility 6 x 30 s */
    assert_int_equal(cJSON_GetNumberValue(tt_prop(t, "MakeThumbnailTrigger1EventSourceMapping", "BatchSize")), 5);
    assert_string_equal(cJSON_GetStringValue(cJSON_GetArrayItem(
                            tt_prop(t, "MakeThumbnailTrigger1EventSourceMapping", "FunctionResponseTypes"), 0)),
                        "ReportBatchItemFailures");
    char *esa = tt_res_text(tt_prop(t, "MakeThumbnailTrigger1EventSourceMapping", "EventSourceArn"));
    assert_string_equal(esa, "JobsQueue.Arn");
    free(esa);
    assert_int_equal(cJSON_GetNumberValue(tt_prop(t, "JobsQueue", "VisibilityTimeout")), 180);
    /* its role: what the code uses, plus consuming the queue (through SQS with the key) */
    TT_ASSERT_PERMS(t, "MakeThumbnailFunctionRole", "logs:CreateLogStream MakeThumbnailFunctionLogGroup.Arn",
                    "logs:PutLogEvents MakeThumbnailFunctionLogGroup.Arn", "s3:GetObject !Sub ${PhotosBucket.Arn}/*",
                    "s3:PutObject !Sub ${ThumbnailsBucket.Arn}/*", "kms:Decrypt DataKey.Arn",
                    "kms:GenerateDataKey DataKey.Arn", "sqs:ReceiveMessage JobsQueue.Arn",
                    "sqs:DeleteMessage JobsQueue.Arn", "sqs:GetQueueAttributes JobsQueue.Arn",
                    "xray:PutTraceSegments *", "xray:PutTelemetryRecords *");

    /* the schedule starts the workflow with its input, through its own role */
    const cJSON *st = cJSON_GetArrayItem(tt_prop(t, "NightlyCleanupTrigger1Rule", "Targets"), 0);
    assert_string_equal(cJSON_GetStringValue(tt_prop(t, "NightlyCleanupTrigger1Rule", "ScheduleExpression")),
                        "cron(0 3 * * ? *)");
    assert_string_equal(str_at(st, "Input"), "{\"keep\": 500}");
    char *ra = tt_res_text(cJSON_GetObjectItem(st, "RoleArn"));
    assert_string_equal(ra, "NightlyCleanupTrigger1Role.Arn");
    free(ra);
    TT_ASSERT_PERMS(t, "NightlyCleanupTrigger1Role", "states:StartExecution !Ref NightlyCleanupStateMachine");

    /* the topic: a subscription and a permission scoped to the topic */
    assert_string_equal(cJSON_GetStringValue(tt_prop(t, "OnAnnouncementTrigger1Subscription", "TopicArn")),
                        "arn:aws:sns:eu-west-1:123456789012:photo-announcements");
    assert_string_equal(cJSON_GetStringValue(tt_prop(t, "OnAnnouncementTrigger1Subscription", "Protocol")), "lambda");
    assert_string_equal(cJSON_GetStringValue(tt_prop(t, "OnAnnouncementTrigger1Permission", "SourceArn")),
                        "arn:aws:sns:eu-west-1:123456789012:photo-announcements");
    assert_string_equal(cJSON_GetStringValue(tt_prop(t, "OnAnnouncementTrigger1Permission", "Principal")),
                        "sns.amazonaws.com");
    cJSON_Delete(t);
    stc_template_parts_free(&parts);
    stc_service_free(svc);
}

static void test_photos_dev(void **state)
{
    (void)state;
    stc_service *svc;
    stc_template_parts parts;
    cJSON *t = tt_template("photos.py", "dev", &svc, &parts);
    /* enabled: {dev: false}: no rule, no role in dev */
    assert_null(tt_res(t, "NightlyCleanupTrigger1Rule"));
    assert_null(tt_res(t, "NightlyCleanupTrigger1Role"));
    assert_non_null(tt_res(t, "OnPhotoCreatedTrigger1Rule"));
    /* dev functions time out at 10 s: 60 s visibility */
    assert_int_equal(cJSON_GetNumberValue(tt_prop(t, "JobsQueue", "VisibilityTimeout")), 60);
    TT_ASSERT_PERMS(t, "MakeThumbnailFunctionRole", "logs:CreateLogStream MakeThumbnailFunctionLogGroup.Arn",
                    "logs:PutLogEvents MakeThumbnailFunctionLogGroup.Arn", "s3:GetObject !Sub ${PhotosBucket.Arn}/*",
                    "s3:PutObject !Sub ${ThumbnailsBucket.Arn}/*", "sqs:ReceiveMessage JobsQueue.Arn",
                    "sqs:DeleteMessage JobsQueue.Arn", "sqs:GetQueueAttributes JobsQueue.Arn");
    /* the spec and routes see the trigger, disabled in this mode */
    const stc_triggers *trs = svc->config->triggers;
    assert_int_equal(trs->count, 5);
    cJSON *j = stc_triggers_to_json(trs, svc->config->mode);
    const cJSON *sched = cJSON_GetArrayItem(j, 3);
    assert_string_equal(str_at(sched, "kind"), "schedule");
    assert_string_equal(str_at(sched, "function"), "_nightly_cleanup");
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(sched, "async")));
    assert_true(cJSON_IsFalse(cJSON_GetObjectItem(sched, "enabled")));
    char *modes = cJSON_PrintUnformatted(cJSON_GetObjectItem(sched, "modes"));
    assert_string_equal(modes, "[\"test\",\"stage\",\"prod\"]");
    free(modes);
    char *params = cJSON_PrintUnformatted(cJSON_GetObjectItem(cJSON_GetArrayItem(j, 4), "params"));
    assert_string_equal(params, "[\"message\",\"subject\"]");
    free(params);
    cJSON_Delete(j);
    cJSON_Delete(t);
    stc_template_parts_free(&parts);
    stc_service_free(svc);
}

/* A service without a config file gets no trigger resources (the other examples). */
static void test_people_untouched(void **state)
{
    (void)state;
    stc_service *svc;
    stc_template_parts parts;
    cJSON *t = tt_template("people.py", "prod", &svc, &parts);
    assert_null(svc->config->triggers);
    const cJSON *r;
    cJSON_ArrayForEach(r, cJSON_GetObjectItem(t, "Resources")) assert_null(strstr(r->string, "Trigger"));
    cJSON_Delete(t);
    stc_template_parts_free(&parts);
    stc_service_free(svc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_schedule_expressions), cmocka_unit_test(test_diagnostics),
        cmocka_unit_test(test_valid_entries),        cmocka_unit_test(test_photos_prod),
        cmocka_unit_test(test_photos_dev),           cmocka_unit_test(test_people_untouched),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    stc_py_finalize();
    return rc;
}
