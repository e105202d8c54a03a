/* datetime.h - the date/time formatting that $fromMillis (datetime.c) shares
 * with the evaluator's $now (internal to stepsim/jsonata/).
 *
 * Times are milliseconds since the epoch (JavaScript time values, doubles),
 * computed in UTC with JavaScript's own calendar arithmetic: never the C
 * library's local time, never the process's TZ.
 *
 * Ownership: the result is a string value in the context's arena. Errors
 * (D3132 unknown component, D3133, D3134, D3135...) unwind with jn_throw.
 */
#ifndef STC_JSONATA_DATETIME_H
#define STC_JSONATA_DATETIME_H

#include "stepsim/jsonata/value.h"

/* The reference's datetime.fromMillis(millis, picture, timezone): `millis`
 * formatted with an XPath fn:format-dateTime picture string, or with
 * "[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01].[f001][Z01:01t]" (ISO 8601) when
 * `picture` is NULL (undefined); `timezone` is "+HHMM"/"-HHMM" or NULL (UTC).
 * `picture` and `timezone` must be NULL or strings. $now(picture, timezone)
 * is jn_datetime_from_millis(cx, jn_ctx_now_ms(cx), picture, timezone). */
jn_val *jn_datetime_from_millis(jn_ctx *cx, double millis, const jn_val *picture,
                                const jn_val *timezone);

#endif
