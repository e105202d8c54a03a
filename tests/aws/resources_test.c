/* resources_test.c - __init__ parameters and resources, and the access
 * analysis: every operation on tables, buckets and queues, helpers followed,
 * aliases, calls of other units, post_to_connection, and the mistakes. The
 * expected operations are those the runtime performs (stc_runtime.py). */
#include "template_test_util.h"

#include "core/aws/iam.h"
#include "core/resources.h"

#define B(x) (1u << STC_OP_##x)

static const stc_unit_access *ua_of(const stc_service *svc, const char *unit)
{
    for (size_t u = 0; u < svc->resources->nunits; u++)
        if (!strcmp(svc->resources->units[u].unit->method->name, unit))
            return &svc->resources->units[u];
    fail_msg("no unit %s", unit);
    return NULL;
}

static const char *const src_ops =
    "from asyncio import Queue\n"
    "from typing import MutableMapping\n"
    "import stc_runtime as rt\n"
    "\n"
    "class S:\n"
    "    def __init__(self, name: str, size: int = 3, ratio: float = 0.5, tags: list[str] = [\"a\", \"b\"]):\n"
    "        self.items: MutableMapping[str, dict] = {}\n"
    "        self.blobs: dict[str, bytes] = {}\n"
    "        self.jobs: Queue[dict] = Queue()\n"
    "        self.counts: Dict[int, int] = {}\n"
    "        self.name = name\n"
    "\n"
    "    def get_item(self, item_id: str) -> dict:\n"
    "        return self.items.get(item_id)\n"
    "\n"
    "    def list_items(self) -> list:\n"
    "        return sorted(self.items)\n"
    "\n"
    "    def count_item(self, item_id: str) -> int:\n"
    "        return len(self.items) + (1 if item_id in self.items else 0)\n"
    "\n"
    "    def put_blob(self, blob_id: str, data: bytes) -> None:\n"
    "        self.blobs[blob_id] = data\n"
    "\n"
    "    def delete_blob(self, blob_id: str) -> None:\n"
    "        del self.blobs[blob_id]\n"
    "\n"
    "    def list_blobs(self) -> list:\n"
    "        return list(self.blobs.keys())\n"
    "\n"
    "    def _drain(self) -> None:\n"
    "        self.items.clear()\n"
    "\n"
    "    def _enqueue(self, job: dict) -> None:\n"
    "        self.jobs.put_nowait(job)\n"
    "        self.__note(job)\n"
    "\n"
    "    def _work(self) -> int:\n"
    "        t = self.items\n"
    "        job = self.jobs.get_nowait()\n"
    "        t[job[\"id\"]] = job\n"
    "        return self.jobs.qsize()\n"
    "\n"
    "    def __note(self, job: dict) -> None:\n"
    "        self.counts[1] += 1\n"
    "        self.__deeper()\n"
    "\n"
    "    def __deeper(self) -> None:\n"
    "        self.blobs.pop(\"x\", None)\n"
    "\n"
    "    def on_message(self, url: str, connection_id: str) -> None:\n"
    "        rt.post_to_connection(url, connection_id, self._enqueue({}))\n"
    "\n"
    "    async def _flow(self, n: int) -> int:\n"
    "        self._enqueue({\"id\": \"1\"})\n"
    "        return self._work()\n";

static void test_params_and_resources(void **state)
{
    (void)state;
    stc_service *svc = tt_compile_text("svc.py", src_ops);
    const stc_resources *r = svc->resources;
    assert_non_null(r);
    assert_int_equal(r->nparams, 4);
    assert_string_equal(r->params[0].logical, "Name");
    assert_string_equal(r->params[0].env, "STC_PARAM_NAME");
    assert_int_equal(r->params[0].type, STC_PARAM_STRING);
    assert_null(r->params[0].default_value);
    assert_int_equal(r->params[1].type, STC_PARAM_NUMBER);
    assert_string_equal(r->params[1].default_value, "3");
    assert_int_equal(r->params[2].type, STC_PARAM_NUMBER);
    assert_string_equal(r->params[2].default_value, "0.5");
    assert_int_equal(r->params[3].type, STC_PARAM_LIST);
    assert_string_equal(r->params[3].default_value, "a,b");
    assert_string_equal(stc_param_type_cfn(r->params[3].type), "CommaDelimitedList");

    assert_int_equal(r->nresources, 4);
    assert_int_equal(r->resources[0].kind, STC_RES_TABLE);
    assert_string_equal(r->resources[0].logical, "ItemsTable");
    assert_string_equal(r->resources[0].env, "STC_TABLE_ITEMS");
    assert_int_equal(r->resources[1].kind, STC_RES_BUCKET);
    assert_string_equal(r->resources[1].logical, "BlobsBucket");
    assert_int_equal(r->resources[2].kind, STC_RES_QUEUE);
    assert_string_equal(r->resources[2].env, "STC_QUEUE_JOBS");
    assert_int_equal(r->resources[3].kind, STC_RES_TABLE);
    assert_string_equal(r->resources[3].key_type, "int");
    assert_int_equal(r->nconfig, 1);
    assert_string_equal(r->config[0].attr, "name");
    stc_service_free(svc);
}

static void test_operations(void **state)
{
    (void)state;
    stc_service *svc = tt_compile_text("svc.py", src_ops);
    for (size_t i = 0; i < svc->diags.count; i++)
        assert_int_not_equal(svc->diags.items[i].severity, STC_SEV_ERROR);
    assert_int_equal(tt_ops_of(svc, "get_item", "items"), B(GET));
    assert_int_equal(tt_ops_of(svc, "list_items", "items"), B(SCAN));
    assert_int_equal(tt_ops_of(svc, "count_item", "items"), B(SCAN) | B(GET));
    assert_int_equal(tt_ops_of(svc, "put_blob", "blobs"), B(PUT));
    /* the runtime checks the object exists before deleting it */
    assert_int_equal(tt_ops_of(svc, "delete_blob", "blobs"), B(GET) | B(DELETE));
    assert_int_equal(tt_ops_of(svc, "list_blobs", "blobs"), B(SCAN));
    /* clear() = popitem() until empty: list, read, delete */
    assert_int_equal(tt_ops_of(svc, "_drain", "items"), B(SCAN) | B(GET) | B(DELETE));
    /* _enqueue sends, and its helpers (transitively) update counts and pop a blob */
    assert_int_equal(tt_ops_of(svc, "_enqueue", "jobs"), B(SEND));
    assert_int_equal(tt_ops_of(svc, "_enqueue", "counts"), B(GET) | B(PUT));
    assert_int_equal(tt_ops_of(svc, "_enqueue", "blobs"), B(GET) | B(DELETE));
    /* through the alias t = self.items */
    assert_int_equal(tt_ops_of(svc, "_work", "items"), B(PUT));
    assert_int_equal(tt_ops_of(svc, "_work", "jobs"), B(RECEIVE) | B(INSPECT));
    const stc_unit_access *ua = ua_of(svc, "on_message");
    assert_true(ua->posts_to_connections);
    assert_int_equal(ua->ninvokes, 1);
    assert_string_equal(ua->invokes[0], "_enqueue");
    assert_int_equal(ua->naccesses, 0);
    ua = ua_of(svc, "_flow");
    assert_int_equal(ua->ninvokes, 2);
    assert_string_equal(ua->invokes[0], "_enqueue");
    assert_string_equal(ua->invokes[1], "_work");
    ua = ua_of(svc, "_enqueue");
    assert_int_equal(ua->nhelpers, 2);
    assert_string_equal(ua->helpers[0], "__note");
    assert_string_equal(ua->helpers[1], "__deeper");
    stc_service_free(svc);
}

/* operation -> AWS actions, as docs/template.md lists them */
static void test_actions(void **state)
{
    (void)state;
    const char *a[4];
    assert_int_equal(stc_iam_op_actions(STC_RES_TABLE, STC_OP_SCAN, a, 4), 1);
    assert_string_equal(a[0], "dynamodb:Scan");
    assert_int_equal(stc_iam_op_actions(STC_RES_BUCKET, STC_OP_SCAN, a, 4), 1);
    assert_string_equal(a[0], "s3:ListBucket");
    assert_int_equal(stc_iam_op_actions(STC_RES_QUEUE, STC_OP_RECEIVE, a, 4), 2);
    assert_string_equal(a[0], "sqs:ReceiveMessage");
    assert_string_equal(a[1], "sqs:DeleteMessage");
    assert_int_equal(stc_iam_op_actions(STC_RES_TABLE, STC_OP_SEND, a, 4), 0);
}

typedef struct bad {
    const char *src;
    const char *code;
    int line, col;
} bad;

static void test_mistakes(void **state)
{
    (void)state;
    const bad cases[] = {
        {"class S:\n    def __init__(self, flag: bool):\n        pass\n", "STC503", 2, 24},
        {"class S:\n    def __init__(self, n: int = len('x')):\n        pass\n", "STC504", 2, 33},
        {"class S:\n    def __init__(self, *args):\n        pass\n", "STC510", 2, 25},
        {"from typing import MutableMapping\nclass S:\n    def __init__(self):\n"
         "        self.t: MutableMapping[str, set] = {}\n", "STC501", 4, 37},
        {"from typing import MutableMapping\nclass S:\n    def __init__(self):\n"
         "        self.t: MutableMapping[float, dict] = {}\n", "STC500", 4, 32},
        {"from typing import MutableMapping\nclass S:\n    def __init__(self):\n"
         "        self.t: MutableMapping[str, dict] = {}\n    def reset_t(self, t_id: str):\n"
         "        self.t = {}\n", "STC506", 6, 9},
        {"from typing import MutableMapping\nclass S:\n    def __init__(self):\n"
         "        self.t: MutableMapping[str, dict] = {}\n    def get_t(self, t_id: str):\n"
         "        return self.t.copy()\n", "STC505", 6, 16},
        {"from asyncio import Queue\nclass S:\n    def __init__(self):\n"
         "        self.q: Queue = Queue()\n    def get_q(self, q_id: str):\n"
         "        return [x for x in self.q]\n", "STC505", 6, 28},
        {"from stc_runtime import post_to_connection as post\nclass S:\n"
         "    def _tell(self, url: str, cid: str):\n        post(url, cid, 1)\n", "STC511", 4, 9},
    };
    for (size_t i = 0; i < STC_ARRAY_LEN(cases); i++) {
        stc_service *svc = tt_compile_text("svc.py", cases[i].src);
        const stc_diag *hit = NULL;
        for (size_t j = 0; j < svc->diags.count; j++)
            if (!strcmp(svc->diags.items[j].code, cases[i].code))
                hit = &svc->diags.items[j];
        if (!hit || hit->line != cases[i].line || hit->col != cases[i].col) {
            fprintf(stderr, "case %zu (%s):\n", i, cases[i].code);
            stc_diags_print(&svc->diags, stderr, NULL);
        }
        assert_non_null(hit);
        assert_int_equal(hit->severity, STC_SEV_ERROR);
        assert_int_equal(hit->line, cases[i].line);
        assert_int_equal(hit->col, cases[i].col);
        stc_service_free(svc);
    }
    /* warnings: initial contents, state on self outside __init__, a call of a non-unit */
    const char *src = "from typing import MutableMapping\nclass S:\n    def __init__(self):\n"
                      "        self.t: MutableMapping[str, dict] = {\"a\": {}}\n"
                      "    def get_t(self, t_id: str):\n        self.last = t_id\n        return self.helpme()\n"
                      "    def helpme(self):\n        return 1\n";
    stc_service *svc = tt_compile_text("svc.py", src);
    const char *want[] = {"STC502", "STC507", "STC509"};
    for (size_t k = 0; k < 3; k++) {
        bool found = false;
        for (size_t j = 0; j < svc->diags.count; j++)
            if (!strcmp(svc->diags.items[j].code, want[k])) {
                found = true;
                assert_int_equal(svc->diags.items[j].severity, STC_SEV_WARNING);
            }
        assert_true(found);
    }
    stc_service_free(svc);
}

/* The spec document of people.py: read/write per unit, digests, workflows. */
static void test_spec_json(void **state)
{
    (void)state;
    char *path = tt_example("people.py");
    stc_service *svc = stc_service_compile_file(path, NULL);
    free(path);
    stc_diags d = STC_DIAGS_INIT;
    stc_template_parts parts;
    assert_int_equal(stc_template_spec(svc, &parts, &d), 0);
    cJSON *doc = stc_spec_to_json(parts.spec);
    assert_string_equal(cJSON_GetObjectItem(doc, "service")->valuestring, "PeopleService");
    const cJSON *params = cJSON_GetObjectItem(doc, "parameters");
    assert_int_equal(cJSON_GetArraySize(params), 2);
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(params, 1), "default")->valuestring, "3");
    const cJSON *units = cJSON_GetObjectItem(doc, "units");
    assert_int_equal(cJSON_GetArraySize(units), 8);
    const cJSON *u = cJSON_GetArrayItem(units, 3); /* update_person */
    assert_string_equal(cJSON_GetObjectItem(u, "name")->valuestring, "update_person");
    const cJSON *r = cJSON_GetArrayItem(cJSON_GetObjectItem(u, "resources"), 0);
    assert_string_equal(cJSON_GetObjectItem(r, "access")->valuestring, "read_write");
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(u, "routes"), 0), "method")->valuestring,
                        "PUT");
    assert_int_equal(strlen(cJSON_GetObjectItem(u, "digest")->valuestring), 64);
    u = cJSON_GetArrayItem(units, 1); /* get_person */
    r = cJSON_GetArrayItem(cJSON_GetObjectItem(u, "resources"), 0);
    assert_string_equal(cJSON_GetObjectItem(r, "access")->valuestring, "read");
    u = cJSON_GetArrayItem(units, 7); /* _onboard */
    assert_string_equal(cJSON_GetObjectItem(u, "unit")->valuestring, "state_machine");
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(u, "digest")));
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(u, "invokes")), 2);
    const cJSON *wf = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "workflows"), 0);
    assert_string_equal(cJSON_GetObjectItem(wf, "name")->valuestring, "_onboard");
    assert_non_null(cJSON_GetObjectItem(cJSON_GetObjectItem(wf, "state_machine"), "StartAt"));
    cJSON_Delete(doc);
    stc_template_parts_free(&parts);
    stc_diags_free(&d);
    stc_service_free(svc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_params_and_resources), cmocka_unit_test(test_operations), cmocka_unit_test(test_actions),
        cmocka_unit_test(test_mistakes), cmocka_unit_test(test_spec_json),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    stc_py_finalize();
    return rc;
}
