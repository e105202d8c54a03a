/* naming.h - the REST verb vocabulary (core/verbs.def) and name helpers. */
#ifndef STC_NAMING_H
#define STC_NAMING_H

#include <stdbool.h>

typedef enum stc_verb_group {
    STC_VERB_NONE = 0,
#define VERB_GROUP(id, name, method, path, verbs) STC_VERB_##id,
#include "core/verbs.def"
#undef VERB_GROUP
    STC_VERB_ACTION, /* any other single word, with an id parameter */
} stc_verb_group;

/* The group of a known verb ("register" -> STC_VERB_CREATE), else STC_VERB_NONE. */
stc_verb_group stc_naming_verb_group(const char *verb);
const char *stc_naming_group_name(stc_verb_group g);   /* "create", "action" */
const char *stc_naming_group_method(stc_verb_group g); /* "POST" */
const char *stc_naming_group_path(stc_verb_group g);   /* "collection" / "item ..." */

/* The closest known verb to `word` by edit distance (<= 2, and less than
 * half the word's length), or NULL. Returns a static string. */
const char *stc_naming_closest_verb(const char *word);

/* Calls fn(verb, group, ctx) for every verb of the vocabulary, in table order. */
void stc_naming_each_verb(void (*fn)(const char *verb, stc_verb_group g, void *ctx), void *ctx);

#endif
