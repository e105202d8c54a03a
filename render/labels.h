/* labels.h - short human text for parts of an ASL document: Choice rules,
 * Catch and Retry summaries, state details.
 *
 * The cJSON arguments are read, never modified or kept. Every returned
 * string is allocated and owned by the caller (free()). */
#ifndef STC_RENDER_LABELS_H
#define STC_RENDER_LABELS_H

#include <cjson/cJSON.h>

/* The prefix shared by every `Variable` path of a Choice state's rules, cut
 * at a '.' boundary ("$.vars." for $.vars.ok and $.vars.n), or "$." when
 * they share less. Never NULL. */
char *stc_labels_common_prefix(const cJSON *choice_state);

/* One Choice rule in short form, e.g. "ok == false", "n < 10",
 * "a > 1 and not (b is null)", "x is present". The rule's Comment wins when
 * present. A JSONata Condition reads in Python's words (render/pycond.h:
 * "{% $total >= 100 and $not($held) %}" is "total >= 100 and not held"),
 * or, where Python has none, is its own text without the delimiters; either
 * is cut at 40 code points with an ellipsis. `strip` is removed from the
 * front of variable paths (may be NULL). */
char *stc_labels_rule(const cJSON *rule, const char *strip);

/* "catch States.ALL" / "catch A, B" for one Catch entry. */
char *stc_labels_catch(const cJSON *catcher);

/* "retry x3" from a Retry array (MaxAttempts of the first retrier, default
 * 3, then "+N" for the other retriers), or NULL when there is none. */
char *stc_labels_retry(const cJSON *retry);

/* The second line of a state box, or NULL: Wait ("wait 10 s",
 * "until $.t"), Fail ("error E"), Map ("each items"). */
char *stc_labels_detail(const cJSON *state);

#endif
