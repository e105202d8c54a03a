/* asl_build.h - small builders for Amazon States Language JSON (JSONPath):
 * intrinsic-function literals, path segments, Choice rules, and lists of
 * "dangling exits" (a Next or Default still to be filled in).
 *
 * Ownership: every function returning cJSON* or char* returns a new value
 * owned by the caller; cJSON arguments named `take` are consumed.
 */
#ifndef STC_ASL_BUILD_H
#define STC_ASL_BUILD_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "core/util.h"

/* A field still to be set to the name of a state: obj[key] = name. `key` is
 * a static string ("Next" or "Default"). */
typedef struct stc_asl_exit {
    cJSON *obj;
    const char *key;
} stc_asl_exit;

typedef struct stc_asl_exits {
    stc_asl_exit *items;
    size_t count, cap;
} stc_asl_exits;

/* Adding to an object under a fixed key. `key` must outlive the tree: a
 * string literal, which the tree keeps by reference instead of copying
 * (cJSON_AddItemToObjectCS). Most keys of a state machine are fixed, and
 * copying each was a good part of what building the trees allocated. */
void stc_asl_add(cJSON *obj, const char *key, cJSON *take);
cJSON *stc_asl_add_str(cJSON *obj, const char *key, const char *value);
/* The value a string literal too, also kept by reference (it cannot be
 * changed with cJSON_SetValuestring). */
cJSON *stc_asl_add_lit(cJSON *obj, const char *key, const char *value);
cJSON *stc_asl_add_obj(cJSON *obj, const char *key);
cJSON *stc_asl_add_arr(cJSON *obj, const char *key);
cJSON *stc_asl_add_num(cJSON *obj, const char *key, double v);
cJSON *stc_asl_add_bool(cJSON *obj, const char *key, bool v);
cJSON *stc_asl_add_null(cJSON *obj, const char *key);

void stc_asl_exits_add(stc_asl_exits *e, cJSON *obj, const char *key);
/* Move every exit of `from` into `to` (from ends empty). */
void stc_asl_exits_move(stc_asl_exits *to, stc_asl_exits *from);
/* Set every exit to `name` and empty the list. */
void stc_asl_exits_patch(stc_asl_exits *e, const char *name);
/* The same with `name` kept by reference: it must outlive the tree. */
void stc_asl_exits_patch_ref(stc_asl_exits *e, const char *name);
void stc_asl_exits_free(stc_asl_exits *e);

/* A string literal for an intrinsic argument: 'it\'s' (escapes ' { } \). */
void stc_asl_quote(stc_buf *b, const char *s);
/* The literal text of a States.Format template: escapes { } ' \ . */
void stc_asl_format_text(stc_buf *b, const char *s, size_t n);
/* Append ".key" to a path when key is a plain identifier, else "['key']". */
void stc_asl_path_key(stc_buf *b, const char *key);
/* True when the key can be written as ".key" in a path. */
bool stc_asl_plain_key(const char *key);

/* Choice rules (without Next). stc_asl_rule copies `op`; the others take a
 * string literal (see stc_asl_add). */
cJSON *stc_asl_rule(const char *var, const char *op, cJSON *take);
cJSON *stc_asl_rule_bool(const char *var, const char *op, bool v);
cJSON *stc_asl_rule_str(const char *var, const char *op, const char *v);
cJSON *stc_asl_rule_num(const char *var, const char *op, double v);
/* {"And": [a, b, ...]} / {"Or": [...]} from `n` rules (consumed); with one
 * rule, that rule itself. */
cJSON *stc_asl_rule_join(const char *op, cJSON **take, size_t n);
cJSON *stc_asl_rule_not(cJSON *take);

/* The Retry list AWS recommends for lambda:invoke: the Lambda service's
 * transient errors only. */
cJSON *stc_asl_lambda_retry(void);

/* Retry every error (States.ALL), 1 s, 3 attempts, backoff 2: the start of
 * a continued execution, which is idempotent. */
cJSON *stc_asl_retry_all(void);

#endif
