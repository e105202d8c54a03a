/* inflect.h - English plural and singular of one lowercase word, with the
 * rule that produced each result (docs/naming-convention.md section 3,
 * "Pluralization"; the full table and the reasoning are in docs/routes.md).
 *
 * The word lists are the convention's, exactly: irregulars, uncountables and
 * the f/fe -> ves words. Everything else follows the general rules. Words are
 * single snake_case words (lowercase letters and digits); callers split
 * entities on '_' and inflect the last word.
 *
 * Ownership: every returned string is allocated and owned by the caller.
 * The rule names and explanations are static strings.
 */
#ifndef STC_INFLECT_H
#define STC_INFLECT_H

#include <stdbool.h>

/* PLURAL_RULE(ID, "short name", "explanation shown in explain texts") */
#define STC_PLURAL_RULES(X)                                                            \
    X(NONE, "none", "not a plural")                                                   \
    X(IRREGULAR, "irregular", "irregular plural")                                     \
    X(UNCOUNTABLE, "uncountable", "uncountable: kept as it is")                       \
    X(IES, "ies", "consonant + y -> ies")                                             \
    X(ES, "es", "ends in s, x, z, ch or sh -> + es")                                  \
    X(VES, "ves", "f/fe -> ves")                                                      \
    X(REGULAR, "regular", "regular plural: + s")

typedef enum stc_plural_rule {
#define X(id, name, text) STC_PLURAL_##id,
    STC_PLURAL_RULES(X)
#undef X
} stc_plural_rule;

const char *stc_inflect_rule_name(stc_plural_rule r); /* "irregular" */
const char *stc_inflect_rule_text(stc_plural_rule r); /* "irregular plural" */

/* The plural of `word`, and in *rule (may be NULL) the rule used. An
 * uncountable word is returned as it is (STC_PLURAL_UNCOUNTABLE). */
char *stc_inflect_plural(const char *word, stc_plural_rule *rule);

/* The singular of `word` when it is a plural, with the rule of the plural it
 * inverts; otherwise a copy of `word` with STC_PLURAL_NONE (or
 * STC_PLURAL_UNCOUNTABLE for an uncountable). "data" gives "datum"
 * (irregular), so that datum -> data -> datum round-trips. */
char *stc_inflect_singular(const char *word, stc_plural_rule *rule);

/* True when `word` is the plural of another word: its singular differs and
 * pluralizes back to it. Uncountables ("data", "news", "series") are never
 * plural here: they name an item as well as the collection. When true and
 * `singular` is not NULL, *singular receives the singular (caller frees) and
 * *rule (may be NULL) the plural rule. */
bool stc_inflect_is_plural(const char *word, char **singular, stc_plural_rule *rule);

#endif
