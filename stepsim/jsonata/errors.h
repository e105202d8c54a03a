/* errors.h - the reference's table of error codes and how it writes their
 * messages (internal to stepsim/jsonata/).
 *
 * The table is jsonata-js 2.2.2's `errorCodes`, every code and template as
 * written there. Messages are formatted as its populateMessage does: first
 * {{{name}}} is replaced by the field as text, then {{name}} by the field as
 * JSON.stringify writes it (an absent field as `undefined`). The fields are
 * those of jn_errinfo (value.h) plus the code and position.
 *
 * Ownership: jn_error_template returns a static string; jn_error_format
 * appends to the caller's buffer.
 */
#ifndef STC_JSONATA_ERRORS_H
#define STC_JSONATA_ERRORS_H

#include "core/util.h"
#include "stepsim/jsonata/value.h"

/* The template of `code`, or NULL for a code outside the table (U1001, the
 * test harness's own, is not in it: its message comes with the error). */
const char *jn_error_template(const char *code);

/* Append code's message with the fields of `info` (position unused except
 * for {{position}}) to b. A code outside the table writes info->message, or
 * nothing. */
void jn_error_format(stc_buf *b, const char *code, int position, const jn_errinfo *info);

/* The same with {{token}} written as the given JSON text (the parser's
 * number and value tokens are not strings). */
void jn_error_format_token(stc_buf *b, const char *code, int position, const jn_errinfo *info,
                           const char *token_json);

/* The messages of the two runaway errors the engine stops with (U1001, as
 * the official test harness's timeboxExpression words them). */
#define JN_MSG_STACK \
    "Stack overflow error: Check for non-terminating recursive function.  Consider rewriting as tail-recursive."
#define JN_MSG_TIMEOUT "Expression evaluation timeout: Check for infinite loop"

#endif
