/* choice.h - Choice rules: every comparison operator and its ...Path variant,
 * And/Or/Not, IsPresent, IsNull, IsNumeric, IsString, IsBoolean,
 * IsTimestamp, StringMatches with `*` and escapes; plus RFC 3339 timestamps
 * (also used by Wait).
 *
 * Ownership: everything is borrowed; nothing is allocated except error text.
 */
#ifndef STC_CHOICE_H
#define STC_CHOICE_H

#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "stepsim/jsonpath.h"
#include "stepsim/rterr.h"

/* Evaluate one rule (a Choices entry or a nested one). A comparison whose
 * Variable (or ...Path operand) selects nothing is a States.Runtime error,
 * except IsPresent, which is then false. Values of the wrong type never
 * match. Returns 0 with *match, or -1 with `err`. */
int stc_choice_eval(const cJSON *rule, const stc_scope *sc, bool *match, stc_rterr *err);

/* Static check of a rule: exactly one operator, a Variable where needed,
 * operand types, Next on top-level rules. 0, or -1 with *msg (allocated). */
int stc_choice_check(const cJSON *rule, bool top, char **msg);

/* RFC 3339 timestamp ("2016-03-14T01:59:00Z", fractions, offsets; 'T' and
 * an offset or 'Z' required). True with seconds since the epoch and nanos. */
bool stc_timestamp_parse(const char *s, int64_t *sec, long *nsec);

/* Milliseconds since the epoch as "2026-01-01T00:00:00.000Z" (buf >= 32). */
void stc_timestamp_format(int64_t ms, char *buf, size_t size);

/* StringMatches: `*` matches any run; `\*` and `\\` are literal. */
bool stc_string_matches(const char *s, const char *pattern);

#endif
