/* naming.c - see naming.h. */
#include "core/naming.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

typedef struct {
    stc_verb_group group;
    const char *name, *method, *path, *verbs;
} stc_group_info;

static const stc_group_info groups[] = {
#define VERB_GROUP(id, name, method, path, verbs) {STC_VERB_##id, name, method, path, verbs},
#include "core/verbs.def"
#undef VERB_GROUP
};

void stc_naming_each_verb(void (*fn)(const char *verb, stc_verb_group g, void *ctx), void *ctx)
{
    char word[64];
    for (size_t i = 0; i < STC_ARRAY_LEN(groups); i++) {
        const char *p = groups[i].verbs;
        while (*p) {
            size_t n = strcspn(p, " ");
            if (n && n < sizeof word) {
                memcpy(word, p, n);
                word[n] = '\0';
                fn(word, groups[i].group, ctx);
            }
            p += n;
            while (*p == ' ')
                p++;
        }
    }
}

typedef struct {
    const char *verb;
    stc_verb_group found;
} stc_find_ctx;

static void stc_find_fn(const char *verb, stc_verb_group g, void *ctx)
{
    stc_find_ctx *c = ctx;
    if (c->found == STC_VERB_NONE && strcmp(verb, c->verb) == 0)
        c->found = g;
}

stc_verb_group stc_naming_verb_group(const char *verb)
{
    stc_find_ctx c = {verb, STC_VERB_NONE};
    stc_naming_each_verb(stc_find_fn, &c);
    return c.found;
}

const char *stc_naming_group_name(stc_verb_group g)
{
    if (g == STC_VERB_ACTION)
        return "action";
    for (size_t i = 0; i < STC_ARRAY_LEN(groups); i++)
        if (groups[i].group == g)
            return groups[i].name;
    return "none";
}

const char *stc_naming_group_method(stc_verb_group g)
{
    if (g == STC_VERB_ACTION)
        return "POST";
    for (size_t i = 0; i < STC_ARRAY_LEN(groups); i++)
        if (groups[i].group == g)
            return groups[i].method;
    return "";
}

const char *stc_naming_group_path(stc_verb_group g)
{
    if (g == STC_VERB_ACTION)
        return "item + /<verb>";
    for (size_t i = 0; i < STC_ARRAY_LEN(groups); i++)
        if (groups[i].group == g)
            return groups[i].path;
    return "";
}

typedef struct {
    const char *word;
    int best;
    char best_verb[64];
} stc_closest_ctx;

static void stc_closest_fn(const char *verb, stc_verb_group g, void *ctx)
{
    (void)g;
    stc_closest_ctx *c = ctx;
    int d = stc_edit_distance(c->word, verb);
    if (d < c->best) {
        c->best = d;
        snprintf(c->best_verb, sizeof c->best_verb, "%s", verb);
    }
}

const char *stc_naming_closest_verb(const char *word)
{
    static char result[64];
    size_t len = strlen(word);
    if (len < 3 || len > 40)
        return NULL;
    stc_closest_ctx c = {word, 1000, {0}};
    stc_naming_each_verb(stc_closest_fn, &c);
    int limit = len <= 4 ? 1 : 2;
    if (c.best == 0 || c.best > limit)
        return NULL;
    memcpy(result, c.best_verb, sizeof result);
    return result;
}
