/* wf_test.h - what the workflow compiler's cmocka tests share: the first lines
 * of every test module, and exact lookups and comparisons in a compiled
 * machine. Include after <cmocka.h>. */
#ifndef STC_WF_TEST_H
#define STC_WF_TEST_H

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>

/* Lines 1-8 of every test module; the method under test `_w` starts on
 * line 8 and its body on line 9 (8 spaces of indentation). */
#define PRELUDE                                                                                    \
    "from asyncio import sleep, gather\nimport json\n\nclass S:\n"                                 \
    "    def _send_email(self, address, flag=False):\n        return True\n\n"                     \
    "    async def _w(self, a, b):\n"

/* The state `name` of a machine; prints the machine and fails when absent. */
static inline const cJSON *state(const cJSON *asl, const char *name)
{
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(asl, "States"),
                                                      name);
    if (!s) {
        char *t = cJSON_Print(asl);
        fprintf(stderr, "no state '%s' in\n%s\n", name, t);
        free(t);
    }
    assert_non_null(s);
    return s;
}

/* The string member `key` of o; fails when absent. */
static inline const char *str(const cJSON *o, const char *key)
{
    const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, key));
    assert_non_null(s);
    return s;
}

/* The node equals the JSON text `want` exactly (members in any order). */
static inline void assert_json(const cJSON *node, const char *want)
{
    cJSON *w = cJSON_Parse(want);
    assert_non_null(w);
    if (!cJSON_Compare(node, w, true)) {
        char *got = cJSON_PrintUnformatted(node);
        fprintf(stderr, "want %s\n got %s\n", want, got);
        free(got);
        fail();
    }
    cJSON_Delete(w);
}

#endif
